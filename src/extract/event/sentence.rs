//! The events of one sentence, in named steps sharing one [`Sentence`]
//! context: [`Sentence::keeps`] (trigger filtering), [`Sentence::segment`]
//! (the stretch of the sentence a trigger owns), [`Sentence::date_of`]
//! (date), [`Sentence::people_of`] (participants), [`Sentence::place_of`]
//! (place), [`Sentence::bodies_of`] (institutions and countries taking
//! part), [`Sentence::split`] (one event per guest or destination) and
//! [`settle`] (what the sentence's events tell each other). Merging with
//! the events of earlier sentences is `merge_or_push`, in the parent.

use super::super::annotate::{Class, Doc};
use super::super::date::{future_before, DateMention};
use super::super::found::{Found, Kind, PlaceKind};
use super::super::lexicon::EventType;
use super::{
    country_of, destination_list, enclosing_day, entities_in, fallback_date, first_country,
    in_dateline, is_airport, is_visiting_adjective, place_for, plural_reference, pronoun_and,
    relative_clauses, represented, several_meetings, singular_reference, speaker, statement_date,
    subject_entities, takes_part, trigger_fits, triggers, visiting_adjective, visitor, Context,
    Draft,
};
use crate::graph::Date;

/// What every step reads about the sentence.
pub(super) struct Sentence<'s, 'd> {
    doc: &'s Doc<'d>,
    found: &'s Found,
    context: &'s Context,
    /// Sentence index, token range and byte range.
    s: usize,
    a: usize,
    b: usize,
    /// The person the sentence is about.
    subject: Option<usize>,
    /// The persons named in it, with the token of their first mention.
    persons: &'s [(usize, usize)],
    /// Trigger hits: (type, first token, end token), in text order.
    hits: Vec<(EventType, usize, usize)>,
    /// The dates written in the sentence.
    dates: Vec<&'s DateMention>,
    /// The `, who ...,` clauses, as byte ranges.
    clauses: Vec<(usize, usize)>,
    /// Persons of earlier sentences a pronoun or `the two leaders` stands
    /// for, when the sentence names none.
    referred: Vec<usize>,
}

/// `said on Tuesday that X will make a trip`: a `that` between the
/// statement's date (ending at byte `from`) and the trigger at byte `to`
/// puts the trigger in what was said. (Not `said on Tuesday after a video
/// conference`: that took place the day it was told.)
fn reported_after(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|between| between.split_whitespace().any(|w| w == "that"))
}

/// How many words before a trigger `agreed to` or `proposed` is looked for.
const AGREED_WORDS: usize = 10;

/// The date a trigger gets and whether the sentence wrote it.
struct Dated {
    date: Option<Date>,
    written: bool,
}

/// The events of one sentence, each with whether its trigger is a
/// definite reference (`the visit`) to an event already told.
pub(super) fn sentence_events(
    doc: &Doc,
    found: &Found,
    s: usize,
    subject: Option<usize>,
    persons: &[(usize, usize)],
    context: &Context,
) -> Vec<(Draft, bool)> {
    let Some(sentence) = Sentence::new(doc, found, s, subject, persons, context) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for n in 0..sentence.hits.len() {
        sentence.event_of(n, &mut out);
    }
    settle(found, &mut out);
    out
}

impl<'s, 'd> Sentence<'s, 'd> {
    /// The context of sentence `s`, or `None` when it has no trigger.
    fn new(
        doc: &'s Doc<'d>,
        found: &'s Found,
        s: usize,
        subject: Option<usize>,
        persons: &'s [(usize, usize)],
        context: &'s Context,
    ) -> Option<Sentence<'s, 'd>> {
        let (a, b) = doc.sentence_tokens[s];
        let (sa, se) = doc.sentences[s];
        let hits = triggers(doc, a, b);
        if hits.is_empty() {
            return None;
        }
        // dates of this sentence, from the article-wide list (in text
        // order: those from the sentence's start on, not one per date of
        // the article)
        let first = context.dates.partition_point(|d| d.start < sa as usize);
        let dates = context.dates[first..]
            .iter()
            .take_while(|d| d.start <= se as usize)
            .filter(|d| d.end <= se as usize)
            .collect();
        let clauses = relative_clauses(doc.text, sa as usize, se as usize);
        let referred: Vec<usize> = if !persons.is_empty() {
            Vec::new()
        } else if plural_reference(doc, a, b) {
            context.recent.iter().take(2).copied().collect()
        } else if singular_reference(doc, a, b) {
            context.subject.into_iter().collect()
        } else {
            Vec::new()
        };
        Some(Sentence {
            doc,
            found,
            context,
            s,
            a,
            b,
            subject,
            persons,
            hits,
            dates,
            clauses,
            referred,
        })
    }

    /// The `, who ...,` clause holding byte `at`, by its start.
    fn clause_of(&self, at: usize) -> Option<usize> {
        self.clauses
            .iter()
            .find(|c| c.0 < at && at <= c.1)
            .map(|c| c.0)
    }

    /// The word `k` tokens before token `ts`, inside the sentence.
    fn before(&self, ts: usize, k: usize) -> &'d str {
        if ts >= self.a + k {
            self.doc.word(ts - k)
        } else {
            ""
        }
    }

    /// Adds the events of trigger `n` to `out`.
    fn event_of(&self, n: usize, out: &mut Vec<(Draft, bool)>) {
        let (doc, found) = (self.doc, self.found);
        let (kind, ts, te) = self.hits[n];
        if !self.keeps(n) {
            return;
        }
        // (`The visit shows ...` opening a sentence: the visit told before;
        // a ceremony or meeting so opened is often a new one)
        let definite = ts > self.a
            && (matches!(doc.word(ts - 1), "the" | "this" | "that")
                || (kind == EventType::Visit
                    && matches!(doc.word(ts - 1), "The" | "This" | "That")));
        let (seg_start, seg_end) = self.segment(n);
        let Dated { mut date, written } = self.date_of(n);
        let people = self.people_of(n, seg_start, seg_end);
        let mut place = self.place_of(kind, ts, te, seg_end);
        let mut others = Vec::new();
        let mut by_month = false;
        if kind == EventType::Visit {
            // `visiting Foreign Minister X in Beijing`: X is on a visit to
            // the country, which lasts more than that day
            if visiting_adjective(doc, found, ts, te, self.b).is_some() {
                place = place.map(|p| country_of(found, p).unwrap_or(p));
                if written {
                    date = fallback_date(kind, self.context.article_date);
                }
            }
            others.extend(place);
            // `tour the Latin American School of Medicine`
            // (not `visit by French Armed Forces Minister X`)
            let at = if doc.word(te) == "the" { te + 1 } else { te };
            let next_inst = found.owner.get(at).copied().flatten().filter(|&id| {
                at < self.b
                    && doc.word(te - 1) != "by"
                    && found.entities[id].kind == Kind::Institution
            });
            if let Some(o) = next_inst {
                others.push(o);
            }
            // A visit to a country or city lasts days: news dates it by
            // the month; one to a site or a body (`visited the Centre on
            // Tuesday`) takes the day.
            let to_site = next_inst.is_some()
                || place.is_some_and(|p| found.entities[p].place_kind == Some(PlaceKind::Site));
            by_month = !to_site && !self.one_day(ts, te, written);
        }
        if people.is_empty()
            && matches!(
                kind,
                EventType::Meeting | EventType::Call | EventType::Visit | EventType::Appointment
            )
        {
            return;
        }
        self.bodies_of(kind, ts, &people, (seg_start, seg_end), &mut others);
        if people.is_empty() && others.is_empty() {
            return;
        }
        let base = Draft {
            kind,
            date,
            place,
            persons: people,
            others,
            trigger: (ts, te),
            by_month,
            seen: Default::default(),
        };
        self.split(base, definite, seg_end, out);
    }

    /// Trigger filtering: whether trigger `n` tells an event here.
    fn keeps(&self, n: usize) -> bool {
        let doc = self.doc;
        let (kind, ts, te) = self.hits[n];
        let before = |k: usize| self.before(ts, k);
        // `since he took office`: background, not news; `all signed
        // agreements`: an adjective
        if before(1) == "since" || before(2) == "since" {
            return false;
        }
        if kind == EventType::Signing
            && doc.word(ts) == "signed"
            && matches!(before(1), "all" | "the" | "these" | "those" | "previously")
        {
            return false;
        }
        // words that make an event only in some company: `named X as`,
        // `sent 300 troops`, `exchanged memoranda`, `a meeting of the Council`
        if !trigger_fits(doc, self.found, kind, ts, te, self.b) {
            return false;
        }
        // `called for a vote`, `called it a step`: no phone call; one is
        // made to someone (`called President NAME`, `called his counterpart`)
        if kind == EventType::Call && te == ts + 1 && doc.word(ts) == "called" {
            let next = doc.word(te);
            let to_someone = next.chars().next().is_some_and(char::is_uppercase)
                || matches!(next, "his" | "her" | "their" | "its");
            if !to_someone
                || doc
                    .tokens
                    .get(te)
                    .is_none_or(|t| t.sentence != doc.tokens[ts].sentence)
            {
                return false;
            }
        }
        // `agreed to promptly hold a dialogue`, `proposed jointly organising
        // seminars`: an activity agreed or proposed, with no date, is no
        // event (FORMAT.md Conventions)
        if self.agreed_activity(ts) {
            return false;
        }
        // `a press conference`: a briefing, not a conference
        if kind == EventType::Conference && matches!(before(1), "press" | "news") {
            return false;
        }
        // `the sacked minister`, `a detained reporter`: a participle used
        // as an adjective tells no event
        if te == ts + 1
            && doc.word(ts).ends_with("ed")
            && matches!(
                before(1),
                "the" | "a" | "an" | "his" | "her" | "its" | "their" | "these" | "those"
            )
        {
            return false;
        }
        if self.received_visit(&self.hits[n]) {
            return false;
        }
        let receives = |w: &str| matches!(w, "received" | "receives" | "receiving");
        // `hosted a solemn ceremony`: the ceremony is the event
        // and `received a phone call`: the call is
        !(kind == EventType::Meeting
            && matches!(
                doc.word(ts),
                "hosted" | "hosts" | "hosting" | "received" | "receives"
            )
            && te == ts + 1
            && self.hits.iter().any(|h| {
                h.1 > te && h.1 <= te + 4 && !(h.0 == EventType::Visit && receives(doc.word(ts)))
            }))
    }

    /// Whether the trigger at token `ts` names what someone agreed to or
    /// proposed (`agreed to hold`, `proposed organising`), a few words
    /// before it in the same clause, with no date written after it.
    fn agreed_activity(&self, ts: usize) -> bool {
        let doc = self.doc;
        let mut agreed = false;
        for k in 1..=AGREED_WORDS {
            let w = self.before(ts, k);
            if w.is_empty() || matches!(w, "," | ";" | ":" | "and" | "but") {
                break;
            }
            let next = if k > 1 {
                self.before(ts, k - 1)
            } else {
                doc.word(ts)
            };
            if (matches!(w, "agreed" | "agree" | "agrees" | "agreeing") && next == "to")
                || matches!(
                    w,
                    "proposed" | "propose" | "proposes" | "proposing" | "suggested" | "suggest"
                )
            {
                agreed = true;
                break;
            }
        }
        let at = doc.tokens[ts].start as usize;
        agreed && !self.dates.iter().any(|d| d.start > at)
    }

    /// Whether hit `h` cuts the sentence into segments (`visiting` before
    /// a name is an adjective: it cuts nothing).
    fn cuts(&self, h: &(EventType, usize, usize)) -> bool {
        !is_visiting_adjective(self.doc, h.1, h.2) && !self.received_visit(h)
    }

    /// Whether hit `h` is the visit of `received an honorary visit from
    /// X`: a reception of the visitor, whose meeting is the event.
    fn received_visit(&self, h: &(EventType, usize, usize)) -> bool {
        let receives = |w: &str| matches!(w, "received" | "receives" | "receiving");
        h.0 == EventType::Visit
            && self.hits.iter().any(|m| {
                m.0 == EventType::Meeting
                    && m.2 == m.1 + 1
                    && receives(self.doc.word(m.1))
                    && m.2 <= h.1
                    && h.1 <= m.2 + 3
            })
    }

    /// A trigger's own stretch of the sentence, whose people are its own:
    /// from the previous trigger to the next one (`During the visit, Trac
    /// met with A`).
    fn segment(&self, n: usize) -> (usize, usize) {
        let doc = self.doc;
        let (kind, ts, te) = self.hits[n];
        // (`held talks with A, and laid a wreath`: A is the object of the
        // talks, not a party to the wreath)
        let seg_start = self.hits[..n]
            .iter()
            .rev()
            .find(|h| self.cuts(h))
            .map_or(self.a, |h| {
                // (but `met Y on the sidelines of the summit`: Y is there)
                let sidelines = (ts.saturating_sub(4)..ts)
                    .any(|i| matches!(doc.word(i), "sidelines" | "margins" | "sideline"));
                if matches!(h.0, EventType::Meeting | EventType::Call) && kind != h.0 && !sidelines
                {
                    ts
                } else {
                    h.2.min(ts)
                }
            });
        let seg_end = self.hits[n + 1..]
            .iter()
            .find(|h| self.cuts(h))
            .map_or(self.b, |h| h.1.max(te));
        (seg_start, seg_end)
    }

    /// Date: the date written nearest the trigger, leaving out the
    /// dateline, the date a statement was made (`..., the minister said on
    /// Wednesday`) and dates on the other side of a `, who ...,` clause;
    /// else the date of an event the sentence refers to (`After the talks,
    /// they signed`), the day of the gathering told just before, or the
    /// article's month for news told as it happens.
    fn date_of(&self, n: usize) -> Dated {
        let doc = self.doc;
        let (kind, ts, _) = self.hits[n];
        let trigger_byte = doc.tokens[ts].start as usize;
        // (nor dates beyond a journey told after this trigger: `tour the
        // school before leaving for Caracas on Saturday`)
        let journey = self.hits[n + 1..]
            .iter()
            .find(|h| h.0 == EventType::Visit && self.cuts(h))
            .map_or(usize::MAX, |h| doc.tokens[h.1].start as usize);
        // `the talks, which took place on Friday`: a clause opening right
        // after the trigger tells of its event
        let trigger_end = doc.tokens[self.hits[n].2 - 1].end as usize;
        let own_clause = self
            .clauses
            .iter()
            .find(|c| c.0 == trigger_end)
            .map(|c| c.0);
        // `the first visit to India ... since 2012`: since when, not when
        let first_since = (1..=3).any(|k| self.before(ts, k) == "first");
        let date = self
            .dates
            .iter()
            .filter(|d| {
                d.start < journey
                    && !in_dateline(doc.text, d.start)
                    && !(first_since && doc.text[..d.start].trim_end().ends_with("since"))
                    && !(statement_date(doc.text, d.start)
                        && (d.start > trigger_byte
                            || reported_after(doc.text, d.end, trigger_byte)))
                    && (self.clause_of(d.start) == self.clause_of(trigger_byte)
                        || (own_clause.is_some() && self.clause_of(d.start) == own_clause))
            })
            .min_by_key(|d| {
                if d.start >= trigger_byte {
                    d.start - trigger_byte
                } else {
                    trigger_byte - d.end
                }
            })
            .map(|d| d.date)
            // `After the talks, they signed`: the date of the talks
            .or_else(|| {
                self.hits
                    .iter()
                    .filter(|h| {
                        h.1 != ts && h.1 > self.a && matches!(doc.word(h.1 - 1), "the" | "The")
                    })
                    .find_map(|h| self.context.event_dates.latest_of(h.0))
            });
        let written = date.is_some();
        // an encounter with no date of its own, told a few sentences after
        // a gathering of a known day, happened during it (FORMAT.md,
        // Conventions: the day of the enclosing event)
        // (`his visit to Ukraine`, `a trip to the United States`: a journey
        // only mentioned, with no date of its own, is not news of the
        // month: FORMAT.md Conventions, never the article date by default)
        // (nor a journey still to come: `will pay a working trip to
        // Argentina`, `the upcoming Russia visit`)
        let mentioned = kind == EventType::Visit
            && (self.mentioned_journey(n)
                || future_before(doc.text, doc.tokens[ts].start as usize)
                || (ts..self.hits[n].2).any(|i| matches!(doc.word(i), "will" | "upcoming")));
        // (a one-day visit told after the day's talks: that day)
        let enclosing_kind = if kind == EventType::Visit && self.says_one_day() {
            EventType::Meeting
        } else {
            kind
        };
        let date = date
            .or_else(|| enclosing_day(enclosing_kind, self.s, self.context))
            .or_else(|| {
                if mentioned {
                    None
                } else {
                    fallback_date(kind, self.context.article_date)
                }
            });
        Dated { date, written }
    }

    /// Whether the visit of trigger `ts..te` lasted the day written for it:
    /// `a one-day working visit`, or `visited Kazakhstan on May 27` with no
    /// length of days told in the sentence (FORMAT.md Conventions: multi-day
    /// visits get the month unless a single day is stated).
    fn one_day(&self, ts: usize, te: usize, written: bool) -> bool {
        let doc = self.doc;
        if self.says_one_day() {
            return true;
        }
        if !written || self.dates.is_empty() {
            return false;
        }
        let words = || (self.a..self.b).map(|i| doc.word(i));
        let days =
            words().any(|w| w.ends_with("-day") || matches!(w, "days" | "week" | "week-long"));
        te == ts + 1 && matches!(doc.word(ts), "visited") && !days
    }

    /// `a one-day working visit`
    fn says_one_day(&self) -> bool {
        (self.a..self.b).any(|i| matches!(self.doc.word(i), "one-day" | "day-long" | "daylong"))
    }

    /// Whether visit trigger `n` is a bare noun (`trip to`, `visit`)
    /// after a possessive or an article (`his visit to`, `a two-day trip
    /// to`, `X's recent trips to`): a journey named, not told.
    fn mentioned_journey(&self, n: usize) -> bool {
        let doc = self.doc;
        let (_, ts, te) = self.hits[n];
        let noun = (ts..te).all(|i| matches!(doc.word(i), "trip" | "trips" | "visit" | "to"))
            && matches!(doc.word(ts), "trip" | "trips" | "visit");
        if !noun {
            return false;
        }
        // (past one adjective: `two-day`, `recent`)
        (1..=2).any(|k| {
            let w = self.before(ts, k);
            matches!(w, "his" | "her" | "their" | "a" | "'s" | "’s")
                || (k == 1 && doc.class(ts - 1) == Class::Poss)
                || (k == 2 && ts >= self.a + 2 && doc.class(ts - 2) == Class::Poss)
        })
    }

    /// Participants: the persons who take part in trigger `n`'s event.
    fn people_of(&self, n: usize, seg_start: usize, seg_end: usize) -> Vec<usize> {
        let (doc, found, a, b) = (self.doc, self.found, self.a, self.b);
        let (kind, ts, te) = self.hits[n];
        let persons = self.persons;
        let trigger_byte = doc.tokens[ts].start as usize;
        let mut people: Vec<usize> = Vec::new();
        // `X, who was elected ...`: the relative clause is about X alone
        let who = (ts.saturating_sub(8).max(a)..ts)
            .rev()
            .take_while(|&i| doc.class(i) != Class::Comma)
            .find(|&i| doc.word(i) == "who");
        // (`X, Minister of Foreign Affairs of Somalia, who is visiting`)
        let relative_to = who.and_then(|w| {
            (w.saturating_sub(16).max(a)..w)
                .rev()
                .take_while(|&i| {
                    w - i <= 2 || found.owner[i].is_some() || doc.class(i) != Class::Lower
                })
                .find_map(|i| found.owner[i].filter(|&id| found.entities[id].kind == Kind::Person))
        });
        if let Some(p) = relative_to {
            people.push(p);
            // and those named after the trigger (`who came to attend a
            // ceremony marking Fidel Castro's trip`)
            if kind != EventType::Visit {
                for (q, i) in persons {
                    if *i >= te && *i < seg_end && !people.contains(q) && !speaker(doc, *i, te, b) {
                        people.push(*q);
                    }
                }
            }
        } else if kind == EventType::Visit {
            people.extend(visitor(doc, found, ts, te, b).or(self.subject));
            // `hosted visiting Foreign Minister X`: the visitor is X
            if let Some(v) = visiting_adjective(doc, found, ts, te, b) {
                people.clear();
                people.push(v);
            }
        } else if kind != EventType::Deployment {
            if let Some(p) = self.subject {
                people.push(p);
            }
            // (not one named only inside a `, who ...,` clause the trigger
            // is outside of: `X, who came at Y's invitation, laid a wreath`)
            let clause = self.clause_of(trigger_byte);
            // `In his meeting with X, Anwar said`: the one who speaks of
            // his own meeting had it
            let own = matches!(self.before(ts, 1), "his" | "her" | "His" | "Her");
            for (p, i) in persons {
                if *i >= seg_start
                    && *i < seg_end
                    && !people.contains(p)
                    && (own || !speaker(doc, *i, te, b))
                    && (clause.is_some() || self.clause_of(doc.tokens[*i].start as usize).is_none())
                {
                    people.push(*p);
                }
            }
            // `during which the two signed`: the two named before
            let group = (ts.saturating_sub(3).max(a)..ts)
                .any(|i| matches!(doc.word(i), "two" | "both" | "Both" | "they" | "They"));
            if group {
                for (p, i) in persons {
                    if *i < ts && !people.contains(p) && !speaker(doc, *i, te, b) {
                        people.push(*p);
                    }
                }
            }
            // `he and Hou co-chaired`: the person the text is about, too
            if !people.is_empty() && pronoun_and(doc, a, b) {
                if let Some(p) = self.context.subject.filter(|p| !people.contains(p)) {
                    people.push(p);
                }
            }
        }
        if people.is_empty() && kind != EventType::Deployment {
            people.extend(self.referred.iter().copied());
        }
        people
    }

    /// Place: a call has none (it joins people in different places); a
    /// visit's is its destination, after the trigger and before the next
    /// one (`tour the school before leaving for Caracas`); other events'
    /// a place after `in`/`at`.
    fn place_of(&self, kind: EventType, ts: usize, te: usize, seg_end: usize) -> Option<usize> {
        let (doc, found, a, b) = (self.doc, self.found, self.a, self.b);
        match kind {
            EventType::Call => None,
            EventType::Visit => first_country(found, te, seg_end)
                // `the upcoming Russia visit`
                .or_else(|| first_country(found, ts.saturating_sub(1).max(a), ts))
                .or_else(|| first_country(found, te, b))
                .or_else(|| place_for(doc, found, kind, te, seg_end))
                .or_else(|| place_for(doc, found, EventType::Other, a, b)),
            _ => place_for(doc, found, kind, te, b).or_else(|| place_for(doc, found, kind, a, b)),
        }
    }

    /// Institutions and countries taking part, added to `others`: the
    /// sentence's bodies and countries when no person is named; bodies
    /// named with a ceremony, conference or appointment; the countries and
    /// bodies that are the subject of the trigger.
    fn bodies_of(
        &self,
        kind: EventType,
        ts: usize,
        people: &[usize],
        (seg_start, seg_end): (usize, usize),
        others: &mut Vec<usize>,
    ) {
        let (doc, found, a, b) = (self.doc, self.found, self.a, self.b);
        if people.is_empty() {
            others.extend(
                entities_in(found, a, b, Kind::Institution)
                    .into_iter()
                    .filter(|&(_, i)| !honoured(doc, found, a, i))
                    .map(|x| x.0),
            );
            for (p, i) in entities_in(found, a, b, Kind::Place) {
                if takes_part(found, p) && !others.contains(&p) && !in_body_name(found, p, i) {
                    others.push(p);
                }
            }
        }
        // `a ceremony ... for the Sassari Brigade`, `elected X as its
        // vice-president of the Senate`: bodies named with the trigger
        if !people.is_empty()
            && matches!(
                kind,
                EventType::Ceremony | EventType::Conference | EventType::Appointment
            )
        {
            for (o, i) in entities_in(found, seg_start, seg_end, Kind::Institution) {
                let in_title = doc.class(i.saturating_sub(1)) == Class::Of
                    && doc.class(i.saturating_sub(2)) == Class::Title;
                if !in_title && !honoured(doc, found, a, i) && !others.contains(&o) {
                    others.push(o);
                }
            }
        }
        // `received the Ambassadors of Panama, Singapore and Indonesia`:
        // the countries the unnamed guests represent
        if kind != EventType::Visit {
            for p in represented(doc, found, a, b) {
                if !others.contains(&p) {
                    others.push(p);
                }
            }
        }
        // `Kenya and Germany signed`: the countries and bodies that are
        // the subject of the trigger take part
        let subjects = if kind == EventType::Visit {
            // `the Chile visit`: a destination, told by `place`
            Vec::new()
        } else {
            subject_entities(doc, found, a, ts)
        };
        for p in subjects {
            if !others.contains(&p) {
                others.push(p);
            }
        }
    }

    /// Splitting: one visit per listed country (`visited Tonga, the Cook
    /// Islands and Samoa`), one meeting per guest of one host when the
    /// meetings were separate; else the one event.
    fn split(&self, base: Draft, definite: bool, seg_end: usize, out: &mut Vec<(Draft, bool)>) {
        let (doc, a, b) = (self.doc, self.a, self.b);
        let (ts, te) = base.trigger;
        let separate = || {
            (a..b).any(|i| doc.class(i) == Class::Semicolon || doc.word(i).starts_with("separate"))
                || several_meetings(doc, ts, te)
        };
        let destinations = if base.kind == EventType::Visit {
            destination_list(doc, self.found, te, seg_end)
        } else {
            Vec::new()
        };
        let people = &base.persons;
        if destinations.len() >= 2 {
            for &p in &destinations {
                let mut d = base.clone();
                d.others.retain(|o| Some(*o) != base.place);
                d.place = Some(p);
                if !d.others.contains(&p) {
                    d.others.insert(0, p);
                }
                out.push((d, false));
            }
        } else if base.kind == EventType::Meeting
            && people.len() <= 1
            && several_meetings(doc, ts, te)
            && {
                let listed = represented(doc, self.found, te, seg_end);
                listed.len() >= 2
            }
        {
            // `held bilateral meetings with his counterparts from A, B and
            // C`: one meeting per country (FORMAT.md Conventions)
            let listed = represented(doc, self.found, te, seg_end);
            for &c in &listed {
                let mut d = base.clone();
                d.others.retain(|o| !listed.contains(o));
                d.others.push(c);
                out.push((d, false));
            }
        } else if base.kind == EventType::Meeting
            && people.len() >= 3
            && self.subject.is_some()
            && separate()
        {
            for guest in &people[1..] {
                let mut d = base.clone();
                d.persons = vec![people[0], *guest];
                out.push((d, false));
            }
        } else {
            out.push((base, definite));
        }
    }
}

/// `the 78th founding anniversary of the Vietnam People's Army`: the body
/// whose anniversary is marked (at token `i`) is honoured, not present.
fn honoured(doc: &Doc, found: &Found, a: usize, i: usize) -> bool {
    let mut k = i;
    // (back over a place word opening the name: `Vietnam People's Army`)
    while k > a && found.owner[k - 1].is_some_and(|id| found.entities[id].kind != Kind::Person) {
        k -= 1;
    }
    if k > a && matches!(doc.word(k - 1), "the" | "The") {
        k -= 1;
    }
    k >= a + 2 && doc.word(k - 1) == "of" && doc.word(k - 2).starts_with("anniversar")
}

/// Whether place `p`, named at token `i`, is part of a body's name (`the
/// Vietnam Embassy in Venezuela`): the body takes part, not the country.
fn in_body_name(found: &Found, p: usize, i: usize) -> bool {
    let is_body = |t: usize| {
        found
            .owner
            .get(t)
            .copied()
            .flatten()
            .is_some_and(|id| found.entities[id].kind == Kind::Institution)
    };
    let mut end = i;
    while found.owner.get(end).copied().flatten() == Some(p) {
        end += 1;
    }
    (i > 0 && is_body(i - 1)) || is_body(end)
}

/// What the events of one sentence tell each other: the destination of a
/// journey is where its other events take place (`will travel to Astana to
/// attend a meeting`); a welcome at an airport is `other`; a signing told
/// with a dated meeting or visit happened then.
fn settle(found: &Found, out: &mut [(Draft, bool)]) {
    if let Some(p) = out
        .iter()
        .find(|(d, _)| d.kind == EventType::Visit && d.place.is_some())
        .and_then(|(d, _)| d.place)
    {
        for (e, _) in out.iter_mut() {
            if e.place.is_none() && !matches!(e.kind, EventType::Visit | EventType::Call) {
                e.place = Some(p);
            }
        }
    }
    // `was received at the airport by`: a welcome on arrival is no meeting
    // (FORMAT.md, Conventions: an airport welcome is `other`)
    for (e, _) in out.iter_mut() {
        if e.kind == EventType::Meeting && e.place.is_some_and(|p| is_airport(found, p)) {
            e.kind = EventType::Other;
        }
    }
    // `Oyarzún met X, and the two signed an MoU`
    if let Some(d) = out
        .iter()
        .find(|(d, _)| d.kind != EventType::Signing && d.date.is_some())
        .and_then(|(d, _)| d.date)
    {
        for (e, _) in out.iter_mut() {
            if e.kind == EventType::Signing && e.date.is_none() {
                e.date = Some(d);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{institution, person, place};

    /// Runs `check` on the context of sentence `s` of `text` (published
    /// 2024-06-07), its subject the first person it names.
    fn with_sentence(text: &str, s: usize, check: impl FnOnce(&Sentence)) {
        let doc = Doc::new(text);
        let mut found = Found::new(&doc);
        place::recognize(&doc, &mut found);
        institution::recognize(&doc, &mut found);
        person::recognize(&doc, &mut found);
        let article_date = Date::day(2024, 6, 7);
        let context = Context {
            subject: None,
            recent: Vec::new(),
            dates: super::super::find_dates(text, article_date),
            article_date,
            event_dates: super::super::EventDates::default(),
        };
        let (a, b) = doc.sentence_tokens[s];
        let persons = entities_in(&found, a, b, Kind::Person);
        let subject = persons.first().map(|p| p.0);
        let sentence = Sentence::new(&doc, &found, s, subject, &persons, &context)
            .expect("the sentence has a trigger");
        check(&sentence);
    }

    fn names(sentence: &Sentence, ids: &[usize]) -> Vec<String> {
        ids.iter()
            .map(|&i| sentence.found.entities[i].name.clone())
            .collect()
    }

    fn trigger_words<'a>(sentence: &Sentence<'_, 'a>, n: usize) -> &'a str {
        let (_, ts, te) = sentence.hits[n];
        sentence.doc.span_text(ts, te)
    }

    #[test]
    fn trigger_filtering_drops_background_and_adjectives() {
        let text =
            "Minister Ana Ruiz, who has held talks since she took office, called for a vote.";
        with_sentence(text, 0, |s| {
            let kept: Vec<&str> = (0..s.hits.len())
                .filter(|&n| s.keeps(n))
                .map(|n| trigger_words(s, n))
                .collect();
            assert!(!kept.contains(&"took office"), "{kept:?}");
            assert!(!kept.contains(&"called"), "{kept:?}");
        });
    }

    #[test]
    fn a_later_trigger_does_not_take_the_object_of_talks() {
        let text = "Minister Ana Ruiz held talks with Minister Jorge Vela, and laid a wreath at the monument.";
        with_sentence(text, 0, |s| {
            let n = (0..s.hits.len())
                .find(|&n| s.hits[n].0 == EventType::Ceremony)
                .expect("a ceremony trigger");
            let (start, end) = s.segment(n);
            assert_eq!(names(s, &s.people_of(n, start, end)), ["Ana Ruiz"]);
            let m = (0..s.hits.len())
                .find(|&n| s.hits[n].0 == EventType::Meeting)
                .expect("a meeting trigger");
            let (start, end) = s.segment(m);
            assert_eq!(
                names(s, &s.people_of(m, start, end)),
                ["Ana Ruiz", "Jorge Vela"]
            );
        });
    }

    #[test]
    fn date_is_the_one_written_nearest_else_the_article_month() {
        with_sentence(
            "Minister Ana Ruiz met Minister Jorge Vela on Tuesday.",
            0,
            |s| {
                let d = s.date_of(0);
                assert!(d.written);
                assert_eq!(d.date, Date::day(2024, 6, 4));
            },
        );
        with_sentence("Minister Ana Ruiz met Minister Jorge Vela.", 0, |s| {
            let d = s.date_of(0);
            assert!(!d.written);
            assert_eq!(d.date, Date::month(2024, 6));
        });
    }

    #[test]
    fn place_of_a_visit_is_its_destination_and_a_call_has_none() {
        with_sentence("Minister Ana Ruiz arrived in Lima on Monday.", 0, |s| {
            let (kind, ts, te) = s.hits[0];
            let (_, end) = s.segment(0);
            let place = s.place_of(kind, ts, te, end);
            assert_eq!(names(s, &place.into_iter().collect::<Vec<_>>()), ["Lima"]);
            assert_eq!(s.place_of(EventType::Call, ts, te, end), None);
        });
    }

    #[test]
    fn bilateral_meetings_split_into_one_per_counterpart() {
        let text = "Minister Ana Ruiz held bilateral meetings with President Kiri Deiye and Minister Tomas Abeang.";
        with_sentence(text, 0, |s| {
            let mut out = Vec::new();
            for n in 0..s.hits.len() {
                s.event_of(n, &mut out);
            }
            let pairs: Vec<Vec<String>> = out.iter().map(|(d, _)| names(s, &d.persons)).collect();
            assert_eq!(
                pairs,
                [["Ana Ruiz", "Kiri Deiye"], ["Ana Ruiz", "Tomas Abeang"]]
            );
        });
    }

    #[test]
    fn settling_turns_an_airport_welcome_into_other() {
        let text = "Minister Ana Ruiz was welcomed by Minister Jorge Vela at Wattay International Airport.";
        with_sentence(text, 0, |s| {
            let mut out = Vec::new();
            for n in 0..s.hits.len() {
                s.event_of(n, &mut out);
            }
            settle(s.found, &mut out);
            assert!(out.iter().any(|(d, _)| d.kind == EventType::Other));
            assert!(!out.iter().any(|(d, _)| d.kind == EventType::Meeting));
        });
    }
}
