//! The writers' lock: an advisory exclusive lock on `NAME.lock` beside
//! the real graph file (the graph itself is replaced by every snapshot
//! save, so it cannot carry the lock). Readers never take it. The holder
//! writes its pid and command line into the file, so a writer that finds
//! it taken can say who holds it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::paths::GraphPaths;
use super::StoreError;

/// Held by a writer for as long as it lives.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the lock of the graph at `graph_path`, waiting up to `wait`
    /// for another writer to finish (no wait: fail at once). A graph file
    /// that is read-only is refused: writing would replace it.
    pub fn acquire(graph_path: &Path, wait: Duration) -> Result<WriteLock, StoreError> {
        let paths = GraphPaths::resolve(graph_path)?;
        WriteLock::acquire_at(&paths, wait)
    }

    pub(super) fn acquire_at(paths: &GraphPaths, wait: Duration) -> Result<WriteLock, StoreError> {
        if let Ok(meta) = std::fs::metadata(&paths.graph) {
            if meta.permissions().readonly() {
                return Err(StoreError::ReadOnly {
                    path: paths.given.clone(),
                });
            }
        }
        let lock_path = paths.lock();
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&lock_path)
            .map_err(|source| StoreError::Io {
                path: lock_path.clone(),
                source,
            })?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(5);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(StoreError::Locked {
                            path: paths.given.clone(),
                            holder: holder(&mut file),
                            waited: wait,
                        });
                    }
                    std::thread::sleep(pause.min(deadline - now));
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Err(std::fs::TryLockError::Error(source)) => {
                    return Err(StoreError::Io {
                        path: lock_path,
                        source,
                    })
                }
            }
        }
        // Who holds it, for the message of the next writer that waits;
        // a failure to write it only makes that message vaguer.
        let _ = file.set_len(0).and_then(|()| {
            let command: Vec<String> = std::env::args().collect();
            file.seek(SeekFrom::Start(0))?;
            writeln!(
                file,
                "pid {}: {}",
                std::process::id(),
                command.join(" ").chars().take(300).collect::<String>()
            )
        });
        Ok(WriteLock { _file: file })
    }
}

impl Drop for WriteLock {
    /// Unlocks explicitly rather than by closing: a child process forked
    /// meanwhile (a renderer, a test's kg) holds a copy of the descriptor
    /// until it execs, and closing ours alone would leave the lock held.
    fn drop(&mut self) {
        let _ = self._file.unlock();
    }
}

/// The holder's line from the lock file, when it wrote one.
fn holder(file: &mut File) -> Option<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(1024).read_to_string(&mut text).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}
