//! One secret rule through every display path of the library: any URL with a
//! secret-named query parameter, or the key's value anywhere in it, never shows
//! the value in `Display`, `Debug` or an error: the url crate's endpoints and URL
//! errors, the config crate's resolved profile and errors, the provider's config
//! and the errors of a real request (a refused connection on 127.0.0.1).
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac_config::ProfileBuilder;
use oac_provider::{ChatRequest, ProviderConfig, provider_for};
use oac_url::{ResolveOptions, resolve};
use proptest::prelude::*;
use secrecy::SecretString;

/// Where the secret sits in the base URL.
fn base_url(place: usize, port: u16, name: &str, value: &str, key: &str) -> String {
    match place {
        0 => format!("http://127.0.0.1:{port}/v1?{name}={value}"),
        1 => format!("http://127.0.0.1:{port}/v1?foo={key}"),
        2 => format!("http://127.0.0.1:{port}/{key}/v1"),
        _ => format!("http://127.0.0.1:{port}/v1?{name}={value}&x={key}"),
    }
}

fn assert_hidden(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows `{secret}`: {text}");
    }
}

/// A port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_display_path_shows_a_secret(
        key in "(sk-|)[A-Za-z0-9]{16,32}",
        value in "[A-Za-z0-9]{10,20}",
        name in "(x_|x-|)(api_key|api_token|access_key|auth_key|key|token|sig|code|secret|password|apikey|X-Api-Key)",
        place in 0..4usize,
    ) {
        let port = closed_port();
        let url = base_url(place, port, &name, &value, &key);
        let secrets = [value.as_str(), key.as_str()];
        // Where the key is not known to the url crate, only named values are masked.
        let named = if place == 0 || place == 3 { vec![value.as_str()] } else { vec![] };

        // The url crate alone.
        let endpoints = resolve(&url, &ResolveOptions::default()).unwrap();
        assert_hidden("Endpoints Display", &endpoints.to_string(), &named);
        assert_hidden("Endpoints Debug", &format!("{endpoints:?}"), &named);
        let without_scheme = url.trim_start_matches("http://");
        let error = resolve(&format!("{without_scheme} "), &ResolveOptions::default()).unwrap_err();
        assert_hidden("UrlError", &error.to_string(), &named);
        let error = resolve(&format!("ftp://{without_scheme}"), &ResolveOptions::default()).unwrap_err();
        assert_hidden("UrlError", &error.to_string(), &named);

        // The config crate, which knows the key.
        let profile = ProfileBuilder::new()
            .base_url(url.clone())
            .model("m")
            .api_key(SecretString::from(key.clone()))
            // A refused connection is retried; the test needs only the error.
            .max_retries(0)
            .build()
            .unwrap();
        assert_hidden("ResolvedProfile Debug", &format!("{profile:?}"), &secrets);
        let config = ProviderConfig::from(profile);
        assert_hidden("ProviderConfig Debug", &format!("{config:?}"), &secrets);

        // A real request to a closed port: the error and its Debug.
        let provider = provider_for(config).unwrap();
        assert_hidden("Provider Debug", &format!("{provider:?}"), &secrets);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let error = runtime
            .block_on(provider.chat(ChatRequest::new().user("hi")))
            .unwrap_err();
        assert_hidden("Error Display", &error.to_string(), &secrets);
        assert_hidden("Error Debug", &format!("{error:?}"), &secrets);
        let error = runtime.block_on(provider.list_models()).unwrap_err();
        assert_hidden("models Error Display", &error.to_string(), &secrets);
        assert_hidden("models Error Debug", &format!("{error:?}"), &secrets);
    }
}
