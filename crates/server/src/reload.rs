//! Applying a new config snapshot to the running server.
//!
//! The config watcher (`cpa_config::watch`) validates a changed file and hands over a new
//! `Config`; here the server decides whether it may serve it (the exposure rule against the
//! listen address it actually bound at start) and then swaps the runtime and applies the
//! live logging settings. A refused snapshot leaves the old runtime serving.
//!
//! Must not: re-bind the listener or touch restart-only keys (`host`, `port`, `tls`).

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
    tracing::debug!("runtime rebuilt from the new config");
    Ok(())
}

/// Starts the file watcher and applies every snapshot the config handle publishes (file
/// reloads and management edits alike) through [`apply`]. Keep the guard alive.
pub fn spawn(
    handle: Arc<cpa_config::ConfigHandle>,
    state: AppState,
    logging: Logging,
    allow_open: bool,
) -> Result<cpa_config::WatchGuard, ServeError> {
    let guard = cpa_config::watch(handle.clone())?;
    let mut snapshots = handle.subscribe();
    let mut events = handle.events();
    let shutdown = state.shutdown().clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let config = snapshots.borrow_and_update().clone();
                    let _ = apply(&state, &logging, config, allow_open);
                }
                event = events.recv() => match event {
                    Ok(cpa_config::ConfigEvent::ReloadFailed { error }) => {
                        tracing::warn!(%error, "config reload failed; the previous config keeps serving");
                    }
                    Ok(cpa_config::ConfigEvent::AuthFileChanged(path) | cpa_config::ConfigEvent::AuthFileRemoved(path)) => {
                        tracing::info!(file = %path.display(), "auth file changed; reloading credentials");
                        state.upstreams().reload(&state.runtime().config);
                    }
                    _ => {}
                },
                () = shutdown.wait() => return,
            }
        }
    });
    Ok(guard)
}
