//! `kg import`: reads kg's JSON export back into a graph, keeping every
//! id, property and provenance entry, so exporting the result again gives
//! the same file.

use std::collections::BTreeMap;

use super::json::{value_from_json, File, FileProvenance, FORMAT_NAME, FORMAT_VERSION};
use crate::graph::{Graph, GraphError, NodeData, NodeId, Provenance, RelData, RelId, Schema};

/// What went wrong reading an export, said so a user can fix the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not kg's JSON export: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not kg's JSON export (format `{0}`, expected `{FORMAT_NAME}`)")]
    Format(String),
    #[error("written by a newer kg (version {0}; this kg reads up to {FORMAT_VERSION})")]
    Version(u32),
    #[error("{element}, property `{key}`: {message}")]
    Value {
        element: String,
        key: String,
        message: String,
    },
    #[error("{0}")]
    Graph(#[from] GraphError),
}

/// What an import built.
#[derive(Debug)]
pub struct Imported {
    pub graph: Graph,
    /// Whether ids had to be given anew (a sparse subgraph of a large graph
    /// whose ids cannot be kept); exports of the result then differ in ids.
    pub renumbered: bool,
}

/// Builds the graph a JSON export describes.
pub fn import(text: &str) -> Result<Imported, ImportError> {
    let file: File = serde_json::from_str(text)?;
    if file.format != FORMAT_NAME {
        return Err(ImportError::Format(file.format));
    }
    if file.version > FORMAT_VERSION {
        return Err(ImportError::Version(file.version));
    }
    let schema = Schema {
        provenance: file.schema.provenance.map(Into::into),
    };
    let mut nodes = Vec::with_capacity(file.nodes.len());
    for node in file.nodes {
        let element = format!("node {}", node.id);
        let data = NodeData {
            labels: node.labels,
            properties: properties(&element, &node.properties)?,
            provenance: provenance(&node.provenance),
            sentences: node.sentences,
        };
        nodes.push((NodeId(node.id), data));
    }
    let mut rels = Vec::with_capacity(file.relationships.len());
    for rel in file.relationships {
        let element = format!("relationship {}", rel.id);
        let data = RelData {
            rel_type: rel.rel_type,
            properties: properties(&element, &rel.properties)?,
            provenance: provenance(&rel.provenance),
        };
        rels.push((RelId(rel.id), NodeId(rel.start), NodeId(rel.end), data));
    }
    match Graph::from_elements(schema.clone(), nodes.clone(), rels.clone()) {
        Ok(graph) => Ok(Imported {
            graph,
            renumbered: false,
        }),
        Err(GraphError::IdOutOfRange(_)) => Ok(Imported {
            graph: renumbered(schema, nodes, rels)?,
            renumbered: true,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The same elements with dense ids in the same order (provenance
/// pointing at an exported node follows it; at any other, stays).
fn renumbered(
    schema: Schema,
    mut nodes: Vec<(NodeId, NodeData)>,
    mut rels: Vec<(RelId, NodeId, NodeId, RelData)>,
) -> Result<Graph, GraphError> {
    nodes.sort_by_key(|(id, _)| *id);
    rels.sort_by_key(|(id, ..)| *id);
    let new_ids: BTreeMap<NodeId, NodeId> = nodes
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, NodeId(i as u32)))
        .collect();
    let map = |id: NodeId| new_ids.get(&id).copied().ok_or(GraphError::NoSuchNode(id));
    let remap = |list: &mut Vec<Provenance>| {
        for p in list {
            if let Some(&new) = new_ids.get(&p.source) {
                p.source = new;
            }
        }
    };
    let mut new_nodes = Vec::with_capacity(nodes.len());
    for (i, (_, mut data)) in nodes.into_iter().enumerate() {
        remap(&mut data.provenance);
        new_nodes.push((NodeId(i as u32), data));
    }
    let mut new_rels = Vec::with_capacity(rels.len());
    for (i, (_, start, end, mut data)) in rels.into_iter().enumerate() {
        remap(&mut data.provenance);
        new_rels.push((RelId(i as u32), map(start)?, map(end)?, data));
    }
    Graph::from_elements(schema, new_nodes, new_rels)
}

fn properties(
    element: &str,
    json: &serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, crate::graph::Value>, ImportError> {
    json.iter()
        .map(|(key, value)| {
            value_from_json(value)
                .map(|v| (key.clone(), v))
                .map_err(|message| ImportError::Value {
                    element: element.to_string(),
                    key: key.clone(),
                    message,
                })
        })
        .collect()
}

fn provenance(entries: &[FileProvenance]) -> Vec<Provenance> {
    entries
        .iter()
        .map(|p| Provenance {
            source: NodeId(p.source),
            sentence: p.sentence.unwrap_or(Provenance::NO_SENTENCE),
            start: p.start,
            end: p.end,
        })
        .collect()
}
