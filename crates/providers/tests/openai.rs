//! Codex and OpenAI-compatible executors against a recording stub: exact URLs, auth
//! and required headers, body edits, streaming and usage.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;

use bytes::Bytes;
use cpa_providers::{
    Credential, HttpClients, ProviderKind, Registry, UpstreamError, UpstreamRequest,
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

const CODEX_SSE: &[&str] = &[
    "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r1\"}}\n\n",
    "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n",
    "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r1\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4,\"total_tokens\":7,\"output_tokens_details\":{\"reasoning_tokens\":1}}}}\n\n",
];

#[tokio::test]
async fn codex_non_stream_returns_completed_event_and_forces_stream() {
    let stub = Stub::always(|| Reply::sse(CODEX_SSE)).await;
    let cred = Credential::api_key(ProviderKind::Codex, "codex:1", "sk-openai")
        .base_url(format!("{}/v1", stub.base));
    let req = request(
        "gpt-5-codex",
        json!({"input":[],"previous_response_id":"x","prompt_cache_retention":"24h","prompt_cache_key":"pck"}),
    );
    let resp = registry()
        .get(ProviderKind::Codex)
        .expect("exec")
        .execute(req, &cred)
        .await
        .expect("ok");

    let seen = stub.only_request();
    assert_eq!(seen.path_and_query, "/v1/responses");
    assert_eq!(seen.header("authorization"), Some("Bearer sk-openai"));
    assert_eq!(seen.header("accept"), Some("text/event-stream"));
    assert_eq!(seen.header("version"), Some("0.21.0"));
    assert_eq!(seen.header("openai-beta"), Some("responses=experimental"));
    assert_eq!(seen.header("session_id"), Some("pck"));
    assert_eq!(seen.header("conversation_id"), Some("pck"));
    assert!(
        seen.header("user-agent")
            .is_some_and(|ua| ua.starts_with("codex_cli_rs/"))
    );
    assert_eq!(seen.header("originator"), None);
    assert_eq!(
        seen.json(),
        json!({"input":[],"model":"gpt-5-codex","stream":true,"prompt_cache_key":"pck"})
    );
    let body: serde_json::Value = serde_json::from_slice(&resp.body).expect("json");
    assert_eq!(body["type"], "response.completed");
    let usage = resp.usage.expect("usage");
    assert_eq!(
        (
            usage.input_tokens,
            usage.output_tokens,
            usage.reasoning_tokens,
            usage.total_tokens
        ),
        (3, 4, 1, 7)
    );
}

#[tokio::test]
async fn codex_non_stream_without_completed_is_408() {
    let stub = Stub::always(|| Reply::sse(&CODEX_SSE[..2])).await;
    let cred = Credential::api_key(ProviderKind::Codex, "codex:1", "k").base_url(&stub.base);
    let err = registry()
        .get(ProviderKind::Codex)
        .expect("exec")
        .execute(request("gpt-5", json!({})), &cred)
        .await
        .expect_err("no completed event");
    assert!(matches!(err, UpstreamError::Status { status, .. } if status == 408));
    let session = stub
        .only_request()
        .header("session_id")
        .map(str::to_owned)
        .expect("session id");
    assert_eq!(
        session.len(),
        36,
        "random uuid when there is no prompt_cache_key"
    );
}

#[tokio::test]
async fn codex_stream_reports_usage_from_completed() {
    let stub = Stub::always(|| Reply::sse(CODEX_SSE)).await;
    let cred = Credential::api_key(ProviderKind::Codex, "codex:1", "k").base_url(&stub.base);
    let mut req = request("gpt-5", json!({}));
    req.is_streaming = true;
    let stream = registry()
        .get(ProviderKind::Codex)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let handle = stream.usage_handle();
    let (items, _) = collect(stream).await;
    assert_eq!(items.len(), 3);
    assert_eq!(handle.get().map(|u| u.total_tokens), Some(7));
}

#[tokio::test]
async fn openai_compat_stream_headers_and_done_is_consumed() {
    let stub = Stub::always(|| {
        Reply::sse(&[
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":5,\"total_tokens\":7}}\n\n",
            "data: [DONE]\n\n",
        ])
    })
    .await;
    let cred = Credential::api_key(ProviderKind::OpenAiCompat, "openrouter:1", "or-key")
        .base_url(format!("{}/api/v1/", stub.base))
        .named("openrouter")
        .header("HTTP-Referer", "https://example.test");
    let mut req = request(
        "deepseek/deepseek-r1",
        json!({"model":"alias","messages":[],"stream":true}),
    );
    req.is_streaming = true;
    let stream = registry()
        .for_credential(&cred)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let (items, usage) = collect(stream).await;

    let seen = stub.only_request();
    assert_eq!(seen.path_and_query, "/api/v1/chat/completions");
    assert_eq!(seen.header("authorization"), Some("Bearer or-key"));
    assert_eq!(seen.header("user-agent"), Some("cli-proxy-openai-compat"));
    assert_eq!(seen.header("accept"), Some("text/event-stream"));
    assert_eq!(seen.header("cache-control"), Some("no-cache"));
    assert_eq!(seen.header("http-referer"), Some("https://example.test"));
    assert_eq!(seen.json()["model"], "deepseek/deepseek-r1");
    assert_eq!(items.len(), 2, "[DONE] is consumed");
    assert_eq!(usage.map(|u| u.total_tokens), Some(7));
}

#[tokio::test]
async fn openai_compat_keyless_and_missing_base() {
    let stub = Stub::always(|| {
        Reply::ok_json(r#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#)
    })
    .await;
    let keyless = Credential::with_secret(
        ProviderKind::OpenAiCompat,
        "local:1",
        cpa_providers::CredentialSecret::None,
    )
    .base_url(&stub.base);
    let registry = registry();
    let exec = registry.get(ProviderKind::OpenAiCompat).expect("exec");
    let resp = exec
        .execute(request("llama", json!({"messages":[]})), &keyless)
        .await
        .expect("ok");
    assert_eq!(resp.usage.map(|u| u.total_tokens), Some(2));
    assert_eq!(stub.only_request().header("authorization"), None);

    let no_base = Credential::api_key(ProviderKind::OpenAiCompat, "x:1", "k").named("x");
    let err = exec
        .execute(request("m", json!({})), &no_base)
        .await
        .expect_err("no base");
    assert_eq!(
        err.to_string(),
        "credential unusable: missing base-url for provider x"
    );
    let count = exec
        .count_tokens(request("m", json!({})), &keyless)
        .await
        .expect_err("local");
    assert!(matches!(count, UpstreamError::Unsupported(_)));
}
