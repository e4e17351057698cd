//! The reply given when none is queued.

use oac_testkit::{EMPTY_PROMPT_ANSWER, Reply, Simulator, echo_reply};
use serde_json::{Value, json};

use crate::support::{chunks, delta_text, post_chat};

fn body(model: &str, messages: Value, stream: bool) -> Value {
    json!({"model": model, "messages": messages, "stream": stream})
}

#[tokio::test]
async fn default_reply_echoes_the_last_user_message_with_usage() {
    let sim = Simulator::start().await;
    let messages = json!([
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "What is Rust?"}
    ]);
    let text = post_chat(&sim, &body("sim-model", messages, true))
        .await
        .text()
        .await
        .unwrap();
    insta::assert_snapshot!(text);
    assert_eq!(delta_text(&text, "content"), "What is Rust?");
    assert_eq!(delta_text(&text, "reasoning_content"), "");
}

#[tokio::test]
async fn default_reply_is_a_completion_when_not_streaming() {
    let sim = Simulator::start().await;
    let messages = json!([{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {"url": "data:,"}}, {"type": "text", "text": "b"}]}]);
    let completion: Value = post_chat(&sim, &body("m", messages, false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(completion["choices"][0]["message"]["content"], "a\nb");
    assert_eq!(completion["usage"]["completion_tokens"], 1);
    assert_eq!(completion["model"], "m");
}

#[tokio::test]
async fn default_reply_reasons_for_reasoning_models() {
    let sim = Simulator::start().await;
    let messages = json!([{"role": "user", "content": "Why?"}]);
    let text = post_chat(&sim, &body("sim-reasoner", messages, true))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        delta_text(&text, "reasoning_content"),
        "The user wrote 4 characters; I will echo them back."
    );
    assert_eq!(delta_text(&text, "content"), "Why?");
    let usage = chunks(&text).pop().unwrap()["usage"].clone();
    assert_eq!(usage["completion_tokens_details"]["reasoning_tokens"], 13);
    assert_eq!(usage["completion_tokens"], 14);
}

#[tokio::test]
async fn default_reply_without_user_text_says_hello() {
    let sim = Simulator::start().await;
    let completion: Value = post_chat(&sim, &json!({"model": "m"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        completion["choices"][0]["message"]["content"],
        EMPTY_PROMPT_ANSWER
    );
}

#[tokio::test]
async fn default_reply_can_be_fixed() {
    let sim = Simulator::builder()
        .default_reply(Reply::text("always"))
        .start()
        .await;
    for _ in 0..2 {
        let completion: Value = post_chat(&sim, &json!({"model": "m"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(completion["choices"][0]["message"]["content"], "always");
    }
}

#[tokio::test]
async fn default_reply_can_be_built_from_the_request() {
    let sim = Simulator::builder()
        .default_reply_with(|request| {
            let model = request
                .body_at("/model")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            echo_reply(request).content(format!("model was {model}"))
        })
        .start()
        .await;
    let completion: Value = post_chat(&sim, &json!({"model": "abc"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        completion["choices"][0]["message"]["content"],
        "model was abc"
    );
}

#[tokio::test]
async fn queued_replies_come_before_the_default() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("queued"));
    let messages = json!([{"role": "user", "content": "echo me"}]);
    let first: Value = post_chat(&sim, &body("m", messages.clone(), false))
        .await
        .json()
        .await
        .unwrap();
    let second: Value = post_chat(&sim, &body("m", messages, false))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["choices"][0]["message"]["content"], "queued");
    assert_eq!(second["choices"][0]["message"]["content"], "echo me");
}
