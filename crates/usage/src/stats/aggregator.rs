//! The aggregator task and its handle (lifecycle step 10, off the hot path).
//!
//! One tokio task owns the statistics, the per-credential counters and the persistence
//! files. It receives [`UsageEvent`]s from the [`UsageSink`] channel and management
//! commands from [`UsageHandle`]s, appends recorded details to the journal in batches and
//! compacts on a timer, after imports and at shutdown. File I/O runs in `spawn_blocking`.
//! Nothing here may be awaited by the request path: handlers only call
//! [`UsageSink::record`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::sink::{DEFAULT_CHANNEL_CAPACITY, UsageSink};
use crate::stats::key_usage::{ApiKeyCredential, ApiKeyUsage, CredentialCounters, CredentialUsage};
use crate::stats::snapshot::{
    ExportPayload, ImportError, ImportPayload, ImportResult, RequestDetail, StatisticsSnapshot,
    UsageResponse,
};
use crate::stats::store::{Retention, Statistics};
use crate::stats::worker::Worker;

/// Settings of the usage service. Every field has a default (see [`UsageConfig::default`]).
#[derive(Debug, Clone)]
pub struct UsageConfig {
    /// Initial value of `usage-statistics-enabled`. Default: false (as the original).
    pub statistics_enabled: bool,
    /// Capacity of the event channel; events beyond it are dropped and counted.
    /// Default: 4096.
    pub channel_capacity: usize,
    /// Directory for `usage-statistics.json` and `usage-journal.jsonl`; `None` keeps the
    /// statistics in memory only. Default: `None` (the server passes `<auth-dir>`).
    pub persist_dir: Option<PathBuf>,
    /// How much history to keep. Default: 30 days, at most 200 000 details.
    pub retention: Retention,
    /// How often the journal is compacted into the snapshot (when it has new lines) and old
    /// details are pruned. Default: 5 minutes.
    pub compaction_interval: Duration,
    /// Compact early once the journal holds this many lines. Default: 10 000.
    pub compaction_journal_lines: usize,
}

/// A running usage service: the sink for the request path, the handle for management.
#[derive(Debug)]
pub struct UsageService {
    sink: UsageSink,
    handle: UsageHandle,
    pub(crate) task: JoinHandle<()>,
}

/// Cheap-to-clone handle used by the management API and config reloads.
#[derive(Debug, Clone)]
pub struct UsageHandle {
    commands: mpsc::Sender<Command>,
    enabled: Arc<AtomicBool>,
    sink: UsageSink,
}

/// The aggregator task is not running (shut down or panicked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("usage statistics unavailable")]
pub struct Unavailable;

/// Why the usage service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The persistence directory could not be created or its journal opened.
    #[error("cannot open usage persistence directory {path}")]
    Persistence {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The blocking loader task panicked or was cancelled.
    #[error("usage loader task failed")]
    Loader,
}

pub(crate) enum Command {
    Snapshot(oneshot::Sender<StatisticsSnapshot>),
    Export(oneshot::Sender<ExportPayload>),
    Import(ImportPayload, oneshot::Sender<ImportResult>),
    ApiKeyUsage(Vec<ApiKeyCredential>, oneshot::Sender<ApiKeyUsage>),
    CredentialUsage(String, oneshot::Sender<CredentialUsage>),
    Flush(oneshot::Sender<()>),
    Shutdown(oneshot::Sender<()>),
}

// === impl UsageConfig ===

impl Default for UsageConfig {
    fn default() -> Self {
        Self {
            statistics_enabled: false,
            channel_capacity: DEFAULT_CHANNEL_CAPACITY,
            persist_dir: None,
            retention: Retention::default(),
            compaction_interval: Duration::from_secs(300),
            compaction_journal_lines: 10_000,
        }
    }
}

// === impl UsageService ===

impl UsageService {
    /// Loads persisted statistics (if configured) and spawns the aggregator task.
    ///
    /// An unreadable snapshot is moved aside and unreadable journal lines are skipped;
    /// only a directory that cannot be created or opened is an error.
    pub async fn start(config: UsageConfig) -> Result<Self, StartError> {
        let mut stats = Statistics::new(config.retention);
        let now = Utc::now();
        let mut store = None;
        let mut needs_compaction = false;
        if let Some(dir) = config.persist_dir.clone() {
            let opened = tokio::task::spawn_blocking(move || {
                crate::stats::persist::Store::open(&dir).map_err(|source| StartError::Persistence {
                    path: dir.clone(),
                    source,
                })
            })
            .await
            .map_err(|_| StartError::Loader)??;
            let (opened_store, loaded) = opened;
            if let Some(payload) = loaded.snapshot {
                merge_payload(&mut stats, payload, now);
            }
            needs_compaction = !loaded.journal.is_empty() || loaded.bad_lines > 0;
            for line in loaded.journal {
                stats.merge(&line.api, &line.model, line.detail, now);
            }
            stats.prune_by_age(now);
            store = Some(opened_store);
        }
        let (sink, events) = UsageSink::channel(config.channel_capacity);
        let (commands, command_rx) = mpsc::channel(64);
        let enabled = Arc::new(AtomicBool::new(config.statistics_enabled));
        let worker = Worker::new(
            stats,
            CredentialCounters::default(),
            store,
            Arc::clone(&enabled),
            config.compaction_interval,
            config.compaction_journal_lines,
        );
        let task = tokio::spawn(worker.run(events, command_rx, needs_compaction));
        let handle = UsageHandle {
            commands,
            enabled,
            sink: sink.clone(),
        };
        Ok(Self { sink, handle, task })
    }

    /// The sink the request path records events into.
    pub fn sink(&self) -> &UsageSink {
        &self.sink
    }

    /// The handle for the management API.
    pub fn handle(&self) -> &UsageHandle {
        &self.handle
    }

    /// Processes queued events, writes a final snapshot and stops the task.
    pub async fn shutdown(self) {
        let (tx, rx) = oneshot::channel();
        if self
            .handle
            .commands
            .send(Command::Shutdown(tx))
            .await
            .is_ok()
        {
            let _ = rx.await;
        }
        let _ = self.task.await;
    }
}

// === impl UsageHandle ===

impl UsageHandle {
    /// Turns aggregation on or off (`usage-statistics-enabled`, hot). Takes effect for the
    /// next event processed; per-credential counters are kept either way.
    pub fn set_statistics_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
    }

    /// Current value of `usage-statistics-enabled`.
    pub fn is_statistics_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Events dropped because the channel was full.
    pub fn dropped_events(&self) -> u64 {
        self.sink.dropped_count()
    }

    /// The current snapshot.
    pub async fn snapshot(&self) -> Result<StatisticsSnapshot, Unavailable> {
        self.ask(Command::Snapshot).await
    }

    /// Body of `GET /usage`: `{"usage": snapshot, "failed_requests": n}`.
    pub async fn usage(&self) -> Result<UsageResponse, Unavailable> {
        self.snapshot().await.map(UsageResponse::from)
    }

    /// Body of `GET /usage/export`.
    pub async fn export(&self) -> Result<ExportPayload, Unavailable> {
        self.ask(Command::Export).await
    }

    /// `POST /usage/import`: merges details, skipping duplicates. Works while aggregation
    /// is disabled. The merged statistics are persisted right away.
    pub async fn import(&self, payload: ImportPayload) -> Result<ImportResult, ImportError> {
        self.ask(|tx| Command::Import(payload, tx))
            .await
            .map_err(|Unavailable| ImportError::Unavailable)
    }

    /// Body of `GET /api-key-usage` for the given API-key credentials.
    pub async fn api_key_usage(
        &self,
        credentials: Vec<ApiKeyCredential>,
    ) -> Result<ApiKeyUsage, Unavailable> {
        self.ask(|tx| Command::ApiKeyUsage(credentials, tx)).await
    }

    /// `success`, `failed` and `recent_requests` of one credential (for `GET /auth-files`).
    pub async fn credential_usage(&self, auth_id: &str) -> Result<CredentialUsage, Unavailable> {
        let auth_id = auth_id.to_owned();
        self.ask(|tx| Command::CredentialUsage(auth_id, tx)).await
    }

    /// Waits until every event recorded before this call is aggregated and journaled.
    pub async fn flush(&self) -> Result<(), Unavailable> {
        self.ask(Command::Flush).await
    }

    async fn ask<T>(
        &self,
        build: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, Unavailable> {
        let (tx, rx) = oneshot::channel();
        self.commands
            .send(build(tx))
            .await
            .map_err(|_| Unavailable)?;
        rx.await.map_err(|_| Unavailable)
    }
}

/// Merges every detail of an import body; returns (added, skipped).
pub(crate) fn merge_payload(
    stats: &mut Statistics,
    payload: ImportPayload,
    now: chrono::DateTime<Utc>,
) -> (u64, u64) {
    let (mut added, mut skipped) = (0, 0);
    let now_local = crate::timestamp::now_local();
    for (api, api_stats) in payload.usage.apis {
        let api = api.trim();
        if api.is_empty() {
            continue;
        }
        for (model, model_stats) in api_stats.models {
            let model = match model.trim() {
                "" => crate::event::UNKNOWN,
                name => name,
            };
            for detail in model_stats.details {
                // Go's zero time (year 1) stands for "absent" in exports of the original.
                let timestamp = detail
                    .timestamp
                    .filter(|ts| chrono::Datelike::year(ts) > 1)
                    .unwrap_or(now_local);
                let detail = RequestDetail {
                    timestamp,
                    source: detail.source,
                    auth_index: detail.auth_index,
                    tokens: detail.tokens.normalized(),
                    failed: detail.failed,
                    latency_ms: detail.latency_ms,
                    ttft_ms: detail.ttft_ms,
                };
                if stats.merge(api, model, detail, now) {
                    added += 1;
                } else {
                    skipped += 1;
                }
            }
        }
    }
    (added, skipped)
}
