//! Import of a Kilo Code / Roo Code settings export: `openai` and `openai-native`
//! provider profiles become profiles; everything else is reported, never fatal.
//!
//! Keys found in the export — `openAiApiKey`, and credential headers such as
//! `Authorization` in `openAiHeaders` — are kept beside the profiles as secrets and
//! only ever written to owner-only key files ([`Import::store_keys`]), never into
//! the config.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use oac_url::{Flavor, ResolveOptions, Url};
use secrecy::SecretString;

use crate::convert::{Cx, Field, boolean, choice, float, price, string, whole};
use crate::file::ConfigFile;
use crate::headers::Headers;
use crate::model_info::{EffortSupport, ModelInfoOverrides, ReasoningEffort};
use crate::problem::{ConfigError, ConfigFormat, Report, Warning, WarningKind, child};
use crate::profile::{AuthStyle, AzureSettings, KeySource, Profile, ProviderChoice};
use crate::tree::{self, Entry, Node, Value};
use crate::validate;
use crate::write::{file_stem, write_key};

/// The result of [`import_kilo`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Import {
    /// The imported profiles, and `default_profile` from `currentApiConfigName`.
    /// No profile holds a key yet: see [`Import::keys`] and [`Import::store_keys`].
    pub config: ConfigFile,
    /// Each imported profile's API key, by profile name: its `openAiApiKey`, else
    /// the value of its first credential header (the profile's `auth` then sends
    /// it the same way, e.g. `Authorization: Bearer X` gives the key `X`).
    pub keys: Vec<(String, SecretString)>,
    /// Profiles of other providers, not imported.
    pub skipped: Vec<SkippedProfile>,
    /// Fields of the export that were ignored, as paths
    /// (`providerProfiles.apiConfigs.together.rateLimitSeconds`, `globalSettings`).
    pub ignored: Vec<String>,
    /// Values that could not be carried over, or that may surprise.
    pub warnings: Vec<Warning>,
}

/// A profile of the export that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedProfile {
    /// Its name in the export.
    pub name: String,
    /// Its `apiProvider` (`None` when the entry names none).
    pub api_provider: Option<String>,
}

impl fmt::Display for SkippedProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.api_provider {
            Some(provider) => write!(
                f,
                "`{}` (apiProvider `{provider}`): only `openai` and `openai-native` profiles can be imported",
                self.name
            ),
            None => write!(
                f,
                "`{}` (no apiProvider): only `openai` and `openai-native` profiles can be imported",
                self.name
            ),
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

/// Reads a Kilo Code / Roo Code settings export (JSON) into profiles.
///
/// `apiProvider = "openai"` entries become `compatible` profiles and
/// `"openai-native"` entries `openai-native` ones; other providers are listed in
/// [`Import::skipped`]. Fields this crate has no setting for are listed in
/// [`Import::ignored`]. Prices are read exactly from the JSON literals.
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
/// # Ok::<(), oac_config::ConfigError>(())
/// ```
pub fn import_kilo(json: &str) -> Result<Import, ConfigError> {
    let root = tree::parse_document(json, ConfigFormat::Json, None)?;
    let Value::Table(top) = &root.value else {
        return Err(not_an_export("the file is not a JSON object"));
    };
    let Some(profiles_node) = get(top, "providerProfiles") else {
        return Err(not_an_export("`providerProfiles` is missing"));
    };
    let Value::Table(provider_profiles) = &profiles_node.value else {
        return Err(not_an_export("`providerProfiles` is not an object"));
    };
    let Some(Value::Table(api_configs)) = get(provider_profiles, "apiConfigs").map(|n| &n.value)
    else {
        return Err(not_an_export(
            "`providerProfiles.apiConfigs` is missing or not an object",
        ));
    };
    let mut state = State {
        cx: Cx::new(ConfigFormat::Json),
        import: Import {
            config: ConfigFile::new(),
            keys: Vec::new(),
            skipped: Vec::new(),
            ignored: Vec::new(),
            warnings: Vec::new(),
        },
    };
    for entry in top {
        if entry.key != "providerProfiles" {
            state.import.ignored.push(child("", &entry.key));
        }
    }
    for entry in provider_profiles {
        if !["apiConfigs", "currentApiConfigName"].contains(&entry.key.as_str()) {
            state
                .import
                .ignored
                .push(child("providerProfiles", &entry.key));
        }
    }
    for entry in api_configs {
        state.api_config(entry);
    }
    state.current(get(provider_profiles, "currentApiConfigName"));
    state.finish_warnings();
    Ok(state.import)
}

fn not_an_export(reason: &str) -> ConfigError {
    ConfigError::NotAnExport {
        reason: reason.to_owned(),
    }
}

fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Node> {
    entries
        .iter()
        .find(|entry| entry.key == key)
        .map(|entry| &entry.node)
        .filter(|node| !matches!(node.value, Value::Null))
}

/// The export's fields for each kind of profile.
const COMPATIBLE_FIELDS: &[&str] = &[
    "openAiBaseUrl",
    "openAiApiKey",
    "openAiModelId",
    "openAiCustomModelInfo",
    "openAiHeaders",
    "openAiUseAzure",
    "azureApiVersion",
    "openAiStreamingEnabled",
    "openAiR1FormatEnabled",
];
const NATIVE_FIELDS: &[&str] = &["openAiNativeApiKey", "openAiNativeBaseUrl", "apiModelId"];
const COMMON_FIELDS: &[&str] = &[
    "id",
    "apiProvider",
    "includeMaxTokens",
    "modelMaxTokens",
    "modelTemperature",
    "reasoningEffort",
    "enableReasoningEffort",
];

struct State {
    cx: Cx,
    import: Import,
}

impl State {
    fn api_config(&mut self, entry: &Entry) {
        let name = entry.key.clone();
        let at = child("providerProfiles.apiConfigs", &name);
        let Value::Table(fields) = &entry.node.value else {
            self.warn(
                &at,
                "this profile is not an object; not imported".to_owned(),
            );
            return;
        };
        let provider = get(fields, "apiProvider").and_then(|node| match &node.value {
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
        let kind = match provider.as_deref() {
            Some("openai") => ProviderChoice::Compatible,
            Some("openai-native") => ProviderChoice::OpenAiNative,
            _ => {
                self.import.skipped.push(SkippedProfile {
                    name,
                    api_provider: provider,
                });
                return;
            }
        };
        if name.trim().is_empty() {
            self.warn(&at, "a profile without a name cannot be imported; name it in the extension and export again".to_owned());
            return;
        }
        let native = kind == ProviderChoice::OpenAiNative;
        let mut p = Profile {
            provider: Some(kind),
            ..Profile::default()
        };
        let (url_field, key_field, model_field) = if native {
            ("openAiNativeBaseUrl", "openAiNativeApiKey", "apiModelId")
        } else {
            ("openAiBaseUrl", "openAiApiKey", "openAiModelId")
        };
        let known: Vec<&str> = COMMON_FIELDS
            .iter()
            .chain(if native {
                NATIVE_FIELDS
            } else {
                COMPATIBLE_FIELDS
            })
            .copied()
            .collect();
        for entry in fields {
            if !known.contains(&entry.key.as_str()) {
                self.import.ignored.push(child(&at, &entry.key));
            }
        }
        let field = |key: &'static str| -> Option<Field<'_>> {
            get(fields, key).map(|node| Field {
                node,
                path: child(&at, key),
                key,
            })
        };
        p.base_url = field(url_field)
            .and_then(|f| string(&mut self.cx, &f, "\"https://api.provider.com/v1\""))
            .filter(|url| !url.trim().is_empty());
        p.model = field(model_field)
            .and_then(|f| string(&mut self.cx, &f, "\"gpt-4o-mini\""))
            .filter(|model| !model.trim().is_empty());
        if let Some(f) = field(key_field) {
            match &f.node.value {
                Value::String(key) if key.trim().is_empty() => {}
                Value::String(key) => self
                    .import
                    .keys
                    .push((name.clone(), SecretString::from(key.trim()))),
                // The value is never shown: it may be a mangled key.
                other => self.warn(
                    &f.path,
                    format!(
                        "the API key is {}, not a string; not imported, set api_key_file or api_key_env by hand",
                        other.type_name(ConfigFormat::Json)
                    ),
                ),
            }
        }
        p.include_max_tokens = field("includeMaxTokens").and_then(|f| boolean(&mut self.cx, &f));
        p.max_tokens = field("modelMaxTokens")
            .filter(|f| !is_minus_one(f.node))
            .and_then(|f| whole(&mut self.cx, &f, "4096"));
        p.temperature = field("modelTemperature").and_then(|f| float(&mut self.cx, &f, "0.7"));
        let effort_enabled = field("enableReasoningEffort")
            .and_then(|f| boolean(&mut self.cx, &f))
            .unwrap_or(true);
        if effort_enabled {
            p.reasoning_effort = field("reasoningEffort").and_then(|f| self.effort(&f));
        }
        if !native {
            if let Some(f) = field("openAiCustomModelInfo") {
                p.model_info = self.model_info(&f);
            }
            if let Some(f) = field("openAiHeaders") {
                p.headers = self.headers(&f);
            }
            let use_azure = field("openAiUseAzure").and_then(|f| boolean(&mut self.cx, &f));
            let api_version = field("azureApiVersion")
                .and_then(|f| string(&mut self.cx, &f, "\"2024-10-21\""))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            self.azure(&name, &at, &mut p, use_azure == Some(true), api_version);
            let has_key = self.import.keys.iter().any(|(owner, _)| *owner == name);
            self.credential_headers(&name, &at, &mut p, has_key);
            p.streaming = field("openAiStreamingEnabled").and_then(|f| boolean(&mut self.cx, &f));
            p.r1_format = field("openAiR1FormatEnabled").and_then(|f| boolean(&mut self.cx, &f));
        }
        self.check(&name, &p);
        self.import.config.profiles.insert(name, p);
    }

    /// `openAiUseAzure` / `azureApiVersion`, decided as the extension decides:
    /// an Azure AI Inference host (`*.services.ai.azure.com`) takes the version as
    /// the `api-version` query parameter; Azure OpenAI applies when
    /// `openAiUseAzure` is on or the host is an Azure OpenAI one
    /// (`*.openai.azure.com`, `*.cognitiveservices.azure.com`); anywhere else a
    /// leftover `azureApiVersion` is listed as ignored, with a warning, rather than
    /// turning a Together or OpenRouter profile into an Azure one.
    fn azure(
        &mut self,
        name: &str,
        at: &str,
        p: &mut Profile,
        use_azure: bool,
        api_version: Option<String>,
    ) {
        let flavor = p.base_url.as_deref().map_or(Flavor::Standard, url_flavor);
        if flavor == Flavor::AzureAiInference {
            if let Some(version) = api_version {
                p.query.push(("api-version".to_owned(), version));
            }
            if use_azure {
                let path = child(at, "openAiUseAzure");
                self.import.ignored.push(path.clone());
                self.warn(
                    &path,
                    "the host is Azure AI Inference (*.services.ai.azure.com), which the extension also calls with a Bearer key and no deployment path, so openAiUseAzure is not imported (azureApiVersion, when set, becomes the query's api-version)".to_owned(),
                );
            }
        } else if use_azure || flavor == Flavor::AzureOpenAi {
            if use_azure || api_version.is_some() {
                p.azure = Some(AzureSettings {
                    api_version,
                    deployment: None,
                });
            }
        } else if api_version.is_some() {
            let path = child(at, "azureApiVersion");
            self.import.ignored.push(path.clone());
            let host = p
                .base_url
                .as_deref()
                .and_then(|url| Url::parse(url.trim()).ok())
                .and_then(|url| url.host_str().map(|host| format!("`{host}`")))
                .unwrap_or_else(|| "the base URL".to_owned());
            let profile = child("profiles", name);
            self.warn(
                &path,
                format!("azureApiVersion is set, but openAiUseAzure is off and {host} is not an Azure OpenAI host, so it is not imported (the extension does not use it either); if this is Azure OpenAI behind a gateway, add `[{profile}.azure]` with `api_version` by hand"),
            );
        }
    }

    /// Headers that carry a credential ([`Headers::is_sensitive`]) never reach
    /// the config file. When the profile has no key, the first one becomes its key
    /// (kept in [`Import::keys`], written to a key file by [`Import::store_keys`])
    /// and `auth` sends it as before: `Authorization: Bearer X` is the key `X`
    /// with `auth = "bearer"`, `api-key` is `auth = "api-key-header"`, any other
    /// header `auth = { header = "<name>" }`. Any other credential header, and one
    /// whose value is not a single word (`Authorization: Basic …`), is not
    /// imported, with a warning telling the user to add it by hand.
    fn credential_headers(&mut self, name: &str, at: &str, p: &mut Profile, mut has_key: bool) {
        let headers_path = child(at, "openAiHeaders");
        let (credentials, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut p.headers.0)
            .into_iter()
            .partition(|(header, value)| Headers::is_sensitive(header) && !value.trim().is_empty());
        p.headers = Headers(kept);
        for (header, value) in credentials {
            let path = child(&headers_path, &header);
            let value = value.trim();
            let bearer = header
                .eq_ignore_ascii_case("authorization")
                .then(|| bearer_token(value))
                .flatten();
            let (secret, auth) = match bearer {
                Some(token) => (token, AuthStyle::Bearer),
                None if header.eq_ignore_ascii_case("api-key") => (value, AuthStyle::ApiKeyHeader),
                None => (value, AuthStyle::Header(header.clone())),
            };
            let why = if has_key {
                "the profile already has a key"
            } else if secret.contains(char::is_whitespace) {
                // A key is one word (key files refuse spaces); `Basic …` or
                // `Token …` cannot be sent as the key.
                "its value has spaces (an authorization scheme other than Bearer?), so it cannot be the profile's key"
            } else {
                self.import
                    .keys
                    .push((name.to_owned(), SecretString::from(secret)));
                p.auth = Some(auth);
                has_key = true;
                continue;
            };
            self.warn(
                &path,
                format!("the header `{header}` carries a credential but {why}; it is not imported (credentials are never written to a config file); if requests need it, add it by hand: pass --header '{header}: …', or put it in the profile's headers, where it is stored in plain text"),
            );
        }
    }

    /// `reasoningEffort`: a level; `disable` means none is sent.
    fn effort(&mut self, f: &Field<'_>) -> Option<ReasoningEffort> {
        if matches!(&f.node.value, Value::String(s) if s == "disable") {
            return None;
        }
        choice(&mut self.cx, f)
    }

    /// `openAiCustomModelInfo`.
    fn model_info(&mut self, f: &Field<'_>) -> ModelInfoOverrides {
        let mut o = ModelInfoOverrides::default();
        let Value::Table(fields) = &f.node.value else {
            self.warn(&f.path, "not an object; not imported".to_owned());
            return o;
        };
        const KNOWN: &[&str] = &[
            "maxTokens",
            "contextWindow",
            "supportsImages",
            "supportsComputerUse",
            "supportsPromptCache",
            "supportsReasoningEffort",
            "inputPrice",
            "outputPrice",
            "cacheReadsPrice",
            "cacheWritesPrice",
            "reasoningEffort",
        ];
        for entry in fields {
            if !KNOWN.contains(&entry.key.as_str()) {
                self.import.ignored.push(child(&f.path, &entry.key));
            }
        }
        let field = |key: &'static str| -> Option<Field<'_>> {
            get(fields, key).map(|node| Field {
                node,
                path: child(&f.path, key),
                key,
            })
        };
        let cx = &mut self.cx;
        o.max_output_tokens = field("maxTokens")
            .filter(|f| !is_minus_one(f.node))
            .and_then(|f| whole(cx, &f, "8192"));
        o.context_window = field("contextWindow").and_then(|f| whole(cx, &f, "128000"));
        o.supports_images = field("supportsImages").and_then(|f| boolean(cx, &f));
        o.supports_computer_use = field("supportsComputerUse").and_then(|f| boolean(cx, &f));
        o.supports_prompt_cache = field("supportsPromptCache").and_then(|f| boolean(cx, &f));
        o.supports_reasoning_effort =
            field("supportsReasoningEffort").and_then(|f| match &f.node.value {
                Value::Bool(true) => Some(EffortSupport::Yes),
                Value::Bool(false) => Some(EffortSupport::No),
                Value::Array(items) => {
                    let levels: Vec<ReasoningEffort> = items
                        .iter()
                        .filter_map(|node| match &node.value {
                            Value::String(word) => word.parse().ok(),
                            _ => None,
                        })
                        .collect();
                    Some(if levels.is_empty() {
                        EffortSupport::No
                    } else {
                        EffortSupport::Levels(levels)
                    })
                }
                _ => None,
            });
        o.prices.input_price = field("inputPrice").and_then(|f| price(cx, &f));
        o.prices.output_price = field("outputPrice").and_then(|f| price(cx, &f));
        o.prices.cache_read_price = field("cacheReadsPrice").and_then(|f| price(cx, &f));
        o.prices.cache_write_price = field("cacheWritesPrice").and_then(|f| price(cx, &f));
        o.reasoning_effort = field("reasoningEffort").and_then(|f| self.effort(&f));
        o
    }

    /// `openAiHeaders`: an object of strings.
    fn headers(&mut self, f: &Field<'_>) -> Headers {
        let mut headers = Headers::new();
        let Value::Table(entries) = &f.node.value else {
            self.warn(&f.path, "not an object; not imported".to_owned());
            return headers;
        };
        for entry in entries {
            match &entry.node.value {
                Value::String(value) => headers.insert(entry.key.clone(), value.clone()),
                Value::Null => {}
                other => {
                    let found = other.type_name(ConfigFormat::Json);
                    self.warn(
                        &child(&f.path, &entry.key),
                        format!("the header value is {found}, not a string; not imported"),
                    );
                }
            }
        }
        headers
    }

    /// The rules every profile follows, reported as warnings: the import keeps the
    /// value so nothing is lost, and loading the profile will point at it again.
    fn check(&mut self, name: &str, p: &Profile) {
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
        if zero(prices.input_price) && zero(prices.output_price) {
            self.import.warnings.push(Warning::new(
                WarningKind::ZeroPrices,
                child(&at, "model_info"),
                "input and output prices are 0 (the extension's default), so cost will show as $0; remove them if the real prices are unknown, or set them".to_owned(),
            ));
        }
    }

    /// `currentApiConfigName` → `default_profile`, when that profile was imported.
    fn current(&mut self, node: Option<&Node>) {
        let Some(node) = node else {
            return;
        };
        let Value::String(name) = &node.value else {
            self.warn(
                "providerProfiles.currentApiConfigName",
                "not a string; no default_profile set".to_owned(),
            );
            return;
        };
        if self.import.config.profiles.contains_key(name) {
            self.import.config.default_profile = Some(name.clone());
        } else {
            self.warn(
                "providerProfiles.currentApiConfigName",
                format!("the current profile `{name}` was not imported, so no default_profile is set; choose one with --profile or set default_profile"),
            );
        }
    }

    fn warn(&mut self, path: &str, message: String) {
        self.import
            .warnings
            .push(Warning::new(WarningKind::ImportValueDropped, path, message));
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

/// The flavor the URL alone implies (the url crate's rule 5); standard when it
/// cannot be resolved (validation reports why).
fn url_flavor(base_url: &str) -> Flavor {
    // A stand-in deployment: only the flavor is wanted, and an Azure resource URL
    // needs one to resolve.
    let options = ResolveOptions::new().model("deployment");
    oac_url::resolve(base_url, &options).map_or(Flavor::Standard, |e| e.flavor)
}

/// The token of `Bearer <token>` (scheme in any case), when there is one.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(char::is_whitespace)?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// `-1`: the extension's "unset".
fn is_minus_one(node: &Node) -> bool {
    matches!(&node.value, Value::Integer(text) if text == "-1")
}
