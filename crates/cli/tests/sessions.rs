//! `oac chat --session NAME` / `--continue` without a terminal: each run is one
//! more turn of the session (the history is sent, the file updated atomically),
//! and every way a session cannot be used is a clear error that changes nothing.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Reply, Simulator};
use serde_json::{Value, json};

use support::{Env, priced_config};

fn session_env(sim: &Simulator) -> Env {
    let env = Env::new();
    let sessions = env.path("sessions");
    let ledger = env.path("ledger.jsonl");
    env.config(&priced_config(sim))
        .var("OAC_SESSIONS", sessions.to_str().unwrap())
        .var("OAC_LEDGER", ledger.to_str().unwrap())
}

fn saved(env: &Env, name: &str) -> Value {
    let text = std::fs::read_to_string(env.path(&format!("sessions/{name}.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn each_run_is_one_more_turn_and_continue_picks_the_last_session() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Paris.").usage_tokens(20, 2));
    sim.push(Reply::text("About 2.1 million.").usage_tokens(30, 6));
    let env = session_env(&sim);

    let first = env
        .run(&[
            "chat",
            "--session",
            "trip",
            "--system",
            "Be brief.",
            "Capital of France?",
        ])
        .await;
    assert_eq!(first.code, 0, "{}", first.shown());
    assert_eq!(first.stdout, "Paris.\n");
    let second = env
        .run_with_stdin(&["chat", "--continue"], Some("Its population?"))
        .await;
    assert_eq!(second.code, 0, "{}", second.shown());
    assert_eq!(second.stdout, "About 2.1 million.\n");

    let sent = sim.chat_requests()[1].body.clone().unwrap();
    assert_eq!(
        sent["messages"],
        json!([
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Capital of France?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "Its population?"},
        ])
    );
    let session = saved(&env, "trip");
    assert_eq!(session["format"], "oac-conversation");
    assert_eq!(session["entries"].as_array().unwrap().len(), 4);
    assert_eq!(session["entries"][3]["cost"], "0.0000081");
    assert_eq!(
        std::fs::read_to_string(env.path("sessions/last")).unwrap(),
        "trip\n"
    );
    let names: Vec<String> = std::fs::read_dir(env.path("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
}

#[tokio::test]
async fn the_session_keeps_its_model_unless_model_is_given() {
    let sim = Simulator::start().await;
    let env = session_env(&sim);
    let first = env
        .run(&["chat", "--model", "sim-large", "--session", "m", "one"])
        .await;
    assert_eq!(first.code, 0, "{}", first.shown());
    env.run(&["chat", "--session", "m", "two"]).await;
    env.run(&["chat", "--session", "m", "--model", "sim-small", "three"])
        .await;
    let models: Vec<String> = sim
        .chat_requests()
        .iter()
        .map(|r| {
            r.body.as_ref().unwrap()["model"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(models, ["sim-large", "sim-large", "sim-small"]);
    assert_eq!(saved(&env, "m")["model"], "sim-small");
}

#[tokio::test]
async fn a_damaged_session_is_named_and_never_overwritten() {
    let sim = Simulator::start().await;
    let env = session_env(&sim);
    std::fs::create_dir_all(env.path("sessions")).unwrap();
    std::fs::write(
        env.path("sessions/work.json"),
        "{\"format\":\"oac-conversation\",\"v\":1,",
    )
    .unwrap();
    let ran = env.run(&["chat", "--session", "work", "hello"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains("[HOME]/sessions/work.json"),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("move it away"), "{}", ran.stderr);
    assert_eq!(
        std::fs::read_to_string(env.path("sessions/work.json")).unwrap(),
        "{\"format\":\"oac-conversation\",\"v\":1,"
    );
    assert_eq!(sim.chat_request_count(), 0, "nothing is sent");

    let json = env
        .run(&["chat", "--json", "--session", "work", "hello"])
        .await;
    assert_eq!(json.json_lines()[0]["kind"], "session");
}

#[tokio::test]
async fn bad_names_an_empty_continue_and_interactive_json_are_refused() {
    let sim = Simulator::start().await;
    let env = session_env(&sim);
    for name in ["../escape", ".hidden", "a/b", ""] {
        let ran = env.run(&["chat", "--session", name, "hello"]).await;
        assert_eq!(ran.code, 2, "{name}: {}", ran.shown());
        assert!(
            ran.stderr.contains("cannot be a session name"),
            "{}",
            ran.stderr
        );
    }
    let ran = env.run(&["chat", "--continue", "hello"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains("no session to continue"),
        "{}",
        ran.stderr
    );
    let ran = env.run(&["chat", "-i", "--json"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr.contains("--json is for one-shot chat"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.chat_request_count(), 0);
    assert!(!env.path("sessions").exists(), "nothing was written");
}

#[tokio::test]
async fn a_failed_turn_is_kept_in_the_session_marked_as_cut() {
    let sim = Simulator::start().await;
    sim.push(Reply::error(
        401,
        r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#,
    ));
    let env = session_env(&sim);
    let ran = env.run(&["chat", "--session", "s", "hello"]).await;
    assert_eq!(ran.code, 3, "{}", ran.shown());
    let session = saved(&env, "s");
    assert_eq!(session["entries"][1]["cut"]["reason"], "failed");
    assert_eq!(session["entries"][1]["cut"]["error"], "invalid_api_key");
    assert!(!session.to_string().contains("sk-"), "no key in the file");
}
