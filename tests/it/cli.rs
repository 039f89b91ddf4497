//! The command-line contract: subcommands, flags, exit codes, output
//! formats, and the README's commands.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

/// `kg --graph GRAPH` with a home and data folder of its own beside the
/// graph, so nothing reaches the real home (history, say).
pub fn kg(graph: &Path) -> Command {
    let mut command = Command::cargo_bin("kg").unwrap();
    let home = graph.parent().unwrap().join("home");
    command
        .arg("--graph")
        .arg(graph)
        .env_remove("KG_GRAPH")
        .env_remove("KG_HISTORY")
        .env_remove("COLUMNS")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"));
    command
}

pub fn articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles")
}

/// Runs the command, expects success and returns its standard output.
pub fn stdout_of(command: &mut Command) -> String {
    let output = command.assert().success().get_output().stdout.clone();
    String::from_utf8(output).unwrap()
}

/// Parses JSON Lines output.
pub fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub fn temp_graph() -> (tempfile::TempDir, PathBuf) {
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
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("Exit status"), "{help}");
    for command in ["ingest", "query", "run", "repl", "stats", "completions"] {
        let page = stdout_of(kg(&graph).args([command, "--help"]));
        assert!(page.contains("Examples:"), "{command} --help:\n{page}");
        assert_eq!(stdout_of(kg(&graph).args(["help", command])), page);
    }
    assert_eq!(stdout_of(kg(&graph).args(["help", "--help"])), help);
}

#[test]
fn unknown_subcommand_fails_with_a_message() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .arg("frobnicate")
        .assert()
        .code(2)
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
            "--create",
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
        .args(["query", "--create", "MATCH (n RETURN n"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("^"))
        .stderr(predicate::str::contains(" --> query:1:"));
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
        .args(["run", "--create"])
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
            "--create",
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
    let output = kg(&graph)
        .args(["repl", "--create"])
        .write_stdin(
            "CREATE (:Person {name: 'Ana;'})\n  -[:HOLDS]->(:Role {title: 'Minister'});\n\
             :format csv\n\
             MATCH (p:Person)-[:HOLDS]->(r) RETURN p.name, r.title; RETURN 'two' AS second;\n\
             MATCH (n RETURN n;\n\
             RETURN 'still running' AS status;\n",
        )
        .assert()
        .code(1)
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).unwrap();
    let errors = String::from_utf8(output.stderr).unwrap();
    assert!(text.contains("p.name,r.title\nAna;,Minister\n"), "{text}");
    assert!(
        text.contains("second\ntwo\n"),
        "two statements on one line: {text}"
    );
    assert!(
        errors.contains("error[UnexpectedSyntax]") && !text.contains("error"),
        "errors go to stderr and the loop goes on: {text} / {errors}"
    );
    assert!(errors.contains("1 statement failed"), "{errors}");
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
        .args([
            "query",
            "--create",
            "--timing",
            "CREATE (:Place {name: 'Chile'})",
        ])
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
    kg(&graph)
        .args(["query", "--create", "CREATE (:X)"])
        .assert()
        .success();
    let _held = kg::store::WriteLock::acquire(&graph, std::time::Duration::ZERO).unwrap();
    kg(&graph)
        .args(["query", "CREATE (:Y)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("locked"));
    // Readers are never blocked by a writer's lock.
    kg(&graph)
        .args(["query", "--format", "csv", "MATCH (n) RETURN count(n) AS n"])
        .assert()
        .success()
        .stdout("n\n1\n");
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
    // Latin-1 text: an invalid byte in nearly every word, so not read as
    // UTF-8 garbage
    let latin1 = dir.path().join("latin1.txt");
    let french =
        "Le Pr\u{e9}sident fran\u{e7}ais a re\u{e7}u le ministre \u{e0} l'\u{c9}lys\u{e9}e. ";
    let bytes: Vec<u8> = french.repeat(5).chars().map(|c| c as u32 as u8).collect();
    std::fs::write(&latin1, bytes).unwrap();
    kg(&graph)
        .arg("ingest")
        .arg(&bad)
        .arg(&empty)
        .arg(&latin1)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "bad.txt: not valid UTF-8 (2 invalid bytes",
        ))
        .stderr(predicate::str::contains("empty.txt: empty article"))
        .stderr(predicate::str::contains(
            "latin1.txt: not UTF-8 text (30 invalid bytes, the first at offset 5); skipped",
        ));
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

#[test]
fn a_missing_graph_is_an_error_with_a_hint_and_leaves_no_file() {
    let (dir, graph) = temp_graph();
    let script = dir.path().join("s.cypher");
    std::fs::write(&script, "RETURN 1;").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["query", "RETURN 1"],
        vec!["run", script.to_str().unwrap()],
        vec!["repl"],
        vec!["export", "--format", "dot"],
        vec!["stats"],
    ];
    for args in cases {
        kg(&graph)
            .args(&args)
            .write_stdin("")
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("no such graph file"))
            .stderr(predicate::str::contains("kg --graph"))
            .stderr(predicate::str::contains("--create"));
        assert!(!graph.exists(), "{args:?} created the graph");
        assert!(
            !dir.path().join("test.graph.lock").exists(),
            "{args:?} left a lock file"
        );
    }
}

#[test]
fn ingesting_a_missing_path_fails_and_creates_nothing() {
    let (dir, graph) = temp_graph();
    kg(&graph)
        .args(["ingest", "missing.txt"])
        .current_dir(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "missing.txt: no such file or folder",
        ));
    assert!(!graph.exists());
    assert!(!dir.path().join("test.graph.lock").exists());
}

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let (dir, graph) = temp_graph();
    let junk = dir.path().join("junk.txt");
    // valid UTF-8, but control bytes, not text
    let bytes: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 32) as u8).collect();
    std::fs::write(&junk, bytes).unwrap();
    kg(&graph)
        .arg("ingest")
        .arg(&junk)
        .assert()
        .success()
        .stderr(predicate::str::contains("`junk`: not text"))
        .stdout(predicate::str::contains("ingested 0 articles"));
}

#[test]
fn a_param_that_is_not_valid_json_is_a_usage_error() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "--param", "x=[1,2", "RETURN $x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid JSON"));
    kg(&graph)
        .args([
            "query",
            "--create",
            "--format",
            "csv",
            "--param",
            "x=[1,2]",
            "RETURN size($x) AS n",
        ])
        .assert()
        .success()
        .stdout("n\n2\n");
}

#[test]
fn json_and_csv_with_timing_keep_stdout_to_data() {
    let (_dir, graph) = temp_graph();
    kg(&graph).arg("ingest").arg(articles()).assert().success();
    let output = kg(&graph)
        .args([
            "query",
            "--format",
            "json",
            "--timing",
            "MATCH (p:Person) RETURN p.name AS name, p ORDER BY name",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let rows: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line:?}: {e}")))
        .collect();
    assert_eq!(rows.len(), 11, "{stdout}");
    assert!(rows.iter().all(|r| r["p"]["labels"][0] == "Person"));
    assert!(stderr.contains("time: "), "{stderr}");
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "--timing",
            "CREATE (:Place {name: 'Lima'}) RETURN 1 AS one",
        ])
        .assert()
        .success()
        .stdout("one\n1\n")
        .stderr(predicate::str::contains("+1 node"))
        .stderr(predicate::str::contains("time: "));
}

#[test]
fn writes_print_a_summary_and_unknown_names_a_warning() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args([
            "query",
            "--create",
            "CREATE (:Person {name: 'Ana'})-[:HOLDS]->(:Role {title: 'Minister'})",
        ])
        .assert()
        .success()
        .stdout("+2 nodes, +1 relationship, 2 properties set, 2 labels added\n");
    kg(&graph)
        .args(["query", "MATCH (p:Persn)-[:HOLD]->(r) RETURN p.nme"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no label `:Persn`"))
        .stderr(predicate::str::contains("no relationship type `:HOLD`"))
        .stderr(predicate::str::contains("no property key `nme`"))
        .stdout(predicate::str::contains("0 rows"));
    kg(&graph)
        .args(["query", "MATCH (p:Person)-[:HOLDS]->(r) RETURN p.name"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn script_errors_point_into_the_file_and_stop_the_run() {
    let (dir, graph) = temp_graph();
    let script = dir.path().join("report.cypher");
    std::fs::write(
        &script,
        "// setup\nCREATE (:Place {name: 'a;b'});\n\nMATCH (p:Place)\nRETURN p.name AS name,\n       p.nope +;\nCREATE (:Place {name: 'after'});\n",
    )
    .unwrap();
    let output = kg(&graph)
        .args(["run", "--create"])
        .arg(&script)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let name = script.display().to_string();
    assert!(stderr.contains(&format!("--> {name}:6:")), "{stderr}");
    assert!(
        stderr.contains("  |        p.nope +;\n  |                ^"),
        "{stderr}"
    );
    assert!(stderr.contains('^'), "{stderr}");
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (p:Place) RETURN p.name AS n ORDER BY n",
        ])
        .assert()
        .success()
        .stdout("n\na;b\n");
    kg(&graph)
        .args(["run", "--continue-on-error"])
        .arg(&script)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("--> {name}:6:")))
        .stderr(predicate::str::contains("1 statement failed"));
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (p:Place) RETURN p.name AS n ORDER BY n",
        ])
        .assert()
        .success()
        .stdout("n\na;b\na;b\nafter\n");
}

#[test]
fn scripts_read_from_stdin_and_an_open_string_is_an_error() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["run", "--create", "--format", "csv", "-"])
        .write_stdin("RETURN 1 AS a; RETURN 'x;y' AS b\n")
        .assert()
        .success()
        .stdout("a\n1\nb\nx;y\n");
    kg(&graph)
        .args(["run", "--create", "-"])
        .write_stdin("RETURN 1;\nRETURN 'open\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("<stdin>:2:8"))
        .stderr(predicate::str::contains("never closed"));
}

#[test]
fn completions_for_each_shell() {
    let (_dir, graph) = temp_graph();
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(kg(&graph).args(["completions", shell]));
        assert!(
            script.contains("ingest") && script.contains("repl"),
            "{shell}"
        );
    }
    kg(&graph).args(["completions", "tcsh2"]).assert().code(2);
}

#[test]
fn csv_and_json_rows_stream_before_a_later_row_fails() {
    // the third row divides by zero: the first two are already written
    let (_dir, graph) = temp_graph();
    for (format, expected) in [("json", "{\"y\":10}\n{\"y\":5}\n"), ("csv", "y\n10\n5\n")] {
        let output = kg(&graph)
            .args([
                "query",
                "--create",
                "--format",
                format,
                "UNWIND [1, 2, 0] AS x RETURN 10 / x AS y",
            ])
            .assert()
            .failure()
            .code(1)
            .get_output()
            .clone();
        let stdout = String::from_utf8(output.stdout)
            .unwrap()
            .replace("\r\n", "\n");
        assert_eq!(stdout, expected, "{format}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.to_lowercase().contains("zero"), "{stderr}");
    }
}
