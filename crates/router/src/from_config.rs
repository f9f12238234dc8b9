//! Adapter from the resolved configuration (`cpa_config::Config`) to router inputs.
//!
//! Runs on start and on every config reload, before `Pool::reload`. It maps the
//! `*-api-key` and `openai-compatibility` sections to [`CredentialSpec`]s (stable IDs,
//! fingerprints over secrets, never the secrets themselves) and the routing/retry keys
//! to [`RouterSettings`]. Auth-file credentials come from `crate::auth_file` and are
//! appended by the caller. No I/O happens here.

use std::collections::HashMap;

use cpa_config::Config;
use cpa_config::resolved::{OpenAiCompat, ProviderKey, ProxyUrl, RoutingStrategy};

use crate::credential::{
    AuthKind, CredentialId, CredentialSpec, IdGenerator, ModelAlias, OAuthAlias, fingerprint,
};
use crate::provider::Provider;
use crate::settings::{CredentialSet, RouterSettings, Strategy};

/// Where in the config a credential came from, so the server can find the secret and
/// transport settings for the executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialSource {
    /// `gemini-api-key[i]`.
    GeminiApiKey(usize),
    /// `claude-api-key[i]`.
    ClaudeApiKey(usize),
    /// `codex-api-key[i]`.
    CodexApiKey(usize),
    /// `vertex-api-key[i]`.
    VertexApiKey(usize),
    /// `openai-compatibility[entry]`, key `api-key-entries[key]` (`None` = keyless).
    OpenAiCompat {
        /// Index of the provider entry.
        entry: usize,
        /// Index of the key entry, if any.
        key: Option<usize>,
    },
}

/// Config-sourced credentials plus where each came from.
#[derive(Debug, Clone, Default)]
pub struct ConfigCredentials {
    /// Router input; append auth-file specs to `set.credentials` before reloading.
    pub set: CredentialSet,
    /// Config location of every config-sourced credential.
    pub sources: HashMap<CredentialId, CredentialSource>,
}

/// Builds the router input from a resolved config.
pub fn from_config(config: &Config) -> ConfigCredentials {
    let mut out = ConfigCredentials {
        set: CredentialSet {
            credentials: Vec::new(),
            oauth_aliases: oauth_aliases(config),
            force_model_prefix: config.force_model_prefix,
            settings: settings(config),
        },
        sources: HashMap::new(),
    };
    let mut ids = IdGenerator::default();
    for (index, key) in config.gemini_api_keys.iter().enumerate() {
        let spec = api_key_spec(&mut ids, "gemini", Provider::Gemini, key, true);
        out.push(spec, CredentialSource::GeminiApiKey(index));
    }
    for (index, claude) in config.claude_api_keys.iter().enumerate() {
        let spec = api_key_spec(&mut ids, "claude", Provider::Claude, &claude.key, true);
        out.push(spec, CredentialSource::ClaudeApiKey(index));
    }
    for (index, codex) in config.codex_api_keys.iter().enumerate() {
        let spec = api_key_spec(&mut ids, "codex", Provider::Codex, &codex.key, true);
        out.push(spec, CredentialSource::CodexApiKey(index));
    }
    for (index, key) in config.vertex_api_keys.iter().enumerate() {
        // vertex-api-key entries have no excluded-models (spec §5.2.3).
        let spec = api_key_spec(&mut ids, "vertex", Provider::Vertex, key, false);
        out.push(spec, CredentialSource::VertexApiKey(index));
    }
    for (entry, compat) in config.openai_compatibility.iter().enumerate() {
        if compat.disabled {
            continue;
        }
        for (key, spec) in compat_specs(&mut ids, compat) {
            out.push(spec, CredentialSource::OpenAiCompat { entry, key });
        }
    }
    out
}

/// Router settings from the routing, retry and quota keys.
pub fn settings(config: &Config) -> RouterSettings {
    RouterSettings {
        strategy: match config.routing.strategy {
            RoutingStrategy::FillFirst => Strategy::FillFirst,
            RoutingStrategy::RoundRobin => Strategy::RoundRobin,
        },
        request_retry: config.retry.request_retry,
        max_retry_interval: config.retry.max_retry_interval,
        max_retry_credentials: usize::try_from(config.retry.max_retry_credentials)
            .unwrap_or(usize::MAX),
        is_cooling_disabled: config.disable_cooling,
        max_cooldown: config.retry.max_cooldown,
        switch_project: config.quota_exceeded.switch_project,
        switch_preview_model: config.quota_exceeded.switch_preview_model,
    }
}

impl ConfigCredentials {
    fn push(&mut self, spec: CredentialSpec, source: CredentialSource) {
        self.sources.insert(spec.id.clone(), source);
        self.set.credentials.push(spec);
    }
}

fn api_key_spec(
    ids: &mut IdGenerator,
    kind: &str,
    provider: Provider,
    key: &ProviderKey,
    has_exclusions: bool,
) -> CredentialSpec {
    let secret = key.api_key.expose().as_str();
    let id = ids.api_key(kind, &[secret, &key.base_url]);
    let mut spec = CredentialSpec::new(id, provider, AuthKind::ApiKey);
    spec.prefix = key.prefix.clone();
    spec.priority = clamp_priority(key.priority);
    spec.models = key
        .models
        .iter()
        .map(|m| ModelAlias {
            name: m.name.clone(),
            alias: m.alias.clone(),
        })
        .collect();
    if has_exclusions {
        spec.excluded_models = key.excluded_models.clone();
    }
    let headers = headers_text(key.headers.iter());
    spec.fingerprint = fingerprint(&[
        secret,
        &key.base_url,
        &proxy_text(key.proxy_url.as_ref()),
        &headers,
    ]);
    spec
}

fn compat_specs(
    ids: &mut IdGenerator,
    compat: &OpenAiCompat,
) -> Vec<(Option<usize>, CredentialSpec)> {
    let name = compat.name.trim();
    let key_name = if name.is_empty() {
        "openai-compatibility"
    } else {
        name
    };
    let provider = Provider::OpenAiCompat(key_name.to_ascii_lowercase());
    let headers = headers_text(compat.headers.iter());
    let base = |id: CredentialId, secret: &str, proxy: Option<&ProxyUrl>| {
        let mut spec = CredentialSpec::new(id, provider.clone(), AuthKind::Other);
        spec.owner = name.to_owned();
        spec.prefix = compat.prefix.clone();
        spec.priority = clamp_priority(compat.priority);
        spec.models = compat
            .models
            .iter()
            .map(|m| ModelAlias {
                name: m.name.clone(),
                alias: m.alias.clone(),
            })
            .collect();
        spec.fingerprint = fingerprint(&[secret, &compat.base_url, &proxy_text(proxy), &headers]);
        spec
    };
    if compat.api_keys.is_empty() {
        let id = ids.openai_compat(key_name, &[&compat.base_url]);
        return vec![(None, base(id, "", None))];
    }
    compat
        .api_keys
        .iter()
        .enumerate()
        .map(|(index, key)| {
            let secret = key.api_key.expose().as_str();
            let id = ids.openai_compat(key_name, &[&compat.base_url, secret]);
            (Some(index), base(id, secret, key.proxy_url.as_ref()))
        })
        .collect()
}

fn oauth_aliases(config: &Config) -> HashMap<String, Vec<OAuthAlias>> {
    config
        .oauth_model_alias
        .iter()
        .map(|(channel, list)| {
            let aliases = list
                .iter()
                .map(|a| OAuthAlias {
                    name: a.name.clone(),
                    alias: a.alias.clone(),
                    is_fork: a.fork,
                })
                .collect();
            (channel.to_ascii_lowercase(), aliases)
        })
        .collect()
}

fn clamp_priority(priority: i64) -> i32 {
    i32::try_from(priority).unwrap_or(if priority < 0 { i32::MIN } else { i32::MAX })
}

fn proxy_text(proxy: Option<&ProxyUrl>) -> String {
    match proxy {
        None => String::new(),
        Some(ProxyUrl::Direct) => "direct".to_owned(),
        Some(ProxyUrl::Url(url)) => url.clone(),
    }
}

fn headers_text<'a>(headers: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    headers.map(|(k, v)| format!("{k}:{v}\n")).collect()
}

#[cfg(test)]
mod tests;
