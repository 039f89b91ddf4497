//! Format versions 2 and 3: the names of labels, types and keys in one
//! table each and every element naming them by index; provenance as four
//! integers naming its source node; a source's sentence spans beside it.
//! Integers are varints (bincode's default), so an id or a span takes a few
//! bytes. Version 3 adds one field to each node: its text under the
//! schema's `source_text` key as the graph holds it, zstd-compressed (so
//! neither saving nor loading compresses anything); in version 2 that text
//! is one of the node's properties.
//!
//! Saving serialises straight from the graph's stored records, so it
//! allocates no copy of the graph; loading decodes into plain records and
//! hands each, ids and all, to the graph's builder as it is decoded; the
//! builder checks them.

use serde::ser::{SerializeSeq, SerializeTuple};
use serde::{Deserialize, Serialize, Serializer};

use super::flat::{FlatOut, FlatToken, FlatValue};
use super::varint::{ReadError, ReadResult, VarintReader};
use crate::graph::{
    Graph, GraphBuilder, Node, NodeId, PackedText, Provenance, ProvenanceIn, ProvenanceKeys, Rel,
    RelId, Schema, Value,
};

/// How a version 3 node record gives its packed text.
const NO_TEXT: u32 = 0;
const RAW_TEXT: u32 = 1;
const ZSTD_TEXT: u32 = 2;

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

/// The payload of a graph, serialised in the order [`read_payload`] reads.
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
                text: graph.packed(id),
            })?;
        }
        seq.end()
    }
}

struct NodeOut<'g> {
    id: NodeId,
    node: &'g Node,
    sentences: &'g [(u32, u32)],
    text: Option<&'g PackedText>,
}

impl Serialize for NodeOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_tuple(6)?;
        out.serialize_element(&self.id.0)?;
        out.serialize_element(self.node.labels())?;
        out.serialize_element(&PropsOut(self.node.props()))?;
        out.serialize_element(&ProvenanceOut(self.node.provenance()))?;
        out.serialize_element(self.sentences)?;
        out.serialize_element(&TextOut(self.text))?;
        out.end()
    }
}

/// A packed text: its kind ([`NO_TEXT`], [`RAW_TEXT`], [`ZSTD_TEXT`]),
/// then the string, or the text's length and the frame's bytes.
struct TextOut<'g>(Option<&'g PackedText>);

impl Serialize for TextOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => serializer.serialize_u32(NO_TEXT),
            Some(PackedText::Raw(text)) => {
                let mut out = serializer.serialize_tuple(2)?;
                out.serialize_element(&RAW_TEXT)?;
                out.serialize_element(&**text)?;
                out.end()
            }
            Some(PackedText::Zstd { frame, len }) => {
                let mut out = serializer.serialize_tuple(3)?;
                out.serialize_element(&ZSTD_TEXT)?;
                out.serialize_element(len)?;
                out.serialize_element(&Bytes(frame))?;
                out.end()
            }
        }
    }
}

struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
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
        out.serialize_element(&self.rel.rel_type())?;
        out.serialize_element(&PropsOut(self.rel.props()))?;
        out.serialize_element(&ProvenanceOut(&self.rel.provenance()))?;
        out.end()
    }
}

struct PropsOut<'g>(crate::graph::PropsRef<'g>);

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

/// Decodes a payload by hand from bincode's byte layout (`varint`), into
/// the graph's builder record by record, in the order [`GraphOut`] writes
/// it (`version` 2 or 3). The serde decoder `oracle::Payload` reads the
/// version 3 layout; tests check the two agree.
pub(super) fn read_payload<R: std::io::Read>(
    r: &mut VarintReader<R>,
    version: u32,
) -> Result<Graph, ReadError> {
    let schema = if r.option()? {
        Some(ProvenanceKeys {
            source: r.string()?,
            sentence: r.string()?,
            evidence: r.string()?,
            sentences: r.string()?,
            count: r.string()?,
            summary_types: read_strings(r)?,
            source_id: r.string()?,
            source_text: r.string()?,
        })
    } else {
        None
    };
    let labels = read_strings(r)?;
    let types = read_strings(r)?;
    let keys = read_strings(r)?;
    let schema = Schema { provenance: schema };
    let mut builder =
        GraphBuilder::with_names(schema, &labels, &types, &keys).map_err(ReadError::Invalid)?;
    // a node record is at least its id and four lengths (and a text kind);
    // a relationship its id, two ends, a type and two lengths
    let nodes = r.len(5)?;
    builder.reserve_nodes(nodes);
    for _ in 0..nodes {
        let id = NodeId(r.u32()?);
        let labels = read_list(r, 1, |r| r.u32())?;
        let props = read_props(r)?;
        let provenance = read_provenance(r)?;
        let sentences = read_list(r, 2, |r| Ok((r.u32()?, r.u32()?)))?;
        let text = if version >= 3 { read_text(r)? } else { None };
        builder
            .raw_node(id, labels, props, provenance, sentences, text)
            .map_err(ReadError::Invalid)?;
    }
    let rels = r.len(6)?;
    builder.reserve_rels(rels);
    for _ in 0..rels {
        let id = RelId(r.u32()?);
        let ends = (NodeId(r.u32()?), NodeId(r.u32()?));
        let rel_type = r.u32()?;
        let props = read_props(r)?;
        let provenance = match r.len(4)? {
            1 => ProvenanceIn::One(read_entry(r)?),
            len => ProvenanceIn::List((0..len).map(|_| read_entry(r)).collect::<ReadResult<_>>()?),
        };
        builder
            .raw_rel(id, ends, rel_type, props, provenance)
            .map_err(ReadError::Invalid)?;
    }
    if r.left() > 0 {
        return Err(ReadError::Invalid(format!(
            "{} bytes follow the graph inside the payload",
            r.left()
        )));
    }
    builder
        .finish()
        .map_err(|e| ReadError::Invalid(e.to_string()))
}

fn read_list<R: std::io::Read, T>(
    r: &mut VarintReader<R>,
    min_item_bytes: u64,
    mut item: impl FnMut(&mut VarintReader<R>) -> ReadResult<T>,
) -> ReadResult<Vec<T>> {
    let len = r.len(min_item_bytes)?;
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        out.push(item(r)?);
    }
    Ok(out)
}

fn read_text<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<Option<PackedText>> {
    Ok(match r.u32()? {
        NO_TEXT => None,
        RAW_TEXT => Some(PackedText::Raw(r.string()?.into_boxed_str())),
        ZSTD_TEXT => {
            let len = r.u32()?;
            Some(PackedText::from_frame(r.bytes()?, len))
        }
        other => {
            return Err(ReadError::Invalid(format!(
                "a node's text has the unknown kind {other}"
            )))
        }
    })
}

fn read_strings<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<Vec<String>> {
    read_list(r, 1, VarintReader::string)
}

fn read_provenance<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<Vec<Provenance>> {
    read_list(r, 4, read_entry)
}

fn read_entry<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<Provenance> {
    Ok(Provenance {
        source: NodeId(r.u32()?),
        sentence: r.u32()?,
        start: r.u32()?,
        end: r.u32()?,
    })
}

/// Properties: (key, value) pairs, each value its tokens in pre-order
/// ([`FlatToken`]'s variants by index). A value of one token, nearly every
/// value, is read without building the token list.
fn read_props<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<Vec<(u32, Value)>> {
    read_list(r, 2, |r| {
        let key = r.u32()?;
        let tokens = r.len(1)?;
        let value = if tokens == 1 {
            FlatValue::value_of_one(read_token(r)?)
        } else {
            FlatValue::from_tokens(
                (0..tokens)
                    .map(|_| read_token(r))
                    .collect::<ReadResult<_>>()?,
            )
            .into_value()
        };
        Ok((key, value.map_err(ReadError::Invalid)?))
    })
}

fn read_token<R: std::io::Read>(r: &mut VarintReader<R>) -> ReadResult<FlatToken> {
    Ok(match r.u32()? {
        0 => FlatToken::Null,
        1 => FlatToken::Bool(r.bool()?),
        2 => FlatToken::Int(r.i64()?),
        3 => FlatToken::Float(r.f64()?),
        4 => FlatToken::String(r.string()?),
        5 => FlatToken::Date(r.i32()?, r.u8()?, r.u8()?),
        6 => FlatToken::List(r.u32()?),
        7 => FlatToken::Map(r.u32()?),
        other => {
            return Err(ReadError::Invalid(format!(
                "a property value has the unknown kind {other}"
            )))
        }
    })
}

/// The serde decoder of the same layout, which loading used before
/// [`read_payload`]: kept as the tests' oracle for the hand-written one.
#[cfg(test)]
pub(super) mod oracle {
    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};

    use super::{FlatValue, KeysRecord};
    use crate::graph::{Graph, GraphBuilder, NodeId, PackedText, Provenance, RelId, Schema};

    /// The payload, decoded element by element straight into the graph's
    /// builder (no copy of the whole file's records is ever held).
    pub(super) struct Payload {
        /// The payload's length: no sequence in it can hold more records than
        /// a few bytes each allow, whatever its length field claims.
        pub(super) bytes: u64,
    }

    /// The fewest bytes a node or relationship record takes (three empty
    /// lists, or an id, two endpoints, a type and two empty lists).
    const MIN_RECORD_BYTES: u64 = 3;

    impl<'de> serde::de::DeserializeSeed<'de> for Payload {
        type Value = Result<Graph, String>;

        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_tuple(
                6,
                PayloadVisitor {
                    max_records: self.bytes / MIN_RECORD_BYTES,
                },
            )
        }
    }

    struct PayloadVisitor {
        max_records: u64,
    }

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
            let max_records = self.max_records;
            seq.next_element_seed(Elements::<NodeRecord>::new(&mut builder, max_records))?
                .ok_or_else(missing)?
                .map_err(de::Error::custom)?;
            seq.next_element_seed(Elements::<RelRecord>::new(&mut builder, max_records))?
                .ok_or_else(missing)?
                .map_err(de::Error::custom)?;
            Ok(builder.finish().map_err(|e| e.to_string()))
        }
    }

    /// A record the builder takes.
    trait Element {
        /// Makes room for `count` records of this kind.
        fn reserve(builder: &mut GraphBuilder, count: usize);
        fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String>;
    }

    /// A sequence of records, each handed to the builder as it is decoded.
    struct Elements<'b, T> {
        builder: &'b mut GraphBuilder,
        max_records: u64,
        element: std::marker::PhantomData<T>,
    }

    impl<'b, T> Elements<'b, T> {
        fn new(builder: &'b mut GraphBuilder, max_records: u64) -> Elements<'b, T> {
            Elements {
                builder,
                max_records,
                element: std::marker::PhantomData,
            }
        }
    }

    impl<'de, T: Deserialize<'de> + Element> serde::de::DeserializeSeed<'de> for Elements<'_, T> {
        type Value = Result<(), String>;

        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_seq(self)
        }
    }

    impl<'de, T: Deserialize<'de> + Element> Visitor<'de> for Elements<'_, T> {
        type Value = Result<(), String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a sequence of graph elements")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            // the slots are made once at their final size: growing them by
            // doubling copied every slot and left the old blocks behind
            if let Some(count) = seq.size_hint() {
                let bounded = (count as u64).min(self.max_records);
                T::reserve(self.builder, usize::try_from(bounded).unwrap_or(0));
            }
            while let Some(record) = seq.next_element::<T>()? {
                if let Err(e) = record.add_to(self.builder) {
                    return Ok(Err(e));
                }
            }
            Ok(Ok(()))
        }
    }

    impl Element for NodeRecord {
        fn reserve(builder: &mut GraphBuilder, count: usize) {
            builder.reserve_nodes(count);
        }

        fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String> {
            builder.raw_node(
                NodeId(self.id),
                self.labels,
                props_of(self.props)?,
                self.provenance,
                self.sentences,
                self.text,
            )
        }
    }

    impl Element for RelRecord {
        fn reserve(builder: &mut GraphBuilder, count: usize) {
            builder.reserve_rels(count);
        }

        fn add_to(self, builder: &mut GraphBuilder) -> Result<(), String> {
            builder.raw_rel(
                RelId(self.id),
                (NodeId(self.start), NodeId(self.end)),
                self.rel_type,
                props_of(self.props)?,
                crate::graph::ProvenanceIn::List(self.provenance),
            )
        }
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
        #[serde(deserialize_with = "packed_text")]
        text: Option<PackedText>,
    }

    /// A node's packed text: its kind, then what that kind holds.
    fn packed_text<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<PackedText>, D::Error> {
        struct Text;
        impl<'de> Visitor<'de> for Text {
            type Value = Option<PackedText>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a node's text")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let missing = || de::Error::custom("a node's text ends early");
                match seq.next_element::<u32>()?.ok_or_else(missing)? {
                    super::NO_TEXT => Ok(None),
                    super::RAW_TEXT => {
                        let text: String = seq.next_element()?.ok_or_else(missing)?;
                        Ok(Some(PackedText::Raw(text.into_boxed_str())))
                    }
                    super::ZSTD_TEXT => {
                        let len: u32 = seq.next_element()?.ok_or_else(missing)?;
                        let frame: Vec<u8> = seq.next_element()?.ok_or_else(missing)?;
                        Ok(Some(PackedText::from_frame(frame, len)))
                    }
                    other => Err(de::Error::custom(format!(
                        "a node's text has the unknown kind {other}"
                    ))),
                }
            }
        }
        deserializer.deserialize_tuple(3, Text)
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
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bincode::Options;
    use proptest::prelude::*;

    use super::*;
    use crate::graph::Date;

    fn sample() -> Graph {
        let mut graph = Graph::with_schema(crate::ingest::news_schema());
        let text = "Ông Phạm Minh Chính met the President. They signed a deal.".repeat(20);
        let article = graph.add_node(
            ["Article"],
            BTreeMap::from([
                ("id".to_string(), Value::from("a-1")),
                ("text".to_string(), Value::from(text.as_str())),
                (
                    "date".to_string(),
                    Value::Date(Date::day(2024, 5, 17).unwrap_or(Date::year(2024))),
                ),
            ]),
        );
        let _ = graph.set_source_sentences(article, vec![(0, 39), (40, 60), (300, 1190)]);
        let person = graph.add_node(
            ["Person", "Official"],
            BTreeMap::from([
                ("name".to_string(), Value::from("Phạm Minh Chính")),
                ("score".to_string(), Value::Float(-0.25)),
                ("rank".to_string(), Value::Int(-70_000_000_000)),
                (
                    "aliases".to_string(),
                    Value::List(vec![Value::from("Chính"), Value::Null, Value::Bool(true)]),
                ),
                (
                    "extra".to_string(),
                    Value::Map(BTreeMap::from([(
                        "k".to_string(),
                        Value::List(vec![Value::Map(BTreeMap::new()), Value::List(Vec::new())]),
                    )])),
                ),
            ]),
        );
        let event = graph.add_node(["Event"], BTreeMap::new());
        let at = |sentence, start| Provenance {
            source: article,
            sentence,
            start,
            end: start + 300,
        };
        let _ = graph.add_node_provenance(event, at(1, 40));
        let _ = graph.add_fact(person, article, "MENTIONED_IN", at(0, 4));
        let _ = graph.add_fact(person, event, "PARTICIPATED_IN", at(2, 70_000));
        if let Ok(rel) = graph.add_fact(event, article, "MENTIONED_IN", at(0, 1)) {
            let _ = graph.add_rel_provenance(rel, at(2, 400));
            let _ = graph.set_rel_property(rel, "as_of", Value::Date(Date::year(2023)));
        }
        let _ = graph.add_rel(article, article, "SELF", BTreeMap::new());
        graph
    }

    fn payload(graph: &Graph) -> Vec<u8> {
        bincode::DefaultOptions::new()
            .serialize(&GraphOut(graph))
            .unwrap_or_default()
    }

    fn by_hand(bytes: &[u8]) -> Result<Graph, String> {
        let mut reader = VarintReader::new(bytes, bytes.len() as u64);
        read_payload(&mut reader, crate::store::FORMAT_VERSION).map_err(|e| match e {
            ReadError::Io(e) => e.to_string(),
            ReadError::Invalid(detail) => detail,
        })
    }

    fn by_serde(bytes: &[u8]) -> Result<Graph, String> {
        bincode::DefaultOptions::new()
            .with_limit(bytes.len() as u64)
            .deserialize_from_seed(
                oracle::Payload {
                    bytes: bytes.len() as u64,
                },
                bytes,
            )
            .map_err(|e| e.to_string())
            .and_then(|graph| graph)
    }

    fn same(a: &Graph, b: &Graph) -> bool {
        let nodes = |g: &Graph| -> Vec<_> {
            g.node_ids()
                .filter_map(|id| g.node(id).map(|n| (id, n.to_data())))
                .collect()
        };
        let rels = |g: &Graph| -> Vec<_> {
            g.rel_ids()
                .filter_map(|id| Some((id, g.endpoints(id)?, g.rel(id)?.to_data())))
                .collect()
        };
        nodes(a) == nodes(b) && rels(a) == rels(b) && a.schema() == b.schema()
    }

    #[test]
    fn the_hand_decoder_reads_what_serde_reads() {
        let graph = sample();
        let bytes = payload(&graph);
        let (hand, serde) = (by_hand(&bytes), by_serde(&bytes));
        assert!(matches!((&hand, &serde), (Ok(a), Ok(b)) if same(a, b) && same(a, &graph)));
    }

    #[test]
    fn bytes_after_the_graph_are_refused() {
        let mut bytes = payload(&sample());
        bytes.push(0);
        assert!(by_hand(&bytes).is_err_and(|e| e.contains("follow the graph")));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
        /// Damaged payloads: the hand decoder accepts exactly what serde
        /// accepts (but bytes left over), and reads the same graph.
        #[test]
        fn damaged_payloads_decode_alike(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut bytes = payload(&sample());
            for (at, byte) in edits {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % bytes.len());
            }
            match (by_hand(&bytes), by_serde(&bytes)) {
                (Ok(a), Ok(b)) => prop_assert!(same(&a, &b)),
                (Err(_), Err(_)) => {}
                (Err(e), Ok(_)) => prop_assert!(e.contains("follow the graph"), "{}", e),
                (Ok(_), Err(e)) => prop_assert!(false, "serde refused what the hand decoder read: {}", e),
            }
        }
    }
}
