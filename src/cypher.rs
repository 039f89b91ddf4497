//! The Cypher subset: parse → analyze → plan → execute.

pub mod error;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

pub use error::{ErrorKind, Phase, QueryError, Span};

use crate::graph::{Graph, Value};
use crate::table::Table;

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
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_hops: 15,
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
        }
    }
}

impl Options {
    /// Whether the query should stop now.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// Runs one statement against the graph.
pub fn execute(
    _graph: &mut Graph,
    _query: &str,
    _params: &Params,
    _options: &Options,
) -> Result<Table, QueryError> {
    Err(QueryError::new(
        Phase::Compile,
        ErrorKind::Internal,
        "NotImplemented",
        "the query engine is not built yet",
    ))
}

/// Splits a script into its statements (`;`-separated, `;` inside strings
/// and comments ignored), each with its byte offset in the script.
pub fn split_script(script: &str) -> Result<Vec<(usize, &str)>, QueryError> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in script.char_indices() {
        if c == ';' {
            if !script[start..i].trim().is_empty() {
                out.push((start, &script[start..i]));
            }
            start = i + 1;
        }
    }
    if !script[start..].trim().is_empty() {
        out.push((start, &script[start..]));
    }
    Ok(out)
}
