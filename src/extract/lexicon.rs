//! The word lists of `data/lexicons` (compiled in with `include_str!`) and
//! the matcher that finds their entries in an article.
//!
//! All phrase lists go into one trie of *folded* words (lower case, no
//! diacritics: `Việt Nam`, `VIET NAM` and `viet nam` match alike), built once
//! per process ([`Lexicons::get`]). Case is checked after
//! matching, per kind of entry (a place must be capitalised, `head` may be
//! lower case). Single-word sets (common words, abbreviations, particles) are
//! hash sets. Formats are documented in `data/lexicons/README.md`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::phrases::PhraseTrie;

/// A set of words. Lookups happen once per token, and the default SipHash is
/// built for untrusted keys, which bundled word lists are not.
pub type WordSet = HashSet<String, FxBuildHasher>;

/// What a lexicon phrase is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lex {
    Country(u16),
    Demonym(u16),
    City(u16),
    Region(u16),
    /// A title; `lower_ok` when the list also spells it in lower case.
    Title {
        lower_ok: bool,
    },
    TitleModifier {
        lower_ok: bool,
    },
    Rank,
    Honorific,
    /// `standalone`: names an institution alone (`Politburo`); `sub_body`:
    /// a body inside another (`Committee`, `General Staff`).
    InstitutionHead {
        standalone: bool,
        sub_body: bool,
    },
    SiteHead,
    Acronym(u16),
    Trigger(EventType),
    Month(u8),
    Weekday(u8),
}

/// The event types of ../shared/eval/FORMAT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    Meeting,
    Visit,
    Signing,
    Ceremony,
    Conference,
    Call,
    Appointment,
    Deployment,
    Other,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Meeting => "meeting",
            EventType::Visit => "visit",
            EventType::Signing => "signing",
            EventType::Ceremony => "ceremony",
            EventType::Conference => "conference",
            EventType::Call => "call",
            EventType::Appointment => "appointment",
            EventType::Deployment => "deployment",
            EventType::Other => "other",
        }
    }

    fn parse(text: &str) -> Option<EventType> {
        Some(match text {
            "meeting" => EventType::Meeting,
            "visit" => EventType::Visit,
            "signing" => EventType::Signing,
            "ceremony" => EventType::Ceremony,
            "conference" => EventType::Conference,
            "call" => EventType::Call,
            "appointment" => EventType::Appointment,
            "deployment" => EventType::Deployment,
            "other" => EventType::Other,
            _ => return None,
        })
    }
}

/// A country with its aliases and demonyms.
#[derive(Debug, Clone)]
pub struct Country {
    pub name: String,
    pub aliases: Vec<String>,
    pub demonyms: Vec<String>,
}

/// A city and the country it lies in.
#[derive(Debug, Clone)]
pub struct City {
    pub name: String,
    pub country: Option<u16>,
    pub aliases: Vec<String>,
}

/// All word lists, loaded once.
pub struct Lexicons {
    pub countries: Vec<Country>,
    pub cities: Vec<City>,
    pub regions: Vec<String>,
    /// (acronym, full name) of widely known international bodies.
    pub acronyms: Vec<(String, String)>,
    pub months: Vec<Vec<String>>,
    pub weekdays: Vec<String>,
    pub abbreviations: WordSet,
    /// Capitalised words that are never part of a name, exactly as written
    /// (so `To` is common but the name `Tô` is not).
    pub common: WordSet,
    pub particles: WordSet,
    /// Words that open a site name whose head comes first (`Casa`,
    /// `Palácio`, `Bab`), exactly as written.
    pub site_openers: WordSet,
    /// Folded names of countries, cities and demonyms, for telling a
    /// country word inside an institution name.
    country_by_key: FxHashMap<String, u16>,
    /// First words of folded country names and demonyms (`viet`, `south`).
    pub country_first_words: WordSet,
    /// Folded institution head nouns (`ministry`, `general staff`).
    pub head_keys: WordSet,
    entries: Vec<Vec<Lex>>,
    phrases: PhraseTrie,
    /// [`WordFlags`] by word id of the phrase trie: whether a token's folded
    /// form could be a common word or a particle, known from the word id the
    /// phrase matcher looks up anyway, so most tokens need no set lookup.
    word_flags: Vec<u8>,
}

/// Bits of [`Lexicons::word_flags`].
pub struct WordFlags;

impl WordFlags {
    /// The folded form of some common word (which are exact-case: check).
    pub const COMMON: u8 = 1;
    /// A particle (folded).
    pub const PARTICLE: u8 = 2;
}

const COUNTRIES: &str = include_str!("../../data/lexicons/countries.txt");
const CITIES: &str = include_str!("../../data/lexicons/cities.txt");
const REGIONS: &str = include_str!("../../data/lexicons/regions.txt");
const TITLES: &str = include_str!("../../data/lexicons/titles.txt");
const TITLE_MODIFIERS: &str = include_str!("../../data/lexicons/title_modifiers.txt");
const RANKS: &str = include_str!("../../data/lexicons/ranks.txt");
const HONORIFICS: &str = include_str!("../../data/lexicons/honorifics.txt");
const INSTITUTION_HEADS: &str = include_str!("../../data/lexicons/institution_heads.txt");
const SITE_HEADS: &str = include_str!("../../data/lexicons/site_heads.txt");
const ACRONYMS: &str = include_str!("../../data/lexicons/acronyms.txt");
const EVENTS: &str = include_str!("../../data/lexicons/events.txt");
const COMMON: &str = include_str!("../../data/lexicons/common.txt");
const CALENDAR: &str = include_str!("../../data/lexicons/calendar.txt");
const ABBREVIATIONS: &str = include_str!("../../data/lexicons/abbreviations.txt");
const PARTICLES: &str = include_str!("../../data/lexicons/particles.txt");
const SITE_OPENERS: &str = include_str!("../../data/lexicons/site_openers.txt");

/// Non-comment, non-blank lines of a list.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The `|`-separated fields of a line, each trimmed.
fn fields(line: &str) -> Vec<&str> {
    line.split('|').map(str::trim).collect()
}

/// The `;`-separated items of a field.
fn items(field: Option<&&str>) -> Vec<String> {
    field
        .map(|f| {
            f.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub use crate::graph::fold::fold_word;

/// Folds a phrase the way article text is folded for matching: tokens joined
/// by one space.
pub fn fold_phrase(phrase: &str) -> String {
    // Fast paths: words of letters and digits apart by single spaces are one
    // token each, so the tokenizer has nothing to split.
    let bytes = phrase.as_bytes();
    let plain_ascii = bytes.iter().enumerate().all(|(i, &b)| {
        b.is_ascii_alphanumeric()
            || (b == b' ' && i > 0 && i + 1 < bytes.len() && bytes[i + 1] != b' ')
    });
    if plain_ascii {
        return phrase.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(phrase.len() + 8);
    if is_plain_words(phrase) {
        for (k, word) in phrase.split(' ').enumerate() {
            if k > 0 {
                out.push(' ');
            }
            fold_word(word, &mut out);
        }
        return out;
    }
    fold_tokens(phrase, &mut out);
    out
}

/// Folds the tokens of `phrase` onto `out`, one space apart.
fn fold_tokens(phrase: &str, out: &mut String) {
    // one span: a phrase is never split into sentences
    super::segment::tokenize_with(phrase, 0, phrase.len(), |s, e| {
        if !out.is_empty() {
            out.push(' ');
        }
        fold_word(&phrase[s..e], out);
    });
}

/// Whether `phrase` is non-empty words of letters and digits apart by
/// single spaces.
fn is_plain_words(phrase: &str) -> bool {
    let mut after_space = true;
    for c in phrase.chars() {
        if c == ' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if super::segment::is_word_char(c) {
            after_space = false;
        } else {
            return false;
        }
    }
    !after_space
}

struct Builder {
    phrases: PhraseTrie,
    index: HashMap<String, usize>,
    entries: Vec<Vec<Lex>>,
}

impl Builder {
    fn add(&mut self, phrase: &str, lex: Lex) {
        let mut folded = fold_phrase(phrase);
        // `The Philippines`: a country is matched without its article, or
        // `the Philippines` in running text (lower-case `the`) would match
        // as one phrase that fails the capital-letter check of places.
        // (Cities keep theirs: `Hague` alone is a surname.)
        if matches!(lex, Lex::Country(_)) {
            if let Some(rest) = folded.strip_prefix("the ") {
                folded = rest.to_string();
            }
        }
        if folded.is_empty() {
            return;
        }
        let id = match self.index.get(&folded) {
            Some(&id) => id,
            None => {
                let id = self.entries.len();
                self.phrases.insert(&folded, id as u32);
                self.entries.push(Vec::new());
                self.index.insert(folded, id);
                id
            }
        };
        if !self.entries[id].contains(&lex) {
            self.entries[id].push(lex);
        }
    }
}

fn starts_lower(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

impl Lexicons {
    /// The lexicons, built on first use and shared afterwards.
    pub fn get() -> &'static Lexicons {
        static LEXICONS: OnceLock<Lexicons> = OnceLock::new();
        LEXICONS.get_or_init(Lexicons::build)
    }

    fn build() -> Lexicons {
        let mut b = Builder {
            phrases: PhraseTrie::new(),
            index: HashMap::new(),
            entries: Vec::new(),
        };
        let mut countries = Vec::new();
        let mut country_by_key = FxHashMap::default();
        for line in lines(COUNTRIES) {
            let f = fields(line);
            let id = countries.len() as u16;
            let country = Country {
                name: f[0].to_string(),
                aliases: items(f.get(1)),
                demonyms: items(f.get(2)),
            };
            for name in std::iter::once(&country.name).chain(&country.aliases) {
                b.add(name, Lex::Country(id));
                country_by_key.insert(fold_phrase(name), id);
            }
            for demonym in &country.demonyms {
                b.add(demonym, Lex::Demonym(id));
                country_by_key.entry(fold_phrase(demonym)).or_insert(id);
            }
            countries.push(country);
        }
        let mut cities = Vec::new();
        for line in lines(CITIES) {
            let f = fields(line);
            let id = cities.len() as u16;
            let country = f
                .get(1)
                .and_then(|c| country_by_key.get(&fold_phrase(c)).copied());
            let city = City {
                name: f[0].to_string(),
                country,
                aliases: items(f.get(2)),
            };
            for name in std::iter::once(&city.name).chain(&city.aliases) {
                b.add(name, Lex::City(id));
            }
            cities.push(city);
        }
        let mut regions = Vec::new();
        for line in lines(REGIONS) {
            let f = fields(line);
            let id = regions.len() as u16;
            b.add(f[0], Lex::Region(id));
            for alias in items(f.get(1)) {
                b.add(&alias, Lex::Region(id));
            }
            regions.push(f[0].to_string());
        }
        // A title spelled in lower case in the list may match lower-case text.
        let lower_titles: HashSet<String> = lines(TITLES)
            .filter(|l| starts_lower(l))
            .map(fold_phrase)
            .collect();
        for line in lines(TITLES) {
            let lower_ok = lower_titles.contains(&fold_phrase(line));
            b.add(line, Lex::Title { lower_ok });
        }
        let lower_mods: HashSet<String> = lines(TITLE_MODIFIERS)
            .filter(|l| starts_lower(l))
            .map(fold_phrase)
            .collect();
        for line in lines(TITLE_MODIFIERS) {
            let lower_ok = lower_mods.contains(&fold_phrase(line));
            b.add(line, Lex::TitleModifier { lower_ok });
        }
        for line in lines(RANKS) {
            b.add(line, Lex::Rank);
        }
        for line in lines(HONORIFICS) {
            b.add(line, Lex::Honorific);
        }
        let mut head_keys = WordSet::default();
        for line in lines(INSTITUTION_HEADS) {
            head_keys.insert(fold_phrase(line.trim_end_matches(['*', '+'])));
            let marks = &line[line.trim_end_matches(['*', '+']).len()..];
            let standalone = marks.contains('*');
            let sub_body = marks.contains('+');
            b.add(
                line.trim_end_matches(['*', '+']),
                Lex::InstitutionHead {
                    standalone,
                    sub_body,
                },
            );
        }
        for line in lines(SITE_HEADS) {
            b.add(line, Lex::SiteHead);
        }
        let mut acronyms = Vec::new();
        for line in lines(ACRONYMS) {
            let f = fields(line);
            if f.len() < 2 {
                continue;
            }
            b.add(f[0], Lex::Acronym(acronyms.len() as u16));
            acronyms.push((f[0].to_string(), f[1].to_string()));
        }
        for line in lines(EVENTS) {
            let f = fields(line);
            if let (Some(kind), Some(phrase)) =
                (f.first().and_then(|t| EventType::parse(t)), f.get(1))
            {
                b.add(phrase, Lex::Trigger(kind));
            }
        }
        let mut months = Vec::new();
        let mut weekdays = Vec::new();
        for line in lines(CALENDAR) {
            let f = fields(line);
            match f.first().copied() {
                Some("month") if f.len() >= 2 => {
                    let id = months.len() as u8 + 1;
                    let mut names = vec![f[1].to_string()];
                    names.extend(items(f.get(2)));
                    for n in &names {
                        b.add(n, Lex::Month(id));
                    }
                    months.push(names);
                }
                Some("weekday") if f.len() >= 2 => {
                    b.add(f[1], Lex::Weekday(weekdays.len() as u8));
                    weekdays.push(f[1].to_string());
                }
                _ => {}
            }
        }
        let folded_set = |text: &str| -> WordSet { lines(text).map(fold_phrase).collect() };
        let abbreviations = lines(ABBREVIATIONS).map(str::to_string).collect();
        let common: WordSet = lines(COMMON).map(|w| w.replace('\u{2019}', "'")).collect();
        let particles: WordSet = folded_set(PARTICLES);
        let site_openers = lines(SITE_OPENERS).map(str::to_string).collect();
        let mut phrases = b.phrases;
        let mut flagged: Vec<(u32, u8)> = Vec::new();
        // (a word with a space is never one token: it needs no flag)
        for w in common.iter().filter(|w: &&String| !w.contains(' ')) {
            let mut folded = String::new();
            fold_word(w, &mut folded);
            flagged.push((phrases.intern(&folded), WordFlags::COMMON));
        }
        for w in particles.iter().filter(|w| !w.contains(' ')) {
            flagged.push((phrases.intern(w), WordFlags::PARTICLE));
        }
        let mut word_flags = vec![0u8; phrases.word_count()];
        for (id, flag) in flagged {
            word_flags[id as usize] |= flag;
        }
        Lexicons {
            countries,
            cities,
            regions,
            acronyms,
            months,
            weekdays,
            abbreviations,
            common,
            particles,
            site_openers,
            country_first_words: country_by_key
                .keys()
                .filter_map(|k| k.split(' ').next().map(str::to_string))
                .collect(),
            country_by_key,
            head_keys,
            entries: b.entries,
            phrases,
            word_flags,
        }
    }

    /// The phrase matcher; its phrase ids index [`Lexicons::entries`].
    pub fn phrases(&self) -> &PhraseTrie {
        &self.phrases
    }

    /// The [`WordFlags`] of a word id of the phrase trie (none for
    /// `NO_WORD`).
    pub fn word_flags(&self, word: u32) -> u8 {
        self.word_flags.get(word as usize).copied().unwrap_or(0)
    }

    /// What a matched pattern is.
    pub fn entries(&self, pattern: usize) -> &[Lex] {
        self.entries.get(pattern).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The country a folded country name, alias or demonym names.
    pub fn country_of_key(&self, folded: &str) -> Option<u16> {
        self.country_by_key.get(folded).copied()
    }

    /// The country a place name or demonym names (folding it first).
    pub fn country_of(&self, text: &str) -> Option<u16> {
        self.country_of_key(&fold_phrase(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_phrases_fold_as_their_tokens_do() {
        for phrase in [
            "Ministry of National Defence",
            "Phùng Sĩ Tấn",
            "Việt Nam People's Army",
            "Chile’s  Ministry",
            "L.B. Montealegre",
            "Díaz-Canel",
            " leading space",
            "trailing space ",
            "ĐỖ Văn 2024",
            "",
        ] {
            let mut by_tokens = String::new();
            fold_tokens(phrase, &mut by_tokens);
            assert_eq!(fold_phrase(phrase), by_tokens, "{phrase:?}");
        }
    }

    #[test]
    fn country_aliases_and_demonyms_fold_to_one_country() {
        let lex = Lexicons::get();
        let vn = lex.country_of("Việt Nam");
        assert!(vn.is_some());
        for name in ["Vietnam", "Viet Nam", "VIỆT NAM", "Vietnamese"] {
            assert_eq!(lex.country_of(name), vn, "{name}");
        }
        assert_ne!(lex.country_of("Chile"), vn);
    }

    #[test]
    fn the_longest_phrase_wins() {
        let lex = Lexicons::get();
        let words: Vec<&str> = vec!["the", "general", "secretary", "met"];
        let ids: Vec<u32> = words.iter().map(|w| lex.phrases().word_id(w)).collect();
        let found: Vec<(usize, usize)> = lex
            .phrases()
            .find_all(&ids)
            .map(|(first, end, _)| (first, end))
            .collect();
        assert!(found.contains(&(1, 3)), "{found:?}");
    }
}
