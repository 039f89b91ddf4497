//! The graph side of entity resolution: the resolver over the entity nodes
//! already in the graph, a node's names, and joining two nodes that turn
//! out to be one entity (an institution named one way in one ingest and
//! another way in the next, until an article names it both ways).
//!
//! Joining keeps what ingesting the articles in one call would have made:
//! the relationships move to the kept node, a fact written once per pair of
//! nodes stays one relationship (gaining the other's provenance), and
//! roles of one institution with the same title become one role.
//! Everything here goes through `Graph`'s public methods, in few calls.

use std::collections::BTreeMap;

use crate::graph::{fold, Direction, Graph, GraphError, NodeId, Value};
use crate::resolve::{self, Key, Kind, Resolver};

/// The one relationship type written once per fact rather than once per
/// pair of nodes (a person holds a role again in every article saying so).
const REPEATED: &str = "HOLDS";

/// The entity nodes under resolution. The resolver names entities by
/// number, not by `NodeId`: a removed node's id can be reused by the next
/// node made, an entity number never is.
pub(super) struct Entities {
    resolver: Resolver<usize>,
    /// Entity number to its node (of the entity it was joined into, once
    /// joined: look up through the resolver).
    nodes: Vec<NodeId>,
}

impl Entities {
    /// The entity nodes of `graph`, each bound to its keys. Nodes that share
    /// a key (a graph made before these rules) stay apart until a new
    /// mention joins them.
    pub(super) fn of(graph: &Graph) -> Entities {
        let mut entities = Entities {
            resolver: Resolver::new(),
            nodes: Vec::new(),
        };
        for kind in Kind::ALL {
            for node in graph.nodes_with_label(kind.label()) {
                let (name, aliases) = names(graph, node);
                let keys = resolve::keys(kind, &name, &aliases);
                entities.resolver.bind_unjoined(keys, entities.nodes.len());
                entities.nodes.push(node);
            }
        }
        entities
    }

    /// The node of entity `entity` now.
    pub(super) fn node(&self, entity: usize) -> NodeId {
        self.nodes[self.resolver.current(entity)]
    }

    /// The entity with `keys` (and `also`, the entity its extraction id
    /// already names): the one they name, a new one whose node `make`
    /// adds, or, when they name several, those joined into one, in the
    /// graph too. Returns the entity and the nodes joined into its node
    /// (removed from the graph).
    pub(super) fn resolve(
        &mut self,
        graph: &mut Graph,
        keys: &[Key],
        also: Option<usize>,
        make: impl FnOnce(&mut Graph) -> NodeId,
    ) -> Result<(usize, Vec<NodeId>), GraphError> {
        let nodes = &mut self.nodes;
        let resolution = self.resolver.resolve(keys, also, || {
            nodes.push(make(graph));
            nodes.len() - 1
        });
        let keep = self.nodes[resolution.entity];
        let mut gone = Vec::with_capacity(resolution.absorbed.len());
        for absorbed in resolution.absorbed {
            let node = self.nodes[absorbed];
            merge_nodes(graph, keep, node)?;
            gone.push(node);
        }
        Ok((resolution.entity, gone))
    }
}

/// A node's `name` and `aliases` (empty when it has none).
fn names(graph: &Graph, node: NodeId) -> (String, Vec<String>) {
    let Some(node) = graph.node(node) else {
        return (String::new(), Vec::new());
    };
    let name = node
        .property("name")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let aliases = match node.property("aliases").as_deref() {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    (name, aliases)
}

/// Gives `node` also the name `name` and the `aliases`: it is called by the
/// preferred of its name and `name` (`resolve::preferred`, so not by
/// whichever came first), and every other string is an alias, one spelling
/// per `resolve::alias_class`.
pub(super) fn adopt_names(
    graph: &mut Graph,
    node: NodeId,
    kind: Kind,
    name: &str,
    aliases: &[String],
) -> Result<(), GraphError> {
    let (current, old) = names(graph, node);
    let best = if current.is_empty() {
        name
    } else {
        resolve::preferred(&current, name)
    };
    let mut classes = vec![resolve::alias_class(kind, best)];
    let mut list: Vec<String> = Vec::new();
    let candidates = old.iter().map(String::as_str);
    let candidates = candidates.chain([current.as_str(), name]);
    for alias in candidates.chain(aliases.iter().map(String::as_str)) {
        let class = resolve::alias_class(kind, alias);
        if !alias.is_empty() && !classes.contains(&class) {
            classes.push(class);
            list.push(alias.to_string());
        }
    }
    if best != current {
        graph.set_node_property(node, "name", Value::from(best))?;
    }
    if list != old {
        let list = list.into_iter().map(Value::from).collect();
        graph.set_node_property(node, "aliases", Value::List(list))?;
    }
    Ok(())
}

/// Joins node `gone` into node `keep`: relationships, names, the properties
/// `keep` lacks and provenance; then `gone` is removed.
pub(super) fn merge_nodes(graph: &mut Graph, keep: NodeId, gone: NodeId) -> Result<(), GraphError> {
    if keep == gone {
        return Ok(());
    }
    move_relationships(graph, keep, gone)?;
    let (name, aliases) = names(graph, gone);
    let node = graph.remove_node(gone)?;
    let kind = node.labels.iter().find_map(|l| Kind::of_label(l));
    if let Some(kind) = kind {
        adopt_names(graph, keep, kind, &name, &aliases)?;
    }
    for (key, value) in node.properties {
        let missing = graph.node(keep).is_some_and(|n| n.property(&key).is_none());
        if missing && key != "aliases" {
            graph.set_node_property(keep, &key, value)?;
        }
    }
    for provenance in node.provenance {
        graph.add_node_provenance(keep, provenance)?;
    }
    if kind == Some(Kind::Institution) {
        merge_duplicate_roles(graph, keep)?;
    }
    Ok(())
}

/// Moves every relationship of `gone` to `keep`. One between the two is
/// dropped (ingest never links a node to itself), and one that `keep`
/// already has (same type, same other end) only adds its provenance.
fn move_relationships(graph: &mut Graph, keep: NodeId, gone: NodeId) -> Result<(), GraphError> {
    let moved = |n: NodeId| if n == gone { keep } else { n };
    for adjacent in graph.adjacent(gone, Direction::Both) {
        let rel = graph.remove_rel(adjacent.rel)?;
        let (start, end) = (moved(adjacent.start), moved(adjacent.end));
        if start == end {
            continue;
        }
        let existing = graph.find_rel(start, end, &rel.rel_type);
        match existing {
            Some(same) if rel.rel_type != REPEATED => {
                for provenance in rel.provenance {
                    graph.add_rel_provenance(same, provenance)?;
                }
            }
            _ => {
                graph.insert_rel(start, end, rel)?;
            }
        }
    }
    Ok(())
}

/// Joins the roles `OF` one institution that have the same title (ingest
/// makes one role per title and institution), into the earliest.
fn merge_duplicate_roles(graph: &mut Graph, institution: NodeId) -> Result<(), GraphError> {
    let mut by_title: BTreeMap<String, Vec<NodeId>> = BTreeMap::new();
    for adjacent in graph.adjacent(institution, Direction::Incoming) {
        let Some(role) = graph.node(adjacent.start) else {
            continue;
        };
        let is_of = graph
            .rel(adjacent.rel)
            .is_some_and(|r| r.rel_type() == "OF");
        let title = role.property("title").and_then(|t| t.as_str().map(fold));
        if let (true, true, Some(title)) = (is_of, role.has_label("Role"), title) {
            by_title.entry(title).or_default().push(adjacent.start);
        }
    }
    for mut roles in by_title.into_values() {
        roles.sort();
        roles.dedup();
        if let Some((&keep, rest)) = roles.split_first() {
            for &gone in rest {
                merge_nodes(graph, keep, gone)?;
            }
        }
    }
    Ok(())
}
