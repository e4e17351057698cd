//! The cost formula (also in `docs/pricing.md`, "Formula") and its result.

use rust_decimal::Decimal;

use crate::exact;
use crate::prices::{ModelPrices, PriceKind, PriceTier, is_negative};
use crate::usage::Usage;

/// The cost of one request: exact and broken down, or unknown with the reason.
///
/// Unknown is never zero: a model without an input or output price has an unknown
/// cost, and so has audio without an audio price. Display prints the total rounded
/// for people (`$0.005615`) or `unknown (…)`; see [`display`](crate::display).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
// Built once per request and usually `Known`: boxing would add an allocation to the
// common case to shrink the rare one.
#[allow(clippy::large_enum_variant)]
pub enum Cost {
    /// Every needed price is known.
    Known(CostBreakdown),
    /// A needed price is missing, or the amount is beyond exact arithmetic.
    Unknown(UnknownCost),
}

/// The exact cost of every component of a request, in USD. Nothing is rounded.
///
/// `total` is the exact sum of the seven components.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct CostBreakdown {
    /// The exact total.
    pub total: Decimal,
    /// Uncached text input tokens × input price.
    pub input: Decimal,
    /// Cache-read tokens × cache read price.
    pub cache_read: Decimal,
    /// Cache-write tokens × cache write price.
    pub cache_write: Decimal,
    /// Audio input tokens × input audio price.
    pub input_audio: Decimal,
    /// Text output tokens × output price.
    pub output: Decimal,
    /// Reasoning tokens × reasoning price.
    pub reasoning: Decimal,
    /// Audio output tokens × output audio price.
    pub output_audio: Decimal,
    /// The tokens billed in each component.
    pub tokens: BilledTokens,
    /// The price applied to each component (USD per 1M tokens).
    pub prices: AppliedPrices,
    /// The tier whose prices applied, `None` for the base prices.
    pub tier: Option<AppliedTier>,
    /// Prices that were missing and billed at another price instead.
    pub fallbacks: Vec<PriceFallback>,
    /// The cost the provider stated, beside ours (never mixed in).
    #[serde(serialize_with = "crate::decimal_serde::serialize")]
    pub reported_cost: Option<Decimal>,
}

/// Why a cost is unknown, with what was known.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UnknownCost {
    /// What is missing.
    pub reason: UnknownReason,
    /// The tokens that would have been billed.
    pub tokens: BilledTokens,
    /// The tier that applied, `None` for the base prices.
    pub tier: Option<AppliedTier>,
    /// The cost the provider stated, if any: the best figure available.
    #[serde(serialize_with = "crate::decimal_serde::serialize")]
    pub reported_cost: Option<Decimal>,
}

/// Why a cost could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnknownReason {
    /// These prices are needed but not set (after tier and base fallbacks).
    MissingPrices {
        /// The missing prices, in config-file order.
        missing: Vec<PriceKind>,
    },
    /// A price in use is negative (only possible when set in code).
    NegativePrice {
        /// Which price.
        price: PriceKind,
        /// Its value.
        value: Decimal,
    },
    /// The request was processed at a service tier (`flex`, `priority`, …) the
    /// model's prices do not list.
    UnpricedServiceTier {
        /// The tier.
        tier: String,
    },
    /// The amount cannot be held exactly (beyond ~7.9e28 USD or 28 decimal places).
    TooLarge {
        /// The component that overflowed (`input`, …, or `total`).
        component: &'static str,
    },
}

/// Tokens billed per component, after clamping.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct BilledTokens {
    /// `input_total − cache_read − cache_write − input_audio`.
    pub input: u64,
    /// Cache-read tokens.
    pub cache_read: u64,
    /// Cache-write tokens.
    pub cache_write: u64,
    /// Audio input tokens.
    pub input_audio: u64,
    /// `output_total − reasoning − output_audio`.
    pub output: u64,
    /// Reasoning tokens.
    pub reasoning: u64,
    /// Audio output tokens.
    pub output_audio: u64,
}

/// The price applied to each component (USD per 1M tokens), after tier choice and
/// fallbacks.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AppliedPrices {
    /// Input price.
    pub input: Decimal,
    /// Cache read price (or the input price, see `fallbacks`).
    pub cache_read: Decimal,
    /// Cache write price (or the input price, see `fallbacks`).
    pub cache_write: Decimal,
    /// Input audio price; `None` when unset (then no audio input was billed).
    #[serde(serialize_with = "crate::decimal_serde::serialize")]
    pub input_audio: Option<Decimal>,
    /// Output price.
    pub output: Decimal,
    /// Reasoning price (or the output price, see `fallbacks`).
    pub reasoning: Decimal,
    /// Output audio price; `None` when unset (then no audio output was billed).
    #[serde(serialize_with = "crate::decimal_serde::serialize")]
    pub output_audio: Option<Decimal>,
}

/// Which tier applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct AppliedTier {
    /// Index in [`ModelPrices::tiers`].
    pub index: usize,
    /// Its threshold.
    pub above_input_tokens: u64,
}

/// A price that was missing and the price billed instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PriceFallback {
    /// The missing price.
    pub missing: PriceKind,
    /// The price used in its place.
    pub billed_at: PriceKind,
}

/// Prices a usage exactly, by these rules:
///
/// 1. Tier: the one with the highest `above_input_tokens` strictly below
///    `input_total` applies to every component; a price it leaves out falls back to
///    the base price.
/// 2. Components: uncached input × input; cache read × cache read price (else input);
///    cache write × cache write price (else input); input audio × input audio price;
///    text output × output; reasoning × reasoning price (else output); output audio ×
///    output audio price. Fallbacks that billed tokens are listed in `fallbacks`.
/// 3. Unknown (never zero) when the input or output price is missing, or audio
///    tokens have no audio price, or an amount cannot be held exactly.
///
/// An inconsistent usage is clamped first (see [`Usage::clamped`]), so the cost is
/// never negative and this never panics.
///
/// ```
/// use oac_pricing::{cost, parse_price, ModelPrices, PriceError, Usage};
///
/// // gpt-4o: 2.50 in, 1.25 cached, 10 out (USD per 1M tokens).
/// let prices = ModelPrices::new()
///     .with_input_price(parse_price("2.50")?)
///     .with_cache_read_price(parse_price("1.25")?)
///     .with_output_price(parse_price("10")?);
/// let usage = Usage::new(2_006, 300).with_cache_read(1_920);
///
/// let priced = cost(&usage, &prices);
/// let breakdown = priced.breakdown().unwrap();
/// assert_eq!(breakdown.total.to_string(), "0.005615");
/// assert_eq!(breakdown.input.to_string(), "0.000215"); // 86 uncached tokens
/// assert_eq!(breakdown.cache_read.to_string(), "0.0024");
/// assert_eq!(breakdown.output.to_string(), "0.003");
///
/// // No prices: unknown, not $0.
/// let unknown = cost(&usage, &ModelPrices::new());
/// assert_eq!(unknown.total(), None);
/// assert_eq!(
///     unknown.to_string(),
///     "unknown (input_price and output_price are not set)"
/// );
/// # Ok::<(), PriceError>(())
/// ```
pub fn cost(usage: &Usage, prices: &ModelPrices) -> Cost {
    let (usage, _) = usage.clamped();
    let tokens = billed_tokens(&usage);
    let Some(prices) = prices.for_service_tier(usage.service_tier.as_deref()) else {
        let tier = usage.service_tier.clone().unwrap_or_default();
        return Cost::Unknown(UnknownCost {
            reason: UnknownReason::UnpricedServiceTier { tier },
            tokens,
            tier: None,
            reported_cost: usage.reported_cost,
        });
    };
    let tier = prices.tier_for(usage.input_total);
    let applied_tier = tier.map(|(index, tier)| AppliedTier {
        index,
        above_input_tokens: tier.above_input_tokens,
    });
    let priced = applied_prices(prices, tier.map(|(_, tier)| tier), &tokens).and_then(
        |(applied, fallbacks)| {
            let components = component_costs(&tokens, &applied)?;
            let total =
                exact::sum(components).ok_or(UnknownReason::TooLarge { component: "total" })?;
            Ok((applied, fallbacks, components, total))
        },
    );
    let (applied, fallbacks, components, total) = match priced {
        Ok(priced) => priced,
        Err(reason) => {
            return Cost::Unknown(UnknownCost {
                reason,
                tokens,
                tier: applied_tier,
                reported_cost: usage.reported_cost,
            });
        }
    };
    let [
        input,
        cache_read,
        cache_write,
        input_audio,
        output,
        reasoning,
        output_audio,
    ] = components;
    Cost::Known(CostBreakdown {
        total,
        input,
        cache_read,
        cache_write,
        input_audio,
        output,
        reasoning,
        output_audio,
        tokens,
        prices: applied,
        tier: applied_tier,
        fallbacks,
        reported_cost: usage.reported_cost,
    })
}

/// Step 1 of [`cost`]: the price of each component (the context tier's, else the
/// sheet's, else the documented fallback), with the fallbacks used for tokens that
/// were billed. Unknown when input or output (or audio, for audio tokens) has no
/// price, or a price in use is negative.
fn applied_prices(
    prices: &ModelPrices,
    tier: Option<&PriceTier>,
    tokens: &BilledTokens,
) -> Result<(AppliedPrices, Vec<PriceFallback>), UnknownReason> {
    let price = |kind: PriceKind| {
        tier.and_then(|tier| tier.get(kind))
            .or_else(|| prices.get(kind))
            .map(|p| p.normalize())
    };
    let missing = missing_prices(&price, tokens);
    let (Some(input), Some(output), true) = (
        price(PriceKind::Input),
        price(PriceKind::Output),
        missing.is_empty(),
    ) else {
        return Err(UnknownReason::MissingPrices { missing });
    };

    let mut fallbacks = Vec::new();
    let mut or_fallback = |kind: PriceKind, tokens: u64, instead: (PriceKind, Decimal)| {
        price(kind).unwrap_or_else(|| {
            if tokens > 0 {
                fallbacks.push(PriceFallback {
                    missing: kind,
                    billed_at: instead.0,
                });
            }
            instead.1
        })
    };
    let applied = AppliedPrices {
        input,
        cache_read: or_fallback(
            PriceKind::CacheRead,
            tokens.cache_read,
            (PriceKind::Input, input),
        ),
        cache_write: or_fallback(
            PriceKind::CacheWrite,
            tokens.cache_write,
            (PriceKind::Input, input),
        ),
        input_audio: price(PriceKind::InputAudio),
        output,
        reasoning: or_fallback(
            PriceKind::Reasoning,
            tokens.reasoning,
            (PriceKind::Output, output),
        ),
        output_audio: price(PriceKind::OutputAudio),
    };
    if let Some((price, value)) = first_negative(&applied) {
        return Err(UnknownReason::NegativePrice { price, value });
    }
    Ok((applied, fallbacks))
}

/// The prices without which the cost is unknown: input and output always, audio
/// when audio tokens were billed (audio has no fallback).
fn missing_prices(
    price: &impl Fn(PriceKind) -> Option<Decimal>,
    tokens: &BilledTokens,
) -> Vec<PriceKind> {
    [
        (PriceKind::Input, true),
        (PriceKind::Output, true),
        (PriceKind::InputAudio, tokens.input_audio > 0),
        (PriceKind::OutputAudio, tokens.output_audio > 0),
    ]
    .into_iter()
    .filter_map(|(kind, needed)| (needed && price(kind).is_none()).then_some(kind))
    .collect()
}

/// The first price in use that is below zero (possible only when set in code).
fn first_negative(applied: &AppliedPrices) -> Option<(PriceKind, Decimal)> {
    let rates = [
        (PriceKind::Input, Some(applied.input)),
        (PriceKind::CacheRead, Some(applied.cache_read)),
        (PriceKind::CacheWrite, Some(applied.cache_write)),
        (PriceKind::InputAudio, applied.input_audio),
        (PriceKind::Output, Some(applied.output)),
        (PriceKind::Reasoning, Some(applied.reasoning)),
        (PriceKind::OutputAudio, applied.output_audio),
    ];
    rates
        .into_iter()
        .find_map(|(kind, rate)| rate.filter(|r| is_negative(*r)).map(|r| (kind, r)))
}

/// Step 2 of [`cost`]: each component's exact cost, in `BilledTokens` order; unknown
/// when one cannot be held exactly.
fn component_costs(
    tokens: &BilledTokens,
    applied: &AppliedPrices,
) -> Result<[Decimal; 7], UnknownReason> {
    let component = |name: &'static str, tokens: u64, rate: Option<Decimal>| {
        exact::token_cost(tokens, rate.unwrap_or(Decimal::ZERO))
            .ok_or(UnknownReason::TooLarge { component: name })
    };
    Ok([
        component("input", tokens.input, Some(applied.input))?,
        component("cache_read", tokens.cache_read, Some(applied.cache_read))?,
        component("cache_write", tokens.cache_write, Some(applied.cache_write))?,
        component("input_audio", tokens.input_audio, applied.input_audio)?,
        component("output", tokens.output, Some(applied.output))?,
        component("reasoning", tokens.reasoning, Some(applied.reasoning))?,
        component("output_audio", tokens.output_audio, applied.output_audio)?,
    ])
}

impl ModelPrices {
    /// The cost of `usage` at these prices; see [`cost`](crate::cost).
    pub fn cost(&self, usage: &Usage) -> Cost {
        cost(usage, self)
    }
}

impl Cost {
    /// The exact total, `None` when unknown.
    pub fn total(&self) -> Option<Decimal> {
        self.breakdown().map(|b| b.total)
    }

    /// True when the cost is known.
    pub fn is_known(&self) -> bool {
        matches!(self, Cost::Known(_))
    }

    /// The breakdown, when the cost is known.
    pub fn breakdown(&self) -> Option<&CostBreakdown> {
        match self {
            Cost::Known(breakdown) => Some(breakdown),
            Cost::Unknown(_) => None,
        }
    }

    /// Why the cost is unknown, when it is.
    pub fn unknown_reason(&self) -> Option<&UnknownReason> {
        match self {
            Cost::Known(_) => None,
            Cost::Unknown(unknown) => Some(&unknown.reason),
        }
    }

    /// The cost the provider stated, either way.
    pub fn reported_cost(&self) -> Option<Decimal> {
        match self {
            Cost::Known(breakdown) => breakdown.reported_cost,
            Cost::Unknown(unknown) => unknown.reported_cost,
        }
    }

    /// The tier that applied, either way.
    pub fn tier(&self) -> Option<AppliedTier> {
        match self {
            Cost::Known(breakdown) => breakdown.tier,
            Cost::Unknown(unknown) => unknown.tier,
        }
    }

    /// The tokens billed per component, either way.
    pub fn tokens(&self) -> &BilledTokens {
        match self {
            Cost::Known(breakdown) => &breakdown.tokens,
            Cost::Unknown(unknown) => &unknown.tokens,
        }
    }
}

impl CostBreakdown {
    /// The seven components in breakdown order, named as in serialized output.
    pub fn components(&self) -> [(&'static str, Decimal); 7] {
        [
            ("input", self.input),
            ("cache_read", self.cache_read),
            ("cache_write", self.cache_write),
            ("input_audio", self.input_audio),
            ("output", self.output),
            ("reasoning", self.reasoning),
            ("output_audio", self.output_audio),
        ]
    }
}

/// The tokens of each billed component of (clamped) `usage`.
fn billed_tokens(usage: &Usage) -> BilledTokens {
    BilledTokens {
        input: usage.uncached_input(),
        cache_read: usage.cache_read,
        cache_write: usage.cache_write,
        input_audio: usage.input_audio,
        output: usage.text_output(),
        reasoning: usage.reasoning,
        output_audio: usage.output_audio,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PriceTier;

    fn d(text: &str) -> Decimal {
        crate::parse_price(text).unwrap()
    }

    fn basic() -> ModelPrices {
        ModelPrices::new()
            .with_input_price(d("1"))
            .with_output_price(d("2"))
    }

    /// gpt-5's sheet with its flex tier ($0.625 in, $0.0625 cached, $5 out per 1M).
    fn with_flex() -> ModelPrices {
        let flex = ModelPrices::new()
            .with_input_price(d("0.625"))
            .with_cache_read_price(d("0.0625"))
            .with_output_price(d("5"));
        ModelPrices::new()
            .with_input_price(d("1.25"))
            .with_cache_read_price(d("0.125"))
            .with_output_price(d("10"))
            .with_service_tier("flex", flex)
    }

    #[test]
    fn a_flex_request_is_priced_at_the_flex_sheet() {
        let usage = Usage::new(1_000_000, 100_000)
            .with_cache_read(200_000)
            .with_service_tier("flex");
        let priced = cost(&usage, &with_flex());
        let breakdown = priced.breakdown().unwrap();
        // 800k × 0.625 + 200k × 0.0625 + 100k × 5, per 1M.
        assert_eq!(breakdown.input, d("0.5"));
        assert_eq!(breakdown.cache_read, d("0.0125"));
        assert_eq!(breakdown.output, d("0.5"));
        assert_eq!(breakdown.total, d("1.0125"));
    }

    #[test]
    fn standard_names_and_no_tier_use_the_base_prices() {
        let base = cost(&Usage::new(1_000_000, 0), &with_flex()).total();
        assert_eq!(base, Some(d("1.25")));
        for name in crate::STANDARD_SERVICE_TIERS {
            let usage = Usage::new(1_000_000, 0).with_service_tier(name);
            assert_eq!(cost(&usage, &with_flex()).total(), base, "{name}");
        }
    }

    #[test]
    fn an_unpriced_tier_is_unknown_never_the_standard_price() {
        let usage = Usage::new(1_000, 10).with_service_tier("priority");
        let priced = cost(&usage, &with_flex());
        assert_eq!(priced.total(), None);
        assert_eq!(
            priced.unknown_reason(),
            Some(&UnknownReason::UnpricedServiceTier {
                tier: "priority".into()
            })
        );
        assert_eq!(
            priced.to_string(),
            "unknown (service tier priority has no prices (`service_tiers.priority`))"
        );
    }

    #[test]
    fn a_tier_sheet_falls_back_within_itself() {
        // The flex sheet without a cache-read price: cached tokens cost its input
        // price, not the standard cache-read price.
        let flex = ModelPrices::new()
            .with_input_price(d("0.5"))
            .with_output_price(d("4"));
        let prices = basic()
            .with_cache_read_price(d("0.01"))
            .with_service_tier("flex", flex);
        let usage = Usage::new(1_000_000, 0)
            .with_cache_read(1_000_000)
            .with_service_tier("flex");
        assert_eq!(cost(&usage, &prices).total(), Some(d("0.5")));
    }

    #[test]
    fn service_tier_problems_name_their_field() {
        let prices = with_flex()
            .with_service_tier("default", basic())
            .with_service_tier(
                "priority",
                ModelPrices::new()
                    .with_input_price(Decimal::from(-1))
                    .with_service_tier("flex", basic()),
            );
        let problems: Vec<String> = prices.problems().iter().map(|p| p.to_string()).collect();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("`service_tiers.default`: `default` is standard processing"),
            "{problems:#?}"
        );
        assert!(
            problems[1].starts_with("`service_tiers.priority`: a service tier cannot"),
            "{problems:#?}"
        );
        assert!(
            problems[2].starts_with("`service_tiers.priority.input_price`: input_price is -1"),
            "{problems:#?}"
        );
    }

    #[test]
    fn an_override_replaces_a_service_tier_whole() {
        let profile = ModelPrices::new()
            .with_service_tier("flex", ModelPrices::new().with_input_price(d("0.1")));
        let merged = with_flex().overridden_by(&profile);
        assert_eq!(merged.service_tiers["flex"].input_price, Some(d("0.1")));
        assert_eq!(merged.service_tiers["flex"].output_price, None);
        assert_eq!(merged.input_price, Some(d("1.25")));
    }

    #[test]
    fn service_tiers_round_trip_through_serde() {
        let json = serde_json::to_string(&with_flex()).unwrap();
        assert!(
            json.contains(r#""service_tiers":{"flex":{"input_price":"0.625""#),
            "{json}"
        );
        let back: ModelPrices = serde_json::from_str(&json).unwrap();
        assert_eq!(back, with_flex());
    }

    #[test]
    fn missing_output_price_is_named() {
        let prices = ModelPrices::new().with_input_price(d("1"));
        assert_eq!(
            cost(&Usage::new(1, 1), &prices).unknown_reason(),
            Some(&UnknownReason::MissingPrices {
                missing: vec![PriceKind::Output]
            })
        );
    }

    #[test]
    fn missing_price_is_unknown_even_for_zero_tokens() {
        assert!(!cost(&Usage::new(0, 0), &ModelPrices::new()).is_known());
    }

    #[test]
    fn tier_price_fills_a_missing_base_price() {
        let prices = ModelPrices::new()
            .with_output_price(d("2"))
            .with_tier(PriceTier::above(10).with_input_price(d("1")));
        assert!(!cost(&Usage::new(10, 0), &prices).is_known());
        assert_eq!(
            cost(&Usage::new(11, 0), &prices).total(),
            Some(d("0.000011"))
        );
    }

    #[test]
    fn tier_omitted_cache_price_falls_back_to_base_cache_price() {
        let prices = basic()
            .with_cache_read_price(d("0.1"))
            .with_tier(PriceTier::above(0).with_input_price(d("5")));
        let priced = cost(
            &Usage::new(1_000_000, 0).with_cache_read(1_000_000),
            &prices,
        );
        assert_eq!(priced.total(), Some(d("0.1")));
        assert!(priced.breakdown().unwrap().fallbacks.is_empty());
    }

    #[test]
    fn cache_write_falls_back_to_input_and_says_so() {
        let priced = cost(&Usage::new(100, 0).with_cache_write(100), &basic());
        let breakdown = priced.breakdown().unwrap();
        assert_eq!(breakdown.prices.cache_write, d("1"));
        assert_eq!(
            breakdown.fallbacks,
            vec![PriceFallback {
                missing: PriceKind::CacheWrite,
                billed_at: PriceKind::Input
            }]
        );
    }

    #[test]
    fn unused_fallback_is_not_listed() {
        let priced = cost(&Usage::new(100, 100), &basic());
        assert!(priced.breakdown().unwrap().fallbacks.is_empty());
    }

    #[test]
    fn audio_without_audio_price_is_unknown() {
        let priced = cost(&Usage::new(100, 100).with_input_audio(10), &basic());
        assert_eq!(
            priced.unknown_reason(),
            Some(&UnknownReason::MissingPrices {
                missing: vec![PriceKind::InputAudio]
            })
        );
        let priced = cost(&Usage::new(100, 100).with_output_audio(10), &basic());
        assert_eq!(
            priced.unknown_reason(),
            Some(&UnknownReason::MissingPrices {
                missing: vec![PriceKind::OutputAudio]
            })
        );
    }

    #[test]
    fn audio_is_billed_at_audio_prices() {
        let prices = basic()
            .with_input_audio_price(d("40"))
            .with_output_audio_price(d("80"));
        let priced = cost(
            &Usage::new(1_000, 1_000)
                .with_input_audio(500)
                .with_output_audio(250),
            &prices,
        );
        let breakdown = priced.breakdown().unwrap();
        assert_eq!(breakdown.input.to_string(), "0.0005");
        assert_eq!(breakdown.input_audio.to_string(), "0.02");
        assert_eq!(breakdown.output.to_string(), "0.0015");
        assert_eq!(breakdown.output_audio.to_string(), "0.02");
        assert_eq!(breakdown.total.to_string(), "0.042");
    }

    #[test]
    fn negative_price_set_in_code_is_unknown_not_negative() {
        let prices = basic().with_cache_read_price(Decimal::NEGATIVE_ONE);
        assert!(matches!(
            cost(&Usage::new(10, 0).with_cache_read(5), &prices).unknown_reason(),
            Some(UnknownReason::NegativePrice {
                price: PriceKind::CacheRead,
                ..
            })
        ));
    }

    #[test]
    fn overflow_is_unknown_not_a_panic() {
        let prices = ModelPrices::new()
            .with_input_price(Decimal::MAX)
            .with_output_price(Decimal::MAX);
        assert_eq!(
            cost(&Usage::new(u64::MAX, u64::MAX), &prices).unknown_reason(),
            Some(&UnknownReason::TooLarge { component: "input" })
        );
    }

    #[test]
    fn sum_overflow_is_unknown() {
        // Each component fits, their sum does not.
        let big = d("50000000000000000000000000000");
        let prices = ModelPrices::new()
            .with_input_price(big)
            .with_output_price(big);
        assert_eq!(
            cost(&Usage::new(1_000_000, 1_000_000), &prices).unknown_reason(),
            Some(&UnknownReason::TooLarge { component: "total" })
        );
    }

    #[test]
    fn inconsistent_usage_is_clamped_before_pricing() {
        let priced = cost(
            &Usage::new(10, 10).with_cache_read(50).with_reasoning(50),
            &basic(),
        );
        let breakdown = priced.breakdown().unwrap();
        assert_eq!(breakdown.tokens.input, 0);
        assert_eq!(breakdown.tokens.cache_read, 10);
        assert_eq!(breakdown.tokens.output, 0);
        assert_eq!(breakdown.tokens.reasoning, 10);
        assert!(!breakdown.total.is_sign_negative());
    }

    #[test]
    fn reported_cost_is_kept_beside_either_way() {
        let usage = Usage::new(1, 1).with_reported_cost(d("0.5"));
        assert_eq!(cost(&usage, &basic()).reported_cost(), Some(d("0.5")));
        assert_eq!(
            cost(&usage, &ModelPrices::new()).reported_cost(),
            Some(d("0.5"))
        );
    }
}
