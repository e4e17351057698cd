//! Canonical usage and exact cost.
//!
//! CONTRACT SKELETON — the types below are the public surface other crates code
//! against; the implementation fills in the rest. See `shared/specs/pricing.md`.

pub use rust_decimal::Decimal;

/// Prices of one model, exact decimal USD per 1,000,000 tokens. `None` = unknown.
///
/// Field names match the config file (`input_price`, …) so a `model_info` table and
/// this type read the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ModelPrices {
    /// Uncached input tokens.
    pub input_price: Option<Decimal>,
    /// Output tokens (and reasoning tokens unless `reasoning_price` is set).
    pub output_price: Option<Decimal>,
    /// Cached input tokens read; falls back to `input_price`.
    pub cache_read_price: Option<Decimal>,
    /// Input tokens written to the cache; falls back to `input_price`.
    pub cache_write_price: Option<Decimal>,
    /// Reasoning tokens; falls back to `output_price`.
    pub reasoning_price: Option<Decimal>,
    /// Context tiers, ascending by `above_input_tokens`.
    pub tiers: Vec<PriceTier>,
}

/// Prices that apply to the whole request once its input exceeds a threshold.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct PriceTier {
    /// The tier applies when `input_total` is strictly greater than this.
    pub above_input_tokens: u64,
    /// Replaces `input_price`.
    pub input_price: Option<Decimal>,
    /// Replaces `output_price`.
    pub output_price: Option<Decimal>,
    /// Replaces `cache_read_price`.
    pub cache_read_price: Option<Decimal>,
    /// Replaces `cache_write_price`.
    pub cache_write_price: Option<Decimal>,
}

/// Canonical token usage of one request.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// All prompt tokens, cached included.
    pub input_total: u64,
    /// Prompt tokens read from the cache.
    pub cache_read: u64,
    /// Prompt tokens written to the cache.
    pub cache_write: u64,
    /// All completion tokens, reasoning included.
    pub output_total: u64,
    /// Reasoning tokens (inside `output_total`).
    pub reasoning: u64,
    /// Audio prompt tokens (inside `input_total`).
    pub input_audio: u64,
    /// Audio completion tokens (inside `output_total`).
    pub output_audio: u64,
    /// The cost the provider stated, when it states one (OpenRouter `cost`).
    pub reported_cost: Option<Decimal>,
}
