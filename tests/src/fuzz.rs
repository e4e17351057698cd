//! The invariants the fuzz targets in `fuzz/` check, as plain functions over bytes so
//! stable Rust can replay the committed corpus (`tests/suites/fuzz_corpus.rs`) and
//! `cargo fuzz` (nightly) can explore. Each function panics exactly when an
//! invariant is broken:
//! - nothing panics on any input;
//! - nothing keeps more than its limit (the limits here are small, so the fuzzer
//!   reaches them; libFuzzer's `-malloc_limit_mb` catches unbounded allocation);
//! - the SSE decoder gives the same events however the same bytes are split;
//! - a config written back by the TOML writer reads back to the same profiles;
//! - a server's model-info answer never states a zero, a negative or a lost price.

use oac_config::{ConfigFile, ExposeSecret, MapEnv, ProfileBuilder, import_kilo, import_kilo_at};
use oac_pricing::{ModelPrices, parse_price, read_usage_str};
use oac_provider::{EventDecoder, Limits, ProviderConfig, decode_response};
use oac_url::{EndpointMode, ResolveOptions, resolve};

/// A check: panics when an invariant breaks on this input.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("sse", sse),
    ("body", body),
    ("usage", usage),
    ("config_toml", config_toml),
    ("config_json", config_json),
    ("kilo_import", kilo_import),
    ("url", url),
    ("discover", discover),
];

/// Small limits, so inputs of a few KiB reach them.
fn small_limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_event_bytes = 4096;
    limits.max_reply_bytes = 16 * 1024;
    limits.max_body_bytes = 64 * 1024;
    limits.max_tool_calls = 8;
    limits
}

fn prices() -> ModelPrices {
    let mut prices = ModelPrices::default();
    prices.input_price = parse_price("0.15").ok();
    prices.output_price = parse_price("0.60").ok();
    prices.cache_read_price = parse_price("0.075").ok();
    prices
}

/// Every event (and the error that ended the stream, as text) from `chunks` fed in
/// order, then the end of the input.
fn decode_in_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    let mut decoder = EventDecoder::with_limits(true, prices(), &small_limits());
    let mut seen = Vec::new();
    let take = |decoder: &mut EventDecoder, seen: &mut Vec<String>| {
        while let Some(event) = decoder.next_event() {
            seen.push(match event {
                Ok(event) => format!("{event:?}"),
                Err(error) => format!("error: {error}"),
            });
            assert!(seen.len() < 100_000, "a bounded input gave endless events");
        }
    };
    for chunk in chunks {
        decoder.feed(chunk);
        take(&mut decoder, &mut seen);
    }
    decoder.end_of_input();
    take(&mut decoder, &mut seen);
    seen
}

/// The SSE decoder over arbitrary bytes: no panic, and the same events whole, one
/// byte at a time, and split where the first input bytes say.
pub fn sse(data: &[u8]) {
    let (seeds, body) = data.split_at(data.len().min(4));
    let whole = decode_in_chunks([body]);
    let bytewise = decode_in_chunks(body.chunks(1));
    assert_eq!(whole, bytewise, "one read vs one byte per read");
    let mut cuts: Vec<usize> = seeds
        .iter()
        .map(|seed| usize::from(*seed) * body.len() / 256)
        .collect();
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut at = 0;
    for cut in cuts {
        pieces.push(&body[at..cut]);
        at = cut;
    }
    pieces.push(&body[at..]);
    assert_eq!(whole, decode_in_chunks(pieces), "split at {seeds:?}");
}

/// A complete response body: no panic, and a decoded reply within its limits.
pub fn body(data: &[u8]) {
    let limits = small_limits();
    if let Ok(reply) = decode_response(data, true, &prices(), &limits) {
        assert!(reply.tool_calls.len() <= limits.max_tool_calls);
        if let Some(report) = reply.usage {
            assert!(report.usage.cache_read <= report.usage.input_total);
            assert!(report.usage.reasoning <= report.usage.output_total);
        }
    }
}

/// The usage reader: no panic, every part within its total, and a repair listed
/// for anything it changed.
pub fn usage(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(reading) = read_usage_str(text)
        && let Some(usage) = reading.usage
    {
        assert!(usage.cache_read <= usage.input_total);
        assert!(usage.cache_write <= usage.input_total - usage.cache_read);
        assert!(usage.reasoning <= usage.output_total);
        let _ = oac_pricing::cost(&usage, &prices());
    }
}

fn config(data: &[u8], parse: fn(&str) -> Result<ConfigFile, oac_config::ConfigError>) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = parse(text) else {
        return;
    };
    // What the writer writes, the reader reads back the same.
    if let Ok(written) = file.to_toml_string() {
        let again = ConfigFile::parse_toml(&written)
            .unwrap_or_else(|e| panic!("the written config does not read back: {e}\n{written}"));
        assert_eq!(file.profiles, again.profiles, "{written}");
        assert_eq!(file.default_profile, again.default_profile, "{written}");
    }
    // Each profile resolves (or is refused) and converts without panicking.
    for profile in file.profiles.values() {
        let built = ProfileBuilder::from_profile(profile.clone())
            .env(MapEnv::default())
            .build();
        if let Ok(resolved) = built {
            let _ = format!("{resolved:?}");
            let _ = format!("{:?}", ProviderConfig::from(resolved));
        }
    }
}

/// The config tree from TOML.
pub fn config_toml(data: &[u8]) {
    config(data, ConfigFile::parse_toml);
}

/// The config tree from JSON.
pub fn config_json(data: &[u8]) {
    config(data, ConfigFile::parse_json);
}

/// A Kilo Code / Roo Code settings export or a Kilo Code 7 config (JSONC), as text
/// and as the file at a path: no panic; the imported profiles hold no key inline
/// (keys are kept apart for key files), so they always write out, and what is
/// written reads back the same when it reads back at all (an import keeps a bad
/// value, with a warning, for the user to fix); a literal key of the file is never
/// in anything shown: `Debug`, warnings, skipped and ignored entries, the TOML.
pub fn kilo_import(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = import_kilo(text);
    let Ok(import) = import_kilo_at(text, std::path::Path::new("/fuzz/kilo/kilo.jsonc")) else {
        return;
    };
    let toml = import
        .config
        .to_toml_string()
        .unwrap_or_else(|e| panic!("an imported config does not write: {e}"));
    if let Ok(again) = ConfigFile::parse_toml(&toml) {
        // A TOML table is read in key order; the headers and query of the JSON
        // come in document order, and their order means nothing.
        let ordered = |file: &ConfigFile| {
            let mut profiles = file.profiles.clone();
            for profile in profiles.values_mut() {
                profile.headers.0.sort();
                profile.query.sort();
            }
            profiles
        };
        assert_eq!(ordered(&again), ordered(&import.config), "{toml}");
        assert_eq!(
            again.default_profile, import.config.default_profile,
            "{toml}"
        );
    }
    let mut shown = format!("{import:?}\n{toml}\n{}", import.ignored.join("\n"));
    for warning in &import.warnings {
        shown.push_str(&format!("\n{warning}"));
    }
    for skipped in &import.skipped {
        shown.push_str(&format!("\n{skipped}"));
    }
    for (_, key) in &import.keys {
        let key = key.expose_secret();
        // A key that no name, path or join of them can spell: long, letters and
        // digits only, and written once in the file (as the key).
        let distinct = key.len() >= 16
            && key.chars().all(|c| c.is_ascii_alphanumeric())
            && text.matches(key).count() == 1;
        assert!(
            !distinct || !shown.contains(key),
            "a key is shown:\n{shown}"
        );
    }
}

/// URL resolution in every mode and provider kind: no panic, and resolved endpoints
/// that are http(s) URLs whose display hides nothing it should not.
pub fn url(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mode = match selector % 3 {
        0 => EndpointMode::Auto,
        1 => EndpointMode::Base,
        _ => EndpointMode::Full,
    };
    let openai_default = selector & 4 != 0;
    let mut options = ResolveOptions::new()
        .mode(mode)
        .openai_default(openai_default);
    if selector & 8 != 0 {
        options = options.model("gpt-4o");
    }
    match resolve(text, &options) {
        Ok(endpoints) => {
            let chat = &endpoints.chat;
            assert!(matches!(chat.scheme(), "http" | "https"), "{chat}");
            let _ = format!("{endpoints} {endpoints:?}");
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

/// Every model-info parser of discovery on the same bytes (as a models list, a
/// llama.cpp `/props`, a LiteLLM `/model/info`, an Ollama `/api/show` and `/api/ps`):
/// none panics, and whatever they state is usable (a count above 0, prices not
/// negative).
pub fn discover(data: &[u8]) {
    use oac_provider::discover::{
        Found, from_litellm_model_info, from_llama_cpp_props, from_models_entry, from_ollama_ps,
        from_ollama_show, models_list,
    };
    let model = "m";
    let mut found: Vec<Found> = [
        from_llama_cpp_props(data),
        from_litellm_model_info(data, model),
        from_ollama_show(data),
        from_ollama_ps(data, model),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(entries) = models_list(data) {
        found.extend(entries.iter().map(from_models_entry));
    }
    for f in &found {
        let info = &f.info;
        assert_ne!(info.context_window, Some(0), "{f:?}");
        assert_ne!(info.max_output_tokens, Some(0), "{f:?}");
        for price in [
            info.prices.input_price,
            info.prices.output_price,
            info.prices.cache_read_price,
        ]
        .into_iter()
        .flatten()
        {
            assert!(!price.is_sign_negative(), "{f:?}");
        }
        let _ = f.summary();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checks_take_edge_inputs() {
        let inputs: [&[u8]; 8] = [
            b"",
            b"\xef\xbb\xbf",
            b"\xff\xfe\x00",
            b"data: [DONE]\n\n",
            b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"<think>a</think>b\"}}]}\n\n",
            b"{\"choices\":[]}",
            b"[profiles.p]\nbase_url = \"http://h/v1\"\nmodel = \"m\"\n",
            b"\x01https://api.example.com/v1/chat/completions?api-key=k",
        ];
        for input in inputs {
            for (_, check) in TARGETS {
                check(input);
            }
        }
    }
}
