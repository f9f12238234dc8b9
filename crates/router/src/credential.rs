//! Credential identity and the router's input description of a credential.
//!
//! The router does not read config or auth files; whoever does (`from_config`, the
//! auth-dir watcher) describes every usable credential as a [`CredentialSpec`]. The
//! spec's [`CredentialId`] is stable across reloads (proxy-pipeline spec §5.1), which is
//! what lets `crate::health` keep cooldowns for credentials that survive a reload.
//! Secrets never enter this module: a credential is identified by a hash, and changes
//! to its secret are noticed through an opaque `fingerprint`.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::provider::Provider;

/// Stable identifier of one credential.
///
/// API-key credentials: `<kind>:apikey:<12 hex>`; OpenAI-compatible:
/// `openai-compatibility:<name>:<12 hex>`; auth files: the file name relative to the
/// auth directory; Gemini CLI projects: `<file>::<project>`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId(Arc<str>);

/// How a credential authenticates; decides which exclusion and alias tables apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// A key from the config file (`*-api-key` sections).
    ApiKey,
    /// An auth file in the auth directory (OAuth token, service account).
    OAuth,
    /// No kind (OpenAI-compatible entries, runtime channels).
    Other,
}

/// A per-key model alias (`models: [{name, alias}]` on an API-key entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAlias {
    /// Upstream model name sent to the provider.
    pub name: String,
    /// Client-visible name; empty means "same as `name`".
    pub alias: String,
}

/// One `oauth-model-alias` (`oauth-model-mappings`) entry of a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthAlias {
    /// Upstream model name.
    pub name: String,
    /// Client-visible alias.
    pub alias: String,
    /// Keep the original model listed next to the alias.
    pub is_fork: bool,
}

/// Everything the router needs to know about one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSpec {
    /// Stable ID (see [`CredentialId`]).
    pub id: CredentialId,
    /// Provider the credential belongs to.
    pub provider: Provider,
    /// Config key or auth file.
    pub auth_kind: AuthKind,
    /// Human-readable label for logs (e.g. the account email). Never a secret.
    pub label: String,
    /// Model prefix, already normalized with [`normalize_prefix`].
    pub prefix: Option<String>,
    /// Selection priority; higher groups are tried first. Default 0.
    pub priority: i32,
    /// Per-key aliases; when non-empty the credential registers only these models.
    pub models: Vec<ModelAlias>,
    /// Excluded-model patterns (`*` wildcards). API keys: the entry's list; auth
    /// files: `oauth-excluded-models[<provider>]`.
    pub excluded_models: Vec<String>,
    /// OpenAI-compatible providers: the provider name as written (`owned_by`).
    pub owner: String,
    /// Opaque digest of everything that, when changed, may fix a rejected credential
    /// (secret, base URL, headers, proxy). A change re-enables a disabled credential.
    pub fingerprint: String,
    /// Multi-project Gemini CLI: the account (auth file) this project credential
    /// belongs to. Used by `quota-exceeded.switch-project`.
    pub account: Option<String>,
    /// Disabled by the operator or by its source (removed file, virtual primary).
    pub is_disabled: bool,
}

/// Generates stable API-key credential IDs, numbering repeats of identical entries.
#[derive(Debug, Default)]
pub struct IdGenerator {
    seen: HashMap<String, usize>,
}

impl CredentialId {
    /// Wraps an ID string as-is (auth files, runtime channels).
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }

    /// ID of one project of a multi-project Gemini CLI auth file:
    /// `<file>::<project>`, with `/`, `\` and spaces in the project replaced by `_`.
    pub fn gemini_project(file: &CredentialId, project: &str) -> Self {
        let project: String = project
            .trim()
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ' ') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        Self::new(format!("{file}::{project}"))
    }

    /// The ID as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", &*self.0)
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CredentialSpec {
    /// A spec with defaults for everything but identity and provider.
    pub fn new(id: CredentialId, provider: Provider, auth_kind: AuthKind) -> Self {
        Self {
            id,
            provider,
            auth_kind,
            label: String::new(),
            prefix: None,
            priority: 0,
            models: Vec::new(),
            excluded_models: Vec::new(),
            owner: String::new(),
            fingerprint: String::new(),
            account: None,
            is_disabled: false,
        }
    }
}

impl IdGenerator {
    /// ID for an API-key entry: `<kind>:apikey:<12 hex>`.
    ///
    /// `fields` are the identifying values (key, base URL, …) in a fixed order. The hash
    /// covers `kind` too, so the same key under two kinds gives two IDs. The second and
    /// later identical entries get `-1`, `-2`, … appended.
    pub fn api_key(&mut self, kind: &str, fields: &[&str]) -> CredentialId {
        let base = format!("{kind}:apikey:{}", short_hash(kind, fields));
        self.numbered(base)
    }

    /// ID for an OpenAI-compatible entry: `openai-compatibility:<name>:<12 hex>`.
    pub fn openai_compat(&mut self, name: &str, fields: &[&str]) -> CredentialId {
        let name = name.trim().to_ascii_lowercase();
        let base = format!("openai-compatibility:{name}:{}", short_hash(&name, fields));
        self.numbered(base)
    }

    fn numbered(&mut self, base: String) -> CredentialId {
        let count = self.seen.entry(base.clone()).or_insert(0);
        let id = if *count == 0 {
            base
        } else {
            format!("{base}-{count}")
        };
        *count += 1;
        CredentialId::new(id)
    }
}

/// Digest of the values that identify a credential's configuration, for
/// [`CredentialSpec::fingerprint`]. Order matters; secrets go in and only a hash
/// comes out.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Normalizes a configured model prefix: trim, strip surrounding `/`; a prefix still
/// containing `/` (or empty) means "no prefix".
pub fn normalize_prefix(raw: &str) -> Option<String> {
    let prefix = raw.trim().trim_matches('/');
    (!prefix.is_empty() && !prefix.contains('/')).then(|| prefix.to_owned())
}

fn short_hash(kind: &str, fields: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(kind.as_bytes());
    for field in fields {
        hasher.update([0]);
        hasher.update(field.as_bytes());
    }
    let digest = hex::encode(hasher.finalize());
    digest[..12].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_ids_are_stable_and_number_repeats() {
        let mut ids = IdGenerator::default();
        let first = ids.api_key("claude", &["sk-1", "https://a"]);
        let again = ids.api_key("claude", &["sk-1", "https://a"]);
        let other = ids.api_key("claude", &["sk-2", "https://a"]);
        assert!(first.as_str().starts_with("claude:apikey:"));
        assert_eq!(first.as_str().len(), "claude:apikey:".len() + 12);
        assert_eq!(again.as_str(), format!("{first}-1"));
        assert_ne!(first, other);

        let mut fresh = IdGenerator::default();
        assert_eq!(fresh.api_key("claude", &["sk-1", "https://a"]), first);
        assert_ne!(fresh.api_key("codex", &["sk-1", "https://a"]), first);
    }

    #[test]
    fn ids_never_contain_the_secret() {
        let mut ids = IdGenerator::default();
        let id = ids.openai_compat("OpenRouter", &["sk-secret"]);
        assert!(id.as_str().starts_with("openai-compatibility:openrouter:"));
        assert!(!id.as_str().contains("sk-secret"));
        assert!(!fingerprint(&["sk-secret"]).contains("sk-secret"));
    }

    #[test]
    fn gemini_project_ids() {
        let file = CredentialId::new("gemini-me@x.json");
        let id = CredentialId::gemini_project(&file, "my proj/1");
        assert_eq!(id.as_str(), "gemini-me@x.json::my_proj_1");
    }

    #[test]
    fn prefix_normalization() {
        assert_eq!(normalize_prefix(" /teamA/ "), Some("teamA".into()));
        assert_eq!(normalize_prefix("a/b"), None);
        assert_eq!(normalize_prefix(" "), None);
    }
}
