//! Remembered capabilities: a parameter a server clearly refuses (400/422 naming
//! it) is retried without it (or under its other name), and the next call goes
//! straight to the fallback. Tools refused by the server become a typed error, also
//! remembered. Refusal bodies as real servers send them.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_provider::{
    ChatRequest, ErrorKind, MaxTokensField, OpenAiCompatible, Provider, ReasoningEffort, Tool,
};
use oac_testkit::{Simulator, SimulatorBuilder, bodies};
use oac_tests::{profile, provider};
use serde_json::{Value, json};

/// The bodies of the chat requests, in order.
fn bodies_sent(sim: &Simulator) -> Vec<Value> {
    sim.chat_requests()
        .into_iter()
        .map(|r| r.body.unwrap())
        .collect()
}

/// Two calls: the first is refused once and retried with the fallback, the second
/// goes straight to it. Returns the three bodies sent.
async fn two_calls(
    builder: SimulatorBuilder,
    request: ChatRequest,
    p: impl Fn(&Simulator) -> OpenAiCompatible,
) -> (Vec<Value>, oac_provider::KnownModel) {
    let sim = builder.start().await;
    let provider = p(&sim);
    provider.chat(request.clone()).await.unwrap();
    provider.chat(request).await.unwrap();
    (bodies_sent(&sim), provider.known_model().await)
}

fn plain(sim: &Simulator) -> OpenAiCompatible {
    provider(profile(sim).with_max_retries(0))
}

#[tokio::test]
async fn max_completion_tokens_refused_is_sent_as_max_tokens() {
    let refusal = bodies::openai_error(
        "Unrecognized request argument supplied: max_completion_tokens",
        "invalid_request_error",
        Value::Null,
    );
    let builder = Simulator::builder().refuse_field("max_completion_tokens", 400, refusal);
    let (sent, known) = two_calls(
        builder,
        ChatRequest::new().user("Q").max_tokens(64),
        |sim| {
            let mut p = profile(sim).with_max_retries(0);
            p.request_defaults_mut().max_tokens_field = MaxTokensField::MaxCompletionTokens;
            provider(p)
        },
    )
    .await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["max_completion_tokens"], 64);
    assert_eq!(sent[1]["max_tokens"], 64);
    assert!(sent[1].get("max_completion_tokens").is_none());
    assert_eq!(
        sent[2]["max_tokens"], 64,
        "the second call goes straight to the fallback"
    );
    assert_eq!(
        known.fallbacks,
        ["max_completion_tokens is sent as max_tokens (the server refused max_completion_tokens)"]
    );
}

#[tokio::test]
async fn max_tokens_refused_by_a_reasoning_model_is_sent_as_max_completion_tokens() {
    let refusal = bodies::openai_error(
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        "invalid_request_error",
        "unsupported_parameter",
    );
    let builder = Simulator::builder().refuse_field("max_tokens", 400, refusal);
    let (sent, _) = two_calls(builder, ChatRequest::new().user("Q").max_tokens(32), plain).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["max_tokens"], 32);
    assert_eq!(sent[1]["max_completion_tokens"], 32);
    assert_eq!(sent[2]["max_completion_tokens"], 32);
}

#[tokio::test]
async fn reasoning_effort_refused_is_not_sent_again() {
    // LiteLLM in front of a provider that does not take it.
    let refusal = bodies::openai_error(
        "litellm.UnsupportedParamsError: openai does not support parameters: ['reasoning_effort'], for model=gpt-4o.",
        "invalid_request_error",
        "400",
    );
    let builder = Simulator::builder().refuse_field("reasoning_effort", 400, refusal);
    let request = ChatRequest::new()
        .user("Q")
        .reasoning_effort(ReasoningEffort::High);
    let (sent, known) = two_calls(builder, request, |sim| {
        let mut p = profile(sim).with_max_retries(0);
        p.model_info_mut().supports_reasoning_effort = oac_provider::EffortSupport::Yes;
        provider(p)
    })
    .await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["reasoning_effort"], "high");
    assert!(sent[1].get("reasoning_effort").is_none());
    assert!(sent[2].get("reasoning_effort").is_none());
    assert_eq!(
        known.fallbacks,
        ["reasoning_effort is not sent (the server refused it)"]
    );
}

#[tokio::test]
async fn parallel_tool_calls_refused_by_a_strict_fastapi_server_is_dropped() {
    let refusal =
        json!({"detail": [{"type": "extra_forbidden", "loc": ["body", "parallel_tool_calls"],
        "msg": "Extra inputs are not permitted", "input": false}]})
        .to_string();
    let builder = Simulator::builder().refuse_field("parallel_tool_calls", 422, refusal);
    let request = ChatRequest::new()
        .user("Q")
        .tool(Tool::function("f", "F", json!({"type": "object"})))
        .parallel_tool_calls(false);
    let (sent, _) = two_calls(builder, request, plain).await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["parallel_tool_calls"], false);
    assert!(sent[1].get("parallel_tool_calls").is_none());
    assert!(
        sent[1].get("tools").is_some(),
        "only the refused parameter goes"
    );
    assert!(sent[2].get("parallel_tool_calls").is_none());
}

#[tokio::test]
async fn temperature_refused_by_the_model_is_dropped() {
    let refusal = bodies::openai_error(
        "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.",
        "invalid_request_error",
        "unsupported_value",
    );
    let builder = Simulator::builder().refuse_field("temperature", 400, refusal);
    let (sent, _) = two_calls(
        builder,
        ChatRequest::new().user("Q").temperature(0.2),
        plain,
    )
    .await;
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0]["temperature"], 0.2);
    assert!(sent[1].get("temperature").is_none());
    assert!(sent[2].get("temperature").is_none());
}

#[tokio::test]
async fn a_refusal_that_does_not_say_unsupported_is_not_a_fallback() {
    let refusal = bodies::openai_error(
        "temperature must be between 0 and 2",
        "invalid_request_error",
        Value::Null,
    );
    let sim = Simulator::builder()
        .refuse_field("temperature", 400, refusal)
        .start()
        .await;
    let error = plain(&sim)
        .chat(ChatRequest::new().user("Q").temperature(1.5))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert_eq!(
        sim.chat_request_count(),
        1,
        "no retry: the value, not the field, was refused"
    );
}

#[tokio::test]
async fn tools_refused_by_ollama_are_a_typed_error_and_remembered() {
    let refusal =
        json!({"error": {"message": "registry.ollama.ai/library/gemma2:2b does not support tools",
        "type": "api_error", "param": null, "code": null}})
        .to_string();
    let sim = Simulator::builder()
        .refuse_field("tools", 400, refusal)
        .start()
        .await;
    let provider = plain(&sim);
    let request =
        ChatRequest::new()
            .user("Q")
            .tool(Tool::function("f", "F", json!({"type": "object"})));
    let error = provider.chat(request.clone()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ToolsNotSupported);
    insta::assert_snapshot!(
        "tools_refused",
        error.to_string().replace(&sim.addr().to_string(), "[ADDR]")
    );
    // Remembered: the next request with tools is not sent; one without still is.
    let again = provider.chat_stream(request).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::ToolsNotSupported);
    assert_eq!(sim.chat_request_count(), 1);
    provider
        .chat(ChatRequest::new().user("no tools"))
        .await
        .unwrap();
    assert_eq!(sim.chat_request_count(), 2);
    let known = provider.known_model().await;
    assert!(
        known.fallbacks[0].contains("does not support tools"),
        "{:?}",
        known.fallbacks
    );
}
