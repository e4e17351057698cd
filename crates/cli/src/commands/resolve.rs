//! `oac resolve [URL]`: the URLs that would be called, the provider implementation
//! that would call them, and the rules that applied. Sends nothing.

use oac::{KnownModel, ResolvedProfile};
use serde_json::json;

use crate::args::{GlobalArgs, ResolveArgs};
use crate::failure::Failure;
use crate::model_info;
use crate::output::{Output, Record, record};
use crate::redact;
use crate::setup::{self, Need};

pub fn run(global: &GlobalArgs, args: &ResolveArgs, out: &mut Output) -> Result<(), Failure> {
    let mut overrides = global.overrides();
    if let Some(url) = &args.url {
        overrides = overrides.base_url(url);
    }
    let loaded = setup::load_with(overrides, Need::NoRequests, out)?;
    let profile = &loaded.profile;
    if out.is_json() {
        out.record(&resolved_json(profile))
    } else {
        let secrets = redact::secrets(profile);
        out.line(&profile.endpoints().display_masking(&secrets).to_string())?;
        out.line(&format!("provider: {}", provider_line(profile)))?;
        out.line(&format!("api:      {}", api_line(profile)))?;
        if !profile.model().is_empty() {
            out.line(&format!(
                "model info: {}",
                model_info::summary(&configured(profile))
            ))?;
            out.line(&format!("discovery: {}", discovery(profile)))?;
        }
        Ok(())
    }
}

/// The model info before any request: the profile's, the catalogue's, the defaults.
fn configured(profile: &ResolvedProfile) -> KnownModel {
    KnownModel::configured(profile.model_info().clone(), profile.model_info_sources())
}

/// When the server is asked about the model (resolve itself sends nothing).
fn discovery(profile: &ResolvedProfile) -> &'static str {
    let sources = profile.model_info_sources();
    if !profile.discover_model_info() {
        "off (discover_model_info = false)"
    } else if !sources.any_default() {
        "not needed: the profile or the catalogue describes the model"
    } else {
        "the fields marked (default) are asked of the server on the first request (`oac doctor` shows what it says)"
    }
}

/// `{"chat_url":…,"models_url":…|null,"kind":…,"flavor":…,"rule":…,"provider":{…}}`,
/// secret-named query values and the key masked.
fn resolved_json(profile: &ResolvedProfile) -> Record {
    let secrets = redact::secrets(profile);
    let endpoints = profile.endpoints();
    let (kind, reason) = provider_choice(profile);
    record! {
        "chat_url": endpoints.chat_masked(&secrets),
        "models_url": endpoints.models_masked(&secrets),
        "kind": endpoints.kind.as_str(),
        "flavor": endpoints.flavor.as_str(),
        "rule": endpoints.rule,
        "responses_url": endpoints.responses_masked(&secrets),
        "provider": json!({"kind": kind, "reason": reason}),
        "api": json!({"api": profile.api().as_str(), "reason": profile.api_reason()}),
        "model_info": (!profile.model().is_empty()).then(|| model_info::json(&configured(profile))),
        "discovery": (!profile.model().is_empty()).then(|| discovery(profile)),
    }
}

/// The implementation serving `profile` and why: (`openai-native`, `provider is
/// auto and the host is api.openai.com`).
pub fn provider_choice(profile: &ResolvedProfile) -> (&'static str, &str) {
    let kind = profile.provider().as_str();
    let reason = profile.provider_reason();
    let reason = reason
        .strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix(": "))
        .unwrap_or(reason);
    (kind, reason)
}

/// `responses (api is auto and the URL is a full …/responses endpoint): POST https://…/responses`.
pub fn api_line(profile: &ResolvedProfile) -> String {
    let secrets = redact::secrets(profile);
    let endpoints = profile.endpoints();
    let url = match profile.api() {
        oac::WireApi::Responses => endpoints.responses_masked(&secrets).unwrap_or_default(),
        _ => endpoints.chat_masked(&secrets),
    };
    format!(
        "{} ({}): chat requests go to {url}",
        profile.api(),
        profile.api_reason()
    )
}

/// `openai-native (provider is auto and the host is api.openai.com)`.
pub fn provider_line(profile: &ResolvedProfile) -> String {
    let (kind, reason) = provider_choice(profile);
    format!("{kind} ({reason})")
}
