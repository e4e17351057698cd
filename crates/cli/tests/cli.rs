//! The real `oac` binary against the testkit simulator: standard output, standard
//! error and the exit code of each command, human and `--json`.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use openai_compat_testkit::{Fault, Reply, Simulator, bodies};
use tempfile::TempDir;

/// What one run of `oac` produced.
#[derive(Debug)]
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    /// Everything, for a snapshot.
    fn shown(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
            })
            .collect()
    }
}

/// An isolated environment: no inherited variables, an empty home directory.
struct Env {
    home: TempDir,
    vars: Vec<(String, String)>,
    replacements: Vec<(String, String)>,
}

impl Env {
    fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let shown = home.path().display().to_string();
        Env {
            home,
            vars: Vec::new(),
            replacements: vec![(shown, "[HOME]".into())],
        }
    }

    /// Points `OPENAI_BASE_URL` at the simulator.
    fn sim(self, sim: &Simulator) -> Env {
        self.var("OPENAI_BASE_URL", &sim.base_url())
            .var("OPENAI_MODEL", "sim-model")
    }

    fn var(mut self, name: &str, value: &str) -> Env {
        self.vars.push((name.into(), value.into()));
        self
    }

    /// Writes `config.toml` in the home directory and points `OAC_CONFIG` at it.
    fn config(self, toml: &str) -> Env {
        let path = self.home.path().join("config.toml");
        std::fs::write(&path, toml).unwrap();
        let shown = path.display().to_string();
        self.var("OAC_CONFIG", &shown)
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.home.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oac"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .envs(self.vars.iter().map(|(k, v)| (k, v)));
        command
    }

    async fn run(&self, args: &[&str]) -> Ran {
        self.run_with_stdin(args, None).await
    }

    async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Ran {
        let mut command = self.command(args);
        let stdin = stdin.map(str::to_owned);
        let output = tokio::task::spawn_blocking(move || {
            command
                .stdin(if stdin.is_some() {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = command.spawn().unwrap();
            if let Some(text) = stdin {
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        let normalize = |bytes: &[u8]| {
            let mut text = String::from_utf8(bytes.to_vec()).unwrap();
            for (from, to) in &self.replacements {
                text = text.replace(from, to);
            }
            text
        };
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: normalize(&output.stdout),
            stderr: normalize(&output.stderr),
        }
    }
}

fn priced_config(sim: &Simulator) -> String {
    format!(
        "default_profile = \"sim\"\n\n[profiles.sim]\nbase_url = \"{}\"\nmodel = \"sim-model\"\n\n\
         [profiles.sim.model_info]\ncontext_window = 128000\ninput_price = 0.15\noutput_price = 0.60\n",
        sim.base_url()
    )
}

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
    assert_eq!(sim.request_count(), 3, "two retries, then the error");
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
    assert_eq!(json.stdout, "{\"id\":\"alpha\"}\n{\"id\":\"beta\"}\n");
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
            serde_json::json!({"model": "gpt-4o", "total": "0.005615", "input": "0.000215", "cache_read": "0.0024", "cache_write": "0", "output": "0.003", "reasoning": "0"})
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
async fn resolve_of_a_url_without_scheme_exits_2_with_the_fix() {
    let env = Env::new();
    let ran = env.run(&["resolve", "api.provider.com/v1"]).await;
    insta::assert_snapshot!("resolve_no_scheme", ran.shown());
    let json = env.run(&["resolve", "--json", "api.provider.com/v1"]).await;
    assert_eq!(json.code, 2);
    assert_eq!(json.json_lines()[0]["kind"], "config");
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
    let last = ran.json_lines().pop().unwrap();
    assert_eq!(last["model"], "demo-chat");
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

/// The demo's simulator port is its own: replace any `127.0.0.1:NNNN`.
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
