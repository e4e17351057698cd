//! Realistic response bodies built in memory, for benchmarks and decoder tests.

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
