//! Terminal control characters in text that came from the network.
//!
//! A provider's answer, error message, model id or plain-text body can carry ESC,
//! BEL or C1 bytes (`\e]52;…\a` writes the clipboard on some terminals, `\e[2J`
//! clears the screen). Everything `oac` prints goes through [`Output`](crate::output::Output),
//! which applies these rules in human output:
//! - the answer and the reasoning keep newlines and tabs and lose every other C0
//!   or C1 control and DEL ([`strip`]), unless `oac chat --raw` asks for the bytes
//!   as received;
//! - every other line (notes, warnings, errors, model ids, tool calls) shows each
//!   such control as a visible escape, `\x1b` or `\u{9b}` ([`escape`]);
//! - `--json` lines escape them as JSON does, C1 and DEL included ([`escape_json`]).

use std::borrow::Cow;
use std::fmt::Write;

/// A control that may not reach the terminal: C0 but newline and tab, DEL, C1.
fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `text` without the controls [`is_unsafe`] names (answer text): `"a\x1b[2Jb"`
/// becomes `"a[2Jb"`.
pub fn strip(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|c| !is_unsafe(*c)).collect())
}

/// `text` with each control [`is_unsafe`] names shown as `\x1b` (C0, DEL) or
/// `\u{9b}` (C1): what it was stays readable, the terminal does not act on it.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            shown.push(c);
        } else if u32::from(c) <= 0x7f {
            let _ = write!(shown, "\\x{:02x}", u32::from(c));
        } else {
            let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
        }
    }
    Cow::Owned(shown)
}

/// A JSON text with DEL and the C1 controls, which JSON allows raw, written as
/// `\u007f`…`\u009f` escapes (the same JSON value; C0 controls are escaped by
/// every JSON writer already).
pub fn escape_json(json: &str) -> Cow<'_, str> {
    let raw = |c: char| ('\u{7f}'..='\u{9f}').contains(&c);
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut shown = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if raw(c) {
            let _ = write!(shown, "\\u{:04x}", u32::from(c));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_answer_keeps_lines_and_tabs_and_loses_controls() {
        assert_eq!(strip("a\x1b[2Jb\n\tc\u{9b}1m\x07\r\n"), "a[2Jb\n\tc1m\n");
        assert!(matches!(strip("plain\ntext"), Cow::Borrowed(_)));
    }

    #[test]
    fn other_lines_show_controls_as_escapes() {
        assert_eq!(
            escape("bad\x1b]52;c;aGk=\x07 model\u{9b}2J\x7f"),
            "bad\\x1b]52;c;aGk=\\x07 model\\u{9b}2J\\x7f"
        );
        assert_eq!(escape("line one\nline\ttwo"), "line one\nline\ttwo");
    }

    #[test]
    fn json_escapes_c1_and_del_to_the_same_value() {
        let value = serde_json::json!({"text": "a\u{9b}b\u{7f}c\u{1b}"});
        let line = value.to_string();
        let escaped = escape_json(&line);
        assert_eq!(escaped, r#"{"text":"a\u009bb\u007fc\u001b"}"#);
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, value);
    }

    proptest! {
        #[test]
        fn nothing_unsafe_survives(text in "\\PC*|[\\x00-\\x20\\x7f-\\u{a0}a-z]*") {
            prop_assert!(!strip(&text).chars().any(is_unsafe));
            prop_assert!(!escape(&text).chars().any(is_unsafe));
            let json = serde_json::Value::String(text.clone()).to_string();
            let escaped = escape_json(&json);
            prop_assert!(!escaped.chars().any(char::is_control));
            let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
            prop_assert_eq!(back, serde_json::Value::String(text));
        }
    }
}
