//! Where the shell keeps its history: `--history FILE` or `KG_HISTORY`,
//! else `kg/history` in the user's data folder (`$XDG_DATA_HOME`, or
//! `~/.local/share` on Linux), or none with `--no-history`.

use std::path::PathBuf;

/// The history setting from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum History {
    Default,
    File(PathBuf),
    None,
}

impl History {
    /// The file to read and append to, creating its folder for the default.
    pub fn path(&self) -> Option<PathBuf> {
        match self {
            History::None => None,
            History::File(path) => Some(path.clone()),
            History::Default => {
                let dir = dirs::data_dir()?.join("kg");
                std::fs::create_dir_all(&dir).ok()?;
                Some(dir.join("history"))
            }
        }
    }
}
