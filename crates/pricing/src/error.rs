//! The one error type of this crate.

/// What went wrong reading a price, a price table or a usage text.
///
/// Every message names the offending input and says what a valid one looks like.
/// Field errors are wrapped in [`PriceError::InField`], which prefixes the path of
/// the field (`tiers[0].input_price`) and chains the cause as its `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PriceError {
    /// The text is empty.
    #[error(
        "the price is empty: write a non-negative decimal number of USD per 1M tokens, such as `0.88` or `3`"
    )]
    EmptyPrice,
    /// The text is not a number at all.
    #[error(
        "`{input}` is not a price: write a non-negative decimal number of USD per 1M tokens, such as `0.88`, `3` or `1.5e-2` (no currency sign, no thousands separators)"
    )]
    NotAPrice {
        /// The text as given (shortened when very long).
        input: String,
    },
    /// The number is below zero.
    #[error(
        "`{input}` is negative: a price is USD per 1M tokens and cannot be below zero; write e.g. `0.88`"
    )]
    NegativePrice {
        /// The text as given (shortened when very long).
        input: String,
    },
    /// NaN or infinity.
    #[error("`{input}` is not a finite number: write a price such as `0.88`")]
    NotFinite {
        /// The text as given (shortened when very long).
        input: String,
    },
    /// More digits than a `Decimal` holds (28 decimal places, 29 significant digits).
    #[error(
        "`{input}` has more digits than can be held exactly (at most 28 decimal places and 29 significant digits): shorten it (prices are USD per 1M tokens, e.g. `0.075`)"
    )]
    TooPrecise {
        /// The text as given (shortened when very long).
        input: String,
    },
    /// Larger than about 7.9e28, the largest exact decimal.
    #[error(
        "`{input}` is too large to be held exactly (the limit is about 7.9e28): prices are USD per 1M tokens, e.g. `15`"
    )]
    TooLarge {
        /// The text as given (shortened when very long).
        input: String,
    },
    /// A price reached serde as a float with more digits than a float keeps
    /// exactly, so the number written may have been rounded on the way.
    #[error(
        "the price `{read_as}` arrived as a float with more than 15 significant digits, so it may differ from what was written (a float keeps 15 exactly): write it as a string holding the digits you mean, or read the table with ModelPrices::from_json_str or from_toml_str, which keep every digit"
    )]
    FloatNotExact {
        /// The float's shortest decimal text.
        read_as: String,
    },
    /// A key appears twice in one table of a price table (JSON would silently
    /// keep the last).
    #[error(
        "`{key}` appears more than once in the same table: keep one (which value is meant cannot be guessed)"
    )]
    DuplicateKey {
        /// The repeated key (shortened when very long).
        key: String,
    },
    /// A field of a price table is wrong; `source` says why.
    #[error("`{field}`: {source}")]
    InField {
        /// Path of the field, e.g. `tiers[1].output_price`.
        field: String,
        /// What is wrong with it.
        #[source]
        source: Box<PriceError>,
    },
    /// A value has the wrong type (e.g. a boolean where a price belongs).
    #[error("found {found}, expected {expected}")]
    WrongType {
        /// What was found (`a boolean`, `an array`, …).
        found: &'static str,
        /// What belongs there.
        expected: &'static str,
    },
    /// A price table holds a key that is not a price field.
    #[error("unknown key `{key}` in a price table{}", suggestion_text(.suggestion.as_deref(), .valid))]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The closest valid key, when one is close.
        suggestion: Option<&'static str>,
        /// Every valid key at that place.
        valid: &'static [&'static str],
    },
    /// A tier lacks `above_input_tokens`.
    #[error(
        "a tier needs `above_input_tokens`: the input size (in tokens) above which its prices apply"
    )]
    MissingThreshold,
    /// `above_input_tokens` is not a whole number of tokens.
    #[error(
        "`{input}` is not a token count: write a whole number such as `200000` (no decimals, no sign)"
    )]
    NotATokenCount {
        /// The value as given.
        input: String,
    },
    /// Tier thresholds must ascend strictly.
    #[error(
        "tier thresholds must ascend: tier {index} starts above {threshold} tokens, which is not above the previous tier's {previous}; sort the tiers by `above_input_tokens` and remove duplicates"
    )]
    TiersNotAscending {
        /// Index of the offending tier.
        index: usize,
        /// Its threshold.
        threshold: u64,
        /// The previous tier's threshold.
        previous: u64,
    },
    /// A service tier is named like standard processing, whose prices are the base
    /// prices.
    #[error(
        "`{name}` is standard processing, priced at the model's base prices: move these prices to the base (`input_price`, …) or name the tier (`flex`, `priority`)"
    )]
    StandardServiceTier {
        /// The tier's name.
        name: String,
    },
    /// A service tier's name is not one a request sends in `service_tier`.
    #[error(
        "a service tier is named as requests send it in `service_tier`: lowercase, like `flex` or `priority`"
    )]
    ServiceTierName {
        /// The name as written (shortened when very long).
        name: String,
    },
    /// A service tier's sheet has service tiers of its own.
    #[error("a service tier cannot have service tiers of its own: move them up beside this one")]
    NestedServiceTiers,
    /// A price set in code is negative (parsed prices never are).
    #[error("{kind} is {value}, below zero: set a non-negative price")]
    NegativeValue {
        /// Which price.
        kind: crate::PriceKind,
        /// Its value.
        value: rust_decimal::Decimal,
    },
    /// A price table is not valid JSON.
    #[error("the price table is not valid JSON: {source}")]
    InvalidJson {
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A price table is not valid TOML.
    #[cfg(feature = "toml")]
    #[error("the price table is not valid TOML: {source}")]
    InvalidToml {
        /// The parser's error (with line and column).
        #[source]
        source: toml::de::Error,
    },
    /// A usage text is not valid JSON.
    #[error(
        "the usage is not valid JSON: {source}; pass the `usage` object or the whole response/chunk as received"
    )]
    InvalidUsageJson {
        /// The parser's error (with line and column).
        #[source]
        source: serde_json::Error,
    },
}

fn suggestion_text(suggestion: Option<&str>, valid: &[&str]) -> String {
    match suggestion {
        Some(s) => format!(": did you mean `{s}`?"),
        None => format!(": valid keys are {}", valid.join(", ")),
    }
}

impl PriceError {
    /// Wraps `self` with the path of the field it concerns; nested fields join into
    /// one path (`tiers` + `[0]` + `input_price` = `tiers[0].input_price`).
    pub(crate) fn in_field(self, field: impl Into<String>) -> PriceError {
        let field = field.into();
        match self {
            PriceError::InField {
                field: inner,
                source,
            } => {
                let separator = if inner.starts_with('[') { "" } else { "." };
                PriceError::InField {
                    field: format!("{field}{separator}{inner}"),
                    source,
                }
            }
            other => PriceError::InField {
                field,
                source: Box::new(other),
            },
        }
    }
}

/// Shortens user text for an error message (very long inputs would drown the message).
pub(crate) fn shown(input: &str) -> String {
    const MAX: usize = 64;
    match input.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &input[..cut]),
        None => input.to_owned(),
    }
}
