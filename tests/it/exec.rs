//! The streaming executor: what streaming changes that a user can see
//! (work a `LIMIT` makes unnecessary is never done), top-k and aggregation
//! agreeing with a full sort, `EXPLAIN` and `PROFILE`, and the pattern
//! predicate's fast path agreeing with the general matcher.

use kg::cypher::{execute, Options, Params};
use kg::graph::Graph;
use kg::table::{Item, Table};
use proptest::prelude::*;

fn run(graph: &mut Graph, query: &str) -> Table {
    execute(graph, query, &Params::new(), &Options::default())
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

fn ints(table: &Table) -> Vec<i64> {
    table
        .rows
        .iter()
        .map(|r| match &r[0] {
            Item::Int(i) => *i,
            other => panic!("not an integer: {other:?}"),
        })
        .collect()
}

#[test]
fn limit_stops_the_work_before_a_failing_row() {
    // the third row divides by zero; a LIMIT of two never computes it
    let mut g = Graph::new();
    let t = run(&mut g, "UNWIND [1, 2, 0] AS x RETURN 10 / x AS y LIMIT 2");
    assert_eq!(ints(&t), vec![10, 5]);
    let all = execute(
        &mut g,
        "UNWIND [1, 2, 0] AS x RETURN 10 / x AS y",
        &Params::new(),
        &Options::default(),
    );
    assert!(all.is_err(), "without the LIMIT the third row fails");
    // the same through a MATCH: the match stops once enough rows are out
    run(&mut g, "UNWIND range(1, 5) AS i CREATE (:N {d: 3 - i})");
    let t = run(
        &mut g,
        "MATCH (n:N) WITH n ORDER BY n.d DESC RETURN 6 / n.d AS q LIMIT 2",
    );
    assert_eq!(ints(&t), vec![3, 6]);
}

#[test]
fn profile_counts_the_rows_each_operator_made() {
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "PROFILE UNWIND range(1, 1000000) AS x WITH x WHERE x % 2 = 0 RETURN x LIMIT 3",
    );
    assert_eq!(t.columns, ["operator", "details", "rows", "time_ms"]);
    let rows: Vec<(String, i64)> = t
        .rows
        .iter()
        .map(|r| match (&r[0], &r[2]) {
            (Item::String(name), Item::Int(n)) => (name.clone(), *n),
            other => panic!("{other:?}"),
        })
        .collect();
    // the unwind made only the rows the limit needed: six, of which three are even
    assert_eq!(rows[0], ("Unwind".to_string(), 6));
    assert_eq!(rows[1].1, 3);
    assert_eq!(rows[2], ("Return: Projection + Limit".to_string(), 3));
}

#[test]
fn explain_lists_operators_without_running_them() {
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "EXPLAIN MATCH (p:Person {name: 'x'})-[:HOLDS]->(r) CREATE (n:New) RETURN count(*)",
    );
    assert_eq!(t.columns, ["operator", "details"]);
    let names: Vec<String> = t
        .rows
        .iter()
        .map(|r| match &r[0] {
            Item::String(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["Match", "Eager", "Create", "Return: Aggregation"]);
    let Item::String(details) = &t.rows[0][1] else {
        panic!()
    };
    assert!(details.contains("index seek on name"), "{details}");
    assert_eq!(g.node_count(), 0, "EXPLAIN wrote nothing");
}

#[test]
fn count_of_many_unwound_rows_streams() {
    // 4 million rows: held in memory these would be hundreds of MB; the
    // count is one accumulator (the memory figure itself is a benchmark)
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "UNWIND range(1, 2000) AS x UNWIND range(1, 2000) AS y RETURN count(*) AS n",
    );
    assert_eq!(ints(&t), vec![4_000_000]);
}

#[test]
fn writes_before_a_limit_all_happen() {
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "UNWIND range(1, 5) AS i CREATE (n:W {i: i}) RETURN n.i AS i LIMIT 1",
    );
    assert_eq!(ints(&t), vec![1]);
    assert_eq!(g.node_count(), 5, "the eager CREATE ran for every row");
}

#[test]
fn pattern_predicate_fast_path_agrees_with_the_matcher() {
    let mut g = Graph::new();
    run(
        &mut g,
        "CREATE (a:P {n: 1})-[:HOLDS]->(:R), (b:P {n: 2})<-[:HOLDS]-(:R), \
         (c:P {n: 3})-[:OTHER]->(:R), (d:P {n: 4})-[:HOLDS]->(d), (:P {n: 5})",
    );
    for (predicate, expected) in [
        ("(p)-[:HOLDS]->()", vec![1, 4]),
        ("(p)<-[:HOLDS]-()", vec![2, 4]),
        ("(p)-[:HOLDS]-()", vec![1, 2, 4]),
        ("(p)-->(:R)", vec![1, 3]),
        ("(p)-[:HOLDS|OTHER]->()", vec![1, 3, 4]),
    ] {
        let fast = run(
            &mut g,
            &format!("MATCH (p:P) WHERE {predicate} RETURN p.n ORDER BY p.n"),
        );
        // a pattern comprehension of the same pattern takes the general matcher
        let general = format!("size([{predicate} | 1]) > 0");
        let slow = run(
            &mut g,
            &format!("MATCH (p:P) WHERE {general} RETURN p.n ORDER BY p.n"),
        );
        assert_eq!(ints(&fast), expected, "{predicate}");
        assert_eq!(ints(&fast), ints(&slow), "{predicate} vs {general}");
        let negated = run(
            &mut g,
            &format!("MATCH (p:P) WHERE NOT {predicate} RETURN count(p)"),
        );
        assert_eq!(ints(&negated), vec![5 - expected.len() as i64]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `ORDER BY … SKIP … LIMIT` through the top-k buffer gives the rows a
    /// full sort gives, ties in input order included.
    #[test]
    fn top_k_agrees_with_a_full_sort(
        values in proptest::collection::vec(0i64..20, 0..300),
        skip in 0usize..10,
        limit in 0usize..80,
        descending in any::<bool>(),
    ) {
        let mut g = Graph::new();
        let list = format!("[{}]", values.iter().map(i64::to_string).collect::<Vec<_>>().join(", "));
        let direction = if descending { "DESC" } else { "" };
        let t = run(&mut g, &format!(
            "UNWIND range(0, size({list}) - 1) AS i WITH i, {list}[i] AS v \
             RETURN i ORDER BY v {direction} SKIP {skip} LIMIT {limit}"
        ));
        let mut expected: Vec<(i64, i64)> = values.iter().copied().enumerate().map(|(i, v)| (v, i as i64)).collect();
        expected.sort_by(|a, b| if descending { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) });
        let expected: Vec<i64> = expected.into_iter().skip(skip).take(limit).map(|(_, i)| i).collect();
        prop_assert_eq!(ints(&t), expected);
    }
}

/// The rows of a table as text, one string per row, for comparisons.
fn texts(table: &Table) -> Vec<String> {
    table.rows.iter().map(|r| format!("{r:?}")).collect()
}

#[test]
fn compiled_expressions_agree_with_the_interpreter() {
    // Each query's WHERE, grouping keys and items run compiled (slots,
    // borrowed strings from the graph); the same expressions inside a
    // `CASE` are left to the AST interpreter, so the two must give the
    // same rows.
    let mut g = Graph::new();
    run(
        &mut g,
        "UNWIND range(1, 40) AS i CREATE (:P {name: 'n' + toString(i % 7), k: i % 3, \
         f: toFloat(i % 3), s: CASE WHEN i % 5 = 0 THEN null ELSE 'x' + toString(i % 4) END})",
    );
    let pairs = [
        (
            "MATCH (p:P) WHERE p.name < 'n4' AND p.s CONTAINS '1' RETURN p.name AS a, p.k AS b ORDER BY a, b",
            "MATCH (p:P) WHERE CASE WHEN true THEN p.name < 'n4' AND p.s CONTAINS '1' END \
             RETURN CASE WHEN true THEN p.name END AS a, CASE WHEN true THEN p.k END AS b ORDER BY a, b",
        ),
        (
            "MATCH (p:P) RETURN p.s AS s, count(*) AS n ORDER BY s",
            "MATCH (p:P) RETURN CASE WHEN true THEN p.s END AS s, count(*) AS n ORDER BY s",
        ),
        (
            // integers and the equal floats group together, as `Key` says
            "MATCH (p:P) UNWIND [p.k, p.f] AS v RETURN v AS v, count(*) AS n ORDER BY v",
            "MATCH (p:P) UNWIND [p.k, p.f] AS v RETURN CASE WHEN true THEN v END AS v, count(*) AS n ORDER BY v",
        ),
        (
            // a string from the graph and the same string made by the query
            // are one group
            "MATCH (p:P) UNWIND [p.name, 'n' + toString(p.k)] AS v RETURN v AS v, count(*) AS n ORDER BY v",
            "MATCH (p:P) UNWIND [p.name, 'n' + toString(p.k)] AS v \
             RETURN CASE WHEN true THEN v END AS v, count(*) AS n ORDER BY v",
        ),
        (
            "MATCH (p:P) WHERE p.name =~ 'n[2-4]' AND p.s IS NOT NULL AND p.name <> p.s \
             RETURN p.name STARTS WITH 'n' AS a, p.s ENDS WITH '3' AS b, count(p) AS n ORDER BY a, b",
            "MATCH (p:P) WHERE CASE WHEN true THEN p.name =~ 'n[2-4]' AND p.s IS NOT NULL AND p.name <> p.s END \
             RETURN CASE WHEN true THEN p.name STARTS WITH 'n' END AS a, \
             CASE WHEN true THEN p.s ENDS WITH '3' END AS b, count(p) AS n ORDER BY a, b",
        ),
        (
            // comparisons across types: a string property against a number
            "MATCH (p:P) RETURN p.name = 1 AS a, p.name < 1 AS b, p.k = 1.0 AS c, count(*) AS n ORDER BY a, b, c",
            "MATCH (p:P) RETURN CASE WHEN true THEN p.name = 1 END AS a, CASE WHEN true THEN p.name < 1 END AS b, \
             CASE WHEN true THEN p.k = 1.0 END AS c, count(*) AS n ORDER BY a, b, c",
        ),
    ];
    for (compiled, interpreted) in pairs {
        let a = run(&mut g, compiled);
        let b = run(&mut g, interpreted);
        assert!(!a.rows.is_empty(), "{compiled}: no rows");
        assert_eq!(texts(&a), texts(&b), "{compiled}");
    }
}

#[test]
fn compiled_expressions_report_the_interpreters_errors() {
    let mut g = Graph::new();
    run(&mut g, "CREATE (:P {name: 'a'})");
    for query in [
        "MATCH (p:P) WHERE p.name =~ '(' RETURN p",
        "MATCH (p:P) RETURN -p.name AS x",
        "MATCH (p:P) RETURN p.name + 1 - 2 AS x",
        "MATCH (p:P) WITH p.name AS s RETURN s.x AS x",
    ] {
        assert!(
            execute(&mut g, query, &Params::new(), &Options::default()).is_err(),
            "{query} should fail"
        );
    }
    // no row reaches the invalid pattern: no error, as before
    let t = run(&mut g, "MATCH (q:Nothing) WHERE q.name =~ '(' RETURN q");
    assert!(t.rows.is_empty());
}

#[test]
fn labels_and_types_unknown_when_planned_are_found_once_made() {
    // MERGE matches its pattern once per row; the label and the type do
    // not exist when the statement starts, so their ids are looked up
    // again until the first row has made them.
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "UNWIND [1, 1, 2, 2] AS i MERGE (a:Fresh {i: i})-[:NEW_TYPE]->(b:Other {i: i}) \
         RETURN count(*) AS n",
    );
    assert_eq!(ints(&t), vec![4]);
    let t = run(
        &mut g,
        "MATCH (a:Fresh)-[:NEW_TYPE]->(:Other) RETURN count(a) AS n",
    );
    assert_eq!(ints(&t), vec![2]);
}

#[test]
fn order_by_a_projected_name_sorts_by_the_projected_column() {
    // `a` is both an input variable and a projected column; ORDER BY sees
    // the projected one (it was sorted by the input `a` before, which the
    // item `a AS b` repeats as text)
    let mut g = Graph::new();
    let t = run(
        &mut g,
        "UNWIND [3, 1, 2] AS a RETURN -a AS a, a AS b ORDER BY a",
    );
    assert_eq!(ints(&t), vec![-3, -2, -1]);
    let t = run(
        &mut g,
        "UNWIND [3, 1, 2] AS a WITH -a AS a, a AS b ORDER BY a LIMIT 2 RETURN b",
    );
    assert_eq!(ints(&t), vec![3, 2]);
}
