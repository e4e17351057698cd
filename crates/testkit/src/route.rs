//! The routing rule, in one place: which API a method and path ask for.

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST …/chat/completions`.
    Chat,
    /// `POST …/responses` (the OpenAI Responses API).
    Responses,
    /// `GET …/models`.
    Models,
    /// Anything else.
    Unknown,
}

impl Route {
    /// The route of `method` (upper case) on `path` (without the query). Any prefix
    /// works, so Azure's `/openai/deployments/x/chat/completions` and
    /// `/openai/v1/responses` do; a trailing `/` is ignored.
    pub(crate) fn of(method: &str, path: &str) -> Self {
        let path = path.trim_end_matches('/');
        match method {
            "POST" if path.ends_with("/chat/completions") => Self::Chat,
            "POST" if path.ends_with("/responses") => Self::Responses,
            "GET" if path.ends_with("/models") => Self::Models,
            _ => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_prefix_and_a_trailing_slash_work() {
        assert_eq!(Route::of("POST", "/v1/chat/completions/"), Route::Chat);
        assert_eq!(
            Route::of("POST", "/openai/deployments/d/chat/completions"),
            Route::Chat
        );
        assert_eq!(Route::of("POST", "/v1/responses"), Route::Responses);
        assert_eq!(Route::of("POST", "/openai/responses"), Route::Responses);
        assert_eq!(Route::of("POST", "/openai/v1/responses/"), Route::Responses);
        assert_eq!(Route::of("GET", "/v1/models"), Route::Models);
    }

    #[test]
    fn other_methods_and_paths_are_unknown() {
        assert_eq!(Route::of("GET", "/v1/responses"), Route::Unknown);
        assert_eq!(Route::of("GET", "/v1/responses/resp_1"), Route::Unknown);
        assert_eq!(
            Route::of("POST", "/v1/responses/resp_1/cancel"),
            Route::Unknown
        );
        assert_eq!(Route::of("POST", "/v1/airesponses"), Route::Unknown);
        assert_eq!(Route::of("POST", "/v1/completions"), Route::Unknown);
    }
}
