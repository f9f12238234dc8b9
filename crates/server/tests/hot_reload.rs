//! Hot reload through the real file watcher: the config file is edited on disk,
//! `cpa_config::watch` notices it and publishes a new snapshot, and the snapshot is
//! applied with `AppState::swap_runtime` as `serve()` does (`reload::apply` minus the
//! exposure check and the logging settings, which are private to the server crate).
//! Requests go over real HTTP to the app and on to the in-process mock upstream.

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "integration tests")]

mod support;
#[path = "support/upstream.rs"]
mod upstream;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cpa_mock::{MockHandle, MockUpstream};
use cpa_server::shutdown::Shutdown;
use cpa_server::state::{AppState, Runtime};
use reqwest::StatusCode;
use upstream::{CLAUDE_MODEL, CLIENT_KEY, Key, claude_config, upstream_keys};

const ALPHA: &str = "key-alpha";
const BRAVO: &str = "key-bravo";
const CHARLIE: &str = "key-charlie";
/// How soon an edit must be usable.
const RELOAD_BUDGET: Duration = Duration::from_secs(2);

/// The app served with a config file that the watcher follows.
struct Watched {
    mock: MockHandle,
    base: String,
    path: PathBuf,
    dir: tempfile::TempDir,
    http: reqwest::Client,
    _guard: cpa_config::WatchGuard,
}

impl Watched {
    async fn start(keys: &[Key]) -> Self {
        let mock = MockUpstream::start().await.expect("mock upstream starts");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("auth")).expect("auth dir");
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, config_yaml(&mock, &dir, keys)).expect("write config");

        let options = cpa_config::LoadOptions {
            is_read_only: true,
            ..cpa_config::LoadOptions::from_process()
        };
        let (handle, _warnings) =
            cpa_config::ConfigHandle::load(path.clone(), options).expect("config loads");
        let state = AppState::new(Runtime::build(handle.current()), Shutdown::new(), None);
        let guard = cpa_config::watch(handle.clone()).expect("watcher starts");
        let mut snapshots = handle.subscribe();
        let mut events = handle.events();
        let applier = state.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    changed = snapshots.changed() => {
                        if changed.is_err() {
                            return;
                        }
                        let config = snapshots.borrow_and_update().clone();
                        applier.swap_runtime(Runtime::build(config));
                    }
                    event = events.recv() => match event {
                        Ok(cpa_config::ConfigEvent::ReloadFailed { error }) => {
                            tracing::warn!(%error, "config reload failed");
                        }
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                }
            }
        });

        let app = cpa_server::app::build(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        Self {
            mock,
            base,
            path,
            dir,
            http: reqwest::Client::new(),
            _guard: guard,
        }
    }

    /// Rewrites the config file on disk, as an operator would.
    fn edit(&self, keys: &[Key]) {
        self.edit_with(keys, "");
    }

    /// Rewrites the config file with `tail` (top-level YAML) appended.
    fn edit_with(&self, keys: &[Key], tail: &str) {
        let yaml = claude_config(
            self.mock.base_url(),
            &self.dir.path().join("auth"),
            keys,
            tail,
        );
        std::fs::write(&self.path, yaml).expect("rewrite config");
    }

    /// Polls until `run` consecutive requests were all served by one key, which under
    /// round-robin over several keys cannot happen. Returns that key.
    async fn poll_until_sticky(&self, run: usize, edited_at: Instant) -> String {
        let mut streak: Vec<String> = Vec::new();
        loop {
            let (status, trace) = self.chat(CLAUDE_MODEL).await;
            assert_eq!(status, StatusCode::OK, "{trace:?}");
            if streak.last() != trace.last() {
                streak.clear();
            }
            streak.extend(trace.last().cloned());
            if streak.len() >= run {
                return streak.remove(0);
            }
            assert!(
                edited_at.elapsed() < RELOAD_BUDGET,
                "the edit did not take effect within {RELOAD_BUDGET:?}"
            );
        }
    }

    async fn chat(&self, model: &str) -> (StatusCode, Vec<String>) {
        let before = upstream_keys(&self.mock).len();
        let response = self
            .http
            .post(format!("{}/v1/chat/completions", self.base))
            .bearer_auth(CLIENT_KEY)
            .json(&serde_json::json!({
                "model": model,
                "messages": [{"role": "user", "content": "hello"}],
            }))
            .send()
            .await
            .expect("chat request is sent");
        let status = response.status();
        let _ = response.bytes().await;
        (status, upstream_keys(&self.mock)[before..].to_vec())
    }

    /// Polls with chat requests until `accept` holds for one, within the reload budget
    /// measured from `edited_at`. Returns the number of requests it took.
    async fn poll_until(
        &self,
        model: &str,
        edited_at: Instant,
        mut accept: impl FnMut(StatusCode, &[String]) -> bool,
    ) -> usize {
        let mut requests = 0;
        loop {
            let (status, trace) = self.chat(model).await;
            requests += 1;
            if accept(status, &trace) {
                return requests;
            }
            assert!(
                edited_at.elapsed() < RELOAD_BUDGET,
                "the edit was not usable within {RELOAD_BUDGET:?} (last: {status}, {trace:?})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The config: `keys` at the mock, the auth dir inside `dir`.
fn config_yaml(mock: &MockHandle, dir: &tempfile::TempDir, keys: &[Key]) -> String {
    claude_config(mock.base_url(), &dir.path().join("auth"), keys, "")
}

fn keys(names: &[&str]) -> Vec<Key> {
    names.iter().map(|name| Key::new(name)).collect()
}

#[tokio::test]
async fn config_file_edit_adding_key_makes_it_usable_within_two_seconds() {
    let server = Watched::start(&keys(&[ALPHA])).await;
    let (status, trace) = server.chat(CLAUDE_MODEL).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trace, [ALPHA]);

    let edited_at = Instant::now();
    server.edit(&keys(&[ALPHA, BRAVO]));
    server
        .poll_until(CLAUDE_MODEL, edited_at, |status, trace| {
            assert_eq!(status, StatusCode::OK, "no request fails during the reload");
            trace == [BRAVO]
        })
        .await;
}

#[tokio::test]
async fn config_file_edit_adding_alias_makes_it_usable_within_two_seconds() {
    let server = Watched::start(&keys(&[ALPHA])).await;
    let (status, trace) = server.chat("fresh-alias").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "unknown model before the edit"
    );
    assert!(trace.is_empty());

    let edited_at = Instant::now();
    let alias = format!("    models:\n      - name: {CLAUDE_MODEL}\n        alias: fresh-alias\n");
    server.edit(&[Key::new(ALPHA).with(&alias)]);
    server
        .poll_until("fresh-alias", edited_at, |status, _| {
            status == StatusCode::OK
        })
        .await;
    let bodies = server.mock.bodies_for("/v1/messages");
    assert_eq!(
        bodies.last().expect("an upstream request")["model"],
        CLAUDE_MODEL,
        "the alias is sent upstream as its model"
    );
}

#[tokio::test]
async fn config_file_unrelated_edit_keeps_cooldown_of_unchanged_key() {
    let server = Watched::start(&keys(&[ALPHA, BRAVO])).await;
    server.mock.script(ALPHA, ["fail-429-30"]);
    let mut limited = false;
    for _ in 0..3 {
        let (status, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "{trace:?}");
        if trace.first().is_some_and(|k| k == ALPHA) {
            assert_eq!(trace, [ALPHA, BRAVO], "429 fails over");
            limited = true;
            break;
        }
    }
    assert!(limited, "round-robin reached the rate-limited key");

    // Unrelated edit: a third key. Once it serves, the reload has been applied.
    let edited_at = Instant::now();
    server.edit(&keys(&[ALPHA, BRAVO, CHARLIE]));
    server
        .poll_until(CLAUDE_MODEL, edited_at, |status, trace| {
            assert_eq!(status, StatusCode::OK);
            assert!(
                !trace.iter().any(|k| k == ALPHA),
                "cooling key used: {trace:?}"
            );
            trace == [CHARLIE]
        })
        .await;
    let mut after = Vec::new();
    for _ in 0..6 {
        let (status, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK);
        after.extend(trace);
    }
    assert!(
        !after.iter().any(|k| k == ALPHA),
        "the 429 key stays skipped after the reload: {after:?}"
    );
    assert!(after.iter().any(|k| k == BRAVO) && after.iter().any(|k| k == CHARLIE));
}

/// A port that was free a moment ago (`serve()` binds the config's port itself).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// The whole server as the binary runs it: `cpa_server::serve` loads the file, starts
/// the watcher and applies reloads itself (`reload::spawn`).
#[tokio::test]
async fn serve_config_file_edit_adds_key_and_keeps_cooldown_of_unchanged_key() {
    // `serve()` installs the process-wide log subscriber, writing to stdout past the
    // test harness's capture; a test-writer subscriber installed first takes its place.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_max_level(tracing::Level::WARN)
        .try_init();
    let mock = MockUpstream::start().await.expect("mock upstream starts");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("auth")).expect("auth dir");
    let path = dir.path().join("config.yaml");
    let port = free_port();
    let write = |names: &[&str]| {
        let yaml =
            config_yaml(&mock, &dir, &keys(names)).replace("port: 0", &format!("port: {port}"));
        std::fs::write(&path, yaml).expect("write config");
    };
    write(&[ALPHA, BRAVO]);
    tokio::spawn(cpa_server::serve(cpa_server::ServeOptions {
        config_path: path.clone(),
        allow_unauthenticated_network: false,
        shutdown_grace: Duration::from_secs(1),
        local_password: None,
    }));

    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let chat = || async {
        let before = upstream_keys(&mock).len();
        let response = http
            .post(format!("{base}/v1/chat/completions"))
            .bearer_auth(CLIENT_KEY)
            .json(&serde_json::json!({
                "model": CLAUDE_MODEL,
                "messages": [{"role": "user", "content": "hello"}],
            }))
            .send()
            .await;
        let Ok(response) = response else {
            return None;
        };
        let status = response.status();
        let _ = response.bytes().await;
        Some((status, upstream_keys(&mock)[before..].to_vec()))
    };
    let started = Instant::now();
    let mut limited = false;
    mock.script(ALPHA, ["fail-429-30"]);
    while !limited {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "server answers"
        );
        let Some((status, trace)) = chat().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        assert_eq!(status, StatusCode::OK, "{trace:?}");
        if trace.first().is_some_and(|k| k == ALPHA) {
            assert_eq!(trace, [ALPHA, BRAVO], "429 fails over");
            limited = true;
        }
    }

    let edited_at = Instant::now();
    write(&[ALPHA, BRAVO, CHARLIE]);
    let mut after = Vec::new();
    loop {
        let (status, trace) = chat().await.expect("server keeps serving");
        assert_eq!(status, StatusCode::OK, "{trace:?}");
        after.extend(trace.iter().cloned());
        if trace == [CHARLIE] {
            break;
        }
        assert!(
            edited_at.elapsed() < RELOAD_BUDGET,
            "the new key was not used within {RELOAD_BUDGET:?}: {after:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for _ in 0..4 {
        let (status, trace) = chat().await.expect("server keeps serving");
        assert_eq!(status, StatusCode::OK);
        after.extend(trace);
    }
    assert!(
        !after.iter().any(|k| k == ALPHA),
        "the 429 key stays skipped across the reload: {after:?}"
    );
}

#[tokio::test]
async fn config_file_edit_switching_to_fill_first_applies_without_restart() {
    let server = Watched::start(&keys(&[ALPHA, BRAVO])).await;
    let (_, first) = server.chat(CLAUDE_MODEL).await;
    let (_, second) = server.chat(CLAUDE_MODEL).await;
    assert_ne!(first, second, "round-robin alternates before the edit");

    let edited_at = Instant::now();
    server.edit_with(&keys(&[ALPHA, BRAVO]), "routing:\n  strategy: fill-first\n");
    let sticky = server.poll_until_sticky(4, edited_at).await;
    for _ in 0..4 {
        let (status, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(trace, [sticky.as_str()], "fill-first keeps to one key");
    }
}

#[tokio::test]
async fn config_file_edit_removing_key_stops_using_it() {
    let server = Watched::start(&keys(&[ALPHA, BRAVO])).await;

    let edited_at = Instant::now();
    server.edit(&keys(&[ALPHA]));
    let sticky = server.poll_until_sticky(4, edited_at).await;
    assert_eq!(sticky, ALPHA, "only the remaining key serves");
    for _ in 0..4 {
        let (status, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(trace, [ALPHA], "the removed key is never used again");
    }
}

#[tokio::test]
async fn config_file_edit_of_unauthorized_key_reenables_it() {
    let server = Watched::start(&keys(&[ALPHA, BRAVO])).await;
    server.mock.script(ALPHA, ["fail-401"]);
    let mut disabled = false;
    for _ in 0..3 {
        let (status, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "{trace:?}");
        if trace.first().is_some_and(|k| k == ALPHA) {
            assert_eq!(trace, [ALPHA, BRAVO], "401 fails over");
            disabled = true;
            break;
        }
    }
    assert!(disabled, "round-robin reached the key");
    for _ in 0..3 {
        let (_, trace) = server.chat(CLAUDE_MODEL).await;
        assert_eq!(trace, [BRAVO], "the 401 key is disabled");
    }

    let edited_at = Instant::now();
    server.edit(&[
        Key::new(ALPHA).with("    headers:\n      X-Rotated: \"1\"\n"),
        Key::new(BRAVO),
    ]);
    server
        .poll_until(CLAUDE_MODEL, edited_at, |status, trace| {
            assert_eq!(status, StatusCode::OK);
            trace == [ALPHA]
        })
        .await;
}
