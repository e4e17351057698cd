//! [`ProviderBuilder`]: limits and the retry clock for any provider
//! implementation, set in one place.

use std::marker::PhantomData;
use std::sync::Arc;

use crate::settings::ProviderConfig;

use crate::retry::{RetryPolicy, Sleeper, TokioSleeper};
use crate::transport::{Limits, TransportSettings};

/// Builds a provider with non-default limits or retry spacing. `P` is what
/// [`build`](ProviderBuilder::build) returns: [`OpenAiCompatible`](crate::OpenAiCompatible),
/// [`OpenAiNative`](crate::OpenAiNative), or `Arc<dyn Provider>` (chosen from the
/// config, see [`provider_builder`](crate::provider_builder)).
#[must_use = "call .build() to get the provider"]
pub struct ProviderBuilder<P> {
    pub(crate) config: ProviderConfig,
    pub(crate) settings: TransportSettings,
    kind: PhantomData<fn() -> P>,
}

impl<P> std::fmt::Debug for ProviderBuilder<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderBuilder")
            .field("config", &self.config)
            .field("settings", &self.settings)
            .finish()
    }
}

impl<P> ProviderBuilder<P> {
    /// Default limits, the configured retry count, `tokio::time::sleep` between retries.
    pub(crate) fn new(config: ProviderConfig) -> Self {
        ProviderBuilder {
            config,
            settings: TransportSettings {
                limits: Limits::default(),
                retry: None,
                sleeper: Arc::new(TokioSleeper),
                resolver: None,
                http_client: None,
            },
            kind: PhantomData,
        }
    }

    /// The same settings, building another implementation.
    pub(crate) fn retarget<Q>(self) -> ProviderBuilder<Q> {
        ProviderBuilder {
            config: self.config,
            settings: self.settings,
            kind: PhantomData,
        }
    }

    /// Largest complete response body (default 64 MiB).
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.settings.limits.max_body_bytes = bytes;
        self
    }

    /// Largest single stream event (default 32 MiB).
    pub fn max_event_bytes(mut self, bytes: usize) -> Self {
        self.settings.limits.max_event_bytes = bytes;
        self
    }

    /// Largest streamed reply: the bytes of its text, reasoning, tool-call ids, names
    /// and arguments and unknown fields, together (default 64 MiB). A stream that
    /// sends more fails with [`Error::TooLarge`](crate::Error::TooLarge).
    pub fn max_reply_bytes(mut self, bytes: usize) -> Self {
        self.settings.limits.max_reply_bytes = bytes;
        self
    }

    /// Most tool calls in one reply (default 1024). A reply with more fails with
    /// [`Error::TooLarge`](crate::Error::TooLarge).
    pub fn max_tool_calls(mut self, calls: usize) -> Self {
        self.settings.limits.max_tool_calls = calls;
        self
    }

    /// Retry count and spacing (default: the configured `max_retries`, 0.5 s·2ⁿ up
    /// to 8 s).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = Some(policy);
        self
    }

    /// What waits between retries (default: `tokio::time::sleep`). Tests pass one
    /// that records the waits and returns at once.
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.settings.sleeper = sleeper;
        self
    }
}
