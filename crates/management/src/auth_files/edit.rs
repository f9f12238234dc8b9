//! `PATCH /auth-files/status` and `PATCH /auth-files/fields` (spec §12.7, §12.8).
//!
//! Both rewrite the credential's JSON file (compact, top-level keys sorted, written
//! atomically; skipped when the content is unchanged). The server's auth-dir
//! watcher re-reads the file, so the change reaches the pool and survives restarts.
//! Only files that `GET /auth-files` lists can be edited (no stray files named
//! after config credential ids, spec §12.8 QUIRK). A client may name the file with
//! `name` or `filename`.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{checked_name, read_object, write_atomic};
use crate::error::{ApiError, ApiResult, ok};
use crate::logs::blocking;
use crate::patch::{Field, field};
use crate::state::Shared;

/// Body of `PATCH /auth-files/status`.
#[derive(Deserialize)]
struct StatusBody {
    name: Option<String>,
    filename: Option<String>,
    disabled: Option<bool>,
}

/// Body of `PATCH /auth-files/fields`. Every field is a [`Field`]: omitted and
/// `null` both mean "leave unchanged"; a value is applied as the spec says
/// (`""`/`0` remove the key).
#[derive(Deserialize)]
struct FieldsBody {
    name: Option<String>,
    filename: Option<String>,
    #[serde(default, deserialize_with = "field")]
    prefix: Field<String>,
    #[serde(default, deserialize_with = "field")]
    proxy_url: Field<String>,
    #[serde(default, deserialize_with = "field")]
    headers: Field<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "field")]
    priority: Field<i64>,
    #[serde(default, deserialize_with = "field")]
    note: Field<String>,
}

/// `PATCH /auth-files/status`: `{"name","disabled"}` ⇒ `{"status":"ok","disabled":b}`.
pub async fn patch_status(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let body: StatusBody = parse(&body)?;
    let name = file_name(body.name, body.filename)?;
    let disabled = body
        .disabled
        .ok_or_else(|| ApiError::bad_request("disabled is required"))?;
    edit_file(&shared, name, move |content| {
        content.insert("disabled".to_owned(), Value::Bool(disabled));
        Ok(())
    })
    .await?;
    Ok(Json(json!({"status": "ok", "disabled": disabled})).into_response())
}

/// `PATCH /auth-files/fields`: prefix / proxy_url / headers (merge) / priority / note.
pub async fn patch_fields(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let body: FieldsBody = parse(&body)?;
    let name = file_name(body.name, body.filename)?;
    let (prefix, proxy_url, note) = (
        body.prefix.flatten(),
        body.proxy_url.flatten(),
        body.note.flatten(),
    );
    let priority = body.priority.flatten();
    let headers = body.headers.flatten().unwrap_or_default();
    edit_file(&shared, name, move |content| {
        let mut is_changed = false;
        for (key, value) in [("prefix", prefix), ("proxy_url", proxy_url), ("note", note)] {
            if let Some(value) = value {
                set_or_remove(content, key, value.trim());
                is_changed = true;
            }
        }
        if let Some(priority) = priority {
            if priority == 0 {
                content.remove("priority");
            } else {
                content.insert("priority".to_owned(), json!(priority));
            }
            is_changed = true;
        }
        is_changed |= merge_headers(content, headers);
        if is_changed {
            Ok(())
        } else {
            Err(ApiError::bad_request("no fields to update"))
        }
    })
    .await?;
    ok()
}

/// Reads, edits and rewrites one listed auth file.
async fn edit_file(
    shared: &Shared,
    name: String,
    edit: impl FnOnce(&mut Map<String, Value>) -> Result<(), ApiError> + Send + 'static,
) -> Result<(), ApiError> {
    let dir = shared.config().auth_dir.clone();
    // One writer at a time, shared with config writes: edits are rare.
    let _guard = shared.write_lock().lock().await;
    blocking(move || {
        let path = dir.join(&name);
        if !path.is_file() {
            return Err(ApiError::not_found("auth file not found"));
        }
        let mut content = read_object(&path)?;
        let before = content.clone();
        edit(&mut content)?;
        if content == before {
            return Ok(());
        }
        let sorted: BTreeMap<String, Value> = content.into_iter().collect();
        let bytes = serde_json::to_vec(&sorted)
            .map_err(|err| ApiError::internal(format!("failed to update auth: {err}")))?;
        write_atomic(&dir, &name, &bytes)
            .map(|_| ())
            .map_err(|err| ApiError::internal(format!("failed to update auth: {err}")))
    })
    .await?
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::bad_request("invalid request body"))
}

/// `name` (or `filename`), trimmed and non-empty; an unusable name cannot be listed,
/// so it is "not found".
fn file_name(name: Option<String>, filename: Option<String>) -> Result<String, ApiError> {
    let name = name
        .filter(|n| !n.trim().is_empty())
        .or(filename)
        .unwrap_or_default();
    if name.trim().is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    checked_name(&name).map_err(|_| ApiError::not_found("auth file not found"))
}

fn set_or_remove(content: &mut Map<String, Value>, key: &str, value: &str) {
    if value.is_empty() {
        content.remove(key);
    } else {
        content.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// Merges header edits: non-empty values set, empty values remove. Returns whether
/// the headers changed.
fn merge_headers(content: &mut Map<String, Value>, edits: BTreeMap<String, String>) -> bool {
    let mut headers = match content.get("headers") {
        Some(Value::Object(map)) => map.clone(),
        _ => Map::new(),
    };
    let before = headers.clone();
    for (key, value) in edits {
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            continue;
        }
        if value.is_empty() {
            headers.remove(key);
        } else {
            headers.insert(key.to_owned(), Value::String(value.to_owned()));
        }
    }
    if headers == before {
        return false;
    }
    if headers.is_empty() {
        content.remove("headers");
    } else {
        content.insert("headers".to_owned(), Value::Object(headers));
    }
    true
}
