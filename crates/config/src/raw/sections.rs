//! Raw top-level sections other than provider lists (spec §2.1, §2.3–§2.6, §10).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{CollectUnknown, raw_struct};

raw_struct! {
    /// `tls`.
    pub struct RawTls {
        /// Serve HTTPS. Requires `cert` and `key`. Default false.
        enable: bool,
        /// Certificate chain file (PEM).
        cert: String,
        /// Private key file (PEM).
        key: String,
    }
}

raw_struct! {
    /// `remote-management`.
    pub struct RawRemoteManagement {
        /// Allow management requests from non-loopback addresses. Default false.
        allow_remote: bool,
        /// bcrypt hash (or plaintext, hashed at load). Empty = management disabled.
        secret_key: String,
        /// Hide `/management.html`. Default false.
        disable_control_panel: bool,
        /// No periodic panel updates. Default false.
        disable_auto_update_panel: bool,
        /// Where the control panel is downloaded from.
        panel_github_repository: String,
    }
}

raw_struct! {
    /// `quota-exceeded`.
    pub struct RawQuotaExceeded {
        /// Switch project on quota exhaustion (stored only). Default false.
        switch_project: bool,
        /// Switch to a preview model (stored only). Default false.
        switch_preview_model: bool,
        /// Retry Antigravity Claude models with a credit-holding credential. Default false.
        antigravity_credits: bool,
    }
}

raw_struct! {
    /// `routing`.
    pub struct RawRouting {
        /// `round-robin` (default) or `fill-first`.
        strategy: String,
        /// Sticky sessions. Default false.
        session_affinity: bool,
        /// Deprecated alias of `session-affinity`.
        claude_code_session_affinity: bool,
        /// Session binding lifetime (Go duration, e.g. `1h`). Default 1h.
        session_affinity_ttl: String,
    }
}

raw_struct! {
    /// `streaming`.
    pub struct RawStreaming {
        /// SSE heart-beat interval, seconds; ≤ 0 disables. Default 0.
        keepalive_seconds: i64,
        /// Retries before the first byte; ≤ 0 disables. Default 0.
        bootstrap_retries: i64,
    }
}

raw_struct! {
    /// `ampcode` (spec §2.3).
    pub struct RawAmpcode {
        /// Amp upstream URL; non-empty enables the reverse proxy.
        upstream_url: String,
        /// Upstream Authorization override.
        upstream_api_key: String,
        /// Per-client-key upstream keys.
        upstream_api_keys: Vec<RawAmpUpstreamKey>,
        /// Amp management routes only from loopback. Default false.
        restrict_management_to_localhost: bool,
        /// Model mappings.
        model_mappings: Vec<RawAmpModelMapping>,
        /// Apply mappings even when the model is available locally. Default false.
        force_model_mappings: bool,
    }
}

raw_struct! {
    /// `ampcode.upstream-api-keys[]`.
    pub struct RawAmpUpstreamKey {
        /// Upstream key used for these clients.
        upstream_api_key: String,
        /// Client API keys mapped to it.
        api_keys: Vec<String>,
    }
}

raw_struct! {
    /// `ampcode.model-mappings[]`.
    pub struct RawAmpModelMapping {
        /// Requested model (or regex).
        from: String,
        /// Model used instead.
        to: String,
        /// `from` is a regular expression.
        regex: bool,
    }
}

raw_struct! {
    /// One alias of `oauth-model-alias.<channel>[]`.
    pub struct RawModelAlias {
        /// Upstream model.
        name: String,
        /// Client-visible alias.
        alias: String,
        /// Keep the original model listed next to the alias.
        fork: bool,
    }
}

raw_struct! {
    /// `payload` (spec §2.5, §10.2).
    pub struct RawPayload {
        /// Rules that set parameters only when missing.
        default: Vec<RawPayloadRule>,
        /// Rules that always overwrite parameters.
        r#override: Vec<RawPayloadRule>,
        /// Like `default`, string values are raw JSON.
        default_raw: Vec<RawPayloadRule>,
        /// Like `override`, string values are raw JSON.
        override_raw: Vec<RawPayloadRule>,
        /// Rules that delete JSON paths.
        filter: Vec<RawPayloadFilter>,
    }
}

raw_struct! {
    /// One payload default/override rule.
    pub struct RawPayloadRule {
        /// Which requests the rule applies to.
        models: Vec<RawPayloadModel>,
        /// JSON path → value.
        params: BTreeMap<String, serde_yaml_ng::Value>,
    }
}

raw_struct! {
    /// One payload filter rule.
    pub struct RawPayloadFilter {
        /// Which requests the rule applies to.
        models: Vec<RawPayloadModel>,
        /// JSON paths to delete.
        params: Vec<String>,
    }
}

raw_struct! {
    /// `payload.*[].models[]`.
    pub struct RawPayloadModel {
        /// Model name, `*` wildcards allowed.
        name: String,
        /// Target format (`openai`, `gemini`, `claude`, `codex`); empty = any.
        protocol: String,
    }
}

raw_struct! {
    /// `pprof`.
    pub struct RawPprof {
        /// Start the profiling server. Default false.
        enable: bool,
        /// Its listen address. Default `127.0.0.1:8316`.
        addr: String,
    }
}

raw_struct! {
    /// `codex-header-defaults`.
    pub struct RawCodexHeaderDefaults {
        /// Fallback `User-Agent`.
        user_agent: String,
        /// Fallback beta-features header (websocket only).
        beta_features: String,
    }
}

raw_struct! {
    /// `claude-header-defaults`.
    pub struct RawClaudeHeaderDefaults {
        /// Fallback `User-Agent`.
        user_agent: String,
        /// Fallback package version.
        package_version: String,
        /// Fallback runtime version.
        runtime_version: String,
        /// Fallback OS.
        os: String,
        /// Fallback architecture.
        arch: String,
        /// Fallback timeout.
        timeout: String,
        /// Pin OS/arch as a stable device profile (tri-state).
        stabilize_device_profile: bool,
    }
}

raw_struct! {
    /// Legacy `auth` block (spec §2.6).
    pub struct RawLegacyAuth {
        /// Legacy providers.
        providers: Vec<RawLegacyProvider>,
    }
}

raw_struct! {
    /// Legacy `auth.providers[]`.
    pub struct RawLegacyProvider {
        /// Provider name.
        name: String,
        /// Provider type; `config-api-key` entries feed `api-keys`.
        r#type: String,
        /// SDK name.
        sdk: String,
        /// Client API keys.
        api_keys: Vec<String>,
        /// Free-form settings.
        config: serde_yaml_ng::Value,
    }
}

/// `disable-image-generation`: `false`, `true` or `"chat"` (strings `on/off/yes/no/0/1`
/// accepted too, spec §10.2). Kept as written; `resolved` interprets it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum RawImageGeneration {
    /// A YAML boolean.
    Bool(bool),
    /// A string such as `chat`, `on`, `off`.
    Text(String),
}

impl CollectUnknown for RawImageGeneration {
    fn collect_unknown(&self, _path: &str, _out: &mut Vec<String>) {}
}
