//! One client process: one warm-up request (connection, discovery, lazy set-up),
//! then `requests` streamed requests, measured; prints one JSON line.
//!
//! Each client has a binary of its own (`src/bin/oac-bench-ours.rs`,
//! `src/bin/oac-bench-floor.rs`) that calls [`main`] with its [`BenchClient`], so
//! the process maps and relocates only that client's code: its peak RSS is what a
//! small program streaming with it needs.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use crate::{Flags, Impl, Sink, measure};

/// How the stream is consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// A current-thread runtime.
    CurrentThread,
    /// A multi-thread runtime, the loop in a spawned task (on a worker).
    MultiThread,
    /// A multi-thread runtime, the loop in `block_on` on the main thread (the
    /// `#[tokio::main]` pitfall).
    MultiThreadBlockOn,
}

impl Runtime {
    /// Parses `ct`, `mt` or `mt-block-on`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "ct" => Ok(Runtime::CurrentThread),
            "mt" => Ok(Runtime::MultiThread),
            "mt-block-on" => Ok(Runtime::MultiThreadBlockOn),
            other => Err(format!("--runtime is ct, mt or mt-block-on, not `{other}`")),
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::CurrentThread => "ct",
            Runtime::MultiThread => "mt",
            Runtime::MultiThreadBlockOn => "mt-block-on",
        }
    }

    fn build(self) -> Result<tokio::runtime::Runtime, String> {
        let mut builder = match self {
            Runtime::CurrentThread => tokio::runtime::Builder::new_current_thread(),
            Runtime::MultiThread | Runtime::MultiThreadBlockOn => {
                tokio::runtime::Builder::new_multi_thread()
            }
        };
        builder
            .enable_all()
            .build()
            .map_err(|e| format!("runtime: {e}"))
    }

    /// Runs `work` the way this mode says.
    fn drive<F>(self, runtime: &tokio::runtime::Runtime, work: F) -> Result<(), String>
    where
        F: Future<Output = Result<(), String>> + Send + 'static,
    {
        match self {
            Runtime::CurrentThread | Runtime::MultiThreadBlockOn => runtime.block_on(work),
            Runtime::MultiThread => runtime
                .block_on(runtime.spawn(work))
                .map_err(|e| format!("task: {e}"))?,
        }
    }
}

/// A client either binary measures: built for a base URL, one streamed request at a
/// time into a [`Sink`].
pub trait BenchClient: Clone + Send + Sync + 'static {
    /// Which client this is.
    const IMPL: Impl;

    /// A client for `base_url` (`http://127.0.0.1:PORT/chunked/v1`, say).
    fn connect(base_url: &str) -> Result<Self, String>;

    /// One streamed request into `sink`.
    fn request<'a>(&'a self, sink: &'a mut Sink) -> BoxFuture<'a>;
}

/// The future of one request.
pub type BoxFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// The floor's client: reqwest's defaults, no proxy (as ours on loopback).
pub fn floor_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())
}

/// The chat URL of a base URL.
pub fn chat_url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim_end_matches('/'))
}

/// The `main` of a client binary: `--runtime ct|mt|mt-block-on --url URL
/// --requests N --chunks N`; prints one JSON line, or the error and exits 1.
pub fn main<C: BenchClient>() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = Flags::parse(&args).and_then(|flags| {
        run::<C>(
            Runtime::parse(flags.get("runtime")?)?,
            flags.get("url")?,
            flags.number("requests")?,
            flags.number("chunks")?,
        )
    });
    if let Err(message) = result {
        eprintln!("oac-bench-{}: {message}", C::IMPL.name());
        std::process::exit(1);
    }
}

/// The path of the client binary of `which`, next to the harness `exe`.
pub fn binary(exe: &Path, which: Impl) -> Result<PathBuf, String> {
    let path = exe.with_file_name(format!("oac-bench-{}", which.name()));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: build every binary of the harness with `cargo build --release -p oac-bench --bins` (`cargo xtask bench` does; `cargo run` alone builds only the harness, and would leave an old client binary in place)",
            path.display()
        ))
    }
}

/// One client process: warm-up, then `requests` measured requests.
fn run<C: BenchClient>(
    runtime_kind: Runtime,
    base_url: &str,
    requests: usize,
    chunks: usize,
) -> Result<(), String> {
    let rss_start = measure::rss_kib();
    let runtime = runtime_kind.build()?;
    // Clients are built inside the runtime (reqwest needs none, ours may).
    let client = runtime.block_on(async { C::connect(base_url) })?;
    let rss_client = measure::rss_kib();
    let warm = client.clone();
    let expected = std::sync::Arc::new(oac_testkit::fixtures::long_stream_text(chunks));
    let warm_expected = expected.clone();
    runtime_kind.drive(&runtime, async move {
        let mut sink = Sink::new(true);
        warm.request(&mut sink).await?;
        sink.check_and_clear(chunks, &warm_expected)
    })?;
    let rss_warm = measure::rss_kib();
    let before = measure::usage();
    runtime_kind.drive(&runtime, async move {
        let mut sink = Sink::new(true);
        for _ in 0..requests {
            client.request(&mut sink).await?;
            sink.check_and_clear(chunks, &expected)?;
        }
        Ok(())
    })?;
    let after = measure::usage();
    let (anon, file) = measure::rss_split_kib();
    let cpu = after.cpu.saturating_sub(before.cpu);
    println!(
        "{}",
        serde_json::json!({
            "impl": C::IMPL.name(),
            "runtime": runtime_kind.name(),
            "cpu_ns": cpu.as_nanos() as u64,
            "sys_ns": after.sys.saturating_sub(before.sys).as_nanos() as u64,
            "minor_faults": after.minor_faults.saturating_sub(before.minor_faults),
            "chunks": (requests * chunks) as u64,
            "max_rss_kib": after.max_rss_kib,
            "rss_start_kib": rss_start,
            "rss_client_kib": rss_client,
            "rss_warm_kib": rss_warm,
            "rss_anon_end_kib": anon,
            "rss_file_end_kib": file,
        })
    );
    Ok(())
}
