//! What goes over the wire: path, query, headers and body the simulator received.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_config::{AuthStyle, IncludeUsage, SecretString};
use oac_provider::{
    ChatRequest, ContentPart, Error, Provider, ProviderConfig, ReasoningEffort, ResponseFormat,
    Tool, ToolChoice,
};
use oac_testkit::{Reply, Simulator};
use oac_tests::{collect, profile, provider, text_of};
use oac_url::{AzureOptions, ResolveOptions, resolve};
use serde_json::json;

const KEY: &str = "sk-test-0123456789";

fn with_key(sim: &Simulator) -> ProviderConfig {
    profile(sim).with_api_key(SecretString::from(KEY))
}

#[tokio::test]
async fn chat_posts_to_the_resolved_path_with_a_bearer_key() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let reply = provider(with_key(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "Hi");
    let request = &sim.chat_requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.query, None);
    assert_eq!(
        request.header("authorization"),
        Some("Bearer sk-test-0123456789")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.header("user-agent").unwrap().starts_with("oac/"));
    assert_eq!(request.header("api-key"), None);
}

#[tokio::test]
async fn api_key_header_auth() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let mut p = with_key(&sim);
    p = p.with_auth(AuthStyle::ApiKeyHeader);
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let request = &sim.chat_requests()[0];
    assert_eq!(request.header("api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn custom_header_auth() {
    let sim = Simulator::start().await;
    let mut p = with_key(&sim);
    p = p.with_auth(AuthStyle::Header("X-Api-Key".into()));
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let request = &sim.chat_requests()[0];
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("authorization"), None);
}

#[tokio::test]
async fn auth_none_sends_no_key() {
    let sim = Simulator::start().await;
    let mut p = with_key(&sim);
    p = p.with_auth(AuthStyle::None);
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let request = &sim.chat_requests()[0];
    assert_eq!(request.header("authorization"), None);
    assert!(!format!("{:?}", request.headers).contains(KEY));
}

#[tokio::test]
async fn no_key_sends_no_auth_header() {
    let sim = Simulator::start().await;
    provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(sim.chat_requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn user_authorization_header_overrides_the_key() {
    let sim = Simulator::start().await;
    let mut p = with_key(&sim);
    p.headers_mut()
        .insert("Authorization", "Bearer gateway-token");
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let request = &sim.chat_requests()[0];
    assert_eq!(
        request.header_all("authorization"),
        ["Bearer gateway-token"]
    );
}

#[tokio::test]
async fn profile_headers_and_query_on_chat_and_models() {
    let sim = Simulator::start().await;
    let mut p = oac_tests::profile_with_query(&sim, &[("tenant", "a")])
        .with_api_key(SecretString::from(KEY));
    p.headers_mut()
        .insert("HTTP-Referer", "https://example.com");
    p.headers_mut().insert("X-Title", "my app");
    let provider = provider(p);
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    provider.list_models().await.unwrap();
    // Model-info discovery (the models list, then LiteLLM's /model/info, which a
    // server that states no context may be) goes out with the same headers and
    // query as the chat request and the models list asked for.
    let requests = sim.requests();
    let calls: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("GET", "/v1/models"),
            ("GET", "/model/info"),
            ("POST", "/v1/chat/completions"),
            ("GET", "/v1/models")
        ]
    );
    for request in &requests {
        assert_eq!(request.header("http-referer"), Some("https://example.com"));
        assert_eq!(request.header("x-title"), Some("my app"));
        assert_eq!(
            request.header("authorization"),
            Some("Bearer sk-test-0123456789")
        );
        assert_eq!(
            request.query_pairs(),
            [("tenant".to_owned(), "a".to_owned())]
        );
    }
}

#[tokio::test]
async fn configured_query_is_merged_once_with_the_url_query() {
    let sim = Simulator::start().await;
    let mut options = ResolveOptions::default();
    options.query = vec![("api-version".into(), "2".into())];
    let endpoints = resolve(
        &format!("{}?tenant=a&api-version=1", sim.base_url()),
        &options,
    )
    .unwrap();
    provider(ProviderConfig::new(endpoints, "sim-model"))
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let mut pairs = sim.chat_requests()[0].query_pairs();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("api-version".to_owned(), "2".to_owned()),
            ("tenant".to_owned(), "a".to_owned())
        ]
    );
}

#[tokio::test]
async fn request_headers_and_query_are_added_and_win() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p.headers_mut().insert("X-Trace", "profile");
    let request = ChatRequest::new()
        .user("Hi")
        .header("X-Trace", "request")
        .query("debug", "true");
    provider(p).chat(request).await.unwrap();
    let recorded = &sim.chat_requests()[0];
    assert_eq!(recorded.header_all("x-trace"), ["request"]);
    assert_eq!(
        recorded.query_pairs(),
        [("debug".to_owned(), "true".to_owned())]
    );
}

#[tokio::test]
async fn invalid_request_header_is_refused_before_sending() {
    let sim = Simulator::start().await;
    let err = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi").header("Bad Name", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(sim.chat_requests().is_empty());
}

#[tokio::test]
async fn streaming_request_asks_for_events_and_usage() {
    let sim = Simulator::start().await;
    let stream = provider(profile(&sim))
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none());
    assert_eq!(text_of(&events), "Hi");
    let recorded = &sim.chat_requests()[0];
    assert_eq!(recorded.header("accept"), Some("text/event-stream"));
    assert_eq!(recorded.body_at("/stream"), Some(&json!(true)));
    assert_eq!(
        recorded.body_at("/stream_options"),
        Some(&json!({"include_usage": true}))
    );
}

#[tokio::test]
async fn include_usage_is_dropped_once_on_rejection_and_remembered() {
    let sim = Simulator::builder()
        .reject_stream_options(true)
        .start()
        .await;
    let provider = provider(profile(&sim));
    for _ in 0..2 {
        let stream = provider
            .chat_stream(ChatRequest::new().user("Hi"))
            .await
            .unwrap();
        let (events, error) = collect(stream).await;
        assert!(error.is_none(), "{error:?}");
        assert_eq!(text_of(&events), "Hi");
    }
    let sent: Vec<bool> = sim
        .chat_requests()
        .iter()
        .map(|r| r.body_at("/stream_options").is_some())
        .collect();
    assert_eq!(sent, [true, false, false]);
}

#[tokio::test]
async fn include_usage_always_is_never_dropped() {
    let sim = Simulator::builder()
        .reject_stream_options(true)
        .start()
        .await;
    let mut p = profile(&sim);
    p.request_defaults_mut().include_usage = IncludeUsage::Always;
    let err = provider(p)
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(sim.chat_request_count(), 1);
}

#[tokio::test]
async fn include_usage_never_sends_no_stream_options() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p.request_defaults_mut().include_usage = IncludeUsage::Never;
    let stream = provider(p)
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    collect(stream).await;
    assert_eq!(sim.chat_requests()[0].body_at("/stream_options"), None);
}

#[tokio::test]
async fn body_received_for_a_full_request() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p.model_info_mut().supports_reasoning_effort = oac_config::EffortSupport::Yes;
    p.request_defaults_mut().temperature = Some(0.2);
    let request = ChatRequest::new()
        .system("Be terse.")
        .user(vec![
            ContentPart::text("What is this?"),
            ContentPart::image_bytes("image/png", vec![1, 2, 3]),
        ])
        .max_tokens(100)
        .stop("END")
        .seed(7)
        .tool(Tool::function(
            "lookup",
            "Look something up",
            json!({"type": "object"}),
        ))
        .tool_choice(ToolChoice::Auto)
        .response_format(ResponseFormat::JsonObject)
        .reasoning_effort(ReasoningEffort::Medium)
        .end_user("u1")
        .extra_body("top_k", json!(20));
    let stream = provider(p).chat_stream(request).await.unwrap();
    collect(stream).await;
    let body = sim.chat_requests()[0].body.clone().unwrap();
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!("received_body_full_request", body);
    });
}

#[tokio::test]
async fn image_for_a_text_only_model_is_refused_before_any_request() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p.model_info_mut().supports_images = false;
    let request =
        ChatRequest::new().user(vec![ContentPart::image_url("https://example.com/cat.png")]);
    let provider = provider(p);
    assert!(matches!(
        provider.chat(request.clone()).await,
        Err(Error::ImagesNotSupported { .. })
    ));
    assert!(matches!(
        provider.chat_stream(request).await,
        Err(Error::ImagesNotSupported { .. })
    ));
    assert_eq!(sim.chat_request_count(), 0);
}

#[tokio::test]
async fn azure_deployment_path_api_version_and_api_key_header() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("from azure"));
    let mut options = ResolveOptions::default();
    options.model = Some("gpt4o-prod".into());
    options.azure = Some(AzureOptions::new());
    let base = format!("http://{}", sim.addr());
    let endpoints = resolve(&base, &options).unwrap();
    let mut p = ProviderConfig::new(endpoints, "gpt4o-prod");
    p = p.with_api_key(SecretString::from(KEY));
    let reply = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "from azure");
    let recorded = &sim.chat_requests()[0];
    assert_eq!(
        recorded.path,
        "/openai/deployments/gpt4o-prod/chat/completions"
    );
    assert_eq!(
        recorded.query.as_deref(),
        Some("api-version=2024-08-01-preview")
    );
    assert_eq!(recorded.header("api-key"), Some(KEY));
    assert_eq!(recorded.header("authorization"), None);
}

#[tokio::test]
async fn full_endpoint_url_is_called_as_given() {
    let sim = Simulator::start().await;
    let full = format!("{}/chat/completions?tenant=x", sim.base_url());
    let p = oac_tests::profile_for(&full, "sim-model");
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let recorded = &sim.chat_requests()[0];
    assert_eq!(recorded.path, "/v1/chat/completions");
    assert_eq!(recorded.query.as_deref(), Some("tenant=x"));
}

#[tokio::test]
async fn a_key_over_plain_http_to_another_host_is_warned_about() {
    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let mut remote = oac_tests::profile_for("http://llm.example.com/v1", "m");
    remote = remote.with_api_key(SecretString::from(KEY));
    provider(remote);
    let lines = logs.lines();
    assert!(
        lines.iter().any(|l| l.starts_with("WARN")
            && l.contains("plain http")
            && l.contains("llm.example.com")),
        "{lines:?}"
    );

    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let sim = Simulator::start().await;
    provider(with_key(&sim));
    assert!(
        !logs.lines().iter().any(|l| l.contains("plain http")),
        "loopback is fine"
    );
}

#[tokio::test]
async fn the_key_is_in_no_log_line() {
    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let sim = Simulator::builder()
        .reject_stream_options(true)
        .start()
        .await;
    sim.push(Reply::error(503, bodies_with_key()));
    let mut p = with_key(&sim);
    p.headers_mut().insert("X-Api-Key", "sk-header-secret-987");
    let provider = provider(p);
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    collect(stream).await;
    let lines = logs.lines();
    assert!(lines.iter().any(|l| l.contains("retrying")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("stream_options")),
        "{lines:?}"
    );
    for line in &lines {
        assert!(
            !line.contains(KEY) && !line.contains("sk-header-secret-987"),
            "{line}"
        );
    }
}

fn bodies_with_key() -> String {
    oac_testkit::bodies::openai_error(
        &format!("upstream refused key {KEY}"),
        "server_error",
        "server_error",
    )
}

#[tokio::test]
async fn a_request_authorization_header_replaces_the_key() {
    let sim = Simulator::start().await;
    provider(with_key(&sim))
        .chat(
            ChatRequest::new()
                .user("Hi")
                .header("Authorization", "Bearer per-request-token"),
        )
        .await
        .unwrap();
    assert_eq!(
        sim.chat_requests()[0].header_all("authorization"),
        ["Bearer per-request-token"]
    );
}

#[tokio::test]
async fn text_response_format_and_a_tool_without_description() {
    let sim = Simulator::start().await;
    let mut tool = Tool::function("ping", "unused", json!({"type": "object"}));
    tool.description = None;
    let request = ChatRequest::new()
        .user("Hi")
        .response_format(ResponseFormat::Text)
        .tool(tool);
    provider(profile(&sim)).chat(request).await.unwrap();
    let recorded = &sim.chat_requests()[0];
    assert_eq!(
        recorded.body_at("/response_format"),
        Some(&json!({"type": "text"}))
    );
    assert_eq!(
        recorded.body_at("/tools"),
        Some(
            &json!([{"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}])
        )
    );
}

#[tokio::test]
async fn repeated_request_query_names_are_all_sent() {
    let sim = Simulator::start().await;
    let full = format!("{}/chat/completions?sig=a%2Bb", sim.base_url());
    let p = oac_tests::profile_for(&full, "sim-model");
    let request = ChatRequest::new()
        .user("Hi")
        .query("tag", "a")
        .query("tag", "b c");
    provider(p).chat(request).await.unwrap();
    assert_eq!(
        sim.chat_requests()[0].query.as_deref(),
        Some("sig=a%2Bb&tag=a&tag=b+c"),
        "the URL's own query is kept as written"
    );
}

#[tokio::test]
async fn an_effort_set_on_the_request_is_sent_to_a_compatible_model() {
    let sim = Simulator::start().await;
    let request = ChatRequest::new()
        .user("Hi")
        .reasoning_effort(ReasoningEffort::High);
    provider(profile(&sim)).chat(request).await.unwrap();
    assert_eq!(
        sim.chat_requests()[0].body_at("/reasoning_effort"),
        Some(&json!("high"))
    );
}

#[tokio::test]
async fn a_profile_effort_is_not_sent_to_a_model_that_takes_none() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p.request_defaults_mut().reasoning_effort = Some(ReasoningEffort::High);
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(sim.chat_requests()[0].body_at("/reasoning_effort"), None);
}

#[tokio::test]
async fn a_nan_temperature_is_refused_before_any_request() {
    let sim = Simulator::start().await;
    let err = provider(profile(&sim))
        .chat(ChatRequest::new().user("Hi").temperature(f64::NAN))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(sim.chat_request_count(), 0);
}

#[tokio::test]
async fn a_credential_profile_header_over_plain_http_is_warned_about() {
    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let mut remote = oac_tests::profile_for("http://llm.example.com/v1", "m");
    remote
        .headers_mut()
        .insert("X-Api-Key", "sk-in-a-header-123");
    provider(remote);
    let lines = logs.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("WARN") && l.contains("plain http")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("sk-in-a-header-123")));

    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let mut harmless = oac_tests::profile_for("http://llm.example.com/v1", "m");
    harmless.headers_mut().insert("X-Title", "my app");
    provider(harmless);
    assert!(
        !logs.lines().iter().any(|l| l.contains("plain http")),
        "no credential, no warning"
    );
}

#[tokio::test]
async fn a_credential_request_header_over_plain_http_is_warned_about() {
    // The remote host is reached through the simulator acting as an HTTP proxy: no
    // name is resolved, nothing leaves this machine.
    let sim = Simulator::start().await;
    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let mut remote = oac_tests::profile_for("http://llm.example.com/v1", "sim-model");
    remote = remote.with_proxy(format!("http://{}", sim.addr()));
    let remote = provider(remote);
    assert!(
        !logs.lines().iter().any(|l| l.contains("plain http")),
        "no credential in the profile"
    );
    for _ in 0..2 {
        remote
            .chat(
                ChatRequest::new()
                    .user("Hi")
                    .header("X-Api-Key", "sk-request-secret-1"),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        sim.chat_requests()[0].header("x-api-key"),
        Some("sk-request-secret-1")
    );
    let lines = logs.lines();
    let warnings = lines
        .iter()
        .filter(|l| {
            l.starts_with("WARN") && l.contains("plain http") && l.contains("llm.example.com")
        })
        .count();
    assert_eq!(warnings, 1, "warned once per provider: {lines:?}");
    assert!(!lines.iter().any(|l| l.contains("sk-request-secret-1")));

    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    provider(profile(&sim))
        .chat(
            ChatRequest::new()
                .user("Hi")
                .header("X-Api-Key", "sk-req-1"),
        )
        .await
        .unwrap();
    assert!(
        !logs.lines().iter().any(|l| l.contains("plain http")),
        "loopback is fine"
    );
}

/// Rejections of `stream_options` in the shapes real servers use; each must make the
/// provider retry once without it and remember that.
async fn falls_back_without_stream_options(status: u16, body: String) {
    let sim = Simulator::builder()
        .reject_stream_options_with(status, body.clone())
        .start()
        .await;
    let provider = provider(profile(&sim));
    for _ in 0..2 {
        let stream = provider
            .chat_stream(ChatRequest::new().user("Hi"))
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"));
        let (events, error) = collect(stream).await;
        assert!(error.is_none(), "{body}: {error:?}");
        assert_eq!(text_of(&events), "Hi");
    }
    let sent: Vec<bool> = sim
        .chat_requests()
        .iter()
        .map(|r| r.body_at("/stream_options").is_some())
        .collect();
    assert_eq!(sent, [true, false, false], "{body}");
}

#[tokio::test]
async fn fastapi_422_naming_stream_options_only_in_loc() {
    falls_back_without_stream_options(
        422,
        oac_testkit::bodies::fastapi_extra_forbidden(
            "stream_options",
            json!({"include_usage": true}),
        ),
    )
    .await;
}

#[tokio::test]
async fn vllm_style_400_with_the_pydantic_errors_in_the_message() {
    falls_back_without_stream_options(
        400,
        json!({
            "object": "error",
            "message": "[{'type': 'extra_forbidden', 'loc': ('body', 'stream_options'), 'msg': 'Extra inputs are not permitted', 'input': {'include_usage': True}}]",
            "type": "BadRequestError",
            "param": null,
            "code": 400
        })
        .to_string(),
    )
    .await;
}

#[tokio::test]
async fn llama_cpp_style_400_error_object() {
    falls_back_without_stream_options(
        400,
        json!({"error": {"code": 400, "message": "'stream_options' is not supported", "type": "invalid_request_error"}})
            .to_string(),
    )
    .await;
}

#[tokio::test]
async fn tgi_style_422_unknown_field() {
    falls_back_without_stream_options(
        422,
        json!({
            "error": "Failed to deserialize the JSON body into the target type: unknown field `stream_options`, expected one of `model`, `messages`, `stream`",
            "error_type": "validation"
        })
        .to_string(),
    )
    .await;
}

#[tokio::test]
async fn a_rejection_naming_stream_options_only_deep_in_the_body() {
    falls_back_without_stream_options(
        400,
        json!({"error": {"message": "Invalid request body", "issues": [{"path": ["stream_options"], "code": "unrecognized_keys"}]}})
            .to_string(),
    )
    .await;
}

#[tokio::test]
async fn a_rejection_of_something_else_is_not_a_stream_options_fallback() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        422,
        json!({"detail": [{"loc": ["body", "messages"], "msg": "Field required", "type": "missing"}]})
            .to_string(),
    ));
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let err = provider(p)
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.provider_message(), Some("messages: Field required"));
    assert_eq!(sim.chat_request_count(), 1);
}

#[tokio::test]
async fn a_rejection_that_only_echoes_stream_options_is_not_remembered() {
    // pydantic echoes the whole body as `input` of a missing-field error, so
    // "stream_options" appears in it although the problem is elsewhere.
    let echo = json!({"detail": [{
        "type": "missing",
        "loc": ["body", "messages", 0, "content"],
        "msg": "Field required",
        "input": {"model": "sim-model", "stream": true, "stream_options": {"include_usage": true}}
    }]})
    .to_string();
    let sim = Simulator::start().await;
    sim.push_n(Reply::error(422, echo), 2);
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let provider = provider(p);
    let err = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(
        err.provider_message(),
        Some("messages.0.content: Field required")
    );
    // The next stream still asks for usage.
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    collect(stream).await;
    let sent: Vec<bool> = sim
        .chat_requests()
        .iter()
        .map(|r| r.body_at("/stream_options").is_some())
        .collect();
    assert_eq!(sent, [true, false, true]);
}

/// A profile's `service_tier` is sent with requests that set none and prices their
/// usage; a request's own tier wins, streamed or not.
#[tokio::test]
async fn the_profile_service_tier_is_sent_unless_the_request_sets_one() {
    use oac_provider::ServiceTier;
    let sim = Simulator::start().await;
    let config = oac_config::ProfileBuilder::new()
        .base_url(sim.base_url())
        .model("sim-model")
        .service_tier(ServiceTier::Flex)
        .discover_model_info(false)
        .build()
        .unwrap();
    let provider = provider(config);
    let reply = provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(
        reply.usage.unwrap().usage.service_tier.as_deref(),
        Some("flex")
    );
    provider
        .chat(
            ChatRequest::new()
                .user("Hi")
                .service_tier(ServiceTier::Priority),
        )
        .await
        .unwrap();
    let (_, error) = collect(
        provider
            .chat_stream(ChatRequest::new().user("Hi"))
            .await
            .unwrap(),
    )
    .await;
    assert!(error.is_none(), "{error:?}");
    let tiers: Vec<_> = sim
        .chat_requests()
        .iter()
        .map(|r| r.body_at("/service_tier").cloned())
        .collect();
    assert_eq!(
        tiers,
        [
            Some(json!("flex")),
            Some(json!("priority")),
            Some(json!("flex"))
        ]
    );
}
