//! Runs an analysed statement over `&mut Graph`, clause by clause: each
//! clause turns the full list of rows into the next (eager, so a write
//! never sees rows it produced itself), and the last `RETURN` becomes the
//! result `Table`.

use std::collections::BTreeMap;

use super::ast::{Clause, Expr, PatternPart, Projection, SingleQuery, Statement};
use super::error::{ErrorKind, Phase, QueryError};
use super::expr::{eval, Env, Reader};
use super::pattern::{compile_parts, Matcher, State};
use super::plan::{self, Aggregate};
use super::undo::Journal;
use super::value::{order, Key, Val};
use super::{Options, Params};
use crate::graph::{Graph, NodeData, NodeId, RelData, RelId};
use crate::table::{Item, NodeItem, PathItem, RelItem, Table};

mod write;

type Result<T> = std::result::Result<T, QueryError>;

/// Rows flowing between clauses: `names[i]` names column `i` of each row.
#[derive(Debug, Clone)]
struct Rows {
    names: Vec<String>,
    rows: Vec<Vec<Val>>,
}

/// Executes a statement (with its UNIONs) and returns its result.
pub fn execute(
    graph: &mut Graph,
    statement: &Statement,
    params: &Params,
    options: &Options,
) -> Result<Table> {
    let mut exec = Exec {
        graph,
        params,
        options,
        deleted_nodes: BTreeMap::new(),
        deleted_rels: BTreeMap::new(),
        anon: 0,
        journal: Journal::default(),
        ticks: std::cell::Cell::new(0),
    };
    let result = exec.statement(statement);
    if result.is_err() {
        let journal = std::mem::take(&mut exec.journal);
        journal.rollback(exec.graph);
    }
    result
}

struct Exec<'g> {
    graph: &'g mut Graph,
    params: &'g Params,
    options: &'g Options,
    deleted_nodes: BTreeMap<NodeId, NodeData>,
    deleted_rels: BTreeMap<RelId, (RelData, NodeId, NodeId)>,
    anon: usize,
    journal: Journal,
    ticks: std::cell::Cell<u64>,
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

impl Exec<'_> {
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

    fn single_query(&mut self, query: &SingleQuery) -> Result<Rows> {
        let mut rows = Rows {
            names: Vec::new(),
            rows: vec![Vec::new()],
        };
        let mut returned = None;
        for (i, clause) in query.clauses.iter().enumerate() {
            self.check_cancel()?;
            rows = match clause {
                Clause::Match(m) => {
                    let row_limit = if m.optional {
                        usize::MAX
                    } else {
                        self.rows_needed(query.clauses.get(i + 1))
                    };
                    self.match_clause(
                        rows,
                        &m.pattern,
                        m.where_clause.as_ref(),
                        m.optional,
                        row_limit,
                    )?
                }
                Clause::Unwind { expr, var, .. } => self.unwind(rows, expr, &var.name)?,
                Clause::Create { pattern, .. } => self.create(rows, pattern)?,
                Clause::Merge(m) => self.merge(rows, m)?,
                Clause::Set { items, .. } => {
                    for row in &rows.rows {
                        self.set_items(&rows.names, row, items)?;
                    }
                    rows
                }
                Clause::Delete { detach, exprs, .. } => self.delete(rows, exprs, *detach)?,
                Clause::Remove { items, .. } => {
                    for row in &rows.rows {
                        self.remove_items(&rows.names, row, items)?;
                    }
                    rows
                }
                Clause::With(p) => self.project(rows, p)?,
                Clause::Return(p) => {
                    let out = self.project(rows, p)?;
                    returned = Some(out.clone());
                    out
                }
            };
        }
        Ok(returned.unwrap_or(Rows {
            names: Vec::new(),
            rows: Vec::new(),
        }))
    }

    /// How many rows the clause after a MATCH can use: SKIP + LIMIT when
    /// it is a projection that keeps rows one for one (no ORDER BY,
    /// DISTINCT or aggregation), else all of them.
    fn rows_needed(&self, next: Option<&Clause>) -> usize {
        let (Some(Clause::Return(p)) | Some(Clause::With(p))) = next else {
            return usize::MAX;
        };
        if !p.order_by.is_empty()
            || p.distinct
            || p.items.iter().any(|i| plan::has_aggregate(&i.expr))
        {
            return usize::MAX;
        }
        let (Ok(Some(limit)), Ok(skip)) = (
            self.count_argument(p.limit.as_ref(), "LIMIT"),
            self.count_argument(p.skip.as_ref(), "SKIP"),
        ) else {
            return usize::MAX;
        };
        limit.saturating_add(skip.unwrap_or(0))
    }

    // ------------------------------------------------------------ reading

    fn match_clause(
        &mut self,
        input: Rows,
        pattern: &[PatternPart],
        where_clause: Option<&Expr>,
        optional: bool,
        row_limit: usize,
    ) -> Result<Rows> {
        let mut names = input.names.clone();
        let width = names.len();
        let hints = plan::anchor_hints(where_clause, &input.names);
        let parts = compile_parts(
            pattern,
            &mut names,
            &hints,
            &mut self.anon,
            u64::from(self.options.max_hops),
        );
        let added = names.len() - width;
        let reader = self.reader();
        let matcher = Matcher::new(&reader, &names, self.options).with_filter(where_clause);
        let mut out = Vec::new();
        for row in input.rows {
            if out.len() >= row_limit {
                break;
            }
            let mut state = widen(&row, added);
            let mut found = Vec::new();
            matcher.set_limit(row_limit - out.len());
            matcher.match_parts(&parts, &mut state, &mut found)?;
            if found.is_empty() && optional {
                let mut r = row;
                r.resize(width + added, Val::Null);
                out.push(r);
            } else {
                out.extend(found);
            }
        }
        Ok(Rows { names, rows: out })
    }

    fn unwind(&mut self, input: Rows, expr: &Expr, var: &str) -> Result<Rows> {
        let reader = self.reader();
        let mut names = input.names.clone();
        names.push(var.to_string());
        let mut out = Vec::new();
        for row in input.rows {
            self.check_cancel_every()?;
            let value = eval(
                expr,
                &Env::Row {
                    names: &input.names,
                    row: &row,
                },
                &reader,
            )?;
            let items = match value {
                Val::List(items) => items,
                Val::Null => Vec::new(),
                other => vec![other],
            };
            for item in items {
                let mut r = row.clone();
                r.push(item);
                out.push(r);
            }
        }
        Ok(Rows { names, rows: out })
    }

    // ------------------------------------------------------------ projection

    fn project(&mut self, input: Rows, p: &Projection) -> Result<Rows> {
        let reader = self.reader();
        let plan = plan::projection(p, &input.names);
        // (input row, output values, aggregate results)
        let mut produced: Vec<Produced> = Vec::new();
        if plan.aggregates.is_empty() {
            for row in input.rows {
                self.check_cancel_every()?;
                let env = Env::Row {
                    names: &input.names,
                    row: &row,
                };
                let out = plan
                    .items
                    .iter()
                    .map(|(_, e)| eval(e, &env, &reader))
                    .collect::<Result<Vec<_>>>()?;
                produced.push((row, out, Vec::new()));
            }
        } else {
            produced = aggregate(&input, &plan, &reader, self.options)?;
        }
        let item_names: Vec<String> = plan.items.iter().map(|(n, _)| n.clone()).collect();
        if p.distinct {
            let mut seen = std::collections::BTreeSet::new();
            produced.retain(|(_, out, _)| seen.insert(Key(out.clone())));
        }
        if !p.order_by.is_empty() {
            let mut sort_names = input.names.clone();
            sort_names.extend(item_names.iter().cloned());
            let mut keyed = Vec::with_capacity(produced.len());
            for (row, out, aggs) in produced {
                let mut full = row.clone();
                if full.len() < input.names.len() {
                    full.resize(input.names.len(), Val::Null);
                }
                full.extend(out.iter().cloned());
                let row_env = Env::Row {
                    names: &sort_names,
                    row: &full,
                };
                let env = Env::Aggregates {
                    values: &aggs,
                    parent: &row_env,
                };
                let mut keys = Vec::new();
                for (sort, same_as_item) in p.order_by.iter().zip(&plan.order_matches) {
                    keys.push(match same_as_item {
                        Some(i) => out[*i].clone(),
                        None => eval(&sort.expr, &env, &reader)?,
                    });
                }
                keyed.push((keys, (row, out, aggs)));
            }
            keyed.sort_by(|(a, _), (b, _)| {
                for ((x, y), sort) in a.iter().zip(b).zip(&p.order_by) {
                    let o = order(x, y);
                    let o = if sort.descending { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
            produced = keyed.into_iter().map(|(_, p)| p).collect();
        }
        let skip = self.count_argument(p.skip.as_ref(), "SKIP")?.unwrap_or(0);
        let limit = self.count_argument(p.limit.as_ref(), "LIMIT")?;
        let mut kept: Vec<Produced> = produced
            .into_iter()
            .skip(skip)
            .take(limit.unwrap_or(usize::MAX))
            .collect();
        if let Some(w) = &p.where_clause {
            // WITH ... WHERE sees the projected names and the earlier ones.
            let reader = self.reader();
            let mut where_names = input.names.clone();
            where_names.extend(item_names.iter().cloned());
            let mut filtered = Vec::new();
            for (row, out, aggs) in kept {
                let mut full = row.clone();
                full.resize(input.names.len(), Val::Null);
                full.extend(out.iter().cloned());
                let env = Env::Row {
                    names: &where_names,
                    row: &full,
                };
                if eval(w, &env, &reader)? == Val::Bool(true) {
                    filtered.push((row, out, aggs));
                }
            }
            kept = filtered;
        }
        let rows: Vec<Vec<Val>> = kept.into_iter().map(|(_, out, _)| out).collect();
        Ok(Rows {
            names: item_names,
            rows,
        })
    }

    /// The value of `SKIP`/`LIMIT`: a non-negative integer.
    fn count_argument(&self, expr: Option<&Expr>, what: &str) -> Result<Option<usize>> {
        let Some(expr) = expr else {
            return Ok(None);
        };
        let reader = self.reader();
        let value = eval(
            expr,
            &Env::Row {
                names: &[],
                row: &[],
            },
            &reader,
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

    // ------------------------------------------------------------ output

    fn to_table(&self, rows: Rows) -> Result<Table> {
        let mut out = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            out.push(
                row.iter()
                    .map(|v| self.item(v))
                    .collect::<Result<Vec<_>>>()?,
            );
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

/// A projected row: the input row, the output values and the aggregate
/// results it was computed with (ORDER BY may need all three).
type Produced = (Vec<Val>, Vec<Val>, Vec<(usize, Val)>);

/// The matching state for one input row with `added` unbound slots.
fn widen(row: &[Val], added: usize) -> State {
    let mut values = row.to_vec();
    values.resize(row.len() + added, Val::Null);
    let mut bound = vec![true; row.len()];
    bound.resize(row.len() + added, false);
    State::new(values, bound)
}

/// Groups rows by the non-aggregate items and runs the aggregates per group.
fn aggregate(
    input: &Rows,
    plan: &plan::ProjectionPlan,
    reader: &Reader<'_>,
    options: &Options,
) -> Result<Vec<Produced>> {
    let key_items: Vec<usize> = (0..plan.items.len())
        .filter(|i| !plan.item_has_aggregate[*i])
        .collect();
    let mut index: BTreeMap<Key, usize> = BTreeMap::new();
    let mut groups: Vec<(Vec<Val>, Vec<super::functions::Accumulator>)> = Vec::new();
    let fresh = |aggs: &[Aggregate]| {
        aggs.iter()
            .map(|a| super::functions::Accumulator::new(a.name.as_deref(), a.distinct))
            .collect::<Vec<_>>()
    };
    for (n, row) in input.rows.iter().enumerate() {
        if n % 4096 == 4095 && options.is_cancelled() {
            return Err(super::cancelled());
        }
        let env = Env::Row {
            names: &input.names,
            row,
        };
        let key = key_items
            .iter()
            .map(|&i| eval(&plan.items[i].1, &env, reader))
            .collect::<Result<Vec<_>>>()?;
        let g = *index.entry(Key(key)).or_insert_with(|| {
            groups.push((row.clone(), fresh(&plan.aggregates)));
            groups.len() - 1
        });
        for (acc, agg) in groups[g].1.iter_mut().zip(&plan.aggregates) {
            let value = match &agg.arg {
                Some(a) => eval(a, &env, reader)?,
                None => Val::Null,
            };
            acc.add(value)?;
        }
    }
    if groups.is_empty() && key_items.is_empty() {
        groups.push((vec![Val::Null; input.names.len()], fresh(&plan.aggregates)));
    }
    let mut out = Vec::with_capacity(groups.len());
    for (row, accs) in groups {
        let values: Vec<(usize, Val)> = plan
            .aggregates
            .iter()
            .zip(accs)
            .map(|(a, acc)| (a.at, acc.finish()))
            .collect();
        let row_env = Env::Row {
            names: &input.names,
            row: &row,
        };
        let env = Env::Aggregates {
            values: &values,
            parent: &row_env,
        };
        let items = plan
            .items
            .iter()
            .map(|(_, e)| eval(e, &env, reader))
            .collect::<Result<Vec<_>>>()?;
        out.push((row, items, values));
    }
    Ok(out)
}
