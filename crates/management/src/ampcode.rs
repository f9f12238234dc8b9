//! `/ampcode` and its lists (spec §8.6). The scalar sub-settings live in `scalars`.
//!
//! * `/ampcode/model-mappings` (`{"from","to","regex"?}`): PUT `{"value":[…]}`
//!   replaces verbatim (missing `value` clears); PATCH upserts by trimmed `from`;
//!   DELETE `{"value":["from",…]}` removes those — and, as upstream, no body, bad
//!   JSON or an empty list clears all mappings.
//! * `/ampcode/upstream-api-keys` (`{"upstream-api-key","api-keys":[…]}`): entries
//!   normalised (trimmed, blanks dropped); PATCH upserts by upstream key; DELETE
//!   needs a `value` list (`[]` clears everything).

use axum::body::Bytes;
use axum::extract::State;
use cpa_config::raw::{RawAmpModelMapping, RawAmpUpstreamKey, RawAmpcode, RawConfig};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, json, ok};
use crate::state::Shared;

#[derive(Deserialize)]
struct ValueList<T> {
    value: Option<Vec<T>>,
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<Option<Vec<T>>, ApiError> {
    serde_json::from_slice::<ValueList<T>>(body)
        .map(|b| b.value)
        .map_err(|_| ApiError::invalid_body())
}

fn amp(raw: &mut RawConfig) -> &mut RawAmpcode {
    raw.ampcode.get_or_insert_with(Default::default)
}

/// `GET /ampcode`: the whole block with defaults filled in.
pub async fn get_ampcode(State(shared): State<Shared>) -> ApiResult {
    let raw = shared.raw();
    let a = raw.ampcode.clone().unwrap_or_default();
    let mut body = Map::new();
    body.insert(
        "upstream-url".into(),
        json!(a.upstream_url.unwrap_or_default()),
    );
    body.insert(
        "upstream-api-key".into(),
        json!(a.upstream_api_key.unwrap_or_default()),
    );
    if let Some(keys) = a.upstream_api_keys.filter(|k| !k.is_empty()) {
        body.insert("upstream-api-keys".into(), json!(keys));
    }
    body.insert(
        "restrict-management-to-localhost".into(),
        json!(a.restrict_management_to_localhost.unwrap_or(false)),
    );
    body.insert("model-mappings".into(), json!(a.model_mappings));
    body.insert(
        "force-model-mappings".into(),
        json!(a.force_model_mappings.unwrap_or(false)),
    );
    json(json!({ "ampcode": Value::Object(body) }))
}

/// `GET /ampcode/model-mappings`.
pub async fn get_mappings(State(shared): State<Shared>) -> ApiResult {
    let raw = shared.raw();
    let list = raw.ampcode.as_ref().and_then(|a| a.model_mappings.clone());
    json(json!({ "model-mappings": list }))
}

/// `PUT /ampcode/model-mappings`.
pub async fn put_mappings(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let list: Vec<RawAmpModelMapping> = parse(&body)?.unwrap_or_default();
    shared
        .update(move |raw| {
            amp(raw).model_mappings = Some(list);
            Ok(())
        })
        .await?;
    ok()
}

/// `PATCH /ampcode/model-mappings`: upsert by trimmed `from`.
pub async fn patch_mappings(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let items: Vec<RawAmpModelMapping> = parse(&body)?.unwrap_or_default();
    shared
        .update(move |raw| {
            let list = amp(raw).model_mappings.get_or_insert_with(Vec::new);
            for item in items {
                let from = trimmed(item.from.as_deref());
                match list.iter_mut().find(|m| trimmed(m.from.as_deref()) == from) {
                    Some(slot) => *slot = item,
                    None => list.push(item),
                }
            }
            Ok(())
        })
        .await?;
    ok()
}

/// `DELETE /ampcode/model-mappings`.
pub async fn delete_mappings(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let froms: Vec<String> = parse::<String>(&body)
        .ok()
        .flatten()
        .unwrap_or_default()
        .iter()
        .map(|f| f.trim().to_owned())
        .collect();
    shared
        .update(move |raw| {
            let a = amp(raw);
            if froms.is_empty() {
                a.model_mappings = None;
            } else if let Some(list) = a.model_mappings.as_mut() {
                list.retain(|m| !froms.contains(&trimmed(m.from.as_deref())));
            }
            Ok(())
        })
        .await?;
    ok()
}

/// `GET /ampcode/upstream-api-keys`.
pub async fn get_upstream_keys(State(shared): State<Shared>) -> ApiResult {
    let raw = shared.raw();
    let list = raw
        .ampcode
        .as_ref()
        .and_then(|a| a.upstream_api_keys.clone())
        .filter(|l| !l.is_empty());
    json(json!({ "upstream-api-keys": list }))
}

/// `PUT /ampcode/upstream-api-keys`.
pub async fn put_upstream_keys(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let list = normalize_upstream(parse(&body)?.unwrap_or_default());
    shared
        .update(move |raw| {
            amp(raw).upstream_api_keys = (!list.is_empty()).then_some(list);
            Ok(())
        })
        .await?;
    ok()
}

/// `PATCH /ampcode/upstream-api-keys`: upsert by upstream key.
pub async fn patch_upstream_keys(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let items = normalize_upstream(parse(&body)?.unwrap_or_default());
    shared
        .update(move |raw| {
            let list = amp(raw).upstream_api_keys.get_or_insert_with(Vec::new);
            for item in items {
                match list.iter_mut().find(|e| {
                    trimmed(e.upstream_api_key.as_deref())
                        == trimmed(item.upstream_api_key.as_deref())
                }) {
                    Some(slot) => *slot = item,
                    None => list.push(item),
                }
            }
            Ok(())
        })
        .await?;
    ok()
}

/// `DELETE /ampcode/upstream-api-keys`.
pub async fn delete_upstream_keys(State(shared): State<Shared>, body: Bytes) -> ApiResult {
    let keys: Vec<String> =
        parse::<String>(&body)?.ok_or_else(|| ApiError::bad_request("missing value"))?;
    let is_clear_all = keys.is_empty();
    let keys: Vec<String> = keys
        .iter()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
        .collect();
    if !is_clear_all && keys.is_empty() {
        return Err(ApiError::bad_request("empty value"));
    }
    shared
        .update(move |raw| {
            let a = amp(raw);
            if is_clear_all {
                a.upstream_api_keys = None;
            } else if let Some(list) = a.upstream_api_keys.as_mut() {
                list.retain(|e| !keys.contains(&trimmed(e.upstream_api_key.as_deref())));
                if list.is_empty() {
                    a.upstream_api_keys = None;
                }
            }
            Ok(())
        })
        .await?;
    ok()
}

fn trimmed(s: Option<&str>) -> String {
    s.unwrap_or_default().trim().to_owned()
}

fn normalize_upstream(items: Vec<RawAmpUpstreamKey>) -> Vec<RawAmpUpstreamKey> {
    items
        .into_iter()
        .filter_map(|mut e| {
            let key = trimmed(e.upstream_api_key.as_deref());
            if key.is_empty() {
                return None;
            }
            e.upstream_api_key = Some(key);
            e.api_keys = e.api_keys.map(|keys| {
                keys.iter()
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect()
            });
            Some(e)
        })
        .collect()
}
