//! The pure half of discovery: a server's body in, the fields it states out.

use oac_pricing::{Decimal, ModelPrices};
use serde_json::{Map, Value};

use super::ServerSource;
use crate::model::ModelInfoOverrides;
use crate::models::decimal;
use crate::response::ModelEntry;

/// What one server endpoint stated about the model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Found {
    /// Which endpoint said it.
    pub source: ServerSource,
    /// The fields it stated (unset: it did not say).
    pub info: ModelInfoOverrides,
    /// The server software this proves (`llama.cpp`, `LiteLLM`, `Ollama`), when the
    /// answer has a shape only that server gives.
    pub server: Option<&'static str>,
}

impl Found {
    fn new(source: ServerSource, server: Option<&'static str>) -> Self {
        Found {
            source,
            info: ModelInfoOverrides::default(),
            server,
        }
    }

    /// True when the answer stated nothing usable.
    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    /// One line for a note: `context 2048, images no`.
    pub fn summary(&self) -> String {
        let i = &self.info;
        let mut parts = Vec::new();
        if let Some(n) = i.context_window {
            parts.push(format!("context {n}"));
        }
        if let Some(n) = i.max_output_tokens {
            parts.push(format!("max output {n}"));
        }
        let yes_no = |b: bool| if b { "yes" } else { "no" };
        if let Some(b) = i.supports_images {
            parts.push(format!("images {}", yes_no(b)));
        }
        if let Some(b) = i.supports_tools {
            parts.push(format!("tools {}", yes_no(b)));
        }
        if i.prices.input_price.is_some() || i.prices.output_price.is_some() {
            parts.push("prices".to_owned());
        }
        if parts.is_empty() {
            "nothing about the model's limits".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// A positive token count that fits a `u32` (JSON integer, or a float with no
/// fraction such as `2048.0`).
fn count(value: Option<&Value>) -> Option<u32> {
    let value = value?;
    let n = value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= f64::from(u32::MAX))
            .map(|f| f as u64)
    })?;
    u32::try_from(n).ok().filter(|n| *n > 0)
}

fn json(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(crate::sse::strip_bom(body)).ok()
}

/// The model's entry of a models list. Reads what [`ModelEntry`] already holds
/// (context length, max output, prices, image input) plus llama.cpp's `meta`
/// (`n_ctx`, the running context, else `n_ctx_train`). `owned_by: "llamacpp"` or a
/// `meta` object marks llama.cpp.
///
/// ```
/// use oac_provider::{ModelEntry, discover::from_models_entry};
///
/// let mut entry = ModelEntry::new("qwen");
/// entry.context_window = Some(32_768);
/// assert_eq!(from_models_entry(&entry).info.context_window, Some(32_768));
/// ```
pub fn from_models_entry(entry: &ModelEntry) -> Found {
    let meta = entry.extra.get("meta").and_then(Value::as_object);
    let llama = meta.is_some() || entry.owned_by.as_deref() == Some("llamacpp");
    let mut found = Found::new(ServerSource::ModelsList, llama.then_some("llama.cpp"));
    let meta_ctx = meta.and_then(|m| count(m.get("n_ctx")).or_else(|| count(m.get("n_ctx_train"))));
    found.info.context_window = entry.context_window.or(meta_ctx);
    found.info.max_output_tokens = entry.max_output_tokens;
    found.info.supports_images = entry.supports_images;
    // OpenRouter lists the parameters a model takes; no `tools` means no tool calls.
    if let Some(params) = entry
        .extra
        .get("supported_parameters")
        .and_then(Value::as_array)
    {
        found.info.supports_tools = Some(params.iter().any(|p| p.as_str() == Some("tools")));
    }
    if let Some(prices) = &entry.prices {
        found.info.prices = prices.clone();
    }
    found
}

/// llama.cpp's `GET /props`: `default_generation_settings.n_ctx` (the context each
/// slot really has, set by `-c`), or a top-level `n_ctx`; `modalities.vision`.
/// `None` unless the body states a context.
///
/// ```
/// use oac_provider::discover::from_llama_cpp_props;
///
/// let found = from_llama_cpp_props(br#"{"default_generation_settings":{"n_ctx":2048},"modalities":{"vision":false}}"#).unwrap();
/// assert_eq!(found.info.context_window, Some(2048));
/// assert_eq!(found.info.supports_images, Some(false));
/// ```
pub fn from_llama_cpp_props(body: &[u8]) -> Option<Found> {
    let value = json(body)?;
    let window = count(value.pointer("/default_generation_settings/n_ctx"))
        .or_else(|| count(value.get("n_ctx")))?;
    let mut found = Found::new(ServerSource::LlamaCppProps, Some("llama.cpp"));
    found.info.context_window = Some(window);
    found.info.supports_images = value.pointer("/modalities/vision").and_then(Value::as_bool);
    Some(found)
}

/// LiteLLM's `GET /model/info`: the entry whose `model_name` is `model` (exactly,
/// else ignoring case). `max_input_tokens` (else `max_tokens`) is the context,
/// `max_output_tokens` the max output, `*_cost_per_token` the prices (USD per
/// token, turned into per 1M exactly), `supports_vision` and
/// `supports_function_calling` the capabilities. `None` when the model is not
/// listed.
///
/// ```
/// use oac_provider::discover::from_litellm_model_info;
///
/// let body = br#"{"data":[{"model_name":"gpt-x","model_info":{"max_input_tokens":128000,"max_output_tokens":16384,"input_cost_per_token":2.5e-06,"supports_vision":true}}]}"#;
/// let found = from_litellm_model_info(body, "gpt-x").unwrap();
/// assert_eq!(found.info.context_window, Some(128_000));
/// assert_eq!(found.info.prices.input_price.unwrap().to_string(), "2.5");
/// ```
pub fn from_litellm_model_info(body: &[u8], model: &str) -> Option<Found> {
    let value = json(body)?;
    let entries = value.get("data")?.as_array()?;
    let name = |e: &&Value| {
        e.get("model_name")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let entry = entries
        .iter()
        .find(|e| name(e).as_deref() == Some(model))
        .or_else(|| {
            entries
                .iter()
                .find(|e| name(e).is_some_and(|n| n.eq_ignore_ascii_case(model)))
        })?;
    let info = entry.get("model_info")?.as_object()?;
    let mut found = Found::new(ServerSource::LiteLlmModelInfo, Some("LiteLLM"));
    found.info.context_window =
        count(info.get("max_input_tokens")).or_else(|| count(info.get("max_tokens")));
    found.info.max_output_tokens = count(info.get("max_output_tokens"));
    found.info.supports_images = info.get("supports_vision").and_then(Value::as_bool);
    found.info.supports_tools = info
        .get("supports_function_calling")
        .and_then(Value::as_bool);
    found.info.prices = litellm_prices(info);
    Some(found)
}

fn litellm_prices(info: &Map<String, Value>) -> ModelPrices {
    let million = Decimal::from(1_000_000u32);
    let per_token = |k: &str| {
        info.get(k)
            .and_then(decimal)
            .and_then(|d| d.checked_mul(million))
            .map(|d| d.normalize())
    };
    let mut prices = ModelPrices::default();
    prices.input_price = per_token("input_cost_per_token");
    prices.output_price = per_token("output_cost_per_token");
    if prices.input_price.is_some() || prices.output_price.is_some() {
        prices.cache_read_price = per_token("cache_read_input_token_cost");
        prices.cache_write_price = per_token("cache_creation_input_token_cost");
    }
    prices
}

/// Ollama's `POST /api/show`: the `num_ctx` of `parameters` (the context Ollama
/// loads the model with, which its OpenAI-compatible path never changes), else the
/// model's `model_info.<arch>.context_length`; `capabilities` lists `vision` and
/// `tools`. `None` unless the body has Ollama's `model_info` object.
///
/// ```
/// use oac_provider::discover::from_ollama_show;
///
/// let body = br#"{"parameters":"num_ctx 8192\nstop \"<|eot_id|>\"","model_info":{"general.architecture":"llama","llama.context_length":131072},"capabilities":["completion","tools"]}"#;
/// let found = from_ollama_show(body).unwrap();
/// assert_eq!(found.info.context_window, Some(8192));
/// assert_eq!(found.info.supports_tools, Some(true));
/// assert_eq!(found.info.supports_images, Some(false));
/// ```
pub fn from_ollama_show(body: &[u8]) -> Option<Found> {
    let value = json(body)?;
    let model_info = value.get("model_info")?.as_object()?;
    let trained = model_info
        .iter()
        .find(|(k, _)| k.ends_with(".context_length"))
        .and_then(|(_, v)| count(Some(v)));
    let mut found = Found::new(ServerSource::OllamaShow, Some("Ollama"));
    found.info.context_window = ollama_num_ctx(&value).or(trained);
    if let Some(caps) = value.get("capabilities").and_then(Value::as_array) {
        let has = |name: &str| caps.iter().any(|c| c.as_str() == Some(name));
        found.info.supports_images = Some(has("vision"));
        found.info.supports_tools = Some(has("tools"));
    }
    Some(found)
}

/// Ollama's `GET /api/ps`: the `context_length` of `model` (by `name` or `model`)
/// among the loaded models. `None` when the model is not loaded.
///
/// ```
/// use oac_provider::discover::from_ollama_ps;
///
/// let body = br#"{"models":[{"name":"qwen2.5:0.5b","model":"qwen2.5:0.5b","size_vram":0,"context_length":4096}]}"#;
/// assert_eq!(from_ollama_ps(body, "qwen2.5:0.5b").unwrap().info.context_window, Some(4096));
/// assert_eq!(from_ollama_ps(body, "llama3.2:latest"), None);
/// ```
pub fn from_ollama_ps(body: &[u8], model: &str) -> Option<Found> {
    let value = json(body)?;
    let loaded = value.get("models")?.as_array()?.iter().find(|m| {
        ["name", "model"]
            .iter()
            .any(|k| m.get(*k).and_then(Value::as_str) == Some(model))
    })?;
    let mut found = Found::new(ServerSource::OllamaPs, Some("Ollama"));
    found.info.context_window = Some(count(loaded.get("context_length"))?);
    Some(found)
}

/// `num_ctx N` in the text of `parameters` (one `name value` per line).
fn ollama_num_ctx(show: &Value) -> Option<u32> {
    let text = show.get("parameters")?.as_str()?;
    text.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some("num_ctx"))
            .then(|| words.next()?.parse::<u32>().ok())
            .flatten()
            .filter(|n| *n > 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn llama_cpp_models_entry_reads_meta() {
        let list = crate::models::parse_models(
            br#"{"object":"list","data":[{"id":"m.gguf","object":"model","owned_by":"llamacpp","meta":{"n_ctx_train":32768,"n_vocab":151936}}]}"#,
        )
        .unwrap();
        let found = from_models_entry(&list[0]);
        assert_eq!(found.info.context_window, Some(32_768));
        assert_eq!(found.server, Some("llama.cpp"));
    }

    #[test]
    fn vllm_and_openrouter_entries() {
        let list = crate::models::parse_models(
            br#"{"data":[{"id":"a","max_model_len":4096},{"id":"b","context_length":200000,"top_provider":{"max_completion_tokens":64000}}]}"#,
        )
        .unwrap();
        assert_eq!(from_models_entry(&list[0]).info.context_window, Some(4096));
        let b = from_models_entry(&list[1]);
        assert_eq!(b.info.context_window, Some(200_000));
        assert_eq!(b.info.max_output_tokens, Some(64_000));
        assert_eq!(b.server, None);
    }

    #[test]
    fn props_without_a_context_state_nothing() {
        assert_eq!(from_llama_cpp_props(br#"{"total_slots":1}"#), None);
        assert_eq!(from_llama_cpp_props(b"<html>404</html>"), None);
        assert_eq!(
            from_llama_cpp_props(br#"{"default_generation_settings":{"n_ctx":-1}}"#),
            None
        );
    }

    #[test]
    fn litellm_nulls_are_unknown_and_other_models_are_ignored() {
        let body = br#"{"data":[
            {"model_name":"other","model_info":{"max_input_tokens":1}},
            {"model_name":"Fake","model_info":{"max_input_tokens":null,"max_tokens":8192,"max_output_tokens":null,"input_cost_per_token":null,"supports_vision":null,"supports_function_calling":false}}]}"#;
        let found = from_litellm_model_info(body, "fake").unwrap();
        assert_eq!(found.info.context_window, Some(8192));
        assert_eq!(found.info.max_output_tokens, None);
        assert_eq!(found.info.supports_images, None);
        assert_eq!(found.info.supports_tools, Some(false));
        assert_eq!(found.info.prices, ModelPrices::default());
        assert_eq!(from_litellm_model_info(body, "missing"), None);
    }

    #[test]
    fn litellm_prices_are_exact() {
        let body = br#"{"data":[{"model_name":"m","model_info":{"input_cost_per_token":1.5e-07,"output_cost_per_token":6e-7,"cache_read_input_token_cost":7.5e-08}}]}"#;
        let p = from_litellm_model_info(body, "m").unwrap().info.prices;
        assert_eq!(p.input_price.unwrap().to_string(), "0.15");
        assert_eq!(p.output_price.unwrap().to_string(), "0.6");
        assert_eq!(p.cache_read_price.unwrap().to_string(), "0.075");
    }

    #[test]
    fn ollama_without_num_ctx_uses_the_trained_context() {
        let found = from_ollama_show(
            br#"{"parameters":"stop x","model_info":{"qwen2.context_length":32768}}"#,
        )
        .unwrap();
        assert_eq!(found.info.context_window, Some(32_768));
        assert_eq!(found.info.supports_tools, None);
        assert_eq!(from_ollama_show(br#"{"error":"model not found"}"#), None);
    }

    #[test]
    fn huge_and_fractional_counts_are_ignored() {
        assert_eq!(count(Some(&serde_json::json!(1e30))), None);
        assert_eq!(count(Some(&serde_json::json!(2048.5))), None);
        assert_eq!(count(Some(&serde_json::json!(2048.0))), Some(2048));
        assert_eq!(count(Some(&serde_json::json!("2048"))), None);
    }
}
