//! The request-log writer: a background task that renders and writes log files (step 10).
//!
//! [`RequestLogger::log`] is called at the end of a captured request. It decides whether a
//! file is due (`request-log` on: always; off: only for status ≥ 400, as `error-*.log`),
//! names it, and queues it without waiting; when the queue is full the record is dropped
//! and counted. A tokio task renders and writes each file on a blocking thread and, after
//! every error log, deletes the oldest `error-*.log` files beyond `error-logs-max-files`.
//! Settings are atomics, so a config reload applies them live. Never blocks a request.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use tokio::sync::{mpsc, oneshot};

use crate::request_id::next_log_counter;
use crate::request_log::files::list_error_logs;
use crate::request_log::name::{error_log_file_name, log_file_name};
use crate::request_log::record::{DEFAULT_MAX_BODY_BYTES, RequestLogRecord};
use crate::request_log::render::{Layout, render};

/// Default of `error-logs-max-files`.
pub const DEFAULT_ERROR_LOGS_MAX_FILES: usize = 10;

/// Settings of the request logger. `dir` and `version` are fixed; the rest can be changed
/// live through the setters on [`RequestLogger`].
#[derive(Debug, Clone)]
pub struct RequestLogSettings {
    /// Request-log directory (`$WRITABLE_PATH/logs`, else `<config dir>/logs`); created on
    /// demand.
    pub dir: PathBuf,
    /// `request-log`: write a file for every captured request. Default: false.
    pub is_enabled: bool,
    /// `error-logs-max-files`: newest `error-*.log` files kept; 0 = unlimited. Default: 10.
    pub error_logs_max_files: usize,
    /// Cap for each logged body, in bytes. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// Version string written in the `Version:` line. Default: `dev`.
    pub version: String,
    /// Records queued for writing before new ones are dropped. Default: 256.
    pub queue_capacity: usize,
}

/// Cheap-to-clone handle to the request-log writer task.
#[derive(Debug, Clone)]
pub struct RequestLogger {
    shared: Arc<Shared>,
    jobs: mpsc::Sender<Job>,
}

#[derive(Debug)]
struct Shared {
    dir: PathBuf,
    version: String,
    is_enabled: AtomicBool,
    error_logs_max_files: AtomicUsize,
    max_body_bytes: AtomicUsize,
    dropped: AtomicU64,
}

#[derive(Debug)]
enum Job {
    Write {
        record: Box<RequestLogRecord>,
        layout: Layout,
        name: String,
    },
    Flush(oneshot::Sender<()>),
}

// === impl RequestLogSettings ===

impl RequestLogSettings {
    /// Defaults for a given directory.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            is_enabled: false,
            error_logs_max_files: DEFAULT_ERROR_LOGS_MAX_FILES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            version: "dev".to_owned(),
            queue_capacity: 256,
        }
    }
}

// === impl RequestLogger ===

impl RequestLogger {
    /// Spawns the writer task (needs a tokio runtime). The task ends when every handle
    /// is dropped, after writing what is queued.
    pub fn start(settings: RequestLogSettings) -> Self {
        let shared = Arc::new(Shared {
            dir: settings.dir,
            version: settings.version,
            is_enabled: AtomicBool::new(settings.is_enabled),
            error_logs_max_files: AtomicUsize::new(settings.error_logs_max_files),
            max_body_bytes: AtomicUsize::new(settings.max_body_bytes),
            dropped: AtomicU64::new(0),
        });
        let (jobs, rx) = mpsc::channel(settings.queue_capacity.max(1));
        tokio::spawn(run(Arc::clone(&shared), rx));
        Self { shared, jobs }
    }

    /// The request-log directory.
    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// `request-log`: whether every captured request is logged (and upstream attempts
    /// should be collected).
    pub fn is_enabled(&self) -> bool {
        self.shared.is_enabled.load(Ordering::Relaxed)
    }

    /// Changes `request-log` live.
    pub fn set_enabled(&self, is_enabled: bool) {
        self.shared.is_enabled.store(is_enabled, Ordering::Relaxed);
    }

    /// Current `error-logs-max-files` (0 = unlimited).
    pub fn error_logs_max_files(&self) -> usize {
        self.shared.error_logs_max_files.load(Ordering::Relaxed)
    }

    /// Changes `error-logs-max-files` live; a negative value means the default 10.
    pub fn set_error_logs_max_files(&self, max_files: i64) {
        let value = usize::try_from(max_files).unwrap_or(DEFAULT_ERROR_LOGS_MAX_FILES);
        self.shared
            .error_logs_max_files
            .store(value, Ordering::Relaxed);
    }

    /// Cap for each logged body; use it when building [`RequestLogRecord`]s.
    pub fn max_body_bytes(&self) -> usize {
        self.shared.max_body_bytes.load(Ordering::Relaxed)
    }

    /// Changes the body cap for records built from now on.
    pub fn set_max_body_bytes(&self, max_body_bytes: usize) {
        self.shared
            .max_body_bytes
            .store(max_body_bytes, Ordering::Relaxed);
    }

    /// An empty record for `method url` with bodies capped at the current cap.
    pub fn new_record(&self, method: &str, url: &str) -> RequestLogRecord {
        RequestLogRecord::new(method, url, self.max_body_bytes())
    }

    /// Records dropped because the queue was full.
    pub fn dropped_count(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// Queues `record` for writing if a file is due and returns the file name; returns
    /// `None` when no file is due (request-log off and status < 400) or the queue is full.
    pub fn log(&self, mut record: RequestLogRecord) -> Option<String> {
        let layout = if self.is_enabled() {
            Layout::Full
        } else if record.status >= 400 {
            Layout::ErrorOnly
        } else {
            return None;
        };
        let id = record.request_id.clone().unwrap_or_else(next_log_counter);
        let name = match layout {
            Layout::Full => log_file_name(record.path(), &record.timestamp, &id),
            Layout::ErrorOnly => {
                // Upstream attempts are only logged while request-log is on.
                record.attempts.clear();
                error_log_file_name(record.path(), &record.timestamp, &id)
            }
        };
        let job = Job::Write {
            record: Box::new(record),
            layout,
            name: name.clone(),
        };
        if self.jobs.try_send(job).is_err() {
            let dropped = self.shared.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::warn!(dropped, "request-log queue full; dropping a request log");
            return None;
        }
        Some(name)
    }

    /// Waits until every record queued before this call is written.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send(Job::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

async fn run(shared: Arc<Shared>, mut jobs: mpsc::Receiver<Job>) {
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Write {
                record,
                layout,
                name,
            } => {
                let shared = Arc::clone(&shared);
                let written = tokio::task::spawn_blocking(move || {
                    write_file(&shared, &record, layout, &name).map_err(|err| (name, err))
                })
                .await;
                match written {
                    Ok(Ok(())) => {}
                    Ok(Err((name, err))) => {
                        tracing::warn!(%err, file = %name, "cannot write request log");
                    }
                    Err(err) => tracing::warn!(%err, "request-log writer task failed"),
                }
            }
            Job::Flush(reply) => {
                let _ = reply.send(());
            }
        }
    }
}

fn write_file(
    shared: &Shared,
    record: &RequestLogRecord,
    layout: Layout,
    name: &str,
) -> io::Result<()> {
    fs::create_dir_all(&shared.dir)?;
    let contents = render(record, layout, &shared.version);
    fs::write(shared.dir.join(name), contents)?;
    if layout == Layout::ErrorOnly {
        let max_files = shared.error_logs_max_files.load(Ordering::Relaxed);
        enforce_error_log_retention(&shared.dir, max_files)?;
    }
    Ok(())
}

/// Deletes all but the `max_files` newest `error-*.log` files (by mtime); 0 keeps all.
/// Returns how many files were deleted.
pub fn enforce_error_log_retention(dir: &Path, max_files: usize) -> io::Result<usize> {
    if max_files == 0 {
        return Ok(0);
    }
    let files = list_error_logs(dir)?;
    let mut removed = 0;
    for file in files.iter().skip(max_files) {
        match fs::remove_file(dir.join(&file.name)) {
            Ok(()) => removed += 1,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    Ok(removed)
}
