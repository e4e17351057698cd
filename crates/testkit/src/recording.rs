//! What the client sent: [`RecordedRequest`].

use bytes::Bytes;
use serde_json::Value;

use crate::route::Route;

/// One request as the simulator received it, recorded before any check (a request
/// refused for a bad key or an unknown path is recorded too).
///
/// Headers are kept verbatim, credentials included: asserting exactly what the client
/// sent is the point of recording.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method, upper case (`POST`).
    pub method: String,
    /// The path, without the query (`/v1/chat/completions`).
    pub path: String,
    /// The raw query string without `?`, when the URL had one.
    pub query: Option<String>,
    /// Every header in arrival order, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, when it is JSON.
    pub body: Option<Value>,
    /// The body bytes exactly as received.
    pub raw_body: Bytes,
}

impl RecordedRequest {
    /// The first value of this header (name matched case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of this header, in arrival order.
    #[must_use]
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The query decoded into `(name, value)` pairs (`+` and `%XX` decoded), in order.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        let Some(query) = self.query.as_deref() else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_component(name), decode_component(value))
            })
            .collect()
    }

    /// The value of `body[pointer]` (a JSON pointer such as `/stream_options/include_usage`).
    #[must_use]
    pub fn body_at(&self, pointer: &str) -> Option<&Value> {
        self.body.as_ref()?.pointer(pointer)
    }

    /// The body as UTF-8 text (lossy), for assertions on non-JSON bodies.
    #[must_use]
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.raw_body).into_owned()
    }

    /// Whether the body asked for a streamed reply (`"stream": true`).
    #[must_use]
    pub fn wants_stream(&self) -> bool {
        self.body_at("/stream").and_then(Value::as_bool) == Some(true)
    }

    /// Whether this is a chat request (`POST …/chat/completions`).
    #[must_use]
    pub fn is_chat(&self) -> bool {
        Route::of(&self.method, &self.path) == Route::Chat
    }

    /// Whether this is a Responses API request (`POST …/responses`).
    #[must_use]
    pub fn is_responses(&self) -> bool {
        Route::of(&self.method, &self.path) == Route::Responses
    }
}

/// Decodes one `application/x-www-form-urlencoded` component; invalid escapes are kept
/// as written and invalid UTF-8 is replaced, so decoding never fails.
fn decode_component(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_query(query: &str) -> RecordedRequest {
        RecordedRequest {
            method: "GET".into(),
            path: "/v1/models".into(),
            query: Some(query.into()),
            headers: vec![("Api-Key".into(), "k".into()), ("x-a".into(), "1".into())],
            body: None,
            raw_body: Bytes::new(),
        }
    }

    #[test]
    fn query_pairs_decode_plus_and_percent() {
        let request = with_query("api-version=2024-10-21&q=a+b%2Fc&empty&x=%zz%4");
        assert_eq!(
            request.query_pairs(),
            vec![
                ("api-version".to_owned(), "2024-10-21".to_owned()),
                ("q".to_owned(), "a b/c".to_owned()),
                ("empty".to_owned(), String::new()),
                ("x".to_owned(), "%zz%4".to_owned()),
            ]
        );
    }

    #[test]
    fn header_lookup_ignores_case() {
        let request = with_query("");
        assert_eq!(request.header("api-key"), Some("k"));
        assert_eq!(request.header("X-A"), Some("1"));
        assert_eq!(request.header("missing"), None);
    }
}
