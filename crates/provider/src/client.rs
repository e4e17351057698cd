//! Bringing your own `reqwest::Client` ([`ProviderBuilder::http_client`]): several
//! providers or profiles on one connection pool.
//!
//! What a request carries is set on every request, whichever client sends it; what
//! only a client can hold is the owner's. With the caller's client:
//!
//! Still set by this crate, per request:
//! - the key, in its header (`Authorization: Bearer …`, `api-key`, or the profile's
//!   header), marked sensitive;
//! - the profile's headers and the request's extra headers, `Accept` and
//!   `Content-Type`, over the client's default headers of the same name;
//! - the profile's and the request's query parameters;
//! - the whole-request timeout and the stream-idle timeout: they are this crate's own
//!   timers around every send and read, not client settings;
//! - body and event size limits, retries, error classification, spans;
//! - the redirect check after the fact (below).
//!
//! The caller's (set them on the client; the profile's are not used):
//! - redirects: the client's redirect policy decides whether one is followed;
//! - proxies, including the environment's (`HTTP_PROXY`…): this crate's own client
//!   bypasses them for a loopback base URL; another client does what it was built to
//!   do. A profile `proxy` with a caller's client is an [`Error::InvalidConfig`];
//! - root certificates and TLS: a profile `ca_cert` with a caller's client is an
//!   [`Error::InvalidConfig`];
//! - the connect timeout (the profile's `connect_timeout` is not applied; connect
//!   timeouts of that client are still reported as [`Error::Timeout`]), pool sizes and
//!   idle times, HTTP/2, DNS resolution;
//! - the `User-Agent` (this crate's own client sends `oac/<version>`; another sends
//!   its own, if any) and the `Referer` on redirects;
//! - any timeout of the client itself (`ClientBuilder::timeout`), which applies on
//!   top of this crate's.
//!
//! # Redirects and the key
//!
//! This crate's own client follows a redirect only to the same scheme, host and
//! port, so the key is never sent to another host ([`same_origin_redirects`]).
//! `reqwest`'s default policy follows up to 10 redirects anywhere; on a redirect to
//! another host it drops `Authorization` and cookies, but sends every other header
//! along — an `api-key` header (Azure), a custom key header, the profile's headers.
//! `reqwest` has no per-request redirect policy, so this crate cannot stop a
//! client's policy from following; what it does per request is check where the reply
//! came from: a reply whose final URL is on another origin is refused with
//! [`Error::Rejected`], so a redirect never goes unnoticed. Build a client that sends keys with
//! `.redirect(oac_provider::same_origin_redirects())` (this crate's own rule) or
//! `.redirect(reqwest::redirect::Policy::none())` (a redirect is then an error
//! naming the status).

use oac_url::Url;
use reqwest::Response;

use crate::builder::ProviderBuilder;
use crate::classify::Exchange;
use crate::error::Error;
use crate::redact::display_url;
use crate::settings::ProviderConfig;
use crate::transport::{TransportSettings, redirect_policy, redirect_refused};

impl<P> ProviderBuilder<P> {
    /// Send every request through `client` instead of a client built for this
    /// provider alone, so several providers (and profiles) share one connection
    /// pool. Clone the client for each builder: clones share the pool.
    ///
    /// What the provider still sets on each request and what becomes the client's
    /// is listed in [`client`](crate::client); in short, the key, headers, query and
    /// timeouts stay per request, while redirects, proxies, root certificates, the
    /// connect timeout and pool settings are the client's. A profile that sets
    /// `proxy` or `ca_cert` then fails to build with [`Error::InvalidConfig`] naming
    /// the setting (configure it on the client instead). Prefer a client built with
    /// `.redirect(oac_provider::same_origin_redirects())` so the key never follows a
    /// redirect to another host.
    ///
    /// ```
    /// use oac_provider::{OpenAiCompatible, same_origin_redirects};
    /// # use oac_provider::ProviderConfig;
    /// # use oac_url::{ResolveOptions, resolve};
    /// # let profile = |url: &str| ProviderConfig::new(resolve(url, &ResolveOptions::default()).unwrap(), "m");
    ///
    /// let http = oac_provider::reqwest::Client::builder()
    ///     .redirect(same_origin_redirects())
    ///     .build()?;
    /// let together = OpenAiCompatible::builder(profile("https://api.together.xyz/v1"))
    ///     .http_client(http.clone())
    ///     .build()?;
    /// let groq = OpenAiCompatible::builder(profile("https://api.groq.com/openai/v1"))
    ///     .http_client(http)
    ///     .build()?;
    /// # let _ = (together, groq);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http_client = Some(client);
        self
    }
}

/// The redirect policy of this crate's own HTTP client, for a client you build
/// yourself ([`ProviderBuilder::http_client`]): follow at most 10 redirects, each to
/// the scheme, host and port of the first URL (an upgrade from `http` to `https` on
/// the same host and port is followed), and refuse any other, so a key never
/// follows a redirect to another host. A refused redirect is
/// [`Error::RedirectRefused`].
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    redirect_policy()
}

/// An HTTP client whose `Debug` shows none of its settings: a caller's client may
/// carry credentials in default headers it did not mark sensitive.
#[derive(Clone)]
pub(crate) struct OpaqueClient(pub(crate) reqwest::Client);

impl std::fmt::Debug for OpaqueClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("reqwest::Client { .. }")
    }
}

fn client_setting_error(field: &str, what: &str, how: &str) -> Error {
    Error::InvalidConfig {
        field: field.to_owned(),
        message: format!(
            "{what} belongs to the HTTP client, and this provider sends through the client passed with http_client; configure it on that reqwest::Client ({how}) and remove `{field}` from the profile"
        ),
        source: None,
    }
}

/// With the caller's client, refuse the profile settings only a client can hold
/// (rather than ignore them).
pub(crate) fn refuse_client_only_settings(
    profile: &ProviderConfig,
    settings: &TransportSettings,
) -> Result<(), Error> {
    if settings.http_client.is_none() {
        return Ok(());
    }
    if profile.proxy().is_some() {
        return Err(client_setting_error(
            "proxy",
            "a proxy",
            "ClientBuilder::proxy",
        ));
    }
    if profile.ca_cert().is_some() {
        return Err(client_setting_error(
            "ca_cert",
            "a root certificate",
            "ClientBuilder::add_root_certificate or tls_certs_merge",
        ));
    }
    Ok(())
}

/// Refuse a reply that a redirect brought from another origin than `sent_to` (only a
/// caller's client can follow one: this crate's own refuses it before).
pub(crate) fn check_final_url(
    sent_to: &Url,
    response: &Response,
    exchange: &Exchange,
) -> Result<(), Error> {
    let final_url = response.url();
    if !redirect_refused(sent_to, final_url) {
        return Ok(());
    }
    let mut details = exchange.details();
    details.status = Some(response.status().as_u16());
    Err(Error::Rejected {
        summary: format!(
            "{} redirected to {}, another origin, and the HTTP client passed with http_client followed it, sending the request's headers other than Authorization there (an api-key or custom key header included); the reply is not used. Build that client with .redirect(oac_provider::same_origin_redirects()) or redirect::Policy::none(), and set the base URL to the new location",
            exchange.host(),
            display_url(final_url, &exchange.redactor),
        ),
        details,
    })
}
