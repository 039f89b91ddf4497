
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
