//! Extraction: article text and lexicons in, an extraction record out.
//!
//! The stages, one module each: `segment` (sentences, tokens) → `lexicon`
//! matching and word classes (`annotate`) → `place` → `institution` →
//! `person` → `role` → `event` (with `date` resolution) → the record; then
//! `identity` gives entities the same id across the articles of one call.
//!
//! **Architecture Invariant:** pure and deterministic; knows nothing of the graph.

pub mod annotate;
pub mod article;
pub mod date;
pub mod event;
pub mod found;
pub mod identity;
pub mod institution;
pub mod lexicon;
pub mod person;
mod phrases;
pub mod place;
pub mod record;
pub mod role;
pub mod segment;

use rayon::prelude::*;

pub use article::{read_paths, Article, Warning};
pub use lexicon::Lexicons;
pub use record::Record;

use annotate::Doc;
use found::{Found, Kind, PlaceKind};
use record::{InstitutionRecord, Mention, PersonRecord, PlaceRecord};

/// One article's extraction: the record plus the byte spans of its sentences
/// (so a fact's evidence sentence can be shown).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub record: Record,
    pub sentences: Vec<(u32, u32)>,
}

/// Extracts one article. Ids are local to the article (`p1`, `o1`, `l1`,
/// `e1`); [`extract_all`] makes them global.
pub fn extract(article: &Article) -> Extraction {
    let doc = Doc::new(&article.text);
    let mut found = Found::new(&doc);
    place::recognize(&doc, &mut found);
    institution::recognize(&doc, &mut found);
    person::recognize(&doc, &mut found);
    let ids = local_ids(&found);
    let mut record = Record {
        article: article.id.clone(),
        date: article.date.map(|d| d.to_string()),
        ..Record::default()
    };
    fill_entities(&doc, &found, &ids, &mut record);
    record.roles = role::recognize(&doc, &found, &ids);
    record.events = event::recognize(&doc, &found, &ids, article.date);
    Extraction {
        record,
        sentences: doc.sentences.clone(),
    }
}

/// Extracts many articles (in parallel), giving one real-world entity the
/// same id in every record.
pub fn extract_all(articles: &[Article]) -> Vec<Extraction> {
    let mut extractions: Vec<Extraction> = articles.par_iter().map(extract).collect();
    identity::assign_global_ids(&mut extractions);
    extractions
}

/// The record id of each entity (`None` for entities left out).
fn local_ids(found: &Found) -> Vec<Option<String>> {
    let (mut p, mut o, mut l) = (0, 0, 0);
    found
        .entities
        .iter()
        .map(|e| {
            if e.mentions.is_empty() {
                return None;
            }
            Some(match e.kind {
                Kind::Person => {
                    p += 1;
                    record::numbered_id('p', p)
                }
                Kind::Institution => {
                    o += 1;
                    record::numbered_id('o', o)
                }
                Kind::Place => {
                    l += 1;
                    record::numbered_id('l', l)
                }
            })
        })
        .collect()
}

/// The mention of tokens `a..b` as a record span.
pub(crate) fn mention(doc: &Doc, a: usize, b: usize) -> Mention {
    let first = doc.tokens[a];
    let last = doc.tokens[b.max(a + 1) - 1];
    Mention {
        sentence: first.sentence,
        start: first.start,
        end: last.end,
    }
}

fn fill_entities(doc: &Doc, found: &Found, ids: &[Option<String>], record: &mut Record) {
    let lex = doc.lex;
    for (e, id) in found.entities.iter().zip(ids) {
        let Some(id) = id.clone() else { continue };
        let mut mentions: Vec<Mention> = e
            .mentions
            .iter()
            .map(|&(a, b)| mention(doc, a, b))
            .collect();
        mentions.sort();
        let linked = |target: Option<usize>| target.and_then(|t| ids.get(t).cloned().flatten());
        match e.kind {
            Kind::Person => record.persons.push(PersonRecord {
                id,
                name: e.name.clone(),
                aliases: e.aliases.clone(),
                rank: e.rank.clone(),
                mentions,
            }),
            Kind::Institution => record.institutions.push(InstitutionRecord {
                id,
                name: e.name.clone(),
                country: e.country.map(|c| lex.countries[c as usize].name.clone()),
                aliases: e.aliases.clone(),
                part_of: linked(e.part_of),
                mentions,
            }),
            Kind::Place => record.places.push(PlaceRecord {
                id,
                name: e.name.clone(),
                aliases: e.aliases.clone(),
                kind: e.place_kind.map(|k| {
                    match k {
                        PlaceKind::Country(_) => "country",
                        PlaceKind::City(_) => "city",
                        PlaceKind::Region => "region",
                        PlaceKind::Site => "site",
                    }
                    .to_string()
                }),
                located_in: linked(e.part_of),
                mentions,
            }),
        }
    }
}
