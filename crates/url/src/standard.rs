//! Rules 7–8: a standard base gets `/chat/completions` and `/models` appended; a
//! standard full endpoint is used as given.

use crate::endpoints::{AuthHint, EndpointKind};
use crate::explain::{self, ChatAction, ModelsNote, Reading, Rule};
use crate::kind::{self, BaseWhy, Decision};
use crate::options::EndpointMode;
use crate::path::{self, CHAT_COMPLETIONS, MODELS};
use crate::plan::{ModelsPlan, Plan};

/// Rules 6–8 for a trimmed path. `native_default` says the URL is the OpenAI
/// default because none was set (only changes the explanation).
pub(crate) fn plan(path: &str, mode: EndpointMode, native_default: bool) -> Plan {
    match kind::decide(path, mode) {
        Decision::Base(why) => Plan {
            chat_path: path::join(path, CHAT_COMPLETIONS),
            models: ModelsPlan::Path(path::join(path, MODELS)),
            kind: EndpointKind::Base,
            auth: AuthHint::Bearer,
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
        Decision::Full(why) => {
            let (models, note) = match path::strip_suffix_ignore_case(path, CHAT_COMPLETIONS) {
                Some(head) => (
                    ModelsPlan::Path(path::join(head, MODELS)),
                    ModelsNote::TailReplaced,
                ),
                None => (
                    ModelsPlan::Missing(explain::NO_MODELS_FOR_FULL_ENDPOINT),
                    ModelsNote::Missing,
                ),
            };
            Plan {
                chat_path: path.to_owned(),
                models,
                kind: EndpointKind::Full,
                auth: AuthHint::Bearer,
                api_version: None,
                rule: Rule::standard(Reading::Full(why), ChatAction::AsGiven, note),
            }
        }
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

    #[test]
    fn native_default_is_named_in_the_rule() {
        let plan = plan("/v1", EndpointMode::Auto, true);
        assert_eq!(
            plan.rule.to_string(),
            "base URL (none set: OpenAI default https://api.openai.com/v1): appended /chat/completions and /models"
        );
    }
}
