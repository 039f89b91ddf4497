//! Side effects as the TCK counts them, by diffing two snapshots of the
//! graph taken through its public API: nodes and relationships by id,
//! properties as (entity, key, value) triples (so changing a value is one
//! removal plus one addition), and labels as the distinct label names present
//! in the graph.
//!
//! `Graph` reuses the ids of deleted elements, so a query that deletes a node
//! and then creates one may hand the new node the old id (Merge1 [14], Merge5
//! [20], [21] do this). The API cannot tell that from an update in place, so
//! `readings` offers both: ids as identities, and changed ids as
//! delete-plus-create (plus, for a query that deletes and creates, unchanged
//! ids as delete-plus-identical-create); the side-effect check accepts any.
//! This is lenient only where the readings are indistinguishable through the
//! API.

use std::collections::{BTreeMap, BTreeSet};

use kg::graph::Graph;

/// What the graph held at one moment, in comparable form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// Node id -> labels and properties in `Debug` form.
    nodes: BTreeMap<u32, String>,
    /// Relationship id -> (type and endpoints, properties in `Debug` form).
    rels: BTreeMap<u32, (String, String)>,
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
            let Some(node) = graph.node(id) else {
                continue;
            };
            let (labels, properties) = (node.labels(), node.properties());
            snapshot
                .nodes
                .insert(id.0, format!("{labels:?} {properties:?}"));
            snapshot.labels.extend(labels.iter().map(|l| l.to_string()));
            for (key, value) in &properties {
                snapshot
                    .properties
                    .insert(('n', id.0, key.clone(), format!("{value:?}")));
            }
        }
        for id in graph.rel_ids() {
            let (Some(rel), Some((start, end))) = (graph.rel(id), graph.endpoints(id)) else {
                continue;
            };
            let identity = format!("{} {} {}", rel.rel_type(), start.0, end.0);
            let properties = rel.properties();
            snapshot
                .rels
                .insert(id.0, (identity, format!("{properties:?}")));
            for (key, value) in &properties {
                snapshot
                    .properties
                    .insert(('r', id.0, key.clone(), format!("{value:?}")));
            }
        }
        snapshot
    }
}

/// The side effects of going from `before` to `after`, taking ids as
/// identities (a relationship whose type or endpoints changed is a new one:
/// those cannot change in place).
pub fn diff(before: &Snapshot, after: &Snapshot) -> SideEffects {
    diff_as(before, after, false, false)
}

/// Every reading of the change the snapshots allow: ids as identities, and
/// each id whose content changed read as deleted and reused instead (for
/// nodes, relationships, or both). The first entry is `diff`.
///
/// With `deletes_and_creates` (the query both deletes and creates), an id
/// whose content did not change may also have been deleted and reused by an
/// identical element, so readings replacing any number of those are added.
pub fn readings(
    before: &Snapshot,
    after: &Snapshot,
    deletes_and_creates: bool,
) -> Vec<SideEffects> {
    let mut out: Vec<SideEffects> = Vec::new();
    let mut push = |effects: SideEffects| {
        if !out.contains(&effects) {
            out.push(effects);
        }
    };
    let base: Vec<SideEffects> = [(false, false), (true, false), (false, true), (true, true)]
        .iter()
        .map(|&(nodes, rels)| diff_as(before, after, nodes, rels))
        .collect();
    for effects in &base {
        push(*effects);
    }
    if !deletes_and_creates {
        return out;
    }
    let prop_count = |kind: char, id: u32| {
        before
            .properties
            .iter()
            .filter(|(k, i, _, _)| *k == kind && *i == id)
            .count()
    };
    let unchanged_nodes: Vec<usize> = after
        .nodes
        .iter()
        .filter(|(id, content)| before.nodes.get(id) == Some(*content))
        .map(|(id, _)| prop_count('n', *id))
        .collect();
    let unchanged_rels: Vec<usize> = after
        .rels
        .iter()
        .filter(|(id, content)| before.rels.get(id) == Some(*content))
        .map(|(id, _)| prop_count('r', *id))
        .collect();
    // Bound the enumeration; TCK graphs have a handful of elements.
    if unchanged_nodes.len() + unchanged_rels.len() > 64 {
        return out;
    }
    let node_sets = subset_sums(&unchanged_nodes);
    let rel_sets = subset_sums(&unchanged_rels);
    for effects in &base {
        for &(n, n_props) in &node_sets {
            for &(r, r_props) in &rel_sets {
                push(SideEffects {
                    nodes_added: effects.nodes_added + n,
                    nodes_removed: effects.nodes_removed + n,
                    rels_added: effects.rels_added + r,
                    rels_removed: effects.rels_removed + r,
                    props_added: effects.props_added + n_props + r_props,
                    props_removed: effects.props_removed + n_props + r_props,
                    ..*effects
                });
            }
        }
    }
    out
}

/// Every (number of elements, total property count) a subset of elements
/// with these property counts can have.
fn subset_sums(prop_counts: &[usize]) -> BTreeSet<(usize, usize)> {
    let mut sums = BTreeSet::from([(0, 0)]);
    for &p in prop_counts {
        let next: Vec<(usize, usize)> = sums.iter().map(|&(n, q)| (n + 1, q + p)).collect();
        sums.extend(next);
    }
    sums
}

fn diff_as(
    before: &Snapshot,
    after: &Snapshot,
    reuse_nodes: bool,
    reuse_rels: bool,
) -> SideEffects {
    let replaced_nodes: BTreeSet<u32> = after
        .nodes
        .iter()
        .filter(|(id, content)| {
            reuse_nodes && before.nodes.get(id).is_some_and(|old| old != *content)
        })
        .map(|(id, _)| *id)
        .collect();
    let replaced_rels: BTreeSet<u32> = after
        .rels
        .iter()
        .filter(|(id, (identity, content))| {
            before
                .rels
                .get(id)
                .is_some_and(|(old_identity, old_content)| {
                    old_identity != identity || (reuse_rels && old_content != content)
                })
        })
        .map(|(id, _)| *id)
        .collect();
    // An entity is (id, generation): a replaced id in `after` is generation 1.
    let generation = |kind: char, id: u32| -> u8 {
        let replaced = match kind {
            'n' => &replaced_nodes,
            _ => &replaced_rels,
        };
        u8::from(replaced.contains(&id))
    };
    let ids = |map_ids: Vec<u32>, kind: char, later: bool| -> BTreeSet<(u32, u8)> {
        map_ids
            .into_iter()
            .map(|id| (id, if later { generation(kind, id) } else { 0 }))
            .collect()
    };
    let props = |snapshot: &Snapshot, later: bool| -> BTreeSet<(char, u32, u8, String, String)> {
        snapshot
            .properties
            .iter()
            .map(|(kind, id, key, value)| {
                let generation = if later { generation(*kind, *id) } else { 0 };
                (*kind, *id, generation, key.clone(), value.clone())
            })
            .collect()
    };
    fn count<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> usize {
        a.difference(b).count()
    }
    let nodes_before = ids(before.nodes.keys().copied().collect(), 'n', false);
    let nodes_after = ids(after.nodes.keys().copied().collect(), 'n', true);
    let rels_before = ids(before.rels.keys().copied().collect(), 'r', false);
    let rels_after = ids(after.rels.keys().copied().collect(), 'r', true);
    let props_before = props(before, false);
    let props_after = props(after, true);
    SideEffects {
        nodes_added: count(&nodes_after, &nodes_before),
        nodes_removed: count(&nodes_before, &nodes_after),
        rels_added: count(&rels_after, &rels_before),
        rels_removed: count(&rels_before, &rels_after),
        props_added: count(&props_after, &props_before),
        props_removed: count(&props_before, &props_after),
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

#[test]
fn tck_side_effects_read_id_reuse_as_delete_and_create() {
    use kg::graph::Value;
    let one = |k: i64| BTreeMap::from([("num".to_string(), Value::Int(k))]);
    let mut graph = Graph::new();
    let a = graph.add_node(["A"], one(1));
    let b = graph.add_node(["A"], one(2));
    let before = Snapshot::of(&graph);
    // MATCH (a:A) DELETE a MERGE (a2:A): the new node takes a freed id.
    graph.remove_node(a).unwrap();
    graph.remove_node(b).unwrap();
    let c = graph.add_node(["A"], BTreeMap::new());
    assert!(c == a || c == b, "petgraph reuses freed slots");
    let after = Snapshot::of(&graph);
    let expected = SideEffects {
        nodes_added: 1,
        nodes_removed: 2,
        props_removed: 2,
        ..SideEffects::default()
    };
    assert_ne!(diff(&before, &after), expected);
    assert!(readings(&before, &after, false).contains(&expected));
    // A reused id whose new element looks exactly like the deleted one is
    // only considered when the query deletes and creates.
    let mut graph = Graph::new();
    let a = graph.add_node(["C"], BTreeMap::new());
    let before = Snapshot::of(&graph);
    graph.remove_node(a).unwrap();
    assert_eq!(graph.add_node(["C"], BTreeMap::new()), a);
    let after = Snapshot::of(&graph);
    let replaced = SideEffects {
        nodes_added: 1,
        nodes_removed: 1,
        ..SideEffects::default()
    };
    assert_eq!(
        readings(&before, &after, false),
        vec![SideEffects::default()]
    );
    assert!(readings(&before, &after, true).contains(&replaced));
    assert!(subset_sums(&[1, 2]).contains(&(2, 3)));
    assert_eq!(subset_sums(&[1, 2]).len(), 4);
    // An update in place has one reading only when nothing else changed.
    let mut graph = Graph::new();
    let a = graph.add_node(["A"], one(1));
    let before = Snapshot::of(&graph);
    graph.set_node_property(a, "num", Value::Int(5)).unwrap();
    let after = Snapshot::of(&graph);
    let readings = readings(&before, &after, false);
    assert_eq!(readings.len(), 2);
    assert_eq!(readings[0].props_added, 1);
    assert_eq!(readings[0].nodes_added, 0);
}
