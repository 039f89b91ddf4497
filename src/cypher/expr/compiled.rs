//! Expressions compiled once per statement for the operators that
//! evaluate them on every row (`MATCH … WHERE`, grouping keys, aggregate
//! arguments, projected items, `UNWIND`). Compiling resolves what the AST
//! walk looks up again per row: variables become row slots, property keys
//! and labels the graph's interned ids (looked up by name until the graph
//! knows them, then kept), parameters and literals values, and a constant
//! `=~` pattern a compiled regex. Evaluation returns an [`Out`], which
//! borrows what it reads (a row's value, a string property stored in the
//! graph) instead of copying it, so a comparison, a `CONTAINS` or a group
//! key's hash reads the stored bytes in place.
//!
//! Only the common row-level forms are compiled; every other expression
//! (functions, `CASE`, comprehensions, pattern predicates, …) is kept as
//! its AST and evaluated by [`eval`] with the row's names, so
//! both paths give the same values and the same errors.

use std::borrow::Cow;
use std::cell::Cell;

use super::{anchored_regex, Result};
use super::{binary_values, compare_op, eval, literal, property, type_error, unary, Env, Reader};
use crate::cypher::ast::{BinaryOp, CompareOp, Expr, ExprKind, Span, UnaryOp};
use crate::cypher::error::QueryError;
use crate::cypher::value::{hash_str, hash_val, order, Val};
use crate::graph::{Graph, Symbol, Value};

/// A label, relationship type or property key with its interned id in the
/// graph. A name the graph does not know yet (a label a later `CREATE`
/// adds) is looked up again the next time; ids never change once given.
#[derive(Debug, Clone)]
pub struct Interned {
    name: String,
    id: Cell<Option<Symbol>>,
}

impl Interned {
    pub fn new(name: &str) -> Interned {
        Interned {
            name: name.to_string(),
            id: Cell::new(None),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The id `lookup` gives for the name, kept once found.
    pub fn id(&self, lookup: impl FnOnce(&str) -> Option<Symbol>) -> Option<Symbol> {
        if let Some(id) = self.id.get() {
            return Some(id);
        }
        let id = lookup(&self.name);
        self.id.set(id);
        id
    }

    pub fn label(&self, graph: &Graph) -> Option<Symbol> {
        self.id(|n| graph.label_id(n))
    }

    pub fn rel_type(&self, graph: &Graph) -> Option<Symbol> {
        self.id(|n| graph.type_id(n))
    }

    pub fn key(&self, graph: &Graph) -> Option<Symbol> {
        self.id(|n| graph.key_id(n))
    }
}

/// The value of a compiled expression: made, or borrowed from the row, the
/// compiled constants or a string stored in the graph.
#[derive(Debug)]
pub enum Out<'r> {
    Val(Val),
    Ref(&'r Val),
    Str(&'r str),
}

impl Out<'_> {
    /// The value, owned (copies what was borrowed).
    pub fn into_val(self) -> Val {
        match self {
            Out::Val(v) => v,
            Out::Ref(v) => v.clone(),
            Out::Str(s) => Val::String(s.to_string()),
        }
    }

    /// The value as a `Val`, copied only when it is a borrowed string.
    pub fn val(&self) -> Cow<'_, Val> {
        match self {
            Out::Val(v) => Cow::Borrowed(v),
            Out::Ref(v) => Cow::Borrowed(*v),
            Out::Str(s) => Cow::Owned(Val::String((*s).to_string())),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Out::Str(s) => Some(s),
            Out::Val(Val::String(s)) => Some(s),
            Out::Ref(Val::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The value when it is not a borrowed string.
    fn as_val(&self) -> Option<&Val> {
        match self {
            Out::Val(v) => Some(v),
            Out::Ref(v) => Some(v),
            Out::Str(_) => None,
        }
    }

    pub fn is_true(&self) -> bool {
        matches!(self.as_val(), Some(Val::Bool(true)))
    }

    /// Whether this groups with `key` (`Key`'s equality: `order` says equal).
    pub fn same_key(&self, key: &Val) -> bool {
        match (self.as_str(), key) {
            (Some(s), Val::String(t)) => s == t,
            (Some(_), _) => false,
            (None, _) => self
                .as_val()
                .is_some_and(|v| order(v, key) == std::cmp::Ordering::Equal),
        }
    }

    /// Hashes as `Key` hashes the same value.
    pub fn hash_key<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Out::Str(s) => hash_str(s, state),
            Out::Val(v) => hash_val(v, state),
            Out::Ref(v) => hash_val(v, state),
        }
    }
}

/// A property value read from the graph: strings borrowed.
fn stored<'g>(value: Option<Cow<'g, Value>>) -> Out<'g> {
    match value {
        None => Out::Val(Val::Null),
        Some(Cow::Borrowed(Value::String(s))) => Out::Str(s),
        Some(Cow::Borrowed(v)) => Out::Val(Val::from(v)),
        Some(Cow::Owned(v)) => Out::Val(Val::from(&v)),
    }
}

/// What a compiled expression is evaluated against: the row, the names of
/// its columns (for the interpreted parts) and the reader.
pub struct Cx<'r, 'g> {
    pub names: &'r [String],
    pub row: &'r [Val],
    pub reader: &'r Reader<'g>,
}

/// An expression resolved against the columns of the rows it will see.
#[derive(Debug)]
pub enum Compiled<'q> {
    Const(Val),
    Slot {
        index: usize,
        expr: &'q Expr,
    },
    Prop {
        base: Box<Compiled<'q>>,
        key: Interned,
        span: Span,
    },
    HasLabels {
        base: Box<Compiled<'q>>,
        labels: Vec<Interned>,
        span: Span,
    },
    IsNull(Box<Compiled<'q>>, bool),
    Unary(UnaryOp, Box<Compiled<'q>>, Span),
    /// `STARTS WITH`, `ENDS WITH`, `CONTAINS`: on borrowed strings.
    Strings(BinaryOp, Box<Compiled<'q>>, Box<Compiled<'q>>, Span),
    /// `=~` with a constant pattern, compiled once.
    Regex(Box<Compiled<'q>>, regex::Regex, Span),
    Binary(BinaryOp, Box<Compiled<'q>>, Box<Compiled<'q>>, Span),
    Compare(Box<Compiled<'q>>, Vec<(CompareOp, Compiled<'q>)>),
    /// Evaluated by walking the AST.
    Interpreted(&'q Expr),
}

impl<'q> Compiled<'q> {
    /// Compiles `expr` for rows whose columns are `names` (a later name
    /// shadows an earlier one, as in `Env::lookup`).
    pub fn new(expr: &'q Expr, names: &[String], reader: &Reader<'_>) -> Compiled<'q> {
        let boxed = |e: &'q Expr| Box::new(Compiled::new(e, names, reader));
        match &expr.kind {
            ExprKind::Literal(l) => Compiled::Const(literal(l)),
            ExprKind::Param(name) => match reader.params.get(name) {
                Some(v) => Compiled::Const(Val::from(v)),
                None => Compiled::Interpreted(expr),
            },
            ExprKind::Var(name) => match names.iter().rposition(|n| n == name) {
                Some(index) => Compiled::Slot { index, expr },
                None => Compiled::Interpreted(expr),
            },
            ExprKind::Paren(e) => Compiled::new(e, names, reader),
            ExprKind::Property(e, key) => Compiled::Prop {
                base: boxed(e),
                key: Interned::new(key),
                span: expr.span,
            },
            ExprKind::HasLabels(e, labels) => Compiled::HasLabels {
                base: boxed(e),
                labels: labels.iter().map(|l| Interned::new(l)).collect(),
                span: expr.span,
            },
            ExprKind::IsNull(e, negated) => Compiled::IsNull(boxed(e), *negated),
            ExprKind::Unary(op, e) => Compiled::Unary(*op, boxed(e), expr.span),
            ExprKind::Binary(op @ (BinaryOp::StartsWith | BinaryOp::EndsWith), a, b)
            | ExprKind::Binary(op @ BinaryOp::Contains, a, b) => {
                Compiled::Strings(*op, boxed(a), boxed(b), expr.span)
            }
            ExprKind::Binary(op, a, b) => {
                let right = Compiled::new(b, names, reader);
                if *op == BinaryOp::Regex {
                    if let Compiled::Const(Val::String(pattern)) = &right {
                        // an invalid pattern is left to the interpreter,
                        // which reports it when a row reaches it
                        if let Ok(re) = anchored_regex(pattern) {
                            return Compiled::Regex(boxed(a), re, expr.span);
                        }
                        return Compiled::Interpreted(expr);
                    }
                }
                Compiled::Binary(*op, boxed(a), Box::new(right), expr.span)
            }
            ExprKind::Compare(first, rest) => Compiled::Compare(
                boxed(first),
                rest.iter()
                    .map(|(op, e)| (*op, Compiled::new(e, names, reader)))
                    .collect(),
            ),
            _ => Compiled::Interpreted(expr),
        }
    }

    /// The expression's value for one row.
    pub fn eval<'r>(&'r self, cx: &Cx<'r, '_>) -> Result<Out<'r>> {
        Ok(match self {
            Compiled::Const(v) => Out::Ref(v),
            Compiled::Slot { index, expr } => match cx.row.get(*index) {
                Some(v) => Out::Ref(v),
                None => return interpret(expr, cx),
            },
            Compiled::Prop { base, key, span } => {
                let base = base.eval(cx)?;
                let graph = cx.reader.graph;
                match base.as_val() {
                    Some(Val::Node(id)) => {
                        let node = cx.reader.node(*id).map_err(|e| e.with_span(*span))?;
                        stored(node.property_by_id(key.key(graph), key.name()))
                    }
                    Some(Val::Rel(id)) => {
                        let rel = cx.reader.rel(*id).map_err(|e| e.with_span(*span))?;
                        stored(rel.property_by_id(key.key(graph), key.name()))
                    }
                    _ => Out::Val(
                        property(&base.val(), key.name(), cx.reader)
                            .map_err(|e| e.with_span(*span))?,
                    ),
                }
            }
            Compiled::HasLabels { base, labels, span } => match base.eval(cx)?.val().as_ref() {
                Val::Null => Out::Val(Val::Null),
                Val::Node(id) => {
                    let node = cx.reader.node(*id)?;
                    let graph = cx.reader.graph;
                    Out::Val(Val::Bool(
                        labels
                            .iter()
                            .all(|l| l.label(graph).is_some_and(|id| node.has_label_id(id))),
                    ))
                }
                other => {
                    return Err(type_error(
                        "InvalidArgumentType",
                        format!("expected a node, got {}", other.type_name()),
                    )
                    .with_span(*span))
                }
            },
            Compiled::IsNull(e, negated) => {
                let null = matches!(e.eval(cx)?.as_val(), Some(Val::Null));
                Out::Val(Val::Bool(null != *negated))
            }
            Compiled::Unary(op, e, span) => {
                let v = e.eval(cx)?.into_val();
                Out::Val(unary(*op, v).map_err(|err| err.with_span(*span))?)
            }
            Compiled::Strings(op, a, b, span) => {
                // as the interpreter: an operand's error without a place
                // is placed at the operator
                let spanned = |e: QueryError| e.with_span_if_none(*span);
                let (left, right) = (a.eval(cx).map_err(spanned)?, b.eval(cx).map_err(spanned)?);
                Out::Val(match (left.as_str(), right.as_str()) {
                    (Some(s), Some(t)) => Val::Bool(match op {
                        BinaryOp::StartsWith => s.starts_with(t),
                        BinaryOp::EndsWith => s.ends_with(t),
                        _ => s.contains(t),
                    }),
                    _ => Val::Null,
                })
            }
            Compiled::Regex(subject, re, span) => Out::Val(
                match subject
                    .eval(cx)
                    .map_err(|e| e.with_span_if_none(*span))?
                    .as_str()
                {
                    Some(s) => Val::Bool(re.is_match(s)),
                    None => Val::Null,
                },
            ),
            Compiled::Binary(op, a, b, span) => {
                let both = a.eval(cx).and_then(|l| Ok((l, b.eval(cx)?)));
                let value = both.and_then(|(left, right)| {
                    binary_values(*op, left.into_val(), right.into_val(), cx.reader)
                });
                Out::Val(value.map_err(|err| err.with_span_if_none(*span))?)
            }
            Compiled::Compare(first, rest) => {
                let mut left = first.eval(cx)?;
                let mut result = Some(true);
                for (op, e) in rest {
                    let right = e.eval(cx)?;
                    match compare_outs(*op, &left, &right) {
                        Some(false) => result = Some(false),
                        None if result == Some(true) => result = None,
                        _ => {}
                    }
                    left = right;
                }
                Out::Val(result.map_or(Val::Null, Val::Bool))
            }
            Compiled::Interpreted(expr) => return interpret(expr, cx),
        })
    }
}

fn interpret<'r>(expr: &Expr, cx: &Cx<'r, '_>) -> Result<Out<'r>> {
    let env = Env::Row {
        names: cx.names,
        row: cx.row,
    };
    eval(expr, &env, cx.reader).map(Out::Val)
}

/// `compare_op` on two outputs; two strings are compared in place.
fn compare_outs(op: CompareOp, a: &Out<'_>, b: &Out<'_>) -> Option<bool> {
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        let o = x.cmp(y);
        return Some(match op {
            CompareOp::Eq => o.is_eq(),
            CompareOp::Ne => o.is_ne(),
            CompareOp::Lt => o.is_lt(),
            CompareOp::Le => o.is_le(),
            CompareOp::Gt => o.is_gt(),
            CompareOp::Ge => o.is_ge(),
        });
    }
    compare_op(op, &a.val(), &b.val())
}
