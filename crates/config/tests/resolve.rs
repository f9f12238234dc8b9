//! Normalisation of provider lists, OAuth maps, Amp and payload rules (spec §2.2–
//! §2.5, §3.2, §10), plus secrets staying out of `Debug`.
#![expect(clippy::expect_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;

use cpa_config::{
    Config, EXAMPLE_CONFIG, Env, load_str,
    resolved::{DEFAULT_CLAUDE_BASE_URL, DEFAULT_GEMINI_BASE_URL, ProxyUrl},
};
use pretty_assertions::assert_eq;

fn resolve(yaml: &str) -> (Config, Vec<String>) {
    let loaded =
        load_str(yaml, Path::new("/etc/cpa/config.yaml"), &Env::default()).expect("valid config");
    let warnings = loaded.warnings.iter().map(ToString::to_string).collect();
    (loaded.config, warnings)
}

#[test]
fn gemini_keys_trimmed_deduplicated_and_empty_dropped() {
    let (c, _) = resolve(
        r#"
gemini-api-key:
  - api-key: " g1 "
    prefix: "/team/"
    headers: {" X-A ": " 1 ", X-Empty: ""}
    excluded-models: [" Gemini-2.5-PRO ", "gemini-2.5-pro", ""]
  - api-key: g1
  - api-key: ""
  - api-key: g2
    base-url: https://proxy.example
    proxy-url: direct
    prefix: a/b
"#,
    );
    let keys: Vec<&str> = c
        .gemini_api_keys
        .iter()
        .map(|k| k.api_key.expose().as_str())
        .collect();
    assert_eq!(keys, vec!["g1", "g2"]);
    let g1 = &c.gemini_api_keys[0];
    assert_eq!(g1.prefix.as_deref(), Some("team"));
    assert_eq!(g1.base_url, DEFAULT_GEMINI_BASE_URL);
    assert_eq!(g1.headers.get("X-A").map(String::as_str), Some("1"));
    assert_eq!(g1.headers.len(), 1);
    assert_eq!(g1.excluded_models, vec!["gemini-2.5-pro"]);
    let g2 = &c.gemini_api_keys[1];
    assert_eq!(g2.prefix, None);
    assert_eq!(g2.base_url, "https://proxy.example");
    assert_eq!(g2.proxy_url, Some(ProxyUrl::Direct));
}

#[test]
fn claude_codex_vertex_openai_rules() {
    let (c, _) = resolve(
        r#"
claude-api-key:
  - api-key: " c1 "
  - api-key: ""
    cloak: {mode: ALWAYS, sensitive-words: [x]}
codex-api-key:
  - api-key: x1
  - api-key: x2
    base-url: " https://codex.example "
    websockets: true
vertex-api-key:
  - api-key: v1
    models:
      - {name: a, alias: b}
      - {name: c}
  - api-key: v1
  - api-key: v1
    base-url: https://other
  - api-key: " "
openai-compatibility:
  - name: " or "
    base-url: https://openrouter.ai/api/v1
    api-key-entries:
      - {api-key: k1, proxy-url: "socks5://p:1"}
    models:
      - name: m
        alias: a
        thinking: {levels: [low, high]}
  - name: no-url
"#,
    );
    // Claude keys are kept exactly as written, empty ones included (upstream).
    let claude: Vec<&str> = c
        .claude_api_keys
        .iter()
        .map(|k| k.key.api_key.expose().as_str())
        .collect();
    assert_eq!(claude, vec![" c1 ", ""]);
    assert_eq!(c.claude_api_keys[0].key.base_url, DEFAULT_CLAUDE_BASE_URL);
    let cloak = c.claude_api_keys[1].cloak.as_ref().expect("cloak");
    assert_eq!(cloak.mode, "always");
    assert_eq!(c.codex_api_keys.len(), 1);
    assert_eq!(c.codex_api_keys[0].key.base_url, "https://codex.example");
    assert!(c.codex_api_keys[0].websockets);
    assert_eq!(
        c.vertex_api_keys.len(),
        2,
        "dedup by key + base-url, empty dropped"
    );
    assert_eq!(
        c.vertex_api_keys[0].models.len(),
        1,
        "model without alias dropped"
    );
    assert_eq!(c.openai_compatibility.len(), 1);
    let or = &c.openai_compatibility[0];
    assert_eq!(or.name, "or");
    assert_eq!(
        or.api_keys[0].proxy_url,
        Some(ProxyUrl::Url("socks5://p:1".into()))
    );
    let thinking = or.models[0].thinking.as_ref().expect("thinking");
    assert_eq!(thinking.levels, vec!["low", "high"]);
}

#[test]
fn oauth_maps_normalised() {
    let (c, warnings) = resolve(
        r#"
oauth-excluded-models:
  " Gemini-CLI ": [" A ", a, ""]
  empty: []
  "": [x]
oauth-model-mappings:
  Claude:
    - {name: " opus ", alias: " o "}
    - {name: sonnet, alias: O}
    - {name: same, alias: SAME}
    - {name: "", alias: z}
    - {name: opus, alias: o2, fork: true}
  nothing: []
"#,
    );
    assert_eq!(c.oauth_excluded_models.len(), 1);
    assert_eq!(c.oauth_excluded_models["gemini-cli"], vec!["a"]);
    let claude = &c.oauth_model_alias["claude"];
    let pairs: Vec<(&str, &str, bool)> = claude
        .iter()
        .map(|a| (a.name.as_str(), a.alias.as_str(), a.fork))
        .collect();
    assert_eq!(pairs, vec![("opus", "o", false), ("opus", "o2", true)]);
    assert_eq!(c.oauth_model_alias.len(), 1);
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("oauth-model-mappings:")),
        "{warnings:?}"
    );
}

#[test]
fn ampcode_and_payload() {
    let (c, warnings) = resolve(
        r#"
ampcode:
  upstream-url: " https://ampcode.com "
  upstream-api-key: key
  upstream-api-keys:
    - {upstream-api-key: u1, api-keys: [c1, " "]}
    - {upstream-api-key: "", api-keys: [c2]}
  model-mappings:
    - {from: a, to: b, regex: true}
    - {from: "", to: c}
payload:
  default:
    - models: [{name: "gemini-*", protocol: Gemini}]
      params: {"generationConfig.thinkingConfig.thinkingBudget": 32768}
  override-raw:
    - models: [{name: "*"}]
      params: {"response_format": '{"type":"json_object"}'}
    - models: [{name: "*"}]
      params: {"bad": "not json"}
  filter:
    - models: [{name: "gpt-*"}]
      params: [metadata]
"#,
    );
    assert_eq!(
        c.ampcode.upstream_url.as_deref(),
        Some("https://ampcode.com")
    );
    assert_eq!(c.ampcode.upstream_api_keys.len(), 1);
    assert_eq!(c.ampcode.upstream_api_keys[0].api_keys.len(), 1);
    assert_eq!(c.ampcode.model_mappings.len(), 1);
    let rule = &c.payload.default[0];
    assert_eq!(rule.models[0].protocol.as_deref(), Some("gemini"));
    assert_eq!(rule.params[0].1, serde_json::json!(32768));
    assert_eq!(c.payload.override_raw.len(), 1);
    assert_eq!(
        c.payload.override_raw[0].params[0].1,
        serde_json::json!({"type": "json_object"})
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("payload.override-raw[1].params.bad"))
    );
    assert_eq!(c.payload.filter[0].params, vec!["metadata"]);
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let (c, _) = resolve(
        r#"
api-keys: [client-secret-1]
remote-management: {secret-key: "$2a$10$abcdefghijklmnopqrstuu"}
gemini-api-key: [{api-key: gemini-secret-2}]
claude-api-key: [{api-key: claude-secret-3}]
ampcode: {upstream-api-key: amp-secret-4}
openai-compatibility:
  - {name: x, base-url: "https://x", api-key-entries: [{api-key: oai-secret-5}]}
proxy-url: "http://user:proxy-secret-6@proxy:8080"
"#,
    );
    let debug = format!("{c:?}");
    for secret in [
        "client-secret-1",
        "$2a$10$",
        "gemini-secret-2",
        "claude-secret-3",
        "amp-secret-4",
        "oai-secret-5",
        "proxy-secret-6",
    ] {
        assert!(!debug.contains(secret), "{secret} leaked in Debug");
    }
}

#[test]
fn example_mentions_every_top_level_key() {
    for key in [
        "host",
        "port",
        "tls",
        "remote-management",
        "auth-dir",
        "debug",
        "commercial-mode",
        "logging-to-file",
        "logs-max-total-size-mb",
        "error-logs-max-files",
        "usage-statistics-enabled",
        "disable-cooling",
        "request-retry",
        "max-retry-interval",
        "max-retry-credentials",
        "max-cooldown-seconds",
        "quota-exceeded",
        "routing",
        "ws-auth",
        "proxy-url",
        "force-model-prefix",
        "request-log",
        "api-keys",
        "streaming",
        "nonstream-keepalive-interval",
        "gemini-api-key",
        "claude-api-key",
        "codex-api-key",
        "vertex-api-key",
        "openai-compatibility",
        "ampcode",
        "oauth-excluded-models",
        "oauth-model-alias",
        "payload",
        "pprof",
        "auth-auto-refresh-workers",
        "antigravity-signature-cache-enabled",
        "antigravity-signature-bypass-strict",
        "codex-header-defaults",
        "claude-header-defaults",
        "disable-image-generation",
        "enable-gemini-cli-endpoint",
        "passthrough-headers",
    ] {
        assert!(
            EXAMPLE_CONFIG.lines().any(|l| l
                .trim_start_matches(['#', ' '])
                .starts_with(&format!("{key}:"))),
            "example lacks {key}"
        );
    }
}
