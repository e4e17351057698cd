//! `Conversation` over the simulator: history sent back on each turn, usage and
//! exact cost per reply and in total, replies cut short kept (interrupted, failed
//! mid-stream, failed before any answer), the context budget and its policy, and
//! the JSON form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use oac::{
    AssistantReply, Client, ContentPart, Conversation, ConversationError, Cut, Entry, FitPolicy,
    FormatError, ModelInfoOverrides, ModelPrices, Outcome, RecordedCost, RequestRecord,
    StreamEvent, parse_price,
};
use oac_testkit::{Fault, Reply, Simulator};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

fn priced_client(sim: &Simulator) -> Client {
    let mut info = ModelInfoOverrides::default();
    info.prices = ModelPrices::new()
        .with_input_price(parse_price("0.15").unwrap())
        .with_output_price(parse_price("0.60").unwrap());
    Client::builder()
        .base_url(sim.base_url())
        .model("sim-model")
        .profile(|p| p.model_info_overrides(info).max_retries(0))
        .build()
        .unwrap()
}

fn sent_messages(sim: &Simulator, n: usize) -> Value {
    let body = sim.chat_requests()[n].body.clone().unwrap();
    body["messages"].clone()
}

#[tokio::test]
async fn each_turn_sends_the_history_and_records_usage_and_cost() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Paris.").usage_tokens(20, 2));
    sim.push(Reply::text("About 2.1 million.").usage_tokens(30, 6));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client).with_system("Be brief.");

    conversation.push_user("Capital of France?");
    let reply = conversation.send(&client).await.unwrap();
    assert_eq!(reply.text, "Paris.");
    assert_eq!(
        reply.cost,
        RecordedCost::Known(parse_price("0.0000042").unwrap())
    );

    conversation.push_user("Its population?");
    let mut turn = conversation.stream(&client).await.unwrap();
    let mut text = String::new();
    while let Some(event) = turn.next().await {
        if let StreamEvent::TextDelta(delta) = event.unwrap() {
            text.push_str(&delta);
        }
    }
    drop(turn);
    assert_eq!(text, "About 2.1 million.");

    assert_eq!(
        sent_messages(&sim, 1),
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "Its population?"},
        ])
    );
    let last = conversation.last_reply().unwrap();
    assert_eq!(last.cut, None);
    assert_eq!(last.usage.as_ref().unwrap().output_total, 6);
    let total = conversation.total();
    assert_eq!(total.replies, 2);
    assert_eq!(total.usage.input_total, 50);
    assert_eq!(total.usage.output_total, 8);
    // 50 × 0.15 + 8 × 0.60 per million, exactly.
    assert_eq!(total.known_cost, parse_price("0.0000123").unwrap());
    assert!(total.is_complete());
}

#[tokio::test]
async fn an_interrupted_stream_is_kept_cut_and_its_connection_closed() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("one two three four five six")
            .text_chunk_chars(4)
            .delay(Duration::from_millis(50)),
    );
    sim.push(Reply::text("Five, six.").usage_tokens(40, 3));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("Count.");

    let mut turn = conversation.stream(&client).await.unwrap();
    loop {
        if let StreamEvent::TextDelta(_) = turn.next().await.unwrap().unwrap() {
            break;
        }
    }
    let reply = turn.interrupt();
    assert_eq!(reply.text, "one ");
    assert_eq!(reply.cut, Some(Cut::Interrupted));
    assert_eq!(reply.usage, None);
    assert_eq!(
        reply.cost,
        RecordedCost::Unknown {
            reason: Some("usage not reported".into())
        }
    );
    for _ in 0..500 {
        if sim.disconnects() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        sim.disconnects(),
        1,
        "the interrupted stream closes its connection"
    );

    // The next turn sends the partial answer back, as an assistant message.
    conversation.push_user("Go on.");
    conversation.send(&client).await.unwrap();
    assert_eq!(
        sent_messages(&sim, 1),
        json!([
            {"role": "user", "content": "Count."},
            {"role": "assistant", "content": "one "},
            {"role": "user", "content": "Go on."},
        ])
    );
    let total = conversation.total();
    assert_eq!((total.replies, total.unreported_replies), (2, 1));
    assert!(!total.is_complete());
}

#[tokio::test]
async fn dropping_the_turn_stream_records_the_reply_as_cut() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("partial answer").text_chunk_chars(8));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("Hi");
    {
        let mut turn = conversation.stream(&client).await.unwrap();
        while let Some(event) = turn.next().await {
            if matches!(event.unwrap(), StreamEvent::TextDelta(_)) {
                break;
            }
        }
        // Dropped here, as a cancelled `select!` branch's owner would.
    }
    let reply = conversation.last_reply().unwrap();
    assert_eq!(reply.text, "partial ");
    assert_eq!(reply.cut, Some(Cut::Interrupted));
}

#[tokio::test]
async fn a_stream_that_fails_midway_keeps_what_arrived() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("the beginning of a long answer")
            .text_chunk_chars(4)
            .with_fault(Fault::CutAfterEvents(3)),
    );
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("Tell me.");
    let turn = conversation.stream(&client).await.unwrap();
    let error = turn.collect().await.unwrap_err();
    let reply = conversation.last_reply().unwrap();
    assert!(!reply.text.is_empty(), "{reply:?}");
    assert!("the beginning of a long answer".starts_with(&reply.text));
    match &reply.cut {
        Some(Cut::Failed { kind, message }) => {
            assert_eq!(kind, error.kind().as_str());
            assert_eq!(message, &error.to_string());
        }
        other => panic!("not a failed cut: {other:?}"),
    }
}

#[tokio::test]
async fn a_request_refused_before_any_answer_is_recorded_and_not_sent_back() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        429,
        r#"{"error":{"message":"slow down","type":"rate_limit_exceeded"}}"#,
    ));
    sim.push(Reply::text("Now it works."));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("First try");
    let error = conversation.send(&client).await.unwrap_err();
    assert!(matches!(error, ConversationError::Request(_)), "{error}");
    let reply = conversation.last_reply().unwrap();
    assert!(matches!(&reply.cut, Some(Cut::Failed { kind, .. }) if kind == "rate_limited"));
    assert_eq!(reply.text, "");

    // Nothing to answer now: the history ends with a (cut) reply.
    assert!(matches!(
        conversation.send(&client).await,
        Err(ConversationError::NothingToSend)
    ));
    conversation.push_user("Second try");
    conversation.send(&client).await.unwrap();
    assert_eq!(
        sent_messages(&sim, 1),
        json!([
            {"role": "user", "content": "First try"},
            {"role": "user", "content": "Second try"},
        ])
    );
}

#[tokio::test]
async fn every_turn_reaches_the_usage_recorder_once() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("a").usage_tokens(5, 1));
    sim.push(Reply::text("b c d e").text_chunk_chars(2));
    let records: Arc<Mutex<Vec<RequestRecord>>> = Arc::default();
    let store = Arc::clone(&records);
    let client = priced_client(&sim)
        .with_usage_recorder(move |r: &RequestRecord| store.lock().unwrap().push(r.clone()));
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("one");
    conversation.send(&client).await.unwrap();
    conversation.push_user("two");
    let mut turn = conversation.stream(&client).await.unwrap();
    turn.next().await;
    turn.next().await;
    turn.interrupt();
    let outcomes: Vec<Outcome> = records
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.outcome.clone())
        .collect();
    assert_eq!(outcomes, [Outcome::Ok, Outcome::Cut]);
}

fn small_window_client(sim: &Simulator, window: u32) -> Client {
    let mut info = ModelInfoOverrides::default();
    info.context_window = Some(window);
    info.max_output_tokens = Some(100);
    Client::builder()
        .base_url(sim.base_url())
        .model("local-model")
        .profile(|p| p.model_info_overrides(info).discover_model_info(false))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_history_too_long_is_refused_or_trimmed_by_the_policy() {
    let sim = Simulator::start().await;
    let client = small_window_client(&sim, 1_000);
    let mut conversation = Conversation::for_client(&client).with_system("system");
    for turn in 0..4 {
        conversation.push_user(format!("question {turn} {}", "word ".repeat(300)));
        conversation.push_reply(AssistantReply::new(client.model(), "answer"));
    }
    conversation.push_user("the last question");

    let error = conversation.fit(&client, FitPolicy::Refuse).unwrap_err();
    let ConversationError::TooLong {
        budget,
        last_turn_alone,
    } = &error
    else {
        panic!("{error}");
    };
    assert!(!budget.fits() && !last_turn_alone);
    assert!(
        error.to_string().contains("1000-token context window"),
        "{error}"
    );
    assert_eq!(conversation.context_start(), 0, "refusing changes nothing");

    let fit = conversation
        .fit(&client, FitPolicy::DropOldestTurns)
        .unwrap();
    assert!(fit.budget.fits());
    assert!(fit.dropped_turns >= 2, "{fit:?}");
    assert_eq!(conversation.entries().len(), 9, "turns left out are kept");
    assert!(matches!(conversation.context_entries()[0], Entry::User(_)));
    let sent = conversation.messages();
    assert_eq!(
        sent[0],
        oac::Message::system("system"),
        "the system prompt stays"
    );

    // Even the last turn alone too long: typed, and nothing changes.
    let start = conversation.context_start();
    conversation.push_reply(AssistantReply::new(client.model(), "ok"));
    conversation.push_user("huge ".repeat(2_000));
    let error = conversation
        .fit(&client, FitPolicy::DropOldestTurns)
        .unwrap_err();
    assert!(
        matches!(
            error,
            ConversationError::TooLong {
                last_turn_alone: true,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(conversation.context_start(), start);
}

#[tokio::test]
async fn clearing_the_context_keeps_the_history_and_the_total() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("first").usage_tokens(10, 1));
    sim.push(Reply::text("second").usage_tokens(3, 1));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client).with_system("sys");
    conversation.push_user("a");
    conversation.send(&client).await.unwrap();
    conversation.clear_context();
    conversation.push_user("b");
    conversation.send(&client).await.unwrap();
    assert_eq!(
        sent_messages(&sim, 1),
        json!([{"role": "system", "content": "sys"}, {"role": "user", "content": "b"}])
    );
    assert_eq!(conversation.total().usage.input_total, 13);
    assert_eq!(conversation.entries().len(), 4);
}

#[tokio::test]
async fn the_json_form_round_trips_and_is_stable() {
    let sim = Simulator::start().await;
    sim.push(
        Reply::text("A cat.")
            .reasoning_content("It looks like a cat.")
            .usage_tokens(800, 4),
    );
    sim.push(Reply::text("").tool_call("call_1", "lookup", r#"{"q":"cats"}"#));
    let client = priced_client(&sim);
    let mut conversation = Conversation::for_client(&client).with_system("Describe images.");
    conversation.push_user(vec![
        ContentPart::text("What is this?"),
        ContentPart::image_bytes("image/png", vec![0x89, b'P', b'N', b'G']),
        ContentPart::image_url("https://example.com/cat.jpg"),
    ]);
    conversation.send(&client).await.unwrap();
    conversation.push_user("Look it up.");
    conversation.send(&client).await.unwrap();
    conversation.push_tool_result("call_1", "cats are mammals");

    let json = conversation.to_json();
    assert!(!json.contains('\n'));
    let back = Conversation::from_json(&json).unwrap();
    // Image bytes come back as the data: URL they are sent as.
    assert_eq!(back.messages().len(), conversation.messages().len());
    assert!(back.request().has_images());
    assert_eq!(Conversation::from_json(&back.to_json()).unwrap(), back);
    assert_eq!(back.total(), conversation.total());
    let via_serde: Conversation =
        serde_json::from_str(&serde_json::to_string(&back).unwrap()).unwrap();
    assert_eq!(via_serde, back);

    insta::assert_snapshot!("conversation_v1", back.to_json_pretty());
}

#[test]
fn damaged_and_foreign_files_are_typed_errors() {
    assert!(matches!(
        Conversation::from_json("{\"format\":"),
        Err(FormatError::Json(_))
    ));
    assert!(matches!(
        Conversation::from_json("[1,2]"),
        Err(FormatError::NotAConversation)
    ));
    assert!(matches!(
        Conversation::from_json(r#"{"format":"oac-conversation","v":2}"#),
        Err(FormatError::Version { found: 2 })
    ));
    let past = r#"{"format":"oac-conversation","v":1,"model":"m","system":null,"context_start":3,"entries":[]}"#;
    let error = Conversation::from_json(past).unwrap_err();
    assert!(error.to_string().contains("context_start"), "{error}");
    let bad_cost = r#"{"format":"oac-conversation","v":1,"model":"m","system":null,"context_start":0,
        "entries":[{"role":"assistant","text":"","model":"m","cost":"lots"}]}"#;
    assert!(matches!(
        Conversation::from_json(bad_cost),
        Err(FormatError::Invalid { field: "cost", .. })
    ));
}

#[tokio::test]
async fn the_output_an_edit_reserves_counts_against_the_window() {
    let sim = Simulator::start().await;
    let client = small_window_client(&sim, 1_000);
    let mut conversation = Conversation::for_client(&client);
    conversation.push_user("word ".repeat(400));
    assert!(conversation.fit(&client, FitPolicy::Refuse).is_ok());
    let error = conversation
        .fit_with(&client, FitPolicy::Refuse, &|r| r.max_tokens(900))
        .unwrap_err();
    let ConversationError::TooLong { budget, .. } = error else {
        panic!("{error}");
    };
    assert_eq!(budget.reserved_output, 900);
}
