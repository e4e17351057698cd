//! Rule 5: which family of API the URL belongs to.

use crate::endpoints::Flavor;
use crate::path;

/// Host suffixes of Azure OpenAI resources.
const AZURE_OPENAI_HOSTS: [&str; 2] = [".openai.azure.com", ".cognitiveservices.azure.com"];
/// Host suffix of Azure AI Foundry (AI Inference) resources.
const AZURE_AI_INFERENCE_HOST: &str = ".services.ai.azure.com";

/// Rule 5 for a lower-case host and a trimmed path.
///
/// An AI Foundry host (`*.services.ai.azure.com`) also serves the Azure OpenAI
/// API under `/openai/…`; such a path is read as Azure OpenAI.
pub(crate) fn detect(host: &str, path: &str, azure_configured: bool) -> Flavor {
    let host = host.trim_end_matches('.');
    if azure_configured || AZURE_OPENAI_HOSTS.iter().any(|s| host.ends_with(s)) {
        return Flavor::AzureOpenAi;
    }
    if host.ends_with(AZURE_AI_INFERENCE_HOST) {
        let openai_path = path::segments(path)
            .first()
            .is_some_and(|first| first.eq_ignore_ascii_case("openai"));
        return if openai_path {
            Flavor::AzureOpenAi
        } else {
            Flavor::AzureAiInference
        };
    }
    Flavor::Standard
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_azure_host_is_azure_openai() {
        assert_eq!(
            detect("res.openai.azure.com", "", false),
            Flavor::AzureOpenAi
        );
    }

    #[test]
    fn cognitive_services_host_is_azure_openai() {
        assert_eq!(
            detect("res.cognitiveservices.azure.com", "", false),
            Flavor::AzureOpenAi
        );
    }

    #[test]
    fn trailing_dot_host_is_still_azure() {
        assert_eq!(
            detect("res.openai.azure.com.", "", false),
            Flavor::AzureOpenAi
        );
    }

    #[test]
    fn configured_azure_makes_any_host_azure_openai() {
        assert_eq!(
            detect("apim.contoso.com", "/openai", true),
            Flavor::AzureOpenAi
        );
    }

    #[test]
    fn services_ai_host_is_azure_ai_inference() {
        assert_eq!(
            detect("res.services.ai.azure.com", "/models", false),
            Flavor::AzureAiInference
        );
    }

    #[test]
    fn services_ai_host_with_openai_path_is_azure_openai() {
        assert_eq!(
            detect("res.services.ai.azure.com", "/openai/v1", false),
            Flavor::AzureOpenAi
        );
    }

    #[test]
    fn look_alike_hosts_are_standard() {
        for host in [
            "openai.azure.com",
            "openai.azure.com.evil.com",
            "api.openai.com",
        ] {
            assert_eq!(detect(host, "", false), Flavor::Standard, "{host}");
        }
    }
}
