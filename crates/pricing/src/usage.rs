//! The canonical usage of one request and its consistency rule.

use std::fmt;

use rust_decimal::Decimal;

/// Canonical token usage of one request.
///
/// Every provider's `usage` object becomes this (see [`read_usage`](crate::read_usage)).
/// Totals include their parts: `input_total` includes `cache_read`, `cache_write`
/// and `input_audio`; `output_total` includes `reasoning` and `output_audio`.
/// [`clamped`](Usage::clamped) enforces that, and [`cost`](crate::cost) relies on it.
///
/// serde: plain numbers, `reported_cost` as an exact decimal string; every field
/// defaults to zero/none when absent.
///
/// ```
/// use oac_pricing::Usage;
///
/// let usage = Usage::new(2_006, 300).with_cache_read(1_920);
/// assert_eq!(usage.uncached_input(), 86);
/// assert_eq!(usage.to_string(), "2,006 in (1,920 cached) · 300 out");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Usage {
    /// All prompt tokens, cached included.
    pub input_total: u64,
    /// Prompt tokens read from the cache.
    pub cache_read: u64,
    /// Prompt tokens written to the cache.
    pub cache_write: u64,
    /// All completion tokens, reasoning included.
    pub output_total: u64,
    /// Reasoning tokens (inside `output_total`).
    pub reasoning: u64,
    /// Audio prompt tokens (inside `input_total`).
    pub input_audio: u64,
    /// Audio completion tokens (inside `output_total`).
    pub output_audio: u64,
    /// The cost the provider stated, when it states one (OpenRouter `cost`).
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::decimal_serde")]
    pub reported_cost: Option<Decimal>,
    /// The service tier the request was processed at (`service_tier`: `flex`,
    /// `priority`, …; `None`: standard). [`cost`](crate::cost) prices the usage at
    /// that tier's prices ([`ModelPrices::service_tiers`](crate::ModelPrices)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<String>,
}

/// Something wrong in a provider's usage, and what was done about it.
///
/// Never fatal: the usage is repaired (a part clamped, a bad count read as 0 or
/// ignored) and each repair is listed here and logged with `tracing::warn!`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UsageWarning {
    /// A count was not a non-negative whole number (null, negative, fractional,
    /// a string, …). `read_as` is the value used (`None`: ignored as if absent).
    InvalidCount {
        /// The provider's field path, e.g. `prompt_tokens_details.cached_tokens`.
        field: String,
        /// The JSON found there.
        found: String,
        /// The count used instead, if any.
        read_as: Option<u64>,
    },
    /// A part exceeded what its total leaves and was clamped.
    PartClamped {
        /// The canonical part (`cache_read`, `reasoning`, …).
        part: &'static str,
        /// What bounds it, e.g. `input_total minus cache_read`.
        limit: &'static str,
        /// The count reported.
        reported: u64,
        /// The count used.
        clamped_to: u64,
    },
    /// Two fields that should agree do not; `used_field` is the one believed.
    Disagreement {
        /// The field whose value is used.
        used_field: &'static str,
        /// Its value.
        used: u64,
        /// The field that disagrees.
        other_field: &'static str,
        /// Its value.
        other: u64,
    },
    /// `cost` was not a non-negative amount; it is ignored.
    InvalidCost {
        /// The JSON found there.
        found: String,
    },
    /// The usage (or the response holding it) was not a JSON object; usage is
    /// treated as not reported.
    NotAnObject {
        /// `usage` or `response`.
        what: &'static str,
        /// The JSON type found (`a string`, `an array`, …).
        found: &'static str,
    },
    /// The usage object has no token count at all; treated as not reported.
    NoTokenCounts,
}

impl Usage {
    /// A usage of `input_total` prompt and `output_total` completion tokens, with no
    /// cached, reasoning or audio parts.
    pub fn new(input_total: u64, output_total: u64) -> Self {
        Usage {
            input_total,
            output_total,
            ..Usage::default()
        }
    }

    /// Sets `service_tier`, the tier the request was processed at.
    #[must_use]
    pub fn with_service_tier(mut self, tier: impl Into<String>) -> Self {
        self.service_tier = Some(tier.into());
        self
    }

    /// Sets `cache_read`.
    #[must_use]
    pub fn with_cache_read(mut self, tokens: u64) -> Self {
        self.cache_read = tokens;
        self
    }

    /// Sets `cache_write`.
    #[must_use]
    pub fn with_cache_write(mut self, tokens: u64) -> Self {
        self.cache_write = tokens;
        self
    }

    /// Sets `reasoning`.
    #[must_use]
    pub fn with_reasoning(mut self, tokens: u64) -> Self {
        self.reasoning = tokens;
        self
    }

    /// Sets `input_audio`.
    #[must_use]
    pub fn with_input_audio(mut self, tokens: u64) -> Self {
        self.input_audio = tokens;
        self
    }

    /// Sets `output_audio`.
    #[must_use]
    pub fn with_output_audio(mut self, tokens: u64) -> Self {
        self.output_audio = tokens;
        self
    }

    /// Sets `reported_cost`.
    #[must_use]
    pub fn with_reported_cost(mut self, cost: Decimal) -> Self {
        self.reported_cost = Some(cost);
        self
    }

    /// Adds the token counts of `other` to these, saturating. `reported_cost` is
    /// left alone: a sum of stated costs is the caller's (the [`Tracker`](crate::Tracker)
    /// sums it apart, exactly).
    ///
    /// ```
    /// use oac_pricing::Usage;
    ///
    /// let mut sum = Usage::new(100, 20).with_cache_read(50);
    /// sum.add_tokens(&Usage::new(10, 2).with_reasoning(1));
    /// assert_eq!((sum.input_total, sum.cache_read, sum.output_total, sum.reasoning), (110, 50, 22, 1));
    /// ```
    pub fn add_tokens(&mut self, other: &Usage) {
        self.input_total = self.input_total.saturating_add(other.input_total);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.cache_write = self.cache_write.saturating_add(other.cache_write);
        self.output_total = self.output_total.saturating_add(other.output_total);
        self.reasoning = self.reasoning.saturating_add(other.reasoning);
        self.input_audio = self.input_audio.saturating_add(other.input_audio);
        self.output_audio = self.output_audio.saturating_add(other.output_audio);
    }

    /// Prompt tokens billed at the plain input price:
    /// `input_total − cache_read − cache_write − input_audio` (0 rather than negative).
    pub fn uncached_input(&self) -> u64 {
        self.input_total
            .saturating_sub(self.cache_read)
            .saturating_sub(self.cache_write)
            .saturating_sub(self.input_audio)
    }

    /// Completion tokens billed at the plain output price:
    /// `output_total − reasoning − output_audio` (0 rather than negative).
    pub fn text_output(&self) -> u64 {
        self.output_total
            .saturating_sub(self.reasoning)
            .saturating_sub(self.output_audio)
    }

    /// `input_total + output_total` (saturating).
    pub fn total_tokens(&self) -> u64 {
        self.input_total.saturating_add(self.output_total)
    }

    /// True when no part exceeds what its total leaves. Logs nothing.
    pub fn is_consistent(&self) -> bool {
        self.clamp(false).1.is_empty()
    }

    /// This usage with every part clamped to what its total leaves, and a warning
    /// per clamp (also logged with `tracing::warn!`). Parts are taken in order:
    /// `cache_read`, then `cache_write`, then `input_audio` share `input_total`;
    /// `reasoning`, then `output_audio` share `output_total`.
    ///
    /// ```
    /// use oac_pricing::{Usage, UsageWarning};
    ///
    /// let (fixed, warnings) = Usage::new(100, 10).with_cache_read(150).clamped();
    /// assert_eq!(fixed.cache_read, 100);
    /// assert_eq!(
    ///     warnings[0].to_string(),
    ///     "usage part `cache_read` (150) exceeds input_total (100); clamped to 100"
    /// );
    /// ```
    pub fn clamped(&self) -> (Usage, Vec<UsageWarning>) {
        self.clamp(true)
    }

    /// [`clamped`](Self::clamped), logging each clamp only when `log` is set: a
    /// usage passes through the reader, [`cost`](crate::cost) and the tracker, and
    /// one repair must be logged once, not once per step.
    pub(crate) fn clamp(&self, log: bool) -> (Usage, Vec<UsageWarning>) {
        let mut usage = self.clone();
        let mut warnings = Vec::new();
        let mut clamp = |part: &'static str, limit: &'static str, value: &mut u64, max: u64| {
            if *value > max {
                let warning = UsageWarning::PartClamped {
                    part,
                    limit,
                    reported: *value,
                    clamped_to: max,
                };
                if log {
                    tracing::warn!(%warning, "inconsistent usage");
                }
                warnings.push(warning);
                *value = max;
            }
        };
        let input = usage.input_total;
        clamp("cache_read", "input_total", &mut usage.cache_read, input);
        let left = input - usage.cache_read;
        clamp(
            "cache_write",
            "input_total minus cache_read",
            &mut usage.cache_write,
            left,
        );
        let left = left - usage.cache_write;
        clamp(
            "input_audio",
            "input_total minus cache_read and cache_write",
            &mut usage.input_audio,
            left,
        );
        let output = usage.output_total;
        clamp("reasoning", "output_total", &mut usage.reasoning, output);
        let left = output - usage.reasoning;
        clamp(
            "output_audio",
            "output_total minus reasoning",
            &mut usage.output_audio,
            left,
        );
        (usage, warnings)
    }
}

impl fmt::Display for UsageWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageWarning::InvalidCount {
                field,
                found,
                read_as: Some(value),
            } => write!(
                f,
                "usage field `{field}` is {found}, not a token count; read as {value}"
            ),
            UsageWarning::InvalidCount {
                field,
                found,
                read_as: None,
            } => write!(
                f,
                "usage field `{field}` is {found}, not a token count; ignored"
            ),
            UsageWarning::PartClamped {
                part,
                limit,
                reported,
                clamped_to,
            } => write!(
                f,
                "usage part `{part}` ({reported}) exceeds {limit} ({clamped_to}); clamped to {clamped_to}"
            ),
            UsageWarning::Disagreement {
                used_field,
                used,
                other_field,
                other,
            } => write!(
                f,
                "usage fields disagree: `{used_field}` is {used} but `{other_field}` is {other}; using `{used_field}`"
            ),
            UsageWarning::InvalidCost { found } => write!(
                f,
                "usage `cost` is {found}, not a non-negative amount; ignored"
            ),
            UsageWarning::NotAnObject { what, found } => write!(
                f,
                "{what} is {found}, not a JSON object; usage treated as not reported"
            ),
            UsageWarning::NoTokenCounts => f.write_str(
                "usage has no token counts (prompt_tokens, completion_tokens, input_tokens, output_tokens); treated as not reported",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_usage_is_unchanged() {
        let usage = Usage::new(2_100, 1_000)
            .with_cache_read(500)
            .with_cache_write(1_500)
            .with_reasoning(400);
        assert_eq!(usage.clamped(), (usage.clone(), Vec::new()));
        assert!(usage.is_consistent());
    }

    #[test]
    fn cached_above_prompt_is_clamped() {
        let (usage, warnings) = Usage::new(100, 0).with_cache_read(250).clamped();
        assert_eq!(usage.cache_read, 100);
        assert_eq!(usage.uncached_input(), 0);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn cache_write_is_clamped_to_what_reads_leave() {
        let (usage, warnings) = Usage::new(100, 0)
            .with_cache_read(60)
            .with_cache_write(60)
            .clamped();
        assert_eq!((usage.cache_read, usage.cache_write), (60, 40));
        assert_eq!(
            warnings[0].to_string(),
            "usage part `cache_write` (60) exceeds input_total minus cache_read (40); clamped to 40"
        );
    }

    #[test]
    fn input_audio_is_clamped_last() {
        let (usage, _) = Usage::new(100, 0)
            .with_cache_read(90)
            .with_input_audio(20)
            .clamped();
        assert_eq!(usage.input_audio, 10);
    }

    #[test]
    fn reasoning_above_completion_is_clamped() {
        let (usage, warnings) = Usage::new(0, 10).with_reasoning(30).clamped();
        assert_eq!(usage.reasoning, 10);
        assert_eq!(usage.text_output(), 0);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn output_audio_is_clamped_to_what_reasoning_leaves() {
        let (usage, _) = Usage::new(0, 10)
            .with_reasoning(4)
            .with_output_audio(9)
            .clamped();
        assert_eq!(usage.output_audio, 6);
    }

    #[test]
    fn derived_counts_never_go_negative_on_raw_usage() {
        let usage = Usage::new(1, 1)
            .with_cache_read(u64::MAX)
            .with_reasoning(u64::MAX);
        assert_eq!(usage.uncached_input(), 0);
        assert_eq!(usage.text_output(), 0);
    }

    #[test]
    fn serde_round_trip_keeps_reported_cost_exact() {
        let usage = Usage::new(1, 2).with_reported_cost(Decimal::new(123456789, 12));
        let json = serde_json::to_string(&usage).unwrap();
        assert_eq!(
            json,
            r#"{"input_total":1,"cache_read":0,"cache_write":0,"output_total":2,"reasoning":0,"input_audio":0,"output_audio":0,"reported_cost":"0.000123456789"}"#
        );
        assert_eq!(serde_json::from_str::<Usage>(&json).unwrap(), usage);
    }

    #[test]
    fn serde_missing_fields_default_to_zero() {
        let usage: Usage = serde_json::from_str(r#"{"input_total": 5}"#).unwrap();
        assert_eq!(usage, Usage::new(5, 0));
    }
}
