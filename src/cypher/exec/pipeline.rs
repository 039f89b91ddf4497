//! The streaming operators of a read pipeline. Rows are pushed from the
//! source through the operators to the sink (produce/consume, as in Hyper
//! and DuckDB): each operator hands every row it makes to the next one at
//! once, borrowed, so a row lives only as long as it is being worked on.
//! An operator that needs all its input (aggregation, sorting) holds what it
//! must and emits when `finish` is called. A consumer that needs no more
//! rows (a `LIMIT` reached) answers [`Flow::Stop`], and every operator above
//! it stops producing: the work stops, not only the output.

use std::cell::Cell;
use std::time::Instant;

use super::super::budget::{size_of_row, Budget};
use super::super::expr::compiled::{Compiled, Cx};
use super::super::expr::Reader;
use super::super::pattern::{CompiledPart, Flow, Matcher, State};
use super::super::value::Val;
use super::Result;

/// One operator of a pipeline, seen from the operator before it.
pub(super) trait Sink {
    /// One row in. `Flow::Stop` asks for no more rows.
    fn push(&mut self, row: &[Val]) -> Result<Flow>;
    /// The input has ended (or was stopped): emit what is held, then
    /// finish the next operator.
    fn finish(&mut self) -> Result<()>;
}

/// The boxed rest of a pipeline.
pub(super) type Next<'a> = Box<dyn Sink + 'a>;

/// `MATCH` / `OPTIONAL MATCH`: every binding of the pattern extending the
/// input row (and passing `WHERE`, which the matcher checks as soon as the
/// binding is complete), handed on as it is found.
pub(super) struct MatchOp<'a> {
    pub matcher: Matcher<'a>,
    pub parts: &'a [CompiledPart<'a>],
    /// Slots the pattern adds to the input row.
    pub added: usize,
    pub optional: bool,
    pub next: Next<'a>,
}

impl Sink for MatchOp<'_> {
    fn push(&mut self, row: &[Val]) -> Result<Flow> {
        let mut state = widen(row, self.added);
        let mut found = false;
        let mut flow = Flow::Continue;
        let next = &mut self.next;
        self.matcher.reset();
        self.matcher
            .match_parts(self.parts, &mut state, &mut |bound: &[Val]| {
                found = true;
                flow = next.push(bound)?;
                Ok(flow)
            })?;
        if !found && self.optional && flow == Flow::Continue {
            let mut padded = row.to_vec();
            padded.resize(row.len() + self.added, Val::Null);
            flow = self.next.push(&padded)?;
        }
        Ok(flow)
    }

    fn finish(&mut self) -> Result<()> {
        self.next.finish()
    }
}

/// The matching state for one input row with `added` unbound slots.
pub(super) fn widen(row: &[Val], added: usize) -> State {
    let mut values = row.to_vec();
    values.resize(row.len() + added, Val::Null);
    let mut bound = vec![true; row.len()];
    bound.resize(row.len() + added, false);
    State::new(values, bound)
}

/// `UNWIND list AS x`: one row per element (none for null, the value
/// itself when it is not a list).
pub(super) struct UnwindOp<'a> {
    pub reader: &'a Reader<'a>,
    pub names: &'a [String],
    /// The list, compiled against `names`.
    pub expr: Compiled<'a>,
    /// The input row with the element appended, reused from row to row.
    pub buffer: Vec<Val>,
    pub next: Next<'a>,
}

impl Sink for UnwindOp<'_> {
    fn push(&mut self, row: &[Val]) -> Result<Flow> {
        let cx = Cx {
            names: self.names,
            row,
            reader: self.reader,
        };
        let value = self.expr.eval(&cx)?.into_val();
        let items = match value {
            Val::List(items) => items,
            Val::Null => Vec::new(),
            other => vec![other],
        };
        for (n, item) in items.into_iter().enumerate() {
            if n % 4096 == 4095 && self.reader.options.is_cancelled() {
                return Err(super::super::cancelled());
            }
            self.buffer.clear();
            self.buffer.extend_from_slice(row);
            self.buffer.push(item);
            if self.next.push(&self.buffer)? == Flow::Stop {
                return Ok(Flow::Stop);
            }
        }
        Ok(Flow::Continue)
    }

    fn finish(&mut self) -> Result<()> {
        self.next.finish()
    }
}

/// The end of a pipeline: keeps every row it is given (held against the
/// budget until the statement ends: the next segment or the caller reads
/// them).
pub(super) struct Collect<'a> {
    pub rows: &'a mut Vec<Vec<Val>>,
    pub budget: &'a Budget<'a>,
}

impl Sink for Collect<'_> {
    fn push(&mut self, row: &[Val]) -> Result<Flow> {
        self.budget.hold(size_of_row(row))?;
        self.rows.push(row.to_vec());
        Ok(Flow::Continue)
    }

    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// What `PROFILE` reports of one operator: rows in and the time spent in
/// it and in everything after it (the report subtracts the next
/// operator's time to show the operator's own).
#[derive(Debug, Default)]
pub(crate) struct OpStats {
    pub rows_in: Cell<u64>,
    pub nanos: Cell<u64>,
}

/// Counts and times the operator it wraps (only under `PROFILE`).
pub(super) struct Profiled<'a> {
    pub stats: &'a OpStats,
    pub inner: Next<'a>,
}

impl Sink for Profiled<'_> {
    fn push(&mut self, row: &[Val]) -> Result<Flow> {
        self.stats.rows_in.set(self.stats.rows_in.get() + 1);
        let started = Instant::now();
        let flow = self.inner.push(row);
        self.add_time(started);
        flow
    }

    fn finish(&mut self) -> Result<()> {
        let started = Instant::now();
        let done = self.inner.finish();
        self.add_time(started);
        done
    }
}

impl Profiled<'_> {
    fn add_time(&self, started: Instant) {
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.stats
            .nanos
            .set(self.stats.nanos.get().saturating_add(nanos));
    }
}
