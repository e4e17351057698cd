//! Rendering a structured reply for one chat request: as SSE chunk events, or as one
//! `chat.completion` JSON body (the Responses API's shapes are in `responses`).

use bytes::Bytes;
use serde_json::Value;

use crate::reply::{FinishReason, Outcome, Script, StreamShape, ToolCall};
use crate::responses::ResponsesRequest;
use crate::sse::{self, Format};
use crate::wire::{
    Chunk, ChunkChoice, Completion, Delta, Envelope, FunctionDelta, FunctionFull, Message,
    ToolCallDelta, ToolCallFull,
};

/// The default number of characters per streamed text delta.
pub(crate) const DEFAULT_TEXT_CHUNK_CHARS: usize = 4;

/// What the reply needs to know about the request it answers.
#[derive(Debug, Clone)]
pub(crate) struct RequestInfo {
    /// `"stream": true` in the body.
    pub(crate) stream: bool,
    /// The body's `model`.
    pub(crate) model: Option<String>,
    /// The request's number, from 1 (chat and Responses requests count apart).
    pub(crate) number: u64,
    /// What a Responses API request asks for; `None` for a chat request.
    pub(crate) responses: Option<ResponsesRequest>,
}

/// One piece of a streamed body.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub(crate) bytes: Bytes,
    /// A data event (counted by faults), not a comment.
    pub(crate) counted: bool,
    /// The `[DONE]` terminator.
    pub(crate) done: bool,
}

impl Event {
    pub(crate) fn data(bytes: Bytes) -> Self {
        Self {
            bytes,
            counted: true,
            done: false,
        }
    }

    fn comment(bytes: Bytes) -> Self {
        Self {
            bytes,
            counted: false,
            done: false,
        }
    }
}

/// The owned values every chunk shares.
pub(crate) struct Ids {
    id: String,
    model: String,
    created: u64,
}

impl Ids {
    pub(crate) fn new(script: &Script, request: &RequestInfo) -> Self {
        Self {
            id: script
                .id
                .clone()
                .unwrap_or_else(|| format!("chatcmpl-sim-{}", request.number)),
            model: script
                .model
                .clone()
                .or_else(|| request.model.clone())
                .unwrap_or_else(|| crate::DEFAULT_MODEL.to_owned()),
            created: script.created.unwrap_or(crate::DEFAULT_CREATED),
        }
    }

    pub(crate) fn envelope<'a>(&'a self, script: &'a Script, minimal: bool) -> Envelope<'a> {
        Envelope {
            id: &self.id,
            created: self.created,
            model: &self.model,
            minimal,
            extra_fields: &script.extra_fields,
        }
    }
}

fn finish_reason(script: &Script) -> Option<&str> {
    match (&script.finish_reason, &script.outcome) {
        (FinishReason::Auto, Outcome::Incomplete(reason)) => Some(match reason.as_str() {
            "max_output_tokens" => "length",
            other => other,
        }),
        (FinishReason::Auto, _) if script.tool_calls.is_empty() => Some("stop"),
        (FinishReason::Auto, _) => Some("tool_calls"),
        (FinishReason::Value(reason), _) => Some(reason),
        (FinishReason::Null, _) => None,
    }
}

/// Splits `text` into pieces of `chars` characters (`0`: one piece). Empty text has
/// no pieces.
pub(crate) fn pieces(text: &str, chars: usize) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    if chars == 0 {
        return vec![text];
    }
    let mut out = Vec::with_capacity(text.len() / chars + 1);
    let mut start = 0;
    for (count, (index, _)) in text.char_indices().enumerate() {
        if count > 0 && count % chars == 0 {
            out.push(&text[start..index]);
            start = index;
        }
    }
    out.push(&text[start..]);
    out
}

/// The SSE events of a structured reply, `[DONE]` included unless turned off.
pub(crate) fn stream_events(
    script: &Script,
    shape: &StreamShape,
    request: &RequestInfo,
) -> Vec<Event> {
    let ids = Ids::new(script, request);
    let envelope = ids.envelope(script, shape.minimal_chunks);
    let format = shape.format;
    let chars = shape.text_chunk_chars.unwrap_or(DEFAULT_TEXT_CHUNK_CHARS);
    let mut writer = EventWriter {
        format,
        envelope: &envelope,
        events: Vec::new(),
    };

    writer.content(script, chars);
    if let Outcome::Failed { code, message } = &script.outcome {
        writer.push(Event::data(chat_error_event(format, code, message)));
        return writer.events;
    }
    writer.finish(script, shape);
    if !shape.without_done {
        writer.push(Event {
            bytes: format.done(),
            counted: true,
            done: true,
        });
    }
    writer.events
}

struct EventWriter<'a> {
    format: Format,
    envelope: &'a Envelope<'a>,
    events: Vec<Event>,
}

/// Adds `event`, after the keep-alive comment the format asks for.
pub(crate) fn push_event(events: &mut Vec<Event>, format: Format, event: Event) {
    if format.keep_alive_comments {
        let text = if events.is_empty() {
            "OPENROUTER PROCESSING"
        } else {
            "keep-alive"
        };
        events.push(Event::comment(format.comment(text)));
    }
    events.push(event);
}

impl EventWriter<'_> {
    /// The reply's deltas: the role, reasoning (both fields), text and tool calls,
    /// each cut into pieces of `chars` characters.
    fn content(&mut self, script: &Script, chars: usize) {
        self.delta(Delta {
            role: Some("assistant"),
            content: Some(""),
            ..Delta::default()
        });
        for piece in pieces(script.reasoning_content.as_deref().unwrap_or(""), chars) {
            self.delta(Delta {
                reasoning_content: Some(piece),
                ..Delta::default()
            });
        }
        for piece in pieces(script.reasoning_field.as_deref().unwrap_or(""), chars) {
            self.delta(Delta {
                reasoning: Some(piece),
                ..Delta::default()
            });
        }
        for piece in pieces(script.text.as_deref().unwrap_or(""), chars) {
            self.delta(Delta {
                content: Some(piece),
                ..Delta::default()
            });
        }
        for (index, call) in script.tool_calls.iter().enumerate() {
            self.tool_call(index, call, chars);
        }
    }

    /// The finish chunk, with the usage where the shape puts it (in it, in
    /// `x_groq`, or in a chunk of its own after it).
    fn finish(&mut self, script: &Script, shape: &StreamShape) {
        let envelope = self.envelope;
        let usage = script.usage.as_ref();
        let separate_usage =
            shape.usage_chunk_with_empty_choices || shape.usage_chunk_with_empty_delta;
        let (final_usage, x_groq_usage) = match usage {
            Some(_) if separate_usage => (None, None),
            Some(_) if shape.usage_in_x_groq => (None, usage),
            _ => (usage, None),
        };
        self.chunk(&Chunk {
            envelope,
            choices: &[ChunkChoice {
                index: 0,
                delta: Delta::default(),
                finish_reason: finish_reason(script),
            }],
            usage: final_usage,
            x_groq_usage,
        });
        if let Some(usage) = usage.filter(|_| separate_usage) {
            let empty_delta = [ChunkChoice {
                index: 0,
                delta: Delta::default(),
                finish_reason: None,
            }];
            let choices: &[ChunkChoice<'_>] = if shape.usage_chunk_with_empty_choices {
                &[]
            } else {
                &empty_delta
            };
            self.chunk(&Chunk {
                envelope,
                choices,
                usage: Some(usage),
                x_groq_usage: None,
            });
        }
    }

    fn push(&mut self, event: Event) {
        push_event(&mut self.events, self.format, event);
    }

    fn chunk(&mut self, chunk: &Chunk<'_>) {
        let bytes = self.format.json_event(chunk);
        self.push(Event::data(bytes));
    }

    fn delta(&mut self, delta: Delta<'_>) {
        let envelope = self.envelope;
        self.chunk(&Chunk {
            envelope,
            choices: &[ChunkChoice {
                index: 0,
                delta,
                finish_reason: None,
            }],
            usage: None,
            x_groq_usage: None,
        });
    }

    fn tool_call(&mut self, index: usize, call: &ToolCall, chars: usize) {
        self.delta(Delta {
            tool_calls: Some([ToolCallDelta {
                index,
                id: Some(&call.id),
                kind: Some("function"),
                function: FunctionDelta {
                    name: Some(&call.name),
                    arguments: "",
                },
            }]),
            ..Delta::default()
        });
        for piece in pieces(&call.arguments, chars) {
            self.delta(Delta {
                tool_calls: Some([ToolCallDelta {
                    index,
                    id: None,
                    kind: None,
                    function: FunctionDelta {
                        name: None,
                        arguments: piece,
                    },
                }]),
                ..Delta::default()
            });
        }
    }
}

/// One content-delta event of exactly `size` bytes when `size` allows (the event with
/// empty content is the minimum).
pub(crate) fn huge_event(
    script: &Script,
    shape: &StreamShape,
    request: &RequestInfo,
    size: usize,
) -> Bytes {
    let ids = Ids::new(script, request);
    let envelope = ids.envelope(script, shape.minimal_chunks);
    // Pretty printing would add indentation per line; a huge event is one line.
    let format = Format {
        multi_line_data: false,
        ..shape.format
    };
    let render = |content: &str| {
        format.json_event(&Chunk {
            envelope: &envelope,
            choices: &[ChunkChoice {
                index: 0,
                delta: Delta {
                    content: Some(content),
                    ..Delta::default()
                },
                finish_reason: None,
            }],
            usage: None,
            x_groq_usage: None,
        })
    };
    let overhead = render("").len();
    render(&"x".repeat(size.saturating_sub(overhead)))
}

/// An event whose data is a chunk cut off mid-way (invalid JSON).
pub(crate) fn malformed_event(format: Format, request: &RequestInfo) -> Bytes {
    let payload = format!(
        r#"{{"id":"chatcmpl-sim-{}","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{{"content":"trunc"#,
        request.number
    );
    Format {
        multi_line_data: false,
        ..format
    }
    .data_event(payload.as_bytes())
}

/// The `chat.completion` body of a structured reply; `content_override` replaces the
/// text (for [`crate::Fault::HugeEvent`]).
pub(crate) fn completion_body(
    script: &Script,
    request: &RequestInfo,
    content_override: Option<&str>,
) -> Bytes {
    let ids = Ids::new(script, request);
    let envelope = ids.envelope(script, false);
    let text = content_override.or(script.text.as_deref());
    let content = match text {
        None if !script.tool_calls.is_empty() => None,
        None => Some(""),
        Some(text) => Some(text),
    };
    let completion = Completion {
        envelope: &envelope,
        message: Message {
            role: "assistant",
            content,
            reasoning_content: script.reasoning_content.as_deref(),
            reasoning: script.reasoning_field.as_deref(),
            tool_calls: script
                .tool_calls
                .iter()
                .map(|call| ToolCallFull {
                    id: &call.id,
                    kind: "function",
                    function: FunctionFull {
                        name: &call.name,
                        arguments: &call.arguments,
                    },
                })
                .collect(),
        },
        finish_reason: finish_reason(script),
        usage: script.usage.as_ref(),
    };
    Bytes::from(sse::to_json(&completion, false))
}

/// A truncated `chat.completion` body (invalid JSON).
pub(crate) fn malformed_completion(request: &RequestInfo) -> Bytes {
    Bytes::from(format!(
        r#"{{"id":"chatcmpl-sim-{}","object":"chat.completion","choices":[{{"index":0,"message":{{"role":"assistant","content":"trunc"#,
        request.number
    ))
}

/// The `event: error` event carrying `data`.
pub(crate) fn error_event(format: Format, data: &Value) -> Bytes {
    format.named_event("error", &sse::to_json(data, false))
}

/// OpenAI's error body for a failure while generating: `{"error":{"message":…,
/// "type":<code>,"param":null,"code":<code>}}`.
pub(crate) fn chat_error_body(code: &str, message: &str) -> String {
    crate::bodies::openai_error(message, code, code)
}

/// OpenAI's mid-stream chat error: `data: {"error":{…}}` (see [`chat_error_body`]).
pub(crate) fn chat_error_event(format: Format, code: &str, message: &str) -> Bytes {
    Format {
        multi_line_data: false,
        ..format
    }
    .data_event(chat_error_body(code, message).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_on_characters_not_bytes() {
        assert_eq!(pieces("héllo wörld", 4), vec!["héll", "o wö", "rld"]);
        assert_eq!(pieces("abc", 0), vec!["abc"]);
        assert!(pieces("", 3).is_empty());
    }

    #[test]
    fn huge_event_has_the_exact_size() {
        let request = RequestInfo {
            stream: true,
            model: None,
            number: 1,
            responses: None,
        };
        let event = huge_event(&Script::default(), &StreamShape::default(), &request, 5000);
        assert_eq!(event.len(), 5000);
    }
}
