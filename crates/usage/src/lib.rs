//! `cpa-usage`: usage accounting and request logging (lifecycle step 10).
//!
//! After an upstream attempt ends, the server records a [`UsageEvent`] into a [`UsageSink`]
//! and hands the request/response capture to a [`RequestLogger`]. Both return at once: the
//! statistics are folded in by an aggregator task ([`UsageService`]) and log files are
//! written on blocking threads. Nothing in this crate may block or fail a client request,
//! and nothing here knows about HTTP frameworks: the server converts its types into ours.
//!
//! * [`event`]: the usage record and the credential index hash.
//! * [`sink`]: the bounded, never-blocking channel into the aggregator.
//! * [`stats`]: the aggregator, snapshot/export/import shapes, persistence, key usage.
//! * [`request_log`]: request-log and error-log files, retention, lookups for management.
//! * [`request_id`]: 8-hex request ids.
//! * [`mask`]: masking of secrets in headers, query strings and debug output.

pub mod event;
pub mod mask;
pub mod request_id;
pub mod request_log;
pub mod sink;
pub mod stats;
pub mod timestamp;

pub use event::{TokenCounts, UsageEvent, auth_index};
pub use request_log::RequestLogger;
pub use sink::{MemorySink, UsageSink};
pub use stats::{UsageConfig, UsageHandle, UsageService};
