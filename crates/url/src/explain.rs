//! The one-line explanation of which rule applied (`Endpoints::rule`), and the
//! reasons given when no models URL exists. All wording lives here.

use std::fmt;

use crate::OPENAI_DEFAULT_BASE_URL;
use crate::kind::{BaseWhy, FullWhy};

/// Why `models` is `None` for a full endpoint that is not `…/chat/completions`.
pub(crate) const NO_MODELS_FOR_FULL_ENDPOINT: &str = "set `models_url` to list models: this full endpoint does not end in /chat/completions, so no models URL can be derived from it";
/// Why `models` is `None` for an Azure OpenAI full endpoint whose path has
/// neither `/deployments/` nor `/openai` (a gateway route).
pub(crate) const NO_MODELS_FOR_AZURE_ENDPOINT: &str = "set `models_url` to list models: this Azure OpenAI endpoint has neither /deployments/ nor /openai in its path, so where the Azure models list lives cannot be derived from it";
/// Why `models` is `None` for Azure AI Inference.
pub(crate) const NO_MODELS_FOR_AI_INFERENCE: &str =
    "set `models_url` to list models: Azure AI Inference has no model-list endpoint";

/// Why `responses` is `None` for a full endpoint that ends neither in
/// `/chat/completions` nor in `/responses`.
pub(crate) const NO_RESPONSES_FOR_FULL_ENDPOINT: &str = "give the base URL or a full …/responses URL to use the Responses API: this full endpoint does not end in /chat/completions or /responses, so no Responses URL can be derived from it";
/// Why `responses` is `None` for an Azure OpenAI endpoint with neither
/// `/deployments/` nor `/openai` in its path.
pub(crate) const NO_RESPONSES_FOR_AZURE_ENDPOINT: &str = "give the resource's /openai/v1 URL to use the Responses API: this Azure OpenAI endpoint has neither /deployments/ nor /openai in its path";
/// Why `responses` is `None` for Azure AI Inference.
pub(crate) const NO_RESPONSES_FOR_AI_INFERENCE: &str = "use the resource's Azure OpenAI URL (…/openai/v1) for the Responses API: Azure AI Inference serves chat completions only";

/// Which rule applied, as structured data; `Display` renders the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) api: Option<Api>,
    pub(crate) reading: Reading,
    pub(crate) chat: ChatAction,
    pub(crate) models: ModelsNote,
    /// Said only where the Responses URL is not simply beside the chat URL.
    pub(crate) responses: Option<ResponsesNote>,
    pub(crate) api_version: Option<ApiVersion>,
    pub(crate) api_key_header: bool,
}

/// The API family named in front of the reading, when not standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    AzureOpenAiV1,
    AzureOpenAi,
    AzureAiInference,
}

/// How the URL was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reading {
    Base(BaseWhy),
    /// No URL set, native provider.
    NativeDefault,
    Full(FullWhy),
    /// Azure: the path already contains `/deployments/`.
    FullDeployment,
    /// Azure: resource root, root + `/openai`, or a gateway prefix.
    ResourceUrl,
    /// Azure: a path ending in `/deployments/{name}`.
    DeploymentUrl,
}

/// What was done to get the chat URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ChatAction {
    Appended(&'static str),
    AsGiven,
    /// A full `…/responses` endpoint: chat URL derived by replacing the tail.
    FromResponses,
    /// Azure resource URL: the deployment path was built.
    Built {
        path: String,
        deployment_from: &'static str,
    },
}

/// How the Responses URL was made, where that needs saying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ResponsesNote {
    /// Azure's deployment API: the Responses endpoint is not per deployment.
    AzureDeployments { path: String, version: String },
}

/// Where the models URL came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ModelsNote {
    Appended,
    TailReplaced,
    /// Azure "Models - List" at this path.
    AzureList(String),
    Explicit,
    Missing,
}

/// The `api-version` sent, and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiVersion {
    pub(crate) value: String,
    pub(crate) source: ApiVersionSource,
}

/// Where the `api-version` came from, in precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiVersionSource {
    /// Configured `query` (configuration wins on a clash).
    Query,
    Url,
    /// `azure.api_version`.
    Configured,
    Default,
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AzureOpenAiV1 => "Azure OpenAI v1 API",
            Self::AzureOpenAi => "Azure OpenAI",
            Self::AzureAiInference => "Azure AI Inference",
        })
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Base(BaseWhy::Detected) => f.write_str("base URL"),
            Self::Base(BaseWhy::Forced) => f.write_str("base URL (endpoint_mode = base)"),
            Self::NativeDefault => write!(
                f,
                "base URL (none set: OpenAI default {OPENAI_DEFAULT_BASE_URL})"
            ),
            Self::Full(FullWhy::ChatCompletions) => {
                f.write_str("full endpoint (path ends with /chat/completions)")
            }
            Self::Full(FullWhy::Responses) => {
                f.write_str("full endpoint (path ends with /responses)")
            }
            Self::Full(FullWhy::LastSegment(segment)) => {
                write!(f, "full endpoint (last path segment is `{segment}`)")
            }
            Self::Full(FullWhy::Forced) => f.write_str("full endpoint (endpoint_mode = full)"),
            Self::FullDeployment => f.write_str("full endpoint (path contains /deployments/)"),
            Self::ResourceUrl => f.write_str("resource URL"),
            Self::DeploymentUrl => f.write_str("deployment URL"),
        }
    }
}

impl fmt::Display for ApiVersionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Query => "from `query`",
            Self::Url => "from the URL",
            Self::Configured => "from `azure.api_version`",
            Self::Default => "default",
        })
    }
}

impl Rule {
    /// The rule of a standard (non-Azure) endpoint: no API family named, no
    /// api-version, the key sent as a bearer token.
    pub(crate) fn standard(reading: Reading, chat: ChatAction, models: ModelsNote) -> Rule {
        Rule {
            api: None,
            reading,
            chat,
            models,
            responses: None,
            api_version: None,
            api_key_header: false,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(api) = self.api {
            write!(f, "{api} ")?;
        }
        write!(f, "{}: ", self.reading)?;
        match (&self.chat, &self.models) {
            (ChatAction::Appended(tail), ModelsNote::Appended) => {
                write!(f, "appended {tail} and /models")?;
            }
            (chat, models) => {
                match chat {
                    ChatAction::Appended(tail) => write!(f, "appended {tail}")?,
                    ChatAction::AsGiven => f.write_str("used as given")?,
                    ChatAction::FromResponses => f.write_str(
                        "used as the Responses URL; chat URL derived by replacing the tail",
                    )?,
                    ChatAction::Built {
                        path,
                        deployment_from,
                    } => write!(f, "built {path} (deployment from `{deployment_from}`)")?,
                }
                match models {
                    ModelsNote::Appended => f.write_str("; appended /models")?,
                    ModelsNote::TailReplaced => {
                        f.write_str("; models URL derived by replacing the tail")?;
                    }
                    ModelsNote::AzureList(path) => {
                        write!(f, "; models URL {path} (Azure Models - List)")?;
                    }
                    ModelsNote::Explicit => f.write_str("; models URL from `models_url`")?,
                    ModelsNote::Missing => f.write_str("; no models URL (set `models_url`)")?,
                }
            }
        }
        if let Some(ResponsesNote::AzureDeployments { path, version }) = &self.responses {
            write!(
                f,
                "; Responses URL {path} (api-version {version}, the deployment sent as the model)"
            )?;
        }
        if let Some(version) = &self.api_version {
            write!(f, "; api-version {} ({})", version.value, version.source)?;
        }
        if self.api_key_header {
            f.write_str("; key sent in the api-key header")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_line_names_both_appended_tails() {
        let line = Rule::standard(
            Reading::Base(BaseWhy::Detected),
            ChatAction::Appended("/chat/completions"),
            ModelsNote::Appended,
        );
        assert_eq!(
            line.to_string(),
            "base URL: appended /chat/completions and /models"
        );
    }

    #[test]
    fn full_line_says_used_as_given_and_how_models_was_found() {
        let line = Rule::standard(
            Reading::Full(FullWhy::ChatCompletions),
            ChatAction::AsGiven,
            ModelsNote::TailReplaced,
        );
        assert_eq!(
            line.to_string(),
            "full endpoint (path ends with /chat/completions): used as given; models URL derived by replacing the tail"
        );
    }

    #[test]
    fn azure_line_names_api_version_source_and_header() {
        let line = Rule {
            api: Some(Api::AzureOpenAi),
            api_version: Some(ApiVersion {
                value: "2024-10-21".into(),
                source: ApiVersionSource::Configured,
            }),
            api_key_header: true,
            ..Rule::standard(
                Reading::ResourceUrl,
                ChatAction::Built {
                    path: "/openai/deployments/d/chat/completions".into(),
                    deployment_from: "model",
                },
                ModelsNote::AzureList("/openai/models".into()),
            )
        };
        assert_eq!(
            line.to_string(),
            "Azure OpenAI resource URL: built /openai/deployments/d/chat/completions (deployment from `model`); models URL /openai/models (Azure Models - List); api-version 2024-10-21 (from `azure.api_version`); key sent in the api-key header"
        );
    }
}
