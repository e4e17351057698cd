//! Many concurrent streams over one client, on a multi-thread runtime (one task
//! per stream): total CPU per chunk, memory per open stream, and how even the
//! streams' wall times are.
//!
//! Every stream opens and takes its first event; once all are open the RSS is
//! sampled (the streams held, so what is measured is what an open stream keeps),
//! then all are let go together and each one's wall time to its end is taken.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Barrier, watch};

use crate::client::{BenchClient, floor_client};
use crate::{Impl, Sink, measure, ours};

/// Either client, ready to open streams.
#[derive(Clone)]
enum AnyClient {
    Ours(oac::Client),
    Floor(reqwest::Client, String),
}

impl AnyClient {
    /// One whole streamed request (the warm-up).
    async fn request(&self, sink: &mut Sink) -> Result<(), String> {
        match self {
            AnyClient::Ours(client) => client.request(sink).await,
            AnyClient::Floor(client, url) => crate::floor::request(client, url, sink).await,
        }
    }
}

/// The `many` subcommand: prints one JSON line.
pub fn run(which: Impl, base_url: &str, streams: usize, chunks: usize) -> Result<(), String> {
    measure::raise_fd_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async move {
        let client = match which {
            // The pool sized for the load, as the crate docs advise.
            Impl::Ours => AnyClient::Ours(ours::client_on(base_url, Some(pool_client(streams)?))?),
            Impl::Floor => AnyClient::Floor(floor_client()?, crate::client::chat_url(base_url)),
        };
        let mut sink = Sink::new(false);
        client.request(&mut sink).await?;
        let expected_bytes = oac_testkit::fixtures::long_stream_text(chunks).len();
        tokio::spawn(many(client, streams, chunks, expected_bytes))
            .await
            .map_err(|e| format!("task: {e}"))?
    })
}

/// A reqwest client whose pool keeps up to `streams` idle connections.
fn pool_client(streams: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(streams)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| e.to_string())
}

async fn many(
    client: AnyClient,
    streams: usize,
    chunks: usize,
    expected_bytes: usize,
) -> Result<(), String> {
    let rss_before = measure::rss_kib();
    let before = measure::usage();
    let opened = Arc::new(Barrier::new(streams + 1));
    let (go_tx, go_rx) = watch::channel(false);
    let mut tasks = Vec::with_capacity(streams);
    for _ in 0..streams {
        let (client, opened, mut go) = (client.clone(), opened.clone(), go_rx.clone());
        tasks.push(tokio::spawn(async move {
            one(&client, &opened, &mut go, chunks, expected_bytes).await
        }));
    }
    opened.wait().await;
    let rss_open = measure::rss_kib();
    go_tx
        .send(true)
        .map_err(|_| "every stream is gone".to_owned())?;
    let mut walls = Vec::with_capacity(streams);
    for task in tasks {
        walls.push(task.await.map_err(|e| format!("task: {e}"))??);
    }
    let after = measure::usage();
    walls.sort();
    let median = walls[walls.len() / 2];
    let slowest = walls[walls.len() - 1];
    let cpu = after.cpu.saturating_sub(before.cpu);
    println!(
        "{}",
        serde_json::json!({
            "streams": streams,
            "chunks": (streams * chunks) as u64,
            "cpu_ns": cpu.as_nanos() as u64,
            "rss_before_kib": rss_before,
            "rss_open_kib": rss_open,
            "max_rss_kib": after.max_rss_kib,
            "median_wall_ms": median.as_secs_f64() * 1e3,
            "slowest_wall_ms": slowest.as_secs_f64() * 1e3,
        })
    );
    Ok(())
}

/// One stream: open it, take one event, wait for the others, then read it to the
/// end; returns its wall time from the start signal.
async fn one(
    client: &AnyClient,
    opened: &Barrier,
    go: &mut watch::Receiver<bool>,
    chunks: usize,
    expected_bytes: usize,
) -> Result<Duration, String> {
    let mut sink = Sink::new(false);
    let started = match client {
        AnyClient::Ours(client) => {
            let mut stream = ours::open(client).await?;
            ours::next(&mut stream, &mut sink).await?;
            opened.wait().await;
            go.wait_for(|go| *go).await.map_err(|e| e.to_string())?;
            let started = Instant::now();
            while ours::next(&mut stream, &mut sink).await? {}
            started
        }
        AnyClient::Floor(client, url) => {
            let mut stream = crate::floor::Stream::open(client, url).await?;
            stream.next_bytes(&mut sink).await?;
            opened.wait().await;
            go.wait_for(|go| *go).await.map_err(|e| e.to_string())?;
            let started = Instant::now();
            while stream.next_bytes(&mut sink).await? {}
            started
        }
    };
    let wall = started.elapsed();
    if sink.texts != chunks || sink.text_bytes != expected_bytes || !sink.done {
        return Err(format!(
            "a stream ended with {} of {chunks} text deltas",
            sink.texts
        ));
    }
    Ok(wall)
}
