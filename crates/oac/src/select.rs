//! Which provider implementation serves a profile.

use std::sync::Arc;

use oac_config::ResolvedProfile;
use oac_provider::{Error as ProviderError, Provider};

/// The provider for `profile`: OpenAI-native when the loader decided so (for
/// `api.openai.com` or no base URL), OpenAI-compatible otherwise. The profile
/// becomes the provider crate's input in the config crate (`From<ResolvedProfile>
/// for ProviderConfig`); the implementation is picked by
/// [`oac_provider::provider_for`].
pub(crate) fn provider_for(profile: ResolvedProfile) -> Result<Arc<dyn Provider>, ProviderError> {
    oac_provider::provider_for(profile)
}

/// Like [`provider_for`], sending through the caller's HTTP client (see
/// [`oac_provider::ProviderBuilder::http_client`]).
pub(crate) fn provider_with_http_client(
    profile: ResolvedProfile,
    http_client: oac_provider::reqwest::Client,
) -> Result<Arc<dyn Provider>, ProviderError> {
    oac_provider::provider_builder(profile)
        .http_client(http_client)
        .build()
}
