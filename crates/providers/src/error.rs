//! Upstream failure classification (lifecycle step 7, provider half).
//!
//! Executors turn every failed attempt into an [`UpstreamError`] where the details are
//! still known (status, headers, body), and [`UpstreamError::disposition`] is the one
//! place that turns it into the router's [`Disposition`]; the router never re-parses
//! status codes or bodies. Retry hints are parsed with `cpa_router::retry_after` (one
//! copy of those parsers in the workspace).
//!
//! | Upstream outcome | Variant | [`Disposition`] |
//! |---|---|---|
//! | 401, 403 | `Unauthorized` | `DisableCredential` |
//! | 402 | `QuotaExhausted` (no reset time) | `DisableCredential` (`payment_required`) |
//! | 429 with a quota message (Google `quotaResetDelay`, "quota will reset", OpenAI `insufficient_quota`) | `QuotaExhausted { resets_at }` | `CoolDown` until the reset |
//! | 429 otherwise | `RateLimited { retry_after }` | `CoolDown { retry_after }` |
//! | 404, 408, 5xx, other 4xx | `Status` | `Disposition::from_status` |
//! | transport, timeout, broken stream framing | `Transport` / `Timeout` / `Stream` | `TryNext` |
//! | unusable credential config (no base URL, bad proxy) | `Credential` | `TryNext` (other credentials may work) |
//! | client went away | `Cancelled` | `Cancelled` |
//!
//! 429 hints, first match wins: Google `RetryInfo.retryDelay` / `quotaResetDelay` /
//! "after Ns" in the body, then `Retry-After` (seconds or HTTP date), then Anthropic
//! and OpenAI rate-limit reset headers. The reference parsed Google hints only for
//! Gemini CLI and Antigravity; we parse them for every provider because the patterns
//! cannot match a non-Google body by accident.
//!
//! The upstream body is kept on every status-bearing variant so the server can pass a
//! JSON error body through verbatim (providers.md §0.10). Messages never contain secrets.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
pub use cpa_router::retry::Disposition;
use cpa_router::retry_after::{google_retry_delay, hint_from_headers};
use http::{HeaderMap, StatusCode};
use serde_json::Value;

/// Why an upstream call failed. Built by executors, read by the router.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// The provider rejected the credential (401 or 403).
    #[error("upstream rejected the credential ({status})")]
    Unauthorized {
        /// 401 or 403.
        status: StatusCode,
        /// Raw upstream body.
        body: Bytes,
    },
    /// Short-term rate limit (429) with an optional hint of how long to wait.
    #[error("rate limited by upstream")]
    RateLimited {
        /// From `Retry-After` or a Google `RetryInfo.retryDelay`.
        retry_after: Option<Duration>,
        /// Raw upstream body.
        body: Bytes,
    },
    /// Quota used up (429 quota message, 402, OpenAI `insufficient_quota`).
    #[error("quota exhausted until {resets_at:?}")]
    QuotaExhausted {
        /// When the quota resets, if the provider said so.
        resets_at: Option<SystemTime>,
        /// 429 or 402.
        status: StatusCode,
        /// Raw upstream body.
        body: Bytes,
    },
    /// Any other non-2xx status.
    #[error("upstream returned {status}")]
    Status {
        /// Upstream status.
        status: StatusCode,
        /// Raw upstream body (passed through to the client when it is JSON).
        body: Bytes,
    },
    /// Connection, TLS, proxy or body read failure.
    #[error("could not reach upstream")]
    Transport(#[source] reqwest::Error),
    /// Connect timeout or a read that exceeded a configured timeout.
    #[error("upstream timed out")]
    Timeout,
    /// The client went away; the attempt was abandoned.
    #[error("request cancelled")]
    Cancelled,
    /// The credential or its configuration cannot be used (missing base URL, bad proxy
    /// URL, unusable service-account key, token exchange failed). Names the problem,
    /// never the secret.
    #[error("credential unusable: {0}")]
    Credential(String),
    /// The upstream stream broke its framing (line over 50 MiB, truncated JSON array,
    /// Codex stream closed before `response.completed`).
    #[error("upstream stream error: {0}")]
    Stream(String),
    /// The executor does not support this action (e.g. count tokens for Codex, which is
    /// computed locally by the pipeline).
    #[error("not supported by this provider: {0}")]
    Unsupported(&'static str),
}

impl UpstreamError {
    /// What the router should do next. Keep this the only place that decides.
    pub fn disposition(&self) -> Disposition {
        match self {
            Self::Unauthorized { status, .. } | Self::Status { status, .. } => {
                Disposition::from_status(status.as_u16(), None)
            }
            Self::QuotaExhausted { status, .. } if *status == StatusCode::PAYMENT_REQUIRED => {
                Disposition::from_status(402, None)
            }
            Self::QuotaExhausted { resets_at, .. } => Disposition::CoolDown {
                retry_after: resets_at.map(|at| {
                    at.duration_since(SystemTime::now())
                        .unwrap_or(Duration::ZERO)
                }),
            },
            Self::RateLimited { retry_after, .. } => Disposition::CoolDown {
                retry_after: *retry_after,
            },
            Self::Transport(_) | Self::Timeout | Self::Stream(_) | Self::Credential(_) => {
                Disposition::transport()
            }
            Self::Cancelled => Disposition::Cancelled,
            Self::Unsupported(_) => Disposition::Fail,
        }
    }

    /// The upstream HTTP status, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Unauthorized { status, .. }
            | Self::QuotaExhausted { status, .. }
            | Self::Status { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }

    /// The raw upstream body, when there was one.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::Unauthorized { body, .. }
            | Self::RateLimited { body, .. }
            | Self::QuotaExhausted { body, .. }
            | Self::Status { body, .. } => Some(body),
            _ => None,
        }
    }

    /// A low-cardinality label for metrics and usage records.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "upstream.unauthorized",
            Self::RateLimited { .. } => "upstream.rate_limited",
            Self::QuotaExhausted { .. } => "upstream.quota_exhausted",
            Self::Status { .. } => "upstream.status",
            Self::Transport(_) => "upstream.transport",
            Self::Timeout => "upstream.timeout",
            Self::Cancelled => "upstream.cancelled",
            Self::Credential(_) => "upstream.credential",
            Self::Stream(_) => "upstream.stream",
            Self::Unsupported(_) => "upstream.unsupported",
        }
    }

    /// Wraps a reqwest error, separating timeouts from other transport failures.
    pub fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport(err)
        }
    }
}

/// Classifies a non-2xx upstream response. Pure: `now` anchors quota reset times.
pub fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    body: Bytes,
    now: SystemTime,
) -> UpstreamError {
    match status.as_u16() {
        401 | 403 => UpstreamError::Unauthorized { status, body },
        402 => UpstreamError::QuotaExhausted {
            resets_at: None,
            status,
            body,
        },
        429 => classify_429(headers, body, now),
        _ => UpstreamError::Status { status, body },
    }
}

fn classify_429(headers: &HeaderMap, body: Bytes, now: SystemTime) -> UpstreamError {
    let retry_after = google_retry_delay(&body).or_else(|| {
        hint_from_headers(
            headers
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
            now,
        )
    });
    if is_quota_exhausted(&body) {
        return UpstreamError::QuotaExhausted {
            resets_at: retry_after.and_then(|delay| now.checked_add(delay)),
            status: StatusCode::TOO_MANY_REQUESTS,
            body,
        };
    }
    UpstreamError::RateLimited { retry_after, body }
}

/// Whether a 429 body says a quota is used up (rather than a short rate limit):
/// OpenAI `insufficient_quota`, a Google `ErrorInfo.metadata.quotaResetDelay`, or a
/// "quota will reset after" message.
pub fn is_quota_exhausted(body: &[u8]) -> bool {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    let Some(error) = value.get("error") else {
        return false;
    };
    let field = |name: &str| error.get(name).and_then(Value::as_str);
    if field("code") == Some("insufficient_quota") || field("type") == Some("insufficient_quota") {
        return true;
    }
    let has_reset_delay = error
        .get("details")
        .and_then(Value::as_array)
        .is_some_and(|details| {
            details
                .iter()
                .any(|d| d.pointer("/metadata/quotaResetDelay").is_some())
        });
    has_reset_delay
        || field("message").is_some_and(|m| m.to_ascii_lowercase().contains("quota will reset"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    fn check(status: u16, headers: &[(&str, &str)], body: &str) -> UpstreamError {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
                v.parse().expect("value"),
            );
        }
        let status = StatusCode::from_u16(status).expect("status");
        classify(status, &map, Bytes::from(body.to_owned()), now())
    }

    #[test]
    fn classify_401_is_unauthorized_and_disables() {
        let err = check(401, &[], r#"{"error":"bad key"}"#);
        assert!(matches!(err, UpstreamError::Unauthorized { .. }));
        assert_eq!(
            err.body().map(|b| b.as_ref()),
            Some(&br#"{"error":"bad key"}"#[..])
        );
        assert!(matches!(
            err.disposition(),
            Disposition::DisableCredential { reason } if reason == "unauthorized"
        ));
    }

    #[test]
    fn classify_429_retry_after_header_is_rate_limited() {
        let err = check(429, &[("retry-after", "7")], "{}");
        assert!(matches!(
            err,
            UpstreamError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(7)
        ));
        assert_eq!(
            err.disposition(),
            Disposition::CoolDown {
                retry_after: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn classify_429_google_retry_info_wins_over_header() {
        // RetryInfo is a short rate limit, not a quota.
        let body = r#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
        let err = check(429, &[("retry-after", "9")], body);
        assert!(matches!(
            err,
            UpstreamError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_millis(1500)
        ));
    }

    #[test]
    fn classify_429_quota_reset_message_is_quota_exhausted() {
        let body = r#"{"error":{"code":429,"message":"Your quota will reset after 12s."}}"#;
        let err = check(429, &[], body);
        let expected = now() + Duration::from_secs(12);
        assert!(
            matches!(err, UpstreamError::QuotaExhausted { resets_at: Some(t), .. } if t == expected)
        );
    }

    #[test]
    fn classify_429_openai_insufficient_quota_is_quota_exhausted() {
        let body = r#"{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert!(matches!(
            check(429, &[], body),
            UpstreamError::QuotaExhausted {
                resets_at: None,
                ..
            }
        ));
    }

    #[test]
    fn classify_5xx_is_status_and_transient() {
        let err = check(500, &[], "oops");
        assert!(matches!(err, UpstreamError::Status { status, .. } if status == 500));
        assert_eq!(
            err.disposition(),
            Disposition::TryNext {
                cool_down: Some(Duration::from_secs(60))
            }
        );
        assert_eq!(check(400, &[], "").disposition(), Disposition::Fail);
        assert!(matches!(
            check(404, &[], "").disposition(),
            Disposition::TryNext { cool_down: Some(_) }
        ));
        assert!(matches!(
            check(402, &[], "").disposition(),
            Disposition::DisableCredential { reason } if reason == "payment_required"
        ));
        assert_eq!(
            UpstreamError::Cancelled.disposition(),
            Disposition::Cancelled
        );
    }

    #[test]
    fn quota_messages_are_recognised() {
        assert!(is_quota_exhausted(
            br#"{"error":{"code":"insufficient_quota"}}"#
        ));
        assert!(is_quota_exhausted(
            br#"{"error":{"details":[{"metadata":{"quotaResetDelay":"1s"}}]}}"#
        ));
        assert!(is_quota_exhausted(
            br#"{"error":{"message":"Your quota will reset after 3s."}}"#
        ));
        assert!(!is_quota_exhausted(br#"{"error":{"message":"slow down"}}"#));
        assert!(!is_quota_exhausted(b"not json"));
    }
}
