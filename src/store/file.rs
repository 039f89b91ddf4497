//! An open graph file: the snapshot a graph was read from and how far into
//! its log the graph is. Readers open it without any lock and catch up
//! with `refresh`; a writer, holding the [`WriteLock`], refreshes, runs its
//! statement and `commit`s the changes the graph recorded as one log
//! record (its cost is what the statement changed, not the graph's size).
//! When the log outgrows a fraction of the snapshot, the commit writes a
//! new snapshot instead (`compact`).
//!
//! **Invariant:** the graph in memory equals the snapshot with the log's
//! whole records replayed in order, plus the changes it has recorded and
//! not committed. After a snapshot is written, a graph with vacant slots
//! is read back from it, so the slots a later change reuses are the ones a
//! reader replaying that change will reuse.

use std::fs::File;
use std::path::Path;

use super::log::{self, LogRead, SnapshotId};
use super::paths::GraphPaths;
use super::{StoreError, WriteLock};
use crate::graph::Graph;

/// How often a reader tries again when a snapshot was replaced while it
/// read it with its log.
const OPEN_ATTEMPTS: usize = 20;
/// The log is compacted into a snapshot when it grows past this fraction
/// of the snapshot (and past `MIN_COMPACT`).
const COMPACT_FRACTION: f64 = 0.5;
const MIN_COMPACT: u64 = 1 << 20;

/// The identity of the snapshot file: a save always renames a new file in,
/// and the header names its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    id: SnapshotId,
    inode: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of_file(file: &File, id: SnapshotId) -> Option<Stamp> {
        let meta = file.metadata().ok()?;
        Some(Stamp {
            id,
            inode: inode(&meta),
            modified: meta.modified().ok(),
        })
    }

    fn of_path(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            id: super::snapshot_id(path)?,
            inode: inode(&meta),
            modified: meta.modified().ok(),
        })
    }
}

fn inode(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::ino(meta)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// A graph file kept open by a session.
#[derive(Debug)]
pub struct GraphFile {
    paths: GraphPaths,
    /// The snapshot the graph was read from (`None`: no file yet).
    snapshot: Option<Stamp>,
    /// Where the log's last replayed record ends.
    log_end: u64,
    /// The log's length when last read (a torn tail included), to tell
    /// cheaply whether it grew.
    log_seen: Option<u64>,
    /// The log on disk does not extend this snapshot: the next append
    /// starts a new one.
    log_fresh: bool,
}

/// What `refresh` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    Unchanged,
    /// Other writers' records were replayed.
    Appended(usize),
    /// The snapshot was replaced: the graph was read again.
    Reloaded,
}

/// What `commit` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    Nothing,
    /// One record appended to the log.
    Logged,
    /// A new snapshot written (the log was folded into it).
    Snapshot,
}

impl GraphFile {
    /// Opens the graph at `path` as committed (an absent file is an empty
    /// graph), recording the graph's changes for `commit`.
    pub fn open(path: &Path) -> Result<(GraphFile, Graph), StoreError> {
        let paths = GraphPaths::resolve(path)?;
        let (file, mut graph) = GraphFile::read(paths)?;
        graph.record_changes(true);
        Ok((file, graph))
    }

    fn read(paths: GraphPaths) -> Result<(GraphFile, Graph), StoreError> {
        for _ in 0..OPEN_ATTEMPTS {
            let handle = match File::open(&paths.graph) {
                Ok(handle) => handle,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Ok((GraphFile::absent(paths), Graph::new()));
                }
                Err(source) => {
                    return Err(StoreError::Io {
                        path: paths.given.clone(),
                        source,
                    })
                }
            };
            let stamp_of = handle.try_clone().ok();
            let (mut graph, id) = super::load_snapshot(handle, &paths.given)?;
            let stamp = stamp_of.and_then(|f| Stamp::of_file(&f, id));
            let mut file = GraphFile {
                snapshot: stamp,
                ..GraphFile::absent(paths.clone())
            };
            file.replay_log(&mut graph)?;
            // A snapshot renamed in while the log was read makes the pair
            // inconsistent: read both again.
            if stamp.is_some() && Stamp::of_path(&file.paths.graph) == stamp {
                return Ok((file, graph));
            }
        }
        Err(StoreError::Io {
            path: paths.given.clone(),
            source: std::io::Error::other(
                "the graph file kept being replaced while it was read; try again",
            ),
        })
    }

    fn absent(paths: GraphPaths) -> GraphFile {
        GraphFile {
            paths,
            snapshot: None,
            log_end: log::HEADER_LEN,
            log_seen: None,
            log_fresh: true,
        }
    }

    /// The graph's files.
    pub fn paths(&self) -> &GraphPaths {
        &self.paths
    }

    /// The path the user gave.
    pub fn path(&self) -> &Path {
        &self.paths.given
    }

    /// Replays the log's records after `log_end` onto `graph`; returns how
    /// many there were.
    fn replay_log(&mut self, graph: &mut Graph) -> Result<usize, StoreError> {
        let Some(stamp) = self.snapshot else {
            return Ok(0);
        };
        let log_path = self.paths.log();
        let LogRead {
            records,
            end,
            torn,
            stale,
            seen,
        } = log::read(&log_path, stamp.id, self.log_end)
            .map_err(|problem| self.log_error(problem.into_detail()))?;
        self.log_fresh = stale;
        self.log_seen = seen;
        if stale {
            return Ok(0);
        }
        let count = records.len();
        for (at, changes) in records.into_iter().enumerate() {
            graph
                .replay(changes)
                .map_err(|e| self.log_error(format!("record {} does not apply: {e}", at + 1)))?;
        }
        self.log_end = end;
        let _ = torn; // a torn tail is not committed; the next append cuts it off
        Ok(count)
    }

    fn log_error(&self, detail: String) -> StoreError {
        StoreError::Log {
            path: self.paths.given.clone(),
            log: self.paths.log(),
            detail,
        }
    }

    /// Whether another process committed since the graph was read.
    pub fn changed_on_disk(&self) -> bool {
        let snapshot_now = Stamp::of_path(&self.paths.graph);
        if snapshot_now != self.snapshot {
            return true;
        }
        self.snapshot.is_some()
            && std::fs::metadata(self.paths.log()).ok().map(|m| m.len()) != self.log_seen
    }

    /// Brings `graph` up to what is committed on disk: other writers'
    /// new log records are replayed; a replaced snapshot is read again.
    /// The graph must have no uncommitted changes when the disk changed
    /// (they could not be ordered with the others'); that is an error
    /// and leaves the graph as it was.
    pub fn refresh(&mut self, graph: &mut Graph) -> Result<Refresh, StoreError> {
        if !self.changed_on_disk() {
            return Ok(Refresh::Unchanged);
        }
        if graph.has_pending_changes() {
            return Err(StoreError::Io {
                path: self.paths.given.clone(),
                source: std::io::Error::other(
                    "another kg process changed the graph while this session's changes \
                     were not yet saved; save them elsewhere with :save FILE",
                ),
            });
        }
        if Stamp::of_path(&self.paths.graph) == self.snapshot {
            match self.replay_log(graph) {
                Ok(0) => return Ok(Refresh::Unchanged),
                Ok(count) => return Ok(Refresh::Appended(count)),
                // a record that does not apply may have left part of its
                // changes: read everything again, which reports the damage
                Err(_) => {}
            }
        }
        let recording = graph.records_changes();
        let (file, mut fresh) = GraphFile::read(self.paths.clone())?;
        fresh.record_changes(recording);
        *self = file;
        *graph = fresh;
        Ok(Refresh::Reloaded)
    }

    /// Makes what `graph` recorded since the last commit durable, the
    /// caller holding the write lock (after a `refresh`): one log record,
    /// fsynced; or a new snapshot when the graph records no changes (a
    /// bulk load), when there is no snapshot yet, or when the log would
    /// outgrow its share of the snapshot. A failure keeps the changes
    /// pending, so a later commit saves them.
    pub fn commit(&mut self, graph: &mut Graph, lock: &WriteLock) -> Result<Commit, StoreError> {
        if !graph.records_changes() {
            self.compact(graph, lock, false)?;
            graph.record_changes(true);
            return Ok(Commit::Snapshot);
        }
        let changes = graph.take_changes();
        if changes.is_empty() {
            return Ok(Commit::Nothing);
        }
        let Some(stamp) = self.snapshot else {
            return match self.compact(graph, lock, false) {
                Ok(()) => Ok(Commit::Snapshot),
                Err(e) => {
                    graph.restore_changes(changes);
                    Err(e)
                }
            };
        };
        let record = match log::encode_record(&changes) {
            Ok(record) => record,
            Err(e) => {
                graph.restore_changes(changes);
                return Err(StoreError::Corrupt {
                    path: self.paths.given.clone(),
                    detail: format!("could not encode the changes: {e}"),
                });
            }
        };
        let log_len = if self.log_fresh {
            log::HEADER_LEN
        } else {
            self.log_end
        };
        let limit = ((stamp.id.len as f64 * COMPACT_FRACTION) as u64).max(MIN_COMPACT);
        if log_len + record.len() as u64 > limit || record.len() > u32::MAX as usize {
            drop(record);
            return match self.compact(graph, lock, false) {
                Ok(()) => Ok(Commit::Snapshot),
                Err(e) => {
                    graph.restore_changes(changes);
                    Err(e)
                }
            };
        }
        let log_path = self.paths.log();
        match log::append(&log_path, stamp.id, self.log_fresh, self.log_end, &record) {
            Ok(end) => {
                self.log_end = end;
                self.log_fresh = false;
                self.log_seen = Some(end);
                Ok(Commit::Logged)
            }
            Err(source) => {
                graph.restore_changes(changes);
                Err(StoreError::Io {
                    path: log_path,
                    source,
                })
            }
        }
    }

    /// Writes `graph` as a new snapshot and drops the log it folds in
    /// (the caller holds the write lock). `keep_backup` keeps the previous
    /// snapshot and its log as `NAME.bak` and `NAME.bak.wal`.
    pub fn compact(
        &mut self,
        graph: &mut Graph,
        _lock: &WriteLock,
        keep_backup: bool,
    ) -> Result<(), StoreError> {
        let (backup, backup_log) = self.paths.backup();
        if keep_backup && self.snapshot.is_some() {
            let _ = std::fs::remove_file(&backup);
            let _ = std::fs::remove_file(&backup_log);
            if std::fs::hard_link(&self.paths.graph, &backup).is_err() {
                std::fs::copy(&self.paths.graph, &backup).map_err(|source| StoreError::Io {
                    path: backup.clone(),
                    source,
                })?;
            }
        }
        let id = super::write_snapshot(graph, &self.paths)?;
        let log_path = self.paths.log();
        if keep_backup && self.snapshot.is_some() && !self.log_fresh {
            let _ = std::fs::rename(&log_path, &backup_log);
        } else {
            let _ = std::fs::remove_file(&log_path);
        }
        let _ = graph.take_changes();
        self.snapshot = Stamp::of_path(&self.paths.graph).or(Some(Stamp {
            id,
            inode: 0,
            modified: None,
        }));
        self.log_end = log::HEADER_LEN;
        self.log_seen = None;
        self.log_fresh = true;
        if graph.slots_may_differ_from_a_load() {
            // Read it back so the free slots are in the order a reader of
            // the new snapshot has them (see the module's invariant).
            let recording = graph.records_changes();
            let (file, mut fresh) = GraphFile::read(self.paths.clone())?;
            fresh.record_changes(recording);
            *self = file;
            *graph = fresh;
        }
        Ok(())
    }

    /// The sizes of the snapshot and of its log, in bytes.
    pub fn sizes(&self) -> (u64, u64) {
        let snapshot = std::fs::metadata(&self.paths.graph).map_or(0, |m| m.len());
        let log = if self.log_fresh { 0 } else { self.log_end };
        (snapshot, log)
    }
}
