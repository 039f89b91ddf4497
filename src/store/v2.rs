//! Format version 2: the names of labels, types and keys in one table each
//! and every element naming them by index; provenance as four integers
//! naming its source node; a source's sentence spans beside it. Integers
//! are varints (bincode's default), so an id or a span takes a few bytes.
//!
//! Saving serialises straight from the graph's stored records, so it
//! allocates no copy of the graph; loading decodes into plain records and
//! hands each, ids and all, to the graph's builder as it is decoded; the
//! builder checks them.

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::flat::{FlatOut, FlatValue};
use crate::graph::{
    Graph, GraphBuilder, Node, NodeId, Provenance, ProvenanceKeys, Rel, RelId, Schema,
};

/// The payload, decoded element by element straight into the graph's
/// builder (no copy of the whole file's records is ever held).
pub(super) struct Payload;

impl<'de> serde::de::DeserializeSeed<'de> for Payload {
    type Value = Result<Graph, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_tuple(6, PayloadVisitor)
    }
}

struct PayloadVisitor;

impl<'de> Visitor<'de> for PayloadVisitor {
    type Value = Result<Graph, String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a kg graph payload")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let missing = || de::Error::custom("the payload ends early");
        let schema: Option<KeysRecord> = seq.next_element()?.ok_or_else(missing)?;
        let labels: Vec<String> = seq.next_element()?.ok_or_else(missing)?;
        let types: Vec<String> = seq.next_element()?.ok_or_else(missing)?;
        let keys: Vec<String> = seq.next_element()?.ok_or_else(missing)?;
        let schema = Schema {
            provenance: schema.map(KeysRecord::into_keys),
        };
        let mut builder = match GraphBuilder::with_names(schema, &labels, &types, &keys) {
            Ok(builder) => builder,
            Err(e) => return Ok(Err(e)),
        };
        seq.next_element_seed(Elements::<NodeRecord>::new(&mut builder))?
            .ok_or_else(missing)?
            .map_err(de::Error::custom)?;
        seq.next_element_seed(Elements::<RelRecord>::new(&mut builder))?
            .ok_or_else(missing)?
            .map_err(de::Error::custom)?;
        Ok(builder.finish().map_err(|e| e.to_string()))
    }
}

/// A record the builder takes.
trait Element {
    fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String>;
}

/// A sequence of records, each handed to the builder as it is decoded.
struct Elements<'b, T> {
    builder: &'b mut GraphBuilder,
    element: std::marker::PhantomData<T>,
}

impl<'b, T> Elements<'b, T> {
    fn new(builder: &'b mut GraphBuilder) -> Elements<'b, T> {
        Elements {
            builder,
            element: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de> + Element> serde::de::DeserializeSeed<'de> for Elements<'_, T> {
    type Value = Result<(), String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de> + Element> Visitor<'de> for Elements<'_, T> {
    type Value = Result<(), String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence of graph elements")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while let Some(record) = seq.next_element::<T>()? {
            if let Err(e) = record.add_to(self.builder) {
                return Ok(Err(e));
            }
        }
        Ok(Ok(()))
    }
}

impl Element for NodeRecord {
    fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String> {
        builder.raw_node(
            NodeId(self.id),
            self.labels,
            props_of(self.props)?,
            self.provenance,
            self.sentences,
        )
    }
}

impl Element for RelRecord {
    fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String> {
        builder.raw_rel(
            RelId(self.id),
            (NodeId(self.start), NodeId(self.end)),
            self.rel_type,
            props_of(self.props)?,
            self.provenance,
        )
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct KeysRecord {
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
    #[serde(deserialize_with = "provenance_list")]
    provenance: Vec<Provenance>,
    sentences: Vec<(u32, u32)>,
}

#[derive(Deserialize)]
struct RelRecord {
    id: u32,
    start: u32,
    end: u32,
    rel_type: u32,
    props: Vec<(u32, FlatValue)>,
    #[serde(deserialize_with = "provenance_list")]
    provenance: Vec<Provenance>,
}

impl KeysRecord {
    pub(super) fn of(keys: &ProvenanceKeys) -> KeysRecord {
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

    pub(super) fn into_keys(self) -> ProvenanceKeys {
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

/// A provenance list, each entry read as its four integers straight into
/// the graph's form (no second list is built).
fn provenance_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Provenance>, D::Error> {
    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<Provenance>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a provenance list")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // the length is the file's word: grow as entries arrive
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some((source, sentence, start, end)) =
                seq.next_element::<ProvenanceRecord>()?
            {
                list.push(Provenance {
                    source: NodeId(source),
                    sentence,
                    start,
                    end,
                });
            }
            Ok(list)
        }
    }
    deserializer.deserialize_seq(List)
}

fn props_of(records: Vec<(u32, FlatValue)>) -> Result<Vec<(u32, crate::graph::Value)>, String> {
    records
        .into_iter()
        .map(|(k, v)| Ok((k, v.into_value()?)))
        .collect()
}

/// The payload of a graph, serialised in the order [`Payload`] reads.
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
