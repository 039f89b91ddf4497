//! kg's JSON export: every node and relationship of a subgraph with its
//! ids, labels or type, stored properties, provenance entries (with the
//! sentence they point at, when its article is exported too) and, for an
//! article, its sentence spans; plus the graph's schema. The articles the
//! facts were read from come along, so every provenance entry points at a
//! node of the file. One element per
//! line, in id order, so files diff cleanly. `import` reads it back into
//! the same graph, so export → import → export gives the same bytes.
//!
//! Values are JSON's own where JSON has the type; a date is
//! `{"$date": "2024-11"}`, a float JSON cannot hold `{"$float": "NaN"}`,
//! and a map with a key starting with `$` is wrapped as `{"$map": {...}}`,
//! so every value reads back as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map};

use super::Subgraph;
use crate::graph::{Date, Graph, NodeId, Provenance, ProvenanceKeys, Schema, Value};

/// What the file says it is, so `kg import` can refuse other JSON.
pub const FORMAT_NAME: &str = "kg-graph";
pub const FORMAT_VERSION: u32 = 1;

/// Writes the subgraph as kg's JSON.
pub fn write(graph: &Graph, subgraph: &Subgraph, out: &mut dyn Write) -> io::Result<()> {
    let schema = schema_json(graph.schema());
    writeln!(
        out,
        "{{\"format\":\"{FORMAT_NAME}\",\"version\":{FORMAT_VERSION},\"schema\":{schema},"
    )?;
    writeln!(out, "\"nodes\":[")?;
    let mut first = true;
    for id in with_sources(graph, subgraph) {
        let Some(node) = graph.node(id) else {
            continue;
        };
        let data = node.to_data();
        let mut element = Map::new();
        element.insert("id".into(), json!(id.0));
        element.insert("labels".into(), json!(data.labels));
        element.insert("properties".into(), properties_json(&data.properties));
        if !data.provenance.is_empty() {
            element.insert(
                "provenance".into(),
                provenance_json(graph, &data.provenance),
            );
        }
        if !data.sentences.is_empty() {
            element.insert("sentences".into(), json!(data.sentences));
        }
        write_element(out, &mut first, element)?;
    }
    writeln!(out, "\n],")?;
    writeln!(out, "\"relationships\":[")?;
    let mut first = true;
    for &id in &subgraph.rels {
        let Some(rel) = graph.rel(id) else {
            continue;
        };
        let data = rel.to_data();
        let mut element = Map::new();
        element.insert("id".into(), json!(id.0));
        element.insert("type".into(), json!(data.rel_type));
        element.insert("start".into(), json!(rel.start().0));
        element.insert("end".into(), json!(rel.end().0));
        element.insert("properties".into(), properties_json(&data.properties));
        if !data.provenance.is_empty() {
            element.insert(
                "provenance".into(),
                provenance_json(graph, &data.provenance),
            );
        }
        write_element(out, &mut first, element)?;
    }
    writeln!(out, "\n]}}")
}

/// The subgraph's nodes and the provenance sources (articles) of its
/// elements, so the file stands alone: every provenance entry points at a
/// node in it.
fn with_sources(graph: &Graph, subgraph: &Subgraph) -> BTreeSet<NodeId> {
    let mut nodes = subgraph.nodes.clone();
    let node_sources = subgraph
        .nodes
        .iter()
        .filter_map(|&id| graph.node(id))
        .flat_map(|n| n.provenance().iter().map(|p| p.source));
    let rel_sources = subgraph
        .rels
        .iter()
        .filter_map(|&id| graph.rel(id))
        .flat_map(|r| r.provenance().into_iter().map(|p| p.source));
    nodes.extend(
        node_sources
            .chain(rel_sources)
            .filter(|&id| graph.contains_node(id)),
    );
    nodes
}

fn write_element(
    out: &mut dyn Write,
    first: &mut bool,
    element: Map<String, serde_json::Value>,
) -> io::Result<()> {
    if !*first {
        writeln!(out, ",")?;
    }
    *first = false;
    serde_json::to_writer(&mut *out, &serde_json::Value::Object(element)).map_err(io::Error::from)
}

fn schema_json(schema: &Schema) -> serde_json::Value {
    match &schema.provenance {
        None => json!({"provenance": null}),
        Some(keys) => json!({"provenance": {
            "source": keys.source, "sentence": keys.sentence, "evidence": keys.evidence,
            "sentences": keys.sentences, "count": keys.count,
            "summary_types": keys.summary_types, "source_id": keys.source_id,
            "source_text": keys.source_text,
        }}),
    }
}

fn properties_json(properties: &BTreeMap<String, Value>) -> serde_json::Value {
    serde_json::Value::Object(
        properties
            .iter()
            .map(|(k, v)| (k.clone(), value_to_json(v)))
            .collect(),
    )
}

/// Provenance entries, each with the sentence it points at (for readers:
/// `import` reads it from the source's text again).
fn provenance_json(graph: &Graph, provenance: &[Provenance]) -> serde_json::Value {
    serde_json::Value::Array(
        provenance
            .iter()
            .map(|p| {
                let mut entry = Map::new();
                entry.insert("source".into(), json!(p.source.0));
                if p.sentence != Provenance::NO_SENTENCE {
                    entry.insert("sentence".into(), json!(p.sentence));
                }
                entry.insert("start".into(), json!(p.start));
                entry.insert("end".into(), json!(p.end));
                if let Some(text) = graph.evidence_text(p) {
                    entry.insert("evidence".into(), json!(text));
                }
                serde_json::Value::Object(entry)
            })
            .collect(),
    )
}

/// A property value as JSON, tagged where JSON has no type of its own.
pub fn value_to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| json!({"$float": crate::table::render_float(*f)})),
        Value::String(s) => json!(s),
        Value::Date(d) => json!({"$date": d.to_string()}),
        Value::List(items) => serde_json::Value::Array(items.iter().map(value_to_json).collect()),
        Value::Map(map) => {
            let object: Map<String, serde_json::Value> = map
                .iter()
                .map(|(k, v)| (k.clone(), value_to_json(v)))
                .collect();
            if map.keys().any(|k| k.starts_with('$')) {
                json!({"$map": object})
            } else {
                serde_json::Value::Object(object)
            }
        }
    }
}

/// The value a tagged JSON value stands for; `Err` names what is wrong.
pub fn value_from_json(json: &serde_json::Value) -> Result<Value, String> {
    Ok(match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(
                n.as_f64()
                    .ok_or_else(|| format!("number {n} is out of range"))?,
            ),
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(value_from_json)
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => {
            if map.len() == 1 {
                if let Some((tag, inner)) = map.iter().next() {
                    match (tag.as_str(), inner) {
                        ("$date", serde_json::Value::String(text)) => {
                            return Date::parse(text)
                                .map(Value::Date)
                                .ok_or_else(|| format!("`{text}` is not a date"));
                        }
                        ("$float", serde_json::Value::String(text)) => {
                            return match text.as_str() {
                                "NaN" => Ok(Value::Float(f64::NAN)),
                                "Infinity" => Ok(Value::Float(f64::INFINITY)),
                                "-Infinity" => Ok(Value::Float(f64::NEG_INFINITY)),
                                other => Err(format!("`{other}` is not a float")),
                            };
                        }
                        ("$map", serde_json::Value::Object(inner)) => {
                            return map_from_json(inner).map(Value::Map);
                        }
                        _ => {}
                    }
                }
            }
            if let Some(tag) = map.keys().find(|k| k.starts_with('$')) {
                return Err(format!("unknown tag `{tag}`"));
            }
            Value::Map(map_from_json(map)?)
        }
    })
}

fn map_from_json(map: &Map<String, serde_json::Value>) -> Result<BTreeMap<String, Value>, String> {
    map.iter()
        .map(|(k, v)| value_from_json(v).map(|v| (k.clone(), v)))
        .collect()
}

/// The file as read by `import`.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct File {
    pub format: String,
    pub version: u32,
    pub schema: FileSchema,
    pub nodes: Vec<FileNode>,
    pub relationships: Vec<FileRel>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct FileSchema {
    pub provenance: Option<FileProvenanceKeys>,
}

#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct FileProvenanceKeys {
    pub source: String,
    pub sentence: String,
    pub evidence: String,
    pub sentences: String,
    pub count: String,
    pub summary_types: Vec<String>,
    pub source_id: String,
    pub source_text: String,
}

impl From<FileProvenanceKeys> for ProvenanceKeys {
    fn from(k: FileProvenanceKeys) -> Self {
        ProvenanceKeys {
            source: k.source,
            sentence: k.sentence,
            evidence: k.evidence,
            sentences: k.sentences,
            count: k.count,
            summary_types: k.summary_types,
            source_id: k.source_id,
            source_text: k.source_text,
        }
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileNode {
    pub id: u32,
    pub labels: Vec<String>,
    pub properties: Map<String, serde_json::Value>,
    #[serde(default)]
    pub provenance: Vec<FileProvenance>,
    #[serde(default)]
    pub sentences: Vec<(u32, u32)>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileRel {
    pub id: u32,
    #[serde(rename = "type")]
    pub rel_type: String,
    pub start: u32,
    pub end: u32,
    pub properties: Map<String, serde_json::Value>,
    #[serde(default)]
    pub provenance: Vec<FileProvenance>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileProvenance {
    pub source: u32,
    pub sentence: Option<u32>,
    pub start: u32,
    pub end: u32,
    /// Written for readers; the sentence is read from its article again.
    #[serde(default)]
    pub evidence: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_they_were() {
        let mut map = BTreeMap::new();
        map.insert("$odd".to_string(), Value::Int(1));
        let values = [
            Value::Bool(true),
            Value::Int(-7),
            Value::Float(1.0),
            Value::Float(f64::INFINITY),
            Value::from("$date"),
            Value::Date(Date::parse("2024-11").unwrap()),
            Value::List(vec![Value::Int(1), Value::from("x")]),
            Value::Map(map),
        ];
        for value in values {
            let json = value_to_json(&value);
            let text = json.to_string();
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(value_from_json(&back).unwrap(), value, "{text}");
        }
        assert!(value_from_json(&json!({"$date": "not a date"})).is_err());
        assert!(value_from_json(&json!({"$what": 1})).is_err());
    }
}
