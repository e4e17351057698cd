//! A real LiteLLM proxy for the `peer_*` suites, in front of a real llmock: LiteLLM
//! routes model [`MODEL`] to llmock's `gpt-4o-mini` and answers `/model/info` from
//! its own bundled model map (context window, max output, prices), which is what
//! discovery reads. Started on a free loopback port with a key, stopped when the
//! guard is dropped (and when the test process dies: the server watches its
//! standard input). No network: LiteLLM reads its local model map
//! (`LITELLM_LOCAL_MODEL_COST_MAP`).
//!
//! `cargo xtask test` installs `litellm[proxy]` into `target/peer-venv-litellm` and
//! says where through `OAC_LITELLM_PYTHON`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::peer::{Llmock, listening_port, target_dir};

/// The LiteLLM release the suites are written against (the file xtask reads too).
pub const LITELLM_VERSION: &str = include_str!("litellm_version.txt").trim_ascii();

/// The model name LiteLLM serves (routed to `openai/gpt-4o-mini` on llmock).
pub const MODEL: &str = "fake-gpt";

/// The proxy's key (its `master_key`).
pub const KEY: &str = "sk-litellm-peer-0123456789";

/// How long LiteLLM may take to start (it imports a lot; the first start also
/// compiles bytecode).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs LiteLLM's command line in-process, after starting a thread that exits the
/// interpreter when standard input reaches end of file.
const LAUNCHER: &str = "\
import os, sys, threading
def _watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
from litellm.proxy.proxy_cli import run_server
sys.argv[0] = 'litellm'
run_server()
";

/// A running LiteLLM proxy and the llmock behind it; dropping it stops both.
#[derive(Debug)]
pub struct Litellm {
    child: Child,
    _stdin: Option<ChildStdin>,
    port: u16,
    log: Arc<Mutex<String>>,
    config: PathBuf,
    /// The upstream, kept alive as long as the proxy.
    _upstream: Llmock,
}

impl Litellm {
    /// Starts llmock, then LiteLLM in front of it, and waits until LiteLLM listens.
    ///
    /// # Panics
    /// When LiteLLM is not installed or does not start; the message says why.
    pub fn start() -> Litellm {
        let upstream = Llmock::start();
        let config = std::env::temp_dir().join(format!(
            "oac-litellm-{}-{}.yaml",
            std::process::id(),
            upstream.port()
        ));
        std::fs::write(
            &config,
            format!(
                "model_list:\n  - model_name: {MODEL}\n    litellm_params:\n      model: openai/gpt-4o-mini\n      api_base: {}\n      api_key: sk-upstream\ngeneral_settings:\n  master_key: {KEY}\n",
                upstream.base_url()
            ),
        )
        .expect("the LiteLLM config is written");
        let python = python();
        let mut command = Command::new(&python);
        command
            .args(["-c", LAUNCHER, "--config"])
            .arg(&config)
            .args(["--host", "127.0.0.1", "--port", "0"])
            .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            .env("NO_COLOR", "1")
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start LiteLLM with {}: {e}", python.display()));
        let stdin = child.stdin.take();
        let log = Arc::new(Mutex::new(String::new()));
        let (port_tx, port_rx) = mpsc::channel();
        for pipe in [
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
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
        let mut server = Litellm {
            child,
            _stdin: stdin,
            port: 0,
            log,
            config,
            _upstream: upstream,
        };
        match port_rx.recv_timeout(START_TIMEOUT) {
            Ok(port) => server.port = port,
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                panic!(
                    "LiteLLM did not start within {START_TIMEOUT:?} (exit status: {status:?}); its log:\n{}",
                    server.log()
                );
            }
        }
        server
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// What the proxy printed so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Litellm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.config);
    }
}

/// The Python of the venv LiteLLM is installed in.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("OAC_LITELLM_PYTHON").filter(|p| !p.is_empty()) {
        return PathBuf::from(python);
    }
    let venv = target_dir().join("peer-venv-litellm");
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    assert!(
        python.exists(),
        "LiteLLM is not installed: run `cargo xtask test` once (it installs litellm[proxy] \
         {LITELLM_VERSION} into {}), or set OAC_LITELLM_PYTHON to a Python that has it",
        venv.display()
    );
    python
}
