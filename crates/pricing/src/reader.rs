//! Turning any provider's `usage` JSON into the canonical [`Usage`].
//!
//! One table of field mappings (also in `docs/pricing.md`, "Reading usage from
//! providers"):
//!
//! | canonical | read from, first present wins |
//! |---|---|
//! | `input_total` | `prompt_tokens`; else `input_tokens` + `cache_read_input_tokens` + `cache_creation_input_tokens` (Anthropic counts input without the cache); else `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens` |
//! | `cache_read` | `prompt_tokens_details.cached_tokens`, `prompt_cache_hit_tokens` (DeepSeek), `cache_read_input_tokens` (Anthropic), `input_tokens_details.cached_tokens` |
//! | `cache_write` | `prompt_tokens_details.cache_write_tokens` (OpenRouter), `cache_creation_input_tokens` (Anthropic) |
//! | `output_total` | `completion_tokens`; else `output_tokens` |
//! | `reasoning` | `completion_tokens_details.reasoning_tokens`, `output_tokens_details.reasoning_tokens` |
//! | `input_audio` / `output_audio` | `prompt_tokens_details.audio_tokens` / `completion_tokens_details.audio_tokens` |
//! | `reported_cost` | `cost` (OpenRouter) |
//!
//! Ignored on purpose: `total_tokens` (derivable), prediction tokens (already inside
//! `completion_tokens`), xAI's `prompt_tokens_details.text_tokens` (it includes the
//! cached tokens), and every other provider extra.

use rust_decimal::Decimal;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{PriceError, shown};
use crate::price::parse_price;
use crate::usage::{Usage, UsageWarning};

/// What a provider said about usage: the usage, or "not reported" (`usage: None`,
/// which is not the same as zero tokens), plus every repair made while reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct UsageReading {
    /// The canonical usage; `None` when the provider reported none.
    pub usage: Option<Usage>,
    /// Problems found and repaired (each also logged with `tracing::warn!`).
    pub warnings: Vec<UsageWarning>,
}

impl UsageReading {
    /// Usage not reported, nothing wrong.
    pub fn not_reported() -> Self {
        Self::default()
    }

    /// True when the provider reported usage.
    pub fn is_reported(&self) -> bool {
        self.usage.is_some()
    }
}

/// Reads a `usage` object (the value of a response's `usage` field).
///
/// `null` means "not reported" (OpenAI sends it on every stream chunk but the last).
/// Inconsistent or malformed counts are repaired, never fatal; see [`UsageWarning`].
/// `cost` arrives here as an `f64` and is recovered exactly when it has at most 15
/// significant digits; [`read_usage_str`] reads it from the text, always exactly.
///
/// ```
/// use oac_pricing::{read_usage, Usage};
///
/// let deepseek = serde_json::json!({
///     "prompt_tokens": 102056, "completion_tokens": 252, "total_tokens": 102308,
///     "prompt_cache_hit_tokens": 94464, "prompt_cache_miss_tokens": 7592
/// });
/// let reading = read_usage(&deepseek);
/// assert_eq!(reading.usage, Some(Usage::new(102_056, 252).with_cache_read(94_464)));
/// assert!(reading.warnings.is_empty());
///
/// assert_eq!(read_usage(&serde_json::Value::Null).usage, None);
/// ```
pub fn read_usage(usage: &Value) -> UsageReading {
    let mut warnings = Vec::new();
    let usage = match usage {
        Value::Null => None,
        Value::Object(object) => map_usage(object, &mut warnings),
        other => {
            warnings.push(UsageWarning::NotAnObject {
                what: "usage",
                found: json_type(other),
            });
            None
        }
    };
    let usage = usage.map(|usage| {
        let (usage, clamps) = usage.clamped();
        warnings.extend(clamps);
        usage
    });
    for warning in warnings
        .iter()
        .filter(|w| !matches!(w, UsageWarning::PartClamped { .. }))
    {
        // Clamps were logged by `Usage::clamped`.
        tracing::warn!(%warning, "provider usage repaired");
    }
    UsageReading { usage, warnings }
}

/// Reads a `usage` object from JSON text, taking `cost` exactly as written.
///
/// ```
/// use oac_pricing::{read_usage_str, PriceError};
///
/// let reading = read_usage_str(
///     r#"{"prompt_tokens": 10, "completion_tokens": 5, "cost": 0.00001234567890123456789}"#,
/// )?;
/// let usage = reading.usage.unwrap();
/// assert_eq!(usage.reported_cost.unwrap().to_string(), "0.00001234567890123456789");
/// # Ok::<(), PriceError>(())
/// ```
///
/// # Errors
/// [`PriceError::InvalidUsageJson`] when the text is not JSON at all.
pub fn read_usage_str(json: &str) -> Result<UsageReading, PriceError> {
    let value: Value =
        serde_json::from_str(json).map_err(|source| PriceError::InvalidUsageJson { source })?;
    let mut reading = read_usage(&value);
    if let Some(usage) = reading.usage.as_mut()
        && let Some(exact) = exact_cost(json)
    {
        usage.reported_cost = Some(exact);
    }
    Ok(reading)
}

/// Finds and reads the usage of a whole response or stream chunk: its `usage`, else
/// Groq's `x_groq.usage` (sent on the last stream chunk), else the first choice's
/// `usage` that is not null (some servers put it there); a null counts as absent. No
/// usage in any place = not reported. This is the workspace's one rule of where
/// usage sits: the provider crate's stream path reads the same places from its typed
/// chunks, and a test checks that both find the same usage.
///
/// ```
/// use oac_pricing::find_usage;
///
/// let groq_last_chunk = serde_json::json!({
///     "id": "chatcmpl-1", "object": "chat.completion.chunk",
///     "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
///     "x_groq": {"id": "req_1", "usage": {"prompt_tokens": 24, "completion_tokens": 7,
///                                         "total_tokens": 31, "queue_time": 0.02}}
/// });
/// let usage = find_usage(&groq_last_chunk).usage.unwrap();
/// assert_eq!((usage.input_total, usage.output_total), (24, 7));
/// ```
pub fn find_usage(response: &Value) -> UsageReading {
    match response {
        Value::Object(object) => read_usage(usage_in(object).unwrap_or(&Value::Null)),
        other => not_an_object("response", other),
    }
}

/// [`find_usage`] from JSON text, taking `cost` exactly as written.
///
/// # Errors
/// [`PriceError::InvalidUsageJson`] when the text is not JSON at all.
pub fn find_usage_str(json: &str) -> Result<UsageReading, PriceError> {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow, default)]
        usage: Option<&'a RawValue>,
        #[serde(borrow, default)]
        x_groq: Option<&'a RawValue>,
        #[serde(borrow, default)]
        choices: Option<Vec<Choice<'a>>>,
    }
    #[derive(serde::Deserialize)]
    struct Choice<'a> {
        #[serde(borrow, default)]
        usage: Option<&'a RawValue>,
    }
    let through_value = |json: &str| {
        serde_json::from_str::<Value>(json)
            .map(|value| find_usage(&value))
            .map_err(|source| PriceError::InvalidUsageJson { source })
    };
    // A struct also deserializes from an array: only objects take the fast path.
    let is_object = |text: &str| text.trim_start().starts_with('{');
    if !is_object(json) {
        return through_value(json);
    }
    match serde_json::from_str::<Envelope<'_>>(json) {
        Ok(envelope) => {
            let groq = || {
                let groq = envelope.x_groq.filter(|raw| is_object(raw.get()))?;
                serde_json::from_str::<Envelope<'_>>(groq.get()).ok()?.usage
            };
            let in_choice = || {
                envelope
                    .choices
                    .as_deref()?
                    .iter()
                    .find_map(|choice| choice.usage)
            };
            match envelope.usage.or_else(groq).or_else(in_choice) {
                Some(usage) => read_usage_str(usage.get()),
                None => Ok(UsageReading::not_reported()),
            }
        }
        // Valid JSON the envelope cannot take (a duplicate key…): `Value` can.
        Err(error) if error.is_data() => through_value(json),
        Err(source) => Err(PriceError::InvalidUsageJson { source }),
    }
}

fn usage_in(object: &Map<String, Value>) -> Option<&Value> {
    object
        .get("usage")
        .filter(|usage| !usage.is_null())
        .or_else(|| object.get("x_groq")?.get("usage"))
        .or_else(|| {
            object
                .get("choices")?
                .as_array()?
                .iter()
                .find_map(|choice| choice.get("usage").filter(|usage| !usage.is_null()))
        })
}

fn not_an_object(what: &'static str, value: &Value) -> UsageReading {
    let warning = UsageWarning::NotAnObject {
        what,
        found: json_type(value),
    };
    tracing::warn!(%warning, "provider usage repaired");
    UsageReading {
        usage: None,
        warnings: vec![warning],
    }
}

/// The `cost` literal of a usage object, read exactly; `None` when absent or not a
/// valid amount (the `Value` reading already warned about it).
fn exact_cost(json: &str) -> Option<Decimal> {
    #[derive(serde::Deserialize)]
    struct CostOnly<'a> {
        #[serde(borrow, default)]
        cost: Option<&'a RawValue>,
    }
    let raw = serde_json::from_str::<CostOnly<'_>>(json).ok()?.cost?;
    let text = raw.get().trim();
    text.starts_with(|c: char| c == '-' || c.is_ascii_digit())
        .then(|| parse_price(text).ok())
        .flatten()
}

/// Reads the counts of one usage object into a canonical usage.
fn map_usage(object: &Map<String, Value>, warnings: &mut Vec<UsageWarning>) -> Option<Usage> {
    let mut fields = Fields { object, warnings };
    let prompt = fields.count("prompt_tokens");
    let completion = fields.count("completion_tokens");
    let input_tokens = fields.count("input_tokens");
    let output_tokens = fields.count("output_tokens");
    let hit = fields.count("prompt_cache_hit_tokens");
    let miss = fields.count("prompt_cache_miss_tokens");
    let anthropic_read = fields.count("cache_read_input_tokens");
    let anthropic_write = fields.count("cache_creation_input_tokens");

    let cache_read = fields.first_of(&[
        ("prompt_tokens_details.cached_tokens", None),
        ("prompt_cache_hit_tokens", hit),
        ("cache_read_input_tokens", anthropic_read),
        ("input_tokens_details.cached_tokens", None),
    ]);
    let cache_write = fields.first_of(&[
        ("prompt_tokens_details.cache_write_tokens", None),
        ("cache_creation_input_tokens", anthropic_write),
    ]);
    let reasoning = fields.first_of(&[
        ("completion_tokens_details.reasoning_tokens", None),
        ("output_tokens_details.reasoning_tokens", None),
    ]);
    let input_audio = fields.count("prompt_tokens_details.audio_tokens");
    let output_audio = fields.count("completion_tokens_details.audio_tokens");
    let reported_cost = fields.cost();

    if [prompt, completion, input_tokens, output_tokens, hit, miss]
        .iter()
        .all(Option::is_none)
    {
        fields.warnings.push(UsageWarning::NoTokenCounts);
        return None;
    }

    let input_total = match (prompt, input_tokens, hit, miss) {
        (Some(prompt), ..) => {
            if let (Some(hit), Some(miss)) = (hit, miss)
                && hit.saturating_add(miss) != prompt
            {
                fields.warnings.push(UsageWarning::Disagreement {
                    used_field: "prompt_tokens",
                    used: prompt,
                    other_field: "prompt_cache_hit_tokens + prompt_cache_miss_tokens",
                    other: hit.saturating_add(miss),
                });
            }
            prompt
        }
        (None, Some(input), ..) => input
            .saturating_add(anthropic_read.unwrap_or(0))
            .saturating_add(anthropic_write.unwrap_or(0)),
        (None, None, hit, miss) => hit.unwrap_or(0).saturating_add(miss.unwrap_or(0)),
    };

    Some(Usage {
        input_total,
        cache_read: cache_read.unwrap_or(0),
        cache_write: cache_write.unwrap_or(0),
        output_total: completion.or(output_tokens).unwrap_or(0),
        reasoning: reasoning.unwrap_or(0),
        input_audio: input_audio.unwrap_or(0),
        output_audio: output_audio.unwrap_or(0),
        reported_cost,
        // The tier is said beside the usage, not in it: the provider adds it.
        service_tier: None,
    })
}

/// Field access with repairs recorded.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    warnings: &'a mut Vec<UsageWarning>,
}

impl<'a> Fields<'a> {
    fn warn(&mut self, warning: UsageWarning) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// The value at a dotted path; a missing or null detail object means absent.
    fn value(&mut self, path: &str) -> Option<&'a Value> {
        let object = self.object;
        match path.split_once('.') {
            None => object.get(path),
            Some((parent, child)) => match object.get(parent)? {
                Value::Object(details) => details.get(child),
                Value::Null => None,
                other => {
                    self.warn(UsageWarning::InvalidCount {
                        field: parent.to_owned(),
                        found: shown(&other.to_string()),
                        read_as: None,
                    });
                    None
                }
            },
        }
    }

    /// The count at `path`, repaired when malformed (see [`UsageWarning::InvalidCount`]).
    fn count(&mut self, path: &str) -> Option<u64> {
        let value = self.value(path)?;
        if let Some(count) = value.as_u64() {
            return Some(count);
        }
        let read_as = match value {
            Value::Number(n) if n.is_i64() => Some(0),
            Value::Number(n) => n.as_f64().and_then(whole_count),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        let warning = UsageWarning::InvalidCount {
            field: path.to_owned(),
            found: shown(&value.to_string()),
            read_as,
        };
        self.warn(warning);
        read_as
    }

    /// The first non-zero count of `sources` (a `Some` value is already read;
    /// `None` means "read it here"); `Some(0)` when every present source is 0.
    ///
    /// A zero loses to a non-zero count: servers that mimic several shapes fill
    /// the fields they do not track with 0 (DeepSeek-style gateways send
    /// `prompt_tokens_details.cached_tokens: 0` beside
    /// `prompt_cache_hit_tokens: 80`), and believing the 0 would bill cached
    /// tokens at the full input price. Two non-zero counts that disagree are
    /// reported, and the earlier source is used.
    fn first_of(&mut self, sources: &[(&'static str, Option<u64>)]) -> Option<u64> {
        let mut chosen: Option<(&'static str, u64)> = None;
        let mut any_zero = false;
        for (field, known) in sources {
            let Some(value) = known.or_else(|| self.count(field)) else {
                continue;
            };
            match chosen {
                _ if value == 0 => any_zero = true,
                None => chosen = Some((field, value)),
                Some((used_field, used)) if used != value => {
                    self.warn(UsageWarning::Disagreement {
                        used_field,
                        used,
                        other_field: field,
                        other: value,
                    });
                }
                Some(_) => {}
            }
        }
        chosen.map(|(_, value)| value).or(any_zero.then_some(0))
    }

    /// `cost`, when it is a non-negative amount.
    fn cost(&mut self) -> Option<Decimal> {
        let value = self.object.get("cost")?;
        let parsed = match value {
            Value::Null => return None,
            Value::Number(n) => match (n.as_u64(), n.as_f64()) {
                (Some(whole), _) => Ok(Decimal::from(whole)),
                (None, Some(float)) => parse_price(&format!("{float}")),
                (None, None) => parse_price(&n.to_string()),
            },
            Value::String(text) => parse_price(text),
            _ => Err(PriceError::WrongType {
                found: json_type(value),
                expected: "an amount",
            }),
        };
        match parsed {
            Ok(cost) => Some(cost),
            Err(_) => {
                self.warn(UsageWarning::InvalidCost {
                    found: shown(&value.to_string()),
                });
                None
            }
        }
    }
}

/// A float that is a whole non-negative count, or 0 for a negative one.
fn whole_count(value: f64) -> Option<u64> {
    // 2^64 as f64; every whole f64 below it fits a u64 exactly.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if value.is_sign_negative() && value.is_finite() {
        Some(0)
    } else if value.is_finite() && value.fract() == 0.0 && value < LIMIT {
        // Exact: `value` is whole and within range (checked just above).
        Some(value as u64)
    } else {
        None
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
