//! Exports of a subgraph to other tools: JSON (read back by `kg import`),
//! GraphML, a Cypher script and the CSV files of Neo4j's bulk importer;
//! DOT lives in [`crate::dot`]. `subgraph` decides which elements an export
//! holds, the same way for every format.

pub mod csv_bulk;
pub mod cypher_script;
pub mod graphml;
pub mod import;
pub mod json;
pub mod subgraph;

pub use subgraph::{Chosen, Selection, Subgraph};

use crate::graph::Value;

/// The file formats `kg export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Graphviz DOT (`--render` draws it).
    Dot,
    /// kg's JSON: every property and provenance entry; `kg import` reads it.
    Json,
    /// GraphML with typed keys (Gephi, yEd, NetworkX).
    Graphml,
    /// A Cypher script that rebuilds the graph (`kg run`, Neo4j, FalkorDB, Memgraph).
    Cypher,
    /// Neo4j bulk-import CSV files (also Memgraph `LOAD CSV`, Kùzu `COPY FROM`); needs `-o DIR`.
    Csv,
}

impl Format {
    /// Whether whole-graph exports leave out the mention edges and article
    /// nodes by default: only for pictures, which they turn into hairballs.
    pub fn is_picture(self) -> bool {
        self == Format::Dot
    }
}

/// The value types property columns are declared with (GraphML keys, CSV
/// headers): the one type all of a key's values share, else `string`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueType {
    Bool,
    Int,
    Float,
    String,
    Date,
    StringList,
    IntList,
    FloatList,
    /// Mixed or nested values, written as JSON text.
    Json,
}

impl ValueType {
    /// The type of one value; `None` for null.
    pub fn of(value: &Value) -> Option<ValueType> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(_) => ValueType::Bool,
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::String(_) => ValueType::String,
            Value::Date(_) => ValueType::Date,
            Value::List(items) => {
                let mut types = items.iter().filter_map(ValueType::of);
                match types.next() {
                    None => ValueType::StringList,
                    Some(first) if types.all(|t| t == first) => match first {
                        ValueType::String | ValueType::Date => ValueType::StringList,
                        ValueType::Int => ValueType::IntList,
                        ValueType::Float => ValueType::FloatList,
                        _ => ValueType::Json,
                    },
                    Some(_) => ValueType::Json,
                }
            }
            Value::Map(_) => ValueType::Json,
        })
    }

    /// The type a column of values of these two types is declared with.
    pub fn join(self, other: ValueType) -> ValueType {
        use ValueType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Int, Float) | (Float, Int) => Float,
            (IntList, FloatList) | (FloatList, IntList) => FloatList,
            (StringList | IntList | FloatList, StringList | IntList | FloatList) => Json,
            (Json, _) | (_, Json) => Json,
            (StringList | IntList | FloatList, _) | (_, StringList | IntList | FloatList) => Json,
            _ => String,
        }
    }
}

/// A value as plain text for a typed column: strings as they are, dates as
/// written, numbers in Rust's round-trip form, anything nested as JSON.
pub fn plain_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::table::render_float(*f),
        Value::String(s) => s.clone(),
        Value::Date(d) => d.to_string(),
        Value::List(_) | Value::Map(_) => json::value_to_json(value).to_string(),
    }
}

/// The most nodes a picture shows unless told otherwise: past a few
/// hundred, a drawing is no longer readable.
pub const DEFAULT_PICTURE_NODES: usize = 500;

/// The selection `kg export` and `:export` use when given no options: a
/// picture leaves out the article mentions of what it adds by itself and
/// stops at [`DEFAULT_PICTURE_NODES`]; the other formats export everything.
pub fn default_selection(format: Format) -> Selection {
    if format.is_picture() {
        Selection {
            default_exclude_labels: subgraph::NEWS_NOISE_LABELS.map(String::from).to_vec(),
            default_exclude_types: subgraph::NEWS_NOISE_TYPES.map(String::from).to_vec(),
            max_nodes: Some(DEFAULT_PICTURE_NODES),
            ..Selection::default()
        }
    } else {
        Selection::everything()
    }
}

/// Writes a subgraph in one of the single-file formats (DOT with its
/// default style).
pub fn write_text(
    format: Format,
    graph: &crate::graph::Graph,
    subgraph: &Subgraph,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Dot => out.write_all(
            crate::dot::to_dot(graph, subgraph, &crate::dot::DotStyle::default()).as_bytes(),
        ),
        Format::Json => json::write(graph, subgraph, out),
        Format::Graphml => graphml::write(graph, subgraph, out),
        Format::Cypher => {
            cypher_script::write(graph, subgraph, &cypher_script::Options::default(), out)
        }
        Format::Csv => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "CSV export writes a folder of files",
        )),
    }
}
