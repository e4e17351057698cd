//! A [`ChatRequest`] as a Responses API body. The rules are the chat path's
//! ([`ShapingRules`]: capabilities, sampling, effort, max tokens); only the form
//! differs:
//!
//! - system and developer messages → `instructions` (joined by a blank line);
//! - user messages → `input` messages (`input_text` / `input_image` parts);
//! - assistant messages → their reasoning items, then the text, then one
//!   `function_call` item per tool call; tool results → `function_call_output`;
//! - `max_output_tokens`, `reasoning: {effort, summary}`, `text: {format,
//!   verbosity}`, function tools (`strict: false` unless the tool says, as in chat
//!   completions; the Responses API's own default is strict);
//! - `store: false` unless the request opts into server state (`store`, or
//!   `previous_response_id`), and then `include: ["reasoning.encrypted_content"]`
//!   for models that reason, so reasoning can travel back in the next request.
//!
//! Stop sequences and `seed` do not exist in the Responses API: a request with
//! them is refused before anything is sent, rather than silently changed.

use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::model::EffortSupport;
use crate::request::{ChatRequest, ContentPart, Message, ToolChoice, UserContent};
use crate::response::ReasoningItem;
use crate::shaping::{
    ShapingRules, check_capabilities, effort_name, format_object, function_of, insert_sampling,
    insert_tier_and_verbosity, merge_extra,
};

/// The Responses body for `request` under `rules`, sending `model` (the
/// configured model, or the Azure deployment the URL names).
pub(crate) fn build_responses_body(
    rules: &ShapingRules,
    request: &ChatRequest,
    model: &str,
    stream: bool,
) -> Result<Map<String, Value>, Error> {
    check_capabilities(rules, request)?;
    refuse_chat_only(request)?;
    let mut body = Map::new();
    body.insert("model".into(), Value::String(model.to_owned()));
    let (instructions, input) = input_of(&request.messages);
    if let Some(instructions) = instructions {
        body.insert("instructions".into(), Value::String(instructions));
    }
    body.insert("input".into(), Value::Array(input));
    if let Some(max) = request.max_tokens.or(rules.default_max_tokens) {
        body.insert("max_output_tokens".into(), json!(max));
    }
    insert_sampling(rules, request, &mut body)?;
    insert_tools(request, &mut body);
    let effort = rules.checked_effort(request.reasoning_effort)?;
    let mut reasoning = Map::new();
    if let Some(effort) = effort {
        reasoning.insert("effort".into(), json!(effort_name(effort)));
    }
    if let Some(summary) = request.reasoning_summary {
        reasoning.insert("summary".into(), json!(summary.as_str()));
    }
    let reasons = !reasoning.is_empty() || !matches!(rules.effort_support, EffortSupport::No);
    if !reasoning.is_empty() {
        body.insert("reasoning".into(), Value::Object(reasoning));
    }
    let mut text = Map::new();
    if let Some(format) = &request.response_format {
        text.insert("format".into(), Value::Object(format_object(format)));
    }
    insert_tier_and_verbosity(request, &mut body, "verbosity");
    if let Some(verbosity) = body.remove("verbosity") {
        text.insert("verbosity".into(), verbosity);
    }
    if !text.is_empty() {
        body.insert("text".into(), Value::Object(text));
    }
    if let Some(user) = &request.end_user {
        body.insert("user".into(), Value::String(user.clone()));
    }
    let store = request
        .store
        .unwrap_or(request.previous_response_id.is_some());
    body.insert("store".into(), Value::Bool(store));
    if !store && reasons {
        body.insert("include".into(), json!(["reasoning.encrypted_content"]));
    }
    if let Some(previous) = &request.previous_response_id {
        body.insert(
            "previous_response_id".into(),
            Value::String(previous.clone()),
        );
    }
    if stream {
        body.insert("stream".into(), Value::Bool(true));
    }
    merge_extra(&mut body, &request.extra_body);
    Ok(body)
}

/// Settings of chat completions the Responses API does not have.
fn refuse_chat_only(request: &ChatRequest) -> Result<(), Error> {
    let field = if !request.stop.is_empty() {
        "stop sequences (`stop`)"
    } else if request.seed.is_some() {
        "`seed`"
    } else {
        return Ok(());
    };
    Err(Error::InvalidRequest {
        message: format!(
            "the Responses API has no {field}: remove it from the request, or send this request through chat completions (api = \"chat\")"
        ),
    })
}

/// `tools`, `tool_choice` and `parallel_tool_calls`.
fn insert_tools(request: &ChatRequest, body: &mut Map<String, Value>) {
    if !request.tools.is_empty() {
        let tools = request
            .tools
            .iter()
            .map(|tool| {
                let mut function = function_of(tool, Some(tool.strict.unwrap_or(false)));
                function.insert("type".into(), json!("function"));
                Value::Object(function)
            })
            .collect();
        body.insert("tools".into(), Value::Array(tools));
    }
    if let Some(choice) = &request.tool_choice {
        let value = match choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::None => json!("none"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Function(name) => json!({"type": "function", "name": name}),
        };
        body.insert("tool_choice".into(), value);
    }
    if let Some(parallel) = request.parallel_tool_calls {
        body.insert("parallel_tool_calls".into(), Value::Bool(parallel));
    }
}

/// The instructions (system and developer messages) and the input items.
fn input_of(messages: &[Message]) -> (Option<String>, Vec<Value>) {
    let mut instructions: Vec<&str> = Vec::new();
    let mut input = Vec::new();
    for message in messages {
        match message {
            Message::System { content } | Message::Developer { content } => {
                instructions.push(content);
            }
            Message::User { content } => input.push(user_item(content)),
            Message::Assistant {
                content,
                tool_calls,
                reasoning_items,
                ..
            } => {
                input.extend(reasoning_items.iter().map(reasoning_input));
                if let Some(text) = content.as_deref().filter(|t| !t.is_empty()) {
                    input.push(json!({"role": "assistant", "content": text}));
                }
                input.extend(tool_calls.iter().map(|call| {
                    json!({
                        "type": "function_call",
                        "call_id": call.id,
                        "name": call.name,
                        "arguments": call.arguments,
                    })
                }));
            }
            Message::Tool {
                tool_call_id,
                content,
            } => input.push(json!({
                "type": "function_call_output",
                "call_id": tool_call_id,
                "output": content,
            })),
        }
    }
    let instructions = (!instructions.is_empty()).then(|| instructions.join("\n\n"));
    (instructions, input)
}

fn user_item(content: &UserContent) -> Value {
    match content {
        UserContent::Text(text) => json!({"role": "user", "content": text}),
        UserContent::Parts(parts) => {
            let parts: Vec<Value> = parts
                .iter()
                .map(|part| match part {
                    ContentPart::Text(text) => json!({"type": "input_text", "text": text}),
                    ContentPart::Image(image) => json!({
                        "type": "input_image",
                        "image_url": image.url(),
                        "detail": image.detail.as_deref().unwrap_or("auto"),
                    }),
                })
                .collect();
            json!({"role": "user", "content": parts})
        }
    }
}

/// A reasoning item as input: its id, summary and encrypted content as received.
fn reasoning_input(item: &ReasoningItem) -> Value {
    let mut value = Map::new();
    value.insert("type".into(), json!("reasoning"));
    if let Some(id) = &item.id {
        value.insert("id".into(), json!(id));
    }
    let summary: Vec<Value> = item
        .summary
        .iter()
        .map(|text| json!({"type": "summary_text", "text": text}))
        .collect();
    value.insert("summary".into(), Value::Array(summary));
    if let Some(blob) = &item.encrypted_content {
        value.insert("encrypted_content".into(), json!(blob));
    }
    Value::Object(value)
}
