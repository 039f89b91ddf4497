//! Where the date shapes are in a text — `October 19-22`, `22 December
//! 2024`, `November 2024`, `last year`, `2020`, `Monday`, `yesterday`,
//! `next week` — as byte spans and capture groups, with no meaning given
//! to them (that is `date.rs`'s job).
//!
//! Each shape is defined by a regex ([`Patterns`]). Running seven regexes
//! over every article cost a tenth of all extraction (a regex search pays
//! for every byte it scans, and the bare `\d{4}` has no literal to skip
//! ahead with), while few words of an article can begin a date. So the
//! matches are found by hand instead: one pass over the text's ASCII words
//! keeps those that can begin a shape (a month or weekday name, a
//! four-digit number, `last`/`this`/`next`, `yesterday`...), and each shape
//! is read from there, byte by byte, the way its regex reads it. The result
//! is the regexes' own, match for match; `tests` checks that on the corpus
//! and on generated text. The regexes still run on the rare text with a
//! non-ASCII digit (their `\d` is Unicode; the hand matcher reads ASCII
//! digits only), or if the calendar lexicon held a name that is not plain
//! ASCII letters.
//!
//! The words are read from the text, not from the article's tokens: the
//! regexes use ASCII word boundaries, and a token can join what they
//! separate (`mid-November` and `10-12` are one token each, and hold a month
//! and a day).
//!
//! The scan also notes the words `same_day` in `date.rs` looks for (`day`,
//! `Earlier`, `Later`), so that it need not search the text again.

use std::sync::OnceLock;

use regex::Regex;

use crate::extract::lexicon::Lexicons;

/// One match of a shape: its byte span and those of its capture groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    pub start: usize,
    pub end: usize,
    /// Group `i` of the shape's regex at index `i - 1`.
    groups: [Option<(usize, usize)>; 4],
}

impl Shape {
    fn new(start: usize, end: usize) -> Shape {
        Shape {
            start,
            end,
            groups: [None; 4],
        }
    }

    /// This match with capture group `i` (1-based, as in the regex) at
    /// `span`.
    fn with(mut self, i: usize, span: Option<(usize, usize)>) -> Shape {
        self.groups[i - 1] = span;
        self
    }

    /// The text of capture group `i` (1-based), if it took part.
    pub fn group<'t>(&self, text: &'t str, i: usize) -> Option<&'t str> {
        let (s, e) = self.groups.get(i.checked_sub(1)?).copied().flatten()?;
        text.get(s..e)
    }

    /// The number written in capture group `i` (1-based), if it took part
    /// and is one.
    pub fn number<T: std::str::FromStr>(&self, text: &str, i: usize) -> Option<T> {
        self.group(text, i).and_then(|x| x.parse().ok())
    }
}

/// The matches of every shape in one text, each in text order and not
/// overlapping each other, as `Regex::captures_iter` gives them.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Shapes {
    /// `October 19`, `October 19-22`, `June 14 to 19`, `December 22, 1944`:
    /// 1 month, 2 day, 3 last day of a range, 4 year.
    pub month_day: Vec<Shape>,
    /// `22 December 2024`: 1 day, 2 month, 3 year.
    pub day_month: Vec<Shape>,
    /// `November 2024`, `April last year`, `March this year`, `November`:
    /// 1 month, 2 year, 3 `last`/`this`/`next`.
    pub month_year: Vec<Shape>,
    /// `last year`, `2020`: 1 `last`/`this`/`next`, 2 year.
    pub year: Vec<Shape>,
    /// `Monday`: 1 weekday.
    pub weekday: Vec<Shape>,
    /// `yesterday`, `today`, `last night`...: 1 the whole.
    pub relative_day: Vec<Shape>,
    /// `last month`, `Next week`: 1 `last`/`this`/`next`, 2 `month`/`week`.
    pub relative_month: Vec<Shape>,
    /// Where the ASCII words beginning with `day` start (`that day`, `the
    /// same day`, `days`).
    pub day_words: Vec<usize>,
    /// Where the ASCII words `Earlier` and `Later` start.
    pub sequels: Vec<usize>,
}

/// The date shapes in `text`.
pub(super) fn find(text: &str) -> Shapes {
    let calendar = Calendar::get();
    let (words, non_ascii_digit) = scan(text, calendar);
    let mut shapes = if calendar.plain && !non_ascii_digit {
        by_hand(text, &words)
    } else {
        by_regex(text)
    };
    let starts = |kind: Kind| {
        words
            .iter()
            .filter(move |w| w.kind == kind)
            .map(|w| w.start)
    };
    shapes.day_words = starts(Kind::Day).collect();
    shapes.sequels = starts(Kind::Sequel).collect();
    shapes
}

/// The shapes as regexes: their definition, and the matcher for texts the
/// hand matcher leaves to them.
struct Patterns {
    month_day: Regex,
    day_month: Regex,
    month_year: Regex,
    year: Regex,
    weekday: Regex,
    relative_day: Regex,
    relative_month: Regex,
    /// A Unicode decimal digit (what `\d` matches) at the start of the text.
    digit: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let lex = Lexicons::get();
        let mut month_names: Vec<String> = lex.months.iter().flatten().map(|m| regex::escape(m)).collect();
        month_names.sort_by_key(|m| std::cmp::Reverse(m.len()));
        let m = month_names.join("|");
        let w = lex.weekdays.iter().map(|d| regex::escape(d)).collect::<Vec<_>>().join("|");
        let build = |p: &str| {
            // ASCII word boundaries keep the fast regex engines usable on
            // text with non-ASCII letters (dates are written in ASCII)
            let p = p.replace(r"\b", r"(?-u:\b)");
            // The patterns are built from the bundled calendar list; a failure
            // is a bug every test run shows.
            #[allow(clippy::expect_used)]
            Regex::new(&p).expect("date pattern compiles")
        };
        Patterns {
            month_day: build(&format!(
                r"\b({m})\.? (\d{{1,2}})\b(?:\s*(?:-|–|to|and)\s*(\d{{1,2}})\b)?(?:,?\s*(\d{{4}})\b)?"
            )),
            day_month: build(&format!(r"\b(\d{{1,2}}) ({m})\b(?:,?\s*(\d{{4}})\b)?")),
            // qualifiers before a month or weekday are read by `prev_word`:
            // an optional leading word would make every `in` a match start
            month_year: build(&format!(r"\b({m})\b(?:,?\s*(\d{{4}})\b| (last|this|next) year\b)?")),
            year: build(r"\b(?:(last|this|next) year|(\d{4})\b)"),
            weekday: build(&format!(r"\b({w})\b")),
            relative_day: build(r"\b(yesterday|today|last night|last evening|this morning|tonight)\b"),
            relative_month: build(r"\b([Ll]ast|[Tt]his|[Nn]ext) (month|week)\b"),
            digit: build(r"\A\d"),
        }
    })
}

/// The shapes found by the regexes.
fn by_regex(text: &str) -> Shapes {
    let p = patterns();
    let all = |re: &Regex| -> Vec<Shape> {
        re.captures_iter(text)
            .filter_map(|c| {
                let m = c.get(0)?;
                let groups = std::array::from_fn(|i| c.get(i + 1).map(|g| (g.start(), g.end())));
                Some(Shape {
                    start: m.start(),
                    end: m.end(),
                    groups,
                })
            })
            .collect()
    };
    Shapes {
        month_day: all(&p.month_day),
        day_month: all(&p.day_month),
        month_year: all(&p.month_year),
        year: all(&p.year),
        weekday: all(&p.weekday),
        relative_day: all(&p.relative_day),
        relative_month: all(&p.relative_month),
        ..Shapes::default()
    }
}

/// What an ASCII word of the text can begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Month,
    Weekday,
    /// Four ASCII digits.
    Year,
    /// `last`, `this`, `next`, or the same capitalised.
    Qualifier,
    /// `yesterday`, `today`, `tonight`.
    DayWord,
    /// A word beginning with `day`, for `same_day`.
    Day,
    /// `Earlier` or `Later`, for `same_day`.
    Sequel,
}

/// A maximal run of ASCII word bytes (`[0-9A-Za-z_]`, what `(?-u:\b)`
/// counts as word) that can begin a shape.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    kind: Kind,
}

/// The words of a [`Kind`] (month and weekday names and the fixed words),
/// by first byte, and the tables the scan looks bytes up in.
struct Calendar {
    known: Vec<Vec<Known>>,
    /// Whether each byte is a word byte for `(?-u:\b)`: `[0-9A-Za-z_]`.
    /// Every other byte, the bytes of non-ASCII characters too, is a
    /// boundary.
    word: [bool; 256],
    /// For each first byte, bit `n` set when a word of [`Kind`] of `n`
    /// bytes (bit 15: 15 or more) can begin with it: most words are
    /// passed over on these two looks.
    lengths: [u16; 256],
    /// Every name is ASCII letters and is no other kind's word, as the hand
    /// matcher assumes (a name is then always a whole ASCII word).
    plain: bool,
}

impl Calendar {
    fn get() -> &'static Calendar {
        static CALENDAR: OnceLock<Calendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            let lex = Lexicons::get();
            let months = lex
                .months
                .iter()
                .flatten()
                .map(|m| (m.as_str(), Kind::Month));
            let weekdays = lex.weekdays.iter().map(|d| (d.as_str(), Kind::Weekday));
            let mut known: Vec<Vec<Known>> = vec![Vec::new(); 256];
            let mut word = [false; 256];
            for (b, w) in (0..=255u8).zip(word.iter_mut()) {
                *w = b.is_ascii_alphanumeric() || b == b'_';
            }
            let mut lengths = [0u16; 256];
            let mut may_begin = |w: &[u8]| {
                if let Some(&first) = w.first() {
                    lengths[usize::from(first)] |= 1 << w.len().min(15);
                }
            };
            for w in FIXED_WORDS {
                may_begin(w.as_bytes());
            }
            for digit in b'0'..=b'9' {
                may_begin(&[digit; 4]);
            }
            let mut plain = true;
            let fixed = FIXED_WORDS
                .iter()
                .filter_map(|w| Some((*w, fixed_word(w.as_bytes())?)));
            for (name, kind) in fixed.chain(months).chain(weekdays) {
                let word = name.as_bytes();
                let letters = !word.is_empty() && word.iter().all(u8::is_ascii_alphabetic);
                let bucket = &mut known[usize::from(word.first().copied().unwrap_or(0))];
                let twice = bucket.iter().any(|k| k.word == word && k.kind != kind);
                let fixed_kind = fixed_word(word);
                plain &= letters && !twice && (fixed_kind.is_none() || fixed_kind == Some(kind));
                bucket.push(Known {
                    key: packed(word, 0, word.len()),
                    word,
                    kind,
                });
                may_begin(word);
            }
            // `day`, `days`, `daylong`...
            lengths[usize::from(b'd')] |= !0 << 3;
            Calendar {
                known,
                word,
                lengths,
                plain,
            }
        })
    }

    /// What the ASCII word `word` (never empty), packed in `key` (see
    /// [`packed`]), can begin.
    fn kind(&self, word: &[u8], key: u64) -> Option<Kind> {
        let first = *word.first()?;
        if first.is_ascii_digit() {
            return (word.len() == 4 && word.iter().all(u8::is_ascii_digit)).then_some(Kind::Year);
        }
        if word.len() >= 3 && key & 0xff_ffff == packed(b"day", 0, 3) {
            return Some(Kind::Day);
        }
        // (a compare of eight bytes, not of slices, for each known word
        // with this first byte)
        self.known[usize::from(first)]
            .iter()
            .find(|k| {
                k.key == key && k.word.len() == word.len() && k.word.get(8..) == word.get(8..)
            })
            .map(|k| k.kind)
    }
}

/// A word of a [`Kind`].
#[derive(Debug, Clone)]
struct Known {
    /// Its first eight bytes, see [`packed`].
    key: u64,
    word: &'static [u8],
    kind: Kind,
}

/// The first eight bytes (at most) of the `len` bytes of `t` from `start`,
/// as a little-endian number with zero bytes after them.
fn packed(t: &[u8], start: usize, len: usize) -> u64 {
    let n = len.min(8);
    match t.get(start..start + 8) {
        Some(eight) => {
            let v = u64::from_le_bytes(eight.try_into().unwrap_or([0; 8]));
            if n == 8 {
                v
            } else {
                v & ((1u64 << (8 * n)) - 1)
            }
        }
        None => t
            .iter()
            .skip(start)
            .take(n)
            .rev()
            .fold(0, |key, &b| key << 8 | u64::from(b)),
    }
}

/// The words of the regexes themselves (and of `same_day`) that begin a
/// shape; with the words beginning with `day`, what [`fixed_word`] knows.
const FIXED_WORDS: [&str; 11] = [
    "last",
    "this",
    "next",
    "Last",
    "This",
    "Next",
    "yesterday",
    "today",
    "tonight",
    "Earlier",
    "Later",
];

/// The kind of a word of [`FIXED_WORDS`] or beginning with `day`.
fn fixed_word(word: &[u8]) -> Option<Kind> {
    match word {
        b"last" | b"this" | b"next" | b"Last" | b"This" | b"Next" => Some(Kind::Qualifier),
        b"yesterday" | b"today" | b"tonight" => Some(Kind::DayWord),
        b"Earlier" | b"Later" => Some(Kind::Sequel),
        _ if word.starts_with(b"day") => Some(Kind::Day),
        _ => None,
    }
}

/// Whether `b` is a word byte for `(?-u:\b)` (the scan reads
/// `Calendar::word`).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The ASCII words of `text` that can begin a shape, in text order, and
/// whether the text holds a non-ASCII decimal digit (which the regexes'
/// `\d` reads and the hand matcher does not).
fn scan(text: &str, calendar: &Calendar) -> (Vec<Word>, bool) {
    // (a table lookup or two per byte: this loop is most of the cost)
    let t = text.as_bytes();
    let word = &calendar.word;
    let mut words = Vec::new();
    let mut non_ascii_digit = false;
    let mut i = 0;
    while let Some(&b) = t.get(i) {
        if !word[usize::from(b)] {
            // (a byte from 0xC0 up begins a non-ASCII character)
            if b >= 0xC0 && !non_ascii_digit {
                non_ascii_digit = is_decimal_digit(text, i);
            }
            i += 1;
            continue;
        }
        let start = i;
        let rest = t.get(i + 1..).unwrap_or_default();
        i += 1 + rest
            .iter()
            .position(|&b| !word[usize::from(b)])
            .unwrap_or(rest.len());
        // Most words are passed over on their first byte and length.
        if calendar.lengths[usize::from(b)] & (1 << (i - start).min(15)) == 0 {
            continue;
        }
        let key = packed(t, start, i - start);
        if let Some(kind) = calendar.kind(&t[start..i], key) {
            words.push(Word {
                start,
                end: i,
                kind,
            });
        }
    }
    (words, non_ascii_digit)
}

/// Whether the character at byte `at` of `text` is a decimal digit, as the
/// regexes' `\d` reads one (the regex runs only for a numeric character).
fn is_decimal_digit(text: &str, at: usize) -> bool {
    text.get(at..).is_some_and(|rest| {
        rest.chars().next().is_some_and(char::is_numeric) && patterns().digit.is_match(rest)
    })
}

/// The shapes read from the candidate words.
fn by_hand(text: &str, words: &[Word]) -> Shapes {
    let t = text.as_bytes();
    let of = |kind: Kind| words.iter().filter(move |w| w.kind == kind);
    Shapes {
        month_day: matches(of(Kind::Month), |w| month_day(text, w)),
        day_month: matches(of(Kind::Month), |w| day_month(text, w)),
        month_year: matches(of(Kind::Month), |w| Some(month_year(text, w))),
        year: matches(words.iter(), |w| year(t, w)),
        weekday: matches(of(Kind::Weekday), |w| {
            Some(Shape::new(w.start, w.end).with(1, Some((w.start, w.end))))
        }),
        relative_day: matches(words.iter(), |w| relative_day(t, w)),
        relative_month: matches(of(Kind::Qualifier), |w| relative_month(t, w)),
        ..Shapes::default()
    }
}

/// The matches of a shape read at each word in turn, as a regex iterates
/// them: a match starting inside the one before is none (the search goes
/// on from the end of the last match).
fn matches<'w>(
    words: impl Iterator<Item = &'w Word>,
    mut read: impl FnMut(&Word) -> Option<Shape>,
) -> Vec<Shape> {
    let mut out: Vec<Shape> = Vec::new();
    for w in words {
        if let Some(m) = read(w) {
            if out.last().is_none_or(|last| last.end <= m.start) {
                out.push(m);
            }
        }
    }
    out
}

// The shapes, read from a candidate word. Each comment gives the part of
// the regex (with `\b` for the ASCII word boundary) that the code reads;
// after a word byte, `\b` holds exactly when no word byte follows.

/// The byte at `i`, or 0 (no word byte, no space) past the end.
fn at(t: &[u8], i: usize) -> u8 {
    t.get(i).copied().unwrap_or(0)
}

/// `\b` right after a word byte ending at `i`.
fn ends_word(t: &[u8], i: usize) -> bool {
    !is_word_byte(at(t, i))
}

/// `\s*` from `i`: past Unicode white space (what `\s` matches: the
/// `White_Space` property, as `char::is_whitespace`).
fn skip_space(text: &str, mut i: usize) -> usize {
    let t = text.as_bytes();
    while let Some(&b) = t.get(i) {
        let width = if b < 0x80 {
            (b as char).is_whitespace().then_some(1)
        } else {
            text.get(i..)
                .and_then(|rest| rest.chars().next())
                .filter(|c| c.is_whitespace())
                .map(char::len_utf8)
        };
        match width {
            Some(w) => i += w,
            None => break,
        }
    }
    i
}

/// The run of ASCII digits from `i`, counted up to `max`.
fn digits(t: &[u8], i: usize, max: usize) -> usize {
    t.get(i..)
        .unwrap_or_default()
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// `(\d{1,2})\b` from `i` (three digits fail: `\b` holds after neither
/// the first nor the second).
fn day_at(t: &[u8], i: usize) -> Option<(usize, usize)> {
    let n = digits(t, i, 3);
    ((1..=2).contains(&n) && ends_word(t, i + n)).then_some((i, i + n))
}

/// `(\d{4})\b` from `i`.
fn year_at(t: &[u8], i: usize) -> Option<(usize, usize)> {
    (digits(t, i, 5) == 4 && ends_word(t, i + 4)).then_some((i, i + 4))
}

/// `(?:,?\s*(\d{4})\b)?` from `i`: the year and where it ends.
fn comma_year(text: &str, i: usize) -> Option<(usize, usize)> {
    let t = text.as_bytes();
    let after_comma = if at(t, i) == b',' { i + 1 } else { i };
    year_at(t, skip_space(text, after_comma))
}

/// `\b(M)\.? (\d{1,2})\b(?:\s*(?:-|–|to|and)\s*(\d{1,2})\b)?(?:,?\s*(\d{4})\b)?`
/// at the month name `w`.
fn month_day(text: &str, w: &Word) -> Option<Shape> {
    let t = text.as_bytes();
    let dot = usize::from(at(t, w.end) == b'.');
    if at(t, w.end + dot) != b' ' {
        return None;
    }
    let day = day_at(t, w.end + dot + 1)?;
    let mut end = day.1;
    // (the `\s*` give nothing back: no separator or digit is white space)
    let sep_at = skip_space(text, end);
    let rest = t.get(sep_at..).unwrap_or_default();
    let last_day = ["-", "–", "to", "and"]
        .iter()
        .find(|sep| rest.starts_with(sep.as_bytes()))
        .and_then(|sep| day_at(t, skip_space(text, sep_at + sep.len())));
    if let Some((_, e)) = last_day {
        end = e;
    }
    let year = comma_year(text, end);
    if let Some((_, e)) = year {
        end = e;
    }
    Some(
        Shape::new(w.start, end)
            .with(1, Some((w.start, w.end)))
            .with(2, Some(day))
            .with(3, last_day)
            .with(4, year),
    )
}

/// `\b(\d{1,2}) (M)\b(?:,?\s*(\d{4})\b)?` ending its day at the month name
/// `w`.
fn day_month(text: &str, w: &Word) -> Option<Shape> {
    let t = text.as_bytes();
    let space = w.start.checked_sub(1)?;
    if at(t, space) != b' ' {
        return None;
    }
    // The day is the one or two digits before the space with `\b` before
    // them; after three digits, `\b` holds before neither of the last two.
    let n = (1..=3)
        .take_while(|k| space.checked_sub(*k).is_some_and(|i| t[i].is_ascii_digit()))
        .count();
    let start = space - n;
    if !(1..=2).contains(&n) || start.checked_sub(1).is_some_and(|i| is_word_byte(t[i])) {
        return None;
    }
    let year = comma_year(text, w.end);
    Some(
        Shape::new(start, year.map_or(w.end, |y| y.1))
            .with(1, Some((start, space)))
            .with(2, Some((w.start, w.end)))
            .with(3, year),
    )
}

/// `\b(M)\b(?:,?\s*(\d{4})\b| (last|this|next) year\b)?` at the month name
/// `w`: it always matches (the group is optional).
fn month_year(text: &str, w: &Word) -> Shape {
    let t = text.as_bytes();
    let month = Shape::new(w.start, w.end).with(1, Some((w.start, w.end)));
    if let Some(year) = comma_year(text, w.end) {
        return Shape {
            end: year.1,
            ..month
        }
        .with(2, Some(year));
    }
    let rel = w.end + 1;
    let rest = t.get(rel..).unwrap_or_default();
    let qualified = at(t, w.end) == b' '
        && [b"last", b"this", b"next"]
            .iter()
            .any(|q| rest.starts_with(*q))
        && rest.get(4..).is_some_and(|r| r.starts_with(b" year"))
        && ends_word(t, rel + 9);
    if qualified {
        return Shape {
            end: rel + 9,
            ..month
        }
        .with(3, Some((rel, rel + 4)));
    }
    month
}

/// `\b(?:(last|this|next) year|(\d{4})\b)` at `w` (no `\b` after `year`:
/// `last years` holds `last year`).
fn year(t: &[u8], w: &Word) -> Option<Shape> {
    match w.kind {
        Kind::Year => Some(Shape::new(w.start, w.end).with(2, Some((w.start, w.end)))),
        Kind::Qualifier => {
            let lower = t[w.start].is_ascii_lowercase();
            (lower && t[w.end..].starts_with(b" year"))
                .then(|| Shape::new(w.start, w.end + 5).with(1, Some((w.start, w.end))))
        }
        _ => None,
    }
}

/// `\b(yesterday|today|last night|last evening|this morning|tonight)\b`
/// at `w`.
fn relative_day(t: &[u8], w: &Word) -> Option<Shape> {
    let end = match w.kind {
        Kind::DayWord => w.end,
        Kind::Qualifier => {
            let tail: &[u8] = match &t[w.start..w.end] {
                b"last" if t[w.end..].starts_with(b" night") => b" night",
                b"last" => b" evening",
                b"this" => b" morning",
                _ => return None,
            };
            if !(t[w.end..].starts_with(tail) && ends_word(t, w.end + tail.len())) {
                return None;
            }
            w.end + tail.len()
        }
        _ => return None,
    };
    Some(Shape::new(w.start, end).with(1, Some((w.start, end))))
}

/// `\b([Ll]ast|[Tt]his|[Nn]ext) (month|week)\b` at the qualifier `w`.
fn relative_month(t: &[u8], w: &Word) -> Option<Shape> {
    let unit_at = w.end + 1;
    let rest = t.get(w.end..).unwrap_or_default();
    let unit_end = [&b" month"[..], b" week"]
        .iter()
        .find(|u| rest.starts_with(u))
        .map(|u| w.end + u.len())
        .filter(|&e| ends_word(t, e))?;
    Some(
        Shape::new(w.start, unit_end)
            .with(1, Some((w.start, w.end)))
            .with(2, Some((unit_at, unit_end))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Both matchers on `text`; the hand matcher must have read it.
    fn both(text: &str) -> (Shapes, Shapes) {
        let (words, non_ascii_digit) = scan(text, Calendar::get());
        assert!(!non_ascii_digit, "hand matcher declined {text:?}");
        (by_hand(text, &words), by_regex(text))
    }

    #[test]
    fn the_bundled_calendar_suits_the_hand_matcher() {
        assert!(Calendar::get().plain);
    }

    #[test]
    fn hand_matches_are_the_regex_matches_on_the_articles() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for dir in [
            "data/articles",
            "tests/gen/events",
            "tests/gen/people",
            "../shared/corpus/dev",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let (hand, regex) = both(&text);
                assert_eq!(hand, regex, "{}", entry.path().display());
                n += 1;
            }
        }
        assert!(n >= 10, "only {n} articles read");
    }

    #[test]
    fn hand_matches_are_the_regex_matches_on_tricky_shapes() {
        let cases = [
            "on Sept. 5, 2024 and Sep 6th and Sept 7,2025 and Mar.5",
            "from October 19-22, 2022; June 14 to 19 and June 14 to19; July 1 and 2",
            "June 5 – 6 and June 5–6 and June 5 -- 6 and June 5 to 123 and June 123",
            "on 12 and 13 June, 10-12 June 2024, 123 June, x5 June, _5 June, 05 June",
            "mid-November, late-March 2024, (May 2024), May, Mayor, MAY, may",
            "April last year, April last years, April  last year, March this year.",
            "last year, last years, this yearly, next  year, Last year, in 2020s, 2020_",
            "on Monday, Mondays, Monday_, yesterday, today's, tonight, last night, \
             last evening, last eveningx, this morning, Last night",
            "last month, Last week, next weekend, This month, this  month, last months",
            "June\u{a0}5 and June 5,\u{a0}2024 and 5\u{2009}June and June 5\u{2009}-\u{85}6",
            "Caf\u{e9}May 2024 \u{e9}2024 June 5\u{e9} 2024\u{e9}",
            "",
            "May",
            "5 May",
            "1999",
        ];
        for text in cases {
            let (hand, regex) = both(text);
            assert_eq!(hand, regex, "{text}");
        }
    }

    #[test]
    fn non_ascii_digits_are_left_to_the_regexes() {
        let calendar = Calendar::get();
        assert!(scan("on June \u{665}, 2024", calendar).1);
        // a numeric character that is no decimal digit is read by hand
        assert!(!scan("10 km\u{b2} on June 5", calendar).1);
        let text = "on June 5-\u{666}, 2024 and \u{661}\u{662} May";
        let shapes = find(text);
        assert_eq!(shapes.month_day, by_regex(text).month_day);
        assert_eq!(shapes.day_month, by_regex(text).day_month);
    }

    /// Words that make and break date shapes.
    const WORDS: &[&str] = &[
        "January",
        "Jan",
        "Sept",
        "Sep",
        "September",
        "May",
        "June",
        "Dec",
        "Monday",
        "Friday",
        "yesterday",
        "today",
        "tonight",
        "last",
        "Last",
        "this",
        "This",
        "next",
        "Next",
        "year",
        "years",
        "month",
        "week",
        "night",
        "evening",
        "morning",
        "in",
        "5",
        "05",
        "19",
        "123",
        "2024",
        "20245",
        "1",
        "to",
        "and",
        "x",
        "_",
        "\u{e9}",
        "mid-",
        "5th",
    ];

    /// What goes between the words.
    const GAPS: &[&str] = &[
        " ",
        " ",
        " ",
        " ",
        "",
        "  ",
        ", ",
        ",",
        ".",
        ". ",
        "-",
        " - ",
        "\u{2013}",
        " \u{2013} ",
        "\n",
        ",\n",
        "\t",
        "\u{b}",
        "\u{a0}",
        ",\u{a0}",
        "\u{2009}",
        "\u{85}",
        "\u{1c}",
        "(",
        ") ",
    ];

    proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn hand_matches_are_the_regex_matches_on_generated_text(
                pieces in prop::collection::vec(
                    (prop::sample::select(WORDS), prop::sample::select(GAPS)),
                    0..12,
                )
            ) {
                let text: String = pieces.iter().flat_map(|(w, g)| [*w, *g]).collect();
                let (hand, regex) = both(&text);
                prop_assert_eq!(hand, regex, "{:?}", text);
            }
    }
}
