//! The input side of "nothing lost, nothing crashes": every article a user
//! gives is read (or a warning says why not), ids never collapse two
//! inputs, folder walks survive symbolic link loops, and junk gives
//! warnings, never a panic.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

use super::cli::{json_lines, kg, stdout_of, temp_graph};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `kg extract --format json PATHS`: the article ids and standard error.
fn extract_ids(graph: &Path, paths: &[&Path]) -> (Vec<String>, String) {
    let output = kg(graph)
        .args(["extract", "--format", "json"])
        .args(paths)
        .timeout(Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .clone();
    let ids = json_lines(&String::from_utf8(output.stdout).unwrap())
        .iter()
        .map(|r| r["article"].as_str().unwrap().to_string())
        .collect();
    (ids, String::from_utf8(output.stderr).unwrap())
}

/// `kg ingest PATHS`: the summary line and standard error.
fn ingest(graph: &Path, paths: &[&Path]) -> (String, String) {
    let output = kg(graph)
        .arg("ingest")
        .args(paths)
        .timeout(Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .clone();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn article_ids(graph: &Path) -> Vec<String> {
    let out = stdout_of(kg(graph).args([
        "query",
        "--format",
        "csv",
        "MATCH (a:Article) RETURN a.id AS id ORDER BY id",
    ]));
    out.lines().skip(1).map(str::to_string).collect()
}

const TEXT_A: &str = "Minister Ana Ruiz met President Luis Soto in Hanoi on Monday.";
const TEXT_B: &str = "Foreign Minister Bui Thanh Son visited Chile last week.";

#[test]
fn files_of_one_name_in_two_folders_are_two_articles() {
    let (dir, graph) = temp_graph();
    let corpus = dir.path().join("corpus");
    write(&corpus, "2024/a/article.txt", TEXT_A.as_bytes());
    write(&corpus, "2025/b/article.txt", TEXT_B.as_bytes());
    write(&corpus, "flat.txt", TEXT_B.as_bytes());
    let (ids, _) = extract_ids(&graph, &[&corpus]);
    // a file directly in the folder keeps its stem (the gold keys on it)
    assert_eq!(ids, ["2024/a/article", "2025/b/article", "flat"]);
    let (summary, _) = ingest(&graph, &[&corpus]);
    assert!(
        summary.starts_with("ingested 3 articles (0 already present)"),
        "{summary}"
    );
    let (summary, _) = ingest(&graph, &[&corpus]);
    assert!(
        summary.starts_with("ingested 0 articles (3 already present)"),
        "{summary}"
    );
    assert_eq!(
        article_ids(&graph),
        ["2024/a/article", "2025/b/article", "flat"]
    );
}

#[test]
fn one_stem_named_twice_is_renamed_by_content_and_reported() {
    let (dir, graph) = temp_graph();
    let a = write(dir.path(), "x/article.txt", TEXT_A.as_bytes());
    let b = write(dir.path(), "y/article.txt", TEXT_B.as_bytes());
    let renamed = kg::extract::article::disambiguated("article", TEXT_B, 0);
    let (ids, err) = extract_ids(&graph, &[&a, &b]);
    assert_eq!(ids, ["article".to_string(), renamed.clone()]);
    assert!(
        err.contains("y/article.txt") && err.contains("x/article.txt") && err.contains(&renamed),
        "{err}"
    );
    let (summary, _) = ingest(&graph, &[&a, &b]);
    assert!(
        summary.starts_with(
            "ingested 2 articles (0 already present, 1 under a new id: their id names a different text)"
        ),
        "{summary}"
    );
    // each file again, alone or together, is found
    for paths in [
        vec![a.as_path()],
        vec![b.as_path()],
        vec![b.as_path(), a.as_path()],
    ] {
        let (summary, err) = ingest(&graph, &paths);
        assert!(summary.starts_with("ingested 0 articles"), "{summary}");
        assert!(!err.contains("different text in the graph"), "{err}");
    }
    assert_eq!(article_ids(&graph), ["article".to_string(), renamed]);
}

#[test]
fn a_different_text_under_a_known_id_is_kept_and_reported() {
    let (dir, graph) = temp_graph();
    let a = write(dir.path(), "x/article.txt", TEXT_A.as_bytes());
    let b = write(dir.path(), "y/article.txt", TEXT_B.as_bytes());
    ingest(&graph, &[&a]);
    let (summary, err) = ingest(&graph, &[&b]);
    let renamed = kg::extract::article::disambiguated("article", TEXT_B, 0);
    assert!(
        summary.starts_with("ingested 1 article (0 already present, 1 under a new id"),
        "{summary}"
    );
    assert!(
        err.contains("y/article.txt")
            && err.contains("already names a different text in the graph")
            && err.contains(&renamed),
        "{err}"
    );
    let (summary, _) = ingest(&graph, &[&b]);
    assert!(
        summary.starts_with("ingested 0 articles (1 already present)"),
        "{summary}"
    );
    // the split does not matter: both at once in a new graph, the other
    // order, give the same ids
    let (_dir2, graph2) = temp_graph();
    ingest(&graph2, &[&b]);
    ingest(&graph2, &[&a, &b]);
    let (_dir3, graph3) = temp_graph();
    ingest(&graph3, &[&a, &b]);
    assert_eq!(article_ids(&graph), article_ids(&graph3));
    assert_eq!(article_ids(&graph2).len(), 2);
}

#[test]
fn json_lines_without_ids_keep_every_line() {
    let (dir, graph) = temp_graph();
    let feed = write(
        dir.path(),
        "feed.jsonl",
        format!(
            "{{\"text\": \"{TEXT_A}\"}}\n\n{{\"text\": \"{TEXT_B}\"}}\n{{\"text\": \"Ana Ruiz visited Lima.\"}}\n"
        )
        .as_bytes(),
    );
    let (ids, _) = extract_ids(&graph, &[&feed]);
    assert_eq!(ids, ["feed:1", "feed:3", "feed:4"]);
    let (summary, _) = ingest(&graph, &[&feed]);
    assert!(summary.starts_with("ingested 3 articles"), "{summary}");
    let (summary, _) = ingest(&graph, &[&feed]);
    assert!(
        summary.starts_with("ingested 0 articles (3 already present)"),
        "{summary}"
    );
}

#[test]
fn explicit_ids_shared_by_different_texts_are_reported() {
    let (dir, graph) = temp_graph();
    let feed = write(
        dir.path(),
        "feed.jsonl",
        format!(
            "{{\"id\": \"n1\", \"text\": \"{TEXT_A}\"}}\n{{\"id\": \"n1\", \"text\": \"{TEXT_B}\"}}\n{{\"id\": \"n1\", \"text\": \"{TEXT_A}\"}}\n"
        )
        .as_bytes(),
    );
    let (ids, err) = extract_ids(&graph, &[&feed]);
    let renamed = kg::extract::article::disambiguated("n1", TEXT_B, 0);
    assert_eq!(ids, ["n1".to_string(), renamed]);
    assert!(
        err.contains("feed.jsonl:2") && err.contains("feed.jsonl:1"),
        "{err}"
    );
    // the third line repeats the first: read once, and said so
    assert!(err.contains("feed.jsonl:3: the same article as"), "{err}");
}

#[test]
fn one_file_named_twice_is_read_once_with_a_warning() {
    let (dir, graph) = temp_graph();
    let corpus = dir.path().join("c");
    let a = write(&corpus, "a.txt", TEXT_A.as_bytes());
    let (ids, err) = extract_ids(&graph, &[&a, &corpus, &a]);
    assert_eq!(ids, ["a"]);
    assert_eq!(err.matches("the same file as").count(), 2, "{err}");
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_reported_and_each_file_read_once() {
    use std::os::unix::fs::symlink;
    let (dir, graph) = temp_graph();
    let corpus = dir.path().join("c");
    write(&corpus, "x/one.txt", TEXT_A.as_bytes());
    write(&corpus, "y/two.txt", TEXT_B.as_bytes());
    // two loops (each alone repeated files; both together hung the walk),
    // a link across to a folder read anyway, and a link to a file
    symlink("..", corpus.join("x/up")).unwrap();
    symlink("../..", corpus.join("y/top")).unwrap();
    symlink("../y", corpus.join("x/across")).unwrap();
    symlink("../y/two.txt", corpus.join("x/again.txt")).unwrap();
    let (ids, err) = extract_ids(&graph, &[&corpus]);
    assert_eq!(ids, ["x/one", "y/two"], "{err}");
    assert_eq!(err.matches("symbolic link loop").count(), 2, "{err}");
    assert!(err.contains("the same folder as"), "{err}");
    assert!(err.contains("the same file as"), "{err}");
}

/// Bytes no article file should hold: binary data, NULs, broken UTF-8,
/// broken JSON.
fn junk(dir: &Path) -> Vec<PathBuf> {
    let mut noise = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..20_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    let mut half_text = TEXT_A.as_bytes().to_vec();
    half_text.extend_from_slice(b"\xff\xfe\xc3 broken \xe2\x82");
    vec![
        write(dir, "noise.txt", &noise),
        write(dir, "nul.txt", b"Ana Ruiz\0\0\0met\0Luis Soto.\0"),
        write(dir, "half.txt", &half_text),
        write(dir, "empty.txt", b""),
        write(dir, "date-only.txt", b" date 2024-13-45 "),
        write(dir, "noise.json", &noise),
        write(dir, "array.json", b"[1, 2, {\"text\": 3}]"),
        write(
            dir,
            "wrong-types.json",
            b"{\"id\": [1], \"text\": \"x\", \"date\": 7}",
        ),
        write(
            dir,
            "bad-date.json",
            b"{\"text\": \"Hi.\", \"date\": \"2024-02-30\"}",
        ),
        write(dir, "deep.json", "[".repeat(100_000).as_bytes()),
        write(
            dir,
            "lines.jsonl",
            &[b"{\"text\": \"\xff\xfe\"}\n\0\0\n{\n".as_slice(), &noise].concat(),
        ),
        write(dir, "noise.bin", &noise),
    ]
}

#[test]
fn junk_input_gives_warnings_never_a_panic() {
    let (dir, graph) = temp_graph();
    let folder = dir.path().join("junk");
    let files = junk(&folder);
    for file in &files {
        let output = kg(&graph)
            .args(["extract", "--format", "json"])
            .arg(file)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {err}", file.display());
        assert!(!err.contains("panicked"), "{}: {err}", file.display());
        assert!(err.contains("warning"), "{}: no warning", file.display());
    }
    let (_, err) = ingest(&graph, &[&folder]);
    assert!(!err.contains("panicked"), "{err}");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(err.contains(&*name), "{name} not warned about:\n{err}");
    }
    // the same bytes on standard input
    let noise = std::fs::read(&files[0]).unwrap();
    for stdin in [noise.clone(), [b"{".as_slice(), &noise].concat()] {
        let output = Command::cargo_bin("kg")
            .unwrap()
            .args(["extract", "-"])
            .write_stdin(stdin)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !err.contains("panicked"),
            "{err}"
        );
        assert!(err.contains("warning"), "{err}");
    }
}

/// Extraction takes time linear in the article: the work of an article of
/// size `2n` is compared with that of size `n` (the best of a few runs, in
/// whatever build the tests run), for each shape of text that once took
/// quadratic time. A linear step doubles; the bound is generous for noise.
mod linear {
    use std::time::{Duration, Instant};

    use kg::extract::{extract, Article};

    fn article(text: String) -> Article {
        Article {
            id: "big".into(),
            date: kg::graph::Date::parse("2024-05-06"),
            title: None,
            text,
            url: None,
            source: None,
            origin: "big".into(),
        }
    }

    fn time_of(article: &Article) -> Duration {
        let started = Instant::now();
        let e = extract(article);
        let took = started.elapsed();
        assert!(e.record.article == "big");
        took
    }

    /// One doubling test at a time, so they do not load each other.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Asserts that the text `make(2n)` takes less than three times as
    /// long as `make(n)`: the best of five runs each, taken in turns so a
    /// busy moment of the machine weighs on both. A round over 3x is
    /// measured again, up to three rounds: on a shared machine a burst of
    /// load can spoil one round of millisecond runs, while a super-linear
    /// shape fails every round.
    fn assert_linear(what: &str, n: usize, make: impl Fn(usize) -> String) {
        let (small, large) = (article(make(n)), article(make(2 * n)));
        eprintln!(
            "{what}: {} and {} bytes",
            small.text.len(),
            large.text.len()
        );
        assert_doubles_linearly(what, &small, &large, time_of);
    }

    /// Asserts that `time(large)` is less than three times `time(small)`,
    /// as [`assert_linear`] says, for any work measured on two inputs.
    fn assert_doubles_linearly<T>(what: &str, small: &T, large: &T, time: impl Fn(&T) -> Duration) {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let mut ratios = Vec::new();
        for _round in 0..3 {
            let (mut t1, mut t2) = (Duration::MAX, Duration::MAX);
            for _ in 0..5 {
                t1 = t1.min(time(small));
                t2 = t2.min(time(large));
            }
            let ratio = t2.as_secs_f64() / t1.as_secs_f64().max(1e-6);
            eprintln!("{what}: {t1:?} -> {t2:?}, ratio {ratio:.2}");
            if ratio < 3.0 {
                return;
            }
            ratios.push(ratio);
        }
        panic!("{what}: doubling the input took {ratios:.2?} times as long in every round");
    }

    /// A small deterministic generator (no dependency, same text every run).
    fn picks(n: usize, choices: &[&'static str], seed: u64) -> Vec<&'static str> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                choices[(x >> 33) as usize % choices.len()]
            })
            .collect()
    }

    #[test]
    fn one_sentence_without_punctuation() {
        const WORDS: &[&str] = &[
            "the",
            "minister",
            "met",
            "officials",
            "in",
            "the",
            "capital",
            "and",
            "discussed",
            "cooperation",
            "between",
            "two",
            "countries",
            "on",
            "trade",
            "defence",
        ];
        assert_linear("unpunctuated sentence", 60_000, |n| {
            picks(n, WORDS, 1).join(" ")
        });
    }

    #[test]
    fn many_dates() {
        const MONTHS: &[&str] = &["January", "March", "May", "July", "October", "December"];
        assert_linear("dates", 6_000, |n| {
            picks(n, MONTHS, 2)
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    format!(
                        "On {} {m} {} Minister Nguyen Van An met Ana Ruiz in Hanoi.",
                        i % 28 + 1,
                        1990 + i % 30
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        });
    }

    #[test]
    fn capitalised_words_in_a_row() {
        const NAMES: &[&str] = &[
            "Nguyen", "Van", "An", "Thi", "Tran", "Le", "Ho", "Chi", "Minh", "Ana", "Ruiz",
            "Maria", "Lopez",
        ];
        assert_linear("capitalised words", 20_000, |n| {
            format!("President {} met officials.", picks(n, NAMES, 3).join(" "))
        });
    }

    /// Made-up capitalised words (`Bakelu`), none in a lexicon.
    fn made_up(n: usize, seed: u64) -> Vec<String> {
        const SYLLABLES: &[&str] = &["ba", "ke", "lu", "mo", "ri", "sa", "to", "vi", "ne", "du"];
        let parts = picks(3 * n, SYLLABLES, seed);
        parts
            .chunks(3)
            .map(|c| {
                let word = c.concat();
                word[..1].to_uppercase() + &word[1..]
            })
            .collect()
    }

    #[test]
    fn many_persons() {
        const NAMES: &[&str] = &[
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Ana", "Maria", "Luis",
        ];
        assert_linear("persons", 1_500, |n| {
            let names = picks(6 * n, NAMES, 4);
            names
                .chunks(6)
                .map(|c| {
                    format!(
                        "Minister {} {} met {} {} and {} {}.",
                        c[0], c[1], c[2], c[3], c[4], c[5]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        });
    }

    #[test]
    fn many_institutions() {
        const HEADS: &[&str] = &["Ministry", "Committee", "Council", "Agency", "Institute"];
        assert_linear("institutions", 1_000, |n| {
            let words = made_up(2 * n, 5);
            let heads = picks(2 * n, HEADS, 6);
            (0..n)
                .map(|i| {
                    format!(
                        "The {} of {} signed an agreement with the {} of {} in Hanoi.",
                        heads[2 * i],
                        words[2 * i],
                        heads[2 * i + 1],
                        words[2 * i + 1]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        });
    }

    #[test]
    fn many_arrival_sites() {
        assert_linear("arrival sites", 1_000, |n| {
            let words = made_up(2 * n, 7);
            (0..n)
                .map(|i| {
                    format!(
                        "President Luis Soto arrived at {} {}, where he met Ana Ruiz.",
                        words[2 * i],
                        words[2 * i + 1]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        });
    }

    #[test]
    fn initials_without_spaces() {
        // `A.B.C.…`: every period was read back to the start of the word
        assert_linear("initials", 20_000, |n| {
            format!("He met {} today.", "A.".repeat(n))
        });
    }

    #[test]
    fn a_long_article_of_news_copy() {
        // the dev set when there, else the README's sample articles
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dev = root.join("../shared/corpus/dev");
        let dir = if dev.is_dir() {
            dev
        } else {
            root.join("data/articles")
        };
        let (articles, _) = kg::extract::read_paths(&[dir]);
        let copy: String = articles
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        assert!(!copy.is_empty());
        assert_linear("news copy", 200_000, |n| {
            let mut text = String::with_capacity(n + copy.len());
            while text.len() < n {
                text.push_str(&copy);
                text.push_str("\n\n");
            }
            text
        });
    }

    /// Ingest (the graph side: merging, provenance) of one article naming
    /// the same country thousands of times: each mention's provenance is
    /// checked for a duplicate against the last entry, not all of them.
    #[test]
    fn ingest_of_one_article_naming_a_hub_again_and_again() {
        let sentence = "Minister Ana Ruiz said Vietnam and Chile would work together. ";
        let prepared = |n: usize| {
            let article = article(sentence.repeat(n));
            let extraction = extract(&article);
            (article, extraction)
        };
        let ingest_time = |(article, extraction): &(Article, kg::extract::Extraction)| {
            let mut graph = kg::graph::Graph::new();
            let started = Instant::now();
            kg::ingest::ingest(
                &mut graph,
                std::slice::from_ref(article),
                std::slice::from_ref(extraction),
            )
            .unwrap();
            let took = started.elapsed();
            let most = graph
                .rel_ids()
                .filter_map(|id| graph.rel(id).map(|r| r.provenance().len()))
                .max()
                .unwrap_or(0);
            // the shape holds: one fact stated once per sentence
            assert!(most >= 4_000, "{most} provenance entries");
            took
        };
        let (small, large) = (prepared(4_000), prepared(8_000));
        assert_doubles_linearly("ingest of a hub", &small, &large, ingest_time);
    }
}
