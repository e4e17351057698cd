//! The facade's one error: the configuration cannot be used, or the provider failed.

use std::time::Duration;

use oac_config::ConfigError;
use oac_provider::{Error as ProviderError, ErrorKind};

/// Everything the [`Client`](crate::Client) can fail with. `Display` is the sentence
/// to show the user (it says what to fix); [`kind`](Error::kind) classifies it for
/// programs (exit codes, retries, JSON output). No variant ever contains the API key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot be used: fix each problem the message lists.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The provider refused the request or could not be reached: the message names
    /// the cause and the fix.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl Error {
    /// What kind of failure this is ([`ErrorKind::Config`] for configuration errors).
    ///
    /// ```
    /// use oac::{Client, ErrorKind};
    ///
    /// let error = Client::builder()
    ///     .base_url("api.provider.com/v1") // no scheme
    ///     .model("m")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(error.kind(), ErrorKind::Config);
    /// assert!(error.to_string().contains("https://api.provider.com/v1"), "{error}");
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Config(_) => ErrorKind::Config,
            Error::Provider(error) => error.kind(),
        }
    }

    /// The HTTP status, when the provider answered.
    pub fn status(&self) -> Option<u16> {
        self.provider_error().and_then(ProviderError::status)
    }

    /// How long the provider asked to wait before retrying, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.provider_error().and_then(ProviderError::retry_after)
    }

    /// The provider error, with every detail of the exchange (message, code,
    /// request id, headers).
    pub fn provider_error(&self) -> Option<&ProviderError> {
        match self {
            Error::Provider(error) => Some(error),
            Error::Config(_) => None,
        }
    }

    /// The configuration error, with each problem and the field it is in.
    pub fn config_error(&self) -> Option<&ConfigError> {
        match self {
            Error::Config(error) => Some(error),
            Error::Provider(_) => None,
        }
    }
}
