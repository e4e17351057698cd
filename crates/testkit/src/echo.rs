//! The reply used when no reply is queued: an echo of the prompt.

use serde_json::Value;

use crate::recording::RecordedRequest;
use crate::reply::Reply;

/// What the echo says when the request has no user text.
pub const EMPTY_PROMPT_ANSWER: &str = "Hello from the oac simulator.";

/// The default reply for a chat request: the text of the last `user` message, verbatim
/// (its text parts joined with `\n`; [`EMPTY_PROMPT_ANSWER`] when there is none), with
/// usage estimated at one token per four characters. When the request's model name
/// contains `reason`, a short `reasoning_content` comes first and is counted as
/// reasoning tokens.
///
/// Build on it to keep the echo but change its delivery:
///
/// ```
/// use std::time::Duration;
/// use oac_testkit::{Simulator, echo_reply};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let sim = Simulator::builder()
///     .default_reply_with(|request| echo_reply(request).delay(Duration::from_millis(20)))
///     .start()
///     .await;
/// # drop(sim);
/// # });
/// ```
pub fn echo_reply(request: &RecordedRequest) -> Reply {
    let body = request.body.as_ref();
    let messages = body
        .and_then(|body| body.get("messages"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let prompt = messages
        .iter()
        .rev()
        .find(|message| message.get("role").and_then(Value::as_str) == Some("user"))
        .map(|message| content_text(message.get("content")))
        .filter(|text| !text.is_empty());
    let text = prompt.unwrap_or_else(|| EMPTY_PROMPT_ANSWER.to_owned());

    let prompt_tokens: u64 = messages
        .iter()
        .map(|message| tokens(&content_text(message.get("content"))) + 3)
        .sum::<u64>()
        + 3;
    let model = body
        .and_then(|body| body.get("model"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let reasoning = model.to_ascii_lowercase().contains("reason").then(|| {
        format!(
            "The user wrote {} characters; I will echo them back.",
            text.chars().count()
        )
    });
    let reasoning_tokens = reasoning.as_deref().map_or(0, tokens);
    let completion_tokens = tokens(&text) + reasoning_tokens;

    let mut usage = serde_json::json!({
        "completion_tokens": completion_tokens,
        "prompt_tokens": prompt_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    });
    let mut reply = Reply::text(text);
    if let Some(reasoning) = reasoning {
        usage["completion_tokens_details"] =
            serde_json::json!({ "reasoning_tokens": reasoning_tokens });
        reply = reply.reasoning_content(reasoning);
    }
    reply.usage(usage)
}

/// The text of a message `content`: a string, or the `text` of its parts.
fn content_text(content: Option<&Value>) -> String {
    match content {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// One token per four characters, rounded up.
fn tokens(text: &str) -> u64 {
    u64::try_from(text.chars().count().div_ceil(4)).unwrap_or(u64::MAX)
}
