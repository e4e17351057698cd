//! The one HTTP transport under every provider: a pooled client, auth, headers,
//! query, timeouts, limits, retries and error classification.
//!
//! Invariants: the key travels only in a header marked sensitive, only to the
//! configured host (cross-host redirects are refused by this crate's own client; with
//! a caller's client, see [`crate::client`]); nothing is retried once a response was
//! handed to the caller; no body is read beyond its size limit.
//!
//! Each attempt gets the whole-request timeout anew (a retried request may take up
//! to `max_retries + 1` times `timeout_secs`, plus the waits between attempts).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use secrecy::{ExposeSecret, SecretString};

use crate::settings::{AuthStyle, ProviderConfig, Timeouts};
use oac_url::{EndpointKind, Url};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Response};
use tokio::time::Instant;

use crate::classify::{self, CrossHostRedirect, Exchange, Phase, Purpose};
use crate::error::{Error, TimeoutKind};
use crate::redact::{Redactor, is_sensitive_header};
use crate::retry::{RetryPolicy, Sleeper};

/// Default limit on a response body: 64 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Default limit on an assembled reply (text, reasoning, tool-call arguments and
/// unknown fields kept, together): 64 MiB.
pub const DEFAULT_MAX_REPLY_BYTES: usize = 64 * 1024 * 1024;

/// Default limit on the number of tool calls in one reply: 1024.
pub const DEFAULT_MAX_TOOL_CALLS: usize = 1024;

/// Size limits that protect memory from a hostile or broken endpoint.
///
/// Every event of a stream is under `max_event_bytes`, and what a stream assembles
/// from its events is under `max_reply_bytes` and `max_tool_calls`, so a server that
/// never stops sending cannot make the client grow: it gets
/// [`Error::TooLarge`](crate::Error::TooLarge) instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest complete (non-streamed) response body (default 64 MiB).
    pub max_body_bytes: usize,
    /// Largest single stream event (default 32 MiB).
    pub max_event_bytes: usize,
    /// Largest streamed reply, counting the bytes of its text, reasoning, tool-call
    /// ids, names and arguments, and the unknown fields it keeps (default 64 MiB).
    pub max_reply_bytes: usize,
    /// Most tool calls in one reply (default 1024).
    pub max_tool_calls: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_event_bytes: crate::sse::DEFAULT_MAX_EVENT_BYTES,
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
            max_tool_calls: DEFAULT_MAX_TOOL_CALLS,
        }
    }
}

/// Settings of the transport that are not in the profile.
#[derive(Clone)]
pub(crate) struct TransportSettings {
    pub(crate) limits: Limits,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    /// Name resolution instead of the system's (tests make names fail on purpose).
    pub(crate) resolver: Option<Arc<dyn reqwest::dns::Resolve>>,
    /// The caller's HTTP client, used instead of one built from the profile (see
    /// [`ProviderBuilder::http_client`](crate::ProviderBuilder::http_client)).
    pub(crate) http_client: Option<reqwest::Client>,
}

impl std::fmt::Debug for TransportSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportSettings")
            .field("limits", &self.limits)
            .field("retry", &self.retry)
            .field("sleeper", &self.sleeper)
            .field("custom_resolver", &self.resolver.is_some())
            .field("caller_http_client", &self.http_client.is_some())
            .finish()
    }
}

/// A response with a success status, ready to be read.
#[derive(Debug)]
pub(crate) struct Delivered {
    pub(crate) response: Response,
    /// When the whole request times out.
    pub(crate) deadline: Instant,
    pub(crate) exchange: Exchange,
}

/// The shared transport.
#[derive(Debug)]
pub(crate) struct Transport {
    client: crate::client::OpaqueClient,
    auth: Option<(HeaderName, HeaderValue)>,
    headers: HeaderMap,
    pub(crate) redactor: Redactor,
    has_key: bool,
    pub(crate) limits: Limits,
    pub(crate) retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
    pub(crate) timeouts: Timeouts,
    endpoint_kind: EndpointKind,
    model: String,
    /// A credential in per-request headers over plain http was warned about.
    warned_request_credentials: AtomicBool,
}

fn config_error(field: &str, message: impl Into<String>) -> Error {
    Error::InvalidConfig {
        field: field.to_owned(),
        message: message.into(),
        source: None,
    }
}

/// A header value, marked sensitive when its name says it is a credential.
fn header_value(name: &HeaderName, value: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(value).ok()?;
    if is_sensitive_header(name.as_str()) {
        value.set_sensitive(true);
    }
    Some(value)
}

/// A copy of a response's headers that owns its bytes. hyper hands out header values
/// as slices of the connection's read buffer, so a reply, stream or error that kept
/// them would keep that whole buffer alive: it grows to hundreds of KiB while a
/// stream arrives faster than it is read, and a caller who keeps replies (or their
/// errors) would keep one such buffer per reply. Names are copied by `http`
/// already; values are copied here, a few short strings per request.
pub(crate) fn detached_headers(headers: &HeaderMap) -> HeaderMap {
    let mut owned = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        // A value of a valid `HeaderValue` is always valid again; keeping the
        // shared one is the fallback, never an error.
        let mut copy = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone());
        copy.set_sensitive(value.is_sensitive());
        owned.append(name.clone(), copy);
    }
    owned
}

/// Parse `(name, value)` pairs into a header map; `field` names the setting in errors.
/// Values never appear in errors (they may be secrets).
pub(crate) fn parse_headers(pairs: &[(String, String)], field: &str) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let header = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
            format!("`{name}` is not a valid HTTP header name in `{field}`; use letters, digits and dashes")
        })?;
        let value = header_value(&header, value.trim()).ok_or_else(|| {
            format!("the value of header `{name}` in `{field}` is not a valid HTTP header value (no line breaks or control characters)")
        })?;
        map.insert(header, value);
    }
    Ok(map)
}

/// True for a plain `http://` URL whose host is not this machine.
fn is_plain_http_to_another_host(url: &Url) -> bool {
    url.scheme() == "http" && !oac_url::is_loopback(url)
}

/// `builder` trusting the PEM bundle at `path` as well as the default roots.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn with_ca_cert(
    builder: reqwest::ClientBuilder,
    path: &std::path::Path,
) -> Result<reqwest::ClientBuilder, Error> {
    let pem = crate::files::read_capped(path, crate::files::FileKind::CaCert).map_err(|e| {
        Error::InvalidConfig {
            field: "ca_cert".into(),
            message: format!(
                "cannot read {}: {e}; point ca_cert at a PEM certificate file",
                crate::files::ShownPath(path)
            ),
            source: Some(Box::new(e)),
        }
    })?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::InvalidConfig {
        field: "ca_cert".into(),
        message: format!(
            "{} is not a PEM certificate bundle",
            crate::files::ShownPath(path)
        ),
        source: Some(Box::new(e)),
    })?;
    if certs.is_empty() {
        return Err(config_error(
            "ca_cert",
            format!(
                "{} contains no PEM certificate",
                crate::files::ShownPath(path)
            ),
        ));
    }
    Ok(builder.tls_certs_merge(certs))
}

/// Without a TLS backend there is nothing to give a certificate to.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_ca_cert(
    _builder: reqwest::ClientBuilder,
    _path: &std::path::Path,
) -> Result<reqwest::ClientBuilder, Error> {
    Err(config_error(
        "ca_cert",
        "this build of oac-provider has no TLS backend; enable its `rustls` or `native-tls` feature",
    ))
}

/// True when every URL this provider calls (chat and models) is on this machine.
fn calls_only_this_machine(endpoints: &oac_url::Endpoints) -> bool {
    std::iter::once(&endpoints.chat)
        .chain(endpoints.models.as_ref())
        .all(oac_url::is_loopback)
}

/// Whether a redirect from the first URL of a request to `next` is refused: the key
/// may only follow to the same host and port, and never from https down to http.
pub(crate) fn redirect_refused(first: &Url, next: &Url) -> bool {
    first.host_str() != next.host_str()
        || first.port_or_known_default() != next.port_or_known_default()
        || (first.scheme() == "https" && next.scheme() != "https")
}

/// The redirect policy: follow redirects on the same origin (at most 10), refuse
/// any to another host or port, or from https to http.
pub(crate) fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        if previous.len() >= 10 {
            return attempt.error("more than 10 redirects");
        }
        let next = attempt.url();
        let refused = previous
            .first()
            .is_some_and(|first| redirect_refused(first, next));
        if refused {
            let to = next.to_string();
            attempt.error(CrossHostRedirect { to })
        } else {
            attempt.follow()
        }
    })
}

impl Transport {
    pub(crate) fn new(
        profile: &ProviderConfig,
        settings: &TransportSettings,
    ) -> Result<Self, Error> {
        // The key as sent: trimmed once, so what goes on the wire and what the
        // redactor looks for are the same text.
        let key: Option<SecretString> = profile
            .api_key()
            .map(|k| k.expose_secret().trim())
            .filter(|k| !k.is_empty())
            .map(|k| SecretString::from(k.to_owned()));
        let mut secrets: Vec<SecretString> = key.iter().cloned().collect();
        let auth = match &key {
            Some(key) => auth_header(key, profile.auth())?,
            None => None,
        };
        let headers = parse_headers(&profile.headers().0, "headers")
            .map_err(|m| config_error("headers", m))?;
        for (name, value) in &profile.headers().0 {
            if is_sensitive_header(name) {
                secrets.push(SecretString::from(value.trim().to_owned()));
            }
        }
        let sends_credentials = auth.is_some()
            || headers
                .keys()
                .any(|name| is_sensitive_header(name.as_str()));
        if sends_credentials {
            warn_of_plain_http(profile.endpoints());
        }
        let client = http_client(profile, settings)?;
        Ok(Transport {
            client: crate::client::OpaqueClient(client),
            auth,
            headers,
            redactor: Redactor::new(secrets),
            has_key: key.is_some(),
            limits: settings.limits,
            retry: settings
                .retry
                .unwrap_or_else(|| RetryPolicy::with_max_retries(profile.max_retries())),
            sleeper: settings.sleeper.clone(),
            timeouts: profile.timeouts(),
            endpoint_kind: profile.endpoints().kind,
            model: profile.model().to_owned(),
            warned_request_credentials: AtomicBool::new(false),
        })
    }

    /// The context for classifying errors of a call to `url`.
    pub(crate) fn exchange(&self, url: &Url, purpose: Purpose) -> Exchange {
        Exchange {
            url: url.clone(),
            model: self.model.clone(),
            endpoint_kind: self.endpoint_kind,
            purpose,
            redactor: self.redactor.clone(),
            has_key: self.has_key,
            service_tier: None,
        }
    }

    /// `base` (whose query already holds the profile's parameters: the url crate
    /// merged them when it resolved the endpoints) with the request's extra query
    /// parameters merged in by the url crate's one rule ([`oac_url::merge_query`]).
    pub(crate) fn url_with(&self, base: &Url, extra: &[(String, String)]) -> Url {
        oac_url::merge_query(base, extra)
    }

    /// Run `operation` (one attempt: send, and read what must be read before
    /// anything reaches the caller), retrying per the policy.
    pub(crate) async fn with_retries<T, F, Fut>(&self, mut operation: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut retries = 0;
        loop {
            let attempt = crate::spans::in_attempt_span(retries + 1, operation());
            let error = match attempt.await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            match self.retry.decide(&error, retries) {
                Some(wait) => {
                    tracing::debug!(
                        retry = retries + 1,
                        wait_ms = wait.as_millis() as u64,
                        kind = %error.kind(),
                        "retrying the request"
                    );
                    self.sleeper.sleep(wait).await;
                    retries += 1;
                }
                None => return Err(error),
            }
        }
    }

    /// The context of a call to `url` with these per-request headers: their
    /// credentials are redacted like the key, and warned about over plain http.
    pub(crate) fn exchange_for(
        &self,
        url: &Url,
        purpose: Purpose,
        extra_headers: &HeaderMap,
    ) -> Exchange {
        let mut exchange = self.exchange(url, purpose);
        let credentials: Vec<SecretString> = extra_headers
            .iter()
            .filter(|(name, value)| value.is_sensitive() || is_sensitive_header(name.as_str()))
            .filter_map(|(_, value)| value.to_str().ok())
            .map(|value| SecretString::from(value.to_owned()))
            .collect();
        if !credentials.is_empty() {
            if is_plain_http_to_another_host(url)
                && !self
                    .warned_request_credentials
                    .swap(true, Ordering::Relaxed)
            {
                tracing::warn!(
                    host = url.host_str().unwrap_or_default(),
                    "a credential header of the request is sent over plain http to a host that is not this machine; use https"
                );
            }
            exchange.redactor = self.redactor.with_secrets(credentials);
        }
        exchange
    }

    /// One attempt: send, and classify a failure status. Nothing of a success
    /// response has been read.
    pub(crate) async fn attempt(
        &self,
        method: Method,
        url: &Url,
        body: Option<Bytes>,
        stream: bool,
        extra_headers: &HeaderMap,
        exchange: &Exchange,
    ) -> Result<Delivered, Error> {
        let started = Instant::now();
        let deadline = crate::time::deadline_after(started, self.timeouts.total);
        let mut headers = HeaderMap::with_capacity(self.headers.len() + extra_headers.len() + 3);
        headers.insert(
            ACCEPT,
            HeaderValue::from_static(if stream {
                "text/event-stream"
            } else {
                "application/json"
            }),
        );
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Some((name, value)) = &self.auth {
            headers.insert(name.clone(), value.clone());
        }
        // Profile headers win over the key's header (a user `Authorization` replaces
        // the key), request headers win over both.
        for (name, value) in self.headers.iter().chain(extra_headers.iter()) {
            headers.insert(name.clone(), value.clone());
        }
        crate::spans::record_method(&method);
        let mut request = self.client.0.request(method, url.clone()).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = match self.timeouts.headers {
            Some(limit) => {
                let headers_by = crate::time::deadline_after(started, limit);
                match tokio::time::timeout_at(
                    headers_by,
                    self.within_deadline(deadline, Phase::Send, exchange, request.send()),
                )
                .await
                {
                    Ok(sent) => sent?,
                    Err(_) => return Err(self.headers_timeout(limit, exchange)),
                }
            }
            None => {
                self.within_deadline(deadline, Phase::Send, exchange, request.send())
                    .await?
            }
        };
        crate::spans::record_status(response.status().as_u16());
        crate::client::check_final_url(url, &response, exchange)?;
        if response.status().is_success() {
            return Ok(Delivered {
                response,
                deadline,
                exchange: exchange.clone(),
            });
        }
        let (status, headers, body) = self.read_body(response, deadline, exchange).await?;
        let parsed = classify::parse_error_body(&body);
        Err(classify::classify(
            Some(status),
            &headers,
            &parsed,
            exchange,
        ))
    }

    /// One network step (sending, reading a chunk) within the whole-request
    /// deadline: running out of time is the total timeout, a failure is classified
    /// as happening in `phase`.
    async fn within_deadline<T>(
        &self,
        deadline: Instant,
        phase: Phase,
        exchange: &Exchange,
        step: impl Future<Output = reqwest::Result<T>>,
    ) -> Result<T, Error> {
        match tokio::time::timeout_at(deadline, step).await {
            Err(_) => Err(self.total_timeout(exchange)),
            Ok(Err(e)) => Err(classify::transport_error(
                e,
                phase,
                exchange,
                self.timeouts.connect,
            )),
            Ok(Ok(value)) => Ok(value),
        }
    }

    fn headers_timeout(&self, after: Duration, exchange: &Exchange) -> Error {
        Error::Timeout {
            which: TimeoutKind::Headers,
            after,
            host: exchange.host(),
            details: exchange.details(),
        }
    }

    pub(crate) fn total_timeout(&self, exchange: &Exchange) -> Error {
        Error::Timeout {
            which: TimeoutKind::Total,
            after: self.timeouts.total,
            host: exchange.host(),
            details: exchange.details(),
        }
    }

    /// Read a whole body within the deadline and the size limit: the response's
    /// status, headers and body. A failure carries the status and headers too.
    pub(crate) async fn read_body(
        &self,
        response: Response,
        deadline: Instant,
        exchange: &Exchange,
    ) -> Result<(u16, HeaderMap, Bytes), Error> {
        let status = response.status().as_u16();
        let headers = detached_headers(response.headers());
        let body = self
            .read_limited(response, deadline, exchange)
            .await
            .map_err(|e| e.with_response(status, &headers))?;
        Ok((status, headers, body))
    }

    async fn read_limited(
        &self,
        mut response: Response,
        deadline: Instant,
        exchange: &Exchange,
    ) -> Result<Bytes, Error> {
        let limit = self.limits.max_body_bytes;
        let too_large = || Error::TooLarge {
            what: "response body",
            host: exchange.host(),
            limit,
            unit: "byte",
            setting: "max_body_bytes",
            details: exchange.details(),
        };
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large());
        }
        let mut parts: Vec<Bytes> = Vec::new();
        let mut total = 0usize;
        loop {
            let next = self.within_deadline(deadline, Phase::Body, exchange, response.chunk());
            let Some(chunk) = next.await? else {
                break;
            };
            total += chunk.len();
            if total > limit {
                return Err(too_large());
            }
            parts.push(chunk);
        }
        if parts.len() == 1 {
            return Ok(parts.swap_remove(0));
        }
        let mut body = BytesMut::with_capacity(total);
        for part in parts {
            body.extend_from_slice(&part);
        }
        Ok(body.freeze())
    }
}

/// The header that carries `key` as `style` says; `None` for `auth = "none"`.
fn auth_header(
    key: &SecretString,
    style: &AuthStyle,
) -> Result<Option<(HeaderName, HeaderValue)>, Error> {
    let (name, value) = match style {
        AuthStyle::None => return Ok(None),
        AuthStyle::ApiKeyHeader => (
            HeaderName::from_static("api-key"),
            key.expose_secret().to_owned(),
        ),
        AuthStyle::Header(name) => (
            HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                config_error(
                    "auth",
                    format!("`{name}` is not a valid HTTP header name for the key"),
                )
            })?,
            key.expose_secret().to_owned(),
        ),
        _ => (AUTHORIZATION, format!("Bearer {}", key.expose_secret())),
    };
    let mut value = HeaderValue::from_str(&value).map_err(|_| {
        config_error(
            "api_key",
            "the API key contains characters that cannot be sent in an HTTP header (line breaks or control characters); check for stray characters",
        )
    })?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}

/// A warning for each URL that would carry credentials over plain http to a host
/// that is not this machine.
fn warn_of_plain_http(endpoints: &oac_url::Endpoints) {
    for url in std::iter::once(&endpoints.chat).chain(endpoints.models.as_ref()) {
        if is_plain_http_to_another_host(url) {
            tracing::warn!(
                host = url.host_str().unwrap_or_default(),
                "the API key is sent over plain http to a host that is not this machine; use https"
            );
        }
    }
}

/// The HTTP client: the caller's (whose settings only it can hold are refused
/// rather than ignored), else one built from the profile's timeouts, proxy rules,
/// CA certificate and the test resolver.
fn http_client(
    profile: &ProviderConfig,
    settings: &TransportSettings,
) -> Result<reqwest::Client, Error> {
    crate::client::refuse_client_only_settings(profile, settings)?;
    if let Some(client) = &settings.http_client {
        return Ok(client.clone());
    }
    let mut builder = reqwest::Client::builder()
        .connect_timeout(crate::time::capped(profile.timeouts().connect))
        .redirect(redirect_policy())
        .referer(false)
        .user_agent(concat!("oac/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(90));
    if let Some(proxy) = profile.proxy() {
        let proxy = reqwest::Proxy::all(proxy.trim()).map_err(|_| {
            config_error(
                "proxy",
                "not a usable proxy URL; use the form http://host:port or https://host:port",
            )
        })?;
        builder = builder.proxy(proxy);
    } else if calls_only_this_machine(profile.endpoints()) {
        // A proxy from the environment (HTTP_PROXY, ALL_PROXY…) is meant for the
        // outside world: a local server (Ollama, LM Studio, the simulator) is never
        // behind it, and sending loopback traffic to it fails or leaks the prompt.
        // A `proxy` set in the profile still applies (handled above).
        builder = builder.no_proxy();
    }
    if let Some(path) = profile.ca_cert() {
        builder = with_ca_cert(builder, path)?;
    }
    if let Some(resolver) = &settings.resolver {
        builder = builder.dns_resolver(resolver.clone());
    }
    builder.build().map_err(|e| Error::InvalidConfig {
        field: "tls".into(),
        message: "the HTTP client could not be set up (TLS or proxy settings)".into(),
        source: Some(Box::new(e)),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn detached_headers_own_their_bytes() {
        let buffer = bytes::Bytes::from_static(b"req-123text/event-stream");
        let mut headers = HeaderMap::new();
        let id = HeaderValue::from_maybe_shared(buffer.slice(0..7)).unwrap();
        let mut secret = HeaderValue::from_maybe_shared(buffer.slice(7..)).unwrap();
        secret.set_sensitive(true);
        headers.append("x-request-id", id);
        headers.append(CONTENT_TYPE, secret);
        headers.append("x-request-id", HeaderValue::from_static("second"));
        let owned = super::detached_headers(&headers);
        assert_eq!(owned, headers);
        assert_eq!(owned.get_all("x-request-id").iter().count(), 2);
        assert!(owned[CONTENT_TYPE].is_sensitive());
        for (value, original) in owned.values().zip(headers.values()) {
            assert_ne!(
                value.as_bytes().as_ptr(),
                original.as_bytes().as_ptr(),
                "a value still points into the read buffer"
            );
        }
    }

    use super::*;

    #[test]
    fn headers_are_validated_without_echoing_values() {
        let err = parse_headers(
            &[("X-Key".into(), "sk-secret\nInjected: 1".into())],
            "headers",
        )
        .unwrap_err();
        assert!(!err.contains("sk-secret"), "{err}");
        let err = parse_headers(&[("Bad Name".into(), "v".into())], "headers").unwrap_err();
        assert!(err.contains("Bad Name"), "{err}");
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn endpoints(base: &str, models_url: Option<&str>) -> oac_url::Endpoints {
        let mut options = oac_url::ResolveOptions::default();
        options.models_url = models_url.map(str::to_owned);
        oac_url::resolve(base, &options).unwrap()
    }

    #[test]
    fn environment_proxies_are_skipped_only_when_every_call_stays_on_this_machine() {
        assert!(calls_only_this_machine(&endpoints(
            "http://localhost:11434/v1",
            None
        )));
        assert!(calls_only_this_machine(&endpoints(
            "http://[::1]:8080/v1",
            None
        )));
        assert!(!calls_only_this_machine(&endpoints(
            "https://api.together.xyz/v1",
            None
        )));
        // A local chat endpoint whose models list lives elsewhere keeps the proxy.
        assert!(!calls_only_this_machine(&endpoints(
            "http://127.0.0.1:8080/v1",
            Some("https://models.example.com/v1/models")
        )));
    }

    fn transport() -> Transport {
        let endpoints = oac_url::resolve(
            "https://api.example.com/v1",
            &oac_url::ResolveOptions::default(),
        )
        .unwrap();
        let settings = TransportSettings {
            limits: Limits::default(),
            retry: None,
            sleeper: Arc::new(crate::retry::TokioSleeper),
            resolver: None,
            http_client: None,
        };
        Transport::new(&ProviderConfig::new(endpoints, "m"), &settings).unwrap()
    }

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn repeated_request_query_names_are_all_kept() {
        let t = transport();
        let base = url("https://api.example.com/v1/chat/completions");
        let out = t.url_with(&base, &pairs(&[("tag", "a"), ("tag", "b"), ("x", "1")]));
        assert_eq!(out.query(), Some("tag=a&tag=b&x=1"));
    }

    #[test]
    fn request_parameters_take_the_place_of_the_same_names() {
        // The url crate's one merge rule: the first parameter of a name is replaced
        // in place (by every value the request gives), later ones are dropped.
        let t = transport();
        let base = url("https://api.example.com/v1/chat?api-version=1&tenant=p&keep=yes&tenant=q");
        let out = t.url_with(&base, &pairs(&[("tenant", "r1"), ("tenant", "r2")]));
        assert_eq!(
            out.query(),
            Some("api-version=1&tenant=r1&tenant=r2&keep=yes")
        );
    }

    #[test]
    fn the_url_query_is_kept_as_written() {
        let t = transport();
        let base = url("https://api.example.com/v1/chat?sig=a%2Bb%3D&scope=x%20y&flag");
        let out = t.url_with(&base, &pairs(&[("q", "a b&c")]));
        assert_eq!(out.query(), Some("sig=a%2Bb%3D&scope=x%20y&flag&q=a+b%26c"));
        assert_eq!(t.url_with(&base, &[]), base);
    }

    #[test]
    fn redirects_keep_to_the_same_origin_and_never_drop_to_http() {
        let from = url("https://api.example.com/v1/chat/completions");
        assert!(!redirect_refused(
            &from,
            &url("https://api.example.com/v2/chat/completions")
        ));
        assert!(!redirect_refused(
            &from,
            &url("https://api.example.com:443/v2/chat/completions")
        ));
        assert!(redirect_refused(
            &from,
            &url("http://api.example.com/v1/chat/completions")
        ));
        assert!(redirect_refused(
            &from,
            &url("https://api.example.com:8443/v1/chat/completions")
        ));
        assert!(redirect_refused(
            &from,
            &url("https://evil.example.net/v1/chat/completions")
        ));
        // An upgrade to https on the same host and port is followed.
        assert!(!redirect_refused(
            &url("http://127.0.0.1:8080/v1"),
            &url("https://127.0.0.1:8080/v1")
        ));
    }

    #[test]
    fn credential_headers_are_sensitive() {
        let map = parse_headers(
            &[
                ("Authorization".into(), "Bearer t".into()),
                ("X-Title".into(), "app".into()),
            ],
            "headers",
        )
        .unwrap();
        assert!(map["authorization"].is_sensitive());
        assert!(!map["x-title"].is_sensitive());
    }
}
