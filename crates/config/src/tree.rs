//! The value tree both file formats are read into before typed conversion.
//!
//! Numbers keep their literal text, so prices are exact (`0.1` stays `0.1`, never
//! `0.1000000000000000055…`), and every node knows its line for messages. TOML is
//! read with `toml::de::DeTable` (which keeps literals), JSON with serde_json's
//! `RawValue` (never `arbitrary_precision`, which would change number handling for
//! every crate in the build).

use std::path::Path;

use serde_json::value::RawValue;
use toml::de::{DeTable, DeValue};

use crate::problem::{ConfigError, ConfigFormat};

/// Deeper nesting than this is refused instead of risking the stack.
const MAX_DEPTH: usize = 64;

/// A value with the line it starts on.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) value: Value,
    /// 1-based.
    pub(crate) line: usize,
}

/// A value; numbers as their literal text.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    /// JSON `null`.
    Null,
    Bool(bool),
    /// A whole-number literal in decimal (`-12`), sign included.
    Integer(String),
    /// Any other number literal (`0.88`, `1e-6`, `inf`).
    Float(String),
    String(String),
    /// A TOML date or time (never valid in a config, so only its type matters).
    Datetime,
    Array(Vec<Node>),
    Table(Vec<Entry>),
}

/// One key of a table, with the line of the key.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) line: usize,
    pub(crate) node: Node,
}

impl Value {
    /// How the value is named in "expected …, found …" messages.
    pub(crate) fn type_name(&self, format: ConfigFormat) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::String(_) => "a string",
            Value::Datetime => "a date",
            Value::Array(_) => "an array",
            Value::Table(_) => match format {
                ConfigFormat::Toml => "a table",
                ConfigFormat::Json => "an object",
            },
        }
    }
}

/// Where a document stopped parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Parses a whole document.
pub(crate) fn parse(text: &str, format: ConfigFormat) -> Result<Node, SyntaxError> {
    let lines = LineIndex::new(text);
    match format {
        ConfigFormat::Toml => parse_toml(text, &lines),
        ConfigFormat::Json => parse_json(text, &lines),
    }
}

/// Parses a whole document read from `file` (`None`: not from a file); a syntax
/// error becomes [`ConfigError::Syntax`].
pub(crate) fn parse_document(
    text: &str,
    format: ConfigFormat,
    file: Option<&Path>,
) -> Result<Node, ConfigError> {
    parse(text, format).map_err(|err| syntax_error(err, format, file))
}

/// [`parse_document`] of a JSON document, without the TOML reader: a program that
/// reads only JSON (the built-in catalogue) does not link it.
pub(crate) fn parse_json_document(text: &str, file: Option<&Path>) -> Result<Node, ConfigError> {
    parse_json(text, &LineIndex::new(text))
        .map_err(|err| syntax_error(err, ConfigFormat::Json, file))
}

fn syntax_error(err: SyntaxError, format: ConfigFormat, file: Option<&Path>) -> ConfigError {
    ConfigError::Syntax {
        file: file.map(Path::to_path_buf),
        format,
        line: err.line,
        column: err.column,
        message: err.message,
    }
}

/// Parses a JSONC document (JSON with `//` and `/* */` comments and trailing commas,
/// as Kilo Code 7 and opencode read their config) read from `file`; a syntax error
/// becomes [`ConfigError::Syntax`] at its place in `text`.
pub(crate) fn parse_jsonc_document(text: &str, file: Option<&Path>) -> Result<Node, ConfigError> {
    let syntax = |err: SyntaxError| syntax_error(err, ConfigFormat::Json, file);
    let json = jsonc_to_json(text).map_err(syntax)?;
    parse_json(&json, &LineIndex::new(&json)).map_err(syntax)
}

/// JSONC → JSON of the same length: every byte of a comment but its line breaks,
/// and every trailing comma (before `}` or `]`), becomes a space, so each line and
/// column of what is left stays where it was. Strings are left alone (a `//` in a
/// URL is no comment). A `/*` without its `*/` is a syntax error at the `/*`.
/// Anything else that is not JSON is left for the JSON parser to report.
pub(crate) fn jsonc_to_json(text: &str) -> Result<std::borrow::Cow<'_, str>, SyntaxError> {
    if !text.contains(['/', ',']) {
        return Ok(text.into());
    }
    let mut out = text.as_bytes().to_vec();
    let mut at = 0;
    // The last comma outside strings and comments that follows a value, until
    // something other than white space or a comment follows it.
    let mut comma: Option<usize> = None;
    // The last byte outside strings, comments and white space (`"` for a string).
    let mut previous = b' ';
    while at < out.len() {
        let byte = out[at];
        match (byte, out.get(at + 1)) {
            (b'"', _) => {
                comma = None;
                previous = b'"';
                at = string_end(&out, at);
                continue;
            }
            (b'/', Some(b'/')) => {
                while at < out.len() && out[at] != b'\n' {
                    out[at] = b' ';
                    at += 1;
                }
                continue;
            }
            (b'/', Some(b'*')) => {
                let start = at;
                let Some(end) = block_comment_end(&out, at + 2) else {
                    let lines = LineIndex::new(text);
                    let (line, column) = lines.line_column(text, start);
                    return Err(SyntaxError {
                        line,
                        column,
                        message: "a `/*` comment that is never closed with `*/`".to_owned(),
                    });
                };
                for byte in &mut out[start..end] {
                    if !matches!(*byte, b'\n' | b'\r') {
                        *byte = b' ';
                    }
                }
                at = end;
                continue;
            }
            (b' ' | b'\t' | b'\n' | b'\r', _) => {
                at += 1;
                continue;
            }
            // `{,}`, `[1,,]`: not a trailing comma, left for the parser to refuse.
            (b',', _) if !matches!(previous, b'{' | b'[' | b',') => comma = Some(at),
            (b'}' | b']', _) => {
                if let Some(trailing) = comma.take() {
                    out[trailing] = b' ';
                }
            }
            _ => comma = None,
        }
        previous = byte;
        at += 1;
    }
    // Only ASCII bytes outside strings were replaced, each by a space (a comment's
    // multi-byte characters are replaced whole, byte by byte), so this is UTF-8.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
        .into())
}

/// The index just past the string that starts at `start` (a `"`), or the end.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The index just past the `*/` that closes a block comment whose text starts at
/// `from`, if there is one.
fn block_comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(2)
        .position(|pair| pair == b"*/")
        .map(|found| from + found + 2)
}

/// Byte offset → 1-based line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset)
    }

    fn line_column(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }
}

fn parse_toml(text: &str, lines: &LineIndex) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|err| {
        let (line, column) = err
            .span()
            .map_or((1, 1), |span| lines.line_column(text, span.start));
        SyntaxError {
            line,
            column,
            message: err.message().trim().to_owned(),
        }
    })?;
    let line = lines.line(table.span().start);
    Ok(Node {
        value: toml_table(table.into_inner(), lines),
        line,
    })
}

fn toml_table(table: DeTable<'_>, lines: &LineIndex) -> Value {
    Value::Table(
        table
            .into_iter()
            .map(|(key, value)| {
                let line = lines.line(key.span().start);
                let node = toml_node(value, lines);
                Entry {
                    key: key.into_inner().into_owned(),
                    line,
                    node,
                }
            })
            .collect(),
    )
}

fn toml_node(value: toml::Spanned<DeValue<'_>>, lines: &LineIndex) -> Node {
    let line = lines.line(value.span().start);
    let value = match value.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(i) => {
            Value::Integer(oac_pricing::sheet::decimal_integer(i.as_str(), i.radix()))
        }
        DeValue::Float(f) => Value::Float(f.as_str().to_owned()),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(_) => Value::Datetime,
        DeValue::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| toml_node(item, lines))
                .collect(),
        ),
        DeValue::Table(table) => toml_table(table, lines),
    };
    Node { value, line }
}

fn parse_json(text: &str, lines: &LineIndex) -> Result<Node, SyntaxError> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|err| SyntaxError {
        line: err.line().max(1),
        column: err.column().max(1),
        message: json_message(&err),
    })?;
    json_node(raw.get(), text, lines, 0)
}

/// serde_json's message without its trailing " at line L column C".
fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The node of `json`, the text of one JSON value (a slice of `text`, checked by
/// serde_json already).
fn json_node(json: &str, text: &str, lines: &LineIndex, depth: usize) -> Result<Node, SyntaxError> {
    let offset = offset_in(json, text);
    let line = lines.line(offset);
    let fail = |message: String| {
        let (line, column) = lines.line_column(text, offset);
        SyntaxError {
            line,
            column,
            message,
        }
    };
    if depth > MAX_DEPTH {
        return Err(fail(format!("nested more than {MAX_DEPTH} levels deep")));
    }
    let value = match json.as_bytes().first() {
        Some(b'{') => {
            let entries: oac_pricing::sheet::JsonEntries<'_> =
                serde_json::from_str(json).map_err(|e| fail(json_message(&e)))?;
            let entries = entries.into_entries();
            let mut table: Vec<Entry> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                if table.iter().any(|entry| entry.key == key) {
                    let at = offset_in(value, text);
                    let (line, column) = lines.line_column(text, at);
                    return Err(SyntaxError {
                        line,
                        column,
                        message: format!("duplicate key `{key}`"),
                    });
                }
                let node = json_node(value, text, lines, depth + 1)?;
                table.push(Entry {
                    key,
                    line: node.line,
                    node,
                });
            }
            Value::Table(table)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> =
                serde_json::from_str(json).map_err(|e| fail(json_message(&e)))?;
            Value::Array(
                items
                    .into_iter()
                    .map(|item| json_node(item.get(), text, lines, depth + 1))
                    .collect::<Result<_, _>>()?,
            )
        }
        Some(b'"') => {
            Value::String(serde_json::from_str(json).map_err(|e| fail(json_message(&e)))?)
        }
        Some(b't') => Value::Bool(true),
        Some(b'f') => Value::Bool(false),
        Some(b'n') => Value::Null,
        _ if json.contains(['.', 'e', 'E']) => Value::Float(json.to_owned()),
        _ => Value::Integer(json.to_owned()),
    };
    Ok(Node { value, line })
}

/// Where `part` (a slice of `text`) starts in `text`.
fn offset_in(part: &str, text: &str) -> usize {
    (part.as_ptr() as usize)
        .checked_sub(text.as_ptr() as usize)
        .filter(|offset| *offset <= text.len())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Table(entries) => entries,
            other => panic!("not a table: {other:?}"),
        }
    }

    #[test]
    fn toml_keeps_float_literals() {
        let node = parse("price = 0.1\nbig = 0x1F\n", ConfigFormat::Toml).unwrap();
        let entries = table(&node);
        assert!(matches!(&entries[1].node.value, Value::Float(text) if text == "0.1"));
        assert!(matches!(&entries[0].node.value, Value::Integer(text) if text == "31"));
        assert_eq!(entries[1].line, 1);
        assert_eq!(entries[0].line, 2);
    }

    #[test]
    fn json_keeps_number_literals_and_order() {
        let text = "{\n  \"b\": 0.10,\n  \"a\": 12\n}";
        let node = parse(text, ConfigFormat::Json).unwrap();
        let entries = table(&node);
        assert_eq!(entries[0].key, "b");
        assert!(matches!(&entries[0].node.value, Value::Float(text) if text == "0.10"));
        assert!(matches!(&entries[1].node.value, Value::Integer(text) if text == "12"));
        assert_eq!(entries[1].line, 3);
    }

    #[test]
    fn json_duplicate_key_is_a_syntax_error() {
        let err = parse("{\"a\": 1,\n \"a\": 2}", ConfigFormat::Json).unwrap_err();
        assert_eq!(err.message, "duplicate key `a`");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let err = parse("{\n  \"a\": ,\n}", ConfigFormat::Json).unwrap_err();
        assert_eq!((err.line, err.column), (2, 8));
    }

    #[test]
    fn json_too_deep_is_refused() {
        let text = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let err = parse(&text, ConfigFormat::Json).unwrap_err();
        assert!(err.message.contains("nested"), "{}", err.message);
    }

    #[test]
    fn jsonc_comments_and_trailing_commas_become_spaces() {
        let text = "{\n  // a comment, with \"quotes\" and é\n  \"url\": \"http://x/*y*/\", /* block\n spans */\n  \"list\": [1, 2,],\n  \"last\": {\"a\": \"b\",\n  // trailing\n  },\n}";
        let json = jsonc_to_json(text).unwrap();
        assert_eq!(json.len(), text.len());
        assert_eq!(json.lines().count(), text.lines().count());
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["url"], "http://x/*y*/", "strings are left alone");
        assert_eq!(value["list"], serde_json::json!([1, 2]));
        let node = parse_jsonc_document(text, None).unwrap();
        let entries = table(&node);
        assert_eq!(entries[1].key, "list");
        assert_eq!(entries[1].line, 5, "lines stay where they were");
    }

    #[test]
    fn jsonc_keeps_escaped_quotes_inside_strings() {
        let text = r#"{"a": "say \"//not a comment\"", "b": 1,}"#;
        let value: serde_json::Value = serde_json::from_str(&jsonc_to_json(text).unwrap()).unwrap();
        assert_eq!(value["a"], "say \"//not a comment\"");
    }

    #[test]
    fn jsonc_unclosed_block_comment_is_a_syntax_error_at_its_start() {
        let err = jsonc_to_json("{\n  \"a\": 1 /* open\n}").unwrap_err();
        assert_eq!((err.line, err.column), (2, 10));
        assert!(err.message.contains("never closed"), "{}", err.message);
    }

    #[test]
    fn jsonc_leaves_other_errors_to_the_json_parser() {
        for text in [
            "{,}",
            "[,]",
            "{\"a\": 1 / 2}",
            "{\"a\": \"open",
            "{\"a\":,}",
        ] {
            assert!(parse_jsonc_document(text, None).is_err(), "{text}");
        }
        assert!(parse_jsonc_document("[1,,]", None).is_err());
    }

    #[test]
    fn toml_syntax_error_has_line() {
        let err = parse("a = 1\nb = \n", ConfigFormat::Toml).unwrap_err();
        assert_eq!(err.line, 2);
    }
}
