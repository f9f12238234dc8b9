//! Credential health (lifecycle step 7, the router's half).
//!
//! A state machine per credential and per (credential, model), fed by the
//! classification the provider layer made (`Disposition`). This module decides how
//! long a cooldown lasts and when a disabled credential comes back; it never sleeps,
//! never performs I/O, and never parses upstream responses (see `crate::retry_after`).
//!
//! | Disposition | Effect | Ends |
//! |---|---|---|
//! | `DisableCredential` (401/402/403) | credential `Disabled` | config fingerprint changes |
//! | `CoolDown` with hint (429, quota) | model `CoolingDown(Quota)` for min(hint, max) | time, or success |
//! | `CoolDown` without hint | 1 s × 2^level, level+1 until the max | time, or success |
//! | `TryNext` with cooldown (404, 408, 5xx) | model `CoolingDown(Transient)` | time, or success |
//! | `TryNext` without cooldown, `Fail`, `Cancelled` | nothing | – |
//!
//! Every cooldown is clamped to `RouterSettings::max_cooldown` (default 30 min).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use crate::credential::{CredentialId, CredentialSpec};
use crate::retry::Disposition;
use crate::settings::RouterSettings;

/// Runtime health of one credential for one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Eligible for selection.
    Ready,
    /// Skipped until `until`; then `Ready` again.
    CoolingDown {
        /// When the credential becomes eligible again.
        until: Instant,
        /// Why it is cooling down.
        reason: CooldownReason,
    },
    /// Needs operator action (key change, re-login). Never selected.
    Disabled {
        /// Low-cardinality reason, e.g. `unauthorized`.
        reason: String,
    },
}

/// Why a (credential, model) pair is cooling down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooldownReason {
    /// Rate limit or quota (429). All-quota pools answer 429 with a reset time.
    Quota,
    /// Transient upstream failure (5xx, 408, 404).
    Transient,
}

/// Cooldown parameters taken from [`RouterSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CooldownPolicy {
    /// Upper bound on every cooldown.
    pub max_cooldown: Duration,
    /// `disable-cooling`: computed quota backoff becomes 0.
    pub is_cooling_disabled: bool,
}

/// Health of every known credential. Owned by `crate::pool::Pool`.
#[derive(Debug, Default)]
pub struct HealthBook {
    credentials: HashMap<CredentialId, CredentialHealth>,
}

#[derive(Debug, Default)]
struct CredentialHealth {
    disabled: Option<DisabledState>,
    /// Keyed by lower-cased model.
    models: HashMap<String, ModelHealth>,
}

#[derive(Debug)]
struct DisabledState {
    reason: String,
    /// The spec fingerprint at the time of disabling; a different one re-enables.
    fingerprint: String,
}

#[derive(Debug, Default)]
struct ModelHealth {
    cooldown: Option<(Instant, CooldownReason)>,
    backoff_level: u32,
}

impl Health {
    /// Whether the credential may be selected.
    pub fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }
}

impl From<&RouterSettings> for CooldownPolicy {
    fn from(settings: &RouterSettings) -> Self {
        Self {
            max_cooldown: settings.max_cooldown,
            is_cooling_disabled: settings.is_cooling_disabled,
        }
    }
}

impl CooldownPolicy {
    /// Exponential quota backoff for `level`: (delay, next level). 1 s, 2 s, 4 s, …;
    /// once the delay would reach `max_cooldown`, `max_cooldown` is used and the level
    /// stays (spec §5.6.2).
    pub fn backoff(&self, level: u32) -> (Duration, u32) {
        let delay = Duration::from_secs(1u64.checked_shl(level).unwrap_or(u64::MAX));
        if delay >= self.max_cooldown {
            (self.max_cooldown, level)
        } else {
            (delay, level + 1)
        }
    }
}

impl HealthBook {
    /// Current health of `id` for `model`.
    pub fn health(&self, id: &CredentialId, model: &str, now: Instant) -> Health {
        let Some(credential) = self.credentials.get(id) else {
            return Health::Ready;
        };
        if let Some(disabled) = &credential.disabled {
            return Health::Disabled {
                reason: disabled.reason.clone(),
            };
        }
        match credential
            .models
            .get(&model.to_ascii_lowercase())
            .and_then(|m| m.cooldown)
        {
            Some((until, reason)) if until > now => Health::CoolingDown { until, reason },
            _ => Health::Ready,
        }
    }

    /// Credential-level health: `Disabled` or `Ready` (model cooldowns not consulted).
    pub fn credential_health(&self, id: &CredentialId) -> Health {
        match self.credentials.get(id).and_then(|c| c.disabled.as_ref()) {
            Some(disabled) => Health::Disabled {
                reason: disabled.reason.clone(),
            },
            None => Health::Ready,
        }
    }

    /// Active cooldowns of a credential: (lower-cased model, until, reason), sorted by
    /// model.
    pub fn cooldowns(
        &self,
        id: &CredentialId,
        now: Instant,
    ) -> Vec<(String, Instant, CooldownReason)> {
        let mut list: Vec<_> = self
            .credentials
            .get(id)
            .into_iter()
            .flat_map(|c| c.models.iter())
            .filter_map(|(model, state)| match state.cooldown {
                Some((until, reason)) if until > now => Some((model.clone(), until, reason)),
                _ => None,
            })
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list
    }

    /// Records a success: the model's cooldown and backoff level are cleared.
    pub fn record_success(&mut self, id: &CredentialId, model: &str) {
        if let Some(credential) = self.credentials.get_mut(id) {
            credential.models.remove(&model.to_ascii_lowercase());
        }
    }

    /// Records a failed attempt and returns the resulting health.
    pub fn record_failure(
        &mut self,
        spec: &CredentialSpec,
        model: &str,
        disposition: &Disposition,
        now: Instant,
        policy: CooldownPolicy,
    ) -> Health {
        let credential = self.credentials.entry(spec.id.clone()).or_default();
        let state = credential
            .models
            .entry(model.to_ascii_lowercase())
            .or_default();
        match disposition {
            Disposition::DisableCredential { reason } => {
                credential.disabled = Some(DisabledState {
                    reason: reason.clone(),
                    fingerprint: spec.fingerprint.clone(),
                });
            }
            Disposition::CoolDown { retry_after } => {
                let delay = match retry_after {
                    // A hint replaces the computed value and leaves the level alone.
                    Some(hint) => (*hint).min(policy.max_cooldown),
                    None if policy.is_cooling_disabled => Duration::ZERO,
                    None => {
                        let (delay, next) = policy.backoff(state.backoff_level);
                        state.backoff_level = next;
                        delay
                    }
                };
                state.cooldown = Some((now + delay, CooldownReason::Quota));
            }
            Disposition::TryNext {
                cool_down: Some(delay),
            } => {
                let delay = (*delay).min(policy.max_cooldown);
                state.cooldown = Some((now + delay, CooldownReason::Transient));
            }
            Disposition::TryNext { cool_down: None }
            | Disposition::Fail
            | Disposition::Cancelled => {}
        }
        self.health(&spec.id, model, now)
    }

    /// Time until the earliest cooldown among `ids` for `model` ends; `None` if none
    /// of them is cooling down (disabled credentials never recover on their own).
    pub fn nearest_recovery<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a CredentialId>,
        model: &str,
        now: Instant,
    ) -> Option<Duration> {
        ids.into_iter()
            .filter_map(|id| match self.health(id, model, now) {
                Health::CoolingDown { until, .. } => Some(until - now),
                _ => None,
            })
            .min()
    }

    /// Applies a reload: forgets credentials not in `specs` and re-enables disabled
    /// credentials whose fingerprint changed. Cooldowns of unchanged IDs are kept.
    pub fn retain(&mut self, specs: &[CredentialSpec]) {
        let fingerprints: HashMap<&CredentialId, &str> = specs
            .iter()
            .map(|spec| (&spec.id, spec.fingerprint.as_str()))
            .collect();
        self.credentials.retain(|id, health| {
            let Some(fingerprint) = fingerprints.get(id) else {
                return false;
            };
            if health
                .disabled
                .as_ref()
                .is_some_and(|d| d.fingerprint != *fingerprint)
            {
                health.disabled = None;
            }
            true
        });
    }
}

#[cfg(test)]
mod tests;
