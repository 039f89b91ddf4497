//! Pattern matching: finds every way a MATCH (or MERGE) pattern binds in the
//! graph, extending one input row. Each part starts from its cheapest
//! anchor (a bound variable, an indexed property, the rarest label, else a
//! scan) and expands outwards; relationships are never used twice in one
//! pattern. `shortestPath`/`allShortestPaths` run a breadth-first search.

use std::collections::{BTreeMap, HashMap};

use super::ast::{Expr, NodePattern, PathKind, PatternPart, RelDirection};
use super::budget::size_of_row;
use super::error::QueryError;
use super::expr::compiled::{Compiled, Cx, Interned};
use super::expr::{eval, Env, Reader};
use super::parser::shape::MAX_PATTERN_LENGTH;
use super::plan::{AnchorHint, Lookup};
use super::value::{equals, PathVal, Val};
use super::Options;
use crate::graph::{Adjacent, Direction, NodeId, RelId, INDEXED_KEYS};

type Result<T> = std::result::Result<T, QueryError>;

/// A node pattern resolved to its slot in the row.
#[derive(Debug, Clone)]
pub struct NodeStep<'q> {
    pub slot: usize,
    pub labels: Vec<Interned>,
    pub props: Option<&'q Expr>,
    /// WHERE equalities an index can answer for this node.
    pub hints: Vec<(Lookup, &'q Expr)>,
}

/// A relationship pattern resolved to its slot in the row.
#[derive(Debug, Clone)]
pub struct RelStep<'q> {
    pub slot: usize,
    pub types: Vec<Interned>,
    pub direction: RelDirection,
    /// `Some((min, max))` for variable length, bounds resolved.
    pub length: Option<(u64, u64)>,
    pub props: Option<&'q Expr>,
}

/// One comma-separated part of a pattern, ready to match.
#[derive(Debug, Clone)]
pub struct CompiledPart<'q> {
    pub kind: PathKind,
    pub path_slot: Option<usize>,
    pub nodes: Vec<NodeStep<'q>>,
    pub rels: Vec<RelStep<'q>>,
}

/// The working row while matching: values and whether each slot is bound.
pub struct State {
    pub row: Vec<Val>,
    pub bound: Vec<bool>,
    used: Vec<RelId>,
}

impl State {
    pub fn new(row: Vec<Val>, bound: Vec<bool>) -> State {
        State {
            row,
            bound,
            used: Vec::new(),
        }
    }
}

type Props = Option<BTreeMap<String, Val>>;

/// The row slots of pattern variables: a variable's existing column (the
/// newest of that name), else a new column. An unnamed element always gets
/// a new column with a hidden name (starting with a space). Past a few
/// dozen names they are found through a map, so a pattern of n elements
/// costs O(n), not O(n²); a short pattern (compiled once per row by
/// pattern expressions) makes no map.
struct Slots<'n> {
    names: &'n mut Vec<String>,
    newest: Option<rustc_hash::FxHashMap<String, usize>>,
    anon: &'n mut usize,
}

impl<'n> Slots<'n> {
    /// Up to this many names a linear search is cheaper than a map.
    const LINEAR: usize = 32;

    fn new(names: &'n mut Vec<String>, anon: &'n mut usize) -> Slots<'n> {
        Slots {
            names,
            newest: None,
            anon,
        }
    }

    fn find(&mut self, name: &str) -> Option<usize> {
        if self.newest.is_none() && self.names.len() > Self::LINEAR {
            let map = self
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.clone(), i))
                .collect();
            self.newest = Some(map);
        }
        match &self.newest {
            Some(map) => map.get(name).copied(),
            None => self.names.iter().rposition(|n| n == name),
        }
    }

    fn slot_of(&mut self, var: Option<&str>) -> usize {
        let name = match var {
            Some(v) => v.to_string(),
            None => loop {
                *self.anon += 1;
                let name = format!(" anon{}", self.anon);
                if self.find(&name).is_none() {
                    break name;
                }
            },
        };
        if let Some(i) = self.find(&name) {
            return i;
        }
        self.names.push(name.clone());
        let slot = self.names.len() - 1;
        if let Some(map) = self.newest.as_mut() {
            map.insert(name, slot);
        }
        slot
    }
}

/// Gives every node and relationship pattern a slot, adding new names.
/// Variable lengths written without a maximum stop at `max_hops`.
pub fn compile_parts<'q>(
    parts: &'q [PatternPart],
    names: &mut Vec<String>,
    hints: &[AnchorHint<'q>],
    anon: &mut usize,
    max_hops: u64,
) -> Vec<CompiledPart<'q>> {
    let mut slots = Slots::new(names, anon);
    let node = |n: &'q NodePattern, slots: &mut Slots<'_>| {
        let hints = n.var.as_ref().map_or_else(Vec::new, |v| {
            hints
                .iter()
                .filter(|h| h.var == v.name)
                .map(|h| (h.lookup.clone(), h.value))
                .collect()
        });
        NodeStep {
            slot: slots.slot_of(n.var.as_ref().map(|v| v.name.as_str())),
            labels: n.labels.iter().map(|l| Interned::new(&l.name)).collect(),
            props: n.props.as_ref(),
            hints,
        }
    };
    let mut compiled = Vec::new();
    for part in parts {
        let mut nodes = vec![node(&part.start, &mut slots)];
        let mut rels = Vec::new();
        for (rel, n) in &part.hops {
            rels.push(RelStep {
                slot: slots.slot_of(rel.var.as_ref().map(|v| v.name.as_str())),
                types: rel.types.iter().map(|t| Interned::new(&t.name)).collect(),
                direction: rel.direction,
                length: rel.length.map(|(min, max)| {
                    // the walk recurses once per hop, so no bound goes past
                    // the longest pattern (explicit bounds are checked
                    // after parsing)
                    let max_hops = max_hops.min(MAX_PATTERN_LENGTH as u64);
                    let min = min.unwrap_or(1);
                    (min, max.unwrap_or(max_hops.max(min)))
                }),
                props: rel.props.as_ref(),
            });
            nodes.push(node(n, &mut slots));
        }
        let path_slot = part.var.as_ref().map(|v| slots.slot_of(Some(&v.name)));
        compiled.push(CompiledPart {
            kind: part.kind,
            path_slot,
            nodes,
            rels,
        });
    }
    compiled
}

/// Breadth-first search state: depth and predecessors of each reached node.
type Reached = HashMap<NodeId, (u64, Vec<(NodeId, RelId)>)>;

pub struct Matcher<'a> {
    pub reader: &'a Reader<'a>,
    pub names: &'a [String],
    pub options: &'a Options,
    steps_done: std::cell::Cell<u64>,
    /// Only full bindings for which this is true are kept (MATCH's WHERE),
    /// compiled against `names`.
    filter: Option<Compiled<'a>>,
    /// Set once the consumer of the rows returned `Flow::Stop`.
    stopped: std::cell::Cell<bool>,
    /// Adjacency lists being walked give their buffer back here, so an
    /// expansion allocates only while the deepest walk so far grows.
    buffers: std::cell::RefCell<Vec<Vec<Adjacent>>>,
}

/// Whether a consumer of rows wants more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Where a matcher hands each full binding: the row, borrowed; the
/// consumer copies what it keeps.
pub type Emit<'e> = dyn FnMut(&[Val]) -> Result<Flow> + 'e;

struct Step {
    rel: usize,
    from: usize,
    to: usize,
    reverse: bool,
}

/// What stays fixed while one pattern part is matched step by step: the
/// part, the parts after it, its steps in walking order and its evaluated
/// property maps.
#[derive(Clone, Copy)]
struct PartWalk<'w, 'q> {
    part: &'w CompiledPart<'q>,
    rest: &'w [CompiledPart<'q>],
    steps: &'w [Step],
    node_props: &'w [Props],
    rel_props: &'w [Props],
}

/// A variable-length relationship: its step, direction and length range.
struct Hops {
    si: usize,
    direction: Direction,
    range: (u64, u64),
}

impl<'a> Matcher<'a> {
    pub fn new(reader: &'a Reader<'a>, names: &'a [String], options: &'a Options) -> Matcher<'a> {
        Matcher {
            reader,
            names,
            options,
            steps_done: std::cell::Cell::new(0),
            filter: None,
            stopped: std::cell::Cell::new(false),
            buffers: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// Keeps only the bindings for which `filter` is true.
    pub fn with_filter(mut self, filter: Option<&'a Expr>) -> Matcher<'a> {
        self.filter = filter.map(|f| Compiled::new(f, self.names, self.reader));
        self
    }

    /// Every binding of `parts` extending `state`, up to `limit` of them.
    pub fn collect(
        &self,
        parts: &[CompiledPart<'_>],
        state: &mut State,
        limit: usize,
    ) -> Result<Vec<Vec<Val>>> {
        let mut found = Vec::new();
        if limit == 0 {
            return Ok(found);
        }
        self.stopped.set(false);
        let mut bytes = 0;
        self.match_parts(parts, state, &mut |row: &[Val]| {
            bytes += size_of_row(row);
            self.reader.budget.check(bytes)?;
            found.push(row.to_vec());
            Ok(if found.len() >= limit {
                Flow::Stop
            } else {
                Flow::Continue
            })
        })?;
        Ok(found)
    }

    /// A node's relationships in one direction, by id (so results come
    /// in the order the relationships were made), in a reused buffer.
    fn sorted_edges(&self, from: NodeId, direction: Direction) -> Vec<Adjacent> {
        let mut edges = self.buffers.borrow_mut().pop().unwrap_or_default();
        edges.clear();
        edges.extend(self.reader.graph.edges(from, direction));
        edges.sort_unstable_by_key(|a| a.rel);
        edges
    }

    fn recycle(&self, edges: Vec<Adjacent>) {
        self.buffers.borrow_mut().push(edges);
    }

    /// Matching starts afresh for the next input row.
    pub fn reset(&self) {
        self.stopped.set(false);
    }

    /// Whether the consumer asked for no more rows.
    fn full(&self) -> bool {
        self.stopped.get()
    }

    fn tick(&self) -> Result<()> {
        let n = self.steps_done.get() + 1;
        self.steps_done.set(n);
        if n.is_multiple_of(4096) && self.options.is_cancelled() {
            return Err(super::cancelled());
        }
        Ok(())
    }

    /// Every binding of `parts` that extends `state`, as full rows.
    pub fn match_parts(
        &self,
        parts: &[CompiledPart<'_>],
        state: &mut State,
        out: &mut Emit<'_>,
    ) -> Result<()> {
        let Some((part, rest)) = parts.split_first() else {
            if let Some(filter) = &self.filter {
                let cx = Cx {
                    names: self.names,
                    row: &state.row,
                    reader: self.reader,
                };
                if !filter.eval(&cx)?.is_true() {
                    return Ok(());
                }
            }
            if out(&state.row)? == Flow::Stop {
                self.stopped.set(true);
            }
            return Ok(());
        };
        let env_row = state.row.clone();
        let env = Env::Row {
            names: self.names,
            row: &env_row,
        };
        let node_props = part
            .nodes
            .iter()
            .map(|n| self.eval_props(n.props, &env))
            .collect::<Result<Vec<_>>>()?;
        let rel_props = part
            .rels
            .iter()
            .map(|r| self.eval_props(r.props, &env))
            .collect::<Result<Vec<_>>>()?;
        if part.kind != PathKind::All {
            return self.shortest(part, rest, &node_props, &rel_props, state, out);
        }
        let mut lookups = Vec::with_capacity(part.nodes.len());
        for node in &part.nodes {
            lookups.push(self.index_lookup(node, &node_props[lookups.len()], &env)?);
        }
        let anchor = self.choose_anchor(part, &lookups, state);
        let candidates = match &lookups[anchor] {
            Some(ids) if !state.bound[part.nodes[anchor].slot] => ids.clone(),
            _ => self.candidates(&part.nodes[anchor], &node_props[anchor], state),
        };
        let steps = steps_from(anchor, part.rels.len());
        for candidate in candidates {
            self.tick()?;
            if self.full() {
                break;
            }
            let Some(set) =
                self.bind_node(&part.nodes[anchor], &node_props[anchor], candidate, state)?
            else {
                continue;
            };
            let walk = PartWalk {
                part,
                rest,
                steps: &steps,
                node_props: &node_props,
                rel_props: &rel_props,
            };
            self.walk(&walk, 0, state, out)?;
            if set {
                state.bound[part.nodes[anchor].slot] = false;
            }
        }
        Ok(())
    }

    fn eval_props(&self, props: Option<&Expr>, env: &Env<'_>) -> Result<Props> {
        match props {
            None => Ok(None),
            Some(e) => match eval(e, env, self.reader)? {
                Val::Map(m) => Ok(Some(m)),
                Val::Null => Ok(Some(BTreeMap::new())),
                other => Err(super::expr::type_error(
                    "InvalidArgumentType",
                    format!(
                        "pattern properties must be a map, got {}",
                        other.type_name()
                    ),
                )),
            },
        }
    }

    /// The nodes an index gives for a node pattern: from an indexed
    /// property of its map, else from a WHERE equality; `None` when no
    /// index applies.
    fn index_lookup(
        &self,
        node: &NodeStep<'_>,
        props: &Props,
        env: &Env<'_>,
    ) -> Result<Option<Vec<NodeId>>> {
        let graph = self.reader.graph;
        if let Some((key, value)) = indexed_lookup(props) {
            if let Some(ids) = value
                .to_property()
                .and_then(|v| graph.nodes_by_property(key, &v))
            {
                return Ok(Some(ids));
            }
        }
        for (lookup, expr) in &node.hints {
            let Val::String(value) = eval(expr, env, self.reader)? else {
                continue;
            };
            let ids = match lookup {
                Lookup::Property(key) => graph.nodes_by_property(key, &value.into()),
                Lookup::FoldedName => Some(graph.nodes_by_folded_name(&value)),
            };
            if ids.is_some() {
                return Ok(ids);
            }
        }
        Ok(None)
    }

    fn choose_anchor(
        &self,
        part: &CompiledPart<'_>,
        lookups: &[Option<Vec<NodeId>>],
        state: &State,
    ) -> usize {
        let mut best = (u64::MAX, 0);
        for (i, node) in part.nodes.iter().enumerate() {
            let cost = if state.bound[node.slot] {
                0
            } else if let Some(ids) = &lookups[i] {
                1 + ids.len() as u64
            } else if !node.labels.is_empty() {
                1 + node
                    .labels
                    .iter()
                    .map(|l| self.reader.graph.label_count(l.name()) as u64)
                    .min()
                    .unwrap_or(0)
            } else {
                u64::MAX - 1
            };
            if cost < best.0 {
                best = (cost, i);
            }
        }
        best.1
    }

    fn candidates(&self, node: &NodeStep<'_>, props: &Props, state: &State) -> Vec<NodeId> {
        let graph = self.reader.graph;
        if state.bound[node.slot] {
            return match &state.row[node.slot] {
                Val::Node(id) if graph.contains_node(*id) => vec![*id],
                _ => Vec::new(),
            };
        }
        if let Some((key, value)) = indexed_lookup(props) {
            if let Some(ids) = value
                .to_property()
                .and_then(|v| graph.nodes_by_property(key, &v))
            {
                return ids;
            }
        }
        if let Some(label) = node
            .labels
            .iter()
            .min_by_key(|l| graph.label_count(l.name()))
        {
            return graph.nodes_with_label(label.name()).collect();
        }
        graph.node_ids().collect()
    }

    /// Binds `id` at the node's slot when it fits; `Some(true)` when the
    /// slot was newly set (the caller unbinds it), `None` when it does not fit.
    fn bind_node(
        &self,
        node: &NodeStep<'_>,
        props: &Props,
        id: NodeId,
        state: &mut State,
    ) -> Result<Option<bool>> {
        let already = state.bound[node.slot];
        if already && state.row[node.slot] != Val::Node(id) {
            return Ok(None);
        }
        let Some(n) = self.reader.graph.node(id) else {
            return Ok(None);
        };
        let graph = self.reader.graph;
        if !node
            .labels
            .iter()
            .all(|l| l.label(graph).is_some_and(|id| n.has_label_id(id)))
        {
            return Ok(None);
        }
        if !props_match(props, |k| n.property(k)) {
            return Ok(None);
        }
        if already {
            return Ok(Some(false));
        }
        state.row[node.slot] = Val::Node(id);
        state.bound[node.slot] = true;
        Ok(Some(true))
    }

    /// Matches the pattern part from step `si` on, then the other parts.
    fn walk(
        &self,
        walk: &PartWalk<'_, '_>,
        si: usize,
        state: &mut State,
        out: &mut Emit<'_>,
    ) -> Result<()> {
        let PartWalk {
            part,
            rest,
            steps,
            node_props,
            rel_props,
        } = *walk;
        let Some(step) = steps.get(si) else {
            let set_path = match part.path_slot {
                Some(slot) if !state.bound[slot] => {
                    state.row[slot] = self.build_path(part, state)?;
                    state.bound[slot] = true;
                    true
                }
                _ => false,
            };
            self.match_parts(rest, state, out)?;
            if set_path {
                if let Some(slot) = part.path_slot {
                    state.bound[slot] = false;
                }
            }
            return Ok(());
        };
        let rel = &part.rels[step.rel];
        let Val::Node(from) = state.row[part.nodes[step.from].slot] else {
            return Ok(());
        };
        let direction = match (rel.direction, step.reverse) {
            (RelDirection::Both, _) => Direction::Both,
            (RelDirection::Right, false) | (RelDirection::Left, true) => Direction::Outgoing,
            _ => Direction::Incoming,
        };
        let to = &part.nodes[step.to];
        match rel.length {
            None => {
                let edges = self.sorted_edges(from, direction);
                for &adj in &edges {
                    self.tick()?;
                    if self.full() {
                        break;
                    }
                    if state.used.contains(&adj.rel)
                        || !self.rel_fits(rel, &rel_props[step.rel], &adj)
                    {
                        continue;
                    }
                    let rel_set = if state.bound[rel.slot] {
                        if state.row[rel.slot] != Val::Rel(adj.rel) {
                            continue;
                        }
                        false
                    } else {
                        state.row[rel.slot] = Val::Rel(adj.rel);
                        state.bound[rel.slot] = true;
                        true
                    };
                    let other = adj.other(from);
                    if let Some(node_set) =
                        self.bind_node(to, &node_props[step.to], other, state)?
                    {
                        state.used.push(adj.rel);
                        self.walk(walk, si + 1, state, out)?;
                        state.used.pop();
                        if node_set {
                            state.bound[to.slot] = false;
                        }
                    }
                    if rel_set {
                        state.bound[rel.slot] = false;
                    }
                }
                self.recycle(edges);
            }
            Some((min, max)) => {
                let mut trail = Vec::new();
                let hops = Hops {
                    si,
                    direction,
                    range: (min, max),
                };
                self.var_length(walk, &hops, from, &mut trail, state, out)?;
            }
        }
        Ok(())
    }

    /// Extends a variable-length relationship from `at`, with
    /// `trail` the relationships taken so far; at each length in range,
    /// goes on with the next step.
    fn var_length(
        &self,
        walk: &PartWalk<'_, '_>,
        hops: &Hops,
        at: NodeId,
        trail: &mut Vec<RelId>,
        state: &mut State,
        out: &mut Emit<'_>,
    ) -> Result<()> {
        self.tick()?;
        let PartWalk {
            part,
            steps,
            node_props,
            rel_props,
            ..
        } = *walk;
        let (min, max) = hops.range;
        let si = hops.si;
        let step = &steps[si];
        let rel = &part.rels[step.rel];
        let to = &part.nodes[step.to];
        if trail.len() as u64 >= min {
            // The relationships are listed in pattern order.
            let mut list: Vec<Val> = trail.iter().map(|r| Val::Rel(*r)).collect();
            if step.reverse {
                list.reverse();
            }
            let value = Val::List(list);
            let fits = !state.bound[rel.slot] || equals(&state.row[rel.slot], &value) == Some(true);
            if fits {
                let rel_set = !state.bound[rel.slot];
                state.row[rel.slot] = value;
                state.bound[rel.slot] = true;
                if let Some(node_set) = self.bind_node(to, &node_props[step.to], at, state)? {
                    let before = state.used.len();
                    state.used.extend(trail.iter().copied());
                    self.walk(walk, si + 1, state, out)?;
                    state.used.truncate(before);
                    if node_set {
                        state.bound[to.slot] = false;
                    }
                }
                if rel_set {
                    state.bound[rel.slot] = false;
                }
            }
        }
        if trail.len() as u64 >= max || self.full() {
            return Ok(());
        }
        let edges = self.sorted_edges(at, hops.direction);
        for &adj in &edges {
            if trail.contains(&adj.rel)
                || state.used.contains(&adj.rel)
                || !self.rel_fits(rel, &rel_props[step.rel], &adj)
            {
                continue;
            }
            trail.push(adj.rel);
            self.var_length(walk, hops, adj.other(at), trail, state, out)?;
            trail.pop();
        }
        self.recycle(edges);
        Ok(())
    }

    fn rel_fits(&self, rel: &RelStep<'_>, props: &Props, adj: &Adjacent) -> bool {
        let Some(r) = self.reader.graph.rel(adj.rel) else {
            return false;
        };
        let graph = self.reader.graph;
        (rel.types.is_empty()
            || rel
                .types
                .iter()
                .any(|t| t.rel_type(graph) == Some(r.type_id())))
            && props_match(props, |k| r.property(k))
    }

    fn build_path(&self, part: &CompiledPart<'_>, state: &State) -> Result<Val> {
        let Val::Node(first) = state.row[part.nodes[0].slot] else {
            return Ok(Val::Null);
        };
        let mut nodes = vec![first];
        let mut rels = Vec::new();
        for (j, rel) in part.rels.iter().enumerate() {
            match &state.row[rel.slot] {
                Val::Rel(r) => {
                    rels.push(*r);
                    if let Val::Node(n) = state.row[part.nodes[j + 1].slot] {
                        nodes.push(n);
                    }
                }
                Val::List(list) => {
                    for item in list {
                        if let Val::Rel(r) = item {
                            let at = *nodes.last().unwrap_or(&first);
                            let (s, e) = self.reader.endpoints(*r)?;
                            nodes.push(if s == at { e } else { s });
                            rels.push(*r);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Val::Path(Box::new(PathVal { nodes, rels })))
    }

    /// `shortestPath` / `allShortestPaths` over a single relationship pattern.
    fn shortest(
        &self,
        part: &CompiledPart<'_>,
        rest: &[CompiledPart<'_>],
        node_props: &[Props],
        rel_props: &[Props],
        state: &mut State,
        out: &mut Emit<'_>,
    ) -> Result<()> {
        let (Some(first), Some(last), Some(rel)) =
            (part.nodes.first(), part.nodes.last(), part.rels.first())
        else {
            return Ok(());
        };
        let last_index = part.nodes.len() - 1;
        let (min, max) = rel.length.unwrap_or((1, 1));
        let direction = match rel.direction {
            RelDirection::Both => Direction::Both,
            RelDirection::Right => Direction::Outgoing,
            RelDirection::Left => Direction::Incoming,
        };
        let starts = self.candidates(first, &node_props[0], state);
        let ends = self.candidates(last, &node_props[last_index], state);
        for s in starts {
            let Some(s_set) = self.bind_node(first, &node_props[0], s, state)? else {
                continue;
            };
            for &e in &ends {
                self.tick()?;
                let Some(e_set) = self.bind_node(last, &node_props[last_index], e, state)? else {
                    continue;
                };
                let all = part.kind == PathKind::AllShortest;
                let paths = self.bfs(s, e, direction, rel, &rel_props[0], (min, max), all)?;
                for (nodes, rels) in paths {
                    let saved = state.row.clone();
                    let saved_bound = state.bound.clone();
                    state.row[rel.slot] = Val::List(rels.iter().map(|r| Val::Rel(*r)).collect());
                    state.bound[rel.slot] = true;
                    if let Some(slot) = part.path_slot {
                        state.row[slot] = Val::Path(Box::new(PathVal { nodes, rels }));
                        state.bound[slot] = true;
                    }
                    self.match_parts(rest, state, out)?;
                    state.row = saved;
                    state.bound = saved_bound;
                }
                if e_set {
                    state.bound[last.slot] = false;
                }
            }
            if s_set {
                state.bound[first.slot] = false;
            }
        }
        Ok(())
    }

    /// Bidirectional breadth-first search between `s` and `e`: one
    /// shortest path, or all of them, as (nodes, relationships). Each round
    /// grows the smaller frontier by one layer, so a path of length d costs
    /// about two searches of depth d/2 instead of one of depth d.
    #[allow(clippy::too_many_arguments)]
    fn bfs(
        &self,
        s: NodeId,
        e: NodeId,
        direction: Direction,
        rel: &RelStep<'_>,
        props: &Props,
        (min, max): (u64, u64),
        all: bool,
    ) -> Result<Vec<(Vec<NodeId>, Vec<RelId>)>> {
        if s == e {
            return Ok(if min == 0 {
                vec![(vec![s], Vec::new())]
            } else {
                Vec::new()
            });
        }
        let backward_direction = match direction {
            Direction::Outgoing => Direction::Incoming,
            Direction::Incoming => Direction::Outgoing,
            Direction::Both => Direction::Both,
        };
        let mut forward = Side::new(s);
        let mut backward = Side::new(e);
        let mut meetings: Vec<NodeId> = Vec::new();
        while meetings.is_empty() {
            if forward.frontier.is_empty() || backward.frontier.is_empty() {
                return Ok(Vec::new());
            }
            if forward.depth + backward.depth >= max {
                return Ok(Vec::new());
            }
            let grow_forward = forward.frontier.len() <= backward.frontier.len();
            let (side, other, dir) = if grow_forward {
                (&mut forward, &backward, direction)
            } else {
                (&mut backward, &forward, backward_direction)
            };
            let mut next = Vec::new();
            for &at in &side.frontier {
                self.tick()?;
                for adj in self.reader.graph.adjacent(at, dir) {
                    if !self.rel_fits(rel, props, &adj) {
                        continue;
                    }
                    let node = adj.other(at);
                    match side.reached.get_mut(&node) {
                        Some((d, preds)) => {
                            if *d == side.depth + 1 && all {
                                preds.push((at, adj.rel));
                            }
                        }
                        None => {
                            side.reached
                                .insert(node, (side.depth + 1, vec![(at, adj.rel)]));
                            next.push(node);
                            if other.reached.contains_key(&node) {
                                meetings.push(node);
                            }
                        }
                    }
                }
            }
            side.depth += 1;
            side.frontier = next;
        }
        let total = |m: &NodeId| {
            let f = forward.reached.get(m).map_or(u64::MAX, |r| r.0);
            f.saturating_add(backward.reached.get(m).map_or(u64::MAX, |r| r.0))
        };
        let length = meetings.iter().map(total).min().unwrap_or(u64::MAX);
        if length < min || length > max {
            return Ok(Vec::new());
        }
        meetings.retain(|m| total(m) == length);
        meetings.sort();
        meetings.dedup();
        let mut paths = Vec::new();
        for m in meetings {
            let mut to_m = Vec::new();
            collect_paths(&forward.reached, s, m, &mut Vec::new(), &mut to_m, all);
            let mut to_e = Vec::new();
            collect_paths(&backward.reached, e, m, &mut Vec::new(), &mut to_e, all);
            for (nodes_a, rels_a) in &to_m {
                for (nodes_b, rels_b) in &to_e {
                    // nodes_b runs from e to m: reverse it onto s..m.
                    let mut nodes = nodes_a.clone();
                    nodes.extend(nodes_b.iter().rev().skip(1));
                    let mut rels = rels_a.clone();
                    rels.extend(rels_b.iter().rev());
                    paths.push((nodes, rels));
                    if !all {
                        return Ok(paths);
                    }
                }
            }
        }
        Ok(paths)
    }
}

/// One direction of the bidirectional search.
struct Side {
    reached: Reached,
    frontier: Vec<NodeId>,
    depth: u64,
}

impl Side {
    fn new(start: NodeId) -> Side {
        let mut reached = Reached::new();
        reached.insert(start, (0, Vec::new()));
        Side {
            reached,
            frontier: vec![start],
            depth: 0,
        }
    }
}

/// Walks predecessor lists back from `at` to `s`; each path runs from `s`.
fn collect_paths(
    reached: &Reached,
    s: NodeId,
    at: NodeId,
    trail: &mut Vec<(NodeId, RelId)>,
    out: &mut Vec<(Vec<NodeId>, Vec<RelId>)>,
    all: bool,
) {
    if at == s {
        let mut nodes = vec![s];
        let mut rels = Vec::new();
        for (node, rel) in trail.iter().rev() {
            nodes.push(*node);
            rels.push(*rel);
        }
        out.push((nodes, rels));
        return;
    }
    let Some((_, preds)) = reached.get(&at) else {
        return;
    };
    let mut preds = preds.clone();
    preds.sort();
    for (prev, rel) in preds {
        if !all && !out.is_empty() {
            return;
        }
        trail.push((at, rel));
        collect_paths(reached, s, prev, trail, out, all);
        trail.pop();
    }
}

fn steps_from(anchor: usize, n_rels: usize) -> Vec<Step> {
    let mut steps: Vec<Step> = (0..anchor)
        .rev()
        .map(|j| Step {
            rel: j,
            from: j + 1,
            to: j,
            reverse: true,
        })
        .collect();
    steps.extend((anchor..n_rels).map(|j| Step {
        rel: j,
        from: j,
        to: j + 1,
        reverse: false,
    }));
    steps
}

fn indexed_lookup(props: &Props) -> Option<(&str, &Val)> {
    let props = props.as_ref()?;
    INDEXED_KEYS.iter().find_map(|key| {
        props
            .get(*key)
            // Only strings: an integer key would miss nodes holding the
            // equal float (`1 = 1.0`), which the index does not hold.
            .filter(|v| matches!(v, Val::String(_)))
            .map(|v| (*key, v))
    })
}

fn props_match<'g>(
    props: &Props,
    actual: impl Fn(&str) -> Option<std::borrow::Cow<'g, crate::graph::Value>>,
) -> bool {
    let Some(props) = props else {
        return true;
    };
    props.iter().all(|(k, v)| match actual(k) {
        Some(a) => equals(&Val::from(&*a), v) == Some(true),
        None => false,
    })
}
