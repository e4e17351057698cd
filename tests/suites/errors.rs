//! Each row of the error table of `docs/provider.md`, reproduced against the
//! simulator, with its typed error and its message (snapshots).
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use oac_config::SecretString;
use oac_provider::ProviderConfig;
use oac_provider::{ChatRequest, Error, ErrorKind, Provider, TimeoutKind};
use oac_testkit::{Fault, Reply, Simulator, bodies};
use oac_tests::{assert_secret_absent, collect, profile, profile_for, provider};
use serde_json::json;

const KEY: &str = "sk-wrong-0123456789";

/// A profile with no retries, so the first error is the answer.
fn no_retry(sim: &Simulator) -> ProviderConfig {
    profile(sim).with_max_retries(0)
}

async fn chat_error(_sim: &Simulator, p: ProviderConfig) -> Error {
    provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err()
}

/// The message with the simulator's random port replaced.
fn message(error: &Error, sim: &Simulator) -> String {
    error
        .to_string()
        .replace(&sim.addr().port().to_string(), "[port]")
}

async fn reply_error(status: u16, body: &str) -> (Simulator, Error) {
    let sim = Simulator::start().await;
    sim.push(Reply::error(status, body.to_owned()).header("x-request-id", "req_abc"));
    let error = chat_error(&sim, no_retry(&sim)).await;
    (sim, error)
}

#[tokio::test]
async fn http_401_is_invalid_api_key() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let mut p = no_retry(&sim);
    p = p.with_api_key(SecretString::from(KEY));
    let error = chat_error(&sim, p).await;
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    assert_eq!(error.status(), Some(401));
    insta::assert_snapshot!("invalid_api_key", message(&error, &sim));
    assert_secret_absent(&error, KEY);
}

#[tokio::test]
async fn http_401_without_a_key_says_none_is_configured() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let error = chat_error(&sim, no_retry(&sim)).await;
    insta::assert_snapshot!("invalid_api_key_no_key", message(&error, &sim));
}

#[tokio::test]
async fn a_provider_message_echoing_the_key_is_redacted() {
    let sim = Simulator::start().await;
    let body = bodies::openai_error(
        &format!("Incorrect API key provided: {KEY}."),
        "invalid_request_error",
        "invalid_api_key",
    );
    sim.push(Reply::error(401, body));
    let mut p = no_retry(&sim);
    p = p.with_api_key(SecretString::from(KEY));
    let error = chat_error(&sim, p).await;
    assert_eq!(
        error.provider_message(),
        Some("Incorrect API key provided: [REDACTED].")
    );
    assert_secret_absent(&error, KEY);
}

#[tokio::test]
async fn http_403_is_permission_denied() {
    let (sim, error) = reply_error(
        403,
        &bodies::openai_error(
            "You are not allowed to sample from this model",
            "invalid_request_error",
            json!(null),
        ),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
    insta::assert_snapshot!("permission_denied", message(&error, &sim));
}

#[tokio::test]
async fn http_404_for_an_unknown_model_is_model_not_found() {
    let sim = Simulator::builder().strict_models(true).start().await;
    let p = oac_tests::profile_for(&sim.base_url(), "no-such-model").with_max_retries(0);
    let error = chat_error(&sim, p).await;
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
    insta::assert_snapshot!("model_not_found_404", message(&error, &sim));
}

#[tokio::test]
async fn http_400_saying_the_model_does_not_exist_is_model_not_found() {
    let (_, error) = reply_error(
        400,
        &bodies::openai_error(
            "The model `gpt-9` does not exist",
            "invalid_request_error",
            "model_not_found",
        ),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
}

#[tokio::test]
async fn http_422_saying_the_model_does_not_exist_is_model_not_found() {
    let (_, error) = reply_error(422, &bodies::detail("Model not found: gpt-9")).await;
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
}

#[tokio::test]
async fn http_404_of_a_base_url_is_endpoint_not_found_with_a_base_hint() {
    let (sim, error) = reply_error(404, "404 page not found").await;
    assert_eq!(error.kind(), ErrorKind::EndpointNotFound);
    insta::assert_snapshot!("endpoint_not_found_base", message(&error, &sim));
}

#[tokio::test]
async fn http_404_of_a_full_url_is_endpoint_not_found_with_a_full_hint() {
    let sim = Simulator::start().await;
    let mut p = profile_for(&format!("{}/generate/chat", sim.base_url()), "sim-model");
    p = p.with_max_retries(0);
    let error = chat_error(&sim, p).await;
    assert_eq!(error.kind(), ErrorKind::EndpointNotFound);
    assert_eq!(sim.last_request().unwrap().path, "/v1/generate/chat");
    insta::assert_snapshot!("endpoint_not_found_full", message(&error, &sim));
}

#[tokio::test]
async fn context_length_exceeded_is_context_too_long() {
    let body = bodies::openai_error(
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        "invalid_request_error",
        "context_length_exceeded",
    );
    let (sim, error) = reply_error(400, &body).await;
    assert_eq!(error.kind(), ErrorKind::ContextTooLong);
    insta::assert_snapshot!("context_too_long", message(&error, &sim));
}

/// Context overflows as each server words them (recorded bodies): one error kind,
/// never retried, whatever the status.
#[tokio::test]
async fn context_overflows_of_every_server_are_context_too_long() {
    let cases = [
        (
            "vLLM",
            400,
            r#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#,
        ),
        (
            "llama.cpp",
            400,
            r#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":3000,"n_ctx":2048}}"#,
        ),
        (
            "llama.cpp (older, 500)",
            500,
            r#"{"error":{"code":500,"message":"the request exceeds the available context size. try increasing the context size or enable context shift","type":"server_error"}}"#,
        ),
        (
            "LiteLLM",
            400,
            r#"{"error":{"message":"litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: OpenAIException - Error code: 400","type":null,"param":null,"code":"400"}}"#,
        ),
        (
            "Ollama",
            400,
            r#"{"error":{"message":"prompt too long; exceeded max context length by 812 tokens","type":"invalid_request_error","param":null,"code":null}}"#,
        ),
        (
            "DeepSeek",
            400,
            r#"{"error":{"message":"This model's maximum context length is 65536 tokens. However, you requested 70000 tokens (70000 in the messages, 0 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#,
        ),
        (
            "OpenRouter",
            400,
            r#"{"error":{"message":"This endpoint's maximum context length is 163840 tokens. However, you requested about 200000 tokens (200000 of text input). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.","code":400,"metadata":{"provider_name":null}}}"#,
        ),
    ];
    for (server, status, body) in cases {
        let sim = Simulator::start().await;
        sim.push_n(Reply::error(status, body.to_owned()), 3);
        let (provider, _clock) = oac_tests::provider_with_clock(profile(&sim).with_max_retries(2));
        let error = provider
            .chat(ChatRequest::new().user("Hi"))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::ContextTooLong, "{server}: {error}");
        assert_eq!(
            sim.chat_request_count(),
            1,
            "{server}: an overflow is not retried"
        );
    }
}

#[tokio::test]
async fn http_429_insufficient_quota_is_quota_exhausted() {
    let body = bodies::openai_error(
        "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota",
        "insufficient_quota",
    );
    let (sim, error) = reply_error(429, &body).await;
    assert_eq!(error.kind(), ErrorKind::QuotaExhausted);
    insta::assert_snapshot!("quota_exhausted", message(&error, &sim));
}

#[tokio::test]
async fn http_402_is_quota_exhausted() {
    let (_, error) = reply_error(402, &bodies::error_string("Insufficient Balance")).await;
    assert_eq!(error.kind(), ErrorKind::QuotaExhausted);
}

#[tokio::test]
async fn http_429_is_rate_limited_with_retry_after() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::error(
            429,
            bodies::openai_error(
                "Rate limit reached for requests",
                "requests",
                "rate_limit_exceeded",
            ),
        )
        .header("retry-after", "2"),
    );
    let error = chat_error(&sim, no_retry(&sim)).await;
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    insta::assert_snapshot!("rate_limited", message(&error, &sim));
}

#[tokio::test]
async fn http_5xx_is_a_server_error() {
    let (sim, error) = reply_error(
        503,
        "<html><head><title>503 Service Unavailable</title></head></html>",
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::ServerError);
    insta::assert_snapshot!("server_error", message(&error, &sim));
}

#[tokio::test]
async fn other_400_is_a_rejection_with_the_provider_message() {
    let body = bodies::openai_error(
        "Invalid value for 'temperature'",
        "invalid_request_error",
        json!(null),
    );
    let (sim, error) = reply_error(400, &body).await;
    assert_eq!(error.kind(), ErrorKind::ProviderError);
    insta::assert_snapshot!("bad_request", message(&error, &sim));
}

#[tokio::test]
async fn refused_connection_is_a_connection_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut p = profile_for(&format!("http://127.0.0.1:{port}/v1"), "m");
    p = p.with_max_retries(0);
    let error = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection);
    insta::assert_snapshot!(
        "connection_refused",
        error.to_string().replace(&port.to_string(), "[port]")
    );
}

#[tokio::test]
async fn close_before_the_response_is_a_connection_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::fault(Fault::CloseBeforeResponse));
    let error = chat_error(&sim, no_retry(&sim)).await;
    assert_eq!(error.kind(), ErrorKind::Connection);
    insta::assert_snapshot!("closed_before_response", message(&error, &sim));
}

#[tokio::test]
async fn tls_failure_is_a_connection_error() {
    let sim = Simulator::start().await;
    let mut p = profile_for(&format!("https://127.0.0.1:{}/v1", sim.addr().port()), "m");
    p = p.with_max_retries(0);
    let error = chat_error(&sim, p).await;
    assert_eq!(error.kind(), ErrorKind::Connection);
    assert!(error.to_string().contains("TLS failed"), "{error}");
    insta::assert_snapshot!("tls_failed", message(&error, &sim));
}

#[tokio::test]
async fn slow_response_is_a_request_timeout() {
    let sim = Simulator::builder()
        .first_byte_delay(Duration::from_secs(5))
        .start()
        .await;
    let mut p = no_retry(&sim);
    p.timeouts_mut().total = Duration::from_millis(100);
    let error = chat_error(&sim, p).await;
    assert!(
        matches!(
            error,
            Error::Timeout {
                which: TimeoutKind::Total,
                ..
            }
        ),
        "{error:?}"
    );
    insta::assert_snapshot!("request_timeout", message(&error, &sim));
}

#[tokio::test]
async fn undecodable_body_is_a_decode_error_with_an_excerpt() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(200, "this is not a chat completion"));
    let error = chat_error(&sim, no_retry(&sim)).await;
    assert_eq!(error.kind(), ErrorKind::Decode);
    insta::assert_snapshot!("decode_error", message(&error, &sim));
}

#[tokio::test]
async fn early_end_of_stream_is_stream_ended_early() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("abcdefghij")
            .text_chunk_chars(2)
            .with_fault(Fault::EndAfterEvents(2)),
    );
    let stream = provider(no_retry(&sim))
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (_, error) = collect(stream).await;
    let error = error.unwrap();
    assert_eq!(error.kind(), ErrorKind::StreamEndedEarly);
    insta::assert_snapshot!("stream_ended_early", message(&error, &sim));
}

#[tokio::test]
async fn every_error_keeps_status_message_code_request_id_and_headers() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::error(
            400,
            bodies::openai_error("Bad things", "invalid_request_error", 1234),
        )
        .header("x-request-id", "req_777")
        .header("x-ratelimit-remaining-requests", "99"),
    );
    let error = chat_error(&sim, no_retry(&sim)).await;
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.provider_message(), Some("Bad things"));
    assert_eq!(error.code(), Some("1234"));
    assert_eq!(error.request_id(), Some("req_777"));
    assert_eq!(
        error.headers().unwrap()["x-ratelimit-remaining-requests"],
        "99"
    );
    let details = error.details().unwrap();
    assert_eq!(details.error_type.as_deref(), Some("invalid_request_error"));
    assert!(
        details
            .url
            .as_deref()
            .unwrap()
            .ends_with("/v1/chat/completions")
    );
}

#[tokio::test]
async fn error_body_shapes() {
    for (body, expected) in [
        (bodies::error_string("plain error text"), "plain error text"),
        (bodies::detail("detail text"), "detail text"),
        (bodies::message("message text"), "message text"),
        ("just some text\n".to_owned(), "just some text"),
        (
            r#"{"error":{"message":"null code","code":null}}"#.to_owned(),
            "null code",
        ),
    ] {
        let (_, error) = reply_error(400, &body).await;
        assert_eq!(error.provider_message(), Some(expected), "{body}");
    }
}

#[tokio::test]
async fn cross_host_redirect_is_refused() {
    let sim = Simulator::start().await;
    let elsewhere = format!("http://localhost:{}/v1/chat/completions", sim.addr().port());
    sim.push(Reply::error(307, "").header("location", elsewhere));
    let mut p = no_retry(&sim);
    p = p.with_api_key(SecretString::from(KEY));
    let error = chat_error(&sim, p).await;
    assert!(matches!(error, Error::RedirectRefused { .. }), "{error:?}");
    assert_eq!(sim.chat_request_count(), 1, "the redirect was not followed");
    insta::assert_snapshot!("redirect_refused", message(&error, &sim));
}

#[tokio::test]
async fn same_host_redirect_is_followed_with_the_key() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(307, "").header("location", "/v2/chat/completions"));
    sim.push(Reply::text("moved"));
    let mut p = no_retry(&sim);
    p = p.with_api_key(SecretString::from(KEY));
    let reply = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(reply.content, "moved");
    let second = &sim.chat_requests()[1];
    assert_eq!(second.path, "/v2/chat/completions");
    assert_eq!(
        second.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn the_key_is_in_no_debug_output() {
    let sim = Simulator::start().await;
    let mut p = profile(&sim);
    p = p.with_api_key(SecretString::from(KEY));
    p.headers_mut().insert("X-Api-Key", "sk-header-secret");
    let provider = provider(p);
    let debug = format!("{provider:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(!debug.contains("sk-header-secret"), "{debug}");
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let debug = format!("{stream:?}");
    assert!(!debug.contains(KEY), "{debug}");
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x".repeat(10_000)));
    let provider = oac_provider::OpenAiCompatible::builder(no_retry(&sim))
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                limit: 1024,
                what: "response body",
                ..
            }
        ),
        "{error:?}"
    );
    insta::assert_snapshot!("body_too_large", message(&error, &sim));
}

#[tokio::test]
async fn http_402_is_quota_exhausted_with_the_provider_message() {
    let (sim, error) = reply_error(402, &bodies::error_string("Insufficient Balance")).await;
    insta::assert_snapshot!("quota_exhausted_402", message(&error, &sim));
}

#[tokio::test]
async fn http_400_model_not_found_message() {
    let (sim, error) = reply_error(
        400,
        &bodies::openai_error(
            "The model `gpt-9` does not exist",
            "invalid_request_error",
            "model_not_found",
        ),
    )
    .await;
    insta::assert_snapshot!("model_not_found_400", message(&error, &sim));
}

#[tokio::test]
async fn http_422_model_not_found_message() {
    let (sim, error) = reply_error(422, &bodies::detail("Model not found: gpt-9")).await;
    insta::assert_snapshot!("model_not_found_422", message(&error, &sim));
}

#[tokio::test]
async fn a_400_about_a_tool_that_mentions_the_model_is_not_model_not_found() {
    let (_, error) = reply_error(
        400,
        &bodies::openai_error(
            "function get_weather not found in model tools",
            "invalid_request_error",
            serde_json::Value::Null,
        ),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::ProviderError);
}

#[tokio::test]
async fn a_host_that_never_completes_the_handshake_is_a_connect_timeout() {
    // Bound but never accepting: the kernel completes TCP, the TLS handshake never
    // gets an answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut p = profile_for(&format!("https://127.0.0.1:{port}/v1"), "m");
    p = p.with_max_retries(0);
    p.timeouts_mut().connect = Duration::from_millis(50);
    p.timeouts_mut().total = Duration::from_secs(30);
    let started = std::time::Instant::now();
    let error = provider(p)
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                which: TimeoutKind::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connect timeout fired"
    );
    insta::assert_snapshot!(
        "connect_timeout",
        error.to_string().replace(&port.to_string(), "[port]")
    );
    drop(listener);
}

#[tokio::test]
async fn a_key_with_a_trailing_newline_echoed_by_the_provider_is_redacted() {
    const KEY_IN_CODE: &str = "sk-trailing-0123456789\n";
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        401,
        bodies::openai_error(
            "Incorrect API key provided: sk-trailing-0123456789.",
            "invalid_request_error",
            "invalid_api_key",
        ),
    ));
    let mut p = no_retry(&sim);
    p = p.with_api_key(SecretString::from(KEY_IN_CODE));
    let error = chat_error(&sim, p).await;
    assert_eq!(
        sim.chat_requests()[0].header("authorization"),
        Some("Bearer sk-trailing-0123456789"),
        "the key is sent trimmed"
    );
    assert_eq!(
        error.provider_message(),
        Some("Incorrect API key provided: [REDACTED].")
    );
    assert_secret_absent(&error, KEY_IN_CODE.trim());
}

#[tokio::test]
async fn a_credential_header_of_the_request_echoed_by_the_provider_is_redacted() {
    const TOKEN: &str = "per-request-token-0123456789";
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        401,
        bodies::openai_error(
            &format!("Token {TOKEN} is revoked"),
            "invalid_request_error",
            "invalid_api_key",
        ),
    ));
    let error = provider(no_retry(&sim))
        .chat(
            ChatRequest::new()
                .user("Hi")
                .header("X-Api-Key", TOKEN)
                .header("Authorization", format!("Bearer {TOKEN}-b")),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.provider_message(),
        Some("Token [REDACTED] is revoked")
    );
    assert_secret_absent(&error, TOKEN);
    assert!(
        !error
            .details()
            .unwrap()
            .body
            .as_deref()
            .unwrap()
            .contains(TOKEN)
    );
}

#[tokio::test]
async fn a_refused_redirect_hides_secret_query_values_of_its_target() {
    let sim = Simulator::start().await;
    let elsewhere = format!(
        "http://localhost:{}/v1/chat/completions?sig=s3cr3t-signature&region=eu",
        sim.addr().port()
    );
    sim.push(Reply::error(307, "").header("location", elsewhere));
    let error = chat_error(&sim, no_retry(&sim)).await;
    assert!(matches!(error, Error::RedirectRefused { .. }), "{error:?}");
    let shown = message(&error, &sim);
    assert!(!shown.contains("s3cr3t-signature"), "{shown}");
    assert!(shown.contains("sig=***&region=eu"), "{shown}");
}

#[tokio::test]
async fn a_chunked_body_over_the_size_limit_is_refused() {
    // An event stream has no declared length: the limit is enforced while reading.
    let sim = Simulator::start().await;
    let event = format!(
        "data: {}\n\n",
        json!({"choices": [{"index": 0, "delta": {"content": "x".repeat(200)}}]})
    );
    sim.push(Reply::raw_sse(event.repeat(20)).chunking(oac_testkit::Chunking::Bytes(512)));
    let provider = oac_provider::OpenAiCompatible::builder(no_retry(&sim))
        .max_body_bytes(1024)
        .build()
        .unwrap();
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                limit: 1024,
                what: "response body",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        sim.chat_requests()[0].header("accept") == Some("application/json"),
        "a complete (not streamed) request"
    );
}

#[tokio::test]
async fn an_error_object_sent_as_the_body_of_a_stream_is_the_provider_error() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::error(
            200,
            bodies::openai_error(
                "You exceeded your current quota",
                "insufficient_quota",
                "insufficient_quota",
            ),
        )
        .header("content-type", "text/event-stream")
        .header("x-request-id", "req_in_stream"),
    );
    let stream = provider(no_retry(&sim))
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(events.is_empty());
    let error = error.unwrap();
    assert_eq!(error.kind(), ErrorKind::QuotaExhausted);
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.request_id(), Some("req_in_stream"));
    insta::assert_snapshot!("error_body_instead_of_a_stream", message(&error, &sim));
}

#[tokio::test]
async fn errors_inside_a_stream_keep_the_http_status() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("abcdef").with_fault(Fault::EventError(json!({
        "error": {"message": "Rate limit hit", "type": "requests", "code": "rate_limit_exceeded"}
    }))));
    let stream = provider(no_retry(&sim))
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (_, error) = collect(stream).await;
    let error = error.unwrap();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.status(), Some(200));
}
