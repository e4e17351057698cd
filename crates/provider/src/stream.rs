//! [`ChatStream`]: the events of a streamed reply, read straight from the socket.
//!
//! The stream polls the HTTP body itself: no task, no channel. Each poll decodes
//! what is buffered, and reads the socket only when no event is ready. Each chunk
//! of bytes moves the idle deadline (the time of the last data is noted, the timer
//! itself is re-armed only when it fires: one timer operation per idle period, not
//! one per chunk; and while the timer holds this task's waker and has not fired it
//! is not polled at all); the whole-request deadline keeps running. A large socket
//! read is handed to the decoder `FEED_BYTES` (16 KiB) at a time. Dropping the stream
//! drops the body, which closes the connection.
//!
//! A stream can also carry events from anywhere else ([`ChatStream::from_stream`],
//! in `foreign`): then each poll is one poll of that stream, and the HTTP path is
//! not involved (one branch per poll tells them apart; nothing is boxed per event).
//!
//! The request span (see [`crate::spans`]) lives here until the stream ends; it is
//! never entered per poll, and fields are recorded only on the events that carry
//! them (the finish reason and usage), so a chunk costs nothing more with tracing on.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use oac_pricing::ModelPrices;
use reqwest::header::HeaderMap;
use tokio::time::{Instant, Sleep};

use crate::assemble::{Collector, StreamMetadata};
use crate::classify::{self, Exchange, Phase};
use crate::decode::EventDecoder;
use crate::error::{Error, TimeoutKind};
use crate::response::{ChatResponse, StreamEvent};

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// Most bytes handed to the decoder at once. A socket read can be far larger
/// (hyper reads up to ~400 KiB when data waits); decoding it a slice at a time
/// keeps the decoder's buffer at one slice plus a partial event, and the bytes
/// it copies still in cache when they are parsed.
const FEED_BYTES: usize = 16 * 1024;

/// How long a finished reply waits for the end of its HTTP body. hyper puts a
/// connection back in the pool only once its body has been read to the end; a
/// stream that stopped at `[DONE]` while the body's last chunk was still on its way
/// made the caller's next request open a second connection (each keeps a read
/// buffer of up to ~0.5 MiB; `cargo xtask bench`, memory). The end follows `[DONE]`
/// at once from every server seen; one that keeps the body open costs the caller
/// this much at the end of the stream, once.
const DRAIN_GRACE: Duration = Duration::from_millis(50);

/// Most body bytes read and dropped after the reply ended, while waiting for the
/// body's end (a server that keeps sending is not read forever).
const DRAIN_BYTES: usize = 64 * 1024;

/// How many times a stream whose body ended yields to the runtime before it reports
/// its end. On a multi-thread runtime the connection goes back to the pool in a task
/// of its own, often on the other worker, a few microseconds after the body's end
/// reached us; a caller whose next request looked into the pool first raced it and
/// opened a second connection (with its own read buffer, up to ~0.5 MiB). Three
/// yields let that task run: with 20 streamed requests in a row on two workers, one
/// connection in 11 of 12 processes instead of two in all 12 (`strace -e connect`
/// over `oac-bench-ours --runtime mt`). It is best effort, not a guarantee; a
/// stream without a body never yields.
const END_YIELDS: u8 = 3;

/// Settings a stream needs from its provider.
#[derive(Clone, Debug)]
pub(crate) struct StreamSettings {
    /// Which API's events the stream carries.
    pub(crate) api: oac_url::WireApi,
    pub(crate) parse_think_tags: bool,
    pub(crate) prices: Arc<ModelPrices>,
    pub(crate) max_event_bytes: usize,
    /// Largest assembled reply (see [`Limits`](crate::Limits)).
    pub(crate) max_reply_bytes: usize,
    /// Most tool calls in a reply.
    pub(crate) max_tool_calls: usize,
    pub(crate) idle_timeout: Duration,
    /// From the headers to the first content (`None`: off).
    pub(crate) first_content_timeout: Option<Duration>,
    pub(crate) total_timeout: Duration,
    pub(crate) connect_timeout: Duration,
}

/// The events of a streamed chat reply: a [`Stream`] of
/// `Result<StreamEvent, Error>`.
///
/// It ends after `[DONE]`, or when the connection closes after a finish reason; a
/// close before either yields [`Error::StreamEndedEarly`]. After an error it yields
/// nothing more. Dropping it mid-way closes the connection.
///
/// The built-in providers read it from the HTTP response; any other
/// [`Provider`](crate::Provider) makes one from its own events with
/// [`from_stream`](ChatStream::from_stream).
pub struct ChatStream {
    body: Option<ByteStream>,
    /// Bytes received and not yet handed to the decoder.
    unfed: Bytes,
    decoder: EventDecoder,
    timer: Option<Pin<Box<Sleep>>>,
    /// The waker the timer was last polled with: while a poll's waker would wake
    /// the same task and the timer has not fired, the timer is not polled again.
    timer_waker: Option<Waker>,
    idle_timeout: Duration,
    /// When data last arrived: the idle deadline is this plus `idle_timeout`. Before
    /// the first content any bytes count (keep-alives too), after it data events.
    last_data: Instant,
    /// When the last bytes arrived.
    fed_at: Instant,
    /// [`EventDecoder::data_events`] when `last_data` was last moved.
    data_seen: u64,
    /// The first-content deadline, while no content has come.
    first_content_by: Option<Instant>,
    first_content_timeout: Duration,
    total_timeout: Duration,
    connect_timeout: Duration,
    deadline: Instant,
    closed: bool,
    /// Once the reply ended: until when the end of the body is waited for.
    drain_until: Option<Instant>,
    /// Body bytes dropped after the reply ended.
    drained: usize,
    /// Yields made since the body ended (see [`END_YIELDS`]).
    end_yields: u8,
    /// The HTTP status of the response (errors inside the stream keep it).
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    /// Events from a source other than HTTP ([`ChatStream::from_stream`]).
    foreign: Option<foreign::ForeignEvents>,
    /// The request span, open until the stream ends (disabled when not traced).
    span: tracing::Span,
}

impl fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatStream")
            .field("host", &self.decoder.exchange().host())
            .field("decoder", &self.decoder)
            .field("request_id", &self.request_id)
            .field("foreign", &self.foreign.is_some())
            .finish()
    }
}

impl ChatStream {
    /// A stream reading SSE from `body`.
    pub(crate) fn from_body(
        body: ByteStream,
        status: u16,
        headers: HeaderMap,
        exchange: Exchange,
        deadline: Instant,
        settings: &StreamSettings,
    ) -> Self {
        let now = Instant::now();
        let first_content_by = settings
            .first_content_timeout
            .map(|limit| crate::time::deadline_after(now, limit));
        let idle_at = crate::time::deadline_after(now, settings.idle_timeout).min(deadline);
        let wake_at = first_content_by.map_or(idle_at, |by| idle_at.min(by));
        ChatStream {
            body: Some(body),
            unfed: Bytes::new(),
            decoder: EventDecoder::for_exchange(
                settings.parse_think_tags,
                settings.prices.clone(),
                &crate::transport::Limits {
                    max_event_bytes: settings.max_event_bytes,
                    max_reply_bytes: settings.max_reply_bytes,
                    max_tool_calls: settings.max_tool_calls,
                    ..crate::transport::Limits::default()
                },
                exchange,
                headers.clone(),
            )
            .with_api(settings.api),
            timer: Some(Box::pin(tokio::time::sleep_until(wake_at))),
            timer_waker: None,
            idle_timeout: settings.idle_timeout,
            last_data: now,
            fed_at: now,
            data_seen: 0,
            first_content_by,
            first_content_timeout: settings.first_content_timeout.unwrap_or_default(),
            total_timeout: settings.total_timeout,
            connect_timeout: settings.connect_timeout,
            deadline,
            closed: false,
            drain_until: None,
            drained: 0,
            end_yields: 0,
            status,
            request_id: classify::request_id(&headers),
            headers,
            foreign: None,
            span: tracing::Span::none(),
        }
    }

    /// A stream of ready events (a server that answered with one JSON body).
    pub(crate) fn from_events(
        events: VecDeque<StreamEvent>,
        meta: StreamMetadata,
        status: u16,
        headers: HeaderMap,
        exchange: Exchange,
        settings: &StreamSettings,
    ) -> Self {
        ChatStream {
            body: None,
            unfed: Bytes::new(),
            decoder: EventDecoder::finished_with(events, meta, exchange),
            timer: None,
            timer_waker: None,
            idle_timeout: settings.idle_timeout,
            last_data: Instant::now(),
            fed_at: Instant::now(),
            data_seen: 0,
            first_content_by: None,
            first_content_timeout: Duration::ZERO,
            total_timeout: settings.total_timeout,
            connect_timeout: settings.connect_timeout,
            deadline: Instant::now(),
            closed: false,
            drain_until: None,
            drained: 0,
            end_yields: 0,
            status,
            request_id: classify::request_id(&headers),
            headers,
            foreign: None,
            span: tracing::Span::none(),
        }
    }

    /// The `x-request-id` of the response.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status of the response (a success status: failures before the
    /// stream are errors of [`chat_stream`](crate::Provider::chat_stream)).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Id, model, created and unknown top-level fields seen so far.
    pub fn metadata(&self) -> &StreamMetadata {
        self.decoder.metadata()
    }

    /// Read the whole stream into one [`ChatResponse`] (text and reasoning joined,
    /// complete tool calls, finish reason, usage).
    ///
    /// A reply is never kept beyond its limits ([`Error::TooLarge`]): an HTTP
    /// stream's are the provider's ([`Limits`](crate::Limits)), a stream made with
    /// [`from_stream`](ChatStream::from_stream) is held to the default ones (64 MiB
    /// of text, reasoning, tool calls and unknown fields; 1024 tool calls).
    pub async fn collect_response(mut self) -> Result<ChatResponse, Error> {
        // The decoder bounds an HTTP reply as it reads it; events from elsewhere are
        // bounded here, by the default limits.
        let mut collector = if self.foreign.is_some() {
            Collector::checking(crate::transport::Limits::default())
        } else {
            Collector::default()
        };
        while let Some(event) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            if let Err(outgrown) = collector.push(event?) {
                let exchange = self.decoder.exchange();
                let error = Error::TooLarge {
                    what: outgrown.what,
                    host: exchange.host(),
                    limit: outgrown.limit,
                    unit: outgrown.unit,
                    setting: outgrown.setting,
                    details: exchange.details(),
                };
                self.close();
                return Err(error);
            }
        }
        let meta = self.decoder.take_metadata();
        let mut response = collector.finish(meta);
        response.request_id = self.request_id.take();
        response.headers = std::mem::take(&mut self.headers);
        Ok(response)
    }

    /// Move the idle deadline when data events were decoded since the last look,
    /// and drop the first-content deadline once content came. A couple of integer
    /// compares per event; no clock read, no timer touched.
    fn note_progress(&mut self) {
        let seen = self.decoder.data_events();
        if seen != self.data_seen {
            self.data_seen = seen;
            self.last_data = self.fed_at;
        }
        if self.first_content_by.is_some() && self.decoder.has_content() {
            self.first_content_by = None;
        }
    }

    /// What decides when a timeout may fire (copied, so the timer can be borrowed).
    fn clock(&self) -> Clock {
        Clock {
            last_data: self.last_data,
            idle_timeout: self.idle_timeout,
            deadline: self.deadline,
            first_content_by: self.first_content_by,
        }
    }

    /// Keep the request span open until the stream ends.
    pub(crate) fn attach_span(&mut self, span: tracing::Span) {
        self.span = span;
    }

    fn close(&mut self) {
        self.closed = true;
        self.body = None;
        self.unfed = Bytes::new();
        self.timer = None;
        self.timer_waker = None;
        // The end of the stream is the end of the request span.
        self.span = tracing::Span::none();
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<StreamEvent, Error>>> {
        crate::spans::record_error(&self.span, &error);
        self.close();
        Poll::Ready(Some(Err(error.with_response(self.status, &self.headers))))
    }

    /// After the reply ended: read the body to its end, so the connection goes back
    /// to the pool before the caller's next request looks for one. Waits at most
    /// [`DRAIN_GRACE`] (never past the total deadline) and drops at most
    /// [`DRAIN_BYTES`]; a stream without a body or timer (`from_events`,
    /// `from_stream`) ends at once. A body read to its end is followed by
    /// [`END_YIELDS`] yields, so the pool gets its connection back first; so is a
    /// body that ended before the reply did. Then the stream ends.
    fn finish_body(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<StreamEvent, Error>>> {
        if let Some(body) = self.body.as_mut() {
            loop {
                match body.as_mut().poll_next(cx) {
                    Poll::Ready(Some(Ok(bytes))) => {
                        self.drained = self.drained.saturating_add(bytes.len());
                        if self.drained > DRAIN_BYTES {
                            break;
                        }
                    }
                    Poll::Ready(None) => {
                        self.body = None;
                        break;
                    }
                    Poll::Ready(_) => break,
                    Poll::Pending => {
                        let Some(timer) = self.timer.as_mut() else {
                            break;
                        };
                        let deadline = self.deadline;
                        let until = *self.drain_until.get_or_insert_with(|| {
                            crate::time::deadline_after(Instant::now(), DRAIN_GRACE).min(deadline)
                        });
                        // The timer now waits for the grace's end, not a deadline
                        // of the reply.
                        self.timer_waker = None;
                        if timer.deadline() != until {
                            timer.as_mut().reset(until);
                        }
                        if Instant::now() >= until || timer.as_mut().poll(cx).is_ready() {
                            break;
                        }
                        return Poll::Pending;
                    }
                }
            }
        }
        if self.body.is_none() && self.timer.is_some() && self.end_yields < END_YIELDS {
            self.end_yields += 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.close();
        Poll::Ready(None)
    }

    fn timeout(&self) -> Error {
        let now = Instant::now();
        let (which, after) = if now >= self.deadline {
            (TimeoutKind::Total, self.total_timeout)
        } else if self.first_content_by.is_some_and(|by| now >= by) {
            (TimeoutKind::FirstContent, self.first_content_timeout)
        } else {
            (TimeoutKind::StreamIdle, self.idle_timeout)
        };
        let exchange = self.decoder.exchange();
        Error::Timeout {
            which,
            after,
            host: exchange.host(),
            details: exchange.details(),
        }
    }
}

/// The deadlines of a stream at one moment.
#[derive(Clone, Copy)]
struct Clock {
    last_data: Instant,
    idle_timeout: Duration,
    deadline: Instant,
    first_content_by: Option<Instant>,
}

impl Clock {
    /// The next moment a timeout may fire: the idle deadline, the whole-request
    /// deadline, and the first-content deadline while no content has come.
    fn wake_at(self) -> Instant {
        let idle =
            crate::time::deadline_after(self.last_data, self.idle_timeout).min(self.deadline);
        match self.first_content_by {
            Some(by) => idle.min(by),
            None => idle,
        }
    }
}

impl Stream for ChatStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.foreign.is_some() {
            return this.poll_foreign(cx);
        }
        loop {
            if this.closed {
                return Poll::Ready(None);
            }
            let next = this.decoder.next_event();
            this.note_progress();
            match next {
                Some(Ok(event)) => {
                    if matches!(event, StreamEvent::Finish(_) | StreamEvent::Usage(_)) {
                        crate::spans::record_event(&this.span, &event, this.decoder.metadata());
                    }
                    return Poll::Ready(Some(Ok(event)));
                }
                Some(Err(error)) => return this.fail(error),
                None => {}
            }
            if this.decoder.is_finished() {
                return this.finish_body(cx);
            }
            if !this.unfed.is_empty() {
                // What the socket delivered is handed to the decoder a slice at a
                // time, so it never copies more than a slice ahead of the events.
                let slice = this.unfed.split_to(this.unfed.len().min(FEED_BYTES));
                this.decoder.feed(&slice);
                continue;
            }
            let Some(body) = this.body.as_mut() else {
                // Input over: the decoder decides between a proper end and an early
                // one, and hands out what it still holds.
                this.decoder.end_of_input();
                if this.decoder.is_finished() {
                    // Ended with the body: the same end as after `[DONE]` (the
                    // yields that let the pool take the connection back first).
                    return this.finish_body(cx);
                }
                continue;
            };
            match body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => {
                    this.unfed = bytes;
                    if let Some(error) = this.deadline_passed_on_data() {
                        return this.fail(error);
                    }
                }
                Poll::Ready(Some(Err(error))) => this.body_broke(error),
                Poll::Ready(None) => this.body = None,
                Poll::Pending => return this.wait(cx),
            }
        }
    }
}

impl ChatStream {
    /// Data arrived: the whole-request and first-content deadlines are checked (data
    /// that never pauses, or keep-alives that never stop, must not outlive them) and
    /// the idle clock moves. The timeout error when one has passed.
    #[inline]
    fn deadline_passed_on_data(&mut self) -> Option<Error> {
        // No timer: a stream without a body (`from_events`, `from_stream`).
        self.timer.as_ref()?;
        let now = Instant::now();
        if now >= self.deadline {
            return Some(self.timeout());
        }
        self.fed_at = now;
        if self.first_content_by.is_some_and(|by| now >= by) {
            return Some(self.timeout());
        }
        if !self.decoder.has_content() {
            // Before the first content, keep-alives prove the server is alive (a
            // reasoning model may think for minutes).
            self.last_data = now;
        }
        None
    }

    /// The body failed mid-stream: the decoder is told why, and ends the stream with
    /// the error its position calls for.
    fn body_broke(&mut self, error: reqwest::Error) {
        self.body = None;
        let exchange = self.decoder.exchange().clone();
        let cause =
            match classify::transport_error(error, Phase::Body, &exchange, self.connect_timeout) {
                Error::Connection { cause, .. } => format!("the connection broke: {cause}"),
                other => other.to_string(),
            };
        self.decoder.broken(cause);
    }

    /// Nothing to read yet: the timer is armed for the next deadline (unless it
    /// already holds this task's waker and has not fired), or the timeout ends the
    /// stream.
    #[inline]
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<StreamEvent, Error>>> {
        let clock = self.clock();
        if let Some(timer) = self.timer.as_mut() {
            // The timer already holds this task's waker and has not fired: it will
            // wake us, nothing to register.
            let registered = self
                .timer_waker
                .as_ref()
                .is_some_and(|waker| waker.will_wake(cx.waker()));
            if registered && !timer.is_elapsed() {
                return Poll::Pending;
            }
            // The timer may be armed for an idle deadline that data has since moved:
            // when it fires, re-arm it for the real one.
            while timer.as_mut().poll(cx).is_ready() {
                let wake_at = clock.wake_at();
                if Instant::now() >= wake_at {
                    let error = self.timeout();
                    return self.fail(error);
                }
                timer.as_mut().reset(wake_at);
            }
            self.timer_waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

mod foreign;

#[cfg(test)]
mod tests;
