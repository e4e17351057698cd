//! Path arithmetic on an already-encoded URL path (`""` or `/a/b`), never with
//! `Url::join`, which drops the last segment of a base without a trailing slash.

/// The tail a chat-completions endpoint ends with.
pub(crate) const CHAT_COMPLETIONS: &str = "/chat/completions";
/// The tail of the Responses API endpoint.
pub(crate) const RESPONSES: &str = "/responses";
/// The tail of the models list.
pub(crate) const MODELS: &str = "/models";

/// Rule 4: drop trailing slashes (`/v1/` → `/v1`, `/` → empty).
pub(crate) fn trim_trailing_slashes(path: &str) -> &str {
    path.trim_end_matches('/')
}

/// The segments of a trimmed path: `""` → `[]`, `/a/b` → `["a", "b"]`.
pub(crate) fn segments(path: &str) -> Vec<&str> {
    if path.is_empty() {
        Vec::new()
    } else {
        path.trim_start_matches('/').split('/').collect()
    }
}

/// `path` followed by `tail` (which starts with `/`), with no doubled slash.
pub(crate) fn join(path: &str, tail: &str) -> String {
    format!("{}{tail}", trim_trailing_slashes(path))
}

/// `path` without `suffix`, compared ignoring ASCII case; `None` when it does not
/// end with it.
pub(crate) fn strip_suffix_ignore_case<'a>(path: &'a str, suffix: &str) -> Option<&'a str> {
    let split = path.len().checked_sub(suffix.len())?;
    let (head, tail) = (path.get(..split)?, path.get(split..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// One path segment, percent-encoded so that `/`, `?`, `#` or `%` in it (a model
/// id like `org/model`) stay inside the segment.
pub(crate) fn encode_segment(segment: &str) -> String {
    // The form serializer leaves only `A-Za-z0-9*-._` unescaped and writes a space
    // as `+`; a literal `+` comes out as `%2B`, so every `+` left is a space.
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slashes_are_dropped() {
        assert_eq!(trim_trailing_slashes("/v1/"), "/v1");
        assert_eq!(trim_trailing_slashes("/v1//"), "/v1");
        assert_eq!(trim_trailing_slashes("/"), "");
    }

    #[test]
    fn segments_of_empty_and_nested_paths() {
        assert!(segments("").is_empty());
        assert_eq!(segments("/a/b"), ["a", "b"]);
    }

    #[test]
    fn join_never_doubles_slashes() {
        assert_eq!(join("", "/models"), "/models");
        assert_eq!(join("/v1", "/models"), "/v1/models");
        assert_eq!(join("/v1/", "/models"), "/v1/models");
    }

    #[test]
    fn suffix_is_stripped_ignoring_case() {
        assert_eq!(
            strip_suffix_ignore_case("/v1/Chat/Completions", CHAT_COMPLETIONS),
            Some("/v1")
        );
        assert_eq!(strip_suffix_ignore_case("/v1/chat", CHAT_COMPLETIONS), None);
    }

    #[test]
    fn suffix_strip_is_safe_on_multibyte_paths() {
        assert_eq!(strip_suffix_ignore_case("/é", "/x"), None);
    }

    #[test]
    fn segment_encoding_keeps_slashes_and_spaces_inside() {
        assert_eq!(encode_segment("gpt4o-prod"), "gpt4o-prod");
        assert_eq!(encode_segment("org/model v2+x"), "org%2Fmodel%20v2%2Bx");
    }
}
