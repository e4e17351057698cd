//! One test per rule of `docs/url-resolution.md` and per edge case around it.

// Test helpers outside #[test] functions panic on purpose: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_url::{
    AuthStyle, AzureOptions, EndpointKind, EndpointMode, Endpoints, Flavor, ResolveOptions,
    UrlError, UrlSetting, WireApi, is_loopback, resolve,
};

fn ok(input: &str, options: &ResolveOptions) -> Endpoints {
    resolve(input, options).unwrap()
}

fn auto(input: &str) -> Endpoints {
    ok(input, &ResolveOptions::new().model("m"))
}

fn chat(endpoints: &Endpoints) -> &str {
    endpoints.chat.as_str()
}

fn models(endpoints: &Endpoints) -> Option<&str> {
    endpoints.models.as_ref().map(|url| url.as_str())
}

// ---- rule 1: trimming and empty input ----

#[test]
fn invisible_characters_around_the_url_are_trimmed() {
    assert_eq!(
        auto("\u{FEFF}https://api.provider.com/v1\u{200B}\n"),
        auto("https://api.provider.com/v1")
    );
}

#[test]
fn empty_url_for_compatible_provider_is_an_error() {
    assert_eq!(
        resolve("", &ResolveOptions::new()),
        Err(UrlError::BaseUrlRequired)
    );
}

#[test]
fn blank_url_for_compatible_provider_is_an_error() {
    assert_eq!(
        resolve(" \t\n", &ResolveOptions::new()),
        Err(UrlError::BaseUrlRequired)
    );
}

#[test]
fn empty_url_for_native_provider_is_the_openai_default() {
    let endpoints = ok("  ", &ResolveOptions::new().openai_default(true));
    assert_eq!(
        chat(&endpoints),
        "https://api.openai.com/v1/chat/completions"
    );
    assert_eq!(models(&endpoints), Some("https://api.openai.com/v1/models"));
    assert_eq!(
        endpoints.rule,
        "base URL (none set: OpenAI default https://api.openai.com/v1): appended /chat/completions and /models"
    );
}

#[test]
fn native_provider_uses_a_url_that_is_set() {
    let endpoints = ok(
        "https://proxy.example.com/openai/v1",
        &ResolveOptions::new().openai_default(true),
    );
    assert_eq!(
        chat(&endpoints),
        "https://proxy.example.com/openai/v1/chat/completions"
    );
}

// ---- rule 2: scheme, host, port ----

#[test]
fn upper_case_scheme_and_host_are_lower_cased() {
    let endpoints = auto("HTTPS://API.Provider.com/v1");
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models")
    );
}

#[test]
fn upper_case_local_url_lower_cases_scheme_and_host_but_keeps_the_path() {
    let endpoints = auto("HTTP://LOCALHOST:11434/V1/");
    assert_eq!(
        chat(&endpoints),
        "http://localhost:11434/V1/chat/completions"
    );
    assert_eq!(models(&endpoints), Some("http://localhost:11434/V1/models"));
}

#[test]
fn path_case_is_kept() {
    assert_eq!(
        chat(&auto("https://api.provider.com/V1")),
        "https://api.provider.com/V1/chat/completions"
    );
}

#[test]
fn ipv6_loopback_base() {
    let endpoints = auto("http://[::1]:8080/v1");
    assert_eq!(chat(&endpoints), "http://[::1]:8080/v1/chat/completions");
    assert_eq!(models(&endpoints), Some("http://[::1]:8080/v1/models"));
    assert!(is_loopback(&endpoints.chat));
}

#[test]
fn ipv4_loopback_base() {
    let endpoints = auto("http://127.0.0.1:8080/v1");
    assert_eq!(
        chat(&endpoints),
        "http://127.0.0.1:8080/v1/chat/completions"
    );
    assert!(is_loopback(&endpoints.chat));
}

#[test]
fn non_default_port_is_kept() {
    let endpoints = auto("https://api.provider.com:8443/v1");
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com:8443/v1/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com:8443/v1/models")
    );
}

#[test]
fn default_port_is_dropped() {
    assert_eq!(
        chat(&auto("https://api.provider.com:443/v1")),
        "https://api.provider.com/v1/chat/completions"
    );
}

#[test]
fn missing_scheme_on_localhost_suggests_http() {
    assert_eq!(
        resolve("localhost:11434/v1", &ResolveOptions::new()),
        Err(UrlError::SchemeRequired {
            setting: UrlSetting::BaseUrl,
            input: "localhost:11434/v1".into(),
            suggestion: "http://localhost:11434/v1".into(),
        })
    );
}

#[test]
fn missing_scheme_on_ipv4_loopback_suggests_http() {
    assert_eq!(
        resolve("127.0.0.1:8080/v1", &ResolveOptions::new()),
        Err(UrlError::SchemeRequired {
            setting: UrlSetting::BaseUrl,
            input: "127.0.0.1:8080/v1".into(),
            suggestion: "http://127.0.0.1:8080/v1".into(),
        })
    );
}

#[test]
fn scheme_is_checked_before_anything_else_about_the_host() {
    assert!(matches!(
        resolve("ftp://res.openai.azure.com", &ResolveOptions::new()),
        Err(UrlError::UnsupportedScheme { .. })
    ));
}

// ---- rule 4: trailing slashes and query ----

#[test]
fn several_trailing_slashes_are_dropped() {
    assert_eq!(
        auto("https://api.provider.com/v1///"),
        auto("https://api.provider.com/v1")
    );
}

#[test]
fn root_slash_is_dropped() {
    assert_eq!(
        auto("https://api.perplexity.ai/"),
        auto("https://api.perplexity.ai")
    );
}

#[test]
fn full_endpoint_with_trailing_slash_is_still_full() {
    let endpoints = auto("https://api.provider.com/v1/chat/completions/");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/chat/completions"
    );
}

#[test]
fn full_endpoint_keeps_query() {
    let endpoints = auto("https://api.provider.com/v1/chat/completions?tenant=a");
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/chat/completions?tenant=a"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models?tenant=a")
    );
}

#[test]
fn url_query_is_kept_byte_for_byte() {
    let endpoints = auto("https://gw.example.com/v1?sig=a%2Bb%3D&note=a%20b");
    assert_eq!(
        chat(&endpoints),
        "https://gw.example.com/v1/chat/completions?sig=a%2Bb%3D&note=a%20b"
    );
}

#[test]
fn configured_query_is_merged_into_chat_and_models() {
    let options = ResolveOptions::new().query([("tenant", "a"), ("region", "eu")]);
    let endpoints = ok("https://gw.example.com/v1", &options);
    assert_eq!(
        chat(&endpoints),
        "https://gw.example.com/v1/chat/completions?tenant=a&region=eu"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://gw.example.com/v1/models?tenant=a&region=eu")
    );
}

#[test]
fn configured_query_wins_on_a_clash_and_order_is_stable() {
    let options = ResolveOptions::new().query([("c", "3"), ("a", "config")]);
    let endpoints = ok("https://gw.example.com/v1?b=1&a=url&d=4", &options);
    assert_eq!(
        chat(&endpoints),
        "https://gw.example.com/v1/chat/completions?b=1&a=config&d=4&c=3"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://gw.example.com/v1/models?b=1&a=config&d=4&c=3")
    );
}

#[test]
fn configured_query_values_are_encoded() {
    let options = ResolveOptions::new().query_param("q", "a b&c");
    assert_eq!(
        chat(&ok("https://gw.example.com/v1", &options)),
        "https://gw.example.com/v1/chat/completions?q=a+b%26c"
    );
}

#[test]
fn empty_query_mark_is_dropped() {
    assert_eq!(
        chat(&auto("https://gw.example.com/v1?")),
        "https://gw.example.com/v1/chat/completions"
    );
}

#[test]
fn configured_query_without_name_is_an_error() {
    let options = ResolveOptions::new().query_param("", "x");
    assert_eq!(
        resolve("https://gw.example.com/v1", &options),
        Err(UrlError::QueryNameRequired)
    );
}

// ---- rule 6: kind and endpoint_mode ----

#[test]
fn last_segment_invocations_is_a_full_endpoint() {
    let endpoints = auto("https://runtime.sagemaker.example.com/endpoints/llm/invocations");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://runtime.sagemaker.example.com/endpoints/llm/invocations"
    );
    assert_eq!(models(&endpoints), None);
}

#[test]
fn chat_completions_in_any_case_is_never_appended_to() {
    let endpoints = auto("https://api.provider.com/v1/Chat/Completions");
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/Chat/Completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models")
    );
}

#[test]
fn mode_base_forces_base_even_for_chat_completions() {
    let options = ResolveOptions::new().mode(EndpointMode::Base);
    let endpoints = ok("https://api.provider.com/v1/chat/completions", &options);
    assert_eq!(endpoints.kind, EndpointKind::Base);
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/chat/completions/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/chat/completions/models")
    );
    assert_eq!(
        endpoints.rule,
        "base URL (endpoint_mode = base): appended /chat/completions and /models"
    );
}

#[test]
fn mode_full_forces_full_for_a_base_looking_url() {
    let options = ResolveOptions::new().mode(EndpointMode::Full);
    let endpoints = ok("https://api.provider.com/v1/generate?x=1", &options);
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(chat(&endpoints), "https://api.provider.com/v1/generate?x=1");
    assert_eq!(models(&endpoints), None);
    assert!(endpoints.models_missing_reason.is_some());
}

#[test]
fn mode_full_on_chat_completions_still_derives_models() {
    let options = ResolveOptions::new().mode(EndpointMode::Full);
    let endpoints = ok("https://api.provider.com/v1/chat/completions", &options);
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models")
    );
    assert_eq!(
        endpoints.rule,
        "full endpoint (endpoint_mode = full): used as given; models URL derived by replacing the tail"
    );
}

// ---- rule 8: explicit models_url ----

#[test]
fn explicit_models_url_wins_over_the_derived_one() {
    let options = ResolveOptions::new().models_url("https://api.provider.com/catalog/list");
    let endpoints = ok("https://api.provider.com/v1", &options);
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/catalog/list")
    );
    assert_eq!(
        endpoints.rule,
        "base URL: appended /chat/completions; models URL from `models_url`"
    );
}

#[test]
fn explicit_models_url_fills_in_for_a_full_endpoint() {
    let options =
        ResolveOptions::new().models_url("https://custom-endpoint.provider.com/api/v2/models");
    let endpoints = ok(
        "https://custom-endpoint.provider.com/api/v2/models/chat",
        &options,
    );
    assert_eq!(
        models(&endpoints),
        Some("https://custom-endpoint.provider.com/api/v2/models")
    );
    assert_eq!(endpoints.models_missing_reason, None);
}

#[test]
fn explicit_models_url_gets_the_configured_query_but_not_the_base_query() {
    let options = ResolveOptions::new()
        .models_url("https://models.example.com/list?page=1")
        .query_param("tenant", "cfg");
    let endpoints = ok("https://gw.example.com/v1?base=only", &options);
    assert_eq!(
        models(&endpoints),
        Some("https://models.example.com/list?page=1&tenant=cfg")
    );
    assert_eq!(
        chat(&endpoints),
        "https://gw.example.com/v1/chat/completions?base=only&tenant=cfg"
    );
}

#[test]
fn explicit_models_url_path_is_used_as_given() {
    let options = ResolveOptions::new().models_url("  https://models.example.com/list/  ");
    let endpoints = ok("https://gw.example.com/v1", &options);
    assert_eq!(models(&endpoints), Some("https://models.example.com/list/"));
}

#[test]
fn explicit_models_url_is_validated_like_the_base_url() {
    let options = ResolveOptions::new().models_url("models.example.com/list");
    assert_eq!(
        resolve("https://gw.example.com/v1", &options),
        Err(UrlError::SchemeRequired {
            setting: UrlSetting::ModelsUrl,
            input: "models.example.com/list".into(),
            suggestion: "https://models.example.com/list".into(),
        })
    );
}

#[test]
fn blank_models_url_counts_as_unset() {
    let options = ResolveOptions::new().models_url(" ");
    assert_eq!(
        models(&ok("https://gw.example.com/v1", &options)),
        Some("https://gw.example.com/v1/models")
    );
}

// ---- rule 9: Azure OpenAI ----

#[test]
fn azure_v1_api_is_a_standard_base_with_api_key_auth() {
    let endpoints = auto("https://res.openai.azure.com/openai/v1/");
    assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
    assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
    assert_eq!(endpoints.kind, EndpointKind::Base);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/v1/chat/completions"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/v1/models")
    );
    assert_eq!(
        endpoints.rule,
        "Azure OpenAI v1 API base URL: appended /chat/completions and /models; key sent in the api-key header"
    );
}

#[test]
fn azure_v1_api_full_endpoint_is_used_as_given() {
    let endpoints = auto("https://res.openai.azure.com/openai/v1/chat/completions");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/v1/chat/completions"
    );
}

#[test]
fn azure_v1_api_keeps_a_url_api_version_and_adds_none() {
    assert_eq!(
        chat(&auto("https://res.openai.azure.com/openai/v1")),
        "https://res.openai.azure.com/openai/v1/chat/completions"
    );
    assert_eq!(
        chat(&auto(
            "https://res.openai.azure.com/openai/v1?api-version=preview"
        )),
        "https://res.openai.azure.com/openai/v1/chat/completions?api-version=preview"
    );
}

#[test]
fn azure_deployment_endpoint_follows_full_rules() {
    let endpoints = auto(
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
    );
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-10-21")
    );
    assert_eq!(
        endpoints.rule,
        "Azure OpenAI full endpoint (path contains /deployments/): used as given; models URL /openai/models (Azure Models - List); Responses URL /openai/responses (api-version 2024-10-21, the deployment sent as the model); api-version 2024-10-21 (from the URL); key sent in the api-key header"
    );
}

#[test]
fn azure_deployment_endpoint_without_api_version_gets_the_default() {
    let endpoints = auto("https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions");
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-08-01-preview"
    );
}

#[test]
fn azure_deployment_endpoint_for_another_operation_is_used_as_given() {
    let endpoints = auto("https://res.openai.azure.com/openai/deployments/gpt4o/completions");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o/completions?api-version=2024-08-01-preview"
    );
}

#[test]
fn azure_url_ending_at_the_deployment_gets_chat_completions_appended() {
    let endpoints = auto("https://res.openai.azure.com/openai/deployments/gpt4o/");
    assert_eq!(endpoints.kind, EndpointKind::Base);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-08-01-preview"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-08-01-preview")
    );
}

#[test]
fn azure_resource_root_with_openai_is_the_same_as_the_root() {
    let options = ResolveOptions::new().model("gpt4o-prod");
    assert_eq!(
        ok("https://res.openai.azure.com/openai/", &options),
        ok("https://res.openai.azure.com", &options)
    );
}

#[test]
fn azure_resource_rule_names_deployment_source_and_api_version() {
    let endpoints = ok(
        "https://res.openai.azure.com",
        &ResolveOptions::new().model("gpt4o-prod"),
    );
    assert_eq!(endpoints.kind, EndpointKind::Base);
    assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
    assert_eq!(
        endpoints.rule,
        "Azure OpenAI resource URL: built /openai/deployments/gpt4o-prod/chat/completions (deployment from `model`); models URL /openai/models (Azure Models - List); Responses URL /openai/responses (api-version 2025-04-01-preview, the deployment sent as the model); api-version 2024-08-01-preview (default); key sent in the api-key header"
    );
}

#[test]
fn azure_cognitive_services_host_is_azure_openai() {
    let endpoints = ok(
        "https://res.cognitiveservices.azure.com/",
        &ResolveOptions::new().model("d"),
    );
    assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
    assert_eq!(
        chat(&endpoints),
        "https://res.cognitiveservices.azure.com/openai/deployments/d/chat/completions?api-version=2024-08-01-preview"
    );
}

#[test]
fn azure_configured_deployment_beats_the_model() {
    let options = ResolveOptions::new()
        .model("gpt-4o")
        .azure(AzureOptions::new().deployment("gpt4o-prod"));
    let endpoints = ok("https://res.openai.azure.com", &options);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-08-01-preview"
    );
    assert!(
        endpoints
            .rule
            .contains("(deployment from `azure.deployment`)")
    );
}

#[test]
fn azure_resource_without_deployment_or_model_is_an_error() {
    assert_eq!(
        resolve("https://res.openai.azure.com", &ResolveOptions::new()),
        Err(UrlError::DeploymentRequired)
    );
    let blank = ResolveOptions::new()
        .model("  ")
        .azure(AzureOptions::new().deployment(""));
    assert_eq!(
        resolve("https://res.openai.azure.com", &blank),
        Err(UrlError::DeploymentRequired)
    );
}

#[test]
fn azure_deployment_name_is_one_encoded_segment() {
    let endpoints = ok(
        "https://res.openai.azure.com",
        &ResolveOptions::new().model("org/model v2"),
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/org%2Fmodel%20v2/chat/completions?api-version=2024-08-01-preview"
    );
}

#[test]
fn azure_api_version_in_url_beats_configured() {
    let options = ResolveOptions::new()
        .model("d")
        .azure(AzureOptions::new().api_version("2024-10-21"));
    let endpoints = ok(
        "https://res.openai.azure.com?api-version=2025-01-01-preview",
        &options,
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2025-01-01-preview"
    );
}

#[test]
fn azure_full_deployment_url_api_version_beats_configured() {
    let options = ResolveOptions::new()
        .model("m")
        .azure(AzureOptions::new().api_version("2025-01-01-preview"));
    let endpoints = ok(
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        &options,
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-10-21")
    );
    assert!(
        endpoints
            .rule
            .contains("api-version 2024-10-21 (from the URL)"),
        "{}",
        endpoints.rule
    );
}

#[test]
fn azure_configured_api_version_beats_the_default() {
    let options = ResolveOptions::new()
        .model("d")
        .azure(AzureOptions::new().api_version("2024-10-21"));
    let endpoints = ok("https://res.openai.azure.com", &options);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-10-21")
    );
    assert!(
        endpoints
            .rule
            .contains("api-version 2024-10-21 (from `azure.api_version`)")
    );
}

#[test]
fn azure_api_version_in_configured_query_wins_over_all() {
    let options = ResolveOptions::new()
        .model("d")
        .azure(AzureOptions::new().api_version("2024-10-21"))
        .query_param("api-version", "2025-04-01-preview");
    let endpoints = ok(
        "https://res.openai.azure.com?api-version=2024-06-01",
        &options,
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/d/chat/completions?api-version=2025-04-01-preview"
    );
    assert!(
        endpoints
            .rule
            .contains("api-version 2025-04-01-preview (from `query`)")
    );
}

#[test]
fn azure_url_query_is_carried_beside_api_version() {
    let endpoints = ok(
        "https://res.openai.azure.com/openai?tenant=a",
        &ResolveOptions::new().model("d"),
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/d/chat/completions?tenant=a&api-version=2024-08-01-preview"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?tenant=a&api-version=2024-08-01-preview")
    );
}

#[test]
fn azure_configured_on_a_gateway_keeps_the_gateway_prefix() {
    let options = ResolveOptions::new().model("d").azure(AzureOptions::new());
    let endpoints = ok("https://apim.contoso.com/aoai", &options);
    assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
    assert_eq!(
        chat(&endpoints),
        "https://apim.contoso.com/aoai/openai/deployments/d/chat/completions?api-version=2024-08-01-preview"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://apim.contoso.com/aoai/openai/models?api-version=2024-08-01-preview")
    );
}

#[test]
fn azure_mode_full_uses_the_url_as_given_with_api_version() {
    let options = ResolveOptions::new().mode(EndpointMode::Full);
    let endpoints = ok("https://res.openai.azure.com/custom/route", &options);
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/custom/route?api-version=2024-08-01-preview"
    );
    assert_eq!(
        models(&endpoints),
        None,
        "rule 8: no models URL is invented"
    );
}

#[test]
fn azure_gateway_full_endpoint_without_openai_or_deployments_has_no_models_url() {
    let options = ResolveOptions::new().model("d").azure(AzureOptions::new());
    let endpoints = ok("https://apim.contoso.com/custom/chat", &options);
    assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://apim.contoso.com/custom/chat?api-version=2024-08-01-preview"
    );
    assert_eq!(models(&endpoints), None);
    assert_eq!(
        endpoints.models_missing_reason.as_deref(),
        Some(
            "set `models_url` to list models: this Azure OpenAI endpoint has neither /deployments/ nor /openai in its path, so where the Azure models list lives cannot be derived from it"
        )
    );
}

#[test]
fn azure_full_endpoint_under_openai_lists_models_there() {
    let options = ResolveOptions::new().azure(AzureOptions::new());
    let endpoints = ok(
        "https://apim.contoso.com/aoai/openai/chat/completions",
        &options,
    );
    assert_eq!(
        models(&endpoints),
        Some("https://apim.contoso.com/aoai/openai/models?api-version=2024-08-01-preview")
    );
}

#[test]
fn azure_explicit_models_url_wins() {
    let options = ResolveOptions::new()
        .model("d")
        .models_url("https://res.openai.azure.com/openai/models?api-version=2024-10-21");
    let endpoints = ok("https://res.openai.azure.com", &options);
    assert_eq!(
        models(&endpoints),
        Some("https://res.openai.azure.com/openai/models?api-version=2024-10-21")
    );
}

#[test]
fn ai_foundry_host_with_openai_path_is_azure_openai() {
    let endpoints = auto("https://res.services.ai.azure.com/openai/v1");
    assert_eq!(endpoints.flavor, Flavor::AzureOpenAi);
    assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
    assert_eq!(
        chat(&endpoints),
        "https://res.services.ai.azure.com/openai/v1/chat/completions"
    );
}

// ---- rule 10: Azure AI Inference ----

#[test]
fn ai_inference_base_gets_models_chat_completions() {
    let endpoints = auto("https://res.services.ai.azure.com");
    assert_eq!(endpoints.flavor, Flavor::AzureAiInference);
    assert_eq!(endpoints.auth, AuthStyle::Bearer);
    assert_eq!(endpoints.kind, EndpointKind::Base);
    assert_eq!(
        chat(&endpoints),
        "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
    );
}

#[test]
fn ai_inference_base_ending_in_models_is_not_doubled() {
    assert_eq!(
        chat(&auto("https://res.services.ai.azure.com/models/")),
        "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
    );
}

#[test]
fn ai_inference_has_no_model_list() {
    let endpoints = auto("https://res.services.ai.azure.com/models");
    assert_eq!(models(&endpoints), None);
    assert_eq!(
        endpoints.models_missing_reason.as_deref(),
        Some("set `models_url` to list models: Azure AI Inference has no model-list endpoint")
    );
}

#[test]
fn ai_inference_keeps_the_url_api_version() {
    assert_eq!(
        chat(&auto(
            "https://res.services.ai.azure.com/models?api-version=2024-08-01-preview"
        )),
        "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-08-01-preview"
    );
}

#[test]
fn ai_inference_full_endpoint_is_used_as_given() {
    let endpoints = auto("https://res.services.ai.azure.com/models/chat/completions");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(
        chat(&endpoints),
        "https://res.services.ai.azure.com/models/chat/completions?api-version=2024-05-01-preview"
    );
}

#[test]
fn ai_inference_explicit_models_url_wins() {
    let options = ResolveOptions::new().models_url("https://catalog.example.com/models");
    let endpoints = ok("https://res.services.ai.azure.com/models", &options);
    assert_eq!(
        models(&endpoints),
        Some("https://catalog.example.com/models")
    );
    assert_eq!(endpoints.models_missing_reason, None);
}

// ---- every models: None carries a reason naming models_url ----

#[test]
fn every_missing_models_url_says_to_set_models_url() {
    let cases = [
        (
            "https://custom-endpoint.provider.com/api/v2/models/chat",
            ResolveOptions::new(),
        ),
        (
            "https://h.example.com/endpoints/x/invocations",
            ResolveOptions::new(),
        ),
        (
            "https://h.example.com/v1",
            ResolveOptions::new().mode(EndpointMode::Full),
        ),
        ("https://res.services.ai.azure.com", ResolveOptions::new()),
        (
            "https://apim.contoso.com/custom/chat",
            ResolveOptions::new().azure(AzureOptions::new()),
        ),
    ];
    for (input, options) in cases {
        let endpoints = ok(input, &options);
        assert_eq!(endpoints.models, None, "{input}");
        let reason = endpoints.models_missing_reason.unwrap();
        assert!(reason.starts_with("set `models_url`"), "{input}: {reason}");
    }
}

// ---- explanation ----

#[test]
fn explain_is_the_rule_line() {
    let endpoints = auto("https://api.provider.com/v1/chat/completions");
    assert_eq!(endpoints.explain(), endpoints.rule);
    assert_eq!(
        endpoints.explain(),
        "full endpoint (path ends with /chat/completions): used as given; models URL derived by replacing the tail"
    );
}

#[test]
fn display_of_every_form_is_pinned() {
    let cases: [(&str, ResolveOptions); 16] = [
        ("https://api.provider.com/v1", ResolveOptions::new()),
        (
            "https://api.provider.com/v1/chat/completions",
            ResolveOptions::new(),
        ),
        (
            "https://custom-endpoint.provider.com/api/v2/models/chat",
            ResolveOptions::new(),
        ),
        (
            "https://h.example.com/endpoints/x/invocations",
            ResolveOptions::new(),
        ),
        (
            "https://api.provider.com/v1/chat/completions",
            ResolveOptions::new().mode(EndpointMode::Base),
        ),
        (
            "https://api.provider.com/v1",
            ResolveOptions::new().mode(EndpointMode::Full),
        ),
        ("", ResolveOptions::new().openai_default(true)),
        (
            "https://api.provider.com/v1",
            ResolveOptions::new().models_url("https://api.provider.com/catalog"),
        ),
        (
            "https://res.openai.azure.com",
            ResolveOptions::new().model("gpt4o-prod"),
        ),
        (
            "https://res.openai.azure.com/openai/deployments/gpt4o",
            ResolveOptions::new(),
        ),
        (
            "https://res.openai.azure.com/openai/v1",
            ResolveOptions::new(),
        ),
        (
            "https://res.services.ai.azure.com/models",
            ResolveOptions::new(),
        ),
        (
            "https://apim.contoso.com/custom/chat",
            ResolveOptions::new().azure(AzureOptions::new()),
        ),
        (
            "https://api.provider.com/v1/responses",
            ResolveOptions::new(),
        ),
        (
            "https://res.openai.azure.com/openai/v1/responses",
            ResolveOptions::new(),
        ),
        (
            "https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
            ResolveOptions::new().model("gpt5-prod"),
        ),
    ];
    let shown: Vec<String> = cases
        .iter()
        .map(|(input, options)| {
            format!(
                "input:  {input:?} (mode {}, provider {}, model {:?}, models_url {:?})\n{}",
                options.mode,
                // The spelling of the provider each default belongs to.
                if options.openai_default {
                    "openai-native"
                } else {
                    "compatible"
                },
                options.model,
                options.models_url,
                ok(input, options)
            )
        })
        .collect();
    insta::assert_snapshot!("display_of_every_form", shown.join("\n\n"));
}

// ---- the Responses API URL ----

fn responses(endpoints: &Endpoints) -> Option<&str> {
    endpoints.responses.as_ref().map(|url| url.as_str())
}

#[test]
fn a_base_has_its_responses_url_beside_chat() {
    let endpoints = auto("https://api.provider.com/v1/");
    assert_eq!(
        responses(&endpoints),
        Some("https://api.provider.com/v1/responses")
    );
    assert_eq!(endpoints.stated_api, None);
    assert_eq!(endpoints.responses_model, None);
}

#[test]
fn a_full_responses_url_is_used_as_given_and_chat_is_beside_it() {
    let endpoints = auto("https://api.provider.com/v1/responses?tenant=a");
    assert_eq!(endpoints.kind, EndpointKind::Full);
    assert_eq!(endpoints.stated_api, Some(WireApi::Responses));
    assert_eq!(
        responses(&endpoints),
        Some("https://api.provider.com/v1/responses?tenant=a")
    );
    assert_eq!(
        chat(&endpoints),
        "https://api.provider.com/v1/chat/completions?tenant=a"
    );
    assert_eq!(
        models(&endpoints),
        Some("https://api.provider.com/v1/models?tenant=a")
    );
    assert_eq!(
        endpoints.url_for(WireApi::Responses).map(|u| u.as_str()),
        Ok("https://api.provider.com/v1/responses?tenant=a")
    );
}

#[test]
fn a_full_chat_url_states_chat_and_has_responses_beside_it() {
    let endpoints = auto("https://api.provider.com/v1/CHAT/completions");
    assert_eq!(endpoints.stated_api, Some(WireApi::Chat));
    assert_eq!(
        responses(&endpoints),
        Some("https://api.provider.com/v1/responses")
    );
}

#[test]
fn another_full_endpoint_has_no_responses_url_and_says_what_to_give() {
    let endpoints = auto("https://custom-endpoint.provider.com/api/v2/models/chat");
    assert_eq!(responses(&endpoints), None);
    let reason = endpoints.url_for(WireApi::Responses).unwrap_err();
    assert!(
        reason.starts_with("give the base URL or a full …/responses URL"),
        "{reason}"
    );
}

#[test]
fn azure_v1_responses_url_resolves_as_a_standard_full_endpoint() {
    let endpoints = auto("https://res.openai.azure.com/openai/v1/responses");
    assert_eq!(endpoints.auth, AuthStyle::ApiKeyHeader);
    assert_eq!(endpoints.stated_api, Some(WireApi::Responses));
    assert_eq!(
        responses(&endpoints),
        Some("https://res.openai.azure.com/openai/v1/responses")
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/v1/chat/completions"
    );
}

#[test]
fn azure_deployment_api_puts_responses_under_openai_with_the_deployment_as_model() {
    let endpoints =
        auto("https://res.openai.azure.com/openai/deployments/gpt%2Do+x/chat/completions");
    assert_eq!(
        responses(&endpoints),
        Some("https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
    );
    assert_eq!(endpoints.responses_model.as_deref(), Some("gpt-o+x"));
    let built = ok(
        "https://res.openai.azure.com",
        &ResolveOptions::new().model("gpt5"),
    );
    assert_eq!(
        responses(&built),
        Some("https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
    );
    assert_eq!(built.responses_model.as_deref(), Some("gpt5"));
}

#[test]
fn azure_responses_api_version_follows_the_configured_one() {
    let options = ResolveOptions::new()
        .model("d")
        .azure(AzureOptions::new().api_version("2025-05-01-preview"));
    let endpoints = ok("https://res.openai.azure.com", &options);
    assert_eq!(
        responses(&endpoints),
        Some("https://res.openai.azure.com/openai/responses?api-version=2025-05-01-preview")
    );
}

#[test]
fn azure_legacy_responses_url_builds_the_chat_url_of_the_model_deployment() {
    let endpoints = ok(
        "https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
        &ResolveOptions::new().model("gpt5-prod"),
    );
    assert_eq!(endpoints.stated_api, Some(WireApi::Responses));
    assert_eq!(
        responses(&endpoints),
        Some("https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview")
    );
    assert_eq!(
        chat(&endpoints),
        "https://res.openai.azure.com/openai/deployments/gpt5-prod/chat/completions?api-version=2025-04-01-preview"
    );
    assert_eq!(endpoints.responses_model.as_deref(), Some("gpt5-prod"));
}

#[test]
fn azure_ai_inference_has_no_responses_url() {
    let endpoints = auto("https://res.services.ai.azure.com/models");
    assert_eq!(responses(&endpoints), None);
    assert!(
        endpoints
            .responses_missing_reason
            .unwrap()
            .contains("/openai/v1")
    );
}
