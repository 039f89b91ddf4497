//! Graphviz DOT export of a subgraph: the nodes and relationships a query
//! returned (paths contribute theirs), or the whole graph. The only module
//! that knows DOT.
//!
//! Node ids are `n<id>`, output is sorted by id, so the same subgraph always
//! gives the same file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::graph::{Graph, NodeId, RelId, Value};
use crate::table::{render_cypher, Item, NodeItem, RelItem, Table};

/// The nodes and relationships to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subgraph {
    pub nodes: BTreeMap<NodeId, NodeItem>,
    pub rels: BTreeMap<RelId, RelItem>,
}

impl Subgraph {
    /// Every node and relationship of the graph.
    pub fn whole(graph: &Graph) -> Subgraph {
        let mut subgraph = Subgraph::default();
        for id in graph.node_ids() {
            subgraph.add_node_from(graph, id);
        }
        for id in graph.rel_ids() {
            if let Some(rel) = rel_item(graph, id) {
                subgraph.rels.insert(id, rel);
            }
        }
        subgraph
    }

    /// The graph elements found anywhere in a result table (inside lists,
    /// maps and paths too). A relationship brings its two end nodes, so no
    /// edge dangles.
    pub fn from_table(graph: &Graph, table: &Table) -> Subgraph {
        let mut subgraph = Subgraph::default();
        for item in table.rows.iter().flatten() {
            subgraph.collect(item);
        }
        let endpoints: Vec<NodeId> = subgraph
            .rels
            .values()
            .flat_map(|r| [r.start, r.end])
            .collect();
        for id in endpoints {
            if !subgraph.nodes.contains_key(&id) {
                subgraph.add_node_from(graph, id);
            }
        }
        // A relationship whose end node was deleted since cannot be drawn.
        let nodes = &subgraph.nodes;
        subgraph
            .rels
            .retain(|_, r| nodes.contains_key(&r.start) && nodes.contains_key(&r.end));
        subgraph
    }

    fn collect(&mut self, item: &Item) {
        match item {
            Item::Node(node) => {
                self.nodes.insert(node.id, node.clone());
            }
            Item::Rel(rel) => {
                self.rels.insert(rel.id, rel.clone());
            }
            Item::Path(path) => {
                for node in &path.nodes {
                    self.nodes.insert(node.id, node.clone());
                }
                for rel in &path.rels {
                    self.rels.insert(rel.id, rel.clone());
                }
            }
            Item::List(items) => items.iter().for_each(|i| self.collect(i)),
            Item::Map(map) => map.values().for_each(|i| self.collect(i)),
            _ => {}
        }
    }

    fn add_node_from(&mut self, graph: &Graph, id: NodeId) {
        if let Some(node) = graph.node(id) {
            self.nodes.insert(
                id,
                NodeItem {
                    id,
                    labels: node.labels().into_iter().map(str::to_string).collect(),
                    properties: node.properties(),
                },
            );
        }
    }
}

fn rel_item(graph: &Graph, id: RelId) -> Option<RelItem> {
    let rel = graph.rel(id)?;
    Some(RelItem {
        id,
        rel_type: rel.rel_type().to_string(),
        start: rel.start(),
        end: rel.end(),
        properties: rel.properties(),
    })
}

/// Fill colours per news label; other labels are drawn white.
const LABEL_COLOURS: [(&str, &str); 6] = [
    ("Person", "#cfe2ff"),
    ("Role", "#e2d9f3"),
    ("Institution", "#d1e7dd"),
    ("Place", "#fff3cd"),
    ("Event", "#f8d7da"),
    ("Article", "#e9ecef"),
];

/// The DOT text of a subgraph.
pub fn to_dot(subgraph: &Subgraph) -> String {
    let mut out = String::from("digraph kg {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in subgraph.nodes.values() {
        let label = format!("{}\n{}", node.labels.join(":"), display_name(node));
        let colour = node
            .labels
            .iter()
            .find_map(|l| LABEL_COLOURS.iter().find(|(name, _)| name == l))
            .map_or("#ffffff", |(_, colour)| colour);
        let _ = writeln!(
            out,
            "  n{} [label=\"{}\", fillcolor=\"{}\"];",
            node.id,
            escape(label.trim()),
            colour
        );
    }
    for rel in subgraph.rels.values() {
        let mut attributes = format!("label=\"{}\"", escape(&rel.rel_type));
        if let Some(Value::String(evidence)) = rel.properties.get("evidence") {
            let _ = write!(attributes, ", tooltip=\"{}\"", escape(evidence));
        }
        let _ = writeln!(out, "  n{} -> n{} [{}];", rel.start, rel.end, attributes);
    }
    out.push_str("}\n");
    out
}

/// What identifies a node to a reader: its name or title, else its type
/// and date (events), else its id, else its first property.
fn display_name(node: &NodeItem) -> String {
    let text = |key: &str| {
        node.properties
            .get(key)
            .map(|v| render_cypher(&Item::from(v)))
    };
    let name = text("name").or_else(|| text("title")).or_else(|| {
        text("type").map(|kind| match text("date") {
            Some(date) => format!("{kind} {date}"),
            None => kind,
        })
    });
    name.or_else(|| text("id"))
        .or_else(|| {
            node.properties
                .values()
                .next()
                .map(|v| render_cypher(&Item::from(v)))
        })
        .map(|label| wrap(&label, LABEL_WIDTH))
        .unwrap_or_default()
}

/// Long names and titles are wrapped so boxes stay readable.
const LABEL_WIDTH: usize = 32;

/// Breaks text into lines of at most `width` characters at spaces (a
/// longer word keeps its own line).
fn wrap(text: &str, width: usize) -> String {
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

/// Escapes text for a double-quoted DOT string: quotes and backslashes,
/// and line breaks as `\n` (centred lines).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, wrap};

    #[test]
    fn wraps_long_labels_at_spaces() {
        assert_eq!(
            wrap("Deputy Minister of Defence of Chile", 16),
            "Deputy Minister\nof Defence of\nChile"
        );
        assert_eq!(wrap("short", 16), "short");
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn escapes_quotes_backslashes_and_newlines() {
        let cases = [
            ("plain", "plain"),
            ("say \"hi\"", "say \\\"hi\\\""),
            ("a\\b", "a\\\\b"),
            ("two\nlines\r\n", "two\\nlines\\n"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape(input), expected, "{input:?}");
        }
    }
}
