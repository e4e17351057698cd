//! Stream decoding throughput: a recorded 10,000-chunk stream decoded from memory
//! (ours, a naive re-scanning peer, SSE framing alone), and the same stream served
//! over loopback by the simulator and read through the provider.
// Benchmark setup failures should abort the run loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use oac_provider::ProviderConfig;
use oac_provider::sse::SseDecoder;
use oac_provider::{ChatRequest, EventDecoder, OpenAiCompatible, Provider, StreamEvent};
use oac_testkit::{Chunking, Reply, Simulator, fixtures};
use oac_url::{ResolveOptions, resolve};

const CHUNKS: usize = 10_000;
/// A typical network read size.
const READ: usize = 4096;

/// Ours: bytes in reads of `read` bytes → typed events. Returns the text deltas seen.
fn decode_events(body: &[u8], read: usize) -> usize {
    let mut decoder = EventDecoder::new();
    let mut texts = 0;
    let mut take = |decoder: &mut EventDecoder| {
        while let Some(event) = decoder.next_event() {
            if let StreamEvent::TextDelta(t) = event.unwrap() {
                black_box(t);
                texts += 1;
            }
        }
    };
    for part in body.chunks(read) {
        decoder.feed(part);
        take(&mut decoder);
    }
    decoder.end_of_input();
    take(&mut decoder);
    texts
}

/// A naive peer, as often written: keep a buffer, re-decode and re-scan all of it
/// for `\n\n` after every read, copy the rest after each event, parse each event
/// into a `serde_json::Value`.
fn naive_decode(body: &[u8], read: usize) -> usize {
    let mut buffer: Vec<u8> = Vec::new();
    let mut texts = 0;
    for part in body.chunks(read) {
        buffer.extend_from_slice(part);
        loop {
            let text = String::from_utf8_lossy(&buffer).into_owned();
            let Some(end) = text.find("\n\n") else { break };
            for line in text[..end].lines() {
                let Some(data) = line.strip_prefix("data: ") else {
                    continue;
                };
                if data == "[DONE]" {
                    continue;
                }
                let value: serde_json::Value = serde_json::from_str(data).unwrap();
                if let Some(content) = value["choices"][0]["delta"]["content"].as_str()
                    && !content.is_empty()
                {
                    black_box(content.to_owned());
                    texts += 1;
                }
            }
            buffer = text.as_bytes()[end + 2..].to_vec();
        }
    }
    texts
}

/// SSE framing alone (no JSON).
fn frame_only(body: &[u8], read: usize) -> usize {
    let mut decoder = SseDecoder::new();
    let mut events = 0;
    for part in body.chunks(read) {
        decoder.feed(part);
        while let Some(event) = decoder.next_event() {
            black_box(event.unwrap().data.len());
            events += 1;
        }
    }
    events
}

fn decode(c: &mut Criterion) {
    let body = fixtures::long_stream(CHUNKS);
    assert_eq!(decode_events(&body, READ), naive_decode(&body, READ));
    let mut group = c.benchmark_group("decode_10k_chunks");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    group.bench_function("events_4k_reads", |b| {
        b.iter(|| decode_events(black_box(&body), READ))
    });
    group.bench_function("events_64b_reads", |b| {
        b.iter(|| decode_events(black_box(&body), 64))
    });
    group.bench_function("naive_peer_4k_reads", |b| {
        b.iter(|| naive_decode(black_box(&body), READ))
    });
    group.bench_function("sse_framing_only_4k_reads", |b| {
        b.iter(|| frame_only(black_box(&body), READ))
    });
    group.finish();
}

fn loopback(c: &mut Criterion) {
    let body = fixtures::long_stream(CHUNKS);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("loopback_10k_chunks");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    // One write per event (as providers stream), and 16 KiB writes (the client's
    // ceiling when the server is not the bottleneck).
    for (name, chunking) in [
        ("write_per_event", Chunking::PerEvent),
        ("writes_of_16k", Chunking::Bytes(16 * 1024)),
    ] {
        let reply = Reply::raw_sse(body.clone()).chunking(chunking);
        let sim = runtime.block_on(Simulator::builder().default_reply(reply).start());
        let endpoints = resolve(&sim.base_url(), &ResolveOptions::default()).unwrap();
        let provider = OpenAiCompatible::new(ProviderConfig::new(endpoints, "sim-model")).unwrap();
        let read_all = || async {
            let mut stream = provider
                .chat_stream(ChatRequest::new().user("go"))
                .await
                .unwrap();
            let mut texts = 0usize;
            while let Some(event) = stream.next().await {
                if let StreamEvent::TextDelta(t) = event.unwrap() {
                    black_box(t);
                    texts += 1;
                }
            }
            texts
        };
        assert_eq!(runtime.block_on(read_all()), CHUNKS);
        group.bench_function(name, |b| b.iter(|| runtime.block_on(read_all())));

        // The peer measured in the same run: plain reqwest reading the same
        // response as raw bytes, no decoding at all — the floor the transport and
        // the loopback socket impose. Ours ÷ this is our whole overhead.
        let client = reqwest::Client::new();
        let url = format!("{}/chat/completions", sim.base_url());
        let raw_bytes = || async {
            let response = client
                .post(&url)
                .header("content-type", "application/json")
                .body(r#"{"model":"sim-model","stream":true,"messages":[{"role":"user","content":"go"}]}"#)
                .send()
                .await
                .unwrap();
            let mut bytes = response.bytes_stream();
            let mut total = 0usize;
            while let Some(chunk) = bytes.next().await {
                total += black_box(chunk.unwrap()).len();
            }
            total
        };
        assert_eq!(runtime.block_on(raw_bytes()), body.len());
        group.bench_function(format!("{name}_raw_reqwest_peer"), |b| {
            b.iter(|| runtime.block_on(raw_bytes()))
        });
        drop(sim);
    }
    group.finish();
}

criterion_group!(benches, decode, loopback);
criterion_main!(benches);
