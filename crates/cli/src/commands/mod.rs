//! One module per command.

mod chat;
pub mod cost;
#[cfg(feature = "demo")]
mod demo;
mod doctor;
mod import;
mod models;
mod resolve;
mod usage;

use std::sync::Arc;

use oac::config::ProcessEnv;

use crate::args::{Cli, Command, ConfigCommand};
use crate::failure::Failure;
use crate::ledger::Ledger;
use crate::output::Output;

/// Runs the command the command line names.
pub async fn run(cli: &Cli, out: &mut Output) -> Result<(), Failure> {
    let ledger = Ledger::from_env(&ProcessEnv);
    let result = run_command(cli, &ledger, out).await;
    // Also after a failure: the requests made before it were (or were not) recorded.
    ledger.warn(out);
    result
}

async fn run_command(cli: &Cli, ledger: &Arc<Ledger>, out: &mut Output) -> Result<(), Failure> {
    let global = &cli.global;
    match &cli.command {
        Command::Chat(args) => chat::run(global, args, ledger, out).await,
        Command::Models => models::run(global, out).await,
        Command::Usage(args) => usage::run(global, args, out),
        Command::Cost(args) => cost::run(global, args, out),
        Command::Resolve(args) => resolve::run(global, args, out),
        Command::Config(ConfigCommand::Import(args)) => import::run(global, args, out),
        Command::Doctor => doctor::run(global, ledger, out).await,
        Command::Completions(args) => crate::completions::run(args.shell, out),
        #[cfg(feature = "demo")]
        Command::Demo => demo::run(out).await,
        #[cfg(not(feature = "demo"))]
        Command::Demo => Err(Failure::Usage(
            "this oac was built without the `demo` feature, so it has no built-in simulator: \
             rebuild it with the feature (on by default: `cargo install oac-cli`), or check a \
             real provider with `oac doctor`"
                .into(),
        )),
    }
}
