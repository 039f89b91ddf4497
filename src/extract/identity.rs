//! Cross-article identity: one id per real-world entity over all the records
//! of one call. Whether two records are one entity is decided by
//! `crate::resolve` (the same rules ingest applies against the graph):
//! persons by folded full name (short forms join their full name only
//! inside one article, in `person`), institutions by full-form names,
//! aliases and identity signatures (never by an acronym alone), places by
//! folded canonical name.
//!
//! Ids are numbered in order of first appearance (articles in input order),
//! so output is deterministic; the grouping does not depend on which other
//! articles are in the call beyond the keys they share.

use std::collections::{BTreeMap, BTreeSet};

use super::lexicon::{fold_phrase, Lexicons};
use super::Extraction;
use crate::resolve::{RecordKeys, Resolver};

/// Rewrites the ids of every record so equal entities share one id.
pub fn assign_global_ids(extractions: &mut [Extraction]) {
    let mut clusters = clusters(extractions).into_iter();
    let mut numbering: BTreeMap<(u8, usize), String> = BTreeMap::new();
    let mut counters = [0usize; 3];
    let mut next_id = |kind: u8, cluster: Option<usize>| -> String {
        let cluster = cluster.unwrap_or(usize::MAX);
        numbering
            .entry((kind, cluster))
            .or_insert_with(|| {
                counters[kind as usize] += 1;
                let prefix = ['p', 'o', 'l'][kind as usize];
                super::record::numbered_id(prefix, counters[kind as usize])
            })
            .clone()
    };
    for ex in extractions.iter_mut() {
        let r = &mut ex.record;
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        // the same order as `clusters` walks the records
        for p in &mut r.persons {
            let gid = next_id(0, clusters.next());
            map.insert(std::mem::replace(&mut p.id, gid.clone()), gid);
        }
        for o in &mut r.institutions {
            let gid = next_id(1, clusters.next());
            map.insert(std::mem::replace(&mut o.id, gid.clone()), gid);
        }
        for l in &mut r.places {
            let gid = next_id(2, clusters.next());
            map.insert(std::mem::replace(&mut l.id, gid.clone()), gid);
        }
        remap_references(r, &map);
    }
}

/// Points every reference of a record (parents, role holders, event
/// participants) at the global ids.
fn remap_references(r: &mut super::Record, map: &BTreeMap<String, String>) {
    let remap = |id: &mut String| {
        if let Some(g) = map.get(id.as_str()) {
            *id = g.clone();
        }
    };
    for o in &mut r.institutions {
        if let Some(p) = o.part_of.as_mut() {
            remap(p);
        }
    }
    for l in &mut r.places {
        if let Some(p) = l.located_in.as_mut() {
            remap(p);
        }
    }
    for role in &mut r.roles {
        remap(&mut role.person);
        if let Some(i) = role.institution.as_mut() {
            remap(i);
        }
    }
    for e in &mut r.events {
        e.id = format!("{}:{}", r.article, e.id);
        if let Some(p) = e.place.as_mut() {
            remap(p);
        }
        e.participants.iter_mut().for_each(remap);
    }
}

/// The cluster of every entity of every record, in record order (per
/// article: persons, institutions, places), after all the unions.
fn clusters(extractions: &[Extraction]) -> Vec<usize> {
    let mut resolver: Resolver<usize> = Resolver::new();
    let mut count = 0;
    let mut provisional = Vec::new();
    for ex in extractions {
        let keys = RecordKeys::of(&ex.record);
        let all = [keys.persons, keys.institutions, keys.places];
        for keys in all.iter().flatten() {
            let resolution = resolver.resolve(keys, None, || {
                count += 1;
                count - 1
            });
            provisional.push(resolution.entity);
        }
    }
    provisional
        .into_iter()
        .map(|c| resolver.current(c))
        .collect()
}

/// The identity signature of an institution name: content words, with
/// country names and demonyms read as the country.
pub(crate) fn signature(name: &str) -> String {
    signature_parts(name)
        .into_iter()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of [`signature`], in order: content words and `#N` for the
/// country numbered N.
pub(crate) fn signature_parts(name: &str) -> BTreeSet<String> {
    signature_parts_of_folded(&fold_phrase(name))
}

/// [`signature_parts`] of a name already folded with `fold_phrase` (an
/// entity's key).
pub(crate) fn signature_parts_of_folded(folded: &str) -> BTreeSet<String> {
    let lex = Lexicons::get();
    // non-empty tokens with their byte spans in `folded`
    let mut tokens: Vec<(&str, usize)> = Vec::new();
    let mut at = 0;
    for t in folded.split(' ') {
        if !t.is_empty() {
            tokens.push((t, at));
        }
        at += t.len() + 1;
    }
    let mut parts: BTreeSet<String> = BTreeSet::new();
    let mut i = 0;
    'outer: while i < tokens.len() {
        // the longest country name or demonym starting here (`viet nam`)
        let longest = if lex.country_first_words.contains(tokens[i].0) {
            4.min(tokens.len() - i)
        } else {
            0
        };
        for n in (1..=longest).rev() {
            let run = &tokens[i..i + n];
            let (last, last_at) = run[n - 1];
            let slice = &folded[run[0].1..last_at + last.len()];
            // the slice is the tokens joined by one space unless an empty
            // token (two spaces) lies between them
            let joined_len = run.iter().map(|t| t.0.len()).sum::<usize>() + n - 1;
            let found = if slice.len() == joined_len {
                lex.country_of_key(slice)
            } else {
                let words: Vec<&str> = run.iter().map(|t| t.0).collect();
                lex.country_of_key(&words.join(" "))
            };
            if let Some(c) = found {
                parts.insert(format!("#{c}"));
                i += n;
                continue 'outer;
            }
        }
        for w in tokens[i].0.split(|c: char| !c.is_alphanumeric()) {
            if !w.is_empty() && !matches!(w, "the" | "of" | "for" | "and" | "in" | "s" | "a" | "an")
            {
                parts.insert(w.to_string());
            }
        }
        i += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_read_demonyms_as_countries() {
        assert_eq!(
            signature("Vietnamese Ministry of National Defence"),
            signature("Ministry of National Defence of Việt Nam")
        );
        assert_eq!(
            signature("Chile's Ministry of Defence"),
            signature("Chilean Ministry of Defence")
        );
        assert_ne!(
            signature("Chilean Ministry of Defence"),
            signature("Ministry of Defence of Cuba")
        );
    }
}
