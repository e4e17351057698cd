//! Reading one price from text, exactly.

use rust_decimal::Decimal;

use crate::error::{PriceError, shown};
use crate::exact;

/// Exponents are capped at this magnitude; far beyond anything representable, and
/// small enough that adding the length of the text cannot overflow.
const EXPONENT_CAP: i64 = 1_000_000_000_000_000;

/// Reads a price (USD per 1,000,000 tokens) from text, exactly — never through `f64`.
///
/// Accepted: an optional `+`, digits with an optional fraction (`0.88`, `3`, `.5`,
/// `3.`), and an optional exponent (`1.5e-2`, `2E3`), surrounded by optional
/// whitespace. The result is normalized (no trailing zeros: `2.50` reads as `2.5`).
///
/// Rejected, each with a message that shows the input and what a price looks like:
/// empty text, negative numbers (`-0` is zero and accepted), `NaN` and infinities,
/// currency signs, thousands separators and underscores, more than 28 decimal
/// places, and values above about 7.9e28.
///
/// ```
/// use oac_pricing::{parse_price, PriceError};
///
/// assert_eq!(parse_price("0.88")?.to_string(), "0.88");
/// assert_eq!(parse_price("2.50")?.to_string(), "2.5");
/// assert_eq!(parse_price("1.5e-2")?.to_string(), "0.015");
///
/// let err = parse_price("-1").unwrap_err();
/// assert!(err.to_string().contains("`-1` is negative"));
/// # Ok::<(), PriceError>(())
/// ```
pub fn parse_price(text: &str) -> Result<Decimal, PriceError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(PriceError::EmptyPrice);
    }
    let number = Number::parse(trimmed).ok_or_else(|| classify_garbage(trimmed))?;
    let value = number
        .to_decimal()
        .map_err(|kind| kind.error(trimmed))?
        .normalize();
    if number.negative && !value.is_zero() {
        return Err(PriceError::NegativePrice {
            input: shown(trimmed),
        });
    }
    Ok(value)
}

/// Why a syntactically valid number is not representable.
enum Unrepresentable {
    TooPrecise,
    TooLarge,
}

impl Unrepresentable {
    fn error(self, input: &str) -> PriceError {
        let input = shown(input);
        match self {
            Unrepresentable::TooPrecise => PriceError::TooPrecise { input },
            Unrepresentable::TooLarge => PriceError::TooLarge { input },
        }
    }
}

/// A decimal literal split into sign, significant digits and a power of ten.
struct Number<'a> {
    negative: bool,
    /// Integer and fraction digits, without the dot.
    digits: (&'a str, &'a str),
    exponent: i64,
}

impl<'a> Number<'a> {
    /// `[+-]? digits? (. digits?)? ([eE] [+-]? digits)?` with at least one digit.
    fn parse(text: &'a str) -> Option<Number<'a>> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (int, frac) = match mantissa.find('.') {
            Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
            return None;
        }
        let exponent = match exponent {
            None => 0,
            Some(e) => {
                let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
                if unsigned.is_empty() || !all_digits(unsigned) {
                    return None;
                }
                // Saturate: huge exponents are reported as out of range, not garbage.
                let magnitude = unsigned
                    .parse::<i64>()
                    .unwrap_or(i64::MAX)
                    .min(EXPONENT_CAP);
                if e.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        Some(Number {
            negative,
            digits: (int, frac),
            exponent,
        })
    }

    fn to_decimal(&self) -> Result<Decimal, Unrepresentable> {
        let (int, frac) = self.digits;
        let significant = format!("{int}{frac}");
        let significant = significant.trim_start_matches('0');
        // Trailing zeros carry no value; dropping them raises the exponent.
        let stripped = significant.trim_end_matches('0');
        let exponent =
            self.exponent - frac.len() as i64 + (significant.len() - stripped.len()) as i64;
        if stripped.is_empty() {
            return Ok(Decimal::ZERO);
        }
        let max_scale = i64::from(Decimal::MAX_SCALE);
        // `stripped` ends in a non-zero digit, so a scale above 28 cannot be reduced,
        // and a shift of 29 or more gives at least 1e29 > 2^96.
        if exponent < -max_scale {
            return Err(Unrepresentable::TooPrecise);
        }
        let digits = stripped.len() as i64;
        if exponent > max_scale || digits + exponent > 29 {
            return Err(Unrepresentable::TooLarge);
        }
        // At most 29 digits before the dot and 28 after, so more than 29 significant
        // digits means more precision than a Decimal holds.
        if digits > 29 {
            return Err(Unrepresentable::TooPrecise);
        }
        let too_big = || {
            if exponent < 0 {
                Unrepresentable::TooPrecise
            } else {
                Unrepresentable::TooLarge
            }
        };
        let mut mantissa: i128 = stripped.parse().map_err(|_| too_big())?;
        let scale = if exponent >= 0 {
            mantissa = u32::try_from(exponent)
                .ok()
                .and_then(|shift| 10i128.checked_pow(shift))
                .and_then(|p| mantissa.checked_mul(p))
                .ok_or(Unrepresentable::TooLarge)?;
            0
        } else {
            u32::try_from(-exponent).map_err(|_| Unrepresentable::TooPrecise)?
        };
        exact::from_parts(mantissa, scale).ok_or_else(too_big)
    }
}

/// Picks the most helpful error for text that is not a decimal literal.
fn classify_garbage(text: &str) -> PriceError {
    let unsigned = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if matches!(unsigned.as_str(), "nan" | "inf" | "infinity") {
        return PriceError::NotFinite { input: shown(text) };
    }
    PriceError::NotAPrice { input: shown(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> String {
        parse_price(text).unwrap().to_string()
    }

    fn err(text: &str) -> String {
        parse_price(text).unwrap_err().to_string()
    }

    #[test]
    fn plain_decimal() {
        assert_eq!(ok("0.88"), "0.88");
    }

    #[test]
    fn integer() {
        assert_eq!(ok("3"), "3");
    }

    #[test]
    fn trailing_zeros_are_normalized() {
        assert_eq!(ok("2.50"), "2.5");
        assert_eq!(ok("100"), "100");
        assert_eq!(ok("0.000"), "0");
    }

    #[test]
    fn leading_and_trailing_dot() {
        assert_eq!(ok(".5"), "0.5");
        assert_eq!(ok("3."), "3");
    }

    #[test]
    fn exponent_forms() {
        assert_eq!(ok("1e-2"), "0.01");
        assert_eq!(ok("1.5E-2"), "0.015");
        assert_eq!(ok("2e3"), "2000");
        assert_eq!(ok("2.5e+1"), "25");
        assert_eq!(ok("1250e-4"), "0.125");
    }

    #[test]
    fn plus_sign_and_whitespace() {
        assert_eq!(ok("  +0.6 "), "0.6");
    }

    #[test]
    fn negative_zero_is_zero() {
        assert_eq!(ok("-0"), "0");
        assert_eq!(ok("-0.0e5"), "0");
    }

    #[test]
    fn many_digits_are_kept_exactly() {
        // 28 decimal places: the most a Decimal holds.
        assert_eq!(
            ok("0.1234567890123456789012345678"),
            "0.1234567890123456789012345678"
        );
        assert_eq!(ok("0.10000000000000000000000000000000000000"), "0.1");
    }

    #[test]
    fn negative_is_rejected() {
        assert_eq!(
            err("-1.5"),
            "`-1.5` is negative: a price is USD per 1M tokens and cannot be below zero; write e.g. `0.88`"
        );
    }

    #[test]
    fn empty_is_rejected() {
        assert!(err("  ").starts_with("the price is empty"));
    }

    #[test]
    fn nan_and_infinity_are_rejected() {
        for text in ["NaN", "inf", "-inf", "+Infinity"] {
            assert!(
                matches!(parse_price(text), Err(PriceError::NotFinite { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn garbage_is_rejected_with_the_input() {
        assert_eq!(
            err("abc"),
            "`abc` is not a price: write a non-negative decimal number of USD per 1M tokens, such as `0.88`, `3` or `1.5e-2` (no currency sign, no thousands separators)"
        );
        for text in [
            "$3", "1,000", "1_000", "0x10", "1e", "e5", ".", "1.2.3", "--1", "1e+-2",
        ] {
            assert!(
                matches!(parse_price(text), Err(PriceError::NotAPrice { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn too_precise_is_rejected() {
        assert!(matches!(
            parse_price("0.00000000000000000000000000001"),
            Err(PriceError::TooPrecise { .. })
        ));
        assert!(matches!(
            parse_price("1e-29"),
            Err(PriceError::TooPrecise { .. })
        ));
        assert!(matches!(
            parse_price("1e-999999999999999999999"),
            Err(PriceError::TooPrecise { .. })
        ));
    }

    #[test]
    fn too_large_is_rejected() {
        assert!(matches!(
            parse_price("1e29"),
            Err(PriceError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_price("79228162514264337593543950336"),
            Err(PriceError::TooLarge { .. })
        ));
        assert!(matches!(
            parse_price("1e999999999999999999999"),
            Err(PriceError::TooLarge { .. })
        ));
        assert_eq!(
            ok("79228162514264337593543950335"),
            "79228162514264337593543950335"
        );
    }

    #[test]
    fn long_input_is_shortened_in_the_message() {
        let long = "x".repeat(500);
        let message = err(&long);
        assert!(message.len() < 300, "{message}");
        assert!(message.contains('…'));
    }
}
