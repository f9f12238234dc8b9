//! Start-up and shutdown of the proxy server.
//!
//! Order: write the example config if the file is missing → load and validate it (fatal on
//! error, naming the key) → install logging → refuse an unauthenticated network exposure →
//! build the state → start the watcher, the log cleaner and the signal listener → bind (TLS
//! when `tls.enable`) → serve until shutdown, giving in-flight requests and streams a bounded
//! grace period.
//!
//! Must not: handle requests itself; that is `app`.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;

use crate::app;
use crate::exposure::{self, OpenToNetwork};
use crate::keep_alive::KeepAlive;
use crate::logging::{LogSettings, Logging};
use crate::reload;
use crate::shutdown::Shutdown;
use crate::state::{AppState, Runtime};

/// What the command line decides about the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The YAML config file (`--config`).
    pub config_path: PathBuf,
    /// `--allow-unauthenticated-network`.
    pub allow_unauthenticated_network: bool,
    /// How long in-flight requests may take to finish after a shutdown signal.
    pub shutdown_grace: Duration,
    /// `--password`: enables `GET /keep-alive`.
    pub local_password: Option<String>,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The config file is missing, unreadable or invalid.
    #[error("{0}")]
    Config(#[from] cpa_config::ConfigError),
    /// Serving without client keys beyond loopback was not allowed.
    #[error("{0}")]
    Exposure(#[from] OpenToNetwork),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TLS certificate or key could not be loaded.
    #[error("failed to start HTTPS server: {0}")]
    Tls(String),
    /// The usage statistics service could not start.
    #[error("usage statistics: {0}")]
    Usage(String),
    /// The server failed while running.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Runs the proxy until SIGINT/SIGTERM (or the keep-alive watchdog) stops it.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    let wrote_example = cpa_config::write_example_if_missing(&options.config_path)?;
    let (config_handle, warnings) = cpa_config::ConfigHandle::load(
        options.config_path.clone(),
        cpa_config::LoadOptions::from_process(),
    )?;
    let config = config_handle.current();
    let logging = Logging::install(&log_settings(&config));
    if wrote_example {
        tracing::info!(path = %options.config_path.display(), "config file was missing; wrote the commented example there");
    }
    for warning in &warnings {
        tracing::warn!("config: {warning}");
    }
    exposure::check(
        &config.host,
        !config.api_keys.is_empty(),
        options.allow_unauthenticated_network,
    )?;

    let shutdown = Shutdown::new();
    let keep_alive = options.local_password.as_deref().map(KeepAlive::new);
    let usage = start_usage(&config).await?;
    let request_logger = cpa_usage::RequestLogger::start(cpa_usage::RequestLogSettings {
        is_enabled: config.request_log,
        error_logs_max_files: usize::try_from(config.error_logs_max_files).unwrap_or(10),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        ..cpa_usage::RequestLogSettings::new(config.paths.logs_dir.clone())
    });
    let state = AppState::with_usage(
        Runtime::build(config.clone()),
        shutdown.clone(),
        keep_alive.clone(),
        usage.sink().clone(),
        Some(usage.handle().clone()),
        Some(request_logger.clone()),
    );

    tokio::spawn(shutdown.clone().listen_for_signals());
    tokio::spawn(logging.clone().run_cleaner(shutdown.clone()));
    if let Some(watchdog) = keep_alive {
        tokio::spawn(watchdog.watch(shutdown.clone()));
    }
    let _watch_guard = reload::spawn(
        config_handle.clone(),
        state.clone(),
        logging,
        options.allow_unauthenticated_network,
    )?;

    let listener = bind(&config.host, config.port)?;
    let local = listener.local_addr()?;
    let handle = axum_server::Handle::new();
    {
        let handle = handle.clone();
        let shutdown = shutdown.clone();
        let grace = options.shutdown_grace;
        tokio::spawn(async move {
            shutdown.wait().await;
            handle.graceful_shutdown(Some(grace));
        });
    }
    let management = management_router(&options, &config_handle, &state, &usage, &request_logger);
    let service = app::build_with_management(state, Some(management))
        .into_make_service_with_connect_info::<SocketAddr>();
    if config.tls.enable {
        let tls = tls_config(&config).await?;
        tracing::info!("cli-proxy-api listening on https://{local}");
        // Small SSE frames must not wait for Nagle's algorithm.
        axum_server::from_tcp(listener)
            .acceptor(
                axum_server::tls_rustls::RustlsAcceptor::new(tls)
                    .acceptor(axum_server::accept::NoDelayAcceptor::new()),
            )
            .handle(handle)
            .serve(service)
            .await?;
    } else {
        tracing::info!("cli-proxy-api listening on http://{local}");
        axum_server::from_tcp(listener)
            .acceptor(axum_server::accept::NoDelayAcceptor::new())
            .handle(handle)
            .serve(service)
            .await?;
    }
    usage.shutdown().await;
    tracing::info!("server stopped");
    Ok(())
}

/// The Management API, writing through the same config handle the watcher reloads, so a
/// saved change is live before the response and the watcher then skips the file.
fn management_router(
    options: &ServeOptions,
    handle: &std::sync::Arc<cpa_config::ConfigHandle>,
    state: &AppState,
    usage: &cpa_usage::UsageService,
    request_logger: &cpa_usage::RequestLogger,
) -> axum::Router {
    let (read, write) = (handle.clone(), handle.clone());
    let config = handle.current();
    let context = cpa_management::ManagementContext::new(
        options.config_path.clone(),
        move || read.snapshot(),
        move |loaded| {
            write.store(loaded);
        },
    )
    .with_env(handle.options().env.clone())
    .with_usage(usage.handle().clone())
    .with_request_logger(request_logger.clone())
    .with_logs_dir(config.paths.logs_dir.clone())
    .with_build_info(cpa_management::BuildInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        commit: option_env!("CPA_BUILD_COMMIT").unwrap_or("none").to_owned(),
        date: option_env!("CPA_BUILD_DATE")
            .unwrap_or("unknown")
            .to_owned(),
    })
    .with_pool(state.upstreams().shared_pool());
    cpa_management::router(context)
}

/// Starts the usage statistics service, persisted under the auth directory; falls back to
/// memory-only statistics when that directory is unusable.
async fn start_usage(config: &cpa_config::Config) -> Result<cpa_usage::UsageService, ServeError> {
    let settings = cpa_usage::UsageConfig {
        statistics_enabled: config.usage_statistics_enabled,
        persist_dir: Some(config.auth_dir.clone()),
        ..cpa_usage::UsageConfig::default()
    };
    match cpa_usage::UsageService::start(settings).await {
        Ok(service) => Ok(service),
        Err(err) => {
            tracing::warn!(%err, dir = %config.auth_dir.display(), "usage statistics cannot be persisted; keeping them in memory only");
            let memory = cpa_usage::UsageConfig {
                statistics_enabled: config.usage_statistics_enabled,
                ..cpa_usage::UsageConfig::default()
            };
            cpa_usage::UsageService::start(memory)
                .await
                .map_err(|err| ServeError::Usage(err.to_string()))
        }
    }
}

/// The logging knobs of a config snapshot.
pub(crate) fn log_settings(config: &cpa_config::Config) -> LogSettings {
    LogSettings {
        debug: config.debug,
        to_file: config.logging_to_file,
        dir: config.paths.logs_dir.clone(),
        max_total_mb: config.logs_max_total_size_mb,
    }
}

/// Binds `host:port`; an empty host means every interface, IPv6 and IPv4 when available.
fn bind(host: &str, port: u16) -> Result<TcpListener, ServeError> {
    let host = host.trim();
    let candidates: Vec<String> = if host.is_empty() {
        vec![format!("[::]:{port}"), format!("0.0.0.0:{port}")]
    } else if host.contains(':') && !host.starts_with('[') {
        vec![format!("[{host}]:{port}")]
    } else {
        vec![format!("{host}:{port}")]
    };
    let mut last_error = None;
    for addr in &candidates {
        match TcpListener::bind(addr.as_str()) {
            Ok(listener) => {
                listener.set_nonblocking(true)?;
                return Ok(listener);
            }
            Err(source) => last_error = Some((addr.clone(), source)),
        }
    }
    let (addr, source) = last_error.unwrap_or_else(|| {
        (
            format!("{host}:{port}"),
            std::io::Error::other("no address to bind"),
        )
    });
    Err(ServeError::Bind { addr, source })
}

async fn tls_config(
    config: &cpa_config::Config,
) -> Result<axum_server::tls_rustls::RustlsConfig, ServeError> {
    // Several crates may race to install a provider; the first one wins and that is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(&config.tls.cert, &config.tls.key)
        .await
        .map_err(|err| {
            ServeError::Tls(format!(
                "cannot load tls.cert {} / tls.key {}: {err}",
                config.tls.cert.display(),
                config.tls.key.display()
            ))
        })
}
