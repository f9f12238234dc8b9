//! Stage one of the configuration: the YAML file as written.
//!
//! Every key of the file (spec `config.md` §2, §2.6 and §10) has a field here,
//! spelled in kebab-case, and almost every field is an `Option` so that "absent"
//! can be told apart from "zero". No defaults are applied and nothing is
//! normalised; that is `resolved`'s job. Keys this version does not know are kept
//! in each struct's `extra` map, so serialising a `RawConfig` never loses them and
//! the management API can round-trip the file through this type.
//!
//! Secrets are plain `String`s here because this type is written back to disk;
//! never log a `RawConfig` (its `Debug` shows secrets). Log the resolved `Config`.

mod lenient;
mod providers;
mod sections;
mod unknown;

use std::collections::BTreeMap;

pub use lenient::Lenient;
pub use providers::{
    RawApiKeyEntry, RawClaudeKey, RawCloak, RawCodexKey, RawGeminiKey, RawModel, RawOpenAiCompat,
    RawThinking, RawVertexKey,
};
pub use sections::{
    RawAmpModelMapping, RawAmpUpstreamKey, RawAmpcode, RawClaudeHeaderDefaults,
    RawCodexHeaderDefaults, RawImageGeneration, RawLegacyAuth, RawLegacyProvider, RawModelAlias,
    RawPayload, RawPayloadFilter, RawPayloadModel, RawPayloadRule, RawPprof, RawQuotaExceeded,
    RawRemoteManagement, RawRouting, RawStreaming, RawTls,
};
pub use unknown::CollectUnknown;

/// Keys this version does not know, with their values, in the order serde saw them.
pub type Extra = BTreeMap<String, serde_yaml_ng::Value>;

/// Defines a raw struct: every listed field becomes `Option<T>` that is skipped when
/// `None` on output, plus a flattened `extra` map for unknown keys. Keeps the many
/// section structs uniform and the unknown-key walk in one place.
macro_rules! raw_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
        #[serde(rename_all = "kebab-case")]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(
                    default,
                    skip_serializing_if = "Option::is_none",
                    deserialize_with = "crate::raw::lenient::option"
                )]
                pub $field: Option<$ty>,
            )*
            /// Keys this version does not know; kept so a write-back never loses them.
            #[serde(flatten)]
            pub extra: $crate::raw::Extra,
        }

        impl $crate::raw::Lenient for $name {
            fn lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <Self as serde::Deserialize>::deserialize(d)
            }
        }

        impl $crate::raw::CollectUnknown for $name {
            fn collect_unknown(&self, path: &str, out: &mut Vec<String>) {
                $(
                    if let Some(value) = &self.$field {
                        let key = stringify!($field).replace('_', "-");
                        let key = key.trim_start_matches("r#");
                        value.collect_unknown(&$crate::raw::unknown::join(path, key), out);
                    }
                )*
                for key in self.extra.keys() {
                    out.push($crate::raw::unknown::join(path, key));
                }
            }
        }
    };
}
pub(crate) use raw_struct;

raw_struct! {
    /// The whole configuration file as written (spec §2).
    pub struct RawConfig {
        /// Listen address. Default `""` (all interfaces). Restart.
        host: String,
        /// Listen port. Default 8317. Restart.
        port: i64,
        /// HTTPS listener settings. Restart.
        tls: RawTls,
        /// Management API settings.
        remote_management: RawRemoteManagement,
        /// Directory of OAuth credential files. Default `~/.cli-proxy-api`.
        auth_dir: String,
        /// Debug-level logging. Default false.
        debug: bool,
        /// Disables request logging middleware entirely. Default false. Restart.
        commercial_mode: bool,
        /// Application log to `<logs>/main.log` instead of stdout. Default false.
        logging_to_file: bool,
        /// Total size cap of the logs directory in MB; 0 = unlimited. Default 0.
        logs_max_total_size_mb: i64,
        /// How many `error-*.log` files are kept; 0 = unlimited. Default 10.
        error_logs_max_files: i64,
        /// In-memory usage aggregation. Default false.
        usage_statistics_enabled: bool,
        /// Disables quota cool-down scheduling. Default false.
        disable_cooling: bool,
        /// Extra attempts after the first one. Default 3.
        request_retry: i64,
        /// Upper bound of one wait between attempts, seconds. Default 30.
        max_retry_interval: i64,
        /// Maximum credentials tried for one request; 0 = all. Default 0.
        max_retry_credentials: i64,
        /// Upper bound of any credential cool-down, seconds (ours). Default 1800.
        max_cooldown_seconds: i64,
        /// Behaviour when a quota is exhausted.
        quota_exceeded: RawQuotaExceeded,
        /// Credential selection strategy and session affinity.
        routing: RawRouting,
        /// Whether `/v1/ws` requires a client API key. Default false.
        ws_auth: bool,
        /// Global outbound proxy URL. Default none.
        proxy_url: String,
        /// Unprefixed model names may not route to prefixed credentials. Default false.
        force_model_prefix: bool,
        /// Full request/response logging. Default false.
        request_log: bool,
        /// Client API keys; empty = unauthenticated client API. Default empty.
        api_keys: Vec<String>,
        /// SSE keep-alive and bootstrap retries.
        streaming: RawStreaming,
        /// Blank-line keep-alive interval for non-streaming responses, seconds. Default 0 (off).
        nonstream_keepalive_interval: i64,
        /// Gemini API keys.
        gemini_api_key: Vec<RawGeminiKey>,
        /// Claude API keys.
        claude_api_key: Vec<RawClaudeKey>,
        /// Codex API keys.
        codex_api_key: Vec<RawCodexKey>,
        /// Vertex-compatible API keys.
        vertex_api_key: Vec<RawVertexKey>,
        /// OpenAI-compatible upstreams.
        openai_compatibility: Vec<RawOpenAiCompat>,
        /// Amp CLI integration.
        ampcode: RawAmpcode,
        /// Per-OAuth-provider excluded model patterns.
        oauth_excluded_models: BTreeMap<String, Vec<String>>,
        /// Per-OAuth-channel model aliases (v6.9 name).
        oauth_model_alias: BTreeMap<String, Vec<RawModelAlias>>,
        /// Pre-v6.9 name of `oauth-model-alias`; read when that key is absent.
        oauth_model_mappings: BTreeMap<String, Vec<RawModelAlias>>,
        /// Payload default/override/filter rules.
        payload: RawPayload,
        /// Debug profiling server.
        pprof: RawPprof,
        /// Background token-refresh workers; 0 = 16. Default 0.
        auth_auto_refresh_workers: i64,
        /// Antigravity thinking-signature cache. Default true.
        antigravity_signature_cache_enabled: bool,
        /// Strict mode for the signature bypass path. Default false.
        antigravity_signature_bypass_strict: bool,
        /// Fallback headers for Codex OAuth credentials.
        codex_header_defaults: RawCodexHeaderDefaults,
        /// Fallback Claude client-fingerprint headers.
        claude_header_defaults: RawClaudeHeaderDefaults,
        /// `false`, `true` or `"chat"`. Default false.
        disable_image_generation: RawImageGeneration,
        /// Enables `POST /v1internal:*`. Default false.
        enable_gemini_cli_endpoint: bool,
        /// Forward upstream response headers to clients. Default false.
        passthrough_headers: bool,
        /// Legacy (§2.6): migrated into `gemini-api-key`.
        generative_language_api_key: Vec<String>,
        /// Legacy (§2.6): migrated into `ampcode.upstream-url`.
        amp_upstream_url: String,
        /// Legacy (§2.6): migrated into `ampcode.upstream-api-key`.
        amp_upstream_api_key: String,
        /// Legacy (§2.6): overrides `ampcode.restrict-management-to-localhost`.
        amp_restrict_management_to_localhost: bool,
        /// Legacy (§2.6): migrated into `ampcode.model-mappings`.
        amp_model_mappings: Vec<RawAmpModelMapping>,
        /// Legacy (§2.6): `auth.providers[type=config-api-key].api-keys`.
        auth: RawLegacyAuth,
    }
}

/// Top-level keys that exist only for legacy migration (spec §5). They are removed
/// from the file whenever the migrated configuration is written back.
pub const LEGACY_KEYS: &[&str] = &[
    "generative-language-api-key",
    "amp-upstream-url",
    "amp-upstream-api-key",
    "amp-restrict-management-to-localhost",
    "amp-model-mappings",
    "auth",
];

impl RawConfig {
    /// Parses YAML text. Type errors name the key path (`port`, `claude-api-key[2].priority`).
    /// An empty document (or one holding only comments) gives an empty config.
    pub fn from_yaml(text: &str) -> Result<Self, crate::ConfigError> {
        if is_blank_yaml(text) {
            return Ok(Self::default());
        }
        let de = serde_yaml_ng::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|err| {
            let path = err.path().to_string();
            let problem = err.into_inner().to_string();
            // serde_yaml_ng already prefixes some messages with the path.
            let problem = problem
                .strip_prefix(&format!("{path}: "))
                .map_or(problem.clone(), str::to_owned);
            crate::ConfigError::Parse { path, problem }
        })
    }

    /// Serialises to a JSON value (unknown keys included), the form
    /// [`crate::ConfigDocument::sync`] takes.
    pub fn to_json(&self) -> Result<serde_json::Value, crate::ConfigError> {
        serde_json::to_value(self).map_err(|err| crate::ConfigError::edit(".", err.to_string()))
    }

    /// Paths of every key this version does not know (`foo`, `tls.bar`, `claude-api-key[0].x`).
    pub fn unknown_keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_unknown("", &mut out);
        out
    }
}

/// Whether a YAML text holds no node at all (only whitespace, comments, `---`).
pub(crate) fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|line| {
        let t = line.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}
