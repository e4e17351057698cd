//! [`ChatStream::from_stream`]: a chat stream over events that do not come from
//! this crate's HTTP transport (a [`Provider`](crate::Provider) implemented
//! elsewhere, a recorded reply, a test double).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use reqwest::header::HeaderMap;
use tokio::time::Instant;

use super::ChatStream;
use crate::assemble::StreamMetadata;
use crate::classify::Exchange;
use crate::decode::EventDecoder;
use crate::error::Error;
use crate::response::StreamEvent;

/// The boxed source of a foreign stream: boxed once per stream, never per event.
pub(super) type ForeignEvents = Pin<Box<dyn Stream<Item = Result<StreamEvent, Error>> + Send>>;

impl ChatStream {
    /// A chat stream over `events`, from any source: what a [`Provider`](crate::Provider)
    /// written outside this crate returns from
    /// [`chat_stream`](crate::Provider::chat_stream).
    ///
    /// The events are handed out as they come, with the guarantees every
    /// `ChatStream` gives: after an error it yields nothing more, and after the end
    /// it keeps returning `None`. The source should follow the order of
    /// [`StreamEvent`] (deltas, then complete tool calls and the finish reason, usage
    /// last, once): [`collect_response`](ChatStream::collect_response) folds the
    /// events exactly as it does for an HTTP stream, and the `oac` facade adds the
    /// first [`StreamEvent::Usage`] to its tracker (a stream that ends without one
    /// counts as "usage not reported").
    ///
    /// What the HTTP side would say about the response is neutral here:
    /// [`status`](ChatStream::status) is `200`, [`headers`](ChatStream::headers) is
    /// empty, [`request_id`](ChatStream::request_id) is `None` unless set with
    /// [`with_request_id`](ChatStream::with_request_id), and
    /// [`metadata`](ChatStream::metadata) is what
    /// [`with_metadata`](ChatStream::with_metadata) set (empty by default). No
    /// timeout applies: the source decides when it ends. No span is attached (the
    /// built-in spans describe HTTP requests).
    ///
    /// ```
    /// use futures_util::stream;
    /// use oac_provider::{ChatStream, FinishReason, StreamEvent, StreamMetadata};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), oac_provider::Error> {
    /// let events = vec![
    ///     Ok(StreamEvent::TextDelta("Hello".into())),
    ///     Ok(StreamEvent::TextDelta(" there".into())),
    ///     Ok(StreamEvent::Finish(FinishReason::Stop)),
    /// ];
    /// let mut meta = StreamMetadata::default();
    /// meta.model = Some("echo-1".into());
    /// let reply = ChatStream::from_stream(stream::iter(events))
    ///     .with_metadata(meta)
    ///     .collect_response()
    ///     .await?;
    /// assert_eq!(reply.text(), "Hello there");
    /// assert_eq!(reply.model.as_deref(), Some("echo-1"));
    /// assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    /// assert!(reply.usage.is_none()); // not reported, never zero
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_stream<S>(events: S) -> ChatStream
    where
        S: Stream<Item = Result<StreamEvent, Error>> + Send + 'static,
    {
        let now = Instant::now();
        ChatStream {
            body: None,
            unfed: bytes::Bytes::new(),
            decoder: EventDecoder::finished_with(
                VecDeque::new(),
                StreamMetadata::default(),
                Exchange::offline(),
            ),
            timer: None,
            timer_waker: None,
            idle_timeout: std::time::Duration::ZERO,
            last_data: now,
            fed_at: now,
            data_seen: 0,
            first_content_by: None,
            first_content_timeout: std::time::Duration::ZERO,
            total_timeout: std::time::Duration::ZERO,
            connect_timeout: std::time::Duration::ZERO,
            deadline: now,
            closed: false,
            drain_until: None,
            drained: 0,
            end_yields: 0,
            status: 200,
            headers: HeaderMap::new(),
            request_id: None,
            foreign: Some(Box::pin(events)),
            span: tracing::Span::none(),
        }
    }

    /// This stream with `metadata` (completion id, model, created, other fields) as
    /// what [`metadata`](ChatStream::metadata) reports and
    /// [`collect_response`](ChatStream::collect_response) puts in the reply. On a
    /// stream read from HTTP it is the starting point that the chunks then update
    /// field by field.
    #[must_use]
    pub fn with_metadata(mut self, metadata: StreamMetadata) -> ChatStream {
        self.decoder.set_metadata(metadata);
        self
    }

    /// This stream with `request_id` as its [`request_id`](ChatStream::request_id)
    /// (and the `request_id` of a collected reply).
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> ChatStream {
        self.request_id = Some(request_id.into());
        self
    }

    /// One poll of the foreign source.
    pub(super) fn poll_foreign(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<StreamEvent, Error>>> {
        let Some(events) = self.foreign.as_mut() else {
            return Poll::Ready(None);
        };
        match events.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(event))) => Poll::Ready(Some(Ok(event))),
            Poll::Ready(Some(Err(error))) => {
                self.end_foreign();
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(None) => {
                self.end_foreign();
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Drop the source; later polls take the closed path and return `None`.
    fn end_foreign(&mut self) {
        self.foreign = None;
        self.close();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use futures_util::StreamExt;

    use super::*;
    use crate::response::FinishReason;

    #[tokio::test]
    async fn nothing_after_an_error_and_none_after_the_end() {
        let events = vec![
            Ok(StreamEvent::TextDelta("a".into())),
            Err(Error::InvalidRequest {
                message: "boom".into(),
            }),
            Ok(StreamEvent::TextDelta("never".into())),
        ];
        let mut stream = ChatStream::from_stream(futures_util::stream::iter(events));
        assert_eq!(
            stream.next().await.unwrap().unwrap(),
            StreamEvent::TextDelta("a".into())
        );
        assert!(stream.next().await.unwrap().is_err());
        assert!(stream.next().await.is_none());
        assert!(stream.next().await.is_none());

        let mut ended = ChatStream::from_stream(futures_util::stream::empty());
        assert!(ended.next().await.is_none());
        assert!(ended.next().await.is_none());
    }

    #[tokio::test]
    async fn neutral_http_facts_and_the_metadata_given() {
        let meta = StreamMetadata {
            id: Some("echo-1".into()),
            ..StreamMetadata::default()
        };
        let stream = ChatStream::from_stream(futures_util::stream::iter(vec![
            Ok(StreamEvent::TextDelta("hi".into())),
            Ok(StreamEvent::Finish(FinishReason::Stop)),
        ]))
        .with_metadata(meta)
        .with_request_id("req-7");
        assert_eq!(stream.status(), 200);
        assert!(stream.headers().is_empty());
        assert_eq!(stream.request_id(), Some("req-7"));
        assert_eq!(stream.metadata().id.as_deref(), Some("echo-1"));
        assert!(format!("{stream:?}").contains("foreign: true"));
        let reply = stream.collect_response().await.unwrap();
        assert_eq!(reply.content, "hi");
        assert_eq!(reply.id.as_deref(), Some("echo-1"));
        assert_eq!(reply.request_id.as_deref(), Some("req-7"));
        assert_eq!(reply.finish_reason, Some(FinishReason::Stop));
    }
}
