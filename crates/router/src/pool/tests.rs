//! Pool and selection tests on a paused clock: strategies, cooldowns, reloads, routing.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time;

use super::*;
use crate::credential::OAuthAlias;
use crate::retry::NoCredentialKind;
use crate::select::{Pick, Selection};
use crate::settings::Strategy;
use crate::testing::{aliases, api_key, id, oauth, set};

fn qwen_pool(names: &[&str], strategy: Strategy) -> Pool {
    let mut credentials = set(names.iter().map(|n| oauth(n, Provider::Qwen)).collect());
    credentials.settings.strategy = strategy;
    Pool::new(credentials)
}

fn candidate(pool: &Pool, model: &str) -> Candidate {
    pool.resolve(model)
        .expect("known model")
        .candidates
        .remove(0)
}

fn first_pick(pool: &Pool, model: &str) -> String {
    let candidate = candidate(pool, model);
    let pick = pool.select(&candidate).next().expect("a credential");
    pick.credential.id.to_string()
}

fn order(pool: &Pool, model: &str) -> Vec<String> {
    let candidate = candidate(pool, model);
    pool.select(&candidate)
        .map(|p| p.credential.id.to_string())
        .collect()
}

fn quota(secs: u64) -> Disposition {
    Disposition::CoolDown {
        retry_after: Some(Duration::from_secs(secs)),
    }
}

#[tokio::test(start_paused = true)]
async fn round_robin_spreads_evenly() {
    let pool = qwen_pool(&["c.json", "a.json", "b.json"], Strategy::RoundRobin);
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut sequence = Vec::new();
    for _ in 0..9 {
        let picked = first_pick(&pool, "vision-model");
        sequence.push(picked.clone());
        *counts.entry(picked).or_default() += 1;
    }
    assert_eq!(
        &sequence[..3],
        ["a.json", "b.json", "c.json"],
        "sorted by id, rotating"
    );
    assert!(counts.values().all(|&n| n == 3), "{counts:?}");
}

#[tokio::test(start_paused = true)]
async fn fill_first_sticks_until_blocked() {
    let pool = qwen_pool(&["b.json", "a.json"], Strategy::FillFirst);
    for _ in 0..4 {
        assert_eq!(first_pick(&pool, "vision-model"), "a.json");
    }
    pool.record_failure(&id("a.json"), "vision-model", &quota(10));
    assert_eq!(first_pick(&pool, "vision-model"), "b.json");
    assert_eq!(order(&pool, "vision-model"), ["b.json"]);
}

#[tokio::test(start_paused = true)]
async fn higher_priority_group_is_tried_first() {
    let mut low = oauth("a.json", Provider::Qwen);
    low.priority = 0;
    let mut high_1 = oauth("y.json", Provider::Qwen);
    high_1.priority = 5;
    let mut high_2 = oauth("z.json", Provider::Qwen);
    high_2.priority = 5;
    let pool = Pool::new(set(vec![low, high_1, high_2]));
    assert_eq!(order(&pool, "vision-model"), ["y.json", "z.json", "a.json"]);
    assert_eq!(order(&pool, "vision-model"), ["z.json", "y.json", "a.json"]);
}

#[tokio::test(start_paused = true)]
async fn cooldown_ends_after_retry_after() {
    let pool = qwen_pool(&["a.json", "b.json"], Strategy::FillFirst);
    pool.record_failure(&id("a.json"), "vision-model", &quota(30));
    assert_eq!(first_pick(&pool, "vision-model"), "b.json");

    time::advance(Duration::from_secs(29)).await;
    assert_eq!(first_pick(&pool, "vision-model"), "b.json", "still cooling");

    time::advance(Duration::from_secs(2)).await;
    assert!(pool.health(&id("a.json"), "vision-model").is_ready());
    assert_eq!(
        first_pick(&pool, "vision-model"),
        "a.json",
        "used again after"
    );
}

#[tokio::test(start_paused = true)]
async fn bogus_multi_day_hint_is_clamped_to_max_cooldown() {
    let pool = qwen_pool(&["a.json"], Strategy::FillFirst);
    pool.record_failure(&id("a.json"), "vision-model", &quota(5 * 24 * 3600));
    time::advance(Duration::from_secs(30 * 60)).await;
    assert_eq!(first_pick(&pool, "vision-model"), "a.json");
}

#[tokio::test(start_paused = true)]
async fn unauthorized_disabled_until_config_fingerprint_changes() {
    let mut key = api_key("claude:apikey:1", Provider::Claude);
    key.fingerprint = "old".into();
    let pool = Pool::new(set(vec![key.clone()]));
    let model = "claude-3-5-haiku-20241022";
    pool.record_failure(&key.id, model, &Disposition::from_status(401, None));
    time::advance(Duration::from_secs(24 * 3600)).await;
    let candidate = candidate(&pool, model);
    assert!(pool.select(&candidate).next().is_none());
    assert_eq!(
        pool.select(&candidate).exhausted().kind,
        NoCredentialKind::NotFound
    );
    assert!(
        pool.available_models().is_empty(),
        "disabled credentials are not listed"
    );

    pool.reload(set(vec![key.clone()]));
    assert!(
        pool.select(&candidate).next().is_none(),
        "same config, still disabled"
    );

    key.fingerprint = "new".into();
    pool.reload(set(vec![key]));
    assert!(pool.select(&candidate).next().is_some());
}

#[tokio::test(start_paused = true)]
async fn reload_keeps_cooldowns_of_unchanged_ids_and_drops_removed_ones() {
    let pool = qwen_pool(&["a.json", "b.json"], Strategy::FillFirst);
    pool.record_failure(&id("a.json"), "vision-model", &quota(60));
    pool.record_failure(&id("b.json"), "vision-model", &quota(60));

    pool.reload(set(vec![
        oauth("a.json", Provider::Qwen),
        oauth("c.json", Provider::Qwen),
    ]));
    assert!(
        !pool.health(&id("a.json"), "vision-model").is_ready(),
        "kept"
    );
    assert_eq!(order(&pool, "vision-model"), ["c.json"]);

    pool.reload(set(vec![
        oauth("a.json", Provider::Qwen),
        oauth("b.json", Provider::Qwen),
    ]));
    assert!(
        pool.health(&id("b.json"), "vision-model").is_ready(),
        "b's old cooldown was dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn all_cooling_outcome_carries_model_provider_and_reset_time() {
    let pool = qwen_pool(&["a.json", "b.json"], Strategy::RoundRobin);
    pool.record_failure(&id("a.json"), "vision-model", &quota(90));
    pool.record_failure(&id("b.json"), "vision-model", &quota(42));
    let candidate = candidate(&pool, "vision-model");
    let mut selection = pool.select(&candidate);
    assert!(selection.next().is_none());
    let outcome = selection.exhausted();
    assert_eq!(
        outcome.kind,
        NoCredentialKind::AllCoolingDown {
            reset_in: Duration::from_secs(42)
        }
    );
    let body = outcome.cooldown_error().expect("cooldown body").error;
    assert_eq!((body.reset_seconds, body.reset_time.as_str()), (42, "42s"));
    assert_eq!(body.provider.as_deref(), Some("qwen"));
    assert_eq!(
        pool.nearest_recovery(&pool.resolve("vision-model").expect("known")),
        Some(Duration::from_secs(42))
    );

    pool.record_failure(
        &id("a.json"),
        "vision-model",
        &Disposition::from_status(503, None),
    );
    assert_eq!(
        pool.select(&candidate).exhausted().kind,
        NoCredentialKind::Unavailable
    );
}

#[tokio::test(start_paused = true)]
async fn listing_keeps_quota_cooling_models_and_drops_suspended_ones() {
    let pool = qwen_pool(&["a.json"], Strategy::RoundRobin);
    pool.record_failure(&id("a.json"), "vision-model", &quota(60));
    assert_eq!(pool.openai_models().len(), 3);
    pool.record_failure(
        &id("a.json"),
        "qwen3-coder-flash",
        &Disposition::from_status(500, None),
    );
    let ids: Vec<String> = pool.openai_models().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["qwen3-coder-plus", "vision-model"]);
    time::advance(Duration::from_secs(61)).await;
    assert_eq!(pool.anthropic_models().len(), 3);
    assert_eq!(pool.gemini_models().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn prefix_routes_only_to_prefixed_credentials_and_strips_upstream() {
    let mut team = oauth("team.json", Provider::Qwen);
    team.prefix = Some("teamA".into());
    let pool = Pool::new(set(vec![team, oauth("plain.json", Provider::Qwen)]));
    let candidate = candidate(&pool, "teamA/vision-model");
    let picks: Vec<Pick> = pool.select(&candidate).collect();
    assert_eq!(picks.len(), 1);
    assert_eq!(picks[0].credential.id.as_str(), "team.json");
    assert_eq!(picks[0].upstream_model, "vision-model");
    assert_eq!(order(&pool, "vision-model").len(), 2);
}

#[tokio::test(start_paused = true)]
async fn aliases_map_back_to_the_upstream_name() {
    let mut key = api_key("codex:apikey:1", Provider::Codex);
    key.models = aliases(&[("gpt-5.1-codex", "coder")]);
    let mut credentials = set(vec![key, oauth("g.json", Provider::GeminiCli)]);
    credentials.oauth_aliases.insert(
        "gemini-cli".into(),
        vec![OAuthAlias {
            name: "gemini-2.5-pro".into(),
            alias: "g25p".into(),
            is_fork: false,
        }],
    );
    let pool = Pool::new(credentials);
    let pick = pool
        .select(&candidate(&pool, "coder"))
        .next()
        .expect("pick");
    assert_eq!(pick.upstream_model, "gpt-5.1-codex");
    let resolution = pool.resolve("g25p(high)").expect("alias with suffix");
    assert_eq!(
        resolution.thinking,
        Some(crate::resolve::ThinkingRequest::Effort("high".into()))
    );
    let pick = pool.select(&resolution.candidates[0]).next().expect("pick");
    assert_eq!(
        (pick.model.as_str(), pick.upstream_model.as_str()),
        ("g25p", "gemini-2.5-pro")
    );
    assert!(
        pool.resolve("gemini-2.5-pro").is_err(),
        "renamed, not forked"
    );
}

#[tokio::test(start_paused = true)]
async fn auto_picks_the_newest_usable_model() {
    let pool = qwen_pool(&["a.json"], Strategy::RoundRobin);
    assert_eq!(
        pool.resolve("auto").expect("auto").route_model,
        "vision-model"
    );
    pool.record_failure(&id("a.json"), "vision-model", &quota(60));
    assert_eq!(
        pool.resolve("auto").expect("auto").route_model,
        "qwen3-coder-plus"
    );
}

#[tokio::test(start_paused = true)]
async fn switch_project_changes_the_order_after_quota() {
    let project = |name: &str, account: &str| {
        let mut spec = oauth(name, Provider::GeminiCli);
        spec.account = Some(account.into());
        spec
    };
    let credentials = || {
        set(vec![
            project("a.json::p1", "a.json"),
            project("a.json::p2", "a.json"),
            project("b.json::p1", "b.json"),
        ])
    };
    let run = |switch_project: bool| {
        let mut set = credentials();
        set.settings.strategy = Strategy::FillFirst;
        set.settings.switch_project = switch_project;
        let pool = Pool::new(set);
        let candidate = candidate(&pool, "gemini-2.5-pro");
        let mut selection = pool.select(&candidate);
        let first = selection.next().expect("first");
        selection.report(&first, &quota(60));
        selection
            .map(|p| p.credential.id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(true), ["a.json::p2", "b.json::p1"], "same account next");
    assert_eq!(
        run(false),
        ["b.json::p1", "a.json::p2"],
        "other accounts first"
    );
}

#[tokio::test(start_paused = true)]
async fn credential_statuses_show_disabled_and_cooling_credentials() {
    let pool = qwen_pool(&["a.json", "b.json", "c.json"], Strategy::RoundRobin);
    pool.record_failure(&id("a.json"), "vision-model", &quota(60));
    pool.record_failure(
        &id("b.json"),
        "vision-model",
        &Disposition::from_status(403, None),
    );
    time::advance(Duration::from_secs(10)).await;
    let statuses = pool.credential_statuses();
    assert_eq!(statuses.len(), 3);
    assert!(statuses[0].health.is_ready());
    assert_eq!(statuses[0].cooldowns.len(), 1);
    assert_eq!(statuses[0].cooldowns[0].remaining, Duration::from_secs(50));
    assert_eq!(
        statuses[1].health,
        Health::Disabled {
            reason: "forbidden".into()
        }
    );
    assert!(statuses[2].health.is_ready() && statuses[2].cooldowns.is_empty());
}

#[tokio::test(start_paused = true)]
async fn consecutive_requests_rotate_providers() {
    let pool = Pool::new(set(vec![
        oauth("q.json", Provider::Qwen),
        oauth("i.json", Provider::Iflow),
    ]));
    let first: Vec<Provider> = (0..3)
        .map(|_| candidate(&pool, "qwen3-coder-plus").provider)
        .collect();
    assert_eq!(first, [Provider::Iflow, Provider::Qwen, Provider::Iflow]);
}

#[test]
fn pool_and_selection_can_cross_await_points() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pool>();
    assert_send_sync::<Selection<'static>>();
    assert_send_sync::<Pick>();
}
