//! `oac config import` of a Kilo Code 7 config (`kilo.jsonc`), then the imported
//! profiles through the real `oac`: their prices (`cost`), their URLs (`resolve`)
//! and a chat against the simulator with the key, headers and model of the file.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Reply, Simulator};
use serde_json::Value;

use support::{Env, Ran};

/// The fixture the config crate's tests read too.
const KILO: &str = include_str!("../../config/tests/fixtures/kilo7.jsonc");

/// Writes `text` as `kilo/kilo.jsonc` in the home directory and imports it into
/// `oac/config.toml` there; returns the run and the config's path.
async fn import(env: &Env, text: &str) -> (Ran, String) {
    let dir = env.path("kilo");
    std::fs::create_dir_all(&dir).unwrap();
    let kilo = dir.join("kilo.jsonc");
    std::fs::write(&kilo, text).unwrap();
    let config = env.path("oac/config.toml").display().to_string();
    let ran = env
        .run(&[
            "config",
            "import",
            kilo.to_str().unwrap(),
            "--output",
            &config,
        ])
        .await;
    (ran, config)
}

/// `oac --config CONFIG --profile PROFILE ARGS… --json`: its one record.
async fn record(env: &Env, config: &str, profile: &str, args: &[&str]) -> Value {
    let mut all = vec!["--config", config, "--profile", profile, "--json"];
    all.extend_from_slice(args);
    let ran = env.run(&all).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let lines = ran.json_lines();
    assert_eq!(lines.len(), 1, "{}", ran.shown());
    lines.into_iter().next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_kilo7_profiles_cost_what_the_file_says() {
    let env = Env::new().var("TOGETHER_API_KEY", "tgp-test-key");
    let (ran, config) = import(&env, KILO).await;
    insta::assert_snapshot!("kilo7_import_human", ran.shown());
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains("api_key_env = \"TOGETHER_API_KEY\""),
        "{written}"
    );
    assert!(
        !env.path("oac/keys").exists(),
        "no literal key, no key file"
    );

    // kimi-k2: $0.6 in, $2.5 out, $0.15 cache read, $0.75 cache write per 1M.
    let kimi = record(
        &env,
        &config,
        "together-kimi-k2",
        &[
            "cost",
            "--input",
            "1000000",
            "--cached",
            "400000",
            "--cache-write",
            "100000",
            "--output",
            "200000",
        ],
    )
    .await;
    assert_eq!(kimi["model"], "moonshotai/Kimi-K2-Instruct");
    assert_eq!(kimi["input"], "0.3", "500,000 uncached × $0.6/M");
    assert_eq!(kimi["cache_read"], "0.06", "400,000 × $0.15/M");
    assert_eq!(kimi["cache_write"], "0.075", "100,000 × $0.75/M");
    assert_eq!(kimi["output"], "0.5", "200,000 × $2.5/M");
    assert_eq!(kimi["total"], "0.935");

    // qwen3-coder: $2 / $2, and $4 / $4 once the input passes 200k tokens.
    let small = record(
        &env,
        &config,
        "together-qwen3-coder",
        &["cost", "--input", "100000", "--output", "1000"],
    )
    .await;
    assert_eq!(small["total"], "0.202");
    let large = record(
        &env,
        &config,
        "together-qwen3-coder",
        &[
            "cost", "--input", "250000", "--cached", "50000", "--output", "1000",
        ],
    )
    .await;
    // The tier sets no cache price, so the base $0.2/M applies to cache reads.
    assert_eq!(large["input"], "0.8", "200,000 uncached × $4/M");
    assert_eq!(large["cache_read"], "0.01", "50,000 × $0.2/M");
    assert_eq!(large["output"], "0.004", "1,000 × $4/M");
    assert_eq!(large["total"], "0.814");

    // The local model has no prices: its cost is unknown, never $0.
    let local = env
        .run(&[
            "--config",
            &config,
            "--profile",
            "lmstudio",
            "cost",
            "--input",
            "10",
            "--output",
            "10",
        ])
        .await;
    assert_eq!(local.code, 2, "{}", local.shown());
    assert!(local.stderr.contains("not set"), "{}", local.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_kilo7_profiles_resolve_to_the_urls_of_the_file() {
    let env = Env::new().var("TOGETHER_API_KEY", "tgp-test-key");
    let (ran, config) = import(&env, KILO).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    for (profile, chat, models, kind) in [
        (
            "together-kimi-k2",
            "https://api.together.xyz/v1/chat/completions",
            "https://api.together.xyz/v1/models",
            "compatible",
        ),
        (
            "together-qwen3-coder",
            "https://api.together.xyz/v1/chat/completions",
            "https://api.together.xyz/v1/models",
            "compatible",
        ),
        (
            "lmstudio",
            "http://127.0.0.1:1234/v1/chat/completions",
            "http://127.0.0.1:1234/v1/models",
            "compatible",
        ),
    ] {
        let resolved = record(&env, &config, profile, &["resolve"]).await;
        assert_eq!(resolved["chat_url"], chat, "{profile}");
        assert_eq!(resolved["models_url"], models, "{profile}");
        assert_eq!(resolved["provider"]["kind"], kind, "{profile}");
    }
    // The file's `model` is the default profile.
    let ran = env.run(&["--config", &config, "--json", "resolve"]).await;
    assert_eq!(
        ran.json_lines()[0]["chat_url"],
        "https://api.together.xyz/v1/chat/completions"
    );
    let shown = env
        .run(&[
            "--config",
            &config,
            "--profile",
            "together-qwen3-coder",
            "resolve",
        ])
        .await;
    assert!(
        shown.stdout.contains("262,144") || shown.stdout.contains("262144"),
        "the context window of the file: {}",
        shown.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_kilo7_profile_sends_the_key_headers_and_model_of_the_file() {
    let sim = Simulator::builder().api_key("tgp-test-key").start().await;
    sim.push(Reply::text("Hi from Kimi").usage_tokens(1000, 100));
    let env = Env::new().var("TOGETHER_API_KEY", "tgp-test-key");
    let kilo = KILO.replace("https://api.together.xyz/v1", &sim.base_url());
    let (ran, config) = import(&env, &kilo).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let chat = env
        .run(&[
            "--config",
            &config,
            "--profile",
            "together-kimi-k2",
            "chat",
            "--no-stream",
            "Hello",
        ])
        .await;
    assert_eq!(chat.code, 0, "{}", chat.shown());
    assert_eq!(chat.stdout, "Hi from Kimi\n");
    // 1,000 in × $0.6/M + 100 out × $2.5/M.
    assert!(chat.stderr.contains("$0.00085"), "{}", chat.stderr);
    let request = sim.chat_requests().pop().unwrap();
    assert_eq!(request.header("authorization"), Some("Bearer tgp-test-key"));
    assert_eq!(request.header("x-title"), Some("My App"));
    assert_eq!(
        request.header("http-referer"),
        Some("https://example.com/my-app")
    );
    assert_eq!(
        request.body_at("/model").unwrap(),
        "moonshotai/Kimi-K2-Instruct"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kilo7_literal_key_goes_to_a_key_file_and_file_keys_resolve_from_the_config_dir() {
    let env = Env::new();
    let kilo = r#"{
      // kilo.json with a literal key and a key file beside it
      "provider": {
        "gw": {"npm": "@ai-sdk/openai-compatible",
               "options": {"baseURL": "https://gw.example.com/v1", "apiKey": "gw-literal-secret-0123456789"},
               "models": {"m": {}}},
        "filed": {"npm": "@ai-sdk/openai-compatible",
               "options": {"baseURL": "https://filed.example.com/v1", "apiKey": "{file:secrets/filed.key}"},
               "models": {"m": {}}},
      },
    }"#;
    std::fs::create_dir_all(env.path("kilo/secrets")).unwrap();
    std::fs::write(env.path("kilo/secrets/filed.key"), "filed-secret\n").unwrap();
    let (ran, config) = import(&env, kilo).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(!ran.stdout.contains("gw-literal-secret") && !ran.stderr.contains("gw-literal-secret"));
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(!written.contains("gw-literal-secret"), "{written}");
    assert!(
        written.contains("api_key_file = \"keys/gw.key\""),
        "{written}"
    );
    let filed = env.path("kilo/secrets/filed.key").display().to_string();
    assert!(
        written.contains(&format!("api_key_file = \"{filed}\"")),
        "{written}"
    );
    assert_eq!(
        std::fs::read_to_string(env.path("oac/keys/gw.key")).unwrap(),
        "gw-literal-secret-0123456789\n"
    );
    // Both keys load, from any directory.
    for profile in ["gw", "filed"] {
        let doctorless = env
            .run(&[
                "--config",
                &config,
                "--profile",
                profile,
                "--json",
                "resolve",
            ])
            .await;
        assert_eq!(doctorless.code, 0, "{}", doctorless.shown());
        assert!(
            !doctorless.stderr.contains("no API key"),
            "{}",
            doctorless.shown()
        );
    }
    // Named relative to the working directory (the home directory here), --print
    // writes the key file's path absolute, so the printed config works anywhere.
    let json = env
        .run(&["config", "import", "--print", "--json", "kilo/kilo.jsonc"])
        .await;
    assert_eq!(json.code, 0, "{}", json.shown());
    let record = &json.json_lines()[0];
    assert_eq!(record["format"], "kilo-config");
    assert!(
        record["toml"]
            .as_str()
            .unwrap()
            .contains("api_key_file = \"[HOME]/kilo/secrets/filed.key\""),
        "{record}"
    );
    assert_eq!(
        record["key_variables"],
        serde_json::json!([{"profile": "gw", "variable": "GW_API_KEY"}])
    );
    assert!(!json.stdout.contains("gw-literal-secret"));
}
