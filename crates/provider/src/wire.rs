//! What providers send back: completion bodies and stream chunks, read leniently.
//!
//! One set of types reads both a `chat.completion` body and a
//! `chat.completion.chunk` (a choice's `delta` and `message` have the same shape).
//! Missing `id`/`object`/`created`/`model`/`usage`, `null` where a value was
//! expected, numbers where strings were expected, `content` as an array of parts and
//! tool-call `arguments` as an object are all accepted. Fields this crate does not
//! know are kept in `extra` maps, never an error.
//!
//! The deserializers are written by hand (no `#[serde(flatten)]`, which buffers
//! every field through an intermediate tree): each chunk is parsed once, straight
//! into these types, with borrowed keys, and scalars without a tree.
//!
//! A stream's chunks are read by [`WireResponse::read_chunk`] into one reused
//! value, against what the stream keeps ([`ChunkSeed`]: a repeated `id`, `model`
//! or unknown field allocates nothing), and, once a chunk repeated everything but
//! its delta, through a template: a chunk that is the same bytes around another
//! delta is read as that delta alone (see `Template`).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::assemble::kept_size;

mod chunk;
mod lenient;

pub(crate) use chunk::ChunkSeed;
use chunk::{ChoicesInPlace, Reading};
use lenient::{Lenient, LenientU64, Unknown, lenient_index};

/// A key that borrows from the input when it can.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A type read from a JSON object one field at a time: [`ObjectVisitor`] walks
/// the object and hands every key to [`field`](Self::field).
trait ObjectFields<'de>: Default {
    /// What the object is, for the error when the value is not an object.
    const EXPECTING: &'static str;

    /// Reads the value of `key` from `map` into `self`.
    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
}

/// Reads an [`ObjectFields`] type from a JSON object, starting from its default.
struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ObjectFields<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            out.field(key, &mut map)?;
        }
        Ok(out)
    }
}

/// Reads `T` from a JSON object (anything else is an error).
fn deserialize_object<'de, T: ObjectFields<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

fn string_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Option<String>,
    extra: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    match map.next_value::<Lenient<'de>>()?.into_string() {
        Ok(value) => *slot = value,
        Err(other) => {
            extra.insert(key.0.into_owned(), other);
        }
    }
    Ok(())
}

/// An unknown field, kept in `extra` unless it is `null`.
fn extra_field<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    let value = map.next_value::<Value>()?;
    if !value.is_null() {
        extra.insert(key.0.into_owned(), value);
    }
    Ok(())
}

/// A completion body or a stream chunk.
#[derive(Debug, Default)]
pub(crate) struct WireResponse {
    /// `None` also when a stream chunk repeats the id the stream kept.
    pub(crate) id: Option<String>,
    /// Read but not kept from stream chunks (nothing uses it).
    pub(crate) object: Option<String>,
    pub(crate) created: Option<u64>,
    /// `None` also when a stream chunk repeats the model the stream kept.
    pub(crate) model: Option<String>,
    pub(crate) choices: Vec<WireChoice>,
    /// `usage`, as written (exact decimal `cost` survives).
    pub(crate) usage: Option<Box<RawValue>>,
    /// `error`: some providers report failures inside a 200 body or a stream.
    pub(crate) error: Option<Value>,
    /// Every other field (`system_fingerprint`, `x_groq`, `citations`, …); in a
    /// stream chunk, those whose value changed (see [`ChunkSeed`]).
    pub(crate) extra: Map<String, Value>,
    /// Counted size of the unknown fields of a stream chunk that repeated what the
    /// stream kept (left out of `extra`).
    pub(crate) repeated_extra_bytes: usize,
    /// How this value reads the chunks of one stream (see [`Template`]).
    pub(crate) reading: Reading,
}

impl WireResponse {
    /// Back to the default, keeping the allocation of `choices` (those are reset
    /// one by one as the next chunk's choices are read into them).
    fn reset(&mut self) {
        self.id = None;
        self.object = None;
        self.created = None;
        self.model = None;
        self.usage = None;
        self.error = None;
        if !self.extra.is_empty() {
            self.extra = Map::new();
        }
        self.repeated_extra_bytes = 0;
    }

    fn field_with<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
        seed: Option<ChunkSeed<'_>>,
    ) -> Result<(), A::Error> {
        match key.0.as_ref() {
            "id" => known_string(map, key, &mut self.id, seed.map(|s| s.id), &mut self.extra)?,
            "model" => {
                known_string(
                    map,
                    key,
                    &mut self.model,
                    seed.map(|s| s.model),
                    &mut self.extra,
                )?;
            }
            "object" if seed.is_some() => {
                if let Lenient::Other(other) = map.next_value::<Lenient<'de>>()? {
                    self.extra.insert(key.0.into_owned(), other);
                }
            }
            "object" => string_field(map, key, &mut self.object, &mut self.extra)?,
            "created" => self.created = map.next_value::<LenientU64>()?.0,
            "choices" => {
                let learn = seed.is_some() && self.reading.learn;
                self.reading.seen.choices += 1;
                map.next_value_seed(ChoicesInPlace {
                    choices: &mut self.choices,
                    seen: learn.then_some(&mut self.reading.seen),
                })?;
            }
            "usage" => self.usage = map.next_value::<Option<Box<RawValue>>>()?,
            "error" => {
                self.error = Some(map.next_value::<Value>()?).filter(|v| !v.is_null());
            }
            _ => match seed {
                Some(seed) => self.unknown_in_chunk(key, map, seed.extra)?,
                None => {
                    let value = map.next_value::<Value>()?;
                    self.extra.insert(key.0.into_owned(), value);
                }
            },
        }
        Ok(())
    }

    /// An unknown field of a stream chunk: counted only when it equals the value
    /// kept for it, else kept.
    fn unknown_in_chunk<'de, A: MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
        kept: &Map<String, Value>,
    ) -> Result<(), A::Error> {
        let value = map.next_value::<Unknown<'de>>()?;
        if let Some(stored) = kept.get(key.0.as_ref())
            && value.equals(stored)
        {
            let size = key.0.len().saturating_add(kept_size(stored));
            self.repeated_extra_bytes = self.repeated_extra_bytes.saturating_add(size);
            return Ok(());
        }
        self.extra.insert(key.0.into_owned(), value.into_value());
        Ok(())
    }
}

/// `id` or `model`: left `None` when it equals `known` (a stream's kept value).
fn known_string<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    slot: &mut Option<String>,
    known: Option<Option<&str>>,
    extra: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    match map.next_value::<Lenient<'de>>()? {
        Lenient::Text(text) if known.flatten() == Some(text.as_ref()) => *slot = None,
        other => match other.into_string() {
            Ok(value) => *slot = value,
            Err(other) => {
                extra.insert(key.0.into_owned(), other);
            }
        },
    }
    Ok(())
}

/// Reads a [`WireResponse`] into `out`, with a stream's [`ChunkSeed`] or without.
struct ResponseVisitor<'a, 'k> {
    out: &'a mut WireResponse,
    seed: Option<ChunkSeed<'k>>,
}

impl<'de> Visitor<'de> for ResponseVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a chat completion object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut choices = false;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            choices |= key.0 == "choices";
            self.out.field_with(key, &mut map, self.seed)?;
        }
        if !choices {
            self.out.choices.clear();
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for WireResponse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut out = WireResponse::default();
        deserializer.deserialize_map(ResponseVisitor {
            out: &mut out,
            seed: None,
        })?;
        Ok(out)
    }
}

/// Reads an object's fields into an existing value.
struct Fields<'a, T>(&'a mut T);

impl<'de, T: ObjectFields<'de>> Visitor<'de> for Fields<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            self.0.field(key, &mut map)?;
        }
        Ok(())
    }
}

/// One choice: its `delta` (stream) or `message` (complete body).
#[derive(Debug, Default)]
pub(crate) struct WireChoice {
    pub(crate) index: u32,
    pub(crate) message: WireMessage,
    /// Non-empty finish reason.
    pub(crate) finish_reason: Option<String>,
    /// Usage inside a choice (Moonshot and others put it here).
    pub(crate) usage: Option<Box<RawValue>>,
    pub(crate) extra: Map<String, Value>,
    /// A `delta` or `message` was read (a second one is appended to the first).
    pub(crate) message_read: bool,
}

impl WireChoice {
    /// Back to the default, without freeing what is already empty.
    fn reset(&mut self) {
        self.index = 0;
        self.message.reset();
        self.finish_reason = None;
        self.usage = None;
        if !self.extra.is_empty() {
            self.extra = Map::new();
        }
        self.message_read = false;
    }
}

impl<'de> Deserialize<'de> for WireChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_object(deserializer)
    }
}

impl<'de> ObjectFields<'de> for WireChoice {
    const EXPECTING: &'static str = "a choice object";

    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.0.as_ref() {
            "index" => self.index = lenient_index(map.next_value::<LenientU64>()?).unwrap_or(0),
            "delta" | "message" if !self.message_read => {
                // The first one is read in place (nothing moved afterwards).
                self.message_read = map.next_value_seed(InPlace(&mut self.message))?;
            }
            "delta" | "message" => {
                if let Some(message) = map.next_value::<Option<WireMessage>>()? {
                    self.message.absorb(message);
                }
            }
            "finish_reason" => {
                string_field(map, key, &mut self.finish_reason, &mut self.extra)?;
                if self
                    .finish_reason
                    .as_deref()
                    .is_some_and(|r| r.trim().is_empty())
                {
                    self.finish_reason = None;
                }
            }
            "usage" => self.usage = map.next_value::<Option<Box<RawValue>>>()?,
            _ => extra_field(map, key, &mut self.extra)?,
        }
        Ok(())
    }
}

/// A `delta` or a `message`.
#[derive(Debug, Default)]
pub(crate) struct WireMessage {
    pub(crate) role: Option<String>,
    /// `content` as text (array content: its text parts joined).
    pub(crate) content: Option<String>,
    /// Reasoning found in array content (`{"type":"thinking",…}` parts).
    pub(crate) content_reasoning: Option<String>,
    pub(crate) reasoning_content: Option<String>,
    pub(crate) reasoning: Option<String>,
    pub(crate) tool_calls: Vec<WireToolCall>,
    pub(crate) extra: Map<String, Value>,
}

impl WireMessage {
    /// Back to the default, without freeing what is already empty.
    fn reset(&mut self) {
        self.role = None;
        self.content = None;
        self.content_reasoning = None;
        self.reasoning_content = None;
        self.reasoning = None;
        if !self.tool_calls.is_empty() {
            self.tool_calls = Vec::new();
        }
        if !self.extra.is_empty() {
            self.extra = Map::new();
        }
    }

    /// Keep the fields of `other` (a choice with both `delta` and `message`).
    fn absorb(&mut self, other: WireMessage) {
        if self.role.is_none() {
            self.role = other.role;
        }
        append_opt(&mut self.content, other.content);
        append_opt(&mut self.content_reasoning, other.content_reasoning);
        append_opt(&mut self.reasoning_content, other.reasoning_content);
        append_opt(&mut self.reasoning, other.reasoning);
        self.tool_calls.extend(other.tool_calls);
        self.extra.extend(other.extra);
    }
}

fn append_opt(slot: &mut Option<String>, more: Option<String>) {
    match (slot.as_mut(), more) {
        (Some(existing), Some(more)) => existing.push_str(&more),
        (None, Some(more)) => *slot = Some(more),
        _ => {}
    }
}

/// Text of array content: `text` parts joined; `thinking` parts become reasoning.
fn split_content_parts(parts: &[Value]) -> (Option<String>, Option<String>) {
    let mut text: Option<String> = None;
    let mut reasoning: Option<String> = None;
    fn collect_text(value: &Value, into: &mut Option<String>) {
        match value {
            Value::String(s) => append_opt(into, Some(s.clone())),
            Value::Array(items) => items.iter().for_each(|item| collect_text(item, into)),
            Value::Object(obj) => {
                if let Some(t) = obj.get("text").or_else(|| obj.get("thinking")) {
                    collect_text(t, into);
                }
            }
            _ => {}
        }
    }
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("thinking" | "reasoning") => collect_text(part, &mut reasoning),
            _ => {
                if let Some(t) = part.get("text") {
                    collect_text(t, &mut text);
                } else if let Value::String(s) = part {
                    append_opt(&mut text, Some(s.clone()));
                }
            }
        }
    }
    (text, reasoning)
}

impl<'de> Deserialize<'de> for WireMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_object(deserializer)
    }
}

impl<'de> ObjectFields<'de> for WireMessage {
    const EXPECTING: &'static str = "a message or delta object";

    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.0.as_ref() {
            "role" => string_field(map, key, &mut self.role, &mut self.extra)?,
            "content" => match map.next_value::<Lenient<'de>>()?.into_string() {
                Ok(text) => self.content = text,
                Err(Value::Array(parts)) => {
                    let (text, reasoning) = split_content_parts(&parts);
                    self.content = text;
                    self.content_reasoning = reasoning;
                }
                Err(other) => {
                    self.extra.insert(key.0.into_owned(), other);
                }
            },
            "reasoning_content" => {
                string_field(map, key, &mut self.reasoning_content, &mut self.extra)?;
            }
            "reasoning" => string_field(map, key, &mut self.reasoning, &mut self.extra)?,
            "tool_calls" => {
                self.tool_calls = map
                    .next_value::<Option<Vec<WireToolCall>>>()?
                    .unwrap_or_default();
            }
            _ => extra_field(map, key, &mut self.extra)?,
        }
        Ok(())
    }
}

/// Reads a `delta` or `message` object into an existing [`WireMessage`] (`null`
/// reads nothing); true when an object was read.
struct InPlace<'a>(&'a mut WireMessage);

impl<'de> de::DeserializeSeed<'de> for InPlace<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for InPlace<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WireMessage::EXPECTING)
    }
    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(Fields(self.0))?;
        Ok(true)
    }
}

/// A tool call, or a fragment of one in a stream.
#[derive(Debug, Default)]
pub(crate) struct WireToolCall {
    pub(crate) index: Option<u32>,
    pub(crate) id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) arguments: Option<String>,
}

impl<'de> Deserialize<'de> for WireToolCall {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_object(deserializer)
    }
}

impl<'de> ObjectFields<'de> for WireToolCall {
    const EXPECTING: &'static str = "a tool call object";

    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.0.as_ref() {
            "index" => self.index = lenient_index(map.next_value::<LenientU64>()?),
            "id" => {
                self.id = map
                    .next_value::<Lenient<'de>>()?
                    .into_string()
                    .ok()
                    .flatten()
            }
            "function" => {
                if let Some(function) = map.next_value::<Option<WireFunction>>()? {
                    self.name = function.name;
                    self.arguments = function.arguments;
                }
            }
            _ => {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `function` of a tool call, read in place (no intermediate tree, no copy of
/// the arguments).
#[derive(Debug, Default)]
struct WireFunction {
    name: Option<String>,
    arguments: Option<String>,
}

impl<'de> ObjectFields<'de> for WireFunction {
    const EXPECTING: &'static str = "a function object";

    fn field<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error> {
        match key.0.as_ref() {
            "name" => {
                self.name = map
                    .next_value::<Lenient<'de>>()?
                    .into_string()
                    .ok()
                    .flatten()
            }
            "arguments" => {
                self.arguments = match map.next_value::<Lenient<'de>>()?.into_string() {
                    Ok(text) => text,
                    // Some servers send the arguments as an object.
                    Err(other) => Some(other.to_string()),
                };
            }
            _ => {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for WireFunction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// An object is read like the other types; anything else (a string, a
        /// number) carries no call.
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireFunction;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(WireFunction::EXPECTING)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<WireFunction, A::Error> {
                ObjectVisitor(PhantomData).visit_map(map)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<WireFunction, E> {
                Ok(WireFunction::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<WireFunction, E> {
                Ok(WireFunction::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<WireFunction, E> {
                Ok(WireFunction::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<WireFunction, E> {
                Ok(WireFunction::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<WireFunction, E> {
                Ok(WireFunction::default())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<WireFunction, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(WireFunction::default())
            }
        }
        deserializer.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> WireResponse {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn openai_chunk() {
        let chunk = parse(
            r#"{"id":"c1","object":"chat.completion.chunk","created":1700000000,"model":"m","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"logprobs":null,"finish_reason":null}]}"#,
        );
        assert_eq!(chunk.id.as_deref(), Some("c1"));
        assert_eq!(chunk.created, Some(1_700_000_000));
        assert_eq!(chunk.choices[0].message.content.as_deref(), Some("Hi"));
        assert_eq!(chunk.choices[0].finish_reason, None);
        assert_eq!(chunk.extra["system_fingerprint"], "fp");
        assert!(chunk.choices[0].extra.is_empty(), "null logprobs dropped");
    }

    #[test]
    fn missing_metadata_is_accepted() {
        let chunk = parse(r#"{"choices":[{"delta":{"content":"x"}}]}"#);
        assert_eq!(chunk.id, None);
        assert_eq!(chunk.model, None);
        assert_eq!(chunk.choices[0].index, 0);
    }

    #[test]
    fn nulls_everywhere() {
        let chunk = parse(
            r#"{"id":null,"object":null,"created":null,"model":null,"choices":null,"usage":null}"#,
        );
        assert!(chunk.choices.is_empty());
        assert!(chunk.usage.is_none());
    }

    #[test]
    fn empty_finish_reason_is_none() {
        let chunk = parse(r#"{"choices":[{"delta":{},"finish_reason":""}]}"#);
        assert_eq!(chunk.choices[0].finish_reason, None);
    }

    #[test]
    fn created_as_float_or_string() {
        assert_eq!(
            parse(r#"{"created":1700000000.5}"#).created,
            Some(1_700_000_000)
        );
        assert_eq!(
            parse(r#"{"created":"1700000000"}"#).created,
            Some(1_700_000_000)
        );
    }

    #[test]
    fn usage_is_kept_as_written() {
        let chunk =
            parse(r#"{"choices":[],"usage":{"prompt_tokens":1,"cost":0.000012345678901234567}}"#);
        assert_eq!(
            chunk.usage.unwrap().get(),
            r#"{"prompt_tokens":1,"cost":0.000012345678901234567}"#
        );
    }

    #[test]
    fn array_content_and_thinking_parts() {
        let chunk = parse(
            r#"{"choices":[{"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"hmm"}]},{"type":"text","text":"Hi"}]}}]}"#,
        );
        let message = &chunk.choices[0].message;
        assert_eq!(message.content.as_deref(), Some("Hi"));
        assert_eq!(message.content_reasoning.as_deref(), Some("hmm"));
    }

    #[test]
    fn tool_call_arguments_as_object() {
        let chunk = parse(
            r#"{"choices":[{"message":{"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":{"a":1}}}]}}]}"#,
        );
        let call = &chunk.choices[0].message.tool_calls[0];
        assert_eq!(call.arguments.as_deref(), Some(r#"{"a":1}"#));
        assert_eq!(call.index, None);
    }

    #[test]
    fn tool_call_function_of_any_shape() {
        let chunk = parse(
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"f","arguments":"{\"a\""}},{"index":1,"function":"oops"},{"index":2,"function":{"name":7,"arguments":null,"extra":[1]}},{"index":3,"function":null}]}}]}"#,
        );
        let calls = &chunk.choices[0].message.tool_calls;
        assert_eq!(calls[0].name.as_deref(), Some("f"));
        assert_eq!(calls[0].arguments.as_deref(), Some(r#"{"a""#));
        assert_eq!(
            (calls[1].name.as_deref(), calls[1].arguments.as_deref()),
            (None, None)
        );
        assert_eq!(calls[2].name.as_deref(), Some("7"));
        assert_eq!(calls[2].arguments, None);
        assert_eq!(calls[3].index, Some(3));
    }

    #[test]
    fn unknown_delta_fields_are_kept() {
        let chunk = parse(r#"{"choices":[{"delta":{"refusal":"no","annotations":[1]}}]}"#);
        let extra = &chunk.choices[0].message.extra;
        assert_eq!(extra["refusal"], "no");
        assert_eq!(extra["annotations"], serde_json::json!([1]));
    }

    #[test]
    fn escaped_keys_are_read() {
        let chunk = parse(r#"{"\u0069d":"x"}"#);
        assert_eq!(chunk.id.as_deref(), Some("x"));
    }
}
