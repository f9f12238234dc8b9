//! Usage statistics over `cpa-usage` (spec §8.8, §12.4): `GET /usage`,
//! `GET /usage/export`, `POST /usage/import`, `GET /api-key-usage`.
//!
//! Without a usage aggregator the read routes serve an empty snapshot and import
//! answers `400 usage statistics unavailable`, as upstream does when its store is
//! missing. `usage-statistics-enabled` is toggled live by the write path (`store`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use cpa_config::Config;
use cpa_config::raw::RawConfig;
use cpa_router::from_config::{CredentialSource, from_config};
use cpa_usage::StatisticsSnapshot;
use cpa_usage::stats::{ApiKeyCredential, ExportPayload, ImportError, ImportPayload};
use serde_json::json;

use crate::error::{ApiError, ApiResult, json};
use crate::state::Shared;

/// `GET /usage`.
pub async fn get_usage(State(shared): State<Shared>) -> ApiResult {
    let snapshot = match &shared.ctx().usage {
        Some(usage) => usage.snapshot().await.map_err(|_| unavailable())?,
        None => StatisticsSnapshot::default(),
    };
    let failed = snapshot.failure_count;
    json(json!({ "usage": snapshot, "failed_requests": failed }))
}

/// `GET /usage/export`.
pub async fn export(State(shared): State<Shared>) -> ApiResult {
    let payload = match &shared.ctx().usage {
        Some(usage) => usage.export().await.map_err(|_| unavailable())?,
        None => ExportPayload::new(StatisticsSnapshot::default()),
    };
    Ok(Json(payload).into_response())
}

/// `POST /usage/import`.
pub async fn import(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let payload = ImportPayload::from_json(&body).map_err(import_error)?;
    let usage = shared.ctx().usage.as_ref().ok_or_else(unavailable)?;
    let result = usage.import(payload).await.map_err(import_error)?;
    Ok(Json(result).into_response())
}

/// `GET /api-key-usage`: counters of every API-key credential of the config.
pub async fn api_key_usage(State(shared): State<Shared>) -> ApiResult {
    let usage = shared.ctx().usage.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "core auth manager unavailable",
        )
    })?;
    let (config, raw) = shared.snapshot();
    let credentials = api_key_credentials(&config, &raw);
    let body = usage
        .api_key_usage(credentials)
        .await
        .map_err(|_| unavailable())?;
    Ok(Json(body).into_response())
}

/// One [`ApiKeyCredential`] per config credential that carries a key, with the
/// router's credential id (what usage events carry as `auth_id`).
///
/// The base URL is the entry's own (trimmed); when the entry has none and the
/// resolved config filled in the provider default, it is `""`, as upstream reports.
fn api_key_credentials(config: &Config, raw: &RawConfig) -> Vec<ApiKeyCredential> {
    let credentials = from_config(config);
    let written = written_base_urls(raw);
    let mut out = Vec::new();
    for (id, source) in &credentials.sources {
        let found = match *source {
            CredentialSource::GeminiApiKey(i) => config
                .gemini_api_keys
                .get(i)
                .map(|k| ("gemini".to_owned(), k)),
            CredentialSource::ClaudeApiKey(i) => config
                .claude_api_keys
                .get(i)
                .map(|k| ("claude".to_owned(), &k.key)),
            CredentialSource::CodexApiKey(i) => config
                .codex_api_keys
                .get(i)
                .map(|k| ("codex".to_owned(), &k.key)),
            CredentialSource::VertexApiKey(i) => config
                .vertex_api_keys
                .get(i)
                .map(|k| ("vertex".to_owned(), k)),
            CredentialSource::OpenAiCompat { entry, key } => {
                let Some(compat) = config.openai_compatibility.get(entry) else {
                    continue;
                };
                let Some(api_key) = key.and_then(|k| compat.api_keys.get(k)) else {
                    continue;
                };
                let provider = if compat.name.is_empty() {
                    "openai-compatibility".to_owned()
                } else {
                    compat.name.to_lowercase()
                };
                out.push(ApiKeyCredential {
                    provider,
                    base_url: compat.base_url.trim().to_owned(),
                    api_key: api_key.api_key.expose().trim().to_owned(),
                    auth_id: id.as_str().to_owned(),
                });
                continue;
            }
        };
        if let Some((provider, key)) = found {
            let api_key = key.api_key.expose().trim().to_owned();
            let resolved = key.base_url.trim().to_owned();
            let is_written = written
                .iter()
                .any(|(p, k, b)| *p == provider && *k == api_key && *b == resolved);
            out.push(ApiKeyCredential {
                base_url: if is_written { resolved } else { String::new() },
                provider,
                api_key,
                auth_id: id.as_str().to_owned(),
            });
        }
    }
    out
}

/// (provider, trimmed api-key, trimmed base-url) of every key entry as written.
fn written_base_urls(raw: &RawConfig) -> Vec<(String, String, String)> {
    fn rows<T>(
        provider: &str,
        items: Option<&Vec<T>>,
        get: impl Fn(&T) -> (Option<&String>, Option<&String>),
    ) -> Vec<(String, String, String)> {
        let text = |s: Option<&String>| s.map(|s| s.trim().to_owned()).unwrap_or_default();
        items
            .into_iter()
            .flatten()
            .map(|item| {
                let (key, base) = get(item);
                (provider.to_owned(), text(key), text(base))
            })
            .collect()
    }
    let mut out = rows("gemini", raw.gemini_api_key.as_ref(), |e| {
        (e.api_key.as_ref(), e.base_url.as_ref())
    });
    out.extend(rows("claude", raw.claude_api_key.as_ref(), |e| {
        (e.api_key.as_ref(), e.base_url.as_ref())
    }));
    out.extend(rows("codex", raw.codex_api_key.as_ref(), |e| {
        (e.api_key.as_ref(), e.base_url.as_ref())
    }));
    out.extend(rows("vertex", raw.vertex_api_key.as_ref(), |e| {
        (e.api_key.as_ref(), e.base_url.as_ref())
    }));
    out
}

fn unavailable() -> ApiError {
    ApiError::bad_request("usage statistics unavailable")
}

fn import_error(err: ImportError) -> ApiError {
    ApiError::bad_request(err.to_string())
}
