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

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::peer::{Llmock, PeerProcess, peer_python};

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
    process: PeerProcess,
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
            .env("PYTHONUNBUFFERED", "1");
        let what = format!("LiteLLM with {}", python.display());
        Litellm {
            process: PeerProcess::start(command, &what, START_TIMEOUT),
            config,
            _upstream: upstream,
        }
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.process.port)
    }

    /// What the proxy printed so far.
    pub fn log(&self) -> String {
        self.process.log()
    }
}

impl Drop for Litellm {
    fn drop(&mut self) {
        // The process is killed when `process` drops; the config goes with it.
        let _ = std::fs::remove_file(&self.config);
    }
}

/// The Python of the venv LiteLLM is installed in.
fn python() -> PathBuf {
    peer_python(
        "OAC_LITELLM_PYTHON",
        "peer-venv-litellm",
        &format!("litellm[proxy] {LITELLM_VERSION}"),
    )
}
