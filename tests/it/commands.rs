//! The shell's `:commands`, run from scripts (the same code the REPL runs):
//! what each prints, and that confirmations stay off stdout with CSV/JSON.

use predicates::prelude::*;

use crate::cli::{articles, kg, temp_graph};

fn ingested() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, graph) = temp_graph();
    kg(&graph).arg("ingest").arg(articles()).assert().success();
    (dir, graph)
}

/// Runs `script` with `kg run -` and returns (stdout, stderr).
fn run(graph: &std::path::Path, script: &str) -> (String, String) {
    let output = kg(graph)
        .args(["run", "-"])
        .write_stdin(script)
        .assert()
        .success()
        .get_output()
        .clone();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn help_pages_and_settings_confirm_themselves() {
    let (_dir, graph) = ingested();
    let (out, _) = run(
        &graph,
        ":help\n:help who\n:help :path\n:timing on\n:wrap off\n",
    );
    assert!(out.contains(":schema"), "{out}");
    assert!(out.contains(":who NAME\n  a person's roles"), "{out}");
    assert!(out.contains(":path A B [--no-articles]"), "{out}");
    assert!(
        out.contains("timing: on") && out.contains("wrap: off"),
        "{out}"
    );
    kg(&graph)
        .args(["run", "-"])
        .write_stdin(":help nope\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no command `:nope`"));
}

#[test]
fn with_csv_only_rows_reach_stdout() {
    let (_dir, graph) = ingested();
    let (out, err) = run(
        &graph,
        ":format csv\n:param who 'Phùng Sĩ Tấn'\n:param n 2\nMATCH (p:Person {name: $who}) RETURN p.rank AS rank LIMIT $n;\n",
    );
    assert_eq!(out, "rank\nLieutenant General\n");
    assert!(err.contains("format: csv"), "{err}");
    assert!(err.contains("$who = \"Phùng Sĩ Tấn\""), "{err}");
}

#[test]
fn schema_find_who_around_and_why() {
    let (_dir, graph) = ingested();
    let (out, _) = run(&graph, ":format csv\n:schema\n");
    assert!(out.contains("label,Person,11\n"), "{out}");
    assert!(out.contains("relationship type,HOLDS,17\n"), "{out}");
    assert!(out.contains("node key,name,"), "{out}");
    let (out, _) = run(&graph, ":format csv\n:find montero\n:find cuong\n");
    assert!(out.contains("Person,Ricardo Montero Agüiende,"), "{out}");
    assert!(out.contains("Person,Lương Cường,"), "{out}");
    let (out, err) = run(&graph, ":format csv\n:who Ricardo Montero\n");
    assert!(err.contains("Ricardo Montero Agüiende (:Person)"), "{err}");
    assert!(
        out.contains(
            "Deputy Minister of Defence of Chile,Ministry of Defence of Chile,2025-08-19,dev-001,"
        ),
        "{out}"
    );
    let (out, _) = run(&graph, ":format csv\n:around Santiago\n");
    assert!(out.contains("-[:LOCATED_IN]->,Place,Chile\n"), "{out}");
    let (out, _) = run(
        &graph,
        ":format csv\nMATCH (:Place {name: 'Santiago'})-[r:LOCATED_IN]->(c) RETURN r;\n:why\n",
    );
    assert!(
        out.contains("Santiago -[:LOCATED_IN]-> Chile,dev-001,16,"),
        "{out}"
    );
    assert!(
        out.contains("Santiago -[:LOCATED_IN]-> Chile,dev-002,1,"),
        "{out}"
    );
    kg(&graph)
        .args(["run", "-"])
        .write_stdin(":who Nobody At All\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "no entity is named like `Nobody At All`",
        ));
}

#[test]
fn source_save_open_ingest_and_quit() {
    let (dir, graph) = temp_graph();
    let inner = dir.path().join("inner.cypher");
    std::fs::write(&inner, "CREATE (:Place {name: 'Lima'});\n").unwrap();
    let copy = dir.path().join("copy.graph");
    let script = format!(
        ":source {}\n:save {}\n:ingest {}\n:quit\nCREATE (:Place {{name: 'never'}});\n",
        inner.display(),
        copy.display(),
        articles().display()
    );
    let output = kg(&graph)
        .args(["run", "--create", "-"])
        .write_stdin(script)
        .assert()
        .success()
        .get_output()
        .clone();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("+1 node"), "{out}");
    assert!(out.contains("saved a copy as"), "{out}");
    assert!(out.contains("ingested 2 articles"), "{out}");
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (p:Place {name: 'never'}) RETURN count(p) AS n",
        ])
        .assert()
        .success()
        .stdout("n\n0\n");
    let (out, _) = run(
        &graph,
        &format!(
            ":open {}\n:format csv\nMATCH (p:Place) RETURN p.name AS name;\n",
            copy.display()
        ),
    );
    assert!(out.ends_with("name\nLima\n"), "{out}");
    kg(&graph)
        .args(["run", "-"])
        .write_stdin(":history\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("interactive shell only"));
}
