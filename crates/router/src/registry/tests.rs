//! Tests of the model registry: catalogs, aliases, exclusions, OAuth aliases, prefixes, listings.

use super::*;
use crate::credential::{CredentialSpec, OAuthAlias};
use crate::testing::{aliases, api_key, id, oauth, set};

fn ids(registry: &ModelRegistry, cred: &str) -> Vec<String> {
    registry
        .models_of(&id(cred))
        .iter()
        .map(|r| r.info.id.clone())
        .collect()
}

#[test]
fn static_catalog_is_registered_per_provider() {
    let registry = ModelRegistry::build(&set(vec![oauth("q.json", Provider::Qwen)]), 0);
    assert_eq!(
        ids(&registry, "q.json"),
        ["qwen3-coder-plus", "qwen3-coder-flash", "vision-model"]
    );
    assert_eq!(registry.providers("vision-model"), vec![Provider::Qwen]);
    assert!(registry.providers("gpt-5").is_empty());
}

#[test]
fn per_key_aliases_replace_the_catalog_and_map_upstream() {
    let mut key = api_key("claude:apikey:1", Provider::Claude);
    key.models = aliases(&[
        ("claude-sonnet-4-5-20250929", "sonnet"),
        ("claude-x", ""),
        ("dup", "SONNET"),
    ]);
    let registry = ModelRegistry::build(&set(vec![key]), 1_700_000_000);
    assert_eq!(ids(&registry, "claude:apikey:1"), ["sonnet", "claude-x"]);
    let sonnet = registry
        .registration(&id("claude:apikey:1"), "Sonnet")
        .expect("alias");
    assert_eq!(sonnet.upstream, "claude-sonnet-4-5-20250929");
    assert_eq!(sonnet.info.display_name, "claude-sonnet-4-5-20250929");
    assert_eq!(sonnet.info.created, 1_700_000_000);
    assert_eq!(sonnet.info.owned_by, "anthropic");
    assert!(
        sonnet.info.thinking.is_some(),
        "thinking copied from the static entry"
    );
    assert!(registry.get("claude-sonnet-4-5-20250929").is_none());
}

#[test]
fn excluded_models_are_not_registered() {
    let mut key = api_key("codex:apikey:1", Provider::Codex);
    key.excluded_models = vec!["gpt-5.1*".into(), "*-mini".into()];
    let registry = ModelRegistry::build(&set(vec![key]), 0);
    assert_eq!(
        ids(&registry, "codex:apikey:1"),
        ["gpt-5", "gpt-5-codex", "gpt-5.2", "gpt-5.2-codex"]
    );
}

#[test]
fn oauth_aliases_rename_or_fork() {
    let mut credentials = set(vec![
        oauth("g.json", Provider::GeminiCli),
        api_key("k", Provider::Claude),
    ]);
    let alias = |name: &str, alias: &str, is_fork| OAuthAlias {
        name: name.into(),
        alias: alias.into(),
        is_fork,
    };
    credentials.oauth_aliases.insert(
        "gemini-cli".into(),
        vec![
            alias("gemini-2.5-pro", "g25p", false),
            alias("gemini-2.5-flash", "fast", true),
        ],
    );
    // Claude API keys have no OAuth alias channel.
    credentials.oauth_aliases.insert(
        "claude".into(),
        vec![alias("claude-3-5-haiku-20241022", "haiku", false)],
    );
    let registry = ModelRegistry::build(&credentials, 0);
    let models = ids(&registry, "g.json");
    assert_eq!(&models[..3], ["g25p", "gemini-2.5-flash", "fast"]);
    assert!(!models.contains(&"gemini-2.5-pro".to_owned()));
    let g25p = registry.registration(&id("g.json"), "g25p").expect("alias");
    assert_eq!(g25p.upstream, "gemini-2.5-pro");
    assert_eq!(
        g25p.info.gemini.as_ref().expect("gemini").name,
        "models/g25p"
    );
    assert!(registry.get("haiku").is_none());
}

#[test]
fn prefix_registers_both_names_unless_forced() {
    let mut prefixed = oauth("a.json", Provider::Qwen);
    prefixed.prefix = Some("teamA".into());
    let plain = oauth("b.json", Provider::Qwen);
    let mut credentials = set(vec![prefixed, plain]);

    let registry = ModelRegistry::build(&credentials, 0);
    let served = |r: &ModelRegistry, model: &str| -> Vec<String> {
        r.credentials_for(model)
            .iter()
            .map(|(c, _)| c.to_string())
            .collect()
    };
    assert_eq!(served(&registry, "teamA/vision-model"), ["a.json"]);
    assert_eq!(served(&registry, "vision-model"), ["a.json", "b.json"]);
    let reg = registry
        .registration(&id("a.json"), "teama/VISION-model")
        .expect("prefixed");
    assert_eq!(reg.upstream, "vision-model", "prefix stripped upstream");

    credentials.force_model_prefix = true;
    let forced = ModelRegistry::build(&credentials, 0);
    assert_eq!(served(&forced, "vision-model"), ["b.json"]);
    assert_eq!(served(&forced, "teamA/vision-model"), ["a.json"]);
}

#[test]
fn openai_compat_registers_its_models_only() {
    let mut compat = CredentialSpec::new(
        id("openai-compatibility:openrouter:1"),
        Provider::OpenAiCompat("openrouter".into()),
        crate::credential::AuthKind::Other,
    );
    compat.owner = "OpenRouter".into();
    compat.models = aliases(&[("moonshotai/kimi-k2:free", "kimi-k2")]);
    compat.excluded_models = vec!["*".into()];
    let registry = ModelRegistry::build(&set(vec![compat]), 5);
    let info = registry
        .get("kimi-k2")
        .expect("registered despite exclusions");
    assert_eq!(
        (info.owned_by.as_str(), info.kind.as_str()),
        ("OpenRouter", "openai-compatibility")
    );
    assert_eq!(info.display_name, "kimi-k2");
}

#[test]
fn providers_are_ordered_by_credential_count_then_name() {
    let registry = ModelRegistry::build(
        &set(vec![
            oauth("q.json", Provider::Qwen),
            oauth("i1.json", Provider::Iflow),
            oauth("i2.json", Provider::Iflow),
        ]),
        0,
    );
    assert_eq!(
        registry.providers("qwen3-coder-plus"),
        vec![Provider::Iflow, Provider::Qwen]
    );
}

#[test]
fn listing_is_stable_and_skips_unusable_credentials() {
    let registry = ModelRegistry::build(
        &set(vec![
            oauth("q.json", Provider::Qwen),
            oauth("c.json", Provider::Claude),
        ]),
        0,
    );
    let all: Vec<&str> = registry
        .listed(|_, _| true)
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(all.len(), 11);
    assert_eq!(
        &all[..4],
        [
            "qwen3-coder-plus",
            "qwen3-coder-flash",
            "vision-model",
            "claude-haiku-4-5-20251001"
        ]
    );
    let without_claude = registry.listed(|c, _| c.as_str() != "c.json");
    assert_eq!(without_claude.len(), 3);
}

#[test]
fn disabled_credentials_register_nothing() {
    let mut off = oauth("q.json", Provider::Qwen);
    off.is_disabled = true;
    let registry = ModelRegistry::build(&set(vec![off]), 0);
    assert!(registry.listed(|_, _| true).is_empty());
}

#[test]
fn antigravity_models_come_from_the_spec_and_get_decorated() {
    let mut file = oauth("antigravity-me.json", Provider::Antigravity);
    file.models = aliases(&[(
        "claude-opus-4-5-thinking",
        "gemini-claude-opus-4-5-thinking",
    )]);
    let registry = ModelRegistry::build(&set(vec![file]), 0);
    let info = registry
        .get("gemini-claude-opus-4-5-thinking")
        .expect("registered");
    assert_eq!(
        (info.owned_by.as_str(), info.kind.as_str()),
        ("antigravity", "antigravity")
    );
    assert_eq!(info.display_name, "gemini-claude-opus-4-5-thinking");
    assert_eq!(info.max_output_tokens, 64000);
    assert_eq!(info.thinking.expect("thinking").max, 200_000);
}
