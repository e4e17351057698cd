//! Realistic response bodies built in memory, for benchmarks and decoder tests, and a
//! recorded Responses API stream ([`RESPONSES_REFERENCE_STREAM`]).

use std::io::Write as _;

use bytes::Bytes;

/// Words the long stream cycles through: ASCII, accented Latin, CJK and an emoji, so
/// decoders meet multi-byte UTF-8 and JSON escapes on every lap.
const WORDS: [&str; 12] = [
    "The ",
    "quick ",
    "brown ",
    "fox ",
    "jumps ",
    "over ",
    "the ",
    "lazy ",
    "dog—",
    "café ",
    "日本語 ",
    "\"quoted\"\n🙂 ",
];

/// A streamed chat completion of `chunks` text deltas, as OpenAI writes it: a role
/// chunk, `chunks` content chunks, a chunk with `finish_reason: "stop"`, a usage chunk
/// with `choices: []`, then `data: [DONE]`. Every event ends with a blank line (`\n\n`).
///
/// ```
/// let body = oac_testkit::fixtures::long_stream(3);
/// let text = std::str::from_utf8(&body).unwrap();
/// assert_eq!(text.matches("data: ").count(), 3 + 4);
/// assert!(text.ends_with("data: [DONE]\n\n"));
/// ```
#[must_use]
pub fn long_stream(chunks: usize) -> Bytes {
    const HEAD: &str = r#"{"id":"chatcmpl-sim-long","object":"chat.completion.chunk","created":1700000000,"model":"sim-model","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":"#;
    let mut out = Vec::with_capacity(200 * (chunks + 4));
    // Writing into a Vec cannot fail.
    let _ = write!(
        out,
        "data: {HEAD}{{\"role\":\"assistant\",\"content\":\"\"}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n"
    );
    let mut completion_chars = 0usize;
    for index in 0..chunks {
        let word = WORDS[index % WORDS.len()];
        completion_chars += word.chars().count();
        let content = serde_json::Value::from(word).to_string();
        let _ = write!(
            out,
            "data: {HEAD}{{\"content\":{content}}},\"logprobs\":null,\"finish_reason\":null}}]}}\n\n"
        );
    }
    let _ = write!(
        out,
        "data: {HEAD}{{}},\"logprobs\":null,\"finish_reason\":\"stop\"}}]}}\n\n"
    );
    let completion_tokens = completion_chars.div_ceil(4);
    let _ = write!(
        out,
        "data: {{\"id\":\"chatcmpl-sim-long\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"sim-model\",\"system_fingerprint\":\"fp_sim\",\"choices\":[],\"usage\":{{\"prompt_tokens\":12,\"completion_tokens\":{completion_tokens},\"total_tokens\":{}}}}}\n\n",
        12 + completion_tokens
    );
    out.extend_from_slice(b"data: [DONE]\n\n");
    Bytes::from(out)
}

/// The text [`long_stream`] with this many chunks carries, for asserting a decoder
/// reassembled it exactly.
#[must_use]
pub fn long_stream_text(chunks: usize) -> String {
    (0..chunks)
        .map(|index| WORDS[index % WORDS.len()])
        .collect()
}

/// A streamed OpenAI Responses API reply with all three kinds of output item: a
/// reasoning item with one summary part, a message, and a `get_weather` function call,
/// then `response.completed` with the whole `output` and `usage`. Serve it with
/// [`Reply::raw_sse`](crate::Reply::raw_sse):
///
/// ```
/// use oac_testkit::{Reply, fixtures};
///
/// let reply = Reply::raw_sse(fixtures::RESPONSES_REFERENCE_STREAM);
/// # let _ = reply;
/// assert!(fixtures::RESPONSES_REFERENCE_STREAM.starts_with("event: response.created\n"));
/// ```
///
/// Where it comes from: the events are the OpenAI API reference's own examples,
/// joined into one stream (OpenAI publishes no single recording with all three
/// items). From the API reference (`openai/openai-openapi`, `openapi.yaml`):
/// `response.created`, `response.in_progress`, the message's events and
/// `response.completed` are the "Streaming" example of `POST /responses` (ids, model,
/// text, and the response object field for field); the reasoning item's events are the
/// examples of `response.reasoning_summary_part.added`/`.done` and
/// `response.reasoning_summary_text.delta`/`.done`; the `usage` is that of the
/// "Reasoning" example. The function call's events are the "Streaming" example of the
/// function-calling guide (`fc_1234xyz`, `call_1234xyz`, the seven argument deltas).
/// Changed to make one consistent stream: sequence numbers counted from 0 and output
/// indexes 0-2; the examples' elided message deltas (`"Hi"` then `...`) spelled out
/// and the one summary delta split in two; the guide's `response_id` fields dropped
/// and its `call_2345abc` typo in `response.output_item.done` made `call_1234xyz`;
/// `name` added to `response.function_call_arguments.done` (the schema requires it);
/// `response.completed` lists the three items.
pub const RESPONSES_REFERENCE_STREAM: &str = include_str!("fixtures/responses_reference.sse");

/// The message text of [`RESPONSES_REFERENCE_STREAM`].
pub const RESPONSES_REFERENCE_TEXT: &str = "Hi there! How can I assist you today?";

/// The reasoning summary text of [`RESPONSES_REFERENCE_STREAM`].
pub const RESPONSES_REFERENCE_SUMMARY: &str = "**Responding to a greeting**\n\nThe user just said, \"Hello!\" So, it seems I need to engage. I'll greet them back and offer help since they're looking to chat. I could say something like, \"Hello! How can I assist you today?\" That feels friendly and open. They didn't ask a specific question, so this approach will work well for starting a conversation. Let's see where it goes from there!";

/// The function call of [`RESPONSES_REFERENCE_STREAM`]: `(call_id, name, arguments)`.
pub const RESPONSES_REFERENCE_CALL: (&str, &str, &str) = (
    "call_1234xyz",
    "get_weather",
    r#"{"location":"Paris, France"}"#,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_is_valid_json_and_text_reassembles() {
        let body = long_stream(30);
        let text = std::str::from_utf8(&body).unwrap();
        let mut content = String::new();
        let mut events = 0;
        for event in text.split("\n\n").filter(|event| !event.is_empty()) {
            events += 1;
            let data = event.strip_prefix("data: ").unwrap();
            if data == "[DONE]" {
                continue;
            }
            let chunk: serde_json::Value = serde_json::from_str(data).unwrap();
            if let Some(piece) = chunk
                .pointer("/choices/0/delta/content")
                .and_then(|v| v.as_str())
            {
                content.push_str(piece);
            }
        }
        assert_eq!(events, 30 + 4);
        assert_eq!(content, long_stream_text(30));
    }

    /// The `(event name, data)` of each event of an LF stream.
    fn named_events(body: &str) -> Vec<(&str, serde_json::Value)> {
        body.split_terminator("\n\n")
            .map(|event| {
                let (name, data) = event.split_once('\n').unwrap();
                let name = name.strip_prefix("event: ").unwrap();
                let data = data.strip_prefix("data: ").unwrap();
                (name, serde_json::from_str(data).unwrap())
            })
            .collect()
    }

    #[test]
    fn the_responses_reference_stream_is_one_consistent_stream() {
        let events = named_events(RESPONSES_REFERENCE_STREAM);
        let (mut text, mut summary, mut arguments) = (String::new(), String::new(), String::new());
        for (index, (name, data)) in events.iter().enumerate() {
            assert_eq!(data["type"], *name);
            assert_eq!(data["sequence_number"], index);
            let delta = data["delta"].as_str().unwrap_or("");
            match *name {
                "response.output_text.delta" => text.push_str(delta),
                "response.reasoning_summary_text.delta" => summary.push_str(delta),
                "response.function_call_arguments.delta" => arguments.push_str(delta),
                _ => {}
            }
        }
        let (call_id, name, expected_arguments) = RESPONSES_REFERENCE_CALL;
        assert_eq!(text, RESPONSES_REFERENCE_TEXT);
        assert_eq!(summary, RESPONSES_REFERENCE_SUMMARY);
        assert_eq!(arguments, expected_arguments);
        let (last, completed) = events.last().unwrap();
        assert_eq!(*last, "response.completed");
        let output = &completed["response"]["output"];
        assert_eq!(output[0]["summary"][0]["text"], RESPONSES_REFERENCE_SUMMARY);
        assert_eq!(output[1]["content"][0]["text"], RESPONSES_REFERENCE_TEXT);
        assert_eq!(output[2]["call_id"], call_id);
        assert_eq!(output[2]["name"], name);
        assert_eq!(output[2]["arguments"], expected_arguments);
        assert_eq!(completed["response"]["usage"]["total_tokens"], 1116);
    }

    #[test]
    fn usage_counts_the_text() {
        let body = long_stream(4);
        let text = std::str::from_utf8(&body).unwrap();
        // "The quick brown fox " is 20 characters: 5 tokens.
        assert!(
            text.contains(
                r#""usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}"#
            )
        );
    }
}
