//! Reading a models list: `{"data":[…]}` (OpenAI), a bare array (Together), or
//! `{"models":[…]}`; entries with only an `id` are fine, extra fields are kept and
//! the well-known ones (context length, max output, prices, image input) are read.

use std::str::FromStr;

use oac_pricing::{Decimal, ModelPrices};
use serde_json::{Map, Value};

use crate::response::ModelEntry;

/// Why a body is not a models list.
#[derive(Debug)]
pub(crate) enum ListProblem {
    NotJson(serde_json::Error),
    NoList,
}

/// Parse a models-list body.
pub(crate) fn parse_models(body: &[u8]) -> Result<Vec<ModelEntry>, ListProblem> {
    let body = crate::sse::strip_bom(body);
    let value: Value = serde_json::from_slice(body).map_err(ListProblem::NotJson)?;
    let list = match &value {
        Value::Array(items) => items,
        Value::Object(map) => match map.get("data").or_else(|| map.get("models")) {
            Some(Value::Array(items)) => items,
            _ => return Err(ListProblem::NoList),
        },
        _ => return Err(ListProblem::NoList),
    };
    Ok(list.iter().filter_map(entry).collect())
}

fn entry(value: &Value) -> Option<ModelEntry> {
    let map = match value {
        Value::String(id) => return Some(ModelEntry::new(id.clone())),
        Value::Object(map) => map,
        _ => return None,
    };
    let id = ["id", "name", "model"]
        .iter()
        .find_map(|k| map.get(*k)?.as_str())
        .filter(|id| !id.trim().is_empty())?
        .to_owned();
    let mut extra: Map<String, Value> = map.clone();
    extra.remove("id");
    let top = map.get("top_provider");
    let count = |keys: &[&str]| -> Option<u32> {
        keys.iter().find_map(|k| {
            map.get(*k)
                .or_else(|| top.and_then(|t| t.get(*k)))
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
        })
    };
    Some(ModelEntry {
        owned_by: map
            .get("owned_by")
            .and_then(Value::as_str)
            .map(str::to_owned),
        created: map.get("created").and_then(Value::as_u64),
        context_window: count(&[
            "context_length",
            "context_window",
            "max_model_len",
            "max_context_length",
        ]),
        max_output_tokens: count(&["max_completion_tokens", "max_output_tokens"]),
        prices: map.get("pricing").and_then(prices),
        supports_images: supports_images(map),
        id,
        extra,
    })
}

/// An exact decimal from a JSON number or numeric string (never through f64
/// arithmetic: the number's text is parsed). Negative values mean "varies" on
/// OpenRouter and are treated as unknown.
pub(crate) fn decimal(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
        .filter(|d| !d.is_sign_negative())
}

/// OpenRouter lists USD per token (`prompt`, `completion`, `input_cache_read`,
/// `input_cache_write`, `internal_reasoning`); Together lists USD per 1M tokens
/// (`input`, `output`).
fn prices(pricing: &Value) -> Option<ModelPrices> {
    let map = pricing.as_object()?;
    let million = Decimal::from(1_000_000u32);
    let per_token = |k: &str| {
        map.get(k)
            .and_then(decimal)
            .and_then(|d| d.checked_mul(million))
    };
    let per_million = |k: &str| map.get(k).and_then(decimal);
    let mut prices = ModelPrices::default();
    if map.contains_key("prompt") || map.contains_key("completion") {
        prices.input_price = per_token("prompt");
        prices.output_price = per_token("completion");
        prices.cache_read_price = per_token("input_cache_read");
        prices.cache_write_price = per_token("input_cache_write");
        prices.reasoning_price = per_token("internal_reasoning").filter(|p| !p.is_zero());
    } else {
        prices.input_price = per_million("input");
        prices.output_price = per_million("output");
        prices.cache_read_price = per_million("cached_input").or_else(|| per_million("cache_read"));
    }
    (prices.input_price.is_some() || prices.output_price.is_some()).then_some(prices)
}

/// OpenRouter: `architecture.input_modalities` lists `image`.
fn supports_images(map: &Map<String, Value>) -> Option<bool> {
    let modalities = map
        .get("architecture")?
        .get("input_modalities")?
        .as_array()?;
    Some(modalities.iter().any(|m| m.as_str() == Some("image")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_list_with_only_ids() {
        let list =
            parse_models(br#"{"object":"list","data":[{"id":"a"},{"id":"b","owned_by":"me"}]}"#)
                .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].id, "a");
        assert_eq!(list[1].owned_by.as_deref(), Some("me"));
    }

    #[test]
    fn bare_array_and_models_key() {
        assert_eq!(parse_models(br#"[{"id":"x"}]"#).unwrap()[0].id, "x");
        assert_eq!(
            parse_models(br#"{"models":[{"name":"y"}]}"#).unwrap()[0].id,
            "y"
        );
    }

    #[test]
    fn openrouter_entry_maps_into_model_info() {
        let list = parse_models(
            br#"{"data":[{"id":"anthropic/claude","context_length":200000,
            "pricing":{"prompt":"0.000003","completion":"0.000015","input_cache_read":"0.0000003","input_cache_write":"0.00000375"},
            "top_provider":{"max_completion_tokens":64000},
            "architecture":{"input_modalities":["text","image"]}}]}"#,
        )
        .unwrap();
        let entry = &list[0];
        assert_eq!(entry.context_window, Some(200_000));
        assert_eq!(entry.max_output_tokens, Some(64_000));
        assert_eq!(entry.supports_images, Some(true));
        let prices = entry.prices.as_ref().unwrap();
        assert_eq!(prices.input_price, Some(Decimal::from_str("3").unwrap()));
        assert_eq!(prices.output_price.unwrap().normalize().to_string(), "15");
        assert_eq!(
            prices.cache_read_price.unwrap().normalize().to_string(),
            "0.3"
        );
        assert_eq!(
            prices.cache_write_price.unwrap().normalize().to_string(),
            "3.75"
        );
        assert!(entry.extra.contains_key("pricing"));

        let info = entry.model_info(&crate::model::ModelInfo::compatible_default());
        assert_eq!(info.context_window, 200_000);
        assert_eq!(info.max_output_tokens, Some(64_000));
    }

    #[test]
    fn together_prices_are_per_million() {
        let list = parse_models(
            br#"[{"id":"m","context_length":131072,"pricing":{"input":0.88,"output":0.88}}]"#,
        )
        .unwrap();
        let prices = list[0].prices.as_ref().unwrap();
        assert_eq!(prices.input_price.unwrap().to_string(), "0.88");
    }

    #[test]
    fn negative_prices_are_unknown() {
        let list = parse_models(
            br#"{"data":[{"id":"auto","pricing":{"prompt":"-1","completion":"-1"}}]}"#,
        )
        .unwrap();
        assert_eq!(list[0].prices, None);
    }

    #[test]
    fn not_a_list() {
        assert!(matches!(
            parse_models(b"<html>"),
            Err(ListProblem::NotJson(_))
        ));
        assert!(matches!(
            parse_models(br#"{"ok":true}"#),
            Err(ListProblem::NoList)
        ));
    }
}
