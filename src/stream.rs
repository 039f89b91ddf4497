//! `kg extract -` as a filter: JSON Lines articles in, one record per
//! article out as soon as it is made, so kg runs as the map step of an
//! engine that pipes text through a command (Spark's `RDD.pipe`, Hadoop
//! streaming, GNU `parallel --pipe`).
//!
//! Memory is one line and its extraction, whatever the stream's length.
//! Each article is extracted alone: ids are local to its record (`p1`,
//! `o1`), and `kg ingest --records` resolves identities across records, so
//! how the engine splits the input does not change the graph.
//!
//! A line that is not an article (not JSON, no `text`, a bad date, empty,
//! binary, longer than [`MAX_LINE_BYTES`]) gets a warning on standard error
//! naming its line and is skipped; the others go on — one bad line should
//! not lose a shard of a large job, and the warnings say what was lost.
//! With `strict` the first bad line stops the run with an error instead
//! (exit status 1), for pipelines that want to fail loudly.
//!
//! Ids: an article's JSON `id`; without one, `stdin-` and the CRC-32 of
//! its line, which depends on the article alone (not on where a split put
//! it). Two lines with one id are both extracted; ingest keeps one text
//! per id and stores a different text under `ID~CRC32`, as it does for any
//! input.

use std::io::{BufRead, Write};

use crate::error::{Error, Result};
use crate::extract::{self, article, Article, Extraction};
use crate::records::{read_line, Line, MAX_LINE_BYTES};

/// How a stream was read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamReport {
    /// Articles extracted (records written).
    pub articles: usize,
    /// Lines that were not articles, warned about.
    pub skipped: usize,
}

/// What standard input turned out to hold.
pub enum Start {
    /// JSON Lines: the lines read so far (blank ones, then the first
    /// article's), the rest still unread.
    Lines(Vec<(Line, Vec<u8>)>),
    /// Anything else (one text, one JSON article over several lines): all
    /// of it, for the ordinary reader.
    Whole(Vec<u8>),
}

/// Looks at the start of `input`: JSON Lines when the first line that is
/// not blank opens a JSON object that closes on that line (or is not JSON
/// at all though it starts like it: then each line gets its warning); an
/// object that goes on past its first line is one JSON article, and
/// anything else text.
pub fn start(input: &mut dyn BufRead) -> std::io::Result<Start> {
    // every byte read, as it was: the ordinary reader names text from
    // standard input by a checksum of all of it
    let mut raw = Vec::new();
    let mut lines: Vec<(Line, Vec<u8>)> = Vec::new();
    loop {
        let begin = raw.len();
        let limit = MAX_LINE_BYTES as u64 + 1;
        if std::io::Read::take(&mut *input, limit).read_until(b'\n', &mut raw)? == 0 {
            return Ok(Start::Whole(raw));
        }
        let mut line = raw[begin..].to_vec();
        let ended = line.last() == Some(&b'\n');
        if ended {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        let opens = line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if !ended && line.len() > MAX_LINE_BYTES {
            if !opens {
                input.read_to_end(&mut raw)?;
                return Ok(Start::Whole(raw));
            }
            // a first article too long to hold: streamed, so it is warned
            // about and the next lines are read
            let mut rest = Vec::new();
            let more = match read_line(input, &mut rest, 0)? {
                Line::End | Line::Read => rest.len(),
                Line::TooLong(n) => n,
            };
            lines.push((Line::TooLong(line.len() + more), Vec::new()));
            return Ok(Start::Lines(lines));
        }
        if line.iter().all(u8::is_ascii_whitespace) && ended {
            lines.push((Line::Read, line));
            continue;
        }
        let json_lines = opens
            && match serde_json::from_slice::<serde::de::IgnoredAny>(&line) {
                Ok(_) => true,
                Err(e) => !e.is_eof(),
            };
        if json_lines {
            lines.push((Line::Read, line));
            return Ok(Start::Lines(lines));
        }
        input.read_to_end(&mut raw)?;
        return Ok(Start::Whole(raw));
    }
}

/// Extracts every article of a JSON Lines stream whose first lines are
/// `first` (what [`start`] read) and the rest `input`, handing each to
/// `emit` as soon as it is made; warnings go to `err`.
pub fn extract_lines(
    first: Vec<(Line, Vec<u8>)>,
    input: &mut dyn BufRead,
    strict: bool,
    emit: &mut dyn FnMut(&Article, &Extraction) -> Result<()>,
    err: &mut dyn Write,
) -> Result<StreamReport> {
    let mut report = StreamReport::default();
    let mut number = 0usize;
    let mut buf = Vec::new();
    let mut first = first.into_iter();
    loop {
        let read = match first.next() {
            Some((read, line)) => {
                buf = line;
                read
            }
            None => {
                read_line(input, &mut buf, MAX_LINE_BYTES).map_err(|e| Error::io("<stdin>", e))?
            }
        };
        number += 1;
        let outcome = match read {
            Line::End => break,
            Line::TooLong(n) => Err(format!(
                "a line of {n} bytes, longer than the {} MiB an article may have",
                MAX_LINE_BYTES >> 20
            )),
            Line::Read if buf.iter().all(u8::is_ascii_whitespace) => continue,
            Line::Read => article_of_line(&buf, number),
        };
        match outcome {
            Ok((article, warning)) => {
                if let Some(warning) = warning {
                    warn(err, number, &warning)?;
                }
                let extraction = extract::extract_all(std::slice::from_ref(&article))
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                emit(&article, &extraction)?;
                report.articles += 1;
            }
            Err(message) if strict => {
                return Err(Error::Usage(format!(
                    "-:{number}: {message} (--strict stops at the first bad line)"
                )));
            }
            Err(message) => {
                warn(err, number, &format!("{message}; skipped"))?;
                report.skipped += 1;
            }
        }
    }
    if report.skipped > 0 {
        writeln!(
            err,
            "kg: warning: standard input: {} article{} extracted, {} line{} skipped",
            report.articles,
            if report.articles == 1 { "" } else { "s" },
            report.skipped,
            if report.skipped == 1 { "" } else { "s" }
        )
        .map_err(|e| Error::io("<stderr>", e))?;
    }
    Ok(report)
}

fn warn(err: &mut dyn Write, line: usize, message: &str) -> Result<()> {
    writeln!(err, "kg: warning: -:{line}: {message}").map_err(|e| Error::io("<stderr>", e))
}

/// The article of one line, with a warning to give when it was read only
/// in part (invalid UTF-8 replaced); the error says why it is no article.
fn article_of_line(bytes: &[u8], number: usize) -> Result<(Article, Option<String>), String> {
    let (text, warning) = match std::str::from_utf8(bytes) {
        Ok(text) => (std::borrow::Cow::Borrowed(text), None),
        Err(e) => (
            String::from_utf8_lossy(bytes),
            Some(format!(
                "not valid UTF-8 (first bad byte at offset {}); invalid bytes replaced",
                e.valid_up_to()
            )),
        ),
    };
    let default_id = format!("stdin-{:08x}", crc32fast::hash(bytes));
    let article = article::parse_json(&text, &default_id, &format!("-:{number}"))?;
    if article.text.trim().is_empty() {
        return Err("empty article: no text".to_string());
    }
    if crate::session::looks_binary(&article.text) {
        return Err(format!("article `{}`: not text (binary data)", article.id));
    }
    Ok((article, warning))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start_of(input: &[u8]) -> Start {
        start(&mut std::io::BufReader::new(input)).unwrap()
    }

    #[test]
    fn json_lines_are_told_from_one_article_and_from_text() {
        let lines = |start: Start| match start {
            Start::Lines(lines) => lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>(),
            Start::Whole(_) => panic!("not JSON Lines"),
        };
        let one: &[u8] = b"{\"text\": \"a\"}";
        assert_eq!(
            lines(start_of(b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n")),
            [one]
        );
        assert_eq!(
            lines(start_of(b"\n \n{\"text\": \"a\"}\n")),
            [b"".as_slice(), b" ", one]
        );
        assert_eq!(lines(start_of(b"{nonsense\n{\"text\": \"a\"}\n")).len(), 1);
        let pretty = b"{\n  \"text\": \"a\"\n}\n";
        assert!(matches!(start_of(pretty), Start::Whole(w) if w == pretty));
        let text = b"  Hanoi (VNA) - A text.\nMore.";
        assert!(matches!(start_of(text), Start::Whole(w) if w == text));
        assert!(matches!(start_of(b""), Start::Whole(w) if w.is_empty()));
    }

    #[test]
    fn every_line_is_extracted_or_warned_about_by_number() {
        let input = "{\"id\": \"a\", \"text\": \"Hanoi – Minister Phan Văn Dũng met Marta Quiroga Lenz in Hanoi.\"}\n\
                     not json\n\
                     \n\
                     {\"id\": \"b\"}\n\
                     {\"id\": \"c\", \"date\": \"yesterday\", \"text\": \"x\"}\n\
                     {\"text\": \"Lima – Julio Benavente spoke in Lima.\"}\n";
        let mut input = std::io::BufReader::new(input.as_bytes());
        let Start::Lines(first) = start(&mut input).unwrap() else {
            panic!("not JSON Lines");
        };
        let mut ids = Vec::new();
        let mut err = Vec::new();
        let report = extract_lines(
            first,
            &mut input,
            false,
            &mut |a, e| {
                assert_eq!(a.id, e.record.article);
                ids.push(a.id.clone());
                Ok(())
            },
            &mut err,
        )
        .unwrap();
        let err = String::from_utf8(err).unwrap();
        assert_eq!(report.articles, 2);
        assert_eq!(report.skipped, 3);
        assert_eq!(ids[0], "a");
        assert!(ids[1].starts_with("stdin-"), "{ids:?}");
        for line in [
            "-:2: not a JSON article",
            "-:4: not an article",
            "-:5: bad date",
        ] {
            assert!(err.contains(line), "{line} missing from:\n{err}");
        }
        assert!(
            err.contains("2 articles extracted, 3 lines skipped"),
            "{err}"
        );
    }

    #[test]
    fn strict_stops_at_the_first_bad_line() {
        let input =
            b"{\"id\": \"a\", \"text\": \"A text.\"}\n{oops}\n{\"id\": \"b\", \"text\": \"B.\"}\n";
        let mut input = std::io::BufReader::new(input.as_slice());
        let Start::Lines(first) = start(&mut input).unwrap() else {
            panic!("not JSON Lines");
        };
        let mut count = 0;
        let e = extract_lines(
            first,
            &mut input,
            true,
            &mut |_, _| {
                count += 1;
                Ok(())
            },
            &mut std::io::sink(),
        )
        .unwrap_err();
        assert_eq!(count, 1);
        assert!(e.to_string().contains("-:2:"), "{e}");
    }
}
