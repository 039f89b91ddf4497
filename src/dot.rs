//! Graphviz DOT export of a subgraph, and rendering it with Graphviz's own
//! `dot`. The only module that knows DOT.
//!
//! Node ids are `n<id>` and everything is written in id order, so the same
//! subgraph always gives the same file. Every string goes through
//! [`escape`], so any text a graph holds (quotes, backslashes, control
//! characters, HTML-like text, any script) reaches the picture as it is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::export::Subgraph;
use crate::graph::{fold, Direction, Graph, NodeId, NodeRef, Provenance, RelRef, Value};
use crate::table::{render_cypher, Item};

/// How the picture is laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotStyle {
    pub cluster: Cluster,
    pub rankdir: RankDir,
    /// Draw a box naming each label's style and each type's colour.
    pub legend: bool,
}

impl Default for DotStyle {
    fn default() -> Self {
        DotStyle {
            cluster: Cluster::None,
            rankdir: RankDir::LR,
            legend: true,
        }
    }
}

/// Which boxes nodes are grouped in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cluster {
    /// By the country a node belongs to (an institution's country, a place's
    /// country, a role's institution's, a person's first role's, an event's
    /// place's).
    Country,
    /// By the first article mentioning a node.
    Article,
    /// No grouping.
    None,
}

/// The direction ranks run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankDir {
    /// Left to right.
    #[value(name = "LR", alias = "lr")]
    LR,
    /// Top to bottom.
    #[value(name = "TB", alias = "tb")]
    TB,
}

/// What `--render` asks Graphviz for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderFormat {
    Svg,
    Png,
    Pdf,
}

impl RenderFormat {
    fn dot_flag(self) -> &'static str {
        match self {
            RenderFormat::Svg => "-Tsvg",
            RenderFormat::Png => "-Tpng",
            RenderFormat::Pdf => "-Tpdf",
        }
    }
}

/// Shape and fill per news label; other labels are white boxes.
const LABEL_STYLES: [(&str, &str, &str); 6] = [
    ("Person", "ellipse", "#cfe2ff"),
    ("Role", "box", "#e2d9f3"),
    ("Institution", "box3d", "#d1e7dd"),
    ("Place", "house", "#fff3cd"),
    ("Event", "octagon", "#f8d7da"),
    ("Article", "note", "#e9ecef"),
];

/// Edge colour per news type; other types are drawn grey.
const TYPE_COLOURS: [(&str, &str); 7] = [
    ("HOLDS", "#6f42c1"),
    ("OF", "#495057"),
    ("PART_OF", "#198754"),
    ("LOCATED_IN", "#b8860b"),
    ("PARTICIPATED_IN", "#dc3545"),
    ("TOOK_PLACE_IN", "#fd7e14"),
    ("MENTIONED_IN", "#adb5bd"),
];
const OTHER_COLOUR: &str = "#6c757d";

/// The label a node is styled and described by: the first news label it
/// has, in this order (an event that is also a place is drawn as an event).
fn primary_label<'g>(node: &NodeRef<'g>) -> Option<&'static str> {
    ["Event", "Role", "Person", "Institution", "Place", "Article"]
        .into_iter()
        .find(|l| node.has_label(l))
}

fn label_style(label: Option<&str>) -> (&'static str, &'static str) {
    label
        .and_then(|l| LABEL_STYLES.iter().find(|(name, ..)| *name == l))
        .map_or(("box", "#ffffff"), |(_, shape, fill)| (*shape, *fill))
}

fn type_colour(rel_type: &str) -> &'static str {
    TYPE_COLOURS
        .iter()
        .find(|(name, _)| *name == rel_type)
        .map_or(OTHER_COLOUR, |(_, colour)| colour)
}

/// The DOT text of a subgraph.
pub fn to_dot(graph: &Graph, subgraph: &Subgraph, style: &DotStyle) -> String {
    let rankdir = match style.rankdir {
        RankDir::LR => "LR",
        RankDir::TB => "TB",
    };
    let mut out = format!(
        "digraph kg {{\n  graph [rankdir={rankdir}, fontname=\"Helvetica\", charset=\"UTF-8\"];\n  \
         node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=11];\n  \
         edge [fontname=\"Helvetica\", fontsize=9];\n"
    );
    let mut clusters: BTreeMap<(String, String), Vec<NodeId>> = BTreeMap::new();
    let mut loose = Vec::new();
    for &id in &subgraph.nodes {
        match cluster_of(graph, id, style.cluster) {
            Some(key) => clusters.entry(key).or_default().push(id),
            None => loose.push(id),
        }
    }
    for (i, ((_, title), ids)) in clusters.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"{}\"; style=\"rounded,dashed\"; color=\"#868e96\";",
            escape(title)
        );
        for &id in ids {
            write_node(&mut out, graph, id, "    ");
        }
        out.push_str("  }\n");
    }
    for id in loose {
        write_node(&mut out, graph, id, "  ");
    }
    for &id in &subgraph.rels {
        if let Some(rel) = graph.rel(id) {
            write_rel(&mut out, graph, &rel);
        }
    }
    if style.legend {
        write_legend(&mut out, graph, subgraph);
    }
    out.push_str("}\n");
    out
}

fn write_node(out: &mut String, graph: &Graph, id: NodeId, indent: &str) {
    let Some(node) = graph.node(id) else {
        return;
    };
    let label = primary_label(&node);
    let (shape, fill) = label_style(label);
    let lines = node_lines(graph, &node, label);
    let _ = writeln!(
        out,
        "{indent}n{id} [label=\"{}\", shape={shape}, fillcolor=\"{fill}\", tooltip=\"{}\"];",
        escape(&lines.join("\n")),
        escape_tooltip(&node_tooltip(graph, &node)),
    );
}

fn write_rel(out: &mut String, graph: &Graph, rel: &RelRef<'_>) {
    let rel_type = rel.rel_type();
    let mut label = rel_type.to_string();
    if let Some(as_of) = rel.property("as_of") {
        let _ = write!(label, "\nas of {}", display(&as_of));
    }
    let colour = type_colour(rel_type);
    let tooltip = rel_tooltip(graph, rel);
    let dashed = if rel_type == "MENTIONED_IN" {
        ", style=dashed"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "  n{} -> n{} [label=\"{}\", color=\"{colour}\", fontcolor=\"{colour}\"{dashed}, tooltip=\"{}\", labeltooltip=\"{}\"];",
        rel.start(),
        rel.end(),
        escape(&label),
        escape_tooltip(&tooltip),
        escape_tooltip(&tooltip),
    );
}

/// One small table (a Graphviz HTML-like label) naming each label drawn
/// in its fill and shape's colour, and each relationship type in its
/// colour, so a reader can tell the styles apart.
fn write_legend(out: &mut String, graph: &Graph, subgraph: &Subgraph) {
    let mut labels: BTreeSet<Option<&str>> = BTreeSet::new();
    for &id in &subgraph.nodes {
        if let Some(node) = graph.node(id) {
            labels.insert(primary_label(&node));
        }
    }
    let types: BTreeSet<&str> = subgraph
        .rels
        .iter()
        .filter_map(|&id| graph.rel(id).map(|r| r.rel_type()))
        .collect();
    if labels.is_empty() {
        return;
    }
    let mut rows = String::from("<TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>");
    for label in &labels {
        let (shape, fill) = label_style(*label);
        let _ = write!(
            rows,
            "<TR><TD BGCOLOR=\"{fill}\">{}</TD><TD ALIGN=\"LEFT\"><FONT POINT-SIZE=\"8\">{shape}</FONT></TD></TR>",
            escape_html(label.unwrap_or("other label"))
        );
    }
    for rel_type in &types {
        let colour = type_colour(rel_type);
        let _ = write!(
            rows,
            "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT COLOR=\"{colour}\">&#8594; {}</FONT></TD></TR>",
            escape_html(rel_type)
        );
    }
    let _ = writeln!(
        out,
        "  legend [shape=plaintext, fillcolor=\"none\", label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"2\" CELLPADDING=\"3\">{rows}</TABLE>>];"
    );
}

/// Escapes text for a Graphviz HTML-like label (markup characters as
/// entities, characters XML cannot hold as in [`escape`]).
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push_str(&escape(&c.to_string())),
        }
    }
    out
}

/// What identifies a node to a reader, line by line: its name and the most
/// useful facts around it (a role's institution, an event's type, date,
/// place and participants).
fn node_lines(graph: &Graph, node: &NodeRef<'_>, label: Option<&str>) -> Vec<String> {
    let text = |key: &str| node.property(key).map(|v| display(&v));
    let mut lines: Vec<String> = Vec::new();
    match label {
        Some("Person") => {
            lines.extend(text("name"));
            lines.extend(text("rank"));
        }
        Some("Role") => {
            lines.extend(text("title"));
            if let Some(institution) = neighbours(graph, node.id(), "OF", Direction::Outgoing)
                .first()
                .and_then(|&id| name_of(graph, id))
            {
                lines.push(format!("at {institution}"));
            }
        }
        Some("Institution") => {
            lines.extend(text("name"));
            lines.extend(text("country").map(|c| format!("({c})")));
        }
        Some("Place") => {
            lines.extend(text("name"));
            lines.extend(text("kind").map(|k| format!("({k})")));
        }
        Some("Event") => {
            let heading = [text("type"), text("date")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(heading);
            let places: Vec<String> =
                neighbours(graph, node.id(), "TOOK_PLACE_IN", Direction::Outgoing)
                    .into_iter()
                    .filter_map(|id| name_of(graph, id))
                    .collect();
            if !places.is_empty() {
                lines.push(format!("in {}", places.join(", ")));
            }
            let who: Vec<String> =
                neighbours(graph, node.id(), "PARTICIPATED_IN", Direction::Incoming)
                    .into_iter()
                    .filter_map(|id| name_of(graph, id))
                    .collect();
            const SHOWN: usize = 4;
            if !who.is_empty() {
                let mut line = who
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ");
                if who.len() > SHOWN {
                    let _ = write!(line, " +{} more", who.len() - SHOWN);
                }
                lines.push(line);
            }
        }
        Some("Article") => {
            lines.extend(text("id"));
            lines.extend(text("title"));
            lines.extend(text("date"));
        }
        _ => {
            let labels = node.labels();
            if !labels.is_empty() {
                lines.push(format!(":{}", labels.join(":")));
            }
            let name = text("name")
                .or_else(|| text("title"))
                .or_else(|| text("id"))
                .or_else(|| {
                    node.properties()
                        .into_iter()
                        .next()
                        .map(|(k, v)| format!("{k}: {}", display(&v)))
                });
            lines.extend(name);
        }
    }
    lines.retain(|l| !l.trim().is_empty());
    if lines.is_empty() {
        lines.push(format!("#{}", node.id()));
    }
    lines.iter().map(|l| wrap(l, LABEL_WIDTH)).collect()
}

/// A node's name, else its title, type or id: how a neighbour is named.
fn name_of(graph: &Graph, id: NodeId) -> Option<String> {
    let node = graph.node(id)?;
    ["name", "title", "type", "id"]
        .into_iter()
        .find_map(|key| node.property(key).map(|v| display(&v)))
}

/// The nodes at the other end of a node's relationships of one type, in
/// relationship id order.
fn neighbours(graph: &Graph, id: NodeId, rel_type: &str, direction: Direction) -> Vec<NodeId> {
    let mut edges: Vec<_> = graph
        .edges(id, direction)
        .filter(|a| graph.rel(a.rel).is_some_and(|r| r.rel_type() == rel_type))
        .collect();
    edges.sort_by_key(|a| a.rel);
    edges.into_iter().map(|a| a.other(id)).collect()
}

/// Longest property value a tooltip shows (an article's text is long).
const TOOLTIP_VALUE_CHARS: usize = 200;
/// Evidence sentences a tooltip lists before saying how many more.
const TOOLTIP_EVIDENCE: usize = 5;

/// A node's labels, properties and (for an event) the sentences it was
/// read from.
fn node_tooltip(graph: &Graph, node: &NodeRef<'_>) -> String {
    let mut text = format!(":{}", node.labels().join(":"));
    let provenance = node.provenance();
    for (key, value) in stored_properties(graph, node.id(), true) {
        let _ = write!(text, "\n{key}: {}", truncate(&display(&value)));
    }
    write_evidence(&mut text, graph, provenance);
    text
}

/// A relationship's type, properties and every sentence stating it.
fn rel_tooltip(graph: &Graph, rel: &RelRef<'_>) -> String {
    let mut text = rel.rel_type().to_string();
    for (key, value) in rel.to_data().properties {
        let _ = write!(text, "\n{key}: {}", truncate(&display(&value)));
    }
    if rel.provenance().is_empty() {
        // A relationship made by a query may carry its evidence itself.
        if let Some(evidence) = rel.property("evidence") {
            let _ = write!(text, "\n{}", display(&evidence));
        }
    }
    write_evidence(&mut text, graph, &rel.provenance());
    text
}

/// The stored properties of a node (not the ones provenance shows), the
/// text of a provenance source left out when `skip_text`.
fn stored_properties(graph: &Graph, id: NodeId, skip_text: bool) -> Vec<(String, Value)> {
    let Some(node) = graph.node(id) else {
        return Vec::new();
    };
    let text_key = graph
        .schema()
        .provenance
        .as_ref()
        .map(|keys| keys.source_text.clone());
    let is_source = graph.source_sentences(id).is_some();
    node.to_data()
        .properties
        .into_iter()
        .filter(|(k, _)| !(skip_text && is_source && Some(k) == text_key.as_ref()))
        .collect()
}

fn write_evidence(text: &mut String, graph: &Graph, provenance: &[Provenance]) {
    let mut shown = 0;
    for entry in provenance {
        let Some(sentence) = graph.evidence_text(entry) else {
            continue;
        };
        if shown == TOOLTIP_EVIDENCE {
            let _ = write!(
                text,
                "\n(+{} more)",
                provenance.len().saturating_sub(TOOLTIP_EVIDENCE)
            );
            break;
        }
        let source = name_of(graph, entry.source).unwrap_or_else(|| entry.source.to_string());
        let _ = write!(text, "\n[{source} #{}] {sentence}", entry.sentence);
        shown += 1;
    }
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= TOOLTIP_VALUE_CHARS {
        return text.to_string();
    }
    let mut short: String = text.chars().take(TOOLTIP_VALUE_CHARS).collect();
    short.push('…');
    short
}

/// A property value as a reader sees it: strings bare, dates as written.
fn display(value: &Value) -> String {
    render_cypher(&Item::from(value))
}

/// The cluster a node is drawn in: (sort key, title).
fn cluster_of(graph: &Graph, id: NodeId, cluster: Cluster) -> Option<(String, String)> {
    match cluster {
        Cluster::None => None,
        Cluster::Country => country_of(graph, id, 0).map(|c| (fold(&c), c)),
        Cluster::Article => {
            let article = graph.node(article_of(graph, id)?)?;
            let text = |key: &str| article.property(key).map(|v| display(&v));
            let title = match (text("id"), text("title")) {
                (Some(id), Some(title)) => format!("{id}: {title}"),
                (id, title) => id.or(title).unwrap_or_else(|| format!("#{}", article.id())),
            };
            Some((format!("{:010}", article.id().0), title))
        }
    }
}

/// How far `country_of` follows relationships before giving up.
const COUNTRY_DEPTH: u32 = 5;

fn country_of(graph: &Graph, id: NodeId, depth: u32) -> Option<String> {
    let node = graph.node(id)?;
    let text = |key: &str| {
        node.property(key)
            .and_then(|v| v.as_str().map(str::to_string))
    };
    if node.has_label("Place") && text("kind").as_deref() == Some("country") {
        return text("name");
    }
    if node.has_label("Institution") {
        if let Some(country) = text("country") {
            return Some(country);
        }
    }
    if depth >= COUNTRY_DEPTH {
        return None;
    }
    let via = if node.has_label("Event") {
        "TOOK_PLACE_IN"
    } else if node.has_label("Person") {
        "HOLDS"
    } else if node.has_label("Role") {
        "OF"
    } else {
        "LOCATED_IN"
    };
    neighbours(graph, id, via, Direction::Outgoing)
        .into_iter()
        .find_map(|next| country_of(graph, next, depth + 1))
}

/// A node's article: itself for an article, else the first article that
/// mentions it, else where it was read.
fn article_of(graph: &Graph, id: NodeId) -> Option<NodeId> {
    let node = graph.node(id)?;
    if node.has_label("Article") {
        return Some(id);
    }
    neighbours(graph, id, "MENTIONED_IN", Direction::Outgoing)
        .into_iter()
        .min()
        .or_else(|| node.provenance().first().map(|p| p.source))
}

/// Long names and titles are wrapped so boxes stay readable.
const LABEL_WIDTH: usize = 32;

/// Breaks text into lines of at most `width` characters at spaces (a
/// longer word keeps its own line); line breaks in the text stay.
fn wrap(text: &str, width: usize) -> String {
    text.lines()
        .map(|line| wrap_line(line, width))
        .collect::<Vec<_>>()
        .join("\n")
}

fn wrap_line(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_len = 0;
    for word in text.split(' ') {
        let word_len = word.chars().count();
        if line_len > 0 && line_len + 1 + word_len > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word_len;
    }
    out
}

/// Escapes text for a double-quoted DOT string whose text Graphviz shows
/// as it is: `"` and `\` escaped (so `\N`, `\l` and the like stay
/// literal), each line break (`\n`, `\r\n` or a lone `\r`) as `\n`, `&` as
/// `&amp;` (Graphviz reads entities in labels, so `&amp;` would show as
/// `&`), and characters XML cannot hold — control characters, which would
/// make the SVG invalid, and NUL, which ends Graphviz's strings — as their
/// visible Unicode control pictures (`␀`, `␇`, ...) or `U+XXXX`.
pub fn escape(text: &str) -> String {
    escape_with(text, "\\\\")
}

/// Escapes text for a tooltip: as [`escape`], but Graphviz reads a
/// tooltip's escapes twice (and expands `\N`, `\G` and the like in the
/// second pass), so a backslash is written as four.
pub fn escape_tooltip(text: &str) -> String {
    escape_with(text, "\\\\\\\\")
}

fn escape_with(text: &str, backslash: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str(backslash),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\t' => out.push(' '),
            '&' => out.push_str("&amp;"),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            '\u{7f}' => out.push('\u{2421}'),
            c if ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                let _ = write!(out, "U+{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Runs Graphviz's `dot` (directly, no shell) on DOT text and returns the
/// rendered picture.
pub fn render(dot_text: &str, format: RenderFormat) -> Result<Vec<u8>> {
    let spawned = Command::new("dot")
        .arg(format.dot_flag())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(
                "--render needs Graphviz's `dot`, which is not installed (or not on PATH): \
                 install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, Fedora: \
                 `dnf install graphviz`, macOS: `brew install graphviz`, Windows: \
                 `winget install graphviz`), or export DOT without --render and render it \
                 elsewhere"
                    .to_string(),
            ))
        }
        Err(e) => return Err(Error::io("dot", e)),
    };
    // Write on another thread: dot may fill its output pipe before it has
    // read all its input.
    let input = dot_text.as_bytes().to_vec();
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || match stdin.as_mut() {
        Some(stdin) => stdin.write_all(&input),
        None => Ok(()),
    });
    let output = child.wait_with_output().map_err(|e| Error::io("dot", e))?;
    let written = writer.join().unwrap_or(Ok(()));
    if !output.status.success() {
        return Err(Error::Usage(format!(
            "Graphviz `dot` failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    written.map_err(|e| Error::io("dot", e))?;
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_tooltip, wrap};

    #[test]
    fn wraps_long_labels_at_spaces() {
        assert_eq!(
            wrap("Deputy Minister of Defence of Chile", 16),
            "Deputy Minister\nof Defence of\nChile"
        );
        assert_eq!(wrap("short", 16), "short");
        assert_eq!(wrap("two\nlines", 16), "two\nlines");
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn escapes_every_kind_of_character() {
        let cases = [
            ("plain", "plain"),
            ("say \"hi\"", "say \\\"hi\\\""),
            ("a\\b", "a\\\\b"),
            ("\\N \\l", "\\\\N \\\\l"),
            ("two\nlines\r\n", "two\\nlines\\n"),
            ("old\rmac", "old\\nmac"),
            ("a\0b", "a\u{2400}b"),
            ("bell\u{7}", "bell\u{2407}"),
            ("del\u{7f}", "del\u{2421}"),
            ("c1\u{85}", "c1U+0085"),
            ("tab\there", "tab here"),
            ("&amp; & <b>", "&amp;amp; &amp; <b>"),
            ("Hà Nội 北京 القاهرة", "Hà Nội 北京 القاهرة"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input:?}");
        }
        assert_eq!(escape_tooltip("a\\N\n\"q\""), "a\\\\\\\\N\\n\\\"q\\\"");
    }
}
