//! The response body: plays a plan's steps, and notices a client that goes away.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

use crate::conn::ConnState;
use crate::plan::{Repeat, Step};
use crate::simulator::Shared;

/// Counts a response as active while it exists, and as a client disconnect when it is
/// dropped before its last byte was handed over (hyper drops the body when the client
/// goes away), unless the simulator itself closed the connection.
#[derive(Debug)]
pub(crate) struct ResponseGuard {
    shared: Arc<Shared>,
    conn: Arc<ConnState>,
    finished: bool,
}

impl ResponseGuard {
    pub(crate) fn new(shared: Arc<Shared>, conn: Arc<ConnState>) -> Self {
        shared.stream_started();
        Self {
            shared,
            conn,
            finished: false,
        }
    }

    /// The response was written in full (or ended on purpose).
    pub(crate) fn finish(&mut self) {
        self.finished = true;
    }
}

impl Drop for ResponseGuard {
    fn drop(&mut self) {
        let client_left = !self.finished && !self.conn.is_killed();
        if client_left {
            tracing::debug!("client went away before the response was complete");
        }
        self.shared.stream_ended(client_left);
    }
}

/// A body that writes a plan's steps as HTTP body frames.
#[derive(Debug)]
pub(crate) struct PlanBody {
    steps: std::vec::IntoIter<Step>,
    /// Writes not yet handed to hyper.
    writes_left: usize,
    /// Reused across pauses; `None` until the first pause.
    sleep: Option<Pin<Box<Sleep>>>,
    sleeping: bool,
    /// A cut was requested: nothing more is written, the connection dies on flush.
    cutting: bool,
    conn: Arc<ConnState>,
    guard: ResponseGuard,
    /// Written forever once the steps are done (an endless reply).
    repeat: Option<Repeat>,
}

impl PlanBody {
    pub(crate) fn new(
        steps: Vec<Step>,
        repeat: Option<Repeat>,
        conn: Arc<ConnState>,
        guard: ResponseGuard,
    ) -> Self {
        Self {
            repeat,
            writes_left: steps
                .iter()
                .filter(|step| matches!(step, Step::Write(_)))
                .count(),
            steps: steps.into_iter(),
            sleep: None,
            sleeping: false,
            cutting: false,
            conn,
            guard,
        }
    }

    fn start_pause(&mut self, duration: std::time::Duration) {
        // A pause too long to add is a pause that never ends (about 30 years).
        let now = Instant::now();
        let deadline = now
            .checked_add(duration.min(std::time::Duration::from_secs(86_400 * 365 * 30)))
            .unwrap_or(now);
        match &mut self.sleep {
            Some(sleep) => sleep.as_mut().reset(deadline),
            None => self.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
        self.sleeping = true;
    }
}

impl Stream for PlanBody {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.cutting {
            // The connection is killed at the next flush, which hyper does right after
            // this poll; the body is then dropped.
            return Poll::Pending;
        }
        this.conn.register_body(cx);
        if this.conn.is_killed() {
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the simulator closed the connection",
            ))));
        }
        loop {
            if this.sleeping {
                if let Some(sleep) = &mut this.sleep {
                    std::task::ready!(sleep.as_mut().poll(cx));
                }
                this.sleeping = false;
            }
            match this.steps.next() {
                Some(Step::Write(bytes)) => {
                    this.writes_left -= 1;
                    if this.writes_left == 0 && this.repeat.is_none() {
                        this.guard.finish();
                    }
                    return Poll::Ready(Some(Ok(bytes)));
                }
                Some(Step::Pause(duration)) => this.start_pause(duration),
                Some(Step::Cut) => {
                    this.guard.finish();
                    this.cutting = true;
                    this.conn.cut_after_flush();
                    return Poll::Pending;
                }
                None => {
                    if let Some(repeat) = &mut this.repeat {
                        return Poll::Ready(Some(Ok(repeat.next_frame())));
                    }
                    this.guard.finish();
                    return Poll::Ready(None);
                }
            }
        }
    }
}
