//! An OpenAI-compatible chat-completions simulator on a loopback port, for tests,
//! benchmarks and demos: scripted replies, streaming with chosen chunking and delays,
//! the deviations real providers show, faults on demand, and a record of every request.
//!
//! ```
//! use oac_testkit::{Reply, Simulator};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = Simulator::builder().api_key("sk-test").start().await;
//! sim.push(Reply::text("Hello!").usage_tokens(9, 2));
//!
//! let response = reqwest::Client::new()
//!     .post(format!("{}/chat/completions", sim.base_url()))
//!     .bearer_auth("sk-test")
//!     .json(&serde_json::json!({"model": "sim-model", "messages": [{"role": "user", "content": "Hi"}]}))
//!     .send()
//!     .await
//!     .unwrap();
//! let completion: serde_json::Value = response.json().await.unwrap();
//! assert_eq!(completion["choices"][0]["message"]["content"], "Hello!");
//! assert_eq!(completion["usage"]["total_tokens"], 11);
//!
//! let request = &sim.requests()[0];
//! assert_eq!(request.path, "/v1/chat/completions");
//! assert_eq!(request.header("authorization"), Some("Bearer sk-test"));
//! # });
//! ```
//!
//! # Routing
//! `POST` on any path ending in `/chat/completions` is a chat request; `GET` on any
//! path ending in `/models` lists models (so Azure-style
//! `/openai/deployments/x/chat/completions?api-version=…` works). Anything else gets a
//! 404 with an OpenAI-shaped error. Every request is [recorded](Simulator::requests)
//! first, refused or not.
//!
//! # Replies
//! Chat requests consume the [queue](Simulator::push) one reply each, in order. The
//! request's `"stream": true` chooses Server-Sent Events or one JSON object for the same
//! [`Reply`]. When the queue is empty, the [default reply](SimulatorBuilder::default_reply)
//! answers: [`echo_reply`] unless configured otherwise. Streamed chunks look like
//! OpenAI's: `data: {"id":"chatcmpl-sim-N","object":"chat.completion.chunk",
//! "created":1700000000,"model":<request model>,"choices":[…]}`, a role chunk first,
//! then reasoning, content and tool-call deltas, a final chunk with the finish reason,
//! an optional usage chunk, and `data: [DONE]`.
//!
//! # Faults and disconnects
//! [`Fault`] covers connection cuts, clean early ends, stalls, malformed JSON, huge
//! events, `event: error` and closing before any response. The simulator counts
//! [client disconnects](Simulator::disconnects): a response whose body is dropped
//! before its last byte was written, because the client went away.
//!
//! # Lifetime
//! The server runs as tasks on the current tokio runtime until the [`Simulator`] is
//! dropped or [shut down](Simulator::shutdown); either closes every connection.

pub mod bodies;
mod body;
mod conn;
mod echo;
mod error;
pub mod fixtures;
mod plan;
mod recording;
mod render;
mod reply;
mod responses;
mod responses_wire;
mod route;
mod server;
mod simulator;
mod sse;
mod wire;

pub use echo::{EMPTY_PROMPT_ANSWER, echo_reply};
pub use error::SimulatorError;
pub use recording::RecordedRequest;
pub use reply::{Chunking, Fault, LineEnding, Reply};
pub use simulator::{Simulator, SimulatorBuilder};

/// The model the simulator lists, and names in replies, when nothing else is said.
pub const DEFAULT_MODEL: &str = "sim-model";

/// The `created` timestamp of every reply unless [`Reply::created`] says otherwise
/// (fixed, so streamed output is reproducible byte for byte).
pub const DEFAULT_CREATED: u64 = 1_700_000_000;

/// The examples of README.md, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
