//! Articles and reading them from files: `.txt` (optional ` date YYYY-MM-DD `
//! first line), `.json` (one article), `.jsonl` (one per line), folders
//! recursively, and `-` for standard input.

use std::path::{Path, PathBuf};

use crate::graph::Date;

/// One news article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The file name without extension, or the `id` field of JSON input.
    pub id: String,
    pub date: Option<Date>,
    pub title: Option<String>,
    /// The body text; all spans in extraction records index into it.
    pub text: String,
    pub url: Option<String>,
    pub source: Option<String>,
}

/// A file that was skipped or only partly read, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub path: PathBuf,
    pub message: String,
}

/// Articles read from files and folders, with a warning for each input that
/// could not be read; the others are still returned.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Article>, Vec<Warning>) {
    let mut articles = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(text) => articles.push(from_txt(path, &text)),
            Err(e) => warnings.push(Warning {
                path: path.clone(),
                message: e.to_string(),
            }),
        }
    }
    (articles, warnings)
}

/// An article from the text of a `.txt` file.
pub fn from_txt(path: &Path, text: &str) -> Article {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".to_string());
    let trimmed = text.trim_start();
    let (date, body_start) = match trimmed.strip_prefix("date ") {
        Some(rest) => match rest.get(..10).and_then(Date::parse) {
            Some(date) => (Some(date), text.len() - rest.len() + 10),
            None => (None, 0),
        },
        None => (None, 0),
    };
    Article {
        id,
        date,
        title: None,
        text: text[body_start..].to_string(),
        url: None,
        source: None,
    }
}
