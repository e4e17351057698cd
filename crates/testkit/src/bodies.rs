//! Error bodies in the shapes real providers send, for [`Reply::error`](crate::Reply::error).
//!
//! ```
//! use oac_testkit::{Reply, bodies};
//!
//! let reply = Reply::error(429, bodies::openai_error("Rate limit reached", "requests", "rate_limit_exceeded"))
//!     .header("retry-after-ms", "10");
//! # let _ = reply;
//! assert_eq!(bodies::error_string("boom"), r#"{"error":"boom"}"#);
//! ```

use serde::Serialize;
use serde_json::Value;

/// `{"error":{"message":…,"type":…,"param":null,"code":…}}` (OpenAI). `code` is any
/// JSON: a string, a number, or `Value::Null`.
pub fn openai_error(message: &str, kind: &str, code: impl Into<Value>) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        error: Inner<'a>,
    }
    #[derive(Serialize)]
    struct Inner<'a> {
        message: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        param: Option<&'a str>,
        code: Value,
    }
    to_string(&Body {
        error: Inner {
            message,
            kind,
            param: None,
            code: code.into(),
        },
    })
}

/// `{"error":"text"}` (the error is a plain string).
#[must_use]
pub fn error_string(message: &str) -> String {
    to_string(&serde_json::json!({ "error": message }))
}

/// `{"detail":…}` (FastAPI servers such as vLLM; `detail` may be a string or a list).
pub fn detail(detail: impl Into<Value>) -> String {
    to_string(&serde_json::json!({ "detail": detail.into() }))
}

/// A FastAPI / pydantic validation error for an unexpected request field
/// (`extra="forbid"`), status 422: `{"detail":[{"type":"extra_forbidden",
/// "loc":["body",<field>],"msg":"Extra inputs are not permitted","input":…}]}`. The
/// field is named only in `loc`.
pub fn fastapi_extra_forbidden(field: &str, input: impl Into<Value>) -> String {
    to_string(&serde_json::json!({
        "detail": [{
            "type": "extra_forbidden",
            "loc": ["body", field],
            "msg": "Extra inputs are not permitted",
            "input": input.into(),
        }]
    }))
}

/// `{"message":…}` (a bare message, as some gateways send).
#[must_use]
pub fn message(message: &str) -> String {
    to_string(&serde_json::json!({ "message": message }))
}

fn to_string<T: Serialize>(value: &T) -> String {
    String::from_utf8_lossy(&crate::sse::to_json(value, false)).into_owned()
}

/// The body of the simulator's own errors (bad key, unknown path…), OpenAI-shaped.
pub(crate) fn simulator_error(message: &str, kind: &str, code: Option<&str>) -> String {
    openai_error(message, kind, code.map_or(Value::Null, Value::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_error_code_may_be_a_number_or_null() {
        assert_eq!(
            openai_error("m", "t", 429),
            r#"{"error":{"message":"m","type":"t","param":null,"code":429}}"#
        );
        assert_eq!(
            openai_error("m", "t", Value::Null),
            r#"{"error":{"message":"m","type":"t","param":null,"code":null}}"#
        );
    }

    #[test]
    fn fastapi_extra_forbidden_names_the_field_in_loc_only() {
        assert_eq!(
            fastapi_extra_forbidden("stream_options", serde_json::json!({"include_usage": true})),
            r#"{"detail":[{"input":{"include_usage":true},"loc":["body","stream_options"],"msg":"Extra inputs are not permitted","type":"extra_forbidden"}]}"#
        );
    }

    #[test]
    fn deviant_shapes() {
        assert_eq!(detail("Not Found"), r#"{"detail":"Not Found"}"#);
        assert_eq!(message("overloaded"), r#"{"message":"overloaded"}"#);
        assert_eq!(error_string("bad"), r#"{"error":"bad"}"#);
    }
}
