//! The one error type of the provider crate.
//!
//! Each variant is one row of the error table (`docs/provider.md` in the
//! repository), named for what the user must do; `Display` is the sentence shown to
//! the user. Every error that came from an HTTP exchange keeps the status, the
//! provider's message, code and request id, and the response headers
//! ([`ErrorDetails`]). The API key never appears in any of it: provider messages and
//! excerpts are redacted before they are stored.

use std::fmt;
use std::time::Duration;

use crate::model::ReasoningEffort;

use crate::shaping::EffortSource;

/// The header types of [`ErrorDetails::headers`] (and of response headers elsewhere
/// in this crate): the `http` crate's, as reqwest uses them. Re-exported on purpose,
/// so callers can read them without depending on `http` or `reqwest` themselves.
pub use reqwest::header::{HeaderMap, HeaderValue};

/// A boxed source error.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (`connect_timeout_secs`).
    Connect,
    /// The whole request (`timeout_secs`). Each attempt gets the whole timeout
    /// anew: a request retried twice may take up to three times as long, plus the
    /// waits between attempts.
    Total,
    /// The longest gap between data events of a stream
    /// (`stream_idle_timeout_secs`).
    StreamIdle,
    /// From sending the request to the response headers (`headers_timeout_secs`).
    Headers,
    /// From a stream's headers to its first text, reasoning or tool call
    /// (`first_content_timeout_secs`).
    FirstContent,
}

impl TimeoutKind {
    /// The profile setting that controls this timeout.
    pub fn setting(self) -> &'static str {
        match self {
            TimeoutKind::Connect => "connect_timeout_secs",
            TimeoutKind::Total => "timeout_secs",
            TimeoutKind::StreamIdle => "stream_idle_timeout_secs",
            TimeoutKind::Headers => "headers_timeout_secs",
            TimeoutKind::FirstContent => "first_content_timeout_secs",
        }
    }
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Total => "request timeout",
            TimeoutKind::StreamIdle => "stream idle timeout",
            TimeoutKind::Headers => "response headers timeout",
            TimeoutKind::FirstContent => "first content timeout",
        })
    }
}

/// A small classification of [`Error`] for exit codes and machine-readable output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// HTTP 401.
    InvalidApiKey,
    /// HTTP 403.
    PermissionDenied,
    /// The model does not exist.
    ModelNotFound,
    /// The URL does not exist.
    EndpointNotFound,
    /// The conversation is longer than the context window.
    ContextTooLong,
    /// No credit or quota left.
    QuotaExhausted,
    /// Too many requests.
    RateLimited,
    /// HTTP 5xx.
    ServerError,
    /// Any other rejection by the provider (400, 422, other 4xx, errors inside a stream).
    ProviderError,
    /// The host could not be reached.
    Connection,
    /// A timeout fired.
    Timeout,
    /// The response could not be read.
    Decode,
    /// The stream closed before it finished.
    StreamEndedEarly,
    /// The reply ended properly but carried no text, no reasoning and no tool call.
    EmptyReply,
    /// The model or server cannot call tools (known from the model info, or refused
    /// by the server).
    ToolsNotSupported,
    /// The request cannot be sent as it is (e.g. an image to a text-only model).
    InvalidRequest,
    /// The profile or provider settings are wrong (e.g. no models URL).
    Config,
}

impl ErrorKind {
    /// The snake_case name (`"invalid_api_key"`, …) used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidApiKey => "invalid_api_key",
            ErrorKind::PermissionDenied => "permission_denied",
            ErrorKind::ModelNotFound => "model_not_found",
            ErrorKind::EndpointNotFound => "endpoint_not_found",
            ErrorKind::ContextTooLong => "context_too_long",
            ErrorKind::QuotaExhausted => "quota_exhausted",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::ServerError => "server_error",
            ErrorKind::ProviderError => "provider_error",
            ErrorKind::Connection => "connection",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::StreamEndedEarly => "stream_ended_early",
            ErrorKind::EmptyReply => "empty_reply",
            ErrorKind::ToolsNotSupported => "tools_not_supported",
            ErrorKind::InvalidRequest => "invalid_request",
            ErrorKind::Config => "config",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about the exchange that failed. Provider text is redacted (the API
/// key never appears) and shortened.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ErrorDetails {
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The provider's error message.
    pub message: Option<String>,
    /// The provider's error code (`code`, numbers as text).
    pub code: Option<String>,
    /// The provider's error type (`type`).
    pub error_type: Option<String>,
    /// The parameter the provider blamed (`param`).
    pub param: Option<String>,
    /// `x-request-id` (or `request-id`) of the response.
    pub request_id: Option<String>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The URL called (query values that look secret are redacted).
    pub url: Option<String>,
    /// The start of the error body as received (redacted, at most 2,000
    /// characters), for shapes this crate does not read field by field.
    pub body: Option<String>,
}

impl ErrorDetails {
    /// ` (HTTP 401: "message", code x, request id y)`, or empty. A success status
    /// (an error inside a 200 stream) is not shown: it would only confuse.
    fn suffix(&self) -> String {
        let mut parts = Vec::new();
        if let Some(status) = self.status.filter(|s| !(200..300).contains(s)) {
            parts.push(format!("HTTP {status}"));
        }
        if let Some(message) = &self.message {
            let first = parts.pop().map(|s| format!("{s}: ")).unwrap_or_default();
            parts.push(format!("{first}\"{message}\""));
        }
        if let Some(code) = &self.code {
            parts.push(format!("code {code}"));
        }
        if let Some(id) = &self.request_id {
            parts.push(format!("request id {id}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    }
}

fn retry_hint(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("; retry after {:.1} s", d.as_secs_f64()),
        None => String::new(),
    }
}

fn timeout_advice(which: TimeoutKind) -> String {
    match which {
        // No connection at all is more often a wrong or unreachable host than a slow one.
        TimeoutKind::Connect => "check that the host is reachable from this machine and that the base URL is right; if the network is just slow, raise connect_timeout_secs".to_owned(),
        other => format!("raise {} if the provider is just slow", other.setting()),
    }
}

fn decode_excerpt(excerpt: &str) -> String {
    if excerpt.is_empty() {
        "an empty body".to_owned()
    } else {
        format!("`{excerpt}`")
    }
}

fn effort_message(
    model: &str,
    effort: ReasoningEffort,
    allowed: &[ReasoningEffort],
    from: EffortSource,
) -> String {
    if allowed.is_empty() {
        format!(
            "reasoning effort not supported: model \"{model}\" does not accept reasoning_effort (\"{effort}\", {}); {}",
            from.describe(),
            from.fix()
        )
    } else {
        let levels: Vec<&str> = allowed.iter().map(|level| level.as_str()).collect();
        format!(
            "reasoning effort not supported: model \"{model}\" does not accept reasoning_effort \"{effort}\" ({}); use one of: {}",
            from.describe(),
            levels.join(", ")
        )
    }
}

/// Everything that can go wrong talking to a provider.
///
/// The enum and each of its variants are `#[non_exhaustive]`: new variants and new
/// fields can come in minor releases. Match with `..` (`Error::RateLimited {
/// retry_after, .. }`) and a wildcard arm, or use [`Error::kind`]; outside this crate
/// the variants cannot be constructed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// HTTP 401: the key was refused.
    #[error("invalid API key: check the API key for {host}{hint}{}", .details.suffix())]
    #[non_exhaustive]
    InvalidApiKey {
        /// The host that refused the key.
        host: String,
        /// Extra advice (e.g. that no key is configured).
        hint: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// HTTP 403: the key is valid but may not do this.
    #[error(
        "permission denied: the key is valid but may not use model \"{model}\" or this endpoint on {host}{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    PermissionDenied {
        /// The host.
        host: String,
        /// The model requested.
        model: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The provider says the model does not exist.
    #[error(
        "model not found: \"{model}\" is not a model of this provider; list the provider's models to find the right id{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    ModelNotFound {
        /// The model requested.
        model: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// HTTP 404 for the URL itself.
    #[error("endpoint not found: {url} does not exist; {hint}{}", .details.suffix())]
    #[non_exhaustive]
    EndpointNotFound {
        /// The URL called.
        url: String,
        /// What to check (base vs full URL).
        hint: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The conversation does not fit the model's context window.
    #[error(
        "context too long: the conversation does not fit the context window of \"{model}\"; shorten it or lower max_tokens{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    ContextTooLong {
        /// The model requested.
        model: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// HTTP 402, or 429 with `insufficient_quota`: no credit left. Never retried.
    #[error(
        "quota exhausted: the account behind this key has no credit or quota left on {host}; add credit or use another key{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    QuotaExhausted {
        /// The host.
        host: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// HTTP 429.
    #[error(
        "rate limited by {host}{}; wait and try again, or send fewer requests{}",
        retry_hint(.retry_after),
        .details.suffix()
    )]
    #[non_exhaustive]
    RateLimited {
        /// The host.
        host: String,
        /// How long the provider asked to wait, when it said.
        retry_after: Option<Duration>,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// HTTP 5xx.
    #[error(
        "provider server error: {host} failed to answer; the problem is on the provider's side, try again later{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    ServerError {
        /// The host.
        host: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// Any other rejection: 400/422 that is none of the above, other statuses, or an
    /// error the provider sent inside a stream.
    #[error("request rejected: {summary}{}", .details.suffix())]
    #[non_exhaustive]
    Rejected {
        /// What happened, in a few words.
        summary: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// DNS failure, refused connection, TLS failure or reset before a response.
    #[error(
        "connection error: could not reach {host}: {cause}; check the base URL and your network"
    )]
    #[non_exhaustive]
    Connection {
        /// The host.
        host: String,
        /// The cause in a few words.
        cause: String,
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// A timeout fired.
    #[error(
        "timeout: {which} of {} s elapsed talking to {host}; {}",
        after.as_secs_f64(),
        timeout_advice(*which)
    )]
    #[non_exhaustive]
    Timeout {
        /// Which timeout.
        which: TimeoutKind,
        /// Its length.
        after: Duration,
        /// The host.
        host: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The response body or a stream event could not be understood.
    #[error("decode error: could not read the {what} from {host}: {cause}; got {}", decode_excerpt(.excerpt))]
    #[non_exhaustive]
    Decode {
        /// What was being read (`response body`, `stream event`, `models list`).
        what: &'static str,
        /// The host.
        host: String,
        /// Why it failed.
        cause: String,
        /// The start of what arrived (redacted, shortened).
        excerpt: String,
        /// The parse error.
        #[source]
        source: Option<BoxError>,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The stream closed before `[DONE]` or a finish reason.
    #[error(
        "stream ended early: the stream from {host} stopped before the reply was complete ({cause}); the reply is cut off, try again{}",
        .details.suffix()
    )]
    #[non_exhaustive]
    StreamEndedEarly {
        /// The host.
        host: String,
        /// How it ended.
        cause: String,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The reply ended properly (a finish reason, `[DONE]`) but carried no text, no
    /// reasoning and no tool call. Retryable: a complete reply is retried within
    /// the provider's `max_retries`; a stream ends with this error after its
    /// finish and usage events, for the caller to retry.
    #[error("empty reply: {host} ended the reply {finish} without any text, reasoning or tool call; {fix}{}", .details.suffix())]
    #[non_exhaustive]
    EmptyReply {
        /// The host.
        host: String,
        /// `(finish reason `stop`)`, or `(no finish reason)`.
        finish: String,
        /// What to do.
        fix: &'static str,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// A response, one stream event, or what a stream assembled (its text,
    /// reasoning, tool calls…) was larger than the configured limit
    /// ([`Limits`](crate::Limits)).
    #[error(
        "response too large: a {what} from {host} exceeded the {limit}-{unit} limit; raise `{setting}` on the provider builder if this is expected"
    )]
    #[non_exhaustive]
    TooLarge {
        /// `response body`, `stream event`, `streamed reply` or `tool call list`.
        what: &'static str,
        /// The host.
        host: String,
        /// The limit (in `unit`s).
        limit: usize,
        /// What the limit counts: `byte` or `tool-call`.
        unit: &'static str,
        /// The [`ProviderBuilder`](crate::ProviderBuilder) setter that raises it
        /// (`max_body_bytes`, `max_event_bytes`, `max_reply_bytes`, `max_tool_calls`).
        setting: &'static str,
        /// The exchange.
        details: Box<ErrorDetails>,
    },
    /// The endpoint redirected to another host; the key is never sent there.
    #[error(
        "redirect refused: {from_host} redirected to {to}, another host (the API key is never sent across hosts); set the base URL to the new location"
    )]
    #[non_exhaustive]
    RedirectRefused {
        /// The host called.
        from_host: String,
        /// Where it redirected to.
        to: String,
    },
    /// An image was sent to a model whose info says it takes none.
    #[error(
        "images not supported: model \"{model}\" does not accept images (model_info.supports_images = false); remove the image or set supports_images = true"
    )]
    #[non_exhaustive]
    ImagesNotSupported {
        /// The model.
        model: String,
    },
    /// The reasoning effort to send is not one the model accepts (OpenAI-native
    /// models check a request's effort before anything is sent).
    #[error("{}", effort_message(.model, *.effort, .allowed, *.from))]
    #[non_exhaustive]
    UnsupportedReasoningEffort {
        /// The model.
        model: String,
        /// The effort that would have been sent.
        effort: ReasoningEffort,
        /// The levels the model accepts; empty when it accepts none.
        allowed: Vec<ReasoningEffort>,
        /// Where the effort came from (the request, an alias, …).
        from: EffortSource,
    },
    /// Tools were sent to a model whose info says it takes none (`o1-preview`,
    /// `o1-mini`).
    #[error(
        "tools not supported: model \"{model}\" does not accept tools (model_info.supports_tools = false); remove the tools from the request, use a model that supports them, or set supports_tools = true"
    )]
    #[non_exhaustive]
    ToolsNotSupported {
        /// The model.
        model: String,
    },
    /// The server refused tool calls for this model (Ollama's "does not support
    /// tools", llama.cpp without `--jinja`, vLLM without
    /// `--enable-auto-tool-choice`). Remembered: later requests with tools get this
    /// error without being sent.
    #[error(
        "tools not supported: {host} cannot call tools with model `{model}` ({reason}); pick a model that supports tool calls (on Ollama one listed with the `tools` capability; start llama.cpp with --jinja; start vLLM with --enable-auto-tool-choice and a --tool-call-parser), or send the request without tools"
    )]
    #[non_exhaustive]
    ToolsRefused {
        /// The model.
        model: String,
        /// The host.
        host: String,
        /// The server's message.
        reason: String,
    },
    /// There is no URL to list models from.
    #[error("no models URL: {reason}; set `models_url` in the profile")]
    #[non_exhaustive]
    ModelsUrlMissing {
        /// Why it could not be derived.
        reason: String,
    },
    /// A setting cannot be used (bad header, proxy, certificate…).
    #[error("invalid setting `{field}`: {message}")]
    #[non_exhaustive]
    InvalidConfig {
        /// The setting.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
    },
    /// The request cannot be sent as it is.
    #[error("invalid request: {message}")]
    #[non_exhaustive]
    InvalidRequest {
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// The `details` of `$error` (an `&Error` or an `&mut Error`): the one list of
/// the variants that carry [`ErrorDetails`].
macro_rules! details_of {
    ($error:expr) => {
        match $error {
            Error::InvalidApiKey { details, .. }
            | Error::PermissionDenied { details, .. }
            | Error::ModelNotFound { details, .. }
            | Error::EndpointNotFound { details, .. }
            | Error::ContextTooLong { details, .. }
            | Error::QuotaExhausted { details, .. }
            | Error::RateLimited { details, .. }
            | Error::ServerError { details, .. }
            | Error::Rejected { details, .. }
            | Error::Connection { details, .. }
            | Error::Timeout { details, .. }
            | Error::Decode { details, .. }
            | Error::StreamEndedEarly { details, .. }
            | Error::EmptyReply { details, .. }
            | Error::TooLarge { details, .. } => Some(details),
            Error::RedirectRefused { .. }
            | Error::ImagesNotSupported { .. }
            | Error::ToolsNotSupported { .. }
            | Error::ToolsRefused { .. }
            | Error::UnsupportedReasoningEffort { .. }
            | Error::ModelsUrlMissing { .. }
            | Error::InvalidConfig { .. }
            | Error::InvalidRequest { .. } => None,
        }
    };
}

/// Constructors for code outside this crate (a [`Provider`](crate::Provider)
/// implemented elsewhere): the variants are `#[non_exhaustive]`, so these are the
/// way to make the errors a backend without HTTP reports.
impl Error {
    /// The request cannot be served as it is; `message` says what to change.
    ///
    /// ```
    /// use oac_provider::{Error, ErrorKind};
    ///
    /// let err = Error::invalid_request("the echo backend needs a user message");
    /// assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    /// assert_eq!(err.to_string(), "invalid request: the echo backend needs a user message");
    /// ```
    pub fn invalid_request(message: impl Into<String>) -> Error {
        Error::InvalidRequest {
            message: message.into(),
        }
    }

    /// The setting `field` cannot be used; `message` says what is wrong and how to
    /// fix it.
    pub fn invalid_config(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidConfig {
            field: field.into(),
            message: message.into(),
            source: None,
        }
    }

    /// The backend refused or failed the request for a reason none of the other
    /// kinds names; `summary` says what happened in a few words.
    pub fn rejected(summary: impl Into<String>) -> Error {
        Error::Rejected {
            summary: summary.into(),
            details: Box::default(),
        }
    }
}

impl Error {
    /// The classification, for exit codes and `"kind"` in JSON output.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidApiKey { .. } => ErrorKind::InvalidApiKey,
            Error::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Error::ModelNotFound { .. } => ErrorKind::ModelNotFound,
            Error::EndpointNotFound { .. } => ErrorKind::EndpointNotFound,
            Error::ContextTooLong { .. } => ErrorKind::ContextTooLong,
            Error::QuotaExhausted { .. } => ErrorKind::QuotaExhausted,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::ServerError { .. } => ErrorKind::ServerError,
            Error::Rejected { .. } | Error::RedirectRefused { .. } => ErrorKind::ProviderError,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Decode { .. } | Error::TooLarge { .. } => ErrorKind::Decode,
            Error::StreamEndedEarly { .. } => ErrorKind::StreamEndedEarly,
            Error::EmptyReply { .. } => ErrorKind::EmptyReply,
            Error::ToolsNotSupported { .. } | Error::ToolsRefused { .. } => {
                ErrorKind::ToolsNotSupported
            }
            Error::ImagesNotSupported { .. }
            | Error::UnsupportedReasoningEffort { .. }
            | Error::InvalidRequest { .. } => ErrorKind::InvalidRequest,
            Error::ModelsUrlMissing { .. } | Error::InvalidConfig { .. } => ErrorKind::Config,
        }
    }

    /// The details of the HTTP exchange, when there was one.
    pub fn details(&self) -> Option<&ErrorDetails> {
        details_of!(self)
    }

    fn details_mut(&mut self) -> Option<&mut ErrorDetails> {
        details_of!(self)
    }

    /// HTTP status of the response, when one arrived.
    pub fn status(&self) -> Option<u16> {
        self.details().and_then(|d| d.status)
    }

    /// The provider's error message, when it sent one.
    pub fn provider_message(&self) -> Option<&str> {
        self.details().and_then(|d| d.message.as_deref())
    }

    /// The provider's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.details().and_then(|d| d.code.as_deref())
    }

    /// The request id of the response (`x-request-id`), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.details().and_then(|d| d.request_id.as_deref())
    }

    /// The response headers, when a response arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.details().map(|d| &d.headers)
    }

    /// How long a rate-limited caller should wait, when the provider said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Attach the response metadata of the exchange (used for errors found while
    /// reading a body whose headers were already received).
    pub(crate) fn with_response(mut self, status: u16, headers: &HeaderMap) -> Self {
        if let Some(details) = self.details_mut() {
            if details.status.is_none() {
                details.status = Some(status);
            }
            if details.request_id.is_none() {
                details.request_id = crate::classify::request_id(headers);
            }
            if details.headers.is_empty() {
                details.headers = headers.clone();
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_sync_and_static() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }

    #[test]
    fn suffix_lists_what_is_known() {
        let details = ErrorDetails {
            status: Some(401),
            message: Some("bad key".into()),
            code: Some("invalid_api_key".into()),
            request_id: Some("req_1".into()),
            ..ErrorDetails::default()
        };
        assert_eq!(
            details.suffix(),
            " (HTTP 401: \"bad key\", code invalid_api_key, request id req_1)"
        );
        assert_eq!(ErrorDetails::default().suffix(), "");
    }

    #[test]
    fn suffix_leaves_out_a_success_status() {
        let details = ErrorDetails {
            status: Some(200),
            message: Some("overloaded".into()),
            ..ErrorDetails::default()
        };
        assert_eq!(details.suffix(), " (\"overloaded\")");
    }

    #[test]
    fn kinds_have_stable_names() {
        assert_eq!(ErrorKind::InvalidApiKey.as_str(), "invalid_api_key");
        assert_eq!(
            ErrorKind::StreamEndedEarly.to_string(),
            "stream_ended_early"
        );
    }
}
