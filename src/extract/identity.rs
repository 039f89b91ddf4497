//! Cross-article identity: one id per real-world entity over all the records
//! of one call.
//!
//! - Persons: equal folded names (`Lương Cường` = `Luong Cuong`); a name
//!   that is another with words left out (`Maya Fernández` in `Maya
//!   Fernández Allende`, `Esteban Lazo` in `Esteban Lazo Hernández`) when it
//!   shares its first or last word and fits exactly one longer name. Two
//!   people sharing only a family name are never merged: a one-word name
//!   joins only the single known full name ending in that word.
//! - Institutions: equal folded names or written forms, or the same words
//!   once country names and demonyms are read as the country
//!   (`Vietnamese Ministry of National Defence` = `Ministry of National
//!   Defence of Việt Nam`). An acronym alone never merges (`CPC` is Chile's
//!   party in one article and China's in another).
//! - Places: equal folded canonical names (the lexicon already folds
//!   `Vietnam`/`Viet Nam` into `Việt Nam`).
//!
//! Ids are numbered in order of first appearance (articles in input order),
//! so output is deterministic.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::lexicon::{fold_phrase, Lexicons};
use super::Extraction;

/// Rewrites the ids of every record so equal entities share one id.
pub fn assign_global_ids(extractions: &mut [Extraction]) {
    let mut folds = Folds::default();
    let person_cluster = person_clusters(extractions, &mut folds);
    let institution_cluster = institution_clusters(extractions, &mut folds);
    let mut numbering: BTreeMap<(u8, usize), String> = BTreeMap::new();
    let mut counters = [0usize; 3];
    let mut next_id =
        |kind: u8, cluster: usize, numbering: &mut BTreeMap<(u8, usize), String>| -> String {
            numbering
                .entry((kind, cluster))
                .or_insert_with(|| {
                    counters[kind as usize] += 1;
                    let prefix = ['p', 'o', 'l'][kind as usize];
                    super::record::numbered_id(prefix, counters[kind as usize])
                })
                .clone()
        };
    let mut place_keys: BTreeMap<String, usize> = BTreeMap::new();
    for ex in extractions.iter_mut() {
        let r = &mut ex.record;
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for p in &mut r.persons {
            let cluster = person_cluster
                .get(&folds.fold(&p.name))
                .copied()
                .unwrap_or(usize::MAX);
            let gid = next_id(0, cluster, &mut numbering);
            map.insert(std::mem::replace(&mut p.id, gid.clone()), gid);
        }
        for o in &mut r.institutions {
            let cluster = institution_cluster
                .get(&folds.fold(&o.name))
                .copied()
                .unwrap_or(usize::MAX);
            let gid = next_id(1, cluster, &mut numbering);
            map.insert(std::mem::replace(&mut o.id, gid.clone()), gid);
        }
        for l in &mut r.places {
            let n = place_keys.len();
            let cluster = *place_keys.entry(folds.fold(&l.name)).or_insert(n);
            let gid = next_id(2, cluster, &mut numbering);
            map.insert(std::mem::replace(&mut l.id, gid.clone()), gid);
        }
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
}

/// Folded forms of names: the same names recur in article after article,
/// so each distinct one is folded once per call (a lookup table only; its
/// order never reaches the output).
#[derive(Default)]
struct Folds(HashMap<String, String>);

impl Folds {
    fn fold(&mut self, name: &str) -> String {
        if let Some(f) = self.0.get(name) {
            return f.clone();
        }
        let f = fold_phrase(name);
        self.0.insert(name.to_string(), f.clone());
        f
    }
}

fn words(folded: &str) -> Vec<String> {
    folded
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut it = long.iter();
    short.iter().all(|w| it.any(|l| l == w))
}

/// Folded person name → cluster number.
fn person_clusters(extractions: &[Extraction], folds: &mut Folds) -> BTreeMap<String, usize> {
    let names: BTreeSet<Vec<String>> = extractions
        .iter()
        .flat_map(|e| e.record.persons.iter())
        .map(|p| words(&folds.fold(&p.name)))
        .filter(|w| !w.is_empty())
        .collect();
    // Longest names first, so shorter forms find the full name they shorten.
    let mut ordered: Vec<Vec<String>> = names.into_iter().collect();
    ordered.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    let mut clusters: Vec<Vec<Vec<String>>> = Vec::new();
    // A name shortens only a name with the same first or last word (see
    // [`shortens`]), so only clusters holding such a name are tried: the
    // pass stays near-linear in the number of names, not quadratic.
    let mut by_first: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut by_last: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for name in ordered {
        let (Some(first), Some(last)) = (name.first(), name.last()) else {
            continue;
        };
        let mut candidates: BTreeSet<usize> = BTreeSet::new();
        candidates.extend(by_first.get(first).into_iter().flatten());
        candidates.extend(by_last.get(last).into_iter().flatten());
        let fits: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| clusters[i].iter().any(|m| shortens(&name, m)))
            .collect();
        let cluster = match fits.as_slice() {
            [one] => *one,
            _ => {
                clusters.push(Vec::new());
                clusters.len() - 1
            }
        };
        by_first.entry(first.clone()).or_default().insert(cluster);
        by_last.entry(last.clone()).or_default().insert(cluster);
        out.insert(name.join(" "), cluster);
        clusters[cluster].push(name);
    }
    out
}

/// Whether `short` is `long` or `long` with words left out, safely.
fn shortens(short: &[String], long: &[String]) -> bool {
    if short == long {
        return true;
    }
    if short.len() >= long.len() {
        return false;
    }
    if short.len() == 1 {
        return long.last() == short.first();
    }
    (short.first() == long.first() || short.last() == long.last()) && is_subsequence(short, long)
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

/// Folded institution name → cluster number (union of names sharing a
/// folded form, a written form or a signature).
fn institution_clusters(extractions: &[Extraction], folds: &mut Folds) -> BTreeMap<String, usize> {
    let mut parent: Vec<usize> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut name_node: BTreeMap<String, usize> = BTreeMap::new();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for ex in extractions {
        for o in &ex.record.institutions {
            let name = folds.fold(&o.name);
            let seen = name_node.get(&name).copied();
            let node = seen.unwrap_or_else(|| {
                parent.push(parent.len());
                name_node.insert(name.clone(), parent.len() - 1);
                parent.len() - 1
            });
            // a name's own keys are the same every time it recurs
            let mut keys = Vec::new();
            if seen.is_none() {
                keys.push(format!("n:{name}"));
                keys.push(format!("s:{}", signature(&o.name)));
            }
            for a in &o.aliases {
                if a.contains(' ') {
                    keys.push(format!("n:{}", folds.fold(a)));
                }
            }
            for k in keys {
                match by_key.get(&k) {
                    Some(&other) => {
                        let (x, y) = (find(&mut parent, node), find(&mut parent, other));
                        if x != y {
                            parent[x.max(y)] = x.min(y);
                        }
                    }
                    None => {
                        by_key.insert(k, node);
                    }
                }
            }
        }
    }
    name_node
        .iter()
        .map(|(name, &node)| (name.clone(), find(&mut parent, node)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(&fold_phrase(s))
    }

    #[test]
    fn shorter_names_join_only_their_full_name() {
        assert!(shortens(&w("Maya Fernández"), &w("Maya Fernandez Allende")));
        assert!(shortens(&w("Esteban Lazo"), &w("Esteban Lazo Hernández")));
        assert!(shortens(&w("Luong Cuong"), &w("Lương Cường")));
        assert!(!shortens(&w("Trong"), &w("Nguyen Phu Trong Xuan")));
        assert!(!shortens(&w("Phan Van Giang"), &w("Phan Dinh Trac")));
    }

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
