//! `oac resolve [URL]`: the URLs that would be called, the provider implementation
//! that would call them, and the rules that applied. Sends nothing.

use oac::ResolvedProfile;
use serde_json::json;

use crate::args::{GlobalArgs, ResolveArgs};
use crate::failure::Failure;
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
        out.line(&format!("provider: {}", provider_line(profile)))
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
        "provider": json!({"kind": kind, "reason": reason}),
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

/// `openai-native (provider is auto and the host is api.openai.com)`.
pub fn provider_line(profile: &ResolvedProfile) -> String {
    let (kind, reason) = provider_choice(profile);
    format!("{kind} ({reason})")
}
