//! The exports checked against real databases, not mocks: the Cypher
//! script is loaded into FalkorDB (embedded by the pip package
//! `falkordblite`) and the CSV files into Kùzu (pip `kuzu`, through the
//! `kuzu.cypher` kg writes beside them), then the same questions are asked
//! there and in kg (written so they do not depend on whether a database
//! lets one pattern use a relationship twice, which Kùzu and FalkorDB do
//! and kg does not) — counts per label and per type, a person's roles, the
//! co-participants of their events, shortest paths, the evidence of each
//! post — and the answers compared. Each test runs when its package is
//! importable (by `KG_INTEROP_PYTHON`, which `.ci/run` sets up, or
//! `python3`) and says so when it skips.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::export::{kg, python_with};

/// Runs the database side: the script reads a JSON list of queries on
/// stdin and prints a JSON list of answers, each a list of rows.
const RUNNER: &str = r#"
import json, os, sys, tempfile
mode, source = sys.argv[1], sys.argv[2]
queries = json.load(sys.stdin)
answers = []
if mode == "kuzu":
    import kuzu
    db = kuzu.Database(os.path.join(tempfile.mkdtemp(), "db"))
    conn = kuzu.Connection(db)
    os.chdir(source)
    for line in open("kuzu.cypher", encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("//"):
            conn.execute(line)
    for q in queries:
        result = conn.execute(q)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        answers.append(rows)
else:
    from redislite.falkordb_client import FalkorDB
    db = FalkorDB(os.path.join(tempfile.mkdtemp(), "kg.rdb"))
    graph = db.select_graph("kg")
    graph.query("CREATE INDEX FOR (n:_KG) ON (n._kg_id)")
    for line in open(source, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("//"):
            graph.query(line.rstrip(";"))
    for q in queries:
        answers.append(graph.query(q).result_set)
print(json.dumps(answers, default=str, ensure_ascii=False))
"#;

/// One question asked in kg and in the other database.
struct Question {
    what: &'static str,
    kg: &'static str,
    other: &'static str,
}

const PERSON: &str = "Phùng Sĩ Tấn";

/// kg's answer: rows of values in column order.
fn kg_answer(graph: &Path, query: &str) -> Value {
    let out = kg(graph)
        .args(["query", "--format", "json"])
        .arg(query.replace("$person", &format!("'{PERSON}'")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let row: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
            Value::Array(row.into_iter().map(|(_, v)| v).collect())
        })
        .collect();
    Value::Array(rows)
}

fn other_answers(python: &str, mode: &str, source: &Path, questions: &[Question]) -> Vec<Value> {
    let queries: Vec<String> = questions
        .iter()
        .map(|q| q.other.replace("$person", &format!("'{PERSON}'")))
        .collect();
    let mut child = Command::new(python)
        .args(["-c", RUNNER, mode])
        .arg(source)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&queries).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{mode} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn compare(graph: &Path, database: &str, questions: &[Question], answers: &[Value]) {
    assert_eq!(answers.len(), questions.len());
    for (question, answer) in questions.iter().zip(answers) {
        let expected = kg_answer(graph, question.kg);
        assert!(
            expected.as_array().is_some_and(|rows| !rows.is_empty()),
            "{}: kg found nothing, so the comparison would prove nothing",
            question.what
        );
        assert_eq!(
            answer, &expected,
            "{database} and kg differ on {}",
            question.what
        );
        eprintln!("{database} agrees with kg on {}", question.what);
    }
}

/// The sample articles' graph.
fn news_graph() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("news.graph");
    kg(&path)
        .arg("ingest")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles"))
        .assert()
        .success();
    (dir, path)
}

const SHARED: [Question; 4] = [
    Question {
        what: "a person's roles",
        kg: "MATCH (p:Person {name: $person})-[h:HOLDS]->(r:Role) RETURN r.title, h.as_of ORDER BY r.title",
        other: "MATCH (p:Person {name: $person})-[h:HOLDS]->(r:Role) RETURN r.title, h.as_of ORDER BY r.title",
    },
    Question {
        what: "the co-participants of a person's events",
        kg: "MATCH (a:Person {name: $person})-[:PARTICIPATED_IN]->(e:Event)<-[:PARTICIPATED_IN]-(b) \
             WHERE b.name <> a.name RETURN e.type, b.name ORDER BY e.type, b.name",
        other: "MATCH (a:Person {name: $person})-[:PARTICIPATED_IN]->(e:Event)<-[:PARTICIPATED_IN]-(b) \
                WHERE b.name <> a.name RETURN e.type, b.name ORDER BY e.type, b.name",
    },
    Question {
        what: "the evidence of every post",
        kg: "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p.name, r.title, h.article, h.evidence \
             ORDER BY p.name, r.title",
        other: "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p.name, r.title, h.article, h.evidence \
                ORDER BY p.name, r.title",
    },
    Question {
        what: "events per type",
        kg: "MATCH (e:Event) RETURN e.type, count(*) ORDER BY e.type",
        other: "MATCH (e:Event) RETURN e.type, count(*) ORDER BY e.type",
    },
];

#[test]
fn the_cypher_script_gives_falkordb_the_same_answers() {
    let Some(python) = python_with("redislite.falkordb_client") else {
        return;
    };
    let (dir, path) = news_graph();
    let script = dir.path().join("graph.cypher");
    // FalkorDB has no partial dates: they travel as strings.
    kg(&path)
        .args(["export", "--format", "cypher", "--dates", "string", "-o"])
        .arg(&script)
        .assert()
        .success();
    let mut questions = Vec::from(SHARED);
    questions.extend([
        Question {
            what: "counts per label",
            kg: "MATCH (n) RETURN labels(n)[0] AS label, count(*) ORDER BY label",
            other: "MATCH (n) RETURN labels(n)[0] AS label, count(*) ORDER BY label",
        },
        Question {
            what: "counts per type",
            kg: "MATCH ()-[r]->() RETURN type(r) AS t, count(*) ORDER BY t",
            other: "MATCH ()-[r]->() RETURN type(r) AS t, count(*) ORDER BY t",
        },
        Question {
            what: "a shortest path from a person to a country",
            kg: "MATCH p = shortestPath((a:Person {name: $person})-[*..6]->(b:Place {name: 'Chile'})) \
                 RETURN length(p)",
            other: "MATCH (a:Person {name: $person}), (b:Place {name: 'Chile'}) \
                    RETURN length(shortestPath((a)-[*..6]->(b)))",
        },
    ]);
    let answers = other_answers(&python, "falkordb", &script, &questions);
    compare(&path, "FalkorDB", &questions, &answers);
}

#[test]
fn the_csv_files_give_kuzu_the_same_answers() {
    let Some(python) = python_with("kuzu") else {
        return;
    };
    let (dir, path) = news_graph();
    let csv_dir = dir.path().join("csv");
    kg(&path)
        .args(["export", "--format", "csv", "-o"])
        .arg(&csv_dir)
        .assert()
        .success();
    let mut questions = Vec::from(SHARED);
    questions.extend([
        Question {
            what: "counts per label",
            kg: "MATCH (n) RETURN labels(n)[0] AS label, count(*) ORDER BY label",
            other: "MATCH (n) RETURN label(n) AS label, count(*) ORDER BY label",
        },
        Question {
            what: "counts per type",
            kg: "MATCH ()-[r]->() RETURN type(r) AS t, count(*) ORDER BY t",
            other: "MATCH ()-[r]->() RETURN label(r) AS t, count(*) ORDER BY t",
        },
        Question {
            what: "a shortest path between two people",
            kg: "MATCH p = shortestPath((a:Person {name: $person})-[*..6]-(b:Person {name: 'Lautaro Carmona'})) \
                 RETURN length(p)",
            other: "MATCH p = (a:Person)-[* SHORTEST 1..6]-(b:Person) \
                    WHERE a.name = $person AND b.name = 'Lautaro Carmona' RETURN length(p)",
        },
        Question {
            what: "a shortest path from a person to a country",
            kg: "MATCH p = shortestPath((a:Person {name: $person})-[*..6]->(b:Place {name: 'Chile'})) \
                 RETURN length(p)",
            other: "MATCH p = (a:Person)-[* SHORTEST 1..6]->(b:Place) \
                    WHERE a.name = $person AND b.name = 'Chile' RETURN length(p)",
        },
    ]);
    let answers = other_answers(&python, "kuzu", &csv_dir, &questions);
    compare(&path, "Kùzu", &questions, &answers);
}

/// The DOT tests' graph of tricky names (quotes, backslashes, line
/// breaks, NUL and other control characters, markup, Vietnamese, Arabic,
/// Chinese), saved in a temporary folder.
fn tricky_graph() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tricky.graph");
    kg::store::save(&crate::dot::tricky_graph(), &path).unwrap();
    (dir, path)
}

/// Rows sorted, so databases that order strings differently agree.
fn sorted(answer: &Value) -> Vec<String> {
    let mut rows: Vec<String> = answer
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    rows.sort();
    rows
}

const TRICKY: [Question; 3] = [
    Question {
        what: "every person's name",
        kg: "MATCH (p:Person) RETURN p.name",
        other: "MATCH (p:Person) RETURN p.name",
    },
    Question {
        what: "every role's title and institution",
        kg: "MATCH (r:Role)-[:OF]->(i:Institution) RETURN r.title, i.name",
        other: "MATCH (r:Role)-[:OF]->(i:Institution) RETURN r.title, i.name",
    },
    Question {
        what: "the evidence of every post",
        kg: "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p.name, h.evidence",
        other: "MATCH (p:Person)-[h:HOLDS]->(r:Role) RETURN p.name, h.evidence",
    },
];

/// FalkorDB reads no `\u` escapes, and the script writes NUL (the one
/// character it does not write raw) as `\u0000`: there it arrives as
/// those six characters.
fn nul_as_escape(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace('\0', "\\u0000")),
        Value::Array(items) => Value::Array(items.iter().map(nul_as_escape).collect()),
        other => other.clone(),
    }
}

fn compare_tricky(graph: &Path, database: &str, answers: &[Value]) {
    for (question, answer) in TRICKY.iter().zip(answers) {
        let mut expected = kg_answer(graph, question.kg);
        if database == "FalkorDB" {
            expected = nul_as_escape(&expected);
        }
        assert_eq!(
            sorted(answer),
            sorted(&expected),
            "{database} and kg differ on {} of the tricky graph",
            question.what
        );
        eprintln!(
            "{database} agrees with kg on {} of the tricky graph",
            question.what
        );
    }
}

#[test]
fn tricky_text_reaches_falkordb_and_kuzu_unchanged() {
    let (dir, path) = tricky_graph();
    if let Some(python) = python_with("redislite.falkordb_client") {
        let script = dir.path().join("tricky.cypher");
        kg(&path)
            .args(["export", "--format", "cypher", "--dates", "string", "-o"])
            .arg(&script)
            .assert()
            .success();
        let answers = other_answers(&python, "falkordb", &script, &TRICKY);
        compare_tricky(&path, "FalkorDB", &answers);
    }
    if let Some(python) = python_with("kuzu") {
        let csv_dir = dir.path().join("csv");
        kg(&path)
            .args(["export", "--format", "csv", "-o"])
            .arg(&csv_dir)
            .assert()
            .success();
        let answers = other_answers(&python, "kuzu", &csv_dir, &TRICKY);
        compare_tricky(&path, "Kùzu", &answers);
    }
}
