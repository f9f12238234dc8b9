//! Shared state of the management router: the context plus the write lock and the
//! guard's bookkeeping. Handlers receive it as `State<Shared>`.

use std::path::PathBuf;
use std::sync::Arc;

use cpa_config::Config;
use cpa_config::raw::RawConfig;

use crate::context::ManagementContext;
use crate::guard::GuardState;

/// Cheap-to-clone handle every handler gets.
#[derive(Clone)]
pub struct Shared {
    inner: Arc<Inner>,
}

struct Inner {
    ctx: ManagementContext,
    /// Serialises read-modify-write-save-apply so no management write is lost.
    write_lock: tokio::sync::Mutex<()>,
    guard: GuardState,
}

impl Shared {
    /// Wraps a context.
    pub fn new(ctx: ManagementContext) -> Self {
        Self {
            inner: Arc::new(Inner {
                ctx,
                write_lock: tokio::sync::Mutex::new(()),
                guard: GuardState::default(),
            }),
        }
    }

    /// The context the server gave us.
    pub fn ctx(&self) -> &ManagementContext {
        &self.inner.ctx
    }

    /// The guard's ban list and verification cache.
    pub fn guard(&self) -> &GuardState {
        &self.inner.guard
    }

    /// The write lock (see `store`).
    pub fn write_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.inner.write_lock
    }

    /// The running config and its raw form.
    pub fn snapshot(&self) -> (Arc<Config>, Arc<RawConfig>) {
        (self.inner.ctx.snapshot)()
    }

    /// The running resolved config.
    pub fn config(&self) -> Arc<Config> {
        self.snapshot().0
    }

    /// The running raw config.
    pub fn raw(&self) -> Arc<RawConfig> {
        self.snapshot().1
    }

    /// The logs directory: the context's, else the config's.
    pub fn logs_dir(&self) -> PathBuf {
        self.inner
            .ctx
            .logs_dir
            .clone()
            .unwrap_or_else(|| self.config().paths.logs_dir.clone())
    }

    /// `MANAGEMENT_PASSWORD`, from the context or the config's environment.
    pub fn env_password(&self, config: &Config) -> Option<String> {
        self.inner.ctx.env.management_password.clone().or_else(|| {
            config
                .remote_management
                .env_password
                .as_ref()
                .map(|p| p.expose().clone())
        })
    }
}
