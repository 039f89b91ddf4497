//! Query results: a `Table` of named columns and rows of `Item`s, detached
//! from the graph (a row still shows a node deleted by a later statement),
//! and its renderings as a text table, CSV and JSON Lines.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use serde_json::json;

use crate::graph::{Date, NodeId, RelId, Value};

/// A node as it was when the row was produced.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeItem {
    pub id: NodeId,
    pub labels: Vec<String>,
    pub properties: BTreeMap<String, Value>,
}

/// A relationship as it was when the row was produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RelItem {
    pub id: RelId,
    pub rel_type: String,
    pub start: NodeId,
    pub end: NodeId,
    pub properties: BTreeMap<String, Value>,
}

/// A path: `nodes.len() == rels.len() + 1`; `rels[i]` joins `nodes[i]` and
/// `nodes[i + 1]` in its own direction.
#[derive(Debug, Clone, PartialEq)]
pub struct PathItem {
    pub nodes: Vec<NodeItem>,
    pub rels: Vec<RelItem>,
}

/// One value in a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Date(Date),
    List(Vec<Item>),
    Map(BTreeMap<String, Item>),
    Node(NodeItem),
    Rel(RelItem),
    Path(PathItem),
}

impl From<&Value> for Item {
    fn from(value: &Value) -> Item {
        match value {
            Value::Null => Item::Null,
            Value::Bool(b) => Item::Bool(*b),
            Value::Int(i) => Item::Int(*i),
            Value::Float(f) => Item::Float(*f),
            Value::String(s) => Item::String(s.clone()),
            Value::Date(d) => Item::Date(*d),
            Value::List(l) => Item::List(l.iter().map(Item::from).collect()),
            Value::Map(m) => Item::Map(m.iter().map(|(k, v)| (k.clone(), v.into())).collect()),
        }
    }
}

/// The result of one statement.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Item>>,
}

/// How a table is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table.
    #[default]
    Table,
    /// Comma-separated values with a header row.
    Csv,
    /// JSON Lines: one object per row, keyed by column name.
    Json,
    /// One `column: value` line per cell, a row after another (for wide rows).
    Vertical,
}

impl Format {
    /// Whether the output is data for programs (CSV, JSON Lines): then
    /// nothing else may be written beside it on standard output.
    pub fn is_data(self) -> bool {
        matches!(self, Format::Csv | Format::Json)
    }
}

/// How a text table is fitted to the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    /// The terminal's width: cells are cut (with `…`) or wrapped to fit.
    /// `None` (not a terminal) prints every cell whole.
    pub width: Option<usize>,
    /// Wrap long cells over several lines instead of cutting them.
    pub wrap: bool,
    /// Shown in the footer beside the row count.
    pub elapsed: Option<Duration>,
}

impl Table {
    /// Writes the table in the given format.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        self.write_laid_out(format, &Layout::default(), out)
    }

    /// Writes the table in the given format, text fitted as `layout` says.
    pub fn write_laid_out(
        &self,
        format: Format,
        layout: &Layout,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match format {
            Format::Table => self.write_text(layout, out),
            Format::Vertical => self.write_vertical(layout, out),
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
        }
    }

    fn write_text(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        if self.columns.is_empty() {
            return Ok(());
        }
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::ASCII_MARKDOWN);
        table.set_header(self.columns.clone());
        if let Some(width) = layout.width {
            table
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_width(u16::try_from(width).unwrap_or(u16::MAX))
                .set_truncation_indicator("…");
        }
        for row in &self.rows {
            let mut cells = comfy_table::Row::from(row.iter().map(render_cypher));
            if layout.width.is_some() && !layout.wrap {
                cells.max_height(1);
            }
            table.add_row(cells);
        }
        writeln!(out, "{table}")?;
        write_footer(self.rows.len(), layout, out)
    }

    fn write_vertical(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        if self.columns.is_empty() {
            return Ok(());
        }
        let name_width = self
            .columns
            .iter()
            .map(|c| unicode_width::UnicodeWidthStr::width(c.as_str()))
            .max()
            .unwrap_or(0);
        for (i, row) in self.rows.iter().enumerate() {
            writeln!(out, "── row {} ──", i + 1)?;
            for (column, item) in self.columns.iter().zip(row) {
                let pad = name_width - unicode_width::UnicodeWidthStr::width(column.as_str());
                let value = render_cypher(item);
                let value = match layout.width {
                    Some(width) if !layout.wrap => {
                        cut_to_width(&value, width.saturating_sub(name_width + 2))
                    }
                    _ => value,
                };
                writeln!(out, "{}{column}: {value}", " ".repeat(pad))?;
            }
        }
        write_footer(self.rows.len(), layout, out)
    }

    fn write_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        write_data_header(Format::Csv, &self.columns, out)?;
        for row in &self.rows {
            write_data_row(Format::Csv, &self.columns, row, out)?;
        }
        Ok(())
    }

    fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        for row in &self.rows {
            write_data_row(Format::Json, &self.columns, row, out)?;
        }
        Ok(())
    }
}

/// What comes before the rows of a CSV result: the header (none when the
/// statement returns no columns). JSON Lines has none.
pub fn write_data_header(
    format: Format,
    columns: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Csv && !columns.is_empty() {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(columns)?;
        writer.flush()?;
    }
    Ok(())
}

/// One row of a CSV or JSON Lines result, so a result can be written row
/// by row as it is computed.
pub fn write_data_row(
    format: Format,
    columns: &[String],
    row: &[Item],
    out: &mut dyn Write,
) -> io::Result<()> {
    if format == Format::Csv {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(row.iter().map(|item| match item {
            Item::Null => String::new(),
            Item::String(s) => s.clone(),
            other => render_cypher(other),
        }))?;
        return writer.flush();
    }
    let object: serde_json::Map<String, serde_json::Value> = columns
        .iter()
        .cloned()
        .zip(row.iter().map(to_json))
        .collect();
    serde_json::to_writer(&mut *out, &object)?;
    writeln!(out)
}

fn write_footer(rows: usize, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
    let plural = if rows == 1 { "" } else { "s" };
    match layout.elapsed {
        Some(elapsed) => writeln!(out, "{rows} row{plural} ({})", format_duration(elapsed)),
        None => writeln!(out, "{rows} row{plural}"),
    }
}

/// `0.412 ms`, `12.3 ms`, `2.41 s`.
pub fn format_duration(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// The first line of `text`, cut to `width` columns with `…` when longer.
pub fn cut_to_width(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let line = text.lines().next().unwrap_or("");
    let whole = line.len() == text.len();
    if whole && unicode_width::UnicodeWidthStr::width(line) <= width {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The JSON form of an item: nodes as `{"id","labels","properties"}`,
/// relationships as `{"id","type","start","end","properties"}`.
pub fn to_json(item: &Item) -> serde_json::Value {
    match item {
        Item::Null => serde_json::Value::Null,
        Item::Bool(b) => json!(b),
        Item::Int(i) => json!(i),
        Item::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|| json!(f.to_string())),
        Item::String(s) => json!(s),
        Item::Date(d) => json!(d.to_string()),
        Item::List(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Item::Map(map) => map_json(map.iter().map(|(k, v)| (k.clone(), to_json(v)))),
        Item::Node(node) => node_json(node),
        Item::Rel(rel) => rel_json(rel),
        Item::Path(path) => json!({
            "nodes": path.nodes.iter().map(node_json).collect::<Vec<_>>(),
            "relationships": path.rels.iter().map(rel_json).collect::<Vec<_>>(),
        }),
    }
}

fn map_json(entries: impl Iterator<Item = (String, serde_json::Value)>) -> serde_json::Value {
    serde_json::Value::Object(entries.collect())
}

fn properties_json(properties: &BTreeMap<String, Value>) -> serde_json::Value {
    map_json(
        properties
            .iter()
            .map(|(k, v)| (k.clone(), to_json(&Item::from(v)))),
    )
}

fn node_json(node: &NodeItem) -> serde_json::Value {
    json!({"id": node.id.0, "labels": node.labels, "properties": properties_json(&node.properties)})
}

fn rel_json(rel: &RelItem) -> serde_json::Value {
    json!({
        "id": rel.id.0, "type": rel.rel_type, "start": rel.start.0, "end": rel.end.0,
        "properties": properties_json(&rel.properties),
    })
}

/// Cypher-like text of an item: `'text'` inside lists and maps, nodes as
/// `(:Label {k: v})`, relationships as `[:TYPE {k: v}]`.
pub fn render_cypher(item: &Item) -> String {
    match item {
        Item::String(s) => s.clone(),
        other => render_nested(other),
    }
}

fn render_nested(item: &Item) -> String {
    match item {
        Item::Null => "null".to_string(),
        Item::Bool(b) => b.to_string(),
        Item::Int(i) => i.to_string(),
        Item::Float(f) => render_float(*f),
        Item::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Item::Date(d) => d.to_string(),
        Item::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(render_nested)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Item::Map(map) => render_map(map.iter().map(|(k, v)| (k.as_str(), render_nested(v)))),
        Item::Node(node) => render_node(node),
        Item::Rel(rel) => render_rel(rel),
        Item::Path(path) => render_path(path),
    }
}

/// Floats always show a decimal point or exponent, so `1.0` is not `1`.
pub fn render_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else if f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

fn render_map<'a>(entries: impl Iterator<Item = (&'a str, String)>) -> String {
    let inner: Vec<String> = entries.map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn render_properties(properties: &BTreeMap<String, Value>) -> String {
    if properties.is_empty() {
        return String::new();
    }
    format!(
        " {}",
        render_map(
            properties
                .iter()
                .map(|(k, v)| (k.as_str(), render_nested(&Item::from(v))))
        )
    )
}

fn render_node(node: &NodeItem) -> String {
    let labels: String = node.labels.iter().map(|l| format!(":{l}")).collect();
    let props = render_properties(&node.properties);
    format!(
        "({labels}{})",
        if labels.is_empty() {
            props.trim_start().to_string()
        } else {
            props
        }
    )
}

fn render_rel(rel: &RelItem) -> String {
    format!("[:{}{}]", rel.rel_type, render_properties(&rel.properties))
}

fn render_path(path: &PathItem) -> String {
    let mut out = String::from("<");
    for (i, node) in path.nodes.iter().enumerate() {
        out.push_str(&render_node(node));
        if let Some(rel) = path.rels.get(i) {
            if rel.start == node.id {
                out.push_str(&format!("-{}->", render_rel(rel)));
            } else {
                out.push_str(&format!("<-{}-", render_rel(rel)));
            }
        }
    }
    out.push('>');
    out
}
