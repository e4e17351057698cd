//! The result of resolution: the URLs to call, and why.

use std::fmt;

use url::Url;

/// Whether the URL was read as a base or as a full endpoint.
///
/// Displays as `base` or `full`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EndpointKind {
    /// A base: `/chat/completions` and `/models` were appended.
    Base,
    /// A complete chat endpoint, used as given.
    Full,
}

impl EndpointKind {
    /// `base` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Full => "full",
        }
    }
}

impl fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of API the URL belongs to.
///
/// Displays as `standard`, `azure-openai` or `azure-ai-inference`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
    /// Any OpenAI-compatible endpoint.
    Standard,
    /// Azure OpenAI (`*.openai.azure.com`, `*.cognitiveservices.azure.com`, or configured).
    AzureOpenAi,
    /// Azure AI Inference (`*.services.ai.azure.com`).
    AzureAiInference,
}

impl Flavor {
    /// `standard`, `azure-openai` or `azure-ai-inference`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::AzureOpenAi => "azure-openai",
            Self::AzureAiInference => "azure-ai-inference",
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which of the two OpenAI wire APIs a request goes through.
///
/// Displays as `chat` or `responses`, the spellings of the profile's `api` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireApi {
    /// Chat completions (`POST …/chat/completions`), which every compatible server serves.
    Chat,
    /// The Responses API (`POST …/responses`).
    Responses,
}

impl WireApi {
    /// `chat` or `responses`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Responses => "responses",
        }
    }
}

impl fmt::Display for WireApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the key is sent (`auth` in configuration), the one type for it in every crate
/// of the workspace. Resolution fills [`Endpoints::auth`] with what the URL's flavor
/// expects (the `api-key` header for Azure OpenAI, bearer otherwise); a profile's
/// `auth` replaces it.
///
/// Displays as `bearer`, `api-key-header`, `none` or `header X-Name`; `FromStr` reads
/// the three words (and `api-key`).
///
/// ```
/// use oac_url::AuthStyle;
///
/// assert_eq!("api-key".parse::<AuthStyle>()?, AuthStyle::ApiKeyHeader);
/// assert_eq!(AuthStyle::Header("X-Api-Key".into()).header_name(), Some("X-Api-Key"));
/// assert_eq!(AuthStyle::Bearer.to_string(), "bearer");
/// # Ok::<(), oac_url::UrlError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `api-key: <key>` (Azure OpenAI).
    ApiKeyHeader,
    /// No key is sent.
    None,
    /// `<name>: <key>`.
    Header(String),
}

impl AuthStyle {
    /// The header that carries the key, or `None` for [`AuthStyle::None`].
    pub fn header_name(&self) -> Option<&str> {
        match self {
            AuthStyle::Bearer => Some("Authorization"),
            AuthStyle::ApiKeyHeader => Some("api-key"),
            AuthStyle::None => None,
            AuthStyle::Header(name) => Some(name),
        }
    }

    /// The configuration word: `bearer`, `api-key-header`, `none`, or `header` for a
    /// named header.
    pub fn as_str(&self) -> &'static str {
        match self {
            AuthStyle::Bearer => "bearer",
            AuthStyle::ApiKeyHeader => "api-key-header",
            AuthStyle::None => "none",
            AuthStyle::Header(_) => "header",
        }
    }
}

impl fmt::Display for AuthStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthStyle::Header(name) => write!(f, "header {name}"),
            other => f.write_str(other.as_str()),
        }
    }
}

impl std::str::FromStr for AuthStyle {
    type Err = crate::UrlError;

    /// Accepts `bearer`, `api-key-header` (or `api-key`) and `none`, ignoring case
    /// and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "bearer" => Ok(AuthStyle::Bearer),
            "api-key-header" | "api-key" => Ok(AuthStyle::ApiKeyHeader),
            "none" => Ok(AuthStyle::None),
            _ => Err(crate::UrlError::UnknownAuthStyle {
                value: s.to_owned(),
            }),
        }
    }
}

/// The URLs to call, and why.
///
/// `Display` prints one `label: value` line each for chat, responses, models, kind,
/// flavor, auth and rule (what `oac resolve` shows). `Display` and `Debug` show the URLs with
/// the values of secret-named query parameters masked ([`masked_url`](crate::masked_url));
/// [`Endpoints::display_masking`] also masks known secret values (the API key):
///
/// ```
/// use oac_url::{resolve, ResolveOptions};
///
/// let endpoints = resolve("https://api.provider.com/v1/", &ResolveOptions::new())?;
/// assert_eq!(
///     endpoints.to_string(),
///     "chat:      https://api.provider.com/v1/chat/completions\n\
///      responses: https://api.provider.com/v1/responses\n\
///      models:    https://api.provider.com/v1/models\n\
///      kind:      base\n\
///      flavor:    standard\n\
///      auth:      bearer\n\
///      rule:      base URL: appended /chat/completions and /models"
/// );
/// # Ok::<(), oac_url::UrlError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Endpoints {
    /// The chat-completions URL.
    pub chat: Url,
    /// The models-list URL, when one can be derived or was configured.
    pub models: Option<Url>,
    /// Why `models` is `None`; always set then, and always starts with "set `models_url`"
    /// (e.g. for a full endpoint not ending in /chat/completions, or Azure AI Inference).
    pub models_missing_reason: Option<String>,
    /// The Responses API URL (`…/responses`), when one can be derived: beside
    /// `/chat/completions` for a base or a full chat endpoint, as given for a full
    /// `…/responses` endpoint, `/openai/responses` for Azure's deployment API.
    pub responses: Option<Url>,
    /// Why `responses` is `None`; always set then.
    pub responses_missing_reason: Option<String>,
    /// The model name a Responses request body must carry instead of the configured
    /// model: Azure's deployment API names the deployment in the chat URL's path but
    /// in the body of a Responses request.
    pub responses_model: Option<String>,
    /// The API a full endpoint names: `Chat` for `…/chat/completions`, `Responses`
    /// for `…/responses`; `None` for a base or another endpoint.
    pub stated_api: Option<WireApi>,
    /// Base or full.
    pub kind: EndpointKind,
    /// Standard or an Azure flavor.
    pub flavor: Flavor,
    /// How the flavor sends the key.
    pub auth: AuthStyle,
    /// One line: which rule applied.
    pub rule: String,
}

impl Endpoints {
    /// The one-line explanation of which rule applied (same as [`Endpoints::rule`]).
    pub fn explain(&self) -> &str {
        &self.rule
    }

    /// The `Display` lines with `secrets` (e.g. the API key) also masked wherever they
    /// appear in the URLs.
    pub fn display_masking<'a>(&'a self, secrets: &'a [&'a str]) -> impl fmt::Display + 'a {
        Shown {
            endpoints: self,
            secrets,
        }
    }

    /// The chat URL as text, masked like [`Display`](fmt::Display) plus `secrets`.
    pub fn chat_masked(&self, secrets: &[&str]) -> String {
        crate::masked_url(&self.chat, secrets)
    }

    /// The models URL as text, masked like [`Display`](fmt::Display) plus `secrets`.
    pub fn models_masked(&self, secrets: &[&str]) -> Option<String> {
        self.models
            .as_ref()
            .map(|url| crate::masked_url(url, secrets))
    }

    /// The Responses URL as text, masked like [`Display`](fmt::Display) plus `secrets`.
    pub fn responses_masked(&self, secrets: &[&str]) -> Option<String> {
        self.responses
            .as_ref()
            .map(|url| crate::masked_url(url, secrets))
    }

    /// The URL a request through `api` goes to, or why there is none (the
    /// `responses_missing_reason`).
    ///
    /// ```
    /// use oac_url::{resolve, ResolveOptions, WireApi};
    ///
    /// let endpoints = resolve("https://api.provider.com/v1", &ResolveOptions::new())?;
    /// assert_eq!(
    ///     endpoints.url_for(WireApi::Responses).map(|url| url.as_str()),
    ///     Ok("https://api.provider.com/v1/responses")
    /// );
    /// # Ok::<(), oac_url::UrlError>(())
    /// ```
    pub fn url_for(&self, api: WireApi) -> Result<&Url, &str> {
        match api {
            WireApi::Chat => Ok(&self.chat),
            WireApi::Responses => self.responses.as_ref().ok_or_else(|| {
                self.responses_missing_reason
                    .as_deref()
                    .unwrap_or("no Responses URL can be derived from this URL")
            }),
        }
    }

    /// `Debug` with `secrets` also masked in the URLs.
    pub fn debug_masking<'a>(&'a self, secrets: &'a [&'a str]) -> impl fmt::Debug + 'a {
        Shown {
            endpoints: self,
            secrets,
        }
    }
}

/// [`Endpoints`] shown with known secret values masked too.
struct Shown<'a> {
    endpoints: &'a Endpoints,
    secrets: &'a [&'a str],
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.endpoints;
        f.debug_struct("Endpoints")
            .field("chat", &e.chat_masked(self.secrets))
            .field("models", &e.models_masked(self.secrets))
            .field("models_missing_reason", &e.models_missing_reason)
            .field("responses", &e.responses_masked(self.secrets))
            .field("responses_missing_reason", &e.responses_missing_reason)
            .field("responses_model", &e.responses_model)
            .field("stated_api", &e.stated_api)
            .field("kind", &e.kind)
            .field("flavor", &e.flavor)
            .field("auth", &e.auth)
            .field("rule", &e.rule)
            .finish()
    }
}

impl fmt::Debug for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.debug_masking(&[]), f)
    }
}

impl fmt::Display for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.display_masking(&[]), f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.endpoints;
        writeln!(f, "chat:      {}", e.chat_masked(self.secrets))?;
        match (
            e.responses_masked(self.secrets),
            &e.responses_missing_reason,
        ) {
            (Some(responses), _) => writeln!(f, "responses: {responses}")?,
            (None, Some(reason)) => writeln!(f, "responses: none ({reason})")?,
            (None, None) => writeln!(f, "responses: none")?,
        }
        match (e.models_masked(self.secrets), &e.models_missing_reason) {
            (Some(models), _) => writeln!(f, "models:    {models}")?,
            (None, Some(reason)) => writeln!(f, "models:    none ({reason})")?,
            (None, None) => writeln!(f, "models:    none")?,
        }
        writeln!(f, "kind:      {}", e.kind)?;
        writeln!(f, "flavor:    {}", e.flavor)?;
        writeln!(f, "auth:      {}", e.auth)?;
        write!(f, "rule:      {}", e.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_display_in_config_spelling() {
        assert_eq!(EndpointKind::Base.to_string(), "base");
        assert_eq!(EndpointKind::Full.to_string(), "full");
    }

    #[test]
    fn flavors_display_in_config_spelling() {
        assert_eq!(Flavor::Standard.to_string(), "standard");
        assert_eq!(Flavor::AzureOpenAi.to_string(), "azure-openai");
        assert_eq!(Flavor::AzureAiInference.to_string(), "azure-ai-inference");
    }

    #[test]
    fn auth_styles_display_and_read_in_config_spelling() {
        for style in [AuthStyle::Bearer, AuthStyle::ApiKeyHeader, AuthStyle::None] {
            assert_eq!(style.to_string().parse::<AuthStyle>(), Ok(style));
        }
        assert_eq!(
            " API-KEY ".parse::<AuthStyle>(),
            Ok(AuthStyle::ApiKeyHeader)
        );
        assert_eq!(
            AuthStyle::Header("X-Key".into()).to_string(),
            "header X-Key"
        );
        let err = "bearr".parse::<AuthStyle>().unwrap_err();
        assert!(
            err.to_string().contains("bearer, api-key-header, none"),
            "{err}"
        );
    }

    proptest::proptest! {
        #[test]
        fn display_and_debug_never_show_a_secret_parameter_or_the_key(
            key in "[A-Za-z0-9_-]{12,40}",
            value in "[A-Za-z0-9]{12,20}",
            word in "(api_key|api_token|access_key|auth_key|key|token|sig|code|x-api-key)",
            full in proptest::bool::ANY,
        ) {
            let tail = if full { "/chat/completions" } else { "" };
            let text = format!("https://h.example/{key}/v1{tail}?{word}={value}&foo={key}");
            let endpoints = crate::resolve(&text, &crate::ResolveOptions::new()).unwrap();
            for shown in [
                endpoints.to_string(),
                format!("{endpoints:?}"),
                endpoints.display_masking(&[&key]).to_string(),
                format!("{:?}", endpoints.debug_masking(&[&key])),
                endpoints.explain().to_owned(),
            ] {
                proptest::prop_assert!(!shown.contains(&value), "{shown}");
            }
            for shown in [
                endpoints.display_masking(&[&key]).to_string(),
                format!("{:?}", endpoints.debug_masking(&[&key])),
            ] {
                proptest::prop_assert!(!shown.contains(&key), "{shown}");
            }
        }
    }
}
