//! Rule 10: Azure AI Inference (`*.services.ai.azure.com`): chat is
//! `{base}/models/chat/completions`, Bearer auth, an `api-version`, and no model
//! list.

use crate::azure;
use crate::endpoints::{AuthStyle, EndpointKind};
use crate::explain::{self, Api, ChatAction, ModelsNote, Reading, Rule};
use crate::kind::{self, Decision};
use crate::options::ResolveOptions;
use crate::path::{self, CHAT_COMPLETIONS, MODELS};
use crate::plan::{ModelsPlan, Plan};
use crate::target::Target;

/// `api-version` when neither the URL nor `query` sets one.
pub(crate) const DEFAULT_API_VERSION: &str = "2024-05-01-preview";

const MODELS_CHAT_COMPLETIONS: &str = "/models/chat/completions";

/// Rule 10 for an Azure AI Inference URL.
pub(crate) fn plan(target: &Target, options: &ResolveOptions) -> Plan {
    let path = target.path.as_str();
    let api_version = azure::api_version(&target.query, &options.query, None, DEFAULT_API_VERSION);
    let (chat_path, kind, reading, chat) = match kind::decide(path, options.mode) {
        Decision::Full(why) => (
            path.to_owned(),
            EndpointKind::Full,
            Reading::Full(why),
            ChatAction::AsGiven,
        ),
        Decision::Base(why) => {
            // A base that already ends in /models gets no second one.
            let tail = if path::strip_suffix_ignore_case(path, MODELS).is_some() {
                CHAT_COMPLETIONS
            } else {
                MODELS_CHAT_COMPLETIONS
            };
            (
                path::join(path, tail),
                EndpointKind::Base,
                Reading::Base(why),
                ChatAction::Appended(tail),
            )
        }
    };
    Plan {
        chat_path,
        models: ModelsPlan::Missing(explain::NO_MODELS_FOR_AI_INFERENCE),
        responses: ModelsPlan::Missing(explain::NO_RESPONSES_FOR_AI_INFERENCE),
        responses_api_version: None,
        responses_model: None,
        stated_api: None,
        kind,
        auth: AuthStyle::Bearer,
        api_version: Some(api_version.value.clone()),
        rule: Rule {
            api: Some(Api::AzureAiInference),
            reading,
            chat,
            models: ModelsNote::Missing,
            responses: None,
            api_version: Some(api_version),
            api_key_header: false,
        },
    }
}
