//! How each kind of profile value is read from a file, written back to TOML,
//! checked and described in the documentation: one [`Codec`] per kind, named by
//! the schema's entries.

use std::marker::PhantomData;
use std::path::PathBuf;
use std::time::Duration;

use crate::choice::{Choice, canonical_names};
use crate::convert::{self, Cx, Field, Fields};
use crate::headers::{Headers, name_problem, value_problem};
use crate::model_info::ModelInfoOverrides;
use crate::problem::{ProblemKind, Report, child};
use crate::profile::{AuthStyle, AzureSettings, KeySource};
use crate::validate;
use crate::write::{self, TomlOut};

/// One kind of profile field (`F` is the field's type in [`Profile`](crate::Profile)).
pub(crate) trait Codec<F> {
    /// Reads the field's `keys` from a profile table (absent keys give the unset value).
    fn read(cx: &mut Cx, t: &mut Fields<'_>, keys: &'static [&'static str], example: &str) -> F;
    /// Writes the field: a `key = value` line, or a sub-table.
    fn write(value: &F, keys: &[&str], out: &mut TomlOut<'_>);
    /// The rules on the typed value shared by files, import and builder; `at` is
    /// the profile's path.
    fn check(_value: &F, _keys: &[&str], _at: &str, _report: &mut Report) {}
    /// The type column of the documentation.
    fn doc_type() -> String;
    /// The value as the documentation shows it (a default), when it has one line.
    fn shown(value: &F) -> Option<String>;
}

/// A value written on one line: `key = value`.
pub(crate) trait Scalar {
    /// The value's type (the field is `Option<Value>`).
    type Value;
    /// Reads one value, reporting a wrong type or value.
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<Self::Value>;
    /// The TOML literal.
    fn text(value: &Self::Value) -> String;
    /// The type column of the documentation.
    fn doc_type() -> String;
    /// Checks the typed value; `path` is the field's path.
    fn check(_value: &Self::Value, _key: &str, _path: &str, _report: &mut Report) {}
}

impl<S: Scalar> Codec<Option<S::Value>> for S {
    fn read(
        cx: &mut Cx,
        t: &mut Fields<'_>,
        keys: &'static [&'static str],
        example: &str,
    ) -> Option<S::Value> {
        let f = t.take(cx, keys[0])?;
        S::read(cx, &f, example)
    }

    fn write(value: &Option<S::Value>, keys: &[&str], out: &mut TomlOut<'_>) {
        if let Some(value) = value {
            out.line(keys[0], &S::text(value));
        }
    }

    fn check(value: &Option<S::Value>, keys: &[&str], at: &str, report: &mut Report) {
        if let Some(value) = value {
            S::check(value, keys[0], &child(at, keys[0]), report);
        }
    }

    fn doc_type() -> String {
        S::doc_type()
    }

    fn shown(value: &Option<S::Value>) -> Option<String> {
        value.as_ref().map(S::text)
    }
}

/// A string.
pub(crate) struct Text;

impl Scalar for Text {
    type Value = String;
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<String> {
        convert::string(cx, f, example)
    }
    fn text(value: &String) -> String {
        write::string(value)
    }
    fn doc_type() -> String {
        "string".to_owned()
    }
}

/// A path (relative to the config file; `~/` is the home directory).
pub(crate) struct PathText;

impl Scalar for PathText {
    type Value = PathBuf;
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<PathBuf> {
        convert::string(cx, f, example).map(PathBuf::from)
    }
    fn text(value: &PathBuf) -> String {
        write::string(&value.to_string_lossy())
    }
    fn doc_type() -> String {
        "path".to_owned()
    }
}

/// `true` or `false`.
pub(crate) struct Flag;

impl Scalar for Flag {
    type Value = bool;
    fn read(cx: &mut Cx, f: &Field<'_>, _: &str) -> Option<bool> {
        convert::boolean(cx, f)
    }
    fn text(value: &bool) -> String {
        value.to_string()
    }
    fn doc_type() -> String {
        "bool".to_owned()
    }
}

/// A whole number of 0 or more (a token or retry count).
pub(crate) struct Count;

impl Scalar for Count {
    type Value = u32;
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<u32> {
        convert::whole(cx, f, example)
    }
    fn text(value: &u32) -> String {
        value.to_string()
    }
    fn doc_type() -> String {
        "integer".to_owned()
    }
}

/// A number (range checks are the entry's own).
pub(crate) struct Number;

impl Scalar for Number {
    type Value = f64;
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<f64> {
        convert::float(cx, f, example)
    }
    fn text(value: &f64) -> String {
        write::float(*value)
    }
    fn doc_type() -> String {
        "number".to_owned()
    }
}

/// A timeout in seconds, read exactly (`0.5` is 500 ms); 0 is refused.
pub(crate) struct Seconds;

impl Scalar for Seconds {
    type Value = Duration;
    fn read(cx: &mut Cx, f: &Field<'_>, example: &str) -> Option<Duration> {
        convert::seconds(cx, f, example)
    }
    fn text(value: &Duration) -> String {
        write::seconds(*value)
    }
    fn doc_type() -> String {
        "seconds > 0".to_owned()
    }
    fn check(value: &Duration, key: &str, path: &str, report: &mut Report) {
        if value.is_zero() {
            report.problem(
                ProblemKind::InvalidValue,
                path,
                format!("`{key}` is 0; a timeout must be greater than 0 seconds (remove it to use the default)"),
            );
        }
    }
}

/// A word of a [`Choice`] (`auto`, `compatible`, …).
pub(crate) struct Word<T>(PhantomData<T>);

impl<T: Choice> Scalar for Word<T> {
    type Value = T;
    fn read(cx: &mut Cx, f: &Field<'_>, _: &str) -> Option<T> {
        convert::choice(cx, f)
    }
    fn text(value: &T) -> String {
        write::string(value.name())
    }
    fn doc_type() -> String {
        let names: Vec<String> = canonical_names::<T>()
            .iter()
            .map(|name| format!("`{name}`"))
            .collect();
        names.join(" | ")
    }
}

/// `auth`: a word, or `{ header = "X-Name" }`.
pub(crate) struct Auth;

impl Scalar for Auth {
    type Value = AuthStyle;
    fn read(cx: &mut Cx, f: &Field<'_>, _: &str) -> Option<AuthStyle> {
        convert::auth(cx, f)
    }
    fn text(value: &AuthStyle) -> String {
        write::auth(value)
    }
    fn doc_type() -> String {
        "`bearer` | `api-key-header` | `none` | `{ header = \"X-Name\" }`".to_owned()
    }
    fn check(value: &AuthStyle, _: &str, path: &str, report: &mut Report) {
        if let AuthStyle::Header(name) = value
            && let Some(problem) = name_problem(name)
        {
            report.problem(ProblemKind::InvalidHeader, child(path, "header"), problem);
        }
    }
}

/// `api_key` / `api_key_env` / `api_key_file`: at most one.
pub(crate) struct Key;

impl Codec<Option<KeySource>> for Key {
    fn read(
        cx: &mut Cx,
        t: &mut Fields<'_>,
        _: &'static [&'static str],
        _: &str,
    ) -> Option<KeySource> {
        convert::key_source(cx, t)
    }
    fn write(value: &Option<KeySource>, _: &[&str], out: &mut TomlOut<'_>) {
        match value {
            Some(KeySource::Env(var)) => out.line("api_key_env", &write::string(var)),
            Some(KeySource::File(path)) => {
                out.line("api_key_file", &write::string(&path.to_string_lossy()));
            }
            // The writer refuses a profile with an inline key before any is written.
            Some(KeySource::Inline(_)) | None => {}
        }
    }
    fn doc_type() -> String {
        "at most one".to_owned()
    }
    fn shown(_: &Option<KeySource>) -> Option<String> {
        None
    }
}

/// `headers`: a table of header names and values.
pub(crate) struct HeaderTable;

impl Codec<Headers> for HeaderTable {
    fn read(cx: &mut Cx, t: &mut Fields<'_>, keys: &'static [&'static str], _: &str) -> Headers {
        t.take(cx, keys[0])
            .and_then(|f| convert::string_map(cx, &f, true))
            .map(Headers)
            .unwrap_or_default()
    }
    fn write(value: &Headers, keys: &[&str], out: &mut TomlOut<'_>) {
        if !value.is_empty() {
            out.table(keys[0], value.iter());
        }
    }
    fn check(value: &Headers, keys: &[&str], at: &str, report: &mut Report) {
        let headers_at = child(at, keys[0]);
        for (name, value) in value.iter() {
            if let Some(problem) = name_problem(name).or_else(|| value_problem(name, value)) {
                report.problem(
                    ProblemKind::InvalidHeader,
                    child(&headers_at, name),
                    problem,
                );
            }
        }
    }
    fn doc_type() -> String {
        "table".to_owned()
    }
    fn shown(_: &Headers) -> Option<String> {
        None
    }
}

/// `query`: a table of parameter names and values (numbers and booleans taken as
/// their text).
pub(crate) struct QueryTable;

impl Codec<Vec<(String, String)>> for QueryTable {
    fn read(
        cx: &mut Cx,
        t: &mut Fields<'_>,
        keys: &'static [&'static str],
        _: &str,
    ) -> Vec<(String, String)> {
        t.take(cx, keys[0])
            .and_then(|f| convert::string_map(cx, &f, false))
            .unwrap_or_default()
    }
    fn write(value: &Vec<(String, String)>, keys: &[&str], out: &mut TomlOut<'_>) {
        if !value.is_empty() {
            out.table(keys[0], value.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        }
    }
    fn doc_type() -> String {
        "table".to_owned()
    }
    fn shown(_: &Vec<(String, String)>) -> Option<String> {
        None
    }
}

/// `azure = { api_version, deployment }`.
pub(crate) struct Azure;

impl Codec<Option<AzureSettings>> for Azure {
    fn read(
        cx: &mut Cx,
        t: &mut Fields<'_>,
        keys: &'static [&'static str],
        _: &str,
    ) -> Option<AzureSettings> {
        let f = t.take(cx, keys[0])?;
        convert::azure(cx, &f)
    }
    fn write(value: &Option<AzureSettings>, keys: &[&str], out: &mut TomlOut<'_>) {
        if let Some(azure) = value {
            let entries = [
                ("api_version", &azure.api_version),
                ("deployment", &azure.deployment),
            ];
            out.table(
                keys[0],
                entries
                    .into_iter()
                    .filter_map(|(name, value)| value.as_deref().map(|v| (name, v))),
            );
        }
    }
    fn doc_type() -> String {
        "`{ api_version, deployment }`".to_owned()
    }
    fn shown(_: &Option<AzureSettings>) -> Option<String> {
        None
    }
}

/// `model_info`: the model's configuration.
pub(crate) struct ModelInfoTable;

impl Codec<ModelInfoOverrides> for ModelInfoTable {
    fn read(
        cx: &mut Cx,
        t: &mut Fields<'_>,
        keys: &'static [&'static str],
        _: &str,
    ) -> ModelInfoOverrides {
        t.take(cx, keys[0])
            .map(|f| convert::model_info(cx, &f))
            .unwrap_or_default()
    }
    fn write(value: &ModelInfoOverrides, keys: &[&str], out: &mut TomlOut<'_>) {
        if !value.is_empty() {
            out.model_info(keys[0], value);
        }
    }
    fn check(value: &ModelInfoOverrides, keys: &[&str], at: &str, report: &mut Report) {
        validate::model_info(value, &child(at, keys[0]), report);
    }
    fn doc_type() -> String {
        "table".to_owned()
    }
    fn shown(_: &ModelInfoOverrides) -> Option<String> {
        None
    }
}
