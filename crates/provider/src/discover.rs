//! Discovered model info: what the server itself reports about the model it runs
//! (context window, max output, images, tools, prices), laid under the profile's own
//! values and over the catalogue and the defaults, field by field, with the source of
//! every field kept.
//!
//! Precedence, per field: the profile (or whoever built the
//! [`ProviderConfig`](crate::ProviderConfig) with those values) > the server >
//! the catalogue > the compatible defaults. Prices are all or nothing: discovered
//! prices are used only when the profile sets none.
//!
//! Sources, from least to most specific (a later one wins for the fields it states):
//!
//! | source | request | fields |
//! |---|---|---|
//! | [`ServerSource::ModelsList`] | `GET …/models`, the model's entry | `context_length` (OpenRouter), `max_model_len` (vLLM), `context_window`, `max_completion_tokens`, `top_provider.*`, `pricing`, `architecture.input_modalities`, llama.cpp `meta.n_ctx_train` / `meta.n_ctx` |
//! | [`ServerSource::LiteLlmModelInfo`] | `GET {root}/model/info` | `max_input_tokens`, `max_output_tokens`, `input_cost_per_token`, `output_cost_per_token`, `cache_read_input_token_cost`, `supports_vision`, `supports_function_calling` |
//! | [`ServerSource::OllamaShow`] | `POST {root}/api/show` | `num_ctx` of `parameters` (what Ollama loads the model with), else `model_info.*.context_length`, `capabilities` (`vision`, `tools`) |
//! | [`ServerSource::OllamaPs`] | `GET {root}/api/ps`, after `/api/show` | `context_length` of the model when it is loaded: the context Ollama really gave it (its default depends on the machine's memory) |
//! | [`ServerSource::LlamaCppProps`] | `GET {root}/props` | `default_generation_settings.n_ctx` (the context the server really runs with), `modalities.vision` |
//!
//! `{root}` is the chat URL without `/chat/completions` and a trailing `/v1`, on the
//! same scheme, host and port: discovery never sends the key anywhere the profile
//! does not already send it.
//!
//! The parsers here are pure (bytes in, values out) and never fail: a body that does
//! not have the expected shape simply states nothing.

mod parse;
mod run;

use std::fmt;

use crate::model::{ModelInfo, ModelInfoOverrides};

pub use parse::{
    Found, from_litellm_model_info, from_llama_cpp_props, from_models_entry, from_ollama_ps,
    from_ollama_show,
};
pub(crate) use run::Discovery;

/// The entries of a models-list body (`{"data":[…]}`, a bare array, or
/// `{"models":[…]}`), as [`Provider::list_models`](crate::Provider::list_models)
/// reads them; `None` when the body is not a models list.
///
/// ```
/// let entries = oac_provider::discover::models_list(br#"{"data":[{"id":"m","max_model_len":4096}]}"#).unwrap();
/// assert_eq!(entries[0].context_window, Some(4096));
/// ```
pub fn models_list(body: &[u8]) -> Option<Vec<crate::ModelEntry>> {
    crate::models::parse_models(body).ok()
}

/// Where one field of a model's info came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InfoSource {
    /// Set by the profile's `model_info` (or given to
    /// [`ProviderConfig::with_model_info`](crate::ProviderConfig::with_model_info)).
    Profile,
    /// Reported by the server.
    Server(ServerSource),
    /// The model catalogue's entry.
    Catalog,
    /// The compatible default ([`ModelInfo::compatible_default`]).
    Default,
}

impl InfoSource {
    /// True when discovery may replace a field from this source (the catalogue and
    /// the defaults; never the profile's own value, never another server value).
    pub fn is_replaceable(self) -> bool {
        matches!(self, InfoSource::Catalog | InfoSource::Default)
    }
}

impl fmt::Display for InfoSource {
    /// `profile`, `server: llama.cpp /props`, `catalogue`, `default`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InfoSource::Profile => f.write_str("profile"),
            InfoSource::Server(source) => write!(f, "server: {source}"),
            InfoSource::Catalog => f.write_str("catalogue"),
            InfoSource::Default => f.write_str("default"),
        }
    }
}

/// Which server endpoint reported a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ServerSource {
    /// The model's entry in the models list (`GET …/models`).
    ModelsList,
    /// LiteLLM's `GET /model/info`.
    LiteLlmModelInfo,
    /// Ollama's `POST /api/show`.
    OllamaShow,
    /// Ollama's `GET /api/ps`: the context a loaded model really has.
    OllamaPs,
    /// llama.cpp's `GET /props`.
    LlamaCppProps,
}

impl ServerSource {
    /// A short name: `models list`, `LiteLLM /model/info`, `Ollama /api/show`,
    /// `llama.cpp /props`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerSource::ModelsList => "models list",
            ServerSource::LiteLlmModelInfo => "LiteLLM /model/info",
            ServerSource::OllamaShow => "Ollama /api/show",
            ServerSource::OllamaPs => "Ollama /api/ps",
            ServerSource::LlamaCppProps => "llama.cpp /props",
        }
    }
}

impl fmt::Display for ServerSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where each discoverable field of a [`ModelInfo`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelInfoSources {
    /// `context_window`.
    pub context_window: InfoSource,
    /// `max_output_tokens`.
    pub max_output_tokens: InfoSource,
    /// `supports_images`.
    pub supports_images: InfoSource,
    /// `supports_tools`.
    pub supports_tools: InfoSource,
    /// The prices (all of them: a profile that sets one price owns them all).
    pub prices: InfoSource,
}

impl ModelInfoSources {
    /// Every field from `source`.
    pub fn all(source: InfoSource) -> Self {
        ModelInfoSources {
            context_window: source,
            max_output_tokens: source,
            supports_images: source,
            supports_tools: source,
            prices: source,
        }
    }

    /// The sources of a profile's info: each field its `model_info` sets is
    /// [`InfoSource::Profile`], the others come from `base` (the catalogue or the
    /// defaults).
    ///
    /// ```
    /// use oac_provider::{InfoSource, ModelInfoOverrides, ModelInfoSources};
    ///
    /// let mut set = ModelInfoOverrides::default();
    /// set.context_window = Some(8192);
    /// let sources = ModelInfoSources::layered(&set, InfoSource::Default);
    /// assert_eq!(sources.context_window, InfoSource::Profile);
    /// assert_eq!(sources.max_output_tokens, InfoSource::Default);
    /// ```
    pub fn layered(profile: &ModelInfoOverrides, base: InfoSource) -> Self {
        let pick = |set: bool| if set { InfoSource::Profile } else { base };
        let p = &profile.prices;
        ModelInfoSources {
            context_window: pick(profile.context_window.is_some()),
            max_output_tokens: pick(profile.max_output_tokens.is_some()),
            supports_images: pick(profile.supports_images.is_some()),
            supports_tools: pick(profile.supports_tools.is_some()),
            prices: pick(
                p.input_price.is_some() || p.output_price.is_some() || !p.tiers.is_empty(),
            ),
        }
    }

    /// True when some field is only the compatible default: discovery runs only
    /// then. A model the catalogue describes is not asked about (OpenAI's models
    /// list states no limits, and the catalogue is kept current for it).
    pub fn any_default(&self) -> bool {
        [
            self.context_window,
            self.max_output_tokens,
            self.supports_images,
            self.supports_tools,
            self.prices,
        ]
        .contains(&InfoSource::Default)
    }
}

/// What is known of the model: its info with the source of each field, and what
/// discovery asked the server (see the [module docs](self)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownModel {
    /// The info requests are shaped and priced with.
    pub info: ModelInfo,
    /// Where each field came from.
    pub sources: ModelInfoSources,
    /// The server software discovery recognised (`llama.cpp`, `LiteLLM`, `Ollama`),
    /// when any.
    pub server: Option<&'static str>,
    /// One line per request discovery made, saying what it learned or why it
    /// learned nothing (`GET http://127.0.0.1:8080/props: n_ctx 2048`). Empty when
    /// discovery did not run (turned off, not needed, or not run yet).
    pub notes: Vec<String>,
    /// The parameters this endpoint and model refused and how they are sent
    /// instead, learned from its answers so far (see [`crate::fallback`]), one line
    /// each, a refusal of tools included.
    pub fallbacks: Vec<String>,
}

impl KnownModel {
    /// The configured info, before any discovery.
    pub fn configured(info: ModelInfo, sources: ModelInfoSources) -> Self {
        KnownModel {
            info,
            sources,
            server: None,
            notes: Vec::new(),
            fallbacks: Vec::new(),
        }
    }

    /// `self` with what the server reported laid under the profile's values:
    /// every field `found` states replaces one that came from the catalogue or the
    /// defaults. `found` is in increasing precedence (a later entry wins).
    #[must_use]
    pub fn with_found(mut self, found: &[Found]) -> Self {
        for f in found {
            self.apply(f);
        }
        self
    }

    fn apply(&mut self, found: &Found) {
        let o: &ModelInfoOverrides = &found.info;
        let from = InfoSource::Server(found.source);
        let s = &mut self.sources;
        let info = &mut self.info;
        if let Some(window) = o.context_window.filter(|_| replaceable(s.context_window)) {
            info.context_window = window;
            s.context_window = from;
        }
        if let Some(max) = o
            .max_output_tokens
            .filter(|_| replaceable(s.max_output_tokens))
        {
            info.max_output_tokens = Some(max);
            s.max_output_tokens = from;
        }
        if let Some(images) = o.supports_images.filter(|_| replaceable(s.supports_images)) {
            info.supports_images = images;
            s.supports_images = from;
        }
        if let Some(tools) = o.supports_tools.filter(|_| replaceable(s.supports_tools)) {
            info.supports_tools = tools;
            s.supports_tools = from;
        }
        let has_prices = o.prices.input_price.is_some() || o.prices.output_price.is_some();
        if has_prices && replaceable(s.prices) {
            info.prices = o.prices.clone();
            s.prices = from;
        }
        if found.server.is_some() {
            self.server = found.server;
        }
    }
}

/// A field may take a server value when it came from the catalogue, the defaults
/// or a less specific server source (sources are applied in increasing precedence).
fn replaceable(source: InfoSource) -> bool {
    matches!(source, InfoSource::Server(_)) || source.is_replaceable()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(source: ServerSource, window: u32) -> Found {
        let info = ModelInfoOverrides {
            context_window: Some(window),
            ..ModelInfoOverrides::default()
        };
        Found {
            source,
            info,
            server: None,
        }
    }

    #[test]
    fn the_profile_beats_the_server_and_the_server_beats_the_default() {
        let set = ModelInfoOverrides {
            max_output_tokens: Some(100),
            ..ModelInfoOverrides::default()
        };
        let info = ModelInfo::compatible_default().with_overrides(&set);
        let known =
            KnownModel::configured(info, ModelInfoSources::layered(&set, InfoSource::Default));
        let mut f = found(ServerSource::ModelsList, 4096);
        f.info.max_output_tokens = Some(999);
        let known = known.with_found(&[f]);
        assert_eq!(known.info.context_window, 4096);
        assert_eq!(
            known.sources.context_window,
            InfoSource::Server(ServerSource::ModelsList)
        );
        assert_eq!(known.info.max_output_tokens, Some(100));
        assert_eq!(known.sources.max_output_tokens, InfoSource::Profile);
    }

    #[test]
    fn a_more_specific_source_wins() {
        let known = KnownModel::configured(
            ModelInfo::compatible_default(),
            ModelInfoSources::all(InfoSource::Default),
        )
        .with_found(&[
            found(ServerSource::ModelsList, 131_072),
            found(ServerSource::LlamaCppProps, 2048),
        ]);
        assert_eq!(known.info.context_window, 2048);
        assert_eq!(
            known.sources.context_window.to_string(),
            "server: llama.cpp /props"
        );
    }

    #[test]
    fn profile_prices_are_never_replaced() {
        let set = ModelInfoOverrides {
            prices: oac_pricing::ModelPrices::new()
                .with_input_price(oac_pricing::Decimal::new(1, 0)),
            ..ModelInfoOverrides::default()
        };
        let sources = ModelInfoSources::layered(&set, InfoSource::Default);
        let info = ModelInfo::compatible_default().with_overrides(&set);
        let mut f = found(ServerSource::ModelsList, 1000);
        f.info.prices.input_price = Some(oac_pricing::Decimal::new(9, 0));
        let known = KnownModel::configured(info, sources).with_found(&[f]);
        assert_eq!(
            known.info.prices.input_price,
            Some(oac_pricing::Decimal::new(1, 0))
        );
        assert_eq!(known.sources.prices, InfoSource::Profile);
    }
}
