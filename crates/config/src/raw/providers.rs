//! Raw provider credential lists (spec §2.2, §10.2): `gemini-api-key`,
//! `claude-api-key`, `codex-api-key`, `vertex-api-key`, `openai-compatibility`.

use std::collections::BTreeMap;

use super::raw_struct;

raw_struct! {
    /// One `gemini-api-key` entry.
    pub struct RawGeminiKey {
        /// The API key. Trimmed; empty entries are dropped; de-duplicated.
        api_key: String,
        /// Selection priority; higher wins. Default 0.
        priority: i64,
        /// Model prefix (§3.2).
        prefix: String,
        /// Upstream base URL. Default `https://generativelanguage.googleapis.com`.
        base_url: String,
        /// Per-key outbound proxy.
        proxy_url: String,
        /// Upstream model → alias list.
        models: Vec<RawModel>,
        /// Extra request headers.
        headers: BTreeMap<String, String>,
        /// Excluded model patterns.
        excluded_models: Vec<String>,
    }
}

raw_struct! {
    /// One `claude-api-key` entry.
    pub struct RawClaudeKey {
        /// The API key (not trimmed, empty kept — upstream behaviour).
        api_key: String,
        /// Selection priority; higher wins. Default 0.
        priority: i64,
        /// Model prefix (§3.2).
        prefix: String,
        /// Upstream base URL. Default `https://api.anthropic.com`.
        base_url: String,
        /// Per-key outbound proxy.
        proxy_url: String,
        /// Upstream model → alias list.
        models: Vec<RawModel>,
        /// Extra request headers.
        headers: BTreeMap<String, String>,
        /// Excluded model patterns.
        excluded_models: Vec<String>,
        /// Request cloaking for non-Claude-Code clients.
        cloak: RawCloak,
        /// Opt-in body signing for cloaked requests.
        experimental_cch_signing: bool,
    }
}

raw_struct! {
    /// `claude-api-key[].cloak`.
    pub struct RawCloak {
        /// `auto` (default), `always` or `never`.
        mode: String,
        /// Strict cloaking.
        strict_mode: bool,
        /// Words obfuscated with zero-width characters.
        sensitive_words: Vec<String>,
        /// Cache the per-key user id (tri-state).
        cache_user_id: bool,
    }
}

raw_struct! {
    /// One `codex-api-key` entry.
    pub struct RawCodexKey {
        /// The API key.
        api_key: String,
        /// Selection priority; higher wins. Default 0.
        priority: i64,
        /// Model prefix (§3.2).
        prefix: String,
        /// Upstream base URL; entries without one are dropped.
        base_url: String,
        /// Per-key outbound proxy.
        proxy_url: String,
        /// Upstream model → alias list.
        models: Vec<RawModel>,
        /// Extra request headers.
        headers: BTreeMap<String, String>,
        /// Excluded model patterns.
        excluded_models: Vec<String>,
        /// Use the Responses-API websocket transport.
        websockets: bool,
    }
}

raw_struct! {
    /// One `vertex-api-key` entry.
    pub struct RawVertexKey {
        /// The API key. Trimmed; empty entries are dropped.
        api_key: String,
        /// Selection priority; higher wins. Default 0.
        priority: i64,
        /// Model prefix (§3.2).
        prefix: String,
        /// Vertex-compatible base URL; empty = default Vertex endpoint (v6.9).
        base_url: String,
        /// Per-key outbound proxy.
        proxy_url: String,
        /// Extra request headers.
        headers: BTreeMap<String, String>,
        /// Upstream model → alias list; entries need both name and alias.
        models: Vec<RawModel>,
        /// Excluded model patterns.
        excluded_models: Vec<String>,
    }
}

raw_struct! {
    /// One `openai-compatibility` entry.
    pub struct RawOpenAiCompat {
        /// Provider name (used in model listings and logs).
        name: String,
        /// Selection priority; higher wins. Default 0.
        priority: i64,
        /// Model prefix (§3.2).
        prefix: String,
        /// Entry kept in the file but produces no credential.
        disabled: bool,
        /// Upstream base URL; entries without one are dropped.
        base_url: String,
        /// API keys, each with an optional proxy.
        api_key_entries: Vec<RawApiKeyEntry>,
        /// Legacy (§2.6): migrated into `api-key-entries`.
        api_keys: Vec<String>,
        /// Upstream model → alias list.
        models: Vec<RawModel>,
        /// Extra request headers.
        headers: BTreeMap<String, String>,
    }
}

raw_struct! {
    /// `openai-compatibility[].api-key-entries[]`.
    pub struct RawApiKeyEntry {
        /// The API key.
        api_key: String,
        /// Per-key outbound proxy.
        proxy_url: String,
    }
}

raw_struct! {
    /// A `{name, alias}` model entry of a provider list.
    pub struct RawModel {
        /// Upstream model name.
        name: String,
        /// Client-visible alias.
        alias: String,
        /// Reasoning capability (openai-compatibility only).
        thinking: RawThinking,
    }
}

raw_struct! {
    /// `openai-compatibility[].models[].thinking`.
    pub struct RawThinking {
        /// Minimum thinking budget.
        min: i64,
        /// Maximum thinking budget.
        max: i64,
        /// Budget 0 allowed.
        zero_allowed: bool,
        /// Dynamic budget (-1) allowed.
        dynamic_allowed: bool,
        /// Discrete effort levels. Default `low`, `medium`, `high`.
        levels: Vec<String>,
    }
}
