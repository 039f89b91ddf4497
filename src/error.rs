//! `kg::Error`: one variant per layer, with the path or input it concerns.

use std::path::PathBuf;

use crate::cypher::QueryError;
use crate::graph::GraphError;

/// Any error kg reports to its user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A query failed; the message is already rendered with its caret.
    #[error("{rendered}")]
    Query {
        rendered: String,
        #[source]
        source: QueryError,
    },
    /// Reading or writing the graph file failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The graph refused a change.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// Anything else the user did wrong, said plainly.
    #[error("{0}")]
    Usage(String),
    /// The command line itself is wrong: an unknown flag, a bad value
    /// (`kg` exits with status 2).
    #[error("{0}")]
    CommandLine(String),
}

impl Error {
    /// An I/O error about a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A query error, rendered against the query text it came from.
    pub fn query(source: QueryError, query: &str) -> Error {
        Error::Query {
            rendered: source.render(query),
            source,
        }
    }
}

/// kg's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
