//! Resolved `ampcode`, OAuth channel maps and `payload` (spec §2.3–§2.5, §10.2).

use std::collections::BTreeMap;

use crate::{
    Secret, Warning, normalize,
    raw::{self, RawModelAlias, RawPayloadRule},
};

/// `ampcode`.
#[derive(Debug, Clone, Default)]
pub struct Ampcode {
    /// Amp upstream URL (trimmed); `None` disables the reverse proxy.
    pub upstream_url: Option<String>,
    /// Upstream Authorization override.
    pub upstream_api_key: Option<Secret<String>>,
    /// Per-client-key upstream keys.
    pub upstream_api_keys: Vec<AmpUpstreamKey>,
    /// Amp management routes only from loopback (TCP peer). Default false.
    pub restrict_management_to_localhost: bool,
    /// Model mappings.
    pub model_mappings: Vec<AmpModelMapping>,
    /// Apply mappings even when the model is available. Default false.
    pub force_model_mappings: bool,
}

/// `ampcode.upstream-api-keys[]`.
#[derive(Debug, Clone)]
pub struct AmpUpstreamKey {
    /// Upstream key for these clients.
    pub upstream_api_key: Secret<String>,
    /// Client API keys mapped to it.
    pub api_keys: Vec<Secret<String>>,
}

/// `ampcode.model-mappings[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmpModelMapping {
    /// Requested model (or regex).
    pub from: String,
    /// Model used instead.
    pub to: String,
    /// `from` is a regular expression.
    pub regex: bool,
}

impl Ampcode {
    pub(crate) fn resolve(raw: Option<&raw::RawAmpcode>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            upstream_url: normalize::non_empty(raw.upstream_url.as_deref()),
            upstream_api_key: normalize::non_empty(raw.upstream_api_key.as_deref())
                .map(Secret::new),
            upstream_api_keys: raw
                .upstream_api_keys
                .unwrap_or_default()
                .into_iter()
                .filter_map(|k| {
                    let upstream = normalize::non_empty(k.upstream_api_key.as_deref())?;
                    Some(AmpUpstreamKey {
                        upstream_api_key: Secret::new(upstream),
                        api_keys: k
                            .api_keys
                            .unwrap_or_default()
                            .into_iter()
                            .filter_map(|c| normalize::non_empty(Some(&c)))
                            .map(Secret::new)
                            .collect(),
                    })
                })
                .collect(),
            restrict_management_to_localhost: raw.restrict_management_to_localhost.unwrap_or(false),
            model_mappings: raw
                .model_mappings
                .unwrap_or_default()
                .into_iter()
                .map(|m| AmpModelMapping {
                    from: m.from.unwrap_or_default().trim().to_owned(),
                    to: m.to.unwrap_or_default().trim().to_owned(),
                    regex: m.regex.unwrap_or(false),
                })
                .filter(|m| !m.from.is_empty() && !m.to.is_empty())
                .collect(),
            force_model_mappings: raw.force_model_mappings.unwrap_or(false),
        }
    }
}

/// One `oauth-model-alias.<channel>[]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthModelAlias {
    /// Upstream model (trimmed).
    pub name: String,
    /// Client-visible alias (trimmed).
    pub alias: String,
    /// Keep the original model listed too.
    pub fork: bool,
}

/// Normalises `oauth-excluded-models` (spec §2.4).
pub(crate) fn oauth_excluded(
    raw: Option<&BTreeMap<String, Vec<String>>>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (provider, models) in raw.into_iter().flatten() {
        let provider = provider.trim().to_lowercase();
        if provider.is_empty() {
            continue;
        }
        let entry = out.entry(provider).or_default();
        for m in normalize::excluded_models(Some(models)) {
            if !entry.contains(&m) {
                entry.push(m);
            }
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// Normalises `oauth-model-alias` (spec §2.4).
pub(crate) fn oauth_alias(
    raw: Option<&BTreeMap<String, Vec<RawModelAlias>>>,
) -> BTreeMap<String, Vec<OAuthModelAlias>> {
    let mut out: BTreeMap<String, Vec<OAuthModelAlias>> = BTreeMap::new();
    for (channel, entries) in raw.into_iter().flatten() {
        let channel = channel.trim().to_lowercase();
        if channel.is_empty() {
            continue;
        }
        let list = out.entry(channel).or_default();
        for e in entries {
            let name = e.name.as_deref().unwrap_or_default().trim().to_owned();
            let alias = e.alias.as_deref().unwrap_or_default().trim().to_owned();
            if name.is_empty() || alias.is_empty() || name.eq_ignore_ascii_case(&alias) {
                continue;
            }
            if list.iter().any(|x| x.alias.eq_ignore_ascii_case(&alias)) {
                continue;
            }
            list.push(OAuthModelAlias {
                name,
                alias,
                fork: e.fork.unwrap_or(false),
            });
        }
    }
    out.retain(|_, v| !v.is_empty());
    out
}

/// `payload`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Payload {
    /// Set parameters only when missing.
    pub default: Vec<PayloadRule>,
    /// Always overwrite parameters.
    pub override_rules: Vec<PayloadRule>,
    /// `default-raw` with string values parsed as JSON.
    pub default_raw: Vec<PayloadRule>,
    /// `override-raw` with string values parsed as JSON.
    pub override_raw: Vec<PayloadRule>,
    /// Delete JSON paths.
    pub filter: Vec<PayloadFilter>,
}

/// One payload rule.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadRule {
    /// Which requests it applies to; empty never matches.
    pub models: Vec<PayloadModel>,
    /// JSON path → value, in key order.
    pub params: Vec<(String, serde_json::Value)>,
}

/// One payload filter rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFilter {
    /// Which requests it applies to.
    pub models: Vec<PayloadModel>,
    /// JSON paths to delete.
    pub params: Vec<String>,
}

/// `payload.*[].models[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadModel {
    /// Model pattern, `*` wildcards.
    pub name: String,
    /// Target format (lowercase); `None` = any.
    pub protocol: Option<String>,
}

impl Payload {
    pub(crate) fn resolve(raw: Option<&raw::RawPayload>, warnings: &mut Vec<Warning>) -> Self {
        let raw = raw.cloned().unwrap_or_default();
        Self {
            default: rules(raw.default.as_deref(), false, "payload.default", warnings),
            override_rules: rules(
                raw.r#override.as_deref(),
                false,
                "payload.override",
                warnings,
            ),
            default_raw: rules(
                raw.default_raw.as_deref(),
                true,
                "payload.default-raw",
                warnings,
            ),
            override_raw: rules(
                raw.override_raw.as_deref(),
                true,
                "payload.override-raw",
                warnings,
            ),
            filter: raw
                .filter
                .unwrap_or_default()
                .into_iter()
                .map(|f| PayloadFilter {
                    models: models(f.models.as_deref()),
                    params: f.params.unwrap_or_default(),
                })
                .collect(),
        }
    }
}

fn models(raw: Option<&[raw::RawPayloadModel]>) -> Vec<PayloadModel> {
    raw.into_iter()
        .flatten()
        .map(|m| PayloadModel {
            name: m.name.as_deref().unwrap_or_default().trim().to_owned(),
            protocol: normalize::non_empty(m.protocol.as_deref()).map(|p| p.to_lowercase()),
        })
        .collect()
}

fn rules(
    raw: Option<&[RawPayloadRule]>,
    is_raw_json: bool,
    path: &str,
    warnings: &mut Vec<Warning>,
) -> Vec<PayloadRule> {
    let mut out = Vec::new();
    'rules: for (i, rule) in raw.into_iter().flatten().enumerate() {
        let mut params = Vec::new();
        for (key, value) in rule.params.iter().flatten() {
            let value = match (is_raw_json, value) {
                (true, serde_yaml_ng::Value::String(s)) => {
                    match serde_json::from_str::<serde_json::Value>(s) {
                        Ok(v) if !s.trim().is_empty() => v,
                        _ => {
                            warnings.push(Warning::new(
                                format!("{path}[{i}].params.{key}"),
                                "not valid JSON, rule dropped",
                            ));
                            continue 'rules;
                        }
                    }
                }
                _ => serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
            };
            params.push((key.clone(), value));
        }
        if is_raw_json && params.is_empty() {
            warnings.push(Warning::new(
                format!("{path}[{i}]"),
                "no params, rule dropped",
            ));
            continue;
        }
        out.push(PayloadRule {
            models: models(rule.models.as_deref()),
            params,
        });
    }
    out
}
