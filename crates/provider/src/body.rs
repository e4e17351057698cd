//! A complete (non-streamed) chat completion body → [`ChatResponse`]: what the engine
//! does with a body it read, and [`decode_response`] for a body read by anyone else
//! (a recorded reply, another HTTP client), with no I/O.

use oac_pricing::ModelPrices;
use reqwest::header::HeaderMap;

use crate::assemble::{BodyProblem, response_from_wire};
use crate::classify::{self, Exchange};
use crate::error::Error;
use crate::response::ChatResponse;
use crate::responses::object::ResponseObject;
use crate::transport::Limits;
use crate::wire::WireResponse;
use oac_url::WireApi;

/// Decodes a complete chat completion body (`POST …/chat/completions` without
/// streaming) into a [`ChatResponse`]: text and reasoning (with `<think>` tags split
/// when `parse_think_tags`), tool calls, finish reason, unknown fields, and usage
/// priced with `prices`.
///
/// A body larger than `limits.max_body_bytes` or with more than
/// `limits.max_tool_calls` tool calls is [`Error::TooLarge`]; an error object is
/// classified as the provider's error would be; anything else that is not a chat
/// completion is [`Error::Decode`]. A leading UTF-8 byte-order mark is skipped.
///
/// ```
/// use oac_provider::{Limits, decode_response};
/// use oac_pricing::ModelPrices;
///
/// let body = br#"{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
///                "usage":{"prompt_tokens":3,"completion_tokens":1}}"#;
/// let reply = decode_response(body, true, &ModelPrices::default(), &Limits::default())?;
/// assert_eq!(reply.text(), "Hi");
/// assert_eq!(reply.usage.unwrap().usage.input_total, 3);
/// # Ok::<(), oac_provider::Error>(())
/// ```
pub fn decode_response(
    body: &[u8],
    parse_think_tags: bool,
    prices: &ModelPrices,
    limits: &Limits,
) -> Result<ChatResponse, Error> {
    let exchange = Exchange::offline();
    if body.len() > limits.max_body_bytes {
        return Err(Error::TooLarge {
            what: "response body",
            host: exchange.host(),
            limit: limits.max_body_bytes,
            unit: "byte",
            setting: "max_body_bytes",
            details: exchange.details(),
        });
    }
    parse_complete(
        body,
        &Reply {
            headers: &HeaderMap::new(),
            exchange: &exchange,
            status: 200,
            parse_think_tags,
            prices,
            max_tool_calls: limits.max_tool_calls,
            api: WireApi::Chat,
        },
    )
}

/// What a body is read with: where it came from and the reply's settings.
pub(crate) struct Reply<'a> {
    pub(crate) headers: &'a HeaderMap,
    pub(crate) exchange: &'a Exchange,
    pub(crate) status: u16,
    pub(crate) parse_think_tags: bool,
    pub(crate) prices: &'a ModelPrices,
    pub(crate) max_tool_calls: usize,
    /// Which API's body it is.
    pub(crate) api: WireApi,
}

/// A complete body as a response, errors carrying the exchange and the response.
pub(crate) fn parse_complete(body: &[u8], reply: &Reply<'_>) -> Result<ChatResponse, Error> {
    let Reply {
        headers,
        exchange,
        status,
        ..
    } = *reply;
    // A leading byte-order mark is not part of the JSON (serde refuses it).
    let body = crate::sse::strip_bom(body);
    let text = String::from_utf8_lossy(body);
    let not_a = |what: &str, e: serde_json::Error| {
        exchange
            .decode_error(
                "response body",
                format!("it is not {what} ({e})"),
                &text,
                Some(Box::new(e)),
            )
            .with_response(status, headers)
    };
    let (wire, items) = match reply.api {
        WireApi::Responses => serde_json::from_slice::<ResponseObject>(body)
            .map_err(|e| not_a("a Responses API response object", e))?
            .into_wire(),
        _ => (
            serde_json::from_slice::<WireResponse>(body)
                .map_err(|e| not_a("a chat completion", e))?,
            Vec::new(),
        ),
    };
    let mut response = response_from_wire(
        wire,
        reply.parse_think_tags,
        reply.prices,
        reply.max_tool_calls,
        exchange.service_tier,
    )
    .map_err(|problem| match problem {
        BodyProblem::Error(value) => classify::classify(
            None,
            headers,
            &classify::parse_error_value(&value),
            exchange,
        )
        .with_response(status, headers),
        BodyProblem::NoChoices => exchange
            .decode_error("response body", "it has no choices", &text, None)
            .with_response(status, headers),
        BodyProblem::TooManyToolCalls(limit) => Error::TooLarge {
            what: "tool call list",
            host: exchange.host(),
            limit,
            unit: "tool-call",
            setting: "max_tool_calls",
            details: exchange.details(),
        }
        .with_response(status, headers),
    })?;
    response.reasoning_items = items;
    Ok(response)
}
