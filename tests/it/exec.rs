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
