//! The "no credential available" outcome (proxy-pipeline spec §5.8) and its reset-time
//! formatting in Go duration notation.
//!
//! Plain data: the server maps the kind to a status code (429 with `Retry-After` for
//! [`NoCredentialKind::AllCoolingDown`], 500 otherwise) and renders the body; the
//! [`CooldownError`] struct serializes exactly as the spec's JSON.

use std::time::Duration;

use serde::Serialize;

use crate::provider::Provider;

/// Selection found nothing to try for a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoCredential {
    /// The route model.
    pub model: String,
    /// The provider, when known.
    pub provider: Option<Provider>,
    /// Why nothing is available.
    pub kind: NoCredentialKind,
}

/// Why no credential is available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCredentialKind {
    /// No enabled credential serves the model (`auth_not_found`).
    NotFound,
    /// Every remaining credential is cooling down on quota; the earliest recovers in
    /// `reset_in` (`model_cooldown`, HTTP 429).
    AllCoolingDown {
        /// Time until the earliest recovery.
        reset_in: Duration,
    },
    /// Remaining credentials are blocked, not all by quota (`auth_unavailable`).
    Unavailable,
}

/// The body of the 429 `model_cooldown` response, keys in alphabetical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CooldownError {
    /// The error object.
    pub error: CooldownErrorBody,
}

/// The `error` object of [`CooldownError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CooldownErrorBody {
    /// Always `model_cooldown`.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// The route model.
    pub model: String,
    /// The provider; omitted when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Whole seconds until recovery, rounded up.
    pub reset_seconds: u64,
    /// Go duration notation (`42s`, `1m30s`, `2h0m0s`).
    pub reset_time: String,
}

impl NoCredential {
    /// The message for the 500 cases, or the cooldown message.
    pub fn message(&self) -> String {
        match self.kind {
            NoCredentialKind::NotFound => "auth_not_found: no auth available".to_owned(),
            NoCredentialKind::Unavailable => "auth_unavailable: no auth available".to_owned(),
            NoCredentialKind::AllCoolingDown { .. } => match &self.provider {
                Some(provider) => format!(
                    "All credentials for model {} are cooling down via provider {provider}",
                    self.model
                ),
                None => format!("All credentials for model {} are cooling down", self.model),
            },
        }
    }

    /// Value of the `Retry-After` header for the cooldown case.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self.kind {
            NoCredentialKind::AllCoolingDown { reset_in } => Some(reset_seconds(reset_in)),
            _ => None,
        }
    }

    /// The 429 body for the cooldown case.
    pub fn cooldown_error(&self) -> Option<CooldownError> {
        let NoCredentialKind::AllCoolingDown { reset_in } = self.kind else {
            return None;
        };
        Some(CooldownError {
            error: CooldownErrorBody {
                code: "model_cooldown",
                message: self.message(),
                model: self.model.clone(),
                provider: self.provider.as_ref().map(|p| p.as_str().to_owned()),
                reset_seconds: reset_seconds(reset_in),
                reset_time: reset_time(reset_in),
            },
        })
    }
}

/// `reset_seconds`: whole seconds until recovery, rounded up.
pub fn reset_seconds(reset_in: Duration) -> u64 {
    let seconds = reset_in.as_secs();
    if reset_in.subsec_nanos() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

/// `reset_time`: rounded to whole seconds (half up) in Go notation; any positive
/// sub-second value shows as `1s`.
pub fn reset_time(reset_in: Duration) -> String {
    let rounded = (reset_in + Duration::from_millis(500)).as_secs();
    let seconds = if rounded == 0 && !reset_in.is_zero() {
        1
    } else {
        rounded
    };
    format_go_duration(Duration::from_secs(seconds))
}

/// Formats whole seconds like Go's `time.Duration.String()`: `0s`, `42s`, `1m30s`,
/// `2h0m0s`. Sub-second parts are truncated.
pub fn format_go_duration(duration: Duration) -> String {
    let total = duration.as_secs();
    let (hours, minutes, seconds) = (total / 3600, (total % 3600) / 60, total % 60);
    if hours > 0 {
        format!("{hours}h{minutes}m{seconds}s")
    } else if minutes > 0 {
        format!("{minutes}m{seconds}s")
    } else {
        format!("{seconds}s")
    }
}
