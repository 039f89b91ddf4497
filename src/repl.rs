//! The interactive shell: a rustyline loop over a `Session`. Input runs
//! until a line ends with `;` (or is a `:command`); history is kept in
//! `~/.kg_history`; Ctrl-C drops the current input or cancels a running
//! query, Ctrl-D leaves. Errors are printed and the loop goes on.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use rustyline::error::ReadlineError;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};

use crate::error::{Error, Result};
use crate::session::Session;

/// Asks for more lines until the statement is complete.
struct StatementValidator;

impl rustyline::completion::Completer for StatementValidator {
    type Candidate = String;
}

impl rustyline::hint::Hinter for StatementValidator {
    type Hint = String;
}

impl rustyline::highlight::Highlighter for StatementValidator {}

impl rustyline::Helper for StatementValidator {}

impl Validator for StatementValidator {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

/// A statement is complete when it ends with `;`, is a `:command`, or is
/// blank (an empty line does nothing).
pub fn is_complete(input: &str) -> bool {
    let trimmed = input.trim();
    trimmed.is_empty() || trimmed.starts_with(':') || trimmed.ends_with(';')
}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".kg_history"))
}

/// Runs the shell until Ctrl-D or `:quit`.
pub fn run(mut session: Session, out: &mut dyn Write) -> Result<()> {
    let readline_error = |e: ReadlineError| Error::Usage(format!("terminal: {e}"));
    let mut editor =
        rustyline::Editor::<StatementValidator, rustyline::history::DefaultHistory>::new()
            .map_err(readline_error)?;
    editor.set_helper(Some(StatementValidator));
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is normal on first use.
        let _ = editor.load_history(path);
    }
    let cancel = session.options.cancel.clone();
    // Ctrl-C during a query arrives as SIGINT (rustyline reads it as a key
    // while editing); a second handler cannot be installed, which only
    // happens when the REPL is started twice in one process.
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    let io = |e| Error::io("<stdout>", e);
    writeln!(
        out,
        "kg {} on {} ({} nodes, {} relationships). :help for help, Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION"),
        session.path().display(),
        session.graph().node_count(),
        session.graph().rel_count()
    )
    .map_err(io)?;
    loop {
        match editor.readline("kg> ") {
            Ok(line) => {
                let input = line.trim();
                if input.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(input);
                if matches!(input.trim_end_matches(';'), ":quit" | ":q" | ":exit") {
                    break;
                }
                session.options.cancel.store(false, Ordering::Relaxed);
                if let Err(e) = session.execute(input, out) {
                    writeln!(out, "{e}").map_err(io)?;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(readline_error(e)),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn statements_end_with_a_semicolon() {
        assert!(is_complete("MATCH (n) RETURN n;"));
        assert!(is_complete(":help"));
        assert!(is_complete("   "));
        assert!(!is_complete("MATCH (n)\nRETURN n"));
    }
}
