//! Reading the chunks of one stream: against what the stream keeps
//! ([`ChunkSeed`]), into one reused [`WireResponse`], and through a [`Template`]
//! once the chunks repeat everything but their delta.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Fields, InPlace, Key, ObjectFields, ResponseVisitor, WireChoice, WireResponse};

/// How a stream chunk is read: against what the stream already keeps. An `id` or
/// `model` equal to the kept one is left out of the chunk (it did not change), and
/// an unknown top-level field equal to the kept value is only counted (as if kept
/// again), so a chunk that repeats them (every chunk does) allocates nothing for
/// them. What is kept, and what counts against the reply limit, is as without it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChunkSeed<'k> {
    /// The completion id kept so far.
    pub(crate) id: Option<&'k str>,
    /// The model kept so far.
    pub(crate) model: Option<&'k str>,
    /// The unknown top-level fields kept so far (the last value of each).
    pub(crate) extra: &'k Map<String, Value>,
}

/// Most bytes a template keeps (its prefix and suffix): a chunk is a few hundred
/// bytes; one whose fields outside the delta are larger is read whole every time,
/// so what a stream keeps beside its reply stays small.
const MAX_TEMPLATE_BYTES: usize = 4 * 1024;

/// What [`WireResponse::read_chunk`] learned from the chunks so far.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    /// The bytes around the `delta` of a chunk in which everything else repeated
    /// what the stream keeps.
    pub(crate) template: Option<Box<Template>>,
    /// The last chunk repeated everything but its delta: the next one is read
    /// noting where its delta is, to become the template.
    pub(super) learn: bool,
    /// What the chunk being read showed, while learning.
    pub(super) seen: Seen,
}

/// Every chunk of a stream is usually the same bytes but for the `delta`: the
/// same id, model, creation time, fingerprint, index and `null`s. A chunk that
/// starts with the template's `prefix` and ends with its `suffix` is the template
/// chunk with another delta, so only that delta is read; everything else means
/// what it meant in the template chunk (nothing changed, the same `created` and the
/// same counted unknown fields). Any other chunk is read whole, and drops the
/// template (so what it changes is never masked by a template made before).
#[derive(Debug)]
pub(crate) struct Template {
    prefix: Box<str>,
    suffix: Box<str>,
    created: Option<u64>,
    repeated_extra_bytes: usize,
}

/// Where the delta of a chunk read while learning is, and what could stop it
/// from being a template.
#[derive(Debug, Default)]
pub(super) struct Seen {
    /// Address and length of the first choice's `delta` text.
    delta: Option<(usize, usize)>,
    /// `delta`/`message` keys and `choices` keys met.
    messages: u32,
    pub(super) choices: u32,
}

impl WireResponse {
    /// Reads one stream chunk into `self` (what the last chunk left is cleared
    /// first; its allocations, such as the list of choices, are reused), against
    /// what the stream already holds.
    pub(crate) fn read_chunk(&mut self, data: &str, seed: ChunkSeed<'_>) -> serde_json::Result<()> {
        if self.read_from_template(data) {
            return Ok(());
        }
        self.reading.template = None;
        self.reading.seen = Seen::default();
        self.reset();
        let mut deserializer = serde_json::Deserializer::from_str(data);
        deserializer.deserialize_map(ResponseVisitor {
            out: self,
            seed: Some(seed),
        })?;
        deserializer.end()?;
        let learning = self.reading.learn;
        let repeats = self.only_delta_is_new(learning);
        match self.reading.seen.delta {
            Some((at, len)) if learning && repeats => {
                let start = at.wrapping_sub(data.as_ptr() as usize);
                if let (Some(prefix), Some(suffix)) =
                    (data.get(..start), data.get(start.saturating_add(len)..))
                    && prefix.len().saturating_add(suffix.len()) <= MAX_TEMPLATE_BYTES
                {
                    self.reading.template = Some(Box::new(Template {
                        prefix: prefix.into(),
                        suffix: suffix.into(),
                        created: self.created,
                        repeated_extra_bytes: self.repeated_extra_bytes,
                    }));
                }
                self.reading.learn = false;
            }
            _ => self.reading.learn = repeats,
        }
        Ok(())
    }

    /// The chunk just read changed nothing the stream keeps and carried one choice
    /// (index 0, no finish reason, usage or unknown field; while `learning`, also
    /// exactly one `choices` and one delta).
    fn only_delta_is_new(&self, learning: bool) -> bool {
        let seen = &self.reading.seen;
        self.id.is_none()
            && self.model.is_none()
            && self.usage.is_none()
            && self.error.is_none()
            && self.extra.is_empty()
            && (!learning || (seen.messages == 1 && seen.choices == 1))
            && matches!(self.choices.as_slice(), [choice] if choice.index == 0
                && choice.finish_reason.is_none()
                && choice.usage.is_none()
                && choice.extra.is_empty())
    }

    /// Reads `data` as the template chunk with another delta, when it is one.
    fn read_from_template(&mut self, data: &str) -> bool {
        let Some(template) = self.reading.template.as_deref() else {
            return false;
        };
        let (prefix, suffix) = (template.prefix.len(), template.suffix.len());
        if data.len() < prefix.saturating_add(suffix)
            || !data.starts_with(&*template.prefix)
            || !data.ends_with(&*template.suffix)
        {
            return false;
        }
        let Some(delta) = data.get(prefix..data.len() - suffix) else {
            return false;
        };
        let (created, repeated) = (template.created, template.repeated_extra_bytes);
        self.reset();
        self.choices.truncate(1);
        match self.choices.first_mut() {
            Some(choice) => choice.reset(),
            None => self.choices.push(WireChoice::default()),
        }
        let Some(choice) = self.choices.first_mut() else {
            return false;
        };
        let mut deserializer = serde_json::Deserializer::from_str(delta);
        let read =
            de::DeserializeSeed::deserialize(InPlace(&mut choice.message), &mut deserializer)
                .and_then(|read| deserializer.end().map(|()| read));
        match read {
            Ok(read) => {
                choice.message_read = read;
                self.created = created;
                self.repeated_extra_bytes = repeated;
                true
            }
            // Not one JSON value where the delta was: read whole (and its error told).
            Err(_) => false,
        }
    }
}

/// Reads `choices` (`null` is none) into a list whose elements are reused; while
/// learning a template, notes where the first choice's delta is.
pub(super) struct ChoicesInPlace<'a> {
    pub(super) choices: &'a mut Vec<WireChoice>,
    pub(super) seen: Option<&'a mut Seen>,
}

impl<'de> de::DeserializeSeed<'de> for ChoicesInPlace<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for ChoicesInPlace<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of choices")
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.choices.clear();
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.choices.clear();
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut read = 0;
        while seq
            .next_element_seed(ChoiceSlot {
                choices: &mut *self.choices,
                at: read,
                seen: self.seen.as_deref_mut(),
            })?
            .is_some()
        {
            read += 1;
        }
        self.choices.truncate(read);
        Ok(())
    }
}

/// The `at`-th choice, read into the element already there (reset) or a new one.
struct ChoiceSlot<'a> {
    choices: &'a mut Vec<WireChoice>,
    at: usize,
    seen: Option<&'a mut Seen>,
}

impl<'de> de::DeserializeSeed<'de> for ChoiceSlot<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.at < self.choices.len() {
            self.choices[self.at].reset();
        } else {
            self.choices.push(WireChoice::default());
        }
        // Choices are read in order, so `at` is the last element or before it.
        let last = self.choices.len() - 1;
        let choice = &mut self.choices[self.at.min(last)];
        match self.seen {
            Some(seen) => deserializer.deserialize_map(LearnChoice {
                choice,
                seen,
                first: self.at == 0,
            }),
            None => deserializer.deserialize_map(Fields(choice)),
        }
    }
}

/// Reads a choice while learning a template: the first choice's `delta` is taken
/// as text first (to know where it is), then read like any delta.
struct LearnChoice<'a> {
    choice: &'a mut WireChoice,
    seen: &'a mut Seen,
    first: bool,
}

impl<'de> Visitor<'de> for LearnChoice<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WireChoice::EXPECTING)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let message = matches!(key.0.as_ref(), "delta" | "message");
            self.seen.messages += u32::from(message);
            if self.first && key.0 == "delta" && self.seen.delta.is_none() {
                let text = map.next_value::<&'de RawValue>()?.get();
                self.seen.delta = Some((text.as_ptr() as usize, text.len()));
                let mut deserializer = serde_json::Deserializer::from_str(text);
                self.choice.message_read = de::DeserializeSeed::deserialize(
                    InPlace(&mut self.choice.message),
                    &mut deserializer,
                )
                .map_err(de::Error::custom)?;
            } else {
                self.choice.field(key, &mut map)?;
            }
        }
        Ok(())
    }
}
