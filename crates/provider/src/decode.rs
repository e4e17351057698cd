//! [`EventDecoder`]: the synchronous core of a stream — SSE bytes in, typed
//! [`StreamEvent`]s out — with no I/O, so it can decode a recorded stream, feed on
//! bytes from any HTTP client, or be measured on its own. [`ChatStream`](crate::ChatStream)
//! is this decoder driven by a socket.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;

use oac_pricing::ModelPrices;
use reqwest::header::HeaderMap;

use crate::assemble::{Assembler, ChunkProblem, ReplyLimits, StreamMetadata};
use crate::classify::{self, Exchange};
use crate::error::Error;
use crate::response::StreamEvent;
use crate::responses::events::{Step, Translator};
use crate::responses::object::ResponseObject;
use crate::sse::{DEFAULT_MAX_EVENT_BYTES, SseDecoder, SseError};
use crate::transport::Limits;
use crate::wire::WireResponse;
use oac_url::WireApi;

/// Most bytes of a non-SSE body kept to read it at the end of the input.
const MAX_PREAMBLE_BYTES: usize = 64 * 1024;

/// Decodes a chat-completions event stream.
///
/// Feed bytes as they arrive, take events until [`next_event`](Self::next_event)
/// returns `None`, repeat; at the end of the input call
/// [`end_of_input`](Self::end_of_input) and take the last events: they end with
/// [`Error::StreamEndedEarly`] when the stream stopped before `[DONE]` or a finish
/// reason.
///
/// ```
/// use oac_provider::{EventDecoder, StreamEvent};
///
/// let mut decoder = EventDecoder::new();
/// decoder.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
/// decoder.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
/// let mut events = Vec::new();
/// while let Some(event) = decoder.next_event() {
///     events.push(event.unwrap());
/// }
/// decoder.end_of_input();
/// assert!(decoder.next_event().is_none());
/// assert_eq!(events[0], StreamEvent::TextDelta("Hi".into()));
/// assert!(decoder.is_done());
/// ```
pub struct EventDecoder {
    sse: SseDecoder,
    assembler: Assembler,
    queue: VecDeque<StreamEvent>,
    done: bool,
    failed: bool,
    /// An error to hand out once the events before it were taken.
    pending_error: Option<Error>,
    /// The first bytes of the input, kept until the first SSE event shows the input
    /// is an event stream: a body that is not one (an error object sent with a
    /// success status) is read from here at the end.
    preamble: Option<Vec<u8>>,
    exchange: Exchange,
    headers: HeaderMap,
    /// Events with data decoded so far (comment lines and empty events not counted).
    data_events: u64,
    /// The Responses API's event translation; `None` for chat completions.
    responses: Option<Box<Translator>>,
    /// Each chunk is read into this one value, so its allocations are reused.
    scratch: WireResponse,
}

impl fmt::Debug for EventDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventDecoder")
            .field("sse", &self.sse)
            .field("queued", &self.queue.len())
            .field("done", &self.done)
            .finish()
    }
}

impl Default for EventDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventDecoder {
    /// A decoder that splits `<think>` tags, prices nothing (cost unknown) and
    /// allows events up to 32 MiB.
    pub fn new() -> Self {
        Self::with_options(true, ModelPrices::default(), DEFAULT_MAX_EVENT_BYTES)
    }

    /// A decoder with these settings: `<think>` splitting, the prices usage is
    /// costed with, and the largest event accepted (the other limits are the
    /// defaults of [`Limits`]).
    pub fn with_options(
        parse_think_tags: bool,
        prices: ModelPrices,
        max_event_bytes: usize,
    ) -> Self {
        let limits = Limits {
            max_event_bytes,
            ..Limits::default()
        };
        Self::with_limits(parse_think_tags, prices, &limits)
    }

    /// A decoder with these limits: the largest event, and how large the assembled
    /// reply and its tool-call list may grow (beyond them, [`Error::TooLarge`]).
    pub fn with_limits(parse_think_tags: bool, prices: ModelPrices, limits: &Limits) -> Self {
        Self::for_exchange(
            parse_think_tags,
            Arc::new(prices),
            limits,
            Exchange::offline(),
            HeaderMap::new(),
        )
    }

    pub(crate) fn for_exchange(
        parse_think_tags: bool,
        prices: Arc<ModelPrices>,
        limits: &Limits,
        exchange: Exchange,
        headers: HeaderMap,
    ) -> Self {
        let reply = ReplyLimits {
            max_reply_bytes: limits.max_reply_bytes,
            max_tool_calls: limits.max_tool_calls,
        };
        EventDecoder {
            sse: SseDecoder::with_max_event_bytes(limits.max_event_bytes),
            assembler: Assembler::new(parse_think_tags, prices, reply),
            queue: VecDeque::new(),
            done: false,
            failed: false,
            pending_error: None,
            preamble: Some(Vec::new()),
            exchange,
            headers,
            data_events: 0,
            responses: None,
            scratch: WireResponse::default(),
        }
    }

    /// The same decoder for the events of `api`: chat-completion chunks (the
    /// default) or the Responses API's typed events, decoded into the same
    /// [`StreamEvent`]s.
    ///
    /// ```
    /// use oac_provider::{EventDecoder, StreamEvent, WireApi};
    ///
    /// let mut decoder = EventDecoder::new().with_api(WireApi::Responses);
    /// decoder.feed(b"event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"Hi\"}\n\n");
    /// decoder.feed(b"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n");
    /// decoder.end_of_input();
    /// let mut events = Vec::new();
    /// while let Some(event) = decoder.next_event() {
    ///     events.push(event.unwrap());
    /// }
    /// assert_eq!(events[0], StreamEvent::TextDelta("Hi".into()));
    /// assert!(decoder.is_done());
    /// ```
    #[must_use]
    pub fn with_api(mut self, api: WireApi) -> Self {
        self.responses = (api == WireApi::Responses).then(Box::default);
        self
    }

    /// A decoder that only hands out `events` (a reply that arrived whole).
    pub(crate) fn finished_with(
        events: VecDeque<StreamEvent>,
        meta: StreamMetadata,
        exchange: Exchange,
    ) -> Self {
        let mut decoder = Self::for_exchange(
            false,
            Arc::default(),
            &Limits::default(),
            exchange,
            HeaderMap::new(),
        );
        decoder.queue = events;
        decoder.assembler.meta = meta;
        decoder.done = true;
        decoder.preamble = None;
        decoder
    }

    /// Add bytes received. Bytes after the end of the stream are ignored.
    pub fn feed(&mut self, bytes: &[u8]) {
        if !self.done && !self.failed {
            if let Some(preamble) = &mut self.preamble {
                let room = MAX_PREAMBLE_BYTES.saturating_sub(preamble.len());
                preamble.extend_from_slice(&bytes[..bytes.len().min(room)]);
            }
            self.sse.feed(bytes);
        }
    }

    /// The next event, or `None` when more bytes are needed (or the stream is over).
    /// After an error, `None` forever.
    pub fn next_event(&mut self) -> Option<Result<StreamEvent, Error>> {
        if let Some(event) = self.queue.pop_front() {
            return Some(Ok(event));
        }
        if let Some(error) = self.pending_error.take() {
            return Some(Err(error));
        }
        if self.failed {
            return None;
        }
        if let Err(error) = self.decode_buffered() {
            // Events decoded before the error (earlier lines of a joined event) come
            // first.
            self.failed = true;
            self.pending_error = Some(error);
        }
        match self.queue.pop_front() {
            Some(event) => Some(Ok(event)),
            None => self.pending_error.take().map(Err),
        }
    }

    /// The input ended (the connection closed). A stream that saw `[DONE]` or a
    /// finish reason ended properly: its held-back events (complete tool calls,
    /// usage) come next from [`next_event`](Self::next_event). Otherwise the events
    /// decoded so far come next, then [`Error::StreamEndedEarly`].
    ///
    /// Input that held no SSE event at all is read as what it is: a completion object
    /// is replayed as events, an error object (`{"error":…}`, `{"detail":…}`) becomes
    /// the provider's typed error, and anything else (an HTML page) a decode error
    /// saying it is not an event stream.
    pub fn end_of_input(&mut self) {
        if self.done || self.failed {
            return;
        }
        self.sse.finish();
        let mut result = self.decode_buffered_all();
        if result.is_ok()
            && !self.done
            && !self.assembler.finished()
            && let Some(preamble) = self.preamble.take()
        {
            result = self.read_non_sse(&preamble);
        }
        self.settle(
            result,
            "the connection closed before a finish reason or [DONE]",
        );
    }

    /// The connection broke. After a finish reason that is a normal end (as
    /// [`end_of_input`](Self::end_of_input)); otherwise the stream ended early with `cause`.
    pub(crate) fn broken(&mut self, cause: String) {
        if self.done || self.failed {
            return;
        }
        self.settle(Ok(()), &cause);
    }

    fn settle(&mut self, decoded: Result<(), Error>, early_cause: &str) {
        self.pending_error = match decoded {
            Err(error) => Some(error),
            // An empty reply found at the end stays to be handed out.
            Ok(()) if self.done => self.pending_error.take(),
            Ok(()) if self.assembler.finished() => self.end_properly(),
            Ok(()) => Some(self.ended_early(early_cause.to_owned())),
        };
        if self.pending_error.is_some() {
            self.failed = true;
        }
    }

    /// True once the stream ended properly (`[DONE]`, or the end of input after a
    /// finish reason); queued events may remain.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// True when nothing more will come: ended or failed, and every event taken.
    pub fn is_finished(&self) -> bool {
        (self.done || self.failed) && self.queue.is_empty() && self.pending_error.is_none()
    }

    /// Id, model, created and unknown top-level fields seen so far.
    pub fn metadata(&self) -> &StreamMetadata {
        &self.assembler.meta
    }

    /// How many events with data were decoded so far: comment lines (`: keep-alive`)
    /// and events without data do not count.
    pub fn data_events(&self) -> u64 {
        self.data_events
    }

    /// True once any text, reasoning or tool call was decoded.
    pub fn has_content(&self) -> bool {
        self.assembler.has_content()
    }

    pub(crate) fn take_metadata(&mut self) -> StreamMetadata {
        std::mem::take(&mut self.assembler.meta)
    }

    /// Metadata known before any chunk (chunks update it field by field).
    pub(crate) fn set_metadata(&mut self, meta: StreamMetadata) {
        self.assembler.meta = meta;
    }

    pub(crate) fn exchange(&self) -> &Exchange {
        &self.exchange
    }

    /// The stream ended properly: its held-back events are queued, and the error
    /// to hand out after them is returned when the reply was empty.
    fn end_properly(&mut self) -> Option<Error> {
        self.assembler
            .end(&mut self.queue, self.exchange.service_tier);
        self.done = true;
        self.assembler
            .is_empty_reply()
            .then(|| self.exchange.empty_reply(self.assembler.finish_reason()))
    }

    fn ended_early(&self, cause: String) -> Error {
        Error::StreamEndedEarly {
            host: self.exchange.host(),
            cause,
            details: self.exchange.details(),
        }
    }

    fn chunk_error(&self, problem: ChunkProblem) -> Error {
        chunk_error_of(&self.exchange, &self.headers, problem)
    }

    fn provider_error(&self, value: &serde_json::Value) -> Error {
        let body = classify::parse_error_value(value);
        classify::classify(None, &self.headers, &body, &self.exchange)
    }

    /// The whole input was not an event stream (no SSE event in it). A completion
    /// object is replayed as events; an error object is classified; anything else is
    /// a decode error. Input that looks like SSE (only comments, say) is left to the
    /// early-end rule.
    fn read_non_sse(&mut self, input: &[u8]) -> Result<(), Error> {
        let input = crate::sse::strip_bom(input);
        let start = input
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(input.len());
        let input = &input[start..];
        if input.is_empty()
            || [&b"data:"[..], b"event:", b":", b"id:", b"retry:"]
                .iter()
                .any(|field| input.starts_with(field))
        {
            return Ok(());
        }
        let text = String::from_utf8_lossy(input);
        if self.responses.is_some()
            && let Ok(object) = serde_json::from_slice::<ResponseObject>(input)
            && (object.status.is_some() || !object.output.is_empty())
        {
            let (wire, items) = object.into_wire();
            return self.responses_step(Step::End(wire, items));
        }
        match serde_json::from_slice::<WireResponse>(input) {
            Ok(wire) if wire.error.is_some() || !wire.choices.is_empty() => {
                let mut wire = wire;
                if let Err(problem) = self.assembler.chunk(&mut wire, &mut self.queue) {
                    return Err(self.chunk_error(problem));
                }
                if self.assembler.finished() {
                    self.pending_error = self.end_properly();
                }
                Ok(())
            }
            _ if serde_json::from_slice::<serde::de::IgnoredAny>(input).is_ok() => {
                let body = classify::parse_error_body(input);
                Err(classify::classify(
                    None,
                    &self.headers,
                    &body,
                    &self.exchange,
                ))
            }
            _ => Err(self.exchange.decode_error(
                "stream",
                "it is not an event stream (no `data:` line); check the base URL",
                &text,
                None,
            )),
        }
    }

    fn decode_buffered_all(&mut self) -> Result<(), Error> {
        loop {
            let before = self.queue.len();
            self.decode_until(usize::MAX)?;
            if self.queue.len() == before || self.done {
                return Ok(());
            }
        }
    }

    /// Decode buffered events until one is queued, the stream ends, or more bytes
    /// are needed.
    fn decode_buffered(&mut self) -> Result<(), Error> {
        self.decode_until(1)
    }

    fn decode_until(&mut self, wanted: usize) -> Result<(), Error> {
        while self.queue.len() < wanted && !self.done {
            let event = match self.sse.next_event() {
                None => return Ok(()),
                Some(Err(error)) => return Err(sse_error(&self.exchange, error)),
                Some(Ok(event)) => {
                    self.preamble = None;
                    event
                }
            };
            let data = trim(event.data);
            if event.event == Some("error") {
                let body = classify::parse_error_body(data.as_bytes());
                return Err(classify::classify(
                    None,
                    &self.headers,
                    &body,
                    &self.exchange,
                ));
            }
            if data.is_empty() {
                continue;
            }
            self.data_events += 1;
            if data == "[DONE]" {
                self.pending_error = self.end_properly();
                return Ok(());
            }
            if let Some(translator) = self.responses.as_mut() {
                let step = translator.step(data).map_err(|e| {
                    self.exchange.decode_error(
                        "stream event",
                        format!("it is not a Responses API event ({e})"),
                        data,
                        Some(Box::new(e)),
                    )
                })?;
                self.responses_step(step)?;
                continue;
            }
            match self.scratch.read_chunk(data, self.assembler.seed()) {
                Ok(()) => {
                    if let Err(problem) = self.assembler.chunk(&mut self.scratch, &mut self.queue) {
                        return Err(self.chunk_error(problem));
                    }
                }
                Err(first) => {
                    let done = read_joined_events(
                        data,
                        first,
                        &mut self.assembler,
                        &mut self.queue,
                        (&self.exchange, &self.headers),
                    )?;
                    if done {
                        self.pending_error = self.end_properly();
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}

impl EventDecoder {
    /// What one translated Responses API event asks: handed to the assembler,
    /// queued, the end of the stream, or the provider's error.
    fn responses_step(&mut self, step: Step) -> Result<(), Error> {
        match step {
            Step::Nothing => Ok(()),
            Step::Chunk(chunk) => self.assemble(chunk),
            Step::Event(event) => self
                .assembler
                .hand_on(event, &mut self.queue)
                .map_err(|problem| self.chunk_error(problem)),
            Step::End(chunk, items) => {
                for item in items {
                    self.assembler
                        .hand_on(StreamEvent::Reasoning(item), &mut self.queue)
                        .map_err(|problem| self.chunk_error(problem))?;
                }
                self.assemble(chunk)?;
                self.pending_error = self.end_properly();
                Ok(())
            }
            Step::Failed(error) => Err(self.provider_error(&serde_json::json!({ "error": error }))),
            Step::TooManyItems(limit) => Err(Error::TooLarge {
                what: "list of output items",
                host: self.exchange.host(),
                limit,
                unit: "item",
                setting: "max_tool_calls",
                details: self.exchange.details(),
            }),
        }
    }

    fn assemble(&mut self, mut chunk: WireResponse) -> Result<(), Error> {
        self.assembler
            .chunk(&mut chunk, &mut self.queue)
            .map_err(|problem| self.chunk_error(problem))
    }
}

/// `data` without surrounding whitespace; an event that starts and ends with a
/// visible ASCII byte (every JSON chunk) is returned as it is, without a scan.
fn trim(data: &str) -> &str {
    match (data.as_bytes().first(), data.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => data,
        _ => data.trim(),
    }
}

/// Each line of `data` as its own event (`None` for `[DONE]`), when `data` holds
/// several lines and every one of them parses.
fn split_joined_events(data: &str) -> Option<Vec<Option<WireResponse>>> {
    if !data.contains('\n') {
        return None;
    }
    data.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let line = line
                .strip_prefix("data:")
                .map(str::trim_start)
                .unwrap_or(line);
            if line == "[DONE]" {
                Some(None)
            } else {
                serde_json::from_str::<WireResponse>(line).ok().map(Some)
            }
        })
        .collect()
}

/// The error a chunk's problem is: the provider's error object classified, or a
/// limit passed.
fn chunk_error_of(exchange: &Exchange, headers: &HeaderMap, problem: ChunkProblem) -> Error {
    match problem {
        ChunkProblem::Provider(value) => {
            let body = classify::parse_error_value(&value);
            classify::classify(None, headers, &body, exchange)
        }
        ChunkProblem::TooLarge {
            what,
            limit,
            unit,
            setting,
        } => Error::TooLarge {
            what,
            host: exchange.host(),
            limit,
            unit,
            setting,
            details: exchange.details(),
        },
    }
}

/// The error of an SSE event the framing refused.
fn sse_error(exchange: &Exchange, error: SseError) -> Error {
    match error {
        SseError::EventTooLarge { limit } => Error::TooLarge {
            what: "stream event",
            host: exchange.host(),
            limit,
            unit: "byte",
            setting: "max_event_bytes",
            details: exchange.details(),
        },
        SseError::InvalidUtf8 { excerpt, .. } => {
            exchange.decode_error("stream event", "it is not valid UTF-8", &excerpt, None)
        }
    }
}

/// An event that is not one JSON chunk: some servers forget the blank line between
/// events, which joins several `data:` lines into one event, so they are read one by
/// one. `Ok(true)` when one of them was `[DONE]`; the JSON error of the whole event
/// when it is not such a join.
fn read_joined_events(
    data: &str,
    first: serde_json::Error,
    assembler: &mut Assembler,
    queue: &mut VecDeque<StreamEvent>,
    (exchange, headers): (&Exchange, &HeaderMap),
) -> Result<bool, Error> {
    let Some(parts) = split_joined_events(data) else {
        return Err(exchange.decode_error(
            "stream event",
            format!("it is not JSON ({first})"),
            data,
            Some(Box::new(first)),
        ));
    };
    for part in parts {
        match part {
            Some(mut chunk) => {
                if let Err(problem) = assembler.chunk(&mut chunk, queue) {
                    return Err(chunk_error_of(exchange, headers, problem));
                }
            }
            None => return Ok(true),
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Assembler, ReplyLimits};

    fn limits(max_reply_bytes: usize, max_tool_calls: usize) -> Limits {
        Limits {
            max_reply_bytes,
            max_tool_calls,
            ..Limits::default()
        }
    }

    /// Feed `chunks` (one SSE event each) and return the first error.
    fn first_error(decoder: &mut EventDecoder, chunks: impl Iterator<Item = String>) -> Error {
        for chunk in chunks {
            decoder.feed(format!("data: {chunk}\n\n").as_bytes());
            while let Some(event) = decoder.next_event() {
                if let Err(error) = event {
                    return error;
                }
            }
        }
        panic!("no error");
    }

    fn args(index: u32, id: Option<&str>, fragment: &str) -> String {
        let id = id.map_or(String::new(), |id| {
            format!(r#""id":"{id}","function":{{"name":"f","arguments":"{fragment}"}}"#)
        });
        let body = if id.is_empty() {
            format!(r#""function":{{"arguments":"{fragment}"}}"#)
        } else {
            id
        };
        format!(
            r#"{{"choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":{index},{body}}}]}}}}]}}"#
        )
    }

    #[test]
    fn endless_tool_call_arguments_stop_at_the_reply_limit() {
        let mut decoder =
            EventDecoder::with_limits(false, ModelPrices::default(), &limits(10_000, 8));
        let fragment = "a".repeat(1000);
        let chunks = std::iter::once(args(0, Some("c"), ""))
            .chain(std::iter::repeat_with(|| args(0, None, &fragment)).take(1000));
        let error = first_error(&mut decoder, chunks);
        assert!(
            matches!(
                error,
                Error::TooLarge {
                    limit: 10_000,
                    setting: "max_reply_bytes",
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(error.kind(), crate::ErrorKind::Decode);
        let message = error.to_string();
        assert!(message.contains("streamed reply"), "{message}");
        assert!(message.contains("max_reply_bytes"), "{message}");
        assert!(decoder.next_event().is_none());
    }

    #[test]
    fn too_many_tool_calls_is_an_error() {
        let mut decoder =
            EventDecoder::with_limits(false, ModelPrices::default(), &limits(1 << 20, 3));
        let chunks = (0..10).map(|i| args(i, Some(&format!("c{i}")), "{}"));
        let error = first_error(&mut decoder, chunks);
        assert!(
            matches!(
                error,
                Error::TooLarge {
                    limit: 3,
                    setting: "max_tool_calls",
                    unit: "tool-call",
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn text_reasoning_think_buffer_and_unknown_fields_count() {
        let cases: [fn(usize) -> String; 4] = [
            |i| {
                format!(
                    r#"{{"choices":[{{"index":0,"delta":{{"content":"{}"}}}}]}}"#,
                    "t".repeat(i)
                )
            },
            |i| {
                format!(
                    r#"{{"choices":[{{"index":0,"delta":{{"reasoning_content":"{}"}}}}]}}"#,
                    "r".repeat(i)
                )
            },
            // Whitespace before a possible `<think>` is held back by the splitter.
            |i| {
                format!(
                    r#"{{"choices":[{{"index":0,"delta":{{"content":"{}"}}}}]}}"#,
                    " ".repeat(i)
                )
            },
            |i| format!(r#"{{"x_{i}":"{}","choices":[]}}"#, "u".repeat(i)),
        ];
        for (n, case) in cases.into_iter().enumerate() {
            let mut decoder =
                EventDecoder::with_limits(true, ModelPrices::default(), &limits(5_000, 8));
            let error = first_error(&mut decoder, (0..100).map(|_| case(500)));
            assert!(
                matches!(
                    error,
                    Error::TooLarge {
                        setting: "max_reply_bytes",
                        ..
                    }
                ),
                "case {n}: {error:?}"
            );
        }
    }

    /// Chunks of every kind a stream may mix: the same bytes but the delta (what
    /// a template reads), and each field outside the delta changed in turn.
    fn chunk_variants() -> Vec<String> {
        let chunk = |id: &str, created: &str, model: &str, fp: &str, delta: &str, tail: &str| {
            format!(
                r#"{{"id":"{id}","object":"chat.completion.chunk","created":{created},"model":"{model}","system_fingerprint":{fp},"choices":[{{"index":0,"delta":{delta}{tail}}}]}}"#
            )
        };
        let plain = r#","logprobs":null,"finish_reason":null"#;
        vec![
            chunk("c1", "1", "m", r#""fp""#, r#"{"content":"a"}"#, plain),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"content":"b\n\u00e9"}"#,
                plain,
            ),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"reasoning_content":"r"}"#,
                plain,
            ),
            chunk("c1", "1", "m", r#""fp""#, "null", plain),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"content":"x","refusal":"no"}"#,
                plain,
            ),
            chunk("c2", "1", "m", r#""fp""#, r#"{"content":"c"}"#, plain),
            chunk("c1", "2", "m", r#""fp""#, r#"{"content":"d"}"#, plain),
            chunk("c1", "1", "m2", r#""fp""#, r#"{"content":"e"}"#, plain),
            chunk("c1", "1", "m", r#""fp2""#, r#"{"content":"f"}"#, plain),
            chunk("c1", "1", "m", r#"{"k":[1]}"#, r#"{"content":"g"}"#, plain),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"content":"h"}"#,
                r#","logprobs":{"t":1},"finish_reason":null"#,
            ),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"content":"i"},"delta":{"content":"j"}"#,
                plain,
            ),
            chunk(
                "c1",
                "1",
                "m",
                r#""fp""#,
                r#"{"content":"k"}"#,
                r#","usage":{"prompt_tokens":1}"#,
            ),
            r#"{"id":"c1","choices":[{"index":1,"delta":{"content":"other choice"}}]}"#.to_owned(),
            r#"{"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}"#
                .to_owned(),
        ]
    }

    #[test]
    fn chunks_read_with_a_template_mean_what_they_mean_read_whole() {
        let variants = chunk_variants();
        let mut state = 0x2545_f491_u64;
        let mut templated = 0;
        for _ in 0..300 {
            // Mostly the first chunk (so templates form), the others in between.
            let chunks: Vec<&String> = (0..40)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    let pick = (state >> 33) as usize % (variants.len() * 2);
                    &variants[if pick >= variants.len() {
                        pick % 3
                    } else {
                        pick
                    }]
                })
                .collect();
            let limits = ReplyLimits::default();
            let mut seeded = Assembler::new(true, Arc::default(), limits);
            let mut whole = Assembler::new(true, Arc::default(), limits);
            let mut scratch = WireResponse::default();
            let (mut a, mut b) = (VecDeque::new(), VecDeque::new());
            for data in &chunks {
                templated += usize::from(scratch.reading.template.is_some());
                scratch.read_chunk(data, seeded.seed()).unwrap();
                seeded.chunk(&mut scratch, &mut a).unwrap();
                let mut owned: WireResponse = serde_json::from_str(data).unwrap();
                whole.chunk(&mut owned, &mut b).unwrap();
                assert_eq!(a, b, "events after {chunks:?}");
                assert_eq!(seeded.meta, whole.meta, "metadata after {chunks:?}");
                assert_eq!(seeded.reply_bytes(), whole.reply_bytes());
            }
            seeded.end(&mut a, None);
            whole.end(&mut b, None);
            assert_eq!(a, b);
        }
        assert!(templated > 1_000, "templates were used {templated} times");
    }

    #[test]
    fn a_template_is_made_only_of_small_chunks() {
        let seed_chunks = |filler: usize| {
            let chunk = format!(
                r#"{{"id":"c","x":"{}","choices":[{{"index":0,"delta":{{"content":"a"}}}}]}}"#,
                "y".repeat(filler)
            );
            let mut assembler = Assembler::new(false, Arc::default(), ReplyLimits::default());
            let mut scratch = WireResponse::default();
            let mut out = VecDeque::new();
            for _ in 0..4 {
                scratch.read_chunk(&chunk, assembler.seed()).unwrap();
                assembler.chunk(&mut scratch, &mut out).unwrap();
            }
            assert_eq!(out.len(), 4);
            scratch.reading.template.is_some()
        };
        assert!(seed_chunks(100));
        assert!(!seed_chunks(8 * 1024));
    }

    #[test]
    fn a_reply_within_the_limits_is_whole() {
        let mut decoder = EventDecoder::with_limits(false, ModelPrices::default(), &limits(100, 1));
        decoder.feed(format!("data: {}\n\n", args(0, Some("c"), "{}")).as_bytes());
        decoder.feed(b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n");
        let mut events = Vec::new();
        while let Some(event) = decoder.next_event() {
            events.push(event.unwrap());
        }
        assert!(decoder.is_done());
        assert!(events.iter().any(|e| matches!(e, StreamEvent::ToolCall(_))));
    }
}
