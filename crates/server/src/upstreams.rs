//! The upstream side of the server: the credential pool, the credentials' transport
//! details and the executors, kept in step with the config.
//!
//! The pool (`cpa_router::pool::Pool`) lives as long as the process so that cooldowns and
//! disabled states survive reloads; on every new config snapshot it is reloaded with the
//! new credential set (unchanged credential ids keep their health). The executor registry
//! is rebuilt only when the global `proxy-url` changes.
//!
//! Must not: choose credentials or retry (that is `cpa_router` driven by `pipeline`).

mod auth_files;
mod credentials;

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use cpa_providers::{Credential, HttpClients, HttpSettings, Registry};
use cpa_router::CredentialId;
use cpa_router::pool::Pool;
use parking_lot::Mutex;

pub use credentials::{CredentialTable, build_credentials};

/// Credentials, pool and executors for the current config.
pub struct Upstreams {
    pool: Arc<Pool>,
    credentials: ArcSwap<HashMap<CredentialId, Credential>>,
    registry: ArcSwap<Registry>,
    proxy_url: Mutex<String>,
}

impl std::fmt::Debug for Upstreams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstreams").finish_non_exhaustive()
    }
}

impl Upstreams {
    /// Builds everything from a config snapshot.
    pub fn new(config: &cpa_config::Config) -> Self {
        let table = build_credentials(config);
        let proxy_url = global_proxy(config);
        Self {
            pool: Arc::new(Pool::new(table.set)),
            credentials: ArcSwap::from_pointee(table.credentials),
            registry: ArcSwap::from_pointee(build_registry(&proxy_url)),
            proxy_url: Mutex::new(proxy_url),
        }
    }

    /// Applies a new config snapshot, keeping the health of unchanged credentials.
    pub fn reload(&self, config: &cpa_config::Config) {
        let table = build_credentials(config);
        self.credentials.store(Arc::new(table.credentials));
        self.pool.reload(table.set);
        let proxy_url = global_proxy(config);
        let mut current = self.proxy_url.lock();
        if *current != proxy_url {
            self.registry.store(Arc::new(build_registry(&proxy_url)));
            *current = proxy_url;
        }
    }

    /// The credential pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The credential pool, shared (the management API reads its statuses).
    pub fn shared_pool(&self) -> Arc<Pool> {
        Arc::clone(&self.pool)
    }

    /// Transport details of every credential, by id.
    pub fn credentials(&self) -> Arc<HashMap<CredentialId, Credential>> {
        self.credentials.load_full()
    }

    /// The executor table.
    pub fn registry(&self) -> Arc<Registry> {
        self.registry.load_full()
    }
}

fn global_proxy(config: &cpa_config::Config) -> String {
    match &config.proxy_url {
        Some(cpa_config::resolved::ProxyUrl::Url(url)) => url.clone(),
        Some(cpa_config::resolved::ProxyUrl::Direct) => "direct".to_owned(),
        None => String::new(),
    }
}

fn build_registry(proxy_url: &str) -> Registry {
    let clients = HttpClients::new(HttpSettings::default(), proxy_url).unwrap_or_else(|err| {
        tracing::warn!(%err, "global proxy-url is unusable; connecting directly");
        HttpClients::direct_default()
    });
    Registry::new(Arc::new(clients))
}
