//! End-to-end use of the router API the way `server::pipeline` strings it together
//! (steps 3, 4, 7, 8), with a fake executor chosen per test and a paused clock.

use std::sync::Mutex;
use std::time::Duration;

use cpa_router::pool::Pool;
use cpa_router::resolve::ResolveError;
use cpa_router::retry::{Attempts, Disposition, NoCredential, NoCredentialKind, PassStep, Step};
use cpa_router::select::Pick;
use cpa_router::{AuthKind, CredentialId, CredentialSet, CredentialSpec, Provider};
use tokio::time::{self, Instant};

/// What the client ends up with.
#[derive(Debug, PartialEq)]
enum Outcome {
    Success {
        credential: String,
        upstream_model: String,
    },
    Upstream(Disposition),
    NoCredential(NoCredential),
    Unknown(ResolveError),
}

/// The reference attempt loop.
async fn run(
    pool: &Pool,
    model: &str,
    execute: impl Fn(&Pick) -> Result<(), Disposition>,
) -> Outcome {
    let resolution = match pool.resolve(model) {
        Ok(resolution) => resolution,
        Err(err) => return Outcome::Unknown(err),
    };
    let mut attempts = Attempts::new(pool.retry_policy());
    loop {
        let mut last_error = None;
        let mut no_credential = None;
        'candidates: for candidate in &resolution.candidates {
            if !attempts.may_try(candidate) {
                continue;
            }
            let mut selection = pool.select(candidate);
            while let Some(pick) = selection.next() {
                match execute(&pick) {
                    Ok(()) => {
                        selection.report_success(&pick);
                        return Outcome::Success {
                            credential: pick.credential.id.to_string(),
                            upstream_model: pick.upstream_model,
                        };
                    }
                    Err(disposition) => {
                        selection.report(&pick, &disposition);
                        let step = attempts.after_failure(&disposition, false);
                        last_error = Some(disposition.clone());
                        if let Step::GiveUp(_) = step {
                            break 'candidates;
                        }
                    }
                }
            }
            if !selection.has_yielded() && no_credential.is_none() {
                no_credential = Some(selection.exhausted());
            }
        }
        let outcome = match (last_error, no_credential) {
            (Some(Disposition::Fail), _) => return Outcome::Upstream(Disposition::Fail),
            (Some(error), _) => Outcome::Upstream(error),
            (None, Some(none)) => Outcome::NoCredential(none),
            (None, None) => unreachable!("a resolved model has at least one candidate"),
        };
        match attempts.after_pass(pool.nearest_recovery(&resolution)) {
            PassStep::RetryAfter(wait) => time::sleep(wait).await,
            PassStep::GiveUp => return outcome,
        }
    }
}

fn credentials(names: &[&str], provider: Provider) -> CredentialSet {
    CredentialSet {
        credentials: names
            .iter()
            .map(|name| {
                CredentialSpec::new(CredentialId::new(*name), provider.clone(), AuthKind::OAuth)
            })
            .collect(),
        ..CredentialSet::default()
    }
}

fn quota() -> Disposition {
    Disposition::from_status(429, None)
}

#[tokio::test(start_paused = true)]
async fn request_retry_waits_for_a_short_cooldown_then_succeeds() {
    // The worked example of proxy-pipeline spec §5.7.
    let mut set = credentials(&["a.json", "b.json"], Provider::GeminiCli);
    set.settings.request_retry = 3;
    set.settings.max_retry_interval = Duration::from_secs(30);
    let pool = Pool::new(set);
    let calls = Mutex::new(Vec::new());
    let started = Instant::now();
    let outcome = run(&pool, "gemini-2.5-pro", |pick| {
        let mut calls = calls.lock().expect("calls");
        calls.push(pick.credential.id.to_string());
        let is_second_b = pick.credential.id.as_str() == "b.json" && calls.len() > 2;
        if is_second_b { Ok(()) } else { Err(quota()) }
    })
    .await;
    assert_eq!(
        outcome,
        Outcome::Success {
            credential: "b.json".into(),
            upstream_model: "gemini-2.5-pro".into()
        }
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(1),
        "waited for the 1 s backoff"
    );
    // Pass 2 starts at b.json: the round-robin cursor moved on.
    assert_eq!(
        *calls.lock().expect("calls"),
        ["a.json", "b.json", "b.json"]
    );
    assert!(
        pool.health(&CredentialId::new("b.json"), "gemini-2.5-pro")
            .is_ready()
    );
}

#[tokio::test(start_paused = true)]
async fn long_cooldowns_are_not_waited_for() {
    let mut set = credentials(&["a.json"], Provider::GeminiCli);
    set.settings.request_retry = 3;
    set.settings.max_retry_interval = Duration::from_secs(30);
    let pool = Pool::new(set);
    let outcome = run(&pool, "gemini-2.5-pro", |_| {
        Err(Disposition::from_status(503, None))
    })
    .await;
    assert_eq!(
        outcome,
        Outcome::Upstream(Disposition::from_status(503, None))
    );
    assert_eq!(Instant::now().elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn server_errors_fail_over_but_client_errors_do_not() {
    let pool = Pool::new(credentials(&["a.json", "b.json"], Provider::Qwen));
    let calls = Mutex::new(0);
    let outcome = run(&pool, "vision-model", |pick| {
        *calls.lock().expect("calls") += 1;
        match pick.credential.id.as_str() {
            "a.json" => Err(Disposition::from_status(502, None)),
            _ => Ok(()),
        }
    })
    .await;
    assert!(matches!(outcome, Outcome::Success { .. }));

    let pool = Pool::new(credentials(&["a.json", "b.json"], Provider::Qwen));
    *calls.lock().expect("calls") = 0;
    let outcome = run(&pool, "vision-model", |_| {
        *calls.lock().expect("calls") += 1;
        Err(Disposition::from_status(400, None))
    })
    .await;
    assert_eq!(outcome, Outcome::Upstream(Disposition::Fail));
    assert_eq!(
        *calls.lock().expect("calls"),
        1,
        "400 is not retried on b.json"
    );
}

#[tokio::test(start_paused = true)]
async fn all_cooling_request_gets_the_cooldown_outcome() {
    let pool = Pool::new(credentials(&["a.json", "b.json"], Provider::Qwen));
    for name in ["a.json", "b.json"] {
        let hint = Disposition::CoolDown {
            retry_after: Some(Duration::from_secs(90)),
        };
        pool.record_failure(&CredentialId::new(name), "vision-model", &hint);
    }
    let outcome = run(&pool, "vision-model", |_| panic!("no attempt expected")).await;
    let Outcome::NoCredential(none) = outcome else {
        panic!("expected no credential, got {outcome:?}")
    };
    assert_eq!(
        none.kind,
        NoCredentialKind::AllCoolingDown {
            reset_in: Duration::from_secs(90)
        }
    );
    assert_eq!(none.retry_after_seconds(), Some(90));
    assert_eq!(
        none.cooldown_error().expect("body").error.reset_time,
        "1m30s"
    );
}

#[tokio::test(start_paused = true)]
async fn switch_preview_model_falls_back_on_quota() {
    let exec = |pick: &Pick| match pick.upstream_model.as_str() {
        "gemini-2.5-pro" => Err(quota()),
        _ => Ok(()),
    };
    let pool = Pool::new(credentials(&["a.json"], Provider::GeminiCli));
    assert_eq!(
        run(&pool, "gemini-2.5-pro", exec).await,
        Outcome::Upstream(quota())
    );

    let mut set = credentials(&["a.json"], Provider::GeminiCli);
    set.settings.switch_preview_model = true;
    let pool = Pool::new(set);
    assert_eq!(
        run(&pool, "gemini-2.5-pro", exec).await,
        Outcome::Success {
            credential: "a.json".into(),
            upstream_model: "gemini-3-pro-preview".into()
        }
    );
    // Without a quota failure the fallback is never used.
    let outcome = run(&pool, "gemini-2.5-pro", |pick| {
        match pick.upstream_model.as_str() {
            "gemini-2.5-pro" => Err(Disposition::from_status(503, None)),
            _ => Ok(()),
        }
    })
    .await;
    assert!(
        matches!(outcome, Outcome::Upstream(_) | Outcome::NoCredential(_)),
        "{outcome:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_models_are_a_typed_error() {
    let pool = Pool::new(credentials(&["a.json"], Provider::Qwen));
    let outcome = run(&pool, "gpt-5", |_| Ok(())).await;
    assert_eq!(
        outcome,
        Outcome::Unknown(ResolveError::UnknownModel {
            model: "gpt-5".into()
        })
    );
}
