//! The live configuration: an atomically swappable snapshot plus change
//! notifications, and the single write path used by the management API.
//!
//! Invariants:
//! * a request calls [`ConfigHandle::current`] once and uses that `Arc<Config>`
//!   from start to end; a reload never changes a snapshot in use;
//! * a bad configuration never replaces a good one: every new config is fully
//!   loaded and validated first, then swapped;
//! * writes are serialised by one mutex and hit the disk before the swap, so memory
//!   never holds a config the file does not.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard},
};

use arc_swap::ArcSwap;
use tokio::sync::{broadcast, watch};

use crate::{
    Config, ConfigDocument, ConfigError, LoadOptions, Loaded, Warning,
    load::{load_str, sha256},
    raw::RawConfig,
    save::save_file,
};

/// Something the server, pool etc. may want to react to.
#[derive(Debug, Clone)]
pub enum ConfigEvent {
    /// A new configuration is live (file reload or management edit).
    Reloaded(Arc<Config>),
    /// The file changed but could not be loaded; the previous config stays.
    ReloadFailed {
        /// Why, as the loader said it (`port: abc …`).
        error: String,
    },
    /// A credential file in `auth-dir` was created or changed (content differs).
    AuthFileChanged(PathBuf),
    /// A known credential file in `auth-dir` was removed.
    AuthFileRemoved(PathBuf),
}

/// Capacity of the event channel; slow subscribers miss old events (and learn of
/// it through `RecvError::Lagged`) but can always read [`ConfigHandle::current`].
const EVENT_CAPACITY: usize = 64;

/// The live configuration. Cheap to share: wrap in `Arc`.
pub struct ConfigHandle {
    path: PathBuf,
    opts: LoadOptions,
    /// The resolved config and the raw config it came from, swapped together.
    live: ArcSwap<Live>,
    snapshots: watch::Sender<Arc<Config>>,
    events: broadcast::Sender<ConfigEvent>,
    /// SHA-256 of the file content that produced `current` (the watcher skips it).
    applied_hash: Mutex<[u8; 32]>,
    /// Serialises writers (management API) against each other and the watcher.
    write_lock: Mutex<()>,
}

impl std::fmt::Debug for ConfigHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigHandle")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ConfigHandle {
    /// Wraps a loaded configuration for `path`; `opts` are reused for reloads.
    pub fn new(loaded: Loaded, path: impl Into<PathBuf>, opts: LoadOptions) -> Arc<Self> {
        let config = Arc::new(loaded.config);
        let (snapshots, _) = watch::channel(config.clone());
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        Arc::new(Self {
            path: path.into(),
            opts,
            live: ArcSwap::from_pointee(Live {
                config,
                raw: Arc::new(loaded.raw),
            }),
            snapshots,
            events,
            applied_hash: Mutex::new(loaded.content_hash),
            write_lock: Mutex::new(()),
        })
    }

    /// Loads `path` (see [`crate::load_with`]) and wraps the result. Returns the
    /// load warnings for the caller to log.
    pub fn load(
        path: impl Into<PathBuf>,
        opts: LoadOptions,
    ) -> Result<(Arc<Self>, Vec<Warning>), ConfigError> {
        let path = path.into();
        let loaded = crate::load_with(&path, &opts)?;
        let warnings = loaded.warnings.clone();
        Ok((Self::new(loaded, path, opts), warnings))
    }

    /// The current snapshot. Take it once per request.
    pub fn current(&self) -> Arc<Config> {
        self.live.load().config.clone()
    }

    /// The raw configuration behind the current snapshot (management API reads).
    pub fn raw(&self) -> Arc<RawConfig> {
        self.live.load().raw.clone()
    }

    /// The resolved and raw configuration of the same moment.
    pub fn snapshot(&self) -> (Arc<Config>, Arc<RawConfig>) {
        let live = self.live.load();
        (live.config.clone(), live.raw.clone())
    }

    /// Makes a configuration that is already on disk live (for a writer other than
    /// [`ConfigHandle::update`], such as the management API saving through
    /// [`crate::ConfigDocument`] and [`crate::save::save_file`]). `loaded.content_hash`
    /// must be the hash of the saved bytes so the watcher does not reload them again.
    pub fn store(&self, loaded: Loaded) -> Arc<Config> {
        let _guard = lock(&self.write_lock);
        self.swap(loaded)
    }

    /// The config file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The load options used for reloads.
    pub fn options(&self) -> &LoadOptions {
        &self.opts
    }

    /// A receiver that always holds the latest snapshot (`changed().await` to wait).
    pub fn subscribe(&self) -> watch::Receiver<Arc<Config>> {
        self.snapshots.subscribe()
    }

    /// All events: reloads, failed reloads, auth-file changes.
    pub fn events(&self) -> broadcast::Receiver<ConfigEvent> {
        self.events.subscribe()
    }

    /// Edits the raw configuration and persists it: the closure changes the raw
    /// config read from the file as it is now; the result is merged into the file
    /// with minimal edits (comments and unknown keys kept, deletions stick),
    /// validated, written atomically, and only then made live. On any error nothing
    /// changes.
    ///
    /// Blocking (file I/O, maybe bcrypt): from async code call it inside
    /// `tokio::task::spawn_blocking`. The same holds for [`ConfigHandle::replace_text`]
    /// and [`ConfigHandle::reload`].
    pub fn update(&self, edit: impl FnOnce(&mut RawConfig)) -> Result<Arc<Config>, ConfigError> {
        let _guard = lock(&self.write_lock);
        let text = std::fs::read_to_string(&self.path).map_err(|source| ConfigError::Read {
            file: self.path.clone(),
            source,
        })?;
        // Edit what is on disk, not what is in memory: a hand edit the watcher has
        // not applied yet must not be reverted by a management save.
        let mut raw = load_str(&text, &self.path, &self.opts.env)?.raw;
        edit(&mut raw);
        let mut doc = ConfigDocument::parse(text)?;
        doc.sync_raw(&raw)?;
        self.commit_text(doc.text())
    }

    /// Replaces the whole file with `text` (`PUT /config.yaml`): validated first,
    /// an empty or blank body is refused, a plaintext secret is hashed.
    pub fn replace_text(&self, text: &str) -> Result<Arc<Config>, ConfigError> {
        if text.trim().is_empty() {
            return Err(ConfigError::Parse {
                path: ".".into(),
                problem: "empty document".into(),
            });
        }
        let _guard = lock(&self.write_lock);
        self.commit_text(text)
    }

    /// Re-reads the file now (what the watcher does after a change). Returns
    /// `Ok(None)` when the content is empty or unchanged.
    pub fn reload(&self) -> Result<Option<Arc<Config>>, ConfigError> {
        let _guard = lock(&self.write_lock);
        let bytes = std::fs::read(&self.path).map_err(|source| ConfigError::Read {
            file: self.path.clone(),
            source,
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) || sha256(&bytes) == *lock(&self.applied_hash)
        {
            return Ok(None);
        }
        let loaded = crate::load_with(&self.path, &self.opts)?;
        for warning in &loaded.warnings {
            tracing::warn!(key = %warning.path, "config: {}", warning.message);
        }
        Ok(Some(self.swap(loaded)))
    }

    pub(crate) fn emit(&self, event: ConfigEvent) {
        // No subscribers is fine.
        let _ = self.events.send(event);
    }

    /// Validates `text`, hashes a plaintext secret into it, saves, swaps.
    fn commit_text(&self, text: &str) -> Result<Arc<Config>, ConfigError> {
        let loaded = load_str(text, &self.path, &self.opts.env)?;
        let mut final_text = text.to_owned();
        let hashed = loaded
            .raw
            .remote_management
            .as_ref()
            .and_then(|r| r.secret_key.clone());
        let mut doc = ConfigDocument::parse(text)?;
        let on_disk = doc
            .get(&["remote-management", "secret-key"])
            .and_then(|v| v.as_str().map(str::to_owned));
        if let Some(hash) = hashed.filter(|h| Some(h) != on_disk.as_ref()) {
            doc.set_str(&["remote-management", "secret-key"], &hash)?;
            final_text = doc.text().to_owned();
        }
        save_file(&self.path, final_text.as_bytes(), &self.opts.save)?;
        let mut loaded = load_str(&final_text, &self.path, &self.opts.env)?;
        loaded.content_hash = sha256(final_text.as_bytes());
        Ok(self.swap(loaded))
    }

    fn swap(&self, loaded: Loaded) -> Arc<Config> {
        let config = Arc::new(loaded.config);
        *lock(&self.applied_hash) = loaded.content_hash;
        self.live.store(Arc::new(Live {
            config: config.clone(),
            raw: Arc::new(loaded.raw),
        }));
        self.snapshots.send_replace(config.clone());
        self.emit(ConfigEvent::Reloaded(config.clone()));
        config
    }
}

/// One consistent pair of resolved and raw configuration.
struct Live {
    config: Arc<Config>,
    raw: Arc<RawConfig>,
}

/// Locks a mutex, ignoring poisoning (the data is a hash or `()`).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
