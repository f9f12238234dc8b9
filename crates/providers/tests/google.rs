//! Gemini (API key) and Vertex (API key) executors against a recording stub: exact
//! URLs, auth headers, body edits, SSE and JSON-array streaming, usage.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;

use bytes::Bytes;
use cpa_providers::{
    Action, Credential, HttpClients, ProviderKind, Registry, UpstreamRequest, Usage,
};
use serde_json::json;
use support::{Reply, Stub, collect};

fn registry() -> Registry {
    Registry::new(Arc::new(HttpClients::direct_default()))
}

fn request(model: &str, body: serde_json::Value) -> UpstreamRequest {
    UpstreamRequest {
        model: model.to_owned(),
        body: Bytes::from(body.to_string()),
        ..UpstreamRequest::default()
    }
}

const GEMINI_BODY: &str = r#"{"candidates":[{"content":{"parts":[{"text":"hi"}]},"finishReason":"STOP"}],
  "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"thoughtsTokenCount":1,"totalTokenCount":6}}"#;

#[tokio::test]
async fn gemini_generate_sends_key_header_model_and_strips_session_id() {
    let stub = Stub::always(|| Reply::ok_json(GEMINI_BODY)).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "g-key")
        .base_url(format!("{}/", stub.base))
        .header("X-Custom", "yes");
    let req = request("gemini-2.5-pro", json!({"contents":[],"session_id":"s"}));
    let resp = registry()
        .for_credential(&cred)
        .expect("executor")
        .execute(req, &cred)
        .await
        .expect("ok");

    let seen = stub.only_request();
    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.path_and_query,
        "/v1beta/models/gemini-2.5-pro:generateContent"
    );
    assert_eq!(seen.header("x-goog-api-key"), Some("g-key"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(seen.header("x-custom"), Some("yes"));
    assert_eq!(seen.json(), json!({"contents":[],"model":"gemini-2.5-pro"}));
    assert_eq!(
        resp.usage,
        Some(Usage {
            input_tokens: 3,
            output_tokens: 2,
            reasoning_tokens: 1,
            cached_tokens: 0,
            total_tokens: 6
        })
    );
}

#[tokio::test]
async fn gemini_alt_is_forwarded_as_dollar_alt() {
    let stub = Stub::always(|| Reply::ok_json("{}")).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let mut req = request("m", json!({}));
    req.alt = Some("json".into());
    registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute(req, &cred)
        .await
        .expect("ok");
    assert_eq!(
        stub.only_request().path_and_query,
        "/v1beta/models/m:generateContent?$alt=json"
    );
}

#[tokio::test]
async fn gemini_stream_sse_yields_events_and_last_usage() {
    let stub = Stub::always(|| {
        Reply::sse(&[
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],\"usageMetadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":1}}\r\n\r\n",
            "data: {\"candidates\":[{\"finishReason\":\"STOP\"}],\"usageMe",
            "tadata\":{\"promptTokenCount\":4,\"candidatesTokenCount\":9}}\r\n\r\n",
        ])
    })
    .await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let mut req = request("gemini-2.5-flash", json!({}));
    req.is_streaming = true;
    let stream = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let (items, usage) = collect(stream).await;

    assert_eq!(
        stub.only_request().path_and_query,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(
        usage.map(|u| (u.input_tokens, u.output_tokens, u.total_tokens)),
        Some((4, 9, 13))
    );
}

#[tokio::test]
async fn gemini_stream_without_sse_splits_json_array() {
    let stub = Stub::start(|_| {
        Reply::Chunks(
            "application/json",
            vec![
                "[{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x]\"}]}}]}\r\n,".into(),
                "\r\n{\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":2}}"
                    .into(),
                "\r\n]".into(),
            ],
        )
    })
    .await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let mut req = request("m", json!({}));
    req.is_streaming = true;
    req.alt = Some("json".into());
    let stream = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let (items, usage) = collect(stream).await;
    assert_eq!(
        stub.only_request().path_and_query,
        "/v1beta/models/m:streamGenerateContent?$alt=json"
    );
    let data: Vec<_> = items.into_iter().map(|i| i.expect("event").1).collect();
    assert_eq!(data.len(), 2);
    assert!(data[0].contains("x]"));
    assert_eq!(usage.map(|u| u.total_tokens), Some(3));
}

#[tokio::test]
async fn gemini_stream_truncated_array_ends_with_error_item() {
    let stub =
        Stub::start(|_| Reply::Chunks("application/json", vec!["[{\"a\":1},{\"b\":".into()])).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let mut req = request("m", json!({}));
    req.alt = Some("json".into());
    let stream = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let (items, _) = collect(stream).await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(items[1], Err("upstream.stream"));
}

#[tokio::test]
async fn gemini_count_tokens_strips_generation_fields() {
    let stub = Stub::always(|| Reply::ok_json(r#"{"totalTokens":12}"#)).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let mut req = request(
        "m",
        json!({"contents":[{"parts":[{"text":"hi"}]}],"tools":[],"generationConfig":{},"safetySettings":[]}),
    );
    req.action = Action::CountTokens;
    let resp = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute(req, &cred)
        .await
        .expect("ok");
    let seen = stub.only_request();
    assert_eq!(seen.path_and_query, "/v1beta/models/m:countTokens");
    assert_eq!(
        seen.json(),
        json!({"contents":[{"parts":[{"text":"hi"}]}],"model":"m"})
    );
    assert_eq!(resp.body, Bytes::from_static(br#"{"totalTokens":12}"#));
}

#[tokio::test]
async fn vertex_api_key_uses_publishers_path_and_key_header() {
    let stub = Stub::always(|| Reply::ok_json(GEMINI_BODY)).await;
    let cred = Credential::api_key(ProviderKind::Vertex, "vertex:1", "v-key").base_url(&stub.base);
    let exec = registry();
    let exec = exec.get(ProviderKind::Vertex).expect("exec");
    exec.execute(request("gemini-2.5-pro", json!({})), &cred)
        .await
        .expect("ok");
    let mut streaming = request("gemini-2.5-pro", json!({}));
    streaming.is_streaming = true;
    let _ = exec.execute_stream(streaming, &cred).await.expect("ok");
    let seen = stub.requests();
    assert_eq!(
        seen[0].path_and_query,
        "/v1/publishers/google/models/gemini-2.5-pro:generateContent"
    );
    assert_eq!(
        seen[1].path_and_query,
        "/v1/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
    );
    assert_eq!(seen[0].header("x-goog-api-key"), Some("v-key"));
}

#[tokio::test]
async fn model_names_cannot_inject_path_or_query() {
    let stub = Stub::always(|| Reply::ok_json("{}")).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute(request("../x?y=1#z", json!({})), &cred)
        .await
        .expect("ok");
    assert_eq!(
        stub.only_request().path_and_query,
        "/v1beta/models/..%2Fx%3Fy%3D1%23z:generateContent"
    );
}

#[tokio::test]
async fn gemini_alt_sse_is_normalised_to_plain_sse() {
    let stub = Stub::always(|| Reply::sse(&["data: {}\n\n"])).await;
    let cred = Credential::api_key(ProviderKind::Gemini, "gemini:1", "k").base_url(&stub.base);
    let registry = registry();
    let exec = registry.get(ProviderKind::Gemini).expect("exec");
    let mut streaming = request("m", json!({}));
    streaming.alt = Some("sse".into());
    let (items, _) = collect(exec.execute_stream(streaming, &cred).await.expect("ok")).await;
    assert_eq!(items.len(), 1);
    let mut plain = request("m", json!({}));
    plain.alt = Some(String::new());
    exec.execute(plain, &cred).await.expect("ok");
    let paths: Vec<_> = stub
        .requests()
        .into_iter()
        .map(|r| r.path_and_query)
        .collect();
    assert_eq!(
        paths,
        vec![
            "/v1beta/models/m:streamGenerateContent?alt=sse",
            "/v1beta/models/m:generateContent"
        ]
    );
}
