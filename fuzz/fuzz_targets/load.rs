//! Any bytes as a graph file: loading never panics or allocates without
//! bound (lengths are checked against the bytes left); a file that loads
//! saves and loads again to the same graph. Seed it with
//! `tests/fixtures/*.graph` (`cargo +nightly fuzz run load tests/fixtures`)
//! so it starts from real headers and layouts.
#![no_main]

use kg::graph::Graph;
use kg::store;
use libfuzzer_sys::fuzz_target;

fn elements(graph: &Graph) -> (Vec<String>, Vec<String>) {
    let nodes = graph
        .node_ids()
        .filter_map(|id| graph.node(id).map(|n| format!("{id} {:?}", n.to_data())))
        .collect();
    let rels = graph
        .rel_ids()
        .filter_map(|id| Some(format!("{id} {:?} {:?}", graph.endpoints(id)?, graph.rel(id)?.to_data())))
        .collect();
    (nodes, rels)
}

fuzz_target!(|data: &[u8]| {
    let Ok(graph) = store::decode(data) else {
        return;
    };
    let _ = graph.verify();
    let saved = store::encode(&graph).expect("a loaded graph saves");
    let again = store::decode(&saved).expect("a saved graph loads");
    assert_eq!(elements(&graph), elements(&again));
});
