//! The command-line contract: subcommands, flags, exit codes, output
//! formats, and the README's commands.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn kg(graph: &Path) -> Command {
    let mut command = Command::cargo_bin("kg").unwrap();
    command.arg("--graph").arg(graph).env_remove("KG_GRAPH");
    command
}

fn articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles")
}

/// Runs the command, expects success and returns its standard output.
fn stdout_of(command: &mut Command) -> String {
    let output = command.assert().success().get_output().stdout.clone();
    String::from_utf8(output).unwrap()
}

/// Parses JSON Lines output.
fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn temp_graph() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.graph");
    (dir, path)
}

#[test]
fn help_lists_every_subcommand() {
    let (_dir, graph) = temp_graph();
    let help = stdout_of(kg(&graph).arg("--help"));
    for command in [
        "ingest", "extract", "query", "run", "repl", "export", "stats",
    ] {
        assert!(help.contains(command), "missing {command} in:\n{help}");
    }
}

#[test]
fn unknown_subcommand_fails_with_a_message() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .arg("frobnicate")
        .assert()
        .failure()
        .stderr(predicate::str::contains("frobnicate"));
}

#[test]
fn ingest_then_query_lists_people_with_their_titles() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .arg("ingest")
        .arg(articles())
        .assert()
        .success()
        .stdout(predicate::str::contains("ingested 2 articles"));
    let rows = json_lines(&stdout_of(kg(&graph).args([
        "query",
        "--format",
        "json",
        "MATCH (p:Person)-[:HOLDS]->(r:Role) RETURN p.name, r.title",
    ])));
    assert!(rows.len() >= 4, "expected people with titles, got {rows:?}");
    let has = |name: &str, title_word: &str| {
        rows.iter().any(|row| {
            row["p.name"].as_str().is_some_and(|n| n.contains(name))
                && row["r.title"]
                    .as_str()
                    .is_some_and(|t| t.contains(title_word))
        })
    };
    assert!(has("Phùng Sĩ Tấn", "Deputy Chief"), "{rows:?}");
    assert!(has("Ricardo Montero", "Deputy Minister"), "{rows:?}");
}

#[test]
fn ingesting_the_same_articles_twice_changes_nothing() {
    let (_dir, graph) = temp_graph();
    kg(&graph).arg("ingest").arg(articles()).assert().success();
    let first = std::fs::read(&graph).unwrap();
    kg(&graph)
        .arg("ingest")
        .arg(articles())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ingested 0 articles (2 already present)",
        ));
    assert_eq!(std::fs::read(&graph).unwrap(), first);
}

#[test]
fn query_formats_and_params() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args([
            "query",
            "CREATE (:Person {name: 'Ana'}), (:Person {name: 'Bo'})",
        ])
        .assert()
        .success();
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "--param",
            "n=Ana",
            "MATCH (p:Person {name: $n}) RETURN p.name AS name",
        ])
        .assert()
        .success()
        .stdout("name\nAna\n");
    kg(&graph)
        .args([
            "query",
            "--format",
            "json",
            "MATCH (p:Person {name: 'Bo'}) RETURN p",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r#"^\{"p":\{"id":\d+,"labels":\["Person"\],"properties":\{"name":"Bo"\}\}\}\n$"#,
            )
            .unwrap(),
        );
    kg(&graph)
        .args(["query", "MATCH (p:Person) RETURN count(*) AS people"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2"));
}

#[test]
fn a_query_error_shows_where_and_exits_non_zero() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "MATCH (n RETURN n"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("^"))
        .stderr(predicate::str::contains("1:"));
}

#[test]
fn run_executes_a_script_and_saves() {
    let (dir, graph) = temp_graph();
    let script = dir.path().join("script.cypher");
    std::fs::write(
        &script,
        "CREATE (:Institution {name: 'Ministry of Defence; Chile'});\n// a comment\nMATCH (i:Institution) RETURN i.name;\n",
    )
    .unwrap();
    kg(&graph)
        .arg("run")
        .arg(&script)
        .assert()
        .success()
        .stdout(predicate::str::contains("Ministry of Defence; Chile"));
    kg(&graph)
        .args(["stats"])
        .assert()
        .success()
        .stdout(predicate::str::contains(":Institution"));
}

#[test]
fn export_writes_dot_of_a_query() {
    let (dir, graph) = temp_graph();
    kg(&graph)
        .args([
            "query",
            "CREATE (:Person {name: 'Ana'})-[:HOLDS]->(:Role {title: 'Minister'})",
        ])
        .assert()
        .success();
    let out = dir.path().join("out.dot");
    kg(&graph)
        .args([
            "export",
            "--format",
            "dot",
            "--query",
            "MATCH (p)-[h:HOLDS]->(r) RETURN p, h, r",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("label=\"HOLDS\""), "{text}");
    assert!(text.contains("Minister"), "{text}");
}

#[test]
fn damaged_graph_file_is_reported_and_kept() {
    let (_dir, graph) = temp_graph();
    std::fs::write(&graph, b"not a graph at all").unwrap();
    kg(&graph)
        .args(["query", "CREATE (:X)"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not a kg graph file"));
    assert_eq!(std::fs::read(&graph).unwrap(), b"not a graph at all");
}

#[test]
fn extract_json_prints_one_record_per_article() {
    let (_dir, graph) = temp_graph();
    let records = json_lines(&stdout_of(
        kg(&graph)
            .args(["extract", "--format", "json"])
            .arg(articles()),
    ));
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["article"], "dev-001");
    assert_eq!(records[0]["date"], "2025-08-19");
    for key in ["persons", "institutions", "places", "roles", "events"] {
        assert!(records[0][key].is_array(), "{key}");
    }
}

#[test]
fn repl_reads_statements_from_a_pipe_and_saves_changes() {
    let (_dir, graph) = temp_graph();
    let text = stdout_of(kg(&graph).arg("repl").write_stdin(
        "CREATE (:Person {name: 'Ana'})\n  -[:HOLDS]->(:Role {title: 'Minister'});\n\
         :format csv\n\
         MATCH (p:Person)-[:HOLDS]->(r) RETURN p.name, r.title;\n\
         MATCH (n RETURN n;\n\
         RETURN 'still running' AS status;\n",
    ));
    assert!(text.contains("p.name,r.title\nAna,Minister\n"), "{text}");
    assert!(
        text.contains("error[UnexpectedSyntax]"),
        "errors are shown and the loop goes on: {text}"
    );
    assert!(text.contains("still running"), "{text}");
    kg(&graph)
        .args(["query", "--format", "csv", "MATCH (r:Role) RETURN r.title"])
        .assert()
        .success()
        .stdout("r.title\nMinister\n");
}

#[test]
fn readme_demo_runs_the_tour_on_the_sample_articles() {
    let (_dir, graph) = temp_graph();
    kg(&graph).arg("ingest").arg(articles()).assert().success();
    let tour = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/queries/tour.cypher");
    let text = stdout_of(kg(&graph).args(["run", "--echo"]).arg(tour));
    assert!(text.contains("Phùng Sĩ Tấn"), "{text}");
    assert!(text.matches("kg> ").count() >= 5, "{text}");
}

#[test]
fn stats_and_timing_report_figures() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--timing", "CREATE (:Place {name: 'Chile'})"])
        .assert()
        .success()
        .stdout(predicate::str::contains("time: "));
    kg(&graph)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicate::str::contains("bytes, loaded in"))
        .stdout(predicate::str::contains(":Place"));
}

#[test]
fn a_locked_graph_refuses_a_second_writer() {
    let (_dir, graph) = temp_graph();
    let _held = kg::store::WriteLock::acquire(&graph).unwrap();
    kg(&graph)
        .args(["query", "RETURN 1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("locked"));
}

#[test]
fn articles_piped_on_stdin_are_kept_apart_and_bad_files_warned() {
    let (dir, graph) = temp_graph();
    for text in [
        " date 2025-01-02 Minister Ana Pérez visited Chile.",
        " date 2025-01-03 President Luis Soto visited Peru.",
    ] {
        kg(&graph)
            .args(["ingest", "-"])
            .write_stdin(text)
            .assert()
            .success()
            .stdout(predicate::str::contains("ingested 1 article "));
    }
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"\xff\xfe not text").unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    kg(&graph)
        .arg("ingest")
        .arg(&bad)
        .arg(&empty)
        .assert()
        .success()
        .stderr(predicate::str::contains("bad.txt: not valid UTF-8"))
        .stderr(predicate::str::contains("empty.txt: empty article"));
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (a:Article) RETURN count(*) AS n",
        ])
        .assert()
        .success()
        .stdout("n\n3\n");
}
