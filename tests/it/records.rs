//! Extraction beyond one machine: `kg extract --format json -` as a pipe
//! filter over JSON Lines articles, `kg ingest --records` merging what the
//! shards made, and Spark running the filter (`examples/spark_extract.py`).
//! Each compares the graph with a direct `kg ingest` of the same articles:
//! counts per label and type, every node's labels and properties, and every
//! relationship with its ends, properties and provenance.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use kg::extract::{article, extract_all, Article};
use kg::graph::{Graph, Value};
use proptest::prelude::*;

use crate::export::{kg, python_with};

fn data_articles() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles")
}

/// The `.txt` articles of a folder, read as `kg ingest` reads them.
fn txt_articles(dir: &Path) -> Vec<Article> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| article::from_txt(f, &std::fs::read_to_string(f).unwrap()))
        .collect()
}

/// One JSON Lines article per `.txt` article, with its id and date, so
/// that `kg` reads the same article from either.
fn jsonl_line(article: &Article) -> String {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), article.id.clone().into());
    if let Some(date) = article.date {
        object.insert("date".into(), date.to_string().into());
    }
    object.insert("text".into(), article.text.clone().into());
    serde_json::Value::Object(object).to_string()
}

/// A graph as the comparison sees it, without node ids: sorted lines for
/// each node (labels, properties, provenance) and each relationship (its
/// ends by label and name, type, properties, provenance), and the counts.
fn shape(graph: &Graph) -> Shape {
    shape_with(graph, true)
}

/// [`shape`], or with `exact` false only what must not depend on the order
/// the articles came in: names folded (a role's title is the spelling
/// first read) and no properties (a fact's `evidence` is its first
/// statement's, a node's `rank` or `country` the first one read), only the
/// set of provenance entries.
fn shape_with(graph: &Graph, exact: bool) -> Shape {
    let key = |id| {
        let node = graph.node(id).unwrap();
        let name = ["name", "title", "id"]
            .iter()
            .find_map(|k| {
                node.property(k)
                    .map(|v| v.as_str().unwrap_or("").to_string())
            })
            .unwrap_or_default();
        let name = if exact { name } else { kg::graph::fold(&name) };
        format!("{:?} {name:?}", node.labels())
    };
    let provenance = |entries: &[kg::graph::Provenance]| -> Vec<String> {
        let mut lines: Vec<String> = entries
            .iter()
            .map(|p| {
                let source = graph.node(p.source).unwrap();
                let article = source.property("id").map(|v| format!("{v:?}"));
                format!("{article:?}:{}:{}..{}", p.sentence, p.start, p.end)
            })
            .collect();
        lines.sort();
        lines
    };
    let properties = |all: BTreeMap<String, Value>| {
        if exact {
            format!("{all:?}")
        } else {
            String::new()
        }
    };
    let mut lines = Vec::new();
    for id in graph.node_ids() {
        let node = graph.node(id).unwrap();
        lines.push(format!(
            "node {} {} {:?}",
            key(id),
            properties(node.properties()),
            provenance(node.provenance())
        ));
    }
    for id in graph.rel_ids() {
        let rel = graph.rel(id).unwrap();
        lines.push(format!(
            "rel {} -[{} {} {:?}]-> {}",
            key(rel.start()),
            rel.rel_type(),
            properties(rel.properties()),
            provenance(&rel.provenance()),
            key(rel.end())
        ));
    }
    lines.sort();
    (graph.label_counts(), graph.type_counts(), lines)
}

type Shape = (Vec<(String, usize)>, Vec<(String, usize)>, Vec<String>);

/// What differs between two shapes, said briefly (empty when nothing).
fn differences(got: &Shape, expected: &Shape) -> String {
    let mut said = String::new();
    if got.0 != expected.0 {
        said += &format!("labels {:?} instead of {:?}\n", got.0, expected.0);
    }
    if got.1 != expected.1 {
        said += &format!("types {:?} instead of {:?}\n", got.1, expected.1);
    }
    let cut = |l: &String| l.chars().take(400).collect::<String>();
    for line in got.2.iter().filter(|l| !expected.2.contains(l)).take(5) {
        said += &format!("only in this graph: {}\n", cut(line));
    }
    for line in expected.2.iter().filter(|l| !got.2.contains(l)).take(5) {
        said += &format!("only in the direct ingest: {}\n", cut(line));
    }
    said
}

fn shape_of_file(path: &Path) -> Shape {
    shape(&kg::store::load(path).unwrap())
}

/// `kg ingest` of the folder, straight.
fn direct_graph(dir: &Path, articles: &Path) -> PathBuf {
    let path = dir.join("direct.graph");
    kg(&path).arg("ingest").arg(articles).assert().success();
    path
}

/// `kg extract --format json -` with `input` on standard input: its
/// standard output and error.
fn extract_stdin(input: &str) -> (String, String) {
    let output = Command::cargo_bin("kg")
        .unwrap()
        .args(["extract", "--format", "json", "-"])
        .env_remove("KG_GRAPH")
        .write_stdin(input)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{err}");
    (String::from_utf8(output.stdout).unwrap(), err)
}

#[test]
fn two_shards_extracted_apart_give_the_graph_of_one_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let articles = txt_articles(&data_articles());
    assert_eq!(articles.len(), 2);
    let mut shards = Vec::new();
    for (n, article) in articles.iter().enumerate() {
        let (records, err) = extract_stdin(&format!("{}\n", jsonl_line(article)));
        assert!(err.is_empty(), "{err}");
        assert_eq!(records.lines().count(), 1, "one record per article");
        let shard = dir.path().join(format!("shard-{n}.jsonl"));
        std::fs::write(&shard, records).unwrap();
        shards.push(shard);
    }
    let merged = dir.path().join("merged.graph");
    let output = kg(&merged)
        .args(["ingest", "--records"])
        .args(&shards)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = String::from_utf8(output.stdout).unwrap();
    assert!(summary.starts_with("ingested 2 articles"), "{summary}");
    let direct = direct_graph(dir.path(), &data_articles());
    let (expected, got) = (shape_of_file(&direct), shape_of_file(&merged));
    assert!(expected.0.iter().any(|(l, n)| l == "Person" && *n > 5));
    assert_eq!(got.0, expected.0, "counts per label");
    assert_eq!(got.1, expected.1, "counts per type");
    assert_eq!(got.2, expected.2, "nodes and relationships");
    // evidence is there, read from the text the record carried
    let evidence = kg(&merged)
        .args([
            "query",
            "--format",
            "csv",
            "MATCH (:Person)-[h:HOLDS]->() RETURN h.evidence LIMIT 1",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8(evidence.stdout).unwrap().len() > 40);
    // ingesting the records again changes nothing
    kg(&merged)
        .args(["ingest", "--records"])
        .args(&shards)
        .assert()
        .success()
        .stdout(predicates::str::contains("(2 already present)"));
    assert_eq!(shape_of_file(&merged), expected);
}

#[test]
fn the_filter_streams_and_reports_bad_lines_by_number() {
    let articles = txt_articles(&data_articles());
    let input = format!(
        "{}\nnot json\n{{\"id\": \"x\"}}\n\n{}\n",
        jsonl_line(&articles[0]),
        jsonl_line(&articles[1])
    );
    let (records, err) = extract_stdin(&input);
    let ids: Vec<String> = records
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["article"].to_string())
        .collect();
    assert_eq!(ids, ["\"dev-001\"", "\"dev-002\""]);
    assert!(err.contains("-:2: not a JSON article"), "{err}");
    assert!(
        err.contains("-:3: not an article: no \"text\" field"),
        "{err}"
    );
    assert!(
        err.contains("2 articles extracted, 2 lines skipped"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // --strict: the first bad line fails the run
    Command::cargo_bin("kg")
        .unwrap()
        .args(["extract", "--strict", "--format", "json", "-"])
        .write_stdin(input)
        .timeout(Duration::from_secs(120))
        .assert()
        .failure()
        .stderr(predicates::str::contains("-:2:"));
}

#[test]
fn each_record_leaves_before_the_next_article_arrives() {
    use std::io::{BufRead, BufReader, Write};
    let articles = txt_articles(&data_articles());
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("kg"))
        .args(["extract", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    for article in &articles {
        // the pipe stays open: a record that came back was not held
        // until the end of the input
        writeln!(stdin, "{}", jsonl_line(article)).unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let record: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(record["article"], article.id.as_str());
        assert_eq!(record["text"], article.text.as_str());
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn bad_record_lines_are_skipped_with_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let articles = txt_articles(&data_articles());
    let (records, _) = extract_stdin(&format!("{}\n", jsonl_line(&articles[0])));
    let mut record: serde_json::Value = serde_json::from_str(records.trim()).unwrap();
    let good = record.to_string();
    record.as_object_mut().unwrap().remove("text");
    let folder = dir.path().join("records");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("part-00000");
    std::fs::write(
        &file,
        format!("{good}\n{{\"article\": 1}}\n{record}\n\u{0}\u{1}\n"),
    )
    .unwrap();
    // what Spark writes beside its part files is passed over
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    std::fs::write(folder.join(".part-00000.crc"), "junk").unwrap();
    let graph = dir.path().join("g.graph");
    let output = kg(&graph)
        .args(["ingest", "--records"])
        .arg(&folder)
        .output()
        .unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{err}");
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .starts_with("ingested 1 article"));
    assert!(
        err.contains("part-00000:2: not an extraction record"),
        "{err}"
    );
    assert!(
        err.contains("part-00000:3: the record has no article text"),
        "{err}"
    );
    assert!(err.contains("part-00000:4:"), "{err}");
    assert!(
        err.contains("3 lines that were no extraction record skipped"),
        "{err}"
    );
    assert!(!err.contains("_SUCCESS") && !err.contains(".crc"), "{err}");
    kg(&graph).arg("check").assert().success();
}

/// The articles the split test draws from: the samples and the made-up
/// generalisation sets (names that recur across articles).
fn many_articles() -> &'static [Article] {
    static ARTICLES: std::sync::OnceLock<Vec<Article>> = std::sync::OnceLock::new();
    ARTICLES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = txt_articles(&root.join("data/articles"));
        all.extend(txt_articles(&root.join("tests/gen/people")));
        all.extend(txt_articles(&root.join("tests/gen/events")));
        all
    })
}

/// What `kg ingest` of all the articles builds: its shape exactly, and
/// what does not depend on the order of the articles.
fn direct_shapes() -> &'static (Shape, Shape) {
    static SHAPES: std::sync::OnceLock<(Shape, Shape)> = std::sync::OnceLock::new();
    SHAPES.get_or_init(|| {
        let articles = many_articles();
        let mut graph = Graph::new();
        kg::ingest::ingest(&mut graph, articles, &extract_all(articles)).unwrap();
        (shape(&graph), shape_with(&graph, false))
    })
}

/// Each article extracted alone, as the filter does, and its record line.
fn record_lines() -> &'static [String] {
    static LINES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LINES.get_or_init(|| {
        many_articles()
            .iter()
            .map(|article| {
                let extraction = extract_all(std::slice::from_ref(article)).remove(0);
                let mut line = Vec::new();
                kg::records::write_record(&mut line, article, &extraction).unwrap();
                String::from_utf8(line).unwrap()
            })
            .collect()
    })
}

/// The graph of ingesting the shards' record lines, read back as
/// `kg ingest --records` reads them, shard after shard.
fn ingest_shards(shards: &[Vec<&String>]) -> Graph {
    let mut graph = Graph::new();
    let mut n = 0;
    for shard in shards {
        let mut read = Vec::new();
        let mut extractions = Vec::new();
        for line in shard {
            n += 1;
            let (a, e) =
                kg::records::parse_record(line.trim_end(), "shard", &format!("r{n}")).unwrap();
            read.push(a);
            extractions.push(e);
        }
        kg::ingest::ingest(&mut graph, &read, &extractions).unwrap();
    }
    graph
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Cut into shards that keep the articles in order (as Spark's
    /// partitions and part files do), the records give exactly the graph
    /// of one ingest, every property and provenance entry included.
    #[test]
    fn any_cut_into_ordered_shards_gives_exactly_the_same_graph(
        cuts in proptest::collection::btree_set(1usize..40, 0..6),
    ) {
        let lines = record_lines();
        let mut shards: Vec<Vec<&String>> = Vec::new();
        let mut from = 0;
        for cut in cuts.into_iter().chain([lines.len()]).filter(|&c| c <= lines.len()) {
            shards.push(lines[from..cut].iter().collect());
            from = cut;
        }
        let said = differences(&shape(&ingest_shards(&shards)), &direct_shapes().0);
        prop_assert!(said.is_empty(), "{}", said);
    }

    /// Dealt into shards at random and the shards ingested in any order,
    /// the graph has the same nodes and relationships, names (folded) and
    /// provenance; only what depends on which article came first (a
    /// role's spelling, the evidence shown first) may differ.
    #[test]
    fn any_split_in_any_order_gives_the_same_nodes_and_relationships(
        seed in any::<u64>(),
        shards in 1usize..5,
    ) {
        let mut rng = seed | 1;
        let mut next = || {
            // xorshift: a split per seed, without a dependency
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut dealt: Vec<Vec<&String>> = vec![Vec::new(); shards];
        for line in record_lines() {
            dealt[(next() % shards as u64) as usize].push(line);
        }
        let first = (next() % shards as u64) as usize;
        dealt.rotate_left(first);
        let said = differences(&shape_with(&ingest_shards(&dealt), false), &direct_shapes().1);
        prop_assert!(said.is_empty(), "{}", said);
    }
}

/// Java 17 or later (what Spark 4 needs), when `java -version` says so.
fn java_found() -> bool {
    let said = std::process::Command::new("java")
        .arg("-version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned());
    let Some(said) = said else {
        eprintln!(
            "skipping: no Java for Spark (apt-get install openjdk-17-jre-headless, or run .ci/run)"
        );
        return false;
    };
    // `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_401"`
    let major = said
        .split('"')
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_some_and(|m| m >= 17) {
        return true;
    }
    eprintln!("skipping: Spark needs Java 17 or later, and `java -version` says: {said}");
    false
}

#[test]
fn spark_local_mode_gives_the_graph_of_a_direct_ingest() {
    let Some(python) = python_with("pyspark") else {
        return;
    };
    if !java_found() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let input = dir.path().join("articles.jsonl");
    let lines: Vec<String> = txt_articles(&data_articles())
        .iter()
        .map(jsonl_line)
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let graph = dir.path().join("spark.graph");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spark_extract.py");
    let output = Command::new(&python)
        .arg(script)
        .arg(&input)
        .arg(dir.path().join("records"))
        .arg("--graph")
        .arg(&graph)
        .arg("--kg")
        .arg(assert_cmd::cargo::cargo_bin("kg"))
        .args(["--partitions", "2"])
        .current_dir(dir.path())
        .env("HOME", &home)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .env_remove("KG_GRAPH")
        .timeout(Duration::from_secs(600))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "spark_extract.py failed:\n{err}");
    assert!(err.contains("2 partitions"), "{err}");
    let parts = std::fs::read_dir(dir.path().join("records"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("part-")
        })
        .count();
    assert_eq!(parts, 2, "one part file per partition");
    let direct = direct_graph(dir.path(), &data_articles());
    assert_eq!(shape_of_file(&graph), shape_of_file(&direct));
    eprintln!("spark: the graph of the Spark run is the graph of a direct ingest");
}
