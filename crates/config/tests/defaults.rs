//! Every key's default (table-driven, from an empty file) and every top-level key
//! parsed with a non-default value.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::{path::PathBuf, time::Duration};

use cpa_config::{
    Config, Env, LoadOptions, load_with,
    resolved::{DisableImageGeneration, ProxyUrl, RoutingStrategy},
};
use pretty_assertions::assert_eq;

fn load_ok(text: &str) -> Config {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, text).expect("write config");
    let opts = LoadOptions {
        env: Env {
            home_dir: Some(PathBuf::from("/home/test")),
            ..Env::default()
        },
        ..LoadOptions::default()
    };
    load_with(&path, &opts).expect("loads").config
}

/// Every key's default, from an empty file.
#[test]
fn empty_file_gives_documented_defaults() {
    let c = load_ok("");
    let checks: Vec<(&str, String, String)> = vec![
        ("host", c.host.clone(), String::new()),
        ("port", c.port.to_string(), "8317".into()),
        ("tls.enable", c.tls.enable.to_string(), "false".into()),
        ("tls.cert", c.tls.cert.display().to_string(), String::new()),
        (
            "remote-management.allow-remote",
            c.remote_management.allow_remote.to_string(),
            "false".into(),
        ),
        (
            "remote-management.secret-key",
            c.remote_management.secret_hash.is_some().to_string(),
            "false".into(),
        ),
        (
            "remote-management.disable-control-panel",
            c.remote_management.disable_control_panel.to_string(),
            "false".into(),
        ),
        (
            "remote-management.disable-auto-update-panel",
            c.remote_management.disable_auto_update_panel.to_string(),
            "false".into(),
        ),
        (
            "remote-management.panel-github-repository",
            c.remote_management.panel_github_repository.clone(),
            "https://github.com/router-for-me/Cli-Proxy-API-Management-Center".into(),
        ),
        (
            "auth-dir",
            c.auth_dir.display().to_string(),
            "/home/test/.cli-proxy-api".into(),
        ),
        ("debug", c.debug.to_string(), "false".into()),
        (
            "commercial-mode",
            c.commercial_mode.to_string(),
            "false".into(),
        ),
        (
            "logging-to-file",
            c.logging_to_file.to_string(),
            "false".into(),
        ),
        (
            "logs-max-total-size-mb",
            c.logs_max_total_size_mb.to_string(),
            "0".into(),
        ),
        (
            "error-logs-max-files",
            c.error_logs_max_files.to_string(),
            "10".into(),
        ),
        (
            "usage-statistics-enabled",
            c.usage_statistics_enabled.to_string(),
            "false".into(),
        ),
        (
            "disable-cooling",
            c.disable_cooling.to_string(),
            "false".into(),
        ),
        (
            "request-retry",
            c.retry.request_retry.to_string(),
            "3".into(),
        ),
        (
            "max-retry-interval",
            format!("{:?}", c.retry.max_retry_interval),
            "30s".into(),
        ),
        (
            "max-retry-credentials",
            c.retry.max_retry_credentials.to_string(),
            "0".into(),
        ),
        (
            "max-cooldown-seconds",
            format!("{:?}", c.retry.max_cooldown),
            "1800s".into(),
        ),
        (
            "quota-exceeded.switch-project",
            c.quota_exceeded.switch_project.to_string(),
            "false".into(),
        ),
        (
            "quota-exceeded.switch-preview-model",
            c.quota_exceeded.switch_preview_model.to_string(),
            "false".into(),
        ),
        (
            "quota-exceeded.antigravity-credits",
            c.quota_exceeded.antigravity_credits.to_string(),
            "false".into(),
        ),
        (
            "routing.strategy",
            format!("{:?}", c.routing.strategy),
            "RoundRobin".into(),
        ),
        (
            "routing.session-affinity",
            c.routing.session_affinity.to_string(),
            "false".into(),
        ),
        (
            "routing.session-affinity-ttl",
            format!("{:?}", c.routing.session_affinity_ttl),
            "3600s".into(),
        ),
        ("ws-auth", c.ws_auth.to_string(), "false".into()),
        ("proxy-url", format!("{:?}", c.proxy_url), "None".into()),
        (
            "force-model-prefix",
            c.force_model_prefix.to_string(),
            "false".into(),
        ),
        ("request-log", c.request_log.to_string(), "false".into()),
        ("api-keys", c.api_keys.len().to_string(), "0".into()),
        (
            "streaming.keepalive-seconds",
            format!("{:?}", c.streaming.keepalive),
            "None".into(),
        ),
        (
            "streaming.bootstrap-retries",
            c.streaming.bootstrap_retries.to_string(),
            "0".into(),
        ),
        (
            "nonstream-keepalive-interval",
            format!("{:?}", c.nonstream_keepalive_interval),
            "None".into(),
        ),
        (
            "gemini-api-key",
            c.gemini_api_keys.len().to_string(),
            "0".into(),
        ),
        (
            "claude-api-key",
            c.claude_api_keys.len().to_string(),
            "0".into(),
        ),
        (
            "codex-api-key",
            c.codex_api_keys.len().to_string(),
            "0".into(),
        ),
        (
            "vertex-api-key",
            c.vertex_api_keys.len().to_string(),
            "0".into(),
        ),
        (
            "openai-compatibility",
            c.openai_compatibility.len().to_string(),
            "0".into(),
        ),
        (
            "ampcode.upstream-url",
            format!("{:?}", c.ampcode.upstream_url),
            "None".into(),
        ),
        (
            "ampcode.restrict-management-to-localhost",
            c.ampcode.restrict_management_to_localhost.to_string(),
            "false".into(),
        ),
        (
            "ampcode.force-model-mappings",
            c.ampcode.force_model_mappings.to_string(),
            "false".into(),
        ),
        (
            "oauth-excluded-models",
            c.oauth_excluded_models.len().to_string(),
            "0".into(),
        ),
        (
            "oauth-model-alias",
            c.oauth_model_alias.len().to_string(),
            "0".into(),
        ),
        (
            "payload.default",
            c.payload.default.len().to_string(),
            "0".into(),
        ),
        ("pprof.enable", c.pprof.enable.to_string(), "false".into()),
        ("pprof.addr", c.pprof.addr.clone(), "127.0.0.1:8316".into()),
        (
            "auth-auto-refresh-workers",
            c.auth_auto_refresh_workers.to_string(),
            "16".into(),
        ),
        (
            "antigravity-signature-cache-enabled",
            c.antigravity_signature_cache_enabled.to_string(),
            "true".into(),
        ),
        (
            "antigravity-signature-bypass-strict",
            c.antigravity_signature_bypass_strict.to_string(),
            "false".into(),
        ),
        (
            "codex-header-defaults.user-agent",
            format!("{:?}", c.codex_header_defaults.user_agent),
            "None".into(),
        ),
        (
            "claude-header-defaults.stabilize-device-profile",
            c.claude_header_defaults
                .stabilize_device_profile
                .to_string(),
            "false".into(),
        ),
        (
            "disable-image-generation",
            format!("{:?}", c.disable_image_generation),
            "Off".into(),
        ),
        (
            "enable-gemini-cli-endpoint",
            c.enable_gemini_cli_endpoint.to_string(),
            "false".into(),
        ),
        (
            "passthrough-headers",
            c.passthrough_headers.to_string(),
            "false".into(),
        ),
    ];
    for (key, got, want) in checks {
        assert_eq!(got, want, "default of {key}");
    }
}

#[test]
fn every_top_level_key_parses() {
    let c = load_ok(
        r#"
host: "::"
port: 9000
tls: {enable: true, cert: " c.pem ", key: k.pem}
auth-dir: ./auths/../auth
debug: true
commercial-mode: true
logging-to-file: true
logs-max-total-size-mb: -5
error-logs-max-files: 0
usage-statistics-enabled: true
disable-cooling: true
request-retry: 0
max-retry-interval: 5
max-retry-credentials: 2
max-cooldown-seconds: 120
quota-exceeded: {switch-project: true, switch-preview-model: true, antigravity-credits: true}
routing: {strategy: FF, claude-code-session-affinity: true, session-affinity-ttl: 30m}
ws-auth: true
proxy-url: socks5://u:p@proxy:1080
force-model-prefix: true
request-log: true
api-keys: [k1, "", k2]
streaming: {keepalive-seconds: 15, bootstrap-retries: 2}
nonstream-keepalive-interval: 7
pprof: {enable: true, addr: " "}
auth-auto-refresh-workers: 4
antigravity-signature-cache-enabled: false
antigravity-signature-bypass-strict: true
codex-header-defaults: {user-agent: " ua ", beta-features: ""}
claude-header-defaults: {os: linux, stabilize-device-profile: true}
disable-image-generation: chat
enable-gemini-cli-endpoint: true
passthrough-headers: true
"#,
    );
    assert_eq!(c.host, "::");
    assert_eq!(c.port, 9000);
    assert!(c.tls.enable);
    assert_eq!(c.tls.cert, PathBuf::from("c.pem"));
    assert_eq!(c.auth_dir, PathBuf::from("auth"));
    assert!(c.debug && c.commercial_mode && c.logging_to_file);
    assert_eq!(c.logs_max_total_size_mb, 0);
    assert_eq!(c.error_logs_max_files, 0);
    assert!(c.usage_statistics_enabled && c.disable_cooling);
    assert_eq!(c.retry.request_retry, 0);
    assert_eq!(c.retry.max_retry_interval, Duration::from_secs(5));
    assert_eq!(c.retry.max_retry_credentials, 2);
    assert_eq!(c.retry.max_cooldown, Duration::from_secs(120));
    assert!(c.quota_exceeded.antigravity_credits);
    assert_eq!(c.routing.strategy, RoutingStrategy::FillFirst);
    assert!(c.routing.session_affinity);
    assert_eq!(c.routing.session_affinity_ttl, Duration::from_secs(1800));
    assert!(c.ws_auth && c.force_model_prefix && c.request_log);
    assert_eq!(
        c.proxy_url,
        Some(ProxyUrl::Url("socks5://u:p@proxy:1080".into()))
    );
    assert!(
        !format!("{:?}", c.proxy_url).contains(":p@"),
        "proxy password hidden"
    );
    let keys: Vec<&str> = c.api_keys.iter().map(|k| k.expose().as_str()).collect();
    assert_eq!(keys, vec!["k1", "k2"]);
    assert_eq!(c.streaming.keepalive, Some(Duration::from_secs(15)));
    assert_eq!(c.streaming.bootstrap_retries, 2);
    assert_eq!(c.nonstream_keepalive_interval, Some(Duration::from_secs(7)));
    assert_eq!(c.pprof.addr, "127.0.0.1:8316");
    assert_eq!(c.auth_auto_refresh_workers, 4);
    assert!(!c.antigravity_signature_cache_enabled && c.antigravity_signature_bypass_strict);
    assert_eq!(c.codex_header_defaults.user_agent.as_deref(), Some("ua"));
    assert_eq!(c.codex_header_defaults.beta_features, None);
    assert_eq!(c.claude_header_defaults.os.as_deref(), Some("linux"));
    assert!(c.claude_header_defaults.stabilize_device_profile);
    assert_eq!(c.disable_image_generation, DisableImageGeneration::Chat);
    assert!(c.enable_gemini_cli_endpoint && c.passthrough_headers);
}
