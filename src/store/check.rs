//! `kg check`: everything about a graph file that can be verified without
//! changing it: the snapshot's header and checksum, each log record's
//! checksum and that it applies, the indexes against the elements, and
//! every provenance reference.

use std::fmt;
use std::path::Path;

use super::log::{self, LogRead};
use super::paths::GraphPaths;
use super::StoreError;

/// What `check` found.
#[derive(Debug)]
pub struct CheckReport {
    pub path: std::path::PathBuf,
    pub snapshot_bytes: u64,
    pub nodes: usize,
    pub rels: usize,
    /// Whole log records replayed.
    pub log_records: usize,
    pub log_bytes: u64,
    /// Bytes of a torn last record (dropped, not committed).
    pub torn_bytes: u64,
    /// A log that names another snapshot (left by an interrupted save).
    pub stale_log: bool,
    /// Whether there is a log file at all.
    pub log_present: bool,
    /// Inconsistencies of the graph itself (at most 50 listed).
    pub problems: Vec<String>,
    pub problem_count: usize,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.problem_count == 0
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "snapshot: {} ({} bytes): header and checksum ok",
            self.path.display(),
            self.snapshot_bytes
        )?;
        if !self.log_present {
            writeln!(f, "log: none (every change is in the snapshot)")?;
        } else if self.stale_log {
            writeln!(
                f,
                "log: names an older snapshot (left by an interrupted save); ignored"
            )?;
        } else {
            write!(
                f,
                "log: {} records, {} bytes, all checksums ok and applied",
                self.log_records, self.log_bytes
            )?;
            if self.torn_bytes > 0 {
                write!(
                    f,
                    "; a torn last record of {} bytes (a write cut short, never committed) is dropped",
                    self.torn_bytes
                )?;
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "graph: {} nodes, {} relationships",
            self.nodes, self.rels
        )?;
        if self.is_ok() {
            writeln!(f, "indexes and provenance: consistent")
        } else {
            writeln!(f, "problems: {}", self.problem_count)?;
            for problem in &self.problems {
                writeln!(f, "  {problem}")?;
            }
            Ok(())
        }
    }
}

/// Checks the graph at `path`. A snapshot or log that cannot be read is an
/// error; inconsistencies of a readable graph are in the report.
pub fn check(path: &Path) -> Result<CheckReport, StoreError> {
    let paths = GraphPaths::resolve(path)?;
    let handle = std::fs::File::open(&paths.graph).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let snapshot_bytes = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let (mut graph, id) = super::load_snapshot(handle, path)?;
    let log_path = paths.log();
    let log_error = |detail: String| StoreError::Log {
        path: path.to_path_buf(),
        log: log_path.clone(),
        detail,
    };
    let LogRead {
        records,
        end,
        torn,
        stale,
        seen,
    } = log::read(&log_path, id, 0).map_err(|problem| log_error(problem.into_detail()))?;
    let log_records = records.len();
    for (at, changes) in records.into_iter().enumerate() {
        graph
            .replay(changes)
            .map_err(|e| log_error(format!("record {} does not apply: {e}", at + 1)))?;
    }
    let (problems, problem_count) = graph.verify();
    Ok(CheckReport {
        path: paths.graph.clone(),
        snapshot_bytes,
        nodes: graph.node_count(),
        rels: graph.rel_count(),
        log_records,
        log_bytes: if stale { 0 } else { end },
        torn_bytes: torn,
        stale_log: stale && seen.is_some(),
        log_present: seen.is_some(),
        problems,
        problem_count,
    })
}
