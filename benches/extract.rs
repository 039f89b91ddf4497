//! Extraction throughput in MB/s of article text: one core (`extract` over
//! each article in turn) and all cores (`extract_all`, rayon). Articles:
//! the bundled `data/articles` plus `../shared/corpus/dev` when present.
//! Target: at least 25 MB/s on one core.

use std::path::PathBuf;

use criterion::{black_box, criterion_group, Criterion, Throughput};
use kg::extract::{extract, extract_all, read_paths, Lexicons};

/// The allocator of the `kg` binary (src/main.rs), so the figures are the
/// binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn articles() -> Vec<kg::extract::Article> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("data/articles")];
    let dev = root.join("../shared/corpus/dev");
    if dev.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dev)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        files.sort();
        paths.extend(files);
    }
    read_paths(&paths).0
}

fn bench(c: &mut Criterion) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    // Build the lexicons (and their phrase trie) outside the measurement.
    let _ = Lexicons::get();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("one_core", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(extract(black_box(a)));
            }
        })
    });
    group.bench_function("all_cores", |b| {
        b.iter(|| black_box(extract_all(black_box(&articles))))
    });
    group.finish();
}

criterion_group!(benches, bench);

/// `EXTRACT_LOOP=N` runs `extract` over the articles N times and exits, with
/// no statistics: a fixed amount of work for `perf` or `callgrind`.
fn main() {
    if let Some(n) = std::env::var("EXTRACT_LOOP")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let articles = articles();
        let _ = Lexicons::get();
        for _ in 0..n {
            for a in &articles {
                black_box(extract(black_box(a)));
            }
        }
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
