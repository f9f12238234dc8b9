//! Wire types of the statistics snapshot, export and import (management-api §8.8).
//!
//! These are plain serde types shared by `GET /usage`, `GET /usage/export`,
//! `POST /usage/import` and the on-disk snapshot file. They hold no behaviour beyond
//! parsing; counting lives in `stats::store`. Our details carry two extra optional fields,
//! `latency_ms` and `ttft_ms`, which the original omits and ignores on import.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::event::TokenCounts;
use crate::mask::{MaskedKeys, mask_value};
use crate::timestamp::{format_utc_nano, serialize_nano};

/// Version written by export and accepted by import (besides 0/absent).
pub const EXPORT_VERSION: u32 = 1;

/// The statistics snapshot (the `usage` object of `GET /usage`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatisticsSnapshot {
    /// Number of attempts recorded.
    pub total_requests: u64,
    /// Attempts that did not fail.
    pub success_count: u64,
    /// Attempts that failed (executor failure or client status ≥ 400).
    pub failure_count: u64,
    /// Sum of `total_tokens` over all attempts.
    pub total_tokens: u64,
    /// Per grouping key (client key, `"<METHOD> <route>"`, provider or `unknown`).
    pub apis: BTreeMap<String, ApiSnapshot>,
    /// Attempts per day, keyed `YYYY-MM-DD`.
    pub requests_by_day: BTreeMap<String, u64>,
    /// Attempts per hour of day, keyed `"00"`–`"23"` (all days merged).
    pub requests_by_hour: BTreeMap<String, u64>,
    /// Tokens per day, keyed `YYYY-MM-DD`.
    pub tokens_by_day: BTreeMap<String, u64>,
    /// Tokens per hour of day, keyed `"00"`–`"23"`.
    pub tokens_by_hour: BTreeMap<String, u64>,
}

/// Statistics of one grouping key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiSnapshot {
    /// Attempts under this key.
    pub total_requests: u64,
    /// Tokens under this key.
    pub total_tokens: u64,
    /// Per model.
    pub models: BTreeMap<String, ModelSnapshot>,
}

/// Statistics of one model under one grouping key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelSnapshot {
    /// Attempts for this model.
    pub total_requests: u64,
    /// Tokens for this model.
    pub total_tokens: u64,
    /// One entry per attempt, in recording order.
    pub details: Vec<RequestDetail>,
}

/// One attempt as it appears in the snapshot.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    /// When the attempt started, in the offset it was recorded with.
    #[serde(serialize_with = "serialize_nano")]
    pub timestamp: DateTime<FixedOffset>,
    /// Credential identity (e-mail, project, API key) or the client key.
    #[serde(default)]
    pub source: String,
    /// 16-hex credential index.
    #[serde(default)]
    pub auth_index: String,
    /// Token counts, total normalised.
    #[serde(default)]
    pub tokens: TokenCounts,
    /// Whether the attempt counted as a failure.
    #[serde(default)]
    pub failed: bool,
    /// Our addition: whole-attempt latency in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Our addition: time to first token in milliseconds (streams only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<u64>,
}

/// Body of `GET /usage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageResponse {
    /// The snapshot.
    pub usage: StatisticsSnapshot,
    /// Same as `usage.failure_count`.
    pub failed_requests: u64,
}

/// Body of `GET /usage/export`; also the format of the on-disk snapshot file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportPayload {
    /// Always [`EXPORT_VERSION`].
    pub version: u32,
    /// Export time, UTC RFC3339 with nanoseconds and a `Z`.
    pub exported_at: String,
    /// The snapshot.
    pub usage: StatisticsSnapshot,
}

/// A parsed `POST /usage/import` body. Only `usage.apis.*.models.*.details[]` is used.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ImportPayload {
    /// 0/absent or 1.
    #[serde(default)]
    pub version: Option<u32>,
    /// The statistics to merge.
    #[serde(default)]
    pub usage: ImportUsage,
}

/// The `usage` object of an import body.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct ImportUsage {
    /// Per grouping key; totals in the body are ignored.
    pub apis: BTreeMap<String, ImportApi>,
}

/// One grouping key of an import body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ImportApi {
    /// Per model.
    pub models: BTreeMap<String, ImportModel>,
}

/// One model of an import body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ImportModel {
    /// The details to merge.
    pub details: Vec<ImportDetail>,
}

/// One detail of an import body; a missing timestamp means "now".
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct ImportDetail {
    /// Attempt start; absent or Go's zero time means the import time.
    pub timestamp: Option<DateTime<FixedOffset>>,
    /// See [`RequestDetail::source`].
    pub source: String,
    /// See [`RequestDetail::auth_index`].
    pub auth_index: String,
    /// Token counts; the total is normalised on import.
    pub tokens: TokenCounts,
    /// See [`RequestDetail::failed`].
    pub failed: bool,
    /// See [`RequestDetail::latency_ms`].
    pub latency_ms: Option<u64>,
    /// See [`RequestDetail::ttft_ms`].
    pub ttft_ms: Option<u64>,
}

/// Body of a successful `POST /usage/import`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportResult {
    /// Details merged.
    pub added: u64,
    /// Details skipped as duplicates (or older than the retention window).
    pub skipped: u64,
    /// `total_requests` after the merge.
    pub total_requests: u64,
    /// `failure_count` after the merge.
    pub failed_requests: u64,
}

/// Why an import body was rejected; `Display` is the spec's error text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The body is not valid JSON of the expected shape.
    #[error("invalid json")]
    InvalidJson,
    /// `version` is neither 0/absent nor 1.
    #[error("unsupported version")]
    UnsupportedVersion,
    /// The aggregator is not running.
    #[error("usage statistics unavailable")]
    Unavailable,
}

// === impl Debug (client keys and credential sources are secrets) ===

impl fmt::Debug for StatisticsSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatisticsSnapshot")
            .field("total_requests", &self.total_requests)
            .field("success_count", &self.success_count)
            .field("failure_count", &self.failure_count)
            .field("total_tokens", &self.total_tokens)
            .field("apis", &MaskedKeys(&self.apis))
            .field("requests_by_day", &self.requests_by_day)
            .field("requests_by_hour", &self.requests_by_hour)
            .field("tokens_by_day", &self.tokens_by_day)
            .field("tokens_by_hour", &self.tokens_by_hour)
            .finish()
    }
}

impl fmt::Debug for RequestDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestDetail")
            .field("timestamp", &self.timestamp)
            .field("source", &mask_value(&self.source))
            .field("auth_index", &self.auth_index)
            .field("tokens", &self.tokens)
            .field("failed", &self.failed)
            .field("latency_ms", &self.latency_ms)
            .field("ttft_ms", &self.ttft_ms)
            .finish()
    }
}

impl fmt::Debug for ImportUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportUsage")
            .field("apis", &MaskedKeys(&self.apis))
            .finish()
    }
}

impl fmt::Debug for ImportDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImportDetail")
            .field("timestamp", &self.timestamp)
            .field("source", &mask_value(&self.source))
            .field("auth_index", &self.auth_index)
            .field("tokens", &self.tokens)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

// === impl ImportPayload ===

impl ImportPayload {
    /// Parses and version-checks an import body.
    pub fn from_json(body: &[u8]) -> Result<Self, ImportError> {
        let payload: Self = serde_json::from_slice(body).map_err(|_| ImportError::InvalidJson)?;
        match payload.version {
            None | Some(0) | Some(EXPORT_VERSION) => Ok(payload),
            Some(_) => Err(ImportError::UnsupportedVersion),
        }
    }
}

// === impl ExportPayload ===

impl ExportPayload {
    /// Wraps a snapshot with the current UTC time.
    pub fn new(usage: StatisticsSnapshot) -> Self {
        Self {
            version: EXPORT_VERSION,
            exported_at: format_utc_nano(&Utc::now()),
            usage,
        }
    }
}

// === impl UsageResponse ===

impl From<StatisticsSnapshot> for UsageResponse {
    fn from(usage: StatisticsSnapshot) -> Self {
        Self {
            failed_requests: usage.failure_count,
            usage,
        }
    }
}
