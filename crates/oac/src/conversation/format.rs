//! The JSON form of a [`Conversation`] (`docs/sessions.md`): one object,
//! `{"format":"oac-conversation","v":1,…}`, fields in a fixed order. The wire types
//! here are the format; the library types convert to and from them.

use oac_pricing::{Usage, exact_string, parse_price};
use oac_provider::{ContentPart, FinishReason, ReasoningItem, ToolCall, UserContent};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AssistantReply, Conversation, Cut, Entry};
use crate::record::{RecordedCost, UNKNOWN};

/// The `"format"` field of a saved conversation.
pub const CONVERSATION_FORMAT: &str = "oac-conversation";

/// The format version this crate writes and reads: the `"v"` field.
pub const CONVERSATION_FORMAT_VERSION: u64 = 1;

/// Why a text is not a conversation this crate can read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not JSON, or a field of the wrong type or missing (a damaged file).
    #[error("not a saved conversation: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not a conversation (another file).
    #[error("not a saved conversation: its \"format\" is not \"{CONVERSATION_FORMAT}\"")]
    NotAConversation,
    /// A conversation of another format version (written by a newer `oac`).
    #[error(
        "a conversation of format v{found}; this version reads v{CONVERSATION_FORMAT_VERSION}: update oac to read it"
    )]
    Version {
        /// The `"v"` of the file.
        found: u64,
    },
    /// A field holds a value the format does not allow.
    #[error("the `{field}` field of the conversation is invalid: {why}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        why: String,
    },
}

#[derive(Serialize, Deserialize)]
struct Wire {
    format: String,
    v: u64,
    model: String,
    system: Option<String>,
    context_start: usize,
    entries: Vec<WireEntry>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
// Short-lived (one conversion): the size of the reply variant costs nothing.
#[allow(clippy::large_enum_variant)]
enum WireEntry {
    User {
        content: WireContent,
    },
    Assistant(WireReply),
    Tool {
        tool_call_id: String,
        content: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum WireContent {
    Text(String),
    Parts(Vec<WirePart>),
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WirePart {
    Text {
        text: String,
    },
    Image {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
}

#[derive(Serialize, Deserialize)]
struct WireReply {
    text: String,
    #[serde(default)]
    reasoning: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
    #[serde(default)]
    reasoning_items: Vec<WireReasoningItem>,
    model: String,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    usage_repaired: bool,
    cost: String,
    #[serde(default)]
    cost_unknown: Option<String>,
    #[serde(default)]
    cut: Option<WireCut>,
}

#[derive(Serialize, Deserialize)]
struct WireToolCall {
    id: String,
    name: String,
    arguments: String,
}

#[derive(Serialize, Deserialize)]
struct WireReasoningItem {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    encrypted_content: Option<String>,
    #[serde(default)]
    summary: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct WireCut {
    reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

impl Conversation {
    /// The conversation as one JSON object (format `"v":1`, `docs/sessions.md`).
    /// Images given as bytes are written as `data:` URLs.
    pub fn to_json(&self) -> String {
        // Strings, numbers and derived structs: serializing cannot fail.
        serde_json::to_string(&self.to_wire()).unwrap_or_default()
    }

    /// Like [`to_json`](Self::to_json), indented for people to read.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_wire()).unwrap_or_default()
    }

    /// Reads a conversation [`to_json`](Self::to_json) wrote. Another format
    /// version is [`FormatError::Version`]; unknown extra fields are ignored (later
    /// v1 writers may add some).
    pub fn from_json(text: &str) -> Result<Conversation, FormatError> {
        let value: Value = serde_json::from_str(text)?;
        if value.get("format").and_then(Value::as_str) != Some(CONVERSATION_FORMAT) {
            return Err(FormatError::NotAConversation);
        }
        match value.get("v").and_then(Value::as_u64) {
            Some(CONVERSATION_FORMAT_VERSION) => {}
            Some(found) => return Err(FormatError::Version { found }),
            None => {
                return Err(FormatError::Invalid {
                    field: "v",
                    why: "missing or not a whole number".into(),
                });
            }
        }
        Conversation::from_wire(Wire::deserialize(value)?)
    }

    fn to_wire(&self) -> Wire {
        Wire {
            format: CONVERSATION_FORMAT.to_owned(),
            v: CONVERSATION_FORMAT_VERSION,
            model: self.model.clone(),
            system: self.system.clone(),
            context_start: self.context_start,
            entries: self.entries.iter().map(entry_to_wire).collect(),
        }
    }

    fn from_wire(wire: Wire) -> Result<Conversation, FormatError> {
        if wire.context_start > wire.entries.len() {
            return Err(FormatError::Invalid {
                field: "context_start",
                why: format!(
                    "{} is past the {} entries",
                    wire.context_start,
                    wire.entries.len()
                ),
            });
        }
        Ok(Conversation {
            model: wire.model,
            system: wire.system,
            context_start: wire.context_start,
            entries: wire
                .entries
                .into_iter()
                .map(entry_from_wire)
                .collect::<Result<_, _>>()?,
        })
    }
}

impl Serialize for Conversation {
    /// The format of [`Conversation::to_json`].
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Conversation {
    /// The format of [`Conversation::from_json`] (version checked).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Conversation::from_json(&value.to_string()).map_err(serde::de::Error::custom)
    }
}

fn entry_to_wire(entry: &Entry) -> WireEntry {
    match entry {
        Entry::User(content) => WireEntry::User {
            content: content_to_wire(content),
        },
        Entry::Assistant(reply) => WireEntry::Assistant(reply_to_wire(reply)),
        Entry::ToolResult {
            tool_call_id,
            content,
        } => WireEntry::Tool {
            tool_call_id: tool_call_id.clone(),
            content: content.clone(),
        },
    }
}

fn entry_from_wire(entry: WireEntry) -> Result<Entry, FormatError> {
    Ok(match entry {
        WireEntry::User { content } => Entry::User(content_from_wire(content)),
        WireEntry::Assistant(reply) => Entry::Assistant(reply_from_wire(reply)?),
        WireEntry::Tool {
            tool_call_id,
            content,
        } => Entry::ToolResult {
            tool_call_id,
            content,
        },
    })
}

fn content_to_wire(content: &UserContent) -> WireContent {
    match content {
        UserContent::Text(text) => WireContent::Text(text.clone()),
        UserContent::Parts(parts) => WireContent::Parts(
            parts
                .iter()
                .filter_map(|part| match part {
                    ContentPart::Text(text) => Some(WirePart::Text { text: text.clone() }),
                    ContentPart::Image(image) => Some(WirePart::Image {
                        url: image.url(),
                        detail: image.detail.clone(),
                    }),
                    // A part kind of a later provider crate: not in format v1.
                    _ => None,
                })
                .collect(),
        ),
        // A content kind of a later provider crate: not in format v1.
        _ => WireContent::Parts(Vec::new()),
    }
}

fn content_from_wire(content: WireContent) -> UserContent {
    match content {
        WireContent::Text(text) => UserContent::Text(text),
        WireContent::Parts(parts) => UserContent::Parts(
            parts
                .into_iter()
                .map(|part| match part {
                    WirePart::Text { text } => ContentPart::Text(text),
                    WirePart::Image { url, detail } => {
                        let mut part = ContentPart::image_url(url);
                        if let ContentPart::Image(image) = &mut part {
                            image.detail = detail;
                        }
                        part
                    }
                })
                .collect(),
        ),
    }
}

fn reply_to_wire(reply: &AssistantReply) -> WireReply {
    let (cost, cost_unknown) = match &reply.cost {
        RecordedCost::Known(amount) => (exact_string(*amount), None),
        RecordedCost::Unknown { reason } => (UNKNOWN.to_owned(), reason.clone()),
    };
    WireReply {
        text: reply.text.clone(),
        reasoning: reply.reasoning.clone(),
        tool_calls: reply
            .tool_calls
            .iter()
            .map(|call| WireToolCall {
                id: call.id.clone(),
                name: call.name.clone(),
                arguments: call.arguments.clone(),
            })
            .collect(),
        reasoning_items: reply
            .reasoning_items
            .iter()
            .map(|item| WireReasoningItem {
                id: item.id.clone(),
                encrypted_content: item.encrypted_content.clone(),
                summary: item.summary.clone(),
            })
            .collect(),
        model: reply.model.clone(),
        finish_reason: reply.finish_reason.as_ref().map(|r| r.as_str().to_owned()),
        usage: reply.usage.clone(),
        usage_repaired: reply.usage_repaired,
        cost,
        cost_unknown,
        cut: reply.cut.as_ref().map(cut_to_wire),
    }
}

fn reply_from_wire(wire: WireReply) -> Result<AssistantReply, FormatError> {
    let cost = if wire.cost == UNKNOWN {
        RecordedCost::Unknown {
            reason: wire.cost_unknown,
        }
    } else {
        RecordedCost::Known(parse_price(&wire.cost).map_err(|e| FormatError::Invalid {
            field: "cost",
            why: e.to_string(),
        })?)
    };
    Ok(AssistantReply {
        text: wire.text,
        reasoning: wire.reasoning,
        tool_calls: wire
            .tool_calls
            .into_iter()
            .map(|call| ToolCall::new(call.id, call.name, call.arguments))
            .collect(),
        reasoning_items: wire
            .reasoning_items
            .into_iter()
            .map(|item| {
                let mut kept = ReasoningItem::new(item.id, item.encrypted_content);
                kept.summary = item.summary;
                kept
            })
            .collect(),
        model: wire.model,
        finish_reason: wire.finish_reason.as_deref().map(FinishReason::parse),
        usage: wire.usage,
        usage_repaired: wire.usage_repaired,
        cost,
        cut: wire.cut.map(cut_from_wire).transpose()?,
    })
}

fn cut_to_wire(cut: &Cut) -> WireCut {
    match cut {
        Cut::Interrupted => WireCut {
            reason: "interrupted".into(),
            error: None,
            message: None,
        },
        Cut::Failed { kind, message } => WireCut {
            reason: "failed".into(),
            error: Some(kind.clone()),
            message: Some(message.clone()),
        },
    }
}

fn cut_from_wire(cut: WireCut) -> Result<Cut, FormatError> {
    match cut.reason.as_str() {
        "interrupted" => Ok(Cut::Interrupted),
        "failed" => Ok(Cut::Failed {
            kind: cut.error.unwrap_or_else(|| "unknown".into()),
            message: cut.message.unwrap_or_default(),
        }),
        other => Err(FormatError::Invalid {
            field: "cut",
            why: format!("`{other}` is not interrupted or failed"),
        }),
    }
}
