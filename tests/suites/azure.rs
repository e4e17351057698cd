//! Azure OpenAI and Azure AI Inference end to end: a config file with a real
//! Azure host goes through the loader and the URL rules, the provider the profile
//! picks sends the request, and the simulator (reached through the profile's
//! `proxy`, so the request keeps its Azure host) sees the exact path, query and
//! headers of rules 9 and 10 of `docs/url-resolution.md`.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use oac_config::{ConfigFile, Loaded, Loader, MapEnv, WarningKind};
use oac_provider::{ChatRequest, Error, Provider, ProviderChoice, provider_for};
use oac_testkit::{RecordedRequest, Reply, Simulator};
use oac_tests::{assert_secret_absent, collect, text_of};
use serde_json::Value;

const KEY: &str = "azure-test-key-0123456789";

/// Loads a one-profile config (`profile` is TOML lines) with the key in `AZURE_KEY`.
fn load(profile: &str) -> Loaded {
    let toml = format!("[profiles.azure]\napi_key_env = \"AZURE_KEY\"\n{profile}\n");
    let file = ConfigFile::parse_toml(&toml).unwrap();
    Loader::new()
        .env(MapEnv::new().set("AZURE_KEY", KEY))
        .config_file(file)
        .load()
        .unwrap()
}

/// The provider for `profile` (TOML lines), reaching Azure hosts through the
/// simulator acting as an HTTP proxy.
fn via_proxy(sim: &Simulator, profile: &str) -> Arc<dyn Provider> {
    provider_for(load_via_proxy(sim, profile).profile).unwrap()
}

/// Like [`via_proxy`], returning the loaded profile and its warnings.
fn load_via_proxy(sim: &Simulator, profile: &str) -> Loaded {
    let proxy = format!("http://{}", sim.addr());
    load(&format!("proxy = \"{proxy}\"\n{profile}"))
}

fn only_request(sim: &Simulator) -> RecordedRequest {
    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

/// What reached the server, minus what varies between runs (the port, the
/// client's version).
fn wire(request: &RecordedRequest) -> Value {
    serde_json::json!({
        "method": request.method,
        "host": request.header("host"),
        "path": request.path,
        "query": request.query,
        "api-key": request.header("api-key"),
        "authorization": request.header("authorization"),
        "body": request.body,
    })
}

fn snapshot(name: &str, request: &RecordedRequest) {
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!(name, wire(request));
    });
}

#[tokio::test]
async fn azure_openai_resource_root_calls_the_deployment_with_api_key() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    sim.push(Reply::text("from azure"));
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-res.openai.azure.com\"\nmodel = \"gpt4o-prod\"",
    );
    assert_eq!(provider.kind(), Some(ProviderChoice::Compatible));
    let reply = provider
        .chat(ChatRequest::new().system("Be brief.").user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "from azure");
    let request = only_request(&sim);
    assert_eq!(
        request.path,
        "/openai/deployments/gpt4o-prod/chat/completions"
    );
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2024-08-01-preview")
    );
    assert_eq!(request.header("api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
    snapshot("azure_openai_deployment", &request);
}

#[tokio::test]
async fn azure_openai_configured_deployment_and_api_version() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-res.openai.azure.com/openai\"\nmodel = \"gpt-4o\"\nazure = { api_version = \"2024-10-21\", deployment = \"prod-4o\" }",
    );
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let request = only_request(&sim);
    assert_eq!(request.path, "/openai/deployments/prod-4o/chat/completions");
    assert_eq!(
        request.query_pairs(),
        [("api-version".to_owned(), "2024-10-21".to_owned())]
    );
    assert_eq!(request.header("api-key"), Some(KEY));
}

#[tokio::test]
async fn azure_openai_full_deployment_url_keeps_its_api_version() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-res.openai.azure.com/openai/deployments/prod/chat/completions?api-version=2025-01-01-preview\"\nmodel = \"gpt-4o\"",
    );
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let request = only_request(&sim);
    assert_eq!(request.path, "/openai/deployments/prod/chat/completions");
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2025-01-01-preview")
    );
}

#[tokio::test]
async fn azure_openai_v1_path_is_a_standard_base_with_api_key() {
    let sim = Simulator::builder()
        .api_key(KEY)
        .models(["gpt-4o", "o3-mini"])
        .start()
        .await;
    sim.push(Reply::text("v1"));
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-res.openai.azure.com/openai/v1\"\nmodel = \"gpt-4o\"",
    );
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "v1");
    let request = only_request(&sim);
    assert_eq!(request.path, "/openai/v1/chat/completions");
    assert_eq!(request.query, None);
    assert_eq!(request.header("api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
    snapshot("azure_openai_v1_stream", &request);

    sim.clear_requests();
    let models = provider.list_models().await.unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["gpt-4o", "o3-mini"]);
    let request = only_request(&sim);
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/openai/v1/models");
    assert_eq!(request.header("api-key"), Some(KEY));
}

#[tokio::test]
async fn azure_ai_inference_uses_bearer_and_its_api_version() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-hub.services.ai.azure.com\"\nmodel = \"DeepSeek-R1\"",
    );
    assert_eq!(provider.kind(), Some(ProviderChoice::Compatible));
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let request = only_request(&sim);
    assert_eq!(request.path, "/models/chat/completions");
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2024-05-01-preview")
    );
    assert_eq!(
        request.header("authorization"),
        Some("Bearer azure-test-key-0123456789")
    );
    assert_eq!(request.header("api-key"), None);
    snapshot("azure_ai_inference", &request);
}

#[tokio::test]
async fn native_rules_on_an_azure_deployment() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = via_proxy(
        &sim,
        "provider = \"openai-native\"\nbase_url = \"http://my-res.openai.azure.com\"\nmodel = \"o3-mini\"\nazure = { deployment = \"o3-mini-prod\" }",
    );
    assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
    assert_eq!(provider.model_info().context_window, 200_000);
    provider
        .chat(
            ChatRequest::new()
                .system("Be brief.")
                .user("Hi")
                .temperature(0.5)
                .max_tokens(500),
        )
        .await
        .unwrap();
    let request = only_request(&sim);
    assert_eq!(
        request.path,
        "/openai/deployments/o3-mini-prod/chat/completions"
    );
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2024-08-01-preview")
    );
    assert_eq!(request.header("api-key"), Some(KEY));
    snapshot("azure_openai_native_o3_mini", &request);
}

#[tokio::test]
async fn azure_setting_on_a_local_url_makes_it_azure() {
    // Rule 5: "or the config says azure".
    let sim = Simulator::builder().api_key(KEY).start().await;
    let loaded = load(&format!(
        "base_url = \"http://{}\"\nmodel = \"gpt4o-prod\"\nazure = {{ api_version = \"2024-10-21\" }}",
        sim.addr()
    ));
    provider_for(loaded.profile)
        .unwrap()
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let request = only_request(&sim);
    assert_eq!(
        request.path,
        "/openai/deployments/gpt4o-prod/chat/completions"
    );
    assert_eq!(request.query.as_deref(), Some("api-version=2024-10-21"));
    assert_eq!(request.header("api-key"), Some(KEY));
}

#[tokio::test]
async fn rejected_azure_key_never_shows_the_key() {
    let sim = Simulator::builder().api_key("another-key").start().await;
    let provider = via_proxy(
        &sim,
        "base_url = \"http://my-res.openai.azure.com\"\nmodel = \"gpt4o-prod\"",
    );
    let err = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey { .. }), "{err:?}");
    assert!(err.to_string().contains("my-res.openai.azure.com"), "{err}");
    assert_secret_absent(&err, KEY);
    assert!(!format!("{provider:?}").contains(KEY));
}

#[tokio::test]
async fn reasoning_model_on_the_default_api_version_is_warned_about() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let native = "provider = \"openai-native\"\nbase_url = \"http://my-res.openai.azure.com\"\nmodel = \"o3-mini\"";
    let loaded = load_via_proxy(&sim, native);
    let kinds: Vec<WarningKind> = loaded.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [WarningKind::ApiVersionTooOld],
        "{:?}",
        loaded.warnings
    );
    assert!(
        loaded.warnings[0].message.ends_with(
            "set `azure = { api_version = \"2024-12-01-preview\" }` (or newer) in the profile"
        ),
        "{}",
        loaded.warnings[0]
    );

    // Following the advice: no warning, and the new version is what is called.
    let fixed = load_via_proxy(
        &sim,
        &format!("{native}\nazure = {{ api_version = \"2024-12-01-preview\" }}"),
    );
    assert!(fixed.warnings.is_empty(), "{:?}", fixed.warnings);
    provider_for(fixed.profile)
        .unwrap()
        .chat(ChatRequest::new().system("Be brief.").user("Hi"))
        .await
        .unwrap();
    let request = only_request(&sim);
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2024-12-01-preview")
    );
    assert_eq!(
        request.body.as_ref().unwrap()["messages"][0]["role"],
        "developer"
    );
}

#[tokio::test]
async fn native_alias_deploys_the_configured_id_and_sends_the_wire_model() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let provider = via_proxy(
        &sim,
        "provider = \"openai-native\"\nbase_url = \"http://my-res.openai.azure.com\"\nmodel = \"o3-mini-high\"\nazure = { api_version = \"2025-01-01-preview\" }",
    );
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let request = only_request(&sim);
    assert_eq!(
        request.path,
        "/openai/deployments/o3-mini-high/chat/completions"
    );
    let body = request.body.as_ref().unwrap();
    assert_eq!(body["model"], "o3-mini");
    assert_eq!(body["reasoning_effort"], "high");
}

#[tokio::test]
async fn native_rules_on_the_azure_v1_api() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let loaded = load_via_proxy(
        &sim,
        "provider = \"openai-native\"\nbase_url = \"http://my-res.openai.azure.com/openai/v1\"\nmodel = \"o3-mini\"",
    );
    // The v1 API has no api-version to be too old.
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let provider = provider_for(loaded.profile).unwrap();
    assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
    provider
        .chat(
            ChatRequest::new()
                .system("Be brief.")
                .user("Hi")
                .temperature(0.5)
                .max_tokens(500),
        )
        .await
        .unwrap();
    let request = only_request(&sim);
    assert_eq!(request.path, "/openai/v1/chat/completions");
    assert_eq!(request.query, None);
    assert_eq!(request.header("api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
    snapshot("azure_openai_v1_native_o3_mini", &request);
}

#[tokio::test]
async fn azure_rejecting_stream_options_is_retried_without_them_and_remembered() {
    // Azure's own words for an argument its api-version does not know.
    let sim = Simulator::builder()
        .api_key(KEY)
        .reject_stream_options(true)
        .start()
        .await;
    sim.push(Reply::text("first"));
    sim.push(Reply::text("second"));
    let provider = via_proxy(
        &sim,
        "provider = \"openai-native\"\nbase_url = \"http://my-res.openai.azure.com\"\nmodel = \"gpt-4o\"",
    );
    for expected in ["first", "second"] {
        let stream = provider
            .chat_stream(ChatRequest::new().user("Hi"))
            .await
            .unwrap();
        let (events, error) = collect(stream).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(text_of(&events), expected);
    }
    let requests = sim.requests();
    let asked: Vec<bool> = requests
        .iter()
        .map(|r| r.body_at("/stream_options").is_some())
        .collect();
    // Refused once, sent again without, and not asked for again.
    assert_eq!(asked, [true, false, false]);
    assert!(
        requests
            .iter()
            .all(|r| r.path == "/openai/deployments/gpt-4o/chat/completions"
                && r.header("api-key") == Some(KEY))
    );
}
