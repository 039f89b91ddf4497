//! Roles: the positions persons hold, read from the title phrase before a
//! name (`Chilean Minister of National Defence Maya Fernández Allende`,
//! `CPC General Secretary Lautaro Carmona`, ranks skipped: `Deputy Defence
//! Minister Sen. Lieut. Gen. Hoang Xuan Chien`) or in apposition after it
//! (`Ricardo Montero, Deputy Minister of Defence of Chile,`; `Trac, who is
//! also permanent deputy head of ...`). Coordinated titles are split
//! (`Party General Secretary and State President`) unless they share one
//! complement (`Minister and Chief of the Cabinet of the Presidency`).
//! A role's institution is the institution named inside its title, or, for a
//! `Minister` title, the article's one ministry of that country and field
//! (`Vietnamese Defence Minister` → the Vietnamese defence ministry).

use std::collections::{HashMap, HashSet};

use super::annotate::{Class, Doc};
use super::found::{Found, Kind};
use super::lexicon::{fold_phrase, Lex};
use super::record::RoleRecord;
use crate::graph::fold::fold;

/// The roles of the article's persons.
pub fn recognize(doc: &Doc, found: &Found, ids: &[Option<String>]) -> Vec<RoleRecord> {
    let mut roles: Vec<RoleRecord> = Vec::new();
    // (person, folded title) of the roles so far
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    for (p, person) in found.entities.iter().enumerate() {
        if person.kind != Kind::Person {
            continue;
        }
        let Some(pid) = ids[p].clone() else { continue };
        let mut mentions = person.mentions.clone();
        mentions.sort();
        for &(a, b) in &mentions {
            let phrases = [
                title_before(doc, found, a),
                title_after(doc, found, b),
                title_as(doc, found, b),
            ];
            if let Some((title, s, e, inst)) = title_who(doc, found, b) {
                let key = fold_phrase(&title);
                if seen.insert((p, key)) {
                    roles.push(RoleRecord {
                        person: pid.clone(),
                        title,
                        institution: inst.and_then(|i| ids[i].clone()),
                        evidence: Some(super::mention(doc, s, e)),
                    });
                }
            }
            for (ts, te) in phrases.into_iter().flatten() {
                for (s, e) in split_titles(doc, found, ts, te) {
                    let title = doc.span_text(s, e).to_string();
                    let key = doc.fold_span(s, e);
                    if !seen.insert((p, key)) {
                        continue;
                    }
                    let institution = institution_in(doc, found, s, e).and_then(|i| ids[i].clone());
                    roles.push(RoleRecord {
                        person: pid.clone(),
                        title,
                        institution,
                        evidence: Some(super::mention(doc, s, e)),
                    });
                }
            }
        }
    }
    drop_restated(found, ids, &mut roles);
    roles
}

/// The content words of a folded text.
fn content_words(folded: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in folded.split(|c: char| !c.is_alphanumeric()) {
        match w {
            "" | "the" | "of" | "for" | "and" | "in" | "s" | "to" | "its" => {}
            // the one abbreviation of a title in common use
            "pm" => out.extend(["prime", "minister"]),
            _ => out.push(w),
        }
    }
    out
}

/// Drops a role that restates another of the same person: the same
/// institution (`CPC General Secretary` beside `General Secretary of the
/// Communist Party of Chile (CPC)`), or a title whose words all appear in a
/// fuller role (`President` beside `State President`, `PM` beside
/// `Vietnamese Prime Minister` is kept: different words).
fn drop_restated(found: &Found, ids: &[Option<String>], roles: &mut Vec<RoleRecord>) {
    // Only roles of a person with another role are compared, so only
    // theirs need words (most persons hold one role).
    // (each person's roles, so roles are compared with the person's
    // others only, not with every role of the article)
    let mut by_person: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in roles.iter().enumerate() {
        by_person.entry(r.person.as_str()).or_default().push(i);
    }
    let of_person = |r: &RoleRecord| {
        by_person
            .get(r.person.as_str())
            .map_or(&[][..], Vec::as_slice)
    };
    let shared: Vec<bool> = roles.iter().map(|r| of_person(r).len() > 1).collect();
    let mut entity_of: HashMap<&str, usize> = HashMap::new();
    for (e, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            entity_of.entry(id.as_str()).or_insert(e);
        }
    }
    // Folded titles and institution names (split at every non-alphanumeric
    // character below, so folding is enough: no tokenizing).
    let folded_titles: Vec<String> = roles
        .iter()
        .zip(&shared)
        .map(|(r, &s)| if s { fold(&r.title) } else { String::new() })
        .collect();
    let folded_institutions: Vec<String> = roles
        .iter()
        .zip(&shared)
        .map(|(r, &s)| {
            if !s {
                return String::new();
            }
            r.institution
                .as_ref()
                .and_then(|id| entity_of.get(id.as_str()).copied())
                .map(|e| fold(&found.entities[e].name))
                .unwrap_or_default()
        })
        .collect();
    let words: Vec<Vec<&str>> = folded_titles.iter().map(|t| content_words(t)).collect();
    let institution_words: Vec<Vec<&str>> = folded_institutions
        .iter()
        .map(|t| content_words(t))
        .collect();
    let n = roles.len();
    let mut keep = vec![true; n];
    for a in 0..n {
        for &b in of_person(&roles[a]) {
            if a == b || !keep[b] {
                continue;
            }
            let same_institution =
                roles[a].institution.is_some() && roles[a].institution == roles[b].institution;
            let restated = same_institution && b < a;
            // every word of `a` in `b`'s title or institution (no list built
            // per pair: this runs for every two roles of one person)
            let covered = words[a].len() < words[b].len()
                && words[a]
                    .iter()
                    .all(|w| words[b].contains(w) || institution_words[b].contains(w));
            // `Party chief` beside `General Secretary of the ...`: a loose
            // name for a post the person is also given in full
            let loose = words[a].len() <= 2
                && words[a]
                    .last()
                    .is_some_and(|w| matches!(*w, "leader" | "chief"))
                && !words[b]
                    .last()
                    .is_some_and(|w| matches!(*w, "leader" | "chief"));
            if restated || covered || loose {
                keep[a] = false;
                break;
            }
        }
    }
    drop(by_person);
    let mut i = 0;
    roles.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

fn owner_kind(found: &Found, i: usize) -> Option<Kind> {
    found
        .owner
        .get(i)
        .copied()
        .flatten()
        .map(|id| found.entities[id].kind)
}

/// Tokens that can be part of a title phrase.
fn in_title(doc: &Doc, found: &Found, i: usize) -> bool {
    match owner_kind(found, i) {
        Some(Kind::Person) => return false,
        Some(_) => return true,
        None => {}
    }
    matches!(
        doc.class(i),
        Class::Title
            | Class::Modifier
            | Class::Demonym
            | Class::Place
            | Class::Acronym
            | Class::Common
            | Class::Head
            | Class::Of
            | Class::The
            | Class::For
            | Class::And
            | Class::In
            | Class::To
            | Class::Its
            | Class::Poss
    )
}

fn is_connector(c: Class) -> bool {
    matches!(
        c,
        Class::Of
            | Class::The
            | For
            | Class::And
            | Class::In
            | Class::To
            | Class::Its
            | Class::Poss
            | Class::Comma
    )
}
use Class::For;

fn has_title(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).any(|i| doc.class(i) == Class::Title)
}

/// The title phrase ending right before the name at token `a` (ranks and
/// honorifics in between are skipped).
fn title_before(doc: &Doc, found: &Found, a: usize) -> Option<(usize, usize)> {
    let sentence = doc.tokens.get(a)?.sentence;
    let (first, _) = doc.sentence_tokens[sentence as usize];
    let mut end = a;
    while end > first {
        match doc.class(end - 1) {
            Class::Rank | Class::Honorific => end -= 1,
            Class::Period
                if end - 1 > first
                    && matches!(doc.class(end - 2), Class::Rank | Class::Honorific) =>
            {
                end -= 1
            }
            // an honorific that is also a title, after another title:
            // `Foreign Minister Prince NAME`
            Class::Title
                if end - 1 > first
                    && doc.entries(end - 1).contains(&Lex::Honorific)
                    && doc.hit(end - 1).is_some_and(|h| h.end - h.first == 1)
                    && matches!(doc.class(end - 2), Class::Title | Class::Modifier) =>
            {
                end -= 1
            }
            _ => break,
        }
    }
    let mut start = end;
    while start > first {
        let j = start - 1;
        if in_title(doc, found, j) {
            start = j;
            continue;
        }
        match doc.class(j) {
            // `Special Adviser on Transportation, NAME`: a name-like field
            // word after `of`/`for`/`on` inside the title
            // (`for Railways and Textiles of India`: one of two such words)
            Class::Name
                if j > first
                    && owner_kind(found, j).is_none()
                    && (matches!(doc.class(j - 1), Class::Of | Class::For)
                        || doc.word(j - 1) == "on"
                        || (doc.class(j - 1) == Class::And
                            && j >= first + 2
                            && matches!(
                                doc.class(j - 2),
                                Class::Name | Class::Common | Class::Head
                            )
                            && owner_kind(found, j - 2).is_none())) =>
            {
                start = j;
            }
            Class::Lower
                if doc.word(j) == "on"
                    && j > first
                    && start == j + 1
                    && doc.class(j - 1) == Class::Title =>
            {
                start = j;
            }
            // `(CPC)` inside a title
            Class::Close
                if j >= first + 2
                    && doc.class(j - 1) == Class::Acronym
                    && doc.class(j - 2) == Class::Open =>
            {
                start = j - 2;
            }
            // a list of titles: `Politburo member, Secretary of ...`, or of
            // the fields of one: `Minister of Foreign Affairs, African
            // Cooperation and Moroccan Expatriates`
            Class::Comma
                if j > first
                    && start < end
                    && (comma_joins(doc, found, j) || complement_comma(doc, found, j, end)) =>
            {
                start = j
            }
            // `Deputy Prime Minister – Minister of Foreign Affairs`: two posts
            Class::Dash
                if j > first
                    && start < end
                    && doc.class(j - 1) == Class::Title
                    && matches!(doc.class(j + 1), Class::Title | Class::Modifier) =>
            {
                start = j
            }
            // `the new Ambassador of Laos to Vietnam, NAME`
            Class::Comma if start == end && j > first && doc.class(j - 1) != Class::Close => {
                start = j
            }
            _ => break,
        }
    }
    // connectors, and a participle opening the sentence (`Receiving ...`)
    while start < end
        && (is_connector(doc.class(start))
            || doc.class(start) == Class::Comma
            || (doc.class(start) == Class::Common && doc.word(start).ends_with("ing")))
    {
        start += 1;
    }
    // `On Monday the Special Adviser ...`: an article before the first
    // title word opens the phrase
    if let Some(t) = (start..end).find(|&k| doc.class(k) == Class::Title) {
        if let Some(th) = (start..t).rev().find(|&k| doc.class(k) == Class::The) {
            start = th + 1;
        }
    }
    // A place after `in` / `at` closes that phrase, not opens the title:
    // `in Tokyo Prime Minister NAME` is a Prime Minister.
    let preposition = |i: usize| {
        matches!(
            doc.word(i).to_ascii_lowercase().as_str(),
            "in" | "at" | "from" | "near"
        )
    };
    // (a capitalised `At` opening the sentence is still in the phrase)
    let place = if preposition(start) { start + 1 } else { start };
    if place > first && place < end && preposition(place - 1) && doc.class(place) == Class::Place {
        let place_end = doc.hit(place).map_or(place + 1, |h| h.end);
        if place_end < end && has_title(doc, place_end, end) {
            start = place_end;
        }
    }
    // A field word or two before the title: `junta chief`, `Unification
    // Minister`, `U.S. House Speaker`, `his top security adviser`, when the
    // phrase opens there (after `the`, `his`, a demonym, a comma...).
    if start < end && doc.class(start) == Class::Title {
        let mut k = start;
        while k > first && start - k < 2 && field_word(doc, found, k - 1) {
            k -= 1;
        }
        let opens = k == first
            || matches!(
                doc.class(k - 1),
                Class::The
                    | Class::Its
                    | Class::Demonym
                    | Class::Poss
                    | Class::Comma
                    | Class::And
                    | Class::Acronym
                    | Class::Open
                    | Class::Dash
                    | Class::Place
            )
            || matches!(doc.word(k - 1), "a" | "an" | "A" | "An")
            // `said Unification Minister NAME`: a capitalised field after a verb
            || (doc.class(k - 1) == Class::Lower
                && doc.word(k).chars().next().is_some_and(char::is_uppercase));
        if k < start && opens {
            start = k;
        }
    }
    // A title phrase ends in a title or in what qualifies it.
    let mut stop = end;
    while stop > start && doc.class(stop - 1) == Class::Comma {
        stop -= 1;
    }
    if start >= stop || !has_title(doc, start, stop) {
        return None;
    }
    // `late`/`former`: no longer held; `revolutionary leader`, `spiritual
    // leader`: a standing, not a post
    if start > first
        && (matches!(doc.word(start - 1), "late" | "former" | "then")
            || standing(doc.word(start - 1))
            // `national leader NAME`: an honour, not a post
            || (doc.word(start - 1) == "national" && doc.word(start) == "leader"))
    {
        return None;
    }
    // `Former Prime Minister NAME`, `the late President NAME`: a post no
    // longer held (the capitalised word is read into the phrase).
    if (start..stop).any(|i| is_past(doc.word(i))) || remembered(doc, first, start) {
        return None;
    }
    // `Sri Lanka's President NAME`: the country before the possessive stays
    // in the title as written (FORMAT.md, Conventions: nationality words).
    Some((start, stop))
}

/// Whether the words just before a title phrase starting at `start` speak
/// of someone remembered, not of a post held now: `to commemorate President
/// NAME`, `the words of President NAME`, `under the instruction by ...`.
fn remembered(doc: &Doc, first: usize, start: usize) -> bool {
    let from = start.saturating_sub(4).max(first);
    (from..start).any(|i| {
        let w = doc.word(i);
        w.len() >= 4
            && REMEMBERED.iter().any(|r| {
                w.len() >= r.len() && w.as_bytes()[..r.len()].eq_ignore_ascii_case(r.as_bytes())
            })
    })
}

/// Word beginnings that mark a remembered (historical) person.
const REMEMBERED: &[&str] = &[
    "commemorat",
    "tribute",
    "memory",
    "memorial",
    "mausoleum",
    "statue",
    "legacy",
    "legacies",
    "teachings",
    "instruction",
    "words",
    "testament",
    "founding",
    "founder",
    "posthumous",
    "birthday",
    "anniversary",
    "mourn",
    "funeral",
    "tomb",
    "grave",
    "portrait",
    "death",
    "demise",
    "passing",
];

/// A word that can name the field of a title before it (`junta`,
/// `Unification`, `House`): not a verb, not part of an entity.
fn field_word(doc: &Doc, found: &Found, j: usize) -> bool {
    if found.owner.get(j).copied().flatten().is_some() {
        return false;
    }
    let w = doc.word(j);
    match doc.class(j) {
        Class::Name | Class::Head | Class::LowerHead => true,
        Class::Lower => {
            let verb_like = w.ends_with("ed") || w.ends_with('s') || w.ends_with("ing");
            let function = matches!(
                w,
                "met"
                    | "told"
                    | "said"
                    | "when"
                    | "as"
                    | "by"
                    | "with"
                    | "that"
                    | "than"
                    | "while"
                    | "after"
                    | "before"
                    | "where"
                    | "new"
                    | "then"
                    | "now"
                    | "our"
                    | "your"
                    | "my"
            );
            !(verb_like || function || is_past(w) || standing(w))
        }
        _ => false,
    }
}

/// `revolutionary leader`, `spiritual leader`: a standing, not a post.
fn standing(word: &str) -> bool {
    matches!(
        word,
        "revolutionary" | "legendary" | "spiritual" | "historic" | "historical" | "beloved"
    )
}

/// Words that put a post in the past: `former`, `late`, `ex-`.
fn is_past(word: &str) -> bool {
    matches!(
        word,
        "former"
            | "Former"
            | "late"
            | "Late"
            | "then"
            | "ex"
            | "Ex"
            | "erstwhile"
            | "onetime"
            | "Founding"
            | "founding"
    ) || word.starts_with("ex-")
        || word.starts_with("Ex-")
}

fn is_title_entry(e: &Lex) -> bool {
    matches!(e, Lex::Title { .. } | Lex::TitleModifier { .. })
}

/// Whether the comma at `j` separates two titles of one list.
fn comma_joins(doc: &Doc, found: &Found, j: usize) -> bool {
    let before = j - 1;
    let prev_ok =
        doc.class(before) == Class::Title || owner_kind(found, before) == Some(Kind::Institution);
    let next_ok = matches!(doc.class(j + 1), Class::Title | Class::Modifier)
        || (doc.class(j + 1) == Class::And
            && matches!(doc.class(j + 2), Class::Title | Class::Modifier));
    prev_ok && next_ok
}

/// Whether the comma at `j` lists the fields of one title's complement
/// (`Minister of Foreign Affairs, African Cooperation and Moroccan
/// Expatriates`, `Secretary of Defense for Afghanistan, Pakistan, and
/// Central Asia`): the words after it, up to the next comma or `end`, are
/// field words with no title and no person, and walking back over field
/// words reaches an `of`/`for` right after a title or head noun.
fn complement_comma(doc: &Doc, found: &Found, j: usize, end: usize) -> bool {
    let field = |i: usize| {
        owner_kind(found, i) != Some(Kind::Person)
            && matches!(
                doc.class(i),
                Class::Common | Class::Place | Class::Demonym | Class::Name | Class::Acronym
            )
    };
    let mut k = j + 1;
    if k < end && doc.class(k) == Class::And {
        k += 1;
    }
    // (up to the next comma, or to the name the title is given to)
    let next_comma = (k..end)
        .find(|&i| doc.class(i) == Class::Comma || owner_kind(found, i) == Some(Kind::Person))
        .unwrap_or(end);
    if k >= next_comma || !(k..next_comma).all(|i| field(i) || doc.class(i) == Class::And) {
        return false;
    }
    let lowest = j.saturating_sub(12);
    let mut i = j;
    while i > lowest + 1 {
        i -= 1;
        match doc.class(i) {
            Class::Of | Class::For if matches!(doc.class(i - 1), Class::Title | Class::Head) => {
                return true
            }
            Class::Of | Class::For | Class::And | Class::Comma | Class::The => {}
            _ if field(i) => {}
            _ => return false,
        }
    }
    false
}

/// The apposition after the name ending at token `b`: `, TITLE ...,`.
fn title_after(doc: &Doc, found: &Found, b: usize) -> Option<(usize, usize)> {
    let sentence = doc.tokens.get(b.checked_sub(1)?)?.sentence;
    let (_, last) = doc.sentence_tokens[sentence as usize];
    if b >= last || !matches!(doc.class(b), Class::Comma | Class::Dash) {
        return None;
    }
    let mut start = b + 1;
    // `, who is also ...`
    if start + 1 < last && doc.word(start) == "who" && doc.word(start + 1) == "is" {
        start += 2;
        if start < last && doc.word(start) == "also" {
            start += 1;
        }
    }
    if start < last && (doc.class(start) == Class::The || matches!(doc.word(start), "a" | "an")) {
        start += 1;
    }
    // `NAME, and Ecuador's Minister ..., NAME2`: the next item of a list;
    // `NAME, met the Spanish Secretary ...`: a verb, not an apposition;
    // `NAME, a former Chief of Air Staff`: a post no longer held.
    if start < last
        && (doc.class(start) == Class::And
            || (doc.class(start) == Class::Lower
                && !doc.entries(start).iter().any(is_title_entry)
                && !matches!(
                    doc.class(start + 1),
                    Class::Title | Class::Modifier | Class::Lower
                ))
            || is_past(doc.word(start)))
    {
        return None;
    }
    // the title must come early: `Deputy Minister`, `Chilean Ambassador`
    if !(start..(start + 4).min(last)).any(|i| doc.class(i) == Class::Title) {
        return None;
    }
    let mut end = start;
    let mut lower_run = 0;
    while end < last {
        if owner_kind(found, end) == Some(Kind::Person) {
            // the title belongs to the next name, not to this one
            return None;
        }
        if in_title(doc, found, end) {
            lower_run = 0;
            end += 1;
            continue;
        }
        match doc.class(end) {
            // `, Deputy Assistant Secretary of Defense for Afghanistan,
            // Pakistan, and Central Asia`
            Class::Comma if complement_comma(doc, found, end, last) => {
                end += 1;
                continue;
            }
            Class::Open
                if end + 2 < last
                    && doc.class(end + 1) == Class::Acronym
                    && doc.class(end + 2) == Class::Close =>
            {
                end += 3;
                continue;
            }
            Class::Lower | Class::Number | Class::Name if lower_run < 2 => {
                lower_run += 1;
                end += 1;
                continue;
            }
            _ => {}
        }
        break;
    }
    // Drop a trailing run of lower-case words unless it is at a clause end.
    let terminator = end >= last
        || matches!(
            doc.class(end),
            Class::Comma | Class::Semicolon | Class::Period | Class::Open
        );
    if lower_run > 0 && !terminator {
        // `NAME, the head of state laid a wreath`: the phrase is the subject
        // of a new clause, not an apposition
        if lower_run >= 2 {
            return None;
        }
        end -= lower_run;
    }
    // `NAME, a Commission spokesperson said.`: a reporting clause
    if lower_run > 0
        && matches!(
            doc.word(end - 1),
            "said" | "says" | "told" | "added" | "reported" | "announced" | "stated"
        )
    {
        return None;
    }
    while end > start && is_connector(doc.class(end - 1)) {
        end -= 1;
    }
    (end > start && has_title(doc, start, end)).then_some((start, end))
}

/// The role a name is given with `as`: `named NAME as defence minister`,
/// `NAME was appointed as ambassador to France`.
fn title_as(doc: &Doc, found: &Found, b: usize) -> Option<(usize, usize)> {
    let sentence = doc.tokens.get(b.checked_sub(1)?)?.sentence;
    let (_, last) = doc.sentence_tokens[sentence as usize];
    let mut i = b;
    // `was appointed as`, `has been named as`
    if i < last && matches!(doc.word(i), "was" | "is" | "has" | "had" | "will" | "were") {
        i += 1;
        if i < last && matches!(doc.word(i), "been" | "be") {
            i += 1;
        }
        if !(i < last && APPOINTED.contains(&doc.word(i))) {
            return None;
        }
        i += 1;
        // `was sworn in as`
        if doc.word(i - 1) == "sworn" && doc.word(i) == "in" {
            i += 1;
        }
    }
    // `was appointed Chief Secretary to the Government`: no `as`
    let direct = i > b
        && i < last
        && doc.word(i) != "as"
        && (doc.class(i) == Class::Title
            || (doc.class(i) == Class::Modifier && doc.class(i + 1) == Class::Title));
    let with_as = i < last && doc.word(i) == "as";
    if !(direct || with_as) {
        return None;
    }
    let start = if direct { i } else { i + 1 };
    let mut start_skip = start;
    while start_skip < last
        && (doc.class(start_skip) == Class::The
            || matches!(doc.word(start_skip), "a" | "an" | "new" | "its" | "their"))
    {
        start_skip += 1;
    }
    let titled = |k: usize| matches!(doc.class(k), Class::Title | Class::Modifier);
    let mut end = start_skip;
    while end < last {
        if owner_kind(found, end) == Some(Kind::Person) {
            break;
        }
        let keep = match doc.class(end) {
            _ if owner_kind(found, end).is_some() => true,
            Class::Title
            | Class::Modifier
            | Class::Demonym
            | Class::Place
            | Class::Acronym
            | Class::Head
            | Class::Of
            | Class::The
            | Class::For
            | Class::To
            | Class::Poss => true,
            // a field before a title: `defence minister`, `Foreign Minister`
            Class::Lower | Class::Common | Class::LowerHead => {
                titled(end + 1)
                    || (end + 2 < last && titled(end + 2))
                    // a complement: `Minister of Defence`, `head of state`
                    || (end > start_skip && matches!(doc.class(end - 1), Class::Of | Class::For))
                    || (doc.class(end) == Class::Common
                        && end > start_skip
                        && matches!(doc.class(end - 1), Class::Common | Class::Head))
            }
            Class::And => end + 1 < last && (titled(end + 1) || titled(end + 2)),
            _ => false,
        };
        if !keep {
            break;
        }
        end += 1;
    }
    while end > start_skip && is_connector(doc.class(end - 1)) {
        end -= 1;
    }
    (end > start_skip && has_title(doc, start_skip, end)).then_some((start_skip, end))
}

/// The post a verb gives: `NAME, who chairs the commission,` is its chair.
const HEADS_VERBS: &[(&str, &str)] = &[
    ("chairs", "chair"),
    ("heads", "head"),
    ("leads", "leader"),
    ("directs", "director"),
    ("commands", "commander"),
    ("runs", "head"),
    ("presides", "president"),
];

/// `NAME, who (also) chairs/heads/leads [the] ORG`: the title the verb
/// gives, the span of the phrase and the institution led. A lower-case
/// `the commission` names the article's one institution with that head.
fn title_who(doc: &Doc, found: &Found, b: usize) -> Option<(String, usize, usize, Option<usize>)> {
    if doc.class(b) != Class::Comma || doc.word(b + 1) != "who" {
        return None;
    }
    let sentence = doc.tokens.get(b)?.sentence;
    let (_, last) = doc.sentence_tokens[sentence as usize];
    let mut i = b + 2;
    while i < last && matches!(doc.word(i), "also" | "now" | "currently" | "still") {
        i += 1;
    }
    let verb = doc.word(i);
    let &(_, noun) = HEADS_VERBS.iter().find(|(v, _)| *v == verb)?;
    let start = i;
    i += 1;
    if doc.word(i) == "over" {
        i += 1;
    }
    if doc.class(i) == Class::The || matches!(doc.word(i), "a" | "an") {
        i += 1;
    }
    // `the ruling Liberal Democratic Party`, `the main opposition ...`
    let mut lower = 0;
    while lower < 2 && doc.class(i + lower) == Class::Lower {
        lower += 1;
    }
    if lower > 0
        && doc
            .word(i + lower)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    {
        i += lower;
    }
    let object = i;
    let the = if object > 0 && doc.class(object - 1) == Class::The {
        "the "
    } else {
        ""
    };
    // `the commission`: the one institution of the article with that head
    if doc.class(object) == Class::LowerHead
        && (object + 1 >= last || doc.class(object + 1) != Class::Of)
    {
        let head = doc.folded(object);
        let mut hits = found.entities.iter().enumerate().filter(|(_, e)| {
            e.kind == Kind::Institution
                && !e.mentions.is_empty()
                && e.key.split(' ').any(|w| w == head)
        });
        let one = hits.next().map(|(id, _)| id);
        if one.is_none() || hits.next().is_some() {
            return None;
        }
        return Some((noun.to_string(), start, object + 1, one));
    }
    let mut end = object;
    while end < last && end < object + 12 {
        let ok = matches!(
            owner_kind(found, end),
            Some(Kind::Institution | Kind::Place)
        ) || (owner_kind(found, end).is_none()
            && matches!(
                doc.class(end),
                Class::Name
                    | Class::Head
                    | Class::Common
                    | Class::Place
                    | Class::Demonym
                    | Class::Acronym
                    | Class::Poss
                    | Class::Of
                    | Class::The
                    | Class::For
                    | Class::And
                    | Class::Particle
            ));
        if !ok
            || (end > object
                && !doc.word(end).chars().next().is_some_and(char::is_uppercase)
                && !is_connector(doc.class(end))
                && doc.class(end) != Class::Particle)
        {
            break;
        }
        end += 1;
    }
    while end > object && is_connector(doc.class(end - 1)) {
        end -= 1;
    }
    if end == object
        || !doc
            .word(object)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    {
        return None;
    }
    let inst = institution_in(doc, found, object, end);
    let title = format!("{noun} of {the}{}", doc.span_text(object, end));
    Some((title, start, end, inst))
}

/// Participles that give a name a role with `as`.
const APPOINTED: &[&str] = &[
    "appointed",
    "named",
    "elected",
    "nominated",
    "confirmed",
    "installed",
    "reappointed",
    "re-elected",
    "chosen",
    "designated",
    "sworn",
];

/// Splits a title phrase into single titles at commas and at `and` between
/// two complete titles.
fn split_titles(doc: &Doc, found: &Found, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::new();
    let mut s = start;
    for i in start..end {
        let cut = match doc.class(i) {
            Class::Comma => !complement_comma(doc, found, i, end),
            Class::Dash => {
                i > start
                    && doc.class(i - 1) == Class::Title
                    && matches!(doc.class(i + 1), Class::Title | Class::Modifier)
            }
            // (`International Relations and Cooperation Deputy Minister`:
            // fields before one title, not two titles)
            Class::And => {
                owner_kind(found, i).is_none()
                    && content_len(doc, s, i) >= 2
                    && has_title(doc, s, i)
                    && has_title(doc, i + 1, end)
                    && matches!(
                        doc.class(i + 1),
                        Class::Title
                            | Class::Modifier
                            | Class::Demonym
                            | Class::Place
                            | Class::Head
                            | Class::Common
                            | Class::Acronym
                    )
            }
            _ => false,
        };
        if cut {
            pieces.push((s, i));
            s = i + 1;
        }
    }
    pieces.push((s, end));
    pieces
        .into_iter()
        .filter_map(|(mut a, mut b)| {
            while a < b && is_connector(doc.class(a)) {
                a += 1;
            }
            while b > a && is_connector(doc.class(b - 1)) {
                b -= 1;
            }
            (a < b && has_title(doc, a, b)).then_some((a, b))
        })
        .collect()
}

fn content_len(doc: &Doc, a: usize, b: usize) -> usize {
    (a..b).filter(|&i| !is_connector(doc.class(i))).count()
}

/// The institution a title names, or the ministry its words point to.
fn institution_in(doc: &Doc, found: &Found, a: usize, b: usize) -> Option<usize> {
    // The outermost institution named first: `the Party Central
    // Committee's Organisation Commission`, not the Central Committee in it.
    for i in a..b {
        let longest = found
            .institution_mentions_at(i)
            .iter()
            .filter(|m| m.1 <= b)
            .max_by_key(|m| (m.1, std::cmp::Reverse(m.2)));
        if let Some(&(_, _, id)) = longest {
            return Some(id);
        }
        if let Some(id) = found.owner.get(i).copied().flatten() {
            if found.entities[id].kind == Kind::Institution {
                return Some(id);
            }
        }
    }
    // `led by its president`: the institution just named
    if (a.saturating_sub(1)..b).any(|i| doc.word(i) == "its") {
        let sentence = doc.tokens.get(a).map(|t| t.sentence);
        let (first, _) = sentence.map_or((0, 0), |s| doc.sentence_tokens[s as usize]);
        let before = (first..a).rev().find_map(|i| {
            found.owner[i].filter(|&id| found.entities[id].kind == Kind::Institution)
        });
        if before.is_some() {
            return before;
        }
    }
    // `The Senate President`: a bare head naming the article's one body
    // with that head (`Senate of Nigeria`)
    for i in a..b {
        if doc.class(i) != Class::Head || found.owner[i].is_some() {
            continue;
        }
        let head = doc.folded(i);
        let mut with_head = found.entities.iter().enumerate().filter(|(_, e)| {
            e.kind == Kind::Institution
                && !e.mentions.is_empty()
                && e.key.split(' ').next() == Some(head)
        });
        if let (Some((id, _)), None) = (with_head.next(), with_head.next()) {
            return Some(id);
        }
    }
    let is_minister =
        (a..b).any(|i| doc.class(i) == Class::Title && doc.folded(i).starts_with("minister"));
    if !is_minister {
        return None;
    }
    let country = (a..b).find_map(|i| {
        doc.entries(i).iter().find_map(|e| match *e {
            Lex::Country(c) | Lex::Demonym(c)
                if matches!(doc.class(i), Class::Place | Class::Demonym) =>
            {
                Some(c)
            }
            _ => None,
        })
    });
    let fields: Vec<&str> = (a..b)
        .filter(|&i| matches!(doc.class(i), Class::Common | Class::Name))
        .map(|i| doc.folded(i))
        .filter(|w| *w != "national")
        .collect();
    if fields.is_empty() {
        return None;
    }
    let candidates: Vec<usize> = found
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.kind == Kind::Institution && !e.mentions.is_empty() && e.key.contains("ministry")
        })
        .filter(|(_, e)| country.is_none() || e.country == country)
        .filter(|(_, e)| fields.iter().all(|f| e.key.split(' ').any(|w| w == *f)))
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
