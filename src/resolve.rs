//! Entity resolution: the one place that decides whether a mention is an
//! entity already known. Extraction asks it across the articles of one
//! `extract_all` call (`extract::identity`), ingest asks it against the
//! entities already in the graph (`ingest`); both use [`keys`] and a
//! [`Resolver`], so they decide alike.
//!
//! The rules, each a merge key (two entities sharing a key are one):
//! - persons: the folded full name. Short forms (a surname alone, a titled
//!   form, a name with words left out) join their full name only inside one
//!   article, which the person recognizer already does; across articles they
//!   would depend on which other names the call happens to hold.
//! - institutions: for the name and each alias written in full, its folded
//!   form and its identity signature (country names and demonyms read as
//!   the country, `extract::identity::signature`). A string with an acronym
//!   in it (`CPC`, `CPC Central Committee`) is no key: `CPC` is Chile's party
//!   in one article and China's in another. Inside one article it is: there
//!   institutions sharing a name or a written-out alias are one
//!   ([`article_keys`]). An institution known only by such strings keys on
//!   them under a rule of its own, so it joins the same bare names and never
//!   an institution with a full name.
//! - places: the folded canonical name.
//!
//! Keys depend on one article's records alone and a [`Resolver`] unions
//! every entity that shares one, so the entities become the connected
//! components of "shares a key", whatever order they come in and however
//! the articles are split into calls.
//!
//! **Architecture Invariant:** the keys of a merged entity are the union of
//! the keys of its parts: a graph node's name and aliases (all the strings
//! of the records merged into it) give the keys its records gave.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::hash::Hash;

use crate::extract::identity::signature;
use crate::extract::lexicon::{fold_phrase, Lexicons};
use crate::extract::Record;

/// The kinds of entity that are resolved (events and roles are not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Institution,
    Place,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Person, Kind::Institution, Kind::Place];

    /// The graph label of the kind.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Person => "Person",
            Kind::Institution => "Institution",
            Kind::Place => "Place",
        }
    }

    /// The kind a graph label names.
    pub fn of_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.label() == label)
    }

    /// Keeps the keys of different kinds apart (a person and a place may
    /// share a name).
    fn tag(self) -> char {
        match self {
            Kind::Person => 'p',
            Kind::Institution => 'o',
            Kind::Place => 'l',
        }
    }
}

/// A merge key: two entities sharing one are the same entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(String);

impl Key {
    fn new(kind: Kind, rule: char, text: &str) -> Key {
        let mut key = String::with_capacity(text.len() + 2);
        key.push(kind.tag());
        key.push(rule);
        key.push_str(text);
        Key(key)
    }
}

/// The folding under which names are compared: extraction's (`Việt Nam`,
/// `Viet Nam` and `VIET NAM` fold alike; punctuation is split off as the
/// tokenizer splits it).
pub fn fold(name: &str) -> String {
    fold_phrase(name)
}

/// The merge keys of one entity named `name` with `aliases`: of a graph
/// node (its name and aliases), or of a record alone in its article. An
/// empty name gives no key: it never merges.
pub fn keys<S: AsRef<str>>(kind: Kind, name: &str, aliases: &[S]) -> Vec<Key> {
    let strings: Vec<&str> = std::iter::once(name)
        .chain(aliases.iter().map(AsRef::as_ref))
        .collect();
    // (folded once: this runs for every entity of every article)
    let folded = fold(name);
    if folded.is_empty() {
        return Vec::new();
    }
    match kind {
        Kind::Person | Kind::Place => vec![Key::new(kind, 'n', &folded)],
        Kind::Institution => institution_keys(&strings),
    }
}

/// The merge keys of each entity of one kind in one article (`entities`
/// as name and aliases, in record order). Institutions of one article that
/// share a name or a written-out alias are one (the article defines its
/// acronyms: its `CPC Central Committee` is the `Central Committee of the
/// Communist Party of China` it names in full) and get the keys of them
/// all, so they also merge across articles as one.
pub fn article_keys<S: AsRef<str>>(kind: Kind, entities: &[(&str, &[S])]) -> Vec<Vec<Key>> {
    if kind != Kind::Institution {
        return entities
            .iter()
            .map(|(name, aliases)| keys(kind, name, aliases))
            .collect();
    }
    let groups = article_groups(entities);
    let mut strings: HashMap<usize, Vec<&str>> = HashMap::new();
    for ((name, aliases), &group) in entities.iter().zip(&groups) {
        let all = strings.entry(group).or_default();
        all.push(name);
        all.extend(aliases.iter().map(AsRef::as_ref));
    }
    let mut group_keys: HashMap<usize, Vec<Key>> = HashMap::new();
    entities
        .iter()
        .zip(&groups)
        .map(|((name, _), group)| {
            if fold(name).is_empty() {
                return Vec::new();
            }
            group_keys
                .entry(*group)
                .or_insert_with(|| institution_keys(&strings[group]))
                .clone()
        })
        .collect()
}

/// The merge keys of every entity of one article's record, per kind, in
/// record order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordKeys {
    pub persons: Vec<Vec<Key>>,
    pub institutions: Vec<Vec<Key>>,
    pub places: Vec<Vec<Key>>,
}

impl RecordKeys {
    pub fn of(record: &Record) -> RecordKeys {
        let persons: Vec<_> = record
            .persons
            .iter()
            .map(|p| (&*p.name, &*p.aliases))
            .collect();
        let institutions: Vec<_> = record
            .institutions
            .iter()
            .map(|o| (&*o.name, &*o.aliases))
            .collect();
        let places: Vec<_> = record
            .places
            .iter()
            .map(|l| (&*l.name, &*l.aliases))
            .collect();
        RecordKeys {
            persons: article_keys(Kind::Person, &persons),
            institutions: article_keys(Kind::Institution, &institutions),
            places: article_keys(Kind::Place, &places),
        }
    }
}

/// The group of each institution of one article: institutions sharing the
/// folded form of a name or of an alias of two words or more are one group
/// (numbered by its first member). A one-word alias (`CPC`) joins nothing.
fn article_groups<S: AsRef<str>>(entities: &[(&str, &[S])]) -> Vec<usize> {
    let mut resolver: Resolver<usize> = Resolver::new();
    let mut groups = Vec::with_capacity(entities.len());
    for (i, (name, aliases)) in entities.iter().enumerate() {
        let written = aliases
            .iter()
            .map(AsRef::as_ref)
            .filter(|a| a.contains(' '));
        let keys: Vec<Key> = std::iter::once(*name)
            .chain(written)
            .map(fold)
            .filter(|f| !f.is_empty())
            .map(|f| Key::new(Kind::Institution, '@', &f))
            .collect();
        groups.push(resolver.resolve(&keys, None, || i).entity);
    }
    groups.into_iter().map(|g| resolver.current(g)).collect()
}

/// The keys of an institution known by `strings` (names and aliases): the
/// folded form and the signature of each full form; with no full form, the
/// folded form of every string under another rule letter, so an
/// institution known only by acronyms joins the same acronyms and never
/// one with a full name. An entity gets fallback keys exactly when none of
/// its strings is a full form, so a node's keys are the union of its
/// records' keys (a node never mixes the two).
fn institution_keys(strings: &[&str]) -> Vec<Key> {
    let kind = Kind::Institution;
    let mut keys = Vec::new();
    for s in strings.iter().filter(|s| is_full_form(s)) {
        keys.push(Key::new(kind, 'n', &fold(s)));
        keys.push(Key::new(kind, 's', &signature(s)));
    }
    if keys.is_empty() {
        for s in strings {
            let folded = fold(s);
            if !folded.is_empty() {
                keys.push(Key::new(kind, 'a', &folded));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Whether an institution's name or alias is written in full, so it may
/// merge: two words at least, none of them an acronym.
pub fn is_full_form(s: &str) -> bool {
    let mut words = s.split_whitespace();
    words.clone().nth(1).is_some() && !words.any(is_acronym)
}

/// `CPC`, `CPV’s`, `NATO`: two capitals or more and no small letter
/// (a possessive left aside). Country abbreviations (`U.S.`, `UK`) are
/// names, not acronyms: the signature reads them as the country.
fn is_acronym(word: &str) -> bool {
    let word = word.split(['\'', '\u{2019}']).next().unwrap_or(word);
    let capitals = word.chars().filter(|c| c.is_uppercase()).count();
    capitals >= 2
        && !word.chars().any(char::is_lowercase)
        && Lexicons::get().country_of(word).is_none()
}

/// The class under which a node keeps one spelling of an alias: its folded
/// form, and for institutions whether it is a full form, so an alias that
/// gives keys is never dropped for a same-folding one that gives none
/// (`NATO Council` and `Nato Council`), which would lose a key.
pub fn alias_class(kind: Kind, alias: &str) -> (String, bool) {
    let full = kind == Kind::Institution && is_full_form(alias);
    (fold(alias), full)
}

/// Which of two names an entity known by both is called: the same whatever
/// order they come in (a total order), so a node's name does not depend on
/// which article was ingested first. Not all in capitals, then longer,
/// then with more letters outside ASCII (`Lương Cường` over `Luong Cuong`),
/// then with fewer spaces, then the first in code-point order.
pub fn preferred<'a>(a: &'a str, b: &'a str) -> &'a str {
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

fn rank(name: &str) -> (bool, usize, usize, Reverse<usize>, Reverse<&str>) {
    let spaces = name.chars().filter(|c| c.is_whitespace()).count();
    (
        name.chars().any(char::is_lowercase),
        name.chars().count() - spaces,
        name.chars().filter(|c| !c.is_ascii()).count(),
        Reverse(spaces),
        Reverse(name),
    )
}

/// Which entity each key belongs to, with union semantics: an entity whose
/// keys belong to several entities joins them all into the smallest
/// (the earliest made). `T` is whatever names an entity: a cluster number
/// in extraction, a `NodeId` in ingest. A lookup table only: nothing is
/// ever iterated, so its order never reaches output.
#[derive(Debug, Clone)]
pub struct Resolver<T> {
    by_key: HashMap<Key, T>,
    /// Entities joined into another, to the one they joined.
    merged: HashMap<T, T>,
}

impl<T> Default for Resolver<T> {
    fn default() -> Self {
        Resolver {
            by_key: HashMap::new(),
            merged: HashMap::new(),
        }
    }
}

/// What [`Resolver::resolve`] decided: the entity the keys name and the
/// entities it absorbed (which the caller merges into it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution<T> {
    pub entity: T,
    pub absorbed: Vec<T>,
}

impl<T: Copy + Eq + Hash + Ord> Resolver<T> {
    pub fn new() -> Resolver<T> {
        Resolver::default()
    }

    /// The entity `entity` is now (itself unless it was joined into another).
    pub fn current(&self, mut entity: T) -> T {
        while let Some(&into) = self.merged.get(&entity) {
            entity = into;
        }
        entity
    }

    /// The entities that `keys` (and `also`, an entity the caller already
    /// ties to them) belong to, ascending, each once.
    pub fn lookup(&self, keys: &[Key], also: Option<T>) -> Vec<T> {
        let mut hits: Vec<T> = keys
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .chain(also.as_ref())
            .map(|&e| self.current(e))
            .collect();
        hits.sort();
        hits.dedup();
        hits
    }

    /// Resolves an entity with `keys`: the smallest entity they (or `also`)
    /// belong to, absorbing the others, or a new one from `make`.
    pub fn resolve(
        &mut self,
        keys: &[Key],
        also: Option<T>,
        make: impl FnOnce() -> T,
    ) -> Resolution<T> {
        let mut hits = self.lookup(keys, also);
        let entity = if hits.is_empty() {
            make()
        } else {
            hits.remove(0)
        };
        for &other in &hits {
            self.merged.insert(other, entity);
        }
        for key in keys {
            self.by_key.insert(key.clone(), entity);
        }
        Resolution {
            entity,
            absorbed: hits,
        }
    }

    /// Binds the keys that belong to no entity yet to `entity`, joining
    /// nothing: for entities that already exist side by side (the nodes of a
    /// graph made before these rules) and stay apart until a new mention
    /// joins them.
    pub fn bind_unjoined(&mut self, keys: Vec<Key>, entity: T) {
        for key in keys {
            self.by_key.entry(key).or_insert(entity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn institution(name: &str, aliases: &[&str]) -> Vec<Key> {
        keys(Kind::Institution, name, aliases)
    }

    fn share_a_key(a: &[Key], b: &[Key]) -> bool {
        a.iter().any(|k| b.contains(k))
    }

    #[test]
    fn an_acronym_alone_never_merges_two_full_names() {
        let chile = institution(
            "Communist Party of Chile",
            &["CPC", "CPC Central Committee"],
        );
        let china = institution(
            "Communist Party of China",
            &["CPC", "CPC Central Committee"],
        );
        assert!(!share_a_key(&chile, &china));
        // a bare acronym joins the same bare acronym, never a full name
        let bare = institution("CPC", &[]);
        assert!(share_a_key(&bare, &institution("cpc", &[])));
        assert!(!share_a_key(&bare, &chile));
    }

    #[test]
    fn inside_one_article_an_acronym_string_joins_its_full_name() {
        let records: [(&str, &[&str]); 4] = [
            (
                "Central Committee of the Communist Party of China",
                &["CPC Central Committee"],
            ),
            ("CPC Central Committee", &[]),
            ("Communist Party of Chile", &["CPC"]),
            ("Communist Party of China", &["CPC"]),
        ];
        let article = article_keys(Kind::Institution, &records);
        assert_eq!(article[0], article[1]);
        // a one-word alias joins nothing, even inside one article
        assert!(!share_a_key(&article[2], &article[3]));
        // alone in its article the bare form joins only bare forms
        let alone = institution("CPC Central Committee", &[]);
        assert!(!share_a_key(&alone, &article[0]));
        assert!(share_a_key(
            &alone,
            &institution("CPC central committee", &[])
        ));
    }

    #[test]
    fn institutions_merge_on_full_forms_and_signatures() {
        let written = institution("Ministry of National Defence of Việt Nam", &[]);
        assert!(share_a_key(
            &written,
            &institution("Vietnamese Ministry of National Defence", &[])
        ));
        assert!(share_a_key(
            &institution(
                "Defence Ministry",
                &["Ministry of National Defence of Viet Nam"]
            ),
            &written
        ));
        assert!(!share_a_key(
            &institution("Chilean Ministry of Defence", &[]),
            &institution("Ministry of Defence of Cuba", &[])
        ));
        // a country abbreviation is a name, not an acronym
        assert!(is_full_form("U.S. Department of State"));
        assert!(!is_full_form("CPV’s Central Committee"));
        assert!(!is_full_form("Pentagon"));
    }

    #[test]
    fn persons_merge_on_the_full_name_only() {
        let full = keys(Kind::Person, "Lương Cường", &["Cường"]);
        assert_eq!(full, keys(Kind::Person, "LUONG CUONG", &[] as &[&str]));
        // a short form is no key across articles
        assert!(!share_a_key(
            &keys(Kind::Person, "Cường", &[] as &[&str]),
            &full
        ));
        assert!(!share_a_key(
            &keys(Kind::Person, "Maya Fernández", &[] as &[&str]),
            &keys(Kind::Person, "Maya Fernández Allende", &["Maya Fernández"])
        ));
        assert!(keys(Kind::Person, " ", &[] as &[&str]).is_empty());
    }

    #[test]
    fn kinds_keep_their_keys_apart() {
        assert!(!share_a_key(
            &keys(Kind::Person, "Georgia", &[] as &[&str]),
            &keys(Kind::Place, "Georgia", &[] as &[&str])
        ));
    }

    #[test]
    fn graph_and_extraction_fold_names_alike() {
        // The graph's name index folds with `graph::fold`; keys and alias
        // classes use extraction's `fold_phrase`. They agree on names of
        // words; punctuation is split off by `fold_phrase` only.
        for name in [
            "Lương Cường",
            "Việt Nam",
            "ĐẶNG Thị",
            "Ministry  of  Defence",
            "Søren Ærø",
        ] {
            assert_eq!(fold(name), crate::graph::fold(name), "{name}");
        }
        assert_eq!(fold("Chile’s Ministry"), fold("Chile's Ministry"));
    }

    #[test]
    fn the_preferred_name_does_not_depend_on_order() {
        let names = ["Luong Cuong", "Lương Cường", "LƯƠNG CƯỜNG", "Luong  Cuong"];
        let best = names.iter().fold(names[0], |a, b| preferred(a, b));
        let reversed = names.iter().rev().fold(names[3], |a, b| preferred(a, b));
        assert_eq!(best, "Lương Cường");
        assert_eq!(best, reversed);
    }

    #[test]
    fn the_resolver_unions_entities_sharing_a_key() {
        let mut r: Resolver<usize> = Resolver::new();
        let k = |s: &str| keys(Kind::Place, s, &[] as &[&str]);
        let mut next = 0;
        let mut make = || {
            next += 1;
            next - 1
        };
        let a = r.resolve(&k("Lima"), None, &mut make).entity;
        let b = r.resolve(&k("Hanoi"), None, &mut make).entity;
        assert_ne!(a, b);
        let mut both = k("Lima");
        both.extend(k("Hanoi"));
        let joined = r.resolve(&both, None, &mut make);
        assert_eq!(
            joined,
            Resolution {
                entity: a,
                absorbed: vec![b]
            }
        );
        assert_eq!(r.current(b), a);
        assert_eq!(r.lookup(&k("Hanoi"), None), vec![a]);
    }
}
