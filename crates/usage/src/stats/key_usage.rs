//! Per-credential success/failure counters (management-api §12.4 and §12.6), step 10.
//!
//! Counts every attempt per credential id, success or failure as judged by the executor,
//! in total and in twenty 10-minute buckets aligned to multiples of 600 s of Unix time.
//! Like the original these counters are in memory only and reset on restart; they are kept
//! whether or not `usage-statistics-enabled` is on. Owned by the aggregator task; no I/O.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;

use chrono::{Local, TimeZone};
use serde::Serialize;

use crate::mask::mask_value;

/// Number of buckets in `recent_requests`.
pub const RECENT_BUCKETS: usize = 20;
/// Width of one bucket in seconds.
pub const BUCKET_SECONDS: i64 = 600;

/// One API-key credential the server asks about (from the provider key lists).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyCredential {
    /// Provider name; OpenAI-compatible entries use their `name` (any case).
    pub provider: String,
    /// The entry's base URL, empty when it has none.
    pub base_url: String,
    /// The plain-text API key.
    pub api_key: String,
    /// The credential id events carry in `auth_id`.
    pub auth_id: String,
}

/// Counters of one credential (or of several summed), as served by the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CredentialUsage {
    /// Successful attempts since start.
    pub success: u64,
    /// Failed attempts since start.
    pub failed: u64,
    /// Exactly [`RECENT_BUCKETS`] buckets, oldest first, the last containing "now".
    pub recent_requests: Vec<RecentBucket>,
}

/// One 10-minute bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecentBucket {
    /// `"HH:MM-HH:MM"` in server local time.
    pub time: String,
    /// Successful attempts in the bucket.
    pub success: u64,
    /// Failed attempts in the bucket.
    pub failed: u64,
}

/// Body of `GET /api-key-usage`: provider → `"<base-url>|<api-key>"` → counters.
pub type ApiKeyUsage = BTreeMap<String, BTreeMap<String, CredentialUsage>>;

/// Counters for every credential seen since start.
#[derive(Debug, Default)]
pub(crate) struct CredentialCounters {
    by_credential: HashMap<String, Counter>,
}

#[derive(Debug, Default)]
struct Counter {
    success: u64,
    failed: u64,
    /// (bucket index, success, failed), ascending, at most [`RECENT_BUCKETS`] entries.
    buckets: VecDeque<(i64, u64, u64)>,
}

// === impl ApiKeyCredential ===

impl fmt::Debug for ApiKeyCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyCredential")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("api_key", &mask_value(&self.api_key))
            .field("auth_id", &self.auth_id)
            .finish()
    }
}

// === impl CredentialCounters ===

impl CredentialCounters {
    /// Counts one attempt of `auth_id` at `now_unix` seconds.
    pub(crate) fn record(&mut self, auth_id: &str, is_failure: bool, now_unix: i64) {
        let counter = self.by_credential.entry(auth_id.to_owned()).or_default();
        let bucket = now_unix.div_euclid(BUCKET_SECONDS);
        if is_failure {
            counter.failed += 1;
        } else {
            counter.success += 1;
        }
        match counter.buckets.back_mut() {
            Some(last) if last.0 == bucket => bump(last, is_failure),
            _ => {
                let mut entry = (bucket, 0, 0);
                bump(&mut entry, is_failure);
                counter.buckets.push_back(entry);
            }
        }
        while counter.buckets.len() > RECENT_BUCKETS {
            counter.buckets.pop_front();
        }
    }

    /// Counters of one credential at `now_unix` (zeros when never seen).
    pub(crate) fn usage(&self, auth_id: &str, now_unix: i64) -> CredentialUsage {
        let mut usage = empty_usage(now_unix);
        if let Some(counter) = self.by_credential.get(auth_id) {
            add_counter(&mut usage, counter, now_unix);
        }
        usage
    }

    /// The `GET /api-key-usage` body for the given credentials; credentials sharing
    /// provider, base URL and key are summed.
    pub(crate) fn api_key_usage(
        &self,
        credentials: &[ApiKeyCredential],
        now_unix: i64,
    ) -> ApiKeyUsage {
        let mut out = ApiKeyUsage::new();
        for credential in credentials {
            let provider = match credential.provider.trim().to_ascii_lowercase() {
                name if name.is_empty() => "unknown".to_owned(),
                name => name,
            };
            let key = format!(
                "{}|{}",
                credential.base_url.trim(),
                credential.api_key.trim()
            );
            let usage = out
                .entry(provider)
                .or_default()
                .entry(key)
                .or_insert_with(|| empty_usage(now_unix));
            if let Some(counter) = self.by_credential.get(&credential.auth_id) {
                add_counter(usage, counter, now_unix);
            }
        }
        out
    }
}

fn bump(entry: &mut (i64, u64, u64), is_failure: bool) {
    if is_failure {
        entry.2 += 1;
    } else {
        entry.1 += 1;
    }
}

fn empty_usage(now_unix: i64) -> CredentialUsage {
    let last = now_unix.div_euclid(BUCKET_SECONDS);
    let first = last - RECENT_BUCKETS as i64 + 1;
    let recent_requests = (first..=last)
        .map(|bucket| RecentBucket {
            time: bucket_label(bucket),
            success: 0,
            failed: 0,
        })
        .collect();
    CredentialUsage {
        success: 0,
        failed: 0,
        recent_requests,
    }
}

fn add_counter(usage: &mut CredentialUsage, counter: &Counter, now_unix: i64) {
    usage.success += counter.success;
    usage.failed += counter.failed;
    let first = now_unix.div_euclid(BUCKET_SECONDS) - RECENT_BUCKETS as i64 + 1;
    for (bucket, success, failed) in &counter.buckets {
        let Ok(slot) = usize::try_from(bucket - first) else {
            continue;
        };
        if let Some(target) = usage.recent_requests.get_mut(slot) {
            target.success += success;
            target.failed += failed;
        }
    }
}

fn bucket_label(bucket: i64) -> String {
    let start = bucket * BUCKET_SECONDS;
    let fmt = |secs: i64| match Local.timestamp_opt(secs, 0).single() {
        Some(time) => time.format("%H:%M").to_string(),
        None => "--:--".to_owned(),
    };
    format!("{}-{}", fmt(start), fmt(start + BUCKET_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_768_356_000; // a multiple of 600

    #[test]
    fn counts_land_in_ten_minute_buckets() {
        let mut counters = CredentialCounters::default();
        counters.record("a", false, NOW - 1200);
        counters.record("a", false, NOW + 5);
        counters.record("a", true, NOW + 10);
        counters.record("a", false, NOW - 600 * 40); // too old for the buckets
        let usage = counters.usage("a", NOW + 30);
        assert_eq!((usage.success, usage.failed), (3, 1));
        assert_eq!(usage.recent_requests.len(), RECENT_BUCKETS);
        let last = &usage.recent_requests[RECENT_BUCKETS - 1];
        assert_eq!((last.success, last.failed), (1, 1));
        assert_eq!(usage.recent_requests[RECENT_BUCKETS - 3].success, 1);
        assert_eq!(last.time.len(), "HH:MM-HH:MM".len());
    }

    #[test]
    fn api_key_usage_sums_shared_keys() {
        let mut counters = CredentialCounters::default();
        counters.record("id-1", false, NOW);
        counters.record("id-2", true, NOW);
        let cred = |auth_id: &str| ApiKeyCredential {
            provider: "Codex".into(),
            base_url: " https://codex.example.net/v1 ".into(),
            api_key: "sk-demo".into(),
            auth_id: auth_id.into(),
        };
        let usage = counters.api_key_usage(&[cred("id-1"), cred("id-2")], NOW);
        let entry = &usage["codex"]["https://codex.example.net/v1|sk-demo"];
        assert_eq!((entry.success, entry.failed), (1, 1));
        assert_eq!(entry.recent_requests.len(), RECENT_BUCKETS);
    }
}
