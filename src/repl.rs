//! The interactive shell: a rustyline loop over a `Session`. A statement
//! runs once a `;` ends it outside strings and comments (several on one
//! line run in turn); until then the prompt turns into `  -> `. Tab
//! completes (`complete`), the line is coloured (`highlight`), history hints
//! appear in grey, and each statement is appended to the history file
//! (`history`) as soon as it is entered. Ctrl-C drops the input or cancels a
//! running query, Ctrl-D leaves.
//!
//! Fed from a pipe, the shell reads statements the same way without
//! prompts or colours, and exits with status 1 if any failed.

pub mod complete;
pub mod highlight;
mod history;

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Write};
use std::rc::Rc;
use std::sync::atomic::Ordering;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::error::ReadlineError;
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;

pub use history::History;

use crate::error::{Error, Result};
use crate::session::split::{self, PieceKind, Tail};
use crate::session::{self, Location, Session};

const PROMPT: &str = "kg> ";
const CONTINUATION: &str = "  -> ";

/// The editor's helper: completion, hints and colours over the session.
struct Helper {
    session: Rc<RefCell<Session>>,
    files: FilenameCompleter,
    hinter: HistoryHinter,
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let session = self.session.borrow();
        let params: Vec<String> = session.params.keys().cloned().collect();
        let (context, completion) = complete::complete(line, pos, session.graph(), &params);
        if context == complete::Context::File {
            return self.files.complete(line, pos, ctx);
        }
        let pairs = completion
            .candidates
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((completion.start, pairs))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &rustyline::Context<'_>) -> Option<String> {
        self.hinter.hint(line, pos, ctx)
    }
}

impl rustyline::highlight::Highlighter for Helper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        Cow::Owned(highlight::highlight(line))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        true
    }
}

impl rustyline::validate::Validator for Helper {}

impl rustyline::Helper for Helper {}

fn readline_error(e: ReadlineError) -> Error {
    Error::Usage(format!("terminal: {e}"))
}

fn io(e: std::io::Error) -> Error {
    Error::io("<output>", e)
}

/// Runs the shell until Ctrl-D, end of input or `:quit`.
pub fn run(
    session: Session,
    history: History,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let cancel = session.options.cancel.clone();
    // Ctrl-C during a query arrives as SIGINT (rustyline reads it as a key
    // while editing); a second handler cannot be installed, which only
    // happens when the REPL is started twice in one process.
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    if std::io::stdin().is_terminal() {
        interactive(session, history, out, err)
    } else {
        piped(session, out, err)
    }
}

/// Runs the complete pieces of `input`; returns how many failed and
/// whether `:quit` was among them.
fn run_pieces(
    session: &mut Session,
    input: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
    mut on_statement: impl FnMut(&str),
) -> Result<(usize, bool)> {
    let mut failures = 0;
    for piece in split::split(input).pieces {
        on_statement(piece.text);
        if piece.kind == PieceKind::Command
            && matches!(
                session::parse_command(&piece.text[1..]),
                Ok(session::Command::Quit)
            )
        {
            return Ok((failures, true));
        }
        session.options.cancel.store(false, Ordering::Relaxed);
        let at = Location {
            origin: "input",
            source: input,
            offset: piece.start,
        };
        let text = if piece.kind == PieceKind::Statement {
            &input[piece.start..piece.start + piece.text.len()]
        } else {
            piece.text
        };
        let at = Location {
            source: text,
            offset: 0,
            ..at
        };
        if let Err(e) = session.execute_at(text, at, out, err) {
            if matches!(&e, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return Err(e);
            }
            failures += 1;
            writeln!(err, "{e}").map_err(io)?;
        }
        out.flush().map_err(io)?;
    }
    Ok((failures, false))
}

/// Statements from a pipe: no prompts; exit status 1 when any failed.
fn piped(mut session: Session, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let mut buffer = String::new();
    let mut failures = 0;
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| Error::io("<stdin>", e))?;
        buffer.push_str(&line);
        buffer.push('\n');
        if !split::split(&buffer).is_complete() {
            continue;
        }
        let (failed, quit) = run_pieces(&mut session, &buffer, out, err, |_| {})?;
        failures += failed;
        buffer.clear();
        if quit {
            break;
        }
    }
    if let Err(e) = session.save_pending() {
        writeln!(err, "kg: the last changes could not be saved: {e}").map_err(io)?;
        return Err(Error::Usage("changes were not saved".to_string()));
    }
    if let Tail::Open { .. } | Tail::Unclosed { .. } = split::split(&buffer).tail {
        failures += 1;
        writeln!(
            err,
            "kg: the input ended inside a statement (no `;` after it)"
        )
        .map_err(io)?;
    }
    match failures {
        0 => Ok(()),
        1 => Err(Error::Usage("1 statement failed".to_string())),
        n => Err(Error::Usage(format!("{n} statements failed"))),
    }
}

fn interactive(
    session: Session,
    history: History,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let mut session = session;
    session.footer_time = true;
    let session = Rc::new(RefCell::new(session));
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor =
        rustyline::Editor::<Helper, DefaultHistory>::with_config(config).map_err(readline_error)?;
    editor.set_helper(Some(Helper {
        session: Rc::clone(&session),
        files: FilenameCompleter::new(),
        hinter: HistoryHinter::new(),
    }));
    let history_path = history.path();
    if let Some(path) = &history_path {
        // A missing history file is normal on first use.
        let _ = editor.load_history(path);
    }
    {
        let session = session.borrow();
        writeln!(
            out,
            "kg {} on {} ({} nodes, {} relationships). :help for help, Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION"),
            session.path().display(),
            session.graph().node_count(),
            session.graph().rel_count()
        )
        .map_err(io)?;
    }
    let mut buffer = String::new();
    loop {
        out.flush().map_err(io)?;
        let prompt = if buffer.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => {
                if may_leave(&mut editor, &session, err)? {
                    break;
                }
                continue;
            }
            Err(e) => return Err(readline_error(e)),
        };
        if buffer.is_empty() && line.trim().is_empty() {
            continue;
        }
        buffer.push_str(&line);
        buffer.push('\n');
        if !split::split(&buffer).is_complete() {
            continue;
        }
        let input = std::mem::take(&mut buffer);
        if let Some(width) = terminal_size::terminal_size() {
            session.borrow_mut().layout.width = Some(usize::from(width.0 .0));
        }
        let mut entered = Vec::new();
        let pieces = split::split(&input).pieces;
        let mut quit = false;
        for piece in &pieces {
            let text = piece.text;
            // One history entry per statement, written at once so a killed
            // shell keeps it.
            let entry = if piece.kind == PieceKind::Statement {
                format!("{text};")
            } else {
                text.to_string()
            };
            if editor.add_history_entry(entry.as_str()).unwrap_or(false) {
                if let Some(path) = &history_path {
                    if let Err(e) = editor.append_history(path) {
                        writeln!(err, "kg: warning: history {}: {e}", path.display())
                            .map_err(io)?;
                    }
                }
            }
            entered.push(entry);
        }
        for piece in pieces {
            let one = if piece.kind == PieceKind::Statement {
                format!("{};", piece.text)
            } else {
                piece.text.to_string()
            };
            if piece.kind == PieceKind::Command
                && matches!(
                    session::parse_command(&piece.text[1..]),
                    Ok(session::Command::History)
                )
            {
                for (i, entry) in editor.history().iter().enumerate() {
                    writeln!(out, "{:>4}  {}", i + 1, entry.replace('\n', "\n      "))
                        .map_err(io)?;
                }
                continue;
            }
            let (_, stop) = run_pieces(&mut session.borrow_mut(), &one, out, err, |_| {})?;
            if stop {
                quit = true;
                break;
            }
        }
        if quit && may_leave(&mut editor, &session, err)? {
            break;
        }
    }
    if session.borrow().unsaved() {
        return Err(Error::Usage(
            "left with changes that were not saved".to_string(),
        ));
    }
    Ok(())
}

/// Whether the shell may end: yes when everything is saved (a pending
/// commit is retried first); otherwise the user is asked, since leaving
/// loses those changes.
fn may_leave(
    editor: &mut rustyline::Editor<Helper, DefaultHistory>,
    session: &Rc<RefCell<Session>>,
    err: &mut dyn Write,
) -> Result<bool> {
    let failure = match session.borrow_mut().save_pending() {
        Ok(()) => return Ok(true),
        Err(e) => e,
    };
    writeln!(err, "kg: the last changes are not saved: {failure}").map_err(io)?;
    let answer = match editor.readline("Quit and lose them? [y/N] ") {
        Ok(answer) => answer,
        Err(ReadlineError::Eof) => "y".to_string(),
        Err(ReadlineError::Interrupted) => String::new(),
        Err(e) => return Err(readline_error(e)),
    };
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
