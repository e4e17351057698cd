//! How a Responses reply ends early: incomplete, failed, the `error` event, and every
//! fault on a Responses stream.

use std::time::Duration;

use oac_testkit::{Chunking, Fault, Reply, Simulator};
use serde_json::{Value, json};

use crate::support::{
    chat_body, chunks, client, events, frames, joined, post_chat, post_responses, responses_body,
    typed_events,
};

const TEXT: &str = "one two three four five";

async fn stream_text(sim: &Simulator) -> String {
    post_responses(sim, &responses_body(true))
        .await
        .text()
        .await
        .unwrap()
}

/// The LF events `Reply::text(TEXT)` gives as the first Responses request.
async fn reference_events() -> Vec<String> {
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT));
    events(&stream_text(&sim).await)
}

/// The last events of a stream, from the given type on.
fn tail_from(body: &str, kind: &str) -> String {
    let at = body.find(&format!("event: {kind}\n")).unwrap();
    body[at..].to_owned()
}

#[tokio::test]
async fn incomplete_reply_ends_with_response_incomplete() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("cut sho")
            .incomplete("max_output_tokens")
            .usage_tokens(5, 2),
    );
    let body = stream_text(&sim).await;
    insta::assert_snapshot!(tail_from(&body, "response.output_item.done"));
    let events = typed_events(&body);
    assert!(events.iter().all(|(name, _)| name != "response.completed"));
}

#[tokio::test]
async fn incomplete_non_streamed_reply_says_so() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("long thought")
            .incomplete("content_filter"),
    );
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(object["status"], "incomplete");
    assert_eq!(object["completed_at"], Value::Null);
    assert_eq!(
        object["incomplete_details"],
        json!({"reason": "content_filter"})
    );
    assert_eq!(object["output"][1]["status"], "incomplete");
}

#[tokio::test]
async fn incomplete_maps_to_the_chat_finish_reason() {
    for (reason, finish) in [
        ("max_output_tokens", "length"),
        ("content_filter", "content_filter"),
        ("other", "other"),
    ] {
        let sim = Simulator::start().await;
        sim.push(Reply::text("x").incomplete(reason));
        sim.push(Reply::text("x").incomplete(reason).finish_reason("stop"));
        let completion: Value = post_chat(&sim, &chat_body(false))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(completion["choices"][0]["finish_reason"], finish);
        let text = post_chat(&sim, &chat_body(true))
            .await
            .text()
            .await
            .unwrap();
        let last = chunks(&text).pop().unwrap();
        assert_eq!(
            last["choices"][0]["finish_reason"], "stop",
            "an explicit reason wins"
        );
    }
}

#[tokio::test]
async fn failed_reply_ends_with_response_failed() {
    let sim = Simulator::start().await;
    sim.push(Reply::new().failed("server_error", "The model failed to generate a response."));
    let body = stream_text(&sim).await;
    insta::assert_snapshot!(body);
}

#[tokio::test]
async fn failed_reply_streams_its_output_first() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("partial")
            .tool_call("call_1", "f", "{}")
            .failed("rate_limit_exceeded", "slow down"),
    );
    let events = typed_events(&stream_text(&sim).await);
    let (name, failed) = events.last().unwrap();
    assert_eq!(name, "response.failed");
    let response = &failed["response"];
    assert_eq!(response["status"], "failed");
    assert_eq!(
        response["error"],
        json!({"code": "rate_limit_exceeded", "message": "slow down"})
    );
    assert_eq!(response["output"][0]["status"], "completed");
    assert_eq!(response["output"][1]["status"], "incomplete");
}

#[tokio::test]
async fn failed_non_streamed_reply_is_a_failed_response_object() {
    let sim = Simulator::start().await;
    sim.push(Reply::new().failed("server_error", "boom"));
    let response = post_responses(&sim, &responses_body(false)).await;
    assert_eq!(response.status(), 200);
    let object: Value = response.json().await.unwrap();
    assert_eq!(object["status"], "failed");
    assert_eq!(
        object["error"],
        json!({"code": "server_error", "message": "boom"})
    );
    assert_eq!(object["output"], json!([]));
    assert_eq!(object["usage"], Value::Null);
}

#[tokio::test]
async fn failed_chat_reply_reports_the_error_openai_style() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("partial").failed("server_error", "boom"));
    sim.push(Reply::text("partial").failed("server_error", "boom"));
    let text = post_chat(&sim, &chat_body(true))
        .await
        .text()
        .await
        .unwrap();
    let expected_error =
        r#"{"error":{"message":"boom","type":"server_error","param":null,"code":"server_error"}}"#;
    assert!(
        text.ends_with(&format!("data: {expected_error}\n\n")),
        "{text}"
    );
    assert!(!text.contains("[DONE]") && !text.contains("finish_reason\":\"stop"));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.text().await.unwrap(), expected_error);
}

#[tokio::test]
async fn stream_error_is_the_documented_error_event() {
    let sim = Simulator::start().await;
    let fault = Fault::StreamError {
        code: "server_error".into(),
        message: "The server had an error.".into(),
    };
    sim.push(Reply::text(TEXT).with_fault(fault.clone()).fault_after(2));
    let body = stream_text(&sim).await;
    let received = events(&body);
    assert_eq!(received[..2], reference_events().await[..2]);
    assert_eq!(received.len(), 3, "the stream ends at the error");
    assert_eq!(
        received[2],
        "event: error\ndata: {\"type\":\"error\",\"sequence_number\":2,\"code\":\"server_error\",\"message\":\"The server had an error.\",\"param\":null}\n\n"
    );

    sim.push(Reply::text(TEXT).with_fault(fault.clone()));
    let chat = post_chat(&sim, &chat_body(true))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(events(&chat).len(), 2);
    assert!(chat.ends_with("data: {\"error\":{\"message\":\"The server had an error.\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_error\"}}\n\n"));

    sim.push(Reply::text(TEXT).with_fault(fault));
    let response = post_responses(&sim, &responses_body(false)).await;
    assert_eq!(response.status(), 500);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["code"], "server_error");
}

#[tokio::test]
async fn event_error_writes_the_nested_shape_as_given() {
    let sim = Simulator::start().await;
    let nested = json!({"type": "error", "sequence_number": 1, "error": {"type": "too_many_requests", "code": "too_many_requests", "message": "Too Many Requests", "param": null}});
    sim.push(Reply::text(TEXT).with_fault(Fault::EventError(nested.clone())));
    let received = events(&stream_text(&sim).await);
    assert_eq!(received.len(), 2);
    assert_eq!(received[1], format!("event: error\ndata: {nested}\n\n"));
}

#[tokio::test]
async fn cut_after_events_breaks_a_responses_stream_after_exactly_those_events() {
    let expected = reference_events().await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::CutAfterEvents(4)));
    let (received, error) = frames(post_responses(&sim, &responses_body(true)).await).await;
    assert!(error.is_some(), "a cut must surface as a body error");
    assert_eq!(joined(&received), expected[..4].concat());
}

#[tokio::test]
async fn cut_after_bytes_breaks_mid_event() {
    let expected = reference_events().await.concat();
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::CutAfterBytes(700)));
    let (received, error) = frames(post_responses(&sim, &responses_body(true)).await).await;
    assert!(error.is_some());
    assert_eq!(joined(&received), expected[..700]);
}

#[tokio::test]
async fn end_after_events_ends_cleanly_before_response_completed() {
    let expected = reference_events().await;
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::EndAfterEvents(5)));
    let (received, error) = frames(post_responses(&sim, &responses_body(true)).await).await;
    assert!(error.is_none());
    assert_eq!(joined(&received), expected[..5].concat());
}

#[tokio::test]
async fn stall_goes_silent_then_continues() {
    let expected = reference_events().await.concat();
    let sim = Simulator::start().await;
    sim.push(
        Reply::text(TEXT)
            .with_fault(Fault::Stall(Duration::from_millis(80)))
            .fault_after(3),
    );
    let started = std::time::Instant::now();
    let text = stream_text(&sim).await;
    assert!(started.elapsed() >= Duration::from_millis(80));
    assert_eq!(text, expected);
}

#[tokio::test]
async fn malformed_json_takes_a_sequence_number_and_the_stream_goes_on() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text(TEXT)
            .with_fault(Fault::MalformedJson)
            .fault_after(4),
    );
    let received = events(&stream_text(&sim).await);
    let data = received[4].split_once("\ndata: ").unwrap().1.trim_end();
    assert!(received[4].starts_with("event: response.output_text.delta\n"));
    assert!(serde_json::from_str::<Value>(data).is_err());
    let after: Vec<(String, Value)> = received[5..]
        .iter()
        .flat_map(|event| typed_events(event))
        .collect();
    assert_eq!(after[0].1["sequence_number"], 5);
    assert_eq!(after.last().unwrap().0, "response.completed");
}

#[tokio::test]
async fn malformed_json_of_a_non_streamed_reply_is_a_truncated_body() {
    let sim = Simulator::start().await;
    sim.push(Reply::text(TEXT).with_fault(Fault::MalformedJson));
    let response = post_responses(&sim, &responses_body(false)).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.starts_with(r#"{"id":"resp_sim_1","object":"response""#));
    assert!(serde_json::from_str::<Value>(&body).is_err());
}

#[tokio::test]
async fn huge_event_is_a_valid_text_delta_of_the_asked_size() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("x")
            .with_fault(Fault::HugeEvent(200_000))
            .fault_after(4),
    );
    let body = stream_text(&sim).await;
    let received = events(&body);
    assert_eq!(received[4].len(), 200_000);
    let events = typed_events(&body);
    let (name, huge) = &events[4];
    assert_eq!(name, "response.output_text.delta");
    assert_eq!(huge["item_id"], "msg_sim_1_0");
    assert!(huge["delta"].as_str().unwrap().len() > 199_000);
    for (index, (_, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], index, "numbers stay consecutive");
    }
}

#[tokio::test]
async fn huge_event_of_a_non_streamed_reply_is_a_long_message() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").with_fault(Fault::HugeEvent(5_000)));
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        object["output"][0]["content"][0]["text"]
            .as_str()
            .unwrap()
            .len(),
        5_000
    );
}

#[tokio::test]
async fn close_before_response_is_a_connection_error() {
    let sim = Simulator::start().await;
    sim.push(Reply::fault(Fault::CloseBeforeResponse));
    let result = client()
        .post(format!("{}/responses", sim.base_url()))
        .json(&responses_body(true))
        .send()
        .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn chunking_and_delays_apply() {
    let expected = reference_events().await.concat();
    let sim = Simulator::start().await;
    sim.push(
        Reply::text(TEXT)
            .chunking(Chunking::Bytes(7))
            .delay(Duration::from_millis(1)),
    );
    let (received, error) = frames(post_responses(&sim, &responses_body(true)).await).await;
    assert!(error.is_none());
    assert!(received.len() > 1);
    assert_eq!(joined(&received), expected);
}

#[tokio::test]
async fn error_replies_and_headers_are_the_same_on_both_apis() {
    let sim = Simulator::start().await;
    let body =
        oac_testkit::bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded");
    sim.push(Reply::error(429, body.clone()).header("retry-after", "1"));
    let response = post_responses(&sim, &responses_body(true)).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.text().await.unwrap(), body);
}

#[tokio::test]
async fn stream_error_in_raw_sse_on_the_responses_route_is_numbered() {
    let sim = Simulator::start().await;
    let fault = Fault::StreamError {
        code: "server_error".into(),
        message: "m".into(),
    };
    sim.push(
        Reply::raw_sse(oac_testkit::fixtures::RESPONSES_REFERENCE_STREAM)
            .with_fault(fault)
            .fault_after(3),
    );
    let events = typed_events(&stream_text(&sim).await);
    assert_eq!(events.len(), 4);
    assert_eq!(events[3].0, "error");
    assert_eq!(events[3].1["sequence_number"], 3);
}

/// Reads `frames` body frames of a streamed response, then drops it.
async fn first_frames(response: reqwest::Response, frames: usize) -> String {
    use futures_util::StreamExt as _;
    let mut stream = response.bytes_stream();
    let mut body = Vec::new();
    for _ in 0..frames {
        body.extend_from_slice(&stream.next().await.unwrap().unwrap());
    }
    String::from_utf8(body).unwrap()
}

#[tokio::test]
async fn endless_tool_call_arguments_are_numbered_on_a_responses_stream() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(8));
    let response = post_responses(&sim, &responses_body(true)).await;
    // The head is one frame, then one frame per delta.
    let body = first_frames(response, 4).await;
    let events = typed_events(&body);
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.delta",
        ]
    );
    for (index, (_, data)) in events.iter().enumerate() {
        assert_eq!(data["sequence_number"], index);
    }
    let item = &events[2].1["item"];
    assert_eq!(item["call_id"], "call_1");
    assert_eq!(item["name"], "endless");
    assert_eq!(events[5].1["item_id"], item["id"]);
    assert_eq!(events[5].1["delta"], "aaaaaaaa");
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
}

#[tokio::test]
async fn endless_tool_call_arguments_stay_chat_shaped_on_chat() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(4));
    let body = first_frames(post_chat(&sim, &chat_body(true)).await, 3).await;
    assert_eq!(events(&body).len(), 3);
    let chunks = chunks(&body);
    assert_eq!(
        chunks[0]["choices"][0]["delta"]["tool_calls"][0]["id"],
        "call_1"
    );
    assert_eq!(
        chunks[2]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"],
        "aaaa"
    );
    assert!(sim.wait_for_disconnects(1, Duration::from_secs(2)).await);
}
