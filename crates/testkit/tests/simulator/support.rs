//! Helpers shared by the simulator tests.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use oac_testkit::Simulator;
use serde_json::{Value, json};

/// A client with no connection reuse between tests and a safety timeout.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A minimal chat body.
pub fn chat_body(stream: bool) -> Value {
    json!({
        "model": "sim-model",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": stream,
    })
}

/// POSTs `body` to the simulator's chat endpoint.
pub async fn post_chat(sim: &Simulator, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/chat/completions", sim.base_url()))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A streamed chat request's body as text.
pub async fn stream_text(sim: &Simulator) -> String {
    post_chat(sim, &chat_body(true)).await.text().await.unwrap()
}

/// The body frames as the client received them, and the error that ended the body
/// early, if any.
pub async fn frames(response: reqwest::Response) -> (Vec<Bytes>, Option<reqwest::Error>) {
    let mut stream = response.bytes_stream();
    let mut frames = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(bytes) => frames.push(bytes),
            Err(error) => return (frames, Some(error)),
        }
    }
    (frames, None)
}

/// Concatenates frames into text.
pub fn joined(frames: &[Bytes]) -> String {
    String::from_utf8(frames.concat()).unwrap()
}

/// The SSE events of an LF body, blank line included.
pub fn events(body: &str) -> Vec<String> {
    body.split_inclusive("\n\n").map(str::to_owned).collect()
}

/// The JSON of each `data:` event (skipping `[DONE]`).
pub fn chunks(body: &str) -> Vec<Value> {
    events(body)
        .iter()
        .filter_map(|event| event.strip_prefix("data: "))
        .map(str::trim_end)
        .filter(|data| *data != "[DONE]")
        .map(|data| serde_json::from_str(data).unwrap())
        .collect()
}

/// The concatenated `delta.<field>` of streamed chunks.
pub fn delta_text(body: &str, field: &str) -> String {
    chunks(body)
        .iter()
        .filter_map(|chunk| {
            chunk
                .pointer(&format!("/choices/0/delta/{field}"))?
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

/// A minimal Responses API body.
pub fn responses_body(stream: bool) -> Value {
    json!({"model": "sim-model", "input": "Hi", "stream": stream})
}

/// POSTs `body` to the simulator's Responses endpoint.
pub async fn post_responses(sim: &Simulator, body: &Value) -> reqwest::Response {
    client()
        .post(format!("{}/responses", sim.base_url()))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The `(event name, data)` of each event of an LF Responses stream; every event has
/// one `event:` line and one `data:` line.
pub fn typed_events(body: &str) -> Vec<(String, Value)> {
    events(body)
        .iter()
        .map(|event| {
            let (name, data) = event.trim_end().split_once('\n').unwrap();
            let name = name.strip_prefix("event: ").unwrap();
            let data = data.strip_prefix("data: ").unwrap();
            (name.to_owned(), serde_json::from_str(data).unwrap())
        })
        .collect()
}

/// The concatenated `delta` of the events of this type.
pub fn deltas(events: &[(String, Value)], kind: &str) -> String {
    events
        .iter()
        .filter(|(name, _)| name == kind)
        .map(|(_, data)| data["delta"].as_str().unwrap().to_owned())
        .collect()
}
