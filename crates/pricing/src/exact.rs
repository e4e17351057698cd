//! Exact decimal arithmetic: a result is either exact or absent, never rounded.
//!
//! Why not `Decimal::checked_mul`/`checked_add` alone: when a product or sum needs
//! more than 96 bits of mantissa, `rust_decimal` silently drops low digits to make
//! it fit (see `rust_decimal_rounds_silently` below). Money here must never be
//! rounded, so every operation is done on `i128` mantissas and only converted back
//! when the result is representable exactly.

use rust_decimal::Decimal;

/// 2^96 − 1, the largest mantissa a `Decimal` holds.
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// Tokens per price unit: prices are per 1,000,000 tokens.
const PER_MILLION_SCALE: u32 = 6;

/// `m × 10^-scale` as a normalized `Decimal`, or `None` when it cannot be held exactly.
pub(crate) fn from_parts(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    while scale > Decimal::MAX_SCALE || mantissa.unsigned_abs() > MAX_MANTISSA {
        // Only trailing zeros may be dropped; anything else would round.
        if scale == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .ok()
        .map(|d| d.normalize())
}

/// `tokens × price / 1,000,000`, exactly.
pub(crate) fn token_cost(tokens: u64, price_per_million: Decimal) -> Option<Decimal> {
    let price = price_per_million.normalize();
    let mantissa = i128::from(tokens).checked_mul(price.mantissa())?;
    from_parts(mantissa, price.scale() + PER_MILLION_SCALE)
}

/// `a + b`, exactly.
pub(crate) fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let (a, b) = (a.normalize(), b.normalize());
    let scale = a.scale().max(b.scale());
    let am = a
        .mantissa()
        .checked_mul(10i128.checked_pow(scale - a.scale())?)?;
    let bm = b
        .mantissa()
        .checked_mul(10i128.checked_pow(scale - b.scale())?)?;
    from_parts(am.checked_add(bm)?, scale)
}

/// `a + b` exactly, or `None` when the sum cannot be held exactly — never rounded
/// (`rust_decimal`'s own `checked_add` rounds near its limits). The rule every sum of
/// this crate follows, for callers that add up amounts themselves (costs read back
/// from a ledger).
///
/// ```
/// use oac_pricing::{exact_add, parse_price, Decimal};
///
/// let sum = exact_add(parse_price("0.0025")?, parse_price("0.003")?);
/// assert_eq!(sum.unwrap().to_string(), "0.0055");
/// assert_eq!(exact_add(Decimal::MAX, Decimal::ONE), None);
/// # Ok::<(), oac_pricing::PriceError>(())
/// ```
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    add(a, b)
}

/// The exact sum of `values`, or `None` when it cannot be held exactly.
pub(crate) fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rust_decimal_rounds_silently() {
        // The reason this module exists: 1e28 + 0.1 is not representable, and
        // `checked_add` returns a rounded value instead of `None`.
        let rounded = d("10000000000000000000000000000").checked_add(d("0.1"));
        assert_eq!(rounded, Some(d("10000000000000000000000000000")));
        assert_eq!(add(d("10000000000000000000000000000"), d("0.1")), None);
    }

    #[test]
    fn token_cost_is_exact() {
        assert_eq!(token_cost(1_920, d("1.25")).unwrap().to_string(), "0.0024");
        assert_eq!(
            token_cost(3, d("0.000001")).unwrap().to_string(),
            "0.000000000003"
        );
    }

    #[test]
    fn token_cost_normalizes_trailing_zeros() {
        assert_eq!(token_cost(1_000, d("2.50")).unwrap().to_string(), "0.0025");
        assert_eq!(token_cost(0, d("2.50")).unwrap().to_string(), "0");
    }

    #[test]
    fn token_cost_too_precise_is_none() {
        // 1 token at 1e-28 per million = 1e-34: beyond 28 decimal places.
        assert_eq!(token_cost(1, d("0.0000000000000000000000000001")), None);
        // …but a million tokens at that price is exactly 1e-28.
        assert_eq!(
            token_cost(1_000_000, d("0.0000000000000000000000000001"))
                .unwrap()
                .to_string(),
            "0.0000000000000000000000000001"
        );
    }

    #[test]
    fn token_cost_too_large_is_none() {
        assert_eq!(token_cost(u64::MAX, Decimal::MAX), None);
        assert_eq!(token_cost(u64::MAX, d("79228162514264337593543950")), None);
    }

    #[test]
    fn add_aligns_scales() {
        assert_eq!(add(d("0.0025"), d("0.003")).unwrap().to_string(), "0.0055");
        assert_eq!(add(d("1.50"), d("2.50")).unwrap().to_string(), "4");
    }

    #[test]
    fn add_overflow_is_none() {
        assert_eq!(add(Decimal::MAX, d("1")), None);
    }

    #[test]
    fn sum_of_nothing_is_zero() {
        assert_eq!(sum([]), Some(Decimal::ZERO));
    }
}
