//! The network half of discovery: which endpoints the engine asks, once per client,
//! within [`DISCOVERY_TIMEOUT`], and how the answers change the rules requests are
//! shaped and priced with.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use oac_url::{Flavor, Url};
use reqwest::Method;
use reqwest::header::HeaderMap;

use super::KnownModel;
use super::parse::{self, Found};
use crate::classify::Purpose;
use crate::engine::Engine;
use crate::error::Error;
use crate::models::parse_models;
use crate::settings::ProviderConfig;
use crate::shaping::ShapingRules;
use crate::stream::StreamSettings;

/// The longest discovery may delay the first request of a client, all requests
/// together. Metadata endpoints answer in milliseconds on a local server; a server
/// slower than this simply keeps the configured info.
pub(crate) const DISCOVERY_TIMEOUT: Duration = Duration::from_secs(3);

/// What requests are shaped and priced with at one moment.
#[derive(Debug)]
pub(crate) struct Current {
    pub(crate) model: KnownModel,
    pub(crate) rules: ShapingRules,
    pub(crate) stream: StreamSettings,
}

/// The configured state, and the discovered one once discovery has run.
#[derive(Debug)]
pub(crate) struct Discovery {
    configured: Current,
    discovered: tokio::sync::OnceCell<Current>,
    enabled: bool,
    /// `max_tokens` follows the model's max output (the profile sets none and
    /// `include_max_tokens` is on), so a discovered max output changes it.
    max_tokens_from_info: bool,
}

impl Discovery {
    pub(crate) fn new(
        config: &ProviderConfig,
        rules: ShapingRules,
        stream: StreamSettings,
    ) -> Self {
        let sources = config.model_info_sources();
        let defaults = config.request_defaults();
        let azure = matches!(
            config.endpoints().flavor,
            Flavor::AzureOpenAi | Flavor::AzureAiInference
        );
        Discovery {
            configured: Current {
                model: KnownModel::configured(config.model_info().clone(), sources),
                rules,
                stream,
            },
            discovered: tokio::sync::OnceCell::new(),
            enabled: config.discovers_model_info() && sources.any_default() && !azure,
            max_tokens_from_info: defaults.max_tokens.is_none() && defaults.include_max_tokens,
        }
    }

    /// The state requests use now: discovered when discovery has run, configured
    /// before (or when it never runs).
    pub(crate) fn current(&self) -> &Current {
        self.discovered.get().unwrap_or(&self.configured)
    }

    /// The configured state with what the server reported applied.
    fn with_found(&self, found: &[Found], notes: Vec<String>) -> Current {
        let mut model = self.configured.model.clone().with_found(found);
        model.notes = notes;
        let mut rules = self.configured.rules.clone();
        rules.supports_images = model.info.supports_images;
        rules.supports_tools = model.info.supports_tools;
        if self.max_tokens_from_info {
            rules.default_max_tokens = model.info.max_output_tokens;
        }
        let mut stream = self.configured.stream.clone();
        stream.prices = Arc::new(model.info.prices.clone());
        Current {
            model,
            rules,
            stream,
        }
    }
}

impl Engine {
    /// The state requests use, running discovery first when it has not run yet
    /// (once per client: concurrent first requests wait for the same discovery).
    pub(crate) async fn discovered(&self) -> &Current {
        let d = &self.discovery;
        if !d.enabled {
            return &d.configured;
        }
        d.discovered
            .get_or_init(|| async {
                let mut notes = Vec::new();
                let found = match tokio::time::timeout(
                    DISCOVERY_TIMEOUT,
                    self.ask_server(&mut notes),
                )
                .await
                {
                    Ok(found) => found,
                    Err(_) => {
                        notes.push(format!(
                            "the server did not answer within {} s; the configured info is used",
                            DISCOVERY_TIMEOUT.as_secs()
                        ));
                        Vec::new()
                    }
                };
                for note in &notes {
                    tracing::debug!(model = %self.model, "model info discovery: {note}");
                }
                d.with_found(&found, notes)
            })
            .await
    }

    /// Ask the models list, then at most one server-specific endpoint, picked by
    /// what the list shows (so a server that is none of them gets one extra
    /// request, not four):
    ///
    /// - llama.cpp (`owned_by: "llamacpp"` or a `meta` object): `GET /props`, the
    ///   context the server really runs with;
    /// - Ollama (`owned_by: "library"` or `"ollama"`, or a `name:tag` id not listed
    ///   with a context): `POST /api/show`;
    /// - a list that states the context (vLLM, OpenRouter, Together): nothing more;
    /// - otherwise LiteLLM's `GET /model/info`, which answers only on LiteLLM.
    ///
    /// `notes` gets one line per request.
    async fn ask_server(&self, notes: &mut Vec<String>) -> Vec<Found> {
        let (listed, hint) = self.ask_models_list(notes).await;
        let mut found: Vec<Found> = listed.into_iter().collect();
        let Some(root) = server_root(&self.endpoints.chat) else {
            return found;
        };
        // The profile's query (a tenant, a gateway's key) goes along, as it does on
        // the models list.
        let join = |path: &str| {
            let mut url = root.join(path).ok()?;
            url.set_query(self.endpoints.chat.query());
            Some(url)
        };
        let model = self.model.as_str();
        let more = match hint {
            Hint::LlamaCpp => {
                let answer = self.ask(join("props"), Method::GET, None).await;
                self.noted(answer, notes, parse::from_llama_cpp_props)
            }
            Hint::Ollama => {
                let body = Some(self.ollama_show_body());
                let answer = self.ask(join("api/show"), Method::POST, body).await;
                let shown = self.noted(answer, notes, parse::from_ollama_show);
                if shown.is_some() {
                    // The context a loaded model really has beats both.
                    let answer = self.ask(join("api/ps"), Method::GET, None).await;
                    found.extend(self.noted(answer, notes, |b| parse::from_ollama_ps(b, model)));
                }
                shown
            }
            Hint::ContextStated => None,
            Hint::Unknown => {
                let answer = self.ask(join("model/info"), Method::GET, None).await;
                self.noted(answer, notes, |b| parse::from_litellm_model_info(b, model))
            }
        };
        found.extend(more);
        found.sort_by_key(|f| f.source);
        found
    }

    async fn ask_models_list(&self, notes: &mut Vec<String>) -> (Option<Found>, Hint) {
        let url = self.endpoints.models.clone();
        let answer = self.ask(url, Method::GET, None).await;
        let mut hint = Hint::Unknown;
        let found = self.noted(answer, notes, |body| {
            let list = parse_models(body).ok()?;
            let entry = list
                .iter()
                .find(|e| e.id == self.model)
                .or_else(|| list.iter().find(|e| e.id.eq_ignore_ascii_case(&self.model)))?;
            let found = parse::from_models_entry(entry);
            let owner = entry.owned_by.as_deref();
            hint = if found.server == Some("llama.cpp") {
                Hint::LlamaCpp
            } else if found.info.context_window.is_some() {
                Hint::ContextStated
            } else if matches!(owner, Some("library" | "ollama")) || entry.id.contains(':') {
                Hint::Ollama
            } else {
                Hint::Unknown
            };
            Some(found)
        });
        (found, hint)
    }

    /// `{"model": "<id>"}` (Ollama also reads the older `name`).
    fn ollama_show_body(&self) -> Bytes {
        Bytes::from(serde_json::json!({ "model": self.model, "name": self.model }).to_string())
    }

    /// One request, one attempt (no retries: a failure only means "not known"),
    /// with the profile's auth, headers and query. `None` without a URL.
    async fn ask(&self, url: Option<Url>, method: Method, body: Option<Bytes>) -> Option<Answer> {
        let url = self.transport.url_with(&url?, &[]);
        let exchange = self.transport.exchange(&url, Purpose::Models);
        let label = format!("{method} {}", self.shown(&url));
        let result = async {
            let delivered = self
                .transport
                .attempt(method, &url, body, false, &HeaderMap::new(), &exchange)
                .await?;
            let (_, _, body) = self
                .transport
                .read_body(delivered.response, delivered.deadline, &exchange)
                .await?;
            Ok::<Bytes, Error>(body)
        }
        .await;
        Some(Answer { label, result })
    }

    /// `answer` read by `read`, with a note saying what it gave.
    fn noted(
        &self,
        answer: Option<Answer>,
        notes: &mut Vec<String>,
        read: impl FnOnce(&[u8]) -> Option<Found>,
    ) -> Option<Found> {
        let Answer { label, result } = answer?;
        match result {
            Ok(body) => match read(&body) {
                Some(found) => {
                    notes.push(format!("{label}: {}", found.summary()));
                    (!found.is_empty() || found.server.is_some()).then_some(found)
                }
                None => {
                    notes.push(format!("{label}: no information about `{}`", self.model));
                    None
                }
            },
            Err(error) => {
                notes.push(format!("{label}: {}", short_failure(&error)));
                None
            }
        }
    }

    fn shown(&self, url: &Url) -> String {
        let secrets = self.transport.redactor.values();
        oac_url::masked_url(url, &secrets)
    }
}

/// What the models list suggests the server is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hint {
    LlamaCpp,
    Ollama,
    ContextStated,
    Unknown,
}

/// One discovery request and its body (or why there is none).
struct Answer {
    label: String,
    result: Result<Bytes, Error>,
}

/// `HTTP 404`, or the first line of the error.
fn short_failure(error: &Error) -> String {
    if let Some(status) = error.details().and_then(|d| d.status) {
        return format!("HTTP {status}");
    }
    let text = error.to_string();
    let line = text.lines().next().unwrap_or_default();
    line.chars().take(160).collect()
}

/// The server's root: the chat URL without its query, `/chat/completions` and a
/// trailing `/v1`, ending in `/` (so `join("props")` stays under any path prefix).
/// `None` for a chat URL that is not `…/chat/completions`.
fn server_root(chat: &Url) -> Option<Url> {
    let mut root = chat.clone();
    root.set_query(None);
    root.set_fragment(None);
    let path = root.path().trim_end_matches('/');
    let path = path.strip_suffix("/chat/completions")?;
    let path = path.strip_suffix("/v1").unwrap_or(path);
    let path = format!("{path}/");
    root.set_path(&path);
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_keeps_a_path_prefix_and_drops_v1() {
        let root = |u: &str| server_root(&Url::parse(u).unwrap()).map(|u| u.to_string());
        assert_eq!(
            root("http://127.0.0.1:11434/v1/chat/completions?x=1").as_deref(),
            Some("http://127.0.0.1:11434/")
        );
        assert_eq!(
            root("https://gw.example/litellm/v1/chat/completions").as_deref(),
            Some("https://gw.example/litellm/")
        );
        assert_eq!(
            root("http://h:4000/chat/completions").as_deref(),
            Some("http://h:4000/")
        );
        assert_eq!(root("http://h/api/generate"), None);
    }
}
