//! Snapshots (insta) of what kg prints: text tables on narrow and wide
//! terminals (wide letters, combining marks, long cells cut with `…` or
//! wrapped), the vertical form, CSV, JSON Lines, and script error messages.

use std::collections::BTreeMap;

use kg::graph::{NodeId, RelId, Value};
use kg::table::{Format, Item, Layout, NodeItem, RelItem, Table};

use crate::cli::{kg, temp_graph};

fn sample() -> Table {
    let mut props = BTreeMap::new();
    props.insert("name".to_string(), Value::from("Phùng Sĩ Tấn"));
    props.insert("rank".to_string(), Value::from("Lieutenant General"));
    let node = Item::Node(NodeItem {
        id: NodeId(0),
        labels: vec!["Person".into()],
        properties: props,
    });
    let mut rel_props = BTreeMap::new();
    rel_props.insert("as_of".to_string(), Value::from("2025-08-19"));
    let rel = Item::Rel(RelItem {
        id: RelId(3),
        rel_type: "HOLDS".into(),
        start: NodeId(0),
        end: NodeId(1),
        properties: rel_props,
    });
    Table {
        columns: vec!["p".into(), "h".into(), "title".into(), "note".into()],
        rows: vec![
            vec![
                node,
                rel,
                Item::String(
                    "Deputy Chief of the General Staff of the Việt Nam People's Army".into(),
                ),
                Item::String("中文名字 and a comma, \"quoted\"".into()),
            ],
            vec![
                Item::Null,
                Item::List(vec![
                    Item::Int(1),
                    Item::Float(2.0),
                    Item::String("it's".into()),
                ]),
                Item::String("Tổng Bí thư".into()),
                // e + combining acute: one column wide
                Item::String("Cafe\u{301} 한국어".into()),
            ],
        ],
    }
}

fn render(format: Format, layout: Layout) -> String {
    let mut out = Vec::new();
    sample().write_laid_out(format, &layout, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn width(columns: usize, wrap: bool) -> Layout {
    Layout {
        width: Some(columns),
        wrap,
        elapsed: None,
    }
}

#[test]
fn table_on_a_narrow_terminal_cuts_cells() {
    let text = render(Format::Table, width(60, false));
    assert!(
        text.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn table_on_a_narrow_terminal_wraps_with_wrap() {
    let text = render(Format::Table, width(60, true));
    assert!(
        text.lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 60),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn table_on_a_wide_terminal() {
    insta::assert_snapshot!(render(Format::Table, width(200, false)));
}

#[test]
fn table_without_a_terminal_prints_cells_whole() {
    insta::assert_snapshot!(render(Format::Table, Layout::default()));
}

#[test]
fn vertical() {
    insta::assert_snapshot!(render(Format::Vertical, width(60, false)));
}

#[test]
fn csv() {
    insta::assert_snapshot!(render(Format::Csv, Layout::default()));
}

#[test]
fn json_lines() {
    let text = render(Format::Json, Layout::default());
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    insta::assert_snapshot!(text);
}

#[test]
fn script_error_messages() {
    let (dir, graph) = temp_graph();
    let cases = [
        (
            "syntax.cypher",
            "CREATE (:Place {name: 'x'});\n\nMATCH (p:Place)\nRETURN p.name,\n  p.nope +;\n",
        ),
        ("unknown.cypher", "// names\nRETURN '中文', nope;\n"),
        ("open.cypher", "RETURN 1;\nRETURN 'never closed;\n"),
        ("command.cypher", "RETURN 1;\n:format xml\n"),
    ];
    let mut all = String::new();
    for (name, text) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let output = kg(&graph)
            .current_dir(dir.path())
            .args(["run", "--create", name])
            .assert()
            .code(1)
            .get_output()
            .clone();
        all.push_str(&format!(
            "== {name}\n{}\n",
            String::from_utf8(output.stderr).unwrap()
        ));
    }
    insta::assert_snapshot!(all);
}
