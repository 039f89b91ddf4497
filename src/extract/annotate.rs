//! The annotated article every recognizer reads: sentences, tokens, the
//! lexicon phrases found among them, and one word class per token.
//!
//! Word classes are the vocabulary of the recognizers (a title, a rank, an
//! institution head noun, a name-like capitalised word, `of`, a comma...).
//! Case decides a lot: `General` is a rank, `general` is not; an unknown
//! capitalised word is name-like unless the common-word list knows it.

use super::lexicon::{fold_word, Lex, Lexicons, WordFlags};
use super::phrases::NO_WORD;
use super::segment::{self, Token};

/// The class of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Title,
    Modifier,
    Rank,
    Honorific,
    Head,
    /// A head noun written in lower case (`the Chilean defence ministry`).
    LowerHead,
    Site,
    Place,
    Demonym,
    Acronym,
    Common,
    Name,
    Of,
    The,
    For,
    And,
    In,
    To,
    Its,
    Poss,
    Dash,
    Particle,
    Lower,
    Number,
    Comma,
    Semicolon,
    Period,
    Open,
    Close,
    Other,
}

/// A lexicon phrase found in the article, in token indices.
#[derive(Debug, Clone)]
pub struct TokenHit {
    pub first: usize,
    pub end: usize,
    pub entries: &'static [Lex],
}

/// An article ready for the recognizers.
pub struct Doc<'a> {
    pub text: &'a str,
    pub lex: &'static Lexicons,
    pub sentences: Vec<(u32, u32)>,
    pub tokens: Vec<Token>,
    /// Token index range of each sentence.
    pub sentence_tokens: Vec<(usize, usize)>,
    pub classes: Vec<Class>,
    /// The text lower-cased (ASCII only), then the folded forms of the
    /// tokens with other letters ([`fold_word`]): an ASCII token's folded
    /// form is its own span of the lower-cased text, so most tokens are not
    /// copied at all, and each token is folded only once.
    folded: String,
    /// Each token's folded form: a byte span of `folded`.
    folded_spans: Vec<(u32, u32)>,
    /// Each token's word id in the lexicons' phrase trie (`NO_WORD` when
    /// no list knows the word).
    word_ids: Vec<u32>,
    pub hits: Vec<TokenHit>,
    /// The hit covering each token.
    pub hit_of: Vec<Option<u32>>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        let lex = Lexicons::get();
        let sentences = segment::sentences(text, &lex.abbreviations);
        let tokens = segment::tokens(text, &sentences);
        let mut sentence_tokens = vec![(0usize, 0usize); sentences.len()];
        for (i, t) in tokens.iter().enumerate() {
            let s = &mut sentence_tokens[t.sentence as usize];
            if s.1 == 0 {
                s.0 = i;
            }
            s.1 = i + 1;
        }
        let mut doc = Doc {
            text,
            lex,
            sentences,
            tokens,
            sentence_tokens,
            classes: Vec::new(),
            folded: String::new(),
            folded_spans: Vec::new(),
            word_ids: Vec::new(),
            hits: Vec::new(),
            hit_of: Vec::new(),
        };
        doc.find_hits();
        doc.classify();
        doc
    }

    /// The text of token `i` (empty past the last token, so look-ahead at a
    /// text's end needs no bounds check).
    pub fn word(&self, i: usize) -> &'a str {
        match self.tokens.get(i) {
            Some(t) => &self.text[t.start as usize..t.end as usize],
            None => "",
        }
    }

    /// The text from the start of token `a` to the end of token `b - 1`.
    pub fn span_text(&self, a: usize, b: usize) -> &'a str {
        if a >= b {
            return "";
        }
        &self.text[self.tokens[a].start as usize..self.tokens[b - 1].end as usize]
    }

    /// The folded form of token `i` (lower case, no diacritics; empty past
    /// the last token).
    pub fn folded(&self, i: usize) -> &str {
        match self.folded_spans.get(i) {
            Some(&(start, end)) => &self.folded[start as usize..end as usize],
            None => "",
        }
    }

    /// The folded forms of tokens `a..b`, one space apart: the key of a
    /// phrase of the text, as `fold_phrase` gives it, without folding again.
    pub fn fold_span(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        for i in a..b.min(self.tokens.len()) {
            if i > a {
                out.push(' ');
            }
            out.push_str(self.folded(i));
        }
        out
    }

    pub fn class(&self, i: usize) -> Class {
        self.classes.get(i).copied().unwrap_or(Class::Other)
    }

    /// Lexicon entries of the phrase covering token `i`.
    pub fn entries(&self, i: usize) -> &'static [Lex] {
        match self.hit_of.get(i).copied().flatten() {
            Some(h) => self.hits[h as usize].entries,
            None => &[],
        }
    }

    /// The hit covering token `i`.
    pub fn hit(&self, i: usize) -> Option<&TokenHit> {
        self.hit_of
            .get(i)
            .copied()
            .flatten()
            .map(|h| &self.hits[h as usize])
    }

    fn find_hits(&mut self) {
        let phrases = self.lex.phrases();
        let mut folded = self.text.to_ascii_lowercase();
        let mut spans = Vec::with_capacity(self.tokens.len());
        let mut words = Vec::with_capacity(self.tokens.len());
        for t in &self.tokens {
            let word = &self.text[t.start as usize..t.end as usize];
            let span = if word.is_ascii() {
                (t.start, t.end)
            } else {
                let start = folded.len();
                fold_word(word, &mut folded);
                (start as u32, folded.len() as u32)
            };
            words.push(phrases.word_id(&folded[span.0 as usize..span.1 as usize]));
            spans.push(span);
        }
        self.folded = folded;
        self.folded_spans = spans;
        self.word_ids = words;
        self.hit_of = vec![None; self.tokens.len()];
        // A phrase never runs across a sentence break.
        for &(from, to) in &self.sentence_tokens {
            for (first, end, phrase) in phrases.find_all(&self.word_ids[from..to]) {
                let (first, end) = (from + first, from + end);
                let id = self.hits.len() as u32;
                self.hits.push(TokenHit {
                    first,
                    end,
                    entries: self.lex.entries(phrase as usize),
                });
                self.hit_of[first..end].fill(Some(id));
            }
        }
    }

    fn classify(&mut self) {
        // A phrase's class is worked out once for all its tokens.
        let mut classes: Vec<Option<Class>> = vec![None; self.tokens.len()];
        for hit in &self.hits {
            let head_word = self.word(hit.first);
            let hit_cap = head_word.chars().next().is_some_and(char::is_uppercase);
            if let Some(c) = class_of_entries(hit.entries, hit_cap, head_word) {
                classes[hit.first..hit.end].fill(Some(c));
            }
        }
        let mut classes: Vec<Class> = classes
            .into_iter()
            .enumerate()
            .map(|(i, c)| c.unwrap_or_else(|| self.classify_token(i)))
            .collect();
        // A one-word site noun with no name before it names no site: it is
        // a name (`Foreign Minister Park Jin-soo`, `Park said`).
        for i in 0..classes.len() {
            if classes[i] != Class::Site || self.hit(i).is_some_and(|h| h.end - h.first > 1) {
                continue;
            }
            let same_sentence = i > 0 && self.tokens[i - 1].sentence == self.tokens[i].sentence;
            let named_before = same_sentence
                && matches!(
                    classes[i - 1],
                    Class::Name | Class::Place | Class::Common | Class::Demonym
                );
            if !named_before {
                classes[i] = Class::Name;
            }
        }
        self.classes = classes;
    }

    fn classify_token(&self, i: usize) -> Class {
        let word = self.word(i);
        let first = word.chars().next().unwrap_or(' ');
        let cap = first.is_uppercase();
        // a common word or particle folds to a word the lexicons flag
        let flags = self
            .lex
            .word_flags(self.word_ids.get(i).copied().unwrap_or(NO_WORD));
        if !segment::is_word_char(first) {
            return match word {
                "," => Class::Comma,
                ";" | ":" => Class::Semicolon,
                "." | "!" | "?" => Class::Period,
                "(" | "[" => Class::Open,
                ")" | "]" => Class::Close,
                "-" | "\u{2013}" | "\u{2014}" | "\u{2012}" => Class::Dash,
                "'s" | "\u{2019}s" | "'" | "\u{2019}" => Class::Poss,
                _ => Class::Other,
            };
        }
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        if is("of") {
            return Class::Of;
        } else if is("the") {
            return Class::The;
        } else if is("for") {
            return Class::For;
        } else if is("and") {
            return Class::And;
        } else if is("in") {
            return Class::In;
        } else if word == "to" {
            return Class::To;
        } else if matches!(word, "its" | "their" | "his" | "her") {
            return Class::Its;
        }
        if first.is_ascii_digit() {
            return Class::Number;
        }
        if !cap {
            // particles are short: skip the lookup for longer words
            if word.len() <= 5
                && flags & WordFlags::PARTICLE != 0
                && self.lex.particles.contains(word)
            {
                return Class::Particle;
            }
            if (word.starts_with("al-") || word.starts_with("el-"))
                && word[3..].chars().next().is_some_and(char::is_uppercase)
            {
                return Class::Name;
            }
            return Class::Lower;
        }
        if flags & WordFlags::COMMON != 0
            && (self.lex.common.contains(word)
                || (word.contains('\u{2019}')
                    && self.lex.common.contains(&word.replace('\u{2019}', "'"))))
        {
            return Class::Common;
        }
        // two or more capital letters and nothing else
        let acronym = if word.is_ascii() {
            word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase())
        } else {
            word.chars().nth(1).is_some()
                && word.chars().all(|c| c.is_alphabetic() && c.is_uppercase())
        };
        if acronym {
            return Class::Acronym;
        }
        Class::Name
    }
}

/// The class a lexicon phrase gives its tokens, or `None` when case rules
/// it out (a lower-case `general` is no rank).
fn class_of_entries(entries: &[Lex], cap: bool, word: &str) -> Option<Class> {
    let all_caps = || {
        word.chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
    };
    // `Asean`, `Nato`: an acronym of four letters or more that news writes
    // as a word
    let as_word = || {
        cap && word.chars().count() >= 4
            && word
                .chars()
                .skip(1)
                .all(|c| c.is_alphabetic() && c.is_lowercase())
    };
    let mut best: Option<(u8, Class)> = None;
    let mut consider = |rank: u8, class: Class| {
        if best.is_none_or(|(r, _)| rank < r) {
            best = Some((rank, class));
        }
    };
    for e in entries {
        match *e {
            Lex::Country(_) | Lex::City(_) | Lex::Region(_) if cap => consider(0, Class::Place),
            Lex::Demonym(_) if cap => consider(1, Class::Demonym),
            Lex::Acronym(_) if all_caps() || as_word() => consider(2, Class::Acronym),
            Lex::Title { lower_ok } if cap || lower_ok => consider(3, Class::Title),
            Lex::Rank if cap => consider(4, Class::Rank),
            Lex::Honorific if cap => consider(5, Class::Honorific),
            Lex::InstitutionHead { .. } if cap => consider(6, Class::Head),
            Lex::InstitutionHead { .. } => consider(9, Class::LowerHead),
            Lex::SiteHead if cap => consider(7, Class::Site),
            Lex::TitleModifier { lower_ok } if cap || lower_ok => consider(8, Class::Modifier),
            Lex::Month(_) | Lex::Weekday(_) if cap => consider(10, Class::Common),
            _ => {}
        }
    }
    best.map(|(_, c)| c)
}
