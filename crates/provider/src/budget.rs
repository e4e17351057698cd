//! The context budget: before sending, does a request fit the model's context
//! window? An estimate of the prompt's tokens against the window minus the output
//! the request reserves, so a caller (a coding assistant) can trim its history
//! before the server refuses it, or silently cuts it (Ollama).
//!
//! The estimate:
//! - **OpenAI tokenizers** (with the `tiktoken` feature): the model id is mapped to
//!   its encoding by `tiktoken-rs` (`o200k_base` for gpt-4o, gpt-4.1, gpt-5, o-series;
//!   `cl100k_base` for gpt-4 and gpt-3.5), and every text is counted exactly with it,
//!   plus OpenAI's framing (3 tokens per message, 3 to prime the reply).
//! - **Heuristic** for every other model (and without the feature): 1 token per 4
//!   ASCII characters (rounded up per text) and 1 per other character (CJK text is
//!   about one token per character; accented text is over-counted, which errs on the
//!   safe side), plus the same framing.
//!
//! Both count each image as [`IMAGE_TOKENS`] and each tool by its JSON schema. An
//! estimate is not what the server will bill: it is close enough to say "this will
//! not fit".
//!
//! ```
//! use oac_provider::{ChatRequest, ModelInfo, budget};
//!
//! let mut info = ModelInfo::compatible_default();
//! info.context_window = 2048;
//! let request = ChatRequest::new().user("word ".repeat(3000)).max_tokens(256);
//! let budget = budget::of(&request, "qwen2.5-0.5b-instruct", &info);
//! assert!(!budget.fits());
//! assert!(budget.prompt.tokens > 2048 - 256);
//! ```

use std::fmt;

use crate::model::ModelInfo;
use crate::request::{ChatRequest, ContentPart, Message, UserContent};

/// Tokens counted for one image: OpenAI's cost of a 512×512 high-detail tile plus
/// its base (85 + 170 × 4 = 765 for a 1024×1024 image), a middle value for the
/// images people attach.
pub const IMAGE_TOKENS: u64 = 765;

/// Framing tokens per message (role and separators), and for priming the reply.
const PER_MESSAGE: u64 = 3;
const REPLY_PRIMING: u64 = 3;

/// How an estimate was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// Counted with this OpenAI encoding (`o200k_base`, `cl100k_base`, …).
    Tokenizer(&'static str),
    /// The documented heuristic (see the [module docs](self)).
    Heuristic,
}

impl fmt::Display for Method {
    /// `o200k_base`, or `heuristic`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Method::Tokenizer(name) => f.write_str(name),
            Method::Heuristic => f.write_str("heuristic"),
        }
    }
}

/// An estimate of a prompt's tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Estimate {
    /// Tokens.
    pub tokens: u64,
    /// How they were counted.
    pub method: Method,
}

/// A request against a context window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// The prompt's estimated tokens.
    pub prompt: Estimate,
    /// The model's context window.
    pub context_window: u64,
    /// Output the request reserves: its `max_tokens`, else the model's max output,
    /// else none.
    pub reserved_output: u64,
}

impl Budget {
    /// True when the prompt and the reserved output fit the window.
    pub fn fits(&self) -> bool {
        self.overflow() == 0
    }

    /// Tokens over the window (0 when it fits).
    pub fn overflow(&self) -> u64 {
        (self.prompt.tokens + self.reserved_output).saturating_sub(self.context_window)
    }

    /// Tokens left for the prompt to grow (0 when it does not fit): what an
    /// assistant may add before it must trim.
    pub fn available(&self) -> u64 {
        self.context_window
            .saturating_sub(self.prompt.tokens + self.reserved_output)
    }
}

/// `request` against `info`'s context window, for `model` (which picks the
/// tokenizer).
pub fn of(request: &ChatRequest, model: &str, info: &ModelInfo) -> Budget {
    Budget {
        prompt: estimate(request, model),
        context_window: u64::from(info.context_window),
        reserved_output: reserved_output(request, info),
    }
}

/// `request` against `info`'s context window, counted with the heuristic whatever
/// the model: for a server whose models are not OpenAI's (Ollama's llama, qwen,
/// gemma and gpt-oss have tokenizers of their own, none of them `tiktoken-rs`'s
/// two). It never loads a tokenizer, and a program whose only budget check is this
/// one does not link them (`tiktoken-rs` and its regex engine are about 1.1 MB of
/// code and 5.6 MB of tables).
///
/// ```
/// use oac_provider::{ChatRequest, ModelInfo, budget};
///
/// let mut info = ModelInfo::compatible_default();
/// info.context_window = 2048;
/// let request = ChatRequest::new().user("word ".repeat(3000));
/// let budget = budget::heuristic(&request, &info);
/// assert_eq!(budget.prompt.method, budget::Method::Heuristic);
/// assert!(!budget.fits());
/// ```
pub fn heuristic(request: &ChatRequest, info: &ModelInfo) -> Budget {
    Budget {
        prompt: Estimate {
            tokens: prompt_tokens(request, &heuristic_tokens),
            method: Method::Heuristic,
        },
        context_window: u64::from(info.context_window),
        reserved_output: reserved_output(request, info),
    }
}

/// True when `request` fits `info`'s window whatever the tokenizer: its texts
/// counted at one token per byte (no tokenizer makes more), so no tokenizer is
/// loaded. When this is true, [`of`] fits too; a caller that only needs a warning
/// checks this first and counts exactly only when it is false.
///
/// ```
/// use oac_provider::{ChatRequest, ModelInfo, budget};
///
/// let info = ModelInfo::compatible_default();
/// assert!(budget::surely_fits(&ChatRequest::new().user("Hi"), &info));
/// ```
pub fn surely_fits(request: &ChatRequest, info: &ModelInfo) -> bool {
    prompt_tokens(request, &byte_tokens) + reserved_output(request, info)
        <= u64::from(info.context_window)
}

/// The request's `max_tokens`, else the model's max output, else none.
fn reserved_output(request: &ChatRequest, info: &ModelInfo) -> u64 {
    u64::from(request.max_tokens.or(info.max_output_tokens).unwrap_or(0))
}

/// The estimated prompt tokens of `request` for `model`.
pub fn estimate(request: &ChatRequest, model: &str) -> Estimate {
    let counter = Counter::for_model(model);
    Estimate {
        tokens: prompt_tokens(request, &|text: &str| counter.count(text)),
        method: counter.method(),
    }
}

/// The prompt's tokens as `count` counts its texts, with the framing, images and
/// tools. Generic, so a caller that counts without a tokenizer does not link one.
fn prompt_tokens(request: &ChatRequest, count: &impl Fn(&str) -> u64) -> u64 {
    let mut tokens = REPLY_PRIMING;
    for message in &request.messages {
        tokens += PER_MESSAGE + message_tokens(count, message);
    }
    for tool in &request.tools {
        tokens += count(&tool.name);
        tokens += tool.description.as_deref().map_or(0, count);
        tokens += count(&tool.parameters.to_string());
    }
    tokens
}

fn message_tokens(count: &impl Fn(&str) -> u64, message: &Message) -> u64 {
    match message {
        Message::System { content } | Message::Developer { content } => count(content),
        Message::User { content } => match content {
            UserContent::Text(text) => count(text),
            UserContent::Parts(parts) => parts
                .iter()
                .map(|part| match part {
                    ContentPart::Text(text) => count(text),
                    ContentPart::Image(_) => IMAGE_TOKENS,
                })
                .sum(),
        },
        Message::Assistant {
            content,
            tool_calls,
            ..
        } => {
            content.as_deref().map_or(0, count)
                + tool_calls
                    .iter()
                    .map(|call| count(&call.name) + count(&call.arguments))
                    .sum::<u64>()
        }
        Message::Tool { content, .. } => count(content),
    }
}

/// One token per byte: more than any tokenizer or the heuristic counts.
fn byte_tokens(text: &str) -> u64 {
    u64::try_from(text.len()).unwrap_or(u64::MAX)
}

/// The heuristic: a token per 4 ASCII characters (rounded up), a token per other
/// character.
pub fn heuristic_tokens(text: &str) -> u64 {
    let (ascii, other) = text.chars().fold((0u64, 0u64), |(a, o), c| {
        if c.is_ascii() { (a + 1, o) } else { (a, o + 1) }
    });
    ascii.div_ceil(4) + other
}

/// Counts tokens of texts for one model.
enum Counter {
    #[cfg(feature = "tiktoken")]
    Tokenizer(&'static tiktoken_rs::CoreBPE, &'static str),
    Heuristic,
}

impl Counter {
    fn for_model(model: &str) -> Counter {
        #[cfg(feature = "tiktoken")]
        if let Some((bpe, name)) = tokenizers::for_model(model) {
            return Counter::Tokenizer(bpe, name);
        }
        let _ = model;
        Counter::Heuristic
    }

    fn count(&self, text: &str) -> u64 {
        match self {
            #[cfg(feature = "tiktoken")]
            Counter::Tokenizer(bpe, _) => {
                u64::try_from(bpe.encode_ordinary(text).len()).unwrap_or(u64::MAX)
            }
            Counter::Heuristic => heuristic_tokens(text),
        }
    }

    fn method(&self) -> Method {
        match self {
            #[cfg(feature = "tiktoken")]
            Counter::Tokenizer(_, name) => Method::Tokenizer(name),
            Counter::Heuristic => Method::Heuristic,
        }
    }
}

/// The OpenAI encodings, each loaded once (about a quarter of a second in a
/// release build) on first use.
#[cfg(feature = "tiktoken")]
mod tokenizers {
    use std::sync::OnceLock;

    use tiktoken_rs::CoreBPE;
    use tiktoken_rs::tokenizer::{Tokenizer, get_tokenizer};

    static O200K: OnceLock<Option<CoreBPE>> = OnceLock::new();
    static CL100K: OnceLock<Option<CoreBPE>> = OnceLock::new();

    /// The encoding `tiktoken-rs` maps `model` to, when it knows the model and
    /// the encoding is one of the two current ones. The model-name rules are
    /// tiktoken-rs's, not ours.
    pub(super) fn for_model(model: &str) -> Option<(&'static CoreBPE, &'static str)> {
        let bare = model.rsplit('/').next().unwrap_or(model);
        match get_tokenizer(bare)? {
            Tokenizer::O200kBase => O200K
                .get_or_init(|| tiktoken_rs::o200k_base().ok())
                .as_ref()
                .map(|bpe| (bpe, "o200k_base")),
            Tokenizer::Cl100kBase => CL100K
                .get_or_init(|| tiktoken_rs::cl100k_base().ok())
                .as_ref()
                .map(|bpe| (bpe, "cl100k_base")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heuristic_counts_ascii_by_four_and_other_characters_by_one() {
        assert_eq!(heuristic_tokens(""), 0);
        assert_eq!(heuristic_tokens("abcd"), 1);
        assert_eq!(heuristic_tokens("abcde"), 2);
        assert_eq!(heuristic_tokens("日本語"), 3);
    }

    #[test]
    fn framing_images_and_tools_count() {
        let request = ChatRequest::new().system("abcd").user(vec![
            ContentPart::text("abcd"),
            ContentPart::image_url("https://x/y.png"),
        ]);
        let e = estimate(&request, "local-model");
        assert_eq!(e.method, Method::Heuristic);
        assert_eq!(
            e.tokens,
            REPLY_PRIMING + 2 * PER_MESSAGE + 1 + 1 + IMAGE_TOKENS
        );
    }

    #[test]
    fn the_heuristic_budget_is_the_estimate_of_a_model_no_tokenizer_knows() {
        let mut info = ModelInfo::compatible_default();
        info.context_window = 100;
        info.max_output_tokens = Some(40);
        let request = ChatRequest::new()
            .system("be brief")
            .user("日本語 and more words");
        assert_eq!(
            heuristic(&request, &info),
            of(&request, "llama3.2:3b", &info)
        );
    }

    #[test]
    fn the_budget_reserves_the_output() {
        let mut info = ModelInfo::compatible_default();
        info.context_window = 100;
        info.max_output_tokens = Some(40);
        let request = ChatRequest::new().user("a".repeat(200));
        let b = of(&request, "m", &info);
        assert_eq!(b.reserved_output, 40);
        assert_eq!(b.prompt.tokens, REPLY_PRIMING + PER_MESSAGE + 50);
        assert!(b.fits());
        assert_eq!(b.available(), 100 - 56 - 40);
        let b = of(&request.clone().max_tokens(60), "m", &info);
        assert!(!b.fits());
        assert_eq!(b.overflow(), 56 + 60 - 100);
    }

    #[test]
    fn surely_fits_is_never_true_when_the_estimate_does_not_fit() {
        let mut info = ModelInfo::compatible_default();
        info.context_window = 100;
        let short = ChatRequest::new().user("abcd");
        assert!(surely_fits(&short, &info));
        assert!(of(&short, "m", &info).fits());
        // 300 bytes do not surely fit 100 tokens, though the heuristic (75) does.
        let long = ChatRequest::new().user("a".repeat(300));
        assert!(!surely_fits(&long, &info));
        let long = ChatRequest::new().user("a".repeat(400));
        assert!(!of(&long, "m", &info).fits());
        assert!(!surely_fits(&long, &info));
    }

    #[cfg(feature = "tiktoken")]
    #[test]
    fn openai_models_are_counted_with_their_encoding() {
        let request = ChatRequest::new().user("Hello world");
        let e = estimate(&request, "gpt-4o-mini");
        assert_eq!(e.method, Method::Tokenizer("o200k_base"));
        // "Hello world" is 2 tokens in o200k_base.
        assert_eq!(e.tokens, REPLY_PRIMING + PER_MESSAGE + 2);
        assert_eq!(
            estimate(&request, "openai/gpt-4o").method,
            Method::Tokenizer("o200k_base")
        );
        assert_eq!(
            estimate(&request, "llama3.2:latest").method,
            Method::Heuristic
        );
    }
}
