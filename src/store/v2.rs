//! Format version 2: the names of labels, types and keys in one table each
//! and every element naming them by index; provenance as four integers
//! naming its source node; a source's sentence spans beside it. Integers
//! are varints (bincode's default), so an id or a span takes a few bytes.
//!
//! Saving serialises straight from the graph's stored records, so it
//! allocates no copy of the graph; loading decodes into plain records and
//! hands them, ids and all, to the graph's builder, which checks them.

use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Serialize, Serializer};

use super::flat::{FlatOut, FlatValue};
use crate::graph::{
    Graph, GraphBuilder, Node, NodeId, Provenance, ProvenanceKeys, Rel, RelId, Schema,
};

/// The decoded payload.
#[derive(Deserialize)]
pub(super) struct Snapshot {
    schema: Option<KeysRecord>,
    labels: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
    nodes: Vec<NodeRecord>,
    rels: Vec<RelRecord>,
}

#[derive(Serialize, Deserialize)]
struct KeysRecord {
    source: String,
    sentence: String,
    evidence: String,
    sentences: String,
    count: String,
    summary_types: Vec<String>,
    source_id: String,
    source_text: String,
}

type ProvenanceRecord = (u32, u32, u32, u32);

#[derive(Deserialize)]
struct NodeRecord {
    id: u32,
    labels: Vec<u32>,
    props: Vec<(u32, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
    sentences: Vec<(u32, u32)>,
}

#[derive(Deserialize)]
struct RelRecord {
    id: u32,
    start: u32,
    end: u32,
    rel_type: u32,
    props: Vec<(u32, FlatValue)>,
    provenance: Vec<ProvenanceRecord>,
}

impl KeysRecord {
    fn of(keys: &ProvenanceKeys) -> KeysRecord {
        KeysRecord {
            source: keys.source.clone(),
            sentence: keys.sentence.clone(),
            evidence: keys.evidence.clone(),
            sentences: keys.sentences.clone(),
            count: keys.count.clone(),
            summary_types: keys.summary_types.clone(),
            source_id: keys.source_id.clone(),
            source_text: keys.source_text.clone(),
        }
    }

    fn into_keys(self) -> ProvenanceKeys {
        ProvenanceKeys {
            source: self.source,
            sentence: self.sentence,
            evidence: self.evidence,
            sentences: self.sentences,
            count: self.count,
            summary_types: self.summary_types,
            source_id: self.source_id,
            source_text: self.source_text,
        }
    }
}

fn provenance_of(records: Vec<ProvenanceRecord>) -> Vec<Provenance> {
    records
        .into_iter()
        .map(|(source, sentence, start, end)| Provenance {
            source: NodeId(source),
            sentence,
            start,
            end,
        })
        .collect()
}

fn props_of(records: Vec<(u32, FlatValue)>) -> Result<Vec<(u32, crate::graph::Value)>, String> {
    records
        .into_iter()
        .map(|(k, v)| Ok((k, v.into_value()?)))
        .collect()
}

impl Snapshot {
    pub(super) fn into_graph(self) -> Result<Graph, String> {
        let schema = Schema {
            provenance: self.schema.map(KeysRecord::into_keys),
        };
        let mut builder = GraphBuilder::with_names(schema, &self.labels, &self.types, &self.keys)?;
        for node in self.nodes {
            builder.raw_node(
                NodeId(node.id),
                node.labels,
                props_of(node.props)?,
                provenance_of(node.provenance),
                node.sentences,
            )?;
        }
        for rel in self.rels {
            builder.raw_rel(
                RelId(rel.id),
                (NodeId(rel.start), NodeId(rel.end)),
                rel.rel_type,
                props_of(rel.props)?,
                provenance_of(rel.provenance),
            )?;
        }
        builder.finish().map_err(|e| e.to_string())
    }
}

/// The payload of a graph, serialised in the field order of [`Snapshot`].
pub(super) struct GraphOut<'g>(pub(super) &'g Graph);

impl Serialize for GraphOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.0;
        let mut out = serializer.serialize_tuple(6)?;
        out.serialize_element(&graph.schema().provenance.as_ref().map(KeysRecord::of))?;
        out.serialize_element(&Names(graph.label_names()))?;
        out.serialize_element(&Names(graph.type_names()))?;
        out.serialize_element(&Names(graph.key_names()))?;
        out.serialize_element(&Nodes(graph))?;
        out.serialize_element(&Rels(graph))?;
        out.end()
    }
}

struct Names<I>(I);

impl<'a, I: ExactSizeIterator<Item = &'a str> + Clone> Serialize for Names<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

struct Nodes<'g>(&'g Graph);

impl Serialize for Nodes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.0;
        let mut seq = serializer.serialize_seq(Some(graph.node_count()))?;
        for (id, node) in graph.stored_nodes() {
            seq.serialize_element(&NodeOut {
                id,
                node,
                sentences: graph.source_sentences(id).unwrap_or_default(),
            })?;
        }
        seq.end()
    }
}

struct NodeOut<'g> {
    id: NodeId,
    node: &'g Node,
    sentences: &'g [(u32, u32)],
}

impl Serialize for NodeOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_tuple(5)?;
        out.serialize_element(&self.id.0)?;
        out.serialize_element(&*self.node.labels)?;
        out.serialize_element(&PropsOut(&self.node.props))?;
        out.serialize_element(&ProvenanceOut(&self.node.provenance))?;
        out.serialize_element(self.sentences)?;
        out.end()
    }
}

struct Rels<'g>(&'g Graph);

impl Serialize for Rels<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let graph = self.0;
        let mut seq = serializer.serialize_seq(Some(graph.rel_count()))?;
        for (id, start, end, rel) in graph.stored_rels() {
            seq.serialize_element(&RelOut {
                id,
                start,
                end,
                rel,
            })?;
        }
        seq.end()
    }
}

struct RelOut<'g> {
    id: RelId,
    start: NodeId,
    end: NodeId,
    rel: &'g Rel,
}

impl Serialize for RelOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_tuple(6)?;
        out.serialize_element(&self.id.0)?;
        out.serialize_element(&self.start.0)?;
        out.serialize_element(&self.end.0)?;
        out.serialize_element(&self.rel.rel_type)?;
        out.serialize_element(&PropsOut(&self.rel.props))?;
        out.serialize_element(&ProvenanceOut(&self.rel.provenance))?;
        out.end()
    }
}

struct PropsOut<'g>(&'g crate::graph::Props);

impl Serialize for PropsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(k, v)| (k, FlatOut(v))))
    }
}

struct ProvenanceOut<'g>(&'g [Provenance]);

impl Serialize for ProvenanceOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .map(|p| (p.source.0, p.sentence, p.start, p.end)),
        )
    }
}
