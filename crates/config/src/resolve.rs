//! Precedence (flags > environment > profile > defaults), key lookup, provider
//! choice, URL resolution and model-info merging: a [`Profile`] becomes a
//! [`ResolvedProfile`].

use oac_provider::files::{FileKind, ShownPath, check_file, read_capped_string};
use std::path::{Path, PathBuf};

use oac_url::{
    AzureOptions, Endpoints, ResolveOptions, Url, UrlError, UrlSetting, WireApi, is_loopback,
};
use secrecy::{ExposeSecret, SecretString};

use crate::catalog::{Catalog, CatalogEntry, Similar};
use crate::convert::is_var_name;
use crate::env::{
    ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, Environment, expand_path, is_showable_var_name,
    non_empty, shown_key_var,
};
use crate::model_info::{ModelInfo, ModelInfoOverrides};
use crate::native_checks;
use crate::overrides::{Overrides, apply_headers};
use crate::problem::{ProblemKind, Report, WarningKind, child};
use crate::profile::{
    ApiChoice, AuthStyle, KeySource, MaxTokensField, Profile, ProviderChoice, Timeouts,
    is_openai_host,
};
use crate::resolved::ResolvedProfile;
use crate::schema::{self, defaults};
use crate::validate;
use oac_provider::CompatibleRules;

/// Everything above the built-in defaults.
pub(crate) struct Layers<'a> {
    /// The profile's name, when one was chosen.
    pub(crate) name: Option<&'a str>,
    /// The profile (empty when none was chosen).
    pub(crate) profile: &'a Profile,
    /// The profile's path (`profiles.x`), empty for a profile built in code.
    pub(crate) at: String,
    /// Flags.
    pub(crate) overrides: &'a Overrides,
    /// Where `api_key_env` variables (and, for the loader, `OPENAI_*`) are read.
    pub(crate) env: &'a dyn Environment,
    /// Whether `OPENAI_BASE_URL`, `OPENAI_MODEL` and `OPENAI_API_KEY` apply.
    pub(crate) read_openai_env: bool,
    /// The config file's directory, for relative paths.
    pub(crate) base_dir: Option<&'a Path>,
    /// Whether a missing model id is a problem.
    pub(crate) require_model: bool,
    /// Whether a key source that cannot be read is a problem (else a warning).
    pub(crate) require_key: bool,
    /// The user's native model catalogue; `None` is the built-in one, parsed only
    /// when a native model is looked up (a compatible client never pays for it).
    pub(crate) catalog: Option<&'a Catalog>,
    /// False when the user's catalogue file failed (`catalog` is then `None`, the
    /// built-in one): checks that depend on catalogue entries are skipped rather
    /// than reported against the wrong entries.
    pub(crate) catalog_usable: bool,
}

/// A value and where it came from (a field path, flag or variable).
pub(crate) struct Sourced {
    pub(crate) value: String,
    pub(crate) path: String,
}

impl Layers<'_> {
    /// The path of the profile's field `key` (`profiles.x.key`).
    pub(crate) fn field(&self, key: &str) -> String {
        child(&self.at, key)
    }

    /// Flag, then environment variable, then profile field.
    fn pick(
        &self,
        flag: (&Option<String>, &str),
        env_var: &str,
        profile: (&Option<String>, &str),
    ) -> Option<Sourced> {
        if let Some(value) = flag.0 {
            return Some(Sourced {
                value: value.clone(),
                path: flag.1.to_owned(),
            });
        }
        if self.read_openai_env
            && let Some(value) = non_empty(self.env, env_var)
        {
            return Some(Sourced {
                value,
                path: env_var.to_owned(),
            });
        }
        profile.0.as_ref().map(|value| Sourced {
            value: value.clone(),
            path: self.field(profile.1),
        })
    }
}

/// Applies every layer; problems and warnings go to `report`. `None` when the
/// endpoints could not be resolved (the reason is in `report`).
pub(crate) fn resolve(l: &Layers<'_>, report: &mut Report) -> Option<ResolvedProfile> {
    let p = l.profile;
    let model = pick_model(l, report);
    let model_id = model.as_ref().map_or("", |m| m.value.as_str());
    let base_url = l.pick(
        (&l.overrides.base_url, "--base-url"),
        ENV_BASE_URL,
        (&p.base_url, "base_url"),
    );
    let (provider, provider_reason) = pick_provider(l, base_url.as_ref());
    let endpoints = endpoints_of(l, provider, base_url.as_ref(), model.as_ref(), report);
    let (api_key, key_source) = key(l, report);
    let auth = auth_of(p, endpoints.as_ref());
    let mut headers = p.headers.clone();
    apply_headers(&l.overrides.headers, &mut headers, report);
    let described = describe_model(
        l,
        provider,
        model.as_ref(),
        endpoints.as_ref(),
        base_url.as_ref(),
        report,
    );
    let request_defaults = request_defaults_of(l, provider, &described.info, report);
    let ca_cert = ca_cert_of(l, report);
    let endpoints = endpoints?;
    environment_warnings(
        l,
        base_url.as_ref(),
        &endpoints,
        api_key.as_ref(),
        key_source.as_deref(),
        report,
    );
    key_warnings(
        l,
        &endpoints,
        api_key.as_ref(),
        key_source.as_deref(),
        &auth,
        &headers,
        report,
    );
    let (api, api_reason) = decide_api(l, &endpoints, described.entry.as_ref(), report);
    Some(ResolvedProfile {
        name: l.name.map(str::to_owned),
        provider,
        provider_reason,
        api,
        api_reason,
        endpoints,
        api_key,
        key_source,
        auth,
        model: model_id.to_owned(),
        headers,
        query: p.query.clone(),
        streaming: p.streaming.unwrap_or_else(defaults::streaming),
        request_defaults,
        compat: r1_rules(p.r1_format, model_id),
        parse_think_tags: p
            .parse_think_tags
            .unwrap_or_else(defaults::parse_think_tags),
        discover_model_info: p
            .discover_model_info
            .unwrap_or_else(defaults::discover_model_info),
        timeouts: timeouts_of(p),
        max_retries: p.max_retries.unwrap_or_else(defaults::max_retries),
        proxy: p.proxy.as_ref().map(|proxy| proxy.trim().to_owned()),
        ca_cert,
        azure: p.azure.clone(),
        model_info: described.info,
        model_info_sources: described.sources,
        catalog_entry: described.entry,
    })
}

/// How the key is sent: the profile's `auth`, else what the URL's flavor expects.
fn auth_of(p: &Profile, endpoints: Option<&Endpoints>) -> AuthStyle {
    p.auth
        .clone()
        .unwrap_or_else(|| endpoints.map_or(AuthStyle::Bearer, |endpoints| endpoints.auth.clone()))
}

/// The profile's `ca_cert`, its path expanded and the file checked.
fn ca_cert_of(l: &Layers<'_>, report: &mut Report) -> Option<PathBuf> {
    l.profile.ca_cert.as_ref().map(|path| {
        let path = expand_path(path, l.env, l.base_dir);
        check_ca_cert(&path, &l.field("ca_cert"), report);
        path
    })
}

/// The model id (`--model`, `OPENAI_MODEL`, the profile's), checked; a problem when
/// none is set and one is required.
fn pick_model(l: &Layers<'_>, report: &mut Report) -> Option<Sourced> {
    let p = l.profile;
    match l.pick(
        (&l.overrides.model, "--model"),
        ENV_MODEL,
        (&p.model, "model"),
    ) {
        Some(model) => {
            validate::model_id(&model.value, &model.path, report);
            Some(Sourced {
                value: model.value.trim().to_owned(),
                path: model.path,
            })
        }
        None => {
            if l.require_model {
                report.problem(
                    ProblemKind::MissingModel,
                    l.field("model"),
                    "no model id is set; set `model` in the profile, export OPENAI_MODEL, or pass --model",
                );
            }
            None
        }
    }
}

/// The implementation that serves the profile (`--provider`, the profile's, else
/// decided from the base URL), and why.
fn pick_provider(l: &Layers<'_>, base_url: Option<&Sourced>) -> (ProviderChoice, String) {
    let (choice, path) = match (l.overrides.provider, l.profile.provider) {
        (Some(choice), _) => (choice, "--provider".to_owned()),
        (None, Some(choice)) => (choice, l.field("provider")),
        (None, None) => (defaults::provider(), String::new()),
    };
    decide_provider(choice, &path, base_url.map(|b| b.value.as_str()))
}

/// The URLs the base URL resolves to, or a problem naming the field to fix.
fn endpoints_of(
    l: &Layers<'_>,
    provider: ProviderChoice,
    base_url: Option<&Sourced>,
    model: Option<&Sourced>,
    report: &mut Report,
) -> Option<Endpoints> {
    let model_id = model.map_or("", |m| m.value.as_str());
    let mut options = resolve_options(l.profile, provider, model_id);
    if let Some(mode) = l.overrides.endpoint_mode {
        options.mode = mode;
    }
    match oac_url::resolve(base_url.map_or("", |b| b.value.as_str()), &options) {
        Ok(endpoints) => Some(endpoints),
        Err(err) => {
            let base_path = base_url.map_or_else(|| l.field("base_url"), |b| b.path.clone());
            let model_path = model.map_or_else(|| l.field("model"), |m| m.path.clone());
            let mut message = err.to_string();
            if matches!(err, UrlError::BaseUrlRequired) && l.read_openai_env {
                message.push_str(" (or export OPENAI_BASE_URL, or pass --base-url)");
            }
            let path = url_error_path(&err, &l.at, base_path, model_path);
            report.problem(ProblemKind::InvalidUrl, path, message);
            None
        }
    }
}

/// What is known of the model: its catalogue entry (native models), its info with
/// the profile's `model_info` on top, and where each field came from.
struct Described {
    entry: Option<CatalogEntry>,
    info: ModelInfo,
    sources: oac_provider::ModelInfoSources,
}

/// The model's description, checked (native models: efforts, temperature, the
/// Azure api-version their requests need).
fn describe_model(
    l: &Layers<'_>,
    provider: ProviderChoice,
    model: Option<&Sourced>,
    endpoints: Option<&Endpoints>,
    base_url: Option<&Sourced>,
    report: &mut Report,
) -> Described {
    let model_id = model.map_or("", |m| m.value.as_str());
    let model_path = model.map(|m| m.path.as_str());
    let native = provider == ProviderChoice::OpenAiNative && !model_id.is_empty();
    let entry = if native {
        native_entry(l, model_id, model_path, report)
    } else {
        None
    };
    let overrides = model_info_overrides(l, model, report);
    let info = merge_model_info(entry.as_ref().map(|entry| entry.info.clone()), overrides);
    let sources = oac_provider::ModelInfoSources::layered(
        overrides,
        if entry.is_some() {
            oac_provider::InfoSource::Catalog
        } else {
            oac_provider::InfoSource::Default
        },
    );
    if l.catalog_usable {
        validate::merged_model_info(&info, overrides, &l.field("model_info"), report);
    }
    if native {
        let checked = native_checks::NativeModel {
            id: model_id,
            path: model_path,
            entry: entry.as_ref(),
            info: &info,
            overrides,
        };
        if l.catalog_usable {
            native_checks::efforts(l, &checked, report);
        }
        native_checks::temperature(l, &checked, report);
        if let Some(endpoints) = endpoints {
            native_checks::azure_api_version(l, &checked, endpoints, base_url, report);
        }
    }
    Described {
        entry,
        info,
        sources,
    }
}

/// The request defaults of the schema, with the max-tokens field the provider
/// needs, and a warning for settings that cannot take effect.
fn request_defaults_of(
    l: &Layers<'_>,
    provider: ProviderChoice,
    model_info: &ModelInfo,
    report: &mut Report,
) -> oac_provider::RequestDefaults {
    let p = l.profile;
    let mut request_defaults = schema::request_defaults(p);
    request_defaults.max_tokens_field = if provider == ProviderChoice::OpenAiNative {
        if p.max_tokens_field == Some(MaxTokensField::MaxTokens) {
            report.warning(
                WarningKind::SettingIgnored,
                l.field("max_tokens_field"),
                "the OpenAI-native provider always sends max_completion_tokens; remove max_tokens_field",
            );
        }
        MaxTokensField::MaxCompletionTokens
    } else {
        p.max_tokens_field
            .unwrap_or_else(defaults::max_tokens_field)
    };
    if request_defaults.include_max_tokens
        && request_defaults.max_tokens.is_none()
        && model_info.max_output_tokens.is_none()
    {
        report.warning(
            WarningKind::SettingIgnored,
            l.field("include_max_tokens"),
            "include_max_tokens is on, but neither max_tokens nor model_info.max_output_tokens is set, so there is nothing to send; set one of them",
        );
    }
    request_defaults
}

/// The profile's timeouts, each unset one at its default.
fn timeouts_of(p: &Profile) -> Timeouts {
    let unset = Timeouts::default();
    Timeouts::new(
        p.timeout.unwrap_or_else(defaults::timeout),
        p.connect_timeout.unwrap_or_else(defaults::connect_timeout),
        p.stream_idle_timeout
            .unwrap_or_else(defaults::stream_idle_timeout),
    )
    .with_headers(p.headers_timeout.or(unset.headers))
    .with_first_content(p.first_content_timeout.or(unset.first_content))
}

/// Which API chat requests go through, and why: `--api`, else the profile's `api`;
/// under `auto`, the API a full endpoint URL names, else the one the catalogue says
/// a native model needs, else chat completions. A Responses choice that has no
/// Responses URL (a full endpoint of another kind, Azure AI Inference) is a load
/// problem saying what to give instead.
fn decide_api(
    l: &Layers<'_>,
    endpoints: &Endpoints,
    entry: Option<&CatalogEntry>,
    report: &mut Report,
) -> (WireApi, String) {
    let (choice, path) = match (l.overrides.api, l.profile.api) {
        (Some(choice), _) => (choice, "--api".to_owned()),
        (None, Some(choice)) => (choice, l.field("api")),
        (None, None) => (defaults::api(), l.field("api")),
    };
    let (api, reason) = match (choice, endpoints.stated_api, entry.and_then(|e| e.api)) {
        (ApiChoice::Chat, ..) => (WireApi::Chat, format!("{path} = chat")),
        (ApiChoice::Responses, ..) => (WireApi::Responses, format!("{path} = responses")),
        (_, Some(stated), _) => (
            stated,
            format!(
                "api is auto and the URL is a full {} endpoint",
                match stated {
                    WireApi::Responses => "…/responses",
                    _ => "…/chat/completions",
                }
            ),
        ),
        (_, None, Some(needed)) => (
            needed,
            format!(
                "api is auto and the catalogue says `{}` is served only by {}",
                entry.map_or("", |e| e.id.as_str()),
                match needed {
                    WireApi::Responses => "the Responses API",
                    _ => "chat completions",
                }
            ),
        ),
        _ => (
            WireApi::Chat,
            "api is auto: chat completions, which every compatible server serves".to_owned(),
        ),
    };
    if api == WireApi::Responses
        && let Err(reason) = endpoints.url_for(WireApi::Responses)
    {
        report.problem(
            ProblemKind::InvalidValue,
            path,
            format!("the Responses API cannot be used with this URL: {reason}"),
        );
    }
    (api, reason)
}

/// The generic provider's R1 rules, decided once here: the R1 message format when
/// `r1_format` says so, else when the name rules (`data/names.toml`) do (DeepSeek
/// reasoners); assistant `reasoning_content` sent back under the R1 format and
/// wherever the name rules say (tool loops of DeepSeek reasoners want it).
fn r1_rules(r1_format: Option<bool>, model: &str) -> CompatibleRules {
    let r1 = r1_format
        .or_else(|| crate::names::r1_format(model))
        .unwrap_or(false);
    let reasoning_back = crate::names::reasoning_content(model).unwrap_or(false);
    CompatibleRules::r1_format(r1).with_reasoning_content(r1 || reasoning_back)
}

/// The catalogue entry of a native model. An unknown id is allowed (new models
/// appear weekly) and gets the compatible defaults, with a warning unless the
/// profile describes the model itself.
fn native_entry(
    l: &Layers<'_>,
    model_id: &str,
    model_path: Option<&str>,
    report: &mut Report,
) -> Option<CatalogEntry> {
    let catalog: &Catalog = l.catalog.unwrap_or_else(|| Catalog::builtin());
    if let Some(entry) = catalog.entry_for(model_id) {
        return Some(entry);
    }
    if l.profile.model_info.is_empty() {
        let path = model_path.map_or_else(|| l.field("model"), str::to_owned);
        let fix = match catalog.similar(model_id) {
            Some(Similar::Spelling(id)) => format!(
                "did you mean `{id}`? Otherwise describe the model in the profile's model_info or add it to a catalogue file (`catalog` in the config, or OAC_CATALOG)"
            ),
            Some(Similar::VersionOf(id)) => format!(
                "if it is a version of `{id}` with the same limits and prices, add `[models.\"{model_id}\"]` with `based_on = \"{id}\"` to a catalogue file (`catalog` in the config, or OAC_CATALOG), or describe it in the profile's model_info"
            ),
            _ => "describe it in the profile's model_info or add it to a catalogue file (`catalog` in the config, or OAC_CATALOG)".to_owned(),
        };
        report.warning(
            WarningKind::UnknownModel,
            path,
            format!(
                "`{model_id}` is not in the OpenAI model catalogue, so its info is unknown: the compatible defaults apply ({}-token context, images allowed, no max output) and cost is reported as unknown; {fix}",
                ModelInfo::compatible_default().context_window
            ),
        );
    }
    None
}

/// The profile's `model_info`, when it describes the model in use. A profile's
/// `model_info` is the configuration of the profile's own `model`: when a flag or
/// variable picks a different model, its limits and prices would be wrong for it
/// (a cost computed with another model's prices), so they are set aside with a
/// warning and the model gets the catalogue's info or the defaults.
fn model_info_overrides<'p>(
    l: &Layers<'p>,
    model: Option<&Sourced>,
    report: &mut Report,
) -> &'p ModelInfoOverrides {
    static NONE: std::sync::LazyLock<ModelInfoOverrides> =
        std::sync::LazyLock::new(ModelInfoOverrides::default);
    let p = l.profile;
    let (Some(own), Some(chosen)) = (p.model.as_deref().map(str::trim), model) else {
        return &p.model_info;
    };
    if chosen.path == l.field("model") || own == chosen.value || p.model_info.is_empty() {
        return &p.model_info;
    }
    report.warning(
        WarningKind::SettingIgnored,
        l.field("model_info"),
        format!(
            "{} describes `{own}`, but the model in use is `{}` (from {}), so its limits and prices are not used; drop {} to use `{own}`, or give `{}` a profile of its own",
            l.field("model_info"),
            chosen.value,
            chosen.path,
            chosen.path,
            chosen.value
        ),
    );
    &NONE
}

/// The model's info: `base` (a catalogue entry; [`ModelInfo::compatible_default`]
/// when there is none) with the profile's `model_info` applied field by field.
pub(crate) fn merge_model_info(
    base: Option<ModelInfo>,
    overrides: &ModelInfoOverrides,
) -> ModelInfo {
    base.unwrap_or_else(ModelInfo::compatible_default)
        .with_overrides(overrides)
}

/// The provider for `choice` and the base URL as written, with the reason
/// ([`ProviderChoice::decide`] holds the rule). A base URL that does not parse
/// names no OpenAI host, so `auto` makes it compatible (its own problem is
/// reported where it is resolved).
pub(crate) fn decide_provider(
    choice: ProviderChoice,
    source: &str,
    base_url: Option<&str>,
) -> (ProviderChoice, String) {
    if matches!(
        choice,
        ProviderChoice::Compatible | ProviderChoice::OpenAiNative
    ) {
        return (choice, format!("{choice}: set by {source}"));
    }
    let Some(base_url) = base_url.map(str::trim).filter(|url| !url.is_empty()) else {
        return (
            choice.decide(None),
            "openai-native: provider is auto and no base URL is set, so the OpenAI API is used"
                .to_owned(),
        );
    };
    let Ok(url) = Url::parse(base_url) else {
        return (
            ProviderChoice::Compatible,
            "compatible: provider is auto and the base URL does not name api.openai.com".to_owned(),
        );
    };
    let decided = choice.decide(Some(&url));
    let reason = match (decided, url.host_str()) {
        (ProviderChoice::OpenAiNative, _) => {
            "openai-native: provider is auto and the host is api.openai.com".to_owned()
        }
        (_, Some(host)) => {
            format!("compatible: provider is auto and the host `{host}` is not api.openai.com")
        }
        (_, None) => {
            "compatible: provider is auto and the base URL does not name api.openai.com".to_owned()
        }
    };
    (decided, reason)
}

/// The url crate's options from a profile.
fn resolve_options(p: &Profile, provider: ProviderChoice, model: &str) -> ResolveOptions {
    let mut options = ResolveOptions::new()
        .mode(p.endpoint_mode.unwrap_or_else(defaults::endpoint_mode))
        // The OpenAI-native provider's empty base URL means OpenAI's.
        .openai_default(provider == ProviderChoice::OpenAiNative)
        .query(p.query.clone());
    if !model.is_empty() {
        options = options.model(model);
    }
    if let Some(models_url) = &p.models_url {
        options = options.models_url(models_url.clone());
    }
    if let Some(azure) = &p.azure {
        let mut settings = AzureOptions::new();
        if let Some(version) = &azure.api_version {
            settings = settings.api_version(version.clone());
        }
        if let Some(deployment) = &azure.deployment {
            settings = settings.deployment(deployment.clone());
        }
        options = options.azure(settings);
    }
    options
}

/// Checks a profile's own URLs as written (before flags and environment), so a
/// broken URL in any profile of a file is reported, not only in the one in use.
pub(crate) fn check_profile_urls(p: &Profile, at: &str, report: &mut Report) {
    if p.base_url.is_none() && p.models_url.is_none() {
        return;
    }
    let source = child(at, "provider");
    let (provider, _) = decide_provider(
        p.provider.unwrap_or_else(defaults::provider),
        &source,
        p.base_url.as_deref(),
    );
    let model = p.model.as_deref().map_or("", str::trim);
    let options = resolve_options(p, provider, model);
    match oac_url::resolve(p.base_url.as_deref().unwrap_or(""), &options) {
        // The model (and so the Azure deployment) may still come from a flag or
        // the environment; a missing base URL is reported for the profile in use.
        Ok(_) | Err(UrlError::DeploymentRequired | UrlError::BaseUrlRequired) => {}
        Err(err) => {
            let path = url_error_path(&err, at, child(at, "base_url"), child(at, "model"));
            report.problem(ProblemKind::InvalidUrl, path, err.to_string());
        }
    }
}

/// Which setting a URL error is about.
fn url_error_path(err: &UrlError, at: &str, base_path: String, model_path: String) -> String {
    match err {
        UrlError::DeploymentRequired => model_path,
        UrlError::QueryNameRequired => child(at, "query"),
        UrlError::SchemeRequired { setting, .. }
        | UrlError::UnsupportedScheme { setting, .. }
        | UrlError::CredentialsNotAllowed { setting, .. }
        | UrlError::FragmentNotAllowed { setting, .. }
        | UrlError::WhitespaceNotAllowed { setting, .. }
        | UrlError::QuotesNotAllowed { setting, .. }
        | UrlError::HostRequired { setting, .. }
        | UrlError::InvalidPort { setting, .. }
        | UrlError::InvalidHost { setting, .. }
        | UrlError::Unparsable { setting, .. }
            if *setting == UrlSetting::ModelsUrl =>
        {
            child(at, "models_url")
        }
        _ => base_path,
    }
}

/// The key and where it came from (see [`key_from_sources`]). When the key is not
/// required, a source that cannot be read is a warning instead of a problem.
fn key(l: &Layers<'_>, report: &mut Report) -> (Option<SecretString>, Option<String>) {
    if l.require_key {
        return key_from_sources(l, report);
    }
    let mut own = Report::default();
    let found = key_from_sources(l, &mut own);
    for problem in own.problems {
        if matches!(
            problem.kind,
            ProblemKind::KeyEnvNotSet | ProblemKind::KeyFileUnreadable
        ) {
            report.warning(WarningKind::MissingKey, problem.path, problem.message);
        } else {
            report.problem(problem.kind, problem.path, problem.message);
        }
    }
    for warning in own.warnings {
        report.warning(warning.kind, warning.path, warning.message);
    }
    found
}

/// The key and where it came from: `--api-key-env` > the profile's source >
/// `OPENAI_API_KEY` (only when the profile names no source).
fn key_from_sources(l: &Layers<'_>, report: &mut Report) -> (Option<SecretString>, Option<String>) {
    if let Some(var) = &l.overrides.api_key_env {
        return key_from_var(l.env, var, "--api-key-env", report);
    }
    match &l.profile.key {
        Some(KeySource::Inline(key)) => (Some(key.clone()), Some(l.field("api_key"))),
        Some(KeySource::Env(var)) => key_from_var(l.env, var, &l.field("api_key_env"), report),
        Some(KeySource::File(path)) => {
            let path = expand_path(path, l.env, l.base_dir);
            let setting = l.field("api_key_file");
            let key = key_from_file(&path, &setting, report);
            let source = key
                .as_ref()
                .map(|_| format!("{setting} ({})", ShownPath(&path)));
            (key, source)
        }
        None if l.read_openai_env => match l.env.var(ENV_API_KEY) {
            Some(value) => {
                let key = trimmed_secret(SecretString::from(value));
                let source = key.as_ref().map(|_| ENV_API_KEY.to_owned());
                (key, source)
            }
            None => (None, None),
        },
        None => (None, None),
    }
}

/// A secret without surrounding whitespace; `None` when nothing is left. The
/// untrimmed copy is zeroized when dropped.
fn trimmed_secret(raw: SecretString) -> Option<SecretString> {
    let trimmed = raw.expose_secret().trim();
    (!trimmed.is_empty()).then(|| SecretString::from(trimmed))
}

fn key_from_var(
    env: &dyn Environment,
    var: &str,
    setting: &str,
    report: &mut Report,
) -> (Option<SecretString>, Option<String>) {
    if !is_var_name(var) {
        report.problem(
            ProblemKind::InvalidValue,
            setting,
            format!("{setting} must name an environment variable (letters, digits and `_`, e.g. TOGETHER_API_KEY); the value given does not look like one and is not shown in case it is the key itself"),
        );
        return (None, None);
    }
    let showable = is_showable_var_name(var);
    match env
        .var(var)
        .map(SecretString::from)
        .and_then(trimmed_secret)
    {
        Some(key) => {
            let source = if showable {
                format!("{setting} (`{var}`)")
            } else {
                format!("{setting} (a variable whose name is not shown)")
            };
            (Some(key), Some(source))
        }
        None => {
            let state = if env.var(var).is_some() {
                "is set but empty"
            } else {
                "is not set"
            };
            let shown = shown_key_var(var, setting);
            let fix = if showable {
                format!("export it with the API key, or name another variable in {setting}")
            } else {
                format!(
                    "if that is the key itself, put it in a file and use api_key_file instead; otherwise export the variable with the API key, or name another one in {setting}"
                )
            };
            report.problem(
                ProblemKind::KeyEnvNotSet,
                setting,
                format!("the environment variable {shown} {state}; {fix}"),
            );
            (None, None)
        }
    }
}

fn key_from_file(path: &Path, setting: &str, report: &mut Report) -> Option<SecretString> {
    let shown = ShownPath(path);
    let problem = match read_capped_string(path, FileKind::KeyFile) {
        Ok(text) => {
            let raw = SecretString::from(text);
            let key = raw.expose_secret().trim();
            if key.is_empty() {
                format!("the key file `{shown}` is empty; write the API key into it")
            } else if key.contains(char::is_whitespace) {
                format!(
                    "the key file `{shown}` holds more than a key (it contains spaces or several lines); it must hold only the API key"
                )
            } else {
                return Some(SecretString::from(key));
            }
        }
        Err(err) if !shown.is_shown() => format!(
            "cannot read the key file {shown}: {err}; {setting} must be the path of a file holding the key: if you put the key itself there, move it into a file (readable by you alone) and name that file"
        ),
        Err(err) => format!(
            "cannot read the key file `{shown}`: {err}; create it with only the API key in it (readable by you alone), or fix the path"
        ),
    };
    report.problem(ProblemKind::KeyFileUnreadable, setting, problem);
    None
}

fn check_ca_cert(path: &Path, setting: &str, report: &mut Report) {
    if let Err(err) = check_file(path, FileKind::CaCert) {
        report.problem(
            ProblemKind::CaCertUnreadable,
            setting,
            format!(
                "cannot use the ca_cert file `{}`: {err}; point ca_cert at a PEM certificate file",
                ShownPath(path)
            ),
        );
    }
}

/// Where the environment quietly changes what the profile says: `OPENAI_BASE_URL`
/// sending the profile's requests (and key) to another server, and
/// `OPENAI_API_KEY` (usually an OpenAI key) sent to a profile's other host.
fn environment_warnings(
    l: &Layers<'_>,
    base_url: Option<&Sourced>,
    endpoints: &Endpoints,
    api_key: Option<&SecretString>,
    key_source: Option<&str>,
    report: &mut Report,
) {
    let from_env = base_url.is_some_and(|b| b.path == ENV_BASE_URL);
    let profile_url = l
        .profile
        .base_url
        .as_deref()
        .and_then(|url| Url::parse(url.trim()).ok());
    if from_env
        && let Some(profile_url) = profile_url
        && profile_url.origin() != endpoints.chat.origin()
    {
        let to = endpoints.chat.origin().ascii_serialization();
        let instead = profile_url.origin().ascii_serialization();
        let key = match (api_key, key_source) {
            (Some(_), Some(source)) if source != ENV_API_KEY => {
                format!(", and the profile's key (from {source}) is sent there")
            }
            _ => String::new(),
        };
        report.warning(
            WarningKind::SettingOverridden,
            ENV_BASE_URL,
            format!(
                "OPENAI_BASE_URL replaces {}: requests go to {to} instead of {instead}{key}; unset OPENAI_BASE_URL to use the profile's URL, or pass --base-url to choose on purpose",
                l.field("base_url")
            ),
        );
    }
    let from_profile = base_url.is_some_and(|b| b.path == l.field("base_url"));
    let to = endpoints.chat.host_str().unwrap_or("the server");
    if key_source == Some(ENV_API_KEY)
        && from_profile
        && !is_openai_host(&endpoints.chat)
        && !is_loopback(&endpoints.chat)
    {
        report.warning(
            WarningKind::OpenAiKeyToOtherHost,
            ENV_API_KEY,
            format!(
                "the key comes from OPENAI_API_KEY, which usually holds an OpenAI key, and is sent to `{to}` ({}); name this provider's key in the profile with api_key_env or api_key_file (api_key_env = \"OPENAI_API_KEY\" if that variable really holds it)",
                l.field("base_url")
            ),
        );
    }
}

fn key_warnings(
    l: &Layers<'_>,
    endpoints: &Endpoints,
    api_key: Option<&SecretString>,
    key_source: Option<&str>,
    auth: &AuthStyle,
    headers: &crate::headers::Headers,
    report: &mut Report,
) {
    let credential_in_headers = headers.contains("Authorization")
        || auth
            .header_name()
            .is_some_and(|name| headers.contains(name));
    if api_key.is_none()
        && *auth != AuthStyle::None
        && !credential_in_headers
        && !is_loopback(&endpoints.chat)
    {
        let host = endpoints.chat.host_str().unwrap_or("the server");
        report.warning(
            WarningKind::MissingKey,
            l.field("api_key"),
            format!("no API key is set for {host}, which is not this machine, so requests will likely be rejected; set api_key_env or api_key_file in the profile, or export OPENAI_API_KEY"),
        );
    }
    if api_key.is_some() && *auth == AuthStyle::None {
        report.warning(
            WarningKind::KeyNotSent,
            l.field("auth"),
            format!(
                "a key is configured ({}) but auth is \"none\", so it is never sent; remove the key or set auth",
                key_source.unwrap_or("key")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deepseek_reasoners_get_the_r1_format_and_their_reasoning_back() {
        let reasoner = r1_rules(None, "deepseek-reasoner");
        assert!(reasoner.r1_format && reasoner.send_reasoning_content);
        // R1 distills want their reasoning back but keep the plain message format.
        for id in ["deepseek-r1", "deepseek-r1-distill-qwen-32b"] {
            let rules = r1_rules(None, id);
            assert!(!rules.r1_format && rules.send_reasoning_content, "{id}");
        }
        let other = r1_rules(None, "deepseek-chat");
        assert!(!other.r1_format && !other.send_reasoning_content);
        // The setting wins over the id; the R1 format always sends reasoning back.
        assert!(!r1_rules(Some(false), "deepseek-reasoner").r1_format);
        let forced = r1_rules(Some(true), "my-r1-finetune");
        assert!(forced.r1_format && forced.send_reasoning_content);
    }

    #[test]
    fn auto_without_url_is_native() {
        let (choice, reason) = decide_provider(ProviderChoice::Auto, "", None);
        assert_eq!(choice, ProviderChoice::OpenAiNative);
        assert!(reason.contains("no base URL"), "{reason}");
    }

    #[test]
    fn auto_with_openai_host_is_native() {
        let (choice, _) = decide_provider(
            ProviderChoice::Auto,
            "",
            Some(" https://API.openai.com/v1 "),
        );
        assert_eq!(choice, ProviderChoice::OpenAiNative);
    }

    #[test]
    fn auto_with_other_host_is_compatible() {
        let (choice, reason) = decide_provider(
            ProviderChoice::Auto,
            "",
            Some("https://api.together.xyz/v1"),
        );
        assert_eq!(choice, ProviderChoice::Compatible);
        assert!(reason.contains("api.together.xyz"), "{reason}");
    }

    #[test]
    fn explicit_choice_names_its_source() {
        let (choice, reason) = decide_provider(
            ProviderChoice::Compatible,
            "--provider",
            Some("https://api.openai.com/v1"),
        );
        assert_eq!(choice, ProviderChoice::Compatible);
        assert_eq!(reason, "compatible: set by --provider");
    }

    #[test]
    fn trimmed_secret_drops_blank_values() {
        assert!(trimmed_secret(SecretString::from("  \n")).is_none());
        let key = trimmed_secret(SecretString::from(" sk-1 \n")).unwrap();
        assert_eq!(key.expose_secret(), "sk-1");
    }
}
