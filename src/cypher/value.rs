//! Runtime values of the query engine: property values plus references to
//! graph elements (nodes, relationships, paths), with Cypher's semantics in
//! one place: ternary equality and comparison (`None` is null), the total
//! order used by ORDER BY, and the equivalence used by DISTINCT and grouping.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::graph::{Date, NodeId, RelId, Value};

/// A path: `nodes.len() == rels.len() + 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct PathVal {
    pub nodes: Vec<NodeId>,
    pub rels: Vec<RelId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Date(Date),
    List(Vec<Val>),
    Map(BTreeMap<String, Val>),
    Node(NodeId),
    Rel(RelId),
    Path(Box<PathVal>),
}

/// Deepest nesting of lists and maps a value may have. Cloning, comparing,
/// hashing, printing and dropping a value recurse once per level, so the
/// operations that nest values (list and map literals, `collect`,
/// comprehensions, appending to a list) refuse to go deeper.
pub const MAX_VALUE_DEPTH: usize = 256;

/// Whether `value` nests lists and maps more than `limit` levels deep (a
/// list of scalars is one level). Walks at most `limit` levels down.
pub fn nests_deeper_than(value: &Val, limit: usize) -> bool {
    let deeper = |v: &Val| nests_deeper_than(v, limit - 1);
    match value {
        Val::List(items) => limit == 0 || items.iter().any(deeper),
        Val::Map(map) => limit == 0 || map.values().any(deeper),
        _ => false,
    }
}

impl From<&Value> for Val {
    fn from(value: &Value) -> Val {
        match value {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Float(f) => Val::Float(*f),
            Value::String(s) => Val::String(s.clone()),
            Value::Date(d) => Val::Date(*d),
            Value::List(l) => Val::List(l.iter().map(Val::from).collect()),
            Value::Map(m) => Val::Map(m.iter().map(|(k, v)| (k.clone(), v.into())).collect()),
        }
    }
}

impl Val {
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "Null",
            Val::Bool(_) => "Boolean",
            Val::Int(_) => "Integer",
            Val::Float(_) => "Float",
            Val::String(_) => "String",
            Val::Date(_) => "Date",
            Val::List(_) => "List",
            Val::Map(_) => "Map",
            Val::Node(_) => "Node",
            Val::Rel(_) => "Relationship",
            Val::Path(_) => "Path",
        }
    }

    /// The property value this is, when it can be stored on an element.
    /// Nested nulls in lists are not storable; neither are elements.
    pub fn to_property(&self) -> Option<Value> {
        Some(match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::Float(f) => Value::Float(*f),
            Val::String(s) => Value::String(s.clone()),
            Val::Date(d) => Value::Date(*d),
            Val::List(items) => Value::List(
                items
                    .iter()
                    .map(|v| match v {
                        Val::Null | Val::List(_) | Val::Map(_) => None,
                        other => other.to_property(),
                    })
                    .collect::<Option<_>>()?,
            ),
            Val::Map(_) | Val::Node(_) | Val::Rel(_) | Val::Path(_) => return None,
        })
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Val::Int(i) => Some(*i as f64),
            Val::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// Cypher `=`: `None` when the answer is null (a null operand, or lists
/// and maps whose only differences involve nulls).
pub fn equals(a: &Val, b: &Val) -> Option<bool> {
    match (a, b) {
        (Val::Null, _) | (_, Val::Null) => None,
        (Val::Int(x), Val::Int(y)) => Some(x == y),
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => numeric_cmp(a, b)
            .map(|o| o == Ordering::Equal)
            .or(Some(false)),
        (Val::Bool(x), Val::Bool(y)) => Some(x == y),
        (Val::String(x), Val::String(y)) => Some(x == y),
        (Val::Date(x), Val::Date(y)) => Some(x == y),
        (Val::Node(x), Val::Node(y)) => Some(x == y),
        (Val::Rel(x), Val::Rel(y)) => Some(x == y),
        (Val::Path(x), Val::Path(y)) => Some(x == y),
        (Val::List(x), Val::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut result = Some(true);
            for (p, q) in x.iter().zip(y) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => result = None,
                    Some(true) => {}
                }
            }
            result
        }
        (Val::Map(x), Val::Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            let mut result = Some(true);
            for (p, q) in x.values().zip(y.values()) {
                match equals(p, q) {
                    Some(false) => return Some(false),
                    None => result = None,
                    Some(true) => {}
                }
            }
            result
        }
        _ => Some(false),
    }
}

/// Exact comparison of two numbers, integers compared as integers;
/// `None` when one is NaN.
fn numeric_cmp(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Float(y)) => int_float_cmp(*x, *y),
        (Val::Float(x), Val::Int(y)) => int_float_cmp(*y, *x).map(Ordering::reverse),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        _ => None,
    }
}

fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    let as_float = i as f64;
    match as_float.partial_cmp(&f) {
        Some(Ordering::Equal) => {
            // Large integers lose precision as floats; compare exactly.
            if f >= 9.223_372_036_854_776e18 {
                Some(Ordering::Less)
            } else if f < -9.223_372_036_854_776e18 {
                Some(Ordering::Greater)
            } else {
                Some(i.cmp(&(f as i64)))
            }
        }
        other => other,
    }
}

/// Cypher `<` and friends: the ordering of two comparable values, `None`
/// when they are not comparable (null, different types, NaN).
pub fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => numeric_cmp(a, b),
        (Val::String(x), Val::String(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::List(x), Val::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q) {
                    Some(Ordering::Equal) => {}
                    other => return other,
                }
            }
            Some(x.len().cmp(&y.len()))
        }
        _ => None,
    }
}

/// Rank of a value's type in the ORDER BY order (ascending): maps, nodes,
/// relationships, lists, paths, dates, strings, booleans, numbers, null.
fn type_rank(v: &Val) -> u8 {
    match v {
        Val::Map(_) => 0,
        Val::Node(_) => 1,
        Val::Rel(_) => 2,
        Val::List(_) => 3,
        Val::Path(_) => 4,
        Val::Date(_) => 5,
        Val::String(_) => STRING_RANK,
        Val::Bool(_) => 7,
        Val::Int(_) | Val::Float(_) => 8,
        Val::Null => 9,
    }
}

/// The total order of ORDER BY: values of different types by type rank,
/// numbers by value with NaN above every other number.
pub fn order(a: &Val, b: &Val) -> Ordering {
    let (ra, rb) = (type_rank(a), type_rank(b));
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            let a_nan = a.as_f64().is_some_and(f64::is_nan);
            let b_nan = b.as_f64().is_some_and(f64::is_nan);
            match (a_nan, b_nan) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => numeric_cmp(a, b).unwrap_or(Ordering::Equal),
            }
        }
        (Val::String(x), Val::String(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::Date(x), Val::Date(y)) => x.cmp(y),
        (Val::Node(x), Val::Node(y)) => x.cmp(y),
        (Val::Rel(x), Val::Rel(y)) => x.cmp(y),
        (Val::List(x), Val::List(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Val::Map(x), Val::Map(y)) => {
            let keys = x.keys().cmp(y.keys());
            if keys != Ordering::Equal {
                return keys;
            }
            for (p, q) in x.values().zip(y.values()) {
                let o = order(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
        (Val::Path(x), Val::Path(y)) => x.nodes.cmp(&y.nodes).then_with(|| x.rels.cmp(&y.rels)),
        _ => Ordering::Equal,
    }
}

/// A value used as a DISTINCT or grouping key: two keys are the same when
/// `order` says they are equal (so `null` groups with `null`, `1` with `1.0`).
#[derive(Debug, Clone)]
pub struct Key(pub Vec<Val>);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Key {}

/// Hashes agree with `order`'s equality, so keys can go in hash maps:
/// an integral float hashes as the integer it equals, every NaN alike.
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for v in &self.0 {
            hash_val(v, state);
        }
    }
}

/// Hashes a string as `hash_val` hashes `Val::String` of it, for keys
/// read in place.
pub(crate) fn hash_str<H: std::hash::Hasher>(s: &str, state: &mut H) {
    use std::hash::Hash;
    STRING_RANK.hash(state);
    s.hash(state);
}

/// `type_rank` of a string.
const STRING_RANK: u8 = 6;

pub(crate) fn hash_val<H: std::hash::Hasher>(v: &Val, state: &mut H) {
    use std::hash::Hash;
    type_rank(v).hash(state);
    match v {
        Val::Null => {}
        Val::Bool(b) => b.hash(state),
        Val::Int(i) => i.hash(state),
        Val::Float(f) => {
            // the range where `f as i64` is exact and `int_float_cmp`
            // compares an integer with the float exactly
            let integral = f.fract() == 0.0
                && *f >= -9.223_372_036_854_776e18
                && *f < 9.223_372_036_854_776e18;
            if integral {
                (*f as i64).hash(state);
            } else if f.is_nan() {
                u64::MAX.hash(state);
            } else {
                f.to_bits().hash(state);
            }
        }
        Val::String(s) => s.hash(state),
        Val::Date(d) => d.hash(state),
        Val::List(items) => {
            items.len().hash(state);
            for item in items {
                hash_val(item, state);
            }
        }
        Val::Map(map) => {
            map.len().hash(state);
            for (k, item) in map {
                k.hash(state);
                hash_val(item, state);
            }
        }
        Val::Node(id) => id.hash(state),
        Val::Rel(id) => id.hash(state),
        Val::Path(p) => {
            p.nodes.hash(state);
            p.rels.hash(state);
        }
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> Ordering {
        for (a, b) in self.0.iter().zip(&other.0) {
            let o = order(a, b);
            if o != Ordering::Equal {
                return o;
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn val() -> impl Strategy<Value = Val> {
        let leaf = prop_oneof![
            Just(Val::Null),
            any::<bool>().prop_map(Val::Bool),
            (-3i64..3).prop_map(Val::Int),
            prop_oneof![Just(f64::NAN), Just(-0.0), Just(1.0), Just(2.5), Just(-1.0)]
                .prop_map(Val::Float),
            "[ab]{0,2}".prop_map(Val::String),
            (0u32..3).prop_map(|i| Val::Node(NodeId(i))),
            (0u32..3).prop_map(|i| Val::Rel(RelId(i))),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(Val::List),
                prop::collection::btree_map("[xy]", inner, 0..2).prop_map(Val::Map),
            ]
        })
    }

    proptest! {
        #[test]
        fn order_is_total(a in val(), b in val(), c in val()) {
            prop_assert_eq!(order(&a, &b), order(&b, &a).reverse());
            if order(&a, &b) != Ordering::Greater && order(&b, &c) != Ordering::Greater {
                prop_assert_ne!(order(&a, &c), Ordering::Greater);
            }
            prop_assert_eq!(order(&a, &a), Ordering::Equal);
        }

        #[test]
        fn comparison_agrees_with_order_when_defined(a in val(), b in val()) {
            if let Some(o) = compare(&a, &b) {
                prop_assert_eq!(o, order(&a, &b));
            }
        }
    }

    #[test]
    fn equality_is_ternary() {
        assert_eq!(equals(&Val::Int(1), &Val::Float(1.0)), Some(true));
        assert_eq!(equals(&Val::Null, &Val::Null), None);
        let with_null = Val::List(vec![Val::Int(1), Val::Null]);
        assert_eq!(equals(&with_null, &with_null), None);
        let other = Val::List(vec![Val::Int(2), Val::Null]);
        assert_eq!(equals(&with_null, &other), Some(false));
        assert_eq!(
            equals(&Val::Float(f64::NAN), &Val::Float(f64::NAN)),
            Some(false)
        );
        assert_eq!(equals(&Val::String("a".into()), &Val::Int(1)), Some(false));
    }
}
