//! Terminal control characters from a hostile provider never reach the terminal:
//! the answer loses them (but for newlines and tabs) unless `--raw`, every other
//! string from the network shows them escaped, and `--json` escapes them as JSON.
// Test code: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Reply, Simulator};
use serde_json::json;
use support::{Env, Ran};

/// Clipboard write (OSC 52), screen clear, bell, a C1 CSI and DEL.
const HOSTILE: &str = "\x1b]52;c;aGFja2Vk\x07\x1b[2J\u{9b}31m\x7f";

/// A control a terminal acts on: C0 but newline and tab, DEL, C1.
fn has_unsafe(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
}

fn assert_clean(ran: &Ran) {
    assert!(!has_unsafe(&ran.stdout), "stdout: {:?}", ran.stdout);
    assert!(!has_unsafe(&ran.stderr), "stderr: {:?}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_and_reasoning_lose_controls_but_keep_lines_and_tabs() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    for flags in [&[][..], &["--no-stream"]] {
        sim.push(
            Reply::text(format!("one{HOSTILE}\n\ttwo\r\n"))
                .reasoning_content(format!("think{HOSTILE}"))
                .usage_tokens(3, 4),
        );
        let mut args = vec!["chat"];
        args.extend_from_slice(flags);
        args.push("hi");
        let ran = env.run(&args).await;
        assert_eq!(ran.code, 0, "{}", ran.shown());
        assert_clean(&ran);
        assert_eq!(ran.stdout, "one]52;c;aGFja2Vk[2J31m\n\ttwo\n", "{flags:?}");
        assert!(
            ran.stderr
                .starts_with("reasoning: think]52;c;aGFja2Vk[2J31m\n"),
            "{}",
            ran.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_prints_the_answer_as_received() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    sim.push(Reply::text(format!("one{HOSTILE}\n")).usage_tokens(3, 4));
    let ran = env.run(&["chat", "--raw", "hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.stdout, format!("one{HOSTILE}\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_messages_and_plain_bodies_show_controls_escaped() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    sim.push(Reply::error(
        400,
        json!({"error": {"message": format!("bad request{HOSTILE}"), "type": "invalid_request_error"}})
            .to_string(),
    ));
    let ran = env.run(&["chat", "hi"]).await;
    assert_ne!(ran.code, 0, "{}", ran.shown());
    assert_clean(&ran);
    assert!(
        ran.stderr
            .contains("bad request\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\u{9b}31m\\x7f"),
        "{}",
        ran.stderr
    );

    // Retried twice, then reported.
    sim.push_n(
        Reply::error(502, format!("<html>gateway{HOSTILE}</html>")),
        3,
    );
    let ran = env.run(&["chat", "--no-stream", "hi"]).await;
    assert_eq!(ran.code, 7, "{}", ran.shown());
    assert_clean(&ran);
    assert!(ran.stderr.contains("gateway\\x1b]52"), "{}", ran.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_ids_and_tool_calls_show_controls_escaped() {
    let sim = Simulator::builder()
        .models([format!("evil{HOSTILE}"), "good".to_owned()])
        .start()
        .await;
    let env = Env::new().sim(&sim);
    let ran = env.run(&["models"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_clean(&ran);
    assert!(ran.stdout.contains("evil\\x1b]52"), "{}", ran.stdout);

    sim.push(
        Reply::new()
            .tool_call("call_1", format!("run{HOSTILE}"), r#"{"a":"\u001b[2J"}"#)
            .finish_reason("tool_calls"),
    );
    let ran = env.run(&["chat", "hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_clean(&ran);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_escapes_every_control() {
    let sim = Simulator::start().await;
    let env = Env::new().sim(&sim);
    sim.push(
        Reply::text(format!("one{HOSTILE}"))
            .reasoning_content(format!("think{HOSTILE}"))
            .usage_tokens(3, 4),
    );
    let ran = env.run(&["--json", "chat", "hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        !ran.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{:?}",
        ran.stdout
    );
    let text: String = ran
        .json_lines()
        .iter()
        .filter(|line| line["type"] == "text")
        .map(|line| line["text"].as_str().unwrap().to_owned())
        .collect();
    // JSON keeps the exact text, escaped.
    assert_eq!(text, format!("one{HOSTILE}"));
}
