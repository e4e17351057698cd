//! What a flavor's rules decide, before URLs are built from it.

use crate::endpoints::{AuthHint, EndpointKind};
use crate::explain::Rule;

/// The decision of one flavor's rules.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// Encoded path of the chat URL.
    pub(crate) chat_path: String,
    /// Path of the models URL, or why there is none.
    pub(crate) models: ModelsPlan,
    pub(crate) kind: EndpointKind,
    pub(crate) auth: AuthHint,
    /// The `api-version` to send when the URL has none (Azure).
    pub(crate) api_version: Option<String>,
    pub(crate) rule: Rule,
}

/// Where the models list is.
#[derive(Clone, Debug)]
pub(crate) enum ModelsPlan {
    /// On the same origin, at this encoded path, with the same query as chat.
    Path(String),
    /// Nowhere derivable; the reason tells the user to set `models_url`.
    Missing(&'static str),
}
