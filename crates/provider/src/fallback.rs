//! Remembered capabilities: a request parameter a server clearly refused (a 400 or
//! 422 whose message, blamed parameter or code names it as unknown or unsupported)
//! is sent differently, or not at all, from then on, for that endpoint and model.
//!
//! | parameter sent | refusal names it | from then on |
//! |---|---|---|
//! | `stream_options` | anywhere in the refusal | usage is not asked for (`include_usage = "auto"` only) |
//! | `max_completion_tokens` | as unknown or unsupported | sent as `max_tokens` |
//! | `max_tokens` | as unsupported (OpenAI reasoning models: "use `max_completion_tokens`") | sent as `max_completion_tokens` |
//! | `reasoning_effort` | as unknown, unsupported, or its value as invalid | not sent |
//! | `parallel_tool_calls` | as unknown or unsupported | not sent |
//! | `temperature` | as unsupported (reasoning models: "only the default (1)") | not sent |
//! | `tools` | "does not support tools", `--jinja`, `--enable-auto-tool-choice` | [`Error::ToolsNotSupported`], before sending |
//!
//! A fallback is remembered only once the request went through with it (a refusal
//! that merely echoed the body must not cost later requests anything), is logged
//! once at `warn`, and is listed in [`KnownModel::fallbacks`](crate::KnownModel::fallbacks)
//! (what `oac doctor` shows). Tools are never dropped: a request that needs them
//! fails with an error saying so.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::Error;

/// How a refused parameter is sent from then on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Fallback {
    /// `stream_options` is not sent (streams do not ask for usage).
    NoStreamOptions,
    /// `max_completion_tokens` is sent as `max_tokens`.
    MaxTokensField,
    /// `max_tokens` is sent as `max_completion_tokens`.
    MaxCompletionTokensField,
    /// `reasoning_effort` is not sent.
    NoReasoningEffort,
    /// `parallel_tool_calls` is not sent.
    NoParallelToolCalls,
    /// `temperature` is not sent.
    NoTemperature,
}

impl Fallback {
    /// Every fallback, in the order refusals are matched.
    const ALL: [Fallback; 6] = [
        Fallback::NoStreamOptions,
        Fallback::MaxTokensField,
        Fallback::MaxCompletionTokensField,
        Fallback::NoReasoningEffort,
        Fallback::NoParallelToolCalls,
        Fallback::NoTemperature,
    ];

    /// The body field a refusal must name.
    pub fn parameter(self) -> &'static str {
        match self {
            Fallback::NoStreamOptions => "stream_options",
            Fallback::MaxTokensField => "max_completion_tokens",
            Fallback::MaxCompletionTokensField => "max_tokens",
            Fallback::NoReasoningEffort => "reasoning_effort",
            Fallback::NoParallelToolCalls => "parallel_tool_calls",
            Fallback::NoTemperature => "temperature",
        }
    }

    /// True when `named` (the refusal's texts) says the parameter is unknown or
    /// unsupported, not that its value is out of range (`max_tokens` too large is
    /// no reason to rename it). An effort's value may be refused as `invalid`, and
    /// a reasoning model accepts "only the default" temperature.
    fn is_refused_in(self, named: &str) -> bool {
        const UNKNOWN: &[&str] = &[
            "unrecognized",
            "unknown",
            "unsupported",
            "not supported",
            "extra",
            "not permitted",
            "unexpected",
            "does not support",
        ];
        let also: &[&str] = match self {
            Fallback::NoReasoningEffort => &["invalid"],
            Fallback::NoTemperature => &["only the default"],
            _ => &[],
        };
        named.contains(self.parameter())
            && UNKNOWN.iter().chain(also).any(|word| named.contains(word))
    }

    /// `body` as it is sent from then on.
    pub(crate) fn apply(self, body: &mut Map<String, Value>) {
        match self {
            Fallback::MaxTokensField => rename(body, "max_completion_tokens", "max_tokens"),
            Fallback::MaxCompletionTokensField => {
                rename(body, "max_tokens", "max_completion_tokens");
            }
            other => {
                body.remove(other.parameter());
            }
        }
    }
}

fn rename(body: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(value) = body.remove(from) {
        body.insert(to.to_owned(), value);
    }
}

impl fmt::Display for Fallback {
    /// `reasoning_effort is not sent (the server refused it)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Fallback::NoStreamOptions => {
                "stream_options is not sent (the server refused it), so streams do not ask for usage"
            }
            Fallback::MaxTokensField => {
                "max_completion_tokens is sent as max_tokens (the server refused max_completion_tokens)"
            }
            Fallback::MaxCompletionTokensField => {
                "max_tokens is sent as max_completion_tokens (the server refused max_tokens)"
            }
            Fallback::NoReasoningEffort => "reasoning_effort is not sent (the server refused it)",
            Fallback::NoParallelToolCalls => {
                "parallel_tool_calls is not sent (the server refused it)"
            }
            Fallback::NoTemperature => "temperature is not sent (the model refused it)",
        })
    }
}

/// The texts of a clear refusal (400 or 422): message, blamed parameter, code, and
/// the body only for `stream_options` (whose refusals are often only in a FastAPI
/// body). `None` for any other status.
fn refusal_texts(error: &Error) -> Option<(String, String)> {
    let details = error.details()?;
    if !matches!(details.status, Some(400 | 422)) {
        return None;
    }
    let named = [&details.message, &details.param, &details.code]
        .into_iter()
        .flatten()
        .map(|t| t.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let body = details
        .body
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Some((named, body))
}

/// The fallback a refusal of `body` asks for: the first parameter `body` carries
/// that the refusal names as unknown or unsupported, and that is not in `tried`.
pub(crate) fn for_refusal(
    error: &Error,
    body: &Map<String, Value>,
    tried: &[Fallback],
) -> Option<Fallback> {
    let (named, whole) = refusal_texts(error)?;
    Fallback::ALL.into_iter().find(|fallback| {
        if tried.contains(fallback) || !body.contains_key(fallback.parameter()) {
            return false;
        }
        if *fallback == Fallback::NoStreamOptions {
            return [named.as_str(), whole.as_str()].iter().any(|text| {
                text.contains("stream_options")
                    || text.contains("include_usage")
                    || text.contains("streamoptions")
            });
        }
        fallback.is_refused_in(&named)
    })
}

/// True when a refusal of a request with `tools` says the model or server cannot
/// call tools (Ollama: "does not support tools"; llama.cpp without `--jinja`; vLLM
/// without `--enable-auto-tool-choice`). Any 4xx or 5xx.
pub(crate) fn refuses_tools(error: &Error, body: &Map<String, Value>) -> bool {
    if !body.contains_key("tools") {
        return false;
    }
    let Some(details) = error.details() else {
        return false;
    };
    if details.status.is_none_or(|s| s < 400) {
        return false;
    }
    let text = [&details.message, &details.param, &details.body]
        .into_iter()
        .flatten()
        .map(|t| t.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    [
        "does not support tools",
        "doesn't support tools",
        "tools are not supported",
        "tool calls are not supported",
        "tool use is not supported",
        "--jinja",
        "enable-auto-tool-choice",
        "function calling is not supported",
        "does not support function calling",
    ]
    .iter()
    .any(|phrase| text.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(status: u16, message: &str, param: Option<&str>) -> Error {
        let details = crate::error::ErrorDetails {
            status: Some(status),
            message: Some(message.to_owned()),
            param: param.map(str::to_owned),
            ..Default::default()
        };
        Error::Rejected {
            summary: "rejected".into(),
            details: Box::new(details),
        }
    }

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn openai_reasoning_models_refuse_max_tokens() {
        let error = refusal(
            400,
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
            Some("max_tokens"),
        );
        let sent = body(json!({"model": "o1", "max_tokens": 10}));
        assert_eq!(
            for_refusal(&error, &sent, &[]),
            Some(Fallback::MaxCompletionTokensField)
        );
        let mut sent = sent;
        Fallback::MaxCompletionTokensField.apply(&mut sent);
        assert_eq!(sent.get("max_completion_tokens"), Some(&json!(10)));
        assert!(!sent.contains_key("max_tokens"));
    }

    #[test]
    fn a_value_out_of_range_is_not_a_fallback() {
        let error = refusal(400, "max_tokens must be at most 4096", Some("max_tokens"));
        let sent = body(json!({"max_tokens": 100000}));
        assert_eq!(for_refusal(&error, &sent, &[]), None);
    }

    #[test]
    fn an_invalid_effort_value_drops_the_effort() {
        let error = refusal(
            400,
            "Invalid value for 'reasoning_effort': 'xhigh'. Supported values are: 'low', 'medium', 'high'.",
            None,
        );
        let sent = body(json!({"reasoning_effort": "xhigh"}));
        assert_eq!(
            for_refusal(&error, &sent, &[]),
            Some(Fallback::NoReasoningEffort)
        );
        assert_eq!(
            for_refusal(&error, &sent, &[Fallback::NoReasoningEffort]),
            None
        );
    }

    #[test]
    fn a_parameter_not_sent_is_never_blamed() {
        let error = refusal(
            400,
            "Unrecognized request argument supplied: temperature",
            None,
        );
        assert_eq!(for_refusal(&error, &body(json!({"model": "m"})), &[]), None);
    }

    #[test]
    fn only_400_and_422_are_refusals() {
        let error = refusal(
            500,
            "Unrecognized request argument supplied: temperature",
            None,
        );
        assert_eq!(
            for_refusal(&error, &body(json!({"temperature": 1})), &[]),
            None
        );
    }

    #[test]
    fn tool_refusals_of_ollama_llama_cpp_and_vllm() {
        let sent = body(json!({"tools": []}));
        for (status, message) in [
            (
                400,
                "registry.ollama.ai/library/gemma2:2b does not support tools",
            ),
            (500, "tools param requires --jinja flag"),
            (
                400,
                "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set",
            ),
        ] {
            assert!(
                refuses_tools(&refusal(status, message, None), &sent),
                "{message}"
            );
        }
        assert!(!refuses_tools(
            &refusal(400, "does not support tools", None),
            &body(json!({}))
        ));
    }
}
