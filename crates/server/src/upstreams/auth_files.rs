//! Credentials from the auth directory (`auth-dir/*.json`).
//!
//! This build serves the auth files that need no OAuth login: Vertex service-account keys
//! (`"type": "vertex"`, as written by `--vertex-import` or `POST /vertex/import`). Files of
//! the OAuth providers (`claude`, `codex`, `gemini`, `antigravity`, `qwen`, `iflow`) are
//! listed in the debug log and skipped until the login flows land.
//!
//! Besides the original's fields, a Vertex file may carry `base_url` to point the credential
//! at another endpoint (a regional proxy, or the mock upstream in tests); the key's own
//! `token_uri` chooses the token endpoint.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use cpa_providers::{Credential, CredentialSecret, ProviderKind, ServiceAccount};
use cpa_router::CredentialSpec;
use cpa_router::auth_file::{AuthFile, auth_file_specs};
use cpa_router::credential::fingerprint;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One usable auth-file credential: both views.
pub struct FileCredential {
    /// The router's view.
    pub specs: Vec<CredentialSpec>,
    /// The executor's view.
    pub credential: Credential,
}

/// Reads every `*.json` file of `dir` (non-recursively) and returns the ones this build
/// can serve. Unreadable or malformed files are logged and skipped.
pub fn scan(dir: &Path, oauth_excluded: &BTreeMap<String, Vec<String>>) -> Vec<FileCredential> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .filter_map(|name| {
            let bytes = std::fs::read(dir.join(name)).ok()?;
            load(name, &bytes, oauth_excluded)
        })
        .collect()
}

fn load(
    name: &str,
    bytes: &[u8],
    oauth_excluded: &BTreeMap<String, Vec<String>>,
) -> Option<FileCredential> {
    let json: Value = match serde_json::from_slice(bytes) {
        Ok(json) => json,
        Err(err) => {
            tracing::warn!(file = name, %err, "auth file is not valid JSON; skipped");
            return None;
        }
    };
    let kind = json
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    if kind != "vertex" {
        tracing::debug!(
            file = name,
            kind,
            "auth file needs OAuth support, which this build lacks; skipped"
        );
        return None;
    }
    let account = match ServiceAccount::from_auth_file(&json) {
        Ok(account) => account,
        Err(err) => {
            tracing::warn!(file = name, %err, "vertex auth file is unusable; skipped");
            return None;
        }
    };
    let text = |key: &str| {
        json.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let digest = hex::encode(Sha256::digest(bytes));
    let project = account.project_id().to_owned();
    let file = AuthFile {
        file_name: name,
        kind: "vertex",
        email: text("email").unwrap_or(&project),
        prefix: text("prefix"),
        priority: json
            .get("priority")
            .and_then(Value::as_i64)
            .and_then(|p| i32::try_from(p).ok())
            .unwrap_or(0),
        project_id: None,
        fingerprint: fingerprint(&[&digest]),
        is_disabled: json
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let specs = auth_file_specs(&file, oauth_excluded);
    let mut credential = Credential::with_secret(
        ProviderKind::Vertex,
        name,
        CredentialSecret::ServiceAccount(Arc::new(account)),
    );
    if let Some(proxy) = text("proxy_url") {
        credential = credential.proxy_url(proxy);
    }
    if let Some(base) = text("base_url") {
        credential = credential.base_url(base);
    }
    Some(FileCredential { specs, credential })
}
