//! The Responses API's typed stream events as chat chunks: text, reasoning summary
//! (and raw reasoning text) and function-call argument deltas become the deltas
//! the assembler reads; `response.completed` / `response.incomplete` the finish
//! reason and usage; `response.failed` and `error` the provider's error; complete
//! reasoning items [`StreamEvent::Reasoning`]. Event types this crate does not read
//! are handed on as [`StreamEvent::Extra`] under their type, never an error.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::object::{OutputItem, ResponseObject, arguments_text, reasoning_item};
use crate::response::{ReasoningItem, StreamEvent};
use crate::wire::{WireChoice, WireMessage, WireResponse, WireToolCall};

/// Output items whose function-call index is remembered, at most: past it the
/// stream is refused as too large (a server cannot grow this without bound).
const MAX_TRACKED_ITEMS: usize = 4096;

/// One event: the fields the deltas carry are borrowed; items and responses stay
/// raw until an event that needs them is read.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    delta: Option<Cow<'a, str>>,
    #[serde(default)]
    output_index: Option<u64>,
    #[serde(default)]
    summary_index: Option<u64>,
    #[serde(borrow, default)]
    item: Option<&'a RawValue>,
    #[serde(borrow, default)]
    response: Option<&'a RawValue>,
}

/// What one event asks of the decoder.
pub(crate) enum Step {
    /// Nothing (an event with nothing to hand on).
    Nothing,
    /// A chunk for the assembler.
    Chunk(WireResponse),
    /// An event to queue as is (after the assembler's limits counted it).
    Event(StreamEvent),
    /// The stream ended properly; the chunk carries the finish reason and usage
    /// (and, when nothing was streamed, the whole output and its reasoning items).
    End(WireResponse, Vec<ReasoningItem>),
    /// The provider reported an error (`{"code":…,"message":…}`).
    Failed(Value),
    /// More output items than [`MAX_TRACKED_ITEMS`].
    TooManyItems(usize),
}

/// What the translation remembers between events.
#[derive(Debug, Default)]
pub(crate) struct Translator {
    /// `(output_index, tool-call index, arguments seen)` of function-call items.
    calls: Vec<(u64, u32, bool)>,
    /// Output indexes of message items whose text arrived as deltas.
    texted: Vec<u64>,
    /// Whether any delta (text, reasoning, arguments) arrived.
    streamed: bool,
}

impl Translator {
    /// Reads one event's data.
    pub(crate) fn step(&mut self, data: &str) -> Result<Step, serde_json::Error> {
        let event: Event<'_> = serde_json::from_str(data)?;
        Ok(match event.kind.as_ref() {
            "response.output_text.delta" => {
                if let Some(index) = event.output_index
                    && !self.texted.contains(&index)
                {
                    if self.texted.len() >= MAX_TRACKED_ITEMS {
                        return Ok(Step::TooManyItems(MAX_TRACKED_ITEMS));
                    }
                    self.texted.push(index);
                }
                self.delta(event.delta, |m, t| m.content = Some(t))
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                self.delta(event.delta, |m, t| m.reasoning_content = Some(t))
            }
            "response.reasoning_summary_part.added" if event.summary_index.unwrap_or(0) > 0 => {
                // Parts of one summary are paragraphs.
                chunk(message(|m| m.reasoning_content = Some("\n\n".to_owned())))
            }
            "response.function_call_arguments.delta" => self.arguments(&event),
            "response.output_item.added" => self.item_added(&event)?,
            "response.output_item.done" => self.item_done(&event)?,
            "response.created" | "response.in_progress" => match event.response {
                Some(raw) => chunk(metadata(serde_json::from_str(raw.get())?)),
                None => Step::Nothing,
            },
            "response.completed" | "response.incomplete" | "response.failed" => {
                self.terminal(event.response)?
            }
            "error" => Step::Failed(serde_json::from_str(data)?),
            "response.refusal.delta" => match event.delta {
                Some(text) => Step::Event(extra("refusal", Value::String(text.into_owned()))),
                None => Step::Nothing,
            },
            "response.output_text.annotation.added" => {
                let value: Value = serde_json::from_str(data)?;
                match value.get("annotation") {
                    Some(note) => {
                        Step::Event(extra("annotations", Value::Array(vec![note.clone()])))
                    }
                    None => Step::Nothing,
                }
            }
            kind if is_bookkeeping(kind) => Step::Nothing,
            kind => Step::Event(extra(kind, serde_json::from_str(data)?)),
        })
    }

    fn delta(
        &mut self,
        delta: Option<Cow<'_, str>>,
        set: impl FnOnce(&mut WireMessage, String),
    ) -> Step {
        match delta.filter(|d| !d.is_empty()) {
            Some(text) => {
                self.streamed = true;
                chunk(message(|m| set(m, text.into_owned())))
            }
            None => Step::Nothing,
        }
    }

    fn arguments(&mut self, event: &Event<'_>) -> Step {
        let Some(delta) = event.delta.as_deref().filter(|d| !d.is_empty()) else {
            return Step::Nothing;
        };
        let Some(call) = self
            .calls
            .iter_mut()
            .find(|(at, _, _)| Some(*at) == event.output_index)
        else {
            return Step::Nothing;
        };
        call.2 = true;
        self.streamed = true;
        chunk(message(|m| {
            m.tool_calls.push(WireToolCall {
                index: Some(call.1),
                id: None,
                name: None,
                arguments: Some(delta.to_owned()),
            });
        }))
    }

    fn item_added(&mut self, event: &Event<'_>) -> Result<Step, serde_json::Error> {
        let Some(raw) = event.item else {
            return Ok(Step::Nothing);
        };
        let item: OutputItem = serde_json::from_str(raw.get())?;
        if item.kind != "function_call" {
            return Ok(Step::Nothing);
        }
        if self.calls.len() >= MAX_TRACKED_ITEMS {
            return Ok(Step::TooManyItems(MAX_TRACKED_ITEMS));
        }
        let index = u32::try_from(self.calls.len()).unwrap_or(u32::MAX);
        let arguments = arguments_text(item.arguments.as_ref());
        let seen = !arguments.is_empty();
        self.calls
            .push((event.output_index.unwrap_or(u64::MAX), index, seen));
        self.streamed = true;
        Ok(chunk(message(|m| {
            m.tool_calls.push(WireToolCall {
                index: Some(index),
                id: item.call_id.or(item.id),
                name: item.name,
                arguments: Some(arguments),
            });
        })))
    }

    /// A finished item: reasoning items are handed on whole; a function call or
    /// message whose content never came as deltas comes now.
    fn item_done(&mut self, event: &Event<'_>) -> Result<Step, serde_json::Error> {
        let Some(raw) = event.item else {
            return Ok(Step::Nothing);
        };
        let item: OutputItem = serde_json::from_str(raw.get())?;
        let at = event.output_index;
        Ok(match item.kind.as_str() {
            "reasoning" => Step::Event(StreamEvent::Reasoning(reasoning_item(&item))),
            "function_call" => {
                let known = self.calls.iter().find(|(i, _, _)| Some(*i) == at).copied();
                let arguments = arguments_text(item.arguments.as_ref());
                match known {
                    Some((_, _, true)) => Step::Nothing,
                    Some((_, index, false)) => {
                        self.streamed = true;
                        chunk(message(|m| {
                            m.tool_calls.push(WireToolCall {
                                index: Some(index),
                                id: None,
                                name: None,
                                arguments: Some(arguments),
                            });
                        }))
                    }
                    // A call never announced: the whole call now.
                    None => {
                        let index = u32::try_from(self.calls.len()).unwrap_or(u32::MAX);
                        if self.calls.len() >= MAX_TRACKED_ITEMS {
                            return Ok(Step::TooManyItems(MAX_TRACKED_ITEMS));
                        }
                        self.calls.push((at.unwrap_or(u64::MAX), index, true));
                        self.streamed = true;
                        chunk(message(|m| {
                            m.tool_calls.push(WireToolCall {
                                index: Some(index),
                                id: item.call_id.or(item.id),
                                name: item.name,
                                arguments: Some(arguments),
                            });
                        }))
                    }
                }
            }
            "message" if at.is_none_or(|i| !self.texted.contains(&i)) => {
                let text: String = item
                    .content
                    .iter()
                    .filter_map(|part| part.get("text").and_then(Value::as_str))
                    .collect();
                if text.is_empty() {
                    Step::Nothing
                } else {
                    self.streamed = true;
                    chunk(message(|m| m.content = Some(text)))
                }
            }
            _ => Step::Nothing,
        })
    }

    /// `response.completed`, `.incomplete` or `.failed`: the end, with usage and
    /// the finish reason; when nothing came as deltas, the whole output.
    fn terminal(&mut self, raw: Option<&RawValue>) -> Result<Step, serde_json::Error> {
        let object: ResponseObject = match raw {
            Some(raw) => serde_json::from_str(raw.get())?,
            None => ResponseObject::default(),
        };
        if let Some(error) = object.failure() {
            return Ok(Step::Failed(error));
        }
        if !self.streamed {
            // Nothing came as deltas: the whole output now, its reasoning items too.
            let (wire, items) = object.into_wire();
            return Ok(Step::End(wire, items));
        }
        let finish = object.finish_reason(!self.calls.is_empty());
        let mut wire = metadata(ResponseObject {
            output: Vec::new(),
            ..object
        });
        wire.choices = vec![WireChoice {
            index: 0,
            message: WireMessage::default(),
            finish_reason: finish.or_else(|| Some("stop".to_owned())),
            usage: None,
            extra: Map::new(),
            message_read: true,
        }];
        Ok(Step::End(wire, Vec::new()))
    }
}

/// Events that only frame others (their content arrives in deltas and items).
fn is_bookkeeping(kind: &str) -> bool {
    matches!(
        kind,
        "response.queued"
            | "response.content_part.added"
            | "response.content_part.done"
            | "response.output_text.done"
            | "response.refusal.done"
            | "response.reasoning_summary_part.added"
            | "response.reasoning_summary_part.done"
            | "response.reasoning_summary_text.done"
            | "response.reasoning_text.done"
            | "response.function_call_arguments.done"
    )
}

/// A chunk holding only `message`.
fn message(fill: impl FnOnce(&mut WireMessage)) -> WireResponse {
    let mut message = WireMessage::default();
    fill(&mut message);
    WireResponse {
        choices: vec![WireChoice {
            index: 0,
            message,
            finish_reason: None,
            usage: None,
            extra: Map::new(),
            message_read: true,
        }],
        ..WireResponse::default()
    }
}

fn chunk(wire: WireResponse) -> Step {
    Step::Chunk(wire)
}

/// The id, model, creation time, usage and unknown fields of a response object.
fn metadata(object: ResponseObject) -> WireResponse {
    let mut extra = object.extra;
    for key in ["object", "output_text", "output", "status"] {
        extra.remove(key);
    }
    extra.retain(|_, value| !value.is_null());
    WireResponse {
        id: object.id,
        object: Some("response".to_owned()),
        created: object.created_at.as_ref().and_then(Value::as_u64),
        model: object.model,
        choices: Vec::new(),
        usage: object.usage,
        error: None,
        extra,
        ..WireResponse::default()
    }
}

fn extra(key: &str, value: Value) -> StreamEvent {
    StreamEvent::Extra(Map::from_iter([(key.to_owned(), value)]))
}
