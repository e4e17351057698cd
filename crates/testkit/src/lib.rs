//! An OpenAI-compatible simulator of chat completions and the Responses API on a
//! loopback port, for tests, benchmarks and demos: scripted replies, streaming with
//! chosen chunking and delays, the deviations real providers show, faults on demand,
//! and a record of every request.
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
//! `POST` on any path ending in `/chat/completions` is a chat request; `POST` on any
//! path ending in `/responses` is a Responses API request; `GET` on any path ending in
//! `/models` lists models (so Azure-style
//! `/openai/deployments/x/chat/completions?api-version=…`, `/openai/responses` and
//! `/openai/v1/responses` work). Anything else gets a 404 with an OpenAI-shaped error.
//! Every request is [recorded](Simulator::requests) first, refused or not;
//! [`Simulator::chat_requests`] and [`Simulator::responses_requests`] pick out each
//! kind.
//!
//! # Replies
//! Chat and Responses requests consume one [queue](Simulator::push), one reply each,
//! in order. The request's `"stream": true` chooses Server-Sent Events or one JSON
//! object for the same [`Reply`], in the shape of the API the request went to. When
//! the queue is empty, the [default reply](SimulatorBuilder::default_reply) answers:
//! [`echo_reply`] unless configured otherwise. Streamed chat chunks look like OpenAI's:
//! `data: {"id":"chatcmpl-sim-N","object":"chat.completion.chunk",
//! "created":1700000000,"model":<request model>,"choices":[…]}`, a role chunk first,
//! then reasoning, content and tool-call deltas, a final chunk with the finish reason,
//! an optional usage chunk, and `data: [DONE]`.
//!
//! # The Responses API
//! A streamed reply is typed events, `event: <type>` then
//! `data: {"type":<type>,"sequence_number":N,…}` with N counting from 0:
//! `response.created` and `response.in_progress` (the `response` object, `status:
//! "in_progress"`, empty `output`), then for each output item
//! `response.output_item.added`, its own events, and `response.output_item.done` with
//! the whole item, and last `response.completed` (or `response.incomplete` for
//! [`Reply::incomplete`], `response.failed` for [`Reply::failed`]) whose `response`
//! has the whole `output` and the `usage`. There is no `data: [DONE]`. The items, in
//! order:
//! - reasoning (`rs_sim_N_I`), when the reply has reasoning text
//!   ([`Reply::reasoning_content`], [`Reply::reasoning_field`]: one summary part each)
//!   or [`Reply::encrypted_reasoning`]: per summary part
//!   `response.reasoning_summary_part.added`, `response.reasoning_summary_text.delta`×n,
//!   `response.reasoning_summary_text.done`, `response.reasoning_summary_part.done`. Its
//!   `encrypted_content` is sent when the request's `include` has
//!   `"reasoning.encrypted_content"`;
//! - the message (`msg_sim_N_I`) with the [content](Reply::content):
//!   `response.content_part.added`, `response.output_text.delta`×n,
//!   `response.output_text.done`, `response.content_part.done`;
//! - one function call (`fc_sim_N_I`, `call_id` and `name` from [`Reply::tool_call`])
//!   per tool call: `response.function_call_arguments.delta`×n,
//!   `response.function_call_arguments.done`.
//!
//! A non-streamed reply is that last `response` object (`"object":"response"`; no
//! `output_text`, which only the SDKs add). Ids are `resp_sim_N` (N counting Responses
//! requests from 1, apart from chat's `chatcmpl-sim-N`) and `created_at` is
//! [`DEFAULT_CREATED`], so the bytes are the same on every run. The object repeats the
//! request's `instructions`, `max_output_tokens`, `reasoning`, `store`, `temperature`,
//! `tools` and the other parameters the API repeats, or their defaults.
//! [`fixtures::RESPONSES_REFERENCE_STREAM`] is a stream in the API's own words.
//!
//! ```
//! use oac_testkit::{Reply, Simulator};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let sim = Simulator::start().await;
//! sim.push(Reply::text("Hello!").tool_call("call_1", "get_weather", r#"{"city":"Paris"}"#));
//!
//! let response = reqwest::Client::new()
//!     .post(format!("{}/responses", sim.base_url()))
//!     .json(&serde_json::json!({"model": "sim-model", "input": "Hi", "stream": true}))
//!     .send()
//!     .await
//!     .unwrap();
//! let body = response.text().await.unwrap();
//! assert!(body.starts_with("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"));
//! assert!(body.contains(r#""type":"response.output_text.delta","sequence_number":4,"#));
//! assert!(body.contains(r#""type":"function_call","status":"completed","call_id":"call_1""#));
//! assert!(!body.contains("[DONE]"));
//! assert_eq!(sim.responses_requests()[0].path, "/v1/responses");
//! # });
//! ```
//!
//! # Faults and disconnects
//! [`Fault`] covers connection cuts, clean early ends, stalls, malformed JSON, huge
//! events, `event: error`, the API's own mid-stream error ([`Fault::StreamError`])
//! and closing before any response, on both APIs. The simulator counts
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
