//! Loading: defaults, example file, secret hashing write-back, env overrides,
//! error paths.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::{path::PathBuf, time::Duration};

use cpa_config::{
    Config, ConfigError, EXAMPLE_CONFIG, Env, LoadOptions, Loaded, is_bcrypt_hash, load_with,
    resolved::{DisableImageGeneration, ProxyUrl, RoutingStrategy},
    write_example_if_missing,
};
use pretty_assertions::assert_eq;

fn env() -> Env {
    Env {
        home_dir: Some(PathBuf::from("/home/test")),
        ..Env::default()
    }
}

fn load_text(dir: &tempfile::TempDir, text: &str, env: Env) -> Result<Loaded, ConfigError> {
    let path = dir.path().join("config.yaml");
    std::fs::write(&path, text).expect("write config");
    load_with(
        &path,
        &LoadOptions {
            env,
            ..LoadOptions::default()
        },
    )
}

fn load_ok(text: &str) -> Config {
    let dir = tempfile::tempdir().expect("tempdir");
    load_text(&dir, text, env()).expect("loads").config
}

#[test]
fn example_config_loads_without_warnings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = load_text(&dir, EXAMPLE_CONFIG, env()).expect("example loads");
    assert_eq!(loaded.warnings, vec![]);
    let c = loaded.config;
    assert_eq!(c.host, "127.0.0.1");
    assert_eq!(c.port, 8317);
    assert!(c.api_keys.is_empty());
    assert_eq!(c.auth_dir, PathBuf::from("/home/test/.cli-proxy-api"));
    assert_eq!(c.auth_dir_raw, "~/.cli-proxy-api");
    assert!(!c.remote_management.is_enabled());
    // Loading must not have rewritten the file.
    let on_disk = std::fs::read_to_string(dir.path().join("config.yaml")).expect("read");
    assert_eq!(on_disk, EXAMPLE_CONFIG);
}

#[test]
fn write_example_if_missing_writes_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sub/config.yaml");
    assert!(write_example_if_missing(&path).expect("write"));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        EXAMPLE_CONFIG
    );
    std::fs::write(&path, "port: 1\n").expect("overwrite");
    assert!(!write_example_if_missing(&path).expect("second call"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "port: 1\n");
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

#[test]
fn type_errors_name_the_key_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = load_text(
        &dir,
        "claude-api-key:\n  - api-key: a\n  - priority: high\n",
        env(),
    )
    .expect_err("type error");
    assert_eq!(err.path(), Some("claude-api-key[1].priority"));
    assert!(
        err.to_string()
            .starts_with("failed to parse config file: claude-api-key[1].priority: invalid type"),
        "{err}"
    );
    let err = load_text(&dir, "port: abc\n", env()).expect_err("type error");
    assert_eq!(err.path(), Some("port"));
    let err =
        load_text(&dir, "codex-api-key:\n  - base-url: 'http//x'\n", env()).expect_err("bad url");
    assert_eq!(err.to_string(), "codex-api-key[0].base-url: not a URL");
}

#[test]
fn plaintext_secret_is_hashed_and_written_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "# management\nremote-management:\n  allow-remote: true # yes\n  secret-key: \"s3cret\" # hashed on load\nport: 8317 # port\n";
    let loaded = load_text(&dir, text, env()).expect("loads");
    let on_disk = std::fs::read_to_string(dir.path().join("config.yaml")).expect("read");
    let hash = loaded
        .raw
        .remote_management
        .as_ref()
        .and_then(|r| r.secret_key.clone())
        .expect("hash");
    assert!(is_bcrypt_hash(&hash));
    assert!(
        hash.starts_with("$2b$10$") || hash.starts_with("$2a$10$"),
        "{hash}"
    );
    assert_eq!(on_disk, text.replace("\"s3cret\"", &format!("\"{hash}\"")));
    assert!(loaded.config.verify_management_key("s3cret"));
    assert!(!loaded.config.verify_management_key("wrong"));
    assert!(
        !format!("{:?}", loaded.config).contains(&hash),
        "hash not in Debug"
    );
    // A second load leaves the file alone.
    let again = load_text(&dir, &on_disk, env()).expect("reload");
    assert!(again.config.verify_management_key("s3cret"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.yaml")).expect("read"),
        on_disk
    );
}

#[test]
fn env_overrides_apply_and_are_never_persisted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let e = Env {
        management_password: Some("envpw".into()),
        writable_path: Some(PathBuf::from("/data")),
        management_static_path: Some(PathBuf::from("/srv/static")),
        ..env()
    };
    let text = "port: 1\n";
    let loaded = load_text(&dir, text, e).expect("loads");
    let c = loaded.config;
    assert!(c.remote_management.is_enabled());
    assert!(c.remote_management.allows_remote());
    assert!(c.verify_management_key("envpw"));
    assert!(!c.verify_management_key("envpw2"));
    assert_eq!(c.paths.logs_dir, PathBuf::from("/data/logs"));
    assert_eq!(c.paths.static_dir, PathBuf::from("/srv/static"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config.yaml")).expect("read"),
        text
    );
}

#[test]
fn cloud_mode_tolerates_missing_and_broken_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cloud = Env {
        deploy_cloud: true,
        ..env()
    };
    let missing = load_with(
        &dir.path().join("nope.yaml"),
        &LoadOptions {
            env: cloud.clone(),
            ..LoadOptions::default()
        },
    )
    .expect("optional load");
    assert_eq!(missing.config.port, 8317);
    assert_eq!(missing.warnings.len(), 1);
    assert!(missing.is_standby);
    let broken = load_text(&dir, "port: [\n", cloud.clone()).expect("optional load");
    assert_eq!(broken.warnings.len(), 1);
    assert!(broken.is_standby);
    let invalid = load_text(&dir, "port: 99999\n", cloud.clone()).expect("optional load");
    assert!(invalid.is_standby);
    let zero = load_text(&dir, "port: 0\n", cloud.clone()).expect("optional load");
    assert!(zero.is_standby);
    let good = load_text(
        &dir,
        "port: 8400\nremote-management:\n  secret-key: pw\n",
        cloud,
    )
    .expect("loads");
    assert!(!good.is_standby);
    assert!(good.config.verify_management_key("pw"));
    let on_disk = std::fs::read_to_string(dir.path().join("config.yaml")).expect("read");
    assert!(
        on_disk.contains("secret-key: pw"),
        "cloud mode writes nothing back"
    );
}

#[test]
fn config_from_yaml_for_other_crates_tests() {
    let c = cpa_config::Config::from_yaml("port: 0\napi-keys: [k]\n").expect("valid");
    assert_eq!(c.port, 0);
    assert!(c.is_client_key("k"));
    assert!(!c.is_client_key("x"));
}

#[test]
fn missing_file_is_an_error_outside_cloud_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err =
        load_with(&dir.path().join("nope.yaml"), &LoadOptions::default()).expect_err("missing");
    assert!(matches!(err, ConfigError::Read { .. }));
}
