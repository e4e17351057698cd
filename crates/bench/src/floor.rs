//! The floor: the least a streaming client can do on reqwest. `bytes_stream`, a line
//! splitter over one reused buffer, and borrowed `serde_json` structs that decode
//! the text delta and the usage and nothing else (unknown fields skipped, no
//! tree, no owned strings unless the JSON has escapes).

use std::borrow::Cow;

use futures_util::StreamExt;
use serde::Deserialize;

use crate::client::{BenchClient, BoxFuture, chat_url, floor_client};
use crate::{Impl, Sink};

/// The floor client: reqwest's client and the chat URL.
#[derive(Clone)]
pub struct FloorClient {
    http: reqwest::Client,
    url: String,
}

impl BenchClient for FloorClient {
    const IMPL: Impl = Impl::Floor;

    fn connect(base_url: &str) -> Result<Self, String> {
        Ok(FloorClient {
            http: floor_client()?,
            url: chat_url(base_url),
        })
    }

    fn request<'a>(&'a self, sink: &'a mut Sink) -> BoxFuture<'a> {
        Box::pin(request(&self.http, &self.url, sink))
    }
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    choices: Vec<Choice<'a>>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// Line splitting and chunk decoding: bytes in, text and usage into a [`Sink`].
#[derive(Default)]
pub struct FloorDecoder {
    buf: Vec<u8>,
}

impl FloorDecoder {
    /// Decodes every complete line of `bytes` (with what was left of the last call).
    pub fn feed(&mut self, bytes: &[u8], sink: &mut Sink) -> Result<(), String> {
        self.buf.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(at) = memchr::memchr(b'\n', &self.buf[start..]) {
            let line = &self.buf[start..start + at];
            start += at + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let Some(data) = line.strip_prefix(b"data:") else {
                continue;
            };
            let data = data.strip_prefix(b" ").unwrap_or(data);
            if data == b"[DONE]" {
                sink.done = true;
                continue;
            }
            let chunk: Chunk<'_> = serde_json::from_slice(data).map_err(|e| e.to_string())?;
            for choice in chunk.choices {
                if let Some(text) = choice.delta.and_then(|d| d.content) {
                    sink.text(&text);
                }
            }
            if let Some(usage) = chunk.usage {
                sink.usage = Some((usage.prompt_tokens, usage.completion_tokens));
            }
        }
        self.buf.drain(..start);
        Ok(())
    }
}

/// One streamed request with the floor client.
pub async fn request(client: &reqwest::Client, url: &str, sink: &mut Sink) -> Result<(), String> {
    let mut bytes = send(client, url).await?.bytes_stream();
    let mut decoder = FloorDecoder::default();
    while let Some(chunk) = bytes.next().await {
        decoder.feed(&chunk.map_err(|e| e.to_string())?, sink)?;
    }
    Ok(())
}

/// A floor stream read piece by piece (the many-stream run holds them open).
pub struct Stream {
    bytes:
        std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    decoder: FloorDecoder,
}

impl Stream {
    /// Sends the request; the stream is open once the headers are in.
    pub async fn open(client: &reqwest::Client, url: &str) -> Result<Self, String> {
        Ok(Stream {
            bytes: Box::pin(send(client, url).await?.bytes_stream()),
            decoder: FloorDecoder::default(),
        })
    }

    /// Decodes the next piece of the body; false at its end.
    pub async fn next_bytes(&mut self, sink: &mut Sink) -> Result<bool, String> {
        match self.bytes.next().await {
            Some(chunk) => {
                self.decoder
                    .feed(&chunk.map_err(|e| e.to_string())?, sink)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

async fn send(client: &reqwest::Client, url: &str) -> Result<reqwest::Response, String> {
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .bearer_auth("sk-bench")
        .body(
            r#"{"model":"bench-model","stream":true,"messages":[{"role":"user","content":"go"}]}"#,
        )
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    Ok(response)
}
