//! A model's prices: the data, builders, tier choice and validation.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use crate::error::PriceError;

/// Declares the price fields once: [`PriceKind`] (its [`ALL`](PriceKind::ALL) and
/// [`field`](PriceKind::field)), the price fields of [`ModelPrices`] and
/// [`PriceTier`], and their `get`, `set` and `with_*` methods. Every reader and
/// writer of prices lists the fields from `PriceKind::ALL`, so a new price is one
/// line of the invocation below (and its place in the cost formula).
macro_rules! price_fields {
    (
        kinds { $( $(#[$doc:meta])* $kind:ident $field:ident $with:ident; )* }
        $(#[$prices_meta:meta])*
        pub struct ModelPrices { ..prices, $($prices_rest:tt)* }
        $(#[$tier_meta:meta])*
        pub struct PriceTier {
            $(#[$above_meta:meta])* pub $above:ident: $above_ty:ty, ..prices
        }
    ) => {
        /// One kind of price; displays as its config field name (`cache_read_price`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum PriceKind {
            $(
                #[doc = concat!("`", stringify!($field), "`")]
                $kind,
            )*
        }

        impl PriceKind {
            /// Every kind, in config-file order.
            pub const ALL: [PriceKind; [$(stringify!($kind)),*].len()] = [$(PriceKind::$kind),*];

            /// The config field name, e.g. `"input_price"`.
            pub const fn field(self) -> &'static str {
                match self {
                    $(PriceKind::$kind => stringify!($field),)*
                }
            }
        }

        $(#[$prices_meta])*
        pub struct ModelPrices {
            $(
                $(#[$doc])*
                #[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    with = "crate::decimal_serde"
                )]
                pub $field: Option<Decimal>,
            )*
            $($prices_rest)*
        }

        $(#[$tier_meta])*
        pub struct PriceTier {
            $(#[$above_meta])*
            pub $above: $above_ty,
            $(
                #[doc = concat!("Replaces `", stringify!($field), "`.")]
                #[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    with = "crate::decimal_serde"
                )]
                pub $field: Option<Decimal>,
            )*
        }

        price_fields!(@access ModelPrices "The base price" $($kind $field $with)*);
        price_fields!(@access PriceTier "The tier's own price" $($kind $field $with)*);
    };
    (@access $type:ident $whose:literal $($kind:ident $field:ident $with:ident)*) => {
        impl $type {
            $(
                #[doc = concat!("Sets `", stringify!($field), "`.")]
                #[must_use]
                pub fn $with(mut self, price: Decimal) -> Self {
                    self.$field = Some(price);
                    self
                }
            )*

            #[doc = concat!($whose, " of `kind`, if set.")]
            pub fn get(&self, kind: PriceKind) -> Option<Decimal> {
                match kind {
                    $(PriceKind::$kind => self.$field,)*
                }
            }

            #[doc = concat!("Sets (or clears, with `None`) ", $whose, " of `kind`.")]
            pub fn set(&mut self, kind: PriceKind, price: Option<Decimal>) {
                match kind {
                    $(PriceKind::$kind => self.$field = price,)*
                }
            }
        }
    };
}

price_fields! {
    kinds {
        /// Uncached input tokens.
        Input input_price with_input_price;
        /// Output tokens (and reasoning tokens unless `reasoning_price` is set).
        Output output_price with_output_price;
        /// Cached input tokens read; falls back to `input_price`.
        CacheRead cache_read_price with_cache_read_price;
        /// Input tokens written to the cache; falls back to `input_price`.
        CacheWrite cache_write_price with_cache_write_price;
        /// Reasoning tokens; falls back to `output_price`.
        Reasoning reasoning_price with_reasoning_price;
        /// Audio input tokens. No fallback: audio costs far more than text at every
        /// provider that bills it, so audio tokens without this price make the cost
        /// unknown rather than under-billed.
        InputAudio input_audio_price with_input_audio_price;
        /// Audio output tokens. No fallback (see `input_audio_price`).
        OutputAudio output_audio_price with_output_audio_price;
    }

    /// Prices of one model, exact decimal USD per 1,000,000 tokens. `None` = unknown.
    ///
    /// Field names match the config file (`input_price`, …) so a `model_info` table and
    /// this type read the same.
    ///
    /// # serde
    /// Prices are written as exact decimal strings (`"0.88"`); absent prices and empty
    /// tiers are left out. Reading accepts a string (exact), an integer (exact) or a
    /// float (exact for literals of up to 15 significant digits; a float with more is
    /// rejected, never rounded: see [`from_json_str`](ModelPrices::from_json_str) for
    /// why and for the exact alternative). Negative, non-finite and unrepresentable
    /// prices are rejected with a message naming the value. Unknown keys are ignored by serde (so the struct can
    /// be flattened into a larger table); the `from_*_str` readers reject them.
    ///
    /// ```
    /// use oac_pricing::{Decimal, ModelPrices, PriceTier};
    ///
    /// let gpt_4o = ModelPrices::new()
    ///     .with_input_price(Decimal::new(250, 2))
    ///     .with_cache_read_price(Decimal::new(125, 2))
    ///     .with_output_price(Decimal::from(10));
    /// assert_eq!(
    ///     serde_json::to_string(&gpt_4o).unwrap(),
    ///     r#"{"input_price":"2.5","output_price":"10","cache_read_price":"1.25"}"#
    /// );
    ///
    /// let long_context = ModelPrices::new()
    ///     .with_input_price(Decimal::new(125, 2))
    ///     .with_output_price(Decimal::from(10))
    ///     .with_tier(PriceTier::above(200_000).with_input_price(Decimal::new(250, 2)));
    /// assert_eq!(long_context.tier_for(200_001).map(|(index, _)| index), Some(0));
    /// ```
    #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    #[non_exhaustive]
    pub struct ModelPrices {
        ..prices,
        /// Context tiers, ascending by `above_input_tokens`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub tiers: Vec<PriceTier>,
        /// Prices of the service tiers other than standard, by the name a request and
        /// a response give in `service_tier` (`flex`, `priority`). Each is a price
        /// sheet of its own: a price it leaves out falls back within it (cache read →
        /// its input price), never to the standard price; its context tiers are its
        /// own. See [`for_service_tier`](Self::for_service_tier).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        pub service_tiers: BTreeMap<String, ModelPrices>,
    }

    /// Prices that apply to the whole request once its input exceeds a threshold.
    ///
    /// Each price the tier leaves out falls back to the model's base price of the same
    /// kind (and only then to the usual fallbacks, e.g. cache read → input).
    #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
    #[non_exhaustive]
    pub struct PriceTier {
        /// The tier applies when `input_total` is strictly greater than this.
        pub above_input_tokens: u64,
        ..prices
    }
}

impl PriceKind {
    /// The kind whose config field is `field`.
    pub fn from_field(field: &str) -> Option<PriceKind> {
        PriceKind::ALL
            .into_iter()
            .find(|kind| kind.field() == field)
    }
}

impl serde::Serialize for PriceKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.field())
    }
}

/// The names under which `service_tier` means standard processing: no tier, or one of
/// these, is priced at a model's base prices.
pub const STANDARD_SERVICE_TIERS: [&str; 3] = ["auto", "default", "standard"];

impl fmt::Display for PriceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}

impl ModelPrices {
    /// No prices known (the cost of any usage is unknown).
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a tier (keep them ascending by `above_input_tokens`).
    #[must_use]
    pub fn with_tier(mut self, tier: PriceTier) -> Self {
        self.tiers.push(tier);
        self
    }

    /// Adds (or replaces) the prices of service tier `name` (`"flex"`, `"priority"`).
    #[must_use]
    pub fn with_service_tier(mut self, name: impl Into<String>, prices: ModelPrices) -> Self {
        self.service_tiers.insert(name.into(), prices);
        self
    }

    /// The prices a request processed at service tier `tier` is billed at: these
    /// prices for standard processing (`None`, `auto`, `default`, `standard`), the
    /// tier's own sheet when [`service_tiers`](Self::service_tiers) lists it, `None`
    /// when it does not (the cost is then unknown, never priced as standard).
    ///
    /// ```
    /// use oac_pricing::{Decimal, ModelPrices};
    ///
    /// let flex = ModelPrices::new()
    ///     .with_input_price(Decimal::new(625, 3))
    ///     .with_output_price(Decimal::from(5));
    /// let gpt_5 = ModelPrices::new()
    ///     .with_input_price(Decimal::new(125, 2))
    ///     .with_output_price(Decimal::from(10))
    ///     .with_service_tier("flex", flex.clone());
    /// assert_eq!(gpt_5.for_service_tier(Some("flex")), Some(&flex));
    /// assert_eq!(gpt_5.for_service_tier(Some("default")), Some(&gpt_5));
    /// assert_eq!(gpt_5.for_service_tier(None), Some(&gpt_5));
    /// assert_eq!(gpt_5.for_service_tier(Some("priority")), None);
    /// ```
    pub fn for_service_tier(&self, tier: Option<&str>) -> Option<&ModelPrices> {
        match tier {
            None => Some(self),
            Some(name) if STANDARD_SERVICE_TIERS.contains(&name) => Some(self),
            Some(name) => self.service_tiers.get(name),
        }
    }

    /// True when no price, no tier and no service tier is set.
    pub fn is_empty(&self) -> bool {
        PriceKind::ALL.iter().all(|kind| self.get(*kind).is_none())
            && self.tiers.is_empty()
            && self.service_tiers.is_empty()
    }

    /// These prices with every price set in `overrides` replacing this one, field by
    /// field; `overrides.tiers` replace these tiers when non-empty (a tier list is
    /// one setting: mixing two lists would mix two price sheets).
    ///
    /// This is how a profile's `model_info` prices override a catalogue entry.
    ///
    /// ```
    /// use oac_pricing::{Decimal, ModelPrices};
    ///
    /// let catalogue = ModelPrices::new()
    ///     .with_input_price(Decimal::new(250, 2))
    ///     .with_output_price(Decimal::from(10));
    /// let profile = ModelPrices::new().with_output_price(Decimal::from(12));
    /// let merged = catalogue.overridden_by(&profile);
    /// assert_eq!(merged.input_price, Some(Decimal::new(250, 2)));
    /// assert_eq!(merged.output_price, Some(Decimal::from(12)));
    /// ```
    #[must_use]
    pub fn overridden_by(&self, overrides: &ModelPrices) -> ModelPrices {
        let mut merged = self.clone();
        for kind in PriceKind::ALL {
            if let Some(price) = overrides.get(kind) {
                merged.set(kind, Some(price));
            }
        }
        if !overrides.tiers.is_empty() {
            merged.tiers = overrides.tiers.clone();
        }
        // A service tier is one price sheet: the override's replaces it whole.
        for (name, prices) in &overrides.service_tiers {
            merged.service_tiers.insert(name.clone(), prices.clone());
        }
        merged
    }

    /// The tier that applies to a request with `input_total` prompt tokens: the one
    /// with the highest `above_input_tokens` strictly below `input_total` (with equal
    /// thresholds, the later one), with its index in `tiers`. `None` = base prices.
    ///
    /// The choice does not depend on the order of `tiers`;
    /// [`problems`](Self::problems) still reports an order that is not ascending.
    pub fn tier_for(&self, input_total: u64) -> Option<(usize, &PriceTier)> {
        self.tiers
            .iter()
            .enumerate()
            .filter(|(_, tier)| tier.above_input_tokens < input_total)
            .max_by_key(|(_, tier)| tier.above_input_tokens)
    }

    /// Everything wrong with these prices, each naming its field: negative prices
    /// (possible only when set in code; parsing rejects them) and tier thresholds
    /// that do not ascend strictly. Empty when the prices are valid.
    ///
    /// ```
    /// use oac_pricing::{Decimal, ModelPrices, PriceTier};
    ///
    /// let prices = ModelPrices::new()
    ///     .with_input_price(Decimal::from(-1))
    ///     .with_tier(PriceTier::above(200_000))
    ///     .with_tier(PriceTier::above(100_000));
    /// let problems: Vec<String> = prices.problems().iter().map(|p| p.to_string()).collect();
    /// assert_eq!(problems.len(), 2);
    /// assert!(problems[0].starts_with("`input_price`: input_price is -1, below zero"));
    /// assert!(problems[1].starts_with("`tiers[1].above_input_tokens`: tier thresholds must ascend"));
    /// ```
    pub fn problems(&self) -> Vec<PriceError> {
        let mut problems = self.sheet_problems();
        for (name, prices) in &self.service_tiers {
            let field = format!("service_tiers.{name}");
            if STANDARD_SERVICE_TIERS.contains(&name.as_str()) {
                problems.push(
                    PriceError::StandardServiceTier { name: name.clone() }.in_field(field.clone()),
                );
            }
            if !prices.service_tiers.is_empty() {
                problems.push(PriceError::NestedServiceTiers.in_field(field.clone()));
            }
            problems.extend(
                prices
                    .sheet_problems()
                    .into_iter()
                    .map(|problem| problem.in_field(field.clone())),
            );
        }
        problems
    }

    /// [`problems`](Self::problems) of this sheet alone (prices and context tiers).
    fn sheet_problems(&self) -> Vec<PriceError> {
        let mut problems: Vec<PriceError> = negative_prices(|kind| self.get(kind)).collect();
        for (index, tier) in self.tiers.iter().enumerate() {
            problems.extend(
                negative_prices(|kind| tier.get(kind))
                    .map(|problem| problem.in_field(format!("tiers[{index}]"))),
            );
            if let Some(previous) = index.checked_sub(1).and_then(|i| self.tiers.get(i))
                && tier.above_input_tokens <= previous.above_input_tokens
            {
                problems.push(
                    PriceError::TiersNotAscending {
                        index,
                        threshold: tier.above_input_tokens,
                        previous: previous.above_input_tokens,
                    }
                    .in_field(format!("tiers[{index}].above_input_tokens")),
                );
            }
        }
        problems
    }
}

/// True for a price below zero (`-0` is zero, not negative).
pub(crate) fn is_negative(price: Decimal) -> bool {
    price.is_sign_negative() && !price.is_zero()
}

/// A problem for each price below zero among those `get` gives, naming its field.
fn negative_prices(get: impl Fn(PriceKind) -> Option<Decimal>) -> impl Iterator<Item = PriceError> {
    PriceKind::ALL.into_iter().filter_map(move |kind| {
        let value = get(kind).filter(|value| is_negative(*value))?;
        Some(PriceError::NegativeValue { kind, value }.in_field(kind.field()))
    })
}

impl PriceTier {
    /// A tier for requests with more than `input_tokens` prompt tokens; it sets no
    /// price yet (every price falls back to the base price).
    pub fn above(input_tokens: u64) -> Self {
        PriceTier {
            above_input_tokens: input_tokens,
            ..PriceTier::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiered() -> ModelPrices {
        ModelPrices::new()
            .with_tier(PriceTier::above(200_000))
            .with_tier(PriceTier::above(1_000_000))
    }

    #[test]
    fn tier_threshold_is_strictly_below_input() {
        assert_eq!(tiered().tier_for(200_000).map(|t| t.0), None);
        assert_eq!(tiered().tier_for(200_001).map(|t| t.0), Some(0));
    }

    #[test]
    fn highest_qualifying_tier_wins() {
        assert_eq!(tiered().tier_for(1_000_001).map(|t| t.0), Some(1));
        assert_eq!(tiered().tier_for(1_000_000).map(|t| t.0), Some(0));
    }

    #[test]
    fn tier_choice_ignores_list_order() {
        let unordered = ModelPrices::new()
            .with_tier(PriceTier::above(1_000_000))
            .with_tier(PriceTier::above(200_000));
        assert_eq!(unordered.tier_for(1_000_001).map(|t| t.0), Some(0));
        assert_eq!(unordered.tier_for(500_000).map(|t| t.0), Some(1));
    }

    #[test]
    fn zero_threshold_tier_applies_to_any_input() {
        let prices = ModelPrices::new().with_tier(PriceTier::above(0));
        assert_eq!(prices.tier_for(0).map(|t| t.0), None);
        assert_eq!(prices.tier_for(1).map(|t| t.0), Some(0));
    }

    #[test]
    fn duplicate_thresholds_pick_the_later_tier_and_are_a_problem() {
        let prices = ModelPrices::new()
            .with_tier(PriceTier::above(10))
            .with_tier(PriceTier::above(10));
        assert_eq!(prices.tier_for(11).map(|t| t.0), Some(1));
        assert_eq!(prices.problems().len(), 1);
    }

    #[test]
    fn valid_prices_have_no_problems() {
        let prices = ModelPrices::new()
            .with_input_price(Decimal::ZERO)
            .with_tier(PriceTier::above(1).with_output_price(Decimal::ONE))
            .with_tier(PriceTier::above(2));
        assert!(prices.problems().is_empty());
    }

    #[test]
    fn negative_tier_price_is_a_problem() {
        let prices = ModelPrices::new()
            .with_tier(PriceTier::above(1).with_cache_read_price(Decimal::NEGATIVE_ONE));
        assert_eq!(
            prices.problems()[0].to_string(),
            "`tiers[0].cache_read_price`: cache_read_price is -1, below zero: set a non-negative price"
        );
    }

    #[test]
    fn override_replaces_field_by_field_and_tiers_whole() {
        let base = ModelPrices::new()
            .with_input_price(Decimal::ONE)
            .with_cache_read_price(Decimal::ONE)
            .with_tier(PriceTier::above(5))
            .with_tier(PriceTier::above(6));
        let over = ModelPrices::new()
            .with_cache_read_price(Decimal::TWO)
            .with_tier(PriceTier::above(7));
        let merged = base.overridden_by(&over);
        assert_eq!(merged.input_price, Some(Decimal::ONE));
        assert_eq!(merged.cache_read_price, Some(Decimal::TWO));
        assert_eq!(merged.tiers, vec![PriceTier::above(7)]);
        assert_eq!(base.overridden_by(&ModelPrices::new()), base);
    }

    #[test]
    fn kind_field_names_round_trip() {
        for kind in PriceKind::ALL {
            assert_eq!(PriceKind::from_field(kind.field()), Some(kind));
        }
    }

    #[test]
    fn empty_means_nothing_set() {
        assert!(ModelPrices::new().is_empty());
        assert!(!ModelPrices::new().with_tier(PriceTier::above(1)).is_empty());
    }
}
