//! The Cypher subset: parse → analyze → plan → execute.

pub mod analyze;
pub mod ast;
pub mod budget;
pub mod error;
mod exec;
mod expr;
mod functions;
pub mod parser;
mod pattern;
mod plan;
mod undo;
pub mod value;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub use error::{ErrorKind, Phase, QueryError, Span};
pub use exec::RowSink;

use crate::graph::{Graph, Value};
use crate::table::{self, Table};

/// Query parameters, bound as `$name`.
pub type Params = BTreeMap<String, Value>;

/// Limits and cancellation for one query.
#[derive(Debug, Clone)]
pub struct Options {
    /// Upper bound used for variable-length patterns written without one (`*`, `*2..`).
    pub max_hops: u32,
    /// Set from another thread (the REPL's Ctrl-C) to stop the query.
    pub cancel: Arc<AtomicBool>,
    /// The query fails with `Cancelled` once this instant has passed.
    pub deadline: Option<Instant>,
    /// Bytes a statement may hold and build (`budget`); more fails it with
    /// `MemoryLimit`.
    pub max_memory: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_hops: 15,
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
            max_memory: budget::DEFAULT_MAX_MEMORY,
        }
    }
}

impl Options {
    /// Whether the query should stop now.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Parses one statement into its syntax tree.
pub fn parse(query: &str) -> Result<ast::Statement, QueryError> {
    parser::parse(query)
}

/// Runs one statement against the graph: parse, check, plan and execute.
pub fn execute(
    graph: &mut Graph,
    query: &str,
    params: &Params,
    options: &Options,
) -> Result<Table, QueryError> {
    execute_with(graph, query, params, options, None)
}

/// Runs one statement, handing the result's rows to `sink` as they are
/// made (the returned table then has the columns and no rows). A `UNION`,
/// `EXPLAIN`, `PROFILE` and a long query (which runs on a thread of its
/// own) are collected first and then handed over, so every row still
/// reaches `sink`.
pub fn execute_streaming(
    graph: &mut Graph,
    query: &str,
    params: &Params,
    options: &Options,
    sink: &mut dyn RowSink,
) -> Result<Table, QueryError> {
    let mut table = execute_with(graph, query, params, options, Some(&mut *sink))?;
    if !table.rows.is_empty() {
        sink.columns(&table.columns)?;
        for row in std::mem::take(&mut table.rows) {
            sink.row(row)?;
        }
    }
    Ok(table)
}

fn execute_with(
    graph: &mut Graph,
    query: &str,
    params: &Params,
    options: &Options,
    stream: Option<&mut dyn RowSink>,
) -> Result<Table, QueryError> {
    // Every stage walks the syntax tree recursively and the parser bounds
    // its depth. A short query cannot come near that bound (each level
    // takes at least two bytes), so it runs here; a long one runs on a
    // thread whose stack is large enough for the deepest tree allowed.
    // Unoptimised builds have far larger frames, so they always use it.
    if query.len() <= INLINE_QUERY_BYTES && !cfg!(debug_assertions) {
        return run_statement(graph, query, params, options, stream);
    }
    std::thread::scope(|scope| {
        // the caller's sink stays on the caller's thread: rows cross over
        // a bounded channel, so they still reach it as they are made
        let (sender, receiver) = std::sync::mpsc::sync_channel(256);
        let streaming = stream.is_some();
        let query_thread = std::thread::Builder::new()
            .name("kg-query".to_string())
            .stack_size(QUERY_STACK_BYTES)
            .spawn_scoped(scope, move || {
                let mut forward = Forward(sender);
                let sink = streaming.then_some(&mut forward as &mut dyn RowSink);
                run_statement(graph, query, params, options, sink)
            })
            .map_err(|e| {
                QueryError::new(
                    Phase::Runtime,
                    ErrorKind::Internal,
                    "ThreadSpawn",
                    format!("cannot start the query thread: {e}"),
                )
            })?;
        let mut sink_error = None;
        if let Some(sink) = stream {
            for event in receiver {
                let delivered = match event {
                    Streamed::Columns(columns) => sink.columns(&columns),
                    Streamed::Row(row) => sink.row(row),
                };
                if let Err(e) = delivered {
                    // dropping the receiver stops the query at its next row
                    sink_error = Some(e);
                    break;
                }
            }
        }
        let result = query_thread.join().unwrap_or_else(|_| {
            Err(QueryError::new(
                Phase::Runtime,
                ErrorKind::Internal,
                "Panic",
                "the query engine failed unexpectedly (this is a bug in kg)",
            ))
        });
        match sink_error {
            Some(e) => Err(e),
            None => result,
        }
    })
}

/// What the query thread hands the caller's sink.
enum Streamed {
    Columns(Vec<String>),
    Row(Vec<table::Item>),
}

/// A `RowSink` on the query thread that sends everything to the caller's.
struct Forward(std::sync::mpsc::SyncSender<Streamed>);

impl RowSink for Forward {
    fn columns(&mut self, columns: &[String]) -> Result<(), QueryError> {
        self.send(Streamed::Columns(columns.to_vec()))
    }

    fn row(&mut self, row: Vec<table::Item>) -> Result<(), QueryError> {
        self.send(Streamed::Row(row))
    }
}

impl Forward {
    fn send(&self, event: Streamed) -> Result<(), QueryError> {
        self.0.send(event).map_err(|_| {
            QueryError::new(
                Phase::Runtime,
                ErrorKind::Internal,
                "Output",
                "the result's reader stopped",
            )
        })
    }
}

fn run_statement(
    graph: &mut Graph,
    query: &str,
    params: &Params,
    options: &Options,
    stream: Option<&mut dyn RowSink>,
) -> Result<Table, QueryError> {
    // the deadline covers parsing and checking too
    let statement = parser::parse(query)?;
    if options.is_cancelled() {
        return Err(cancelled());
    }
    if let Some(first) = analyze::first_error(analyze::analyze(&statement)) {
        return Err(first);
    }
    if options.is_cancelled() {
        return Err(cancelled());
    }
    exec::execute(graph, &statement, params, options, stream)
}

/// Queries up to this length run on the caller's thread.
const INLINE_QUERY_BYTES: usize = 1024;

/// Stack of the query thread: address space reserved, not memory used.
/// Sized for the deepest syntax tree `parser::shape::MAX_DEPTH` allows,
/// evaluated (the deepest stage): a 16 k-deep tree overflows 256 MiB
/// unoptimised (about 16 KiB a level) and runs in it optimised, in every
/// mode (`tests/it/limits.rs` runs it).
const QUERY_STACK_BYTES: usize = if cfg!(debug_assertions) {
    1024 * 1024 * 1024
} else {
    256 * 1024 * 1024
};

/// The error of a cancelled or timed-out query.
pub(crate) fn cancelled() -> QueryError {
    QueryError::new(
        Phase::Runtime,
        ErrorKind::Cancelled,
        "Cancelled",
        "the query was cancelled or ran out of time",
    )
}

/// Splits a script into its statements (`;`-separated, `;` inside strings
/// and comments ignored), each with its byte offset in the script.
/// Statements that are only white space or comments are left out.
pub fn split_script(script: &str) -> Result<Vec<(usize, &str)>, QueryError> {
    let mut out = Vec::new();
    let mut start = 0;
    let ends = parser::semicolons(script)?
        .into_iter()
        .chain(std::iter::once(script.len()));
    for end in ends {
        let text = &script[start..end];
        if parser::has_content(text) {
            out.push((start, text));
        }
        start = (end + 1).min(script.len());
    }
    Ok(out)
}
