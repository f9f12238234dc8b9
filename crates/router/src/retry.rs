//! The attempt loop's policy (lifecycle step 8), as data and small functions.
//!
//! The server pipeline owns the actual loop (it performs the I/O and the sleeping);
//! this module tells it what to do next after each failed attempt and after each
//! failed pass, so the rules live in one place:
//!
//! * within a pass, every failure moves on to the next credential **except** a client
//!   error (`Disposition::Fail`, 400-class) and anything after the first byte reached
//!   the client (`is_committed`);
//! * `max-retry-credentials` bounds the credentials tried per pass (0 = all);
//! * after a pass, another one happens only if `request-retry` allows it and the
//!   nearest recovery is within `max-retry-interval`; the caller waits that long;
//! * `switch-preview-model` fallback candidates are used only after a quota failure.
//!
//! Executors classify their failures into [`Disposition`] themselves
//! (`cpa_providers::UpstreamError::disposition`); this crate does not depend on the
//! providers crate and never sees status codes except through [`Disposition::from_status`].
//!
//! Differences from the original (spec §5.5–§5.7): 400-class errors are not retried
//! on other credentials, and `max-retry-credentials` is honoured per pass.

mod no_credential;

use std::time::Duration;

pub use no_credential::{
    CooldownError, CooldownErrorBody, NoCredential, NoCredentialKind, format_go_duration,
    reset_seconds, reset_time,
};

use crate::resolve::Candidate;
use crate::settings::RouterSettings;

/// How the provider layer classified a failed attempt. The only input the router
/// needs to update health and decide what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// The provider rejected the credential (401/402/403): disable it until its
    /// configuration changes. OAuth credentials get one refresh attempt before this.
    DisableCredential {
        /// Low-cardinality reason (`unauthorized`, `payment_required`, `forbidden`).
        reason: String,
    },
    /// Rate limited or out of quota (429): cool the (credential, model) down for the
    /// hint (clamped), or an exponential backoff without one.
    CoolDown {
        /// Provider hint from `Retry-After`, `RetryInfo`, reset headers.
        retry_after: Option<Duration>,
    },
    /// Transient failure (5xx, 408, 404, transport): try the next credential, after
    /// optionally cooling this (credential, model) down.
    TryNext {
        /// Cooldown to apply (1 min for 408/5xx, 12 h clamped for 404).
        cool_down: Option<Duration>,
    },
    /// The request itself is bad (400-class): fail without trying other credentials.
    Fail,
    /// The client went away: stop, and leave the credential's health alone.
    Cancelled,
}

/// What the pipeline does after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Ask the selection for the next credential (or candidate).
    NextCredential,
    /// Stop and return this attempt's error to the client.
    GiveUp(GiveUpReason),
}

/// Why the attempt loop stops early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The client already received bytes; nothing may be retried.
    Committed,
    /// A client error that other credentials would reject too.
    ClientError,
    /// `max-retry-credentials` reached.
    CredentialLimit,
    /// The client cancelled the request.
    Cancelled,
}

/// What the pipeline does after a pass in which every candidate failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassStep {
    /// Sleep this long (abort on client disconnect), then run another pass.
    RetryAfter(Duration),
    /// Return the last error.
    GiveUp,
}

/// Retry settings for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetryPolicy {
    /// Extra passes after the first (`request-retry`).
    pub request_retry: u32,
    /// Longest wait before another pass (`max-retry-interval`); zero = never wait.
    pub max_retry_interval: Duration,
    /// Credentials tried per pass; 0 = all (`max-retry-credentials`).
    pub max_retry_credentials: usize,
}

/// Attempt bookkeeping for one request.
#[derive(Debug, Clone)]
pub struct Attempts {
    policy: RetryPolicy,
    passes_done: u32,
    tried_this_pass: usize,
    has_quota_failure: bool,
}

impl Disposition {
    /// Classification by upstream HTTP status (proxy-pipeline spec §5.6.2), for
    /// providers that have nothing more specific. `retry_after` is the parsed hint.
    pub fn from_status(status: u16, retry_after: Option<Duration>) -> Self {
        const MINUTE: Duration = Duration::from_secs(60);
        match status {
            401 => Self::DisableCredential {
                reason: "unauthorized".into(),
            },
            402 => Self::DisableCredential {
                reason: "payment_required".into(),
            },
            403 => Self::DisableCredential {
                reason: "forbidden".into(),
            },
            404 => Self::TryNext {
                cool_down: Some(Duration::from_secs(12 * 3600)),
            },
            429 => Self::CoolDown { retry_after },
            408 | 500 | 502 | 503 | 504 => Self::TryNext {
                cool_down: Some(retry_after.unwrap_or(MINUTE)),
            },
            500..=599 => Self::TryNext { cool_down: None },
            _ => Self::Fail,
        }
    }

    /// A transport failure (DNS, TLS, connection reset, timeout before any byte).
    pub fn transport() -> Self {
        Self::TryNext { cool_down: None }
    }

    /// Whether this is a quota/rate-limit failure.
    pub fn is_quota(&self) -> bool {
        matches!(self, Self::CoolDown { .. })
    }

    /// Low-cardinality label for metrics and usage records.
    pub fn label(&self) -> &'static str {
        match self {
            Self::DisableCredential { .. } => "upstream.unauthorized",
            Self::CoolDown { .. } => "upstream.rate_limited",
            Self::TryNext { .. } => "upstream.unavailable",
            Self::Fail => "upstream.client_error",
            Self::Cancelled => "client.cancelled",
        }
    }
}

impl From<&RouterSettings> for RetryPolicy {
    fn from(settings: &RouterSettings) -> Self {
        Self {
            request_retry: settings.request_retry,
            max_retry_interval: settings.max_retry_interval,
            max_retry_credentials: settings.max_retry_credentials,
        }
    }
}

impl Attempts {
    /// Starts the bookkeeping for one request.
    pub fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            passes_done: 0,
            tried_this_pass: 0,
            has_quota_failure: false,
        }
    }

    /// Decides what follows a failed attempt. `is_committed` is true once any byte
    /// of the response reached the client.
    pub fn after_failure(&mut self, disposition: &Disposition, is_committed: bool) -> Step {
        self.tried_this_pass += 1;
        self.has_quota_failure |= disposition.is_quota();
        if is_committed {
            return Step::GiveUp(GiveUpReason::Committed);
        }
        match disposition {
            Disposition::Fail => return Step::GiveUp(GiveUpReason::ClientError),
            Disposition::Cancelled => return Step::GiveUp(GiveUpReason::Cancelled),
            _ => {}
        }
        let limit = self.policy.max_retry_credentials;
        if limit > 0 && self.tried_this_pass >= limit {
            return Step::GiveUp(GiveUpReason::CredentialLimit);
        }
        Step::NextCredential
    }

    /// Whether `candidate` may be tried now: `switch-preview-model` fallbacks only
    /// after a quota failure in this request.
    pub fn may_try(&self, candidate: &Candidate) -> bool {
        !candidate.is_quota_fallback || self.has_quota_failure
    }

    /// Decides what follows a pass in which everything failed. `nearest_recovery` is
    /// the shortest remaining cooldown among the request's credentials
    /// (`Pool::nearest_recovery`).
    pub fn after_pass(&mut self, nearest_recovery: Option<Duration>) -> PassStep {
        self.passes_done += 1;
        self.tried_this_pass = 0;
        if self.passes_done > self.policy.request_retry || self.policy.max_retry_interval.is_zero()
        {
            return PassStep::GiveUp;
        }
        match nearest_recovery {
            Some(wait) if wait <= self.policy.max_retry_interval => PassStep::RetryAfter(wait),
            _ => PassStep::GiveUp,
        }
    }

    /// Passes completed so far.
    pub fn passes_done(&self) -> u32 {
        self.passes_done
    }
}

#[cfg(test)]
mod tests;
