//! Writes a synthetic news corpus to measure ingest and the store with:
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --articles 10000 --seed 1 --out /tmp/corpus-10k
//! ```
//!
//! Each article is `DIR/gen-NNNNNN.txt`, most with a ` date YYYY-MM-DD `
//! header, about 1.7 KB on average. The same arguments give the same bytes.
//! See `gen_corpus/mod.rs` for what is generated.
#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports what it wrote"
)]

mod gen_corpus;

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gen_corpus::Corpus;

/// Write N synthetic news articles as .txt files.
#[derive(Parser)]
struct Args {
    /// How many articles to write.
    #[arg(long)]
    articles: usize,
    /// Seed of the generator: the same seed gives the same corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output folder (created if missing; existing gen-*.txt files are overwritten).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen-corpus: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let corpus = Corpus::new(args.seed, args.articles)?;
    fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let mut bytes = 0usize;
    for index in 0..args.articles {
        let path = args.out.join(format!("{}.txt", Corpus::id(index)));
        let text = corpus.text(index);
        bytes += text.len();
        fs::File::create(&path)
            .and_then(|mut file| file.write_all(text.as_bytes()))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    eprintln!(
        "wrote {} articles, {:.1} MB ({} bytes per article on average) to {}",
        args.articles,
        bytes as f64 / 1e6,
        bytes.checked_div(args.articles).unwrap_or(0),
        args.out.display()
    );
    Ok(())
}
