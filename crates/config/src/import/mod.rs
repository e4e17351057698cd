//! Import of Kilo Code / Roo Code settings into profiles, from either of the two
//! files those extensions keep them in, told apart by their shape:
//!
//! - a settings export of Kilo Code 5.x or Roo Code (`providerProfiles`), read by
//!   `export`;
//! - a Kilo Code 7 config, `kilo.json` / `kilo.jsonc` (the opencode config format: a
//!   `provider` object), read by `kilo7`.
//!
//! Both are read as JSONC (comments and trailing commas allowed, as Kilo Code 7 reads
//! its config). Keys found in either — literal API keys, and credential headers such
//! as `Authorization` — are kept beside the profiles as secrets and only ever written
//! to owner-only key files ([`Import::store_keys`]), never into the config; a key the
//! file only references (`{env:VAR}`, `{file:PATH}`) stays a reference.

mod export;
mod kilo7;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::convert::Cx;
use crate::file::ConfigFile;
use crate::headers::Headers;
use crate::problem::{ConfigError, ConfigFormat, Report, Warning, WarningKind, child};
use crate::profile::{AuthStyle, KeySource, Profile};
use crate::tree::{self, Entry, Node, Value};
use crate::validate;
use crate::write::{file_stem, write_key};

/// The result of [`import_kilo`] and [`import_kilo_at`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Import {
    /// Which kind of file was read.
    pub format: ImportFormat,
    /// The imported profiles, and `default_profile` (from `currentApiConfigName`
    /// in a settings export, from `model` in a Kilo Code 7 config). No profile
    /// holds a literal key: see [`Import::keys`] and [`Import::store_keys`]. A
    /// profile whose key the file only references has it as `api_key_env` or
    /// `api_key_file` already.
    pub config: ConfigFile,
    /// Each imported profile's literal API key, by profile name: from a settings
    /// export its `openAiApiKey`, from a Kilo Code 7 config its provider's
    /// `options.apiKey`; else the value of its first credential header (the
    /// profile's `auth` then sends it the same way, e.g. `Authorization: Bearer X`
    /// gives the key `X`).
    pub keys: Vec<(String, SecretString)>,
    /// Profiles or providers of the file that were not imported.
    pub skipped: Vec<SkippedProfile>,
    /// Fields of the file that were ignored, as paths
    /// (`providerProfiles.apiConfigs.together.rateLimitSeconds`, `globalSettings`,
    /// `provider.together.models.llama.variants`, `small_model`).
    pub ignored: Vec<String>,
    /// Values that could not be carried over, or that may surprise.
    pub warnings: Vec<Warning>,
}

/// The kinds of file [`import_kilo`] reads, told apart by their shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImportFormat {
    /// A Kilo Code 5.x / Roo Code settings export (Settings → About → Export): a
    /// `providerProfiles` object.
    SettingsExport,
    /// A Kilo Code 7 config, `kilo.json` or `kilo.jsonc` (the opencode config
    /// format): a `provider` object.
    KiloConfig,
}

impl ImportFormat {
    /// A name for programs: `settings-export` or `kilo-config`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportFormat::SettingsExport => "settings-export",
            ImportFormat::KiloConfig => "kilo-config",
        }
    }
}

/// `Display`: what a person calls it (`Kilo Code 7 config`).
impl fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImportFormat::SettingsExport => "Kilo Code / Roo Code settings export",
            ImportFormat::KiloConfig => "Kilo Code 7 config",
        })
    }
}

/// A profile of a settings export, or a provider (or one of its models) of a Kilo
/// Code 7 config, that was not imported.
///
/// `Display`: ``` `NAME` (FIELD `VALUE`): REASON ```, e.g. `` `claude` (apiProvider
/// `anthropic`): only `openai` and `openai-native` profiles can be imported ``.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedProfile {
    /// Its name in the file: a profile name (settings export), or a provider id or
    /// `provider/model` (Kilo Code 7 config).
    pub name: String,
    /// What names its kind of provider: its `apiProvider` (settings export) or its
    /// `npm` package (Kilo Code 7 config); `None` when the entry names none.
    pub api_provider: Option<String>,
    /// The field [`SkippedProfile::api_provider`] comes from: `apiProvider` or `npm`.
    pub field: &'static str,
    /// Why it was not imported, and what can be.
    pub reason: String,
}

impl fmt::Display for SkippedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.api_provider {
            Some(provider) => write!(
                f,
                "`{}` ({} `{provider}`): {}",
                self.name, self.field, self.reason
            ),
            None => write!(f, "`{}` (no {}): {}", self.name, self.field, self.reason),
        }
    }
}

impl Import {
    /// Writes each key to `<dir>/<profile>.key` (owner-only, see
    /// [`write_key_file`](crate::write_key_file)) and points the profile's
    /// `api_key_file` at it, so the config can be written without losing a key.
    /// Profiles whose names map to the same file name get `-2`, `-3`, … suffixes.
    /// Returns the files written.
    pub fn store_keys(&mut self, dir: &Path) -> Result<Vec<PathBuf>, ConfigError> {
        let mut used: HashSet<String> = HashSet::new();
        let mut written = Vec::new();
        for (name, key) in &self.keys {
            let base = file_stem(name);
            let mut stem = base.clone();
            let mut n = 1;
            while !used.insert(stem.clone()) {
                n += 1;
                stem = format!("{base}-{n}");
            }
            let path = dir.join(format!("{stem}.key"));
            write_key(&path, key)?;
            if let Some(profile) = self.config.profiles.get_mut(name) {
                profile.key = Some(KeySource::File(path.clone()));
            }
            written.push(path);
        }
        Ok(written)
    }
}

/// Reads Kilo Code / Roo Code settings into profiles: a settings export of Kilo Code
/// 5.x or Roo Code (a `providerProfiles` object), or a Kilo Code 7 config
/// (`kilo.json` / `kilo.jsonc`, a `provider` object), told apart by their shape and
/// read as JSONC (comments and trailing commas allowed). [`Import::format`] says
/// which it was.
///
/// From a settings export, `apiProvider = "openai"` entries become `compatible`
/// profiles and `"openai-native"` entries `openai-native` ones. From a Kilo Code 7
/// config, each model of each OpenAI-compatible provider (`npm`
/// `@ai-sdk/openai-compatible` or `@ai-sdk/openai`) becomes a profile named
/// `<provider>` when the provider lists one model, else `<provider>-<model>`
/// (characters other than ASCII letters, digits, `-`, `_` and `.` become `_`).
/// Other providers are listed in [`Import::skipped`]; fields this crate has no
/// setting for in [`Import::ignored`]. Prices are read exactly from the JSON
/// literals.
///
/// Text without a path: a Kilo Code 7 key `{file:PATH}` with a relative `PATH`
/// cannot be resolved against the config's directory, so it is kept relative to
/// the current directory, with a warning; [`import_kilo_at`] resolves it.
///
/// ```
/// use oac_config::import_kilo;
///
/// let export = r#"{"providerProfiles": {"currentApiConfigName": "local",
///   "apiConfigs": {"local": {"id": "a1", "apiProvider": "openai",
///     "openAiBaseUrl": "http://localhost:11434/v1", "openAiModelId": "qwen2.5-coder:7b",
///     "openAiCustomModelInfo": {"maxTokens": -1, "contextWindow": 32768, "inputPrice": 0.1}}}}}"#;
/// let import = import_kilo(export)?;
/// let local = &import.config.profiles["local"];
/// assert_eq!(local.model.as_deref(), Some("qwen2.5-coder:7b"));
/// assert_eq!(local.model_info.max_output_tokens, None); // -1 means unset
/// assert_eq!(local.model_info.prices.input_price.unwrap().to_string(), "0.1");
/// assert_eq!(import.config.default_profile.as_deref(), Some("local"));
///
/// let kilo = r#"{
///   // kilo.jsonc
///   "model": "lmstudio/qwen3-coder",
///   "provider": {"lmstudio": {"npm": "@ai-sdk/openai-compatible",
///     "options": {"baseURL": "http://127.0.0.1:1234/v1"},
///     "models": {"qwen3-coder": {"limit": {"context": 65536, "output": 8192}}}}},
/// }"#;
/// let import = import_kilo(kilo)?;
/// let lmstudio = &import.config.profiles["lmstudio"];
/// assert_eq!(lmstudio.base_url.as_deref(), Some("http://127.0.0.1:1234/v1"));
/// assert_eq!(lmstudio.model.as_deref(), Some("qwen3-coder"));
/// assert_eq!(lmstudio.model_info.context_window, Some(65536));
/// assert_eq!(import.config.default_profile.as_deref(), Some("lmstudio"));
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub fn import_kilo(text: &str) -> Result<Import, ConfigError> {
    import(text, None)
}

/// [`import_kilo`] for the text of the file at `path`: a Kilo Code 7 key
/// `{file:PATH}` with a relative `PATH` is resolved against `path`'s directory, as
/// Kilo Code does, and syntax errors name the file.
///
/// ```
/// use std::path::{Path, PathBuf};
/// use oac_config::{KeySource, import_kilo_at};
///
/// let kilo = r#"{"provider": {"gw": {"npm": "@ai-sdk/openai-compatible",
///   "options": {"baseURL": "https://gw.example.com/v1", "apiKey": "{file:keys/gw.key}"},
///   "models": {"m": {}}}}}"#;
/// let import = import_kilo_at(kilo, Path::new("/home/me/.config/kilo/kilo.json"))?;
/// assert_eq!(
///     import.config.profiles["gw"].key,
///     Some(KeySource::File(PathBuf::from("/home/me/.config/kilo/keys/gw.key")))
/// );
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub fn import_kilo_at(text: &str, path: &Path) -> Result<Import, ConfigError> {
    import(text, Some(path))
}

fn import(text: &str, path: Option<&Path>) -> Result<Import, ConfigError> {
    let root = tree::parse_jsonc_document(text, path)?;
    let Value::Table(top) = &root.value else {
        return Err(not_an_export(&format!(
            "the file is {}, not a JSON object",
            root.value.type_name(ConfigFormat::Json)
        )));
    };
    if get(top, "providerProfiles").is_some() {
        export::import(top)
    } else if get(top, "provider").is_some() {
        kilo7::import(top, path)
    } else {
        Err(not_an_export(
            "it has neither `providerProfiles` (a settings export) nor `provider` (a kilo.json)",
        ))
    }
}

fn not_an_export(reason: &str) -> ConfigError {
    ConfigError::NotAnExport {
        reason: reason.to_owned(),
    }
}

/// The value of `key`, when present and not `null`.
fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    entries
        .iter()
        .find(|entry| entry.key == key)
        .map(|entry| &entry.node)
        .filter(|node| !matches!(node.value, Value::Null))
}

/// A key read from the file: its value (kept in [`Import::keys`]) or where the
/// file says it is (kept in the profile).
#[derive(Clone)]
enum ImportedKey {
    Literal(SecretString),
    Source(KeySource),
}

/// Reads the key of a credential header: the secret part of its value (the token of
/// `Bearer <token>`, else the whole value) → the key, or why it cannot be one.
type HeaderKey = fn(&mut State, &str, &str) -> Result<ImportedKey, &'static str>;

/// A literal key from a header: one word (key files refuse spaces).
fn literal_header_key(_: &mut State, _: &str, secret: &str) -> Result<ImportedKey, &'static str> {
    if secret.contains(char::is_whitespace) {
        // `Basic …` or `Token …` cannot be sent as the key.
        Err(
            "its value has spaces (an authorization scheme other than Bearer?), so it cannot be the profile's key",
        )
    } else {
        Ok(ImportedKey::Literal(SecretString::from(secret)))
    }
}

/// What both formats share while they are read.
struct State {
    cx: Cx,
    import: Import,
}

impl State {
    fn new(format: ImportFormat) -> State {
        State {
            cx: Cx::new(ConfigFormat::Json),
            import: Import {
                format,
                config: ConfigFile::new(),
                keys: Vec::new(),
                skipped: Vec::new(),
                ignored: Vec::new(),
                warnings: Vec::new(),
            },
        }
    }

    /// Gives profile `name` its key: a literal one to [`Import::keys`], a reference
    /// to the profile itself.
    fn give_key(&mut self, name: &str, p: &mut Profile, key: ImportedKey) {
        match key {
            ImportedKey::Literal(secret) => self.import.keys.push((name.to_owned(), secret)),
            ImportedKey::Source(source) => p.key = Some(source),
        }
    }

    /// Lists every entry of `entries` (at `at`) whose key is not in `known`.
    fn ignore_unknown(&mut self, at: &str, entries: &[Entry], known: &[&str]) {
        for entry in entries {
            if !known.contains(&entry.key.as_str()) {
                self.import.ignored.push(child(at, &entry.key));
            }
        }
    }

    /// Headers that carry a credential ([`Headers::is_sensitive`]) never reach
    /// the config file. When the profile has no key, the first one becomes its key
    /// (returned, read by `key_of`) and `auth` sends it as before:
    /// `Authorization: Bearer X` is the key `X` with `auth = "bearer"`, `api-key`
    /// is `auth = "api-key-header"`, any other header `auth = { header = "<name>" }`.
    /// Any other credential header, and one whose value cannot be a key
    /// (`Authorization: Basic …`), is not imported, with a warning telling the user
    /// to add it by hand. `headers_path` is where the headers are in the file.
    fn credential_headers(
        &mut self,
        headers_path: &str,
        headers: &mut Headers,
        auth: &mut Option<AuthStyle>,
        has_key: bool,
        key_of: HeaderKey,
    ) -> Option<ImportedKey> {
        let (credentials, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut headers.0)
            .into_iter()
            .partition(|(header, value)| Headers::is_sensitive(header) && !value.trim().is_empty());
        *headers = Headers(kept);
        let mut found: Option<ImportedKey> = None;
        for (header, value) in credentials {
            let path = child(headers_path, &header);
            let value = value.trim();
            let bearer = header
                .eq_ignore_ascii_case("authorization")
                .then(|| bearer_token(value))
                .flatten();
            let (secret, style) = match bearer {
                Some(token) => (token, AuthStyle::Bearer),
                None if header.eq_ignore_ascii_case("api-key") => (value, AuthStyle::ApiKeyHeader),
                None => (value, AuthStyle::Header(header.clone())),
            };
            let why = if has_key || found.is_some() {
                "the profile already has a key"
            } else {
                match key_of(self, &path, secret) {
                    Ok(key) => {
                        found = Some(key);
                        *auth = Some(style);
                        continue;
                    }
                    Err(why) => why,
                }
            };
            self.warn(
                &path,
                format!("the header `{header}` carries a credential but {why}; it is not imported (credentials are never written to a config file); if requests need it, add it by hand: pass --header '{header}: …', or put it in the profile's headers, where it is stored in plain text"),
            );
        }
        found
    }

    /// An object of strings (`openAiHeaders`, `options.headers`), at `path`.
    fn headers(&mut self, node: &Node, path: &str) -> Headers {
        let mut headers = Headers::new();
        let Value::Table(entries) = &node.value else {
            self.warn(path, "not an object; not imported".to_owned());
            return headers;
        };
        for entry in entries {
            match &entry.node.value {
                Value::String(value) => headers.insert(entry.key.clone(), value.clone()),
                Value::Null => {}
                other => {
                    let found = other.type_name(ConfigFormat::Json);
                    self.warn(
                        &child(path, &entry.key),
                        format!("the header value is {found}, not a string; not imported"),
                    );
                }
            }
        }
        headers
    }

    /// The rules every profile follows, reported as warnings: the import keeps the
    /// value so nothing is lost, and loading the profile will point at it again.
    /// `zero_prices`: warn when input and output prices are both 0 (a settings
    /// export writes 0 for "unknown"; a Kilo Code 7 config says 0 on purpose).
    fn check(&mut self, name: &str, p: &Profile, zero_prices: bool) {
        let at = child("profiles", name);
        let mut report = Report::default();
        validate::profile(p, &at, &mut report);
        for problem in report.problems {
            self.import.warnings.push(Warning::new(
                WarningKind::ImportValueDropped,
                problem.path,
                format!(
                    "{} (imported as is: fix it before using the profile)",
                    problem.message
                ),
            ));
        }
        let prices = &p.model_info.prices;
        let zero = |price: Option<oac_pricing::Decimal>| price.is_some_and(|p| p.is_zero());
        if zero_prices && zero(prices.input_price) && zero(prices.output_price) {
            self.import.warnings.push(Warning::new(
                WarningKind::ZeroPrices,
                child(&at, "model_info"),
                "input and output prices are 0 (the extension's default), so cost will show as $0; remove them if the real prices are unknown, or set them".to_owned(),
            ));
        }
    }

    fn warn(&mut self, path: &str, message: String) {
        self.warn_as(WarningKind::ImportValueDropped, path, message);
    }

    fn warn_as(&mut self, kind: WarningKind, path: &str, message: String) {
        self.import.warnings.push(Warning::new(kind, path, message));
    }

    /// Type problems found while reading become warnings: the value is dropped.
    fn finish_warnings(&mut self) {
        for problem in std::mem::take(&mut self.cx.report.problems) {
            self.import.warnings.push(Warning::new(
                WarningKind::ImportValueDropped,
                problem.path,
                format!("{}; not imported", problem.message),
            ));
        }
    }
}

/// The token of `Bearer <token>` (scheme in any case), when there is one.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(char::is_whitespace)?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
