//! The undo journal that makes a statement atomic: every change the
//! executor makes to the graph is recorded with what it replaced, and a
//! failed statement is rolled back in reverse order, leaving no side effects.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{Graph, GraphError, NodeData, NodeId, RelData, RelId, Value};

/// One change and what undoes it.
#[derive(Debug)]
enum Change {
    NodeCreated(NodeId),
    RelCreated(RelId),
    NodeProperties(NodeId, BTreeMap<String, Value>),
    RelProperties(RelId, BTreeMap<String, Value>),
    LabelAdded(NodeId, String),
    LabelRemoved(NodeId, String),
    NodeDeleted(NodeId, NodeData),
    RelDeleted(RelId, RelData, NodeId, NodeId),
}

/// Records changes made through it; `rollback` undoes them all.
#[derive(Debug, Default)]
pub struct Journal {
    changes: Vec<Change>,
}

impl Journal {
    pub fn add_node(
        &mut self,
        graph: &mut Graph,
        labels: BTreeSet<String>,
        properties: BTreeMap<String, Value>,
    ) -> NodeId {
        let id = graph.add_node(labels, properties);
        self.changes.push(Change::NodeCreated(id));
        id
    }

    pub fn add_rel(
        &mut self,
        graph: &mut Graph,
        start: NodeId,
        end: NodeId,
        rel_type: String,
        properties: BTreeMap<String, Value>,
    ) -> Result<RelId, GraphError> {
        let id = graph.add_rel(start, end, &rel_type, properties)?;
        self.changes.push(Change::RelCreated(id));
        Ok(id)
    }

    fn save_node_properties(&mut self, graph: &Graph, id: NodeId) -> Result<(), GraphError> {
        let node = graph.node(id).ok_or(GraphError::NoSuchNode(id))?;
        self.changes
            .push(Change::NodeProperties(id, node.to_data().properties));
        Ok(())
    }

    fn save_rel_properties(&mut self, graph: &Graph, id: RelId) -> Result<(), GraphError> {
        let rel = graph.rel(id).ok_or(GraphError::NoSuchRel(id))?;
        self.changes
            .push(Change::RelProperties(id, rel.to_data().properties));
        Ok(())
    }

    pub fn set_node_property(
        &mut self,
        graph: &mut Graph,
        id: NodeId,
        key: &str,
        value: Value,
    ) -> Result<(), GraphError> {
        self.save_node_properties(graph, id)?;
        graph.set_node_property(id, key, value).map(|_| ())
    }

    pub fn set_rel_property(
        &mut self,
        graph: &mut Graph,
        id: RelId,
        key: &str,
        value: Value,
    ) -> Result<(), GraphError> {
        self.save_rel_properties(graph, id)?;
        graph.set_rel_property(id, key, value).map(|_| ())
    }

    pub fn replace_node_properties(
        &mut self,
        graph: &mut Graph,
        id: NodeId,
        properties: BTreeMap<String, Value>,
    ) -> Result<(), GraphError> {
        self.save_node_properties(graph, id)?;
        graph.replace_node_properties(id, properties)
    }

    pub fn replace_rel_properties(
        &mut self,
        graph: &mut Graph,
        id: RelId,
        properties: BTreeMap<String, Value>,
    ) -> Result<(), GraphError> {
        self.save_rel_properties(graph, id)?;
        graph.replace_rel_properties(id, properties)
    }

    pub fn add_label(
        &mut self,
        graph: &mut Graph,
        id: NodeId,
        label: &str,
    ) -> Result<(), GraphError> {
        if graph.add_label(id, label)? {
            self.changes.push(Change::LabelAdded(id, label.to_string()));
        }
        Ok(())
    }

    pub fn remove_label(
        &mut self,
        graph: &mut Graph,
        id: NodeId,
        label: &str,
    ) -> Result<(), GraphError> {
        if graph.remove_label(id, label)? {
            self.changes
                .push(Change::LabelRemoved(id, label.to_string()));
        }
        Ok(())
    }

    /// Removes a relationship; returns it with its endpoints.
    pub fn remove_rel(
        &mut self,
        graph: &mut Graph,
        id: RelId,
    ) -> Result<(RelData, NodeId, NodeId), GraphError> {
        let (start, end) = graph.endpoints(id).ok_or(GraphError::NoSuchRel(id))?;
        let rel = graph.remove_rel(id)?;
        self.changes
            .push(Change::RelDeleted(id, rel.clone(), start, end));
        Ok((rel, start, end))
    }

    /// Removes a node without relationships; returns it.
    pub fn remove_node(&mut self, graph: &mut Graph, id: NodeId) -> Result<NodeData, GraphError> {
        let node = graph.remove_node(id)?;
        self.changes.push(Change::NodeDeleted(id, node.clone()));
        Ok(node)
    }

    /// Undoes every recorded change, newest first. Re-created elements may
    /// get new ids; later (older) changes are mapped onto them.
    pub fn rollback(self, graph: &mut Graph) {
        let mut nodes: BTreeMap<NodeId, NodeId> = BTreeMap::new();
        let mut rels: BTreeMap<RelId, RelId> = BTreeMap::new();
        let node = |nodes: &BTreeMap<NodeId, NodeId>, id: NodeId| *nodes.get(&id).unwrap_or(&id);
        let rel = |rels: &BTreeMap<RelId, RelId>, id: RelId| *rels.get(&id).unwrap_or(&id);
        for change in self.changes.into_iter().rev() {
            // Each step undoes a change that succeeded, so it cannot fail
            // unless the graph was changed behind the journal's back.
            let _ = match change {
                Change::NodeCreated(id) => graph.detach_remove_node(node(&nodes, id)).map(|_| ()),
                Change::RelCreated(id) => graph.remove_rel(rel(&rels, id)).map(|_| ()),
                Change::NodeProperties(id, props) => {
                    graph.replace_node_properties(node(&nodes, id), props)
                }
                Change::RelProperties(id, props) => {
                    graph.replace_rel_properties(rel(&rels, id), props)
                }
                Change::LabelAdded(id, label) => {
                    graph.remove_label(node(&nodes, id), &label).map(|_| ())
                }
                Change::LabelRemoved(id, label) => {
                    graph.add_label(node(&nodes, id), &label).map(|_| ())
                }
                Change::NodeDeleted(id, n) => {
                    let new_id = graph.insert_node(n);
                    nodes.insert(id, new_id);
                    Ok(())
                }
                Change::RelDeleted(id, r, start, end) => graph
                    .insert_rel(node(&nodes, start), node(&nodes, end), r)
                    .map(|new_id| {
                        rels.insert(id, new_id);
                    }),
            };
        }
    }
}
