//! Places: countries, cities and regions from the lexicons, and named sites
//! (`Hồ Chí Minh Park`, `Wattay International Airport`) from a site head
//! noun after capitalised words. Demonyms are not place mentions: they only
//! tell institutions and titles their country.

use super::annotate::{Class, Doc};
use super::found::{Entity, Found, Kind, PlaceKind};
use super::lexicon::Lex;

/// Finds the places of the article.
pub fn recognize(doc: &Doc, found: &mut Found) {
    lexicon_places(doc, found);
    sites(doc, found);
    link_cities(found);
}

fn lexicon_places(doc: &Doc, found: &mut Found) {
    let lex = doc.lex;
    for hit in &doc.hits {
        if doc.class(hit.first) != Class::Place {
            continue;
        }
        // `Huang Kunming`, `Michael Jordan`: a place name right after a
        // name-like word ends a person's name instead.
        let after_name = hit.first > 0
            && doc.class(hit.first - 1) == Class::Name
            && doc.tokens[hit.first - 1].sentence == doc.tokens[hit.first].sentence;
        if after_name && hit.end - hit.first == 1 {
            continue;
        }
        if starts_name(doc, hit.first) {
            continue;
        }
        // `the Caribbean country`: a region used as an adjective
        let adjective = hit.end < doc.tokens.len()
            && matches!(
                doc.word(hit.end),
                "country" | "countries" | "nation" | "nations" | "region" | "state"
            );
        if adjective && hit.entries.iter().any(|e| matches!(e, Lex::Region(_))) {
            continue;
        }
        // A place already met: no new entity to build.
        let known = hit.entries.iter().find_map(|e| {
            let kind = match *e {
                Lex::Country(c) => PlaceKind::Country(c),
                Lex::City(c) => PlaceKind::City(c),
                _ => return None,
            };
            found
                .entities
                .iter()
                .position(|x| x.place_kind == Some(kind))
        });
        if let Some(id) = known {
            found.mention(id, hit.first, hit.end);
            continue;
        }
        let mut entity = None;
        for e in hit.entries {
            entity = match *e {
                Lex::Country(c) => {
                    let mut en = Entity::new(Kind::Place, &lex.countries[c as usize].name);
                    en.country = Some(c);
                    en.place_kind = Some(PlaceKind::Country(c));
                    Some(en)
                }
                Lex::City(c) => {
                    let city = &lex.cities[c as usize];
                    let mut en = Entity::new(Kind::Place, &city.name);
                    en.country = city.country;
                    en.place_kind = Some(PlaceKind::City(c));
                    Some(en)
                }
                Lex::Region(r) => {
                    let mut en = Entity::new(Kind::Place, &lex.regions[r as usize]);
                    en.place_kind = Some(PlaceKind::Region);
                    Some(en)
                }
                _ => continue,
            };
            break;
        }
        if let Some(en) = entity {
            let id = found.intern(en);
            found.mention(id, hit.first, hit.end);
        }
    }
}

/// Whether the one-word place at token `i` is a given name instead: it
/// stands right after a title, rank or honorific and before a name-like word
/// (`Mayor Israel Okafor`, `Leader Chad Whitmore`, `Gen. Jordan Hale`), or
/// a person's verb follows the two words (`Paris Jensen said`). A
/// place before a title (`Kenya President NAME`) or a possessive (`Chile's
/// NAME`) is left a place.
pub fn starts_name(doc: &Doc, i: usize) -> bool {
    if doc.class(i) != Class::Place || doc.hit(i).is_some_and(|h| h.end - h.first > 1) {
        return false;
    }
    let sentence = doc.tokens[i].sentence;
    let same = |j: usize| doc.tokens.get(j).is_some_and(|t| t.sentence == sentence);
    if !same(i + 1) || doc.class(i + 1) != Class::Name {
        return false;
    }
    // A name position: the two words are followed by what only a person
    // does (`leader Sofia Andersson, who ...`, `Paris Jensen said`), and
    // no preposition puts the place in a phrase of its own.
    let person_after = same(i + 2)
        && (matches!(doc.word(i + 2), "said" | "says" | "told" | "added")
            || (doc.class(i + 2) == Class::Comma && doc.word(i + 3) == "who"));
    let after_preposition = i > 0
        && same(i - 1)
        && matches!(
            doc.word(i - 1).to_ascii_lowercase().as_str(),
            "in" | "at" | "to" | "from" | "of" | "near" | "into" | "across" | "on" | "for"
        );
    // `The Washington Post said`: an article names no person
    let after_article = i > 0 && same(i - 1) && doc.class(i - 1) == Class::The;
    if person_after && !after_preposition && !after_article {
        return true;
    }
    if i == 0 || !same(i - 1) {
        return false;
    }
    match doc.class(i - 1) {
        Class::Title | Class::Rank | Class::Honorific => true,
        // `Gen. Jordan Hale`
        Class::Period => {
            i >= 2 && same(i - 2) && matches!(doc.class(i - 2), Class::Rank | Class::Honorific)
        }
        _ => false,
    }
}

/// `NAME... Head` where Head is a site noun: `El Cacahual Mausoleum`.
fn sites(doc: &Doc, found: &mut Found) {
    for i in 0..doc.tokens.len() {
        if doc.class(i) != Class::Site {
            continue;
        }
        // the first token of a multi-word head only
        if i > 0 && doc.class(i - 1) == Class::Site && doc.hit_of[i] == doc.hit_of[i - 1] {
            continue;
        }
        let sentence = doc.tokens[i].sentence;
        let mut start = i;
        let mut has_name = false;
        while start > 0 {
            let j = start - 1;
            if doc.tokens[j].sentence != sentence {
                break;
            }
            match doc.class(j) {
                Class::Name | Class::Place | Class::Demonym => has_name = true,
                Class::Common if doc.word(j) != "The" => {}
                _ => break,
            }
            start = j;
        }
        if !has_name {
            continue;
        }
        let end = doc.hit(i).map(|h| h.end).unwrap_or(i + 1);
        let mut en = Entity::new(Kind::Place, doc.span_text(start, end));
        en.place_kind = Some(PlaceKind::Site);
        // Tokens of a place inside the site name (a city) yield to the site.
        for slot in &mut found.owner[start..end] {
            *slot = None;
        }
        let id = found.intern(en);
        found.mention(id, start, end);
    }
}

/// A city's country is recorded when the article names that country.
fn link_cities(found: &mut Found) {
    for i in 0..found.entities.len() {
        if let Some(PlaceKind::City(_)) = found.entities[i].place_kind {
            let Some(country) = found.entities[i].country else {
                continue;
            };
            let target = found
                .entities
                .iter()
                .position(|e| e.place_kind == Some(PlaceKind::Country(country)));
            found.entities[i].part_of = target;
        }
    }
}
