//! A deterministic, news-shaped synthetic graph for the query benchmarks,
//! built straight through the `Graph` API (no Cypher) so building a million
//! nodes takes seconds.
//!
//! Shape at `scale = 1.0`: 1,000,000 nodes (400k Person, 100k Role, 50k
//! Institution, 50k Place, 150k Event, 250k Article) and about 5.1 million
//! relationships: HOLDS (Person->Role), OF (Role->Institution), PART_OF
//! (Institution->Institution), LOCATED_IN (Institution/Event/Place->Place),
//! PARTICIPATED_IN (Person/Institution->Event) and MENTIONED_IN
//! (Person/Institution/Place/Event->Article). Mentions are skewed, as in
//! news: a few people and institutions appear in many articles, most in few.

use std::collections::BTreeMap;

use kg::graph::{Date, Graph, NodeId, Value};

/// Node counts at scale 1.0.
const PERSONS: usize = 400_000;
const ROLES: usize = 100_000;
const INSTITUTIONS: usize = 50_000;
const PLACES: usize = 50_000;
const EVENTS: usize = 150_000;
const ARTICLES: usize = 250_000;

const FIRST: [&str; 16] = [
    "An", "Bao", "Chi", "Dung", "Giang", "Hanh", "Khanh", "Lan", "Minh", "Nam", "Phuong", "Quang",
    "Son", "Tan", "Thu", "Vy",
];
const LAST: [&str; 12] = [
    "Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do", "Ho", "Ngo",
];
const EVENT_KINDS: [&str; 5] = ["meeting", "election", "visit", "protest", "summit"];
const INSTITUTION_KINDS: [&str; 4] = ["ministry", "company", "party", "court"];

/// SplitMix64: tiny, fast and fully deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Skewed towards 0: `P(i < k) = sqrt(k / n)`, so index 0 is a hub.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * n as f64) as usize % n
    }
}

/// The name of the `i`-th person (unique).
pub fn person_name(i: usize) -> String {
    format!(
        "{} {} {i}",
        LAST[i % LAST.len()],
        FIRST[(i / LAST.len()) % FIRST.len()]
    )
}

/// The generated graph and a few facts the benchmarks need.
pub struct NewsGraph {
    pub graph: Graph,
    pub persons: usize,
}

fn props(pairs: Vec<(&str, Value)>) -> BTreeMap<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Adds a relationship between two nodes that were just created, so it
/// cannot fail.
fn rel(graph: &mut Graph, start: NodeId, end: NodeId, rel_type: &str) {
    let _ = graph.add_rel(start, end, rel_type, BTreeMap::new());
}

fn count(n: usize, scale: f64) -> usize {
    ((n as f64 * scale) as usize).max(1)
}

/// Builds the graph; `scale` multiplies every node count (1.0 = 1M nodes).
pub fn build(scale: f64) -> NewsGraph {
    let mut rng = Rng(0x6b67_2d62_656e_6368);
    let mut graph = Graph::new();
    let n_persons = count(PERSONS, scale);
    let n_roles = count(ROLES, scale);
    let n_institutions = count(INSTITUTIONS, scale);
    let n_places = count(PLACES, scale);
    let n_events = count(EVENTS, scale);
    let n_articles = count(ARTICLES, scale);

    let places: Vec<NodeId> = (0..n_places)
        .map(|i| {
            graph.add_node(
                ["Place"],
                props(vec![("name", format!("Place {i}").into())]),
            )
        })
        .collect();
    let institutions: Vec<NodeId> = (0..n_institutions)
        .map(|i| {
            graph.add_node(
                ["Institution"],
                props(vec![
                    ("name", format!("Institution {i}").into()),
                    (
                        "kind",
                        INSTITUTION_KINDS[i % INSTITUTION_KINDS.len()].into(),
                    ),
                ]),
            )
        })
        .collect();
    let roles: Vec<NodeId> = (0..n_roles)
        .map(|i| graph.add_node(["Role"], props(vec![("name", format!("Role {i}").into())])))
        .collect();
    let persons: Vec<NodeId> = (0..n_persons)
        .map(|i| {
            graph.add_node(
                ["Person"],
                props(vec![
                    ("name", person_name(i).into()),
                    ("born", Value::Int(1940 + (i % 60) as i64)),
                ]),
            )
        })
        .collect();
    let events: Vec<NodeId> = (0..n_events)
        .map(|i| {
            graph.add_node(
                ["Event"],
                props(vec![
                    ("name", format!("Event {i}").into()),
                    ("kind", EVENT_KINDS[i % EVENT_KINDS.len()].into()),
                    ("year", Value::Int(2000 + (i % 26) as i64)),
                ]),
            )
        })
        .collect();
    let articles: Vec<NodeId> = (0..n_articles)
        .map(|i| {
            let day = Date::day(
                2000 + (i % 26) as i32,
                1 + (i % 12) as u8,
                1 + (i % 28) as u8,
            );
            let mut p = vec![("title", Value::from(format!("Article {i}")))];
            if let Some(day) = day {
                p.push(("date", Value::Date(day)));
            }
            graph.add_node(["Article"], props(p))
        })
        .collect();

    // Places form a forest: each place (but the first 100) lies in an earlier one.
    for i in 100.min(n_places)..n_places {
        let parent = places[rng.below(i.min(n_places / 10).max(1))];
        rel(&mut graph, places[i], parent, "LOCATED_IN");
    }
    for (i, &inst) in institutions.iter().enumerate() {
        rel(&mut graph, inst, places[rng.skewed(n_places)], "LOCATED_IN");
        if i % 2 == 1 {
            rel(
                &mut graph,
                inst,
                institutions[rng.below(n_institutions)],
                "PART_OF",
            );
        }
    }
    for &role in &roles {
        rel(
            &mut graph,
            role,
            institutions[rng.skewed(n_institutions)],
            "OF",
        );
    }
    for &person in &persons {
        rel(&mut graph, person, roles[rng.below(n_roles)], "HOLDS");
        for _ in 0..3 {
            rel(
                &mut graph,
                person,
                events[rng.below(n_events)],
                "PARTICIPATED_IN",
            );
        }
    }
    for &event in &events {
        rel(
            &mut graph,
            event,
            places[rng.skewed(n_places)],
            "LOCATED_IN",
        );
        rel(
            &mut graph,
            institutions[rng.skewed(n_institutions)],
            event,
            "PARTICIPATED_IN",
        );
    }
    for &article in &articles {
        for _ in 0..8 {
            rel(
                &mut graph,
                persons[rng.skewed(n_persons)],
                article,
                "MENTIONED_IN",
            );
        }
        for _ in 0..2 {
            rel(
                &mut graph,
                institutions[rng.skewed(n_institutions)],
                article,
                "MENTIONED_IN",
            );
        }
        rel(
            &mut graph,
            places[rng.skewed(n_places)],
            article,
            "MENTIONED_IN",
        );
        rel(
            &mut graph,
            events[rng.below(n_events)],
            article,
            "MENTIONED_IN",
        );
    }
    NewsGraph {
        graph,
        persons: n_persons,
    }
}
