//! Bounds on the shape of a parsed statement: how deep its syntax tree is
//! and how long its patterns are. `analyze`, the planner, evaluation,
//! printing and even dropping the tree recurse once per level, and the
//! matcher once per relationship of a pattern, so both are bounded here,
//! right after parsing, by a walk that itself recurses at most
//! `MAX_DEPTH` levels.
//!
//! Brackets and `CASE` are bounded before pest (`nesting`) and each
//! operator chain by `MAX_CHAIN`; but chains of different operators stack
//! (`a OR b` whose left side is `c AND d`, ...), so only the depth of the
//! tree itself bounds the recursion of the later stages.

use super::super::ast::*;
use super::{compile_error, Result};

/// Deepest syntax tree a statement may have. The query thread's stack
/// (`QUERY_STACK_BYTES` in `cypher.rs`) is sized for it.
pub const MAX_DEPTH: usize = 16_384;

/// Most relationships one pattern part may have, and most parts a
/// `MATCH` may have: the matcher recurses per relationship and per part
/// and copies the row once per part.
pub const MAX_PATTERN_LENGTH: usize = 1024;

/// Rejects a statement deeper than `MAX_DEPTH` or with a pattern longer
/// than `MAX_PATTERN_LENGTH`.
pub(super) fn check_shape(statement: &Statement) -> Result<()> {
    std::iter::once(&statement.first)
        .chain(statement.unions.iter().map(|(_, q)| q))
        .flat_map(|q| &q.clauses)
        .try_for_each(clause)
}

fn clause(clause: &Clause) -> Result<()> {
    match clause {
        Clause::Match(m) => {
            if m.pattern.len() > MAX_PATTERN_LENGTH {
                return Err(compile_error(
                    "PatternTooLong",
                    format!("a MATCH has more than {MAX_PATTERN_LENGTH} comma-separated patterns"),
                    m.span,
                ));
            }
            patterns(&m.pattern)?;
            m.where_clause.iter().try_for_each(|e| expr(e, 1))
        }
        Clause::Unwind { expr: e, .. } => expr(e, 1),
        Clause::Create { pattern, .. } => patterns(pattern),
        Clause::Merge(m) => {
            pattern(&m.pattern, 1)?;
            m.actions
                .iter()
                .flat_map(|(_, items)| items)
                .try_for_each(set_item)
        }
        Clause::Set { items, .. } => items.iter().try_for_each(set_item),
        Clause::Delete { exprs, .. } => exprs.iter().try_for_each(|e| expr(e, 1)),
        Clause::Remove { items, .. } => items.iter().try_for_each(|item| match item {
            RemoveItem::Property { target, .. } => expr(target, 1),
            RemoveItem::Labels { .. } => Ok(()),
        }),
        Clause::With(p) | Clause::Return(p) => projection(p),
    }
}

fn set_item(item: &SetItem) -> Result<()> {
    match item {
        SetItem::Property { target, value, .. } => {
            expr(target, 1)?;
            expr(value, 1)
        }
        SetItem::Replace { value, .. } | SetItem::Merge { value, .. } => expr(value, 1),
        SetItem::Labels { .. } => Ok(()),
    }
}

fn projection(p: &Projection) -> Result<()> {
    let items = p.items.iter().map(|i| &i.expr);
    let sorts = p.order_by.iter().map(|s| &s.expr);
    items
        .chain(sorts)
        .chain(&p.skip)
        .chain(&p.limit)
        .chain(&p.where_clause)
        .try_for_each(|e| expr(e, 1))
}

fn patterns(parts: &[PatternPart]) -> Result<()> {
    parts.iter().try_for_each(|p| pattern(p, 1))
}

fn pattern(part: &PatternPart, depth: usize) -> Result<()> {
    if part.hops.len() > MAX_PATTERN_LENGTH {
        return Err(compile_error(
            "PatternTooLong",
            format!("a pattern has more than {MAX_PATTERN_LENGTH} relationships"),
            part.span,
        ));
    }
    for (rel, _) in &part.hops {
        let (min, max) = rel.length.unwrap_or((None, None));
        if min.max(max).is_some_and(|n| n > MAX_PATTERN_LENGTH as u64) {
            return Err(compile_error(
                "PatternTooLong",
                format!(
                    "a variable-length relationship may span at most {MAX_PATTERN_LENGTH} relationships"
                ),
                rel.span,
            ));
        }
    }
    let node_props = std::iter::once(&part.start)
        .chain(part.hops.iter().map(|(_, n)| n))
        .filter_map(|n| n.props.as_ref());
    let rel_props = part.hops.iter().filter_map(|(r, _)| r.props.as_ref());
    node_props
        .chain(rel_props)
        .try_for_each(|e| expr(e, depth + 1))
}

/// Checks `e`, found `depth` levels down, and everything below it.
fn expr(e: &Expr, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(compile_error(
            "NestingTooDeep",
            format!("the query's expressions nest more than {MAX_DEPTH} levels deep"),
            e.span,
        ));
    }
    let below = depth + 1;
    let one = |child: &Expr| expr(child, below);
    let optional = |child: &Option<Box<Expr>>| child.as_deref().map_or(Ok(()), one);
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::CountStar => {
            Ok(())
        }
        ExprKind::Property(inner, _)
        | ExprKind::HasLabels(inner, _)
        | ExprKind::Unary(_, inner)
        | ExprKind::IsNull(inner, _)
        | ExprKind::Paren(inner) => one(inner),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            one(a)?;
            one(b)
        }
        ExprKind::Slice(inner, from, to) => {
            one(inner)?;
            optional(from)?;
            optional(to)
        }
        ExprKind::Compare(first, rest) => {
            one(first)?;
            rest.iter().try_for_each(|(_, e)| one(e))
        }
        ExprKind::List(items) | ExprKind::Function { args: items, .. } => {
            items.iter().try_for_each(one)
        }
        ExprKind::Map(entries) => entries.iter().try_for_each(|(_, e)| one(e)),
        ExprKind::Case {
            operand,
            whens,
            otherwise,
        } => {
            optional(operand)?;
            for (when, then) in whens {
                one(when)?;
                one(then)?;
            }
            optional(otherwise)
        }
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            one(list)?;
            optional(filter)?;
            optional(map)
        }
        ExprKind::Quantified {
            list, predicate, ..
        } => {
            one(list)?;
            one(predicate)
        }
        ExprKind::PatternPredicate(part) => pattern(part, depth),
        ExprKind::PatternComprehension {
            pattern: part,
            filter,
            map,
        } => {
            pattern(part, depth)?;
            optional(filter)?;
            one(map)
        }
    }
}
