//! Where a model's prices come from — the one place `oac` decides it. The profile's
//! model info already holds them: for an OpenAI-native model the config crate lays
//! the model catalogue under the profile's `model_info`; a compatible profile has
//! exactly the prices its `model_info` sets (none means unknown, never borrowed from
//! another provider's price list).

use openai_compat::{ModelPrices, ProviderChoice, ResolvedProfile};

/// A model's prices and where they came from.
pub struct PriceSource {
    /// USD per 1M tokens; unknown prices stay unknown.
    pub prices: ModelPrices,
    /// Shown to the user: `profile \`together\``, `the OpenAI model catalogue`…
    pub from: String,
}

/// The prices `oac` uses for `profile`'s model.
pub fn for_profile(profile: &ResolvedProfile) -> PriceSource {
    let native = profile.provider == ProviderChoice::OpenAiNative;
    let from = match (&profile.name, native) {
        (Some(name), true) => {
            format!("the OpenAI model catalogue, with profile `{name}`'s model_info on top")
        }
        (None, true) => "the OpenAI model catalogue".to_owned(),
        (Some(name), false) => format!("profile `{name}`"),
        (None, false) => "the flags and environment".to_owned(),
    };
    PriceSource {
        prices: profile.model_info.prices.clone(),
        from,
    }
}
