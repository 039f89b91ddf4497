//! Scalar functions (`size`, `toLower`, `fold`, ...) and the aggregating
//! ones (`count`, `collect`, `sum`, `avg`, `min`, `max`) as accumulators.

use std::collections::BTreeMap;

use super::budget::{size_of_val, VAL_BYTES};
use super::error::QueryError;
use super::expr::{argument_error, type_error, Reader};
use super::value::{order, Key, PathVal, Val};
use crate::graph::{fold, Date};

type Result<T> = std::result::Result<T, QueryError>;

/// Names of the aggregating functions (lower case).
pub const AGGREGATES: [&str; 6] = ["count", "collect", "sum", "avg", "min", "max"];

/// Scalar functions and how many arguments each takes (min, max).
pub const SCALARS: [(&str, usize, usize); 46] = [
    ("id", 1, 1),
    ("evidence", 1, 1),
    ("labels", 1, 1),
    ("type", 1, 1),
    ("keys", 1, 1),
    ("properties", 1, 1),
    ("startnode", 1, 1),
    ("endnode", 1, 1),
    ("nodes", 1, 1),
    ("relationships", 1, 1),
    ("length", 1, 1),
    ("size", 1, 1),
    ("head", 1, 1),
    ("last", 1, 1),
    ("tail", 1, 1),
    ("range", 2, 3),
    ("reverse", 1, 1),
    ("coalesce", 1, usize::MAX),
    ("tolower", 1, 1),
    ("toupper", 1, 1),
    ("trim", 1, 1),
    ("ltrim", 1, 1),
    ("rtrim", 1, 1),
    ("replace", 3, 3),
    ("substring", 2, 3),
    ("split", 2, 2),
    ("left", 2, 2),
    ("right", 2, 2),
    ("tostring", 1, 1),
    ("tointeger", 1, 1),
    ("tofloat", 1, 1),
    ("toboolean", 1, 1),
    ("abs", 1, 1),
    ("round", 1, 1),
    ("floor", 1, 1),
    ("ceil", 1, 1),
    ("sign", 1, 1),
    ("sqrt", 1, 1),
    ("fold", 1, 1),
    ("date", 1, 1),
    ("exists", 1, 1),
    ("rand", 0, 0),
    ("exp", 1, 1),
    ("log", 1, 1),
    ("log10", 1, 1),
    ("pi", 0, 0),
];

pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.contains(&name.to_lowercase().as_str())
}

/// The argument count range of a known function, `None` when unknown.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    let lower = name.to_lowercase();
    if AGGREGATES.contains(&lower.as_str()) {
        return Some((1, 1));
    }
    SCALARS
        .iter()
        .find(|(n, _, _)| *n == lower)
        .map(|(_, a, b)| (*a, *b))
}

fn wrong_type(name: &str, v: &Val) -> QueryError {
    type_error(
        "InvalidArgumentValue",
        format!("{name}() does not accept a {}", v.type_name()),
    )
}

/// Cypher's `toString` text of a number, boolean or string.
pub fn to_string_value(v: &Val) -> String {
    match v {
        Val::Int(i) => i.to_string(),
        Val::Float(f) => crate::table::render_float(*f),
        Val::Bool(b) => b.to_string(),
        Val::String(s) => s.clone(),
        Val::Date(d) => d.to_string(),
        _ => String::new(),
    }
}

fn int_arg(name: &str, v: &Val) -> Result<Option<i64>> {
    match v {
        Val::Null => Ok(None),
        Val::Int(i) => Ok(Some(*i)),
        other => Err(argument_error(
            "InvalidArgumentType",
            format!("{name}() needs an integer, got {}", other.type_name()),
        )),
    }
}

fn string_fn(name: &str, v: &Val, f: impl Fn(&str) -> String) -> Result<Val> {
    match v {
        Val::Null => Ok(Val::Null),
        Val::String(s) => Ok(Val::String(f(s))),
        other => Err(wrong_type(name, other)),
    }
}

fn number_fn(
    name: &str,
    v: &Val,
    on_int: impl Fn(i64) -> Result<Val>,
    on_float: impl Fn(f64) -> Val,
) -> Result<Val> {
    match v {
        Val::Null => Ok(Val::Null),
        Val::Int(i) => on_int(*i),
        Val::Float(f) => Ok(on_float(*f)),
        other => Err(wrong_type(name, other)),
    }
}

/// Calls a scalar function on evaluated arguments.
pub fn call(name: &str, args: Vec<Val>, reader: &Reader<'_>) -> Result<Val> {
    let lower = name.to_lowercase();
    let Some((min, max)) = arity(&lower) else {
        return Err(QueryError::new(
            super::Phase::Compile,
            super::ErrorKind::SyntaxError,
            "UnknownFunction",
            format!("unknown function `{name}`"),
        ));
    };
    if args.len() < min || args.len() > max {
        return Err(QueryError::new(
            super::Phase::Compile,
            super::ErrorKind::SyntaxError,
            "InvalidNumberOfArguments",
            format!("{name}() takes {min} to {max} arguments"),
        ));
    }
    let a = args.first().cloned().unwrap_or(Val::Null);
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Val::Null);
    Ok(match lower.as_str() {
        "id" => match a {
            Val::Null => Val::Null,
            Val::Node(id) => Val::Int(i64::from(id.0)),
            Val::Rel(id) => Val::Int(i64::from(id.0)),
            other => return Err(wrong_type(name, &other)),
        },
        "evidence" => match a {
            Val::Null => Val::Null,
            Val::Node(id) => evidence_list(reader.graph, reader.node(id)?.provenance()),
            Val::Rel(id) => evidence_list(reader.graph, &reader.rel(id)?.provenance()),
            other => return Err(wrong_type(name, &other)),
        },
        "labels" => match a {
            Val::Null => Val::Null,
            Val::Node(id) => {
                let labels = reader.node(id)?.labels();
                Val::List(
                    labels
                        .into_iter()
                        .map(|l| Val::String(l.to_string()))
                        .collect(),
                )
            }
            other => return Err(wrong_type(name, &other)),
        },
        "type" => match a {
            Val::Null => Val::Null,
            Val::Rel(id) => {
                let rel_type = match reader.graph.rel(id) {
                    Some(r) => r.rel_type().to_string(),
                    None => match reader.deleted_rels.get(&id) {
                        Some((r, _, _)) => r.rel_type.clone(),
                        None => return Err(wrong_type(name, &a)),
                    },
                };
                Val::String(rel_type)
            }
            other => return Err(wrong_type(name, &other)),
        },
        "keys" => match a {
            Val::Null => Val::Null,
            Val::Node(id) => Val::List(
                reader
                    .node(id)?
                    .keys()
                    .into_iter()
                    .map(Val::String)
                    .collect(),
            ),
            Val::Rel(id) => Val::List(
                reader
                    .rel(id)?
                    .keys()
                    .into_iter()
                    .map(Val::String)
                    .collect(),
            ),
            Val::Map(m) => Val::List(m.keys().cloned().map(Val::String).collect()),
            other => return Err(wrong_type(name, &other)),
        },
        "properties" => match a {
            Val::Null => Val::Null,
            Val::Node(id) => Val::Map(
                reader
                    .node(id)?
                    .properties()
                    .into_iter()
                    .map(|(k, v)| (k, (&v).into()))
                    .collect(),
            ),
            Val::Rel(id) => Val::Map(
                reader
                    .rel(id)?
                    .properties()
                    .into_iter()
                    .map(|(k, v)| (k, (&v).into()))
                    .collect(),
            ),
            m @ Val::Map(_) => m,
            other => return Err(wrong_type(name, &other)),
        },
        "startnode" | "endnode" => match a {
            Val::Null => Val::Null,
            Val::Rel(id) => {
                let (s, e) = reader.endpoints(id)?;
                Val::Node(if lower == "startnode" { s } else { e })
            }
            other => return Err(wrong_type(name, &other)),
        },
        "nodes" => match a {
            Val::Null => Val::Null,
            Val::Path(p) => Val::List(p.nodes.iter().map(|n| Val::Node(*n)).collect()),
            other => return Err(wrong_type(name, &other)),
        },
        "relationships" => match a {
            Val::Null => Val::Null,
            Val::Path(p) => Val::List(p.rels.iter().map(|r| Val::Rel(*r)).collect()),
            other => return Err(wrong_type(name, &other)),
        },
        "length" => match a {
            Val::Null => Val::Null,
            Val::Path(p) => Val::Int(p.rels.len() as i64),
            other => return Err(wrong_type(name, &other)),
        },
        "size" => match a {
            Val::Null => Val::Null,
            Val::List(l) => Val::Int(l.len() as i64),
            Val::String(s) => Val::Int(s.chars().count() as i64),
            Val::Map(m) => Val::Int(m.len() as i64),
            other => return Err(wrong_type(name, &other)),
        },
        "head" | "last" => match a {
            Val::Null => Val::Null,
            Val::List(l) => {
                let item = if lower == "head" { l.first() } else { l.last() };
                item.cloned().unwrap_or(Val::Null)
            }
            other => return Err(wrong_type(name, &other)),
        },
        "tail" => match a {
            Val::Null => Val::Null,
            Val::List(l) => Val::List(l.into_iter().skip(1).collect()),
            other => return Err(wrong_type(name, &other)),
        },
        "reverse" => match a {
            Val::Null => Val::Null,
            Val::List(mut l) => {
                l.reverse();
                Val::List(l)
            }
            Val::String(s) => Val::String(s.chars().rev().collect()),
            other => return Err(wrong_type(name, &other)),
        },
        "range" => range(name, &args, reader)?,
        "coalesce" => args.into_iter().find(|v| !v.is_null()).unwrap_or(Val::Null),
        "tolower" => string_fn(name, &a, str::to_lowercase)?,
        "toupper" => string_fn(name, &a, str::to_uppercase)?,
        "trim" => string_fn(name, &a, |s| s.trim().to_string())?,
        "ltrim" => string_fn(name, &a, |s| s.trim_start().to_string())?,
        "rtrim" => string_fn(name, &a, |s| s.trim_end().to_string())?,
        "fold" => string_fn(name, &a, fold)?,
        "replace" => match (&a, arg(1), arg(2)) {
            (Val::String(s), Val::String(from), Val::String(to)) => {
                Val::String(replace(s, &from, &to, reader)?)
            }
            (Val::Null, _, _) | (_, Val::Null, _) | (_, _, Val::Null) => Val::Null,
            _ => return Err(wrong_type(name, &a)),
        },
        "substring" => match &a {
            Val::Null => Val::Null,
            Val::String(s) => {
                let start = int_arg(name, &arg(1))?;
                let len = if args.len() > 2 {
                    int_arg(name, &arg(2))?
                } else {
                    Some(i64::MAX)
                };
                match (start, len) {
                    (Some(start), Some(len)) => {
                        if start < 0 || len < 0 {
                            return Err(argument_error(
                                "NegativeIntegerArgument",
                                "substring() needs non-negative start and length",
                            ));
                        }
                        Val::String(s.chars().skip(start as usize).take(len as usize).collect())
                    }
                    _ => Val::Null,
                }
            }
            other => return Err(wrong_type(name, other)),
        },
        "split" => match (&a, arg(1)) {
            (Val::String(s), Val::String(sep)) => Val::List({
                let parts = if sep.is_empty() {
                    s.chars().count() + 2
                } else {
                    s.matches(sep.as_str()).count() + 1
                };
                reader
                    .budget
                    .check(s.len().saturating_add(parts.saturating_mul(VAL_BYTES)))?;
                s.split(sep.as_str())
                    .map(|p| Val::String(p.to_string()))
                    .collect()
            }),
            (Val::Null, _) | (_, Val::Null) => Val::Null,
            _ => return Err(wrong_type(name, &a)),
        },
        "left" | "right" => match &a {
            Val::Null => Val::Null,
            Val::String(s) => {
                let Some(n) = int_arg(name, &arg(1))? else {
                    return Err(argument_error(
                        "InvalidArgumentValue",
                        format!("{name}() needs a length"),
                    ));
                };
                if n < 0 {
                    return Err(argument_error(
                        "NegativeIntegerArgument",
                        format!("{name}() needs a non-negative length"),
                    ));
                }
                let count = s.chars().count();
                let n = (n as usize).min(count);
                Val::String(if lower == "left" {
                    s.chars().take(n).collect()
                } else {
                    s.chars().skip(count - n).collect()
                })
            }
            other => return Err(wrong_type(name, other)),
        },
        "tostring" => match &a {
            Val::Null => Val::Null,
            Val::Int(_) | Val::Float(_) | Val::Bool(_) | Val::String(_) | Val::Date(_) => {
                Val::String(to_string_value(&a))
            }
            other => return Err(wrong_type(name, other)),
        },
        "tointeger" => match &a {
            Val::Null => Val::Null,
            Val::Int(i) => Val::Int(*i),
            Val::Float(f) => {
                if f.is_finite() && f.abs() < 9.2e18 {
                    Val::Int(f.trunc() as i64)
                } else {
                    Val::Null
                }
            }
            Val::String(s) => parse_integer_text(s),
            other => return Err(wrong_type(name, other)),
        },
        "tofloat" => match &a {
            Val::Null => Val::Null,
            Val::Int(i) => Val::Float(*i as f64),
            Val::Float(f) => Val::Float(*f),
            Val::String(s) => s.trim().parse::<f64>().map_or(Val::Null, Val::Float),
            other => return Err(wrong_type(name, other)),
        },
        "toboolean" => match &a {
            Val::Null => Val::Null,
            Val::Bool(b) => Val::Bool(*b),
            Val::String(s) => match s.trim().to_lowercase().as_str() {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                _ => Val::Null,
            },
            other => return Err(wrong_type(name, other)),
        },
        "abs" => number_fn(
            name,
            &a,
            |i| {
                i.checked_abs()
                    .map(Val::Int)
                    .ok_or_else(|| argument_error("NumberOutOfRange", "integer overflow"))
            },
            |f| Val::Float(f.abs()),
        )?,
        "sign" => number_fn(
            name,
            &a,
            |i| Ok(Val::Int(i.signum())),
            |f| {
                Val::Int(if f > 0.0 {
                    1
                } else if f < 0.0 {
                    -1
                } else {
                    0
                })
            },
        )?,
        "round" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float(i as f64)),
            |f| {
                Val::Float(if f.fract().abs() == 0.5 {
                    (f + 0.5).floor()
                } else {
                    f.round()
                })
            },
        )?,
        "floor" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float(i as f64)),
            |f| Val::Float(f.floor()),
        )?,
        "ceil" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float(i as f64)),
            |f| Val::Float(f.ceil()),
        )?,
        "sqrt" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float((i as f64).sqrt())),
            |f| Val::Float(f.sqrt()),
        )?,
        "exp" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float((i as f64).exp())),
            |f| Val::Float(f.exp()),
        )?,
        "log" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float((i as f64).ln())),
            |f| Val::Float(f.ln()),
        )?,
        "log10" => number_fn(
            name,
            &a,
            |i| Ok(Val::Float((i as f64).log10())),
            |f| Val::Float(f.log10()),
        )?,
        "pi" => Val::Float(std::f64::consts::PI),
        "rand" => Val::Float(pseudo_random()),
        "exists" => Val::Bool(!a.is_null()),
        "date" => match &a {
            Val::Null => Val::Null,
            Val::String(s) => match Date::parse(s) {
                Some(d) => Val::Date(d),
                None => {
                    return Err(argument_error(
                        "InvalidArgumentValue",
                        format!("`{s}` is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                    ))
                }
            },
            d @ Val::Date(_) => d.clone(),
            other => return Err(wrong_type(name, other)),
        },
        _ => {
            return Err(type_error(
                "UnknownFunction",
                format!("unknown function `{name}`"),
            ))
        }
    })
}

/// `toInteger('42')`, `toInteger('4.9')` (4); null when not a number.
fn parse_integer_text(s: &str) -> Val {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Val::Int(i);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.abs() < 9.2e18 => Val::Int(f.trunc() as i64),
        _ => Val::Null,
    }
}

fn range(name: &str, args: &[Val], reader: &Reader<'_>) -> Result<Val> {
    let get = |i: usize| -> Result<Option<i64>> {
        match args.get(i) {
            None => Ok(Some(1)),
            Some(v) => int_arg(name, v),
        }
    };
    let (Some(start), Some(end), Some(step)) = (get(0)?, get(1)?, get(2)?) else {
        return Ok(Val::Null);
    };
    if step == 0 {
        return Err(argument_error(
            "NumberOutOfRange",
            "range() step must not be zero",
        ));
    }
    // measured before it is built
    let span = i128::from(end) - i128::from(start);
    let count = if (span >= 0) == (step > 0) {
        span / i128::from(step) + 1
    } else {
        0
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    reader.budget.check(count.saturating_mul(VAL_BYTES))?;
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i <= end) || (step < 0 && i >= end) {
        out.push(Val::Int(i));
        if out.len() > 10_000_000 {
            return Err(argument_error("NumberOutOfRange", "range() is too long"));
        }
        match i.checked_add(step) {
            Some(next) => i = next,
            None => break,
        }
    }
    Ok(Val::List(out))
}

/// `replace(s, from, to)`, measured before it is built (nested replaces
/// grow geometrically) and built in a buffer of exactly that size.
fn replace(s: &str, from: &str, to: &str, reader: &Reader<'_>) -> Result<String> {
    let found = if from.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(from).count()
    };
    let size = (s.len() - found * from.len()).saturating_add(found.saturating_mul(to.len()));
    reader.budget.check(size)?;
    let mut out = String::with_capacity(size);
    let mut last = 0;
    for (at, _) in s.match_indices(from) {
        out.push_str(&s[last..at]);
        out.push_str(to);
        last = at + from.len();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

/// Not cryptographic: only `rand()` uses it.
fn pseudo_random() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

/// Running state of one aggregate call in one group.
#[derive(Debug, Clone)]
pub struct Accumulator {
    kind: AggKind,
    distinct: bool,
    /// The distinct values so far, by Cypher's ordering (equal values, such
    /// as `1` and `1.0`, are one).
    seen: rustc_hash::FxHashSet<Key>,
    count: i64,
    int_sum: Option<i64>,
    float_sum: f64,
    any_float: bool,
    best: Option<Val>,
    items: Vec<Val>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum AggKind {
    CountStar,
    Count,
    Collect,
    Sum,
    Avg,
    Min,
    Max,
}

impl Accumulator {
    /// `name` is an aggregate function name, or `None` for `count(*)`.
    pub fn new(name: Option<&str>, distinct: bool) -> Accumulator {
        let kind = match name.map(str::to_lowercase).as_deref() {
            None => AggKind::CountStar,
            Some("count") => AggKind::Count,
            Some("collect") => AggKind::Collect,
            Some("sum") => AggKind::Sum,
            Some("avg") => AggKind::Avg,
            Some("min") => AggKind::Min,
            _ => AggKind::Max,
        };
        Accumulator {
            kind,
            distinct,
            seen: rustc_hash::FxHashSet::default(),
            count: 0,
            int_sum: Some(0),
            float_sum: 0.0,
            any_float: false,
            best: None,
            items: Vec::new(),
        }
    }

    /// Adds one row's argument value (ignored when null, as in Cypher).
    /// Returns the bytes the accumulator now keeps that it did not before
    /// (a value collected or remembered as distinct), for the budget.
    pub fn add(&mut self, v: Val) -> Result<usize> {
        if self.kind == AggKind::CountStar {
            self.count += 1;
            return Ok(0);
        }
        if v.is_null() {
            return Ok(0);
        }
        let mut kept = 0;
        if self.distinct {
            if !self.seen.insert(Key(vec![v.clone()])) {
                return Ok(0);
            }
            kept += size_of_val(&v);
        }
        self.count += 1;
        match self.kind {
            AggKind::Sum | AggKind::Avg => match v {
                Val::Int(i) => {
                    self.int_sum = self.int_sum.and_then(|s| s.checked_add(i));
                    self.float_sum += i as f64;
                }
                Val::Float(f) => {
                    self.any_float = true;
                    self.float_sum += f;
                }
                other => {
                    return Err(type_error(
                        "InvalidArgumentType",
                        format!("cannot sum a {}", other.type_name()),
                    ))
                }
            },
            AggKind::Min | AggKind::Max => {
                let replace = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = order(&v, b);
                        if self.kind == AggKind::Min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if replace {
                    self.best = Some(v);
                }
            }
            AggKind::Collect => {
                super::expr::check_element_depth(std::slice::from_ref(&v))?;
                kept += size_of_val(&v);
                self.items.push(v);
            }
            _ => {}
        }
        Ok(kept)
    }

    pub fn finish(self) -> Val {
        match self.kind {
            AggKind::CountStar | AggKind::Count => Val::Int(self.count),
            AggKind::Collect => Val::List(self.items),
            AggKind::Sum => {
                if self.any_float {
                    Val::Float(self.float_sum)
                } else {
                    match self.int_sum {
                        Some(s) => Val::Int(s),
                        None => Val::Float(self.float_sum),
                    }
                }
            }
            AggKind::Avg => {
                if self.count == 0 {
                    Val::Null
                } else {
                    Val::Float(self.float_sum / self.count as f64)
                }
            }
            AggKind::Min | AggKind::Max => self.best.unwrap_or(Val::Null),
        }
    }
}

/// The path through `nodes` and `rels`, for `nodes()`/`relationships()`.
pub fn path(nodes: Vec<crate::graph::NodeId>, rels: Vec<crate::graph::RelId>) -> Val {
    Val::Path(Box::new(PathVal { nodes, rels }))
}

/// `evidence(x)`: every place a node or relationship was read, oldest
/// first, as maps of `article`, `sentence`, `span` (start and end byte of
/// the mention in the article text) and `text` (the sentence).
fn evidence_list(graph: &crate::graph::Graph, provenance: &[crate::graph::Provenance]) -> Val {
    let keys = graph.schema().provenance.as_ref();
    let article_key = keys.map_or("id", |k| k.source_id.as_str());
    Val::List(
        provenance
            .iter()
            .map(|p| {
                let mut entry = BTreeMap::new();
                let article = graph
                    .node(p.source)
                    .and_then(|n| n.property(article_key).map(|v| Val::from(&*v)));
                entry.insert("article".to_string(), article.unwrap_or(Val::Null));
                let known = p.sentence != crate::graph::Provenance::NO_SENTENCE;
                let sentence = known.then(|| Val::Int(i64::from(p.sentence)));
                entry.insert("sentence".to_string(), sentence.unwrap_or(Val::Null));
                // one key for the byte span: `end` is a keyword in Cypher
                let span = vec![Val::Int(i64::from(p.start)), Val::Int(i64::from(p.end))];
                entry.insert("span".to_string(), Val::List(span));
                let text = graph.evidence_text(p).map(|t| Val::String(t.to_string()));
                entry.insert("text".to_string(), text.unwrap_or(Val::Null));
                Val::Map(entry)
            })
            .collect(),
    )
}
