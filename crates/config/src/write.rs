//! Writing a config back to TOML (exact prices, never a key), and key files.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use oac_pricing::{Decimal, ModelPrices, PriceKind};
use secrecy::{ExposeSecret, SecretString};

use crate::choice::Choice;
use crate::file::ConfigFile;
use crate::model_info::{EffortSupport, ModelInfoOverrides};
use crate::problem::ConfigError;
use crate::profile::{AuthStyle, KeySource, Profile};

/// The config as TOML, in the order of the documentation. Fails, writing nothing,
/// when a profile holds its key inline.
pub(crate) fn to_toml(file: &ConfigFile) -> Result<String, ConfigError> {
    let inline: Vec<String> = file
        .profiles
        .iter()
        .filter(|(_, p)| matches!(p.key, Some(KeySource::Inline(_))))
        .map(|(name, _)| name.clone())
        .collect();
    if !inline.is_empty() {
        return Err(ConfigError::InlineKeyNotWritten { profiles: inline });
    }
    let mut out = String::new();
    if let Some(default) = &file.default_profile {
        line(&mut out, "default_profile", &string(default));
    }
    if let Some(catalog) = &file.catalog {
        line(&mut out, "catalog", &string(&catalog.to_string_lossy()));
    }
    for (name, profile) in &file.profiles {
        write_profile(&mut out, &format!("profiles.{}", key(name)), profile);
    }
    Ok(out)
}

fn write_profile(out: &mut String, table: &str, p: &Profile) {
    header(out, table);
    let mut opt = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            line(out, k, &v);
        }
    };
    opt("provider", p.provider.map(|v| string(v.as_str())));
    opt("base_url", p.base_url.as_deref().map(string));
    opt("endpoint_mode", p.endpoint_mode.map(|v| string(v.as_str())));
    opt("api", p.api.map(|v| string(v.as_str())));
    opt("models_url", p.models_url.as_deref().map(string));
    match &p.key {
        Some(KeySource::Env(var)) => opt("api_key_env", Some(string(var))),
        Some(KeySource::File(path)) => opt("api_key_file", Some(string(&path.to_string_lossy()))),
        // Refused above; never written.
        Some(KeySource::Inline(_)) | None => {}
    }
    opt("auth", p.auth.as_ref().map(auth));
    opt("model", p.model.as_deref().map(string));
    opt("streaming", p.streaming.map(|v| v.to_string()));
    opt("include_usage", p.include_usage.map(|v| string(v.as_str())));
    opt(
        "max_tokens_field",
        p.max_tokens_field.map(|v| string(v.as_str())),
    );
    opt(
        "include_max_tokens",
        p.include_max_tokens.map(|v| v.to_string()),
    );
    opt("max_tokens", p.max_tokens.map(|v| v.to_string()));
    opt("temperature", p.temperature.map(float));
    opt(
        "reasoning_effort",
        p.reasoning_effort.map(|v| string(v.as_str())),
    );
    opt("r1_format", p.r1_format.map(|v| v.to_string()));
    opt(
        "parse_think_tags",
        p.parse_think_tags.map(|v| v.to_string()),
    );
    opt(
        "discover_model_info",
        p.discover_model_info.map(|v| v.to_string()),
    );
    opt("timeout_secs", p.timeout.map(seconds));
    opt("connect_timeout_secs", p.connect_timeout.map(seconds));
    opt(
        "stream_idle_timeout_secs",
        p.stream_idle_timeout.map(seconds),
    );
    opt("headers_timeout_secs", p.headers_timeout.map(seconds));
    opt(
        "first_content_timeout_secs",
        p.first_content_timeout.map(seconds),
    );
    opt("max_retries", p.max_retries.map(|v| v.to_string()));
    opt("proxy", p.proxy.as_deref().map(string));
    opt(
        "ca_cert",
        p.ca_cert.as_ref().map(|v| string(&v.to_string_lossy())),
    );
    if !p.headers.is_empty() {
        header(out, &format!("{table}.headers"));
        for (name, value) in p.headers.iter() {
            line(out, name, &string(value));
        }
    }
    if !p.query.is_empty() {
        header(out, &format!("{table}.query"));
        for (name, value) in &p.query {
            line(out, name, &string(value));
        }
    }
    if let Some(azure) = &p.azure {
        header(out, &format!("{table}.azure"));
        if let Some(version) = &azure.api_version {
            line(out, "api_version", &string(version));
        }
        if let Some(deployment) = &azure.deployment {
            line(out, "deployment", &string(deployment));
        }
    }
    if !p.model_info.is_empty() {
        write_model_info(out, &format!("{table}.model_info"), &p.model_info);
    }
}

fn write_model_info(out: &mut String, table: &str, o: &ModelInfoOverrides) {
    header(out, table);
    let mut opt = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            line(out, k, &v);
        }
    };
    opt(
        "max_output_tokens",
        o.max_output_tokens.map(|v| v.to_string()),
    );
    opt("context_window", o.context_window.map(|v| v.to_string()));
    opt("supports_images", o.supports_images.map(|v| v.to_string()));
    opt(
        "supports_computer_use",
        o.supports_computer_use.map(|v| v.to_string()),
    );
    opt(
        "supports_prompt_cache",
        o.supports_prompt_cache.map(|v| v.to_string()),
    );
    opt("supports_tools", o.supports_tools.map(|v| v.to_string()));
    opt(
        "supports_reasoning_effort",
        o.supports_reasoning_effort.as_ref().map(effort_support),
    );
    opt(
        "reasoning_effort",
        o.reasoning_effort.map(|v| string(v.as_str())),
    );
    write_sheet(out, table, &o.prices);
    for (name, prices) in &o.prices.service_tiers {
        let tier_table = format!("{table}.service_tiers.{}", key(name));
        header(out, &tier_table);
        write_sheet(out, &tier_table, prices);
    }
}

/// The prices of one sheet in the current table, then its context tiers.
fn write_sheet(out: &mut String, table: &str, prices: &ModelPrices) {
    write_prices(out, prices);
    for tier in &prices.tiers {
        let _ = write!(out, "\n[[{table}.tiers]]\n");
        line(
            out,
            "above_input_tokens",
            &tier.above_input_tokens.to_string(),
        );
        for kind in PriceKind::ALL {
            if let Some(price) = tier.get(kind) {
                line(out, kind.field(), &decimal(price));
            }
        }
    }
}

fn write_prices(out: &mut String, prices: &ModelPrices) {
    for kind in PriceKind::ALL {
        if let Some(price) = prices.get(kind) {
            line(out, kind.field(), &decimal(price));
        }
    }
}

fn header(out: &mut String, table: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "[{table}]");
}

fn line(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "{} = {value}", key(name));
}

/// A bare key when possible, else a quoted one.
fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        return name.to_owned();
    }
    // A key is never a multi-line string (which `string` picks for text with a
    // line break): let the toml crate quote it as a key, in a one-entry table.
    let mut table = toml::Table::new();
    table.insert(name.to_owned(), toml::Value::Integer(0));
    let line = table.to_string();
    match line.trim_end().strip_suffix(" = 0") {
        Some(quoted) => quoted.to_owned(),
        None => string(name),
    }
}

/// A TOML basic string, escaped by the toml crate.
fn string(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

/// An exact decimal literal: `0.88`, `3`, `0.000001` (never exponent notation).
/// A whole number beyond TOML's 64-bit integers gets `.0`, making it a float
/// literal (read back exactly from its text) instead of an integer no TOML
/// reader accepts.
fn decimal(value: Decimal) -> String {
    let text = value.to_string();
    if !text.contains('.') && text.parse::<i64>().is_err() {
        format!("{text}.0")
    } else {
        text
    }
}

/// Shortest text that reads back as the same `f64`, always a TOML float or int.
fn float(value: f64) -> String {
    if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        value.to_string()
    }
}

/// Seconds, exactly: `600`, `0.5`.
pub(crate) fn seconds(value: Duration) -> String {
    let nanos = Decimal::from(value.subsec_nanos()) / Decimal::from(1_000_000_000u32);
    (Decimal::from(value.as_secs()) + nanos)
        .normalize()
        .to_string()
}

fn auth(value: &AuthStyle) -> String {
    match value {
        AuthStyle::Header(name) => format!("{{ header = {} }}", string(name)),
        AuthStyle::Bearer => string("bearer"),
        other => string(Choice::name(other)),
    }
}

fn effort_support(value: &EffortSupport) -> String {
    match value {
        EffortSupport::No => "false".to_owned(),
        EffortSupport::Levels(levels) => {
            let words: Vec<String> = levels.iter().map(|l| string(l.as_str())).collect();
            format!("[{}]", words.join(", "))
        }
        _ => "true".to_owned(),
    }
}

/// Writes `key` to `<dir>/<profile>.key` (the name made file-safe), readable and
/// writable by the owner only (mode 0600 on Unix), and returns the path. Creates
/// `dir` (mode 0700 on Unix) when missing; replaces an existing key file.
///
/// Reference the file from the profile with `api_key_file` so the key never
/// appears in the config file itself.
///
/// ```
/// use oac_config::{write_key_file, SecretString};
///
/// let dir = tempfile::tempdir()?;
/// let path = write_key_file(dir.path(), "my together", &SecretString::from("tg-123"))?;
/// assert_eq!(path.file_name().unwrap(), "my_together.key");
/// assert_eq!(std::fs::read_to_string(&path)?, "tg-123\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_key_file(
    dir: &Path,
    profile: &str,
    key: &SecretString,
) -> Result<PathBuf, ConfigError> {
    let path = dir.join(format!("{}.key", file_stem(profile)));
    write_key(&path, key)?;
    Ok(path)
}

/// Writes `key` to `path` (owner-only), creating its directory (owner-only) when missing.
pub(crate) fn write_key(path: &Path, key: &SecretString) -> Result<(), ConfigError> {
    let failed = |source| ConfigError::KeyFileNotWritten {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        create_private_dir(dir).map_err(failed)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(failed)?;
    // An existing file keeps its old mode on open: restrict it before writing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(failed)?;
    }
    file.set_len(0).map_err(failed)?;
    file.write_all(key.expose_secret().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(failed)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A file name from a profile name: letters, digits, `-`, `_` and `.` kept, the
/// rest `_`; never empty, never hidden.
pub(crate) fn file_stem(profile: &str) -> String {
    let stem: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        "profile".to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds(Duration::from_secs(600)), "600");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5");
        assert_eq!(seconds(Duration::new(1, 1)), "1.000000001");
    }

    #[test]
    fn file_stem_is_safe() {
        assert_eq!(file_stem("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_stem("my profile"), "my_profile");
        assert_eq!(file_stem(""), "profile");
        assert_eq!(file_stem(".hidden"), "hidden");
    }

    #[test]
    fn keys_with_line_breaks_and_controls_stay_one_line() {
        for name in [
            "a\nb",
            "o-mi\u{7f}of\n\\x",
            "tab\there",
            "quote\"d",
            "\"\"\"",
            "日本",
        ] {
            let quoted = key(name);
            assert!(!quoted.contains('\n'), "{quoted}");
            let text = format!("{quoted} = 1\n");
            let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                table.keys().next().map(String::as_str),
                Some(name),
                "{text}"
            );
        }
    }

    #[test]
    fn keys_are_quoted_when_needed() {
        assert_eq!(key("base_url"), "base_url");
        assert_eq!(key("my profile"), "\"my profile\"");
        assert_eq!(key("X-Title"), "X-Title");
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private_even_when_it_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.key");
        fs::write(&path, "old key that is longer\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let written = write_key_file(dir.path(), "p", &SecretString::from("new")).unwrap();
        assert_eq!(written, path);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
