//! The commands of the interactive chat (`/model ID`, `/help`, …): what a line
//! typed at the prompt means.

use oac::pricing::closest;

/// A command typed at the prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/model [ID]`: switch to ID, or show the model in use.
    Model(Option<String>),
    /// `/system [TEXT|-]`: set the system prompt, `-` removes it, nothing shows it.
    System(Option<String>),
    /// `/image PATH_OR_URL`: attach an image to the next message.
    Image(String),
    /// `/clear`: start the context afresh (the history stays in the session).
    Clear,
    /// `/cost`: the conversation's usage and cost so far.
    Cost,
    /// `/save NAME`: save the conversation as session NAME (and keep saving there).
    Save(String),
    /// `/help`.
    Help,
    /// `/exit` (or `/quit`).
    Exit,
}

/// What a line typed at the prompt is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// A message for the model (a line starting `//` sends one `/`).
    Message(String),
    /// A command.
    Command(Command),
    /// A command that needs an argument it did not get.
    Missing {
        /// `/image`.
        command: &'static str,
        /// `a file or URL`.
        what: &'static str,
    },
    /// Not a command: the nearest one, when one is near.
    Unknown {
        /// What was typed (`/modle`).
        typed: String,
        /// `/model`.
        nearest: Option<&'static str>,
    },
}

/// The commands and what they do, for `/help` (names as typed).
pub const COMMANDS: &[(&str, &str)] = &[
    (
        "/model ID",
        "switch to model ID (alone: show the model in use)",
    ),
    (
        "/system TEXT",
        "set the system prompt (`/system -` removes it; alone: show it)",
    ),
    (
        "/image PATH_OR_URL",
        "attach an image (file, http(s) or data: URL) to the next message",
    ),
    (
        "/clear",
        "start the context afresh (earlier turns stay in the session and the cost)",
    ),
    ("/cost", "what this conversation used and cost so far"),
    (
        "/save NAME",
        "save the conversation as session NAME, and keep saving it there",
    ),
    ("/help", "this list"),
    ("/exit", "leave (Ctrl-D too)"),
];

/// Every command word, for the nearest-match suggestion.
const NAMES: &[&str] = &[
    "/model", "/system", "/image", "/clear", "/cost", "/save", "/help", "/exit", "/quit",
];

/// What `text` (a whole input, maybe several lines) is.
pub fn parse(text: &str) -> Line {
    let trimmed = text.trim_start();
    if let Some(escaped) = trimmed.strip_prefix("//") {
        return Line::Message(format!("/{escaped}"));
    }
    if !trimmed.starts_with('/') {
        return Line::Message(text.to_owned());
    }
    let (word, rest) = match trimmed.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (trimmed.trim_end(), ""),
    };
    let argument = (!rest.is_empty()).then(|| rest.to_owned());
    let command = match word.to_ascii_lowercase().as_str() {
        "/model" => Command::Model(argument),
        "/system" => Command::System(argument),
        "/image" => match argument {
            Some(image) => Command::Image(image),
            None => return missing("/image", "a file or URL"),
        },
        "/clear" => Command::Clear,
        "/cost" => Command::Cost,
        "/save" => match argument {
            Some(name) => Command::Save(name),
            None => return missing("/save", "a session name"),
        },
        "/help" | "/?" => Command::Help,
        "/exit" | "/quit" => Command::Exit,
        _ => {
            return Line::Unknown {
                typed: word.to_owned(),
                nearest: closest(word, NAMES.iter().copied()),
            };
        }
    };
    Line::Command(command)
}

fn missing(command: &'static str, what: &'static str) -> Line {
    Line::Missing { command, what }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_arguments() {
        assert_eq!(
            parse("/model gpt-4o"),
            Line::Command(Command::Model(Some("gpt-4o".into())))
        );
        assert_eq!(parse("/model"), Line::Command(Command::Model(None)));
        assert_eq!(
            parse("/system  Be brief.  "),
            Line::Command(Command::System(Some("Be brief.".into())))
        );
        assert_eq!(
            parse("/image ./cat 1.png"),
            Line::Command(Command::Image("./cat 1.png".into()))
        );
        assert_eq!(parse("/EXIT"), Line::Command(Command::Exit));
        assert_eq!(parse("/quit"), Line::Command(Command::Exit));
        assert_eq!(
            parse("/save"),
            Line::Missing {
                command: "/save",
                what: "a session name"
            }
        );
    }

    #[test]
    fn messages_and_escapes() {
        assert_eq!(parse("hello /model"), Line::Message("hello /model".into()));
        assert_eq!(
            parse("//etc/hosts is"),
            Line::Message("/etc/hosts is".into())
        );
        assert_eq!(
            parse("line one\nline two"),
            Line::Message("line one\nline two".into())
        );
    }

    #[test]
    fn unknown_commands_get_the_nearest() {
        assert_eq!(
            parse("/modle x"),
            Line::Unknown {
                typed: "/modle".into(),
                nearest: Some("/model")
            }
        );
        assert_eq!(
            parse("/zzzz"),
            Line::Unknown {
                typed: "/zzzz".into(),
                nearest: None
            }
        );
    }
}
