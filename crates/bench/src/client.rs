//! One client process: one warm-up request (connection, discovery, lazy set-up),
//! then `requests` streamed requests, measured; prints one JSON line.

use std::future::Future;

use crate::{Impl, Sink, floor, measure, ours};

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

/// Either client, ready to send.
#[derive(Clone)]
pub enum AnyClient {
    /// Ours.
    Ours(oac::Client),
    /// The floor, with the chat URL.
    Floor(reqwest::Client, String),
}

impl AnyClient {
    /// A client of `which` for `base_url`.
    pub fn new(which: Impl, base_url: &str) -> Result<Self, String> {
        Ok(match which {
            Impl::Ours => AnyClient::Ours(ours::client(base_url)?),
            Impl::Floor => AnyClient::Floor(floor_client()?, chat_url(base_url)),
        })
    }

    /// One streamed request into `sink`.
    pub async fn request(&self, sink: &mut Sink) -> Result<(), String> {
        match self {
            AnyClient::Ours(client) => ours::request(client, sink).await,
            AnyClient::Floor(client, url) => floor::request(client, url, sink).await,
        }
    }
}

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

/// The `client` subcommand.
pub fn run(
    which: Impl,
    runtime_kind: Runtime,
    base_url: &str,
    requests: usize,
    chunks: usize,
) -> Result<(), String> {
    let rss_start = measure::rss_kib();
    let runtime = runtime_kind.build()?;
    // Clients are built inside the runtime (reqwest needs none, ours may).
    let client = runtime.block_on(async { AnyClient::new(which, base_url) })?;
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
    let cpu = after.cpu.saturating_sub(before.cpu);
    println!(
        "{}",
        serde_json::json!({
            "impl": which.name(),
            "runtime": runtime_kind.name(),
            "cpu_ns": cpu.as_nanos() as u64,
            "sys_ns": after.sys.saturating_sub(before.sys).as_nanos() as u64,
            "minor_faults": after.minor_faults.saturating_sub(before.minor_faults),
            "chunks": (requests * chunks) as u64,
            "max_rss_kib": after.max_rss_kib,
            "rss_start_kib": rss_start,
            "rss_client_kib": rss_client,
            "rss_warm_kib": rss_warm,
        })
    );
    Ok(())
}
