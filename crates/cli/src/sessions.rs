//! Saved conversations (`oac chat --session NAME`, `--continue`): one file per
//! session, `<data dir>/oac/sessions/NAME.json` (or in the folder `OAC_SESSIONS`
//! names), in the facade's conversation format (`docs/sessions.md`), and a file
//! `last` holding the name of the session used last.
//!
//! Writes replace the file whole (`atomic`); a file that cannot be read back is an
//! error naming it and is never overwritten; names are checked so that a session
//! is always a file of this folder. No key is ever written: a conversation holds
//! none.

use std::io;
use std::path::PathBuf;

use oac::Conversation;
use oac::FormatError;
use oac::config::{CONFIG_FOLDER, Environment, data_dir};
use oac::provider::files::{FileError, FileKind, ShownPath, read_capped_string};

use crate::atomic;

/// `OAC_SESSIONS`: the folder sessions are kept in, instead of the default one.
pub const ENV_SESSIONS: &str = "OAC_SESSIONS";

/// The sessions' folder in `<data dir>/oac/`.
const SESSIONS_FOLDER: &str = "sessions";

/// The file holding the name of the session used last.
const LAST_FILE: &str = "last";

/// The longest session name.
const MAX_NAME_CHARS: usize = 64;

/// Why a session could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// No folder to keep sessions in.
    #[error(
        "no data directory is known (HOME is not set), so sessions have nowhere to go: set {ENV_SESSIONS} to a folder"
    )]
    Nowhere,
    /// Not a valid name.
    #[error(
        "{shown} cannot be a session name: use 1 to {MAX_NAME_CHARS} letters, digits, `-`, `_` or `.`, not starting with `.`"
    )]
    BadName {
        /// The name as it may be shown (a pasted key is described, not echoed).
        shown: String,
    },
    /// `--continue` with no session used before.
    #[error("there is no session to continue yet: start one with `oac chat --session NAME`")]
    NoLast,
    /// The file could not be read.
    #[error("cannot read the session file {}: {source}", ShownPath(path))]
    Read {
        /// The session file.
        path: PathBuf,
        /// Why.
        source: FileError,
    },
    /// The file is not a conversation this `oac` reads.
    #[error(
        "the session file {} cannot be read back ({source}); it is left as it is: repair it, move it away to start the session afresh, or use another --session NAME",
        ShownPath(path)
    )]
    Damaged {
        /// The session file.
        path: PathBuf,
        /// What is wrong with it.
        source: FormatError,
    },
    /// The file could not be written.
    #[error("cannot save the session to {}: {source}", ShownPath(path))]
    Write {
        /// The session file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// A checked session name: a file name of the sessions' folder, nothing more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionName(String);

impl SessionName {
    /// `name` when it is 1 to 64 of `A-Z a-z 0-9 - _ .`, not starting with `.`.
    pub fn parse(name: &str) -> Result<SessionName, SessionError> {
        let valid = !name.is_empty()
            && name.chars().count() <= MAX_NAME_CHARS
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if valid {
            return Ok(SessionName(name.to_owned()));
        }
        let shown = if oac::url::looks_like_key(name) {
            "text that looks like an API key".to_owned()
        } else {
            format!("`{}`", name.escape_debug())
        };
        Err(SessionError::BadName { shown })
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SessionName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The sessions' folder.
#[derive(Clone, Debug)]
pub struct Sessions {
    dir: PathBuf,
}

impl Sessions {
    /// `OAC_SESSIONS`, else `<data dir>/oac/sessions`.
    pub fn from_env(env: &dyn Environment) -> Result<Sessions, SessionError> {
        let named = env.var(ENV_SESSIONS).unwrap_or_default();
        let dir = match named.trim() {
            "" => data_dir(env)
                .map(|dir| dir.join(CONFIG_FOLDER).join(SESSIONS_FOLDER))
                .ok_or(SessionError::Nowhere)?,
            named => PathBuf::from(named),
        };
        Ok(Sessions { dir })
    }

    /// A folder of sessions (tests).
    #[cfg(test)]
    pub fn at(dir: &std::path::Path) -> Sessions {
        Sessions {
            dir: dir.to_path_buf(),
        }
    }

    /// The file of session `name`.
    pub fn path(&self, name: &SessionName) -> PathBuf {
        self.dir.join(format!("{}.json", name.as_str()))
    }

    /// Session `name`, or `None` when it does not exist yet.
    pub fn load(&self, name: &SessionName) -> Result<Option<Conversation>, SessionError> {
        let path = self.path(name);
        let text = match read_capped_string(&path, FileKind::Session) {
            Ok(text) => text,
            Err(FileError::Io(error)) if error.kind() == io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(source) => return Err(SessionError::Read { path, source }),
        };
        Conversation::from_json(&text)
            .map(Some)
            .map_err(|source| SessionError::Damaged { path, source })
    }

    /// Saves `conversation` as session `name` (replacing the file whole) and
    /// remembers it as the last one used.
    pub fn save(
        &self,
        name: &SessionName,
        conversation: &Conversation,
    ) -> Result<(), SessionError> {
        let path = self.path(name);
        let mut text = conversation.to_json_pretty();
        text.push('\n');
        atomic::write(&path, text.as_bytes()).map_err(|source| SessionError::Write {
            path: path.clone(),
            source,
        })?;
        self.set_last(name)
    }

    /// The session used last (for `--continue`).
    pub fn last(&self) -> Result<SessionName, SessionError> {
        let path = self.dir.join(LAST_FILE);
        match read_capped_string(&path, FileKind::KeyFile) {
            Ok(text) => SessionName::parse(text.trim()).map_err(|_| SessionError::NoLast),
            Err(FileError::Io(error)) if error.kind() == io::ErrorKind::NotFound => {
                Err(SessionError::NoLast)
            }
            Err(source) => Err(SessionError::Read { path, source }),
        }
    }

    /// Remembers `name` as the session used last.
    pub fn set_last(&self, name: &SessionName) -> Result<(), SessionError> {
        let path = self.dir.join(LAST_FILE);
        atomic::write(&path, format!("{name}\n").as_bytes())
            .map_err(|source| SessionError::Write { path, source })
    }
}

#[cfg(test)]
mod tests {
    use oac::AssistantReply;

    use super::*;

    #[test]
    fn names_are_plain_file_names() {
        for good in ["s1", "work.2026-12", "A_b-c"] {
            assert!(SessionName::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            ".hidden",
            "../up",
            "a/b",
            "a\\b",
            "with space",
            "x".repeat(65).as_str(),
        ] {
            let error = SessionName::parse(bad).unwrap_err();
            assert!(
                error.to_string().contains("cannot be a session name"),
                "{bad}: {error}"
            );
        }
        let error =
            SessionName::parse("sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD/x").unwrap_err();
        assert!(!error.to_string().contains("sk-proj"), "{error}");
    }

    #[test]
    fn sessions_round_trip_and_remember_the_last_one() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::at(dir.path());
        let name = SessionName::parse("s1").unwrap();
        assert!(sessions.load(&name).unwrap().is_none());
        assert!(matches!(sessions.last(), Err(SessionError::NoLast)));

        let mut conversation = Conversation::new("m").with_system("sys");
        conversation.push_user("hello");
        conversation.push_reply(AssistantReply::new("m", "hi"));
        sessions.save(&name, &conversation).unwrap();
        assert_eq!(sessions.load(&name).unwrap(), Some(conversation));
        assert_eq!(sessions.last().unwrap(), name);
    }

    #[test]
    fn a_damaged_file_is_named_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let sessions = Sessions::at(dir.path());
        let name = SessionName::parse("broken").unwrap();
        std::fs::write(sessions.path(&name), "{\"format\":\"oac-conversation\",").unwrap();
        let error = sessions.load(&name).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("broken.json") && message.contains("move it away"),
            "{message}"
        );
        assert_eq!(
            std::fs::read_to_string(sessions.path(&name)).unwrap(),
            "{\"format\":\"oac-conversation\","
        );
    }
}
