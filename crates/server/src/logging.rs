//! Application logging: structured `tracing` output to stdout or to a rotating file.
//!
//! * `debug` switches the level between `info` and `debug` live (a reload handle on the
//!   filter); `RUST_LOG`, when set, replaces the default filter entirely.
//! * `logging-to-file` sends the log to `<logs-dir>/main.log`, rotated at 10 MB into
//!   `main-<timestamp>.log`; switching it back to `false` returns to stdout, live.
//! * `logs-max-total-size-mb` > 0 runs a cleaner (at once, then every minute) that deletes
//!   the oldest `*.log` / `*.log.gz` files of the logs directory, never the active
//!   `main.log`, until the directory is under the limit.
//!
//! Must not: block a request on disk I/O for longer than one buffered line write.

mod cleaner;
mod rotating;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use parking_lot::Mutex;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::reload;
use tracing_subscriber::util::SubscriberInitExt;

pub use cleaner::remove_oldest_until_under;
pub use rotating::{MAIN_LOG, ROTATE_AT_BYTES, RotatingFile};

/// The logging knobs taken from the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// `debug`: log at debug level.
    pub debug: bool,
    /// `logging-to-file`: write to `<dir>/main.log` instead of stdout.
    pub to_file: bool,
    /// The logs directory.
    pub dir: PathBuf,
    /// `logs-max-total-size-mb`; 0 disables the cleaner.
    pub max_total_mb: u64,
}

/// Handle to the installed logger, used to apply new settings on reload.
#[derive(Clone)]
pub struct Logging {
    filter: Option<reload::Handle<EnvFilter, tracing_subscriber::Registry>>,
    file: Arc<ArcSwapOption<Mutex<RotatingFile>>>,
    current: Arc<Mutex<Option<LogSettings>>>,
    has_env_filter: bool,
}

/// Writer handed to the fmt layer: the rotating file when enabled, else stdout.
#[derive(Clone)]
struct SinkWriter {
    file: Arc<ArcSwapOption<Mutex<RotatingFile>>>,
}

// === impl Logging ===

impl Logging {
    /// Installs the global subscriber. Call once, before anything logs.
    pub fn install(settings: &LogSettings) -> Self {
        let env = std::env::var("RUST_LOG")
            .ok()
            .filter(|v| !v.trim().is_empty());
        let has_env_filter = env.is_some();
        let filter = match &env {
            Some(spec) => EnvFilter::new(spec),
            None => level_filter(settings.debug),
        };
        let (filter_layer, handle) = reload::Layer::new(filter);
        let file = Arc::new(ArcSwapOption::empty());
        let writer = SinkWriter { file: file.clone() };
        let fmt = tracing_subscriber::fmt::layer()
            .with_writer(writer)
            .with_ansi(false)
            .with_target(false);
        let installed = tracing_subscriber::registry()
            .with(filter_layer)
            .with(fmt)
            .try_init()
            .is_ok();
        let logging = Self {
            filter: installed.then_some(handle),
            file,
            current: Arc::new(Mutex::new(None)),
            has_env_filter,
        };
        logging.apply(settings);
        logging
    }

    /// Applies new settings; cheap when nothing changed.
    pub fn apply(&self, settings: &LogSettings) {
        let mut current = self.current.lock();
        if current.as_ref() == Some(settings) {
            return;
        }
        let previous = current.replace(settings.clone());
        drop(current);
        if !self.has_env_filter && previous.as_ref().map(|p| p.debug) != Some(settings.debug) {
            if let Some(Err(err)) = self
                .filter
                .as_ref()
                .map(|handle| handle.reload(level_filter(settings.debug)))
            {
                tracing::warn!(%err, "cannot change the log level");
            }
            if previous.is_some() {
                tracing::info!(debug = settings.debug, "log level changed");
            }
        }
        let file_changed = previous
            .as_ref()
            .is_none_or(|p| p.to_file != settings.to_file || p.dir != settings.dir);
        if file_changed {
            if settings.to_file {
                match RotatingFile::open(&settings.dir) {
                    Ok(file) => self.file.store(Some(Arc::new(Mutex::new(file)))),
                    Err(err) => {
                        self.file.store(None);
                        tracing::warn!(%err, dir = %settings.dir.display(), "cannot open main.log, logging to stdout");
                    }
                }
            } else {
                self.file.store(None);
            }
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> Option<LogSettings> {
        self.current.lock().clone()
    }

    /// Runs the size cleaner until the process ends: at once, then every minute.
    pub async fn run_cleaner(self, shutdown: crate::shutdown::Shutdown) {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = shutdown.wait() => return,
            }
            let Some(settings) = self.settings() else {
                continue;
            };
            if settings.max_total_mb == 0 {
                continue;
            }
            let limit = settings.max_total_mb.saturating_mul(1024 * 1024);
            let dir = settings.dir.clone();
            let result =
                tokio::task::spawn_blocking(move || remove_oldest_until_under(&dir, limit)).await;
            match result {
                Ok(Ok(removed)) if removed > 0 => {
                    tracing::info!(removed, "removed old log files over logs-max-total-size-mb");
                }
                Ok(Err(err)) => tracing::warn!(%err, "log cleanup failed"),
                _ => {}
            }
        }
    }
}

fn level_filter(debug: bool) -> EnvFilter {
    let level = if debug { "debug" } else { "info" };
    // Dependencies are noisy at debug level; keep them at warn unless RUST_LOG says otherwise.
    EnvFilter::new(format!(
        "warn,cpa_server={level},cpa_config={level},cpa_router={level},cpa_providers={level},cpa_usage={level},cpa_translate={level},cpa_mock={level},cli_proxy_api={level}"
    ))
}

// === impl SinkWriter ===

impl<'a> MakeWriter<'a> for SinkWriter {
    type Writer = Box<dyn Write + 'a>;

    fn make_writer(&'a self) -> Self::Writer {
        match self.file.load_full() {
            Some(file) => Box::new(FileLine { file }),
            None => Box::new(io::stdout()),
        }
    }
}

/// One log line's writer: locks the shared file only for the write itself.
struct FileLine {
    file: Arc<Mutex<RotatingFile>>,
}

impl Write for FileLine {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.lock().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.lock().flush()
    }
}
