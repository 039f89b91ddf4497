//! Events: a trigger phrase from `data/lexicons/events.txt` (`held talks`,
//! `official visit`, `laid flowers`, `signed`...) makes an event of its type
//! in its sentence, with the sentence's persons as participants (a sentence
//! opening with `He`/`She`/`The host` takes the previous sentence's subject),
//! or its institutions and places when no person is named. A visit's
//! destination (`visit to Chile`, `arrived in Vientiane`) is its place and a
//! participant. A meeting of one host with several guests is one meeting per
//! guest. Mentions of one event across sentences are merged (same type,
//! sharing a person; meetings only when one's people include the other's).
//! The date is the date written nearest after the trigger (resolved against
//! the article date), else the article's month for the kinds of event that
//! news reports on as they happen.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::annotate::{Class, Doc};
use super::date::{find_dates, DateMention};
use super::found::{Found, Kind, PlaceKind};
use super::lexicon::{EventType, Lex};
use super::record::EventRecord;
use crate::graph::Date;

mod sentence;
use sentence::sentence_events;

/// An event before ids are attached.
#[derive(Debug, Clone)]
struct Draft {
    kind: EventType,
    date: Option<Date>,
    place: Option<usize>,
    persons: Vec<usize>,
    others: Vec<usize>,
    trigger: (usize, usize),
    /// Dated by its month in the end (a visit of days), though its day
    /// still tells it from another.
    by_month: bool,
    /// `persons` and `others` as sets once they grow long, so absorbing
    /// one more mention is not a scan of every participant (a journey to
    /// many sites); see [`push_unique`].
    seen: Seen,
}

/// The participants of a long-lived draft as sets (empty until needed).
#[derive(Debug, Clone, Default)]
struct Seen {
    persons: FxHashSet<usize>,
    others: FxHashSet<usize>,
}

/// Pushes `x` unless `list` holds it: a scan of a short list, a set for a
/// long one (rebuilt from `list` when its size shows `list` was changed
/// without it, so the set never has to follow every edit of `list`).
fn push_unique(list: &mut Vec<usize>, set: &mut FxHashSet<usize>, x: usize) {
    const SCAN: usize = 16;
    if list.len() <= SCAN {
        if !list.contains(&x) {
            list.push(x);
        }
        return;
    }
    if set.len() != list.len() {
        *set = list.iter().copied().collect();
    }
    if set.len() == list.len() {
        if set.insert(x) {
            list.push(x);
        }
    } else if !list.contains(&x) {
        // (a list holding an entity twice: no set can stand for it)
        list.push(x);
    }
}

/// The events of the article.
pub fn recognize(
    doc: &Doc,
    found: &Found,
    ids: &[Option<String>],
    article_date: Option<Date>,
) -> Vec<EventRecord> {
    let mut drafts: Vec<Draft> = Vec::new();
    // Dates are read once for the whole article (sentences then take theirs);
    // an article without a trigger needs none.
    let any_trigger = doc
        .hits
        .iter()
        .any(|h| h.entries.iter().any(|e| matches!(e, Lex::Trigger(_))));
    let dates = if any_trigger {
        find_dates(doc.text, article_date)
    } else {
        Vec::new()
    };
    let mut context = Context {
        subject: None,
        recent: Vec::new(),
        dates,
        article_date,
        event_dates: EventDates::default(),
    };
    let mut dated_drafts = 0;
    // the persons of the latest delegation listed (`The delegation
    // included ...`), its head first
    let mut delegation: Vec<usize> = Vec::new();
    let mut index = DraftIndex::default();
    // drafts changed since `context.event_dates` was brought up to date
    let mut touched: Vec<usize> = Vec::new();
    for s in 0..doc.sentences.len() {
        let (a, b) = doc.sentence_tokens[s];
        if a >= b {
            continue;
        }
        let persons = entities_in(found, a, b, Kind::Person);
        let subject = subject_of(doc, found, a, b, &persons, context.subject);
        // `At the event, X spoke`: X took part in the latest event told
        // before this sentence.
        if !persons.is_empty() && mentions_the_event(doc, a, b) {
            // the latest gathering, rather than a deployment or signing told with it
            let gathering = [
                EventType::Ceremony,
                EventType::Conference,
                EventType::Meeting,
            ]
            .iter()
            .filter_map(|k| index.latest.get(k).copied())
            .max();
            if let Some(i) = gathering {
                let e = &mut drafts[i];
                for (p, _) in &persons {
                    if !e.persons.contains(p) {
                        e.persons.push(*p);
                        index.note_person(i, e.kind, *p);
                    }
                }
            }
        }
        let events = sentence_events(doc, found, s, subject, &persons, &context);
        let changed = !events.is_empty();
        // `The delegation included A, B and C`, `He was accompanied by A`:
        // the members take part in the latest journey or gathering told
        if events.is_empty() && !persons.is_empty() && member_list(doc, a, b) {
            let latest = [
                EventType::Visit,
                EventType::Meeting,
                EventType::Conference,
                EventType::Ceremony,
            ]
            .iter()
            .filter_map(|k| index.latest.get(k).copied())
            .max();
            if let Some(i) = latest {
                let e = &mut drafts[i];
                for (p, _) in &persons {
                    if !e.persons.contains(p) {
                        e.persons.push(*p);
                        index.note_person(i, e.kind, *p);
                    }
                }
                delegation.clone_from(&e.persons);
            }
        }
        // `The meetings ... involved A, B and C`: one meeting per party,
        // of the separate meetings told just before with no counterpart
        if events.is_empty() {
            let parties = meeting_parties(doc, found, a, b);
            let latest = index.latest.get(&EventType::Meeting).copied();
            if let Some(i) = latest.filter(|&i| !parties.is_empty() && drafts[i].persons.len() <= 1)
            {
                let base = drafts[i].clone();
                for (n, &c) in parties.iter().enumerate() {
                    let mut d = base.clone();
                    d.others.push(c);
                    if n == 0 {
                        index.note(i, &d);
                        drafts[i] = d;
                        touched.push(i);
                    } else {
                        index.note(drafts.len(), &d);
                        touched.push(drafts.len());
                        drafts.push(d);
                    }
                }
            }
        }
        for (draft, definite) in events {
            // `the delegation met with X`: its members, listed before, met X
            let mut draft = draft;
            if !delegation.is_empty()
                && draft.kind == EventType::Meeting
                && (a + 1..draft.trigger.0).any(|i| {
                    doc.word(i) == "delegation" && matches!(doc.word(i - 1), "the" | "The")
                })
            {
                for p in &delegation {
                    if !draft.persons.contains(p) {
                        draft.persons.push(*p);
                    }
                }
            }
            // `the visit`, `the ceremony`: a new mention of an earlier event
            if definite {
                if let Some(&i) = index.latest.get(&draft.kind) {
                    let e = &mut drafts[i];
                    // `X told reporters the talks were useful`: X speaks
                    // about the talks, which says nothing of who took part
                    if !reported(doc, a, draft.trigger.0) {
                        let mut draft = draft;
                        // `this visit amid Việt Nam – Chile ties`: the
                        // visit already has its destination
                        if draft.kind == EventType::Visit && e.place.is_some() {
                            draft.others.retain(|o| Some(*o) != draft.place);
                            draft.place = None;
                        }
                        index.note(i, &draft);
                        absorb(e, draft);
                        touched.push(i);
                    }
                    continue;
                }
            }
            touched.push(merge_or_push(doc, found, &mut drafts, &mut index, draft));
        }
        // (brought up to date only when an event was added or merged, and
        // only for the events that changed)
        if drafts.len() != dated_drafts || changed {
            for i in touched.drain(..) {
                let d = &drafts[i];
                let entry = d
                    .date
                    .map(|x| (d.kind, x, doc.tokens[d.trigger.0].sentence as usize));
                context.event_dates.set(i, entry);
            }
            dated_drafts = drafts.len();
        }
        if let Some(p) = subject.or_else(|| persons.first().map(|x| x.0)) {
            context.subject = Some(p);
        }
        for (p, _) in persons.iter().rev() {
            context.recent.retain(|x| x != p);
            context.recent.insert(0, *p);
            // (only the latest two are read: a list of every person named
            // would make this quadratic in the article)
            context.recent.truncate(RECENT_PERSONS);
        }
    }
    drafts
        .into_iter()
        .enumerate()
        .map(|(n, d)| {
            let id_of = |e: &usize| ids.get(*e).cloned().flatten();
            let mut participants: Vec<String> = d.persons.iter().filter_map(id_of).collect();
            // (ids are one per entity, so entities are compared, not ids:
            // a journey to many sites is no scan of its participants each)
            let mut listed: FxHashSet<usize> = d.persons.iter().copied().collect();
            for o in &d.others {
                if listed.insert(*o) {
                    participants.extend(id_of(o));
                }
            }
            let date = d.date.map(|x| match x.month_part() {
                Some(m) if d.by_month => Date::month(x.year_part(), m).unwrap_or(x),
                _ => x,
            });
            EventRecord {
                id: super::record::numbered_id('e', n + 1),
                event_type: d.kind.as_str().to_string(),
                date: date.map(|x| x.to_string()),
                place: d.place.and_then(|p| id_of(&p)),
                participants,
                trigger: Some(doc.span_text(d.trigger.0, d.trigger.1).to_string()),
                evidence: Some(super::mention(doc, d.trigger.0, d.trigger.1)),
            }
        })
        .collect()
}

/// How many of the latest persons named [`Context`] keeps: `the two
/// leaders` reads two.
const RECENT_PERSONS: usize = 2;

/// What earlier sentences tell a later one.
#[derive(Debug)]
struct Context {
    /// The person the text is about.
    subject: Option<usize>,
    /// Persons named, most recent first (the latest [`RECENT_PERSONS`]).
    recent: Vec<usize>,
    /// The dates written anywhere in the article.
    dates: Vec<DateMention>,
    article_date: Option<Date>,
    /// The dates of the events told so far.
    event_dates: EventDates,
}

/// The dates of the events told so far (with the sentence of each one's
/// trigger), as of the last sentence that told one, so a sentence reads
/// them without a scan of every event of the article.
#[derive(Debug, Default)]
pub(super) struct EventDates {
    /// By event, the dated ones: type, date and trigger sentence. Events
    /// are told in text order, so trigger sentences never decrease.
    dated: BTreeMap<usize, (EventType, Date, usize)>,
    /// The latest dated event of each type (an event's date is never
    /// taken away).
    latest: FxHashMap<EventType, usize>,
}

impl EventDates {
    fn set(&mut self, i: usize, entry: Option<(EventType, Date, usize)>) {
        match entry {
            Some(entry) => {
                self.dated.insert(i, entry);
                let latest = self.latest.entry(entry.0).or_insert(i);
                *latest = (*latest).max(i);
            }
            None => {
                self.dated.remove(&i);
            }
        }
    }

    /// The date of the latest dated event of `kind`.
    fn latest_of(&self, kind: EventType) -> Option<Date> {
        let i = self.latest.get(&kind)?;
        self.dated.get(i).map(|x| x.1)
    }

    /// The dated events, latest first.
    fn latest_first(&self) -> impl Iterator<Item = &(EventType, Date, usize)> {
        self.dated.values().rev()
    }
}

/// The events told so far by type and participant, so a new one is
/// compared with those it may be (sharing a person, or a body when neither
/// names a person) rather than with every event of the article.
#[derive(Default)]
struct DraftIndex {
    by_person: FxHashMap<(EventType, usize), Vec<usize>>,
    by_other: FxHashMap<(EventType, usize), Vec<usize>>,
    /// The latest event of each type.
    latest: FxHashMap<EventType, usize>,
    /// Meetings by their sets of persons, so a meeting is compared only
    /// with those whose persons it holds or that hold its own, not with
    /// every meeting of each of its persons.
    meetings: MeetingIndex,
    /// Meetings noted since the last look-up (their persons are read then,
    /// once changed).
    pending: Vec<usize>,
}

impl DraftIndex {
    /// Lists event `i` under what `d` (it, or what it absorbs) names.
    fn note(&mut self, i: usize, d: &Draft) {
        if d.kind == EventType::Meeting {
            self.pending.push(i);
        }
        for &p in &d.persons {
            self.note_person(i, d.kind, p);
        }
        for &o in &d.others {
            push_once(self.by_other.entry((d.kind, o)).or_default(), i);
        }
        let latest = self.latest.entry(d.kind).or_insert(i);
        *latest = (*latest).max(i);
    }

    fn note_person(&mut self, i: usize, kind: EventType, p: usize) {
        if kind == EventType::Meeting {
            self.pending.push(i);
        }
        push_once(self.by_person.entry((kind, p)).or_default(), i);
    }

    /// The events `d` may be, in the order they were told.
    fn candidates(&mut self, d: &Draft, drafts: &[Draft]) -> Vec<usize> {
        for i in self.pending.drain(..) {
            if let Some(e) = drafts.get(i) {
                self.meetings.note(i, &e.persons);
            }
        }
        // (a meeting with persons is another only if one's persons hold
        // the other's: see `merge_or_push`)
        if d.kind == EventType::Meeting {
            if let Some(out) = self.meetings.candidates(&d.persons) {
                return out;
            }
        }
        let (map, keys) = if d.persons.is_empty() {
            (&self.by_other, &d.others)
        } else {
            (&self.by_person, &d.persons)
        };
        let mut out: Vec<usize> = keys
            .iter()
            .filter_map(|&k| map.get(&(d.kind, k)))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Meetings by sets of their persons: under the whole set and under each
/// set of at most [`MeetingIndex::WITHIN`] of them. A meeting of more than
/// [`MeetingIndex::WIDE`] persons is listed apart and always looked at.
/// (Persons of an event are only ever added, so a listing stays true.)
#[derive(Default)]
struct MeetingIndex {
    /// How many persons each meeting had when last listed.
    listed: FxHashMap<usize, usize>,
    exact: FxHashMap<Vec<usize>, Vec<usize>>,
    within: FxHashMap<Vec<usize>, Vec<usize>>,
    wide: Vec<usize>,
}

impl MeetingIndex {
    const WIDE: usize = 8;
    const WITHIN: usize = 3;

    /// Lists meeting `i` with persons `persons` (again if they grew).
    fn note(&mut self, i: usize, persons: &[usize]) {
        let before = self.listed.insert(i, persons.len()).unwrap_or(0);
        if persons.is_empty() || persons.len() == before || before > Self::WIDE {
            return;
        }
        if persons.len() > Self::WIDE {
            self.wide.push(i);
            return;
        }
        let set = sorted_set(persons);
        for_each_subset(&set, Self::WITHIN, |s| {
            push_once(self.within.entry(s.to_vec()).or_default(), i)
        });
        push_once(self.exact.entry(set).or_default(), i);
    }

    /// The meetings, in the order told, whose persons hold all of
    /// `persons` or are all among them; `None` without persons or for
    /// more than [`MeetingIndex::WIDE`] of them (the caller looks wider).
    fn candidates(&self, persons: &[usize]) -> Option<Vec<usize>> {
        let set = sorted_set(persons);
        if set.is_empty() || set.len() > Self::WIDE {
            return None;
        }
        let mut out = self.wide.clone();
        // holding all of them: holding the first few
        let head = &set[..set.len().min(Self::WITHIN)];
        out.extend(self.within.get(head).into_iter().flatten());
        // all among them: listed under one of their subsets
        for_each_subset(&set, set.len(), |s| {
            out.extend(self.exact.get(s).into_iter().flatten())
        });
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

fn sorted_set(xs: &[usize]) -> Vec<usize> {
    let mut set = xs.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

/// Calls `f` with each non-empty subset of `set` of at most `most`
/// elements, in `set`'s order.
fn for_each_subset(set: &[usize], most: usize, mut f: impl FnMut(&[usize])) {
    let mut subset = Vec::with_capacity(most);
    for mask in 1u32..(1u32 << set.len()) {
        if mask.count_ones() as usize > most {
            continue;
        }
        subset.clear();
        subset.extend(
            (0..set.len())
                .filter(|b| mask & (1 << b) != 0)
                .map(|b| set[b]),
        );
        f(&subset);
    }
}

fn push_once(ids: &mut Vec<usize>, i: usize) {
    if ids.last() != Some(&i) {
        ids.push(i);
    }
}

/// `at the event`, `the event`: a sentence adding to the latest event.
fn mentions_the_event(doc: &Doc, a: usize, b: usize) -> bool {
    (a + 1..b).any(|i| {
        matches!(doc.word(i), "event" | "occasion" | "meeting")
            && matches!(doc.word(i - 1), "the" | "The")
    })
}

/// `The delegation included`, `his entourage comprises`, `was accompanied
/// by`: a sentence listing those travelling with someone.
fn member_list(doc: &Doc, a: usize, b: usize) -> bool {
    (a + 1..b).any(|i| {
        let (x, y) = (doc.word(i - 1), doc.word(i));
        (matches!(x, "delegation" | "entourage" | "delegations")
            && matches!(
                y,
                "include"
                    | "includes"
                    | "included"
                    | "including"
                    | "comprises"
                    | "comprised"
                    | "comprising"
                    | "consists"
                    | "consisted"
            ))
            || (x == "accompanied" && y == "by")
    })
}

/// `the two leaders held talks`, `They agreed`: the last two persons named.
fn plural_reference(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).any(|i| {
        let w = doc.word(i);
        let group = |k: usize| {
            matches!(
                doc.word(k),
                "leaders" | "sides" | "ministers" | "officials" | "delegations" | "presidents"
            )
        };
        matches!(w, "They" | "they")
            || (matches!(w, "two" | "both" | "Both") && (i + 1..(i + 3).min(b)).any(group))
            // `The ministers later toured`, `the two signed`
            || (matches!(w, "the" | "The") && i + 1 < b && group(i + 1))
            || (matches!(w, "the" | "The")
                && doc.word(i + 1) == "two"
                && doc.word(i + 2).starts_with(|c: char| c.is_lowercase())
                && doc.word(i + 2).ends_with("ed"))
    })
}

/// `he`, `his`, `the delegation`: the sentence is about the last subject.
fn singular_reference(doc: &Doc, a: usize, b: usize) -> bool {
    (a..b).any(|i| {
        // `the minister will travel`
        (i > a
            && matches!(doc.word(i - 1), "the" | "The")
            && matches!(
                doc.word(i),
                "minister"
                    | "president"
                    | "premier"
                    | "envoy"
                    | "ambassador"
                    | "secretary"
                    | "chancellor"
                    | "governor"
                    | "speaker"
                    | "chairman"
                    | "chairwoman"
            ))
            || matches!(
                doc.word(i),
                "he" | "He" | "she" | "She" | "his" | "His" | "her" | "Her" | "delegation"
            )
    })
}

fn absorb(e: &mut Draft, d: Draft) {
    for p in d.persons {
        push_unique(&mut e.persons, &mut e.seen.persons, p);
    }
    for o in d.others {
        push_unique(&mut e.others, &mut e.seen.others, o);
    }
    if e.place.is_none() {
        e.place = d.place;
    }
    let finer = |x: Option<Date>| {
        x.map_or(0, |x| {
            1 + x.month_part().is_some() as u8 + x.day_part().is_some() as u8
        })
    };
    if finer(d.date) > finer(e.date) {
        e.date = d.date;
    }
}

/// Distinct entities of `kind` mentioned in tokens `a..b`, with the token of
/// their first mention there, in text order.
fn entities_in(found: &Found, a: usize, b: usize, kind: Kind) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for i in a..b {
        if let Some(id) = found.owner[i] {
            if found.entities[id].kind == kind && !out.iter().any(|(e, _)| *e == id) {
                out.push((id, i));
            }
        }
    }
    out
}

/// Who the sentence is about: a pronoun or a description at its start
/// (`He`, `The host`, `The Vietnamese leader`) stands for the previous
/// subject; otherwise the first person named.
fn subject_of(
    doc: &Doc,
    found: &Found,
    a: usize,
    b: usize,
    persons: &[(usize, usize)],
    last: Option<usize>,
) -> Option<usize> {
    let first = doc.word(a);
    // (`Last Friday the minister held`: a description a few words in,
    // right after `the`: `The host`, `the Vietnamese leader`)
    let description = |t: usize| {
        (t + 1..(t + 3).min(b)).any(|i| {
            matches!(
                doc.word(i),
                "host"
                    | "guest"
                    | "leader"
                    | "officer"
                    | "diplomat"
                    | "official"
                    | "minister"
                    | "president"
                    | "premier"
                    | "envoy"
                    | "ambassador"
            ) || (doc.class(i) == Class::Title && found.owner[i].is_none())
        }) && persons.first().is_none_or(|p| p.1 > t + 4)
    };
    let anaphoric = matches!(first, "He" | "She" | "His" | "Her")
        || (a..(a + 4).min(b)).any(|t| {
            (t == a || doc.class(a) != Class::Name)
                && matches!(doc.word(t), "The" | "the")
                && description(t)
        });
    if anaphoric {
        return last;
    }
    // not the source quoted at the end (`..., the spokesperson X said`)
    persons
        .iter()
        .find(|&&(_, i)| !attribution(doc, a, b, i))
        .or(persons.first())
        .map(|p| p.0)
}

/// `, the Foreign Ministry spokesperson X said`: a person named after a
/// comma and followed by `said`, as the source of what is told.
fn attribution(doc: &Doc, a: usize, b: usize, i: usize) -> bool {
    let comma_before = (i.saturating_sub(6).max(a)..i).any(|k| doc.class(k) == Class::Comma);
    comma_before
        && (i + 1..b.min(i + 7)).any(|k| matches!(doc.word(k), "said" | "says" | "told" | "added"))
}

/// The trigger hits of a sentence: (type, first token, end token).
fn triggers(doc: &Doc, a: usize, b: usize) -> Vec<(EventType, usize, usize)> {
    let mut out = Vec::new();
    // hits are in text order
    let from = doc.hits.partition_point(|h| h.first < a);
    for hit in doc.hits[from..].iter().take_while(|h| h.first < b) {
        if hit.end > b {
            continue;
        }
        for e in hit.entries {
            if let Lex::Trigger(t) = *e {
                out.push((t, hit.first, hit.end));
            }
        }
    }
    out
}

/// `held bilateral meetings with A and B`, `a series of talks with`: a
/// plural trigger that tells one meeting per counterpart.
fn several_meetings(doc: &Doc, ts: usize, te: usize) -> bool {
    let plural = (ts..te).any(|i| matches!(doc.word(i), "meetings" | "talks"));
    let before = |k: usize| if ts >= k { doc.word(ts - k) } else { "" };
    plural
        && (matches!(before(1), "bilateral" | "separate" | "individual")
            || (before(1) == "of" && before(2) == "series")
            || (ts..te).any(|i| matches!(doc.word(i), "bilateral" | "separate" | "series")))
}

/// The countries listed right after a visit trigger (`visiting the Solomon
/// Islands, Nauru and Niue`): a list of two or more, else nothing.
fn destination_list(doc: &Doc, found: &Found, te: usize, end: usize) -> Vec<usize> {
    let country = |i: usize| {
        found.owner.get(i).copied().flatten().filter(|&id| {
            let e = &found.entities[id];
            e.kind == Kind::Place && matches!(e.place_kind, Some(PlaceKind::Country(_)))
        })
    };
    let mut out = Vec::new();
    let mut i = te;
    loop {
        if i < end && doc.class(i) == Class::The {
            i += 1;
        }
        let Some(p) = (i < end).then(|| country(i)).flatten() else {
            break;
        };
        if !out.contains(&p) {
            out.push(p);
        }
        while i < end && found.owner[i] == Some(p) {
            i += 1;
        }
        // `, `, ` and `, `, and `
        let mut joined = false;
        while i < end && matches!(doc.class(i), Class::Comma | Class::And) {
            i += 1;
            joined = true;
        }
        if !joined {
            break;
        }
    }
    if out.len() >= 2 {
        out
    } else {
        Vec::new()
    }
}

/// How many sentences after a gathering an undated encounter is still
/// read as part of it.
const ENCLOSING_SENTENCES: usize = 5;

/// The day of the latest day-dated meeting, conference or visit told at
/// most [`ENCLOSING_SENTENCES`] before sentence `s`, for an undated
/// encounter (`Bourita met with X` after `held, Wednesday in Cairo, a series
/// of talks`).
fn enclosing_day(kind: EventType, s: usize, context: &Context) -> Option<Date> {
    if !matches!(
        kind,
        EventType::Meeting | EventType::Signing | EventType::Other | EventType::Call
    ) {
        return None;
    }
    // (latest first, trigger sentences only decrease: none further back
    // can be near enough)
    context
        .event_dates
        .latest_first()
        .take_while(|(_, _, at)| s.saturating_sub(*at) <= ENCLOSING_SENTENCES)
        .find(|(k, d, _)| {
            d.day_part().is_some()
                && matches!(
                    k,
                    EventType::Meeting | EventType::Conference | EventType::Visit
                )
        })
        .map(|x| x.1)
}

/// Whether place `p` is an airport (a site named `... Airport`).
fn is_airport(found: &Found, p: usize) -> bool {
    let e = &found.entities[p];
    e.place_kind == Some(PlaceKind::Site)
        && e.name
            .rsplit(' ')
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("airport"))
}

/// The first country named in tokens `a..b`.
fn first_country(found: &Found, a: usize, b: usize) -> Option<usize> {
    entities_in(found, a, b, Kind::Place)
        .into_iter()
        .map(|x| x.0)
        .find(|&p| matches!(found.entities[p].place_kind, Some(PlaceKind::Country(_))))
}

/// `he and X`, `X and she`: a pronoun joined to a name.
fn pronoun_and(doc: &Doc, a: usize, b: usize) -> bool {
    (a + 1..b).any(|i| {
        let (x, y) = (doc.word(i - 1), doc.word(i));
        (matches!(x, "he" | "she" | "He" | "She") && y == "and")
            || (x == "and" && matches!(y, "he" | "she"))
    })
}

/// The country a city is in, when the article names that country.
fn country_of(found: &Found, p: usize) -> Option<usize> {
    let e = &found.entities[p];
    let (Some(PlaceKind::City(_)), Some(c)) = (e.place_kind, e.country) else {
        return None;
    };
    found
        .entities
        .iter()
        .position(|e| e.kind == Kind::Place && e.place_kind == Some(PlaceKind::Country(c)))
}

/// Who visits: `X's official visit`, `a visit by X`.
fn visitor(doc: &Doc, found: &Found, ts: usize, te: usize, b: usize) -> Option<usize> {
    let person_at = |i: usize| found.owner[i].filter(|&id| found.entities[id].kind == Kind::Person);
    // `Lương Cường’s official visit`
    let mut k = ts;
    while k > 0 && ts - k < 3 && doc.class(k - 1) != Class::Poss {
        k -= 1;
    }
    if k >= 2 && doc.class(k - 1) == Class::Poss {
        if let Some(p) = person_at(k - 2) {
            return Some(p);
        }
    }
    if te + 1 < b && doc.word(te) == "by" {
        // `visit by Defence Minister Gen. Ngo Xuan Lich`
        return (te + 1..b.min(te + 10)).find_map(person_at);
    }
    if doc.word(te - 1) == "by" {
        return (te..b.min(te + 10)).find_map(person_at);
    }
    // `Suwarno would visit Beijing`: the name just before the verb
    if let Some(p) = (ts.saturating_sub(3)..ts).rev().find_map(person_at) {
        return Some(p);
    }
    // `X hosted Y for a working visit`: the guest visits
    let a = doc.sentence_tokens[doc.tokens[ts].sentence as usize].0;
    let host = (a..ts).rev().find(|&i| {
        matches!(
            doc.word(i),
            "hosted" | "hosts" | "received" | "receives" | "welcomed" | "welcomes"
        )
    })?;
    (host + 1..ts).find_map(person_at)
}

/// News reports meetings, visits and ceremonies in the month it is written.
fn fallback_date(kind: EventType, article_date: Option<Date>) -> Option<Date> {
    match kind {
        EventType::Signing | EventType::Deployment | EventType::Other => None,
        _ => article_date.and_then(|d| d.month_part().and_then(|m| Date::month(d.year_part(), m))),
    }
}

/// The place of an event: for a visit the first country or city after the
/// trigger, otherwise a place after `in`/`at` (a city or site first).
fn place_for(doc: &Doc, found: &Found, kind: EventType, from: usize, b: usize) -> Option<usize> {
    let places = entities_in(found, from, b, Kind::Place);
    if kind == EventType::Visit {
        return places
            .iter()
            .find(|(p, _)| matches!(found.entities[*p].place_kind, Some(PlaceKind::Country(_))))
            .or(places.first())
            .map(|x| x.0);
    }
    // `in Hanoi`, `at ...`, `the capital city of Santiago` (but not the
    // `of China` of an institution's name)
    let after_preposition = |&&(_, i): &&(usize, usize)| {
        i > 1
            && (matches!(doc.word(i - 1), "in" | "at")
                || (doc.word(i - 1) == "of" && matches!(doc.word(i - 2), "city" | "capital")))
    };
    // a city or site, else a country, else a region (`in Africa` says less
    // than `in Chile` told in the same sentence)
    let of_kind = |want: fn(PlaceKind) -> bool| {
        places
            .iter()
            .filter(after_preposition)
            .find(|(p, _)| found.entities[*p].place_kind.is_some_and(want))
    };
    of_kind(|k| matches!(k, PlaceKind::City(_) | PlaceKind::Site))
        .or_else(|| of_kind(|k| matches!(k, PlaceKind::Country(_))))
        .or_else(|| places.iter().find(after_preposition))
        .map(|x| x.0)
}

/// Continents and world regions name where things are, not who takes part.
const CONTINENTS: [&str; 12] = [
    "Africa",
    "Asia",
    "Europe",
    "Latin America",
    "North America",
    "South America",
    "Central America",
    "Oceania",
    "Middle East",
    "Southeast Asia",
    "Asia-Pacific",
    "Indo-Pacific",
];

/// Whether a place mentioned near an event can take part in it: a country
/// or a named area, not a city, site or continent.
fn takes_part(found: &Found, p: usize) -> bool {
    let e = &found.entities[p];
    match e.place_kind {
        Some(PlaceKind::Country(_)) => true,
        Some(PlaceKind::Region) => !CONTINENTS.contains(&e.name.as_str()),
        _ => false,
    }
}

/// Plural nouns of people who represent a country (`the Ambassadors of
/// Panama, Singapore and Indonesia`, `his counterparts from A and B`).
const REPRESENTATIVES: [&str; 9] = [
    "ambassadors",
    "counterparts",
    "representatives",
    "delegations",
    "leaders",
    "envoys",
    "ministers",
    "diplomats",
    "officials",
];

/// The countries (and bodies) listed after a plural noun of representatives
/// in tokens `a..b` (`the new Ambassadors of Panama, Singapore and
/// Indonesia`): they take part, through the persons the text leaves
/// unnamed.
fn represented(doc: &Doc, found: &Found, a: usize, b: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = a;
    while i + 2 < b {
        let w = doc.word(i);
        let noun = REPRESENTATIVES.iter().any(|r| r.eq_ignore_ascii_case(w));
        if !(noun && matches!(doc.word(i + 1), "of" | "from")) {
            i += 1;
            continue;
        }
        i = read_parties(doc, found, i + 2, b, &mut out);
    }
    out
}

/// Reads a list of countries and bodies (`China, Australia, the United
/// Kingdom (UK) and the European Union`) from token `k` into `out`; returns
/// the token after it.
fn read_parties(doc: &Doc, found: &Found, mut k: usize, b: usize, out: &mut Vec<usize>) -> usize {
    while k < b {
        match found.owner[k] {
            Some(id) if takes_part(found, id) || found.entities[id].kind == Kind::Institution => {
                if !out.contains(&id) {
                    out.push(id);
                }
                k += 1;
                while k < b && found.owner[k] == Some(id) {
                    k += 1;
                }
                // (an acronym in brackets after the name: `(UK)`)
                if k + 2 < b
                    && doc.class(k) == Class::Open
                    && doc.class(k + 2) == Class::Close
                    && found.owner[k + 1].is_none_or(|x| x == id)
                {
                    k += 3;
                }
            }
            _ if matches!(doc.class(k), Class::Comma | Class::And | Class::The) => k += 1,
            _ => break,
        }
    }
    k
}

/// `The meetings, held at the Prime Minister's Office, involved China,
/// Australia and Pakistan`: the parties of the separate meetings told
/// just before, when the sentence opens with them (two or more).
fn meeting_parties(doc: &Doc, found: &Found, a: usize, b: usize) -> Vec<usize> {
    if !(matches!(doc.word(a), "The" | "These")
        && a + 1 < b
        && matches!(doc.word(a + 1), "meetings" | "talks"))
    {
        return Vec::new();
    }
    let verb = (a + 2..b).find(|&i| {
        matches!(
            doc.word(i),
            "involved" | "included" | "includes" | "involve" | "involving" | "including"
        )
    });
    let mut out = Vec::new();
    if let Some(v) = verb {
        read_parties(doc, found, v + 1, b, &mut out);
    }
    if out.len() >= 2 {
        out
    } else {
        Vec::new()
    }
}

/// `Kenya and Germany signed`, `Chile and the African Union held`: the
/// countries and institutions right before the trigger.
fn subject_entities(doc: &Doc, found: &Found, a: usize, ts: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = ts;
    let mut skipped = 0;
    while i > a {
        i -= 1;
        if let Some(id) = found.owner[i] {
            let e = &found.entities[id];
            let fits = e.kind == Kind::Institution
                || (e.kind == Kind::Place && matches!(e.place_kind, Some(PlaceKind::Country(_))));
            if !fits {
                break;
            }
            if !out.contains(&id) {
                out.push(id);
            }
            continue;
        }
        match doc.word(i) {
            // (a comma ends an apposition: `X, head of the Committee, met`)
            "and" | "the" | "both" => {}
            // `Malaysia and Brunei today exchanged`
            "today" | "yesterday" | "also" | "jointly" | "formally" | "on" | "have" | "has"
                if skipped < 2 =>
            {
                skipped += 1
            }
            _ if doc.word(i).ends_with("day") && skipped < 2 => skipped += 1,
            _ => break,
        }
    }
    // a lone `the` or `and` read back to nothing
    out.reverse();
    out
}

/// A person named after the trigger and followed by `said`: the speaker
/// who reports the event (`..., his spokesman, X, said`); or one named as
/// whom a new office holder replaces (`replacing Admiral X`, `after the
/// resignation of X`).
fn speaker(doc: &Doc, i: usize, te: usize, b: usize) -> bool {
    let replaced = (i.saturating_sub(4)..i).any(|k| {
        matches!(
            doc.word(k),
            "replacing"
                | "replaces"
                | "replaced"
                | "succeeding"
                | "succeeds"
                | "resignation"
                | "death"
                | "predecessor"
        )
    });
    replaced
        || i >= te
            && (i + 1..b.min(i + 7)).any(|k| {
                matches!(
                    doc.word(k),
                    "said" | "says" | "told" | "added" | "stated" | "announced" | "noted"
                )
            })
}

/// Whether the words before token `ts` in its sentence report speech
/// (`X said`, `told Al Jazeera that`).
fn reported(doc: &Doc, a: usize, ts: usize) -> bool {
    (a..ts).any(|i| matches!(doc.word(i), "said" | "says" | "told" | "that"))
}

/// `visiting Foreign Minister X`: the first person after `visiting` used as
/// an adjective.
fn visiting_adjective(doc: &Doc, found: &Found, ts: usize, te: usize, b: usize) -> Option<usize> {
    if !is_visiting_adjective(doc, ts, te) {
        return None;
    }
    (te..b.min(te + 10))
        .find_map(|i| found.owner[i].filter(|&id| found.entities[id].kind == Kind::Person))
}

/// `visiting` before a capitalised word (`visiting Uzbek Foreign Minister`).
fn is_visiting_adjective(doc: &Doc, ts: usize, te: usize) -> bool {
    te == ts + 1
        && doc.word(ts) == "visiting"
        && doc.word(te).starts_with(|c: char| c.is_uppercase())
}

/// Trigger words that tell an event only in some company.
fn trigger_fits(doc: &Doc, found: &Found, kind: EventType, ts: usize, te: usize, b: usize) -> bool {
    let w = doc.word(ts).to_ascii_lowercase();
    let ahead = |n: usize| te..b.min(te + n);
    let owner_kind = |i: usize| found.owner[i].map(|id| found.entities[id].kind);
    match kind {
        // `named Dutch economist X as its envoy` (not `named after`)
        EventType::Appointment
            if te == ts + 1 && matches!(w.as_str(), "named" | "names" | "naming") =>
        {
            ahead(12)
                .find(|&i| doc.word(i) == "as")
                .is_some_and(|k| (te..k).any(|i| owner_kind(i) == Some(Kind::Person)))
        }
        // `sent 300 troops`, `will send a rescue team` (not `sent a letter`)
        EventType::Deployment
            if (te == ts + 1 && matches!(w.as_str(), "send" | "sends" | "sending" | "sent"))
                || (te == ts + 2
                    && matches!(w.as_str(), "has" | "have")
                    && doc.word(ts + 1) == "sent") =>
        {
            ahead(7).any(|i| {
                let x = doc.word(i).to_ascii_lowercase();
                FORCES.contains(&x.as_str())
            })
        }
        // `are expected to sign` (not `hope to sign`: a wish)
        EventType::Signing if matches!(w.as_str(), "to" | "will") => {
            let before = |k: usize| if ts >= k { doc.word(ts - k) } else { "" };
            !(1..=2).any(|k| {
                matches!(
                    before(k),
                    "hope"
                        | "hopes"
                        | "hoped"
                        | "wish"
                        | "wishes"
                        | "want"
                        | "wants"
                        | "seek"
                        | "seeks"
                        | "aim"
                        | "aims"
                        | "plan"
                        | "plans"
                        | "would"
                        | "could"
                )
            })
        }
        // `exchanged three memoranda of understanding`
        EventType::Signing if w == "exchanged" => ahead(6).any(|i| {
            let x = doc.word(i).to_ascii_lowercase();
            x.starts_with("memorand")
                || x.starts_with("agreement")
                || x.starts_with("mou")
                || matches!(
                    x.as_str(),
                    "documents" | "instruments" | "notes" | "accords"
                )
        }),
        // `a meeting of the Council`, `a session of the Commission`: a
        // body meets; `a meeting of the two ministers` is no conference
        EventType::Conference if matches!(w.as_str(), "meeting" | "session") && te > ts + 1 => {
            ahead(8).any(|i| owner_kind(i) == Some(Kind::Institution))
                || ahead(5).any(|i| {
                    matches!(
                        doc.word(i),
                        "board"
                            | "council"
                            | "commission"
                            | "committee"
                            | "assembly"
                            | "cabinet"
                            | "parliament"
                            | "congress"
                            | "senate"
                            | "presidium"
                            | "bureau"
                    )
                })
        }
        _ => true,
    }
}

/// Nouns of the people and means a deployment sends.
const FORCES: [&str; 27] = [
    "troops",
    "soldiers",
    "personnel",
    "forces",
    "peacekeepers",
    "team",
    "teams",
    "officers",
    "doctors",
    "medics",
    "brigade",
    "brigades",
    "battalion",
    "battalions",
    "rescuers",
    "firefighters",
    "aircraft",
    "ships",
    "warships",
    "vessels",
    "units",
    "unit",
    "contingent",
    "engineers",
    "experts",
    "workers",
    "police",
];

/// Whether the date at byte `at` is that of a dateline (`TOKYO, March 3`).
fn in_dateline(text: &str, at: usize) -> bool {
    let before = text[..at].trim();
    let Some(city) = before.strip_suffix(',') else {
        return false;
    };
    before.len() < 40
        && !city.is_empty()
        && city
            .split_whitespace()
            .all(|w| w.starts_with(|c: char| c.is_uppercase()))
}

/// `said on Wednesday`, `told reporters on Friday`: the date a statement
/// was made, not that of what it reports.
fn statement_date(text: &str, at: usize) -> bool {
    let from = text[..at]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    for w in text[from..at]
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .rev()
        .take(6)
    {
        match w {
            "said" | "says" | "told" | "announced" | "added" | "stated" | "reported" => {
                return true
            }
            "on" | "in" | "a" | "the" | "statement" | "reporters" | "journalists" | "press"
            | "briefing" | "at" | "late" | "early" => {}
            // `said on Tuesday (Mar 30)`: the day written twice
            "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday" => {}
            _ => return false,
        }
    }
    false
}

/// The `, who ...,` and `, which ...,` clauses of the text `from..to`, as
/// byte spans from their comma to the comma (or end) that closes them.
fn relative_clauses(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let Some(sentence) = text.get(from..to) else {
        return Vec::new();
    };
    let mut out: Vec<(usize, usize)> = sentence
        .match_indices(", who ")
        .chain(sentence.match_indices(", which "))
        .map(|(open, _)| {
            let end = sentence[open + 2..]
                .find(',')
                .map_or(sentence.len(), |i| open + 2 + i);
            (from + open, from + end)
        })
        .collect();
    out.sort_unstable();
    out
}

/// Adds an event, or merges it into an earlier mention of the same event.
fn merge_or_push(
    doc: &Doc,
    found: &Found,
    drafts: &mut Vec<Draft>,
    index: &mut DraftIndex,
    d: Draft,
) -> usize {
    let found_kind = |id: &usize| found.entities.get(*id).map(|e| e.kind);
    // (the first event told that it is: only those sharing a person or,
    // without persons, a body can be)
    let same = index.candidates(&d, drafts).into_iter().find(|&i| {
        let e = &drafts[i];
        if e.kind != d.kind {
            return false;
        }
        if e.persons.is_empty() || d.persons.is_empty() {
            // without persons, the same institution (places are too common)
            return e.persons.is_empty()
                && d.persons.is_empty()
                && e.others
                    .iter()
                    .any(|o| d.others.contains(o) && found_kind(o) == Some(Kind::Institution));
        }
        // two places neither of which holds the other, two different days:
        // two events (`met in Beijing on Wednesday`, `in Astana next week`)
        if let (Some(x), Some(y)) = (e.place, d.place) {
            if x != y && !within(found, x, y) && !within(found, y, x) {
                return false;
            }
        }
        // (a meeting goes on: `will continue their working session on Tuesday`)
        if let (Some(x), Some(y)) = (e.date, d.date) {
            let (x, y) = (x.to_string(), y.to_string());
            if d.kind != EventType::Meeting && !x.starts_with(&y) && !y.starts_with(&x) {
                return false;
            }
        }
        // `a meeting of the Joint Commission`, `the G20 summit`: two bodies
        // (`e`'s bodies are read only when `d` names one: `e` may be a
        // journey to many places)
        let bodies = |x: &Draft| -> Vec<usize> {
            x.others
                .iter()
                .copied()
                .filter(|o| found_kind(o) == Some(Kind::Institution))
                .collect()
        };
        let db = bodies(&d);
        if !db.is_empty() {
            let eb = bodies(e);
            if !eb.is_empty() && !eb.iter().any(|o| db.contains(o)) {
                return false;
            }
        }
        // `before leaving for Caracas`: a new journey
        if d.kind == EventType::Visit
            && e.place != d.place
            && matches!(
                doc.word(d.trigger.0),
                "leaving" | "leave" | "left" | "leaves" | "departed"
            )
        {
            return false;
        }
        if d.kind == EventType::Meeting {
            let sub = |x: &[usize], y: &[usize]| x.iter().all(|p| y.contains(p));
            sub(&d.persons, &e.persons) || sub(&e.persons, &d.persons)
        } else {
            e.persons.iter().any(|p| d.persons.contains(p))
        }
    });
    let i = same.unwrap_or(drafts.len());
    index.note(i, &d);
    match same {
        Some(i) => absorb(&mut drafts[i], d),
        None => drafts.push(d),
    }
    i
}

/// Whether place `inner` may lie in place `outer`: a city in its country,
/// a named site (whose whereabouts the lexicons do not tell) anywhere.
fn within(found: &Found, inner: usize, outer: usize) -> bool {
    let (i, o) = (&found.entities[inner], &found.entities[outer]);
    match (i.place_kind, o.place_kind) {
        (Some(PlaceKind::Site), _) => true,
        (Some(PlaceKind::City(_)), Some(PlaceKind::Country(k))) => i.country == Some(k),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index finds every meeting whose persons hold a new meeting's
    /// or lie within them (what `merge_or_push` may merge), checked
    /// against all pairs of small random person sets.
    #[test]
    fn meeting_index_finds_every_subset_and_superset() {
        let mut x = 7u64;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            ((x >> 33) % m) as usize
        };
        let mut sets: Vec<Vec<usize>> = Vec::new();
        let mut index = MeetingIndex::default();
        for i in 0..300 {
            let len = 1 + next(10);
            let set: Vec<usize> = (0..len).map(|_| next(6)).collect();
            let query = sets.iter().enumerate().filter(|(_, e)| {
                let sub = |a: &[usize], b: &[usize]| a.iter().all(|p| b.contains(p));
                sub(&set, e) || sub(e, &set)
            });
            let expected: Vec<usize> = query.map(|(k, _)| k).collect();
            match index.candidates(&set) {
                Some(found) => assert!(
                    expected.iter().all(|k| found.contains(k)),
                    "{set:?}: {expected:?} not all in {found:?}"
                ),
                None => assert!(sorted_set(&set).len() > MeetingIndex::WIDE),
            }
            index.note(i, &set);
            sets.push(set);
        }
    }

    /// A meeting listed again after gaining persons is found under them.
    #[test]
    fn meeting_index_follows_added_persons() {
        let mut index = MeetingIndex::default();
        index.note(0, &[1]);
        index.note(0, &[1, 2, 3]);
        assert_eq!(index.candidates(&[2, 3]), Some(vec![0]));
        assert_eq!(index.candidates(&[4]), Some(vec![]));
    }

    #[test]
    fn push_unique_keeps_one_of_each_on_long_lists() {
        let (mut list, mut set) = (Vec::new(), FxHashSet::default());
        for x in (0..100).chain(0..100) {
            push_unique(&mut list, &mut set, x);
        }
        assert_eq!(list, (0..100).collect::<Vec<_>>());
        // a list changed behind the set's back (and holding a duplicate)
        list.push(5);
        push_unique(&mut list, &mut set, 5);
        push_unique(&mut list, &mut set, 100);
        assert_eq!(list.len(), 102);
        assert_eq!(list.last(), Some(&100));
    }
}
