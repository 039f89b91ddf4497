//! Dates in text, resolved against the article date at the precision the
//! text gives: `on July 26` (day), `from October 19-22` (month: a range),
//! `in November 2024` (month), `April last year` (month), `last year`
//! (year), `on Monday afternoon` (the Monday of that week), `in 2020` (year).
//! Month and weekday names come from `data/lexicons/calendar.txt`.

mod shapes;

use self::shapes::{Shape, Shapes};
use super::lexicon::Lexicons;
use crate::graph::Date;

/// A date found in text: its byte span there and the resolved date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub date: Date,
}

impl DateMention {
    /// The date `date` read from the shape `m`.
    fn of(m: &Shape, date: Date) -> DateMention {
        DateMention {
            start: m.start,
            end: m.end,
            date,
        }
    }
}

fn month_number(name: &str) -> Option<u8> {
    let lex = Lexicons::get();
    let name = name.trim_end_matches('.');
    lex.months
        .iter()
        .position(|names| names.iter().any(|n| n == name))
        .map(|i| i as u8 + 1)
}

fn weekday_number(name: &str) -> Option<u8> {
    Lexicons::get()
        .weekdays
        .iter()
        .position(|d| d == name)
        .map(|i| i as u8)
}

/// Day number since 1970-01-01 (proleptic Gregorian), for weekday arithmetic.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> Option<Date> {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = if m <= 2 { y + 1 } else { y };
    Date::day(y as i32, m, d)
}

/// Day of the week, 0 = Monday.
fn weekday_of(days: i64) -> u8 {
    // 1970-01-01 was a Thursday (3).
    ((days + 3).rem_euclid(7)) as u8
}

/// Byte spans read as dates so far, to ask whether a span overlaps one of
/// them without a scan of them all: the greatest end of the spans at each
/// start, and the longest span, which bounds how far before a span one
/// overlapping it can start.
#[derive(Default)]
struct Taken {
    ends: std::collections::BTreeMap<usize, usize>,
    longest: usize,
}

impl Taken {
    fn add(&mut self, start: usize, end: usize) {
        let at = self.ends.entry(start).or_insert(end);
        *at = (*at).max(end);
        self.longest = self.longest.max(end - start);
    }

    fn push(&mut self, out: &mut Vec<DateMention>, mention: DateMention) {
        self.add(mention.start, mention.end);
        out.push(mention);
    }

    /// Whether some span overlaps `start..end`.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        self.ends
            .range(start.saturating_sub(self.longest)..end)
            .any(|(_, &e)| start < e)
    }
}

/// All dates in `text`, earliest first, resolved against `article`.
pub fn find_dates(text: &str, article: Option<Date>) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    let shapes = shapes::find(text);
    // The shapes fill `out` in this order, and a later shape's match that
    // overlaps an earlier one's date is dropped (`April last year` is one
    // month, not a month and a year).
    let mut taken = Taken::default();
    let article_year = article.map(|d| d.year_part());
    for c in &shapes.month_day {
        let Some(mon) = c.group(text, 1).and_then(month_number) else {
            continue;
        };
        let day: u8 = c.number(text, 2).unwrap_or(0);
        let Some(year) = c.number(text, 4).or(article_year) else {
            continue;
        };
        let date = if c.group(text, 3).is_some() {
            Date::month(year, mon)
        } else {
            Date::day(year, mon, day)
        };
        if let Some(date) = date {
            taken.push(&mut out, DateMention::of(c, date));
        }
    }
    for c in &shapes.day_month {
        let Some(mon) = c.group(text, 2).and_then(month_number) else {
            continue;
        };
        if taken.overlaps(c.start, c.end) {
            continue;
        }
        let day: u8 = c.number(text, 1).unwrap_or(0);
        let year = c.number(text, 3).or(article_year);
        // `12 and 13 June`, `19-22 October`: a range, read as its month
        // (looked at by hand: an optional prefix in the pattern would keep
        // the regex engine from jumping to month names)
        let date = if range_before(&text[..c.start]) {
            year.and_then(|y| Date::month(y, mon))
        } else {
            year.and_then(|y| Date::day(y, mon, day))
        };
        if let Some(date) = date {
            taken.push(&mut out, DateMention::of(c, date));
        }
    }
    for c in &shapes.month_year {
        let Some(name) = c.group(text, 1) else {
            continue;
        };
        let prev = prev_word(text, c.start).to_ascii_lowercase();
        let qualified = matches!(
            prev.as_str(),
            "in" | "last"
                | "this"
                | "next"
                | "early"
                | "late"
                | "mid"
                | "since"
                | "for"
                | "until"
                | "by"
        ) || (prev == "of" && {
            // `by the end of March`
            let before = &text[..c.start];
            let before = before.trim_end().strip_suffix("of").unwrap_or(before);
            matches!(
                prev_word(before, before.len()),
                "end" | "beginning" | "start" | "middle"
            )
        });
        if taken.overlaps(c.start, c.end) {
            continue;
        }
        let Some(mon) = month_number(name) else {
            continue;
        };
        // `May` alone is too often a verb or a name to be read as a month.
        let (year_digits, relative) = (c.group(text, 2), c.group(text, 3));
        if !qualified && year_digits.is_none() && relative.is_none() {
            continue;
        }
        let year = if let Some(y) = year_digits {
            y.parse().ok()
        } else if let Some(rel) = relative {
            article_year.map(|y| y + relative_year(rel))
        } else {
            // `in November`: the latest November not after the article, or
            // the next one not before it when the clause speaks of the
            // future (`will visit in November`, `scheduled for November`).
            let future = tense(text, c.start, c.end) == Some(Tense::Future);
            article.map(|a| {
                let am = a.month_part().unwrap_or(mon);
                match prev.as_str() {
                    "last" => a.year_part() - i32::from(mon >= am),
                    "next" => a.year_part() + i32::from(mon <= am),
                    _ if future => a.year_part() + i32::from(mon < am),
                    _ => a.year_part() - i32::from(mon > am),
                }
            })
        };
        if let Some(date) = year.and_then(|y| Date::month(y, mon)) {
            taken.push(&mut out, DateMention::of(c, date));
        }
    }
    for c in &shapes.year {
        if taken.overlaps(c.start, c.end) {
            continue;
        }
        let year = if let Some(rel) = c.group(text, 1) {
            article_year.map(|y| y + relative_year(rel))
        } else if matches!(
            prev_word(text, c.start),
            "in" | "since" | "of" | "by" | "until" | "In" | "Since"
        ) {
            c.number(text, 2)
        } else {
            None
        };
        if let Some(y) = year {
            taken.push(&mut out, DateMention::of(c, Date::year(y)));
        }
    }
    if let Some(a) = article.filter(|a| a.day_part().is_some()) {
        let base = days_from_civil(
            a.year_part(),
            a.month_part().unwrap_or(1),
            a.day_part().unwrap_or(1),
        );
        for c in &shapes.weekday {
            let Some(wd) = c.group(text, 1).and_then(weekday_number) else {
                continue;
            };
            let back = (weekday_of(base) + 7 - wd) % 7;
            // `will ... on Wednesday`, `is expected to ... on Wednesday`
            let future = tense(text, c.start, c.end) == Some(Tense::Future);
            let days = match prev_word(text, c.start).to_ascii_lowercase().as_str() {
                "next" => base + ((wd + 7 - weekday_of(base)) % 7).max(1) as i64,
                // `last Monday`: the Monday of the week before the
                // article's (news writes `on Monday` for this week's)
                "last" => base - i64::from(weekday_of(base)) - 7 + i64::from(wd),
                _ if future && back != 0 => base + (7 - back) as i64,
                _ => base - back as i64,
            };
            if let Some(date) = civil_from_days(days) {
                taken.push(&mut out, DateMention::of(c, date));
            }
        }
        for c in &shapes.relative_day {
            let days = if matches!(
                &text[c.start..c.end],
                "yesterday" | "last night" | "last evening"
            ) {
                base - 1
            } else {
                base
            };
            if let Some(date) = civil_from_days(days) {
                taken.push(&mut out, DateMention::of(c, date));
            }
        }
    }
    if let Some(a) = article {
        for c in &shapes.relative_month {
            let (Some(rel), Some(m)) = (c.group(text, 1), a.month_part()) else {
                continue;
            };
            if taken.overlaps(c.start, c.end) {
                continue;
            }
            let shift = relative_year(&rel.to_ascii_lowercase());
            let date = if c.group(text, 2) == Some("week") {
                // `next week`: the month of the day a week away
                a.day_part().and_then(|d| {
                    let day = days_from_civil(a.year_part(), m, d) + 7 * i64::from(shift);
                    civil_from_days(day)
                        .and_then(|x| x.month_part().and_then(|xm| Date::month(x.year_part(), xm)))
                })
            } else {
                let index = a.year_part() * 12 + i32::from(m) - 1 + shift;
                Date::month(index.div_euclid(12), (index.rem_euclid(12) + 1) as u8)
            };
            if let Some(date) = date {
                taken.push(&mut out, DateMention::of(c, date));
            }
        }
    }
    // `(December 22, 1944 - 2022)`: the start of a span counted to now (an
    // anniversary), not the date of anything told
    // (whose end year is the year of the article: `(1989-2024)`)
    let mut spans: Vec<DateMention> = Vec::new();
    out.retain(|d| match span_end(text, d.end) {
        Some(end) => {
            spans.push(end);
            false
        }
        None => true,
    });
    let mut taken = Taken::default();
    for d in &out {
        taken.add(d.start, d.end);
    }
    for end in spans {
        if !taken.overlaps(end.start, end.end) {
            taken.push(&mut out, end);
        }
    }
    out.sort_by_key(|d| d.start);
    same_day(text, &shapes, &mut out);
    out
}

/// Whether `before` ends with the first day of a range: `12 and `, `19-`.
fn range_before(before: &str) -> bool {
    let b = before.trim_end();
    let b = ["-", "–", "and", "to"]
        .iter()
        .find_map(|sep| b.strip_suffix(sep))
        .map(str::trim_end);
    b.is_some_and(|b| {
        let digits = b.bytes().rev().take_while(u8::is_ascii_digit).count();
        (1..=2).contains(&digits)
            && b[..b.len() - digits]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// `- 2022` right after a date (ending at byte `at`): it opens a span of
/// years; the year that closes it.
fn span_end(text: &str, at: usize) -> Option<DateMention> {
    let after = &text[at..];
    let rest = after.trim_start();
    let rest = rest
        .strip_prefix('-')
        .or_else(|| rest.strip_prefix('–'))?
        .trim_start();
    let digits = rest.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || rest[4..].starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let start = at + (after.len() - rest.len());
    Some(DateMention {
        start,
        end: start + 4,
        date: Date::year(digits.parse().ok()?),
    })
}

/// `earlier in the day`, `later that day`: the day of the latest date
/// written in an earlier sentence.
fn same_day(text: &str, shapes: &Shapes, out: &mut Vec<DateMention>) {
    if !out.iter().any(|d| d.date.day_part().is_some()) {
        return;
    }
    let spans = same_day_phrases(text, shapes);
    if spans.is_empty() {
        return;
    }
    let mut found: Vec<DateMention> = Vec::new();
    let mut taken = Taken::default();
    for d in out.iter() {
        taken.add(d.start, d.end);
    }
    // where clauses end, found once rather than searched for per phrase
    let stops: Vec<usize> = clause_stops(text);
    for (at, end) in spans {
        if taken.overlaps(at, end) {
            continue;
        }
        let clause_start = match stops.partition_point(|&i| i < at) {
            0 => 0,
            k => stops[k - 1] + 1,
        };
        // (`out` is in text order: a date ending before the clause starts
        // before it)
        let before = out.partition_point(|d| d.start < clause_start);
        let earlier = out[..before]
            .iter()
            .rev()
            .find(|d| d.end <= clause_start && d.date.day_part().is_some());
        if let Some(d) = earlier {
            let mention = DateMention {
                start: at,
                end,
                date: d.date,
            };
            taken.push(&mut found, mention);
        }
    }
    if !found.is_empty() {
        out.extend(found);
        out.sort_by_key(|d| d.start);
    }
}

/// The bytes of `text` that end a clause for [`same_day`] (`.`, `\n`), in
/// order.
fn clause_stops(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| matches!(b, b'.' | b'\n'))
        .map(|(i, _)| i)
        .collect()
}

/// Where `Earlier in the day`, `later that day`, `the same day` are, and
/// a sentence opening `Earlier,` or `Later,` (news tells one day's story),
/// in this order of phrases, each left to right: the occurrences of `in
/// the day`, `that day` and `same day` are those of the words beginning
/// with `day` (a space goes before), and only an `Earlier,` or `Later,`
/// beginning a word can open a sentence.
fn same_day_phrases(text: &str, shapes: &Shapes) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for tail in ["in the day", "that day", "same day"] {
        let ats = shapes.day_words.iter().filter_map(|&day| {
            let at = day.checked_sub(tail.len() - "day".len())?;
            text.as_bytes()[at..]
                .starts_with(tail.as_bytes())
                .then_some(at)
        });
        spans.extend(ats.filter_map(|at| day_phrase_at(text, tail, at)));
    }
    for head in ["Earlier,", "Later,"] {
        let ats = shapes
            .sequels
            .iter()
            .filter(|&&at| text.as_bytes()[at..].starts_with(head.as_bytes()));
        spans.extend(ats.filter_map(|&at| sequel_at(text, head, at)));
    }
    spans
}

/// The span of `earlier|later in the day`, `earlier|later that day` or `the
/// same day` whose `tail` starts at byte `at`, if the word before fits.
fn day_phrase_at(text: &str, tail: &str, at: usize) -> Option<(usize, usize)> {
    let head = prev_word(text, at);
    let ok = match tail {
        "same day" => head == "the",
        _ => matches!(head, "earlier" | "later" | "Earlier" | "Later"),
    };
    ok.then(|| (text[..at].trim_end().len() - head.len(), at + tail.len()))
}

/// The span of `Earlier` / `Later` (without the comma of `head`) at byte
/// `at`, if it opens a sentence.
fn sequel_at(text: &str, head: &str, at: usize) -> Option<(usize, usize)> {
    let opens = text[..at]
        .trim_end()
        .chars()
        .last()
        .is_none_or(|c| matches!(c, '.' | '\n' | '!' | '?' | '"' | '”'));
    opens.then_some((at, at + head.len() - 1))
}

/// Whether a clause speaks of the past or the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
}

/// The tense of the clause around a date at bytes `start..end`: the nearest
/// tense-marking word before it in its sentence (`will`, `scheduled`,
/// `said`, `met`, a verb in `-ed`), else the first after it (`On Wednesday
/// the minister will travel`); `None` when nothing tells.
pub fn tense(text: &str, start: usize, end: usize) -> Option<Tense> {
    let mut before = clause_words_before(text, start, 41).into_iter().peekable();
    // a verb in `-ed` may be a participle (`a project financed by KfW`):
    // it tells the tense only when no auxiliary or plain past does
    let mut weak = None;
    while let Some(w) = before.next() {
        let prev = before.peek().copied().unwrap_or("");
        // `when the Prime Minister visits Jakarta in June`: a clause of
        // time in the present speaks of the future
        if matches!(w, "when" | "once" | "until" | "if" | "before") {
            return Some(weak.unwrap_or(Tense::Future));
        }
        match tense_of(w, prev) {
            Some((t, true)) => return Some(t),
            Some((t, false)) => {
                weak = weak.or(Some(t));
            }
            None => {}
        }
    }
    if weak.is_some() {
        return weak;
    }
    let mut prev = "";
    for w in clause_words_after(text, end, 8) {
        if let Some((t, _)) = tense_of(w, prev) {
            return Some(t);
        }
        prev = w;
    }
    None
}

/// Whether the clause before byte `at` speaks of the future: its nearest
/// sure tense mark (`will`, `upcoming`, `scheduled`) is one of the future,
/// read no further back than a few words.
pub fn future_before(text: &str, at: usize) -> bool {
    let words = clause_words_before(text, at, 6);
    for (n, w) in words.iter().enumerate() {
        let prev = words.get(n + 1).copied().unwrap_or("");
        if let Some((t, true)) = tense_of(w, prev) {
            return t == Tense::Future;
        }
    }
    false
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c == '\'' || c == '-'
}

fn is_clause_stop(c: char) -> bool {
    matches!(c, '.' | '\n' | ';')
}

/// The last `n` words before byte `at` in its clause (which `.`, `\n` or
/// `;` ends), nearest first. Read backwards from `at` and no further than
/// needed, so a date in a long clause costs what it reads, not the clause.
fn clause_words_before(text: &str, at: usize, n: usize) -> Vec<&str> {
    let mut words = Vec::new();
    let mut word_end = None;
    for (i, c) in text[..at].char_indices().rev() {
        if is_word_char(c) {
            word_end.get_or_insert(i + c.len_utf8());
            continue;
        }
        if let Some(end) = word_end.take() {
            words.push(&text[i + c.len_utf8()..end]);
            if words.len() == n {
                return words;
            }
        }
        if is_clause_stop(c) {
            return words;
        }
    }
    if let Some(end) = word_end {
        words.push(&text[..end]);
    }
    words
}

/// The first `n` words from byte `at` in its clause, in order (read no
/// further than needed, like [`clause_words_before`]).
fn clause_words_after(text: &str, at: usize, n: usize) -> Vec<&str> {
    let mut words = Vec::new();
    let mut word_start = None;
    for (i, c) in text[at..].char_indices() {
        let i = at + i;
        if is_word_char(c) {
            word_start.get_or_insert(i);
            continue;
        }
        if let Some(start) = word_start.take() {
            words.push(&text[start..i]);
            if words.len() == n {
                return words;
            }
        }
        if is_clause_stop(c) {
            return words;
        }
    }
    if let Some(start) = word_start {
        words.push(&text[start..]);
    }
    words
}

/// The tense a word marks, given the word before it, and whether the mark
/// is sure (an auxiliary, a plain past) rather than a verb in `-ed`.
fn tense_of(word: &str, prev: &str) -> Option<(Tense, bool)> {
    // (lower-cased on the stack: this runs for every word near a date)
    let mut buf = [0u8; 16];
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() {
        return None;
    }
    buf[..bytes.len()].copy_from_slice(bytes);
    buf[..bytes.len()].make_ascii_lowercase();
    let w = std::str::from_utf8(&buf[..bytes.len()]).unwrap_or(word);
    let sure = match w {
        "will" | "would" | "shall" | "'ll" | "scheduled" | "due" | "expected" | "upcoming"
        | "next" | "plans" | "prepares" | "preparing" | "slated" | "forthcoming" => {
            Some(Tense::Future)
        }
        "said" | "was" | "were" | "had" | "has" | "have" | "did" | "last" | "ago" | "met"
        | "held" | "took" | "made" | "began" | "sent" | "told" | "gave" | "went" | "came"
        | "left" | "led" | "paid" | "laid" | "spoke" | "saw" | "became" | "flew" | "won"
        | "chose" | "swore" | "sat" => Some(Tense::Past),
        _ => None,
    };
    if let Some(t) = sure {
        return Some((t, true));
    }
    // `will be appointed`, `to be held`: a participle after `be` tells
    // nothing by itself
    let past_form = w.len() > 4
        && w.ends_with("ed")
        && w != "hundred"
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && !matches!(prev, "be" | "been" | "being");
    past_form.then_some((Tense::Past, false))
}

/// The word right before byte `at` (`in` of `in November`).
fn prev_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

fn relative_year(word: &str) -> i32 {
    match word {
        "last" => -1,
        "next" => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, article: &str) -> Vec<DateMention> {
        find_dates(text, Date::parse(article))
    }

    fn first(text: &str, article: &str) -> Option<String> {
        dates(text, article).first().map(|d| d.date.to_string())
    }

    #[test]
    fn resolves_dates_at_the_precision_given() {
        let cases = [
            ("met on July 26 in Hanoi", "2017-07-27", Some("2017-07-26")),
            (
                "a working trip from October 19-22.",
                "2022-10-22",
                Some("2022-10"),
            ),
            ("from June 14 to 19", "2025-06-19", Some("2025-06")),
            ("visit in November 2024.", "2025-08-19", Some("2024-11")),
            ("since April last year", "2025-08-19", Some("2024-04")),
            ("Myanmar (March this year)", "2025-08-19", Some("2025-03")),
            (
                "on Monday afternoon (local time)",
                "2025-08-19",
                Some("2025-08-18"),
            ),
            (
                "on Tuesday, the delegation",
                "2025-08-19",
                Some("2025-08-19"),
            ),
            (
                "established on December 22, 1944, under",
                "2024-12-06",
                Some("1944-12-22"),
            ),
            ("only started last year", "2025-08-19", Some("2024")),
            ("the ASEAN Chair in 2020", "2019-12-19", Some("2020")),
            ("on 22 December 2024", "2025-01-01", Some("2024-12-22")),
            ("she may come", "2025-01-01", None),
            (
                "she will speak on Wednesday",
                "2025-03-04",
                Some("2025-03-05"),
            ),
            ("elected last month", "2023-01-14", Some("2022-12")),
            ("later this month", "2023-02-14", Some("2023-02")),
            // the tense of the clause decides which November
            (
                "he will visit Manila in April",
                "2025-03-03",
                Some("2025-04"),
            ),
            (
                "the visit, scheduled for November",
                "2025-09-25",
                Some("2025-11"),
            ),
            ("he visited Manila in April", "2025-03-03", Some("2024-04")),
            (
                "when the Prime Minister visits Jakarta in June",
                "2025-03-05",
                Some("2025-06"),
            ),
            (
                "On Wednesday the minister will travel",
                "2025-03-04",
                Some("2025-03-05"),
            ),
            (
                "a project financed by KfW, before a meeting on Thursday",
                "2025-03-04",
                Some("2025-03-06"),
            ),
            (
                "she said on Tuesday after the call",
                "2025-04-16",
                Some("2025-04-15"),
            ),
            (
                "Last Friday the minister held talks",
                "2024-09-09",
                Some("2024-09-06"),
            ),
            // (on a Tuesday, `last Monday` is not yesterday)
            (
                "Last Monday, he met the envoy",
                "2021-03-30",
                Some("2021-03-22"),
            ),
            ("will visit Hanoi next week", "2025-10-17", Some("2025-10")),
            (
                "Last week, the police sent a team",
                "2025-02-03",
                Some("2025-01"),
            ),
            (
                "spoke over the phone last evening",
                "2024-11-14",
                Some("2024-11-13"),
            ),
            ("in Luanda on 12 and 13 June", "2025-04-29", Some("2025-06")),
            (
                "would deploy troops by the end of March",
                "2025-02-03",
                Some("2025-03"),
            ),
            // an anniversary span gives the year of the article
            ("(December 22, 1989-2024)", "2024-12-10", Some("2024")),
        ];
        for (text, article, expected) in cases {
            assert_eq!(first(text, article).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn earlier_in_the_day_is_the_day_told_before() {
        let text = "They met on Thursday. Earlier in the day, she held talks.";
        let last = dates(text, "2025-06-13")
            .last()
            .map(|d| (&text[d.start..d.end], d.date.to_string()));
        assert_eq!(last, Some(("Earlier in the day", "2025-06-12".to_string())));
    }

    #[test]
    fn weekday_without_article_date_is_unknown() {
        assert!(find_dates("on Monday", None).is_empty());
    }

    #[test]
    fn civil_day_round_trip() {
        let d = days_from_civil(2025, 8, 18);
        assert_eq!(weekday_of(d), 0);
        assert_eq!(civil_from_days(d), Date::day(2025, 8, 18));
    }
    /// Spans and dates, for the details of the shapes (read by hand, as
    /// their regexes read them).
    #[test]
    fn shapes_keep_their_details() {
        let cases: [(&str, &[(&str, &str)]); 14] = [
            (
                "met on Sept. 5, 2024 in Hanoi",
                &[("Sept. 5, 2024", "2024-09-05")],
            ),
            (
                "talks from June 5\u{2013}6 in Lima",
                &[("June 5\u{2013}6", "2025-06")],
            ),
            (
                "held 10-12 June 2024 in Oslo",
                &[("12 June 2024", "2024-06")],
            ),
            // no word before the month: `mid-` is none
            ("a visit in mid-November", &[]),
            // no `\b` after `year`
            ("it grew since last years", &[("last year", "2024")]),
            ("on June 5th the team", &[]),
            // one plain space between month and day, and day and month
            ("on June\u{a0}5 the team", &[]),
            ("signed on 5\u{2009}June", &[]),
            ("He left last night.", &[("last night", "2025-08-18")]),
            ("He left Monday_ and May", &[]),
            (
                "They met on Monday. Later, she spoke.",
                &[("Monday", "2025-08-18"), ("Later", "2025-08-18")],
            ),
            (
                "They met on Monday. XLater, she spoke.",
                &[("Monday", "2025-08-18")],
            ),
            (
                "They met on Monday. She left the same day.",
                &[("Monday", "2025-08-18"), ("the same day", "2025-08-18")],
            ),
            ("in 20245 and in 2024", &[("2024", "2024")]),
        ];
        for (text, expected) in cases {
            let found: Vec<(&str, String)> = dates(text, "2025-08-19")
                .iter()
                .map(|d| (&text[d.start..d.end], d.date.to_string()))
                .collect();
            let expected: Vec<(&str, String)> =
                expected.iter().map(|(s, d)| (*s, d.to_string())).collect();
            assert_eq!(found, expected, "{text}");
        }
    }

    /// The phrases of `same_day` as they were first found: every occurrence
    /// of each phrase in the text.
    fn same_day_phrases_by_search(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        for tail in ["in the day", "that day", "same day"] {
            for (at, _) in text.match_indices(tail) {
                spans.extend(day_phrase_at(text, tail, at));
            }
        }
        for head in ["Earlier,", "Later,"] {
            for (at, _) in text.match_indices(head) {
                spans.extend(sequel_at(text, head, at));
            }
        }
        spans
    }

    #[test]
    fn same_day_phrases_are_every_occurrence() {
        let mut texts: Vec<String> = [
            "Earlier in the day, later that day, the same day. Earlier, Later, x",
            "within the day; Laterthat day; the same days; \u{e9}Later, \"Earlier, (Later,",
            "Later, earlier in the dayX, the same daytime.\nLater,Earlier,",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["data/articles", "tests/gen/events", "../shared/corpus/dev"] {
            for entry in std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
            {
                texts.extend(std::fs::read_to_string(entry.path()));
            }
        }
        assert!(texts.len() > 10);
        for text in &texts {
            let expected = same_day_phrases_by_search(text);
            assert_eq!(
                same_day_phrases(text, &shapes::find(text)),
                expected,
                "{text}"
            );
        }
        // (`Later,` after `Earlier, ` opens no sentence)
        assert_eq!(same_day_phrases_by_search(&texts[0]).len(), 4);
    }
}
