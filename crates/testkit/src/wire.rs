//! The OpenAI chat-completions wire shapes the simulator writes. Structs (not `json!`)
//! keep the field order fixed, whatever serde_json features the build enables.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

/// The fields every chunk (or the completion object) starts with.
#[derive(Debug, Clone)]
pub(crate) struct Envelope<'a> {
    pub(crate) id: &'a str,
    pub(crate) created: u64,
    pub(crate) model: &'a str,
    /// Omit `id`, `object`, `created` and `model`.
    pub(crate) minimal: bool,
    pub(crate) extra_fields: &'a [(String, Value)],
}

/// `{"id":…,"object":"chat.completion.chunk",…,"choices":[…]}`.
#[derive(Debug)]
pub(crate) struct Chunk<'a> {
    pub(crate) envelope: &'a Envelope<'a>,
    pub(crate) choices: &'a [ChunkChoice<'a>],
    pub(crate) usage: Option<&'a Value>,
    pub(crate) x_groq_usage: Option<&'a Value>,
}

/// One choice of a chunk.
#[derive(Debug, Serialize)]
pub(crate) struct ChunkChoice<'a> {
    pub(crate) index: u32,
    pub(crate) delta: Delta<'a>,
    pub(crate) finish_reason: Option<&'a str>,
}

/// The delta of a chunk choice; absent fields are omitted.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Delta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tool_calls: Option<[ToolCallDelta<'a>; 1]>,
}

/// One tool-call fragment of a delta.
#[derive(Debug, Serialize)]
pub(crate) struct ToolCallDelta<'a> {
    pub(crate) index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<&'a str>,
    pub(crate) function: FunctionDelta<'a>,
}

/// The function part of a tool-call fragment.
#[derive(Debug, Serialize)]
pub(crate) struct FunctionDelta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    pub(crate) arguments: &'a str,
}

impl Serialize for Chunk<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        write_envelope(&mut map, self.envelope, "chat.completion.chunk")?;
        map.serialize_entry("choices", self.choices)?;
        if let Some(usage) = self.usage {
            map.serialize_entry("usage", usage)?;
        }
        if let Some(usage) = self.x_groq_usage {
            map.serialize_entry("x_groq", &XGroq { usage })?;
        }
        write_extra(&mut map, self.envelope)?;
        map.end()
    }
}

#[derive(Serialize)]
struct XGroq<'a> {
    usage: &'a Value,
}

/// A non-streamed `chat.completion` object.
#[derive(Debug)]
pub(crate) struct Completion<'a> {
    pub(crate) envelope: &'a Envelope<'a>,
    pub(crate) message: Message<'a>,
    pub(crate) finish_reason: Option<&'a str>,
    pub(crate) usage: Option<&'a Value>,
}

/// The assistant message of a completion.
#[derive(Debug, Serialize)]
pub(crate) struct Message<'a> {
    pub(crate) role: &'static str,
    /// `null` when the message only has tool calls.
    pub(crate) content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tool_calls: Vec<ToolCallFull<'a>>,
}

/// A complete tool call of a message.
#[derive(Debug, Serialize)]
pub(crate) struct ToolCallFull<'a> {
    pub(crate) id: &'a str,
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) function: FunctionFull<'a>,
}

/// The function part of a complete tool call.
#[derive(Debug, Serialize)]
pub(crate) struct FunctionFull<'a> {
    pub(crate) name: &'a str,
    pub(crate) arguments: &'a str,
}

#[derive(Serialize)]
struct CompletionChoice<'a> {
    index: u32,
    message: &'a Message<'a>,
    finish_reason: Option<&'a str>,
}

impl Serialize for Completion<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        write_envelope(&mut map, self.envelope, "chat.completion")?;
        let choice = CompletionChoice {
            index: 0,
            message: &self.message,
            finish_reason: self.finish_reason,
        };
        map.serialize_entry("choices", &[choice])?;
        if let Some(usage) = self.usage {
            map.serialize_entry("usage", usage)?;
        }
        write_extra(&mut map, self.envelope)?;
        map.end()
    }
}

fn write_envelope<M: SerializeMap>(
    map: &mut M,
    envelope: &Envelope<'_>,
    object: &str,
) -> Result<(), M::Error> {
    if !envelope.minimal {
        map.serialize_entry("id", envelope.id)?;
        map.serialize_entry("object", object)?;
        map.serialize_entry("created", &envelope.created)?;
        map.serialize_entry("model", envelope.model)?;
    }
    Ok(())
}

fn write_extra<M: SerializeMap>(map: &mut M, envelope: &Envelope<'_>) -> Result<(), M::Error> {
    for (name, value) in envelope.extra_fields {
        map.serialize_entry(name, value)?;
    }
    Ok(())
}

/// The body of `GET /models` for these ids.
pub(crate) fn models_list(ids: &[String]) -> Vec<u8> {
    #[derive(Serialize)]
    struct List<'a> {
        object: &'static str,
        data: Vec<Entry<'a>>,
    }
    #[derive(Serialize)]
    struct Entry<'a> {
        id: &'a str,
        object: &'static str,
        created: u64,
        owned_by: &'static str,
    }
    let list = List {
        object: "list",
        data: ids
            .iter()
            .map(|id| Entry {
                id,
                object: "model",
                created: crate::DEFAULT_CREATED,
                owned_by: "oac-testkit",
            })
            .collect(),
    };
    crate::sse::to_json(&list, false)
}
