//! Request shaping: the one place where a [`ChatRequest`] and the profile become
//! the JSON body a provider family expects.
//!
//! A family's rules are data ([`ShapingRules`]): which role the system prompt
//! takes, whether same-role messages are merged (DeepSeek-R1 format), whether
//! temperature may be sent, which field carries max tokens, the defaults from the
//! profile and model info, and which reasoning efforts the model accepts.
//! [`ShapingRules::compatible`] derives the rules of the generic provider;
//! [`ShapingRules::native`] those of the OpenAI-native provider from its model
//! catalogue entry. Both go through the same [`build_body`], transport, decoder
//! and errors.
//!
//! The body carries only what is set: no `null`s, no default temperature.

use crate::model::{EffortSupport, ReasoningEffort};
use crate::settings::{CompatibleRules, IncludeUsage, MaxTokensField, NativeModel, ProviderConfig};
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::request::{
    ChatRequest, ContentPart, Message, ResponseFormat, ToolCall, ToolChoice, UserContent,
};

/// Where the reasoning effort of a request came from (in order of precedence:
/// the alias, else the request, else the profile, else the model's default; see
/// `docs/catalog.md` in the repository).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EffortSource {
    /// The request's `reasoning_effort`.
    Request,
    /// A model alias that always sends its own effort (`o3-mini-high`).
    Alias,
    /// The profile's `reasoning_effort`.
    Profile,
    /// The model's default level (`model_info.reasoning_effort`, or the catalogue).
    ModelDefault,
}

impl EffortSource {
    /// Where the effort was set, as words for a message (`set on the request`).
    pub fn describe(self) -> &'static str {
        match self {
            EffortSource::Request => "set on the request",
            EffortSource::Alias => "always sent by the model alias",
            EffortSource::Profile => "set in the profile",
            EffortSource::ModelDefault => "the model's default",
        }
    }

    /// What to do about an effort from here that the model does not accept.
    pub(crate) fn fix(self) -> &'static str {
        match self {
            EffortSource::Request => "remove reasoning_effort from the request",
            EffortSource::Alias => "use the model id without the effort suffix",
            EffortSource::Profile => "remove reasoning_effort from the profile",
            EffortSource::ModelDefault => "remove reasoning_effort from model_info",
        }
    }
}

/// Which role system instructions are sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SystemRole {
    /// `system` (most providers).
    System,
    /// `developer` (OpenAI reasoning models).
    Developer,
    /// Folded into a `user` message (DeepSeek-R1 format, `o1-mini`, `o1-preview`).
    User,
}

/// The request rules of one model family, resolved for one provider.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ShapingRules {
    /// The `model` field of the body.
    pub wire_model: String,
    /// Role of system (and developer) messages.
    pub system_role: SystemRole,
    /// Merge consecutive messages of the same role (DeepSeek-R1 format).
    pub merge_same_role: bool,
    /// Whether `temperature` and `top_p` may be sent at all (never for OpenAI
    /// reasoning models, which reject both).
    pub send_temperature: bool,
    /// Field that carries max output tokens.
    pub max_tokens_field: MaxTokensField,
    /// Max tokens sent when the request sets none.
    pub default_max_tokens: Option<u32>,
    /// Temperature sent when the request sets none.
    pub default_temperature: Option<f64>,
    /// Efforts the model accepts.
    pub effort_support: EffortSupport,
    /// Effort that always wins (OpenAI aliases such as `o3-mini-high`).
    pub forced_effort: Option<ReasoningEffort>,
    /// Effort sent when the request sets none (profile, then model info).
    pub default_effort: Option<ReasoningEffort>,
    /// Where [`default_effort`](Self::default_effort) came from.
    pub default_effort_source: EffortSource,
    /// Whether image parts are accepted.
    pub supports_images: bool,
    /// Whether `tools` are accepted; a request with tools to a model that takes
    /// none is refused with [`Error::ToolsNotSupported`] before anything is sent.
    pub supports_tools: bool,
    /// `stream_options.include_usage` policy.
    pub include_usage: IncludeUsage,
    /// What happens to an effort the model does not accept: `false` (generic
    /// provider) sends the nearest accepted level or nothing; `true` (OpenAI-native,
    /// whose catalogue knows the levels) refuses the request with
    /// [`Error::UnsupportedReasoningEffort`] before anything is sent.
    pub strict_effort: bool,
    /// Whether assistant messages carry their `reasoning_content` back to the
    /// provider. Only DeepSeek reasoner models want it (their tool loops); other
    /// providers reject unknown message fields, so it is dropped for them.
    pub send_reasoning_content: bool,
}

impl ShapingRules {
    /// The rules of the generic OpenAI-compatible provider for `config`, following
    /// `compat` (the DeepSeek-R1 format, `reasoning_content` sent back: decided by
    /// whoever built the config, see [`CompatibleRules`]). Max tokens: the
    /// configured `max_tokens`, else the model's `max_output_tokens` when
    /// `include_max_tokens` is on.
    pub fn compatible(config: &ProviderConfig, compat: &CompatibleRules) -> Self {
        let info = config.model_info();
        let defaults = config.request_defaults();
        let r1 = compat.r1_format;
        ShapingRules {
            wire_model: config.model().to_owned(),
            system_role: if r1 {
                SystemRole::User
            } else {
                SystemRole::System
            },
            merge_same_role: r1,
            send_temperature: true,
            max_tokens_field: defaults.max_tokens_field,
            default_max_tokens: default_max_tokens(config),
            default_temperature: defaults.temperature,
            effort_support: info.supports_reasoning_effort.clone(),
            forced_effort: None,
            default_effort: defaults.reasoning_effort.or(info.reasoning_effort),
            default_effort_source: default_effort_source(config),
            supports_images: info.supports_images,
            supports_tools: info.supports_tools,
            include_usage: defaults.include_usage,
            strict_effort: false,
            send_reasoning_content: compat.send_reasoning_content,
        }
    }

    /// The rules of the OpenAI-native provider for `config`, whose model is
    /// `model` (what a catalogue knows of it).
    ///
    /// - o-series and gpt-5 (reasoning models): the system prompt as a `developer`
    ///   message (as the first `user` message for `o1-preview` and `o1-mini`), never
    ///   `temperature`.
    /// - others: `system` role, `temperature` only when set.
    /// - always `max_completion_tokens`; `reasoning_effort` from the alias, else the
    ///   request, else the profile, else the model's default. A request's effort
    ///   must be one of the model's levels ([`strict_effort`](Self::strict_effort)).
    ///   The profile's effort (or the model's default) is checked when the profile
    ///   is loaded; one that slipped past (a profile assembled by hand) is replaced
    ///   by the nearest level the model accepts, or dropped, with a warning, so it
    ///   cannot break every request.
    /// - `tools` only when the model's info says it takes them (not `o1-preview`
    ///   and `o1-mini`).
    ///
    /// [`NativeModel::known`] says whether a catalogue knows the model. For an
    /// unknown id the model's info is unknown, so any effort asked for is sent and
    /// the server decides (unless the model info lists the levels).
    pub fn native(config: &ProviderConfig, model: &NativeModel) -> Self {
        let info = config.model_info();
        let defaults = config.request_defaults();
        let effort_support = match &info.supports_reasoning_effort {
            EffortSupport::No if !model.known => EffortSupport::Yes,
            support => support.clone(),
        };
        let default_effort = defaults.reasoning_effort.or(info.reasoning_effort);
        let default_effort_source = default_effort_source(config);
        let default_effort = match default_effort {
            Some(level) if model.alias_effort.is_none() && !effort_support.allows(level) => {
                let replacement = match &effort_support {
                    EffortSupport::Levels(levels) => nearest_level(level, levels),
                    _ => None,
                };
                tracing::warn!(
                    model = %config.model(),
                    effort = %level,
                    replacement = ?replacement.map(|r| r.as_str()),
                    "the reasoning_effort {} is not a level the model accepts; {}",
                    default_effort_source.describe(),
                    match replacement {
                        Some(r) => format!("`{r}` is sent instead"),
                        None => "none is sent".to_owned(),
                    }
                );
                replacement
            }
            other => other,
        };
        ShapingRules {
            wire_model: model.wire_model.clone(),
            system_role: model.system_role,
            merge_same_role: false,
            send_temperature: !model.reasoning,
            max_tokens_field: MaxTokensField::MaxCompletionTokens,
            default_max_tokens: default_max_tokens(config),
            default_temperature: defaults.temperature,
            effort_support,
            forced_effort: model.alias_effort,
            default_effort,
            default_effort_source,
            supports_images: info.supports_images,
            supports_tools: info.supports_tools,
            include_usage: defaults.include_usage,
            strict_effort: true,
            send_reasoning_content: false,
        }
    }

    /// The effort to send for a request that asked for `requested`, checked as
    /// [`strict_effort`](Self::strict_effort) says.
    pub fn checked_effort(
        &self,
        requested: Option<ReasoningEffort>,
    ) -> Result<Option<ReasoningEffort>, Error> {
        if !self.strict_effort {
            return Ok(self.effort(requested));
        }
        let (wanted, from) = match (self.forced_effort, requested) {
            (Some(forced), requested) => {
                if let Some(asked) = requested.filter(|asked| *asked != forced) {
                    tracing::debug!(
                        model = %self.wire_model,
                        requested = %asked,
                        sent = %forced,
                        "the model alias always sends its own reasoning_effort; the request's is not sent"
                    );
                }
                (forced, EffortSource::Alias)
            }
            (None, Some(asked)) => (asked, EffortSource::Request),
            (None, None) => match self.default_effort {
                Some(default) => (default, self.default_effort_source),
                None => return Ok(None),
            },
        };
        match &self.effort_support {
            EffortSupport::Yes => Ok(Some(wanted)),
            EffortSupport::Levels(levels) if levels.contains(&wanted) => Ok(Some(wanted)),
            EffortSupport::Levels(levels) => Err(Error::UnsupportedReasoningEffort {
                model: self.wire_model.clone(),
                effort: wanted,
                allowed: levels.clone(),
                from,
            }),
            _ => Err(Error::UnsupportedReasoningEffort {
                model: self.wire_model.clone(),
                effort: wanted,
                allowed: Vec::new(),
                from,
            }),
        }
    }

    /// The effort to send for a request that asked for `requested`, or `None`
    /// (generic provider rules).
    ///
    /// An effort the request sets explicitly is sent even when the model info does
    /// not list effort support (the caller asked, and the info of a compatible model
    /// is often just the default); the profile's or the model's default effort is
    /// sent only when the info says the model accepts efforts. When the info lists
    /// levels, the nearest listed level is sent.
    pub fn effort(&self, requested: Option<ReasoningEffort>) -> Option<ReasoningEffort> {
        if let Some(wanted) = self.forced_effort.or(requested) {
            return match &self.effort_support {
                EffortSupport::Levels(levels) => nearest_level(wanted, levels),
                _ => Some(wanted),
            };
        }
        let wanted = self.default_effort?;
        match &self.effort_support {
            EffortSupport::Yes => Some(wanted),
            EffortSupport::Levels(levels) => nearest_level(wanted, levels),
            _ => {
                tracing::debug!(model = %self.wire_model, "default reasoning_effort not sent: the model info says the model does not accept it");
                None
            }
        }
    }
}

/// Where a profile's default effort comes from: its `reasoning_effort`, else the
/// model's default.
fn default_effort_source(config: &ProviderConfig) -> EffortSource {
    if config.request_defaults().reasoning_effort.is_some() {
        EffortSource::Profile
    } else {
        EffortSource::ModelDefault
    }
}

/// Max tokens sent when a request sets none: the profile's `max_tokens`, else the
/// model's `max_output_tokens` when `include_max_tokens` is on.
fn default_max_tokens(config: &ProviderConfig) -> Option<u32> {
    let defaults = config.request_defaults();
    defaults.max_tokens.or(if defaults.include_max_tokens {
        config.model_info().max_output_tokens
    } else {
        None
    })
}

fn rank(effort: ReasoningEffort) -> i32 {
    match effort {
        ReasoningEffort::None => 0,
        ReasoningEffort::Minimal => 1,
        ReasoningEffort::Low => 2,
        ReasoningEffort::Medium => 3,
        ReasoningEffort::High => 4,
        _ => 5,
    }
}

/// `wanted` when allowed, else the closest allowed level (the higher one on a tie).
fn nearest_level(wanted: ReasoningEffort, levels: &[ReasoningEffort]) -> Option<ReasoningEffort> {
    if levels.contains(&wanted) {
        return Some(wanted);
    }
    let chosen = levels
        .iter()
        .copied()
        .min_by_key(|level| ((rank(*level) - rank(wanted)).abs(), -rank(*level)))?;
    tracing::debug!(
        ?wanted,
        ?chosen,
        "reasoning_effort adjusted to a level the model accepts"
    );
    Some(chosen)
}

/// How a streaming request asks for usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Streaming {
    /// A complete (non-streaming) response.
    Off,
    /// A stream; `include_usage` adds `stream_options: {"include_usage": true}`.
    On {
        /// Send `stream_options.include_usage`.
        include_usage: bool,
    },
}

/// The JSON body for `request` under `rules`.
///
/// Refuses an image for a model that takes none, and tools for a model that
/// takes none, before anything is sent.
/// `extra_body` is merged last, recursively for objects; a `null` in it removes
/// the field.
pub fn build_body(
    rules: &ShapingRules,
    request: &ChatRequest,
    streaming: Streaming,
) -> Result<Map<String, Value>, Error> {
    check_capabilities(rules, request)?;
    let mut body = Map::new();
    body.insert("model".into(), Value::String(rules.wire_model.clone()));
    body.insert(
        "messages".into(),
        Value::Array(shape_messages(rules, &request.messages)),
    );

    if let Some(max) = request.max_tokens.or(rules.default_max_tokens) {
        let field = match rules.max_tokens_field {
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
            _ => "max_tokens",
        };
        body.insert(field.into(), json!(max));
    }
    insert_sampling(rules, request, &mut body)?;
    if !request.stop.is_empty() {
        body.insert("stop".into(), json!(request.stop));
    }
    if let Some(seed) = request.seed {
        body.insert("seed".into(), json!(seed));
    }
    if !request.tools.is_empty() {
        let tools = request
            .tools
            .iter()
            .map(|tool| json!({"type": "function", "function": function_of(tool, tool.strict)}))
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(choice) = &request.tool_choice {
        let value = match choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::None => json!("none"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
        };
        body.insert("tool_choice".into(), value);
    }
    if let Some(parallel) = request.parallel_tool_calls {
        body.insert("parallel_tool_calls".into(), Value::Bool(parallel));
    }
    if let Some(format) = &request.response_format {
        let value = match format {
            ResponseFormat::JsonSchema { .. } => {
                let mut spec = format_object(format);
                spec.remove("type");
                json!({"type": "json_schema", "json_schema": spec})
            }
            other => Value::Object(format_object(other)),
        };
        body.insert("response_format".into(), value);
    }
    if let Some(effort) = rules.checked_effort(request.reasoning_effort)? {
        body.insert(
            "reasoning_effort".into(),
            Value::String(effort_name(effort).into()),
        );
    }
    if let Some(user) = &request.end_user {
        body.insert("user".into(), Value::String(user.clone()));
    }
    insert_tier_and_verbosity(request, &mut body, "verbosity");
    if let Streaming::On { include_usage } = streaming {
        body.insert("stream".into(), Value::Bool(true));
        if include_usage {
            body.insert("stream_options".into(), json!({"include_usage": true}));
        }
    }
    merge_extra(&mut body, &request.extra_body);
    Ok(body)
}

/// Refuse images for a model that takes none, and tools for a model that takes
/// none, before anything is sent.
pub(crate) fn check_capabilities(rules: &ShapingRules, request: &ChatRequest) -> Result<(), Error> {
    if !rules.supports_images && request.has_images() {
        return Err(Error::ImagesNotSupported {
            model: rules.wire_model.clone(),
        });
    }
    if !rules.supports_tools && !request.tools.is_empty() {
        return Err(Error::ToolsNotSupported {
            model: rules.wire_model.clone(),
        });
    }
    Ok(())
}

/// `service_tier`, and the verbosity under `verbosity_key` (`verbosity` in chat
/// completions; the Responses API nests it in `text`).
pub(crate) fn insert_tier_and_verbosity(
    request: &ChatRequest,
    body: &mut Map<String, Value>,
    verbosity_key: &str,
) {
    if let Some(tier) = request.service_tier {
        body.insert("service_tier".into(), Value::String(tier.as_str().into()));
    }
    if let Some(verbosity) = request.verbosity {
        body.insert(
            verbosity_key.into(),
            Value::String(verbosity.as_str().into()),
        );
    }
}

/// A function tool's `name`, `description`, `parameters` and `strict` (when set).
pub(crate) fn function_of(tool: &crate::request::Tool, strict: Option<bool>) -> Map<String, Value> {
    let mut function = Map::new();
    function.insert("name".into(), Value::String(tool.name.clone()));
    if let Some(d) = &tool.description {
        function.insert("description".into(), Value::String(d.clone()));
    }
    function.insert("parameters".into(), tool.parameters.clone());
    if let Some(strict) = strict {
        function.insert("strict".into(), Value::Bool(strict));
    }
    function
}

/// An output format as an object with its `type` (and, for a schema, `name`,
/// `schema` and `strict` beside it, as the Responses API's `text.format` has them).
pub(crate) fn format_object(format: &ResponseFormat) -> Map<String, Value> {
    let mut spec = Map::new();
    match format {
        ResponseFormat::Text => {
            spec.insert("type".into(), json!("text"));
        }
        ResponseFormat::JsonObject => {
            spec.insert("type".into(), json!("json_object"));
        }
        ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        } => {
            spec.insert("type".into(), json!("json_schema"));
            spec.insert("name".into(), Value::String(name.clone()));
            spec.insert("schema".into(), schema.clone());
            if let Some(strict) = strict {
                spec.insert("strict".into(), Value::Bool(*strict));
            }
        }
    }
    spec
}

/// `temperature` and `top_p`, checked; reasoning models reject both, so for them
/// they are dropped, not refused.
pub(crate) fn insert_sampling(
    rules: &ShapingRules,
    request: &ChatRequest,
    body: &mut Map<String, Value>,
) -> Result<(), Error> {
    for (name, value, max) in [
        (
            "temperature",
            request.temperature.or(rules.default_temperature),
            f64::MAX,
        ),
        ("top_p", request.top_p, 1.0),
    ] {
        let Some(value) = value else { continue };
        if rules.send_temperature {
            check_sampling(name, value, max)?;
            body.insert(name.into(), json!(value));
        } else {
            tracing::debug!(
                model = %rules.wire_model,
                value,
                "{name} not sent: the model does not accept it"
            );
        }
    }
    Ok(())
}

/// Refuse a sampling value no provider accepts: not a finite number (NaN would go
/// out as `null`), negative, or above `max`.
fn check_sampling(name: &str, value: f64, max: f64) -> Result<(), Error> {
    let range = if max == f64::MAX {
        "a number of at least 0 (most providers accept 0 to 2)".to_owned()
    } else {
        format!("a number from 0 to {max}")
    };
    let problem = if !value.is_finite() {
        "is not a finite number"
    } else if value < 0.0 {
        "is negative"
    } else if value > max {
        "is too large"
    } else {
        return Ok(());
    };
    Err(Error::InvalidRequest {
        message: format!("{name} {value} {problem}; set it to {range}"),
    })
}

/// The wire name of an effort level.
pub fn effort_name(effort: ReasoningEffort) -> &'static str {
    match effort {
        ReasoningEffort::None => "none",
        ReasoningEffort::Minimal => "minimal",
        ReasoningEffort::Low => "low",
        ReasoningEffort::Medium => "medium",
        ReasoningEffort::High => "high",
        _ => "xhigh",
    }
}

/// Merge `extra` into `body`: objects recursively, `null` removes, anything else replaces.
pub(crate) fn merge_extra(body: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (key, value) in extra {
        match (body.get_mut(key), value) {
            (_, Value::Null) => {
                body.remove(key);
            }
            (Some(Value::Object(existing)), Value::Object(more)) => merge_extra(existing, more),
            _ => {
                body.insert(key.clone(), value.clone());
            }
        }
    }
}

/// A message on its way to JSON (merging needs it unserialized).
struct Shaped {
    role: &'static str,
    content: Content,
    tool_calls: Vec<ToolCall>,
    reasoning_content: Option<String>,
    tool_call_id: Option<String>,
}

enum Content {
    Absent,
    Text(String),
    Parts(Vec<Value>),
}

impl Content {
    fn into_parts(self) -> Vec<Value> {
        match self {
            Content::Absent => Vec::new(),
            Content::Text(text) => vec![json!({"type": "text", "text": text})],
            Content::Parts(parts) => parts,
        }
    }

    fn merge(self, next: Content) -> Content {
        match (self, next) {
            (Content::Absent, other) | (other, Content::Absent) => other,
            (Content::Text(a), Content::Text(b)) => Content::Text(format!("{a}\n{b}")),
            (a, b) => {
                let mut parts = a.into_parts();
                parts.extend(b.into_parts());
                Content::Parts(parts)
            }
        }
    }
}

fn shape_messages(rules: &ShapingRules, messages: &[Message]) -> Vec<Value> {
    let mut shaped: Vec<Shaped> = Vec::with_capacity(messages.len());
    for message in messages {
        let item = shape_message(rules, message);
        if rules.merge_same_role
            && item.role != "tool"
            && let Some(last) = shaped.last_mut()
            && last.role == item.role
        {
            let content = std::mem::replace(&mut last.content, Content::Absent);
            last.content = content.merge(item.content);
            last.tool_calls.extend(item.tool_calls);
            last.reasoning_content = match (last.reasoning_content.take(), item.reasoning_content) {
                (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                (a, b) => a.or(b),
            };
            continue;
        }
        shaped.push(item);
    }
    shaped.into_iter().map(to_json).collect()
}

fn shape_message(rules: &ShapingRules, message: &Message) -> Shaped {
    let plain = |role: &'static str, content: Content| Shaped {
        role,
        content,
        tool_calls: Vec::new(),
        reasoning_content: None,
        tool_call_id: None,
    };
    match message {
        Message::System { content } => plain(
            match rules.system_role {
                SystemRole::System => "system",
                SystemRole::Developer => "developer",
                SystemRole::User => "user",
            },
            Content::Text(content.clone()),
        ),
        Message::Developer { content } => plain(
            match rules.system_role {
                SystemRole::User => "user",
                _ => "developer",
            },
            Content::Text(content.clone()),
        ),
        Message::User { content } => plain(
            "user",
            match content {
                UserContent::Text(text) => Content::Text(text.clone()),
                UserContent::Parts(parts) => Content::Parts(parts.iter().map(part_json).collect()),
            },
        ),
        Message::Assistant {
            content,
            tool_calls,
            reasoning_content,
            ..
        } => Shaped {
            role: "assistant",
            content: match content {
                Some(text) => Content::Text(text.clone()),
                // An assistant turn must say something unless it called tools.
                None if tool_calls.is_empty() => Content::Text(String::new()),
                None => Content::Absent,
            },
            tool_calls: tool_calls.clone(),
            reasoning_content: reasoning_content
                .clone()
                .filter(|_| rules.send_reasoning_content),
            tool_call_id: None,
        },
        Message::Tool {
            tool_call_id,
            content,
        } => Shaped {
            role: "tool",
            content: Content::Text(content.clone()),
            tool_calls: Vec::new(),
            reasoning_content: None,
            tool_call_id: Some(tool_call_id.clone()),
        },
    }
}

fn part_json(part: &ContentPart) -> Value {
    match part {
        ContentPart::Text(text) => json!({"type": "text", "text": text}),
        ContentPart::Image(image) => {
            let mut spec = Map::new();
            spec.insert("url".into(), Value::String(image.url()));
            if let Some(detail) = &image.detail {
                spec.insert("detail".into(), Value::String(detail.clone()));
            }
            json!({"type": "image_url", "image_url": spec})
        }
    }
}

fn to_json(message: Shaped) -> Value {
    let mut map = Map::new();
    map.insert("role".into(), Value::String(message.role.into()));
    match message.content {
        Content::Absent => {}
        Content::Text(text) => {
            map.insert("content".into(), Value::String(text));
        }
        Content::Parts(parts) => {
            map.insert("content".into(), Value::Array(parts));
        }
    }
    if !message.tool_calls.is_empty() {
        let calls = message
            .tool_calls
            .into_iter()
            .map(|call| {
                json!({
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                })
            })
            .collect();
        map.insert("tool_calls".into(), Value::Array(calls));
    }
    if let Some(reasoning) = message.reasoning_content {
        map.insert("reasoning_content".into(), Value::String(reasoning));
    }
    if let Some(id) = message.tool_call_id {
        map.insert("tool_call_id".into(), Value::String(id));
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests;
