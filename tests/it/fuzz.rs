//! Fuzzing the query language in the normal test run: a fixed seed and
//! bounded case counts, so it takes seconds and fails the same way every
//! time. The parser gets arbitrary text, text made of Cypher tokens, and
//! grammar-shaped queries nested far past the limits; the executor gets
//! small random graphs and generated queries. Nothing may panic or
//! overflow the stack, and every failure is a `QueryError` that is not an
//! internal one (an internal error is a bug in kg). Longer runs:
//! `cargo fuzz` with the targets in `fuzz/` (see the README).

use std::time::{Duration, Instant};

use kg::cypher::{self, ErrorKind, Options, Params, QueryError};
use kg::graph::Graph;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(11),
        failure_persistence: None,
        ..Config::default()
    }
}

/// A failure is fine; a failure that is kg's own bug is not.
fn assert_not_internal(result: &Result<impl Sized, QueryError>, query: &str) {
    if let Err(e) = result {
        assert_ne!(e.kind, ErrorKind::Internal, "{query}\n{e:?}");
    }
}

/// Pieces of Cypher, so random text often gets past the first token.
const TOKENS: &[&str] = &[
    "MATCH ",
    "OPTIONAL MATCH ",
    "WHERE ",
    "RETURN ",
    "WITH ",
    "UNWIND ",
    " AS ",
    "CREATE ",
    "MERGE ",
    "SET ",
    "DELETE ",
    "DETACH DELETE ",
    "REMOVE ",
    "ORDER BY ",
    " SKIP ",
    " LIMIT ",
    "DISTINCT ",
    "UNION ",
    "CASE ",
    " WHEN ",
    " THEN ",
    " ELSE ",
    " END",
    " AND ",
    " OR ",
    " XOR ",
    "NOT ",
    " IN ",
    " IS NULL",
    " IS NOT NULL",
    " STARTS WITH ",
    " CONTAINS ",
    " =~ ",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "-",
    "->",
    "<-",
    "--",
    "*",
    "..",
    ":",
    ",",
    ".",
    "|",
    "=",
    "<>",
    "<",
    ">=",
    "+",
    "/",
    "%",
    "^",
    "$p",
    "n",
    "m",
    "r",
    "x",
    "1",
    "2.5",
    "'s'",
    "\"t\"",
    "`q`",
    "null",
    "true",
    "count(*)",
    "collect(",
    "size(",
    "range(",
    "replace(",
    "split(",
    "/*",
    "*/",
    "//",
    "\n",
    "'",
    "\"",
    "\\",
    "e",
    "end",
    "case",
    "n.end",
    "{end: 1}",
];

fn token_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.concat())
}

/// A grammar-shaped expression over the variables `n`, `m`, `x`.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("n".to_string()),
        Just("m".to_string()),
        Just("x".to_string()),
        Just("$p".to_string()),
        Just("null".to_string()),
        (-3i64..40).prop_map(|i| i.to_string()),
        Just("2.5".to_string()),
        "[a-c]{0,3}".prop_map(|s| format!("'{s}'")),
        Just("n.k".to_string()),
        Just("m.name".to_string()),
        Just("[1, 2, 3]".to_string()),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        let binary = prop::sample::select(vec![
            "+",
            "-",
            "*",
            "/",
            "%",
            "^",
            "=",
            "<>",
            "<",
            ">=",
            "AND",
            "OR",
            "XOR",
            "IN",
            "STARTS WITH",
            "CONTAINS",
            "=~",
        ]);
        let function = prop::sample::select(vec![
            "size",
            "toString",
            "toInteger",
            "head",
            "last",
            "reverse",
            "labels",
            "keys",
            "abs",
            "coalesce",
            "toLower",
            "collect",
            "count",
            "sum",
            "min",
        ]);
        prop_oneof![
            (inner.clone(), binary, inner.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("NOT {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (function, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{a: {a}, b: {b}}}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("CASE WHEN {a} THEN {b} ELSE {c} END")),
            (inner.clone(), inner.clone())
                .prop_map(|(l, e)| format!("[x IN {l} WHERE x IS NOT NULL | {e}]")),
            inner.clone().prop_map(|a| format!("{a}[0]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("range(0, {a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("replace({a}, 'a', {b})")),
            inner.clone().prop_map(|a| format!("[(n)-->(y) | {a}]")),
            inner.prop_map(|a| format!("any(x IN [1, 2] WHERE {a})")),
        ]
    })
}

/// A grammar-shaped statement: reads, writes and projections with
/// generated expressions.
fn statement() -> impl Strategy<Value = String> {
    // every pattern binds `n` and `m`
    let pattern = prop::sample::select(vec![
        "(n), (m:A)",
        "(n:A) OPTIONAL MATCH (n)-->(m)",
        "(n)-[r]->(m)",
        "(n)-[r:T]-(m)",
        "(n)-[r*0..3]->(m)",
        "(n)-[*]-(m)",
        "p = (n)-->(m)",
        "(n), (m)",
        "p = shortestPath((n)-[*..4]-(m))",
    ]);
    let clause = prop_oneof![
        expression().prop_map(|e| format!("WITH n, m, {e} AS x")),
        expression().prop_map(|e| format!("WHERE {e}")),
        expression().prop_map(|e| format!("UNWIND {e} AS y WITH n, m, y AS x")),
        expression().prop_map(|e| format!("SET n.k = {e}")),
        expression().prop_map(|e| format!("CREATE (:A {{k: {e}}})")),
        expression().prop_map(|e| format!("MERGE (:B {{k: {e}}})")),
        Just("DETACH DELETE m".to_string()),
        Just("REMOVE n.k".to_string()),
        Just("WITH DISTINCT n, m, x ORDER BY x LIMIT 5".to_string()),
    ];
    (pattern, prop::collection::vec(clause, 0..4), expression()).prop_map(
        |(pattern, clauses, ret)| {
            // x exists before any clause reads it
            let mut query = format!("MATCH {pattern} WITH n, m, 1 AS x ");
            for clause in clauses {
                // WHERE only follows WITH
                if clause.starts_with("WHERE") {
                    query.push_str("WITH n, m, x ");
                }
                query.push_str(&clause);
                query.push(' ');
            }
            format!("{query}RETURN {ret} AS out")
        },
    )
}

/// A generated expression nested `depth` times in one of the constructs
/// that recurse, far past the limits.
fn deep_nesting() -> impl Strategy<Value = String> {
    let wrap = prop::sample::select(vec![
        ("(", ")"),
        ("[", "]"),
        ("{a: ", "}"),
        ("CASE WHEN true THEN ", " END"),
        ("size(", ")"),
        ("[x IN [1] | ", "]"),
        ("NOT ", ""),
        ("- ", ""),
        ("/* ' */ (", ")"),
    ]);
    (
        prop::collection::vec(wrap, 1..4),
        50usize..3000,
        expression(),
    )
        .prop_map(|(wraps, depth, inner)| {
            let mut query = inner;
            for i in 0..depth {
                let (open, close) = wraps[i % wraps.len()];
                query = format!("{open}{query}{close}");
            }
            format!("RETURN {query} AS x")
        })
}

/// A small random graph: up to 6 nodes, some labelled, relationships of
/// two types between random pairs.
fn small_graph() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((any::<bool>(), -3i64..5), 0..6),
        prop::collection::vec((0usize..6, 0usize..6, any::<bool>()), 0..10),
    )
        .prop_map(|(nodes, rels)| {
            if nodes.is_empty() {
                return String::new();
            }
            let mut script = String::from("CREATE ");
            let created: Vec<String> = nodes
                .iter()
                .enumerate()
                .map(|(i, (labelled, k))| {
                    let label = if *labelled { ":A" } else { "" };
                    format!("(v{i}{label} {{k: {k}, name: 'v{i}'}})")
                })
                .collect();
            script.push_str(&created.join(", "));
            for (a, b, typed) in rels {
                let (a, b) = (a % nodes.len(), b % nodes.len());
                let t = if typed { "T" } else { "U" };
                script.push_str(&format!(", (v{a})-[:{t}]->(v{b})"));
            }
            script
        })
}

/// Runs `query` with a deadline and a small budget, so a generated query
/// that explodes ends as an error.
fn execute(graph: &mut Graph, query: &str) -> Result<kg::table::Table, QueryError> {
    let options = Options {
        deadline: Some(Instant::now() + Duration::from_secs(2)),
        max_memory: 16 << 20,
        ..Options::default()
    };
    let mut params = Params::new();
    params.insert("p".to_string(), kg::graph::Value::Int(2));
    cypher::execute(graph, query, &params, &options)
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn fuzz_parser_never_panics_on_arbitrary_text(text in "\\PC{0,120}") {
        assert_not_internal(&cypher::parse(&text), &text);
        let _ = cypher::split_script(&text);
    }

    #[test]
    fn fuzz_parser_never_panics_on_token_soup(text in token_text()) {
        assert_not_internal(&cypher::parse(&text), &text);
        let _ = cypher::split_script(&text);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Generated statements parse, and print back to text that parses to
    /// the same printed form.
    #[test]
    fn fuzz_parser_takes_grammar_shaped_statements(query in statement()) {
        let parsed = cypher::parse(&query);
        assert_not_internal(&parsed, &query);
        if let Ok(statement) = parsed {
            let printed = statement.to_string();
            let again = cypher::parse(&printed).map(|s| s.to_string());
            prop_assert_eq!(again.as_ref(), Ok(&printed), "{}", query);
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Far past the nesting limits: a limit error, never a crash.
    #[test]
    fn fuzz_deep_nesting_is_refused_or_runs(query in deep_nesting()) {
        let result = execute(&mut Graph::new(), &query);
        assert_not_internal(&result, &query);
    }
}

proptest! {
    #![proptest_config(config(192))]

    /// Generated statements on small random graphs: rows or a QueryError,
    /// and a failed statement leaves the graph as it was.
    #[test]
    fn fuzz_executor_on_small_random_graphs(script in small_graph(), query in statement()) {
        let mut graph = Graph::new();
        if !script.is_empty() {
            execute(&mut graph, &script).unwrap();
        }
        let before = (graph.node_count(), graph.rel_count());
        let result = execute(&mut graph, &query);
        assert_not_internal(&result, &query);
        if result.is_err() {
            prop_assert_eq!((graph.node_count(), graph.rel_count()), before, "{}", query);
        }
    }
}
