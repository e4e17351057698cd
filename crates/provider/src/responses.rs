//! The Responses API (`POST …/responses`): the same [`ChatRequest`](crate::ChatRequest)
//! shaped as a Responses body, and its replies read into the same
//! [`ChatResponse`](crate::ChatResponse) and [`StreamEvent`](crate::StreamEvent)s as
//! chat completions, so a caller switches API without changing its code.
//!
//! - `shape`: the request body (`input` items, `instructions`, function tools,
//!   `function_call_output`, `reasoning`, `text`, `store: false` with encrypted
//!   reasoning included by default).
//! - `object`: a `response` object (a non-streamed body, or the one a terminal
//!   stream event carries) as the chat wire types the assembler reads.
//! - `events`: the typed stream events as the same chunks, fed to the one
//!   assembler, so limits, tool-call assembly, usage pricing and the early-end
//!   rule are the chat path's.

pub(crate) mod events;
pub(crate) mod object;
pub(crate) mod shape;

#[cfg(test)]
mod tests;
