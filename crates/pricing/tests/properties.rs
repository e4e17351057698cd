//! Properties over arbitrary usages and prices.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly on purpose

use oac_pricing::{
    Cost, Decimal, ModelPrices, PriceTier, Tracker, Usage, cost, exact_string, parse_price,
};
use proptest::prelude::*;

/// A price with up to 6 decimal places, 0 to 1,000 USD per 1M tokens.
fn price() -> impl Strategy<Value = Decimal> {
    (0i64..=1_000_000_000, 0u32..=6).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn maybe_price() -> impl Strategy<Value = Option<Decimal>> {
    prop::option::weighted(0.8, price())
}

fn prices() -> impl Strategy<Value = ModelPrices> {
    (
        price(),
        price(),
        maybe_price(),
        maybe_price(),
        maybe_price(),
        maybe_price(),
        maybe_price(),
        prop::option::of((0u64..400_000, maybe_price(), maybe_price(), maybe_price())),
    )
        .prop_map(
            |(
                input,
                output,
                cache_read,
                cache_write,
                reasoning,
                input_audio,
                output_audio,
                tier,
            )| {
                let mut prices = ModelPrices::new()
                    .with_input_price(input)
                    .with_output_price(output);
                prices.cache_read_price = cache_read;
                prices.cache_write_price = cache_write;
                prices.reasoning_price = reasoning;
                prices.input_audio_price = input_audio;
                prices.output_audio_price = output_audio;
                if let Some((above, input, output, cache_read)) = tier {
                    let mut tier = PriceTier::above(above);
                    tier.input_price = input;
                    tier.output_price = output;
                    tier.cache_read_price = cache_read;
                    prices = prices.with_tier(tier);
                }
                prices
            },
        )
}

/// Arbitrary, possibly inconsistent, usage (parts may exceed totals).
fn usage() -> impl Strategy<Value = Usage> {
    (
        0u64..2_000_000,
        0u64..2_000_000,
        0u64..1_000_000,
        0u64..1_000_000,
        0u64..1_000_000,
        0u64..1_000,
        0u64..1_000,
    )
        .prop_map(
            |(input, output, read, write, reasoning, in_audio, out_audio)| {
                Usage::new(input, output)
                    .with_cache_read(read)
                    .with_cache_write(write)
                    .with_reasoning(reasoning)
                    .with_input_audio(in_audio)
                    .with_output_audio(out_audio)
            },
        )
}

proptest! {
    #[test]
    fn total_is_the_sum_of_components_and_never_negative(usage in usage(), prices in prices()) {
        if let Cost::Known(breakdown) = cost(&usage, &prices) {
            let sum: Decimal = breakdown.components().iter().map(|(_, c)| *c).sum();
            prop_assert_eq!(breakdown.total, sum);
            prop_assert!(!breakdown.total.is_sign_negative());
            for (name, component) in breakdown.components() {
                prop_assert!(!component.is_sign_negative(), "{} is negative", name);
            }
        }
    }

    #[test]
    fn billed_tokens_never_exceed_the_totals(usage in usage(), prices in prices()) {
        let priced = cost(&usage, &prices);
        let tokens = priced.tokens();
        prop_assert_eq!(
            tokens.input + tokens.cache_read + tokens.cache_write + tokens.input_audio,
            usage.input_total
        );
        prop_assert_eq!(tokens.output + tokens.reasoning + tokens.output_audio, usage.output_total);
    }

    #[test]
    fn summing_n_copies_is_n_times_one_exactly(
        usage in usage(),
        prices in prices(),
        n in 1u64..200,
    ) {
        let one = cost(&usage, &prices);
        let mut tracker = Tracker::new();
        for _ in 0..n {
            tracker.record(&usage, &one);
        }
        let summed = tracker.cost();
        match one.total() {
            Some(total) => {
                prop_assert_eq!(summed.known, total * Decimal::from(n));
                prop_assert_eq!(summed.priced_requests, n);
                prop_assert_eq!(summed.unknown_requests, 0);
            }
            None => {
                prop_assert_eq!(summed.known, Decimal::ZERO);
                prop_assert_eq!(summed.unknown_requests, n);
            }
        }
    }

    #[test]
    fn known_prices_with_priced_audio_always_give_a_known_cost(usage in usage(), prices in prices()) {
        let audio_priced = (usage.input_audio == 0 || prices.input_audio_price.is_some())
            && (usage.output_audio == 0 || prices.output_audio_price.is_some());
        prop_assume!(audio_priced);
        prop_assert!(cost(&usage, &prices).is_known());
    }

    /// A float literal of at most 15 significant digits (and at most 22 decimal places,
    /// where serde_json's default float parser is correctly rounded) reads back exactly
    /// through serde.
    #[test]
    fn float_literals_up_to_15_digits_deserialize_exactly(
        mantissa in 0u64..1_000_000_000_000_000,
        scale in 0u32..=22,
    ) {
        let exact = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        let literal = exact.to_string();
        let literal = if literal.contains('.') { literal } else { format!("{literal}.0") };
        let json = format!(r#"{{"input_price": {literal}}}"#);
        let prices: ModelPrices = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(prices.input_price.map(exact_string), Some(exact_string(exact)));
        // Rust's own parser (what toml uses) is correctly rounded at every exponent.
        let float: f64 = literal.parse().unwrap();
        prop_assert_eq!(parse_price(&format!("{float}")).map(exact_string).ok(), Some(exact_string(exact)));
    }

    #[test]
    fn parse_price_round_trips_exact_strings(mantissa in 0i128..=i128::from(u64::MAX), scale in 0u32..=28) {
        let value = Decimal::from_i128_with_scale(mantissa, scale);
        prop_assert_eq!(parse_price(&value.to_string()).unwrap(), value);
        prop_assert_eq!(parse_price(&exact_string(value)).unwrap().to_string(), exact_string(value));
    }

    #[test]
    fn extreme_tokens_and_prices_never_panic_and_stay_exact(
        // Half extreme, half ordinary, so both "unknown (too large)" and exact
        // results are exercised.
        tokens in prop::array::uniform7(prop_oneof![any::<u64>(), 0u64..10_000_000]),
        mantissas in prop::array::uniform7(prop_oneof![0u128..(1u128 << 96), 0u128..1_000_000_000]),
        scales in prop::array::uniform7(prop_oneof![0u32..=28, 0u32..=9]),
    ) {
        let price = |i: usize| Decimal::from_i128_with_scale(mantissas[i] as i128, scales[i]);
        let prices = ModelPrices::new()
            .with_input_price(price(0))
            .with_output_price(price(1))
            .with_cache_read_price(price(2))
            .with_cache_write_price(price(3))
            .with_reasoning_price(price(4))
            .with_input_audio_price(price(5))
            .with_output_audio_price(price(6));
        let usage = Usage::new(tokens[0], tokens[1])
            .with_cache_read(tokens[2])
            .with_cache_write(tokens[3])
            .with_reasoning(tokens[4])
            .with_input_audio(tokens[5])
            .with_output_audio(tokens[6]);
        if let Cost::Known(breakdown) = cost(&usage, &prices) {
            // Known means exact: each component times 1M equals tokens × price.
            for ((_, component), (billed, rate)) in breakdown.components().iter().zip([
                (breakdown.tokens.input, Some(breakdown.prices.input)),
                (breakdown.tokens.cache_read, Some(breakdown.prices.cache_read)),
                (breakdown.tokens.cache_write, Some(breakdown.prices.cache_write)),
                (breakdown.tokens.input_audio, breakdown.prices.input_audio),
                (breakdown.tokens.output, Some(breakdown.prices.output)),
                (breakdown.tokens.reasoning, Some(breakdown.prices.reasoning)),
                (breakdown.tokens.output_audio, breakdown.prices.output_audio),
            ]) {
                let rate = rate.unwrap_or(Decimal::ZERO);
                let expected = u128::from(billed) * rate.mantissa() as u128;
                let scale = rate.scale() + 6;
                // component = expected / 10^scale, compared without rounding:
                // component.mantissa × 10^scale == expected × 10^component.scale
                let lhs = (component.mantissa() as u128)
                    .checked_mul(10u128.pow(scale.min(38)));
                let rhs = expected.checked_mul(10u128.pow(component.scale()));
                if let (Some(lhs), Some(rhs)) = (lhs, rhs) {
                    prop_assert_eq!(lhs, rhs);
                }
            }
        }
    }

    #[test]
    fn parse_price_never_panics(text in ".{0,40}") {
        let _ = parse_price(&text);
    }

    #[test]
    fn serde_round_trip_is_identity(prices in prices()) {
        let json = serde_json::to_string(&prices).unwrap();
        let back: ModelPrices = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &prices);
        prop_assert_eq!(ModelPrices::from_json_str(&json).unwrap(), prices);
    }
}
