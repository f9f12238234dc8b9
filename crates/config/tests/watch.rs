//! Hot reload with real files: good edits swap the snapshot, bad edits are
//! rejected while the old config keeps serving, auth-dir changes are reported.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::{path::Path, sync::Arc, time::Duration};

use cpa_config::{ConfigEvent, ConfigHandle, Env, LoadOptions, watch};
use tokio::{sync::broadcast, time::timeout};

const WAIT: Duration = Duration::from_secs(10);

fn options(home: &Path) -> LoadOptions {
    LoadOptions {
        env: Env {
            home_dir: Some(home.to_path_buf()),
            ..Env::default()
        },
        ..LoadOptions::default()
    }
}

fn start(dir: &Path, text: &str) -> Arc<ConfigHandle> {
    let path = dir.join("config.yaml");
    std::fs::write(&path, text).expect("write config");
    let (handle, warnings) = ConfigHandle::load(&path, options(dir)).expect("loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    handle
}

async fn next_event(rx: &mut broadcast::Receiver<ConfigEvent>) -> ConfigEvent {
    timeout(WAIT, rx.recv())
        .await
        .expect("event before timeout")
        .expect("channel open")
}

/// Writes like an editor that saves through a temp file and a rename.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("swp");
    std::fs::write(&tmp, text).expect("write temp");
    std::fs::rename(&tmp, path).expect("rename");
}

#[tokio::test]
async fn bad_edit_is_rejected_and_old_config_keeps_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = dir.path().join("auths");
    std::fs::create_dir(&auth).expect("auth dir");
    let handle = start(
        dir.path(),
        &format!("port: 8001\nauth-dir: {}\n", auth.display()),
    );
    let mut events = handle.events();
    let mut snapshots = handle.subscribe();
    let _guard = watch(handle.clone()).expect("watch");
    let before = handle.current();

    std::fs::write(handle.path(), "port: not-a-number\n").expect("bad edit");
    match next_event(&mut events).await {
        ConfigEvent::ReloadFailed { error } => {
            assert!(error.contains("port"), "{error}");
        }
        other => panic!("expected ReloadFailed, got {other:?}"),
    }
    assert_eq!(handle.current().port, 8001);
    assert!(
        Arc::ptr_eq(&before, &handle.current()),
        "snapshot untouched"
    );

    // A good edit saved by rename-over is picked up (the parent dir is watched).
    save_by_rename(
        handle.path(),
        &format!("port: 8002\nauth-dir: {}\n", auth.display()),
    );
    match next_event(&mut events).await {
        ConfigEvent::Reloaded(config) => assert_eq!(config.port, 8002),
        other => panic!("expected Reloaded, got {other:?}"),
    }
    timeout(WAIT, snapshots.changed())
        .await
        .expect("snapshot before timeout")
        .expect("sender alive");
    assert_eq!(snapshots.borrow().port, 8002);
    assert_eq!(handle.current().port, 8002);
    // The request that took the old snapshot still sees the old values.
    assert_eq!(before.port, 8001);

    // A second rename-over save works too.
    save_by_rename(
        handle.path(),
        &format!("port: 8003\nauth-dir: {}\n", auth.display()),
    );
    match next_event(&mut events).await {
        ConfigEvent::Reloaded(config) => assert_eq!(config.port, 8003),
        other => panic!("expected Reloaded, got {other:?}"),
    }
}

#[tokio::test]
async fn empty_and_unchanged_writes_are_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = start(dir.path(), "port: 8001\n");
    let mut events = handle.events();
    let _guard = watch(handle.clone()).expect("watch");
    std::fs::write(handle.path(), "").expect("truncate");
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(handle.path(), "port: 8001\n").expect("same content");
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(handle.path(), "port: 8009\n").expect("real change");
    match next_event(&mut events).await {
        ConfigEvent::Reloaded(config) => assert_eq!(config.port, 8009),
        other => panic!("expected only the real change, got {other:?}"),
    }
}

#[tokio::test]
async fn auth_dir_json_changes_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = dir.path().join("auths");
    std::fs::create_dir(&auth).expect("auth dir");
    let handle = start(dir.path(), &format!("auth-dir: {}\n", auth.display()));
    let mut events = handle.events();
    let _guard = watch(handle.clone()).expect("watch");

    std::fs::write(auth.join("ignored.tmp"), "x").expect("non-json");
    let cred = auth.join("claude-a.json");
    std::fs::write(&cred, "{\"type\":\"claude\"}").expect("cred");
    match next_event(&mut events).await {
        ConfigEvent::AuthFileChanged(path) => assert_eq!(path.file_name(), cred.file_name()),
        other => panic!("expected AuthFileChanged, got {other:?}"),
    }
    std::fs::remove_file(&cred).expect("remove");
    match next_event(&mut events).await {
        ConfigEvent::AuthFileRemoved(path) => assert_eq!(path.file_name(), cred.file_name()),
        other => panic!("expected AuthFileRemoved, got {other:?}"),
    }
}

#[tokio::test]
async fn stored_config_from_another_writer_is_not_reloaded_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = start(dir.path(), "# keep\nport: 8001\n");
    let mut events = handle.events();
    let _guard = watch(handle.clone()).expect("watch");

    let text = std::fs::read_to_string(handle.path()).expect("read");
    let mut doc = cpa_config::ConfigDocument::parse(text).expect("parse");
    doc.set("port", &serde_json::json!(8005)).expect("edit");
    cpa_config::save::save_file(handle.path(), doc.text().as_bytes(), &Default::default())
        .expect("save");
    let loaded = cpa_config::load_str(doc.text(), handle.path(), &Env::default()).expect("valid");
    handle.store(loaded);
    assert_eq!(handle.current().port, 8005);
    let (config, raw) = handle.snapshot();
    assert_eq!((config.port, raw.port), (8005, Some(8005)));

    match next_event(&mut events).await {
        ConfigEvent::Reloaded(config) => assert_eq!(config.port, 8005),
        other => panic!("expected the stored config, got {other:?}"),
    }
    // The watcher sees the write but skips it: same content hash.
    let extra = timeout(Duration::from_millis(600), events.recv()).await;
    assert!(extra.is_err(), "no second reload, got {extra:?}");
}

#[tokio::test]
async fn missing_auth_dir_is_created_and_watched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let auth = dir.path().join("new/auths");
    let handle = start(dir.path(), &format!("auth-dir: {}\n", auth.display()));
    let mut events = handle.events();
    let _guard = watch(handle.clone()).expect("watch");
    assert!(auth.is_dir(), "auth-dir created");
    std::fs::write(auth.join("a.json"), "{}").expect("cred");
    match next_event(&mut events).await {
        ConfigEvent::AuthFileChanged(path) => assert!(path.ends_with("a.json")),
        other => panic!("expected AuthFileChanged, got {other:?}"),
    }
}
