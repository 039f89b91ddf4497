//! The command line: clap subcommands mapped onto the library. Results go
//! to `out`, warnings to `err`; `main.rs` owns the real streams.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::extract::{self, Extraction};
use crate::session::{self, Session};
use crate::table::Format;
use crate::{dot, export, ingest, store};

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
    /// Read articles (files or folders, recursively; `-` for stdin) into the graph.
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Extract people, roles, institutions, places and events without touching any graph.
    Extract {
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        /// Article files or folders; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run one Cypher statement.
    Query {
        #[command(flatten)]
        settings: QuerySettings,
        query: String,
    },
    /// Run scripted query files (statements separated by `;`).
    Run {
        #[command(flatten)]
        settings: QuerySettings,
        /// Print each statement before its result.
        #[arg(long)]
        echo: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The interactive shell.
    Repl {
        #[command(flatten)]
        settings: QuerySettings,
    },
    /// Export a subgraph (what --query returns, else the whole graph).
    Export(ExportArgs),
    /// Read a graph exported with `kg export --format json` into --graph.
    Import {
        /// The JSON file (`-` for standard input).
        file: PathBuf,
        /// Replace the graph file when it already holds a graph.
        #[arg(long)]
        replace: bool,
    },
    /// Counts per label and relationship type, file size and load time.
    Stats,
}

/// Options shared by the commands that run queries.
#[derive(Debug, Args)]
pub struct QuerySettings {
    /// How results are printed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Bind `$NAME`; VALUE is JSON (`3`, `"x"`, `[1,2]`) or else a plain string.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Print how long each statement took.
    #[arg(long)]
    pub timing: bool,
    /// Stop a statement after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Upper bound for variable-length patterns written without one.
    #[arg(long, default_value_t = 15)]
    pub max_hops: u32,
}

/// Output of `kg extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// One JSON record per article (JSON Lines).
    Json,
    /// A readable summary per article.
    Text,
}

/// The options of `kg export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = export::Format::Dot)]
    pub format: export::Format,
    /// A query whose nodes, relationships and paths (and the relationships
    /// among its nodes) are exported; without it, the whole graph.
    #[arg(long)]
    pub query: Option<String>,
    /// Bind `$NAME` for --query; VALUE is JSON (`3`, `"x"`, `[1,2]`) or else a plain string.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Write to this file (a folder for --format csv) instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Add the nodes up to N relationships away from what the query returned.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub hops: u32,
    /// Leave out nodes with this label (repeat, or separate with commas).
    #[arg(long, value_name = "LABEL", value_delimiter = ',')]
    pub exclude_label: Vec<String>,
    /// Leave out relationships of this type (repeat, or separate with commas).
    #[arg(long, value_name = "TYPE", value_delimiter = ',')]
    pub exclude_type: Vec<String>,
    /// DOT: keep the :Article nodes and :MENTIONED_IN relationships that a
    /// picture of the whole graph or of a neighbourhood leaves out by default.
    #[arg(long)]
    pub all: bool,
    /// At most this many nodes (returned ones first, then the nearest);
    /// DOT defaults to 500, other formats to no limit.
    #[arg(long, value_name = "N")]
    pub max_nodes: Option<usize>,
    /// DOT: group nodes in boxes by country or by article.
    #[arg(long, value_enum, default_value_t = dot::Cluster::None)]
    pub cluster: dot::Cluster,
    /// DOT: lay ranks out left to right or top to bottom.
    #[arg(long, value_enum, default_value_t = dot::RankDir::LR)]
    pub rankdir: dot::RankDir,
    /// DOT: no legend.
    #[arg(long)]
    pub no_legend: bool,
    /// DOT: run Graphviz `dot` and write the picture instead of DOT text.
    #[arg(long, value_enum)]
    pub render: Option<dot::RenderFormat>,
    /// Cypher: how dates are written (`date('2024-11')`, or a string for
    /// databases without partial dates).
    #[arg(long, value_enum, default_value_t = export::cypher_script::Dates::Date)]
    pub dates: export::cypher_script::Dates,
}

fn write_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// Parses `args` and runs the command, writing results to `out` and
/// warnings to `err`.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            write!(out, "{e}").map_err(write_error)?;
            return Ok(());
        }
        Err(e) => return Err(Error::Usage(e.to_string().trim_end().to_string())),
    };
    let graph = cli.graph.as_path();
    match cli.command {
        Command::Ingest { paths } => run_ingest(graph, &paths, out, err),
        Command::Extract { format, paths } => run_extract(format, &paths, out, err),
        Command::Query { settings, query } => {
            let mut session = open_session(graph, &settings)?;
            session.execute(&query, out)
        }
        Command::Run {
            settings,
            echo,
            files,
        } => {
            let mut session = open_session(graph, &settings)?;
            session.echo = echo;
            for file in files {
                let script = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
                session
                    .run_script(&script, out)
                    .map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
            }
            Ok(())
        }
        Command::Repl { settings } => crate::repl::run(open_session(graph, &settings)?, out),
        Command::Export(args) => run_export(graph, &args, out, err),
        Command::Import { file, replace } => run_import(graph, &file, replace, out, err),
        Command::Stats => run_stats(graph, out),
    }
}

fn open_session(graph: &Path, settings: &QuerySettings) -> Result<Session> {
    let mut session = Session::open(graph, true)?;
    session.format = settings.format;
    session.timing = settings.timing;
    session.options.max_hops = settings.max_hops;
    if let Some(seconds) = settings.timeout {
        let timeout = Duration::try_from_secs_f64(seconds)
            .map_err(|_| Error::Usage(format!("--timeout {seconds} is not a number of seconds")))?;
        session.timeout = Some(timeout);
    }
    for param in &settings.params {
        let (name, value) = session::parse_param(param)?;
        session.params.insert(name, value);
    }
    Ok(session)
}

fn read_articles(paths: &[PathBuf], err: &mut dyn Write) -> Result<Vec<extract::Article>> {
    let (articles, warnings) = extract::read_paths(paths);
    for warning in warnings {
        writeln!(
            err,
            "kg: warning: {}: {}",
            warning.path.display(),
            warning.message
        )
        .map_err(write_error)?;
    }
    Ok(articles)
}

fn run_ingest(
    graph: &Path,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let mut session = Session::open(graph, true)?;
    let articles = read_articles(paths, err)?;
    let extractions = extract::extract_all(&articles);
    let report = ingest::ingest(session.graph_mut(), &articles, &extractions)?;
    if report.nodes > 0 || report.rels > 0 || !graph.exists() {
        session.save()?;
    }
    writeln!(
        out,
        "ingested {} article{} ({} already present): +{} nodes, +{} relationships; graph {} now has {} nodes, {} relationships",
        report.articles,
        if report.articles == 1 { "" } else { "s" },
        report.skipped_articles,
        report.nodes,
        report.rels,
        graph.display(),
        session.graph().node_count(),
        session.graph().rel_count()
    )
    .map_err(write_error)
}

fn run_extract(
    format: ExtractFormat,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let articles = read_articles(paths, err)?;
    let extractions = extract::extract_all(&articles);
    for extraction in &extractions {
        match format {
            ExtractFormat::Json => {
                serde_json::to_writer(&mut *out, &extraction.record)
                    .map_err(|e| write_error(e.into()))?;
                writeln!(out).map_err(write_error)?;
            }
            ExtractFormat::Text => write_extraction_text(extraction, out).map_err(write_error)?,
        }
    }
    Ok(())
}

/// A readable summary of one article's extraction.
fn write_extraction_text(extraction: &Extraction, out: &mut dyn Write) -> std::io::Result<()> {
    let record = &extraction.record;
    let name_of = |id: &str| -> String {
        let persons = record.persons.iter().map(|p| (&p.id, &p.name));
        let institutions = record.institutions.iter().map(|i| (&i.id, &i.name));
        let places = record.places.iter().map(|p| (&p.id, &p.name));
        persons
            .chain(institutions)
            .chain(places)
            .find(|(entity_id, _)| entity_id.as_str() == id)
            .map_or_else(|| id.to_string(), |(_, name)| name.clone())
    };
    writeln!(
        out,
        "== {} ({})",
        record.article,
        record.date.as_deref().unwrap_or("no date")
    )?;
    for person in &record.persons {
        let rank = person
            .rank
            .as_deref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        writeln!(out, "person       {}{rank}", person.name)?;
    }
    for role in &record.roles {
        let of = role
            .institution
            .as_deref()
            .map(|i| format!(" @ {}", name_of(i)))
            .unwrap_or_default();
        writeln!(
            out,
            "role         {}: {}{of}",
            name_of(&role.person),
            role.title
        )?;
    }
    for institution in &record.institutions {
        let country = institution
            .country
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        writeln!(out, "institution  {}{country}", institution.name)?;
    }
    for place in &record.places {
        writeln!(out, "place        {}", place.name)?;
    }
    for event in &record.events {
        let who: Vec<String> = event.participants.iter().map(|p| name_of(p)).collect();
        let place = event
            .place
            .as_deref()
            .map(|p| format!(" in {}", name_of(p)))
            .unwrap_or_default();
        writeln!(
            out,
            "event        {} {}{place}: {}",
            event.event_type,
            event.date.as_deref().unwrap_or("undated"),
            who.join(", ")
        )?;
    }
    writeln!(out)
}

fn run_stats(graph: &Path, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let loaded = store::load(graph)?;
    let load_time = started.elapsed();
    let size = std::fs::metadata(graph)
        .map_err(|e| Error::io(graph, e))?
        .len();
    writeln!(
        out,
        "graph: {} ({size} bytes, loaded in {:.1} ms)",
        graph.display(),
        load_time.as_secs_f64() * 1000.0
    )
    .map_err(write_error)?;
    session::write_stats(&loaded, out).map_err(write_error)
}

fn run_export(
    graph: &Path,
    args: &ExportArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let format = args.format;
    if args.render.is_some() && format != export::Format::Dot {
        return Err(Error::Usage(
            "--render draws DOT: use it with --format dot".to_string(),
        ));
    }
    if !args.params.is_empty() && args.query.is_none() {
        return Err(Error::Usage("--param needs --query".to_string()));
    }
    let output = match (&args.output, format) {
        (None, export::Format::Csv) => {
            return Err(Error::Usage(
                "--format csv writes a folder of files: give it with -o DIR".to_string(),
            ))
        }
        (output, _) => output.clone(),
    };
    let mut selection = export::default_selection(format);
    if args.all {
        selection.default_exclude_labels.clear();
        selection.default_exclude_types.clear();
    }
    selection.exclude_labels = args.exclude_label.clone();
    selection.exclude_types = args.exclude_type.clone();
    selection.hops = args.hops;
    if args.max_nodes.is_some() {
        selection.max_nodes = args.max_nodes;
    }
    let mut session = Session::open(graph, args.query.is_some())?;
    for param in &args.params {
        let (name, value) = session::parse_param(param)?;
        session.params.insert(name, value);
    }
    let chosen = session.select(args.query.as_deref(), &selection)?;
    for warning in &chosen.warnings {
        writeln!(err, "kg: warning: {warning}").map_err(write_error)?;
    }
    let noise_left_out = selection
        .default_exclude_labels
        .iter()
        .any(|label| session.graph().label_count(label) > 0);
    if (args.query.is_none() || args.hops > 0) && noise_left_out {
        writeln!(
            err,
            "kg: note: leaving out the :Article nodes and :MENTIONED_IN relationships the \
             query did not return (--all keeps them)"
        )
        .map_err(write_error)?;
    }
    let graph = session.graph();
    let bytes = match format {
        export::Format::Dot => {
            let style = dot::DotStyle {
                cluster: args.cluster,
                rankdir: args.rankdir,
                legend: !args.no_legend,
            };
            let text = dot::to_dot(graph, &chosen.subgraph, &style);
            match args.render {
                Some(picture) => dot::render(&text, picture)?,
                None => text.into_bytes(),
            }
        }
        export::Format::Cypher => {
            let options = export::cypher_script::Options { dates: args.dates };
            let mut bytes = Vec::new();
            export::cypher_script::write(graph, &chosen.subgraph, &options, &mut bytes)
                .map_err(write_error)?;
            bytes
        }
        export::Format::Csv => {
            let dir = output.as_deref().unwrap_or(Path::new("."));
            let files = export::csv_bulk::write_dir(graph, &chosen.subgraph, dir)?;
            writeln!(
                out,
                "wrote {} files to {}: {}",
                files.len(),
                dir.display(),
                files.join(", ")
            )
            .map_err(write_error)?;
            return Ok(());
        }
        other => {
            let mut bytes = Vec::new();
            export::write_text(other, graph, &chosen.subgraph, &mut bytes).map_err(write_error)?;
            bytes
        }
    };
    match output {
        Some(path) => std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e)),
        None => out.write_all(&bytes).map_err(write_error),
    }
}

fn run_import(
    graph: &Path,
    file: &Path,
    replace: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let text = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin()).map_err(|e| Error::io("<stdin>", e))?
    } else {
        std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?
    };
    let imported = export::import::import(&text)
        .map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
    let _lock = store::WriteLock::acquire(graph)?;
    if graph.exists() && !replace {
        let existing = store::load(graph)?;
        if existing.node_count() > 0 || existing.rel_count() > 0 {
            return Err(Error::Usage(format!(
                "{} already holds a graph ({} nodes); import into a new file with --graph, \
                 or pass --replace",
                graph.display(),
                existing.node_count()
            )));
        }
    }
    if imported.renumbered {
        writeln!(
            err,
            "kg: warning: the exported ids are too sparse to keep; nodes and relationships were numbered anew"
        )
        .map_err(write_error)?;
    }
    store::save(&imported.graph, graph)?;
    writeln!(
        out,
        "imported {} nodes, {} relationships into {}",
        imported.graph.node_count(),
        imported.graph.rel_count(),
        graph.display()
    )
    .map_err(write_error)
}
