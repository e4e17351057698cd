//! Every row of the examples table in `docs/url-resolution.md` (mode auto,
//! compatible, model `m` unless the row names another).

// Test helpers outside #[test] functions panic on purpose: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_url::{Endpoints, ResolveOptions, UrlError, resolve};

fn options() -> ResolveOptions {
    ResolveOptions::new().model("m")
}

fn ok(input: &str) -> Endpoints {
    resolve(input, &options()).unwrap()
}

fn models(endpoints: &Endpoints) -> Option<&str> {
    endpoints.models.as_ref().map(|url| url.as_str())
}

#[test]
fn base_gets_chat_completions_and_models_appended() {
    let endpoints = ok("https://api.provider.com/v1");
    assert_eq!(
        endpoints.chat.as_str(),
        "https://api.provider.com/v1/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models")
    );
}

#[test]
fn base_with_trailing_slash_gives_the_same_urls() {
    assert_eq!(
        ok("https://api.provider.com/v1/"),
        ok("https://api.provider.com/v1")
    );
}

#[test]
fn base_with_surrounding_whitespace_gives_the_same_urls() {
    assert_eq!(
        ok("  https://api.provider.com/v1  "),
        ok("https://api.provider.com/v1")
    );
}

#[test]
fn full_chat_completions_endpoint_is_unchanged_and_models_replaces_the_tail() {
    let endpoints = ok("https://api.provider.com/v1/chat/completions");
    assert_eq!(
        endpoints.chat.as_str(),
        "https://api.provider.com/v1/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models")
    );
}

#[test]
fn full_endpoint_ending_in_chat_is_unchanged_and_has_no_models_url() {
    let endpoints = ok("https://custom-endpoint.provider.com/api/v2/models/chat");
    assert_eq!(
        endpoints.chat.as_str(),
        "https://custom-endpoint.provider.com/api/v2/models/chat"
    );
    assert_eq!(models(&endpoints), None);
    let reason = endpoints.models_missing_reason.unwrap();
    assert!(reason.contains("set `models_url`"), "{reason}");
}

#[test]
fn local_ollama_base_over_http() {
    let endpoints = ok("http://localhost:11434/v1");
    assert_eq!(
        endpoints.chat.as_str(),
        "http://localhost:11434/v1/chat/completions"
    );
    assert_eq!(models(&endpoints), Some("http://localhost:11434/v1/models"));
}

#[test]
fn base_without_path_appends_from_the_root() {
    let endpoints = ok("https://api.perplexity.ai");
    assert_eq!(
        endpoints.chat.as_str(),
        "https://api.perplexity.ai/chat/completions"
    );
    assert_eq!(models(&endpoints), Some("https://api.perplexity.ai/models"));
}

#[test]
fn base_query_is_carried_to_chat_and_models() {
    let endpoints = ok("https://gw.example.com/v1?tenant=a");
    assert_eq!(
        endpoints.chat.as_str(),
        "https://gw.example.com/v1/chat/completions?tenant=a"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://gw.example.com/v1/models?tenant=a")
    );
}

#[test]
fn azure_resource_root_builds_the_deployment_url_from_the_model() {
    let endpoints = resolve(
        "https://res.openai.azure.com",
        &ResolveOptions::new().model("gpt4o-prod"),
    )
    .unwrap();
    assert_eq!(
        endpoints.chat.as_str(),
        "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-08-01-preview"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-08-01-preview")
    );
}

#[test]
fn missing_scheme_suggests_https() {
    let err = resolve("api.provider.com/v1", &options()).unwrap_err();
    assert!(matches!(err, UrlError::SchemeRequired { .. }));
    assert!(
        err.to_string().contains("`https://api.provider.com/v1`"),
        "{err}"
    );
}

#[test]
fn ftp_scheme_is_rejected() {
    let err = resolve("ftp://api.provider.com/v1", &options()).unwrap_err();
    assert!(matches!(err, UrlError::UnsupportedScheme { .. }));
    assert!(err.to_string().contains("must be http or https"), "{err}");
}

#[test]
fn credentials_in_url_are_rejected() {
    let err = resolve("https://user:pw@api.provider.com/v1", &options()).unwrap_err();
    assert!(matches!(err, UrlError::CredentialsNotAllowed { .. }));
}
