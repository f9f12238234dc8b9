//! Test harness: builds the real application from a YAML config and serves it on
//! `127.0.0.1:0`.

#![allow(
    dead_code,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support code"
)]

use std::net::SocketAddr;
use std::sync::Arc;

use cpa_server::shutdown::Shutdown;
use cpa_server::state::{AppState, Runtime};

/// A running in-process server.
pub struct Harness {
    pub base: String,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    _task: tokio::task::JoinHandle<()>,
}

impl Harness {
    /// Loads `yaml` as the config file and serves the app.
    pub async fn start(yaml: &str) -> Self {
        Self::start_with_logger(yaml, |_| None).await
    }

    /// Like [`Harness::start`], with the request logger `logger` builds from the
    /// harness directory (`None`: no request logging).
    pub async fn start_with_logger(
        yaml: &str,
        logger: impl FnOnce(&std::path::Path) -> Option<cpa_usage::RequestLogger>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.yaml");
        std::fs::write(&path, yaml).expect("write config");
        let loaded = cpa_config::load(&path).expect("config loads");
        let state = AppState::with_usage(
            Runtime::build(Arc::new(loaded.config)),
            Shutdown::new(),
            None,
            cpa_usage::UsageSink::discard(),
            None,
            logger(dir.path()),
        );
        let app = cpa_server::app::build(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        Self {
            base: format!("http://{addr}"),
            state,
            dir,
            _task: task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}
