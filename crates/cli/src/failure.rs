//! Why a command failed, its exit code, and its one-line fix.
//!
//! Exit codes (also in `docs/cli.md`): 0 success · 2 usage or configuration error ·
//! 3 invalid API key / permission denied · 4 model or endpoint not found · 5 rate
//! limited or quota · 6 connection error or timeout · 7 provider server error · 8 any
//! other provider or decode error.

use std::path::PathBuf;

use oac::provider::files::{FileError, ShownPath};
use oac::{ConfigError, Error, ErrorKind};

/// A command that could not do its job.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The command line or its input is wrong.
    #[error("{0}")]
    Usage(String),
    /// The configuration cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The provider refused or could not be reached (or the client's profile is wrong).
    #[error(transparent)]
    Client(#[from] Error),
    /// The model's prices are not known, so a cost cannot be computed.
    #[error("{0}")]
    Unpriced(String),
    /// A file could not be read or written.
    #[error("{what} {}: {source}", ShownPath(path))]
    File {
        /// "cannot read", "cannot write"…
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why: the operating system's error, not a regular file, or over its cap.
        source: FileError,
    },
    /// A saved session cannot be read, written or named so.
    #[error(transparent)]
    Session(#[from] crate::sessions::SessionError),
    /// Standard output was closed (e.g. `oac models | head -1`): stop quietly.
    #[error("standard output was closed")]
    OutputClosed,
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// Something `oac` itself needs failed (not the user's input, not the provider).
    #[error("{0}")]
    Internal(String),
    /// Ctrl-C stopped the command.
    #[error("interrupted: the request was stopped before the reply ended")]
    Interrupted,
    /// `oac doctor` found a failing check (already printed).
    #[error("{message}")]
    CheckFailed {
        /// The exit code of the failure.
        code: u8,
        /// Its kind, for JSON.
        kind: &'static str,
        /// The HTTP status, when the provider answered the failed check.
        status: Option<u16>,
        /// The failed check's message.
        message: String,
    },
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_)
            | Failure::Config(_)
            | Failure::Unpriced(_)
            | Failure::File { .. }
            | Failure::Session(_) => 2,
            Failure::Client(error) => exit_code(error.kind()),
            Failure::OutputClosed => 0,
            Failure::Runtime(_) | Failure::Internal(_) => 8,
            Failure::Interrupted => 130,
            Failure::CheckFailed { code, .. } => *code,
        }
    }

    /// The `kind` of the JSON error object.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::Usage(_) => "usage",
            Failure::Config(_) => "config",
            Failure::Unpriced(_) => "prices_unknown",
            Failure::File { .. } => "file",
            Failure::Session(_) => "session",
            Failure::Client(error) => error.kind().as_str(),
            Failure::OutputClosed => "output_closed",
            Failure::Runtime(_) | Failure::Internal(_) => "internal",
            Failure::Interrupted => "interrupted",
            Failure::CheckFailed { kind, .. } => kind,
        }
    }

    /// The HTTP status, when a provider answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Failure::Client(error) => error.status(),
            Failure::CheckFailed { status, .. } => *status,
            _ => None,
        }
    }

    /// A hint shown under the error for failures `oac doctor` diagnoses.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Failure::Client(error) => match error.kind() {
                ErrorKind::ModelNotFound => Some(
                    "`oac models` lists the provider's models; `oac doctor` names the closest one",
                ),
                ErrorKind::InvalidApiKey
                | ErrorKind::PermissionDenied
                | ErrorKind::EndpointNotFound
                | ErrorKind::Connection
                | ErrorKind::Timeout
                | ErrorKind::Decode => {
                    Some("run `oac doctor` to check the whole setup step by step")
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// The exit code for a kind of client error.
pub fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Config | ErrorKind::InvalidRequest => 2,
        ErrorKind::InvalidApiKey | ErrorKind::PermissionDenied => 3,
        ErrorKind::ModelNotFound | ErrorKind::EndpointNotFound => 4,
        ErrorKind::RateLimited | ErrorKind::QuotaExhausted => 5,
        ErrorKind::Connection | ErrorKind::Timeout => 6,
        ErrorKind::ServerError => 7,
        ErrorKind::ContextTooLong => 9,
        ErrorKind::EmptyReply => 10,
        ErrorKind::ToolsNotSupported => 11,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_spec() {
        let cases = [
            (ErrorKind::Config, 2),
            (ErrorKind::InvalidRequest, 2),
            (ErrorKind::InvalidApiKey, 3),
            (ErrorKind::PermissionDenied, 3),
            (ErrorKind::ModelNotFound, 4),
            (ErrorKind::EndpointNotFound, 4),
            (ErrorKind::RateLimited, 5),
            (ErrorKind::QuotaExhausted, 5),
            (ErrorKind::Connection, 6),
            (ErrorKind::Timeout, 6),
            (ErrorKind::ServerError, 7),
            (ErrorKind::ProviderError, 8),
            (ErrorKind::ContextTooLong, 9),
            (ErrorKind::EmptyReply, 10),
            (ErrorKind::ToolsNotSupported, 11),
            (ErrorKind::Decode, 8),
            (ErrorKind::StreamEndedEarly, 8),
        ];
        for (kind, code) in cases {
            assert_eq!(exit_code(kind), code, "{kind}");
        }
    }

    #[test]
    fn internal_failures_exit_8() {
        let failure = Failure::Internal("cannot start the built-in simulator".into());
        assert_eq!((failure.exit_code(), failure.kind()), (8, "internal"));
    }

    #[test]
    fn usage_errors_exit_2() {
        assert_eq!(Failure::Usage("x".into()).exit_code(), 2);
        assert_eq!(Failure::Usage("x".into()).kind(), "usage");
    }
}
