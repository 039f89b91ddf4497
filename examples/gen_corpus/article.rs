//! One article: a lead paragraph of a given kind (reception, visit, talks,
//! signing, conference, call, ceremony, appointment) and body paragraphs
//! drawn from pools, in the shapes real diplomatic and defence news has:
//! appositions, pre-nominal titles and ranks, coordinated roles, short
//! forms after the first mention, relative dates, institutions and places.

use super::calendar::{ordinal, Day};
use super::names::strip_diacritics;
use super::rng::Rng;
use super::world::{strip_acronym, Official, World};

/// How an outlet writes: Vietnamese diacritics or not, `12 March` or
/// `March 12`, a dateline or not.
#[derive(Debug, Clone, Copy)]
struct Style {
    diacritics: bool,
    day_first: bool,
    dateline: bool,
    curly_quotes: bool,
}

const FIELDS: &[&str] = &[
    "defence",
    "trade",
    "investment",
    "education and training",
    "agriculture",
    "energy",
    "digital transformation",
    "maritime security",
    "climate change response",
    "health care",
    "tourism",
    "science and technology",
    "culture",
    "labour",
    "transport",
    "finance",
    "UN peacekeeping",
    "military medicine",
    "defence industry",
    "search and rescue",
    "cybersecurity",
    "people-to-people exchange",
    "war consequence settlement",
    "logistics",
];
const AGREEMENTS: &[&str] = &[
    "a memorandum of understanding (MoU) on {f} cooperation",
    "an agreement on {f} cooperation",
    "a cooperation plan on {f} for the {y}-{z} period",
    "a letter of intent on {f}",
    "a memorandum of understanding on {f}",
];
const CONFERENCES: &[&str] = &[
    "{o} ASEAN Defence Ministers' Meeting",
    "{o} ASEAN Regional Forum",
    "{o} {h}-{g} Defence Policy Dialogue",
    "{o} meeting of the {h}-{g} Intergovernmental Committee",
    "International Conference on {f}",
    "{o} Asia-Pacific Economic Cooperation (APEC) Economic Leaders' Meeting",
    "{o} ASEAN Inter-Parliamentary Assembly (AIPA) General Assembly",
    "{h}-{g} Business Forum",
    "{o} Regional Workshop on {f}",
];
const ANNIVERSARIES: &[&str] = &[
    "the founding of the {d} People's Army",
    "the establishment of diplomatic relations between {h} and {g}",
    "the National Day of {g}",
    "the founding of the {p}",
    "the {h}-{g} comprehensive partnership",
];

/// The text of article `index` (deterministic for the world's seed).
pub fn write(world: &World, index: usize) -> String {
    let mut rng = Rng::keyed(world.seed, index as u64);
    let style = Style {
        diacritics: rng.chance(0.35),
        day_first: rng.chance(0.5),
        dateline: rng.chance(0.4),
        curly_quotes: rng.chance(0.5),
    };
    let date = Day::from_days(
        Day {
            year: 2015,
            month: 1,
            day: 1,
        }
        .to_days()
            + rng.below(4017) as i64,
    );
    let host = world.pick_country(&mut rng, None);
    let guest = world.pick_country(&mut rng, Some(host));
    let mut article = Writer {
        world,
        rng,
        style,
        date,
        host,
        guest,
        mentioned: Vec::new(),
        paragraphs: Vec::new(),
        cast: Vec::new(),
        used: Vec::new(),
    };
    let headline = article.lead();
    let target = article.rng.range(900, 2150);
    while article.len() < target && article.paragraphs.len() < 14 {
        article.body_paragraph();
    }
    let mut text = String::new();
    if article.rng.chance(0.9) {
        text.push_str(&format!(" date {date} "));
    }
    text.push_str(&headline);
    for paragraph in &article.paragraphs {
        text.push_str("\n\n");
        text.push_str(paragraph);
    }
    if article.rng.chance(0.3) {
        text.push_str("/.");
    }
    text.push('\n');
    text
}

struct Writer<'w> {
    world: &'w World,
    rng: Rng,
    style: Style,
    date: Day,
    host: usize,
    guest: usize,
    /// Full names already written (later mentions use the short form).
    mentioned: Vec<String>,
    paragraphs: Vec<String>,
    /// Officials of this article: host side first, then guest side.
    cast: Vec<Official>,
    /// Body templates used so far.
    used: Vec<usize>,
}

const BODY_TEMPLATES: usize = 18;

impl Writer<'_> {
    fn len(&self) -> usize {
        self.paragraphs.iter().map(|p| p.len() + 2).sum()
    }

    fn field(&mut self) -> &'static str {
        let field: &&'static str = self.rng.pick(FIELDS);
        field
    }

    /// A country's name inside a sentence (`the United States`).
    fn country(&self, i: usize) -> String {
        self.world.countries[i].name(self.style.diacritics)
    }

    /// A country's name in a headline or at the start of a sentence.
    fn country_bare(&self, i: usize) -> String {
        self.world.countries[i]
            .bare(self.style.diacritics)
            .to_string()
    }

    /// `n` different fields of cooperation.
    fn fields<const N: usize>(&mut self) -> [&'static str; N] {
        let mut fields = [""; N];
        for i in 0..N {
            let mut field = self.field();
            while fields[..i].contains(&field) {
                field = self.field();
            }
            fields[i] = field;
        }
        fields
    }

    fn demonym(&self, i: usize) -> String {
        self.world.countries[i].demonym.clone()
    }

    fn city(&mut self, i: usize) -> String {
        let c = &self.world.countries[i];
        c.city(&mut self.rng, self.style.diacritics).to_string()
    }

    fn quote(&self, text: &str) -> String {
        if self.style.curly_quotes {
            format!("“{text}”")
        } else {
            format!("\"{text}\"")
        }
    }

    /// An official of the host (`host = true`) or guest side, added to the
    /// cast; the guest side is sometimes the guest country's ambassador.
    fn official(&mut self, host: bool, ambassador: bool) -> Official {
        let country = if host { self.host } else { self.guest };
        let official = if !host && ambassador && self.rng.chance(0.25) {
            self.world.ambassador(self.guest, self.host)
        } else {
            self.world.pick_official(&mut self.rng, country)
        };
        self.cast.push(official.clone());
        official
    }

    fn person_name(&self, o: &Official) -> String {
        let vietnamese = self.world.countries[o.country].canonical == "Việt Nam";
        if vietnamese && !self.style.diacritics {
            strip_diacritics(&o.name.full)
        } else {
            o.name.full.clone()
        }
    }

    fn short_name(&self, o: &Official) -> String {
        let vietnamese = self.world.countries[o.country].canonical == "Việt Nam";
        if vietnamese && !self.style.diacritics {
            strip_diacritics(&o.name.short)
        } else {
            o.name.short.clone()
        }
    }

    /// A mention of `o`: the full form the first time (apposition or
    /// pre-nominal title, with rank), a short form afterwards. `comma`
    /// closes an apposition when the sentence goes on after it.
    fn mention(&mut self, o: &Official, comma: bool) -> String {
        let name = self.person_name(o);
        if self.mentioned.contains(&name) {
            return self.short_mention(o);
        }
        self.mentioned.push(name.clone());
        let honorific = o.honorific.map_or(String::new(), |h| format!("{h} "));
        let rank = o.rank.map_or(String::new(), |r| format!("{r} "));
        let foreign = o.country != self.host;
        if self.rng.chance(0.45) {
            let role = match &o.also {
                Some(also) => format!("{also} and {}", o.position.post),
                None => o.position.post.clone(),
            };
            let close = if comma { "," } else { "" };
            format!("{rank}{honorific}{name}, {role}{close}")
        } else {
            let demonym = if foreign || self.rng.chance(0.2) {
                format!("{} ", self.world.countries[o.country].demonym)
            } else {
                String::new()
            };
            format!("{demonym}{} {rank}{honorific}{name}", o.position.pre)
        }
    }

    fn short_mention(&mut self, o: &Official) -> String {
        let short = self.short_name(o);
        match self.rng.below(4) {
            0 => format!("{} {short}", o.position.short),
            1 if o.rank.is_some() => format!("General {short}"),
            _ => short,
        }
    }

    /// A date relative to the article's: `today`, `on Tuesday`, `last
    /// week`, `on 12 March`; the phrase includes its preposition.
    fn when(&mut self) -> String {
        self.when_from(0)
    }

    /// A date at least `min_back` days before the article's.
    fn when_from(&mut self, min_back: i64) -> String {
        let back = min_back + self.rng.zipf(40, 1.2) as i64;
        let day = self.date.plus(-back);
        match back {
            0 if self.rng.chance(0.5) => "today".to_string(),
            1 if self.rng.chance(0.5) => "yesterday".to_string(),
            0..=6 => format!("on {}", day.weekday()),
            7..=13 if self.rng.chance(0.5) => "last week".to_string(),
            _ => format!("on {}", day.spoken(self.style.day_first)),
        }
    }

    fn dateline(&mut self) -> String {
        if !self.style.dateline {
            return String::new();
        }
        let city = self.city(self.host);
        match self.rng.below(3) {
            0 => format!("{} — ", city.to_uppercase()),
            1 => format!("{city} (VNA) – "),
            _ => format!(
                "{}, {} — ",
                city.to_uppercase(),
                self.date.spoken(self.style.day_first)
            ),
        }
    }

    /// Writes the lead paragraph and returns the headline.
    fn lead(&mut self) -> String {
        let kind = self.rng.below(100);
        let a = self.official(true, false);
        // An ambassador is received, calls or attends; a visit or talks are
        // for officials from home.
        let b = self.official(false, !(25..=69).contains(&kind));
        let (h, g) = (self.country(self.host), self.country(self.guest));
        let (hb, gb) = (self.country_bare(self.host), self.country_bare(self.guest));
        let dateline = self.dateline();
        let city = self.city(self.host);
        let when = self.when();
        let field = self.field();
        let (headline, lead) = match kind {
            0..=24 => {
                let (ma, mb) = (self.mention(&a, true), self.mention(&b, true));
                let lead = if self.rng.chance(0.5) {
                    format!("{ma} hosted a reception for {mb} in {city} {when}.")
                } else {
                    format!("{hb} attaches importance to strengthening its {field} cooperation with {g}, {ma} told {mb} at a reception in {city} {when}.")
                };
                (
                    format!(
                        "{} receives {} {}",
                        a.position.pre,
                        self.demonym(self.guest),
                        b.position.pre
                    ),
                    lead,
                )
            }
            25..=44 => {
                let (mb, ma) = (self.mention(&b, true), self.mention(&a, false));
                let days = self.rng.range(2, 5) as i64;
                let (from, to) = (self.date.plus(-1), self.date.plus(days - 1));
                let (from, to) = (
                    from.spoken(self.style.day_first),
                    to.spoken(self.style.day_first),
                );
                let lead = match self.rng.below(3) {
                    0 => format!("{mb} paid an official visit to {h} from {from} to {to} at the invitation of {ma}."),
                    1 => format!("{mb} arrived in {city} {when}, beginning a {days}-day official visit to {h} at the invitation of {ma}."),
                    _ => format!("At the invitation of {ma}, a high-level delegation led by {mb} paid a working visit to {h} {when}."),
                };
                (format!("{gb}, {hb} boost {field} cooperation"), lead)
            }
            45..=59 => {
                let (ma, mb) = (self.mention(&a, true), self.mention(&b, true));
                let lead = format!("{ma} held talks with {mb} in {city} {when}, discussing measures to deepen {field} cooperation between {h} and {g}.");
                (format!("{hb}, {gb} hold talks on {field} ties"), lead)
            }
            60..=69 => {
                let (ma, mb) = (self.mention(&a, true), self.mention(&b, true));
                let agreement = self.agreement(field);
                let lead = format!("{ma} and {mb} signed {agreement} in {city} {when}.");
                (format!("{hb}, {gb} sign deal on {field} cooperation"), lead)
            }
            70..=79 => {
                let conference = self.conference(field);
                let ma = self.mention(&a, true);
                let countries = self.rng.range(5, 40);
                let lead = format!("The {conference} opened in {city} {when}, with the participation of delegations from {countries} countries. {ma} attended and delivered a speech at the opening session.");
                (format!("{conference} opens in {city}"), lead)
            }
            80..=89 => {
                let (ma, mb) = (self.mention(&a, true), self.mention(&b, true));
                let lead = if self.rng.chance(0.5) {
                    format!(
                        "{ma} held a phone call with {mb} {when} to discuss {field} cooperation."
                    )
                } else {
                    format!("In a phone conversation {when}, {ma} and {mb} agreed to step up {field} cooperation between the two countries.")
                };
                (
                    format!(
                        "{} holds phone talks with {} counterpart",
                        a.position.pre,
                        self.demonym(self.guest)
                    ),
                    lead,
                )
            }
            90..=96 => {
                let anniversary = self.anniversary();
                let (ma, mb) = (self.mention(&a, true), self.mention(&b, false));
                let years = self.rng.range(5, 80);
                let lead = format!("A ceremony was held in {city} {when} to mark the {} anniversary of {anniversary}. Attending the ceremony were {ma} and {mb}.", ordinal(years));
                (
                    format!(
                        "{} anniversary of {anniversary} marked in {city}",
                        ordinal(years)
                    ),
                    lead,
                )
            }
            _ => {
                let post = a.position.post.clone();
                let name = self.person_name(&a);
                self.mentioned.push(name.clone());
                let lead = format!("The National Assembly of {h} {when} elected {name} as {post}, with a majority of votes.");
                (format!("{name} elected {post}"), lead)
            }
        };
        let attending = if self.rng.chance(0.5) {
            let (c, d) = (self.official(true, false), self.official(false, true));
            let (mc, md) = (self.mention(&c, true), self.mention(&d, false));
            format!(" Also present were {mc} and {md}.")
        } else {
            String::new()
        };
        self.paragraphs.push(format!("{dateline}{lead}{attending}"));
        headline
    }

    fn agreement(&mut self, field: &str) -> String {
        let year = self.date.year as usize;
        self.rng
            .pick(AGREEMENTS)
            .replace("{f}", field)
            .replace("{y}", &year.to_string())
            .replace("{z}", &(year + 5).to_string())
    }

    fn conference(&mut self, field: &str) -> String {
        let number = ordinal(self.rng.range(2, 60));
        self.rng
            .pick(CONFERENCES)
            .replace("{o}", &number)
            .replace("{h}", &self.country_bare(self.host))
            .replace("{g}", &self.country_bare(self.guest))
            .replace("{f}", field)
    }

    fn anniversary(&mut self) -> String {
        let party = self.world.countries[self.guest].party.map_or(
            "National Assembly of ".to_string() + &self.country(self.guest),
            |p| strip_acronym(p).to_string(),
        );
        self.rng
            .pick(ANNIVERSARIES)
            .replace("{d}", &self.demonym(self.guest))
            .replace("{h}", &self.country(self.host))
            .replace("{g}", &self.country(self.guest))
            .replace("{p}", &party)
    }

    /// Someone already in the article, host side or guest side.
    fn someone(&mut self, host: bool) -> Official {
        let country = if host { self.host } else { self.guest };
        let on_side: Vec<&Official> = self.cast.iter().filter(|o| o.country == country).collect();
        match on_side.as_slice() {
            [] => self.official(host, true),
            side => (*self.rng.pick(side)).clone(),
        }
    }

    /// A body paragraph of a template not used yet in this article.
    fn body_paragraph(&mut self) {
        let mut template = self.rng.below(BODY_TEMPLATES);
        for _ in 0..8 {
            if !self.used.contains(&template) {
                break;
            }
            template = self.rng.below(BODY_TEMPLATES);
        }
        self.used.push(template);
        let host = self.rng.chance(0.5);
        let o = self.someone(host);
        let who = self.mention(&o, true);
        let paragraph = self.body(template, host, &who);
        self.paragraphs.push(paragraph);
    }

    fn body(&mut self, template: usize, host: bool, who: &str) -> String {
        let (h, g) = (self.country(self.host), self.country(self.guest));
        let [f1, f2, f3] = self.fields::<3>();
        match template {
            0 => format!("At the event, {who} laid stress on the fruitful {f1} cooperation between the two countries in the past decade, particularly in the fields of {f2}, {f3} and exchange of delegations at all levels."),
            1 => format!("{who} said both sides should bolster collaborative ties in {f1} and {f2}, contributing to peace, stability and development in the region and the world."),
            2 => format!("Priority should be given to {f1}, {f2} and {f3}, {who} highlighted."),
            3 => {
                let q = self.quote(&format!("We highly value our {f1} cooperation with {} and wish to expand it in the time to come,", if host { &g } else { &h }));
                format!("{q} {who} said.")
            }
            4 => format!("The {} side, for its part, expressed the hope that {} and {h} will enhance cooperative ties, contributing to concretising all signed agreements as well as boosting the bilateral {f1} ties.", self.demonym(self.guest), self.country_bare(self.guest)),
            5 => "The two sides agreed to promote the effective implementation of the agreements signed, maintain exchanges of delegations at all levels and enhance coordination at international and regional forums such as the United Nations and ASEAN.".to_string(),
            6 => {
                let billion = self.rng.range(1, 180);
                let percent = self.rng.range(2, 35);
                let year = self.date.year - 1;
                format!("Bilateral trade reached US${billion} billion in {year}, up {percent} per cent from the previous year, according to the Ministry of Industry and Trade of {h}.")
            }
            7 => {
                let when = self.when_from(1);
                let city = self.city(self.host);
                format!("Earlier, {when}, {who} visited the Ministry of National Defence of {h} in {city} and laid flowers at the national memorial.")
            }
            8 => {
                let city = self.city(self.host);
                let d = self.demonym(self.guest);
                format!("On this occasion, {who} asked the {d} Embassy in {city} to continue serving as a bridge between the two countries, especially in {f1}.")
            }
            9 => {
                let other = self.official(!host, true);
                let whom = self.mention(&other, false);
                let when = self.when();
                format!("Also {when}, {who} met with {whom} to discuss cooperation in {f1} and {f2}.")
            }
            10 => {
                let conference = self.conference(f1);
                let city = self.city(if host { self.guest } else { self.host });
                format!("{who} also proposed that the two sides coordinate closely to organise the {conference} in {city} next year.")
            }
            11 => {
                let agreement = self.agreement(f1);
                let other = self.official(!host, false);
                let whom = self.mention(&other, false);
                format!("Following the talks, {who} and {whom} witnessed the signing of {agreement}.")
            }
            12 => format!("{who} briefed the guests on {h}'s socio-economic situation and its foreign policy of independence, self-reliance, multilateralisation and diversification of relations, and said {h} considers {g} a reliable partner in {f1}."),
            13 => {
                let party = self.world.countries[self.host].party.map_or(format!("Government of {h}"), |p| p.to_string());
                format!("{who} thanked the {party} for its support and said the visit would open up new opportunities for cooperation in {f1} and {f2}.")
            }
            14 => {
                let city = self.city(self.guest);
                let when = self.when_from(7);
                format!("{who} recalled that the two countries' leaders had agreed in {city} {when} to upgrade their relations, and called for a roadmap for cooperation in {f1}.")
            }
            15 => {
                let n = self.rng.range(2, 12);
                format!("Over the past year, {h} has sent {n} officers to take part in UN peacekeeping missions, and the two sides discussed sharing experience in {f1}, {who} said.")
            }
            16 => {
                let ministry = if host { format!("Ministry of Foreign Affairs of {h}") } else { format!("Ministry of Foreign Affairs of {g}") };
                format!("According to a statement issued by the {ministry}, the two sides also exchanged views on regional and international issues of mutual concern, including the East Sea issue.")
            }
            _ => {
                let month = self.date.plus(30 + self.rng.below(60) as i64).month_name();
                let city = self.city(self.guest);
                format!("{who} invited {} leaders to visit {city} in {month}, and the invitation was accepted with pleasure.", self.demonym(if host { self.guest } else { self.host }))
            }
        }
    }
}
