//! What a model can do and what it costs ("Model Configuration"), and how a
//! profile's `model_info` table overrides a base description field by field.

use std::fmt;
use std::str::FromStr;

use oac_pricing::ModelPrices;

use crate::choice::{Choice, ParseChoiceError, parse_choice};

/// A reasoning effort level.
///
/// Parses from and displays as `none`, `minimal`, `low`, `medium`, `high`, `xhigh`.
///
/// ```
/// use oac_provider::ReasoningEffort;
///
/// assert_eq!("high".parse::<ReasoningEffort>()?, ReasoningEffort::High);
/// assert_eq!(ReasoningEffort::XHigh.to_string(), "xhigh");
/// # Ok::<(), oac_provider::ParseChoiceError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReasoningEffort {
    /// `none`
    None,
    /// `minimal`
    Minimal,
    /// `low`
    Low,
    /// `medium`
    Medium,
    /// `high`
    High,
    /// `xhigh`
    XHigh,
}

impl ReasoningEffort {
    /// Every level, lowest first.
    pub const ALL: [ReasoningEffort; 6] = [
        ReasoningEffort::None,
        ReasoningEffort::Minimal,
        ReasoningEffort::Low,
        ReasoningEffort::Medium,
        ReasoningEffort::High,
        ReasoningEffort::XHigh,
    ];

    /// The spelling sent on the wire and used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasoningEffort::None => "none",
            ReasoningEffort::Minimal => "minimal",
            ReasoningEffort::Low => "low",
            ReasoningEffort::Medium => "medium",
            ReasoningEffort::High => "high",
            ReasoningEffort::XHigh => "xhigh",
        }
    }
}

impl Choice for ReasoningEffort {
    const WHAT: &'static str = "reasoning effort";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("none", ReasoningEffort::None),
        ("minimal", ReasoningEffort::Minimal),
        ("low", ReasoningEffort::Low),
        ("medium", ReasoningEffort::Medium),
        ("high", ReasoningEffort::High),
        ("xhigh", ReasoningEffort::XHigh),
        ("x-high", ReasoningEffort::XHigh),
    ];

    fn name(&self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for ReasoningEffort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReasoningEffort {
    type Err = ParseChoiceError;

    /// Accepts the spellings of [`ReasoningEffort::as_str`], ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_choice(s)
    }
}

/// Whether a model accepts `reasoning_effort`, and which levels.
///
/// In configuration: `supports_reasoning_effort = true`, `false`, or a list of
/// levels such as `["low", "medium", "high"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum EffortSupport {
    /// Not supported: never sent.
    #[default]
    No,
    /// Supported, any level.
    Yes,
    /// Supported, only these levels.
    Levels(Vec<ReasoningEffort>),
}

impl EffortSupport {
    /// True when `level` may be sent to the model.
    pub fn allows(&self, level: ReasoningEffort) -> bool {
        match self {
            EffortSupport::No => false,
            EffortSupport::Yes => true,
            EffortSupport::Levels(levels) => levels.contains(&level),
        }
    }
}

/// What a model can do and what it costs ("Model Configuration").
///
/// Unknown prices stay `None` so cost is reported as unknown, never as a false $0.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfo {
    /// Maximum output tokens, when known.
    pub max_output_tokens: Option<u32>,
    /// Context window in tokens.
    pub context_window: u32,
    /// Accepts image parts.
    pub supports_images: bool,
    /// Supports computer use.
    pub supports_computer_use: bool,
    /// Supports prompt caching.
    pub supports_prompt_cache: bool,
    /// Accepts `tools` (function calling). True unless known otherwise: a request
    /// with tools to a model that takes none is refused before it is sent.
    pub supports_tools: bool,
    /// Accepts `reasoning_effort`.
    pub supports_reasoning_effort: EffortSupport,
    /// Default effort.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Prices; unknown prices mean unknown cost.
    pub prices: ModelPrices,
}

impl ModelInfo {
    /// The info of a model nobody described: 128k context, images, prices unknown.
    ///
    /// ```
    /// use oac_provider::ModelInfo;
    ///
    /// let info = ModelInfo::compatible_default();
    /// assert_eq!(info.context_window, 128_000);
    /// assert!(info.supports_images);
    /// assert_eq!(info.prices.input_price, None); // unknown, not free
    /// ```
    pub fn compatible_default() -> Self {
        ModelInfo {
            max_output_tokens: None,
            context_window: 128_000,
            supports_images: true,
            supports_computer_use: false,
            supports_prompt_cache: false,
            supports_tools: true,
            supports_reasoning_effort: EffortSupport::No,
            reasoning_effort: None,
            prices: ModelPrices::default(),
        }
    }

    /// `self` with every field that `overrides` sets replaced, field by field.
    ///
    /// `self` is the base: [`ModelInfo::compatible_default`] for a model nobody
    /// described, or a catalogue entry for a known native model. Prices merge as
    /// [`ModelPrices::overridden_by`] says (a non-empty tier list replaces the base's).
    ///
    /// ```
    /// use oac_provider::{ModelInfo, ModelInfoOverrides};
    ///
    /// let mut overrides = ModelInfoOverrides::default();
    /// overrides.context_window = Some(131_072);
    /// overrides.prices.input_price = Some("0.88".parse().unwrap());
    /// let info = ModelInfo::compatible_default().with_overrides(&overrides);
    /// assert_eq!(info.context_window, 131_072);
    /// assert!(info.supports_images); // kept from the base
    /// assert_eq!(info.prices.input_price.unwrap().to_string(), "0.88");
    /// ```
    #[must_use]
    pub fn with_overrides(mut self, overrides: &ModelInfoOverrides) -> ModelInfo {
        let o = overrides;
        set(&mut self.max_output_tokens, o.max_output_tokens.map(Some));
        set(&mut self.context_window, o.context_window);
        set(&mut self.supports_images, o.supports_images);
        set(&mut self.supports_computer_use, o.supports_computer_use);
        set(&mut self.supports_prompt_cache, o.supports_prompt_cache);
        set(&mut self.supports_tools, o.supports_tools);
        set(
            &mut self.supports_reasoning_effort,
            o.supports_reasoning_effort.clone(),
        );
        set(&mut self.reasoning_effort, o.reasoning_effort.map(Some));
        self.prices = self.prices.overridden_by(&o.prices);
        self
    }
}

fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *field = value;
    }
}

/// A profile's `model_info` table: every field optional, each one overriding the
/// base description of the model (see [`ModelInfo::with_overrides`]).
///
/// Prices are exact decimals in USD per 1,000,000 tokens; a price left `None`
/// keeps the base's, and `prices.tiers`, when not empty, replaces the base's list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfoOverrides {
    /// `max_output_tokens`.
    pub max_output_tokens: Option<u32>,
    /// `context_window`.
    pub context_window: Option<u32>,
    /// `supports_images`.
    pub supports_images: Option<bool>,
    /// `supports_computer_use`.
    pub supports_computer_use: Option<bool>,
    /// `supports_prompt_cache`.
    pub supports_prompt_cache: Option<bool>,
    /// `supports_tools`.
    pub supports_tools: Option<bool>,
    /// `supports_reasoning_effort` (bool or list of levels).
    pub supports_reasoning_effort: Option<EffortSupport>,
    /// `reasoning_effort`: the model's default level.
    pub reasoning_effort: Option<ReasoningEffort>,
    /// `input_price`, `output_price`, `cache_read_price`, `cache_write_price`,
    /// `reasoning_price`, the audio prices and `tiers`.
    pub prices: ModelPrices,
}

impl ModelInfoOverrides {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == ModelInfoOverrides::default()
    }

    /// `self` followed by `later`: every field `later` sets wins (prices as
    /// [`ModelPrices::overridden_by`] says). Applying the result equals applying
    /// `self`, then `later`.
    #[must_use]
    pub fn then(&self, later: &ModelInfoOverrides) -> ModelInfoOverrides {
        ModelInfoOverrides {
            max_output_tokens: later.max_output_tokens.or(self.max_output_tokens),
            context_window: later.context_window.or(self.context_window),
            supports_images: later.supports_images.or(self.supports_images),
            supports_computer_use: later.supports_computer_use.or(self.supports_computer_use),
            supports_prompt_cache: later.supports_prompt_cache.or(self.supports_prompt_cache),
            supports_tools: later.supports_tools.or(self.supports_tools),
            supports_reasoning_effort: later
                .supports_reasoning_effort
                .clone()
                .or_else(|| self.supports_reasoning_effort.clone()),
            reasoning_effort: later.reasoning_effort.or(self.reasoning_effort),
            prices: self.prices.overridden_by(&later.prices),
        }
    }
}

impl From<ModelInfo> for ModelInfoOverrides {
    /// Every field `info` has: applied over [`ModelInfo::compatible_default`] (whose
    /// optional fields are all unset) the result is `info` itself. Optional fields
    /// `info` leaves unset (a price, `max_output_tokens`) keep the base's value.
    fn from(info: ModelInfo) -> Self {
        ModelInfoOverrides {
            max_output_tokens: info.max_output_tokens,
            context_window: Some(info.context_window),
            supports_images: Some(info.supports_images),
            supports_computer_use: Some(info.supports_computer_use),
            supports_prompt_cache: Some(info.supports_prompt_cache),
            supports_tools: Some(info.supports_tools),
            supports_reasoning_effort: Some(info.supports_reasoning_effort),
            reasoning_effort: info.reasoning_effort,
            prices: info.prices,
        }
    }
}

#[cfg(test)]
mod tests {
    use oac_pricing::{Decimal, PriceTier};

    use super::*;

    #[test]
    fn overrides_replace_only_what_they_set() {
        let overrides = ModelInfoOverrides {
            supports_images: Some(false),
            ..ModelInfoOverrides::default()
        };
        let info = ModelInfo::compatible_default().with_overrides(&overrides);
        assert!(!info.supports_images);
        assert_eq!(info.context_window, 128_000);
    }

    #[test]
    fn empty_overrides_keep_the_base() {
        let base = ModelInfo::compatible_default();
        assert_eq!(
            base.clone().with_overrides(&ModelInfoOverrides::default()),
            base
        );
    }

    #[test]
    fn overrides_from_info_reproduce_it_over_the_default() {
        let mut info = ModelInfo {
            max_output_tokens: Some(8192),
            context_window: 32_000,
            supports_images: false,
            supports_computer_use: true,
            supports_prompt_cache: true,
            supports_tools: false,
            supports_reasoning_effort: EffortSupport::Levels(vec![ReasoningEffort::Low]),
            reasoning_effort: Some(ReasoningEffort::Low),
            prices: ModelPrices::default(),
        };
        info.prices = ModelPrices::new()
            .with_input_price(Decimal::new(88, 2))
            .with_tier(PriceTier::above(200_000));
        let overrides = ModelInfoOverrides::from(info.clone());
        assert_eq!(
            ModelInfo::compatible_default().with_overrides(&overrides),
            info
        );
    }

    #[test]
    fn then_equals_applying_one_after_the_other() {
        let first = ModelInfoOverrides {
            context_window: Some(1000),
            supports_images: Some(false),
            prices: ModelPrices::new()
                .with_input_price(Decimal::new(1, 0))
                .with_output_price(Decimal::new(2, 0)),
            ..ModelInfoOverrides::default()
        };
        let later = ModelInfoOverrides {
            context_window: Some(2000),
            prices: ModelPrices::new().with_input_price(Decimal::new(3, 0)),
            ..ModelInfoOverrides::default()
        };
        let base = ModelInfo::compatible_default();
        assert_eq!(
            base.clone().with_overrides(&first.then(&later)),
            base.with_overrides(&first).with_overrides(&later)
        );
    }

    #[test]
    fn effort_support_allows_listed_levels_only() {
        let levels = EffortSupport::Levels(vec![ReasoningEffort::Low, ReasoningEffort::High]);
        assert!(levels.allows(ReasoningEffort::High));
        assert!(!levels.allows(ReasoningEffort::Medium));
        assert!(!EffortSupport::No.allows(ReasoningEffort::Low));
        assert!(EffortSupport::Yes.allows(ReasoningEffort::XHigh));
    }
}
