//! Config entries → the executors' view of each credential (`cpa_providers::Credential`).
//!
//! The router's `from_config` builds the selection view (`CredentialSpec`, stable ids) and
//! says which config entry each id came from; here that entry's secret, base URL, proxy and
//! headers become the transport credential under the same id.

use std::collections::{BTreeMap, HashMap};

use cpa_config::Config;
use cpa_config::resolved::{ProviderKey, ProxyUrl};
use cpa_providers::{Credential, ProviderKind};
use cpa_router::CredentialId;
use cpa_router::CredentialSet;
use cpa_router::from_config::{CredentialSource, from_config};

/// Both views of every credential of a config snapshot.
#[derive(Debug, Default)]
pub struct CredentialTable {
    /// Router input.
    pub set: CredentialSet,
    /// Executor input, by credential id.
    pub credentials: HashMap<CredentialId, Credential>,
}

/// Builds the credential table of `config`.
/// Builds the credential table of `config`: its API-key sections, then the auth files of
/// `auth-dir` this build can serve.
pub fn build_credentials(config: &Config) -> CredentialTable {
    let mut built = from_config(config);
    let mut credentials = HashMap::with_capacity(built.sources.len());
    for (id, source) in &built.sources {
        if let Some(credential) = transport(config, id, *source) {
            credentials.insert(id.clone(), credential);
        }
    }
    for file in super::auth_files::scan(&config.auth_dir, &config.oauth_excluded_models) {
        for spec in file.specs {
            credentials.insert(spec.id.clone(), file.credential.clone());
            built.set.credentials.push(spec);
        }
    }
    CredentialTable {
        set: built.set,
        credentials,
    }
}

fn transport(config: &Config, id: &CredentialId, source: CredentialSource) -> Option<Credential> {
    let keyed = |kind: ProviderKind, key: &ProviderKey| {
        with_headers(
            Credential::api_key(kind, id.as_str(), key.api_key.expose().clone())
                .base_url(key.base_url.clone())
                .proxy_url(proxy_text(key.proxy_url.as_ref())),
            &key.headers,
        )
    };
    Some(match source {
        CredentialSource::GeminiApiKey(i) => {
            keyed(ProviderKind::Gemini, config.gemini_api_keys.get(i)?)
        }
        CredentialSource::VertexApiKey(i) => {
            keyed(ProviderKind::Vertex, config.vertex_api_keys.get(i)?)
        }
        CredentialSource::ClaudeApiKey(i) => {
            keyed(ProviderKind::Claude, &config.claude_api_keys.get(i)?.key)
        }
        CredentialSource::CodexApiKey(i) => {
            keyed(ProviderKind::Codex, &config.codex_api_keys.get(i)?.key)
        }
        CredentialSource::OpenAiCompat { entry, key } => {
            let compat = config.openai_compatibility.get(entry)?;
            let (secret, proxy) = match key {
                Some(k) => {
                    let k = compat.api_keys.get(k)?;
                    (k.api_key.expose().clone(), proxy_text(k.proxy_url.as_ref()))
                }
                None => (String::new(), String::new()),
            };
            with_headers(
                Credential::api_key(ProviderKind::OpenAiCompat, id.as_str(), secret)
                    .base_url(compat.base_url.clone())
                    .proxy_url(proxy)
                    .named(compat.name.clone()),
                &compat.headers,
            )
        }
    })
}

fn with_headers(mut credential: Credential, headers: &BTreeMap<String, String>) -> Credential {
    for (name, value) in headers {
        credential = credential.header(name.clone(), value.clone());
    }
    credential
}

fn proxy_text(proxy: Option<&ProxyUrl>) -> String {
    match proxy {
        Some(ProxyUrl::Url(url)) => url.clone(),
        Some(ProxyUrl::Direct) => "direct".to_owned(),
        None => String::new(),
    }
}
