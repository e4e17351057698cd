//! API-key checks, routing and the models list.

use oac_testkit::{Reply, Simulator, bodies};
use serde_json::{Value, json};

use crate::support::{chat_body, client, post_chat};

async fn get_models(sim: &Simulator) -> reqwest::Response {
    client()
        .get(format!("{}/models", sim.base_url()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn missing_key_is_refused_with_401() {
    let sim = Simulator::builder().api_key("sk-test").start().await;
    let response = post_chat(&sim, &chat_body(false)).await;
    assert_eq!(response.status(), 401);
    insta::assert_snapshot!(response.text().await.unwrap());
}

#[tokio::test]
async fn wrong_key_is_refused_without_repeating_it() {
    let sim = Simulator::builder().api_key("sk-test").start().await;
    let response = client()
        .post(format!("{}/chat/completions", sim.base_url()))
        .bearer_auth("sk-wrong-secret")
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert!(!body.to_string().contains("sk-wrong-secret"));
    assert!(!body.to_string().contains("sk-test"));
}

#[tokio::test]
async fn key_is_accepted_as_bearer_or_api_key_header() {
    let sim = Simulator::builder().api_key("sk-test").start().await;
    let url = format!("{}/chat/completions", sim.base_url());
    let bearer = client()
        .post(&url)
        .bearer_auth("sk-test")
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    let azure = client()
        .post(&url)
        .header("api-key", "sk-test")
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), 200);
    assert_eq!(azure.status(), 200);
}

#[tokio::test]
async fn a_refused_request_does_not_consume_a_reply() {
    let sim = Simulator::builder().api_key("sk-test").start().await;
    sim.push(Reply::text("kept"));
    assert_eq!(post_chat(&sim, &chat_body(false)).await.status(), 401);
    assert_eq!(sim.pending_replies(), 1);
}

#[tokio::test]
async fn models_are_checked_for_the_key_too() {
    let sim = Simulator::builder().api_key("sk-test").start().await;
    assert_eq!(get_models(&sim).await.status(), 401);
}

#[tokio::test]
async fn default_models_list_has_sim_model() {
    let sim = Simulator::start().await;
    let response = get_models(&sim).await;
    assert_eq!(response.status(), 200);
    insta::assert_snapshot!(response.text().await.unwrap());
}

#[tokio::test]
async fn configured_models_are_listed_in_order() {
    let sim = Simulator::builder().models(["m", "gpt-4o"]).start().await;
    let body: Value = get_models(&sim).await.json().await.unwrap();
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["m", "gpt-4o"]);
}

#[tokio::test]
async fn models_json_is_served_verbatim() {
    let list =
        json!({"data": [{"id": "x", "context_length": 128000, "pricing": {"prompt": "0.000001"}}]});
    let sim = Simulator::builder().models_json(list.clone()).start().await;
    assert_eq!(get_models(&sim).await.json::<Value>().await.unwrap(), list);
}

#[tokio::test]
async fn queued_models_reply_comes_first() {
    let sim = Simulator::start().await;
    sim.push_models(Reply::error(500, bodies::error_string("down")));
    assert_eq!(get_models(&sim).await.status(), 500);
    assert_eq!(get_models(&sim).await.status(), 200);
}

#[tokio::test]
async fn strict_models_refuse_unknown_models() {
    let sim = Simulator::builder()
        .models(["m"])
        .strict_models(true)
        .start()
        .await;
    let mut body = chat_body(false);
    body["model"] = json!("nope");
    let response = post_chat(&sim, &body).await;
    assert_eq!(response.status(), 404);
    insta::assert_snapshot!(response.text().await.unwrap());
    body["model"] = json!("m");
    assert_eq!(post_chat(&sim, &body).await.status(), 200);
}

#[tokio::test]
async fn strict_models_use_the_ids_of_models_json() {
    let sim = Simulator::builder()
        .models_json(json!({"data": [{"id": "listed"}]}))
        .strict_models(true)
        .start()
        .await;
    let mut body = chat_body(false);
    body["model"] = json!("listed");
    assert_eq!(post_chat(&sim, &body).await.status(), 200);
}

#[tokio::test]
async fn stream_options_can_be_rejected() {
    let sim = Simulator::builder()
        .reject_stream_options(true)
        .start()
        .await;
    let mut body = chat_body(true);
    body["stream_options"] = json!({"include_usage": true});
    let response = post_chat(&sim, &body).await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(
        error["error"]["message"],
        "Unrecognized request argument supplied: stream_options"
    );
    assert_eq!(post_chat(&sim, &chat_body(true)).await.status(), 200);
}

#[tokio::test]
async fn stream_options_can_be_refused_with_a_given_status_and_body() {
    let refusal = oac_testkit::bodies::fastapi_extra_forbidden(
        "stream_options",
        json!({"include_usage": true}),
    );
    let sim = Simulator::builder()
        .reject_stream_options_with(422, refusal.clone())
        .start()
        .await;
    let mut body = chat_body(true);
    body["stream_options"] = json!({"include_usage": true});
    let response = post_chat(&sim, &body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.text().await.unwrap(), refusal);
    assert_eq!(post_chat(&sim, &chat_body(true)).await.status(), 200);
}

#[tokio::test]
async fn any_prefix_before_chat_completions_is_chat() {
    let sim = Simulator::start().await;
    let url = sim.url("/openai/deployments/gpt/chat/completions?api-version=2024-10-21");
    let response = client()
        .post(url)
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let models = client()
        .get(sim.url("/api/v1/models"))
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200);
}

#[tokio::test]
async fn unknown_paths_get_an_openai_shaped_404() {
    let sim = Simulator::start().await;
    let response = client()
        .post(sim.url("/v1/completions"))
        .json(&chat_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    insta::assert_snapshot!(response.text().await.unwrap());
    let wrong_method = client()
        .get(sim.url("/v1/chat/completions"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), 404);
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_400() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("kept"));
    let response = client()
        .post(format!("{}/chat/completions", sim.base_url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(sim.pending_replies(), 1);
}
