//! Where a graph's files live: the snapshot at the real path the user's
//! path resolves to (symlinks followed, so a save replaces the file the
//! link points at and never the link), and beside it the log, the lock,
//! the backup and the temporary files of saves.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::StoreError;

/// The files of one graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphPaths {
    /// The snapshot, symlinks resolved.
    pub graph: PathBuf,
    /// The folder holding it.
    pub dir: PathBuf,
    /// What the user called it, for messages.
    pub given: PathBuf,
}

impl GraphPaths {
    /// Resolves `path`: an existing graph must be a regular file (or a
    /// symlink to one); an absent one needs an existing folder.
    pub fn resolve(path: &Path) -> Result<GraphPaths, StoreError> {
        let not_a_graph = |why: &str| StoreError::NotAGraphPath {
            path: path.to_path_buf(),
            why: why.to_string(),
        };
        let graph = match std::fs::symlink_metadata(path) {
            Ok(_) => {
                let real = std::fs::canonicalize(path)
                    .map_err(|_| not_a_graph("is a symbolic link to a file that does not exist"))?;
                let meta = std::fs::metadata(&real).map_err(|e| StoreError::Io {
                    path: path.to_path_buf(),
                    source: e,
                })?;
                if meta.is_dir() {
                    return Err(not_a_graph("is a folder, not a graph file"));
                }
                if !meta.is_file() {
                    return Err(not_a_graph(
                        "is not a regular file (a device, pipe or socket)",
                    ));
                }
                real
            }
            Err(_) => {
                let name = path
                    .file_name()
                    .ok_or_else(|| not_a_graph("names no file"))?;
                let parent = match path.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent,
                    _ => Path::new("."),
                };
                let dir = std::fs::canonicalize(parent)
                    .map_err(|_| not_a_graph("is in a folder that does not exist"))?;
                if !dir.is_dir() {
                    return Err(not_a_graph("is in something that is not a folder"));
                }
                dir.join(name)
            }
        };
        let dir = graph
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        Ok(GraphPaths {
            graph,
            dir,
            given: path.to_path_buf(),
        })
    }

    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name: OsString = self.graph.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    }

    /// The write-ahead log.
    pub fn log(&self) -> PathBuf {
        self.beside(".wal")
    }

    /// The lock file writers hold.
    pub fn lock(&self) -> PathBuf {
        self.beside(".lock")
    }

    /// The previous snapshot kept by an explicit save, and its log.
    pub fn backup(&self) -> (PathBuf, PathBuf) {
        (self.beside(".bak"), self.beside(".bak.wal"))
    }

    /// The prefix of a save's temporary files: hidden, and naming the
    /// graph, so leftovers of a killed save are known for this graph's.
    pub fn temp_prefix(&self) -> String {
        let name = self
            .graph
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(".{name}.kg-save-")
    }

    /// Removes the temporary files that saves of this graph left when they
    /// were killed. Only the lock holder saves, so while it is held every
    /// such file is a leftover. Returns how many were removed.
    pub fn remove_leftovers(&self) -> usize {
        let prefix = self.temp_prefix();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .filter(|e| std::fs::remove_file(e.path()).is_ok())
            .count()
    }
}
