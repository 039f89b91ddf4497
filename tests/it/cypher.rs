//! Query-engine tests. Data-driven: `tests/cases/query/*.cypher` run on the
//! graph built by `_graph.cypher` and are compared with the `.out` file
//! beside them; `tests/cases/parse/ok` must parse and print back to a fixed
//! point, `tests/cases/parse/err` must fail with the rendered diagnostic in
//! the `.out` file. `KG_BLESS=1 cargo test cypher` rewrites the `.out`
//! files (read the diff before committing). Plus the behaviour no TCK
//! scenario covers: shortestPath, fold, dates, limits and cancellation.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use kg::cypher::{execute, parse, split_script, ErrorKind, Options, Params, Phase, QueryError};
use kg::graph::{Graph, Value};
use kg::table::{Format, Item, Table};
use proptest::prelude::*;

fn run(graph: &mut Graph, query: &str) -> Result<Table, QueryError> {
    execute(graph, query, &Params::new(), &Options::default())
}

fn cases_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(sub)
}

fn case_files(sub: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cases_dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cypher"))
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    files.sort();
    files
}

/// Compares `actual` with the `.out` file of `case`, or writes it when blessing.
fn check_output(case: &Path, actual: &str) -> Option<String> {
    let out = case.with_extension("out");
    if std::env::var_os("KG_BLESS").is_some() {
        std::fs::write(&out, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(&out).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            case.display()
        )
    })
}

/// Runs every statement of a script; the text of the last result.
fn run_script(graph: &mut Graph, script: &str) -> String {
    let mut last = String::new();
    for (offset, statement) in split_script(script).unwrap() {
        match run(graph, statement) {
            Ok(table) => {
                let mut text = Vec::new();
                table.write(Format::Table, &mut text).unwrap();
                last = String::from_utf8(text).unwrap();
            }
            Err(e) => panic!("statement at byte {offset} failed: {}", e.render(statement)),
        }
    }
    last
}

#[test]
fn query_cases() {
    let setup = std::fs::read_to_string(cases_dir("query").join("_graph.cypher")).unwrap();
    let mut failures = Vec::new();
    for case in case_files("query") {
        let mut graph = Graph::new();
        run_script(&mut graph, &setup);
        let text = std::fs::read_to_string(&case).unwrap();
        let actual = run_script(&mut graph, &text);
        failures.extend(check_output(&case, &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn parse_ok_cases_print_to_a_fixed_point() {
    let mut failures = Vec::new();
    for case in case_files("parse/ok") {
        let text = std::fs::read_to_string(&case).unwrap();
        let printed = match parse(&text) {
            Ok(statement) => statement.to_string(),
            Err(e) => panic!("{} does not parse:\n{}", case.display(), e.render(&text)),
        };
        let reprinted = parse(&printed)
            .unwrap_or_else(|e| panic!("printed form does not parse:\n{}", e.render(&printed)))
            .to_string();
        assert_eq!(reprinted, printed, "{}", case.display());
        failures.extend(check_output(&case, &format!("{printed}\n")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn parse_err_cases_render_a_diagnostic() {
    let mut failures = Vec::new();
    for case in case_files("parse/err") {
        let text = std::fs::read_to_string(&case).unwrap();
        let error = match parse(&text) {
            Ok(statement) => panic!("{} parsed as {statement}", case.display()),
            Err(e) => e,
        };
        assert_eq!(error.phase, Phase::Compile);
        assert_eq!(error.kind, ErrorKind::SyntaxError);
        failures.extend(check_output(&case, &format!("{}\n", error.render(&text))));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn syntax_error_names_line_column_and_expectation() {
    let query = "MATCH (n)\nRETURN n.name AS";
    let error = run(&mut Graph::new(), query).unwrap_err();
    let rendered = error.render(query);
    assert!(rendered.contains("query:2:17"), "{rendered}");
    assert!(rendered.contains("expected a name"), "{rendered}");
    assert!(
        rendered.ends_with("  | RETURN n.name AS\n  |                 ^"),
        "{rendered}"
    );
}

#[test]
fn semantic_errors_are_caught_before_execution() {
    let cases = [
        ("MATCH (a) RETURN b", "UndefinedVariable"),
        (
            "MATCH (a)-[r]->() MATCH (r) RETURN r",
            "VariableTypeConflict",
        ),
        ("MATCH (a) CREATE (a:New) RETURN a", "VariableAlreadyBound"),
        (
            "MATCH (a) WHERE count(a) > 1 RETURN a",
            "InvalidAggregation",
        ),
        (
            "MATCH (a) RETURN a.x + count(*)",
            "AmbiguousAggregationExpression",
        ),
        ("RETURN 1 AND true", "InvalidArgumentType"),
        ("CREATE ()-[:A|B]->()", "NoSingleRelationshipType"),
        ("RETURN nosuchfunction(1)", "UnknownFunction"),
        // A pattern predicate cannot introduce variables...
        ("MATCH (a) WHERE (a)-->(b) RETURN a", "UndefinedVariable"),
        (
            "MATCH (a) WHERE NOT (a)-[r]->() RETURN a",
            "UndefinedVariable",
        ),
        // ...and a comprehension's variables stay inside it.
        (
            "MATCH (a) RETURN [(a)-->(b) | b.x] AS xs, b",
            "UndefinedVariable",
        ),
        (
            "MATCH (a) WITH a, [(a)-->(b) WHERE b.x > 0 | b] AS bs RETURN b",
            "UndefinedVariable",
        ),
        (
            "MATCH (a)-[r]->() WHERE (r)-->() RETURN a",
            "VariableTypeConflict",
        ),
        ("MATCH (a) RETURN size((a)-->())", "UnexpectedSyntax"),
        (
            "MATCH (a) RETURN count(*) + size([(a)-->(b) | b]) AS c",
            "AmbiguousAggregationExpression",
        ),
        (
            "MATCH (a) RETURN count(*) AS c ORDER BY (a)-->()",
            "UndefinedVariable",
        ),
        (
            "MATCH (a) RETURN [(a)-->(b) WHERE 1 | b]",
            "InvalidArgumentType",
        ),
    ];
    for (query, code) in cases {
        let mut graph = Graph::new();
        run(&mut graph, "CREATE (:X {x: 1})").unwrap();
        let error = run(&mut graph, &format!("{query} ")).unwrap_err();
        assert_eq!(
            (error.phase, error.kind, error.code.as_str()),
            (Phase::Compile, ErrorKind::SyntaxError, code),
            "{query}"
        );
        // Nothing ran: the graph is unchanged.
        assert_eq!((graph.node_count(), graph.rel_count()), (1, 0), "{query}");
    }
}

#[test]
fn runtime_type_errors_are_errors_and_roll_back() {
    let mut graph = Graph::new();
    for query in [
        "CREATE (n {x: 1}) WITH n RETURN n.x + 'a' - 1",
        "CREATE (n {x: 1}) SET n.y = {nested: 1}",
        "CREATE (a)-[:T]->(b) WITH a DELETE a",
        "UNWIND [1, 0] AS d CREATE ({v: 1 / d})",
        "WITH 'x' AS s RETURN s[0]",
    ] {
        let error = run(&mut graph, query).unwrap_err();
        assert_eq!(error.phase, Phase::Runtime, "{query}: {error}");
        assert_eq!(graph.node_count(), 0, "{query} left nodes behind");
    }
}

#[test]
fn unbounded_variable_length_is_capped() {
    let mut graph = Graph::new();
    run(&mut graph, "UNWIND range(1, 30) AS i CREATE (:N {i: i})").unwrap();
    run(
        &mut graph,
        "MATCH (a:N), (b:N) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)",
    )
    .unwrap();
    let options = Options {
        max_hops: 5,
        ..Options::default()
    };
    let table = execute(
        &mut graph,
        "MATCH (:N {i: 1})-[:NEXT*]->(b) RETURN max(b.i) AS furthest",
        &Params::new(),
        &options,
    )
    .unwrap();
    assert_eq!(table.rows, vec![vec![Item::Int(6)]]);
    let bounded = run(
        &mut graph,
        "MATCH (:N {i: 1})-[:NEXT*..20]->(b) RETURN max(b.i) AS furthest",
    )
    .unwrap();
    assert_eq!(bounded.rows, vec![vec![Item::Int(21)]]);
}

#[test]
fn cancelled_and_timed_out_queries_stop() {
    let mut graph = Graph::new();
    run(&mut graph, "UNWIND range(1, 200) AS i CREATE (:N {i: i})").unwrap();
    let cancelled = Options::default();
    cancelled.cancel.store(true, Ordering::Relaxed);
    let timed_out = Options {
        deadline: Some(Instant::now() - Duration::from_millis(1)),
        ..Options::default()
    };
    for options in [cancelled, timed_out] {
        let error = execute(
            &mut graph,
            "MATCH (a), (b), (c) RETURN count(*)",
            &Params::new(),
            &options,
        )
        .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Cancelled);
    }
}

#[test]
fn parameters_bind_and_missing_ones_are_errors() {
    let mut graph = Graph::new();
    run(&mut graph, "CREATE (:P {name: 'Lan'}), (:P {name: 'Minh'})").unwrap();
    let mut params = Params::new();
    params.insert("name".into(), Value::from("Lan"));
    let table = execute(
        &mut graph,
        "MATCH (p:P {name: $name}) RETURN p.name AS name",
        &params,
        &Options::default(),
    )
    .unwrap();
    assert_eq!(table.rows, vec![vec![Item::String("Lan".into())]]);
    let error = run(&mut graph, "RETURN $missing").unwrap_err();
    assert_eq!(error.kind, ErrorKind::ParameterMissing);
}

#[test]
fn scripts_split_outside_strings_and_comments() {
    let script = "CREATE (:A {s: 'a;b'}); // c;d\nMATCH (n) /* ; */ RETURN n;\n;  \n RETURN 1";
    let parts: Vec<&str> = split_script(script)
        .unwrap()
        .into_iter()
        .map(|(_, s)| s.trim())
        .collect();
    assert_eq!(
        parts,
        [
            "CREATE (:A {s: 'a;b'})",
            "// c;d\nMATCH (n) /* ; */ RETURN n",
            "RETURN 1"
        ]
    );
    let (offset, _) = split_script(script).unwrap()[2];
    assert!(script[offset..].trim_start().starts_with("RETURN 1"));
}

#[test]
fn column_names_are_the_source_text() {
    let table = run(
        &mut Graph::new(),
        "RETURN 1 + 2, toUpper( 'x' ) , [1,2][0] AS a",
    )
    .unwrap();
    assert_eq!(table.columns, ["1 + 2", "toUpper( 'x' )", "a"]);
}

/// Small random expressions, printed as Cypher.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (-5i64..100).prop_map(|i| i.to_string()),
        Just("1.5".to_string()),
        Just("'it\\'s'".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        Just("n.name".to_string()),
        Just("$p".to_string()),
        Just("x".to_string()),
        Just("(n)-[:T]->()".to_string()),
        Just("exists((n)<-[r:T|U*1..2]-(:L))".to_string()),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![
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
                    "=~"
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("NOT {a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("{a} IS NULL")),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| format!("[{}]", v.join(", "))),
            inner.clone().prop_map(|a| format!("{{k: {a}}}")),
            inner.clone().prop_map(|a| format!("size({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("CASE WHEN {a} THEN {b} END")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[x IN {a} WHERE {b} | x]")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| format!("[(n)-->(m {{k: {a}}}) WHERE {b} | m]")),
            inner.prop_map(|a| format!("[p = (n)--(m:L) | {a}]")),
        ]
    })
}

proptest! {
    #[test]
    fn printing_is_a_fixed_point_of_parsing(e in expression(), order in any::<bool>()) {
        let query = if order {
            format!("MATCH (n:L {{name: 'a'}})-[r:T*1..2]->(m) WITH n, {e} AS x ORDER BY x DESC RETURN x")
        } else {
            format!("UNWIND [1] AS x RETURN {e} AS y, x SKIP 1")
        };
        // Generated text may be rejected (e.g. an integer that overflows);
        // whatever parses must print to a fixed point.
        if let Ok(statement) = parse(&query) {
            let printed = statement.to_string();
            let reparsed = parse(&printed).map_err(|e| TestCaseError::fail(e.render(&printed)))?;
            prop_assert_eq!(reparsed.to_string(), printed);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// shortestPath and allShortestPaths agree with the shortest matches
    /// that plain variable-length matching finds, on random small graphs.
    #[test]
    fn shortest_paths_agree_with_exhaustive_matching(
        edges in prop::collection::vec((0u8..8, 0u8..8, any::<bool>()), 0..16),
        directed in any::<bool>(),
    ) {
        let mut graph = Graph::new();
        run(&mut graph, "UNWIND range(0, 7) AS i CREATE (:N {id: i})").unwrap();
        for (a, b, t) in &edges {
            let rel_type = if *t { "A" } else { "B" };
            run(&mut graph, &format!(
                "MATCH (a:N {{id: {a}}}), (b:N {{id: {b}}}) CREATE (a)-[:{rel_type}]->(b)"
            )).unwrap();
        }
        let arrow = if directed { "->" } else { "-" };
        let exhaustive = run(&mut graph, &format!(
            "MATCH p = (a:N {{id: 0}})-[*1..6]{arrow}(b:N {{id: 7}}) \
             WITH length(p) AS l, [n IN nodes(p) | n.id] AS ids ORDER BY l \
             WITH collect([l, ids]) AS all WITH all, all[0][0] AS best \
             RETURN best, size([x IN all WHERE x[0] = best]) AS n"
        )).unwrap();
        let shortest = run(&mut graph, &format!(
            "MATCH p = shortestPath((a:N {{id: 0}})-[*..6]{arrow}(b:N {{id: 7}})) RETURN length(p)"
        )).unwrap();
        let all = run(&mut graph, &format!(
            "MATCH p = allShortestPaths((a:N {{id: 0}})-[*..6]{arrow}(b:N {{id: 7}})) RETURN length(p)"
        )).unwrap();
        let best = &exhaustive.rows[0][0];
        match best {
            Item::Null => {
                prop_assert!(shortest.rows.is_empty());
                prop_assert!(all.rows.is_empty());
            }
            _ => {
                prop_assert_eq!(&shortest.rows, &vec![vec![best.clone()]]);
                prop_assert_eq!(Item::Int(all.rows.len() as i64), exhaustive.rows[0][1].clone());
                prop_assert!(all.rows.iter().all(|r| &r[0] == best));
            }
        }
    }
}

#[test]
fn deep_or_long_expressions_are_errors_not_crashes() {
    let mut graph = Graph::new();
    let nested = format!("RETURN {}1{} AS x", "(".repeat(3000), ")".repeat(3000));
    assert_eq!(run(&mut graph, &nested).unwrap_err().code, "NestingTooDeep");
    let long = format!("RETURN 1{} AS x", " + 1".repeat(20000));
    assert_eq!(
        run(&mut graph, &long).unwrap_err().code,
        "ExpressionTooLong"
    );
    // Within the limits, the deepest query still runs on a small stack.
    let deepest = format!(
        "RETURN {}{}{} AS x",
        "(".repeat(60),
        vec!["1"; 250].join(" + "),
        ")".repeat(60)
    );
    let table = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || run(&mut Graph::new(), &deepest))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(table.rows, vec![vec![Item::Int(250)]]);
    // Short queries run on the caller's thread (here a 2 MiB test thread).
    for short in [
        format!("RETURN {}1{} AS x", "(".repeat(64), ")".repeat(64)),
        format!("RETURN 1{} AS x", "+1".repeat(255)),
        format!("RETURN {}1 AS x", "-".repeat(256)),
        format!("RETURN {}true AS x", "NOT ".repeat(200)),
        format!("RETURN {}1{} AS x", "[".repeat(64), "]".repeat(64)),
    ] {
        assert!(short.len() <= 1024);
        run(&mut graph, &short).unwrap();
    }
    // The deepest tree the limits allow: 60 levels of 250-operand chains.
    let mut worst = "1".to_string();
    for _ in 0..60 {
        worst = format!("{} + ({worst})", vec!["1"; 249].join(" + "));
    }
    let table = run(&mut graph, &format!("RETURN {worst} AS x")).unwrap();
    assert_eq!(table.rows, vec![vec![Item::Int(60 * 249 + 1)]]);
}
