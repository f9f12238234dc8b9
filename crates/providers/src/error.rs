//! Upstream failure classification (lifecycle step 7, provider half).
//!
//! Executors turn every failed attempt into an [`UpstreamError`] where the details are
//! still known (status, headers, body), and [`UpstreamError::disposition`] is the one
//! place that says what the router should do about it. The router acts on the
//! [`Disposition`]; it never re-parses status codes or bodies.
//!
//! | Upstream outcome | Variant | Disposition (providers.md §0.10) |
//! |---|---|---|
//! | 401, 403 | `Unauthorized` | `Suspend` 30 min |
//! | 402 | `QuotaExhausted` (no reset time) | `Suspend` 30 min |
//! | 404 | `Status` | `Suspend` 12 h |
//! | 429 + `Retry-After` or Google `RetryInfo` | `RateLimited` | `CoolDown(retry_after)` |
//! | 429 + Google quota reset delay / "reset after Ns" / OpenAI `insufficient_quota` | `QuotaExhausted` | `CoolDown(until reset)` |
//! | 429 without a hint | `RateLimited { retry_after: None }` | `CoolDown(None)`: router backoff |
//! | 408, 500, 502, 503, 504, transport, timeout | `Status` / `Transport` / `Timeout` | `Unavailable` 1 min |
//! | other 4xx/5xx | `Status` | `Failed` (next credential, no cooldown) |
//! | client went away | `Cancelled` | `Stop` |
//!
//! The upstream body is kept on every status-bearing variant so the server can pass a
//! JSON error body through verbatim (§0.10). Messages never contain secrets.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::retry_after::{self, GoogleDelay};

/// Cooldown after 401/402/403 (providers.md §0.10).
pub const SUSPEND_UNAUTHORIZED: Duration = Duration::from_secs(30 * 60);
/// Cooldown after 404.
pub const SUSPEND_NOT_FOUND: Duration = Duration::from_secs(12 * 60 * 60);
/// Cooldown after 408/5xx and transport failures.
pub const UNAVAILABLE_COOLDOWN: Duration = Duration::from_secs(60);

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

/// What the router should do after a failed attempt. Decided only by
/// [`UpstreamError::disposition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// The credential is unusable for this model for `duration` (401/402/403/404);
    /// try the next credential.
    Suspend {
        /// Low-cardinality reason: `unauthorized`, `payment_required`, `not_found`.
        reason: &'static str,
        /// How long to skip the credential.
        duration: Duration,
    },
    /// Rate limited or out of quota: cool down this credential for `retry_after`, or
    /// for the router's exponential backoff when `None`; try the next credential.
    CoolDown {
        /// Hint from the provider.
        retry_after: Option<Duration>,
    },
    /// Transient failure (408, 5xx, transport, timeout): mark unavailable for
    /// `duration` and try the next credential.
    Unavailable {
        /// How long to skip the credential.
        duration: Duration,
    },
    /// The request failed without saying anything about the credential (e.g. 400).
    /// The Go reference still fails over to the next credential (providers.md §7 #10).
    Failed,
    /// The client cancelled: stop trying and set no cooldown.
    Stop,
}

impl UpstreamError {
    /// What the router should do next. Keep this the only place that decides.
    pub fn disposition(&self) -> Disposition {
        match self {
            Self::Unauthorized { .. } => Disposition::Suspend {
                reason: "unauthorized",
                duration: SUSPEND_UNAUTHORIZED,
            },
            Self::QuotaExhausted { status, .. } if *status == StatusCode::PAYMENT_REQUIRED => {
                Disposition::Suspend {
                    reason: "payment_required",
                    duration: SUSPEND_UNAUTHORIZED,
                }
            }
            Self::RateLimited { retry_after, .. } => Disposition::CoolDown {
                retry_after: *retry_after,
            },
            Self::QuotaExhausted { resets_at, .. } => Disposition::CoolDown {
                retry_after: resets_at.map(|at| {
                    at.duration_since(SystemTime::now())
                        .unwrap_or(Duration::ZERO)
                }),
            },
            Self::Status { status, .. } if *status == StatusCode::NOT_FOUND => {
                Disposition::Suspend {
                    reason: "not_found",
                    duration: SUSPEND_NOT_FOUND,
                }
            }
            Self::Status { status, .. } if is_transient_status(*status) => {
                Disposition::Unavailable {
                    duration: UNAVAILABLE_COOLDOWN,
                }
            }
            Self::Transport(_) | Self::Timeout | Self::Stream(_) => Disposition::Unavailable {
                duration: UNAVAILABLE_COOLDOWN,
            },
            Self::Cancelled => Disposition::Stop,
            Self::Status { .. } | Self::Credential(_) | Self::Unsupported(_) => Disposition::Failed,
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
    match retry_after::google_delay(&body) {
        Some(GoogleDelay::RetryInfo(delay)) => {
            return UpstreamError::RateLimited {
                retry_after: Some(delay),
                body,
            };
        }
        Some(GoogleDelay::QuotaReset(delay) | GoogleDelay::Message(delay)) => {
            return UpstreamError::QuotaExhausted {
                resets_at: now.checked_add(delay),
                status: StatusCode::TOO_MANY_REQUESTS,
                body,
            };
        }
        None => {}
    }
    let header = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after::parse_retry_after(v, now));
    if header.is_none() && retry_after::is_insufficient_quota(&body) {
        return UpstreamError::QuotaExhausted {
            resets_at: None,
            status: StatusCode::TOO_MANY_REQUESTS,
            body,
        };
    }
    UpstreamError::RateLimited {
        retry_after: header,
        body,
    }
}

fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 500 | 502 | 503 | 504)
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
    fn classify_401_is_unauthorized_and_suspends() {
        let err = check(401, &[], r#"{"error":"bad key"}"#);
        assert!(matches!(err, UpstreamError::Unauthorized { .. }));
        assert_eq!(
            err.body().map(|b| b.as_ref()),
            Some(&br#"{"error":"bad key"}"#[..])
        );
        assert!(matches!(
            err.disposition(),
            Disposition::Suspend {
                reason: "unauthorized",
                ..
            }
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
    fn classify_5xx_is_status_and_unavailable() {
        let err = check(500, &[], "oops");
        assert!(matches!(err, UpstreamError::Status { status, .. } if status == 500));
        assert_eq!(
            err.disposition(),
            Disposition::Unavailable {
                duration: UNAVAILABLE_COOLDOWN
            }
        );
        assert_eq!(check(400, &[], "").disposition(), Disposition::Failed);
        assert!(matches!(
            check(404, &[], "").disposition(),
            Disposition::Suspend {
                reason: "not_found",
                ..
            }
        ));
        assert!(matches!(
            check(402, &[], "").disposition(),
            Disposition::Suspend {
                reason: "payment_required",
                ..
            }
        ));
    }
}
