//! Entity resolution across calls: what ingest merges must not depend on how
//! the articles were split into ingests. Made-up articles (real countries,
//! invented people) run through the real extractor; hand-built records
//! where a test needs an exact shape.

use std::collections::BTreeMap;
use std::path::Path;

use kg::extract::record::{InstitutionRecord, PersonRecord, Record, RoleRecord};
use kg::extract::{article, extract_all, Article, Extraction};
use kg::graph::{fold, Graph, Value};
use kg::ingest::ingest;
use proptest::prelude::*;

/// Small articles that exercise the rules: two parties called `CPC`,
/// persons under short forms and spellings with and without diacritics,
/// institutions named by a demonym or a country, and `b2`, which names the
/// Vietnamese defence ministry both ways `a3` and `b1` name it apart; `c2`
/// and `c3` name an institution only by a form with an acronym in it.
const ARTICLES: &[(&str, &str)] = &[
    ("a1", "Santiago, 3 March 2025 – The Communist Party of Chile (CPC) opened its congress in Santiago on Monday. Its president, Rodrigo Almeda Fuentes, welcomed the delegates. Almeda said the CPC would back the government."),
    ("a2", "Beijing, 5 March 2025 – A delegation of the Communist Party of China (CPC) led by Wen Lutao visited Hanoi on Tuesday. Wen held talks with Tô Văn Hải, Minister of Public Security of Việt Nam. The CPC delegation also visited Da Nang."),
    ("a3", "Hanoi, 7 March 2025 – Minister of National Defence Phan Văn Dũng received Marta Quiroga Lenz, Minister of Defence of Chile, in Hanoi on Friday. The Vietnamese Ministry of National Defence and the Chilean Ministry of Defence signed a memorandum of understanding."),
    ("a4", "Santiago, 9 March 2025 – Chilean Minister of Defence Marta Quiroga Lenz met Phan Van Dung, Minister of National Defence of Viet Nam, in Santiago. Quiroga said the Ministry of Defence of Chile would send officers to Hanoi."),
    ("a5", "Lima, 11 March 2025 – Tô Văn Hải, Minister of Public Security of Việt Nam, visited Lima on Monday and met Peruvian President Inés Carvajal Rojas. President Carvajal hosted a dinner for Tô Văn Hải."),
    ("a6", "Hanoi, 12 March 2025 – The Ministry of Public Security of Việt Nam signed an agreement with the Ministry of the Interior of Peru in Hanoi. Minister Tô Văn Hải and Peruvian Minister of the Interior Julio Benavente attended."),
    ("b1", "Hanoi, 14 March 2025 – The Vietnamese defence ministry said on Friday that Phan Văn Dũng would visit Lima."),
    ("b2", "Hanoi, 15 March 2025 – Việt Nam's Ministry of National Defence hosted a conference in Hanoi. The Vietnamese Defence Ministry said officers from Peru attended."),
    ("b3", "Lima, 16 March 2025 – Peru's Ministry of the Interior and the Peruvian interior ministry spokesman Julio Benavente spoke in Lima."),
    ("b4", "Santiago, 17 March 2025 – The Chilean defence ministry announced that Marta Quiroga Lenz would travel to Hanoi. Defence Minister Quiroga will meet Phan Văn Dũng."),
    ("c1", "Beijing, 18 March 2025 – Wen Lutao, a member of the Communist Party of China (CPC) Central Committee, visited Lima. Later the CPC Central Committee sent greetings to the Communist Party of Peru."),
    ("c2", "Beijing, 19 March 2025 – The CPC Central Committee said on Wednesday that Wen Lutao would visit Santiago."),
    ("c3", "Lima, 20 March 2025 – The CPC Central Committee thanked Julio Benavente."),
];

fn articles(ids: &[&str]) -> Vec<Article> {
    ids.iter()
        .map(|id| {
            let (_, text) = ARTICLES.iter().find(|(a, _)| a == id).unwrap();
            article::from_txt(Path::new(&format!("{id}.txt")), text)
        })
        .collect()
}

/// Ingests `parts` in turn into one graph, each extracted in one call.
fn ingest_parts(parts: &[Vec<&str>]) -> Graph {
    let mut graph = Graph::new();
    for part in parts {
        let articles = articles(part);
        let extractions = extract_all(&articles);
        ingest(&mut graph, &articles, &extractions).unwrap();
    }
    graph
}

/// What must not depend on the split: node count per label, relationship
/// count per type, and per label the sorted names (`name`, else `title`,
/// else `id`), each with its sorted folded aliases.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    labels: Vec<(String, usize)>,
    types: Vec<(String, usize)>,
    names: BTreeMap<String, Vec<(String, Vec<String>)>>,
}

fn shape(graph: &Graph) -> Shape {
    let mut names: BTreeMap<String, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for id in graph.node_ids() {
        let node = graph.node(id).unwrap();
        let properties = node.properties();
        let text = |key: &str| {
            properties
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let name = text("name")
            .or(text("title"))
            .or(text("id"))
            .unwrap_or_default();
        let mut aliases: Vec<String> = match properties.get("aliases") {
            Some(Value::List(items)) => items.iter().filter_map(Value::as_str).map(fold).collect(),
            _ => Vec::new(),
        };
        aliases.sort();
        for label in node.labels() {
            names
                .entry(label.to_string())
                .or_default()
                .push((name.to_string(), aliases.clone()));
        }
    }
    names.values_mut().for_each(|v| v.sort());
    Shape {
        labels: graph.label_counts(),
        types: graph.type_counts(),
        names,
    }
}

fn institution_names(graph: &Graph) -> Vec<String> {
    let mut names: Vec<String> = graph
        .nodes_with_label("Institution")
        .map(|id| {
            let node = graph.node(id).unwrap();
            node.property("name").unwrap().as_str().unwrap().to_string()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn parties_sharing_an_acronym_stay_apart_in_one_ingest_and_in_two() {
    let parties = [
        "Communist Party of Chile".to_string(),
        "Communist Party of China".to_string(),
    ];
    let once = ingest_parts(&[vec!["a1", "a2"]]);
    assert_eq!(institution_names(&once), parties);
    let twice = ingest_parts(&[vec!["a1"], vec!["a2"]]);
    assert_eq!(institution_names(&twice), parties);
    assert_eq!(shape(&once), shape(&twice));
}

#[test]
fn an_institution_named_both_ways_joins_the_nodes_of_earlier_ingests() {
    let apart = ingest_parts(&[vec!["a3", "b1"]]);
    let ministries = |g: &Graph| {
        institution_names(g)
            .into_iter()
            .filter(|n| fold(n).contains("defence") && fold(n).contains("vietnam"))
            .count()
    };
    assert_eq!(ministries(&apart), 2);
    let joined = ingest_parts(&[vec!["a3", "b1"], vec!["b2"]]);
    assert_eq!(ministries(&joined), 1);
    assert_eq!(
        shape(&joined),
        shape(&ingest_parts(&[vec!["a3", "b1", "b2"]]))
    );
}

#[test]
fn a_short_form_joins_its_full_name_only_inside_one_article() {
    // In a4 `Quiroga` is Marta Quiroga Lenz; `Marta Quiroga` alone in c1
    // is its own person, whether or not a4 is in the same call (a rule
    // joining it to the one longer name it shortens would make the result
    // depend on the call).
    let c1 = article::from_txt(
        Path::new("c1.txt"),
        "Marta Quiroga, a farmer, spoke in Lima on Monday.",
    );
    let mut texts = articles(&["a4"]);
    texts.push(c1.clone());
    let extractions = extract_all(&texts);
    let person = |e: &Extraction, name: &str| {
        let p = e.record.persons.iter().find(|p| p.name == name).unwrap();
        p.id.clone()
    };
    assert_ne!(
        person(&extractions[0], "Marta Quiroga Lenz"),
        person(&extractions[1], "Marta Quiroga")
    );
    let mut together = Graph::new();
    ingest(&mut together, &texts, &extractions).unwrap();
    let mut apart = ingest_parts(&[vec!["a4"]]);
    let c1_extraction = extract_all(std::slice::from_ref(&c1));
    ingest(&mut apart, &[c1], &c1_extraction).unwrap();
    let persons = &shape(&together).names["Person"];
    let names: Vec<&str> = persons.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Marta Quiroga", "Marta Quiroga Lenz", "Phan Van Dung"]
    );
    assert_eq!(shape(&together), shape(&apart));
}

/// An institution record of one article, with a role held at it.
fn board_article(id: &str, name: &str, aliases: &[&str], person: &str) -> (Article, Extraction) {
    let text = format!("{person}, Director of the {name}, spoke.");
    let article = article::from_txt(Path::new(&format!("{id}.txt")), &text);
    let record = Record {
        article: id.to_string(),
        persons: vec![PersonRecord {
            id: format!("p-{id}"),
            name: person.into(),
            ..Default::default()
        }],
        institutions: vec![InstitutionRecord {
            id: format!("o-{id}"),
            name: name.into(),
            country: Some("Chile".into()),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        }],
        roles: vec![RoleRecord {
            person: format!("p-{id}"),
            title: "Director".into(),
            institution: Some(format!("o-{id}")),
            evidence: None,
        }],
        ..Default::default()
    };
    let sentences = vec![(0, text.len() as u32)];
    (article, Extraction { record, sentences })
}

#[test]
fn joined_institutions_keep_one_role_per_title_and_one_location() {
    let parts = [
        board_article("x1", "North River Board", &[], "Ana Soto Vidal"),
        board_article(
            "x2",
            "Board of the North River Basin",
            &["NRB"],
            "Luis Mena Paz",
        ),
        board_article(
            "x3",
            "North River Board",
            &["Board of the North River Basin"],
            "Eva Rios Luna",
        ),
    ];
    let mut separately = Graph::new();
    for (article, extraction) in &parts {
        ingest(
            &mut separately,
            std::slice::from_ref(article),
            std::slice::from_ref(extraction),
        )
        .unwrap();
    }
    let (articles, extractions): (Vec<Article>, Vec<Extraction>) = parts.into_iter().unzip();
    let mut at_once = Graph::new();
    ingest(&mut at_once, &articles, &extractions).unwrap();
    let shape = shape(&separately);
    assert_eq!(shape, self::shape(&at_once));
    assert_eq!(
        institution_names(&separately),
        ["Board of the North River Basin"]
    );
    assert_eq!(separately.label_count("Role"), 1);
    assert_eq!(separately.rels_with_type("HOLDS").count(), 3);
    assert_eq!(separately.rels_with_type("OF").count(), 1);
    // the board and Chile: one LOCATED_IN, not one per joined node
    assert_eq!(separately.rels_with_type("LOCATED_IN").count(), 1);
}

/// Splits the articles by `parts` (a part number per article), parts in
/// ascending part number, articles in input order within a part; parts
/// can interleave (a later article in an earlier part).
fn split(parts: &[usize]) -> Vec<Vec<&'static str>> {
    let mut by_part: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for ((id, _), &part) in ARTICLES.iter().zip(parts) {
        by_part.entry(part).or_default().push(id);
    }
    by_part.into_values().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_split_gives_the_graph_of_one_ingest(
        parts in proptest::collection::vec(0..4usize, ARTICLES.len()),
    ) {
        let all: Vec<&str> = ARTICLES.iter().map(|(id, _)| *id).collect();
        let at_once = shape(&ingest_parts(&[all]));
        let in_turn = shape(&ingest_parts(&split(&parts)));
        prop_assert_eq!(in_turn, at_once);
    }
}

#[test]
fn a_form_with_an_acronym_joins_only_the_same_bare_form() {
    let graph = ingest_parts(&[vec!["c1", "c2"], vec!["c3"]]);
    let names = institution_names(&graph);
    let count = |name: &str| names.iter().filter(|n| *n == name).count();
    assert_eq!(count("CPC Central Committee"), 1, "{names:?}");
    assert_eq!(
        count("Central Committee of the Communist Party of China"),
        1,
        "{names:?}"
    );
}

/// Names that collide in every way the rules care about: acronyms, forms
/// with an acronym, case and diacritics variants, demonym and country.
const INSTITUTIONS: &[&str] = &[
    "Communist Party of Chile",
    "Communist Party of China",
    "CPC",
    "CPC Central Committee",
    "Central Committee of the Communist Party of China",
    "Vietnamese Defence Ministry",
    "Ministry of National Defence of Việt Nam",
    "Vietnamese Ministry of National Defence",
    "Politburo",
    "NATO Council",
    "Nato Council",
];
const PERSONS: &[&str] = &[
    "Ana Pérez",
    "ANA PEREZ",
    "Ana Perez Soto",
    "Pérez",
    "Luis Mena",
];
const PLACES: &[&str] = &["Chile", "Việt Nam", "Viet Nam", "Lima"];

/// One made-up article's record: institutions (name, alias picks), persons,
/// places, and a role and an event tying the first of them together.
type Picks = (Vec<(usize, Vec<usize>)>, Vec<usize>, Vec<usize>);

fn picks() -> impl Strategy<Value = Picks> {
    let institution = (
        0..INSTITUTIONS.len(),
        proptest::collection::vec(0..INSTITUTIONS.len(), 0..3),
    );
    (
        proptest::collection::vec(institution, 1..4),
        proptest::collection::vec(0..PERSONS.len(), 1..3),
        proptest::collection::vec(0..PLACES.len(), 0..3),
    )
}

fn record_article(n: usize, picks: &Picks) -> (Article, Extraction) {
    let id = format!("r{n}");
    let (institutions, persons, places) = picks;
    let mut record = Record {
        article: id.clone(),
        ..Default::default()
    };
    for (i, (name, aliases)) in institutions.iter().enumerate() {
        record.institutions.push(InstitutionRecord {
            id: format!("o{i}"),
            name: INSTITUTIONS[*name].into(),
            aliases: aliases
                .iter()
                .map(|&a| INSTITUTIONS[a].to_string())
                .collect(),
            country: Some("Chile".into()),
            part_of: (i > 0).then(|| "o0".to_string()),
            ..Default::default()
        });
    }
    for (i, &name) in persons.iter().enumerate() {
        record.persons.push(PersonRecord {
            id: format!("p{i}"),
            name: PERSONS[name].into(),
            ..Default::default()
        });
    }
    for (i, &name) in places.iter().enumerate() {
        record.places.push(kg::extract::record::PlaceRecord {
            id: format!("l{i}"),
            name: PLACES[name].into(),
            ..Default::default()
        });
    }
    record.roles.push(RoleRecord {
        person: "p0".into(),
        title: "Director".into(),
        institution: Some("o0".into()),
        evidence: None,
    });
    record.events.push(kg::extract::record::EventRecord {
        id: "e1".into(),
        event_type: "meeting".into(),
        participants: vec!["p0".into(), "o0".into()],
        place: (!places.is_empty()).then(|| "l0".to_string()),
        ..Default::default()
    });
    let article = article::from_txt(Path::new(&format!("{id}.txt")), "Made up.");
    (
        article,
        Extraction {
            record,
            sentences: vec![(0, 8)],
        },
    )
}

/// Ingests the records in parts, each part given one-call ids first.
fn ingest_records(parts: &[Vec<(Article, Extraction)>]) -> Graph {
    let mut graph = Graph::new();
    for part in parts {
        let (articles, mut extractions): (Vec<Article>, Vec<Extraction>) =
            part.iter().cloned().unzip();
        kg::extract::identity::assign_global_ids(&mut extractions);
        ingest(&mut graph, &articles, &extractions).unwrap();
    }
    graph
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_split_of_colliding_records_gives_the_graph_of_one_ingest(
        records in proptest::collection::vec((picks(), 0..3usize), 1..7),
    ) {
        let all: Vec<(Article, Extraction)> = records
            .iter()
            .enumerate()
            .map(|(n, (p, _))| record_article(n, p))
            .collect();
        let mut by_part: BTreeMap<usize, Vec<(Article, Extraction)>> = BTreeMap::new();
        for (record, (_, part)) in all.iter().zip(&records) {
            by_part.entry(*part).or_default().push(record.clone());
        }
        let parts: Vec<_> = by_part.into_values().collect();
        let at_once = shape(&ingest_records(&[all]));
        prop_assert_eq!(shape(&ingest_records(&parts)), at_once);
    }
}
