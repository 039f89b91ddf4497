//! Planning of projections (WITH/RETURN): the output columns, which items
//! aggregate, every aggregate call to compute per group, and which ORDER BY
//! expressions are just a projected item. Pattern planning (anchor choice)
//! happens per row in `pattern`, where bound variables are known.

use super::ast::{Expr, ExprKind, Projection, Span};
use super::functions::is_aggregate;

/// One aggregate call: `count(DISTINCT x)` at the span start `at`.
#[derive(Debug, Clone)]
pub struct Aggregate {
    pub at: usize,
    /// `None` for `count(*)`.
    pub name: Option<String>,
    pub distinct: bool,
    pub arg: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct ProjectionPlan {
    /// Output column names and their expressions (`*` expanded).
    pub items: Vec<(String, Expr)>,
    pub item_has_aggregate: Vec<bool>,
    pub aggregates: Vec<Aggregate>,
    /// For each ORDER BY item, the projected item it repeats, if any.
    pub order_matches: Vec<Option<usize>>,
}

/// Whether the expression contains an aggregate call (outside nested scopes
/// it cannot see, which Cypher does not have).
pub fn has_aggregate(e: &Expr) -> bool {
    let mut found = Vec::new();
    collect_aggregates(e, &mut found);
    !found.is_empty()
}

/// The aggregate calls in `e`, outermost first (not looking inside them).
pub fn collect_aggregates(e: &Expr, out: &mut Vec<Aggregate>) {
    match &e.kind {
        ExprKind::CountStar => out.push(Aggregate {
            at: e.span.start,
            name: None,
            distinct: false,
            arg: None,
        }),
        ExprKind::Function {
            name,
            distinct,
            args,
        } if is_aggregate(name) => out.push(Aggregate {
            at: e.span.start,
            name: Some(name.to_lowercase()),
            distinct: *distinct,
            arg: args.first().cloned(),
        }),
        _ => for_each_child(e, |c| collect_aggregates(c, out)),
    }
}

/// Calls `f` on each direct sub-expression.
pub fn for_each_child(e: &Expr, mut f: impl FnMut(&Expr)) {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Param(_) | ExprKind::Var(_) | ExprKind::CountStar => {}
        ExprKind::Property(a, _) | ExprKind::HasLabels(a, _) | ExprKind::Unary(_, a) => f(a),
        ExprKind::IsNull(a, _) | ExprKind::Paren(a) => f(a),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            f(a);
            f(b);
        }
        ExprKind::Slice(a, b, c) => {
            f(a);
            if let Some(b) = b {
                f(b);
            }
            if let Some(c) = c {
                f(c);
            }
        }
        ExprKind::Compare(first, rest) => {
            f(first);
            for (_, e) in rest {
                f(e);
            }
        }
        ExprKind::List(items) => items.iter().for_each(f),
        ExprKind::Map(entries) => entries.iter().for_each(|(_, e)| f(e)),
        ExprKind::Case {
            operand,
            whens,
            otherwise,
        } => {
            if let Some(o) = operand {
                f(o);
            }
            for (w, t) in whens {
                f(w);
                f(t);
            }
            if let Some(o) = otherwise {
                f(o);
            }
        }
        ExprKind::Function { args, .. } => args.iter().for_each(f),
        ExprKind::ListComprehension {
            list, filter, map, ..
        } => {
            f(list);
            if let Some(x) = filter {
                f(x);
            }
            if let Some(x) = map {
                f(x);
            }
        }
        ExprKind::Quantified {
            list, predicate, ..
        } => {
            f(list);
            f(predicate);
        }
    }
}

/// Strips parentheses, so `(n.x)` repeats `n.x`.
fn unparen(e: &Expr) -> &Expr {
    match &e.kind {
        ExprKind::Paren(inner) => unparen(inner),
        _ => e,
    }
}

/// Plans a projection over rows with the given column names.
pub fn projection(p: &Projection, input_names: &[String]) -> ProjectionPlan {
    let mut items: Vec<(String, Expr)> = Vec::new();
    if p.star {
        let mut visible: Vec<&String> =
            input_names.iter().filter(|n| !n.starts_with(' ')).collect();
        visible.sort();
        visible.dedup();
        for name in visible {
            items.push((
                name.clone(),
                Expr {
                    kind: ExprKind::Var(name.clone()),
                    span: Span::default(),
                },
            ));
        }
    }
    for item in &p.items {
        items.push((item.name().to_string(), item.expr.clone()));
    }
    let item_has_aggregate = items.iter().map(|(_, e)| has_aggregate(e)).collect();
    let mut aggregates = Vec::new();
    for (_, e) in &items {
        collect_aggregates(e, &mut aggregates);
    }
    let texts: Vec<String> = items.iter().map(|(_, e)| unparen(e).to_string()).collect();
    let mut order_matches = Vec::new();
    for sort in &p.order_by {
        let text = unparen(&sort.expr).to_string();
        let matched = texts.iter().position(|t| *t == text);
        if matched.is_none() {
            collect_aggregates(&sort.expr, &mut aggregates);
        }
        order_matches.push(matched);
    }
    ProjectionPlan {
        items,
        item_has_aggregate,
        aggregates,
        order_matches,
    }
}
