//! Any bytes as the write-ahead log beside a small graph: opening never
//! panics; it gives the snapshot plus whole records (a torn tail dropped)
//! or an error naming the file, and `kg check` agrees with it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use kg::store;
use libfuzzer_sys::fuzz_target;

/// A folder holding `fuzz.graph`, a snapshot of two nodes, made once.
fn graph_path() -> &'static PathBuf {
    static PATH: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PATH
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let path = dir.path().join("fuzz.graph");
            let mut graph = kg::graph::Graph::new();
            graph.add_node(["N"], Default::default());
            graph.add_node(["M"], Default::default());
            store::save(&graph, &path).expect("the fuzz graph saves");
            (dir, path)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let path = graph_path();
    let mut log = path.as_os_str().to_owned();
    log.push(".wal");
    std::fs::write(PathBuf::from(log), data).expect("the log is written");
    let loaded = store::load(path);
    let checked = store::check(path);
    match loaded {
        Ok(_) => assert!(checked.is_ok_and(|report| report.is_ok())),
        Err(error) => {
            assert!(error.to_string().contains("fuzz.graph"), "{error}");
            assert!(checked.is_err() || checked.is_ok_and(|report| !report.is_ok()));
        }
    }
});
