//! Saving and loading graph files: round trips, and damaged files that must
//! give a clear error and stay untouched.

use std::collections::BTreeMap;
use std::path::Path;

use kg::graph::{Date, Graph, NodeData, NodeId, Provenance, RelData, RelId, Schema, Value};
use kg::store::{self, StoreError};
use proptest::prelude::*;

fn every_value_type() -> BTreeMap<String, Value> {
    let mut nested = BTreeMap::new();
    nested.insert(
        "inner".to_string(),
        Value::List(vec![Value::Int(1), Value::Null]),
    );
    let values = [
        ("null_in_list", Value::List(vec![Value::Null])),
        ("bool", Value::Bool(true)),
        ("int", Value::Int(i64::MIN)),
        ("float", Value::Float(-0.5e300)),
        ("string", Value::from("Phùng Sĩ Tấn \"quoted\"\n")),
        ("year", Value::Date(Date::year(2024))),
        ("month", Value::Date(Date::month(2024, 11).unwrap())),
        ("day", Value::Date(Date::day(2025, 8, 18).unwrap())),
        (
            "list",
            Value::List(vec![
                Value::from("a"),
                Value::Float(1.0),
                Value::Bool(false),
            ]),
        ),
        ("map", Value::Map(nested)),
    ];
    values
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// The elements every format version stores: all value types on a node
/// and a relationship, two labels, and a hole in the ids.
fn sample_elements(graph: &mut Graph) -> (NodeId, kg::graph::RelId) {
    let person = graph.add_node(["Person"], every_value_type());
    let place = graph.add_node(["Place", "Country"], BTreeMap::new());
    let doomed = graph.add_node(["Doomed"], BTreeMap::new());
    let rel = graph
        .add_rel(person, place, "VISITED", every_value_type())
        .unwrap();
    // A hole in the ids: the survivors must keep theirs.
    graph.remove_node(doomed).unwrap();
    (person, rel)
}

/// The sample of the current version: also a provenance source (an
/// article with sentences) and provenance read as properties.
fn sample_graph() -> Graph {
    let mut graph = Graph::with_schema(kg::ingest::news_schema());
    let (person, rel) = sample_elements(&mut graph);
    let text = "First sentence. Phùng Sĩ Tấn visited Chile.";
    let mut props = BTreeMap::new();
    props.insert("id".to_string(), Value::from("dev-001"));
    props.insert("text".to_string(), Value::from(text));
    let article = graph.add_node(["Article"], props);
    graph
        .set_source_sentences(article, vec![(0, 15), (15, text.len() as u32)])
        .unwrap();
    let provenance = Provenance {
        source: article,
        sentence: 1,
        start: 16,
        end: 32,
    };
    graph.add_node_provenance(person, provenance).unwrap();
    graph.add_rel_provenance(rel, provenance).unwrap();
    graph
}

fn assert_same_graph(a: &Graph, b: &Graph) {
    assert_eq!(a.schema(), b.schema());
    assert_eq!(
        a.node_ids().collect::<Vec<_>>(),
        b.node_ids().collect::<Vec<_>>()
    );
    assert_eq!(
        a.rel_ids().collect::<Vec<_>>(),
        b.rel_ids().collect::<Vec<_>>()
    );
    for id in a.node_ids() {
        let (x, y) = (a.node(id).unwrap(), b.node(id).unwrap());
        assert_eq!(x.to_data(), y.to_data(), "node {id}");
        assert_eq!(x.properties(), y.properties(), "node {id}");
    }
    for id in a.rel_ids() {
        let (x, y) = (a.rel(id).unwrap(), b.rel(id).unwrap());
        assert_eq!(x.to_data(), y.to_data(), "rel {id}");
        assert_eq!(x.properties(), y.properties(), "rel {id}");
        assert_eq!(a.endpoints(id), b.endpoints(id), "rel {id}");
    }
}

#[test]
fn provenance_reads_as_article_sentence_and_evidence_after_a_round_trip() {
    let loaded = store::decode(&store::encode(&sample_graph()).unwrap()).unwrap();
    let rel = loaded.rels_with_type("VISITED").next().unwrap();
    let rel = loaded.rel(rel).unwrap();
    assert_eq!(
        rel.property("article").as_deref(),
        Some(&Value::from("dev-001"))
    );
    assert_eq!(rel.property("sentence").as_deref(), Some(&Value::Int(1)));
    assert_eq!(
        rel.property("evidence").as_deref(),
        Some(&Value::from("Phùng Sĩ Tấn visited Chile."))
    );
}

#[test]
fn round_trip_keeps_every_value_type_provenance_and_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kg.graph");
    let graph = sample_graph();
    store::save(&graph, &path).unwrap();
    let loaded = store::load(&path).unwrap();
    assert_same_graph(&graph, &loaded);
    // Indexes are rebuilt on load.
    assert_eq!(loaded.nodes_with_label("Country").count(), 1);
    assert_eq!(
        loaded.nodes_by_folded_name("phung si tan \"quoted\"").len(),
        0
    );
    assert_eq!(loaded.rels_with_type("VISITED").count(), 1);
    // Saving again over the old file works and leaves no temporary files
    // (the writers' lock file stays, as every writer's does).
    store::save(&loaded, &path).unwrap();
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            std::ffi::OsString::from("kg.graph"),
            std::ffi::OsString::from("kg.graph.lock")
        ]
    );
}

/// Loads `bytes` from a file and checks the error and that the file is unchanged.
fn load_damaged(bytes: &[u8]) -> StoreError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.graph");
    std::fs::write(&path, bytes).unwrap();
    let error = store::load(&path).expect_err("damaged file must not load");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file must stay untouched"
    );
    let message = error.to_string();
    assert!(
        message.contains("damaged.graph"),
        "message names the file: {message}"
    );
    error
}

#[test]
fn truncated_file_is_refused() {
    let bytes = store::encode(&sample_graph()).unwrap();
    for cut in [3, 20, bytes.len() / 2, bytes.len() - 1] {
        let error = load_damaged(&bytes[..cut]);
        assert!(
            matches!(error, StoreError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().contains("truncated"));
    }
}

#[test]
fn flipped_byte_is_refused() {
    let bytes = store::encode(&sample_graph()).unwrap();
    let mut damaged = bytes.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    let error = load_damaged(&damaged);
    assert!(matches!(error, StoreError::Checksum { .. }), "{error}");
    assert!(error.to_string().contains("corrupted"));
}

#[test]
fn random_and_foreign_files_are_refused() {
    let error = load_damaged(b"PK\x03\x04 this is a zip file, not a graph");
    assert!(matches!(error, StoreError::Foreign { .. }), "{error}");
    assert!(error.to_string().contains("not a kg graph file"));
}

#[test]
fn newer_version_is_refused_with_advice() {
    let mut bytes = store::encode(&sample_graph()).unwrap();
    bytes[8..12].copy_from_slice(&(store::FORMAT_VERSION + 1).to_le_bytes());
    let error = load_damaged(&bytes);
    assert!(matches!(error, StoreError::NewerVersion { .. }), "{error}");
    assert!(error.to_string().contains("upgrade kg"));
}

#[test]
fn huge_length_inside_a_valid_checksum_does_not_allocate() {
    // A payload claiming a string of 2^60 bytes, with a correct checksum: the
    // decoder's size limit must refuse it rather than try to allocate.
    let payload: Vec<u8> = vec![1, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x10];
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&store::MAGIC);
    bytes.extend_from_slice(&store::FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast_hash(&payload).to_le_bytes());
    bytes.extend_from_slice(&payload);
    let error = load_damaged(&bytes);
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
}

/// CRC-32 (IEEE), as the store header uses; written out here so the test
/// does not share code with what it checks.
fn crc32fast_hash(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn version_1_fixture_still_loads() {
    // Written by format version 1 (before provenance named its article
    // node): its elements load with their ids; provenance naming an
    // article the file does not hold is dropped.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1.graph");
    let loaded = store::load(&fixture).unwrap();
    let mut expected = Graph::new();
    sample_elements(&mut expected);
    assert_same_graph(&expected, &loaded);
}

#[test]
fn version_2_fixture_still_loads() {
    // Written by format version 2, whose article text is a plain property.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v2.graph");
    let loaded = store::load(&fixture).unwrap();
    assert_same_graph(&sample_graph(), &loaded);
}

/// The sample graph and an article long enough for its text to be held
/// (and saved) compressed.
fn sample_graph_with_long_text() -> Graph {
    let mut graph = sample_graph();
    let text = "Prime Minister Phạm Minh Chính received the delegation in Hà Nội. ".repeat(25);
    let mut props = BTreeMap::new();
    props.insert("id".to_string(), Value::from("dev-002"));
    props.insert("text".to_string(), Value::from(text.as_str()));
    let article = graph.add_node(["Article"], props);
    graph
        .set_source_sentences(article, vec![(0, 66), (66, 132)])
        .unwrap();
    graph
}

#[test]
fn version_3_fixture_still_loads() {
    // Catches unintended changes of the current on-disk format.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v3.graph");
    if std::env::var_os("KG_BLESS_FIXTURE").is_some() {
        store::save(&sample_graph_with_long_text(), &fixture).unwrap();
    }
    let bytes = std::fs::read(&fixture).unwrap();
    assert_eq!(
        bytes[8..12],
        3u32.to_le_bytes(),
        "the fixture is a version 3 file"
    );
    assert!(
        bytes.len() < 1_000,
        "the long text is saved compressed ({} bytes)",
        bytes.len()
    );
    let loaded = store::load(&fixture).unwrap();
    assert_same_graph(&sample_graph_with_long_text(), &loaded);
}

#[test]
fn locked_graph_refuses_a_second_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kg.graph");
    let _first = store::WriteLock::acquire(&path, std::time::Duration::ZERO).unwrap();
    let second = store::WriteLock::acquire(&path, std::time::Duration::ZERO);
    assert!(
        matches!(second, Err(StoreError::Locked { .. })),
        "{second:?}"
    );
}

#[test]
fn rebuilding_refuses_dangling_relationships() {
    let node = NodeData::default();
    let rel = RelData {
        rel_type: "R".to_string(),
        ..RelData::default()
    };
    let result = Graph::from_elements(
        Schema::default(),
        vec![(NodeId(0), node)],
        vec![(RelId(0), NodeId(0), NodeId(7), rel)],
    );
    assert!(result.is_err());
}

fn value_strategy() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<f64>()
            .prop_filter("NaN never equals itself", |f| !f.is_nan())
            .prop_map(Value::Float),
        ".*".prop_map(Value::String),
        (1000i32..3000, 1u8..=12, 1u8..=28)
            .prop_map(|(y, m, d)| Value::Date(Date::day(y, m, d).unwrap())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            prop::collection::btree_map(".*", inner, 0..6).prop_map(Value::Map),
        ]
    })
}

proptest! {
    #[test]
    fn any_property_value_round_trips(value in value_strategy()) {
        let mut graph = Graph::new();
        let mut props = BTreeMap::new();
        props.insert("v".to_string(), value);
        graph.add_node(["N"], props);
        let loaded = store::decode(&store::encode(&graph).unwrap()).unwrap();
        assert_same_graph(&graph, &loaded);
    }
}

#[test]
fn an_impossible_length_field_is_called_damage_not_truncation() {
    let mut bytes = store::encode(&sample_graph()).unwrap();
    bytes[12..20].copy_from_slice(&u64::MAX.to_le_bytes());
    let error = load_damaged(&bytes);
    let message = error.to_string();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{message}");
    assert!(message.contains("header gives a payload"), "{message}");
}

/// A file whose payload is replaced by `payload`, with the checksum made
/// to match, so the decoder itself meets the damage.
fn with_payload(payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&store::MAGIC);
    bytes.extend_from_slice(&store::FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&crc32fast_hash(payload).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Payloads mutated with the checksum recomputed: never a panic, and
    /// the error is one readable line naming the file (no empty `io
    /// error:`, no decoder advice over several lines).
    #[test]
    fn a_mutated_payload_with_a_valid_checksum_gives_one_clear_line(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let bytes = store::encode(&sample_graph()).unwrap();
        let mut payload = bytes[24..].to_vec();
        for (at, value) in edits {
            let at = at % payload.len();
            payload[at] = value;
        }
        payload.truncate(payload.len() - cut % 4);
        let file = with_payload(&payload);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mutated.graph");
        std::fs::write(&path, &file).unwrap();
        if let Err(error) = store::load(&path) {
            let message = error.to_string();
            prop_assert!(message.contains("mutated.graph"), "{}", message);
            prop_assert!(!message.contains('\n'), "{}", message);
            prop_assert!(!message.trim_end().ends_with(':'), "{}", message);
            prop_assert!(!message.to_lowercase().contains("bincode"), "{}", message);
        }
    }

    /// A log damaged anywhere: opening never panics; it either gives the
    /// graph of a prefix of the committed statements or an error naming
    /// the file, and `kg check` agrees.
    #[test]
    fn a_damaged_log_opens_as_a_prefix_or_fails_cleanly(
        at in any::<usize>(),
        value in any::<u8>(),
        cut in any::<usize>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logged.graph");
        let mut session = kg::session::Session::open_shared(&path).unwrap();
        let mut counts = vec![];
        for i in 0..5 {
            session
                .execute(&format!("CREATE (:N {{i: {i}, s: 'text {i}'}})"), &mut Vec::new(), &mut Vec::new())
                .unwrap();
            counts.push(i + 1);
        }
        drop(session);
        let mut log_name = path.as_os_str().to_owned();
        log_name.push(".wal");
        let log_path = std::path::PathBuf::from(log_name);
        let mut log = std::fs::read(&log_path).unwrap();
        let at = at % log.len();
        log[at] ^= value | 1;
        log.truncate(log.len() - cut % (log.len() - at).max(1));
        std::fs::write(&log_path, &log).unwrap();
        match store::load(&path) {
            Ok(graph) => {
                let n = graph.label_count("N");
                prop_assert!(n <= 5, "{} nodes", n);
                prop_assert!(store::check(&path).unwrap().is_ok());
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.contains("logged.graph"), "{}", message);
                prop_assert!(!message.contains('\n'), "{}", message);
                prop_assert!(store::check(&path).is_err());
            }
        }
    }
}

/// The fastest of three runs of `work`, in seconds.
fn fastest(mut work: impl FnMut()) -> f64 {
    (0..3)
        .map(|_| {
            let started = std::time::Instant::now();
            work();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// A graph of `n` node slots of which nine in ten were deleted, encoded.
fn holey_file(n: usize) -> Vec<u8> {
    let mut graph = Graph::new();
    let ids: Vec<NodeId> = (0..n)
        .map(|i| {
            let mut props = BTreeMap::new();
            props.insert("i".to_string(), Value::Int(i as i64));
            graph.add_node(["H"], props)
        })
        .collect();
    for (i, id) in ids.into_iter().enumerate() {
        if i % 10 != 9 {
            graph.remove_node(id).unwrap();
        }
    }
    store::encode(&graph).unwrap()
}

/// Loading is linear in the slots, holes included: twice the slots take
/// about twice the time (a generous bound; quadratic would be four times).
#[test]
fn loading_a_graph_full_of_deleted_slots_takes_linear_time() {
    let (small, large) = (holey_file(100_000), holey_file(200_000));
    let time_small = fastest(|| {
        store::decode(&small).unwrap();
    });
    let time_large = fastest(|| {
        let graph = store::decode(&large).unwrap();
        assert_eq!(graph.node_count(), 20_000);
    });
    assert!(
        time_large < time_small * 3.0 + 0.005,
        "2x the slots took {:.1}x the time ({time_small:.4} s, {time_large:.4} s)",
        time_large / time_small
    );
}
