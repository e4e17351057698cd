//! [`ReplyStream`]: a provider's event stream that adds its usage to the client's
//! tracker exactly once.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use oac_provider::{ChatResponse, ChatStream, StreamEvent, StreamMetadata};

use crate::error::Error;
use crate::record::{Pending, Seen};
use crate::tracking::SharedTracker;

/// The events of a streamed reply, as they arrive: a [`Stream`] of
/// `Result<StreamEvent, Error>`, also readable without any stream trait through
/// [`next`](ReplyStream::next).
///
/// Its usage is added to the [`Client`](crate::Client)'s tracker when the
/// [`StreamEvent::Usage`] event passes; a stream that ends, fails or is dropped without
/// one counts as a request whose usage was not reported. An error is the last item:
/// after it the stream yields `None` (and [`request_id`](ReplyStream::request_id) and
/// [`metadata`](ReplyStream::metadata) are gone with the connection). Dropping it
/// mid-way closes the connection.
///
/// The client's [`UsageRecorder`](crate::UsageRecorder), when set, is told once, when
/// the stream ends, fails, is collected or is dropped.
pub struct ReplyStream {
    inner: Option<ChatStream>,
    tracker: SharedTracker,
    recorded: bool,
    /// The record of this request, until it is written.
    pending: Option<Pending>,
}

impl fmt::Debug for ReplyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyStream")
            .field("inner", &self.inner)
            .field("recorded", &self.recorded)
            .finish()
    }
}

impl ReplyStream {
    pub(crate) fn new(inner: ChatStream, tracker: SharedTracker, pending: Option<Pending>) -> Self {
        ReplyStream {
            inner: Some(inner),
            tracker,
            recorded: false,
            pending,
        }
    }

    /// The next event; `None` once the reply is complete (or after an error).
    ///
    /// ```
    /// # use oac::{Client, StreamEvent};
    /// # use oac_testkit::{Reply, Simulator};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), oac::Error> {
    /// # let sim = Simulator::start().await;
    /// # sim.push(Reply::text("Hi!"));
    /// # let client = Client::builder().base_url(sim.base_url()).model("sim-model").build()?;
    /// let mut stream = client.chat().user("Say hi").stream().await?;
    /// while let Some(event) = stream.next().await {
    ///     if let StreamEvent::TextDelta(text) = event? {
    ///         print!("{text}");
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next(&mut self) -> Option<Result<StreamEvent, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads the rest of the stream into one complete reply (tracked like any other).
    pub async fn collect_response(mut self) -> Result<ChatResponse, Error> {
        let Some(inner) = self.inner.take() else {
            self.record_unreported();
            return Ok(ChatResponse::default());
        };
        let result = inner.collect_response().await;
        match &result {
            Ok(response) => {
                self.record(response.usage.as_ref());
                if let Some(pending) = self.pending.take() {
                    let seen = Seen {
                        served_model: response.model.as_deref(),
                        request_id: response.request_id.as_deref(),
                    };
                    pending.succeeded(response.usage.as_ref(), seen);
                }
            }
            Err(error) => {
                self.record_unreported();
                if let Some(pending) = self.pending.take() {
                    pending.failed(error, Seen::default());
                }
            }
        }
        Ok(result?)
    }

    /// The `x-request-id` of the response, when sent.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.as_ref().and_then(ChatStream::request_id)
    }

    /// The completion id, model and other fields seen in the chunks so far.
    pub fn metadata(&self) -> Option<&StreamMetadata> {
        self.inner.as_ref().map(ChatStream::metadata)
    }

    fn record(&mut self, usage: Option<&oac_provider::UsageReport>) {
        if self.recorded {
            return;
        }
        self.recorded = true;
        match usage {
            Some(report) => self.tracker.record(&report.usage, &report.cost),
            None => self.tracker.record_unreported(),
        }
    }

    fn record_unreported(&mut self) {
        self.record(None);
    }

    /// Notes what the recorder needs from an event that passes.
    fn note(&mut self, event: &StreamEvent) {
        let Some(pending) = self.pending.as_mut() else {
            return;
        };
        match event {
            StreamEvent::Usage(report) => pending.note_usage(report),
            StreamEvent::Finish(_) => pending.note_finish(),
            _ => {}
        }
    }

    /// Writes the record of this request, if not written yet: `error` when the
    /// stream failed, else it ended (`ended`) or was dropped.
    fn end_record(&mut self, error: Option<&oac_provider::Error>, ended: bool) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let inner = self.inner.as_ref();
        let seen = Seen {
            served_model: inner.and_then(|s| s.metadata().model.as_deref()),
            request_id: inner.and_then(ChatStream::request_id),
        };
        match error {
            Some(error) => pending.failed(error, seen),
            None if ended => pending.succeeded(None, seen),
            None => pending.dropped(seen),
        }
    }
}

impl Stream for ReplyStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        match Pin::new(inner).poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(event))) => {
                if let StreamEvent::Usage(report) = &event {
                    this.record(Some(report));
                }
                this.note(&event);
                Poll::Ready(Some(Ok(event)))
            }
            Poll::Ready(Some(Err(error))) => {
                // An error ends the reply: nothing is read after it, and the
                // connection is released now rather than when the stream is dropped.
                this.record_unreported();
                this.end_record(Some(&error), true);
                this.inner = None;
                Poll::Ready(Some(Err(error.into())))
            }
            Poll::Ready(None) => {
                this.record_unreported();
                this.end_record(None, true);
                this.inner = None;
                Poll::Ready(None)
            }
        }
    }
}

impl Drop for ReplyStream {
    fn drop(&mut self) {
        self.record_unreported();
        self.end_record(None, false);
    }
}
