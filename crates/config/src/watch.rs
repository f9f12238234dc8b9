//! Hot reload: watches the config file and the auth directory.
//!
//! * The config file's **parent directory** is watched (non-recursively) and events
//!   are filtered by file name, so editors that save by renaming a temp file over
//!   the original keep working (upstream watched the inode and lost the watch).
//! * `auth-dir` is watched non-recursively; only `*.json` names count. It is created
//!   (mode 0755) when missing, as the original does at service start.
//! * Events are debounced (150 ms after the last one). A config reload reads the
//!   file, ignores empty content, skips content whose SHA-256 equals the live
//!   config's, then loads and validates; on failure the old config keeps serving
//!   and a [`ConfigEvent::ReloadFailed`] is sent; on success the snapshot is swapped.
//! * When a reload changes `auth-dir`, the watch moves to the new directory.
//!
//! Timers use `tokio::time`, so tests may pause the clock.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::{
    sync::mpsc,
    task::JoinHandle,
    time::{Instant, sleep_until},
};

use crate::{
    ConfigError,
    handle::{ConfigEvent, ConfigHandle},
    load::sha256,
};

/// Quiet time after the last file event before we act.
pub const DEBOUNCE: Duration = Duration::from_millis(150);

/// A second remove event for the same auth file within this window is ignored.
const REMOVE_DEDUP: Duration = Duration::from_secs(1);

/// Stops watching when dropped.
#[derive(Debug)]
pub struct WatchGuard {
    task: JoinHandle<()>,
}

impl WatchGuard {
    /// Stops the watcher now.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts watching `handle`'s file and auth directory on the current tokio runtime.
pub fn watch(handle: Arc<ConfigHandle>) -> Result<WatchGuard, ConfigError> {
    let (tx, rx) = mpsc::unbounded_channel();
    let watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // The receiver is gone only when the task ended; nothing to do then.
        let _ = tx.send(res);
    })
    .map_err(|e| watch_error(handle.path(), e))?;
    let mut state = State {
        file_name: handle.path().file_name().map(|n| n.to_os_string()),
        config_dir: crate::paths::Paths::resolve(handle.path(), &Default::default()).config_dir,
        auth_dir: None,
        watcher,
        auth_hashes: BTreeMap::new(),
        recent_removes: BTreeMap::new(),
        handle,
    };
    state
        .watcher
        .watch(&state.config_dir, RecursiveMode::NonRecursive)
        .map_err(|e| watch_error(&state.config_dir, e))?;
    let auth_dir = state.handle.current().auth_dir.clone();
    state.watch_auth_dir(auth_dir);
    let task = tokio::spawn(state.run(rx));
    Ok(WatchGuard { task })
}

fn watch_error(path: &Path, err: notify::Error) -> ConfigError {
    ConfigError::Read {
        file: path.to_path_buf(),
        source: std::io::Error::other(format!("cannot watch: {err}")),
    }
}

struct State {
    handle: Arc<ConfigHandle>,
    watcher: RecommendedWatcher,
    file_name: Option<std::ffi::OsString>,
    config_dir: PathBuf,
    auth_dir: Option<PathBuf>,
    /// Last seen content hash per auth file (known files).
    auth_hashes: BTreeMap<PathBuf, [u8; 32]>,
    recent_removes: BTreeMap<PathBuf, Instant>,
}

impl State {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<notify::Result<notify::Event>>) {
        let mut config_due: Option<Instant> = None;
        let mut auth_due: Option<Instant> = None;
        let mut auth_pending: BTreeSet<PathBuf> = BTreeSet::new();
        loop {
            let next = [config_due, auth_due].into_iter().flatten().min();
            tokio::select! {
                event = rx.recv() => {
                    let Some(event) = event else { return };
                    let event = match event {
                        Ok(event) => event,
                        Err(err) => {
                            tracing::warn!(error = %err, "config watcher error");
                            continue;
                        }
                    };
                    if !is_relevant_kind(&event.kind) {
                        continue;
                    }
                    for path in &event.paths {
                        if self.is_config_file(path) {
                            config_due = Some(Instant::now() + DEBOUNCE);
                        } else if self.is_auth_file(path) {
                            auth_pending.insert(path.clone());
                            auth_due = Some(Instant::now() + DEBOUNCE);
                        }
                    }
                }
                () = sleep_until(next.unwrap_or_else(Instant::now)), if next.is_some() => {
                    let now = Instant::now();
                    if config_due.is_some_and(|t| t <= now) {
                        config_due = None;
                        self.reload_config().await;
                    }
                    if auth_due.is_some_and(|t| t <= now) {
                        auth_due = None;
                        for path in std::mem::take(&mut auth_pending) {
                            self.auth_file_event(&path, now);
                        }
                    }
                }
            }
        }
    }

    fn is_config_file(&self, path: &Path) -> bool {
        path.file_name() == self.file_name.as_deref()
            && path
                .parent()
                .is_some_and(|dir| same_dir(dir, &self.config_dir))
    }

    fn is_auth_file(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "json")
            && self
                .auth_dir
                .as_deref()
                .zip(path.parent())
                .is_some_and(|(auth, dir)| same_dir(dir, auth))
    }

    async fn reload_config(&mut self) {
        let before = self.handle.current();
        // Reading, parsing and possibly bcrypt-hashing block; keep them off the
        // async workers.
        let handle = self.handle.clone();
        let result = tokio::task::spawn_blocking(move || handle.reload())
            .await
            .unwrap_or_else(|join| {
                Err(ConfigError::Read {
                    file: self.handle.path().to_path_buf(),
                    source: std::io::Error::other(format!("reload task failed: {join}")),
                })
            });
        match result {
            Ok(None) => {}
            Ok(Some(config)) => {
                tracing::info!(file = %self.handle.path().display(), "config reloaded");
                if config.auth_dir != before.auth_dir {
                    self.watch_auth_dir(config.auth_dir.clone());
                }
            }
            Err(err) => {
                tracing::warn!(file = %self.handle.path().display(), error = %err,
                    "config reload rejected, keeping the previous config");
                self.handle.emit(ConfigEvent::ReloadFailed {
                    error: err.to_string(),
                });
            }
        }
    }

    fn watch_auth_dir(&mut self, dir: PathBuf) {
        if let Some(old) = self.auth_dir.take() {
            let _ = self.watcher.unwatch(&old);
        }
        self.auth_hashes.clear();
        if dir.as_os_str().is_empty() {
            return;
        }
        if let Err(err) = self.handle.current().ensure_auth_dir() {
            tracing::warn!(dir = %dir.display(), error = %err, "cannot create auth-dir");
        }
        // Remember current files so identical rewrites are not reported as changes.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "json")
                    && let Ok(bytes) = std::fs::read(&path)
                {
                    self.auth_hashes.insert(path, sha256(&bytes));
                }
            }
        }
        match self.watcher.watch(&dir, RecursiveMode::NonRecursive) {
            Ok(()) => self.auth_dir = Some(dir),
            Err(err) => tracing::warn!(dir = %dir.display(), error = %err,
                "cannot watch auth-dir; credential files are read at start only"),
        }
    }

    fn auth_file_event(&mut self, path: &Path, now: Instant) {
        match std::fs::read(path) {
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => {
                let hash = sha256(&bytes);
                if self.auth_hashes.get(path) != Some(&hash) {
                    self.auth_hashes.insert(path.to_path_buf(), hash);
                    self.handle
                        .emit(ConfigEvent::AuthFileChanged(path.to_path_buf()));
                }
            }
            Err(_) => {
                let is_repeat = self
                    .recent_removes
                    .get(path)
                    .is_some_and(|t| now.duration_since(*t) < REMOVE_DEDUP);
                self.recent_removes
                    .retain(|_, t| now.duration_since(*t) < REMOVE_DEDUP);
                if self.auth_hashes.remove(path).is_some() && !is_repeat {
                    self.recent_removes.insert(path.to_path_buf(), now);
                    self.handle
                        .emit(ConfigEvent::AuthFileRemoved(path.to_path_buf()));
                }
            }
        }
    }
}

fn is_relevant_kind(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}

/// Directory equality that tolerates `.` vs absolute spellings.
fn same_dir(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
