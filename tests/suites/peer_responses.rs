//! Real-peer suite for the Responses API (`POST /v1/responses`): the facade and the
//! `oac` binary against llmock's Responses router, and against a real LiteLLM proxy
//! that forwards `/v1/responses` to llmock. Both are servers nobody here wrote,
//! installed by `cargo xtask test`.
//!
//! Of the real servers `cargo xtask test` installs, both serve the Responses API:
//! llmock (its `openai_responses` router, typed events as the `openai` SDK expects)
//! and LiteLLM's proxy (which forwards `/v1/responses` to llmock here). llama.cpp's
//! server and aimock are not installed by these suites, so they are not checked.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use oac::{ApiChoice, Client, ErrorKind, FinishReason, Message, json};
use oac_tests::litellm::{self, Litellm};
use oac_tests::peer::{Llmock, run_oac, run_oac_with};
use serde_json::Value;

const MODEL: &str = "gpt-4o-mini";

fn client(base_url: &str, model: &str, api: ApiChoice) -> Client {
    Client::builder()
        .base_url(base_url)
        .model(model)
        .profile(|p| p.api(api))
        .build()
        .expect("a client for the peer")
}

fn responses_client(server: &Llmock) -> Client {
    client(&server.base_url(), MODEL, ApiChoice::Responses)
}

/// The body of the `nth` Responses request llmock received.
fn responses_body(server: &Llmock, nth: usize) -> Value {
    let requests = server.responses_requests();
    requests
        .get(nth)
        .unwrap_or_else(|| panic!("no Responses request #{nth}: {requests:#?}"))["body"]
        .clone()
}

// ---- llmock: the facade ---------------------------------------------------------------

#[tokio::test]
async fn a_whole_reply_comes_back_from_llmocks_responses_endpoint() {
    let server = Llmock::start();
    let client = responses_client(&server);
    let reply = client
        .chat()
        .system("Be brief.")
        .user("Hello responses")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.text(), "Hello! You said: Be brief. Hello responses");
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    assert_eq!(reply.model.as_deref(), Some(MODEL));
    let usage = reply.usage.expect("llmock reports usage").usage;
    assert!(usage.input_total > 0 && usage.output_total > 0, "{usage:?}");

    assert!(
        server.chat_requests().is_empty(),
        "chat completions was used"
    );
    let body = responses_body(&server, 0);
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["instructions"], "Be brief.");
    assert_eq!(body["store"], false, "{body:#}");
    assert_eq!(body["input"][0]["role"], "user", "{body:#}");
    assert!(body.get("messages").is_none(), "{body:#}");
}

#[tokio::test]
async fn a_streamed_reply_arrives_in_pieces_with_usage_and_finish() {
    let server = Llmock::start();
    let client = responses_client(&server);
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
    // The Responses API reports usage in `response.completed`, unasked.
    let usage = usage.expect("usage from response.completed");
    assert!(usage.input_total > 0 && usage.output_total > 0, "{usage:?}");
    assert_eq!(responses_body(&server, 0)["stream"], true);
}

/// The caller's tool loop, written once, run over both APIs against the same peer.
async fn tool_loop(client: &Client) -> (oac::ChatResponse, oac::ChatResponse) {
    let ask = |history: Vec<Message>| {
        client
            .chat()
            .user("What is the weather in Paris?")
            .messages(history)
            .tool(oac_tests::weather_tool())
    };
    let first = ask(Vec::new())
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(
        first.finish_reason,
        Some(FinishReason::ToolCalls),
        "{first:?}"
    );
    let call = first.tool_calls[0].clone();
    assert_eq!(call.name, "get_weather");
    let arguments = call.arguments_json().expect("assembled arguments are JSON");
    assert!(arguments["city"].is_string(), "{arguments}");
    let history = vec![
        first.to_message(),
        Message::tool(call.id.clone(), r#"{"celsius": 21}"#),
    ];
    let second = ask(history).send().await.unwrap();
    (first, second)
}

#[tokio::test]
async fn the_same_tool_loop_runs_over_chat_completions_and_the_responses_api() {
    for api in [ApiChoice::Chat, ApiChoice::Responses] {
        let server = Llmock::start();
        let client = client(&server.base_url(), MODEL, api);
        let (_, answer) = tool_loop(&client).await;
        assert_eq!(answer.finish_reason, Some(FinishReason::Stop), "{api:?}");
        assert!(answer.tool_calls.is_empty(), "{api:?}: {answer:?}");
        assert!(!answer.text().is_empty(), "{api:?}");
        let (chat, responses) = (server.chat_requests(), server.responses_requests());
        match api {
            ApiChoice::Responses => assert!(chat.is_empty() && responses.len() == 2),
            _ => assert!(responses.is_empty() && chat.len() == 2),
        }
    }
}

#[tokio::test]
async fn a_tool_result_goes_back_as_a_function_call_output_item() {
    let server = Llmock::start();
    let client = responses_client(&server);
    let (first, _) = tool_loop(&client).await;
    let call = &first.tool_calls[0];
    let input = responses_body(&server, 1)["input"].clone();
    let items = input.as_array().expect("input is a list of items");
    let call_item = items
        .iter()
        .find(|i| i["type"] == "function_call")
        .unwrap_or_else(|| panic!("no function_call item: {input:#}"));
    assert_eq!(call_item["call_id"], call.id.as_str());
    assert_eq!(call_item["name"], "get_weather");
    let output = items
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .unwrap_or_else(|| panic!("no function_call_output item: {input:#}"));
    assert_eq!(output["call_id"], call.id.as_str());
    assert_eq!(output["output"], r#"{"celsius": 21}"#);
    let tools = &responses_body(&server, 1)["tools"];
    assert_eq!(tools[0]["type"], "function", "{tools:#}");
    assert_eq!(tools[0]["name"], "get_weather", "{tools:#}");
}

#[tokio::test]
async fn a_reply_cut_at_max_output_tokens_is_finish_length() {
    let server = Llmock::start();
    server
        .script_responses(json!([{"type": "reply", "text": "Partial", "finish_reason": "length"}]));
    let reply = responses_client(&server)
        .chat()
        .user("A long answer")
        .with_request(|r| r.max_tokens(5))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.text(), "Partial");
    assert_eq!(reply.finish_reason, Some(FinishReason::Length));
    assert_eq!(responses_body(&server, 0)["max_output_tokens"], 5);
}

// ---- llmock: faults ---------------------------------------------------------------------

#[tokio::test]
async fn a_401_is_an_invalid_key_and_is_not_retried() {
    let server = Llmock::start();
    server.script_responses(json!([{"type": "fail", "status": 401}]));
    let error = responses_client(&server)
        .chat()
        .user("Hi")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        server.responses_requests().len(),
        1,
        "a 401 must not be retried"
    );
    server.assert_resilient();
}

#[tokio::test]
async fn an_unknown_model_is_model_not_found() {
    let server = Llmock::start();
    server.script_responses(json!([{
        "type": "fail", "status": 404, "code": "model_not_found",
        "message": "The model `no-such-model` does not exist or you do not have access to it.",
        "match": {"model": "no-such-model"}
    }]));
    let client = client(&server.base_url(), "no-such-model", ApiChoice::Responses);
    let error = client.chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::ModelNotFound);
    assert!(error.to_string().contains("no-such-model"), "{error}");
    server.assert_resilient();
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let server = Llmock::start();
    server.script_responses(
        json!([{"type": "fail", "status": 429, "retry_after": 0.05, "times": 1}]),
    );
    let reply = responses_client(&server)
        .chat()
        .user("Try again")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.text(), "Hello! You said: Try again");
    assert_eq!(server.responses_requests().len(), 2);
    // llmock checks that the retry came after the Retry-After it asked for.
    server.assert_resilient();
}

#[tokio::test]
async fn a_stream_cut_before_response_completed_is_an_error_not_a_short_answer() {
    let server = Llmock::start();
    server
        .script_responses(json!([{"type": "stream_fault", "kind": "truncate", "after_chunks": 4}]));
    let client = responses_client(&server);
    let mut stream = client
        .chat()
        .user("A long answer please")
        .stream()
        .await
        .unwrap();
    let mut error = None;
    while let Some(event) = stream.next().await {
        if let Err(e) = event {
            error = Some(e);
        }
    }
    assert_eq!(
        error.expect("the cut is reported").kind(),
        ErrorKind::StreamEndedEarly
    );
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

// ---- llmock: the `oac` binary -------------------------------------------------------------

#[test]
fn oac_chat_with_api_responses_talks_to_llmocks_responses_endpoint() {
    let server = Llmock::start();
    let run = run_oac(
        &server.base_url(),
        MODEL,
        &["--api", "responses", "chat", "Hello from oac"],
    );
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.contains("Hello! You said: Hello from oac"),
        "{run}"
    );
    assert_eq!(server.responses_requests().len(), 1, "{run}");
    assert!(server.chat_requests().is_empty(), "{run}");
}

#[test]
fn a_401_over_the_responses_api_exits_3_with_a_fix() {
    let server = Llmock::start();
    server.script_responses(json!([{"type": "fail", "status": 401}]));
    let run = run_oac_with(
        &server.base_url(),
        MODEL,
        &["--api", "responses", "chat", "Hi"],
        &[("OPENAI_API_KEY", "sk-peer-wrong-key-0000")],
    );
    assert_eq!(run.code, 3, "{run}");
    assert!(!run.stderr.contains("sk-peer-wrong-key-0000"), "{run}");
}

// ---- LiteLLM: a real gateway forwarding the Responses API -------------------------------------

#[tokio::test]
async fn litellm_forwards_the_responses_api_whole_and_streamed() {
    let proxy = Litellm::start();
    let client = Client::builder()
        .base_url(proxy.base_url())
        .api_key(litellm::KEY)
        .model(litellm::MODEL)
        .profile(|p| p.api(ApiChoice::Responses))
        .build()
        .unwrap();
    let reply = client
        .chat()
        .user("Hello gateway")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}\n--- LiteLLM log\n{}", proxy.log()));
    assert!(
        reply.text().contains("You said: Hello gateway"),
        "{reply:?}"
    );
    assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    let usage = reply.usage.expect("usage through the gateway").usage;
    assert!(usage.input_total > 0 && usage.output_total > 0, "{usage:?}");

    let streamed = client
        .chat()
        .user("Stream through the gateway")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap_or_else(|e| panic!("{e}\n--- LiteLLM log\n{}", proxy.log()));
    assert!(
        streamed
            .text()
            .contains("You said: Stream through the gateway"),
        "{streamed:?}"
    );
    assert_eq!(streamed.finish_reason, Some(FinishReason::Stop));
}
