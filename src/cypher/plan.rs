//! Planning of projections (WITH/RETURN): the output columns, which items
//! aggregate, every aggregate call to compute per group, and which ORDER BY
//! expressions are just a projected item. Pattern planning (anchor choice)
//! happens per row in `pattern`, where bound variables are known; this
//! module only finds the WHERE equalities an anchor can use.

use super::ast::{BinaryOp, CompareOp, Expr, ExprKind, PatternPart, Projection, Span};
use super::functions::is_aggregate;
use crate::graph::INDEXED_KEYS;

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
    /// For each ORDER BY item, the projected item it names or repeats, if any.
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
        ExprKind::PatternPredicate(part) => pattern_exprs(part, f),
        ExprKind::PatternComprehension {
            pattern,
            filter,
            map,
        } => {
            pattern_exprs(pattern, &mut f);
            if let Some(x) = filter {
                f(x);
            }
            f(map);
        }
    }
}

/// Calls `f` on the property maps written in a pattern.
pub fn pattern_exprs(part: &PatternPart, mut f: impl FnMut(&Expr)) {
    if let Some(p) = &part.start.props {
        f(p);
    }
    for (rel, node) in &part.hops {
        if let Some(p) = &rel.props {
            f(p);
        }
        if let Some(p) = &node.props {
            f(p);
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
        // a projected column's name is that column (the newest of the
        // name, as `ORDER BY` sees the input columns followed by the
        // projected ones), else an item written the same way
        let sort_expr = unparen(&sort.expr);
        let alias = match &sort_expr.kind {
            ExprKind::Var(v) => items.iter().rposition(|(n, _)| n == v),
            _ => None,
        };
        let text = sort_expr.to_string();
        let matched = alias.or_else(|| texts.iter().position(|t| *t == text));
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

/// How a WHERE equality can find a pattern node through an index.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// `n.name = <expr>` on an indexed key
    Property(String),
    /// `fold(n.name) = <expr>`
    FoldedName,
}

/// An equality from WHERE that pins a node variable: `var` is found by
/// `lookup` with the value of `value`, which only uses earlier variables.
#[derive(Debug, Clone)]
pub struct AnchorHint<'q> {
    pub var: String,
    pub lookup: Lookup,
    pub value: &'q Expr,
}

/// The top-level `AND`ed equalities of a WHERE clause that an index can
/// answer. The WHERE clause is still evaluated in full afterwards.
pub fn anchor_hints<'q>(where_clause: Option<&'q Expr>, bound: &[String]) -> Vec<AnchorHint<'q>> {
    let mut conjuncts = Vec::new();
    if let Some(w) = where_clause {
        split_and(w, &mut conjuncts);
    }
    let mut hints = Vec::new();
    for c in conjuncts {
        let ExprKind::Compare(lhs, rest) = &c.kind else {
            continue;
        };
        let [(CompareOp::Eq, rhs)] = rest.as_slice() else {
            continue;
        };
        for (target, value) in [(unparen(lhs), rhs), (unparen(rhs), &**lhs)] {
            if !only_uses(value, bound) {
                continue;
            }
            if let Some((var, lookup)) = lookup_of(target) {
                hints.push(AnchorHint { var, lookup, value });
            }
        }
    }
    hints
}

fn split_and<'q>(e: &'q Expr, out: &mut Vec<&'q Expr>) {
    match &e.kind {
        ExprKind::Binary(BinaryOp::And, a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        ExprKind::Paren(inner) => split_and(inner, out),
        _ => out.push(e),
    }
}

fn lookup_of(e: &Expr) -> Option<(String, Lookup)> {
    match &e.kind {
        ExprKind::Property(base, key) if INDEXED_KEYS.contains(&key.as_str()) => {
            match &unparen(base).kind {
                ExprKind::Var(v) => Some((v.clone(), Lookup::Property(key.clone()))),
                _ => None,
            }
        }
        ExprKind::Function { name, args, .. }
            if name.eq_ignore_ascii_case("fold") && args.len() == 1 =>
        {
            match &unparen(&args[0]).kind {
                ExprKind::Property(base, key) if key == "name" => match &unparen(base).kind {
                    ExprKind::Var(v) => Some((v.clone(), Lookup::FoldedName)),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether every variable of `e` is one of `bound` (and it aggregates nothing).
fn only_uses(e: &Expr, bound: &[String]) -> bool {
    let ok = match &e.kind {
        ExprKind::Var(v) => bound.contains(v),
        ExprKind::ListComprehension { .. }
        | ExprKind::Quantified { .. }
        | ExprKind::PatternPredicate(_)
        | ExprKind::PatternComprehension { .. }
        | ExprKind::CountStar => false,
        ExprKind::Function { name, .. } => !super::functions::is_aggregate(name),
        _ => true,
    };
    let mut children_ok = true;
    for_each_child(e, |c| children_ok &= only_uses(c, bound));
    ok && children_ok
}
