//! `auth-index` on provider-key GET entries (spec §12.11).
//!
//! The index is derived exactly as the server derives it for usage records:
//! `cpa_usage::auth_index(<credential id>)`, where the id is the one
//! `cpa_router::from_config` gives the entry. Raw entries are matched to resolved
//! ones in order by their trimmed key, because resolving drops and de-duplicates
//! some entries. Entries that produce no credential get no index.

use cpa_config::Config;
use cpa_router::from_config::{CredentialSource, from_config};
use serde_json::{Value, json};

use super::Entry;

/// Auth index per credential source.
type Ids = Vec<(CredentialSource, String)>;

fn find(ids: &Ids, source: CredentialSource) -> Option<&String> {
    ids.iter().find(|(s, _)| *s == source).map(|(_, id)| id)
}

/// Adds `auth-index` (and, for `openai-compatibility`, `disabled`) to `entries`.
pub fn annotate(list_key: &str, entries: &mut [Entry], config: &Config) {
    let credentials = from_config(config);
    // `CredentialSource` is not `Hash`; the lists are short, so a linear scan does.
    let ids: Ids = credentials
        .sources
        .iter()
        .map(|(id, source)| (*source, crate::auth_files::auth_index_of(id.as_str())))
        .collect();
    let expose = |k: &cpa_config::Secret<String>| k.expose().trim().to_owned();
    match list_key {
        "gemini-api-key" => {
            let keys: Vec<String> = config
                .gemini_api_keys
                .iter()
                .map(|k| expose(&k.api_key))
                .collect();
            by_key(entries, &keys, |i| {
                find(&ids, CredentialSource::GeminiApiKey(i))
            });
        }
        "claude-api-key" => {
            let keys: Vec<String> = config
                .claude_api_keys
                .iter()
                .map(|k| expose(&k.key.api_key))
                .collect();
            by_key(entries, &keys, |i| {
                find(&ids, CredentialSource::ClaudeApiKey(i))
            });
        }
        "codex-api-key" => {
            let keys: Vec<String> = config
                .codex_api_keys
                .iter()
                .map(|k| expose(&k.key.api_key))
                .collect();
            by_key(entries, &keys, |i| {
                find(&ids, CredentialSource::CodexApiKey(i))
            });
        }
        "vertex-api-key" => {
            let keys: Vec<String> = config
                .vertex_api_keys
                .iter()
                .map(|k| expose(&k.api_key))
                .collect();
            by_key(entries, &keys, |i| {
                find(&ids, CredentialSource::VertexApiKey(i))
            });
        }
        "openai-compatibility" => compat(entries, &ids),
        _ => {}
    }
}

fn by_key<'a>(entries: &mut [Entry], keys: &[String], id: impl Fn(usize) -> Option<&'a String>) {
    let mut used = vec![false; keys.len()];
    for entry in entries {
        let key = entry
            .get("api-key")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned();
        let found = (0..keys.len()).find(|j| !used[*j] && keys[*j] == key);
        if let Some(j) = found {
            used[j] = true;
            if let Some(index) = id(j) {
                entry.insert("auth-index".to_owned(), json!(index));
            }
        }
    }
}

/// Resolving keeps `openai-compatibility` entries with a non-empty base URL, in order.
fn compat(entries: &mut [Entry], ids: &Ids) {
    let mut resolved = 0;
    for entry in entries {
        let is_disabled = entry
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        entry.insert("disabled".to_owned(), json!(is_disabled));
        let has_base = entry
            .get("base-url")
            .and_then(Value::as_str)
            .is_some_and(|b| !b.trim().is_empty());
        if !has_base {
            continue;
        }
        let index = resolved;
        resolved += 1;
        if let Some(id) = find(
            ids,
            CredentialSource::OpenAiCompat {
                entry: index,
                key: None,
            },
        ) {
            entry.insert("auth-index".to_owned(), json!(id));
        }
        if let Some(Value::Array(keys)) = entry.get_mut("api-key-entries") {
            for (k, key) in keys.iter_mut().enumerate() {
                let source = CredentialSource::OpenAiCompat {
                    entry: index,
                    key: Some(k),
                };
                if let (Some(obj), Some(id)) = (key.as_object_mut(), find(ids, source)) {
                    obj.insert("auth-index".to_owned(), json!(id));
                }
            }
        }
    }
}
