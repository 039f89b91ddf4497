//! The CSV files of Neo4j's bulk importer (`neo4j-admin database import
//! full`): one node file per label set with `:ID`, `:LABEL` and typed
//! property columns (`name:string`, `count:long`, `aliases:string[]`), and
//! one relationship file per type and pair of end label sets with
//! `:START_ID`, `:END_ID`, `:TYPE` and typed property columns. Splitting
//! relationships by their ends' labels is what Kùzu's typed tables need;
//! Memgraph's `LOAD CSV` reads the same files. Ids are kg's node ids.
//!
//! A column of full dates is `date`; partial dates (`2024-11`) are strings
//! (no other database keeps a date's precision). A list column is an array
//! (`;` between elements, Neo4j's default delimiter) unless an element
//! holds a `;` or the list is nested or mixed; then it is JSON text.

use std::collections::BTreeMap;
use std::path::Path;

use super::{plain_text, Subgraph, ValueType};
use crate::error::{Error, Result};
use crate::graph::{Graph, NodeId, Value};

/// Neo4j's default array delimiter, which the files use.
pub const ARRAY_DELIMITER: char = ';';

/// A column's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Long,
    Double,
    Boolean,
    String,
    Date,
    StringArray,
    LongArray,
    DoubleArray,
    Json,
}

impl Column {
    fn header(self) -> &'static str {
        match self {
            Column::Long => "long",
            Column::Double => "double",
            Column::Boolean => "boolean",
            Column::String | Column::Json => "string",
            Column::Date => "date",
            Column::StringArray => "string[]",
            Column::LongArray => "long[]",
            Column::DoubleArray => "double[]",
        }
    }

    fn cell(self, value: &Value) -> String {
        match (self, value) {
            (Column::StringArray | Column::LongArray | Column::DoubleArray, Value::List(items)) => {
                items
                    .iter()
                    .map(plain_text)
                    .collect::<Vec<_>>()
                    .join(&ARRAY_DELIMITER.to_string())
            }
            (Column::Json, Value::String(s)) => serde_json::Value::from(s.as_str()).to_string(),
            (Column::Json, other) => super::json::value_to_json(other).to_string(),
            (_, other) => plain_text(other),
        }
    }
}

/// The columns of one file: each property key with the type its values share.
fn columns<'a>(rows: impl Iterator<Item = &'a BTreeMap<String, Value>>) -> Vec<(String, Column)> {
    let mut types: BTreeMap<String, (ValueType, bool, bool)> = BTreeMap::new();
    for properties in rows {
        for (key, value) in properties {
            let Some(value_type) = ValueType::of(value) else {
                continue;
            };
            let partial_date = matches!(value, Value::Date(d) if d.day_part().is_none());
            let delimiter_inside = matches!(value, Value::List(items)
                if items.iter().any(|i| plain_text(i).contains(ARRAY_DELIMITER)));
            let entry = types
                .entry(key.clone())
                .or_insert((value_type, false, false));
            entry.0 = entry.0.join(value_type);
            entry.1 |= partial_date;
            entry.2 |= delimiter_inside;
        }
    }
    types
        .into_iter()
        .map(|(key, (value_type, partial_date, delimiter_inside))| {
            let column = match value_type {
                ValueType::Bool => Column::Boolean,
                ValueType::Int => Column::Long,
                ValueType::Float => Column::Double,
                ValueType::String => Column::String,
                ValueType::Date if partial_date => Column::String,
                ValueType::Date => Column::Date,
                _ if delimiter_inside => Column::Json,
                ValueType::StringList => Column::StringArray,
                ValueType::IntList => Column::LongArray,
                ValueType::FloatList => Column::DoubleArray,
                ValueType::Json => Column::Json,
            };
            (key, column)
        })
        .collect()
}

/// A file name part from labels or a type: letters, digits and `_` only.
fn file_part(text: &str) -> String {
    let part: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if part.is_empty() {
        "none".to_string()
    } else {
        part
    }
}

/// A node of a node file: id, labels, properties.
type NodeRow<'g> = (NodeId, Vec<&'g str>, BTreeMap<String, Value>);
/// A relationship of a relationship file: start, end, properties.
type RelRow = (NodeId, NodeId, BTreeMap<String, Value>);

/// Writes the files into `dir` (created if needed) and returns their names.
pub fn write_dir(graph: &Graph, subgraph: &Subgraph, dir: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // Node files per label set.
    let mut node_files: BTreeMap<String, Vec<NodeRow<'_>>> = BTreeMap::new();
    let mut file_of: BTreeMap<NodeId, String> = BTreeMap::new();
    for &id in &subgraph.nodes {
        let Some(node) = graph.node(id) else {
            continue;
        };
        let labels = node.labels();
        let name = if labels.is_empty() {
            "none".to_string()
        } else {
            labels
                .iter()
                .map(|l| file_part(l))
                .collect::<Vec<_>>()
                .join("_")
        };
        file_of.insert(id, name.clone());
        node_files
            .entry(name)
            .or_default()
            .push((id, labels, node.properties()));
    }
    let mut written = Vec::new();
    for (name, rows) in &node_files {
        let columns = columns(rows.iter().map(|(_, _, p)| p));
        let file = format!("nodes_{name}.csv");
        let mut header = vec![":ID".to_string(), ":LABEL".to_string()];
        header.extend(columns.iter().map(|(k, c)| format!("{k}:{}", c.header())));
        let records = rows.iter().map(|(id, labels, properties)| {
            let mut record = vec![id.0.to_string(), labels.join(";")];
            record.extend(cells(&columns, properties));
            record
        });
        write_csv(&dir.join(&file), &header, records)?;
        written.push(file);
    }
    // Relationship files per (type, start file, end file).
    let mut rel_files: BTreeMap<(String, String, String), Vec<RelRow>> = BTreeMap::new();
    for &id in &subgraph.rels {
        let Some(rel) = graph.rel(id) else {
            continue;
        };
        let (start, end) = (rel.start(), rel.end());
        let (Some(from), Some(to)) = (file_of.get(&start), file_of.get(&end)) else {
            continue;
        };
        rel_files
            .entry((rel.rel_type().to_string(), from.clone(), to.clone()))
            .or_default()
            .push((start, end, rel.properties()));
    }
    for ((rel_type, from, to), rows) in &rel_files {
        let columns = columns(rows.iter().map(|(_, _, p)| p));
        let file = format!("rels_{}_{from}_{to}.csv", file_part(rel_type));
        let mut header = vec![
            ":START_ID".to_string(),
            ":END_ID".to_string(),
            ":TYPE".to_string(),
        ];
        header.extend(columns.iter().map(|(k, c)| format!("{k}:{}", c.header())));
        let records = rows.iter().map(|(start, end, properties)| {
            let mut record = vec![start.0.to_string(), end.0.to_string(), rel_type.clone()];
            record.extend(cells(&columns, properties));
            record
        });
        write_csv(&dir.join(&file), &header, records)?;
        written.push(file);
    }
    Ok(written)
}

fn cells(columns: &[(String, Column)], properties: &BTreeMap<String, Value>) -> Vec<String> {
    columns
        .iter()
        .map(|(key, column)| {
            properties
                .get(key)
                .map(|v| column.cell(v))
                .unwrap_or_default()
        })
        .collect()
}

fn write_csv(
    path: &Path,
    header: &[String],
    records: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    let io = |e: csv::Error| Error::io(path, e.into());
    let mut writer = csv::Writer::from_path(path).map_err(io)?;
    writer.write_record(header).map_err(io)?;
    for record in records {
        writer.write_record(&record).map_err(io)?;
    }
    writer.flush().map_err(|e| Error::io(path, e))
}
