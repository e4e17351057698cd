//! Canonical token usage and exact decimal cost for OpenAI-compatible chat completions.
//!
//! Read any provider's `usage` JSON, price it exactly, print it:
//!
//! ```
//! use oac_pricing::{find_usage_str, format_usd, ModelPrices, PriceError};
//!
//! // gpt-4o prices, USD per 1M tokens, as a config file would hold them.
//! let prices = ModelPrices::from_toml_str(
//!     "input_price = 2.50\ncache_read_price = 1.25\noutput_price = 10",
//! )?;
//!
//! // A chat-completions response as received.
//! let response = r#"{
//!   "id": "chatcmpl-123", "object": "chat.completion", "model": "gpt-4o",
//!   "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi!"},
//!                "finish_reason": "stop"}],
//!   "usage": {"prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
//!             "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
//!             "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0}}
//! }"#;
//!
//! let reading = find_usage_str(response)?;
//! let usage = reading.usage.expect("this response reports usage");
//! let cost = prices.cost(&usage);
//!
//! println!("{usage}: {cost}"); // 2,006 in (1,920 cached) · 300 out: $0.005615
//! assert_eq!(cost.total().unwrap().to_string(), "0.005615"); // exact
//! assert_eq!(format_usd(cost.total().unwrap()), "$0.005615"); // rounded for people
//! # Ok::<(), PriceError>(())
//! ```
//!
//! # What is where
//! - Prices: [`ModelPrices`] and [`PriceTier`] (USD per 1M tokens, `None` = unknown),
//!   read exactly by [`parse_price`], [`ModelPrices::from_json_str`],
//!   [`ModelPrices::from_toml_str`] or serde.
//! - Usage: [`Usage`] is the canonical form; [`read_usage`] / [`find_usage`] (and
//!   their `_str` twins, which read `cost` exactly) map every provider's shape onto
//!   it, repairing inconsistencies with a [`UsageWarning`] instead of failing.
//!   "Not reported" is `None`, never zero.
//! - Cost: [`cost`] applies the formula and returns a [`Cost`]: an exact
//!   [`CostBreakdown`] or an [`UnknownCost`] saying which price is missing.
//! - Totals: [`Tracker`] sums usage and cost over many requests, exactly;
//!   [`exact_add`] adds two amounts by the same rule.
//! - Display: [`format_usd`] rounds for people; [`exact_string`] is for machines.
//!
//! # Exactness
//! Money is [`Decimal`] throughout and no arithmetic ever goes through `f64`. Every
//! product and sum is exact or reported as unknown ([`UnknownReason::TooLarge`]) —
//! `rust_decimal`'s own operators would round silently near their limits. The only
//! place a float can enter is serde reading a JSON/TOML float literal, which this
//! crate recovers exactly for literals of up to 15 significant digits and rejects
//! beyond that (see [`ModelPrices`]); strings and the `from_*_str`/`_str` readers
//! are always exact.

mod cost;
mod decimal_serde;
pub mod display;
mod error;
mod exact;
mod price;
mod prices;
mod reader;
pub mod sheet;
mod table;
mod tracker;
mod usage;
mod words;

pub use cost::{
    AppliedPrices, AppliedTier, BilledTokens, Cost, CostBreakdown, PriceFallback, UnknownCost,
    UnknownReason, cost,
};
pub use display::{exact_string, format_tokens, format_usd, format_usd_places, round_usd};
pub use error::PriceError;
pub use exact::exact_add;
pub use price::parse_price;
pub use prices::{ModelPrices, PriceKind, PriceTier, STANDARD_SERVICE_TIERS};
pub use reader::{UsageReading, find_usage, find_usage_str, read_usage, read_usage_str};
pub use rust_decimal::Decimal;
pub use tracker::{ContextUse, TrackedCost, Tracker};
pub use usage::{Usage, UsageWarning};
pub use words::closest;

/// The examples of README.md, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
