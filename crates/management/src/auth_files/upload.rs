//! `POST /auth-files` (upload, multipart or raw JSON) and `DELETE /auth-files`.
//!
//! Uploads are parsed as a JSON object **before** anything is written (v6.9
//! behaviour), capped in size, and written atomically. Names are validated: no path
//! separators, no `..`, must end in `.json`.

use std::collections::HashMap;
use std::path::Path;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::{checked_name, is_json_name, query_name, write_atomic};
use crate::error::{ApiError, ApiResult, ok};
use crate::logs::blocking;
use crate::state::Shared;

/// `POST /auth-files`.
pub async fn upload(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    req: Request,
) -> ApiResult {
    let dir = shared.config().auth_dir.clone();
    let cap = shared.ctx().max_auth_file_bytes;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if is_multipart {
        return upload_multipart(dir, cap, req).await;
    }
    let name = checked_name(&query_name(&q))?;
    if !is_json_name(&name) {
        return Err(ApiError::bad_request("name must end with .json"));
    }
    let body = axum::body::to_bytes(req.into_body(), cap)
        .await
        .map_err(|_| too_large(cap))?;
    save(dir, name, body.to_vec()).await?;
    ok()
}

async fn upload_multipart(dir: std::path::PathBuf, cap: usize, req: Request) -> ApiResult {
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|err| ApiError::bad_request(format!("invalid multipart form: {err}")))?;
    let mut saved: Vec<String> = Vec::new();
    let mut failed: Vec<(String, ApiError)> = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                return Err(ApiError::bad_request(format!(
                    "invalid multipart form: {err}"
                )));
            }
        };
        let Some(file_name) = field.file_name().map(base_name) else {
            continue;
        };
        let bytes = field
            .bytes()
            .await
            .map_err(|err| ApiError::bad_request(format!("invalid multipart form: {err}")))?;
        let result = match checked_name(&file_name) {
            Err(err) => Err(err),
            Ok(name) if !is_json_name(&name) => Err(ApiError::bad_request("file must be .json")),
            Ok(_) if bytes.len() > cap => Err(too_large(cap)),
            Ok(name) => save(dir.clone(), name, bytes.to_vec()).await,
        };
        match result {
            Ok(()) => saved.push(file_name),
            Err(err) => failed.push((file_name, err)),
        }
    }
    batch_response("uploaded", saved, failed, "no files uploaded")
}

/// Validates `bytes` as a JSON object and writes it to `dir/name`.
async fn save(dir: std::path::PathBuf, name: String, bytes: Vec<u8>) -> Result<(), ApiError> {
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(_)) => {}
        Ok(_) => return Err(ApiError::internal("invalid auth file: not a json object")),
        Err(err) => return Err(ApiError::internal(format!("invalid auth file: {err}"))),
    }
    blocking(move || write_atomic(&dir, &name, &bytes))
        .await?
        .map(|_| ())
        .map_err(|err| ApiError::internal(format!("failed to write file: {err}")))
}

/// `DELETE /auth-files`: `?all=true`, repeated `?name=`, or a JSON body
/// (`{"name"}`, `{"names":[…]}`, `[…]`).
pub async fn delete(
    State(shared): State<Shared>,
    Query(q): Query<Vec<(String, String)>>,
    body: axum::body::Bytes,
) -> ApiResult {
    let dir = shared.config().auth_dir.clone();
    let is_all = q
        .iter()
        .any(|(k, v)| k == "all" && matches!(v.trim().to_lowercase().as_str(), "true" | "1" | "*"));
    if is_all {
        let deleted = blocking(move || delete_all(&dir)).await??;
        return Ok(Json(json!({"status": "ok", "deleted": deleted})).into_response());
    }
    let unique = requested_names(&q, &body)?;
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    for name in unique {
        let path = dir.join(&name);
        match blocking(move || std::fs::remove_file(path)).await? {
            Ok(()) => deleted.push(name),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                failed.push((name, ApiError::not_found("auth file not found")));
            }
            Err(err) => failed.push((
                name,
                ApiError::internal(format!("failed to remove file: {err}")),
            )),
        }
    }
    batch_response("deleted", deleted, failed, "invalid name")
}

/// One item ⇒ `{"status":"ok"}` or its own error; several ⇒ `{"status":"ok",<count>,
/// "files"}`, or `207 {"status":"partial",…,"failed":[{name,error}]}`.
fn batch_response(
    count_key: &str,
    done: Vec<String>,
    mut failed: Vec<(String, ApiError)>,
    empty_error: &str,
) -> ApiResult {
    match (done.len(), failed.len()) {
        (0, 0) => Err(ApiError::bad_request(empty_error)),
        (1, 0) => ok(),
        (0, 1) => Err(failed.remove(0).1),
        (n, 0) => Ok(Json(json!({"status": "ok", count_key: n, "files": done})).into_response()),
        (n, _) => Ok((
            StatusCode::MULTI_STATUS,
            Json(json!({
                "status": "partial",
                count_key: n,
                "files": done,
                "failed": failures(failed),
            })),
        )
            .into_response()),
    }
}

/// Names from repeated `?name=`/`?filename=`, else from the JSON body; validated and
/// de-duplicated; none ⇒ `400 invalid name`.
fn requested_names(q: &[(String, String)], body: &[u8]) -> Result<Vec<String>, ApiError> {
    let mut names: Vec<String> = q
        .iter()
        .filter(|(k, _)| k == "name" || k == "filename")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if names.is_empty() && !body.iter().all(u8::is_ascii_whitespace) {
        names = body_names(body)?;
    }
    let mut unique: Vec<String> = Vec::new();
    for name in names {
        let name = checked_name(&name)?;
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    if unique.is_empty() {
        return Err(ApiError::bad_request("invalid name"));
    }
    Ok(unique)
}

fn body_names(body: &[u8]) -> Result<Vec<String>, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| ApiError::bad_request("invalid request body"))?;
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(match &value {
        Value::Array(_) => strings(&value),
        Value::Object(o) => {
            let mut names = strings(o.get("names").unwrap_or(&Value::Null));
            for key in ["name", "filename"] {
                names.extend(o.get(key).and_then(Value::as_str).map(str::to_owned));
            }
            names
        }
        _ => Vec::new(),
    }
    .into_iter()
    .map(|n| n.trim().to_owned())
    .filter(|n| !n.is_empty())
    .collect())
}

fn delete_all(dir: &Path) -> Result<usize, ApiError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| ApiError::internal(format!("failed to read auth dir: {err}")))?;
    let mut deleted = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && is_json_name(&name) && std::fs::remove_file(entry.path()).is_ok() {
            deleted += 1;
        }
    }
    Ok(deleted)
}

fn failures(failed: Vec<(String, ApiError)>) -> Vec<Value> {
    failed
        .into_iter()
        .map(|(name, err)| {
            let error = err.body.get("error").cloned().unwrap_or(Value::Null);
            json!({"name": name, "error": error})
        })
        .collect()
}

/// The last path component of an uploaded file name (`C:\x\a.json` ⇒ `a.json`).
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned()
}

fn too_large(cap: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("auth file too large (limit {cap} bytes)"),
    )
}
