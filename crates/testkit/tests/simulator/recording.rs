//! Every request is recorded exactly as sent.

use std::time::Duration;

use oac_testkit::Simulator;
use serde_json::json;

use crate::support::{chat_body, client, post_chat};

#[tokio::test]
async fn chat_request_is_recorded_exactly() {
    let sim = Simulator::start().await;
    let body =
        json!({"model": "m", "messages": [{"role": "user", "content": "Hi"}], "temperature": 0.5});
    client()
        .post(sim.url("/openai/deployments/d/chat/completions?api-version=2024-10-21&x=a+b"))
        .header("X-Custom", "Value")
        .header("api-key", "k")
        .json(&body)
        .send()
        .await
        .unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/openai/deployments/d/chat/completions");
    assert_eq!(
        request.query.as_deref(),
        Some("api-version=2024-10-21&x=a+b")
    );
    assert_eq!(
        request.query_pairs(),
        [
            ("api-version".to_owned(), "2024-10-21".to_owned()),
            ("x".to_owned(), "a b".to_owned())
        ]
    );
    assert_eq!(request.header("x-custom"), Some("Value"));
    assert!(
        request.headers.iter().any(|(name, _)| name == "x-custom"),
        "names are lower case"
    );
    assert_eq!(request.header("API-KEY"), Some("k"));
    assert_eq!(request.body.as_ref(), Some(&body));
    assert_eq!(request.raw_body, serde_json::to_vec(&body).unwrap());
    assert_eq!(request.body_at("/temperature"), Some(&json!(0.5)));
    assert!(!request.wants_stream());
}

#[tokio::test]
async fn refused_and_unknown_requests_are_recorded_too() {
    let sim = Simulator::builder().api_key("k").start().await;
    post_chat(&sim, &chat_body(false)).await;
    client().get(sim.url("/nowhere?q=1")).send().await.unwrap();
    let requests = sim.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].path, "/nowhere");
    assert_eq!(requests[1].body, None);
    assert!(requests[1].raw_body.is_empty());
}

#[tokio::test]
async fn non_json_bodies_keep_their_bytes() {
    let sim = Simulator::start().await;
    client()
        .post(sim.url("/v1/chat/completions"))
        .body("not json")
        .send()
        .await
        .unwrap();
    let request = sim.last_request().unwrap();
    assert_eq!(request.body, None);
    assert_eq!(request.body_text(), "not json");
}

#[tokio::test]
async fn requests_to_filters_by_path_suffix_and_count_sees_all() {
    let sim = Simulator::start().await;
    post_chat(&sim, &chat_body(false)).await;
    client()
        .get(format!("{}/models", sim.base_url()))
        .send()
        .await
        .unwrap();
    post_chat(&sim, &chat_body(true))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(sim.request_count(), 3);
    let chats = sim.requests_to("/chat/completions");
    assert_eq!(chats.len(), 2);
    assert!(chats[1].wants_stream());
    assert_eq!(sim.requests_to("/models").len(), 1);
}

#[tokio::test]
async fn clear_requests_forgets_them() {
    let sim = Simulator::start().await;
    post_chat(&sim, &chat_body(false)).await;
    sim.clear_requests();
    assert_eq!(sim.request_count(), 0);
    assert!(sim.requests().is_empty());
    post_chat(&sim, &chat_body(false)).await;
    assert_eq!(sim.request_count(), 1);
}

#[tokio::test]
async fn wait_for_requests_sees_a_request_in_flight() {
    let sim = Simulator::start().await;
    sim.push(oac_testkit::Reply::text("x").first_byte_delay(Duration::from_millis(50)));
    let url = format!("{}/chat/completions", sim.base_url());
    let pending = tokio::spawn(async move {
        client()
            .post(url)
            .json(&chat_body(false))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(sim.wait_for_requests(1, Duration::from_secs(2)).await);
    assert!(!sim.wait_for_requests(2, Duration::from_millis(20)).await);
    assert_eq!(pending.await.unwrap(), 200);
}
