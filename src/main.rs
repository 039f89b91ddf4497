//! The `kg` binary: parses the command line, runs it, maps the outcome to an
//! exit code. A closed pipe (`kg query ... | head`) is not an error.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match kg::cli::run(std::env::args_os(), &mut out) {
        Ok(()) => {
            let _ = out.flush();
            ExitCode::SUCCESS
        }
        Err(kg::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = out.flush();
            #[allow(clippy::print_stderr)]
            {
                eprintln!("kg: {e}");
            }
            ExitCode::FAILURE
        }
    }
}
