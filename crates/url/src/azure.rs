//! Rule 9: Azure OpenAI. The v1 API is a standard base; a path with
//! `/deployments/` follows full-endpoint rules; a resource URL gets the
//! deployment path built. Every form but v1 carries an `api-version`, and the
//! key goes in the `api-key` header.

use crate::UrlError;
use crate::endpoints::WireApi;
use crate::endpoints::{AuthStyle, EndpointKind};
use crate::explain::{
    self, Api, ApiVersion, ApiVersionSource, ChatAction, ModelsNote, Reading, ResponsesNote, Rule,
};
use crate::kind::{self, BaseWhy, Decision, FullWhy};
use crate::options::ResolveOptions;
use crate::path::{self, CHAT_COMPLETIONS, MODELS, RESPONSES};
use crate::plan::{ModelsPlan, Plan};
use crate::query::Query;
use crate::standard;
use crate::target::Target;

/// `api-version` when neither the URL nor the configuration sets one.
pub(crate) const DEFAULT_API_VERSION: &str = "2024-08-01-preview";

/// `api-version` of the deployment API's Responses URL (`/openai/responses`) when
/// neither the URL nor the configuration sets one: the first version that has it.
pub(crate) const RESPONSES_API_VERSION: &str = "2025-04-01-preview";

const API_VERSION: &str = "api-version";

/// Rule 9 for an Azure OpenAI URL.
pub(crate) fn plan(target: &Target, options: &ResolveOptions) -> Result<Plan, UrlError> {
    let path = target.path.as_str();
    let segments = path::segments(path);
    if is_v1_api(&segments) {
        let mut plan = standard::plan(path, options.mode, false);
        plan.auth = AuthStyle::ApiKeyHeader;
        plan.rule.api = Some(Api::AzureOpenAiV1);
        plan.rule.api_key_header = true;
        return Ok(plan);
    }

    let configured_version = options
        .azure
        .as_ref()
        .and_then(|azure| azure.api_version.as_deref());
    let api_version = api_version(
        &target.query,
        &options.query,
        configured_version,
        DEFAULT_API_VERSION,
    );
    let decision = kind::decide(path, options.mode);
    let chat = chat_of(path, &segments, decision, options)?;
    let (models, models_note) = models_of(&chat);
    let responses_version = self::api_version(
        &target.query,
        &options.query,
        configured_version,
        RESPONSES_API_VERSION,
    );
    let stated_api = match decision {
        Decision::Full(FullWhy::Responses) => Some(WireApi::Responses),
        Decision::Full(FullWhy::ChatCompletions) => Some(WireApi::Chat),
        _ => None,
    };
    let (responses, responses_note) = match &chat.models_root {
        _ if stated_api == Some(WireApi::Responses) => (ModelsPlan::Path(path.to_owned()), None),
        Some(root) => {
            let responses_path = path::join(root, RESPONSES);
            let note = ResponsesNote::AzureDeployments {
                path: responses_path.clone(),
                version: responses_version.value.clone(),
            };
            (ModelsPlan::Path(responses_path), Some(note))
        }
        None => (
            ModelsPlan::Missing(explain::NO_RESPONSES_FOR_AZURE_ENDPOINT),
            None,
        ),
    };
    Ok(Plan {
        chat_path: chat.path,
        models,
        responses,
        responses_api_version: Some(responses_version.value),
        responses_model: chat.deployment,
        stated_api,
        kind: chat.kind,
        auth: AuthStyle::ApiKeyHeader,
        api_version: Some(api_version.value.clone()),
        rule: Rule {
            api: Some(Api::AzureOpenAi),
            reading: chat.reading,
            chat: chat.action,
            models: models_note,
            responses: responses_note,
            api_version: Some(api_version),
            api_key_header: true,
        },
    })
}

/// The chat URL of an Azure OpenAI (deployment API) URL, by how its path reads.
fn chat_of(
    path: &str,
    segments: &[&str],
    decision: Decision,
    options: &ResolveOptions,
) -> Result<Chat, UrlError> {
    // Index of a `deployments` segment that is followed by a deployment name.
    let deployments = segments
        .iter()
        .position(|s| s.eq_ignore_ascii_case("deployments"))
        .filter(|&at| at + 1 < segments.len());
    let endpoint_root = || models_root_of_endpoint(segments, deployments);
    Ok(match (decision, deployments) {
        // `{root}/responses`: the chat URL of the deployment named by the model.
        (Decision::Full(FullWhy::Responses), _) => {
            let head = path::strip_suffix_ignore_case(path, RESPONSES).unwrap_or(path);
            let mut chat = built(head, options)?;
            chat.kind = EndpointKind::Full;
            chat.reading = Reading::Full(FullWhy::Responses);
            chat
        }
        (Decision::Full(FullWhy::Forced), _) => {
            as_given(path, Reading::Full(FullWhy::Forced), endpoint_root())
        }
        (Decision::Full(_), Some(_)) => as_given(path, Reading::FullDeployment, endpoint_root()),
        (Decision::Full(why), None) => as_given(path, Reading::Full(why), endpoint_root()),
        (Decision::Base(BaseWhy::Forced), Some(_)) => {
            appended(path, Reading::Base(BaseWhy::Forced), endpoint_root())
        }
        // `…/deployments/{name}`: the deployment's base.
        (Decision::Base(BaseWhy::Detected), Some(at)) if at + 2 == segments.len() => {
            appended(path, Reading::DeploymentUrl, endpoint_root())
        }
        // `…/deployments/{name}/{operation}`: full-endpoint rules.
        (Decision::Base(BaseWhy::Detected), Some(_)) => {
            as_given(path, Reading::FullDeployment, endpoint_root())
        }
        (Decision::Base(_), None) => built(path, options)?,
    })
}

/// The models list of the resource the chat URL belongs to, when it is known.
fn models_of(chat: &Chat) -> (ModelsPlan, ModelsNote) {
    match &chat.models_root {
        Some(root) => {
            let models_path = path::join(root, MODELS);
            (
                ModelsPlan::Path(models_path.clone()),
                ModelsNote::AzureList(models_path),
            )
        }
        None => (
            ModelsPlan::Missing(explain::NO_MODELS_FOR_AZURE_ENDPOINT),
            ModelsNote::Missing,
        ),
    }
}

/// How the chat URL is made from an Azure OpenAI URL.
struct Chat {
    path: String,
    kind: EndpointKind,
    reading: Reading,
    action: ChatAction,
    /// The path `/models` is appended to for the models list; `None` when the
    /// URL says nothing about where the Azure API lives (rule 8: no models URL).
    models_root: Option<String>,
    /// The deployment the chat URL names (decoded), sent as the model of a
    /// Responses request.
    deployment: Option<String>,
}

fn as_given(path: &str, reading: Reading, models_root: Option<String>) -> Chat {
    Chat {
        path: path.to_owned(),
        kind: EndpointKind::Full,
        reading,
        action: ChatAction::AsGiven,
        models_root,
        deployment: deployment_in(path),
    }
}

fn appended(path: &str, reading: Reading, models_root: Option<String>) -> Chat {
    Chat {
        path: path::join(path, CHAT_COMPLETIONS),
        kind: EndpointKind::Base,
        reading,
        action: ChatAction::Appended(CHAT_COMPLETIONS),
        models_root,
        deployment: deployment_in(path),
    }
}

/// The decoded segment after `deployments` in an encoded path, if any.
fn deployment_in(path: &str) -> Option<String> {
    let segments = path::segments(path);
    let at = segments
        .iter()
        .position(|s| s.eq_ignore_ascii_case("deployments"))?;
    let name = segments.get(at + 1)?;
    // A path segment's `+` is a plus sign, not a space as in a query.
    let decoded = crate::query::decode_component(&name.replace('+', "%2B"));
    (!decoded.is_empty()).then_some(decoded)
}

/// Resource URL: `{root}/deployments/{deployment}/chat/completions`.
fn built(path: &str, options: &ResolveOptions) -> Result<Chat, UrlError> {
    let (deployment, deployment_from) = deployment(options)?;
    let root = resource_root(path);
    let built = format!(
        "{root}/deployments/{}{CHAT_COMPLETIONS}",
        path::encode_segment(deployment)
    );
    Ok(Chat {
        path: built.clone(),
        kind: EndpointKind::Base,
        reading: Reading::ResourceUrl,
        action: ChatAction::Built {
            path: built,
            deployment_from,
        },
        models_root: Some(root),
        deployment: Some(deployment.to_owned()),
    })
}

/// The `api-version` to send: configured `query` (configuration wins on a
/// clash), else the URL's, else the configured one, else `default`. Blank values
/// count as absent.
pub(crate) fn api_version(
    url_query: &Query,
    configured_query: &[(String, String)],
    configured: Option<&str>,
    default: &str,
) -> ApiVersion {
    let non_blank = |value: &str| {
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let from_query = configured_query
        .iter()
        .find(|(name, _)| name == API_VERSION)
        .map(|(_, value)| value.clone());
    let (value, source) = if let Some(value) = from_query {
        (value, ApiVersionSource::Query)
    } else if let Some(value) = url_query.get(API_VERSION).and_then(non_blank) {
        (value, ApiVersionSource::Url)
    } else if let Some(value) = configured.and_then(non_blank) {
        (value, ApiVersionSource::Configured)
    } else {
        (default.to_owned(), ApiVersionSource::Default)
    };
    ApiVersion { value, source }
}

/// The path contains `/openai/v1` (the v1 API, a standard base).
fn is_v1_api(segments: &[&str]) -> bool {
    segments
        .windows(2)
        .any(|pair| pair[0].eq_ignore_ascii_case("openai") && pair[1].eq_ignore_ascii_case("v1"))
}

/// The deployment name: `azure.deployment`, else the model id.
fn deployment(options: &ResolveOptions) -> Result<(&str, &'static str), UrlError> {
    let configured = options
        .azure
        .as_ref()
        .and_then(|azure| non_blank(azure.deployment.as_deref()));
    if let Some(deployment) = configured {
        return Ok((deployment, "azure.deployment"));
    }
    non_blank(options.model.as_deref())
        .map(|model| (model, "model"))
        .ok_or(UrlError::DeploymentRequired)
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// For a resource URL: the path the deployments live under. Root and root +
/// `/openai` give `/openai`; a gateway prefix is kept (`/aoai` → `/aoai/openai`),
/// as the official SDKs do; nothing typed is dropped.
fn resource_root(path: &str) -> String {
    let path = path::strip_suffix_ignore_case(path, "/deployments").unwrap_or(path);
    if path::strip_suffix_ignore_case(path, "/openai").is_some() {
        path.to_owned()
    } else {
        format!("{path}/openai")
    }
}

/// For a deployment or full endpoint: the path the models list hangs off. The
/// part before `/deployments`, else up to the first `/openai`; `None` when the
/// path has neither (a gateway route such as `/custom/chat`): inventing
/// `/openai/models` there would call a URL the user never named.
fn models_root_of_endpoint(segments: &[&str], deployments: Option<usize>) -> Option<String> {
    let end = deployments.or_else(|| {
        segments
            .iter()
            .position(|s| s.eq_ignore_ascii_case("openai"))
            .map(|at| at + 1)
    })?;
    Some(segments[..end].iter().map(|s| format!("/{s}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> Query {
        Query::parse(Some(raw))
    }

    #[test]
    fn resource_root_of_root_and_openai() {
        assert_eq!(resource_root(""), "/openai");
        assert_eq!(resource_root("/openai"), "/openai");
        assert_eq!(resource_root("/openai/deployments"), "/openai");
    }

    #[test]
    fn resource_root_keeps_a_gateway_prefix() {
        assert_eq!(resource_root("/aoai"), "/aoai/openai");
        assert_eq!(resource_root("/aoai/openai"), "/aoai/openai");
    }

    #[test]
    fn models_root_is_before_deployments() {
        let segments = ["openai", "deployments", "d", "chat", "completions"];
        assert_eq!(
            models_root_of_endpoint(&segments, Some(1)).as_deref(),
            Some("/openai")
        );
    }

    #[test]
    fn models_root_of_full_endpoint_without_deployments() {
        assert_eq!(
            models_root_of_endpoint(&["openai", "chat", "completions"], None).as_deref(),
            Some("/openai")
        );
    }

    #[test]
    fn no_models_root_without_deployments_or_openai() {
        assert_eq!(models_root_of_endpoint(&["custom", "chat"], None), None);
    }

    #[test]
    fn v1_api_is_matched_by_whole_segments() {
        assert!(is_v1_api(&["openai", "v1"]));
        assert!(is_v1_api(&["openai", "v1", "chat", "completions"]));
        assert!(!is_v1_api(&["openai", "v1beta"]));
        assert!(!is_v1_api(&["openai"]));
    }

    #[test]
    fn api_version_from_url_beats_configured() {
        let version = api_version(&query("api-version=url"), &[], Some("cfg"), "def");
        assert_eq!(version.value, "url");
        assert_eq!(version.source, ApiVersionSource::Url);
    }

    #[test]
    fn api_version_configured_beats_default() {
        let version = api_version(&query(""), &[], Some("cfg"), "def");
        assert_eq!(version.value, "cfg");
        assert_eq!(version.source, ApiVersionSource::Configured);
    }

    #[test]
    fn api_version_default_when_nothing_is_set() {
        let version = api_version(&query("api-version="), &[], Some("  "), "def");
        assert_eq!(version.value, "def");
        assert_eq!(version.source, ApiVersionSource::Default);
    }

    #[test]
    fn api_version_from_configured_query_wins_over_all() {
        let configured = [("api-version".to_owned(), "q".to_owned())];
        let version = api_version(&query("api-version=url"), &configured, Some("cfg"), "def");
        assert_eq!(version.value, "q");
        assert_eq!(version.source, ApiVersionSource::Query);
    }
}
