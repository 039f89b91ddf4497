//! The single integration-test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod extract;
