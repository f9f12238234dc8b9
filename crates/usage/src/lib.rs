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
//! * [`timestamp`]: the original's textual time formats.
//!
//! Wiring, as the server does it:
//!
//! ```no_run
//! # async fn wire() -> Result<(), Box<dyn std::error::Error>> {
//! use cpa_usage::request_log::{RequestLogSettings, RequestLogger};
//! use cpa_usage::{UsageConfig, UsageEvent, UsageService};
//!
//! let service = UsageService::start(UsageConfig {
//!     statistics_enabled: true,
//!     persist_dir: Some("/var/lib/cpa/auth".into()),
//!     ..UsageConfig::default()
//! })
//! .await?;
//! let logger = RequestLogger::start(RequestLogSettings::new("/var/lib/cpa/logs"));
//!
//! // Request path (step 10): never awaits.
//! let mut event = UsageEvent::new("claude", "claude-sonnet-4");
//! event.api_key = "sk-local-1".into();
//! event.latency_ms = 840;
//! service.sink().record(event);
//! let mut record = logger.new_record("POST", "/v1/messages");
//! record.status = 502;
//! logger.log(record);
//!
//! // Management API.
//! let body = serde_json::to_string(&service.handle().usage().await?)?;
//! # let _ = body;
//! service.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod event;
pub mod mask;
pub mod request_id;
pub mod request_log;
pub mod sink;
pub mod stats;
pub mod timestamp;

pub use event::{TokenCounts, UsageEvent, auth_index};
pub use request_log::{RequestLogRecord, RequestLogSettings, RequestLogger};
pub use sink::{MemorySink, UsageSink};
pub use stats::{Retention, StatisticsSnapshot, UsageConfig, UsageHandle, UsageService};
