//! Articles and reading them from files: `.txt` (optional ` date YYYY-MM-DD `
//! first line), `.json` (one article), `.jsonl` (one per line), folders
//! recursively (sorted, so output order is stable), and `-` for standard
//! input.
//!
//! Reading never stops at a bad file: each one that is unreadable, not
//! UTF-8, empty or not an article gets a [`Warning`] naming it, and the
//! others are still read. Text with invalid UTF-8 is read with replacement
//! characters (and a warning). An agency credit closing the text (`— VNS`,
//! `./.`, `-VNA`) is cut off; a dateline (`Santiago (VNA) –`) is kept, as it
//! names a place.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

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

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

/// The JSON shape of one article.
#[derive(Debug, Deserialize)]
struct JsonArticle {
    id: Option<serde_json::Value>,
    date: Option<String>,
    title: Option<String>,
    text: Option<String>,
    url: Option<String>,
    source: Option<String>,
}

/// Articles read from files and folders, with a warning for each input that
/// could not be read; the others are still returned.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Article>, Vec<Warning>) {
    let mut articles = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => read_stdin(path, &bytes, &mut articles, &mut warnings),
                Err(e) => warn(
                    &mut warnings,
                    path,
                    format!("cannot read standard input: {e}"),
                ),
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            collect_files(path, &mut files, &mut warnings);
            files.sort();
            for file in files {
                read_file(&file, &mut articles, &mut warnings);
            }
        } else {
            read_file(path, &mut articles, &mut warnings);
        }
    }
    (articles, warnings)
}

fn warn(warnings: &mut Vec<Warning>, path: &Path, message: String) {
    warnings.push(Warning {
        path: path.to_path_buf(),
        message,
    });
}

/// Article files under a folder (hidden entries skipped).
fn collect_files(dir: &Path, out: &mut Vec<PathBuf>, warnings: &mut Vec<Warning>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return warn(warnings, dir, format!("cannot read folder: {e}")),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, out, warnings);
        } else {
            out.push(path);
        }
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn read_file(path: &Path, articles: &mut Vec<Article>, warnings: &mut Vec<Warning>) {
    let ext = extension(path);
    if !matches!(ext.as_str(), "txt" | "json" | "jsonl") {
        return warn(
            warnings,
            path,
            "not an article file (expected .txt, .json or .jsonl)".to_string(),
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return warn(warnings, path, format!("cannot read file: {e}")),
    };
    let text = decode(path, &bytes, warnings);
    match ext.as_str() {
        "txt" => push_txt(path, &text, articles, warnings),
        "json" => match parse_json(path, &text) {
            Ok(article) => push_checked(path, article, articles, warnings),
            Err(message) => warn(warnings, path, message),
        },
        _ => read_jsonl(path, &text, articles, warnings),
    }
}

/// UTF-8 text of a file; invalid bytes become U+FFFD, with a warning.
fn decode(path: &Path, bytes: &[u8], warnings: &mut Vec<Warning>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(e) => {
            warn(
                warnings,
                path,
                format!(
                    "not valid UTF-8 (first bad byte at offset {}); invalid bytes replaced",
                    e.valid_up_to()
                ),
            );
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

fn read_stdin(path: &Path, bytes: &[u8], articles: &mut Vec<Article>, warnings: &mut Vec<Warning>) {
    let text = decode(path, bytes, warnings);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        // one JSON article, or JSON Lines
        match parse_json(path, &text) {
            Ok(article) => push_checked(path, article, articles, warnings),
            Err(_) => read_jsonl(path, &text, articles, warnings),
        }
    } else {
        let mut article = from_txt(Path::new("stdin"), &text);
        // Text from stdin has no file name; naming it by its content keeps
        // two different piped articles apart (ingest skips a known id) while
        // the same text piped twice is still recognised.
        article.id = format!("stdin-{:08x}", crc32fast::hash(text.as_bytes()));
        push_checked(path, article, articles, warnings);
    }
}

fn push_txt(path: &Path, text: &str, articles: &mut Vec<Article>, warnings: &mut Vec<Warning>) {
    push_checked(path, from_txt(path, text), articles, warnings);
}

/// Keeps an article unless it has no text.
fn push_checked(
    path: &Path,
    article: Article,
    articles: &mut Vec<Article>,
    warnings: &mut Vec<Warning>,
) {
    if article.text.trim().is_empty() {
        warn(warnings, path, "empty article: no text".to_string());
    } else {
        articles.push(article);
    }
}

fn read_jsonl(path: &Path, text: &str, articles: &mut Vec<Article>, warnings: &mut Vec<Warning>) {
    let mut any = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        any = true;
        match parse_json(path, line) {
            Ok(article) if article.text.trim().is_empty() => warn(
                warnings,
                path,
                format!("line {}: empty article: no text", n + 1),
            ),
            Ok(article) => articles.push(article),
            Err(message) => warn(warnings, path, format!("line {}: {message}", n + 1)),
        }
    }
    if !any {
        warn(warnings, path, "empty file: no articles".to_string());
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".to_string())
}

/// An article from one JSON object.
fn parse_json(path: &Path, text: &str) -> Result<Article, String> {
    let raw: JsonArticle =
        serde_json::from_str(text).map_err(|e| format!("not a JSON article: {e}"))?;
    let text = raw
        .text
        .ok_or_else(|| "not an article: no \"text\" field".to_string())?;
    let date = match raw.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(
            Date::parse(d.get(..10).unwrap_or(d))
                .ok_or_else(|| format!("bad date {d:?}: expected YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let id = match raw.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => stem(path),
    };
    Ok(Article {
        id,
        date,
        title: raw.title,
        text: strip_credit(&text).to_string(),
        url: raw.url,
        source: raw.source,
    })
}

/// An article from the text of a `.txt` file.
pub fn from_txt(path: &Path, text: &str) -> Article {
    let id = stem(path);
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
        text: strip_credit(&text[body_start..]).to_string(),
        url: None,
        source: None,
    }
}

/// The text without a closing agency credit (`— VNS`, `./.`, `-VNA`).
fn strip_credit(text: &str) -> &str {
    let mut t = text.trim_end();
    // `ties./.`: the sentence keeps its period, the credit mark goes
    if let Some(rest) = t.strip_suffix("./.") {
        return &t[..rest.len() + 1];
    }
    // a dash and one short all-capitals word at the very end
    let last_word_start = t
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '/'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &t[last_word_start..];
    let is_credit = (2..=6).contains(&word.chars().count())
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if is_credit {
        let before = t[..last_word_start].trim_end();
        if let Some(rest) = before
            .strip_suffix('-')
            .or_else(|| before.strip_suffix('\u{2014}'))
            .or_else(|| before.strip_suffix('\u{2013}'))
        {
            t = rest.trim_end();
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn txt_date_header_dateline_and_credit() {
        let a = from_txt(
            Path::new("x/a-1.txt"),
            " date 2025-08-19 CHILE — Text here. — VNS\n",
        );
        assert_eq!(a.id, "a-1");
        assert_eq!(a.date, Date::parse("2025-08-19"));
        assert_eq!(a.text.trim_start(), "CHILE — Text here.");
        let b = from_txt(Path::new("b.txt"), "Hanoi (VNA) – He met them./.");
        assert_eq!(b.date, None);
        assert_eq!(b.text, "Hanoi (VNA) – He met them.");
        let c = from_txt(Path::new("c.txt"), "ties between the two countries.-VNA");
        assert_eq!(c.text, "ties between the two countries.");
    }

    #[test]
    fn reads_json_jsonl_and_folders_in_order_with_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "b/one.txt", b" date 2024-01-02 Hanoi (VNA) - A text.");
        write(
            d,
            "a.json",
            br#"{"id": "j1", "date": "2024-05-06", "title": "T", "text": "Body.", "url": "http://x"}"#,
        );
        write(
            d,
            "c.jsonl",
            b"{\"id\": \"l1\", \"text\": \"First.\"}\nnot json\n{\"id\": \"l2\", \"text\": \"Second.\"}\n",
        );
        write(d, "empty.txt", b"  \n");
        write(d, "bad.txt", b"Caf\xe9 text.");
        write(d, "notes.md", b"# not an article");
        write(d, "nodoc.json", br#"{"id": "x"}"#);
        let (articles, warnings) = read_paths(&[d.to_path_buf()]);
        let ids: Vec<&str> = articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["j1", "one", "bad", "l1", "l2"]);
        assert_eq!(articles[0].date, Date::parse("2024-05-06"));
        assert_eq!(articles[0].title.as_deref(), Some("T"));
        assert!(articles[2].text.contains('\u{fffd}'));
        let warned: Vec<String> = warnings
            .iter()
            .map(|w| w.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for name in ["bad.txt", "c.jsonl", "empty.txt", "nodoc.json", "notes.md"] {
            assert!(
                warned.contains(&name.to_string()),
                "{name} not warned: {warnings:?}"
            );
        }
        assert!(warnings.iter().any(|w| w.message.contains("line 2")));
    }

    #[test]
    fn missing_file_is_a_warning_not_a_failure() {
        let (articles, warnings) = read_paths(&[PathBuf::from("/no/such/file.txt")]);
        assert!(articles.is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].to_string().contains("/no/such/file.txt"));
    }
}
