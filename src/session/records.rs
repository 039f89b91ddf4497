//! `kg ingest --records`: extraction records made elsewhere (by
//! `kg extract --format json`, on other machines, in shards) merged into
//! the graph. Identities are resolved by the resolver, record by record,
//! as for articles read here: shards extracted apart give the graph of one
//! ingest of all their articles.
//!
//! Files are read line by line and ingested in batches, so the records of
//! an archive never need to be held at once. A line that is not a record
//! (see `crate::records`) is skipped with a warning naming its file and
//! line, like an unreadable article file; the others are still ingested.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use super::{looks_binary, output_error, Session};
use crate::error::{Error, Result};
use crate::extract::{Article, Extraction};
use crate::ingest::{self, IngestReport};
use crate::records::{parse_record, read_line, Line, MAX_LINE_BYTES};

/// Records per ingest call, and article bytes: a call indexes the graph's
/// entities once, so batches are large; the bytes bound what one holds.
const BATCH_RECORDS: usize = 1024;
const BATCH_BYTES: usize = 64 << 20;

impl Session {
    /// Ingests the records of `paths` (files, folders of them, `-` for
    /// standard input), saving the graph when it changed; warnings about
    /// lines that are not records go to `err`.
    pub fn ingest_records(
        &mut self,
        paths: &[PathBuf],
        err: &mut dyn Write,
    ) -> Result<IngestReport> {
        let files = record_files(paths, err)?;
        self.with_lock(err, |session, err| {
            session.bulk_load(err, |session, err| session.ingest_record_files(&files, err))
        })
    }

    fn ingest_record_files(
        &mut self,
        files: &[PathBuf],
        err: &mut dyn Write,
    ) -> Result<IngestReport> {
        let mut batch = Batch::default();
        let mut total = IngestReport::default();
        let mut skipped = 0usize;
        // each record's ids get a scope of their own
        let mut records = 0usize;
        for file in files {
            let (mut input, name): (Box<dyn BufRead>, String) = if file.as_os_str() == "-" {
                (Box::new(std::io::stdin().lock()), "-".to_string())
            } else {
                match std::fs::File::open(file) {
                    Ok(f) => (Box::new(BufReader::new(f)), file.display().to_string()),
                    Err(e) => {
                        writeln!(
                            err,
                            "kg: warning: {}: cannot read file: {e}",
                            file.display()
                        )
                        .map_err(output_error)?;
                        continue;
                    }
                }
            };
            let mut buf = Vec::new();
            let mut number = 0usize;
            loop {
                let read = read_line(&mut *input, &mut buf, MAX_LINE_BYTES)
                    .map_err(|e| Error::io(file, e))?;
                number += 1;
                let origin = format!("{name}:{number}");
                records += 1;
                let scope = format!("r{records}");
                let parsed = match read {
                    Line::End => break,
                    Line::TooLong(n) => Err(format!(
                        "a line of {n} bytes, longer than the {} MiB a record may have",
                        MAX_LINE_BYTES >> 20
                    )),
                    Line::Read if buf.iter().all(u8::is_ascii_whitespace) => continue,
                    Line::Read => match std::str::from_utf8(&buf) {
                        // (replacing bad bytes would move every span after them)
                        Err(e) => Err(format!(
                            "not valid UTF-8 (first bad byte at offset {})",
                            e.valid_up_to()
                        )),
                        Ok(line) => parse_record(line, &origin, &scope).and_then(|parsed| {
                            if looks_binary(&parsed.0.text) {
                                Err(format!("article `{}`: not text (binary data)", parsed.0.id))
                            } else {
                                Ok(parsed)
                            }
                        }),
                    },
                };
                match parsed {
                    Ok((article, extraction)) => {
                        batch.push(article, extraction);
                        if batch.full() {
                            self.ingest_batch(&mut batch, &mut total)?;
                        }
                    }
                    Err(message) => {
                        skipped += 1;
                        writeln!(err, "kg: warning: {origin}: {message}; skipped")
                            .map_err(output_error)?;
                    }
                }
            }
        }
        self.ingest_batch(&mut batch, &mut total)?;
        if skipped > 0 {
            writeln!(
                err,
                "kg: warning: {skipped} line{} that {} no extraction record skipped",
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "was" } else { "were" }
            )
            .map_err(output_error)?;
        }
        Ok(total)
    }

    fn ingest_batch(&mut self, batch: &mut Batch, total: &mut IngestReport) -> Result<()> {
        if batch.articles.is_empty() {
            return Ok(());
        }
        let report = ingest::ingest(&mut self.graph, &batch.articles, &batch.extractions)?;
        total.articles += report.articles;
        total.skipped_articles += report.skipped_articles;
        total.renamed.extend(report.renamed);
        total.nodes += report.nodes;
        total.rels += report.rels;
        *batch = Batch::default();
        Ok(())
    }
}

/// Records read and not yet ingested.
#[derive(Default)]
struct Batch {
    articles: Vec<Article>,
    extractions: Vec<Extraction>,
    bytes: usize,
}

impl Batch {
    fn push(&mut self, article: Article, extraction: Extraction) {
        self.bytes += article.text.len();
        self.articles.push(article);
        self.extractions.push(extraction);
    }

    fn full(&self) -> bool {
        self.articles.len() >= BATCH_RECORDS || self.bytes >= BATCH_BYTES
    }
}

/// The files to read: each path named, and the files of each folder
/// (recursively, in name order) except hidden ones and those starting with
/// `_` — what Spark and Hadoop write beside their part files (`_SUCCESS`,
/// `.part-00000.crc`). A folder that cannot be read is an error.
fn record_files(paths: &[PathBuf], err: &mut dyn Write) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() != "-" && path.is_dir() {
            let before = files.len();
            walk(path, &mut files)?;
            if files.len() == before {
                writeln!(
                    err,
                    "kg: warning: {}: no record files in this folder",
                    path.display()
                )
                .map_err(output_error)?;
            }
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        // symbolic links to folders are not followed (no loops)
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            walk(&entry.path(), files)?;
        } else {
            files.push(entry.path());
        }
    }
    Ok(())
}
