//! Listing models: the same auth, headers and query as chat; lenient entries.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_config::SecretString;
use oac_provider::{ChatRequest, Error, ErrorKind, Provider};
use oac_testkit::{Reply, Simulator};
use oac_tests::{profile, profile_for, provider};
use serde_json::json;

#[tokio::test]
async fn lists_the_model_ids() {
    let sim = Simulator::builder().models(["m-1", "m-2"]).start().await;
    let models = provider(profile(&sim)).list_models().await.unwrap();
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m-1", "m-2"]);
    let request = &sim.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[tokio::test]
async fn same_auth_headers_and_query_as_chat() {
    let sim = Simulator::builder().api_key("sk-models-123").start().await;
    let mut p = oac_tests::profile_with_query(&sim, &[("tenant", "t1")]);
    p = p.with_api_key(SecretString::from("sk-models-123"));
    p.headers_mut().insert("X-Title", "app");
    let provider = provider(p);
    provider.list_models().await.unwrap();
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let requests = sim.requests();
    for name in ["authorization", "x-title", "user-agent"] {
        assert_eq!(requests[0].header(name), requests[1].header(name), "{name}");
    }
    assert_eq!(requests[0].query, requests[1].query);
}

#[tokio::test]
async fn entries_with_only_an_id_and_entries_with_extras() {
    let sim = Simulator::builder()
        .models_json(json!({"object": "list", "data": [
            {"id": "bare"},
            {"id": "rich", "object": "model", "owned_by": "acme", "created": 1700000000,
             "context_length": 131072, "max_completion_tokens": 8192,
             "pricing": {"prompt": "0.0000005", "completion": "0.0000015"},
             "architecture": {"input_modalities": ["text"]}}
        ]}))
        .start()
        .await;
    let models = provider(profile(&sim)).list_models().await.unwrap();
    assert_eq!(models[0].id, "bare");
    assert!(models[0].extra.is_empty());
    let rich = &models[1];
    assert_eq!(rich.owned_by.as_deref(), Some("acme"));
    assert_eq!(rich.context_window, Some(131_072));
    assert_eq!(rich.max_output_tokens, Some(8192));
    assert_eq!(rich.supports_images, Some(false));
    assert_eq!(rich.extra["object"], "model");
    let info = rich.model_info(&oac_config::ModelInfo::compatible_default());
    assert_eq!(info.context_window, 131_072);
    assert_eq!(info.max_output_tokens, Some(8192));
    assert!(!info.supports_images);
    assert_eq!(
        info.prices.input_price.unwrap().normalize().to_string(),
        "0.5"
    );
    assert_eq!(
        info.prices.output_price.unwrap().normalize().to_string(),
        "1.5"
    );
}

#[tokio::test]
async fn no_models_url_is_a_typed_error_naming_the_setting() {
    let sim = Simulator::start().await;
    let p = profile_for(&format!("{}/custom/generate/chat", sim.base_url()), "m");
    let error = provider(p).list_models().await.unwrap_err();
    assert!(matches!(error, Error::ModelsUrlMissing { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.to_string().contains("set `models_url`"), "{error}");
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test]
async fn a_missing_models_route_is_endpoint_not_found_with_a_models_hint() {
    let sim = Simulator::start().await;
    sim.push_models(Reply::error(404, "404 page not found"));
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let error = provider(p).list_models().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::EndpointNotFound);
    assert!(error.to_string().contains("set `models_url`"), "{error}");
}

#[tokio::test]
async fn a_body_that_is_no_list_is_a_decode_error() {
    let sim = Simulator::start().await;
    sim.push_models(Reply::json(json!({"ok": true})));
    let error = provider(profile(&sim)).list_models().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("models list"), "{error}");
}
