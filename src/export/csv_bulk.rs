//! The CSV files of Neo4j's bulk importer (`neo4j-admin database import
//! full`): one node file per label set with `:ID`, `:LABEL` and typed
//! property columns (`name:string`, `count:long`, `aliases:string[]`), and
//! one relationship file per type and pair of end label sets with
//! `:START_ID`, `:END_ID`, `:TYPE` and typed property columns. Splitting
//! relationships by their ends' labels is what Kùzu's typed tables need;
//! Memgraph's `LOAD CSV` reads the same files, and `kuzu.cypher`, written
//! beside them, creates Kùzu's tables and copies them in. Ids are kg's node
//! ids.
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

    fn kuzu_type(self) -> &'static str {
        match self {
            Column::Long => "INT64",
            Column::Double => "DOUBLE",
            Column::Boolean => "BOOLEAN",
            Column::Date => "DATE",
            _ => "STRING",
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

/// The name of the file (and Kùzu table) of each label set: the labels
/// joined by `_`, made unique.
fn file_names(label_sets: impl Iterator<Item = Vec<String>>) -> BTreeMap<Vec<String>, String> {
    let mut names: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    for labels in label_sets {
        if names.contains_key(&labels) {
            continue;
        }
        let base = if labels.is_empty() {
            "none".to_string()
        } else {
            labels
                .iter()
                .map(|l| file_part(l))
                .collect::<Vec<_>>()
                .join("_")
        };
        let seen = taken.entry(base.clone()).or_default();
        *seen += 1;
        let name = if *seen == 1 {
            base
        } else {
            format!("{base}_{seen}")
        };
        names.insert(labels, name);
    }
    names
}

/// Writes the files into `dir` (created if needed), with `kuzu.cypher`,
/// the statements that load them into Kùzu, and returns their names.
pub fn write_dir(graph: &Graph, subgraph: &Subgraph, dir: &Path) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let nodes: Vec<_> = subgraph
        .nodes
        .iter()
        .filter_map(|&id| graph.node(id))
        .collect();
    let label_sets: Vec<Vec<String>> = nodes
        .iter()
        .map(|n| n.labels().into_iter().map(str::to_string).collect())
        .collect();
    let names = file_names(label_sets.iter().cloned());
    // Node files per label set, in name order.
    let mut node_files: BTreeMap<&str, Vec<NodeRow<'_>>> = BTreeMap::new();
    let mut file_of: BTreeMap<NodeId, &str> = BTreeMap::new();
    for (node, labels) in nodes.iter().zip(&label_sets) {
        let name = names.get(labels).map_or("none", String::as_str);
        file_of.insert(node.id(), name);
        node_files
            .entry(name)
            .or_default()
            .push((node.id(), node.labels(), node.properties()));
    }
    let mut written = Vec::new();
    let mut kuzu = Kuzu::default();
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
        kuzu.node_table(name, &columns, &file);
        written.push(file);
    }
    // Relationships per type (one column set per type, as a Kùzu table
    // needs), a file per pair of end files.
    let mut by_type: BTreeMap<&str, BTreeMap<(&str, &str), Vec<RelRow>>> = BTreeMap::new();
    for &id in &subgraph.rels {
        let Some(rel) = graph.rel(id) else {
            continue;
        };
        let (start, end) = (rel.start(), rel.end());
        let (Some(&from), Some(&to)) = (file_of.get(&start), file_of.get(&end)) else {
            continue;
        };
        by_type
            .entry(rel.rel_type())
            .or_default()
            .entry((from, to))
            .or_default()
            .push((start, end, rel.properties()));
    }
    for (rel_type, files) in &by_type {
        let columns = columns(files.values().flatten().map(|(_, _, p)| p));
        let mut header = vec![
            ":START_ID".to_string(),
            ":END_ID".to_string(),
            ":TYPE".to_string(),
        ];
        header.extend(columns.iter().map(|(k, c)| format!("{k}:{}", c.header())));
        let mut pairs = Vec::new();
        for ((from, to), rows) in files {
            let file = format!("rels_{}_{from}_{to}.csv", file_part(rel_type));
            let records = rows.iter().map(|(start, end, properties)| {
                let mut record = vec![start.0.to_string(), end.0.to_string(), rel_type.to_string()];
                record.extend(cells(&columns, properties));
                record
            });
            write_csv(&dir.join(&file), &header, records)?;
            pairs.push((*from, *to, file.clone()));
            written.push(file);
        }
        kuzu.rel_table(rel_type, &columns, &pairs);
    }
    let script = dir.join(KUZU_SCRIPT);
    std::fs::write(&script, kuzu.script()).map_err(|e| Error::io(&script, e))?;
    written.push(KUZU_SCRIPT.to_string());
    Ok(written)
}

/// The file of Kùzu statements written beside the CSV files.
pub const KUZU_SCRIPT: &str = "kuzu.cypher";

/// Kùzu's typed tables for the files, and the `COPY` statements filling
/// them: the files load as they are, `:ID` as the primary key `_kg_id`,
/// `:LABEL` as `_labels` and `:TYPE` as `_type` (Kùzu reads columns by
/// position). Arrays stay `;`-joined text, which Kùzu's CSV lists are not.
#[derive(Default)]
struct Kuzu {
    tables: Vec<String>,
    copies: Vec<String>,
}

impl Kuzu {
    fn node_table(&mut self, name: &str, columns: &[(String, Column)], file: &str) {
        let mut fields = vec!["_kg_id INT64".to_string(), "_labels STRING".to_string()];
        fields.extend(
            columns
                .iter()
                .map(|(k, c)| format!("{} {}", kuzu_name(k), c.kuzu_type())),
        );
        fields.push("PRIMARY KEY (_kg_id)".to_string());
        self.tables.push(format!(
            "CREATE NODE TABLE {}({});",
            kuzu_name(name),
            fields.join(", ")
        ));
        self.copies.push(format!(
            "COPY {} FROM '{file}' (header=true, parallel=false);",
            kuzu_name(name)
        ));
    }

    fn rel_table(
        &mut self,
        rel_type: &str,
        columns: &[(String, Column)],
        pairs: &[(&str, &str, String)],
    ) {
        let mut fields: Vec<String> = pairs
            .iter()
            .map(|(from, to, _)| format!("FROM {} TO {}", kuzu_name(from), kuzu_name(to)))
            .collect();
        fields.push("_type STRING".to_string());
        fields.extend(
            columns
                .iter()
                .map(|(k, c)| format!("{} {}", kuzu_name(k), c.kuzu_type())),
        );
        self.tables.push(format!(
            "CREATE REL TABLE {}({});",
            kuzu_name(rel_type),
            fields.join(", ")
        ));
        for (from, to, file) in pairs {
            let pair = if pairs.len() > 1 {
                format!(", from='{from}', to='{to}'")
            } else {
                String::new()
            };
            self.copies.push(format!(
                "COPY {} FROM '{file}' (header=true, parallel=false{pair});",
                kuzu_name(rel_type)
            ));
        }
    }

    fn script(&self) -> String {
        let mut text = String::from(
            "// Loads the CSV files of this folder into Kùzu; run it from this folder,\n\
             // one statement per line (kuzu's shell: `kuzu DB < kuzu.cypher`).\n",
        );
        for line in self.tables.iter().chain(&self.copies) {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// A table or column name as Kùzu reads it, in backticks.
fn kuzu_name(name: &str) -> String {
    format!("`{}`", name.replace('`', ""))
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
