//! Read-only views of stored elements: names instead of interned ids, and
//! provenance shown as properties as the graph's schema says.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::element::{Node, NodeData, Provenance, ProvenanceList, Rel, RelData};
use super::value::Value;
use super::{Graph, NodeId, RelId};

/// A node of a graph, borrowed.
#[derive(Clone, Copy)]
pub struct NodeRef<'g> {
    graph: &'g Graph,
    id: NodeId,
    node: &'g Node,
}

/// A relationship of a graph, borrowed.
#[derive(Clone, Copy)]
pub struct RelRef<'g> {
    graph: &'g Graph,
    id: RelId,
    rel: &'g Rel,
}

impl<'g> NodeRef<'g> {
    pub(crate) fn new(graph: &'g Graph, id: NodeId, node: &'g Node) -> NodeRef<'g> {
        NodeRef { graph, id, node }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    /// Labels, sorted by name.
    pub fn labels(&self) -> Vec<&'g str> {
        let mut labels: Vec<&str> = self
            .node
            .labels()
            .iter()
            .map(|&l| self.graph.label_name(l))
            .collect();
        labels.sort_unstable();
        labels
    }

    pub fn has_label(&self, label: &str) -> bool {
        self.graph
            .labels
            .get(label)
            .is_some_and(|l| self.node.has_label(l))
    }

    pub fn label_count(&self) -> usize {
        self.node.labels().len()
    }

    /// Whether the node carries the label of this id (`Graph::label_id`).
    pub fn has_label_id(&self, label: super::Symbol) -> bool {
        self.node.has_label(label)
    }

    /// A property by the key's id (`Graph::key_id`, `None` when the key
    /// was never stored) and name (for a packed text and for
    /// provenance-derived properties).
    pub fn property_by_id(&self, key: Option<super::Symbol>, name: &str) -> Option<Cow<'g, Value>> {
        if let Some(value) = key.and_then(|k| self.node.props().get(k)) {
            return Some(Cow::Borrowed(value));
        }
        if let Some(text) = self.packed_text(name) {
            return Some(Cow::Owned(text));
        }
        self.graph
            .provenance_property(None, self.node.provenance(), name)
            .map(Cow::Owned)
    }

    /// A property: the stored value (a packed text unpacked), else what
    /// the provenance gives.
    pub fn property(&self, key: &str) -> Option<Cow<'g, Value>> {
        self.property_by_id(self.graph.key_id(key), key)
    }

    /// Every property with its value, stored and from provenance.
    pub fn properties(&self) -> BTreeMap<String, Value> {
        let mut out = stored(self.graph, self.node.props());
        if let Some(keys) = &self.graph.schema().provenance {
            if let Some(text) = self.packed_text(&keys.source_text) {
                out.insert(keys.source_text.clone(), text);
            }
        }
        add_provenance_properties(self.graph, None, self.node.provenance(), &mut out);
        out
    }

    /// The node's packed text, when `key` is the schema's text key.
    fn packed_text(&self, key: &str) -> Option<Value> {
        let keys = self.graph.schema().provenance.as_ref()?;
        (keys.source_text == key)
            .then(|| self.graph.packed_text(self.id))
            .flatten()
    }

    /// Property names, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.properties().into_keys().collect()
    }

    pub fn provenance(&self) -> &'g [Provenance] {
        self.node.provenance()
    }

    /// The node in owned form: stored properties only, so inserting it
    /// again gives the same node.
    pub fn to_data(&self) -> NodeData {
        let mut data = self.graph.node_data(self.id, self.node);
        if let Some(sentences) = self.graph.source_sentences(self.id) {
            data.sentences = sentences.to_vec();
        }
        data
    }
}

impl<'g> RelRef<'g> {
    pub(crate) fn new(graph: &'g Graph, id: RelId, rel: &'g Rel) -> RelRef<'g> {
        RelRef { graph, id, rel }
    }

    pub fn id(&self) -> RelId {
        self.id
    }

    pub fn rel_type(&self) -> &'g str {
        self.graph.type_name(self.rel.rel_type())
    }

    /// The id of the relationship's type (`Graph::type_id`).
    pub fn type_id(&self) -> super::Symbol {
        self.rel.rel_type()
    }

    /// A property by the key's id and name, as `NodeRef::property_by_id`.
    pub fn property_by_id(&self, key: Option<super::Symbol>, name: &str) -> Option<Cow<'g, Value>> {
        if let Some(value) = key.and_then(|k| self.rel.props().get(k)) {
            return Some(Cow::Borrowed(value));
        }
        self.graph
            .provenance_property(Some(self.rel.rel_type()), &self.rel.provenance(), name)
            .map(Cow::Owned)
    }

    /// The start node (looked up when asked: matching reads a
    /// relationship's type and properties far more often).
    pub fn start(&self) -> NodeId {
        self.graph
            .endpoints(self.id)
            .map_or(NodeId(0), |(start, _)| start)
    }

    pub fn end(&self) -> NodeId {
        self.graph
            .endpoints(self.id)
            .map_or(NodeId(0), |(_, end)| end)
    }

    /// A property: the stored value, else what the provenance gives.
    pub fn property(&self, key: &str) -> Option<Cow<'g, Value>> {
        if let Some(value) = self.graph.stored_property(self.rel.props(), key) {
            return Some(Cow::Borrowed(value));
        }
        self.graph
            .provenance_property(Some(self.rel.rel_type()), &self.rel.provenance(), key)
            .map(Cow::Owned)
    }

    /// Every property with its value, stored and from provenance.
    pub fn properties(&self) -> BTreeMap<String, Value> {
        let mut out = stored(self.graph, self.rel.props());
        add_provenance_properties(
            self.graph,
            Some(self.rel.rel_type()),
            &self.rel.provenance(),
            &mut out,
        );
        out
    }

    /// Property names, sorted.
    pub fn keys(&self) -> Vec<String> {
        self.properties().into_keys().collect()
    }

    /// Every entry, in the order they were recorded (reads as a slice).
    pub fn provenance(&self) -> ProvenanceList<'g> {
        self.rel.provenance()
    }

    /// The relationship in owned form: stored properties only.
    pub fn to_data(&self) -> RelData {
        self.graph.rel_data(self.rel)
    }
}

fn stored(graph: &Graph, props: super::element::PropsRef<'_>) -> BTreeMap<String, Value> {
    props
        .iter()
        .map(|(k, v)| (graph.key_name(k).to_string(), v.clone()))
        .collect()
}

fn add_provenance_properties(
    graph: &Graph,
    rel_type: Option<super::intern::Symbol>,
    provenance: &[Provenance],
    out: &mut BTreeMap<String, Value>,
) {
    for key in graph.provenance_keys(rel_type, provenance) {
        if !out.contains_key(key) {
            if let Some(value) = graph.provenance_property(rel_type, provenance, key) {
                out.insert(key.to_string(), value);
            }
        }
    }
}
