//! The layout of a price table, declared once, and the one reader that walks it.
//!
//! A price table is read from several places: [`ModelPrices::from_json_str`] and
//! [`from_toml_str`](ModelPrices::from_toml_str) here, and a config file's
//! `model_info` (and catalogue entries) in `oac-config`, which reports every problem
//! with its file and line. All of them call [`read_price_table`], so the field
//! rules live here and nowhere else:
//!
//! - the keys each table holds ([`PRICE_TABLE_KEYS`], [`SERVICE_TIER_KEYS`],
//!   [`TIER_KEYS`], all derived from [`PriceKind::ALL`]) and the did-you-mean for a
//!   key that is not one of them;
//! - what a valid value is: a price is a number literal or a string read exactly by
//!   [`parse_price`]; `above_input_tokens` is a whole number literal; `null` is the
//!   same as leaving the key out;
//! - how tables nest: `tiers` is a list of tier tables, each needing
//!   `above_input_tokens`; `service_tiers` is a table of price sheets named as
//!   requests name them, and a sheet holds no `service_tiers` of its own.
//!
//! A format joins in by implementing [`PriceInput`] (how its values look) and the
//! caller by implementing [`PriceSink`] (how paths are written and how a problem is
//! told); the reader never stops at a problem, so a sink sees every one.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::error::{PriceError, shown};
use crate::price::parse_price;
use crate::prices::{ModelPrices, PriceKind, PriceTier};

const PRICES: usize = PriceKind::ALL.len();

/// Every key of a model's price table: its prices, `tiers`, `service_tiers`.
pub const PRICE_TABLE_KEYS: &[&str] = &keys::<{ PRICES + 2 }>(&[], &["tiers", "service_tiers"]);

/// Every key of a service tier's price sheet: a price table's but `service_tiers`.
pub const SERVICE_TIER_KEYS: &[&str] = &keys::<{ PRICES + 1 }>(&[], &["tiers"]);

/// Every key of a context tier: `above_input_tokens` and the prices.
pub const TIER_KEYS: &[&str] = &keys::<{ PRICES + 1 }>(&["above_input_tokens"], &[]);

/// `before`, every price field in [`PriceKind::ALL`] order, then `after`.
const fn keys<const N: usize>(
    before: &[&'static str],
    after: &[&'static str],
) -> [&'static str; N] {
    let mut keys = [""; N];
    let mut at = 0;
    let mut i = 0;
    while i < before.len() {
        keys[at] = before[i];
        at += 1;
        i += 1;
    }
    i = 0;
    while i < PRICES {
        keys[at] = PriceKind::ALL[i].field();
        at += 1;
        i += 1;
    }
    i = 0;
    while i < after.len() {
        keys[at] = after[i];
        at += 1;
        i += 1;
    }
    assert!(at == N, "the key list's length is wrong");
    keys
}

/// What one value of a price table looks like, in the reader's terms.
#[derive(Debug)]
pub enum View<'a, V> {
    /// `null`: the same as leaving the key out.
    Unset,
    /// A number literal, as written.
    Number(Cow<'a, str>),
    /// A string's contents.
    Text(Cow<'a, str>),
    /// A list (array) of values.
    List(Vec<V>),
    /// A table (object): its keys in document order, repeated keys included.
    Table(Vec<(Cow<'a, str>, V)>),
    /// Anything else (a boolean, a date); never valid in a price table.
    Other,
}

/// A value of some format (a JSON text, a TOML table, a config tree) that a price
/// table can be read from.
pub trait PriceInput<'a>: Copy {
    /// What the value is.
    fn view(self) -> View<'a, Self>;
}

/// Where the reader is: the field's path (as the sink writes paths), its key (for a
/// list item, the list's key) and its value.
#[derive(Clone, Copy, Debug)]
pub struct Place<'p, V> {
    /// The field's path, built by [`PriceSink::key_path`] and
    /// [`PriceSink::item_path`] from the path [`read_price_table`] was given. For
    /// [`SheetProblem::UnknownKey`] and [`SheetProblem::DuplicateKey`], the path of
    /// the table that holds the key.
    pub path: &'p str,
    /// The key (for a list item, the list's key).
    pub key: &'p str,
    /// The value.
    pub value: V,
}

/// What the reader found wrong at a [`Place`].
#[derive(Debug)]
#[non_exhaustive]
pub enum SheetProblem {
    /// The value has the wrong type.
    WrongType(Expected),
    /// A price or token count that does not parse; the error says why.
    Invalid(PriceError),
    /// The table holds a key (the place's key) that is not one of `valid`.
    UnknownKey {
        /// The closest valid key, when one is close.
        suggestion: Option<&'static str>,
        /// Every valid key of that table.
        valid: &'static [&'static str],
    },
    /// The table holds the place's key more than once.
    DuplicateKey,
    /// A tier lacks `above_input_tokens`.
    MissingThreshold,
    /// A service tier's name is not one a request sends.
    ServiceTierName,
}

/// What belongs where a [`SheetProblem::WrongType`] was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// A price.
    Price,
    /// A whole number of tokens (`above_input_tokens`).
    TokenCount,
    /// A list of tier tables (`tiers`).
    TierList,
    /// A tier table (an item of `tiers`).
    Tier,
    /// A table of service tiers (`service_tiers`).
    ServiceTiers,
    /// A service tier's price sheet.
    ServiceTier,
}

impl Expected {
    /// How it is named in "found …, expected …" messages.
    pub fn describe(self) -> &'static str {
        match self {
            Expected::Price => "a price (a non-negative decimal such as 0.88)",
            Expected::TokenCount => "a whole number of tokens",
            Expected::TierList => "a list of tier tables",
            Expected::Tier => "a tier table",
            Expected::ServiceTiers => {
                "a table of service tiers (`flex`, `priority`) and their prices"
            }
            Expected::ServiceTier => "a service tier's price table",
        }
    }
}

impl SheetProblem {
    /// The problem as a [`PriceError`]; `key` is the place's key, `found` names
    /// what was found (for [`SheetProblem::WrongType`]).
    pub fn into_error(self, key: &str, found: &'static str) -> PriceError {
        match self {
            SheetProblem::WrongType(expected) => PriceError::WrongType {
                found,
                expected: expected.describe(),
            },
            SheetProblem::Invalid(error) => error,
            SheetProblem::UnknownKey { suggestion, valid } => PriceError::UnknownKey {
                key: shown(key),
                suggestion,
                valid,
            },
            SheetProblem::DuplicateKey => PriceError::DuplicateKey { key: shown(key) },
            SheetProblem::MissingThreshold => PriceError::MissingThreshold,
            SheetProblem::ServiceTierName => PriceError::ServiceTierName { name: shown(key) },
        }
    }
}

/// The reader's caller: how paths are written and what happens to a problem.
pub trait PriceSink<V> {
    /// The path of `key` in the table at `table`.
    fn key_path(&self, table: &str, key: &str) -> String;
    /// The path of item `index` of the list at `list`.
    fn item_path(&self, list: &str, index: usize) -> String;
    /// The reader is at `place` (a sink that places problems remembers where the
    /// value is). Called before any problem about it.
    fn read_at(&mut self, place: &Place<'_, V>) {
        let _ = place;
    }
    /// `problem` was found at `place`; reading goes on.
    fn problem(&mut self, place: &Place<'_, V>, problem: SheetProblem);
}

/// Reads the entries of a model's price table found at `path` (`""` for a
/// document's root): the prices, `tiers` and `service_tiers`, each problem told to
/// `sink`, in document order. A value with a problem is left unset.
///
/// Checks that need the whole table ([`ModelPrices::problems`]: ascending tiers,
/// standard tier names) are not made here.
pub fn read_price_table<'a, V: PriceInput<'a>>(
    path: &str,
    entries: Vec<(Cow<'a, str>, V)>,
    sink: &mut impl PriceSink<V>,
) -> ModelPrices {
    read_table(Level::Table, path, entries, sink).prices
}

/// Reads one price value: `None` for `null`.
pub fn read_price<'a, V: PriceInput<'a>>(value: V) -> Result<Option<Decimal>, SheetProblem> {
    match value.view() {
        View::Unset => Ok(None),
        View::Number(text) | View::Text(text) => {
            parse_price(&text).map(Some).map_err(SheetProblem::Invalid)
        }
        _ => Err(SheetProblem::WrongType(Expected::Price)),
    }
}

/// Which kind of table is read.
#[derive(Clone, Copy)]
enum Level {
    /// A model's price table.
    Table,
    /// A service tier's price sheet.
    ServiceTier,
    /// A context tier.
    Tier,
}

/// What a key of a table holds.
enum Slot {
    Price(PriceKind),
    Threshold,
    Tiers,
    ServiceTiers,
}

impl Level {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Level::Table => PRICE_TABLE_KEYS,
            Level::ServiceTier => SERVICE_TIER_KEYS,
            Level::Tier => TIER_KEYS,
        }
    }

    /// What `key` holds at this level, `None` when the level has no such key.
    fn slot(self, key: &str) -> Option<Slot> {
        if !self.keys().contains(&key) {
            return None;
        }
        Some(match key {
            "above_input_tokens" => Slot::Threshold,
            "tiers" => Slot::Tiers,
            "service_tiers" => Slot::ServiceTiers,
            // The key lists hold only the names above and price fields.
            _ => Slot::Price(PriceKind::from_field(key)?),
        })
    }
}

/// What one table read: its prices, and for a tier its threshold.
#[derive(Default)]
struct Read {
    prices: ModelPrices,
    /// `None`: not given; `Some(None)`: given but not valid (already told).
    threshold: Option<Option<u64>>,
}

fn read_table<'a, V: PriceInput<'a>>(
    level: Level,
    path: &str,
    entries: Vec<(Cow<'a, str>, V)>,
    sink: &mut impl PriceSink<V>,
) -> Read {
    let mut read = Read::default();
    for (key, value) in unique(path, entries, sink) {
        let Some(slot) = level.slot(&key) else {
            let valid = level.keys();
            let suggestion = crate::closest(&key, valid.iter().copied());
            let place = Place {
                path,
                key: &key,
                value,
            };
            sink.problem(&place, SheetProblem::UnknownKey { suggestion, valid });
            continue;
        };
        let field = sink.key_path(path, &key);
        let place = Place {
            path: &field,
            key: &key,
            value,
        };
        sink.read_at(&place);
        match slot {
            Slot::Price(kind) => match read_price(value) {
                Ok(price) => read.prices.set(kind, price),
                Err(problem) => sink.problem(&place, problem),
            },
            Slot::Threshold => read.threshold = threshold(&place, sink),
            Slot::Tiers => read.prices.tiers = tiers(&place, sink),
            Slot::ServiceTiers => read.prices.service_tiers = service_tiers(&place, sink),
        }
    }
    read
}

/// The entries with each key's first appearance only; each repetition is a problem.
fn unique<'a, V: PriceInput<'a>>(
    path: &str,
    entries: Vec<(Cow<'a, str>, V)>,
    sink: &mut impl PriceSink<V>,
) -> Vec<(Cow<'a, str>, V)> {
    let mut seen = BTreeSet::new();
    let mut first = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        if seen.contains(key.as_ref()) {
            let place = Place {
                path,
                key: &key,
                value,
            };
            sink.problem(&place, SheetProblem::DuplicateKey);
        } else {
            seen.insert(key.clone());
            first.push((key, value));
        }
    }
    first
}

fn threshold<'a, V: PriceInput<'a>>(
    place: &Place<'_, V>,
    sink: &mut impl PriceSink<V>,
) -> Option<Option<u64>> {
    let tokens = match place.value.view() {
        View::Unset => return None,
        View::Number(text) => token_count(&text).map_err(SheetProblem::Invalid),
        _ => Err(SheetProblem::WrongType(Expected::TokenCount)),
    };
    match tokens {
        Ok(tokens) => Some(Some(tokens)),
        Err(problem) => {
            sink.problem(place, problem);
            Some(None)
        }
    }
}

/// `above_input_tokens`: a whole number, no sign but `+`, no fraction.
fn token_count(text: &str) -> Result<u64, PriceError> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PriceError::NotATokenCount { input: shown(text) });
    }
    digits
        .parse()
        .map_err(|_| PriceError::NotATokenCount { input: shown(text) })
}

/// `tiers`: a list of tier tables, each with its `above_input_tokens`.
fn tiers<'a, V: PriceInput<'a>>(
    place: &Place<'_, V>,
    sink: &mut impl PriceSink<V>,
) -> Vec<PriceTier> {
    let items = match place.value.view() {
        View::Unset => return Vec::new(),
        View::List(items) => items,
        _ => {
            sink.problem(place, SheetProblem::WrongType(Expected::TierList));
            return Vec::new();
        }
    };
    let mut tiers = Vec::new();
    for (index, value) in items.into_iter().enumerate() {
        let path = sink.item_path(place.path, index);
        let item = Place {
            path: &path,
            key: place.key,
            value,
        };
        sink.read_at(&item);
        let View::Table(entries) = value.view() else {
            sink.problem(&item, SheetProblem::WrongType(Expected::Tier));
            continue;
        };
        let read = read_table(Level::Tier, &path, entries, sink);
        match read.threshold {
            Some(Some(above)) => tiers.push(tier(above, &read.prices)),
            Some(None) => {}
            None => sink.problem(&item, SheetProblem::MissingThreshold),
        }
    }
    tiers
}

/// A tier above `above` tokens with the prices a tier table read.
fn tier(above: u64, prices: &ModelPrices) -> PriceTier {
    let mut tier = PriceTier::above(above);
    for kind in PriceKind::ALL {
        tier.set(kind, prices.get(kind));
    }
    tier
}

/// `service_tiers`: price sheets by the name requests give (`flex`, `priority`).
fn service_tiers<'a, V: PriceInput<'a>>(
    place: &Place<'_, V>,
    sink: &mut impl PriceSink<V>,
) -> BTreeMap<String, ModelPrices> {
    let mut sheets = BTreeMap::new();
    let entries = match place.value.view() {
        View::Unset => return sheets,
        View::Table(entries) => entries,
        _ => {
            sink.problem(place, SheetProblem::WrongType(Expected::ServiceTiers));
            return sheets;
        }
    };
    for (name, value) in unique(place.path, entries, sink) {
        let path = sink.key_path(place.path, &name);
        let sheet = Place {
            path: &path,
            key: &name,
            value,
        };
        sink.read_at(&sheet);
        if !is_service_tier_name(&name) {
            sink.problem(&sheet, SheetProblem::ServiceTierName);
            continue;
        }
        let View::Table(entries) = value.view() else {
            sink.problem(&sheet, SheetProblem::WrongType(Expected::ServiceTier));
            continue;
        };
        let read = read_table(Level::ServiceTier, &path, entries, sink);
        sheets.insert(name.into_owned(), read.prices);
    }
    sheets
}

/// A name as a request sends it in `service_tier`: lowercase letters, digits, `_`
/// and `-`.
fn is_service_tier_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A TOML integer literal as the decimal digits of its value: `0x10` → `16`,
/// `0o17` → `15`, `0b11` → `3`; decimal digits (`radix` 10) as written. TOML says
/// these are the same integer, so every reader of a TOML number (price tables
/// here, every integer setting in `oac-config`) reads them alike.
///
/// ```
/// assert_eq!(oac_pricing::sheet::decimal_integer("10", 16), "16");
/// assert_eq!(oac_pricing::sheet::decimal_integer("200000", 10), "200000");
/// ```
pub fn decimal_integer(digits: &str, radix: u32) -> String {
    if radix == 10 {
        return digits.to_owned();
    }
    // The TOML parser accepted the literal, so it fits in an i64; digits that do
    // not parse are kept as written (and refused as a number by the reader).
    i128::from_str_radix(digits, radix).map_or_else(|_| digits.to_owned(), |n| n.to_string())
}

/// A JSON object's members in document order, repeated keys included, each value
/// left unparsed as its JSON text, a slice of the input (a map would keep only the
/// last of a repeated key and hide the repetition the reader refuses). The JSON
/// side of every price-table reader reads objects with it:
/// [`ModelPrices::from_json_str`] here and `oac-config`'s located tree.
///
/// ```
/// let object: oac_pricing::sheet::JsonEntries<'_> =
///     serde_json::from_str(r#"{"input_price": 1, "input_price": "2"}"#).unwrap();
/// let entries = object.into_entries();
/// let keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
/// assert_eq!(keys, ["input_price", "input_price"]);
/// assert_eq!(entries[1].1, r#""2""#);
/// ```
#[derive(Debug)]
pub struct JsonEntries<'a>(Vec<(String, &'a str)>);

impl<'a> JsonEntries<'a> {
    /// The members, in document order, each value as its JSON text (a slice of the
    /// input, without the whitespace around it).
    pub fn into_entries(self) -> Vec<(String, &'a str)> {
        self.0
    }
}

impl<'de> serde::Deserialize<'de> for JsonEntries<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> serde::de::Visitor<'de> for EntriesVisitor {
            type Value = JsonEntries<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) =
                    map.next_entry::<String, &'de serde_json::value::RawValue>()?
                {
                    entries.push((key, value.get()));
                }
                Ok(JsonEntries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_follow_the_price_kinds() {
        assert_eq!(PRICE_TABLE_KEYS.len(), PriceKind::ALL.len() + 2);
        assert_eq!(PRICE_TABLE_KEYS[0], "input_price");
        assert_eq!(PRICE_TABLE_KEYS.last(), Some(&"service_tiers"));
        assert_eq!(
            SERVICE_TIER_KEYS,
            &PRICE_TABLE_KEYS[..PRICE_TABLE_KEYS.len() - 1]
        );
        assert_eq!(TIER_KEYS[0], "above_input_tokens");
        assert_eq!(&TIER_KEYS[1..], &PRICE_TABLE_KEYS[..PriceKind::ALL.len()]);
    }

    #[test]
    fn every_key_has_a_slot() {
        for level in [Level::Table, Level::ServiceTier, Level::Tier] {
            for key in level.keys() {
                assert!(level.slot(key).is_some(), "{key}");
            }
        }
        assert!(Level::ServiceTier.slot("service_tiers").is_none());
        assert!(Level::Table.slot("above_input_tokens").is_none());
    }

    #[test]
    fn token_counts_are_whole_numbers() {
        assert_eq!(token_count("+200000").unwrap(), 200_000);
        for bad in ["", "-1", "1.5", "1e3", "99999999999999999999"] {
            assert!(token_count(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn service_tier_names_are_lowercase_words() {
        assert!(is_service_tier_name("flex"));
        assert!(is_service_tier_name("scale-2_x"));
        for bad in ["", "Flex", "flex tier", "prioritÿ"] {
            assert!(!is_service_tier_name(bad), "{bad}");
        }
    }
}
