//! What the simulator answers to one request: [`Reply`] and its delivery settings.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::sse;

/// One scripted answer to one chat or Responses request (or one models request).
///
/// A structured reply (from [`Reply::new`] or [`Reply::text`]) is rendered from the
/// request: as Server-Sent Events when the request body says `"stream": true`, as one
/// JSON object otherwise, in the shape of the API the request went to (a
/// `chat.completion` for `…/chat/completions`, a `response` for `…/responses`; see the
/// [crate docs](crate#the-responses-api)). [`Reply::error`], [`Reply::json`] and
/// [`Reply::raw_sse`] write their bytes as given, whatever the request asked for.
///
/// Builder methods consume and return the reply, so they chain:
///
/// ```
/// use std::time::Duration;
/// use oac_testkit::{Chunking, LineEnding, Reply};
///
/// let reply = Reply::new()
///     .reasoning_content("Paris is in France.")
///     .content("Paris")
///     .usage_tokens(12, 3)
///     .text_chunk_chars(2)
///     .chunking(Chunking::PerEvent)
///     .line_ending(LineEnding::CrLf)
///     .delay(Duration::from_millis(1))
///     .header("x-request-id", "req_1");
/// # let _ = reply;
/// ```
///
/// Two chaining methods differ from their constructor namesakes, because Rust allows
/// one item per name: [`Reply::content`] sets the text of any reply (the constructor is
/// [`Reply::text`]) and [`Reply::with_fault`] adds a fault to any reply (the
/// constructor is [`Reply::fault`]).
#[derive(Debug, Clone)]
#[must_use = "a Reply does nothing until it is pushed to a Simulator"]
pub struct Reply {
    pub(crate) body: ReplyBody,
    pub(crate) script: Script,
    pub(crate) shape: StreamShape,
    pub(crate) delivery: Delivery,
    pub(crate) status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) fault: Option<Fault>,
    pub(crate) fault_after: usize,
}

/// Where the bytes of a reply come from.
#[derive(Debug, Clone)]
pub(crate) enum ReplyBody {
    /// Rendered from [`Script`] and the request (SSE or one JSON object).
    Scripted,
    /// These exact bytes, with this status, for every request.
    Fixed { status: u16, body: Bytes },
    /// These exact SSE bytes, cut into events once, when the reply is built.
    RawSse(RawSse),
    /// `head`, then `repeat` written again and again until the client goes away.
    Endless { head: Bytes, repeat: Bytes },
    /// One function call whose arguments never end, in the request's API's shape.
    EndlessToolCall { fragment_bytes: usize },
}

/// Raw SSE bytes with the end offsets of their events (computed once, so serving the
/// same reply many times never rescans the bytes).
#[derive(Debug, Clone)]
pub(crate) struct RawSse {
    pub(crate) bytes: Bytes,
    pub(crate) event_ends: Arc<[usize]>,
}

/// The content of a structured reply.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    pub(crate) text: Option<String>,
    pub(crate) reasoning_content: Option<String>,
    pub(crate) reasoning_field: Option<String>,
    pub(crate) tool_calls: Vec<ToolCall>,
    pub(crate) usage: Option<Value>,
    pub(crate) finish_reason: FinishReason,
    pub(crate) id: Option<String>,
    pub(crate) model: Option<String>,
    pub(crate) created: Option<u64>,
    pub(crate) extra_fields: Vec<(String, Value)>,
    /// The opaque blob of the Responses reasoning item (derived when `None`).
    pub(crate) encrypted_reasoning: Option<String>,
    pub(crate) outcome: Outcome,
}

/// How a structured reply ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The model finished.
    #[default]
    Completed,
    /// The model stopped early for this reason (`max_output_tokens`, `content_filter`).
    Incomplete(String),
    /// The model failed with this error.
    Failed { code: String, message: String },
}

/// One scripted tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolCall {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) arguments: String,
}

/// The `finish_reason` a structured reply ends with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum FinishReason {
    /// `"tool_calls"` when the reply has tool calls, `"stop"` otherwise.
    #[default]
    Auto,
    /// This exact string (may be empty or unknown to clients).
    Value(String),
    /// JSON `null` on every chunk.
    Null,
}

/// How a streamed structured reply deviates from OpenAI's exact shape.
#[derive(Debug, Clone, Default)]
pub(crate) struct StreamShape {
    pub(crate) usage_in_x_groq: bool,
    pub(crate) usage_chunk_with_empty_choices: bool,
    pub(crate) usage_chunk_with_empty_delta: bool,
    pub(crate) text_chunk_chars: Option<usize>,
    pub(crate) minimal_chunks: bool,
    pub(crate) without_done: bool,
    pub(crate) format: sse::Format,
}

/// How the bytes of a reply are written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Delivery {
    pub(crate) chunking: Chunking,
    pub(crate) delay: Duration,
    pub(crate) first_byte_delay: Option<Duration>,
}

/// How the bytes of a reply are cut into writes (HTTP body frames).
///
/// Each write reaches the client as its own network read when a [`Reply::delay`]
/// separates writes; without a delay, neighbouring writes may be coalesced by TCP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Chunking {
    /// One write per SSE event (comments and keep-alive lines are events here too).
    #[default]
    PerEvent,
    /// Split the whole body every `n` bytes, ignoring event, line and UTF-8
    /// boundaries (`0` is treated as `1`).
    Bytes(usize),
    /// The whole body in one write.
    Single,
}

/// The line terminator of generated SSE lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineEnding {
    /// `\n` (what OpenAI sends).
    #[default]
    Lf,
    /// `\r\n`.
    CrLf,
    /// `\r` alone.
    Cr,
}

impl LineEnding {
    /// The terminator's bytes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lf => "\n",
            Self::CrLf => "\r\n",
            Self::Cr => "\r",
        }
    }
}

/// A failure the simulator produces on purpose.
///
/// "Events" are the SSE `data` events of the stream in the order they are written
/// (comments and keep-alive lines are not counted). A non-streaming response has no
/// events; each variant documents what it does there.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// Write this many events, then drop the connection abruptly (the HTTP body is
    /// never terminated, no `[DONE]`): the client sees a broken body. Non-streaming:
    /// the first half of the body is written, then the connection is dropped.
    CutAfterEvents(usize),
    /// Write this many bytes of the body, then drop the connection abruptly.
    CutAfterBytes(usize),
    /// Write this many events, then end the HTTP body cleanly without `[DONE]`.
    /// Non-streaming: same as [`Fault::CutAfterEvents`] (the declared length is not met).
    EndAfterEvents(usize),
    /// Go silent for this long after [`Reply::fault_after`] events (default 1), then
    /// continue. Non-streaming: headers are sent, then silence, then the body.
    Stall(Duration),
    /// A `data:` line with invalid JSON after [`Reply::fault_after`] events; the stream
    /// continues after it (on a Responses stream it is a cut-off
    /// `response.output_text.delta` that uses up one sequence number). Non-streaming: a
    /// truncated JSON body with status 200.
    MalformedJson,
    /// One valid content-delta event of exactly this many bytes (line ending included),
    /// after [`Reply::fault_after`] events. On a Responses stream it is a
    /// `response.output_text.delta` of the reply's message item and takes its place in
    /// the sequence numbers; set `fault_after` past that item's
    /// `response.content_part.added` for a stream a strict client accepts. Non-streaming:
    /// the message content is this many bytes long.
    HugeEvent(usize),
    /// An `event: error` SSE event with this JSON as data after [`Reply::fault_after`]
    /// events; the stream then ends without `[DONE]`. The JSON is written as given, on
    /// a Responses stream too (its `sequence_number`, if any, is yours to choose: the
    /// events before it are numbered `0..fault_after`). Non-streaming: this JSON is
    /// the whole body, with status 200 (some providers report errors that way).
    EventError(Value),
    /// Accept the request, then close the socket without writing a response (the
    /// client sees a connection error).
    CloseBeforeResponse,
    /// The API's own mid-stream error after [`Reply::fault_after`] events; the stream
    /// ends there. Responses: `event: error` with `{"type":"error","sequence_number":N,
    /// "code":…,"message":…,"param":null}` (the documented shape; for the nested
    /// `"error":{…}` shape some servers send, use [`Fault::EventError`]). Chat:
    /// `data: {"error":{"message":…,"type":<code>,"param":null,"code":<code>}}`, no
    /// `[DONE]`. Non-streaming: status 500 with that `{"error":{…}}` body.
    StreamError {
        /// The error code (`server_error`, `rate_limit_exceeded`…).
        code: String,
        /// The error message.
        message: String,
    },
}

impl Default for Reply {
    fn default() -> Self {
        Self::new()
    }
}

impl Reply {
    /// An empty structured reply: a streamed one has a role chunk, a final chunk with
    /// `finish_reason: "stop"` and `[DONE]`; a non-streamed one has empty content.
    pub fn new() -> Self {
        Self {
            body: ReplyBody::Scripted,
            script: Script::default(),
            shape: StreamShape::default(),
            delivery: Delivery::default(),
            status: None,
            headers: Vec::new(),
            fault: None,
            fault_after: 1,
        }
    }

    /// A structured reply whose content is `text` (streamed as several deltas).
    pub fn text(text: impl Into<String>) -> Self {
        Self::new().content(text)
    }

    /// A reply with this status and these exact body bytes (JSON or plain text) for
    /// every request, streaming or not. The `content-type` is `application/json` when
    /// the body parses as JSON, `text/plain` otherwise; [`Reply::header`] overrides it.
    ///
    /// Use [`crate::bodies`] for the error shapes real providers send. Of the faults,
    /// the cuts, [`Fault::Stall`] and [`Fault::CloseBeforeResponse`] apply to this body.
    pub fn error(status: u16, body: impl Into<Bytes>) -> Self {
        let mut reply = Self::new();
        reply.body = ReplyBody::Fixed {
            status,
            body: body.into(),
        };
        reply
    }

    /// A `200 OK` reply with this JSON as the body, for every request (a completion
    /// with an unusual shape, a custom models list…).
    pub fn json(value: Value) -> Self {
        Self::error(200, value.to_string())
    }

    /// These exact SSE bytes as a `text/event-stream` body, for every request.
    ///
    /// Events are found once, here (an event ends at a blank line, whatever the line
    /// ending), so [`Chunking::PerEvent`] and event-counting faults work on them.
    pub fn raw_sse(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let event_ends = sse::event_ends(&bytes).into();
        let mut reply = Self::new();
        reply.body = ReplyBody::RawSse(RawSse { bytes, event_ends });
        reply
    }

    /// A `text/event-stream` body that never ends: `head` once, then `repeat` again
    /// and again (one body frame each) until the client disconnects, which the
    /// simulator counts ([`Simulator::wait_for_disconnects`](crate::Simulator::wait_for_disconnects)).
    /// For testing that a client bounds what it keeps of a reply.
    pub fn endless_sse(head: impl Into<Bytes>, repeat: impl Into<Bytes>) -> Self {
        let mut reply = Self::new();
        reply.body = ReplyBody::Endless {
            head: head.into(),
            repeat: repeat.into(),
        };
        reply
    }

    /// An endless stream of one tool call: a first chunk with its id (`call_1`) and
    /// name (`endless`), then chunks of `fragment_bytes` bytes of `arguments` each
    /// (`a`s), forever, never a finish reason (see [`Reply::endless_sse`]). On the
    /// Responses API: `response.created`, `response.in_progress` and the
    /// `function_call` item's `response.output_item.added`, then
    /// `response.function_call_arguments.delta` events of `fragment_bytes` `a`s each,
    /// numbered on, forever.
    pub fn endless_tool_call_arguments(fragment_bytes: usize) -> Self {
        let mut reply = Self::new();
        reply.body = ReplyBody::EndlessToolCall { fragment_bytes };
        reply
    }

    /// The default structured reply carrying this fault (see [`Fault`]).
    pub fn fault(fault: Fault) -> Self {
        Self::text("This reply carries a simulated fault.").with_fault(fault)
    }

    /// Sets the message content (`delta.content` when streaming). `<think>` tags are
    /// content like any other text.
    pub fn content(mut self, text: impl Into<String>) -> Self {
        self.script.text = Some(text.into());
        self
    }

    /// Sets `reasoning_content` (DeepSeek style), streamed before the content. On the
    /// Responses API it is the first summary part (`summary_text`) of a reasoning item
    /// that comes before the message.
    pub fn reasoning_content(mut self, text: impl Into<String>) -> Self {
        self.script.reasoning_content = Some(text.into());
        self
    }

    /// Sets `reasoning` (OpenRouter style), streamed before the content (after
    /// `reasoning_content` when both are set). On the Responses API it is a summary
    /// part of the reasoning item (the second when `reasoning_content` is set too).
    pub fn reasoning_field(mut self, text: impl Into<String>) -> Self {
        self.script.reasoning_field = Some(text.into());
        self
    }

    /// Adds a function tool call; when streaming, the first delta carries the id and
    /// name, the following ones the arguments in fragments of
    /// [`Reply::text_chunk_chars`] characters. On the Responses API it is a
    /// `function_call` item (after the message) whose `call_id` is `id`.
    pub fn tool_call(
        mut self,
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Self {
        self.script.tool_calls.push(ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        });
        self
    }

    /// Sets the `usage` object exactly as given (on the final chunk when streaming,
    /// unless [`Reply::usage_in_x_groq`] or a separate usage chunk is asked for).
    ///
    /// On the Responses API a chat-shaped usage (`prompt_tokens`, `completion_tokens`,
    /// their `*_details`) is translated to `{"input_tokens", "input_tokens_details":
    /// {"cached_tokens"}, "output_tokens", "output_tokens_details":
    /// {"reasoning_tokens"}, "total_tokens"}` (missing details are 0); a usage that
    /// has `input_tokens` is sent as given.
    pub fn usage(mut self, usage: Value) -> Self {
        self.script.usage = Some(usage);
        self
    }

    /// Sets `usage` to `{"completion_tokens", "prompt_tokens", "total_tokens"}`.
    pub fn usage_tokens(self, prompt_tokens: u64, completion_tokens: u64) -> Self {
        self.usage(serde_json::json!({
            "completion_tokens": completion_tokens,
            "prompt_tokens": prompt_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }))
    }

    /// Sets `usage` with cached prompt tokens and reasoning tokens:
    /// `{"completion_tokens", "completion_tokens_details": {"reasoning_tokens"},
    /// "prompt_tokens", "prompt_tokens_details": {"cached_tokens"}, "total_tokens"}`
    /// (the Responses API gets the same numbers in its shape; see [`Reply::usage`]).
    pub fn usage_tokens_detailed(
        self,
        prompt_tokens: u64,
        cached_tokens: u64,
        completion_tokens: u64,
        reasoning_tokens: u64,
    ) -> Self {
        self.usage(serde_json::json!({
            "completion_tokens": completion_tokens,
            "completion_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "prompt_tokens": prompt_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
            "total_tokens": prompt_tokens + completion_tokens,
        }))
    }

    /// Streaming chat: puts the usage under `x_groq.usage` of the final chunk (Groq
    /// style).
    pub fn usage_in_x_groq(mut self, yes: bool) -> Self {
        self.shape.usage_in_x_groq = yes;
        self
    }

    /// Streaming chat: sends the usage in a separate last chunk with `choices: []`
    /// (OpenAI `stream_options.include_usage` style).
    pub fn usage_chunk_with_empty_choices(mut self, yes: bool) -> Self {
        self.shape.usage_chunk_with_empty_choices = yes;
        self
    }

    /// Streaming chat: sends the usage in a separate last chunk whose only choice has
    /// an empty delta and a `null` finish reason.
    pub fn usage_chunk_with_empty_delta(mut self, yes: bool) -> Self {
        self.shape.usage_chunk_with_empty_delta = yes;
        self
    }

    /// Sets the chat finish reason string (`"stop"`, `"tool_calls"`, `"length"`, `""`,
    /// or anything else). The default is `"tool_calls"` with tool calls, `"stop"`
    /// without (see [`Reply::incomplete`] for the others). The Responses API has no
    /// finish reason: use [`Reply::incomplete`] or [`Reply::failed`] there.
    pub fn finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.script.finish_reason = FinishReason::Value(reason.into());
        self
    }

    /// Chat: sends `finish_reason: null` everywhere (the stream ends with `[DONE]`
    /// only).
    pub fn finish_reason_null(mut self) -> Self {
        self.script.finish_reason = FinishReason::Null;
        self
    }

    /// Sets the `id` of the completion (default `chatcmpl-sim-N`, N counting chat
    /// requests from 1) or of the Responses `response` (default `resp_sim_N`, N
    /// counting Responses requests from 1).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.script.id = Some(id.into());
        self
    }

    /// Sets the `model` of the completion (default: the request's `model`, or
    /// `sim-model` when it has none).
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.script.model = Some(model.into());
        self
    }

    /// Sets `created` (Responses: `created_at`; default the fixed `1700000000`, so
    /// output is reproducible).
    pub fn created(mut self, unix_seconds: u64) -> Self {
        self.script.created = Some(unix_seconds);
        self
    }

    /// Adds an unknown top-level field to every chunk (or to the completion object);
    /// on the Responses API, to every event (or to the `response` object).
    pub fn extra_field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.script.extra_fields.push((name.into(), value));
        self
    }

    /// Streaming chat: omits `id`, `object`, `created` and `model` from every chunk.
    pub fn minimal_chunks(mut self, yes: bool) -> Self {
        self.shape.minimal_chunks = yes;
        self
    }

    /// Streaming chat: ends after the last chunk without `data: [DONE]` (a Responses
    /// stream never has one).
    pub fn without_done(mut self) -> Self {
        self.shape.without_done = true;
        self
    }

    /// Responses: the `encrypted_content` of the reasoning item, the opaque blob a
    /// client sends back to continue the reasoning (default: a blob derived from the
    /// item, the same for the same reply). It is sent only when the request's
    /// `include` has `"reasoning.encrypted_content"`, as the API does; a reply with
    /// this and no reasoning text has a reasoning item with an empty `summary`. Chat
    /// ignores it.
    pub fn encrypted_reasoning(mut self, blob: impl Into<String>) -> Self {
        self.script.encrypted_reasoning = Some(blob.into());
        self
    }

    /// The model stopped early for `reason` (`"max_output_tokens"` or
    /// `"content_filter"`). Responses: the stream ends with `response.incomplete`, the
    /// `response` has `status: "incomplete"` and `incomplete_details.reason`, and its
    /// last output item has `status: "incomplete"`. Chat: unless
    /// [`Reply::finish_reason`] says otherwise, the finish reason is `"length"` for
    /// `max_output_tokens`, `"content_filter"` for `content_filter`, `reason` itself
    /// for anything else.
    pub fn incomplete(mut self, reason: impl Into<String>) -> Self {
        self.script.outcome = Outcome::Incomplete(reason.into());
        self
    }

    /// The model failed with this error (`code` as the Responses API reports it:
    /// `"server_error"`, `"rate_limit_exceeded"`, `"invalid_prompt"`…). Responses: the
    /// scripted output streams, then `response.failed` whose `response` has
    /// `status: "failed"` and `error: {"code", "message"}` (non-streaming: that
    /// `response` object, status 200). A failed reply has a message item only when
    /// [`Reply::content`] was set. Chat: after the scripted deltas comes
    /// `data: {"error":{"message","type":<code>,"param":null,"code":<code>}}` and no
    /// finish chunk or `[DONE]`; non-streaming: status 500 (or [`Reply::status`]) with
    /// that `{"error":{…}}` body.
    pub fn failed(mut self, code: impl Into<String>, message: impl Into<String>) -> Self {
        self.script.outcome = Outcome::Failed {
            code: code.into(),
            message: message.into(),
        };
        self
    }

    /// Streaming: text, reasoning and tool arguments are split into deltas of this
    /// many characters (default 4; `0` sends each in one delta).
    pub fn text_chunk_chars(mut self, chars: usize) -> Self {
        self.shape.text_chunk_chars = Some(chars);
        self
    }

    /// Streaming: the line terminator of generated SSE lines (default `\n`).
    pub fn line_ending(mut self, ending: LineEnding) -> Self {
        self.shape.format.line_ending = ending;
        self
    }

    /// Streaming: writes `data:{…}` instead of `data: {…}`.
    pub fn data_without_space(mut self, yes: bool) -> Self {
        self.shape.format.data_without_space = yes;
        self
    }

    /// Streaming: writes each chunk as pretty-printed JSON over several `data:` lines.
    pub fn multi_line_data(mut self, yes: bool) -> Self {
        self.shape.format.multi_line_data = yes;
        self
    }

    /// Streaming: writes an SSE comment (`: OPENROUTER PROCESSING`) before the first
    /// event and a `: keep-alive` comment before every other event.
    pub fn keep_alive_comments(mut self, yes: bool) -> Self {
        self.shape.format.keep_alive_comments = yes;
        self
    }

    /// How the body is cut into writes (default [`Chunking::PerEvent`]).
    pub fn chunking(mut self, chunking: Chunking) -> Self {
        self.delivery.chunking = chunking;
        self
    }

    /// Pause between consecutive writes (default none).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delivery.delay = delay;
        self
    }

    /// Pause before the response headers (overrides the simulator-wide setting from
    /// [`crate::SimulatorBuilder::first_byte_delay`]).
    pub fn first_byte_delay(mut self, delay: Duration) -> Self {
        self.delivery.first_byte_delay = Some(delay);
        self
    }

    /// Sets the HTTP status of a structured or raw SSE reply (default 200).
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a response header (`retry-after`, `retry-after-ms`, `x-should-retry`,
    /// `x-request-id`…); a `content-type` given here replaces the default one.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a fault to this reply (see [`Fault`]); a later call replaces it.
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// How many events are written before an inserted fault ([`Fault::Stall`],
    /// [`Fault::MalformedJson`], [`Fault::HugeEvent`], [`Fault::EventError`],
    /// [`Fault::StreamError`]); default 1.
    pub fn fault_after(mut self, events: usize) -> Self {
        self.fault_after = events;
        self
    }
}
