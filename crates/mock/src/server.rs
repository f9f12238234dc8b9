//! Starting and stopping the mock: the in-process handle and the standalone server.
//!
//! [`MockUpstream::start`] binds `127.0.0.1:0` and serves in a background task until the
//! returned [`MockHandle`] is dropped. [`run_standalone`] is what
//! `cli-proxy-api mock-upstream --port N` calls: it prints one line with the address and
//! serves until Ctrl-C or SIGTERM. This module must not hold any per-format logic.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use serde_json::Value;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::oneshot;

use crate::faults::Scripts;
use crate::record::{RecordedRequest, Recorder};

/// State shared by every handler.
#[derive(Debug, Clone, Default)]
pub(crate) struct AppState {
    /// The request log.
    pub(crate) recorder: Arc<Recorder>,
    /// Scripted faults.
    pub(crate) scripts: Arc<Scripts>,
}

/// Entry point for starting a mock upstream inside a test or benchmark.
#[derive(Debug)]
pub struct MockUpstream;

/// A running in-process mock. Dropping it shuts the server down.
#[derive(Debug)]
pub struct MockHandle {
    addr: SocketAddr,
    base_url: String,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
}

impl MockUpstream {
    /// Starts a mock on `127.0.0.1` with an OS-chosen port.
    pub async fn start() -> io::Result<MockHandle> {
        Self::bind("127.0.0.1:0").await
    }

    /// Starts a mock on `addr`.
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<MockHandle> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = AppState::default();
        let app = crate::routes::app(state.clone());
        let listener = listener.tap_io(set_nodelay);
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            // The handle has no one to report a failure to once it is serving; the
            // test using it will see connection errors instead.
            let _ = serve.await;
        });
        Ok(MockHandle {
            addr,
            base_url: format!("http://{addr}"),
            state,
            shutdown: Some(shutdown),
        })
    }
}

impl MockHandle {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far (up to the last 10 000), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.recorder.all()
    }

    /// The recorded requests whose path contains `path_substring`.
    pub fn requests_for(&self, path_substring: &str) -> Vec<RecordedRequest> {
        let mut requests = self.requests();
        requests.retain(|r| r.path.contains(path_substring));
        requests
    }

    /// Forgets every recorded request and scripted fault.
    pub fn clear(&self) {
        self.state.recorder.clear();
        self.state.scripts.clear();
    }

    /// Scripts the next requests whose key or model contains `pattern`: each gets the
    /// next of `steps` (fault words such as `"fail-429-2"`, or `"ok"`).
    pub fn script<S: Into<String>>(&self, pattern: &str, steps: impl IntoIterator<Item = S>) {
        let steps = steps.into_iter().map(Into::into).collect();
        self.state.scripts.set(pattern.to_owned(), steps);
    }

    /// The JSON bodies of the requests whose path contains `path_substring`.
    pub fn bodies_for(&self, path_substring: &str) -> Vec<Value> {
        self.requests_for(path_substring)
            .into_iter()
            .map(|r| r.body)
            .collect()
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Serves the mock on `host:port` (port 0 = OS-chosen) until Ctrl-C or SIGTERM.
///
/// Prints exactly one line, `mock-upstream listening on http://<addr>`, to stdout once
/// the socket is bound, so a parent process can read the port from it.
pub async fn run_standalone(host: &str, port: u16) -> io::Result<()> {
    let listener = TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    {
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "mock-upstream listening on http://{addr}")?;
        stdout.flush()?;
    }
    let app = crate::routes::app(AppState::default());
    axum::serve(listener.tap_io(set_nodelay), app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Disables Nagle's algorithm: stream frames are small separate writes, and without
/// this the client's delayed ACK can stall each one for tens of milliseconds.
fn set_nodelay(tcp: &mut tokio::net::TcpStream) {
    // Best effort: a socket that refuses the option still works, only slower.
    let _ = tcp.set_nodelay(true);
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
