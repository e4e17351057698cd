//! [`OpenAiNative`]: OpenAI itself (or a gateway that mirrors its API), with the
//! model catalogue and the request rules of its reasoning models.

use std::sync::Arc;

use crate::builder::ProviderBuilder;
use crate::engine::{Engine, provider_via_engine};
use crate::error::Error;
use crate::settings::{ModelRules, NativeModel, ProviderConfig};
use crate::shaping::ShapingRules;

/// The OpenAI-native provider: `https://api.openai.com/v1` by default (any base
/// URL works, e.g. a gateway that mirrors OpenAI, or Azure OpenAI), and the request
/// rules of OpenAI's models as the config's [`NativeModel`] describes them
/// (`o3-mini-high` is sent as `o3-mini` with `reasoning_effort: high`): `developer`
/// role and no `temperature` for reasoning models, the system prompt as the first
/// user message where the model takes no system messages (`o1-preview`,
/// `o1-mini`), always `max_completion_tokens`, and a reasoning effort the model
/// does not accept refused before anything is sent. The config crate's model
/// catalogue fills the [`NativeModel`] and the model info of a profile; code can
/// build both itself.
///
/// It shares the transport, decoder, retries and errors of
/// [`OpenAiCompatible`](crate::OpenAiCompatible); only the [`ShapingRules`] differ.
/// Cheap to clone: clones share one connection pool.
///
/// On Azure OpenAI the deployment in the URL is the configured id, not the wire
/// model: `model = "o3-mini-high"` calls `…/deployments/o3-mini-high/…` with
/// `"model": "o3-mini"` in the body. Name the deployment with
/// `azure = { deployment = "…" }` when it differs from the configured id.
///
/// ```
/// use oac_provider::{
///     ModelRules, NativeModel, OpenAiNative, Provider, ProviderConfig, ProviderChoice,
///     ReasoningEffort, SystemRole,
/// };
/// use oac_url::{ResolveOptions, resolve};
///
/// // No base URL: the OpenAI API.
/// let endpoints = resolve("", &ResolveOptions::new().openai_default(true))?;
/// let model = NativeModel::new("o3-mini")
///     .reasoning(true)
///     .system_role(SystemRole::Developer)
///     .alias_effort(Some(ReasoningEffort::High))
///     .known(true);
/// let config = ProviderConfig::new(endpoints, "o3-mini-high").with_rules(ModelRules::Native(model));
/// let provider = OpenAiNative::new(config)?;
/// assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
/// assert_eq!(provider.endpoints().chat.as_str(), "https://api.openai.com/v1/chat/completions");
/// assert_eq!(provider.shaping_rules().wire_model, "o3-mini");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct OpenAiNative {
    engine: Arc<Engine>,
    model: Arc<NativeModel>,
}

impl OpenAiNative {
    /// A provider for `config` (a [`ProviderConfig`], or anything that converts
    /// into one, such as the config crate's resolved profile) with default limits
    /// and retry spacing.
    ///
    /// The model's rules are the config's [`ModelRules::Native`]. A config with
    /// generic rules (built in code without a [`NativeModel`]) is served as an
    /// unknown, non-reasoning model sent under its own id; describe the model with
    /// [`ProviderConfig::with_rules`] to get its rules.
    pub fn new(config: impl Into<ProviderConfig>) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// A builder for limits and the retry clock.
    pub fn builder(config: impl Into<ProviderConfig>) -> OpenAiNativeBuilder {
        ProviderBuilder::new(config.into())
    }

    /// The request rules in force (what the body will look like): the configured
    /// ones, with what discovery learned once the first request has run it.
    pub fn shaping_rules(&self) -> &ShapingRules {
        &self.engine.discovery.current().rules
    }

    /// What the rules know of the model (wire id, family rules, alias effort).
    pub fn native_model(&self) -> &NativeModel {
        &self.model
    }

    /// True when a catalogue knows the model (its limits and prices are known).
    pub fn is_known_model(&self) -> bool {
        self.model.known
    }
}

/// Builds an [`OpenAiNative`] with non-default limits or retry spacing.
pub type OpenAiNativeBuilder = ProviderBuilder<OpenAiNative>;

impl ProviderBuilder<OpenAiNative> {
    /// Build the provider.
    pub fn build(self) -> Result<OpenAiNative, Error> {
        let model = match self.config.rules() {
            ModelRules::Native(model) => model.clone(),
            ModelRules::Compatible(_) => NativeModel::new(self.config.model()),
        };
        let rules = ShapingRules::native(&self.config, &model);
        let engine = Engine::new(self.config, rules, &self.settings)?;
        Ok(OpenAiNative {
            engine: Arc::new(engine),
            model: Arc::new(model),
        })
    }
}

provider_via_engine!(OpenAiNative, crate::ProviderChoice::OpenAiNative);
