//! The one rule for deadlines: `now + d`, or a far-future instant when that sum
//! does not fit (a timeout of `u64::MAX` seconds means "no deadline", never a
//! panic). Every deadline and timer of this crate is computed here.

use std::time::Duration;

use tokio::time::Instant;

/// How far ahead "no deadline" is: about 30 years (what tokio itself uses for a
/// timer that never fires).
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// `now + duration`, saturated: a sum beyond about 30 years from `now` (or one
/// that does not fit an [`Instant`]) is 30 years from `now`.
pub(crate) fn deadline_after(now: Instant, duration: Duration) -> Instant {
    let duration = duration.min(FAR_FUTURE);
    now.checked_add(duration).unwrap_or_else(|| far_future(now))
}

/// `duration`, at most about 30 years: what is handed to timers of other crates
/// (the connect timeout), so none of them has to add a huge duration.
pub(crate) fn capped(duration: Duration) -> Duration {
    duration.min(FAR_FUTURE)
}

/// About 30 years after `now` (or the latest instant that fits, if less).
pub(crate) fn far_future(now: Instant) -> Instant {
    let mut ahead = FAR_FUTURE;
    loop {
        if let Some(at) = now.checked_add(ahead) {
            return at;
        }
        if ahead.is_zero() {
            return now;
        }
        ahead /= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_saturate_instead_of_panicking() {
        let now = Instant::now();
        assert_eq!(
            deadline_after(now, Duration::from_secs(5)),
            now.checked_add(Duration::from_secs(5)).unwrap()
        );
        for huge in [
            Duration::MAX,
            Duration::from_secs(u64::MAX),
            Duration::from_secs(10_000_000_000_000_000_000),
        ] {
            assert_eq!(deadline_after(now, huge), far_future(now));
        }
        assert!(far_future(now) > now);
    }
}
