//! Graceful shutdown: one signal shared by the listener, the watchers and the keep-alive
//! watchdog.
//!
//! On SIGINT/SIGTERM (or when something calls [`Shutdown::trigger`]) the listener stops
//! accepting, in-flight requests and streams get a bounded grace period to finish, then the
//! process exits.
//!
//! Must not: exit the process itself; `serve` decides when everything has drained.

use tokio::sync::watch;

/// A cloneable, idempotent shutdown trigger.
#[derive(Debug, Clone)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A new, untriggered signal.
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(false);
        Self { tx }
    }

    /// Asks everything to stop. Calling it again is harmless.
    pub fn trigger(&self, why: &str) {
        if !*self.tx.borrow() {
            tracing::info!(reason = why, "shutting down");
        }
        self.tx.send_replace(true);
    }

    /// True once triggered.
    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves when shutdown is triggered.
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        // An error means the sender is gone, which only happens at process end.
        let _ = rx.wait_for(|triggered| *triggered).await;
    }

    /// Triggers on SIGINT or SIGTERM. Runs until one arrives.
    pub async fn listen_for_signals(self) {
        let ctrl_c = async {
            if let Err(err) = tokio::signal::ctrl_c().await {
                tracing::warn!(%err, "cannot listen for ctrl-c");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(err) => {
                    tracing::warn!(%err, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => self.trigger("SIGINT"),
            () = term => self.trigger("SIGTERM"),
            () = self.wait() => {}
        }
    }
}
