//! What a flavor's rules decide, before URLs are built from it.

use crate::endpoints::{AuthStyle, EndpointKind, WireApi};
use crate::explain::Rule;

/// The decision of one flavor's rules.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// Encoded path of the chat URL.
    pub(crate) chat_path: String,
    /// Path of the models URL, or why there is none.
    pub(crate) models: ModelsPlan,
    /// Path of the Responses API URL, or why there is none.
    pub(crate) responses: ModelsPlan,
    /// The `api-version` of the Responses URL when it differs from the chat URL's
    /// (Azure's deployment API has its Responses endpoint in newer versions only).
    pub(crate) responses_api_version: Option<String>,
    /// The model name a Responses body must carry (an Azure deployment name).
    pub(crate) responses_model: Option<String>,
    /// The API a full endpoint names.
    pub(crate) stated_api: Option<WireApi>,
    pub(crate) kind: EndpointKind,
    pub(crate) auth: AuthStyle,
    /// The `api-version` to send when the URL has none (Azure).
    pub(crate) api_version: Option<String>,
    pub(crate) rule: Rule,
}

/// Where a URL beside chat (the models list, the Responses endpoint) is.
#[derive(Clone, Debug)]
pub(crate) enum ModelsPlan {
    /// On the same origin, at this encoded path, with the same query as chat.
    Path(String),
    /// Nowhere derivable; the reason tells the user what to set.
    Missing(&'static str),
}
