//! A reply that ends properly with nothing in it (no text, no reasoning, no tool
//! call) is `Error::EmptyReply`, retryable: a complete reply is retried within
//! `max_retries`, a stream ends with the error after its finish and usage events.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_provider::{ChatRequest, ErrorKind, FinishReason, Provider, StreamEvent};
use oac_testkit::{Reply, Simulator};
use oac_tests::{collect, profile, provider};

fn empty() -> Reply {
    Reply::text("").usage_tokens(12, 0)
}

#[tokio::test]
async fn an_empty_stream_ends_with_a_retryable_empty_reply_after_its_usage() {
    let sim = Simulator::start().await;
    sim.push(empty());
    let stream = provider(profile(&sim).with_max_retries(0))
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(
        events.contains(&StreamEvent::Finish(FinishReason::Stop)),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, StreamEvent::Usage(_))),
        "{events:?}"
    );
    let error = error.expect("an empty reply is an error");
    assert_eq!(error.kind(), ErrorKind::EmptyReply);
    assert!(oac_provider::retry::is_retryable(&error));
    insta::assert_snapshot!(
        "empty_stream",
        error.to_string().replace(&sim.addr().to_string(), "[ADDR]")
    );
}

#[tokio::test]
async fn a_complete_empty_reply_is_retried_and_the_retry_answers() {
    let sim = Simulator::start().await;
    sim.push(empty());
    sim.push(Reply::text("Here it is"));
    let (provider, clock) = oac_tests::provider_with_clock(profile(&sim));
    let reply = provider.chat(ChatRequest::new().user("Q")).await.unwrap();
    assert_eq!(reply.content, "Here it is");
    assert_eq!(sim.chat_request_count(), 2);
    assert_eq!(clock.waits().len(), 1);
}

#[tokio::test]
async fn empty_replies_stop_at_max_retries() {
    let sim = Simulator::start().await;
    sim.push_n(empty(), 5);
    let (provider, _clock) = oac_tests::provider_with_clock(profile(&sim).with_max_retries(1));
    let error = provider
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::EmptyReply);
    assert_eq!(sim.chat_request_count(), 2, "one attempt, one retry");
}

#[tokio::test]
async fn an_empty_reply_cut_by_the_output_limit_says_to_raise_max_tokens() {
    let sim = Simulator::start().await;
    sim.push(empty().finish_reason("length"));
    let error = provider(profile(&sim).with_max_retries(0))
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::EmptyReply);
    let text = error.to_string();
    assert!(
        text.contains("(finish reason `length`)") && text.contains("raise max_tokens"),
        "{text}"
    );
}

#[tokio::test]
async fn reasoning_only_and_filtered_replies_are_not_empty() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("").reasoning_content("thinking hard"));
    sim.push(Reply::text("").finish_reason("content_filter"));
    let p = provider(profile(&sim).with_max_retries(0));
    let reply = p.chat(ChatRequest::new().user("Q")).await.unwrap();
    assert_eq!(reply.reasoning.as_deref(), Some("thinking hard"));
    let (_, error) = collect(p.chat_stream(ChatRequest::new().user("Q")).await.unwrap()).await;
    assert!(
        error.is_none(),
        "a content filter is its own finish reason: {error:?}"
    );
}
