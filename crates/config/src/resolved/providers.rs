//! Resolved provider credential lists (spec §2.2, §10.2, §10.3).
//!
//! Load-time rules per list, in the order the loader applies them:
//!
//! | list | trimmed | dropped when | de-duplicated by |
//! |---|---|---|---|
//! | `gemini-api-key` | key, URLs | empty key | key |
//! | `vertex-api-key` | key, URLs, models | empty key | key + base URL |
//! | `codex-api-key` | base URL | empty base URL | — |
//! | `claude-api-key` | — | — | — |
//! | `openai-compatibility` | name, base URL | empty base URL | — |

use std::{collections::BTreeMap, fmt};

use crate::{
    Secret, normalize,
    raw::{self, RawModel},
};

/// Default Gemini API base URL.
pub const DEFAULT_GEMINI_BASE_URL: &str = "https://generativelanguage.googleapis.com";
/// Default Claude API base URL.
pub const DEFAULT_CLAUDE_BASE_URL: &str = "https://api.anthropic.com";

/// An outbound proxy choice.
#[derive(Clone, PartialEq, Eq)]
pub enum ProxyUrl {
    /// `direct` / `none`: connect directly, ignoring global and environment proxies.
    Direct,
    /// `http://`, `https://` or `socks5://` proxy URL (validated at load).
    Url(String),
}

impl ProxyUrl {
    /// Parses a `proxy-url` value; empty ⇒ `None` (inherit).
    pub fn parse(raw: Option<&str>) -> Option<Self> {
        let value = normalize::non_empty(raw)?;
        if value.eq_ignore_ascii_case("direct") || value.eq_ignore_ascii_case("none") {
            Some(Self::Direct)
        } else {
            Some(Self::Url(value))
        }
    }
}

impl fmt::Debug for ProxyUrl {
    /// Hides a password in the URL's user info.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Direct => f.write_str("Direct"),
            Self::Url(u) => match url::Url::parse(u) {
                Ok(mut parsed) if parsed.password().is_some() => {
                    let _ = parsed.set_password(Some(crate::REDACTED));
                    write!(f, "Url({parsed})")
                }
                _ => write!(f, "Url({u})"),
            },
        }
    }
}

/// A `{name, alias}` model entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelAlias {
    /// Upstream model name.
    pub name: String,
    /// Client-visible alias (may be empty = use `name`).
    pub alias: String,
}

/// Fields shared by `gemini-api-key`, `claude-api-key`, `codex-api-key` and
/// `vertex-api-key` entries.
#[derive(Debug, Clone)]
pub struct ProviderKey {
    /// The API key.
    pub api_key: Secret<String>,
    /// Selection priority; higher wins. Default 0.
    pub priority: i64,
    /// Normalised model prefix (§3.2); `None` = unprefixed.
    pub prefix: Option<String>,
    /// Upstream base URL, default applied where the provider has one (Vertex: may be empty).
    pub base_url: String,
    /// Per-key proxy; `None` = use the global `proxy-url`.
    pub proxy_url: Option<ProxyUrl>,
    /// Model aliases.
    pub models: Vec<ModelAlias>,
    /// Extra request headers (trimmed, empty dropped).
    pub headers: BTreeMap<String, String>,
    /// Excluded model patterns (lowercase, de-duplicated).
    pub excluded_models: Vec<String>,
}

/// A `claude-api-key` entry.
#[derive(Debug, Clone)]
pub struct ClaudeKey {
    /// Shared fields.
    pub key: ProviderKey,
    /// Request cloaking; `None` = not configured.
    pub cloak: Option<Cloak>,
    /// Opt-in body signing. Default false.
    pub experimental_cch_signing: bool,
}

/// `claude-api-key[].cloak`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloak {
    /// `auto` (default), `always` or `never`, lowercase.
    pub mode: String,
    /// Strict cloaking. Default false.
    pub strict_mode: bool,
    /// Words to obfuscate.
    pub sensitive_words: Vec<String>,
    /// Tri-state: `None` when absent.
    pub cache_user_id: Option<bool>,
}

/// A `codex-api-key` entry.
#[derive(Debug, Clone)]
pub struct CodexKey {
    /// Shared fields.
    pub key: ProviderKey,
    /// Responses-API websocket transport. Default false.
    pub websockets: bool,
}

/// An `openai-compatibility` entry.
#[derive(Debug, Clone)]
pub struct OpenAiCompat {
    /// Provider name (trimmed).
    pub name: String,
    /// Selection priority. Default 0.
    pub priority: i64,
    /// Normalised model prefix.
    pub prefix: Option<String>,
    /// Produces no credential. Default false.
    pub disabled: bool,
    /// Base URL (trimmed, non-empty).
    pub base_url: String,
    /// Keys (legacy `api-keys` already migrated in).
    pub api_keys: Vec<OpenAiApiKey>,
    /// Models.
    pub models: Vec<OpenAiModel>,
    /// Extra request headers.
    pub headers: BTreeMap<String, String>,
}

/// `openai-compatibility[].api-key-entries[]`.
#[derive(Debug, Clone)]
pub struct OpenAiApiKey {
    /// The key.
    pub api_key: Secret<String>,
    /// Per-key proxy.
    pub proxy_url: Option<ProxyUrl>,
}

/// `openai-compatibility[].models[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAiModel {
    /// Upstream model name.
    pub name: String,
    /// Client-visible alias.
    pub alias: String,
    /// Reasoning capability; `None` ⇒ levels low/medium/high.
    pub thinking: Option<Thinking>,
}

/// Reasoning capability of a user-defined model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thinking {
    /// Minimum budget.
    pub min: Option<i64>,
    /// Maximum budget.
    pub max: Option<i64>,
    /// Budget 0 allowed.
    pub zero_allowed: bool,
    /// Dynamic budget allowed.
    pub dynamic_allowed: bool,
    /// Effort levels.
    pub levels: Vec<String>,
}

struct Common<'a> {
    api_key: Option<&'a str>,
    priority: Option<i64>,
    prefix: Option<&'a str>,
    base_url: Option<&'a str>,
    proxy_url: Option<&'a str>,
    models: Option<&'a [RawModel]>,
    headers: Option<&'a BTreeMap<String, String>>,
    excluded: Option<&'a [String]>,
}

fn common(c: Common<'_>, default_base: &str) -> ProviderKey {
    ProviderKey {
        api_key: Secret::new(c.api_key.unwrap_or_default().trim().to_owned()),
        priority: c.priority.unwrap_or(0),
        prefix: normalize::prefix(c.prefix),
        base_url: normalize::non_empty(c.base_url).unwrap_or_else(|| default_base.to_owned()),
        proxy_url: ProxyUrl::parse(c.proxy_url),
        models: c
            .models
            .into_iter()
            .flatten()
            .map(|m| ModelAlias {
                name: m.name.as_deref().unwrap_or_default().trim().to_owned(),
                alias: m.alias.as_deref().unwrap_or_default().trim().to_owned(),
            })
            .collect(),
        headers: normalize::headers(c.headers),
        excluded_models: normalize::excluded_models(c.excluded),
    }
}

macro_rules! common_of {
    ($e:expr) => {
        Common {
            api_key: $e.api_key.as_deref(),
            priority: $e.priority,
            prefix: $e.prefix.as_deref(),
            base_url: $e.base_url.as_deref(),
            proxy_url: $e.proxy_url.as_deref(),
            models: $e.models.as_deref(),
            headers: $e.headers.as_ref(),
            excluded: $e.excluded_models.as_deref(),
        }
    };
}

pub(crate) fn gemini(raw: Option<&[raw::RawGeminiKey]>) -> Vec<ProviderKey> {
    let mut out: Vec<ProviderKey> = Vec::new();
    for e in raw.into_iter().flatten() {
        let key = common(common_of!(e), DEFAULT_GEMINI_BASE_URL);
        if key.api_key.is_empty() || out.iter().any(|k| k.api_key == key.api_key) {
            continue;
        }
        out.push(key);
    }
    out
}

pub(crate) fn claude(raw: Option<&[raw::RawClaudeKey]>) -> Vec<ClaudeKey> {
    raw.into_iter()
        .flatten()
        .map(|e| {
            let mut key = common(common_of!(e), DEFAULT_CLAUDE_BASE_URL);
            // Upstream does not trim Claude keys; keep them exactly as written.
            key.api_key = Secret::new(e.api_key.clone().unwrap_or_default());
            ClaudeKey {
                key,
                cloak: e.cloak.as_ref().map(|c| Cloak {
                    mode: normalize::non_empty(c.mode.as_deref())
                        .map_or_else(|| "auto".to_owned(), |m| m.to_lowercase()),
                    strict_mode: c.strict_mode.unwrap_or(false),
                    sensitive_words: c.sensitive_words.clone().unwrap_or_default(),
                    cache_user_id: c.cache_user_id,
                }),
                experimental_cch_signing: e.experimental_cch_signing.unwrap_or(false),
            }
        })
        .collect()
}

pub(crate) fn codex(raw: Option<&[raw::RawCodexKey]>) -> Vec<CodexKey> {
    raw.into_iter()
        .flatten()
        .filter(|e| normalize::non_empty(e.base_url.as_deref()).is_some())
        .map(|e| CodexKey {
            key: common(common_of!(e), ""),
            websockets: e.websockets.unwrap_or(false),
        })
        .collect()
}

pub(crate) fn vertex(raw: Option<&[raw::RawVertexKey]>) -> Vec<ProviderKey> {
    let mut out: Vec<ProviderKey> = Vec::new();
    for e in raw.into_iter().flatten() {
        let mut key = common(common_of!(e), "");
        key.models
            .retain(|m| !m.name.is_empty() && !m.alias.is_empty());
        let duplicate = out
            .iter()
            .any(|k| k.api_key == key.api_key && k.base_url == key.base_url);
        if key.api_key.is_empty() || duplicate {
            continue;
        }
        out.push(key);
    }
    out
}

pub(crate) fn openai_compat(raw: Option<&[raw::RawOpenAiCompat]>) -> Vec<OpenAiCompat> {
    raw.into_iter()
        .flatten()
        .filter_map(|e| {
            let base_url = normalize::non_empty(e.base_url.as_deref())?;
            Some(OpenAiCompat {
                name: e.name.as_deref().unwrap_or_default().trim().to_owned(),
                priority: e.priority.unwrap_or(0),
                prefix: normalize::prefix(e.prefix.as_deref()),
                disabled: e.disabled.unwrap_or(false),
                base_url,
                api_keys: e
                    .api_key_entries
                    .iter()
                    .flatten()
                    .map(|k| OpenAiApiKey {
                        api_key: Secret::new(k.api_key.clone().unwrap_or_default()),
                        proxy_url: ProxyUrl::parse(k.proxy_url.as_deref()),
                    })
                    .collect(),
                models: e
                    .models
                    .iter()
                    .flatten()
                    .map(|m| OpenAiModel {
                        name: m.name.clone().unwrap_or_default(),
                        alias: m.alias.clone().unwrap_or_default(),
                        thinking: m.thinking.as_ref().map(|t| Thinking {
                            min: t.min,
                            max: t.max,
                            zero_allowed: t.zero_allowed.unwrap_or(false),
                            dynamic_allowed: t.dynamic_allowed.unwrap_or(false),
                            levels: t.levels.clone().unwrap_or_default(),
                        }),
                    })
                    .collect(),
                headers: normalize::headers(e.headers.as_ref()),
            })
        })
        .collect()
}
