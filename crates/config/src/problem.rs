//! What can be wrong with a configuration: problems (errors, reported all
//! together), warnings (returned beside the result) and the crate's error type.
//!
//! No message built here or anywhere in this crate quotes an API key: key values
//! are never formatted, only the names of the settings that hold them.

use oac_provider::files::{FileError, ShownPath};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// The format of a config file, chosen by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigFormat {
    /// `.toml`
    Toml,
    /// `.json`
    Json,
}

impl fmt::Display for ConfigFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConfigFormat::Toml => "TOML",
            ConfigFormat::Json => "JSON",
        })
    }
}

/// The kind of a [`Problem`], for programs that react to specific ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A key that is not a setting at this place (with the closest valid key).
    UnknownKey,
    /// A value of the wrong type (a string where a number belongs, …).
    WrongType,
    /// A value of the right type that is not allowed (an unknown word, a number
    /// out of range, a price that is not a number, a zero timeout, …).
    InvalidValue,
    /// The base URL or models URL cannot be used.
    InvalidUrl,
    /// The proxy URL cannot be used.
    InvalidProxy,
    /// No model id was set anywhere.
    MissingModel,
    /// The model id is empty.
    EmptyModel,
    /// More than one of `api_key`, `api_key_env`, `api_key_file`.
    TwoKeySources,
    /// The environment variable that should hold the key is not set (or empty).
    KeyEnvNotSet,
    /// The key file cannot be read or is empty.
    KeyFileUnreadable,
    /// `temperature` outside 0..=2.
    TemperatureOutOfRange,
    /// `max_output_tokens` larger than `context_window`.
    MaxOutputAboveContext,
    /// A price below zero.
    NegativePrice,
    /// Price tier thresholds that do not strictly ascend.
    TiersNotAscending,
    /// A profile name that the config file does not define.
    UnknownProfile,
    /// Several profiles and nothing says which one to use.
    NoProfileChosen,
    /// A header name or value that cannot be sent.
    InvalidHeader,
    /// The `ca_cert` file cannot be read.
    CaCertUnreadable,
    /// The model catalogue file (`--catalog`, `OAC_CATALOG` or `catalog`) cannot
    /// be read or holds problems; reported this way beside other problems (alone,
    /// its own error is returned).
    CatalogUnusable,
    /// A `reasoning_effort` the (native) model does not accept: every request
    /// would be refused.
    UnsupportedReasoningEffort,
}

/// One thing wrong with a configuration, naming where it is and how to fix it.
///
/// `Display`: `path (line N): message`, where `path` is a field path such as
/// `profiles.together.model_info.input_price`, a flag such as `--base-url`, or an
/// environment variable such as `OPENAI_BASE_URL`; the message ends with the fix.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// What kind of problem.
    pub kind: ProblemKind,
    /// Where: a field path, a flag or an environment variable.
    pub path: String,
    /// The 1-based line in the config file, when the problem is in one.
    pub line: Option<usize>,
    /// What is wrong and what to do, as one sentence.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(
        kind: ProblemKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            kind,
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The kind of a [`Warning`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// No API key for a host that is not this machine.
    MissingKey,
    /// A key is configured but `auth = "none"` means it is never sent.
    KeyNotSent,
    /// A setting that has no effect in this combination (and why).
    SettingIgnored,
    /// A header that carries a credential is stored in plain text.
    CredentialInHeader,
    /// An import could not carry a value over (and why).
    ImportValueDropped,
    /// An imported profile has no model: the source lists none (the server's models
    /// list has them).
    ImportNoModel,
    /// Imported input and output prices are both 0, so cost would show as $0.
    ZeroPrices,
    /// An imported value was carried over to a setting that does not behave exactly
    /// the same (and how it differs).
    ImportInexact,
    /// The native provider does not know the model id: its limits and prices are
    /// unknown (compatible defaults are used).
    UnknownModel,
    /// A setting from the environment replaces the profile's (`OPENAI_BASE_URL`
    /// sends the profile's requests, and its key, to another server).
    SettingOverridden,
    /// The key from `OPENAI_API_KEY` is sent to a profile's host that is neither
    /// api.openai.com nor this machine.
    OpenAiKeyToOtherHost,
    /// The Azure OpenAI api-version in use is older than the model's requests need
    /// (reasoning models need 2024-12-01-preview or newer).
    ApiVersionTooOld,
}

/// Something that works but is probably not what the user wants.
///
/// Returned beside the result and also logged with `tracing` at `warn` level.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// What kind of warning.
    pub kind: WarningKind,
    /// Where: a field path, a flag or an environment variable.
    pub path: String,
    /// What may go wrong and what to do, as one sentence.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(
        kind: WarningKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a configuration cannot be used. `Display` says what to fix.
///
/// Never contains an API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Fix every listed problem (all problems are collected before this is returned).
    #[error("{}", invalid_text(file.as_ref(), problems))]
    Invalid {
        /// The config file involved, when one was read.
        file: Option<PathBuf>,
        /// Every problem, in file order.
        problems: Vec<Problem>,
    },
    /// The config file could not be read: fix the path or the permissions.
    #[error(
        "cannot read the config file {}: {source}; check the path (--config, OAC_CONFIG) and its permissions",
        ShownPath(path)
    )]
    UnreadableFile {
        /// The file.
        path: PathBuf,
        /// Why: the operating system's error, not a regular file, or larger than
        /// [`FileKind::Config`](oac_provider::files::FileKind::Config)'s cap.
        source: FileError,
    },
    /// The file is not valid TOML or JSON: fix the syntax at the given place.
    #[error(
        "{}line {line}, column {column}: {message}; fix the {format} syntax there",
        file_prefix(file.as_ref())
    )]
    Syntax {
        /// The file, when parsed from one.
        file: Option<PathBuf>,
        /// TOML or JSON.
        format: ConfigFormat,
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The model catalogue file could not be read: fix the path or the permissions.
    #[error(
        "cannot read the model catalogue file {}: {source}; check the path (--catalog, OAC_CATALOG, or `catalog` in the config file) and its permissions",
        ShownPath(path)
    )]
    UnreadableCatalog {
        /// The file.
        path: PathBuf,
        /// Why: the operating system's error, not a regular file, or larger than
        /// [`FileKind::Catalog`](oac_provider::files::FileKind::Catalog)'s cap.
        source: FileError,
    },
    /// The file name does not end in `.toml` or `.json`: rename it.
    #[error(
        "cannot tell the format of {}: name the config file `….toml` or `….json`",
        ShownPath(path)
    )]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The config holds API keys inline, which the writer never writes: store them
    /// in key files first.
    #[error(
        "not written: profile{} {} hold{} the API key inline, and keys are never written to a config file; store each key with `write_key_file` (or `Import::store_keys`) and reference it with `api_key_file`, or use `api_key_env`",
        plural(profiles.len()),
        quoted_list(profiles),
        if profiles.len() == 1 { "s" } else { "" }
    )]
    InlineKeyNotWritten {
        /// The profiles holding an inline key.
        profiles: Vec<String>,
    },
    /// A key file could not be written: fix the directory or its permissions.
    #[error(
        "cannot write the key file {}: {source}; check that the directory exists and is writable",
        ShownPath(path)
    )]
    KeyFileNotWritten {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The input is neither a Kilo Code / Roo Code settings export nor a Kilo Code 7
    /// config: import one of those.
    #[error(
        "not a Kilo Code / Roo Code settings export nor a Kilo Code 7 config: {reason}; import the settings exported from the extension (Settings → About → Export), or Kilo Code 7's kilo.json / kilo.jsonc"
    )]
    NotAnExport {
        /// What is missing.
        reason: String,
    },
}

impl ConfigError {
    /// The problems, when this is [`ConfigError::Invalid`]; empty otherwise.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn file_prefix(file: Option<&PathBuf>) -> String {
    file.map_or_else(String::new, |path| format!("{}: ", ShownPath(path)))
}

fn invalid_text(file: Option<&PathBuf>, problems: &[Problem]) -> String {
    let place = file.map_or_else(String::new, |path| format!(" in {}", ShownPath(path)));
    match problems {
        [one] => format!("invalid configuration{place}: {one}"),
        many => {
            let mut text = format!(
                "invalid configuration{place}: {} problems to fix",
                many.len()
            );
            for problem in many {
                text.push_str("\n  ");
                text.push_str(&problem.to_string());
            }
            text
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `parent.key`, quoting keys that are not bare TOML keys (`profiles."my profile"`).
pub(crate) fn child(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_owned()
    } else {
        format!("\"{}\"", key.escape_debug())
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// Gives each problem the line of its path (or of the nearest parent path in
/// `lines`), then sorts them by line; problems outside the file keep their order
/// after those inside it.
pub(crate) fn place_problems(lines: &HashMap<String, usize>, problems: &mut [Problem]) {
    for problem in problems.iter_mut() {
        if problem.line.is_none() {
            problem.line = line_of(lines, &problem.path);
        }
    }
    problems.sort_by_key(|problem| problem.line.unwrap_or(usize::MAX));
}

fn line_of(lines: &HashMap<String, usize>, path: &str) -> Option<usize> {
    let mut path = path;
    loop {
        if let Some(line) = lines.get(path) {
            return Some(*line);
        }
        let cut = path.rfind(['.', '['])?;
        path = &path[..cut];
    }
}

/// `parent[index]`.
pub(crate) fn item(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Collects problems and warnings while a configuration is read and resolved.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub(crate) problems: Vec<Problem>,
    pub(crate) warnings: Vec<Warning>,
}

impl Report {
    pub(crate) fn problem(
        &mut self,
        kind: ProblemKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        let problem = Problem::new(kind, path, message);
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    pub(crate) fn warning(
        &mut self,
        kind: WarningKind,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        let warning = Warning::new(kind, path, message);
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_quotes_keys_that_are_not_bare() {
        assert_eq!(child("profiles", "my profile"), "profiles.\"my profile\"");
        assert_eq!(child("profiles", "together"), "profiles.together");
        assert_eq!(child("", "profiles"), "profiles");
    }

    #[test]
    fn one_problem_is_one_line() {
        let err = ConfigError::Invalid {
            file: None,
            problems: vec![Problem::new(
                ProblemKind::EmptyModel,
                "model",
                "the model id is empty",
            )],
        };
        assert_eq!(
            err.to_string(),
            "invalid configuration: model: the model id is empty"
        );
    }
}
