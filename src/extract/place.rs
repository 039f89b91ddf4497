//! Places: countries, cities and regions from the lexicons, and named sites
//! (`Hồ Chí Minh Park`, `Wattay International Airport`) from a site head
//! noun after capitalised words. Demonyms are not place mentions: they only
//! tell institutions and titles their country.

use super::annotate::{Class, Doc};
use super::found::{Entity, Found, Kind, PlaceKind};
use super::lexicon::Lex;

/// Finds the places of the article.
pub fn recognize(doc: &Doc, found: &mut Found) {
    hyphen_pairs(doc, found);
    lexicon_places(doc, found);
    sites(doc, found);
    unknown_places(doc, found);
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
        if starts_name(doc, hit.first) || in_title_portfolio(doc, hit.first) {
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

/// How many tokens back a portfolio list (`for Afghanistan, Pakistan, and
/// Central Asia`) is read.
const PORTFOLIO_WORDS: usize = 12;

/// Whether the place at token `i` is in the portfolio of a title or body
/// (`Senior Director for Russia and Central Asia`, `Deputy Assistant
/// Secretary of Defense for Afghanistan, Pakistan, and Central Asia`,
/// `Bureau for Asia`): part of a longer name, no place mention (FORMAT.md
/// Conventions). Not `left Hanoi for Vientiane`: the word before `for`
/// must be a title, a head or a word of institution names.
fn in_title_portfolio(doc: &Doc, i: usize) -> bool {
    let sentence = doc.tokens[i].sentence;
    let mut k = i;
    while k > 0 && i - k < PORTFOLIO_WORDS && doc.tokens[k - 1].sentence == sentence {
        k -= 1;
        match doc.class(k) {
            Class::Comma | Class::And | Class::Place | Class::Demonym => {}
            Class::For => {
                return k > 0
                    && doc.tokens[k - 1].sentence == sentence
                    && matches!(
                        doc.class(k - 1),
                        Class::Title | Class::Head | Class::Common | Class::Modifier
                    )
                    && doc.word(k - 1).starts_with(|c: char| c.is_uppercase());
            }
            Class::Common if doc.word(k).starts_with(|c: char| c.is_uppercase()) => {}
            _ => return false,
        }
    }
    false
}

/// The country (by name or alias, not demonym) that a folded phrase names.
fn country_named(doc: &Doc, folded: &str) -> Option<u16> {
    let lex = doc.lex;
    let c = lex.country_of_key(folded)?;
    let country = lex.countries.get(usize::from(c))?;
    std::iter::once(&country.name)
        .chain(&country.aliases)
        .any(|n| super::lexicon::fold_phrase(n) == folded)
        .then_some(c)
}

/// Country pairs written with a hyphen inside one token (`Morocco-Egypt
/// relations`, `New Zealand-Fiji`, `India-Sri Lanka`): both countries are
/// mentioned there, and the words are no person's name. The first country
/// claims the tokens; the second is mentioned over them too.
fn hyphen_pairs(doc: &Doc, found: &mut Found) {
    for i in 0..doc.tokens.len() {
        // (the class first: most tokens are no capitalised word)
        if doc.class(i) != Class::Name {
            continue;
        }
        let word = doc.word(i);
        let Some((left, right)) = word.split_once('-') else {
            continue;
        };
        if left.is_empty() || right.is_empty() || right.contains('-') || found.is_claimed(i) {
            continue;
        }
        if !word.starts_with(|c: char| c.is_uppercase())
            || !right.starts_with(|c: char| c.is_uppercase())
        {
            continue;
        }
        let fold = super::lexicon::fold_phrase;
        // (most hyphenated names are people's: `Akufo-Addo`; a country must
        // start the right part)
        let first_words = &doc.lex.country_first_words;
        if !first_words.contains(fold(right).as_str()) {
            continue;
        }
        let sentence = doc.tokens[i].sentence;
        let same = |j: usize| doc.tokens.get(j).is_some_and(|t| t.sentence == sentence);
        let capitalised = |j: usize| doc.word(j).starts_with(|c: char| c.is_uppercase());
        // the left country may start a word or two before (`New Zealand-`)
        let left_country = (0..=2usize).find_map(|k| {
            let a = i.checked_sub(k)?;
            if (a..i).any(|j| !same(j) || found.is_claimed(j) || !capitalised(j)) {
                return None;
            }
            let first = if k > 0 { fold(doc.word(a)) } else { fold(left) };
            if !first_words.contains(first.as_str()) {
                return None;
            }
            let text = format!(
                "{}{}",
                doc.span_text(a, i).trim_end(),
                if k > 0 { " " } else { "" }
            );
            country_named(doc, &fold(&format!("{text}{left}"))).map(|c| (a, c))
        });
        let Some((a, lc)) = left_country else {
            continue;
        };
        let right_country = (0..=2usize).find_map(|k| {
            let b = i + 1 + k;
            if (i + 1..b).any(|j| !same(j) || found.is_claimed(j) || !capitalised(j)) {
                return None;
            }
            let rest = if k > 0 { doc.span_text(i + 1, b) } else { "" };
            country_named(doc, &fold(&format!("{right} {rest}"))).map(|c| (b, c))
        });
        let Some((b, rc)) = right_country else {
            continue;
        };
        // `the India-Oman Joint Commission`: inside a longer name, no
        // place mention (FORMAT.md, Conventions)
        if lc == rc || (same(b) && capitalised(b)) {
            continue;
        }
        for (c, x, y) in [(lc, a, i + 1), (rc, i, b)] {
            let known = found
                .entities
                .iter()
                .position(|e| e.place_kind == Some(PlaceKind::Country(c)));
            let id = known.unwrap_or_else(|| {
                let mut en = Entity::new(Kind::Place, &doc.lex.countries[usize::from(c)].name);
                en.country = Some(c);
                en.place_kind = Some(PlaceKind::Country(c));
                found.intern(en)
            });
            found.mention(id, x, y);
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

/// `Casa de Nariño`, `Bab al-Hawa`: an opener word, then particles and
/// name-like words; at least one name-like word.
fn opened_sites(doc: &Doc, found: &mut Found) {
    let n = doc.tokens.len();
    let mut i = 0;
    while i < n {
        if !matches!(doc.class(i), Class::Name | Class::Common | Class::Site) {
            i += 1;
            continue;
        }
        // (an opener is capitalised: data/lexicons/site_openers.txt)
        if found.is_claimed(i) || !doc.lex.site_openers.contains(doc.word(i)) {
            i += 1;
            continue;
        }
        let sentence = doc.tokens[i].sentence;
        let mut end = i + 1;
        let mut names = 0;
        while end < n && doc.tokens[end].sentence == sentence && !found.is_claimed(end) {
            match doc.class(end) {
                Class::Name | Class::Place => names += 1,
                // `Casa de Nariño`, `Plaza de la Revolución`
                Class::Particle
                    if end + 1 < n
                        && (doc.class(end + 1) == Class::Name
                            || (doc.class(end + 1) == Class::Particle
                                && doc.class(end + 2) == Class::Name)) => {}
                _ => break,
            }
            end += 1;
        }
        if names == 0 {
            i += 1;
            continue;
        }
        let mut en = Entity::of_span(Kind::Place, doc, i, end);
        en.place_kind = Some(PlaceKind::Site);
        let id = found.intern(en);
        found.mention(id, i, end);
        i = end;
    }
}

/// A site head noun at `i`: a site-class token, or a long one-word site
/// noun that reads as a name (`General Headquarters`, where a rank stands
/// before it and no name after it).
fn site_head_at(doc: &Doc, i: usize) -> bool {
    match doc.class(i) {
        Class::Site => true,
        // `at Hyderabad House`, `at State House`: a house one is received at
        Class::Name | Class::Common
            if doc.tokens[i].end - doc.tokens[i].start == 5
                && doc.word(i) == "House"
                && doc.hit(i).is_none() =>
        {
            i >= 2
                && doc.tokens[i - 1].sentence == doc.tokens[i].sentence
                && matches!(doc.class(i - 1), Class::Place | Class::Name | Class::Common)
                && (doc.word(i - 2) == "at"
                    || (doc.class(i - 2) == Class::The && i >= 3 && doc.word(i - 3) == "at"))
        }
        Class::Name => {
            if i == 0
                || doc.tokens[i - 1].sentence != doc.tokens[i].sentence
                || doc.class(i + 1) == Class::Name
                || !doc.entries(i).contains(&Lex::SiteHead)
            {
                return false;
            }
            match doc.class(i - 1) {
                Class::Rank | Class::Modifier | Class::Common => doc.word(i).len() >= 6,
                // `the People's Palace`
                Class::Poss => true,
                // `the Mausoleum of the Revolution`
                Class::The => doc.class(i + 1) == Class::Of,
                _ => false,
            }
        }
        _ => false,
    }
}

/// `NAME... Head` where Head is a site noun: `El Cacahual Mausoleum`; also
/// `the Presidential Palace` (capitalised words after `the`) and `the
/// Mausoleum of the Revolution`.
fn sites(doc: &Doc, found: &mut Found) {
    opened_sites(doc, found);
    for i in 0..doc.tokens.len() {
        if !site_head_at(doc, i) || found.is_claimed(i) {
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
                // `General Headquarters`
                Class::Rank | Class::Modifier if j + 1 == i && doc.class(i) == Class::Name => {}
                // `the People's Palace`
                Class::Poss if j > 0 && matches!(doc.class(j - 1), Class::Common | Class::Name) => {
                }
                _ => break,
            }
            start = j;
        }
        let mut end = doc.hit(i).map(|h| h.end).unwrap_or(i + 1);
        let capitalised = |k: usize| doc.word(k).chars().next().is_some_and(char::is_uppercase);
        // `the Presidential Palace`, `the People's Palace`: capitalised
        // words after `the` name a site too
        let after_the = start > 0
            && doc.class(start - 1) == Class::The
            && (start < i || doc.class(i) == Class::Site || doc.class(i + 1) == Class::Of)
            && (start..i).all(|k| capitalised(k) || doc.class(k) == Class::Poss)
            && capitalised(i);
        let the_site = after_the && (start < i || (doc.class(end) == Class::Of));
        // `Mausoleum of the Revolution`: `of`, maybe `the`, capitalised words
        if !has_name && capitalised(i) && doc.class(end) == Class::Of {
            let mut k = end + 1;
            if doc.class(k) == Class::The {
                k += 1;
            }
            let from = k;
            while k < doc.tokens.len()
                && doc.tokens[k].sentence == sentence
                && matches!(doc.class(k), Class::Name | Class::Common | Class::Place)
                && capitalised(k)
                && found.owner[k].is_none()
            {
                k += 1;
            }
            if k > from && (after_the || start == i) {
                end = k;
                has_name = true;
            }
        }
        if !has_name && !the_site {
            continue;
        }
        if !has_name && start == i {
            continue;
        }
        let mut en = Entity::of_span(Kind::Place, doc, start, end);
        en.place_kind = Some(PlaceKind::Site);
        // Tokens of a place inside the site name (a city) yield to the site,
        // and that mention is no mention of the city (`Hyderabad House`).
        for slot in &mut found.owner[start..end] {
            if let Some(id) = slot.take() {
                found.entities[id]
                    .mentions
                    .retain(|m| m.1 <= start || m.0 >= end);
            }
        }
        let id = found.intern(en);
        found.mention(id, start, end);
    }
}

/// Whether token `i` is a name-like word no recognizer has taken.
fn free_name(doc: &Doc, found: &Found, i: usize) -> bool {
    doc.class(i) == Class::Name
        && found.owner.get(i).copied().flatten().is_none()
        && doc.word(i).chars().next().is_some_and(char::is_uppercase)
}

/// Places missing from the lexicons, known by where they stand: one or two
/// name-like words after `in` or `near` that end the phrase (`relief camps
/// in Dibrugarh.`, `near Moyale and Mandera`), or a member of a list of
/// known places (`Kahramanmaraş, Hatay and Gaziantep`).
fn unknown_places(doc: &Doc, found: &mut Found) {
    let n = doc.tokens.len();
    let mut arrival_sites: Vec<(usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        // what stands before decides first: most names follow no `in`,
        // `near`, comma or `and`
        if doc.class(i) != Class::Name {
            i += 1;
            continue;
        }
        let arrival = arrival_site_at(doc, i);
        let before_ok = arrival
            || i > 0
                && match doc.class(i - 1) {
                    Class::In | Class::And | Class::Comma => true,
                    Class::Lower => matches!(doc.word(i - 1), "near" | "outside"),
                    _ => false,
                };
        if !before_ok || !free_name(doc, found, i) {
            i += 1;
            continue;
        }
        let sentence = doc.tokens[i].sentence;
        let same = |j: usize| doc.tokens.get(j).is_some_and(|t| t.sentence == sentence);
        let mut end = i + 1;
        if same(end) && free_name(doc, found, end) {
            end += 1;
        }
        if same(end) && free_name(doc, found, end) {
            // three name words read as a person's name
            i = end + 1;
            continue;
        }
        // what follows must close the phrase: no possessive, title, head,
        // acronym in brackets or further name
        let closes = !same(end)
            || matches!(
                doc.class(end),
                Class::Comma
                    | Class::Period
                    | Class::Semicolon
                    | Class::And
                    | Class::Lower
                    | Class::Dash
            ) && !(doc.class(end) == Class::Lower && doc.word(end) == "who");
        let prev = if i > 0 && same(i - 1) {
            doc.word(i - 1)
        } else {
            ""
        };
        // `swore in NAME as ...`: a phrasal verb, then a person
        let phrasal = i >= 2
            && matches!(
                doc.word(i - 2),
                "swore"
                    | "sworn"
                    | "swear"
                    | "swears"
                    | "swearing"
                    | "ushered"
                    | "brought"
                    | "bring"
                    | "let"
            );
        let after_preposition = matches!(prev, "in" | "near" | "outside")
            && !phrasal
            && !(same(end) && matches!(doc.word(end), "as" | "who" | "said" | "says" | "told"));
        // a list member: a known place before (`X, NAME and`) or after
        // (`NAME and Gaziantep`, `NAME, Hatay`)
        let place_at = |j: usize| {
            same(j)
                && doc.class(j) == Class::Place
                && found
                    .owner
                    .get(j)
                    .copied()
                    .flatten()
                    .is_some_and(|id| found.entities[id].kind == Kind::Place)
        };
        let in_list = end == i + 1
            && i >= 2
            && matches!(doc.class(i - 1), Class::Comma | Class::And)
            && place_at(i - 2)
            && (matches!(doc.class(end), Class::Comma | Class::And) && place_at(end + 1)
                || (doc.class(i - 1) == Class::And
                    && i >= 4
                    && doc.class(i - 3) == Class::Comma
                    && place_at(i - 4)));
        // `near Moyale and Mandera`: both after one preposition
        let coordinated = i >= 2
            && doc.class(i - 1) == Class::And
            && found.owner.get(i - 2).copied().flatten().is_some_and(|id| {
                found.entities[id].kind == Kind::Place
                    && found.entities[id].place_kind == Some(PlaceKind::Region)
                    && found.entities[id].aliases.iter().any(|a| a == "#guessed")
            });
        // (`welcomed at Wattay airport`: the common noun names the site)
        let arrival = arrival
            && !(same(end)
                && doc.class(end) == Class::Lower
                && !matches!(doc.word(end), "to" | "in" | "on" | "at" | "for" | "where"));
        let closes = closes || (arrival && doc.class(end) == Class::To);
        if closes && (after_preposition || in_list || coordinated || arrival) {
            let mut en = Entity::of_span(Kind::Place, doc, i, end);
            en.place_kind = Some(if arrival {
                PlaceKind::Site
            } else {
                PlaceKind::Region
            });
            en.aliases.push("#guessed".to_string());
            let id = found.intern(en);
            found.mention(id, i, end);
            if arrival {
                arrival_sites.push((id, i, end));
            }
            // `near Moyale and Mandera`
            if doc.class(end) == Class::And
                && same(end + 1)
                && free_name(doc, found, end + 1)
                && after_preposition
            {
                let k = end + 1;
                let mut e2 = k + 1;
                if same(e2) && free_name(doc, found, e2) {
                    e2 += 1;
                }
                let closes2 = !same(e2)
                    || matches!(
                        doc.class(e2),
                        Class::Comma | Class::Period | Class::Lower | Class::Semicolon
                    );
                if closes2 {
                    let mut en = Entity::of_span(Kind::Place, doc, k, e2);
                    en.place_kind = Some(PlaceKind::Region);
                    let id = found.intern(en);
                    found.mention(id, k, e2);
                    end = e2;
                }
            }
        }
        i = end;
    }
    // a site known by where someone arrived is the same site elsewhere in
    // the article (`at the Forecourt of the Jubilee House`)
    // (each site looks only where its first word stands, and once: a site
    // arrived at again finds nothing the first look did not, so this is
    // linear in the article)
    let mut at_word: std::collections::HashMap<&str, Vec<usize>> = arrival_sites
        .iter()
        .map(|&(_, a, _)| (doc.word(a), Vec::new()))
        .collect();
    if !at_word.is_empty() {
        for k in 0..n {
            if let Some(positions) = at_word.get_mut(doc.word(k)) {
                positions.push(k);
            }
        }
    }
    let mut looked = std::collections::HashSet::new();
    for (id, a, b) in arrival_sites {
        let len = b - a;
        let words: Vec<&str> = (a..b).map(|i| doc.word(i)).collect();
        if !looked.insert((id, words)) {
            continue;
        }
        let positions = at_word.get(doc.word(a)).map_or(&[][..], Vec::as_slice);
        for &k in positions {
            if k + len > n {
                break;
            }
            if k != a
                && (0..len)
                    .all(|d| free_name(doc, found, k + d) && doc.word(k + d) == doc.word(a + d))
                && !free_name(doc, found, k + len)
            {
                found.mention(id, k, k + len);
            }
        }
    }
    for e in &mut found.entities {
        e.aliases.retain(|a| a != "#guessed");
    }
}

/// Whether the name at token `i` is where someone arrived or was shown
/// in: `arrived at Perdana Putra,`, `ushered into the Jubilee House`
/// (a building, unknown to the lexicons).
fn arrival_site_at(doc: &Doc, i: usize) -> bool {
    let word = |k: usize| if i >= k { doc.word(i - k) } else { "" };
    let arrived = |w: &str| {
        matches!(
            w,
            "arrived" | "arrive" | "arrives" | "arriving" | "ushered" | "escorted" | "welcomed"
        )
    };
    (word(1) == "at" && arrived(word(2)))
        || (word(1) == "the" && matches!(word(2), "at" | "into") && arrived(word(3)))
        || (word(1) == "into" && arrived(word(2)))
}

/// A city's country is recorded when the article names that country.
fn link_cities(found: &mut Found) {
    // the first entity that is each country (looked up, not searched per city)
    let mut country_entity: rustc_hash::FxHashMap<u16, usize> = Default::default();
    for (i, e) in found.entities.iter().enumerate() {
        if let Some(PlaceKind::Country(c)) = e.place_kind {
            country_entity.entry(c).or_insert(i);
        }
    }
    for i in 0..found.entities.len() {
        if let Some(PlaceKind::City(_)) = found.entities[i].place_kind {
            let Some(country) = found.entities[i].country else {
                continue;
            };
            found.set_part_of(i, country_entity.get(&country).copied());
        }
    }
}
