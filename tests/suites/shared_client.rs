//! The caller's own `reqwest::Client`: requests go through it (a default header only
//! that client sets reaches the simulator) for chat, stream and models; what the
//! provider sets per request is still set; two providers share one pool; settings
//! only a client can hold are refused; redirects the client follows are caught.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac::Client;
use oac_config::{AuthStyle, SecretString};
use oac_provider::ProviderConfig;
use oac_provider::reqwest::header::{HeaderMap, HeaderValue};
use oac_provider::{
    ChatRequest, Error, ErrorKind, OpenAiCompatible, Provider, reqwest, same_origin_redirects,
};
use oac_testkit::{Reply, Simulator};
use oac_tests::{collect, profile, text_of};

const KEY: &str = "sk-shared-0123456789";

/// A client of the caller's own, recognisable by a default header.
fn caller_client(policy: reqwest::redirect::Policy) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-pool", HeaderValue::from_static("caller"));
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("caller-app/1.0")
        .redirect(policy)
        .no_proxy()
        .build()
        .unwrap()
}

fn keyed(sim: &Simulator) -> ProviderConfig {
    let mut p = profile(sim);
    p = p.with_api_key(SecretString::from(KEY));
    p.headers_mut().insert("X-Title", "profile-header");
    p
}

fn through(p: ProviderConfig, http: &reqwest::Client) -> OpenAiCompatible {
    OpenAiCompatible::builder(p)
        .http_client(http.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn chat_stream_and_models_go_through_the_callers_client() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = through(keyed(&sim), &caller_client(same_origin_redirects()));

    let reply = provider
        .chat(ChatRequest::new().user("Hi").header("X-Request", "r1"))
        .await
        .unwrap();
    assert_eq!(reply.content, "Hi");
    let (events, error) = collect(
        provider
            .chat_stream(ChatRequest::new().user("Hello"))
            .await
            .unwrap(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "Hello");
    provider.list_models().await.unwrap();

    // Discovery's two requests (models list, /model/info) come first.
    let requests = sim.requests();
    assert_eq!(requests.len(), 5);
    for (request, accept) in requests.iter().zip([
        "application/json",
        "application/json",
        "application/json",
        "text/event-stream",
        "application/json",
    ]) {
        let what = &request.path;
        // The caller's client sent it: its default header and its user agent.
        assert_eq!(request.header("x-pool"), Some("caller"), "{what}");
        assert_eq!(
            request.header("user-agent"),
            Some("caller-app/1.0"),
            "{what}"
        );
        // What the provider sets per request is still there.
        assert_eq!(
            request.header("authorization"),
            Some("Bearer sk-shared-0123456789"),
            "{what}"
        );
        assert_eq!(request.header("x-title"), Some("profile-header"), "{what}");
        assert_eq!(request.header("accept"), Some(accept), "{what}");
    }
    assert_eq!(requests[2].header("x-request"), Some("r1"));
    assert_eq!(requests[2].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn two_providers_share_one_pool() {
    let sim = Simulator::start().await;
    let http = caller_client(same_origin_redirects());
    let other = oac_tests::profile_for(&sim.base_url(), "other-model");
    let first = through(profile(&sim), &http);
    let second = through(other, &http);
    first.chat(ChatRequest::new().user("one")).await.unwrap();
    second.chat(ChatRequest::new().user("two")).await.unwrap();
    first.chat(ChatRequest::new().user("three")).await.unwrap();

    let requests = sim.chat_requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.header("x-pool") == Some("caller"))
    );
    assert_eq!(
        requests[1].body_at("/model"),
        Some(&serde_json::json!("other-model"))
    );
    // One pool: the second provider reused the first one's connection.
    assert_eq!(sim.connection_count(), 1);

    // Without a shared client each provider has a pool of its own.
    let alone = Simulator::start().await;
    oac_tests::provider(profile(&alone))
        .chat(ChatRequest::new().user("one"))
        .await
        .unwrap();
    oac_tests::provider(profile(&alone))
        .chat(ChatRequest::new().user("two"))
        .await
        .unwrap();
    assert_eq!(alone.connection_count(), 2);
}

#[tokio::test]
async fn the_facade_builder_takes_the_client_too() {
    let sim = Simulator::start().await;
    let http = caller_client(same_origin_redirects());
    let client = Client::builder()
        .base_url(sim.base_url())
        .model("sim-model")
        .http_client(http.clone())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("caller"));
    client.chat().user("Hi").send().await.unwrap();
    let (profile, _) = Client::builder()
        .base_url(sim.base_url())
        .model("sim-model")
        .build_profile()
        .unwrap();
    let from_profile = Client::from_profile_with_http_client(profile, http).unwrap();
    assert!(from_profile.provider_reason().is_some());
    from_profile.models().await.unwrap();
    let requests = sim.requests();
    assert_eq!(
        requests.len(),
        4,
        "discovery's two, the chat, the models list"
    );
    assert!(
        requests
            .iter()
            .all(|r| r.header("x-pool") == Some("caller"))
    );
}

#[test]
fn settings_only_a_client_can_hold_are_refused_not_ignored() {
    let http = reqwest::Client::new();
    let endpoints = oac_url::resolve(
        "https://api.example.com/v1",
        &oac_url::ResolveOptions::default(),
    )
    .unwrap();

    let p = ProviderConfig::new(endpoints.clone(), "m").with_proxy("http://proxy.internal:3128");
    let error = OpenAiCompatible::builder(p)
        .http_client(http.clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidConfig { field, .. } if field == "proxy"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "invalid setting `proxy`: a proxy belongs to the HTTP client, and this provider sends through the client passed with http_client; configure it on that reqwest::Client (ClientBuilder::proxy) and remove `proxy` from the profile"
    );

    let p = ProviderConfig::new(endpoints, "m").with_ca_cert("/etc/ssl/corp.pem");
    let error = OpenAiCompatible::builder(p)
        .http_client(http.clone())
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidConfig { field, .. } if field == "ca_cert"),
        "{error:?}"
    );

    // Through the facade: a configuration error naming the setting.
    let error = Client::builder()
        .base_url("https://api.example.com/v1")
        .model("m")
        .profile(|p| p.proxy("http://proxy.internal:3128"))
        .http_client(http)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("`proxy`"), "{error}");
}

/// `from` answers the chat request with a redirect to `to`.
fn redirecting(from: &Simulator, to: &Simulator) {
    from.push(Reply::error(307, "").header("location", to.url("/v1/chat/completions")));
}

#[tokio::test]
async fn a_redirect_the_callers_client_follows_to_another_host_is_caught() {
    let first = Simulator::start().await;
    let elsewhere = Simulator::start().await;
    redirecting(&first, &elsewhere);
    let mut p = keyed(&first);
    p = p.with_auth(AuthStyle::ApiKeyHeader);
    p = p.with_max_retries(0);
    // reqwest's default policy follows redirects anywhere.
    let provider = through(p, &caller_client(reqwest::redirect::Policy::default()));
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ProviderError);
    let message = error.to_string();
    assert!(
        message.contains("another origin") && message.contains("same_origin_redirects"),
        "{message}"
    );
    assert!(!message.contains(KEY), "{message}");
    // What the docs warn about: that client sent the request there, and reqwest
    // strips only `Authorization`, not an `api-key` header.
    let followed = elsewhere.chat_requests();
    assert_eq!(followed.len(), 1);
    assert_eq!(followed[0].header("api-key"), Some(KEY));
}

#[tokio::test]
async fn with_the_same_origin_policy_the_key_never_leaves() {
    let first = Simulator::start().await;
    let elsewhere = Simulator::start().await;
    redirecting(&first, &elsewhere);
    let mut p = keyed(&first);
    p = p.with_auth(AuthStyle::ApiKeyHeader);
    let provider = through(p, &caller_client(same_origin_redirects()));
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RedirectRefused { .. }), "{error:?}");
    assert_eq!(elsewhere.chat_request_count(), 0);
}
