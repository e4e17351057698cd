//! Usage of a response or stream: found where the provider put it, read by the
//! pricing crate (the one place that knows usage shapes), priced with the model's
//! prices.

use oac_pricing::{ModelPrices, UsageReading};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::response::UsageReport;
use crate::wire::WireResponse;

/// Where usage sat in one response or chunk, still unread.
#[derive(Debug)]
pub(crate) enum FoundUsage {
    /// As written (`usage` of the response or of a choice).
    Raw(Box<RawValue>),
    /// Groq's `x_groq.usage`.
    Value(Value),
}

/// Take the usage out of `response`: `usage`, else `x_groq.usage`, else a choice's
/// `usage` — the places [`oac_pricing::find_usage`] names (the one rule), read from
/// the typed chunk the stream already has instead of a JSON tree (a test checks
/// that both agree).
pub(crate) fn take_usage(response: &mut WireResponse) -> Option<FoundUsage> {
    if let Some(raw) = response.usage.take() {
        return Some(FoundUsage::Raw(raw));
    }
    if let Some(usage) = response
        .extra
        .get("x_groq")
        .and_then(|x| x.get("usage"))
        .filter(|u| u.is_object())
    {
        return Some(FoundUsage::Value(usage.clone()));
    }
    response
        .choices
        .iter_mut()
        .find_map(|choice| choice.usage.take())
        .map(FoundUsage::Raw)
}

/// Read and price found usage of a request processed at `service_tier` (`None`:
/// standard); `None` when it holds no usage.
pub(crate) fn report(
    found: FoundUsage,
    prices: &ModelPrices,
    service_tier: Option<&str>,
) -> Option<UsageReport> {
    let (reading, raw): (UsageReading, Value) = match found {
        FoundUsage::Raw(raw) => {
            let reading = match oac_pricing::read_usage_str(raw.get()) {
                Ok(reading) => reading,
                Err(error) => {
                    tracing::warn!(%error, "provider usage could not be read");
                    return None;
                }
            };
            let value = serde_json::from_str(raw.get()).unwrap_or(Value::Null);
            (reading, value)
        }
        FoundUsage::Value(value) => (oac_pricing::read_usage(&value), value),
    };
    let Some(mut usage) = reading.usage else {
        for warning in &reading.warnings {
            tracing::warn!(%warning, "provider usage unusable, treated as not reported");
        }
        return None;
    };
    usage.service_tier = service_tier.map(str::to_owned);
    let cost = oac_pricing::cost(&usage, prices);
    Some(UsageReport {
        usage,
        cost,
        raw,
        repairs: reading.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed lookup of the stream path and the pricing crate's rule
    /// ([`oac_pricing::find_usage_str`]) find the same usage in every place a
    /// provider puts it, so the rule cannot drift between the two.
    #[test]
    fn finds_usage_where_the_pricing_rule_says() {
        let shapes = [
            r#"{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}"#,
            r#"{"choices":[],"usage":null,"x_groq":{"usage":{"prompt_tokens":24,"completion_tokens":7}}}"#,
            r#"{"choices":[{"index":0,"delta":{},"usage":{"prompt_tokens":5,"completion_tokens":1}}]}"#,
            r#"{"choices":[{"index":0,"delta":{},"usage":null},{"index":1,"delta":{},"usage":{"prompt_tokens":9,"completion_tokens":4}}]}"#,
            r#"{"choices":[{"index":0,"usage":{"prompt_tokens":1,"completion_tokens":1}}],"usage":{"prompt_tokens":8,"completion_tokens":2}}"#,
            r#"{"choices":[],"x_groq":{"id":"req_1"}}"#,
            r#"{"choices":[],"x_groq":{"usage":null}}"#,
            r#"{"choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null}"#,
            r#"{"id":"x","choices":[]}"#,
        ];
        for json in shapes {
            let mut wire: WireResponse = serde_json::from_str(json).unwrap();
            let ours = take_usage(&mut wire)
                .and_then(|found| report(found, &ModelPrices::new(), None))
                .map(|report| report.usage);
            let rule = oac_pricing::find_usage_str(json).unwrap().usage;
            assert_eq!(ours, rule, "{json}");
        }
    }
}
