//! The aggregator task's loop (lifecycle step 10, off the hot path).
//!
//! Owns the statistics, the per-credential counters and the persistence store. Events are
//! handled in batches: one `recv`, then whatever else is queued, then one journal append.
//! The store is moved into `spawn_blocking` for every write, so the tokio workers never
//! block on disk. If a write fails, persistence is switched off with an error log; the
//! in-memory statistics keep working. This loop must never panic or stop on bad input.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval_at};

use crate::event::UsageEvent;
use crate::stats::aggregator::{Command, merge_payload};
use crate::stats::key_usage::CredentialCounters;
use crate::stats::persist::{JournalLine, Store};
use crate::stats::snapshot::{
    EXPORT_VERSION, ExportPayload, ImportResult, RequestDetail, StatisticsSnapshot,
};
use crate::stats::store::Statistics;
use crate::timestamp::format_utc_nano;

/// Most events handled before the journal is written.
const BATCH: usize = 256;

pub(crate) struct Worker {
    stats: Statistics,
    counters: CredentialCounters,
    store: Option<Store>,
    enabled: Arc<AtomicBool>,
    compaction_interval: Duration,
    compaction_journal_lines: usize,
    pending: Vec<u8>,
    pending_lines: usize,
    /// True when the in-memory statistics differ from the last snapshot written.
    is_dirty: bool,
}

/// Borrowing twin of [`ExportPayload`], so compaction does not clone every detail.
#[derive(Serialize)]
struct ExportRef<'a> {
    version: u32,
    exported_at: String,
    usage: &'a StatisticsSnapshot,
}

impl Worker {
    pub(crate) fn new(
        stats: Statistics,
        counters: CredentialCounters,
        store: Option<Store>,
        enabled: Arc<AtomicBool>,
        compaction_interval: Duration,
        compaction_journal_lines: usize,
    ) -> Self {
        Self {
            stats,
            counters,
            store,
            enabled,
            compaction_interval: compaction_interval.max(Duration::from_secs(1)),
            compaction_journal_lines: compaction_journal_lines.max(1),
            pending: Vec::new(),
            pending_lines: 0,
            is_dirty: false,
        }
    }

    pub(crate) async fn run(
        mut self,
        mut events: mpsc::Receiver<UsageEvent>,
        mut commands: mpsc::Receiver<Command>,
        needs_compaction: bool,
    ) {
        if needs_compaction {
            self.is_dirty = true;
            self.compact().await;
        }
        let period = self.compaction_interval;
        let mut ticker = interval_at(Instant::now() + period, period);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let (mut events_open, mut commands_open) = (true, true);
        while events_open || commands_open {
            tokio::select! {
                command = commands.recv(), if commands_open => match command {
                    Some(Command::Shutdown(reply)) => {
                        self.drain(&mut events).await;
                        self.compact().await;
                        let _ = reply.send(());
                        return;
                    }
                    Some(command) => self.on_command(command, &mut events).await,
                    None => commands_open = false,
                },
                event = events.recv(), if events_open => match event {
                    Some(event) => {
                        self.on_event(event);
                        self.drain(&mut events).await;
                    }
                    None => events_open = false,
                },
                _ = ticker.tick() => {
                    if self.stats.prune_by_age(Utc::now()) > 0 {
                        self.is_dirty = true;
                    }
                    self.compact().await;
                }
            }
        }
        self.compact().await;
    }

    async fn on_command(&mut self, command: Command, events: &mut mpsc::Receiver<UsageEvent>) {
        // Answer with every event recorded before the command included.
        self.drain(events).await;
        match command {
            Command::Snapshot(reply) => {
                let _ = reply.send(self.stats.snapshot());
            }
            Command::Export(reply) => {
                let _ = reply.send(ExportPayload::new(self.stats.snapshot()));
            }
            Command::Import(payload, reply) => {
                let (added, skipped) = merge_payload(&mut self.stats, payload, Utc::now());
                let view = self.stats.view();
                let result = ImportResult {
                    added,
                    skipped,
                    total_requests: view.total_requests,
                    failed_requests: view.failure_count,
                };
                let _ = reply.send(result);
                if added > 0 {
                    self.is_dirty = true;
                    self.compact().await;
                }
            }
            Command::ApiKeyUsage(credentials, reply) => {
                let now = Utc::now().timestamp();
                let _ = reply.send(self.counters.api_key_usage(&credentials, now));
            }
            Command::CredentialUsage(auth_id, reply) => {
                let _ = reply.send(self.counters.usage(&auth_id, Utc::now().timestamp()));
            }
            Command::Flush(reply) => {
                let _ = reply.send(());
            }
            Command::Shutdown(reply) => {
                // Handled in `run`; answering here keeps the match exhaustive.
                let _ = reply.send(());
            }
        }
    }

    /// Handles everything already queued, then writes the journal once.
    async fn drain(&mut self, events: &mut mpsc::Receiver<UsageEvent>) {
        loop {
            for _ in 0..BATCH {
                match events.try_recv() {
                    Ok(event) => self.on_event(event),
                    Err(_) => break,
                }
            }
            self.write_journal().await;
            if events.is_empty() {
                break;
            }
        }
        if self
            .store
            .as_ref()
            .is_some_and(|store| store.journal_lines() >= self.compaction_journal_lines)
        {
            self.compact().await;
        }
    }

    fn on_event(&mut self, event: UsageEvent) {
        if !event.auth_id.is_empty() {
            self.counters
                .record(&event.auth_id, event.failed, Utc::now().timestamp());
        }
        if !self.enabled.load(Ordering::Relaxed) {
            return;
        }
        let api = event.api_bucket();
        let model = event.model_bucket();
        let detail = RequestDetail {
            timestamp: event.requested_at,
            failed: event.is_failure(),
            source: event.source,
            auth_index: event.auth_index,
            tokens: event.tokens.normalized(),
            latency_ms: Some(event.latency_ms),
            ttft_ms: event.ttft_ms,
        };
        if self.store.is_some() {
            let line = JournalLine { api, model, detail };
            match serde_json::to_vec(&line) {
                Ok(mut bytes) => {
                    bytes.push(b'\n');
                    self.pending.extend_from_slice(&bytes);
                    self.pending_lines += 1;
                }
                Err(err) => tracing::error!(%err, "cannot serialise usage journal line"),
            }
            self.stats.add(&line.api, &line.model, line.detail);
        } else {
            self.stats.add(&api, &model, detail);
        }
        self.is_dirty = true;
    }

    async fn write_journal(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut self.pending);
        let count = std::mem::take(&mut self.pending_lines);
        self.with_store(move |store| store.append(&lines, count))
            .await;
    }

    /// Writes a new snapshot and truncates the journal, when anything changed.
    async fn compact(&mut self) {
        if !self.is_dirty || self.store.is_none() {
            return;
        }
        self.write_journal().await;
        let payload = ExportRef {
            version: EXPORT_VERSION,
            exported_at: format_utc_nano(&Utc::now()),
            usage: self.stats.view(),
        };
        let json = match serde_json::to_vec(&payload) {
            Ok(json) => json,
            Err(err) => {
                tracing::error!(%err, "cannot serialise usage snapshot");
                return;
            }
        };
        if self.with_store(move |store| store.compact(&json)).await {
            self.is_dirty = false;
        }
    }

    /// Runs one blocking store operation; on failure disables persistence. Returns success.
    async fn with_store(
        &mut self,
        operation: impl FnOnce(&mut Store) -> std::io::Result<()> + Send + 'static,
    ) -> bool {
        let Some(mut store) = self.store.take() else {
            return false;
        };
        let outcome = tokio::task::spawn_blocking(move || {
            let result = operation(&mut store);
            (store, result)
        })
        .await;
        match outcome {
            Ok((store, Ok(()))) => {
                self.store = Some(store);
                true
            }
            Ok((_, Err(err))) => {
                tracing::error!(%err, "usage persistence write failed; keeping statistics in memory only");
                false
            }
            Err(err) => {
                tracing::error!(%err, "usage persistence task failed; keeping statistics in memory only");
                false
            }
        }
    }
}
