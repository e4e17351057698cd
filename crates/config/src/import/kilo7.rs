//! A Kilo Code 7 config (`kilo.json` / `kilo.jsonc`, the opencode config format):
//! each model of each OpenAI-compatible provider becomes a profile.
//!
//! What maps to what, and what Kilo Code itself does with each field, is in
//! `docs/config.md` ("Importing a Kilo Code 7 config").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use oac_pricing::{ModelPrices, PriceTier};
use oac_url::{Url, is_loopback};
use secrecy::SecretString;

use super::{Import, ImportFormat, ImportedKey, SkippedProfile, State, get, literal_header_key};
use crate::convert::{Field, boolean, choice, is_var_name, string, whole};
use crate::env::is_home_relative;
use crate::headers::Headers;
use crate::model_info::{EffortSupport, ModelInfoOverrides, ReasoningEffort};
use crate::prices::price;
use crate::problem::{ConfigError, ConfigFormat, Problem, ProblemKind, WarningKind, child};
use crate::profile::{IncludeUsage, KeySource, Profile, ProviderChoice, is_openai_host};
use crate::tree::{Entry, Node, Value};
use crate::write::file_stem;

/// The `npm` packages whose providers speak the OpenAI API.
const COMPATIBLE_NPM: &str = "@ai-sdk/openai-compatible";
const OPENAI_NPM: &str = "@ai-sdk/openai";

/// The top-level keys read (`$schema` only names the schema).
const TOP_KEYS: &[&str] = &[
    "$schema",
    "provider",
    "model",
    "disabled_providers",
    "enabled_providers",
];
/// The keys of a provider that are read (`name` is only shown by Kilo Code).
const PROVIDER_KEYS: &[&str] = &[
    "npm",
    "name",
    "api",
    "env",
    "options",
    "models",
    "whitelist",
    "blacklist",
];
const OPTION_KEYS: &[&str] = &[
    "baseURL",
    "apiKey",
    "headers",
    "timeout",
    "chunkTimeout",
    "headerTimeout",
    "includeUsage",
];
/// The keys of a model that are read (`name` is only shown by Kilo Code).
const MODEL_KEYS: &[&str] = &[
    "id",
    "name",
    "limit",
    "cost",
    "attachment",
    "reasoning",
    "tool_call",
    "modalities",
    "headers",
    "provider",
    "options",
];
const COST_KEYS: &[&str] = &[
    "input",
    "output",
    "cache_read",
    "cache_write",
    "context_over_200k",
];

/// Why a provider or model of another API is skipped.
const ONLY: &str = "only OpenAI-compatible providers (npm `@ai-sdk/openai-compatible` or `@ai-sdk/openai`) can be imported";

/// `cost.context_over_200k` applies above this many input tokens.
const OVER_200K: u64 = 200_000;

/// `timeout: false` (no limit) is written as this many seconds: 100 years, which
/// oac treats as no deadline (anything beyond about 30 years is).
const NO_DEADLINE: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Reads the config whose top level is `top` (it has `provider`), read from `path`.
pub(super) fn import(top: &[Entry], path: Option<&Path>) -> Result<Import, ConfigError> {
    let Some(entry) = top.iter().find(|entry| entry.key == "provider") else {
        return Err(super::not_an_export("`provider` is missing"));
    };
    let Value::Table(providers) = &entry.node.value else {
        let found = entry.node.value.type_name(ConfigFormat::Json);
        let mut problem = Problem::new(
            ProblemKind::WrongType,
            "provider",
            format!(
                "expected an object of providers, found {found}; write it as \"provider\": {{\"NAME\": {{\"npm\": \"@ai-sdk/openai-compatible\", \"options\": {{\"baseURL\": …}}, \"models\": {{…}}}}}}"
            ),
        );
        problem.line = Some(entry.line);
        return Err(ConfigError::Invalid {
            file: path.map(Path::to_path_buf),
            problems: vec![problem],
        });
    };
    let mut state = State::new(ImportFormat::KiloConfig);
    let mut kilo = Kilo {
        dir: path.map(|path| path.parent().unwrap_or(Path::new("")).to_path_buf()),
        names: HashMap::new(),
    };
    state.ignore_unknown("", top, TOP_KEYS);
    let allowed = Allowed {
        disabled: state
            .id_list(top, "", "disabled_providers")
            .unwrap_or_default(),
        enabled: state.id_list(top, "", "enabled_providers"),
    };
    for entry in providers {
        state.provider(&mut kilo, entry, &allowed);
    }
    state.default_model(&kilo, get(top, "model"));
    state.finish_warnings();
    Ok(state.import)
}

/// What the whole import keeps while it reads the providers.
struct Kilo {
    /// The directory of the config file (`""` for a file named without one), when
    /// its path is known: relative `{file:…}` paths are relative to it.
    dir: Option<PathBuf>,
    /// `(provider id, model key)` → profile name; model key `None` for a provider
    /// imported without models.
    names: HashMap<(String, Option<String>), String>,
}

/// `disabled_providers` and `enabled_providers`, as Kilo Code applies them.
struct Allowed {
    disabled: Vec<String>,
    enabled: Option<Vec<String>>,
}

impl Allowed {
    fn refusal(&self, id: &str) -> Option<&'static str> {
        if self.disabled.iter().any(|name| name == id) {
            Some("it is listed in `disabled_providers`, so Kilo Code does not use it")
        } else if self
            .enabled
            .as_ref()
            .is_some_and(|enabled| !enabled.iter().any(|name| name == id))
        {
            Some("`enabled_providers` does not list it, so Kilo Code does not use it")
        } else {
            None
        }
    }
}

/// Which API a provider's `npm` package speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sdk {
    /// `@ai-sdk/openai-compatible` (also assumed when `npm` is missing but a base
    /// URL is set, as Kilo Code does for a provider outside its catalogue).
    Compatible,
    /// `@ai-sdk/openai`: OpenAI's own SDK (its Responses API) at the base URL.
    OpenAi,
}

impl Sdk {
    /// The profile's `provider`: `compatible`, or `auto` (unset) for OpenAI's SDK,
    /// which is OpenAI-native for api.openai.com or no URL.
    fn provider(self) -> Option<ProviderChoice> {
        match self {
            Sdk::Compatible => Some(ProviderChoice::Compatible),
            Sdk::OpenAi => None,
        }
    }

    fn of(npm: &str) -> Option<Sdk> {
        match npm.trim() {
            COMPATIBLE_NPM => Some(Sdk::Compatible),
            OPENAI_NPM => Some(Sdk::OpenAi),
            _ => None,
        }
    }
}

/// What a key text is: the key, or a reference Kilo Code substitutes.
#[derive(Debug, PartialEq, Eq)]
enum KeyText<'a> {
    Literal(&'a str),
    /// `{env:VAR}`.
    Env(&'a str),
    /// `{file:PATH}`.
    File(&'a str),
    /// A reference inside other text (`sk-{env:SUFFIX}`, `{env:A}{env:B}`).
    Mixed,
}

impl<'a> KeyText<'a> {
    fn of(text: &'a str) -> KeyText<'a> {
        let text = text.trim();
        let whole = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('}'))
                .filter(|inner| !inner.is_empty() && !inner.contains('}'))
        };
        if let Some(name) = whole("{env:") {
            KeyText::Env(name)
        } else if let Some(path) = whole("{file:") {
            KeyText::File(path)
        } else if has_reference(text) {
            KeyText::Mixed
        } else {
            KeyText::Literal(text)
        }
    }
}

/// True when `text` holds a value Kilo Code fills in when it reads the config.
fn has_reference(text: &str) -> bool {
    text.contains("{env:") || text.contains("{file:")
}

/// A field of `entries` (at `at`), when present and not `null`.
fn field<'a>(entries: &'a [Entry], at: &str, key: &'static str) -> Option<Field<'a>> {
    get(entries, key).map(|node| Field {
        node,
        path: child(at, key),
        key,
    })
}

/// One imported model: its key in `models` (`None`: the provider lists none), its
/// profile, and the key a credential header of its own carries.
type Imported = (Option<String>, Profile, Option<ImportedKey>);

/// The provider-wide settings every model's profile starts from.
struct Base {
    profile: Profile,
    sdk: Sdk,
    /// The base URL came from `options.baseURL` (a model's `provider.api` does not
    /// replace it).
    url_from_options: bool,
    key: Option<ImportedKey>,
}

impl State {
    /// One entry of `provider`: its models become profiles, or it is skipped.
    fn provider(&mut self, kilo: &mut Kilo, entry: &Entry, allowed: &Allowed) {
        let id = entry.key.as_str();
        let at = child("provider", id);
        let Value::Table(fields) = &entry.node.value else {
            let found = entry.node.value.type_name(ConfigFormat::Json);
            self.warn(
                &at,
                format!("this provider is {found}, not an object; not imported"),
            );
            return;
        };
        let npm = field(fields, &at, "npm")
            .and_then(|f| string(&mut self.cx, &f, "\"@ai-sdk/openai-compatible\""));
        if let Some(reason) = allowed.refusal(id) {
            self.skip(id.to_owned(), npm, reason.to_owned());
            return;
        }
        if id.trim().is_empty() {
            self.warn(
                &at,
                "a provider without a name cannot be imported; name it in kilo.json".to_owned(),
            );
            return;
        }
        self.ignore_unknown(&at, fields, PROVIDER_KEYS);
        let Some(base) = self.base(kilo, id, &at, fields, npm.as_deref()) else {
            return;
        };
        let imported = self.models(id, &at, fields, &base, npm.as_deref());
        self.add_profiles(kilo, id, &at, &base, imported);
    }

    /// The profiles of the models of provider `id` (the model's key beside each;
    /// `None` for the one profile of a provider that lists no models), and the key a
    /// credential header of a model's own carries.
    fn models(
        &mut self,
        id: &str,
        at: &str,
        fields: &[Entry],
        base: &Base,
        npm: Option<&str>,
    ) -> Vec<Imported> {
        let models = match field(fields, at, "models").as_ref().map(|f| &f.node.value) {
            Some(Value::Table(models)) => models.as_slice(),
            None => &[],
            Some(other) => {
                let found = other.type_name(ConfigFormat::Json);
                self.warn(
                    &child(at, "models"),
                    format!("expected an object of models, found {found}; not imported"),
                );
                &[]
            }
        };
        if models.is_empty() {
            return vec![(None, base.profile.clone(), None)];
        }
        let filter = ModelFilter {
            whitelist: self.id_list(fields, at, "whitelist"),
            blacklist: self.id_list(fields, at, "blacklist").unwrap_or_default(),
        };
        let mut imported = Vec::new();
        for model in models {
            if let Some(reason) = filter.refusal(&model.key) {
                let name = format!("{id}/{}", model.key);
                self.skip(name, npm.map(str::to_owned), reason.to_owned());
            } else if let Some((profile, key)) = self.model(id, at, model, base) {
                imported.push((Some(model.key.clone()), profile, key));
            }
        }
        imported
    }

    /// Names the profiles of provider `id` (`<provider>` for one, else
    /// `<provider>-<model>`), gives each its key and adds it.
    fn add_profiles(
        &mut self,
        kilo: &mut Kilo,
        id: &str,
        at: &str,
        base: &Base,
        imported: Vec<Imported>,
    ) {
        let single = imported.len() == 1;
        for (model, mut profile, key) in imported {
            let name = self.unused_name(match (&model, single) {
                (Some(model), false) => format!("{id}-{model}"),
                _ => id.to_owned(),
            });
            if model.is_none() {
                self.warn_as(
                    WarningKind::ImportNoModel,
                    &child(at, "models"),
                    format!("`{id}` lists no models (Kilo Code asks the server for them), so profile `{name}` has no model: set its `model` to one the server's models list names"),
                );
            }
            if let Some(key) = key.or_else(|| base.key.clone()) {
                self.give_key(&name, &mut profile, key);
            }
            self.check(&name, &profile, false);
            kilo.names.insert((id.to_owned(), model), name.clone());
            self.import.config.profiles.insert(name, profile);
        }
    }

    /// An array of ids at `key` of `entries` (`disabled_providers`, a provider's
    /// `whitelist`, …); `None`, with a warning, when it is not an array (so it is
    /// not applied), and when it is missing.
    fn id_list(&mut self, entries: &[Entry], at: &str, key: &'static str) -> Option<Vec<String>> {
        let f = field(entries, at, key)?;
        let Value::Array(items) = &f.node.value else {
            let found = f.node.value.type_name(ConfigFormat::Json);
            self.warn(
                &f.path,
                format!("expected an array of ids, found {found}; not applied"),
            );
            return None;
        };
        Some(
            items
                .iter()
                .filter_map(|node| match &node.value {
                    Value::String(name) => Some(name.clone()),
                    _ => None,
                })
                .collect(),
        )
    }

    /// A profile name from `raw` (the file-name rule: ASCII letters, digits, `-`,
    /// `_`, `.` kept, the rest `_`), with `-2`, `-3`, … when it is taken.
    fn unused_name(&self, raw: String) -> String {
        let base = file_stem(&raw);
        let mut name = base.clone();
        let mut n = 1;
        while self.import.config.profiles.contains_key(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        name
    }

    fn skip(&mut self, name: String, npm: Option<String>, reason: String) {
        self.import.skipped.push(SkippedProfile {
            name,
            api_provider: npm,
            field: "npm",
            reason,
        });
    }

    /// The settings of provider `id` that every model shares, or `None` when it is
    /// not an OpenAI-compatible provider (then it is listed as skipped).
    fn base(
        &mut self,
        kilo: &Kilo,
        id: &str,
        at: &str,
        fields: &[Entry],
        npm: Option<&str>,
    ) -> Option<Base> {
        let options_at = child(at, "options");
        let options: &[Entry] = match field(fields, at, "options").map(|f| &f.node.value) {
            Some(Value::Table(options)) => options,
            None => &[],
            Some(other) => {
                let found = other.type_name(ConfigFormat::Json);
                self.warn(
                    &options_at,
                    format!("expected an object, found {found}; not imported"),
                );
                &[]
            }
        };
        self.ignore_unknown(&options_at, options, OPTION_KEYS);
        let from_options = self.url(field(options, &options_at, "baseURL"));
        let url_from_options = from_options.is_some();
        let base_url = from_options.or_else(|| self.url(field(fields, at, "api")));
        let sdk = self.sdk(id, at, npm, base_url.as_deref())?;
        let mut p = Profile {
            provider: sdk.provider(),
            base_url,
            ..Profile::default()
        };
        self.timeouts(&mut p, options, &options_at);
        if let Some(f) = field(options, &options_at, "includeUsage") {
            match &f.node.value {
                Value::Bool(false) => p.include_usage = Some(IncludeUsage::Never),
                // Kilo Code asks for usage on its own, as oac's default `auto` does.
                Value::Bool(true) => {}
                _ => {
                    boolean(&mut self.cx, &f);
                }
            }
        }
        let mut key = self.api_key(kilo, field(options, &options_at, "apiKey"));
        if key.is_none() {
            key = self.env_key(field(fields, at, "env"));
        }
        if let Some(f) = field(options, &options_at, "headers") {
            p.headers = self.kilo_headers(f.node, &f.path);
            if let Some(found) = self.credential_headers(
                &f.path,
                &mut p.headers,
                &mut p.auth,
                key.is_some(),
                header_key,
            ) {
                key = Some(found);
            }
        }
        let base = Base {
            profile: p,
            sdk,
            url_from_options,
            key,
        };
        self.key_warnings(id, at, &base);
        Some(base)
    }

    /// Warns when the provider has no key in the file and its host is not this
    /// machine, and when `@ai-sdk/openai` points at another host than OpenAI's.
    fn key_warnings(&mut self, id: &str, at: &str, base: &Base) {
        let url = base.profile.base_url.as_deref().map_or_else(
            || Url::parse("https://api.openai.com/v1").ok(),
            |url| Url::parse(url.trim()).ok(),
        );
        let Some(url) = url else {
            return;
        };
        let host = url.host_str().unwrap_or("the server").to_owned();
        if base.key.is_none() && !is_loopback(&url) {
            self.warn_as(
                WarningKind::MissingKey,
                &child(&child(at, "options"), "apiKey"),
                format!("`{id}` has no API key in the file for {host}, which is not this machine (Kilo Code may keep it in its own auth store, from /connect); set api_key_env or api_key_file in the imported profile"),
            );
        }
        if base.sdk == Sdk::OpenAi && !is_openai_host(&url) {
            self.warn_as(
                WarningKind::ImportInexact,
                &child(at, "npm"),
                format!("`{OPENAI_NPM}` makes Kilo Code call OpenAI's Responses API (…/responses) at {host}; oac calls chat completions (…/chat/completions) at the same base URL, which the server must also offer"),
            );
        }
    }

    /// Which SDK provider `id` uses, or `None` (skipped) when it is not an OpenAI one.
    fn sdk(
        &mut self,
        id: &str,
        at: &str,
        npm: Option<&str>,
        base_url: Option<&str>,
    ) -> Option<Sdk> {
        match (npm, base_url) {
            (Some(npm), _) => match Sdk::of(npm) {
                Some(sdk) => {
                    if sdk == Sdk::Compatible && base_url.is_none() {
                        self.warn(
                            &child(&child(at, "options"), "baseURL"),
                            format!("`{id}` has no options.baseURL (nor one oac can use), so its profile has no base_url: set it by hand"),
                        );
                    }
                    Some(sdk)
                }
                None => {
                    self.skip(id.to_owned(), Some(npm.to_owned()), ONLY.to_owned());
                    None
                }
            },
            (None, Some(_)) => {
                self.warn_as(
                    WarningKind::ImportInexact,
                    &child(at, "npm"),
                    format!("`{id}` names no npm package, so it is read as `{COMPATIBLE_NPM}`, as Kilo Code reads a provider outside its catalogue; if `{id}` is one of Kilo Code's built-in providers of another API (such as anthropic or google), remove its profile"),
                );
                Some(Sdk::Compatible)
            }
            (None, None) => {
                self.skip(
                    id.to_owned(),
                    None,
                    format!("a built-in provider of Kilo Code, whose endpoint and API are not in the file (it has no npm and no options.baseURL); {ONLY}"),
                );
                None
            }
        }
    }

    /// A base URL (`options.baseURL`, `api`, a model's `provider.api`): `None` when
    /// missing, empty, or taken from elsewhere (`{env:…}`, `${VAR}`), with a warning.
    fn url(&mut self, f: Option<Field<'_>>) -> Option<String> {
        let f = f?;
        let url = string(&mut self.cx, &f, "\"https://api.provider.com/v1\"")?;
        let url = url.trim();
        if url.is_empty() {
            return None;
        }
        if has_reference(url) || url.contains("${") {
            self.warn(
                &f.path,
                "the URL takes part of itself from the environment or a file (`{env:…}`, `{file:…}`, `${…}`), which a profile cannot: not imported; set base_url by hand".to_owned(),
            );
            return None;
        }
        Some(url.to_owned())
    }

    /// `options.apiKey`: a literal key, `{env:VAR}` or `{file:PATH}`.
    fn api_key(&mut self, kilo: &Kilo, f: Option<Field<'_>>) -> Option<ImportedKey> {
        let f = f?;
        let Value::String(text) = &f.node.value else {
            // The value is never shown: it may be a mangled key.
            let found = f.node.value.type_name(ConfigFormat::Json);
            self.warn(&f.path, format!("the API key is {found}, not a string; not imported, set api_key_file or api_key_env by hand"));
            return None;
        };
        match KeyText::of(text) {
            KeyText::Literal("") => None,
            KeyText::Literal(key) => Some(ImportedKey::Literal(SecretString::from(key))),
            KeyText::Env(name) => self.env_reference(&f.path, name),
            KeyText::File(path) => Some(ImportedKey::Source(self.key_file(
                kilo.dir.as_deref(),
                &f.path,
                path,
            ))),
            KeyText::Mixed => {
                self.warn(&f.path, "the API key is made of a reference (`{env:…}` or `{file:…}`) and other text, which a profile cannot express; not imported (its value is not shown), set api_key_env or api_key_file by hand".to_owned());
                None
            }
        }
    }

    /// `{env:VAR}` → `api_key_env = "VAR"`, when `VAR` is a variable name.
    fn env_reference(&mut self, path: &str, name: &str) -> Option<ImportedKey> {
        if is_var_name(name) {
            Some(ImportedKey::Source(KeySource::Env(name.to_owned())))
        } else {
            // Not shown: it may be the key itself.
            self.warn(path, "`{env:…}` does not name an environment variable (letters, digits and `_`); not imported (its value is not shown), set api_key_env or api_key_file by hand".to_owned());
            None
        }
    }

    /// `{file:PATH}` → `api_key_file`: `~/…` stays (the home directory, for both),
    /// an absolute path stays, a relative one is relative to the config's directory.
    fn key_file(&mut self, dir: Option<&Path>, at: &str, text: &str) -> KeySource {
        let path = PathBuf::from(text.trim());
        if is_home_relative(&path) || path.is_absolute() {
            return KeySource::File(path);
        }
        match dir {
            Some(dir) => KeySource::File(dir.join(path)),
            None => {
                self.warn(at, "the key file's path is relative to the directory of kilo.json, which is not known here, so it is kept relative to the current directory; check api_key_file (importing the file by its path resolves it)".to_owned());
                KeySource::File(path)
            }
        }
    }

    /// The provider's `env`: the variables Kilo Code reads its key from (the first
    /// that is set); a profile names one.
    fn env_key(&mut self, f: Option<Field<'_>>) -> Option<ImportedKey> {
        let f = f?;
        let Value::Array(items) = &f.node.value else {
            let found = f.node.value.type_name(ConfigFormat::Json);
            self.warn(
                &f.path,
                format!(
                    "expected an array of environment variable names, found {found}; not imported"
                ),
            );
            return None;
        };
        let names: Vec<&str> = items
            .iter()
            .filter_map(|node| match &node.value {
                Value::String(name) if is_var_name(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let (first, rest) = names.split_first()?;
        if !rest.is_empty() {
            self.warn_as(
                WarningKind::ImportInexact,
                &f.path,
                format!("Kilo Code reads the key from the first of {} that is set; the profile reads {first} only", names.join(", ")),
            );
        }
        Some(ImportedKey::Source(KeySource::Env((*first).to_owned())))
    }

    /// `options.headers` or a model's `headers`: values Kilo Code fills in
    /// (`{env:…}`) cannot be kept, except in a credential header, which may be the
    /// profile's key reference (see `header_key`).
    fn kilo_headers(&mut self, node: &Node, path: &str) -> Headers {
        let mut headers = self.headers(node, path);
        headers.0.retain(|(name, value)| {
            let keep = Headers::is_sensitive(name) || !has_reference(value);
            if !keep {
                self.warn(
                    &child(path, name),
                    format!("the header `{name}` takes its value from the environment or a file (`{{env:…}}`, `{{file:…}}`), which profile headers cannot; not imported, pass it with --header by hand"),
                );
            }
            keep
        });
        headers
    }

    /// `timeout`, `chunkTimeout` and `headerTimeout` (milliseconds).
    fn timeouts(&mut self, p: &mut Profile, options: &[Entry], at: &str) {
        if let Some(f) = field(options, at, "timeout") {
            p.timeout = match &f.node.value {
                Value::Bool(false) => Some(NO_DEADLINE),
                _ => self.millis(&f),
            };
        }
        if let Some(f) = field(options, at, "headerTimeout") {
            p.headers_timeout = match &f.node.value {
                // Off, as oac's default is.
                Value::Bool(false) => None,
                _ => self.millis(&f),
            };
        }
        if let Some(f) = field(options, at, "chunkTimeout") {
            p.stream_idle_timeout = self.millis(&f);
            if let Some(idle) = p.stream_idle_timeout {
                let ms = idle.as_millis();
                let secs = crate::write::seconds(idle);
                self.warn_as(
                    WarningKind::ImportInexact,
                    &f.path,
                    format!("chunkTimeout ({ms} ms without any chunk of a stream) is imported as stream_idle_timeout_secs = {secs}, the same limit but for one difference: once the first text, reasoning or tool call has arrived, oac counts only data events, not `: keep-alive` comments, so a server that sends only keep-alives for that long is cut off where Kilo Code would wait"),
                );
            }
        }
    }

    /// A positive whole number of milliseconds.
    fn millis(&mut self, f: &Field<'_>) -> Option<Duration> {
        let ms: u64 = whole(&mut self.cx, f, "300000")?;
        if ms == 0 {
            self.warn(
                &f.path,
                "0 ms: a timeout must be greater than 0; not imported (the default applies)"
                    .to_owned(),
            );
            return None;
        }
        Some(Duration::from_millis(ms))
    }

    /// One model of provider `id`: its profile, and the key a credential header of
    /// its own carries (if any); `None` when it is skipped.
    fn model(
        &mut self,
        id: &str,
        at: &str,
        entry: &Entry,
        base: &Base,
    ) -> Option<(Profile, Option<ImportedKey>)> {
        let key = entry.key.as_str();
        let at = child(&child(at, "models"), key);
        let Value::Table(fields) = &entry.node.value else {
            let found = entry.node.value.type_name(ConfigFormat::Json);
            self.warn(
                &at,
                format!("this model is {found}, not an object; not imported"),
            );
            return None;
        };
        self.ignore_unknown(&at, fields, MODEL_KEYS);
        let mut p = base.profile.clone();
        if let Some(f) = field(fields, &at, "provider")
            && let Some(overrides) = self.table(&f)
        {
            self.ignore_unknown(&f.path, overrides, &["npm", "api"]);
            if let Some(npm) = field(overrides, &f.path, "npm")
                .and_then(|f| string(&mut self.cx, &f, "\"@ai-sdk/openai-compatible\""))
            {
                match Sdk::of(&npm) {
                    Some(sdk) => p.provider = sdk.provider(),
                    None => {
                        self.skip(format!("{id}/{key}"), Some(npm), ONLY.to_owned());
                        return None;
                    }
                }
            }
            if let Some(url) = self.url(field(overrides, &f.path, "api"))
                && !base.url_from_options
            {
                p.base_url = Some(url);
            }
        }
        p.model = Some(
            field(fields, &at, "id")
                .and_then(|f| string(&mut self.cx, &f, "\"provider-model-id\""))
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| key.to_owned()),
        );
        p.model_info = self.kilo_model_info(fields, &at);
        let mut own_key = None;
        if let Some(f) = field(fields, &at, "headers") {
            let mut headers = self.kilo_headers(f.node, &f.path);
            own_key = self.credential_headers(
                &f.path,
                &mut headers,
                &mut p.auth,
                base.key.is_some(),
                header_key,
            );
            for (name, value) in headers.0 {
                p.headers.insert(name, value);
            }
        }
        if let Some(f) = field(fields, &at, "options") {
            let options = self.table(&f).unwrap_or(&[]);
            self.ignore_unknown(&f.path, options, &["reasoningEffort"]);
            p.reasoning_effort = field(options, &f.path, "reasoningEffort")
                .and_then(|f| choice::<ReasoningEffort>(&mut self.cx, &f));
        }
        Some((p, own_key))
    }

    /// The entries of an object, or a warning and `None`.
    fn table<'a>(&mut self, f: &Field<'a>) -> Option<&'a [Entry]> {
        match &f.node.value {
            Value::Table(entries) => Some(entries),
            other => {
                let found = other.type_name(ConfigFormat::Json);
                self.warn(
                    &f.path,
                    format!("expected an object, found {found}; not imported"),
                );
                None
            }
        }
    }

    /// `limit`, `cost`, the capability flags and `modalities` of a model.
    fn kilo_model_info(&mut self, fields: &[Entry], at: &str) -> ModelInfoOverrides {
        let mut o = ModelInfoOverrides::default();
        if let Some(f) = field(fields, at, "limit")
            && let Some(limit) = self.table(&f)
        {
            self.ignore_unknown(&f.path, limit, &["context", "output"]);
            // 0 is Kilo Code's "unknown".
            o.context_window = field(limit, &f.path, "context")
                .and_then(|f| whole(&mut self.cx, &f, "128000"))
                .filter(|n| *n > 0);
            o.max_output_tokens = field(limit, &f.path, "output")
                .and_then(|f| whole(&mut self.cx, &f, "8192"))
                .filter(|n| *n > 0);
        }
        if let Some(f) = field(fields, at, "cost")
            && let Some(cost) = self.table(&f)
        {
            self.ignore_unknown(&f.path, cost, COST_KEYS);
            o.prices = self.prices(cost, &f.path);
            if let Some(over) = field(cost, &f.path, "context_over_200k")
                && let Some(over_fields) = self.table(&over)
            {
                self.ignore_unknown(&over.path, over_fields, &COST_KEYS[..4]);
                let above = self.prices(over_fields, &over.path);
                let mut tier = PriceTier::default();
                tier.above_input_tokens = OVER_200K;
                tier.input_price = above.input_price;
                tier.output_price = above.output_price;
                tier.cache_read_price = above.cache_read_price;
                tier.cache_write_price = above.cache_write_price;
                if [
                    above.input_price,
                    above.output_price,
                    above.cache_read_price,
                    above.cache_write_price,
                ]
                .iter()
                .any(Option::is_some)
                {
                    o.prices.tiers.push(tier);
                }
            }
        }
        let flag = |state: &mut State, key: &'static str| {
            field(fields, at, key).and_then(|f| boolean(&mut state.cx, &f))
        };
        o.supports_tools = flag(self, "tool_call");
        o.supports_reasoning_effort = flag(self, "reasoning").map(|yes| {
            if yes {
                EffortSupport::Yes
            } else {
                EffortSupport::No
            }
        });
        o.supports_images = self
            .image_input(fields, at)
            .or_else(|| flag(self, "attachment"));
        o
    }

    /// `input`, `output`, `cache_read`, `cache_write` (USD per 1M tokens, exact).
    fn prices(&mut self, cost: &[Entry], at: &str) -> ModelPrices {
        let mut prices = ModelPrices::default();
        let cx = &mut self.cx;
        prices.input_price = field(cost, at, "input").and_then(|f| price(cx, &f));
        prices.output_price = field(cost, at, "output").and_then(|f| price(cx, &f));
        prices.cache_read_price = field(cost, at, "cache_read").and_then(|f| price(cx, &f));
        prices.cache_write_price = field(cost, at, "cache_write").and_then(|f| price(cx, &f));
        prices
    }

    /// `modalities.input` lists `"image"`; `None` when it does not say.
    fn image_input(&mut self, fields: &[Entry], at: &str) -> Option<bool> {
        let f = field(fields, at, "modalities")?;
        let modalities = self.table(&f)?;
        self.ignore_unknown(&f.path, modalities, &["input"]);
        let input = field(modalities, &f.path, "input")?;
        match &input.node.value {
            Value::Array(items) => Some(
                items
                    .iter()
                    .any(|node| matches!(&node.value, Value::String(kind) if kind == "image")),
            ),
            other => {
                let found = other.type_name(ConfigFormat::Json);
                self.warn(&input.path, format!("expected an array such as [\"text\", \"image\"], found {found}; not imported"));
                None
            }
        }
    }

    /// `model` (`"provider/model"`) → `default_profile`, when that model was
    /// imported. A provider imported without models takes the model from it.
    fn default_model(&mut self, kilo: &Kilo, node: Option<&Node>) {
        let Some(node) = node else {
            return;
        };
        let Value::String(text) = &node.value else {
            self.warn("model", "not a string; no default_profile set".to_owned());
            return;
        };
        let Some((provider, model)) = text.split_once('/') else {
            self.warn("model", format!("`{text}` is not `provider/model`, so no default_profile is set; choose one with --profile or set default_profile"));
            return;
        };
        let found = kilo
            .names
            .get(&(provider.to_owned(), Some(model.to_owned())));
        if let Some(name) = found {
            self.import.config.default_profile = Some(name.clone());
        } else if let Some(name) = kilo.names.get(&(provider.to_owned(), None)) {
            if let Some(profile) = self.import.config.profiles.get_mut(name) {
                profile.model = Some(model.to_owned());
            }
            self.import.config.default_profile = Some(name.clone());
        } else {
            self.warn("model", format!("the default model `{text}` was not imported, so no default_profile is set; choose one with --profile or set default_profile"));
        }
    }
}

/// The key of a credential header in a Kilo Code 7 config: a reference is kept as
/// one (`Authorization: Bearer {env:TOKEN}` → `api_key_env = "TOKEN"`), a literal
/// value becomes a key file.
fn header_key(state: &mut State, path: &str, secret: &str) -> Result<ImportedKey, &'static str> {
    match KeyText::of(secret) {
        KeyText::Env(name) if is_var_name(name) => {
            Ok(ImportedKey::Source(KeySource::Env(name.to_owned())))
        }
        KeyText::Env(_) => Err("its `{env:…}` does not name an environment variable"),
        KeyText::File(_) => Err(
            "its `{file:…}` cannot be resolved here (a key file reference in a header); set api_key_file by hand",
        ),
        KeyText::Mixed => {
            Err("its value mixes a reference (`{env:…}`, `{file:…}`) with other text")
        }
        KeyText::Literal(_) => literal_header_key(state, path, secret),
    }
}

/// `whitelist` / `blacklist`: which models of a provider Kilo Code offers.
struct ModelFilter {
    whitelist: Option<Vec<String>>,
    blacklist: Vec<String>,
}

impl ModelFilter {
    fn refusal(&self, model: &str) -> Option<&'static str> {
        if self.blacklist.iter().any(|name| name == model) {
            Some("the provider's `blacklist` lists it, so Kilo Code does not offer it")
        } else if self
            .whitelist
            .as_ref()
            .is_some_and(|list| !list.iter().any(|name| name == model))
        {
            Some("the provider's `whitelist` does not list it, so Kilo Code does not offer it")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_texts() {
        assert_eq!(KeyText::of("sk-abc"), KeyText::Literal("sk-abc"));
        assert_eq!(
            KeyText::of(" {env:TOGETHER_API_KEY} "),
            KeyText::Env("TOGETHER_API_KEY")
        );
        assert_eq!(
            KeyText::of("{file:~/.secrets/k}"),
            KeyText::File("~/.secrets/k")
        );
        assert_eq!(KeyText::of("sk-{env:SUFFIX}"), KeyText::Mixed);
        assert_eq!(KeyText::of("{env:A}{env:B}"), KeyText::Mixed);
        assert_eq!(KeyText::of("{env:}"), KeyText::Mixed);
        assert_eq!(KeyText::of("{file:a}b}"), KeyText::Mixed);
    }
}
