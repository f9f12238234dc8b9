//! Logs (spec §8.7): the application log (`GET`/`DELETE /logs`), request-error logs
//! (`/request-error-logs[/{name}]`) and request logs by id (`/request-log-by-id/{id}`).
//!
//! All files live in one logs directory (the context's, else the config's
//! `paths.logs_dir`). File-system work runs on blocking threads. File names from
//! clients go through `cpa_usage::request_log` lookups, which refuse path separators,
//! traversal and symlink escapes.

mod app_log;

use std::collections::HashMap;
use std::path::Path;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use cpa_usage::request_log::{self, LookupError};
use serde_json::json;

use crate::error::{ApiError, ApiResult, json};
use crate::state::Shared;

/// `GET /logs?after=&limit=`.
pub async fn get_logs(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    if !shared.config().logging_to_file {
        return Err(ApiError::bad_request("logging to file disabled"));
    }
    let after = q
        .get("after")
        .and_then(|a| a.trim().parse::<i64>().ok())
        .filter(|a| *a > 0);
    let limit = match q.get("limit").map(|l| l.trim()).filter(|l| !l.is_empty()) {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Err(_) => {
                return Err(ApiError::bad_request(
                    "invalid limit: must be a positive integer",
                ));
            }
            Ok(n) if n <= 0 => {
                return Err(ApiError::bad_request(
                    "invalid limit: must be greater than zero",
                ));
            }
            Ok(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
        },
    };
    let dir = shared.logs_dir();
    let page = blocking(move || app_log::read(&dir, after, limit)).await??;
    json(json!({
        "lines": page.lines,
        "line-count": page.line_count,
        "latest-timestamp": page.latest_timestamp,
    }))
}

/// `DELETE /logs`: truncates `main.log`, removes rotated files.
pub async fn delete_logs(State(shared): State<Shared>) -> ApiResult {
    if !shared.config().logging_to_file {
        return Err(ApiError::bad_request("logging to file disabled"));
    }
    let dir = shared.logs_dir();
    let removed = blocking(move || app_log::clear(&dir)).await??;
    json(json!({
        "success": true,
        "message": "Logs cleared successfully",
        "removed": removed,
    }))
}

/// `GET /request-error-logs`: `error-*.log` files, newest first (empty while
/// `request-log` is on, as upstream).
pub async fn list_error_logs(State(shared): State<Shared>) -> ApiResult {
    if shared.config().request_log {
        return json(json!({ "files": [] }));
    }
    let dir = shared.logs_dir();
    let files = blocking(move || request_log::list_error_logs(&dir))
        .await?
        .map_err(|err| ApiError::internal(format!("failed to list request error logs: {err}")))?;
    json(json!({ "files": files }))
}

/// `GET /request-error-logs/{name}`: one error log as an attachment.
pub async fn download_error_log(
    State(shared): State<Shared>,
    UrlPath(name): UrlPath<String>,
) -> ApiResult {
    let dir = shared.logs_dir();
    let path = blocking(move || request_log::resolve_error_log(&dir, &name))
        .await?
        .map_err(lookup_error)?;
    attachment(&path, "text/plain; charset=utf-8").await
}

/// `GET /request-log-by-id/{id}`: the first log file ending in `-<id>.log`.
pub async fn download_by_id(
    State(shared): State<Shared>,
    UrlPath(id): UrlPath<String>,
) -> ApiResult {
    let dir = shared.logs_dir();
    let path = blocking(move || request_log::find_by_request_id(&dir, &id))
        .await?
        .map_err(lookup_error)?;
    attachment(&path, "text/plain; charset=utf-8").await
}

/// A file as a download (`Content-Disposition: attachment`).
pub async fn attachment(path: &Path, content_type: &'static str) -> ApiResult {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().replace('"', ""))
        .unwrap_or_default();
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => ApiError::not_found("file not found"),
            _ => ApiError::internal(format!("failed to read file: {err}")),
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Runs blocking file-system work off the runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError::internal(err.to_string()))
}

/// The status the spec gives each lookup failure.
fn lookup_error(err: LookupError) -> ApiError {
    let status = match err {
        LookupError::InvalidName
        | LookupError::NotAFile
        | LookupError::PathEscape
        | LookupError::MissingRequestId
        | LookupError::InvalidRequestId => StatusCode::BAD_REQUEST,
        LookupError::NotFound
        | LookupError::DirectoryMissing
        | LookupError::NotFoundForRequestId => StatusCode::NOT_FOUND,
        LookupError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    ApiError::new(status, err.to_string())
}
