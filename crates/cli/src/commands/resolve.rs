//! `oac resolve [URL]`: the URLs that would be called, and the rule that applied.
//! Sends nothing.

use openai_compat::Endpoints;

use crate::args::{GlobalArgs, ResolveArgs};
use crate::failure::Failure;
use crate::output::{Output, Record, record};
use crate::setup::{self, Need};

pub fn run(global: &GlobalArgs, args: &ResolveArgs, out: &mut Output) -> Result<(), Failure> {
    let mut overrides = global.overrides();
    if let Some(url) = &args.url {
        overrides = overrides.base_url(url);
    }
    let loaded = setup::load_with(overrides, Need::NoRequests, out)?;
    let endpoints = &loaded.profile.endpoints;
    if out.is_json() {
        out.record(&endpoints_json(endpoints))
    } else {
        out.line(&endpoints.to_string())
    }
}

/// `{"chat_url":…,"models_url":…|null,"kind":…,"flavor":…,"rule":…}`.
pub fn endpoints_json(endpoints: &Endpoints) -> Record {
    record! {
        "chat_url": endpoints.chat.as_str(),
        "models_url": endpoints.models.as_ref().map(|url| url.as_str()),
        "kind": endpoints.kind.as_str(),
        "flavor": endpoints.flavor.as_str(),
        "rule": endpoints.rule,
    }
}
