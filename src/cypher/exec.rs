//! Runs an analysed statement over `&mut Graph`, clause by clause: each
//! clause turns the full list of rows into the next (eager, so a write
//! never sees rows it produced itself), and the last `RETURN` becomes the
//! result `Table`.

use std::collections::BTreeMap;

use super::ast::{
    Clause, Expr, Merge, PatternPart, Projection, RemoveItem, SetItem, SingleQuery, Statement,
};
use super::error::{ErrorKind, Phase, QueryError};
use super::expr::{eval, type_error, Env, Reader};
use super::pattern::{CompiledPart, Matcher, NodeStep, RelStep, State};
use super::plan::{self, Aggregate};
use super::undo::Journal;
use super::value::{order, Key, Val};
use super::{Options, Params};
use crate::graph::{Graph, Node, NodeId, Rel, RelId, Value};
use crate::table::{Item, NodeItem, PathItem, RelItem, Table};

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
    deleted_nodes: BTreeMap<NodeId, Node>,
    deleted_rels: BTreeMap<RelId, (Rel, NodeId, NodeId)>,
    anon: usize,
    journal: Journal,
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
        for clause in &query.clauses {
            self.check_cancel()?;
            rows = match clause {
                Clause::Match(m) => {
                    self.match_clause(rows, &m.pattern, m.where_clause.as_ref(), m.optional)?
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

    // ------------------------------------------------------------ reading

    /// Gives every node and relationship pattern a slot, adding new names.
    fn compile_parts<'q>(
        &mut self,
        parts: &'q [PatternPart],
        names: &mut Vec<String>,
        hints: &[plan::AnchorHint<'q>],
    ) -> Vec<CompiledPart<'q>> {
        let slot_of = |var: Option<&str>, names: &mut Vec<String>, anon: &mut usize| {
            let name = match var {
                Some(v) => v.to_string(),
                None => {
                    *anon += 1;
                    format!(" anon{anon}")
                }
            };
            match names.iter().rposition(|n| *n == name) {
                Some(i) => i,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            }
        };
        let max_hops = u64::from(self.options.max_hops);
        let mut compiled = Vec::new();
        for part in parts {
            let mut nodes = Vec::new();
            let mut rels = Vec::new();
            let node =
                |n: &'q super::ast::NodePattern, names: &mut Vec<String>, anon: &mut usize| {
                    let hints = n.var.as_ref().map_or_else(Vec::new, |v| {
                        hints
                            .iter()
                            .filter(|h| h.var == v.name)
                            .map(|h| (h.lookup.clone(), h.value))
                            .collect()
                    });
                    NodeStep {
                        slot: slot_of(n.var.as_ref().map(|v| v.name.as_str()), names, anon),
                        labels: n.labels.iter().map(|l| l.name.clone()).collect(),
                        props: n.props.as_ref(),
                        hints,
                    }
                };
            nodes.push(node(&part.start, names, &mut self.anon));
            for (rel, n) in &part.hops {
                rels.push(RelStep {
                    slot: slot_of(
                        rel.var.as_ref().map(|v| v.name.as_str()),
                        names,
                        &mut self.anon,
                    ),
                    types: rel.types.iter().map(|t| t.name.clone()).collect(),
                    direction: rel.direction,
                    length: rel.length.map(|(min, max)| {
                        let min = min.unwrap_or(1);
                        (min, max.unwrap_or(max_hops.max(min)))
                    }),
                    props: rel.props.as_ref(),
                });
                nodes.push(node(n, names, &mut self.anon));
            }
            let path_slot = part
                .var
                .as_ref()
                .map(|v| slot_of(Some(&v.name), names, &mut self.anon));
            compiled.push(CompiledPart {
                kind: part.kind,
                path_slot,
                nodes,
                rels,
            });
        }
        compiled
    }

    fn match_clause(
        &mut self,
        input: Rows,
        pattern: &[PatternPart],
        where_clause: Option<&Expr>,
        optional: bool,
    ) -> Result<Rows> {
        let mut names = input.names.clone();
        let width = names.len();
        let hints = plan::anchor_hints(where_clause, &input.names);
        let parts = self.compile_parts(pattern, &mut names, &hints);
        let added = names.len() - width;
        let reader = self.reader();
        let matcher = Matcher::new(&reader, &names, self.options);
        let mut out = Vec::new();
        for row in input.rows {
            let mut state = widen(&row, added);
            let mut found = Vec::new();
            matcher.match_parts(&parts, &mut state, &mut found)?;
            if let Some(w) = where_clause {
                let mut kept = Vec::new();
                for r in found {
                    let env = Env::Row {
                        names: &names,
                        row: &r,
                    };
                    if eval(w, &env, &reader)? == Val::Bool(true) {
                        kept.push(r);
                    }
                }
                found = kept;
            }
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
            produced = aggregate(&input, &plan, &reader)?;
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

    // ------------------------------------------------------------ writing

    fn props_of(&self, expr: Option<&Expr>, env: &Env<'_>) -> Result<BTreeMap<String, Value>> {
        let Some(expr) = expr else {
            return Ok(BTreeMap::new());
        };
        let reader = self.reader();
        match eval(expr, env, &reader)? {
            Val::Map(m) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    if v.is_null() {
                        continue;
                    }
                    out.insert(k, storable(&v)?);
                }
                Ok(out)
            }
            Val::Null => Ok(BTreeMap::new()),
            other => Err(type_error(
                "InvalidArgumentType",
                format!("properties must be a map, got {}", other.type_name()),
            )),
        }
    }

    /// Creates the unbound parts of a pattern in `state` (one row).
    fn create_parts(
        &mut self,
        parts: &[CompiledPart<'_>],
        names: &[String],
        state: &mut State,
    ) -> Result<()> {
        for part in parts {
            for node in &part.nodes {
                if state.bound[node.slot] {
                    if !matches!(state.row[node.slot], Val::Node(_)) {
                        return Err(type_error(
                            "VariableTypeConflict",
                            "cannot create a relationship to a value that is not a node",
                        ));
                    }
                    continue;
                }
                let props = {
                    let env = Env::Row {
                        names,
                        row: &state.row,
                    };
                    self.props_of(node.props, &env)?
                };
                let id =
                    self.journal
                        .add_node(self.graph, node.labels.iter().cloned().collect(), props);
                state.row[node.slot] = Val::Node(id);
                state.bound[node.slot] = true;
            }
            for (j, rel) in part.rels.iter().enumerate() {
                let (Val::Node(a), Val::Node(b)) = (
                    &state.row[part.nodes[j].slot],
                    &state.row[part.nodes[j + 1].slot],
                ) else {
                    return Err(type_error(
                        "InvalidArgumentType",
                        "cannot create a relationship to a null node",
                    ));
                };
                let (start, end) = match rel.direction {
                    super::ast::RelDirection::Left => (*b, *a),
                    _ => (*a, *b),
                };
                let props = {
                    let env = Env::Row {
                        names,
                        row: &state.row,
                    };
                    self.props_of(rel.props, &env)?
                };
                let rel_type = rel.types.first().cloned().unwrap_or_default();
                let id = self
                    .journal
                    .add_rel(self.graph, start, end, rel_type, props)
                    .map_err(|e| {
                        runtime(
                            ErrorKind::EntityNotFound,
                            "DeletedEntityAccess",
                            e.to_string(),
                        )
                    })?;
                state.row[rel.slot] = Val::Rel(id);
                state.bound[rel.slot] = true;
            }
            if let Some(slot) = part.path_slot {
                let nodes = part
                    .nodes
                    .iter()
                    .filter_map(|n| match state.row[n.slot] {
                        Val::Node(id) => Some(id),
                        _ => None,
                    })
                    .collect();
                let rels = part
                    .rels
                    .iter()
                    .filter_map(|r| match state.row[r.slot] {
                        Val::Rel(id) => Some(id),
                        _ => None,
                    })
                    .collect();
                state.row[slot] = super::functions::path(nodes, rels);
                state.bound[slot] = true;
            }
        }
        Ok(())
    }

    fn create(&mut self, input: Rows, pattern: &[PatternPart]) -> Result<Rows> {
        let mut names = input.names.clone();
        let width = names.len();
        let parts = self.compile_parts(pattern, &mut names, &[]);
        let added = names.len() - width;
        let mut out = Vec::new();
        for row in input.rows {
            let mut state = widen(&row, added);
            self.create_parts(&parts, &names, &mut state)?;
            out.push(state.row);
        }
        Ok(Rows { names, rows: out })
    }

    fn merge(&mut self, input: Rows, merge: &Merge) -> Result<Rows> {
        let mut names = input.names.clone();
        let width = names.len();
        let parts = self.compile_parts(std::slice::from_ref(&merge.pattern), &mut names, &[]);
        let added = names.len() - width;
        let mut out = Vec::new();
        for row in input.rows {
            self.check_cancel()?;
            let fresh = || widen(&row, added);
            let mut found = Vec::new();
            {
                let reader = self.reader();
                let matcher = Matcher::new(&reader, &names, self.options);
                let mut state = fresh();
                matcher.match_parts(&parts, &mut state, &mut found)?;
            }
            if found.is_empty() {
                let mut state = fresh();
                self.check_merge_nulls(&parts, &names, &state)?;
                self.create_parts(&parts, &names, &mut state)?;
                for (on_create, items) in &merge.actions {
                    if *on_create {
                        self.set_items(&names, &state.row, items)?;
                    }
                }
                out.push(state.row);
            } else {
                for r in found {
                    for (on_create, items) in &merge.actions {
                        if !*on_create {
                            self.set_items(&names, &r, items)?;
                        }
                    }
                    out.push(r);
                }
            }
        }
        Ok(Rows { names, rows: out })
    }

    /// MERGE cannot create an element whose pattern property is null.
    fn check_merge_nulls(
        &self,
        parts: &[CompiledPart<'_>],
        names: &[String],
        state: &State,
    ) -> Result<()> {
        let reader = self.reader();
        let env = Env::Row {
            names,
            row: &state.row,
        };
        for part in parts {
            let exprs = part
                .nodes
                .iter()
                .map(|n| n.props)
                .chain(part.rels.iter().map(|r| r.props));
            for e in exprs.flatten() {
                if let Val::Map(m) = eval(e, &env, &reader)? {
                    if let Some((k, _)) = m.iter().find(|(_, v)| v.is_null()) {
                        return Err(runtime(
                            ErrorKind::SemanticError,
                            "MergeReadOwnWrites",
                            format!("cannot merge using null property value for `{k}`"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn set_items(&mut self, names: &[String], row: &[Val], items: &[SetItem]) -> Result<()> {
        for item in items {
            let env = Env::Row { names, row };
            match item {
                SetItem::Property { target, key, value } => {
                    let (target, value) = {
                        let reader = self.reader();
                        (eval(target, &env, &reader)?, eval(value, &env, &reader)?)
                    };
                    let value = storable(&value)?;
                    self.set_property(&target, &key.name, value)?;
                }
                SetItem::Replace { var, value } | SetItem::Merge { var, value } => {
                    let replace = matches!(item, SetItem::Replace { .. });
                    let (target, map) = {
                        let reader = self.reader();
                        let target = env.lookup(&var.name).cloned().unwrap_or(Val::Null);
                        let map = match eval(value, &env, &reader)? {
                            Val::Map(m) => m,
                            Val::Node(id) => reader
                                .node(id)?
                                .properties
                                .iter()
                                .map(|(k, v)| (k.clone(), Val::from(v)))
                                .collect(),
                            Val::Rel(id) => reader
                                .rel(id)?
                                .properties
                                .iter()
                                .map(|(k, v)| (k.clone(), Val::from(v)))
                                .collect(),
                            Val::Null => BTreeMap::new(),
                            other => {
                                return Err(type_error(
                                    "InvalidArgumentType",
                                    format!("expected a map, got {}", other.type_name()),
                                ))
                            }
                        };
                        (target, map)
                    };
                    if target.is_null() {
                        continue;
                    }
                    if replace {
                        let mut props = BTreeMap::new();
                        for (k, v) in &map {
                            if !v.is_null() {
                                props.insert(k.clone(), storable(v)?);
                            }
                        }
                        match target {
                            Val::Node(id) => {
                                self.journal.replace_node_properties(self.graph, id, props)
                            }
                            Val::Rel(id) => {
                                self.journal.replace_rel_properties(self.graph, id, props)
                            }
                            other => {
                                return Err(type_error(
                                    "InvalidArgumentType",
                                    format!("cannot set properties on a {}", other.type_name()),
                                ))
                            }
                        }
                        .map_err(|e| {
                            runtime(
                                ErrorKind::EntityNotFound,
                                "DeletedEntityAccess",
                                e.to_string(),
                            )
                        })?;
                    } else {
                        for (k, v) in &map {
                            self.set_property(&target, k, storable(v)?)?;
                        }
                    }
                }
                SetItem::Labels { var, labels } => match env.lookup(&var.name) {
                    Some(Val::Node(id)) => {
                        let id = *id;
                        for l in labels {
                            self.journal
                                .add_label(self.graph, id, &l.name)
                                .map_err(|e| {
                                    runtime(
                                        ErrorKind::EntityNotFound,
                                        "DeletedEntityAccess",
                                        e.to_string(),
                                    )
                                })?;
                        }
                    }
                    Some(Val::Null) | None => {}
                    Some(other) => {
                        return Err(type_error(
                            "InvalidArgumentType",
                            format!("cannot set labels on a {}", other.type_name()),
                        ))
                    }
                },
            }
        }
        Ok(())
    }

    fn set_property(&mut self, target: &Val, key: &str, value: Value) -> Result<()> {
        let result = match target {
            Val::Null => return Ok(()),
            Val::Node(id) => self.journal.set_node_property(self.graph, *id, key, value),
            Val::Rel(id) => self.journal.set_rel_property(self.graph, *id, key, value),
            other => {
                return Err(type_error(
                    "InvalidArgumentType",
                    format!("cannot set a property on a {}", other.type_name()),
                ))
            }
        };
        result.map(|_| ()).map_err(|e| {
            runtime(
                ErrorKind::EntityNotFound,
                "DeletedEntityAccess",
                e.to_string(),
            )
        })
    }

    fn remove_items(&mut self, names: &[String], row: &[Val], items: &[RemoveItem]) -> Result<()> {
        for item in items {
            let env = Env::Row { names, row };
            match item {
                RemoveItem::Property { target, key } => {
                    let target = eval(target, &env, &self.reader())?;
                    self.set_property(&target, &key.name, Value::Null)?;
                }
                RemoveItem::Labels { var, labels } => {
                    if let Some(Val::Node(id)) = env.lookup(&var.name) {
                        let id = *id;
                        for l in labels {
                            self.journal
                                .remove_label(self.graph, id, &l.name)
                                .map_err(|e| {
                                    runtime(
                                        ErrorKind::EntityNotFound,
                                        "DeletedEntityAccess",
                                        e.to_string(),
                                    )
                                })?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn delete(&mut self, input: Rows, exprs: &[Expr], detach: bool) -> Result<Rows> {
        let mut nodes = Vec::new();
        let mut rels = Vec::new();
        {
            let reader = self.reader();
            for row in &input.rows {
                let env = Env::Row {
                    names: &input.names,
                    row,
                };
                for e in exprs {
                    match eval(e, &env, &reader)? {
                        Val::Null => {}
                        Val::Node(id) => nodes.push(id),
                        Val::Rel(id) => rels.push(id),
                        Val::Path(p) => {
                            nodes.extend(p.nodes.iter().copied());
                            rels.extend(p.rels.iter().copied());
                        }
                        other => {
                            return Err(type_error(
                                "InvalidArgumentType",
                                format!("cannot delete a {}", other.type_name()),
                            )
                            .with_span(e.span))
                        }
                    }
                }
            }
        }
        for id in rels {
            self.delete_rel(id);
        }
        nodes.sort();
        nodes.dedup();
        for &id in &nodes {
            if !self.graph.contains_node(id) {
                continue;
            }
            let adjacent = self.graph.adjacent(id, crate::graph::Direction::Both);
            if !adjacent.is_empty() {
                if !detach {
                    return Err(runtime(
                        ErrorKind::ConstraintVerificationFailed,
                        "DeleteConnectedNode",
                        "cannot delete a node that still has relationships; use DETACH DELETE",
                    ));
                }
                for a in adjacent {
                    self.delete_rel(a.rel);
                }
            }
            if let Ok(node) = self.journal.remove_node(self.graph, id) {
                self.deleted_nodes.insert(id, node);
            }
        }
        Ok(input)
    }

    fn delete_rel(&mut self, id: RelId) {
        if let Ok((rel, s, e)) = self.journal.remove_rel(self.graph, id) {
            self.deleted_rels.insert(id, (rel, s, e));
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
        let node = match self.graph.node(id) {
            Some(n) => n,
            None => self.deleted_nodes.get(&id).ok_or_else(|| {
                runtime(
                    ErrorKind::EntityNotFound,
                    "DeletedEntityAccess",
                    "node not found",
                )
            })?,
        };
        Ok(NodeItem {
            id,
            labels: node.labels.iter().cloned().collect(),
            properties: node.properties.clone(),
        })
    }

    fn rel_item(&self, id: RelId) -> Result<RelItem> {
        if let (Some(rel), Some((start, end))) = (self.graph.rel(id), self.graph.endpoints(id)) {
            return Ok(RelItem {
                id,
                rel_type: rel.rel_type.clone(),
                start,
                end,
                properties: rel.properties.clone(),
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

/// A value as a property, or the TCK's `InvalidPropertyType` error.
fn storable(v: &Val) -> Result<Value> {
    v.to_property().ok_or_else(|| {
        type_error(
            "InvalidPropertyType",
            format!("a {} cannot be stored as a property", v.type_name()),
        )
    })
}

/// Groups rows by the non-aggregate items and runs the aggregates per group.
fn aggregate(
    input: &Rows,
    plan: &plan::ProjectionPlan,
    reader: &Reader<'_>,
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
    for row in &input.rows {
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
