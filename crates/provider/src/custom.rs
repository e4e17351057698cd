//! Constructors a [`Provider`](crate::Provider) written outside this crate needs for
//! the reply types, whose fields are public but which are `#[non_exhaustive]`
//! (so they can grow without breaking anyone): usage reports, model entries and
//! tool-call fragments. [`ChatResponse`](crate::ChatResponse) and
//! [`StreamMetadata`](crate::StreamMetadata) start from `Default`;
//! [`ChatStream::from_stream`](crate::ChatStream::from_stream) makes the stream.

use oac_pricing::{Cost, ModelPrices, Usage};
use serde_json::{Map, Value};

use crate::response::{ModelEntry, ToolCallDelta, UsageReport};

impl UsageReport {
    /// A report of `usage` with its `cost` (e.g. from [`oac_pricing::cost`]); the
    /// raw usage object is `null` (see [`with_raw`](UsageReport::with_raw)).
    pub fn new(usage: Usage, cost: Cost) -> UsageReport {
        UsageReport {
            usage,
            cost,
            raw: Value::Null,
            repairs: Vec::new(),
        }
    }

    /// A report of `usage` priced exactly with `prices` (a model's
    /// [`ModelInfo::prices`](crate::ModelInfo::prices)); unknown prices give
    /// an unknown cost, never zero.
    ///
    /// ```
    /// use oac_pricing::{ModelPrices, Usage, parse_price};
    /// use oac_provider::UsageReport;
    ///
    /// let mut prices = ModelPrices::default();
    /// prices.input_price = Some(parse_price("2")?); // USD per 1M tokens
    /// prices.output_price = Some(parse_price("8")?);
    /// let report = UsageReport::priced(Usage::new(1_000, 500), &prices);
    /// assert_eq!(report.cost.total().unwrap().to_string(), "0.006");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn priced(usage: Usage, prices: &ModelPrices) -> UsageReport {
        let cost = oac_pricing::cost(&usage, prices);
        UsageReport::new(usage, cost)
    }

    /// This report with the provider's usage object as sent.
    #[must_use]
    pub fn with_raw(mut self, raw: Value) -> UsageReport {
        self.raw = raw;
        self
    }
}

impl ModelEntry {
    /// An entry for model `id` that states nothing else (set the public fields for
    /// what the backend knows).
    pub fn new(id: impl Into<String>) -> ModelEntry {
        ModelEntry {
            id: id.into(),
            owned_by: None,
            created: None,
            context_window: None,
            max_output_tokens: None,
            prices: None,
            supports_images: None,
            extra: Map::new(),
        }
    }
}

impl ToolCallDelta {
    /// A fragment of tool call `index` carrying `arguments` (possibly empty); set
    /// `id` and `name` on the fragment that carries them (usually the first).
    pub fn new(index: u32, arguments: impl Into<String>) -> ToolCallDelta {
        ToolCallDelta {
            index,
            id: None,
            name: None,
            arguments: arguments.into(),
        }
    }
}
