//! A session on one graph file: runs Cypher statements and `:commands`,
//! writing results to `out` and everything else (warnings, errors, and for
//! CSV/JSON the timings and summaries) to `err`, and saves the graph
//! commits what each statement changed (one fsynced log record, see
//! `store::GraphFile`). Serves `kg query`, `kg run`, the REPL and tests
//! alike.
//!
//! A shared session (`open_shared`) holds the graph's write lock only while
//! a statement that may write runs (waiting up to `lock_wait` for it), so
//! an idle shell never blocks another `kg` and reading takes no lock at
//! all; before each statement it catches up with what other processes
//! committed since. A commit that fails (a full disk) keeps the changes
//! pending: the next statement's commit retries them, and `unsaved` tells
//! the shell not to quit silently.

mod changes;
pub mod diagnostic;
mod explore;
pub mod help;
pub mod lex;
mod records;
pub mod split;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cypher::{self, Options, Params};
use crate::dot::{self, DotStyle};
use crate::error::{Error, Result};
use crate::export::{self, subgraph, Chosen, Selection};
use crate::extract;
use crate::graph::{Graph, Value};
use crate::ingest::{self, IngestReport};
use crate::store::{self, GraphFile, StoreError, WriteLock};
use crate::table::{Format, Layout, Table};
pub use changes::Changes;
pub use diagnostic::Location;
pub use help::HELP;
use split::PieceKind;

/// An open graph with its settings.
pub struct Session {
    graph: Graph,
    /// The graph's files and how much of them the graph holds.
    file: GraphFile,
    /// The write lock while it is held.
    lock: Option<WriteLock>,
    /// Keep the lock for the session's life (`open(.., true)`), rather
    /// than only while writing.
    hold_lock: bool,
    /// How long to wait for another writer's lock.
    pub lock_wait: Duration,
    pub format: Format,
    pub timing: bool,
    /// Print each statement of a script before its result.
    pub echo: bool,
    /// Report every failing statement of a script and go on (exit 1 at the end).
    pub continue_on_error: bool,
    /// Table width and wrapping (the width of the terminal, if any).
    pub layout: Layout,
    /// Show each table's time in its footer (the interactive shell does).
    pub footer_time: bool,
    pub params: Params,
    pub options: Options,
    /// A per-statement time limit.
    pub timeout: Option<Duration>,
    /// The last result, for `:why`.
    last: Option<Table>,
    /// Statements and commands run so far.
    statements: usize,
}

/// A REPL command: a line starting with `:`.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help(Option<String>),
    Stats,
    Schema,
    Save(Option<PathBuf>),
    Open(PathBuf),
    Ingest(Vec<PathBuf>),
    Source(PathBuf),
    Format(Format),
    Timing(bool),
    Wrap(bool),
    Param(String, Value),
    Params,
    Find(String),
    Who(String),
    Path {
        from: String,
        to: String,
        articles: bool,
    },
    Around(String, u32),
    Why,
    /// Shown by the shell, refused in scripts.
    History,
    Quit,
    /// `:export FORMAT FILE [QUERY]` (and the older `:dot FILE QUERY`):
    /// export what the query, else the last statement, returned.
    Export {
        format: export::Format,
        file: PathBuf,
        query: Option<String>,
    },
}

/// Writes streamed rows as CSV or JSON Lines, keeping up to
/// `DataSink::KEEP` of them as the session's last result.
struct DataSink<'o> {
    format: Format,
    out: &'o mut dyn Write,
    columns: Vec<String>,
    kept: Option<Vec<Vec<crate::table::Item>>>,
    /// The write that failed, which stopped the query.
    failed: Option<std::io::Error>,
}

impl DataSink<'_> {
    const KEEP: usize = 10_000;
}

impl DataSink<'_> {
    fn failed(&mut self, e: std::io::Error) -> cypher::QueryError {
        let error = cypher::QueryError::new(
            cypher::Phase::Runtime,
            cypher::ErrorKind::Internal,
            "Output",
            format!("cannot write the result: {e}"),
        );
        self.failed = Some(e);
        error
    }
}

impl cypher::RowSink for DataSink<'_> {
    fn columns(&mut self, columns: &[String]) -> std::result::Result<(), cypher::QueryError> {
        self.columns = columns.to_vec();
        crate::table::write_data_header(self.format, columns, self.out).map_err(|e| self.failed(e))
    }

    fn row(&mut self, row: Vec<crate::table::Item>) -> std::result::Result<(), cypher::QueryError> {
        if let Err(e) = crate::table::write_data_row(self.format, &self.columns, &row, self.out) {
            return Err(self.failed(e));
        }
        if let Some(kept) = self.kept.as_mut() {
            if kept.len() < Self::KEEP {
                kept.push(row);
            } else {
                self.kept = None;
            }
        }
        Ok(())
    }
}

fn output_error(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

impl Session {
    /// Opens the graph at `path` (an empty graph when the file is absent).
    /// A writable session takes the graph's write lock first and keeps it.
    pub fn open(path: &Path, writable: bool) -> Result<Session> {
        Session::open_waiting(path, writable, Duration::ZERO)
    }

    /// `open`, waiting up to `wait` for another writer's lock.
    pub fn open_waiting(path: &Path, writable: bool, wait: Duration) -> Result<Session> {
        let lock = if writable {
            Some(WriteLock::acquire(path, wait)?)
        } else {
            None
        };
        let mut session = Session::load(path)?;
        session.lock = lock;
        session.hold_lock = writable;
        session.lock_wait = wait;
        Ok(session)
    }

    /// Opens the graph at `path` (an empty graph when absent) for reading
    /// and writing, taking the write lock only while a statement writes.
    pub fn open_shared(path: &Path) -> Result<Session> {
        Session::load(path)
    }

    fn load(path: &Path) -> Result<Session> {
        let (file, graph) = GraphFile::open(path)?;
        Ok(Session {
            graph,
            file,
            lock: None,
            hold_lock: false,
            lock_wait: Duration::ZERO,
            format: Format::Table,
            timing: false,
            echo: false,
            continue_on_error: false,
            layout: Layout::default(),
            footer_time: false,
            params: Params::new(),
            options: Options::default(),
            timeout: None,
            last: None,
            statements: 0,
        })
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn graph_mut(&mut self) -> &mut Graph {
        &mut self.graph
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The bytes of the snapshot and of its log.
    pub fn file_sizes(&self) -> (u64, u64) {
        self.file.sizes()
    }

    /// Whether changes were made that are not on disk yet (a commit
    /// failed): quitting now would lose them.
    pub fn unsaved(&self) -> bool {
        self.graph.has_pending_changes() || !self.graph.records_changes()
    }

    /// Runs `work` holding the write lock (taken, waiting up to
    /// `lock_wait`, unless the session holds it), after catching up with
    /// what other writers committed.
    fn with_lock<T>(
        &mut self,
        err: &mut dyn Write,
        work: impl FnOnce(&mut Session, &mut dyn Write) -> Result<T>,
    ) -> Result<T> {
        let took = self.lock.is_none();
        if took {
            self.lock = Some(self.acquire_lock(err)?);
        }
        let result = self.refresh(err).and_then(|_| work(self, err));
        if took && !self.hold_lock {
            self.lock = None;
        }
        result
    }

    /// The write lock, waiting up to `--wait` for another writer; a wait
    /// is announced with the holder, so a shell never hangs without a word.
    fn acquire_lock(&self, err: &mut dyn Write) -> Result<WriteLock> {
        let path = self.file.path();
        if self.lock_wait.is_zero() {
            return Ok(WriteLock::acquire(path, Duration::ZERO)?);
        }
        match WriteLock::acquire(path, Duration::ZERO) {
            Err(StoreError::Locked { holder, .. }) => {
                let by = holder
                    .map(|h| format!(" (held by {h})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    err,
                    "waiting up to {} s for the write lock{by}…",
                    self.lock_wait.as_secs_f64()
                );
                Ok(WriteLock::acquire(path, self.lock_wait)?)
            }
            other => Ok(other?),
        }
    }

    /// Tries again to commit what a failed commit left pending.
    pub fn save_pending(&mut self) -> Result<()> {
        if !self.unsaved() {
            return Ok(());
        }
        let mut sink = std::io::sink();
        self.with_lock(&mut sink, |session, _| session.commit())
    }

    /// Makes the changes since the last commit durable (the caller holds
    /// the lock). On failure they stay pending for the next commit.
    fn commit(&mut self) -> Result<()> {
        let Some(lock) = self.lock.as_ref() else {
            return Err(Error::Usage(
                "internal: a commit without the write lock".to_string(),
            ));
        };
        self.file.commit(&mut self.graph, lock)?;
        Ok(())
    }

    /// Writes the whole graph as a new snapshot (folding the log in),
    /// keeping the previous one as `NAME.bak`; also saves what a failed
    /// commit left pending.
    pub fn save(&mut self) -> Result<()> {
        let mut sink = std::io::sink();
        self.with_lock(&mut sink, |session, _| {
            let Some(lock) = session.lock.as_ref() else {
                return Ok(());
            };
            session.file.compact(&mut session.graph, lock, true)?;
            session.graph.record_changes(true);
            Ok(())
        })
    }

    /// Catches up with what other processes committed since this session
    /// read the graph, and says so on `err`.
    pub fn refresh(&mut self, err: &mut dyn Write) -> Result<bool> {
        let refresh = self.file.refresh(&mut self.graph)?;
        // (news for a session that showed the graph before, not for a
        // command that just opened it)
        if refresh == store::Refresh::Unchanged || self.statements == 0 {
            return Ok(refresh != store::Refresh::Unchanged);
        }
        writeln!(
            err,
            "kg: {} changed on disk; reloaded ({} nodes, {} relationships)",
            self.path().display(),
            self.graph.node_count(),
            self.graph.rel_count()
        )
        .map_err(output_error)?;
        Ok(true)
    }

    /// Runs one statement or `:command` (an error points into `input`,
    /// named `query`).
    pub fn execute(&mut self, input: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        self.execute_at(input, Location::whole("query", input), out, err)
    }

    /// Runs one statement or `:command` that sits at `at` in its source.
    pub fn execute_at(
        &mut self,
        input: &str,
        at: Location<'_>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let result = self.execute_piece(input, at, out, err);
        self.statements += 1;
        result
    }

    fn execute_piece(
        &mut self,
        input: &str,
        at: Location<'_>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let trimmed = input.trim();
        if let Some(command) = trimmed.strip_prefix(':') {
            let command = parse_command(command).map_err(|e| at.other_error(e, 0))?;
            return self
                .run_command(command, out, err)
                .map_err(|e| at.other_error(e, 0));
        }
        if split::script_pieces(input).is_ok_and(|p| p.is_empty()) {
            // Only white space, comments or `;`: nothing to run. (An open
            // string goes on to the parser, which says where it starts.)
            return Ok(());
        }
        self.run_statement(trimmed.trim_end_matches(';'), at, out, err)
    }

    /// Runs every statement and command of a script in order. An error
    /// stops it (statements before it stay applied and saved) unless
    /// `continue_on_error`, which reports each and fails at the end.
    /// `origin` names the script in messages (`FILE:LINE:COL`).
    pub fn run_script(
        &mut self,
        script: &str,
        origin: &str,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let location = Location {
            origin,
            source: script,
            offset: 0,
        };
        let pieces = split::script_pieces(script).map_err(|(at, message)| {
            Error::Usage(location.annotate(&format!("error: {message}"), at))
        })?;
        let mut failures = 0;
        for piece in pieces {
            if piece.kind == PieceKind::Command
                && matches!(parse_command(&piece.text[1..]), Ok(Command::Quit))
            {
                break;
            }
            if self.echo {
                let echo: &mut dyn Write = if self.format.is_data() { err } else { out };
                write_echo(piece.text, echo).map_err(output_error)?;
            }
            let at = Location {
                offset: piece.start,
                ..location
            };
            match self.execute_at(piece.text, at, out, err) {
                Ok(()) => {}
                Err(e) if self.continue_on_error && !is_broken_pipe(&e) => {
                    failures += 1;
                    writeln!(err, "kg: {e}").map_err(output_error)?;
                }
                Err(e) => return Err(e),
            }
            if self.echo && !self.format.is_data() {
                writeln!(out).map_err(output_error)?;
            }
        }
        match failures {
            0 => Ok(()),
            1 => Err(Error::Usage(format!("{origin}: 1 statement failed"))),
            n => Err(Error::Usage(format!("{origin}: {n} statements failed"))),
        }
    }

    /// Runs a statement under the lock when it may write, reloading first
    /// when the file changed; returns its table and time.
    fn query(
        &mut self,
        query: &str,
        params: &Params,
        at: Location<'_>,
        err: &mut dyn Write,
    ) -> Result<(Table, Duration, Changes)> {
        if lex::may_write(query) {
            self.with_lock(err, |session, err| {
                session.query_locked(query, params, at, err, None)
            })
        } else {
            self.query_locked(query, params, at, err, None)
        }
    }

    fn query_locked(
        &mut self,
        query: &str,
        params: &Params,
        at: Location<'_>,
        err: &mut dyn Write,
        stream: Option<&mut dyn cypher::RowSink>,
    ) -> Result<(Table, Duration, Changes)> {
        self.refresh(err)?;
        let before = changes::Mark::of(&self.graph);
        let mut options = self.options.clone();
        options.deadline = self.timeout.map(|t| Instant::now() + t);
        let started = Instant::now();
        let result = match stream {
            Some(sink) => cypher::execute_streaming(&mut self.graph, query, params, &options, sink),
            None => cypher::execute(&mut self.graph, query, params, &options),
        };
        let elapsed = started.elapsed();
        let changes = Changes::since(&self.graph, &before);
        // Commit whatever the statement changed, even when it failed part
        // way, so nothing the user saw applied is lost.
        if changes.any() || self.graph.has_pending_changes() {
            if self.lock.is_some() {
                self.commit()?;
            } else {
                // a statement the lexer read as reading wrote after all
                self.with_lock(err, |session, _| session.commit())?;
            }
        }
        let table = result.map_err(|e| at.query_error(e))?;
        Ok((table, elapsed, changes))
    }

    fn run_statement(
        &mut self,
        query: &str,
        at: Location<'_>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let params = self.params.clone();
        if self.format.is_data() && !lex::may_write(query) {
            return self.stream_statement(query, &params, at, out, err);
        }
        let (table, elapsed, changes) = self.query(query, &params, at, err)?;
        self.warn_unknown_names(query, err)?;
        self.show(&table, Some(elapsed), &changes, out, err)?;
        self.last = Some(table);
        Ok(())
    }

    /// A reading statement in CSV or JSON Lines: each row is written as
    /// soon as it is computed (the first rows of a big result appear long
    /// before the last), and the result is kept for `:export`/`:why` only
    /// while it is small.
    fn stream_statement(
        &mut self,
        query: &str,
        params: &Params,
        at: Location<'_>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let mut sink = DataSink {
            format: self.format,
            out,
            columns: Vec::new(),
            kept: Some(Vec::new()),
            failed: None,
        };
        let result = self.query_locked(query, params, at, err, Some(&mut sink));
        // a closed pipe (`| head`) stops the query; report it as the output
        // error it is, not as a failing query
        if let Some(e) = sink.failed.take() {
            return Err(output_error(e));
        }
        let (mut table, elapsed, changes) = result?;
        self.warn_unknown_names(query, err)?;
        if self.timing {
            writeln!(err, "time: {}", crate::table::format_duration(elapsed))
                .map_err(output_error)?;
        }
        if changes.any() {
            writeln!(err, "{}", changes.summary()).map_err(output_error)?;
        }
        self.last = sink.kept.map(|rows| {
            table.rows = rows;
            table
        });
        Ok(())
    }

    /// Prints a result: the table, then (on `err` for CSV/JSON) the
    /// summary of changes and the time.
    fn show(
        &self,
        table: &Table,
        elapsed: Option<Duration>,
        changes: &Changes,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let mut layout = self.layout;
        if (self.timing || self.footer_time) && !self.format.is_data() {
            layout.elapsed = elapsed;
        }
        table
            .write_laid_out(self.format, &layout, out)
            .map_err(output_error)?;
        let notes: &mut dyn Write = if self.format.is_data() { err } else { out };
        if changes.any() {
            writeln!(notes, "{}", changes.summary()).map_err(output_error)?;
        } else if table.columns.is_empty() && !self.format.is_data() {
            writeln!(notes, "(no changes, no rows)").map_err(output_error)?;
        }
        if let (true, Some(elapsed)) = (
            self.timing && (self.format.is_data() || table.columns.is_empty()),
            elapsed,
        ) {
            writeln!(notes, "time: {}", crate::table::format_duration(elapsed))
                .map_err(output_error)?;
        }
        Ok(())
    }

    /// Warns about labels, types and keys a reading statement names that
    /// the graph does not have (a misspelt `:Persn` gives no rows).
    fn warn_unknown_names(&self, query: &str, err: &mut dyn Write) -> Result<()> {
        if lex::may_write(query) {
            return Ok(());
        }
        for name in lex::names(query) {
            let missing = match &name {
                lex::Name::Label(label) => {
                    (self.graph.label_count(label) == 0).then(|| format!("label `:{label}`"))
                }
                lex::Name::Type(t) => self
                    .graph
                    .rels_with_type(t)
                    .next()
                    .is_none()
                    .then(|| format!("relationship type `:{t}`")),
                lex::Name::Key(key) => (!explore::key_exists(&self.graph, key))
                    .then(|| format!("property key `{key}`")),
            };
            if let Some(what) = missing {
                writeln!(err, "kg: warning: the graph has no {what}").map_err(output_error)?;
            }
        }
        Ok(())
    }

    /// Reads articles and ingests them, saving the graph when it changed.
    /// Warnings about skipped files go to `err`; with `progress` (stderr is
    /// a terminal) a progress bar shows files, MB/s, entities and the ETA.
    pub fn ingest(
        &mut self,
        paths: &[PathBuf],
        progress: bool,
        err: &mut dyn Write,
    ) -> Result<IngestReport> {
        let articles = read_articles(paths, err)?;
        self.with_lock(err, |session, err| {
            session.bulk_load(err, |session, _| {
                if progress && articles.len() > 1 {
                    session.ingest_with_progress(&articles)
                } else {
                    let extractions = extract::extract_all(&articles);
                    ingest::ingest(&mut session.graph, &articles, &extractions).map_err(Error::from)
                }
            })
        })
    }

    /// Runs a bulk load (articles or records) under the held lock. It is
    /// saved as one snapshot, not logged change by change: recording is off
    /// until that snapshot is written. Renamed articles are reported.
    pub(crate) fn bulk_load(
        &mut self,
        err: &mut dyn Write,
        load: impl FnOnce(&mut Session, &mut dyn Write) -> Result<IngestReport>,
    ) -> Result<IngestReport> {
        let changes_before = self.graph.change_count();
        self.graph.record_changes(false);
        let report = load(self, err);
        if self.graph.change_count() != changes_before || !self.file.paths().graph.exists() {
            self.commit()?;
        } else {
            self.graph.record_changes(true);
        }
        let report = report?;
        warn_renamed(&report, err)?;
        Ok(report)
    }

    /// Ingests in batches to move a progress bar. The graph is the same as
    /// ingesting all at once (ingest does not depend on how articles are
    /// split into calls).
    fn ingest_with_progress(&mut self, articles: &[extract::Article]) -> Result<IngestReport> {
        const BATCH: usize = 64;
        let bar = indicatif::ProgressBar::new(articles.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} files  {msg}  {elapsed} (ETA {eta})",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let started = Instant::now();
        let mut bytes = 0usize;
        let mut total = IngestReport::default();
        for batch in articles.chunks(BATCH) {
            let extractions = extract::extract_all(batch);
            let report = ingest::ingest(&mut self.graph, batch, &extractions)?;
            total.articles += report.articles;
            total.skipped_articles += report.skipped_articles;
            total.renamed.extend(report.renamed);
            total.nodes += report.nodes;
            total.rels += report.rels;
            bytes += batch.iter().map(|a| a.text.len()).sum::<usize>();
            let mb_per_s = bytes as f64 / 1e6 / started.elapsed().as_secs_f64().max(1e-6);
            bar.set_message(format!("{mb_per_s:.1} MB/s, +{} nodes", total.nodes));
            bar.inc(batch.len() as u64);
        }
        bar.finish_and_clear();
        Ok(total)
    }

    fn run_command(
        &mut self,
        command: Command,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let io = output_error;
        // Confirmations are not data: with CSV/JSON they go to `err`.
        let data = self.format.is_data();
        let note: &mut dyn Write = if data { &mut *err } else { &mut *out };
        match command {
            Command::Help(None) => write!(out, "{HELP}").map_err(io),
            Command::Help(Some(name)) => match help::command_help(&name) {
                Some(text) => writeln!(out, "{text}").map_err(io),
                None => Err(Error::Usage(format!(
                    "no command `:{}`; :help lists them",
                    name.trim_start_matches(':')
                ))),
            },
            Command::Stats => write_stats(&self.graph, out).map_err(io),
            Command::Schema => self.schema(out, err),
            Command::Save(None) => {
                self.save()?;
                writeln!(note, "saved {}", self.path().display()).map_err(io)
            }
            Command::Save(Some(file)) => {
                if store::GraphPaths::resolve(&file)
                    .is_ok_and(|p| p.graph == self.file.paths().graph)
                {
                    self.save()?;
                    return writeln!(note, "saved {}", self.path().display()).map_err(io);
                }
                store::save(&self.graph, &file)?;
                writeln!(note, "saved a copy as {}", file.display()).map_err(io)
            }
            Command::Open(file) => {
                if !file.exists() {
                    return Err(Error::Usage(format!(
                        "{}: no such graph file",
                        file.display()
                    )));
                }
                if self.unsaved() {
                    return Err(Error::Usage(format!(
                        "{} has changes that could not be saved yet; :save them (or :save FILE) before opening another graph",
                        self.path().display()
                    )));
                }
                let opened = Session::open_shared(&file)?;
                self.graph = opened.graph;
                self.file = opened.file;
                self.lock = None;
                self.last = None;
                writeln!(
                    note,
                    "opened {} ({} nodes, {} relationships)",
                    self.path().display(),
                    self.graph.node_count(),
                    self.graph.rel_count()
                )
                .map_err(io)
            }
            Command::Ingest(paths) => {
                let report = self.ingest(&paths, std::io::stderr().is_terminal(), err)?;
                let note: &mut dyn Write = if data { &mut *err } else { &mut *out };
                writeln!(note, "{}", ingest_summary(&report, self)).map_err(io)
            }
            Command::Source(file) => {
                let script = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
                let origin = file.display().to_string();
                self.run_script(&script, &origin, out, err)
            }
            Command::Format(format) => {
                self.format = format;
                let note: &mut dyn Write = if format.is_data() {
                    &mut *err
                } else {
                    &mut *out
                };
                writeln!(note, "format: {}", format_name(format)).map_err(io)
            }
            Command::Timing(on) => {
                self.timing = on;
                writeln!(note, "timing: {}", if on { "on" } else { "off" }).map_err(io)
            }
            Command::Wrap(on) => {
                self.layout.wrap = on;
                writeln!(note, "wrap: {}", if on { "on" } else { "off" }).map_err(io)
            }
            Command::Param(name, value) => {
                writeln!(note, "${name} = {}", value_to_json(&value)).map_err(io)?;
                self.params.insert(name, value);
                Ok(())
            }
            Command::Params => {
                for (name, value) in &self.params {
                    writeln!(out, "${name} = {}", value_to_json(value)).map_err(io)?;
                }
                Ok(())
            }
            Command::Find(text) => self.find(&text, out, err),
            Command::Who(name) => self.who(&name, out, err),
            Command::Path { from, to, articles } => {
                self.path_between(&from, &to, articles, out, err)
            }
            Command::Around(name, hops) => self.around(&name, hops, out, err),
            Command::Why => self.why(out, err),
            Command::History => Err(Error::Usage(
                ":history is shown by the interactive shell only".to_string(),
            )),
            Command::Quit => Ok(()),
            Command::Export {
                format,
                file,
                query,
            } => self.export_command(format, &file, query.as_deref(), out, err),
        }
    }

    /// `:export`: what `query` returns, else what the last statement
    /// returned, with the defaults of `kg export`.
    fn export_command(
        &mut self,
        format: export::Format,
        file: &Path,
        query: Option<&str>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        let io = |e| Error::io("<output>", e);
        let selection = export::default_selection(format);
        let chosen = match query {
            Some(query) => self.select(Some(query), &selection)?,
            None => match &self.last {
                Some(table) => subgraph::from_table(&self.graph, table, &selection),
                None => {
                    return Err(Error::Usage(
                        "nothing to export yet: run a query first, or give one \
                         (:export dot FILE MATCH ...)"
                            .to_string(),
                    ))
                }
            },
        };
        for warning in &chosen.warnings {
            writeln!(err, "warning: {warning}").map_err(io)?;
        }
        let bytes = match format {
            export::Format::Dot => {
                dot::to_dot(&self.graph, &chosen.subgraph, &DotStyle::default()).into_bytes()
            }
            export::Format::Csv => {
                return Err(Error::Usage(
                    "CSV export writes a folder of files: use `kg export --format csv -o DIR`"
                        .to_string(),
                ))
            }
            other => {
                let mut bytes = Vec::new();
                export::write_text(other, &self.graph, &chosen.subgraph, &mut bytes).map_err(io)?;
                bytes
            }
        };
        std::fs::write(file, bytes).map_err(|e| Error::io(file, e))?;
        writeln!(
            out,
            "wrote {} ({} nodes, {} relationships)",
            file.display(),
            chosen.subgraph.nodes.len(),
            chosen.subgraph.rels.len()
        )
        .map_err(io)
    }

    /// The subgraph of what `query` returns (run with the session's
    /// parameters, saving the graph if it wrote), or of the whole graph.
    pub fn select(&mut self, query: Option<&str>, selection: &Selection) -> Result<Chosen> {
        match query {
            None => Ok(subgraph::whole(&self.graph, selection)),
            Some(query) => {
                let changes_before = self.graph.change_count();
                let table = cypher::execute(&mut self.graph, query, &self.params, &self.options)
                    .map_err(|e| Error::query(e, query));
                if self.graph.change_count() != changes_before {
                    let mut sink = std::io::sink();
                    self.with_lock(&mut sink, |session, _| session.commit())?;
                }
                let table = table?;
                Ok(subgraph::from_table(&self.graph, &table, selection))
            }
        }
    }
}

fn is_broken_pipe(e: &Error) -> bool {
    matches!(e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Vertical => "vertical",
    }
}

/// The line `kg ingest` and `:ingest` print.
pub fn ingest_summary(report: &IngestReport, session: &Session) -> String {
    let renamed = match report.renamed.len() {
        0 => String::new(),
        n => format!(", {n} under a new id: their id names a different text"),
    };
    format!(
        "ingested {} article{} ({} already present{renamed}): +{} nodes, +{} relationships; graph {} now has {} nodes, {} relationships",
        report.articles,
        if report.articles == 1 { "" } else { "s" },
        report.skipped_articles,
        report.nodes,
        report.rels,
        session.path().display(),
        session.graph().node_count(),
        session.graph().rel_count()
    )
}

/// Warns about the articles an ingest stored under another id than the
/// one they were read with (one renamed by reading was told about then).
fn warn_renamed(report: &IngestReport, err: &mut dyn Write) -> Result<()> {
    for renamed in report.renamed.iter().filter(|r| r.stored_as != r.read_as) {
        writeln!(
            err,
            "kg: warning: {}: article id {:?} already names a different text in the graph; ingested as {:?}",
            renamed.origin, renamed.id, renamed.stored_as
        )
        .map_err(output_error)?;
    }
    Ok(())
}

/// Reads articles, warning on `err` about every file skipped, including
/// files that are not text (binary data read as UTF-8).
pub fn read_articles(paths: &[PathBuf], err: &mut dyn Write) -> Result<Vec<extract::Article>> {
    for path in paths {
        if path.as_os_str() != "-" && !path.exists() {
            return Err(Error::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            ));
        }
    }
    let (articles, warnings) = extract::read_paths(paths);
    keep_readable(articles, warnings, err)
}

/// The articles a read gave, less those that are not text, with a warning
/// on `err` for each of those and for each of reading's `warnings`.
pub fn keep_readable(
    articles: Vec<extract::Article>,
    warnings: Vec<extract::Warning>,
    err: &mut dyn Write,
) -> Result<Vec<extract::Article>> {
    for warning in warnings {
        writeln!(
            err,
            "kg: warning: {}: {}",
            warning.path.display(),
            warning.message
        )
        .map_err(output_error)?;
    }
    let mut kept = Vec::with_capacity(articles.len());
    for article in articles {
        if looks_binary(&article.text) {
            writeln!(
                err,
                "kg: warning: {}: article `{}`: not text (binary data); skipped",
                article.origin, article.id
            )
            .map_err(output_error)?;
        } else {
            kept.push(article);
        }
    }
    Ok(kept)
}

/// Text has no NUL bytes and few other control characters.
pub(crate) fn looks_binary(text: &str) -> bool {
    // (one pass over the sample, nothing collected: this runs per article)
    let (mut chars, mut control, mut nul) = (0usize, 0usize, false);
    for c in text.chars().take(8192) {
        chars += 1;
        nul |= c == '\0';
        control += usize::from(c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    }
    nul || control * 20 > chars.max(1)
}

/// Echoes a script statement: its leading comment lines as they are, then
/// the statement after a prompt, as if typed in the REPL.
fn write_echo(statement: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut lines = statement.trim().lines().peekable();
    while let Some(line) =
        lines.next_if(|l| l.trim_start().starts_with("//") || l.trim().is_empty())
    {
        if !line.trim().is_empty() {
            writeln!(out, "{}", line.trim())?;
        }
    }
    let rest: Vec<&str> = lines.collect();
    if !rest.is_empty() {
        let end = if rest.join("").trim_start().starts_with(':') {
            ""
        } else {
            ";"
        };
        writeln!(out, "kg> {}{end}", rest.join("\n    "))?;
    }
    Ok(())
}

/// Node counts per label and relationship counts per type.
pub fn write_stats(graph: &Graph, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "nodes: {}", graph.node_count())?;
    for (label, count) in graph.label_counts() {
        writeln!(out, "  :{label:<16} {count}")?;
    }
    writeln!(out, "relationships: {}", graph.rel_count())?;
    for (rel_type, count) in graph.type_counts() {
        writeln!(out, "  :{rel_type:<16} {count}")?;
    }
    Ok(())
}

/// Splits command arguments on white space, keeping `'…'` and `"…"` whole.
pub fn command_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut quoted = false;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                quoted = true;
            }
            None if c.is_whitespace() => {
                if !current.is_empty() || quoted {
                    words.push(std::mem::take(&mut current));
                }
                quoted = false;
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() || quoted {
        words.push(current);
    }
    words
}

/// Parses the text after `:`.
pub fn parse_command(text: &str) -> Result<Command> {
    let text = text.trim().trim_end_matches(';').trim();
    let (name, rest) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(n, r)| (n, r.trim()));
    let usage = |name: &str| Error::Usage(format!("usage: {}", help::usage(name).unwrap_or(name)));
    let path_arg = |name: &str| match command_words(rest).as_slice() {
        [one] => Ok(PathBuf::from(one)),
        _ => Err(usage(name)),
    };
    let on_off = |name: &str| match rest {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(usage(name)),
    };
    match name {
        "help" | "h" | "?" => Ok(Command::Help(
            (!rest.is_empty()).then(|| rest.trim_start_matches(':').to_string()),
        )),
        "stats" => Ok(Command::Stats),
        "schema" => Ok(Command::Schema),
        "save" => match command_words(rest).as_slice() {
            [] => Ok(Command::Save(None)),
            [file] => Ok(Command::Save(Some(PathBuf::from(file)))),
            _ => Err(usage("save")),
        },
        "open" => path_arg("open").map(Command::Open),
        "source" => path_arg("source").map(Command::Source),
        "ingest" => {
            let paths: Vec<PathBuf> = command_words(rest).into_iter().map(PathBuf::from).collect();
            if paths.is_empty() {
                return Err(usage("ingest"));
            }
            Ok(Command::Ingest(paths))
        }
        "params" => Ok(Command::Params),
        "format" => match rest {
            "table" => Ok(Command::Format(Format::Table)),
            "csv" => Ok(Command::Format(Format::Csv)),
            "json" => Ok(Command::Format(Format::Json)),
            "vertical" => Ok(Command::Format(Format::Vertical)),
            _ => Err(usage("format")),
        },
        "timing" => on_off("timing").map(Command::Timing),
        "wrap" => on_off("wrap").map(Command::Wrap),
        "param" => {
            let (name, value) = match rest.split_once(char::is_whitespace) {
                // `:param NAME VALUE` as well as `:param NAME=VALUE`
                Some((name, value)) if !name.contains('=') => {
                    parse_param(&format!("{name}={}", value.trim()))?
                }
                _ => parse_param(rest)?,
            };
            Ok(Command::Param(name, value))
        }
        "find" if !rest.is_empty() => Ok(Command::Find(rest.to_string())),
        "who" if !rest.is_empty() => Ok(Command::Who(unquote_arg(rest))),
        "path" => {
            let mut words = command_words(rest);
            let before = words.len();
            words.retain(|w| w != "--no-articles");
            let articles = words.len() == before;
            match <[String; 2]>::try_from(words) {
                Ok([from, to]) => Ok(Command::Path { from, to, articles }),
                Err(_) => Err(usage("path")),
            }
        }
        "around" if !rest.is_empty() => {
            let mut words = command_words(rest);
            let hops = match words.last().map(|w| w.parse::<u32>()) {
                Some(Ok(hops)) if words.len() > 1 => {
                    words.pop();
                    hops
                }
                _ => 1,
            };
            if !(1..=4).contains(&hops) {
                return Err(Error::Usage(":around takes 1 to 4 hops".to_string()));
            }
            Ok(Command::Around(words.join(" "), hops))
        }
        "why" => Ok(Command::Why),
        "history" => Ok(Command::History),
        "quit" | "q" | "exit" => Ok(Command::Quit),
        "dot" => match rest.split_once(char::is_whitespace) {
            Some((file, query)) if !query.trim().is_empty() => Ok(Command::Export {
                format: export::Format::Dot,
                file: PathBuf::from(file),
                query: Some(query.trim().to_string()),
            }),
            _ => Err(usage("dot")),
        },
        "find" | "who" | "around" => Err(usage(name)),
        "export" => parse_export(rest),
        other => Err(Error::Usage(format!(
            "unknown command `:{other}`; type :help for the list"
        ))),
    }
}

/// Parses the text after `:export`: `FORMAT FILE [QUERY]`.
fn parse_export(rest: &str) -> Result<Command> {
    let usage = || {
        Error::Usage(
            "usage: :export dot|json|graphml|cypher FILE [QUERY] (without QUERY: the last result)"
                .to_string(),
        )
    };
    let mut words = rest.splitn(3, char::is_whitespace);
    let format = match words.next() {
        Some("dot") => export::Format::Dot,
        Some("json") => export::Format::Json,
        Some("graphml") => export::Format::Graphml,
        Some("cypher") => export::Format::Cypher,
        _ => return Err(usage()),
    };
    let file = words.next().filter(|f| !f.is_empty()).ok_or_else(usage)?;
    let query = words
        .next()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string);
    Ok(Command::Export {
        format,
        file: PathBuf::from(file),
        query,
    })
}

/// A name given whole, with or without quotes around it.
fn unquote_arg(text: &str) -> String {
    let words = command_words(text);
    if words.len() == 1 {
        words.into_iter().next().unwrap_or_default()
    } else {
        text.to_string()
    }
}

/// Parses `NAME=VALUE`. VALUE is JSON when it looks like JSON (starts
/// with `[`, `{`, `"`, a digit or `-`, or is `true`, `false`, `null`) and
/// must then be valid; `'text'` is the string inside the quotes; any other
/// text is a plain string (`name=Ana`).
pub fn parse_param(text: &str) -> Result<(String, Value)> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| Error::Usage(format!("parameter `{text}` must look like NAME=VALUE")))?;
    let name = name.trim().trim_start_matches('$');
    let valid_name = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid_name {
        return Err(Error::Usage(format!(
            "`{name}` is not a valid parameter name"
        )));
    }
    let trimmed = value.trim();
    let looks_json = trimmed
        .starts_with(|c: char| matches!(c, '[' | '{' | '"' | '-') || c.is_ascii_digit())
        || matches!(trimmed, "true" | "false" | "null");
    let quoted = trimmed.len() >= 2 && trimmed.starts_with('\'') && trimmed.ends_with('\'');
    let value = if quoted {
        // 'text', as a Cypher string literal is written
        Value::String(trimmed[1..trimmed.len() - 1].to_string())
    } else if looks_json {
        let bad = |why: String| Error::Usage(format!("parameter `{name}`: {why}"));
        if json_depth(trimmed) > MAX_PARAM_DEPTH {
            return Err(bad(format!(
                "the value nests lists and maps more than {MAX_PARAM_DEPTH} deep"
            )));
        }
        let json = serde_json::from_str::<serde_json::Value>(trimmed).map_err(|e| {
            if e.to_string().starts_with("number out of range") {
                bad(format!(
                    "a number in `{trimmed}` is out of range for a float"
                ))
            } else {
                bad(format!(
                    "`{trimmed}` is not valid JSON ({e}); quote a string as '\"...\"'"
                ))
            }
        })?;
        value_from_json(&json).map_err(bad)?
    } else {
        Value::String(value.to_string())
    };
    Ok((name.to_string(), value))
}

/// Deepest nesting of lists and maps a parameter value may have (values
/// are walked recursively when they are used).
const MAX_PARAM_DEPTH: usize = 64;

/// How deep the brackets of JSON text nest (strings skipped).
fn json_depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' | '{' if !in_string => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | '}' if !in_string => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A property value from JSON (numbers without a fraction are integers;
/// an integer beyond 64 bits is an error, not a rounded float).
pub fn value_from_json(json: &serde_json::Value) -> std::result::Result<Value, String> {
    Ok(match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            // serde_json reads a larger integer as u64, which a float would round
            None if n.is_u64() => {
                return Err(format!(
                    "the integer {n} is out of range (integers are 64-bit, at most {})",
                    i64::MAX
                ))
            }
            None => match n.as_f64() {
                Some(f) if f.is_finite() => Value::Float(f),
                _ => return Err(format!("the number {n} is out of range for a float")),
            },
        },
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(
            items
                .iter()
                .map(value_from_json)
                .collect::<std::result::Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), value_from_json(v)?)))
                .collect::<std::result::Result<_, String>>()?,
        ),
    })
}

fn value_to_json(value: &Value) -> serde_json::Value {
    crate::table::to_json(&crate::table::Item::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parameters_as_json_or_string() {
        let cases = [
            ("n=3", ("n", Value::Int(3))),
            ("name=Phùng Sĩ Tấn", ("name", Value::from("Phùng Sĩ Tấn"))),
            ("$x=\"quoted\"", ("x", Value::from("quoted"))),
            ("y='single'", ("y", Value::from("single"))),
            (
                "l=[1, 2.5]",
                ("l", Value::List(vec![Value::Int(1), Value::Float(2.5)])),
            ),
        ];
        for (input, (name, value)) in cases {
            assert_eq!(
                parse_param(input).unwrap(),
                (name.to_string(), value),
                "{input}"
            );
        }
        for bad in [
            "novalue",
            "=3",
            "1x=2",
            "a b=1",
            "x=[1,2",
            "x={\"a\":",
            "x=12ab",
        ] {
            assert!(parse_param(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_parameters_out_of_range_or_too_deep() {
        let deep = format!("x={}{}", "[".repeat(65), "]".repeat(65));
        let cases = [
            ("x=18446744073709551615", "out of range"),
            ("x=[9223372036854775808]", "out of range"),
            ("x=1e400", "out of range for a float"),
            ("x={\"a\": -1e400}", "out of range for a float"),
            (deep.as_str(), "more than 64 deep"),
        ];
        for (input, expected) in cases {
            match parse_param(input) {
                Err(Error::Usage(message)) => {
                    assert!(message.contains(expected), "{input}: {message}")
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        let fits = format!("x={}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse_param(&fits).is_ok());
        assert_eq!(
            parse_param("x=9223372036854775807").unwrap().1,
            Value::Int(i64::MAX)
        );
        assert_eq!(
            parse_param("x=-9223372036854775808").unwrap().1,
            Value::Int(i64::MIN)
        );
        assert_eq!(
            parse_param("x=[\"[[[\"]").unwrap().1,
            Value::List(vec![Value::from("[[[")])
        );
    }

    #[test]
    fn parses_commands_and_refuses_unknown_ones() {
        assert_eq!(
            parse_command("format csv").unwrap(),
            Command::Format(Format::Csv)
        );
        assert_eq!(parse_command("timing on;").unwrap(), Command::Timing(true));
        assert!(matches!(
            parse_command("dot out.dot MATCH (n) RETURN n").unwrap(),
            Command::Export { query: Some(_), .. }
        ));
        assert_eq!(
            parse_command("path 'Phùng Sĩ Tấn' \"Lautaro Carmona\" --no-articles").unwrap(),
            Command::Path {
                from: "Phùng Sĩ Tấn".into(),
                to: "Lautaro Carmona".into(),
                articles: false
            }
        );
        assert_eq!(
            parse_command("around Phùng Sĩ Tấn 2").unwrap(),
            Command::Around("Phùng Sĩ Tấn".into(), 2)
        );
        assert_eq!(
            parse_command("param x [1, 2]").unwrap(),
            Command::Param("x".into(), Value::List(vec![Value::Int(1), Value::Int(2)]))
        );
        assert_eq!(
            parse_command("export json out.json").unwrap(),
            Command::Export {
                format: export::Format::Json,
                file: PathBuf::from("out.json"),
                query: None
            }
        );
        assert!(parse_command("export xml out.xml").is_err());
        assert!(parse_command("export dot").is_err());
        assert!(parse_command("dot out.dot").is_err());
        assert!(parse_command("frobnicate").is_err());
        assert!(parse_command("format xml").is_err());
        assert!(parse_command("path onlyone").is_err());
    }
}
