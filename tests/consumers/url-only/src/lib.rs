//! A consumer of `oac-url` alone, doing the job its README promises: the URLs to
//! call for what a user typed, and the rule that applied. It depends on no other
//! crate of the workspace (`cargo xtask deps` fails if it ever does).

use oac_url::{EndpointMode, ResolveOptions, UrlError, resolve};

/// The chat URL, the models URL (or why there is none) and the rule, one per line.
pub fn describe(typed: &str, mode: EndpointMode) -> Result<String, UrlError> {
    let endpoints = resolve(typed, &ResolveOptions::new().mode(mode))?;
    let models = match &endpoints.models {
        Some(url) => url.to_string(),
        None => format!(
            "none ({})",
            endpoints
                .models_missing_reason
                .as_deref()
                .unwrap_or("unknown")
        ),
    };
    Ok(format!(
        "chat: {}\nmodels: {models}\nrule: {}",
        endpoints.chat, endpoints.rule
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_gets_both_endpoints() {
        let text = describe("https://api.together.xyz/v1", EndpointMode::Auto).unwrap();
        assert_eq!(
            text,
            "chat: https://api.together.xyz/v1/chat/completions\nmodels: https://api.together.xyz/v1/models\nrule: base URL: appended /chat/completions and /models"
        );
    }

    #[test]
    fn a_full_endpoint_is_never_appended_to() {
        let text = describe(
            "http://localhost:8080/v1/chat/completions",
            EndpointMode::Auto,
        )
        .unwrap();
        assert!(
            text.starts_with("chat: http://localhost:8080/v1/chat/completions\n"),
            "{text}"
        );
    }

    #[test]
    fn a_bad_url_is_a_typed_error_saying_what_to_fix() {
        let err = describe("api.together.xyz/v1", EndpointMode::Auto).unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
    }
}
