//! From flags, environment and config file to a profile and a client.

use oac::config::{Loaded, WarningKind};
use oac::{Client, Loader, Overrides, ResolvedProfile};

use crate::args::GlobalArgs;
use crate::failure::Failure;
use crate::output::Output;

/// What a command does with the profile it loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Sends requests for a model (`chat`).
    Model,
    /// Sends requests, for no model in particular (`models`).
    Requests,
    /// Sends nothing (`resolve`, `cost`): a missing or unreadable key is not worth
    /// an error, nor a warning.
    NoRequests,
}

/// Loads the profile the flags, environment and config file describe; its warnings
/// go to standard error.
pub fn load(global: &GlobalArgs, need: Need, out: &mut Output) -> Result<Loaded, Failure> {
    load_with(global.overrides(), need, out)
}

/// Like [`load`], with the flags given as [`Overrides`].
pub fn load_with(overrides: Overrides, need: Need, out: &mut Output) -> Result<Loaded, Failure> {
    let loaded = Loader::new()
        .overrides(overrides)
        .require_model(need == Need::Model)
        .require_key(need != Need::NoRequests)
        .load()?;
    for warning in &loaded.warnings {
        if need == Need::NoRequests && warning.kind == WarningKind::MissingKey {
            continue;
        }
        out.warn(&warning.to_string());
    }
    Ok(loaded)
}

/// Loads the profile and builds its client.
pub fn client(global: &GlobalArgs, need: Need, out: &mut Output) -> Result<Client, Failure> {
    let loaded = load(global, need, out)?;
    client_for(loaded.profile)
}

/// The client for a loaded profile.
pub fn client_for(profile: ResolvedProfile) -> Result<Client, Failure> {
    Ok(Client::from_profile(profile)?)
}

/// `host` or `host:port` of the chat URL, for messages.
pub fn host_of(client: &Client) -> String {
    host_of_url(&client.endpoints().chat)
}

/// `host` or `host:port` of `url` (the whole URL when it has no host).
pub fn host_of_url(url: &oac::url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.to_string(),
    }
}
