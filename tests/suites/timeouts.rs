//! The three timeouts a user can reason about, each its own `TimeoutKind` naming its
//! setting: to the response headers, to the first content, and the longest gap
//! between data events (keep-alives count only before the first content). Real
//! sockets and a real clock, with short limits.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use oac_provider::{ChatRequest, Error, Provider, TimeoutKind, Timeouts};
use oac_testkit::{Reply, Simulator};
use oac_tests::{collect, profile, provider, text_of};

const ROLE: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n";
const CONTENT: &str =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
const FINISH: &str = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
const KEEP_ALIVE: &str = ": keep-alive\n\n";

fn keep_alives(n: usize) -> String {
    KEEP_ALIVE.repeat(n)
}

fn timeout_kind(error: Option<Error>) -> TimeoutKind {
    match error {
        Some(Error::Timeout { which, .. }) => which,
        other => panic!("expected a timeout, got {other:?}"),
    }
}

async fn stream_with(reply: Reply, timeouts: Timeouts) -> (String, Option<Error>, Duration) {
    let sim = Simulator::start().await;
    sim.push(reply);
    let mut p = profile(&sim).with_max_retries(0);
    *p.timeouts_mut() = timeouts;
    let started = Instant::now();
    let stream = provider(p)
        .chat_stream(ChatRequest::new().user("Q"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    (text_of(&events), error, started.elapsed())
}

fn idle(ms: u64) -> Timeouts {
    Timeouts::new(
        Duration::from_secs(30),
        Duration::from_secs(5),
        Duration::from_millis(ms),
    )
}

#[tokio::test]
async fn keep_alives_before_the_first_content_keep_the_stream_alive() {
    // 1.2 s of keep-alives, 10 ms apart, against a 1 s data-gap limit: a loaded
    // machine would have to stall the stream for a whole second to trip it.
    let body = format!("{ROLE}{}{CONTENT}{FINISH}", keep_alives(120));
    let reply = Reply::raw_sse(body).delay(Duration::from_millis(10));
    let (text, error, took) = stream_with(reply, idle(1_000)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "Hi");
    assert!(
        took >= Duration::from_millis(1_000),
        "{took:?}: the test must outlast the limit"
    );
}

#[tokio::test]
async fn after_the_first_content_keep_alives_are_not_progress() {
    // 10 s of keep-alives after the content against a 300 ms limit: cut long before
    // the end, however slow the machine.
    let body = format!("{ROLE}{CONTENT}{}{FINISH}", keep_alives(1_000));
    let reply = Reply::raw_sse(body).delay(Duration::from_millis(10));
    let (text, error, took) = stream_with(reply, idle(300)).await;
    assert_eq!(text, "Hi");
    assert_eq!(timeout_kind(error), TimeoutKind::StreamIdle);
    assert!(
        took < Duration::from_secs(8),
        "cut near the limit, not at the end: {took:?}"
    );
}

#[tokio::test]
async fn the_first_content_timeout_cuts_a_stream_of_only_keep_alives() {
    // Keep-alives 10 ms apart never trip the 2 s idle limit; only the first-content
    // limit (600 ms) can end this stream.
    let reply = Reply::endless_sse(ROLE, KEEP_ALIVE).delay(Duration::from_millis(10));
    let timeouts = idle(2_000).with_first_content(Some(Duration::from_millis(600)));
    let (_, error, took) = stream_with(reply, timeouts).await;
    let error = error.unwrap();
    assert!(
        error.to_string().contains("first_content_timeout_secs"),
        "{error}"
    );
    assert_eq!(timeout_kind(Some(error)), TimeoutKind::FirstContent);
    assert!(took >= Duration::from_millis(600), "{took:?}");
}

#[tokio::test]
async fn the_first_content_timeout_also_cuts_a_silent_stream() {
    let body = format!("{ROLE}{CONTENT}{FINISH}");
    let reply = Reply::raw_sse(body).delay(Duration::from_secs(5));
    let timeouts = idle(10_000).with_first_content(Some(Duration::from_millis(200)));
    let (_, error, took) = stream_with(reply, timeouts).await;
    assert_eq!(timeout_kind(error), TimeoutKind::FirstContent);
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn the_headers_timeout_bounds_the_wait_for_the_response() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("late").first_byte_delay(Duration::from_secs(10)));
    let mut p = profile(&sim).with_max_retries(2);
    *p.timeouts_mut() = Timeouts::default().with_headers(Some(Duration::from_millis(200)));
    let started = Instant::now();
    let error = provider(p)
        .chat(ChatRequest::new().user("Q"))
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        error.to_string().contains("headers_timeout_secs"),
        "{error}"
    );
    assert_eq!(timeout_kind(Some(error)), TimeoutKind::Headers);
    assert_eq!(
        sim.chat_request_count(),
        1,
        "a slow server is not asked again"
    );
}

#[tokio::test]
async fn a_stream_ends_at_done_even_if_the_server_keeps_the_connection_open() {
    let head = format!("{ROLE}{CONTENT}{FINISH}");
    let reply = Reply::endless_sse(head, KEEP_ALIVE).delay(Duration::from_millis(10));
    let (text, error, took) = stream_with(reply, idle(60_000)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "Hi");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

/// After `[DONE]` the stream waits a moment for the body's end (so the connection
/// can be reused), never for the server: a body left open with keep-alives far
/// apart ends the stream after the short grace, not at the next keep-alive or the
/// idle limit.
#[tokio::test]
async fn a_body_left_open_after_done_delays_the_end_only_briefly() {
    let head = format!("{ROLE}{CONTENT}{FINISH}");
    let reply = Reply::endless_sse(head, KEEP_ALIVE).delay(Duration::from_millis(500));
    let (text, error, took) = stream_with(reply, idle(60_000)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "Hi");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

/// A server that keeps sending after `[DONE]` is read only so far (64 KiB), then
/// the stream ends without an error.
#[tokio::test]
async fn bytes_flooding_in_after_done_are_read_only_so_far() {
    let head = format!("{ROLE}{CONTENT}{FINISH}");
    let reply = Reply::endless_sse(head, KEEP_ALIVE);
    let (text, error, took) = stream_with(reply, idle(60_000)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text, "Hi");
    assert!(took < Duration::from_secs(5), "{took:?}");
}
