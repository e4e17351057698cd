//! `oac` shows the model info the server reports, with its source: against a
//! simulator serving recorded llama.cpp (`-c 2048`) and LiteLLM responses
//! (`tests/fixtures/discovery/`), in `oac chat`, `oac doctor` and `oac resolve`.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Reply, Simulator};
use serde_json::Value;
use support::Env;

const LLAMA_MODEL: &str = "qwen2.5-0.5b-instruct-q4_k_m.gguf";

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/discovery/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

async fn llama_cpp() -> Simulator {
    Simulator::builder()
        .models_json(fixture("llama_cpp_models.json"))
        .route("GET", "/props", 200, fixture("llama_cpp_props.json"))
        .start()
        .await
}

fn env_for(sim: &Simulator, model: &str, extra: &str) -> Env {
    Env::new().config(&format!(
        "default_profile = \"local\"\n\n[profiles.local]\nbase_url = \"{}\"\nmodel = \"{model}\"\n{extra}",
        sim.base_url()
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_shows_the_servers_context_window_and_where_it_came_from() {
    let sim = llama_cpp().await;
    sim.push(Reply::text("Hello").usage_tokens(11, 2));
    let env = env_for(&sim, LLAMA_MODEL, "");
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("context 11 of 2,048 tokens (0.5%), window from llama.cpp /props"),
        "{}",
        ran.shown()
    );

    let json = env.run(&["--json", "chat", "Hi"]).await;
    let done = json.json_lines().into_iter().last().unwrap();
    assert_eq!(done["type"], "done");
    assert_eq!(done["context_window"], 2048);
    assert_eq!(done["context_window_source"], "server: llama.cpp /props");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_the_discovered_limits_and_what_it_asked() {
    let sim = llama_cpp().await;
    let env = env_for(&sim, LLAMA_MODEL, "");
    let ran = env.run(&["doctor"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stdout
            .contains("model info: context 2,048 (server: llama.cpp /props)"),
        "{}",
        ran.shown()
    );
    assert!(
        ran.stdout.contains("images no (server: llama.cpp /props)"),
        "{}",
        ran.shown()
    );
    assert!(
        ran.stdout.contains("/props: context 2048, images no"),
        "{}",
        ran.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_says_the_prices_came_from_the_server() {
    let sim = Simulator::builder()
        .models_json(fixture("litellm_models.json"))
        .route(
            "GET",
            "/model/info",
            200,
            fixture("litellm_model_info.json"),
        )
        .start()
        .await;
    sim.push(Reply::text("Hello").usage_tokens(1_000_000, 1_000_000));
    let env = env_for(&sim, "fake-gpt", "");
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("cost $0.750000 (prices from LiteLLM /model/info)"),
        "{}",
        ran.shown()
    );
    assert!(ran.stderr.contains("of 128,000 tokens"), "{}", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_sends_nothing_and_says_what_discovery_will_ask() {
    let sim = llama_cpp().await;
    let env = env_for(
        &sim,
        LLAMA_MODEL,
        "\n[profiles.local.model_info]\ncontext_window = 4096\n",
    );
    let ran = env.run(&["resolve"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stdout
            .contains("model info: context 4,096 (profile) · max output unknown (default)"),
        "{}",
        ran.shown()
    );
    assert!(
        ran.stdout
            .contains("discovery: the fields marked (default)"),
        "{}",
        ran.shown()
    );
    assert_eq!(sim.request_count(), 0);

    let json = env.run(&["--json", "resolve"]).await;
    let line = &json.json_lines()[0];
    assert_eq!(line["model_info"]["context_window"]["value"], 4096);
    assert_eq!(line["model_info"]["context_window"]["source"], "profile");

    let off = env_for(&sim, LLAMA_MODEL, "discover_model_info = false\n");
    let ran = off.run(&["resolve"]).await;
    assert!(
        ran.stdout
            .contains("discovery: off (discover_model_info = false)"),
        "{}",
        ran.shown()
    );
    let ran = off.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(sim.request_count(), 1, "only the chat: discovery is off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_longer_than_the_servers_window_is_warned_about_before_sending() {
    let sim = llama_cpp().await;
    let env = env_for(&sim, LLAMA_MODEL, "");
    let prompt = "word ".repeat(3000);
    let ran = env.run(&["chat", "--max-tokens", "256", &prompt]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stderr.contains("warning: the prompt is about 3,756 tokens (heuristic estimate) and 256 are reserved for the reply, more than the 2,048-token context window (server: llama.cpp /props)"),
        "{}",
        ran.shown()
    );
    // A prompt that fits gets no warning.
    let ran = env.run(&["chat", "Hi"]).await;
    assert!(!ran.stderr.contains("warning"), "{}", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ollama_cutting_a_prompt_is_warned_about_with_the_setting_to_change() {
    let sim = Simulator::builder()
        .models_json(fixture("ollama_models.json"))
        .route("POST", "/api/show", 200, fixture("ollama_show.json"))
        .start()
        .await;
    let env = env_for(&sim, "llama3.2:latest", "");
    let prompt = "word ".repeat(8000);
    let ran = env.run(&["chat", &prompt]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let warnings: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", ran.shown());
    assert!(
        warnings[0].contains("8192-token context Ollama gives `llama3.2:latest`"),
        "{}",
        ran.shown()
    );
    assert!(warnings[0].contains("PARAMETER num_ctx"), "{}", ran.shown());
}
