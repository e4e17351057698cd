//! A real llmock server for the `peer_*` suites: started on a free loopback port,
//! scripted over its `/_llmock` control API, stopped when the guard is dropped —
//! also when the test panics, and even when the test process dies (the server
//! watches its standard input and exits when that pipe closes).
//!
//! `cargo xtask test` installs llmock into `target/peer-venv` and says where through
//! `OAC_LLMOCK_PYTHON` (and where `oac` is through `OAC_BIN`). Run alone, a peer suite
//! finds both in the target directory, and fails — never skips — when they are missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;

/// The llmock release the peer suites are written against (installed by `cargo xtask test`,
/// which reads the same file).
pub const LLMOCK_VERSION: &str = include_str!("llmock_version.txt").trim_ascii();

/// Runs llmock's command line in-process, after starting a thread that exits the
/// interpreter as soon as standard input reaches end of file (the test process is
/// gone), so no server outlives its test.
const LAUNCHER: &str = "\
import os, sys, threading
def _watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
from llmock.cli import app
sys.argv[0] = 'llmock'
app()
";

/// How long llmock may take to start (the first start compiles Python bytecode).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running llmock server; dropping it stops the server.
#[derive(Debug)]
pub struct Llmock {
    process: PeerProcess,
}

/// A peer server's process (a Python program serving with uvicorn): started with
/// its standard input held open (the launchers exit when it closes), its output
/// read for its whole life into a log, its port taken from uvicorn's `Uvicorn
/// running on …` line. Dropping it kills the process.
#[derive(Debug)]
pub(crate) struct PeerProcess {
    child: Child,
    /// Held so the server's standard input stays open while the guard lives.
    _stdin: Option<ChildStdin>,
    pub(crate) port: u16,
    log: Arc<Mutex<String>>,
}

impl PeerProcess {
    /// Spawns `command` (`what` names it in messages) and waits up to `timeout` for
    /// it to listen.
    ///
    /// # Panics
    /// When it cannot start or does not listen in time; the message has its log.
    pub(crate) fn start(mut command: Command, what: &str, timeout: Duration) -> PeerProcess {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {what}: {e}"));
        let stdin = child.stdin.take();
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        let pipes: [Option<Box<dyn Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ];
        for pipe in pipes.into_iter().flatten() {
            let log = Arc::clone(&log);
            let port_tx = port_tx.clone();
            // Reads the server's output for its whole life (a full pipe would block it).
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(port) = listening_port(&line) {
                        let _ = port_tx.send(port);
                    }
                    let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut process = PeerProcess {
            child,
            _stdin: stdin,
            port: 0,
            log,
        };
        match port_rx.recv_timeout(timeout) {
            Ok(port) => process.port = port,
            Err(_) => {
                let status = process.child.try_wait().ok().flatten();
                panic!(
                    "{what} did not start within {timeout:?} (exit status: {status:?}); its log:\n{}",
                    process.log()
                );
            }
        }
        process
    }

    /// What the server printed so far.
    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Llmock {
    /// Starts llmock on a free 127.0.0.1 port with deterministic echo replies
    /// (`Hello! You said: <prompt>`) and waits until it answers.
    ///
    /// # Panics
    /// When llmock is not installed or does not start; the message says why.
    pub fn start() -> Llmock {
        let python = llmock_python();
        check_version(&python);
        let mut command = Command::new(&python);
        command
            .args([
                "-c",
                LAUNCHER,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
            ])
            .args(["--response-style", "echo", "--log-level", "info"])
            .env("NO_COLOR", "1")
            .env("PYTHONUNBUFFERED", "1");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("LLMOCK_") {
                command.env_remove(name);
            }
        }
        let what = format!("llmock with {}", python.display());
        let server = Llmock {
            process: PeerProcess::start(command, &what, START_TIMEOUT),
        };
        let (status, health) = server.get("/health");
        assert_eq!(status, 200, "llmock's /health answered {status}: {health}");
        server
    }

    /// `http://127.0.0.1:PORT/v1`, the OpenAI base URL.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.process.port)
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.process.port
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.process.child.id()
    }

    /// Queues behaviours (llmock's JSON form, e.g. `{"type": "fail", "status": 401}`)
    /// for the next requests.
    pub fn script(&self, behaviors: Value) {
        let body = serde_json::json!({ "behaviors": behaviors });
        let (status, reply) = self.request("POST", "/_llmock/scenario", Some(&body));
        assert_eq!(status, 201, "llmock refused the scenario {body}: {reply}");
    }

    /// [`script`](Self::script) with every behaviour limited to chat requests
    /// (`"match": {"path": "*/chat/completions"}` merged in): the faults a chat
    /// test scripts are not spent on the metadata requests a client makes first
    /// (model-info discovery's models list and `/model/info`).
    pub fn script_chat(&self, behaviours: Value) {
        self.script_on("*/chat/completions", behaviours);
    }

    /// [`script_chat`](Self::script_chat) for the Responses API (`…/responses`).
    pub fn script_responses(&self, behaviours: Value) {
        self.script_on("*/responses", behaviours);
    }

    /// [`script`](Self::script) with every behaviour limited to paths matching `glob`.
    fn script_on(&self, glob: &str, mut behaviours: Value) {
        if let Some(list) = behaviours.as_array_mut() {
            for behaviour in list.iter_mut().filter_map(Value::as_object_mut) {
                let matcher = behaviour
                    .entry("match")
                    .or_insert_with(|| Value::Object(serde_json::Map::new()));
                if let Some(matcher) = matcher.as_object_mut() {
                    matcher.insert("path".into(), Value::from(glob));
                }
            }
        }
        self.script(behaviours);
    }

    /// The chat requests llmock received (its journal, `…/chat/completions` only).
    pub fn chat_requests(&self) -> Vec<Value> {
        self.requests_to("/chat/completions")
    }

    /// The Responses API requests llmock received (its journal, `…/responses` only).
    pub fn responses_requests(&self) -> Vec<Value> {
        self.requests_to("/responses")
    }

    fn requests_to(&self, suffix: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
            .collect()
    }

    /// Every request llmock served, oldest first (its journal).
    pub fn requests(&self) -> Vec<Value> {
        let (status, reply) = self.get("/_llmock/requests");
        assert_eq!(status, 200, "llmock's journal answered {status}: {reply}");
        reply["requests"].as_array().cloned().unwrap_or_default()
    }

    /// Behaviours still waiting to fire.
    pub fn pending(&self) -> Vec<Value> {
        let (status, reply) = self.get("/_llmock/scenario");
        assert_eq!(status, 200, "llmock's scenario answered {status}: {reply}");
        reply["pending"].as_array().cloned().unwrap_or_default()
    }

    /// llmock's verdict on how the client coped with the faults it injected
    /// (`{"passed": …, "errors": …, "warnings": …, "findings": […]}`).
    pub fn verdict(&self) -> Value {
        let (status, reply) = self.get("/_llmock/verdict");
        assert_eq!(status, 200, "llmock's verdict answered {status}: {reply}");
        reply
    }

    /// Asserts llmock's verdict finds nothing wrong with how the client handled its
    /// faults (passed, no warnings).
    pub fn assert_resilient(&self) {
        let verdict = self.verdict();
        assert_eq!(verdict["passed"], true, "llmock's verdict: {verdict:#}");
        assert_eq!(verdict["warnings"], 0, "llmock's verdict: {verdict:#}");
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        self.process.log()
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.request("GET", path, None)
    }

    /// One HTTP/1.1 exchange on a fresh connection (the control API is tiny).
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let port = self.process.port;
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("llmock on port {port} is unreachable: {e}"));
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            port,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, payload) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response from llmock: {response}"));
        (status, serde_json::from_str(payload).unwrap_or(Value::Null))
    }
}

/// The port in uvicorn's `Uvicorn running on http://127.0.0.1:PORT` line.
fn listening_port(line: &str) -> Option<u16> {
    let rest = line.split("Uvicorn running on http://").nth(1)?;
    let authority = rest.split_whitespace().next()?;
    authority.rsplit_once(':')?.1.parse().ok()
}

/// The workspace's target directory (`$CARGO_TARGET_DIR`, else `<workspace>/target`).
fn target_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// The Python of the venv llmock is installed in.
fn llmock_python() -> PathBuf {
    peer_python(
        "OAC_LLMOCK_PYTHON",
        "peer-venv",
        &format!("llmock {LLMOCK_VERSION}"),
    )
}

/// The Python of a peer's venv: `$var`, else `target/<venv>`'s.
///
/// # Panics
/// When neither exists; the message says that `cargo xtask test` installs `what`.
pub(crate) fn peer_python(var: &str, venv: &str, what: &str) -> PathBuf {
    if let Some(python) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = target_dir().join(venv);
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    assert!(
        python.exists(),
        "{what} is not installed: run `cargo xtask test` once (it installs {what} into {}), \
         or set {var} to a Python that has it",
        venv.display()
    );
    python
}

/// Checks, once per test process, that `python`'s llmock is the version the suites
/// are written against: another version may script faults differently.
///
/// # Panics
/// When llmock does not import or is another version; the message says how to fix it.
fn check_version(python: &std::path::Path) {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let checked = CHECKED.get_or_init(|| {
        let output = Command::new(python)
            .args([
                "-c",
                "import importlib.metadata as m, llmock.cli; print(m.version('llmock'))",
            ])
            .output()
            .map_err(|e| format!("could not run {}: {e}", python.display()))?;
        if !output.status.success() {
            return Err(format!(
                "llmock does not import with {}: {}\nrun `cargo xtask test` once to install llmock {LLMOCK_VERSION}",
                python.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if version == LLMOCK_VERSION {
            Ok(())
        } else {
            Err(format!(
                "{} has llmock {version}, but the peer suites are written against {LLMOCK_VERSION}: \
                 run `cargo xtask test` (it installs {LLMOCK_VERSION} into target/peer-venv), or \
                 point OAC_LLMOCK_PYTHON at a Python that has it",
                python.display()
            ))
        }
    });
    if let Err(message) = checked {
        panic!("{message}");
    }
}

/// What one run of `oac` produced.
#[derive(Debug)]
pub struct OacRun {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl OacRun {
    /// Standard output read as one JSON object per line.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
            })
            .collect()
    }
}

impl std::fmt::Display for OacRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `oac ARGS` against `base_url` and `model` (through `OPENAI_BASE_URL` and
/// `OPENAI_MODEL`), with no other environment and no config file.
pub fn run_oac(base_url: &str, model: &str, args: &[&str]) -> OacRun {
    run_oac_with(base_url, model, args, &[])
}

/// [`run_oac`] with these variables set too (a key in `OPENAI_API_KEY`).
pub fn run_oac_with(base_url: &str, model: &str, args: &[&str], vars: &[(&str, &str)]) -> OacRun {
    let nowhere = std::env::temp_dir().join("oac-peer-suite-has-no-home");
    let output = Command::new(oac_bin())
        .args(args)
        .env_clear()
        .env("HOME", &nowhere)
        .env("XDG_CONFIG_HOME", &nowhere)
        // No usage ledger under the made-up home.
        .env("OAC_LEDGER", "off")
        .env("OPENAI_BASE_URL", base_url)
        .env("OPENAI_MODEL", model)
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", oac_bin().display()));
    OacRun {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The `oac` binary: `$OAC_BIN`, else the one next to this test's directory.
pub fn oac_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("OAC_BIN").filter(|p| !p.is_empty()) {
        return PathBuf::from(bin);
    }
    let name = format!("oac{}", std::env::consts::EXE_SUFFIX);
    let candidate = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join(&name)));
    match candidate {
        Some(path) if path.exists() => path,
        _ => panic!(
            "the `oac` binary was not found: build it with `cargo build -p oac-cli` \
             (`cargo xtask test` does), or set OAC_BIN to its path"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port_uvicorn_listens_on() {
        let line = "INFO:     Uvicorn running on http://127.0.0.1:33677 (Press CTRL+C to quit)";
        assert_eq!(listening_port(line), Some(33677));
        assert_eq!(
            listening_port("INFO:     Application startup complete."),
            None
        );
    }
}
