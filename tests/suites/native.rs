//! The OpenAI-native provider end to end: a config file goes through the loader
//! (catalogue, provider choice), `provider_for` picks the implementation, and the
//! simulator (standing in for a gateway that mirrors OpenAI) sees the exact
//! request `docs/catalog.md` prescribes.
// Test code: a failed unwrap is a failed assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use oac_config::{
    Catalog, ConfigError, ConfigFile, Loaded, Loader, MapEnv, ProblemKind, ProviderChoice,
    SecretString, WarningKind,
};
use oac_pricing::Decimal;
use oac_provider::{
    ChatRequest, Error, OpenAiNative, Provider, ReasoningEffort, StreamEvent, Tool, provider_for,
};
use oac_testkit::{RecordedRequest, Reply, Simulator};
use oac_tests::logs::LogCapture;
use oac_tests::{assert_secret_absent, collect, text_of};
use serde_json::{Value, json};

const KEY: &str = "sk-native-test-0123456789";

/// Loads a one-profile config whose profile is `profile` (TOML lines), with the
/// key in `OPENAI_KEY`.
fn load(profile: &str) -> Loaded {
    try_load(profile).unwrap()
}

fn try_load(profile: &str) -> Result<Loaded, ConfigError> {
    let toml = format!("[profiles.p]\napi_key_env = \"OPENAI_KEY\"\n{profile}\n");
    let file = ConfigFile::parse_toml(&toml).unwrap();
    Loader::new()
        .env(MapEnv::new().set("OPENAI_KEY", KEY))
        .config_file(file)
        .load()
}

/// A native provider for `model` at the simulator, with more profile lines.
fn native_with(sim: &Simulator, model: &str, lines: &str) -> Arc<dyn Provider> {
    let loaded = load(&format!(
        "provider = \"openai-native\"\nbase_url = \"{}\"\nmodel = \"{model}\"\n{lines}",
        sim.base_url()
    ));
    provider_for(loaded.profile).unwrap()
}

/// The captured lines that contain every one of `parts`.
fn lines_with(logs: &LogCapture, parts: &[&str]) -> Vec<String> {
    logs.lines()
        .into_iter()
        .filter(|line| parts.iter().all(|part| line.contains(part)))
        .collect()
}

/// A native provider for `model` at the simulator (a gateway mirroring OpenAI).
fn native(sim: &Simulator, model: &str) -> Arc<dyn Provider> {
    let loaded = load(&format!(
        "provider = \"openai-native\"\nbase_url = \"{}\"\nmodel = \"{model}\"",
        sim.base_url()
    ));
    let provider = provider_for(loaded.profile).unwrap();
    assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
    provider
}

fn only_request(sim: &Simulator) -> RecordedRequest {
    let requests = sim.chat_requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

fn body_snapshot(name: &str, request: &RecordedRequest) {
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!(name, request.body.as_ref().unwrap());
    });
}

fn assistant_request() -> ChatRequest {
    ChatRequest::new()
        .system("You are a careful coding assistant.")
        .user("Why does this test fail?")
        .temperature(0.2)
        .max_tokens(4096)
}

#[tokio::test]
async fn auto_picks_native_for_no_base_url_and_compatible_elsewhere() {
    let openai = load("model = \"gpt-4o\"");
    assert_eq!(openai.profile.provider(), ProviderChoice::OpenAiNative);
    assert_eq!(
        openai.profile.provider_reason(),
        "openai-native: provider is auto and no base URL is set, so the OpenAI API is used"
    );
    let provider = provider_for(openai.profile).unwrap();
    assert_eq!(provider.kind(), Some(ProviderChoice::OpenAiNative));
    assert_eq!(
        provider.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );

    let openai_host = load("base_url = \"https://api.openai.com/v1\"\nmodel = \"gpt-4o\"");
    assert_eq!(
        provider_for(openai_host.profile).unwrap().kind(),
        Some(ProviderChoice::OpenAiNative)
    );

    let sim = Simulator::start().await;
    let local = load(&format!(
        "base_url = \"{}\"\nmodel = \"gpt-4o\"",
        sim.base_url()
    ));
    assert_eq!(
        local.profile.provider_reason(),
        "compatible: provider is auto and the host `127.0.0.1` is not api.openai.com"
    );
    let provider = provider_for(local.profile).unwrap();
    assert_eq!(provider.kind(), Some(ProviderChoice::Compatible));
    // The compatible provider knows nothing of the catalogue.
    assert_eq!(provider.model_info().prices.input_price, None);
}

#[tokio::test]
async fn o3_mini_high_goes_out_as_o3_mini_with_effort_high() {
    let sim = Simulator::builder().api_key(KEY).start().await;
    let reply = native(&sim, "o3-mini-high")
        .chat(assistant_request().reasoning_effort(ReasoningEffort::Low))
        .await
        .unwrap();
    assert_eq!(reply.content, "Why does this test fail?");
    let request = only_request(&sim);
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.query, None);
    assert_eq!(
        request.header("authorization"),
        Some("Bearer sk-native-test-0123456789")
    );
    assert_eq!(request.header("api-key"), None);
    body_snapshot("native_wire_o3_mini_high", &request);
}

#[tokio::test]
async fn o1_mini_gets_the_system_prompt_as_the_first_user_message() {
    let sim = Simulator::start().await;
    native(&sim, "o1-mini")
        .chat(assistant_request())
        .await
        .unwrap();
    body_snapshot("native_wire_o1_mini", &only_request(&sim));
}

#[tokio::test]
async fn gpt_4o_keeps_system_and_temperature() {
    let sim = Simulator::start().await;
    native(&sim, "gpt-4o")
        .chat(assistant_request())
        .await
        .unwrap();
    body_snapshot("native_wire_gpt_4o", &only_request(&sim));
}

#[tokio::test]
async fn gpt_5_stream_sends_developer_effort_and_include_usage() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Because.").usage_tokens(20, 5));
    let stream = native(&sim, "gpt-5")
        .chat_stream(assistant_request().reasoning_effort(ReasoningEffort::High))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "Because.");
    body_snapshot("native_wire_gpt_5_stream", &only_request(&sim));
}

#[tokio::test]
async fn disallowed_effort_is_refused_before_any_request() {
    let sim = Simulator::start().await;
    let err = native(&sim, "gpt-5")
        .chat(
            ChatRequest::new()
                .user("Hi")
                .reasoning_effort(ReasoningEffort::XHigh),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedReasoningEffort { .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "reasoning effort not supported: model \"gpt-5\" does not accept reasoning_effort \"xhigh\" (set on the request); use one of: minimal, low, medium, high"
    );
    let err = native(&sim, "o1-mini")
        .chat_stream(
            ChatRequest::new()
                .user("Hi")
                .reasoning_effort(ReasoningEffort::Low),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedReasoningEffort { ref allowed, .. } if allowed.is_empty()),
        "{err:?}"
    );
    assert!(sim.chat_requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn cost_comes_from_the_catalogue_without_user_prices() {
    // Vector 2 of `docs/pricing.md`, with gpt-4o's catalogue prices.
    let sim = Simulator::start().await;
    let usage = json!({
        "prompt_tokens": 2006, "completion_tokens": 300, "total_tokens": 2306,
        "prompt_tokens_details": {"cached_tokens": 1920}
    });
    sim.push(Reply::text("ok").usage(usage.clone()));
    sim.push(Reply::text("ok").usage(usage));
    let provider = native(&sim, "gpt-4o");

    let reply = provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    let report = reply.usage.unwrap();
    assert_eq!(
        report.cost.total(),
        Some("0.005615".parse::<Decimal>().unwrap())
    );

    let stream = provider
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, _) = collect(stream).await;
    let cost = events.iter().find_map(|e| match e {
        StreamEvent::Usage(report) => report.cost.total(),
        _ => None,
    });
    assert_eq!(cost, Some("0.005615".parse::<Decimal>().unwrap()));
}

#[tokio::test]
async fn image_to_o3_mini_is_refused_before_any_request() {
    let sim = Simulator::start().await;
    let request = ChatRequest::new().user(vec![
        oac_provider::ContentPart::text("What is this?"),
        oac_provider::ContentPart::image_url("https://example.com/cat.png"),
    ]);
    let err = native(&sim, "o3-mini").chat(request).await.unwrap_err();
    assert!(matches!(err, Error::ImagesNotSupported { .. }), "{err:?}");
    assert!(sim.chat_requests().is_empty());
}

#[tokio::test]
async fn unknown_native_model_is_sent_with_a_warning() {
    let sim = Simulator::start().await;
    let loaded = load(&format!(
        "provider = \"openai-native\"\nbase_url = \"{}\"\nmodel = \"o5-preview\"",
        sim.base_url()
    ));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].kind, WarningKind::UnknownModel);
    let provider = OpenAiNative::new(loaded.profile).unwrap();
    assert!(!provider.is_known_model());
    provider
        .chat(assistant_request().reasoning_effort(ReasoningEffort::High))
        .await
        .unwrap();
    let body = only_request(&sim).body.unwrap();
    assert_eq!(body["model"], "o5-preview");
    // o-series rules by name: developer role, no temperature, effort passed through.
    assert_eq!(body["messages"][0]["role"], "developer");
    assert!(body.get("temperature").is_none());
    assert_eq!(body["reasoning_effort"], "high");
    assert_eq!(body["max_completion_tokens"], 4096);
}

#[tokio::test]
async fn profile_model_info_overrides_the_catalogue_on_the_wire() {
    let sim = Simulator::start().await;
    let loaded = load(&format!(
        "provider = \"openai-native\"\nbase_url = \"{}\"\nmodel = \"gpt-4o\"\ninclude_max_tokens = true\n\n[profiles.p.model_info]\nmax_output_tokens = 1000",
        sim.base_url()
    ));
    let provider = provider_for(loaded.profile).unwrap();
    assert_eq!(provider.model_info().max_output_tokens, Some(1000));
    assert_eq!(provider.model_info().context_window, 128_000);
    provider.chat(ChatRequest::new().user("Hi")).await.unwrap();
    assert_eq!(
        only_request(&sim).body.unwrap()["max_completion_tokens"],
        Value::from(1000)
    );
}

#[tokio::test]
async fn rejected_key_on_native_never_shows_the_key() {
    let sim = Simulator::builder().api_key("sk-other").start().await;
    let err = native(&sim, "gpt-4o")
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey { .. }), "{err:?}");
    assert_secret_absent(&err, KEY);
    assert!(!format!("{:?}", native(&sim, "gpt-4o")).contains(KEY));
}

#[tokio::test]
async fn o1_sends_developer_and_max_completion_tokens_without_temperature() {
    let sim = Simulator::start().await;
    native(&sim, "o1").chat(assistant_request()).await.unwrap();
    let request = only_request(&sim);
    let body = request.body.as_ref().unwrap();
    assert_eq!(body["messages"][0]["role"], "developer");
    assert!(body.get("reasoning_effort").is_none(), "o1 has no default");
    body_snapshot("native_wire_o1", &request);
}

#[tokio::test]
async fn gpt_5_sends_its_default_effort_medium() {
    let sim = Simulator::start().await;
    native(&sim, "gpt-5")
        .chat(assistant_request())
        .await
        .unwrap();
    let request = only_request(&sim);
    assert_eq!(request.body.as_ref().unwrap()["reasoning_effort"], "medium");
    body_snapshot("native_wire_gpt_5_default_effort", &request);
}

#[tokio::test]
async fn include_usage_never_sends_no_stream_options() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Fine."));
    let stream = native_with(&sim, "gpt-5", "include_usage = \"never\"")
        .chat_stream(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    let (events, error) = collect(stream).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(text_of(&events), "Fine.");
    let body = only_request(&sim).body.unwrap();
    assert_eq!(body["stream"], true);
    assert!(body.get("stream_options").is_none(), "{body}");
}

#[tokio::test]
async fn o1_preview_with_tools_is_refused_before_any_request() {
    let sim = Simulator::start().await;
    let request = ChatRequest::new()
        .system("You are a careful coding assistant.")
        .user("Run the tests.")
        .tool(Tool::function(
            "run_tests",
            "Run the test suite",
            json!({"type": "object", "properties": {}}),
        ));
    for model in ["o1-preview", "o1-mini"] {
        let err = native(&sim, model).chat(request.clone()).await.unwrap_err();
        assert!(matches!(err, Error::ToolsNotSupported { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "tools not supported: model \"{model}\" does not accept tools (model_info.supports_tools = false); remove the tools from the request, use a model that supports them, or set supports_tools = true"
            )
        );
    }
    assert!(sim.chat_requests().is_empty(), "nothing may be sent");
    // Without tools, o1-preview gets the system prompt as the first user message.
    native(&sim, "o1-preview")
        .chat(ChatRequest::new().system("Be brief.").user("Hi"))
        .await
        .unwrap();
    let body = only_request(&sim).body.unwrap();
    assert_eq!(
        body["messages"][0],
        json!({"role": "user", "content": "Be brief."})
    );
    assert!(body.get("tools").is_none());
}

#[tokio::test]
async fn profile_effort_the_model_refuses_stops_the_load_not_every_request() {
    let err =
        try_load("provider = \"openai-native\"\nmodel = \"gpt-4o\"\nreasoning_effort = \"high\"")
            .unwrap_err();
    assert_eq!(
        err.problems()[0].kind,
        ProblemKind::UnsupportedReasoningEffort
    );
    let err =
        try_load("provider = \"openai-native\"\nmodel = \"o3\"\nreasoning_effort = \"xhigh\"")
            .unwrap_err();
    assert!(
        err.to_string().contains("use one of: low, medium, high"),
        "{err}"
    );
    // An effort the model takes goes out on every request.
    let sim = Simulator::start().await;
    native_with(&sim, "o3", "reasoning_effort = \"high\"")
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    assert_eq!(only_request(&sim).body.unwrap()["reasoning_effort"], "high");
}

#[tokio::test]
async fn catalogue_override_of_a_model_reaches_its_alias_on_the_wire() {
    // What `catalog = "…"` in the config would add.
    let mut catalog = Catalog::builtin().clone();
    catalog
        .extend_from_toml_str("[models.\"o3-mini\"]\ninput_price = 0.5\noutput_price = 2\n")
        .unwrap();
    let sim = Simulator::start().await;
    sim.push(Reply::text("ok").usage_tokens(1_000_000, 1_000_000));
    let toml = format!(
        "[profiles.p]\napi_key_env = \"OPENAI_KEY\"\nprovider = \"openai-native\"\nbase_url = \"{}\"\nmodel = \"o3-mini-high\"\n",
        sim.base_url()
    );
    let loaded = Loader::new()
        .env(MapEnv::new().set("OPENAI_KEY", KEY))
        .config_file(ConfigFile::parse_toml(&toml).unwrap())
        .catalog(catalog)
        .load()
        .unwrap();
    let reply = provider_for(loaded.profile)
        .unwrap()
        .chat(ChatRequest::new().user("Hi"))
        .await
        .unwrap();
    // 1M tokens in at 0.5 and 1M out at 2, the overridden prices.
    assert_eq!(
        reply.usage.unwrap().cost.total(),
        Some("2.5".parse::<Decimal>().unwrap())
    );
    let body = only_request(&sim).body.unwrap();
    assert_eq!(body["model"], "o3-mini");
    assert_eq!(body["reasoning_effort"], "high");
}

/// A native profile built in code (no config file, no environment).
fn built_in_code(model: &str) -> oac_config::ResolvedProfile {
    oac_config::ProfileBuilder::new()
        .model(model)
        .api_key(SecretString::from(KEY))
        .build()
        .unwrap()
}

#[test]
fn unknown_model_built_in_code_is_warned_about() {
    let (logs, _guard) = LogCapture::start();
    let provider = OpenAiNative::new(built_in_code("gpt-7")).unwrap();
    assert!(!provider.is_known_model());
    let warned = lines_with(
        &logs,
        &["WARN", "`gpt-7` is not in the OpenAI model catalogue"],
    );
    assert_eq!(warned.len(), 1, "{:?}", logs.lines());
    assert!(logs.lines().iter().all(|line| !line.contains(KEY)));
    // A known model is not warned about.
    OpenAiNative::new(built_in_code("gpt-4o")).unwrap();
    assert_eq!(lines_with(&logs, &["WARN"]).len(), 1, "{:?}", logs.lines());
}

#[test]
fn unknown_model_from_the_loader_is_warned_about_once() {
    let (logs, _guard) = LogCapture::start();
    let loaded = load("provider = \"openai-native\"\nmodel = \"gpt-7\"");
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    OpenAiNative::new(loaded.profile).unwrap();
    let warned = lines_with(
        &logs,
        &["WARN", "gpt-7", "not in the OpenAI model catalogue"],
    );
    assert_eq!(warned.len(), 1, "{:?}", logs.lines());
}

#[tokio::test]
async fn dropped_sampling_and_overridden_effort_are_logged_at_debug() {
    let sim = Simulator::start().await;
    let provider = native(&sim, "o3-mini-high");
    let (logs, _guard) = LogCapture::start();
    provider
        .chat(
            ChatRequest::new()
                .user("Hi")
                .temperature(0.2)
                .top_p(0.9)
                .reasoning_effort(ReasoningEffort::Low),
        )
        .await
        .unwrap();
    let body = only_request(&sim).body.unwrap();
    assert!(
        body.get("temperature").is_none() && body.get("top_p").is_none(),
        "{body}"
    );
    assert_eq!(body["reasoning_effort"], "high");
    for message in [
        "temperature not sent: the model does not accept it",
        "top_p not sent: the model does not accept it",
        "the model alias always sends its own reasoning_effort",
    ] {
        assert_eq!(
            lines_with(&logs, &["DEBUG", message]).len(),
            1,
            "{message}: {:?}",
            logs.lines()
        );
    }
}
