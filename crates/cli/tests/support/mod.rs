//! What the binary's tests share: an isolated environment to run the real `oac` in,
//! and what one run produced.
// Test helpers: a failed setup is a failed test, so panicking is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};

use oac_testkit::Simulator;
use tempfile::TempDir;

/// What one run of `oac` produced.
#[derive(Debug)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// Everything, for a snapshot.
    pub fn shown(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
            })
            .collect()
    }
}

/// An isolated environment: no inherited variables, an empty home directory.
pub struct Env {
    pub home: TempDir,
    /// The working directory of the runs (the home directory when `None`).
    pub cwd: Option<std::path::PathBuf>,
    vars: Vec<(String, String)>,
    replacements: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Env {
        let home = tempfile::tempdir().unwrap();
        let shown = home.path().display().to_string();
        Env {
            home,
            cwd: None,
            vars: Vec::new(),
            replacements: vec![(shown, "[HOME]".into())],
        }
    }

    /// Points `OPENAI_BASE_URL` at the simulator.
    pub fn sim(self, sim: &Simulator) -> Env {
        self.var("OPENAI_BASE_URL", &sim.base_url())
            .var("OPENAI_MODEL", "sim-model")
    }

    pub fn var(mut self, name: &str, value: &str) -> Env {
        self.vars.push((name.into(), value.into()));
        self
    }

    /// Writes `config.toml` in the home directory and points `OAC_CONFIG` at it.
    pub fn config(self, toml: &str) -> Env {
        let path = self.home.path().join("config.toml");
        std::fs::write(&path, toml).unwrap();
        let shown = path.display().to_string();
        self.var("OAC_CONFIG", &shown)
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.home.path().join(name)
    }

    pub fn command(&self, args: &[&str], extra: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_oac"));
        command
            .args(args)
            .env_clear()
            .current_dir(self.cwd.as_deref().unwrap_or(self.home.path()))
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join(".config"))
            .envs(self.vars.iter().map(|(k, v)| (k, v)))
            .envs(extra.iter().copied());
        command
    }

    pub async fn run(&self, args: &[&str]) -> Ran {
        self.run_full(args, None, &[]).await
    }

    /// A run with more variables than this environment's.
    pub async fn run_with(&self, extra: &[(&str, &str)], args: &[&str]) -> Ran {
        self.run_full(args, None, extra).await
    }

    pub async fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Ran {
        self.run_full(args, stdin, &[]).await
    }

    /// A run whose standard input is the file at `stdin` (`/dev/zero`, say).
    pub async fn run_with_stdin_file(&self, args: &[&str], stdin: &std::path::Path) -> Ran {
        let mut command = self.command(args, &[]);
        let stdin = std::fs::File::open(stdin).unwrap();
        let output = tokio::task::spawn_blocking(move || {
            command
                .stdin(Stdio::from(stdin))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        self.ran(&output)
    }

    pub async fn run_full(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Ran {
        let mut command = self.command(args, extra);
        let stdin = stdin.map(str::to_owned);
        let output = tokio::task::spawn_blocking(move || {
            command
                .stdin(if stdin.is_some() {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = command.spawn().unwrap();
            if let Some(text) = stdin {
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(text.as_bytes())
                    .unwrap();
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        self.ran(&output)
    }

    /// What a finished run produced, with the home directory shown as `[HOME]`.
    pub fn ran(&self, output: &std::process::Output) -> Ran {
        let normalize = |bytes: &[u8]| {
            let mut text = String::from_utf8(bytes.to_vec()).unwrap();
            for (from, to) in &self.replacements {
                text = text.replace(from, to);
            }
            text
        };
        Ran {
            code: output.status.code().unwrap_or(-1),
            stdout: normalize(&output.stdout),
            stderr: normalize(&output.stderr),
        }
    }
}

/// A config whose default profile `sim` talks to `sim` with prices set
/// ($0.15 / $0.60 per million tokens, a 128,000-token context).
pub fn priced_config(sim: &Simulator) -> String {
    format!(
        "default_profile = \"sim\"\n\n[profiles.sim]\nbase_url = \"{}\"\nmodel = \"sim-model\"\n\n\
         [profiles.sim.model_info]\ncontext_window = 128000\ninput_price = 0.15\noutput_price = 0.60\n",
        sim.base_url()
    )
}
