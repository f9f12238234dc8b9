//! Credential pool behaviour end to end: the real app on `127.0.0.1:0`, the mock upstream
//! in-process, real HTTP both ways. Which upstream key served a request is read from the
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
const CHARLIE: &str = "key-charlie";

fn keys(names: &[&str]) -> Vec<Key> {
    names.iter().map(|name| Key::new(name)).collect()
}

/// Sends chat requests until the mock has seen `key` (at most `limit` requests) and
/// returns that request's status and upstream trace.
async fn drive_until_seen(fixture: &Fixture, key: &str, limit: usize) -> (StatusCode, Vec<String>) {
    for _ in 0..limit {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        if trace.iter().any(|k| k == key) {
            return (status, trace);
        }
        assert_eq!(
            status,
            StatusCode::OK,
            "healthy key answers; trace {trace:?}"
        );
    }
    panic!("{key} was never selected in {limit} requests");
}

/// Parses the SSE events of a body into `(event name, data)` pairs.
fn sse_events(body: &str) -> Vec<(Option<String>, String)> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .filter_map(|block| {
            let mut event = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event:") {
                    event = Some(name.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("data:") {
                    data = Some(value.trim().to_owned());
                }
            }
            data.map(|data| (event, data))
        })
        .collect()
}

#[tokio::test]
async fn round_robin_with_three_keys_spreads_requests_evenly() {
    let fixture = Fixture::start(&keys(&[ALPHA, BRAVO, CHARLIE]), "").await;

    for i in 0..9 {
        let response = fixture.chat(CLAUDE_MODEL).await;
        assert_eq!(response.status(), StatusCode::OK, "request {i}");
        let body = json_body(response).await;
        assert_eq!(body["object"], "chat.completion", "request {i}: {body}");
    }

    let counts = fixture.counts();
    assert_eq!(counts.len(), 3, "every key used: {counts:?}");
    assert!(
        counts.values().all(|&n| n == 3),
        "3 requests per key: {counts:?}"
    );
}

#[tokio::test]
async fn round_robin_with_openai_compat_keys_spreads_requests_evenly() {
    let fixture = Fixture::start_with(|base, auth_dir| {
        format!(
            "host: 127.0.0.1\nport: 0\nauth-dir: \"{}\"\napi-keys:\n  - {}\n\
             openai-compatibility:\n  - name: mock\n    base-url: \"{base}/v1\"\n\
             \x20   api-key-entries:\n      - api-key: sk-one\n      - api-key: sk-two\n\
             \x20   models:\n      - name: gpt-4o\n        alias: mock-gpt\n",
            auth_dir.display(),
            upstream::CLIENT_KEY,
        )
    })
    .await;

    for i in 0..6 {
        let response = fixture.chat("mock-gpt").await;
        assert_eq!(response.status(), StatusCode::OK, "request {i}");
    }

    let keys = upstream::keys_at(&fixture.mock, "/chat/completions");
    let counts = upstream::count_keys(&keys);
    assert_eq!(
        counts.get("sk-one"),
        Some(&3),
        "Authorization bearer keys: {counts:?}"
    );
    assert_eq!(
        counts.get("sk-two"),
        Some(&3),
        "Authorization bearer keys: {counts:?}"
    );
    let models: Vec<Value> = fixture.mock.bodies_for("/chat/completions");
    assert!(
        models.iter().all(|body| body["model"] == "gpt-4o"),
        "the alias is sent upstream as its model"
    );
}

#[tokio::test]
async fn fill_first_with_healthy_keys_sends_every_request_to_one_key() {
    let fixture = Fixture::start(
        &keys(&[ALPHA, BRAVO, CHARLIE]),
        "routing:\n  strategy: fill-first\n",
    )
    .await;

    for i in 0..6 {
        let response = fixture.chat(CLAUDE_MODEL).await;
        assert_eq!(response.status(), StatusCode::OK, "request {i}");
    }

    let counts = fixture.counts();
    assert_eq!(counts.len(), 1, "one key serves everything: {counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 6);
}

#[tokio::test]
async fn fill_first_with_rate_limited_first_key_moves_to_next_key() {
    let fixture =
        Fixture::start(&keys(&[ALPHA, BRAVO]), "routing:\n  strategy: fill-first\n").await;
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(status, StatusCode::OK);
    let first = trace[0].clone();
    let other = if first == ALPHA { BRAVO } else { ALPHA };
    fixture.mock.script(&first, ["fail-429-30"]);

    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(status, StatusCode::OK, "the second key answers");
    assert_eq!(
        trace,
        [first.as_str(), other],
        "fails over within the request"
    );
    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trace, [other], "the cooling first key is skipped");
}

#[tokio::test]
async fn rate_limited_key_with_retry_after_is_skipped_until_it_expires() {
    let fixture = Fixture::start(&keys(&[ALPHA, BRAVO]), "").await;
    fixture.mock.script(ALPHA, ["fail-429-2"]);

    let (status, trace) = drive_until_seen(&fixture, ALPHA, 3).await;
    let limited_at = Instant::now();
    assert_eq!(
        status,
        StatusCode::OK,
        "the other key answers the same request"
    );
    assert_eq!(trace, [ALPHA, BRAVO], "429 fails over to the next key");

    for i in 0..4 {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "request {i}");
        assert_eq!(trace, [BRAVO], "request {i}: the 429 key is cooling down");
    }
    assert!(
        limited_at.elapsed() < Duration::from_millis(1800),
        "the skipped requests ran inside the 2 s Retry-After"
    );

    tokio::time::sleep(Duration::from_millis(2300).saturating_sub(limited_at.elapsed())).await;
    let mut used_again = Vec::new();
    for _ in 0..2 {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK);
        used_again.extend(trace);
    }
    assert!(
        used_again.iter().any(|k| k == ALPHA),
        "the key is selected again after its Retry-After: {used_again:?}"
    );
}

#[tokio::test]
async fn unauthorized_key_is_skipped_until_its_config_changes() {
    let fixture = Fixture::start(&keys(&[ALPHA, BRAVO]), "").await;
    fixture.mock.script(ALPHA, ["fail-401"]);

    let (status, trace) = drive_until_seen(&fixture, ALPHA, 3).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the other key answers the same request"
    );
    assert_eq!(trace, [ALPHA, BRAVO], "401 fails over to the next key");
    for i in 0..4 {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "request {i}");
        assert_eq!(trace, [BRAVO], "request {i}: the 401 key is disabled");
    }

    // An edit of another key leaves the disabled key disabled.
    let unrelated = [
        Key::new(ALPHA),
        Key::new(BRAVO).with("    headers:\n      X-Team: blue\n"),
    ];
    fixture.reload(&fixture.config(&unrelated, ""));
    for i in 0..4 {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "request {i}");
        assert_eq!(
            trace,
            [BRAVO],
            "request {i}: still disabled after an unrelated edit"
        );
    }

    // Changing the key's own entry re-enables it.
    let fixed = [
        Key::new(ALPHA).with("    headers:\n      X-Rotated: \"1\"\n"),
        Key::new(BRAVO).with("    headers:\n      X-Team: blue\n"),
    ];
    fixture.reload(&fixture.config(&fixed, ""));
    let mut after = Vec::new();
    for i in 0..4 {
        let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
        assert_eq!(status, StatusCode::OK, "request {i}");
        after.extend(trace);
    }
    let counts = upstream::count_keys(&after);
    assert_eq!(counts.get(ALPHA), Some(&2), "round-robin again: {after:?}");
    assert_eq!(counts.get(BRAVO), Some(&2), "round-robin again: {after:?}");
}

#[tokio::test]
async fn server_error_on_one_key_fails_over_within_the_same_request() {
    let failing = "key-alpha-fail-500";
    let fixture = Fixture::start(&keys(&[failing, BRAVO]), "").await;

    let (status, trace) = drive_until_seen(&fixture, failing, 2).await;
    assert_eq!(status, StatusCode::OK, "the client never sees the 500");
    assert_eq!(
        trace,
        [failing, BRAVO],
        "one client request, two upstream attempts"
    );

    let (status, trace) = fixture.chat_traced(CLAUDE_MODEL).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trace, [BRAVO], "the 500 key cools down for a minute");
}

#[tokio::test]
async fn bad_request_from_upstream_is_returned_without_trying_other_keys() {
    let failing = "key-alpha-fail-400";
    let fixture = Fixture::start(&keys(&[failing, BRAVO]), "").await;

    let mut saw_400 = false;
    for i in 0..2 {
        let before = upstream::upstream_keys(&fixture.mock).len();
        let response = fixture.chat(CLAUDE_MODEL).await;
        let status = response.status();
        let body = json_body(response).await;
        let trace = upstream::upstream_keys(&fixture.mock)[before..].to_vec();
        if trace[0] == failing {
            saw_400 = true;
            assert_eq!(status, StatusCode::BAD_REQUEST, "request {i}: {body}");
            assert_eq!(trace, [failing], "request {i}: no other key tried");
            assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains("mock injected failure 400"), "{body}");
        } else {
            assert_eq!(status, StatusCode::OK, "request {i}: {body}");
            assert_eq!(trace, [BRAVO], "request {i}");
        }
    }
    assert!(saw_400, "round-robin reached the failing key");
}

#[tokio::test]
async fn openai_stream_dropped_mid_stream_is_not_retried() {
    let alias =
        "    models:\n      - name: claude-sonnet-4-5-drop-mid-stream\n        alias: drop-model\n";
    let fixture = Fixture::start(
        &[Key::new(ALPHA).with(alias), Key::new(BRAVO).with(alias)],
        "",
    )
    .await;

    let response = fixture.chat_stream("drop-model").await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the stream was committed"
    );
    let (body, is_truncated) = read_all(response).await;

    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        1,
        "one upstream request; nothing retried after bytes were sent"
    );
    let events = sse_events(&body);
    assert!(
        events
            .first()
            .is_some_and(|(_, data)| data.contains("chat.completion.chunk")),
        "a chunk reached the client first: {body:?}"
    );
    assert!(!body.contains("[DONE]"), "no normal end: {body:?}");
    let (_, last) = events.last().expect("events");
    assert!(
        !is_truncated,
        "the proxy ends the response cleanly: {body:?}"
    );
    let last: Value = serde_json::from_str(last).expect("the last event is JSON");
    assert_eq!(
        last["error"]["type"], "server_error",
        "spec §6.2: the OpenAI error event ends the stream: {body:?}"
    );
}

#[tokio::test]
async fn anthropic_stream_dropped_mid_stream_is_not_retried() {
    let alias =
        "    models:\n      - name: claude-sonnet-4-5-drop-mid-stream\n        alias: drop-model\n";
    let fixture = Fixture::start(
        &[Key::new(ALPHA).with(alias), Key::new(BRAVO).with(alias)],
        "",
    )
    .await;

    let response = fixture.messages("drop-model", true).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the stream was committed"
    );
    let (body, is_truncated) = read_all(response).await;

    assert_eq!(
        upstream::upstream_keys(&fixture.mock).len(),
        1,
        "one upstream request; nothing retried after bytes were sent"
    );
    let events = sse_events(&body);
    assert_eq!(
        events.first().and_then(|(name, _)| name.as_deref()),
        Some("message_start"),
        "the stream started: {body:?}"
    );
    assert!(!body.contains("message_stop"), "no normal end: {body:?}");
    assert!(
        !is_truncated,
        "the proxy ends the response cleanly: {body:?}"
    );
    let (name, data) = events.last().expect("events");
    assert_eq!(
        name.as_deref(),
        Some("error"),
        "spec §6.2: error event last: {body:?}"
    );
    let data: Value = serde_json::from_str(data).expect("error event data is JSON");
    assert_eq!(data["type"], "error", "{body:?}");
    assert_eq!(data["error"]["type"], "api_error", "{body:?}");
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
