//! Client authentication over real HTTP: every key source accepted, missing and wrong keys
//! refused in the client's own error shape.

#![allow(clippy::expect_used, reason = "integration test helpers")]

mod support;

use reqwest::StatusCode;
use serde_json::Value;
use support::Harness;

const CONFIG: &str = "host: 127.0.0.1\nport: 0\napi-keys:\n  - sk-good\n";

async fn json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.json::<Value>().await.expect("json body");
    (status, body)
}

#[tokio::test]
async fn each_key_source_is_accepted() {
    let server = Harness::start(CONFIG).await;
    let client = reqwest::Client::new();
    let url = server.url("/v1/models");
    let cases = [
        client.get(&url).bearer_auth("sk-good"),
        client.get(&url).header("authorization", "sk-good"),
        client.get(&url).header("x-api-key", "sk-good"),
        client.get(&url).header("x-goog-api-key", "sk-good"),
        client.get(format!("{url}?key=sk-good")),
        client.get(format!("{url}?auth_token=sk-good")),
    ];
    for (i, request) in cases.into_iter().enumerate() {
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), StatusCode::OK, "case {i}");
    }
}

#[tokio::test]
async fn openai_routes_refuse_in_openai_shape() {
    let server = Harness::start(CONFIG).await;
    let client = reqwest::Client::new();
    let (status, body) = json(
        client
            .post(server.url("/v1/chat/completions"))
            .bearer_auth("sk-wrong")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["type"], "authentication_error");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(body["error"]["message"], "invalid API key");

    let (status, body) = json(
        client
            .post(server.url("/v1/responses"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["message"], "missing API key");
}

#[tokio::test]
async fn anthropic_routes_refuse_in_anthropic_shape() {
    let server = Harness::start(CONFIG).await;
    let (status, body) = json(
        reqwest::Client::new()
            .post(server.url("/v1/messages"))
            .header("x-api-key", "sk-wrong")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "authentication_error");
}

#[tokio::test]
async fn gemini_routes_refuse_in_gemini_shape() {
    let server = Harness::start(CONFIG).await;
    let client = reqwest::Client::new();
    for path in [
        "/v1beta/models/gemini-2.5-pro:generateContent?key=sk-wrong",
        "/v1/models/gemini-2.5-pro:generateContent?key=sk-wrong",
    ] {
        let (status, body) = json(client.post(server.url(path)).send().await.expect("send")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"]["code"], 401, "{path}");
        assert_eq!(body["error"]["status"], "UNAUTHENTICATED", "{path}");
    }
}

#[tokio::test]
async fn open_routes_and_preflight_need_no_key() {
    let server = Harness::start(CONFIG).await;
    let client = reqwest::Client::new();
    let (status, body) = json(client.get(server.url("/")).send().await.expect("send")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["message"], "CLI Proxy API Server");

    let preflight = client
        .request(reqwest::Method::OPTIONS, server.url("/v1/chat/completions"))
        .send()
        .await
        .expect("send");
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_client_shape() {
    let server = Harness::start(CONFIG).await;
    let client = reqwest::Client::new();
    let (status, body) = json(
        client
            .get(server.url("/v1/nope"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let (status, body) = json(
        client
            .get(server.url("/v1/messages"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["type"], "error");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let server = Harness::start(CONFIG).await;
    let response = reqwest::get(server.url("/")).await.expect("send");
    let id = response.headers()["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 8);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}

#[tokio::test]
async fn empty_key_list_means_no_authentication() {
    let server = Harness::start("host: 127.0.0.1\nport: 0\n").await;
    let response = reqwest::get(server.url("/v1/models")).await.expect("send");
    assert_eq!(response.status(), StatusCode::OK);
}
