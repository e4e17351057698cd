//! The loopback server: one process of its own (its CPU is never counted), answering
//! every `POST …/chat/completions` with the same pre-rendered 10,000-chunk stream,
//! in one of two framings chosen by the path:
//!
//! - `/chunked/v1/chat/completions`: `Transfer-Encoding: chunked`, one HTTP chunk per
//!   SSE event (what providers send: each event flushed as it is generated);
//! - `/body/v1/chat/completions`: one `Content-Length` body holding every event.
//!
//! The whole response is rendered once and written with one `write_all`, so the
//! server is never the bottleneck and both clients see the same bytes in the same
//! framing; any other path (the client's model discovery) gets a 404.

use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The two responses, rendered once.
struct Replies {
    chunked: Bytes,
    body: Bytes,
}

/// The SSE events of the reply (the testkit's recorded-shape long stream: OpenAI
/// chunk objects with `id`, `object`, `created`, `model`, `system_fingerprint`,
/// `logprobs`, then a finish chunk, a usage chunk and `[DONE]`).
pub fn events(chunks: usize) -> Bytes {
    oac_testkit::fixtures::long_stream(chunks)
}

/// Each SSE event of `body` (with its blank line), in order.
pub fn split_events(body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(at) = memchr::memmem::find(rest, b"\n\n") {
        let (event, tail) = rest.split_at(at + 2);
        out.push(event);
        rest = tail;
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn render(chunks: usize) -> Replies {
    let sse = events(chunks);
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n";
    let mut chunked = format!("{head}transfer-encoding: chunked\r\n\r\n").into_bytes();
    for event in split_events(&sse) {
        chunked.extend_from_slice(format!("{:x}\r\n", event.len()).as_bytes());
        chunked.extend_from_slice(event);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut body = format!("{head}content-length: {}\r\n\r\n", sse.len()).into_bytes();
    body.extend_from_slice(&sse);
    Replies {
        chunked: Bytes::from(chunked),
        body: Bytes::from(body),
    }
}

const NOT_FOUND: &[u8] =
    b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// Serves until killed; prints `listening http://127.0.0.1:PORT` once bound.
pub fn serve(chunks: usize) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("server runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| format!("bind: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        println!("listening http://127.0.0.1:{port}");
        let replies = Arc::new(render(chunks));
        loop {
            let (socket, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let replies = replies.clone();
            tokio::spawn(async move {
                // A client that goes away mid-reply is normal (the bench ends).
                let _ = connection(socket, &replies).await;
            });
        }
    })
}

/// One keep-alive connection: requests in, replies out, until the client closes.
async fn connection(mut socket: TcpStream, replies: &Replies) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(4096);
    loop {
        let Some((head_end, body_len, path)) = read_head(&mut socket, &mut buf).await? else {
            return Ok(());
        };
        while buf.len() < head_end + body_len {
            let mut more = [0u8; 4096];
            let n = socket.read(&mut more).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&more[..n]);
        }
        buf.drain(..head_end + body_len);
        let reply: &[u8] = if !path.ends_with("/chat/completions") {
            NOT_FOUND
        } else if path.starts_with("/chunked/") {
            &replies.chunked
        } else if path.starts_with("/body/") {
            &replies.body
        } else {
            NOT_FOUND
        };
        socket.write_all(reply).await?;
    }
}

/// Reads until a request head is buffered: (head length, content length, path).
async fn read_head(
    socket: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<(usize, usize, String)>> {
    loop {
        if let Some(at) = memchr::memmem::find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..at]).into_owned();
            let path = head
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let body_len = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .unwrap_or(0);
            return Ok(Some((at + 4, body_len, path)));
        }
        let mut more = [0u8; 4096];
        let n = socket.read(&mut more).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&more[..n]);
    }
}
