//! `oac chat -i` in a real terminal: tmux runs the binary in a detached pane, the
//! test types with `tmux send-keys` and reads the screen with `tmux
//! capture-pane -p`. Two turns, a slow reply cut with Ctrl-C (kept, marked as cut,
//! the session goes on), a multi-line message, an unknown command, Ctrl-D; then a
//! new process resumes the session with `--continue` and shows it.
//!
//! Every wait polls the pane up to a generous deadline (no fixed sleeps), so a
//! loaded machine makes the test slower, not flaky. tmux is required: without it
//! the test fails saying how to install it.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use oac_testkit::{Reply, Simulator};
use serde_json::Value;

use support::{Env, priced_config};

/// How long any one thing may take to appear on the screen.
const DEADLINE: Duration = Duration::from_secs(30);

/// A detached tmux session on a server of its own (its own socket), killed on
/// drop.
struct Tmux {
    socket: String,
    name: String,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a new detached session.
    fn start(command: &str) -> Tmux {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let tmux = Tmux {
            socket: format!("oac-test-{}-{n}", std::process::id()),
            name: format!("oac-chat-{n}"),
        };
        let status = Command::new("tmux")
            .args(["-L", &tmux.socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-s", &tmux.name, "-x", "160", "-y", "50", command])
            .env_remove("TMUX")
            .status();
        match status {
            Ok(status) => assert!(status.success(), "tmux new-session failed: {status}"),
            Err(error) => panic!(
                "this test needs tmux to drive a real terminal, and it cannot be run ({error}): install it (apt-get install tmux)"
            ),
        }
        tmux
    }

    fn tmux(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap()
    }

    /// Types `keys` (tmux key names: `Enter`, `C-c`, `C-d`, or literal text).
    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        let output = self.tmux(&args);
        assert!(output.status.success(), "send-keys {keys:?}: {output:?}");
    }

    /// Waits until the line editor waits for input (the last line of the screen
    /// is the bare prompt): keys typed before it reads would reach the terminal's
    /// line discipline (Ctrl-D or Ctrl-C there mean something else).
    async fn wait_prompt(&self) {
        self.wait_prompt_of(">").await;
    }

    /// Like [`wait_prompt`](Self::wait_prompt) for the prompt `prompt` (`.` for a
    /// continuation line).
    async fn wait_prompt_of(&self, prompt: &str) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map(str::trim_end)
                == Some(prompt)
            {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no prompt within {DEADLINE:?}; the screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// At the prompt, types `text` literally, then Enter.
    async fn line(&self, text: &str) {
        self.wait_prompt().await;
        self.type_line(text);
    }

    /// Types `text` literally, then Enter, without waiting for a prompt.
    fn type_line(&self, text: &str) {
        let output = self.tmux(&["send-keys", "-t", &self.name, "-l", text]);
        assert!(output.status.success(), "send-keys -l {text:?}: {output:?}");
        self.send(&["Enter"]);
    }

    /// The screen and its scrollback.
    fn screen(&self) -> String {
        let output = self.tmux(&["capture-pane", "-p", "-J", "-S", "-1000", "-t", &self.name]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen shows `text` `times` times; the screen.
    async fn wait_for_n(&self, text: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(text).count() >= times {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "`{text}` ({times}×) did not appear within {DEADLINE:?}; the screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_for(&self, text: &str) -> String {
        self.wait_for_n(text, 1).await
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

/// `oac ARGS` in an empty environment but for `vars`, then a line with its exit
/// code, then a long sleep so the pane stays to be read.
fn shell_command(vars: &[(&str, String)], args: &[&str]) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', r"'\''"));
    let mut line = String::from("env -i");
    for (name, value) in vars {
        line.push_str(&format!(" {name}={}", quote(value)));
    }
    line.push(' ');
    line.push_str(&quote(env!("CARGO_BIN_EXE_oac")));
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    format!("{line}; echo \"[oac exited $?]\"; sleep 600")
}

fn vars(env: &Env, sim: &Simulator) -> Vec<(&'static str, String)> {
    let home = env.home.path();
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    vec![
        ("HOME", path(home)),
        ("TERM", "xterm-256color".into()),
        ("OAC_CONFIG", path(&home.join("config.toml"))),
        ("OAC_LEDGER", path(&home.join("ledger.jsonl"))),
        ("OAC_SESSIONS", path(&home.join("sessions"))),
        ("OPENAI_BASE_URL", sim.base_url()),
    ]
}

fn user_messages(sim: &Simulator, n: usize) -> Vec<Value> {
    let body = sim.chat_requests()[n].body.clone().unwrap();
    body["messages"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_typed_cut_with_ctrl_c_and_resumed_in_a_new_process() {
    let sim = Simulator::start().await;
    sim.push(Reply::text("Hello from turn one.").usage_tokens(10, 5));
    let slow: String = (0..400).map(|i| format!("slow{i} ")).collect();
    sim.push(
        Reply::text(slow)
            .text_chunk_chars(6)
            .delay(Duration::from_millis(100)),
    );
    sim.push(Reply::text("Third answer, on two lines.").usage_tokens(30, 7));
    let env = Env::new().config(&priced_config(&sim));
    let vars = vars(&env, &sim);

    let first = Tmux::start(&shell_command(&vars, &["chat", "-i", "--session", "s1"]));
    first.wait_for("/help for commands").await;

    first.line("first question").await;
    first.wait_for("Hello from turn one.").await;
    first
        .wait_for("total: 1 reply · 10 in · 5 out · cost $")
        .await;

    first.line("second question").await;
    first.wait_for("slow0").await;
    first.send(&["C-c"]);
    let screen = first.wait_for("[reply cut: interrupted").await;
    assert!(
        !screen.contains("slow399"),
        "the reply was not cut:\n{screen}"
    );
    first.wait_for("total: 2 replies").await;
    wait_until(
        || sim.disconnects() >= 1,
        "the cut stream closes its connection",
    )
    .await;

    // The session goes on: a multi-line message (a line ending in `\`).
    first.line("third, line one\\").await;
    first.wait_prompt_of(".").await;
    first.type_line("line two");
    first.wait_for("Third answer, on two lines.").await;
    first.wait_for("total: 3 replies").await;
    let sent = user_messages(&sim, 2);
    assert_eq!(sent[2]["content"], "second question");
    assert_eq!(sent[3]["role"], "assistant");
    assert!(
        sent[3]["content"].as_str().unwrap().starts_with("slow0"),
        "the cut reply is sent back: {sent:?}"
    );
    assert_eq!(sent[4]["content"], "third, line one\nline two");

    first.line("/modle").await;
    first
        .wait_for("unknown command /modle: did you mean /model?")
        .await;
    first.wait_prompt().await;
    first.send(&["C-d"]);
    first.wait_for("[oac exited 0]").await;
    drop(first);

    // The session file: three turns, the second reply cut.
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(env.home.path().join("sessions/s1.json")).unwrap(),
    )
    .unwrap();
    let entries = saved["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 6, "{saved:#}");
    assert_eq!(entries[3]["cut"]["reason"], "interrupted");
    assert!(entries[3]["text"].as_str().unwrap().starts_with("slow0"));
    assert_eq!(saved["model"], "sim-model");
    // Each turn went to the ledger, the cut one as cut.
    let ledger = std::fs::read_to_string(env.home.path().join("ledger.jsonl")).unwrap();
    let outcomes: Vec<String> = ledger
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["outcome"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(outcomes, ["ok", "cut", "ok"]);

    // A new process picks the session up.
    sim.push(Reply::text("Fourth.").usage_tokens(50, 1));
    let second = Tmux::start(&shell_command(&vars, &["chat", "--continue"]));
    let screen = second.wait_for("resumed session s1: 3 replies").await;
    for shown in [
        "> first question",
        "Hello from turn one.",
        "[reply cut: interrupted]",
        "Third answer, on two lines.",
    ] {
        assert!(
            screen.contains(shown),
            "`{shown}` is not in the resumed history:\n{screen}"
        );
    }
    second.line("/cost").await;
    second
        .wait_for_n("total: 3 replies · 40 in · 12 out", 2)
        .await;
    second.line("fourth question").await;
    second.wait_for("Fourth.").await;
    assert_eq!(user_messages(&sim, 3).len(), 7, "the whole history is sent");
    second.wait_prompt().await;
    second.send(&["C-d"]);
    second.wait_for("[oac exited 0]").await;
}

async fn wait_until(done: impl Fn() -> bool, what: &str) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < DEADLINE,
            "{what}: not within {DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
