//! PUT/PATCH normalisation of provider key entries (spec §8.4 "PUT normalisation").
//!
//! Works on JSON objects with kebab-case keys. Optional strings that trim to empty
//! are removed rather than written as `""`; empty header maps and model lists too.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::Entry;
use crate::error::ApiError;

/// Read-only field added by GET; a client echoing it back must not get it stored.
const AUTH_INDEX: &str = "auth-index";

/// `gemini-api-key`: entries with an empty key dropped, de-duplicated by key.
pub fn gemini(items: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
    let mut seen = HashSet::new();
    Ok(items
        .into_iter()
        .map(common)
        .filter(|e| {
            let key = str_of(e, "api-key");
            !key.is_empty() && seen.insert(key)
        })
        .collect())
}

/// `claude-api-key`: nothing dropped; models without name and alias removed.
pub fn claude(items: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
    Ok(items
        .into_iter()
        .map(|e| models(common(e), false))
        .collect())
}

/// `codex-api-key`: as claude; entries without `base-url` dropped.
pub fn codex(items: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
    Ok(claude(items)?
        .into_iter()
        .filter(|e| !str_of(e, "base-url").is_empty())
        .collect())
}

/// `vertex-api-key`: an empty key is refused; models need name and alias;
/// de-duplicated by key + base URL.
pub fn vertex(items: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, entry) in items.into_iter().enumerate() {
        let entry = models(common(entry), true);
        let key = str_of(&entry, "api-key");
        if key.is_empty() {
            return Err(ApiError::bad_request(format!(
                "vertex-api-key[{i}].api-key is required"
            )));
        }
        if seen.insert((key, str_of(&entry, "base-url"))) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// `openai-compatibility`: name, base URL and key entries trimmed; entries without
/// `base-url` dropped; a JSON `api-keys` field is ignored.
pub fn openai_compat(items: Vec<Entry>) -> Result<Vec<Entry>, ApiError> {
    Ok(items
        .into_iter()
        .map(|mut e| {
            e.remove("api-keys");
            e.remove(AUTH_INDEX);
            trim_keep(&mut e, "name");
            trim_optional(&mut e, "base-url");
            prefix(&mut e);
            headers(&mut e);
            if let Some(Value::Array(keys)) = e.get_mut("api-key-entries") {
                for key in keys.iter_mut().filter_map(Value::as_object_mut) {
                    key.remove(AUTH_INDEX);
                    trim_keep(key, "api-key");
                    trim_optional(key, "proxy-url");
                }
            }
            e
        })
        .filter(|e| !str_of(e, "base-url").is_empty())
        .collect())
}

/// Normalisation shared by the four key lists.
fn common(mut e: Entry) -> Entry {
    e.remove(AUTH_INDEX);
    trim_keep(&mut e, "api-key");
    trim_optional(&mut e, "base-url");
    trim_optional(&mut e, "proxy-url");
    prefix(&mut e);
    headers(&mut e);
    excluded(&mut e);
    e
}

fn str_of(e: &Entry, key: &str) -> String {
    e.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn trim_keep(e: &mut Entry, key: &str) {
    if let Some(Value::String(s)) = e.get_mut(key) {
        *s = s.trim().to_owned();
    }
}

fn trim_optional(e: &mut Entry, key: &str) {
    trim_keep(e, key);
    if matches!(e.get(key), Some(Value::String(s)) if s.is_empty()) {
        e.remove(key);
    }
}

/// Trim, strip surrounding `/`; empty or still containing `/` ⇒ removed.
fn prefix(e: &mut Entry) {
    let Some(Value::String(raw)) = e.get("prefix") else {
        return;
    };
    let cleaned = raw.trim().trim_matches('/').to_owned();
    if cleaned.is_empty() || cleaned.contains('/') {
        e.remove("prefix");
    } else {
        e.insert("prefix".to_owned(), Value::String(cleaned));
    }
}

/// Keys and values trimmed, pairs with an empty side dropped, empty map removed.
fn headers(e: &mut Entry) {
    let Some(Value::Object(map)) = e.get("headers") else {
        return;
    };
    let cleaned: Map<String, Value> = map
        .iter()
        .filter_map(|(k, v)| {
            let (k, v) = (k.trim(), v.as_str()?.trim());
            (!k.is_empty() && !v.is_empty()).then(|| (k.to_owned(), Value::String(v.to_owned())))
        })
        .collect();
    if cleaned.is_empty() {
        e.remove("headers");
    } else {
        e.insert("headers".to_owned(), Value::Object(cleaned));
    }
}

/// Trimmed, lower-cased, de-duplicated; empty list removed.
fn excluded(e: &mut Entry) {
    let Some(Value::Array(items)) = e.get("excluded-models") else {
        return;
    };
    let mut out: Vec<Value> = Vec::new();
    for item in items.iter().filter_map(Value::as_str) {
        let item = Value::String(item.trim().to_lowercase());
        if item.as_str() != Some("") && !out.contains(&item) {
            out.push(item);
        }
    }
    if out.is_empty() {
        e.remove("excluded-models");
    } else {
        e.insert("excluded-models".to_owned(), Value::Array(out));
    }
}

/// Model names and aliases trimmed; a model is dropped when both are empty (or,
/// with `needs_both`, when either is).
fn models(mut e: Entry, needs_both: bool) -> Entry {
    if let Some(Value::Array(models)) = e.get_mut("models") {
        for model in models.iter_mut().filter_map(Value::as_object_mut) {
            trim_keep(model, "name");
            trim_keep(model, "alias");
        }
        models.retain(|m| {
            let name = m.get("name").and_then(Value::as_str).unwrap_or_default();
            let alias = m.get("alias").and_then(Value::as_str).unwrap_or_default();
            if needs_both {
                !name.is_empty() && !alias.is_empty()
            } else {
                !name.is_empty() || !alias.is_empty()
            }
        });
    }
    e
}
