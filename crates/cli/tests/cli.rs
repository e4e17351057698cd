//! The real `oac` binary against the testkit simulator: standard output, standard
//! error and the exit code of each command, human and `--json`.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Fault, Reply, Simulator, bodies};
use std::process::Stdio;

use support::{Env, priced_config};

// ---- chat -------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_streams_the_answer_to_stdout_and_the_usage_line_to_stderr() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("Hello from the simulator!")
            .text_chunk_chars(5)
            .usage_tokens(1000, 500),
    );
    let env = Env::new().config(&priced_config(&sim));
    let ran = env.run(&["chat", "Say", "hello"]).await;
    insta::assert_snapshot!("chat_human", env.redact(&sim, ran.shown()));
    assert_eq!(
        sim.last_request()
            .unwrap()
            .body_at("/messages/0/content")
            .unwrap(),
        "Say hello"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_shows_reasoning_apart_from_the_answer() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("Let me think.")
            .content("42")
            .usage_tokens(10, 5),
    );
    let env = Env::new().sim(&sim);
    let ran = env.run(&["chat", "Answer?"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.stdout, "42\n");
    assert!(
        ran.stderr.starts_with("reasoning: Let me think.\n"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr
            .contains("cost unknown (input_price and output_price are not set)"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_json_prints_one_event_per_line() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .reasoning_content("Hmm.")
            .content("Hi!")
            .text_chunk_chars(2)
            .usage_tokens(1000, 500),
    );
    let env = Env::new().config(&priced_config(&sim));
    let ran = env.run(&["--json", "chat", "Hello"]).await;
    insta::assert_snapshot!("chat_json", env.redact(&sim, ran.shown()));
    let lines = ran.json_lines();
    assert_eq!(lines.last().unwrap()["type"], "done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_json_reports_tool_calls_whole() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
            .finish_reason("tool_calls")
            .text_chunk_chars(3),
    );
    let env = Env::new().sim(&sim);
    let ran = env.run(&["chat", "--json", "Weather?"]).await;
    let lines = ran.json_lines();
    assert_eq!(
        lines[0],
        serde_json::json!({"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"})
    );
    assert_eq!(lines.last().unwrap()["finish_reason"], "tool_calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_reads_the_prompt_from_standard_input() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let ran = env
        .run_with_stdin(
            &["chat", "--no-stream", "--system", "Be brief."],
            Some("from a pipe\n"),
        )
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.stdout, "from a pipe\n");
    let body = sim.last_request().unwrap().body.unwrap();
    assert_eq!(body["messages"][0]["content"], "Be brief.");
    assert_eq!(
        body.get("stream"),
        None,
        "--no-stream sends a complete request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_sends_options_and_images() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let image = env.path("cat.png");
    std::fs::write(&image, [0x89, b'P', b'N', b'G']).unwrap();
    let ran = env
        .run(&[
            "chat",
            "--max-tokens",
            "5",
            "--temperature",
            "0.5",
            "--reasoning-effort",
            "high",
            "--image",
            image.to_str().unwrap(),
            "--image",
            "https://example.com/dog.jpg",
            "Describe",
        ])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let body = sim.last_request().unwrap().body.unwrap();
    assert_eq!(body["max_tokens"], 5);
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(
        body["reasoning_effort"], "high",
        "--reasoning-effort goes on the request"
    );
    let parts = &body["messages"][0]["content"];
    assert_eq!(parts[0]["text"], "Describe");
    assert_eq!(
        parts[1]["image_url"]["url"],
        "data:image/png;base64,iVBORw=="
    );
    assert_eq!(parts[2]["image_url"]["url"], "https://example.com/dog.jpg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_prompt_is_a_usage_error() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let ran = env.run_with_stdin(&["chat"], Some("  \n")).await;
    assert_eq!(ran.code, 2);
    assert_eq!(ran.stdout, "");
    assert!(ran.stderr.contains("the prompt is empty"), "{}", ran.stderr);
    assert_eq!(sim.request_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_key_exits_3_and_never_shows_the_key() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let env = Env::new()
        .sim(&sim)
        .var("OPENAI_API_KEY", "sk-wrong-secret-42");
    let ran = env.run(&["chat", "Hi"]).await;
    insta::assert_snapshot!("chat_invalid_key", env.redact(&sim, ran.shown()));
    let json = env.run(&["--json", "chat", "Hi"]).await;
    assert_eq!(json.code, 3);
    let error = &json.json_lines()[0];
    assert_eq!(
        (
            error["type"].as_str(),
            error["kind"].as_str(),
            error["status"].as_u64()
        ),
        (Some("error"), Some("invalid_api_key"), Some(401))
    );
    for text in [&ran.stdout, &ran.stderr, &json.stdout, &json.stderr] {
        assert!(
            !text.contains("sk-wrong-secret-42"),
            "the key leaked: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_model_exits_4() {
    let sim = Simulator::builder()
        .models(["real-model"])
        .strict_models(true)
        .start()
        .await;
    let env = Env::new().sim(&sim);
    let ran = env.run(&["--json", "chat", "Hi"]).await;
    assert_eq!(ran.code, 4, "{}", ran.shown());
    assert_eq!(ran.json_lines()[0]["kind"], "model_not_found");
    assert!(ran.stderr.contains("oac models"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_after_retries_exits_5() {
    let sim = Simulator::start().await;
    let limited = Reply::error(
        429,
        bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded"),
    )
    .header("retry-after-ms", "1");
    sim.push_n(limited, 3);
    let env = Env::new().sim(&sim);
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 5, "{}", ran.shown());
    assert_eq!(sim.chat_request_count(), 3, "two retries, then the error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_connection_exits_6() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    drop(sim);
    let ran = env.run(&["--json", "chat", "Hi"]).await;
    assert_eq!(ran.code, 6, "{}", ran.shown());
    assert_eq!(ran.json_lines()[0]["kind"], "connection");
    assert!(
        ran.stderr.contains("hint: run `oac doctor`"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_exits_7() {
    let sim = Simulator::start().await;
    sim.push_n(
        Reply::error(
            500,
            bodies::openai_error("boom", "server_error", serde_json::Value::Null),
        ),
        3,
    );
    let env = Env::new().sim(&sim);
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 7, "{}", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_stream_keeps_the_text_and_exits_8() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("partial answer")
            .text_chunk_chars(4)
            .with_fault(Fault::CutAfterEvents(3)),
    );
    let env = Env::new().sim(&sim);
    let ran = env.run(&["chat", "Hi"]).await;
    insta::assert_snapshot!("chat_cut_stream", env.redact(&sim, ran.shown()));
}

// ---- models, cost, resolve ----------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_prints_one_id_per_line() {
    let sim = Simulator::builder().models(["alpha", "beta"]).start().await;
    let env = Env::new().sim(&sim);
    let ran = env.run(&["models"]).await;
    assert_eq!(
        (ran.code, ran.stdout.as_str(), ran.stderr.as_str()),
        (0, "alpha\nbeta\n", "")
    );
    let json = env.run(&["models", "--json"]).await;
    let lines = json.json_lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "alpha");
    assert_eq!(lines[1]["id"], "beta");
    // A bare list states nothing of the models' limits: null, never a made-up value.
    assert_eq!(lines[0]["context_window"], serde_json::Value::Null);
    assert_eq!(lines[0]["source"], "models list");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn models_json_shows_what_each_entry_states() {
    let sim = Simulator::builder()
        .models_json(serde_json::json!({"data": [{
            "id": "deepseek/deepseek-chat-v3.1", "context_length": 163840,
            "pricing": {"prompt": "0.0000002", "completion": "0.0000008"},
            "top_provider": {"max_completion_tokens": 65536},
            "architecture": {"input_modalities": ["text"]},
            "supported_parameters": ["tools", "max_tokens"]
        }]}))
        .start()
        .await;
    let env = Env::new().sim(&sim);
    let json = env.run(&["models", "--json"]).await;
    let line = &json.json_lines()[0];
    assert_eq!(line["context_window"], 163_840);
    assert_eq!(line["max_output_tokens"], 65_536);
    assert_eq!(line["supports_images"], false);
    assert_eq!(line["supports_tools"], true);
    assert_eq!(line["input_price"], "0.2");
    assert_eq!(line["output_price"], "0.8");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_prices_a_usage_exactly() {
    let env = Env::new().config(
        "[profiles.gpt]\nbase_url = \"https://api.example.com/v1\"\nmodel = \"gpt-4o\"\n\n\
         [profiles.gpt.model_info]\ninput_price = 2.50\ncache_read_price = 1.25\noutput_price = 10\n",
    );
    let args = [
        "cost", "--input", "2006", "--cached", "1920", "--output", "300",
    ];
    let ran = env.run(&args).await;
    insta::assert_snapshot!("cost_human", ran.shown());
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let json = env.run(&json_args).await;
    assert_eq!(
        json.json_lines(),
        [
            serde_json::json!({"model": "gpt-4o", "service_tier": null, "total": "0.005615", "input": "0.000215", "cache_read": "0.0024", "cache_write": "0", "output": "0.003", "reasoning": "0"})
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_without_prices_exits_2_and_says_which_are_missing() {
    let env = Env::new()
        .var("OPENAI_BASE_URL", "http://localhost:11434/v1")
        .var("OPENAI_MODEL", "llama3.2");
    let ran = env.run(&["cost", "--input", "10", "--output", "10"]).await;
    insta::assert_snapshot!("cost_unknown", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_refuses_parts_above_their_totals() {
    let env = Env::new().var("OPENAI_BASE_URL", "http://localhost:1/v1");
    let ran = env
        .run(&[
            "cost", "--model", "m", "--input", "10", "--cached", "11", "--output", "1",
        ])
        .await;
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("exceed --input (10)"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_explains_the_urls_and_sends_nothing() {
    let env = Env::new();
    let ran = env
        .run(&["resolve", "https://api.provider.com/v1/chat/completions"])
        .await;
    insta::assert_snapshot!("resolve_human", ran.shown());
    let json = env
        .run(&[
            "resolve",
            "--json",
            "https://custom-endpoint.provider.com/api/v2/models/chat",
        ])
        .await;
    insta::assert_snapshot!("resolve_json", json.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_explains_a_full_responses_endpoint_and_azure_responses_urls() {
    let env = Env::new();
    let ran = env
        .run(&[
            "resolve",
            "https://api.provider.com/v1/responses",
            "--model",
            "m",
        ])
        .await;
    insta::assert_snapshot!("resolve_responses_endpoint", ran.shown());
    let azure = env
        .run(&[
            "resolve",
            "https://res.openai.azure.com/openai/responses?api-version=2025-04-01-preview",
            "--model",
            "gpt5-prod",
        ])
        .await;
    insta::assert_snapshot!("resolve_azure_responses", azure.shown());
    let forced = env
        .run(&[
            "resolve",
            "--api",
            "responses",
            "https://res.openai.azure.com/openai/v1",
            "--model",
            "gpt-5",
        ])
        .await;
    assert_eq!(forced.code, 0, "{}", forced.shown());
    assert!(
        forced.stdout.contains(
            "api:      responses (--api = responses): chat requests go to https://res.openai.azure.com/openai/v1/responses"
        ),
        "{}",
        forced.shown()
    );
    let refused = env
        .run(&[
            "resolve",
            "--api",
            "responses",
            "https://custom-endpoint.provider.com/api/v2/models/chat",
        ])
        .await;
    assert_ne!(refused.code, 0, "{}", refused.shown());
    assert!(
        refused
            .stderr
            .contains("the Responses API cannot be used with this URL"),
        "{}",
        refused.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_uses_the_profile_when_no_url_is_given() {
    let env = Env::new().config(
        "[profiles.azure]\nbase_url = \"https://res.openai.azure.com\"\nmodel = \"gpt4o-prod\"\n",
    );
    let ran = env.run(&["resolve", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let endpoints = &ran.json_lines()[0];
    assert_eq!(
        endpoints["chat_url"],
        "https://res.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-08-01-preview"
    );
    assert_eq!(endpoints["flavor"], "azure-openai");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_and_cost_need_no_key_even_when_the_profile_names_one() {
    // The profile's key variable is not set: commands that send nothing still work
    // and say nothing about the key; a command that sends requests refuses.
    let env = Env::new().config(
        "[profiles.t]\nbase_url = \"https://api.together.xyz/v1\"\napi_key_env = \"TOGETHER_API_KEY\"\nmodel = \"llama\"\n[profiles.t.model_info]\ninput_price = 1\noutput_price = 2\n",
    );
    let ran = env.run(&["resolve"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stdout
            .contains("chat:      https://api.together.xyz/v1/chat/completions"),
        "{}",
        ran.shown()
    );
    assert!(!ran.stderr.contains("TOGETHER_API_KEY"), "{}", ran.shown());
    let ran = env
        .run(&["cost", "--input", "1000000", "--output", "0", "--json"])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.json_lines()[0]["total"], "1");
    let ran = env.run(&["models"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("the environment variable `TOGETHER_API_KEY` is not set"),
        "{}",
        ran.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_of_a_url_without_scheme_exits_2_with_the_fix() {
    let env = Env::new();
    let ran = env.run(&["resolve", "api.provider.com/v1"]).await;
    insta::assert_snapshot!("resolve_no_scheme", ran.shown());
    let json = env.run(&["resolve", "--json", "api.provider.com/v1"]).await;
    assert_eq!(json.code, 2);
    assert_eq!(json.json_lines()[0]["kind"], "config");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_with_a_service_tier_uses_its_prices_or_says_it_has_none() {
    let env = Env::new();
    let flex = env
        .run(&[
            "cost",
            "--model",
            "gpt-5",
            "--input",
            "1000000",
            "--cached",
            "200000",
            "--output",
            "100000",
            "--service-tier",
            "flex",
        ])
        .await;
    assert_eq!(flex.code, 0, "{}", flex.shown());
    insta::assert_snapshot!("cost_service_tier_flex", flex.stdout);
    let json = env
        .run(&[
            "cost",
            "--model",
            "gpt-5",
            "--input",
            "1000000",
            "--output",
            "0",
            "--service-tier",
            "priority",
            "--json",
        ])
        .await;
    assert_eq!(json.json_lines()[0]["total"], "2.5", "{}", json.shown());
    assert_eq!(json.json_lines()[0]["service_tier"], "priority");
    let unpriced = env
        .run(&[
            "cost",
            "--model",
            "gpt-5-nano",
            "--input",
            "10",
            "--output",
            "1",
            "--service-tier",
            "priority",
        ])
        .await;
    assert_eq!(unpriced.code, 2, "{}", unpriced.shown());
    insta::assert_snapshot!("cost_service_tier_unpriced", unpriced.stderr);
    let wrong = env
        .run(&[
            "cost",
            "--model",
            "gpt-5",
            "--input",
            "1",
            "--output",
            "1",
            "--service-tier",
            "flexi",
        ])
        .await;
    assert_eq!(wrong.code, 2, "{}", wrong.shown());
    assert!(wrong.stderr.contains("flex"), "{}", wrong.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_of_a_native_model_uses_the_model_catalogue() {
    let env = Env::new();
    let ran = env
        .run(&[
            "cost", "--model", "gpt-4o", "--input", "2006", "--cached", "1920", "--output", "300",
            "--json",
        ])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.json_lines()[0]["total"], "0.005615");
    let reasoning = env
        .run(&[
            "cost",
            "--model",
            "o3-mini-high",
            "--input",
            "150",
            "--output",
            "8500",
            "--reasoning",
            "8200",
        ])
        .await;
    assert!(
        reasoning
            .stdout
            .contains("(prices from the OpenAI model catalogue)"),
        "{}",
        reasoning.shown()
    );
    assert!(
        reasoning.stdout.ends_with("total        $0.037565\n"),
        "{}",
        reasoning.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_sent_over_plain_http_to_another_host_is_warned_about_once() {
    let env = Env::new()
        .config("[profiles.p]\nbase_url = \"http://nonexistent.invalid/v1\"\nmodel = \"m\"\nmax_retries = 0\n")
        .var("OPENAI_API_KEY", "sk-plain-http-secret");
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 6, "{}", ran.shown());
    let warning = "warning: the API key is sent over plain http to a host that is not this machine";
    assert_eq!(ran.stderr.matches(warning).count(), 1, "{}", ran.stderr);
    assert!(!ran.stderr.contains("sk-plain-http-secret"));

    let doctor = env.run(&["doctor", "--json"]).await;
    let url = doctor
        .json_lines()
        .into_iter()
        .find(|l| l["check"] == "url_resolves")
        .unwrap();
    assert_eq!(url["status"], "warn", "{}", doctor.shown());
    assert_eq!(url["fix"], "use the https:// form of the base URL");
}

// ---- config import ------------------------------------------------------------------

const KILO_EXPORT: &str = r#"{
  "providerProfiles": {
    "currentApiConfigName": "together",
    "apiConfigs": {
      "together": {
        "id": "a1", "apiProvider": "openai",
        "openAiBaseUrl": "https://api.together.xyz/v1",
        "openAiApiKey": "tg-secret-key-77",
        "openAiModelId": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "openAiCustomModelInfo": {"maxTokens": 8192, "contextWindow": 131072, "supportsImages": false,
                                  "inputPrice": 0.88, "outputPrice": 0.88},
        "rateLimitSeconds": 0
      },
      "claude": {"id": "b2", "apiProvider": "anthropic", "apiModelId": "claude-sonnet"}
    }
  },
  "globalSettings": {"language": "en"}
}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_writes_profiles_and_owner_only_key_files() {
    let env = Env::new();
    let export = env.path("kilo-settings.json");
    std::fs::write(&export, KILO_EXPORT).unwrap();
    let target = env.path("oac/config.toml");
    let ran = env
        .run(&[
            "config",
            "import",
            export.to_str().unwrap(),
            "--output",
            target.to_str().unwrap(),
        ])
        .await;
    insta::assert_snapshot!("import_human", ran.shown());
    let written = std::fs::read_to_string(&target).unwrap();
    insta::assert_snapshot!(
        "import_config_toml",
        written.replace(&env.home.path().display().to_string(), "[HOME]")
    );
    assert!(
        !written.contains("tg-secret-key-77"),
        "the key is in the config file"
    );
    let key_file = env.path("oac/keys/together.key");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        "tg-secret-key-77\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(!ran.stdout.contains("tg-secret-key-77") && !ran.stderr.contains("tg-secret-key-77"));

    // The imported profile is usable as it is.
    let resolve = env
        .run(&["--config", target.to_str().unwrap(), "resolve", "--json"])
        .await;
    assert_eq!(
        resolve.json_lines()[0]["chat_url"],
        "https://api.together.xyz/v1/chat/completions"
    );

    // An existing config file is never overwritten without --force.
    let again = env
        .run(&[
            "config",
            "import",
            export.to_str().unwrap(),
            "--output",
            target.to_str().unwrap(),
        ])
        .await;
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_of_something_else_exits_2() {
    let env = Env::new();
    let export = env.path("settings.json");
    std::fs::write(&export, r#"{"editor.fontSize": 14}"#).unwrap();
    let ran = env
        .run(&["config", "import", "--print", export.to_str().unwrap()])
        .await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("not a Kilo Code / Roo Code settings export"),
        "{}",
        ran.stderr
    );
}

// ---- doctor -------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_every_check_on_a_working_setup() {
    let sim = Simulator::builder().api_key("sk-good").start().await;
    let env = Env::new()
        .config(&priced_config(&sim))
        .var("OPENAI_API_KEY", "sk-good");
    let ran = env.run(&["doctor"]).await;
    insta::assert_snapshot!("doctor_pass", env.redact(&sim, ran.shown()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_and_doctor_work_over_the_responses_api() {
    let sim = Simulator::builder().api_key("sk-good").start().await;
    sim.push(
        Reply::new()
            .reasoning_content("Short answer.")
            .content("Hello over Responses!")
            .text_chunk_chars(5)
            .usage_tokens(1000, 500),
    );
    let env = Env::new()
        .config(&priced_config(&sim))
        .var("OPENAI_API_KEY", "sk-good");
    let ran = env
        .run(&["--api", "responses", "chat", "Say", "hello"])
        .await;
    insta::assert_snapshot!("chat_responses_human", env.redact(&sim, ran.shown()));
    let sent = sim.responses_requests();
    assert_eq!(sent.len(), 1, "{}", ran.shown());
    assert_eq!(sent[0].body_at("/input/0/content").unwrap(), "Say hello");
    let doctor = env.run(&["--api", "responses", "doctor"]).await;
    insta::assert_snapshot!("doctor_responses", env.redact(&sim, doctor.shown()));
    assert_eq!(sim.chat_request_count(), 0, "doctor used the Responses API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_turns_a_refused_key_into_a_fix() {
    let sim = Simulator::builder().api_key("sk-good").start().await;
    let env = Env::new().sim(&sim).var("OPENAI_API_KEY", "sk-bad");
    let ran = env.run(&["doctor"]).await;
    insta::assert_snapshot!("doctor_invalid_key", env.redact(&sim, ran.shown()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_suggests_the_closest_model() {
    let sim = Simulator::builder()
        .models(["gpt-4o", "gpt-4o-mini"])
        .strict_models(true)
        .start()
        .await;
    let env = Env::new().sim(&sim).var("OPENAI_MODEL", "gpt4o");
    let ran = env.run(&["doctor"]).await;
    insta::assert_snapshot!("doctor_unknown_model", env.redact(&sim, ran.shown()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_an_unreachable_host() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    drop(sim);
    let ran = env.run(&["doctor", "--json"]).await;
    assert_eq!(ran.code, 6, "{}", ran.shown());
    let lines = ran.json_lines();
    let statuses: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["type"] == "check")
        .map(|l| (l["check"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("config_valid", "pass"),
            ("url_resolves", "pass"),
            ("host_reachable", "fail"),
            ("key_accepted", "skip"),
            ("model_exists", "skip"),
            ("streaming_works", "skip"),
            ("usage_reported", "skip"),
        ]
    );
    assert_eq!(lines.last().unwrap()["type"], "error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_a_bad_base_url_as_the_url_check() {
    let env = Env::new()
        .var("OPENAI_BASE_URL", "api.provider.com/v1")
        .var("OPENAI_MODEL", "m");
    let ran = env.run(&["doctor"]).await;
    insta::assert_snapshot!("doctor_bad_url", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_warns_when_no_usage_is_reported() {
    let sim = Simulator::builder()
        .default_reply(Reply::text("OK"))
        .start()
        .await;
    let env = Env::new().sim(&sim);
    let ran = env.run(&["doctor", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let usage = ran
        .json_lines()
        .into_iter()
        .find(|l| l["check"] == "usage_reported")
        .unwrap();
    assert_eq!(usage["status"], "warn");
}

// ---- demo and the command line itself ----------------------------------------------

#[cfg(feature = "demo")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_runs_offline_and_shows_chat_models_and_cost() {
    let env = Env::new();
    let ran = env.run(&["demo"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let stderr = regex_port(&ran.stderr);
    insta::assert_snapshot!(
        "demo_human",
        format!("exit: 0\n--- stdout\n{}--- stderr\n{stderr}", ran.stdout)
    );
}

#[cfg(feature = "demo")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_json_prints_chat_events_models_and_cost() {
    let env = Env::new();
    let ran = env.run(&["demo", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let kinds: Vec<String> = ran
        .json_lines()
        .iter()
        .map(|l| {
            l["type"].as_str().map_or_else(
                || l.as_object().unwrap().keys().next().unwrap().clone(),
                str::to_owned,
            )
        })
        .collect();
    assert!(
        kinds.contains(&"reasoning".to_owned()) && kinds.contains(&"text".to_owned()),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&"usage".to_owned()) && kinds.contains(&"done".to_owned()),
        "{kinds:?}"
    );
    // The cost of the first reply, then the same chat through the Responses API.
    let lines = ran.json_lines();
    let last = lines.iter().find(|l| l["model"] == "demo-chat").unwrap();
    let done = lines.iter().filter(|l| l["type"] == "done").count();
    assert_eq!(done, 2, "{}", ran.shown());
    assert!(
        last["total"].as_str().unwrap().starts_with("0.0000"),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_help_exits_0() {
    let env = Env::new();
    let none = env.run(&[]).await;
    assert_eq!(none.code, 2);
    assert_eq!(none.stdout, "");
    let unknown = env.run(&["chat", "--api-key", "sk-x", "hi"]).await;
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("--api-key"), "{}", unknown.stderr);
    let json = env.run(&["models", "--json", "--provider", "nope"]).await;
    assert_eq!(json.code, 2);
    assert_eq!(json.json_lines()[0]["kind"], "usage");
    let help = env.run(&["--help"]).await;
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_config_file_exits_2_naming_the_field() {
    let env =
        Env::new().config("[profiles.x]\nbase_url = \"http://localhost:1/v1\"\nmodle = \"typo\"\n");
    let ran = env.run(&["models"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains("modle") && ran.stderr.contains("model"),
        "{}",
        ran.stderr
    );
}

// ---- review fixes: flags reach the wire --------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_flags_go_on_chat_and_models_requests() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let args = [
        "--header",
        "X-Title: my app",
        "--header",
        "HTTP-Referer: https://example.com",
    ];
    let chat = env.run(&[&args[..], &["chat", "Hi"]].concat()).await;
    assert_eq!(chat.code, 0, "{}", chat.shown());
    let models = env.run(&[&args[..], &["models"]].concat()).await;
    assert_eq!(models.code, 0, "{}", models.shown());
    // The chat's model-info discovery (models list, /model/info) carries them too.
    let requests = sim.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(
            request.header("x-title"),
            Some("my app"),
            "{}",
            request.path
        );
        assert_eq!(request.header("http-referer"), Some("https://example.com"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_key_env_names_the_variable_the_key_comes_from() {
    let sim = Simulator::builder().api_key("sk-mine").start().await;
    let env = Env::new()
        .sim(&sim)
        .var("MY_PROVIDER_KEY", "sk-mine")
        .var("OPENAI_API_KEY", "sk-not-this-one");
    let ran = env
        .run(&["--api-key-env", "MY_PROVIDER_KEY", "chat", "Hi"])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(
        sim.last_request().unwrap().header("authorization"),
        Some("Bearer sk-mine")
    );
    let missing = env
        .run(&["--api-key-env", "NOT_SET_ANYWHERE", "chat", "Hi"])
        .await;
    assert_eq!(missing.code, 2, "{}", missing.shown());
    assert!(
        missing.stderr.contains("NOT_SET_ANYWHERE"),
        "{}",
        missing.stderr
    );
    for text in [&ran.stderr, &missing.stderr] {
        assert!(
            !text.contains("sk-mine") && !text.contains("sk-not-this-one"),
            "{text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_flag_picks_the_implementation_that_shapes_the_request() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim).var("OPENAI_MODEL", "gpt-4o");
    let native = env
        .run(&[
            "--provider",
            "openai-native",
            "chat",
            "--max-tokens",
            "5",
            "Hi",
        ])
        .await;
    assert_eq!(native.code, 0, "{}", native.shown());
    let body = sim.last_request().unwrap().body.unwrap();
    assert_eq!(body["max_completion_tokens"], 5, "{body}");
    assert_eq!(body.get("max_tokens"), None, "{body}");

    let compatible = env
        .run(&[
            "--provider",
            "compatible",
            "chat",
            "--max-tokens",
            "5",
            "Hi",
        ])
        .await;
    assert_eq!(compatible.code, 0, "{}", compatible.shown());
    let body = sim.last_request().unwrap().body.unwrap();
    assert_eq!(body["max_tokens"], 5, "{body}");
    assert_eq!(body.get("max_completion_tokens"), None, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_mode_flag_decides_how_the_url_is_read() {
    let sim = Simulator::start().await;
    let env = Env::new().var("OPENAI_MODEL", "sim-model");
    // A complete endpoint read as a base: /chat/completions is appended again.
    let full_url = sim.url("/v1/chat/completions");
    let base = env
        .run(&[
            "--base-url",
            &full_url,
            "--endpoint-mode",
            "base",
            "chat",
            "Hi",
        ])
        .await;
    assert_eq!(base.code, 0, "{}", base.shown());
    assert_eq!(
        sim.last_request().unwrap().path,
        "/v1/chat/completions/chat/completions"
    );
    // A base read as a complete endpoint: called as given, and the server has no such URL.
    let base_url = sim.base_url();
    let full = env
        .run(&[
            "--base-url",
            &base_url,
            "--endpoint-mode",
            "full",
            "--json",
            "chat",
            "Hi",
        ])
        .await;
    assert_eq!(full.code, 4, "{}", full.shown());
    assert_eq!(full.json_lines()[0]["kind"], "endpoint_not_found");
    assert_eq!(sim.last_request().unwrap().path, "/v1");
}

// ---- review fixes: failures --------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_exits_6() {
    let sim = Simulator::builder()
        .first_byte_delay(std::time::Duration::from_millis(100))
        .start()
        .await;
    let env = Env::new().config(&format!(
        "[profiles.slow]\nbase_url = \"{}\"\nmodel = \"sim-model\"\ntimeout_secs = 0.02\nmax_retries = 0\n",
        sim.base_url()
    ));
    let ran = env.run(&["--json", "chat", "Hi"]).await;
    assert_eq!(ran.code, 6, "{}", ran.shown());
    let error = &ran.json_lines()[0];
    assert_eq!(
        (error["type"].as_str(), error["kind"].as_str()),
        (Some("error"), Some("timeout")),
        "{}",
        ran.shown()
    );
    assert!(
        ran.stderr.contains("hint: run `oac doctor`"),
        "{}",
        ran.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_error_with_json_is_one_error_line_of_kind_config() {
    let env =
        Env::new().config("[profiles.x]\nbase_url = \"http://localhost:1/v1\"\nmodle = \"typo\"\n");
    let ran = env.run(&["models", "--json"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    let lines = ran.json_lines();
    assert_eq!(lines.len(), 1, "{}", ran.shown());
    assert_eq!(lines[0]["type"], "error");
    assert_eq!(lines[0]["kind"], "config");
    assert_eq!(lines[0]["status"], serde_json::Value::Null);
    assert!(
        lines[0]["message"].as_str().unwrap().contains("modle"),
        "{}",
        ran.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_json_error_carries_the_http_status() {
    let sim = Simulator::builder().api_key("sk-good").start().await;
    let env = Env::new().sim(&sim).var("OPENAI_API_KEY", "sk-bad");
    let ran = env.run(&["doctor", "--json"]).await;
    assert_eq!(ran.code, 3, "{}", ran.shown());
    let error = ran.json_lines().pop().unwrap();
    assert_eq!(
        (
            error["type"].as_str(),
            error["kind"].as_str(),
            error["status"].as_u64()
        ),
        (Some("error"), Some("invalid_api_key"), Some(401)),
        "{}",
        ran.shown()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_after_a_double_dash_is_not_the_flag() {
    let env = Env::new();
    let ran = env.run(&["chat", "--no-such-flag", "--", "--json"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert_eq!(
        ran.stdout, "",
        "a JSON error line for a --json that is not the flag"
    );
    assert!(ran.stderr.contains("--no-such-flag"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_global_options_under_their_own_heading() {
    let help = Env::new().run(&["chat", "--help"]).await;
    assert_eq!(help.code, 0);
    let global = help.stdout.find("Global options:").expect(&help.stdout);
    for flag in ["--base-url", "--provider", "--api-key-env", "--json"] {
        let at = help.stdout.find(flag).expect(flag);
        assert!(
            at > global,
            "{flag} is not under Global options:\n{}",
            help.stdout
        );
    }
    assert!(help.stdout.contains("cost_exact"), "{}", help.stdout);
}

// ---- review fixes: output ----------------------------------------------------------

/// Empty reasoning — empty `reasoning_content` fields, an empty `<think></think>` —
/// is never an event of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_reasoning_is_not_an_event() {
    let sim = Simulator::start().await;
    let chunk = |delta: serde_json::Value| {
        format!(
            "data: {}\n\n",
            serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "sim-model",
                "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
        )
    };
    let stop = serde_json::json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "sim-model",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
    sim.push(Reply::raw_sse(format!(
        "{}{}{}data: {stop}\n\ndata: [DONE]\n\n",
        chunk(serde_json::json!({"role": "assistant", "reasoning_content": ""})),
        chunk(serde_json::json!({"reasoning_content": ""})),
        chunk(serde_json::json!({"content": "<think></think>Hi"})),
    )));
    sim.push(Reply::json(serde_json::json!({
        "id": "c2", "object": "chat.completion", "created": 1, "model": "sim-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "<think></think>Hi", "reasoning_content": ""}, "finish_reason": "stop"}]
    })));
    let env = Env::new().sim(&sim);
    for args in [
        &["--json", "chat", "Hi"][..],
        &["--json", "chat", "--no-stream", "Hi"],
    ] {
        let ran = env.run(args).await;
        assert_eq!(ran.code, 0, "{}", ran.shown());
        let types: Vec<String> = ran
            .json_lines()
            .iter()
            .map(|l| l["type"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            types,
            ["text", "usage", "done"],
            "{args:?}: {}",
            ran.shown()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_output_has_no_spinner() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let mut commands = vec![&["chat", "Hi"][..], &["models"], &["doctor"]];
    if cfg!(feature = "demo") {
        commands.push(&["demo"]);
    }
    for args in commands {
        let ran = env.run(args).await;
        assert_eq!(ran.code, 0, "{args:?}: {}", ran.shown());
        for text in [&ran.stdout, &ran.stderr] {
            assert!(
                !text.contains('\r') && !text.contains('\u{1b}') && !text.contains('⠋'),
                "{args:?} drew a spinner into a pipe: {text:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_shows_the_provider_and_why() {
    let env = Env::new();
    let native = env.run(&["resolve", "https://api.openai.com/v1"]).await;
    assert_eq!(native.code, 0, "{}", native.shown());
    assert!(
        native
            .stdout
            .contains("provider: openai-native (provider is auto and the host is api.openai.com)"),
        "{}",
        native.stdout
    );
    let forced = env
        .run(&[
            "resolve",
            "--json",
            "--provider",
            "compatible",
            "https://api.openai.com/v1",
        ])
        .await;
    assert_eq!(
        forced.json_lines()[0]["provider"],
        serde_json::json!({"kind": "compatible", "reason": "set by --provider"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_masks_keys_in_query_parameters() {
    let env = Env::new();
    let url =
        "https://gw.example.com/v1/chat/completions?api-key=sk-query-secret&api-version=2024-10-21";
    let ran = env.run(&["resolve", url]).await;
    insta::assert_snapshot!("resolve_masked_key", ran.shown());
    let json = env.run(&["resolve", "--json", url]).await;
    assert_eq!(
        json.json_lines()[0]["chat_url"],
        "https://gw.example.com/v1/chat/completions?api-key=***&api-version=2024-10-21"
    );
    for text in [&ran.stdout, &ran.stderr, &json.stdout, &json.stderr] {
        assert!(!text.contains("sk-query-secret"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_masks_keys_in_query_parameters() {
    let sim = Simulator::start().await;
    let env = Env::new()
        .var(
            "OPENAI_BASE_URL",
            &format!("{}?key=sk-query-secret", sim.base_url()),
        )
        .var("OPENAI_MODEL", "sim-model");
    let ran = env.run(&["doctor"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stdout.contains("chat/completions?key=***"),
        "{}",
        ran.stdout
    );
    assert!(!ran.stdout.contains("sk-query-secret") && !ran.stderr.contains("sk-query-secret"));
    // The key itself still reaches the server.
    assert_eq!(
        sim.last_request().unwrap().query.as_deref(),
        Some("key=sk-query-secret")
    );
}

// ---- review fixes: doctor's ping ---------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_pings_reasoning_models_with_room_and_the_lowest_effort() {
    let sim = Simulator::builder()
        .default_reply(
            Reply::new()
                .reasoning_content("Thinking")
                .finish_reason("length")
                .usage_tokens(10, 16),
        )
        .start()
        .await;
    let env = Env::new().config(&format!(
        "[profiles.r]\nbase_url = \"{}\"\nmodel = \"sim-reasoner\"\n\n[profiles.r.model_info]\n\
         supports_reasoning_effort = [\"medium\", \"low\", \"high\"]\nreasoning_effort = \"high\"\n",
        sim.base_url()
    ));
    let ran = env.run(&["doctor", "--json"]).await;
    assert_eq!(
        ran.code,
        0,
        "a ping cut at its limit still passes: {}",
        ran.shown()
    );
    // The host check's HEAD has no body; the chats are the POSTs.
    let chats: Vec<_> = sim
        .requests_to("/chat/completions")
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert!(!chats.is_empty(), "{}", ran.shown());
    for chat in chats {
        let body = chat.body.unwrap();
        assert_eq!(body["max_tokens"], 16, "{body}");
        assert_eq!(body["reasoning_effort"], "low", "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_pings_other_models_without_an_effort() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    let ran = env.run(&["doctor"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let body = sim
        .requests_to("/chat/completions")
        .pop()
        .unwrap()
        .body
        .unwrap();
    assert_eq!(body["max_tokens"], 16, "{body}");
    assert_eq!(body.get("reasoning_effort"), None, "{body}");
}

// ---- review fixes: cost ------------------------------------------------------------

fn gpt_profile(base_url: &str) -> String {
    format!(
        "[profiles.gpt]\nbase_url = \"{base_url}\"\nmodel = \"gpt-4o\"\n\n\
         [profiles.gpt.model_info]\ninput_price = 2.50\noutput_price = 10\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_of_another_model_is_never_priced_with_the_profiles_prices() {
    let env = Env::new().config(&gpt_profile("https://api.example.com/v1"));
    let ran = env
        .run(&[
            "cost",
            "--model",
            "llama-3.3-70b",
            "--input",
            "1000",
            "--output",
            "1000",
        ])
        .await;
    insta::assert_snapshot!("cost_other_model_compatible", ran.shown());
    // The same through OPENAI_MODEL.
    let from_env = env
        .run_with(
            &[("OPENAI_MODEL", "llama-3.3-70b")],
            &["cost", "--input", "1000", "--output", "1000", "--json"],
        )
        .await;
    assert_eq!(from_env.code, 2, "{}", from_env.shown());
    assert_eq!(from_env.json_lines()[0]["kind"], "prices_unknown");
    // The profile's own model keeps its prices.
    let own = env
        .run(&[
            "cost", "--model", "gpt-4o", "--input", "1000", "--output", "1000", "--json",
        ])
        .await;
    assert_eq!(own.json_lines()[0]["total"], "0.0125", "{}", own.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_of_a_catalogue_model_on_a_compatible_profile_points_to_the_catalogue() {
    let env = Env::new().config(&gpt_profile("https://api.example.com/v1"));
    let ran = env
        .run(&[
            "cost",
            "--model",
            "gpt-4o-mini",
            "--input",
            "1000",
            "--output",
            "1000",
        ])
        .await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .trim_end()
            .ends_with("or pass --provider openai-native to use the OpenAI catalogue prices"),
        "{}",
        ran.stderr
    );
    let native = env
        .run(&[
            "cost",
            "--provider",
            "openai-native",
            "--model",
            "gpt-4o-mini",
            "--input",
            "1000000",
            "--output",
            "1000000",
        ])
        .await;
    insta::assert_snapshot!("cost_other_model_catalogue", native.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_without_prices_points_to_the_catalogue_when_it_lists_the_model() {
    let env = Env::new()
        .var("OPENAI_BASE_URL", "http://localhost:11434/v1")
        .var("OPENAI_MODEL", "gpt-4o");
    let ran = env.run(&["cost", "--input", "10", "--output", "10"]).await;
    insta::assert_snapshot!("cost_unknown_catalogue_hint", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_of_a_model_outside_the_catalogue_on_a_native_profile_is_unknown() {
    let env = Env::new().config(&gpt_profile("https://api.openai.com/v1"));
    let ran = env
        .run(&[
            "cost",
            "--model",
            "my-fine-tune",
            "--input",
            "10",
            "--output",
            "10",
        ])
        .await;
    insta::assert_snapshot!("cost_other_model_native_unlisted", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cost_without_a_model_is_a_usage_error() {
    let env = Env::new().var("OPENAI_BASE_URL", "http://localhost:11434/v1");
    let ran = env.run(&["cost", "--input", "10", "--output", "10"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert_eq!(
        ran.stderr,
        "error: no model to price: give --model ID (or set OPENAI_MODEL / the profile's model)\n"
    );
    let json = env
        .run(&["cost", "--json", "--input", "10", "--output", "10"])
        .await;
    assert_eq!(json.json_lines()[0]["kind"], "usage");
}

// ---- review fixes: config import ---------------------------------------------------

/// The export, written into the home directory.
fn kilo_export(env: &Env) -> String {
    let export = env.path("kilo-settings.json");
    std::fs::write(&export, KILO_EXPORT).unwrap();
    export.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_print_writes_no_key_and_names_a_variable() {
    let env = Env::new();
    let export = kilo_export(&env);
    let ran = env.run(&["config", "import", "--print", &export]).await;
    insta::assert_snapshot!("import_print", ran.shown());
    assert!(!env.path(".config").exists(), "--print wrote something");
    assert!(!ran.stdout.contains("tg-secret-key-77") && !ran.stderr.contains("tg-secret-key-77"));

    // The printed profile works as it is, with the key in the variable it names.
    let config = env.path("printed.toml");
    let sim = Simulator::builder()
        .api_key("tg-secret-key-77")
        .start()
        .await;
    let printed = ran
        .stdout
        .replace("https://api.together.xyz/v1", &sim.base_url());
    std::fs::write(&config, printed).unwrap();
    let chat = env
        .run_with(
            &[("TOGETHER_API_KEY", "tg-secret-key-77")],
            &["--config", config.to_str().unwrap(), "chat", "Hi"],
        )
        .await;
    assert_eq!(chat.code, 0, "{}", chat.shown());

    let json = env
        .run(&["config", "import", "--print", "--json", &export])
        .await;
    assert_eq!(json.code, 0, "{}", json.shown());
    let record = &json.json_lines()[0];
    assert_eq!(record["key_files"], serde_json::json!([]));
    assert_eq!(
        record["key_variables"],
        serde_json::json!([{"profile": "together", "variable": "TOGETHER_API_KEY"}])
    );
    assert!(
        record["toml"]
            .as_str()
            .unwrap()
            .contains("api_key_env = \"TOGETHER_API_KEY\""),
        "{record}"
    );
    assert!(!json.stdout.contains("tg-secret-key-77"));
    assert!(
        !env.path(".config").exists(),
        "--print --json wrote something"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_print_takes_no_keys_dir() {
    let env = Env::new();
    let export = kilo_export(&env);
    let keys = env.path("keys");
    let ran = env
        .run(&[
            "config",
            "import",
            "--print",
            "--keys-dir",
            keys.to_str().unwrap(),
            &export,
        ])
        .await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(ran.stderr.contains("--keys-dir"), "{}", ran.stderr);
    assert!(!keys.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_never_overwrites_a_key_file_without_force() {
    let env = Env::new();
    let export = kilo_export(&env);
    let keys = env.path("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let old_key = keys.join("together.key");
    std::fs::write(&old_key, "tg-older-key\n").unwrap();
    let target = env.path("fresh/config.toml");
    let ran = env
        .run(&[
            "config",
            "import",
            &export,
            "--output",
            target.to_str().unwrap(),
            "--keys-dir",
            keys.to_str().unwrap(),
        ])
        .await;
    insta::assert_snapshot!("import_key_file_exists", ran.shown());
    assert_eq!(std::fs::read_to_string(&old_key).unwrap(), "tg-older-key\n");
    assert!(!target.exists(), "the config was written without its key");
    let left: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["together.key"], "the import left files behind");

    let json = env
        .run(&[
            "config",
            "import",
            &export,
            "--json",
            "--output",
            target.to_str().unwrap(),
            "--keys-dir",
            keys.to_str().unwrap(),
        ])
        .await;
    assert_eq!(json.code, 2, "{}", json.shown());
    assert_eq!(json.json_lines()[0]["kind"], "usage");

    // --force replaces the key file (owner-only) and writes the config.
    let forced = env
        .run(&[
            "config",
            "import",
            &export,
            "--force",
            "--json",
            "--output",
            target.to_str().unwrap(),
            "--keys-dir",
            keys.to_str().unwrap(),
        ])
        .await;
    assert_eq!(forced.code, 0, "{}", forced.shown());
    assert_eq!(
        forced.json_lines()[0]["key_files"],
        serde_json::json!([old_key
            .display()
            .to_string()
            .replace(&env.home.path().display().to_string(), "[HOME]")])
    );
    assert_eq!(
        std::fs::read_to_string(&old_key).unwrap(),
        "tg-secret-key-77\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&old_key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        written.contains(&format!("api_key_file = \"{}\"", old_key.display())),
        "{written}"
    );
    let left: Vec<_> = std::fs::read_dir(&keys)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["together.key"], "the import left files behind");
    assert!(
        !forced.stdout.contains("tg-secret-key-77") && !forced.stderr.contains("tg-secret-key-77")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_import_with_force_replaces_the_config_file() {
    let env = Env::new();
    let export = kilo_export(&env);
    let target = env.path("config.toml");
    std::fs::write(&target, "# mine\n").unwrap();
    let refused = env
        .run(&[
            "config",
            "import",
            &export,
            "--output",
            target.to_str().unwrap(),
        ])
        .await;
    assert_eq!(refused.code, 2, "{}", refused.shown());
    assert!(
        !env.path("keys").exists(),
        "keys were written for a refused import"
    );
    let forced = env
        .run(&[
            "config",
            "import",
            &export,
            "--force",
            "--output",
            target.to_str().unwrap(),
        ])
        .await;
    assert_eq!(forced.code, 0, "{}", forced.shown());
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("[profiles.together]")
    );
    assert_eq!(
        std::fs::read_to_string(env.path("keys/together.key")).unwrap(),
        "tg-secret-key-77\n"
    );
}

// ---- review fixes: the demo ignores proxies ----------------------------------------

#[cfg(feature = "demo")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_reaches_its_loopback_simulator_despite_proxy_variables() {
    let nowhere = "http://127.0.0.1:9";
    let mut env = Env::new();
    for name in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        env = env.var(name, nowhere);
    }
    let ran = env.run(&["demo"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(ran.stdout.contains("demo-chat"), "{}", ran.shown());
}

/// Built without the `demo` feature, `oac demo` still exists and says how to get it.
#[cfg(not(feature = "demo"))]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_without_the_feature_exits_2_and_says_why() {
    let ran = Env::new().run(&["demo"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(ran.stdout.is_empty(), "{}", ran.shown());
    assert!(
        ran.stderr.contains("built without the `demo` feature"),
        "{}",
        ran.shown()
    );
}

/// The demo's simulator port is its own: replace any `127.0.0.1:NNNN`.
#[cfg(feature = "demo")]
fn regex_port(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str("[PORT]");
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

impl Env {
    /// Output with the simulator's port replaced.
    fn redact(&self, sim: &Simulator, shown: String) -> String {
        shown.replace(
            &format!("127.0.0.1:{}", sim.addr().port()),
            "127.0.0.1:[PORT]",
        )
    }
}

// ---- hardening: bounded replies, huge durations -------------------------------------

/// `oac chat` against a server that never stops sending tool-call arguments: it
/// exits 8 (response too large) and its peak resident memory (`VmHWM`, polled from
/// `/proc` while it runs) stays under 100 MiB.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_against_an_endless_tool_call_stream_exits_8_in_bounded_memory() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_tool_call_arguments(64 * 1024));
    let env = Env::new().sim(&sim);
    let mut command = env.command(&["chat", "Hi"], &[]);
    let (code, peak_kib, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
            text
        });
        let status_path = format!("/proc/{}/status", child.id());
        let started = std::time::Instant::now();
        let mut peak_kib = 0u64;
        let status = loop {
            if let Ok(status) = std::fs::read_to_string(&status_path) {
                let hwm = status
                    .lines()
                    .find_map(|line| line.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
                if let Some(hwm) = hwm {
                    peak_kib = peak_kib.max(hwm);
                }
            }
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("oac chat did not stop; peak {peak_kib} KiB");
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        (status.code(), peak_kib, reader.join().unwrap())
    })
    .await
    .unwrap();
    eprintln!("peak resident memory of `oac chat`: {} KiB", peak_kib);
    assert_eq!(code, Some(8), "{stderr}");
    assert!(stderr.contains("response too large"), "{stderr}");
    assert!(stderr.contains("max_reply_bytes"), "{stderr}");
    assert!(peak_kib > 0, "VmHWM was never read");
    assert!(
        peak_kib < 100 * 1024,
        "peak resident memory {peak_kib} KiB is over 100 MiB"
    );
}

/// Timeouts as long as a profile accepts (`u64::MAX` seconds, `1e19`) mean "no
/// deadline": the chat works, nothing panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_timeouts_in_a_profile_work() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("still fine"));
    sim.push(Reply::text("still fine"));
    let config = format!(
        "default_profile = \"sim\"\n\n[profiles.sim]\nbase_url = \"{}\"\nmodel = \"sim-model\"\n\
         timeout_secs = 1e19\nconnect_timeout_secs = 18446744073709551615\n\
         stream_idle_timeout_secs = 18446744073709551615.999999999\n",
        sim.base_url()
    );
    let env = Env::new().config(&config);
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(ran.stdout.contains("still fine"), "{}", ran.shown());
    let ran = env.run(&["chat", "--no-stream", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(ran.stdout.contains("still fine"), "{}", ran.shown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_reply_exits_10_streamed_or_not() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    sim.push(Reply::text("").usage_tokens(5, 0));
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 10, "{}", ran.shown());
    assert!(ran.stderr.contains("empty reply"), "{}", ran.shown());
    assert!(ran.stderr.contains("try again"), "{}", ran.shown());
    // A complete reply is retried (max_retries = 2) before the error.
    sim.clear_requests();
    sim.push_n(Reply::text("").usage_tokens(5, 0), 3);
    let ran = env.run(&["--json", "chat", "--no-stream", "Hi"]).await;
    assert_eq!(ran.code, 10, "{}", ran.shown());
    assert_eq!(ran.json_lines().last().unwrap()["kind"], "empty_reply");
    assert_eq!(sim.chat_request_count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_context_overflow_exits_9() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        400,
        bodies::openai_error(
            "This model's maximum context length is 2048 tokens. However, your messages resulted in 3000 tokens.",
            "invalid_request_error",
            "context_length_exceeded",
        ),
    ));
    let ran = Env::new().sim(&sim).run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 9, "{}", ran.shown());
}
