//! Ingesting extraction records: the news schema, provenance, merging
//! across articles, and idempotence. Records are built by hand so these
//! tests do not depend on the extractor's quality.

use std::path::Path;

use kg::extract::record::{
    EventRecord, InstitutionRecord, Mention, PersonRecord, PlaceRecord, Record, RoleRecord,
};
use kg::extract::{article, Extraction};
use kg::graph::{Date, Direction, Graph, NodeId, Value};
use kg::ingest::ingest;

fn mention(sentence: u32, start: u32, end: u32) -> Mention {
    Mention {
        sentence,
        start,
        end,
    }
}

/// An article whose first sentence names a minister and the ministry.
fn minister_article(id: &str, date: &str, person_name: &str) -> (kg::extract::Article, Extraction) {
    let text = format!(
        "{person_name}, Minister of Defence of Chile, met the delegation in Santiago. Both sides signed a memorandum."
    );
    let first_end = text.find('.').unwrap() as u32 + 1;
    let mut article = article::from_txt(Path::new(&format!("{id}.txt")), &text);
    article.date = Date::parse(date);
    let record = Record {
        article: id.to_string(),
        date: Some(date.to_string()),
        persons: vec![PersonRecord {
            id: "p1".into(),
            name: person_name.into(),
            mentions: vec![mention(0, 0, person_name.len() as u32)],
            ..Default::default()
        }],
        institutions: vec![InstitutionRecord {
            id: "o1".into(),
            name: "Ministry of Defence of Chile".into(),
            country: Some("Chile".into()),
            mentions: vec![mention(0, 10, 40)],
            ..Default::default()
        }],
        places: vec![
            PlaceRecord {
                id: "l1".into(),
                name: "Santiago".into(),
                kind: Some("city".into()),
                located_in: Some("l2".into()),
                mentions: vec![mention(0, 60, 68)],
                ..Default::default()
            },
            PlaceRecord {
                id: "l2".into(),
                name: "Chile".into(),
                kind: Some("country".into()),
                ..Default::default()
            },
        ],
        roles: vec![RoleRecord {
            person: "p1".into(),
            title: "Minister of Defence".into(),
            institution: Some("o1".into()),
            evidence: Some(mention(0, 0, 40)),
        }],
        events: vec![EventRecord {
            id: "e1".into(),
            event_type: "meeting".into(),
            date: Some(date.to_string()),
            place: Some("l1".into()),
            participants: vec!["p1".into(), "o1".into()],
            evidence: Some(mention(0, 0, first_end)),
            ..Default::default()
        }],
    };
    let sentences = vec![(0, first_end), (first_end, text.len() as u32)];
    (article, Extraction { record, sentences })
}

fn only(graph: &Graph, label: &str) -> NodeId {
    let ids: Vec<NodeId> = graph.nodes_with_label(label).collect();
    assert_eq!(ids.len(), 1, "{label}: {ids:?}");
    ids[0]
}

fn neighbours(graph: &Graph, node: NodeId, rel_type: &str) -> Vec<NodeId> {
    graph
        .adjacent(node, Direction::Outgoing)
        .into_iter()
        .filter(|a| graph.rel(a.rel).unwrap().rel_type() == rel_type)
        .map(|a| a.end)
        .collect()
}

#[test]
fn builds_the_news_schema_with_evidence() {
    let (article, extraction) = minister_article("a1", "2025-08-19", "Ana Pérez");
    let mut graph = Graph::new();
    let report = ingest(&mut graph, &[article], &[extraction]).unwrap();
    assert_eq!(report.articles, 1);

    let person = only(&graph, "Person");
    let role = only(&graph, "Role");
    let ministry = only(&graph, "Institution");
    assert_eq!(neighbours(&graph, person, "HOLDS"), vec![role]);
    assert_eq!(neighbours(&graph, role, "OF"), vec![ministry]);

    let holds = graph
        .adjacent(person, Direction::Outgoing)
        .into_iter()
        .find(|a| graph.rel(a.rel).unwrap().rel_type() == "HOLDS")
        .unwrap();
    let holds = graph.rel(holds.rel).unwrap();
    assert_eq!(
        holds.properties()["as_of"],
        Value::Date(Date::parse("2025-08-19").unwrap())
    );
    assert_eq!(
        holds.properties()["evidence"],
        Value::from("Ana Pérez, Minister of Defence of Chile, met the delegation in Santiago.")
    );
    let article = graph.node(holds.provenance()[0].source).unwrap();
    assert_eq!(article.property("id").as_deref(), Some(&Value::from("a1")));
    assert_eq!(holds.properties()["article"], Value::from("a1"));

    let event = only(&graph, "Event");
    assert_eq!(
        graph.node(event).unwrap().properties()["type"],
        Value::from("meeting")
    );
    let santiago = graph.nodes_by_folded_name("santiago")[0];
    assert_eq!(neighbours(&graph, event, "TOOK_PLACE_IN"), vec![santiago]);
    let chile = graph.nodes_by_folded_name("chile")[0];
    assert_eq!(neighbours(&graph, santiago, "LOCATED_IN"), vec![chile]);
    assert_eq!(neighbours(&graph, ministry, "LOCATED_IN"), vec![chile]);
    // the person's mention is the provenance of its MENTIONED_IN
    let mentioned = graph
        .adjacent(person, Direction::Outgoing)
        .into_iter()
        .find(|a| graph.rel(a.rel).unwrap().rel_type() == "MENTIONED_IN")
        .unwrap();
    let mentioned = graph.rel(mentioned.rel).unwrap();
    assert_eq!(mentioned.provenance().len(), 1);
    assert_eq!(mentioned.properties()["count"], Value::Int(1));
    assert_eq!(
        mentioned.properties()["sentences"],
        Value::List(vec![Value::Int(0)])
    );
}

#[test]
fn same_entities_merge_across_articles_and_reingest_changes_nothing() {
    let first = minister_article("a1", "2025-08-19", "Ana Pérez");
    let second = minister_article("a2", "2026-01-05", "ANA PEREZ");
    let mut graph = Graph::new();
    ingest(
        &mut graph,
        std::slice::from_ref(&first.0),
        std::slice::from_ref(&first.1),
    )
    .unwrap();
    ingest(
        &mut graph,
        std::slice::from_ref(&second.0),
        std::slice::from_ref(&second.1),
    )
    .unwrap();

    // One person, one role followed over time by two HOLDS facts.
    let person = only(&graph, "Person");
    only(&graph, "Role");
    only(&graph, "Institution");
    assert_eq!(neighbours(&graph, person, "HOLDS").len(), 2);
    assert_eq!(graph.label_count("Article"), 2);
    assert_eq!(graph.label_count("Event"), 2);

    let before = (graph.node_count(), graph.rel_count());
    let report = ingest(&mut graph, &[second.0], &[second.1]).unwrap();
    assert_eq!(report.skipped_articles, 1);
    assert_eq!((graph.node_count(), graph.rel_count()), before);
}

#[test]
fn different_people_are_not_merged() {
    let first = minister_article("a1", "2025-08-19", "Ana Pérez");
    let mut second = minister_article("a2", "2025-08-20", "Luis Pérez");
    // Ids are shared by all the records of one call, so another person
    // has another id.
    second.1.record.persons[0].id = "p2".into();
    second.1.record.roles[0].person = "p2".into();
    second.1.record.events[0].participants[0] = "p2".into();
    let mut graph = Graph::new();
    ingest(&mut graph, &[first.0, second.0], &[first.1, second.1]).unwrap();
    assert_eq!(graph.label_count("Person"), 2);
}

/// Every relationship of the sample articles, as extracted and ingested.
fn sample_graph() -> Graph {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let (articles, warnings) = kg::extract::read_paths(&[dir]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let extractions = kg::extract::extract_all(&articles);
    let mut graph = Graph::new();
    ingest(&mut graph, &articles, &extractions).unwrap();
    graph
}

#[test]
fn every_relationship_read_from_text_returns_its_article_and_evidence() {
    let graph = sample_graph();
    let mut seen = std::collections::BTreeSet::new();
    for id in graph.rel_ids() {
        let rel = graph.rel(id).unwrap();
        seen.insert(rel.rel_type().to_string());
        let article = rel.property("article");
        assert!(
            matches!(article.as_deref(), Some(Value::String(a)) if a.starts_with("dev-")),
            "{} {id} has no article",
            rel.rel_type()
        );
        // a fact tied to no one sentence (none here) would have no evidence
        let evidence = rel.property("evidence");
        let sentence = rel.property("sentence");
        assert!(
            matches!(evidence.as_deref(), Some(Value::String(text)) if !text.is_empty()),
            "{} {id} has no evidence",
            rel.rel_type()
        );
        assert!(matches!(sentence.as_deref(), Some(Value::Int(_))));
        assert!(rel.properties().contains_key("evidence"));
    }
    for rel_type in [
        "HOLDS",
        "OF",
        "PART_OF",
        "LOCATED_IN",
        "PARTICIPATED_IN",
        "TOOK_PLACE_IN",
        "MENTIONED_IN",
    ] {
        assert!(seen.contains(rel_type), "no {rel_type} in {seen:?}");
    }
}

#[test]
fn a_fact_stated_by_two_articles_keeps_both() {
    let (a1, e1) = minister_article("a1", "2025-08-19", "Ana Pérez");
    let (a2, e2) = minister_article("a2", "2025-09-02", "Ana Pérez");
    let mut graph = Graph::new();
    ingest(&mut graph, &[a1], &[e1]).unwrap();
    ingest(&mut graph, &[a2], &[e2]).unwrap();
    let ministry = only(&graph, "Institution");
    let located = graph
        .adjacent(ministry, Direction::Outgoing)
        .into_iter()
        .find(|a| graph.rel(a.rel).unwrap().rel_type() == "LOCATED_IN")
        .unwrap();
    let located = graph.rel(located.rel).unwrap();
    let articles: Vec<Value> = located
        .provenance()
        .iter()
        .map(|p| {
            graph
                .node(p.source)
                .unwrap()
                .property("id")
                .unwrap()
                .into_owned()
        })
        .collect();
    assert_eq!(articles, vec![Value::from("a1"), Value::from("a2")]);
    // `article` and `evidence` read the first statement; evidence() all
    assert_eq!(
        located.property("article").as_deref(),
        Some(&Value::from("a1"))
    );
    let table = kg::cypher::execute(
        &mut graph,
        "MATCH (:Institution)-[r:LOCATED_IN]->() RETURN [e IN evidence(r) | e.article] AS a",
        &Default::default(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(table.rows.len(), 1);
    assert_eq!(
        format!("{:?}", table.rows[0][0]),
        format!(
            "{:?}",
            kg::table::Item::List(vec![
                kg::table::Item::String("a1".into()),
                kg::table::Item::String("a2".into())
            ])
        )
    );
}
