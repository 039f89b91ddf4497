//! The command line: clap subcommands mapped onto the library.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::extract;

/// kg: a knowledge-graph store for news.
#[derive(Debug, Parser)]
#[command(name = "kg", version, about)]
pub struct Cli {
    /// The graph file.
    #[arg(long, global = true, env = "KG_GRAPH", default_value = "kg.graph")]
    pub graph: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract people, roles, institutions, places and events without touching any graph.
    Extract {
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        /// Article files or folders; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

/// Output of `kg extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One JSON record per article (JSON Lines).
    Json,
    /// A readable summary per article.
    Text,
}

/// Parses `args` and runs the command, writing results to `out`.
pub fn run<I, T>(args: I, out: &mut dyn Write) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            write!(out, "{e}").map_err(|e| Error::io("<stdout>", e))?;
            return Ok(());
        }
        Err(e) => return Err(Error::Usage(e.to_string())),
    };
    match cli.command {
        Command::Extract { format, paths } => run_extract(format, &paths, out),
    }
}

fn run_extract(format: ExtractFormat, paths: &[PathBuf], out: &mut dyn Write) -> Result<()> {
    let (articles, _warnings) = extract::read_paths(paths);
    let extractions = extract::extract_all(&articles);
    let stdout_err = |e| Error::io("<stdout>", e);
    for extraction in &extractions {
        match format {
            ExtractFormat::Json => {
                serde_json::to_writer(&mut *out, &extraction.record)
                    .map_err(|e| Error::io("<stdout>", e.into()))?;
                writeln!(out).map_err(stdout_err)?;
            }
            ExtractFormat::Text => {
                writeln!(out, "{}", extraction.record.article).map_err(stdout_err)?;
            }
        }
    }
    Ok(())
}
