//! The simulator driven over real loopback sockets with reqwest.

// Helpers outside #[test] functions unwrap too: a failure there is a test failure.
#![allow(clippy::unwrap_used)]

mod support;

mod defaults;
mod faults;
mod lifecycle;
mod models_and_auth;
mod recording;
mod responses;
mod responses_faults;
mod streaming;
