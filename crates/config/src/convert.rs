//! Value tree → typed [`ConfigFile`]: every type error, unknown key and bad word
//! is collected (with its field path and line) instead of stopping at the first.
//!
//! The keys a table accepts are exactly the keys this module asks for, so the
//! did-you-mean list for an unknown key can never drift from what is accepted.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use oac_pricing::Decimal;
use rust_decimal::prelude::ToPrimitive;
use secrecy::SecretString;

use crate::choice::{Choice, canonical_names, closest, parse_choice};
use crate::model_info::{EffortSupport, ModelInfoOverrides, ReasoningEffort};
use crate::problem::{ConfigFormat, ProblemKind, Report, child, item};
use crate::profile::{AuthStyle, AzureSettings, KeySource, Profile};
use crate::schema::{self, PROFILE_KEYS};
use crate::tree::{Entry, Node, Value};

/// What reading a tree produced besides the typed value.
pub(crate) struct Cx {
    pub(crate) format: ConfigFormat,
    pub(crate) report: Report,
    /// Field path → line, for messages about typed values later on.
    pub(crate) lines: HashMap<String, usize>,
}

impl Cx {
    pub(crate) fn new(format: ConfigFormat) -> Self {
        Cx {
            format,
            report: Report::default(),
            lines: HashMap::new(),
        }
    }

    /// `key = value` in TOML, `"key": value` in JSON.
    pub(crate) fn example(&self, key: &str, value: &str) -> String {
        match self.format {
            ConfigFormat::Toml => format!("`{key} = {value}`"),
            ConfigFormat::Json => format!("`\"{key}\": {value}`"),
        }
    }

    pub(crate) fn wrong_type(&mut self, field: &Field<'_>, expected: &str, fix: &str) {
        let found = field.node.value.type_name(self.format);
        let message = format!("expected {expected}, found {found}; {fix}");
        self.report
            .problem(ProblemKind::WrongType, &field.path, message);
    }

    pub(crate) fn wrong_type_example(&mut self, field: &Field<'_>, expected: &str, value: &str) {
        let fix = format!("write it like {}", self.example(field.key, value));
        self.wrong_type(field, expected, &fix);
    }

    pub(crate) fn invalid(&mut self, field: &Field<'_>, message: impl Into<String>) {
        self.report
            .problem(ProblemKind::InvalidValue, &field.path, message);
    }
}

/// A value at a path.
pub(crate) struct Field<'a> {
    pub(crate) node: &'a Node,
    pub(crate) path: String,
    pub(crate) key: &'a str,
}

/// The entries of a table being read; remembers which keys were asked for.
pub(crate) struct Fields<'a> {
    path: String,
    entries: &'a [Entry],
    asked: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// The entries of `field`, or a type problem when it is not a table.
    pub(crate) fn of(cx: &mut Cx, field: &Field<'a>) -> Option<Fields<'a>> {
        match &field.node.value {
            Value::Table(entries) => Some(Fields {
                path: field.path.clone(),
                entries,
                asked: Vec::new(),
            }),
            _ => {
                not_a_table(cx, field);
                None
            }
        }
    }

    /// The path of the table.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Every entry of the table (for tables whose keys are names, not settings).
    pub(crate) fn entries(&self) -> &'a [Entry] {
        self.entries
    }

    /// The value of `key`, when present and not `null`.
    pub(crate) fn take(&mut self, cx: &mut Cx, key: &'static str) -> Option<Field<'a>> {
        self.asked.push(key);
        let entry = self.entries.iter().find(|entry| entry.key == key)?;
        let path = child(&self.path, key);
        cx.lines.insert(path.clone(), entry.line);
        if matches!(entry.node.value, Value::Null) {
            return None;
        }
        Some(Field {
            node: &entry.node,
            path,
            key,
        })
    }

    /// Reports every key that was not asked for, with the closest valid one.
    /// `hint` may explain a key that belongs elsewhere.
    pub(crate) fn finish(self, cx: &mut Cx, hint: &dyn Fn(&str) -> Option<String>) {
        for entry in self.entries {
            if self.asked.contains(&entry.key.as_str()) {
                continue;
            }
            let path = child(&self.path, &entry.key);
            let message = match hint(&entry.key) {
                Some(hint) => format!("unknown key `{}`; {hint}", entry.key.escape_debug()),
                None => {
                    let suggestion = closest(&entry.key, self.asked.iter().copied());
                    unknown_key_message(&entry.key, suggestion, &self.asked)
                }
            };
            cx.lines.insert(path.clone(), entry.line);
            cx.report.problem(ProblemKind::UnknownKey, path, message);
        }
    }
}

/// The problem of `field` not being a table.
pub(crate) fn not_a_table(cx: &mut Cx, field: &Field<'_>) {
    let fix = match cx.format {
        ConfigFormat::Toml => format!("write it as a table: [{}]", field.path),
        ConfigFormat::Json => {
            format!("write it as an object: \"{}\": {{ … }}", field.key)
        }
    };
    let expected = match cx.format {
        ConfigFormat::Toml => "a table",
        ConfigFormat::Json => "an object",
    };
    cx.wrong_type(field, expected, &fix);
}

/// What is said of an unknown key: the closest valid key, or every valid key.
pub(crate) fn unknown_key_message(key: &str, suggestion: Option<&str>, valid: &[&str]) -> String {
    let shown = key.escape_debug();
    match suggestion {
        Some(suggestion) => format!("unknown key `{shown}`; did you mean `{suggestion}`?"),
        None => format!(
            "unknown key `{shown}`; remove it (valid keys here: {})",
            valid.join(", ")
        ),
    }
}

pub(crate) fn no_hint(_: &str) -> Option<String> {
    None
}

/// The top level of a config document.
#[derive(Default)]
pub(crate) struct Document {
    pub(crate) default_profile: Option<String>,
    pub(crate) catalog: Option<PathBuf>,
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// Reads a whole config document.
pub(crate) fn config_file(cx: &mut Cx, root: &Node) -> Document {
    let root = Field {
        node: root,
        path: String::new(),
        key: "",
    };
    let Some(mut top) = Fields::of(cx, &root) else {
        return Document::default();
    };
    let default_profile = top
        .take(cx, "default_profile")
        .and_then(|f| string(cx, &f, "\"together\""));
    let catalog = top
        .take(cx, "catalog")
        .and_then(|f| string(cx, &f, "\"~/.config/oac/catalog.toml\""))
        .map(PathBuf::from);
    let mut profiles = BTreeMap::new();
    if let Some(field) = top.take(cx, "profiles")
        && let Some(table) = Fields::of(cx, &field)
    {
        for entry in table.entries {
            let path = child("profiles", &entry.key);
            cx.lines.insert(path.clone(), entry.line);
            let field = Field {
                node: &entry.node,
                path,
                key: &entry.key,
            };
            if entry.key.trim().is_empty() {
                cx.invalid(
                    &field,
                    "a profile name cannot be empty; give the profile a name",
                );
                continue;
            }
            profiles.insert(entry.key.clone(), profile(cx, &field));
        }
    }
    let format = cx.format;
    top.finish(cx, &|key| {
        PROFILE_KEYS.contains(&key).then(|| match format {
            ConfigFormat::Toml => format!(
                "`{key}` is a profile setting; put it in a profile table such as [profiles.default] and set default_profile = \"default\""
            ),
            ConfigFormat::Json => format!(
                "`{key}` is a profile setting; put it in a profile such as \"profiles\": {{ \"default\": {{ … }} }} and set \"default_profile\": \"default\""
            ),
        })
    });
    Document {
        default_profile,
        catalog,
        profiles,
    }
}

/// Reads one profile table: the settings the schema declares, then every key
/// left over is reported.
pub(crate) fn profile(cx: &mut Cx, field: &Field<'_>) -> Profile {
    let Some(mut t) = Fields::of(cx, field) else {
        return Profile::default();
    };
    let p = schema::read_fields(cx, &mut t);
    t.finish(cx, &no_hint);
    p
}

/// `api_key`, `api_key_env`, `api_key_file`: at most one.
pub(crate) fn key_source(cx: &mut Cx, t: &mut Fields<'_>) -> Option<KeySource> {
    let mut found: Vec<(&'static str, String, Option<KeySource>)> = Vec::new();
    if let Some(f) = t.take(cx, "api_key") {
        found.push(("api_key", f.path.clone(), inline_key(cx, &f)));
    }
    if let Some(f) = t.take(cx, "api_key_env") {
        let source = string(cx, &f, "\"PROVIDER_API_KEY\"").and_then(|name| {
            if is_var_name(&name) {
                Some(KeySource::Env(name))
            } else {
                cx.invalid(
                    &f,
                    "`api_key_env` must name an environment variable (letters, digits and `_`, e.g. TOGETHER_API_KEY); its value does not look like one and is not shown in case it is the key itself: put the key in a file and use `api_key_file`, or export it and name the variable",
                );
                None
            }
        });
        found.push(("api_key_env", f.path.clone(), source));
    }
    if let Some(f) = t.take(cx, "api_key_file") {
        let source = string(cx, &f, "\"~/.config/oac/provider.key\"")
            .map(|path| KeySource::File(PathBuf::from(path)));
        found.push(("api_key_file", f.path.clone(), source));
    }
    if found.len() > 1 {
        let names: Vec<String> = found.iter().map(|(key, ..)| format!("`{key}`")).collect();
        let (listed, verb) = match names.as_slice() {
            [first, second] => (format!("{first} and {second}"), "are both"),
            [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "are all"),
            [] => (String::new(), "are"),
        };
        let message = format!(
            "{listed} {verb} set, but a profile takes its key from one source; keep only one of api_key, api_key_env, api_key_file (api_key_env and api_key_file keep the key out of this file)"
        );
        cx.report
            .problem(ProblemKind::TwoKeySources, &found[1].1, message);
        return None;
    }
    found.pop().and_then(|(_, _, source)| source)
}

/// `api_key`: read straight into a secret. No message here shows the value.
fn inline_key(cx: &mut Cx, f: &Field<'_>) -> Option<KeySource> {
    match &f.node.value {
        Value::String(key) if key.trim().is_empty() => {
            cx.invalid(
                f,
                "`api_key` is empty; set the key, or remove the line (local servers need no key)",
            );
            None
        }
        Value::String(key) => Some(KeySource::Inline(SecretString::from(key.as_str()))),
        _ => {
            cx.wrong_type(
                f,
                "a string",
                "write the key in quotes, or better keep it out of this file with `api_key_env` or `api_key_file`",
            );
            None
        }
    }
}

/// An environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `auth`: a word, or `{ header = "X-Name" }`.
pub(crate) fn auth(cx: &mut Cx, f: &Field<'_>) -> Option<AuthStyle> {
    match &f.node.value {
        Value::String(_) => choice(cx, f),
        Value::Table(_) => {
            let mut t = Fields::of(cx, f)?;
            let header = t.take(cx, "header");
            t.finish(cx, &no_hint);
            let Some(header) = header else {
                cx.invalid(
                    f,
                    format!(
                        "an auth table needs `header`, the name of the header that carries the key: {}",
                        cx.example("auth", "{ header = \"X-Api-Key\" }")
                    ),
                );
                return None;
            };
            let name = string(cx, &header, "\"X-Api-Key\"")?;
            Some(AuthStyle::Header(name.trim().to_owned()))
        }
        _ => {
            let fix = format!(
                "write one of bearer, api-key-header, none, or a table: {}",
                cx.example("auth", "{ header = \"X-Api-Key\" }")
            );
            cx.wrong_type(f, "a string or a table", &fix);
            None
        }
    }
}

pub(crate) fn azure(cx: &mut Cx, f: &Field<'_>) -> Option<AzureSettings> {
    let mut t = Fields::of(cx, f)?;
    let azure = AzureSettings {
        api_version: t
            .take(cx, "api_version")
            .and_then(|f| string(cx, &f, "\"2024-10-21\"")),
        deployment: t
            .take(cx, "deployment")
            .and_then(|f| string(cx, &f, "\"gpt-4o-prod\"")),
    };
    t.finish(cx, &no_hint);
    Some(azure)
}

/// A `model_info` table.
pub(crate) fn model_info(cx: &mut Cx, f: &Field<'_>) -> ModelInfoOverrides {
    let Some(mut t) = Fields::of(cx, f) else {
        return ModelInfoOverrides::default();
    };
    let o = model_info_fields(cx, &mut t);
    t.finish(cx, &no_hint);
    o
}

/// The `model_info` keys of a table that may hold other keys too (a catalogue
/// entry); the caller reads its own keys and calls [`Fields::finish`].
pub(crate) fn model_info_fields(cx: &mut Cx, t: &mut Fields<'_>) -> ModelInfoOverrides {
    let mut o = ModelInfoOverrides::default();
    o.max_output_tokens = t
        .take(cx, "max_output_tokens")
        .and_then(|f| whole(cx, &f, "8192"));
    o.context_window = t
        .take(cx, "context_window")
        .and_then(|f| whole(cx, &f, "128000"));
    o.supports_images = t.take(cx, "supports_images").and_then(|f| boolean(cx, &f));
    o.supports_computer_use = t
        .take(cx, "supports_computer_use")
        .and_then(|f| boolean(cx, &f));
    o.supports_prompt_cache = t
        .take(cx, "supports_prompt_cache")
        .and_then(|f| boolean(cx, &f));
    o.supports_tools = t.take(cx, "supports_tools").and_then(|f| boolean(cx, &f));
    o.supports_reasoning_effort = t
        .take(cx, "supports_reasoning_effort")
        .and_then(|f| effort_support(cx, &f));
    o.reasoning_effort = t.take(cx, "reasoning_effort").and_then(|f| choice(cx, &f));
    o.prices = crate::prices::price_table(cx, t);
    o
}

fn effort_support(cx: &mut Cx, f: &Field<'_>) -> Option<EffortSupport> {
    match &f.node.value {
        Value::Bool(true) => Some(EffortSupport::Yes),
        Value::Bool(false) => Some(EffortSupport::No),
        Value::Array(items) => {
            let mut levels = Vec::new();
            for (index, node) in items.iter().enumerate() {
                let field = Field {
                    node,
                    path: item(&f.path, index),
                    key: f.key,
                };
                if let Some(level) = choice::<ReasoningEffort>(cx, &field)
                    && !levels.contains(&level)
                {
                    levels.push(level);
                }
            }
            Some(if levels.is_empty() {
                EffortSupport::No
            } else {
                EffortSupport::Levels(levels)
            })
        }
        _ => {
            let fix = format!(
                "write true, false, or the accepted levels: {}",
                cx.example(f.key, "[\"low\", \"medium\", \"high\"]")
            );
            cx.wrong_type(f, "a boolean or a list of levels", &fix);
            None
        }
    }
}

pub(crate) fn string(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<String> {
    match &f.node.value {
        Value::String(s) => Some(s.clone()),
        _ => {
            cx.wrong_type_example(f, "a string", example);
            None
        }
    }
}

pub(crate) fn boolean(cx: &mut Cx, f: &Field<'_>) -> Option<bool> {
    match &f.node.value {
        Value::Bool(b) => Some(*b),
        _ => {
            let fix = format!(
                "write {} or false, without quotes",
                cx.example(f.key, "true")
            );
            cx.wrong_type(f, "a boolean", &fix);
            None
        }
    }
}

/// A whole number that fits `T` (a token count, a retry count).
pub(crate) fn whole<T: TryFrom<u64> + ToString + Bounded>(
    cx: &mut Cx,
    f: &Field<'_>,
    example: &str,
) -> Option<T> {
    match &f.node.value {
        Value::Integer(text) => {
            if text.starts_with('-') {
                cx.invalid(
                    f,
                    format!(
                        "`{text}` is negative; write a whole number of 0 or more, like {}",
                        cx.example(f.key, example)
                    ),
                );
                return None;
            }
            let value = text
                .trim_start_matches('+')
                .parse::<u64>()
                .ok()
                .and_then(|n| T::try_from(n).ok());
            if value.is_none() {
                cx.invalid(
                    f,
                    format!(
                        "`{text}` is too large; the largest allowed is {}",
                        T::MAX_TEXT
                    ),
                );
            }
            value
        }
        Value::Float(_) => {
            cx.wrong_type_example(f, "a whole number", example);
            None
        }
        _ => {
            cx.wrong_type_example(f, "a number", example);
            None
        }
    }
}

/// The largest value of an integer type, for messages.
pub(crate) trait Bounded {
    const MAX_TEXT: &'static str;
}

impl Bounded for u32 {
    const MAX_TEXT: &'static str = "4294967295";
}

impl Bounded for u64 {
    const MAX_TEXT: &'static str = "18446744073709551615";
}

/// A float such as `temperature`; range checks happen on the typed value.
pub(crate) fn float(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<f64> {
    match &f.node.value {
        Value::Integer(text) | Value::Float(text) => match text.parse::<f64>() {
            Ok(value) => Some(value),
            Err(_) => {
                cx.invalid(
                    f,
                    format!(
                        "`{text}` is not a number; write it like {}",
                        cx.example(f.key, example)
                    ),
                );
                None
            }
        },
        _ => {
            cx.wrong_type_example(f, "a number", example);
            None
        }
    }
}

/// Seconds as a number literal, exactly (`0.5` is 500 ms).
pub(crate) fn seconds(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<Duration> {
    let text = match &f.node.value {
        Value::Integer(text) | Value::Float(text) => text,
        _ => {
            cx.wrong_type_example(f, "a number of seconds", example);
            return None;
        }
    };
    let parsed = text
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(text))
        .ok();
    let Some(secs) = parsed else {
        cx.invalid(
            f,
            format!(
                "`{text}` is not a number of seconds; write it like {}",
                cx.example(f.key, example)
            ),
        );
        return None;
    };
    if secs.is_sign_negative() && !secs.is_zero() {
        cx.invalid(
            f,
            format!(
                "`{text}` is negative; write a number of seconds greater than 0, like {}",
                cx.example(f.key, example)
            ),
        );
        return None;
    }
    let whole = secs.trunc().to_u64();
    let nanos = ((secs - secs.trunc()) * Decimal::from(1_000_000_000u32))
        .trunc()
        .to_u32();
    match (whole, nanos) {
        // Below a nanosecond, the duration would be 0: say what was typed, not 0.
        (Some(0), Some(0)) if !secs.is_zero() => {
            cx.invalid(
                f,
                format!(
                    "`{text}` seconds is shorter than a nanosecond, so no request could finish in it; write a number of seconds greater than 0, like {}",
                    cx.example(f.key, example)
                ),
            );
            None
        }
        (Some(whole), Some(nanos)) => Some(Duration::new(whole, nanos)),
        _ => {
            cx.invalid(
                f,
                format!(
                    "`{text}` seconds is too long; write it like {}",
                    cx.example(f.key, example)
                ),
            );
            None
        }
    }
}

/// A word from a fixed list.
pub(crate) fn choice<T: Choice>(cx: &mut Cx, f: &Field<'_>) -> Option<T> {
    match &f.node.value {
        Value::String(word) => match parse_choice::<T>(word) {
            Ok(value) => Some(value),
            Err(err) => {
                cx.invalid(f, err.to_string());
                None
            }
        },
        _ => {
            let fix = format!("write one of: {}", canonical_names::<T>().join(", "));
            cx.wrong_type(f, "a string", &fix);
            None
        }
    }
}

/// A table of strings (`headers`, `query`). Numbers and booleans in `query` are
/// taken as their text.
pub(crate) fn string_map(
    cx: &mut Cx,
    f: &Field<'_>,
    headers: bool,
) -> Option<Vec<(String, String)>> {
    let Value::Table(entries) = &f.node.value else {
        Fields::of(cx, f);
        return None;
    };
    let mut map = Vec::new();
    for entry in entries {
        let path = child(&f.path, &entry.key);
        cx.lines.insert(path.clone(), entry.line);
        let value = match &entry.node.value {
            Value::String(s) => s.clone(),
            Value::Integer(s) | Value::Float(s) if !headers => s.clone(),
            Value::Bool(b) if !headers => b.to_string(),
            Value::Null => continue,
            other => {
                let found = other.type_name(cx.format);
                let expected = if headers {
                    "a string"
                } else {
                    "a string or a number"
                };
                let fix = format!("write it like {}", cx.example(&entry.key, "\"value\""));
                cx.report.problem(
                    ProblemKind::WrongType,
                    path,
                    format!("expected {expected}, found {found}; {fix}"),
                );
                continue;
            }
        };
        map.push((entry.key.clone(), value));
    }
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse;

    #[test]
    fn unknown_key_lists_exactly_the_documented_keys() {
        let root = parse("zzzzzz = 1", ConfigFormat::Toml).unwrap();
        let mut cx = Cx::new(ConfigFormat::Toml);
        let field = Field {
            node: &root,
            path: "p".into(),
            key: "p",
        };
        let _ = profile(&mut cx, &field);
        let expected = format!(
            "unknown key `zzzzzz`; remove it (valid keys here: {})",
            PROFILE_KEYS.join(", ")
        );
        assert_eq!(cx.report.problems[0].message, expected);
    }

    #[test]
    fn every_profile_key_is_accepted() {
        // A table holding every documented key reports no unknown key.
        let text: String = PROFILE_KEYS
            .iter()
            .map(|key| format!("{key} = 1\n"))
            .collect();
        let root = parse(&text, ConfigFormat::Toml).unwrap();
        let mut cx = Cx::new(ConfigFormat::Toml);
        let field = Field {
            node: &root,
            path: "p".into(),
            key: "p",
        };
        let _ = profile(&mut cx, &field);
        assert!(
            cx.report
                .problems
                .iter()
                .all(|p| p.kind != ProblemKind::UnknownKey),
            "{:?}",
            cx.report.problems
        );
    }
}
