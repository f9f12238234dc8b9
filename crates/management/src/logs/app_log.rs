//! Reading and clearing the application log (`main.log` and its rotations).
//!
//! Files: `main.log.<N>` and `main-<YYYY-MM-DDTHH-MM-SS>[.<ms>].log` (oldest first,
//! by modification time), then `main.log`. Gzipped rotations (`*.log.gz`) are
//! deleted by `clear` but not read (this build writes none). A line's timestamp is
//! its first 19 characters after an optional `[`, `YYYY-MM-DD HH:MM:SS` in local
//! time. Blocking: call from `spawn_blocking`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDateTime, TimeZone};

use crate::error::ApiError;

/// Name of the active log file.
pub const MAIN_LOG: &str = "main.log";

/// The result of one `GET /logs`.
#[derive(Debug, Default)]
pub struct Page {
    /// Lines to return, oldest first.
    pub lines: Vec<String>,
    /// Lines scanned in all files.
    pub line_count: usize,
    /// Largest timestamp seen (or `after` when larger / none parsed).
    pub latest_timestamp: i64,
}

/// Reads every log file, keeping lines newer than `after` (spec §8.7 filter rule)
/// and at most the last `limit` of them.
pub fn read(dir: &Path, after: Option<i64>, limit: Option<usize>) -> Result<Page, ApiError> {
    let mut page = Page {
        latest_timestamp: after.unwrap_or(0),
        ..Page::default()
    };
    if !dir.is_dir() {
        return Ok(page);
    }
    let files = log_files(dir)
        .map_err(|err| ApiError::internal(format!("failed to list log files: {err}")))?;
    // Whether the most recent timestamped line was included (for continuation lines).
    let mut is_including = after.is_none();
    for path in files.iter().filter(|p| !is_gz(p)) {
        let bytes = match fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => {
                return Err(ApiError::internal(format!(
                    "failed to read log file {}: {err}",
                    path.display()
                )));
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        for line in text.split_terminator('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            page.line_count += 1;
            if let Some(ts) = timestamp(line) {
                page.latest_timestamp = page.latest_timestamp.max(ts);
                is_including = after.is_none_or(|a| ts > a);
            }
            if is_including {
                page.lines.push(line.to_owned());
            }
        }
    }
    if let Some(limit) = limit {
        let skip = page.lines.len().saturating_sub(limit);
        page.lines.drain(..skip);
    }
    Ok(page)
}

/// Truncates `main.log` and deletes every rotated file; returns how many were deleted.
pub fn clear(dir: &Path) -> Result<usize, ApiError> {
    if !dir.is_dir() {
        return Err(ApiError::not_found("log directory not found"));
    }
    let files = log_files(dir)
        .map_err(|err| ApiError::internal(format!("failed to list log directory: {err}")))?;
    let mut removed = 0;
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name == MAIN_LOG {
            fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&path)
                .map_err(|err| ApiError::internal(format!("failed to truncate log file: {err}")))?;
        } else {
            fs::remove_file(&path)
                .map_err(|err| ApiError::internal(format!("failed to remove {name}: {err}")))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Rotated files oldest first, then `main.log` (when present).
fn log_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut rotated = Vec::new();
    let mut main = None;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() {
            continue;
        }
        if name == MAIN_LOG {
            main = Some(entry.path());
        } else if is_rotated(&name) {
            let modified = entry.metadata()?.modified().ok();
            rotated.push((modified, name, entry.path()));
        }
    }
    rotated.sort();
    let mut files: Vec<PathBuf> = rotated.into_iter().map(|(_, _, p)| p).collect();
    files.extend(main);
    Ok(files)
}

/// `main.log.<N>` or `main-<stamp>[.<ms>].log[.gz]`.
fn is_rotated(name: &str) -> bool {
    if let Some(n) = name.strip_prefix("main.log.") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    let Some(rest) = name.strip_prefix("main-") else {
        return false;
    };
    let stem = rest
        .strip_suffix(".log.gz")
        .or_else(|| rest.strip_suffix(".log"));
    stem.is_some_and(|s| s.len() >= 19 && s.as_bytes()[10] == b'T')
}

fn is_gz(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// Unix seconds of a line's leading `[YYYY-MM-DD HH:MM:SS`, in local time.
fn timestamp(line: &str) -> Option<i64> {
    let text = line.strip_prefix('[').unwrap_or(line);
    let head = text.get(..19)?;
    let naive = NaiveDateTime::parse_from_str(head, "%Y-%m-%d %H:%M:%S").ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_names_are_recognised() {
        assert!(is_rotated("main.log.1"));
        assert!(is_rotated("main-2026-01-14T09-12-03.log"));
        assert!(is_rotated("main-2026-01-14T09-12-03.512.log.gz"));
        assert!(!is_rotated("main.log"));
        assert!(!is_rotated("error-x.log"));
    }

    #[test]
    fn continuation_lines_follow_their_timestamped_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = timestamp("[2026-01-14 09:00:00]").expect("ts");
        fs::write(
            dir.path().join(MAIN_LOG),
            "[2026-01-14 09:00:00] [--------] [info ] old\n  old detail\n\
             [2026-01-14 09:00:05] [--------] [info ] new\r\n  new detail\n",
        )
        .expect("write");
        let page = read(dir.path(), Some(old), None).expect("read");
        assert_eq!(page.line_count, 4);
        assert_eq!(page.lines.len(), 2);
        assert!(page.lines[0].ends_with("new"));
        assert_eq!(page.latest_timestamp, old + 5);
        let page = read(dir.path(), None, Some(1)).expect("read");
        assert_eq!(page.lines, ["  new detail"]);
    }
}
