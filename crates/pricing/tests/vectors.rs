//! The test vectors of `docs/pricing.md`, each with its exact expected cost (string
//! comparison, no tolerance).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

use oac_pricing::{
    Cost, ModelPrices, PriceKind, PriceTier, Tracker, UnknownReason, Usage, cost, parse_price,
    read_usage,
};
use serde_json::json;

fn p(text: &str) -> oac_pricing::Decimal {
    parse_price(text).unwrap()
}

/// Base prices in / cache read / cache write / out; `None` = "–" in the table.
fn prices(
    input: Option<&str>,
    cache_read: Option<&str>,
    cache_write: Option<&str>,
    output: Option<&str>,
) -> ModelPrices {
    let mut prices = ModelPrices::new();
    prices.input_price = input.map(p);
    prices.cache_read_price = cache_read.map(p);
    prices.cache_write_price = cache_write.map(p);
    prices.output_price = output.map(p);
    prices
}

fn total(cost: &Cost) -> String {
    cost.total()
        .unwrap_or_else(|| panic!("cost should be known: {cost:?}"))
        .to_string()
}

/// Vectors 7a, 7b, 8: 1.25 / 0.125 / – / 10; above 200,000: 2.50 / 0.25 / – / 15.
fn long_context() -> ModelPrices {
    prices(Some("1.25"), Some("0.125"), None, Some("10")).with_tier(
        PriceTier::above(200_000)
            .with_input_price(p("2.50"))
            .with_cache_read_price(p("0.25"))
            .with_output_price(p("15")),
    )
}

fn gpt_4o() -> ModelPrices {
    prices(Some("2.50"), Some("1.25"), None, Some("10"))
}

#[test]
fn vector_01_plain_input_and_output() {
    let prices = prices(Some("0.15"), None, None, Some("0.60"));
    assert_eq!(total(&cost(&Usage::new(1_000, 500), &prices)), "0.00045");
}

#[test]
fn vector_02_cached_tokens_billed_once() {
    let usage = Usage::new(2_006, 300).with_cache_read(1_920);
    assert_eq!(total(&cost(&usage, &gpt_4o())), "0.005615");
}

#[test]
fn vector_03_reasoning_inside_completion() {
    let prices = prices(Some("1.10"), Some("0.55"), None, Some("4.40"));
    let usage = Usage::new(150, 8_500).with_reasoning(8_200);
    assert_eq!(total(&cost(&usage, &prices)), "0.037565");
}

#[test]
fn vector_04_reasoning_price() {
    let prices = prices(Some("2"), None, None, Some("8")).with_reasoning_price(p("3"));
    let usage = Usage::new(1_000, 5_000).with_reasoning(4_000);
    assert_eq!(total(&cost(&usage, &prices)), "0.022");
}

#[test]
fn vector_05_cache_read_and_write() {
    let prices = prices(Some("3"), Some("0.3"), Some("3.75"), Some("15"));
    let usage = Usage::new(2_100, 1_000)
        .with_cache_write(1_500)
        .with_cache_read(500);
    assert_eq!(total(&cost(&usage, &prices)), "0.021075");
}

#[test]
fn vector_06_deepseek_hit_and_miss_fields() {
    let prices = prices(Some("0.28"), Some("0.028"), None, Some("0.42"));
    let reading = read_usage(&json!({
        "prompt_tokens": 102_056,
        "completion_tokens": 252,
        "total_tokens": 102_308,
        "prompt_cache_hit_tokens": 94_464,
        "prompt_cache_miss_tokens": 7_592
    }));
    assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
    let usage = reading.usage.unwrap();
    assert_eq!(total(&cost(&usage, &prices)), "0.004876592");
}

#[test]
fn vector_07a_at_threshold_uses_base_prices() {
    let priced = cost(&Usage::new(200_000, 2_000), &long_context());
    assert_eq!(total(&priced), "0.27");
    assert_eq!(priced.tier(), None);
}

#[test]
fn vector_07b_above_threshold_tier_prices_whole_request() {
    let priced = cost(&Usage::new(200_001, 2_000), &long_context());
    assert_eq!(total(&priced), "0.5300025");
    assert_eq!(priced.tier().map(|t| t.above_input_tokens), Some(200_000));
}

#[test]
fn vector_08_tier_with_cached_tokens() {
    let usage = Usage::new(262_960, 1_744).with_cache_read(257_955);
    assert_eq!(total(&cost(&usage, &long_context())), "0.10316125");
}

#[test]
fn vector_10_prediction_tokens_are_informational() {
    let reading = read_usage(&json!({
        "prompt_tokens": 1_000,
        "completion_tokens": 600,
        "total_tokens": 1_600,
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "accepted_prediction_tokens": 300,
            "rejected_prediction_tokens": 200
        }
    }));
    let usage = reading.usage.unwrap();
    assert_eq!(usage, Usage::new(1_000, 600));
    assert_eq!(total(&cost(&usage, &gpt_4o())), "0.0085");
}

#[test]
fn vector_12_cached_and_reasoning() {
    let prices = prices(Some("15"), Some("7.5"), None, Some("60"));
    let usage = Usage::new(10_000, 3_000)
        .with_cache_read(4_096)
        .with_reasoning(2_500);
    assert_eq!(total(&cost(&usage, &prices)), "0.29928");
}

#[test]
fn vector_14_expensive_model_with_cache() {
    let prices = prices(Some("75"), Some("37.5"), None, Some("150"));
    let usage = Usage::new(10_000, 1_000).with_cache_read(8_192);
    assert_eq!(total(&cost(&usage, &prices)), "0.5928");
}

#[test]
fn vector_15_vector_2_summed_1000_times_is_exact() {
    let usage = Usage::new(2_006, 300).with_cache_read(1_920);
    let mut tracker = Tracker::new();
    for _ in 0..1_000 {
        tracker.record_priced(&usage, &gpt_4o());
    }
    let summed = tracker.cost();
    assert_eq!(summed.known.to_string(), "5.615");
    assert_eq!(summed.priced_requests, 1_000);
    assert!(summed.is_complete());
}

#[test]
fn vector_16_missing_cache_price_bills_input_price() {
    let prices = prices(Some("1.00"), None, None, Some("2.00"));
    let priced = cost(&Usage::new(1_000, 0).with_cache_read(400), &prices);
    assert_eq!(total(&priced), "0.001");
    let breakdown = priced.breakdown().unwrap();
    assert_eq!(breakdown.fallbacks.len(), 1);
    assert_eq!(breakdown.fallbacks[0].missing, PriceKind::CacheRead);
    assert_eq!(breakdown.fallbacks[0].billed_at, PriceKind::Input);
}

#[test]
fn vector_17_no_prices_is_unknown() {
    let priced = cost(&Usage::new(10, 10), &ModelPrices::new());
    assert_eq!(priced.total(), None);
    assert_eq!(
        priced.unknown_reason(),
        Some(&UnknownReason::MissingPrices {
            missing: vec![PriceKind::Input, PriceKind::Output]
        })
    );
    assert_eq!(
        priced.to_string(),
        "unknown (input_price and output_price are not set)"
    );
}
