//! Legacy key migration (spec §5, kept although v6.9 disabled it, §10.3).
//!
//! Runs on every load, on the raw configuration, before resolution. Legacy keys
//! are folded into their current homes and then cleared from the raw value, so
//! writing the migrated raw config back removes them from the file.

use crate::raw::{RawAmpcode, RawApiKeyEntry, RawConfig, RawGeminiKey};

/// Migrates legacy keys in place. Returns whether anything was migrated that
/// upstream persists immediately (the "changed" flag of §5).
pub fn migrate(raw: &mut RawConfig) -> bool {
    let mut changed = false;
    changed |= migrate_gemini(raw);
    changed |= migrate_openai_compat(raw);
    changed |= migrate_amp(raw);
    migrate_auth_providers(raw);
    if raw.oauth_model_alias.is_none() {
        // v6.6-era name; written back under the new name on the next save.
        raw.oauth_model_alias = raw.oauth_model_mappings.take();
    }
    changed
}

fn migrate_gemini(raw: &mut RawConfig) -> bool {
    let Some(legacy) = raw.generative_language_api_key.take() else {
        return false;
    };
    let list = raw.gemini_api_key.get_or_insert_with(Vec::new);
    for key in legacy {
        let key = key.trim();
        if key.is_empty()
            || list
                .iter()
                .any(|e| e.api_key.as_deref().map(str::trim) == Some(key))
        {
            continue;
        }
        list.push(RawGeminiKey {
            api_key: Some(key.to_owned()),
            ..RawGeminiKey::default()
        });
    }
    if list.is_empty() {
        raw.gemini_api_key = None;
    }
    // Unlike upstream we persist even when nothing was appended: the legacy key is
    // gone from the raw config, so the file should lose it too.
    true
}

fn migrate_openai_compat(raw: &mut RawConfig) -> bool {
    let mut changed = false;
    for entry in raw.openai_compatibility.iter_mut().flatten() {
        let Some(legacy) = entry.api_keys.take() else {
            continue;
        };
        changed = true;
        let entries = entry.api_key_entries.get_or_insert_with(Vec::new);
        for key in legacy {
            let key = key.trim();
            if key.is_empty() || entries.iter().any(|e| e.api_key.as_deref() == Some(key)) {
                continue;
            }
            entries.push(RawApiKeyEntry {
                api_key: Some(key.to_owned()),
                ..RawApiKeyEntry::default()
            });
        }
        if entries.is_empty() {
            entry.api_key_entries = None;
        }
    }
    changed
}

fn migrate_amp(raw: &mut RawConfig) -> bool {
    let url = raw.amp_upstream_url.take();
    let key = raw.amp_upstream_api_key.take();
    let restrict = raw.amp_restrict_management_to_localhost.take();
    let mappings = raw.amp_model_mappings.take();
    if url.is_none() && key.is_none() && restrict.is_none() && mappings.is_none() {
        return false;
    }
    let amp = raw.ampcode.get_or_insert_with(RawAmpcode::default);
    let is_empty = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if let Some(url) = url.filter(|u| !u.trim().is_empty())
        && is_empty(&amp.upstream_url)
    {
        amp.upstream_url = Some(url.trim().to_owned());
    }
    if let Some(key) = key.filter(|k| !k.trim().is_empty())
        && is_empty(&amp.upstream_api_key)
    {
        amp.upstream_api_key = Some(key.trim().to_owned());
    }
    if let Some(restrict) = restrict {
        amp.restrict_management_to_localhost = Some(restrict);
    }
    if let Some(mappings) = mappings.filter(|m| !m.is_empty())
        && amp.model_mappings.as_ref().is_none_or(Vec::is_empty)
    {
        amp.model_mappings = Some(mappings);
    }
    true
}

fn migrate_auth_providers(raw: &mut RawConfig) {
    let Some(auth) = raw.auth.take() else {
        return;
    };
    if raw.api_keys.as_ref().is_some_and(|k| !k.is_empty()) {
        return;
    }
    let keys: Vec<String> = auth
        .providers
        .into_iter()
        .flatten()
        .filter(|p| p.r#type.as_deref() == Some("config-api-key"))
        .flat_map(|p| p.api_keys.unwrap_or_default())
        .collect();
    if !keys.is_empty() {
        raw.api_keys = Some(keys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated(yaml: &str) -> (RawConfig, bool) {
        let mut raw = RawConfig::from_yaml(yaml).expect("parses");
        let changed = migrate(&mut raw);
        (raw, changed)
    }

    #[test]
    fn generative_language_keys_move_to_gemini() {
        let (raw, changed) = migrated(
            "gemini-api-key:\n  - api-key: a\ngenerative-language-api-key: [' a ', b, '']\n",
        );
        assert!(changed);
        assert!(raw.generative_language_api_key.is_none());
        let keys: Vec<_> = raw
            .gemini_api_key
            .expect("list")
            .into_iter()
            .map(|k| k.api_key.expect("key"))
            .collect();
        assert_eq!(keys, vec!["a", "b"]);
    }

    #[test]
    fn openai_compat_legacy_keys_append() {
        let (raw, changed) = migrated(
            "openai-compatibility:\n  - name: x\n    base-url: https://x\n    api-keys: [k1, k2]\n    api-key-entries:\n      - api-key: k1\n",
        );
        assert!(changed);
        let entry = &raw.openai_compatibility.expect("list")[0];
        assert!(entry.api_keys.is_none());
        let keys: Vec<_> = entry
            .api_key_entries
            .iter()
            .flatten()
            .map(|e| e.api_key.clone().expect("key"))
            .collect();
        assert_eq!(keys, vec!["k1", "k2"]);
    }

    #[test]
    fn amp_keys_copy_only_when_empty_and_restrict_overrides() {
        let (raw, changed) = migrated(
            "ampcode:\n  upstream-url: https://keep\n  restrict-management-to-localhost: false\namp-upstream-url: https://old\namp-upstream-api-key: ' k '\namp-restrict-management-to-localhost: true\n",
        );
        assert!(changed);
        let amp = raw.ampcode.expect("amp");
        assert_eq!(amp.upstream_url.as_deref(), Some("https://keep"));
        assert_eq!(amp.upstream_api_key.as_deref(), Some("k"));
        assert_eq!(amp.restrict_management_to_localhost, Some(true));
    }

    #[test]
    fn auth_providers_feed_api_keys_without_change_flag() {
        let (raw, changed) = migrated(
            "auth:\n  providers:\n    - name: c\n      type: config-api-key\n      api-keys: [x]\n",
        );
        assert!(!changed);
        assert_eq!(raw.api_keys, Some(vec!["x".to_owned()]));
        assert!(raw.auth.is_none());
    }

    #[test]
    fn oauth_model_mappings_read_as_alias() {
        let (raw, changed) =
            migrated("oauth-model-mappings:\n  claude:\n    - {name: a, alias: b}\n");
        assert!(!changed);
        assert!(raw.oauth_model_mappings.is_none());
        assert_eq!(raw.oauth_model_alias.expect("alias")["claude"].len(), 1);
    }
}
