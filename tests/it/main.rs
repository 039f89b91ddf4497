//! The single integration-test binary: one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests unwrap freely and print why they skip"
)]

mod cli;
mod cypher;
mod dot;
mod export;
mod export_interop;
mod extract;
mod ingest;
mod resolve;
mod store;
mod tck;
