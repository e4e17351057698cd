//! Where a model's prices come from — the one place `oac` decides it. The profile's
//! model info already holds them: for an OpenAI-native model the config crate lays
//! the model catalogue under the profile's `model_info`; a compatible profile has
//! exactly the prices its `model_info` sets (none means unknown, never borrowed from
//! another provider's price list). A profile's prices describe the profile's own
//! model: another model (`oac cost --model X`) is priced from the catalogue when
//! the provider is native, and is otherwise unknown — never priced with the
//! profile's model's prices.

use oac::{ModelPrices, ProviderChoice, ResolvedProfile};

use crate::failure::Failure;

/// A model's prices, where they came from, and what to do when they cannot price
/// a usage.
pub struct PriceSource {
    /// USD per 1M tokens; unknown prices stay unknown.
    pub prices: ModelPrices,
    /// Shown to the user: `profile \`together\``, `the OpenAI model catalogue`…
    pub from: String,
    /// The fix when a price is missing: where to set it.
    pub fix: String,
}

/// What is known beside the profile when `oac cost` prices a model.
#[derive(Debug)]
pub struct Context<'a> {
    /// The model the profile itself names (what its `model_info` describes), when
    /// the profile names one; flags and environment aside.
    pub profile_model: Option<&'a str>,
    /// The OpenAI model catalogue lists the model (so `--provider openai-native`
    /// would price it).
    pub in_catalogue: bool,
}

const SET_PRICES: &str = "set the prices (USD per 1M tokens) in the profile's model_info, e.g. `input_price = 0.15` and `output_price = 0.60`";
const USE_CATALOGUE: &str = "or pass --provider openai-native to use the OpenAI catalogue prices";

/// The fix when a request's service tier has no prices: price the tier, or drop it.
pub fn set_tier_prices(tier: &str) -> String {
    format!(
        "set the tier's prices (USD per 1M tokens) in the profile's model_info, under `[profiles.NAME.model_info.service_tiers.{tier}]` with `input_price` and `output_price`, or leave out --service-tier for standard processing"
    )
}

/// The prices of the profile's own model: its `model_info` (over the catalogue for
/// a native provider).
fn own_prices(profile: &ResolvedProfile, context: &Context<'_>) -> PriceSource {
    let native = profile.provider() == ProviderChoice::OpenAiNative;
    let from = match (&profile.name(), native) {
        (Some(name), true) => {
            format!("the OpenAI model catalogue, with profile `{name}`'s model_info on top")
        }
        (None, true) => "the OpenAI model catalogue".to_owned(),
        (Some(name), false) => format!("profile `{name}`"),
        (None, false) => "the flags and environment".to_owned(),
    };
    let fix = if !native && context.in_catalogue {
        format!("{SET_PRICES}; {USE_CATALOGUE}")
    } else {
        SET_PRICES.to_owned()
    };
    PriceSource {
        prices: profile.model_info().prices.clone(),
        from,
        fix,
    }
}

/// The prices `oac cost` uses for `profile.model`, which flags or environment may
/// have set to another model than the profile's own. Refused (unknown cost) when
/// only the profile's model's prices are known.
pub fn for_cost(profile: &ResolvedProfile, context: &Context<'_>) -> Result<PriceSource, Failure> {
    let model = profile.model();
    let own = match context.profile_model {
        Some(own) if !own.is_empty() && own != model => own,
        _ => return Ok(own_prices(profile, context)),
    };
    let whose = match &profile.name() {
        Some(name) => format!("profile `{name}`'s prices"),
        None => "the profile's prices".to_owned(),
    };
    let set_model_info = format!(
        "set input_price and output_price (USD per 1M tokens) in the model_info of a profile whose model is `{model}`"
    );
    if profile.provider() == ProviderChoice::OpenAiNative {
        return match &profile.catalog_entry() {
            Some(entry) => Ok(PriceSource {
                prices: entry.info.prices.clone(),
                from: format!(
                    "the OpenAI model catalogue; {whose} are for `{own}`, so they are not used"
                ),
                fix: set_model_info,
            }),
            None => Err(Failure::Unpriced(format!(
                "cannot price model `{model}`: the OpenAI model catalogue does not list it, and {whose} belong to `{own}`; {set_model_info}"
            ))),
        };
    }
    let catalogue = if context.in_catalogue {
        format!(", {USE_CATALOGUE}")
    } else {
        String::new()
    };
    Err(Failure::Unpriced(format!(
        "cannot price model `{model}`: {whose} belong to `{own}`; {set_model_info}{catalogue}"
    )))
}
