//! Usage statistics: aggregation, snapshot/export/import and persistence (step 10).
//!
//! Data flow: the request path calls [`crate::UsageSink::record`]; the aggregator task
//! (`aggregator`, `worker`) folds events into the statistics (`store`) and the per-credential
//! counters (`key_usage`), journals them (`persist`) and answers the management API through
//! [`UsageHandle`]. The wire shapes are in `snapshot`. Nothing in this module runs on the
//! request path or may fail a client request.

mod aggregator;
mod key_usage;
mod persist;
mod snapshot;
mod store;
mod worker;

pub use aggregator::{StartError, Unavailable, UsageConfig, UsageHandle, UsageService};
pub use key_usage::{
    ApiKeyCredential, ApiKeyUsage, BUCKET_SECONDS, CredentialUsage, RECENT_BUCKETS, RecentBucket,
};
pub use persist::{JOURNAL_FILE, SNAPSHOT_FILE};
pub use snapshot::{
    ApiSnapshot, EXPORT_VERSION, ExportPayload, ImportApi, ImportDetail, ImportError, ImportModel,
    ImportPayload, ImportResult, ImportUsage, ModelSnapshot, RequestDetail, StatisticsSnapshot,
    UsageResponse,
};
pub use store::Retention;

#[cfg(test)]
mod tests;
