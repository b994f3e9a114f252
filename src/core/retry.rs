//! Retry policy: which failed attempts are tried again, and after how long.
//!
//! Retried: no response at all (a network error), and 429, 500, 502, 503, 504. Every operation
//! qualifies: GET and DELETE are safe to repeat, and a POST is retried only because it carries an
//! idempotency key that stays the same on every attempt. A timed-out attempt is not retried, so a
//! call never waits much longer than `timeoutMs` on a server that hangs. Other 4xx are final.

use super::error::InvalidInput;
use super::json::JsonView;
use super::text::{parse_digits, parse_signed, split_ascii};
use super::validate::{integer_in, member};
use upvest_api::seam::{Bounds, DEADLINE_MS, MAX_RESPONSE_BYTES, MAX_RETRIES, MAX_RETRY_DELAY_MS, RETRY_BASE_DELAY_MS, TIMEOUT_MS};

/// The retry and time-limit options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The backoff before retry n is drawn from 0 to `base × 2ⁿ`, capped at `max_delay_ms`.
    pub base_delay_ms: u32,
    /// The longest wait before a retry, also for a server's `Retry-After`.
    pub max_delay_ms: u32,
    /// The time limit of one attempt.
    pub timeout_ms: u32,
    /// The time limit of a whole call, retries and waits included, when set.
    pub deadline_ms: Option<u32>,
    /// The most a response body may hold (after decompression); the read stops past it.
    pub max_response_bytes: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        DEFAULT_POLICY
    }
}

/// The options' defaults (`api/src/seam.rs`), read at compile time.
const DEFAULT_POLICY: RetryPolicy = RetryPolicy {
    max_retries: MAX_RETRIES.default_value(),
    base_delay_ms: RETRY_BASE_DELAY_MS.default_value(),
    max_delay_ms: MAX_RETRY_DELAY_MS.default_value(),
    timeout_ms: TIMEOUT_MS.default_value(),
    deadline_ms: DEADLINE_MS.default,
    max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
};

/// The largest response body read unless `maxResponseBytes` says otherwise (a page of 1000
/// groups is about 300 KB).
pub const DEFAULT_MAX_RESPONSE_BYTES: u32 = MAX_RESPONSE_BYTES.default_value();

impl RetryPolicy {
    /// Reads the retry options from the constructor's options object.
    pub fn parse<V: JsonView>(options: &V) -> Result<RetryPolicy, InvalidInput> {
        RetryPolicy::default().over(options)
    }

    /// This policy with what `options` sets over it: the constructor's options over the
    /// defaults, a call's (`timeoutMs`, `maxRetries`, `deadlineMs`) over its client's. Which
    /// names an options object may hold is checked where it is read.
    pub fn over<V: JsonView>(self, options: &V) -> Result<RetryPolicy, InvalidInput> {
        let default = self;
        // Each option's name and bounds only, passed by value: the docs beside them in the seam
        // stay out of the wasm.
        let read = |option: Bounds, fallback: u32| match member(options, option.name) {
            None => Ok(fallback),
            Some(v) => integer_in(option.name, &v, option.min, option.max),
        };
        Ok(RetryPolicy {
            max_retries: read(MAX_RETRIES.bounds(), default.max_retries)?,
            base_delay_ms: read(RETRY_BASE_DELAY_MS.bounds(), default.base_delay_ms)?,
            max_delay_ms: read(MAX_RETRY_DELAY_MS.bounds(), default.max_delay_ms)?,
            timeout_ms: read(TIMEOUT_MS.bounds(), default.timeout_ms)?,
            deadline_ms: match member(options, DEADLINE_MS.name) {
                None => default.deadline_ms,
                Some(v) => Some(integer_in(DEADLINE_MS.name, &v, DEADLINE_MS.min, DEADLINE_MS.max)?),
            },
            max_response_bytes: read(MAX_RESPONSE_BYTES.bounds(), default.max_response_bytes)?,
        })
    }

    /// How long to wait before retrying, or `None` to give up. `retries_done` counts the retries
    /// already made; `random` is uniform in [0, 1); `now_ms` is the clock, for an HTTP-date
    /// `Retry-After`.
    pub fn delay_after(&self, failure: &AttemptFailure, retries_done: u32, random: f64, now_ms: f64) -> Option<u32> {
        if retries_done >= self.max_retries {
            return None;
        }
        let retry_after = match failure {
            AttemptFailure::Network => None,
            AttemptFailure::Status { status: 429 | 500 | 502 | 503 | 504, retry_after } => retry_after.as_deref(),
            AttemptFailure::Status { .. } | AttemptFailure::Timeout => return None,
        };
        if let Some(wait) = retry_after.and_then(|value| retry_after_ms(value, now_ms)) {
            return Some(wait.min(f64::from(self.max_delay_ms)) as u32);
        }
        let ceiling = (f64::from(self.base_delay_ms) * 2f64.powi(retries_done as i32)).min(f64::from(self.max_delay_ms));
        Some((random.clamp(0.0, 1.0) * ceiling) as u32)
    }
}

/// Why an attempt failed, as far as retrying cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptFailure {
    /// No response arrived.
    Network,
    /// The attempt's time limit ran out.
    Timeout,
    /// An error status, with its `Retry-After` header.
    Status {
        /// The status.
        status: u16,
        /// The `Retry-After` header, as sent.
        retry_after: Option<String>,
    },
}

/// A `Retry-After` value in milliseconds from now: delay-seconds, or an HTTP date (a date in the
/// past means now). `None` when it is neither.
pub fn retry_after_ms(value: &str, now_ms: f64) -> Option<f64> {
    let value = value.trim_ascii();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Whole seconds only; integer parsing keeps float parsing out of the wasm. Too many digits
        // for a u64 is a very long wait (capped by the caller), not an unreadable one.
        return Some(parse_digits(value).map_or(f64::MAX, |s| s as f64 * 1000.0));
    }
    http_date_ms(value).map(|at| (at - now_ms).max(0.0))
}

/// Milliseconds since the epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form
/// RFC 9110 requires senders to use.
pub fn http_date_ms(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day = parse_signed(day).filter(|d| (1..=31).contains(d))?;
    let year = parse_signed(year).filter(|y| (1970..=9999).contains(y))?;
    let mut hms = split_ascii(time, b':').map(parse_signed);
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else { return None };
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + m * 60 + s) * 1000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn status(code: u16, retry_after: Option<&str>) -> AttemptFailure {
        AttemptFailure::Status { status: code, retry_after: retry_after.map(str::to_owned) }
    }

    #[test]
    fn retries_the_transient_failures_only() {
        let policy = RetryPolicy::default();
        for failure in
            [AttemptFailure::Network, status(429, None), status(500, None), status(502, None), status(503, None), status(504, None)]
        {
            assert!(policy.delay_after(&failure, 0, 0.5, 0.0).is_some(), "{failure:?}");
        }
        for failure in
            [AttemptFailure::Timeout, status(400, None), status(401, None), status(404, None), status(409, None), status(501, None)]
        {
            assert_eq!(policy.delay_after(&failure, 0, 0.5, 0.0), None, "{failure:?}");
        }
    }

    #[test]
    fn stops_after_max_retries() {
        let policy = RetryPolicy { max_retries: 2, ..RetryPolicy::default() };
        assert!(policy.delay_after(&AttemptFailure::Network, 1, 0.5, 0.0).is_some());
        assert_eq!(policy.delay_after(&AttemptFailure::Network, 2, 0.5, 0.0), None);
        let never = RetryPolicy { max_retries: 0, ..RetryPolicy::default() };
        assert_eq!(never.delay_after(&AttemptFailure::Network, 0, 0.5, 0.0), None);
    }

    #[test]
    fn backoff_is_full_jitter_exponential_and_capped() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay_ms: 100,
            max_delay_ms: 1000,
            timeout_ms: 1,
            deadline_ms: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        };
        let ceiling = |n| policy.delay_after(&status(503, None), n, 0.999_999, 0.0).unwrap();
        assert_eq!([ceiling(0), ceiling(1), ceiling(2), ceiling(3), ceiling(4), ceiling(9)], [99, 199, 399, 799, 999, 999]);
        assert_eq!(policy.delay_after(&status(503, None), 3, 0.0, 0.0), Some(0));
    }

    #[test]
    fn retry_after_wins_when_present_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 3,
            base_delay_ms: 100,
            max_delay_ms: 5000,
            timeout_ms: 1,
            deadline_ms: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        };
        assert_eq!(policy.delay_after(&status(429, Some("2")), 0, 0.0, 0.0), Some(2000));
        assert_eq!(policy.delay_after(&status(429, Some("3600")), 0, 0.0, 0.0), Some(5000));
        let now = http_date_ms("Wed, 25 Nov 2026 02:00:00 GMT").unwrap();
        assert_eq!(policy.delay_after(&status(503, Some("Wed, 25 Nov 2026 02:00:03 GMT")), 0, 0.0, now), Some(3000));
        assert_eq!(policy.delay_after(&status(503, Some("Wed, 25 Nov 2026 01:00:00 GMT")), 0, 0.0, now), Some(0));
        // Unreadable: backoff as if it were absent.
        assert_eq!(policy.delay_after(&status(503, Some("soon")), 0, 0.5, now), Some(50));
    }

    #[test]
    fn http_dates() {
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000.0));
        assert_eq!(http_date_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0.0));
        assert_eq!(http_date_ms("Sun, 06 Nov 1994 08:49:37 UTC"), None);
        assert_eq!(http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(retry_after_ms(" 7 ", 0.0), Some(7000.0));
        assert_eq!(retry_after_ms("-1", 0.0), None);
        assert_eq!(retry_after_ms("99999999999999999999", 0.0), Some(f64::MAX));
        let policy = RetryPolicy { max_retries: 1, max_delay_ms: 300, ..RetryPolicy::default() };
        assert_eq!(
            policy.delay_after(&AttemptFailure::Status { status: 503, retry_after: Some("99999999999999999999".into()) }, 0, 0.0, 0.0),
            Some(300)
        );
    }

    #[test]
    fn parses_and_bounds_the_options() {
        let p = RetryPolicy::parse(&&json!({"maxRetries": 5, "timeoutMs": 100})).unwrap();
        assert_eq!((p.max_retries, p.timeout_ms, p.base_delay_ms), (5, 100, 500));
        assert_eq!(RetryPolicy::parse(&&json!({"maxRetries": 11})).unwrap_err().field, "maxRetries");
        assert_eq!(RetryPolicy::parse(&&json!({"timeoutMs": 0})).unwrap_err().field, "timeoutMs");
        assert_eq!(RetryPolicy::parse(&&json!({"maxRetryDelayMs": -1})).unwrap_err().field, "maxRetryDelayMs");
        // A call's options over its client's: what the call sets wins, the rest is the client's.
        let client = RetryPolicy::parse(&&json!({"maxRetries": 5, "timeoutMs": 100, "deadlineMs": 9000})).unwrap();
        let call = client.over(&&json!({"maxRetries": 0})).unwrap();
        assert_eq!((call.max_retries, call.timeout_ms, call.deadline_ms), (0, 100, Some(9000)));
        let call = client.over(&&json!({"timeoutMs": 50, "deadlineMs": 200})).unwrap();
        assert_eq!((call.max_retries, call.timeout_ms, call.deadline_ms), (5, 50, Some(200)));
        assert_eq!(client.over(&&json!({"timeoutMs": 600_001})).unwrap_err().field, "timeoutMs");
    }
}
