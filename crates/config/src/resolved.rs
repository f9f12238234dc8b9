//! Stage two of the configuration: what the program reads.
//!
//! Built from a (migrated) [`RawConfig`] by [`Config::resolve`]: defaults applied,
//! the normalisations of spec §3/§3.2 done (prefixes, headers, excluded models,
//! de-duplication, dropped entries), `auth-dir` expanded (§3.3), secrets wrapped.
//! A `Config` is immutable; a reload builds a new one and swaps it (`watch`).

mod diff;
mod extras;
mod providers;
mod sections;

use std::{path::PathBuf, time::Duration};

pub use diff::ConfigDiff;
pub use extras::{
    AmpModelMapping, AmpUpstreamKey, Ampcode, OAuthModelAlias, Payload, PayloadFilter,
    PayloadModel, PayloadRule,
};
pub use providers::{
    ClaudeKey, Cloak, CodexKey, DEFAULT_CLAUDE_BASE_URL, DEFAULT_GEMINI_BASE_URL, ModelAlias,
    OpenAiApiKey, OpenAiCompat, OpenAiModel, ProviderKey, ProxyUrl, Thinking,
};
pub use sections::{
    ClaudeHeaderDefaults, CodexHeaderDefaults, DEFAULT_MAX_COOLDOWN_SECS,
    DEFAULT_MAX_RETRY_INTERVAL_SECS, DEFAULT_PANEL_REPOSITORY, DEFAULT_PPROF_ADDR,
    DEFAULT_REQUEST_RETRY, DEFAULT_SESSION_AFFINITY_TTL, DisableImageGeneration, Pprof,
    QuotaExceeded, RemoteManagement, Retry, Routing, RoutingStrategy, Streaming, Tls,
};

use crate::{Env, Secret, Warning, normalize, paths::Paths, raw::RawConfig};

/// Default listen port (upstream's code default is 0; we follow its example file).
pub const DEFAULT_PORT: u16 = 8317;
/// Default `auth-dir` as written in the file.
pub const DEFAULT_AUTH_DIR: &str = "~/.cli-proxy-api";
/// Default `error-logs-max-files`.
pub const DEFAULT_ERROR_LOGS_MAX_FILES: u32 = 10;
/// Default number of background token-refresh workers.
pub const DEFAULT_AUTH_REFRESH_WORKERS: usize = 16;

/// The resolved configuration. Read one snapshot (`Arc<Config>`) per request.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listen address; `""` = all interfaces. Default `""`. Restart.
    pub host: String,
    /// Listen port; 0 = OS-chosen. Default 8317. Restart.
    pub port: u16,
    /// HTTPS listener. Restart.
    pub tls: Tls,
    /// Management API access.
    pub remote_management: RemoteManagement,
    /// `auth-dir` with `~` expanded and lexically cleaned. Default `~/.cli-proxy-api`.
    pub auth_dir: PathBuf,
    /// `auth-dir` as written (trimmed; the default when absent or empty). The file
    /// itself is never rewritten with the expanded path.
    pub auth_dir_raw: String,
    /// Debug-level logging. Default false.
    pub debug: bool,
    /// No request-logging middleware at all. Default false. Restart.
    pub commercial_mode: bool,
    /// Application log goes to `<logs>/main.log`. Default false.
    pub logging_to_file: bool,
    /// Cap of the logs directory in MB; 0 = unlimited (negative ⇒ 0). Default 0.
    pub logs_max_total_size_mb: u64,
    /// `error-*.log` files kept; 0 = unlimited (negative ⇒ 10). Default 10.
    pub error_logs_max_files: u32,
    /// In-memory usage aggregation. Default false.
    pub usage_statistics_enabled: bool,
    /// No quota cool-downs. Default false.
    pub disable_cooling: bool,
    /// Retry settings (`request-retry`, `max-retry-interval`, `max-retry-credentials`).
    pub retry: Retry,
    /// `quota-exceeded`.
    pub quota_exceeded: QuotaExceeded,
    /// `routing`.
    pub routing: Routing,
    /// `/v1/ws` requires a client API key. Default false.
    pub ws_auth: bool,
    /// Global outbound proxy; `None` = environment proxies / direct. Default none.
    pub proxy_url: Option<ProxyUrl>,
    /// Unprefixed models may not route to prefixed credentials. Default false.
    pub force_model_prefix: bool,
    /// Full request/response logging. Default false.
    pub request_log: bool,
    /// Client API keys (empty strings dropped). Empty list = unauthenticated client API.
    pub api_keys: Vec<Secret<String>>,
    /// `streaming`.
    pub streaming: Streaming,
    /// Non-streaming blank-line keep-alive; `None` = off. Default off.
    pub nonstream_keepalive_interval: Option<Duration>,
    /// `gemini-api-key` (trimmed, empty dropped, de-duplicated by key).
    pub gemini_api_keys: Vec<ProviderKey>,
    /// `claude-api-key`.
    pub claude_api_keys: Vec<ClaudeKey>,
    /// `codex-api-key` (entries without `base-url` dropped).
    pub codex_api_keys: Vec<CodexKey>,
    /// `vertex-api-key` (empty keys dropped, de-duplicated by key + base URL).
    pub vertex_api_keys: Vec<ProviderKey>,
    /// `openai-compatibility` (entries without `base-url` dropped).
    pub openai_compatibility: Vec<OpenAiCompat>,
    /// `ampcode`.
    pub ampcode: Ampcode,
    /// `oauth-excluded-models`: provider (lowercase) → patterns.
    pub oauth_excluded_models: std::collections::BTreeMap<String, Vec<String>>,
    /// `oauth-model-alias` (or legacy `oauth-model-mappings`): channel → aliases.
    pub oauth_model_alias: std::collections::BTreeMap<String, Vec<OAuthModelAlias>>,
    /// `payload`.
    pub payload: Payload,
    /// `pprof`.
    pub pprof: Pprof,
    /// Background token-refresh workers (≤ 0 ⇒ 16). Default 16.
    pub auth_auto_refresh_workers: usize,
    /// Antigravity thinking-signature cache. Default true.
    pub antigravity_signature_cache_enabled: bool,
    /// Strict signature bypass. Default false.
    pub antigravity_signature_bypass_strict: bool,
    /// `codex-header-defaults`.
    pub codex_header_defaults: CodexHeaderDefaults,
    /// `claude-header-defaults`.
    pub claude_header_defaults: ClaudeHeaderDefaults,
    /// `disable-image-generation`. Default off.
    pub disable_image_generation: DisableImageGeneration,
    /// `POST /v1internal:*` enabled. Default false.
    pub enable_gemini_cli_endpoint: bool,
    /// Forward upstream response headers. Default false.
    pub passthrough_headers: bool,
    /// Directories derived from the config location and the environment.
    pub paths: Paths,
}

impl Config {
    /// Resolves a raw (already migrated, already validated) configuration.
    /// Problems that only change how a value is read are appended to `warnings`.
    pub fn resolve(raw: &RawConfig, env: &Env, paths: Paths, warnings: &mut Vec<Warning>) -> Self {
        let auth_dir_raw = match raw.auth_dir.as_deref().map(str::trim) {
            None => DEFAULT_AUTH_DIR.to_owned(),
            Some("") => {
                // Upstream refuses to start with an empty auth-dir; use the default.
                warnings.push(Warning::new(
                    "auth-dir",
                    format!("empty, using {DEFAULT_AUTH_DIR}"),
                ));
                DEFAULT_AUTH_DIR.to_owned()
            }
            Some(dir) => dir.to_owned(),
        };
        let auth_dir = normalize::expand_auth_dir(&auth_dir_raw, env.home_dir.as_deref());
        let mut api_keys = Vec::new();
        for (i, key) in raw.api_keys.iter().flatten().enumerate() {
            if key.is_empty() {
                warnings.push(Warning::new(format!("api-keys[{i}]"), "empty key ignored"));
            } else {
                api_keys.push(Secret::new(key.clone()));
            }
        }
        let alias_source = raw
            .oauth_model_alias
            .as_ref()
            .or(raw.oauth_model_mappings.as_ref());
        Self {
            host: raw.host.clone().unwrap_or_default(),
            port: raw
                .port
                .and_then(|p| u16::try_from(p).ok())
                .unwrap_or(DEFAULT_PORT),
            tls: Tls::resolve(raw.tls.as_ref()),
            remote_management: RemoteManagement::resolve(raw.remote_management.as_ref(), env),
            auth_dir,
            auth_dir_raw,
            debug: raw.debug.unwrap_or(false),
            commercial_mode: raw.commercial_mode.unwrap_or(false),
            logging_to_file: raw.logging_to_file.unwrap_or(false),
            logs_max_total_size_mb: raw
                .logs_max_total_size_mb
                .map_or(0, |v| u64::try_from(v).unwrap_or(0)),
            error_logs_max_files: raw
                .error_logs_max_files
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(DEFAULT_ERROR_LOGS_MAX_FILES),
            usage_statistics_enabled: raw.usage_statistics_enabled.unwrap_or(false),
            disable_cooling: raw.disable_cooling.unwrap_or(false),
            retry: Retry::resolve(raw),
            quota_exceeded: QuotaExceeded::resolve(raw.quota_exceeded.as_ref()),
            routing: Routing::resolve(raw.routing.as_ref(), warnings),
            ws_auth: raw.ws_auth.unwrap_or(false),
            proxy_url: ProxyUrl::parse(raw.proxy_url.as_deref()),
            force_model_prefix: raw.force_model_prefix.unwrap_or(false),
            request_log: raw.request_log.unwrap_or(false),
            api_keys,
            streaming: Streaming::resolve(raw.streaming.as_ref()),
            nonstream_keepalive_interval: positive_secs(raw.nonstream_keepalive_interval),
            gemini_api_keys: providers::gemini(raw.gemini_api_key.as_deref()),
            claude_api_keys: providers::claude(raw.claude_api_key.as_deref()),
            codex_api_keys: providers::codex(raw.codex_api_key.as_deref()),
            vertex_api_keys: providers::vertex(raw.vertex_api_key.as_deref()),
            openai_compatibility: providers::openai_compat(raw.openai_compatibility.as_deref()),
            ampcode: Ampcode::resolve(raw.ampcode.as_ref()),
            oauth_excluded_models: extras::oauth_excluded(raw.oauth_excluded_models.as_ref()),
            oauth_model_alias: extras::oauth_alias(alias_source),
            payload: Payload::resolve(raw.payload.as_ref(), warnings),
            pprof: Pprof::resolve(raw.pprof.as_ref()),
            auth_auto_refresh_workers: raw
                .auth_auto_refresh_workers
                .and_then(|v| usize::try_from(v).ok())
                .filter(|v| *v > 0)
                .unwrap_or(DEFAULT_AUTH_REFRESH_WORKERS),
            antigravity_signature_cache_enabled: raw
                .antigravity_signature_cache_enabled
                .unwrap_or(true),
            antigravity_signature_bypass_strict: raw
                .antigravity_signature_bypass_strict
                .unwrap_or(false),
            codex_header_defaults: CodexHeaderDefaults::resolve(raw.codex_header_defaults.as_ref()),
            claude_header_defaults: ClaudeHeaderDefaults::resolve(
                raw.claude_header_defaults.as_ref(),
            ),
            disable_image_generation: raw
                .disable_image_generation
                .as_ref()
                .and_then(|v| DisableImageGeneration::parse(v).ok())
                .unwrap_or_default(),
            enable_gemini_cli_endpoint: raw.enable_gemini_cli_endpoint.unwrap_or(false),
            passthrough_headers: raw.passthrough_headers.unwrap_or(false),
            paths,
        }
    }

    /// Parses and resolves YAML text with an empty environment, for tests of other
    /// crates (`Config::from_yaml("port: 0\napi-keys: [k]")`). Paths are relative
    /// to the working directory; nothing is written.
    pub fn from_yaml(text: &str) -> Result<Self, crate::ConfigError> {
        crate::load_str(text, std::path::Path::new("config.yaml"), &Env::default())
            .map(|loaded| loaded.config)
    }

    /// Creates `auth-dir` if it does not exist (mode 0755 on Unix), as the original
    /// does at service start. Fails when the path exists and is not a directory.
    pub fn ensure_auth_dir(&self) -> Result<(), crate::ConfigError> {
        let dir = &self.auth_dir;
        let fail = |source: std::io::Error| crate::ConfigError::Write {
            file: dir.clone(),
            source,
        };
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(fail(std::io::Error::other(
                "auth-dir exists and is not a directory",
            ))),
            Err(_) => {
                let mut builder = std::fs::DirBuilder::new();
                builder.recursive(true);
                #[cfg(unix)]
                std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o755);
                builder.create(dir).map_err(fail)
            }
        }
    }

    /// Whether `plaintext` is a valid management key: it matches the bcrypt hash of
    /// `remote-management.secret-key`, or equals `MANAGEMENT_PASSWORD` (compared in
    /// constant time).
    pub fn verify_management_key(&self, plaintext: &str) -> bool {
        self.remote_management.verify(plaintext)
    }

    /// Whether the client API key is one of `api-keys` (constant-time per key).
    pub fn is_client_key(&self, key: &str) -> bool {
        self.api_keys
            .iter()
            .fold(false, |found, k| found | sections::ct_eq(k.expose(), key))
    }
}

fn positive_secs(v: Option<i64>) -> Option<Duration> {
    v.and_then(|s| u64::try_from(s).ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
}
