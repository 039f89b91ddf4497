//! Patterns inside expressions: pattern predicates (`(a)-->(b)` is true
//! when the pattern has a match) and pattern comprehensions
//! (`[(a)-->(b) WHERE b.x > 1 | b.name]`, one value per match). Both run
//! the MATCH matcher starting from every variable the expression can see,
//! so a bound variable anchors the search instead of a scan. A variable
//! bound to null (from OPTIONAL MATCH) matches nothing: the predicate is
//! false and the comprehension empty.

use super::{eval, Env, Reader, Result};
use crate::cypher::ast::{Expr, ExprKind, PathKind, PatternPart, RelDirection};
use crate::cypher::pattern::{compile_parts, Matcher, State};
use crate::cypher::value::Val;
use crate::graph::Direction;

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
    if let Some(answer) = one_hop_exists(part, env, reader)? {
        return Ok(answer);
    }
    let (_, found) = matches(part, env, reader, None, 1)?;
    Ok(!found.is_empty())
}

/// The semi-join of the most common predicate, `(a)-[:T]->()` (or
/// `(a)-[:T]-(b)` with `b` bound, or an end node with labels): one
/// relationship from a bound node, nothing else named or filtered. It is
/// answered by walking `a`'s relationships until one fits, with no
/// matcher and no copy of the row. `None` when the pattern has another
/// shape.
fn one_hop_exists(part: &PatternPart, env: &Env<'_>, reader: &Reader<'_>) -> Result<Option<bool>> {
    let [(rel, end)] = part.hops.as_slice() else {
        return Ok(None);
    };
    let start = &part.start;
    let simple = part.kind == PathKind::All
        && part.var.is_none()
        && start.labels.is_empty()
        && start.props.is_none()
        && rel.var.is_none()
        && rel.length.is_none()
        && rel.props.is_none()
        && end.props.is_none();
    let Some(start_var) = start.var.as_ref().filter(|_| simple) else {
        return Ok(None);
    };
    let from = match env.lookup(&start_var.name) {
        Some(Val::Node(id)) => *id,
        Some(Val::Null) => return Ok(Some(false)),
        _ => return Ok(None),
    };
    let to = match end.var.as_ref().map(|v| env.lookup(&v.name)) {
        None | Some(None) => None,
        Some(Some(Val::Node(id))) => Some(*id),
        Some(Some(Val::Null)) => return Ok(Some(false)),
        Some(Some(_)) => return Ok(None),
    };
    // the end variable names the same node as the start: not this shape
    if end.var.as_ref().is_some_and(|v| v.name == start_var.name) {
        return Ok(None);
    }
    let direction = match rel.direction {
        RelDirection::Right => Direction::Outgoing,
        RelDirection::Left => Direction::Incoming,
        RelDirection::Both => Direction::Both,
    };
    let graph = reader.graph;
    for adj in graph.edges(from, direction) {
        let other = adj.other(from);
        if to.is_some_and(|t| t != other) {
            continue;
        }
        let type_fits = rel.types.is_empty()
            || graph
                .rel(adj.rel)
                .is_some_and(|r| rel.types.iter().any(|t| t.name == r.rel_type()));
        let labels_fit = end.labels.is_empty()
            || graph
                .node(other)
                .is_some_and(|n| end.labels.iter().all(|l| n.has_label(&l.name)));
        if type_fits && labels_fit {
            return Ok(Some(true));
        }
    }
    Ok(Some(false))
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
    let mut bytes = 0;
    for row in &found {
        let inner = Env::Row { names: &names, row };
        let value = eval(map, &inner, reader)?;
        bytes += crate::cypher::budget::size_of_val(&value);
        reader.budget.check(bytes)?;
        super::check_element_depth(std::slice::from_ref(&value))?;
        out.push(value);
    }
    Ok(Val::List(out))
}
