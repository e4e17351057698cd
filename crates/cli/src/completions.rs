//! Shell completions: `oac completions SHELL` prints the script a shell sources, and
//! the script calls `oac` back (with `OAC_COMPLETE` set) for every completion, so
//! profile names come from the config file as it is at that moment.
//!
//! Built on clap_complete's environment-driven completion ([`CompleteEnv`]); the
//! callback is answered by [`answer_if_asked`] before anything else runs.

use std::ffi::OsStr;

use clap::CommandFactory;
use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, CompleteEnv, EnvCompleter, Fish, Zsh};
use oac::config::{ConfigFile, Loader};

use crate::args::{Cli, Shell};
use crate::failure::Failure;
use crate::output::Output;

/// The variable that turns a run of `oac` into a completion request.
pub const VAR: &str = "OAC_COMPLETE";

/// When the shell's completion script called us (`OAC_COMPLETE=bash oac -- …`),
/// prints the candidates and exits; otherwise returns at once.
pub fn answer_if_asked() {
    CompleteEnv::with_factory(Cli::command).var(VAR).complete();
}

/// `oac completions SHELL`: the script to source, for this very binary.
pub fn run(shell: Shell, out: &mut Output) -> Result<(), Failure> {
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
    };
    // The script calls back the binary that wrote it (an absolute path), so it works
    // whether or not this `oac` is the first one on PATH.
    let exe = std::env::current_exe()
        .map_err(|e| Failure::Internal(format!("cannot find the path of this oac binary: {e}")))?;
    let mut script = Vec::new();
    completer
        .write_registration(VAR, "oac", "oac", &exe.to_string_lossy(), &mut script)
        .map_err(|e| Failure::Internal(format!("cannot write the completion script: {e}")))?;
    out.answer(&String::from_utf8_lossy(&script))?;
    out.end_answer()
}

/// The profile names of the config file `oac` would read (`OAC_CONFIG`, else the
/// platform default) that start with what was typed. A missing or broken file
/// gives no candidates: completion never prints an error into the prompt.
pub fn profile_names(typed: &OsStr) -> Vec<CompletionCandidate> {
    let typed = typed.to_string_lossy();
    let Some(path) = Loader::new().config_source().path().map(ToOwned::to_owned) else {
        return Vec::new();
    };
    let Ok(file) = ConfigFile::from_path(&path) else {
        return Vec::new();
    };
    file.profile_names()
        .into_iter()
        .filter(|name| name.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}
