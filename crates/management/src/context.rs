//! What the server hands to the management API: [`ManagementContext`].
//!
//! The management API does not own the running configuration. It reads the current
//! snapshot through a closure, writes the file itself, and hands every successfully
//! saved configuration to the server's `apply` callback, which swaps it in. A minimal
//! server needs three things (path, snapshot reader, apply callback); everything else
//! is optional and added with `with_*` builder methods.
//!
//! [`LiveConfig`] is a ready-made holder (a lock around the current `Config` and
//! `RawConfig`) for servers and tests that have nothing better.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cpa_config::raw::RawConfig;
use cpa_config::save::SaveOptions;
use cpa_config::{Config, ConfigHandle, Env, Loaded};
use cpa_router::pool::Pool;
use cpa_usage::{RequestLogger, UsageHandle};
use parking_lot::RwLock;

/// Reads the running configuration: the resolved snapshot and the raw config it was
/// built from (what the file holds).
pub type SnapshotFn = Arc<dyn Fn() -> (Arc<Config>, Arc<RawConfig>) + Send + Sync>;

/// Swaps the running configuration after a successful save.
pub type ApplyFn = Arc<dyn Fn(Loaded) + Send + Sync>;

/// Default cap of an uploaded auth file.
pub const DEFAULT_MAX_AUTH_FILE_BYTES: usize = 1024 * 1024;

/// Build information sent as `X-CPA-VERSION`, `X-CPA-COMMIT`, `X-CPA-BUILD-DATE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfo {
    /// Version (default `dev`).
    pub version: String,
    /// Commit (default `none`).
    pub commit: String,
    /// Build date (default `unknown`).
    pub date: String,
}

impl Default for BuildInfo {
    fn default() -> Self {
        Self {
            version: "dev".to_owned(),
            commit: "none".to_owned(),
            date: "unknown".to_owned(),
        }
    }
}

/// Everything the management API needs from the server. Cheap to clone.
///
/// ```no_run
/// # fn demo(loaded: cpa_config::Loaded) {
/// use cpa_management::{LiveConfig, ManagementContext};
/// let live = LiveConfig::new(loaded);
/// let (read, write) = (live.clone(), live.clone());
/// let ctx = ManagementContext::new(
///     "/etc/cpa/config.yaml",
///     move || read.snapshot(),
///     move |loaded| write.store(loaded),
/// );
/// let app = axum::Router::new().nest("/v0/management", cpa_management::router(ctx));
/// # let _ = app;
/// # }
/// ```
#[derive(Clone)]
pub struct ManagementContext {
    pub(crate) config_path: PathBuf,
    pub(crate) snapshot: SnapshotFn,
    pub(crate) apply: ApplyFn,
    pub(crate) env: Env,
    pub(crate) usage: Option<UsageHandle>,
    pub(crate) request_logger: Option<RequestLogger>,
    pub(crate) logs_dir: Option<PathBuf>,
    pub(crate) build: BuildInfo,
    pub(crate) trusted_proxies: Vec<IpAddr>,
    pub(crate) pool: Option<Arc<Pool>>,
    pub(crate) save: SaveOptions,
    pub(crate) max_auth_file_bytes: usize,
}

impl std::fmt::Debug for ManagementContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagementContext")
            .field("config_path", &self.config_path)
            .field("build", &self.build)
            .field("trusted_proxies", &self.trusted_proxies)
            .finish_non_exhaustive()
    }
}

impl ManagementContext {
    /// A context for the config file at `config_path`. `snapshot` returns the running
    /// config; `apply` receives every config the API saved and must make it live before
    /// returning (the next GET reads it through `snapshot`).
    pub fn new(
        config_path: impl Into<PathBuf>,
        snapshot: impl Fn() -> (Arc<Config>, Arc<RawConfig>) + Send + Sync + 'static,
        apply: impl Fn(Loaded) + Send + Sync + 'static,
    ) -> Self {
        Self {
            config_path: config_path.into(),
            snapshot: Arc::new(snapshot),
            apply: Arc::new(apply),
            env: Env::default(),
            usage: None,
            request_logger: None,
            logs_dir: None,
            build: BuildInfo::default(),
            trusted_proxies: Vec::new(),
            pool: None,
            save: SaveOptions::default(),
            max_auth_file_bytes: DEFAULT_MAX_AUTH_FILE_BYTES,
        }
    }

    /// A context over a [`ConfigHandle`]: snapshots come from the handle, and every
    /// saved config is made live with [`ConfigHandle::store`] (its content hash is
    /// that of the saved bytes, so the watcher skips the file), keeping the handle
    /// the single owner of the running config; its subscribers
    /// ([`cpa_config::ConfigEvent::Reloaded`]) see management edits like any other
    /// reload. The handle's environment and save options are used.
    pub fn from_handle(handle: Arc<ConfigHandle>) -> Self {
        let (read, write) = (handle.clone(), handle.clone());
        Self::new(
            handle.path().to_path_buf(),
            move || read.snapshot(),
            move |saved: Loaded| {
                write.store(saved);
            },
        )
        .with_env(handle.options().env.clone())
        .with_save_options(handle.options().save.clone())
    }

    /// The environment used to validate configs the API writes (the same one the
    /// server loaded with: `MANAGEMENT_PASSWORD`, `WRITABLE_PATH`, home directory).
    /// A password set earlier with [`Self::with_management_password`] is kept
    /// when `env` has none.
    pub fn with_env(mut self, env: Env) -> Self {
        let password = self.env.management_password.take();
        self.env = env;
        if self.env.management_password.is_none() {
            self.env.management_password = password;
        }
        self
    }

    /// `MANAGEMENT_PASSWORD`: an extra accepted key that forces remote access on and
    /// enables the routes without a config secret. Never persisted. Blank ⇒ none.
    pub fn with_management_password(mut self, password: Option<String>) -> Self {
        self.env.management_password = password
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty());
        self
    }

    /// The usage aggregator (`/usage*`, `/api-key-usage`, auth-file counters).
    pub fn with_usage(mut self, usage: UsageHandle) -> Self {
        self.usage = Some(usage);
        self
    }

    /// The request logger, updated live when `request-log` or `error-logs-max-files`
    /// change.
    pub fn with_request_logger(mut self, logger: RequestLogger) -> Self {
        self.request_logger = Some(logger);
        self
    }

    /// The logs directory (`main.log`, request and error logs). Default: the
    /// running config's `paths.logs_dir`.
    pub fn with_logs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.logs_dir = Some(dir.into());
        self
    }

    /// Build information for the `X-CPA-*` headers.
    pub fn with_build_info(mut self, build: BuildInfo) -> Self {
        self.build = build;
        self
    }

    /// Peers whose `X-Forwarded-For` / `X-Real-IP` are believed. Default: none, so
    /// the client address is always the TCP peer.
    pub fn with_trusted_proxies(mut self, proxies: Vec<IpAddr>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// The credential pool, for live status and models in `/auth-files*`.
    pub fn with_pool(mut self, pool: Arc<Pool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// How config saves reach the disk (tests inject failures through the hook).
    pub fn with_save_options(mut self, save: SaveOptions) -> Self {
        self.save = save;
        self
    }

    /// Size cap of an uploaded auth file. Default 1 MiB.
    pub fn with_max_auth_file_bytes(mut self, bytes: usize) -> Self {
        self.max_auth_file_bytes = bytes;
        self
    }

    /// The config file path.
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }
}

/// A simple holder of the running configuration, usable as the snapshot source and
/// apply target of a [`ManagementContext`].
#[derive(Clone)]
pub struct LiveConfig {
    inner: Arc<RwLock<(Arc<Config>, Arc<RawConfig>)>>,
}

impl LiveConfig {
    /// Holds the result of the initial load.
    pub fn new(loaded: Loaded) -> Self {
        Self {
            inner: Arc::new(RwLock::new((Arc::new(loaded.config), Arc::new(loaded.raw)))),
        }
    }

    /// The current config and raw config.
    pub fn snapshot(&self) -> (Arc<Config>, Arc<RawConfig>) {
        self.inner.read().clone()
    }

    /// The current resolved config.
    pub fn config(&self) -> Arc<Config> {
        self.inner.read().0.clone()
    }

    /// Replaces the held configuration.
    pub fn store(&self, loaded: Loaded) {
        *self.inner.write() = (Arc::new(loaded.config), Arc::new(loaded.raw));
    }
}
