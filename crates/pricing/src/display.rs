//! Showing money and usage: rounded for people, exact for machines.
//!
//! - People: [`format_usd`] (`$0.005615`, 6 decimal places, half-even) and the
//!   `Display` impls of [`Cost`], [`Usage`], [`TrackedCost`] and [`ContextUse`].
//! - Machines (JSON output, logs to re-read, comparisons): [`exact_string`]
//!   (`0.005615`, `5.615`, `0`): every digit, no trailing zeros, never an exponent.
//!   Serialized prices and costs use it too.
//!
//! Rounding happens only here, never inside a computation, so sums stay exact.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::cost::{Cost, UnknownReason};
use crate::tracker::{ContextUse, TrackedCost};
use crate::usage::Usage;

/// Decimal places of [`format_usd`].
pub const DEFAULT_DECIMAL_PLACES: u32 = 6;

/// `amount` as dollars for people: `$` and exactly 6 decimal places, rounded
/// half-even (`0.0000005` → `$0.000000`, `0.0000015` → `$0.000002`).
///
/// ```
/// use oac_pricing::{format_usd, parse_price, PriceError};
///
/// assert_eq!(format_usd(parse_price("0.005615")?), "$0.005615");
/// assert_eq!(format_usd(parse_price("0.00045")?), "$0.000450");
/// assert_eq!(format_usd(parse_price("0.004876592")?), "$0.004877");
/// assert_eq!(format_usd(parse_price("5.615")?), "$5.615000");
/// # Ok::<(), PriceError>(())
/// ```
pub fn format_usd(amount: Decimal) -> String {
    format_usd_places(amount, DEFAULT_DECIMAL_PLACES)
}

/// [`format_usd`] with `places` decimal places (at most 28), rounded half-even.
///
/// ```
/// use oac_pricing::{format_usd_places, parse_price, PriceError};
///
/// assert_eq!(format_usd_places(parse_price("0.125")?, 2), "$0.12");
/// assert_eq!(format_usd_places(parse_price("0.135")?, 2), "$0.14");
/// assert_eq!(format_usd_places(parse_price("3")?, 0), "$3");
/// # Ok::<(), PriceError>(())
/// ```
pub fn format_usd_places(amount: Decimal, places: u32) -> String {
    let places = places.min(Decimal::MAX_SCALE);
    let rounded = round_usd(amount, places);
    let sign = if rounded.is_sign_negative() { "-" } else { "" };
    let digits = exact_string(rounded.abs());
    let (int, frac) = digits.split_once('.').unwrap_or((&digits, ""));
    let width = places as usize;
    if width == 0 {
        format!("{sign}${int}")
    } else {
        format!("{sign}${int}.{frac:0<width$}")
    }
}

/// `amount` rounded half-even to `places` decimal places (a display step: never
/// feed the result back into sums).
pub fn round_usd(amount: Decimal, places: u32) -> Decimal {
    amount
        .round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// `amount` exactly, for machines: every digit, no trailing zeros, no exponent,
/// `0` for zero.
///
/// ```
/// use oac_pricing::{exact_string, Decimal};
///
/// assert_eq!(exact_string(Decimal::new(5_615_000, 6)), "5.615");
/// assert_eq!(exact_string(Decimal::new(45, 5)), "0.00045");
/// assert_eq!(exact_string(Decimal::new(0, 3)), "0");
/// ```
pub fn exact_string(amount: Decimal) -> String {
    amount.normalize().to_string()
}

/// `n` with thousands separators: `2,006`.
pub fn format_tokens(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `$0.005615`, or `unknown (input_price is not set)`.
impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cost::Known(breakdown) => f.write_str(&format_usd(breakdown.total)),
            Cost::Unknown(unknown) => write!(f, "unknown ({})", unknown.reason),
        }
    }
}

/// A sentence naming what is missing, e.g. `input_price and output_price are not set`.
impl fmt::Display for UnknownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnknownReason::MissingPrices { missing } => {
                let names: Vec<&str> = missing.iter().map(|kind| kind.field()).collect();
                match names.as_slice() {
                    [] => f.write_str("a needed price is not set"),
                    [one] => write!(f, "{one} is not set"),
                    [init @ .., last] => {
                        write!(f, "{} and {last} are not set", init.join(", "))
                    }
                }
            }
            UnknownReason::NegativePrice { price, value } => {
                write!(f, "{price} is {value}, below zero")
            }
            UnknownReason::UnpricedServiceTier { tier } => write!(
                f,
                "service tier {tier} has no prices (`service_tiers.{tier}`)"
            ),
            UnknownReason::TooLarge { component } => write!(
                f,
                "the {component} cost is beyond exact decimal range (about 7.9e28 USD, 28 decimal places)"
            ),
        }
    }
}

/// `2,006 in (1,920 cached) · 300 out (250 reasoning)`; parts that are zero are left
/// out.
impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn parts(f: &mut fmt::Formatter<'_>, parts: &[(u64, &str)]) -> fmt::Result {
            let shown: Vec<String> = parts
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, name)| format!("{} {name}", format_tokens(*n)))
                .collect();
            if shown.is_empty() {
                Ok(())
            } else {
                write!(f, " ({})", shown.join(", "))
            }
        }
        write!(f, "{} in", format_tokens(self.input_total))?;
        parts(
            f,
            &[
                (self.cache_read, "cached"),
                (self.cache_write, "cache write"),
                (self.input_audio, "audio"),
            ],
        )?;
        write!(f, " · {} out", format_tokens(self.output_total))?;
        parts(
            f,
            &[(self.reasoning, "reasoning"), (self.output_audio, "audio")],
        )
    }
}

/// `$0.005615`, or `$0.005615 + 2 requests of unknown cost`.
impl fmt::Display for TrackedCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.unknown_requests {
            0 => f.write_str(&format_usd(self.known)),
            1 if self.priced_requests == 0 => f.write_str("unknown (1 request without prices)"),
            n if self.priced_requests == 0 => {
                write!(f, "unknown ({} requests without prices)", format_tokens(n))
            }
            1 => write!(f, "{} + 1 request of unknown cost", format_usd(self.known)),
            n => write!(
                f,
                "{} + {} requests of unknown cost",
                format_usd(self.known),
                format_tokens(n)
            ),
        }
    }
}

/// `2,006 of 128,000 tokens (1.6%)`.
impl fmt::Display for ContextUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} tokens ({}%)",
            format_tokens(self.used_tokens),
            format_tokens(self.context_window),
            self.percent()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ModelPrices, PriceKind, parse_price};

    fn d(text: &str) -> Decimal {
        parse_price(text).unwrap()
    }

    #[test]
    fn usd_rounds_half_even_at_six_places() {
        assert_eq!(format_usd(d("0.0000005")), "$0.000000");
        assert_eq!(format_usd(d("0.0000015")), "$0.000002");
        assert_eq!(format_usd(d("0.0000025")), "$0.000002");
        assert_eq!(format_usd(d("0.00000251")), "$0.000003");
    }

    #[test]
    fn usd_pads_to_six_places() {
        assert_eq!(format_usd(Decimal::ZERO), "$0.000000");
        assert_eq!(format_usd(d("1234")), "$1234.000000");
    }

    #[test]
    fn usd_of_negative_puts_sign_first() {
        assert_eq!(format_usd(Decimal::new(-15, 1)), "-$1.500000");
    }

    #[test]
    fn usd_places_are_capped_at_28() {
        assert_eq!(
            format_usd_places(d("0.1"), 40),
            "$0.1000000000000000000000000000"
        );
    }

    #[test]
    fn exact_string_has_no_exponent_or_trailing_zeros() {
        assert_eq!(exact_string(d("1e-20")), "0.00000000000000000001");
        assert_eq!(exact_string(d("1e20")), "100000000000000000000");
        assert_eq!(exact_string(Decimal::new(-0, 2)), "0");
    }

    #[test]
    fn tokens_are_grouped() {
        assert_eq!(format_tokens(0), "0");
        assert_eq!(format_tokens(999), "999");
        assert_eq!(format_tokens(1_000), "1,000");
        assert_eq!(format_tokens(262_960), "262,960");
        assert_eq!(format_tokens(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn usage_shows_nonzero_parts() {
        assert_eq!(Usage::new(10, 5).to_string(), "10 in · 5 out");
        let full = Usage::new(2_100, 1_000)
            .with_cache_read(500)
            .with_cache_write(1_500)
            .with_input_audio(7)
            .with_reasoning(400)
            .with_output_audio(3);
        assert_eq!(
            full.to_string(),
            "2,100 in (500 cached, 1,500 cache write, 7 audio) · 1,000 out (400 reasoning, 3 audio)"
        );
    }

    #[test]
    fn unknown_cost_names_missing_prices() {
        let priced = crate::cost(&Usage::new(1, 1), &ModelPrices::new());
        assert_eq!(
            priced.to_string(),
            "unknown (input_price and output_price are not set)"
        );
        let three = UnknownReason::MissingPrices {
            missing: vec![PriceKind::Input, PriceKind::Output, PriceKind::InputAudio],
        };
        assert_eq!(
            three.to_string(),
            "input_price, output_price and input_audio_price are not set"
        );
    }

    #[test]
    fn tracked_cost_mentions_unknown_requests() {
        let cost = |known: &str, priced, unknown| TrackedCost {
            known: d(known),
            priced_requests: priced,
            unknown_requests: unknown,
        };
        assert_eq!(cost("0.5", 2, 0).to_string(), "$0.500000");
        assert_eq!(
            cost("0.5", 2, 1).to_string(),
            "$0.500000 + 1 request of unknown cost"
        );
        assert_eq!(
            cost("0.5", 2, 3).to_string(),
            "$0.500000 + 3 requests of unknown cost"
        );
        assert_eq!(
            cost("0", 0, 1).to_string(),
            "unknown (1 request without prices)"
        );
        assert_eq!(
            cost("0", 0, 2).to_string(),
            "unknown (2 requests without prices)"
        );
    }
}
