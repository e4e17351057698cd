//! Every bad input with its exact message (file snapshots), and proof that no
//! message or Debug output ever shows a password from a URL.

// Test helpers outside #[test] functions panic on purpose: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_url::{AzureOptions, ResolveOptions, UrlError, resolve};

fn message(input: &str, options: &ResolveOptions) -> String {
    let err = resolve(input, options).expect_err("input must be rejected");
    format!("input: {input:?}\nerror: {err}")
}

fn base_error(input: &str) -> String {
    message(input, &ResolveOptions::new().model("m"))
}

macro_rules! pinned {
    ($name:ident, $input:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), base_error($input));
        }
    };
}

pinned!(empty_url_for_compatible_provider, "");
pinned!(blank_url_for_compatible_provider, "   ");
pinned!(host_without_scheme, "api.provider.com/v1");
pinned!(localhost_and_port_without_scheme, "localhost:11434/v1");
pinned!(ipv4_loopback_without_scheme, "127.0.0.1:8080/v1");
pinned!(ipv6_loopback_without_scheme, "[::1]:8080/v1");
pinned!(private_address_without_scheme, "192.168.1.20:8000/v1");
pinned!(host_and_port_without_scheme, "api.provider.com:8443/v1");
pinned!(scheme_without_colon, "https//api.provider.com/v1");
pinned!(scheme_relative_url, "//api.provider.com/v1");
pinned!(ftp_scheme, "ftp://api.provider.com/v1");
pinned!(websocket_scheme, "ws://localhost:8080/v1");
pinned!(file_scheme, "file:///etc/openai.json");
pinned!(
    user_and_password_in_url,
    "https://user:pw@api.provider.com/v1"
);
pinned!(
    token_as_user_name_in_url,
    "https://sk-abc123@api.provider.com/v1"
);
pinned!(credentials_without_scheme, "user:pw@localhost:11434/v1");
pinned!(fragment, "https://api.provider.com/v1#models");
pinned!(empty_fragment, "https://api.provider.com/v1#");
pinned!(space_inside, "https://api.provider.com/v1 /chat");
pinned!(tab_inside, "https://api.provider.com/\tv1");
pinned!(line_break_inside, "https://api.provider.com\n/v1");
pinned!(
    zero_width_space_inside,
    "https://api.provider\u{200B}.com/v1"
);
pinned!(double_quoted, "\"https://api.provider.com/v1\"");
pinned!(angle_bracketed, "<https://api.provider.com/v1>");
pinned!(scheme_only, "https://");
pinned!(triple_slash_without_host, "https:///v1");
pinned!(port_without_host, "http://:8080/v1");
pinned!(port_out_of_range, "http://localhost:99999/v1");
pinned!(broken_ipv6_host, "http://[::1/v1");
pinned!(invalid_domain, "https://exa%mple.com/v1");

#[test]
fn azure_resource_without_deployment_or_model() {
    insta::assert_snapshot!(
        "azure_resource_without_deployment_or_model",
        message("https://res.openai.azure.com", &ResolveOptions::new())
    );
}

#[test]
fn configured_query_parameter_without_name() {
    insta::assert_snapshot!(
        "configured_query_parameter_without_name",
        message(
            "https://api.provider.com/v1",
            &ResolveOptions::new().query_param(" ", "secret-value")
        )
    );
}

#[test]
fn models_url_without_scheme() {
    insta::assert_snapshot!(
        "models_url_without_scheme",
        message(
            "https://api.provider.com/v1",
            &ResolveOptions::new().models_url("api.provider.com/v1/models")
        )
    );
}

#[test]
fn models_url_with_credentials() {
    insta::assert_snapshot!(
        "models_url_with_credentials",
        message(
            "https://api.provider.com/v1",
            &ResolveOptions::new().models_url("https://u:pw@api.provider.com/v1/models")
        )
    );
}

#[test]
fn unknown_endpoint_mode() {
    let err = "complete".parse::<oac_url::EndpointMode>().unwrap_err();
    insta::assert_snapshot!("unknown_endpoint_mode", err.to_string());
}

#[test]
fn unknown_auth_style() {
    let err = "token".parse::<oac_url::AuthStyle>().unwrap_err();
    insta::assert_snapshot!("unknown_auth_style", err.to_string());
}

#[test]
fn invalid_host_chains_the_parser_error() {
    let err = resolve("http://[::1/v1", &ResolveOptions::new()).unwrap_err();
    let source = std::error::Error::source(&err).expect("parser error is chained");
    assert_eq!(source.to_string(), "invalid IPv6 address");
}

/// Inputs that carry a password, alone or with another mistake.
const WITH_PASSWORD: [&str; 10] = [
    "https://alice:hunter2secret@api.provider.com/v1",
    "http://alice:hunter2secret@localhost:11434/v1",
    "alice:hunter2secret@api.provider.com/v1",
    "ftp://alice:hunter2secret@api.provider.com/v1",
    "https://alice:hunter2secret@api.provider.com/v 1",
    "https://alice:hunter2secret@api.provider.com/v1#frag",
    "\"https://alice:hunter2secret@api.provider.com/v1\"",
    r"https:\\alice:hunter2secret@api.provider.com\v1",
    "https:alice:hunter2secret@api.provider.com/v1",
    "https://hunter2secret@api.provider.com:99999/v1",
];

#[test]
fn no_message_shows_a_password_from_the_url() {
    for input in WITH_PASSWORD {
        let err = resolve(input, &ResolveOptions::new()).unwrap_err();
        assert!(
            matches!(err, UrlError::CredentialsNotAllowed { .. }),
            "{input}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2secret"), "{input}: {shown}");
        assert!(!shown.contains("alice"), "{input}: {shown}");
    }
}

#[test]
fn no_models_url_message_shows_a_password() {
    for input in WITH_PASSWORD {
        let options = ResolveOptions::new().models_url(input);
        let err = resolve("https://api.provider.com/v1", &options).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("hunter2secret"), "{input}: {shown}");
    }
}

#[test]
fn query_name_error_does_not_show_the_value() {
    let options = ResolveOptions::new().query_param("", "hunter2secret");
    let err = resolve("https://api.provider.com/v1", &options).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2secret"));
}

#[test]
fn azure_configured_without_deployment_or_model_is_an_error() {
    let options = ResolveOptions::new().azure(AzureOptions::new().api_version("2024-10-21"));
    assert_eq!(
        resolve("https://res.openai.azure.com", &options),
        Err(UrlError::DeploymentRequired)
    );
}
