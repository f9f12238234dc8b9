//! `GET /keep-alive`: the desktop-launcher watchdog of the original.
//!
//! Exists only when the process was started with `--password`. A launcher calls it with the
//! password; if no successful call arrives for [`IDLE_LIMIT`], the server shuts itself down.
//!
//! Must not: accept the management key in place of the local password.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use serde_json::json;
use tokio::time::Instant;

use crate::shutdown::Shutdown;
use crate::state::AppState;

/// How long the server waits for the next keep-alive call before shutting down.
pub const IDLE_LIMIT: Duration = Duration::from_secs(10);

/// The local password and the time of the last successful call.
#[derive(Debug, Clone)]
pub struct KeepAlive {
    password: Arc<str>,
    last_seen: Arc<Mutex<Instant>>,
}

impl KeepAlive {
    /// A watchdog for `password`, considered seen now.
    pub fn new(password: &str) -> Self {
        Self {
            password: Arc::from(password),
            last_seen: Arc::new(Mutex::new(Instant::now())),
        }
    }

    fn accepts(&self, headers: &HeaderMap) -> bool {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| match v.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
                _ => v.trim(),
            })
            .or_else(|| {
                headers
                    .get("x-local-password")
                    .and_then(|v| v.to_str().ok())
            });
        given.is_some_and(|g| constant_time_eq(g.as_bytes(), self.password.as_bytes()))
    }

    /// Runs until shutdown, triggering it when the launcher stops calling.
    pub async fn watch(self, shutdown: Shutdown) {
        loop {
            let deadline = *self.last_seen.lock() + IDLE_LIMIT;
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => {
                    if *self.last_seen.lock() + IDLE_LIMIT <= Instant::now() {
                        shutdown.trigger("no keep-alive call within 10s");
                        return;
                    }
                }
                () = shutdown.wait() => return,
            }
        }
    }
}

/// Handler for `GET /keep-alive`.
pub async fn keep_alive(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(watchdog) = state.keep_alive() else {
        return (StatusCode::NOT_FOUND, "404 page not found").into_response();
    };
    if !watchdog.accepts(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid password"})),
        )
            .into_response();
    }
    *watchdog.last_seen.lock() = Instant::now();
    axum::Json(json!({"status": "ok"})).into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
