//! The in-memory statistics owned by the aggregator task (lifecycle step 10).
//!
//! Every counter is derived from the retained details, exactly as the original recomputes
//! totals from details on import: adding a detail adds to the totals, per-key, per-model and
//! per-day/hour counters; pruning a detail (retention) subtracts it again. So a snapshot,
//! its export and a re-import always agree. This type is plain data: it must not do I/O or
//! know about channels; the aggregator serialises access to it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::stats::snapshot::{ApiSnapshot, RequestDetail, StatisticsSnapshot};

/// How much history the statistics keep (memory and disk bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Details older than this many days are dropped (with their counts). 0 = keep forever.
    /// Default: 30.
    pub max_age_days: u32,
    /// At most this many details are kept; the oldest go first. 0 = unlimited.
    /// Default: 200 000 (roughly 40 MB of memory). Pruning starts once the count exceeds
    /// the limit by 10%, then trims back to the limit.
    pub max_details: usize,
}

/// Identity of a detail for import de-duplication (management-api §8.8): api, model,
/// timestamp in UTC with nanoseconds, source, auth_index, failed and the five token counts.
type DetailKey = [u8; 16];

/// Aggregated statistics plus the de-duplication index.
#[derive(Debug, Clone)]
pub(crate) struct Statistics {
    retention: Retention,
    snapshot: StatisticsSnapshot,
    seen: HashMap<DetailKey, u32>,
    detail_count: usize,
}

// === impl Retention ===

impl Default for Retention {
    fn default() -> Self {
        Self {
            max_age_days: 30,
            max_details: 200_000,
        }
    }
}

impl Retention {
    /// Keeps everything, like the original.
    pub const UNLIMITED: Self = Self {
        max_age_days: 0,
        max_details: 0,
    };

    fn cutoff(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.max_age_days > 0).then(|| now - Duration::days(i64::from(self.max_age_days)))
    }
}

// === impl Statistics ===

impl Statistics {
    pub(crate) fn new(retention: Retention) -> Self {
        Self {
            retention,
            snapshot: StatisticsSnapshot::default(),
            seen: HashMap::new(),
            detail_count: 0,
        }
    }

    /// A copy of the current snapshot.
    pub(crate) fn snapshot(&self) -> StatisticsSnapshot {
        self.snapshot.clone()
    }

    /// Borrowed view of the current snapshot (for serialising without a clone).
    pub(crate) fn view(&self) -> &StatisticsSnapshot {
        &self.snapshot
    }

    /// Records a live attempt. Live attempts are never de-duplicated.
    pub(crate) fn add(&mut self, api: &str, model: &str, detail: RequestDetail) {
        self.insert(api, model, detail);
        self.prune_by_count();
    }

    /// Merges an imported or replayed detail; returns false when it was skipped because an
    /// identical detail exists or it is older than the retention window.
    pub(crate) fn merge(
        &mut self,
        api: &str,
        model: &str,
        detail: RequestDetail,
        now: DateTime<Utc>,
    ) -> bool {
        if self.seen.contains_key(&detail_key(api, model, &detail)) {
            return false;
        }
        if self
            .retention
            .cutoff(now)
            .is_some_and(|cutoff| detail.timestamp < cutoff)
        {
            return false;
        }
        self.insert(api, model, detail);
        self.prune_by_count();
        true
    }

    /// Drops details older than the retention window; returns how many were dropped.
    pub(crate) fn prune_by_age(&mut self, now: DateTime<Utc>) -> usize {
        match self.retention.cutoff(now) {
            Some(cutoff) => self.remove_where(|detail| detail.timestamp < cutoff),
            None => 0,
        }
    }

    fn insert(&mut self, api: &str, model: &str, detail: RequestDetail) {
        *self
            .seen
            .entry(detail_key(api, model, &detail))
            .or_insert(0) += 1;
        self.detail_count += 1;
        self.count(api, model, &detail, Sign::Add);
        let api_entry = self.snapshot.apis.entry(api.to_owned()).or_default();
        let model_entry = api_entry.models.entry(model.to_owned()).or_default();
        model_entry.details.push(detail);
    }

    fn prune_by_count(&mut self) {
        let max = self.retention.max_details;
        if max == 0 || self.detail_count <= max + max / 10 {
            return;
        }
        let excess = self.detail_count - max;
        let mut stamps: Vec<DateTime<Utc>> = self
            .snapshot
            .apis
            .values()
            .flat_map(|api| api.models.values())
            .flat_map(|model| model.details.iter().map(|d| d.timestamp.to_utc()))
            .collect();
        let (_, cutoff, _) = stamps.select_nth_unstable(excess - 1);
        let cutoff = *cutoff;
        let older = stamps.iter().filter(|stamp| **stamp < cutoff).count();
        let mut ties_to_remove = excess - older;
        self.remove_where(|detail| {
            let stamp = detail.timestamp.to_utc();
            if stamp < cutoff {
                return true;
            }
            if stamp == cutoff && ties_to_remove > 0 {
                ties_to_remove -= 1;
                return true;
            }
            false
        });
    }

    /// Removes every detail matching `should_remove`, subtracts it from the counters and
    /// returns how many were removed.
    fn remove_where(&mut self, mut should_remove: impl FnMut(&RequestDetail) -> bool) -> usize {
        let mut removed = Vec::new();
        for (api_name, api) in &mut self.snapshot.apis {
            for (model_name, model) in &mut api.models {
                let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut model.details)
                    .into_iter()
                    .partition(|detail| should_remove(detail));
                model.details = kept;
                removed.extend(
                    gone.into_iter()
                        .map(|d| (api_name.clone(), model_name.clone(), d)),
                );
            }
        }
        let count = removed.len();
        for (api, model, detail) in removed {
            self.detail_count -= 1;
            let key = detail_key(&api, &model, &detail);
            if let Some(count) = self.seen.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    self.seen.remove(&key);
                }
            }
            self.count(&api, &model, &detail, Sign::Remove);
        }
        self.snapshot.apis.retain(|_, api| {
            api.models.retain(|_, model| !model.details.is_empty());
            !api.models.is_empty()
        });
        count
    }

    fn count(&mut self, api: &str, model: &str, detail: &RequestDetail, sign: Sign) {
        let tokens = detail.tokens.total;
        let snap = &mut self.snapshot;
        sign.apply(&mut snap.total_requests, 1);
        sign.apply(&mut snap.total_tokens, tokens);
        if detail.failed {
            sign.apply(&mut snap.failure_count, 1);
        } else {
            sign.apply(&mut snap.success_count, 1);
        }
        let api_entry: &mut ApiSnapshot = snap.apis.entry(api.to_owned()).or_default();
        sign.apply(&mut api_entry.total_requests, 1);
        sign.apply(&mut api_entry.total_tokens, tokens);
        let model_entry = api_entry.models.entry(model.to_owned()).or_default();
        sign.apply(&mut model_entry.total_requests, 1);
        sign.apply(&mut model_entry.total_tokens, tokens);

        let day = detail.timestamp.format("%Y-%m-%d").to_string();
        let hour = detail.timestamp.format("%H").to_string();
        bump(
            &mut snap.requests_by_day,
            &mut snap.tokens_by_day,
            day,
            tokens,
            sign,
        );
        bump(
            &mut snap.requests_by_hour,
            &mut snap.tokens_by_hour,
            hour,
            tokens,
            sign,
        );
    }
}

/// Adjusts one request bucket and its token bucket. A bucket whose request count drops back
/// to zero disappears from both maps, as if it had never been counted.
fn bump(
    requests: &mut BTreeMap<String, u64>,
    tokens: &mut BTreeMap<String, u64>,
    key: String,
    amount: u64,
    sign: Sign,
) {
    let count = requests.entry(key.clone()).or_insert(0);
    sign.apply(count, 1);
    let is_empty = *count == 0;
    sign.apply(tokens.entry(key.clone()).or_insert(0), amount);
    if is_empty {
        requests.remove(&key);
        tokens.remove(&key);
    }
}

#[derive(Clone, Copy)]
enum Sign {
    Add,
    Remove,
}

impl Sign {
    fn apply(self, counter: &mut u64, amount: u64) {
        match self {
            Self::Add => *counter = counter.saturating_add(amount),
            Self::Remove => *counter = counter.saturating_sub(amount),
        }
    }
}

fn detail_key(api: &str, model: &str, detail: &RequestDetail) -> DetailKey {
    let utc = detail.timestamp.to_utc();
    let t = &detail.tokens;
    let identity = format!(
        "{api}\0{model}\0{}\0{}\0{}\0{}\0{}\0{}\0{}\0{}\0{}\0{}",
        utc.timestamp(),
        utc.timestamp_subsec_nanos(),
        detail.source,
        detail.auth_index,
        detail.failed,
        t.input,
        t.output,
        t.reasoning,
        t.cached,
        t.total,
    );
    let digest = Sha256::digest(identity.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
