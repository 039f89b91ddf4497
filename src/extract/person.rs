//! Persons: runs of name-like capitalised words (with lower-case particles:
//! `Salas de León`, `bin Salman`) that no other recognizer claimed.
//!
//! Two or more words make a full name; one word is a short form, resolved
//! within the article to the one full name containing it (`Tấn` → `Phùng Sĩ
//! Tấn`, `Guzman` → `Sergio Narea Guzman`, `Huang` → `Huang Kunming`), or a
//! single-name person when a title, rank or honorific stands before it
//! (`President Jokowi`). A short form shared by two full names is left
//! unresolved: two people are never merged on a shared family name.
//! Ranks and honorifics before a name are kept as the person's rank, never in
//! the name.

use super::annotate::{Class, Doc};
use super::found::{Entity, Found, Kind};
use super::lexicon::fold_word;

/// A run of name words in token indices.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
}

/// Finds the persons of the article.
pub fn recognize(doc: &Doc, found: &mut Found) {
    let runs = name_runs(doc, found);
    // Full names first, so short forms can resolve to names found later.
    for run in runs.iter().filter(|r| r.end - r.start >= 2) {
        add_full(doc, found, *run);
    }
    for run in runs.iter().filter(|r| r.end - r.start == 1) {
        add_short(doc, found, *run);
    }
}

fn is_name_word(doc: &Doc, found: &Found, i: usize) -> bool {
    !found.is_claimed(i)
        && match doc.class(i) {
            Class::Name => true,
            // a place word left unclaimed after a name (`Huang Kunming`) or
            // as a given name after a title (`Mayor Israel Okafor`)
            Class::Place => {
                (i > 0 && doc.class(i - 1) == Class::Name) || super::place::starts_name(doc, i)
            }
            _ => false,
        }
}

fn name_runs(doc: &Doc, found: &Found) -> Vec<Run> {
    let mut runs = Vec::new();
    let n = doc.tokens.len();
    let mut i = 0;
    while i < n {
        if !is_name_word(doc, found, i) {
            i += 1;
            continue;
        }
        let sentence = doc.tokens[i].sentence;
        let mut end = i + 1;
        loop {
            if end < n && doc.tokens[end].sentence == sentence && is_name_word(doc, found, end) {
                end += 1;
            } else if end + 1 < n
                && doc.class(end) == Class::Particle
                && doc.tokens[end + 1].sentence == sentence
                && is_name_word(doc, found, end + 1)
            {
                end += 2;
            } else {
                break;
            }
        }
        runs.push(Run { start: i, end });
        i = end;
    }
    runs
}

fn words_of(doc: &Doc, run: Run) -> Vec<String> {
    (run.start..run.end)
        .filter(|&i| matches!(doc.class(i), Class::Name | Class::Place))
        .map(|i| {
            let mut s = String::new();
            fold_word(doc.word(i), &mut s);
            s
        })
        .collect()
}

/// Whether `short` appears in `long` in order.
fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut it = long.iter();
    short.iter().all(|w| it.any(|l| l == w))
}

/// The rank and honorific words right before token `i`.
fn rank_before(doc: &Doc, i: usize) -> Option<String> {
    let sentence = doc.tokens.get(i)?.sentence;
    let mut k = i;
    while k > 0 {
        let j = k - 1;
        if doc.tokens[j].sentence != sentence {
            break;
        }
        match doc.class(j) {
            Class::Rank => k = j,
            Class::Period if j > 0 && doc.class(j - 1) == Class::Rank => k = j,
            _ => break,
        }
    }
    (k < i).then(|| doc.span_text(k, i).to_string())
}

/// Whether a title, rank or honorific stands right before token `i`.
fn anchored(doc: &Doc, i: usize) -> bool {
    let mut k = i;
    while k > 0 {
        let j = k - 1;
        match doc.class(j) {
            Class::Rank | Class::Honorific | Class::Title => return true,
            Class::Period
                if j > 0 && matches!(doc.class(j - 1), Class::Rank | Class::Honorific) =>
            {
                k = j
            }
            _ => return false,
        }
    }
    false
}

fn add_full(doc: &Doc, found: &mut Found, run: Run) {
    let words = words_of(doc, run);
    let name = doc.span_text(run.start, run.end);
    // The same person under a longer or shorter form of the name.
    let candidates: Vec<usize> = found
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Person && e.name_words.len() >= 2)
        .filter(|(_, e)| {
            e.name_words == words
                || (same_ends(&words, &e.name_words)
                    && (is_subsequence(&words, &e.name_words)
                        || is_subsequence(&e.name_words, &words)))
        })
        .map(|(i, _)| i)
        .collect();
    let id = match candidates.as_slice() {
        [one] => {
            let e = &mut found.entities[*one];
            if words.len() > e.name_words.len() {
                e.aliases
                    .push(std::mem::replace(&mut e.name, name.to_string()));
                e.key = words.join(" ");
                e.name_words = words;
            }
            *one
        }
        _ => {
            let mut en = Entity::with_key(Kind::Person, name, words.join(" "));
            en.name_words = words;
            found.entities.push(en);
            found.entities.len() - 1
        }
    };
    if found.entities[id].rank.is_none() {
        found.entities[id].rank = rank_before(doc, run.start);
    }
    found.mention(id, run.start, run.end);
}

/// A shorter form shares the first word (`Maya Fernández` of `Maya
/// Fernández Allende`) or the last one (`Lazo Hernández`).
fn same_ends(a: &[String], b: &[String]) -> bool {
    a.first() == b.first() || a.last() == b.last()
}

fn add_short(doc: &Doc, found: &mut Found, run: Run) {
    let words = words_of(doc, run);
    let Some(word) = words.first() else {
        return;
    };
    let matches: Vec<usize> = found
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Person && e.name_words.contains(word))
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [one] => found.mention(*one, run.start, run.end),
        [] if anchored(doc, run.start) && word.chars().count() >= 2 => {
            let mut en = Entity::with_key(
                Kind::Person,
                doc.span_text(run.start, run.end),
                words.join(" "),
            );
            en.name_words = words;
            en.rank = rank_before(doc, run.start);
            found.entities.push(en);
            let id = found.entities.len() - 1;
            found.mention(id, run.start, run.end);
        }
        _ => {}
    }
}
