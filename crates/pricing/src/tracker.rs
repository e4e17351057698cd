//! Summing usage and cost over many requests, exactly.

use rust_decimal::Decimal;

use crate::cost::{Cost, cost};
use crate::exact;
use crate::prices::ModelPrices;
use crate::reader::UsageReading;
use crate::usage::Usage;

/// Usage and cost of a conversation or a whole program, summed exactly.
///
/// Plain data (`Clone + Send + Sync`): share it behind a `Mutex` when several tasks
/// record into it. Requests whose usage was not reported are counted apart; requests
/// whose cost is unknown are counted apart from the known sum (never added as $0).
/// Token sums saturate at `u64::MAX` instead of wrapping.
///
/// ```
/// use oac_pricing::{parse_price, ModelPrices, PriceError, Tracker, Usage};
///
/// let prices = ModelPrices::new()
///     .with_input_price(parse_price("2.50")?)
///     .with_cache_read_price(parse_price("1.25")?)
///     .with_output_price(parse_price("10")?);
/// let mut tracker = Tracker::new().with_context_window(128_000);
/// for _ in 0..1_000 {
///     tracker.record_priced(&Usage::new(2_006, 300).with_cache_read(1_920), &prices);
/// }
/// tracker.record_unreported();
///
/// assert_eq!(tracker.cost().known.to_string(), "5.615"); // exactly
/// assert_eq!(tracker.requests(), 1_001);
/// assert_eq!(tracker.requests_without_usage(), 1);
/// assert_eq!(tracker.usage().input_total, 2_006_000);
/// assert_eq!(tracker.context_use().unwrap().to_string(), "2,006 of 128,000 tokens (1.6%)");
/// # Ok::<(), PriceError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tracker {
    requests: u64,
    without_usage: u64,
    usage: Usage,
    known_cost: Decimal,
    priced: u64,
    unknown_cost: u64,
    reported_cost: Option<Decimal>,
    last_input_tokens: Option<u64>,
    context_window: Option<u64>,
}

/// The summed cost of the tracked requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct TrackedCost {
    /// Exact sum over the requests whose cost is known.
    pub known: Decimal,
    /// How many requests make up `known`.
    pub priced_requests: u64,
    /// Requests with usage but an unknown cost (missing prices): not in `known`.
    pub unknown_requests: u64,
}

impl TrackedCost {
    /// True when every request with usage was priced (`known` is the whole cost of
    /// those requests; requests without usage are counted by the tracker).
    pub fn is_complete(&self) -> bool {
        self.unknown_requests == 0
    }
}

/// How much of the context window the last request used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ContextUse {
    /// Input tokens of the last request with usage.
    pub used_tokens: u64,
    /// The model's context window.
    pub context_window: u64,
}

impl ContextUse {
    /// `used_tokens` of `context_window`; `None` for a zero window.
    pub fn new(used_tokens: u64, context_window: u64) -> Option<Self> {
        (context_window > 0).then_some(ContextUse {
            used_tokens,
            context_window,
        })
    }

    /// `used_tokens ÷ context_window` (1 = full; above 1 = over), to 28 significant
    /// digits — a measure, not money.
    pub fn ratio(&self) -> Decimal {
        Decimal::from(self.used_tokens)
            .checked_div(Decimal::from(self.context_window))
            // Unreachable: the window is non-zero and the quotient ≤ u64::MAX.
            .unwrap_or(Decimal::MAX)
    }

    /// The ratio in percent, rounded half-even to one decimal place (`1.6`).
    pub fn percent(&self) -> Decimal {
        let scaled = u128::from(self.used_tokens) * 1_000;
        let window = u128::from(self.context_window);
        let (mut tenths, rest) = (scaled / window, scaled % window);
        if rest * 2 > window || (rest * 2 == window && tenths % 2 == 1) {
            tenths += 1;
        }
        // At most u64::MAX × 1000 ≈ 1.8e22, well inside a Decimal's 7.9e28.
        i128::try_from(tenths)
            .ok()
            .and_then(|t| Decimal::try_from_i128_with_scale(t, 1).ok())
            .unwrap_or(Decimal::MAX)
            .normalize()
    }

    /// Tokens left before the window is full (0 when over).
    pub fn remaining_tokens(&self) -> u64 {
        self.context_window.saturating_sub(self.used_tokens)
    }
}

impl Tracker {
    /// An empty tracker without a context window.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the model's context window (for [`context_use`](Self::context_use)).
    #[must_use]
    pub fn with_context_window(mut self, tokens: u64) -> Self {
        self.context_window = Some(tokens);
        self
    }

    /// Sets or clears the context window (e.g. after switching models).
    pub fn set_context_window(&mut self, tokens: Option<u64>) {
        self.context_window = tokens;
    }

    /// Records one request with reported usage and its cost (from [`cost`]).
    ///
    /// The usage is clamped (see [`Usage::clamped`]) before it is summed; the
    /// clamp is not logged again ([`cost`](crate::cost) already logged it).
    pub fn record(&mut self, usage: &Usage, cost: &Cost) {
        let (usage, _) = usage.clamp(false);
        self.requests = self.requests.saturating_add(1);
        self.usage.add_tokens(&usage);
        self.last_input_tokens = Some(usage.input_total);

        match cost.total().map(|total| exact::add(self.known_cost, total)) {
            Some(Some(known)) => {
                self.known_cost = known;
                self.priced = self.priced.saturating_add(1);
            }
            Some(None) => {
                tracing::warn!(
                    "tracked cost exceeds exact decimal range; request counted as unknown cost"
                );
                self.unknown_cost = self.unknown_cost.saturating_add(1);
            }
            None => self.unknown_cost = self.unknown_cost.saturating_add(1),
        }
        self.add_reported_cost(usage.reported_cost);
    }

    /// Prices `usage` with `prices`, records it, and returns the cost.
    pub fn record_priced(&mut self, usage: &Usage, prices: &ModelPrices) -> Cost {
        let priced = cost(usage, prices);
        self.record(usage, &priced);
        priced
    }

    /// Records a request whose usage was not reported.
    pub fn record_unreported(&mut self) {
        self.requests = self.requests.saturating_add(1);
        self.without_usage = self.without_usage.saturating_add(1);
    }

    /// Records a reading from [`read_usage`](crate::read_usage) /
    /// [`find_usage`](crate::find_usage): priced when reported, counted as
    /// unreported otherwise. Returns the cost when usage was reported.
    pub fn record_reading(&mut self, reading: &UsageReading, prices: &ModelPrices) -> Option<Cost> {
        match &reading.usage {
            Some(usage) => Some(self.record_priced(usage, prices)),
            None => {
                self.record_unreported();
                None
            }
        }
    }

    /// Adds everything `other` tracked (e.g. a finished conversation into a program
    /// total). The last-request figures and the context window become `other`'s
    /// when it has them.
    pub fn merge(&mut self, other: &Tracker) {
        self.requests = self.requests.saturating_add(other.requests);
        self.without_usage = self.without_usage.saturating_add(other.without_usage);
        self.usage.add_tokens(&other.usage);
        match exact::add(self.known_cost, other.known_cost) {
            Some(known) => {
                self.known_cost = known;
                self.priced = self.priced.saturating_add(other.priced);
                self.unknown_cost = self.unknown_cost.saturating_add(other.unknown_cost);
            }
            None => {
                tracing::warn!(
                    "merged cost exceeds exact decimal range; merged requests counted as unknown cost"
                );
                self.unknown_cost = self
                    .unknown_cost
                    .saturating_add(other.priced)
                    .saturating_add(other.unknown_cost);
            }
        }
        self.add_reported_cost(other.reported_cost);
        if other.last_input_tokens.is_some() {
            self.last_input_tokens = other.last_input_tokens;
        }
        if other.context_window.is_some() {
            self.context_window = other.context_window;
        }
    }

    /// Adds a cost a provider stated to the sum of stated costs.
    fn add_reported_cost(&mut self, reported: Option<Decimal>) {
        let Some(reported) = reported else {
            return;
        };
        match exact::add(self.reported_cost.unwrap_or(Decimal::ZERO), reported) {
            Some(sum) => self.reported_cost = Some(sum),
            None => tracing::warn!("summed reported cost exceeds exact decimal range; not added"),
        }
    }

    /// Requests recorded, with or without usage.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Requests whose usage was not reported.
    pub fn requests_without_usage(&self) -> u64 {
        self.without_usage
    }

    /// Summed token usage of the requests with usage. Its `reported_cost` is `None`;
    /// see [`reported_cost`](Self::reported_cost).
    pub fn usage(&self) -> &Usage {
        &self.usage
    }

    /// The summed cost: the exact known part and how many requests it leaves out.
    pub fn cost(&self) -> TrackedCost {
        TrackedCost {
            known: self.known_cost,
            priced_requests: self.priced,
            unknown_requests: self.unknown_cost,
        }
    }

    /// Sum of the costs providers stated; `None` when none stated one.
    pub fn reported_cost(&self) -> Option<Decimal> {
        self.reported_cost
    }

    /// Input tokens of the last request with usage.
    pub fn last_input_tokens(&self) -> Option<u64> {
        self.last_input_tokens
    }

    /// The context window set with [`with_context_window`](Self::with_context_window).
    pub fn context_window(&self) -> Option<u64> {
        self.context_window
    }

    /// The last request's input tokens against the context window; `None` until a
    /// request with usage was recorded, or without a (non-zero) context window.
    pub fn context_use(&self) -> Option<ContextUse> {
        ContextUse::new(self.last_input_tokens?, self.context_window?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_price;

    fn prices() -> ModelPrices {
        ModelPrices::new()
            .with_input_price(parse_price("1").unwrap())
            .with_output_price(parse_price("2").unwrap())
    }

    /// Runs `f` and returns what it logged.
    fn logged(f: impl FnOnce()) -> String {
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let bytes = captured.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn a_clamp_is_logged_once_per_request() {
        let usage = Usage::new(100, 10).with_cache_read(150);
        let log = logged(|| {
            let mut tracker = Tracker::new();
            tracker.record_priced(&usage, &prices());
            assert!(!usage.is_consistent());
        });
        assert_eq!(
            log.matches("usage part `cache_read` (150) exceeds input_total (100)")
                .count(),
            1,
            "{log}"
        );
    }

    #[test]
    fn a_clamp_in_read_usage_is_not_logged_again_by_cost_and_tracker() {
        let log = logged(|| {
            let reading = crate::read_usage(&serde_json::json!({
                "prompt_tokens": 100, "completion_tokens": 10,
                "prompt_tokens_details": {"cached_tokens": 150}
            }));
            let mut tracker = Tracker::new();
            tracker.record_reading(&reading, &prices());
        });
        assert_eq!(log.matches("clamped to 100").count(), 1, "{log}");
    }

    #[test]
    fn unknown_costs_are_counted_not_summed_as_zero() {
        let mut tracker = Tracker::new();
        tracker.record_priced(&Usage::new(1_000, 0), &prices());
        tracker.record_priced(&Usage::new(1_000, 0), &ModelPrices::new());
        let cost = tracker.cost();
        assert_eq!(cost.known.to_string(), "0.001");
        assert_eq!((cost.priced_requests, cost.unknown_requests), (1, 1));
        assert!(!cost.is_complete());
        assert_eq!(tracker.usage().input_total, 2_000);
    }

    #[test]
    fn unreported_requests_are_counted_apart() {
        let mut tracker = Tracker::new();
        tracker.record_reading(&UsageReading::not_reported(), &prices());
        assert_eq!(tracker.requests(), 1);
        assert_eq!(tracker.requests_without_usage(), 1);
        assert_eq!(tracker.cost().unknown_requests, 0);
        assert_eq!(tracker.usage(), &Usage::default());
    }

    #[test]
    fn reported_costs_are_summed_exactly() {
        let mut tracker = Tracker::new();
        assert_eq!(tracker.reported_cost(), None);
        for _ in 0..3 {
            tracker.record_priced(
                &Usage::new(1, 1).with_reported_cost(parse_price("0.1").unwrap()),
                &prices(),
            );
        }
        assert_eq!(tracker.reported_cost().unwrap().to_string(), "0.3");
    }

    #[test]
    fn context_use_follows_the_last_request() {
        let mut tracker = Tracker::new().with_context_window(1_000);
        assert_eq!(tracker.context_use(), None);
        tracker.record_priced(&Usage::new(100, 0), &prices());
        tracker.record_priced(&Usage::new(250, 0), &prices());
        tracker.record_unreported();
        let used = tracker.context_use().unwrap();
        assert_eq!(used.ratio().to_string(), "0.25");
        assert_eq!(used.percent().to_string(), "25");
        assert_eq!(used.remaining_tokens(), 750);
    }

    #[test]
    fn context_use_needs_a_window() {
        let mut tracker = Tracker::new();
        tracker.record_priced(&Usage::new(100, 0), &prices());
        assert_eq!(tracker.context_use(), None);
        tracker.set_context_window(Some(0));
        assert_eq!(tracker.context_use(), None);
    }

    #[test]
    fn percent_rounds_half_even() {
        assert_eq!(ContextUse::new(1, 3).unwrap().percent().to_string(), "33.3");
        assert_eq!(ContextUse::new(1, 16).unwrap().percent().to_string(), "6.2"); // 6.25
        assert_eq!(
            ContextUse::new(3, 16).unwrap().percent().to_string(),
            "18.8"
        ); // 18.75
        assert_eq!(ContextUse::new(3, 2).unwrap().percent().to_string(), "150");
        assert_eq!(ContextUse::new(3, 2).unwrap().remaining_tokens(), 0);
    }

    #[test]
    fn extreme_context_use_does_not_panic() {
        let used = ContextUse::new(u64::MAX, 1).unwrap();
        assert_eq!(used.ratio(), Decimal::from(u64::MAX));
        assert_eq!(used.percent(), Decimal::from(u64::MAX) * Decimal::from(100));
    }

    #[test]
    fn merge_adds_everything() {
        let mut conversation = Tracker::new().with_context_window(10_000);
        conversation.record_priced(&Usage::new(1_000, 10), &prices());
        conversation.record_unreported();
        let mut program = Tracker::new();
        program.record_priced(&Usage::new(500, 0), &ModelPrices::new());
        program.merge(&conversation);
        assert_eq!(program.requests(), 3);
        assert_eq!(program.requests_without_usage(), 1);
        assert_eq!(program.usage().input_total, 1_500);
        assert_eq!(program.cost().known.to_string(), "0.00102");
        assert_eq!(program.cost().unknown_requests, 1);
        assert_eq!(program.last_input_tokens(), Some(1_000));
        assert_eq!(program.context_window(), Some(10_000));
    }

    #[test]
    fn token_sums_saturate() {
        let mut tracker = Tracker::new();
        tracker.record_priced(&Usage::new(u64::MAX, 0), &ModelPrices::new());
        tracker.record_priced(&Usage::new(u64::MAX, 0), &ModelPrices::new());
        assert_eq!(tracker.usage().input_total, u64::MAX);
    }

    #[test]
    fn tracker_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Tracker>();
    }
}
