//! Credentials from auth files (proxy-pipeline spec §5.1, providers spec §3.4).
//!
//! Whoever reads the auth directory (the auth/store crates) extracts a few fields of
//! each JSON file into an [`AuthFile`]; this module turns it into router credential
//! specs, expanding multi-project Gemini CLI files into one credential per project.
//! It reads no files and never sees tokens: the caller passes a fingerprint instead.

use std::collections::BTreeMap;

use crate::credential::{AuthKind, CredentialId, CredentialSpec, normalize_prefix};
use crate::provider::Provider;

/// The routing-relevant fields of one auth file.
#[derive(Debug, Clone, Default)]
pub struct AuthFile<'a> {
    /// File name relative to the auth directory: the credential ID.
    pub file_name: &'a str,
    /// The file's `type` (`gemini` means Gemini CLI).
    pub kind: &'a str,
    /// Account email, used as the label.
    pub email: &'a str,
    /// Raw `prefix` (normalized here).
    pub prefix: Option<&'a str>,
    /// `priority`; default 0.
    pub priority: i32,
    /// Gemini CLI `project_id`, possibly several comma-separated projects.
    pub project_id: Option<&'a str>,
    /// Digest of the token/proxy fields (see `credential::fingerprint`).
    pub fingerprint: String,
    /// Disabled (file removed, persisted `disabled: true`).
    pub is_disabled: bool,
}

/// Builds the credential specs of one auth file.
///
/// `oauth_excluded` is `oauth-excluded-models` (lower-cased provider → patterns).
/// A Gemini CLI file listing two or more projects yields a disabled primary (it
/// registers no models) followed by one credential per project, ID
/// `<file>::<project>`, sharing the file as their `account`.
pub fn auth_file_specs(
    file: &AuthFile<'_>,
    oauth_excluded: &BTreeMap<String, Vec<String>>,
) -> Vec<CredentialSpec> {
    let provider = Provider::parse(file.kind);
    let id = CredentialId::new(file.file_name);
    let mut primary = CredentialSpec::new(id.clone(), provider.clone(), AuthKind::OAuth);
    primary.label = file.email.to_owned();
    primary.prefix = file.prefix.and_then(normalize_prefix);
    primary.priority = file.priority;
    primary.fingerprint = file.fingerprint.clone();
    primary.is_disabled = file.is_disabled;
    primary.excluded_models = oauth_excluded
        .get(provider.as_str())
        .cloned()
        .unwrap_or_default();

    let projects = projects(file.project_id.unwrap_or_default());
    if provider != Provider::GeminiCli || projects.len() < 2 {
        return vec![primary];
    }
    let mut specs = Vec::with_capacity(projects.len() + 1);
    for project in &projects {
        let mut child = primary.clone();
        child.id = CredentialId::gemini_project(&id, project);
        child.label = format!("{} [{project}]", file.email);
        child.account = Some(file.file_name.to_owned());
        specs.push(child);
    }
    primary.is_disabled = true;
    specs.insert(0, primary);
    specs
}

/// Comma-separated projects, trimmed, de-duplicated, order kept.
fn projects(raw: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for project in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if !out.contains(&project) {
            out.push(project);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_project_file_is_one_credential() {
        let mut excluded = BTreeMap::new();
        excluded.insert("gemini-cli".to_owned(), vec!["*-lite".to_owned()]);
        let file = AuthFile {
            file_name: "gemini-me.json",
            kind: "gemini",
            email: "me@example.com",
            prefix: Some("/team/"),
            project_id: Some("proj-1"),
            ..AuthFile::default()
        };
        let specs = auth_file_specs(&file, &excluded);
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].provider, Provider::GeminiCli);
        assert_eq!(specs[0].prefix.as_deref(), Some("team"));
        assert_eq!(specs[0].excluded_models, ["*-lite"]);
        assert_eq!(specs[0].label, "me@example.com");
    }

    #[test]
    fn multi_project_file_expands_into_projects() {
        let file = AuthFile {
            file_name: "gemini-me.json",
            kind: "gemini",
            email: "me@example.com",
            project_id: Some("p1, p2 ,p1,"),
            ..AuthFile::default()
        };
        let specs = auth_file_specs(&file, &BTreeMap::new());
        let ids: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["gemini-me.json", "gemini-me.json::p1", "gemini-me.json::p2"]
        );
        assert!(specs[0].is_disabled, "primary registers nothing");
        assert!(specs[1..].iter().all(|s| !s.is_disabled));
        assert_eq!(specs[2].account.as_deref(), Some("gemini-me.json"));
        assert_eq!(specs[2].label, "me@example.com [p2]");
    }

    #[test]
    fn other_providers_ignore_project_lists() {
        let file = AuthFile {
            file_name: "claude-me.json",
            kind: "claude",
            project_id: Some("a,b"),
            ..AuthFile::default()
        };
        assert_eq!(auth_file_specs(&file, &BTreeMap::new()).len(), 1);
    }
}
