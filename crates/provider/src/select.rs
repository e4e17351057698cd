//! The one place a profile picks its provider implementation.

use std::sync::Arc;

use oac_config::{ProviderChoice, ResolvedProfile};
use oac_url::ProviderKind;

use crate::builder::ProviderBuilder;
use crate::compatible::OpenAiCompatible;
use crate::error::Error;
use crate::native::OpenAiNative;
use crate::provider::Provider;

/// The provider for `profile`: [`OpenAiNative`] when `profile.provider` is
/// `openai-native` (the loader picks it for `api.openai.com` or no base URL, and
/// says why in `profile.provider_reason`), [`OpenAiCompatible`] otherwise.
/// [`Provider::kind`] tells which one it is.
///
/// ```
/// use oac_config::ProfileBuilder;
/// use oac_provider::{from_profile, ProviderKind};
///
/// let native = from_profile(ProfileBuilder::new().model("gpt-4o").build()?)?;
/// assert_eq!(native.kind(), Some(ProviderKind::Native));
///
/// let local = ProfileBuilder::new()
///     .base_url("http://localhost:11434/v1")
///     .model("qwen2.5-coder:7b")
///     .build()?;
/// assert_eq!(from_profile(local)?.kind(), Some(ProviderKind::Compatible));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_profile(profile: ResolvedProfile) -> Result<Arc<dyn Provider>, Error> {
    provider_builder(profile).build()
}

/// Like [`from_profile`], with limits and the retry clock set on the builder.
pub fn provider_builder(profile: ResolvedProfile) -> AnyProviderBuilder {
    ProviderBuilder::new(profile)
}

/// Builds the implementation the profile asks for (see [`from_profile`]).
pub type AnyProviderBuilder = ProviderBuilder<Arc<dyn Provider>>;

impl ProviderBuilder<Arc<dyn Provider>> {
    /// Build the provider the profile asks for.
    pub fn build(self) -> Result<Arc<dyn Provider>, Error> {
        Ok(match kind_for(&self.profile) {
            ProviderKind::Native => Arc::new(self.retarget::<OpenAiNative>().build()?),
            _ => Arc::new(self.retarget::<OpenAiCompatible>().build()?),
        })
    }
}

/// Which implementation serves `profile`. A profile the loader resolved is never
/// `auto`; one assembled by hand with `auto` follows the loader's rule
/// ([`ProviderChoice::decide`]): native for `api.openai.com`.
pub fn kind_for(profile: &ResolvedProfile) -> ProviderKind {
    match profile.provider.decide(Some(&profile.endpoints.chat)) {
        ProviderChoice::OpenAiNative => ProviderKind::Native,
        _ => ProviderKind::Compatible,
    }
}

#[cfg(test)]
mod tests {
    use oac_url::{ResolveOptions, resolve};

    use super::*;

    fn hand_built(base_url: &str, provider: ProviderChoice) -> ResolvedProfile {
        let endpoints = resolve(base_url, &ResolveOptions::new()).unwrap();
        let mut profile = ResolvedProfile::new(endpoints, "gpt-4o");
        profile.provider = provider;
        profile
    }

    #[test]
    fn auto_follows_the_loaders_rule() {
        let openai = hand_built("https://API.openai.com/v1", ProviderChoice::Auto);
        assert_eq!(kind_for(&openai), ProviderKind::Native);
        let other = hand_built("https://api.together.xyz/v1", ProviderChoice::Auto);
        assert_eq!(kind_for(&other), ProviderKind::Compatible);
    }

    #[test]
    fn an_explicit_choice_wins_over_the_host() {
        let forced = hand_built("https://api.openai.com/v1", ProviderChoice::Compatible);
        assert_eq!(kind_for(&forced), ProviderKind::Compatible);
        let native = hand_built("http://localhost:8000/v1", ProviderChoice::OpenAiNative);
        assert_eq!(kind_for(&native), ProviderKind::Native);
    }
}
