//! What kg guarantees about the graph file: statements committed to a
//! write-ahead log and replayed on open, torn writes dropped, stale logs
//! ignored, readers that never block, writers that wait, files kept where
//! and as they were (symlinks, modes), and no crash leaving a broken graph.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use kg::graph::Graph;
use kg::session::Session;
use kg::store::{self, WriteLock};
use predicates::prelude::*;
use proptest::prelude::*;

use crate::cli::{kg, stdout_of, temp_graph};

fn count(graph: &Path, label: &str) -> i64 {
    let out = stdout_of(kg(graph).args([
        "query",
        "--format",
        "csv",
        &format!("MATCH (n:{label}) RETURN count(n) AS n"),
    ]));
    out.lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {out:?}"))
}

fn log_of(graph: &Path) -> PathBuf {
    let mut name = graph.as_os_str().to_owned();
    name.push(".wal");
    PathBuf::from(name)
}

/// `kg` as a plain process (to kill, or to feed while others run).
fn kg_process(graph: &Path) -> std::process::Command {
    let home = graph.parent().unwrap().join("home");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kg"));
    command
        .arg("--graph")
        .arg(graph)
        .env_remove("KG_GRAPH")
        .env_remove("KG_HISTORY")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"));
    command
}

fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

fn run_session(session: &mut Session, statement: &str) -> kg::error::Result<()> {
    session.execute(statement, &mut Vec::new(), &mut Vec::new())
}

#[test]
fn a_statement_appends_to_the_log_instead_of_rewriting_the_graph() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args([
            "query",
            "--create",
            "UNWIND range(1, 500) AS i CREATE (:Base {i: i})",
        ])
        .assert()
        .success();
    let snapshot = inode(&graph);
    let snapshot_len = std::fs::metadata(&graph).unwrap().len();
    let script = (1..=100)
        .map(|i| format!("CREATE (:Step {{i: {i}}});\n"))
        .collect::<String>();
    kg(&graph)
        .args(["run", "-"])
        .write_stdin(script)
        .assert()
        .success();
    // The snapshot was left alone; the 100 statements are 100 log records.
    assert_eq!(inode(&graph), snapshot);
    assert_eq!(std::fs::metadata(&graph).unwrap().len(), snapshot_len);
    let log = std::fs::metadata(log_of(&graph)).unwrap().len();
    assert!(log > 100 * 8, "log of {log} bytes");
    assert_eq!(count(&graph, "Step"), 100);
    kg(&graph)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("log: 100 records"));
    // Compaction folds the log into a new snapshot and keeps the old one.
    kg(&graph)
        .arg("compact")
        .assert()
        .success()
        .stdout(predicate::str::contains("compacted"));
    assert_ne!(inode(&graph), snapshot);
    assert!(!log_of(&graph).exists());
    kg(&graph)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("log: none"));
    assert!(graph.with_extension("graph.bak").exists());
    assert_eq!(count(&graph, "Step"), 100);
    assert_eq!(count(&graph, "Base"), 500);
}

#[test]
fn a_torn_last_record_is_dropped_and_cut_off_by_the_next_writer() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    kg(&graph).args(["query", "CREATE (:B)"]).assert().success();
    let after_b = std::fs::metadata(log_of(&graph)).unwrap().len();
    kg(&graph)
        .args(["query", "CREATE (:C {name: 'a longer value to cut'})"])
        .assert()
        .success();
    let full = std::fs::metadata(log_of(&graph)).unwrap().len();
    // A crash in the middle of writing C's record: every cut point loses
    // C and keeps B.
    for cut in [after_b + 1, after_b + 7, (after_b + full) / 2, full - 1] {
        let copy = graph.with_extension(format!("cut{cut}"));
        std::fs::copy(&graph, &copy).unwrap();
        let log = std::fs::read(log_of(&graph)).unwrap();
        std::fs::write(log_of(&copy), &log[..cut as usize]).unwrap();
        assert_eq!(count(&copy, "B"), 1, "cut at {cut}");
        assert_eq!(count(&copy, "C"), 0, "cut at {cut}");
        kg(&copy)
            .arg("check")
            .assert()
            .success()
            .stdout(predicate::str::contains("torn last record"));
        // The next commit cuts the torn bytes off before appending.
        kg(&copy).args(["query", "CREATE (:D)"]).assert().success();
        assert_eq!(count(&copy, "D"), 1);
        assert_eq!(count(&copy, "B"), 1);
        kg(&copy)
            .arg("check")
            .assert()
            .success()
            .stdout(predicate::str::contains("torn").not());
    }
}

#[test]
fn damage_before_the_last_record_is_an_error_and_nothing_is_overwritten() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    kg(&graph)
        .args(["query", "CREATE (:B {name: 'x'})"])
        .assert()
        .success();
    kg(&graph).args(["query", "CREATE (:C)"]).assert().success();
    let mut log = std::fs::read(log_of(&graph)).unwrap();
    // a byte inside the first record's payload
    log[28 + 8 + 2] ^= 0x55;
    std::fs::write(log_of(&graph), &log).unwrap();
    for args in [vec!["query", "MATCH (n) RETURN count(n)"], vec!["check"]] {
        kg(&graph)
            .args(&args)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("write-ahead log"))
            .stderr(predicate::str::contains("checksum"));
    }
    kg(&graph).args(["query", "CREATE (:D)"]).assert().code(1);
    assert_eq!(std::fs::read(log_of(&graph)).unwrap(), log);
}

#[test]
fn a_log_left_by_an_interrupted_compaction_is_ignored() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    kg(&graph).args(["query", "CREATE (:B)"]).assert().success();
    let old_log = std::fs::read(log_of(&graph)).unwrap();
    kg(&graph).arg("compact").assert().success();
    // the crash: the new snapshot is in place, the old log still there
    std::fs::write(log_of(&graph), &old_log).unwrap();
    assert_eq!(count(&graph, "B"), 1);
    kg(&graph)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("older snapshot"));
    kg(&graph).args(["query", "CREATE (:C)"]).assert().success();
    assert_eq!(count(&graph, "B"), 1);
    assert_eq!(count(&graph, "C"), 1);
}

#[test]
fn a_symlinked_graph_is_saved_through_the_link() {
    let (dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    let link = dir.path().join("link.graph");
    std::os::unix::fs::symlink(&graph, &link).unwrap();
    kg(&link).args(["query", "CREATE (:B)"]).assert().success();
    kg(&link).arg("compact").assert().success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(count(&graph, "B"), 1);
    // the lock sits beside the real file, so it excludes writers of both names
    assert!(!dir.path().join("link.graph.lock").exists());
    let _held = WriteLock::acquire(&graph, Duration::ZERO).unwrap();
    kg(&link)
        .args(["query", "CREATE (:C)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("locked"));
}

#[test]
fn saves_keep_the_file_mode_and_a_read_only_graph_is_refused() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    std::fs::set_permissions(&graph, std::fs::Permissions::from_mode(0o664)).unwrap();
    kg(&graph).arg("compact").assert().success();
    let mode = std::fs::metadata(&graph).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
    std::fs::set_permissions(&graph, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&graph).unwrap();
    kg(&graph)
        .args(["query", "CREATE (:B)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"));
    kg(&graph).arg("compact").assert().code(1);
    assert_eq!(std::fs::read(&graph).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&graph).unwrap().permissions().mode() & 0o777,
        0o444
    );
    // reading a read-only graph is fine
    assert_eq!(count(&graph, "A"), 1);
}

#[test]
fn a_folder_or_device_is_no_graph_and_leaves_no_lock_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    for path in [folder.clone(), PathBuf::from("/dev/null")] {
        kg(&path)
            .args(["query", "--create", "CREATE (:A)"])
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains("not a graph file")
                    .or(predicate::str::contains("not a regular file")),
            );
    }
    assert!(std::fs::read_dir(&folder).unwrap().next().is_none());
    assert!(!dir.path().join("folder.lock").exists());
    assert!(!Path::new("/dev/null.lock").exists());
}

#[test]
fn leftover_temporary_files_of_killed_saves_are_removed() {
    let (dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    let leftover = dir.path().join(".test.graph.kg-save-AbC123");
    std::fs::write(&leftover, vec![0u8; 4096]).unwrap();
    let other_graphs = dir.path().join(".other.graph.kg-save-AbC123");
    std::fs::write(&other_graphs, b"x").unwrap();
    kg(&graph).arg("compact").assert().success();
    assert!(!leftover.exists());
    assert!(
        other_graphs.exists(),
        "another graph's save is not ours to remove"
    );
}

#[test]
fn readers_never_wait_and_writers_wait_with_wait_and_name_the_holder() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    let held = WriteLock::acquire(&graph, Duration::ZERO).unwrap();
    assert_eq!(count(&graph, "A"), 1);
    kg(&graph)
        .args(["query", "CREATE (:B)"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "pid {}",
            std::process::id()
        )))
        .stderr(predicate::str::contains("--wait"));
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(400));
        drop(held);
    });
    kg(&graph)
        .args(["--wait", "20", "query", "CREATE (:B)"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "waiting up to 20 s for the write lock (held by pid {}",
            std::process::id()
        )));
    release.join().unwrap();
    assert_eq!(count(&graph, "B"), 1);
}

#[test]
fn concurrent_writers_with_wait_keep_every_statement_and_readers_keep_reading() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:Start)"])
        .assert()
        .success();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let script = (0..15)
                .map(|i| format!("CREATE (:W {{writer: {w}, i: {i}}});\n"))
                .collect::<String>();
            let mut child = kg_process(&graph)
                .args(["--wait", "60", "run", "-"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(script.as_bytes())
                .unwrap();
            child
        })
        .collect();
    // Readers run while the writers write: each sees a committed state,
    // and the count only grows.
    let mut seen = 0;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        let now = count(&graph, "W");
        assert!(now >= seen, "a reader saw {now} after {seen}");
        seen = now;
    }
    for child in writers {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(count(&graph, "W"), 60);
    kg(&graph).arg("check").assert().success();
}

#[test]
fn a_failed_commit_is_reported_kept_and_saved_by_the_next_one() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args(["query", "--create", "CREATE (:A)"])
        .assert()
        .success();
    let mut session = Session::open_shared(&graph).unwrap();
    // A log that cannot be created (as on a full disk): a link into a
    // folder that does not exist.
    let missing = graph.parent().unwrap().join("missing/log");
    std::os::unix::fs::symlink(&missing, log_of(&graph)).unwrap();
    let failed = run_session(&mut session, "CREATE (:B)");
    assert!(failed.is_err(), "the failed save must be an error");
    assert!(session.unsaved());
    // the change stays visible, and the next commit saves it too
    assert_eq!(session.graph().label_count("B"), 1);
    std::fs::remove_file(log_of(&graph)).unwrap();
    run_session(&mut session, "CREATE (:C)").unwrap();
    assert!(!session.unsaved());
    assert_eq!(count(&graph, "B"), 1);
    assert_eq!(count(&graph, "C"), 1);

    // A piped shell whose changes cannot be saved says so and fails.
    kg(&graph).arg("compact").assert().success();
    std::os::unix::fs::symlink(&missing, log_of(&graph)).unwrap();
    kg(&graph)
        .arg("repl")
        .arg("--no-history")
        .write_stdin("CREATE (:D);\n:quit\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not saved"));
    std::fs::remove_file(log_of(&graph)).unwrap();
    assert_eq!(count(&graph, "D"), 0);
}

/// The whole graph, ids included, in a comparable form.
fn dump(graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for id in graph.node_ids() {
        let node = graph.node(id).unwrap();
        out.push(format!("n{id} {:?}", node.to_data()));
    }
    for id in graph.rel_ids() {
        let rel = graph.rel(id).unwrap();
        out.push(format!(
            "r{id} {:?} {:?}",
            graph.endpoints(id),
            rel.to_data()
        ));
    }
    out
}

const STATEMENTS: &[&str] = &[
    "CREATE (:P {name: 'a', n: 1})",
    "CREATE (:P {name: 'b'})-[:KNOWS {since: 2020}]->(:Q {name: 'c'})",
    "MATCH (p:P) WITH p LIMIT 1 DETACH DELETE p",
    "MATCH (q:Q) WITH q LIMIT 1 DETACH DELETE q",
    "MATCH (p:P) SET p.n = coalesce(p.n, 0) + 1",
    "MATCH (p:P) WITH p LIMIT 1 SET p:Extra REMOVE p.name",
    "MATCH (p:P), (q:Q) WITH p, q LIMIT 2 CREATE (p)-[:SEES]->(q)",
    "MATCH ()-[r:KNOWS]->() WITH r LIMIT 1 DELETE r",
    "MERGE (:P {name: 'merged'})",
    "MATCH (p:Extra) REMOVE p:Extra SET p += {tag: [1, 'x', null]}",
    "CREATE (:P {name: 'fails'}) WITH 1 AS x RETURN 1 / 0",
    "UNWIND range(1, 3) AS i CREATE (:R {i: i})",
    "MATCH (r:R) WITH r LIMIT 2 DELETE r",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever statements run (deleting, reusing freed slots, failing),
    /// with compactions anywhere among them: a fresh open of the file
    /// (snapshot plus log) gives exactly the graph the writer holds, ids
    /// and all, and the indexes agree.
    #[test]
    fn a_reopened_graph_equals_the_writers(
        steps in proptest::collection::vec((0..STATEMENTS.len(), 0..8u8), 1..30)
    ) {
        let (_dir, graph) = temp_graph();
        let mut writer = Session::open_shared(&graph).unwrap();
        for (statement, compact) in steps {
            let _ = run_session(&mut writer, STATEMENTS[statement]);
            if compact == 0 {
                writer.save().unwrap();
            }
            let reopened = store::load(&graph).unwrap();
            prop_assert_eq!(dump(&reopened), dump(writer.graph()));
            let (problems, _) = reopened.verify();
            prop_assert!(problems.is_empty(), "{:?}", problems);
        }
        // a reader that follows along by the log sees the same graph
        let mut reader = Session::open_shared(&graph).unwrap();
        let _ = run_session(&mut writer, STATEMENTS[1]);
        run_session(&mut reader, "MATCH (n) RETURN count(n)").unwrap();
        prop_assert_eq!(dump(reader.graph()), dump(writer.graph()));
    }
}

/// Kills kg at random moments of log appends, snapshot writes (ingest,
/// compaction) and failed statements: every time, the graph opens, checks
/// clean, and holds the state before or after the interrupted command.
#[test]
fn sigkill_at_random_moments_never_breaks_the_graph() {
    let (dir, graph) = temp_graph();
    let article = dir.path().join("a.txt");
    std::fs::write(
        &article,
        "Prime Minister Anna Berg met President Joao Silva in Oslo on Monday.\n",
    )
    .unwrap();
    kg(&graph)
        .args([
            "query",
            "--create",
            // large enough that loading and saving it takes some milliseconds,
            // so most kills land inside the command, not after it
            "UNWIND range(1, 20000) AS i CREATE (:Base {i: i, text: 'padding padding padding'})",
        ])
        .assert()
        .success();
    let mut expected = 0i64;
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let kills = 200;
    let mut killed = 0;
    for round in 0..kills {
        let kind = next() % 4;
        let mut command = kg_process(&graph);
        match kind {
            0 => command.args(["query", "CREATE (:K)"]),
            1 => command.args(["query", "UNWIND range(1, 300) AS i CREATE (:K2 {i: i})"]),
            2 => command.arg("compact"),
            _ => command.arg("ingest").arg(&article),
        };
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(next() % 15_000));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            killed += 1;
        }
        let report = store::check(&graph).unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(report.is_ok(), "round {round}: {report}");
        let k = count(&graph, "K");
        assert!(
            k == expected || (kind == 0 && k == expected + 1),
            "round {round}: {k} :K nodes, expected {expected}"
        );
        expected = k;
        let k2 = count(&graph, "K2");
        assert_eq!(k2 % 300, 0, "round {round}: a statement applied in part");
        assert_eq!(count(&graph, "Base"), 20000, "round {round}");
    }
    eprintln!("{killed} of {kills} runs were killed");
    assert!(
        killed >= kills / 4,
        "only {killed} of {kills} runs were killed"
    );
}
