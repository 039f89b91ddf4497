//! DOT export: every file kg writes for a set of varied queries over
//! names with quotes, backslashes, line breaks, control characters,
//! HTML-like text and non-Latin scripts is accepted by Graphviz itself
//! (`dot -Tsvg`), the SVG is well-formed XML, and each node's name and
//! each fact's evidence sentence survive into it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::Command as Cmd;
use kg::dot::{to_dot, DotStyle};
use kg::export::{subgraph, Selection};
use kg::graph::{Date, Graph, NodeId, Provenance, Value};

/// Names that have broken DOT exports, one of each kind.
pub const TRICKY_NAMES: [&str; 14] = [
    "Ana \"La Jefa\" O\\Brien",
    "line one\nline two",
    "carriage\r\nreturn and lone\rcr",
    "nul\0byte",
    "bell\u{7}ring del\u{7f}",
    "<b>bold</b> & <i>html</i>",
    "&amp; stays literal &lt;",
    "\\N \\G \\l \\n escapes",
    "ends with a backslash \\",
    "tab\tseparated",
    "Nguyễn Phú Trọng",
    "محمد بن سلمان",
    "习近平",
    "{record|shape} <port>",
];

fn props(entries: &[(&str, Value)]) -> BTreeMap<String, Value> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A news-shaped graph whose every string is tricky: one article whose
/// sentences name them (the evidence of each fact), a person per tricky
/// name holding a role at an institution, and a meeting of them all.
pub fn tricky_graph() -> Graph {
    let mut graph = Graph::with_schema(kg::ingest::news_schema());
    let sentences: Vec<String> = TRICKY_NAMES
        .iter()
        .map(|name| format!("{name} said \"yes\" & left. "))
        .collect();
    let text: String = sentences.concat();
    let mut spans = Vec::new();
    let mut at = 0u32;
    for s in &sentences {
        spans.push((at, at + s.len() as u32));
        at += s.len() as u32;
    }
    let article = graph.add_node(
        ["Article"],
        props(&[
            ("id", Value::from("art-<1>&\"")),
            ("title", Value::from("Tricky & \"quoted\" <title>")),
            ("text", Value::from(text)),
        ]),
    );
    graph.set_source_sentences(article, spans.clone()).unwrap();
    let country = graph.add_node(
        ["Place"],
        props(&[
            ("name", Value::from("Việt Nam")),
            ("kind", Value::from("country")),
        ]),
    );
    let institution = graph.add_node(
        ["Institution"],
        props(&[
            ("name", Value::from("Bộ Ngoại giao \"MOFA\" & co")),
            ("country", Value::from("Việt Nam")),
        ]),
    );
    graph
        .add_rel(institution, country, "LOCATED_IN", BTreeMap::new())
        .unwrap();
    // A type and a label no schema knows, with markup and quotes in them.
    let odd = graph.add_node(
        ["Odd <&> \"Label\""],
        props(&[("title", Value::from("odd\\one"))]),
    );
    graph
        .add_rel(odd, institution, "ODD \"<&>\" TYPE\\", BTreeMap::new())
        .unwrap();
    let event = graph.add_node(
        ["Event"],
        props(&[
            ("type", Value::from("meeting")),
            ("id", Value::from("e1")),
            ("date", Value::Date(Date::parse("2022-10").unwrap())),
        ]),
    );
    graph
        .add_fact(
            event,
            country,
            "TOOK_PLACE_IN",
            provenance(article, 0, &spans),
        )
        .unwrap();
    for (i, name) in TRICKY_NAMES.iter().enumerate() {
        let person = graph.add_node(["Person"], props(&[("name", Value::from(*name))]));
        let role = graph.add_node(
            ["Role"],
            props(&[("title", Value::from(format!("Minister \"{i}\" & <deputy>")))]),
        );
        let holds = graph
            .add_fact(person, role, "HOLDS", provenance(article, i, &spans))
            .unwrap();
        graph
            .set_rel_property(
                holds,
                "as_of",
                Value::Date(Date::parse("2024-11-05").unwrap()),
            )
            .unwrap();
        graph
            .add_fact(role, institution, "OF", provenance(article, i, &spans))
            .unwrap();
        graph
            .add_fact(
                person,
                event,
                "PARTICIPATED_IN",
                provenance(article, i, &spans),
            )
            .unwrap();
        graph
            .add_fact(
                person,
                article,
                "MENTIONED_IN",
                provenance(article, i, &spans),
            )
            .unwrap();
    }
    graph
}

fn provenance(article: NodeId, sentence: usize, spans: &[(u32, u32)]) -> Provenance {
    Provenance {
        source: article,
        sentence: sentence as u32,
        start: spans[sentence].0,
        end: spans[sentence].0 + 3,
    }
}

/// Whether Graphviz is installed; CI installs it, so there it must be.
pub fn dot_available() -> bool {
    let found = Command::new("dot").arg("-V").output().is_ok();
    assert!(
        found || std::env::var_os("CI").is_none(),
        "CI must install graphviz (`dot`)"
    );
    if !found {
        eprintln!("skipping Graphviz validation: `dot` is not installed");
    }
    found
}

fn render_svg(dot_text: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "dot rejected or warned about the export: {}\n{dot_text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// What one drawn element shows: its label lines and its tooltips.
#[derive(Debug, Default)]
struct Drawn {
    text: Vec<String>,
    tooltips: Vec<String>,
}

/// Parses the SVG (failing on anything that is not well-formed XML) into
/// what each node (`n<id>`) and edge (`n<a>->n<b>`) shows.
fn parse_svg(svg: &str) -> BTreeMap<String, Drawn> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut drawn: BTreeMap<String, Drawn> = BTreeMap::new();
    // (depth of the element's <g>, its title) while inside a node or edge.
    let mut current: Option<(usize, String)> = None;
    let mut depth = 0usize;
    let mut in_title = false;
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("the SVG is not well-formed XML: {e}\n{svg}"));
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = e.name().as_ref().to_vec();
                let attrs: BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.unescape_value().unwrap().into_owned(),
                        )
                    })
                    .collect();
                if name == b"g"
                    && matches!(
                        attrs.get("class").map(String::as_str),
                        Some("node" | "edge")
                    )
                {
                    current = Some((depth, String::new()));
                }
                in_title = name == b"title";
                in_text = name == b"text";
                if let (Some((_, title)), Some(tooltip)) = (&current, attrs.get("xlink:title")) {
                    drawn
                        .entry(title.clone())
                        .or_default()
                        .tooltips
                        .push(tooltip.clone());
                }
            }
            Event::End(_) => {
                if current.as_ref().is_some_and(|(d, _)| *d == depth) {
                    current = None;
                }
                depth -= 1;
                in_title = false;
                in_text = false;
            }
            Event::Text(t) => {
                let text = t.unescape().unwrap().into_owned();
                if let Some((_, title)) = current.as_mut() {
                    if in_title {
                        title.push_str(&text);
                        drawn.entry(title.clone()).or_default();
                    } else if in_text {
                        drawn.entry(title.clone()).or_default().text.push(text);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    drawn
}

/// The text a reader should see for `s`: line breaks as breaks, a tab as
/// a space, control characters as their Unicode pictures.
fn visible(s: &str) -> String {
    let s = s
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', " ");
    s.chars()
        .map(|c| match c {
            '\n' => '\n',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap(),
            '\u{7f}' => '\u{2421}',
            c => c,
        })
        .collect()
}

/// Whitespace (line breaks included) folded to single spaces.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a DOT file against Graphviz and the graph: every node's name or
/// title shows in its label and tooltip, every fact's evidence in its
/// tooltip. Returns how many nodes and edges were checked.
fn check_rendering(graph: &Graph, dot_text: &str) -> (usize, usize) {
    let svg = render_svg(dot_text);
    let drawn = parse_svg(&svg);
    let mut nodes = 0;
    let mut edges = 0;
    for id in graph.node_ids() {
        let Some(shown) = drawn.get(&format!("n{id}")) else {
            continue;
        };
        nodes += 1;
        let node = graph.node(id).unwrap();
        let key = ["name", "title", "type"].into_iter().find_map(|k| {
            node.property(k)
                .and_then(|v| v.as_str().map(str::to_string))
        });
        if let Some(key) = key {
            let expected = squash(&visible(&key));
            let text = squash(&shown.text.join(" "));
            assert!(
                text.contains(&expected),
                "label of n{id} lost {expected:?}: {text:?}"
            );
            assert!(
                shown.tooltips.iter().any(|t| squash(t).contains(&expected)),
                "tooltip of n{id} lost {expected:?}: {:?}",
                shown.tooltips
            );
        }
    }
    for id in graph.rel_ids() {
        let rel = graph.rel(id).unwrap();
        let title = format!("n{}->n{}", rel.start(), rel.end());
        let Some(shown) = drawn.get(&title) else {
            continue;
        };
        edges += 1;
        assert!(
            squash(&shown.text.join(" ")).contains(rel.rel_type()),
            "{title} lost its type"
        );
        if let Some(evidence) = rel.property("evidence") {
            let expected = squash(&visible(evidence.as_str().unwrap()));
            assert!(
                shown.tooltips.iter().any(|t| squash(t).contains(&expected)),
                "tooltip of {title} lost the evidence {expected:?}: {:?}",
                shown.tooltips
            );
        }
    }
    (nodes, edges)
}

fn kg(graph: &Path) -> Cmd {
    let mut command = Cmd::cargo_bin("kg").unwrap();
    command.arg("--graph").arg(graph).env_remove("KG_GRAPH");
    command
}

fn saved_tricky_graph() -> (tempfile::TempDir, PathBuf, Graph) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tricky.graph");
    let graph = tricky_graph();
    kg::store::save(&graph, &path).unwrap();
    (dir, path, graph)
}

/// The `kg export` arguments of the varied exports checked.
const EXPORTS: [&[&str]; 12] = [
    &[],
    &["--all"],
    &["--query", "MATCH (p:Person)-[h:HOLDS]->(r) RETURN p, h, r"],
    &[
        "--query",
        "MATCH (p:Person) WHERE p.name = $name RETURN p",
        "--param",
        "name=习近平",
        "--hops",
        "2",
    ],
    &["--query", "MATCH path = (p:Person)-[*1..2]-(x) RETURN path"],
    &["--query", "MATCH (e:Event) RETURN e", "--hops", "1"],
    &["--query", "MATCH (n) RETURN collect(n) AS all"],
    &["--cluster", "country", "--rankdir", "TB"],
    &["--cluster", "article", "--all"],
    &[
        "--exclude-label",
        "Role",
        "--exclude-type",
        "PARTICIPATED_IN",
    ],
    &["--max-nodes", "5", "--no-legend"],
    &[
        "--query",
        "MATCH (a:Article)<-[m:MENTIONED_IN]-(p) RETURN a, m, p",
    ],
];

#[test]
fn every_export_of_tricky_text_passes_graphviz_and_keeps_the_text() {
    let (dir, path, graph) = saved_tricky_graph();
    let check = dot_available();
    for (i, args) in EXPORTS.iter().enumerate() {
        let out = dir.path().join(format!("export{i}.dot"));
        kg(&path)
            .arg("export")
            .args(*args)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("digraph kg {"), "{args:?}: {text}");
        assert!(!text.contains('\0') && !text.contains('\r'), "{args:?}");
        if check {
            let (nodes, edges) = check_rendering(&graph, &text);
            assert!(nodes > 0, "{args:?} drew no node");
            eprintln!("export {args:?}: {nodes} nodes, {edges} edges checked in the SVG");
        }
    }
}

#[test]
fn the_whole_tricky_graph_keeps_every_name_and_evidence() {
    let graph = tricky_graph();
    let chosen = subgraph::whole(&graph, &Selection::everything());
    let text = to_dot(&graph, &chosen.subgraph, &DotStyle::default());
    if dot_available() {
        let (nodes, edges) = check_rendering(&graph, &text);
        assert_eq!(nodes, graph.node_count());
        assert_eq!(edges, graph.rel_count());
    }
}

#[test]
fn labels_say_what_a_node_is() {
    let graph = tricky_graph();
    let chosen = subgraph::whole(&graph, &Selection::everything());
    let text = to_dot(&graph, &chosen.subgraph, &DotStyle::default());
    // An event shows its type, date, place and participants.
    let event_line = text
        .lines()
        .find(|l| l.contains("meeting 2022-10"))
        .expect("the event is drawn");
    assert!(event_line.contains("in Việt Nam"), "{event_line}");
    assert!(event_line.contains("+10"), "{event_line}");
    assert!(event_line.contains("shape=octagon"), "{event_line}");
    // A role shows its institution; HOLDS shows its date.
    assert!(
        text.contains("at Bộ Ngoại giao \\\"MOFA\\\" &amp; co"),
        "{text}"
    );
    assert!(text.contains("HOLDS\\nas of 2024-11-05"), "{text}");
    // Every relationship has a tooltip, and a legend names the styles.
    let edges: Vec<&str> = text.lines().filter(|l| l.contains(" -> n")).collect();
    assert_eq!(edges.len(), graph.rel_count());
    assert!(edges.iter().all(|l| l.contains("tooltip=\"")));
    let legend = text.lines().find(|l| l.contains("legend [")).unwrap();
    assert!(legend.contains("BGCOLOR=\"#e9ecef\">Article<"), "{legend}");
    assert!(legend.contains("&#8594; MENTIONED_IN<"), "{legend}");
}

#[test]
fn clusters_group_by_country_and_by_article() {
    let graph = tricky_graph();
    let chosen = subgraph::whole(&graph, &Selection::everything());
    let style = DotStyle {
        cluster: kg::dot::Cluster::Country,
        ..DotStyle::default()
    };
    let text = to_dot(&graph, &chosen.subgraph, &style);
    assert!(
        text.contains("subgraph cluster_0 {\n    label=\"Việt Nam\""),
        "{text}"
    );
    // Persons reach the country through their role's institution.
    let cluster: &str = text.split("subgraph cluster_0").nth(1).unwrap();
    let cluster = &cluster[..cluster.find("\n  }\n").unwrap()];
    assert!(cluster.contains("习近平"), "{cluster}");
    let style = DotStyle {
        cluster: kg::dot::Cluster::Article,
        rankdir: kg::dot::RankDir::TB,
        legend: false,
    };
    let text = to_dot(&graph, &chosen.subgraph, &style);
    assert!(text.contains("rankdir=TB"));
    assert!(text.contains("label=\"art-<1>&amp;\\\": Tricky"), "{text}");
    assert!(!text.contains("legend ["));
}

#[test]
fn export_is_deterministic() {
    let graph = tricky_graph();
    let chosen = subgraph::whole(&graph, &Selection::everything());
    assert_eq!(
        to_dot(&graph, &chosen.subgraph, &DotStyle::default()),
        to_dot(&graph, &chosen.subgraph, &DotStyle::default())
    );
}

#[test]
fn whole_graph_pictures_leave_out_mentions_unless_told() {
    let (_dir, path, graph) = saved_tricky_graph();
    let output = kg(&path)
        .arg("export")
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!text.contains("MENTIONED_IN"), "{text}");
    assert!(!text.contains("shape=note"), "no article node: {text}");
    assert!(stderr.contains("--all keeps them"), "{stderr}");
    let all = kg(&path).args(["export", "--all"]).output().unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    let mentions = all
        .lines()
        .filter(|l| l.contains(" -> n") && l.contains("label=\"MENTIONED_IN\""))
        .count();
    assert_eq!(
        mentions,
        graph
            .type_counts()
            .iter()
            .find(|(t, _)| t == "MENTIONED_IN")
            .unwrap()
            .1
    );
    // Explicit exclusions apply everywhere, even to what a query returns.
    let out = kg(&path)
        .args([
            "export",
            "--query",
            "MATCH (p:Person)-[h:HOLDS]->(r) RETURN p, h, r",
            "--exclude-type",
            "HOLDS",
            "--exclude-label",
            "Role",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("label=\"HOLDS"), "{text}");
    assert!(
        !text.contains("fillcolor=\"#e2d9f3\""),
        "a role is drawn: {text}"
    );
    assert!(text.contains("习近平"), "{text}");
}

#[test]
fn hops_add_the_neighbourhood_and_param_binds() {
    let (_dir, path, _graph) = saved_tricky_graph();
    let export = |hops: &str| {
        let out = kg(&path)
            .args([
                "export",
                "--query",
                "MATCH (p:Person {name: $name}) RETURN p",
                "--param",
                "name=Nguyễn Phú Trọng",
                "--hops",
                hops,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let nodes: BTreeSet<String> = text
            .lines()
            .filter(|l| is_node_line(l))
            .map(|l| l.trim().split(' ').next().unwrap().to_string())
            .collect();
        nodes
    };
    let zero = export("0");
    let one = export("1");
    let two = export("2");
    assert_eq!(zero.len(), 1);
    // One hop: the role and the event (the article is left out by default).
    assert_eq!(one.len(), 3, "{one:?}");
    assert!(two.len() > one.len() && one.is_subset(&two));
}

#[test]
fn warns_when_nothing_or_too_much_would_be_drawn() {
    let (_dir, path, _graph) = saved_tricky_graph();
    let out = kg(&path)
        .args(["export", "--query", "MATCH (p:Person) RETURN p.name"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: the query returned no nodes"),
        "{stderr}"
    );
    let out = kg(&path)
        .args(["export", "--all", "--max-nodes", "4"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("keeping the first 4"), "{stderr}");
    let text = String::from_utf8(out.stdout).unwrap();
    let drawn = text.lines().filter(|l| is_node_line(l)).count();
    assert_eq!(drawn, 4, "{text}");
}

/// Whether a DOT line draws one of the graph's nodes (`n<id> [...]`).
fn is_node_line(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('n')
        && line[1..].starts_with(|c: char| c.is_ascii_digit())
        && !line.contains(" -> ")
}

#[test]
fn render_runs_graphviz_or_says_how_to_install_it() {
    let (dir, path, _graph) = saved_tricky_graph();
    if dot_available() {
        let out = dir.path().join("picture.svg");
        kg(&path)
            .args(["export", "--render", "svg", "-o"])
            .arg(&out)
            .assert()
            .success();
        let svg = std::fs::read_to_string(&out).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        parse_svg(&svg);
        let png = kg(&path)
            .args(["export", "--render", "png"])
            .output()
            .unwrap();
        assert!(png.stdout.starts_with(b"\x89PNG"), "not a PNG");
    }
    // Without dot on PATH: a clear message, no panic.
    let empty = tempfile::tempdir().unwrap();
    let out = kg(&path)
        .env("PATH", empty.path())
        .args(["export", "--render", "pdf"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("apt-get install graphviz"), "{stderr}");
}
