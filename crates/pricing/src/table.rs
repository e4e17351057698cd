//! Reading a whole price table from JSON or TOML text, number literals as written.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
#[cfg(feature = "toml")]
use toml::de::{DeTable, DeValue};

use crate::error::{PriceError, shown};
use crate::price::parse_price;
use crate::prices::{ModelPrices, PriceKind, PriceTier};

const TABLE_KEYS: &[&str] = &[
    "input_price",
    "output_price",
    "cache_read_price",
    "cache_write_price",
    "reasoning_price",
    "input_audio_price",
    "output_audio_price",
    "tiers",
    "service_tiers",
];

/// The keys of a service tier's sheet: the table's, but for `service_tiers` (last),
/// since a sheet does not nest service tiers.
const SHEET_KEYS: &[&str] = match TABLE_KEYS.split_last() {
    Some((_, sheet)) => sheet,
    None => &[],
};

const TIER_KEYS: &[&str] = &[
    "above_input_tokens",
    "input_price",
    "output_price",
    "cache_read_price",
    "cache_write_price",
    "reasoning_price",
    "input_audio_price",
    "output_audio_price",
];

const PRICE: &str = "a price (a non-negative decimal such as 0.88)";
const TIER_LIST: &str = "a list of tier tables";
const TIER: &str = "a tier table";
const TOKENS: &str = "a whole number of tokens";
const SHEETS: &str = "a table of service tiers (`flex`, `priority`) and their prices";
const SHEET: &str = "a service tier's price table";

impl ModelPrices {
    /// Reads a price table from JSON, taking every number exactly as written.
    ///
    /// Unlike serde (which sees a JSON number only as an `f64`), this reads the
    /// literal text, so `0.1234567890123456789` stays exactly that. Prices may also
    /// be strings or `null` (unset). Unknown keys are rejected with the closest
    /// valid key, a key repeated in one table is rejected (JSON parsers usually keep
    /// the last silently), and tier thresholds must ascend strictly.
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
        let table: Entries<'_> =
            serde_json::from_str(json).map_err(|source| PriceError::InvalidJson { source })?;
        first_problem(json_sheet(table.unique()?, TABLE_KEYS)?)
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
        first_problem(toml_sheet(table.get_ref(), TABLE_KEYS)?)
    }
}

/// One price sheet of JSON entries: prices, `tiers`, and (where `valid` allows it)
/// `service_tiers`.
fn json_sheet(
    table: Vec<(String, &RawValue)>,
    valid: &'static [&'static str],
) -> Result<ModelPrices, PriceError> {
    let mut prices = ModelPrices::new();
    for (key, raw) in &table {
        match key.as_str() {
            "tiers" => prices.tiers = json_tiers(raw).map_err(|e| e.in_field("tiers"))?,
            "service_tiers" if valid.contains(&"service_tiers") => {
                prices.service_tiers =
                    json_service_tiers(raw).map_err(|e| e.in_field("service_tiers"))?;
            }
            _ => {
                let kind = price_kind(key, valid)?;
                prices.set(kind, json_price(raw).map_err(|e| e.in_field(key.as_str()))?);
            }
        }
    }
    Ok(prices)
}

fn json_service_tiers(
    raw: &RawValue,
) -> Result<std::collections::BTreeMap<String, ModelPrices>, PriceError> {
    let text = raw.get().trim();
    let table: Entries<'_> = serde_json::from_str(text).map_err(|_| wrong_type(text, SHEETS))?;
    let mut sheets = std::collections::BTreeMap::new();
    for (name, raw) in table.unique()? {
        let text = raw.get().trim();
        let entries: Entries<'_> =
            serde_json::from_str(text).map_err(|_| wrong_type(text, SHEET))?;
        let sheet =
            json_sheet(entries.unique()?, SHEET_KEYS).map_err(|e| e.in_field(name.as_str()))?;
        sheets.insert(name, sheet);
    }
    Ok(sheets)
}

/// One price sheet of a TOML table: prices, `tiers`, and (where `valid` allows it)
/// `service_tiers`.
#[cfg(feature = "toml")]
fn toml_sheet(
    table: &toml::de::DeTable<'_>,
    valid: &'static [&'static str],
) -> Result<ModelPrices, PriceError> {
    let mut prices = ModelPrices::new();
    for (key, value) in table.iter() {
        let key: &str = key.get_ref();
        match key {
            "tiers" => {
                prices.tiers = toml_tiers(value.get_ref()).map_err(|e| e.in_field("tiers"))?;
            }
            "service_tiers" if valid.contains(&"service_tiers") => {
                let DeValue::Table(sheets) = value.get_ref() else {
                    return Err(PriceError::WrongType {
                        found: toml_type(value.get_ref()),
                        expected: SHEETS,
                    }
                    .in_field("service_tiers"));
                };
                for (name, sheet) in sheets.iter() {
                    let name: &str = name.get_ref();
                    let DeValue::Table(sheet) = sheet.get_ref() else {
                        return Err(PriceError::WrongType {
                            found: toml_type(sheet.get_ref()),
                            expected: SHEET,
                        }
                        .in_field(format!("service_tiers.{name}")));
                    };
                    let read = toml_sheet(sheet, SHEET_KEYS)
                        .map_err(|e| e.in_field(format!("service_tiers.{name}")))?;
                    prices.service_tiers.insert(name.to_owned(), read);
                }
            }
            _ => {
                let kind = price_kind(key, valid)?;
                let price = toml_price(value.get_ref()).map_err(|e| e.in_field(key))?;
                prices.set(kind, Some(price));
            }
        }
    }
    Ok(prices)
}

fn first_problem(prices: ModelPrices) -> Result<ModelPrices, PriceError> {
    match prices.problems().into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(prices),
    }
}

/// The price kind named by `key`, or an unknown-key error suggesting the closest.
fn price_kind(key: &str, valid: &'static [&'static str]) -> Result<PriceKind, PriceError> {
    PriceKind::from_field(key).ok_or_else(|| unknown_key(key, valid))
}

fn unknown_key(key: &str, valid: &'static [&'static str]) -> PriceError {
    let suggestion = crate::closest(key, valid.iter().copied());
    PriceError::UnknownKey {
        key: shown(key),
        suggestion,
        valid,
    }
}

/// A JSON object's entries in order, repeated keys included (a map would keep
/// only the last and hide the repetition).
struct Entries<'a>(Vec<(String, &'a RawValue)>);

impl<'a> Entries<'a> {
    /// The entries, or an error naming the first key that appears twice.
    fn unique(self) -> Result<Vec<(String, &'a RawValue)>, PriceError> {
        let mut seen = BTreeSet::new();
        for (key, _) in &self.0 {
            if !seen.insert(key.as_str()) {
                return Err(PriceError::DuplicateKey { key: shown(key) });
            }
        }
        Ok(self.0)
    }
}

impl<'de> Deserialize<'de> for Entries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}

fn json_price(raw: &RawValue) -> Result<Option<Decimal>, PriceError> {
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'n') => Ok(None),
        Some(b'"') => {
            let string: String = serde_json::from_str(text).map_err(|_| wrong_type(text, PRICE))?;
            parse_price(&string).map(Some)
        }
        Some(b'-' | b'0'..=b'9') => parse_price(text).map(Some),
        _ => Err(wrong_type(text, PRICE)),
    }
}

fn json_tiers(raw: &RawValue) -> Result<Vec<PriceTier>, PriceError> {
    let text = raw.get().trim();
    if text.starts_with('n') {
        return Ok(Vec::new());
    }
    let items: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|_| wrong_type(text, TIER_LIST))?;
    items
        .iter()
        .enumerate()
        .map(|(index, item)| json_tier(item).map_err(|e| e.in_field(format!("[{index}]"))))
        .collect()
}

fn json_tier(raw: &RawValue) -> Result<PriceTier, PriceError> {
    let text = raw.get().trim();
    let table: Entries<'_> = serde_json::from_str(text).map_err(|_| wrong_type(text, TIER))?;
    let table = table.unique()?;
    let mut threshold = None;
    let mut tier = PriceTier::default();
    for (key, raw) in &table {
        if key == "above_input_tokens" {
            let text = raw.get().trim();
            threshold = Some(
                match text.as_bytes().first() {
                    Some(b'-' | b'0'..=b'9') => token_count(text),
                    _ => Err(wrong_type(text, TOKENS)),
                }
                .map_err(|e| e.in_field(key.as_str()))?,
            );
        } else {
            let kind = price_kind(key, TIER_KEYS)?;
            tier.set(kind, json_price(raw).map_err(|e| e.in_field(key.as_str()))?);
        }
    }
    tier.above_input_tokens = threshold.ok_or(PriceError::MissingThreshold)?;
    Ok(tier)
}

#[cfg(feature = "toml")]
fn toml_price(value: &DeValue<'_>) -> Result<Decimal, PriceError> {
    match value {
        DeValue::String(text) => parse_price(text),
        DeValue::Float(float) => parse_price(float.as_str()),
        DeValue::Integer(int) if int.radix() == 10 => parse_price(int.as_str()),
        DeValue::Integer(int) => Err(PriceError::NotAPrice {
            input: shown(&int.to_string()),
        }),
        other => Err(PriceError::WrongType {
            found: toml_type(other),
            expected: PRICE,
        }),
    }
}

#[cfg(feature = "toml")]
fn toml_tiers(value: &DeValue<'_>) -> Result<Vec<PriceTier>, PriceError> {
    let DeValue::Array(items) = value else {
        return Err(PriceError::WrongType {
            found: toml_type(value),
            expected: TIER_LIST,
        });
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            toml_tier(item.get_ref()).map_err(|e| e.in_field(format!("[{index}]")))
        })
        .collect()
}

#[cfg(feature = "toml")]
fn toml_tier(value: &DeValue<'_>) -> Result<PriceTier, PriceError> {
    let DeValue::Table(table) = value else {
        return Err(PriceError::WrongType {
            found: toml_type(value),
            expected: TIER,
        });
    };
    let mut threshold = None;
    let mut tier = PriceTier::default();
    for (key, value) in table.iter() {
        let key: &str = key.get_ref();
        if key == "above_input_tokens" {
            threshold = Some(
                match value.get_ref() {
                    DeValue::Integer(int) if int.radix() == 10 => token_count(int.as_str()),
                    DeValue::Integer(int) => token_count(&int.to_string()),
                    DeValue::Float(float) => token_count(float.as_str()),
                    other => Err(PriceError::WrongType {
                        found: toml_type(other),
                        expected: TOKENS,
                    }),
                }
                .map_err(|e| e.in_field(key))?,
            );
        } else {
            let kind = price_kind(key, TIER_KEYS)?;
            tier.set(
                kind,
                Some(toml_price(value.get_ref()).map_err(|e| e.in_field(key))?),
            );
        }
    }
    tier.above_input_tokens = threshold.ok_or(PriceError::MissingThreshold)?;
    Ok(tier)
}

fn token_count(text: &str) -> Result<u64, PriceError> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PriceError::NotATokenCount { input: shown(text) });
    }
    digits
        .parse()
        .map_err(|_| PriceError::NotATokenCount { input: shown(text) })
}

fn wrong_type(json: &str, expected: &'static str) -> PriceError {
    let found = match json.as_bytes().first() {
        Some(b't' | b'f') => "a boolean",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        _ => "a number",
    };
    PriceError::WrongType { found, expected }
}

#[cfg(feature = "toml")]
fn toml_type(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
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
        let not_a_table = ModelPrices::from_toml_str("service_tiers = 3\n").unwrap_err();
        assert!(
            not_a_table.to_string().contains("service tiers"),
            "{not_a_table}"
        );
    }

    use super::*;

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
        let prices = ModelPrices::from_json_str(r#"{"input_price": null, "tiers": null}"#).unwrap();
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
    fn toml_hex_is_rejected() {
        assert!(toml_err("input_price = 0x10").contains("`0x10` is not a price"));
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
