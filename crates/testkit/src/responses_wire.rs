//! The OpenAI Responses API wire shapes the simulator writes (`POST …/responses`).
//! Structs (not `json!`) keep the field order fixed, whatever serde_json features the
//! build enables; the order follows what the API sends.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

use crate::reply::ToolCall;

/// An empty JSON array (`annotations`, `logprobs`).
const EMPTY: &[Value] = &[];

/// The request parameters a `response` object repeats, each as the request gave it or
/// the API's default.
#[derive(Debug, Clone)]
pub(crate) struct Params {
    instructions: Value,
    max_output_tokens: Value,
    parallel_tool_calls: Value,
    previous_response_id: Value,
    reasoning: Value,
    store: Value,
    temperature: Value,
    text: Value,
    tool_choice: Value,
    tools: Value,
    top_p: Value,
    truncation: Value,
    user: Value,
    metadata: Value,
}

impl Params {
    /// The parameters of a request body (defaults for what it does not say).
    pub(crate) fn from_body(body: Option<&Value>) -> Self {
        let get = |name: &str, default: Value| {
            body.and_then(|body| body.get(name))
                .filter(|value| !value.is_null())
                .cloned()
                .unwrap_or(default)
        };
        Self {
            instructions: get("instructions", Value::Null),
            max_output_tokens: get("max_output_tokens", Value::Null),
            parallel_tool_calls: get("parallel_tool_calls", Value::Bool(true)),
            previous_response_id: get("previous_response_id", Value::Null),
            reasoning: get(
                "reasoning",
                serde_json::json!({"effort": null, "summary": null}),
            ),
            store: get("store", Value::Bool(true)),
            temperature: get("temperature", Value::from(1.0)),
            text: get("text", serde_json::json!({"format": {"type": "text"}})),
            tool_choice: get("tool_choice", Value::from("auto")),
            tools: get("tools", Value::Array(Vec::new())),
            top_p: get("top_p", Value::from(1.0)),
            truncation: get("truncation", Value::from("disabled")),
            user: get("user", Value::Null),
            metadata: get("metadata", Value::Object(serde_json::Map::new())),
        }
    }
}

/// The `status` of a `response`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    InProgress,
    Completed,
    Incomplete,
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Incomplete => "incomplete",
            Self::Failed => "failed",
        }
    }
}

/// One output item of a response.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    pub(crate) id: String,
    pub(crate) kind: ItemKind<'a>,
    /// The model stopped (or failed) while writing this item.
    pub(crate) incomplete: bool,
}

/// What an output item holds.
#[derive(Debug, Clone)]
pub(crate) enum ItemKind<'a> {
    /// Summary parts, and the opaque blob when the request asked for it.
    Reasoning {
        summary: Vec<&'a str>,
        encrypted: Option<String>,
    },
    /// An assistant message with one `output_text` part.
    Message { text: &'a str },
    /// A function call.
    FunctionCall { call: &'a ToolCall },
}

impl Item<'_> {
    /// The item as `response.output_item.added` shows it (`done: false`: nothing
    /// generated yet) or as it ends.
    pub(crate) fn view(&self, done: bool) -> ItemView<'_> {
        ItemView { item: self, done }
    }

    fn status(&self, done: bool) -> &'static str {
        match (done, self.incomplete) {
            (false, _) => "in_progress",
            (true, false) => "completed",
            (true, true) => "incomplete",
        }
    }
}

/// An item at one stage of its life (see [`Item::view`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemView<'a> {
    item: &'a Item<'a>,
    done: bool,
}

impl Serialize for ItemView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (item, done) = (self.item, self.done);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &item.id)?;
        match &item.kind {
            ItemKind::Reasoning { summary, encrypted } => {
                map.serialize_entry("type", "reasoning")?;
                if let Some(blob) = encrypted.as_ref().filter(|_| done) {
                    map.serialize_entry("encrypted_content", blob)?;
                }
                let parts: &[&str] = if done { summary } else { &[] };
                let parts: Vec<SummaryPart<'_>> =
                    parts.iter().map(|text| SummaryPart { text }).collect();
                map.serialize_entry("summary", &parts)?;
            }
            ItemKind::Message { text } => {
                map.serialize_entry("type", "message")?;
                map.serialize_entry("status", item.status(done))?;
                map.serialize_entry("role", "assistant")?;
                let content: &[OutputText<'_>] = if done { &[OutputText { text }] } else { &[] };
                map.serialize_entry("content", content)?;
            }
            ItemKind::FunctionCall { call } => {
                map.serialize_entry("type", "function_call")?;
                map.serialize_entry("status", item.status(done))?;
                map.serialize_entry("call_id", &call.id)?;
                map.serialize_entry("name", &call.name)?;
                let arguments = if done { call.arguments.as_str() } else { "" };
                map.serialize_entry("arguments", arguments)?;
            }
        }
        map.end()
    }
}

/// `{"type":"summary_text","text":…}`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SummaryPart<'a> {
    pub(crate) text: &'a str,
}

impl Serialize for SummaryPart<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("type", "summary_text")?;
        map.serialize_entry("text", self.text)?;
        map.end()
    }
}

/// `{"type":"output_text","text":…,"annotations":[],"logprobs":[]}`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OutputText<'a> {
    pub(crate) text: &'a str,
}

impl Serialize for OutputText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("type", "output_text")?;
        map.serialize_entry("text", self.text)?;
        map.serialize_entry("annotations", EMPTY)?;
        map.serialize_entry("logprobs", EMPTY)?;
        map.end()
    }
}

/// The `usage` of a response: as the reply gave it, or translated from chat's shape.
#[derive(Debug, Clone)]
pub(crate) enum Usage<'a> {
    Given(&'a Value),
    Translated {
        input_tokens: Value,
        cached_tokens: Value,
        output_tokens: Value,
        reasoning_tokens: Value,
        total_tokens: Value,
    },
}

impl<'a> Usage<'a> {
    /// A chat-shaped usage (`prompt_tokens`…) in the Responses shape; any other usage
    /// (one with `input_tokens`, or not an object) as given.
    pub(crate) fn of(usage: &'a Value) -> Self {
        let chat_shaped = usage.get("input_tokens").is_none()
            && (usage.get("prompt_tokens").is_some() || usage.get("completion_tokens").is_some());
        if !chat_shaped {
            return Self::Given(usage);
        }
        let number = |pointer: &str| usage.pointer(pointer).cloned().unwrap_or(Value::from(0));
        let input_tokens = number("/prompt_tokens");
        let output_tokens = number("/completion_tokens");
        let total_tokens = usage.get("total_tokens").cloned().unwrap_or_else(|| {
            let sum = input_tokens.as_u64().unwrap_or(0);
            Value::from(sum.saturating_add(output_tokens.as_u64().unwrap_or(0)))
        });
        Self::Translated {
            cached_tokens: number("/prompt_tokens_details/cached_tokens"),
            reasoning_tokens: number("/completion_tokens_details/reasoning_tokens"),
            input_tokens,
            output_tokens,
            total_tokens,
        }
    }
}

impl Serialize for Usage<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Cached<'a> {
            cached_tokens: &'a Value,
        }
        #[derive(Serialize)]
        struct Reasoning<'a> {
            reasoning_tokens: &'a Value,
        }
        match self {
            Self::Given(value) => value.serialize(serializer),
            Self::Translated {
                input_tokens,
                cached_tokens,
                output_tokens,
                reasoning_tokens,
                total_tokens,
            } => {
                let mut map = serializer.serialize_map(Some(5))?;
                map.serialize_entry("input_tokens", input_tokens)?;
                let cached = Cached { cached_tokens };
                map.serialize_entry("input_tokens_details", &cached)?;
                map.serialize_entry("output_tokens", output_tokens)?;
                let reasoning = Reasoning { reasoning_tokens };
                map.serialize_entry("output_tokens_details", &reasoning)?;
                map.serialize_entry("total_tokens", total_tokens)?;
                map.end()
            }
        }
    }
}

/// A `response` object at one stage.
#[derive(Debug, Clone)]
pub(crate) struct ResponseObject<'a> {
    pub(crate) id: &'a str,
    pub(crate) created_at: u64,
    pub(crate) status: Status,
    /// `(code, message)` of a failed response.
    pub(crate) error: Option<(&'a str, &'a str)>,
    pub(crate) incomplete_reason: Option<&'a str>,
    pub(crate) model: &'a str,
    /// Empty while in progress.
    pub(crate) output: &'a [Item<'a>],
    pub(crate) usage: Option<&'a Usage<'a>>,
    pub(crate) params: &'a Params,
    /// Unknown top-level fields (a non-streamed body carries them here).
    pub(crate) extra_fields: &'a [(String, Value)],
}

impl Serialize for ResponseObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Error<'a> {
            code: &'a str,
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Incomplete<'a> {
            reason: &'a str,
        }
        let params = self.params;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("object", "response")?;
        map.serialize_entry("created_at", &self.created_at)?;
        map.serialize_entry("status", self.status.as_str())?;
        let completed_at = (self.status == Status::Completed).then_some(self.created_at);
        map.serialize_entry("completed_at", &completed_at)?;
        let error = self.error.map(|(code, message)| Error { code, message });
        map.serialize_entry("error", &error)?;
        let incomplete = self.incomplete_reason.map(|reason| Incomplete { reason });
        map.serialize_entry("incomplete_details", &incomplete)?;
        map.serialize_entry("instructions", &params.instructions)?;
        map.serialize_entry("max_output_tokens", &params.max_output_tokens)?;
        map.serialize_entry("model", self.model)?;
        let output: Vec<ItemView<'_>> = self.output.iter().map(|item| item.view(true)).collect();
        map.serialize_entry("output", &output)?;
        map.serialize_entry("parallel_tool_calls", &params.parallel_tool_calls)?;
        map.serialize_entry("previous_response_id", &params.previous_response_id)?;
        map.serialize_entry("reasoning", &params.reasoning)?;
        map.serialize_entry("store", &params.store)?;
        map.serialize_entry("temperature", &params.temperature)?;
        map.serialize_entry("text", &params.text)?;
        map.serialize_entry("tool_choice", &params.tool_choice)?;
        map.serialize_entry("tools", &params.tools)?;
        map.serialize_entry("top_p", &params.top_p)?;
        map.serialize_entry("truncation", &params.truncation)?;
        map.serialize_entry("usage", &self.usage)?;
        map.serialize_entry("user", &params.user)?;
        map.serialize_entry("metadata", &params.metadata)?;
        for (name, value) in self.extra_fields {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// One streamed event: `{"type":…,"sequence_number":N,<body>…,<extra fields>…}`.
#[derive(Debug, Serialize)]
pub(crate) struct Typed<'a, T: Serialize> {
    #[serde(rename = "type")]
    pub(crate) kind: &'a str,
    pub(crate) sequence_number: u64,
    #[serde(flatten)]
    pub(crate) body: T,
    #[serde(flatten)]
    pub(crate) extra: Extra<'a>,
}

/// Unknown top-level fields, flattened into an event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extra<'a>(pub(crate) &'a [(String, Value)]);

impl Serialize for Extra<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// `response.created`, `.in_progress`, `.completed`, `.incomplete`, `.failed`.
#[derive(Debug, Serialize)]
pub(crate) struct ResponseEvent<'a> {
    pub(crate) response: ResponseObject<'a>,
}

/// `response.output_item.added` and `.done`.
#[derive(Debug, Serialize)]
pub(crate) struct ItemEvent<'a> {
    pub(crate) output_index: usize,
    pub(crate) item: ItemView<'a>,
}

/// `response.reasoning_summary_part.added` and `.done`.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryPartEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) output_index: usize,
    pub(crate) summary_index: usize,
    pub(crate) part: SummaryPart<'a>,
}

/// `response.reasoning_summary_text.delta` (`delta`) and `.done` (`text`).
#[derive(Debug, Serialize)]
pub(crate) struct SummaryTextEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) output_index: usize,
    pub(crate) summary_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) delta: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<&'a str>,
}

/// `response.content_part.added` and `.done`.
#[derive(Debug, Serialize)]
pub(crate) struct ContentPartEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) output_index: usize,
    pub(crate) content_index: usize,
    pub(crate) part: OutputText<'a>,
}

/// `response.output_text.delta` (`delta`) and `.done` (`text`).
#[derive(Debug, Serialize)]
pub(crate) struct OutputTextEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) output_index: usize,
    pub(crate) content_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) delta: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) text: Option<&'a str>,
    pub(crate) logprobs: &'static [Value],
}

impl<'a> OutputTextEvent<'a> {
    /// A delta event.
    pub(crate) fn delta(item_id: &'a str, output_index: usize, delta: &'a str) -> Self {
        Self {
            item_id,
            output_index,
            content_index: 0,
            delta: Some(delta),
            text: None,
            logprobs: EMPTY,
        }
    }

    /// The done event with the whole text.
    pub(crate) fn done(item_id: &'a str, output_index: usize, text: &'a str) -> Self {
        Self {
            text: Some(text),
            delta: None,
            ..Self::delta(item_id, output_index, "")
        }
    }
}

/// `response.function_call_arguments.delta`.
#[derive(Debug, Serialize)]
pub(crate) struct ArgumentsDeltaEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) output_index: usize,
    pub(crate) delta: &'a str,
}

/// `response.function_call_arguments.done`.
#[derive(Debug, Serialize)]
pub(crate) struct ArgumentsDoneEvent<'a> {
    pub(crate) item_id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) output_index: usize,
    pub(crate) arguments: &'a str,
}

/// `error`: `{"code":…,"message":…,"param":null}`.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorEvent<'a> {
    pub(crate) code: &'a str,
    pub(crate) message: &'a str,
    pub(crate) param: Option<&'a str>,
}
