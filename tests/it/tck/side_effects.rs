//! Side effects as the TCK counts them, by diffing two snapshots of the
//! graph taken through its public API: nodes and relationships by id,
//! properties as (entity, key, value) triples (so changing a value is one
//! removal plus one addition), and labels as the distinct label names present
//! in the graph.
//!
//! Weakness, by construction: `Graph` reuses the ids of deleted elements, so
//! a query that deletes a node and then creates one that gets the same id is
//! seen as one node whose labels and properties changed. In the selected TCK
//! this can only affect Merge1 [14] and Merge5 [20], [21] (DELETE then MERGE
//! in one query); check those by hand when they fail on side effects.

use std::collections::BTreeSet;

use kg::graph::Graph;

/// What the graph held at one moment, in comparable form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    nodes: BTreeSet<u32>,
    rels: BTreeSet<u32>,
    /// (`n` or `r`, id, key, value in `Debug` form: keeps `1` and `1.0` apart).
    properties: BTreeSet<(char, u32, String, String)>,
    labels: BTreeSet<String>,
}

/// The eight TCK counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SideEffects {
    pub nodes_added: usize,
    pub nodes_removed: usize,
    pub rels_added: usize,
    pub rels_removed: usize,
    pub props_added: usize,
    pub props_removed: usize,
    pub labels_added: usize,
    pub labels_removed: usize,
}

impl Snapshot {
    pub fn of(graph: &Graph) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for id in graph.node_ids() {
            snapshot.nodes.insert(id.0);
            if let Some(node) = graph.node(id) {
                snapshot.labels.extend(node.labels.iter().cloned());
                for (key, value) in &node.properties {
                    snapshot
                        .properties
                        .insert(('n', id.0, key.clone(), format!("{value:?}")));
                }
            }
        }
        for id in graph.rel_ids() {
            snapshot.rels.insert(id.0);
            if let Some(rel) = graph.rel(id) {
                for (key, value) in &rel.properties {
                    snapshot
                        .properties
                        .insert(('r', id.0, key.clone(), format!("{value:?}")));
                }
            }
        }
        snapshot
    }
}

/// The side effects of going from `before` to `after`.
pub fn diff(before: &Snapshot, after: &Snapshot) -> SideEffects {
    fn count<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> usize {
        a.difference(b).count()
    }
    SideEffects {
        nodes_added: count(&after.nodes, &before.nodes),
        nodes_removed: count(&before.nodes, &after.nodes),
        rels_added: count(&after.rels, &before.rels),
        rels_removed: count(&before.rels, &after.rels),
        props_added: count(&after.properties, &before.properties),
        props_removed: count(&before.properties, &after.properties),
        labels_added: count(&after.labels, &before.labels),
        labels_removed: count(&before.labels, &after.labels),
    }
}

impl SideEffects {
    /// Reads a `the side effects should be:` table (`| +nodes | 1 |`);
    /// keys not listed are 0.
    pub fn from_table(rows: &[Vec<String>]) -> Result<SideEffects, String> {
        let mut out = SideEffects::default();
        for row in rows {
            let [key, value] = row.as_slice() else {
                return Err(format!("side-effect row {row:?} does not have two cells"));
            };
            let n: usize = value
                .parse()
                .map_err(|_| format!("side-effect count `{value}` is not a number"))?;
            let slot = match key.as_str() {
                "+nodes" => &mut out.nodes_added,
                "-nodes" => &mut out.nodes_removed,
                "+relationships" => &mut out.rels_added,
                "-relationships" => &mut out.rels_removed,
                "+properties" => &mut out.props_added,
                "-properties" => &mut out.props_removed,
                "+labels" => &mut out.labels_added,
                "-labels" => &mut out.labels_removed,
                other => return Err(format!("unknown side-effect key `{other}`")),
            };
            *slot = n;
        }
        Ok(out)
    }

    pub fn is_none(&self) -> bool {
        *self == SideEffects::default()
    }
}

impl std::fmt::Display for SideEffects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields = [
            ("+nodes", self.nodes_added),
            ("-nodes", self.nodes_removed),
            ("+relationships", self.rels_added),
            ("-relationships", self.rels_removed),
            ("+properties", self.props_added),
            ("-properties", self.props_removed),
            ("+labels", self.labels_added),
            ("-labels", self.labels_removed),
        ];
        let shown: Vec<String> = fields
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if shown.is_empty() {
            write!(f, "none")
        } else {
            write!(f, "{}", shown.join(", "))
        }
    }
}

#[test]
fn tck_side_effects_diff_counts_triples_and_label_names() {
    use kg::graph::Value;
    use std::collections::BTreeMap;
    let props = |pairs: &[(&str, Value)]| -> BTreeMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };
    let mut graph = Graph::new();
    let a = graph.add_node(["A"], props(&[("num", Value::Int(1))]));
    let b = graph.add_node(["A", "B"], props(&[]));
    let gone = graph.add_node(["C"], props(&[("x", Value::Int(1)), ("y", Value::Int(2))]));
    graph
        .add_rel(a, b, "T", props(&[("w", Value::Int(1))]))
        .unwrap();
    let before = Snapshot::of(&graph);

    assert!(diff(&before, &Snapshot::of(&graph)).is_none());

    // Int 1 -> Float 1.0 is a change: one removal and one addition.
    graph
        .set_node_property(a, "num", Value::Float(1.0))
        .unwrap();
    graph.remove_label(b, "A").unwrap();
    // Create before deleting: a deleted node's id may be reused.
    let c = graph.add_node(["D"], props(&[]));
    graph.detach_remove_node(gone).unwrap();
    graph.add_rel(c, c, "LOOP", props(&[])).unwrap();
    let effects = diff(&before, &Snapshot::of(&graph));
    assert_eq!(
        effects,
        SideEffects {
            nodes_added: 1,
            nodes_removed: 1,
            rels_added: 1,
            rels_removed: 0,
            props_added: 1,
            props_removed: 3,
            labels_added: 1,
            labels_removed: 1,
        }
    );
    assert_eq!(
        effects.to_string(),
        "+nodes 1, -nodes 1, +relationships 1, +properties 1, -properties 3, +labels 1, -labels 1"
    );
}

#[test]
fn tck_side_effects_read_tables() {
    let rows = vec![
        vec!["+nodes".to_string(), "2".to_string()],
        vec!["-labels".to_string(), "1".to_string()],
    ];
    let effects = SideEffects::from_table(&rows).unwrap();
    assert_eq!(effects.nodes_added, 2);
    assert_eq!(effects.labels_removed, 1);
    assert_eq!(effects.rels_added, 0);
    assert!(SideEffects::from_table(&[vec!["+edges".into(), "1".into()]]).is_err());
    assert!(SideEffects::from_table(&[vec!["+nodes".into(), "x".into()]]).is_err());
}
