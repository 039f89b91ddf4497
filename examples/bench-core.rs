//! Measures the graph core: ingest end to end (read, extract, resolve and
//! merge, save), the saved file, and loading and saving it in a fresh
//! process. Numbers for BENCHMARKS.md (issue 9), never a timed test.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --articles 10000 --seed 1 --out /tmp/corpus-10k
//! cargo run --release --example bench-core -- ingest --articles /tmp/corpus-10k --threads 1
//! cargo run --release --example bench-core -- load --graph /tmp/corpus-10k.graph
//! cargo run --release --example bench-core -- big --nodes 1000000 --rels 5000000
//! ```
//!
//! Memory of a loaded graph is measured in a child process (this program
//! run as `probe`) that only loads and saves, so nothing the ingest left on
//! the heap is counted: the growth of its resident set over the load, per
//! node+relationship, and its peak (`VmHWM`).
//!
//! Every call into the library is in [`core_api`], so the benchmark follows
//! the graph core as its API changes.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark command prints its figures"
)]

mod gen_corpus;

#[allow(dead_code, reason = "the query bench uses more of it than `big` does")]
#[path = "../benches/support/news_graph.rs"]
mod news_graph;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

/// Extraction and ingest allocate many small values; measure with the
/// allocator the `kg` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The library calls the benchmark makes, and nothing else of `kg`.
mod core_api {
    use std::path::{Path, PathBuf};

    pub use kg::extract::Article;
    pub use kg::extract::Extraction;
    pub use kg::graph::Graph;

    /// Reads articles as `kg ingest` does; warnings are returned, not fatal.
    pub fn read(paths: &[PathBuf]) -> (Vec<Article>, Vec<String>) {
        let (articles, warnings) = kg::extract::read_paths(paths);
        (articles, warnings.iter().map(|w| w.to_string()).collect())
    }

    /// An article from generated `.txt` text, as if read from `<id>.txt`.
    pub fn article_from_txt(id: &str, text: &str) -> Article {
        kg::extract::article::from_txt(Path::new(&format!("{id}.txt")), text)
    }

    pub fn extract(articles: &[Article]) -> Vec<Extraction> {
        kg::extract::extract_all(articles)
    }

    pub fn new_graph() -> Graph {
        Graph::new()
    }

    pub fn ingest(
        graph: &mut Graph,
        articles: &[Article],
        extractions: &[Extraction],
    ) -> Result<(), String> {
        kg::ingest::ingest(graph, articles, extractions)
            .map(|_| ())
            .map_err(|e| format!("ingest failed: {e}"))
    }

    pub fn save(graph: &Graph, path: &Path) -> Result<(), String> {
        kg::store::save(graph, path).map_err(|e| format!("save failed: {e}"))
    }

    pub fn load(path: &Path) -> Result<Graph, String> {
        kg::store::load(path).map_err(|e| format!("load failed: {e}"))
    }

    /// Nodes and relationships.
    pub fn counts(graph: &Graph) -> (usize, usize) {
        (graph.node_count(), graph.rel_count())
    }

    /// The query benchmarks' synthetic graph (`benches/support/news_graph.rs`).
    pub fn news_graph(scale: f64) -> Graph {
        super::news_graph::build(scale).graph
    }
}

/// Benchmarks of ingest and the graph store.
#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Ingest a folder of articles into a new graph, save it, then load and
    /// save it again in a fresh process.
    Ingest {
        /// Folder (or files) of articles, as `kg ingest` takes them.
        #[arg(long, required = true, num_args = 1..)]
        articles: Vec<PathBuf>,
        /// Graph file to write (default: beside the first input, `.graph`).
        #[arg(long)]
        graph: Option<PathBuf>,
        #[command(flatten)]
        threads: Threads,
    },
    /// Load (and save) an existing graph file in a fresh process.
    Load {
        #[arg(long)]
        graph: PathBuf,
        #[command(flatten)]
        threads: Threads,
    },
    /// Build a large news graph (generated articles ingested in batches, or
    /// the query bench's synthetic graph), save it, load it.
    Big {
        /// Stop adding articles once the graph has this many nodes...
        #[arg(long, default_value_t = 1_000_000)]
        nodes: usize,
        /// ...and this many relationships.
        #[arg(long, default_value_t = 5_000_000)]
        rels: usize,
        /// Where the graph comes from.
        #[arg(long, value_enum, default_value_t = Source::Articles)]
        source: Source,
        /// Generator seed (`--source articles`).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Articles generated, extracted and ingested per step.
        #[arg(long, default_value_t = 20_000)]
        batch: usize,
        /// Give up after this many articles even if the sizes are not reached.
        #[arg(long, default_value_t = 2_000_000)]
        max_articles: usize,
        /// Scale of the synthetic graph (`--source news-graph`; 1.0 = 1M nodes).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Graph file to write.
        #[arg(long, default_value = "/tmp/kg-bench-big.graph")]
        graph: PathBuf,
        #[command(flatten)]
        threads: Threads,
    },
    /// (internal) Load a graph, report memory and times as key=value, save it.
    Probe {
        #[arg(long)]
        graph: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Source {
    /// Generated articles (gen-corpus), extracted and ingested: news-shaped
    /// properties and evidence.
    Articles,
    /// `benches/support/news_graph.rs`: properties, no evidence.
    NewsGraph,
}

#[derive(clap::Args, Clone, Copy)]
struct Threads {
    /// Worker threads for extraction (1 = one core; default or 0: all cores).
    #[arg(long, env = "RAYON_NUM_THREADS")]
    threads: Option<usize>,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench-core: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    match args.command {
        Bench::Ingest {
            articles,
            graph,
            threads,
        } => {
            let graph = graph.unwrap_or_else(|| default_graph_path(&articles));
            in_pool(threads, || bench_ingest(&articles, &graph, threads))
        }
        Bench::Load { graph, threads } => {
            let probe = probe(&graph, threads)?;
            print_probe(&probe);
            Ok(())
        }
        Bench::Big {
            nodes,
            rels,
            source,
            seed,
            batch,
            max_articles,
            scale,
            graph,
            threads,
        } => {
            let plan = BigPlan {
                nodes,
                rels,
                seed,
                batch: batch.max(1),
                max_articles,
            };
            in_pool(threads, || bench_big(&plan, source, scale, &graph, threads))
        }
        Bench::Probe { graph } => run_probe(&graph),
    }
}

/// Runs `f` on a rayon pool of the requested size, so `extract_all`'s
/// parallel iterators use exactly that many threads.
fn in_pool<F>(threads: Threads, f: F) -> Result<(), String>
where
    F: FnOnce() -> Result<(), String> + Send,
{
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads.threads {
        builder = builder.num_threads(n);
    }
    let pool = builder
        .build()
        .map_err(|e| format!("cannot start the thread pool: {e}"))?;
    pool.install(f)
}

fn default_graph_path(articles: &[PathBuf]) -> PathBuf {
    let first = articles
        .first()
        .map_or(Path::new("corpus"), |p| p.as_path());
    let name = first
        .file_name()
        .map_or("corpus".into(), |n| n.to_os_string());
    let mut path = first.with_file_name(name);
    path.set_extension("graph");
    path
}

/// The figures of one ingest, printed as a block and as one TSV line.
struct IngestFigures {
    articles: usize,
    text_bytes: usize,
    read: Duration,
    extract: Duration,
    ingest: Duration,
    save: Duration,
    nodes: usize,
    rels: usize,
    file_bytes: u64,
    peak_rss: Option<u64>,
}

fn bench_ingest(paths: &[PathBuf], graph_path: &Path, threads: Threads) -> Result<(), String> {
    let started = Instant::now();
    let (articles, warnings) = core_api::read(paths);
    let read = started.elapsed();
    for warning in warnings.iter().take(10) {
        eprintln!("bench-core: warning: {warning}");
    }
    if articles.is_empty() {
        return Err(format!("no articles read from {paths:?}"));
    }
    let text_bytes = articles.iter().map(|a| a.text.len()).sum();
    let t = Instant::now();
    let extractions = core_api::extract(&articles);
    let extract = t.elapsed();
    let t = Instant::now();
    let mut graph = core_api::new_graph();
    core_api::ingest(&mut graph, &articles, &extractions)?;
    let ingest = t.elapsed();
    let t = Instant::now();
    core_api::save(&graph, graph_path)?;
    let save = t.elapsed();
    let (nodes, rels) = core_api::counts(&graph);
    let figures = IngestFigures {
        articles: articles.len(),
        text_bytes,
        read,
        extract,
        ingest,
        save,
        nodes,
        rels,
        file_bytes: file_size(graph_path)?,
        peak_rss: proc_status_kb("VmHWM"),
    };
    drop((graph, extractions, articles));
    print_ingest(&figures, paths, threads);
    let probe = probe(graph_path, threads)?;
    print_probe(&probe);
    println!(
        "tsv\tarticles\ttext_MB\tthreads\ttotal_s\tMB/s\tms/article\tnodes\trels\tpeak_RSS_MB\tloaded_B/elem\tfile_B/elem\tload_MB/s\tsave_MB/s"
    );
    let total = figures.total().as_secs_f64();
    println!(
        "tsv\t{}\t{:.2}\t{}\t{:.3}\t{:.2}\t{:.3}\t{}\t{}\t{:.0}\t{:.0}\t{:.0}\t{:.0}\t{:.0}",
        figures.articles,
        mb(figures.text_bytes as u64),
        threads_label(threads),
        total,
        mb(figures.text_bytes as u64) / total,
        total * 1000.0 / figures.articles as f64,
        figures.nodes,
        figures.rels,
        figures.peak_rss.map_or(f64::NAN, |kb| kb as f64 / 1024.0),
        probe.bytes_per_element(),
        figures.file_bytes as f64 / (figures.nodes + figures.rels).max(1) as f64,
        probe.load_mb_s(),
        probe.save_mb_s(),
    );
    Ok(())
}

impl IngestFigures {
    fn total(&self) -> Duration {
        self.read + self.extract + self.ingest + self.save
    }
}

fn print_ingest(f: &IngestFigures, paths: &[PathBuf], threads: Threads) {
    let text_mb = mb(f.text_bytes as u64);
    let total = f.total().as_secs_f64();
    let rate = |d: Duration| text_mb / d.as_secs_f64();
    println!(
        "ingest {}: {} articles, {text_mb:.2} MB of text, threads {}",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
        f.articles,
        threads_label(threads)
    );
    println!(
        "  read      {:>9.3} s  {:>8.1} MB/s",
        f.read.as_secs_f64(),
        rate(f.read)
    );
    println!(
        "  extract   {:>9.3} s  {:>8.1} MB/s",
        f.extract.as_secs_f64(),
        rate(f.extract)
    );
    println!(
        "  ingest    {:>9.3} s  {:>8.1} MB/s",
        f.ingest.as_secs_f64(),
        rate(f.ingest)
    );
    println!(
        "  save      {:>9.3} s  {:>8.1} MB/s of file",
        f.save.as_secs_f64(),
        mb(f.file_bytes) / f.save.as_secs_f64()
    );
    println!(
        "  total     {total:>9.3} s  {:>8.2} MB/s of text, {:.3} ms per article",
        text_mb / total,
        total * 1000.0 / f.articles as f64
    );
    print_graph_size(f.nodes, f.rels, f.file_bytes);
    if let Some(kb) = f.peak_rss {
        println!(
            "  peak RSS of the ingest process: {:.0} MB",
            kb as f64 / 1024.0
        );
    }
}

fn print_graph_size(nodes: usize, rels: usize, file_bytes: u64) {
    println!(
        "  graph     {nodes} nodes, {rels} relationships; file {:.1} MB, {:.0} bytes per element",
        mb(file_bytes),
        file_bytes as f64 / (nodes + rels).max(1) as f64
    );
}

/// What the sizes of `big` are and how to reach them.
struct BigPlan {
    nodes: usize,
    rels: usize,
    seed: u64,
    batch: usize,
    max_articles: usize,
}

fn bench_big(
    plan: &BigPlan,
    source: Source,
    scale: f64,
    graph_path: &Path,
    threads: Threads,
) -> Result<(), String> {
    let started = Instant::now();
    let graph = match source {
        Source::Articles => big_from_articles(plan)?,
        Source::NewsGraph => core_api::news_graph(scale),
    };
    let build = started.elapsed();
    let (nodes, rels) = core_api::counts(&graph);
    println!(
        "big graph ({}): {nodes} nodes, {rels} relationships, built in {:.1} s",
        match source {
            Source::Articles => "generated articles, extracted and ingested",
            Source::NewsGraph => "benches/support/news_graph.rs",
        },
        build.as_secs_f64()
    );
    let rss_before_save = proc_status_kb("VmRSS");
    let t = Instant::now();
    core_api::save(&graph, graph_path)?;
    let save = t.elapsed();
    let file_bytes = file_size(graph_path)?;
    print_graph_size(nodes, rels, file_bytes);
    println!(
        "  save in the building process: {:.3} s, {:.1} MB/s; RSS before {:.0} MB, peak {:.0} MB",
        save.as_secs_f64(),
        mb(file_bytes) / save.as_secs_f64(),
        rss_before_save.map_or(f64::NAN, |kb| kb as f64 / 1024.0),
        proc_status_kb("VmHWM").map_or(f64::NAN, |kb| kb as f64 / 1024.0),
    );
    drop(graph);
    let probe = probe(graph_path, threads)?;
    print_probe(&probe);
    Ok(())
}

/// Generated articles in batches until the graph is big enough.
fn big_from_articles(plan: &BigPlan) -> Result<core_api::Graph, String> {
    // Size the pool of officials for the number of articles it will take
    // (about 4.5 new nodes per article).
    let expected = (plan.nodes / 4).min(plan.max_articles);
    let corpus = gen_corpus::Corpus::new(plan.seed, expected)?;
    let mut graph = core_api::new_graph();
    let mut done = 0;
    let mut text_bytes = 0usize;
    let started = Instant::now();
    loop {
        let (nodes, rels) = core_api::counts(&graph);
        if (nodes >= plan.nodes && rels >= plan.rels) || done >= plan.max_articles {
            break;
        }
        let end = (done + plan.batch).min(plan.max_articles);
        let articles: Vec<core_api::Article> = (done..end)
            .into_par_iter()
            .map(|i| core_api::article_from_txt(&gen_corpus::Corpus::id(i), &corpus.text(i)))
            .collect();
        text_bytes += articles.iter().map(|a| a.text.len()).sum::<usize>();
        let extractions = core_api::extract(&articles);
        core_api::ingest(&mut graph, &articles, &extractions)?;
        done = end;
        let (nodes, rels) = core_api::counts(&graph);
        eprintln!(
            "  {done} articles ({:.0} MB of text): {nodes} nodes, {rels} relationships, {:.1} s",
            mb(text_bytes as u64),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(graph)
}

/// The child's report on loading and saving one graph file.
struct Probe {
    file_bytes: u64,
    nodes: usize,
    rels: usize,
    rss_before_kb: u64,
    rss_after_kb: u64,
    hwm_after_load_kb: u64,
    hwm_after_save_kb: u64,
    load_s: f64,
    save_s: f64,
}

impl Probe {
    fn bytes_per_element(&self) -> f64 {
        self.rss_after_kb.saturating_sub(self.rss_before_kb) as f64 * 1024.0
            / (self.nodes + self.rels).max(1) as f64
    }

    fn load_mb_s(&self) -> f64 {
        mb(self.file_bytes) / self.load_s
    }

    fn save_mb_s(&self) -> f64 {
        mb(self.file_bytes) / self.save_s
    }
}

/// Fresh processes per load/save measurement; the median is reported, so
/// one run slowed by a neighbour on the shared machine does not count.
const PROBES: usize = 3;

/// Runs [`PROBES`] probes and keeps the median load and save times (memory
/// is the same in each run, up to a few pages).
fn probe(graph: &Path, threads: Threads) -> Result<Probe, String> {
    let mut probes = Vec::with_capacity(PROBES);
    for _ in 0..PROBES {
        probes.push(probe_once(graph, threads)?);
    }
    let mut load: Vec<f64> = probes.iter().map(|p| p.load_s).collect();
    let mut save: Vec<f64> = probes.iter().map(|p| p.save_s).collect();
    load.sort_by(f64::total_cmp);
    save.sort_by(f64::total_cmp);
    let mut median = probes.swap_remove(0);
    median.load_s = load[PROBES / 2];
    median.save_s = save[PROBES / 2];
    Ok(median)
}

/// Runs this program as `probe` on `graph` and reads its report.
fn probe_once(graph: &Path, threads: Threads) -> Result<Probe, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut command = Command::new(exe);
    command.arg("probe").arg("--graph").arg(graph);
    if let Some(n) = threads.threads {
        command.env("RAYON_NUM_THREADS", n.to_string());
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run the load probe: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the load probe failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    parse_probe(&String::from_utf8_lossy(&output.stdout))
}

fn parse_probe(report: &str) -> Result<Probe, String> {
    let field = |key: &str| -> Result<f64, String> {
        report
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("the load probe did not report {key}: {report:?}"))
    };
    Ok(Probe {
        file_bytes: field("file_bytes")? as u64,
        nodes: field("nodes")? as usize,
        rels: field("rels")? as usize,
        rss_before_kb: field("rss_before_kb")? as u64,
        rss_after_kb: field("rss_after_kb")? as u64,
        hwm_after_load_kb: field("hwm_after_load_kb")? as u64,
        hwm_after_save_kb: field("hwm_after_save_kb")? as u64,
        load_s: field("load_s")?,
        save_s: field("save_s")?,
    })
}

/// The child side: load, measure, save to a scratch file beside the graph.
fn run_probe(graph_path: &Path) -> Result<(), String> {
    let file_bytes = file_size(graph_path)?;
    let rss_before_kb = proc_status_kb("VmRSS").unwrap_or(0);
    let t = Instant::now();
    let graph = core_api::load(graph_path)?;
    let load_s = t.elapsed().as_secs_f64();
    let rss_after_kb = proc_status_kb("VmRSS").unwrap_or(0);
    let hwm_after_load_kb = proc_status_kb("VmHWM").unwrap_or(0);
    let (nodes, rels) = core_api::counts(&graph);
    let mut scratch = graph_path.as_os_str().to_owned();
    scratch.push(".probe-save");
    let scratch = PathBuf::from(scratch);
    let t = Instant::now();
    core_api::save(&graph, &scratch)?;
    let save_s = t.elapsed().as_secs_f64();
    let hwm_after_save_kb = proc_status_kb("VmHWM").unwrap_or(0);
    fs::remove_file(&scratch).map_err(|e| format!("cannot remove {}: {e}", scratch.display()))?;
    println!(
        "file_bytes={file_bytes} nodes={nodes} rels={rels} rss_before_kb={rss_before_kb} \
         rss_after_kb={rss_after_kb} hwm_after_load_kb={hwm_after_load_kb} \
         hwm_after_save_kb={hwm_after_save_kb} load_s={load_s} save_s={save_s}"
    );
    Ok(())
}

fn print_probe(p: &Probe) {
    println!(
        "  fresh process (median of {PROBES}): load {:.3} s = {:.0} MB/s of file (page cache warm); save {:.3} s = {:.0} MB/s",
        p.load_s,
        p.load_mb_s(),
        p.save_s,
        p.save_mb_s()
    );
    println!(
        "  loaded graph: {} nodes + {} relationships; RSS +{:.0} MB over the load = {:.0} bytes per element; \
         peak {:.0} MB after load, {:.0} MB after save ({:+.0}%)",
        p.nodes,
        p.rels,
        p.rss_after_kb.saturating_sub(p.rss_before_kb) as f64 / 1024.0,
        p.bytes_per_element(),
        p.hwm_after_load_kb as f64 / 1024.0,
        p.hwm_after_save_kb as f64 / 1024.0,
        (p.hwm_after_save_kb as f64 / p.hwm_after_load_kb.max(1) as f64 - 1.0) * 100.0
    );
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`); `None` off Linux.
fn proc_status_kb(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

fn file_size(path: &Path) -> Result<u64, String> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot read the size of {}: {e}", path.display()))
}

fn threads_label(threads: Threads) -> String {
    threads.threads.filter(|&n| n > 0).map_or_else(
        || format!("all ({})", rayon::current_num_threads()),
        |n| n.to_string(),
    )
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}
