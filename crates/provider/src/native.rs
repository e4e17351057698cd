//! [`OpenAiNative`]: OpenAI itself (or a gateway that mirrors its API), with the
//! model catalogue and the request rules of its reasoning models.

use std::sync::Arc;

use oac_config::{
    Catalog, CatalogEntry, ModelInfo, ModelInfoOverrides, ProviderChoice, ResolvedProfile,
    SecretString,
};
use oac_url::{ProviderKind, ResolveOptions, resolve};

use crate::builder::ProviderBuilder;
use crate::engine::{Engine, provider_via_engine};
use crate::error::Error;
use crate::shaping::ShapingRules;

/// The OpenAI-native provider: `https://api.openai.com/v1` by default (any base
/// URL works, e.g. a gateway that mirrors OpenAI, or Azure OpenAI), models from the
/// catalogue (`o3-mini-high` is sent as `o3-mini` with `reasoning_effort: high`),
/// and the request rules of catalog.md: `developer` role and no `temperature` for
/// reasoning models, the system prompt as the first user message for `o1-preview`
/// and `o1-mini`, always `max_completion_tokens`, and a reasoning effort the model
/// does not accept refused before anything is sent.
///
/// It shares the transport, decoder, retries and errors of
/// [`OpenAiCompatible`](crate::OpenAiCompatible); only the [`ShapingRules`] differ.
/// Cheap to clone: clones share one connection pool.
///
/// A gateway that prefixes OpenAI's ids (`openai/o3-mini-high`) gets the entry of
/// the id after the last `/`, and the prefix stays on the wire (`openai/o3-mini`).
///
/// On Azure OpenAI the deployment in the URL is the configured id, not the wire
/// model: `model = "o3-mini-high"` calls `…/deployments/o3-mini-high/…` with
/// `"model": "o3-mini"` in the body. Name the deployment with
/// `azure = { deployment = "…" }` when it differs from the configured id.
///
/// ```
/// use oac_config::ProfileBuilder;
/// use oac_provider::{OpenAiNative, Provider, ProviderKind};
///
/// // No base URL: the OpenAI API.
/// let profile = ProfileBuilder::new().model("o3-mini-high").build()?;
/// let provider = OpenAiNative::new(profile)?;
/// assert_eq!(provider.kind(), Some(ProviderKind::Native));
/// assert_eq!(provider.endpoints().chat.as_str(), "https://api.openai.com/v1/chat/completions");
/// assert_eq!(provider.shaping_rules().wire_model, "o3-mini");
/// assert_eq!(provider.model_info().context_window, 200_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenAiNative {
    engine: Arc<Engine>,
    entry: Arc<CatalogEntry>,
    known: bool,
}

impl OpenAiNative {
    /// A provider for `profile` with default limits and retry spacing.
    ///
    /// The model's entry is the profile's `catalog_entry` (set by the config
    /// loader). A profile built without the loader (e.g. with
    /// [`ResolvedProfile::new`]) gets the built-in catalogue's entry for its model,
    /// with the fields of its `model_info` that differ from
    /// [`ModelInfo::compatible_default`] laid over the entry's info. An id the
    /// catalogue does not know follows the rules its name implies (`o…` o-series,
    /// `gpt-5…`) with the profile's info, and is warned about (`tracing`) when
    /// nobody described it.
    pub fn new(profile: ResolvedProfile) -> Result<Self, Error> {
        Self::builder(profile).build()
    }

    /// A builder for limits and the retry clock.
    pub fn builder(profile: ResolvedProfile) -> OpenAiNativeBuilder {
        ProviderBuilder::new(profile)
    }

    /// A provider for `model` at `https://api.openai.com/v1`, every other setting
    /// at its default.
    pub fn openai(model: impl Into<String>, api_key: SecretString) -> Result<Self, Error> {
        let options = ResolveOptions::new().provider(ProviderKind::Native);
        let endpoints = resolve("", &options).map_err(|e| Error::InvalidConfig {
            field: "base_url".into(),
            message: e.to_string(),
            source: Some(Box::new(e)),
        })?;
        let mut profile = ResolvedProfile::new(endpoints, model);
        profile.provider = ProviderChoice::OpenAiNative;
        profile.provider_reason = "openai-native: set in code".into();
        profile.api_key = Some(api_key);
        Self::new(profile)
    }

    /// The request rules in force (what the body will look like).
    pub fn shaping_rules(&self) -> &ShapingRules {
        &self.engine.rules
    }

    /// The model's catalogue entry; for an id the catalogue does not know, what
    /// its name implies ([`CatalogEntry::inferred`]).
    pub fn catalog_entry(&self) -> &CatalogEntry {
        &self.entry
    }

    /// True when the catalogue knows the model (its limits and prices are known).
    pub fn is_known_model(&self) -> bool {
        self.known
    }
}

/// Builds an [`OpenAiNative`] with non-default limits or retry spacing.
pub type OpenAiNativeBuilder = ProviderBuilder<OpenAiNative>;

impl ProviderBuilder<OpenAiNative> {
    /// Build the provider.
    pub fn build(self) -> Result<OpenAiNative, Error> {
        let mut profile = self.profile;
        let (entry, known) = catalog_entry(&mut profile);
        let rules = ShapingRules::native(&profile, &entry, known);
        let engine = Engine::new(profile, rules, &self.settings)?;
        Ok(OpenAiNative {
            engine: Arc::new(engine),
            entry: Arc::new(entry),
            known,
        })
    }
}

/// The entry of the profile's model, and whether the catalogue knows it. A profile
/// the loader did not look up gets the built-in catalogue's entry, its own
/// `model_info` changes laid over the entry's info.
fn catalog_entry(profile: &mut ResolvedProfile) -> (CatalogEntry, bool) {
    if let Some(entry) = &profile.catalog_entry {
        return (entry.clone(), true);
    }
    let default = ModelInfo::compatible_default();
    if !profile.catalog_checked {
        if let Some(entry) = Catalog::builtin().entry_for(&profile.model) {
            let changes = ModelInfoOverrides::changes(&default, &profile.model_info);
            profile.model_info = entry.info.clone().with_overrides(&changes);
            profile.catalog_entry = Some(entry.clone());
            return (entry, true);
        }
        // The loader warns about an id it looked up; this profile skipped it.
        if profile.model_info == default {
            tracing::warn!(
                model = %profile.model,
                "`{}` is not in the OpenAI model catalogue, so its info is unknown: the compatible defaults apply (128000-token context, images allowed, no max output) and cost is reported as unknown; describe it in the profile's model_info, or add it to a catalogue file and load the profile with the config loader",
                profile.model
            );
        }
    }
    (CatalogEntry::inferred(&profile.model), false)
}

provider_via_engine!(OpenAiNative, ProviderKind::Native);

#[cfg(test)]
mod tests;
