//! `QueryError`, shared by every phase of the query pipeline, and the caret
//! renderer that shows where in the query it happened.

use std::fmt;

/// When an error was detected, as the openCypher TCK names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before execution: parsing and semantic analysis.
    Compile,
    /// While the query ran.
    Runtime,
}

/// The class of error, as the openCypher TCK names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad text or a rule broken before running, as the TCK classes them
    /// (`RETURN 1 AND true`, `MATCH (a) RETURN b`).
    SyntaxError,
    /// A rule broken while running (`MERGE (a {x: null})`).
    SemanticError,
    /// A value of the wrong type (`RETURN 'a' - 1`).
    TypeError,
    /// A value out of range for a function (`RETURN range(1, 2, 0)`).
    ArgumentError,
    /// A deleted element was read (`MATCH (n) DELETE n RETURN n.name`).
    EntityNotFound,
    /// A change that would break the graph (`DELETE` of a connected node).
    ConstraintVerificationFailed,
    /// `$name` used but not given.
    ParameterMissing,
    /// The query was cancelled (Ctrl-C) or hit its time limit.
    Cancelled,
    /// The statement needed more memory than its budget (`--max-memory`).
    MemoryLimit,
    /// A bug in kg itself: the parser and the AST disagree, say.
    Internal,
}

/// A byte range of the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// An error from parsing, analysing or running a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryError {
    pub phase: Phase,
    pub kind: ErrorKind,
    /// The TCK detail code, e.g. `UndefinedVariable`, `InvalidArgumentType`.
    pub code: String,
    pub message: String,
    pub span: Option<Span>,
}

impl QueryError {
    pub fn new(
        phase: Phase,
        kind: ErrorKind,
        code: &str,
        message: impl Into<String>,
    ) -> QueryError {
        QueryError {
            phase,
            kind,
            code: code.to_string(),
            message: message.into(),
            span: None,
        }
    }

    pub fn with_span(mut self, span: Span) -> QueryError {
        self.span = Some(span);
        self
    }

    /// Adds a span unless the error already points somewhere more precise.
    pub fn with_span_if_none(mut self, span: Span) -> QueryError {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    /// The error with the offending line of `query` and a caret under the
    /// place it points at (1-based line and column).
    pub fn render(&self, query: &str) -> String {
        let mut out = format!("error[{}]: {}", self.code, self.message);
        if let Some(span) = self.span {
            let start = span.start.min(query.len());
            let line_start = query[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = query[start..].find('\n').map_or(query.len(), |i| start + i);
            let line_no = query[..start].matches('\n').count() + 1;
            let column = query[line_start..start].chars().count() + 1;
            let line = &query[line_start..line_end];
            out.push_str(&format!(
                "\n --> query:{line_no}:{column}\n  |\n  | {line}\n  | {}^",
                " ".repeat(column - 1)
            ));
        }
        out
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}[{}]: {}", self.kind, self.code, self.message)
    }
}

impl std::error::Error for QueryError {}
