//! GraphML (Gephi, yEd, NetworkX, Neo4j's APOC): one `<key>` per property
//! name with the type all its values share (`long`, `double`, `boolean`,
//! `string`; dates as `YYYY[-MM[-DD]]` strings, lists and maps as JSON
//! text), node labels in a `labels` key as `:A:B` (APOC's convention) and
//! relationship types in a `type` key. Properties are those a query sees,
//! provenance (`article`, `sentence`, `evidence`) included.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{plain_text, Subgraph, ValueType};
use crate::graph::{Graph, Value};

/// The key of each property name of one domain (`node` or `edge`), with
/// its declared type.
struct Keys {
    domain: &'static str,
    prefix: &'static str,
    /// Property name → (key id, type).
    keys: BTreeMap<String, (String, ValueType)>,
}

impl Keys {
    fn new(domain: &'static str, prefix: &'static str) -> Keys {
        Keys {
            domain,
            prefix,
            keys: BTreeMap::new(),
        }
    }

    fn add(&mut self, properties: &BTreeMap<String, Value>) {
        for (name, value) in properties {
            let Some(value_type) = ValueType::of(value) else {
                continue;
            };
            match self.keys.get_mut(name) {
                Some((_, declared)) => *declared = declared.join(value_type),
                None => {
                    self.keys.insert(name.clone(), (String::new(), value_type));
                }
            }
        }
    }

    /// Numbers the keys in name order, so the file is stable.
    fn number(&mut self) {
        for (i, (id, _)) in self.keys.values_mut().enumerate() {
            *id = format!("{}{i}", self.prefix);
        }
    }

    fn declare(&self, out: &mut String, meta: &str) {
        let _ = writeln!(
            out,
            "  <key id=\"{}_{meta}\" for=\"{}\" attr.name=\"{meta}\" attr.type=\"string\"/>",
            self.prefix, self.domain
        );
        for (name, (id, value_type)) in &self.keys {
            // A property named like the meta key is renamed, not lost.
            let shown = if name == meta {
                format!("{name}_")
            } else {
                name.clone()
            };
            let _ = writeln!(
                out,
                "  <key id=\"{id}\" for=\"{}\" attr.name=\"{}\" attr.type=\"{}\"/>",
                self.domain,
                escape(&shown),
                graphml_type(*value_type)
            );
        }
    }

    fn write_data(&self, out: &mut String, properties: &BTreeMap<String, Value>) {
        for (name, value) in properties {
            if let Some((id, _)) = self.keys.get(name) {
                let _ = write!(
                    out,
                    "<data key=\"{id}\">{}</data>",
                    escape(&plain_text(value))
                );
            }
        }
    }
}

fn graphml_type(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Bool => "boolean",
        ValueType::Int => "long",
        ValueType::Float => "double",
        _ => "string",
    }
}

/// Writes the subgraph as GraphML.
pub fn write(graph: &Graph, subgraph: &Subgraph, out: &mut dyn Write) -> io::Result<()> {
    let mut node_keys = Keys::new("node", "n");
    let mut edge_keys = Keys::new("edge", "e");
    let nodes: Vec<_> = subgraph
        .nodes
        .iter()
        .filter_map(|&id| graph.node(id))
        .collect();
    let rels: Vec<_> = subgraph
        .rels
        .iter()
        .filter_map(|&id| graph.rel(id))
        .collect();
    let node_props: Vec<_> = nodes.iter().map(|n| n.properties()).collect();
    let rel_props: Vec<_> = rels.iter().map(|r| r.properties()).collect();
    node_props.iter().for_each(|p| node_keys.add(p));
    rel_props.iter().for_each(|p| edge_keys.add(p));
    node_keys.number();
    edge_keys.number();

    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    node_keys.declare(&mut text, "labels");
    edge_keys.declare(&mut text, "type");
    text.push_str("  <graph id=\"kg\" edgedefault=\"directed\">\n");
    for (node, properties) in nodes.iter().zip(&node_props) {
        let labels: String = node.labels().iter().map(|l| format!(":{l}")).collect();
        let _ = write!(
            text,
            "    <node id=\"n{}\"><data key=\"n_labels\">{}</data>",
            node.id(),
            escape(&labels)
        );
        node_keys.write_data(&mut text, properties);
        text.push_str("</node>\n");
    }
    for (rel, properties) in rels.iter().zip(&rel_props) {
        let _ = write!(
            text,
            "    <edge id=\"e{}\" source=\"n{}\" target=\"n{}\"><data key=\"e_type\">{}</data>",
            rel.id(),
            rel.start(),
            rel.end(),
            escape(rel.rel_type())
        );
        edge_keys.write_data(&mut text, properties);
        text.push_str("</edge>\n");
        out.write_all(text.as_bytes())?;
        text.clear();
    }
    text.push_str("  </graph>\n</graphml>\n");
    out.write_all(text.as_bytes())
}

/// Escapes text for XML content and attributes. XML 1.0 cannot hold
/// control characters at all (not even as references), so they become
/// their visible Unicode control pictures (`␀`, `␇`), as in DOT; a
/// carriage return is kept as a reference, which parsers do not fold
/// into a line feed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
            }
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_characters_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\0y\r\n"), "x\u{2400}y&#13;&#10;");
        assert_eq!(escape("Hà Nội 北京"), "Hà Nội 北京");
    }
}
