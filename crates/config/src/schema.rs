//! The profile schema, declared once: every setting of a profile with its keys,
//! type, reader, writer, checks, default, builder setter and documentation. The
//! `Profile` struct, `PROFILE_KEYS`, the file reader (`convert`), the TOML writer
//! (`write`), the value checks (`validate`), `ProfileBuilder`'s setters, the
//! defaults resolution applies, the provider's `RequestDefaults` and the key table
//! of docs/config.md all come from the one list below.
//!
//! Adding a setting is one entry here, plus the code that uses its resolved value
//! (a `request:` entry needs none in this crate: it fills the provider's
//! `RequestDefaults` field of that name).

mod codec;
pub(crate) mod declare;

use std::path::PathBuf;
use std::time::Duration;

use oac_provider::RequestDefaults;
use oac_url::EndpointMode;

use crate::builder::ProfileBuilder;
use crate::convert::{Cx, Fields};
use crate::headers::Headers;
use crate::model_info::{ModelInfoOverrides, ReasoningEffort};
use crate::problem::{Report, child};
use crate::profile::{
    ApiChoice, AuthStyle, AzureSettings, IncludeUsage, KeySource, MaxTokensField, ProviderChoice,
    Timeouts,
};
use crate::validate;
use crate::write::TomlOut;
use codec::{
    Auth, Azure, Codec, Count, Flag, HeaderTable, Key, ModelInfoTable, Number, PathText,
    QueryTable, Seconds, Text, Word,
};

declare::profile_schema! {
    /// `provider`: which implementation talks to the endpoint (`auto` when unset).
    provider: Option<ProviderChoice> {
        keys: ["provider"],
        codec: Word<ProviderChoice>,
        default: ProviderChoice = ProviderChoice::Auto,
        setter: provider(provider: ProviderChoice) => provider,
        doc: "`auto` is OpenAI-native when there is no base URL or its host is `api.openai.com`, else compatible",
    }
    /// `base_url`: a base (`https://api.provider.com/v1`) or a full chat endpoint.
    base_url: Option<String> {
        keys: ["base_url"],
        codec: Text,
        example: "\"https://api.provider.com/v1\"",
        setter: base_url(url: impl Into<String>) => url.into(),
        doc: "a base or a full endpoint; see [url-resolution.md](url-resolution.md). Required for a compatible provider; the native one defaults to `https://api.openai.com/v1`",
    }
    /// `endpoint_mode`: whether the URL is read as a base or a full endpoint
    /// (`auto` when unset).
    endpoint_mode: Option<EndpointMode> {
        keys: ["endpoint_mode"],
        codec: Word<EndpointMode>,
        default: EndpointMode = EndpointMode::default(),
        setter: endpoint_mode(mode: EndpointMode) => mode,
        doc: "how the URL is read",
    }
    /// `api`: which API chat requests go through (`auto` when unset).
    api: Option<ApiChoice> {
        keys: ["api"],
        codec: Word<ApiChoice>,
        default: ApiChoice = ApiChoice::default(),
        setter: api(api: ApiChoice) => api,
        doc: "`auto`: the API a full endpoint URL names, else the one the [catalogue](catalog.md) says a native model needs, else chat completions",
    }
    /// `models_url`: an explicit models-list URL.
    models_url: Option<String> {
        keys: ["models_url"],
        codec: Text,
        example: "\"https://api.provider.com/v1/models\"",
        setter: models_url(url: impl Into<String>) => url.into(),
        doc: "explicit models-list URL",
    }
    /// `api_key` / `api_key_env` / `api_key_file`.
    key: Option<KeySource> {
        keys: ["api_key", "api_key_env", "api_key_file"],
        codec: Key,
        doc: "the secret (inline, the variable holding it, a file holding it). Relative paths are relative to the config file; `~` is the home directory",
    }
    /// `auth`: how the key is sent (bearer, or `api-key-header` for Azure OpenAI,
    /// when unset).
    auth: Option<AuthStyle> {
        keys: ["auth"],
        codec: Auth,
        default_doc: "`bearer` (`api-key-header` for Azure OpenAI)",
        setter: auth(auth: AuthStyle) => auth,
        doc: "how the key is sent",
    }
    /// `model`: the model id sent to the provider.
    model: Option<String> {
        keys: ["model"],
        codec: Text,
        example: "\"gpt-4o-mini\"",
        check: validate::model_setting,
        setter: model(model: impl Into<String>) => model.into(),
        doc: "model id sent to the provider; required for chat",
    }
    /// `headers`: extra headers on every request.
    headers: Headers {
        keys: ["headers"],
        codec: HeaderTable,
        doc: "extra headers on every request (chat and models); a profile `Authorization` header replaces the key's header",
    }
    /// `query`: extra query parameters on every URL.
    query: Vec<(String, String)> {
        keys: ["query"],
        codec: QueryTable,
        doc: "extra query parameters on every URL (they win over the URL's own)",
    }
    /// `streaming`: stream replies where the caller leaves it open.
    streaming: Option<bool> {
        keys: ["streaming"],
        codec: Flag,
        default: bool = true,
        setter: streaming(on: bool) => on,
        doc: "stream replies",
    }
    /// `include_usage`: whether streamed requests ask for usage.
    include_usage: Option<IncludeUsage> {
        keys: ["include_usage"],
        codec: Word<IncludeUsage>,
        default: IncludeUsage = RequestDefaults::default().include_usage,
        request: include_usage,
        setter: include_usage(include: IncludeUsage) => include,
        doc: "send `stream_options.include_usage`; `auto` drops it (remembered per endpoint) when the server rejects it",
    }
    /// `max_tokens_field`: `max_tokens` or `max_completion_tokens` on the wire
    /// (ignored for the native provider).
    max_tokens_field: Option<MaxTokensField> {
        keys: ["max_tokens_field"],
        codec: Word<MaxTokensField>,
        default: MaxTokensField = RequestDefaults::default().max_tokens_field,
        setter: max_tokens_field(field: MaxTokensField) => field,
        doc: "field of the max output tokens (native: always `max_completion_tokens`)",
    }
    /// `include_max_tokens`: send the model's max output tokens when a request
    /// sets none.
    include_max_tokens: Option<bool> {
        keys: ["include_max_tokens"],
        codec: Flag,
        default: bool = RequestDefaults::default().include_max_tokens,
        request: include_max_tokens,
        setter: include_max_tokens(on: bool) => on,
        doc: "send the model's `max_output_tokens` when a request sets none",
    }
    /// `max_tokens`: max output tokens for requests that set none.
    max_tokens: Option<u32> {
        keys: ["max_tokens"],
        codec: Count,
        example: "4096",
        request: max_tokens,
        setter: max_tokens(tokens: u32) => tokens,
        doc: "max output tokens to request by default",
    }
    /// `temperature` (0 to 2) for requests that set none.
    temperature: Option<f64> {
        keys: ["temperature"],
        codec: Number,
        example: "0.7",
        doc_type: "number 0–2",
        check: validate::temperature_setting,
        request: temperature,
        setter: temperature(temperature: f64) => temperature,
        doc: "sent only when set (never to reasoning models)",
    }
    /// `reasoning_effort` for requests that set none.
    reasoning_effort: Option<ReasoningEffort> {
        keys: ["reasoning_effort"],
        codec: Word<ReasoningEffort>,
        request: reasoning_effort,
        setter: reasoning_effort(effort: ReasoningEffort) => effort,
        doc: "default effort",
    }
    /// `service_tier`: the processing tier of requests that ask for none.
    service_tier: Option<oac_provider::ServiceTier> {
        keys: ["service_tier"],
        codec: Word<oac_provider::ServiceTier>,
        request: service_tier,
        setter: service_tier(tier: oac_provider::ServiceTier) => tier,
        doc: "the processing tier requests ask for when they set none (a request's own tier wins); usage is priced at the tier's prices (`model_info.service_tiers`)",
    }
    /// `r1_format`: the DeepSeek-R1 message format (when unset: on exactly when
    /// the model id contains `deepseek-reasoner`).
    r1_format: Option<bool> {
        keys: ["r1_format"],
        codec: Flag,
        default_doc: "`false`; `true` when the model id contains `deepseek-reasoner`",
        setter: r1_format(on: bool) => on,
        doc: "DeepSeek-R1 message format",
    }
    /// `parse_think_tags`: split a leading `<think>…</think>` into reasoning.
    parse_think_tags: Option<bool> {
        keys: ["parse_think_tags"],
        codec: Flag,
        default: bool = oac_provider::DEFAULT_PARSE_THINK_TAGS,
        setter: parse_think_tags(on: bool) => on,
        doc: "read a leading `<think>…</think>` in the content as reasoning",
    }
    /// `discover_model_info`: ask the server, on the first request, for the
    /// model info fields `model_info` leaves unset.
    discover_model_info: Option<bool> {
        keys: ["discover_model_info"],
        codec: Flag,
        default: bool = oac_provider::DEFAULT_DISCOVER_MODEL_INFO,
        setter: discover_model_info(on: bool) => on,
        doc: "on the first request, ask the server for the `model_info` fields the profile leaves unset (context window, max output, images, tools, prices); see \"Discovered model info\" below",
    }
    /// `timeout_secs`: limit on a whole request.
    timeout: Option<Duration> {
        keys: ["timeout_secs"],
        codec: Seconds,
        example: "600",
        default: Duration = Timeouts::default().total,
        setter: timeout(timeout: Duration) => timeout,
        doc: "the whole request. Up to `18446744073709551615`; beyond about 30 years means no deadline, which is how to turn a timeout off",
    }
    /// `connect_timeout_secs`: limit on connecting.
    connect_timeout: Option<Duration> {
        keys: ["connect_timeout_secs"],
        codec: Seconds,
        example: "10",
        default: Duration = Timeouts::default().connect,
        setter: connect_timeout(timeout: Duration) => timeout,
        doc: "connecting",
    }
    /// `stream_idle_timeout_secs`: longest gap between data events of a stream.
    stream_idle_timeout: Option<Duration> {
        keys: ["stream_idle_timeout_secs"],
        codec: Seconds,
        example: "120",
        default: Duration = Timeouts::default().stream_idle,
        setter: stream_idle_timeout(timeout: Duration) => timeout,
        doc: "longest gap between data events of a stream: before the first content any bytes count, `: keep-alive` comments included (a reasoning model's server may keep the stream alive while it thinks); from the first content on only data events do",
    }
    /// `headers_timeout_secs`: limit from sending a request to its response
    /// headers (off when unset).
    headers_timeout: Option<Duration> {
        keys: ["headers_timeout_secs"],
        codec: Seconds,
        example: "60",
        default_doc: "off",
        setter: headers_timeout(timeout: Duration) => timeout,
        doc: "from sending the request to the response headers (a complete, non-streamed reply sends them only once it is ready)",
    }
    /// `first_content_timeout_secs`: limit from a stream's headers to its first
    /// text, reasoning or tool call (off when unset).
    first_content_timeout: Option<Duration> {
        keys: ["first_content_timeout_secs"],
        codec: Seconds,
        example: "300",
        default_doc: "off",
        setter: first_content_timeout(timeout: Duration) => timeout,
        doc: "from a stream's headers to its first text, reasoning or tool call, keep-alives or not",
    }
    /// `max_retries`: retries before any part of a reply reaches the caller.
    max_retries: Option<u32> {
        keys: ["max_retries"],
        codec: Count,
        example: "2",
        default: u32 = oac_provider::retry::DEFAULT_MAX_RETRIES,
        setter: max_retries(retries: u32) => retries,
        doc: "retries before any part of a response reaches the caller",
    }
    /// `proxy`: an HTTP(S) or SOCKS proxy for every request.
    proxy: Option<String> {
        keys: ["proxy"],
        codec: Text,
        example: "\"http://proxy.example.com:8080\"",
        doc_type: "`http`, `https`, `socks5` or `socks5h` URL",
        check: validate::proxy_setting,
        setter: proxy(url: impl Into<String>) => url.into(),
        doc: "proxy for every request (else environment proxies, except for loopback URLs)",
    }
    /// `ca_cert`: an extra PEM root certificate (relative to the config file;
    /// `~/` is the home directory).
    ca_cert: Option<PathBuf> {
        keys: ["ca_cert"],
        codec: PathText,
        example: "\"/etc/ssl/certs/company-root.pem\"",
        setter: ca_cert(path: impl Into<PathBuf>) => path.into(),
        doc: "extra PEM root certificates (enterprise gateways)",
    }
    /// `azure`: Azure OpenAI settings (`api-version`, deployment).
    azure: Option<AzureSettings> {
        keys: ["azure"],
        codec: Azure,
        setter: azure(azure: AzureSettings) => azure,
        doc: "Azure OpenAI settings (any host with them is Azure OpenAI)",
    }
    /// `model_info`: the model's description, over the catalogue entry or the
    /// defaults, field by field.
    model_info: ModelInfoOverrides {
        keys: ["model_info"],
        codec: ModelInfoTable,
        doc: "the model's configuration, below",
    }
}

/// A default as the documentation shows it: `auto`, not `"auto"`.
pub(crate) fn unquoted(shown: Option<String>) -> String {
    match shown {
        Some(text) => {
            let bare = text
                .strip_prefix('"')
                .and_then(|t| t.strip_suffix('"'))
                .unwrap_or(&text);
            format!("`{bare}`")
        }
        None => String::new(),
    }
}

/// Every profile key as a Markdown table (field, type, default, meaning), as the
/// schema declares it: the key table of docs/config.md is this text (a test
/// fails when they differ).
///
/// ```
/// let table = oac_config::profile_key_table();
/// assert!(table.contains("| `max_retries` | integer | `2` |"));
/// ```
pub fn profile_key_table() -> String {
    let mut out = String::from("| field | type | default | meaning |\n|---|---|---|---|\n");
    for row in doc_rows() {
        let cells: Vec<String> = row.iter().map(|cell| cell.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- profile keys: generated from crates/config/src/schema.rs -->\n";
    const END: &str = "<!-- end of profile keys -->";

    /// docs/config.md's key table is the schema's; `OAC_UPDATE_DOCS=1` rewrites it.
    #[test]
    fn the_documented_keys_are_the_schema() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/config.md");
        let doc = std::fs::read_to_string(&path).unwrap();
        let start = doc
            .find(BEGIN)
            .expect("docs/config.md has the begin marker")
            + BEGIN.len();
        let end = start
            + doc[start..]
                .find(END)
                .expect("docs/config.md has the end marker");
        let table = profile_key_table();
        if doc[start..end] != table && std::env::var_os("OAC_UPDATE_DOCS").is_some() {
            let updated = format!("{}{table}{}", &doc[..start], &doc[end..]);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        assert_eq!(
            doc[start..end],
            table,
            "docs/config.md disagrees with the schema; run OAC_UPDATE_DOCS=1 cargo test -p oac-config --lib schema"
        );
    }

    #[test]
    fn every_key_has_one_row() {
        let documented: Vec<String> = doc_rows().iter().map(|row| row[0].clone()).collect();
        let keys: Vec<String> = PROFILE_KEYS.iter().map(|k| format!("`{k}`")).collect();
        assert_eq!(documented.join(" / "), keys.join(" / "));
    }

    #[test]
    fn defaults_are_the_providers() {
        let config_default = oac_provider::ProviderConfig::new(
            oac_url::resolve("http://localhost:1/v1", &oac_url::ResolveOptions::default()).unwrap(),
            "m",
        );
        assert_eq!(defaults::max_retries(), config_default.max_retries());
        assert_eq!(
            defaults::parse_think_tags(),
            config_default.parse_think_tags()
        );
        assert_eq!(
            defaults::discover_model_info(),
            config_default.discovers_model_info()
        );
        assert_eq!(
            request_defaults(&Profile::default()),
            RequestDefaults::default()
        );
    }
}
