//! Tests of the config adapter against YAML loaded by `cpa-config`.

use std::path::Path;

use super::*;
use crate::pool::Pool;

const YAML: &str = r#"
routing:
  strategy: ff
request-retry: 2
max-retry-interval: 10
max-retry-credentials: 3
max-cooldown-seconds: 90
disable-cooling: true
force-model-prefix: true
quota-exceeded:
  switch-project: true
  switch-preview-model: true
gemini-api-key:
  - api-key: g-secret-1
    prefix: team
    excluded-models: ["*-lite"]
claude-api-key:
  - api-key: c-secret-1
    priority: 5
    models:
      - name: claude-sonnet-4-5-20250929
        alias: sonnet
  - api-key: c-secret-1
codex-api-key:
  - api-key: x-secret-1
    base-url: https://codex.example
openai-compatibility:
  - name: OpenRouter
    base-url: https://openrouter.example/api/v1
    api-key-entries:
      - api-key: o-secret-1
      - api-key: o-secret-2
    models:
      - name: moonshotai/kimi-k2:free
        alias: kimi-k2
oauth-model-alias:
  gemini-cli:
    - name: gemini-2.5-pro
      alias: g25p
"#;

fn load(yaml: &str) -> Config {
    cpa_config::load_str(
        yaml,
        Path::new("/tmp/config.yaml"),
        &cpa_config::Env::default(),
    )
    .expect("valid config")
    .config
}

#[test]
fn api_keys_become_credentials_with_stable_ids() {
    let built = from_config(&load(YAML));
    let ids: Vec<&str> = built
        .set
        .credentials
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids.len(), 6, "{ids:?}");
    assert!(ids[0].starts_with("gemini:apikey:"));
    assert!(ids[1].starts_with("claude:apikey:"));
    assert_eq!(
        ids[2],
        format!("{}-1", ids[1]),
        "identical entries are numbered"
    );
    assert!(ids[3].starts_with("codex:apikey:"));
    assert!(ids[4].starts_with("openai-compatibility:openrouter:"));
    assert_ne!(ids[4], ids[5]);

    let again = from_config(&load(YAML));
    let again_ids: Vec<&str> = again
        .set
        .credentials
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, again_ids, "ids survive a reload");

    let claude = &built.set.credentials[1];
    assert_eq!(claude.priority, 5);
    assert_eq!(claude.models.len(), 1);
    assert_eq!(built.set.credentials[0].prefix.as_deref(), Some("team"));
    assert_eq!(built.set.credentials[0].excluded_models, ["*-lite"]);
    assert_eq!(built.set.credentials[4].owner, "OpenRouter");
    assert_eq!(
        built.sources.get(&built.set.credentials[5].id),
        Some(&CredentialSource::OpenAiCompat {
            entry: 0,
            key: Some(1)
        })
    );
    let debug = format!("{:?}", built.set);
    assert!(!debug.contains("secret"), "no secret in Debug output");
}

#[test]
fn settings_follow_the_config() {
    let built = from_config(&load(YAML));
    let settings = &built.set.settings;
    assert_eq!(settings.strategy, Strategy::FillFirst);
    assert_eq!(settings.request_retry, 2);
    assert_eq!(
        settings.max_retry_interval,
        std::time::Duration::from_secs(10)
    );
    assert_eq!(settings.max_retry_credentials, 3);
    assert_eq!(settings.max_cooldown, std::time::Duration::from_secs(90));
    assert!(
        settings.is_cooling_disabled && settings.switch_project && settings.switch_preview_model
    );
    assert!(built.set.force_model_prefix);
    assert_eq!(built.set.oauth_aliases["gemini-cli"][0].alias, "g25p");
}

#[test]
fn config_credentials_route_through_the_pool() {
    let pool = Pool::new(from_config(&load(YAML)).set);
    assert!(pool.resolve("team/gemini-2.5-pro").is_ok());
    assert!(
        pool.resolve("gemini-2.5-pro").is_err(),
        "force-model-prefix"
    );
    assert!(
        pool.resolve("team/gemini-2.5-flash-lite").is_err(),
        "excluded"
    );
    let sonnet = pool.resolve("sonnet").expect("alias");
    let pick = pool.select(&sonnet.candidates[0]).next().expect("pick");
    assert_eq!(pick.upstream_model, "claude-sonnet-4-5-20250929");
    let kimi = pool.resolve("kimi-k2").expect("compat model");
    assert_eq!(
        kimi.candidates[0].provider,
        Provider::OpenAiCompat("openrouter".into())
    );
    let pick = pool.select(&kimi.candidates[0]).next().expect("pick");
    assert_eq!(pick.upstream_model, "moonshotai/kimi-k2:free");
}

#[test]
fn header_changes_change_the_fingerprint_but_not_the_id() {
    let base = "claude-api-key:\n  - api-key: k\n";
    let with_header = "claude-api-key:\n  - api-key: k\n    headers:\n      X-Team: a\n";
    let before = from_config(&load(base)).set.credentials.remove(0);
    let after = from_config(&load(with_header)).set.credentials.remove(0);
    assert_eq!(before.id, after.id);
    assert_ne!(before.fingerprint, after.fingerprint);
}
