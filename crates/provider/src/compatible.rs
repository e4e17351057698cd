//! [`OpenAiCompatible`]: the generic OpenAI-compatible provider.

use std::sync::Arc;

use crate::builder::ProviderBuilder;
use crate::engine::{Engine, provider_via_engine};
use crate::error::Error;
use crate::settings::{ModelRules, ProviderConfig};
use crate::shaping::ShapingRules;

/// The generic OpenAI-compatible provider: any endpoint that speaks
/// `/chat/completions` (Together, DeepSeek, Groq, OpenRouter, Ollama, vLLM, …).
///
/// Cheap to clone: clones share one connection pool.
#[derive(Clone, Debug)]
pub struct OpenAiCompatible {
    engine: Arc<Engine>,
}

impl OpenAiCompatible {
    /// A provider for `config` (a [`ProviderConfig`], or anything that converts
    /// into one, such as the config crate's resolved profile) with default limits
    /// and retry spacing. It follows the generic rules: OpenAI-native rules in
    /// the config ([`ModelRules::Native`]) are not applied (use
    /// [`provider_for`](crate::provider_for) to follow them).
    ///
    /// Fails when a setting cannot be used (header, proxy, certificate); the error
    /// names the setting.
    pub fn new(config: impl Into<ProviderConfig>) -> Result<Self, Error> {
        Self::builder(config).build()
    }

    /// A builder for limits and the retry clock.
    pub fn builder(config: impl Into<ProviderConfig>) -> OpenAiCompatibleBuilder {
        ProviderBuilder::new(config.into())
    }

    /// The request rules in force (what the body will look like): the configured
    /// ones, with what discovery learned once the first request has run it.
    pub fn shaping_rules(&self) -> &ShapingRules {
        &self.engine.discovery.current().rules
    }
}

/// Builds an [`OpenAiCompatible`] with non-default limits or retry spacing.
pub type OpenAiCompatibleBuilder = ProviderBuilder<OpenAiCompatible>;

impl ProviderBuilder<OpenAiCompatible> {
    /// Build the provider.
    pub fn build(self) -> Result<OpenAiCompatible, Error> {
        let compat = match self.config.rules() {
            ModelRules::Compatible(compat) => compat.clone(),
            ModelRules::Native(_) => Default::default(),
        };
        let rules = ShapingRules::compatible(&self.config, &compat);
        let engine = Engine::new(self.config, rules, &self.settings)?;
        Ok(OpenAiCompatible {
            engine: Arc::new(engine),
        })
    }
}

provider_via_engine!(OpenAiCompatible, crate::ProviderChoice::Compatible);

#[cfg(test)]
mod tests {
    use oac_url::{ResolveOptions, resolve};
    use secrecy::SecretString;

    use super::*;
    use crate::provider::Provider;
    use crate::request::ChatRequest;
    use crate::retry::RetryPolicy;

    fn profile() -> ProviderConfig {
        let endpoints = resolve("https://api.example.com/v1", &ResolveOptions::default()).unwrap();
        ProviderConfig::new(endpoints, "m")
    }

    #[test]
    fn unusable_proxy_is_a_config_error_without_the_url() {
        let p = profile().with_proxy("http://user:hunter2@[bad");
        let err = OpenAiCompatible::new(p).unwrap_err();
        assert!(
            matches!(err, Error::InvalidConfig { ref field, .. } if field == "proxy"),
            "{err:?}"
        );
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn unreadable_ca_cert_is_a_config_error() {
        let p = profile().with_ca_cert("/nonexistent/ca.pem");
        let err = OpenAiCompatible::new(p).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid setting `ca_cert`: cannot read /nonexistent/ca.pem"),
            "{err}"
        );
    }

    #[test]
    fn ca_cert_that_is_not_pem_is_a_config_error() {
        let path = std::env::temp_dir().join(format!("oac-not-a-cert-{}.pem", std::process::id()));
        std::fs::write(&path, "not a certificate").unwrap();
        let p = profile().with_ca_cert(path.clone());
        let err = OpenAiCompatible::new(p).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert!(
            matches!(err, Error::InvalidConfig { ref field, .. } if field == "ca_cert"),
            "{err:?}"
        );
    }

    #[test]
    fn invalid_profile_header_is_a_config_error_without_the_value() {
        let mut headers = crate::Headers::new();
        headers.insert("X-Key", "sk-abc\nInjected: yes");
        let p = profile().with_headers(headers);
        let err = OpenAiCompatible::new(p).unwrap_err();
        assert!(
            matches!(err, Error::InvalidConfig { ref field, .. } if field == "headers"),
            "{err:?}"
        );
        assert!(!err.to_string().contains("sk-abc"), "{err}");
    }

    #[test]
    fn key_with_a_line_break_is_a_config_error_without_the_key() {
        let p = profile().with_api_key(SecretString::from("sk-line\nbreak"));
        let err = OpenAiCompatible::new(p).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("sk-line"), "{err}");
    }

    #[test]
    fn the_key_header_is_marked_sensitive() {
        let p = profile().with_api_key(SecretString::from("sk-sensitive-1234"));
        let provider = OpenAiCompatible::new(p).unwrap();
        let debug = format!("{provider:?}");
        assert!(!debug.contains("sk-sensitive-1234"), "{debug}");
        assert!(debug.contains("Sensitive"), "{debug}");
    }

    /// A resolver that knows no name, as when DNS has no record for the host.
    struct NoSuchHost;

    impl reqwest::dns::Resolve for NoSuchHost {
        fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
            let message = format!("no record for {}", name.as_str());
            Box::pin(async move {
                Err::<reqwest::dns::Addrs, _>(
                    std::io::Error::new(std::io::ErrorKind::NotFound, message).into(),
                )
            })
        }
    }

    #[tokio::test]
    async fn an_unresolvable_host_is_a_connection_error_naming_the_host() {
        let endpoints =
            resolve("https://llm.nowhere.example/v1", &ResolveOptions::default()).unwrap();
        let p = ProviderConfig::new(endpoints, "m").with_max_retries(0);
        let mut builder = OpenAiCompatible::builder(p);
        builder.settings.resolver = Some(Arc::new(NoSuchHost));
        let err = builder
            .build()
            .unwrap()
            .chat(ChatRequest::new().user("Hi"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Connection { .. }), "{err:?}");
        insta::assert_snapshot!("unresolvable_host", err.to_string());
    }

    #[test]
    fn the_builder_sets_limits() {
        let provider = OpenAiCompatible::builder(profile())
            .max_body_bytes(10)
            .max_event_bytes(20)
            .retry_policy(RetryPolicy::with_max_retries(7))
            .build()
            .unwrap();
        assert_eq!(provider.engine.transport.limits.max_body_bytes, 10);
        assert_eq!(provider.engine.transport.limits.max_event_bytes, 20);
        assert_eq!(provider.engine.transport.retry.max_retries, 7);
        assert_eq!(provider.kind(), Some(crate::ProviderChoice::Compatible));
        assert_eq!(provider.model(), "m");
    }
}
