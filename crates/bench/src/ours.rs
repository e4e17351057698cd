//! Our client, as a program uses it: `oac::Client` built from a base URL, key and
//! model, `client.chat().user(…).stream()`, events taken one by one. And the
//! decode path alone ([`EventDecoder`]) for the instruction counts.

use oac::provider::EventDecoder;
use oac::{Client, ReplyStream, StreamEvent};

use crate::client::{BenchClient, BoxFuture};
use crate::{Impl, Sink};

impl BenchClient for Client {
    const IMPL: Impl = Impl::Ours;

    fn connect(base_url: &str) -> Result<Self, String> {
        client(base_url)
    }

    fn request<'a>(&'a self, sink: &'a mut Sink) -> BoxFuture<'a> {
        Box::pin(request(self, sink))
    }
}

/// Our client for `base_url` (`http://127.0.0.1:PORT/chunked/v1`, say).
pub fn client(base_url: &str) -> Result<Client, String> {
    client_on(base_url, None)
}

/// Our client on the caller's `reqwest::Client` when given (the 1,000-stream run
/// sizes the pool itself).
pub fn client_on(base_url: &str, http: Option<reqwest::Client>) -> Result<Client, String> {
    let mut builder = Client::builder()
        .base_url(base_url)
        .api_key("sk-bench")
        .model("bench-model");
    if let Some(http) = http {
        builder = builder.http_client(http);
    }
    builder.build().map_err(|e| e.to_string())
}

/// One streamed request with our client.
pub async fn request(client: &Client, sink: &mut Sink) -> Result<(), String> {
    let mut stream = open(client).await?;
    while next(&mut stream, sink).await? {}
    Ok(())
}

/// Sends the request; the stream is open once the headers are in.
pub async fn open(client: &Client) -> Result<ReplyStream, String> {
    client
        .chat()
        .user("go")
        .stream()
        .await
        .map_err(|e| e.to_string())
}

/// Takes the next event into `sink`; false at the stream's end (the sink is then
/// marked done).
pub async fn next(stream: &mut ReplyStream, sink: &mut Sink) -> Result<bool, String> {
    match stream.next().await {
        Some(event) => {
            take(event.map_err(|e| e.to_string())?, sink);
            Ok(true)
        }
        None => {
            sink.done = true;
            Ok(false)
        }
    }
}

/// What both clients do with an event: text and usage into the sink.
pub fn take(event: StreamEvent, sink: &mut Sink) {
    match event {
        StreamEvent::TextDelta(text) => sink.text(&text),
        StreamEvent::Usage(report) => {
            sink.usage = Some((report.usage.input_total, report.usage.output_total));
        }
        _ => {}
    }
}

/// The decode path alone: `pieces` fed one by one into an [`EventDecoder`].
pub fn decode(pieces: &[&[u8]], sink: &mut Sink) -> Result<(), String> {
    let mut decoder = EventDecoder::new();
    for piece in pieces {
        decoder.feed(piece);
        while let Some(event) = decoder.next_event() {
            take(event.map_err(|e| e.to_string())?, sink);
        }
    }
    decoder.end_of_input();
    while let Some(event) = decoder.next_event() {
        take(event.map_err(|e| e.to_string())?, sink);
    }
    sink.done = decoder.is_done();
    Ok(())
}
