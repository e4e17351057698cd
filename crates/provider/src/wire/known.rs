//! What a stream already knows, so that a chunk repeating it costs no allocation.
//!
//! Every chunk of a stream repeats `id`, `model` and top-level fields this crate
//! does not read (`system_fingerprint`, say). A chunk is read with a
//! [`ChunkSeed`]: an `id` or `model` equal to the one kept is left out of the
//! chunk (it did not change), and an unknown field whose JSON text equals the text
//! last kept for it is only counted, not parsed into a tree again. Which values are
//! kept, and what counts against the reply limit, is exactly as without the seed.

/// Most unknown fields remembered, and the longest JSON text remembered for one:
/// beyond them a field is read as if never seen (correct, only not cheaper), so
/// this memory stays small whatever a server sends.
const MAX_ENTRIES: usize = 16;
const MAX_RAW_BYTES: usize = 1024;

/// The JSON text of the unknown top-level fields a stream kept last.
#[derive(Debug, Default)]
pub(crate) struct KnownFields {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    key: String,
    raw: Box<str>,
    /// What the kept value counts against the reply limit.
    size: usize,
}

impl KnownFields {
    /// The counted size of `key` when `raw` is exactly the text kept for it.
    pub(crate) fn repeated(&self, key: &str, raw: &str) -> Option<usize> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .filter(|e| *e.raw == *raw)
            .map(|e| e.size)
    }

    /// Whether a value of `raw` bytes would be remembered.
    pub(crate) fn worth_keeping(raw: &str) -> bool {
        raw.len() <= MAX_RAW_BYTES
    }

    /// `key` now holds the value written `raw`, counted as `size`.
    pub(crate) fn remember(&mut self, key: &str, raw: Box<str>, size: usize) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.key == key) {
            entry.raw = raw;
            entry.size = size;
        } else if self.entries.len() < MAX_ENTRIES {
            self.entries.push(Entry {
                key: key.to_owned(),
                raw,
                size,
            });
        }
    }

    /// `key` got a value whose text is not known: its repeats are read again.
    pub(crate) fn forget(&mut self, key: &str) {
        self.entries.retain(|e| e.key != key);
    }
}

/// How a stream chunk is read: against what the stream already holds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChunkSeed<'k> {
    /// The completion id kept so far.
    pub(crate) id: Option<&'k str>,
    /// The model kept so far.
    pub(crate) model: Option<&'k str>,
    /// The unknown fields kept so far.
    pub(crate) known: &'k KnownFields,
}
