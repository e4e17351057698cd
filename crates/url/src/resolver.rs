//! `resolve`: validate the input, pick the flavor's rules, build the URLs.

use url::Url;

use crate::endpoints::{Endpoints, Flavor};
use crate::error::{UrlError, UrlSetting};
use crate::explain::ModelsNote;
use crate::options::ResolveOptions;
use crate::plan::ModelsPlan;
use crate::query::{self, Query};
use crate::target::Target;
use crate::{OPENAI_DEFAULT_BASE_URL, azure, flavor, inference, input, standard};

/// Resolve `input` (the configured base URL, or a full endpoint) into [`Endpoints`].
///
/// Applies the URL rules in order: trim; require an http(s) scheme; reject
/// credentials and fragments; drop trailing slashes; keep the query on every URL
/// and merge the configured one in; detect the flavor; read the URL as a base or a
/// full endpoint; build the chat and models URLs (each rule is spelled out in
/// `docs/url-resolution.md` in the repository).
///
/// ```
/// use oac_url::{resolve, EndpointKind, ResolveOptions};
///
/// let full = resolve(
///     "https://api.provider.com/v1/chat/completions",
///     &ResolveOptions::new(),
/// )?;
/// assert_eq!(full.kind, EndpointKind::Full);
/// assert_eq!(full.chat.as_str(), "https://api.provider.com/v1/chat/completions");
/// assert_eq!(
///     full.models.map(String::from).as_deref(),
///     Some("https://api.provider.com/v1/models")
/// );
///
/// let err = resolve("api.provider.com/v1", &ResolveOptions::new()).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the base URL `api.provider.com/v1` has no scheme: write `https://api.provider.com/v1`"
/// );
/// # Ok::<(), oac_url::UrlError>(())
/// ```
///
/// # Errors
///
/// A [`UrlError`] saying what to fix: an empty URL for a compatible provider, a
/// missing or non-http(s) scheme, credentials, a fragment, whitespace, quotes, a
/// missing or invalid host or port, an invalid `models_url`, a configured query
/// parameter without a name, or an Azure resource URL without a deployment.
pub fn resolve(input: &str, options: &ResolveOptions) -> Result<Endpoints, UrlError> {
    query::validate_configured(&options.query)?;
    let (url, native_default) = base_url(input, options.openai_default)?;
    let explicit_models = explicit_models_url(options)?;

    let target = Target::new(url);
    let flavor = flavor::detect(&target.host, &target.path, options.azure.is_some());
    let mut plan = match flavor {
        Flavor::Standard => standard::plan(&target.path, options.mode, native_default),
        Flavor::AzureOpenAi => azure::plan(&target, options)?,
        Flavor::AzureAiInference => inference::plan(&target, options),
    };

    let query = url_query(&target, plan.api_version.as_deref(), options);
    let responses_query = match &plan.responses_api_version {
        Some(version) => url_query(&target, Some(version), options),
        None => query.clone(),
    };

    let chat = target.url(&plan.chat_path, query.as_deref());
    let (models, models_missing_reason) = match (explicit_models, plan.models) {
        (Some(models), _) => {
            plan.rule.models = ModelsNote::Explicit;
            (Some(models), None)
        }
        (None, ModelsPlan::Path(path)) => (Some(target.url(&path, query.as_deref())), None),
        (None, ModelsPlan::Missing(reason)) => (None, Some(reason.to_owned())),
    };

    let (responses, responses_missing_reason) = match plan.responses {
        ModelsPlan::Path(path) => (Some(target.url(&path, responses_query.as_deref())), None),
        ModelsPlan::Missing(reason) => (None, Some(reason.to_owned())),
    };

    Ok(Endpoints {
        chat,
        models,
        models_missing_reason,
        responses,
        responses_missing_reason,
        responses_model: plan.responses_model,
        stated_api: plan.stated_api,
        kind: plan.kind,
        flavor,
        auth: plan.auth,
        rule: plan.rule.to_string(),
    })
}

/// The query of a derived URL: the URL's own, `api-version` filled in when it has
/// none, the configured query merged over it (rule 4).
fn url_query(
    target: &Target,
    api_version: Option<&str>,
    options: &ResolveOptions,
) -> Option<String> {
    let mut query = target.query.clone();
    if let Some(version) = api_version {
        query.fill("api-version", version);
    }
    query.merge(&options.query);
    query.to_query_string()
}

/// Rule 1 and the validation of rules 2–3 for the base URL. The flag says the
/// OpenAI default was used because nothing was set.
fn base_url(raw: &str, openai_default: bool) -> Result<(Url, bool), UrlError> {
    let trimmed = input::trim(raw);
    if !trimmed.is_empty() {
        return Ok((input::parse(trimmed, UrlSetting::BaseUrl)?, false));
    }
    if openai_default {
        Ok((
            input::parse(OPENAI_DEFAULT_BASE_URL, UrlSetting::BaseUrl)?,
            true,
        ))
    } else {
        Err(UrlError::BaseUrlRequired)
    }
}

/// The explicit models URL: validated like the base URL, its path used as given
/// (it is the escape hatch), the configured query merged in. Blank means unset.
fn explicit_models_url(options: &ResolveOptions) -> Result<Option<Url>, UrlError> {
    let Some(raw) = options.models_url.as_deref() else {
        return Ok(None);
    };
    let trimmed = input::trim(raw);
    if trimmed.is_empty() {
        return Ok(None);
    }
    let mut url = input::parse(trimmed, UrlSetting::ModelsUrl)?;
    let mut query = Query::parse(url.query());
    query.merge(&options.query);
    url.set_query(query.to_query_string().as_deref());
    Ok(Some(url))
}
