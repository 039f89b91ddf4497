use super::*;

fn props(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn indexes_follow_every_change() {
    let mut graph = Graph::new();
    let tan = graph.add_node(["Person"], props(&[("name", "Phùng Sĩ Tấn".into())]));
    let army = graph.add_node(["Institution"], props(&[("name", "Army".into())]));
    let rel = graph
        .add_rel(tan, army, "MEMBER_OF", BTreeMap::new())
        .unwrap();

    assert_eq!(graph.nodes_by_folded_name("phung si tan"), vec![tan]);
    assert_eq!(
        graph.nodes_by_property("name", &"Army".into()),
        Some(vec![army])
    );
    assert_eq!(
        graph.rels_with_type("MEMBER_OF").collect::<Vec<_>>(),
        vec![rel]
    );

    graph.set_node_property(tan, "name", "Tấn".into()).unwrap();
    assert!(graph.nodes_by_folded_name("phung si tan").is_empty());
    assert_eq!(graph.nodes_by_folded_name("TAN"), vec![tan]);

    graph.add_label(tan, "Officer").unwrap();
    graph.remove_label(tan, "Person").unwrap();
    assert_eq!(
        graph.nodes_with_label("Officer").collect::<Vec<_>>(),
        vec![tan]
    );
    assert_eq!(graph.label_count("Person"), 0);

    assert_eq!(
        graph.remove_node(tan),
        Err(GraphError::NodeHasRelationships(tan))
    );
    graph.detach_remove_node(tan).unwrap();
    assert_eq!(graph.rel_count(), 0);
    assert_eq!(graph.rels_with_type("MEMBER_OF").count(), 0);
    assert!(graph.nodes_by_folded_name("tan").is_empty());
    assert!(graph.node(army).is_some());
}

#[test]
fn ids_survive_deletion_of_other_elements() {
    let mut graph = Graph::new();
    let a = graph.add_node(["A"], BTreeMap::new());
    let b = graph.add_node(["B"], BTreeMap::new());
    graph.remove_node(a).unwrap();
    assert_eq!(graph.node(b).map(|n| n.has_label("B")), Some(true));
    assert_eq!(graph.node_ids().collect::<Vec<_>>(), vec![b]);
}

#[test]
fn self_loops_are_reported_once_in_both_directions() {
    let mut graph = Graph::new();
    let a = graph.add_node(["A"], BTreeMap::new());
    let r = graph.add_rel(a, a, "SELF", BTreeMap::new()).unwrap();
    let adjacent = graph.adjacent(a, Direction::Both);
    assert_eq!(adjacent.len(), 1);
    assert_eq!(adjacent[0].rel, r);
    assert_eq!(adjacent[0].other(a), a);
}

/// The schema `ingest` hands over: what these tests read provenance under.
fn news_like_schema() -> Schema {
    crate::ingest::news_schema()
}

/// A graph with one source (two sentences) and a node to hang facts on.
fn with_source() -> (Graph, NodeId, NodeId) {
    let mut graph = Graph::with_schema(news_like_schema());
    let text = "One sentence. Another one here.";
    let source = graph.add_node(
        ["Article"],
        props(&[("id", "a1".into()), ("text", text.into())]),
    );
    graph
        .set_source_sentences(source, vec![(0, 13), (13, text.len() as u32)])
        .unwrap();
    let thing = graph.add_node(["Thing"], BTreeMap::new());
    (graph, source, thing)
}

fn at(source: NodeId, sentence: u32, start: u32) -> Provenance {
    Provenance {
        source,
        sentence,
        start,
        end: start + 3,
    }
}

#[test]
fn provenance_reads_as_properties_and_a_stored_property_wins() {
    let (mut graph, source, thing) = with_source();
    let fact = graph
        .add_fact(thing, source, "SEEN_IN", at(source, 1, 14))
        .unwrap();
    let rel = graph.rel(fact).unwrap();
    assert_eq!(rel.property("article").as_deref(), Some(&Value::from("a1")));
    assert_eq!(rel.property("sentence").as_deref(), Some(&Value::Int(1)));
    assert_eq!(
        rel.property("evidence").as_deref(),
        Some(&Value::from("Another one here."))
    );
    // only summary types show `count`
    assert_eq!(rel.property("count"), None);
    assert_eq!(rel.keys(), vec!["article", "evidence", "sentence"]);
    graph
        .set_rel_property(fact, "article", "stored".into())
        .unwrap();
    let rel = graph.rel(fact).unwrap();
    assert_eq!(
        rel.property("article").as_deref(),
        Some(&Value::from("stored"))
    );
    // a graph without the schema keeps provenance but shows none of it
    let mut plain = Graph::new();
    let a = plain.add_node(["A"], BTreeMap::new());
    let r = plain.add_fact(a, a, "R", at(a, 0, 0)).unwrap();
    assert!(plain.rel(r).unwrap().properties().is_empty());
    assert_eq!(plain.rel(r).unwrap().provenance().len(), 1);
}

#[test]
fn a_fact_gains_one_entry_per_statement_and_summaries_count_them() {
    let (mut graph, source, thing) = with_source();
    let fact = graph
        .add_fact(thing, source, "MENTIONED_IN", at(source, 0, 0))
        .unwrap();
    assert!(graph.add_rel_provenance(fact, at(source, 1, 14)).unwrap());
    assert!(graph.add_rel_provenance(fact, at(source, 1, 20)).unwrap());
    // the same statement again is no new entry
    assert!(!graph.add_rel_provenance(fact, at(source, 1, 14)).unwrap());
    let rel = graph.rel(fact).unwrap();
    assert_eq!(rel.provenance().len(), 3);
    assert_eq!(rel.property("count").as_deref(), Some(&Value::Int(3)));
    assert_eq!(
        rel.property("sentences").as_deref(),
        Some(&Value::List(vec![Value::Int(0), Value::Int(1)]))
    );
    // a statement of no one sentence has an article but no evidence
    let other = graph
        .add_fact(thing, source, "OF", Provenance::of_source(source))
        .unwrap();
    let rel = graph.rel(other).unwrap();
    assert_eq!(rel.property("article").as_deref(), Some(&Value::from("a1")));
    assert_eq!(rel.property("sentence"), None);
    assert_eq!(rel.property("evidence"), None);
}

#[test]
fn find_rel_finds_a_fact_from_either_end() {
    let mut graph = Graph::new();
    let hub = graph.add_node(["Hub"], BTreeMap::new());
    let leaf = graph.add_node(["Leaf"], BTreeMap::new());
    for _ in 0..50 {
        let other = graph.add_node(["Other"], BTreeMap::new());
        graph.add_rel(other, hub, "IN", BTreeMap::new()).unwrap();
        graph.add_rel(leaf, other, "IN", BTreeMap::new()).unwrap();
    }
    assert_eq!(graph.find_rel(leaf, hub, "IN"), None);
    let fact = graph.add_rel(leaf, hub, "IN", BTreeMap::new()).unwrap();
    for _ in 0..50 {
        let other = graph.add_node(["Other"], BTreeMap::new());
        graph.add_rel(other, hub, "IN", BTreeMap::new()).unwrap();
    }
    assert_eq!(graph.find_rel(leaf, hub, "IN"), Some(fact));
    assert_eq!(graph.find_rel(hub, leaf, "IN"), None);
    assert_eq!(graph.find_rel(leaf, hub, "OTHER"), None);
    graph.remove_rel(fact).unwrap();
    assert_eq!(graph.find_rel(leaf, hub, "IN"), None);
}

#[test]
fn a_deleted_source_keeps_its_sentences_for_an_undo() {
    let (mut graph, source, _) = with_source();
    let data = graph.remove_node(source).unwrap();
    assert_eq!(data.sentences.len(), 2);
    assert!(graph.source_sentences(source).is_none());
    let back = graph.insert_node(data);
    assert_eq!(graph.source_sentences(back).map(<[_]>::len), Some(2));
}

#[test]
fn rebuilding_refuses_provenance_naming_no_node_and_repeated_ids() {
    let node = |provenance| NodeData {
        labels: vec!["A".into()],
        provenance,
        ..NodeData::default()
    };
    let dangling = Graph::from_elements(
        Schema::default(),
        vec![(NodeId(0), node(vec![at(NodeId(9), 0, 0)]))],
        Vec::new(),
    );
    assert_eq!(dangling.err(), Some(GraphError::NoSuchNode(NodeId(9))));
    let twice = Graph::from_elements(
        Schema::default(),
        vec![(NodeId(3), node(Vec::new())), (NodeId(3), node(Vec::new()))],
        Vec::new(),
    );
    assert!(matches!(twice, Err(GraphError::DuplicateId(_))));
    let holes = Graph::from_elements(
        Schema::default(),
        vec![(NodeId(5), node(Vec::new())), (NodeId(2), node(Vec::new()))],
        Vec::new(),
    )
    .unwrap();
    assert_eq!(
        holes.node_ids().collect::<Vec<_>>(),
        vec![NodeId(2), NodeId(5)]
    );
}

#[test]
fn stored_elements_stay_compact() {
    // petgraph keeps `Option<weight>` per slot: the niche of the type id
    // and of the property box keep that free of a tag
    assert_eq!(std::mem::size_of::<Node>(), 32);
    assert_eq!(std::mem::size_of::<Option<Node>>(), 32);
    assert_eq!(std::mem::size_of::<Rel>(), 24);
    assert_eq!(std::mem::size_of::<Option<Rel>>(), 24);
}

/// An article-sized text, long enough to be held compressed.
fn long_text() -> String {
    "The minister met the ambassador in Hanoi on Monday. They signed a memorandum. ".repeat(30)
}

#[test]
fn a_packed_text_reads_as_a_property_everywhere() {
    let mut graph = Graph::with_schema(news_like_schema());
    let text = long_text();
    let article = graph.add_node(
        ["Article"],
        props(&[("id", "a1".into()), ("text", text.clone().into())]),
    );
    graph
        .set_source_sentences(article, vec![(0, 51), (51, 78)])
        .unwrap();
    assert!(graph.texts.contains_key(&article), "the text is packed");
    assert!(graph.inner[node_index(article)].props().iter().len() == 1);

    let node = graph.node(article).unwrap();
    assert_eq!(
        node.property("text").as_deref(),
        Some(&Value::from(text.as_str()))
    );
    assert_eq!(
        node.properties().get("text"),
        Some(&Value::from(text.as_str()))
    );
    assert_eq!(node.keys(), vec!["id", "text"]);
    assert_eq!(
        node.property_by_id(graph.key_id("text"), "text").as_deref(),
        Some(&Value::from(text.as_str()))
    );
    assert_eq!(
        node.to_data().properties.get("text"),
        Some(&Value::from(text.as_str()))
    );

    let thing = graph.add_node(["Thing"], BTreeMap::new());
    let fact = graph
        .add_fact(thing, article, "SEEN_IN", at(article, 1, 52))
        .unwrap();
    assert_eq!(
        graph.rel(fact).unwrap().property("evidence").as_deref(),
        Some(&Value::from("They signed a memorandum."))
    );

    // setting another property keeps the text; setting the text replaces it
    let previous = graph
        .set_node_property(article, "text", "Short now.".into())
        .unwrap();
    assert_eq!(previous, Some(Value::from(text.as_str())));
    assert_eq!(graph.source_text(article).as_deref(), Some("Short now."));
    graph
        .set_node_property(article, "text", text.clone().into())
        .unwrap();
    graph
        .set_node_property(article, "date", Value::Int(2024))
        .unwrap();
    assert_eq!(graph.source_text(article), Some(text.clone()));
    assert_eq!(graph.verify().1, 0);

    // a text that is not a string stays an ordinary property
    graph
        .set_node_property(article, "text", Value::Int(7))
        .unwrap();
    assert!(!graph.texts.contains_key(&article));
    assert_eq!(
        graph.node(article).unwrap().property("text").as_deref(),
        Some(&Value::Int(7))
    );

    // replacing all properties, then deleting the node, gives the text back
    graph
        .replace_node_properties(article, props(&[("text", text.clone().into())]))
        .unwrap();
    graph.remove_rel(fact).unwrap();
    let removed = graph.remove_node(article).unwrap();
    assert_eq!(
        removed.properties.get("text"),
        Some(&Value::from(text.as_str()))
    );
    assert!(graph.texts.is_empty());
}

#[test]
fn a_schema_naming_another_text_key_moves_the_packed_texts() {
    let mut graph = Graph::with_schema(news_like_schema());
    let text = long_text();
    let article = graph.add_node(
        ["Article"],
        props(&[("text", text.clone().into()), ("body", text.clone().into())]),
    );
    assert!(graph.texts.contains_key(&article));
    let mut schema = news_like_schema();
    if let Some(keys) = schema.provenance.as_mut() {
        keys.source_text = "body".into();
    }
    graph.set_schema(schema);
    let node = graph.node(article).unwrap();
    let stored: Vec<&str> = graph.inner[node_index(article)]
        .props()
        .iter()
        .map(|(k, _)| graph.key_name(k))
        .collect();
    assert_eq!(
        stored,
        vec!["text"],
        "`text` is back among the properties, `body` packed"
    );
    assert_eq!(
        node.properties().get("body"),
        Some(&Value::from(text.as_str()))
    );
    assert_eq!(
        node.properties().get("text"),
        Some(&Value::from(text.as_str()))
    );
}

#[test]
fn provenance_that_does_not_fit_inline_reads_back_the_same() {
    let (mut graph, source, thing) = with_source();
    let entries = [
        at(source, 1, 4),
        Provenance::of_source(source),
        Provenance {
            sentence: 70_000,
            ..at(source, 0, 0)
        },
        Provenance {
            end: 90_000,
            ..at(source, 0, 0)
        },
        Provenance {
            start: 9,
            end: 2,
            ..at(source, 0, 0)
        },
    ];
    for entry in entries {
        let rel = graph.add_fact(thing, source, "SEEN_IN", entry).unwrap();
        assert_eq!(graph.rel(rel).unwrap().provenance().to_vec(), vec![entry]);
        // a second entry, and the first again (not added twice)
        let second = at(source, 0, 1);
        assert!(graph.add_rel_provenance(rel, second).unwrap());
        assert!(!graph.add_rel_provenance(rel, entry).unwrap());
        let mut expected = vec![entry, second];
        expected.sort();
        assert_eq!(graph.rel(rel).unwrap().provenance().to_vec(), expected);
    }
}

#[test]
fn provenance_entries_of_one_source_are_kept_once_in_text_order() {
    let (mut graph, source, thing) = with_source();
    let other = graph.add_node(["Article"], BTreeMap::new());
    let rel = graph
        .add_fact(thing, source, "SEEN_IN", at(source, 0, 10))
        .unwrap();
    let order = [
        (at(source, 0, 20), true),
        (at(source, 0, 20), false),
        (at(source, 0, 5), true),
        (at(source, 0, 10), false),
        (at(source, 0, 15), true),
        (at(source, 0, 5), false),
        (at(other, 1, 0), true),
        (at(source, 0, 7), true),
    ];
    for (entry, added) in order {
        assert_eq!(
            graph.add_rel_provenance(rel, entry).unwrap(),
            added,
            "{entry:?}"
        );
    }
    let starts: Vec<(NodeId, u32)> = graph
        .rel(rel)
        .unwrap()
        .provenance()
        .into_iter()
        .map(|p| (p.source, p.start))
        .collect();
    assert_eq!(
        starts,
        vec![
            (source, 5),
            (source, 10),
            (source, 15),
            (source, 20),
            (other, 0),
            (source, 7)
        ]
    );
}
