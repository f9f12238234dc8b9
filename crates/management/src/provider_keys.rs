//! Provider key lists (spec §6.3, §8.4, §12.11): `gemini-api-key`, `claude-api-key`,
//! `codex-api-key`, `vertex-api-key`, `openai-compatibility`.
//!
//! Entries are handled as JSON objects with the YAML's kebab-case keys, converted
//! from and to the raw config types, so unknown keys of an entry survive a PATCH.
//! Each list is one [`KeyList`] row describing its selector, the fields a PATCH may
//! change, which blank fields delete the entry, its DELETE parameter and its
//! normalisation (`normalize`). The handlers are shared.

mod auth_index;
mod normalize;

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{MethodRouter, get};
use cpa_config::raw::RawConfig;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, json, ok};
use crate::patch::{lenient_index, list_put, object_body};
use crate::state::Shared;

/// One entry as a JSON object.
pub type Entry = Map<String, Value>;

/// Description of one provider key list.
pub struct KeyList {
    /// YAML key and GET response key.
    pub key: &'static str,
    /// Reads the entries.
    pub get: fn(&RawConfig) -> Result<Vec<Entry>, ApiError>,
    /// Replaces the entries.
    pub set: fn(&mut RawConfig, Vec<Entry>) -> Result<(), ApiError>,
    /// PATCH body field naming the target when `index` does not (`match` / `name`).
    pub selector: &'static str,
    /// Entry field the selector and DELETE parameter compare with.
    pub identity: &'static str,
    /// The selector must be non-empty after trimming.
    pub is_selector_required: bool,
    /// Fields a PATCH `value` may change.
    pub patch_fields: &'static [&'static str],
    /// Fields that delete the entry when a PATCH sets them blank.
    pub delete_when_blank: &'static [&'static str],
    /// Whether the DELETE parameter is trimmed.
    pub is_delete_trimmed: bool,
    /// Whether DELETE by key answers 404 when nothing matches (else 200).
    pub is_missing_404: bool,
    /// Whether DELETE by key honours `&base-url=` and refuses ambiguous keys.
    pub has_base_url_filter: bool,
    /// 400 text when neither key nor index is usable.
    pub missing_error: &'static str,
    /// PUT/PATCH normalisation of the whole list.
    pub normalize: fn(Vec<Entry>) -> Result<Vec<Entry>, ApiError>,
}

/// The `get` function of a list field.
macro_rules! getter {
    ($field:ident) => {
        |raw: &RawConfig| to_entries(raw.$field.as_deref())
    };
}

/// The `set` function of a list field.
macro_rules! setter {
    ($field:ident) => {
        |raw: &mut RawConfig, entries: Vec<Entry>| {
            raw.$field = Some(from_entries(entries)?);
            Ok(())
        }
    };
}

const PROVIDER_FIELDS: &[&str] = &[
    "api-key",
    "prefix",
    "base-url",
    "proxy-url",
    "models",
    "headers",
    "excluded-models",
];

/// `gemini-api-key`.
pub static GEMINI: KeyList = KeyList {
    key: "gemini-api-key",
    get: getter!(gemini_api_key),
    set: setter!(gemini_api_key),
    selector: "match",
    identity: "api-key",
    is_selector_required: true,
    patch_fields: &[
        "api-key",
        "prefix",
        "base-url",
        "proxy-url",
        "headers",
        "excluded-models",
    ],
    delete_when_blank: &["api-key"],
    is_delete_trimmed: true,
    is_missing_404: true,
    has_base_url_filter: true,
    missing_error: "missing api-key or index",
    normalize: normalize::gemini,
};

/// `claude-api-key`.
pub static CLAUDE: KeyList = KeyList {
    key: "claude-api-key",
    get: getter!(claude_api_key),
    set: setter!(claude_api_key),
    selector: "match",
    identity: "api-key",
    is_selector_required: false,
    patch_fields: PROVIDER_FIELDS,
    delete_when_blank: &[],
    is_delete_trimmed: false,
    is_missing_404: false,
    has_base_url_filter: true,
    missing_error: "missing api-key or index",
    normalize: normalize::claude,
};

/// `codex-api-key`.
pub static CODEX: KeyList = KeyList {
    key: "codex-api-key",
    get: getter!(codex_api_key),
    set: setter!(codex_api_key),
    selector: "match",
    identity: "api-key",
    is_selector_required: false,
    patch_fields: PROVIDER_FIELDS,
    delete_when_blank: &["base-url"],
    is_delete_trimmed: false,
    is_missing_404: false,
    has_base_url_filter: true,
    missing_error: "missing api-key or index",
    normalize: normalize::codex,
};

/// `vertex-api-key`.
pub static VERTEX: KeyList = KeyList {
    key: "vertex-api-key",
    get: getter!(vertex_api_key),
    set: setter!(vertex_api_key),
    selector: "match",
    identity: "api-key",
    is_selector_required: true,
    patch_fields: PROVIDER_FIELDS,
    delete_when_blank: &["api-key"],
    is_delete_trimmed: true,
    is_missing_404: false,
    has_base_url_filter: true,
    missing_error: "missing api-key or index",
    normalize: normalize::vertex,
};

/// `openai-compatibility`.
pub static OPENAI_COMPAT: KeyList = KeyList {
    key: "openai-compatibility",
    get: getter!(openai_compatibility),
    set: setter!(openai_compatibility),
    selector: "name",
    identity: "name",
    is_selector_required: true,
    patch_fields: &[
        "name",
        "prefix",
        "base-url",
        "api-key-entries",
        "models",
        "headers",
        "disabled",
    ],
    delete_when_blank: &["base-url"],
    is_delete_trimmed: false,
    is_missing_404: false,
    has_base_url_filter: false,
    missing_error: "missing name or index",
    normalize: normalize::openai_compat,
};

/// The method router of one list.
pub fn route(list: &'static KeyList) -> MethodRouter<Shared> {
    get(move |State(shared): State<Shared>| async move {
        let (config, raw) = shared.snapshot();
        let mut entries = (list.get)(&raw)?;
        auth_index::annotate(list.key, &mut entries, &config);
        let mut body = Map::new();
        let items = entries.into_iter().map(Value::Object).collect();
        body.insert(list.key.to_owned(), Value::Array(items));
        json(Value::Object(body))
    })
    .put(move |State(shared): State<Shared>, body: Bytes| put(shared, list, body))
    .patch(move |State(shared): State<Shared>, body: Bytes| patch(shared, list, body))
    .delete(
        move |State(shared): State<Shared>, Query(q): Query<HashMap<String, String>>| {
            delete(shared, list, q)
        },
    )
}

async fn put(shared: Shared, list: &'static KeyList, body: Bytes) -> ApiResult {
    let items: Vec<Entry> = list_put(&body)?;
    let items = (list.normalize)(items)?;
    shared.update(move |raw| (list.set)(raw, items)).await?;
    ok()
}

async fn patch(shared: Shared, list: &'static KeyList, body: Bytes) -> ApiResult {
    let body = object_body(&body)?;
    let Some(Value::Object(value)) = body.get("value").cloned() else {
        return Err(ApiError::invalid_body());
    };
    let index = body.get("index").and_then(Value::as_i64);
    let selector = body
        .get(list.selector)
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned());
    shared
        .update(move |raw| {
            let mut items = (list.get)(raw)?;
            let target = index
                .and_then(|i| usize::try_from(i).ok())
                .filter(|i| *i < items.len())
                .or_else(|| {
                    let selector = selector?;
                    if list.is_selector_required && selector.is_empty() {
                        return None;
                    }
                    items
                        .iter()
                        .position(|e| text(e, list.identity) == selector)
                })
                .ok_or_else(|| ApiError::not_found("item not found"))?;
            let mut is_removed = false;
            if let Some(entry) = items.get_mut(target) {
                for field in list.patch_fields {
                    match value.get(*field) {
                        None | Some(Value::Null) => {}
                        Some(Value::String(s)) => {
                            let trimmed = s.trim();
                            is_removed |=
                                trimmed.is_empty() && list.delete_when_blank.contains(field);
                            entry.insert((*field).to_owned(), Value::String(trimmed.to_owned()));
                        }
                        Some(other) => {
                            entry.insert((*field).to_owned(), other.clone());
                        }
                    }
                }
            }
            if is_removed {
                items.remove(target);
            }
            (list.set)(raw, (list.normalize)(items)?)
        })
        .await?;
    ok()
}

async fn delete(shared: Shared, list: &'static KeyList, q: HashMap<String, String>) -> ApiResult {
    let param = list.identity;
    let key = q
        .get(param)
        .map(|k| {
            if list.is_delete_trimmed {
                k.trim().to_owned()
            } else {
                k.clone()
            }
        })
        .filter(|k| !k.is_empty());
    let base_url = q.get("base-url").map(|b| b.trim().to_owned());
    let index = q.get("index").cloned();
    shared
        .update(move |raw| {
            let mut items = (list.get)(raw)?;
            if let Some(key) = key {
                let is_match = |e: &Entry| {
                    text(e, param) == key
                        && base_url
                            .as_ref()
                            .is_none_or(|b| text(e, "base-url").trim() == b)
                };
                let matches = items.iter().filter(|e| is_match(e)).count();
                if list.has_base_url_filter && base_url.is_none() && matches > 1 {
                    return Err(ApiError::bad_request(
                        "multiple items match api-key; base-url is required",
                    ));
                }
                if matches == 0 && list.is_missing_404 {
                    return Err(ApiError::not_found("item not found"));
                }
                items.retain(|e| !is_match(e));
            } else if let Some(i) = lenient_index(index.as_deref(), items.len()) {
                items.remove(i);
            } else {
                return Err(ApiError::bad_request(list.missing_error));
            }
            (list.set)(raw, items)
        })
        .await?;
    ok()
}

/// A string field of an entry (`""` when absent or not a string).
fn text(entry: &Entry, field: &str) -> String {
    entry
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn to_entries<T: Serialize>(items: Option<&[T]>) -> Result<Vec<Entry>, ApiError> {
    items
        .unwrap_or_default()
        .iter()
        .map(|item| match serde_json::to_value(item) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(ApiError::internal("failed to read config entry")),
        })
        .collect()
}

fn from_entries<T: DeserializeOwned>(entries: Vec<Entry>) -> Result<Vec<T>, ApiError> {
    entries
        .into_iter()
        .map(|entry| {
            serde_json::from_value(Value::Object(entry)).map_err(|_| ApiError::invalid_body())
        })
        .collect()
}
