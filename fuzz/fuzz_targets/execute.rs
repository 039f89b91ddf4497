//! Any text as a statement over a small graph: rows or a `QueryError`
//! that is not an internal one, never a panic, a crash or unbounded time
//! and memory (a deadline and a small budget are set), and a failed
//! statement leaves the graph as it was.
#![no_main]

use std::time::{Duration, Instant};

use kg::cypher::{self, ErrorKind, Options, Params};
use kg::graph::{Graph, Value};
use libfuzzer_sys::fuzz_target;

const GRAPH: &str = "CREATE (a:A {k: 1, name: 'a'})-[:T {w: 2}]->(b:B {k: 2, name: 'b'}), \
                     (b)-[:U]->(a), (a)-[:T]->(a), (c {k: [1, 2], name: 'c'})-[:T]->(b)";

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let mut params = Params::new();
    params.insert("p".to_string(), Value::Int(2));
    let mut graph = Graph::new();
    cypher::execute(&mut graph, GRAPH, &params, &Options::default()).expect("the fuzz graph");
    let before = (graph.node_count(), graph.rel_count());
    let options = Options {
        deadline: Some(Instant::now() + Duration::from_millis(500)),
        max_memory: 64 << 20,
        ..Options::default()
    };
    if let Err(error) = cypher::execute(&mut graph, query, &params, &options) {
        assert_ne!(error.kind, ErrorKind::Internal, "{query}: {error:?}");
        assert_eq!((graph.node_count(), graph.rel_count()), before, "{query}");
    }
});
