//! Per-credential model list (proxy-pipeline spec §5.2.1), as a pure function.
//!
//! Order of the steps: base list, excluded models, OAuth aliases, prefixing. Each
//! [`Registration`] remembers the upstream name, so executing an alias or a prefixed
//! name needs no reverse lookup later.

use std::collections::HashSet;

use crate::credential::{AuthKind, CredentialSpec, OAuthAlias};
use crate::models::{self, Catalog, ModelInfo};
use crate::provider::Provider;
use crate::registry::Registration;
use crate::settings::CredentialSet;

/// Computes the models one credential registers; empty for disabled credentials.
pub(crate) fn credential_models(
    spec: &CredentialSpec,
    set: &CredentialSet,
    now_unix: i64,
) -> Vec<Registration> {
    if spec.is_disabled {
        return Vec::new();
    }
    let mut models = base_list(spec, now_unix);
    if !spec.provider.is_openai_compat() {
        models.retain(|m| !is_excluded(&m.info.id, &spec.excluded_models));
        if let Some(aliases) = oauth_channel(spec).and_then(|c| set.oauth_aliases.get(c)) {
            models = apply_oauth_aliases(models, aliases);
        }
    }
    apply_prefix(models, spec.prefix.as_deref(), set.force_model_prefix)
}

/// Whether `model` matches any excluded pattern (case-insensitive; `*` matches any
/// substring and may appear anywhere, any number of times).
pub fn is_excluded(model: &str, patterns: &[String]) -> bool {
    let model = model.to_ascii_lowercase();
    patterns.iter().any(|p| {
        let pattern = p.trim().to_ascii_lowercase();
        !pattern.is_empty() && wildcard_match(&pattern, &model)
    })
}

fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let tail: Vec<&str> = parts.collect();
    let Some((last, middle)) = tail.split_last() else {
        // No `*` at all: exact match.
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn base_list(spec: &CredentialSpec, now_unix: i64) -> Vec<Registration> {
    let has_aliases = !spec.models.is_empty()
        && matches!(
            spec.provider,
            Provider::Claude
                | Provider::Codex
                | Provider::Gemini
                | Provider::Vertex
                | Provider::Antigravity
                | Provider::OpenAiCompat(_)
        );
    if has_aliases {
        return alias_list(spec, now_unix);
    }
    Catalog::for_provider(&spec.provider)
        .map(Catalog::models)
        .unwrap_or_default()
        .into_iter()
        .map(|info| Registration {
            upstream: info.id.clone(),
            info,
        })
        .collect()
}

fn alias_list(spec: &CredentialSpec, now_unix: i64) -> Vec<Registration> {
    let (owned_by, kind) = models::alias_owner(&spec.provider);
    let is_compat = spec.provider.is_openai_compat();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for alias in &spec.models {
        let name = alias.name.trim();
        let id = match alias.alias.trim() {
            "" => name,
            alias => alias,
        };
        if id.is_empty() || !seen.insert(id.to_ascii_lowercase()) {
            continue;
        }
        let upstream_static = models::lookup_static(name);
        let antigravity = (spec.provider == Provider::Antigravity)
            .then(|| models::antigravity_decoration(id))
            .flatten();
        let info = ModelInfo {
            id: id.to_owned(),
            owned_by: if is_compat {
                spec.owner.clone()
            } else {
                owned_by.to_owned()
            },
            kind: kind.to_owned(),
            // Antigravity and OpenAI-compatible models show their client ID.
            display_name: if is_compat || spec.provider == Provider::Antigravity {
                id.to_owned()
            } else {
                name.to_owned()
            },
            created: now_unix,
            context_length: upstream_static.as_ref().map_or(0, |m| m.context_length),
            max_output_tokens: antigravity
                .map(|(_, output)| output)
                .filter(|output| *output > 0)
                .or(upstream_static.as_ref().map(|m| m.max_output_tokens))
                .unwrap_or(0),
            gemini: None,
            thinking: match antigravity {
                Some((thinking, _)) => thinking,
                None => upstream_static.and_then(|m| m.thinking),
            },
        };
        out.push(Registration {
            info,
            upstream: name.to_owned(),
        });
    }
    out
}

/// The `oauth-model-alias` channel of a credential (spec §5.2.4), if any.
fn oauth_channel(spec: &CredentialSpec) -> Option<&'static str> {
    let is_api_key = spec.auth_kind == AuthKind::ApiKey;
    match spec.provider {
        Provider::GeminiCli => Some("gemini-cli"),
        Provider::AiStudio => Some("aistudio"),
        Provider::Antigravity => Some("antigravity"),
        Provider::Qwen => Some("qwen"),
        Provider::Iflow => Some("iflow"),
        Provider::Vertex if !is_api_key => Some("vertex"),
        Provider::Claude if !is_api_key => Some("claude"),
        Provider::Codex if !is_api_key => Some("codex"),
        _ => None,
    }
}

fn apply_oauth_aliases(models: Vec<Registration>, aliases: &[OAuthAlias]) -> Vec<Registration> {
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        let matching: Vec<&OAuthAlias> = aliases
            .iter()
            .filter(|a| a.name.eq_ignore_ascii_case(&model.info.id))
            .collect();
        if matching.is_empty() {
            out.push(model);
            continue;
        }
        if matching.iter().any(|a| a.is_fork) {
            out.push(model.clone());
        }
        for alias in matching {
            let mut info = model.info.clone();
            info.id = alias.alias.clone();
            if let Some(gemini) = info.gemini.as_mut() {
                gemini.name = format!("models/{}", alias.alias);
            }
            out.push(Registration {
                info,
                upstream: model.upstream.clone(),
            });
        }
    }
    out
}

fn apply_prefix(
    models: Vec<Registration>,
    prefix: Option<&str>,
    force_model_prefix: bool,
) -> Vec<Registration> {
    let Some(prefix) = prefix else {
        return models;
    };
    let mut out = Vec::with_capacity(models.len() * 2);
    for model in models {
        let mut prefixed = model.clone();
        prefixed.info.id = format!("{prefix}/{}", model.info.id);
        out.push(prefixed);
        if !force_model_prefix || model.info.id == prefix {
            out.push(model);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn excluded_model_wildcards_match_anywhere() {
        let cases: &[(&str, &str, bool)] = &[
            ("gemini-2.5-*", "gemini-2.5-pro", true),
            ("gemini-2.5-*", "gemini-3-pro-preview", false),
            ("*-preview", "gemini-3-pro-preview", true),
            ("*-preview", "gemini-3-pro-preview-x", false),
            ("*flash*", "gemini-2.5-flash-lite", true),
            ("gpt-*-mini", "gpt-5-codex-mini", true),
            ("gpt-*-mini", "gpt-5-codex", false),
            ("GPT-5", "gpt-5", true),
            ("gpt-5", "gpt-5.1", false),
            ("*", "anything", true),
            ("a*b*c", "abc", true),
            ("a*b*c", "acb", false),
            ("ab*ba", "aba", false),
        ];
        for (pattern, model, expected) in cases {
            assert_eq!(
                is_excluded(model, &patterns(&[pattern])),
                *expected,
                "{pattern} vs {model}"
            );
        }
        assert!(!is_excluded("gpt-5", &patterns(&["  "])));
    }
}
