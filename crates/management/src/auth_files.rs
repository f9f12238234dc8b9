//! Auth files: the credential JSON files directly inside `auth-dir` (spec §8.9,
//! §12.6–§12.8, §12.11).
//!
//! The directory is the source of truth: listing reads the files (enriched with the
//! pool's live health and the usage counters when those are available), and every
//! change is an atomic file write (temp file + rename) or removal. The server's
//! auth-dir watcher (`cpa_config::watch`) sees the change and updates the pool; no
//! direct pool call is made from here.
//!
//! | route | module |
//! |---|---|
//! | `GET /auth-files`, `/auth-files/models`, `/auth-files/download` | [`list`] |
//! | `POST`/`DELETE /auth-files` | [`upload`] |
//! | `PATCH /auth-files/status`, `/auth-files/fields` | [`edit`] |

mod edit;
mod id_token;
mod list;
mod upload;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use crate::error::ApiError;

pub use edit::{patch_fields, patch_status};
pub use list::{download, list, models};
pub use upload::{delete, upload};

/// Checks a client-supplied file name: non-empty, no path separators, no `..`,
/// no NUL. Returns it trimmed.
pub fn checked_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name.contains("..") {
        return Err(ApiError::bad_request("invalid name"));
    }
    Ok(name.to_owned())
}

/// The `name` query parameter, else `filename` (trimmed; `""` when neither).
pub fn query_name(q: &std::collections::HashMap<String, String>) -> String {
    ["name", "filename"]
        .iter()
        .filter_map(|k| q.get(*k))
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_owned()
}

/// The `auth_index` of a credential id, derived as the server derives it for
/// usage records (`cpa_usage::auth_index(id)`; for auth files the id is the file
/// name), so `/auth-files`, the provider-key lists and `/usage` details agree.
pub fn auth_index_of(id: &str) -> String {
    cpa_usage::auth_index(id)
}

/// Whether a name ends in `.json` (case-insensitive).
pub fn is_json_name(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".json")
}

/// Writes `bytes` to `dir/name` atomically (temp file in the same directory, fsync,
/// rename), mode 0600 on Unix.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let target = dir.join(name);
    // Unique per write so concurrent uploads of one name never share a temp file.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map(|()| target)
}

/// Reads `dir/name` as a JSON object.
pub fn read_object(path: &Path) -> Result<Map<String, Value>, ApiError> {
    let bytes = std::fs::read(path).map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => ApiError::not_found("auth file not found"),
        _ => ApiError::internal(format!("failed to read file: {err}")),
    })?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::internal(
            "failed to update auth: file is not a json object",
        )),
    }
}
