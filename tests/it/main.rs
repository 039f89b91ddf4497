//! The single integration-test binary: one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "tests unwrap freely and print why they skip"
)]

mod cli;
mod commands;
mod cypher;
mod dot;
mod durability;
mod exec;
mod export;
mod export_interop;
mod extract;
mod fuzz;
mod ingest;
mod input;
mod limits;
mod output;
mod records;
mod resolve;
mod shell;
mod store;
mod tck;
