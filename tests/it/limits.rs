//! Issue 11, the query side: hostile queries end with a `QueryError`, never
//! a crash — nesting of every construct is bounded before it can overflow
//! the stack, long patterns are refused or linear, a statement over its
//! memory budget fails and leaves the graph as it was, and the command
//! line refuses limits it cannot honour.

use std::time::{Duration, Instant};

use kg::cypher::{execute, execute_streaming, ErrorKind, Options, Params, QueryError, RowSink};
use kg::graph::Graph;
use kg::table::{Item, Table};

use crate::cli::{kg, temp_graph};

fn run(graph: &mut Graph, query: &str) -> Result<Table, QueryError> {
    execute(graph, query, &Params::new(), &Options::default())
}

fn run_with(graph: &mut Graph, query: &str, options: &Options) -> Result<Table, QueryError> {
    execute(graph, query, &Params::new(), options)
}

fn budget(bytes: usize) -> Options {
    Options {
        max_memory: bytes,
        ..Options::default()
    }
}

/// The error code of a query expected to fail.
fn code_of(graph: &mut Graph, query: &str) -> String {
    match run(graph, query) {
        Ok(table) => panic!("expected an error, got {} rows", table.rows.len()),
        Err(e) => e.code,
    }
}

fn nested(open: &str, inner: &str, close: &str, n: usize) -> String {
    format!("{}{inner}{}", open.repeat(n), close.repeat(n))
}

fn graph_of(n: usize) -> Graph {
    let mut graph = Graph::new();
    run(
        &mut graph,
        &format!("UNWIND range(1, {n}) AS i CREATE (:N {{i: i}})"),
    )
    .unwrap();
    graph
}

#[test]
fn r11_deep_case_is_an_error_not_a_crash() {
    let mut graph = Graph::new();
    let deep = format!(
        "RETURN {} AS x",
        nested("CASE WHEN true THEN ", "1", " END", 28_000)
    );
    assert_eq!(code_of(&mut graph, &deep), "NestingTooDeep");
    // within the limit it runs
    let fits = format!(
        "RETURN {} AS x",
        nested("CASE WHEN true THEN ", "1", " END", 64)
    );
    assert_eq!(
        run(&mut graph, &fits).unwrap().rows,
        vec![vec![Item::Int(1)]]
    );
}

#[test]
fn r11_comments_neither_hide_nor_add_brackets() {
    let mut graph = Graph::new();
    let hidden = format!("RETURN /*'*/{}/*'*/", nested("(", "1", ")", 40_000));
    assert_eq!(code_of(&mut graph, &hidden), "NestingTooDeep");
    let hidden_by_double = format!("RETURN /*\"*/{} AS x", nested("[", "1", "]", 40_000));
    assert_eq!(code_of(&mut graph, &hidden_by_double), "NestingTooDeep");
    // brackets in comments and strings do not count against the limit
    let commented = format!(
        "RETURN /* {} */ 1 AS x, '{}' AS s // {}\n",
        "(".repeat(1000),
        "[".repeat(1000),
        "{".repeat(1000)
    );
    let table = run(&mut graph, &commented).unwrap();
    assert_eq!(table.rows[0][0], Item::Int(1));
    assert_eq!(table.rows[0][1], Item::String("[".repeat(1000)));
}

/// Every construct that nests, far past the limits: each is refused with a
/// limit error (and the stack survives building, checking and dropping).
#[test]
fn r11_every_construct_is_bounded() {
    let mut graph = graph_of(3);
    let n = 40_000;
    let long = 20_000;
    let cases = [
        format!("RETURN {} AS x", nested("(", "1", ")", n)),
        format!("RETURN {} AS x", nested("[", "1", "]", n)),
        format!("RETURN {} AS x", nested("{a: ", "1", "}", n)),
        format!("RETURN {} AS x", nested("size(", "[1]", ")", n)),
        format!("RETURN {} AS x", nested("[x IN ", "[1]", " | x]", n)),
        format!(
            "RETURN {} AS x",
            nested("all(x IN ", "[1]", " WHERE true)", n)
        ),
        format!("RETURN {} AS x", nested("[(a)-->(b) | ", "1", "]", n)),
        format!("MATCH {} RETURN n", nested("(", "(n)", ")", n)),
        format!("MATCH (n {{a: {}}}) RETURN n", nested("[", "1", "]", n)),
        format!("RETURN {}true AS x", "NOT ".repeat(long)),
        format!("RETURN {}1 AS x", "- ".repeat(long)),
        format!("RETURN 1{} AS x", " + 1".repeat(long)),
        format!("RETURN 2{} AS x", " ^ 1".repeat(long)),
        format!("RETURN true{} AS x", " AND true".repeat(long)),
        format!("RETURN 1{} AS x", " < 2".repeat(long)),
        format!("RETURN null{} AS x", " IS NULL".repeat(long)),
        format!("WITH {{a: 1}} AS m RETURN m{} AS x", ".a".repeat(long)),
        format!("RETURN [1]{} AS x", "[0]".repeat(long)),
    ];
    for query in &cases {
        let code = code_of(&mut graph, query);
        assert!(
            ["NestingTooDeep", "ExpressionTooLong"].contains(&code.as_str()),
            "{code} for {}…",
            &query[..60]
        );
    }
}

/// Operator chains of every precedence level stack inside one bracket
/// level, and brackets stack those: the tree gets far deeper than any one
/// limit, so its depth is bounded as a whole.
#[test]
fn r11_stacked_operator_chains_are_bounded_by_tree_depth() {
    let mut graph = Graph::new();
    // each level: `((inner) ^ 1 ^ … ) * 1 * … + 1 + … = 1 AND true AND …`,
    // its left spine about 1000 deep
    let level = |inner: &str| {
        let chain = |first: String, op: &str, rest: &str| {
            format!("{first}{}", format!(" {op} {rest}").repeat(249))
        };
        let pow = chain(format!("({inner})"), "^", "1");
        let mul = chain(pow, "*", "1");
        let add = chain(mul, "+", "1");
        chain(format!("NOT {add} = 1"), "AND", "true")
    };
    let mut query = "1".to_string();
    for _ in 0..20 {
        query = level(&query);
    }
    let error = run(&mut graph, &format!("RETURN {query} AS x")).unwrap_err();
    assert!(
        ["NestingTooDeep", "ExpressionTooLong"].contains(&error.code.as_str()),
        "{error:?}"
    );
}

#[test]
fn r11_long_patterns_are_refused_quickly() {
    let mut graph = graph_of(2);
    let chain = format!("MATCH {}() RETURN 1", "()-->".repeat(100_000));
    assert_eq!(code_of(&mut graph, &chain), "PatternTooLong");
    let parts = format!("MATCH {}() RETURN 1", "(),".repeat(100_000));
    assert_eq!(code_of(&mut graph, &parts), "PatternTooLong");
    let hops = "MATCH p = ()-[*1..100000]->() RETURN p";
    assert_eq!(code_of(&mut graph, hops), "PatternTooLong");
    // the longest chain allowed matches (no relationships: no rows)
    let longest = format!("MATCH {}() RETURN 1", "()-->".repeat(1024));
    assert!(run(&mut graph, &longest).unwrap().rows.is_empty());
}

/// Planning a pattern of n named nodes is linear: four times the nodes
/// cost about four times the time, well under the sixteen of the quadratic
/// search it had (100k parts took minutes). The fastest of several runs is
/// compared, so other tests running beside it matter less.
#[test]
fn r11_pattern_planning_is_linear() {
    let mut graph = Graph::new();
    let cost = |graph: &mut Graph, n: usize| {
        let parts: Vec<String> = (0..n).map(|i| format!("(a{i})")).collect();
        let query = format!("MATCH {} RETURN 1", parts.join(", "));
        (0..5)
            .map(|_| {
                let started = Instant::now();
                run(graph, &query).unwrap();
                started.elapsed()
            })
            .min()
            .unwrap_or(Duration::ZERO)
    };
    cost(&mut graph, 64);
    let small = cost(&mut graph, 256);
    let large = cost(&mut graph, 1024);
    assert!(
        large.as_secs_f64() < 8.0 * small.as_secs_f64().max(1e-4),
        "256 parts: {small:?}, 1024 parts: {large:?}"
    );
}

#[test]
fn r11_variable_length_star_is_bounded_by_max_hops() {
    let mut graph = Graph::new();
    run(
        &mut graph,
        "UNWIND range(1, 40) AS i CREATE (:N {i: i}) WITH collect(i) AS all \
         MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)",
    )
    .unwrap();
    let options = Options {
        max_hops: 5,
        ..Options::default()
    };
    let longest = run_with(
        &mut graph,
        "MATCH p = (:N {i: 1})-[*]->() RETURN max(length(p)) AS n",
        &options,
    )
    .unwrap();
    assert_eq!(longest.rows, vec![vec![Item::Int(5)]]);
    // a bound beyond the walk's limit is capped, not followed
    let options = Options {
        max_hops: u32::MAX,
        ..Options::default()
    };
    let longest = run_with(
        &mut graph,
        "MATCH p = (:N {i: 1})-[*]->() RETURN max(length(p)) AS n",
        &options,
    )
    .unwrap();
    assert_eq!(longest.rows, vec![vec![Item::Int(39)]]);
}

/// `[*]` on a complete graph has astronomically many paths: the deadline
/// stops it inside the expansion, with memory flat (the walk is depth
/// first and counts without keeping paths).
#[test]
fn r11_exploding_variable_length_match_stops_at_the_deadline() {
    let mut graph = graph_of(30);
    run(
        &mut graph,
        "MATCH (a:N), (b:N) WHERE a <> b CREATE (a)-[:T]->(b)",
    )
    .unwrap();
    let options = Options {
        deadline: Some(Instant::now() + Duration::from_millis(300)),
        ..Options::default()
    };
    let error = run_with(
        &mut graph,
        "MATCH p = (a)-[*]->(b) RETURN count(p)",
        &options,
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Cancelled);
}

#[test]
fn r11_default_budget_is_one_gibibyte() {
    assert_eq!(Options::default().max_memory, 1 << 30);
    // a range of 100 million integers would take 3.2 GB: refused before
    // it is built
    let error = run(&mut Graph::new(), "RETURN size(range(1, 100000000)) AS n").unwrap_err();
    assert_eq!(error.kind, ErrorKind::MemoryLimit);
    assert!(
        error.message.contains("more than 1 GiB"),
        "{}",
        error.message
    );
}

/// Values that grow geometrically are measured before they are built.
#[test]
fn r11_values_over_budget_are_refused_before_they_are_built() {
    let mut graph = Graph::new();
    let options = budget(64 << 20);
    let mut replaces = "'aaaaaaaa'".to_string();
    for _ in 0..12 {
        replaces = format!("replace({replaces}, 'a', 'aaaaaaaa')");
    }
    let mut sixteenfold = "'aaaa'".to_string();
    for _ in 0..5 {
        sixteenfold = format!("replace({sixteenfold}, 'a', '{}')", "a".repeat(16));
    }
    let doubled = |n: usize, start: &str| {
        let mut q = format!("WITH {start} AS s ");
        for _ in 0..n {
            q.push_str("WITH s + s AS s ");
        }
        q + "RETURN size(s) AS n"
    };
    let cases = [
        format!("RETURN size({replaces}) AS n"),
        doubled(40, "'x'"),
        doubled(40, "[1]"),
        // 4 Mi one-letter strings of 32 bytes each
        format!("RETURN size(split({sixteenfold}, '')) AS n"),
        "RETURN size([x IN range(1, 3000) | range(1, 1000)]) AS n".to_string(),
        "RETURN size(range(1, 10000000)) AS n".to_string(),
    ];
    for query in &cases {
        let error = run_with(&mut graph, query, &options).unwrap_err();
        assert_eq!(error.kind, ErrorKind::MemoryLimit, "{query}: {error:?}");
        assert_eq!(error.code, "MemoryLimitExceeded");
    }
    // the same shapes under the budget run
    let small = run_with(&mut graph, &doubled(10, "'x'"), &options).unwrap();
    assert_eq!(small.rows, vec![vec![Item::Int(1024)]]);
}

/// Rows kept by operators count: the result, sort buffers, groups,
/// `collect`, `DISTINCT`, and the rows before a write.
#[test]
fn r11_rows_held_over_budget_fail_the_statement() {
    let mut graph = graph_of(40);
    let options = budget(1 << 20);
    let held = [
        "MATCH (a), (b), (c) RETURN a.i, b.i, c.i",
        "MATCH (a), (b), (c) WITH a, b, c ORDER BY c.i RETURN count(*)",
        "MATCH (a), (b), (c) RETURN a.i, b.i, c.i, count(*)",
        "MATCH (a), (b), (c) RETURN size(collect(c.i)) AS n",
        "MATCH (a), (b), (c) RETURN count(DISTINCT [a.i, b.i, c.i]) AS n",
        "MATCH (a), (b), (c) WITH DISTINCT a.i AS x, b.i AS y, c.i AS z RETURN count(*)",
        "MATCH (a), (b), (c) CREATE (:X)",
    ];
    for query in held {
        let error = run_with(&mut graph, query, &options).unwrap_err();
        assert_eq!(error.kind, ErrorKind::MemoryLimit, "{query}: {error:?}");
    }
    // the failed CREATE left the graph as it was
    assert_eq!(graph.node_count(), 40);
    // what streams holds nothing: counting and top-k stay within it
    let streamed = [
        (
            "MATCH (a), (b), (c) RETURN count(*) AS n",
            Item::Int(64_000),
        ),
        (
            "MATCH (a), (b), (c) RETURN a.i * 10000 + b.i * 100 + c.i AS n ORDER BY n DESC LIMIT 1",
            Item::Int(404_040),
        ),
    ];
    for (query, expected) in streamed {
        let table = run_with(&mut graph, query, &options).unwrap();
        assert_eq!(table.rows, vec![vec![expected]], "{query}");
    }
}

struct CountRows(usize);

impl RowSink for CountRows {
    fn columns(&mut self, _: &[String]) -> Result<(), QueryError> {
        Ok(())
    }

    fn row(&mut self, _: Vec<Item>) -> Result<(), QueryError> {
        self.0 += 1;
        Ok(())
    }
}

/// A streamed result is not held, so it may be larger than the budget;
/// the same result collected into a table is.
#[test]
fn r11_streamed_results_are_not_held() {
    let mut graph = graph_of(40);
    let options = budget(1 << 20);
    let query = "MATCH (a), (b), (c) RETURN a.i, b.i, c.i";
    let mut sink = CountRows(0);
    execute_streaming(&mut graph, query, &Params::new(), &options, &mut sink).unwrap();
    assert_eq!(sink.0, 64_000);
}

#[test]
fn r11_command_line_limits() {
    let (_dir, graph) = temp_graph();
    kg(&graph)
        .args([
            "query",
            "--create",
            "UNWIND range(1, 30) AS i CREATE (:N {i: i})",
        ])
        .assert()
        .success();
    let over = kg(&graph)
        .args([
            "query",
            "--max-memory",
            "1M",
            "MATCH (a), (b), (c) RETURN a.i, b.i, c.i",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&over.stderr);
    assert!(
        stderr.contains("the statement needs more than 1 MiB of memory"),
        "{stderr}"
    );
    for bad in [
        ["--max-memory", "lots"],
        ["--max-memory", "0"],
        ["--max-hops", "5000"],
    ] {
        kg(&graph)
            .arg("query")
            .args(bad)
            .arg("RETURN 1")
            .assert()
            .code(2);
    }
    let bad_param = kg(&graph)
        .args(["query", "--param", "x=18446744073709551615", "RETURN $x"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&bad_param.stderr);
    assert!(stderr.contains("out of range"), "{stderr}");
}

/// Values nest one level per list or map literal, `collect` or
/// comprehension, and a statement can repeat those clause after clause:
/// the value's depth is bounded where it grows, not only the query's.
#[test]
fn r11_deep_values_are_refused_where_they_grow() {
    let mut graph = Graph::new();
    let literal_levels = format!(
        "WITH 1 AS l {}RETURN l",
        format!("WITH {} AS l ", nested("[", "l", "]", 60)).repeat(100)
    );
    let collected = format!(
        "WITH 1 AS l {}RETURN l",
        "UNWIND [1] AS i WITH collect(l) AS l ".repeat(300)
    );
    let comprehended = format!(
        "WITH 1 AS l {}RETURN l",
        "WITH [x IN [1] | {a: l}] AS l ".repeat(200)
    );
    let appended = format!("WITH 1 AS l {}RETURN l", "WITH [] + [l] AS l ".repeat(300));
    for query in [literal_levels, collected, comprehended, appended] {
        let error = run(&mut graph, &query).unwrap_err();
        assert_eq!(error.code, "NestingTooDeep", "{}…: {error:?}", &query[..60]);
    }
    // 256 levels is the most
    let deepest = format!(
        "WITH 1 AS l {}RETURN size(l) AS n",
        "WITH [l] AS l ".repeat(256)
    );
    assert_eq!(
        run(&mut graph, &deepest).unwrap().rows,
        vec![vec![Item::Int(1)]]
    );
    let one_more = format!("WITH 1 AS l {}RETURN l", "WITH [l] AS l ".repeat(257));
    assert_eq!(code_of(&mut graph, &one_more), "NestingTooDeep");
}

/// The deepest syntax tree the limits allow is parsed, checked, planned,
/// explained, profiled, run and dropped on the query thread's stack.
#[test]
fn r11_deepest_allowed_tree_runs_in_every_mode() {
    let mut graph = Graph::new();
    // 64 levels of `(… + 1 + … )`: 64 × 256 ≈ 16 k, just under the depth limit
    let mut worst = "1".to_string();
    for _ in 0..63 {
        worst = format!("({worst}){}", " + 1".repeat(255));
    }
    for mode in ["", "EXPLAIN ", "PROFILE "] {
        let table = run(&mut graph, &format!("{mode}RETURN {worst} AS x")).unwrap();
        if mode.is_empty() {
            assert_eq!(table.rows, vec![vec![Item::Int(63 * 255 + 1)]]);
        }
    }
}

/// A node in a result is a snapshot of its properties: a big one returned
/// on many rows counts many times, though each row holds only its id.
#[test]
fn r11_result_snapshots_count_what_they_copy() {
    let mut graph = graph_of(100);
    // a 256 KB text
    let mut text = "'aaaa'".to_string();
    for _ in 0..4 {
        text = format!("replace({text}, 'a', '{}')", "a".repeat(16));
    }
    run(&mut graph, &format!("CREATE (:Big {{text: {text}}})")).unwrap();
    let options = budget(4 << 20);
    let one = run_with(&mut graph, "MATCH (a:Big) RETURN a", &options).unwrap();
    assert_eq!(one.rows.len(), 1);
    let error = run_with(&mut graph, "MATCH (a:Big), (b:N) RETURN a", &options).unwrap_err();
    assert_eq!(error.kind, ErrorKind::MemoryLimit);
}

/// Building large strings checks the deadline, so a statement that only
/// builds strings still stops in time.
#[test]
fn r11_deadline_stops_large_string_building() {
    let mut graph = Graph::new();
    let options = Options {
        deadline: Some(Instant::now() + Duration::from_millis(200)),
        ..Options::default()
    };
    // a 16 MB string, then a 32 MB one per row: the rows' own checks (every
    // 4096th row) would come after 128 GB of copying, the allocation's
    // check after one row
    let mut s = "'aaaa'".to_string();
    for _ in 0..5 {
        s = format!("replace({s}, 'a', '{}')", "a".repeat(16));
    }
    let query = format!(
        "WITH replace({s}, 'a', 'aaaa') AS s UNWIND range(1, 1000000) AS i \
         RETURN sum(size(replace(s, 'a', 'bb'))) AS n"
    );
    let query = query.as_str();
    let error = run_with(&mut graph, query, &options).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Cancelled);
}
