//! Turning a [`Reply`] and the request it answers into a [`Plan`]: status, headers,
//! and the exact sequence of writes, pauses and cuts, faults and chunking applied.

use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::render::{self, Event, RequestInfo};
use crate::reply::{Chunking, Fault, Outcome, RawSse, Reply, ReplyBody};
use crate::responses;

/// One step of writing a response body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// Hand these bytes to the connection (one HTTP body frame).
    Write(Bytes),
    /// Write nothing for this long.
    Pause(Duration),
    /// Drop the connection once everything before has been flushed.
    Cut,
}

/// Everything the server needs to answer one request.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) status: u16,
    /// Response headers; `content-type` first (unless the reply overrides it).
    pub(crate) headers: Vec<(String, String)>,
    /// The declared body length (non-SSE bodies only).
    pub(crate) content_length: Option<usize>,
    pub(crate) steps: Vec<Step>,
    /// Close the socket instead of answering.
    pub(crate) close_before_response: bool,
    /// Pause before the headers, when the reply sets one.
    pub(crate) first_byte_delay: Option<Duration>,
    /// Written again and again after the steps, until the client goes away.
    pub(crate) repeat: Option<Repeat>,
}

/// What an endless body writes after its steps, one body frame at a time.
#[derive(Debug, Clone)]
pub(crate) enum Repeat {
    /// These bytes every time.
    Same(Bytes),
    /// `before`, a counter from `next` on, `after` (a Responses event's
    /// `sequence_number`).
    Numbered {
        before: Bytes,
        after: Bytes,
        next: u64,
    },
}

impl Repeat {
    /// The next frame.
    pub(crate) fn next_frame(&mut self) -> Bytes {
        match self {
            Self::Same(bytes) => bytes.clone(),
            Self::Numbered {
                before,
                after,
                next,
            } => {
                let number = next.to_string();
                *next = next.saturating_add(1);
                let mut frame = BytesMut::with_capacity(before.len() + number.len() + after.len());
                frame.extend_from_slice(before);
                frame.extend_from_slice(number.as_bytes());
                frame.extend_from_slice(after);
                frame.freeze()
            }
        }
    }
}

const SSE: &str = "text/event-stream";
const JSON: &str = "application/json";
const TEXT: &str = "text/plain; charset=utf-8";

impl Plan {
    /// The plan for `reply` answering `request`.
    pub(crate) fn new(reply: &Reply, request: &RequestInfo) -> Self {
        let fault = reply.fault.as_ref();
        let mut repeat = None;
        let (status, content_type, body) = match &reply.body {
            ReplyBody::Fixed { status, body } => {
                let kind = if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
                    JSON
                } else {
                    TEXT
                };
                (*status, kind, Body::Whole(body.clone()))
            }
            ReplyBody::RawSse(raw) => (
                reply.status.unwrap_or(200),
                SSE,
                raw_events(raw, reply, request),
            ),
            ReplyBody::Endless {
                head,
                repeat: again,
            } => {
                repeat = Some(Repeat::Same(again.clone()));
                let head = vec![Item::Event(head.clone())];
                (reply.status.unwrap_or(200), SSE, Body::Events(head))
            }
            ReplyBody::EndlessToolCall { fragment_bytes } => {
                let (head, again) = endless_tool_call(*fragment_bytes, request);
                repeat = Some(again);
                let head = vec![Item::Event(head)];
                (reply.status.unwrap_or(200), SSE, Body::Events(head))
            }
            ReplyBody::Scripted if request.stream => (
                reply.status.unwrap_or(200),
                SSE,
                Body::Events(structured_events(reply, request)),
            ),
            ReplyBody::Scripted => {
                let (status, body) = structured_completion(reply, request);
                (reply.status.unwrap_or(status), JSON, Body::Whole(body))
            }
        };

        let mut headers = Vec::with_capacity(reply.headers.len() + 1);
        let overrides_type = reply
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
        if !overrides_type {
            headers.push(("content-type".to_owned(), content_type.to_owned()));
        }
        headers.extend(reply.headers.iter().cloned());

        let (content_length, items) = match body {
            Body::Whole(bytes) => (Some(bytes.len()), whole_body_items(bytes, fault)),
            Body::Events(items) => (None, items),
        };
        let mut steps = chunk(items, reply.delivery.chunking, reply.delivery.delay);
        if let Some(Fault::CutAfterBytes(limit)) = fault {
            steps = cut_after_bytes(steps, *limit);
        }
        Self {
            status,
            headers,
            content_length,
            steps,
            close_before_response: fault == Some(&Fault::CloseBeforeResponse),
            first_byte_delay: reply.delivery.first_byte_delay,
            repeat,
        }
    }
}

/// The head and the repeated part of [`Reply::endless_tool_call_arguments`].
fn endless_tool_call(fragment_bytes: usize, request: &RequestInfo) -> (Bytes, Repeat) {
    if let Some(responses) = &request.responses {
        return responses::endless_tool_call(fragment_bytes, request, responses);
    }
    let head = concat!(
        r#"data: {"id":"chatcmpl-endless","object":"chat.completion.chunk","created":1700000000,"model":"sim","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"endless","arguments":""}}]},"finish_reason":null}]}"#,
        "\n\n"
    );
    let repeat = format!(
        "data: {{\"id\":\"chatcmpl-endless\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"sim\",\"choices\":[{{\"index\":0,\"delta\":{{\"tool_calls\":[{{\"index\":0,\"function\":{{\"arguments\":\"{}\"}}}}]}},\"finish_reason\":null}}]}}\n\n",
        "a".repeat(fragment_bytes)
    );
    (
        Bytes::from_static(head.as_bytes()),
        Repeat::Same(Bytes::from(repeat)),
    )
}

/// A body before chunking.
enum Body {
    /// One JSON or text body with a declared length.
    Whole(Bytes),
    /// SSE events, faults already applied.
    Events(Vec<Item>),
}

/// A body piece before chunking.
#[derive(Debug)]
enum Item {
    Event(Bytes),
    Pause(Duration),
    Cut,
    /// Stop here: the HTTP body ends cleanly.
    End,
}

fn structured_events(reply: &Reply, request: &RequestInfo) -> Vec<Item> {
    if let Some(responses) = &request.responses {
        // Inserted faults are placed (and numbered) while rendering.
        let events = responses::stream_events(reply, request, responses);
        return apply_stream_fault(events, reply.fault.as_ref(), reply.fault_after);
    }
    let mut events = render::stream_events(&reply.script, &reply.shape, request);
    let format = reply.shape.format;
    let inserted = match &reply.fault {
        Some(Fault::MalformedJson) => Some(Event::data(render::malformed_event(format, request))),
        Some(Fault::HugeEvent(size)) => Some(Event::data(render::huge_event(
            &reply.script,
            &reply.shape,
            request,
            *size,
        ))),
        Some(Fault::EventError(data)) => Some(Event::data(render::error_event(format, data))),
        Some(Fault::StreamError { code, message }) => {
            Some(Event::data(render::chat_error_event(format, code, message)))
        }
        _ => None,
    };
    if let Some(event) = inserted {
        let at = index_after_counted(&events, reply.fault_after);
        events.insert(at, event);
        if ends_stream(reply.fault.as_ref()) {
            events.truncate(at + 1);
            return apply_stream_fault(events, None, reply.fault_after);
        }
    }
    apply_stream_fault(events, reply.fault.as_ref(), reply.fault_after)
}

/// An inserted fault after which nothing more is written.
fn ends_stream(fault: Option<&Fault>) -> bool {
    matches!(
        fault,
        Some(Fault::EventError(_) | Fault::StreamError { .. })
    )
}

/// Where the event after the first `n` counted events goes.
fn index_after_counted(events: &[Event], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let mut seen = 0;
    for (index, event) in events.iter().enumerate() {
        if event.counted {
            seen += 1;
            if seen == n {
                return index + 1;
            }
        }
    }
    events.len()
}

/// Applies the faults that stop or pause a stream; `[DONE]` is never written before a
/// cut or an early end.
fn apply_stream_fault(events: Vec<Event>, fault: Option<&Fault>, fault_after: usize) -> Vec<Item> {
    let stop = match fault {
        Some(Fault::CutAfterEvents(n)) => Some((*n, Item::Cut)),
        Some(Fault::EndAfterEvents(n)) => Some((*n, Item::End)),
        _ => None,
    };
    let stall = match fault {
        Some(Fault::Stall(duration)) => {
            Some((index_after_counted(&events, fault_after), *duration))
        }
        _ => None,
    };
    let mut items = Vec::with_capacity(events.len() + 2);
    let mut written = 0;
    let mut silence_placed = false;
    for (index, event) in events.into_iter().enumerate() {
        if let Some((at, duration)) = stall
            && at == index
        {
            items.push(Item::Pause(duration));
            silence_placed = true;
        }
        if let Some((limit, _)) = &stop
            && event.counted
            && (written == *limit || event.done)
        {
            break;
        }
        written += usize::from(event.counted);
        items.push(Item::Event(event.bytes));
    }
    if let Some((_, duration)) = stall
        && !silence_placed
    {
        // Fewer events than `fault_after`: the silence comes last.
        items.push(Item::Pause(duration));
    }
    if let Some((_, end)) = stop {
        items.push(end);
    }
    items
}

fn raw_events(raw: &RawSse, reply: &Reply, request: &RequestInfo) -> Body {
    let mut events = Vec::with_capacity(raw.event_ends.len());
    let mut start = 0;
    for &end in raw.event_ends.iter() {
        let bytes = raw.bytes.slice(start..end);
        let counted = is_data_event(&bytes);
        events.push(Event {
            bytes,
            counted,
            done: false,
        });
        start = end;
    }
    let inserted = reply
        .fault
        .as_ref()
        .and_then(|fault| raw_inserted(fault, reply.fault_after, request));
    if let Some(bytes) = inserted {
        let at = index_after_counted(&events, reply.fault_after);
        events.insert(at, Event::data(bytes));
        if ends_stream(reply.fault.as_ref()) {
            events.truncate(at + 1);
            return Body::Events(apply_stream_fault(events, None, reply.fault_after));
        }
    }
    Body::Events(apply_stream_fault(
        events,
        reply.fault.as_ref(),
        reply.fault_after,
    ))
}

/// The event an inserted fault puts into raw SSE, in the shape of the request's API
/// (a Responses event is numbered `fault_after`, as if the raw events counted from 0).
fn raw_inserted(fault: &Fault, fault_after: usize, request: &RequestInfo) -> Option<Bytes> {
    let format = crate::sse::Format::default();
    let number = u64::try_from(fault_after).unwrap_or(u64::MAX);
    let responses = request.responses.is_some();
    let target = "msg_sim_raw";
    Some(match fault {
        Fault::MalformedJson if responses => responses::malformed_event(format, number, target, 0),
        Fault::MalformedJson => render::malformed_event(
            format,
            &RequestInfo {
                stream: true,
                model: None,
                number: 0,
                responses: None,
            },
        ),
        Fault::HugeEvent(size) if responses => {
            responses::huge_event(format, number, target, 0, *size, &[])
        }
        Fault::HugeEvent(size) => huge_raw_event(*size),
        Fault::EventError(data) => render::error_event(format, data),
        Fault::StreamError { code, message } if responses => {
            responses::error_event(format, number, code, message, &[])
        }
        Fault::StreamError { code, message } => render::chat_error_event(format, code, message),
        _ => return None,
    })
}

/// A raw event counts when it has a line that is neither blank nor a comment.
fn is_data_event(event: &[u8]) -> bool {
    event
        .split(|byte| *byte == b'\n' || *byte == b'\r')
        .any(|line| !line.is_empty() && line[0] != b':')
}

fn huge_raw_event(size: usize) -> Bytes {
    let request = RequestInfo {
        stream: true,
        model: None,
        number: 0,
        responses: None,
    };
    render::huge_event(
        &crate::reply::Script::default(),
        &crate::reply::StreamShape::default(),
        &request,
        size,
    )
}

/// The default status and the JSON body of a structured reply to a non-streamed
/// request, faults applied.
fn structured_completion(reply: &Reply, request: &RequestInfo) -> (u16, Bytes) {
    let script = &reply.script;
    let body = match (&reply.fault, &request.responses) {
        (Some(Fault::StreamError { code, message }), _) => {
            return (500, Bytes::from(render::chat_error_body(code, message)));
        }
        (Some(Fault::EventError(data)), _) => Bytes::from(crate::sse::to_json(data, false)),
        (Some(Fault::MalformedJson), Some(_)) => responses::malformed_body(script, request),
        (Some(Fault::MalformedJson), None) => render::malformed_completion(request),
        (Some(Fault::HugeEvent(size)), Some(responses)) => {
            responses::response_body(script, request, responses, Some(&"x".repeat(*size)))
        }
        (_, Some(responses)) => responses::response_body(script, request, responses, None),
        (_, None) => {
            if let Outcome::Failed { code, message } = &script.outcome {
                return (500, Bytes::from(render::chat_error_body(code, message)));
            }
            let huge = match &reply.fault {
                Some(Fault::HugeEvent(size)) => Some("x".repeat(*size)),
                _ => None,
            };
            render::completion_body(script, request, huge.as_deref())
        }
    };
    (200, body)
}

/// A whole body with its faults: cut or ended at half, or stalled before.
fn whole_body_items(body: Bytes, fault: Option<&Fault>) -> Vec<Item> {
    match fault {
        Some(Fault::CutAfterEvents(_) | Fault::EndAfterEvents(_)) => {
            vec![Item::Event(body.slice(..body.len() / 2)), Item::Cut]
        }
        Some(Fault::Stall(duration)) => vec![Item::Pause(*duration), Item::Event(body)],
        _ => vec![Item::Event(body)],
    }
}

/// Cuts events into writes and puts `delay` between writes.
fn chunk(items: Vec<Item>, chunking: Chunking, delay: Duration) -> Vec<Step> {
    let mut writer = Writer {
        steps: Vec::with_capacity(items.len() * if delay.is_zero() { 1 } else { 2 }),
        pending: BytesMut::new(),
        chunking,
        delay,
        wrote_any: false,
    };
    for item in items {
        match item {
            Item::Event(bytes) if chunking == Chunking::PerEvent => writer.write(bytes),
            Item::Event(bytes) => writer.pending.extend_from_slice(&bytes),
            Item::Pause(duration) => {
                writer.flush();
                writer.steps.push(Step::Pause(duration));
            }
            Item::Cut => {
                writer.flush();
                writer.steps.push(Step::Cut);
                return writer.steps;
            }
            Item::End => break,
        }
    }
    writer.flush();
    writer.steps
}

/// Accumulates the steps of [`chunk`].
struct Writer {
    steps: Vec<Step>,
    /// Bytes joined for [`Chunking::Single`] and [`Chunking::Bytes`].
    pending: BytesMut,
    chunking: Chunking,
    delay: Duration,
    wrote_any: bool,
}

impl Writer {
    fn write(&mut self, bytes: Bytes) {
        if bytes.is_empty() {
            return;
        }
        if self.wrote_any && !self.delay.is_zero() {
            self.steps.push(Step::Pause(self.delay));
        }
        self.wrote_any = true;
        self.steps.push(Step::Write(bytes));
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let joined = self.pending.split().freeze();
        match self.chunking {
            Chunking::Bytes(n) => {
                let n = n.max(1);
                let mut start = 0;
                while start < joined.len() {
                    let end = (start + n).min(joined.len());
                    self.write(joined.slice(start..end));
                    start = end;
                }
            }
            _ => self.write(joined),
        }
    }
}

/// Keeps the first `limit` body bytes, then cuts.
fn cut_after_bytes(steps: Vec<Step>, limit: usize) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    let mut left = limit;
    for step in steps {
        match step {
            Step::Write(bytes) if bytes.len() >= left => {
                if left > 0 {
                    out.push(Step::Write(bytes.slice(..left)));
                }
                break;
            }
            Step::Write(bytes) => {
                left -= bytes.len();
                out.push(Step::Write(bytes));
            }
            Step::Cut => break,
            Step::Pause(duration) => out.push(Step::Pause(duration)),
        }
    }
    out.push(Step::Cut);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_request() -> RequestInfo {
        RequestInfo {
            stream: true,
            model: None,
            number: 1,
            responses: None,
        }
    }

    fn writes(steps: &[Step]) -> Vec<&[u8]> {
        steps
            .iter()
            .filter_map(|step| match step {
                Step::Write(bytes) => Some(&bytes[..]),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn delay_goes_between_writes_only() {
        let items = vec![
            Item::Event(Bytes::from_static(b"a")),
            Item::Event(Bytes::from_static(b"b")),
        ];
        let pause = Duration::from_millis(3);
        assert_eq!(
            chunk(items, Chunking::PerEvent, pause),
            [
                Step::Write(Bytes::from_static(b"a")),
                Step::Pause(pause),
                Step::Write(Bytes::from_static(b"b")),
            ]
        );
    }

    #[test]
    fn zero_delay_adds_no_pauses() {
        let plan = Plan::new(
            &Reply::text("abcdefgh").text_chunk_chars(1),
            &stream_request(),
        );
        assert!(plan.steps.iter().all(|step| matches!(step, Step::Write(_))));
        assert_eq!(plan.steps.len(), 1 + 8 + 1 + 1);
    }

    #[test]
    fn byte_chunking_splits_across_events() {
        let items = vec![
            Item::Event(Bytes::from_static(b"abc")),
            Item::Event(Bytes::from_static(b"defg")),
        ];
        let steps = chunk(items, Chunking::Bytes(2), Duration::ZERO);
        assert_eq!(writes(&steps), [&b"ab"[..], b"cd", b"ef", b"g"]);
    }

    #[test]
    fn byte_chunking_of_zero_means_one() {
        let steps = chunk(
            vec![Item::Event(Bytes::from_static(b"ab"))],
            Chunking::Bytes(0),
            Duration::ZERO,
        );
        assert_eq!(writes(&steps), [&b"a"[..], b"b"]);
    }

    #[test]
    fn single_chunking_joins_until_a_pause() {
        let pause = Duration::from_millis(5);
        let items = vec![
            Item::Event(Bytes::from_static(b"a")),
            Item::Event(Bytes::from_static(b"b")),
            Item::Pause(pause),
            Item::Event(Bytes::from_static(b"c")),
        ];
        assert_eq!(
            chunk(items, Chunking::Single, Duration::ZERO),
            [
                Step::Write(Bytes::from_static(b"ab")),
                Step::Pause(pause),
                Step::Write(Bytes::from_static(b"c")),
            ]
        );
    }

    #[test]
    fn stall_sits_after_fault_after_events() {
        let pause = Duration::from_secs(1);
        let reply = Reply::text("abcd")
            .with_fault(Fault::Stall(pause))
            .fault_after(2);
        let plan = Plan::new(&reply, &stream_request());
        let position = plan
            .steps
            .iter()
            .position(|step| step == &Step::Pause(pause));
        assert_eq!(position, Some(2));
    }

    #[test]
    fn stall_beyond_the_last_event_comes_last() {
        let pause = Duration::from_secs(1);
        let reply = Reply::text("a")
            .with_fault(Fault::Stall(pause))
            .fault_after(99);
        let plan = Plan::new(&reply, &stream_request());
        assert_eq!(plan.steps.last(), Some(&Step::Pause(pause)));
    }

    #[test]
    fn cut_after_bytes_keeps_exactly_that_many() {
        let steps = vec![
            Step::Write(Bytes::from_static(b"abc")),
            Step::Pause(Duration::from_millis(1)),
            Step::Write(Bytes::from_static(b"def")),
        ];
        let cut = cut_after_bytes(steps, 4);
        assert_eq!(writes(&cut).concat(), b"abcd");
        assert_eq!(cut.last(), Some(&Step::Cut));
    }

    #[test]
    fn end_after_zero_events_writes_nothing() {
        let reply = Reply::text("abcd").with_fault(Fault::EndAfterEvents(0));
        assert!(Plan::new(&reply, &stream_request()).steps.is_empty());
    }

    #[test]
    fn raw_comments_are_not_counted_as_events() {
        assert!(!is_data_event(b": keep-alive\r\n\r\n"));
        assert!(!is_data_event(b"\n"));
        assert!(is_data_event(b"event: x\ndata: 1\n\n"));
    }

    #[test]
    fn close_before_response_is_flagged() {
        let plan = Plan::new(&Reply::fault(Fault::CloseBeforeResponse), &stream_request());
        assert!(plan.close_before_response);
    }

    #[test]
    fn whole_bodies_declare_their_length() {
        let request = RequestInfo {
            stream: false,
            ..stream_request()
        };
        let plan = Plan::new(&Reply::error(500, "oops"), &request);
        assert_eq!(plan.content_length, Some(4));
        assert_eq!(
            plan.headers[0],
            ("content-type".to_owned(), TEXT.to_owned())
        );
    }
}
