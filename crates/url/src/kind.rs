//! Rule 6: is the URL a base (endpoints are appended) or a full endpoint (used
//! as given)?

use crate::options::EndpointMode;
use crate::path::{self, CHAT_COMPLETIONS, RESPONSES};

/// The decision, with the reason the explanation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Append endpoints.
    Base(BaseWhy),
    /// Use as given.
    Full(FullWhy),
}

/// Why the URL was read as a base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BaseWhy {
    /// Its path does not look like an endpoint.
    Detected,
    /// `endpoint_mode = base`.
    Forced,
}

/// Why the URL was read as a full endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FullWhy {
    /// The path ends with `/chat/completions`.
    ChatCompletions,
    /// The path ends with `/responses` (the Responses API).
    Responses,
    /// The last segment is `chat` or `invocations`.
    LastSegment(&'static str),
    /// `endpoint_mode = full`.
    Forced,
}

/// Segments that end a complete chat endpoint on their own.
const ENDPOINT_SEGMENTS: [&str; 2] = ["chat", "invocations"];

/// Rule 6 for a trimmed path. Endpoint names are matched ignoring ASCII case, so
/// `/V1/Chat/Completions` is never appended to.
pub(crate) fn decide(path: &str, mode: EndpointMode) -> Decision {
    match mode {
        EndpointMode::Base => Decision::Base(BaseWhy::Forced),
        EndpointMode::Full => Decision::Full(FullWhy::Forced),
        _ => detect(path).map_or(Decision::Base(BaseWhy::Detected), Decision::Full),
    }
}

/// Why the path is a full endpoint, if it is one.
pub(crate) fn detect(path: &str) -> Option<FullWhy> {
    if path::strip_suffix_ignore_case(path, CHAT_COMPLETIONS).is_some() {
        return Some(FullWhy::ChatCompletions);
    }
    if path::strip_suffix_ignore_case(path, RESPONSES).is_some() {
        return Some(FullWhy::Responses);
    }
    let last = path::segments(path).pop()?;
    ENDPOINT_SEGMENTS
        .into_iter()
        .find(|name| last.eq_ignore_ascii_case(name))
        .map(FullWhy::LastSegment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(path: &str) -> Decision {
        decide(path, EndpointMode::Auto)
    }

    #[test]
    fn chat_completions_tail_is_full() {
        assert_eq!(
            auto("/v1/chat/completions"),
            Decision::Full(FullWhy::ChatCompletions)
        );
    }

    #[test]
    fn chat_completions_tail_is_full_in_any_case() {
        assert_eq!(
            auto("/v1/CHAT/Completions"),
            Decision::Full(FullWhy::ChatCompletions)
        );
    }

    #[test]
    fn responses_tail_is_full_in_any_case() {
        assert_eq!(auto("/v1/responses"), Decision::Full(FullWhy::Responses));
        assert_eq!(auto("/V1/Responses"), Decision::Full(FullWhy::Responses));
        assert_eq!(auto("/v1/responses-x"), Decision::Base(BaseWhy::Detected));
    }

    #[test]
    fn last_segment_chat_is_full() {
        assert_eq!(
            auto("/api/v2/models/chat"),
            Decision::Full(FullWhy::LastSegment("chat"))
        );
    }

    #[test]
    fn last_segment_invocations_is_full() {
        assert_eq!(
            auto("/endpoints/my-llm/invocations"),
            Decision::Full(FullWhy::LastSegment("invocations"))
        );
    }

    #[test]
    fn chat_inside_the_path_is_a_base() {
        assert_eq!(auto("/chat/v1"), Decision::Base(BaseWhy::Detected));
        assert_eq!(auto("/v1/chatty"), Decision::Base(BaseWhy::Detected));
    }

    #[test]
    fn version_path_and_empty_path_are_bases() {
        assert_eq!(auto("/v1"), Decision::Base(BaseWhy::Detected));
        assert_eq!(auto(""), Decision::Base(BaseWhy::Detected));
    }

    #[test]
    fn mode_base_forces_base_even_for_chat_completions() {
        assert_eq!(
            decide("/v1/chat/completions", EndpointMode::Base),
            Decision::Base(BaseWhy::Forced)
        );
    }

    #[test]
    fn mode_full_forces_full_even_for_a_version_path() {
        assert_eq!(
            decide("/v1", EndpointMode::Full),
            Decision::Full(FullWhy::Forced)
        );
    }
}
