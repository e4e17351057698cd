//! The line editor of the interactive chat (rustyline): history of what was typed
//! (in memory only, seeded with a resumed session's messages), multi-line input
//! (a line ending in `\` continues; a bracketed paste of several lines is one
//! input), Ctrl-C clears the input, Ctrl-D on an empty line leaves.
//!
//! rustyline blocks while it reads, so each read runs on tokio's blocking pool and
//! the editor travels there and back.

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{Config, Editor};

use crate::failure::Failure;

/// The prompt of a new input, and of its continuation lines.
pub const PROMPT: &str = "> ";
const CONTINUATION: &str = ". ";

/// What the user typed.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// A whole input (lines joined with `\n`).
    Text(String),
    /// Ctrl-C: the input was dropped.
    Cleared,
    /// Ctrl-D on an empty line.
    End,
}

/// The editor and its history.
pub struct LineEditor {
    editor: Option<Editor<(), DefaultHistory>>,
}

impl LineEditor {
    /// An editor whose history starts with `earlier` (oldest first).
    pub fn new<'a>(earlier: impl IntoIterator<Item = &'a str>) -> Result<LineEditor, Failure> {
        let config = Config::builder()
            .auto_add_history(false)
            .max_history_size(1_000)
            .map_err(terminal_error)?
            .build();
        let mut editor = Editor::with_config(config).map_err(terminal_error)?;
        for line in earlier {
            let _ = editor.add_history_entry(line);
        }
        Ok(LineEditor {
            editor: Some(editor),
        })
    }

    /// Reads one input: lines ending in `\` continue it.
    pub async fn read(&mut self) -> Result<Input, Failure> {
        let mut text = String::new();
        let mut prompt = PROMPT;
        loop {
            let line = match self.read_line(prompt).await? {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => return Ok(Input::Cleared),
                Err(ReadlineError::Eof) if text.is_empty() => return Ok(Input::End),
                Err(ReadlineError::Eof) => return Ok(Input::Cleared),
                Err(error) => return Err(terminal_error(error)),
            };
            match line.strip_suffix('\\') {
                Some(head) => {
                    text.push_str(head);
                    text.push('\n');
                    prompt = CONTINUATION;
                }
                None => {
                    text.push_str(&line);
                    break;
                }
            }
        }
        if let (false, Some(editor)) = (text.trim().is_empty(), self.editor.as_mut()) {
            let _ = editor.add_history_entry(text.as_str());
        }
        Ok(Input::Text(text))
    }

    async fn read_line(
        &mut self,
        prompt: &'static str,
    ) -> Result<rustyline::Result<String>, Failure> {
        let Some(mut editor) = self.editor.take() else {
            return Err(Failure::Internal(
                "the line editor was lost after an earlier failure".into(),
            ));
        };
        let (editor, line) = tokio::task::spawn_blocking(move || {
            let line = editor.readline(prompt);
            (editor, line)
        })
        .await
        .map_err(|e| Failure::Internal(format!("the line editor stopped: {e}")))?;
        self.editor = Some(editor);
        Ok(line)
    }
}

fn terminal_error(error: ReadlineError) -> Failure {
    Failure::Internal(format!("cannot read from the terminal: {error}"))
}
