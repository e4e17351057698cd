//! The one-line fix for each kind of failure, as `oac doctor` prints it.

use oac::url::EndpointKind;
use oac::{Error, ErrorKind, ResolvedProfile};

/// The fix when the configuration does not load.
pub const FIX_CONFIG: &str = "fix each problem listed: each names its field and what to change";

/// The fix when only the URL of an otherwise valid configuration is wrong.
pub const FIX_URL: &str =
    "type the base URL as the provider documents it, e.g. https://api.provider.com/v1";

/// What the user should do about `error`, given the profile in use.
pub fn fix_for(error: &Error, profile: &ResolvedProfile) -> String {
    match error.kind() {
        ErrorKind::InvalidApiKey => match &profile.key_source() {
            Some(source) => format!(
                "the key from {source} was refused: put the right key there (keys belong to one provider and one account)"
            ),
            None => "no API key is set: export OPENAI_API_KEY=…, or name a variable or file with api_key_env / api_key_file in the profile".to_owned(),
        },
        ErrorKind::PermissionDenied => format!(
            "this key may not use `{}` or this endpoint: pick a model `oac models` lists, or ask the account owner for access",
            profile.model()
        ),
        ErrorKind::ModelNotFound => {
            "set the model (--model, OPENAI_MODEL or the profile's `model`) to one that `oac models` lists".to_owned()
        }
        ErrorKind::EndpointNotFound => match profile.endpoints().kind {
            EndpointKind::Base => "the server has no such URL: check the base URL against the provider's docs (most end in /v1); if you pasted a complete endpoint, set endpoint_mode = \"full\" (`oac resolve` shows what is called)".to_owned(),
            _ => "the server has no such URL: check the endpoint against the provider's docs; if it is a base URL, set endpoint_mode = \"base\" (`oac resolve` shows what is called)".to_owned(),
        },
        ErrorKind::Connection => "check that the server is running and that the host and port of the base URL are right (`oac resolve`); behind a proxy, set `proxy` in the profile".to_owned(),
        ErrorKind::Timeout => "the provider is too slow or unreachable: check the network, or raise the timeout the message names in the profile".to_owned(),
        ErrorKind::RateLimited => match error.retry_after() {
            Some(wait) => format!(
                "wait {:.1} s and try again; lower the request rate or ask the provider for a higher limit",
                wait.as_secs_f64()
            ),
            None => "wait a little and try again; lower the request rate or ask the provider for a higher limit".to_owned(),
        },
        ErrorKind::QuotaExhausted => "add credit or raise the quota in the provider's billing settings".to_owned(),
        ErrorKind::ServerError => "the provider failed on its side: try again later, or check its status page".to_owned(),
        ErrorKind::Decode if matches!(error.provider_error(), Some(oac::provider::Error::TooLarge { .. })) => "the reply was larger than oac accepts (the message names the limit): a server that never stops sending is broken; otherwise ask for a shorter reply (lower max_tokens)".to_owned(),
        ErrorKind::Decode => "the server does not answer in the OpenAI chat-completions format at this URL: check the base URL (`oac resolve`)".to_owned(),
        ErrorKind::StreamEndedEarly => "the stream was cut before it finished (a proxy may cut long responses): set `streaming = false` in the profile to use complete replies".to_owned(),
        ErrorKind::ToolsNotSupported => "send the request without tools, or pick a model (and server) that calls tools: the message says which".to_owned(),
        ErrorKind::EmptyReply => "the model answered with nothing: try again; if it keeps happening, raise --max-tokens (a reasoning model may spend them all thinking) or try another model".to_owned(),
        ErrorKind::ContextTooLong => "shorten the conversation, or set the model's real context_window in the profile's model_info".to_owned(),
        ErrorKind::Config | ErrorKind::InvalidRequest => "fix the setting the message names".to_owned(),
        _ => "read the provider's message above; it names what it refused".to_owned(),
    }
}

/// `did you mean `…`?` for a model id, from the ids the provider lists.
pub fn closest_model<'a>(model: &str, ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    oac::pricing::closest(model, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_listed_model() {
        let ids = ["gpt-4o", "gpt-4o-mini", "llama3.2"];
        assert_eq!(closest_model("gpt4o", ids), Some("gpt-4o"));
        assert_eq!(closest_model("GPT-4o-mini", ids), Some("gpt-4o-mini"));
        assert_eq!(closest_model("claude", ids), None);
    }
}
