//! Credential pool behaviour when credentials run out or fail before the first byte, end
//! to end: the real app on `127.0.0.1:0`, the mock upstream in-process, real HTTP both ways. Which upstream key served a request is read from the
//! mock's recorded requests (`x-api-key`), never from the proxy's internals.
//!
//! Every test uses `claude-api-key` entries pointing at the mock and the static Claude
//! model; faults come from words in the key (`fail-500`, `fail-429-30`) or from scripted
//! steps (`MockHandle::script`), so the other key of the pool stays healthy.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "integration tests"
)]

mod support;
#[path = "support/upstream.rs"]
mod upstream;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;
use upstream::{CLAUDE_MODEL, Fixture, Key, json_body, read_all};

const ALPHA: &str = "key-alpha";
const BRAVO: &str = "key-bravo";

fn keys(names: &[&str]) -> Vec<Key> {
    names.iter().map(|name| Key::new(name)).collect()
}

/// Both keys answer 429 with `Retry-After: 120`; the first request tries both and,
/// as 120 s exceeds the default `max-retry-interval` (30 s), does not wait for them.
async fn cooled_down_pool() -> Fixture {
    let fixture = Fixture::start(
        &keys(&["key-alpha-fail-429-120", "key-bravo-fail-429-120"]),
        "",
    )
    .await;
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "every key was rate limited"
    );
    assert_eq!(trace.len(), 2, "both keys tried: {trace:?}");
    fixture
}

fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .expect("Retry-After header")
        .to_str()
        .expect("ascii")
        .parse()
        .expect("whole seconds")
}

#[tokio::test]
async fn all_keys_cooling_down_answer_openai_client_with_model_cooldown() {
    let fixture = cooled_down_pool().await;

    let response = fixture.chat(CLAUDE_MODEL).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = retry_after(&response);
    let text = response.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).expect("JSON body");

    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        2,
        "no upstream call"
    );
    let positions: Vec<Option<usize>> = [
        "\"code\":",
        "\"message\":",
        "\"model\":",
        "\"provider\":",
        "\"reset_seconds\":",
        "\"reset_time\":",
    ]
    .iter()
    .map(|key| text.find(key))
    .collect();
    assert!(
        positions.iter().all(Option::is_some) && positions.is_sorted(),
        "spec §5.8: keys in alphabetical order: {text}"
    );
    let error = &body["error"];
    assert_eq!(error["code"], "model_cooldown", "{body}");
    assert_eq!(error["model"], CLAUDE_MODEL, "{body}");
    assert_eq!(error["provider"], "claude", "{body}");
    let reset = error["reset_seconds"].as_u64().expect("reset_seconds");
    assert!((118..=120).contains(&reset), "about 120 s left: {body}");
    assert_eq!(retry_after, reset, "Retry-After matches reset_seconds");
    let reset_time = error["reset_time"].as_str().expect("reset_time");
    assert!(
        ["2m0s", "1m59s", "1m58s"].contains(&reset_time),
        "Go duration of the reset: {body}"
    );
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!(
            "All credentials for model {CLAUDE_MODEL} are cooling down"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn all_keys_cooling_down_answer_anthropic_client_with_rate_limit_error() {
    let fixture = cooled_down_pool().await;

    let response = fixture.messages(CLAUDE_MODEL, false).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = retry_after(&response);
    let body = json_body(response).await;

    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        2,
        "no upstream call"
    );
    assert!(
        (118..=120).contains(&retry_after),
        "about 120 s left: {retry_after}"
    );
    assert_eq!(body["type"], "error", "{body}");
    assert_eq!(body["error"]["type"], "rate_limit_error", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("cooling down"), "{body}");
}

#[tokio::test]
async fn rate_limited_key_keeps_serving_other_models() {
    let fixture = Fixture::start(&keys(&[ALPHA]), "").await;
    fixture.mock.script(ALPHA, ["fail-429-120"]);
    let other_model = "claude-haiku-4-5-20251001";

    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the only key is limited"
    );
    assert_eq!(trace, [ALPHA]);

    let (status, trace) = fixture.chat_traced(other_model).await;
    assert_eq!(status, StatusCode::OK, "the cooldown is per (key, model)");
    assert_eq!(trace, [ALPHA]);

    let response = fixture.chat(CLAUDE_MODEL).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = json_body(response).await;
    assert_eq!(body["error"]["code"], "model_cooldown", "{body}");
    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        2,
        "no upstream call"
    );
}

#[tokio::test]
async fn all_keys_briefly_rate_limited_wait_and_succeed_in_the_same_request() {
    let fixture = Fixture::start(&keys(&[ALPHA, BRAVO]), "").await;
    fixture.mock.script(ALPHA, ["fail-429-1"]);
    fixture.mock.script(BRAVO, ["fail-429-1"]);

    let started = Instant::now();
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "spec §5.7: the 1 s cooldown is within max-retry-interval (30 s default), so the \
         request waits and runs another pass: {trace:?}"
    );
    assert_eq!(trace.len(), 3, "two 429s, then one success: {trace:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for the cooldown: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn stream_server_error_before_first_byte_fails_over() {
    let failing = "key-alpha-fail-500";
    let fixture = Fixture::start(&keys(&[failing, BRAVO]), "").await;

    for i in 0..2 {
        let before = upstream::upstream_keys(&fixture.mock).len();
        let response = fixture.chat_stream(CLAUDE_MODEL).await;
        assert_eq!(response.status(), StatusCode::OK, "request {i}");
        let (body, is_truncated) = read_all(response).await;
        let trace = upstream::upstream_keys(&fixture.mock)[before..].to_vec();
        assert!(!is_truncated, "request {i}: {body:?}");
        assert!(
            body.trim_end().ends_with("data: [DONE]"),
            "request {i}: a complete stream: {body:?}"
        );
        assert!(!body.contains("\"error\""), "request {i}: {body:?}");
        if trace[0] == failing {
            assert_eq!(
                trace,
                [failing, BRAVO],
                "request {i}: failed over before the first byte"
            );
            return;
        }
        assert_eq!(trace, [BRAVO], "request {i}");
    }
    panic!("round-robin never reached the failing key");
}

#[tokio::test]
async fn all_keys_unauthorized_answer_500_auth_not_found_without_upstream_call() {
    let fixture = Fixture::start(&keys(&[ALPHA]), "").await;
    fixture.mock.script(ALPHA, ["fail-401"]);
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the upstream 401 is returned"
    );
    assert_eq!(trace, [ALPHA]);

    let response = fixture.chat(CLAUDE_MODEL).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().get("retry-after").is_none());
    let body = json_body(response).await;
    assert_eq!(
        body["error"]["message"], "auth_not_found: no auth available",
        "spec §4.2: every credential disabled: {body}"
    );
    assert_eq!(body["error"]["type"], "server_error", "{body}");
    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        1,
        "no upstream call"
    );
}

#[tokio::test]
async fn keys_cooling_for_quota_and_server_error_answer_500_auth_unavailable() {
    let fixture =
        Fixture::start(&keys(&["key-alpha-fail-429-120", "key-bravo-fail-500"]), "").await;
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert!(
        status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::INTERNAL_SERVER_ERROR,
        "the last upstream error is returned: {status}"
    );
    assert_eq!(trace.len(), 2, "both keys tried: {trace:?}");

    let response = fixture.chat(CLAUDE_MODEL).await;
    assert_eq!(
        response.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "spec §5.5: not every key is quota-blocked, so no model_cooldown"
    );
    let body = json_body(response).await;
    assert_eq!(
        body["error"]["message"], "auth_unavailable: no auth available",
        "{body}"
    );
    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        2,
        "no upstream call"
    );
}
