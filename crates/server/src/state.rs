//! Shared server state and the per-request snapshot.
//!
//! The server holds one [`Runtime`] behind an `ArcSwap`: the config snapshot plus everything
//! derived from it (client keys, …). A handler calls [`AppState::runtime`] once and uses that
//! snapshot from start to end, so a hot reload never changes the rules in the middle of a
//! request. Reloads build a whole new `Runtime` and swap it in.
//!
//! Must not: hold locks across awaits; everything here is read through atomic swaps.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::keep_alive::KeepAlive;
use crate::middleware::client_auth::ClientKeys;
use crate::shutdown::Shutdown;
use crate::upstreams::Upstreams;
use cpa_usage::{RequestLogger, UsageHandle, UsageSink};

/// Everything a request needs that is derived from one config snapshot.
#[derive(Debug)]
pub struct Runtime {
    /// The resolved config this runtime was built from.
    pub config: Arc<cpa_config::Config>,
    /// Accepted client keys (empty = authentication disabled).
    pub client_keys: ClientKeys,
}

/// Cheap-to-clone handle shared by every handler.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    runtime: ArcSwap<Runtime>,
    upstreams: Arc<Upstreams>,
    usage_sink: UsageSink,
    usage: Option<UsageHandle>,
    request_logger: Option<RequestLogger>,
    shutdown: Shutdown,
    keep_alive: Option<KeepAlive>,
}

// === impl Runtime ===

impl Runtime {
    /// Derives the runtime of a config snapshot.
    pub fn build(config: Arc<cpa_config::Config>) -> Self {
        let client_keys = ClientKeys::new(config.api_keys.iter().map(|k| k.expose().to_owned()));
        Self {
            config,
            client_keys,
        }
    }
}

// === impl AppState ===

impl AppState {
    /// Creates the state around a first runtime.
    pub fn new(runtime: Runtime, shutdown: Shutdown, keep_alive: Option<KeepAlive>) -> Self {
        Self::with_usage(
            runtime,
            shutdown,
            keep_alive,
            UsageSink::discard(),
            None,
            None,
        )
    }

    /// Creates the state with a usage sink and the statistics handle.
    pub fn with_usage(
        runtime: Runtime,
        shutdown: Shutdown,
        keep_alive: Option<KeepAlive>,
        usage_sink: UsageSink,
        usage: Option<UsageHandle>,
        request_logger: Option<RequestLogger>,
    ) -> Self {
        let upstreams = Arc::new(Upstreams::new(&runtime.config));
        Self {
            inner: Arc::new(Inner {
                runtime: ArcSwap::from_pointee(runtime),
                upstreams,
                usage_sink,
                usage,
                request_logger,
                shutdown,
                keep_alive,
            }),
        }
    }

    /// The current runtime snapshot; take it once per request.
    pub fn runtime(&self) -> Arc<Runtime> {
        self.inner.runtime.load_full()
    }

    /// Replaces the runtime after a successful reload and brings the credential pool in
    /// step (cooldowns of unchanged credentials survive).
    pub fn swap_runtime(&self, runtime: Runtime) {
        self.inner.upstreams.reload(&runtime.config);
        if let Some(usage) = &self.inner.usage {
            usage.set_statistics_enabled(runtime.config.usage_statistics_enabled);
        }
        if let Some(logger) = &self.inner.request_logger {
            logger.set_enabled(runtime.config.request_log);
            logger.set_error_logs_max_files(i64::from(runtime.config.error_logs_max_files));
        }
        self.inner.runtime.store(Arc::new(runtime));
    }

    /// Where attempts' usage events go.
    pub fn usage_sink(&self) -> &UsageSink {
        &self.inner.usage_sink
    }

    /// The statistics service, when it runs.
    pub fn usage(&self) -> Option<&UsageHandle> {
        self.inner.usage.as_ref()
    }

    /// The request-log writer, when request logging runs.
    pub fn request_logger(&self) -> Option<&RequestLogger> {
        self.inner.request_logger.as_ref()
    }

    /// Credentials, pool and executors.
    pub fn upstreams(&self) -> Arc<Upstreams> {
        Arc::clone(&self.inner.upstreams)
    }

    /// The process-wide shutdown signal.
    pub fn shutdown(&self) -> &Shutdown {
        &self.inner.shutdown
    }

    /// The local-password keep-alive watchdog, when `--password` was given.
    pub fn keep_alive(&self) -> Option<&KeepAlive> {
        self.inner.keep_alive.as_ref()
    }
}
