//! Rendering a structured reply for a Responses API request (`POST …/responses`): as
//! typed SSE events (`response.created` … `response.completed`), or as one `response`
//! JSON object.

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::plan::Repeat;
use crate::render::{self, DEFAULT_TEXT_CHUNK_CHARS, Event, RequestInfo};
use crate::reply::{Fault, Outcome, Reply, Script, ToolCall};
use crate::responses_wire::{
    ArgumentsDeltaEvent, ArgumentsDoneEvent, ContentPartEvent, ErrorEvent, Extra, Item, ItemEvent,
    ItemKind, OutputText, OutputTextEvent, Params, ResponseEvent, ResponseObject, Status,
    SummaryPart, SummaryPartEvent, SummaryTextEvent, Typed, Usage,
};
use crate::sse::{self, Format};

/// The `include` value that asks for the reasoning item's `encrypted_content`.
const INCLUDE_ENCRYPTED: &str = "reasoning.encrypted_content";

/// What a Responses request asks of the reply, beyond [`RequestInfo`].
#[derive(Debug, Clone)]
pub(crate) struct ResponsesRequest {
    /// `include` has `"reasoning.encrypted_content"`.
    pub(crate) include_encrypted: bool,
    /// The parameters the `response` object repeats.
    pub(crate) params: Params,
}

impl ResponsesRequest {
    /// What the request body asks for.
    pub(crate) fn from_body(body: Option<&Value>) -> Self {
        let include_encrypted = body
            .and_then(|body| body.get("include"))
            .and_then(Value::as_array)
            .is_some_and(|include| {
                include
                    .iter()
                    .any(|value| value.as_str() == Some(INCLUDE_ENCRYPTED))
            });
        Self {
            include_encrypted,
            params: Params::from_body(body),
        }
    }
}

/// Everything every event of one response shares.
struct Rendered<'a> {
    id: String,
    /// The request's number (item ids count with it).
    number: u64,
    model: String,
    created_at: u64,
    items: Vec<Item<'a>>,
    usage: Option<Usage<'a>>,
    script: &'a Script,
    params: &'a Params,
}

impl<'a> Rendered<'a> {
    fn new(
        script: &'a Script,
        request: &'a RequestInfo,
        responses: &'a ResponsesRequest,
        text_override: Option<&'a str>,
    ) -> Self {
        let number = request.number;
        Self {
            id: script
                .id
                .clone()
                .unwrap_or_else(|| format!("resp_sim_{number}")),
            number,
            model: script
                .model
                .clone()
                .or_else(|| request.model.clone())
                .unwrap_or_else(|| crate::DEFAULT_MODEL.to_owned()),
            created_at: script.created.unwrap_or(crate::DEFAULT_CREATED),
            items: items(script, number, responses.include_encrypted, text_override),
            usage: script.usage.as_ref().map(Usage::of),
            script,
            params: &responses.params,
        }
    }

    /// The response object at `status`; `output` only once the items are done.
    fn object(&'a self, status: Status, extra_fields: &'a [(String, Value)]) -> ResponseObject<'a> {
        let done = status != Status::InProgress;
        let (error, incomplete_reason) = match (&self.script.outcome, done) {
            (Outcome::Failed { code, message }, true) => {
                (Some((code.as_str(), message.as_str())), None)
            }
            (Outcome::Incomplete(reason), true) => (None, Some(reason.as_str())),
            _ => (None, None),
        };
        ResponseObject {
            id: &self.id,
            created_at: self.created_at,
            status,
            error,
            incomplete_reason,
            model: &self.model,
            output: if done { &self.items } else { &[] },
            usage: self.usage.as_ref().filter(|_| done),
            params: self.params,
            extra_fields,
        }
    }

    /// The status, and the type of the event, that end the response.
    fn end(&self) -> (Status, &'static str) {
        match self.script.outcome {
            Outcome::Completed => (Status::Completed, "response.completed"),
            Outcome::Incomplete(_) => (Status::Incomplete, "response.incomplete"),
            Outcome::Failed { .. } => (Status::Failed, "response.failed"),
        }
    }

    /// The id and output index of the message item (where a huge or malformed text
    /// delta goes), or where one would be.
    fn message_target(&self) -> (String, usize) {
        self.items
            .iter()
            .enumerate()
            .find(|(_, item)| matches!(item.kind, ItemKind::Message { .. }))
            .map_or_else(
                || {
                    (
                        item_id("msg", self.number, self.items.len()),
                        self.items.len(),
                    )
                },
                |(index, item)| (item.id.clone(), index),
            )
    }
}

/// `rs_sim_N_I`, `msg_sim_N_I`, `fc_sim_N_I`: N the request's number, I the output
/// index (the same whatever [`Reply::id`] says).
fn item_id(prefix: &str, number: u64, index: usize) -> String {
    format!("{prefix}_sim_{number}_{index}")
}

/// The output items of a script: reasoning, then the message, then function calls.
fn items<'a>(
    script: &'a Script,
    number: u64,
    include_encrypted: bool,
    text_override: Option<&'a str>,
) -> Vec<Item<'a>> {
    let mut items = Vec::with_capacity(2 + script.tool_calls.len());
    let summary: Vec<&str> = [&script.reasoning_content, &script.reasoning_field]
        .into_iter()
        .filter_map(|text| text.as_deref())
        .collect();
    if !summary.is_empty() || script.encrypted_reasoning.is_some() {
        let id = item_id("rs", number, 0);
        let encrypted = include_encrypted.then(|| {
            script
                .encrypted_reasoning
                .clone()
                .unwrap_or_else(|| derived_blob(&id, &summary))
        });
        items.push(Item {
            id,
            kind: ItemKind::Reasoning { summary, encrypted },
            incomplete: false,
        });
    }
    let failed = matches!(script.outcome, Outcome::Failed { .. });
    let text = text_override.or(script.text.as_deref());
    if text.is_some() || (script.tool_calls.is_empty() && !failed) {
        items.push(Item {
            id: item_id("msg", number, items.len()),
            kind: ItemKind::Message {
                text: text.unwrap_or(""),
            },
            incomplete: false,
        });
    }
    for call in &script.tool_calls {
        items.push(Item {
            id: item_id("fc", number, items.len()),
            kind: ItemKind::FunctionCall { call },
            incomplete: false,
        });
    }
    if script.outcome != Outcome::Completed
        && let Some(last) = items.last_mut()
    {
        last.incomplete = true;
    }
    items
}

/// A deterministic stand-in for the opaque reasoning blob: the same item and summary
/// give the same blob (FNV-1a, so it does not change between Rust releases).
fn derived_blob(item_id: &str, summary: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in item_id
        .bytes()
        .chain(summary.iter().flat_map(|part| part.bytes()))
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("gAAAAABsim{hash:016x}")
}

/// A fault written into the stream at its place, rather than applied afterwards.
enum Insert<'a> {
    Malformed,
    Huge(usize),
    Raw(&'a Value),
    Error { code: &'a str, message: &'a str },
}

impl<'a> Insert<'a> {
    fn of(fault: Option<&'a Fault>) -> Option<Self> {
        match fault? {
            Fault::MalformedJson => Some(Self::Malformed),
            Fault::HugeEvent(size) => Some(Self::Huge(*size)),
            Fault::EventError(data) => Some(Self::Raw(data)),
            Fault::StreamError { code, message } => Some(Self::Error { code, message }),
            _ => None,
        }
    }

    /// The stream ends after it.
    fn ends(&self) -> bool {
        matches!(self, Self::Raw(_) | Self::Error { .. })
    }
}

/// Numbers and writes the events of one stream, placing an inserted fault.
struct Writer<'a> {
    format: Format,
    extra: &'a [(String, Value)],
    events: Vec<Event>,
    sequence_number: u64,
    insert: Option<Insert<'a>>,
    insert_after: usize,
    /// Where a huge or malformed text delta points: (item id, output index).
    target: (String, usize),
    ended: bool,
}

impl Writer<'_> {
    fn push<T: Serialize>(&mut self, kind: &str, body: T) {
        if self.sequence_number == u64::try_from(self.insert_after).unwrap_or(u64::MAX) {
            self.place_insert();
        }
        if self.ended {
            return;
        }
        let bytes = self.format.typed_event(
            kind,
            &Typed {
                kind,
                sequence_number: self.sequence_number,
                body,
                extra: Extra(self.extra),
            },
        );
        self.write(bytes);
    }

    fn write(&mut self, bytes: Bytes) {
        self.sequence_number += 1;
        render::push_event(&mut self.events, self.format, Event::data(bytes));
    }

    fn place_insert(&mut self) {
        let Some(insert) = self.insert.take() else {
            return;
        };
        let (item_id, output_index) = (self.target.0.as_str(), self.target.1);
        let number = self.sequence_number;
        let bytes = match &insert {
            Insert::Malformed => malformed_event(self.format, number, item_id, output_index),
            Insert::Huge(size) => huge_event(
                self.format,
                number,
                item_id,
                output_index,
                *size,
                self.extra,
            ),
            Insert::Raw(data) => render::error_event(self.format, data),
            Insert::Error { code, message } => {
                error_event(self.format, number, code, message, self.extra)
            }
        };
        self.write(bytes);
        self.ended = insert.ends();
    }

    /// The events; an insert the stream was too short for comes last.
    fn finish(mut self) -> Vec<Event> {
        self.place_insert();
        self.events
    }
}

/// The SSE events of a structured reply answering a Responses request, the inserted
/// faults ([`Fault::MalformedJson`], [`Fault::HugeEvent`], [`Fault::EventError`],
/// [`Fault::StreamError`]) in place.
pub(crate) fn stream_events(
    reply: &Reply,
    request: &RequestInfo,
    responses: &ResponsesRequest,
) -> Vec<Event> {
    let script = &reply.script;
    let rendered = Rendered::new(script, request, responses, None);
    let chars = reply
        .shape
        .text_chunk_chars
        .unwrap_or(DEFAULT_TEXT_CHUNK_CHARS);
    let mut writer = Writer {
        format: reply.shape.format,
        extra: &script.extra_fields,
        events: Vec::new(),
        sequence_number: 0,
        insert: Insert::of(reply.fault.as_ref()),
        insert_after: reply.fault_after,
        target: rendered.message_target(),
        ended: false,
    };
    for kind in ["response.created", "response.in_progress"] {
        let response = rendered.object(Status::InProgress, &[]);
        writer.push(kind, ResponseEvent { response });
    }
    for (output_index, item) in rendered.items.iter().enumerate() {
        let item_event = |done| ItemEvent {
            output_index,
            item: item.view(done),
        };
        writer.push("response.output_item.added", item_event(false));
        item_events(&mut writer, item, output_index, chars);
        writer.push("response.output_item.done", item_event(true));
    }
    let (status, kind) = rendered.end();
    let response = rendered.object(status, &[]);
    writer.push(kind, ResponseEvent { response });
    writer.finish()
}

/// The events between an item's `added` and `done`.
fn item_events(writer: &mut Writer<'_>, item: &Item<'_>, output_index: usize, chars: usize) {
    let item_id = item.id.as_str();
    match &item.kind {
        ItemKind::Reasoning { summary, .. } => {
            for (summary_index, text) in summary.iter().enumerate() {
                let part = |text| SummaryPartEvent {
                    item_id,
                    output_index,
                    summary_index,
                    part: SummaryPart { text },
                };
                let text_event = |delta, text| SummaryTextEvent {
                    item_id,
                    output_index,
                    summary_index,
                    delta,
                    text,
                };
                writer.push("response.reasoning_summary_part.added", part(""));
                for piece in render::pieces(text, chars) {
                    writer.push(
                        "response.reasoning_summary_text.delta",
                        text_event(Some(piece), None),
                    );
                }
                writer.push(
                    "response.reasoning_summary_text.done",
                    text_event(None, Some(text)),
                );
                writer.push("response.reasoning_summary_part.done", part(text));
            }
        }
        ItemKind::Message { text } => {
            let part = |text| ContentPartEvent {
                item_id,
                output_index,
                content_index: 0,
                part: OutputText { text },
            };
            writer.push("response.content_part.added", part(""));
            for piece in render::pieces(text, chars) {
                writer.push(
                    "response.output_text.delta",
                    OutputTextEvent::delta(item_id, output_index, piece),
                );
            }
            writer.push(
                "response.output_text.done",
                OutputTextEvent::done(item_id, output_index, text),
            );
            writer.push("response.content_part.done", part(text));
        }
        ItemKind::FunctionCall { call } => {
            for delta in render::pieces(&call.arguments, chars) {
                let event = ArgumentsDeltaEvent {
                    item_id,
                    output_index,
                    delta,
                };
                writer.push("response.function_call_arguments.delta", event);
            }
            let event = ArgumentsDoneEvent {
                item_id,
                name: &call.name,
                output_index,
                arguments: &call.arguments,
            };
            writer.push("response.function_call_arguments.done", event);
        }
    }
}

/// [`Reply::endless_tool_call_arguments`] on a Responses stream: `response.created`,
/// `response.in_progress` and the function call's `response.output_item.added`, then
/// its `response.function_call_arguments.delta` again and again, numbered on.
pub(crate) fn endless_tool_call(
    fragment_bytes: usize,
    request: &RequestInfo,
    responses: &ResponsesRequest,
) -> (Bytes, Repeat) {
    let script = Script {
        tool_calls: vec![ToolCall {
            id: "call_1".to_owned(),
            name: "endless".to_owned(),
            arguments: String::new(),
        }],
        ..Script::default()
    };
    let rendered = Rendered::new(&script, request, responses, None);
    let mut writer = Writer {
        format: Format::default(),
        extra: &[],
        events: Vec::new(),
        sequence_number: 0,
        insert: None,
        insert_after: 0,
        target: rendered.message_target(),
        ended: false,
    };
    for kind in ["response.created", "response.in_progress"] {
        let response = rendered.object(Status::InProgress, &[]);
        writer.push(kind, ResponseEvent { response });
    }
    let item = ItemEvent {
        output_index: 0,
        item: rendered.items[0].view(false),
    };
    writer.push("response.output_item.added", item);
    let next = writer.sequence_number;
    let head: Vec<u8> = writer
        .finish()
        .into_iter()
        .flat_map(|event| event.bytes)
        .collect();
    const KIND: &str = "response.function_call_arguments.delta";
    let before = format!("event: {KIND}\ndata: {{\"type\":\"{KIND}\",\"sequence_number\":");
    let after = format!(
        ",\"item_id\":{},\"output_index\":0,\"delta\":\"{}\"}}\n\n",
        Value::from(rendered.items[0].id.as_str()),
        "a".repeat(fragment_bytes)
    );
    let repeat = Repeat::Numbered {
        before: Bytes::from(before),
        after: Bytes::from(after),
        next,
    };
    (Bytes::from(head), repeat)
}

/// The `response` object of a structured reply answering a non-streamed Responses
/// request; `text_override` replaces the message text (for [`Fault::HugeEvent`]).
pub(crate) fn response_body(
    script: &Script,
    request: &RequestInfo,
    responses: &ResponsesRequest,
    text_override: Option<&str>,
) -> Bytes {
    let rendered = Rendered::new(script, request, responses, text_override);
    let (status, _) = rendered.end();
    let object = rendered.object(status, &script.extra_fields);
    Bytes::from(sse::to_json(&object, false))
}

/// A truncated `response` body (invalid JSON).
pub(crate) fn malformed_body(script: &Script, request: &RequestInfo) -> Bytes {
    let id = script
        .id
        .clone()
        .unwrap_or_else(|| format!("resp_sim_{}", request.number));
    let created_at = script.created.unwrap_or(crate::DEFAULT_CREATED);
    Bytes::from(format!(
        r#"{{"id":{},"object":"response","created_at":{created_at},"status":"completed","output":[{{"type":"message","content":[{{"type":"output_text","text":"trunc"#,
        Value::from(id)
    ))
}

/// A `response.output_text.delta` whose data is cut off mid-way (invalid JSON).
pub(crate) fn malformed_event(
    format: Format,
    number: u64,
    item_id: &str,
    output_index: usize,
) -> Bytes {
    let payload = format!(
        r#"{{"type":"response.output_text.delta","sequence_number":{number},"item_id":{},"output_index":{output_index},"content_index":0,"delta":"trunc"#,
        Value::from(item_id)
    );
    let format = Format {
        multi_line_data: false,
        ..format
    };
    format.named_event("response.output_text.delta", payload.as_bytes())
}

/// One valid `response.output_text.delta` event of exactly `size` bytes when `size`
/// allows (the event with an empty delta is the minimum).
pub(crate) fn huge_event(
    format: Format,
    number: u64,
    item_id: &str,
    output_index: usize,
    size: usize,
    extra: &[(String, Value)],
) -> Bytes {
    const KIND: &str = "response.output_text.delta";
    // Pretty printing would add indentation per line; a huge event is one line.
    let format = Format {
        multi_line_data: false,
        ..format
    };
    let render = |delta: &str| {
        let body = OutputTextEvent::delta(item_id, output_index, delta);
        format.typed_event(
            KIND,
            &Typed {
                kind: KIND,
                sequence_number: number,
                body,
                extra: Extra(extra),
            },
        )
    };
    let overhead = render("").len();
    render(&"x".repeat(size.saturating_sub(overhead)))
}

/// The documented `error` event: `{"type":"error","sequence_number":N,"code":…,
/// "message":…,"param":null}`.
pub(crate) fn error_event(
    format: Format,
    number: u64,
    code: &str,
    message: &str,
    extra: &[(String, Value)],
) -> Bytes {
    let body = ErrorEvent {
        code,
        message,
        param: None,
    };
    format.typed_event(
        "error",
        &Typed {
            kind: "error",
            sequence_number: number,
            body,
            extra: Extra(extra),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> (RequestInfo, ResponsesRequest) {
        let info = RequestInfo {
            stream: true,
            model: None,
            number: 1,
            responses: None,
        };
        (info, ResponsesRequest::from_body(None))
    }

    #[test]
    fn huge_event_has_the_exact_size() {
        let event = huge_event(Format::default(), 12, "msg_sim_1_0", 0, 5000, &[]);
        assert_eq!(event.len(), 5000);
    }

    #[test]
    fn derived_blobs_are_stable_and_differ_by_content() {
        assert_eq!(
            derived_blob("rs_sim_1_0", &["a"]),
            derived_blob("rs_sim_1_0", &["a"])
        );
        assert_ne!(
            derived_blob("rs_sim_1_0", &["a"]),
            derived_blob("rs_sim_1_0", &["b"])
        );
        assert!(derived_blob("rs", &[]).starts_with("gAAAAAB"));
    }

    #[test]
    fn include_asks_for_the_encrypted_content() {
        let include = ["file_search_call.results", "reasoning.encrypted_content"];
        let body = serde_json::json!({ "include": include });
        assert!(ResponsesRequest::from_body(Some(&body)).include_encrypted);
        assert!(
            !ResponsesRequest::from_body(Some(&serde_json::json!({"include": "x"})))
                .include_encrypted
        );
    }

    #[test]
    fn sequence_numbers_count_from_zero_without_gaps() {
        let (info, responses) = request();
        let reply = Reply::new()
            .reasoning_content("hmm")
            .content("hello world")
            .tool_call("call_1", "f", "{}");
        let events = stream_events(&reply, &info, &responses);
        for (index, event) in events.iter().enumerate() {
            let text = std::str::from_utf8(&event.bytes).unwrap();
            assert!(
                text.contains(&format!(r#","sequence_number":{index},"#)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_failed_reply_without_content_has_no_output() {
        let script = Reply::new().failed("server_error", "boom").script;
        assert!(items(&script, 1, false, None).is_empty());
    }
}
