//! Institutions: capitalised phrases around an institution head noun
//! (`Ministry`, `Party`, `Committee`...), with their `of`/`for` complements
//! (`Ministry of the Revolutionary Armed Forces of Cuba`), an `in PLACE`
//! (`Embassy in Hà Nội`), a number (`Division 371`) and a bracketed acronym
//! (`Communist Party of Chile (CPC)`), which is then read as the institution
//! wherever it stands alone.
//!
//! Canonical names turn possessives and acronym prefixes of bodies into `of`
//! phrases (`Chile's Ministry of Defence` → `Ministry of Defence of Chile`,
//! `CPV Central Committee` → `Central Committee of the Communist Party of
//! Vietnam`), and a body named inside another (`General Staff of the VPA`)
//! yields both, the inner one as `PART_OF` target.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::annotate::{Class, Doc};
use super::found::{Entity, Found, Kind};
use super::lexicon::{fold_phrase, Lex};

/// Finds the institutions of the article.
pub fn recognize(doc: &Doc, found: &mut Found) {
    let mut acronyms: BTreeMap<String, usize> = BTreeMap::new();
    for s in 0..doc.sentences.len() {
        let (a, b) = doc.sentence_tokens[s];
        let plural = plurals(doc, found, a, b);
        let mut i = a;
        while i < b {
            if let Some(&(_, pe)) = plural.iter().find(|(ps, pe)| (*ps..*pe).contains(&i)) {
                i = pe;
                continue;
            }
            if !can_start(doc, i, b) {
                i += 1;
                continue;
            }
            // A run without a head noun holds no institution at any start.
            let mut j = i;
            let mut has_head = false;
            while j < b && in_core(doc, j, b) {
                has_head |= is_head(doc, j);
                j += 1;
            }
            if !has_head {
                i = j.max(i + 1);
                continue;
            }
            match chunk(doc, i, b) {
                // `the United Nations Convention on the Law of the Sea`: a
                // document's title, no mention of the body
                Some(c) if titles_document(doc, c.end, b) => i = c.end.max(i + 1),
                Some(mut c) => {
                    // `National Development and Reform Commission`: words of
                    // the vocabulary joined by `and` before the core
                    if c.start == i && i >= a + 2 && doc.class(i - 1) == Class::And {
                        let mut k = i - 1;
                        while k > a
                            && doc.class(k - 1) == Class::Common
                            && found.owner[k - 1].is_none()
                            && !matches!(doc.word(k - 1), "The" | "A" | "An" | "And")
                        {
                            k -= 1;
                        }
                        let opens = k == a
                            || matches!(doc.class(k - 1), Class::The | Class::Lower | Class::Comma);
                        if k < i - 1 && opens {
                            c.start = k;
                        }
                    }
                    let next = add_chunk(doc, found, &c, &mut acronyms, b);
                    i = next.max(i + 1);
                }
                None => i += 1,
            }
        }
        lower_case_heads(doc, found, a, b);
    }
    standalone_acronyms(doc, found, &acronyms);
    merge_variants(doc, found);
    short_references(doc, found);
}

/// Capitalised nouns of documents that a body's name may open (`United
/// Nations Convention`, `ASEAN Charter`).
const DOCUMENTS: [&str; 8] = [
    "Convention",
    "Charter",
    "Treaty",
    "Covenant",
    "Declaration",
    "Protocol",
    "Resolution",
    "Framework",
];

/// Whether the token at `i` (right after a body's name) is a document noun
/// followed by `on`/`of`/`for` (`Convention on the Law of the Sea`).
fn titles_document(doc: &Doc, i: usize, end: usize) -> bool {
    i + 1 < end
        && DOCUMENTS.contains(&doc.word(i))
        && matches!(doc.word(i + 1), "on" | "of" | "for" | "against")
}

/// The singular of a plural head noun (`Embassies` → `Embassy`, `Offices`
/// → `Office`), capitalised, when the singular is an institution head.
fn singular_head(doc: &Doc, word: &str) -> Option<String> {
    if word.len() < 5 || !word.ends_with('s') || word.ends_with("ss") {
        return None;
    }
    // most plurals are no head: first letter and length rule out nearly
    // all of them, then a search of the plural forms, before any folding
    let first = word.as_bytes()[0].to_ascii_lowercase();
    let mask = plural_shapes()[(first & 0x3f) as usize];
    if word.len() >= 64 || mask & (1u64 << word.len()) == 0 {
        return None;
    }
    if plural_heads()
        .binary_search_by(|p| cmp_ignore_ascii_case(p, word))
        .is_err()
    {
        return None;
    }
    let stem = if let Some(s) = word.strip_suffix("ies") {
        format!("{s}y")
    } else {
        word[..word.len() - 1].to_string()
    };
    if !doc.lex.head_keys.contains(fold_phrase(&stem).as_str()) {
        return None;
    }
    let mut out = String::with_capacity(stem.len());
    let mut chars = stem.chars();
    if let Some(c) = chars.next() {
        out.extend(c.to_uppercase());
        out.push_str(chars.as_str());
    }
    Some(out)
}

/// Plural forms of the one-word institution heads (`embassies`,
/// `offices`), built once from `data/lexicons/institution_heads.txt`.
fn plural_heads() -> &'static [String] {
    static PLURALS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    PLURALS.get_or_init(|| {
        include_str!("../../data/lexicons/institution_heads.txt")
            .lines()
            .map(|l| l.trim().trim_end_matches(['*', '+']))
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.contains(' '))
            .map(|l| {
                let lower = l.to_lowercase();
                match lower.strip_suffix('y') {
                    Some(stem) => format!("{stem}ies"),
                    None => format!("{lower}s"),
                }
            })
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .collect()
    })
}

/// For each first letter (low six bits of the lower-case byte), a bit per
/// length of the plural heads starting with it.
fn plural_shapes() -> &'static [u64; 64] {
    static SHAPES: std::sync::OnceLock<[u64; 64]> = std::sync::OnceLock::new();
    SHAPES.get_or_init(|| {
        let mut shapes = [0u64; 64];
        for p in plural_heads() {
            if let Some(&b) = p.as_bytes().first() {
                if p.len() < 64 {
                    shapes[(b & 0x3f) as usize] |= 1u64 << p.len();
                }
            }
        }
        shapes
    })
}

/// Orders `a` (lower case) against `b` ignoring ASCII case, without
/// allocating: the order of [`plural_heads`].
fn cmp_ignore_ascii_case(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Coordinated plurals: `the Vietnamese Embassies and Defence Attaché
/// Offices in Venezuela and Mexico` (four bodies), `the embassies of Spain
/// and Mexico in Caracas` (two). Returns the token ranges it read.
fn plurals(doc: &Doc, found: &mut Found, a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        // cheap test first, on the bytes: most words are no plural head
        let t = &doc.tokens[i];
        let (ts, te) = (t.start as usize, t.end as usize);
        if te < ts + 5
            || doc.text.as_bytes()[te - 1] != b's'
            || !matches!(doc.class(i), Class::Lower | Class::Common | Class::Name)
            || found.is_claimed(i)
        {
            i += 1;
            continue;
        }
        let w = doc.word(i);
        let Some(first_head) = singular_head(doc, w) else {
            i += 1;
            continue;
        };
        if fields_and_plural(doc, found, a, b, i) {
            i += 1;
            continue;
        }
        // groups of (words before the head, singular head)
        let mut groups: Vec<(usize, usize, String)> = Vec::new();
        let mut head = i;
        let mut singular = first_head;
        loop {
            let mut start = head;
            while start > a
                && matches!(
                    doc.class(start - 1),
                    Class::Demonym | Class::Name | Class::Common | Class::Title | Class::Modifier
                )
                && !matches!(doc.word(start - 1), "The" | "A" | "An")
                && (groups.is_empty() || start - 1 > groups[groups.len() - 1].1)
            {
                start -= 1;
            }
            groups.push((start, head, singular));
            // `... and Defence Attaché Offices`
            let mut k = head + 1;
            if doc.class(k) != Class::And {
                break;
            }
            k += 1;
            let mut next = None;
            while k < b
                && matches!(
                    doc.class(k),
                    Class::Name | Class::Common | Class::Title | Class::Modifier
                )
            {
                if let Some(s) = singular_head(doc, doc.word(k)) {
                    next = Some(s);
                    break;
                }
                k += 1;
            }
            match next {
                Some(s) => {
                    head = k;
                    singular = s;
                }
                None => break,
            }
        }
        let last = groups[groups.len() - 1].1;
        let prep = last + 1;
        // a list of places: `Venezuela and Mexico`, `Laos, Cambodia and Thailand`
        let place_list = |mut k: usize| -> (Vec<(usize, usize)>, usize) {
            let mut places = Vec::new();
            while k < b && doc.class(k) == Class::Place {
                let e = doc.hit(k).map_or(k + 1, |h| h.end);
                places.push((k, e));
                k = e;
                if matches!(doc.class(k), Class::Comma | Class::And)
                    && doc.class(k + 1) == Class::Place
                {
                    k += 1;
                } else {
                    break;
                }
            }
            (places, k)
        };
        let (kind_of, places, mut end) = match doc.class(prep) {
            Class::In => {
                let (p, e) = place_list(prep + 1);
                (false, p, e)
            }
            Class::Of => {
                let (p, e) = place_list(prep + 1);
                (true, p, e)
            }
            _ => (false, Vec::new(), prep),
        };
        // `missions in Turkey and Myanmar`: a lower-case plural with no
        // words of its own names no bodies; `the embassies of X and Y` does
        let named = kind_of
            || groups.iter().any(|(s, h, _)| {
                s < h || doc.word(*h).chars().next().is_some_and(char::is_uppercase)
            });
        if places.len() * groups.len() < 2 || !named {
            i = last + 1;
            continue;
        }
        // `of Spain and Mexico in Caracas`
        let mut located: Option<&str> = None;
        if kind_of && doc.class(end) == Class::In && doc.class(end + 1) == Class::Place {
            let e = doc.hit(end + 1).map_or(end + 2, |h| h.end);
            located = Some(doc.span_text(end + 1, e));
            end = e;
        }
        // a demonym opening the first group is shared by all of them
        let shared = (doc.class(groups[0].0) == Class::Demonym).then(|| groups[0].0);
        for (g, (start, head, singular)) in groups.iter().enumerate() {
            let mut words = doc.span_text(*start, *head).to_string();
            if g > 0 && doc.class(*start) != Class::Demonym {
                if let Some(d) = shared {
                    words = format!("{} {words}", doc.word(d)).trim_end().to_string();
                }
            }
            for &(ps, pe) in &places {
                let place = doc.span_text(ps, pe);
                let prefix = if words.is_empty() {
                    String::new()
                } else {
                    format!("{words} ")
                };
                let name = match (kind_of, located) {
                    (false, _) => format!("{prefix}{singular} in {place}"),
                    (true, Some(at)) => format!("{prefix}{singular} of {place} in {at}"),
                    (true, None) => format!("{prefix}{singular} of {place}"),
                };
                let mut en = Entity::new(Kind::Institution, &name);
                en.country = if kind_of {
                    country_in(doc, ps, pe)
                } else {
                    shared
                        .and_then(|d| country_in(doc, d, d + 1))
                        .or_else(|| country_in(doc, *start, *head))
                };
                let id = found.intern(en);
                found.mention(id, *start, end);
            }
        }
        out.push((groups[0].0, end));
        i = end;
    }
    out
}

/// `the foreign and defence ministries of Japan`, `the Chilean foreign and
/// defence ministries`: two fields joined by `and` before a lower-case
/// plural head, with a country after `of` or before them; one body per
/// field (`foreign ministry of Japan`).
fn fields_and_plural(doc: &Doc, found: &mut Found, a: usize, b: usize, i: usize) -> bool {
    let lower = |k: usize| matches!(doc.class(k), Class::Lower | Class::Common);
    if i < a + 3 || !lower(i - 1) || doc.class(i - 2) != Class::And || !lower(i - 3) {
        return false;
    }
    let w = doc.word(i);
    if w.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let Some(head) = singular_head(doc, w) else {
        return false;
    };
    let head = head.to_lowercase();
    let before = i - 3;
    let (country, end, place) =
        if doc.class(i + 1) == Class::Of && i + 2 < b && doc.class(i + 2) == Class::Place {
            let e = doc.hit(i + 2).map_or(i + 3, |h| h.end);
            (country_in(doc, i + 2, e), e, Some(doc.span_text(i + 2, e)))
        } else if before > a && doc.class(before - 1) == Class::Demonym {
            (country_in(doc, before - 1, before), i + 1, None)
        } else {
            return false;
        };
    let Some(country) = country else {
        return false;
    };
    let demonym =
        (before > 0 && doc.class(before - 1) == Class::Demonym).then(|| doc.word(before - 1));
    let start = if demonym.is_some() {
        before - 1
    } else {
        before
    };
    for field in [doc.word(i - 3), doc.word(i - 1)] {
        let name = match (demonym, place) {
            (_, Some(p)) => format!("{field} {head} of {p}"),
            (Some(d), None) => format!("{d} {field} {head}"),
            (None, None) => continue,
        };
        let mut en = Entity::new(Kind::Institution, &name);
        en.country = Some(country);
        let id = found.intern(en);
        found.mention(id, start, end);
    }
    true
}

/// The main head noun of a name, given folded (an entity's key): the last
/// head before any complement.
fn main_head(doc: &Doc, folded: &str) -> Option<String> {
    // Byte spans of the tokens: `n` tokens joined by one space are the
    // folded text from the first one's start to the last one's end, so a
    // key is a slice, not a new string.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    for t in folded.split(' ') {
        if matches!(t, "of" | "for" | "in") {
            break;
        }
        spans.push((at, at + t.len()));
        at += t.len() + 1;
    }
    (0..spans.len()).rev().find_map(|end| {
        (1..=2.min(end + 1)).rev().find_map(|n| {
            let key = &folded[spans[end + 1 - n].0..spans[end].1];
            doc.lex.head_keys.contains(key).then(|| key.to_string())
        })
    })
}

/// Merges forms of one institution within the article: the same words with
/// the country said differently (`Vietnamese Ministry of National Defence`,
/// `Ministry of National Defence of Việt Nam`), or a shorter form whose
/// words all belong to exactly one fuller name with the same head
/// (`Vietnamese defence ministry`, `Defence Ministry Steering Committee`).
fn merge_variants(doc: &Doc, found: &mut Found) {
    let ids: Vec<usize> = (0..found.entities.len())
        .filter(|&i| {
            found.entities[i].kind == Kind::Institution && !found.entities[i].mentions.is_empty()
        })
        .collect();
    if ids.len() < 2 {
        return;
    }
    // Only names sharing a head noun can be forms of one another, so words
    // are worked out only for heads that occur twice.
    let heads: Vec<Option<String>> = ids
        .iter()
        .map(|&i| main_head(doc, &found.entities[i].key))
        .collect();
    let mut head_count: HashMap<&str, usize> = HashMap::new();
    for h in heads.iter().flatten() {
        *head_count.entry(h.as_str()).or_default() += 1;
    }
    let info: Vec<(usize, Option<String>, BTreeSet<String>)> = ids
        .iter()
        .zip(&heads)
        .filter(|(_, h)| {
            h.as_deref()
                .is_some_and(|h| head_count.get(h).is_some_and(|&n| n >= 2))
        })
        .map(|(&i, h)| {
            (
                i,
                h.clone(),
                super::identity::signature_parts_of_folded(&found.entities[i].key),
            )
        })
        .collect();
    // the countries each name says (`#N` words): `Embassy in Venezuela` and
    // `Embassy in Mexico` are two bodies; the other words are compared
    let countries: Vec<BTreeSet<String>> = info
        .iter()
        .map(|(_, _, w)| w.iter().filter(|x| x.starts_with('#')).cloned().collect())
        .collect();
    let info: Vec<(usize, Option<String>, BTreeSet<String>)> = info
        .into_iter()
        .map(|(i, h, mut w)| {
            w.retain(|x| !x.starts_with('#'));
            (i, h, w)
        })
        .collect();
    let mut written = Written::new(
        doc.text,
        info.iter().map(|x| found.entities[x.0].name.as_str()),
    );
    // (by head and word, so a name is compared only with the names that
    // share its head and a word of its own, not with every name)
    let mut by_head_word: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (k, (_, head, words)) in info.iter().enumerate() {
        if let Some(head) = head {
            for w in words {
                by_head_word.entry((head, w)).or_default().push(k);
            }
        }
    }
    for (k, (a, head_a, words_a)) in info.iter().enumerate() {
        let Some(head) = head_a else { continue };
        // a bare head (`General Staff`) could be any body's
        let head_words: BTreeSet<String> = head.split(' ').map(str::to_string).collect();
        if found.entities[*a].mentions.is_empty() || words_a.is_subset(&head_words) {
            continue;
        }
        let country_a = found.entities[*a].country;
        let countries_a = &countries[k];
        // a name holding all of `a`'s words holds its rarest one
        let candidates = words_a
            .iter()
            .map(|w| {
                by_head_word
                    .get(&(head.as_str(), w.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|c| c.len())
            .unwrap_or(&[]);
        let supersets: Vec<usize> = candidates
            .iter()
            .map(|&j| (&info[j], &countries[j]))
            .filter(|((_, _, _), countries_b)| countries_a.is_subset(countries_b))
            .map(|(x, _)| x)
            .filter(|(b, head_b, words_b)| {
                b != a
                    && !found.entities[*b].mentions.is_empty()
                    && head_b == head_a
                    && words_a.is_subset(words_b)
                    && match (country_a, found.entities[*b].country) {
                        (Some(x), Some(y)) => x == y,
                        // without a country, only one more word: a shorter
                        // name with no country is too weak a clue otherwise
                        (None, Some(_)) => words_b.len() <= words_a.len() + 1,
                        _ => true,
                    }
                    && (words_a.len() < words_b.len() || b < a)
            })
            .map(|x| x.0)
            .collect();
        // A short form of two or more bodies named before it (`the
        // Vietnamese Embassy` after `the Vietnamese Embassies in Venezuela
        // and Mexico`) refers to them, it is no body of its own: it joins
        // the first of them.
        let first_a = found.entities[*a].mentions.iter().map(|m| m.0).min();
        if supersets.len() >= 2
            && supersets.iter().all(|&b| {
                found.entities[b].mentions.iter().map(|m| m.0).min() < first_a
                    && found.entities[b].part_of.is_none()
            })
        {
            found.merge(supersets[0], *a);
            continue;
        }
        if let [b] = supersets.as_slice() {
            // A written name beats a built one (`X of Y`), unless it is a
            // description in lower case (`the Chilean defence ministry`).
            let short_name = &found.entities[*a].name;
            let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
            let keep_short = !written.has(&found.entities[*b].name)
                && written.has(short_name)
                && capitalised(short_name)
                && short_name.split(' ').next_back().is_some_and(capitalised);
            found.merge(*b, *a);
            if keep_short {
                let short = found.entities[*a].name.clone();
                let e = &mut found.entities[*b];
                let long = std::mem::replace(&mut e.name, short.clone());
                e.aliases.retain(|x| *x != short);
                e.aliases.push(long);
                found.set_key(*b, fold_phrase(&short));
            }
        }
    }
}

/// Which names are written in the text: one pass for all the names
/// compared (built at the first question), not a search of the text per
/// merged pair.
struct Written<'t> {
    text: &'t str,
    names: Vec<String>,
    found: Option<HashSet<usize>>,
}

impl<'t> Written<'t> {
    fn new<'n>(text: &'t str, names: impl Iterator<Item = &'n str>) -> Written<'t> {
        let mut names: Vec<String> = names
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        names.sort_unstable();
        names.dedup();
        Written {
            text,
            names,
            found: None,
        }
    }

    /// Whether `name` occurs in the text (a name not listed is searched).
    fn has(&mut self, name: &str) -> bool {
        let Ok(k) = self.names.binary_search_by(|n| n.as_str().cmp(name)) else {
            return self.text.contains(name);
        };
        let (text, names) = (self.text, &self.names);
        self.found
            .get_or_insert_with(|| {
                match aho_corasick::AhoCorasick::new(names) {
                    Ok(ac) => ac
                        .find_overlapping_iter(text)
                        .map(|m| m.pattern().as_usize())
                        .collect(),
                    // (too many names for an automaton: each is searched)
                    Err(_) => (0..names.len())
                        .filter(|&i| text.contains(names[i].as_str()))
                        .collect(),
                }
            })
            .contains(&k)
    }
}

/// A recognised institution phrase, in token indices.
struct Chunk {
    start: usize,
    /// End of the name (exclusive).
    end: usize,
    /// The last head noun of the core, before any complement.
    core_end: usize,
    /// Token range of a bracketed acronym after the name.
    acronym: Option<(usize, usize)>,
}

fn is_head(doc: &Doc, i: usize) -> bool {
    doc.class(i) == Class::Head
}

fn head_flags(doc: &Doc, i: usize) -> (bool, bool) {
    for e in doc.entries(i) {
        if let Lex::InstitutionHead {
            standalone,
            sub_body,
        } = *e
        {
            return (standalone, sub_body);
        }
    }
    (false, false)
}

/// Tokens that can make up the core of a name (`Việt Nam People's Army`).
fn in_core(doc: &Doc, i: usize, end: usize) -> bool {
    match doc.class(i) {
        Class::Name
        | Class::Common
        | Class::Demonym
        | Class::Place
        | Class::Acronym
        | Class::Head
        | Class::Site => !matches!(doc.word(i), "The" | "A" | "An"),
        Class::Modifier => true,
        // `Defence Attaché Office`: a title word directly before a head
        // (`Prime Minister's Office`: from any word of a title phrase)
        Class::Title => {
            let next = doc.hit(i).map_or(i + 1, |h| h.end.max(i + 1));
            next < end
                && (is_head(doc, next)
                    || (next + 1 < end && doc.class(next) == Class::Poss && is_head(doc, next + 1)))
        }
        // `People's`, `Parliamentarians'`, `Air Defence – Air Force`
        // an em dash closes a dateline (`HÀ NỘI — National Assembly ...`)
        Class::Dash if doc.word(i) == "\u{2014}" => false,
        Class::Poss | Class::Dash => {
            i + 1 < end
                && matches!(
                    doc.class(i + 1),
                    Class::Name
                        | Class::Common
                        | Class::Head
                        | Class::Place
                        | Class::Demonym
                        | Class::Acronym
                )
        }
        _ => false,
    }
}

fn can_start(doc: &Doc, i: usize, end: usize) -> bool {
    !matches!(doc.class(i), Class::Poss | Class::Dash) && in_core(doc, i, end)
}

/// The institution phrase starting at token `i`, if there is one.
fn chunk(doc: &Doc, i: usize, end: usize) -> Option<Chunk> {
    if !can_start(doc, i, end) {
        return None;
    }
    let mut j = i;
    let mut last_head = None;
    loop {
        while j < end && in_core(doc, j, end) {
            if is_head(doc, j) {
                last_head = Some(j);
            }
            j += 1;
        }
        // `National Emergency Crisis and Disasters Management Authority`:
        // two field words joined by `and` before the one head
        let joined = last_head.is_none()
            && j > i
            && j + 1 < end
            && doc.class(j) == Class::And
            && doc.class(j - 1) == Class::Common
            && doc.class(j + 1) == Class::Common
            && (j + 1..end)
                .take_while(|&k| in_core(doc, k, end))
                .any(|k| is_head(doc, k));
        if !joined {
            break;
        }
        j += 1;
    }
    let head = last_head?;
    let mut start = i;
    // Names before the core belong to a person, not to the institution,
    // unless the core has nothing else (`Wattay`-like names are sites).
    while start < head && doc.class(start) == Class::Name && doc.class(start + 1) == Class::Name {
        start += 1;
    }
    let mut stop = head + 1;
    // a multi-word head (`General Staff`) ends where its hit ends
    if let Some(h) = doc.hit(head) {
        stop = stop.max(h.end);
    }
    let core_end = stop;
    let (standalone, _) = head_flags(doc, head);
    let bare = start == head && !standalone;
    // A party congress is an event, not a body.
    if doc.folded(head) == "congress" && head > 0 && doc.folded(head - 1) == "party" {
        return None;
    }
    // A numbered unit: `Division 371`, `Engineering Unit Rotation 1`.
    let mut k = stop;
    while k < end
        && k < stop + 2
        && matches!(doc.class(k), Class::Common | Class::Name)
        && doc.word(k) != "No"
    {
        k += 1;
    }
    if k < end && doc.class(k) == Class::Number && doc.word(k).chars().all(|c| c.is_ascii_digit()) {
        return Some(Chunk {
            start,
            end: k + 1,
            core_end: k + 1,
            acronym: None,
        });
    }
    // A demonym with a generic head (`Vietnamese Party`) is a description.
    if stop - start == 2 && doc.class(start) == Class::Demonym && doc.folded(head) == "party" {
        return None;
    }
    stop = complements(doc, stop, end);
    if bare && stop == core_end {
        return None;
    }
    // `No. 4`, `371`
    if stop + 2 < end
        && doc.word(stop) == "No"
        && doc.word(stop + 1) == "."
        && doc.class(stop + 2) == Class::Number
    {
        stop += 3;
    } else if stop < end
        && doc.class(stop) == Class::Number
        && doc.word(stop).chars().all(|c| c.is_ascii_digit())
    {
        stop += 1;
    }
    let mut acronym = None;
    if stop + 2 < end
        && doc.class(stop) == Class::Open
        && doc.class(stop + 1) == Class::Acronym
        && doc.class(stop + 2) == Class::Close
    {
        acronym = Some((stop + 1, stop + 2));
    }
    Some(Chunk {
        start,
        end: stop,
        core_end,
        acronym,
    })
}

/// Extends a name over `of (the) X`, `for (the) X`, `in PLACE` and
/// `and X` inside a complement; returns the new end.
fn complements(doc: &Doc, mut stop: usize, end: usize) -> usize {
    let core_end = stop;
    let mut in_complement = false;
    loop {
        if stop >= end {
            return stop;
        }
        match doc.class(stop) {
            Class::Of | Class::For => {
                let mut k = stop + 1;
                if k < end && doc.class(k) == Class::The {
                    k += 1;
                }
                let run_end = complement_run(doc, k, end);
                if run_end == k {
                    return stop;
                }
                stop = run_end;
                in_complement = true;
            }
            Class::In
                if stop + 1 < end
                    && doc.class(stop + 1) == Class::Place
                    && located_head(doc, core_end) =>
            {
                let k = doc.hit(stop + 1).map(|h| h.end).unwrap_or(stop + 2);
                return k;
            }
            // `Committee on Foreign Affairs`, `Intergovernmental Commission
            // on Trade and Economic Cooperation`: what a body deliberates on
            _ if !in_complement && doc.word(stop) == "on" && deliberative_head(doc, core_end) => {
                let mut k = stop + 1;
                if k < end && doc.class(k) == Class::The {
                    k += 1;
                }
                // (not a date, `the Council on Friday`, nor a place, `the
                // Security Council on Syria`)
                let dated = doc
                    .entries(k)
                    .iter()
                    .any(|e| matches!(e, Lex::Month(_) | Lex::Weekday(_)));
                let run_end = complement_run(doc, k, end);
                if run_end == k
                    || dated
                    || matches!(doc.class(k), Class::Place | Class::Demonym | Class::Number)
                {
                    return stop;
                }
                stop = run_end;
                in_complement = true;
            }
            Class::And if in_complement && stop + 1 < end => {
                // `Ministry of Planning and Investment`, but not
                // `Communist Party of Vietnam and Communist Party of China`
                let k = stop + 1;
                let mut r = k;
                while r < end && doc.class(r) == Class::Common {
                    r += 1;
                }
                let next = doc.class(r.min(end.saturating_sub(1)));
                if r == k || (r < end && matches!(next, Class::Head | Class::Of | Class::Poss)) {
                    return stop;
                }
                stop = r;
            }
            _ => return stop,
        }
    }
}

/// Whether the head ending at `core_end` names a body that deliberates on a
/// subject (`Committee on ...`, `Commission on ...`).
fn deliberative_head(doc: &Doc, core_end: usize) -> bool {
    let Some(last) = core_end.checked_sub(1) else {
        return false;
    };
    let w = doc.folded(last);
    matches!(
        w,
        "committee" | "subcommittee" | "commission" | "council" | "panel" | "board" | "taskforce"
    )
}

/// Whether the head ending at `core_end` names a body that sits somewhere
/// (`Embassy in Hà Nội`, `Defence Attaché Office in Chile`), so `in PLACE`
/// belongs to its name; a parliament in its capital (`the Bundestag in
/// Berlin`) is only located by it.
fn located_head(doc: &Doc, core_end: usize) -> bool {
    let Some(last) = core_end.checked_sub(1) else {
        return false;
    };
    let w = doc.folded(last);
    matches!(
        w,
        "embassy"
            | "consulate"
            | "office"
            | "mission"
            | "legation"
            | "centre"
            | "center"
            | "bureau"
            | "branch"
            | "representation"
            | "delegation"
            | "hospital"
            | "school"
            | "college"
            | "university"
            | "institute"
            | "base"
            | "garrison"
            | "station"
            | "agency"
            | "command"
            | "unit"
            | "corporation"
            | "company"
    ) || (w == "general" && last > 0 && doc.folded(last - 1) == "consulate")
        || (w == "commission" && last > 0 && doc.folded(last - 1) == "high")
        // a force sent somewhere (`United Nations Interim Force in Lebanon`),
        // not a service of a country's armed forces (`the Air Force in Chile`)
        || (w == "force"
            && last > 0
            && !matches!(
                doc.folded(last - 1),
                "air" | "naval" | "ground" | "land" | "defence" | "defense" | "police" | "armed"
                    | "space" | "marine" | "self-defense" | "self-defence" | "border"
            ))
}

/// The end of a capitalised complement run starting at `k` (trailing names
/// are left to persons: `Minister of Foreign Affairs Ximena Fuentes`).
fn complement_run(doc: &Doc, k: usize, end: usize) -> usize {
    let mut r = k;
    loop {
        if r < end && in_core(doc, r, end) && doc.class(r) != Class::Modifier {
            r += 1;
        } else if r < end && plural_title(doc, r) {
            // `Council of Foreign Ministers`: the members a body gathers
            r += 1;
        } else if r + 1 < end && doc.class(r) == Class::Modifier && plural_title(doc, r + 1) {
            // `Conference of Deputy Ministers`
            r += 2;
        } else {
            break;
        }
    }
    while r > k && matches!(doc.class(r - 1), Class::Name) && r - k >= 1 {
        // keep a single name-like word that is the whole complement when a
        // head or place precedes nothing else (`Institute for Anti-Corruption`)
        if r - k == 1 && !(r < end && doc.class(r) == Class::Name) {
            break;
        }
        r -= 1;
    }
    while r > k && matches!(doc.class(r - 1), Class::Poss | Class::Dash) {
        r -= 1;
    }
    r
}

/// Whether token `i` is a plural title (`Ministers`, `Governors`): in a
/// complement it names the members a body gathers.
fn plural_title(doc: &Doc, i: usize) -> bool {
    doc.class(i) == Class::Title && doc.word(i).len() > 3 && doc.word(i).ends_with('s')
}

/// Adds a chunk's institutions; returns the token after it.
fn add_chunk(
    doc: &Doc,
    found: &mut Found,
    c: &Chunk,
    acronyms: &mut BTreeMap<String, usize>,
    end: usize,
) -> usize {
    let outer = add_institution(doc, found, c.start, c.end, c.core_end, acronyms);
    let mut next = c.end;
    if let Some((a, b)) = c.acronym {
        let acr = doc.span_text(a, b).to_string();
        // `Political Bureau of the Communist Party of China (CPC)`: the
        // acronym names the institution whose initials it spells.
        let id = acronym_owner(found, c.end, &acr).or(outer);
        if let Some(id) = id {
            acronyms.insert(acr.clone(), id);
            found.mention(id, a, b);
            if !found.entities[id].aliases.contains(&acr) {
                found.entities[id].aliases.push(acr);
            }
        }
        next = b + 1;
        // `Communist Party of Việt Nam (CPV) Central Committee`
        let mut k = next;
        let mut last_head = None;
        while k < end && in_core(doc, k, end) && doc.class(k) != Class::Acronym {
            if is_head(doc, k) {
                last_head = Some(k);
            }
            k += 1;
        }
        if let (Some(h), Some(parent)) = (last_head, id) {
            let body_end = doc.hit(h).map(|x| x.end).unwrap_or(h + 1);
            if head_flags(doc, h).1 {
                let body = doc.span_text(next, body_end);
                let name = format!("{body} of the {}", found.entities[parent].name);
                let mut en = Entity::new(Kind::Institution, &name);
                en.country = found.entities[parent].country;
                en.part_of = Some(parent);
                en.aliases.push(format!("{} {body}", doc.span_text(a, b)));
                let child = found.intern(en);
                found.mention(child, next, body_end);
                next = body_end;
            }
        }
    }
    next
}

/// Among the institutions named up to token `end`, the one whose
/// capitalised initials spell `acronym`.
fn acronym_owner(found: &Found, end: usize, acronym: &str) -> Option<usize> {
    let initials = |name: &str| -> String {
        name.split(|c: char| c.is_whitespace() || c == '-')
            .filter_map(|w| w.chars().next())
            .filter(|c| c.is_uppercase())
            .collect()
    };
    found
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Institution && e.mentions.iter().any(|m| m.1 == end))
        .find(|(_, e)| {
            initials(&e.name) == acronym || e.aliases.iter().any(|a| initials(a) == acronym)
        })
        .map(|(i, _)| i)
}

/// The country a token range names through a place or demonym.
fn country_in(doc: &Doc, a: usize, b: usize) -> Option<u16> {
    (a..b).find_map(|i| {
        doc.entries(i).iter().find_map(|e| match *e {
            Lex::Country(c) | Lex::Demonym(c)
                if matches!(doc.class(i), Class::Place | Class::Demonym) =>
            {
                Some(c)
            }
            Lex::City(c) if doc.class(i) == Class::Place => doc.lex.cities[c as usize].country,
            _ => None,
        })
    })
}

/// Adds the institution over tokens `a..b` (core up to `core_end`) and the
/// bodies it names inside; returns its id.
fn add_institution(
    doc: &Doc,
    found: &mut Found,
    a: usize,
    b: usize,
    core_end: usize,
    acronyms: &BTreeMap<String, usize>,
) -> Option<usize> {
    let written = doc.span_text(a, b);
    let mut name = written.to_string();
    let mut parent = None;
    // `X's Y` → `Y of X`
    if let Some(p) = (a + 1..core_end).find(|&p| doc.class(p) == Class::Poss) {
        let owner_text = doc.span_text(a, p);
        let rest = doc.span_text(p + 1, b);
        let owner_name = if doc.class(a) == Class::Place && doc.hit(a).is_some_and(|h| h.end == p) {
            owner_text.to_string()
        } else if let Some(&o) = acronyms.get(owner_text) {
            parent = Some(o);
            format!("the {}", found.entities[o].name)
        } else if p - a == 1 && doc.class(a) == Class::Acronym {
            match known_acronym(doc, owner_text) {
                Some(full) => format!("the {full}"),
                None => format!("the {owner_text}"),
            }
        } else if (a..p).any(|k| is_head(doc, k)) {
            let o = add_institution(doc, found, a, p, p, acronyms);
            parent = o;
            format!("the {owner_text}")
        } else {
            String::new()
        };
        // Possessives of people's words (`People's Army`) are part of the name.
        if !(owner_name.is_empty() || (doc.class(a) == Class::Common && parent.is_none())) {
            name = format!("{rest} of {owner_name}");
        }
    } else if doc.class(a) == Class::Acronym && a + 1 < core_end {
        // `CPV Central Committee` → `Central Committee of the CPV`
        let last = core_end - 1;
        let head = (a + 1..core_end)
            .rev()
            .find(|&k| is_head(doc, k))
            .unwrap_or(last);
        let acr = doc.word(a);
        if head_flags(doc, head).1 {
            if let Some(&o) = acronyms.get(acr) {
                parent = Some(o);
                name = format!(
                    "{} of the {}",
                    doc.span_text(a + 1, b),
                    found.entities[o].name
                );
            }
            // (an acronym known only from the lexicons is not spelled out:
            // the name is the fullest form written, `NATO Military Committee`)
        }
    }
    // A body inside another: `General Staff of the Việt Nam People's Army`.
    let head = (a..core_end).rev().find(|&k| is_head(doc, k));
    if let Some(h) = head {
        if head_flags(doc, h).1 && core_end < b && doc.class(core_end) == Class::Of {
            let mut k = core_end + 1;
            if doc.class(k) == Class::The {
                k += 1;
            }
            if let Some(inner) = chunk(doc, k, b) {
                if inner.end <= b {
                    parent = add_institution(
                        doc,
                        found,
                        inner.start,
                        inner.end,
                        inner.core_end,
                        acronyms,
                    )
                    .or(parent);
                }
            } else if k + 1 == b && doc.class(k) == Class::Acronym {
                parent = acronyms.get(doc.word(k)).copied().or(parent);
            }
        }
    }
    // (a name as written is its tokens: their folded forms are the key)
    let key = if name == written {
        doc.fold_span(a, b)
    } else {
        fold_phrase(&name)
    };
    let mut en = Entity::with_key(Kind::Institution, &name, key);
    en.country = country_in(doc, a, b).or_else(|| parent.and_then(|p| found.entities[p].country));
    en.part_of = parent;
    if name != written {
        en.aliases.push(written.to_string());
    }
    let id = found.intern(en);
    found.mention(id, a, b);
    Some(id)
}

/// The full name of a widely known acronym (`UN` → `United Nations`).
fn known_acronym<'l>(doc: &Doc<'l>, acr: &str) -> Option<&'static str> {
    doc.lex
        .acronyms
        .iter()
        // (`Asean` is `ASEAN` written as a word)
        .find(|(a, _)| a == acr || (a.len() >= 4 && a.eq_ignore_ascii_case(acr)))
        .map(|(_, full)| full.as_str())
}

/// `the Chilean defence ministry`: demonym, lower-case words, lower-case head.
fn lower_case_heads(doc: &Doc, found: &mut Found, a: usize, b: usize) {
    for i in a..b {
        // `Georgia's parliament`, `Nepal's foreign ministry`: a country's
        // possessive works as a demonym
        let possessive = doc.class(i) == Class::Place
            && doc.hit(i).is_some_and(|h| {
                doc.class(h.end) == Class::Poss
                    && h.entries.iter().any(|e| matches!(e, Lex::Country(_)))
            });
        let demonym = doc.class(i) == Class::Demonym && !found.is_claimed(i);
        if !(demonym || possessive) {
            continue;
        }
        let mut k = if possessive {
            doc.hit(i).map_or(i + 1, |h| h.end) + 1
        } else {
            i + 1
        };
        while k < b && k < i + 4 && doc.class(k) == Class::Lower {
            k += 1;
        }
        // `Russian forces shelled ...`: troops, not a body
        let generic = k == i + 1 && matches!(doc.word(k), "forces" | "troops" | "units");
        if k < b && doc.class(k) == Class::LowerHead && !generic {
            let mut en = Entity::of_span(Kind::Institution, doc, i, k + 1);
            en.country = country_in(doc, i, i + 1);
            let id = found.intern(en);
            found.mention(id, i, k + 1);
        }
    }
}

/// `the ministry`, `the commission`: a lower-case head after `the` refers
/// to the body with that head named before it, when only one such body is
/// named, or when the last one was named in this or the previous sentence.
fn short_references(doc: &Doc, found: &mut Found) {
    let mut heads: Vec<Option<String>> = Vec::new();
    for i in 1..doc.tokens.len() {
        if doc.class(i) != Class::LowerHead
            || doc.class(i - 1) != Class::The
            || found.is_claimed(i)
            || matches!(doc.class(i + 1), Class::Of | Class::Head | Class::LowerHead)
            || doc.hit(i).is_some_and(|h| h.end - h.first > 1)
        {
            continue;
        }
        let head = doc.folded(i);
        let sentence = doc.tokens[i].sentence;
        // main heads of the institutions, worked out at the first reference
        if heads.len() < found.entities.len() {
            heads = found
                .entities
                .iter()
                .map(|e| {
                    if e.kind == Kind::Institution {
                        main_head(doc, &e.key)
                    } else {
                        None
                    }
                })
                .collect();
        }
        // (entity, last mention start before `i`)
        let mut named: Vec<(usize, usize)> = Vec::new();
        for (id, e) in found.entities.iter().enumerate() {
            if heads[id].as_deref() != Some(head) {
                continue;
            }
            let Some(last) = e.mentions.iter().map(|m| m.0).filter(|&m| m < i).max() else {
                continue;
            };
            named.push((id, last));
        }
        let target = match named.as_slice() {
            [] => None,
            [(one, _)] => Some(*one),
            _ => named
                .iter()
                .max_by_key(|(_, at)| *at)
                .filter(|(_, at)| doc.tokens[*at].sentence + 1 >= sentence)
                .map(|(id, _)| *id),
        };
        if let Some(id) = target {
            found.mention(id, i, i + 1);
        }
    }
}

/// The one institution of the article whose initials spell `acronym`,
/// counting `of`/`and`/`for` or not (`BOJ`, `BJ` for `Bank of Japan`).
fn spelled_by(found: &Found, acronym: &str) -> Option<usize> {
    let spells = |name: &str| {
        let mut all = String::new();
        let mut caps = String::new();
        for w in name.split(|c: char| c.is_whitespace() || c == '-') {
            let Some(c) = w.chars().next() else { continue };
            if w == "the" {
                continue;
            }
            all.extend(c.to_uppercase());
            if c.is_uppercase() {
                caps.push(c);
            }
        }
        all == acronym || caps == acronym
    };
    let mut hits =
        found.entities.iter().enumerate().filter(|(_, e)| {
            e.kind == Kind::Institution && !e.mentions.is_empty() && spells(&e.name)
        });
    match (hits.next(), hits.next()) {
        (Some((id, _)), None) => Some(id),
        _ => None,
    }
}

/// Acronyms standing alone: defined in the article, or widely known.
fn standalone_acronyms(doc: &Doc, found: &mut Found, acronyms: &BTreeMap<String, usize>) {
    for i in 0..doc.tokens.len() {
        if doc.class(i) != Class::Acronym || found.is_claimed(i) {
            continue;
        }
        let word = doc.word(i);
        if let Some(&id) = acronyms.get(word) {
            found.mention(id, i, i + 1);
        } else if let Some(full) = known_acronym(doc, word) {
            let mut en = Entity::new(Kind::Institution, full);
            en.aliases.push(word.to_string());
            let id = found.intern(en);
            found.mention(id, i, i + 1);
        } else if let Some(id) = spelled_by(found, word) {
            // `BOJ` after `the Bank of Japan`
            found.mention(id, i, i + 1);
        }
    }
}
