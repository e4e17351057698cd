//! Breakdowns and messages pinned as insta snapshots (`tests/snapshots/`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

use oac_pricing::{ModelPrices, PriceTier, Usage, cost, find_usage_str, parse_price, read_usage};
use serde_json::json;

fn p(text: &str) -> oac_pricing::Decimal {
    parse_price(text).unwrap()
}

#[test]
fn breakdown_cache_read_and_write() {
    // Vector 5, cache write price set; reasoning falls back to the output price.
    let prices = ModelPrices::new()
        .with_input_price(p("3"))
        .with_cache_read_price(p("0.3"))
        .with_cache_write_price(p("3.75"))
        .with_output_price(p("15"));
    let usage = Usage::new(2_100, 1_000)
        .with_cache_write(1_500)
        .with_cache_read(500)
        .with_reasoning(200)
        .with_reported_cost(p("0.021075"));
    insta::assert_json_snapshot!(cost(&usage, &prices));
}

#[test]
fn breakdown_long_context_tier_with_fallback() {
    // Vector 8 plus a cache write the tier and the base leave unpriced.
    let prices = ModelPrices::new()
        .with_input_price(p("1.25"))
        .with_cache_read_price(p("0.125"))
        .with_output_price(p("10"))
        .with_tier(
            PriceTier::above(200_000)
                .with_input_price(p("2.50"))
                .with_cache_read_price(p("0.25"))
                .with_output_price(p("15")),
        );
    let usage = Usage::new(262_960, 1_744)
        .with_cache_read(257_955)
        .with_cache_write(1_000);
    insta::assert_json_snapshot!(cost(&usage, &prices));
}

#[test]
fn unknown_cost_without_prices() {
    insta::assert_json_snapshot!(cost(&Usage::new(10, 10), &ModelPrices::new()));
}

#[test]
fn reading_with_repairs() {
    let reading = read_usage(&json!({
        "prompt_tokens": 100,
        "completion_tokens": "12",
        "prompt_tokens_details": {"cached_tokens": 150},
        "completion_tokens_details": {"reasoning_tokens": null},
        "cost": "abc"
    }));
    insta::assert_json_snapshot!(reading);
}

#[test]
fn reading_openrouter_exact_cost() {
    let reading = find_usage_str(
        r#"{"usage": {"prompt_tokens": 2100, "completion_tokens": 1000, "cost": 0.02107500000000000001,
            "prompt_tokens_details": {"cached_tokens": 500, "cache_write_tokens": 1500}}}"#,
    )
    .unwrap();
    insta::assert_json_snapshot!(reading);
}

#[cfg(feature = "toml")]
#[test]
fn price_table_serializes_as_exact_strings() {
    let prices = ModelPrices::from_toml_str(
        "input_price = 1.25\noutput_price = 10\ncache_read_price = 0.125\n\
         [[tiers]]\nabove_input_tokens = 200000\ninput_price = 2.50\noutput_price = 15\n",
    )
    .unwrap();
    insta::assert_json_snapshot!(prices);
}

#[test]
fn float_price_with_too_many_digits_through_serde() {
    let err =
        serde_json::from_str::<ModelPrices>(r#"{"input_price": 0.12345678901234567}"#).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn repeated_key_in_a_json_price_table() {
    let err = ModelPrices::from_json_str(
        r#"{"input_price": 1, "tiers": [{"above_input_tokens": 10, "input_price": 2, "input_price": 3}]}"#,
    )
    .unwrap_err();
    insta::assert_snapshot!(err.to_string());
}
