//! serde for money: written as exact decimal strings; read from a string (exact),
//! an integer (exact) or a float (through its shortest round-trip text).
//!
//! A float has already lost the literal it came from; `format!("{f}")` prints the
//! shortest text that reads back as the same `f64`, which is the original literal
//! whenever that literal had at most 15 significant digits (any two such decimals
//! are different `f64`s). So `input_price = 0.88` in TOML or `"input_price": 0.88`
//! in JSON gives exactly `0.88`. A float whose shortest text has 16 or more
//! significant digits may not be what was written (`0.12345678901234567` arrives as
//! `0.12345678901234566`), so it is rejected rather than silently rounded: write the
//! price as a string or use
//! [`ModelPrices::from_json_str`](crate::ModelPrices::from_json_str) /
//! [`from_toml_str`](crate::ModelPrices::from_toml_str), which read the literal itself.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

use crate::display::exact_string;
use crate::error::{PriceError, shown};
use crate::price::parse_price;

/// Serializes `Some(price)` as its exact decimal string, `None` as none.
pub(crate) fn serialize<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(price) => serializer.serialize_str(&exact_string(*price)),
        None => serializer.serialize_none(),
    }
}

/// Deserializes an optional non-negative price (see the module docs).
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    deserializer.deserialize_option(OptionalPrice)
}

struct OptionalPrice;

impl<'de> Visitor<'de> for OptionalPrice {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a price: a non-negative decimal (as a string for exactness) or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(Price).map(Some)
    }

    // Formats without a notion of "optional" (serde's value deserializers, some
    // self-describing formats) hand the value straight to this visitor.
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Price.visit_str(text).map(Some)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Price.visit_u64(value).map(Some)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Self::Value, E> {
        Price.visit_u128(value).map(Some)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Price.visit_i64(value).map(Some)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Self::Value, E> {
        Price.visit_i128(value).map(Some)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Price.visit_f64(value).map(Some)
    }
}

/// A price that must be present.
struct Price;

impl Visitor<'_> for Price {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a price: a non-negative decimal such as \"0.88\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
        parse_price(text).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Decimal, E> {
        parse_price(&value.to_string()).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        parse_price(&value.to_string()).map_err(E::custom)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Decimal, E> {
        parse_price(&value.to_string()).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        // `Display` for f64 prints the shortest round-trip text, never an exponent,
        // and `inf`/`NaN` for non-finite values (rejected by `parse_price`).
        let text = format!("{value}");
        if value.is_finite() && significant_digits(&text) > MAX_EXACT_FLOAT_DIGITS {
            return Err(E::custom(PriceError::FloatNotExact {
                read_as: shown(&text),
            }));
        }
        parse_price(&text).map_err(E::custom)
    }
}

/// Any decimal literal of at most this many significant digits is the shortest
/// text of its `f64`, so reading that text back gives exactly what was written.
const MAX_EXACT_FLOAT_DIGITS: usize = 15;

/// Significant digits of a plain decimal text (`0.00120` → 2, `1200` → 2).
fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error;

    fn from_f64(value: f64) -> Result<Option<Decimal>, Error> {
        super::deserialize(value.into_deserializer())
    }

    #[test]
    fn float_with_few_digits_is_exact() {
        assert_eq!(from_f64(0.88).unwrap().unwrap().to_string(), "0.88");
        assert_eq!(
            from_f64(0.0000001).unwrap().unwrap().to_string(),
            "0.0000001"
        );
        assert_eq!(
            from_f64(1e20).unwrap().unwrap().to_string(),
            "100000000000000000000"
        );
    }

    #[test]
    fn float_with_fifteen_digits_is_exact() {
        assert_eq!(
            from_f64(0.123456789012345).unwrap().unwrap().to_string(),
            "0.123456789012345"
        );
        assert_eq!(
            from_f64(123456789012345e6).unwrap().unwrap().to_string(),
            "123456789012345000000"
        );
    }

    #[test]
    fn float_with_sixteen_or_more_digits_is_rejected_not_rounded() {
        // The message is pinned in tests/snapshots.rs.
        let message = from_f64(0.1234567890123456).unwrap_err().to_string();
        assert!(
            message.starts_with("the price `0.1234567890123456` arrived as a float"),
            "{message}"
        );
        assert!(from_f64(0.12345678901234567).is_err());
        assert!(from_f64(1.0000000000000002).is_err());
    }

    #[test]
    fn significant_digits_ignore_leading_and_trailing_zeros() {
        assert_eq!(super::significant_digits("0.00120"), 2);
        assert_eq!(super::significant_digits("1200"), 2);
        assert_eq!(super::significant_digits("0"), 0);
        assert_eq!(super::significant_digits("100.001"), 6);
    }

    #[test]
    fn negative_float_is_rejected() {
        let message = from_f64(-0.5).unwrap_err().to_string();
        assert!(message.contains("`-0.5` is negative"), "{message}");
    }

    #[test]
    fn non_finite_float_is_rejected() {
        assert!(from_f64(f64::NAN).is_err());
        assert!(from_f64(f64::INFINITY).is_err());
    }

    #[test]
    fn tiny_float_is_rejected_not_rounded() {
        assert!(from_f64(5e-324).is_err());
    }

    #[test]
    fn negative_integer_is_rejected() {
        let result: Result<Option<Decimal>, Error> =
            super::deserialize((-3i64).into_deserializer());
        assert!(result.unwrap_err().to_string().contains("`-3` is negative"));
    }
}
