//! Exports for other tools: the JSON round trip through `kg import` is
//! byte-identical, GraphML loads in NetworkX, the Cypher script rebuilds
//! an identical graph with `kg run`, and the CSV files have the headers of
//! Neo4j's bulk importer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::Command as Cmd;
use kg::graph::Graph;

pub fn kg(graph: &Path) -> Cmd {
    let mut command = Cmd::cargo_bin("kg").unwrap();
    command.arg("--graph").arg(graph).env_remove("KG_GRAPH");
    command
}

fn articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles")
}

/// A graph of the sample articles, plus a node holding every kind of
/// value, saved in a temporary folder.
pub fn sample_graph() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.graph");
    kg(&path).arg("ingest").arg(articles()).assert().success();
    kg(&path)
        .args([
            "query",
            "CREATE (:Odd:`Two Words` {f: 1.5, whole: 2.0, i: -3, b: true, d: date('2024-11'), \
             l: ['a;b', 'c'], nums: [1, 2], s: 'O\\'Brien \\\\ \"q\"\\n\\u0000'})",
        ])
        .assert()
        .success();
    (dir, path)
}

/// The tricky graph of the DOT tests, saved in a temporary folder.
fn tricky_saved() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tricky.graph");
    kg::store::save(&crate::dot::tricky_graph(), &path).unwrap();
    (dir, path)
}

fn export_bytes(graph: &Path, args: &[&str]) -> Vec<u8> {
    let output = kg(graph).arg("export").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn json_export_import_export_is_byte_identical() {
    for (dir, path) in [sample_graph(), tricky_saved()] {
        for query in [
            None,
            Some("MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p, h, r"),
        ] {
            let mut args = vec!["--format", "json"];
            if let Some(query) = query {
                args.extend(["--query", query]);
            }
            let first = export_bytes(&path, &args);
            let file = dir.path().join("first.json");
            std::fs::write(&file, &first).unwrap();
            let copy = dir.path().join(format!("copy{}.graph", query.is_some()));
            kg(&copy).arg("import").arg(&file).assert().success();
            let second = export_bytes(&copy, &["--format", "json"]);
            assert!(
                first == second,
                "the round trip changed the export ({query:?}):\n{}\n---\n{}",
                String::from_utf8_lossy(&first),
                String::from_utf8_lossy(&second)
            );
        }
    }
}

#[test]
fn an_imported_graph_answers_like_the_original() {
    let (dir, path) = sample_graph();
    let file = dir.path().join("g.json");
    kg(&path)
        .args(["export", "--format", "json", "-o"])
        .arg(&file)
        .assert()
        .success();
    let copy = dir.path().join("copy.graph");
    kg(&copy).arg("import").arg(&file).assert().success();
    let query = "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p.name, r.title, h.as_of, \
                 h.article, h.evidence ORDER BY p.name, r.title";
    let answer = |graph: &Path| {
        let out = kg(graph)
            .args(["query", "--format", "json", query])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let original = answer(&path);
    assert!(original.contains("evidence") && original.lines().count() > 3);
    assert_eq!(answer(&copy), original);
}

#[test]
fn json_values_keep_their_types() {
    let (_dir, path) = sample_graph();
    let text = String::from_utf8(export_bytes(&path, &["--format", "json"])).unwrap();
    let odd = text
        .lines()
        .find(|l| l.contains("\"Odd\""))
        .expect("the odd node");
    let node: serde_json::Value = serde_json::from_str(odd.trim_end_matches(',')).unwrap();
    let p = &node["properties"];
    assert_eq!(p["whole"], serde_json::json!(2.0));
    assert!(p["whole"].is_f64() && p["i"].is_i64());
    assert_eq!(p["d"], serde_json::json!({"$date": "2024-11"}));
    assert_eq!(p["s"], serde_json::json!("O'Brien \\ \"q\"\n\u{0}"));
    // Facts carry their provenance with the sentence it points at.
    let holds = text
        .lines()
        .find(|l| l.contains("\"type\":\"HOLDS\""))
        .unwrap();
    let holds: serde_json::Value = serde_json::from_str(holds.trim_end_matches(',')).unwrap();
    let entry = &holds["provenance"][0];
    assert!(entry["source"].is_u64() && entry["sentence"].is_u64());
    assert!(
        entry["evidence"].as_str().is_some_and(|e| e.len() > 20),
        "{holds}"
    );
}

#[test]
fn import_refuses_bad_files_and_existing_graphs() {
    let (dir, path) = sample_graph();
    let bad = dir.path().join("bad.json");
    let new = dir.path().join("new.graph");
    for (content, message) in [
        ("not json", "not kg's JSON export"),
        ("{\"format\":\"other\",\"version\":1,\"schema\":{\"provenance\":null},\"nodes\":[],\"relationships\":[]}", "format `other`"),
        ("{\"format\":\"kg-graph\",\"version\":99,\"schema\":{\"provenance\":null},\"nodes\":[],\"relationships\":[]}", "newer kg"),
        ("{\"format\":\"kg-graph\",\"version\":1,\"schema\":{\"provenance\":null},\"nodes\":[],\"relationships\":[{\"id\":0,\"type\":\"T\",\"start\":0,\"end\":1,\"properties\":{}}]}", "node 0 does not exist"),
        ("{\"format\":\"kg-graph\",\"version\":1,\"schema\":{\"provenance\":null},\"nodes\":[{\"id\":0,\"labels\":[],\"properties\":{\"d\":{\"$date\":\"soon\"}}}],\"relationships\":[]}", "`soon` is not a date"),
    ] {
        std::fs::write(&bad, content).unwrap();
        let out = kg(&new).arg("import").arg(&bad).output().unwrap();
        assert!(!out.status.success(), "{content}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{content}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let file = dir.path().join("g.json");
    std::fs::write(&file, export_bytes(&path, &["--format", "json"])).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = kg(&path).arg("import").arg(&file).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("--replace"));
    assert_eq!(std::fs::read(&path).unwrap(), before, "left as it was");
    kg(&path)
        .args(["import", "--replace"])
        .arg(&file)
        .assert()
        .success();
}

/// Each node as (labels, properties) and each relationship as (type,
/// start node, end node, properties), elements named by their content, in
/// sorted order: two graphs with equal forms are the same graph whatever
/// their ids.
pub fn canonical(graph: &Graph) -> (Vec<String>, Vec<String>) {
    let describe = |id| {
        let node = graph.node(id).unwrap();
        format!("{:?} {:?}", node.labels(), node.properties())
    };
    let mut nodes: Vec<String> = graph.node_ids().map(describe).collect();
    nodes.sort();
    let mut rels: Vec<String> = graph
        .rel_ids()
        .map(|id| {
            let rel = graph.rel(id).unwrap();
            format!(
                "{} ({}) -> ({}) {:?}",
                rel.rel_type(),
                describe(rel.start()),
                describe(rel.end()),
                rel.properties()
            )
        })
        .collect();
    rels.sort();
    (nodes, rels)
}

#[test]
fn cypher_script_rebuilds_an_identical_graph_with_kg_run() {
    for (dir, path) in [sample_graph(), tricky_saved()] {
        let script = dir.path().join("rebuild.cypher");
        kg(&path)
            .args(["export", "--format", "cypher", "-o"])
            .arg(&script)
            .assert()
            .success();
        let text = std::fs::read_to_string(&script).unwrap();
        assert!(text.lines().any(|l| l.starts_with("UNWIND [")), "batched");
        let rebuilt = dir.path().join("rebuilt.graph");
        kg(&rebuilt)
            .args(["run", "--create"])
            .arg(&script)
            .assert()
            .success();
        let original = kg::store::load(&path).unwrap();
        let copy = kg::store::load(&rebuilt).unwrap();
        assert_eq!(copy.node_count(), original.node_count());
        assert_eq!(copy.rel_count(), original.rel_count());
        let (nodes, rels) = canonical(&original);
        let (copy_nodes, copy_rels) = canonical(&copy);
        assert_eq!(copy_nodes, nodes);
        assert_eq!(copy_rels, rels);
    }
}

#[test]
fn cypher_script_batches_large_graphs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.graph");
    kg(&path)
        .args([
            "query",
            "--create",
            "UNWIND range(1, 1200) AS i CREATE (:N {i: i})-[:NEXT]->(:M {i: i})",
        ])
        .assert()
        .success();
    let text = String::from_utf8(export_bytes(&path, &["--format", "cypher"])).unwrap();
    let statements = text.lines().filter(|l| l.starts_with("UNWIND")).count();
    // 1200 :N and 1200 :M in batches of 500, 1200 :NEXT likewise.
    assert_eq!(statements, 9, "{}", &text[..2000.min(text.len())]);
    let rebuilt = dir.path().join("rebuilt.graph");
    let script = dir.path().join("s.cypher");
    std::fs::write(&script, &text).unwrap();
    kg(&rebuilt)
        .args(["run", "--create"])
        .arg(&script)
        .assert()
        .success();
    let copy = kg::store::load(&rebuilt).unwrap();
    assert_eq!(copy.node_count(), 2400);
    assert_eq!(copy.rel_count(), 1200);
    assert_eq!(copy.label_count("_KG"), 0, "the temporary label is removed");
}

#[test]
fn csv_files_follow_the_neo4j_bulk_import_headers() {
    let (dir, path) = sample_graph();
    let out_dir = dir.path().join("csv");
    let out = kg(&path)
        .args(["export", "--format", "csv", "-o"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph = kg::store::load(&path).unwrap();
    let mut nodes_per_label: BTreeMap<String, usize> = BTreeMap::new();
    let mut rels_per_type: BTreeMap<String, usize> = BTreeMap::new();
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut reader = csv::Reader::from_path(&file).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        if name.starts_with("nodes_") {
            assert_eq!(header[..2], [":ID", ":LABEL"], "{name}");
            for row in &rows {
                for label in row[1].split(';') {
                    *nodes_per_label.entry(label.to_string()).or_default() += 1;
                }
            }
        } else {
            assert!(name.starts_with("rels_"), "{name}");
            assert_eq!(header[..3], [":START_ID", ":END_ID", ":TYPE"], "{name}");
            for row in &rows {
                *rels_per_type.entry(row[2].to_string()).or_default() += 1;
            }
        }
        // Every property column is typed.
        for column in header.iter().filter(|h| !h.starts_with(':')) {
            let (_, column_type) = column.rsplit_once(':').unwrap();
            assert!(
                ["string", "long", "double", "boolean", "date", "string[]", "long[]"]
                    .contains(&column_type),
                "{name}: {column}"
            );
        }
        if name == "nodes_Odd_Two_Words.csv" {
            let row = &rows[0];
            let cell = |key: &str| {
                let at = header
                    .iter()
                    .position(|h| h.starts_with(&format!("{key}:")))
                    .unwrap();
                (header[at].clone(), row[at].to_string())
            };
            assert_eq!(cell("i"), ("i:long".into(), "-3".into()));
            assert_eq!(cell("f"), ("f:double".into(), "1.5".into()));
            assert_eq!(cell("nums"), ("nums:long[]".into(), "1;2".into()));
            // An element with the delimiter inside: the list is JSON text.
            assert_eq!(cell("l"), ("l:string".into(), "[\"a;b\",\"c\"]".into()));
            assert_eq!(cell("d"), ("d:string".into(), "2024-11".into()));
        }
    }
    let kuzu = std::fs::read_to_string(out_dir.join("kuzu.cypher")).unwrap();
    assert!(
        kuzu.contains("CREATE NODE TABLE `Person`(_kg_id INT64, _labels STRING, "),
        "{kuzu}"
    );
    assert!(
        kuzu.contains("COPY `HOLDS` FROM 'rels_HOLDS_Person_Role.csv'"),
        "{kuzu}"
    );
    let expected_labels: BTreeMap<String, usize> = graph.label_counts().into_iter().collect();
    let expected_types: BTreeMap<String, usize> = graph.type_counts().into_iter().collect();
    assert_eq!(nodes_per_label, expected_labels);
    assert_eq!(rels_per_type, expected_types);
    // Without -o there is nowhere to write a folder.
    let out = kg(&path)
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("-o DIR"));
}

/// A Python that has `module`, or `None` with the reason printed: the
/// interpreter `.ci/run` set up (`KG_INTEROP_PYTHON`), else `python3`.
pub fn python_with(module: &str) -> Option<String> {
    let candidates: Vec<String> = std::env::var("KG_INTEROP_PYTHON")
        .ok()
        .into_iter()
        .chain(["python3".to_string()])
        .collect();
    for python in candidates {
        let ok = Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(python);
        }
    }
    eprintln!(
        "skipping: no Python with `{module}` (set KG_INTEROP_PYTHON, or run .ci/run, which installs it)"
    );
    None
}

#[test]
fn graphml_loads_in_networkx_with_typed_attributes() {
    let (dir, path) = sample_graph();
    let file = dir.path().join("g.graphml");
    kg(&path)
        .args(["export", "--format", "graphml", "-o"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("attr.name=\"i\" attr.type=\"long\""),
        "typed keys"
    );
    let Some(python) = python_with("networkx") else {
        return;
    };
    let script = r#"
import json, sys
import networkx as nx
g = nx.read_graphml(sys.argv[1])
labels = {}
for _, d in g.nodes(data=True):
    labels[d["labels"]] = labels.get(d["labels"], 0) + 1
types = {}
for _, _, d in g.edges(data=True):
    types[d["type"]] = types.get(d["type"], 0) + 1
odd = next(d for _, d in g.nodes(data=True) if d["labels"] == ":Odd:Two Words")
holds = next(d for _, _, d in g.edges(data=True) if d["type"] == "HOLDS")
print(json.dumps({"labels": labels, "types": types,
    "odd": [type(odd["i"]).__name__, odd["i"], type(odd["f"]).__name__, odd["b"], odd["s"]],
    "evidence": holds.get("evidence", "")}))
"#;
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let graph = kg::store::load(&path).unwrap();
    for (label, count) in graph.label_counts() {
        if label == "Odd" || label == "Two Words" {
            continue;
        }
        assert_eq!(
            answer["labels"][format!(":{label}")],
            count,
            "{label}: {answer}"
        );
    }
    for (rel_type, count) in graph.type_counts() {
        assert_eq!(answer["types"][&rel_type], count, "{rel_type}");
    }
    assert_eq!(
        answer["odd"],
        serde_json::json!(["int", -3, "float", true, "O'Brien \\ \"q\"\n\u{2400}"])
    );
    assert!(
        answer["evidence"].as_str().is_some_and(|e| e.len() > 20),
        "{answer}"
    );
}

#[test]
fn the_shell_exports_the_last_result_or_a_query() {
    let (dir, path) = sample_graph();
    let mut session = kg::session::Session::open(&path, true).unwrap();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let file = dir.path().join("last.json");
    let command = format!(":export json {}", file.display());
    let refused = session.execute(&command, &mut out, &mut err);
    assert!(
        refused.is_err_and(|e| e.to_string().contains("run a query first")),
        "no result yet"
    );
    session
        .execute(
            "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p, h, r LIMIT 2;",
            &mut out,
            &mut err,
        )
        .unwrap();
    session.execute(&command, &mut out, &mut err).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(json["relationships"].as_array().unwrap().len(), 2, "{json}");
    let dot = dir.path().join("q.dot");
    let graphml = dir.path().join("q.graphml");
    for command in [
        format!(":export dot {} MATCH (e:Event) RETURN e", dot.display()),
        format!(":export graphml {}", graphml.display()),
    ] {
        session.execute(&command, &mut out, &mut err).unwrap();
    }
    let dot = std::fs::read_to_string(&dot).unwrap();
    assert!(
        dot.contains("shape=octagon") && !dot.contains("shape=ellipse"),
        "{dot}"
    );
    assert!(std::fs::read_to_string(&graphml)
        .unwrap()
        .contains("<graphml"));
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("wrote "), "{out}");
    let mut sink = Vec::new();
    let mut warnings = Vec::new();
    session
        .execute("MATCH (p:Person) RETURN p.name;", &mut sink, &mut warnings)
        .unwrap();
    session
        .execute(&command_for(&dir), &mut sink, &mut warnings)
        .unwrap();
    assert!(String::from_utf8(warnings)
        .unwrap()
        .contains("warning: the query returned no nodes"));
}

fn command_for(dir: &tempfile::TempDir) -> String {
    format!(":export dot {}", dir.path().join("empty.dot").display())
}
