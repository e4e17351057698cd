//! From parsed chunks to [`StreamEvent`]s, and from events (or a complete body) to a
//! [`ChatResponse`].
//!
//! Rules: reasoning comes from `reasoning_content`, `reasoning` (the same text in
//! both is emitted once), thinking parts of array content, and `<think>` blocks at
//! the start of the content (when `parse_think_tags` is on). Tool-call fragments are
//! assembled by index; complete calls are emitted at the finish reason (or at the end
//! of the stream), then the finish reason. Usage is held until the end so a provider
//! that repeats usage on every chunk is counted once, with its last figures.

use std::collections::VecDeque;
use std::sync::Arc;

use oac_pricing::ModelPrices;
use serde_json::{Map, Value};

use crate::request::ToolCall;
use crate::response::{ChatResponse, FinishReason, StreamEvent, ToolCallDelta};
use crate::think::{Piece, ThinkSplitter, split_complete};
use crate::usage::{FoundUsage, report, take_usage};
use crate::wire::{ChunkSeed, WireMessage, WireResponse, WireToolCall};

/// Response-level metadata of a stream, kept as chunks arrive.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct StreamMetadata {
    /// Completion id (last one sent).
    pub id: Option<String>,
    /// Model that answered (last one sent).
    pub model: Option<String>,
    /// Creation time (last one sent).
    pub created: Option<u64>,
    /// Top-level chunk fields this crate does not know (last value of each).
    pub extra: Map<String, Value>,
}

#[derive(Debug)]
struct PartialCall {
    index: u32,
    id: Option<String>,
    name: String,
    arguments: String,
}

impl PartialCall {
    fn complete(self) -> ToolCall {
        ToolCall {
            id: self.id.unwrap_or_else(|| format!("call_{}", self.index)),
            name: self.name,
            arguments: if self.arguments.trim().is_empty() {
                "{}".to_owned()
            } else {
                self.arguments
            },
        }
    }
}

/// What an assembled reply may hold ([`Limits`](crate::Limits)'s reply part).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReplyLimits {
    pub(crate) max_reply_bytes: usize,
    pub(crate) max_tool_calls: usize,
}

impl Default for ReplyLimits {
    fn default() -> Self {
        ReplyLimits {
            max_reply_bytes: crate::transport::DEFAULT_MAX_REPLY_BYTES,
            max_tool_calls: crate::transport::DEFAULT_MAX_TOOL_CALLS,
        }
    }
}

/// Why a chunk could not be assembled.
#[derive(Debug)]
pub(crate) enum ChunkProblem {
    /// The chunk is (or carries) the provider's error object.
    Provider(Value),
    /// The reply grew beyond a limit: what, the limit, its unit and its setter.
    TooLarge {
        what: &'static str,
        limit: usize,
        unit: &'static str,
        setting: &'static str,
    },
}

/// About how many bytes `value` holds once kept (strings and keys by length,
/// anything else by a small constant): what unknown fields count against the limit.
pub(crate) fn kept_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(kept_size).fold(8, usize::saturating_add),
        Value::Object(map) => map_size(map),
        _ => 8,
    }
}

fn map_size(map: &Map<String, Value>) -> usize {
    map.iter()
        .map(|(key, value)| key.len().saturating_add(kept_size(value)))
        .fold(8, usize::saturating_add)
}

/// Turns chunks into events.
///
/// Everything a stream assembles passes through here, so this is where its size is
/// bounded: every byte of text, reasoning, tool-call id, name and arguments and
/// unknown field handed on (or held back) counts against `max_reply_bytes`, and the
/// tool calls against `max_tool_calls`. Whatever folds the events afterwards (the
/// collector, a caller printing them) is bounded by the same figures.
#[derive(Debug)]
pub(crate) struct Assembler {
    limits: ReplyLimits,
    /// Bytes of the reply so far (see above).
    reply_bytes: usize,
    think: Option<ThinkSplitter>,
    pieces: Vec<Piece>,
    calls: Vec<PartialCall>,
    finish: Option<FinishReason>,
    usage: Option<FoundUsage>,
    prices: Arc<ModelPrices>,
    ended: bool,
    /// Whether any text, reasoning or tool call came (an empty reply otherwise).
    has_content: bool,
    pub(crate) meta: StreamMetadata,
}

impl Assembler {
    pub(crate) fn new(
        parse_think_tags: bool,
        prices: Arc<ModelPrices>,
        limits: ReplyLimits,
    ) -> Self {
        Assembler {
            limits,
            reply_bytes: 0,
            think: parse_think_tags.then(ThinkSplitter::default),
            pieces: Vec::new(),
            calls: Vec::new(),
            finish: None,
            usage: None,
            prices,
            ended: false,
            has_content: false,
            meta: StreamMetadata::default(),
        }
    }

    /// How the next stream chunk is read: against the id, model and unknown fields
    /// kept so far, so that repeating them costs nothing.
    pub(crate) fn seed(&self) -> ChunkSeed<'_> {
        ChunkSeed {
            id: self.meta.id.as_deref(),
            model: self.meta.model.as_deref(),
            extra: &self.meta.extra,
        }
    }

    /// Whether a finish reason arrived.
    pub(crate) fn finished(&self) -> bool {
        self.finish.is_some()
    }

    /// True once any text, reasoning or tool call arrived.
    pub(crate) fn has_content(&self) -> bool {
        self.has_content
    }

    /// True when the reply, now ended, had nothing in it.
    pub(crate) fn is_empty_reply(&self) -> bool {
        crate::classify::is_empty_reply(self.has_content, self.finish.as_ref())
    }

    /// The finish reason, when one arrived.
    pub(crate) fn finish_reason(&self) -> Option<&FinishReason> {
        self.finish.as_ref()
    }

    /// Bytes of the reply counted so far.
    #[cfg(test)]
    pub(crate) fn reply_bytes(&self) -> usize {
        self.reply_bytes
    }

    /// Count `bytes` more of the reply; an error once it exceeds the limit.
    fn count(&mut self, bytes: usize) -> Result<(), ChunkProblem> {
        self.reply_bytes = self.reply_bytes.saturating_add(bytes);
        if self.reply_bytes > self.limits.max_reply_bytes {
            return Err(ChunkProblem::TooLarge {
                what: "streamed reply",
                limit: self.limits.max_reply_bytes,
                unit: "byte",
                setting: "max_reply_bytes",
            });
        }
        Ok(())
    }

    /// Queue an event that is no chunk (a Responses API reasoning item, an event of
    /// a type this crate does not read), counted against the reply limit.
    pub(crate) fn hand_on(
        &mut self,
        event: StreamEvent,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        let bytes = match &event {
            StreamEvent::Reasoning(item) => item.bytes(),
            StreamEvent::Extra(extra) => map_size(extra),
            StreamEvent::TextDelta(t) | StreamEvent::ReasoningDelta(t) => t.len(),
            _ => 0,
        };
        self.count(bytes)?;
        out.push_back(event);
        Ok(())
    }

    /// Process one chunk. An `error` object in the chunk is returned for the caller
    /// to classify; a reply grown beyond its limits is an error too.
    /// What the assembler keeps is taken out of `chunk`; the rest is left there.
    pub(crate) fn chunk(
        &mut self,
        chunk: &mut WireResponse,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        if let Some(id) = chunk.id.take() {
            self.meta.id = Some(id);
        }
        if let Some(model) = chunk.model.take() {
            self.meta.model = Some(model);
        }
        if chunk.created.is_some() {
            self.meta.created = chunk.created;
        }
        if let Some(found) = take_usage(chunk) {
            self.usage = Some(found);
        }
        if let Some(error) = chunk.error.take() {
            return Err(ChunkProblem::Provider(error));
        }
        if !chunk.extra.is_empty() || chunk.repeated_extra_bytes > 0 {
            // A repeated field counts as if it had been kept again.
            self.count(map_size(&chunk.extra).saturating_add(chunk.repeated_extra_bytes))?;
            if !chunk.extra.is_empty() {
                self.meta.extra.extend(std::mem::take(&mut chunk.extra));
            }
        }
        for choice in &mut chunk.choices {
            if choice.index != 0 {
                continue; // only the first choice is assembled
            }
            self.message(&mut choice.message, out)?;
            if !choice.extra.is_empty() {
                self.count(map_size(&choice.extra))?;
                out.push_back(StreamEvent::Extra(std::mem::take(&mut choice.extra)));
            }
            if let Some(reason) = choice.finish_reason.take()
                && self.finish.is_none()
            {
                self.flush_think(out);
                self.emit_calls(out);
                let reason = FinishReason::parse(&reason);
                self.finish = Some(reason.clone());
                out.push_back(StreamEvent::Finish(reason));
            }
        }
        Ok(())
    }

    fn message(
        &mut self,
        message: &mut WireMessage,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        let reasoning_content = message.reasoning_content.take();
        let reasoning = message.reasoning.take();
        // Providers that send both fields often send the same text in each.
        let duplicate = reasoning.is_some() && reasoning == reasoning_content;
        let reasoning = [
            reasoning_content,
            if duplicate { None } else { reasoning },
            message.content_reasoning.take(),
        ];
        self.reasoning(reasoning.into_iter().flatten(), out)?;
        if let Some(text) = message.content.take().filter(|t| !t.is_empty()) {
            self.content(text, out)?;
        }
        for call in std::mem::take(&mut message.tool_calls) {
            self.tool_call(call, out)?;
        }
        let extra = &mut message.extra;
        if !extra.is_empty() {
            self.count(map_size(extra))?;
            out.push_back(StreamEvent::Extra(std::mem::take(extra)));
        }
        Ok(())
    }

    /// Reasoning text of a delta, each non-empty piece as its own event.
    fn reasoning(
        &mut self,
        texts: impl Iterator<Item = String>,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        for text in texts.filter(|text| !text.is_empty()) {
            self.count(text.len())?;
            self.has_content = true;
            out.push_back(StreamEvent::ReasoningDelta(text));
        }
        Ok(())
    }

    /// Content text of a delta, through the think-tag splitter while it decides.
    fn content(
        &mut self,
        text: String,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        // Counted as received: what the think splitter holds back is included.
        self.count(text.len())?;
        self.has_content = true;
        match &mut self.think {
            Some(splitter) if !splitter.is_plain_text() => {
                splitter.push(text, &mut self.pieces);
                self.drain_pieces(out);
            }
            // Past the start of the content, text is handed on as it came.
            _ => out.push_back(StreamEvent::TextDelta(text)),
        }
        Ok(())
    }

    /// One tool-call fragment: merged into its call (by index, or by id when the
    /// provider sends no index) and handed on as a delta.
    fn tool_call(
        &mut self,
        call: WireToolCall,
        out: &mut VecDeque<StreamEvent>,
    ) -> Result<(), ChunkProblem> {
        let index = match call.index {
            Some(index) => index,
            None => match (self.calls.last(), &call.id) {
                (Some(last), Some(id)) if last.id.as_ref() != Some(id) => self.next_index(),
                (Some(last), _) => last.index,
                (None, _) => 0,
            },
        };
        let id_bytes = call.id.as_ref().map_or(0, String::len);
        let name_bytes = call.name.as_ref().map_or(0, String::len);
        let arguments = call.arguments.unwrap_or_default();
        self.count(
            id_bytes
                .saturating_add(name_bytes)
                .saturating_add(arguments.len()),
        )?;
        let partial = self.partial_call(index)?;
        if partial.id.is_none() {
            partial.id.clone_from(&call.id);
        }
        if let Some(name) = &call.name
            && partial.name.is_empty()
        {
            partial.name.clone_from(name);
        }
        partial.arguments.push_str(&arguments);
        self.has_content = true;
        out.push_back(StreamEvent::ToolCallDelta(ToolCallDelta {
            index,
            id: call.id,
            name: call.name,
            arguments,
        }));
        Ok(())
    }

    /// The call being assembled at `index`, a new one if there is none yet and the
    /// limit allows another.
    fn partial_call(&mut self, index: u32) -> Result<&mut PartialCall, ChunkProblem> {
        let at = match self.calls.iter().position(|c| c.index == index) {
            Some(at) => at,
            None if self.calls.len() >= self.limits.max_tool_calls => {
                return Err(ChunkProblem::TooLarge {
                    what: "tool call list",
                    limit: self.limits.max_tool_calls,
                    unit: "tool-call",
                    setting: "max_tool_calls",
                });
            }
            None => {
                self.calls.push(PartialCall {
                    index,
                    id: None,
                    name: String::new(),
                    arguments: String::new(),
                });
                self.calls.len() - 1
            }
        };
        Ok(&mut self.calls[at])
    }

    fn next_index(&self) -> u32 {
        self.calls.iter().map(|c| c.index + 1).max().unwrap_or(0)
    }

    fn drain_pieces(&mut self, out: &mut VecDeque<StreamEvent>) {
        for piece in self.pieces.drain(..) {
            out.push_back(match piece {
                Piece::Text(t) => StreamEvent::TextDelta(t),
                Piece::Reasoning(r) => StreamEvent::ReasoningDelta(r),
            });
        }
    }

    fn flush_think(&mut self, out: &mut VecDeque<StreamEvent>) {
        if let Some(splitter) = &mut self.think {
            splitter.finish(&mut self.pieces);
            self.drain_pieces(out);
        }
    }

    fn emit_calls(&mut self, out: &mut VecDeque<StreamEvent>) {
        let mut calls = std::mem::take(&mut self.calls);
        calls.sort_by_key(|c| c.index);
        out.extend(
            calls
                .into_iter()
                .map(|c| StreamEvent::ToolCall(c.complete())),
        );
    }

    /// The stream ended properly (`[DONE]`, or a close after the finish reason):
    /// release what is held back and the usage.
    pub(crate) fn end(&mut self, out: &mut VecDeque<StreamEvent>, service_tier: Option<&str>) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.flush_think(out);
        self.emit_calls(out);
        if let Some(found) = self.usage.take()
            && let Some(usage) = report(found, &self.prices, service_tier)
        {
            out.push_back(StreamEvent::Usage(Box::new(usage)));
        }
    }
}

/// Merge an `Extra` event into a collected map: strings are joined, arrays
/// extended, anything else replaced.
pub(crate) fn merge_extra(into: &mut Map<String, Value>, more: Map<String, Value>) {
    for (key, value) in more {
        match (into.get_mut(&key), value) {
            (Some(Value::String(existing)), Value::String(more)) => existing.push_str(&more),
            (Some(Value::Array(existing)), Value::Array(more)) => existing.extend(more),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// Folds events into a response.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    response: ChatResponse,
    reasoning: String,
    /// The reply's limits, for events no decoder of ours checked (a stream from
    /// [`ChatStream::from_stream`](crate::ChatStream::from_stream)); `None` when the
    /// decoder already enforces them.
    limits: Option<crate::transport::Limits>,
    /// Bytes kept so far (text, reasoning, tool calls, unknown fields).
    kept: usize,
}

/// What a collected reply outgrew: what, the limit, its unit and its setter.
pub(crate) struct Outgrown {
    pub(crate) what: &'static str,
    pub(crate) limit: usize,
    pub(crate) unit: &'static str,
    pub(crate) setting: &'static str,
}

impl Collector {
    /// A collector that checks `limits` itself (for events no decoder checked).
    pub(crate) fn checking(limits: crate::transport::Limits) -> Self {
        Collector {
            limits: Some(limits),
            ..Collector::default()
        }
    }

    pub(crate) fn push(&mut self, event: StreamEvent) -> Result<(), Outgrown> {
        let bytes = match &event {
            StreamEvent::TextDelta(t) | StreamEvent::ReasoningDelta(t) => t.len(),
            StreamEvent::ToolCall(call) => call
                .id
                .len()
                .saturating_add(call.name.len())
                .saturating_add(call.arguments.len()),
            StreamEvent::Extra(extra) => map_size(extra),
            StreamEvent::Reasoning(item) => item.bytes(),
            _ => 0,
        };
        self.kept = self.kept.saturating_add(bytes);
        if let Some(limits) = self.limits {
            if self.kept > limits.max_reply_bytes {
                return Err(Outgrown {
                    what: "collected reply",
                    limit: limits.max_reply_bytes,
                    unit: "byte",
                    setting: "max_reply_bytes",
                });
            }
            if matches!(event, StreamEvent::ToolCall(_))
                && self.response.tool_calls.len() >= limits.max_tool_calls
            {
                return Err(Outgrown {
                    what: "tool call list",
                    limit: limits.max_tool_calls,
                    unit: "tool-call",
                    setting: "max_tool_calls",
                });
            }
        }
        let r = &mut self.response;
        match event {
            StreamEvent::TextDelta(t) => r.content.push_str(&t),
            StreamEvent::ReasoningDelta(t) => self.reasoning.push_str(&t),
            StreamEvent::ToolCall(call) => r.tool_calls.push(call),
            StreamEvent::Finish(reason) => r.finish_reason = Some(reason),
            StreamEvent::Usage(usage) => r.usage = Some(*usage),
            StreamEvent::Extra(extra) => merge_extra(&mut r.message_extra, extra),
            StreamEvent::Reasoning(item) => r.reasoning_items.push(item),
            StreamEvent::ToolCallDelta(_) => {}
        }
        Ok(())
    }

    pub(crate) fn finish(mut self, meta: StreamMetadata) -> ChatResponse {
        if !self.reasoning.is_empty() {
            self.response.reasoning = Some(self.reasoning);
        }
        self.response.id = meta.id;
        self.response.model = meta.model;
        self.response.created = meta.created;
        self.response.extra = meta.extra;
        self.response
    }
}

/// Why a complete body is not a reply.
#[derive(Debug)]
pub(crate) enum BodyProblem {
    /// The body is an error object.
    Error(Value),
    /// The body has no choices.
    NoChoices,
    /// The body has more tool calls than the limit allows.
    TooManyToolCalls(usize),
}

/// A complete (non-streaming) body as a response.
pub(crate) fn response_from_wire(
    mut wire: WireResponse,
    parse_think_tags: bool,
    prices: &ModelPrices,
    max_tool_calls: usize,
    service_tier: Option<&str>,
) -> Result<ChatResponse, BodyProblem> {
    let found = take_usage(&mut wire);
    if let Some(error) = wire.error.take()
        && wire.choices.is_empty()
    {
        return Err(BodyProblem::Error(error));
    }
    let at = wire
        .choices
        .iter()
        .position(|c| c.index == 0)
        .ok_or(BodyProblem::NoChoices)?;
    let choice = wire.choices.swap_remove(at);
    if choice.message.tool_calls.len() > max_tool_calls {
        return Err(BodyProblem::TooManyToolCalls(max_tool_calls));
    }
    let message = choice.message;
    let mut reasoning = String::new();
    let duplicate = message.reasoning.is_some() && message.reasoning == message.reasoning_content;
    for part in [
        message.reasoning_content,
        if duplicate { None } else { message.reasoning },
        message.content_reasoning,
    ]
    .into_iter()
    .flatten()
    {
        reasoning.push_str(&part);
    }
    let content = message.content.unwrap_or_default();
    let content = if parse_think_tags {
        let (text, think) = split_complete(&content);
        reasoning.push_str(&think);
        text
    } else {
        content
    };
    let tool_calls = message
        .tool_calls
        .into_iter()
        .enumerate()
        .map(|(i, call)| {
            PartialCall {
                index: call.index.unwrap_or(u32::try_from(i).unwrap_or(u32::MAX)),
                id: call.id,
                name: call.name.unwrap_or_default(),
                arguments: call.arguments.unwrap_or_default(),
            }
            .complete()
        })
        .collect();
    let mut message_extra = choice.extra;
    message_extra.extend(message.extra);
    Ok(ChatResponse {
        id: wire.id,
        model: wire.model,
        created: wire.created,
        content,
        reasoning: (!reasoning.is_empty()).then_some(reasoning),
        tool_calls,
        finish_reason: choice.finish_reason.as_deref().map(FinishReason::parse),
        usage: found.and_then(|f| report(f, prices, service_tier)),
        request_id: None,
        headers: Default::default(),
        extra: wire.extra,
        message_extra,
        reasoning_items: Vec::new(),
    })
}

/// The events a stream of `response` would have produced (for servers that answer
/// a streaming request with one JSON body).
pub(crate) fn events_of(response: &ChatResponse) -> VecDeque<StreamEvent> {
    let mut out = VecDeque::new();
    if let Some(reasoning) = &response.reasoning {
        out.push_back(StreamEvent::ReasoningDelta(reasoning.clone()));
    }
    for item in &response.reasoning_items {
        out.push_back(StreamEvent::Reasoning(item.clone()));
    }
    if !response.content.is_empty() {
        out.push_back(StreamEvent::TextDelta(response.content.clone()));
    }
    for (index, call) in response.tool_calls.iter().enumerate() {
        out.push_back(StreamEvent::ToolCallDelta(ToolCallDelta {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            id: Some(call.id.clone()),
            name: Some(call.name.clone()),
            arguments: call.arguments.clone(),
        }));
    }
    if !response.message_extra.is_empty() {
        out.push_back(StreamEvent::Extra(response.message_extra.clone()));
    }
    for call in &response.tool_calls {
        out.push_back(StreamEvent::ToolCall(call.clone()));
    }
    if let Some(reason) = &response.finish_reason {
        out.push_back(StreamEvent::Finish(reason.clone()));
    }
    if let Some(usage) = &response.usage {
        out.push_back(StreamEvent::Usage(Box::new(usage.clone())));
    }
    out
}
