//! Tests of the retry policy, status classification and the no-credential outcome.

use super::*;
use crate::provider::Provider;

const SECOND: Duration = Duration::from_secs(1);

fn policy(request_retry: u32, max_retry_interval: u64) -> RetryPolicy {
    RetryPolicy {
        request_retry,
        max_retry_interval: Duration::from_secs(max_retry_interval),
        max_retry_credentials: 0,
    }
}

#[test]
fn status_classification_table() {
    let cases: &[(u16, &str)] = &[
        (400, "upstream.client_error"),
        (401, "upstream.unauthorized"),
        (402, "upstream.unauthorized"),
        (403, "upstream.unauthorized"),
        (404, "upstream.unavailable"),
        (408, "upstream.unavailable"),
        (413, "upstream.client_error"),
        (422, "upstream.client_error"),
        (429, "upstream.rate_limited"),
        (500, "upstream.unavailable"),
        (503, "upstream.unavailable"),
        (529, "upstream.unavailable"),
    ];
    for (status, label) in cases {
        assert_eq!(
            Disposition::from_status(*status, None).label(),
            *label,
            "status {status}"
        );
    }
    assert_eq!(
        Disposition::from_status(429, Some(SECOND)),
        Disposition::CoolDown {
            retry_after: Some(SECOND)
        }
    );
    assert_eq!(
        Disposition::transport(),
        Disposition::TryNext { cool_down: None }
    );
}

#[test]
fn client_error_is_not_retried_on_other_credentials() {
    let mut attempts = Attempts::new(policy(3, 30));
    let step = attempts.after_failure(&Disposition::from_status(400, None), false);
    assert_eq!(step, Step::GiveUp(GiveUpReason::ClientError));
}

#[test]
fn cancelled_requests_stop() {
    let mut attempts = Attempts::new(policy(3, 30));
    let step = attempts.after_failure(&Disposition::Cancelled, false);
    assert_eq!(step, Step::GiveUp(GiveUpReason::Cancelled));
}

#[test]
fn nothing_is_retried_after_the_client_saw_a_byte() {
    let mut attempts = Attempts::new(policy(3, 30));
    let step = attempts.after_failure(&Disposition::from_status(503, None), true);
    assert_eq!(step, Step::GiveUp(GiveUpReason::Committed));
}

#[test]
fn server_errors_and_quota_move_to_the_next_credential() {
    let mut attempts = Attempts::new(policy(0, 0));
    for disposition in [
        Disposition::from_status(503, None),
        Disposition::from_status(429, None),
        Disposition::from_status(401, None),
        Disposition::transport(),
    ] {
        assert_eq!(
            attempts.after_failure(&disposition, false),
            Step::NextCredential
        );
    }
}

#[test]
fn max_retry_credentials_bounds_a_pass() {
    let mut attempts = Attempts::new(RetryPolicy {
        max_retry_credentials: 2,
        ..policy(1, 30)
    });
    let busy = Disposition::from_status(503, None);
    assert_eq!(attempts.after_failure(&busy, false), Step::NextCredential);
    assert_eq!(
        attempts.after_failure(&busy, false),
        Step::GiveUp(GiveUpReason::CredentialLimit)
    );
    assert_eq!(
        attempts.after_pass(Some(SECOND)),
        PassStep::RetryAfter(SECOND)
    );
    assert_eq!(
        attempts.after_failure(&busy, false),
        Step::NextCredential,
        "new pass, new budget"
    );
}

#[test]
fn request_retry_waits_only_within_max_retry_interval() {
    let mut attempts = Attempts::new(policy(3, 30));
    assert_eq!(
        attempts.after_pass(Some(SECOND)),
        PassStep::RetryAfter(SECOND)
    );
    assert_eq!(
        attempts.after_pass(Some(Duration::from_secs(31))),
        PassStep::GiveUp
    );
    assert_eq!(attempts.after_pass(None), PassStep::GiveUp);
    assert_eq!(
        attempts.after_pass(Some(SECOND)),
        PassStep::GiveUp,
        "3 retries used up"
    );
    assert_eq!(attempts.passes_done(), 4);

    let mut no_interval = Attempts::new(policy(3, 0));
    assert_eq!(
        no_interval.after_pass(Some(Duration::ZERO)),
        PassStep::GiveUp
    );
    let mut no_retry = Attempts::new(policy(0, 30));
    assert_eq!(no_retry.after_pass(Some(SECOND)), PassStep::GiveUp);
}

#[test]
fn preview_fallbacks_only_after_a_quota_failure() {
    let fallback = crate::resolve::Candidate {
        provider: Provider::GeminiCli,
        model: "gemini-3-pro-preview".into(),
        is_quota_fallback: true,
    };
    let mut attempts = Attempts::new(policy(0, 0));
    assert!(!attempts.may_try(&fallback));
    attempts.after_failure(&Disposition::from_status(503, None), false);
    assert!(!attempts.may_try(&fallback));
    attempts.after_failure(&Disposition::from_status(429, None), false);
    assert!(attempts.may_try(&fallback));
}

#[test]
fn go_duration_formatting() {
    let cases: &[(u64, &str)] = &[
        (0, "0s"),
        (42, "42s"),
        (90, "1m30s"),
        (3600, "1h0m0s"),
        (7200, "2h0m0s"),
        (3661, "1h1m1s"),
    ];
    for (seconds, expected) in cases {
        assert_eq!(format_go_duration(Duration::from_secs(*seconds)), *expected);
    }
    assert_eq!(
        reset_time(Duration::from_millis(200)),
        "1s",
        "sub-second shows as 1s"
    );
    assert_eq!(reset_time(Duration::from_millis(1400)), "1s");
    assert_eq!(reset_time(Duration::from_millis(1600)), "2s");
    assert_eq!(reset_time(Duration::ZERO), "0s");
    assert_eq!(reset_seconds(Duration::from_millis(1400)), 2);
    assert_eq!(reset_seconds(Duration::from_secs(42)), 42);
}

#[test]
fn all_cooling_outcome_renders_the_spec_body() {
    let outcome = NoCredential {
        model: "gemini-2.5-pro".into(),
        provider: Some(Provider::GeminiCli),
        kind: NoCredentialKind::AllCoolingDown {
            reset_in: Duration::from_millis(41_300),
        },
    };
    assert_eq!(outcome.retry_after_seconds(), Some(42));
    let body = serde_json::to_string(&outcome.cooldown_error().expect("cooldown")).expect("json");
    assert_eq!(
        body,
        r#"{"error":{"code":"model_cooldown","message":"All credentials for model gemini-2.5-pro are cooling down via provider gemini-cli","model":"gemini-2.5-pro","provider":"gemini-cli","reset_seconds":42,"reset_time":"41s"}}"#
    );
    let unknown = NoCredential {
        provider: None,
        ..outcome.clone()
    };
    let body = serde_json::to_value(unknown.cooldown_error().expect("cooldown")).expect("json");
    assert!(body["error"].get("provider").is_none());
    assert_eq!(
        body["error"]["message"],
        "All credentials for model gemini-2.5-pro are cooling down"
    );

    let unavailable = NoCredential {
        kind: NoCredentialKind::Unavailable,
        ..outcome
    };
    assert_eq!(unavailable.message(), "auth_unavailable: no auth available");
    assert!(unavailable.cooldown_error().is_none());
}
