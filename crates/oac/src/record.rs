//! [`UsageRecorder`]: a hook told once per completed request what it was and what it
//! cost, as a [`RequestRecord`] — the record `oac`'s spending ledger writes, one JSON
//! line each ([`RequestRecord::to_json_line`]).
//!
//! A record never holds the API key, the prompt or the answer: only where the
//! request went (host and port, never the path or query), the model, the usage, the
//! exact cost, the server's request id and how it ended.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oac_config::{ExposeSecret, ResolvedProfile, SecretString};
use oac_pricing::{Cost, Decimal, Usage, exact_string, parse_price};
use oac_provider::{Error as ProviderError, Provider, UsageReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The record format this crate writes and reads: the `"v"` field of every line.
pub const RECORD_FORMAT_VERSION: u64 = 1;

/// The longest text kept in a string field of a record, in bytes (longer text, such
/// as a model name a server made up, is cut at a character boundary and ends in
/// `…`), so one record always stays a short line.
pub const MAX_FIELD_BYTES: usize = 256;

/// The [`RequestRecord::api`] of a chat-completions request (a Responses API
/// request records `"responses"`, [`WireApi::as_str`](oac_url::WireApi::as_str)).
pub const API_CHAT: &str = "chat";

/// One request as the spending ledger records it (format `"v":1`, documented in
/// `docs/ledger.md`): when, where, which model, the usage, the exact cost and how it
/// ended. Never the key, the prompt or the answer.
///
/// Handed to a [`UsageRecorder`] once per request; read back from a ledger line with
/// [`from_json_line`](RequestRecord::from_json_line).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// When the request was sent, to the millisecond (written as UTC, RFC 3339).
    pub time: SystemTime,
    /// Which API: [`API_CHAT`] (`"chat"`) for chat completions, `"responses"` for
    /// the Responses API.
    pub api: String,
    /// Whether the reply was streamed.
    pub streamed: bool,
    /// The profile's name, when the client was built from a named profile.
    pub profile: Option<String>,
    /// `host` or `host:port` of the chat URL: never its path, query or userinfo.
    pub host: String,
    /// The model id as sent.
    pub model: String,
    /// The model the server said answered, when it named one other than `model`.
    pub served_model: Option<String>,
    /// How the request ended.
    pub outcome: Outcome,
    /// The server's request id (`x-request-id`), when it sent one.
    pub request_id: Option<String>,
    /// The usage the server reported (`None`: not reported — never zero).
    pub usage: Option<Usage>,
    /// The server's usage had to be repaired, so `cost` is an estimate.
    pub usage_repaired: bool,
    /// The exact cost, or unknown with why.
    pub cost: RecordedCost,
}

/// How a recorded request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The reply came whole (for a stream: it ended, or was dropped after the
    /// model's finish reason arrived).
    Ok,
    /// A stream the caller dropped before the model finished (or a request whose
    /// future was dropped before the reply came): what was used until then is
    /// recorded when the server reported it.
    Cut,
    /// The request failed: the [`ErrorKind`](crate::ErrorKind) as its snake_case
    /// name (`rate_limited`, `stream_ended_early`, …).
    Error(String),
}

impl Outcome {
    /// `ok`, `cut` or `error`.
    pub fn as_str(&self) -> &str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Cut => "cut",
            Outcome::Error(_) => "error",
        }
    }

    /// The error kind's name, for [`Outcome::Error`].
    pub fn error_kind(&self) -> Option<&str> {
        match self {
            Outcome::Error(kind) => Some(kind),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Error(kind) => write!(f, "error ({kind})"),
            other => f.write_str(other.as_str()),
        }
    }
}

/// A request's cost as recorded: exact, or unknown (never $0).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordedCost {
    /// The exact cost in USD, unrounded.
    Known(Decimal),
    /// Unknown: no prices, no usage reported, or beyond exact arithmetic.
    Unknown {
        /// Why, when known (`input_price and output_price are not set`, `usage not
        /// reported`).
        reason: Option<String>,
    },
}

impl RecordedCost {
    /// The exact amount, when known.
    pub fn known(&self) -> Option<Decimal> {
        match self {
            RecordedCost::Known(amount) => Some(*amount),
            RecordedCost::Unknown { .. } => None,
        }
    }

    /// The cost of a reply with this usage (`None`: not reported).
    pub(crate) fn of(usage: Option<&UsageReport>) -> RecordedCost {
        match usage.map(|report| &report.cost) {
            Some(Cost::Known(breakdown)) => RecordedCost::Known(breakdown.total),
            Some(cost) => RecordedCost::Unknown {
                reason: cost.unknown_reason().map(ToString::to_string),
            },
            None => RecordedCost::Unknown {
                reason: Some(NOT_REPORTED.to_owned()),
            },
        }
    }
}

/// The reason of the unknown cost of a request whose usage was not reported.
const NOT_REPORTED: &str = "usage not reported";

/// Told about every request a [`Client`](crate::Client) completes, once each, with
/// its [`RequestRecord`]: set it with
/// [`ClientBuilder::usage_recorder`](crate::ClientBuilder::usage_recorder) or
/// [`Client::with_usage_recorder`](crate::Client::with_usage_recorder). Closures
/// `Fn(&RequestRecord)` are recorders.
///
/// When it is called: a complete reply ([`Client::send`](crate::Client::send)) when
/// it arrives or fails; a stream when it ends, fails, is read whole, or is dropped
/// (then with what usage it reported so far, outcome [`Outcome::Cut`] unless the
/// model had finished); a request whose future is dropped before an answer, as
/// [`Outcome::Cut`]. It runs on the task that completes the request (for a dropped
/// stream, inside `drop`), so it should be quick — append to a file, send to a
/// channel — and must not panic.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use oac::{Client, Outcome, RequestRecord};
/// # use oac_testkit::{Reply, Simulator};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), oac::Error> {
/// # let sim = Simulator::start().await;
/// # sim.push(Reply::text("Hi!").usage_tokens(12, 3));
/// # let base_url = sim.base_url();
/// let records: Arc<Mutex<Vec<RequestRecord>>> = Arc::default();
/// let store = Arc::clone(&records);
/// let client = Client::builder()
///     .base_url(base_url)
///     .model("sim-model")
///     .usage_recorder(move |record: &RequestRecord| {
///         // Your own store: a database, a metrics counter, a file.
///         store.lock().unwrap().push(record.clone());
///     })
///     .build()?;
///
/// client.chat().user("Say hi").send().await?;
///
/// let records = records.lock().unwrap();
/// assert_eq!(records.len(), 1);
/// assert_eq!(records[0].outcome, Outcome::Ok);
/// assert_eq!(records[0].usage.as_ref().unwrap().input_total, 12);
/// // The same line oac's ledger appends (no key, prompt or answer in it):
/// let line = records[0].to_json_line();
/// assert!(line.starts_with(r#"{"v":1,"#) && !line.contains("Say hi"));
/// # Ok(())
/// # }
/// ```
pub trait UsageRecorder: Send + Sync {
    /// Records one completed request.
    fn record(&self, record: &RequestRecord);
}

impl<F: Fn(&RequestRecord) + Send + Sync> UsageRecorder for F {
    fn record(&self, record: &RequestRecord) {
        self(record)
    }
}

/// Why a ledger line is not a record this crate can read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// Not JSON, or a field of the wrong type or missing (a torn or damaged line).
    #[error("not a ledger record: {0}")]
    Json(#[from] serde_json::Error),
    /// A record of another format version (written by a newer `oac`).
    #[error(
        "a record of format v{found}; this version reads v{RECORD_FORMAT_VERSION}: update oac to read it"
    )]
    Version {
        /// The `"v"` of the line.
        found: u64,
    },
    /// A field holds a value the format does not allow.
    #[error("the `{field}` field of the record is invalid: {why}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        why: String,
    },
}

/// A record as written: field order and names are the format (see `docs/ledger.md`).
#[derive(Serialize, Deserialize)]
struct Wire {
    v: u64,
    time: String,
    api: String,
    streamed: bool,
    profile: Option<String>,
    host: String,
    model: String,
    served_model: Option<String>,
    outcome: String,
    error: Option<String>,
    request_id: Option<String>,
    usage: Option<Usage>,
    usage_repaired: bool,
    cost: String,
    cost_unknown: Option<String>,
}

/// The text of `cost` for an unknown cost.
pub(crate) const UNKNOWN: &str = "unknown";

impl RequestRecord {
    /// The record as one line of JSON (no line break; strings escaped, so it never
    /// contains one): the ledger's format `"v":1`, fields in a fixed order.
    pub fn to_json_line(&self) -> String {
        let (cost, cost_unknown) = match &self.cost {
            RecordedCost::Known(amount) => (exact_string(*amount), None),
            RecordedCost::Unknown { reason } => (UNKNOWN.to_owned(), reason.clone()),
        };
        let wire = Wire {
            v: RECORD_FORMAT_VERSION,
            time: self.time_rfc3339(),
            api: self.api.clone(),
            streamed: self.streamed,
            profile: self.profile.clone(),
            host: self.host.clone(),
            model: self.model.clone(),
            served_model: self.served_model.clone(),
            outcome: self.outcome.as_str().to_owned(),
            error: self.outcome.error_kind().map(str::to_owned),
            request_id: self.request_id.clone(),
            usage: self.usage.clone(),
            usage_repaired: self.usage_repaired,
            cost,
            cost_unknown,
        };
        // Plain strings, numbers and a derived struct: serializing cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }

    /// Reads one ledger line (with or without its line break). A line of another
    /// format version is [`RecordError::Version`]; unknown extra fields are ignored
    /// (later v1 writers may add some).
    ///
    /// ```
    /// use oac::{Outcome, RecordedCost, RequestRecord};
    ///
    /// let line = r#"{"v":1,"time":"2026-12-01T10:00:00.000Z","api":"chat","streamed":true,
    ///   "profile":"work","host":"api.together.xyz","model":"m","served_model":null,
    ///   "outcome":"ok","error":null,"request_id":null,
    ///   "usage":{"input_total":1000,"output_total":500},"usage_repaired":false,
    ///   "cost":"0.00045","cost_unknown":null}"#;
    /// let record = RequestRecord::from_json_line(line)?;
    /// assert_eq!(record.outcome, Outcome::Ok);
    /// assert_eq!(record.cost.known().unwrap().to_string(), "0.00045");
    /// assert_eq!(record.time_rfc3339(), "2026-12-01T10:00:00.000Z");
    /// # Ok::<(), oac::RecordError>(())
    /// ```
    pub fn from_json_line(line: &str) -> Result<RequestRecord, RecordError> {
        let value: Value = serde_json::from_str(line.trim_end_matches(['\n', '\r']))?;
        match value.get("v").and_then(Value::as_u64) {
            Some(RECORD_FORMAT_VERSION) => {}
            Some(found) => return Err(RecordError::Version { found }),
            None => {
                return Err(RecordError::Invalid {
                    field: "v",
                    why: "missing or not a whole number".into(),
                });
            }
        }
        RequestRecord::from_wire(Wire::deserialize(value)?)
    }

    fn from_wire(wire: Wire) -> Result<RequestRecord, RecordError> {
        let invalid = |field, why: String| RecordError::Invalid { field, why };
        let time = humantime::parse_rfc3339(&wire.time).map_err(|e| {
            invalid(
                "time",
                format!("`{}` is not a UTC RFC 3339 time ({e})", wire.time),
            )
        })?;
        let outcome = match (wire.outcome.as_str(), wire.error) {
            ("ok", _) => Outcome::Ok,
            ("cut", _) => Outcome::Cut,
            ("error", Some(kind)) => Outcome::Error(kind),
            ("error", None) => return Err(invalid("error", "missing for outcome `error`".into())),
            (other, _) => {
                return Err(invalid(
                    "outcome",
                    format!("`{other}` is not ok, cut or error"),
                ));
            }
        };
        let cost = if wire.cost == UNKNOWN {
            RecordedCost::Unknown {
                reason: wire.cost_unknown,
            }
        } else {
            RecordedCost::Known(
                parse_price(&wire.cost).map_err(|e| invalid("cost", e.to_string()))?,
            )
        };
        Ok(RequestRecord {
            time,
            api: wire.api,
            streamed: wire.streamed,
            profile: wire.profile,
            host: wire.host,
            model: wire.model,
            served_model: wire.served_model,
            outcome,
            request_id: wire.request_id,
            usage: wire.usage,
            usage_repaired: wire.usage_repaired,
            cost,
        })
    }

    /// [`time`](Self::time) as written: UTC, RFC 3339, milliseconds
    /// (`2026-12-01T10:00:00.123Z`); its first ten characters are the UTC day. A
    /// time before 1970 is written as 1970-01-01, one after 9999 as the end of 9999.
    pub fn time_rfc3339(&self) -> String {
        humantime::format_rfc3339_millis(writable_time(self.time)).to_string()
    }
}

/// The last instant RFC 3339 (four-digit years) can write: 9999-12-31T23:59:59.999Z.
const LAST_WRITABLE: Duration = Duration::from_millis(253_402_300_799_999);

/// `time` within what RFC 3339 can write (the formatter fails outside it).
fn writable_time(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Err(_) => UNIX_EPOCH,
        Ok(since) if since > LAST_WRITABLE => UNIX_EPOCH + LAST_WRITABLE,
        Ok(_) => time,
    }
}

/// `time` without its sub-millisecond part, so a record reads back equal to the
/// record that was written.
fn whole_millis(time: SystemTime) -> SystemTime {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => {
            let nanos = since.subsec_nanos();
            time - Duration::from_nanos(u64::from(nanos % 1_000_000))
        }
        Err(_) => time,
    }
}

/// What a client records for each request: the recorder and what every record of
/// the client shares (profile, host, model), computed once.
pub(crate) struct Recording {
    recorder: Arc<dyn UsageRecorder>,
    profile: Option<String>,
    host: String,
    model: String,
    /// `chat` or `responses`.
    api: &'static str,
    /// Masked out of every text a server sends back (request id, model name).
    key: Option<SecretString>,
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording")
            .field("profile", &self.profile)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl Recording {
    pub(crate) fn new(
        recorder: Arc<dyn UsageRecorder>,
        provider: &dyn Provider,
        profile: Option<&ResolvedProfile>,
    ) -> Recording {
        let key = profile.and_then(ResolvedProfile::api_key).cloned();
        let mut recording = Recording {
            recorder,
            profile: None,
            host: String::new(),
            model: String::new(),
            api: provider.api().as_str(),
            key,
        };
        let url = provider
            .endpoints()
            .url_for(provider.api())
            .unwrap_or(&provider.endpoints().chat);
        recording.host = recording.clean(&host_of(url));
        if oac_url::looks_like_key(&recording.host) {
            recording.host = oac_url::MASK.to_owned();
        }
        recording.model = recording.clean(provider.model());
        recording.profile = profile
            .and_then(ResolvedProfile::name)
            .map(|name| recording.clean(name));
        recording
    }

    /// `text` with the key masked and cut to [`MAX_FIELD_BYTES`].
    fn clean(&self, text: &str) -> String {
        let masked = match &self.key {
            Some(key) => oac_url::mask_values(text, &[key.expose_secret()]),
            None => text.to_owned(),
        };
        capped(masked)
    }

    /// A request starting now; recorded once, when it is finished or dropped.
    pub(crate) fn start(self: &Arc<Self>, streamed: bool) -> Pending {
        Pending {
            recording: Arc::clone(self),
            time: writable_time(whole_millis(SystemTime::now())),
            streamed,
            usage: None,
            finish_seen: false,
            done: false,
        }
    }
}

/// `host` or `host:port` (an explicit port only) of `url`.
fn host_of(url: &oac_url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// `text` cut to at most [`MAX_FIELD_BYTES`] bytes at a character boundary (`…` at
/// the end when cut).
fn capped(text: String) -> String {
    if text.len() <= MAX_FIELD_BYTES {
        return text;
    }
    cap(&text, MAX_FIELD_BYTES)
}

/// `text` cut to at most `max` bytes (at least 3) at a character boundary, `…` at
/// the end when cut.
pub(crate) fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A request in flight: recorded exactly once, by [`finish`](Pending::finish) or,
/// when dropped unfinished, as [`Outcome::Cut`] (or [`Outcome::Ok`] once the model
/// finished) with what it saw.
#[derive(Debug)]
pub(crate) struct Pending {
    recording: Arc<Recording>,
    time: SystemTime,
    streamed: bool,
    usage: Option<UsageReport>,
    finish_seen: bool,
    done: bool,
}

/// What a request ended with, besides its outcome.
#[derive(Default)]
pub(crate) struct Seen<'a> {
    pub(crate) served_model: Option<&'a str>,
    pub(crate) request_id: Option<&'a str>,
}

impl Pending {
    /// The usage a stream reported.
    pub(crate) fn note_usage(&mut self, report: &UsageReport) {
        self.usage = Some(report.clone());
    }

    /// The stream's finish reason arrived: dropping it from now on is not a cut.
    pub(crate) fn note_finish(&mut self) {
        self.finish_seen = true;
    }

    /// A complete reply, with its usage when the reply carries it (a stream's usage
    /// was noted as it passed).
    pub(crate) fn succeeded(mut self, usage: Option<&UsageReport>, seen: Seen<'_>) {
        if let Some(usage) = usage {
            self.usage = Some(usage.clone());
        }
        self.finish(Outcome::Ok, seen);
    }

    /// A failed request (before or during the reply).
    pub(crate) fn failed(self, error: &ProviderError, seen: Seen<'_>) {
        let seen = Seen {
            request_id: error.request_id().or(seen.request_id),
            ..seen
        };
        self.finish(Outcome::Error(error.kind().as_str().to_owned()), seen);
    }

    /// A stream dropped before it ended.
    pub(crate) fn dropped(self, seen: Seen<'_>) {
        let outcome = if self.finish_seen {
            Outcome::Ok
        } else {
            Outcome::Cut
        };
        self.finish(outcome, seen);
    }

    fn finish(mut self, outcome: Outcome, seen: Seen<'_>) {
        self.done = true;
        let record = self.record(outcome, &seen);
        self.recording.recorder.record(&record);
    }

    fn record(&self, outcome: Outcome, seen: &Seen<'_>) -> RequestRecord {
        let recording = &self.recording;
        let served_model = seen
            .served_model
            .map(|model| recording.clean(model))
            .filter(|model| *model != recording.model);
        RequestRecord {
            time: self.time,
            api: recording.api.to_owned(),
            streamed: self.streamed,
            profile: recording.profile.clone(),
            host: recording.host.clone(),
            model: recording.model.clone(),
            served_model,
            outcome,
            request_id: seen.request_id.map(|id| recording.clean(id)),
            usage: self.usage.as_ref().map(|report| report.usage.clone()),
            usage_repaired: self.usage.as_ref().is_some_and(UsageReport::is_repaired),
            cost: RecordedCost::of(self.usage.as_ref()),
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            let record = self.record(Outcome::Cut, &Seen::default());
            self.recording.recorder.record(&record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> RequestRecord {
        RequestRecord {
            time: UNIX_EPOCH + Duration::from_millis(1_796_119_200_123),
            api: API_CHAT.into(),
            streamed: true,
            profile: Some("work".into()),
            host: "127.0.0.1:8080".into(),
            model: "m".into(),
            served_model: Some("m-2026".into()),
            outcome: Outcome::Error("rate_limited".into()),
            request_id: Some("req_1".into()),
            usage: Some(
                Usage::new(1000, 500)
                    .with_cache_read(200)
                    .with_reasoning(100),
            ),
            usage_repaired: false,
            cost: RecordedCost::Known(parse_price("0.00045").unwrap()),
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let line = record().to_json_line();
        assert!(!line.contains('\n'));
        assert_eq!(RequestRecord::from_json_line(&line).unwrap(), record());
        let unknown = RequestRecord {
            cost: RecordedCost::Unknown {
                reason: Some("input_price is not set".into()),
            },
            outcome: Outcome::Cut,
            usage: None,
            ..record()
        };
        let line = format!("{}\n", unknown.to_json_line());
        assert_eq!(RequestRecord::from_json_line(&line).unwrap(), unknown);
    }

    #[test]
    fn the_line_format_is_stable() {
        assert_eq!(
            record().to_json_line(),
            r#"{"v":1,"time":"2026-12-01T10:00:00.123Z","api":"chat","streamed":true,"profile":"work","host":"127.0.0.1:8080","model":"m","served_model":"m-2026","outcome":"error","error":"rate_limited","request_id":"req_1","usage":{"input_total":1000,"cache_read":200,"cache_write":0,"output_total":500,"reasoning":100,"input_audio":0,"output_audio":0},"usage_repaired":false,"cost":"0.00045","cost_unknown":null}"#
        );
    }

    #[test]
    fn other_versions_and_damaged_lines_are_refused() {
        let line = record().to_json_line().replace(r#""v":1"#, r#""v":2"#);
        assert!(matches!(
            RequestRecord::from_json_line(&line),
            Err(RecordError::Version { found: 2 })
        ));
        let torn = &record().to_json_line()[..40];
        assert!(matches!(
            RequestRecord::from_json_line(torn),
            Err(RecordError::Json(_))
        ));
        for (from, to, field) in [
            (r#""cost":"0.00045""#, r#""cost":"-1""#, "cost"),
            (r#""outcome":"error""#, r#""outcome":"maybe""#, "outcome"),
            (r#""error":"rate_limited""#, r#""error":null"#, "error"),
            (r#"T10:00:00.123Z"#, r#"T10:00:00+02:00"#, "time"),
            (r#""v":1"#, r#""v":"1""#, "v"),
        ] {
            let line = record().to_json_line().replace(from, to);
            match RequestRecord::from_json_line(&line) {
                Err(RecordError::Invalid { field: f, .. }) => assert_eq!(f, field, "{line}"),
                other => panic!("{line}: {other:?}"),
            }
        }
    }

    #[test]
    fn unknown_fields_of_a_later_v1_writer_are_ignored() {
        let line = record()
            .to_json_line()
            .replace(r#""v":1,"#, r#""v":1,"latency_ms":12,"#);
        assert_eq!(RequestRecord::from_json_line(&line).unwrap(), record());
    }

    #[test]
    fn times_outside_rfc_3339_are_clamped_not_a_panic() {
        let early = RequestRecord {
            time: UNIX_EPOCH - Duration::from_secs(10),
            ..record()
        };
        assert_eq!(early.time_rfc3339(), "1970-01-01T00:00:00.000Z");
        let late = RequestRecord {
            time: UNIX_EPOCH + Duration::from_secs(300_000_000_000),
            ..record()
        };
        assert_eq!(late.time_rfc3339(), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn long_fields_are_cut_at_a_character_boundary() {
        let cut = capped("é".repeat(300));
        assert!(cut.len() <= MAX_FIELD_BYTES, "{}", cut.len());
        assert!(cut.ends_with('…'));
        assert_eq!(capped("short".into()), "short");
    }
}
