//! The reply used when no reply is queued: an echo of the prompt.

use serde_json::Value;

use crate::recording::RecordedRequest;
use crate::reply::Reply;

/// What the echo says when the request has no user text.
pub const EMPTY_PROMPT_ANSWER: &str = "Hello from the oac simulator.";

/// The default reply for a chat or Responses request: the text of the last `user`
/// message, verbatim (its text parts joined with `\n`; [`EMPTY_PROMPT_ANSWER`] when
/// there is none), with usage estimated at one token per four characters. When the
/// request's model name contains `reason`, a short `reasoning_content` comes first and
/// is counted as reasoning tokens (a reasoning summary on the Responses API).
///
/// A chat request's messages are its `messages`; a Responses request's are its
/// `input` (a string is one user message; an array holds items with `role` and
/// `content`, a string or `input_text` parts) after its `instructions`.
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
    let messages = if request.is_responses() {
        responses_messages(body)
    } else {
        chat_messages(body)
    };
    let prompt = messages
        .iter()
        .rev()
        .find(|message| message.role == Some("user"))
        .map(|message| message.text.clone())
        .filter(|text| !text.is_empty());
    let text = prompt.unwrap_or_else(|| EMPTY_PROMPT_ANSWER.to_owned());

    let prompt_tokens: u64 = messages
        .iter()
        .map(|message| tokens(&message.text) + 3)
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

/// One message of the prompt: its role, when it has one, and its text.
struct PromptMessage<'a> {
    role: Option<&'a str>,
    text: String,
}

/// The `messages` of a chat body.
fn chat_messages(body: Option<&Value>) -> Vec<PromptMessage<'_>> {
    body.and_then(|body| body.get("messages"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|message| PromptMessage {
            role: message.get("role").and_then(Value::as_str),
            text: content_text(message.get("content")),
        })
        .collect()
}

/// The `instructions` and `input` of a Responses body, as messages.
fn responses_messages(body: Option<&Value>) -> Vec<PromptMessage<'_>> {
    let mut messages = Vec::new();
    if let Some(instructions) = body
        .and_then(|body| body.get("instructions"))
        .and_then(Value::as_str)
    {
        messages.push(PromptMessage {
            role: Some("developer"),
            text: instructions.to_owned(),
        });
    }
    match body.and_then(|body| body.get("input")) {
        Some(Value::String(text)) => messages.push(PromptMessage {
            role: Some("user"),
            text: text.clone(),
        }),
        Some(Value::Array(items)) => messages.extend(items.iter().map(|item| PromptMessage {
            role: item.get("role").and_then(Value::as_str),
            text: content_text(item.get("content")),
        })),
        _ => {}
    }
    messages
}

/// The text of a message `content`: a string, or the `text` of its parts (`text`,
/// `input_text`, `output_text`).
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
