//! The single integration-test binary: one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod cypher;
mod dot;
mod extract;
mod ingest;
mod store;
mod tck;
