//! What a provider gives back: [`ChatResponse`], [`StreamEvent`], [`ModelEntry`].

use std::fmt;

use oac_pricing::{Cost, Usage, UsageWarning};
use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

use crate::request::ToolCall;

/// Why the model stopped. Unknown reasons are kept as [`FinishReason::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReason {
    /// `stop`: a natural end or a stop sequence.
    Stop,
    /// `length`: max tokens reached.
    Length,
    /// `tool_calls`: the model called tools.
    ToolCalls,
    /// `content_filter`: content was withheld.
    ContentFilter,
    /// `function_call` (legacy functions API).
    FunctionCall,
    /// Any other reason, as sent.
    Other(String),
}

impl FinishReason {
    /// Read a wire value (tolerant: anything unknown is [`FinishReason::Other`]).
    pub fn parse(reason: &str) -> Self {
        match reason {
            "stop" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "tool_calls" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            "function_call" => FinishReason::FunctionCall,
            other => FinishReason::Other(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::FunctionCall => "function_call",
            FinishReason::Other(other) => other,
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Usage of one request: canonical tokens, the cost, and what the provider sent.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UsageReport {
    /// Canonical usage (see `docs/pricing.md` in the repository).
    pub usage: Usage,
    /// The exact cost, or unknown with the reason (never a false zero).
    pub cost: Cost,
    /// The provider's usage object as sent.
    pub raw: Value,
    /// Repairs made while reading `raw` (a negative or oversized count, a part
    /// larger than its total, a bad `cost`…). When there are any, `usage` is not
    /// what the provider said and a cost computed from it is an estimate, not a
    /// definite figure ([`UsageReport::is_repaired`]).
    pub repairs: Vec<UsageWarning>,
}

impl UsageReport {
    /// Whether the provider's usage had to be repaired, so its cost is an estimate.
    pub fn is_repaired(&self) -> bool {
        !self.repairs.is_empty()
    }
}

/// A fragment of a tool call, as it streams.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ToolCallDelta {
    /// Which call (calls stream interleaved by index).
    pub index: u32,
    /// The call id, when this fragment carries it (usually the first).
    pub id: Option<String>,
    /// The function name, when this fragment carries it (usually the first).
    pub name: Option<String>,
    /// A piece of the arguments JSON (may be empty).
    pub arguments: String,
}

/// Reasoning the Responses API returned as an output item: hand it back in the
/// next request (it rides on the assistant message, see
/// [`ChatResponse::to_message`]) and the model continues its reasoning without
/// server-side state. The chat-completions API has no such item, so shaping for it
/// drops them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReasoningItem {
    /// The item id (`rs_…`), when sent.
    pub id: Option<String>,
    /// The opaque encrypted reasoning (`include: ["reasoning.encrypted_content"]`).
    pub encrypted_content: Option<String>,
    /// The reasoning summary parts, as sent.
    pub summary: Vec<String>,
}

impl ReasoningItem {
    /// An item with this id and encrypted content and no summary.
    pub fn new(id: Option<String>, encrypted_content: Option<String>) -> Self {
        ReasoningItem {
            id,
            encrypted_content,
            summary: Vec::new(),
        }
    }

    /// Its size in bytes, for the reply limits.
    pub(crate) fn bytes(&self) -> usize {
        let id = self.id.as_ref().map_or(0, String::len);
        let blob = self.encrypted_content.as_ref().map_or(0, String::len);
        self.summary
            .iter()
            .fold(id.saturating_add(blob), |n, s| n.saturating_add(s.len()))
    }
}

/// One event of a streamed reply.
///
/// Order within a stream: deltas as they arrive; at the finish reason, one
/// [`ToolCall`](StreamEvent::ToolCall) per call (by index) and then
/// [`Finish`](StreamEvent::Finish); [`Usage`](StreamEvent::Usage) last, when reported.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// A piece of the answer.
    TextDelta(String),
    /// A piece of the reasoning (`reasoning_content`, `reasoning`, or `<think>` text).
    ReasoningDelta(String),
    /// A piece of a tool call.
    ToolCallDelta(ToolCallDelta),
    /// A complete tool call: all fragments of one index assembled.
    ToolCall(ToolCall),
    /// Why the model stopped.
    Finish(FinishReason),
    /// Token usage and cost (sent once, the last the provider reported).
    Usage(Box<UsageReport>),
    /// Fields of a choice or its delta this crate does not know (e.g. `refusal`,
    /// `annotations`, `logprobs`), as received; from the Responses API, events of
    /// types this crate does not read, by type.
    Extra(Map<String, Value>),
    /// A complete reasoning item (Responses API), to pass back on the next turn.
    Reasoning(ReasoningItem),
}

/// A complete reply (choice 0), from [`chat`](crate::Provider::chat) or an
/// assembled stream ([`ChatStream::collect_response`](crate::ChatStream::collect_response)).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatResponse {
    /// Completion id, when sent.
    pub id: Option<String>,
    /// The model that answered, when sent.
    pub model: Option<String>,
    /// Creation time (Unix seconds), when sent.
    pub created: Option<u64>,
    /// The answer text (empty when the model only called tools).
    pub content: String,
    /// The reasoning, when the model returned any.
    pub reasoning: Option<String>,
    /// Complete tool calls.
    pub tool_calls: Vec<ToolCall>,
    /// Why the model stopped, when said.
    pub finish_reason: Option<FinishReason>,
    /// Usage and cost; `None` = not reported (not zero).
    pub usage: Option<UsageReport>,
    /// The `x-request-id` of the response.
    pub request_id: Option<String>,
    /// The response headers (rate-limit headers and the like).
    pub headers: HeaderMap,
    /// Top-level fields this crate does not know (`system_fingerprint`, `citations`…).
    pub extra: Map<String, Value>,
    /// Fields of the choice and its message this crate does not know (`refusal`,
    /// `annotations`, `logprobs`…). From a stream, string fragments are joined and
    /// arrays extended.
    pub message_extra: Map<String, Value>,
    /// Reasoning items (Responses API), to pass back on the next turn; empty from
    /// chat completions.
    pub reasoning_items: Vec<ReasoningItem>,
}

impl ChatResponse {
    /// The answer text.
    pub fn text(&self) -> &str {
        &self.content
    }

    /// The assistant message to append to the conversation to continue it
    /// (keeps tool calls and reasoning, which tool loops need; the reasoning goes
    /// back on the wire only to providers that want it, e.g. DeepSeek reasoner, and
    /// the Responses API's reasoning items only to the Responses API).
    pub fn to_message(&self) -> crate::Message {
        crate::Message::Assistant {
            content: (!self.content.is_empty() || self.tool_calls.is_empty())
                .then(|| self.content.clone()),
            tool_calls: self.tool_calls.clone(),
            reasoning_content: self.reasoning.clone(),
            reasoning_items: self.reasoning_items.clone(),
        }
    }
}

/// One entry of the models list.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ModelEntry {
    /// The model id.
    pub id: String,
    /// `owned_by`, when sent.
    pub owned_by: Option<String>,
    /// `created`, when sent.
    pub created: Option<u64>,
    /// Context window, when the provider says (`context_length`, `context_window`, …).
    pub context_window: Option<u32>,
    /// Max output tokens, when the provider says (`max_completion_tokens`, …).
    pub max_output_tokens: Option<u32>,
    /// Prices per 1M tokens, when the provider lists them (OpenRouter, Together).
    pub prices: Option<oac_pricing::ModelPrices>,
    /// Whether images are accepted, when the provider says.
    pub supports_images: Option<bool>,
    /// Every field of the entry as sent (besides `id`).
    pub extra: Map<String, Value>,
}

impl ModelEntry {
    /// `base` with whatever this entry states laid over it.
    pub fn model_info(&self, base: &crate::model::ModelInfo) -> crate::model::ModelInfo {
        let mut info = base.clone();
        if let Some(window) = self.context_window {
            info.context_window = window;
        }
        if let Some(max) = self.max_output_tokens {
            info.max_output_tokens = Some(max);
        }
        if let Some(images) = self.supports_images {
            info.supports_images = images;
        }
        if let Some(prices) = &self.prices {
            info.prices = info.prices.overridden_by(prices);
        }
        info
    }
}
