//! `vixhedge`: parse, dispatch, map errors to one stderr line and exit status 2.

use std::process::ExitCode;

mod cli;
mod commands;

use clap::error::ErrorKind;
use clap::Parser;

use cli::{usage_error_line, Cli};

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err)
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) =>
        {
            // Help and version go to stdout with status 0.
            return if err.print().is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Err(err) => {
            eprintln!("error: {}", usage_error_line(&err));
            return ExitCode::from(2);
        }
    };
    match commands::dispatch(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(err) => {
            let message = format!("{err:#}");
            eprintln!(
                "error: {}",
                message.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`vixhedge bench |
/// head`) would panic; with the default action the process ends quietly, as
/// filters do. Output files are written atomically, so none is left half
/// written.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread starts; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
