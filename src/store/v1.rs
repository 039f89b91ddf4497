//! Reading format version 1: every name a string on every element, and
//! provenance naming its article by id. Kept so old graphs still open;
//! saving always writes the current version.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::flat::FlatValue;
use crate::graph::{Graph, NodeData, NodeId, Provenance, RelData, RelId, Schema, Value};

/// The on-disk form of a graph.
#[derive(Debug, Deserialize)]
pub(super) struct Snapshot {
    nodes: Vec<NodeRecord>,
    rels: Vec<RelRecord>,
}

#[derive(Debug, Deserialize)]
struct NodeRecord {
    id: u32,
    labels: Vec<String>,
    properties: Vec<(String, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
}

#[derive(Debug, Deserialize)]
struct RelRecord {
    id: u32,
    start: u32,
    end: u32,
    rel_type: String,
    properties: Vec<(String, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
}

#[derive(Debug, Deserialize)]
struct ProvenanceRecord {
    article: String,
    sentence: u32,
    start: u32,
    end: u32,
}

impl Snapshot {
    /// The graph. A provenance entry names its article by id: it becomes
    /// the article node of that id (an entry naming no article is dropped,
    /// its element keeps the evidence it stores as properties).
    pub(super) fn into_graph(self) -> Result<Graph, String> {
        let mut articles: HashMap<String, NodeId> = HashMap::new();
        for record in &self.nodes {
            if record.labels.iter().any(|l| l == "Article") {
                if let Some((_, value)) = record.properties.iter().find(|(k, _)| k == "id") {
                    if let Some(id) = value.as_str() {
                        articles.entry(id.to_string()).or_insert(NodeId(record.id));
                    }
                }
            }
        }
        let provenance = |records: Vec<ProvenanceRecord>| -> Vec<Provenance> {
            records
                .into_iter()
                .filter_map(|p| {
                    Some(Provenance {
                        source: *articles.get(&p.article)?,
                        sentence: p.sentence,
                        start: p.start,
                        end: p.end,
                    })
                })
                .collect()
        };
        let mut nodes = Vec::with_capacity(self.nodes.len());
        for record in self.nodes {
            let node = NodeData {
                labels: record.labels,
                properties: value_properties(record.properties)?,
                provenance: provenance(record.provenance),
                sentences: Vec::new(),
            };
            nodes.push((NodeId(record.id), node));
        }
        let mut rels = Vec::with_capacity(self.rels.len());
        for record in self.rels {
            let rel = RelData {
                rel_type: record.rel_type,
                properties: value_properties(record.properties)?,
                provenance: provenance(record.provenance),
            };
            rels.push((
                RelId(record.id),
                NodeId(record.start),
                NodeId(record.end),
                rel,
            ));
        }
        Graph::from_elements(Schema::default(), nodes, rels).map_err(|e| e.to_string())
    }
}

fn value_properties(
    properties: Vec<(String, FlatValue)>,
) -> Result<BTreeMap<String, Value>, String> {
    properties
        .into_iter()
        .map(|(k, v)| Ok((k, v.into_value()?)))
        .collect()
}
