//! The usage and cost tracker a client keeps across its calls.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use oac_pricing::{Cost, Tracker, Usage};

/// A [`Tracker`] shared by a client, its clones and its streams.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedTracker(Arc<Mutex<Tracker>>);

impl SharedTracker {
    pub(crate) fn new(context_window: u32) -> Self {
        SharedTracker(Arc::new(Mutex::new(
            Tracker::new().with_context_window(u64::from(context_window)),
        )))
    }

    /// The tracker, even after a panic elsewhere (its sums stay consistent: every
    /// update is a single `record` call).
    fn lock(&self) -> MutexGuard<'_, Tracker> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The window context use is measured against (it changes once discovery has
    /// learned the server's).
    pub(crate) fn set_context_window(&self, window: u32) {
        self.lock().set_context_window(Some(u64::from(window)));
    }

    pub(crate) fn record(&self, usage: &Usage, cost: &Cost) {
        self.lock().record(usage, cost);
    }

    pub(crate) fn record_unreported(&self) {
        self.lock().record_unreported();
    }

    pub(crate) fn snapshot(&self) -> Tracker {
        self.lock().clone()
    }

    pub(crate) fn reset(&self) {
        let mut tracker = self.lock();
        let window = tracker.context_window();
        *tracker = Tracker::new();
        tracker.set_context_window(window);
    }

    pub(crate) fn fresh(&self) -> Self {
        let window = self.lock().context_window();
        let mut tracker = Tracker::new();
        tracker.set_context_window(window);
        SharedTracker(Arc::new(Mutex::new(tracker)))
    }
}
