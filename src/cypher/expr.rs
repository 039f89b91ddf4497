//! Expression evaluation over one row: Cypher's null propagation,
//! three-valued logic and runtime type errors (never panics).

use std::collections::BTreeMap;

use super::ast::{BinaryOp, CompareOp, Expr, ExprKind, Literal, Quantifier, UnaryOp};
use super::budget::{size_of_val, Budget, VAL_BYTES};
use super::error::{ErrorKind, Phase, QueryError};
use super::functions;
use super::value::{compare, equals, nests_deeper_than, Val, MAX_VALUE_DEPTH};
use super::{Options, Params};

pub mod compiled;
mod pattern_expr;
use crate::graph::{Graph, NodeId, NodeRef, RelData, RelId, RelRef};

type Result<T> = std::result::Result<T, QueryError>;

/// Read access for evaluation: the graph, parameters and snapshots of
/// elements deleted earlier in the query (still shown, never read).
pub struct Reader<'a> {
    pub graph: &'a Graph,
    pub params: &'a Params,
    pub deleted_rels: &'a BTreeMap<RelId, (RelData, NodeId, NodeId)>,
    /// Limits and cancellation for the matching done by pattern expressions.
    pub options: &'a Options,
    /// Regular expressions compiled so far in this statement: a pattern
    /// is compiled once, not once per row.
    pub regexes: &'a RegexCache,
    /// The statement's memory budget.
    pub budget: &'a Budget<'a>,
}

/// Compiled `=~` patterns of one statement, by pattern text.
#[derive(Default)]
pub struct RegexCache(std::cell::RefCell<rustc_hash::FxHashMap<String, regex::Regex>>);

impl RegexCache {
    /// Most distinct patterns kept: a query building a new pattern per
    /// row must not grow the cache without bound.
    const MAX: usize = 256;

    /// Whether `text` matches `pattern` as a whole.
    fn is_match(&self, pattern: &str, text: &str) -> Result<bool> {
        if let Some(re) = self.0.borrow().get(pattern) {
            return Ok(re.is_match(text));
        }
        let re = anchored_regex(pattern)?;
        let matched = re.is_match(text);
        let mut cache = self.0.borrow_mut();
        if cache.len() >= Self::MAX {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re);
        Ok(matched)
    }
}

/// `=~` matches the whole string: the pattern compiled between anchors.
fn anchored_regex(pattern: &str) -> Result<regex::Regex> {
    regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
        argument_error(
            "InvalidArgumentValue",
            format!("invalid regular expression: {e}"),
        )
    })
}

impl<'a> Reader<'a> {
    pub fn node(&self, id: NodeId) -> Result<NodeRef<'a>> {
        self.graph.node(id).ok_or_else(|| deleted_access("node"))
    }

    pub fn rel(&self, id: RelId) -> Result<RelRef<'a>> {
        self.graph
            .rel(id)
            .ok_or_else(|| deleted_access("relationship"))
    }

    pub fn endpoints(&self, id: RelId) -> Result<(NodeId, NodeId)> {
        match self.graph.endpoints(id) {
            Some(e) => Ok(e),
            None => self
                .deleted_rels
                .get(&id)
                .map(|(_, s, e)| (*s, *e))
                .ok_or_else(|| deleted_access("relationship")),
        }
    }
}

fn deleted_access(what: &str) -> QueryError {
    QueryError::new(
        Phase::Runtime,
        ErrorKind::EntityNotFound,
        "DeletedEntityAccess",
        format!("the {what} was deleted earlier in this query"),
    )
}

pub fn type_error(code: &str, message: impl Into<String>) -> QueryError {
    QueryError::new(Phase::Runtime, ErrorKind::TypeError, code, message)
}

pub fn argument_error(code: &str, message: impl Into<String>) -> QueryError {
    QueryError::new(Phase::Runtime, ErrorKind::ArgumentError, code, message)
}

/// Variables visible to an expression.
pub enum Env<'a> {
    /// A row: names and values in step; later names shadow earlier ones.
    Row { names: &'a [String], row: &'a [Val] },
    /// One more variable (a list comprehension's element).
    Bind {
        name: &'a str,
        value: &'a Val,
        parent: &'a Env<'a>,
    },
    /// Results of aggregate calls, keyed by the call's span start.
    Aggregates {
        values: &'a [(usize, Val)],
        parent: &'a Env<'a>,
    },
}

impl Env<'_> {
    pub fn lookup(&self, name: &str) -> Option<&Val> {
        match self {
            Env::Row { names, row } => names
                .iter()
                .rposition(|n| n == name)
                .and_then(|i| row.get(i)),
            Env::Bind {
                name: bound,
                value,
                parent,
            } => {
                if *bound == name {
                    Some(value)
                } else {
                    parent.lookup(name)
                }
            }
            Env::Aggregates { parent, .. } => parent.lookup(name),
        }
    }

    fn aggregate(&self, at: usize) -> Option<&Val> {
        match self {
            Env::Row { .. } => None,
            Env::Bind { parent, .. } => parent.aggregate(at),
            Env::Aggregates { values, parent } => values
                .iter()
                .find(|(s, _)| *s == at)
                .map(|(_, v)| v)
                .or_else(|| parent.aggregate(at)),
        }
    }
}

pub fn literal(l: &Literal) -> Val {
    match l {
        Literal::Null => Val::Null,
        Literal::Bool(b) => Val::Bool(*b),
        Literal::Int(i) => Val::Int(*i),
        Literal::Float(f) => Val::Float(*f),
        Literal::String(s) => Val::String(s.clone()),
    }
}

/// Evaluates an expression in an environment.
pub fn eval(expr: &Expr, env: &Env<'_>, reader: &Reader<'_>) -> Result<Val> {
    Ok(match &expr.kind {
        ExprKind::Literal(l) => literal(l),
        ExprKind::Param(name) => match reader.params.get(name) {
            Some(v) => Val::from(v),
            None => {
                return Err(QueryError::new(
                    Phase::Runtime,
                    ErrorKind::ParameterMissing,
                    "MissingParameter",
                    format!("parameter ${name} was not given"),
                )
                .with_span(expr.span))
            }
        },
        ExprKind::Var(name) => match env.lookup(name) {
            Some(v) => v.clone(),
            None => {
                return Err(QueryError::new(
                    Phase::Compile,
                    ErrorKind::SyntaxError,
                    "UndefinedVariable",
                    format!("variable `{name}` is not defined"),
                )
                .with_span(expr.span))
            }
        },
        ExprKind::Paren(e) => eval(e, env, reader)?,
        ExprKind::Property(e, key) => {
            let base = eval(e, env, reader)?;
            property(&base, key, reader).map_err(|err| err.with_span(expr.span))?
        }
        ExprKind::Index(e, i) => {
            let base = eval(e, env, reader)?;
            let index = eval(i, env, reader)?;
            subscript(&base, &index, reader).map_err(|err| err.with_span(expr.span))?
        }
        ExprKind::Slice(e, from, to) => {
            let base = eval(e, env, reader)?;
            let from = from.as_ref().map(|f| eval(f, env, reader)).transpose()?;
            let to = to.as_ref().map(|t| eval(t, env, reader)).transpose()?;
            slice(&base, from, to).map_err(|err| err.with_span(expr.span))?
        }
        ExprKind::HasLabels(e, labels) => match eval(e, env, reader)? {
            Val::Null => Val::Null,
            Val::Node(id) => {
                let node = reader.node(id)?;
                Val::Bool(labels.iter().all(|l| node.has_label(l)))
            }
            other => {
                return Err(type_error(
                    "InvalidArgumentType",
                    format!("expected a node, got {}", other.type_name()),
                )
                .with_span(expr.span))
            }
        },
        ExprKind::Unary(op, e) => {
            let v = eval(e, env, reader)?;
            unary(*op, v).map_err(|err| err.with_span(expr.span))?
        }
        ExprKind::Binary(op, a, b) => {
            binary(*op, a, b, env, reader).map_err(|err| err.with_span_if_none(expr.span))?
        }
        ExprKind::Compare(first, rest) => {
            let mut left = eval(first, env, reader)?;
            let mut result = Some(true);
            for (op, e) in rest {
                let right = eval(e, env, reader)?;
                match compare_op(*op, &left, &right) {
                    Some(false) => result = Some(false),
                    None if result == Some(true) => result = None,
                    _ => {}
                }
                left = right;
            }
            result.map_or(Val::Null, Val::Bool)
        }
        ExprKind::IsNull(e, negated) => Val::Bool(eval(e, env, reader)?.is_null() != *negated),
        ExprKind::List(items) => {
            let items = items
                .iter()
                .map(|e| eval(e, env, reader))
                .collect::<Result<Vec<_>>>()?;
            check_element_depth(&items).map_err(|err| err.with_span(expr.span))?;
            Val::List(items)
        }
        ExprKind::Map(entries) => {
            let mut map = BTreeMap::new();
            for (k, e) in entries {
                let value = eval(e, env, reader)?;
                check_element_depth(std::slice::from_ref(&value))
                    .map_err(|err| err.with_span(expr.span))?;
                map.insert(k.clone(), value);
            }
            Val::Map(map)
        }
        ExprKind::Case {
            operand,
            whens,
            otherwise,
        } => {
            let subject = operand.as_ref().map(|o| eval(o, env, reader)).transpose()?;
            for (when, then) in whens {
                let w = eval(when, env, reader)?;
                let hit = match &subject {
                    Some(s) => equals(s, &w) == Some(true),
                    None => w == Val::Bool(true),
                };
                if hit {
                    return eval(then, env, reader);
                }
            }
            match otherwise {
                Some(e) => eval(e, env, reader)?,
                None => Val::Null,
            }
        }
        ExprKind::CountStar => env.aggregate(expr.span.start).cloned().ok_or_else(|| {
            QueryError::new(
                Phase::Compile,
                ErrorKind::SyntaxError,
                "InvalidAggregation",
                "count(*) is not allowed here",
            )
            .with_span(expr.span)
        })?,
        ExprKind::Function {
            name,
            distinct: _,
            args,
        } => {
            if let [arg] = args.as_slice() {
                if name.eq_ignore_ascii_case("exists") && pattern_expr::is_pattern(arg) {
                    // `exists((a)-->(b))`: the pattern's truth, not whether it is null.
                    return eval(arg, env, reader);
                }
            }
            if functions::is_aggregate(name) {
                return env.aggregate(expr.span.start).cloned().ok_or_else(|| {
                    QueryError::new(
                        Phase::Compile,
                        ErrorKind::SyntaxError,
                        "InvalidAggregation",
                        format!("{name}(...) is not allowed here"),
                    )
                    .with_span(expr.span)
                });
            }
            let values = args
                .iter()
                .map(|a| eval(a, env, reader))
                .collect::<Result<Vec<_>>>()?;
            functions::call(name, values, reader).map_err(|err| err.with_span_if_none(expr.span))?
        }
        ExprKind::ListComprehension {
            var,
            list,
            filter,
            map,
        } => match eval(list, env, reader)? {
            Val::Null => Val::Null,
            Val::List(items) => {
                let mut out = Vec::new();
                let mut bytes = 0;
                for (i, item) in items.iter().enumerate() {
                    check_cancel_every(i, reader)?;
                    let inner = Env::Bind {
                        name: var,
                        value: item,
                        parent: env,
                    };
                    if let Some(f) = filter {
                        if eval(f, &inner, reader)? != Val::Bool(true) {
                            continue;
                        }
                    }
                    let value = match map {
                        Some(m) => eval(m, &inner, reader)?,
                        None => item.clone(),
                    };
                    bytes += size_of_val(&value);
                    reader.budget.check(bytes)?;
                    check_element_depth(std::slice::from_ref(&value))?;
                    out.push(value);
                }
                Val::List(out)
            }
            other => {
                return Err(type_error(
                    "InvalidArgumentType",
                    format!("expected a list, got {}", other.type_name()),
                )
                .with_span(list.span))
            }
        },
        ExprKind::PatternPredicate(part) => Val::Bool(pattern_expr::exists(part, env, reader)?),
        ExprKind::PatternComprehension {
            pattern,
            filter,
            map,
        } => pattern_expr::comprehension(pattern, filter.as_deref(), map, env, reader)?,
        ExprKind::Quantified {
            quantifier,
            var,
            list,
            predicate,
        } => match eval(list, env, reader)? {
            Val::Null => Val::Null,
            Val::List(items) => {
                let (mut trues, mut nulls) = (0usize, 0usize);
                for (i, item) in items.iter().enumerate() {
                    check_cancel_every(i, reader)?;
                    let inner = Env::Bind {
                        name: var,
                        value: item,
                        parent: env,
                    };
                    match eval(predicate, &inner, reader)? {
                        Val::Bool(true) => trues += 1,
                        Val::Null => nulls += 1,
                        _ => {}
                    }
                }
                let falses = items.len() - trues - nulls;
                let result = match quantifier {
                    Quantifier::All => (falses == 0)
                        .then_some(nulls == 0)
                        .map_or(Some(false), |all| if all { Some(true) } else { None }),
                    Quantifier::Any => {
                        if trues > 0 {
                            Some(true)
                        } else if nulls > 0 {
                            None
                        } else {
                            Some(false)
                        }
                    }
                    Quantifier::None => {
                        if trues > 0 {
                            Some(false)
                        } else if nulls > 0 {
                            None
                        } else {
                            Some(true)
                        }
                    }
                    Quantifier::Single => {
                        if trues > 1 {
                            Some(false)
                        } else if nulls > 0 {
                            None
                        } else {
                            Some(trues == 1)
                        }
                    }
                };
                result.map_or(Val::Null, Val::Bool)
            }
            other => {
                return Err(type_error(
                    "InvalidArgumentType",
                    format!("expected a list, got {}", other.type_name()),
                ))
            }
        },
    })
}

/// Refuses to put `items` into a new list or map when that would nest
/// deeper than `MAX_VALUE_DEPTH`.
pub fn check_element_depth(items: &[Val]) -> Result<()> {
    if items
        .iter()
        .any(|v| nests_deeper_than(v, MAX_VALUE_DEPTH - 1))
    {
        return Err(argument_error(
            "NestingTooDeep",
            format!("a list or map would nest more than {MAX_VALUE_DEPTH} levels deep"),
        ));
    }
    Ok(())
}

/// Inside a loop over a list's items: every 4096th item, whether the
/// statement was cancelled or ran out of time.
fn check_cancel_every(i: usize, reader: &Reader<'_>) -> Result<()> {
    if i % 4096 == 4095 && reader.options.is_cancelled() {
        return Err(super::cancelled());
    }
    Ok(())
}

/// `base.key`
pub fn property(base: &Val, key: &str, reader: &Reader<'_>) -> Result<Val> {
    Ok(match base {
        Val::Null => Val::Null,
        Val::Node(id) => reader
            .node(*id)?
            .property(key)
            .map_or(Val::Null, |v| Val::from(&*v)),
        Val::Rel(id) => reader
            .rel(*id)?
            .property(key)
            .map_or(Val::Null, |v| Val::from(&*v)),
        Val::Map(m) => m.get(key).cloned().unwrap_or(Val::Null),
        Val::Date(d) => match key {
            "year" => Val::Int(i64::from(d.year_part())),
            "month" => d.month_part().map_or(Val::Null, |m| Val::Int(i64::from(m))),
            "day" => d.day_part().map_or(Val::Null, |m| Val::Int(i64::from(m))),
            _ => Val::Null,
        },
        other => {
            return Err(type_error(
                "InvalidArgumentType",
                format!("cannot read property `{key}` of a {}", other.type_name()),
            ))
        }
    })
}

fn subscript(base: &Val, index: &Val, reader: &Reader<'_>) -> Result<Val> {
    Ok(match (base, index) {
        (Val::Null, _) | (_, Val::Null) => Val::Null,
        (Val::List(items), Val::Int(i)) => {
            let len = items.len() as i64;
            let i = if *i < 0 { len + i } else { *i };
            if i < 0 || i >= len {
                Val::Null
            } else {
                items[i as usize].clone()
            }
        }
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), Val::String(key)) => {
            property(base, key, reader)?
        }
        (Val::List(_), other) => {
            return Err(type_error(
                "InvalidArgumentType",
                format!("a list index must be an integer, got {}", other.type_name()),
            ))
        }
        (Val::Map(_) | Val::Node(_) | Val::Rel(_), other) => {
            return Err(argument_error(
                "InvalidArgumentType",
                format!("a map key must be a string, got {}", other.type_name()),
            ))
        }
        (other, _) => {
            return Err(type_error(
                "InvalidArgumentType",
                format!("cannot index a {}", other.type_name()),
            ))
        }
    })
}

fn slice(base: &Val, from: Option<Val>, to: Option<Val>) -> Result<Val> {
    let items = match base {
        Val::Null => return Ok(Val::Null),
        Val::List(items) => items,
        other => {
            return Err(type_error(
                "InvalidArgumentType",
                format!("cannot slice a {}", other.type_name()),
            ))
        }
    };
    let len = items.len() as i64;
    let bound = |v: Option<Val>, default: i64| -> Result<Option<i64>> {
        match v {
            None => Ok(Some(default)),
            Some(Val::Null) => Ok(None),
            Some(Val::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(argument_error(
                "InvalidArgumentType",
                format!(
                    "a slice bound must be an integer, got {}",
                    other.type_name()
                ),
            )),
        }
    };
    let (Some(start), Some(end)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Val::Null);
    };
    if start >= end {
        return Ok(Val::List(Vec::new()));
    }
    Ok(Val::List(items[start as usize..end as usize].to_vec()))
}

fn unary(op: UnaryOp, v: Val) -> Result<Val> {
    Ok(match (op, v) {
        (_, Val::Null) => Val::Null,
        (UnaryOp::Not, Val::Bool(b)) => Val::Bool(!b),
        (UnaryOp::Neg, Val::Int(i)) => Val::Int(i.checked_neg().ok_or_else(overflow)?),
        (UnaryOp::Neg, Val::Float(f)) => Val::Float(-f),
        (UnaryOp::Pos, v @ (Val::Int(_) | Val::Float(_))) => v,
        (_, other) => {
            return Err(type_error(
                "InvalidArgumentType",
                format!("wrong operand type {}", other.type_name()),
            ))
        }
    })
}

fn overflow() -> QueryError {
    argument_error("NumberOutOfRange", "integer overflow")
}

fn truth(v: &Val) -> Result<Option<bool>> {
    match v {
        Val::Null => Ok(None),
        Val::Bool(b) => Ok(Some(*b)),
        other => Err(type_error(
            "InvalidArgumentType",
            format!("expected a boolean, got {}", other.type_name()),
        )),
    }
}

fn binary(op: BinaryOp, a: &Expr, b: &Expr, env: &Env<'_>, reader: &Reader<'_>) -> Result<Val> {
    let left = eval(a, env, reader)?;
    // AND/OR evaluate both sides: a type error on either side must surface.
    let right = eval(b, env, reader)?;
    binary_values(op, left, right, reader)
}

/// A binary operator applied to its evaluated operands.
fn binary_values(op: BinaryOp, left: Val, right: Val, reader: &Reader<'_>) -> Result<Val> {
    let logic = |f: fn(Option<bool>, Option<bool>) -> Option<bool>| -> Result<Val> {
        Ok(f(truth(&left)?, truth(&right)?).map_or(Val::Null, Val::Bool))
    };
    match op {
        BinaryOp::And => logic(|x, y| match (x, y) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }),
        BinaryOp::Or => logic(|x, y| match (x, y) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }),
        BinaryOp::Xor => logic(|x, y| match (x, y) {
            (Some(p), Some(q)) => Some(p != q),
            _ => None,
        }),
        BinaryOp::In => match (&left, &right) {
            (_, Val::Null) => Ok(Val::Null),
            (_, Val::List(items)) => {
                let mut saw_null = false;
                for item in items {
                    match equals(&left, item) {
                        Some(true) => return Ok(Val::Bool(true)),
                        None => saw_null = true,
                        Some(false) => {}
                    }
                }
                Ok(if saw_null {
                    Val::Null
                } else {
                    Val::Bool(false)
                })
            }
            (_, other) => Err(type_error(
                "InvalidArgumentType",
                format!("IN expects a list, got {}", other.type_name()),
            )),
        },
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => {
            Ok(match (&left, &right) {
                (Val::String(s), Val::String(t)) => Val::Bool(match op {
                    BinaryOp::StartsWith => s.starts_with(t.as_str()),
                    BinaryOp::EndsWith => s.ends_with(t.as_str()),
                    _ => s.contains(t.as_str()),
                }),
                _ => Val::Null,
            })
        }
        BinaryOp::Regex => match (&left, &right) {
            (Val::String(s), Val::String(pattern)) => {
                Ok(Val::Bool(reader.regexes.is_match(pattern, s)?))
            }
            _ => Ok(Val::Null),
        },
        _ => {
            if op == BinaryOp::Add {
                reader.budget.check(concatenated_size(&left, &right))?;
                // `list + x` makes `x` an element
                match (&left, &right) {
                    (Val::List(_), Val::List(_)) => {}
                    (Val::List(_), element) | (element, Val::List(_)) => {
                        check_element_depth(std::slice::from_ref(element))?
                    }
                    _ => {}
                }
            }
            arithmetic(op, left, right)
        }
    }
}

/// Bytes of the new buffer `left + right` makes when it concatenates
/// strings or lists (list elements are moved, so only their slots count).
fn concatenated_size(left: &Val, right: &Val) -> usize {
    let len = |v: &Val| match v {
        Val::String(s) => s.len(),
        Val::List(items) => items.len() * VAL_BYTES,
        _ => VAL_BYTES,
    };
    match (left, right) {
        (Val::String(_) | Val::List(_), _) | (_, Val::String(_) | Val::List(_)) => {
            len(left).saturating_add(len(right))
        }
        _ => 0,
    }
}

/// `+ - * / % ^` on numbers, plus string and list concatenation.
pub fn arithmetic(op: BinaryOp, left: Val, right: Val) -> Result<Val> {
    use Val::{Float, Int};
    Ok(match (op, left, right) {
        (_, Val::Null, _) | (_, _, Val::Null) => Val::Null,
        // exact reservations: the budget measured these sizes
        (BinaryOp::Add, Val::List(mut a), Val::List(b)) => {
            a.reserve_exact(b.len());
            a.extend(b);
            Val::List(a)
        }
        (BinaryOp::Add, Val::List(mut a), b) => {
            a.push(b);
            Val::List(a)
        }
        (BinaryOp::Add, a, Val::List(b)) => {
            let mut out = vec![a];
            out.extend(b);
            Val::List(out)
        }
        (BinaryOp::Add, Val::String(mut a), Val::String(b)) => {
            a.reserve_exact(b.len());
            a.push_str(&b);
            Val::String(a)
        }
        (BinaryOp::Add, Val::String(a), b @ (Int(_) | Float(_) | Val::Bool(_))) => {
            Val::String(a + &functions::to_string_value(&b))
        }
        (BinaryOp::Add, a @ (Int(_) | Float(_) | Val::Bool(_)), Val::String(b)) => {
            Val::String(functions::to_string_value(&a) + &b)
        }
        (op, Int(a), Int(b)) => match op {
            BinaryOp::Add => Int(a.checked_add(b).ok_or_else(overflow)?),
            BinaryOp::Sub => Int(a.checked_sub(b).ok_or_else(overflow)?),
            BinaryOp::Mul => Int(a.checked_mul(b).ok_or_else(overflow)?),
            BinaryOp::Div => {
                if b == 0 {
                    return Err(argument_error("DivisionByZero", "division by zero"));
                }
                Int(a.checked_div(b).ok_or_else(overflow)?)
            }
            BinaryOp::Mod => {
                if b == 0 {
                    return Err(argument_error("DivisionByZero", "division by zero"));
                }
                Int(a.checked_rem(b).unwrap_or(0))
            }
            _ => Float((a as f64).powf(b as f64)),
        },
        (op, a @ (Int(_) | Float(_)), b @ (Int(_) | Float(_))) => {
            let x = as_float(&a);
            let y = as_float(&b);
            Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                _ => x.powf(y),
            })
        }
        (op, a, b) => {
            return Err(type_error(
                "InvalidArgumentType",
                format!(
                    "cannot apply `{}` to {} and {}",
                    op.symbol(),
                    a.type_name(),
                    b.type_name()
                ),
            ))
        }
    })
}

fn as_float(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        _ => f64::NAN,
    }
}

/// One comparison of a chain; `None` is null.
pub fn compare_op(op: CompareOp, a: &Val, b: &Val) -> Option<bool> {
    match op {
        CompareOp::Eq => equals(a, b),
        CompareOp::Ne => equals(a, b).map(|e| !e),
        _ => {
            if a.is_null() || b.is_null() {
                return None;
            }
            let is_nan = |v: &Val| matches!(v, Val::Float(f) if f.is_nan());
            let numeric = |v: &Val| matches!(v, Val::Int(_) | Val::Float(_));
            if (is_nan(a) || is_nan(b)) && numeric(a) && numeric(b) {
                return Some(false);
            }
            let o = compare(a, b)?;
            Some(match op {
                CompareOp::Lt => o.is_lt(),
                CompareOp::Le => o.is_le(),
                CompareOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            })
        }
    }
}
