//! Retry rules: what is retried, how often, how long the waits are (recorded by an
//! injected clock, so nothing here waits), and never after a stream started.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime};

use oac_provider::{ChatRequest, ErrorKind, Provider};
use oac_testkit::{Fault, Reply, Simulator, bodies};
use oac_tests::{collect, profile, provider_with_clock, text_of};

fn server_error() -> Reply {
    Reply::error(
        503,
        bodies::openai_error("overloaded", "server_error", "server_error"),
    )
}

#[tokio::test]
async fn server_errors_are_retried_up_to_max_retries() {
    let sim = Simulator::start().await;
    sim.push_n(server_error(), 3);
    sim.push(Reply::text("never reached"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(sim.chat_request_count(), 3, "one attempt and two retries");
    let waits = clock.waits();
    assert_eq!(waits.len(), 2);
    assert!(
        waits[0] >= Duration::from_millis(375) && waits[0] <= Duration::from_millis(500),
        "{waits:?}"
    );
    assert!(
        waits[1] >= Duration::from_millis(750) && waits[1] <= Duration::from_millis(1000),
        "{waits:?}"
    );
}

#[tokio::test]
async fn max_retries_zero_means_one_attempt() {
    let sim = Simulator::start().await;
    sim.push(server_error());
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let (provider, clock) = provider_with_clock(p);
    provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(sim.chat_request_count(), 1);
    assert!(clock.waits().is_empty());
}

#[tokio::test]
async fn success_after_a_retry() {
    let sim = Simulator::start().await;
    sim.push(server_error());
    sim.push(Reply::text("second time lucky"));
    let (provider, _) = provider_with_clock(profile(&sim));
    let reply = provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(reply.content, "second time lucky");
    assert_eq!(sim.chat_request_count(), 2);
}

async fn waits_after(reply: Reply) -> (Vec<Duration>, usize) {
    let sim = Simulator::start().await;
    sim.push(reply);
    sim.push(Reply::text("ok"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let _ = provider.chat(ChatRequest::new().user("Hi")).await;
    (clock.waits(), sim.chat_request_count())
}

fn rate_limited() -> Reply {
    Reply::error(
        429,
        bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded"),
    )
}

#[tokio::test]
async fn retry_after_seconds_is_honored() {
    assert_eq!(
        waits_after(rate_limited().header("retry-after", "3")).await,
        (vec![Duration::from_secs(3)], 2)
    );
}

#[tokio::test]
async fn retry_after_ms_is_honored() {
    let (waits, _) = waits_after(
        rate_limited()
            .header("retry-after-ms", "1500")
            .header("retry-after", "9"),
    )
    .await;
    assert_eq!(waits, [Duration::from_millis(1500)]);
}

#[tokio::test]
async fn retry_after_http_date_is_honored() {
    let at = httpdate_in(Duration::from_secs(20));
    let (waits, _) = waits_after(rate_limited().header("retry-after", at)).await;
    assert!(
        waits[0] > Duration::from_secs(17) && waits[0] <= Duration::from_secs(20),
        "{waits:?}"
    );
}

fn httpdate_in(delay: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + delay)
}

#[tokio::test]
async fn retry_after_over_60_seconds_falls_back_to_backoff() {
    let (waits, _) = waits_after(rate_limited().header("retry-after", "3600")).await;
    assert!(waits[0] <= Duration::from_millis(500), "{waits:?}");
}

#[tokio::test]
async fn x_should_retry_false_forbids_a_retry() {
    let (waits, requests) = waits_after(server_error().header("x-should-retry", "false")).await;
    assert!(waits.is_empty());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn x_should_retry_true_forces_a_retry() {
    let bad = Reply::error(
        400,
        bodies::openai_error(
            "try again",
            "invalid_request_error",
            serde_json::Value::Null,
        ),
    );
    let (waits, requests) = waits_after(bad.header("x-should-retry", "true")).await;
    assert_eq!(waits.len(), 1);
    assert_eq!(requests, 2);
}

#[tokio::test]
async fn quota_exhausted_is_not_retried() {
    let quota = Reply::error(
        429,
        bodies::openai_error(
            "You exceeded your current quota",
            "insufficient_quota",
            "insufficient_quota",
        ),
    );
    assert_eq!(waits_after(quota).await, (vec![], 1));
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let bad = Reply::error(
        400,
        bodies::openai_error("bad", "invalid_request_error", serde_json::Value::Null),
    );
    assert_eq!(waits_after(bad).await, (vec![], 1));
}

#[tokio::test]
async fn timeouts_and_conflicts_are_retried() {
    for status in [408, 409, 500, 502] {
        let (waits, requests) =
            waits_after(Reply::error(status, bodies::error_string("again"))).await;
        assert_eq!((waits.len(), requests), (1, 2), "HTTP {status}");
    }
}

#[tokio::test]
async fn connection_errors_are_retried() {
    let (waits, requests) = waits_after(Reply::fault(Fault::CloseBeforeResponse)).await;
    assert_eq!((waits.len(), requests), (1, 2));
}

#[tokio::test]
async fn a_stream_is_retried_before_its_response_arrives() {
    let sim = Simulator::start().await;
    sim.push(server_error());
    sim.push(Reply::text("streamed after a retry"));
    let (provider, _) = provider_with_clock(profile(&sim));
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none());
    assert_eq!(text_of(&events), "streamed after a retry");
    assert_eq!(sim.chat_request_count(), 2);
}

#[tokio::test]
async fn never_retried_once_the_stream_reached_the_caller() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("abcdefghijkl")
            .text_chunk_chars(2)
            .with_fault(Fault::CutAfterEvents(3)),
    );
    sim.push(Reply::text("must not be used"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(!events.is_empty());
    assert_eq!(error.unwrap().kind(), ErrorKind::StreamEndedEarly);
    assert_eq!(sim.chat_request_count(), 1);
    assert_eq!(sim.pending_replies(), 1);
    assert!(clock.waits().is_empty());
}

#[tokio::test]
async fn models_listing_is_retried() {
    let sim = Simulator::start().await;
    sim.push_models(server_error());
    let (provider, clock) = provider_with_clock(profile(&sim));
    let models = provider.list_models().await.unwrap();
    assert_eq!(models[0].id, "sim-model");
    assert_eq!(clock.waits().len(), 1);
}

#[tokio::test]
async fn retry_after_on_a_server_error_is_honored() {
    assert_eq!(
        waits_after(server_error().header("retry-after", "4")).await,
        (vec![Duration::from_secs(4)], 2)
    );
}

#[tokio::test]
async fn payment_required_is_not_retried() {
    let (waits, requests) = waits_after(Reply::error(
        402,
        bodies::error_string("Insufficient Balance"),
    ))
    .await;
    assert_eq!((waits, requests), (vec![], 1));
}

#[tokio::test]
async fn x_should_retry_true_does_not_retry_an_exhausted_quota() {
    let quota = Reply::error(
        429,
        bodies::openai_error(
            "You exceeded your current quota",
            "insufficient_quota",
            "insufficient_quota",
        ),
    )
    .header("x-should-retry", "true");
    assert_eq!(waits_after(quota).await, (vec![], 1));
}

#[tokio::test]
async fn an_absurd_retry_after_ms_neither_panics_nor_waits_forever() {
    // Without retries: the error reports the (capped) wait.
    let sim = Simulator::start().await;
    sim.push(rate_limited().header("retry-after-ms", "1e30"));
    let mut p = profile(&sim);
    p = p.with_max_retries(0);
    let (provider, _) = provider_with_clock(p);
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(1_000_000_000))
    );
    // With retries: more than 60 s asked, so the usual backoff is used.
    let (waits, requests) = waits_after(rate_limited().header("retry-after-ms", "1e30")).await;
    assert_eq!(requests, 2);
    assert!(waits[0] <= Duration::from_millis(500), "{waits:?}");
}

#[tokio::test]
async fn an_error_object_in_a_success_body_is_retried_like_its_code() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(
        serde_json::json!({"error": {"message": "Upstream overloaded", "code": 503}}),
    ));
    sim.push(Reply::text("second time lucky"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let reply = provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(reply.content, "second time lucky");
    assert_eq!(sim.chat_request_count(), 2);
    assert_eq!(clock.waits().len(), 1);
}

#[tokio::test]
async fn an_error_object_answering_a_stream_request_is_retried_before_the_stream_starts() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(
        serde_json::json!({"error": {"message": "Upstream overloaded", "code": 503}}),
    ));
    sim.push(Reply::text("streamed after a retry"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "streamed after a retry");
    assert_eq!(clock.waits().len(), 1);
}

#[tokio::test]
async fn an_error_object_in_a_success_body_that_is_not_retryable_is_not_retried() {
    let sim = Simulator::start().await;
    sim.push(Reply::json(serde_json::json!({"error": {
        "message": "This model's maximum context length is 8192 tokens",
        "code": "context_length_exceeded"
    }})));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let error = provider
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ContextTooLong);
    assert_eq!(error.status(), Some(200));
    assert_eq!(sim.chat_request_count(), 1);
    assert!(clock.waits().is_empty());
}

#[tokio::test]
async fn a_body_cut_before_its_end_is_retried_for_a_complete_request() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("lost in transit").with_fault(Fault::CutAfterBytes(10)));
    sim.push(Reply::text("arrived"));
    let (provider, clock) = provider_with_clock(profile(&sim));
    let reply = provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(reply.content, "arrived");
    assert_eq!(clock.waits().len(), 1);
}
