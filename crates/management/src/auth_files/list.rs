//! `GET /auth-files`, `GET /auth-files/models`, `GET /auth-files/download`.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use axum::extract::{Query, State};
use chrono::{DateTime, Local};
use cpa_router::CredentialId;
use cpa_router::health::Health;
use serde_json::{Map, Value, json};

use super::{checked_name, is_json_name, query_name};
use crate::error::{ApiError, ApiResult, json};
use crate::logs::{attachment, blocking};
use crate::state::Shared;

/// One file found on disk.
struct Found {
    name: String,
    path: std::path::PathBuf,
    size: u64,
    modified: Option<SystemTime>,
    content: Map<String, Value>,
}

/// `GET /auth-files`: `{"files":[…]}`, sorted case-insensitively by name.
pub async fn list(State(shared): State<Shared>) -> ApiResult {
    let dir = shared.config().auth_dir.clone();
    let found = blocking(move || scan(&dir)).await?;
    let mut files = Vec::with_capacity(found.len());
    for file in found {
        let mut entry = entry(&file);
        enrich(&shared, &file.name, &mut entry).await;
        files.push(Value::Object(entry));
    }
    json(json!({ "files": files }))
}

/// `GET /auth-files/models?name=`: the models the pool registered for a credential.
pub async fn models(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let name = query_name(&q);
    let name = name.as_str();
    if name.is_empty() {
        return Err(ApiError::bad_request("name is required"));
    }
    let models: Vec<Value> = match &shared.ctx().pool {
        Some(pool) => {
            let snapshot = pool.snapshot();
            snapshot
                .registry()
                .models_of(&CredentialId::new(name))
                .iter()
                .map(|r| &r.info)
                .map(|m| {
                    let mut o = Map::new();
                    o.insert("id".into(), json!(m.id));
                    for (key, value) in [
                        ("display_name", &m.display_name),
                        ("type", &m.kind),
                        ("owned_by", &m.owned_by),
                    ] {
                        if !value.is_empty() {
                            o.insert(key.into(), json!(value));
                        }
                    }
                    Value::Object(o)
                })
                .collect()
        }
        None => Vec::new(),
    };
    json(json!({ "models": models }))
}

/// `GET /auth-files/download?name=<file>.json`.
pub async fn download(
    State(shared): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult {
    let name = checked_name(&query_name(&q))?;
    if !is_json_name(&name) {
        return Err(ApiError::bad_request("name must end with .json"));
    }
    let path = shared.config().auth_dir.join(&name);
    attachment(&path, "application/json").await
}

/// Every `*.json` file directly in `dir` (unreadable JSON is listed with no fields).
fn scan(dir: &Path) -> Vec<Found> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Found> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let meta = entry.metadata().ok()?;
            if !meta.is_file() || !is_json_name(&name) || name.starts_with('.') {
                return None;
            }
            let content = std::fs::read(entry.path())
                .ok()
                .and_then(|b| serde_json::from_slice::<Map<String, Value>>(&b).ok())
                .unwrap_or_default();
            Some(Found {
                name,
                path: entry.path(),
                size: meta.len(),
                modified: meta.modified().ok(),
                content,
            })
        })
        .collect();
    found.sort_by_key(|f| f.name.to_lowercase());
    found
}

/// The spec §12.6 fields that the file itself determines.
fn entry(file: &Found) -> Map<String, Value> {
    let c = &file.content;
    let text = |key: &str| {
        c.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let kind = text("type").unwrap_or_else(|| "unknown".to_owned());
    let provider = if kind == "gemini" {
        "gemini-cli".to_owned()
    } else {
        kind
    };
    let email = text("email");
    let is_disabled = c.get("disabled").and_then(Value::as_bool).unwrap_or(false);
    let mut o = Map::new();
    o.insert("id".into(), json!(file.name));
    o.insert("auth_index".into(), json!(super::auth_index_of(&file.name)));
    o.insert("name".into(), json!(file.name));
    o.insert("type".into(), json!(provider));
    o.insert("provider".into(), json!(provider));
    o.insert(
        "label".into(),
        json!(email.clone().unwrap_or_else(|| provider.clone())),
    );
    o.insert(
        "status".into(),
        json!(if is_disabled { "disabled" } else { "active" }),
    );
    o.insert("status_message".into(), json!(""));
    o.insert("disabled".into(), json!(is_disabled));
    o.insert("unavailable".into(), json!(false));
    o.insert("runtime_only".into(), json!(false));
    o.insert("source".into(), json!("file"));
    o.insert("size".into(), json!(file.size));
    if let Some(email) = &email {
        o.insert("email".into(), json!(email));
        o.insert("account_type".into(), json!("oauth"));
        let account = match (provider.as_str(), text("project_id")) {
            ("gemini-cli", Some(project)) => format!("{email} ({project})"),
            _ => email.clone(),
        };
        o.insert("account".into(), json!(account));
    } else if let Some(key) = text("api_key") {
        o.insert("account_type".into(), json!("api_key"));
        o.insert("account".into(), json!(key));
    }
    if let Some(modified) = file.modified {
        let time = rfc3339(modified);
        o.insert("modtime".into(), json!(time));
        o.insert("updated_at".into(), json!(time));
    }
    if let Some(refresh) = [
        "last_refresh",
        "lastRefresh",
        "last_refreshed_at",
        "lastRefreshedAt",
    ]
    .iter()
    .find_map(|k| text(k))
    {
        o.insert("last_refresh".into(), json!(refresh));
    }
    o.insert("path".into(), json!(file.path.to_string_lossy()));
    if let Some(priority) = priority(c.get("priority")) {
        o.insert("priority".into(), json!(priority));
    }
    if let Some(note) = text("note") {
        o.insert("note".into(), json!(note));
    }
    if provider == "codex" {
        if let Some(summary) = super::id_token::summary(c) {
            o.insert("id_token".into(), summary);
        }
    }
    o
}

/// Live fields: usage counters and pool health.
async fn enrich(shared: &Shared, name: &str, o: &mut Map<String, Value>) {
    let counters = match &shared.ctx().usage {
        Some(usage) => usage.credential_usage(name).await.ok(),
        None => None,
    };
    let counters = counters.unwrap_or_default();
    o.insert("success".into(), json!(counters.success));
    o.insert("failed".into(), json!(counters.failed));
    o.insert("recent_requests".into(), json!(counters.recent_requests));
    let Some(pool) = &shared.ctx().pool else {
        return;
    };
    let Some(status) = pool
        .credential_statuses()
        .into_iter()
        .find(|s| s.credential.id.as_str() == name)
    else {
        return;
    };
    let is_file_disabled = o.get("disabled").and_then(Value::as_bool).unwrap_or(false);
    if let Health::Disabled { reason } = &status.health {
        if !is_file_disabled {
            o.insert("status".into(), json!("error"));
            o.insert("status_message".into(), json!(reason));
            o.insert("unavailable".into(), json!(true));
        }
    }
    if let Some(longest) = status.cooldowns.iter().map(|c| c.remaining).max() {
        let until = SystemTime::now() + longest;
        o.insert("next_retry_after".into(), json!(rfc3339(until)));
    }
}

/// `priority` as a number (truncated) or numeric string; `None` when absent/invalid.
pub fn priority(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

fn rfc3339(time: SystemTime) -> String {
    DateTime::<Local>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}
