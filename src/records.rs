//! Extraction records as they travel between machines: what
//! `kg extract --format json` prints and `kg ingest --records` reads back.
//!
//! A line is the record of `../shared/eval/FORMAT.md` (the fields of
//! [`Record`], which the scorer reads) plus what the graph needs to rebuild
//! the article and the evidence of every fact, which the scorer ignores:
//! `title`, `url`, `source` (when the article had them), `sentences` (the
//! byte spans of its sentences, `[[start, end], …]`) and `text` (the text
//! every span indexes into), written last so the record reads first.
//!
//! Records come from elsewhere, so nothing in one is trusted: a record
//! whose spans leave its text, or cite a sentence it does not have, is
//! refused with a message naming what is wrong. A record without
//! `sentences` gets them from its text (the spans `kg` would have made); one
//! without `text` cannot be ingested (an older kg, or a gold file).
//!
//! Entity ids (`p1`, `o3`) are meaningful only inside the run that made
//! them: two shards extracted apart both have a `p1`. [`parse_record`]
//! puts each record's ids in a scope of its own, so only the resolver
//! (names and aliases, the keys of `crate::resolve`) decides which records
//! are one entity — which is what makes shards extracted separately give
//! the graph of one ingest.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::extract::record::Mention;
use crate::extract::{Article, Extraction, Lexicons, Record};
use crate::graph::Date;

/// The longest line read from a stream of articles or records: a line is
/// held whole while it is parsed, so this bounds what one needs.
pub const MAX_LINE_BYTES: usize = 256 << 20;

/// What is written for one article (borrowed: nothing is copied).
#[derive(Serialize)]
struct Outgoing<'a> {
    #[serde(flatten)]
    record: &'a Record,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    sentences: &'a [(u32, u32)],
    text: &'a str,
}

/// What is read back.
#[derive(Deserialize)]
struct Incoming {
    #[serde(flatten)]
    record: Record,
    title: Option<String>,
    url: Option<String>,
    source: Option<String>,
    sentences: Option<Vec<(u32, u32)>>,
    text: Option<String>,
}

/// Writes one article's record as one line of JSON.
pub fn write_record(
    out: &mut dyn Write,
    article: &Article,
    extraction: &Extraction,
) -> std::io::Result<()> {
    let line = Outgoing {
        record: &extraction.record,
        title: article.title.as_deref(),
        url: article.url.as_deref(),
        source: article.source.as_deref(),
        sentences: &extraction.sentences,
        text: &article.text,
    };
    serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// The article and extraction of one record line read from `origin`
/// (`FILE:LINE`, for messages), its entity ids put in `scope` (unique per
/// record of one ingest). The error says what is wrong with the record.
pub fn parse_record(
    line: &str,
    origin: &str,
    scope: &str,
) -> Result<(Article, Extraction), String> {
    let incoming: Incoming =
        serde_json::from_str(line).map_err(|e| format!("not an extraction record: {e}"))?;
    let Incoming {
        mut record,
        title,
        url,
        source,
        sentences,
        text,
    } = incoming;
    let text = text.ok_or_else(|| {
        "the record has no article text (`text`), which the graph keeps as the evidence of \
         every fact; make records with `kg extract --format json`"
            .to_string()
    })?;
    if record.article.trim().is_empty() {
        return Err("the record names no article (`article` is empty)".to_string());
    }
    if text.trim().is_empty() {
        return Err(format!("article {:?}: empty text", record.article));
    }
    let date = match record.date.as_deref() {
        None => None,
        Some(d) => Some(Date::parse(d).ok_or_else(|| {
            format!(
                "article {:?}: bad date {d:?}: expected YYYY-MM-DD",
                record.article
            )
        })?),
    };
    let sentences = match sentences {
        Some(sentences) => sentences,
        None => crate::extract::segment::sentences(&text, &Lexicons::get().abbreviations),
    };
    check_spans(&record, &text, &sentences)
        .map_err(|problem| format!("article {:?}: {problem}", record.article))?;
    scope_ids(&mut record, scope);
    let article = Article {
        id: record.article.clone(),
        date,
        title,
        text,
        url,
        source,
        origin: origin.to_string(),
    };
    Ok((article, Extraction { record, sentences }))
}

/// Every span of the record lies in `text` (sentences on character
/// boundaries, so evidence can be cut from it) and every mention cites a
/// sentence there is.
fn check_spans(record: &Record, text: &str, sentences: &[(u32, u32)]) -> Result<(), String> {
    for (i, &(start, end)) in sentences.iter().enumerate() {
        let (s, e) = (start as usize, end as usize);
        if s > e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            return Err(format!(
                "sentence {i} spans bytes {start}..{end}, not a piece of the {}-byte text",
                text.len()
            ));
        }
    }
    let mentions = record
        .persons
        .iter()
        .flat_map(|p| &p.mentions)
        .chain(record.institutions.iter().flat_map(|i| &i.mentions))
        .chain(record.places.iter().flat_map(|p| &p.mentions))
        .chain(record.roles.iter().filter_map(|r| r.evidence.as_ref()))
        .chain(record.events.iter().filter_map(|e| e.evidence.as_ref()));
    for &Mention {
        sentence,
        start,
        end,
    } in mentions
    {
        if sentence as usize >= sentences.len() {
            return Err(format!(
                "a mention cites sentence {sentence}, and the text has {}",
                sentences.len()
            ));
        }
        if start > end || end as usize > text.len() {
            return Err(format!(
                "a mention spans bytes {start}..{end} of the {}-byte text",
                text.len()
            ));
        }
    }
    Ok(())
}

/// Prefixes every entity id of the record, and every reference to one,
/// with `scope/`, so ids of records made apart never meet. (Event ids name
/// their article already: ingest makes them unique.)
fn scope_ids(record: &mut Record, scope: &str) {
    let scoped = |id: &mut String| *id = format!("{scope}/{id}");
    for p in &mut record.persons {
        scoped(&mut p.id);
    }
    for o in &mut record.institutions {
        scoped(&mut o.id);
        if let Some(parent) = o.part_of.as_mut() {
            scoped(parent);
        }
    }
    for l in &mut record.places {
        scoped(&mut l.id);
        if let Some(parent) = l.located_in.as_mut() {
            scoped(parent);
        }
    }
    for role in &mut record.roles {
        scoped(&mut role.person);
        if let Some(institution) = role.institution.as_mut() {
            scoped(institution);
        }
    }
    for event in &mut record.events {
        if let Some(place) = event.place.as_mut() {
            scoped(place);
        }
        event.participants.iter_mut().for_each(scoped);
    }
}

/// One line of a stream, read with [`read_line`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line is in the buffer (without its line break).
    Read,
    /// The line was longer than the limit: this many bytes were passed over.
    TooLong(usize),
    /// The stream has ended.
    End,
}

/// Reads the next line of `input` into `buf` (cleared first), holding at
/// most `max` bytes of it: a longer line is read through and dropped, so a
/// stream with one huge line costs no more memory than the limit.
pub fn read_line(input: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<Line> {
    buf.clear();
    let mut skipped = 0usize;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (piece, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(at) => (&chunk[..at], at + 1),
            None => (chunk, chunk.len()),
        };
        let ended = done > piece.len();
        if skipped > 0 || buf.len() + piece.len() > max {
            skipped += buf.len() + piece.len();
            buf.clear();
        } else {
            buf.extend_from_slice(piece);
        }
        input.consume(done);
        if ended {
            break;
        }
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(match (any, skipped) {
        (false, _) => Line::End,
        (true, 0) => Line::Read,
        (true, n) => Line::TooLong(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{article::from_txt, extract_all};

    fn sample() -> (Article, Extraction) {
        let article = from_txt(
            std::path::Path::new("a.txt"),
            " date 2025-03-07 Hanoi – Minister of National Defence Phan Văn Dũng received \
             Marta Quiroga Lenz, Minister of Defence of Chile, in Hanoi on Friday.",
        );
        let extraction = extract_all(std::slice::from_ref(&article)).remove(0);
        (article, extraction)
    }

    #[test]
    fn a_record_reads_back_as_its_article_and_extraction() {
        let (article, extraction) = sample();
        let mut line = Vec::new();
        write_record(&mut line, &article, &extraction).unwrap();
        let line = String::from_utf8(line).unwrap();
        assert!(line.ends_with('\n') && line.trim_end().lines().count() == 1);
        let (back, ex) = parse_record(line.trim_end(), "r.jsonl:1", "s").unwrap();
        assert_eq!(back.text, article.text);
        assert_eq!(back.date, article.date);
        assert_eq!(back.id, article.id);
        assert_eq!(ex.sentences, extraction.sentences);
        assert!(!ex.record.persons.is_empty());
        // ids scoped, references with them
        assert!(ex.record.persons.iter().all(|p| p.id.starts_with("s/")));
        assert!(ex.record.roles.iter().all(|r| r.person.starts_with("s/")));
        let mut unscoped = ex.record.clone();
        for p in &mut unscoped.persons {
            p.id = p.id.trim_start_matches("s/").to_string();
        }
        assert_eq!(unscoped.persons, extraction.record.persons);
    }

    #[test]
    fn the_scorer_s_fields_are_where_they_were() {
        let (article, extraction) = sample();
        let mut line = Vec::new();
        write_record(&mut line, &article, &extraction).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&line).unwrap();
        let plain = serde_json::to_value(&extraction.record).unwrap();
        for (key, expected) in plain.as_object().unwrap() {
            assert_eq!(&value[key], expected, "{key}");
        }
        assert_eq!(value["text"], article.text.as_str());
    }

    #[test]
    fn bad_records_are_refused_with_a_reason() {
        let (article, extraction) = sample();
        let mut line = Vec::new();
        write_record(&mut line, &article, &extraction).unwrap();
        let good: serde_json::Value = serde_json::from_slice(&line).unwrap();
        let with = |key: &str, value: serde_json::Value| {
            let mut v = good.clone();
            v[key] = value;
            v.to_string()
        };
        let mut no_text = good.clone();
        no_text.as_object_mut().unwrap().remove("text");
        let cases = [
            ("not json".to_string(), "not an extraction record"),
            (no_text.to_string(), "no article text"),
            (with("date", "2025-13-99".into()), "bad date"),
            (
                with("sentences", serde_json::json!([[0, 100000]])),
                "not a piece",
            ),
            (with("sentences", serde_json::json!([])), "cites sentence"),
            (with("article", "".into()), "names no article"),
        ];
        for (line, expected) in cases {
            let e = parse_record(&line, "x:1", "s").unwrap_err();
            assert!(e.contains(expected), "{e} (expected {expected})");
        }
        // without sentences: made from the text, as extraction made them
        let mut no_sentences = good.clone();
        no_sentences.as_object_mut().unwrap().remove("sentences");
        let (_, ex) = parse_record(&no_sentences.to_string(), "x:1", "s").unwrap();
        assert_eq!(ex.sentences, extraction.sentences);
    }

    #[test]
    fn lines_are_read_whole_or_passed_over_when_too_long() {
        let input = b"one\r\n\nthree is long\nlast".to_vec();
        let mut reader = std::io::BufReader::with_capacity(4, input.as_slice());
        let mut buf = Vec::new();
        let mut seen = Vec::new();
        loop {
            match read_line(&mut reader, &mut buf, 8).unwrap() {
                Line::End => break,
                Line::Read => seen.push(String::from_utf8(buf.clone()).unwrap()),
                Line::TooLong(n) => seen.push(format!("<{n}>")),
            }
        }
        assert_eq!(seen, ["one", "", "<13>", "last"]);
    }
}
