//! Error replies and faults on demand.

use std::time::Duration;

use oac_testkit::{Fault, Reply, Simulator, bodies};
use serde_json::json;

use crate::support::{chat_body, client, events, frames, joined, post_chat, stream_text};

/// The LF stream `Reply::text(TEXT)` gives as the first chat request.
async fn reference_events(text: &str) -> Vec<String> {
    let sim = Simulator::start().await;
    sim.push(Reply::text(text));
    events(&stream_text(&sim).await)
}

const TEXT: &str = "one two three four five";

#[tokio::test]
async fn error_reply_has_status_body_and_headers() {
    let sim = Simulator::start().await;
    let body = bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded");
    sim.push(
        Reply::error(429, body.clone())
            .header("retry-after", "0")
            .header("retry-after-ms", "5")
            .header("x-should-retry", "true")
            .header("x-request-id", "req_123"),
    );
    let response = post_chat(&sim, &chat_body(true)).await;
    assert_eq!(response.status(), 429);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["retry-after"], "0");
    assert_eq!(headers["retry-after-ms"], "5");
    assert_eq!(headers["x-should-retry"], "true");
    assert_eq!(headers["x-request-id"], "req_123");
    assert_eq!(response.text().await.unwrap(), body);
}

#[tokio::test]
async fn deviant_error_bodies_are_sent_verbatim() {
    for (status, body, content_type) in [
        (400, bodies::error_string("bad things"), "application/json"),
        (
            422,
            bodies::detail(json!([{"msg": "field required"}])),
            "application/json",
        ),
        (503, bodies::message("overloaded"), "application/json"),
        (
            500,
            bodies::openai_error("m", "server_error", 500),
            "application/json",
        ),
        (
            502,
            bodies::openai_error("m", "server_error", json!(null)),
            "application/json",
        ),
        (502, "Bad Gateway".to_owned(), "text/plain; charset=utf-8"),
    ] {
        let sim = Simulator::start().await;
        sim.push(Reply::error(status, body.clone()));
        let response = post_chat(&sim, &chat_body(false)).await;
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.text().await.unwrap(), body);
    }
}

#[tokio::test]
async fn content_type_header_overrides_the_guess() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(500, "<html>oops</html>").header("content-type", "text/html"));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.headers().get_all("content-type").iter().count(), 1);
    assert_eq!(response.headers()["content-type"], "text/html");
}

#[tokio::test]
async fn an_invalid_status_is_explained_in_a_500() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(42, "x"));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 500);
    insta::assert_snapshot!(response.text().await.unwrap());
}

#[tokio::test]
async fn an_invalid_header_is_explained_in_a_500() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").header("bad header", "v"));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 500);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("\\\"bad header\\\" is not a valid header name")
    );
}

#[tokio::test]
async fn cut_after_events_breaks_the_body_after_exactly_those_events() {
    let expected = reference_events(TEXT).await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::CutAfterEvents(3)));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_some(), "a cut must surface as a body error");
    assert_eq!(joined(&received), expected[..3].concat());
    assert_eq!(sim.disconnects(), 0);
}

#[tokio::test]
async fn cut_never_sends_done() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::CutAfterEvents(100)));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_some());
    let body = joined(&received);
    assert!(body.contains("\"finish_reason\":\"stop\""));
    assert!(!body.contains("[DONE]"));
}

#[tokio::test]
async fn cut_after_bytes_breaks_mid_event() {
    let expected = reference_events(TEXT).await.concat();
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::CutAfterBytes(150)));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_some());
    assert_eq!(joined(&received), expected[..150]);
}

#[tokio::test]
async fn cut_of_a_non_streamed_reply_sends_half_the_body() {
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::CutAfterEvents(1)));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 200);
    let (received, error) = frames(response).await;
    assert!(error.is_some());
    assert!(joined(&received).starts_with("{\"id\":\"chatcmpl-sim-1\""));
}

#[tokio::test]
async fn end_after_events_ends_cleanly_without_done() {
    let expected = reference_events(TEXT).await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::EndAfterEvents(2)));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_none());
    assert_eq!(joined(&received), expected[..2].concat());
}

#[tokio::test]
async fn stall_goes_silent_then_continues() {
    let expected = reference_events(TEXT).await.concat();
    let sim = Simulator::start().await;
    sim.push(
        Reply::text(TEXT)
            .with_fault(Fault::Stall(Duration::from_millis(80)))
            .fault_after(2),
    );
    let started = std::time::Instant::now();
    let text = stream_text(&sim).await;
    assert!(started.elapsed() >= Duration::from_millis(80));
    assert_eq!(text, expected);
}

#[tokio::test]
async fn stall_trips_a_client_read_timeout_after_the_first_event() {
    let expected = reference_events(TEXT).await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::Stall(Duration::from_secs(30))));
    let response = reqwest::Client::builder()
        .read_timeout(Duration::from_millis(50))
        .build()
        .unwrap()
        .post(format!("{}/chat/completions", sim.base_url()))
        .json(&chat_body(true))
        .send()
        .await
        .unwrap();
    let (received, error) = frames(response).await;
    assert!(error.unwrap().is_timeout());
    assert_eq!(joined(&received), expected[0]);
    // The client gave up mid-stream: the simulator sees it go.
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn malformed_json_comes_after_the_first_event() {
    let expected = reference_events(TEXT).await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::MalformedJson));
    let received = events(&stream_text(&sim).await);
    assert_eq!(received.len(), expected.len() + 1);
    assert_eq!(received[0], expected[0]);
    let data = received[1].strip_prefix("data: ").unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(data).is_err());
    assert_eq!(received[2..], expected[1..]);
}

#[tokio::test]
async fn malformed_json_of_a_non_streamed_reply_is_a_truncated_body() {
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::MalformedJson));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
}

#[tokio::test]
async fn huge_event_has_the_asked_size_and_is_valid() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::HugeEvent(200_000)));
    let received = events(&stream_text(&sim).await);
    assert_eq!(received[1].len(), 200_000);
    let data = received[1].strip_prefix("data: ").unwrap().trim_end();
    let chunk: serde_json::Value = serde_json::from_str(data).unwrap();
    assert!(
        chunk["choices"][0]["delta"]["content"]
            .as_str()
            .unwrap()
            .len()
            > 199_000
    );
    assert!(received.last().unwrap().contains("[DONE]"));
}

#[tokio::test]
async fn event_error_ends_the_stream() {
    let sim = Simulator::start().await;
    let error = json!({"error": {"message": "upstream failed", "code": 502}});
    sim.push(
        Reply::text(TEXT)
            .with_fault(Fault::EventError(error.clone()))
            .fault_after(0),
    );
    let text = stream_text(&sim).await;
    assert_eq!(text, format!("event: error\ndata: {error}\n\n"));
}

#[tokio::test]
async fn event_error_of_a_non_streamed_reply_is_a_200_error_body() {
    let sim = Simulator::start().await;
    let error = json!({"error": {"message": "upstream failed"}});
    sim.push(Reply::text(TEXT).with_fault(Fault::EventError(error.clone())));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), error);
}

#[tokio::test]
async fn close_before_response_is_a_connection_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::fault(Fault::CloseBeforeResponse));
    let error = client()
        .post(format!("{}/chat/completions", sim.base_url()))
        .json(&chat_body(true))
        .send()
        .await
        .unwrap_err();
    assert!(!error.is_status() && !error.is_timeout(), "{error:?}");
    assert_eq!(sim.requests().len(), 1);
    assert_eq!(sim.disconnects(), 0);
    // The queue moves on: the next request is answered.
    assert_eq!(post_chat(&sim, &chat_body(false)).await.status(), 200);
}

#[tokio::test]
async fn faults_apply_to_raw_sse_at_event_boundaries() {
    let sim = Simulator::start().await;
    let raw = "data: {\"n\":1}\r\n\r\n: comment\r\n\r\ndata: {\"n\":2}\r\n\r\ndata: [DONE]\r\n\r\n";
    sim.push(Reply::raw_sse(raw).with_fault(Fault::CutAfterEvents(1)));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_some());
    // Comments are not counted: the cut comes before the second data event.
    assert_eq!(
        joined(&received),
        "data: {\"n\":1}\r\n\r\n: comment\r\n\r\n"
    );
}

#[tokio::test]
async fn repeated_faults_are_consumed_in_order() {
    let sim = Simulator::start().await;
    sim.push_n(Reply::error(503, bodies::message("busy")), 2);
    sim.push(Reply::text("finally"));
    assert_eq!(sim.pending_replies(), 3);
    let statuses = [
        post_chat(&sim, &chat_body(false)).await.status().as_u16(),
        post_chat(&sim, &chat_body(false)).await.status().as_u16(),
        post_chat(&sim, &chat_body(false)).await.status().as_u16(),
    ];
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(sim.pending_replies(), 0);
}
