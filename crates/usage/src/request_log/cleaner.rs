//! The log-directory size cleaner, `logs-max-total-size-mb` (proxy-pipeline §8.5).
//!
//! When the limit is above zero, a task checks the log directory immediately and then every
//! minute: if the `*.log` and `*.log.gz` files (non-recursive) exceed the limit together,
//! it deletes the oldest-modified first until the total fits, never deleting the active
//! application log (`main.log`). The limit is an atomic so reloads apply it live. File work
//! runs on blocking threads; nothing here touches the request path.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::{MissedTickBehavior, interval};

use crate::request_log::files::unix_seconds;

/// Name of the active application log, which the cleaner never deletes.
pub const ACTIVE_LOG: &str = "main.log";
/// How often the cleaner runs.
pub const CLEAN_INTERVAL: Duration = Duration::from_secs(60);

/// Handle to a running cleaner; dropping every handle stops it.
#[derive(Debug, Clone)]
pub struct LogDirCleaner {
    max_total_mb: Arc<AtomicU64>,
}

// === impl LogDirCleaner ===

impl LogDirCleaner {
    /// Spawns the cleaner for `dir` with `logs-max-total-size-mb` = `max_total_mb`
    /// (negative values mean 0 = disabled). Needs a tokio runtime.
    pub fn start(dir: impl Into<PathBuf>, max_total_mb: i64) -> Self {
        let limit = Arc::new(AtomicU64::new(u64::try_from(max_total_mb).unwrap_or(0)));
        let weak = Arc::downgrade(&limit);
        let dir = dir.into();
        tokio::spawn(async move {
            let mut ticker = interval(CLEAN_INTERVAL);
            ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let Some(limit) = weak.upgrade() else { return };
                let max_mb = limit.load(Ordering::Relaxed);
                drop(limit);
                if max_mb == 0 {
                    continue;
                }
                let dir = dir.clone();
                let bytes = max_mb.saturating_mul(1024 * 1024);
                match tokio::task::spawn_blocking(move || enforce_total_size(&dir, bytes)).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(err)) => tracing::warn!(%err, "log directory cleanup failed"),
                    Err(err) => tracing::warn!(%err, "log directory cleanup task failed"),
                }
            }
        });
        Self {
            max_total_mb: limit,
        }
    }

    /// Changes the limit live; negative values mean 0 (disabled).
    pub fn set_max_total_size_mb(&self, max_total_mb: i64) {
        let value = u64::try_from(max_total_mb).unwrap_or(0);
        self.max_total_mb.store(value, Ordering::Relaxed);
    }
}

/// Deletes the oldest `*.log` / `*.log.gz` files in `dir` (never [`ACTIVE_LOG`]) until their
/// total size is at most `max_total_bytes`. Returns how many files were deleted.
pub fn enforce_total_size(dir: &Path, max_total_bytes: u64) -> io::Result<usize> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(err) => return Err(err),
    };
    let mut files = Vec::new();
    let mut total: u64 = 0;
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !(name.ends_with(".log") || name.ends_with(".log.gz")) {
            continue;
        }
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        total += meta.len();
        if name != ACTIVE_LOG {
            files.push((unix_seconds(&meta), name, meta.len()));
        }
    }
    files.sort();
    let mut removed = 0;
    for (_, name, size) in files {
        if total <= max_total_bytes {
            break;
        }
        match fs::remove_file(dir.join(&name)) {
            Ok(()) => {
                total = total.saturating_sub(size);
                removed += 1;
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    Ok(removed)
}
