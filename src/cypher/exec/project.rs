//! `WITH` / `RETURN` as one streaming operator: projection, then grouping
//! with aggregates, `DISTINCT`, `ORDER BY` (a top-k buffer when a `LIMIT`
//! bounds it), `SKIP`, `LIMIT` and `WITH … WHERE`, in Cypher's order.
//!
//! Groups and distinct rows are found by hashing (`Key`'s hash agrees
//! with Cypher's equality of values). Memory: a plain projection holds nothing; aggregation holds one entry
//! per group; `DISTINCT` one key per distinct row; `ORDER BY … LIMIT k`
//! at most 2·(skip + k) rows; only an unbounded `ORDER BY` holds them all.

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::cmp::Ordering;
use std::hash::Hasher;

use super::super::ast::Projection;
use super::super::budget::{size_of_row, size_of_val};
use super::super::expr::compiled::{Compiled, Cx, Out};
use super::super::expr::{eval, Env, Reader};
use super::super::functions::Accumulator;
use super::super::pattern::Flow;
use super::super::plan::ProjectionPlan;
use super::super::value::{order, Key, Val};
use super::pipeline::{Next, Sink};
use super::Result;

/// A projection's fixed inputs, decided before the first row.
pub(super) struct ProjectSpec<'a> {
    pub plan: &'a ProjectionPlan,
    pub projection: &'a Projection,
    /// Names of the input rows.
    pub input_names: &'a [String],
    /// The input names followed by the output names: what `ORDER BY` and
    /// `WITH … WHERE` see.
    pub wide_names: &'a [String],
    pub skip: usize,
    pub limit: Option<usize>,
}

pub(super) struct ProjectOp<'a> {
    reader: &'a Reader<'a>,
    spec: ProjectSpec<'a>,
    /// The items compiled against the input rows: with aggregation, the
    /// grouping keys (the items without an aggregate); else every item.
    items: Vec<Compiled<'a>>,
    /// Each aggregate's argument, compiled (`None` for `count(*)`).
    args: Vec<Option<Compiled<'a>>>,
    /// One empty accumulator per aggregate, cloned for each new group.
    fresh: Vec<Accumulator>,
    /// Per group: its first input row and one accumulator per aggregate.
    groups: Option<Groups>,
    seen: Option<FxHashSet<Key>>,
    /// Rows waiting for `ORDER BY`, with their sort keys.
    sorted: Option<Vec<(Vec<Val>, Produced)>>,
    /// With `LIMIT`, the most rows `ORDER BY` needs to keep.
    top_k: Option<usize>,
    /// With `LIMIT`, the sort keys of the k-th row once the buffer has been
    /// cut to k: a row that does not sort before it is dropped at once.
    cutoff: Option<Vec<Val>>,
    /// Per `ORDER BY` item, whether it sorts descending.
    descending: Vec<bool>,
    skipped: usize,
    emitted: usize,
    pushed: u64,
    /// Bytes of groups, distinct keys and sort buffer held against the
    /// budget, given back when the operator has emitted them.
    held: usize,
    next: Next<'a>,
}

/// The groups of an aggregation, found by the hash of their key (`Key`'s
/// hash), so a row's key is looked up while it still borrows the row and
/// the graph: only a new group's key is copied.
#[derive(Default)]
struct Groups {
    /// Key hash → the newest group with it; `chain[g]` the group before
    /// `g` with the same hash.
    index: FxHashMap<u64, usize>,
    chain: Vec<Option<usize>>,
    keys: Vec<Vec<Val>>,
    /// Per group: its first input row and one accumulator per aggregate.
    groups: Vec<(Vec<Val>, Vec<Accumulator>)>,
}

impl Groups {
    fn find(&self, hash: u64, key: &[Out<'_>]) -> Option<usize> {
        let mut at = self.index.get(&hash).copied();
        while let Some(g) = at {
            if self.keys[g].len() == key.len()
                && key.iter().zip(&self.keys[g]).all(|(o, k)| o.same_key(k))
            {
                return Some(g);
            }
            at = self.chain[g];
        }
        None
    }

    fn insert(
        &mut self,
        hash: u64,
        key: Vec<Val>,
        row: Vec<Val>,
        fresh: Vec<Accumulator>,
    ) -> usize {
        let g = self.groups.len();
        self.chain.push(self.index.insert(hash, g));
        self.keys.push(key);
        self.groups.push((row, fresh));
        g
    }
}

/// A projected row: its output values, and what `WITH … WHERE` may still
/// need (the input row, empty when there is no `WHERE`, and the values of
/// the aggregates).
struct Produced {
    row: Vec<Val>,
    out: Vec<Val>,
    aggs: Vec<(usize, Val)>,
}

impl<'a> ProjectOp<'a> {
    pub fn new(reader: &'a Reader<'a>, spec: ProjectSpec<'a>, next: Next<'a>) -> ProjectOp<'a> {
        let ordering = !spec.projection.order_by.is_empty();
        let top_k = spec
            .limit
            .filter(|_| ordering)
            .map(|l| l.saturating_add(spec.skip));
        let plan = spec.plan;
        let names = spec.input_names;
        let grouping = !plan.aggregates.is_empty();
        let items = plan
            .items
            .iter()
            .enumerate()
            .filter(|(i, _)| !grouping || !plan.item_has_aggregate[*i])
            .map(|(_, (_, e))| Compiled::new(e, names, reader))
            .collect();
        let args = plan
            .aggregates
            .iter()
            .map(|a| a.arg.as_ref().map(|e| Compiled::new(e, names, reader)))
            .collect();
        let fresh = plan
            .aggregates
            .iter()
            .map(|a| Accumulator::new(a.name.as_deref(), a.distinct))
            .collect();
        ProjectOp {
            reader,
            items,
            args,
            fresh,
            groups: (!spec.plan.aggregates.is_empty()).then(Groups::default),
            seen: spec.projection.distinct.then(FxHashSet::default),
            sorted: ordering.then(Vec::new),
            top_k,
            cutoff: None,
            descending: spec
                .projection
                .order_by
                .iter()
                .map(|s| s.descending)
                .collect(),
            skipped: 0,
            emitted: 0,
            pushed: 0,
            held: 0,
            spec,
            next,
        }
    }

    fn fresh_accumulators(&self) -> Vec<Accumulator> {
        self.fresh.clone()
    }

    /// Adds one input row to its group.
    fn group(&mut self, row: &[Val]) -> Result<()> {
        let cx = Cx {
            names: self.spec.input_names,
            row,
            reader: self.reader,
        };
        let Some(groups) = self.groups.as_mut() else {
            return Ok(());
        };
        let (args, fresh) = (&self.args[..], &self.fresh[..]);
        // the key of a row, on the stack when it is short (most are)
        let bytes = match &self.items[..] {
            [] => add_row(groups, args, fresh, &cx, &mut [])?,
            [a] => add_row(groups, args, fresh, &cx, &mut [a.eval(&cx)?])?,
            [a, b] => add_row(groups, args, fresh, &cx, &mut [a.eval(&cx)?, b.eval(&cx)?])?,
            items => {
                let mut key = items
                    .iter()
                    .map(|c| c.eval(&cx))
                    .collect::<Result<Vec<_>>>()?;
                add_row(groups, args, fresh, &cx, &mut key)?
            }
        };
        self.hold(bytes)
    }

    /// Counts `bytes` more as held by this operator.
    fn hold(&mut self, bytes: usize) -> Result<()> {
        self.held += bytes;
        self.reader.budget.hold(bytes)
    }

    fn release(&mut self, bytes: usize) {
        let bytes = bytes.min(self.held);
        self.held -= bytes;
        self.reader.budget.release(bytes);
    }

    /// Emits every group through the rest of the projection.
    fn finish_groups(&mut self) -> Result<Flow> {
        let Some(Groups { groups, keys, .. }) = self.groups.take() else {
            return Ok(Flow::Continue);
        };
        let plan = self.spec.plan;
        let mut groups = groups;
        if groups.is_empty() && plan.item_has_aggregate.iter().all(|a| *a) {
            // no input rows and no grouping keys: one group of nothing
            groups.push((
                vec![Val::Null; self.spec.input_names.len()],
                self.fresh_accumulators(),
            ));
        }
        // the synthetic group of nothing has no key
        let keys = keys.into_iter().chain(std::iter::repeat_with(Vec::new));
        for ((row, accumulators), key) in groups.into_iter().zip(keys) {
            let aggs: Vec<(usize, Val)> = plan
                .aggregates
                .iter()
                .zip(accumulators)
                .map(|(a, acc)| (a.at, acc.finish()))
                .collect();
            let row_env = Env::Row {
                names: self.spec.input_names,
                row: &row,
            };
            let env = Env::Aggregates {
                values: &aggs,
                parent: &row_env,
            };
            // an item without an aggregate is a grouping key: its value
            // was computed when the group was found
            let mut key = key.into_iter();
            let out = plan
                .items
                .iter()
                .zip(&plan.item_has_aggregate)
                .map(|((_, e), aggregates)| {
                    let known = if *aggregates { None } else { key.next() };
                    match known {
                        Some(value) => Ok(value),
                        None => eval(e, &env, self.reader),
                    }
                })
                .collect::<Result<Vec<_>>>()?;
            if self.accept(&row, out, aggs)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    }

    /// A projected row: `DISTINCT`, then either into the `ORDER BY` buffer
    /// or on to `SKIP`/`LIMIT`/`WHERE`.
    fn accept(&mut self, row: &[Val], out: Vec<Val>, aggs: Vec<(usize, Val)>) -> Result<Flow> {
        if let Some(seen) = self.seen.as_mut() {
            if !seen.insert(Key(out.clone())) {
                return Ok(Flow::Continue);
            }
            self.hold(size_of_row(&out))?;
        }
        let keep_row = self.spec.projection.where_clause.is_some();
        if self.sorted.is_none() {
            let row = if keep_row { row.to_vec() } else { Vec::new() };
            return self.emit(Produced { row, out, aggs });
        }
        let keys = self.sort_keys(row, &out, &aggs)?;
        if let Some(cutoff) = &self.cutoff {
            // not before the k-th row kept so far: a full (stable) sort
            // would not put it in the first k either
            if compare_keys(&keys, cutoff, &self.descending) != Ordering::Less {
                return Ok(Flow::Continue);
            }
        }
        let row = if keep_row { row.to_vec() } else { Vec::new() };
        let entry = (keys, Produced { row, out, aggs });
        self.hold(sorted_size(&entry))?;
        let top_k = self.top_k;
        let descending = &self.descending;
        let mut dropped = 0;
        let mut cutoff = None;
        if let Some(sorted) = self.sorted.as_mut() {
            sorted.push(entry);
            if let Some(k) = top_k {
                if sorted.len() >= k.saturating_mul(2).max(64) {
                    // keep the k first; the sort is stable, so ties keep
                    // their input order as a full sort would
                    sorted.sort_by(|(a, _), (b, _)| compare_keys(a, b, descending));
                    dropped = sorted.iter().skip(k).map(sorted_size).sum();
                    sorted.truncate(k);
                    cutoff = sorted
                        .last()
                        .filter(|_| sorted.len() == k)
                        .map(|(keys, _)| keys.clone());
                }
            }
        }
        self.release(dropped);
        if cutoff.is_some() {
            self.cutoff = cutoff;
        }
        Ok(Flow::Continue)
    }

    fn sort_keys(&self, row: &[Val], out: &[Val], aggs: &[(usize, Val)]) -> Result<Vec<Val>> {
        let projection = self.spec.projection;
        let mut keys = Vec::with_capacity(projection.order_by.len());
        let mut wide: Option<Vec<Val>> = None;
        for (sort, same_as_item) in projection
            .order_by
            .iter()
            .zip(&self.spec.plan.order_matches)
        {
            if let Some(i) = same_as_item {
                keys.push(out[*i].clone());
                continue;
            }
            let full = wide.get_or_insert_with(|| self.widen(row, out));
            let row_env = Env::Row {
                names: self.spec.wide_names,
                row: full,
            };
            let env = Env::Aggregates {
                values: aggs,
                parent: &row_env,
            };
            keys.push(eval(&sort.expr, &env, self.reader)?);
        }
        Ok(keys)
    }

    /// The input row (padded to its width) followed by the output values.
    fn widen(&self, row: &[Val], out: &[Val]) -> Vec<Val> {
        let mut full = row.to_vec();
        full.resize(self.spec.input_names.len(), Val::Null);
        full.extend(out.iter().cloned());
        full
    }

    /// `SKIP`, `LIMIT`, then `WITH … WHERE`, then the next operator.
    fn emit(&mut self, produced: Produced) -> Result<Flow> {
        if self.skipped < self.spec.skip {
            self.skipped += 1;
            return Ok(Flow::Continue);
        }
        if self.spec.limit.is_some_and(|l| self.emitted >= l) {
            return Ok(Flow::Stop);
        }
        self.emitted += 1;
        let passes = match &self.spec.projection.where_clause {
            None => true,
            Some(w) => {
                let full = self.widen(&produced.row, &produced.out);
                let row_env = Env::Row {
                    names: self.spec.wide_names,
                    row: &full,
                };
                let env = Env::Aggregates {
                    values: &produced.aggs,
                    parent: &row_env,
                };
                eval(w, &env, self.reader)? == Val::Bool(true)
            }
        };
        let flow = if passes {
            self.next.push(&produced.out)?
        } else {
            Flow::Continue
        };
        if self.spec.limit.is_some_and(|l| self.emitted >= l) {
            return Ok(Flow::Stop);
        }
        Ok(flow)
    }

    fn finish_sorted(&mut self) -> Result<()> {
        let Some(mut sorted) = self.sorted.take() else {
            return Ok(());
        };
        sorted.sort_by(|(a, _), (b, _)| compare_keys(a, b, &self.descending));
        for (_, produced) in sorted {
            if self.emit(produced)? == Flow::Stop {
                break;
            }
        }
        Ok(())
    }
}

impl Sink for ProjectOp<'_> {
    fn push(&mut self, row: &[Val]) -> Result<Flow> {
        self.pushed += 1;
        if self.pushed.is_multiple_of(4096) && self.reader.options.is_cancelled() {
            return Err(super::super::cancelled());
        }
        if self.groups.is_some() {
            self.group(row)?;
            return Ok(Flow::Continue);
        }
        let cx = Cx {
            names: self.spec.input_names,
            row,
            reader: self.reader,
        };
        let out = self
            .items
            .iter()
            .map(|c| c.eval(&cx).map(Out::into_val))
            .collect::<Result<Vec<_>>>()?;
        self.accept(row, out, Vec::new())
    }

    fn finish(&mut self) -> Result<()> {
        if self.finish_groups()? == Flow::Continue {
            self.finish_sorted()?;
        }
        self.seen = None;
        self.release(self.held);
        self.next.finish()
    }
}

/// Adds the row of `cx`, whose grouping key is `key`, to its group (a new
/// one when no group has that key). Returns the bytes now held that were
/// not before: a new group's key and row, values aggregates keep.
fn add_row(
    groups: &mut Groups,
    args: &[Option<Compiled<'_>>],
    fresh: &[Accumulator],
    cx: &Cx<'_, '_>,
    key: &mut [Out<'_>],
) -> Result<usize> {
    let mut hasher = FxHasher::default();
    for k in key.iter() {
        k.hash_key(&mut hasher);
    }
    let hash = hasher.finish();
    let (g, mut kept) = match groups.find(hash, key) {
        Some(g) => (g, 0),
        None => {
            let key: Vec<Val> = key
                .iter_mut()
                .map(|o| std::mem::replace(o, Out::Val(Val::Null)).into_val())
                .collect();
            let bytes = size_of_row(cx.row) + size_of_row(&key);
            (
                groups.insert(hash, key, cx.row.to_vec(), fresh.to_vec()),
                bytes,
            )
        }
    };
    for (acc, arg) in groups.groups[g].1.iter_mut().zip(args) {
        let value = match arg {
            Some(a) => a.eval(cx)?.into_val(),
            None => Val::Null,
        };
        kept += acc.add(value)?;
    }
    Ok(kept)
}

/// Estimated bytes of one entry of the `ORDER BY` buffer.
fn sorted_size((keys, produced): &(Vec<Val>, Produced)) -> usize {
    size_of_row(keys)
        + size_of_row(&produced.row)
        + size_of_row(&produced.out)
        + produced
            .aggs
            .iter()
            .map(|(_, v)| 8 + size_of_val(v))
            .sum::<usize>()
}

/// `ORDER BY`'s comparison of two rows' sort keys.
fn compare_keys(a: &[Val], b: &[Val], descending: &[bool]) -> Ordering {
    for ((x, y), desc) in a.iter().zip(b).zip(descending) {
        let o = order(x, y);
        let o = if *desc { o.reverse() } else { o };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}
