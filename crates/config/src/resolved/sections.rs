//! Resolved top-level sections other than provider lists.

use std::{path::PathBuf, time::Duration};

use crate::{
    Env, Secret, Warning, normalize,
    raw::{self, RawConfig, RawImageGeneration},
};

/// Default `remote-management.panel-github-repository`.
pub const DEFAULT_PANEL_REPOSITORY: &str =
    "https://github.com/router-for-me/Cli-Proxy-API-Management-Center";
/// Default `pprof.addr`.
pub const DEFAULT_PPROF_ADDR: &str = "127.0.0.1:8316";
/// Default `routing.session-affinity-ttl`.
pub const DEFAULT_SESSION_AFFINITY_TTL: Duration = Duration::from_secs(3600);
/// Default `request-retry` (upstream code default 0; we follow its example file).
pub const DEFAULT_REQUEST_RETRY: u32 = 3;
/// Default `max-retry-interval` in seconds (upstream code default 0).
pub const DEFAULT_MAX_RETRY_INTERVAL_SECS: u64 = 30;

/// `tls`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tls {
    /// Serve HTTPS. Default false. Validation ensures cert and key are set.
    pub enable: bool,
    /// Certificate chain (PEM), trimmed.
    pub cert: PathBuf,
    /// Private key (PEM), trimmed.
    pub key: PathBuf,
}

impl Tls {
    pub(crate) fn resolve(raw: Option<&raw::RawTls>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            enable: raw.enable.unwrap_or(false),
            cert: PathBuf::from(raw.cert.unwrap_or_default().trim()),
            key: PathBuf::from(raw.key.unwrap_or_default().trim()),
        }
    }
}

/// `remote-management` plus `MANAGEMENT_PASSWORD`.
#[derive(Debug, Clone, Default)]
pub struct RemoteManagement {
    /// `allow-remote` as written. Default false.
    pub allow_remote: bool,
    /// bcrypt hash of the management key; `None` when unset.
    pub secret_hash: Option<Secret<String>>,
    /// `MANAGEMENT_PASSWORD`: extra plaintext key, never persisted.
    pub env_password: Option<Secret<String>>,
    /// Hide `/management.html`. Default false.
    pub disable_control_panel: bool,
    /// No periodic panel updates. Default false.
    pub disable_auto_update_panel: bool,
    /// Panel source repository (trimmed; empty ⇒ default).
    pub panel_github_repository: String,
}

impl RemoteManagement {
    pub(crate) fn resolve(raw: Option<&raw::RawRemoteManagement>, env: &Env) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            allow_remote: raw.allow_remote.unwrap_or(false),
            secret_hash: normalize::non_empty(raw.secret_key.as_deref()).map(Secret::new),
            env_password: env.management_password.clone().map(Secret::new),
            disable_control_panel: raw.disable_control_panel.unwrap_or(false),
            disable_auto_update_panel: raw.disable_auto_update_panel.unwrap_or(false),
            panel_github_repository: normalize::non_empty(raw.panel_github_repository.as_deref())
                .unwrap_or_else(|| DEFAULT_PANEL_REPOSITORY.to_owned()),
        }
    }

    /// Whether `/v0/management/*` routes are served (a secret or `MANAGEMENT_PASSWORD`).
    pub fn is_enabled(&self) -> bool {
        self.secret_hash.is_some() || self.env_password.is_some()
    }

    /// Whether non-loopback clients may use the management API
    /// (`allow-remote`, forced on by `MANAGEMENT_PASSWORD`).
    pub fn allows_remote(&self) -> bool {
        self.allow_remote || self.env_password.is_some()
    }

    /// GitHub API URL of the latest control-panel release, from
    /// `panel-github-repository` (spec §2.1): `https://github.com/<owner>/<repo>[.git]`
    /// or an `https://api.github.com/...` URL (`/releases/latest` appended if missing);
    /// anything else falls back to the default repository.
    pub fn panel_release_url(&self) -> String {
        panel_release_url(&self.panel_github_repository)
            .or_else(|| panel_release_url(DEFAULT_PANEL_REPOSITORY))
            .unwrap_or_default()
    }

    /// Checks a plaintext management key against the hash and the env password.
    pub fn verify(&self, plaintext: &str) -> bool {
        if plaintext.is_empty() {
            return false;
        }
        let env_ok = self
            .env_password
            .as_ref()
            .is_some_and(|pw| ct_eq(pw.expose(), plaintext));
        let hash_ok = self
            .secret_hash
            .as_ref()
            .is_some_and(|hash| bcrypt::verify(plaintext, hash.expose()).unwrap_or(false));
        env_ok || hash_ok
    }
}

fn panel_release_url(repo: &str) -> Option<String> {
    let repo = repo.trim().trim_end_matches('/');
    if let Some(api) = repo.strip_prefix("https://api.github.com/") {
        let api = api.trim_end_matches('/');
        return Some(if api.ends_with("/releases/latest") {
            format!("https://api.github.com/{api}")
        } else {
            format!("https://api.github.com/{api}/releases/latest")
        });
    }
    let path = repo.strip_prefix("https://github.com/")?;
    let mut parts = path.split('/');
    let (owner, name) = (parts.next()?, parts.next()?);
    let name = name.strip_suffix(".git").unwrap_or(name);
    if owner.is_empty() || name.is_empty() || parts.next().is_some() {
        return None;
    }
    Some(format!(
        "https://api.github.com/repos/{owner}/{name}/releases/latest"
    ))
}

/// Constant-time string equality (length is not hidden).
pub(crate) fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Retry settings (top-level keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Extra attempts after the first one (negative ⇒ 0). Default 3.
    pub request_retry: u32,
    /// Upper bound of one wait between attempts. Default 30 s.
    pub max_retry_interval: Duration,
    /// Credentials tried per request; 0 = all (negative ⇒ 0). Default 0.
    pub max_retry_credentials: u32,
    /// Upper bound of any cool-down, whatever `Retry-After` or a quota reset hint says, so a
    /// bogus multi-day hint cannot lock a credential (`max-cooldown-seconds`, ours; ≤ 0 ⇒
    /// default). Default 30 min.
    pub max_cooldown: Duration,
}

/// Default `max-cooldown-seconds`: 30 minutes.
pub const DEFAULT_MAX_COOLDOWN_SECS: u64 = 30 * 60;

impl Retry {
    pub(crate) fn resolve(raw: &RawConfig) -> Self {
        Self {
            request_retry: raw
                .request_retry
                .map_or(DEFAULT_REQUEST_RETRY, |v| u32::try_from(v).unwrap_or(0)),
            max_retry_interval: Duration::from_secs(
                raw.max_retry_interval
                    .map_or(DEFAULT_MAX_RETRY_INTERVAL_SECS, |v| {
                        u64::try_from(v).unwrap_or(0)
                    }),
            ),
            max_retry_credentials: raw
                .max_retry_credentials
                .map_or(0, |v| u32::try_from(v).unwrap_or(0)),
            max_cooldown: Duration::from_secs(
                raw.max_cooldown_seconds
                    .and_then(|v| u64::try_from(v).ok())
                    .filter(|v| *v > 0)
                    .unwrap_or(DEFAULT_MAX_COOLDOWN_SECS),
            ),
        }
    }
}

/// `quota-exceeded`. All default false.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaExceeded {
    /// Stored only.
    pub switch_project: bool,
    /// Stored only.
    pub switch_preview_model: bool,
    /// Retry Antigravity Claude models with a credit-holding credential.
    pub antigravity_credits: bool,
}

impl QuotaExceeded {
    pub(crate) fn resolve(raw: Option<&raw::RawQuotaExceeded>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            switch_project: raw.switch_project.unwrap_or(false),
            switch_preview_model: raw.switch_preview_model.unwrap_or(false),
            antigravity_credits: raw.antigravity_credits.unwrap_or(false),
        }
    }
}

/// Credential selection strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RoutingStrategy {
    /// Rotate through available credentials. Default.
    #[default]
    RoundRobin,
    /// Use the first available credential until it fails.
    FillFirst,
}

impl RoutingStrategy {
    /// Parses like upstream: `fill-first`/`fillfirst`/`ff` ⇒ fill-first; everything
    /// else ⇒ round-robin. Returns whether the value was a known spelling.
    pub fn parse(raw: &str) -> (Self, bool) {
        match raw.trim().to_lowercase().as_str() {
            "fill-first" | "fillfirst" | "ff" => (Self::FillFirst, true),
            "" | "round-robin" | "roundrobin" | "rr" => (Self::RoundRobin, true),
            _ => (Self::RoundRobin, false),
        }
    }
}

/// `routing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// Normalised strategy. Default round-robin.
    pub strategy: RoutingStrategy,
    /// Sticky sessions (`session-affinity` or deprecated `claude-code-session-affinity`).
    pub session_affinity: bool,
    /// Session binding lifetime (unparsable or ≤ 0 ⇒ 1 h). Default 1 h.
    pub session_affinity_ttl: Duration,
}

impl Routing {
    pub(crate) fn resolve(raw: Option<&raw::RawRouting>, warnings: &mut Vec<Warning>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        let strategy_raw = raw.strategy.unwrap_or_default();
        let (strategy, known) = RoutingStrategy::parse(&strategy_raw);
        if !known {
            warnings.push(Warning::new(
                "routing.strategy",
                format!("unknown strategy {strategy_raw:?}, using round-robin"),
            ));
        }
        let ttl_raw = raw.session_affinity_ttl.unwrap_or_default();
        let ttl = normalize::go_duration(&ttl_raw).filter(|d| !d.is_zero());
        if ttl.is_none() && !ttl_raw.trim().is_empty() {
            warnings.push(Warning::new(
                "routing.session-affinity-ttl",
                format!("cannot parse duration {ttl_raw:?}, using 1h"),
            ));
        }
        Self {
            strategy,
            session_affinity: raw.session_affinity.unwrap_or(false)
                || raw.claude_code_session_affinity.unwrap_or(false),
            session_affinity_ttl: ttl.unwrap_or(DEFAULT_SESSION_AFFINITY_TTL),
        }
    }
}

/// `streaming`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Streaming {
    /// SSE heart-beat interval; `None` = off. Default off.
    pub keepalive: Option<Duration>,
    /// Retries before the first byte (≤ 0 ⇒ 0). Default 0.
    pub bootstrap_retries: u32,
}

impl Streaming {
    pub(crate) fn resolve(raw: Option<&raw::RawStreaming>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            keepalive: raw
                .keepalive_seconds
                .and_then(|s| u64::try_from(s).ok())
                .filter(|s| *s > 0)
                .map(Duration::from_secs),
            bootstrap_retries: raw
                .bootstrap_retries
                .map_or(0, |v| u32::try_from(v).unwrap_or(0)),
        }
    }
}

/// `pprof`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pprof {
    /// Start the profiling server. Default false.
    pub enable: bool,
    /// Its address (trimmed; empty ⇒ `127.0.0.1:8316`).
    pub addr: String,
}

impl Pprof {
    pub(crate) fn resolve(raw: Option<&raw::RawPprof>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            enable: raw.enable.unwrap_or(false),
            addr: normalize::non_empty(raw.addr.as_deref())
                .unwrap_or_else(|| DEFAULT_PPROF_ADDR.to_owned()),
        }
    }
}

/// `codex-header-defaults` (trimmed; empty ⇒ `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodexHeaderDefaults {
    /// Fallback `User-Agent`.
    pub user_agent: Option<String>,
    /// Fallback beta-features header.
    pub beta_features: Option<String>,
}

impl CodexHeaderDefaults {
    pub(crate) fn resolve(raw: Option<&raw::RawCodexHeaderDefaults>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            user_agent: normalize::non_empty(raw.user_agent.as_deref()),
            beta_features: normalize::non_empty(raw.beta_features.as_deref()),
        }
    }
}

/// `claude-header-defaults` (trimmed; empty ⇒ `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaudeHeaderDefaults {
    /// Fallback `User-Agent`.
    pub user_agent: Option<String>,
    /// Fallback package version.
    pub package_version: Option<String>,
    /// Fallback runtime version.
    pub runtime_version: Option<String>,
    /// Fallback OS.
    pub os: Option<String>,
    /// Fallback architecture.
    pub arch: Option<String>,
    /// Fallback timeout.
    pub timeout: Option<String>,
    /// Pin OS/arch as a device profile. Default false.
    pub stabilize_device_profile: bool,
}

impl ClaudeHeaderDefaults {
    pub(crate) fn resolve(raw: Option<&raw::RawClaudeHeaderDefaults>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            user_agent: normalize::non_empty(raw.user_agent.as_deref()),
            package_version: normalize::non_empty(raw.package_version.as_deref()),
            runtime_version: normalize::non_empty(raw.runtime_version.as_deref()),
            os: normalize::non_empty(raw.os.as_deref()),
            arch: normalize::non_empty(raw.arch.as_deref()),
            timeout: normalize::non_empty(raw.timeout.as_deref()),
            stabilize_device_profile: raw.stabilize_device_profile.unwrap_or(false),
        }
    }
}

/// `disable-image-generation`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DisableImageGeneration {
    /// Image generation available everywhere. Default.
    #[default]
    Off,
    /// Never inject the image tool; image endpoints answer 404.
    All,
    /// Disabled on non-image endpoints only.
    Chat,
}

impl DisableImageGeneration {
    /// Parses `false/true/"chat"` and the string spellings of spec §10.2.
    pub fn parse(raw: &RawImageGeneration) -> Result<Self, String> {
        match raw {
            RawImageGeneration::Bool(false) => Ok(Self::Off),
            RawImageGeneration::Bool(true) => Ok(Self::All),
            RawImageGeneration::Text(s) => match s.trim().to_lowercase().as_str() {
                "" | "false" | "0" | "off" | "no" => Ok(Self::Off),
                "true" | "1" | "on" | "yes" => Ok(Self::All),
                "chat" => Ok(Self::Chat),
                _ => Err(format!("invalid value {s:?} (allowed: true, false, chat)")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panel_release_url_forms() {
        let rm = |repo: &str| RemoteManagement {
            panel_github_repository: repo.to_owned(),
            ..RemoteManagement::default()
        };
        let default = "https://api.github.com/repos/router-for-me/Cli-Proxy-API-Management-Center/releases/latest";
        for (repo, want) in [
            (
                "https://github.com/a/b.git",
                "https://api.github.com/repos/a/b/releases/latest",
            ),
            (
                "https://github.com/a/b/",
                "https://api.github.com/repos/a/b/releases/latest",
            ),
            (
                "https://api.github.com/repos/a/b",
                "https://api.github.com/repos/a/b/releases/latest",
            ),
            (
                "https://api.github.com/repos/a/b/releases/latest",
                "https://api.github.com/repos/a/b/releases/latest",
            ),
            ("http://evil.example/x", default),
            ("https://github.com/only-owner", default),
        ] {
            assert_eq!(rm(repo).panel_release_url(), want, "repo {repo}");
        }
    }

    #[test]
    fn routing_strategy_spellings() {
        for (s, want, known) in [
            ("FF", RoutingStrategy::FillFirst, true),
            (" fill-first ", RoutingStrategy::FillFirst, true),
            ("", RoutingStrategy::RoundRobin, true),
            ("random", RoutingStrategy::RoundRobin, false),
        ] {
            assert_eq!(RoutingStrategy::parse(s), (want, known), "{s:?}");
        }
    }
}
