//! Tests of the health state machine: backoff, clamping, disabling, reload retention.

use super::*;
use crate::provider::Provider;
use crate::testing::{api_key, id};

const MINUTE: Duration = Duration::from_secs(60);

fn policy() -> CooldownPolicy {
    CooldownPolicy::from(&RouterSettings::default())
}

fn quota(retry_after: Option<Duration>) -> Disposition {
    Disposition::CoolDown { retry_after }
}

#[test]
fn backoff_doubles_until_the_cap_and_keeps_the_level() {
    let policy = policy();
    let mut level = 0;
    let mut delays = Vec::new();
    for _ in 0..13 {
        let (delay, next) = policy.backoff(level);
        delays.push(delay.as_secs());
        level = next;
    }
    assert_eq!(
        delays,
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1800, 1800]
    );
    assert_eq!(level, 11);
}

#[test]
fn quota_without_hint_backs_off_exponentially_and_success_resets() {
    let mut book = HealthBook::default();
    let key = api_key("k", Provider::Claude);
    let now = Instant::now();
    let first = book.record_failure(&key, "m", &quota(None), now, policy());
    assert_eq!(
        first,
        Health::CoolingDown {
            until: now + Duration::from_secs(1),
            reason: CooldownReason::Quota
        }
    );
    let later = now + Duration::from_secs(2);
    let second = book.record_failure(&key, "m", &quota(None), later, policy());
    assert!(
        matches!(second, Health::CoolingDown { until, .. } if until == later + Duration::from_secs(2))
    );
    assert!(
        book.health(&key.id, "other-model", later).is_ready(),
        "per model"
    );

    book.record_success(&key.id, "M");
    assert!(book.health(&key.id, "m", later).is_ready());
    let third = book.record_failure(&key, "m", &quota(None), later, policy());
    assert!(
        matches!(third, Health::CoolingDown { until, .. } if until == later + Duration::from_secs(1))
    );
}

#[test]
fn bogus_multi_day_hint_is_clamped() {
    let mut book = HealthBook::default();
    let key = api_key("k", Provider::Claude);
    let now = Instant::now();
    let three_days = Duration::from_secs(3 * 24 * 3600);
    let health = book.record_failure(&key, "m", &quota(Some(three_days)), now, policy());
    assert_eq!(
        health,
        Health::CoolingDown {
            until: now + 30 * MINUTE,
            reason: CooldownReason::Quota
        }
    );
    assert!(book.health(&key.id, "m", now + 30 * MINUTE).is_ready());
}

#[test]
fn disable_cooling_skips_computed_backoff_but_honours_hints() {
    let mut book = HealthBook::default();
    let key = api_key("k", Provider::Claude);
    let now = Instant::now();
    let policy = CooldownPolicy {
        is_cooling_disabled: true,
        ..policy()
    };
    assert!(
        book.record_failure(&key, "m", &quota(None), now, policy)
            .is_ready()
    );
    let hinted = book.record_failure(&key, "m", &quota(Some(MINUTE)), now, policy);
    assert!(!hinted.is_ready());
}

#[test]
fn unauthorized_disables_until_fingerprint_changes() {
    let mut book = HealthBook::default();
    let mut key = api_key("k", Provider::Claude);
    key.fingerprint = "v1".into();
    let now = Instant::now();
    let disable = Disposition::DisableCredential {
        reason: "unauthorized".into(),
    };
    book.record_failure(&key, "m", &disable, now, policy());
    let far_future = now + Duration::from_secs(365 * 24 * 3600);
    assert_eq!(
        book.health(&key.id, "any-model", far_future),
        Health::Disabled {
            reason: "unauthorized".into()
        }
    );

    book.retain(std::slice::from_ref(&key));
    assert!(
        !book.health(&key.id, "m", now).is_ready(),
        "same fingerprint stays disabled"
    );

    key.fingerprint = "v2".into();
    book.retain(std::slice::from_ref(&key));
    assert!(
        book.health(&key.id, "m", now).is_ready(),
        "new key re-enables"
    );
}

#[test]
fn transient_errors_cool_down_and_client_errors_do_not() {
    let mut book = HealthBook::default();
    let key = api_key("k", Provider::Claude);
    let now = Instant::now();
    let server_error = Disposition::from_status(503, None);
    let health = book.record_failure(&key, "m", &server_error, now, policy());
    assert_eq!(
        health,
        Health::CoolingDown {
            until: now + MINUTE,
            reason: CooldownReason::Transient
        }
    );
    assert!(
        book.record_failure(&key, "n", &Disposition::Fail, now, policy())
            .is_ready()
    );
    assert_eq!(
        book.nearest_recovery([&key.id, &id("unknown")], "m", now),
        Some(MINUTE)
    );
    assert_eq!(book.nearest_recovery([&key.id], "n", now), None);
}

#[test]
fn retain_keeps_unchanged_ids_and_drops_removed_ones() {
    let mut book = HealthBook::default();
    let kept = api_key("kept", Provider::Claude);
    let removed = api_key("removed", Provider::Claude);
    let now = Instant::now();
    book.record_failure(&kept, "m", &quota(Some(MINUTE)), now, policy());
    book.record_failure(&removed, "m", &quota(Some(MINUTE)), now, policy());
    book.retain(std::slice::from_ref(&kept));
    assert!(!book.health(&kept.id, "m", now).is_ready());
    assert!(
        book.health(&removed.id, "m", now).is_ready(),
        "state dropped"
    );
}
