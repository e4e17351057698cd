//! Incremental Server-Sent Events decoding: bytes in, events out.
//!
//! The decoder keeps only the unconsumed tail of the input (at most one partial
//! line) plus the data of the event being built, so memory stays flat however long
//! the stream runs. Every byte is scanned once: a scan offset remembers how far a
//! partial line was already searched for a line end, and `memchr` finds line ends.
//!
//! Accepted: LF, CRLF and CR line ends (a CR ending one chunk and an LF starting the
//! next count as one line end), `data:` with or without a space, comments (`:`
//! lines, used as keep-alives), `event:` names, multi-line `data`, UTF-8 split across
//! chunks (events are validated as UTF-8 only once complete), and a final event that
//! is not followed by a blank line when the input ends ([`SseDecoder::finish`]).
//!
//! One UTF-8 byte-order mark at the very start of the stream is skipped, also when
//! it arrives split across reads (the SSE specification says so); anywhere else it
//! is data.
//!
//! The data of a one-line event (what chat streams send) is handed out straight from
//! the input buffer; only multi-line events, and events split across reads, are
//! copied.

use std::fmt;

/// The UTF-8 byte-order mark. The SSE rules ignore one at the very start of a
/// stream; some servers (and proxies on Windows) send it, also before JSON bodies.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// `bytes` without one leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Default limit on the size of one event (data plus the line being read): 32 MiB.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 32 * 1024 * 1024;

/// One decoded event. `data` borrows the decoder's buffer until the next call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseEvent<'a> {
    /// The `event:` name, when the event had one (`error` for provider errors).
    pub event: Option<&'a str>,
    /// The `data:` lines joined with `\n`.
    pub data: &'a str,
}

/// Why the byte stream is not a valid event stream.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SseError {
    /// One event grew beyond the configured limit.
    #[error("a single stream event exceeded the {limit}-byte limit")]
    EventTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// An event's data is not UTF-8.
    #[error("a stream event is not valid UTF-8 (at byte {valid_up_to} of its data)")]
    InvalidUtf8 {
        /// Length of the valid prefix.
        valid_up_to: usize,
        /// The first bytes of the event, lossily decoded, for the error message.
        excerpt: String,
    },
}

/// Incremental SSE decoder. Feed bytes with [`feed`](Self::feed), take events with
/// [`next_event`](Self::next_event) until it returns `None`, repeat; call
/// [`finish`](Self::finish) once the input ended.
///
/// ```
/// use oac_provider::sse::SseDecoder;
///
/// let mut decoder = SseDecoder::new();
/// decoder.feed(b"data: {\"a\":1}\r");
/// decoder.feed(b"\n\r\n: keep-alive\n\ndata:[DONE]\n\n");
/// let mut seen = Vec::new();
/// while let Some(event) = decoder.next_event() {
///     seen.push(event.unwrap().data.to_owned());
/// }
/// assert_eq!(seen, ["{\"a\":1}", "[DONE]"]);
/// ```
pub struct SseDecoder {
    /// Unconsumed input: `buf[pos..]` is still to be processed.
    buf: Vec<u8>,
    /// Start of the unprocessed part of `buf`.
    pos: usize,
    /// `buf[pos..scan]` is known to contain no line end.
    scan: usize,
    /// Data of the event being built (lines joined with `\n`), once it is copied.
    data: Vec<u8>,
    /// The event's only `data` value so far, still in `buf` (not copied).
    single: Option<(usize, usize)>,
    /// Whether a `data` field was seen for the event being built.
    has_data: bool,
    /// The `event:` name of the event being built.
    event: Option<String>,
    /// The last line ended with a CR at the end of the input: skip one LF.
    skip_lf: bool,
    /// Input ended: a trailing partial line counts as a line.
    finished: bool,
    /// After an event was handed out, its storage is cleared on the next call.
    dispatched: bool,
    /// The name of the dispatched event (kept apart so `event` can be reset).
    dispatched_event: Option<String>,
    max_event_bytes: usize,
    failed: bool,
    /// The start of the stream was checked for a byte-order mark.
    bom_checked: bool,
}

impl fmt::Debug for SseDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseDecoder")
            .field("buffered", &(self.buf.len() - self.pos))
            .field("event_bytes", &self.event_bytes())
            .field("max_event_bytes", &self.max_event_bytes)
            .finish()
    }
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new()
    }
}

enum Line {
    /// A complete line at `buf[start..end]`.
    Complete { start: usize, end: usize },
    /// No complete line buffered.
    Incomplete,
}

impl SseDecoder {
    /// A decoder with the default event size limit ([`DEFAULT_MAX_EVENT_BYTES`]).
    pub fn new() -> Self {
        Self::with_max_event_bytes(DEFAULT_MAX_EVENT_BYTES)
    }

    /// A decoder that refuses events larger than `max_event_bytes`.
    pub fn with_max_event_bytes(max_event_bytes: usize) -> Self {
        SseDecoder {
            buf: Vec::new(),
            pos: 0,
            scan: 0,
            data: Vec::new(),
            single: None,
            has_data: false,
            event: None,
            skip_lf: false,
            finished: false,
            dispatched: false,
            dispatched_event: None,
            max_event_bytes,
            failed: false,
            bom_checked: false,
        }
    }

    /// Append bytes received from the network.
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.pos > 0 && self.single.is_some() {
            // The buffer is about to move: the event's data must not point into it.
            self.copy_single();
        }
        if self.pos > 0 && self.pos == self.buf.len() {
            // Everything was consumed: start over without moving bytes.
            self.buf.clear();
            self.pos = 0;
            self.scan = 0;
        } else if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            // Drop the consumed prefix (at most one partial line remains) so the
            // buffer never grows with the length of the stream.
            self.buf.drain(..self.pos);
            self.scan -= self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Mark the end of the input: a last line without a line end and a last event
    /// without a blank line are still delivered by [`next_event`](Self::next_event).
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// Bytes held for a partial line and a partial event.
    pub fn buffered_bytes(&self) -> usize {
        self.buf.len() - self.pos + self.event_bytes()
    }

    /// Data bytes of the event being built.
    fn event_bytes(&self) -> usize {
        self.data.len() + self.single.map_or(0, |(start, end)| end - start)
    }

    /// Copy the event's data out of `buf`.
    fn copy_single(&mut self) {
        if let Some((start, end)) = self.single.take() {
            self.data.extend_from_slice(&self.buf[start..end]);
        }
    }

    /// The next complete event, `None` when more input is needed (or, after
    /// [`finish`](Self::finish), when the input is exhausted). After an error the
    /// decoder returns `None` forever.
    pub fn next_event(&mut self) -> Option<Result<SseEvent<'_>, SseError>> {
        if self.failed {
            return None;
        }
        if self.dispatched {
            self.dispatched = false;
            self.data.clear();
            self.single = None;
            self.has_data = false;
            self.dispatched_event = None;
        }
        if self.pos == self.buf.len() && !self.finished {
            // Nothing unread: no line can end and nothing grew since the last call
            // (which checked the limit), so there is nothing to do until more input.
            return None;
        }
        if !self.bom_checked && !self.skip_bom() {
            return None;
        }
        loop {
            match self.next_line() {
                Line::Complete { start, end } => {
                    if start == end {
                        if self.has_data {
                            return self.dispatch();
                        }
                        // A blank line without data resets the event (SSE rules).
                        self.event = None;
                        continue;
                    }
                    if let Err(e) = self.process_line(start, end) {
                        self.failed = true;
                        return Some(Err(e));
                    }
                }
                Line::Incomplete => {
                    if self.finished && self.has_data {
                        return self.dispatch();
                    }
                    let pending = self.buffered_bytes();
                    if pending > self.max_event_bytes {
                        self.failed = true;
                        return Some(Err(SseError::EventTooLarge {
                            limit: self.max_event_bytes,
                        }));
                    }
                    return None;
                }
            }
        }
    }

    /// Skip a byte-order mark at the start of the stream. False while the bytes so
    /// far are a proper prefix of one (more input decides).
    fn skip_bom(&mut self) -> bool {
        let start = &self.buf[self.pos..];
        if start.len() < BOM.len() && BOM.starts_with(start) && !self.finished {
            return false;
        }
        if start.starts_with(BOM) {
            self.pos += BOM.len();
            self.scan = self.scan.max(self.pos);
        }
        self.bom_checked = true;
        true
    }

    fn dispatch(&mut self) -> Option<Result<SseEvent<'_>, SseError>> {
        self.dispatched = true;
        self.dispatched_event = self.event.take();
        let bytes = match self.single {
            Some((start, end)) => &self.buf[start..end],
            None => &self.data[..],
        };
        match std::str::from_utf8(bytes) {
            Ok(data) => Some(Ok(SseEvent {
                event: self.dispatched_event.as_deref(),
                data,
            })),
            Err(e) => {
                self.failed = true;
                let end = bytes.len().min(80);
                Some(Err(SseError::InvalidUtf8 {
                    valid_up_to: e.valid_up_to(),
                    excerpt: String::from_utf8_lossy(&bytes[..end]).into_owned(),
                }))
            }
        }
    }

    /// Find the next line in `buf[pos..]`, consuming it and its line end.
    fn next_line(&mut self) -> Line {
        if self.skip_lf && self.pos < self.buf.len() {
            self.skip_lf = false;
            if self.buf[self.pos] == b'\n' {
                self.pos += 1;
                self.scan = self.scan.max(self.pos);
            }
        }
        let from = self.scan.max(self.pos);
        match memchr::memchr2(b'\n', b'\r', &self.buf[from..]) {
            Some(offset) => {
                let end = from + offset;
                let start = self.pos;
                let mut next = end + 1;
                if self.buf[end] == b'\r' {
                    match self.buf.get(next) {
                        Some(b'\n') => next += 1,
                        Some(_) => {}
                        // CR at the end of the input: an LF may open the next chunk.
                        None => self.skip_lf = true,
                    }
                }
                self.pos = next;
                self.scan = next;
                Line::Complete { start, end }
            }
            None => {
                self.scan = self.buf.len();
                if self.finished && self.pos < self.buf.len() {
                    let start = self.pos;
                    let end = self.buf.len();
                    self.pos = end;
                    self.scan = end;
                    Line::Complete { start, end }
                } else {
                    Line::Incomplete
                }
            }
        }
    }

    fn process_line(&mut self, start: usize, end: usize) -> Result<(), SseError> {
        let line = &self.buf[start..end];
        if line[0] == b':' {
            return Ok(()); // comment / keep-alive
        }
        // The field name, and where its value starts in `buf`.
        let (field_end, value_start) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let space = usize::from(line.get(colon + 1) == Some(&b' '));
                (colon, colon + 1 + space)
            }
            None => (line.len(), line.len()),
        };
        match &line[..field_end] {
            b"data" => {
                let (value_start, value_end) = (start + value_start, end);
                let len = value_end - value_start;
                if !self.has_data {
                    if len > self.max_event_bytes {
                        return Err(SseError::EventTooLarge {
                            limit: self.max_event_bytes,
                        });
                    }
                    self.single = Some((value_start, value_end));
                    self.has_data = true;
                    return Ok(());
                }
                self.copy_single();
                if self.data.len() + 1 + len > self.max_event_bytes {
                    return Err(SseError::EventTooLarge {
                        limit: self.max_event_bytes,
                    });
                }
                self.data.push(b'\n');
                self.data
                    .extend_from_slice(&self.buf[value_start..value_end]);
            }
            b"event" => {
                let value = &line[value_start..];
                self.event = Some(String::from_utf8_lossy(value).into_owned());
            }
            // `id`, `retry` and unknown fields carry nothing a chat stream needs.
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(chunks: &[&[u8]]) -> Vec<(Option<String>, String)> {
        let mut decoder = SseDecoder::new();
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk);
            while let Some(event) = decoder.next_event() {
                let event = event.unwrap();
                out.push((event.event.map(str::to_owned), event.data.to_owned()));
            }
        }
        decoder.finish();
        while let Some(event) = decoder.next_event() {
            let event = event.unwrap();
            out.push((event.event.map(str::to_owned), event.data.to_owned()));
        }
        out
    }

    fn datas(chunks: &[&[u8]]) -> Vec<String> {
        decode_all(chunks).into_iter().map(|(_, d)| d).collect()
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped_wherever_the_reads_split_it() {
        let input = b"\xEF\xBB\xBFdata: a\n\ndata: b\n\n";
        for i in 0..=input.len() {
            for j in i..=input.len() {
                assert_eq!(
                    datas(&[&input[..i], &input[i..j], &input[j..]]),
                    ["a", "b"],
                    "split at {i}, {j}"
                );
            }
        }
        // One byte at a time.
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(datas(&bytes), ["a", "b"]);
    }

    #[test]
    fn only_one_byte_order_mark_and_only_at_the_start_is_skipped() {
        // A second mark makes the first line's field name `\u{FEFF}data`: ignored.
        assert_eq!(
            datas(&[b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n"]),
            ["b"]
        );
        // Inside data it is data.
        assert_eq!(
            datas(&[b"data: a\n\ndata: \xEF\xBB\xBFb\n\n"]),
            ["a", "\u{FEFF}b"]
        );
        // A stream that is only part of a mark yields nothing (and no panic).
        assert!(datas(&[b"\xEF\xBB"]).is_empty());
        assert!(datas(&[b"\xEF", b"\xBB\xBF"]).is_empty());
    }

    #[test]
    fn lf_line_ends() {
        assert_eq!(datas(&[b"data: a\n\ndata: b\n\n"]), ["a", "b"]);
    }

    #[test]
    fn crlf_line_ends() {
        assert_eq!(datas(&[b"data: a\r\n\r\ndata: b\r\n\r\n"]), ["a", "b"]);
    }

    #[test]
    fn cr_line_ends() {
        assert_eq!(datas(&[b"data: a\r\rdata: b\r\r"]), ["a", "b"]);
    }

    #[test]
    fn cr_at_chunk_end_followed_by_lf_is_one_line_end() {
        assert_eq!(
            datas(&[b"data: a\r", b"\n\r", b"\ndata: b\r\n", b"\r\n"]),
            ["a", "b"]
        );
    }

    #[test]
    fn cr_at_chunk_end_followed_by_cr_is_two_line_ends() {
        assert_eq!(datas(&[b"data: a\r", b"\rdata: b\n\n"]), ["a", "b"]);
    }

    #[test]
    fn data_without_space() {
        assert_eq!(datas(&[b"data:a\n\ndata:  b\n\n"]), ["a", " b"]);
    }

    #[test]
    fn comments_and_keep_alives_are_skipped() {
        assert_eq!(
            datas(&[b": OPENROUTER PROCESSING\n\n:\n\ndata: a\n: mid-event comment\n\n"]),
            ["a"]
        );
    }

    #[test]
    fn event_name_is_reported() {
        let events = decode_all(&[b"event: error\ndata: {\"x\":1}\n\ndata: y\n\n"]);
        assert_eq!(events[0], (Some("error".into()), "{\"x\":1}".into()));
        assert_eq!(events[1], (None, "y".into()));
    }

    #[test]
    fn multi_line_data_is_joined_with_lf() {
        assert_eq!(
            datas(&[b"data: {\ndata: \"a\": 1\ndata: }\n\n"]),
            ["{\n\"a\": 1\n}"]
        );
    }

    #[test]
    fn utf8_split_across_chunks() {
        let text = "data: h\u{e9}llo \u{1f600}\n\n".as_bytes();
        let (a, b) = text.split_at(9); // inside the two-byte é
        let (b, c) = b.split_at(b.len() - 5); // inside the four-byte emoji
        assert_eq!(datas(&[a, b, c]), ["h\u{e9}llo \u{1f600}"]);
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        let mut decoder = SseDecoder::new();
        decoder.feed(b"data: \xff\xfe\n\n");
        assert!(matches!(
            decoder.next_event(),
            Some(Err(SseError::InvalidUtf8 { .. }))
        ));
        assert!(decoder.next_event().is_none());
    }

    #[test]
    fn last_event_without_blank_line_is_delivered_at_finish() {
        assert_eq!(datas(&[b"data: a\n\ndata: [DONE]"]), ["a", "[DONE]"]);
    }

    #[test]
    fn event_without_data_is_not_dispatched() {
        assert_eq!(
            datas(&[b"event: ping\n\nid: 3\nretry: 10\n\ndata: a\n\n"]),
            ["a"]
        );
    }

    #[test]
    fn field_without_colon_is_a_field_with_empty_value() {
        assert_eq!(datas(&[b"data\n\n"]), [""]);
    }

    #[test]
    fn oversized_event_is_refused() {
        let mut decoder = SseDecoder::with_max_event_bytes(16);
        decoder.feed(b"data: 0123456789\ndata: 0123456789\n\n");
        assert_eq!(
            decoder.next_event(),
            Some(Err(SseError::EventTooLarge { limit: 16 }))
        );
    }

    #[test]
    fn endless_line_is_refused_before_it_ends() {
        let mut decoder = SseDecoder::with_max_event_bytes(64);
        for _ in 0..10 {
            decoder.feed(&[b'x'; 10]);
            if let Some(result) = decoder.next_event() {
                assert_eq!(result, Err(SseError::EventTooLarge { limit: 64 }));
                return;
            }
        }
        panic!("the limit was not enforced");
    }

    #[test]
    fn buffer_stays_small_over_a_long_stream() {
        let mut decoder = SseDecoder::new();
        for i in 0..10_000 {
            decoder.feed(format!("data: {{\"n\":{i}}}\n\n").as_bytes());
            while let Some(event) = decoder.next_event() {
                event.unwrap();
            }
            assert!(decoder.buffered_bytes() < 64);
        }
        assert!(decoder.buf.capacity() < 1024);
    }

    #[test]
    fn an_event_whose_blank_line_comes_in_a_later_read_keeps_its_data() {
        let mut decoder = SseDecoder::new();
        decoder.feed(b"data: first\n\ndata: {\"a\":1}\n");
        assert_eq!(decoder.next_event().unwrap().unwrap().data, "first");
        assert!(decoder.next_event().is_none());
        // This read moves the buffer: the pending data must have been copied out.
        decoder.feed(b"\ndata: x\n");
        assert_eq!(decoder.next_event().unwrap().unwrap().data, "{\"a\":1}");
        decoder.feed(b"data: y\n\n");
        assert_eq!(decoder.next_event().unwrap().unwrap().data, "x\ny");
    }

    #[test]
    fn a_one_line_event_is_limited_like_any_other() {
        let mut decoder = SseDecoder::with_max_event_bytes(8);
        decoder.feed(b"data: 123456789\n\n");
        assert_eq!(
            decoder.next_event(),
            Some(Err(SseError::EventTooLarge { limit: 8 }))
        );
        let mut decoder = SseDecoder::with_max_event_bytes(8);
        decoder.feed(b"data: 1234\ndata: 5678\n\n");
        assert_eq!(
            decoder.next_event(),
            Some(Err(SseError::EventTooLarge { limit: 8 }))
        );
    }

    #[test]
    fn partial_line_is_not_rescanned() {
        let mut decoder = SseDecoder::new();
        decoder.feed(b"data: abc");
        assert!(decoder.next_event().is_none());
        assert_eq!(decoder.scan, 9);
        decoder.feed(b"def\n\n");
        assert_eq!(decoder.next_event().unwrap().unwrap().data, "abcdef");
    }
}
