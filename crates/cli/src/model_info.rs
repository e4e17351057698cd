//! The model info as `oac` shows it: each field with where it came from (the
//! profile, the server, the catalogue or the default), in one line or as JSON.

use oac::pricing::format_tokens;
use oac::{InfoSource, KnownModel};
use serde_json::{Value, json};

/// `context 2,048 (server: llama.cpp /props) · max output unknown (default) ·
/// images no (server: llama.cpp /props) · tools yes (default) · prices unknown
/// (default)`.
pub fn summary(known: &KnownModel) -> String {
    let info = &known.info;
    let s = &known.sources;
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let max_output = info
        .max_output_tokens
        .map_or("unknown".to_owned(), |n| format_tokens(u64::from(n)));
    let prices = &info.prices;
    let prices = match (prices.input_price, prices.output_price) {
        (None, None) => "unknown".to_owned(),
        (input, output) => {
            let shown = |p: Option<oac::Decimal>| {
                p.map_or("?".to_owned(), |d| format!("${}", d.normalize()))
            };
            format!("{} in / {} out per 1M", shown(input), shown(output))
        }
    };
    [
        format!(
            "context {} ({})",
            format_tokens(u64::from(info.context_window)),
            s.context_window
        ),
        format!("max output {max_output} ({})", s.max_output_tokens),
        format!(
            "images {} ({})",
            yes_no(info.supports_images),
            s.supports_images
        ),
        format!(
            "tools {} ({})",
            yes_no(info.supports_tools),
            s.supports_tools
        ),
        format!("prices {prices} ({})", s.prices),
    ]
    .join(" · ")
}

/// `{"context_window":{"value":2048,"source":"server: llama.cpp /props"},…,
/// "server":"llama.cpp","discovery":[…notes]}`.
pub fn json(known: &KnownModel) -> Value {
    let info = &known.info;
    let s = &known.sources;
    let field =
        |value: Value, source: InfoSource| json!({"value": value, "source": source.to_string()});
    let price = |p: Option<oac::Decimal>| {
        p.map_or(Value::Null, |d| Value::String(d.normalize().to_string()))
    };
    json!({
        "context_window": field(json!(info.context_window), s.context_window),
        "max_output_tokens": field(json!(info.max_output_tokens), s.max_output_tokens),
        "supports_images": field(json!(info.supports_images), s.supports_images),
        "supports_tools": field(json!(info.supports_tools), s.supports_tools),
        "prices": field(
            json!({"input": price(info.prices.input_price), "output": price(info.prices.output_price)}),
            s.prices,
        ),
        "server": known.server,
        "discovery": known.notes,
        "fallbacks": known.fallbacks,
    })
}
