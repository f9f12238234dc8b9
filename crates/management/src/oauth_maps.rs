//! Per-channel maps (spec §8.5, §12.3): `/oauth-excluded-models` and
//! `/oauth-model-alias` (with the pre-v6.9 `/oauth-model-mappings` on the same data).
//!
//! Both are `channel → list`. GET returns the normalised map (`null` when empty);
//! PUT replaces the map (the map itself or `{"items":{…}}`; `{}` clears); PATCH
//! replaces or deletes one channel; DELETE `?channel=`/`?provider=` removes one.
//! Deletions persist: the writer prunes removed channels, and removing the last
//! alias channel leaves an explicit `oauth-model-alias: {}`.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{MethodRouter, get};
use cpa_config::raw::{RawConfig, RawModelAlias};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, json, ok};
use crate::patch::object_body;
use crate::state::Shared;

type Excluded = BTreeMap<String, Vec<String>>;
type Aliases = BTreeMap<String, Vec<RawModelAlias>>;

/// Names used by one alias endpoint.
pub struct AliasNames {
    /// GET response key.
    pub key: &'static str,
    /// PATCH list field (the other name is accepted too).
    pub list_field: &'static str,
}

/// `/oauth-model-alias` (v6.9 names).
pub static ALIAS: AliasNames = AliasNames {
    key: "oauth-model-alias",
    list_field: "aliases",
};

/// `/oauth-model-mappings` (v6.6 names, same data).
pub static MAPPINGS: AliasNames = AliasNames {
    key: "oauth-model-mappings",
    list_field: "mappings",
};

// === oauth-excluded-models ===

/// The method router of `/oauth-excluded-models`.
pub fn excluded_route() -> MethodRouter<Shared> {
    get(|State(shared): State<Shared>| async move {
        let map = normalize_excluded(
            shared
                .raw()
                .oauth_excluded_models
                .clone()
                .unwrap_or_default(),
        );
        json(json!({ "oauth-excluded-models": null_if_empty(&map) }))
    })
    .put(|State(shared): State<Shared>, body: Bytes| async move {
        let map: Excluded = whole_map(&body)?;
        let map = normalize_excluded(map);
        shared
            .update(move |raw| {
                raw.oauth_excluded_models = Some(map);
                Ok(())
            })
            .await?;
        ok()
    })
    .patch(|State(shared): State<Shared>, body: Bytes| async move {
        #[derive(Deserialize)]
        struct Body {
            provider: Option<String>,
            #[serde(default)]
            models: Vec<String>,
        }
        let body: Body = serde_json::from_slice(&body).map_err(|_| ApiError::invalid_body())?;
        let provider = body.provider.ok_or_else(ApiError::invalid_body)?;
        let provider = provider.trim().to_lowercase();
        if provider.is_empty() {
            return Err(ApiError::bad_request("invalid provider"));
        }
        let models = normalize_models(body.models);
        shared
            .update(move |raw| {
                let mut map = raw.oauth_excluded_models.clone().unwrap_or_default();
                replace_or_remove(&mut map, provider, models, "provider not found")?;
                raw.oauth_excluded_models = Some(map);
                Ok(())
            })
            .await?;
        ok()
    })
    .delete(
        |State(shared): State<Shared>, Query(q): Query<HashMap<String, String>>| async move {
            let provider = q
                .get("provider")
                .map(|p| p.trim().to_lowercase())
                .unwrap_or_default();
            if provider.is_empty() {
                return Err(ApiError::bad_request("missing provider"));
            }
            shared
                .update(move |raw| {
                    let mut map = raw.oauth_excluded_models.clone().unwrap_or_default();
                    map.remove(&provider)
                        .ok_or_else(|| ApiError::not_found("provider not found"))?;
                    raw.oauth_excluded_models = Some(map);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
}

// === oauth-model-alias / oauth-model-mappings ===

/// The method router of an alias endpoint.
pub fn alias_route(names: &'static AliasNames) -> MethodRouter<Shared> {
    get(move |State(shared): State<Shared>| async move {
        let map = normalize_aliases(current_aliases(&shared.raw()));
        let mut body = Map::new();
        body.insert(names.key.to_owned(), null_if_empty(&map));
        json(Value::Object(body))
    })
    .put(|State(shared): State<Shared>, body: Bytes| async move {
        let map = normalize_aliases(whole_map(&body)?);
        shared
            .update(move |raw| {
                raw.oauth_model_alias = Some(map);
                Ok(())
            })
            .await?;
        ok()
    })
    .patch(
        move |State(shared): State<Shared>, body: Bytes| async move {
            let body = object_body(&body)?;
            let channel = ["channel", "provider"]
                .iter()
                .find_map(|k| body.get(*k).and_then(Value::as_str))
                .unwrap_or_default()
                .trim()
                .to_lowercase();
            if channel.is_empty() {
                return Err(ApiError::bad_request("invalid channel"));
            }
            let other = if names.list_field == "aliases" {
                "mappings"
            } else {
                "aliases"
            };
            let list = body
                .get(names.list_field)
                .or_else(|| body.get(other))
                .cloned();
            let entries: Vec<RawModelAlias> = match list {
                None | Some(Value::Null) => Vec::new(),
                Some(v) => serde_json::from_value(v).map_err(|_| ApiError::invalid_body())?,
            };
            let mut single = Aliases::new();
            single.insert(channel.clone(), entries);
            let entries = normalize_aliases(single)
                .remove(&channel)
                .unwrap_or_default();
            shared
                .update(move |raw| {
                    let mut map = current_aliases(raw);
                    replace_or_remove(&mut map, channel, entries, "channel not found")?;
                    raw.oauth_model_alias = Some(map);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
    .delete(
        |State(shared): State<Shared>, Query(q): Query<HashMap<String, String>>| async move {
            let channel = q
                .get("channel")
                .or_else(|| q.get("provider"))
                .map(|c| c.trim().to_lowercase())
                .unwrap_or_default();
            if channel.is_empty() {
                return Err(ApiError::bad_request("missing channel"));
            }
            shared
                .update(move |raw| {
                    let mut map = current_aliases(raw);
                    map.remove(&channel)
                        .ok_or_else(|| ApiError::not_found("channel not found"))?;
                    raw.oauth_model_alias = Some(map);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
}

/// The alias map in effect: `oauth-model-alias`, else the legacy key.
fn current_aliases(raw: &RawConfig) -> Aliases {
    raw.oauth_model_alias
        .clone()
        .or_else(|| raw.oauth_model_mappings.clone())
        .unwrap_or_default()
}

/// A whole-map PUT body: the map or `{"items": map}`. A non-conforming object is
/// refused (upstream clears everything instead; spec §12.3 QUIRK).
fn whole_map<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<BTreeMap<String, T>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|_| ApiError::invalid_body())?;
    let Value::Object(mut object) = value else {
        return Err(ApiError::invalid_body());
    };
    if object.len() == 1 && matches!(object.get("items"), Some(Value::Object(_))) {
        if let Some(items) = object.remove("items") {
            return serde_json::from_value(items).map_err(|_| ApiError::invalid_body());
        }
    }
    serde_json::from_value(Value::Object(object)).map_err(|_| ApiError::invalid_body())
}

/// Replaces `key`'s list, or removes `key` when `list` is empty (`404 missing` when
/// it did not exist).
fn replace_or_remove<T>(
    map: &mut BTreeMap<String, Vec<T>>,
    key: String,
    list: Vec<T>,
    missing: &str,
) -> Result<(), ApiError> {
    if list.is_empty() {
        map.remove(&key)
            .ok_or_else(|| ApiError::not_found(missing))?;
    } else {
        map.insert(key, list);
    }
    Ok(())
}

fn null_if_empty<T: serde::Serialize>(map: &BTreeMap<String, T>) -> Value {
    if map.is_empty() {
        Value::Null
    } else {
        serde_json::to_value(map).unwrap_or(Value::Null)
    }
}

/// Channel keys lower-cased and trimmed; model patterns trimmed, lower-cased,
/// de-duplicated; empty channels dropped.
fn normalize_excluded(map: Excluded) -> Excluded {
    let mut out = Excluded::new();
    for (provider, models) in map {
        let provider = provider.trim().to_lowercase();
        let models = normalize_models(models);
        if !provider.is_empty() && !models.is_empty() {
            out.entry(provider).or_default().extend(models);
        }
    }
    out
}

fn normalize_models(models: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for model in models {
        let model = model.trim().to_lowercase();
        if !model.is_empty() && !out.contains(&model) {
            out.push(model);
        }
    }
    out
}

/// Spec §12.3: names/aliases trimmed; empty ones, `name == alias` and repeated
/// aliases (case-insensitive, first wins) dropped; `fork: false` omitted.
fn normalize_aliases(map: Aliases) -> Aliases {
    let mut out = Aliases::new();
    for (channel, entries) in map {
        let channel = channel.trim().to_lowercase();
        let mut seen: Vec<String> = Vec::new();
        let mut kept = Vec::new();
        for entry in entries {
            let name = entry.name.as_deref().unwrap_or_default().trim().to_owned();
            let alias = entry.alias.as_deref().unwrap_or_default().trim().to_owned();
            let folded = alias.to_lowercase();
            if name.is_empty()
                || alias.is_empty()
                || name.to_lowercase() == folded
                || seen.contains(&folded)
            {
                continue;
            }
            seen.push(folded);
            kept.push(RawModelAlias {
                name: Some(name),
                alias: Some(alias),
                fork: entry.fork.filter(|f| *f),
                extra: entry.extra,
            });
        }
        if !channel.is_empty() && !kept.is_empty() {
            out.insert(channel, kept);
        }
    }
    out
}
