//! A broken usage object from the provider is repaired visibly: a warning in human
//! output, `usage_repaired` in `--json`, and a cost from repaired counts shown as an
//! estimate, never as a definite figure.
// Test code: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use oac_testkit::{Reply, Simulator};
use serde_json::json;
use support::{Env, priced_config};

fn broken_usages() -> Vec<serde_json::Value> {
    vec![
        json!({"prompt_tokens": -5, "completion_tokens": 7}),
        json!({"prompt_tokens": 1e20, "completion_tokens": 7}),
        json!({"prompt_tokens": 10, "completion_tokens": 7,
               "prompt_tokens_details": {"cached_tokens": 50}}),
        json!({"prompt_tokens": "12", "completion_tokens": 7}),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repaired_usage_is_warned_about_and_its_cost_is_an_estimate() {
    let sim = Simulator::start().await;
    let env = Env::new().config(&priced_config(&sim));
    for usage in broken_usages() {
        for flags in [&[][..], &["--no-stream"]] {
            sim.push(Reply::text("hi").usage(usage.clone()));
            let mut args = vec!["chat"];
            args.extend_from_slice(flags);
            args.push("hi");
            let ran = env.run(&args).await;
            assert_eq!(ran.code, 0, "{usage} {flags:?}: {}", ran.shown());
            assert!(
                ran.stderr
                    .contains("warning: the provider's usage was repaired (usage "),
                "{usage} {flags:?}: {}",
                ran.stderr
            );
            let line = ran
                .stderr
                .lines()
                .find(|l| l.starts_with("usage: "))
                .unwrap();
            assert!(
                line.contains("cost ≈$") && line.contains("(an estimate: the usage was repaired)"),
                "{usage} {flags:?}: {line}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_says_the_usage_was_repaired_and_gives_no_definite_cost() {
    let sim = Simulator::start().await;
    let env = Env::new().config(&priced_config(&sim));
    sim.push(Reply::text("hi").usage(json!({"prompt_tokens": -5, "completion_tokens": 7})));
    let ran = env.run(&["--json", "chat", "hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let lines = ran.json_lines();
    let usage = lines.iter().find(|l| l["type"] == "usage").unwrap();
    insta::assert_snapshot!(
        "repaired_usage_json",
        serde_json::to_string_pretty(usage).unwrap()
    );

    // A sound usage says so too.
    sim.push(Reply::text("hi").usage_tokens(10, 7));
    let ran = env.run(&["--json", "chat", "hi"]).await;
    let lines = ran.json_lines();
    let usage = lines.iter().find(|l| l["type"] == "usage").unwrap();
    assert_eq!(usage["usage_repaired"], false);
    assert_eq!(usage["usage_repairs"], json!([]));
    assert_eq!(usage["estimated_cost"], serde_json::Value::Null);
    assert_eq!(usage["cost_exact"], "0.0000057");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_usage_is_warned_about_and_never_priced_as_zero() {
    let sim = Simulator::start().await;
    let env = Env::new().config(&priced_config(&sim));
    for usage in [json!("lots"), json!([1, 2]), json!({"total_tokens": 9})] {
        sim.push(Reply::text("hi").usage(usage.clone()));
        let ran = env.run(&["chat", "--no-stream", "hi"]).await;
        assert_eq!(ran.code, 0, "{usage}: {}", ran.shown());
        assert!(
            ran.stderr
                .contains("provider usage unusable, treated as not reported"),
            "{usage}: {}",
            ran.stderr
        );
        assert!(
            ran.stderr
                .contains("usage: not reported by the provider · cost unknown"),
            "{usage}: {}",
            ran.stderr
        );
        assert!(!ran.stderr.contains("$0.000000"), "{usage}: {}", ran.stderr);
    }
}
