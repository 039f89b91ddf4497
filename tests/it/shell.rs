//! The interactive shell driven through a pseudo-terminal, as a person
//! types: queries and tables, multi-line input, `;` in strings, Tab
//! completion, history across runs (and after a killed one), Ctrl-C during
//! a long query, the exploring commands, and another `kg` beside it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use expectrl::{ControlCode, Eof, Expect, Regex, Session};

use crate::cli::{articles, kg, temp_graph};

struct Shell {
    session: expectrl::session::OsSession,
}

fn history_file(graph: &Path) -> PathBuf {
    graph.parent().unwrap().join("history.txt")
}

/// `kg repl` on `graph` in a 120-column terminal, history beside the graph.
fn shell(graph: &Path) -> Shell {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("kg"));
    let home = graph.parent().unwrap().join("home");
    command
        .arg("--graph")
        .arg(graph)
        .arg("repl")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("KG_HISTORY", history_file(graph))
        .env("TERM", "xterm")
        .env_remove("COLUMNS");
    command.current_dir(graph.parent().unwrap());
    let mut session = Session::spawn(command).unwrap();
    session.get_process_mut().set_window_size(120, 40).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    let mut shell = Shell { session };
    shell.expect("kg> ");
    shell
}

impl Shell {
    fn expect(&mut self, text: &str) -> String {
        match self.session.expect(text) {
            Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
            Err(e) => panic!("waiting for {text:?}: {e}"),
        }
    }

    fn expect_regex(&mut self, pattern: &str) {
        if let Err(e) = self.session.expect(Regex(pattern)) {
            panic!("waiting for /{pattern}/: {e}");
        }
    }

    /// Types a line and presses Enter.
    fn line(&mut self, text: &str) {
        self.session.send(text).unwrap();
        self.session.send("\r").unwrap();
    }

    fn quit(mut self) {
        self.session.send(ControlCode::EndOfTransmission).unwrap();
        self.session.expect(Eof).unwrap();
    }
}

fn ingested() -> (tempfile::TempDir, PathBuf) {
    let (dir, graph) = temp_graph();
    kg(&graph).arg("ingest").arg(articles()).assert().success();
    (dir, graph)
}

#[test]
fn a_query_and_its_table_multi_line_input_and_a_semicolon_in_a_string() {
    let (_dir, graph) = ingested();
    let mut shell = shell(&graph);
    shell.line("MATCH (p:Person {name: 'Phùng Sĩ Tấn'}) RETURN p.name AS name, p.rank AS rank;");
    shell.expect("| Phùng Sĩ Tấn | Lieutenant General |");
    // the footer: row count and time
    shell.expect_regex(r"1 row \([0-9.]+ m?s\)");
    shell.expect("kg> ");
    shell.line("MATCH (p:Person)");
    shell.expect("  -> ");
    shell.line("RETURN count(p) AS people;");
    shell.expect("| 11     |");
    shell.expect("kg> ");
    shell.line("RETURN 'a;b' AS s; RETURN 'second' AS t;");
    shell.expect("| a;b |");
    shell.expect("| second |");
    shell.expect("kg> ");
    shell.line("MATCH (p:Persn) RETURN p;");
    shell.expect("the graph has no label `:Persn`");
    shell.expect("kg> ");
    shell.quit();
}

#[test]
fn tab_completes_a_label_and_a_name_inside_quotes() {
    let (_dir, graph) = ingested();
    let mut shell = shell(&graph);
    // "Pers" alone would match nothing: the count proves the completion.
    shell.session.send("MATCH (p:Pers\t").unwrap();
    shell.expect("Person");
    shell.line(") RETURN count(p) AS people;");
    shell.expect("| 11     |");
    shell.expect("kg> ");
    shell.session.send("MATCH (p {name: 'phung\t").unwrap();
    shell.expect("Tấn");
    shell.line("}) RETURN p.rank AS rank;");
    shell.expect("| Lieutenant General |");
    shell.expect("kg> ");
    shell.quit();
}

#[test]
fn history_is_kept_across_runs_and_after_a_killed_one() {
    let (_dir, graph) = ingested();
    let mut first = shell(&graph);
    first.line("RETURN 'from the first run' AS run;");
    first.expect("| from the first run |");
    first.expect("kg> ");
    first.quit();
    let saved = std::fs::read_to_string(history_file(&graph)).unwrap();
    assert!(
        saved.contains("RETURN 'from the first run' AS run;"),
        "{saved}"
    );

    let mut second = shell(&graph);
    // Up recalls the last statement of the first run; Enter runs it again.
    second.session.send("\x1b[A").unwrap();
    second.expect("first run");
    second.session.send("\r").unwrap();
    second.expect("| from the first run |");
    second.expect("kg> ");
    second.line("RETURN 'before the kill' AS run;");
    second.expect("| before the kill |");
    second.expect("kg> ");
    let pid = second.session.get_process().pid().to_string();
    let killed = Command::new("kill").args(["-9", &pid]).status().unwrap();
    assert!(killed.success());
    let _ = second.session.expect(Eof);
    let saved = std::fs::read_to_string(history_file(&graph)).unwrap();
    assert!(
        saved.contains("RETURN 'before the kill' AS run;"),
        "{saved}"
    );
}

#[test]
fn ctrl_c_cancels_a_long_query_and_the_shell_goes_on() {
    let (_dir, graph) = ingested();
    let mut shell = shell(&graph);
    // Paths of up to 14 hops in the sample graph: far more than a test waits.
    shell.line("MATCH (a)-[*1..14]-(b) RETURN count(*) AS n;");
    std::thread::sleep(Duration::from_millis(700));
    shell.session.send(ControlCode::EndOfText).unwrap();
    shell.expect("cancelled");
    shell.expect("kg> ");
    shell.line("RETURN 'alive' AS still;");
    shell.expect("| alive |");
    // Ctrl-D counts only once the editor reads keys again.
    shell.expect("kg> ");
    shell.quit();
}

#[test]
fn who_and_path_explain_people_and_connections() {
    let (_dir, graph) = ingested();
    let mut shell = shell(&graph);
    shell.line(":who phung si tan");
    shell.expect("Phùng Sĩ Tấn (:Person), Lieutenant General");
    shell.expect("Roles:");
    shell.expect("Deputy Chief");
    shell.expect("Events:");
    shell.expect("Articles:");
    shell.expect("dev-001");
    shell.expect("kg> ");
    shell.line(":path 'Phùng Sĩ Tấn' 'Lautaro Carmona' --no-articles");
    shell.expect("Phùng Sĩ Tấn (:Person)");
    shell.expect_regex(r"-\[:PARTICIPATED_IN\]->");
    shell.expect("Lautaro Carmona (:Person)");
    shell.expect("kg> ");
    shell.quit();
}

#[test]
fn another_kg_can_write_while_the_shell_is_open_and_the_shell_reloads() {
    let (_dir, graph) = ingested();
    let mut shell = shell(&graph);
    shell.line("MATCH (p:Person) RETURN count(p) AS before;");
    shell.expect("| 11     |");
    shell.expect("kg> ");
    kg(&graph)
        .args(["query", "CREATE (:Person {name: 'Visitor'})"])
        .assert()
        .success();
    shell.line("MATCH (p:Person) RETURN count(p) AS after;");
    shell.expect("changed on disk; reloaded");
    shell.expect("| 12    |");
    shell.expect("kg> ");
    shell.line("CREATE (:Person {name: 'From the shell'});");
    shell.expect("+1 node");
    shell.expect("kg> ");
    kg(&graph)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (p:Person) RETURN count(p) AS n",
        ])
        .assert()
        .success()
        .stdout("n\n13\n");
    shell.quit();
}

#[test]
fn tab_completes_a_file_name_after_source() {
    let (dir, graph) = ingested();
    std::fs::write(
        dir.path().join("people-count.cypher"),
        "MATCH (p:Person) RETURN count(p) AS sourced;\n",
    )
    .unwrap();
    let mut shell = shell(&graph);
    shell.session.send(":source people-c\t").unwrap();
    shell.expect("ount.cypher");
    shell.session.send("\r").unwrap();
    shell.expect("| sourced |");
    shell.expect("| 11      |");
    shell.expect("kg> ");
    shell.quit();
}

#[test]
fn export_dot_writes_the_last_result_and_a_given_query() {
    let (dir, graph) = ingested();
    let mut shell = shell(&graph);
    shell.line("MATCH (p:Person {name: 'Phùng Sĩ Tấn'})-[h:HOLDS]->(r:Role) RETURN p, h, r;");
    shell.expect("Deputy Chief");
    shell.expect("kg> ");
    shell.line(":export dot last.dot");
    shell.expect_regex(r"wrote last\.dot \([1-9][0-9]* nodes, [1-9][0-9]* relationships\)");
    shell.expect("kg> ");
    shell.line(
        ":export dot events.dot MATCH (e:Event)-[t:TOOK_PLACE_IN]->(pl:Place) RETURN e, t, pl",
    );
    shell.expect_regex(r"wrote events\.dot \([1-9][0-9]* nodes, [1-9][0-9]* relationships\)");
    shell.expect("kg> ");
    shell.line(":export dot scalars.dot RETURN 1 AS one");
    shell.expect("warning:");
    shell.expect("kg> ");
    shell.quit();
    let last = std::fs::read_to_string(dir.path().join("last.dot")).unwrap();
    assert!(last.starts_with("digraph"), "{last}");
    assert!(
        last.contains("Phùng Sĩ Tấn") && last.contains("HOLDS"),
        "{last}"
    );
    let events = std::fs::read_to_string(dir.path().join("events.dot")).unwrap();
    // the query's subgraph, not the last result's
    assert!(
        events.contains("TOOK_PLACE_IN") && !events.contains("HOLDS"),
        "{events}"
    );
}
