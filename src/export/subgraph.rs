//! Which elements an export holds: what a query returned (nodes,
//! relationships, paths, and the relationships among the returned nodes),
//! or the whole graph; widened by `hops`, narrowed by excluded labels and
//! types and by a node limit. Only ids are kept: every format reads the
//! elements from the graph, so all of them see the same properties and
//! provenance.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{Direction, Graph, NodeId, RelId};
use crate::table::{Item, Table};

/// The nodes and relationships of an export, in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subgraph {
    pub nodes: BTreeSet<NodeId>,
    pub rels: BTreeSet<RelId>,
}

/// How a subgraph is chosen beyond what the query returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Labels whose nodes are left out, wherever they come from.
    pub exclude_labels: Vec<String>,
    /// Relationship types left out, wherever they come from.
    pub exclude_types: Vec<String>,
    /// Labels and types left out of what the export adds by itself (the
    /// whole graph, the neighbourhood, the relationships among returned
    /// nodes), but kept when the query returns them.
    pub default_exclude_labels: Vec<String>,
    pub default_exclude_types: Vec<String>,
    /// Adds the nodes up to this many relationships away.
    pub hops: u32,
    /// Keeps at most this many nodes (returned ones first, then the
    /// nearest, then by id).
    pub max_nodes: Option<usize>,
}

/// The mention edges and article nodes that turn a drawing of the whole
/// graph into a hairball: every entity points at every article naming it.
pub const NEWS_NOISE_LABELS: [&str; 1] = ["Article"];
pub const NEWS_NOISE_TYPES: [&str; 1] = ["MENTIONED_IN"];

impl Selection {
    /// No exclusions, no hops, no limit: every element asked for.
    pub fn everything() -> Selection {
        Selection::default()
    }

    fn label_excluded(&self, graph: &Graph, id: NodeId, by_default: bool) -> bool {
        let Some(node) = graph.node(id) else {
            return true;
        };
        let hit = |labels: &[String]| labels.iter().any(|l| node.has_label(l));
        hit(&self.exclude_labels) || (by_default && hit(&self.default_exclude_labels))
    }

    fn type_excluded(&self, graph: &Graph, id: RelId, by_default: bool) -> bool {
        let Some(rel) = graph.rel(id) else {
            return true;
        };
        let rel_type = rel.rel_type();
        let hit = |types: &[String]| types.iter().any(|t| t == rel_type);
        hit(&self.exclude_types) || (by_default && hit(&self.default_exclude_types))
    }
}

/// A chosen subgraph and what the user should be told about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chosen {
    pub subgraph: Subgraph,
    pub warnings: Vec<String>,
}

/// Every node and relationship of the graph the selection keeps.
pub fn whole(graph: &Graph, selection: &Selection) -> Chosen {
    let nodes: Vec<NodeId> = graph
        .node_ids()
        .filter(|&id| !selection.label_excluded(graph, id, true))
        .collect();
    let mut chosen = Chosen::default();
    if graph.node_count() == 0 {
        chosen
            .warnings
            .push("the graph is empty, so the export is empty".to_string());
    }
    let distance: BTreeMap<NodeId, u32> = nodes.iter().map(|&id| (id, 0)).collect();
    chosen.subgraph.nodes = nodes.into_iter().collect();
    limit(selection, &distance, &BTreeSet::new(), &mut chosen);
    chosen.subgraph.rels = graph
        .rel_ids()
        .filter(|&id| !selection.type_excluded(graph, id, true))
        .filter(|&id| ends_kept(graph, id, &chosen.subgraph.nodes))
        .collect();
    chosen
}

/// The graph elements found anywhere in a result table (inside lists,
/// maps and paths too), with the relationships among them, then widened
/// and narrowed as the selection says.
pub fn from_table(graph: &Graph, table: &Table, selection: &Selection) -> Chosen {
    let mut returned = Subgraph::default();
    for item in table.rows.iter().flatten() {
        collect(item, &mut returned);
    }
    let mut chosen = Chosen::default();
    if returned.nodes.is_empty() && returned.rels.is_empty() {
        chosen.warnings.push(
            "the query returned no nodes, relationships or paths, so the export is empty \
             (return the elements themselves, e.g. `RETURN p, r` rather than `RETURN p.name`)"
                .to_string(),
        );
        return chosen;
    }
    let gone = returned
        .nodes
        .iter()
        .filter(|&&id| !graph.contains_node(id))
        .count()
        + returned
            .rels
            .iter()
            .filter(|&&id| !graph.contains_rel(id))
            .count();
    if gone > 0 {
        chosen.warnings.push(format!(
            "{gone} returned element{} no longer in the graph (deleted by the query) and left out",
            if gone == 1 { " is" } else { "s are" }
        ));
    }
    // Returned relationships bring their end nodes, so no edge dangles.
    let mut rels: BTreeSet<RelId> = returned
        .rels
        .iter()
        .copied()
        .filter(|&id| !selection.type_excluded(graph, id, false))
        .collect();
    let mut seeds: BTreeSet<NodeId> = returned.nodes.clone();
    seeds.extend(
        rels.iter()
            .filter_map(|&id| graph.endpoints(id))
            .flat_map(|(s, e)| [s, e]),
    );
    seeds.retain(|&id| !selection.label_excluded(graph, id, false));
    rels.retain(|&id| ends_kept(graph, id, &seeds));

    let mut distance: BTreeMap<NodeId, u32> = seeds.iter().map(|&id| (id, 0)).collect();
    let mut frontier: Vec<NodeId> = seeds.iter().copied().collect();
    for hop in 1..=selection.hops {
        let mut next = Vec::new();
        for &node in &frontier {
            for edge in graph.edges(node, Direction::Both) {
                let other = edge.other(node);
                if distance.contains_key(&other)
                    || selection.type_excluded(graph, edge.rel, true)
                    || selection.label_excluded(graph, other, true)
                {
                    continue;
                }
                distance.insert(other, hop);
                next.push(other);
            }
        }
        next.sort_unstable();
        frontier = next;
    }
    chosen.subgraph.nodes = distance.keys().copied().collect();
    limit(selection, &distance, &seeds, &mut chosen);
    // The relationships among the kept nodes (the query's own always).
    let nodes = &chosen.subgraph.nodes;
    rels.retain(|&id| ends_kept(graph, id, nodes));
    for &node in nodes {
        for edge in graph.edges(node, Direction::Outgoing) {
            if nodes.contains(&edge.end) && !selection.type_excluded(graph, edge.rel, true) {
                rels.insert(edge.rel);
            }
        }
    }
    chosen.subgraph.rels = rels;
    chosen
}

/// Applies `max_nodes`: returned nodes first, then the nearest, then by id.
fn limit(
    selection: &Selection,
    distance: &BTreeMap<NodeId, u32>,
    seeds: &BTreeSet<NodeId>,
    chosen: &mut Chosen,
) {
    let Some(max) = selection.max_nodes else {
        return;
    };
    let total = chosen.subgraph.nodes.len();
    if total <= max {
        return;
    }
    let mut order: Vec<NodeId> = chosen.subgraph.nodes.iter().copied().collect();
    order.sort_by_key(|id| (!seeds.contains(id), distance.get(id).copied(), *id));
    order.truncate(max);
    chosen.subgraph.nodes = order.into_iter().collect();
    chosen.warnings.push(format!(
        "the subgraph has {total} nodes; keeping the first {max} (raise --max-nodes, or narrow \
         it with --query, --exclude-label or --exclude-type)"
    ));
}

fn ends_kept(graph: &Graph, id: RelId, nodes: &BTreeSet<NodeId>) -> bool {
    graph
        .endpoints(id)
        .is_some_and(|(s, e)| nodes.contains(&s) && nodes.contains(&e))
}

fn collect(item: &Item, into: &mut Subgraph) {
    match item {
        Item::Node(node) => {
            into.nodes.insert(node.id);
        }
        Item::Rel(rel) => {
            into.rels.insert(rel.id);
        }
        Item::Path(path) => {
            into.nodes.extend(path.nodes.iter().map(|n| n.id));
            into.rels.extend(path.rels.iter().map(|r| r.id));
        }
        Item::List(items) => items.iter().for_each(|i| collect(i, into)),
        Item::Map(map) => map.values().for_each(|i| collect(i, into)),
        _ => {}
    }
}
