//! Request-log files (proxy-pipeline §8.3–§8.4) and their management helpers (step 10).
//!
//! The server's capture middleware fills a [`RequestLogRecord`] and passes it to
//! [`RequestLogger::log`], which returns at once; a background task renders the file in
//! the original's layout and writes it on a blocking thread. With `request-log` off only
//! requests ending with status ≥ 400 are written, as `error-*.log`, and the oldest beyond
//! `error-logs-max-files` are deleted. [`files`] serves the management endpoints. Nothing
//! here may block or fail the client request, and secrets are masked in every file.

pub mod files;
pub mod name;
pub mod record;
pub mod render;
pub mod scope;
pub mod writer;

pub use files::{LogFileInfo, LookupError, find_by_request_id, list_error_logs, resolve_error_log};
pub use record::{
    AttemptAuth, AuthKind, CappedBody, DEFAULT_MAX_BODY_BYTES, RequestLogRecord, UpstreamAttempt,
    UpstreamResponse,
};
pub use scope::{is_streaming_response, should_capture};
pub use writer::{
    DEFAULT_ERROR_LOGS_MAX_FILES, RequestLogSettings, RequestLogger, enforce_error_log_retention,
};

#[cfg(test)]
mod tests;
