//! Rules 7–8: a standard base gets `/chat/completions`, `/responses` and `/models`
//! appended; a standard full endpoint is used as given, and the URLs beside it are
//! derived by replacing its tail.

use crate::endpoints::{AuthStyle, EndpointKind, WireApi};
use crate::explain::{self, ChatAction, ModelsNote, Reading, Rule};
use crate::kind::{self, BaseWhy, Decision, FullWhy};
use crate::options::EndpointMode;
use crate::path::{self, CHAT_COMPLETIONS, MODELS, RESPONSES};
use crate::plan::{ModelsPlan, Plan};

/// Rules 6–8 for a trimmed path. `native_default` says the URL is the OpenAI
/// default because none was set (only changes the explanation).
pub(crate) fn plan(path: &str, mode: EndpointMode, native_default: bool) -> Plan {
    match kind::decide(path, mode) {
        Decision::Base(why) => Plan {
            chat_path: path::join(path, CHAT_COMPLETIONS),
            models: ModelsPlan::Path(path::join(path, MODELS)),
            responses: ModelsPlan::Path(path::join(path, RESPONSES)),
            responses_api_version: None,
            responses_model: None,
            stated_api: None,
            kind: EndpointKind::Base,
            auth: AuthStyle::Bearer,
            api_version: None,
            rule: Rule::standard(
                if native_default && why == BaseWhy::Detected {
                    Reading::NativeDefault
                } else {
                    Reading::Base(why)
                },
                ChatAction::Appended(CHAT_COMPLETIONS),
                ModelsNote::Appended,
            ),
        },
        Decision::Full(why) => full(path, why),
    }
}

/// Rule 8: a full endpoint. A `/chat/completions` tail gives the models and
/// Responses URLs beside it; a `/responses` tail gives the chat and models URLs
/// beside it; any other endpoint has neither.
fn full(path: &str, why: FullWhy) -> Plan {
    let beside = |head: &str| {
        (
            ModelsPlan::Path(path::join(head, MODELS)),
            ModelsNote::TailReplaced,
        )
    };
    let (chat_path, chat, responses, (models, note), stated_api) =
        if let Some(head) = path::strip_suffix_ignore_case(path, CHAT_COMPLETIONS) {
            let responses = ModelsPlan::Path(path::join(head, RESPONSES));
            (
                path.to_owned(),
                ChatAction::AsGiven,
                responses,
                beside(head),
                Some(WireApi::Chat),
            )
        } else if let Some(head) = path::strip_suffix_ignore_case(path, RESPONSES) {
            let responses = ModelsPlan::Path(path.to_owned());
            let chat_path = path::join(head, CHAT_COMPLETIONS);
            (
                chat_path,
                ChatAction::FromResponses,
                responses,
                beside(head),
                Some(WireApi::Responses),
            )
        } else {
            let models = (
                ModelsPlan::Missing(explain::NO_MODELS_FOR_FULL_ENDPOINT),
                ModelsNote::Missing,
            );
            let responses = ModelsPlan::Missing(explain::NO_RESPONSES_FOR_FULL_ENDPOINT);
            (
                path.to_owned(),
                ChatAction::AsGiven,
                responses,
                models,
                None,
            )
        };
    Plan {
        chat_path,
        models,
        responses,
        responses_api_version: None,
        responses_model: None,
        stated_api,
        kind: EndpointKind::Full,
        auth: AuthStyle::Bearer,
        api_version: None,
        rule: Rule::standard(Reading::Full(why), chat, note),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models_path(plan: &Plan) -> Option<&str> {
        match &plan.models {
            ModelsPlan::Path(path) => Some(path),
            ModelsPlan::Missing(_) => None,
        }
    }

    #[test]
    fn base_appends_both_endpoints() {
        let plan = plan("/v1", EndpointMode::Auto, false);
        assert_eq!(plan.chat_path, "/v1/chat/completions");
        assert_eq!(models_path(&plan), Some("/v1/models"));
        assert_eq!(plan.kind, EndpointKind::Base);
    }

    #[test]
    fn empty_base_path_appends_from_root() {
        let plan = plan("", EndpointMode::Auto, false);
        assert_eq!(plan.chat_path, "/chat/completions");
        assert_eq!(models_path(&plan), Some("/models"));
    }

    #[test]
    fn full_chat_completions_replaces_tail_for_models() {
        let plan = plan("/v1/chat/completions", EndpointMode::Auto, false);
        assert_eq!(plan.chat_path, "/v1/chat/completions");
        assert_eq!(models_path(&plan), Some("/v1/models"));
        assert_eq!(plan.kind, EndpointKind::Full);
    }

    #[test]
    fn full_other_endpoint_has_no_models() {
        let plan = plan("/api/v2/models/chat", EndpointMode::Auto, false);
        assert_eq!(plan.chat_path, "/api/v2/models/chat");
        assert_eq!(models_path(&plan), None);
    }

    fn responses_path(plan: &Plan) -> Option<&str> {
        match &plan.responses {
            ModelsPlan::Path(path) => Some(path),
            ModelsPlan::Missing(_) => None,
        }
    }

    #[test]
    fn base_and_full_chat_have_a_responses_url_beside_chat() {
        let base = plan("/v1", EndpointMode::Auto, false);
        assert_eq!(responses_path(&base), Some("/v1/responses"));
        assert_eq!(base.stated_api, None);
        let full = plan("/v1/chat/completions", EndpointMode::Auto, false);
        assert_eq!(responses_path(&full), Some("/v1/responses"));
        assert_eq!(full.stated_api, Some(WireApi::Chat));
    }

    #[test]
    fn full_responses_gives_chat_and_models_beside_it() {
        let plan = plan("/v1/responses", EndpointMode::Auto, false);
        assert_eq!(plan.chat_path, "/v1/chat/completions");
        assert_eq!(responses_path(&plan), Some("/v1/responses"));
        assert_eq!(models_path(&plan), Some("/v1/models"));
        assert_eq!(plan.kind, EndpointKind::Full);
        assert_eq!(plan.stated_api, Some(WireApi::Responses));
        assert_eq!(
            plan.rule.to_string(),
            "full endpoint (path ends with /responses): used as the Responses URL; chat URL derived by replacing the tail; models URL derived by replacing the tail"
        );
    }

    #[test]
    fn other_full_endpoints_have_no_responses_url() {
        let plan = plan("/api/v2/models/chat", EndpointMode::Auto, false);
        assert_eq!(responses_path(&plan), None);
        assert_eq!(plan.stated_api, None);
    }

    #[test]
    fn native_default_is_named_in_the_rule() {
        let plan = plan("/v1", EndpointMode::Auto, true);
        assert_eq!(
            plan.rule.to_string(),
            "base URL (none set: OpenAI default https://api.openai.com/v1): appended /chat/completions and /models"
        );
    }
}
