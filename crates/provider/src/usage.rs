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
/// `usage`.
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
