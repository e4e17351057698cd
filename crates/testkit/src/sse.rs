//! Server-Sent Events framing: writing events in a chosen dialect, and finding the
//! events of raw SSE bytes.

use bytes::{BufMut, Bytes, BytesMut};

use crate::reply::LineEnding;

/// The SSE dialect of generated events.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Format {
    pub(crate) line_ending: LineEnding,
    pub(crate) data_without_space: bool,
    pub(crate) multi_line_data: bool,
    pub(crate) keep_alive_comments: bool,
}

impl Format {
    fn data_prefix(self) -> &'static [u8] {
        if self.data_without_space {
            b"data:"
        } else {
            b"data: "
        }
    }

    /// A `data` event carrying `payload` (one line; `payload` has no line breaks).
    pub(crate) fn data_event(self, payload: &[u8]) -> Bytes {
        let eol = self.line_ending.as_str().as_bytes();
        let mut out = BytesMut::with_capacity(payload.len() + 8 + 2 * eol.len());
        out.put_slice(self.data_prefix());
        out.put_slice(payload);
        out.put_slice(eol);
        out.put_slice(eol);
        out.freeze()
    }

    /// A `data` event carrying a JSON value: one line, or one line per line of its
    /// pretty form when `multi_line_data` is set.
    pub(crate) fn json_event<T: serde::Serialize>(self, value: &T) -> Bytes {
        if !self.multi_line_data {
            return self.data_event(&to_json(value, false));
        }
        let pretty = to_json(value, true);
        let eol = self.line_ending.as_str().as_bytes();
        let mut out = BytesMut::with_capacity(pretty.len() * 2);
        for line in pretty.split(|byte| *byte == b'\n') {
            out.put_slice(self.data_prefix());
            out.put_slice(line);
            out.put_slice(eol);
        }
        out.put_slice(eol);
        out.freeze()
    }

    /// An event with a name (`event: error`) and one data line.
    pub(crate) fn named_event(self, name: &str, payload: &[u8]) -> Bytes {
        let eol = self.line_ending.as_str().as_bytes();
        let mut out = BytesMut::with_capacity(payload.len() + name.len() + 16);
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_slice(eol);
        out.put_slice(self.data_prefix());
        out.put_slice(payload);
        out.put_slice(eol);
        out.put_slice(eol);
        out.freeze()
    }

    /// An event with a name (`event: response.created`) and a JSON value as data: one
    /// line, or one line per line of its pretty form when `multi_line_data` is set.
    pub(crate) fn typed_event<T: serde::Serialize>(self, name: &str, value: &T) -> Bytes {
        let data = self.json_event(value);
        let eol = self.line_ending.as_str().as_bytes();
        let mut out = BytesMut::with_capacity(data.len() + name.len() + 8 + eol.len());
        out.put_slice(b"event: ");
        out.put_slice(name.as_bytes());
        out.put_slice(eol);
        out.put_slice(&data);
        out.freeze()
    }

    /// A comment line followed by a blank line (`: keep-alive`).
    pub(crate) fn comment(self, text: &str) -> Bytes {
        let eol = self.line_ending.as_str();
        Bytes::from(format!(": {text}{eol}{eol}"))
    }

    /// The `data: [DONE]` terminator.
    pub(crate) fn done(self) -> Bytes {
        self.data_event(b"[DONE]")
    }
}

/// Serializes `value`; our wire types and `serde_json::Value` always serialize.
pub(crate) fn to_json<T: serde::Serialize>(value: &T, pretty: bool) -> Vec<u8> {
    let result = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    result.unwrap_or_else(|error| {
        // Only a failing Serialize impl or a non-string map key can get here; neither
        // exists in our types. Say so in the stream rather than panic.
        format!("{{\"simulator_error\":\"{error}\"}}").into_bytes()
    })
}

/// The end offsets of the events in raw SSE bytes: an event ends after the blank line
/// that closes it, whatever the line ending (`\n`, `\r\n`, `\r`). Trailing bytes with
/// no closing blank line form a last event.
pub(crate) fn event_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at_line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'\r' || byte == b'\n' {
            let terminator_len = if byte == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            i += terminator_len;
            if at_line_start {
                ends.push(i);
            }
            at_line_start = true;
        } else {
            at_line_start = false;
            i += 1;
        }
    }
    if ends.last().copied().unwrap_or(0) < bytes.len() {
        ends.push(bytes.len());
    }
    ends
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(bytes: &[u8]) -> Vec<&[u8]> {
        let mut start = 0;
        event_ends(bytes)
            .into_iter()
            .map(|end| {
                let event = &bytes[start..end];
                start = end;
                event
            })
            .collect()
    }

    #[test]
    fn events_end_at_blank_lines_for_every_line_ending() {
        assert_eq!(
            split(b"data: a\n\ndata: b\r\n\r\ndata: c\r\rtail"),
            vec![
                &b"data: a\n\n"[..],
                b"data: b\r\n\r\n",
                b"data: c\r\r",
                b"tail"
            ]
        );
    }

    #[test]
    fn multi_line_events_stay_whole() {
        assert_eq!(
            split(b"event: x\ndata: 1\ndata: 2\n\n: c\n\n"),
            vec![&b"event: x\ndata: 1\ndata: 2\n\n"[..], b": c\n\n"]
        );
    }

    #[test]
    fn a_crlf_split_is_one_terminator() {
        // `\r\n` followed by `\r\n` closes the event, `\r\n` alone does not.
        assert_eq!(split(b"data: a\r\ndata: b\r\n\r\n").len(), 1);
    }

    #[test]
    fn empty_input_has_no_events() {
        assert!(event_ends(b"").is_empty());
    }

    #[test]
    fn multi_line_data_puts_each_pretty_line_on_a_data_line() {
        let format = Format {
            multi_line_data: true,
            ..Format::default()
        };
        let event = format.json_event(&serde_json::json!({"a": 1}));
        assert_eq!(&event[..], b"data: {\ndata:   \"a\": 1\ndata: }\n\n");
    }

    #[test]
    fn typed_events_name_the_event_before_the_data() {
        let format = Format {
            line_ending: LineEnding::CrLf,
            ..Format::default()
        };
        let event = format.typed_event("response.created", &serde_json::json!({"a": 1}));
        assert_eq!(
            &event[..],
            b"event: response.created\r\ndata: {\"a\":1}\r\n\r\n"
        );
    }

    #[test]
    fn data_prefix_can_drop_the_space() {
        let format = Format {
            data_without_space: true,
            line_ending: LineEnding::Cr,
            ..Format::default()
        };
        assert_eq!(&format.done()[..], b"data:[DONE]\r\r");
    }
}
