//! The usage-recorder hook against the testkit simulator: called exactly once per
//! request, whatever way the request ends, with what it used and cost — and never
//! with the key, the prompt or the answer.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use oac::{
    API_CHAT, Client, ClientBuilder, ErrorKind, ModelInfo, Outcome, RecordedCost, RequestRecord,
    StreamEvent, parse_price,
};
use oac_testkit::{Fault, Reply, Simulator, bodies};

const MODEL: &str = "sim-model";
const KEY: &str = "sk-recorder-test-0123456789abcdef";

/// What a recorder was told, shared with the test.
#[derive(Clone, Default)]
struct Records(Arc<Mutex<Vec<RequestRecord>>>);

impl Records {
    fn all(&self) -> Vec<RequestRecord> {
        self.0.lock().unwrap().clone()
    }

    /// The one record so far (fails when there are more or none).
    fn only(&self) -> RequestRecord {
        let all = self.all();
        assert_eq!(all.len(), 1, "{all:#?}");
        all.into_iter().next().unwrap()
    }
}

fn builder(sim: &Simulator, records: &Records) -> ClientBuilder {
    let mut info = ModelInfo::compatible_default();
    info.context_window = 1_000_000;
    info.prices.input_price = Some(parse_price("0.15").unwrap());
    info.prices.output_price = Some(parse_price("0.60").unwrap());
    let store = records.clone();
    Client::builder()
        .profile(|p| p.name("work"))
        .base_url(sim.base_url())
        .api_key(KEY)
        .model(MODEL)
        .profile(|p| p.model_info(info).max_retries(0))
        .usage_recorder(move |record: &RequestRecord| store.0.lock().unwrap().push(record.clone()))
}

fn client(sim: &Simulator, records: &Records) -> Client {
    builder(sim, records).build().unwrap()
}

#[tokio::test]
async fn a_complete_reply_is_recorded_once_with_its_exact_cost() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("The answer is 42.")
            .usage_tokens(1000, 500)
            .model("sim-model-2026-01")
            .header("x-request-id", "req_send_1"),
    );
    let records = Records::default();
    let client = client(&sim, &records);
    let before = SystemTime::now();
    client
        .chat()
        .user("What is the answer?")
        .send()
        .await
        .unwrap();
    let record = records.only();
    // To the millisecond: the record reads back from its line equal to itself.
    assert!(record.time + Duration::from_millis(1) > before && record.time <= SystemTime::now());
    assert_eq!(record.api, API_CHAT);
    assert!(!record.streamed);
    assert_eq!(record.profile.as_deref(), Some("work"));
    let port = sim
        .base_url()
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(record.host, format!("127.0.0.1:{port}"));
    assert_eq!(record.model, MODEL);
    assert_eq!(record.served_model.as_deref(), Some("sim-model-2026-01"));
    assert_eq!(record.outcome, Outcome::Ok);
    assert_eq!(record.request_id.as_deref(), Some("req_send_1"));
    assert_eq!(record.usage.as_ref().unwrap().input_total, 1000);
    assert_eq!(record.usage.as_ref().unwrap().output_total, 500);
    // 1000 × 0.15 / 1M + 500 × 0.60 / 1M, exactly.
    assert_eq!(
        record.cost,
        RecordedCost::Known(parse_price("0.00045").unwrap())
    );
    assert_line_is_clean(&record, &["What is the answer?", "The answer is 42."]);
}

#[tokio::test]
async fn a_stream_read_to_its_end_is_recorded_once_when_it_ends() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("Streamed words.")
            .text_chunk_chars(3)
            .usage_tokens(200, 20)
            .header("x-request-id", "req_stream_1"),
    );
    let records = Records::default();
    let client = client(&sim, &records);
    let mut stream = client.chat().user("Stream it").stream().await.unwrap();
    let mut usage_seen = false;
    while let Some(event) = stream.next().await {
        if let StreamEvent::Usage(_) = event.unwrap() {
            usage_seen = true;
            assert!(records.all().is_empty(), "recorded before the stream ended");
        }
    }
    assert!(usage_seen);
    let record = records.only();
    assert!(record.streamed);
    assert_eq!(record.outcome, Outcome::Ok);
    assert_eq!(
        record.served_model, None,
        "the server named the model as sent"
    );
    assert_eq!(record.request_id.as_deref(), Some("req_stream_1"));
    assert_eq!(record.usage.as_ref().unwrap().input_total, 200);
    assert_eq!(record.cost.known().unwrap().to_string(), "0.000042");
    assert!(stream.next().await.is_none());
    drop(stream);
    assert_eq!(
        records.all().len(),
        1,
        "dropping an ended stream records again"
    );
    assert_line_is_clean(&record, &["Stream it", "Streamed words."]);
}

#[tokio::test]
async fn a_collected_stream_is_recorded_once() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Collected.").usage_tokens(10, 2));
    let records = Records::default();
    let client = client(&sim, &records);
    let stream = client.chat().user("Hi").stream().await.unwrap();
    stream.collect_response().await.unwrap();
    let record = records.only();
    assert_eq!((record.streamed, &record.outcome), (true, &Outcome::Ok));
    assert_eq!(record.usage.unwrap().input_total, 10);
}

#[tokio::test]
async fn a_refused_request_is_recorded_once_as_an_error() {
    let sim = Simulator::start().await;
    let body = bodies::openai_error(
        "Incorrect API key provided",
        "invalid_request_error",
        "invalid_api_key",
    );
    sim.push(Reply::error(401, body.clone()).header("x-request-id", "req_refused"));
    sim.push(Reply::error(401, body));
    let records = Records::default();
    let client = client(&sim, &records);
    let error = client.chat().user("Hi").send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    let error = client.chat().user("Hi").stream().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidApiKey);
    let all = records.all();
    assert_eq!(all.len(), 2, "{all:#?}");
    for (record, streamed) in all.iter().zip([false, true]) {
        assert_eq!(record.streamed, streamed);
        assert_eq!(record.outcome, Outcome::Error("invalid_api_key".into()));
        assert_eq!(record.usage, None);
        assert_eq!(
            record.cost,
            RecordedCost::Unknown {
                reason: Some("usage not reported".into())
            },
            "unknown, never $0"
        );
        assert_line_is_clean(record, &["Incorrect API key"]);
    }
    assert_eq!(all[0].request_id.as_deref(), Some("req_refused"));
}

#[tokio::test]
async fn a_stream_that_fails_midway_is_recorded_once_as_an_error() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("cut short by the server")
            .text_chunk_chars(2)
            .with_fault(Fault::CutAfterEvents(3)),
    );
    let records = Records::default();
    let client = client(&sim, &records);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    let mut failed = false;
    while let Some(event) = stream.next().await {
        failed |= event.is_err();
    }
    assert!(failed);
    drop(stream);
    let record = records.only();
    assert_eq!(record.outcome, Outcome::Error("stream_ended_early".into()));
    assert_eq!(record.usage, None);
}

#[tokio::test]
async fn a_stream_dropped_early_is_recorded_once_as_cut() {
    let sim = Simulator::start().await;
    sim.push(Reply::endless_sse(
        "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"more \"}}]}\n\n",
    ));
    let records = Records::default();
    let client = client(&sim, &records);
    let mut stream = client.chat().user("Go on forever").stream().await.unwrap();
    for _ in 0..3 {
        stream.next().await.unwrap().unwrap();
    }
    assert!(records.all().is_empty());
    drop(stream);
    let record = records.only();
    assert_eq!(record.outcome, Outcome::Cut);
    assert!(record.streamed);
    assert_eq!(record.usage, None);
    assert_eq!(record.cost.known(), None);
    assert_line_is_clean(&record, &["Go on forever", "more"]);
}

#[tokio::test]
async fn a_stream_dropped_after_the_model_finished_is_not_a_cut() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Done.").usage_tokens(7, 1));
    let records = Records::default();
    let client = client(&sim, &records);
    let mut stream = client.chat().user("Hi").stream().await.unwrap();
    while let Some(event) = stream.next().await {
        if let StreamEvent::Usage(_) = event.unwrap() {
            break; // the caller has what it wanted and stops reading
        }
    }
    drop(stream);
    let record = records.only();
    assert_eq!(record.outcome, Outcome::Ok);
    assert_eq!(record.usage.unwrap().input_total, 7);
}

#[tokio::test]
async fn a_request_whose_future_is_dropped_is_recorded_once_as_cut() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("too late").first_byte_delay(Duration::from_secs(5)));
    let records = Records::default();
    let client = client(&sim, &records);
    let send = client.chat().user("Hi").send();
    assert!(
        tokio::time::timeout(Duration::from_millis(200), send)
            .await
            .is_err()
    );
    let record = records.only();
    assert_eq!((record.streamed, record.outcome), (false, Outcome::Cut));
}

#[tokio::test]
async fn clones_and_new_trackers_share_the_recorder() {
    let sim = Simulator::start().await;
    let records = Records::default();
    let client = client(&sim, &records);
    let clone = client.clone();
    let fresh = client.with_new_tracker();
    client.chat().user("1").send().await.unwrap();
    clone.chat().user("2").send().await.unwrap();
    fresh
        .chat()
        .user("3")
        .stream()
        .await
        .unwrap()
        .collect_response()
        .await
        .unwrap();
    assert_eq!(records.all().len(), 3);
}

#[tokio::test]
async fn a_recorder_set_on_a_built_client_replaces_none_and_unpriced_costs_say_why() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("x").usage_tokens(3, 1));
    let records = Records::default();
    let store = records.clone();
    let client = Client::builder()
        .base_url(sim.base_url())
        .model(MODEL)
        .build()
        .unwrap()
        .with_usage_recorder(move |record: &RequestRecord| {
            store.0.lock().unwrap().push(record.clone())
        });
    client.chat().user("Hi").send().await.unwrap();
    let record = records.only();
    assert_eq!(record.profile, None);
    assert_eq!(
        record.cost,
        RecordedCost::Unknown {
            reason: Some("input_price and output_price are not set".into())
        }
    );
}

#[tokio::test]
async fn a_key_in_the_url_never_reaches_the_record() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("x")
            .usage_tokens(3, 1)
            .header("x-request-id", KEY),
    );
    let records = Records::default();
    let client = builder(&sim, &records)
        .profile(|p| p.query_param("api_key", KEY).header("X-Custom-Auth", KEY))
        .build()
        .unwrap();
    client.chat().user("Hi").send().await.unwrap();
    let record = records.only();
    assert_eq!(
        record.request_id.as_deref(),
        Some("***"),
        "a server echoing the key"
    );
    assert_line_is_clean(&record, &[]);
}

/// The ledger line of `record` holds neither the key nor any of `texts`.
fn assert_line_is_clean(record: &RequestRecord, texts: &[&str]) {
    let line = record.to_json_line();
    assert!(!line.contains(KEY), "{line}");
    assert!(!line.contains("sk-recorder"), "{line}");
    for text in texts {
        assert!(!line.contains(text), "{text:?} in {line}");
    }
    assert_eq!(&RequestRecord::from_json_line(&line).unwrap(), record);
}
