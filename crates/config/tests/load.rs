//! Loading: defaults, example file, secret hashing write-back, env overrides,
//! error paths.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::path::PathBuf;

use cpa_config::{
    ConfigError, EXAMPLE_CONFIG, Env, LoadOptions, Loaded, is_bcrypt_hash, load_with,
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
