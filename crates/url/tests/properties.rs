//! Properties over generated input: resolution never panics, a generated base
//! always gets exactly one `/chat/completions`, and resolving the chat URL again
//! changes nothing.

// Test helpers outside #[test] functions panic on purpose: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_url::{EndpointKind, ResolveOptions, resolve};
use proptest::prelude::*;

/// A standard base: scheme, host, optional port, path segments that do not end a
/// chat endpoint, 0–3 trailing slashes, optional query.
fn base() -> impl Strategy<Value = (String, String, String)> {
    let scheme = prop_oneof![Just("http"), Just("https"), Just("HTTPS")];
    // A label may not start with `xx--` (RFC 5891: `xn--` is an encoded IDN label
    // and any other two letters then `--` are reserved), so none is generated.
    let host = "[a-z][a-z0-9][a-z0-9-]{0,7}\\.example"
        .prop_filter("not a reserved xx-- label", |host: &String| {
            host.get(2..4) != Some("--")
        });
    let port = proptest::option::of(1u16..);
    let segments = proptest::collection::vec("[a-z0-9_~-][a-z0-9._~-]{0,5}", 0..4).prop_filter(
        "must not end a chat endpoint",
        |segments| {
            segments
                .last()
                .is_none_or(|last| !matches!(last.as_str(), "chat" | "invocations" | "completions"))
        },
    );
    let slashes = 0usize..4;
    let query = proptest::collection::vec("[a-z]{1,5}=[a-zA-Z0-9%]{0,5}", 0..3);
    (scheme, host, port, segments, slashes, query).prop_map(
        |(scheme, host, port, segments, slashes, query)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let path: String = segments.iter().map(|s| format!("/{s}")).collect();
            let query = query.join("&");
            let input = format!(
                "{scheme}://{host}{port}{path}{}{}{query}",
                "/".repeat(slashes),
                if query.is_empty() { "" } else { "?" },
            );
            (input, path, query)
        },
    )
}

proptest! {
    #[test]
    fn arbitrary_input_never_panics(input in any::<String>()) {
        let _ = resolve(&input, &ResolveOptions::new().model("m"));
    }

    #[test]
    fn url_like_input_never_panics(input in "[a-zA-Z:/@?#\\[\\]%.\\\\ 0-9-]{0,40}") {
        let _ = resolve(&input, &ResolveOptions::new().model("m"));
    }

    #[test]
    fn base_gets_exactly_one_chat_completions((input, path, query) in base()) {
        let endpoints = resolve(&input, &ResolveOptions::new()).unwrap();
        prop_assert_eq!(endpoints.kind, EndpointKind::Base);
        let chat = &endpoints.chat;
        prop_assert_eq!(chat.path(), format!("{path}/chat/completions"));
        let models = endpoints.models.as_ref().unwrap();
        prop_assert_eq!(models.path(), format!("{path}/models"));
        let expected_query = (!query.is_empty()).then_some(query.as_str());
        prop_assert_eq!(chat.query(), expected_query);
        prop_assert_eq!(models.query(), expected_query);
    }

    #[test]
    fn resolving_the_chat_url_again_changes_nothing((input, _path, _query) in base()) {
        let first = resolve(&input, &ResolveOptions::new()).unwrap();
        let again = resolve(first.chat.as_str(), &ResolveOptions::new()).unwrap();
        prop_assert_eq!(again.kind, EndpointKind::Full);
        prop_assert_eq!(&again.chat, &first.chat);
        prop_assert_eq!(&again.models, &first.models);
    }
}
