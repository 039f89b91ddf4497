//! What a statement changed, counted as Neo4j reports a write: nodes and
//! relationships created and deleted, properties set, labels added and
//! removed. Counted from the graph's change journal (exact: a property set
//! twice counts twice, a node created and deleted counts both ways); when
//! the graph records no journal, from its element counts.

use crate::graph::{Change, Graph};

/// The graph's state before a statement.
pub(super) struct Mark {
    journal: usize,
    counter: u64,
    nodes: usize,
    rels: usize,
}

impl Mark {
    pub(super) fn of(graph: &Graph) -> Mark {
        Mark {
            journal: graph.pending_changes().len(),
            counter: graph.change_count(),
            nodes: graph.node_count(),
            rels: graph.rel_count(),
        }
    }
}

/// What one statement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    nodes_created: u64,
    nodes_deleted: u64,
    rels_created: u64,
    rels_deleted: u64,
    properties_set: u64,
    labels_added: u64,
    labels_removed: u64,
    /// Whether anything changed at all (provenance and schema changes
    /// included, which have no count of their own).
    changed: bool,
}

impl Changes {
    /// The changes since `mark`.
    pub(super) fn since(graph: &Graph, mark: &Mark) -> Changes {
        let mut changes = Changes {
            changed: graph.change_count() != mark.counter,
            ..Changes::default()
        };
        if !graph.records_changes() {
            let delta =
                |now: usize, then: usize| (now.saturating_sub(then), then.saturating_sub(now));
            (changes.nodes_created, changes.nodes_deleted) =
                pair(delta(graph.node_count(), mark.nodes));
            (changes.rels_created, changes.rels_deleted) =
                pair(delta(graph.rel_count(), mark.rels));
            return changes;
        }
        for change in graph
            .pending_changes()
            .get(mark.journal..)
            .unwrap_or_default()
        {
            changes.count(change);
        }
        changes
    }

    fn count(&mut self, change: &Change) {
        match change {
            Change::AddNode { data, .. } => {
                self.nodes_created += 1;
                self.labels_added += data.labels.len() as u64;
                self.properties_set += data.properties.len() as u64;
            }
            Change::AddRel { data, .. } => {
                self.rels_created += 1;
                self.properties_set += data.properties.len() as u64;
            }
            Change::SetNodeProperty { .. } | Change::SetRelProperty { .. } => {
                self.properties_set += 1;
            }
            Change::ReplaceNodeProperties { properties, .. }
            | Change::ReplaceRelProperties { properties, .. } => {
                self.properties_set += properties.len() as u64;
            }
            Change::AddLabel { .. } => self.labels_added += 1,
            Change::RemoveLabel { .. } => self.labels_removed += 1,
            Change::RemoveNode(_) => self.nodes_deleted += 1,
            Change::RemoveRel(_) => self.rels_deleted += 1,
            Change::AddNodeProvenance { .. }
            | Change::AddRelProvenance { .. }
            | Change::SetSourceSentences { .. }
            | Change::SetSchema(_) => {}
        }
    }

    pub fn any(&self) -> bool {
        self.changed
    }

    /// `+2 nodes, +1 relationship, 3 properties set, 2 labels added`.
    pub fn summary(&self) -> String {
        let plural = |n: u64, one: &str, many: &str| {
            if n == 1 {
                one.to_string()
            } else {
                many.to_string()
            }
        };
        let mut parts = Vec::new();
        let counts = [
            (self.nodes_created, "+", "node", "nodes", ""),
            (self.nodes_deleted, "-", "node", "nodes", ""),
            (self.rels_created, "+", "relationship", "relationships", ""),
            (self.rels_deleted, "-", "relationship", "relationships", ""),
            (self.properties_set, "", "property", "properties", " set"),
            (self.labels_added, "", "label", "labels", " added"),
            (self.labels_removed, "", "label", "labels", " removed"),
        ];
        for (n, sign, one, many, verb) in counts {
            if n > 0 {
                parts.push(format!("{sign}{n} {}{verb}", plural(n, one, many)));
            }
        }
        if parts.is_empty() {
            parts.push("graph changed".to_string());
        }
        parts.join(", ")
    }
}

fn pair((a, b): (usize, usize)) -> (u64, u64) {
    (a as u64, b as u64)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::graph::Value;

    #[test]
    fn a_statement_is_counted_change_by_change() {
        let mut graph = Graph::new();
        graph.record_changes(true);
        let old = graph.add_node(["Old"], BTreeMap::new());
        let mark = Mark::of(&graph);
        let a = graph.add_node(
            ["A", "B"],
            BTreeMap::from([("x".to_string(), Value::Int(1))]),
        );
        let b = graph.add_node(["A"], BTreeMap::new());
        graph.add_rel(a, b, "T", BTreeMap::new()).unwrap();
        graph.set_node_property(a, "y", Value::Int(2)).unwrap();
        graph.set_node_property(a, "y", Value::Null).unwrap();
        graph.add_label(b, "C").unwrap();
        graph.remove_label(a, "B").unwrap();
        graph.remove_node(old).unwrap();
        let changes = Changes::since(&graph, &mark);
        assert_eq!(
            changes.summary(),
            "+2 nodes, -1 node, +1 relationship, 3 properties set, 4 labels added, 1 label removed"
        );
        assert!(changes.any());
        assert!(!Changes::since(&graph, &Mark::of(&graph)).any());
    }

    #[test]
    fn without_a_journal_the_element_counts_tell() {
        let mut graph = Graph::new();
        let mark = Mark::of(&graph);
        graph.add_node(["A"], BTreeMap::from([("x".to_string(), Value::Int(1))]));
        assert_eq!(Changes::since(&graph, &mark).summary(), "+1 node");
    }
}
