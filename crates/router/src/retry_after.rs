//! Retry hints from upstream responses (lifecycle step 7), as small pure functions.
//!
//! The provider layer calls these while the response is still at hand and passes the
//! resulting `Duration` to the router inside a `Disposition`. Every function takes
//! "now" explicitly and performs no I/O. Hints are not trusted blindly: the health
//! module clamps them to `max_cooldown`.
//!
//! | Source | Where | Function |
//! |---|---|---|
//! | `Retry-After: 42` / HTTP-date | any provider | [`parse_retry_after`] |
//! | Google `RetryInfo.retryDelay`, `ErrorInfo.metadata.quotaResetDelay`, "after Ns." | Gemini family 429 bodies | [`google_retry_delay`] |
//! | `anthropic-ratelimit-*-reset` (RFC 3339 instant) | Anthropic | [`hint_from_headers`] |
//! | `x-ratelimit-reset-requests/tokens` (`6m0s`, `20ms`) | OpenAI | [`hint_from_headers`] |

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 7231).
///
/// A date in the past yields zero. Returns `None` for anything unparsable.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    Some(until(date.with_timezone(&Utc), now))
}

/// Parses a Go-style duration string: `42s`, `0.847655010s`, `373.801628ms`, `1m30s`,
/// `6m0s`, `1h2m3.5s`. Units: `h`, `m`, `s`, `ms`, `us`/`µs`, `ns`.
pub fn parse_go_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit_end..];
    }
    Duration::try_from_secs_f64(total).ok()
}

/// Extracts the retry delay from a Google error body (Gemini API, Gemini CLI,
/// Antigravity, Vertex). First match wins: `RetryInfo.retryDelay`, then
/// `ErrorInfo.metadata.quotaResetDelay`, then "after N s." in `error.message`.
pub fn google_retry_delay(body: &[u8]) -> Option<Duration> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let error = json.get("error")?;
    let details = error.get("details").and_then(Value::as_array);
    let detail = |type_suffix: &str| {
        details?.iter().find(|d| {
            d.get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with(type_suffix))
        })
    };
    if let Some(delay) = detail("google.rpc.RetryInfo")
        .and_then(|d| d.get("retryDelay"))
        .and_then(Value::as_str)
        .and_then(parse_go_duration)
    {
        return Some(delay);
    }
    if let Some(delay) = detail("google.rpc.ErrorInfo")
        .and_then(|d| d.pointer("/metadata/quotaResetDelay"))
        .and_then(Value::as_str)
        .and_then(parse_go_duration)
    {
        return Some(delay);
    }
    let message = error.get("message").and_then(Value::as_str)?;
    after_n_seconds(message)
}

/// The retry hint carried by response headers, `(name, value)` pairs in any case.
///
/// `Retry-After` wins. Otherwise the latest of the Anthropic
/// `anthropic-ratelimit-*-reset` instants and OpenAI `x-ratelimit-reset-*` durations
/// is used: we cannot tell which limit was hit, and waiting for the latest reset is
/// the conservative choice (the result is clamped by the health module anyway).
pub fn hint_from_headers<'a>(
    headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    now: SystemTime,
) -> Option<Duration> {
    let mut latest_reset: Option<Duration> = None;
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let reset = if name == "retry-after" {
            match parse_retry_after(value, now) {
                Some(delay) => return Some(delay),
                None => continue,
            }
        } else if name.starts_with("anthropic-ratelimit-") && name.ends_with("-reset") {
            DateTime::parse_from_rfc3339(value.trim())
                .ok()
                .map(|at| until(at.with_timezone(&Utc), now))
        } else if name.starts_with("x-ratelimit-reset-") {
            parse_go_duration(value)
        } else {
            None
        };
        if let Some(reset) = reset {
            latest_reset = Some(latest_reset.map_or(reset, |l| l.max(reset)));
        }
    }
    latest_reset
}

fn until(at: DateTime<Utc>, now: SystemTime) -> Duration {
    let now: DateTime<Utc> = now.into();
    (at - now).to_std().unwrap_or(Duration::ZERO)
}

/// Finds `after <digits>s` ("Your quota will reset after 12s.").
fn after_n_seconds(message: &str) -> Option<Duration> {
    let mut search = message;
    while let Some(at) = search.find("after") {
        let rest = search[at + "after".len()..].trim_start();
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_end > 0 && rest[digits_end..].starts_with('s') {
            return rest[..digits_end].parse().ok().map(Duration::from_secs);
        }
        search = &search[at + "after".len()..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> SystemTime {
        DateTime::parse_from_rfc3339(rfc3339)
            .expect("valid date")
            .with_timezone(&Utc)
            .into()
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = at("2015-10-21T07:28:00Z");
        assert_eq!(parse_retry_after("42", now), Some(Duration::from_secs(42)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:30 GMT", now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "past dates mean now"
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("42s"), Some(Duration::from_secs(42)));
        assert_eq!(parse_go_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_go_duration("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_go_duration("20ms"), Some(Duration::from_millis(20)));
        let fractional = parse_go_duration("0.847655010s").expect("fractional");
        assert_eq!(fractional.as_millis(), 847);
        assert_eq!(
            parse_go_duration("373.801628ms").expect("ms").as_micros(),
            373_801
        );
        assert_eq!(parse_go_duration("5 parsecs"), None);
        assert_eq!(parse_go_duration(""), None);
        assert_eq!(parse_go_duration("12"), None);
    }

    #[test]
    fn google_retry_info_comes_first() {
        let body = br#"{"error":{"code":429,"message":"Your quota will reset after 99s.","details":[
            {"@type":"type.googleapis.com/google.rpc.ErrorInfo","metadata":{"quotaResetDelay":"7s"}},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"42s"}]}}"#;
        assert_eq!(google_retry_delay(body), Some(Duration::from_secs(42)));
        let error_info = br#"{"error":{"details":[
            {"@type":"type.googleapis.com/google.rpc.ErrorInfo","metadata":{"quotaResetDelay":"373.801628ms"}}]}}"#;
        assert_eq!(
            google_retry_delay(error_info).map(|d| d.as_millis()),
            Some(373)
        );
        let message =
            br#"{"error":{"message":"Resource exhausted. Your quota will reset after 12s."}}"#;
        assert_eq!(google_retry_delay(message), Some(Duration::from_secs(12)));
        assert_eq!(
            google_retry_delay(br#"{"error":{"message":"after a while"}}"#),
            None
        );
        assert_eq!(google_retry_delay(b"not json"), None);
    }

    #[test]
    fn header_hints() {
        let now = at("2026-01-01T00:00:00Z");
        let anthropic = [
            ("anthropic-ratelimit-requests-reset", "2026-01-01T00:00:10Z"),
            ("Anthropic-RateLimit-Tokens-Reset", "2026-01-01T00:01:00Z"),
            ("content-type", "application/json"),
        ];
        assert_eq!(
            hint_from_headers(anthropic, now),
            Some(Duration::from_secs(60))
        );
        let openai = [
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-reset-tokens", "6m0s"),
        ];
        assert_eq!(
            hint_from_headers(openai, now),
            Some(Duration::from_secs(360))
        );
        let with_retry_after = [("x-ratelimit-reset-tokens", "6m0s"), ("Retry-After", "3")];
        assert_eq!(
            hint_from_headers(with_retry_after, now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(hint_from_headers([("server", "x")], now), None);
    }
}
