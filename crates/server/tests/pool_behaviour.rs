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
