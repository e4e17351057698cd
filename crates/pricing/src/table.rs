//! Reading a whole price table from JSON or TOML text, number literals as written.
//!
//! The field rules are [`crate::sheet`]'s; this module only says how JSON and TOML
//! values look to it and turns the first problem into the error.

use std::borrow::Cow;

use serde_json::value::RawValue;
#[cfg(feature = "toml")]
use toml::de::{DeTable, DeValue};

use crate::error::PriceError;
use crate::prices::ModelPrices;
use crate::sheet::{Place, PriceInput, PriceSink, SheetProblem, View, read_price_table};

impl ModelPrices {
    /// Reads a price table from JSON, taking every number exactly as written.
    ///
    /// Unlike serde (which sees a JSON number only as an `f64`), this reads the
    /// literal text, so `0.1234567890123456789` stays exactly that. Prices may also
    /// be strings or `null` (unset). Unknown keys are rejected with the closest
    /// valid key, a key repeated in one table is rejected (JSON parsers usually keep
    /// the last silently), and tier thresholds must ascend strictly. The rules are
    /// those of [`sheet`](crate::sheet), which every price-table reader shares.
    ///
    /// ```
    /// use oac_pricing::{ModelPrices, PriceError};
    ///
    /// let prices = ModelPrices::from_json_str(
    ///     r#"{"input_price": 1.25, "output_price": "10", "cache_read_price": 0.125,
    ///         "tiers": [{"above_input_tokens": 200000, "input_price": 2.5, "output_price": 15}]}"#,
    /// )?;
    /// assert_eq!(prices.cache_read_price.unwrap().to_string(), "0.125");
    /// assert_eq!(prices.tiers[0].above_input_tokens, 200_000);
    ///
    /// let typo = ModelPrices::from_json_str(r#"{"input_prise": 1}"#).unwrap_err();
    /// assert_eq!(
    ///     typo.to_string(),
    ///     "unknown key `input_prise` in a price table: did you mean `input_price`?"
    /// );
    /// # Ok::<(), PriceError>(())
    /// ```
    pub fn from_json_str(json: &str) -> Result<ModelPrices, PriceError> {
        let table: crate::sheet::JsonEntries<'_> =
            serde_json::from_str(json).map_err(|source| PriceError::InvalidJson { source })?;
        let entries = table
            .into_entries()
            .into_iter()
            .map(|(key, value)| (Cow::Owned(key), Json(value)))
            .collect();
        let mut sink = FirstProblem::default();
        let prices = read_price_table("", entries, &mut sink);
        sink.finish(prices)
    }

    /// Reads a price table from TOML, taking every number exactly as written.
    ///
    /// The TOML twin of [`from_json_str`](Self::from_json_str): floats and integers
    /// are read from their source text (underscores as TOML allows), strings are
    /// parsed as prices, `[[tiers]]` (or an inline array) hold the tiers.
    ///
    /// ```
    /// use oac_pricing::{ModelPrices, PriceError};
    ///
    /// let prices = ModelPrices::from_toml_str(
    ///     "input_price = 0.1234567890123456789\noutput_price = 4\n\n\
    ///      [[tiers]]\nabove_input_tokens = 200_000\ninput_price = 0.5\n",
    /// )?;
    /// assert_eq!(prices.input_price.unwrap().to_string(), "0.1234567890123456789");
    /// assert_eq!(prices.tiers[0].input_price.unwrap().to_string(), "0.5");
    /// # Ok::<(), PriceError>(())
    /// ```
    #[cfg(feature = "toml")]
    pub fn from_toml_str(toml: &str) -> Result<ModelPrices, PriceError> {
        let table = DeTable::parse(toml).map_err(|source| PriceError::InvalidToml { source })?;
        let entries = table
            .get_ref()
            .iter()
            .map(|(key, value)| (Cow::Borrowed(key.get_ref().as_ref()), Toml(value.get_ref())))
            .collect();
        let mut sink = FirstProblem::default();
        let prices = read_price_table("", entries, &mut sink);
        sink.finish(prices)
    }
}

/// How a value of this crate's own formats is named in "found …" messages.
trait Named {
    fn type_name(self) -> &'static str;
}

/// Keeps the first problem as the error, its path (`tiers[1].input_price`) in front.
#[derive(Default)]
struct FirstProblem {
    first: Option<PriceError>,
}

impl FirstProblem {
    /// The first problem reading found, else the first of the whole table's.
    fn finish(self, prices: ModelPrices) -> Result<ModelPrices, PriceError> {
        match self.first.or_else(|| prices.problems().into_iter().next()) {
            Some(problem) => Err(problem),
            None => Ok(prices),
        }
    }
}

impl<V: Named + Copy> PriceSink<V> for FirstProblem {
    fn key_path(&self, table: &str, key: &str) -> String {
        if table.is_empty() {
            key.to_owned()
        } else {
            format!("{table}.{key}")
        }
    }

    fn item_path(&self, list: &str, index: usize) -> String {
        format!("{list}[{index}]")
    }

    fn problem(&mut self, place: &Place<'_, V>, problem: SheetProblem) {
        if self.first.is_some() {
            return;
        }
        let error = problem.into_error(place.key, place.value.type_name());
        self.first = Some(if place.path.is_empty() {
            error
        } else {
            error.in_field(place.path)
        });
    }
}

/// A JSON value, as its text.
#[derive(Clone, Copy)]
struct Json<'a>(&'a str);

impl<'a> PriceInput<'a> for Json<'a> {
    fn view(self) -> View<'a, Self> {
        let text = self.0.trim();
        match text.as_bytes().first() {
            Some(b'n') => View::Unset,
            Some(b'"') => serde_json::from_str::<String>(text)
                .map_or(View::Other, |string| View::Text(Cow::Owned(string))),
            Some(b'-' | b'0'..=b'9') => View::Number(Cow::Borrowed(text)),
            Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(text)
                .map_or(View::Other, |items| {
                    View::List(items.into_iter().map(|item| Json(item.get())).collect())
                }),
            Some(b'{') => serde_json::from_str::<crate::sheet::JsonEntries<'_>>(text).map_or(
                View::Other,
                |table| {
                    View::Table(
                        table
                            .into_entries()
                            .into_iter()
                            .map(|(key, value)| (Cow::Owned(key), Json(value)))
                            .collect(),
                    )
                },
            ),
            _ => View::Other,
        }
    }
}

impl Named for Json<'_> {
    fn type_name(self) -> &'static str {
        match self.0.trim().as_bytes().first() {
            Some(b't' | b'f') => "a boolean",
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            Some(b'"') => "a string",
            Some(b'n') => "null",
            _ => "a number",
        }
    }
}

/// A TOML value, number literals as written.
#[cfg(feature = "toml")]
#[derive(Clone, Copy)]
struct Toml<'a, 'de>(&'a DeValue<'de>);

#[cfg(feature = "toml")]
impl<'a> PriceInput<'a> for Toml<'a, '_> {
    fn view(self) -> View<'a, Self> {
        match self.0 {
            DeValue::String(text) => View::Text(Cow::Borrowed(text.as_ref())),
            DeValue::Float(float) => View::Number(Cow::Borrowed(float.as_str())),
            DeValue::Integer(int) if int.radix() == 10 => View::Number(Cow::Borrowed(int.as_str())),
            // `0x10` is the integer 16 in TOML, in a config file as here.
            DeValue::Integer(int) => View::Number(Cow::Owned(crate::sheet::decimal_integer(
                int.as_str(),
                int.radix(),
            ))),
            DeValue::Array(items) => {
                View::List(items.iter().map(|item| Toml(item.get_ref())).collect())
            }
            DeValue::Table(table) => View::Table(
                table
                    .iter()
                    .map(|(key, value)| {
                        (Cow::Borrowed(key.get_ref().as_ref()), Toml(value.get_ref()))
                    })
                    .collect(),
            ),
            DeValue::Boolean(_) | DeValue::Datetime(_) => View::Other,
        }
    }
}

#[cfg(feature = "toml")]
impl Named for Toml<'_, '_> {
    fn type_name(self) -> &'static str {
        match self.0 {
            DeValue::String(_) => "a string",
            DeValue::Integer(_) => "an integer",
            DeValue::Float(_) => "a float",
            DeValue::Boolean(_) => "a boolean",
            DeValue::Datetime(_) => "a date-time",
            DeValue::Array(_) => "an array",
            DeValue::Table(_) => "a table",
        }
    }
}

#[cfg(test)]
#[cfg(feature = "toml")]
mod tests {

    #[test]
    fn service_tiers_are_read_from_json_and_toml_alike() {
        let json = ModelPrices::from_json_str(
            r#"{"input_price": 1.25, "output_price": 10,
                "service_tiers": {"flex": {"input_price": 0.625, "cache_read_price": "0.0625",
                                           "output_price": 5}}}"#,
        )
        .unwrap();
        let toml = ModelPrices::from_toml_str(
            "input_price = 1.25\noutput_price = 10\n\n[service_tiers.flex]\n\
             input_price = 0.625\ncache_read_price = \"0.0625\"\noutput_price = 5\n",
        )
        .unwrap();
        assert_eq!(json, toml);
        let flex = &json.service_tiers["flex"];
        assert_eq!(flex.cache_read_price.unwrap().to_string(), "0.0625");
        assert_eq!(flex.output_price.unwrap().to_string(), "5");
    }

    #[test]
    fn a_bad_service_tier_names_its_field() {
        let typo = ModelPrices::from_json_str(r#"{"service_tiers": {"flex": {"input_prise": 1}}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            typo.contains("input_prise") && typo.contains("input_price"),
            "{typo}"
        );
        let nested = ModelPrices::from_toml_str(
            "[service_tiers.flex.service_tiers.priority]\ninput_price = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(nested.contains("service_tiers"), "{nested}");
        let standard =
            ModelPrices::from_json_str(r#"{"service_tiers": {"default": {"input_price": 1}}}"#)
                .unwrap_err()
                .to_string();
        assert!(standard.contains("standard processing"), "{standard}");
        assert_eq!(
            json_err(r#"{"service_tiers": {"Flex": {"input_price": 1}}}"#),
            "`service_tiers.Flex`: a service tier is named as requests send it in `service_tier`: lowercase, like `flex` or `priority`"
        );
        let not_a_table = ModelPrices::from_toml_str("service_tiers = 3\n").unwrap_err();
        assert!(
            not_a_table.to_string().contains("service tiers"),
            "{not_a_table}"
        );
    }

    use super::*;
    use rust_decimal::Decimal;

    fn json_err(json: &str) -> String {
        ModelPrices::from_json_str(json).unwrap_err().to_string()
    }

    fn toml_err(toml: &str) -> String {
        ModelPrices::from_toml_str(toml).unwrap_err().to_string()
    }

    #[test]
    fn json_keeps_every_digit() {
        let prices =
            ModelPrices::from_json_str(r#"{"input_price": 0.12345678901234567890123}"#).unwrap();
        assert_eq!(
            prices.input_price.unwrap().to_string(),
            "0.12345678901234567890123"
        );
    }

    #[test]
    fn json_exponent_literal_is_exact() {
        let prices = ModelPrices::from_json_str(r#"{"output_price": 1.5E-1}"#).unwrap();
        assert_eq!(prices.output_price.unwrap().to_string(), "0.15");
    }

    #[test]
    fn json_null_means_unset() {
        let prices = ModelPrices::from_json_str(
            r#"{"input_price": null, "tiers": null, "service_tiers": null}"#,
        )
        .unwrap();
        assert_eq!(prices, ModelPrices::new());
    }

    #[test]
    fn json_all_fields() {
        let prices = ModelPrices::from_json_str(
            r#"{"input_price":"1","output_price":2,"cache_read_price":0.1,"cache_write_price":1.25,
                "reasoning_price":3,"input_audio_price":40,"output_audio_price":80}"#,
        )
        .unwrap();
        let expected = ModelPrices::new()
            .with_input_price(Decimal::ONE)
            .with_output_price(Decimal::TWO)
            .with_cache_read_price(Decimal::new(1, 1))
            .with_cache_write_price(Decimal::new(125, 2))
            .with_reasoning_price(Decimal::from(3))
            .with_input_audio_price(Decimal::from(40))
            .with_output_audio_price(Decimal::from(80));
        assert_eq!(prices, expected);
    }

    #[test]
    fn json_negative_names_the_field() {
        assert_eq!(
            json_err(r#"{"output_price": -2}"#),
            "`output_price`: `-2` is negative: a price is USD per 1M tokens and cannot be below zero; write e.g. `0.88`"
        );
    }

    #[test]
    fn json_wrong_type_names_the_field() {
        assert_eq!(
            json_err(r#"{"input_price": true}"#),
            "`input_price`: found a boolean, expected a price (a non-negative decimal such as 0.88)"
        );
    }

    #[test]
    fn json_tier_error_has_a_path() {
        assert_eq!(
            json_err(
                r#"{"tiers": [{"above_input_tokens": 1}, {"above_input_tokens": 2, "input_price": "x"}]}"#
            ),
            "`tiers[1].input_price`: `x` is not a price: write a non-negative decimal number of USD per 1M tokens, such as `0.88`, `3` or `1.5e-2` (no currency sign, no thousands separators)"
        );
    }

    #[test]
    fn json_tier_needs_a_threshold() {
        assert_eq!(
            json_err(r#"{"tiers": [{"input_price": 1}]}"#),
            "`tiers[0]`: a tier needs `above_input_tokens`: the input size (in tokens) above which its prices apply"
        );
    }

    #[test]
    fn json_fractional_threshold_is_rejected() {
        assert!(
            json_err(r#"{"tiers": [{"above_input_tokens": 1.5}]}"#)
                .contains("`1.5` is not a token count")
        );
        assert!(
            json_err(r#"{"tiers": [{"above_input_tokens": -1}]}"#)
                .contains("`-1` is not a token count")
        );
    }

    #[test]
    fn json_unknown_tier_key_is_rejected() {
        assert_eq!(
            json_err(r#"{"tiers": [{"above_input_tokens": 1, "above": 2}]}"#),
            "`tiers[0]`: unknown key `above` in a price table: did you mean `above_input_tokens`?"
        );
        assert_eq!(
            json_err(r#"{"tiers": [{"above_input_tokens": 1, "currency": "EUR"}]}"#),
            "`tiers[0]`: unknown key `currency` in a price table: valid keys are above_input_tokens, input_price, output_price, cache_read_price, cache_write_price, reasoning_price, input_audio_price, output_audio_price"
        );
    }

    #[test]
    fn json_tiers_must_ascend() {
        assert!(
            json_err(r#"{"tiers": [{"above_input_tokens": 5}, {"above_input_tokens": 5}]}"#)
                .starts_with("`tiers[1].above_input_tokens`: tier thresholds must ascend")
        );
    }

    #[test]
    fn json_duplicate_key_is_rejected() {
        assert_eq!(
            json_err(r#"{"input_price": 1, "output_price": 2, "input_price": 3}"#),
            "`input_price` appears more than once in the same table: keep one (which value is meant cannot be guessed)"
        );
    }

    #[test]
    fn json_duplicate_key_in_a_tier_names_the_tier() {
        assert_eq!(
            json_err(
                r#"{"tiers": [{"above_input_tokens": 1, "output_price": 2, "output_price": 2}]}"#
            ),
            "`tiers[0]`: `output_price` appears more than once in the same table: keep one (which value is meant cannot be guessed)"
        );
    }

    #[test]
    fn toml_duplicate_key_is_rejected() {
        assert!(
            toml_err("input_price = 1\ninput_price = 2")
                .starts_with("the price table is not valid TOML"),
        );
    }

    #[test]
    fn invalid_json_is_reported() {
        assert!(json_err("{").starts_with("the price table is not valid JSON"));
        assert!(json_err("[1]").starts_with("the price table is not valid JSON"));
    }

    #[test]
    fn toml_keeps_every_digit() {
        let prices =
            ModelPrices::from_toml_str("cache_read_price = 0.07500000000000000001").unwrap();
        assert_eq!(
            prices.cache_read_price.unwrap().to_string(),
            "0.07500000000000000001"
        );
    }

    #[test]
    fn toml_forms() {
        let prices = ModelPrices::from_toml_str(
            "input_price = 1_000\noutput_price = \"0.6\"\ncache_read_price = 7.5e-2\nreasoning_price = +2\n\
             tiers = [{ above_input_tokens = 128_000, output_price = 1.2 }]",
        )
        .unwrap();
        assert_eq!(prices.input_price.unwrap().to_string(), "1000");
        assert_eq!(prices.output_price.unwrap().to_string(), "0.6");
        assert_eq!(prices.cache_read_price.unwrap().to_string(), "0.075");
        assert_eq!(prices.reasoning_price.unwrap().to_string(), "2");
        assert_eq!(prices.tiers[0].above_input_tokens, 128_000);
        assert_eq!(prices.tiers[0].output_price.unwrap().to_string(), "1.2");
    }

    #[test]
    fn toml_non_finite_is_rejected() {
        assert_eq!(
            toml_err("input_price = nan"),
            "`input_price`: `nan` is not a finite number: write a price such as `0.88`"
        );
        assert!(toml_err("input_price = -inf").contains("not a finite number"));
    }

    #[test]
    fn toml_integers_in_any_radix_are_their_value() {
        let prices =
            ModelPrices::from_toml_str("input_price = 0x10\noutput_price = 0b11\n").unwrap();
        assert_eq!(prices.input_price, Some(rust_decimal::Decimal::from(16)));
        assert_eq!(prices.output_price, Some(rust_decimal::Decimal::from(3)));
    }

    #[test]
    fn toml_wrong_type_and_unknown_key() {
        assert_eq!(
            toml_err("input_price = 2024-01-01"),
            "`input_price`: found a date-time, expected a price (a non-negative decimal such as 0.88)"
        );
        assert_eq!(
            toml_err("cache_reads_price = 1"),
            "unknown key `cache_reads_price` in a price table: did you mean `cache_read_price`?"
        );
        assert!(toml_err("tiers = 3").starts_with("`tiers`: found an integer, expected a list"));
    }

    #[test]
    fn toml_tier_errors_have_a_path() {
        assert!(
            toml_err("[[tiers]]\nabove_input_tokens = 10\n[[tiers]]\nabove_input_tokens = -5")
                .starts_with("`tiers[1].above_input_tokens`: `-5` is not a token count")
        );
        assert!(
            toml_err("tiers = [1]")
                .starts_with("`tiers[0]`: found an integer, expected a tier table")
        );
    }

    #[test]
    fn invalid_toml_is_reported() {
        assert!(toml_err("input_price = ").starts_with("the price table is not valid TOML"));
    }
}
