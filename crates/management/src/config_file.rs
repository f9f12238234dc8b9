//! The configuration as a whole (spec §8.1): `GET /config` (JSON view),
//! `GET`/`PUT /config.yaml` (the file itself) and `GET /latest-version`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use cpa_config::raw::LEGACY_KEYS;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, json};
use crate::state::Shared;

/// Keys `GET /config` never shows (YAML-only or secret).
const HIDDEN_KEYS: &[&str] = &["host", "port", "remote-management", "auth-dir"];

/// `GET /config`: the raw config as JSON (unknown keys included, provider keys
/// unmasked), minus `host`, `port`, `remote-management`, `auth-dir` and legacy keys,
/// with the always-present keys filled with their effective values.
pub async fn get_config(State(shared): State<Shared>) -> ApiResult {
    let (config, raw) = shared.snapshot();
    let mut object = match raw.to_json() {
        Ok(Value::Object(map)) => map,
        _ => return Err(ApiError::internal("failed to render config")),
    };
    for key in HIDDEN_KEYS.iter().chain(LEGACY_KEYS) {
        object.remove(*key);
    }
    let defaults = json!({
        "proxy-url": "",
        "force-model-prefix": config.force_model_prefix,
        "request-log": config.request_log,
        "api-keys": null,
        "streaming": {},
        "tls": {"enable": config.tls.enable, "cert": "", "key": ""},
        "debug": config.debug,
        "commercial-mode": config.commercial_mode,
        "logging-to-file": config.logging_to_file,
        "logs-max-total-size-mb": config.logs_max_total_size_mb,
        "error-logs-max-files": config.error_logs_max_files,
        "usage-statistics-enabled": config.usage_statistics_enabled,
        "disable-cooling": config.disable_cooling,
        "request-retry": config.retry.request_retry,
        "max-retry-interval": config.retry.max_retry_interval.as_secs(),
        "quota-exceeded": {
            "switch-project": config.quota_exceeded.switch_project,
            "switch-preview-model": config.quota_exceeded.switch_preview_model,
        },
        "routing": {},
        "ws-auth": config.ws_auth,
        "gemini-api-key": null,
        "codex-api-key": null,
        "claude-api-key": null,
        "openai-compatibility": null,
        "vertex-api-key": null,
        "ampcode": {},
        "payload": {"default": null, "override": null},
    });
    if let Value::Object(defaults) = defaults {
        for (key, value) in defaults {
            object.entry(key).or_insert(value);
        }
    }
    json(Value::Object(object))
}

/// `GET /config.yaml`: the file bytes exactly as on disk.
pub async fn get_yaml(State(shared): State<Shared>) -> ApiResult {
    let path = shared.ctx().config_path().to_path_buf();
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok((
            [
                (header::CONTENT_TYPE, "application/yaml; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(ApiError::coded(
            StatusCode::NOT_FOUND,
            "not_found",
            "config file not found",
        )),
        Err(err) => Err(ApiError::coded(
            StatusCode::INTERNAL_SERVER_ERROR,
            "read_failed",
            err.to_string(),
        )),
    }
}

/// `PUT /config.yaml`: validate, store verbatim, apply; `{"ok":true,"changed":["config"]}`.
/// An empty or blank body is refused (`400 invalid_yaml`) instead of truncating the file.
pub async fn put_yaml(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::coded(
            StatusCode::BAD_REQUEST,
            "invalid_yaml",
            "cannot read request body",
        )
    })?;
    shared.replace_text(text).await?;
    json(json!({ "ok": true, "changed": ["config"] }))
}

/// `GET /latest-version`: this build has no release feed, so the spec's
/// `502 request_failed` shape explains that instead of calling GitHub.
pub async fn latest_version() -> ApiResult {
    Err(ApiError::coded(
        StatusCode::BAD_GATEWAY,
        "request_failed",
        "no release feed is configured for this build",
    ))
}
