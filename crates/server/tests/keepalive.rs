//! Keep-alives: SSE comments during slow streams (`streaming.keepalive-seconds`) and blank
//! lines before a slow non-streaming answer (`nonstream-keepalive-interval`).

#![allow(clippy::expect_used, reason = "integration test helpers")]

mod support;

use serde_json::Value;
use support::Harness;

async fn server(mock: &cpa_mock::MockHandle, extra: &str, upstream_model: &str) -> Harness {
    Harness::start(&format!(
        "host: 127.0.0.1\nport: 0\n{extra}claude-api-key:\n  - api-key: k\n    base-url: \"{}\"\n    models: [{{name: {upstream_model}, alias: slow}}]\n",
        mock.base_url()
    ))
    .await
}

#[tokio::test]
async fn slow_streams_get_keep_alive_comments() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let server = server(
        &mock,
        "streaming:\n  keepalive-seconds: 1\n",
        "claude-slow-stream-700-words-2",
    )
    .await;
    let body = reqwest::Client::new()
        .post(server.url("/v1/messages"))
        .body(r#"{"model":"slow","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert!(
        body.contains(": keep-alive\n\n"),
        "no keep-alive comment: {body}"
    );
    assert!(
        body.contains("event: message_stop"),
        "stream did not finish: {body}"
    );
}

#[tokio::test]
async fn fast_streams_without_the_option_have_no_comments() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let server = server(&mock, "", "claude-slow-stream-700-words-2").await;
    let body = reqwest::Client::new()
        .post(server.url("/v1/messages"))
        .body(r#"{"model":"slow","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    assert!(!body.contains("keep-alive"), "{body}");
}

#[tokio::test]
async fn slow_non_stream_answers_are_preceded_by_blank_lines() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let server = server(
        &mock,
        "nonstream-keepalive-interval: 1\n",
        "claude-delay-2300",
    )
    .await;
    let response = reqwest::Client::new()
        .post(server.url("/v1/messages"))
        .body(r#"{"model":"slow","max_tokens":50,"messages":[{"role":"user","content":"hi"}]}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("body");
    assert!(
        body.starts_with("\n\n"),
        "expected blank lines first: {body:?}"
    );
    let message: Value =
        serde_json::from_str(body.trim_start()).expect("JSON after the blank lines");
    assert_eq!(message["content"][0]["text"], "Mock reply to: hi");
}
