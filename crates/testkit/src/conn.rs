//! Accepted connections: a listener that wraps every socket so the simulator can close
//! a connection on purpose (faults, shutdown) after exactly the bytes it chose to send.
//!
//! hyper gives a request handler no way to drop its connection, and drops buffered
//! bytes when a body fails. So each socket is wrapped in [`SimIo`], whose shared
//! [`ConnState`] the handler reaches through [`ConnHandle`]:
//! - *kill*: every later read, write and flush fails at once, and whoever waits on the
//!   connection is woken, so hyper drops it (the socket closes without a response, or
//!   mid-body).
//! - *cut on flush*: the next flush that completes (hyper flushes only once its buffer
//!   is empty, so every byte written so far is on the wire) kills the connection.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll};

use futures_util::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// The shared state of one connection.
#[derive(Debug, Default)]
pub(crate) struct ConnState {
    killed: AtomicBool,
    cut_on_flush: AtomicBool,
    read_waker: AtomicWaker,
    write_waker: AtomicWaker,
    body_waker: AtomicWaker,
    killed_notify: Notify,
}

impl ConnState {
    /// Fails all further I/O on this connection and wakes everything waiting on it.
    pub(crate) fn kill(&self) {
        self.killed.store(true, Ordering::SeqCst);
        self.read_waker.wake();
        self.write_waker.wake();
        self.body_waker.wake();
        self.killed_notify.notify_waiters();
    }

    /// Whether the connection was killed (by a fault or by shutdown).
    pub(crate) fn is_killed(&self) -> bool {
        self.killed.load(Ordering::SeqCst)
    }

    /// Kills the connection once every byte written so far has been handed to the
    /// socket.
    pub(crate) fn cut_after_flush(&self) {
        self.cut_on_flush.store(true, Ordering::SeqCst);
        // hyper flushes right after polling the body; wake it in case it is idle.
        self.write_waker.wake();
    }

    /// Registers the response body's waker, woken on kill.
    pub(crate) fn register_body(&self, cx: &Context<'_>) {
        self.body_waker.register(cx.waker());
    }

    /// Resolves once the connection is killed.
    pub(crate) async fn killed(&self) {
        loop {
            let notified = self.killed_notify.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.is_killed() {
                return;
            }
            notified.await;
        }
    }
}

/// The handler's view of its connection (axum connect info).
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    pub(crate) state: Arc<ConnState>,
    #[allow(dead_code)] // kept for Debug output in traces
    pub(crate) peer: SocketAddr,
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, SimListener>>
    for ConnHandle
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, SimListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// Every live connection, so shutdown can kill them all.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    conns: Mutex<Vec<Weak<ConnState>>>,
    shutting_down: AtomicBool,
    accepted: AtomicUsize,
}

impl Registry {
    fn add(&self, state: &Arc<ConnState>) {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let mut conns = self.conns.lock().unwrap_or_else(PoisonError::into_inner);
        conns.retain(|weak| weak.strong_count() > 0);
        conns.push(Arc::downgrade(state));
        if self.shutting_down.load(Ordering::SeqCst) {
            state.kill();
        }
    }

    /// Kills every live connection and every connection accepted from now on.
    pub(crate) fn kill_all(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
        let conns = std::mem::take(&mut *self.conns.lock().unwrap_or_else(PoisonError::into_inner));
        for state in conns.iter().filter_map(Weak::upgrade) {
            state.kill();
        }
    }

    /// How many connections were accepted so far.
    pub(crate) fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// The loopback listener handed to `axum::serve`.
#[derive(Debug)]
pub(crate) struct SimListener {
    pub(crate) listener: TcpListener,
    pub(crate) registry: Arc<Registry>,
}

impl axum::serve::Listener for SimListener {
    type Io = SimIo;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, peer)) => {
                    // Small SSE writes must leave at once, not wait for Nagle.
                    if let Err(error) = stream.set_nodelay(true) {
                        tracing::debug!(%error, "could not set TCP_NODELAY");
                    }
                    let state = Arc::new(ConnState::default());
                    self.registry.add(&state);
                    let io = SimIo {
                        stream,
                        state: Arc::clone(&state),
                    };
                    return (io, ConnHandle { state, peer });
                }
                Err(error) => {
                    // Out of file descriptors and the like: wait a little, retry.
                    tracing::debug!(%error, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            state: Arc::new(ConnState::default()),
            peer: self.listener.local_addr()?,
        })
    }
}

/// A socket that fails on demand (see the module docs).
#[derive(Debug)]
pub(crate) struct SimIo {
    stream: TcpStream,
    state: Arc<ConnState>,
}

fn killed_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection closed by the simulator",
    )
}

impl AsyncRead for SimIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.state.read_waker.register(cx.waker());
        if self.state.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SimIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.state.write_waker.register(cx.waker());
        if self.state.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.state.write_waker.register(cx.waker());
        if self.state.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.state.write_waker.register(cx.waker());
        if self.state.is_killed() {
            return Poll::Ready(Err(killed_error()));
        }
        std::task::ready!(Pin::new(&mut self.stream).poll_flush(cx))?;
        if self.state.cut_on_flush.load(Ordering::SeqCst) {
            self.state.kill();
            return Poll::Ready(Err(killed_error()));
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
