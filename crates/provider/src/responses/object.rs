//! A Responses API `response` object read into the chat wire types: output items
//! become one choice's message (text, reasoning summary, function calls), `status`
//! and `incomplete_details` the finish reason, `error` the provider error, and
//! reasoning items [`ReasoningItem`]s.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::response::ReasoningItem;
use crate::wire::{WireChoice, WireMessage, WireResponse, WireToolCall};

/// The fields of a `response` object this crate reads; the rest stay in `extra`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ResponseObject {
    pub(crate) id: Option<String>,
    pub(crate) model: Option<String>,
    pub(crate) created_at: Option<Value>,
    pub(crate) status: Option<String>,
    pub(crate) output: Vec<OutputItem>,
    pub(crate) usage: Option<Box<RawValue>>,
    pub(crate) error: Option<Value>,
    pub(crate) incomplete_details: Option<Value>,
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
}

/// One output item (message, reasoning, function call, or a kind this crate does
/// not read, kept whole).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct OutputItem {
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) id: Option<String>,
    /// Message parts (`output_text`, `refusal`) or reasoning text parts.
    pub(crate) content: Vec<Value>,
    /// Reasoning summary parts.
    pub(crate) summary: Vec<Value>,
    pub(crate) encrypted_content: Option<String>,
    pub(crate) call_id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) arguments: Option<Value>,
    #[serde(flatten)]
    pub(crate) rest: Map<String, Value>,
}

/// Fields of a `response` object the reply is made of (not kept in `extra`).
const READ: [&str; 2] = ["object", "output_text"];

impl ResponseObject {
    /// The finish reason its status implies, or `None` while it is in progress.
    /// A failed response has none: its `error` is the provider's error.
    pub(crate) fn finish_reason(&self, called_tools: bool) -> Option<String> {
        match self.status.as_deref() {
            Some("incomplete") => Some(incomplete_reason(self.incomplete_details.as_ref())),
            Some("completed") | None if called_tools => Some("tool_calls".to_owned()),
            Some("completed") | None => Some("stop".to_owned()),
            Some("failed" | "cancelled") => self
                .error
                .is_none()
                .then(|| self.status.clone().unwrap_or_default()),
            Some(_) => None,
        }
    }

    /// The error object of a failed response, as chat bodies carry it
    /// (`{"code":…,"message":…}`), with a status of its own when it has none.
    pub(crate) fn failure(&self) -> Option<Value> {
        if self.status.as_deref() != Some("failed") && self.error.is_none() {
            return None;
        }
        let mut error = match &self.error {
            Some(Value::Object(map)) => map.clone(),
            Some(other) => Map::from_iter([("message".to_owned(), other.clone())]),
            None => Map::from_iter([(
                "message".to_owned(),
                Value::String("the response failed and the server said no more".into()),
            )]),
        };
        error
            .entry("type")
            .or_insert_with(|| Value::String("response_failed".into()));
        Some(Value::Object(error))
    }

    /// The whole object as one chat completion (`message` with every output), and
    /// its reasoning items.
    pub(crate) fn into_wire(self) -> (WireResponse, Vec<ReasoningItem>) {
        let mut message = WireMessage::default();
        let mut items = Vec::new();
        let mut calls = 0u32;
        for item in self.output.iter() {
            calls += u32::from(add_item(item, &mut message, &mut items, calls));
        }
        let error = self.failure();
        // A failed response is its error, whatever output it has.
        let choices = match error {
            Some(_) => Vec::new(),
            None => vec![WireChoice {
                index: 0,
                message,
                finish_reason: self.finish_reason(calls > 0),
                usage: None,
                extra: Map::new(),
                message_read: true,
            }],
        };
        let mut extra = self.extra;
        for key in READ {
            extra.remove(key);
        }
        // Request parameters echoed as `null` say nothing.
        extra.retain(|_, value| !value.is_null());
        let wire = WireResponse {
            id: self.id,
            object: Some("response".to_owned()),
            created: self.created_at.as_ref().and_then(Value::as_u64),
            model: self.model,
            choices,
            usage: self.usage,
            error,
            extra,
            ..WireResponse::default()
        };
        (wire, items)
    }
}

/// Adds one output item to `message`; true when it was a function call (the
/// `index`-th).
fn add_item(
    item: &OutputItem,
    message: &mut WireMessage,
    items: &mut Vec<ReasoningItem>,
    index: u32,
) -> bool {
    match item.kind.as_str() {
        "message" => {
            for part in &item.content {
                match part.get("type").and_then(Value::as_str) {
                    Some("refusal") => {
                        let text = part.get("refusal").cloned().unwrap_or(Value::Null);
                        crate::assemble::merge_extra(
                            &mut message.extra,
                            Map::from_iter([("refusal".to_owned(), text)]),
                        );
                    }
                    _ => {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            append(&mut message.content, text);
                        }
                        if let Some(notes) = part.get("annotations").filter(|a| is_non_empty(a)) {
                            crate::assemble::merge_extra(
                                &mut message.extra,
                                Map::from_iter([("annotations".to_owned(), notes.clone())]),
                            );
                        }
                    }
                }
            }
            false
        }
        "reasoning" => {
            let reasoning = reasoning_item(item);
            let text = reasoning.summary.join("\n\n");
            let raw = texts(&item.content).join("");
            for text in [text, raw] {
                if !text.is_empty() {
                    append(&mut message.reasoning_content, &text);
                }
            }
            items.push(reasoning);
            false
        }
        "function_call" => {
            message.tool_calls.push(WireToolCall {
                index: Some(index),
                id: item.call_id.clone().or_else(|| item.id.clone()),
                name: item.name.clone(),
                arguments: Some(arguments_text(item.arguments.as_ref())),
            });
            true
        }
        other => {
            // Output of hosted tools (web search, file search…): kept, by type.
            let mut whole = item.rest.clone();
            if let Some(id) = &item.id {
                whole.insert("id".into(), Value::String(id.clone()));
            }
            crate::assemble::merge_extra(
                &mut message.extra,
                Map::from_iter([(other.to_owned(), Value::Array(vec![Value::Object(whole)]))]),
            );
            false
        }
    }
}

/// A reasoning output item as the caller keeps it.
pub(crate) fn reasoning_item(item: &OutputItem) -> ReasoningItem {
    ReasoningItem {
        id: item.id.clone(),
        encrypted_content: item.encrypted_content.clone(),
        summary: texts(&item.summary),
    }
}

/// The `text` of each part.
fn texts(parts: &[Value]) -> Vec<String> {
    parts
        .iter()
        .filter_map(|part| part.get("text").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Arguments as JSON text (some servers send an object).
pub(crate) fn arguments_text(arguments: Option<&Value>) -> String {
    match arguments {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The chat finish reason of `incomplete_details.reason`.
pub(crate) fn incomplete_reason(details: Option<&Value>) -> String {
    match details
        .and_then(|d| d.get("reason"))
        .and_then(Value::as_str)
    {
        Some("max_output_tokens") => "length".to_owned(),
        Some("content_filter") => "content_filter".to_owned(),
        Some(other) => other.to_owned(),
        None => "length".to_owned(),
    }
}

fn append(slot: &mut Option<String>, text: &str) {
    match slot {
        Some(existing) => existing.push_str(text),
        None => *slot = Some(text.to_owned()),
    }
}

fn is_non_empty(value: &Value) -> bool {
    !matches!(value, Value::Array(a) if a.is_empty()) && !value.is_null()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> (WireResponse, Vec<ReasoningItem>) {
        serde_json::from_str::<ResponseObject>(json)
            .unwrap()
            .into_wire()
    }

    #[test]
    fn a_completed_response_is_one_message() {
        let (wire, items) = read(
            r#"{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-5",
                "output":[
                  {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"gAAA"},
                  {"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Hi","annotations":[]}]},
                  {"type":"function_call","id":"fc_1","call_id":"call_1","name":"f","arguments":"{\"a\":1}"}
                ],
                "usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":1},"output_tokens":7,"output_tokens_details":{"reasoning_tokens":3},"total_tokens":12},
                "service_tier":"default"}"#,
        );
        assert_eq!(wire.id.as_deref(), Some("resp_1"));
        assert_eq!(wire.created, Some(1_741_476_542));
        let choice = &wire.choices[0];
        assert_eq!(choice.message.content.as_deref(), Some("Hi"));
        assert_eq!(choice.message.reasoning_content.as_deref(), Some("Think."));
        assert_eq!(choice.message.tool_calls[0].id.as_deref(), Some("call_1"));
        assert_eq!(choice.finish_reason.as_deref(), Some("tool_calls"));
        assert_eq!(items[0].encrypted_content.as_deref(), Some("gAAA"));
        assert_eq!(items[0].summary, ["Think."]);
        assert!(wire.usage.is_some());
        assert_eq!(
            wire.extra.get("service_tier"),
            Some(&Value::from("default"))
        );
        assert!(!wire.extra.contains_key("object"));
    }

    #[test]
    fn incomplete_reasons_become_finish_reasons() {
        let (wire, _) = read(
            r#"{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}"#,
        );
        assert_eq!(wire.choices[0].finish_reason.as_deref(), Some("length"));
        let (wire, _) = read(
            r#"{"status":"incomplete","incomplete_details":{"reason":"content_filter"},"output":[]}"#,
        );
        assert_eq!(
            wire.choices[0].finish_reason.as_deref(),
            Some("content_filter")
        );
    }

    #[test]
    fn a_failed_response_carries_its_error() {
        let (wire, _) = read(
            r#"{"status":"failed","error":{"code":"rate_limit_exceeded","message":"slow down"},"output":[]}"#,
        );
        let error = wire.error.unwrap();
        assert_eq!(error["code"], "rate_limit_exceeded");
        assert!(wire.choices.is_empty());
    }
}
