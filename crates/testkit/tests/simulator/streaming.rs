//! Structured replies, streamed and not, and how their bytes are written.

use std::time::Duration;

use oac_testkit::{Chunking, LineEnding, Reply, Simulator, fixtures};
use serde_json::json;

use crate::support::{
    chat_body, chunks, delta_text, events, frames, joined, post_chat, stream_text,
};

fn full_reply() -> Reply {
    Reply::new()
        .reasoning_content("Weather?")
        .content("<think>hmm</think>Let me check.")
        .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
        .usage_tokens(10, 5)
        .text_chunk_chars(8)
}

#[tokio::test]
async fn streamed_reply_has_the_openai_shape() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    insta::assert_snapshot!(stream_text(&sim).await);
}

#[tokio::test]
async fn non_streamed_reply_is_one_completion_object() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    insta::assert_snapshot!(response.text().await.unwrap());
}

#[tokio::test]
async fn stream_content_type_is_event_stream() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x"));
    let response = post_chat(&sim, &chat_body(true)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
}

#[tokio::test]
async fn model_comes_from_the_request() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x"));
    let mut body = chat_body(true);
    body["model"] = json!("gpt-4o");
    let text = post_chat(&sim, &body).await.text().await.unwrap();
    assert!(chunks(&text).iter().all(|chunk| chunk["model"] == "gpt-4o"));
}

#[tokio::test]
async fn ids_count_chat_requests() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("a"));
    sim.push(Reply::text("b"));
    let first = stream_text(&sim).await;
    let second = stream_text(&sim).await;
    assert_eq!(chunks(&first)[0]["id"], "chatcmpl-sim-1");
    assert_eq!(chunks(&second)[0]["id"], "chatcmpl-sim-2");
}

#[tokio::test]
async fn text_is_split_into_deltas_of_the_chosen_size() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("abcdefg").text_chunk_chars(3));
    let text = stream_text(&sim).await;
    let pieces: Vec<_> = chunks(&text)
        .iter()
        .filter_map(|chunk| {
            chunk
                .pointer("/choices/0/delta/content")?
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(pieces, ["", "abc", "def", "g"]);
}

#[tokio::test]
async fn reasoning_field_is_streamed_as_delta_reasoning() {
    let sim = Simulator::start().await;
    sim.push(Reply::new().reasoning_field("think think").content("ok"));
    let text = stream_text(&sim).await;
    assert_eq!(delta_text(&text, "reasoning"), "think think");
    assert_eq!(delta_text(&text, "reasoning_content"), "");
    assert_eq!(delta_text(&text, "content"), "ok");
}

#[tokio::test]
async fn tool_call_arguments_reassemble() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .tool_call("call_a", "f", r#"{"a":1}"#)
            .tool_call("call_b", "g", r#"{"b":2}"#)
            .text_chunk_chars(2),
    );
    let text = stream_text(&sim).await;
    let mut arguments = [String::new(), String::new()];
    for chunk in chunks(&text) {
        if let Some(call) = chunk.pointer("/choices/0/delta/tool_calls/0") {
            let index = usize::try_from(call["index"].as_u64().unwrap()).unwrap();
            arguments[index].push_str(call["function"]["arguments"].as_str().unwrap());
        }
    }
    assert_eq!(arguments, [r#"{"a":1}"#, r#"{"b":2}"#]);
    let last = chunks(&text).pop().unwrap();
    assert_eq!(last["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn usage_can_sit_under_x_groq() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("hi").usage_tokens(3, 1).usage_in_x_groq(true));
    let last = chunks(&stream_text(&sim).await).pop().unwrap();
    assert_eq!(last["x_groq"]["usage"]["total_tokens"], 4);
    assert!(last.get("usage").is_none());
}

#[tokio::test]
async fn usage_chunk_can_have_empty_choices() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("hi")
            .usage_tokens(3, 1)
            .usage_chunk_with_empty_choices(true),
    );
    let all = chunks(&stream_text(&sim).await);
    let (usage_chunk, finish_chunk) = (&all[all.len() - 1], &all[all.len() - 2]);
    assert_eq!(usage_chunk["choices"], json!([]));
    assert_eq!(usage_chunk["usage"]["total_tokens"], 4);
    assert_eq!(finish_chunk["choices"][0]["finish_reason"], "stop");
    assert!(finish_chunk.get("usage").is_none());
}

#[tokio::test]
async fn usage_chunk_can_have_an_empty_delta() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("hi")
            .usage_tokens(3, 1)
            .usage_chunk_with_empty_delta(true),
    );
    let usage_chunk = chunks(&stream_text(&sim).await).pop().unwrap();
    assert_eq!(
        usage_chunk["choices"],
        json!([{"index": 0, "delta": {}, "finish_reason": null}])
    );
    assert_eq!(usage_chunk["usage"]["total_tokens"], 4);
}

#[tokio::test]
async fn finish_reason_can_be_empty_null_or_unknown() {
    for (reply, expected) in [
        (Reply::text("x").finish_reason(""), json!("")),
        (Reply::text("x").finish_reason_null(), json!(null)),
        (
            Reply::text("x").finish_reason("eos_token"),
            json!("eos_token"),
        ),
    ] {
        let sim = Simulator::start().await;
        sim.push(reply);
        let last = chunks(&stream_text(&sim).await).pop().unwrap();
        assert_eq!(last["choices"][0]["finish_reason"], expected);
    }
}

#[tokio::test]
async fn minimal_chunks_have_only_choices() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("x")
            .minimal_chunks(true)
            .extra_field("provider", json!("sim")),
    );
    let first = chunks(&stream_text(&sim).await).remove(0);
    assert_eq!(
        first,
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}], "provider": "sim"})
    );
}

#[tokio::test]
async fn stream_can_end_without_done() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").without_done());
    let text = stream_text(&sim).await;
    assert!(!text.contains("[DONE]"));
    assert!(text.ends_with("\"finish_reason\":\"stop\"}]}\n\n"));
}

#[tokio::test]
async fn crlf_and_cr_line_endings_replace_every_lf() {
    let sim = Simulator::start().await;
    sim.push(full_reply());
    sim.push(full_reply().line_ending(LineEnding::CrLf));
    sim.push(full_reply().line_ending(LineEnding::Cr));
    let lf = stream_text(&sim).await;
    let crlf = stream_text(&sim).await;
    let cr = stream_text(&sim).await;
    // Ids differ per request; everything else is the same bytes.
    assert_eq!(crlf.replace("sim-2", "sim-1"), lf.replace('\n', "\r\n"));
    assert_eq!(cr.replace("sim-3", "sim-1"), lf.replace('\n', "\r"));
}

#[tokio::test]
async fn data_prefix_can_lack_the_space() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").data_without_space(true));
    let text = stream_text(&sim).await;
    assert!(
        text.lines()
            .filter(|line| !line.is_empty())
            .all(|line| line.starts_with("data:{") || line == "data:[DONE]")
    );
}

#[tokio::test]
async fn keep_alive_comments_surround_events() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").keep_alive_comments(true));
    let text = stream_text(&sim).await;
    let all = events(&text);
    assert_eq!(all[0], ": OPENROUTER PROCESSING\n\n");
    assert_eq!(all[2], ": keep-alive\n\n");
    assert_eq!(
        all.iter()
            .filter(|event| event.starts_with(": keep-alive"))
            .count(),
        all.len() / 2 - 1
    );
}

#[tokio::test]
async fn multi_line_data_joins_to_the_same_json() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("hello").multi_line_data(true));
    sim.push(Reply::text("hello"));
    let multi = stream_text(&sim).await;
    let single = stream_text(&sim).await;
    let rejoin = |event: &String| -> Option<serde_json::Value> {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|line| line.strip_prefix("data: "))
            .collect();
        let data = data.join("\n");
        (data != "[DONE]").then(|| serde_json::from_str(&data).unwrap())
    };
    let multi_events = events(&multi);
    assert!(multi_events[0].lines().count() > 3);
    let multi: Vec<_> = multi_events.iter().filter_map(rejoin).collect();
    let single: Vec<_> = events(&single).iter().filter_map(rejoin).collect();
    let strip_id = |mut chunk: serde_json::Value| {
        chunk["id"] = json!(null);
        chunk
    };
    assert_eq!(
        multi.into_iter().map(strip_id).collect::<Vec<_>>(),
        single.into_iter().map(strip_id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn per_event_chunking_never_merges_events_in_one_write() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("abcdefgh")
            .text_chunk_chars(1)
            .delay(Duration::from_millis(2)),
    );
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_none());
    let body = joined(&received);
    let boundaries: Vec<usize> = events(&body)
        .iter()
        .scan(0, |end, event| {
            *end += event.len();
            Some(*end)
        })
        .collect();
    let mut offset = 0;
    for frame in &received {
        let next = boundaries.iter().find(|end| **end > offset).unwrap();
        assert!(
            offset + frame.len() <= *next,
            "a frame crosses an event boundary"
        );
        offset += frame.len();
    }
}

#[tokio::test]
async fn byte_chunking_writes_at_most_n_bytes_at_a_time() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("héllo wörld").chunking(Chunking::Bytes(7)));
    sim.push(Reply::text("héllo wörld"));
    let (received, error) = frames(post_chat(&sim, &chat_body(true)).await).await;
    assert!(error.is_none());
    assert!(received.iter().all(|frame| frame.len() <= 7));
    let whole = stream_text(&sim).await;
    assert_eq!(joined(&received).replace("sim-1", "sim-2"), whole);
}

#[tokio::test]
async fn single_chunking_gives_the_same_bytes() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("same").chunking(Chunking::Single));
    sim.push(Reply::text("same"));
    let single = stream_text(&sim).await;
    assert_eq!(single.replace("sim-1", "sim-2"), stream_text(&sim).await);
}

#[tokio::test]
async fn raw_sse_is_written_verbatim() {
    let sim = Simulator::start().await;
    let raw = "data:{\"choices\":[]}\r\n\r\n: ping\r\n\r\nevent: message\ndata: {\"a\":\ndata: 1}\n\ndata: [DONE]\r\r";
    sim.push(Reply::raw_sse(raw).chunking(Chunking::Bytes(5)));
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.text().await.unwrap(), raw);
}

#[tokio::test]
async fn raw_sse_fixture_streams_whole() {
    let sim = Simulator::builder()
        .default_reply(Reply::raw_sse(fixtures::long_stream(2_000)))
        .start()
        .await;
    for _ in 0..2 {
        let text = stream_text(&sim).await;
        assert_eq!(text.as_bytes(), &fixtures::long_stream(2_000)[..]);
        assert_eq!(
            delta_text(&text, "content"),
            fixtures::long_stream_text(2_000)
        );
    }
}

#[tokio::test]
async fn delay_spaces_writes() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("abc")
            .text_chunk_chars(1)
            .delay(Duration::from_millis(15)),
    );
    let started = std::time::Instant::now();
    let text = stream_text(&sim).await;
    // role, 3 deltas, finish, [DONE]: 6 writes, 5 pauses.
    assert_eq!(events(&text).len(), 6);
    assert!(started.elapsed() >= Duration::from_millis(75));
}
