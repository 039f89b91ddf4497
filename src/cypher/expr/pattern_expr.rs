//! Patterns inside expressions: pattern predicates (`(a)-->(b)` is true
//! when the pattern has a match) and pattern comprehensions
//! (`[(a)-->(b) WHERE b.x > 1 | b.name]`, one value per match). Both run
//! the MATCH matcher starting from every variable the expression can see,
//! so a bound variable anchors the search instead of a scan. A variable
//! bound to null (from OPTIONAL MATCH) matches nothing: the predicate is
//! false and the comprehension empty.

use super::{eval, Env, Reader, Result};
use crate::cypher::ast::{Expr, ExprKind, PatternPart};
use crate::cypher::pattern::{compile_parts, Matcher, State};
use crate::cypher::value::Val;

/// Whether `e` is a pattern predicate, looking through parentheses.
pub fn is_pattern(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::PatternPredicate(_) => true,
        ExprKind::Paren(inner) => is_pattern(inner),
        _ => false,
    }
}

/// Appends the variables visible in `env` to one row; a later name
/// shadows an earlier one, as in `Env::lookup`.
fn flatten(env: &Env<'_>, names: &mut Vec<String>, row: &mut Vec<Val>) {
    match env {
        Env::Row { names: n, row: r } => {
            names.extend(n.iter().cloned());
            row.extend(r.iter().cloned());
        }
        Env::Bind {
            name,
            value,
            parent,
        } => {
            flatten(parent, names, row);
            names.push((*name).to_string());
            row.push((*value).clone());
        }
        Env::Aggregates { parent, .. } => flatten(parent, names, row),
    }
}

/// The matches of `part` that extend the visible variables and pass
/// `filter`, at most `limit` of them, with the names of their columns.
fn matches(
    part: &PatternPart,
    env: &Env<'_>,
    reader: &Reader<'_>,
    filter: Option<&Expr>,
    limit: usize,
) -> Result<(Vec<String>, Vec<Vec<Val>>)> {
    let mut names = Vec::new();
    let mut row = Vec::new();
    flatten(env, &mut names, &mut row);
    let width = names.len();
    let mut anon = 0;
    let parts = compile_parts(
        std::slice::from_ref(part),
        &mut names,
        &[],
        &mut anon,
        u64::from(reader.options.max_hops),
    );
    let mut bound = vec![true; width];
    bound.resize(names.len(), false);
    row.resize(names.len(), Val::Null);
    let mut state = State::new(row, bound);
    let matcher = Matcher::new(reader, &names, reader.options).with_filter(filter);
    let found = matcher.collect(&parts, &mut state, limit)?;
    Ok((names, found))
}

/// A pattern predicate: whether `part` has at least one match.
pub fn exists(part: &PatternPart, env: &Env<'_>, reader: &Reader<'_>) -> Result<bool> {
    let (_, found) = matches(part, env, reader, None, 1)?;
    Ok(!found.is_empty())
}

/// A pattern comprehension: `map` evaluated for every match passing `filter`.
pub fn comprehension(
    part: &PatternPart,
    filter: Option<&Expr>,
    map: &Expr,
    env: &Env<'_>,
    reader: &Reader<'_>,
) -> Result<Val> {
    let (names, found) = matches(part, env, reader, filter, usize::MAX)?;
    let mut out = Vec::with_capacity(found.len());
    for row in &found {
        let inner = Env::Row { names: &names, row };
        out.push(eval(map, &inner, reader)?);
    }
    Ok(Val::List(out))
}
