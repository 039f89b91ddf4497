//! The entities found in one article so far, and which tokens they own.
//!
//! Recognizers run in order (places, institutions, persons); each claims the
//! tokens of its mentions so a later one does not read them again.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::OnceCell;

use super::annotate::Doc;
use super::lexicon::fold_phrase;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Institution,
    Place,
}

/// A place's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country(u16),
    City(u16),
    Region,
    Site,
}

/// One entity of the article with its mentions (token ranges).
#[derive(Debug, Clone)]
pub struct Entity {
    pub kind: Kind,
    pub name: String,
    /// Folded `name`: the merge key within the article.
    pub key: String,
    pub aliases: Vec<String>,
    pub mentions: Vec<(usize, usize)>,
    /// The country it belongs to (institutions) or is (places).
    pub country: Option<u16>,
    pub part_of: Option<usize>,
    pub rank: Option<String>,
    pub place_kind: Option<PlaceKind>,
    /// The folded words of a person's name.
    pub name_words: Vec<String>,
}

impl Entity {
    pub fn new(kind: Kind, name: &str) -> Entity {
        Entity::with_key(kind, name, fold_phrase(name))
    }

    /// An entity named by tokens `a..b` as written (their folded forms are
    /// the key: no folding again).
    pub fn of_span(kind: Kind, doc: &Doc, a: usize, b: usize) -> Entity {
        Entity::with_key(kind, doc.span_text(a, b), doc.fold_span(a, b))
    }

    /// An entity whose folded key is already known.
    pub fn with_key(kind: Kind, name: &str, key: String) -> Entity {
        Entity {
            kind,
            name: name.to_string(),
            key,
            aliases: Vec::new(),
            mentions: Vec::new(),
            country: None,
            part_of: None,
            rank: None,
            place_kind: None,
            name_words: Vec::new(),
        }
    }
}

/// The entities of one article.
pub struct Found {
    pub entities: Vec<Entity>,
    /// The entity owning each token.
    pub owner: Vec<Option<usize>>,
    /// (entity, start, end) of every mention in `entities`, so recording
    /// one is not a scan of the entity's mentions (`mentions` changes only
    /// through [`Found::mention`] and [`Found::merge`]).
    // (Fx: small integer keys, looked up per mention; no order is read)
    mention_set: FxHashSet<(usize, usize, usize)>,
    /// (start, end, entity) of every institution mention, by start: built
    /// when a later stage first asks, dropped by every change to mentions.
    institution_mentions: OnceCell<Vec<(usize, usize, usize)>>,
    /// Entities by key, for [`Found::find`]: the first `keyed` entities are
    /// listed (under every key they had; a listing is checked against the
    /// key the entity has now), later ones are looked at one by one.
    /// (SipHash: the keys are the article's words)
    by_key: HashMap<String, Vec<usize>>,
    keyed: usize,
    /// The entities whose `part_of` may name each entity, for
    /// [`Found::merge`]: built at a merge for the entities of that moment
    /// (a listing is checked against `part_of` as it is then), dropped by
    /// [`Found::intern`] and [`Found::set_part_of`], the ways `part_of`
    /// of a listed entity changes outside a merge.
    children: Option<Children>,
}

/// `part_of` reversed, for the first `len` entities.
struct Children {
    len: usize,
    of: FxHashMap<usize, Vec<usize>>,
}

impl Found {
    pub fn new(doc: &Doc) -> Found {
        Found {
            entities: Vec::new(),
            owner: vec![None; doc.tokens.len()],
            mention_set: FxHashSet::default(),
            institution_mentions: OnceCell::new(),
            by_key: HashMap::new(),
            keyed: 0,
            children: None,
        }
    }

    /// The institution mentions starting at token `i`, as (start, end,
    /// entity).
    pub fn institution_mentions_at(&self, i: usize) -> &[(usize, usize, usize)] {
        let all = self.institution_mentions.get_or_init(|| {
            let mut all: Vec<(usize, usize, usize)> = self
                .entities
                .iter()
                .enumerate()
                .filter(|(_, e)| e.kind == Kind::Institution)
                .flat_map(|(id, e)| e.mentions.iter().map(move |&(a, b)| (a, b, id)))
                .collect();
            all.sort_unstable();
            all
        });
        let from = all.partition_point(|m| m.0 < i);
        let to = from + all[from..].partition_point(|m| m.0 == i);
        &all[from..to]
    }

    pub fn is_claimed(&self, i: usize) -> bool {
        self.owner.get(i).copied().flatten().is_some()
    }

    /// The entity with this kind and folded name, if any (the first).
    pub fn find(&self, kind: Kind, key: &str) -> Option<usize> {
        let is = |i: &usize| {
            self.entities
                .get(*i)
                .is_some_and(|e| e.kind == kind && e.key == key)
        };
        let listed = self
            .by_key
            .get(key)
            .and_then(|ids| ids.iter().copied().filter(is).min());
        listed.or_else(|| (self.keyed..self.entities.len()).find(is))
    }

    /// Lists the entities added since the last call under their keys.
    fn list_keys(&mut self) {
        while self.keyed < self.entities.len() {
            let key = self.entities[self.keyed].key.clone();
            self.by_key.entry(key).or_default().push(self.keyed);
            self.keyed += 1;
        }
    }

    /// Gives entity `id` a new key (the only way keys change, so
    /// [`Found::find`] finds it under it).
    pub fn set_key(&mut self, id: usize, key: String) {
        self.list_keys();
        self.by_key.entry(key.clone()).or_default().push(id);
        self.entities[id].key = key;
    }

    /// Sets what entity `id` is part of.
    pub fn set_part_of(&mut self, id: usize, part_of: Option<usize>) {
        self.children = None;
        self.entities[id].part_of = part_of;
    }

    /// Adds an entity, or returns the one with the same kind and key.
    pub fn intern(&mut self, entity: Entity) -> usize {
        self.children = None;
        match self.find(entity.kind, &entity.key) {
            Some(i) => {
                let existing = &mut self.entities[i];
                if existing.country.is_none() {
                    existing.country = entity.country;
                }
                if existing.part_of.is_none() {
                    existing.part_of = entity.part_of;
                }
                i
            }
            None => {
                self.entities.push(entity);
                self.list_keys();
                self.entities.len() - 1
            }
        }
    }

    /// Records a mention of entity `id` over tokens `a..b` and claims them
    /// (tokens already owned keep their owner).
    pub fn mention(&mut self, id: usize, a: usize, b: usize) {
        if a >= b {
            return;
        }
        if self.mention_set.insert((id, a, b)) {
            self.entities[id].mentions.push((a, b));
            self.institution_mentions.take();
        }
        for slot in &mut self.owner[a..b] {
            if slot.is_none() {
                *slot = Some(id);
            }
        }
    }

    /// Folds entity `from` into `into`: its mentions, tokens, aliases and
    /// `PART_OF` links move over and `from` is left without mentions.
    /// (Linear in what moves, not in the article: the tokens `from` owns
    /// lie in its mentions, the entities naming it are indexed.)
    pub fn merge(&mut self, into: usize, from: usize) {
        if into == from {
            return;
        }
        self.institution_mentions.take();
        let moved = std::mem::take(&mut self.entities[from].mentions);
        let name = self.entities[from].name.clone();
        let mut aliases = std::mem::take(&mut self.entities[from].aliases);
        aliases.push(name);
        let (country, part_of) = (self.entities[from].country, self.entities[from].part_of);
        for &(a, b) in &moved {
            self.mention_set.remove(&(from, a, b));
        }
        let target = &mut self.entities[into];
        for &(a, b) in &moved {
            if self.mention_set.insert((into, a, b)) {
                target.mentions.push((a, b));
            }
        }
        for a in aliases {
            if a != target.name && !target.aliases.contains(&a) {
                target.aliases.push(a);
            }
        }
        if target.country.is_none() {
            target.country = country;
        }
        let mut new_parent = None;
        if target.part_of.is_none() && part_of != Some(into) {
            target.part_of = part_of;
            new_parent = part_of;
        }
        // (a token is owned only through a mention of its owner)
        for &(a, b) in &moved {
            for slot in &mut self.owner[a..b] {
                if *slot == Some(from) {
                    *slot = Some(into);
                }
            }
        }
        let children = self.children_index();
        if let Some(p) = new_parent {
            children.entry(p).or_default().push(into);
        }
        let named_from = children.remove(&from).unwrap_or_default();
        for &e in &named_from {
            if self.entities[e].part_of == Some(from) {
                self.entities[e].part_of = Some(into);
            }
        }
        self.children_index()
            .entry(into)
            .or_default()
            .extend(named_from);
        if self.entities[into].part_of == Some(into) {
            self.entities[into].part_of = None;
        }
    }

    /// `part_of` reversed, built if the entities changed since.
    fn children_index(&mut self) -> &mut FxHashMap<usize, Vec<usize>> {
        let len = self.entities.len();
        if self.children.as_ref().is_some_and(|c| c.len != len) {
            self.children = None;
        }
        let entities = &self.entities;
        &mut self
            .children
            .get_or_insert_with(|| {
                let mut of: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
                for (i, e) in entities.iter().enumerate() {
                    if let Some(p) = e.part_of {
                        of.entry(p).or_default().push(i);
                    }
                }
                Children { len, of }
            })
            .of
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merge moves the tokens and the `PART_OF` links of the merged
    /// entity, also those of entities interned after an earlier merge.
    #[test]
    fn merge_moves_tokens_and_parts() {
        let doc = Doc::new("Ministry of Defence and the Defence Ministry and its Office met.");
        let mut found = Found::new(&doc);
        let long = found.intern(Entity::new(Kind::Institution, "Ministry of Defence"));
        found.mention(long, 0, 3);
        let short = found.intern(Entity::new(Kind::Institution, "Defence Ministry"));
        found.mention(short, 5, 7);
        let mut office = Entity::new(Kind::Institution, "Office");
        office.part_of = Some(short);
        let office = found.intern(office);
        found.mention(office, 9, 10);
        found.merge(long, short);
        assert_eq!(found.owner[5..7], [Some(long), Some(long)]);
        assert_eq!(found.owner[0], Some(long));
        assert_eq!(found.entities[office].part_of, Some(long));
        assert!(found.entities[short].mentions.is_empty());
        assert_eq!(found.entities[long].aliases, ["Defence Ministry"]);
        // a part interned after the merge, then a second merge
        let third = found.intern(Entity::new(Kind::Institution, "Defence Office"));
        let mut unit = Entity::new(Kind::Institution, "Unit");
        unit.part_of = Some(third);
        let unit = found.intern(unit);
        found.merge(office, third);
        assert_eq!(found.entities[unit].part_of, Some(office));
    }
}
