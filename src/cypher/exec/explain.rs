//! `EXPLAIN` and `PROFILE`: the operators a statement runs, in the order
//! rows flow through them (source first), as a result table, so every
//! output format (table, CSV, JSON Lines) shows them.

use std::time::Instant;

use super::super::ast::{
    Clause, ExprKind, NodePattern, PathKind, PatternPart, Projection, Statement,
};
use super::super::plan;
use super::pipeline::OpStats;
use super::Exec;
use crate::graph::{Graph, INDEXED_KEYS};
use crate::table::{Item, Table};

/// One operator of a read pipeline, with its counters.
pub(super) struct OpInfo {
    pub name: String,
    pub details: String,
    pub stats: OpStats,
}

/// What `PROFILE` gathered: one row per operator run.
#[derive(Default)]
pub(super) struct Profile {
    rows: Vec<(String, String, u64, u64)>,
}

impl Profile {
    /// A read segment's operators: rows out of each is rows into the next
    /// (the last one's is the segment's output), and an operator's own
    /// time is its time less the next one's.
    pub fn add_reads(&mut self, ops: Vec<OpInfo>, rows_out: u64) {
        for i in 0..ops.len() {
            let (out, after) = match ops.get(i + 1) {
                Some(next) => (next.stats.rows_in.get(), next.stats.nanos.get()),
                None => (rows_out, 0),
            };
            let own = ops[i].stats.nanos.get().saturating_sub(after);
            self.rows
                .push((ops[i].name.clone(), ops[i].details.clone(), out, own));
        }
    }

    pub fn add_write(
        &mut self,
        name: String,
        details: String,
        rows_in: u64,
        rows_out: u64,
        started: Instant,
    ) {
        self.rows
            .push(("Eager".to_string(), String::new(), rows_in, 0));
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.rows.push((name, details, rows_out, nanos));
    }

    pub fn table(self) -> Table {
        Table {
            columns: ["operator", "details", "rows", "time_ms"]
                .map(String::from)
                .to_vec(),
            rows: self
                .rows
                .into_iter()
                .map(|(name, details, rows, nanos)| {
                    vec![
                        Item::String(name),
                        Item::String(details),
                        Item::Int(i64::try_from(rows).unwrap_or(i64::MAX)),
                        Item::Float((nanos as f64 / 1e4).round() / 100.0),
                    ]
                })
                .collect(),
        }
    }
}

/// The `EXPLAIN` table.
pub(super) fn plan_table(ops: &[(String, String)]) -> Table {
    Table {
        columns: vec!["operator".to_string(), "details".to_string()],
        rows: ops
            .iter()
            .map(|(n, d)| vec![Item::String(n.clone()), Item::String(d.clone())])
            .collect(),
    }
}

impl Exec<'_, '_> {
    /// Every operator of the statement, without running it.
    pub(super) fn describe(&self, statement: &Statement) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let queries = std::iter::once((None, &statement.first))
            .chain(statement.unions.iter().map(|(all, q)| (Some(*all), q)));
        for (union, query) in queries {
            for clause in &query.clauses {
                if let Some(op) = read_op(clause, self.graph) {
                    out.push((op.name, op.details));
                } else {
                    let (name, details) = write_op(clause);
                    out.push(("Eager".to_string(), String::new()));
                    out.push((name, details));
                }
            }
            match union {
                Some(true) => out.push(("UnionAll".to_string(), String::new())),
                Some(false) => out.push(("Union".to_string(), "distinct rows".to_string())),
                None => {}
            }
        }
        out
    }
}

/// The operators of a segment's reading clauses, one per clause.
pub(super) fn read_ops(clauses: &[Clause], graph: &Graph) -> Vec<OpInfo> {
    clauses.iter().filter_map(|c| read_op(c, graph)).collect()
}

fn read_op(clause: &Clause, graph: &Graph) -> Option<OpInfo> {
    let (name, details) = match clause {
        Clause::Match(m) => {
            let shortest = m.pattern.iter().any(|p| p.kind != PathKind::All);
            let name = match (m.optional, shortest) {
                (true, _) => "OptionalMatch",
                (false, true) => "ShortestPath",
                (false, false) => "Match",
            };
            let mut details: Vec<String> = m
                .pattern
                .iter()
                .map(|p| format!("{p} [anchor: {}]", anchor(p, graph)))
                .collect();
            if let Some(w) = &m.where_clause {
                details.push(format!("WHERE {w}"));
            }
            (name.to_string(), details.join(", "))
        }
        Clause::Unwind { expr, var, .. } => {
            ("Unwind".to_string(), format!("{expr} AS {}", var.name))
        }
        Clause::With(p) => (projection_name(p), items(p)),
        Clause::Return(p) => (format!("Return: {}", projection_name(p)), items(p)),
        _ => return None,
    };
    Some(OpInfo {
        name,
        details,
        stats: OpStats::default(),
    })
}

/// How a pattern part is entered when nothing binds it, as the matcher
/// chooses: an index on a written property, else the label with the
/// fewest nodes, else a scan of all nodes. (A variable bound by an earlier
/// clause, or a `WHERE` equality an index answers, is preferred at run
/// time.)
fn anchor(part: &PatternPart, graph: &Graph) -> String {
    let nodes = std::iter::once(&part.start).chain(part.hops.iter().map(|(_, n)| n));
    let mut best: Option<(usize, String)> = None;
    for node in nodes {
        if let Some(key) = indexed_key(node) {
            return format!("index seek on {key}");
        }
        for label in &node.labels {
            let count = graph.label_count(&label.name);
            if best.as_ref().is_none_or(|(c, _)| count < *c) {
                best = Some((count, format!("label scan :{} ({count} nodes)", label.name)));
            }
        }
    }
    best.map_or_else(|| "all nodes".to_string(), |(_, text)| text)
}

/// The first key of the node's written property map that has an index.
fn indexed_key(node: &NodePattern) -> Option<&'static str> {
    let ExprKind::Map(entries) = &node.props.as_ref()?.kind else {
        return None;
    };
    INDEXED_KEYS
        .iter()
        .find(|k| entries.iter().any(|(key, _)| key == *k))
        .copied()
}

fn projection_name(p: &Projection) -> String {
    let aggregates = p.items.iter().any(|i| plan::has_aggregate(&i.expr));
    let mut parts = vec![if aggregates {
        "Aggregation"
    } else {
        "Projection"
    }];
    if p.distinct {
        parts.push("Distinct");
    }
    match (p.order_by.is_empty(), p.limit.is_some()) {
        (false, true) => parts.push("TopK"),
        (false, false) => parts.push("Sort"),
        _ => {}
    }
    if p.skip.is_some() {
        parts.push("Skip");
    }
    if p.limit.is_some() {
        parts.push("Limit");
    }
    if p.where_clause.is_some() {
        parts.push("Filter");
    }
    parts.join(" + ")
}

fn items(p: &Projection) -> String {
    let mut text: Vec<String> = Vec::new();
    if p.star {
        text.push("*".to_string());
    }
    text.extend(p.items.iter().map(|i| i.name().to_string()));
    let mut out = text.join(", ");
    if !p.order_by.is_empty() {
        let keys: Vec<String> = p.order_by.iter().map(|s| s.to_string()).collect();
        out.push_str(&format!(" ORDER BY {}", keys.join(", ")));
    }
    if let Some(w) = &p.where_clause {
        out.push_str(&format!(" WHERE {w}"));
    }
    out
}

/// The name and details of a writing clause's operator.
pub(super) fn write_op(clause: &Clause) -> (String, String) {
    let text = clause.to_string();
    let name = match clause {
        Clause::Create { .. } => "Create",
        Clause::Merge(_) => "Merge",
        Clause::Set { .. } => "SetProperties",
        Clause::Delete { detach: true, .. } => "DetachDelete",
        Clause::Delete { .. } => "Delete",
        Clause::Remove { .. } => "Remove",
        _ => "Read",
    };
    (name.to_string(), text)
}
