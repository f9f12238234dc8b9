//! Scalar settings (spec §8.2, §12.5): `GET` ⇒ `{"<key>": value}`, `PUT`/`PATCH`
//! `{"value": …}` ⇒ `{"status":"ok"}`, some with `DELETE` (clears).
//!
//! Each setting is one [`Scalar`] row: its response key, how to read it (defaults
//! from the resolved config) and how to write it into the raw config. The generic
//! handlers do the rest, so adding a setting is one row plus one line in `routes`.

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{MethodRouter, get};
use cpa_config::Config;
use cpa_config::raw::RawConfig;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, json, ok};
use crate::patch::scalar_value;
use crate::state::Shared;

/// The value type a setting accepts.
#[derive(Clone, Copy)]
pub enum Setter {
    /// JSON boolean.
    Bool(fn(&mut RawConfig, bool) -> Result<(), ApiError>),
    /// JSON integer.
    Int(fn(&mut RawConfig, i64)),
    /// JSON string.
    Str(fn(&mut RawConfig, String) -> Result<(), ApiError>),
}

/// One scalar setting.
pub struct Scalar {
    /// Key of the GET response object.
    pub key: &'static str,
    /// Reads the current value.
    pub get: fn(&Config, &RawConfig) -> Value,
    /// Writes a new value into the raw config.
    pub set: Setter,
    /// `DELETE` support: clears the value.
    pub delete: Option<fn(&mut RawConfig)>,
}

/// The method router of one setting.
pub fn route(scalar: &'static Scalar) -> MethodRouter<Shared> {
    let router = get(move |State(shared): State<Shared>| async move { read(&shared, scalar) })
        .put(move |State(shared): State<Shared>, body: Bytes| write(shared, scalar, body))
        .patch(move |State(shared): State<Shared>, body: Bytes| write(shared, scalar, body));
    match scalar.delete {
        Some(clear) => router.delete(move |State(shared): State<Shared>| async move {
            shared
                .update(move |raw| {
                    clear(raw);
                    Ok(())
                })
                .await?;
            ok()
        }),
        None => router,
    }
}

fn read(shared: &Shared, scalar: &Scalar) -> ApiResult {
    let (config, raw) = shared.snapshot();
    let mut body = serde_json::Map::new();
    body.insert(scalar.key.to_owned(), (scalar.get)(&config, &raw));
    json(Value::Object(body))
}

async fn write(shared: Shared, scalar: &'static Scalar, body: Bytes) -> ApiResult {
    match scalar.set {
        Setter::Bool(set) => {
            let value: bool = scalar_value(&body)?;
            shared.update(move |raw| set(raw, value)).await?;
        }
        Setter::Int(set) => {
            let value: i64 = scalar_value(&body)?;
            shared
                .update(move |raw| {
                    set(raw, value);
                    Ok(())
                })
                .await?;
        }
        Setter::Str(set) => {
            let value: String = scalar_value(&body)?;
            shared.update(move |raw| set(raw, value)).await?;
        }
    }
    ok()
}

/// `Some(section)` of the raw config, created when absent.
macro_rules! section {
    ($raw:expr, $field:ident) => {
        $raw.$field.get_or_insert_with(Default::default)
    };
}

/// `debug`.
pub static DEBUG: Scalar = Scalar {
    key: "debug",
    get: |c, _| json!(c.debug),
    set: Setter::Bool(|r, v| {
        r.debug = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `logging-to-file`.
pub static LOGGING_TO_FILE: Scalar = Scalar {
    key: "logging-to-file",
    get: |c, _| json!(c.logging_to_file),
    set: Setter::Bool(|r, v| {
        r.logging_to_file = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `logs-max-total-size-mb` (negative ⇒ 0).
pub static LOGS_MAX_TOTAL_SIZE_MB: Scalar = Scalar {
    key: "logs-max-total-size-mb",
    get: |c, _| json!(c.logs_max_total_size_mb),
    set: Setter::Int(|r, v| r.logs_max_total_size_mb = Some(v.max(0))),
    delete: None,
};

/// `error-logs-max-files` (negative ⇒ 10; always written, even 0 or 10).
pub static ERROR_LOGS_MAX_FILES: Scalar = Scalar {
    key: "error-logs-max-files",
    get: |c, _| json!(c.error_logs_max_files),
    set: Setter::Int(|r, v| r.error_logs_max_files = Some(if v < 0 { 10 } else { v })),
    delete: None,
};

/// `usage-statistics-enabled` (applied live to the usage aggregator).
pub static USAGE_STATISTICS_ENABLED: Scalar = Scalar {
    key: "usage-statistics-enabled",
    get: |c, _| json!(c.usage_statistics_enabled),
    set: Setter::Bool(|r, v| {
        r.usage_statistics_enabled = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `proxy-url` (stored verbatim; DELETE sets `""`).
pub static PROXY_URL: Scalar = Scalar {
    key: "proxy-url",
    get: |_, r| json!(r.proxy_url.clone().unwrap_or_default()),
    set: Setter::Str(|r, v| {
        r.proxy_url = Some(v);
        Ok(())
    }),
    delete: Some(|r| r.proxy_url = Some(String::new())),
};

/// `quota-exceeded.switch-project`.
pub static SWITCH_PROJECT: Scalar = Scalar {
    key: "switch-project",
    get: |c, _| json!(c.quota_exceeded.switch_project),
    set: Setter::Bool(|r, v| {
        section!(r, quota_exceeded).switch_project = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `quota-exceeded.switch-preview-model`.
pub static SWITCH_PREVIEW_MODEL: Scalar = Scalar {
    key: "switch-preview-model",
    get: |c, _| json!(c.quota_exceeded.switch_preview_model),
    set: Setter::Bool(|r, v| {
        section!(r, quota_exceeded).switch_preview_model = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `request-log` (applied live to the request logger).
pub static REQUEST_LOG: Scalar = Scalar {
    key: "request-log",
    get: |c, _| json!(c.request_log),
    set: Setter::Bool(|r, v| {
        r.request_log = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `ws-auth`.
pub static WS_AUTH: Scalar = Scalar {
    key: "ws-auth",
    get: |c, _| json!(c.ws_auth),
    set: Setter::Bool(|r, v| {
        r.ws_auth = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `request-retry` (any integer accepted, as upstream).
pub static REQUEST_RETRY: Scalar = Scalar {
    key: "request-retry",
    get: |_, r| json!(r.request_retry.unwrap_or(3)),
    set: Setter::Int(|r, v| r.request_retry = Some(v)),
    delete: None,
};

/// `max-retry-interval` (seconds; any integer accepted).
pub static MAX_RETRY_INTERVAL: Scalar = Scalar {
    key: "max-retry-interval",
    get: |_, r| json!(r.max_retry_interval.unwrap_or(30)),
    set: Setter::Int(|r, v| r.max_retry_interval = Some(v)),
    delete: None,
};

/// `force-model-prefix`.
pub static FORCE_MODEL_PREFIX: Scalar = Scalar {
    key: "force-model-prefix",
    get: |c, _| json!(c.force_model_prefix),
    set: Setter::Bool(|r, v| {
        r.force_model_prefix = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `routing.strategy`: normalised on write and read; unknown ⇒ `400 invalid strategy`.
pub static ROUTING_STRATEGY: Scalar = Scalar {
    key: "strategy",
    get: |_, r| {
        let stored = r
            .routing
            .as_ref()
            .and_then(|x| x.strategy.clone())
            .unwrap_or_default();
        json!(normalize_strategy(&stored).unwrap_or_else(|| stored.trim().to_owned()))
    },
    set: Setter::Str(|r, v| {
        let strategy =
            normalize_strategy(&v).ok_or_else(|| ApiError::bad_request("invalid strategy"))?;
        section!(r, routing).strategy = Some(strategy);
        Ok(())
    }),
    delete: None,
};

/// Seed-doc alias: `allow-localhost-unauthenticated` does not exist at v6.6 (localhost
/// always needs a key). GET reads `false`; setting `false` is accepted as a no-op,
/// `true` is refused.
pub static ALLOW_LOCALHOST: Scalar = Scalar {
    key: "allow-localhost-unauthenticated",
    get: |_, _| json!(false),
    set: Setter::Bool(|_, v| {
        if v {
            Err(ApiError::bad_request(
                "allow-localhost-unauthenticated is not supported: localhost requires a management key",
            ))
        } else {
            Ok(())
        }
    }),
    delete: None,
};

/// `ampcode.upstream-url` (trimmed; DELETE clears).
pub static AMP_UPSTREAM_URL: Scalar = Scalar {
    key: "upstream-url",
    get: |_, r| json!(amp_str(r, |a| a.upstream_url.clone())),
    set: Setter::Str(|r, v| {
        section!(r, ampcode).upstream_url = Some(v.trim().to_owned());
        Ok(())
    }),
    delete: Some(|r| section!(r, ampcode).upstream_url = None),
};

/// `ampcode.upstream-api-key` (trimmed; DELETE clears; returned unmasked).
pub static AMP_UPSTREAM_API_KEY: Scalar = Scalar {
    key: "upstream-api-key",
    get: |_, r| json!(amp_str(r, |a| a.upstream_api_key.clone())),
    set: Setter::Str(|r, v| {
        section!(r, ampcode).upstream_api_key = Some(v.trim().to_owned());
        Ok(())
    }),
    delete: Some(|r| section!(r, ampcode).upstream_api_key = None),
};

/// `ampcode.restrict-management-to-localhost`.
pub static AMP_RESTRICT_MANAGEMENT: Scalar = Scalar {
    key: "restrict-management-to-localhost",
    get: |c, _| json!(c.ampcode.restrict_management_to_localhost),
    set: Setter::Bool(|r, v| {
        section!(r, ampcode).restrict_management_to_localhost = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `ampcode.force-model-mappings`.
pub static AMP_FORCE_MAPPINGS: Scalar = Scalar {
    key: "force-model-mappings",
    get: |c, _| json!(c.ampcode.force_model_mappings),
    set: Setter::Bool(|r, v| {
        section!(r, ampcode).force_model_mappings = Some(v);
        Ok(())
    }),
    delete: None,
};

/// `round-robin` / `fill-first` from any accepted spelling; `None` if unknown.
fn normalize_strategy(raw: &str) -> Option<String> {
    match raw.trim().to_lowercase().as_str() {
        "" | "round-robin" | "roundrobin" | "rr" => Some("round-robin".to_owned()),
        "fill-first" | "fillfirst" | "ff" => Some("fill-first".to_owned()),
        _ => None,
    }
}

fn amp_str(
    raw: &RawConfig,
    get: impl Fn(&cpa_config::raw::RawAmpcode) -> Option<String>,
) -> String {
    raw.ampcode.as_ref().and_then(get).unwrap_or_default()
}
