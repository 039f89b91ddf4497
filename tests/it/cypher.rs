//! Query-engine tests: data-driven cases in tests/cases/{parse,query}, and
//! the features no TCK scenario covers (shortestPath, fold, dates, errors).

use kg::cypher::{execute, Options, Params};
use kg::graph::Graph;
use kg::table::Table;

fn run(graph: &mut Graph, query: &str) -> Result<Table, kg::cypher::QueryError> {
    execute(graph, query, &Params::new(), &Options::default())
}

#[test]
fn debug_with() {
    let mut g = Graph::new();
    run(&mut g, "CREATE (:A {num: 1})").unwrap();
    let t = run(&mut g, "MATCH (a) WITH a MATCH (b) RETURN a, b");
    println!("{t:?}");
}

#[test]
fn debug_parse() {
    let s = kg::cypher::parse("MATCH (a) WITH a MATCH (b) RETURN a, b").unwrap();
    println!("{s}");
    println!("{s:?}");
}

#[test]
fn debug_steps() {
    let mut g = Graph::new();
    run(&mut g, "CREATE (:A {num: 1})").unwrap();
    for q in [
        "MATCH (a) RETURN a",
        "MATCH (a) WITH a RETURN a",
        "MATCH (a) WITH a MATCH (b) RETURN b",
        "MATCH (a) MATCH (b) RETURN a",
    ] {
        println!("{q}: {:?}", run(&mut g, q).map(|t| t.columns));
    }
}

#[test]
fn debug_ast() {
    let s = kg::cypher::parse("MATCH (a) WITH a RETURN a").unwrap();
    println!("{:?}", s.first.clauses[1]);
}
