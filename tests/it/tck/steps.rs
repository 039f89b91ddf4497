//! The Gherkin steps of the TCK, run against a query engine: graph setup,
//! parameters, the query under test and control queries, and the checks of
//! results (bags or sequences of rows), side effects and errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use kg::cypher::{self, ErrorKind, Options, Params, Phase, QueryError};
use kg::graph::Graph;
use kg::table::Table;

use super::gherkin::{self, Scenario, Step};
use super::side_effects::{self, SideEffects, Snapshot};
use super::values::{self, Expected};
use super::{
    install_quiet_panic_hook, run_guarded_with, Outcome, Run, QUERY_TIME_LIMIT, TCK_MAX_HOPS,
};

/// The query engine under test; a plain fn so the harness's own tests can
/// drive the steps with a fake one.
pub type Engine = fn(&mut Graph, &str, &Params, &Options) -> Result<Table, QueryError>;

/// The state the steps of one scenario act on.
pub struct World {
    engine: Engine,
    graph: Graph,
    params: Params,
    /// The result of the last `executing query` or `executing control query`.
    last: Option<Result<Table, QueryError>>,
    /// The side effects of the last `executing query`, in every reading
    /// the graph API allows (see `side_effects::readings`); the first takes
    /// ids as identities.
    readings: Option<Vec<SideEffects>>,
    query: String,
}

fn execute(world: &mut World, query: &str) -> Result<Table, QueryError> {
    let options = Options {
        deadline: Some(Instant::now() + QUERY_TIME_LIMIT),
        max_hops: TCK_MAX_HOPS,
        ..Options::default()
    };
    (world.engine)(&mut world.graph, query, &world.params, &options)
}

pub fn run_scenario(scenario: &Scenario, graphs_dir: &Path, engine: Engine) -> Run {
    let mut world = World {
        engine,
        graph: Graph::new(),
        params: Params::new(),
        last: None,
        readings: None,
        query: String::new(),
    };
    let mut some_error_raised = false;
    for step in &scenario.steps {
        match run_step(&mut world, step, graphs_dir, &mut some_error_raised) {
            Ok(()) => {}
            Err(outcome) => {
                return Run {
                    outcome,
                    some_error_raised,
                }
            }
        }
    }
    Run {
        outcome: Outcome::Pass,
        some_error_raised,
    }
}

fn step_fail(category: impl Into<String>, detail: impl Into<String>) -> Outcome {
    Outcome::Fail {
        category: category.into(),
        detail: detail.into(),
    }
}

fn doc(step: &Step) -> Result<&str, Outcome> {
    step.doc
        .as_deref()
        .ok_or_else(|| step_fail("harness: step without doc string", step.text.clone()))
}

fn error_summary(e: &QueryError) -> String {
    format!("{:?} {:?}/{}: {}", e.phase, e.kind, e.code, e.message)
}

/// Runs one step; `Err` ends the scenario with that outcome.
fn run_step(
    world: &mut World,
    step: &Step,
    graphs_dir: &Path,
    some_error_raised: &mut bool,
) -> Result<(), Outcome> {
    let text = step.text.as_str();
    if text == "an empty graph" || text == "any graph" {
        world.graph = Graph::new();
        return Ok(());
    }
    if let Some(name) = text
        .strip_prefix("the ")
        .and_then(|rest| rest.strip_suffix(" graph"))
    {
        let path = graphs_dir.join(name).join(format!("{name}.cypher"));
        let script = std::fs::read_to_string(&path).map_err(|e| {
            step_fail(
                "harness: named graph missing",
                format!("{}: {e}", path.display()),
            )
        })?;
        let script = script.trim().trim_end_matches(';');
        return match execute(world, script) {
            Ok(_) => Ok(()),
            Err(e) => Err(step_fail(
                format!("setup failed: {:?}/{}", e.kind, e.code),
                format!("loading graph {name}: {}", error_summary(&e)),
            )),
        };
    }
    if text == "having executed:" {
        let query = doc(step)?;
        return match execute(world, query) {
            Ok(_) => Ok(()),
            Err(e) => Err(step_fail(
                format!("setup failed: {:?}/{}", e.kind, e.code),
                format!("setup query failed: {}\n{query}", error_summary(&e)),
            )),
        };
    }
    if text == "parameters are:" {
        for row in &step.table {
            let [name, cell] = row.as_slice() else {
                return Err(step_fail("harness: bad parameter row", format!("{row:?}")));
            };
            let expected = values::parse(cell)
                .map_err(|e| step_fail("harness: bad parameter value", format!("{cell}: {e}")))?;
            let Some(value) = values::to_value(&expected) else {
                return Err(Outcome::NotRun(format!(
                    "parameter ${name} = {cell} is not a property value"
                )));
            };
            world.params.insert(name.clone(), value);
        }
        return Ok(());
    }
    if text == "executing query:" {
        let query = doc(step)?.to_string();
        let before = Snapshot::of(&world.graph);
        let result = execute(world, &query);
        let after = Snapshot::of(&world.graph);
        let deletes_and_creates = has_keyword(&query, "DELETE")
            && (has_keyword(&query, "CREATE") || has_keyword(&query, "MERGE"));
        world.readings = Some(side_effects::readings(&before, &after, deletes_and_creates));
        world.last = Some(result);
        world.query = query;
        return Ok(());
    }
    if text == "executing control query:" {
        let query = doc(step)?.to_string();
        world.last = Some(execute(world, &query));
        world.query = query;
        return Ok(());
    }
    if text.starts_with("there exists a procedure") {
        return Err(Outcome::NotRun(
            "procedures are outside kg's Cypher subset".into(),
        ));
    }
    if text == "the result should be empty" {
        let table = result_table(world)?;
        return if table.rows.is_empty() {
            Ok(())
        } else {
            Err(step_fail(
                "wrong result",
                format!(
                    "expected no rows, got {}\n{}\nquery:\n{}",
                    table.rows.len(),
                    show_rows(&table.rows),
                    world.query
                ),
            ))
        };
    }
    if let Some(mode) = result_mode(text) {
        let table = result_table(world)?;
        return compare_table(&step.table, table, mode).map_err(|detail| {
            step_fail("wrong result", format!("{detail}\nquery:\n{}", world.query))
        });
    }
    if text == "the side effects should be:" || text == "no side effects" {
        let expected = if text == "no side effects" {
            SideEffects::default()
        } else {
            SideEffects::from_table(&step.table)
                .map_err(|e| step_fail("harness: bad side-effect table", e))?
        };
        let readings = world
            .readings
            .as_ref()
            .ok_or_else(|| step_fail("harness: side effects before a query", text))?;
        return if readings.contains(&expected) {
            Ok(())
        } else {
            Err(step_fail(
                "wrong side effects",
                format!(
                    "expected {expected}, got {}\nquery:\n{}",
                    readings[0], world.query
                ),
            ))
        };
    }
    if let Some(expected) = parse_error_step(text) {
        return check_error(world, &expected, some_error_raised);
    }
    Err(step_fail("harness: unsupported step", text))
}

/// Whether `query` contains `keyword` as a word, in any case.
fn has_keyword(query: &str, keyword: &str) -> bool {
    query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|word| word.eq_ignore_ascii_case(keyword))
}

/// The last query's table, or the failure when it raised an error instead.
fn result_table(world: &World) -> Result<&Table, Outcome> {
    match &world.last {
        None => Err(step_fail("harness: result check before a query", "")),
        Some(Ok(table)) => Ok(table),
        Some(Err(e)) => Err(step_fail(
            format!("error instead of result: {:?}/{}", e.kind, e.code),
            format!("{}\nquery:\n{}", error_summary(e), world.query),
        )),
    }
}

/// How rows and lists are compared.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    ordered: bool,
    lists_as_bags: bool,
}

pub fn result_mode(text: &str) -> Option<Mode> {
    let mode = |ordered, lists_as_bags| {
        Some(Mode {
            ordered,
            lists_as_bags,
        })
    };
    match text {
        "the result should be, in any order:" => mode(false, false),
        "the result should be, in order:" => mode(true, false),
        "the result should be (ignoring element order for lists):" => mode(false, true),
        "the result should be, in order (ignoring element order for lists):" => mode(true, true),
        _ => None,
    }
}

fn show_rows(rows: &[Vec<kg::table::Item>]) -> String {
    const SHOWN: usize = 8;
    let mut lines: Vec<String> = rows
        .iter()
        .take(SHOWN)
        .map(|row| {
            let cells: Vec<String> = row.iter().map(values::show).collect();
            format!("| {} |", cells.join(" | "))
        })
        .collect();
    if rows.len() > SHOWN {
        lines.push(format!("... {} rows in all", rows.len()));
    }
    lines.join("\n")
}

/// Compares an expected table (header row, then value rows) with the
/// engine's table: same column names, then rows as a bag or a sequence.
pub fn compare_table(expected: &[Vec<String>], got: &Table, mode: Mode) -> Result<(), String> {
    let Some((header, rows)) = expected.split_first() else {
        return Err("harness: result table without a header".into());
    };
    let mut sorted_expected = header.clone();
    sorted_expected.sort();
    let mut sorted_got = got.columns.clone();
    sorted_got.sort();
    if sorted_expected != sorted_got {
        return Err(format!(
            "columns differ: expected {header:?}, got {:?}",
            got.columns
        ));
    }
    // Reorder the engine's cells to the expected column order.
    let order: Vec<usize> = header
        .iter()
        .filter_map(|h| got.columns.iter().position(|c| c == h))
        .collect();
    let got_rows: Vec<Vec<kg::table::Item>> = got
        .rows
        .iter()
        .map(|row| {
            order
                .iter()
                .map(|&i| row.get(i).cloned().unwrap_or(kg::table::Item::Null))
                .collect()
        })
        .collect();
    let mut expected_rows = Vec::new();
    for row in rows {
        let cells: Result<Vec<Expected>, String> = row.iter().map(|c| values::parse(c)).collect();
        expected_rows.push(cells.map_err(|e| format!("harness: bad expected value: {e}"))?);
    }
    let row_matches = |e: &Vec<Expected>, g: &Vec<kg::table::Item>| {
        e.len() == g.len()
            && e.iter()
                .zip(g)
                .all(|(ev, gv)| values::matches(ev, gv, mode.lists_as_bags))
    };
    let ok = if mode.ordered {
        expected_rows.len() == got_rows.len()
            && expected_rows
                .iter()
                .zip(&got_rows)
                .all(|(e, g)| row_matches(e, g))
    } else {
        values::bag_matches(&expected_rows, &got_rows, row_matches)
    };
    if ok {
        return Ok(());
    }
    let expected_text: Vec<String> = rows
        .iter()
        .map(|r| format!("| {} |", r.join(" | ")))
        .collect();
    Err(format!(
        "expected{}:\n{}\ngot:\n{}",
        if mode.ordered { " (in order)" } else { "" },
        expected_text.join("\n"),
        show_rows(&got_rows)
    ))
}

/// `a <Type> should be raised at <phase>: <Detail>`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedError {
    kind: String,
    /// `None` for `any time`.
    phase: Option<Phase>,
    /// `*` matches any code.
    detail: String,
}

pub fn parse_error_step(text: &str) -> Option<ExpectedError> {
    let rest = text
        .strip_prefix("a ")
        .or_else(|| text.strip_prefix("an "))?;
    let (kind, rest) = rest.split_once(" should be raised at ")?;
    let (phase, detail) = rest.split_once(':')?;
    let phase = match phase.trim() {
        "compile time" => Some(Phase::Compile),
        "runtime" => Some(Phase::Runtime),
        "any time" => None,
        _ => return None,
    };
    Some(ExpectedError {
        kind: kind.trim().to_string(),
        phase,
        detail: detail.trim().to_string(),
    })
}

/// ` at compile time` / ` at runtime` / ` at any time`.
fn phase_word(phase: Option<Phase>) -> &'static str {
    match phase {
        Some(Phase::Compile) => " at compile time",
        Some(Phase::Runtime) => " at runtime",
        None => " at any time",
    }
}

fn kind_name(kind: ErrorKind) -> String {
    format!("{kind:?}")
}

pub fn check_error(
    world: &World,
    expected: &ExpectedError,
    some_error_raised: &mut bool,
) -> Result<(), Outcome> {
    let expected_text = format!(
        "{} at {}: {}",
        expected.kind,
        match expected.phase {
            Some(Phase::Compile) => "compile time",
            Some(Phase::Runtime) => "runtime",
            None => "any time",
        },
        expected.detail
    );
    let got = match &world.last {
        None => return Err(step_fail("harness: error check before a query", "")),
        Some(Ok(table)) => {
            return Err(step_fail(
                format!("no error (expected {}/{})", expected.kind, expected.detail),
                format!(
                    "expected {expected_text}, got {} rows\nquery:\n{}",
                    table.rows.len(),
                    world.query
                ),
            ))
        }
        Some(Err(e)) => e,
    };
    // A stub's `Internal` error or a timeout is not the engine rejecting the query.
    *some_error_raised = !matches!(got.kind, ErrorKind::Internal | ErrorKind::Cancelled);
    let kind_ok = kind_name(got.kind) == expected.kind;
    let phase_ok = expected.phase.is_none_or(|p| p == got.phase);
    let detail_ok = expected.detail == "*" || expected.detail == got.code;
    if !(kind_ok && phase_ok && detail_ok) {
        return Err(step_fail(
            format!(
                "wrong error: expected {}/{}{}, got {:?}/{}{}",
                expected.kind,
                expected.detail,
                if phase_ok {
                    ""
                } else {
                    phase_word(expected.phase)
                },
                got.kind,
                got.code,
                if phase_ok {
                    ""
                } else {
                    phase_word(Some(got.phase))
                },
            ),
            format!(
                "expected {expected_text}, got {}\nquery:\n{}",
                error_summary(got),
                world.query
            ),
        ));
    }
    // Errors imply no side effects: a failed query must leave the graph as it was.
    if let Some(effects) = world
        .readings
        .as_ref()
        .map(|r| r[0])
        .filter(|e| !e.is_none())
    {
        return Err(step_fail(
            "error left side effects",
            format!(
                "{} raised but the graph changed: {effects}\nquery:\n{}",
                got.code, world.query
            ),
        ));
    }
    Ok(())
}

#[test]
fn tck_error_steps_parse() {
    assert_eq!(
        parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable"),
        Some(ExpectedError {
            kind: "SyntaxError".into(),
            phase: Some(Phase::Compile),
            detail: "UndefinedVariable".into(),
        })
    );
    assert_eq!(
        parse_error_step("a TypeError should be raised at any time: *").map(|e| e.phase),
        Some(None)
    );
    assert_eq!(
        parse_error_step("a EntityNotFound should be raised at runtime: DeletedEntityAccess")
            .map(|e| e.phase),
        Some(Some(Phase::Runtime))
    );
    assert_eq!(parse_error_step("the result should be empty"), None);
}

#[test]
fn tck_errors_compare_type_phase_and_detail() {
    let world_with = |result: Result<Table, QueryError>| World {
        engine: cypher::execute,
        graph: Graph::new(),
        params: Params::new(),
        last: Some(result),
        readings: Some(vec![SideEffects::default()]),
        query: "RETURN x".into(),
    };
    let err = |phase, kind, code: &str| QueryError::new(phase, kind, code, "m");
    let expected =
        parse_error_step("a SyntaxError should be raised at compile time: UndefinedVariable")
            .unwrap();
    let any_time = parse_error_step("a SyntaxError should be raised at any time: *").unwrap();
    let check = |world: &World, e: &ExpectedError| {
        let mut raised = false;
        (check_error(world, e, &mut raised).is_ok(), raised)
    };
    let right = world_with(Err(err(
        Phase::Compile,
        ErrorKind::SyntaxError,
        "UndefinedVariable",
    )));
    assert_eq!(check(&right, &expected), (true, true));
    let wrong_phase = world_with(Err(err(
        Phase::Runtime,
        ErrorKind::SyntaxError,
        "UndefinedVariable",
    )));
    assert_eq!(check(&wrong_phase, &expected), (false, true));
    assert_eq!(check(&wrong_phase, &any_time), (true, true));
    let wrong_code = world_with(Err(err(Phase::Compile, ErrorKind::SyntaxError, "Other")));
    assert_eq!(check(&wrong_code, &expected), (false, true));
    assert_eq!(check(&wrong_code, &any_time), (true, true));
    let wrong_kind = world_with(Err(err(
        Phase::Compile,
        ErrorKind::TypeError,
        "UndefinedVariable",
    )));
    assert_eq!(check(&wrong_kind, &any_time), (false, true));
    let no_error = world_with(Ok(Table::default()));
    assert_eq!(check(&no_error, &any_time), (false, false));
    let internal = world_with(Err(err(
        Phase::Compile,
        ErrorKind::Internal,
        "NotImplemented",
    )));
    assert_eq!(check(&internal, &any_time), (false, false));
    let mut changed = world_with(Err(err(Phase::Runtime, ErrorKind::SyntaxError, "X")));
    changed.readings = Some(vec![SideEffects {
        nodes_added: 1,
        ..SideEffects::default()
    }]);
    assert_eq!(check(&changed, &any_time), (false, true));
}

#[test]
fn tck_tables_compare_columns_order_and_bags() {
    use kg::table::Item;
    let table = Table {
        columns: vec!["b".into(), "a".into()],
        rows: vec![
            vec![Item::Int(2), Item::String("x".into())],
            vec![Item::Int(1), Item::List(vec![Item::Int(1), Item::Int(2)])],
        ],
    };
    let rows = |text: &[&[&str]]| -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let any = Mode {
        ordered: false,
        lists_as_bags: false,
    };
    let ordered = Mode {
        ordered: true,
        lists_as_bags: false,
    };
    let bags = Mode {
        ordered: false,
        lists_as_bags: true,
    };
    let expected = rows(&[&["a", "b"], &["[1, 2]", "1"], &["'x'", "2"]]);
    assert!(compare_table(&expected, &table, any).is_ok());
    assert!(compare_table(&expected, &table, ordered).is_err());
    let in_order = rows(&[&["a", "b"], &["'x'", "2"], &["[1, 2]", "1"]]);
    assert!(compare_table(&in_order, &table, ordered).is_ok());
    let swapped_list = rows(&[&["a", "b"], &["[2, 1]", "1"], &["'x'", "2"]]);
    assert!(compare_table(&swapped_list, &table, any).is_err());
    assert!(compare_table(&swapped_list, &table, bags).is_ok());
    let wrong_columns = rows(&[&["a", "c"], &["[1, 2]", "1"], &["'x'", "2"]]);
    assert!(compare_table(&wrong_columns, &table, any).is_err());
    let missing_row = rows(&[&["a", "b"], &["'x'", "2"]]);
    assert!(compare_table(&missing_row, &table, any).is_err());
    let duplicate = rows(&[&["a", "b"], &["'x'", "2"], &["'x'", "2"]]);
    assert!(compare_table(&duplicate, &table, any).is_err());
    let int_vs_float = rows(&[&["a", "b"], &["[1, 2]", "1.0"], &["'x'", "2"]]);
    assert!(compare_table(&int_vs_float, &table, any).is_err());
}

#[test]
fn tck_result_modes() {
    assert!(result_mode("the result should be, in order:").is_some_and(|m| m.ordered));
    assert!(
        result_mode("the result should be (ignoring element order for lists):")
            .is_some_and(|m| m.lists_as_bags && !m.ordered)
    );
    assert!(
        result_mode("the result should be, in order (ignoring element order for lists):")
            .is_some_and(|m| m.lists_as_bags && m.ordered)
    );
    assert!(result_mode("the result should be, sorted:").is_none());
}

/// A fake engine that understands just enough to drive the step machinery:
/// `CREATE (:L {k: <int>})` adds a node, `MATCH (n) RETURN n.k` lists the
/// property, `MATCH (n) DELETE n` deletes every node, `FAIL` is a compile-time
/// syntax error, `PANIC` panics, and `RETURN $p` returns a parameter.
fn fake_engine(
    graph: &mut Graph,
    query: &str,
    params: &Params,
    _options: &Options,
) -> Result<Table, QueryError> {
    use kg::graph::Value;
    use kg::table::Item;
    let query = query.trim();
    if let Some(rest) = query.strip_prefix("CREATE (:") {
        let (label, rest) = rest.split_once(" {k: ").unwrap();
        let k: i64 = rest.trim_end_matches("})").parse().unwrap();
        graph.add_node([label], BTreeMap::from([("k".to_string(), Value::Int(k))]));
        return Ok(Table::default());
    }
    match query {
        "MATCH (n) RETURN n.k" => Ok(Table {
            columns: vec!["n.k".into()],
            rows: graph
                .node_ids()
                .map(|id| vec![Item::from(&*graph.node(id).unwrap().property("k").unwrap())])
                .collect(),
        }),
        "MATCH (n) DELETE n" => {
            let ids: Vec<_> = graph.node_ids().collect();
            for id in ids {
                graph.detach_remove_node(id).unwrap();
            }
            Ok(Table::default())
        }
        "RETURN $p" => Ok(Table {
            columns: vec!["$p".into()],
            rows: vec![vec![Item::from(params.get("p").unwrap())]],
        }),
        "FAIL" => Err(QueryError::new(
            Phase::Compile,
            ErrorKind::SyntaxError,
            "UnexpectedSyntax",
            "fake",
        )),
        "PANIC" => panic!("fake engine panics"),
        other => panic!("fake engine cannot run {other}"),
    }
}

fn run_fake(text: &str) -> Vec<Run> {
    gherkin::parse_feature(text)
        .unwrap()
        .scenarios
        .iter()
        .map(|s| run_scenario(s, Path::new("/nonexistent"), fake_engine))
        .collect()
}

#[test]
fn tck_steps_drive_queries_side_effects_and_control_queries() {
    let runs = run_fake(
        r#"
Feature: fake
  Scenario: [1] create, then check with a control query
    Given an empty graph
    And having executed:
      """
      CREATE (:A {k: 1})
      """
    When executing query:
      """
      CREATE (:B {k: 2})
      """
    Then the result should be empty
    And the side effects should be:
      | +nodes      | 1 |
      | +properties | 1 |
      | +labels     | 1 |
    When executing control query:
      """
      MATCH (n) RETURN n.k
      """
    Then the result should be, in any order:
      | n.k |
      | 2   |
      | 1   |

  Scenario: [2] wrong side effects fail
    Given an empty graph
    When executing query:
      """
      CREATE (:B {k: 2})
      """
    Then the result should be empty
    And no side effects

  Scenario: [3] deletes count removed properties and labels
    Given any graph
    And having executed:
      """
      CREATE (:A {k: 1})
      """
    When executing query:
      """
      MATCH (n) DELETE n
      """
    Then the result should be empty
    And the side effects should be:
      | -nodes      | 1 |
      | -properties | 1 |
      | -labels     | 1 |

  Scenario: [4] parameters
    Given any graph
    And parameters are:
      | p | [1, 'x'] |
    When executing query:
      """
      RETURN $p
      """
    Then the result should be, in order:
      | $p       |
      | [1, 'x'] |
    And no side effects

  Scenario: [5] expected error raised
    Given any graph
    When executing query:
      """
      FAIL
      """
    Then a SyntaxError should be raised at compile time: UnexpectedSyntax

  Scenario: [6] error where a result is expected
    Given any graph
    When executing query:
      """
      FAIL
      """
    Then the result should be empty

  Scenario: [8] a graph element cannot be a parameter
    Given any graph
    And parameters are:
      | p | (:A) |
    When executing query:
      """
      RETURN $p
      """
    Then the result should be empty

  Scenario: [9] unknown steps are harness errors
    Given a graph with a unicorn
"#,
    );
    let outcome = |i: usize| &runs[i].outcome;
    let category = |i: usize| match outcome(i) {
        Outcome::Fail { category, .. } => category.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(outcome(0), &Outcome::Pass, "{:?}", outcome(0));
    assert_eq!(category(1), "wrong side effects");
    assert_eq!(outcome(2), &Outcome::Pass, "{:?}", outcome(2));
    assert_eq!(outcome(3), &Outcome::Pass, "{:?}", outcome(3));
    assert_eq!(outcome(4), &Outcome::Pass);
    assert!(runs[4].some_error_raised);
    assert_eq!(
        category(5),
        "error instead of result: SyntaxError/UnexpectedSyntax"
    );
    assert!(matches!(outcome(6), Outcome::NotRun(_)));
    assert_eq!(category(7), "harness: unsupported step");
    // The panic is caught by run_guarded, not run_scenario.
    install_quiet_panic_hook();
    let panicking = gherkin::parse_feature(
        "Feature: p\n  Scenario: [7] panic\n    When executing query:\n      \"\"\"\n      PANIC\n      \"\"\"\n",
    )
    .unwrap()
    .scenarios
    .remove(0);
    let run = run_guarded_with(panicking, PathBuf::from("/nonexistent"), fake_engine);
    assert!(
        matches!(&run.outcome, Outcome::Fail { category, detail } if category == "panic" && detail.contains("fake engine panics")),
        "{:?}",
        run.outcome
    );
}
