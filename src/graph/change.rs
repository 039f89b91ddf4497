//! The changes a graph went through, one entry per primitive mutation, in
//! order, for the write-ahead log: recorded while [`Graph::record_changes`]
//! is on, taken by the committer with [`Graph::take_changes`], and applied
//! again by [`Graph::apply_change`] when the log is replayed.
//!
//! Entries are primitive (a `DETACH DELETE` is its relationships' removals,
//! then the node's), so replaying them on the graph they were recorded on
//! repeats every petgraph slot allocation exactly: the ids a replay assigns
//! are the ids the writer saw, which every entry checks.

use std::collections::BTreeMap;

use super::{Graph, GraphError, NodeData, NodeId, Provenance, RelData, RelId, Schema, Value};

/// One primitive mutation of a graph, with everything needed to repeat it.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A node was added and got `id` (its `sentences` are a source's).
    AddNode {
        id: NodeId,
        data: NodeData,
    },
    /// A relationship was added and got `id`.
    AddRel {
        id: RelId,
        start: NodeId,
        end: NodeId,
        data: RelData,
    },
    /// `Value::Null` removes the property.
    SetNodeProperty {
        id: NodeId,
        key: String,
        value: Value,
    },
    ReplaceNodeProperties {
        id: NodeId,
        properties: BTreeMap<String, Value>,
    },
    AddLabel {
        id: NodeId,
        label: String,
    },
    RemoveLabel {
        id: NodeId,
        label: String,
    },
    AddNodeProvenance {
        id: NodeId,
        provenance: Provenance,
    },
    AddRelProvenance {
        id: RelId,
        provenance: Provenance,
    },
    SetSourceSentences {
        id: NodeId,
        sentences: Vec<(u32, u32)>,
    },
    SetRelProperty {
        id: RelId,
        key: String,
        value: Value,
    },
    ReplaceRelProperties {
        id: RelId,
        properties: BTreeMap<String, Value>,
    },
    RemoveRel(RelId),
    /// Removes a node that has no relationships left.
    RemoveNode(NodeId),
    SetSchema(Schema),
}

impl Graph {
    /// Starts (or stops) recording every change for [`Graph::take_changes`].
    /// Stopping drops what was recorded and not taken.
    pub fn record_changes(&mut self, on: bool) {
        self.journal = on.then(Vec::new);
    }

    /// Whether changes are being recorded.
    pub fn records_changes(&self) -> bool {
        self.journal.is_some()
    }

    /// The changes recorded since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<Change> {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Puts changes that could not be committed back in front of those
    /// recorded since, so the next commit carries them all.
    pub fn restore_changes(&mut self, mut changes: Vec<Change>) {
        if let Some(journal) = self.journal.as_mut() {
            changes.append(journal);
            *journal = changes;
        }
    }

    /// Whether changes were recorded and not taken yet.
    /// The changes recorded and not yet taken, oldest first.
    pub fn pending_changes(&self) -> &[Change] {
        self.journal.as_deref().unwrap_or_default()
    }

    pub fn has_pending_changes(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| !j.is_empty())
    }

    pub(super) fn journal(&mut self, change: impl FnOnce(&Graph) -> Change) {
        if self.journal.is_some() {
            let change = change(self);
            if let Some(journal) = self.journal.as_mut() {
                journal.push(change);
            }
        }
    }

    /// Repeats changes read from the log, without recording them again.
    pub fn replay(&mut self, changes: Vec<Change>) -> Result<(), GraphError> {
        let journal = self.journal.take();
        let result = changes.into_iter().try_for_each(|c| self.apply_change(c));
        self.journal = journal;
        result
    }

    /// Whether the free slots a new element would reuse may differ from
    /// those of the same graph read from a file: true once anything was
    /// removed (a file keeps ids, not petgraph's list of free slots; without
    /// removals the free slots are the holes a load makes, in its order).
    pub fn slots_may_differ_from_a_load(&self) -> bool {
        self.removed_since_built
    }

    /// Repeats a recorded change. An added element must get the id it got
    /// when it was recorded: a different one means the log does not belong
    /// to this graph.
    pub fn apply_change(&mut self, change: Change) -> Result<(), GraphError> {
        match change {
            Change::AddNode { id, data } => {
                let got = self.insert_node(data);
                expect_id(got.0, id.0, "node")
            }
            Change::AddRel {
                id,
                start,
                end,
                data,
            } => {
                let got = self.insert_rel(start, end, data)?;
                expect_id(got.0, id.0, "relationship")
            }
            Change::SetNodeProperty { id, key, value } => {
                self.set_node_property(id, &key, value).map(drop)
            }
            Change::ReplaceNodeProperties { id, properties } => {
                self.replace_node_properties(id, properties)
            }
            Change::AddLabel { id, label } => self.add_label(id, &label).map(drop),
            Change::RemoveLabel { id, label } => self.remove_label(id, &label).map(drop),
            Change::AddNodeProvenance { id, provenance } => {
                self.add_node_provenance(id, provenance).map(drop)
            }
            Change::AddRelProvenance { id, provenance } => {
                self.add_rel_provenance(id, provenance).map(drop)
            }
            Change::SetSourceSentences { id, sentences } => {
                self.set_source_sentences(id, sentences)
            }
            Change::SetRelProperty { id, key, value } => {
                self.set_rel_property(id, &key, value).map(drop)
            }
            Change::ReplaceRelProperties { id, properties } => {
                self.replace_rel_properties(id, properties)
            }
            Change::RemoveRel(id) => self.remove_rel(id).map(drop),
            Change::RemoveNode(id) => self.remove_node(id).map(drop),
            Change::SetSchema(schema) => {
                self.set_schema(schema);
                Ok(())
            }
        }
    }
}

fn expect_id(got: u32, expected: u32, what: &str) -> Result<(), GraphError> {
    if got == expected {
        Ok(())
    } else {
        Err(GraphError::ReplayMismatch(format!(
            "a logged {what} was recorded as {expected} but replays as {got}"
        )))
    }
}
