//! Real-peer suite: the facade and the `oac` binary against llmock, an OpenAI mock
//! server written by others (installed into `target/peer-venv` by `cargo xtask test`).
//!
//! llmock answers `Hello! You said: <prompt>` (`--response-style echo`), lists its own
//! models, reports usage, calls offered tools, and fails on cue through its
//! `/_llmock/scenario` API. Each test starts its own server (faults are queued per
//! server) and stops it when the guard drops, also when the test fails. At the end
//! of the facade tests llmock's own verdict on the client's resilience must pass.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpStream;

use oac::{Client, ErrorKind, FinishReason, ModelInfo, StreamEvent, Tool, json, parse_price};
use oac_tests::peer::{Llmock, OacRun, run_oac};

const MODEL: &str = "gpt-4o-mini";

fn client(server: &Llmock) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .model(MODEL)
        .build()
        .expect("a client for llmock")
}

// ---- the guard ---------------------------------------------------------------------

#[test]
fn server_stops_when_its_guard_is_dropped() {
    let server = Llmock::start();
    let port = server.port();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(server);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "llmock still listens on {port} after the guard was dropped"
    );
}

#[test]
fn server_stops_when_the_test_that_started_it_panics() {
    let started: std::sync::Mutex<Option<(u16, u32)>> = std::sync::Mutex::new(None);
    let outcome = std::panic::catch_unwind(|| {
        let server = Llmock::start();
        *started.lock().unwrap() = Some((server.port(), server.pid()));
        panic!("a failing peer test (expected by this test)");
    });
    assert!(outcome.is_err(), "the closure did not panic");
    let (port, pid) = started
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .expect("llmock started");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "llmock still listens on {port} after its test panicked"
    );
    #[cfg(target_os = "linux")]
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "llmock (pid {pid}) still runs after its test panicked"
    );
    #[cfg(not(target_os = "linux"))]
    let _ = pid;
}

// ---- the facade: chat, models, tools, usage ------------------------------------------

#[tokio::test]
async fn complete_chat_reads_the_answer_and_usage() {
    let server = Llmock::start();
    let client = client(&server);
    let reply = client.chat().user("Hello llmock").send().await.unwrap();
    assert_eq!(reply.text(), "Hello! You said: Hello llmock");
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    assert_eq!(reply.model.as_deref(), Some(MODEL));
    let usage = reply.usage.expect("llmock reports usage").usage;
    assert!(usage.input_total > 0 && usage.output_total > 0, "{usage:?}");
    assert_eq!(client.tracker().requests_without_usage(), 0);
}

#[tokio::test]
async fn streamed_chat_arrives_in_pieces_with_usage_and_finish() {
    let server = Llmock::start();
    let client = client(&server);
    let stream = client
        .chat()
        .user("Stream this please")
        .stream()
        .await
        .unwrap();
    let oac_tests::Streamed {
        pieces,
        finish,
        usage,
    } = oac_tests::read_streamed(stream).await;
    assert_eq!(pieces.concat(), "Hello! You said: Stream this please");
    assert!(pieces.len() > 1, "not streamed: {pieces:?}");
    assert_eq!(finish, Some(FinishReason::Stop));
    // llmock sends usage only when asked with stream_options.include_usage.
    let usage = usage.expect("the client asked for usage in the stream");
    assert!(usage.output_total > 0, "{usage:?}");
}

#[tokio::test]
async fn models_are_llmocks_list() {
    let server = Llmock::start();
    let ids: Vec<String> = client(&server)
        .models()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert!(
        ids.contains(&"gpt-4o".to_owned()) && ids.contains(&MODEL.to_owned()),
        "{ids:?}"
    );
}

#[tokio::test]
async fn an_offered_tool_is_called_then_its_result_answered() {
    let server = Llmock::start();
    let client = client(&server);
    let weather = oac_tests::weather_tool();
    let first = client
        .chat()
        .user("What is the weather in Paris?")
        .tool(weather.clone())
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(first.finish_reason, Some(FinishReason::ToolCalls));
    let call = &first.tool_calls[0];
    assert_eq!(call.name, "get_weather");
    let arguments = call.arguments_json().expect("assembled arguments are JSON");
    assert!(arguments["city"].is_string(), "{arguments}");

    let answer = client
        .chat()
        .user("What is the weather in Paris?")
        .tool(weather)
        .message(first.to_message())
        .with_request(|r| r.tool_result(&call.id, r#"{"celsius": 21}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.finish_reason, Some(FinishReason::Stop));
    assert!(answer.tool_calls.is_empty());
    assert!(!answer.text().is_empty());
}

#[tokio::test]
async fn a_scripted_tool_call_keeps_its_exact_arguments() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "reply", "tool_calls": [
        {"name": "lookup", "arguments": {"query": "rust \"quoted\" ünïcode", "limit": 3}}
    ]}]));
    let reply = client(&server)
        .chat()
        .user("Find it")
        .tool(Tool::function(
            "lookup",
            "Search",
            json!({"type": "object"}),
        ))
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(reply.tool_calls.len(), 1);
    assert_eq!(
        reply.tool_calls[0].arguments_json().unwrap(),
        json!({"query": "rust \"quoted\" ünïcode", "limit": 3})
    );
}

#[tokio::test]
async fn reported_usage_is_priced_exactly() {
    let server = Llmock::start();
    let mut info = ModelInfo::compatible_default();
    info.prices.input_price = Some(parse_price("0.15").unwrap());
    info.prices.output_price = Some(parse_price("0.60").unwrap());
    let client = Client::builder()
        .base_url(server.base_url())
        .model(MODEL)
        .profile(|p| p.model_info(info))
        .build()
        .unwrap();
    let reply = client
        .chat()
        .user("Price this answer")
        .send()
        .await
        .unwrap();
    let report = reply.usage.unwrap();
    let (input, output) = (report.usage.input_total, report.usage.output_total);
    let expected = parse_price("0.15").unwrap() * oac::Decimal::from(input)
        / oac::Decimal::from(1_000_000)
        + parse_price("0.60").unwrap() * oac::Decimal::from(output) / oac::Decimal::from(1_000_000);
    assert_eq!(report.cost.total(), Some(expected));
    assert_eq!(client.tracker().cost().known, expected);
}

// ---- the facade: llmock's scripted faults ---------------------------------------------

#[tokio::test]
async fn a_401_is_an_invalid_key_and_is_not_retried() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "fail", "status": 401}]));
    let error = client(&server).chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    assert_eq!(error.status(), Some(401));
    assert_eq!(server.chat_requests().len(), 1, "a 401 must not be retried");
    server.assert_resilient();
}

#[tokio::test]
async fn an_unknown_model_is_model_not_found() {
    let server = Llmock::start();
    server.script_chat(json!([{
        "type": "fail", "status": 404, "code": "model_not_found",
        "message": "The model `no-such-model` does not exist or you do not have access to it.",
        "match": {"model": "no-such-model"}
    }]));
    let client = Client::builder()
        .base_url(server.base_url())
        .model("no-such-model")
        .build()
        .unwrap();
    let error = client.chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
    assert!(error.to_string().contains("no-such-model"), "{error}");
    server.assert_resilient();
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "fail", "status": 429, "retry_after": 0.05, "times": 1}]));
    let reply = client(&server)
        .chat()
        .user("Try again")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.text(), "Hello! You said: Try again");
    assert_eq!(server.chat_requests().len(), 2);
    // llmock checks that the retry came after the Retry-After it asked for.
    server.assert_resilient();
}

#[tokio::test]
async fn a_429_that_persists_is_rate_limited_with_its_retry_after() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "fail", "status": 429, "retry_after": 0.02, "times": 3}]));
    let error = client(&server).chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(
        error.retry_after(),
        Some(std::time::Duration::from_millis(20))
    );
    assert_eq!(
        server.chat_requests().len(),
        3,
        "the first attempt and two retries"
    );
    server.assert_resilient();
}

#[tokio::test]
async fn a_stream_that_ends_early_is_an_error_not_a_short_answer() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "stream_fault", "kind": "truncate", "after_chunks": 3}]));
    let client = client(&server);
    let mut stream = client
        .chat()
        .user("A long answer please")
        .stream()
        .await
        .unwrap();
    let mut text = String::new();
    let mut error = None;
    while let Some(event) = stream.next().await {
        match event {
            Ok(StreamEvent::TextDelta(delta)) => text.push_str(&delta),
            Ok(_) => {}
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(
        error.expect("the cut is reported").kind(),
        ErrorKind::StreamEndedEarly
    );
    assert!(text.starts_with("Hello!"), "{text}");

    // Text already reached the caller, so the library does not retry by itself; the
    // caller, told the answer is cut, asks again — and llmock sees a resilient client.
    let again = client
        .chat()
        .user("A long answer please")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(again.text(), "Hello! You said: A long answer please");
    server.assert_resilient();
}

#[tokio::test]
async fn a_dropped_connection_mid_stream_is_an_error() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "stream_fault", "kind": "disconnect", "after_chunks": 2}]));
    let client = client(&server);
    let error = client
        .chat()
        .user("Hi")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ErrorKind::StreamEndedEarly | ErrorKind::Connection
        ),
        "{:?}: {error}",
        error.kind()
    );

    // As with a truncated stream, the caller is told and asks again; llmock then
    // sees a client that did not give up after a dropped connection.
    let again = client
        .chat()
        .user("Hi")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(again.text(), "Hello! You said: Hi");
    server.assert_resilient();
}

// ---- the `oac` binary -----------------------------------------------------------------

fn oac(server: &Llmock, args: &[&str]) -> OacRun {
    run_oac(&server.base_url(), MODEL, args)
}

#[test]
fn oac_chat_streams_llmocks_answer_to_stdout() {
    let server = Llmock::start();
    let ran = oac(&server, &["chat", "Hello", "from", "oac"]);
    assert_eq!(ran.code, 0, "{ran}");
    assert_eq!(ran.stdout, "Hello! You said: Hello from oac\n");
    assert!(ran.stderr.starts_with("usage: "), "{ran}");
    assert!(ran.stderr.contains("cost unknown"), "{ran}");
}

#[test]
fn oac_chat_json_prints_text_usage_and_done() {
    let server = Llmock::start();
    let ran = oac(&server, &["--json", "chat", "--no-stream", "Hi"]);
    assert_eq!(ran.code, 0, "{ran}");
    let lines = ran.json_lines();
    assert_eq!(
        lines[0],
        json!({"type": "text", "text": "Hello! You said: Hi"})
    );
    assert_eq!(lines[1]["type"], "usage");
    assert!(lines[1]["input_tokens"].as_u64().is_some(), "{ran}");
    assert_eq!(
        lines[2],
        json!({"type": "done", "finish_reason": "stop", "context_window": 128000,
               "context_window_source": "default", "prices_source": "default"})
    );
}

#[test]
fn oac_models_lists_llmocks_models() {
    let server = Llmock::start();
    let ran = oac(&server, &["models"]);
    assert_eq!(ran.code, 0, "{ran}");
    assert!(ran.stdout.lines().any(|id| id == "gpt-4o"), "{ran}");
}

#[test]
fn oac_doctor_passes_every_check_against_llmock() {
    let server = Llmock::start();
    let ran = oac(&server, &["doctor", "--json"]);
    assert_eq!(ran.code, 0, "{ran}");
    let statuses: Vec<(String, String)> = ran
        .json_lines()
        .iter()
        .map(|l| {
            (
                l["check"].as_str().unwrap().to_owned(),
                l["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (check, status) in &statuses {
        // usage is reported; its cost is unknown (llmock has no prices): a warning.
        let expected = if check == "usage_reported" {
            "warn"
        } else {
            "pass"
        };
        assert_eq!(status, expected, "{check}: {ran}");
    }
    assert_eq!(statuses.len(), 7, "{ran}");
}

#[test]
fn oac_exits_3_when_llmock_refuses_the_key() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "fail", "status": 401}]));
    let ran = oac(&server, &["chat", "Hi"]);
    assert_eq!(ran.code, 3, "{ran}");
    assert_eq!(ran.stdout, "");
    assert!(ran.stderr.contains("invalid API key"), "{ran}");
}

#[test]
fn oac_exits_4_for_a_model_llmock_does_not_know() {
    let server = Llmock::start();
    server.script_chat(
        json!([{"type": "fail", "status": 404, "code": "model_not_found",
        "message": "The model `nope` does not exist"}]),
    );
    let ran = oac(&server, &["--json", "chat", "Hi"]);
    assert_eq!(ran.code, 4, "{ran}");
    assert_eq!(ran.json_lines()[0]["kind"], "model_not_found");
}

#[test]
fn oac_exits_5_when_llmock_keeps_rate_limiting() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "fail", "status": 429, "retry_after": 0.01, "times": 3}]));
    let ran = oac(&server, &["chat", "Hi"]);
    assert_eq!(ran.code, 5, "{ran}");
    assert!(ran.stderr.contains("rate limited"), "{ran}");
}

#[test]
fn oac_exits_8_and_keeps_the_text_when_llmock_cuts_the_stream() {
    let server = Llmock::start();
    server.script_chat(json!([{"type": "stream_fault", "kind": "truncate", "after_chunks": 3}]));
    let ran = oac(&server, &["chat", "Tell me more"]);
    assert_eq!(ran.code, 8, "{ran}");
    assert!(ran.stdout.starts_with("Hello! "), "{ran}");
    assert!(ran.stderr.contains("stream ended early"), "{ran}");
}
