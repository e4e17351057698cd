//! Where output goes: the answer (or `--json` lines) on standard output, everything
//! else on standard error, so `oac chat "…" > answer.txt` captures only the answer.

use std::io::{self, IsTerminal, Write};

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::controls;
use crate::failure::Failure;
use crate::spinner::Spinner;

/// The two output streams and the mode (human or `--json`).
pub struct Output {
    json: bool,
    /// `oac chat --raw`: the answer and reasoning as received, controls included.
    raw: bool,
    stdout: io::Stdout,
    stderr: io::Stderr,
    /// Whether standard output ended with a newline (so the usage line starts on its own).
    at_line_start: bool,
}

impl Output {
    /// Human output, or JSON lines when `json`.
    pub fn new(json: bool) -> Self {
        Output {
            json,
            raw: false,
            stdout: io::stdout(),
            stderr: io::stderr(),
            at_line_start: true,
        }
    }

    /// True for `--json`.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints the answer and reasoning exactly as received (`oac chat --raw`):
    /// terminal control characters in them are no longer stripped.
    pub fn set_raw(&mut self, raw: bool) {
        self.raw = raw;
    }

    /// The answer or reasoning as it may be printed (see [`controls`]).
    fn answer_text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.raw || self.json {
            Cow::Borrowed(text)
        } else {
            controls::strip(text)
        }
    }

    /// A spinner for a long wait: shown on a terminal in human mode, never when
    /// standard error is piped or output is JSON.
    pub fn spinner(&self, message: impl Into<String>) -> Spinner {
        let enabled = !self.json && self.stderr.is_terminal();
        Spinner::start(enabled, message.into())
    }

    /// A piece of the answer on standard output, flushed at once (it streams).
    pub fn answer(&mut self, text: &str) -> Result<(), Failure> {
        if text.is_empty() {
            return Ok(());
        }
        self.at_line_start = text.ends_with('\n');
        let text = self.answer_text(text);
        write_out(&mut self.stdout, text.as_bytes())
    }

    /// A whole line of the result on standard output.
    pub fn line(&mut self, text: &str) -> Result<(), Failure> {
        self.at_line_start = true;
        let text = if self.json {
            controls::escape_json(text)
        } else {
            controls::escape(text)
        };
        write_out(&mut self.stdout, format!("{text}\n").as_bytes())
    }

    /// Ends the answer's last line, if it is open.
    pub fn end_answer(&mut self) -> Result<(), Failure> {
        if self.at_line_start {
            return Ok(());
        }
        self.line("")
    }

    /// One JSON object as one line on standard output, its fields in order.
    pub fn record(&mut self, record: &Record) -> Result<(), Failure> {
        self.line(&record.to_string())
    }

    /// A piece of text on standard error (reasoning as it streams).
    pub fn side(&mut self, text: &str) {
        let text = self.answer_text(text);
        let _ = self.stderr.write_all(text.as_bytes());
        let _ = self.stderr.flush();
    }

    /// A line on standard error (progress, usage, notes), in human mode only.
    pub fn note(&mut self, line: &str) {
        if !self.json {
            let _ = writeln!(self.stderr, "{}", controls::escape(line));
        }
    }

    /// A warning on standard error, in both modes (it never pollutes JSON output).
    pub fn warn(&mut self, message: &str) {
        let _ = writeln!(self.stderr, "warning: {}", controls::escape(message));
    }

    /// Reports a failure: `error: …` (and a hint) on standard error; with `--json`
    /// also `{"type":"error",…}` on standard output.
    pub fn failure(&mut self, failure: &Failure) {
        if matches!(failure, Failure::OutputClosed) {
            return;
        }
        let message = failure.to_string();
        if self.json {
            let _ = self.record(&record! {
                "type": "error",
                "kind": failure.kind(),
                "status": failure.status(),
                "message": message,
            });
        }
        let _ = self.end_answer();
        let _ = writeln!(self.stderr, "error: {}", controls::escape(&message));
        if let Some(hint) = failure.hint() {
            let _ = writeln!(self.stderr, "hint: {hint}");
        }
    }
}

/// A JSON object whose fields keep the order they were given in (the order
/// `docs/cli.md` documents: `type` first). Build it with [`record!`].
#[derive(Debug, Clone, PartialEq)]
pub struct Record(pub Vec<(&'static str, Value)>);

impl fmt::Display for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (key, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}:{value}", Value::from(*key))?;
        }
        f.write_str("}")
    }
}

/// `record! {"type": "text", "text": text}`: a [`Record`], values as in `json!`.
macro_rules! record {
    ($($key:literal : $value:expr),* $(,)?) => {
        $crate::output::Record(vec![$(($key, serde_json::json!($value))),*])
    };
}
pub(crate) use record;

/// Writes and flushes; a closed pipe becomes [`Failure::OutputClosed`].
fn write_out(stdout: &mut io::Stdout, bytes: &[u8]) -> Result<(), Failure> {
    let mut lock = stdout.lock();
    lock.write_all(bytes)
        .and_then(|()| lock.flush())
        .map_err(|error| match error.kind() {
            io::ErrorKind::BrokenPipe => Failure::OutputClosed,
            _ => Failure::File {
                what: "cannot write to",
                path: "standard output".into(),
                source: error.into(),
            },
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn records_keep_their_field_order() {
        let record =
            record! {"type": "text", "text": "a \"quoted\" word", "n": 3, "none": Value::Null};
        assert_eq!(
            record.to_string(),
            r#"{"type":"text","text":"a \"quoted\" word","n":3,"none":null}"#
        );
        let parsed: Value = serde_json::from_str(&record.to_string()).unwrap();
        assert_eq!(parsed["text"], json!("a \"quoted\" word"));
    }
}
