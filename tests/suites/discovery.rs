//! Model-info discovery against recorded responses of real servers (llama.cpp,
//! LiteLLM, Ollama, vLLM, OpenRouter; `tests/fixtures/discovery/`), served by the
//! simulator on their real paths: what each source fills, the precedence profile >
//! server > default, prices, caching, and that a missing, malformed or slow
//! metadata endpoint never fails or holds up a chat.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use oac::{Client, InfoSource};
use oac_provider::{ChatRequest, Provider, ServerSource};
use oac_testkit::{Reply, Simulator, SimulatorBuilder};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/discovery/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn client(sim: &Simulator, model: &str) -> Client {
    Client::builder()
        .base_url(sim.base_url())
        .model(model)
        .build()
        .unwrap()
}

fn calls(sim: &Simulator) -> Vec<String> {
    sim.requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn llama_cpp() -> SimulatorBuilder {
    Simulator::builder()
        .models_json(fixture("llama_cpp_models.json"))
        .route("GET", "/props", 200, fixture("llama_cpp_props.json"))
}

/// A LiteLLM proxy's models list and `/model/info`, recorded.
fn litellm() -> SimulatorBuilder {
    Simulator::builder()
        .models_json(fixture("litellm_models.json"))
        .route(
            "GET",
            "/model/info",
            200,
            fixture("litellm_model_info.json"),
        )
}

/// An Ollama server's models list and `/api/show`, recorded.
fn ollama() -> SimulatorBuilder {
    Simulator::builder()
        .models_json(fixture("ollama_models.json"))
        .route("POST", "/api/show", 200, fixture("ollama_show.json"))
}

const LLAMA_MODEL: &str = "qwen2.5-0.5b-instruct-q4_k_m.gguf";

#[tokio::test]
async fn llama_cpp_props_give_the_context_the_server_runs_with() {
    let sim = llama_cpp().start().await;
    let client = client(&sim, LLAMA_MODEL);
    assert_eq!(
        client.model_info().context_window,
        128_000,
        "before any request"
    );
    client.chat().user("Hi").send().await.unwrap();
    // /props (-c 2048) beats the models list's training context (32768).
    assert_eq!(client.model_info().context_window, 2048);
    assert!(
        !client.model_info().supports_images,
        "modalities.vision is false"
    );
    let known = client.known_model().await;
    assert_eq!(
        known.sources.context_window,
        InfoSource::Server(ServerSource::LlamaCppProps)
    );
    assert_eq!(
        known.sources.context_window.to_string(),
        "server: llama.cpp /props"
    );
    assert_eq!(known.server, Some("llama.cpp"));
    assert_eq!(known.sources.max_output_tokens, InfoSource::Default);
    assert_eq!(
        calls(&sim),
        ["GET /v1/models", "GET /props", "POST /v1/chat/completions"]
    );
    assert_eq!(client.tracker().context_window(), Some(2048));
    insta::assert_snapshot!(
        "llama_cpp_notes",
        known
            .notes
            .join("\n")
            .replace(&sim.base_url().replace("/v1", ""), "http://SIM")
    );
}

#[tokio::test]
async fn discovery_runs_once_per_client_and_concurrent_first_requests_share_it() {
    let sim = llama_cpp().start().await;
    let client = client(&sim, LLAMA_MODEL);
    let (a, b) = tokio::join!(
        client.chat().user("one").send(),
        client.chat().user("two").send()
    );
    a.unwrap();
    b.unwrap();
    client.chat().user("three").send().await.unwrap();
    let known = client.known_model().await;
    assert_eq!(known.info.context_window, 2048);
    assert_eq!(sim.requests_to("/props").len(), 1);
    assert_eq!(sim.requests_to("/models").len(), 1);
    assert_eq!(sim.chat_request_count(), 3);
}

#[tokio::test]
async fn the_profiles_own_values_beat_the_servers() {
    let sim = llama_cpp().start().await;
    let mut overrides = oac::ModelInfoOverrides::default();
    overrides.context_window = Some(4096);
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(LLAMA_MODEL)
        .profile(|p| p.model_info_overrides(overrides))
        .build()
        .unwrap();
    let known = client.known_model().await;
    assert_eq!(known.info.context_window, 4096);
    assert_eq!(known.sources.context_window, InfoSource::Profile);
    // Fields the profile leaves unset still come from the server.
    assert_eq!(
        known.sources.supports_images,
        InfoSource::Server(ServerSource::LlamaCppProps)
    );
}

#[tokio::test]
async fn discovery_can_be_turned_off() {
    let sim = llama_cpp().start().await;
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(LLAMA_MODEL)
        .profile(|p| p.discover_model_info(false))
        .build()
        .unwrap();
    client.chat().user("Hi").send().await.unwrap();
    let known = client.known_model().await;
    assert_eq!(known.info.context_window, 128_000);
    assert_eq!(known.sources.context_window, InfoSource::Default);
    assert!(known.notes.is_empty());
    assert_eq!(calls(&sim), ["POST /v1/chat/completions"]);
}

#[tokio::test]
async fn litellm_model_info_gives_limits_capabilities_and_prices_that_price_the_reply() {
    let sim = litellm().start().await;
    sim.push(Reply::text("Hello").usage_tokens(1_000_000, 1_000_000));
    let client = client(&sim, "fake-gpt");
    let reply = client.chat().user("Hi").send().await.unwrap();
    let known = client.known_model().await;
    assert_eq!(known.info.context_window, 128_000);
    assert_eq!(known.info.max_output_tokens, Some(16_384));
    assert!(known.info.supports_images && known.info.supports_tools);
    assert_eq!(known.server, Some("LiteLLM"));
    let from = InfoSource::Server(ServerSource::LiteLlmModelInfo);
    assert_eq!(known.sources.prices, from);
    assert_eq!(known.info.prices.input_price.unwrap().to_string(), "0.15");
    assert_eq!(known.info.prices.output_price.unwrap().to_string(), "0.6");
    // 1M in at $0.15 + 1M out at $0.60, exactly.
    let cost = reply.usage.unwrap().cost.total().unwrap();
    assert_eq!(cost.normalize().to_string(), "0.75");
    assert_eq!(
        calls(&sim),
        [
            "GET /v1/models",
            "GET /model/info",
            "POST /v1/chat/completions"
        ]
    );
}

#[tokio::test]
async fn profile_prices_are_never_replaced_by_discovered_ones() {
    let sim = litellm().start().await;
    sim.push(Reply::text("Hello").usage_tokens(1_000_000, 0));
    let mut overrides = oac::ModelInfoOverrides::default();
    overrides.prices.input_price = Some("2".parse().unwrap());
    overrides.prices.output_price = Some("8".parse().unwrap());
    let client = Client::builder()
        .base_url(sim.base_url())
        .model("fake-gpt")
        .profile(|p| p.model_info_overrides(overrides))
        .build()
        .unwrap();
    let reply = client.chat().user("Hi").send().await.unwrap();
    assert_eq!(
        reply
            .usage
            .unwrap()
            .cost
            .total()
            .unwrap()
            .normalize()
            .to_string(),
        "2"
    );
    let known = client.known_model().await;
    assert_eq!(known.sources.prices, InfoSource::Profile);
    assert_eq!(known.info.prices.output_price.unwrap().to_string(), "8");
    assert_eq!(
        known.info.prices.cache_read_price, None,
        "not borrowed from the server"
    );
    assert_eq!(
        known.sources.context_window,
        InfoSource::Server(ServerSource::LiteLlmModelInfo)
    );
}

#[tokio::test]
async fn ollama_show_gives_the_num_ctx_it_loads_the_model_with() {
    let sim = ollama().start().await;
    let client = client(&sim, "llama3.2:latest");
    let known = client.known_model().await;
    assert_eq!(
        known.info.context_window, 8192,
        "num_ctx, not the trained 131072"
    );
    assert!(known.info.supports_tools);
    assert!(!known.info.supports_images);
    assert_eq!(known.server, Some("Ollama"));
    // Not loaded (the simulator has no /api/ps): /api/show's num_ctx stands.
    assert_eq!(
        calls(&sim),
        ["GET /v1/models", "POST /api/show", "GET /api/ps"]
    );
    let show = &sim.requests_to("/api/show")[0];
    assert_eq!(show.body_at("/model").unwrap(), "llama3.2:latest");
}

#[tokio::test]
async fn ollama_ps_gives_the_context_a_loaded_model_really_has() {
    let sim = ollama()
        .route("GET", "/api/ps", 200, fixture("ollama_ps.json"))
        .start()
        .await;
    let known = client(&sim, "llama3.2:latest").known_model().await;
    assert_eq!(
        known.info.context_window, 4096,
        "what /api/ps says it was given"
    );
    assert_eq!(
        known.sources.context_window,
        InfoSource::Server(ServerSource::OllamaPs)
    );
    // Capabilities still come from /api/show.
    assert_eq!(
        known.sources.supports_tools,
        InfoSource::Server(ServerSource::OllamaShow)
    );
}

#[tokio::test]
async fn vllm_and_openrouter_lists_need_no_second_request() {
    let sim = Simulator::builder()
        .models_json(fixture("vllm_models.json"))
        .start()
        .await;
    let known = client(&sim, "Qwen/Qwen2.5-1.5B-Instruct")
        .known_model()
        .await;
    assert_eq!(known.info.context_window, 4096);
    assert_eq!(
        known.sources.context_window,
        InfoSource::Server(ServerSource::ModelsList)
    );
    assert_eq!(calls(&sim), ["GET /v1/models"]);

    let sim = Simulator::builder()
        .models_json(fixture("openrouter_models.json"))
        .start()
        .await;
    let known = client(&sim, "deepseek/deepseek-chat-v3.1")
        .known_model()
        .await;
    assert_eq!(known.info.context_window, 163_840);
    assert_eq!(known.info.max_output_tokens, Some(163_840));
    assert!(!known.info.supports_images);
    assert!(known.info.supports_tools);
    assert_eq!(
        known
            .info
            .prices
            .input_price
            .unwrap()
            .normalize()
            .to_string(),
        "0.2"
    );
    let known = client(&sim, "openai/gpt-4o-mini").known_model().await;
    assert!(known.info.supports_images);
    assert_eq!(known.info.max_output_tokens, Some(16_384));
    assert_eq!(
        known
            .info
            .prices
            .cache_read_price
            .unwrap()
            .normalize()
            .to_string(),
        "0.075"
    );
}

#[tokio::test]
async fn missing_and_malformed_metadata_never_fail_a_chat() {
    // The simulator's bare list (no context) and a 404 for /model/info.
    let sim = Simulator::start().await;
    let chat = client(&sim, "sim-model");
    let reply = chat.chat().user("Hi").send().await.unwrap();
    assert_eq!(reply.text(), "Hi");
    let known = chat.known_model().await;
    assert_eq!(known.sources.context_window, InfoSource::Default);
    assert!(
        known
            .notes
            .iter()
            .any(|n| n.contains("/model/info: HTTP 404")),
        "{:?}",
        known.notes
    );

    // Garbage where JSON belongs, and a models list that is not one.
    let sim = Simulator::builder()
        .models_json(serde_json::json!({"unexpected": [1, 2, 3]}))
        .route(
            "GET",
            "/model/info",
            200,
            serde_json::json!({"data": "nope"}),
        )
        .start()
        .await;
    let chat = client(&sim, "sim-model");
    chat.chat().user("Hi").send().await.unwrap();
    assert_eq!(chat.model_info().context_window, 128_000);

    // A models endpoint that fails with 500 is not retried (discovery makes one
    // attempt) and does not hold the chat up.
    let sim = Simulator::start().await;
    sim.push_models(Reply::error(500, "boom"));
    let chat = client(&sim, "sim-model");
    chat.chat().user("Hi").send().await.unwrap();
    assert_eq!(sim.requests_to("/models").len(), 1);
}

#[tokio::test]
async fn a_silent_metadata_endpoint_delays_the_first_chat_by_at_most_the_discovery_timeout() {
    let sim = Simulator::start().await;
    sim.push_models(Reply::text("x").first_byte_delay(Duration::from_secs(30)));
    let chat = client(&sim, "sim-model");
    let started = Instant::now();
    let reply = chat.chat().user("Hi").send().await.unwrap();
    assert_eq!(reply.text(), "Hi");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let known = chat.known_model().await;
    assert!(
        known
            .notes
            .iter()
            .any(|n| n.contains("did not answer within")),
        "{:?}",
        known.notes
    );
}

#[tokio::test]
async fn the_provider_alone_discovers_too() {
    let sim = llama_cpp().start().await;
    let provider = oac_tests::provider(oac_tests::profile_for(&sim.base_url(), LLAMA_MODEL));
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(provider.model_info().context_window, 2048);
    // A config that describes the model wholly is never second-guessed.
    let config = oac_tests::profile_for(&sim.base_url(), LLAMA_MODEL)
        .with_model_info(oac_provider::ModelInfo::compatible_default());
    let provider = oac_tests::provider(config);
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(provider.model_info().context_window, 128_000);
    assert_eq!(sim.requests_to("/props").len(), 1);
}

#[tokio::test]
async fn a_prompt_ollama_would_cut_is_warned_about_before_sending() {
    let sim = ollama()
        .route("GET", "/api/ps", 200, fixture("ollama_ps.json"))
        .start()
        .await;
    let (logs, _guard) = oac_tests::logs::LogCapture::start();
    let client = client(&sim, "llama3.2:latest");
    // About 5,000 tokens by the heuristic, against the 4,096 Ollama loaded.
    client
        .chat()
        .user("word ".repeat(4000))
        .send()
        .await
        .unwrap();
    let warned: Vec<String> = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains("Ollama cuts the prompt silently"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", logs.lines());
    assert!(warned[0].contains("num_ctx"), "{}", warned[0]);
    assert!(warned[0].contains("4096-token context"), "{}", warned[0]);
    // A prompt that fits is not warned about.
    client.chat().user("Hi").send().await.unwrap();
    let again = logs
        .lines()
        .into_iter()
        .filter(|l| l.contains("Ollama cuts the prompt silently"))
        .count();
    assert_eq!(again, 1);
}

#[tokio::test]
async fn discovery_asks_with_the_profiles_query_and_never_shows_its_secrets() {
    let sim = llama_cpp().start().await;
    let key = "sk-gateway-0123456789abcdef";
    let config = oac_tests::profile_with_query(&sim, &[("api_key", key), ("tenant", "a")]);
    let config = oac_provider::ProviderConfig::new(config.endpoints().clone(), LLAMA_MODEL);
    let provider = oac_tests::provider(config);
    let known = provider.known_model().await;
    assert_eq!(known.info.context_window, 2048);
    // The metadata requests carry the query the chat URL has (a gateway's key, a tenant)…
    for request in sim.requests() {
        let pairs = request.query_pairs();
        assert!(
            pairs.contains(&("tenant".to_owned(), "a".to_owned())),
            "{}",
            request.path
        );
    }
    // …and what discovery tells (notes, Debug) never shows the key.
    let shown = format!("{known:?} {provider:?}");
    assert!(!shown.contains(key), "{shown}");
    assert!(
        known.notes.iter().all(|n| n.contains("api_key=***")),
        "{:?}",
        known.notes
    );
}
