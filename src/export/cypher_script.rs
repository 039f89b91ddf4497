//! A Cypher script that rebuilds a subgraph in any Cypher database and in
//! kg itself (`kg run`): nodes created in batches of one `UNWIND` over a
//! literal list per label set, relationships in batches per type and end
//! label sets, their ends found by a temporary `_kg_id` on a temporary
//! `:_KG` label, which the last statement removes. No parameters, so any
//! client can run it as a file.
//!
//! Properties are those a query sees, provenance (`article`, `sentence`,
//! `evidence`) included, so the evidence travels with each fact.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::Subgraph;
use crate::graph::{Graph, Value};

/// How many nodes or relationships one statement creates.
pub const BATCH: usize = 500;

/// The temporary label and key that tie relationships to their nodes.
pub const ID_LABEL: &str = "_KG";
pub const ID_KEY: &str = "_kg_id";

/// How the script writes what not every database reads alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub dates: Dates,
}

/// How dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dates {
    /// `date('2024-11')`: kg keeps the precision; Neo4j reads it as the 1st.
    #[default]
    Date,
    /// `'2024-11'`: a plain string, for databases without dates.
    String,
}

/// Writes the script.
pub fn write(
    graph: &Graph,
    subgraph: &Subgraph,
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "// kg export --format cypher: {} nodes, {} relationships.\n\
         // Runs in kg (`kg --graph NEW.graph run FILE`), Neo4j (`cypher-shell -f FILE`),\n\
         // FalkorDB and Memgraph. For a large graph, create this index first (kg needs none):\n\
         //   CREATE INDEX FOR (n:{ID_LABEL}) ON (n.{ID_KEY})",
        subgraph.nodes.len(),
        subgraph.rels.len()
    )?;
    // Label sets in order of their first node, so the file is stable.
    let mut groups: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut group_of: BTreeMap<Vec<String>, usize> = BTreeMap::new();
    for &id in &subgraph.nodes {
        let Some(node) = graph.node(id) else {
            continue;
        };
        let labels: Vec<String> = node.labels().into_iter().map(str::to_string).collect();
        let row = format!(
            "{{i: {}, p: {}}}",
            id.0,
            map_literal(&node.properties(), options)
        );
        let at = *group_of.entry(labels.clone()).or_insert_with(|| {
            groups.push((labels, Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(row);
    }
    for (labels, rows) in &groups {
        let labels: String = labels.iter().map(|l| format!(":{}", name(l))).collect();
        for batch in rows.chunks(BATCH) {
            writeln!(
                out,
                "UNWIND [{}] AS row CREATE (n:{ID_LABEL}{labels} {{{ID_KEY}: row.i}}) SET n += row.p;",
                batch.join(", ")
            )?;
        }
    }
    // Per type and the label sets of both ends: matching each end on its
    // own labels as well narrows the search where `_kg_id` has no index
    // (kg scans the rarest label), and still uses the index where it has.
    let labels_of = |id| -> String {
        graph.node(id).map_or_else(String::new, |n| {
            n.labels().iter().map(|l| format!(":{}", name(l))).collect()
        })
    };
    let mut by_type: BTreeMap<(&str, String, String), Vec<String>> = BTreeMap::new();
    for &id in &subgraph.rels {
        let Some(rel) = graph.rel(id) else {
            continue;
        };
        let key = (rel.rel_type(), labels_of(rel.start()), labels_of(rel.end()));
        by_type.entry(key).or_default().push(format!(
            "{{s: {}, e: {}, p: {}}}",
            rel.start().0,
            rel.end().0,
            map_literal(&rel.properties(), options)
        ));
    }
    for ((rel_type, start_labels, end_labels), rows) in &by_type {
        for batch in rows.chunks(BATCH) {
            writeln!(
                out,
                "UNWIND [{}] AS row MATCH (a:{ID_LABEL}{start_labels} {{{ID_KEY}: row.s}}) \
                 MATCH (b:{ID_LABEL}{end_labels} {{{ID_KEY}: row.e}}) \
                 CREATE (a)-[r:{}]->(b) SET r += row.p;",
                batch.join(", "),
                name(rel_type)
            )?;
        }
    }
    writeln!(out, "MATCH (n:{ID_LABEL}) REMOVE n:{ID_LABEL}, n.{ID_KEY};")
}

/// A label, type or key as Cypher reads it: bare when it is a plain
/// identifier, else in backticks.
pub fn name(text: &str) -> String {
    let plain = text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        text.to_string()
    } else {
        format!("`{}`", text.replace('`', "``"))
    }
}

fn map_literal(map: &BTreeMap<String, Value>, options: &Options) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{}: {}", name(key), literal(value, options));
    }
    out.push('}');
    out
}

/// A value as a Cypher literal.
pub fn literal(value: &Value, options: &Options) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "(0.0 / 0.0)".to_string(),
        Value::Float(f) if f.is_infinite() => {
            format!("({}1.0 / 0.0)", if *f < 0.0 { "-" } else { "" })
        }
        Value::Float(f) => crate::table::render_float(*f),
        Value::String(s) => string(s),
        Value::Date(d) => match options.dates {
            Dates::Date => format!("date('{d}')"),
            Dates::String => format!("'{d}'"),
        },
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| literal(v, options))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Map(map) => map_literal(map, options),
    }
}

/// A single-quoted string literal: quotes, backslashes and line breaks
/// escaped, NUL as `\u0000`.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // NUL is the one character a file of statements should not
            // hold raw; other control characters stay as they are, since
            // not every database reads `\u` escapes (FalkorDB keeps them as
            // text).
            '\0' => out.push_str("\\u0000"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_quoted_when_needed() {
        assert_eq!(name("Person"), "Person");
        assert_eq!(name("has space"), "`has space`");
        assert_eq!(name("a`b"), "`a``b`");
        assert_eq!(name("1st"), "`1st`");
        assert_eq!(
            string("O'Brien \\ \"x\"\n\0"),
            "'O\\'Brien \\\\ \"x\"\\n\\u0000'"
        );
    }
}
