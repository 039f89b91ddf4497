//! The `kg` binary: parses the command line, runs it, maps the outcome to an
//! exit code (`cli::exit_code`: 2 for a wrong command line, else 1). A closed pipe (`kg query ... | head`) is not an error.

use std::io::Write;
use std::process::ExitCode;

/// Extraction makes many small, short-lived allocations per article; mimalloc
/// serves them markedly faster than the system allocator (see benches/extract.rs,
/// which measures with the same allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr();
    let result = kg::cli::run(std::env::args_os(), &mut out, &mut err);
    let flushed = out.flush();
    match result {
        Ok(()) => match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                let _ = writeln!(err, "kg: <stdout>: {e}");
                ExitCode::FAILURE
            }
            _ => ExitCode::SUCCESS,
        },
        Err(kg::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(err, "kg: {e}");
            ExitCode::from(kg::cli::exit_code(&e))
        }
    }
}
