//! The facade against the testkit simulator: real HTTP on a loopback port.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac::config::MapEnv;
use oac::{
    Client, ErrorKind, FinishReason, Loader, ModelInfo, ProviderChoice, StreamEvent, Tool,
    ToolChoice, json, parse_price,
};
use oac_testkit::{Fault, Reply, Simulator};

const MODEL: &str = "sim-model";

fn client(sim: &Simulator) -> Client {
    Client::builder()
        .base_url(sim.base_url())
        .model(MODEL)
        .profile(|p| p.max_retries(0))
        .build()
        .unwrap()
}

fn priced(sim: &Simulator) -> Client {
    let mut info = ModelInfo::compatible_default();
    info.context_window = 1_000_000;
    info.prices.input_price = Some(parse_price("0.15").unwrap());
    info.prices.output_price = Some(parse_price("0.60").unwrap());
    Client::builder()
        .base_url(sim.base_url())
        .model(MODEL)
        .profile(|p| p.model_info(info))
        .build()
        .unwrap()
}

#[tokio::test]
async fn send_returns_the_reply_and_tracks_its_exact_cost() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Hello!").usage_tokens(1000, 500));
    let client = priced(&sim);
    let reply = client.chat().user("Hi").send().await.unwrap();
    assert_eq!(reply.text(), "Hello!");
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    let tracker = client.tracker();
    assert_eq!(tracker.requests(), 1);
    assert_eq!(tracker.cost().known.to_string(), "0.00045");
    assert_eq!(
        tracker.context_use().unwrap().to_string(),
        "1,000 of 1,000,000 tokens (0.1%)"
    );
}

#[tokio::test]
async fn costs_sum_exactly_across_calls_and_clones() {
    let sim = Simulator::start().await;
    let client = priced(&sim);
    let clone = client.clone();
    for _ in 0..3 {
        sim.push(Reply::text("x").usage_tokens(1000, 500));
    }
    client.chat().user("1").send().await.unwrap();
    clone.chat().user("2").send().await.unwrap();
    client
        .chat()
        .user("3")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    let tracker = client.tracker();
    assert_eq!(tracker.requests(), 3);
    assert_eq!(tracker.cost().known.to_string(), "0.00135");
    assert_eq!(clone.tracker(), tracker);
}

#[tokio::test]
async fn a_new_tracker_starts_from_zero_and_keeps_the_provider() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").usage_tokens(10, 5));
    let client = priced(&sim);
    client.chat().user("1").send().await.unwrap();
    let conversation = client.with_new_tracker();
    assert_eq!(conversation.tracker().requests(), 0);
    assert_eq!(conversation.model(), MODEL);
    client.reset_tracker();
    assert_eq!(client.tracker().requests(), 0);
}

#[tokio::test]
async fn streamed_text_arrives_in_pieces_and_usage_is_tracked_once() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("Hello there!")
            .text_chunk_chars(3)
            .usage_tokens(12, 3)
            .usage_chunk_with_empty_choices(true),
    );
    let client = priced(&sim);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    let mut pieces = Vec::new();
    let mut usage_events = 0;
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::TextDelta(text) => pieces.push(text),
            StreamEvent::Usage(_) => usage_events += 1,
            _ => {}
        }
    }
    drop(stream);
    assert_eq!(pieces.concat(), "Hello there!");
    assert!(pieces.len() > 1, "streamed in one piece: {pieces:?}");
    assert_eq!(usage_events, 1);
    let tracker = client.tracker();
    assert_eq!(
        (tracker.requests(), tracker.requests_without_usage()),
        (1, 0)
    );
    assert_eq!(tracker.usage().input_total, 12);
}

#[tokio::test]
async fn a_stream_without_usage_counts_as_unreported_not_zero() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("no usage here"));
    let client = priced(&sim);
    let response = client
        .chat()
        .user("Hi")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(response.content, "no usage here");
    let tracker = client.tracker();
    assert_eq!(
        (tracker.requests(), tracker.requests_without_usage()),
        (1, 1)
    );
    assert_eq!(tracker.cost().priced_requests, 0);
}

#[tokio::test]
async fn a_stream_dropped_early_counts_once_as_unreported() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("a long answer that is never read to its end").text_chunk_chars(2));
    let client = priced(&sim);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    let _first = stream.next().await;
    drop(stream);
    let tracker = client.tracker();
    assert_eq!(
        (tracker.requests(), tracker.requests_without_usage()),
        (1, 1)
    );
}

#[tokio::test]
async fn a_cut_stream_is_an_error_not_a_short_answer() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("cut short")
            .text_chunk_chars(2)
            .with_fault(Fault::CutAfterEvents(2)),
    );
    let client = client(&sim);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    let mut error = None;
    while let Some(event) = stream.next().await {
        if let Err(e) = event {
            error = Some(e);
        }
    }
    assert_eq!(error.unwrap().kind(), ErrorKind::StreamEndedEarly);
    assert_eq!(client.tracker().requests_without_usage(), 1);
}

#[tokio::test]
async fn an_error_is_the_last_item_of_a_stream() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("cut short")
            .text_chunk_chars(2)
            .with_fault(Fault::CutAfterEvents(2)),
    );
    let client = client(&sim);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    loop {
        match stream.next().await {
            Some(Ok(_)) => {}
            Some(Err(error)) => {
                assert_eq!(error.kind(), ErrorKind::StreamEndedEarly);
                break;
            }
            None => panic!("the stream ended without its error"),
        }
    }
    assert!(stream.next().await.is_none(), "an item after the error");
    assert!(stream.next().await.is_none(), "an item after the end");
    assert!(stream.metadata().is_none(), "the connection is still held");
    let tracker = client.tracker();
    assert_eq!(
        (tracker.requests(), tracker.requests_without_usage()),
        (1, 1),
        "the failed request is counted once"
    );
}

#[tokio::test]
async fn the_fluent_builder_sends_exactly_what_was_set() {
    let sim = Simulator::start().await;
    let client = client(&sim);
    client
        .chat()
        .system("Be terse.")
        .user_with_images("What is this?", ["https://example.com/cat.png"])
        .tool(Tool::function(
            "get_weather",
            "Weather of a city",
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        ))
        .with_request(|r| {
            r.max_tokens(64)
                .temperature(0.2)
                .seed(7)
                .stop("END")
                .tool_choice(ToolChoice::Auto)
                .end_user("user-1")
                .extra_body("metadata", json!({"run": "test"}))
        })
        .send()
        .await
        .unwrap();
    let request = sim.last_request().unwrap();
    insta::assert_snapshot!(
        "fluent_request_body",
        serde_json::to_string_pretty(request.body.as_ref().unwrap()).unwrap()
    );
}

#[tokio::test]
async fn tool_calls_come_back_assembled_and_the_result_goes_back() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::new()
            .tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#)
            .finish_reason("tool_calls")
            .text_chunk_chars(4),
    );
    let client = client(&sim);
    let tool = Tool::function(
        "get_weather",
        "Weather of a city",
        json!({"type": "object"}),
    );
    let reply = client
        .chat()
        .user("Weather in Paris?")
        .tool(tool.clone())
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(reply.finish_reason, Some(FinishReason::ToolCalls));
    let call = &reply.tool_calls[0];
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("call_1", "get_weather")
    );
    assert_eq!(call.arguments_json().unwrap(), json!({"city": "Paris"}));

    sim.push(Reply::text("21 °C and sunny."));
    let answer = client
        .chat()
        .user("Weather in Paris?")
        .tool(tool)
        .message(reply.to_message())
        .with_request(|r| r.tool_result("call_1", r#"{"celsius":21}"#))
        .text()
        .await
        .unwrap();
    assert_eq!(answer, "21 °C and sunny.");
    let sent = sim.last_request().unwrap();
    assert_eq!(sent.body_at("/messages/2/role").unwrap(), "tool");
    assert_eq!(sent.body_at("/messages/2/tool_call_id").unwrap(), "call_1");
}

#[tokio::test]
async fn an_image_for_a_text_only_model_is_refused_before_sending() {
    let sim = Simulator::start().await;
    let mut info = ModelInfo::compatible_default();
    info.supports_images = false;
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(MODEL)
        .profile(|p| p.model_info(info))
        .build()
        .unwrap();
    let error = client
        .chat()
        .user_with_images("What is this?", ["https://example.com/cat.png"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(sim.chat_request_count(), 0);
}

#[tokio::test]
async fn models_lists_the_provider_ids() {
    let sim = Simulator::builder().models(["a", "b"]).start().await;
    let ids: Vec<String> = client(&sim)
        .models()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["a", "b"]);
}

#[tokio::test]
async fn a_refused_key_is_typed_and_never_shown() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let client = Client::builder()
        .base_url(sim.base_url())
        .api_key("sk-wrong-secret-123")
        .model(MODEL)
        .build()
        .unwrap();
    let error = client.chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    assert_eq!(error.status(), Some(401));
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(
            !shown.contains("sk-wrong-secret-123"),
            "the key leaked: {shown}"
        );
    }
}

#[tokio::test]
async fn the_key_is_sent_as_a_bearer_token() {
    let sim = Simulator::builder().api_key("sk-right").start().await;
    let client = Client::builder()
        .base_url(sim.base_url())
        .api_key("sk-right")
        .model(MODEL)
        .build()
        .unwrap();
    assert_eq!(client.chat().user("ping").text().await.unwrap(), "ping");
    assert_eq!(
        sim.last_request().unwrap().header("authorization"),
        Some("Bearer sk-right")
    );
}

#[tokio::test]
async fn a_client_loads_from_environment_variables() {
    let sim = Simulator::builder().api_key("sk-env").start().await;
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", sim.base_url())
        .set("OPENAI_API_KEY", "sk-env")
        .set("OPENAI_MODEL", "env-model")
        .set("HOME", "/nonexistent-home-for-tests");
    let client = Client::from_loader(Loader::new().env(env)).unwrap();
    assert_eq!(client.model(), "env-model");
    assert_eq!(
        client.chat().user("from env").text().await.unwrap(),
        "from env"
    );
    assert_eq!(
        sim.last_request().unwrap().body_at("/model").unwrap(),
        "env-model"
    );
}

#[tokio::test]
async fn a_client_loads_a_named_profile_of_a_config_file() {
    let sim = Simulator::start().await;
    let dir = std::env::temp_dir().join(format!("oac-facade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "default_profile = \"other\"\n\n[profiles.other]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"x\"\n\n\
             [profiles.sim]\nbase_url = \"{}\"\nmodel = \"profile-model\"\n\n[profiles.sim.model_info]\ncontext_window = 32768\n",
            sim.base_url()
        ),
    )
    .unwrap();
    let env = MapEnv::new().set("OAC_CONFIG", path.display().to_string());
    let loader = Loader::new()
        .env(env)
        .overrides(oac::Overrides::new().profile("sim"));
    let client = Client::from_loader(loader).unwrap();
    assert_eq!(client.model(), "profile-model");
    assert_eq!(client.model_info().context_window, 32_768);
    assert_eq!(client.chat().user("hi").text().await.unwrap(), "hi");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_unreachable_host_is_a_connection_error() {
    let sim = Simulator::start().await;
    let base_url = sim.base_url();
    drop(sim);
    let client = Client::builder()
        .base_url(base_url)
        .model(MODEL)
        .profile(|p| p.max_retries(0))
        .build()
        .unwrap();
    let error = client.chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Connection);
}

/// A `tracing` subscriber's output, captured for one closure.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}

impl Logs {
    fn capture<T>(run: impl FnOnce() -> T) -> (T, String) {
        let logs = Logs::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_max_level(tracing::Level::WARN)
            .finish();
        let result = tracing::subscriber::with_default(subscriber, run);
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        (result, text)
    }
}

#[test]
fn a_client_from_the_environment_logs_each_config_warning_once() {
    // A remote host and no key: the configuration works but warns.
    let env = MapEnv::new()
        .set("OPENAI_BASE_URL", "https://api.together.xyz/v1")
        .set("OPENAI_MODEL", "m");
    let (client, logs) = Logs::capture(|| Client::from_loader(Loader::new().env(env.clone())));
    client.unwrap();
    let (_, warnings) = Client::from_loader_with_warnings(Loader::new().env(env)).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let message = &warnings[0].message;
    assert_eq!(logs.matches(message.as_str()).count(), 1, "{logs}");
    assert!(logs.contains("WARN"), "{logs}");
}

#[test]
fn a_client_says_why_its_provider_was_chosen() {
    let env = MapEnv::new().set("OPENAI_MODEL", "gpt-4o");
    let native = Client::from_loader(Loader::new().env(env)).unwrap();
    assert_eq!(native.provider().kind(), Some(ProviderChoice::OpenAiNative));
    assert_eq!(
        native.provider_reason(),
        Some("openai-native: provider is auto and no base URL is set, so the OpenAI API is used")
    );
    let profile = native.profile().unwrap();
    assert_eq!(profile.model(), "gpt-4o");
    assert_eq!(profile.provider(), oac::ProviderChoice::OpenAiNative);

    let forced = Client::builder()
        .base_url("https://api.openai.com/v1")
        .profile(|p| p.provider(oac::ProviderChoice::Compatible))
        .model("gpt-4o")
        .build()
        .unwrap();
    assert_eq!(forced.provider().kind(), Some(ProviderChoice::Compatible));
    assert!(
        forced
            .provider_reason()
            .unwrap()
            .starts_with("compatible: set by"),
        "{:?}",
        forced.provider_reason()
    );
    // A clone with its own tracker keeps the profile.
    assert_eq!(
        forced.with_new_tracker().provider_reason(),
        forced.provider_reason()
    );
}

#[test]
fn a_client_around_a_bare_provider_has_no_profile() {
    let profile = Client::builder()
        .base_url("http://localhost:11434/v1")
        .model("m")
        .build_profile()
        .unwrap()
        .0;
    let provider = oac::provider::OpenAiCompatible::builder(profile)
        .build()
        .unwrap();
    let client = Client::from_provider(provider);
    assert!(client.profile().is_none());
    assert!(client.provider_reason().is_none());
}

#[test]
fn profile_and_stream_types_are_reexported_at_the_top() {
    use oac::{AuthStyle, ConfigFile, IncludeUsage, MaxTokensField, Profile, StreamMetadata};
    let mut profile = Profile::new();
    profile.base_url = Some("http://localhost:11434/v1".into());
    profile.model = Some("m".into());
    let client = oac::ClientBuilder::from_profile(profile)
        .profile(|p| {
            p.auth(AuthStyle::Bearer)
                .include_usage(IncludeUsage::Never)
                .max_tokens_field(MaxTokensField::MaxCompletionTokens)
        })
        .build()
        .unwrap();
    assert_eq!(
        client.profile().unwrap().include_usage(),
        IncludeUsage::Never
    );
    assert!(ConfigFile::new().profile_names().is_empty());
    let metadata = StreamMetadata::default();
    assert!(metadata.id.is_none());
}

#[test]
fn the_profile_picks_native_or_compatible() {
    let native = Client::builder().model("gpt-4o").build().unwrap();
    assert_eq!(native.provider().kind(), Some(ProviderChoice::OpenAiNative));
    assert_eq!(
        native.endpoints().chat.as_str(),
        "https://api.openai.com/v1/chat/completions"
    );
    let local = Client::builder()
        .base_url("http://localhost:11434/v1")
        .model("qwen2.5-coder:7b")
        .build()
        .unwrap();
    assert_eq!(local.provider().kind(), Some(ProviderChoice::Compatible));
}

#[test]
fn invalid_settings_are_all_reported_together() {
    let error = Client::builder()
        .base_url("api.provider.com/v1")
        .model("")
        .profile(|p| p.temperature(3.0))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    let problems = error.config_error().unwrap().problems();
    assert!(problems.len() >= 3, "{error}");
}
