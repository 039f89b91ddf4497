//! The memory budget of one statement (`Options::max_memory`,
//! `--max-memory`). Two kinds of use are counted, both where memory is
//! allocated rather than per value copied, so the checks stay cheap:
//!
//! - what operators *hold* until they finish — rows between segments and
//!   of the result, sort buffers, aggregation groups and their `collect`
//!   lists and distinct sets, `DISTINCT` keys — is added with `hold` as it
//!   is stored and given back with `release` when the operator lets go;
//! - a value a function or operator is about to *build* — a `replace`
//!   result, a concatenation, a `range`, a comprehension's list — is
//!   measured first with `check`, which refuses it when it would not fit
//!   beside what is held, before anything is allocated.
//!
//! Sizes are estimates (`size_of_val`): the bytes of the values' own
//! buffers, not the allocator's overhead. A statement over budget fails
//! with `ErrorKind::MemoryLimit`, and the undo journal puts the graph back
//! as it was. A large allocation also checks the deadline and Ctrl-C, so a
//! long string build cannot outlive `--timeout` by much.

use std::cell::Cell;
use std::collections::BTreeMap;

use super::error::{ErrorKind, Phase, QueryError};
use super::value::Val;
use super::Options;
use crate::graph::Value;
use crate::table::{Item, NodeItem, RelItem};

type Result<T> = std::result::Result<T, QueryError>;

/// The budget when none is given: 1 GiB.
pub const DEFAULT_MAX_MEMORY: usize = 1 << 30;

/// Bytes one value takes in a list or row, its contents aside.
pub const VAL_BYTES: usize = std::mem::size_of::<Val>();

/// Allocations at least this large also check for cancellation.
const CHECK_CANCEL_BYTES: usize = 1 << 20;

/// What one statement may still allocate.
pub struct Budget<'o> {
    limit: usize,
    held: Cell<usize>,
    options: &'o Options,
}

impl<'o> Budget<'o> {
    pub fn new(options: &'o Options) -> Budget<'o> {
        Budget {
            limit: options.max_memory,
            held: Cell::new(0),
            options,
        }
    }

    /// A value of `bytes` is about to be built: refuses it when it would
    /// not fit beside what is held.
    pub fn check(&self, bytes: usize) -> Result<()> {
        if bytes > self.limit.saturating_sub(self.held.get()) {
            return Err(over_budget(self.limit));
        }
        if bytes >= CHECK_CANCEL_BYTES && self.options.is_cancelled() {
            return Err(super::cancelled());
        }
        Ok(())
    }

    /// `bytes` more are kept until `release`.
    pub fn hold(&self, bytes: usize) -> Result<()> {
        let held = self.held.get().saturating_add(bytes);
        self.held.set(held);
        if held > self.limit {
            return Err(over_budget(self.limit));
        }
        Ok(())
    }

    /// `bytes` held before are let go.
    pub fn release(&self, bytes: usize) {
        self.held.set(self.held.get().saturating_sub(bytes));
    }

    /// What is held now.
    pub fn held(&self) -> usize {
        self.held.get()
    }
}

/// The error of a statement over its budget.
pub fn over_budget(limit: usize) -> QueryError {
    QueryError::new(
        Phase::Runtime,
        ErrorKind::MemoryLimit,
        "MemoryLimitExceeded",
        format!(
            "the statement needs more than {} of memory (raise it with --max-memory)",
            human_bytes(limit)
        ),
    )
}

/// `1 GiB`, `512 MiB`, `3 KiB`, `100 B`.
pub fn human_bytes(bytes: usize) -> String {
    const UNITS: [(&str, usize); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let whole = bytes / size;
            return if bytes.is_multiple_of(size) {
                format!("{whole} {unit}")
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} B")
}

/// Parses `--max-memory`: a number of bytes with an optional unit (`512M`,
/// `2G`, `1GiB`, `100000`).
pub fn parse_bytes(text: &str) -> Option<usize> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = number * scale;
    (bytes.is_finite() && bytes >= 1.0 && bytes < usize::MAX as f64).then_some(bytes as usize)
}

/// Estimated bytes of a value: its slot plus what it owns.
pub fn size_of_val(value: &Val) -> usize {
    VAL_BYTES
        + match value {
            Val::String(s) => s.len(),
            Val::List(items) => items.iter().map(size_of_val).sum(),
            Val::Map(map) => size_of_map(map),
            Val::Path(p) => 48 + 4 * (p.nodes.len() + p.rels.len()),
            Val::Null
            | Val::Bool(_)
            | Val::Int(_)
            | Val::Float(_)
            | Val::Date(_)
            | Val::Node(_)
            | Val::Rel(_) => 0,
        }
}

fn size_of_map(map: &BTreeMap<String, Val>) -> usize {
    map.iter()
        // a key's String and the tree's share of the entry
        .map(|(k, v)| 24 + 8 + k.len() + size_of_val(v))
        .sum()
}

/// Estimated bytes of a result item: an element's snapshot copies its
/// labels and properties (an article node its whole text).
pub fn size_of_item(item: &Item) -> usize {
    let properties = |p: &BTreeMap<String, Value>| -> usize {
        p.iter()
            .map(|(k, v)| 24 + 8 + k.len() + size_of_value(v))
            .sum()
    };
    let node = |n: &NodeItem| -> usize {
        n.labels.iter().map(|l| 24 + l.len()).sum::<usize>() + properties(&n.properties)
    };
    let rel = |r: &RelItem| -> usize { r.rel_type.len() + properties(&r.properties) };
    ITEM_BYTES
        + match item {
            Item::String(s) => s.len(),
            Item::List(items) => items.iter().map(size_of_item).sum(),
            Item::Map(map) => map
                .iter()
                .map(|(k, v)| 24 + 8 + k.len() + size_of_item(v))
                .sum(),
            Item::Node(n) => node(n),
            Item::Rel(r) => rel(r),
            Item::Path(p) => {
                p.nodes.iter().map(|n| ITEM_BYTES + node(n)).sum::<usize>()
                    + p.rels.iter().map(|r| ITEM_BYTES + rel(r)).sum::<usize>()
            }
            Item::Null | Item::Bool(_) | Item::Int(_) | Item::Float(_) | Item::Date(_) => 0,
        }
}

fn size_of_value(value: &Value) -> usize {
    VAL_BYTES
        + match value {
            Value::String(s) => s.len(),
            Value::List(items) => items.iter().map(size_of_value).sum(),
            Value::Map(map) => map
                .iter()
                .map(|(k, v)| 24 + 8 + k.len() + size_of_value(v))
                .sum(),
            _ => 0,
        }
}

const ITEM_BYTES: usize = std::mem::size_of::<Item>();

/// Estimated bytes of a row kept by an operator.
pub fn size_of_row(row: &[Val]) -> usize {
    24 + row.iter().map(size_of_val).sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_sizes() {
        assert_eq!(parse_bytes("1024"), Some(1024));
        assert_eq!(parse_bytes("512M"), Some(512 << 20));
        assert_eq!(parse_bytes("2GiB"), Some(2 << 30));
        assert_eq!(parse_bytes("1.5 g"), Some(3 << 29));
        for bad in ["", "0", "-1", "1x", "G", "1e400"] {
            assert_eq!(parse_bytes(bad), None, "{bad}");
        }
        assert_eq!(human_bytes(1 << 30), "1 GiB");
        assert_eq!(human_bytes(3 << 29), "1.5 GiB");
        assert_eq!(human_bytes(100), "100 B");
    }

    #[test]
    fn holds_up_to_the_limit_and_checks_against_what_is_left() {
        let options = Options {
            max_memory: 1000,
            ..Options::default()
        };
        let budget = Budget::new(&options);
        assert!(budget.hold(600).is_ok());
        assert!(budget.check(400).is_ok());
        let error = budget.check(401).unwrap_err();
        assert_eq!(error.kind, ErrorKind::MemoryLimit);
        assert!(error.message.contains("1000 B"), "{}", error.message);
        budget.release(600);
        assert!(budget.check(1000).is_ok());
        assert!(budget.hold(1001).is_err());
    }

    #[test]
    fn sizes_count_owned_buffers() {
        let text = Val::String("x".repeat(100));
        assert_eq!(size_of_val(&text), VAL_BYTES + 100);
        let list = Val::List(vec![text.clone(), Val::Int(1)]);
        assert_eq!(size_of_val(&list), 3 * VAL_BYTES + 100);
    }
}
