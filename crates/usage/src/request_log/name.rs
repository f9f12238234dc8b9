//! Request-log file names (proxy-pipeline §8.3, §8.4).
//!
//! `<sanitized path>-<YYYY-MM-DDTHHMMSS>-<request id or counter>.log`, prefixed with
//! `error-` for error-only logs. The sanitized path never contains a separator, so a name
//! built here always stays inside the log directory. Pure string work, no I/O.

use chrono::{DateTime, FixedOffset};

/// Prefix of error-only log files.
pub const ERROR_PREFIX: &str = "error-";
/// Extension of every request-log file.
pub const LOG_SUFFIX: &str = ".log";

/// Turns a request path into a file-name stem: no query, no leading `/`; `/`, `:`,
/// whitespace and `<>"|?*\` become `-`; runs of `-` collapse; edges trimmed; `root` if empty.
pub fn sanitize_path(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let mut out = String::with_capacity(path.len());
    for c in path.trim_start_matches('/').chars() {
        let c = if c == '/' || c == ':' || c == '\\' || c.is_whitespace() || "<>\"|?*".contains(c) {
            '-'
        } else {
            c
        };
        out.push(c);
    }
    // Dots are legal (`gemini-2.5-pro`) but `..` is turned into a dash to keep names boring.
    let out = out.replace("..", "-");
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let trimmed = collapsed.trim_matches('-');
    if trimmed.is_empty() {
        "root".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The file name of a request log.
pub fn log_file_name(path: &str, timestamp: &DateTime<FixedOffset>, id: &str) -> String {
    format!(
        "{}-{}-{}{LOG_SUFFIX}",
        sanitize_path(path),
        timestamp.format("%Y-%m-%dT%H%M%S"),
        sanitize_path(id)
    )
}

/// The file name of an error-only request log.
pub fn error_log_file_name(path: &str, timestamp: &DateTime<FixedOffset>, id: &str) -> String {
    format!("{ERROR_PREFIX}{}", log_file_name(path, timestamp, id))
}

/// Whether `name` is an error-only log file name (`error-*.log`).
pub fn is_error_log_name(name: &str) -> bool {
    name.starts_with(ERROR_PREFIX) && name.ends_with(LOG_SUFFIX)
}
