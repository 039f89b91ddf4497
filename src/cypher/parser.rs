//! Text → `ast`: the pest parser generated from `grammar/cypher.pest` and
//! one function per grammar rule turning its pairs into AST nodes.
//! Syntax errors say what was expected, with user-facing rule names.

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

use super::ast::*;
use super::error::{ErrorKind, Phase, QueryError};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/cypher.pest"]
pub struct CypherParser;

mod diagnostic;
mod expression;
mod nesting;
pub mod shape;

use diagnostic::syntax_error;
use expression::{atom, expression, paren_expression};

type Result<T> = std::result::Result<T, QueryError>;

/// Parses one statement (a trailing `;` is allowed).
pub fn parse(query: &str) -> Result<Statement> {
    nesting::check_nesting(query)?;
    let mut pairs = CypherParser::parse(Rule::query, query).map_err(|e| syntax_error(e, query))?;
    let query_pair = pairs.next().ok_or_else(|| internal("empty parse", 0))?;
    let mut children = Children::new(query_pair);
    let mode = match children.optional(Rule::query_mode) {
        Some(m) if m.clone().into_inner().any(|p| p.as_rule() == Rule::PROFILE) => {
            QueryMode::Profile
        }
        Some(_) => QueryMode::Explain,
        None => QueryMode::Run,
    };
    let mut statement = statement(children.take(Rule::statement)?)?;
    statement.mode = mode;
    shape::check_shape(&statement)?;
    Ok(statement)
}

/// The most operands one operator chain (`a + b + ...`) may have.
const MAX_CHAIN: usize = 256;

fn check_chain(count: usize, span: Span) -> Result<()> {
    if count > MAX_CHAIN {
        return Err(compile_error(
            "ExpressionTooLong",
            format!("an operator chain has more than {MAX_CHAIN} operands"),
            span,
        ));
    }
    Ok(())
}

/// Byte offsets of the top-level `;` in a script.
pub fn semicolons(script: &str) -> Result<Vec<usize>> {
    let pairs = CypherParser::parse(Rule::script, script).map_err(|e| syntax_error(e, script))?;
    Ok(pairs
        .flatten()
        .filter(|p| p.as_rule() == Rule::semicolon)
        .map(|p| p.as_span().start())
        .collect())
}

fn internal(what: &str, at: usize) -> QueryError {
    QueryError::new(
        Phase::Compile,
        ErrorKind::Internal,
        "ParserMismatch",
        format!("internal parser error: {what}"),
    )
    .with_span(Span { start: at, end: at })
}

fn compile_error(code: &str, message: impl Into<String>, span: Span) -> QueryError {
    QueryError::new(Phase::Compile, ErrorKind::SyntaxError, code, message).with_span(span)
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span {
        start: s.start(),
        end: s.end(),
    }
}

/// A cursor over a pair's children that turns a grammar/parser mismatch
/// into an internal error instead of a panic.
struct Children<'i> {
    pairs: std::iter::Peekable<Pairs<'i, Rule>>,
    end: usize,
}

impl<'i> Children<'i> {
    fn new(pair: Pair<'i, Rule>) -> Children<'i> {
        let end = pair.as_span().end();
        Children {
            pairs: pair.into_inner().peekable(),
            end,
        }
    }

    fn next(&mut self) -> Result<Pair<'i, Rule>> {
        self.pairs
            .next()
            .ok_or_else(|| internal("missing child", self.end))
    }

    fn take(&mut self, rule: Rule) -> Result<Pair<'i, Rule>> {
        let pair = self.next()?;
        if pair.as_rule() == rule {
            Ok(pair)
        } else {
            Err(internal(
                &format!("expected {rule:?}, found {:?}", pair.as_rule()),
                pair.as_span().start(),
            ))
        }
    }

    /// Takes the next child when it has the given rule.
    fn optional(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek_rule() == Some(rule) {
            self.pairs.next()
        } else {
            None
        }
    }

    fn peek_rule(&mut self) -> Option<Rule> {
        self.pairs.peek().map(|p| p.as_rule())
    }
}

fn statement(pair: Pair<'_, Rule>) -> Result<Statement> {
    let mut children = Children::new(pair);
    let first = single_query(children.take(Rule::single_query)?)?;
    let mut unions = Vec::new();
    while let Some(u) = children.optional(Rule::union) {
        let all = u.into_inner().any(|p| p.as_rule() == Rule::ALL);
        unions.push((all, single_query(children.take(Rule::single_query)?)?));
    }
    Ok(Statement {
        mode: QueryMode::Run,
        first,
        unions,
    })
}

fn single_query(pair: Pair<'_, Rule>) -> Result<SingleQuery> {
    let span = span_of(&pair);
    let clauses = pair.into_inner().map(clause).collect::<Result<_>>()?;
    Ok(SingleQuery { clauses, span })
}

fn clause(pair: Pair<'_, Rule>) -> Result<Clause> {
    let span = span_of(&pair);
    let rule = pair.as_rule();
    let mut c = Children::new(pair);
    Ok(match rule {
        Rule::match_clause => {
            let optional = c.optional(Rule::OPTIONAL).is_some();
            c.take(Rule::MATCH)?;
            let pattern = pattern(c.take(Rule::pattern)?)?;
            let where_clause = c
                .optional(Rule::where_clause)
                .map(where_clause)
                .transpose()?;
            Clause::Match(Match {
                optional,
                pattern,
                where_clause,
                span,
            })
        }
        Rule::unwind_clause => {
            c.take(Rule::UNWIND)?;
            let expr = expression(c.take(Rule::expression)?)?;
            c.take(Rule::AS)?;
            let var = variable(c.take(Rule::variable)?)?;
            Clause::Unwind { expr, var, span }
        }
        Rule::create_clause => {
            c.take(Rule::CREATE)?;
            Clause::Create {
                pattern: pattern(c.take(Rule::pattern)?)?,
                span,
            }
        }
        Rule::merge_clause => {
            c.take(Rule::MERGE)?;
            let part = pattern_part(c.take(Rule::pattern_part)?)?;
            let mut actions = Vec::new();
            while let Some(action) = c.optional(Rule::merge_action) {
                let mut a = Children::new(action);
                a.take(Rule::ON)?;
                let on_create = a.next()?.as_rule() == Rule::CREATE;
                let mut sc = Children::new(a.take(Rule::set_clause)?);
                sc.take(Rule::SET)?;
                actions.push((on_create, set_items(sc)?));
            }
            Clause::Merge(Merge {
                pattern: part,
                actions,
                span,
            })
        }
        Rule::set_clause => {
            c.take(Rule::SET)?;
            Clause::Set {
                items: set_items(c)?,
                span,
            }
        }
        Rule::delete_clause => {
            let detach = c.optional(Rule::DETACH).is_some();
            c.take(Rule::DELETE)?;
            let mut exprs = Vec::new();
            while c.peek_rule().is_some() {
                exprs.push(expression(c.take(Rule::expression)?)?);
            }
            Clause::Delete {
                detach,
                exprs,
                span,
            }
        }
        Rule::remove_clause => {
            c.take(Rule::REMOVE)?;
            let mut items = Vec::new();
            while c.peek_rule().is_some() {
                let item = c.next()?;
                items.push(match item.as_rule() {
                    Rule::set_labels => {
                        let (var, labels) = var_labels(item)?;
                        RemoveItem::Labels { var, labels }
                    }
                    _ => {
                        let (target, key) = property_target(item)?;
                        RemoveItem::Property { target, key }
                    }
                });
            }
            Clause::Remove { items, span }
        }
        Rule::with_clause => {
            c.take(Rule::WITH)?;
            let mut p = projection(c.take(Rule::projection)?)?;
            p.where_clause = c
                .optional(Rule::where_clause)
                .map(where_clause)
                .transpose()?;
            p.span = span;
            Clause::With(p)
        }
        Rule::return_clause => {
            c.take(Rule::RETURN)?;
            let mut p = projection(c.take(Rule::projection)?)?;
            p.span = span;
            Clause::Return(p)
        }
        other => {
            return Err(internal(
                &format!("unexpected clause {other:?}"),
                span.start,
            ))
        }
    })
}

/// The items of a `SET` clause, given a cursor positioned after `SET`.
fn set_items(mut c: Children<'_>) -> Result<Vec<SetItem>> {
    let mut items = Vec::new();
    while c.peek_rule().is_some() {
        let item = c.next()?;
        items.push(set_item(item)?);
    }
    Ok(items)
}

fn set_item(item: Pair<'_, Rule>) -> Result<SetItem> {
    let at = item.as_span().start();
    match item.as_rule() {
        Rule::set_property => {
            let mut c = Children::new(item);
            let (target, key) = property_target(c.take(Rule::property_target)?)?;
            let value = expression(c.take(Rule::expression)?)?;
            Ok(SetItem::Property { target, key, value })
        }
        Rule::set_merge | Rule::set_replace => {
            let merge = item.as_rule() == Rule::set_merge;
            let mut c = Children::new(item);
            let var = variable(c.take(Rule::variable)?)?;
            let value = expression(c.take(Rule::expression)?)?;
            Ok(if merge {
                SetItem::Merge { var, value }
            } else {
                SetItem::Replace { var, value }
            })
        }
        Rule::set_labels => {
            let (var, labels) = var_labels(item)?;
            Ok(SetItem::Labels { var, labels })
        }
        Rule::SET => Err(internal("SET keyword as item", at)),
        other => Err(internal(&format!("unexpected set item {other:?}"), at)),
    }
}

fn var_labels(pair: Pair<'_, Rule>) -> Result<(Ident, Vec<Ident>)> {
    let mut c = Children::new(pair);
    let var = variable(c.take(Rule::variable)?)?;
    let labels = node_labels(c.take(Rule::node_labels)?)?;
    Ok((var, labels))
}

/// `n.a.b` → (the expression `n.a`, the key `b`).
fn property_target(pair: Pair<'_, Rule>) -> Result<(Expr, Ident)> {
    let mut c = Children::new(pair);
    let base = c.take(Rule::postfix_base)?;
    let base_span = span_of(&base);
    let inner = Children::new(base).next()?;
    let mut expr = match inner.as_rule() {
        Rule::variable => {
            let v = variable(inner)?;
            Expr {
                kind: ExprKind::Var(v.name),
                span: v.span,
            }
        }
        _ => paren_expression(inner)?,
    };
    let mut lookups = Vec::new();
    while let Some(p) = c.optional(Rule::property_lookup) {
        lookups.push(p);
    }
    let last = lookups
        .pop()
        .ok_or_else(|| internal("property target without key", base_span.start))?;
    for lookup in lookups {
        let end = lookup.as_span().end();
        let key = property_key(Children::new(lookup).take(Rule::property_key)?)?;
        expr = Expr {
            kind: ExprKind::Property(Box::new(expr), key.name),
            span: Span {
                start: base_span.start,
                end,
            },
        };
    }
    let key = property_key(Children::new(last).take(Rule::property_key)?)?;
    Ok((expr, key))
}

fn where_clause(pair: Pair<'_, Rule>) -> Result<Expr> {
    let mut c = Children::new(pair);
    c.take(Rule::WHERE)?;
    expression(c.take(Rule::expression)?)
}

fn projection(pair: Pair<'_, Rule>) -> Result<Projection> {
    let span = span_of(&pair);
    let mut c = Children::new(pair);
    let distinct = c.optional(Rule::DISTINCT).is_some();
    let mut star = false;
    let mut items = Vec::new();
    for item in c.take(Rule::projection_items)?.into_inner() {
        if item.as_rule() == Rule::star {
            star = true;
            continue;
        }
        let mut ic = Children::new(item);
        let expr_pair = ic.take(Rule::expression)?;
        let text = expr_pair.as_str().trim_end().to_string();
        let expr = expression(expr_pair)?;
        let alias = if ic.optional(Rule::AS).is_some() {
            Some(variable(ic.take(Rule::variable)?)?)
        } else {
            None
        };
        items.push(ProjectionItem { expr, alias, text });
    }
    let mut order_by = Vec::new();
    if let Some(order) = c.optional(Rule::order_by) {
        for item in order.into_inner() {
            if item.as_rule() != Rule::sort_item {
                continue;
            }
            let mut sc = Children::new(item);
            let expr = expression(sc.take(Rule::expression)?)?;
            let descending = matches!(sc.peek_rule(), Some(Rule::DESC | Rule::DESCENDING));
            order_by.push(SortItem { expr, descending });
        }
    }
    let skip = c
        .optional(Rule::skip)
        .map(|p| {
            let mut sc = Children::new(p);
            sc.take(Rule::SKIP)?;
            expression(sc.take(Rule::expression)?)
        })
        .transpose()?;
    let limit = c
        .optional(Rule::limit)
        .map(|p| {
            let mut sc = Children::new(p);
            sc.take(Rule::LIMIT)?;
            expression(sc.take(Rule::expression)?)
        })
        .transpose()?;
    Ok(Projection {
        distinct,
        star,
        items,
        order_by,
        skip,
        limit,
        where_clause: None,
        span,
    })
}

// ---------------------------------------------------------------- patterns

fn pattern(pair: Pair<'_, Rule>) -> Result<Vec<PatternPart>> {
    pair.into_inner().map(pattern_part).collect()
}

fn pattern_part(pair: Pair<'_, Rule>) -> Result<PatternPart> {
    let span = span_of(&pair);
    let mut c = Children::new(pair);
    let var = c.optional(Rule::variable).map(variable).transpose()?;
    let (kind, chain) = match c.optional(Rule::shortest_path) {
        Some(sp) => {
            let mut sc = Children::new(sp);
            let kind = if sc.next()?.as_rule() == Rule::SHORTEST_PATH {
                PathKind::Shortest
            } else {
                PathKind::AllShortest
            };
            (kind, sc.take(Rule::path_chain)?)
        }
        None => (PathKind::All, c.take(Rule::path_chain)?),
    };
    let (start, hops) = path_chain(chain)?;
    Ok(PatternPart {
        var,
        kind,
        start,
        hops,
        span,
    })
}

type Chain = (NodePattern, Vec<(RelPattern, NodePattern)>);

fn path_chain(pair: Pair<'_, Rule>) -> Result<Chain> {
    let mut c = Children::new(pair);
    if let Some(inner) = c.optional(Rule::path_chain) {
        return path_chain(inner);
    }
    let start = node_pattern(c.take(Rule::node_pattern)?)?;
    let mut hops = Vec::new();
    while c.peek_rule().is_some() {
        let rel = rel_pattern(c.take(Rule::rel_pattern)?)?;
        let node = node_pattern(c.take(Rule::node_pattern)?)?;
        hops.push((rel, node));
    }
    Ok((start, hops))
}

fn node_pattern(pair: Pair<'_, Rule>) -> Result<NodePattern> {
    let span = span_of(&pair);
    let mut c = Children::new(pair);
    let var = c.optional(Rule::variable).map(variable).transpose()?;
    let labels = c
        .optional(Rule::node_labels)
        .map(node_labels)
        .transpose()?
        .unwrap_or_default();
    let props = c
        .optional(Rule::pattern_properties)
        .map(pattern_properties)
        .transpose()?;
    Ok(NodePattern {
        var,
        labels,
        props,
        span,
    })
}

fn pattern_properties(pair: Pair<'_, Rule>) -> Result<Expr> {
    let inner = Children::new(pair).next()?;
    atom(inner)
}

fn node_labels(pair: Pair<'_, Rule>) -> Result<Vec<Ident>> {
    pair.into_inner().map(name_of).collect()
}

fn rel_pattern(pair: Pair<'_, Rule>) -> Result<RelPattern> {
    let span = span_of(&pair);
    let mut c = Children::new(pair);
    let left = c.optional(Rule::left_arrow).is_some();
    let detail = c.optional(Rule::rel_detail);
    let right = c.optional(Rule::right_arrow).is_some();
    let direction = match (left, right) {
        (true, false) => RelDirection::Left,
        (false, true) => RelDirection::Right,
        _ => RelDirection::Both,
    };
    let mut rel = RelPattern {
        var: None,
        types: Vec::new(),
        direction,
        length: None,
        props: None,
        span,
    };
    if let Some(detail) = detail {
        let mut d = Children::new(detail);
        rel.var = d.optional(Rule::variable).map(variable).transpose()?;
        if let Some(types) = d.optional(Rule::rel_types) {
            rel.types = types.into_inner().map(name_of).collect::<Result<_>>()?;
        }
        if let Some(range) = d.optional(Rule::range) {
            rel.length = Some(range_bounds(range)?);
        }
        rel.props = d
            .optional(Rule::pattern_properties)
            .map(pattern_properties)
            .transpose()?;
    }
    Ok(rel)
}

fn range_bounds(pair: Pair<'_, Rule>) -> Result<(Option<u64>, Option<u64>)> {
    let mut min = None;
    let mut max = None;
    for p in pair.into_inner() {
        let span = span_of(&p);
        let number = || -> Result<u64> {
            p.as_str()
                .trim()
                .parse::<u64>()
                .map_err(|_| compile_error("IntegerOverflow", "path length is too large", span))
        };
        match p.as_rule() {
            Rule::range_from => min = Some(number()?),
            Rule::range_to => max = Some(number()?),
            Rule::range_exact => {
                let n = number()?;
                min = Some(n);
                max = Some(n);
            }
            _ => {}
        }
    }
    Ok((min, max))
}

// ---------------------------------------------------------------- names

fn variable(pair: Pair<'_, Rule>) -> Result<Ident> {
    let inner = Children::new(pair).take(Rule::symbolic_name)?;
    Ok(Ident {
        name: unescape_name(inner.as_str()),
        span: span_of(&inner),
    })
}

/// A label, type or key: `label_name`/`property_key` around `schema_name`.
fn name_of(pair: Pair<'_, Rule>) -> Result<Ident> {
    let inner = Children::new(pair).take(Rule::schema_name)?;
    Ok(Ident {
        name: unescape_name(inner.as_str()),
        span: span_of(&inner),
    })
}

fn property_key(pair: Pair<'_, Rule>) -> Result<Ident> {
    name_of(pair)
}

fn unescape_name(text: &str) -> String {
    match text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        Some(inner) => inner.replace("``", "`"),
        None => text.to_string(),
    }
}

/// Whether a piece of a script holds more than white space and comments.
pub fn has_content(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |i| &after[i..]).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after
                .find("*/")
                .map_or("", |i| &after[i + 2..])
                .trim_start();
        } else {
            return !rest.is_empty();
        }
    }
}
