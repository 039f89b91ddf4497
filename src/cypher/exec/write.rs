//! The write clauses: CREATE, MERGE, SET, REMOVE and DELETE. Every change
//! goes through the statement's undo journal, so a failing statement
//! leaves the graph as it found it.

use std::collections::BTreeMap;

use super::{deleted_entity, runtime, widen, Exec, Result, Rows};
use crate::cypher::ast::{Expr, Merge, PatternPart, RemoveItem, SetItem};
use crate::cypher::error::ErrorKind;
use crate::cypher::expr::{eval, type_error, Env};
use crate::cypher::pattern::{compile_parts, CompiledPart, Matcher, State};
use crate::cypher::value::Val;
use crate::graph::{RelId, Value};

impl Exec<'_, '_> {
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
                let id = self.journal.add_node(
                    self.graph,
                    node.labels.iter().map(|l| l.name().to_string()).collect(),
                    props,
                );
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
                    crate::cypher::ast::RelDirection::Left => (*b, *a),
                    _ => (*a, *b),
                };
                let props = {
                    let env = Env::Row {
                        names,
                        row: &state.row,
                    };
                    self.props_of(rel.props, &env)?
                };
                let rel_type = rel
                    .types
                    .first()
                    .map(|t| t.name().to_string())
                    .unwrap_or_default();
                let id = self
                    .journal
                    .add_rel(self.graph, start, end, rel_type, props)
                    .map_err(deleted_entity)?;
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
                state.row[slot] = crate::cypher::functions::path(nodes, rels);
                state.bound[slot] = true;
            }
        }
        Ok(())
    }

    /// Compiles the pattern of a CREATE or MERGE against the input's
    /// columns: the columns with the pattern's new variables after them,
    /// the compiled parts, and how many columns were added.
    fn compile_write_pattern<'p>(
        &mut self,
        input: &Rows,
        pattern: &'p [PatternPart],
    ) -> (Vec<String>, Vec<CompiledPart<'p>>, usize) {
        let mut names = input.names.clone();
        let parts = compile_parts(
            pattern,
            &mut names,
            &[],
            &mut self.anon,
            u64::from(self.options.max_hops),
        );
        let added = names.len() - input.names.len();
        (names, parts, added)
    }

    pub(super) fn create(&mut self, input: Rows, pattern: &[PatternPart]) -> Result<Rows> {
        let (names, parts, added) = self.compile_write_pattern(&input, pattern);
        let mut out = Vec::new();
        for row in input.rows {
            let mut state = widen(&row, added);
            self.create_parts(&parts, &names, &mut state)?;
            out.push(state.row);
        }
        Ok(Rows { names, rows: out })
    }

    pub(super) fn merge(&mut self, input: Rows, merge: &Merge) -> Result<Rows> {
        let (names, parts, added) =
            self.compile_write_pattern(&input, std::slice::from_ref(&merge.pattern));
        let mut out = Vec::new();
        for row in input.rows {
            self.check_cancel()?;
            let fresh = || widen(&row, added);
            let found = {
                let reader = self.reader();
                let matcher = Matcher::new(&reader, &names, self.options);
                let mut state = fresh();
                matcher.collect(&parts, &mut state, usize::MAX)?
            };
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

    pub(super) fn set_items(
        &mut self,
        names: &[String],
        row: &[Val],
        items: &[SetItem],
    ) -> Result<()> {
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
                                .properties()
                                .into_iter()
                                .map(|(k, v)| (k, Val::from(&v)))
                                .collect(),
                            Val::Rel(id) => reader
                                .rel(id)?
                                .properties()
                                .into_iter()
                                .map(|(k, v)| (k, Val::from(&v)))
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
                        .map_err(deleted_entity)?;
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
                                .map_err(deleted_entity)?;
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
        result.map(|_| ()).map_err(deleted_entity)
    }

    pub(super) fn remove_items(
        &mut self,
        names: &[String],
        row: &[Val],
        items: &[RemoveItem],
    ) -> Result<()> {
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
                                .map_err(deleted_entity)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub(super) fn delete(&mut self, input: Rows, exprs: &[Expr], detach: bool) -> Result<Rows> {
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
