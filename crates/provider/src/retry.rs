//! When to retry, and how long to wait.
//!
//! Retried: connection errors, 408, 409, 429 (unless the quota is exhausted) and
//! 5xx, at most `max_retries` times. The wait is what the provider asked for
//! (`retry-after-ms`, `retry-after` in seconds or as an HTTP date) when that is at
//! most 60 s, else `0.5 s · 2ⁿ` capped at 8 s, minus up to 25 % jitter.
//! `x-should-retry: true` forces a retry, `false` forbids one; an exhausted quota is
//! never retried, whatever the header says. Nothing here retries a
//! stream once part of it reached the caller: the transport only retries before it
//! hands a response over.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use crate::error::Error;

/// Longest provider-requested wait that is honored.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Waits between attempts. Replace it in tests so retries take no time.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Wait for `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// The real clock: `tokio::time::sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Retries after the first attempt when nothing says otherwise (the one home of
/// this default: profiles, [`ProviderConfig`](crate::ProviderConfig) and
/// [`RetryPolicy::default`] all use it).
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// How retries are spaced.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff (0.5 s).
    pub initial_backoff: Duration,
    /// Longest backoff (8 s).
    pub max_backoff: Duration,
    /// Fraction of the backoff removed at random (0.25).
    pub jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: DEFAULT_MAX_RETRIES,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            jitter: 0.25,
        }
    }
}

impl RetryPolicy {
    /// The default spacing with `max_retries` retries.
    pub fn with_max_retries(max_retries: u32) -> Self {
        RetryPolicy {
            max_retries,
            ..RetryPolicy::default()
        }
    }

    /// The backoff before retry number `retry` (0-based), with jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(30)));
        let capped = exp.min(self.max_backoff);
        let jitter = self.jitter.clamp(0.0, 1.0);
        // `mul_f64` panics when the product does not fit (a `max_backoff` near
        // `Duration::MAX`): the factor is at most 1, so the capped value is the bound.
        Duration::try_from_secs_f64(capped.as_secs_f64() * (1.0 - jitter * fastrand::f64()))
            .map_or(capped, |wait| wait.min(capped))
    }

    /// Whether to retry after `error`, and after how long; `None` = do not retry.
    /// `retry` is the number of retries already made.
    pub fn decide(&self, error: &Error, retry: u32) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        if matches!(error, Error::QuotaExhausted { .. }) {
            // No wait refills a quota; the header cannot override that.
            return None;
        }
        let headers = error.headers();
        let forced = headers.and_then(should_retry_header);
        let retryable = match forced {
            Some(verdict) => verdict,
            None => is_retryable(error),
        };
        if !retryable {
            return None;
        }
        let asked = headers
            .and_then(|h| retry_after(h, SystemTime::now()))
            .filter(|d| *d <= MAX_RETRY_AFTER);
        Some(asked.unwrap_or_else(|| self.backoff(retry)))
    }
}

/// The retry rules by error: connection errors, 408, 409, 429 (not quota), 5xx,
/// and an empty reply.
pub fn is_retryable(error: &Error) -> bool {
    match error {
        Error::Connection { .. } => true,
        Error::Timeout { which, .. } => *which == crate::TimeoutKind::Connect,
        Error::QuotaExhausted { .. } | Error::ContextTooLong { .. } => false,
        Error::RateLimited { .. } | Error::ServerError { .. } | Error::EmptyReply { .. } => true,
        other => matches!(other.status(), Some(408 | 409 | 429 | 500..=599)),
    }
}

/// `x-should-retry`: `true` forces a retry, `false` forbids one.
fn should_retry_header(headers: &HeaderMap) -> Option<bool> {
    match headers.get("x-should-retry")?.to_str().ok()?.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Longest wait [`retry_after`] reports: anything longer is as good as "never"
/// (and a huge number must not overflow a `Duration`).
const LONGEST_REPORTED_WAIT_SECS: f64 = 1e9;

/// Seconds as a duration, capped at [`LONGEST_REPORTED_WAIT_SECS`]; `None` for
/// negative or non-finite values.
fn wait_of_secs(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::try_from_secs_f64(secs.min(LONGEST_REPORTED_WAIT_SECS)).ok())
        .flatten()
}

/// The wait the provider asked for: `retry-after-ms`, else `retry-after` as seconds
/// or an HTTP date (relative to `now`). Absurdly long values are capped (about 31
/// years), never a panic.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(wait) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|ms| wait_of_secs(ms / 1000.0))
    {
        return Some(wait);
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return wait_of_secs(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_ms_wins() {
        let h = headers(&[("retry-after-ms", "250"), ("retry-after", "7")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_millis(250))
        );
    }

    #[test]
    fn retry_after_seconds() {
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_secs(3))
        );
        let h = headers(&[("retry-after", "1.5")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_millis(1500))
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let at = httpdate::fmt_http_date(now + Duration::from_secs(12));
        let h = headers(&[("retry-after", &at)]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(12)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        let h = headers(&[("retry-after", &past)]);
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
    }

    #[test]
    fn garbage_retry_after_is_ignored() {
        let h = headers(&[("retry-after", "soon"), ("retry-after-ms", "-5")]);
        assert_eq!(retry_after(&h, SystemTime::now()), None);
    }

    #[test]
    fn huge_retry_after_is_capped_not_a_panic() {
        let cap = Duration::from_secs(1_000_000_000);
        for (name, value) in [
            ("retry-after-ms", "1e30"),
            ("retry-after-ms", "1.7976931348623157e308"),
            ("retry-after", "1e300"),
        ] {
            let h = headers(&[(name, value)]);
            assert_eq!(
                retry_after(&h, SystemTime::now()),
                Some(cap),
                "{name}: {value}"
            );
        }
        let h = headers(&[("retry-after-ms", "inf"), ("retry-after", "NaN")]);
        assert_eq!(retry_after(&h, SystemTime::now()), None);
    }

    #[test]
    fn backoff_doubles_and_caps_with_jitter() {
        let policy = RetryPolicy::default();
        for (retry, full) in [
            (0, 500),
            (1, 1000),
            (2, 2000),
            (3, 4000),
            (4, 8000),
            (10, 8000),
        ] {
            for _ in 0..50 {
                let d = policy.backoff(retry).as_millis() as u64;
                assert!(d <= full && d >= full * 3 / 4, "retry {retry}: {d} ms");
            }
        }
    }

    #[test]
    fn backoff_with_a_huge_maximum_does_not_panic() {
        let policy = RetryPolicy {
            initial_backoff: Duration::MAX,
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        for retry in [0, 1, 31, u32::MAX] {
            assert!(policy.backoff(retry) <= Duration::MAX);
        }
        let policy = RetryPolicy {
            jitter: 0.0,
            ..policy
        };
        assert_eq!(policy.backoff(0), Duration::MAX);
    }

    fn error_with(
        kind: fn(Box<crate::ErrorDetails>) -> Error,
        pairs: &[(&'static str, &str)],
    ) -> Error {
        let details = crate::ErrorDetails {
            status: Some(429),
            headers: headers(pairs),
            ..crate::ErrorDetails::default()
        };
        kind(Box::new(details))
    }

    fn quota(details: Box<crate::ErrorDetails>) -> Error {
        Error::QuotaExhausted {
            host: "h".into(),
            details,
        }
    }

    fn rate_limited(details: Box<crate::ErrorDetails>) -> Error {
        Error::RateLimited {
            host: "h".into(),
            retry_after: None,
            details,
        }
    }

    #[test]
    fn quota_is_never_retried_even_when_x_should_retry_says_so() {
        let error = error_with(quota, &[("x-should-retry", "true")]);
        assert_eq!(RetryPolicy::default().decide(&error, 0), None);
    }

    #[test]
    fn a_huge_retry_after_ms_falls_back_to_backoff() {
        let error = error_with(rate_limited, &[("retry-after-ms", "1e30")]);
        let wait = RetryPolicy::default().decide(&error, 0).unwrap();
        assert!(wait <= Duration::from_millis(500), "{wait:?}");
    }

    #[test]
    fn should_retry_header_values() {
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "true")])),
            Some(true)
        );
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "false")])),
            Some(false)
        );
        assert_eq!(
            should_retry_header(&headers(&[("x-should-retry", "maybe")])),
            None
        );
    }
}
