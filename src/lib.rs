//! kg: a knowledge-graph store for news.
//!
//! Articles are read (`extract::article`) and turned into extraction records
//! of people, roles, institutions, places and events (`extract`), which
//! `ingest` merges into a property `graph` with the provenance of every fact.
//! The graph is saved and loaded by `store`, queried with a Cypher subset
//! (`cypher`, results in `table`), driven statement by statement by `session`
//! from the command line (`cli`), scripts or the `repl`, and exported to
//! Graphviz by `dot` and to other tools by `export` (JSON, which `kg import`
//! reads back, GraphML, a Cypher script, bulk-import CSV). Extraction can run
//! elsewhere: `stream` is `kg extract -` as a pipe filter, and `records` the
//! records it writes, which `kg ingest --records` merges.

pub mod cli;
pub mod cypher;
pub mod dot;
pub mod error;
pub mod export;
pub mod extract;
pub mod graph;
pub mod ingest;
pub mod records;
pub mod repl;
pub mod resolve;
pub mod session;
pub mod store;
pub mod stream;
pub mod table;

pub use error::Error;
