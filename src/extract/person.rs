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

use std::collections::HashMap;

use super::annotate::{Class, Doc};
use super::found::{Entity, Found, Kind};
use super::lexicon::Lex;

/// A run of name words in token indices.
#[derive(Debug, Clone, Copy)]
struct Run {
    start: usize,
    end: usize,
}

/// Finds the persons of the article.
pub fn recognize(doc: &Doc, found: &mut Found) {
    let runs = name_runs(doc, found);
    let mut index = NameIndex::default();
    // Full names first, so short forms can resolve to names found later.
    for run in runs.iter().filter(|r| r.end - r.start >= 2) {
        add_full(doc, found, &mut index, *run);
    }
    for run in runs.iter().filter(|r| r.end - r.start == 1) {
        add_short(doc, found, &mut index, *run);
    }
    // `Antony J. Blinken` is `Antony Blinken` in another article: the
    // middle initials go to the aliases, so both forms are one name
    for e in found.entities.iter_mut().filter(|e| e.kind == Kind::Person) {
        if let Some(plain) = without_middle_initials(&e.name) {
            e.aliases.push(std::mem::replace(&mut e.name, plain));
        }
    }
}

/// A name with its middle initials left out (`Marc E. Knapper`, `Meynardo
/// L.B. Montealegre`), or `None` when it has none. A leading initial
/// (`S. Jaishankar`) is the name as written and stays.
fn without_middle_initials(name: &str) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let initial = |w: &str| {
        w.len() >= 2
            && w.ends_with('.')
            && w.split_terminator('.')
                .all(|part| part.chars().count() == 1 && part.chars().all(char::is_uppercase))
    };
    let (first, last) = (words.first()?, words.last()?);
    if words.len() < 3 || initial(first) || initial(last) {
        return None;
    }
    let kept: Vec<&str> = words.iter().copied().filter(|w| !initial(w)).collect();
    (kept.len() < words.len() && kept.len() >= 2).then(|| kept.join(" "))
}

/// The persons found so far by the words of their names, so a name is
/// compared with the persons sharing a word with it, not with every entity
/// of the article. A person is listed again under the words of a longer
/// name it takes; a listing left behind is checked against the name it has
/// now, like any other.
#[derive(Default)]
struct NameIndex {
    /// By the first and by the last word (a full name's candidates share
    /// one of them).
    by_end: HashMap<String, Vec<usize>>,
    /// By every word (a short form's candidates hold it).
    by_word: HashMap<String, Vec<usize>>,
}

/// How many persons listed under one word a name is compared with, latest
/// first. An article naming more persons than this who share one word (a
/// list of names, not news) may miss a short form's or a fuller form's
/// person; without the bound such a list is quadratic.
const CANDIDATES_PER_WORD: usize = 256;

impl NameIndex {
    fn add(&mut self, id: usize, words: &[String]) {
        let ends = words.first().into_iter().chain(words.last());
        for word in ends {
            let ids = self.by_end.entry(word.clone()).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
        for word in words {
            let ids = self.by_word.entry(word.clone()).or_default();
            if ids.last() != Some(&id) {
                ids.push(id);
            }
        }
    }

    /// The persons listed under `words` in `map` that `fits`, stopping at
    /// two: callers only tell one from several.
    fn matches<'w>(
        map: &HashMap<String, Vec<usize>>,
        words: impl Iterator<Item = &'w String>,
        mut fits: impl FnMut(usize) -> bool,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for word in words {
            let Some(ids) = map.get(word) else { continue };
            for &id in ids.iter().rev().take(CANDIDATES_PER_WORD) {
                if !out.contains(&id) && fits(id) {
                    out.push(id);
                    if out.len() == 2 {
                        return out;
                    }
                }
            }
        }
        out
    }
}

fn is_name_word(doc: &Doc, found: &Found, i: usize) -> bool {
    !found.is_claimed(i)
        && match doc.class(i) {
            Class::Name => true,
            // `Jan Dvořák`, `Sunday Olawale`: a month or weekday as a given
            // name, right before a name and not in a date phrase
            Class::Common => calendar_given_name(doc, i),
            // a regnal number after a name (`Elizabeth II`, `Hamad bin Isa I`
            // is left alone: `I` is a pronoun)
            Class::Acronym => {
                i > 0 && doc.class(i - 1) == Class::Name && is_regnal_number(doc.word(i))
            }
            // an honorific between two name words is part of the written
            // name (`Erywan Pehin Yusof`), not a style before it; short
            // ones (`Dr`, `Mr`) always are a style (`Tun Dr Mahathir`)
            Class::Honorific => {
                i > 0
                    && doc.word(i).chars().count() >= 4
                    && doc.hit(i).is_some_and(|h| h.end - h.first == 1)
                    && doc.class(i - 1) == Class::Name
                    && doc.class(i + 1) == Class::Name
                    && !found.is_claimed(i - 1)
                    && doc
                        .tokens
                        .get(i + 1)
                        .is_some_and(|t| t.sentence == doc.tokens[i].sentence)
            }
            // a place word left unclaimed after a name (`Huang Kunming`) or
            // as a given name after a title (`Mayor Israel Okafor`)
            Class::Place => {
                (i > 0 && doc.class(i - 1) == Class::Name) || super::place::starts_name(doc, i)
            }
            _ => false,
        }
}

/// Whether `word` is an initial written onto a name (`O.Enkhtsetseg`):
/// that shape is a person's name alone.
fn initial_on_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && chars.next() == Some('.')
        && chars.next().is_some_and(char::is_uppercase)
        && chars.next().is_some_and(char::is_lowercase)
}

/// Whether `word` is a Roman numeral from II to XX, as written after a
/// monarch's name.
fn is_regnal_number(word: &str) -> bool {
    word.len() >= 2
        && word.len() <= 5
        && word.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'))
        && !word.starts_with("VV")
}

/// Whether the month or weekday word at `i` is a given name: a name-like
/// word follows in the sentence, and neither a number nor a date word
/// (`on`, `last`, `next`...) stands beside it.
fn calendar_given_name(doc: &Doc, i: usize) -> bool {
    if doc.class(i + 1) != Class::Name || doc.hit(i).is_none() {
        return false;
    }
    if !doc
        .entries(i)
        .iter()
        .any(|e| matches!(e, Lex::Month(_) | Lex::Weekday(_)))
        || doc.hit(i).is_some_and(|h| h.end - h.first > 1)
    {
        return false;
    }
    let sentence = doc.tokens[i].sentence;
    let same = |j: usize| doc.tokens.get(j).is_some_and(|t| t.sentence == sentence);
    if !same(i + 1) || doc.class(i + 1) != Class::Name {
        return false;
    }
    // `Olawale` in `Sunday Olawale 12`? a date would follow with a number
    if same(i + 2) && doc.class(i + 2) == Class::Number {
        return false;
    }
    if i > 0 && same(i - 1) {
        let before = doc.word(i - 1).to_ascii_lowercase();
        if doc.class(i - 1) == Class::Number
            || matches!(
                before.as_str(),
                "on" | "last"
                    | "next"
                    | "this"
                    | "every"
                    | "since"
                    | "until"
                    | "till"
                    | "by"
                    | "from"
                    | "of"
                    | "in"
                    | "early"
                    | "late"
                    | "mid"
                    | "through"
                    | "each"
                    | "that"
                    | "before"
                    | "after"
                    | "during"
                    | "to"
                    | "and"
                    | "or"
                    | "between"
            )
        {
            return false;
        }
    }
    true
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
        if !media_credit(doc, i, end) && !names_an_event(doc, i, end) {
            runs.push(Run { start: i, end });
        }
        i = end;
    }
    runs
}

/// Whether the run `a..b` names an event, not a person: it ends with a
/// capitalised event noun (`Climate Summit`, `Shangri-La Dialogue`) or is a
/// possessive before one (`Annual Leaders' Consultation`).
fn names_an_event(doc: &Doc, a: usize, b: usize) -> bool {
    let event_noun = |i: usize| {
        doc.word(i).starts_with(|c: char| c.is_uppercase())
            && doc.entries(i).iter().any(|e| matches!(e, Lex::Trigger(_)))
    };
    let sentence = doc.tokens[a].sentence;
    let same = |i: usize| doc.tokens.get(i).is_some_and(|t| t.sentence == sentence);
    (b > a + 1 && event_noun(b - 1))
        || (same(b + 1) && doc.class(b) == Class::Poss && event_noun(b + 1))
}

/// Whether the run `a..b` names a news outlet, not a person: the credit of
/// a dateline (`DOHA (Al Jazeera) -`, `LAGOS (Premium Times)`) or what a
/// person `told` in the article's first sentence pattern `told X.`.
fn media_credit(doc: &Doc, a: usize, b: usize) -> bool {
    let in_parens = a > 0
        && doc.class(a - 1) == Class::Open
        && doc.class(b) == Class::Close
        && a >= 2
        && matches!(
            doc.class(a - 2),
            Class::Place | Class::Comma | Class::Number | Class::Name
        )
        && doc.tokens[a].sentence == 0;
    let told = a > 0
        && doc.word(a - 1) == "told"
        && matches!(doc.class(b), Class::Period | Class::Comma)
        && doc.word(b + 1) != "who";
    in_parens || (told && b - a >= 2 && !doc.word(b - 1).contains('-'))
}

fn words_of(doc: &Doc, run: Run) -> Vec<String> {
    (run.start..run.end)
        .filter(|&i| matches!(doc.class(i), Class::Name | Class::Place | Class::Common))
        .map(|i| doc.folded(i).to_string())
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

fn add_full(doc: &Doc, found: &mut Found, index: &mut NameIndex, run: Run) {
    let words = words_of(doc, run);
    let name = doc.span_text(run.start, run.end);
    // The same person under a longer or shorter form of the name (which
    // shares its first or its last word).
    let candidates = NameIndex::matches(
        &index.by_end,
        words.first().into_iter().chain(words.last()),
        |i| {
            let e = &found.entities[i];
            e.kind == Kind::Person
                && e.name_words.len() >= 2
                && (e.name_words == words
                    || (same_ends(&words, &e.name_words)
                        && (is_subsequence(&words, &e.name_words)
                            || is_subsequence(&e.name_words, &words))))
        },
    );
    let id = match candidates.as_slice() {
        [one] => {
            let e = &mut found.entities[*one];
            if words.len() > e.name_words.len() {
                e.aliases
                    .push(std::mem::replace(&mut e.name, name.to_string()));
                index.add(*one, &words);
                e.name_words = words;
                let key = e.name_words.join(" ");
                found.set_key(*one, key);
            }
            *one
        }
        _ => {
            let mut en = Entity::with_key(Kind::Person, name, words.join(" "));
            index.add(found.entities.len(), &words);
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

fn add_short(doc: &Doc, found: &mut Found, index: &mut NameIndex, run: Run) {
    let words = words_of(doc, run);
    let Some(word) = words.first() else {
        return;
    };
    let matches = NameIndex::matches(&index.by_word, std::iter::once(word), |i| {
        let e = &found.entities[i];
        e.kind == Kind::Person && e.name_words.contains(word)
    });
    match matches.as_slice() {
        [one] => found.mention(*one, run.start, run.end),
        [] if (anchored(doc, run.start) || initial_on_name(doc.word(run.start)))
            && word.chars().count() >= 2 =>
        {
            let mut en = Entity::with_key(
                Kind::Person,
                doc.span_text(run.start, run.end),
                words.join(" "),
            );
            index.add(found.entities.len(), &words);
            en.name_words = words;
            en.rank = rank_before(doc, run.start);
            found.entities.push(en);
            let id = found.entities.len() - 1;
            found.mention(id, run.start, run.end);
        }
        _ => {}
    }
}
