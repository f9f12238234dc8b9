//! Pure parsers for "how long should we wait" hints in upstream errors (step 7).
//!
//! * `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
//! * Google error JSON (providers.md §0.10), first match wins:
//!   1. `error.details[]` `google.rpc.RetryInfo` → `retryDelay` (`"0.847655010s"`);
//!   2. `error.details[]` `google.rpc.ErrorInfo` → `metadata.quotaResetDelay` (`"373.8ms"`);
//!   3. `error.message` matching `after\s+(\d+)s` ("Your quota will reset after 12s.").
//! * OpenAI `insufficient_quota` error code (billing quota, no reset time).
//!
//! The reference parses Google hints only for Gemini CLI and Antigravity; we parse them
//! for every provider because the patterns cannot match a non-Google body by accident.
//! Nothing here does I/O or reads the clock.

use std::time::{Duration, SystemTime};

use serde_json::Value;

const RETRY_INFO: &str = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";

/// A wait hint found in a Google error body, tagged with where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoogleDelay {
    /// `RetryInfo.retryDelay`: a short rate limit.
    RetryInfo(Duration),
    /// `ErrorInfo.metadata.quotaResetDelay`: quota resets after this delay.
    QuotaReset(Duration),
    /// "… reset after Ns" in `error.message`: quota resets after this delay.
    Message(Duration),
}

impl GoogleDelay {
    /// The delay regardless of its source.
    pub fn duration(self) -> Duration {
        match self {
            Self::RetryInfo(d) | Self::QuotaReset(d) | Self::Message(d) => d,
        }
    }
}

/// Parses a `Retry-After` value: delta-seconds, or an HTTP date relative to `now`
/// (a date in the past gives zero).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = u64::try_from(date.timestamp()).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(at);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses a Go/protobuf duration string: `1.5s`, `373.801628ms`, `2m30s`, `1h`, `500us`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest.get(..num_len)?.parse().ok()?;
        rest = rest.get(num_len..)?;
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match rest.get(..unit_len)? {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        rest = rest.get(unit_len..)?;
        total += number * scale;
    }
    Duration::try_from_secs_f64(total).ok()
}

/// Finds a Google wait hint in an error body (see the module table for precedence).
pub fn google_delay(body: &[u8]) -> Option<GoogleDelay> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let error = value.get("error")?;
    let details = error.get("details").and_then(Value::as_array);
    let detail_of = |kind: &str| {
        details?
            .iter()
            .find(|d| d.get("@type").and_then(Value::as_str) == Some(kind))
    };
    if let Some(delay) = detail_of(RETRY_INFO)
        .and_then(|d| d.get("retryDelay"))
        .and_then(Value::as_str)
        .and_then(parse_duration)
    {
        return Some(GoogleDelay::RetryInfo(delay));
    }
    if let Some(delay) = detail_of(ERROR_INFO)
        .and_then(|d| d.pointer("/metadata/quotaResetDelay"))
        .and_then(Value::as_str)
        .and_then(parse_duration)
    {
        return Some(GoogleDelay::QuotaReset(delay));
    }
    let message = error.get("message").and_then(Value::as_str)?;
    reset_after_seconds(message).map(GoogleDelay::Message)
}

/// Matches `after\s+(\d+)s` in a quota message.
pub fn reset_after_seconds(message: &str) -> Option<Duration> {
    let mut search = message;
    while let Some(pos) = search.find("after") {
        let tail = search.get(pos + "after".len()..)?;
        let trimmed = tail.trim_start();
        if trimmed.len() < tail.len() {
            let digits = trimmed
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(trimmed.len());
            if digits > 0 && trimmed.get(digits..digits + 1) == Some("s") {
                let secs: u64 = trimmed.get(..digits)?.parse().ok()?;
                return Some(Duration::from_secs(secs));
            }
        }
        search = tail;
    }
    None
}

/// Whether an OpenAI-style error body says the account's quota (billing) is used up.
pub fn is_insufficient_quota(body: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let field = |name: &str| {
        value
            .pointer(&format!("/error/{name}"))
            .and_then(Value::as_str)
    };
    field("code") == Some("insufficient_quota") || field("type") == Some("insufficient_quota")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00Z
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn duration_strings_in_go_syntax() {
        assert_eq!(
            parse_duration("0.847655010s"),
            Some(Duration::from_nanos(847_655_010))
        );
        assert_eq!(
            parse_duration("373.801628ms"),
            Some(Duration::from_nanos(373_801_628))
        );
        assert_eq!(parse_duration("2m30s"), Some(Duration::from_secs(150)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("12"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("3 days"), None);
    }

    #[test]
    fn google_delay_precedence() {
        let both = br#"{"error":{"message":"reset after 99s","details":[
            {"@type":"type.googleapis.com/google.rpc.ErrorInfo","metadata":{"quotaResetDelay":"5s"}},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}"#;
        assert_eq!(
            google_delay(both),
            Some(GoogleDelay::RetryInfo(Duration::from_secs(2)))
        );
        let info = br#"{"error":{"details":[
            {"@type":"type.googleapis.com/google.rpc.ErrorInfo","metadata":{"quotaResetDelay":"373.801628ms"}}]}}"#;
        assert_eq!(
            google_delay(info),
            Some(GoogleDelay::QuotaReset(Duration::from_nanos(373_801_628)))
        );
        let msg = br#"{"error":{"message":"Your quota will reset after 12s."}}"#;
        assert_eq!(
            google_delay(msg),
            Some(GoogleDelay::Message(Duration::from_secs(12)))
        );
        assert_eq!(google_delay(b"not json"), None);
        assert_eq!(
            google_delay(br#"{"error":{"message":"try after lunch"}}"#),
            None
        );
    }

    #[test]
    fn reset_after_needs_whitespace_and_unit() {
        assert_eq!(
            reset_after_seconds("after  3s"),
            Some(Duration::from_secs(3))
        );
        assert_eq!(reset_after_seconds("after3s"), None);
        assert_eq!(reset_after_seconds("after 3 s"), None);
        assert_eq!(
            reset_after_seconds("after x, after 4s."),
            Some(Duration::from_secs(4))
        );
    }
}
