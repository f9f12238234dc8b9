//! Reading the request-log directory for the management API (management-api §8.7).
//!
//! Lists `error-*.log` files, resolves a file name safely (no path traversal, no escape
//! through symlinks) and finds a log by request id. These functions block on the file
//! system: call them from `tokio::task::spawn_blocking`. They never create or delete files
//! (retention lives in the writer).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::Serialize;

use crate::request_log::name::{LOG_SUFFIX, is_error_log_name};

/// One entry of `GET /request-error-logs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogFileInfo {
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, unix seconds.
    pub modified: i64,
}

/// Why a log file lookup failed; `Display` is the spec's error text. The management API
/// maps each variant to the status named in its doc.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// 400: name empty or containing `/` or `\`.
    #[error("invalid log file name")]
    InvalidName,
    /// 404: not an `error-*.log` name, or no such file.
    #[error("log file not found")]
    NotFound,
    /// 400: the name is a directory.
    #[error("invalid log file")]
    NotAFile,
    /// 400: the resolved path leaves the log directory.
    #[error("invalid log file path")]
    PathEscape,
    /// 400: request id empty after trimming.
    #[error("missing request ID")]
    MissingRequestId,
    /// 400: request id containing `/` or `\`.
    #[error("invalid request ID")]
    InvalidRequestId,
    /// 404: the log directory does not exist.
    #[error("log directory not found")]
    DirectoryMissing,
    /// 404: no file ends with `-<id>.log`.
    #[error("log file not found for the given request ID")]
    NotFoundForRequestId,
    /// 500: reading the directory failed.
    #[error("failed to read log directory: {0}")]
    Io(#[from] io::Error),
}

/// `error-*.log` files in `dir`, newest first. A missing directory yields an empty list.
pub fn list_error_logs(dir: &Path) -> io::Result<Vec<LogFileInfo>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !is_error_log_name(&name) {
            continue;
        }
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        files.push(LogFileInfo {
            name,
            size: meta.len(),
            modified: unix_seconds(&meta),
        });
    }
    files.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| b.name.cmp(&a.name))
    });
    Ok(files)
}

/// Resolves `name` to an `error-*.log` file inside `dir`, refusing anything else.
pub fn resolve_error_log(dir: &Path, name: &str) -> Result<PathBuf, LookupError> {
    if name.is_empty() || name.contains('/') || name.contains('\\') {
        return Err(LookupError::InvalidName);
    }
    if !is_error_log_name(name) {
        return Err(LookupError::NotFound);
    }
    resolve_inside(dir, name)
}

/// Finds the first file (by name) in `dir` whose name ends with `-<id>.log`, including
/// `error-` files.
pub fn find_by_request_id(dir: &Path, id: &str) -> Result<PathBuf, LookupError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(LookupError::MissingRequestId);
    }
    if id.contains('/') || id.contains('\\') {
        return Err(LookupError::InvalidRequestId);
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            return Err(LookupError::DirectoryMissing);
        }
        Err(err) => return Err(err.into()),
    };
    let suffix = format!("-{id}{LOG_SUFFIX}");
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(&suffix))
        .collect();
    names.sort();
    for name in names {
        match resolve_inside(dir, &name) {
            Ok(path) => return Ok(path),
            Err(LookupError::NotAFile | LookupError::NotFound) => continue,
            Err(err) => return Err(err),
        }
    }
    Err(LookupError::NotFoundForRequestId)
}

/// Joins `name` to `dir` and checks the canonical result is a file directly inside `dir`.
fn resolve_inside(dir: &Path, name: &str) -> Result<PathBuf, LookupError> {
    let path = dir.join(name);
    let meta = match fs::metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(LookupError::NotFound),
        Err(err) => return Err(err.into()),
    };
    if meta.is_dir() {
        return Err(LookupError::NotAFile);
    }
    let canonical_dir = fs::canonicalize(dir)?;
    let canonical = fs::canonicalize(&path)?;
    if canonical.parent() != Some(canonical_dir.as_path()) {
        return Err(LookupError::PathEscape);
    }
    Ok(canonical)
}

pub(crate) fn unix_seconds(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}
