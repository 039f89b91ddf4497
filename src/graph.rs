//! The property graph: nodes with a set of labels and properties,
//! relationships with one type and properties, each with the provenance of
//! the text it came from.
//!
//! `Graph` wraps a private petgraph `StableDiGraph` (so deleting an element
//! never renumbers the others) whose weights are compact records: labels,
//! types and property keys are interned ids, properties a sorted list, and
//! provenance a list of (source node, sentence, span) entries. Indexes by
//! label, relationship type, folded name and a few property keys are kept
//! in step with every change. It knows nothing of news or of Cypher: the
//! [`Schema`] a caller hands it says under which property names provenance
//! reads (an article, a sentence, the sentence's text).

mod change;
mod element;
pub mod fold;
mod index;
mod intern;
mod schema;
mod text;
pub mod value;
mod verify;
mod view;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use roaring::RoaringBitmap;
use rustc_hash::FxHashMap;

pub use change::Change;
pub use element::{Node, NodeData, Provenance, ProvenanceList, Rel, RelData};
pub use fold::fold;
pub use intern::Symbol;
pub use schema::{ProvenanceKeys, Schema};
pub use value::{Date, Value};
pub use view::{NodeRef, RelRef};

pub(crate) use element::{Props, PropsRef, ProvenanceIn};
use index::{hash_of, HashIndex};
use intern::Interner;
pub(crate) use text::PackedText;

/// Property keys whose string and integer values are indexed, so a pattern
/// anchored on one of them starts from the index instead of a scan.
pub const INDEXED_KEYS: [&str; 3] = ["name", "title", "id"];

/// Identifies a node for the life of the graph (ids of deleted nodes may be
/// reused by later ones, as in other graph databases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// Identifies a relationship for the life of the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for RelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which relationships of a node to walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Relationships that start at the node.
    Outgoing,
    /// Relationships that end at the node.
    Incoming,
    /// Both; a self-loop is reported once.
    Both,
}

/// A relationship as seen from one of its nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjacent {
    pub rel: RelId,
    pub start: NodeId,
    pub end: NodeId,
}

impl Adjacent {
    /// The node at the other end from `from` (itself for a self-loop).
    pub fn other(&self, from: NodeId) -> NodeId {
        if self.start == from {
            self.end
        } else {
            self.start
        }
    }
}

/// Why the graph refused a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// A node id that is not (or no longer) in the graph.
    #[error("node {0} does not exist")]
    NoSuchNode(NodeId),
    /// A relationship id that is not (or no longer) in the graph.
    #[error("relationship {0} does not exist")]
    NoSuchRel(RelId),
    /// Deleting a node that still has relationships without DETACH.
    #[error("node {0} still has relationships; delete them first or use DETACH DELETE")]
    NodeHasRelationships(NodeId),
    /// Two elements with one id when rebuilding a saved graph.
    #[error("{0} appears twice")]
    DuplicateId(String),
    /// An id far beyond the number of elements when rebuilding a saved graph.
    #[error("{0} has an id out of range")]
    IdOutOfRange(String),
    /// A logged change that does not fit the graph it is replayed on.
    #[error("{0}")]
    ReplayMismatch(String),
}

/// The in-memory property graph with its indexes.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    inner: StableDiGraph<Node, Rel, u32>,
    labels: Interner,
    types: Interner,
    keys: Interner,
    schema: Schema,
    /// Per label id, the ids of the nodes carrying it (compressed
    /// bitmaps: ids are dense, so a member costs bits, not a tree entry).
    by_label: Vec<RoaringBitmap>,
    /// Per type id, the ids of the relationships of that type.
    by_type: Vec<RoaringBitmap>,
    /// Folded `name`, `title` and `aliases` → nodes.
    by_folded_name: HashIndex,
    /// (key, value) of the [`INDEXED_KEYS`] → nodes.
    by_property: HashIndex,
    /// Sentence byte spans of the nodes that are provenance sources, so a
    /// fact's evidence is read from the source text, never copied.
    sentences: FxHashMap<NodeId, Box<[(u32, u32)]>>,
    /// The schema's `source_text` property of each node that has one as a
    /// string, compressed (`text`): the articles' text is the largest thing
    /// the graph holds and is read only for evidence. Such a node never
    /// holds that key in its `props` as well.
    texts: FxHashMap<NodeId, PackedText>,
    /// Bumped by every mutation, so callers can tell whether to save.
    changes: u64,
    /// Every change since the last `take_changes`, while recording (`change`).
    journal: Option<Vec<Change>>,
    /// An element was removed since the graph was built: petgraph's free
    /// slots may then be in an order a graph read from a file does not have.
    removed_since_built: bool,
}

/// The hashable form of an indexed property value.
#[derive(Hash)]
enum IndexKey<'a> {
    String(&'a str),
    Int(i64),
}

impl IndexKey<'_> {
    fn of(value: &Value) -> Option<IndexKey<'_>> {
        match value {
            Value::String(s) => Some(IndexKey::String(s)),
            Value::Int(i) => Some(IndexKey::Int(*i)),
            _ => None,
        }
    }
}

fn node_index(id: NodeId) -> NodeIndex<u32> {
    NodeIndex::new(id.0 as usize)
}

fn edge_index(id: RelId) -> EdgeIndex<u32> {
    EdgeIndex::new(id.0 as usize)
}

fn node_id(index: NodeIndex<u32>) -> NodeId {
    NodeId(index.index() as u32)
}

fn rel_id(index: EdgeIndex<u32>) -> RelId {
    RelId(index.index() as u32)
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// An empty graph that reads provenance as `schema` says.
    pub fn with_schema(schema: Schema) -> Graph {
        Graph {
            schema,
            ..Graph::default()
        }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Sets how provenance reads as properties (no element changes).
    pub fn set_schema(&mut self, schema: Schema) {
        if self.schema != schema {
            self.changes += 1;
            self.unpack_texts();
            self.schema = schema;
            self.pack_texts();
            self.journal(|g| Change::SetSchema(g.schema.clone()));
        }
    }

    /// A counter that grows with every change to the graph: equal counts
    /// mean nothing changed in between.
    pub fn change_count(&self) -> u64 {
        self.changes
    }

    pub fn node_count(&self) -> usize {
        self.inner.node_count()
    }

    pub fn rel_count(&self) -> usize {
        self.inner.edge_count()
    }

    /// Adds a node and indexes it.
    pub fn add_node<L, S>(&mut self, labels: L, properties: BTreeMap<String, Value>) -> NodeId
    where
        L: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let node = Node::new(
            self.label_ids(labels),
            self.props_of(properties),
            Vec::new(),
        );
        let id = self.insert_stored_node(node);
        self.journal_added_node(id);
        id
    }

    /// Adds a node given in owned form (labels, properties, provenance).
    pub fn insert_node(&mut self, data: NodeData) -> NodeId {
        let node = Node::new(
            self.label_ids(&data.labels),
            self.props_of(data.properties),
            data.provenance,
        );
        let id = self.insert_stored_node(node);
        if !data.sentences.is_empty() {
            self.sentences.insert(id, data.sentences.into_boxed_slice());
        }
        self.journal_added_node(id);
        id
    }

    fn journal_added_node(&mut self, id: NodeId) {
        self.journal(|g| {
            let mut data = g
                .inner
                .node_weight(node_index(id))
                .map(|node| g.node_data(id, node))
                .unwrap_or_default();
            if let Some(sentences) = g.sentences.get(&id) {
                data.sentences = sentences.to_vec();
            }
            Change::AddNode { id, data }
        });
    }

    fn insert_stored_node(&mut self, node: Node) -> NodeId {
        self.changes += 1;
        let id = node_id(self.inner.add_node(node));
        self.pack_text(id);
        self.index_node(id);
        id
    }

    /// The key id of the text the schema's sources hold, when a text can
    /// be packed under it: never a key the indexes read from `props`.
    fn text_key(&self) -> Option<Symbol> {
        let key = &self.schema.provenance.as_ref()?.source_text;
        let indexed =
            INDEXED_KEYS.contains(&key.as_str()) || ["aliases", "title"].contains(&key.as_str());
        (!indexed).then(|| self.keys.get(key)).flatten()
    }

    /// Moves a node's text property out of its `props` into `texts`,
    /// compressed (a text that is not a string stays where it is).
    fn pack_text(&mut self, id: NodeId) {
        let Some(key) = self.text_key() else {
            return;
        };
        let Some(node) = self.inner.node_weight_mut(node_index(id)) else {
            return;
        };
        if !matches!(node.props().get(key), Some(Value::String(_))) {
            return;
        }
        if let Some(Value::String(text)) = node.props.set(key, Value::Null) {
            self.texts.insert(id, PackedText::pack(text));
        }
    }

    /// A node's packed text, unpacked and taken back into its `props`
    /// (before a change that may replace it); the text, if any.
    fn unpack_text(&mut self, id: NodeId) -> Option<Value> {
        let packed = self.texts.remove(&id)?;
        let key = self.text_key()?;
        let text = Value::String(packed.unpack()?);
        let node = self.inner.node_weight_mut(node_index(id))?;
        node.props.set(key, text.clone());
        Some(text)
    }

    /// Every packed text back in its node's `props` (before the schema
    /// names another text key).
    fn unpack_texts(&mut self) {
        let ids: Vec<NodeId> = self.texts.keys().copied().collect();
        for id in ids {
            self.unpack_text(id);
        }
    }

    fn pack_texts(&mut self) {
        let ids: Vec<NodeId> = self.node_ids().collect();
        for id in ids {
            self.pack_text(id);
        }
    }

    /// A node's text under the schema's `source_text` key, when packed.
    pub(crate) fn packed_text(&self, id: NodeId) -> Option<Value> {
        self.texts.get(&id)?.unpack().map(Value::String)
    }

    /// A node's packed text as held (for the file format).
    pub(crate) fn packed(&self, id: NodeId) -> Option<&PackedText> {
        self.texts.get(&id)
    }

    fn label_ids<L, S>(&mut self, labels: L) -> Vec<Symbol>
    where
        L: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        labels
            .into_iter()
            .map(|l| self.labels.intern(l.as_ref()))
            .collect()
    }

    fn props_of(&mut self, properties: BTreeMap<String, Value>) -> Props {
        Props::new(
            properties
                .into_iter()
                .filter(|(_, v)| *v != Value::Null)
                .map(|(k, v)| (self.keys.intern(&k), v))
                .collect(),
        )
    }

    /// Adds a relationship between two existing nodes.
    pub fn add_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: &str,
        properties: BTreeMap<String, Value>,
    ) -> Result<RelId, GraphError> {
        self.insert_rel(
            start,
            end,
            RelData {
                rel_type: rel_type.to_string(),
                properties,
                provenance: Vec::new(),
            },
        )
    }

    /// Adds a relationship given in owned form between two existing nodes.
    pub fn insert_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        data: RelData,
    ) -> Result<RelId, GraphError> {
        let rel = Rel::new(
            self.types.intern(&data.rel_type),
            self.props_of(data.properties),
            data.provenance,
        );
        self.insert_stored_rel(start, end, rel)
    }

    /// Adds a relationship read from text: no properties but its
    /// provenance, which is where its `article`, `sentence` and `evidence`
    /// are read from.
    pub fn add_fact(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: &str,
        provenance: Provenance,
    ) -> Result<RelId, GraphError> {
        let rel = Rel::new(
            self.types.intern(rel_type),
            Props::default(),
            vec![provenance],
        );
        self.insert_stored_rel(start, end, rel)
    }

    fn insert_stored_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel: Rel,
    ) -> Result<RelId, GraphError> {
        self.require_node(start)?;
        self.require_node(end)?;
        self.changes += 1;
        let rel_type = rel.rel_type() as usize;
        let id = rel_id(self.inner.add_edge(node_index(start), node_index(end), rel));
        if self.by_type.len() <= rel_type {
            self.by_type.resize_with(rel_type + 1, RoaringBitmap::new);
        }
        self.by_type[rel_type].insert(id.0);
        self.journal(|g| {
            let data = g
                .inner
                .edge_weight(edge_index(id))
                .map(|rel| g.rel_data(rel))
                .unwrap_or_default();
            Change::AddRel {
                id,
                start,
                end,
                data,
            }
        });
        Ok(id)
    }

    /// A node, seen through the graph (labels and keys by name, provenance
    /// read as properties).
    pub fn node(&self, id: NodeId) -> Option<NodeRef<'_>> {
        self.inner
            .node_weight(node_index(id))
            .map(|node| NodeRef::new(self, id, node))
    }

    /// A relationship, seen through the graph.
    pub fn rel(&self, id: RelId) -> Option<RelRef<'_>> {
        let rel = self.inner.edge_weight(edge_index(id))?;
        Some(RelRef::new(self, id, rel))
    }

    pub fn contains_node(&self, id: NodeId) -> bool {
        self.inner.contains_node(node_index(id))
    }

    pub fn contains_rel(&self, id: RelId) -> bool {
        self.inner.edge_weight(edge_index(id)).is_some()
    }

    /// Start and end node of a relationship.
    pub fn endpoints(&self, id: RelId) -> Option<(NodeId, NodeId)> {
        self.inner
            .edge_endpoints(edge_index(id))
            .map(|(a, b)| (node_id(a), node_id(b)))
    }

    /// All node ids, ascending.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.inner.node_indices().map(node_id)
    }

    /// All relationship ids, ascending.
    pub fn rel_ids(&self) -> impl Iterator<Item = RelId> + '_ {
        self.inner.edge_indices().map(rel_id)
    }

    /// Nodes carrying a label, ascending by id.
    pub fn nodes_with_label<'a>(&'a self, label: &str) -> impl Iterator<Item = NodeId> + 'a {
        self.labels
            .get(label)
            .and_then(|l| self.by_label.get(l as usize))
            .into_iter()
            .flatten()
            .map(NodeId)
    }

    /// Number of nodes carrying a label.
    pub fn label_count(&self, label: &str) -> usize {
        self.labels
            .get(label)
            .and_then(|l| self.by_label.get(l as usize))
            .map_or(0, |ids| ids.len() as usize)
    }

    /// Whether a node carries a label.
    pub fn has_label(&self, id: NodeId, label: &str) -> bool {
        match (
            self.inner.node_weight(node_index(id)),
            self.labels.get(label),
        ) {
            (Some(node), Some(label)) => node.has_label(label),
            _ => false,
        }
    }

    /// Relationships of a type, ascending by id.
    pub fn rels_with_type<'a>(&'a self, rel_type: &str) -> impl Iterator<Item = RelId> + 'a {
        self.types
            .get(rel_type)
            .and_then(|t| self.by_type.get(t as usize))
            .into_iter()
            .flatten()
            .map(RelId)
    }

    /// Node count per label, sorted by label.
    pub fn label_counts(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = self
            .by_label
            .iter()
            .enumerate()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(l, ids)| {
                (
                    self.labels.name(l as Symbol).to_string(),
                    ids.len() as usize,
                )
            })
            .collect();
        counts.sort();
        counts
    }

    /// Relationship count per type, sorted by type.
    pub fn type_counts(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = self
            .by_type
            .iter()
            .enumerate()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(t, ids)| (self.types.name(t as Symbol).to_string(), ids.len() as usize))
            .collect();
        counts.sort();
        counts
    }

    /// Nodes whose `name`, `title` or one of whose `aliases` folds to the
    /// same key as `name` (case- and diacritics-insensitive), ascending by id.
    pub fn nodes_by_folded_name(&self, name: &str) -> Vec<NodeId> {
        let key = fold(name);
        self.by_folded_name
            .get(hash_of(&key))
            .iter()
            .copied()
            .filter(|&id| {
                self.inner
                    .node_weight(node_index(id))
                    .is_some_and(|node| self.folded_names(node).contains(&key))
            })
            .collect()
    }

    /// Nodes whose property `key` equals `value`, from the index; `None` when
    /// `key` is not indexed or the value is not indexable (then scan).
    pub fn nodes_by_property(&self, key: &str, value: &Value) -> Option<Vec<NodeId>> {
        if !INDEXED_KEYS.contains(&key) {
            return None;
        }
        let index_key = IndexKey::of(value)?;
        let Some(key_id) = self.keys.get(key) else {
            return Some(Vec::new());
        };
        Some(
            self.by_property
                .get(hash_of(&(key_id, index_key)))
                .iter()
                .copied()
                .filter(|&id| {
                    self.inner
                        .node_weight(node_index(id))
                        .and_then(|node| node.props().get(key_id))
                        == Some(value)
                })
                .collect(),
        )
    }

    /// The relationships at a node, in the given direction, ordered by id.
    pub fn adjacent(&self, id: NodeId, direction: Direction) -> Vec<Adjacent> {
        let mut out: Vec<Adjacent> = self.edges(id, direction).collect();
        out.sort_by_key(|a| a.rel);
        out
    }

    /// The relationships at a node in the given direction, in no set order,
    /// without allocating.
    pub fn edges(&self, id: NodeId, direction: Direction) -> impl Iterator<Item = Adjacent> + '_ {
        let index = node_index(id);
        let present = self.inner.contains_node(index);
        let to_adjacent = |e: petgraph::stable_graph::EdgeReference<'_, Rel, u32>| Adjacent {
            rel: rel_id(e.id()),
            start: node_id(e.source()),
            end: node_id(e.target()),
        };
        let outgoing = matches!(direction, Direction::Outgoing | Direction::Both) && present;
        let incoming = matches!(direction, Direction::Incoming | Direction::Both) && present;
        let both = direction == Direction::Both;
        let out_edges = outgoing
            .then(|| {
                self.inner
                    .edges_directed(index, petgraph::Direction::Outgoing)
            })
            .into_iter()
            .flatten()
            .map(to_adjacent);
        let in_edges = incoming
            .then(|| {
                self.inner
                    .edges_directed(index, petgraph::Direction::Incoming)
            })
            .into_iter()
            .flatten()
            // a self-loop was already reported as outgoing
            .filter(move |e| !(both && e.source() == e.target()))
            .map(to_adjacent);
        out_edges.chain(in_edges)
    }

    /// A relationship of one type from `start` to `end`, if any. Walks the
    /// start's outgoing and the end's incoming lists in turn, so the cost is
    /// that of the shorter list: linking a new event to a country that is
    /// in every article reads the event's few relationships, not the
    /// country's thousands.
    pub fn find_rel(&self, start: NodeId, end: NodeId, rel_type: &str) -> Option<RelId> {
        let type_id = self.types.get(rel_type)?;
        let (from, to) = (node_index(start), node_index(end));
        if !self.inner.contains_node(from) || !self.inner.contains_node(to) {
            return None;
        }
        let fits = |e: &petgraph::stable_graph::EdgeReference<'_, Rel, u32>| {
            e.source() == from && e.target() == to && e.weight().rel_type() == type_id
        };
        let mut outgoing = self
            .inner
            .edges_directed(from, petgraph::Direction::Outgoing);
        let mut incoming = self.inner.edges_directed(to, petgraph::Direction::Incoming);
        loop {
            // every such relationship is on both lists: the first list to
            // run out without one proves there is none
            match outgoing.next() {
                Some(e) if fits(&e) => return Some(rel_id(e.id())),
                Some(_) => {}
                None => return None,
            }
            match incoming.next() {
                Some(e) if fits(&e) => return Some(rel_id(e.id())),
                Some(_) => {}
                None => return None,
            }
        }
    }

    /// Number of relationships at a node (a self-loop counts once).
    pub fn degree(&self, id: NodeId) -> usize {
        self.edges(id, Direction::Both).count()
    }

    /// Sets (or, with `Value::Null`, removes) a node property.
    /// Returns the previous value.
    pub fn set_node_property(
        &mut self,
        id: NodeId,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>, GraphError> {
        self.require_node(id)?;
        let key_id = self.keys.intern(key);
        self.unindex_node(id);
        self.journal(|_| Change::SetNodeProperty {
            id,
            key: key.to_string(),
            value: value.clone(),
        });
        // only a change of the text itself unpacks it (the old text is the
        // previous value) and packs the new one
        let of_text = self.text_key() == Some(key_id);
        if of_text {
            self.unpack_text(id);
        }
        let previous = self.node_mut(id)?.props.set(key_id, value);
        if of_text {
            self.pack_text(id);
        }
        self.index_node(id);
        Ok(previous)
    }

    /// Replaces all properties of a node.
    pub fn replace_node_properties(
        &mut self,
        id: NodeId,
        properties: BTreeMap<String, Value>,
    ) -> Result<(), GraphError> {
        self.require_node(id)?;
        self.journal(|_| Change::ReplaceNodeProperties {
            id,
            properties: properties.clone(),
        });
        let props = self.props_of(properties);
        self.unindex_node(id);
        self.texts.remove(&id);
        self.node_mut(id)?.props = props;
        self.pack_text(id);
        self.index_node(id);
        Ok(())
    }

    /// Adds a label; returns whether it was new on this node.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        self.require_node(id)?;
        let label = self.labels.intern(label);
        if !self.node_mut(id)?.set_label(label, true) {
            return Ok(false);
        }
        self.label_set(label).insert(id.0);
        self.journal(|g| Change::AddLabel {
            id,
            label: g.labels.name(label).to_string(),
        });
        Ok(true)
    }

    /// Removes a label; returns whether the node had it.
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        self.require_node(id)?;
        let Some(label) = self.labels.get(label) else {
            return Ok(false);
        };
        if !self.node_mut(id)?.set_label(label, false) {
            return Ok(false);
        }
        self.label_set(label).remove(id.0);
        self.journal(|g| Change::RemoveLabel {
            id,
            label: g.labels.name(label).to_string(),
        });
        Ok(true)
    }

    fn label_set(&mut self, label: Symbol) -> &mut RoaringBitmap {
        let at = label as usize;
        if self.by_label.len() <= at {
            self.by_label.resize_with(at + 1, RoaringBitmap::new);
        }
        &mut self.by_label[at]
    }

    /// Records where a node was read; returns whether the entry was new.
    pub fn add_node_provenance(
        &mut self,
        id: NodeId,
        provenance: Provenance,
    ) -> Result<bool, GraphError> {
        let added = self.node_mut(id)?.push_provenance(provenance);
        if added {
            self.journal(|_| Change::AddNodeProvenance { id, provenance });
        }
        Ok(added)
    }

    /// Records where a relationship was read; returns whether the entry was
    /// new (a fact restated by another article gains an entry).
    pub fn add_rel_provenance(
        &mut self,
        id: RelId,
        provenance: Provenance,
    ) -> Result<bool, GraphError> {
        let added = self.rel_mut(id)?.push_provenance(provenance);
        if added {
            self.journal(|_| Change::AddRelProvenance { id, provenance });
        }
        Ok(added)
    }

    /// Declares a node a provenance source whose text property (the
    /// schema's `source_text`) is split into sentences at these byte spans.
    pub fn set_source_sentences(
        &mut self,
        id: NodeId,
        sentences: Vec<(u32, u32)>,
    ) -> Result<(), GraphError> {
        self.require_node(id)?;
        self.changes += 1;
        self.journal(|_| Change::SetSourceSentences {
            id,
            sentences: sentences.clone(),
        });
        self.sentences.insert(id, sentences.into_boxed_slice());
        Ok(())
    }

    /// The sentence spans of a source node.
    pub fn source_sentences(&self, id: NodeId) -> Option<&[(u32, u32)]> {
        self.sentences.get(&id).map(|s| &**s)
    }

    /// The text of the sentence a provenance entry points at, trimmed.
    pub fn evidence_text(&self, provenance: &Provenance) -> Option<String> {
        let &(start, end) = self
            .sentences
            .get(&provenance.source)?
            .get(provenance.sentence as usize)?;
        let sentence = |text: &str| {
            text.get(start as usize..end as usize)
                .map(|sentence| sentence.trim().to_string())
        };
        if let Some(packed) = self.texts.get(&provenance.source) {
            return packed.with_text(sentence).flatten();
        }
        sentence(&self.source_text(provenance.source)?)
    }

    /// The text of a source node (its `source_text` property).
    pub fn source_text(&self, source: NodeId) -> Option<String> {
        if let Some(packed) = self.texts.get(&source) {
            return packed.unpack();
        }
        let key = self
            .keys
            .get(&self.schema.provenance.as_ref()?.source_text)?;
        let node = self.inner.node_weight(node_index(source))?;
        node.props().get(key)?.as_str().map(str::to_string)
    }

    /// The value a provenance list gives for property `key` under the
    /// schema, when `key` is one of its provenance keys and no property of
    /// that name is stored.
    pub(crate) fn provenance_property(
        &self,
        rel_type: Option<Symbol>,
        provenance: &[Provenance],
        key: &str,
    ) -> Option<Value> {
        let keys = self.schema.provenance.as_ref()?;
        let first = provenance.first()?;
        if key == keys.source {
            let source = self.inner.node_weight(node_index(first.source))?;
            source.props().get(self.keys.get(&keys.source_id)?).cloned()
        } else if key == keys.sentence {
            (first.sentence != Provenance::NO_SENTENCE)
                .then(|| Value::Int(i64::from(first.sentence)))
        } else if key == keys.evidence {
            self.evidence_text(first).map(Value::String)
        } else if self.summarises(rel_type) {
            let same_source = provenance.iter().take_while(|p| p.source == first.source);
            if key == keys.sentences {
                let sentences: BTreeSet<u32> = same_source
                    .map(|p| p.sentence)
                    .filter(|&s| s != Provenance::NO_SENTENCE)
                    .collect();
                Some(Value::List(
                    sentences
                        .into_iter()
                        .map(|s| Value::Int(i64::from(s)))
                        .collect(),
                ))
            } else if key == keys.count {
                Some(Value::Int(same_source.count() as i64))
            } else {
                None
            }
        } else {
            None
        }
    }

    /// The keys a provenance list may show, in no order; those whose value
    /// the list does not give (no sentence, no text) are left out by
    /// [`Graph::provenance_property`].
    pub(crate) fn provenance_keys(
        &self,
        rel_type: Option<Symbol>,
        provenance: &[Provenance],
    ) -> Vec<&str> {
        let Some(keys) = self.schema.provenance.as_ref() else {
            return Vec::new();
        };
        if provenance.is_empty() {
            return Vec::new();
        }
        let mut out = vec![
            keys.source.as_str(),
            keys.sentence.as_str(),
            keys.evidence.as_str(),
        ];
        if self.summarises(rel_type) {
            out.push(keys.sentences.as_str());
            out.push(keys.count.as_str());
        }
        out
    }

    fn summarises(&self, rel_type: Option<Symbol>) -> bool {
        let Some(keys) = self.schema.provenance.as_ref() else {
            return false;
        };
        rel_type.is_some_and(|t| keys.summary_types.iter().any(|s| s == self.types.name(t)))
    }

    /// Sets (or, with `Value::Null`, removes) a relationship property.
    /// Returns the previous value.
    pub fn set_rel_property(
        &mut self,
        id: RelId,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>, GraphError> {
        if !self.contains_rel(id) {
            return Err(GraphError::NoSuchRel(id));
        }
        let key_id = self.keys.intern(key);
        self.journal(|_| Change::SetRelProperty {
            id,
            key: key.to_string(),
            value: value.clone(),
        });
        Ok(self.rel_mut(id)?.set_prop(key_id, value))
    }

    /// Replaces all properties of a relationship.
    pub fn replace_rel_properties(
        &mut self,
        id: RelId,
        properties: BTreeMap<String, Value>,
    ) -> Result<(), GraphError> {
        if !self.contains_rel(id) {
            return Err(GraphError::NoSuchRel(id));
        }
        self.journal(|_| Change::ReplaceRelProperties {
            id,
            properties: properties.clone(),
        });
        let props = self.props_of(properties);
        self.rel_mut(id)?.replace_props(props);
        Ok(())
    }

    /// Removes a relationship and returns it in owned form.
    pub fn remove_rel(&mut self, id: RelId) -> Result<RelData, GraphError> {
        let rel = self
            .inner
            .remove_edge(edge_index(id))
            .ok_or(GraphError::NoSuchRel(id))?;
        self.changes += 1;
        if let Some(ids) = self.by_type.get_mut(rel.rel_type() as usize) {
            ids.remove(id.0);
        }
        self.journal(|_| Change::RemoveRel(id));
        self.removed_since_built = true;
        Ok(self.rel_data(&rel))
    }

    /// Removes a node that has no relationships and returns it in owned form.
    pub fn remove_node(&mut self, id: NodeId) -> Result<NodeData, GraphError> {
        self.require_node(id)?;
        if self.degree(id) > 0 {
            return Err(GraphError::NodeHasRelationships(id));
        }
        self.changes += 1;
        self.unindex_node(id);
        self.unpack_text(id);
        let node = self
            .inner
            .remove_node(node_index(id))
            .ok_or(GraphError::NoSuchNode(id))?;
        self.journal(|_| Change::RemoveNode(id));
        self.removed_since_built = true;
        let mut data = self.node_data(id, &node);
        // the sentences split the node's text: a deleted source takes them
        // along (and gives them back if it is restored)
        if let Some(sentences) = self.sentences.remove(&id) {
            data.sentences = sentences.into_vec();
        }
        Ok(data)
    }

    /// Removes a node with all its relationships and returns the node.
    pub fn detach_remove_node(&mut self, id: NodeId) -> Result<NodeData, GraphError> {
        self.require_node(id)?;
        let rels: Vec<RelId> = self.edges(id, Direction::Both).map(|a| a.rel).collect();
        for rel in rels {
            self.remove_rel(rel)?;
        }
        self.remove_node(id)
    }

    /// A stored node in owned form (stored properties only, its packed
    /// text among them).
    pub(crate) fn node_data(&self, id: NodeId, node: &Node) -> NodeData {
        let mut labels: Vec<String> = node
            .labels()
            .iter()
            .map(|&l| self.labels.name(l).to_string())
            .collect();
        labels.sort_unstable();
        let mut properties: BTreeMap<String, Value> = node
            .props()
            .iter()
            .map(|(k, v)| (self.keys.name(k).to_string(), v.clone()))
            .collect();
        if let (Some(text), Some(keys)) = (self.packed_text(id), &self.schema.provenance) {
            properties.insert(keys.source_text.clone(), text);
        }
        NodeData {
            labels,
            properties,
            provenance: node.provenance().to_vec(),
            sentences: Vec::new(),
        }
    }

    /// A stored relationship in owned form (stored properties only).
    pub(crate) fn rel_data(&self, rel: &Rel) -> RelData {
        RelData {
            rel_type: self.types.name(rel.rel_type()).to_string(),
            properties: rel
                .props()
                .iter()
                .map(|(k, v)| (self.keys.name(k).to_string(), v.clone()))
                .collect(),
            provenance: rel.provenance().to_vec(),
        }
    }

    /// Rebuilds a graph from its elements keeping their ids (used when
    /// loading a saved graph), and rebuilds every index.
    ///
    /// Fails when two elements share an id or a relationship names a node
    /// that is not given.
    pub fn from_elements(
        schema: Schema,
        nodes: Vec<(NodeId, NodeData)>,
        rels: Vec<(RelId, NodeId, NodeId, RelData)>,
    ) -> Result<Graph, GraphError> {
        let (mut nodes, mut rels) = (nodes, rels);
        nodes.sort_by_key(|(id, _)| *id);
        rels.sort_by_key(|(id, ..)| *id);
        let mut builder = GraphBuilder::new(schema);
        for (id, data) in nodes {
            let node = Node::new(
                builder.graph.label_ids(&data.labels),
                builder.graph.props_of(data.properties),
                data.provenance,
            );
            builder.node(id, node)?;
            if !data.sentences.is_empty() {
                builder.sources.push((id, data.sentences));
            }
        }
        for (id, start, end, data) in rels {
            let rel = Rel::new(
                builder.graph.types.intern(&data.rel_type),
                builder.graph.props_of(data.properties),
                data.provenance,
            );
            builder.rel(id, start, end, rel)?;
        }
        builder.finish()
    }

    fn require_node(&self, id: NodeId) -> Result<(), GraphError> {
        if self.contains_node(id) {
            Ok(())
        } else {
            Err(GraphError::NoSuchNode(id))
        }
    }

    fn node_mut(&mut self, id: NodeId) -> Result<&mut Node, GraphError> {
        self.changes += 1;
        self.inner
            .node_weight_mut(node_index(id))
            .ok_or(GraphError::NoSuchNode(id))
    }

    fn rel_mut(&mut self, id: RelId) -> Result<&mut Rel, GraphError> {
        self.changes += 1;
        self.inner
            .edge_weight_mut(edge_index(id))
            .ok_or(GraphError::NoSuchRel(id))
    }

    /// The folded keys a node is found under by name: its `name`, its
    /// `title` (roles) and each string of its `aliases` list.
    fn folded_names(&self, node: &Node) -> Vec<String> {
        let mut names = Vec::new();
        for key in ["name", "title"] {
            if let Some(Value::String(text)) = self.keys.get(key).and_then(|k| node.props().get(k))
            {
                names.push(fold(text));
            }
        }
        if let Some(Value::List(aliases)) =
            self.keys.get("aliases").and_then(|k| node.props().get(k))
        {
            names.extend(aliases.iter().filter_map(Value::as_str).map(fold));
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The hashes a node is found under in the value indexes: its folded
    /// names (as `folded_names` gives them, folded into one reused buffer
    /// and never collected as strings: this runs for every node of a load)
    /// and its indexed property values.
    fn index_entries(&self, id: NodeId) -> (Vec<u64>, [Option<u64>; INDEXED_KEYS.len()]) {
        let mut properties = [None; INDEXED_KEYS.len()];
        let Some(node) = self.inner.node_weight(node_index(id)) else {
            return (Vec::new(), properties);
        };
        let mut names = Vec::new();
        let mut folded = String::new();
        let mut add = |text: &str| {
            folded.clear();
            fold::fold_into(text, &mut folded);
            names.push(hash_of(&folded.as_str()));
        };
        for key in ["name", "title"] {
            if let Some(Value::String(text)) = self.keys.get(key).and_then(|k| node.props().get(k))
            {
                add(text);
            }
        }
        if let Some(Value::List(aliases)) =
            self.keys.get("aliases").and_then(|k| node.props().get(k))
        {
            aliases.iter().filter_map(Value::as_str).for_each(&mut add);
        }
        names.sort_unstable();
        names.dedup();
        for (slot, key) in properties.iter_mut().zip(INDEXED_KEYS) {
            *slot = self.keys.get(key).and_then(|key_id| {
                let value = IndexKey::of(node.props().get(key_id)?)?;
                Some(hash_of(&(key_id, value)))
            });
        }
        (names, properties)
    }

    fn index_node(&mut self, id: NodeId) {
        let Some(count) = self
            .inner
            .node_weight(node_index(id))
            .map(|n| n.labels().len())
        else {
            return;
        };
        for at in 0..count {
            let label = self.inner[node_index(id)].labels()[at];
            self.label_set(label).insert(id.0);
        }
        let (names, properties) = self.index_entries(id);
        for hash in names {
            self.by_folded_name.insert(hash, id);
        }
        for hash in properties.into_iter().flatten() {
            self.by_property.insert(hash, id);
        }
    }

    fn unindex_node(&mut self, id: NodeId) {
        let Some(count) = self
            .inner
            .node_weight(node_index(id))
            .map(|n| n.labels().len())
        else {
            return;
        };
        for at in 0..count {
            let label = self.inner[node_index(id)].labels()[at];
            self.label_set(label).remove(id.0);
        }
        let (names, properties) = self.index_entries(id);
        for hash in names {
            self.by_folded_name.remove(hash, id);
        }
        for hash in properties.into_iter().flatten() {
            self.by_property.remove(hash, id);
        }
    }

    /// The interned id of a label, if any node ever carried it. Ids never
    /// change once given, so a query can resolve its names once.
    pub fn label_id(&self, label: &str) -> Option<Symbol> {
        self.labels.get(label)
    }

    /// The interned id of a relationship type, if it was ever used.
    pub fn type_id(&self, rel_type: &str) -> Option<Symbol> {
        self.types.get(rel_type)
    }

    /// The interned id of a property key, if it was ever stored.
    pub fn key_id(&self, key: &str) -> Option<Symbol> {
        self.keys.get(key)
    }

    /// Stored view of a property by key name, for `view`.
    pub(crate) fn stored_property<'a>(&self, props: PropsRef<'a>, key: &str) -> Option<&'a Value> {
        props.get(self.keys.get(key)?)
    }

    pub(crate) fn key_name(&self, key: Symbol) -> &str {
        self.keys.name(key)
    }

    pub(crate) fn label_name(&self, label: Symbol) -> &str {
        self.labels.name(label)
    }

    pub(crate) fn type_name(&self, rel_type: Symbol) -> &str {
        self.types.name(rel_type)
    }
}

/// What the file format reads of a graph: its name tables and stored
/// records, interned ids and all (so saving copies nothing).
impl Graph {
    pub(crate) fn label_names(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.labels.names()
    }

    pub(crate) fn type_names(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.types.names()
    }

    pub(crate) fn key_names(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.keys.names()
    }

    pub(crate) fn stored_nodes(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        self.inner
            .node_indices()
            .filter_map(|i| Some((node_id(i), self.inner.node_weight(i)?)))
    }

    pub(crate) fn stored_rels(&self) -> impl Iterator<Item = (RelId, NodeId, NodeId, &Rel)> {
        self.inner.edge_indices().filter_map(|i| {
            let (a, b) = self.inner.edge_endpoints(i)?;
            Some((
                rel_id(i),
                node_id(a),
                node_id(b),
                self.inner.edge_weight(i)?,
            ))
        })
    }
}

/// Rebuilds a graph from elements with given ids (loading a file), in
/// ascending id order, nodes before relationships: each goes straight into
/// its slot, so no second copy is held. Ids skipped become holes (empty
/// slots removed at the end), so ids are kept exactly.
pub(crate) struct GraphBuilder {
    graph: Graph,
    /// Node slots that are holes, ascending.
    node_holes: Vec<NodeId>,
    rel_holes: Vec<RelId>,
    sources: Vec<(NodeId, Vec<(u32, u32)>)>,
}

impl GraphBuilder {
    fn new(schema: Schema) -> GraphBuilder {
        GraphBuilder {
            graph: Graph::with_schema(schema),
            node_holes: Vec::new(),
            rel_holes: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// A builder whose elements name labels, types and keys by their
    /// index in these tables (as the file format stores them).
    pub(crate) fn with_names(
        schema: Schema,
        labels: &[String],
        types: &[String],
        keys: &[String],
    ) -> Result<GraphBuilder, String> {
        let mut builder = GraphBuilder::new(schema);
        for (table, names) in [
            (&mut builder.graph.labels, labels),
            (&mut builder.graph.types, types),
            (&mut builder.graph.keys, keys),
        ] {
            for (at, name) in names.iter().enumerate() {
                if table.intern(name) as usize != at {
                    return Err(format!("the name {name:?} appears twice in a name table"));
                }
            }
        }
        Ok(builder)
    }

    /// Makes room for `count` nodes, so the slots are allocated once at
    /// their final size (growing by doubling copies them and leaves the
    /// old blocks behind).
    pub(crate) fn reserve_nodes(&mut self, count: usize) {
        self.graph.inner.reserve_exact_nodes(count);
    }

    /// Makes room for `count` relationships.
    pub(crate) fn reserve_rels(&mut self, count: usize) {
        self.graph.inner.reserve_exact_edges(count);
    }

    /// Adds a node given by interned ids, checking them.
    pub(crate) fn raw_node(
        &mut self,
        id: NodeId,
        labels: Vec<Symbol>,
        props: Vec<(Symbol, Value)>,
        provenance: Vec<Provenance>,
        sentences: Vec<(u32, u32)>,
        text: Option<PackedText>,
    ) -> Result<(), String> {
        if labels
            .iter()
            .any(|&l| l as usize >= self.graph.labels.len())
        {
            return Err(format!("node {id} has an unknown label"));
        }
        self.check_props(&props)?;
        let node = Node::new(labels, Props::new(props), provenance);
        self.node(id, node).map_err(|e| e.to_string())?;
        if !sentences.is_empty() {
            self.sources.push((id, sentences));
        }
        if let Some(text) = text {
            if self.graph.text_key().is_none() || self.graph.texts.contains_key(&id) {
                return Err(format!(
                    "node {id} has a packed text and no text key, or two texts"
                ));
            }
            self.graph.texts.insert(id, text);
        }
        Ok(())
    }

    /// Adds a relationship given by interned ids, checking them.
    pub(crate) fn raw_rel(
        &mut self,
        id: RelId,
        (start, end): (NodeId, NodeId),
        rel_type: Symbol,
        props: Vec<(Symbol, Value)>,
        provenance: ProvenanceIn,
    ) -> Result<(), String> {
        if rel_type as usize >= self.graph.types.len() {
            return Err(format!("relationship {id} has an unknown type"));
        }
        self.check_props(&props)?;
        let props = Props::new(props);
        let rel = match provenance {
            ProvenanceIn::One(entry) => Rel::with_one(rel_type, props, entry),
            ProvenanceIn::List(list) => Rel::new(rel_type, props, list),
        };
        self.rel(id, start, end, rel).map_err(|e| e.to_string())
    }

    fn check_props(&self, props: &[(Symbol, Value)]) -> Result<(), String> {
        if props
            .iter()
            .any(|&(k, _)| k as usize >= self.graph.keys.len())
        {
            return Err("a property has an unknown key".to_string());
        }
        Ok(())
    }

    /// How many holes may come before `index` when `slots` are filled:
    /// ids far beyond the element count can only come from a damaged file,
    /// and refusing them bounds the memory a rebuild may take.
    fn gap_allowed(slots: usize, holes: usize, index: usize) -> bool {
        let elements = slots - holes;
        index - slots <= elements.saturating_mul(2) + 1024
    }

    fn node(&mut self, id: NodeId, node: Node) -> Result<(), GraphError> {
        let index = id.0 as usize;
        let slots = self.graph.inner.node_count();
        if index < slots {
            return Err(GraphError::DuplicateId(format!(
                "node {id} (or out of order)"
            )));
        }
        if !Self::gap_allowed(slots, self.node_holes.len(), index) {
            return Err(GraphError::IdOutOfRange(format!("node {id}")));
        }
        for _ in slots..index {
            let hole = node_id(self.graph.inner.add_node(Node::default()));
            self.node_holes.push(hole);
        }
        let id = node_id(self.graph.inner.add_node(node));
        self.graph.pack_text(id);
        Ok(())
    }

    fn is_node(&self, id: NodeId) -> bool {
        (id.0 as usize) < self.graph.inner.node_count()
            && self.node_holes.binary_search(&id).is_err()
    }

    fn rel(&mut self, id: RelId, start: NodeId, end: NodeId, rel: Rel) -> Result<(), GraphError> {
        for endpoint in [start, end] {
            if !self.is_node(endpoint) {
                return Err(GraphError::NoSuchNode(endpoint));
            }
        }
        let index = id.0 as usize;
        let slots = self.graph.inner.edge_count();
        if index < slots {
            return Err(GraphError::DuplicateId(format!(
                "relationship {id} (or out of order)"
            )));
        }
        if !Self::gap_allowed(slots, self.rel_holes.len(), index) {
            return Err(GraphError::IdOutOfRange(format!("relationship {id}")));
        }
        for _ in slots..index {
            // a hole needs some endpoint: `start` exists
            let placeholder = Rel::new(0, Props::default(), Vec::new());
            let hole = self
                .graph
                .inner
                .add_edge(node_index(start), node_index(start), placeholder);
            self.rel_holes.push(rel_id(hole));
        }
        let rel_type = rel.rel_type() as usize;
        let id = rel_id(
            self.graph
                .inner
                .add_edge(node_index(start), node_index(end), rel),
        );
        let by_type = &mut self.graph.by_type;
        if by_type.len() <= rel_type {
            by_type.resize_with(rel_type + 1, RoaringBitmap::new);
        }
        // (`insert`, not `push`: roaring's push looks for the maximum of a
        // bitmap container every time, a quarter of a load's instructions)
        by_type[rel_type].insert(id.0);
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Graph, GraphError> {
        let GraphBuilder {
            mut graph,
            node_holes,
            rel_holes,
            sources,
        } = self;
        for id in rel_holes {
            graph.inner.remove_edge(edge_index(id));
        }
        for id in node_holes {
            graph.inner.remove_node(node_index(id));
        }
        let node_ids: Vec<NodeId> = graph.node_ids().collect();
        for id in node_ids {
            graph.index_node(id);
        }
        for (id, sentences) in sources {
            graph.sentences.insert(id, sentences.into_boxed_slice());
        }
        for provenance in graph
            .inner
            .node_weights()
            .flat_map(Node::provenance)
            .copied()
            .chain(graph.inner.edge_weights().flat_map(Rel::provenance))
        {
            if !graph.inner.contains_node(node_index(provenance.source)) {
                return Err(GraphError::NoSuchNode(provenance.source));
            }
        }
        graph.changes = 0;
        Ok(graph)
    }
}

#[cfg(test)]
mod tests;
