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
//!
//! Article ids (the `article` of extraction records, the `id` of `Article`
//! nodes) name where the article came from, so that two inputs never
//! collapse into one and reading the same input again gives the same ids:
//!
//! - a JSON `id` field, when there is one;
//! - a file named on the command line: its name without extension (`a.txt`
//!   → `a`);
//! - a file found in a folder: its path below that folder without extension,
//!   `/`-separated (`corpus/a.txt` → `a`, `corpus/2024/a.txt` → `2024/a`);
//! - a JSON Lines article without `id`: the file's id and the line number
//!   (`feed:3`), so a line edited later is found as a conflict rather than
//!   taken for a new article;
//! - standard input without `id`: `stdin-` and a CRC-32 of the input.
//!
//! When two articles of one read still share an id (`x/a.txt` and `y/a.txt`
//! named on the command line, `a.txt` beside `a.json`), the same text is read
//! once (with a warning) and a different text gets the id
//! [`disambiguated`] by its content (`a~1f2e3d4c`), with a warning naming
//! both inputs. Folder walks visit each real folder and file once: a symlink
//! loop, or a link to a file already read, gets a warning instead of a
//! second visit.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::graph::Date;

/// One news article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Unique per input (see the module documentation).
    pub id: String,
    pub date: Option<Date>,
    pub title: Option<String>,
    /// The body text; all spans in extraction records index into it.
    pub text: String,
    pub url: Option<String>,
    pub source: Option<String>,
    /// Where it was read from (`dir/a.txt`, `feed.jsonl:3`, `-`), for
    /// messages.
    pub origin: String,
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
/// could not be read (or was read once for two names); the others are still
/// returned, each with an id of its own.
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Article>, Vec<Warning>) {
    let mut reader = Reader::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => reader.stdin(path, &bytes),
                Err(e) => reader.warn(path, format!("cannot read standard input: {e}")),
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            reader.walk(path, &mut files);
            for (file, id) in files {
                reader.file(&file, id);
            }
        } else if reader.first_visit(path) {
            reader.file(path, stem(path));
        }
    }
    let Reader {
        mut articles,
        mut warnings,
        ..
    } = reader;
    articles = unique_ids(articles, &mut warnings);
    (articles, warnings)
}

/// The id an article whose id `id` is taken by a different text gets:
/// `id~` and the CRC-32 of its text, so the same text always gets the same
/// one (reading it again finds it), with `-2`, `-3`, … after it in the
/// unlikely case that is taken too (`attempt` counts from 0).
pub fn disambiguated(id: &str, text: &str, attempt: usize) -> String {
    let crc = crc32fast::hash(text.as_bytes());
    if attempt == 0 {
        format!("{id}~{crc:08x}")
    } else {
        format!("{id}~{crc:08x}-{}", attempt + 1)
    }
}

/// The articles of bytes read from standard input, as [`read_paths`] reads
/// `-` (for a caller that had to look at the input before knowing it was
/// not one article per line).
pub fn read_stdin_bytes(bytes: &[u8]) -> (Vec<Article>, Vec<Warning>) {
    let mut reader = Reader::default();
    reader.stdin(Path::new("-"), bytes);
    let Reader {
        articles,
        mut warnings,
        ..
    } = reader;
    let articles = unique_ids(articles, &mut warnings);
    (articles, warnings)
}

/// Gives every article an id of its own: an article with the id and text
/// of an earlier one is left out, one with the id of an earlier different
/// text gets a [`disambiguated`] id; both with a warning.
fn unique_ids(articles: Vec<Article>, warnings: &mut Vec<Warning>) -> Vec<Article> {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<Article> = Vec::with_capacity(articles.len());
    'articles: for mut article in articles {
        let original = article.id.clone();
        for attempt in 0.. {
            let Some(&holder) = by_id.get(&article.id) else {
                break;
            };
            let holder = &kept[holder];
            if holder.text == article.text {
                warnings.push(Warning {
                    path: PathBuf::from(&article.origin),
                    message: format!(
                        "the same article as {} (id {:?}, same text); read once",
                        holder.origin, holder.id
                    ),
                });
                continue 'articles;
            }
            if attempt == 0 {
                warnings.push(Warning {
                    path: PathBuf::from(&article.origin),
                    message: format!(
                        "id {original:?} also names {}, a different text; read as {:?}",
                        holder.origin,
                        disambiguated(&original, &article.text, 0)
                    ),
                });
            }
            article.id = disambiguated(&original, &article.text, attempt);
        }
        by_id.insert(article.id.clone(), kept.len());
        kept.push(article);
    }
    kept
}

/// What one [`read_paths`] has read so far.
#[derive(Default)]
struct Reader {
    articles: Vec<Article>,
    warnings: Vec<Warning>,
    /// (device, inode) of the files and folders visited, with the path
    /// they were first visited under.
    visited: HashMap<FileKey, PathBuf>,
}

/// What tells two paths of one file or folder apart from two files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    #[cfg(unix)]
    Inode(u64, u64),
    #[allow(dead_code)] // used where inodes are unknown
    Path(PathBuf),
}

fn file_key(path: &Path) -> Option<FileKey> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| FileKey::Inode(m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::canonicalize(path).ok().map(FileKey::Path)
    }
}

impl Reader {
    fn warn(&mut self, path: &Path, message: String) {
        self.warnings.push(Warning {
            path: path.to_path_buf(),
            message,
        });
    }

    /// Whether `path` (a file) is read for the first time; a second path to
    /// a file already read gets a warning.
    fn first_visit(&mut self, path: &Path) -> bool {
        let Some(key) = file_key(path) else {
            // unreadable: reading it will say why
            return true;
        };
        if let Some(first) = self.visited.get(&key) {
            let message = format!("the same file as {}; read once", first.display());
            self.warn(path, message);
            return false;
        }
        self.visited.insert(key, path.to_path_buf());
        true
    }

    /// Article files under folder `root` (hidden entries skipped), in path
    /// order, each with its id: the path below `root` without extension.
    /// Real folders and files are read first, then what symbolic links
    /// lead to, so a file is read under its own path when it lies in `root`;
    /// each real folder and file is visited once, and a link back up (a
    /// loop) or to what was already read gets a warning.
    fn walk(&mut self, root: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut links = Vec::new();
        self.walk_dir(root, root, out, &mut links);
        // (links found while following links join the queue)
        let mut next = 0;
        while next < links.len() {
            let link = links[next].clone();
            next += 1;
            if link.is_dir() {
                self.walk_dir(root, &link, out, &mut links);
            } else if self.first_visit(&link) {
                out.push((link.clone(), relative_id(root, &link)));
            }
        }
        out.sort();
    }

    fn walk_dir(
        &mut self,
        root: &Path,
        dir: &Path,
        out: &mut Vec<(PathBuf, String)>,
        links: &mut Vec<PathBuf>,
    ) {
        let Some(key) = file_key(dir) else {
            return self.warn(dir, "cannot read folder".to_string());
        };
        if let Some(first) = self.visited.get(&key) {
            let message = if dir.starts_with(first) {
                format!(
                    "a symbolic link loop (back to {}); not followed",
                    first.display()
                )
            } else {
                format!("the same folder as {}; read once", first.display())
            };
            return self.warn(dir, message);
        }
        let mut entries: Vec<std::fs::DirEntry> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.flatten().collect(),
            Err(e) => return self.warn(dir, format!("cannot read folder: {e}")),
        };
        self.visited.insert(key, dir.to_path_buf());
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_symlink()) {
                links.push(path);
            } else if path.is_dir() {
                self.walk_dir(root, &path, out, links);
            } else if self.first_visit(&path) {
                let id = relative_id(root, &path);
                out.push((path, id));
            }
        }
    }

    fn file(&mut self, path: &Path, id: String) {
        let ext = extension(path);
        if !matches!(ext.as_str(), "txt" | "json" | "jsonl") {
            return self.warn(
                path,
                "not an article file (expected .txt, .json or .jsonl)".to_string(),
            );
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return self.warn(path, format!("cannot read file: {e}")),
        };
        let Some(text) = self.decode(path, &bytes) else {
            return;
        };
        match ext.as_str() {
            "txt" => {
                let mut article = from_txt(path, &text);
                if article.date.is_none() && text.trim_start().starts_with("date ") {
                    self.warn(
                        path,
                        "the first line looks like a date header but holds no date \
                         YYYY-MM-DD; read as text"
                            .to_string(),
                    );
                }
                article.id = id;
                self.push_checked(path, article);
            }
            "json" => match parse_json(&text, &id, &path.display().to_string()) {
                Ok(article) => self.push_checked(path, article),
                Err(message) => self.warn(path, message),
            },
            _ => self.jsonl(path, &text, &id),
        }
    }

    /// UTF-8 text of a file. A few invalid bytes (a damaged character or
    /// two) become U+FFFD, with a warning; a file with more is not UTF-8
    /// text (another encoding, or binary data) and is skipped with a
    /// warning, never read as garbage.
    fn decode(&mut self, path: &Path, bytes: &[u8]) -> Option<String> {
        let error = match std::str::from_utf8(bytes) {
            Ok(s) => return Some(s.to_string()),
            Err(e) => e,
        };
        let invalid: usize = bytes.utf8_chunks().map(|c| c.invalid().len()).sum();
        if invalid > max_invalid_bytes(bytes.len()) {
            self.warn(
                path,
                format!(
                    "not UTF-8 text ({invalid} invalid bytes, the first at offset {}); skipped \
                     (convert it first, e.g. `iconv -f latin1 -t utf-8`)",
                    error.valid_up_to()
                ),
            );
            return None;
        }
        self.warn(
            path,
            format!(
                "not valid UTF-8 ({invalid} invalid bytes, the first at offset {}); \
                 invalid bytes replaced",
                error.valid_up_to()
            ),
        );
        Some(String::from_utf8_lossy(bytes).into_owned())
    }

    fn stdin(&mut self, path: &Path, bytes: &[u8]) {
        let Some(text) = self.decode(path, bytes) else {
            return;
        };
        // Text from stdin has no file name; naming it by its content keeps
        // two different piped articles apart while the same text piped
        // twice is still recognised.
        let id = format!("stdin-{:08x}", crc32fast::hash(text.as_bytes()));
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            // one JSON article, or JSON Lines
            match parse_json(&text, &id, "-") {
                Ok(article) => self.push_checked(path, article),
                Err(_) => self.jsonl(path, &text, &id),
            }
        } else {
            let mut article = from_txt(Path::new("-"), &text);
            article.id = id;
            self.push_checked(path, article);
        }
    }

    /// Keeps an article unless it has no text.
    fn push_checked(&mut self, path: &Path, article: Article) {
        if article.text.trim().is_empty() {
            self.warn(path, "empty article: no text".to_string());
        } else {
            self.articles.push(article);
        }
    }

    /// The articles of a JSON Lines file whose own id is `id`.
    fn jsonl(&mut self, path: &Path, text: &str, id: &str) {
        let mut any = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            any = true;
            let line_id = format!("{id}:{}", n + 1);
            let origin = format!("{}:{}", path.display(), n + 1);
            match parse_json(line, &line_id, &origin) {
                Ok(article) if article.text.trim().is_empty() => {
                    self.warn(path, format!("line {}: empty article: no text", n + 1));
                }
                Ok(article) => self.articles.push(article),
                Err(message) => self.warn(path, format!("line {}: {message}", n + 1)),
            }
        }
        if !any {
            self.warn(path, "empty file: no articles".to_string());
        }
    }
}

/// How many invalid bytes a text may hold and still be read as UTF-8 with
/// replacements: a few damaged characters, one per 10 KB in a long file.
fn max_invalid_bytes(len: usize) -> usize {
    (len / 10_000).max(16)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".to_string())
}

/// The id of `path` found under folder `root`: its path below `root`
/// without extension, `/`-separated (just the stem for a file directly in
/// `root`).
fn relative_id(root: &Path, path: &Path) -> String {
    let below = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = below
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.push(stem(path));
    parts.join("/")
}

/// An article from one JSON object; `default_id` when it has no `id`. The
/// error says what is wrong, for a warning naming where the text came from.
pub fn parse_json(text: &str, default_id: &str, origin: &str) -> Result<Article, String> {
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
        _ => default_id.to_string(),
    };
    Ok(Article {
        id,
        date,
        title: raw.title,
        text: strip_credit(&text).to_string(),
        url: raw.url,
        source: raw.source,
        origin: origin.to_string(),
    })
}

/// An article from the text of a `.txt` file; its id is the file's stem.
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
        origin: path.display().to_string(),
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
        assert_eq!(ids, vec!["j1", "b/one", "bad", "l1", "l2"]);
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
