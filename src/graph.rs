//! The property graph: nodes with a set of labels and properties,
//! relationships with one type and properties, each with the provenance of
//! the text it came from.
//!
//! `Graph` wraps a private petgraph `StableDiGraph` (so deleting an element
//! never renumbers the others) and keeps its indexes in step with every
//! change: by label, by relationship type, by folded `name`, and by a few
//! indexed property keys. It knows nothing of news or of Cypher.

pub mod fold;
pub mod value;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;

pub use fold::fold;
pub use value::{Date, Value};

/// Property keys whose string and integer values are indexed, so a pattern
/// anchored on one of them starts from the index instead of a scan.
pub const INDEXED_KEYS: [&str; 4] = ["name", "title", "id", "article"];

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

/// Where a fact came from: an article, the index of a sentence in it and the
/// byte span of the mention within the article text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provenance {
    pub article: String,
    pub sentence: u32,
    pub start: u32,
    pub end: u32,
}

/// A node: labels, properties, and where it was read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub labels: BTreeSet<String>,
    pub properties: BTreeMap<String, Value>,
    pub provenance: Vec<Provenance>,
}

/// A relationship: one type, properties, and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Rel {
    pub rel_type: String,
    pub properties: BTreeMap<String, Value>,
    pub provenance: Vec<Provenance>,
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
}

/// The in-memory property graph with its indexes.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    inner: StableDiGraph<Node, Rel, u32>,
    by_label: BTreeMap<String, BTreeSet<NodeId>>,
    by_type: BTreeMap<String, BTreeSet<RelId>>,
    by_folded_name: HashMap<String, BTreeSet<NodeId>>,
    by_property: HashMap<(String, IndexKey), BTreeSet<NodeId>>,
    /// Bumped by every mutation, so callers can tell whether to save.
    changes: u64,
}

/// The hashable form of an indexed property value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IndexKey {
    String(String),
    Int(i64),
}

impl IndexKey {
    fn of(value: &Value) -> Option<IndexKey> {
        match value {
            Value::String(s) => Some(IndexKey::String(s.clone())),
            Value::Int(i) => Some(IndexKey::Int(*i)),
            _ => None,
        }
    }
}

/// The folded keys a node is found under by name: its `name`, its
/// `title` (roles) and each string of its `aliases` list.
fn folded_names(node: &Node) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for key in ["name", "title"] {
        if let Some(Value::String(text)) = node.properties.get(key) {
            names.insert(fold(text));
        }
    }
    if let Some(Value::List(aliases)) = node.properties.get("aliases") {
        names.extend(aliases.iter().filter_map(Value::as_str).map(fold));
    }
    names
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
        S: Into<String>,
    {
        let node = Node {
            labels: labels.into_iter().map(Into::into).collect(),
            properties,
            provenance: Vec::new(),
        };
        self.insert_node(node)
    }

    /// Adds a fully built node (labels, properties and provenance).
    pub fn insert_node(&mut self, node: Node) -> NodeId {
        self.changes += 1;
        let id = node_id(self.inner.add_node(node));
        self.index_node(id);
        id
    }

    /// Adds a relationship between two existing nodes.
    pub fn add_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel_type: impl Into<String>,
        properties: BTreeMap<String, Value>,
    ) -> Result<RelId, GraphError> {
        let rel = Rel {
            rel_type: rel_type.into(),
            properties,
            provenance: Vec::new(),
        };
        self.insert_rel(start, end, rel)
    }

    /// Adds a fully built relationship between two existing nodes.
    pub fn insert_rel(
        &mut self,
        start: NodeId,
        end: NodeId,
        rel: Rel,
    ) -> Result<RelId, GraphError> {
        self.require_node(start)?;
        self.require_node(end)?;
        self.changes += 1;
        let rel_type = rel.rel_type.clone();
        let id = rel_id(self.inner.add_edge(node_index(start), node_index(end), rel));
        self.by_type.entry(rel_type).or_default().insert(id);
        Ok(id)
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.inner.node_weight(node_index(id))
    }

    pub fn rel(&self, id: RelId) -> Option<&Rel> {
        self.inner.edge_weight(edge_index(id))
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
        self.by_label.get(label).into_iter().flatten().copied()
    }

    /// Number of nodes carrying a label.
    pub fn label_count(&self, label: &str) -> usize {
        self.by_label.get(label).map_or(0, BTreeSet::len)
    }

    /// Relationships of a type, ascending by id.
    pub fn rels_with_type<'a>(&'a self, rel_type: &str) -> impl Iterator<Item = RelId> + 'a {
        self.by_type.get(rel_type).into_iter().flatten().copied()
    }

    /// Node count per label, sorted by label.
    pub fn label_counts(&self) -> Vec<(String, usize)> {
        self.by_label
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(label, ids)| (label.clone(), ids.len()))
            .collect()
    }

    /// Relationship count per type, sorted by type.
    pub fn type_counts(&self) -> Vec<(String, usize)> {
        self.by_type
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(t, ids)| (t.clone(), ids.len()))
            .collect()
    }

    /// Nodes whose `name`, `title` or one of whose `aliases` folds to the
    /// same key as `name` (case- and diacritics-insensitive), ascending by id.
    pub fn nodes_by_folded_name(&self, name: &str) -> Vec<NodeId> {
        self.by_folded_name
            .get(&fold(name))
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Nodes whose property `key` equals `value`, from the index; `None` when
    /// `key` is not indexed or the value is not indexable (then scan).
    pub fn nodes_by_property(&self, key: &str, value: &Value) -> Option<Vec<NodeId>> {
        if !INDEXED_KEYS.contains(&key) {
            return None;
        }
        let index_key = IndexKey::of(value)?;
        Some(
            self.by_property
                .get(&(key.to_string(), index_key))
                .map(|ids| ids.iter().copied().collect())
                .unwrap_or_default(),
        )
    }

    /// The relationships at a node, in the given direction, ordered by id.
    pub fn adjacent(&self, id: NodeId, direction: Direction) -> Vec<Adjacent> {
        let index = node_index(id);
        if !self.inner.contains_node(index) {
            return Vec::new();
        }
        let to_adjacent = |e: petgraph::stable_graph::EdgeReference<'_, Rel, u32>| Adjacent {
            rel: rel_id(e.id()),
            start: node_id(e.source()),
            end: node_id(e.target()),
        };
        let mut out: Vec<Adjacent> = match direction {
            Direction::Outgoing => self
                .inner
                .edges_directed(index, petgraph::Direction::Outgoing)
                .map(to_adjacent)
                .collect(),
            Direction::Incoming => self
                .inner
                .edges_directed(index, petgraph::Direction::Incoming)
                .map(to_adjacent)
                .collect(),
            Direction::Both => {
                let mut all: Vec<Adjacent> = self
                    .inner
                    .edges_directed(index, petgraph::Direction::Outgoing)
                    .map(to_adjacent)
                    .collect();
                all.extend(
                    self.inner
                        .edges_directed(index, petgraph::Direction::Incoming)
                        .filter(|e| e.source() != e.target())
                        .map(to_adjacent),
                );
                all
            }
        };
        out.sort_by_key(|a| a.rel);
        out
    }

    /// Number of relationships at a node (a self-loop counts once).
    pub fn degree(&self, id: NodeId) -> usize {
        self.adjacent(id, Direction::Both).len()
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
        self.unindex_node(id);
        let node = self.node_mut(id)?;
        let previous = if value == Value::Null {
            node.properties.remove(key)
        } else {
            node.properties.insert(key.to_string(), value)
        };
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
        self.unindex_node(id);
        self.node_mut(id)?.properties = properties;
        self.index_node(id);
        Ok(())
    }

    /// Adds a label; returns whether it was new on this node.
    pub fn add_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        let added = self.node_mut(id)?.labels.insert(label.to_string());
        if added {
            self.by_label
                .entry(label.to_string())
                .or_default()
                .insert(id);
        }
        Ok(added)
    }

    /// Removes a label; returns whether the node had it.
    pub fn remove_label(&mut self, id: NodeId, label: &str) -> Result<bool, GraphError> {
        let removed = self.node_mut(id)?.labels.remove(label);
        if removed {
            if let Some(ids) = self.by_label.get_mut(label) {
                ids.remove(&id);
            }
        }
        Ok(removed)
    }

    /// Records where a node was read; duplicates are ignored.
    pub fn add_node_provenance(
        &mut self,
        id: NodeId,
        provenance: Provenance,
    ) -> Result<(), GraphError> {
        let node = self.node_mut(id)?;
        if !node.provenance.contains(&provenance) {
            node.provenance.push(provenance);
        }
        Ok(())
    }

    /// Records where a relationship was read; duplicates are ignored.
    pub fn add_rel_provenance(
        &mut self,
        id: RelId,
        provenance: Provenance,
    ) -> Result<(), GraphError> {
        let rel = self.rel_mut(id)?;
        if !rel.provenance.contains(&provenance) {
            rel.provenance.push(provenance);
        }
        Ok(())
    }

    /// Sets (or, with `Value::Null`, removes) a relationship property.
    /// Returns the previous value.
    pub fn set_rel_property(
        &mut self,
        id: RelId,
        key: &str,
        value: Value,
    ) -> Result<Option<Value>, GraphError> {
        let rel = self.rel_mut(id)?;
        Ok(if value == Value::Null {
            rel.properties.remove(key)
        } else {
            rel.properties.insert(key.to_string(), value)
        })
    }

    /// Replaces all properties of a relationship.
    pub fn replace_rel_properties(
        &mut self,
        id: RelId,
        properties: BTreeMap<String, Value>,
    ) -> Result<(), GraphError> {
        let rel = self.rel_mut(id)?;
        rel.properties = properties;
        Ok(())
    }

    /// Removes a relationship and returns it.
    pub fn remove_rel(&mut self, id: RelId) -> Result<Rel, GraphError> {
        self.changes += 1;
        let rel = self
            .inner
            .remove_edge(edge_index(id))
            .ok_or(GraphError::NoSuchRel(id))?;
        if let Some(ids) = self.by_type.get_mut(&rel.rel_type) {
            ids.remove(&id);
        }
        Ok(rel)
    }

    /// Removes a node that has no relationships and returns it.
    pub fn remove_node(&mut self, id: NodeId) -> Result<Node, GraphError> {
        self.require_node(id)?;
        if self.degree(id) > 0 {
            return Err(GraphError::NodeHasRelationships(id));
        }
        self.changes += 1;
        self.unindex_node(id);
        self.inner
            .remove_node(node_index(id))
            .ok_or(GraphError::NoSuchNode(id))
    }

    /// Removes a node with all its relationships and returns the node.
    pub fn detach_remove_node(&mut self, id: NodeId) -> Result<Node, GraphError> {
        self.require_node(id)?;
        for adjacent in self.adjacent(id, Direction::Both) {
            self.remove_rel(adjacent.rel)?;
        }
        self.remove_node(id)
    }

    /// Rebuilds a graph from its elements keeping their ids (used when
    /// loading a saved graph), and rebuilds every index.
    ///
    /// Fails when two elements share an id or a relationship names a node
    /// that is not given.
    pub fn from_elements(
        nodes: Vec<(NodeId, Node)>,
        rels: Vec<(RelId, NodeId, NodeId, Rel)>,
    ) -> Result<Graph, GraphError> {
        // Ids far beyond the element count can only come from a damaged
        // file; refusing them bounds the memory a rebuild may take.
        let node_limit = nodes.len() * 2 + 1024;
        let rel_limit = rels.len() * 2 + 1024;
        let mut slots: Vec<Option<Node>> = Vec::new();
        for (id, node) in nodes {
            let index = id.0 as usize;
            if index >= node_limit {
                return Err(GraphError::IdOutOfRange(format!("node {id}")));
            }
            if slots.len() <= index {
                slots.resize_with(index + 1, || None);
            }
            if slots[index].replace(node).is_some() {
                return Err(GraphError::DuplicateId(format!("node {id}")));
            }
        }
        let mut graph = Graph::new();
        let mut holes = Vec::new();
        for (index, slot) in slots.into_iter().enumerate() {
            let is_hole = slot.is_none();
            let id = node_id(graph.inner.add_node(slot.unwrap_or_default()));
            debug_assert_eq!(id.0 as usize, index);
            if is_hole {
                holes.push(id);
            }
        }
        let mut rel_slots: Vec<Option<(NodeId, NodeId, Rel)>> = Vec::new();
        for (id, start, end, rel) in rels {
            for endpoint in [start, end] {
                if holes.contains(&endpoint) || !graph.contains_node(endpoint) {
                    return Err(GraphError::NoSuchNode(endpoint));
                }
            }
            let index = id.0 as usize;
            if index >= rel_limit {
                return Err(GraphError::IdOutOfRange(format!("relationship {id}")));
            }
            if rel_slots.len() <= index {
                rel_slots.resize_with(index + 1, || None);
            }
            if rel_slots[index].replace((start, end, rel)).is_some() {
                return Err(GraphError::DuplicateId(format!("relationship {id}")));
            }
        }
        let mut rel_holes = Vec::new();
        for slot in rel_slots {
            // A hole needs some endpoint; node 0 exists whenever any
            // relationship exists, because relationships need nodes.
            let (start, end, rel, is_hole) = match slot {
                Some((start, end, rel)) => (start, end, rel, false),
                None => {
                    let placeholder = Rel {
                        rel_type: String::new(),
                        properties: BTreeMap::new(),
                        provenance: Vec::new(),
                    };
                    (NodeId(0), NodeId(0), placeholder, true)
                }
            };
            let id = rel_id(
                graph
                    .inner
                    .add_edge(node_index(start), node_index(end), rel),
            );
            if is_hole {
                rel_holes.push(id);
            }
        }
        for id in rel_holes {
            graph.inner.remove_edge(edge_index(id));
        }
        for id in holes {
            graph.inner.remove_node(node_index(id));
        }
        let node_ids: Vec<NodeId> = graph.node_ids().collect();
        for id in node_ids {
            graph.index_node(id);
        }
        let rel_ids: Vec<RelId> = graph.rel_ids().collect();
        for id in rel_ids {
            if let Some(rel) = graph.rel(id) {
                let rel_type = rel.rel_type.clone();
                graph.by_type.entry(rel_type).or_default().insert(id);
            }
        }
        Ok(graph)
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

    fn index_node(&mut self, id: NodeId) {
        let Some(node) = self.inner.node_weight(node_index(id)) else {
            return;
        };
        for label in &node.labels {
            self.by_label.entry(label.clone()).or_default().insert(id);
        }
        for name in folded_names(node) {
            self.by_folded_name.entry(name).or_default().insert(id);
        }
        for key in INDEXED_KEYS {
            if let Some(index_key) = node.properties.get(key).and_then(IndexKey::of) {
                self.by_property
                    .entry((key.to_string(), index_key))
                    .or_default()
                    .insert(id);
            }
        }
    }

    fn unindex_node(&mut self, id: NodeId) {
        let Some(node) = self.inner.node_weight(node_index(id)) else {
            return;
        };
        for label in &node.labels {
            if let Some(ids) = self.by_label.get_mut(label) {
                ids.remove(&id);
            }
        }
        for key in folded_names(node) {
            if let Some(ids) = self.by_folded_name.get_mut(&key) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.by_folded_name.remove(&key);
                }
            }
        }
        for key in INDEXED_KEYS {
            if let Some(index_key) = node.properties.get(key).and_then(IndexKey::of) {
                let entry = (key.to_string(), index_key);
                if let Some(ids) = self.by_property.get_mut(&entry) {
                    ids.remove(&id);
                    if ids.is_empty() {
                        self.by_property.remove(&entry);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn indexes_follow_every_change() {
        let mut graph = Graph::new();
        let tan = graph.add_node(["Person"], props(&[("name", "Phùng Sĩ Tấn".into())]));
        let army = graph.add_node(["Institution"], props(&[("name", "Army".into())]));
        let rel = graph
            .add_rel(tan, army, "MEMBER_OF", BTreeMap::new())
            .unwrap();

        assert_eq!(graph.nodes_by_folded_name("phung si tan"), vec![tan]);
        assert_eq!(
            graph.nodes_by_property("name", &"Army".into()),
            Some(vec![army])
        );
        assert_eq!(
            graph.rels_with_type("MEMBER_OF").collect::<Vec<_>>(),
            vec![rel]
        );

        graph.set_node_property(tan, "name", "Tấn".into()).unwrap();
        assert!(graph.nodes_by_folded_name("phung si tan").is_empty());
        assert_eq!(graph.nodes_by_folded_name("TAN"), vec![tan]);

        graph.add_label(tan, "Officer").unwrap();
        graph.remove_label(tan, "Person").unwrap();
        assert_eq!(
            graph.nodes_with_label("Officer").collect::<Vec<_>>(),
            vec![tan]
        );
        assert_eq!(graph.label_count("Person"), 0);

        assert_eq!(
            graph.remove_node(tan),
            Err(GraphError::NodeHasRelationships(tan))
        );
        graph.detach_remove_node(tan).unwrap();
        assert_eq!(graph.rel_count(), 0);
        assert_eq!(graph.rels_with_type("MEMBER_OF").count(), 0);
        assert!(graph.nodes_by_folded_name("tan").is_empty());
        assert!(graph.node(army).is_some());
    }

    #[test]
    fn ids_survive_deletion_of_other_elements() {
        let mut graph = Graph::new();
        let a = graph.add_node(["A"], BTreeMap::new());
        let b = graph.add_node(["B"], BTreeMap::new());
        graph.remove_node(a).unwrap();
        assert_eq!(graph.node(b).map(|n| n.labels.contains("B")), Some(true));
        assert_eq!(graph.node_ids().collect::<Vec<_>>(), vec![b]);
    }

    #[test]
    fn self_loops_are_reported_once_in_both_directions() {
        let mut graph = Graph::new();
        let a = graph.add_node(["A"], BTreeMap::new());
        let r = graph.add_rel(a, a, "SELF", BTreeMap::new()).unwrap();
        let adjacent = graph.adjacent(a, Direction::Both);
        assert_eq!(adjacent.len(), 1);
        assert_eq!(adjacent[0].rel, r);
        assert_eq!(adjacent[0].other(a), a);
    }
}
