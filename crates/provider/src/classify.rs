//! Turning a failed exchange into the right [`Error`]: error-body shapes, the
//! status table (`docs/provider.md` in the repository), and transport failures.

use std::time::{Duration, SystemTime};

use oac_url::{EndpointKind, Url};
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{BoxError, Error, ErrorDetails, TimeoutKind};
use crate::redact::{Redactor, display_url, host_of};
use crate::retry;

/// Longest provider message kept in an error.
const MAX_MESSAGE_CHARS: usize = 500;
/// Longest excerpt of an undecodable body.
const MAX_EXCERPT_CHARS: usize = 160;

/// What was being called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A chat completion.
    Chat,
    /// The models list.
    Models,
}

/// Everything classification needs to know about the call that failed.
#[derive(Clone, Debug)]
pub(crate) struct Exchange {
    pub(crate) url: Url,
    pub(crate) model: String,
    pub(crate) endpoint_kind: EndpointKind,
    pub(crate) purpose: Purpose,
    pub(crate) redactor: Redactor,
    pub(crate) has_key: bool,
    /// The service tier the request asked for (`flex`, `priority`, …): its usage is
    /// priced at that tier's prices. `None`: standard.
    pub(crate) service_tier: Option<&'static str>,
}

impl Exchange {
    /// A chat exchange with `http://127.0.0.1:9/v1/chat/completions`, for tests.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Exchange {
        let mut exchange = Self::offline();
        exchange.url =
            Url::parse("http://127.0.0.1:9/v1/chat/completions").unwrap_or_else(|_| unreachable!());
        exchange
    }

    /// The exchange of a decoder fed by its user: no URL of ours, so messages
    /// name "the provider".
    pub(crate) fn offline() -> Exchange {
        #[allow(clippy::expect_used)] // a constant, valid URL without a host
        let url = Url::parse("offline:stream").expect("a valid constant URL");
        Exchange {
            url,
            model: "m".into(),
            endpoint_kind: EndpointKind::Base,
            purpose: Purpose::Chat,
            redactor: Redactor::default(),
            has_key: false,
            service_tier: None,
        }
    }

    pub(crate) fn host(&self) -> String {
        host_of(&self.url)
    }

    /// Details with the URL filled in.
    pub(crate) fn details(&self) -> Box<ErrorDetails> {
        Box::new(ErrorDetails {
            url: Some(display_url(&self.url, &self.redactor)),
            ..ErrorDetails::default()
        })
    }

    /// A short, redacted excerpt of some text.
    pub(crate) fn excerpt(&self, text: &str) -> String {
        excerpt(&self.redactor.redact(text), MAX_EXCERPT_CHARS)
    }

    pub(crate) fn decode_error(
        &self,
        what: &'static str,
        cause: impl Into<String>,
        raw: &str,
        source: Option<BoxError>,
    ) -> Error {
        Error::Decode {
            what,
            host: self.host(),
            cause: cause.into(),
            excerpt: self.excerpt(raw),
            source,
            details: self.details(),
        }
    }

    /// The reply ended with `finish` and nothing in it (see [`is_empty_reply`]).
    pub(crate) fn empty_reply(&self, finish: Option<&crate::FinishReason>) -> Error {
        let fix = match finish {
            Some(crate::FinishReason::Length) => {
                "the output limit was reached first: raise max_tokens (a reasoning model may spend it all on hidden reasoning)"
            }
            _ => {
                "try again; if it keeps happening, the model may not support this prompt (or this server's chat template)"
            }
        };
        Error::EmptyReply {
            host: self.host(),
            finish: finish.map_or_else(
                || "(no finish reason)".to_owned(),
                |f| format!("(finish reason `{}`)", f.as_str()),
            ),
            fix,
            details: self.details(),
        }
    }
}

/// True when a reply that ended properly is empty: no text, no reasoning, no tool
/// call, and not withheld by a content filter (which is its own finish reason,
/// shown as such).
pub(crate) fn is_empty_reply(has_content: bool, finish: Option<&crate::FinishReason>) -> bool {
    !has_content && !matches!(finish, Some(crate::FinishReason::ContentFilter))
}

/// Longest start of an error body kept in [`ErrorDetails::body`].
const MAX_BODY_CHARS: usize = 2000;

/// The parts of an error body every shape can carry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub(crate) message: Option<String>,
    pub(crate) code: Option<String>,
    pub(crate) error_type: Option<String>,
    pub(crate) param: Option<String>,
    /// The start of the body as received (not yet redacted).
    pub(crate) raw: Option<String>,
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Read an error body of any of the shapes providers use: `{"error":{…}}`,
/// `{"error":"text"}`, `{"detail":…}`, `{"message":…}`, an array of those, or text.
pub(crate) fn parse_error_body(body: &[u8]) -> ErrorBody {
    let body = crate::sse::strip_bom(body);
    let text = String::from_utf8_lossy(body);
    let mut parsed = match serde_json::from_slice::<Value>(body) {
        Ok(value) => read_error_value(&value),
        Err(_) => ErrorBody {
            message: plain_text_message(&text),
            ..ErrorBody::default()
        },
    };
    parsed.raw = raw_excerpt(&text);
    parsed
}

/// [`parse_error_body`] for a parsed value.
pub(crate) fn parse_error_value(value: &Value) -> ErrorBody {
    let mut parsed = read_error_value(value);
    parsed.raw = raw_excerpt(&value.to_string());
    parsed
}

/// The start of a body, long enough that a secret cut by the end of the
/// [`MAX_BODY_CHARS`] shown is still whole here, so redaction finds it.
fn raw_excerpt(text: &str) -> Option<String> {
    const SECRET_MARGIN_CHARS: usize = 8192;
    let text = text.trim();
    (!text.is_empty()).then(|| excerpt(text, MAX_BODY_CHARS + SECRET_MARGIN_CHARS))
}

/// FastAPI / pydantic validation errors (`{"detail":[{"loc":["body","x"],"msg":…}]}`):
/// each item as `x: msg`, and the first location as the blamed parameter.
fn read_detail_list(items: &[Value]) -> (Option<String>, Option<String>) {
    let mut param = None;
    let msgs: Vec<String> = items
        .iter()
        .filter_map(|item| {
            let msg = text_of(item.get("msg")).or_else(|| text_of(Some(item)))?;
            let location = item.get("loc").and_then(Value::as_array).map(|loc| {
                loc.iter()
                    .enumerate()
                    // `body` only says the problem is in the JSON body.
                    .filter(|(i, part)| !(*i == 0 && part.as_str() == Some("body")))
                    .filter_map(|(_, part)| text_of(Some(part)))
                    .collect::<Vec<_>>()
                    .join(".")
            });
            match location.filter(|l| !l.is_empty()) {
                Some(location) => {
                    let shown = format!("{location}: {msg}");
                    param.get_or_insert(location);
                    Some(shown)
                }
                None => Some(msg),
            }
        })
        .collect();
    ((!msgs.is_empty()).then(|| msgs.join("; ")), param)
}

fn read_error_value(value: &Value) -> ErrorBody {
    let value = match value {
        Value::Array(items) if !items.is_empty() => &items[0],
        other => other,
    };
    let Value::Object(map) = value else {
        return ErrorBody {
            message: text_of(Some(value)).or_else(|| Some(value.to_string())),
            ..ErrorBody::default()
        };
    };
    let mut body = ErrorBody {
        code: text_of(map.get("code")),
        error_type: text_of(map.get("type")),
        param: text_of(map.get("param")),
        ..ErrorBody::default()
    };
    match map.get("error") {
        Some(Value::Object(error)) => {
            body.message = text_of(error.get("message")).or_else(|| text_of(error.get("msg")));
            body.code = text_of(error.get("code")).or(body.code);
            body.error_type = text_of(error.get("type"))
                .or_else(|| text_of(error.get("status")))
                .or(body.error_type);
            body.param = text_of(error.get("param")).or(body.param);
            if body.message.is_none() {
                body.message = Some(Value::Object(error.clone()).to_string());
            }
        }
        Some(Value::String(text)) if !text.trim().is_empty() => {
            body.message = Some(text.trim().to_owned());
        }
        _ => {}
    }
    if body.message.is_none() {
        body.message = match map.get("detail") {
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(Value::Array(items)) => {
                let (message, param) = read_detail_list(items);
                if body.param.is_none() {
                    body.param = param;
                }
                message
            }
            Some(Value::Object(detail)) => text_of(detail.get("message"))
                .or_else(|| Some(Value::Object(detail.clone()).to_string())),
            _ => None,
        };
    }
    if body.message.is_none() {
        body.message = text_of(map.get("message")).or_else(|| text_of(map.get("msg")));
    }
    if body.message.is_none() && !map.is_empty() {
        body.message = Some(value.to_string());
    }
    body
}

/// A message from a non-JSON body: an HTML `<title>`, or the collapsed text.
fn plain_text_message(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>"))
        && start + 7 <= end
    {
        let title = text[start + 7..end].trim();
        if !title.is_empty() {
            return Some(title.to_owned());
        }
    }
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!collapsed.is_empty()).then_some(collapsed)
}

/// The first `max` characters, with `…` when cut.
pub(crate) fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// `x-request-id`, else `request-id`.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-request-id", "request-id", "apim-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

fn lower_text(body: &ErrorBody) -> String {
    let mut text = String::new();
    for part in [&body.message, &body.code, &body.error_type]
        .into_iter()
        .flatten()
    {
        text.push_str(&part.to_ascii_lowercase());
        text.push(' ');
    }
    text
}

fn is_context_too_long(body: &ErrorBody, text: &str) -> bool {
    body.code.as_deref() == Some("context_length_exceeded")
        || [
            "context_length_exceeded",
            "context length",
            "context window",
            "contextwindowexceeded",
            "maximum context",
            "context size",
            "exceed_context_size",
            "prompt is too long",
            "input is too long",
            "reduce the length of the messages",
        ]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Phrases that say a model is missing, wherever they appear.
const MODEL_MISSING_PHRASES: [&str; 7] = [
    "model not found",
    "model_not_found",
    "no such model",
    "unknown model",
    "invalid model",
    "not a valid model",
    "model does not exist",
];

/// Words that say something is missing, as tokens.
const MISSING_WORDS: [&[&str]; 4] = [
    &["does", "not", "exist"],
    &["not", "found"],
    &["not", "exist"],
    &["no", "such"],
];

/// The provider says the model does not exist: by code, by a phrase naming a
/// model as missing ("model `x` does not exist", "model 'x' not found"), or by
/// naming the requested `model` next to a missing-word. A message that merely
/// contains "model" and "not found" ("function f not found in model tools") is
/// not enough.
fn is_model_missing(body: &ErrorBody, text: &str, model: &str) -> bool {
    if matches!(body.code.as_deref(), Some("model_not_found"))
        || matches!(body.error_type.as_deref(), Some("model_not_found"))
        || MODEL_MISSING_PHRASES.iter().any(|p| text.contains(p))
    {
        return true;
    }
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let missing_at = |at: usize| {
        MISSING_WORDS.iter().any(|words| {
            tokens.len() >= at + words.len()
                && words.iter().enumerate().all(|(i, word)| {
                    tokens[at + i].trim_matches(|c: char| !c.is_alphanumeric()) == *word
                })
        })
    };
    // "model" (or "models") followed within two words by a missing-word, with no
    // clause break (`:`, `;`, `,`, `.`) in between.
    let named_missing = tokens.iter().enumerate().any(|(at, token)| {
        let word = token.trim_matches(|c: char| !c.is_alphanumeric());
        if !(word == "model" || word == "models") || ends_clause(token) {
            return false;
        }
        (0..=2).any(|skip| {
            missing_at(at + 1 + skip)
                && tokens[at + 1..at + 1 + skip]
                    .iter()
                    .all(|between| !ends_clause(between))
        })
    });
    if named_missing {
        return true;
    }
    let model = model.to_ascii_lowercase();
    model.len() >= 3 && text.contains(&model) && (0..tokens.len()).any(missing_at)
}

fn ends_clause(token: &str) -> bool {
    token.ends_with([':', ';', ',', '.'])
}

fn is_quota(body: &ErrorBody, text: &str) -> bool {
    matches!(body.code.as_deref(), Some("insufficient_quota"))
        || matches!(body.error_type.as_deref(), Some("insufficient_quota"))
        || [
            "insufficient_quota",
            "exceeded your current quota",
            "check your plan and billing",
            "insufficient balance",
            "insufficient credits",
        ]
        .iter()
        .any(|needle| text.contains(needle))
}

fn endpoint_hint(exchange: &Exchange) -> String {
    match (exchange.purpose, exchange.endpoint_kind) {
        (Purpose::Models, _) => {
            "this provider has no models list at that URL; set `models_url` to the right one"
                .to_owned()
        }
        (Purpose::Chat, EndpointKind::Full) => {
            "the URL was used as a complete chat endpoint; check it, or if it \
             is a base URL set endpoint_mode = \"base\" so /chat/completions is appended"
                .to_owned()
        }
        (Purpose::Chat, _) => {
            "it is the base URL with /chat/completions appended; check the base URL (most \
             end in /v1, e.g. https://api.example.com/v1), or if you gave a complete endpoint set \
             endpoint_mode = \"full\""
                .to_owned()
        }
    }
}

/// What the error says of itself (message, code, type, param, body excerpt, request
/// id, headers), each redacted and cut to length, on top of the exchange's details.
fn error_details(
    status: Option<u16>,
    headers: &HeaderMap,
    body: &ErrorBody,
    exchange: &Exchange,
) -> Box<ErrorDetails> {
    let redact = |s: &Option<String>| {
        s.as_deref()
            .map(|s| excerpt(&exchange.redactor.redact(s), MAX_MESSAGE_CHARS))
    };
    let mut details = exchange.details();
    details.status = status;
    details.message = redact(&body.message);
    details.code = redact(&body.code);
    details.error_type = redact(&body.error_type);
    details.param = redact(&body.param);
    details.body = body
        .raw
        .as_deref()
        .map(|raw| excerpt(&exchange.redactor.redact(raw), MAX_BODY_CHARS));
    details.request_id = request_id(headers);
    details.headers = headers.clone();
    details
}

/// The status the error is classified by: the HTTP status, else an HTTP-like numeric
/// code an error inside a body may carry, else the status its code or type names.
fn effective_status(status: Option<u16>, body: &ErrorBody) -> Option<u16> {
    let numeric_code = || {
        body.code
            .as_deref()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (400..600).contains(c))
    };
    let by_code = || match body.code.as_deref().or(body.error_type.as_deref()) {
        Some("invalid_api_key" | "authentication_error") => Some(401),
        Some("rate_limit_exceeded" | "rate_limit_error") => Some(429),
        Some("server_error" | "internal_error" | "overloaded_error" | "api_error") => Some(500),
        _ => None,
    };
    status.or_else(numeric_code).or_else(by_code)
}

/// Classify a non-success HTTP response (`status` ≥ 300) or, with `status = None`,
/// an error object the provider sent with a success status or inside a stream.
pub(crate) fn classify(
    status: Option<u16>,
    headers: &HeaderMap,
    body: &ErrorBody,
    exchange: &Exchange,
) -> Error {
    let details = error_details(status, headers, body, exchange);
    let text = lower_text(body);
    let host = exchange.host();
    let model = exchange.model.clone();
    match effective_status(status, body) {
        Some(401) => Error::InvalidApiKey {
            host,
            hint: if exchange.has_key {
                String::new()
            } else {
                " (no key is configured: set api_key, api_key_env or OPENAI_API_KEY)".to_owned()
            },
            details,
        },
        Some(402) => Error::QuotaExhausted { host, details },
        Some(403) => Error::PermissionDenied {
            host,
            model,
            details,
        },
        Some(404) if exchange.purpose == Purpose::Chat && is_model_missing(body, &text, &model) => {
            Error::ModelNotFound { model, details }
        }
        Some(404) => Error::EndpointNotFound {
            url: display_url(&exchange.url, &exchange.redactor),
            hint: endpoint_hint(exchange),
            details,
        },
        Some(429) if is_quota(body, &text) => Error::QuotaExhausted { host, details },
        Some(429) => Error::RateLimited {
            host,
            retry_after: retry::retry_after(headers, SystemTime::now()),
            details,
        },
        // llama.cpp reports an overflow as 500; it is not a failure to retry.
        Some(400 | 413 | 422 | 500) if is_context_too_long(body, &text) => {
            Error::ContextTooLong { model, details }
        }
        Some(500..=599) => Error::ServerError { host, details },
        _ if is_context_too_long(body, &text) => Error::ContextTooLong { model, details },
        _ if is_quota(body, &text) => Error::QuotaExhausted { host, details },
        _ if exchange.purpose == Purpose::Chat && is_model_missing(body, &text, &model) => {
            Error::ModelNotFound { model, details }
        }
        Some(400 | 422) => Error::Rejected {
            summary: format!("{host} refused it as invalid; check the request options"),
            details,
        },
        Some(status) if status_is_redirect(status) => Error::Rejected {
            summary: format!(
                "{host} answered with a redirect that was not followed; check the base URL"
            ),
            details,
        },
        Some(status) if !(400..600).contains(&status) => Error::Rejected {
            summary: format!("{host} answered with an unexpected status"),
            details,
        },
        Some(_) => Error::Rejected {
            summary: format!("{host} refused it"),
            details,
        },
        None => Error::Rejected {
            summary: format!("{host} reported an error"),
            details,
        },
    }
}

fn status_is_redirect(status: u16) -> bool {
    (300..400).contains(&status)
}

/// Where a transport failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Before the response headers arrived.
    Send,
    /// While reading the body.
    Body,
}

/// The cross-host redirect refused by the redirect policy (carried through reqwest).
#[derive(Debug)]
pub(crate) struct CrossHostRedirect {
    pub(crate) to: String,
}

impl std::fmt::Display for CrossHostRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused a redirect to another host ({})", self.to)
    }
}

impl std::error::Error for CrossHostRedirect {}

/// Classify a reqwest failure.
pub(crate) fn transport_error(
    err: reqwest::Error,
    phase: Phase,
    exchange: &Exchange,
    connect_timeout: Duration,
) -> Error {
    // The URL is in the details, with secret-looking query values redacted.
    let err = err.without_url();
    let host = exchange.host();
    if err.is_redirect() {
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            if let Some(redirect) = s.downcast_ref::<CrossHostRedirect>() {
                let to = match Url::parse(&redirect.to) {
                    Ok(url) => display_url(&url, &exchange.redactor),
                    Err(_) => exchange.redactor.redact(&redirect.to),
                };
                return Error::RedirectRefused {
                    from_host: host,
                    to,
                };
            }
            source = s.source();
        }
        let mut details = exchange.details();
        details.message = Some(exchange.redactor.redact(&err.to_string()));
        return Error::Rejected {
            summary: format!("{host} redirected more than 10 times; check the base URL"),
            details,
        };
    }
    if err.is_timeout() {
        return Error::Timeout {
            which: TimeoutKind::Connect,
            after: connect_timeout,
            host,
            details: exchange.details(),
        };
    }
    if err.is_builder() {
        return Error::InvalidRequest {
            message: format!(
                "the HTTP request could not be built: {}",
                exchange.redactor.redact(&cause_of(&err, false))
            ),
        };
    }
    let https = exchange.url.scheme() == "https";
    let cause = match phase {
        Phase::Body if !err.is_connect() => {
            format!(
                "the connection broke while reading the response ({})",
                cause_of(&err, false)
            )
        }
        _ => cause_of(&err, https && err.is_connect()),
    };
    Error::Connection {
        host,
        cause: exchange.redactor.redact(&cause),
        source: Some(Box::new(err)),
        details: exchange.details(),
    }
}

/// A few words on why a connection failed, from the most specific source.
/// `tls_stage`: the failure happened while connecting to an https URL, so anything
/// but a refused connection or a DNS failure happened in the TLS handshake.
fn cause_of(err: &(dyn std::error::Error + 'static), tls_stage: bool) -> String {
    let mut innermost = err.to_string();
    let mut source = Some(err);
    let mut chain = String::new();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return "connection refused (nothing is listening on that port)".to_owned();
                }
                std::io::ErrorKind::ConnectionReset => {
                    return "connection reset by the server".to_owned();
                }
                std::io::ErrorKind::ConnectionAborted => return "connection aborted".to_owned(),
                std::io::ErrorKind::UnexpectedEof => {
                    return "the server closed the connection unexpectedly".to_owned();
                }
                _ => {}
            }
        }
        let text = s.to_string();
        chain.push_str(&text.to_ascii_lowercase());
        chain.push(' ');
        innermost = text;
        source = s.source();
    }
    if chain.contains("dns error") || chain.contains("failed to lookup address") {
        format!("the host name could not be resolved ({innermost})")
    } else if tls_stage
        || chain.contains("certificate")
        || chain.contains("tls")
        || chain.contains("handshake")
    {
        format!(
            "TLS failed ({innermost}); if the server speaks plain http use an http:// URL, if it uses a private certificate authority set ca_cert"
        )
    } else if chain.contains("connection closed before message completed")
        || chain.contains("incomplete message")
    {
        "the server closed the connection before answering".to_owned()
    } else {
        innermost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> ErrorBody {
        parse_error_body(body.as_bytes())
    }

    #[test]
    fn openai_shape() {
        let body = parse(
            r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        );
        assert_eq!(body.message.as_deref(), Some("Incorrect API key provided"));
        assert_eq!(body.code.as_deref(), Some("invalid_api_key"));
        assert_eq!(body.error_type.as_deref(), Some("invalid_request_error"));
        assert_eq!(body.param, None);
    }

    #[test]
    fn error_as_text() {
        let body = parse(r#"{"error":"model 'x' not found"}"#);
        assert_eq!(body.message.as_deref(), Some("model 'x' not found"));
    }

    #[test]
    fn detail_string_and_list() {
        assert_eq!(
            parse(r#"{"detail":"Not Found"}"#).message.as_deref(),
            Some("Not Found")
        );
        let body = parse(
            r#"{"detail":[{"loc":["body","messages"],"msg":"field required","type":"missing"}]}"#,
        );
        assert_eq!(body.message.as_deref(), Some("messages: field required"));
    }

    #[test]
    fn fastapi_detail_location_is_the_blamed_param() {
        let body = parse(
            r#"{"detail":[{"type":"extra_forbidden","loc":["body","stream_options"],"msg":"Extra inputs are not permitted","input":{"include_usage":true}},{"loc":["body","messages",0,"role"],"msg":"Input should be 'user'"}]}"#,
        );
        assert_eq!(
            body.message.as_deref(),
            Some(
                "stream_options: Extra inputs are not permitted; messages.0.role: Input should be 'user'"
            )
        );
        assert_eq!(body.param.as_deref(), Some("stream_options"));
    }

    #[test]
    fn the_raw_body_is_kept_for_shapes_not_read_field_by_field() {
        let body = parse(
            r#"{"error":{"message":"Invalid request","details":"unknown field stream_options"}}"#,
        );
        assert!(body.raw.unwrap().contains("unknown field stream_options"));
    }

    fn kind_of(status: u16, body: &str, model: &str) -> crate::ErrorKind {
        let mut exchange = Exchange::for_tests();
        exchange.model = model.to_owned();
        classify(Some(status), &HeaderMap::new(), &parse(body), &exchange).kind()
    }

    #[test]
    fn model_missing_wordings_of_real_providers() {
        use crate::ErrorKind::ModelNotFound;
        for (status, body) in [
            (
                404,
                r#"{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","code":"model_not_found"}}"#,
            ),
            (
                400,
                r#"{"error":{"message":"The model `gpt-9` does not exist"}}"#,
            ),
            (
                404,
                r#"{"error":"model \"llama9\" not found, try pulling it first"}"#,
            ),
            (
                400,
                r#"{"error":{"message":"gpt-9 is not a valid model ID"}}"#,
            ),
            (422, r#"{"detail":"Model not found: gpt-9"}"#),
            (
                400,
                r#"{"message":"The requested model 'gpt-9' was not found"}"#,
            ),
            (
                400,
                r#"{"message":"Requested resource gpt-9 does not exist"}"#,
            ),
        ] {
            assert_eq!(kind_of(status, body, "gpt-9"), ModelNotFound, "{body}");
        }
    }

    #[test]
    fn model_and_not_found_in_one_message_is_not_enough() {
        for body in [
            r#"{"error":{"message":"function get_weather not found in model tools"}}"#,
            r#"{"error":{"message":"model tools: function x not found"}}"#,
            r#"{"error":{"message":"tool 'x' not found; the model called an unknown tool"}}"#,
        ] {
            assert_eq!(
                kind_of(400, body, "gpt-4o"),
                crate::ErrorKind::ProviderError,
                "{body}"
            );
        }
        // A 404 that is not about the model is about the URL.
        assert_eq!(
            kind_of(
                404,
                r#"{"error":{"message":"function x not found in model tools"}}"#,
                "gpt-4o"
            ),
            crate::ErrorKind::EndpointNotFound
        );
    }

    #[test]
    fn top_level_message() {
        let body = parse(r#"{"message":"Invalid model","code":40001}"#);
        assert_eq!(body.message.as_deref(), Some("Invalid model"));
        assert_eq!(body.code.as_deref(), Some("40001"));
    }

    #[test]
    fn code_as_string_number_or_null() {
        assert_eq!(
            parse(r#"{"error":{"message":"m","code":"x"}}"#)
                .code
                .as_deref(),
            Some("x")
        );
        assert_eq!(
            parse(r#"{"error":{"message":"m","code":429}}"#)
                .code
                .as_deref(),
            Some("429")
        );
        assert_eq!(parse(r#"{"error":{"message":"m","code":null}}"#).code, None);
    }

    #[test]
    fn array_of_errors() {
        let body = parse(r#"[{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}}]"#);
        assert_eq!(body.message.as_deref(), Some("bad"));
        assert_eq!(body.error_type.as_deref(), Some("INVALID_ARGUMENT"));
    }

    #[test]
    fn plain_text_and_html() {
        assert_eq!(
            parse("  upstream\n connect error  ").message.as_deref(),
            Some("upstream connect error")
        );
        assert_eq!(
            parse("<html><head><title>502 Bad Gateway</title></head><body>…</body></html>")
                .message
                .as_deref(),
            Some("502 Bad Gateway")
        );
        assert_eq!(parse("").message, None);
    }

    #[test]
    fn excerpt_cuts_on_char_boundaries() {
        assert_eq!(excerpt("héllo wörld", 4), "héll…");
        assert_eq!(excerpt("short", 10), "short");
    }
}
