//! The spending ledger and `oac usage`, with the real binary: every request of
//! `oac chat` recorded once (also from two processes at once, also when cut by
//! Ctrl-C), damaged lines counted and reported, filters, unknown costs apart,
//! a ledger that cannot be written only warned about, nothing secret in the file.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use oac_testkit::{Reply, Simulator};
use serde_json::{Value, json};

use support::{Env, Ran, priced_config};

/// An environment whose ledger is `ledger.jsonl` in its home directory.
fn ledger_env(sim: Option<&Simulator>) -> (Env, PathBuf) {
    let env = Env::new();
    let path = env.path("ledger.jsonl");
    let env = env.var("OAC_LEDGER", path.to_str().unwrap());
    let env = match sim {
        Some(sim) => {
            let config = priced_config(sim);
            env.config(&config)
        }
        None => env,
    };
    (env, path)
}

/// One ledger line (format v1) as another `oac` would have written it.
fn line(time: &str, profile: Option<&str>, model: &str, tokens: (u64, u64), cost: &str) -> String {
    let (cost, reason) = match cost {
        "unknown" => ("unknown", Some("input_price and output_price are not set")),
        "unreported" => ("unknown", Some("usage not reported")),
        amount => (amount, None),
    };
    let usage = (cost != "unknown" || reason != Some("usage not reported"))
        .then(|| json!({"input_total": tokens.0, "output_total": tokens.1}));
    json!({
        "v": 1, "time": time, "api": "chat", "streamed": true, "profile": profile,
        "host": "api.example.com", "model": model, "served_model": null,
        "outcome": "ok", "error": null, "request_id": null, "usage": usage,
        "usage_repaired": false, "cost": cost, "cost_unknown": reason,
    })
    .to_string()
}

fn total(ran: &Ran) -> Value {
    let lines = ran.json_lines();
    let last = lines.last().unwrap().clone();
    assert_eq!(last["type"], "total", "{}", ran.shown());
    last
}

fn groups(ran: &Ran) -> Vec<Value> {
    ran.json_lines()
        .into_iter()
        .filter(|line| line["type"] == "group")
        .collect()
}

// ---- recording ----------------------------------------------------------------------

/// Two workers run `oac chat` at the same time, four requests each, all writing the
/// same ledger: `oac usage --json` counts each of the eight exactly once, with the
/// exact sums of tokens and cost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_chat_processes_record_every_request_exactly_once() {
    let sim = Simulator::start().await;
    const EACH: u64 = 4;
    let mut input = 0;
    let mut output = 0;
    for i in 0..2 * EACH {
        let (prompt, completion) = (1_000 + i, 100 + 7 * i);
        input += prompt;
        output += completion;
        sim.push(
            Reply::text("a streamed answer")
                .text_chunk_chars(2)
                .usage_tokens(prompt, completion),
        );
    }
    let (env, path) = ledger_env(Some(&sim));
    let env = std::sync::Arc::new(env);
    let worker = |streaming: bool| {
        let env = std::sync::Arc::clone(&env);
        tokio::spawn(async move {
            for i in 0..EACH {
                let args: &[&str] = if streaming {
                    &["chat", "streamed prompt"]
                } else {
                    &["chat", "--no-stream", "whole prompt"]
                };
                let ran = env.run(args).await;
                assert_eq!(ran.code, 0, "request {i}: {}", ran.shown());
                assert!(!ran.stderr.contains("warning"), "{}", ran.stderr);
            }
        })
    };
    let (a, b) = (worker(true), worker(false));
    a.await.unwrap();
    b.await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 8, "{text}");
    assert!(text.ends_with('\n'));
    let ran = env.run(&["usage", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let total = total(&ran);
    assert_eq!(total["requests"], 2 * EACH);
    assert_eq!(total["input_tokens"], input);
    assert_eq!(total["output_tokens"], output);
    assert_eq!(total["damaged_lines"], 0);
    // Σ (input × 0.15 + output × 0.60) / 1M, exactly.
    let micro_dollars = input * 15 + output * 60; // in units of 1e-8 USD
    let expected = oac::Decimal::new(i64::try_from(micro_dollars).unwrap(), 8).normalize();
    assert_eq!(total["cost"], expected.to_string());
    assert_eq!(total["unknown_cost_requests"], 0);
    let streamed = text
        .lines()
        .filter(|l| l.contains(r#""streamed":true"#))
        .count();
    assert_eq!(streamed, 4, "{text}");
}

/// The ledger holds where, which model and what it cost: never the key, the prompt
/// or the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_holds_no_key_prompt_or_answer() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("the confidential answer").usage_tokens(40, 4));
    let key = "sk-ledger-test-key-0123456789abcdef";
    let (env, path) = ledger_env(Some(&sim));
    let env = env.var("OPENAI_API_KEY", key);
    let ran = env
        .run(&[
            "chat",
            "--system",
            "hidden system text",
            "my private prompt",
        ])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in [
        key,
        "sk-ledger",
        "my private prompt",
        "hidden system text",
        "confidential",
    ] {
        assert!(!text.contains(secret), "{secret:?} in {text}");
    }
    let record: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(record["v"], 1);
    assert_eq!(record["profile"], "sim");
    assert_eq!(record["model"], "sim-model");
    assert_eq!(record["outcome"], "ok");
    assert_eq!(
        record["host"],
        format!("127.0.0.1:{}", sim.addr().port()),
        "host and port only"
    );
    assert_eq!(record["cost"], "0.0000084");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the ledger is its owner's only");
    }
}

/// Without `OAC_LEDGER` the ledger is in the platform data directory; with
/// `OAC_LEDGER=off` nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_lives_in_the_data_directory_and_can_be_turned_off() {
    let sim = Simulator::start().await;
    let env = Env::new();
    let config = priced_config(&sim);
    let env = env.config(&config);
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let default = env.path(".local/share/oac/ledger.jsonl");
    assert_eq!(
        std::fs::read_to_string(&default).unwrap().lines().count(),
        1
    );

    let ran = env
        .run_with(&[("OAC_LEDGER", "off")], &["chat", "Hi"])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(
        std::fs::read_to_string(&default).unwrap().lines().count(),
        1
    );

    let data = env.path("data");
    let ran = env
        .run_with(
            &[("XDG_DATA_HOME", data.to_str().unwrap())],
            &["chat", "Hi"],
        )
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(data.join("oac/ledger.jsonl").is_file());

    // `oac usage` reads the default file, also when recording is off.
    let ran = env
        .run_with(&[("OAC_LEDGER", "off")], &["usage", "--json"])
        .await;
    assert_eq!(total(&ran)["requests"], 1, "{}", ran.shown());
}

/// A ledger that cannot be written is a warning on standard error, never a failed
/// chat: the answer and exit code are as without a ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_ledger_warns_and_the_chat_still_succeeds() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("still answered").usage_tokens(5, 2));
    sim.push(Reply::text("still answered").usage_tokens(5, 2));
    let env = Env::new();
    let config = priced_config(&sim);
    let env = env.config(&config);
    // A folder where the ledger file belongs (as root, permission bits would not
    // stop the write; a directory does).
    let folder = env.path("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let ran = env
        .run_with(&[("OAC_LEDGER", folder.to_str().unwrap())], &["chat", "Hi"])
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.stdout, "still answered\n");
    insta::assert_snapshot!("ledger_not_a_file", warning_of(&ran));

    // A ledger under a regular file: its folder cannot be made.
    let file = env.path("plain.txt");
    std::fs::write(&file, "x").unwrap();
    let under = file.join("ledger.jsonl");
    let ran = env
        .run_with(
            &[("OAC_LEDGER", under.to_str().unwrap())],
            &["--json", "chat", "Hi"],
        )
        .await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert_eq!(ran.json_lines().last().unwrap()["type"], "done");
    insta::assert_snapshot!("ledger_folder_not_made", warning_of(&ran));
}

fn warning_of(ran: &Ran) -> String {
    ran.stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `oac doctor`'s own chats cost money too and are recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_requests_are_recorded() {
    let sim = Simulator::start().await;
    let (env, path) = ledger_env(Some(&sim));
    let ran = env.run(&["doctor"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.is_empty());
    for line in text.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["api"], "chat");
        assert_eq!(record["outcome"], "ok");
    }
}

/// Ctrl-C during a streamed reply: `oac` exits 130 and the ledger records the
/// request as cut.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_records_the_request_as_cut() {
    use std::io::Read;
    use std::process::Stdio;

    let sim = Simulator::start().await;
    sim.push(Reply::endless_sse(
        "",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"more \"}}]}\n\n",
    ));
    let (env, path) = ledger_env(Some(&sim));
    let mut command = env.command(&["chat", "Go on forever"], &[]);
    let code = tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The answer is streaming once its first bytes arrive.
        let mut first = [0u8; 5];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        let killed = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let mut stdout = child.stdout.take().unwrap();
        let drain = std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(30) {
                child.kill().unwrap();
                panic!("oac chat did not stop on SIGINT");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let _ = drain.join();
        status.code()
    })
    .await
    .unwrap();
    assert_eq!(code, Some(130));
    let text = std::fs::read_to_string(&path).unwrap();
    let record: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(record["outcome"], "cut", "{text}");
    assert_eq!(record["cost"], "unknown");
    assert_eq!(record["cost_unknown"], "usage not reported");
}

// ---- reading ------------------------------------------------------------------------

/// The ledger of the reading tests: three days, two profiles, three models, one
/// unknown cost, one request without usage.
fn sample() -> String {
    [
        line(
            "2026-12-01T09:00:00.000Z",
            Some("work"),
            "gpt-4o",
            (2_006, 300),
            "0.005615",
        ),
        line(
            "2026-12-01T17:30:00.000Z",
            Some("work"),
            "gpt-4o",
            (1_000, 500),
            "0.0075",
        ),
        line(
            "2026-12-01T18:00:00.000Z",
            None,
            "llama3",
            (100, 10),
            "unknown",
        ),
        line(
            "2026-12-02T08:00:00.000Z",
            Some("home"),
            "qwen",
            (50, 5),
            "0.00001",
        ),
        line(
            "2026-12-03T23:59:59.999Z",
            Some("work"),
            "gpt-4o",
            (0, 0),
            "unreported",
        ),
        line(
            "2026-12-03T12:00:00.000Z",
            Some("work"),
            "gpt-4o-mini",
            (400, 40),
            "0.000084",
        ),
    ]
    .map(|l| l + "\n")
    .concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_sums_by_day_profile_and_model_exactly() {
    let (env, path) = ledger_env(None);
    std::fs::write(&path, sample()).unwrap();
    let ran = env.run(&["usage", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    insta::assert_snapshot!("usage_json", ran.shown());
    let ran = env.run(&["usage"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    insta::assert_snapshot!("usage_human", ran.shown());
}

/// Unknown costs are counted apart, never as $0: a group of only unknown costs has
/// no cost at all, and the total says how many requests it leaves out and why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_costs_are_counted_apart_never_as_zero() {
    let (env, path) = ledger_env(None);
    std::fs::write(&path, sample()).unwrap();
    let ran = env.run(&["usage", "--json", "--model", "llama3"]).await;
    let total = total(&ran);
    assert_eq!(total["requests"], 1);
    assert_eq!(total["cost"], Value::Null, "not $0");
    assert_eq!(total["unknown_cost_requests"], 1);
    assert_eq!(
        total["unknown_cost_reasons"],
        json!({"input_price and output_price are not set": 1})
    );
    let ran = env.run(&["usage"]).await;
    assert!(
        ran.stderr
            .contains("2 requests with unknown cost are not in the cost"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stdout.contains("$0.013209 + 2 unknown"),
        "{}",
        ran.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn since_profile_and_model_filter_the_records() {
    let (env, path) = ledger_env(None);
    std::fs::write(&path, sample()).unwrap();
    let requests = |ran: &Ran| total(ran)["requests"].as_u64().unwrap();

    let ran = env.run(&["usage", "--json", "--since", "2026-12-02"]).await;
    assert_eq!(requests(&ran), 3, "{}", ran.shown());
    assert_eq!(total(&ran)["since"], "2026-12-02T00:00:00.000Z");
    let ran = env
        .run(&["usage", "--json", "--since", "2026-12-01T17:30:00Z"])
        .await;
    assert_eq!(requests(&ran), 5, "the bound is inclusive: {}", ran.shown());
    let ran = env.run(&["usage", "--json", "--profile", "work"]).await;
    assert_eq!(requests(&ran), 4);
    assert_eq!(total(&ran)["cost"], "0.013199");
    let ran = env.run(&["usage", "--json", "--model", "gpt-4o"]).await;
    assert_eq!(requests(&ran), 3);
    let ran = env
        .run(&[
            "usage",
            "--json",
            "--profile",
            "work",
            "--model",
            "gpt-4o",
            "--since",
            "2026-12-02",
        ])
        .await;
    assert_eq!(requests(&ran), 1);
    assert_eq!(groups(&ran)[0]["day"], "2026-12-03");
    assert_eq!(groups(&ran)[0]["without_usage"], 1);
    let ran = env.run(&["usage", "--profile", "nobody"]).await;
    assert_eq!(ran.code, 0);
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr.contains("no recorded requests match"),
        "{}",
        ran.stderr
    );

    // A time ago: the records of an hour and of ten days ago.
    let at = |ago: Duration| humantime::format_rfc3339_millis(SystemTime::now() - ago).to_string();
    let recent = [
        line(&at(Duration::from_secs(3_600)), None, "m", (1, 1), "0.1"),
        line(
            &at(Duration::from_secs(10 * 86_400)),
            None,
            "m",
            (1, 1),
            "0.2",
        ),
    ]
    .map(|l| l + "\n")
    .concat();
    std::fs::write(&path, recent).unwrap();
    let ran = env.run(&["usage", "--json", "--since", "7d"]).await;
    assert_eq!(requests(&ran), 1, "{}", ran.shown());
    assert_eq!(total(&ran)["cost"], "0.1");
    let ran = env.run(&["usage", "--json", "--since", "2w"]).await;
    assert_eq!(requests(&ran), 2);

    let ran = env.run(&["usage", "--since", "last tuesday"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(ran.stderr.contains("7d"), "{}", ran.stderr);
}

/// Torn, edited, over-long, non-UTF-8 lines and records of a newer format never stop
/// the summary: they are counted, reported on standard error, and the rest is summed.
/// A chat appended after a torn last line starts a line of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_and_torn_lines_are_counted_and_reported() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("after the tear").usage_tokens(1_000, 100));
    let (env, path) = ledger_env(Some(&sim));
    let good = line(
        "2026-12-01T09:00:00.000Z",
        Some("work"),
        "gpt-4o",
        (10, 1),
        "0.5",
    );
    let newer = good.replace(r#""v":1"#, r#""v":2"#);
    let mut bytes = Vec::new();
    bytes.extend_from_slice(format!("{good}\n").as_bytes());
    bytes.extend_from_slice(b"{\"v\":1,\"time\":\"2026-12-01T10:00:00.000Z\",\"api\":\"ch\n"); // torn, then a line break
    bytes.extend_from_slice(b"\n   \n"); // blank lines are nothing
    bytes.extend_from_slice(b"not json at all\n");
    bytes.extend_from_slice(format!("{}\n", "x".repeat(200 * 1024)).as_bytes()); // over-long
    bytes.extend_from_slice(b"\xff\xfe not utf-8\n");
    bytes.extend_from_slice(format!("{newer}\n").as_bytes());
    bytes.extend_from_slice(format!("{good}\n").as_bytes());
    bytes.extend_from_slice(&good.as_bytes()[..good.len() / 2]); // torn last line, no line break
    std::fs::write(&path, &bytes).unwrap();

    let ran = env.run(&["usage", "--json"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let total = total(&ran);
    assert_eq!(total["requests"], 2);
    assert_eq!(total["cost"], "1");
    assert_eq!(total["damaged_lines"], 5);
    assert_eq!(total["newer_format_records"], 1);
    insta::assert_snapshot!("usage_damaged_stderr", ran.stderr);

    // The next record is not glued to the torn line.
    let ran = env.run(&["chat", "Hi"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    let ran = env.run(&["usage", "--json"]).await;
    let total = self::total(&ran);
    assert_eq!(total["requests"], 3);
    assert_eq!(total["damaged_lines"], 5);
    assert_eq!(total["input_tokens"], 1_020);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_of_a_missing_or_unreadable_ledger() {
    let (env, path) = ledger_env(None);
    let ran = env.run(&["usage"]).await;
    assert_eq!(ran.code, 0, "{}", ran.shown());
    assert!(
        ran.stderr.contains("no requests recorded yet"),
        "{}",
        ran.stderr
    );
    let ran = env.run(&["usage", "--json"]).await;
    assert_eq!(total(&ran)["requests"], 0);
    assert_eq!(total(&ran)["cost"], Value::Null);

    std::fs::create_dir(&path).unwrap();
    let ran = env.run(&["usage"]).await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(
        ran.stderr
            .contains("cannot read the usage ledger [HOME]/ledger.jsonl: it is a directory"),
        "{}",
        ran.stderr
    );

    let ran = Env::new()
        .var("OAC_LEDGER", "/dev/zero")
        .run(&["usage"])
        .await;
    assert_eq!(ran.code, 2, "{}", ran.shown());
    assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
}
