//! The one HTTP transport under every provider: a pooled client, auth, headers,
//! query, timeouts, limits, retries and error classification.
//!
//! Invariants: the key travels only in a header marked sensitive, only to the
//! configured host (cross-host redirects are refused); nothing is retried once a
//! response was handed to the caller; no body is read beyond its size limit.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use openai_compat_config::{AuthStyle, ExposeSecret, ResolvedProfile, SecretString, Timeouts};
use openai_compat_url::{EndpointKind, Url};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Response};
use tokio::time::Instant;

use crate::classify::{self, CrossHostRedirect, Exchange, Phase, Purpose};
use crate::error::{Error, TimeoutKind};
use crate::redact::{Redactor, is_sensitive_header};
use crate::retry::{RetryPolicy, Sleeper};

/// Default limit on a response body: 64 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Size limits that protect memory from a hostile or broken endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest complete (non-streamed) response body.
    pub max_body_bytes: usize,
    /// Largest single stream event.
    pub max_event_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_event_bytes: crate::sse::DEFAULT_MAX_EVENT_BYTES,
        }
    }
}

/// Settings of the transport that are not in the profile.
#[derive(Clone, Debug)]
pub(crate) struct TransportSettings {
    pub(crate) limits: Limits,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
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
    client: reqwest::Client,
    auth: Option<(HeaderName, HeaderValue)>,
    headers: HeaderMap,
    query: Vec<(String, String)>,
    pub(crate) redactor: Redactor,
    has_key: bool,
    pub(crate) limits: Limits,
    pub(crate) retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
    pub(crate) timeouts: Timeouts,
    endpoint_kind: EndpointKind,
    model: String,
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

/// The redirect policy: follow redirects on the same origin (at most 10), refuse
/// any to another host or port, or from https to http.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        if previous.len() >= 10 {
            return attempt.error("more than 10 redirects");
        }
        let next = attempt.url();
        let refused = match previous.first() {
            Some(first) => {
                first.host_str() != next.host_str()
                    || first.port_or_known_default() != next.port_or_known_default()
                    || (first.scheme() == "https" && next.scheme() != "https")
            }
            None => false,
        };
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
        profile: &ResolvedProfile,
        settings: &TransportSettings,
    ) -> Result<Self, Error> {
        let key = profile
            .api_key
            .as_ref()
            .filter(|k| !k.expose_secret().trim().is_empty());
        let mut secrets: Vec<SecretString> = key.cloned().into_iter().collect();

        let auth = match (key, &profile.auth) {
            (None, _) => None,
            (Some(_), AuthStyle::None) => None,
            (Some(key), style) => {
                let (name, value) = match style {
                    AuthStyle::ApiKeyHeader => (
                        HeaderName::from_static("api-key"),
                        key.expose_secret().trim().to_owned(),
                    ),
                    AuthStyle::Header(name) => (
                        HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                            config_error(
                                "auth",
                                format!("`{name}` is not a valid HTTP header name for the key"),
                            )
                        })?,
                        key.expose_secret().trim().to_owned(),
                    ),
                    _ => (
                        AUTHORIZATION,
                        format!("Bearer {}", key.expose_secret().trim()),
                    ),
                };
                let mut value = HeaderValue::from_str(&value).map_err(|_| {
                    config_error(
                        "api_key",
                        "the API key contains characters that cannot be sent in an HTTP header (line breaks or control characters); check for stray characters",
                    )
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
        };

        let headers =
            parse_headers(&profile.headers.0, "headers").map_err(|m| config_error("headers", m))?;
        for (name, value) in &profile.headers.0 {
            if is_sensitive_header(name) {
                secrets.push(SecretString::from(value.trim().to_owned()));
            }
        }

        for url in std::iter::once(&profile.endpoints.chat).chain(profile.endpoints.models.as_ref())
        {
            if (auth.is_some() || headers.contains_key(AUTHORIZATION))
                && url.scheme() == "http"
                && !openai_compat_url::is_loopback(url)
            {
                tracing::warn!(
                    host = url.host_str().unwrap_or_default(),
                    "the API key is sent over plain http to a host that is not this machine; use https"
                );
            }
        }

        let mut builder = reqwest::Client::builder()
            .connect_timeout(profile.timeouts.connect)
            .redirect(redirect_policy())
            .referer(false)
            .user_agent(concat!("openai-compat/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(90));
        if let Some(proxy) = &profile.proxy {
            let proxy = reqwest::Proxy::all(proxy.trim()).map_err(|_| {
                config_error(
                    "proxy",
                    "not a usable proxy URL; use the form http://host:port or https://host:port",
                )
            })?;
            builder = builder.proxy(proxy);
        }
        if let Some(path) = &profile.ca_cert {
            let pem = std::fs::read(path).map_err(|e| Error::InvalidConfig {
                field: "ca_cert".into(),
                message: format!("cannot read {}: {e}", path.display()),
                source: Some(Box::new(e)),
            })?;
            let certs =
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| Error::InvalidConfig {
                    field: "ca_cert".into(),
                    message: format!("{} is not a PEM certificate bundle", path.display()),
                    source: Some(Box::new(e)),
                })?;
            if certs.is_empty() {
                return Err(config_error(
                    "ca_cert",
                    format!("{} contains no PEM certificate", path.display()),
                ));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let client = builder.build().map_err(|e| Error::InvalidConfig {
            field: "tls".into(),
            message: "the HTTP client could not be set up (TLS or proxy settings)".into(),
            source: Some(Box::new(e)),
        })?;

        Ok(Transport {
            client,
            auth,
            headers,
            query: profile.query.clone(),
            redactor: Redactor::new(secrets),
            has_key: key.is_some(),
            limits: settings.limits,
            retry: settings
                .retry
                .unwrap_or_else(|| RetryPolicy::with_max_retries(profile.max_retries)),
            sleeper: settings.sleeper.clone(),
            timeouts: profile.timeouts,
            endpoint_kind: profile.endpoints.kind,
            model: profile.model.clone(),
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
        }
    }

    /// `base` with the profile's query (configuration wins on a clash) and the
    /// request's extra query parameters.
    pub(crate) fn url_with(&self, base: &Url, extra: &[(String, String)]) -> Url {
        let wanted: Vec<&(String, String)> = self.query.iter().chain(extra).collect();
        if wanted.is_empty() {
            return base.clone();
        }
        let mut pairs: Vec<(String, String)> = base.query_pairs().into_owned().collect();
        for (name, value) in wanted {
            pairs.retain(|(n, _)| n != name);
            pairs.push((name.clone(), value.clone()));
        }
        let mut url = base.clone();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        url
    }

    /// Send a request, retrying per the policy until a success status arrives.
    /// Nothing of the returned response has been read.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<Bytes>,
        stream: bool,
        extra_headers: &HeaderMap,
        purpose: Purpose,
    ) -> Result<Delivered, Error> {
        let exchange = self.exchange(url, purpose);
        let mut retries = 0;
        loop {
            let result = self
                .attempt(
                    method.clone(),
                    url,
                    body.clone(),
                    stream,
                    extra_headers,
                    &exchange,
                )
                .await;
            let error = match result {
                Ok(delivered) => return Ok(delivered),
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

    async fn attempt(
        &self,
        method: Method,
        url: &Url,
        body: Option<Bytes>,
        stream: bool,
        extra_headers: &HeaderMap,
        exchange: &Exchange,
    ) -> Result<Delivered, Error> {
        let deadline = Instant::now() + self.timeouts.total;
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
        let mut request = self.client.request(method, url.clone()).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        let sent = tokio::time::timeout_at(deadline, request.send()).await;
        let response = match sent {
            Err(_) => return Err(self.total_timeout(exchange)),
            Ok(Err(e)) => {
                return Err(classify::transport_error(
                    e,
                    Phase::Send,
                    exchange,
                    self.timeouts.connect,
                ));
            }
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_success() {
            return Ok(Delivered {
                response,
                deadline,
                exchange: exchange.clone(),
            });
        }
        let headers = response.headers().clone();
        let body = self
            .read_body(response, deadline, exchange)
            .await
            .map_err(|e| e.with_response(status.as_u16(), &headers))?;
        let parsed = classify::parse_error_body(&body);
        Err(classify::classify(
            Some(status.as_u16()),
            &headers,
            &parsed,
            exchange,
        ))
    }

    pub(crate) fn total_timeout(&self, exchange: &Exchange) -> Error {
        Error::Timeout {
            which: TimeoutKind::Total,
            after: self.timeouts.total,
            host: exchange.host(),
            details: exchange.details(),
        }
    }

    /// Read a whole body within the deadline and the size limit.
    pub(crate) async fn read_body(
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
            let chunk = match tokio::time::timeout_at(deadline, response.chunk()).await {
                Err(_) => return Err(self.total_timeout(exchange)),
                Ok(Err(e)) => {
                    return Err(classify::transport_error(
                        e,
                        Phase::Body,
                        exchange,
                        self.timeouts.connect,
                    ));
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(chunk))) => chunk,
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

#[cfg(test)]
mod tests {
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
