//! How nodes and relationships are stored, and the owned form they are
//! handed in and out as.
//!
//! Stored elements ([`Node`], [`Rel`]) hold interned ids and a sorted
//! property list; their fields are private so the layout can change behind
//! [`Graph`](super::Graph)'s methods. [`NodeData`] and [`RelData`] are the
//! owned, name-keyed form for building elements, for snapshots of deleted
//! ones and for the file format's older versions.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

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

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn entries(&self) -> PropsRef<'_> {
        PropsRef(&self.0)
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
}

/// A borrowed property list (sorted by key id).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PropsRef<'a>(&'a [(Symbol, Value)]);

impl<'a> PropsRef<'a> {
    pub(crate) const EMPTY: PropsRef<'static> = PropsRef(&[]);

    pub(crate) fn get(self, key: Symbol) -> Option<&'a Value> {
        self.0
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .map(|i| &self.0[i].1)
    }

    pub(crate) fn iter(self) -> impl ExactSizeIterator<Item = (Symbol, &'a Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// A stored node, laid out for the common case of one label and no
/// provenance (entities: their mentions are their `MENTIONED_IN`): the
/// label and the properties inline, anything more (further labels,
/// provenance) in one box. 32 bytes; petgraph's slot adds 8.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The lowest label id; `NO_LABEL` for a node without labels.
    label: Symbol,
    pub(crate) props: Props,
    extra: Option<Box<NodeExtra>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct NodeExtra {
    /// Every label, sorted, when there are two or more; else empty.
    labels: Box<[Symbol]>,
    provenance: Vec<Provenance>,
}

const NO_LABEL: Symbol = Symbol::MAX;

impl Default for Node {
    fn default() -> Node {
        Node {
            label: NO_LABEL,
            props: Props::default(),
            extra: None,
        }
    }
}

impl Node {
    pub(crate) fn new(mut labels: Vec<Symbol>, props: Props, provenance: Vec<Provenance>) -> Node {
        labels.sort_unstable();
        labels.dedup();
        let mut node = Node {
            label: labels.first().copied().unwrap_or(NO_LABEL),
            props,
            extra: None,
        };
        if labels.len() > 1 || !provenance.is_empty() {
            let labels = if labels.len() > 1 {
                labels.into_boxed_slice()
            } else {
                Box::default()
            };
            node.extra = Some(Box::new(NodeExtra { labels, provenance }));
        }
        node
    }

    /// Label ids, sorted.
    pub(crate) fn labels(&self) -> &[Symbol] {
        match &self.extra {
            Some(extra) if !extra.labels.is_empty() => &extra.labels,
            _ if self.label == NO_LABEL => &[],
            _ => std::slice::from_ref(&self.label),
        }
    }

    pub(crate) fn has_label(&self, label: Symbol) -> bool {
        self.labels().binary_search(&label).is_ok()
    }

    /// Adds or removes a label; returns whether the node changed.
    pub(crate) fn set_label(&mut self, label: Symbol, present: bool) -> bool {
        let mut labels = self.labels().to_vec();
        let changed = match (labels.binary_search(&label), present) {
            (Err(at), true) => {
                labels.insert(at, label);
                true
            }
            (Ok(at), false) => {
                labels.remove(at);
                true
            }
            _ => false,
        };
        if changed {
            let provenance = self.extra.take().map(|e| e.provenance).unwrap_or_default();
            *self = Node::new(labels, std::mem::take(&mut self.props), provenance);
        }
        changed
    }

    pub(crate) fn props(&self) -> PropsRef<'_> {
        self.props.entries()
    }

    pub(crate) fn provenance(&self) -> &[Provenance] {
        self.extra.as_ref().map_or(&[], |e| &e.provenance)
    }

    /// Adds a provenance entry unless the node has it; whether it was new.
    pub(crate) fn push_provenance(&mut self, entry: Provenance) -> bool {
        let extra = self.extra.get_or_insert_with(|| {
            Box::new(NodeExtra {
                labels: Box::default(),
                provenance: Vec::new(),
            })
        });
        push_provenance(&mut extra.provenance, entry)
    }
}

/// A relationship type id stored off by one, so that petgraph's
/// `Option<Rel>` slot needs no tag of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TypeId(NonZeroU32);

impl TypeId {
    fn new(symbol: Symbol) -> TypeId {
        TypeId(NonZeroU32::new(symbol.wrapping_add(1)).unwrap_or(NonZeroU32::MAX))
    }

    fn get(self) -> Symbol {
        self.0.get() - 1
    }
}

/// A stored relationship, laid out for the common case of a fact read
/// once from text: its type and one provenance entry inline, properties
/// and further entries in one box. 24 bytes; petgraph's slot adds 16.
#[derive(Debug, Clone, PartialEq)]
pub struct Rel {
    rel_type: TypeId,
    /// The only provenance entry; `source == NO_SOURCE` when there is none
    /// or when the box holds the whole list.
    first: InlineProvenance,
    extra: Option<Box<RelExtra>>,
}

/// A provenance entry in 12 bytes: a sentence index and a span length
/// fit 16 bits each in news (the longest dev article has 18 sentences, a
/// mention is a few words). An entry that does not fit goes to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct InlineProvenance {
    source: NodeId,
    start: u32,
    /// The sentence index; `u16::MAX` for [`Provenance::NO_SENTENCE`].
    sentence: u16,
    len: u16,
}

const NO_INLINE: InlineProvenance = InlineProvenance {
    source: NO_SOURCE,
    start: 0,
    sentence: 0,
    len: 0,
};

impl InlineProvenance {
    fn pack(entry: Provenance) -> Option<InlineProvenance> {
        let sentence = if entry.sentence == Provenance::NO_SENTENCE {
            u16::MAX
        } else {
            u16::try_from(entry.sentence)
                .ok()
                .filter(|&s| s != u16::MAX)?
        };
        let len = u16::try_from(entry.end.checked_sub(entry.start)?).ok()?;
        (entry.source != NO_SOURCE).then_some(InlineProvenance {
            source: entry.source,
            start: entry.start,
            sentence,
            len,
        })
    }

    fn is_set(self) -> bool {
        self.source != NO_SOURCE
    }

    fn unpack(self) -> Provenance {
        Provenance {
            source: self.source,
            sentence: if self.sentence == u16::MAX {
                Provenance::NO_SENTENCE
            } else {
                u32::from(self.sentence)
            },
            start: self.start,
            end: self.start + u32::from(self.len),
        }
    }
}

/// The provenance of a relationship: its inline entry or its list. It
/// reads as a slice (`Deref`) and iterates by value.
#[derive(Debug, Clone, Copy)]
pub enum ProvenanceList<'a> {
    One(Provenance),
    Many(&'a [Provenance]),
}

impl std::ops::Deref for ProvenanceList<'_> {
    type Target = [Provenance];

    fn deref(&self) -> &[Provenance] {
        match self {
            ProvenanceList::One(entry) => std::slice::from_ref(entry),
            ProvenanceList::Many(list) => list,
        }
    }
}

impl<'a> IntoIterator for ProvenanceList<'a> {
    type Item = Provenance;
    type IntoIter = std::iter::Chain<
        std::option::IntoIter<Provenance>,
        std::iter::Copied<std::slice::Iter<'a, Provenance>>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        let (one, many): (Option<Provenance>, &'a [Provenance]) = match self {
            ProvenanceList::One(entry) => (Some(entry), &[]),
            ProvenanceList::Many(list) => (None, list),
        };
        one.into_iter().chain(many.iter().copied())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct RelExtra {
    props: Props,
    /// The whole provenance list when it has two entries or more.
    provenance: Vec<Provenance>,
}

const NO_SOURCE: NodeId = NodeId(u32::MAX);

impl Rel {
    pub(crate) fn new(rel_type: Symbol, props: Props, provenance: Vec<Provenance>) -> Rel {
        let mut rel = Rel {
            rel_type: TypeId::new(rel_type),
            first: NO_INLINE,
            extra: None,
        };
        let inline = match provenance.as_slice() {
            [only] => InlineProvenance::pack(*only),
            _ => None,
        };
        match (provenance.is_empty(), inline) {
            (true, _) => {}
            (false, Some(inline)) => rel.first = inline,
            (false, None) => {
                rel.extra = Some(Box::new(RelExtra {
                    props: Props::default(),
                    provenance,
                }))
            }
        }
        if !props.is_empty() {
            rel.extra_mut().props = props;
        }
        rel
    }

    /// A relationship with one provenance entry, without a list for it.
    pub(crate) fn with_one(rel_type: Symbol, props: Props, provenance: Provenance) -> Rel {
        let Some(inline) = InlineProvenance::pack(provenance) else {
            return Rel::new(rel_type, props, vec![provenance]);
        };
        let mut rel = Rel::new(rel_type, props, Vec::new());
        rel.first = inline;
        rel
    }

    pub(crate) fn rel_type(&self) -> Symbol {
        self.rel_type.get()
    }

    pub(crate) fn props(&self) -> PropsRef<'_> {
        self.extra
            .as_ref()
            .map_or(PropsRef::EMPTY, |e| e.props.entries())
    }

    /// Sets `key` (`Value::Null` removes it); returns the previous value.
    pub(crate) fn set_prop(&mut self, key: Symbol, value: Value) -> Option<Value> {
        if value == Value::Null && self.extra.is_none() {
            return None;
        }
        self.extra_mut().props.set(key, value)
    }

    pub(crate) fn replace_props(&mut self, props: Props) {
        if !props.is_empty() || self.extra.is_some() {
            self.extra_mut().props = props;
        }
    }

    pub(crate) fn provenance(&self) -> ProvenanceList<'_> {
        match &self.extra {
            Some(extra) if !extra.provenance.is_empty() => ProvenanceList::Many(&extra.provenance),
            _ if !self.first.is_set() => ProvenanceList::Many(&[]),
            _ => ProvenanceList::One(self.first.unpack()),
        }
    }

    /// Adds a provenance entry unless the relationship has it; whether it
    /// was new.
    pub(crate) fn push_provenance(&mut self, entry: Provenance) -> bool {
        if self.provenance().is_empty() {
            if let Some(inline) = InlineProvenance::pack(entry) {
                self.first = inline;
                return true;
            }
        }
        if self.first.is_set() {
            if self.first.unpack() == entry {
                return false;
            }
            let first = std::mem::replace(&mut self.first, NO_INLINE).unpack();
            self.extra_mut().provenance.push(first);
        }
        push_provenance(&mut self.extra_mut().provenance, entry)
    }

    fn extra_mut(&mut self) -> &mut RelExtra {
        self.extra.get_or_insert_with(Box::default)
    }
}

/// A provenance list as a file gives it: the single entry of nearly every
/// relationship comes without a list of its own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ProvenanceIn {
    One(Provenance),
    List(Vec<Provenance>),
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

/// Adds `entry` to a provenance list unless the list already has it; whether
/// it was added. Facts are recorded article by article, so an equal entry
/// can only be in the trailing run of entries of the same source, and that
/// run is kept in ascending order: an article's mentions arrive in text
/// order, so nearly every entry is checked against the last one alone (a
/// hub named thousands of times in one long article stays linear); one
/// that arrives out of order is placed by a binary search of the run.
pub(crate) fn push_provenance(list: &mut Vec<Provenance>, entry: Provenance) -> bool {
    match list.last() {
        Some(last) if *last == entry => return false,
        Some(last) if last.source != entry.source || *last < entry => {
            list.push(entry);
            return true;
        }
        None => {
            list.push(entry);
            return true;
        }
        Some(_) => {}
    }
    let run_start = list.len()
        - list
            .iter()
            .rev()
            .take_while(|p| p.source == entry.source)
            .count();
    match list[run_start..].binary_search(&entry) {
        Ok(_) => false,
        Err(at) => {
            list.insert(run_start + at, entry);
            true
        }
    }
}
