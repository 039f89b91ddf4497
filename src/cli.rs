//! The command line: clap subcommands mapped onto the library. Results go
//! to `out`, warnings and errors to `err`; `main.rs` owns the real streams
//! and turns the outcome into an exit status with [`exit_code`].

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result};
use crate::extract::{self, Article, Extraction};
use crate::session::{self, Session};
use crate::store;
use crate::table::Format;
use crate::{dot, export};
use crate::{records, stream};

const EXAMPLES: &str = "\
Examples:
  kg ingest data/articles
  kg query \"MATCH (p:Person)-[:HOLDS]->(r:Role) RETURN p.name, r.title\"
  kg query --format json --param 'name=Phùng Sĩ Tấn' 'MATCH (p:Person {name: $name}) RETURN p.rank'

  kg run --echo data/queries/tour.cypher
  kg repl
  kg export --format dot -o graph.dot

Exit status: 0 on success, 1 when a query, script or file fails,
2 when the command line is wrong (unknown flag, bad value).";

/// kg: a knowledge-graph store for news.
#[derive(Debug, Parser)]
#[command(name = "kg", version, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The graph file.
    #[arg(long, global = true, env = "KG_GRAPH", default_value = "kg.graph")]
    pub graph: PathBuf,
    /// When another kg process is writing the graph, wait up to this many
    /// seconds for it to finish instead of failing at once.
    #[arg(long, global = true, value_name = "SECONDS", env = "KG_WAIT")]
    pub wait: Option<f64>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles (files or folders, recursively; `-` for stdin) into the graph.
    #[command(
        after_help = "Examples:\n  kg ingest data/articles\n  kg ingest a.txt b.json more/\n  cat article.txt | kg ingest -\n  \
        kg ingest --records records/part-00000 records/part-00001\n\n\
        Creates the graph file when absent. A path that does not exist is an error;\n\
        files that are not text are skipped with a warning, and so are lines of\n\
        record files that are not records. Records extracted apart (in shards) give\n\
        the graph one ingest of all their articles gives."
    )]
    Ingest {
        /// The paths hold extraction records (what `kg extract --format json`
        /// prints, made elsewhere: other machines, Spark shards), not articles.
        #[arg(long)]
        records: bool,
        /// Article files (.txt, .json, .jsonl) or folders; with --records,
        /// record files or folders of them. `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Extract people, roles, institutions, places and events without touching any graph.
    #[command(
        after_help = "Examples:\n  kg extract data/articles\n  kg extract --format json article.txt\n  \
        kg extract --format json - < articles.jsonl > records.jsonl\n\n\
        With JSON Lines on standard input (`-`, one article object a line), each\n\
        article's record is printed as soon as it is made, so kg works as a pipe\n\
        filter (Spark's RDD.pipe, Hadoop streaming, GNU parallel --pipe); a line\n\
        that is no article is skipped with a warning naming it (--strict: exit 1).\n\
        `kg ingest --records` merges the records into a graph."
    )]
    Extract {
        /// How records are printed.
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        /// JSON Lines on standard input: stop with exit status 1 at the first
        /// line that is not an article, instead of skipping it with a warning.
        #[arg(long)]
        strict: bool,
        /// Article files or folders; `-` reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run one Cypher statement.
    #[command(
        after_help = "Examples:\n  kg query \"MATCH (p:Person) RETURN p.name ORDER BY p.name\"\n  \
        kg query --format csv --param n=5 'MATCH (e:Event) RETURN e.type, e.date LIMIT $n'\n  \
        kg query --format json --timing \"MATCH (p:Person) RETURN p\" | jq .p.properties.name\n\n\
        With csv and json only rows go to standard output; timings, warnings and\n\
        summaries go to standard error. Exit status 1 when the query fails."
    )]
    Query {
        #[command(flatten)]
        settings: QuerySettings,
        /// The Cypher statement (a trailing `;` is allowed).
        query: String,
    },
    /// Run scripts: statements separated by `;`, `//` and `/* */` comments, `:commands`.
    #[command(
        after_help = "Examples:\n  kg run --echo data/queries/tour.cypher\n  kg run --format csv report.cypher > report.csv\n  \
        echo \"MATCH (n) RETURN count(n);\" | kg run -\n\n\
        An error is reported as FILE:LINE:COL with the line and a caret, and stops\n\
        the run (exit status 1) unless --continue-on-error."
    )]
    Run {
        #[command(flatten)]
        settings: QuerySettings,
        /// Print each statement before its result (on standard error with csv/json).
        #[arg(long)]
        echo: bool,
        /// Report every failing statement and go on; exit status 1 at the end.
        #[arg(long)]
        continue_on_error: bool,
        /// Script files; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The interactive shell.
    #[command(
        after_help = "Examples:\n  kg repl\n  kg --graph news.graph repl --history /tmp/kg-history\n\n\
        Statements end with `;` outside strings and comments; :help lists the\n\
        commands. History is kept in the user's data folder (kg/history), or in\n\
        KG_HISTORY or --history FILE; --no-history keeps none."
    )]
    Repl {
        #[command(flatten)]
        settings: QuerySettings,
        /// Keep the history in FILE.
        #[arg(long, value_name = "FILE", env = "KG_HISTORY")]
        history: Option<PathBuf>,
        /// Keep no history.
        #[arg(long, conflicts_with = "history")]
        no_history: bool,
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
    #[command(after_help = "Examples:\n  kg stats\n  kg --graph news.graph stats")]
    Stats,
    /// Verify the graph file: header, checksum, log records, indexes, provenance.
    #[command(
        after_help = "Examples:\n  kg check\n  kg --graph news.graph check\n\n\
        Changes nothing. Exit status 1 when something is wrong."
    )]
    Check,
    /// Fold the write-ahead log into a new snapshot, keeping the previous
    /// one as NAME.bak (and its log as NAME.bak.wal).
    #[command(
        visible_alias = "save",
        after_help = "Examples:\n  kg compact\n  kg --graph news.graph --wait 30 save"
    )]
    Compact,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  kg completions bash > ~/.local/share/bash-completion/completions/kg\n  \
        kg completions zsh > ~/.zfunc/_kg\n  kg completions fish > ~/.config/fish/completions/kg.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Options shared by the commands that run queries.
#[derive(Debug, Args)]
pub struct QuerySettings {
    /// How results are printed.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Bind `$NAME`; VALUE is JSON (`3`, `"x"`, `[1,2]`) or else a plain string
    /// (text that starts like JSON must be valid JSON).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Start an empty graph when the graph file does not exist.
    #[arg(long)]
    pub create: bool,
    /// Wrap long table cells instead of cutting them with `…`.
    #[arg(long)]
    pub wrap: bool,
    /// Print how long each statement took.
    #[arg(long)]
    pub timing: bool,
    /// Stop a statement after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Upper bound for variable-length patterns written without one (at most 1024).
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(0..=1024))]
    pub max_hops: u32,
    /// Most memory one statement may hold or build (rows it keeps for
    /// sorting, grouping or the result; strings and lists it makes), as
    /// bytes or with a unit: `512M`, `2G`. A statement needing more fails
    /// and changes nothing.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = parse_max_memory)]
    pub max_memory: usize,
}

fn parse_max_memory(text: &str) -> std::result::Result<usize, String> {
    crate::cypher::budget::parse_bytes(text)
        .ok_or_else(|| format!("`{text}` is not a size (write bytes, or e.g. 512M, 2G)"))
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

/// The exit status for an error: 2 for a wrong command line, else 1.
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::CommandLine(_) => 2,
        _ => 1,
    }
}

/// `kg help` and `kg help SUBCOMMAND [--help]` as `kg [SUBCOMMAND] --help`
/// (clap's own `help` refuses `--help`).
fn rewrite_help(args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while let Some(arg) = args.get(i) {
        if arg == "--graph" {
            i += 2;
        } else if arg.to_string_lossy().starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    if args.get(i).is_some_and(|a| a == "help") {
        let mut rewritten = args[..i].to_vec();
        rewritten.extend(
            args[i + 1..]
                .iter()
                .filter(|a| !a.to_string_lossy().starts_with('-'))
                .cloned(),
        );
        rewritten.push("--help".into());
        return rewritten;
    }
    args
}

/// Parses `args` and runs the command, writing results to `out` and
/// warnings to `err`.
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = rewrite_help(args.into_iter().map(Into::into).collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            write!(out, "{e}").map_err(write_error)?;
            return Ok(());
        }
        Err(e) => {
            let text = e.to_string();
            let text = text.trim_end();
            return Err(Error::CommandLine(
                text.strip_prefix("error: ").unwrap_or(text).to_string(),
            ));
        }
    };
    let graph = cli.graph.as_path();
    let wait = match cli.wait {
        None => Duration::ZERO,
        Some(seconds) => Duration::try_from_secs_f64(seconds).map_err(|_| {
            Error::CommandLine(format!("--wait {seconds} is not a number of seconds"))
        })?,
    };
    // Every command that reads the graph needs the file; only ingest (and
    // --create) starts one. Checked before any lock file is made.
    let create = match &cli.command {
        Command::Query { settings, .. }
        | Command::Run { settings, .. }
        | Command::Repl { settings, .. } => Some(settings.create),
        Command::Export(_) | Command::Stats | Command::Check | Command::Compact => Some(false),
        Command::Ingest { .. }
        | Command::Extract { .. }
        | Command::Import { .. }
        | Command::Completions { .. } => None,
    };
    if create == Some(false) && !graph.exists() {
        return Err(Error::Usage(format!(
            "{}: no such graph file; build one with `kg --graph {} ingest ARTICLES...`, \
             or pass --create to start an empty one",
            graph.display(),
            graph.display()
        )));
    }
    match cli.command {
        Command::Ingest { records, paths } => run_ingest(graph, wait, records, &paths, out, err),
        Command::Extract {
            format,
            strict,
            paths,
        } => run_extract(format, strict, &paths, out, err),
        Command::Query { settings, query } => {
            let mut session = open_session(graph, wait, &settings)?;
            session.execute(&query, out, err)
        }
        Command::Run {
            settings,
            echo,
            continue_on_error,
            files,
        } => {
            let mut session = open_session(graph, wait, &settings)?;
            session.echo = echo;
            session.continue_on_error = continue_on_error;
            for file in files {
                let script = if file.as_os_str() == "-" {
                    std::io::read_to_string(std::io::stdin())
                        .map_err(|e| Error::io("<stdin>", e))?
                } else {
                    std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?
                };
                let origin = if file.as_os_str() == "-" {
                    "<stdin>".to_string()
                } else {
                    file.display().to_string()
                };
                session.run_script(&script, &origin, out, err)?;
            }
            Ok(())
        }
        Command::Repl {
            settings,
            history,
            no_history,
        } => {
            let session = open_session(graph, wait, &settings)?;
            let history = if no_history {
                crate::repl::History::None
            } else {
                match history {
                    Some(file) => crate::repl::History::File(file),
                    None => crate::repl::History::Default,
                }
            };
            crate::repl::run(session, history, out, err)
        }
        Command::Export(args) => run_export(graph, wait, &args, out, err),
        Command::Import { file, replace } => run_import(graph, wait, &file, replace, out, err),
        Command::Stats => run_stats(graph, out),
        Command::Check => run_check(graph, out),
        Command::Compact => run_compact(graph, wait, out),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "kg", out);
            Ok(())
        }
    }
}

/// The terminal's width when standard output is one (`COLUMNS` wins).
fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(width, _)| usize::from(width.0))
}

fn open_session(graph: &Path, wait: Duration, settings: &QuerySettings) -> Result<Session> {
    // Flags first: a bad one is a usage error before anything is opened.
    let mut params = Vec::new();
    for param in &settings.params {
        let (name, value) = session::parse_param(param).map_err(|e| match e {
            Error::Usage(message) => Error::CommandLine(format!("--param: {message}")),
            other => other,
        })?;
        params.push((name, value));
    }
    let timeout = match settings.timeout {
        Some(seconds) => Some(Duration::try_from_secs_f64(seconds).map_err(|_| {
            Error::CommandLine(format!("--timeout {seconds} is not a number of seconds"))
        })?),
        None => None,
    };
    let mut session = Session::open_shared(graph)?;
    session.lock_wait = wait;
    session.format = settings.format;
    session.timing = settings.timing;
    session.options.max_hops = settings.max_hops;
    session.options.max_memory = settings.max_memory;
    session.timeout = timeout;
    session.layout.width = terminal_width();
    session.layout.wrap = settings.wrap;
    session.params.extend(params);
    Ok(session)
}

fn run_ingest(
    graph: &Path,
    wait: Duration,
    records: bool,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    // Paths are checked before the graph is opened, so a wrong one leaves
    // no graph (or lock) file behind.
    for path in paths {
        if path.as_os_str() != "-" && !path.exists() {
            return Err(Error::Usage(format!(
                "{}: no such file or folder; nothing was ingested",
                path.display()
            )));
        }
    }
    let mut session = Session::open_waiting(graph, true, wait)?;
    let report = if records {
        session.ingest_records(paths, err)?
    } else {
        session.ingest(paths, std::io::stderr().is_terminal(), err)?
    };
    writeln!(out, "{}", session::ingest_summary(&report, &session)).map_err(write_error)
}

fn run_extract(
    format: ExtractFormat,
    strict: bool,
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let articles = match paths {
        [only] if only.as_os_str() == "-" => {
            let stdin = std::io::stdin();
            let mut input = stdin.lock();
            match stream::start(&mut input).map_err(|e| Error::io("<stdin>", e))? {
                stream::Start::Lines(first) => {
                    // each record leaves as soon as it is made
                    let mut emit = |article: &Article, extraction: &Extraction| {
                        write_extraction(format, article, extraction, out)?;
                        out.flush().map_err(write_error)
                    };
                    stream::extract_lines(first, &mut input, strict, &mut emit, err)?;
                    return Ok(());
                }
                stream::Start::Whole(bytes) => {
                    let (articles, warnings) = extract::article::read_stdin_bytes(&bytes);
                    session::keep_readable(articles, warnings, err)?
                }
            }
        }
        _ => session::read_articles(paths, err)?,
    };
    let extractions = extract::extract_all(&articles);
    // (a record is many small writes: buffered here rather than by line in
    // stdout's writer, which cost a fifth of `kg extract`'s instructions)
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    for (article, extraction) in articles.iter().zip(&extractions) {
        write_extraction(format, article, extraction, &mut out)?;
    }
    out.flush().map_err(write_error)
}

/// One article's extraction: a record line (with what ingest needs to
/// rebuild the article, see `records`) or a readable summary.
fn write_extraction(
    format: ExtractFormat,
    article: &Article,
    extraction: &Extraction,
    out: &mut dyn Write,
) -> Result<()> {
    match format {
        ExtractFormat::Json => records::write_record(out, article, extraction),
        ExtractFormat::Text => write_extraction_text(extraction, out),
    }
    .map_err(write_error)
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

fn run_check(graph: &Path, out: &mut dyn Write) -> Result<()> {
    let report = store::check(graph)?;
    write!(out, "{report}").map_err(write_error)?;
    if report.is_ok() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{}: {} problems found",
            graph.display(),
            report.problem_count
        )))
    }
}

fn run_compact(graph: &Path, wait: Duration, out: &mut dyn Write) -> Result<()> {
    let mut session = Session::open_waiting(graph, true, wait)?;
    let (snapshot_before, log_before) = session.file_sizes();
    session.save()?;
    let (snapshot_after, _) = session.file_sizes();
    writeln!(
        out,
        "compacted {}: snapshot {snapshot_before} + log {log_before} bytes -> snapshot {snapshot_after} bytes; the previous snapshot is kept as {}.bak",
        graph.display(),
        graph.display()
    )
    .map_err(write_error)
}

fn run_export(
    graph: &Path,
    wait: Duration,
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
    let mut session = Session::open_waiting(graph, args.query.is_some(), wait)?;
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
    wait: Duration,
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
    let lock = store::WriteLock::acquire(graph, wait)?;
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
    store::save_locked(&imported.graph, graph, &lock)?;
    writeln!(
        out,
        "imported {} nodes, {} relationships into {}",
        imported.graph.node_count(),
        imported.graph.rel_count(),
        graph.display()
    )
    .map_err(write_error)
}
