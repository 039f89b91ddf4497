//! Property values in pre-order: a list or map is followed by its items
//! (for a map, key string then value), so decoding needs no recursion
//! limit from the decoder and a depth limit of its own. Shared by every
//! format version; the token order is part of the file format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::graph::{Date, Value};

/// Values nested deeper than this are refused when loading.
const MAX_VALUE_DEPTH: usize = 512;

/// One token of a flattened value.
#[derive(Debug, Deserialize)]
pub(super) enum FlatToken {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// Year, month (0 = none), day (0 = none).
    Date(i32, u8, u8),
    List(u32),
    Map(u32),
}

#[derive(Debug, Deserialize)]
pub(super) struct FlatValue(Vec<FlatToken>);

impl FlatValue {
    pub(super) fn from_tokens(tokens: Vec<FlatToken>) -> FlatValue {
        FlatValue(tokens)
    }

    /// The value of a single token (a scalar, or an empty list or map),
    /// without a token list.
    pub(super) fn value_of_one(token: FlatToken) -> Result<Value, String> {
        unflatten(&mut std::iter::once(token), 0)
    }

    /// The string this value is, when it is one.
    pub(super) fn as_str(&self) -> Option<&str> {
        match self.0.as_slice() {
            [FlatToken::String(s)] => Some(s),
            _ => None,
        }
    }

    pub(super) fn into_value(self) -> Result<Value, String> {
        let mut tokens = self.0.into_iter();
        let value = unflatten(&mut tokens, 0)?;
        match tokens.next() {
            None => Ok(value),
            Some(_) => Err("a property value has extra items".to_string()),
        }
    }
}

fn unflatten(tokens: &mut impl Iterator<Item = FlatToken>, depth: usize) -> Result<Value, String> {
    if depth > MAX_VALUE_DEPTH {
        return Err(format!(
            "a property value is nested deeper than {MAX_VALUE_DEPTH}"
        ));
    }
    let token = tokens
        .next()
        .ok_or_else(|| "a property value ends early".to_string())?;
    Ok(match token {
        FlatToken::Null => Value::Null,
        FlatToken::Bool(b) => Value::Bool(b),
        FlatToken::Int(i) => Value::Int(i),
        FlatToken::Float(f) => Value::Float(f),
        FlatToken::String(s) => Value::String(s),
        FlatToken::Date(year, month, day) => Value::Date(
            match (month, day) {
                (0, 0) => Some(Date::year(year)),
                (m, 0) => Date::month(year, m),
                (m, d) => Date::day(year, m, d),
            }
            .ok_or_else(|| format!("invalid date {year}-{month}-{day}"))?,
        ),
        FlatToken::List(len) => {
            // Each item takes at least one token, so `len` is bounded by
            // what was decoded; still, grow the vector as items arrive.
            let mut items = Vec::new();
            for _ in 0..len {
                items.push(unflatten(tokens, depth + 1)?);
            }
            Value::List(items)
        }
        FlatToken::Map(len) => {
            let mut map = BTreeMap::new();
            for _ in 0..len {
                let key = match tokens.next() {
                    Some(FlatToken::String(key)) => key,
                    _ => return Err("a map key is not a string".to_string()),
                };
                map.insert(key, unflatten(tokens, depth + 1)?);
            }
            Value::Map(map)
        }
    })
}

/// The borrowed twin of [`FlatToken`], serialised exactly like it (same
/// variants in the same order), so a value is written without copying.
#[derive(Serialize)]
enum FlatTokenRef<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(&'a str),
    Date(i32, u8, u8),
    List(u32),
    Map(u32),
}

/// A value written as a [`FlatValue`] straight from the graph.
pub(super) struct FlatOut<'a>(pub(super) &'a Value);

impl serde::Serialize for FlatOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(token_count(self.0)))?;
        let mut stack = vec![Item::Value(self.0)];
        while let Some(item) = stack.pop() {
            let value = match item {
                Item::Key(key) => {
                    seq.serialize_element(&FlatTokenRef::String(key))?;
                    continue;
                }
                Item::Value(value) => value,
            };
            let token = match value {
                Value::Null => FlatTokenRef::Null,
                Value::Bool(b) => FlatTokenRef::Bool(*b),
                Value::Int(i) => FlatTokenRef::Int(*i),
                Value::Float(f) => FlatTokenRef::Float(*f),
                Value::String(s) => FlatTokenRef::String(s),
                Value::Date(d) => FlatTokenRef::Date(
                    d.year_part(),
                    d.month_part().unwrap_or(0),
                    d.day_part().unwrap_or(0),
                ),
                Value::List(items) => {
                    stack.extend(items.iter().rev().map(Item::Value));
                    FlatTokenRef::List(items.len() as u32)
                }
                Value::Map(map) => {
                    for (key, item) in map.iter().rev() {
                        stack.push(Item::Value(item));
                        stack.push(Item::Key(key));
                    }
                    FlatTokenRef::Map(map.len() as u32)
                }
            };
            seq.serialize_element(&token)?;
        }
        seq.end()
    }
}

enum Item<'a> {
    Key(&'a str),
    Value(&'a Value),
}

fn token_count(value: &Value) -> usize {
    match value {
        Value::List(items) => 1 + items.iter().map(token_count).sum::<usize>(),
        Value::Map(map) => 1 + map.values().map(|v| 1 + token_count(v)).sum::<usize>(),
        _ => 1,
    }
}
