//! String-list resources (spec §6.2, §8.3): `/api-keys` (client keys) and the seed
//! alias `/generative-language-api-key`, a string-list view of `gemini-api-key`.
//!
//! GET ⇒ `{"<key>": [...]}` (`null` when unset); PUT, PATCH and DELETE follow
//! `patch`'s string-list conventions. The Gemini view keeps the other fields of an
//! entry when its key survives (or is renamed in place).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{MethodRouter, get};
use cpa_config::raw::{RawConfig, RawGeminiKey};
use serde_json::{Value, json};

use crate::error::{json, ok};
use crate::patch::{StringPatch, list_put, string_delete};
use crate::state::Shared;

/// A string list inside the raw config.
pub struct StringList {
    /// Response key of GET.
    pub key: &'static str,
    /// Reads the list (`None` = unset).
    pub get: fn(&RawConfig) -> Option<Vec<String>>,
    /// Replaces the list.
    pub set: fn(&mut RawConfig, Vec<String>),
}

/// `api-keys`. Any change also drops a legacy `auth` block.
pub static API_KEYS: StringList = StringList {
    key: "api-keys",
    get: |r| r.api_keys.clone(),
    set: |r, list| {
        r.api_keys = Some(list);
        r.auth = None;
    },
};

/// `generative-language-api-key`: the `api-key` of every `gemini-api-key` entry.
pub static GENERATIVE_LANGUAGE: StringList = StringList {
    key: "generative-language-api-key",
    get: |r| {
        r.gemini_api_key.as_ref().map(|entries| {
            entries
                .iter()
                .map(|e| e.api_key.clone().unwrap_or_default())
                .collect()
        })
    },
    set: |r, keys| {
        let old = r.gemini_api_key.take().unwrap_or_default();
        r.gemini_api_key = Some(reconcile(old, keys));
    },
};

/// The method router of one string list.
pub fn route(list: &'static StringList) -> MethodRouter<Shared> {
    get(move |State(shared): State<Shared>| async move {
        let mut body = serde_json::Map::new();
        body.insert(list.key.to_owned(), json!((list.get)(&shared.raw())));
        json(Value::Object(body))
    })
    .put(
        move |State(shared): State<Shared>, body: Bytes| async move {
            let items: Vec<String> = list_put(&body)?;
            shared
                .update(move |raw| {
                    (list.set)(raw, items);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
    .patch(
        move |State(shared): State<Shared>, body: Bytes| async move {
            let patch = StringPatch::parse(&body)?;
            shared
                .update(move |raw| {
                    let mut items = (list.get)(raw).unwrap_or_default();
                    patch.apply(&mut items)?;
                    (list.set)(raw, items);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
    .delete(
        move |State(shared): State<Shared>, Query(q): Query<HashMap<String, String>>| async move {
            shared
                .update(move |raw| {
                    let mut items = (list.get)(raw).unwrap_or_default();
                    string_delete(
                        &mut items,
                        q.get("index").map(String::as_str),
                        q.get("value").map(String::as_str),
                    )?;
                    (list.set)(raw, items);
                    Ok(())
                })
                .await?;
            ok()
        },
    )
}

/// New Gemini entries for `keys`: an entry whose key is kept keeps its other fields;
/// a key that replaced another at the same position (a rename) takes over that
/// entry; the rest are new `{api-key}` entries.
fn reconcile(old: Vec<RawGeminiKey>, keys: Vec<String>) -> Vec<RawGeminiKey> {
    let mut pool: Vec<Option<RawGeminiKey>> = old.into_iter().map(Some).collect();
    let mut out: Vec<Option<RawGeminiKey>> = vec![None; keys.len()];
    for (slot, key) in out.iter_mut().zip(&keys) {
        let found = pool.iter_mut().find(|e| {
            e.as_ref()
                .is_some_and(|e| e.api_key.as_deref() == Some(key))
        });
        if let Some(entry) = found {
            *slot = entry.take();
        }
    }
    for (i, (slot, key)) in out.iter_mut().zip(&keys).enumerate() {
        if slot.is_none() {
            let mut entry = pool.get_mut(i).and_then(Option::take).unwrap_or_default();
            entry.api_key = Some(key.clone());
            *slot = Some(entry);
        }
    }
    out.into_iter().flatten().collect()
}
