//! The one place a configuration picks its provider implementation.

use std::sync::Arc;

use crate::builder::ProviderBuilder;
use crate::compatible::OpenAiCompatible;
use crate::error::Error;
use crate::native::OpenAiNative;
use crate::provider::Provider;
use crate::settings::{ModelRules, ProviderConfig};

/// The provider for `config`: [`OpenAiNative`] when its rules are
/// [`ModelRules::Native`], [`OpenAiCompatible`] otherwise. Who decides which rules
/// a configuration gets is its author: the config crate decides `provider = auto`
/// once, when it resolves a profile (native for `api.openai.com` or no base URL).
///
/// ```
/// use oac_provider::{ModelRules, NativeModel, ProviderConfig, ProviderChoice, provider_for};
/// use oac_url::{ResolveOptions, resolve};
///
/// let local = resolve("http://localhost:11434/v1", &ResolveOptions::default())?;
/// let config = ProviderConfig::new(local, "qwen2.5-coder:7b");
/// assert_eq!(provider_for(config.clone())?.kind(), Some(ProviderChoice::Compatible));
///
/// let native = config.with_rules(ModelRules::Native(NativeModel::new("gpt-4o")));
/// assert_eq!(provider_for(native)?.kind(), Some(ProviderChoice::OpenAiNative));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn provider_for(config: impl Into<ProviderConfig>) -> Result<Arc<dyn Provider>, Error> {
    provider_builder(config).build()
}

/// Like [`provider_for`], with limits and the retry clock set on the builder.
pub fn provider_builder(config: impl Into<ProviderConfig>) -> AnyProviderBuilder {
    ProviderBuilder::new(config.into())
}

/// Builds the implementation the configuration asks for (see [`provider_for`]).
pub type AnyProviderBuilder = ProviderBuilder<Arc<dyn Provider>>;

impl ProviderBuilder<Arc<dyn Provider>> {
    /// Build the provider the configuration asks for.
    pub fn build(self) -> Result<Arc<dyn Provider>, Error> {
        Ok(match self.config.rules() {
            ModelRules::Native(_) => Arc::new(self.retarget::<OpenAiNative>().build()?),
            _ => Arc::new(self.retarget::<OpenAiCompatible>().build()?),
        })
    }
}
