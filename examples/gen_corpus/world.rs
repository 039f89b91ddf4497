//! The generated world: countries (names, demonyms and cities from the
//! lexicons in `data/lexicons/`), their institutions and officials. An
//! official is a pure function of the seed and a key, so every article that
//! mentions them gives the same name, rank and positions.

use super::names::{Culture, PersonName};
use super::rng::{mix, Rng};

const COUNTRIES_TXT: &str = include_str!("../../data/lexicons/countries.txt");
const CITIES_TXT: &str = include_str!("../../data/lexicons/cities.txt");

/// Countries in order of how often the news mentions them (a Vietnamese
/// outlet's view, as in the real corpus), with their naming culture and
/// ruling party when it has a politburo.
const COUNTRY_TABLE: &[(&str, Culture, Option<&str>)] = &[
    (
        "Việt Nam",
        Culture::Vietnamese,
        Some("Communist Party of Vietnam (CPV)"),
    ),
    (
        "China",
        Culture::Chinese,
        Some("Communist Party of China (CPC)"),
    ),
    ("United States", Culture::Anglo, None),
    ("Russia", Culture::Russian, Some("United Russia party")),
    (
        "Laos",
        Culture::Lao,
        Some("Lao People's Revolutionary Party (LPRP)"),
    ),
    ("Japan", Culture::Japanese, Some("Liberal Democratic Party")),
    ("Cuba", Culture::Hispanic, Some("Communist Party of Cuba")),
    (
        "Chile",
        Culture::Hispanic,
        Some("Communist Party of Chile (CPC)"),
    ),
    (
        "Malaysia",
        Culture::Malay,
        Some("United Malays National Organisation"),
    ),
    (
        "Indonesia",
        Culture::Malay,
        Some("Indonesian Democratic Party of Struggle"),
    ),
    ("Australia", Culture::Anglo, Some("Australian Labor Party")),
    ("Singapore", Culture::Chinese, Some("People's Action Party")),
    ("France", Culture::European, None),
    ("United Kingdom", Culture::Anglo, Some("Labour Party")),
    (
        "Germany",
        Culture::European,
        Some("Social Democratic Party of Germany"),
    ),
    (
        "Venezuela",
        Culture::Hispanic,
        Some("United Socialist Party of Venezuela"),
    ),
    (
        "Mexico",
        Culture::Hispanic,
        Some("National Regeneration Movement"),
    ),
    ("New Zealand", Culture::Anglo, None),
    ("Argentina", Culture::Hispanic, None),
    (
        "Brazil",
        Culture::Hispanic,
        Some("Workers' Party of Brazil"),
    ),
    ("Egypt", Culture::Arabic, None),
    ("Saudi Arabia", Culture::Arabic, None),
    ("Qatar", Culture::Arabic, None),
    ("United Arab Emirates", Culture::Arabic, None),
    (
        "South Africa",
        Culture::African,
        Some("African National Congress"),
    ),
    ("Nigeria", Culture::African, None),
    ("Kenya", Culture::African, None),
    ("Belarus", Culture::Russian, None),
    ("Kazakhstan", Culture::Russian, None),
    ("Philippines", Culture::Malay, None),
    ("Brunei", Culture::Malay, None),
    ("Italy", Culture::European, None),
    ("Poland", Culture::European, None),
    (
        "Spain",
        Culture::Hispanic,
        Some("Spanish Socialist Workers' Party"),
    ),
    ("Colombia", Culture::Hispanic, None),
    ("Peru", Culture::Hispanic, None),
    ("Uruguay", Culture::Hispanic, None),
    ("Ghana", Culture::African, None),
    ("Ethiopia", Culture::African, None),
    ("Tanzania", Culture::African, Some("Chama Cha Mapinduzi")),
    (
        "Mozambique",
        Culture::African,
        Some("Mozambique Liberation Front (FRELIMO)"),
    ),
    (
        "Angola",
        Culture::African,
        Some("People's Movement for the Liberation of Angola (MPLA)"),
    ),
    ("Senegal", Culture::African, None),
    ("Jordan", Culture::Arabic, None),
    ("Oman", Culture::Arabic, None),
    (
        "Algeria",
        Culture::Arabic,
        Some("National Liberation Front"),
    ),
    ("Morocco", Culture::Arabic, None),
    ("Canada", Culture::Anglo, Some("Liberal Party of Canada")),
];

/// One country as the articles name it.
#[derive(Debug, Clone)]
pub struct Country {
    /// Canonical name (`Việt Nam`), as in the lexicon.
    pub canonical: String,
    /// The name most English-language outlets print (`Vietnam`).
    pub plain: String,
    pub demonym: String,
    pub culture: Culture,
    pub party: Option<&'static str>,
    /// City names as printed (an ASCII alias when the canonical name has
    /// diacritics), capital first.
    pub cities: Vec<String>,
    /// Canonical city names (`Hà Nội`), same order.
    pub cities_canonical: Vec<String>,
}

impl Country {
    /// The name in an outlet's style (diacritics kept or not), as a
    /// headline prints it.
    pub fn bare(&self, diacritics: bool) -> &str {
        if diacritics {
            &self.canonical
        } else {
            &self.plain
        }
    }

    /// The name inside a sentence: `the United States`, `the Philippines`.
    pub fn name(&self, diacritics: bool) -> String {
        let bare = self.bare(diacritics);
        if needs_article(bare) {
            format!("the {bare}")
        } else {
            bare.to_string()
        }
    }

    /// The plain name inside a sentence (positions are always written so).
    pub fn plain_in_text(&self) -> String {
        self.name(false)
    }

    /// Whether the ruling party has a politburo and a central committee.
    pub fn communist(&self) -> bool {
        self.party
            .is_some_and(|p| p.contains("Communist") || p.contains("Revolutionary"))
    }

    /// A city, the capital most often.
    pub fn city(&self, rng: &mut Rng, diacritics: bool) -> &str {
        let i = if rng.chance(0.6) {
            0
        } else {
            rng.zipf(self.cities.len(), 1.3)
        };
        if diacritics {
            &self.cities_canonical[i]
        } else {
            &self.cities[i]
        }
    }
}

/// A position an official holds, as written after a name (apposition) and
/// before it (pre-nominal title).
#[derive(Debug, Clone)]
pub struct Position {
    /// `Deputy Minister of National Defence of Chile`.
    pub post: String,
    /// `Deputy Defence Minister`: the local pre-nominal form; foreign
    /// officials get the demonym in front.
    pub pre: String,
    /// `Minister`, `Premier`: the word before a short name.
    pub short: &'static str,
    pub military: bool,
}

/// A recurring person.
#[derive(Debug, Clone)]
pub struct Official {
    pub country: usize,
    pub name: PersonName,
    pub rank: Option<&'static str>,
    pub honorific: Option<&'static str>,
    pub position: Position,
    /// A second role for coordinated appositions (`Politburo member and ...`).
    pub also: Option<String>,
}

/// All countries and the rule that makes officials.
#[derive(Debug)]
pub struct World {
    pub seed: u64,
    pub countries: Vec<Country>,
    /// Officials per country; popularity within a country is Zipf-like.
    pub pool: usize,
}

const RANKS: &[&str] = &[
    "General",
    "Senior Lieutenant General",
    "Lieutenant General",
    "Major General",
    "Senior Colonel",
    "Colonel",
    "Rear Admiral",
    "Vice Admiral",
];

impl World {
    /// Reads the country and city lexicons; `articles` sizes the pool of
    /// officials so a larger archive also has more distinct people.
    pub fn new(seed: u64, articles: usize) -> Result<World, String> {
        let mut countries = Vec::new();
        for &(canonical, culture, party) in COUNTRY_TABLE {
            countries.push(country(canonical, culture, party)?);
        }
        Ok(World {
            seed,
            countries,
            pool: 60 + articles / 40,
        })
    }

    /// A country by popularity (`skip` is never returned, so a guest is
    /// never the host).
    pub fn pick_country(&self, rng: &mut Rng, skip: Option<usize>) -> usize {
        loop {
            let i = rng.zipf(self.countries.len(), 1.05);
            if Some(i) != skip {
                return i;
            }
        }
    }

    /// An official of `country`, popular ones most often.
    pub fn pick_official(&self, rng: &mut Rng, country: usize) -> Official {
        let slot = rng.zipf(self.pool, 1.15);
        self.official(country, slot)
    }

    /// The `slot`-th official of `country`; slots 0.. are the top posts.
    pub fn official(&self, country: usize, slot: usize) -> Official {
        let key = mix(((country as u64) << 32) | slot as u64);
        let mut rng = Rng::keyed(self.seed, key);
        let c = &self.countries[country];
        let position = position(c, &self.countries, slot, &mut rng);
        self.person(country, position, &mut rng, slot)
    }

    /// The ambassador of `from` to `to`.
    pub fn ambassador(&self, from: usize, to: usize) -> Official {
        let key = mix(0xA3B5_0000_0000_0000 ^ ((from as u64) << 20) ^ to as u64);
        let mut rng = Rng::keyed(self.seed, key);
        let (f, t) = (&self.countries[from], &self.countries[to]);
        let position = Position {
            post: format!(
                "Ambassador of {} to {}",
                f.plain_in_text(),
                t.plain_in_text()
            ),
            pre: format!("Ambassador to {}", t.plain_in_text()),
            short: "Ambassador",
            military: false,
        };
        self.person(from, position, &mut rng, usize::MAX)
    }

    fn person(&self, country: usize, position: Position, rng: &mut Rng, slot: usize) -> Official {
        let c = &self.countries[country];
        let name = c.culture.name(rng);
        let rank = (position.military && rng.chance(0.7)).then(|| *rng.pick(RANKS));
        let honorific = match c.culture {
            Culture::Malay if rng.chance(0.4) => {
                Some(*rng.pick(&["Datuk Seri", "Datuk", "Tan Sri"]))
            }
            Culture::Arabic if slot < 3 && rng.chance(0.5) => Some("Sheikh"),
            _ => None,
        };
        let also = match c.party {
            Some(party) if c.communist() && slot < 12 && rng.chance(0.6) => Some(if slot < 5 {
                "Politburo member".to_string()
            } else {
                format!("member of the {} Central Committee", strip_acronym(party))
            }),
            _ if position.post.starts_with("Minister of") && rng.chance(0.15) => {
                Some("Deputy Prime Minister".to_string())
            }
            _ => None,
        };
        Official {
            country,
            name,
            rank,
            honorific,
            position,
            also,
        }
    }
}

fn needs_article(name: &str) -> bool {
    name.starts_with("United ") || name == "Philippines"
}

/// `Communist Party of Chile (CPC)` → `Communist Party of Chile`.
pub fn strip_acronym(name: &str) -> &str {
    name.split(" (").next().unwrap_or(name)
}

/// The position of a slot: top posts first, then ministries, the army,
/// the party, cities, drawn at random.
fn position(c: &Country, all: &[Country], slot: usize, rng: &mut Rng) -> Position {
    let n = c.plain_in_text();
    let d = c.demonym.as_str();
    let p = |post: String, pre: &str, short: &'static str, military: bool| Position {
        post,
        pre: pre.to_string(),
        short,
        military,
    };
    let top = match (slot, c.party) {
        (0, _) => Some(p(
            format!("President of {n}"),
            "President",
            "President",
            false,
        )),
        (1, _) => Some(p(
            format!("Prime Minister of {n}"),
            "Prime Minister",
            "PM",
            false,
        )),
        (2, _) => Some(p(
            format!("Minister of Foreign Affairs of {n}"),
            "Foreign Minister",
            "Minister",
            false,
        )),
        (3, _) => Some(p(
            format!("Minister of National Defence of {n}"),
            "Defence Minister",
            "Minister",
            true,
        )),
        (4, Some(party)) => Some(p(
            format!("General Secretary of the {party}"),
            "Party General Secretary",
            "General Secretary",
            false,
        )),
        (5, _) => Some(p(
            format!("Chairman of the National Assembly of {n}"),
            "National Assembly Chairman",
            "Chairman",
            false,
        )),
        _ => None,
    };
    if let Some(top) = top {
        return top;
    }
    let city = c.cities[rng.below(c.cities.len())].clone();
    let other_country = &all[rng.below(all.len())];
    let (other, other_text) = (&other_country.plain, other_country.plain_in_text());
    let n_bare = &c.plain;
    match rng.below(22) {
        0 => p(format!("Deputy Minister of National Defence of {n}"), "Deputy Defence Minister", "Minister", true),
        1 => p(format!("Deputy Minister of Foreign Affairs of {n}"), "Deputy Foreign Minister", "Minister", false),
        2 => p(format!("Minister of Industry and Trade of {n}"), "Minister of Industry and Trade", "Minister", false),
        3 => p(format!("Minister of Agriculture and Rural Development of {n}"), "Minister of Agriculture and Rural Development", "Minister", false),
        4 => p(format!("Minister of Education and Training of {n}"), "Minister of Education and Training", "Minister", false),
        5 => p(format!("Minister of Public Security of {n}"), "Minister of Public Security", "Minister", true),
        6 => p(format!("Minister of Health of {n}"), "Health Minister", "Minister", false),
        7 => p(format!("Deputy Prime Minister of {n}"), "Deputy Prime Minister", "Deputy PM", false),
        8 => p(format!("Vice Chairwoman of the National Assembly of {n}"), "National Assembly Vice Chairwoman", "Vice Chairwoman", false),
        9 => p(format!("Chief of the General Staff of the {d} People's Army"), "Chief of the General Staff", "General", true),
        10 => p(format!("Deputy Chief of the General Staff of the {d} People's Army"), "Deputy Chief of the General Staff", "General", true),
        11 => p(format!("Commander of the {d} Navy"), "Navy Commander", "Commander", true),
        12 => p(format!("Director of the Foreign Relations Department of the Ministry of National Defence of {n}"), "Director of the Foreign Relations Department", "Director", true),
        13 => p(format!("Governor of the State Bank of {n}"), "State Bank Governor", "Governor", false),
        14 => p(format!("Mayor of {city}"), &format!("{city} Mayor"), "Mayor", false),
        15 => p(format!("Chairman of the People's Committee of {city}"), &format!("{city} People's Committee Chairman"), "Chairman", false),
        16 => p(format!("Defence Attaché of {n} to {other_text}"), &format!("Defence Attaché to {other_text}"), "Colonel", true),
        17 => p(format!("Chairwoman of the {n_bare}-{other} Friendship Parliamentarians' Group"), &format!("Chairwoman of the {n_bare}-{other} Friendship Parliamentarians' Group"), "Chairwoman", false),
        18 => p(format!("Minister of Planning and Investment of {n}"), "Minister of Planning and Investment", "Minister", false),
        19 => p(format!("Head of the Commission for External Relations of the {}", c.party.map_or(format!("National Assembly of {n}"), |x| strip_acronym(x).to_string() + " Central Committee")), "Head of the Commission for External Relations", "Head", false),
        20 => p(format!("Minister of Information and Communications of {n}"), "Minister of Information and Communications", "Minister", false),
        _ => p(format!("Minister of Natural Resources and Environment of {n}"), "Minister of Natural Resources and Environment", "Minister", false),
    }
}

/// One country from the lexicons: its demonym and cities.
fn country(
    canonical: &str,
    culture: Culture,
    party: Option<&'static str>,
) -> Result<Country, String> {
    let line = COUNTRIES_TXT
        .lines()
        .find(|l| l.split('|').next().map(str::trim) == Some(canonical))
        .ok_or_else(|| format!("country {canonical:?} is not in data/lexicons/countries.txt"))?;
    let fields: Vec<&str> = line.split('|').map(str::trim).collect();
    let aliases: Vec<&str> = fields.get(1).map_or(Vec::new(), |a| split_items(a));
    let demonym = fields
        .get(2)
        .and_then(|d| split_items(d).first().copied())
        .ok_or_else(|| format!("country {canonical:?} has no demonym in countries.txt"))?;
    let plain = if canonical.is_ascii() {
        canonical.to_string()
    } else {
        aliases.first().map_or(canonical, |a| *a).to_string()
    };
    let (mut cities, mut cities_canonical) = (Vec::new(), Vec::new());
    for line in CITIES_TXT.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('|').map(str::trim).collect();
        if fields.get(1) != Some(&canonical) {
            continue;
        }
        let name = fields[0];
        let aliases = fields.get(2).map_or(Vec::new(), |a| split_items(a));
        let ascii = if name.is_ascii() {
            name
        } else {
            aliases
                .iter()
                .find(|a| a.is_ascii())
                .copied()
                .unwrap_or(name)
        };
        cities.push(ascii.to_string());
        cities_canonical.push(name.to_string());
    }
    if cities.is_empty() {
        return Err(format!(
            "country {canonical:?} has no city in data/lexicons/cities.txt"
        ));
    }
    Ok(Country {
        canonical: canonical.to_string(),
        plain,
        demonym: demonym.to_string(),
        culture,
        party,
        cities,
        cities_canonical,
    })
}

fn split_items(field: &str) -> Vec<&str> {
    field
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}
