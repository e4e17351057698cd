//! `oac`, the oac command line: chat, models, cost, resolve, config import,
//! doctor and an offline demo. See `oac --help`.
//!
//! Only this crate prints. The answer (or `--json` lines) goes to standard output,
//! everything else to standard error; the exit code says what went wrong
//! ([`failure`]).

// A command-line program: printing is its job, through `output` only.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod atomic;
mod commands;
mod completions;
mod controls;
mod failure;
mod fixes;
mod ledger;
mod model_cache;
mod model_info;
mod output;
mod prices;
mod redact;
mod reply;
mod sessions;
mod setup;
mod spinner;
mod warnings;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind as ClapErrorKind;

use crate::args::Cli;
use crate::failure::Failure;
use crate::output::Output;

fn main() -> ExitCode {
    // A shell's completion script calling back: answer and exit before anything else.
    completions::answer_if_asked();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return command_line_error(&error),
    };
    let mut out = Output::new(cli.global.json);
    warnings::show_provider_warnings();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Runtime)
        .and_then(|runtime| runtime.block_on(commands::run(&cli, &mut out)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.failure(&failure);
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Help and version go to standard output (exit 0); a usage error to standard error
/// (and as a JSON error line with `--json`), exit 2.
fn command_line_error(error: &clap::Error) -> ExitCode {
    if matches!(
        error.kind(),
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    // `--json` after `--` is an argument (a prompt), not the flag.
    if std::env::args_os()
        .skip(1)
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
    {
        let rendered = error.render().to_string();
        let message = rendered
            .trim()
            .strip_prefix("error: ")
            .unwrap_or(rendered.trim())
            .to_owned();
        Output::new(true).failure(&Failure::Usage(message));
        return ExitCode::from(2);
    }
    let _ = error.print();
    ExitCode::from(2)
}
