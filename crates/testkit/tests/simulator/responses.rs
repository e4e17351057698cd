//! The Responses API (`POST …/responses`): the same replies in its shape, requests
//! recorded, the echo.

use oac_testkit::{Reply, Simulator, fixtures};
use serde_json::{Value, json};

use crate::support::{
    chat_body, chunks, client, deltas, post_chat, post_responses, responses_body, typed_events,
};

/// Reasoning, text, a tool call and usage with cached and reasoning tokens.
fn full_reply() -> Reply {
    Reply::new()
        .reasoning_content("Weather?")
        .content("Let me check.")
        .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
        .usage_tokens_detailed(10, 4, 5, 2)
        .text_chunk_chars(8)
}

fn with_encrypted_reasoning(mut body: Value) -> Value {
    body["include"] = json!(["reasoning.encrypted_content"]);
    body
}

async fn stream(sim: &Simulator, body: &Value) -> String {
    let response = post_responses(sim, body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    response.text().await.unwrap()
}

#[tokio::test]
async fn streamed_reply_has_the_responses_shape() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    let body = with_encrypted_reasoning(responses_body(true));
    insta::assert_snapshot!(stream(&sim, &body).await);
}

#[tokio::test]
async fn non_streamed_reply_is_one_response_object() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    let body = with_encrypted_reasoning(responses_body(false));
    let response = post_responses(&sim, &body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = response.text().await.unwrap();
    let object: Value = serde_json::from_str(&text).unwrap();
    assert!(
        object.get("output_text").is_none(),
        "an SDK convenience only"
    );
    insta::assert_snapshot!(text);
}

#[tokio::test]
async fn the_non_streamed_object_is_the_completed_events_response() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    sim.push(full_reply());
    let events = typed_events(&stream(&sim, &responses_body(true)).await);
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    let (name, completed) = events.last().unwrap();
    assert_eq!(name, "response.completed");
    let mut streamed = completed["response"].clone();
    streamed["id"] = object["id"].clone();
    for item in streamed["output"].as_array_mut().unwrap() {
        let id = item["id"].as_str().unwrap().replace("_sim_1_", "_sim_2_");
        item["id"] = json!(id);
    }
    assert_eq!(streamed, object);
}

#[tokio::test]
async fn events_are_typed_numbered_from_zero_and_have_no_done() {
    let sim = Simulator::start().await;
    sim.push(full_reply().text_chunk_chars(1));
    let text = stream(&sim, &responses_body(true)).await;
    assert!(!text.contains("[DONE]"));
    let events = typed_events(&text);
    for (index, (name, data)) in events.iter().enumerate() {
        assert_eq!(data["type"], *name);
        assert_eq!(data["sequence_number"], index);
    }
    let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names[..3],
        [
            "response.created",
            "response.in_progress",
            "response.output_item.added"
        ]
    );
    assert_eq!(names.last(), Some(&"response.completed"));
    assert_eq!(
        deltas(&events, "response.reasoning_summary_text.delta"),
        "Weather?"
    );
    assert_eq!(
        deltas(&events, "response.output_text.delta"),
        "Let me check."
    );
    assert_eq!(
        deltas(&events, "response.function_call_arguments.delta"),
        r#"{"city":"Paris"}"#
    );
    let created = &events[0].1["response"];
    assert_eq!(created["status"], "in_progress");
    assert_eq!(created["output"], json!([]));
    assert_eq!(created["usage"], Value::Null);
}

#[tokio::test]
async fn completed_response_has_every_item_and_the_usage() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    let events = typed_events(&stream(&sim, &responses_body(true)).await);
    let response = &events.last().unwrap().1["response"];
    assert_eq!(response["status"], "completed");
    assert_eq!(response["completed_at"], 1_700_000_000);
    let output = response["output"].as_array().unwrap();
    let kinds: Vec<&str> = output
        .iter()
        .map(|item| item["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["reasoning", "message", "function_call"]);
    assert_eq!(
        output[0]["summary"],
        json!([{"type": "summary_text", "text": "Weather?"}])
    );
    assert_eq!(output[1]["content"][0]["text"], "Let me check.");
    assert_eq!(output[2]["call_id"], "call_1");
    assert_eq!(output[2]["name"], "get_weather");
    assert_eq!(output[2]["status"], "completed");
    assert_eq!(
        response["usage"],
        json!({
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 4},
            "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 2},
            "total_tokens": 15,
        })
    );
}

#[tokio::test]
async fn encrypted_content_comes_only_when_included() {
    let sim = Simulator::start().await;
    sim.push_n(Reply::new().reasoning_content("r").content("a"), 2);
    let plain = typed_events(&stream(&sim, &responses_body(true)).await);
    let included =
        typed_events(&stream(&sim, &with_encrypted_reasoning(responses_body(true))).await);
    let reasoning =
        |events: &[(String, Value)]| events.last().unwrap().1["response"]["output"][0].clone();
    assert!(reasoning(&plain).get("encrypted_content").is_none());
    let blob = reasoning(&included)["encrypted_content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(blob.starts_with("gAAAAAB"));
    let done = included
        .iter()
        .find(|(name, data)| name == "response.output_item.done" && data["output_index"] == 0)
        .unwrap();
    assert_eq!(done.1["item"]["encrypted_content"], blob.as_str());

    sim.push(Reply::text("a").encrypted_reasoning("blob-1"));
    let body = with_encrypted_reasoning(responses_body(false));
    let object: Value = post_responses(&sim, &body).await.json().await.unwrap();
    assert_eq!(
        object["output"][0],
        json!({"id": "rs_sim_3_0", "type": "reasoning", "encrypted_content": "blob-1", "summary": []})
    );
}

#[tokio::test]
async fn derived_encrypted_content_is_reproducible() {
    let body = with_encrypted_reasoning(responses_body(false));
    let mut blobs = Vec::new();
    for _ in 0..2 {
        let sim = Simulator::start().await;
        sim.push(Reply::new().reasoning_content("same").content("a"));
        let object: Value = post_responses(&sim, &body).await.json().await.unwrap();
        blobs.push(object["output"][0]["encrypted_content"].clone());
    }
    assert_eq!(blobs[0], blobs[1]);
}

#[tokio::test]
async fn reasoning_field_is_a_second_summary_part() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("one")
            .reasoning_field("two")
            .content("x"),
    );
    let events = typed_events(&stream(&sim, &responses_body(true)).await);
    let parts: Vec<(Value, Value)> = events
        .iter()
        .filter(|(name, _)| name == "response.reasoning_summary_part.done")
        .map(|(_, data)| (data["summary_index"].clone(), data["part"]["text"].clone()))
        .collect();
    assert_eq!(parts, [(json!(0), json!("one")), (json!(1), json!("two"))]);
}

#[tokio::test]
async fn a_reply_with_only_tool_calls_has_no_message() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .tool_call("call_a", "f", "{}")
            .tool_call("call_b", "g", "{}"),
    );
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    let output = object["output"].as_array().unwrap();
    assert_eq!(output.len(), 2);
    assert_eq!(output[0]["id"], "fc_sim_1_0");
    assert_eq!(output[1]["id"], "fc_sim_1_1");
    assert_eq!(output[1]["call_id"], "call_b");
}

#[tokio::test]
async fn request_parameters_are_repeated_in_the_response() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x"));
    let body = json!({
        "model": "gpt-5.4",
        "input": "Hi",
        "instructions": "Be brief.",
        "max_output_tokens": 64,
        "previous_response_id": "resp_prev",
        "reasoning": {"effort": "low", "summary": "auto"},
        "store": false,
        "temperature": 0.5,
        "tools": [{"type": "function", "name": "f"}],
        "metadata": {"k": "v"},
    });
    let object: Value = post_responses(&sim, &body).await.json().await.unwrap();
    assert_eq!(object["model"], "gpt-5.4");
    for field in [
        "instructions",
        "max_output_tokens",
        "previous_response_id",
        "reasoning",
        "store",
        "temperature",
        "tools",
        "metadata",
    ] {
        assert_eq!(object[field], body[field], "{field}");
    }
    assert_eq!(object["tool_choice"], "auto");
    assert_eq!(object["top_p"], 1.0);
}

#[tokio::test]
async fn id_model_created_and_extra_fields_apply() {
    let sim = Simulator::start().await;
    let reply = Reply::text("x")
        .id("resp_custom")
        .model("other-model")
        .created(42)
        .extra_field("service_tier", json!("default"));
    sim.push(reply.clone());
    sim.push(reply);
    let events = typed_events(&stream(&sim, &responses_body(true)).await);
    assert!(
        events
            .iter()
            .all(|(_, data)| data["service_tier"] == "default")
    );
    let response = &events[0].1["response"];
    assert_eq!(response["id"], "resp_custom");
    assert_eq!(response["model"], "other-model");
    assert_eq!(response["created_at"], 42);
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(object["service_tier"], "default");
    assert_eq!(object["output"][0]["id"], "msg_sim_2_0");
}

#[tokio::test]
async fn usage_in_the_responses_shape_is_sent_as_given() {
    let sim = Simulator::start().await;
    let usage = json!({"input_tokens": 3, "output_tokens": 1, "total_tokens": 4, "extra": true});
    sim.push(Reply::text("x").usage(usage.clone()));
    let object: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(object["usage"], usage);
}

#[tokio::test]
async fn sse_format_settings_apply() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("hi")
            .line_ending(oac_testkit::LineEnding::CrLf)
            .keep_alive_comments(true),
    );
    let text = stream(&sim, &responses_body(true)).await;
    assert!(text.starts_with(": OPENROUTER PROCESSING\r\n\r\nevent: response.created\r\ndata: {"));
    assert!(text.contains("\r\n\r\n: keep-alive\r\n\r\nevent: response.in_progress\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'));
}

#[tokio::test]
async fn chat_and_responses_share_one_queue_and_count_ids_apart() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("first"));
    sim.push(Reply::text("second"));
    sim.push(Reply::text("third"));
    let chat: Value = post_chat(&sim, &chat_body(false))
        .await
        .json()
        .await
        .unwrap();
    let responses: Value = post_responses(&sim, &responses_body(false))
        .await
        .json()
        .await
        .unwrap();
    let chat_again: Value = post_chat(&sim, &chat_body(false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chat["choices"][0]["message"]["content"], "first");
    assert_eq!(chat["id"], "chatcmpl-sim-1");
    assert_eq!(responses["output"][0]["content"][0]["text"], "second");
    assert_eq!(responses["id"], "resp_sim_1");
    assert_eq!(chat_again["id"], "chatcmpl-sim-2");
    assert_eq!(sim.pending_replies(), 0);
}

#[tokio::test]
async fn responses_requests_are_recorded_apart_from_chat_requests() {
    let sim = Simulator::start().await;
    post_chat(&sim, &chat_body(false)).await;
    let body = responses_body(false);
    for path in [
        "/v1/responses",
        "/openai/responses?api-version=2025-04-01-preview",
        "/openai/v1/responses",
    ] {
        let response = client()
            .post(sim.url(path))
            .header("api-key", "k")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(sim.chat_request_count(), 1);
    assert_eq!(sim.responses_request_count(), 3);
    let recorded = sim.responses_requests();
    assert_eq!(recorded[1].path, "/openai/responses");
    assert_eq!(
        recorded[1].query.as_deref(),
        Some("api-version=2025-04-01-preview")
    );
    assert_eq!(recorded[1].header("api-key"), Some("k"));
    assert_eq!(recorded[2].body.as_ref(), Some(&body));
    assert!(
        recorded
            .iter()
            .all(|request| request.is_responses() && !request.is_chat())
    );
    assert!(sim.chat_requests()[0].is_chat());
}

#[tokio::test]
async fn checks_apply_to_responses_requests() {
    let sim = Simulator::builder()
        .api_key("sk-test")
        .strict_models(true)
        .start()
        .await;
    let unauthorized = post_responses(&sim, &responses_body(false)).await;
    assert_eq!(unauthorized.status(), 401);
    let unknown_model = client()
        .post(format!("{}/responses", sim.base_url()))
        .bearer_auth("sk-test")
        .json(&json!({"model": "nope", "input": "Hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_model.status(), 404);
    let not_json = client()
        .post(format!("{}/responses", sim.base_url()))
        .bearer_auth("sk-test")
        .body("input=Hi")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert_eq!(sim.responses_request_count(), 3);
}

#[tokio::test]
async fn other_responses_endpoints_are_unknown() {
    let sim = Simulator::start().await;
    for (method, path) in [
        ("GET", "/v1/responses/resp_1"),
        ("GET", "/v1/responses"),
        ("DELETE", "/v1/responses/resp_1"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = client()
            .request(method, sim.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn echo_answers_a_string_input() {
    let sim = Simulator::start().await;
    let body = json!({"model": "sim-model", "input": "What is Rust?", "instructions": "Be brief.", "stream": true});
    let text = stream(&sim, &body).await;
    insta::assert_snapshot!(text);
    let events = typed_events(&text);
    assert_eq!(
        deltas(&events, "response.output_text.delta"),
        "What is Rust?"
    );
}

#[tokio::test]
async fn echo_answers_the_last_user_item_of_an_input_array() {
    let sim = Simulator::start().await;
    let input = json!([
        {"role": "developer", "content": "Be brief."},
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "first"}]},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "ok"}]},
        {"type": "function_call_output", "call_id": "call_1", "output": "{}"},
        {"role": "user", "content": [
            {"type": "input_text", "text": "a"},
            {"type": "input_image", "image_url": "data:,"},
            {"type": "input_text", "text": "b"},
        ]},
    ]);
    let body = json!({"model": "m", "input": input});
    let object: Value = post_responses(&sim, &body).await.json().await.unwrap();
    assert_eq!(object["output"][0]["content"][0]["text"], "a\nb");
    assert_eq!(object["model"], "m");
    assert_eq!(object["usage"]["output_tokens"], 1);
    assert_eq!(object["usage"]["input_tokens_details"]["cached_tokens"], 0);
}

#[tokio::test]
async fn echo_reasons_for_reasoning_models() {
    let sim = Simulator::start().await;
    let body = json!({"model": "sim-reasoner", "input": "Why?"});
    let object: Value = post_responses(&sim, &body).await.json().await.unwrap();
    let output = object["output"].as_array().unwrap();
    assert_eq!(output[0]["type"], "reasoning");
    assert!(
        output[0]["summary"][0]["text"]
            .as_str()
            .unwrap()
            .contains("4 characters")
    );
    assert_eq!(output[1]["content"][0]["text"], "Why?");
    let reasoning = &object["usage"]["output_tokens_details"]["reasoning_tokens"];
    assert!(reasoning.as_u64().unwrap() > 0);
}

#[tokio::test]
async fn echo_without_user_text_says_hello() {
    let sim = Simulator::start().await;
    let object: Value = post_responses(&sim, &json!({"model": "m", "input": []}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        object["output"][0]["content"][0]["text"],
        oac_testkit::EMPTY_PROMPT_ANSWER
    );
}

#[tokio::test]
async fn the_reference_fixture_is_served_byte_for_byte() {
    let sim = Simulator::start().await;
    sim.push(Reply::raw_sse(fixtures::RESPONSES_REFERENCE_STREAM));
    let text = stream(&sim, &responses_body(true)).await;
    assert_eq!(text, fixtures::RESPONSES_REFERENCE_STREAM);
    let events = typed_events(&text);
    assert_eq!(
        deltas(&events, "response.output_text.delta"),
        fixtures::RESPONSES_REFERENCE_TEXT
    );
}

#[tokio::test]
async fn chat_streams_stay_chat_shaped() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    let text = post_chat(&sim, &chat_body(true))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        chunks(&text)
            .iter()
            .all(|chunk| chunk["object"] == "chat.completion.chunk")
    );
    assert!(!text.contains("event:"));
}
