//! What a caller asks for: messages and options, built with [`ChatRequest`].
//!
//! These types describe the request in the caller's terms; turning them into the
//! JSON body a provider expects (roles, field names, defaults from the profile) is
//! the job of [`crate::shaping`].

use std::fmt;

use crate::headers::Headers;
use crate::model::ReasoningEffort;
use crate::options::{ReasoningSummary, ServiceTier, Verbosity};
use base64::Engine as _;
use serde_json::{Map, Value};

/// A chat request: the conversation plus options. Only what is set is sent.
///
/// ```
/// use oac_provider::{ChatRequest, ReasoningEffort};
///
/// let request = ChatRequest::new()
///     .system("You are terse.")
///     .user("Name three primes.")
///     .max_tokens(64)
///     .temperature(0.2)
///     .reasoning_effort(ReasoningEffort::Low);
/// assert_eq!(request.messages.len(), 2);
/// assert_eq!(request.max_tokens, Some(64));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ChatRequest {
    /// The conversation, oldest first.
    pub messages: Vec<Message>,
    /// Maximum output tokens (sent as `max_tokens` or `max_completion_tokens`).
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Stop sequences (sent only when non-empty).
    pub stop: Vec<String>,
    /// Sampling seed.
    pub seed: Option<i64>,
    /// Functions the model may call (sent only when non-empty).
    pub tools: Vec<Tool>,
    /// Which tool the model must or may call.
    pub tool_choice: Option<ToolChoice>,
    /// Whether the model may call several tools in one turn.
    pub parallel_tool_calls: Option<bool>,
    /// Output format.
    pub response_format: Option<ResponseFormat>,
    /// Reasoning effort. Set here it is sent by the generic provider even when the
    /// model info does not list effort support (the nearest level when it lists
    /// levels); the OpenAI-native provider refuses a level its catalogue does not
    /// allow. A profile's default effort is sent only to models that accept one.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// End-user id, sent as `user`.
    pub end_user: Option<String>,
    /// Reasoning summary (Responses API `reasoning.summary`; not sent to chat
    /// completions, which has none).
    pub reasoning_summary: Option<ReasoningSummary>,
    /// Answer length (`text.verbosity` / `verbosity`).
    pub verbosity: Option<Verbosity>,
    /// Processing tier (`service_tier`); the usage is priced at its rates where the
    /// model info lists them.
    pub service_tier: Option<ServiceTier>,
    /// Continue from a response stored on the server (Responses API
    /// `previous_response_id`): send only the messages after it. Opts into server
    /// state: the request is sent with `store: true`.
    pub previous_response_id: Option<String>,
    /// Whether the server keeps the response (Responses API `store`). Unset means
    /// `false` (no server state; reasoning travels encrypted in the messages)
    /// unless `previous_response_id` is set.
    pub store: Option<bool>,
    /// Fields merged into the JSON body last (they win over everything else).
    pub extra_body: Map<String, Value>,
    /// Extra headers for this request only (they win over profile headers).
    /// `Debug` hides the values of credential headers.
    pub extra_headers: Headers,
    /// Extra query parameters for this request only.
    pub extra_query: Vec<(String, String)>,
}

impl ChatRequest {
    /// An empty request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a system message.
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.messages.push(Message::system(text));
        self
    }

    /// Append a developer message (OpenAI reasoning models).
    pub fn developer(mut self, text: impl Into<String>) -> Self {
        self.messages.push(Message::Developer {
            content: text.into(),
        });
        self
    }

    /// Append a user message: a string, or parts (`Vec<ContentPart>`).
    pub fn user(mut self, content: impl Into<UserContent>) -> Self {
        self.messages.push(Message::user(content));
        self
    }

    /// Append an assistant message with text.
    pub fn assistant(mut self, text: impl Into<String>) -> Self {
        self.messages.push(Message::assistant(text));
        self
    }

    /// Append a tool result answering the call `tool_call_id`.
    pub fn tool_result(
        mut self,
        tool_call_id: impl Into<String>,
        content: impl Into<String>,
    ) -> Self {
        self.messages.push(Message::Tool {
            tool_call_id: tool_call_id.into(),
            content: content.into(),
        });
        self
    }

    /// Append any message.
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Append several messages.
    pub fn messages(mut self, messages: impl IntoIterator<Item = Message>) -> Self {
        self.messages.extend(messages);
        self
    }

    /// Maximum output tokens.
    pub fn max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }

    /// Sampling temperature.
    pub fn temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Nucleus sampling.
    pub fn top_p(mut self, top_p: f64) -> Self {
        self.top_p = Some(top_p);
        self
    }

    /// Add a stop sequence.
    pub fn stop(mut self, stop: impl Into<String>) -> Self {
        self.stop.push(stop.into());
        self
    }

    /// Sampling seed.
    pub fn seed(mut self, seed: i64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Offer a function to the model.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Which tool the model must or may call.
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }

    /// Whether the model may call several tools in one turn.
    pub fn parallel_tool_calls(mut self, parallel: bool) -> Self {
        self.parallel_tool_calls = Some(parallel);
        self
    }

    /// Output format.
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Reasoning effort.
    pub fn reasoning_effort(mut self, effort: ReasoningEffort) -> Self {
        self.reasoning_effort = Some(effort);
        self
    }

    /// Reasoning summary (Responses API).
    pub fn reasoning_summary(mut self, summary: ReasoningSummary) -> Self {
        self.reasoning_summary = Some(summary);
        self
    }

    /// Answer length.
    pub fn verbosity(mut self, verbosity: Verbosity) -> Self {
        self.verbosity = Some(verbosity);
        self
    }

    /// Processing tier.
    pub fn service_tier(mut self, tier: ServiceTier) -> Self {
        self.service_tier = Some(tier);
        self
    }

    /// Continue from a stored response (Responses API; implies `store: true`).
    pub fn previous_response_id(mut self, id: impl Into<String>) -> Self {
        self.previous_response_id = Some(id.into());
        self
    }

    /// Whether the server keeps the response (Responses API).
    pub fn store(mut self, store: bool) -> Self {
        self.store = Some(store);
        self
    }

    /// End-user id (the `user` field of the body).
    pub fn end_user(mut self, id: impl Into<String>) -> Self {
        self.end_user = Some(id.into());
        self
    }

    /// Merge a field into the JSON body (wins over every other field).
    pub fn extra_body(mut self, key: impl Into<String>, value: Value) -> Self {
        self.extra_body.insert(key.into(), value);
        self
    }

    /// Add a header to this request.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.insert(name, value);
        self
    }

    /// Add a query parameter to this request.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_query.push((name.into(), value.into()));
        self
    }

    /// True when any user message carries an image.
    pub fn has_images(&self) -> bool {
        self.messages.iter().any(|m| match m {
            Message::User {
                content: UserContent::Parts(parts),
            } => parts.iter().any(|p| matches!(p, ContentPart::Image(_))),
            _ => false,
        })
    }
}

/// One message of the conversation.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Message {
    /// Instructions (`system` role; shaping may send it as `developer` or `user`).
    System {
        /// The instructions.
        content: String,
    },
    /// Instructions in the `developer` role (OpenAI reasoning models).
    Developer {
        /// The instructions.
        content: String,
    },
    /// What the user says.
    User {
        /// Text or parts.
        content: UserContent,
    },
    /// An earlier reply of the model.
    Assistant {
        /// The text of the reply, if any.
        content: Option<String>,
        /// Tools the model called.
        tool_calls: Vec<ToolCall>,
        /// The reasoning the model returned. Sent back only to providers that want
        /// it (DeepSeek reasoner tool loops, see
        /// [`ShapingRules::send_reasoning_content`](crate::shaping::ShapingRules::send_reasoning_content));
        /// dropped for the others, which reject unknown message fields.
        reasoning_content: Option<String>,
        /// Reasoning items of the Responses API, sent back as input items there
        /// (encrypted reasoning carried between turns); dropped by chat completions.
        reasoning_items: Vec<crate::response::ReasoningItem>,
    },
    /// The result of a tool call.
    Tool {
        /// The id of the call this answers.
        tool_call_id: String,
        /// The result.
        content: String,
    },
}

impl Message {
    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Message::System {
            content: text.into(),
        }
    }

    /// A user message.
    pub fn user(content: impl Into<UserContent>) -> Self {
        Message::User {
            content: content.into(),
        }
    }

    /// An assistant message with text only.
    pub fn assistant(text: impl Into<String>) -> Self {
        Message::Assistant {
            content: Some(text.into()),
            tool_calls: Vec::new(),
            reasoning_content: None,
            reasoning_items: Vec::new(),
        }
    }

    /// An assistant message that called tools (to continue a tool loop).
    pub fn assistant_tool_calls(content: Option<String>, tool_calls: Vec<ToolCall>) -> Self {
        Message::Assistant {
            content,
            tool_calls,
            reasoning_content: None,
            reasoning_items: Vec::new(),
        }
    }

    /// A tool result.
    pub fn tool(tool_call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Message::Tool {
            tool_call_id: tool_call_id.into(),
            content: content.into(),
        }
    }

    /// The wire role name.
    pub fn role(&self) -> &'static str {
        match self {
            Message::System { .. } => "system",
            Message::Developer { .. } => "developer",
            Message::User { .. } => "user",
            Message::Assistant { .. } => "assistant",
            Message::Tool { .. } => "tool",
        }
    }
}

/// The content of a user message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum UserContent {
    /// Plain text (sent as a string).
    Text(String),
    /// Text and image parts (sent as an array).
    Parts(Vec<ContentPart>),
}

impl From<String> for UserContent {
    fn from(text: String) -> Self {
        UserContent::Text(text)
    }
}

impl From<&str> for UserContent {
    fn from(text: &str) -> Self {
        UserContent::Text(text.to_owned())
    }
}

impl From<Vec<ContentPart>> for UserContent {
    fn from(parts: Vec<ContentPart>) -> Self {
        UserContent::Parts(parts)
    }
}

/// One part of a user message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ContentPart {
    /// Text.
    Text(String),
    /// An image.
    Image(Image),
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        ContentPart::Text(text.into())
    }

    /// An image the provider fetches from a URL (or a `data:` URL).
    pub fn image_url(url: impl Into<String>) -> Self {
        ContentPart::Image(Image {
            source: ImageSource::Url(url.into()),
            detail: None,
        })
    }

    /// An image from bytes, sent inline as a `data:` URL.
    pub fn image_bytes(mime_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        ContentPart::Image(Image {
            source: ImageSource::Bytes {
                mime_type: mime_type.into(),
                bytes: bytes.into(),
            },
            detail: None,
        })
    }
}

/// An image part.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Image {
    /// Where the image comes from.
    pub source: ImageSource,
    /// `detail` (`low`, `high`, `auto`), sent only when set.
    pub detail: Option<String>,
}

impl Image {
    /// The URL sent to the provider (`data:<mime>;base64,…` for bytes).
    pub fn url(&self) -> String {
        match &self.source {
            ImageSource::Url(url) => url.clone(),
            ImageSource::Bytes { mime_type, bytes } => format!(
                "data:{mime_type};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
        }
    }
}

/// Where an image comes from.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageSource {
    /// A URL the provider fetches (or a ready `data:` URL).
    Url(String),
    /// Raw bytes and their MIME type (`image/png`, …).
    Bytes {
        /// MIME type.
        mime_type: String,
        /// The encoded image.
        bytes: Vec<u8>,
    },
}

impl fmt::Debug for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageSource::Url(url) if url.starts_with("data:") => {
                write!(f, "Url(data URL, {} bytes)", url.len())
            }
            ImageSource::Url(url) => f.debug_tuple("Url").field(url).finish(),
            ImageSource::Bytes { mime_type, bytes } => f
                .debug_struct("Bytes")
                .field("mime_type", mime_type)
                .field("len", &bytes.len())
                .finish(),
        }
    }
}

/// A complete tool call: in a response, or sent back in an assistant message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ToolCall {
    /// The call id (tool results refer to it).
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments as the model wrote them: a JSON string.
    pub arguments: String,
}

impl ToolCall {
    /// A tool call.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Self {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    /// The arguments parsed as JSON.
    pub fn arguments_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.arguments)
    }
}

/// A function the model may call, described by a JSON schema.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Tool {
    /// Function name.
    pub name: String,
    /// What it does (helps the model decide).
    pub description: Option<String>,
    /// JSON schema of the arguments.
    pub parameters: Value,
    /// `strict` structured-output mode, sent only when set.
    pub strict: Option<bool>,
}

impl Tool {
    /// A function tool with a JSON-schema for its parameters.
    pub fn function(
        name: impl Into<String>,
        description: impl Into<String>,
        parameters: Value,
    ) -> Self {
        Tool {
            name: name.into(),
            description: Some(description.into()),
            parameters,
            strict: None,
        }
    }

    /// Set `strict`.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }
}

/// `tool_choice`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToolChoice {
    /// `"auto"`: the model decides.
    Auto,
    /// `"none"`: no tool calls.
    None,
    /// `"required"`: at least one tool call.
    Required,
    /// Call this function.
    Function(String),
}

/// `response_format`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ResponseFormat {
    /// `{"type":"text"}`.
    Text,
    /// `{"type":"json_object"}`: any JSON object.
    JsonObject,
    /// `{"type":"json_schema", …}`: JSON matching a schema.
    JsonSchema {
        /// Schema name.
        name: String,
        /// The JSON schema.
        schema: Value,
        /// `strict`, sent only when set.
        strict: Option<bool>,
    },
}

impl ResponseFormat {
    /// JSON matching `schema`.
    pub fn json_schema(name: impl Into<String>, schema: Value) -> Self {
        ResponseFormat::JsonSchema {
            name: name.into(),
            schema,
            strict: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_bytes_become_a_data_url_with_mime_type() {
        let ContentPart::Image(image) =
            ContentPart::image_bytes("image/png", vec![0x89, b'P', b'N', b'G'])
        else {
            unreachable!()
        };
        assert_eq!(image.url(), "data:image/png;base64,iVBORw==");
    }

    #[test]
    fn debug_of_image_bytes_shows_length_not_bytes() {
        let part = ContentPart::image_bytes("image/jpeg", vec![1u8; 5000]);
        let debug = format!("{part:?}");
        assert!(debug.contains("len: 5000"), "{debug}");
        assert!(debug.len() < 200);
    }

    #[test]
    fn debug_hides_credential_header_values() {
        let request = ChatRequest::new()
            .user("hi")
            .header("Authorization", "Bearer sk-per-request-secret")
            .header("X-Title", "app");
        let debug = format!("{request:?}");
        assert!(!debug.contains("sk-per-request-secret"), "{debug}");
        assert!(debug.contains("app"), "{debug}");
    }

    #[test]
    fn has_images_finds_image_parts() {
        let plain = ChatRequest::new().user("hi");
        assert!(!plain.has_images());
        let with_image = ChatRequest::new().user(vec![
            ContentPart::text("what is this?"),
            ContentPart::image_url("https://example.com/cat.png"),
        ]);
        assert!(with_image.has_images());
    }
}
