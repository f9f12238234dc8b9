//! Failure injection by key, model and script, in each provider's error shape.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{ANTHROPIC, GEMINI, OPENAI, mock, post};

fn chat(model: &str, stream: bool) -> serde_json::Value {
    json!({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hello there friend"}]})
}

#[tokio::test]
async fn fail_429_sets_retry_after_in_every_shape() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &chat("gpt-fail-429-7", false),
    )
    .await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.headers["retry-after"], "7");
    assert_eq!(reply.json()["error"]["code"], "rate_limit_exceeded");

    let body =
        json!({"model": "claude", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let headers = [
        ("x-api-key", "sk-fail-429"),
        ("anthropic-version", "2023-06-01"),
    ];
    let reply = post(&mock, "/v1/messages", &headers, &body).await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.headers["retry-after"], "1");
    assert_eq!(reply.json()["error"]["type"], "rate_limit_error");

    let body = json!({"contents": [{"parts": [{"text": "x"}]}]});
    let reply = post(
        &mock,
        "/v1beta/models/gemini-fail-429-3:generateContent",
        GEMINI,
        &body,
    )
    .await;
    assert_eq!(reply.status, 429);
    let error = &reply.json()["error"];
    assert_eq!(error["status"], "RESOURCE_EXHAUSTED");
    assert_eq!(error["details"][0]["retryDelay"], "3s");
}

#[tokio::test]
async fn fail_status_words_map_to_shapes() {
    let mock = mock().await;
    let reply = post(
        &mock,
        "/v1/chat/completions",
        &[("authorization", "Bearer key-fail-500")],
        &chat("gpt-4o", false),
    )
    .await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["error"]["type"], "server_error");
    let body = json!({"model": "claude-fail-529", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let reply = post(&mock, "/v1/messages", ANTHROPIC, &body).await;
    assert_eq!(reply.status, 529);
    assert_eq!(reply.json()["error"]["type"], "overloaded_error");
    let body = json!({"model": "claude-fail-401", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]});
    let reply = post(&mock, "/v1/messages", ANTHROPIC, &body).await;
    assert_eq!(reply.json()["error"]["type"], "authentication_error");
    let reply = post(
        &mock,
        "/v1/responses",
        OPENAI,
        &json!({"model": "gpt-fail-400", "input": "x"}),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn delay_waits_before_answering() {
    let mock = mock().await;
    let started = Instant::now();
    let reply = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &chat("gpt-delay-150", false),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn slow_stream_paces_frames() {
    let mock = mock().await;
    let started = Instant::now();
    let reply = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &chat("gpt-slow-stream-20", true),
    )
    .await;
    let frames = reply.events().len() as u32;
    assert!(frames >= 4);
    assert!(started.elapsed() >= Duration::from_millis(20) * (frames - 1));
}

#[tokio::test]
async fn drop_mid_stream_aborts_the_body() {
    let mock = mock().await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", mock.base_url()))
        .bearer_auth("sk")
        .json(&chat("gpt-drop-mid-stream", true))
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(response.status(), 200);
    let body = response.text().await;
    assert!(body.is_err(), "body must fail mid-way, got {body:?}");
}

#[tokio::test]
async fn error_mid_stream_sends_provider_error_event() {
    let mock = mock().await;
    let body = json!({"model": "claude-error-mid-stream", "max_tokens": 50, "stream": true,
        "messages": [{"role": "user", "content": "x"}]});
    let events = post(&mock, "/v1/messages", ANTHROPIC, &body).await.events();
    let last = events.last().unwrap();
    assert_eq!(last.name.as_deref(), Some("error"));
    assert_eq!(last.data["error"]["type"], "overloaded_error");
    assert!(!events.iter().any(|e| e.data["type"] == "message_stop"));
}

#[tokio::test]
async fn scripts_run_in_order_in_process_and_over_http() {
    let mock = mock().await;
    mock.script("key-flaky", ["fail-503", "ok"]);
    let headers = [("authorization", "Bearer key-flaky")];
    let first = post(
        &mock,
        "/v1/chat/completions",
        &headers,
        &chat("gpt-4o", false),
    )
    .await;
    assert_eq!(first.status, 503);
    let second = post(
        &mock,
        "/v1/chat/completions",
        &headers,
        &chat("gpt-4o", false),
    )
    .await;
    assert_eq!(second.status, 200);

    let client = reqwest::Client::new();
    let status = client
        .post(format!("{}/__mock/script", mock.base_url()))
        .json(&json!({"match": "gpt-scripted", "steps": ["fail-429-9"]}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let reply = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &chat("gpt-scripted", false),
    )
    .await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.headers["retry-after"], "9");
    let reply = post(
        &mock,
        "/v1/chat/completions",
        OPENAI,
        &chat("gpt-scripted", false),
    )
    .await;
    assert_eq!(reply.status, 200);
}
