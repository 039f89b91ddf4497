//! Runs an analysed statement over `&mut Graph`. The clauses are cut into
//! segments: a run of reading clauses (`MATCH`, `UNWIND`, `WITH`, `RETURN`)
//! is one streaming pipeline of operators (`pipeline`, `project`) that rows
//! flow through one at a time; each writing clause (`CREATE`, `MERGE`,
//! `SET`, `DELETE`, `REMOVE`, in `write`) is an eager barrier that takes
//! every row of the segment before it, so a write never changes what a
//! read of the same statement is still reading, and never sees rows it
//! produced itself. A statement with no writes is one pipeline: `LIMIT`
//! stops the work, `count(*)` holds one counter, aggregation one entry per
//! group, `ORDER BY … LIMIT k` a buffer of about k rows.
//!
//! `EXPLAIN` lists the operators without running them; `PROFILE` runs the
//! statement and adds the rows each operator produced and its own time.

use std::collections::BTreeMap;

use super::ast::{Clause, Expr, QueryMode, SingleQuery, Statement};
use super::budget::{size_of_item, Budget};
use super::error::{ErrorKind, Phase, QueryError};
use super::expr::compiled::Compiled;
use super::expr::{eval, Env, Reader, RegexCache};
use super::pattern::{compile_parts, CompiledPart, Matcher};
use super::plan::{self, ProjectionPlan};
use super::undo::Journal;
use super::value::{Key, Val};
use super::{Options, Params};
use crate::graph::{Graph, NodeData, NodeId, RelData, RelId};
use crate::table::{Item, NodeItem, PathItem, RelItem, Table};

mod explain;
mod pipeline;
mod project;
mod write;

use explain::{OpInfo, Profile};
use pipeline::{widen, Collect, MatchOp, Next, Profiled, Sink, UnwindOp};
use project::{ProjectOp, ProjectSpec};

type Result<T> = std::result::Result<T, QueryError>;

/// Rows between segments: `names[i]` names column `i` of each row.
#[derive(Debug, Clone)]
struct Rows {
    names: Vec<String>,
    rows: Vec<Vec<Val>>,
}

/// Executes a statement (with its UNIONs) and returns its result; for
/// `EXPLAIN` the plan, for `PROFILE` the plan with what each operator did.
pub fn execute(
    graph: &mut Graph,
    statement: &Statement,
    params: &Params,
    options: &Options,
    stream: Option<&mut dyn RowSink>,
) -> Result<Table> {
    // a UNION's rows are only known to be distinct at the end
    let stream = stream.filter(|_| statement.unions.is_empty() && statement.mode == QueryMode::Run);
    let mut exec = Exec {
        stream,
        graph,
        params,
        options,
        deleted_nodes: BTreeMap::new(),
        deleted_rels: BTreeMap::new(),
        anon: 0,
        journal: Journal::default(),
        ticks: std::cell::Cell::new(0),
        profile: (statement.mode == QueryMode::Profile).then(Profile::default),
        regexes: RegexCache::default(),
        budget: Budget::new(options),
    };
    if statement.mode == QueryMode::Explain {
        return Ok(explain::plan_table(&exec.describe(statement)));
    }
    let result = exec.statement(statement);
    if result.is_err() {
        let journal = std::mem::take(&mut exec.journal);
        journal.rollback(exec.graph);
    }
    match exec.profile.take() {
        Some(profile) => result.map(|_| profile.table()),
        None => result,
    }
}

struct Exec<'g, 's> {
    /// Where the final `RETURN`'s rows go as they are made, if anywhere.
    stream: Option<&'s mut dyn RowSink>,
    graph: &'g mut Graph,
    params: &'g Params,
    options: &'g Options,
    deleted_nodes: BTreeMap<NodeId, NodeData>,
    deleted_rels: BTreeMap<RelId, (RelData, NodeId, NodeId)>,
    anon: usize,
    journal: Journal,
    ticks: std::cell::Cell<u64>,
    /// What each operator did, under `PROFILE`.
    profile: Option<Profile>,
    regexes: RegexCache,
    budget: Budget<'g>,
}

/// A write that met an element deleted earlier in the same query.
fn deleted_entity(error: crate::graph::GraphError) -> QueryError {
    runtime(
        ErrorKind::EntityNotFound,
        "DeletedEntityAccess",
        error.to_string(),
    )
}

fn runtime(kind: ErrorKind, code: &str, message: impl Into<String>) -> QueryError {
    QueryError::new(Phase::Runtime, kind, code, message)
}

/// A reading clause, planned against the columns it receives.
enum Step<'q> {
    Match {
        parts: Vec<CompiledPart<'q>>,
        /// The input columns followed by the pattern's new variables.
        names: Vec<String>,
        added: usize,
        filter: Option<&'q Expr>,
        optional: bool,
    },
    Unwind {
        /// The input columns.
        names: Vec<String>,
        expr: &'q Expr,
    },
    Project {
        plan: ProjectionPlan,
        projection: &'q super::ast::Projection,
        input_names: Vec<String>,
        wide_names: Vec<String>,
    },
}

/// Whether a clause only reads (and so streams).
fn is_read(clause: &Clause) -> bool {
    matches!(
        clause,
        Clause::Match(_) | Clause::Unwind { .. } | Clause::With(_) | Clause::Return(_)
    )
}

impl Exec<'_, '_> {
    fn statement(&mut self, statement: &Statement) -> Result<Table> {
        let mut result = self.single_query(&statement.first)?;
        let mut distinct = false;
        for (all, query) in &statement.unions {
            let next = self.single_query(query)?;
            result.rows.extend(next.rows);
            distinct |= !all;
        }
        if distinct {
            let mut seen = std::collections::BTreeSet::new();
            result.rows.retain(|row| seen.insert(Key(row.clone())));
        }
        self.to_table(result)
    }

    fn reader(&self) -> Reader<'_> {
        Reader {
            graph: self.graph,
            params: self.params,
            deleted_rels: &self.deleted_rels,
            options: self.options,
            regexes: &self.regexes,
            budget: &self.budget,
        }
    }

    /// `check_cancel`, but only every 4096th call: cheap inside row loops.
    fn check_cancel_every(&self) -> Result<()> {
        let ticks = self.ticks.get().wrapping_add(1);
        self.ticks.set(ticks);
        if ticks.is_multiple_of(4096) {
            self.check_cancel()
        } else {
            Ok(())
        }
    }

    fn check_cancel(&self) -> Result<()> {
        if self.options.is_cancelled() {
            Err(super::cancelled())
        } else {
            Ok(())
        }
    }

    /// Runs the clauses of one query part: reading segments streamed,
    /// writing clauses applied to all the rows before them. The result is
    /// what the final `RETURN` produced (no rows, no columns without one).
    fn single_query(&mut self, query: &SingleQuery) -> Result<Rows> {
        let mut rows = Rows {
            names: Vec::new(),
            rows: vec![Vec::new()],
        };
        let mut clauses = &query.clauses[..];
        while let Some(first) = clauses.first() {
            self.check_cancel()?;
            if is_read(first) {
                let reads = clauses.iter().take_while(|c| is_read(c)).count();
                let (segment, rest) = clauses.split_at(reads);
                let returns = rest.is_empty() && matches!(segment.last(), Some(Clause::Return(_)));
                rows = self.read_segment(rows, segment, returns)?;
                if returns {
                    return Ok(rows);
                }
                clauses = rest;
            } else {
                rows = self.write_clause(rows, first)?;
                clauses = &clauses[1..];
            }
        }
        Ok(Rows {
            names: Vec::new(),
            rows: Vec::new(),
        })
    }

    fn write_clause(&mut self, rows: Rows, clause: &Clause) -> Result<Rows> {
        let started = std::time::Instant::now();
        let rows_in = rows.rows.len() as u64;
        let out = match clause {
            Clause::Create { pattern, .. } => self.create(rows, pattern)?,
            Clause::Merge(m) => self.merge(rows, m)?,
            Clause::Set { items, .. } => {
                for row in &rows.rows {
                    self.check_cancel_every()?;
                    self.set_items(&rows.names, row, items)?;
                }
                rows
            }
            Clause::Delete { detach, exprs, .. } => self.delete(rows, exprs, *detach)?,
            Clause::Remove { items, .. } => {
                for row in &rows.rows {
                    self.check_cancel_every()?;
                    self.remove_items(&rows.names, row, items)?;
                }
                rows
            }
            // reading clauses are run as segments
            Clause::Match(_) | Clause::Unwind { .. } | Clause::With(_) | Clause::Return(_) => rows,
        };
        if let Some(profile) = self.profile.as_mut() {
            let (name, details) = explain::write_op(clause);
            profile.add_write(name, details, rows_in, out.rows.len() as u64, started);
        }
        Ok(out)
    }

    /// Plans the reading clauses of a segment against the columns it gets.
    /// Also returns the columns of the rows the segment produces.
    fn plan_segment<'q>(
        &mut self,
        input_names: &[String],
        clauses: &'q [Clause],
    ) -> (Vec<Step<'q>>, Vec<String>) {
        let mut names = input_names.to_vec();
        let mut steps = Vec::with_capacity(clauses.len());
        for clause in clauses {
            match clause {
                Clause::Match(m) => {
                    let width = names.len();
                    let hints = plan::anchor_hints(m.where_clause.as_ref(), &names);
                    let mut out_names = names.clone();
                    let parts = compile_parts(
                        &m.pattern,
                        &mut out_names,
                        &hints,
                        &mut self.anon,
                        u64::from(self.options.max_hops),
                    );
                    let added = out_names.len() - width;
                    names = out_names.clone();
                    steps.push(Step::Match {
                        parts,
                        names: out_names,
                        added,
                        filter: m.where_clause.as_ref(),
                        optional: m.optional,
                    });
                }
                Clause::Unwind { expr, var, .. } => {
                    steps.push(Step::Unwind {
                        names: names.clone(),
                        expr,
                    });
                    names.push(var.name.clone());
                }
                Clause::With(p) | Clause::Return(p) => {
                    let plan = plan::projection(p, &names);
                    let item_names: Vec<String> =
                        plan.items.iter().map(|(n, _)| n.clone()).collect();
                    let mut wide_names = names.clone();
                    wide_names.extend(item_names.iter().cloned());
                    steps.push(Step::Project {
                        plan,
                        projection: p,
                        input_names: std::mem::replace(&mut names, item_names),
                        wide_names,
                    });
                }
                Clause::Create { .. }
                | Clause::Merge(_)
                | Clause::Set { .. }
                | Clause::Delete { .. }
                | Clause::Remove { .. } => {}
            }
        }
        (steps, names)
    }

    /// Streams the input rows through the segment's operators and returns
    /// the rows its last clause produced.
    fn read_segment(&mut self, input: Rows, clauses: &[Clause], last: bool) -> Result<Rows> {
        let (steps, names) = self.plan_segment(&input.names, clauses);
        let ops: Vec<OpInfo> = if self.profile.is_some() {
            explain::read_ops(clauses, self.graph)
        } else {
            Vec::new()
        };
        let mut out_rows = Vec::new();
        let mut stream = if last { self.stream.take() } else { None };
        if let Some(sink) = stream.as_mut() {
            sink.columns(&names)?;
        }
        {
            let reader = self.reader();
            let counts = self.counts(&reader, clauses)?;
            let mut next: Next<'_> = match stream.as_mut() {
                Some(sink) => Box::new(Stream {
                    exec: &*self,
                    sink: &mut **sink,
                }),
                None => Box::new(Collect {
                    rows: &mut out_rows,
                    budget: reader.budget,
                }),
            };
            for (i, (step, (skip, limit))) in steps.iter().zip(&counts).enumerate().rev() {
                next = build_op(&reader, step, *skip, *limit, next);
                if let Some(op) = ops.get(i) {
                    next = Box::new(Profiled {
                        stats: &op.stats,
                        inner: next,
                    });
                }
            }
            for row in &input.rows {
                if next.push(row)? == super::pattern::Flow::Stop {
                    break;
                }
            }
            next.finish()?;
        }
        if let Some(profile) = self.profile.as_mut() {
            profile.add_reads(ops, out_rows.len() as u64);
        }
        Ok(Rows {
            names,
            rows: out_rows,
        })
    }

    /// The `SKIP` and `LIMIT` of each projection of a segment, evaluated
    /// once before the first row (they may only use parameters).
    fn counts(
        &self,
        reader: &Reader<'_>,
        clauses: &[Clause],
    ) -> Result<Vec<(usize, Option<usize>)>> {
        clauses
            .iter()
            .map(|c| match c {
                Clause::With(p) | Clause::Return(p) => Ok((
                    count_argument(reader, p.skip.as_ref(), "SKIP")?.unwrap_or(0),
                    count_argument(reader, p.limit.as_ref(), "LIMIT")?,
                )),
                _ => Ok((0, None)),
            })
            .collect()
    }
}

/// Receives a statement's result while it is computed: the columns, then
/// each row as soon as the last operator makes it.
pub trait RowSink {
    fn columns(&mut self, columns: &[String]) -> Result<()>;
    fn row(&mut self, row: Vec<Item>) -> Result<()>;
}

/// The end of the final pipeline when the caller streams: each row turned
/// into output items and handed on, none kept.
struct Stream<'a, 'g, 's> {
    exec: &'a Exec<'g, 's>,
    sink: &'a mut dyn RowSink,
}

impl Sink for Stream<'_, '_, '_> {
    fn push(&mut self, row: &[Val]) -> Result<super::pattern::Flow> {
        let items = row
            .iter()
            .map(|v| self.exec.item(v))
            .collect::<Result<Vec<_>>>()?;
        self.sink.row(items)?;
        Ok(super::pattern::Flow::Continue)
    }

    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// The operator of one planned step, in front of `next`.
fn build_op<'a>(
    reader: &'a Reader<'a>,
    step: &'a Step<'a>,
    skip: usize,
    limit: Option<usize>,
    next: Next<'a>,
) -> Next<'a> {
    match step {
        Step::Match {
            parts,
            names,
            added,
            filter,
            optional,
        } => Box::new(MatchOp {
            matcher: Matcher::new(reader, names, reader.options).with_filter(*filter),
            parts,
            added: *added,
            optional: *optional,
            next,
        }),
        Step::Unwind { names, expr } => Box::new(UnwindOp {
            reader,
            names,
            expr: Compiled::new(expr, names, reader),
            buffer: Vec::new(),
            next,
        }),
        Step::Project {
            plan,
            projection,
            input_names,
            wide_names,
        } => Box::new(ProjectOp::new(
            reader,
            ProjectSpec {
                plan,
                projection,
                input_names,
                wide_names,
                skip,
                limit,
            },
            next,
        )),
    }
}

/// The value of `SKIP`/`LIMIT`: a non-negative integer.
fn count_argument(reader: &Reader<'_>, expr: Option<&Expr>, what: &str) -> Result<Option<usize>> {
    let Some(expr) = expr else {
        return Ok(None);
    };
    let value = eval(
        expr,
        &Env::Row {
            names: &[],
            row: &[],
        },
        reader,
    )?;
    match value {
        Val::Int(i) if i >= 0 => Ok(Some(usize::try_from(i).unwrap_or(usize::MAX))),
        Val::Int(_) => Err(QueryError::new(
            Phase::Runtime,
            ErrorKind::SyntaxError,
            "NegativeIntegerArgument",
            format!("{what} must not be negative"),
        )
        .with_span(expr.span)),
        _ => Err(QueryError::new(
            Phase::Runtime,
            ErrorKind::SyntaxError,
            "InvalidArgumentType",
            format!("{what} must be an integer"),
        )
        .with_span(expr.span)),
    }
}

impl Exec<'_, '_> {
    // ------------------------------------------------------------ output

    fn to_table(&self, rows: Rows) -> Result<Table> {
        let mut out = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            let items = row
                .iter()
                .map(|v| self.item(v))
                .collect::<Result<Vec<_>>>()?;
            // the snapshots copy what elements hold
            self.budget
                .hold(items.iter().map(size_of_item).sum::<usize>())?;
            out.push(items);
        }
        Ok(Table {
            columns: rows.names,
            rows: out,
        })
    }

    fn node_item(&self, id: NodeId) -> Result<NodeItem> {
        if let Some(node) = self.graph.node(id) {
            return Ok(NodeItem {
                id,
                labels: node.labels().into_iter().map(str::to_string).collect(),
                properties: node.properties(),
            });
        }
        let node = self.deleted_nodes.get(&id).ok_or_else(|| {
            runtime(
                ErrorKind::EntityNotFound,
                "DeletedEntityAccess",
                "node not found",
            )
        })?;
        Ok(NodeItem {
            id,
            labels: node.labels.clone(),
            properties: node.properties.clone(),
        })
    }

    fn rel_item(&self, id: RelId) -> Result<RelItem> {
        if let Some(rel) = self.graph.rel(id) {
            return Ok(RelItem {
                id,
                rel_type: rel.rel_type().to_string(),
                start: rel.start(),
                end: rel.end(),
                properties: rel.properties(),
            });
        }
        let (rel, start, end) = self.deleted_rels.get(&id).ok_or_else(|| {
            runtime(
                ErrorKind::EntityNotFound,
                "DeletedEntityAccess",
                "relationship not found",
            )
        })?;
        Ok(RelItem {
            id,
            rel_type: rel.rel_type.clone(),
            start: *start,
            end: *end,
            properties: rel.properties.clone(),
        })
    }

    fn item(&self, v: &Val) -> Result<Item> {
        Ok(match v {
            Val::Null => Item::Null,
            Val::Bool(b) => Item::Bool(*b),
            Val::Int(i) => Item::Int(*i),
            Val::Float(f) => Item::Float(*f),
            Val::String(s) => Item::String(s.clone()),
            Val::Date(d) => Item::Date(*d),
            Val::List(items) => {
                Item::List(items.iter().map(|i| self.item(i)).collect::<Result<_>>()?)
            }
            Val::Map(m) => Item::Map(
                m.iter()
                    .map(|(k, v)| Ok((k.clone(), self.item(v)?)))
                    .collect::<Result<_>>()?,
            ),
            Val::Node(id) => Item::Node(self.node_item(*id)?),
            Val::Rel(id) => Item::Rel(self.rel_item(*id)?),
            Val::Path(p) => Item::Path(PathItem {
                nodes: p
                    .nodes
                    .iter()
                    .map(|n| self.node_item(*n))
                    .collect::<Result<_>>()?,
                rels: p
                    .rels
                    .iter()
                    .map(|r| self.rel_item(*r))
                    .collect::<Result<_>>()?,
            }),
        })
    }
}
