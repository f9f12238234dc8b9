//! Router settings and the credential set handed to the pool on start and reload.
//!
//! These are router-owned input types so this crate does not depend on the config
//! crate's schema; `crate::from_config` (or the server) fills them in. No parsing of
//! YAML happens here.

use std::collections::HashMap;
use std::time::Duration;

use crate::credential::{CredentialSpec, OAuthAlias};

/// Default upper bound on any cooldown: a bogus multi-day retry hint cannot lock a
/// credential for longer than this.
pub const DEFAULT_MAX_COOLDOWN: Duration = Duration::from_secs(30 * 60);

/// How a credential is picked among the available ones (`routing.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Rotate through credentials with a cursor per (provider, model). Default.
    #[default]
    RoundRobin,
    /// Use the first available credential until it is blocked.
    FillFirst,
}

/// Routing, retry and cooldown settings (hot-reloadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterSettings {
    /// `routing.strategy`.
    pub strategy: Strategy,
    /// `request-retry`: extra passes after the first one. Default 0.
    pub request_retry: u32,
    /// `max-retry-interval`: wait before another pass only if the nearest recovery is
    /// at most this long. Zero disables waiting. Default 0.
    pub max_retry_interval: Duration,
    /// `max-retry-credentials`: credentials tried per request; 0 = all. Default 0.
    pub max_retry_credentials: usize,
    /// `disable-cooling`: computed quota backoff becomes 0; explicit hints still apply.
    pub is_cooling_disabled: bool,
    /// Upper bound on every cooldown (ours; the original had none for hints).
    pub max_cooldown: Duration,
    /// `quota-exceeded.switch-project`: on quota, try the next project of the same
    /// Gemini CLI account before other accounts.
    pub switch_project: bool,
    /// `quota-exceeded.switch-preview-model`: on quota, fall back to the model's
    /// preview/stable sibling (`crate::resolve::PREVIEW_FALLBACKS`).
    pub switch_preview_model: bool,
}

/// The complete router input: credentials plus registry-wide model settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialSet {
    /// Every known credential, in config order (auth files after config keys).
    pub credentials: Vec<CredentialSpec>,
    /// `oauth-model-alias` per channel (lower-cased channel name).
    pub oauth_aliases: HashMap<String, Vec<OAuthAlias>>,
    /// `force-model-prefix`: unprefixed names do not route to prefixed credentials.
    pub force_model_prefix: bool,
    /// Routing and retry settings.
    pub settings: RouterSettings,
}

impl Strategy {
    /// Interprets `routing.strategy`: `fill-first`/`fillfirst`/`ff` (any case, trimmed)
    /// mean fill-first, anything else round-robin.
    pub fn parse(raw: &str) -> Self {
        match raw.trim().to_ascii_lowercase().as_str() {
            "fill-first" | "fillfirst" | "ff" => Self::FillFirst,
            _ => Self::RoundRobin,
        }
    }
}

impl Default for RouterSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::RoundRobin,
            request_retry: 0,
            max_retry_interval: Duration::ZERO,
            max_retry_credentials: 0,
            is_cooling_disabled: false,
            max_cooldown: DEFAULT_MAX_COOLDOWN,
            switch_project: false,
            switch_preview_model: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_aliases() {
        for raw in ["fill-first", "FillFirst", " ff "] {
            assert_eq!(Strategy::parse(raw), Strategy::FillFirst, "{raw}");
        }
        for raw in ["round-robin", "", "fill_first_typo"] {
            assert_eq!(Strategy::parse(raw), Strategy::RoundRobin, "{raw}");
        }
    }
}
