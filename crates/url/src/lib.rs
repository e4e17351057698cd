//! Resolve the base URL a user typed into the exact URLs to call, and say why.
//!
//! ```
//! use oac_url::{resolve, ResolveOptions};
//!
//! let endpoints = resolve("https://api.together.xyz/v1", &ResolveOptions::default())?;
//! println!("chat:   {}", endpoints.chat);
//! println!("models: {}", endpoints.models.as_ref().map_or("none", |url| url.as_str()));
//! assert_eq!(endpoints.chat.as_str(), "https://api.together.xyz/v1/chat/completions");
//! assert_eq!(
//!     endpoints.models.map(String::from).as_deref(),
//!     Some("https://api.together.xyz/v1/models")
//! );
//! assert_eq!(endpoints.rule, "base URL: appended /chat/completions and /models");
//! # Ok::<(), oac_url::UrlError>(())
//! ```
//!
//! Users paste either a base (`https://api.provider.com/v1`) or a complete
//! endpoint (`https://api.provider.com/v1/chat/completions`,
//! `https://custom-endpoint.provider.com/api/v2/models/chat`); both work. The
//! rules, in order:
//!
//! 1. Surrounding whitespace is trimmed. An empty URL is an error for a
//!    compatible provider and [`OPENAI_DEFAULT_BASE_URL`] for the native one.
//! 2. The scheme must be `http` or `https`; a missing one is an error suggesting
//!    the `https://` form (`http://` for local servers).
//! 3. Credentials, a `#fragment`, whitespace inside and quotes are rejected.
//! 4. Trailing slashes are dropped; the URL's query is carried to every derived
//!    URL and [`ResolveOptions::query`] is merged in (configuration wins).
//! 5. The [`Flavor`] comes from the host (or [`ResolveOptions::azure`]).
//! 6. The URL is a full endpoint when its path ends with `/chat/completions` or
//!    `/responses`, or its last segment is `chat` or `invocations`, unless
//!    [`EndpointMode`] forces base or full.
//! 7. A base gets `/chat/completions`, `/responses` (the Responses API) and
//!    `/models` appended.
//! 8. A full endpoint is used as given; the URLs beside it replace its
//!    `/chat/completions` or `/responses` tail, and it names its API
//!    ([`Endpoints::stated_api`]); any other endpoint has no models or Responses
//!    URL. An explicit [`ResolveOptions::models_url`] always wins.
//! 9. Azure OpenAI: `/openai/v1` is a standard base; a path with `/deployments/`
//!    is used as given; a resource URL becomes
//!    `/openai/deployments/{deployment}/chat/completions`; `api-version` from the
//!    URL, else configured, else `2024-08-01-preview`; key in the `api-key` header.
//!    The models URL is `/models` under the part before `/deployments` (else up
//!    to `/openai`); a full endpoint with neither in its path has none. The
//!    deployment API's Responses URL is `/openai/responses` (api-version default
//!    `2025-04-01-preview`) with the deployment as the body's model
//!    ([`Endpoints::responses_model`]).
//! 10. Azure AI Inference: `{base}/models/chat/completions`, `api-version`
//!     default `2024-05-01-preview`, Bearer, no model list.
//!
//! Azure, with the deployment taken from the model id:
//!
//! ```
//! use oac_url::{resolve, AuthStyle, Flavor, ResolveOptions};
//!
//! let options = ResolveOptions::new().model("gpt4o-prod");
//! let endpoints = resolve("https://res.openai.azure.com", &options)?;
//! assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
//! assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
//! assert_eq!(
//!     endpoints.chat.as_str(),
//!     "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-08-01-preview"
//! );
//! # Ok::<(), oac_url::UrlError>(())
//! ```
//!
//! The crate does no I/O: it only computes URLs.

mod azure;
mod endpoints;
mod error;
mod explain;
mod flavor;
mod inference;
mod input;
mod kind;
mod loopback;
mod options;
mod path;
mod plan;
mod query;
mod resolver;
mod secret;
mod standard;
mod suggest;
mod target;

pub use url::Url;

pub use endpoints::{AuthStyle, EndpointKind, Endpoints, Flavor, WireApi};
pub use error::{UrlError, UrlSetting};
pub use loopback::is_loopback;
pub use options::{AzureOptions, EndpointMode, ResolveOptions};
pub use query::{merge_query, query_value};
pub use resolver::resolve;
pub use secret::{
    MASK, MIN_SECRET_LEN, is_secret_name, looks_like_key, mask_values, masked_text, masked_url,
};

/// The default base of the OpenAI-native provider.
pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// `api-version` sent to Azure OpenAI when neither the URL nor the configuration sets one.
pub const AZURE_OPENAI_DEFAULT_API_VERSION: &str = azure::DEFAULT_API_VERSION;

/// `api-version` sent to Azure AI Inference when neither the URL nor `query` sets one.
pub const AZURE_AI_INFERENCE_DEFAULT_API_VERSION: &str = inference::DEFAULT_API_VERSION;

/// The examples of README.md, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
