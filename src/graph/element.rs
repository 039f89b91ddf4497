//! How nodes and relationships are stored, and the owned form they are
//! handed in and out as.
//!
//! Stored elements ([`Node`], [`Rel`]) hold interned ids and a sorted
//! property list; their fields are private so the layout can change behind
//! [`Graph`](super::Graph)'s methods. [`NodeData`] and [`RelData`] are the
//! owned, name-keyed form for building elements, for snapshots of deleted
//! ones and for the file format's older versions.

use std::collections::BTreeMap;

use super::intern::Symbol;
use super::value::Value;
use super::NodeId;

/// Where a fact was read: the source node (an article), the index of the
/// sentence in it and the byte span of the mention within the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provenance {
    pub source: NodeId,
    pub sentence: u32,
    pub start: u32,
    pub end: u32,
}

impl Provenance {
    /// The `sentence` of a fact known to come from a source but from no
    /// one sentence of it (it then has no evidence text).
    pub const NO_SENTENCE: u32 = u32::MAX;

    /// A fact read from `source` as a whole.
    pub fn of_source(source: NodeId) -> Provenance {
        Provenance {
            source,
            sentence: Provenance::NO_SENTENCE,
            start: 0,
            end: 0,
        }
    }
}

/// A property list sorted by key id: an element has a handful of
/// properties, so a boxed slice searched by key beats a map in both size
/// and speed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Props(Box<[(Symbol, Value)]>);

impl Props {
    /// A property list from entries in any order (the first of two
    /// entries with one key wins).
    pub(crate) fn new(mut entries: Vec<(Symbol, Value)>) -> Props {
        entries.sort_by_key(|(k, _)| *k);
        entries.dedup_by_key(|(k, _)| *k);
        Props(entries.into_boxed_slice())
    }

    pub(crate) fn get(&self, key: Symbol) -> Option<&Value> {
        self.0
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Sets `key` (`Value::Null` removes it); returns the previous value.
    pub(crate) fn set(&mut self, key: Symbol, value: Value) -> Option<Value> {
        let mut entries = std::mem::take(&mut self.0).into_vec();
        let previous = match entries.binary_search_by_key(&key, |(k, _)| *k) {
            Ok(i) if value == Value::Null => Some(entries.remove(i).1),
            Ok(i) => Some(std::mem::replace(&mut entries[i].1, value)),
            Err(_) if value == Value::Null => None,
            Err(i) => {
                entries.insert(i, (key, value));
                None
            }
        };
        self.0 = entries.into_boxed_slice();
        previous
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (Symbol, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// A stored node: sorted label ids, properties and, for a node read from
/// text as a fact of its own (an event), where it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub(crate) labels: Box<[Symbol]>,
    pub(crate) props: Props,
    pub(crate) provenance: Vec<Provenance>,
}

/// A stored relationship: its type id, properties and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Rel {
    pub(crate) rel_type: Symbol,
    pub(crate) props: Props,
    pub(crate) provenance: Vec<Provenance>,
}

impl Node {
    pub(crate) fn has_label(&self, label: Symbol) -> bool {
        self.labels.binary_search(&label).is_ok()
    }
}

/// A node in owned form: labels and properties by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeData {
    pub labels: Vec<String>,
    pub properties: BTreeMap<String, Value>,
    pub provenance: Vec<Provenance>,
    /// For a provenance source (an article): the byte spans of the
    /// sentences of its text; empty for any other node.
    pub sentences: Vec<(u32, u32)>,
}

/// A relationship in owned form: its type and properties by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelData {
    pub rel_type: String,
    pub properties: BTreeMap<String, Value>,
    pub provenance: Vec<Provenance>,
}

/// Adds `entry` to a provenance list unless the list already has it. Facts
/// are recorded article by article, so an equal entry can only be among
/// the trailing entries of the same source: the check is bounded by one
/// article's mentions, however many articles state the fact.
pub(crate) fn push_provenance(list: &mut Vec<Provenance>, entry: Provenance) -> bool {
    let duplicate = list
        .iter()
        .rev()
        .take_while(|p| p.source == entry.source)
        .any(|p| *p == entry);
    if !duplicate {
        list.push(entry);
    }
    !duplicate
}
