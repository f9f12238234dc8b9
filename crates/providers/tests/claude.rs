//! Claude executor against a recording stub: exact URLs, auth and Claude Code headers,
//! body edits, streaming, usage, gzip decoding.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;

use bytes::Bytes;
use cpa_providers::{Credential, HttpClients, ProviderKind, Registry, UpstreamRequest};
use http::HeaderMap;
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

const CLAUDE_SSE: &[&str] = &[
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":11,\"output_tokens\":1,\"cache_read_input_tokens\":2}}}\n\n",
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n",
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":7}}\n\n",
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
];

#[tokio::test]
async fn claude_custom_base_uses_bearer_and_claude_code_headers() {
    let stub = Stub::always(|| Reply::sse(CLAUDE_SSE)).await;
    let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "sk-ant-key")
        .base_url(&stub.base)
        .header("anthropic-version", "2099-01-01");
    let mut req = request(
        "claude-sonnet-4-5",
        json!({"model":"alias","system":"Be brief.","betas":["extra-beta"],"messages":[]}),
    );
    req.is_streaming = true;
    let mut client = HeaderMap::new();
    client.insert("user-agent", "my-claude-code/2.0".parse().expect("value"));
    req.client_headers = client;
    let stream = registry()
        .get(ProviderKind::Claude)
        .expect("exec")
        .execute_stream(req, &cred)
        .await
        .expect("ok");
    let (items, usage) = collect(stream).await;

    let seen = stub.only_request();
    assert_eq!(seen.path_and_query, "/v1/messages?beta=true");
    assert_eq!(seen.header("authorization"), Some("Bearer sk-ant-key"));
    assert_eq!(seen.header("x-api-key"), None);
    assert_eq!(seen.header("accept"), Some("text/event-stream"));
    assert_eq!(
        seen.header("anthropic-version"),
        Some("2099-01-01"),
        "custom header overrides"
    );
    assert_eq!(
        seen.header("user-agent"),
        Some("my-claude-code/2.0"),
        "client value wins"
    );
    assert_eq!(seen.header("x-stainless-lang"), Some("js"));
    assert_eq!(
        seen.header("anthropic-beta"),
        Some(
            "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,extra-beta"
        )
    );
    assert_eq!(
        seen.header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
    let body = seen.json();
    assert_eq!(body["model"], "claude-sonnet-4-5");
    assert!(body.get("betas").is_none());
    assert_eq!(body["system"][1]["text"], "Be brief.");

    assert_eq!(items.len(), 4);
    assert_eq!(
        items[0].as_ref().expect("event").0.as_deref(),
        Some("message_start")
    );
    let usage = usage.expect("usage");
    assert_eq!(
        (
            usage.input_tokens,
            usage.output_tokens,
            usage.cached_tokens,
            usage.total_tokens
        ),
        (11, 7, 2, 18)
    );
}

#[tokio::test]
async fn claude_plain_http_anthropic_host_is_not_official_and_uses_bearer() {
    // The host is not reachable here; route it through an HTTP proxy stub that records
    // the request head and answers itself. (The https case is a unit test in claude.rs.)
    let proxy =
        support::ProxyStub::start(r#"{"id":"msg","usage":{"input_tokens":1,"output_tokens":2}}"#)
            .await;
    let clients = Arc::new(HttpClients::new(Default::default(), &proxy.url).expect("clients"));
    let registry = Registry::new(clients);
    let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "sk-ant-key")
        .base_url("http://api.anthropic.com");
    let resp = registry
        .get(ProviderKind::Claude)
        .expect("exec")
        .execute(
            request("claude-3-5-haiku-20241022", json!({"messages":[]})),
            &cred,
        )
        .await
        .expect("ok");
    assert_eq!(resp.usage.map(|u| u.total_tokens), Some(3));
    assert_eq!(
        proxy.request_lines(),
        vec!["POST http://api.anthropic.com/v1/messages?beta=true HTTP/1.1".to_owned()]
    );
    assert_eq!(
        proxy.header("authorization").as_deref(),
        Some("Bearer sk-ant-key")
    );
    assert_eq!(proxy.header("x-api-key"), None);
}

#[tokio::test]
async fn claude_non_stream_json_and_count_tokens_paths() {
    let stub = Stub::start(|req| {
        if req.path_and_query.contains("count_tokens") {
            Reply::ok_json(r#"{"input_tokens":42}"#)
        } else {
            Reply::ok_json(r#"{"type":"message","usage":{"input_tokens":5,"output_tokens":6}}"#)
        }
    })
    .await;
    let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "k").base_url(&stub.base);
    let registry = registry();
    let exec = registry.get(ProviderKind::Claude).expect("exec");
    let resp = exec
        .execute(request("claude-3-5-haiku-1", json!({"messages":[]})), &cred)
        .await
        .expect("ok");
    assert_eq!(resp.usage.map(|u| u.total_tokens), Some(11));
    let count = exec
        .count_tokens(request("claude-sonnet-4", json!({"messages":[]})), &cred)
        .await
        .expect("ok");
    assert_eq!(count.body, Bytes::from_static(br#"{"input_tokens":42}"#));
    let seen = stub.requests();
    assert_eq!(seen[0].header("accept"), Some("application/json"));
    assert!(
        seen[0].json().get("system").is_none(),
        "haiku non-stream skips the system line"
    );
    assert_eq!(
        seen[1].path_and_query,
        "/v1/messages/count_tokens?beta=true"
    );
    assert!(
        seen[1].json()["system"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("You are Claude Code"))
    );
}

#[tokio::test]
async fn claude_gzip_body_is_decoded() {
    use std::io::Write;
    let json = r#"{"type":"message","usage":{"input_tokens":2,"output_tokens":3}}"#;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(json.as_bytes()).expect("gzip");
    let gzipped = encoder.finish().expect("gzip");
    let stub = Stub::always(move || {
        Reply::Raw(
            200,
            vec![
                ("content-type", "application/json".into()),
                ("content-encoding", "gzip".into()),
            ],
            gzipped.clone(),
        )
    })
    .await;
    let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "k").base_url(&stub.base);
    let resp = registry()
        .get(ProviderKind::Claude)
        .expect("exec")
        .execute(request("claude-sonnet-4", json!({"messages":[]})), &cred)
        .await
        .expect("ok");
    assert_eq!(resp.body, Bytes::from_static(json.as_bytes()));
    assert_eq!(resp.usage.map(|u| u.total_tokens), Some(5));
    assert_eq!(
        stub.only_request().header("accept-encoding"),
        Some("gzip, deflate, br, zstd")
    );
}

#[tokio::test]
async fn claude_non_stream_answered_as_sse_keeps_body_and_reads_usage() {
    // Non-Claude clients: the translator asks for `stream: true`, the executor still
    // returns one buffered body and the pipeline's translator aggregates it.
    let stub = Stub::always(|| Reply::sse(CLAUDE_SSE)).await;
    let cred = Credential::api_key(ProviderKind::Claude, "claude:1", "k").base_url(&stub.base);
    let resp = registry()
        .get(ProviderKind::Claude)
        .expect("exec")
        .execute(
            request("claude-sonnet-4", json!({"messages":[],"stream":true})),
            &cred,
        )
        .await
        .expect("ok");
    assert_eq!(resp.body, Bytes::from(CLAUDE_SSE.concat()));
    let usage = resp.usage.expect("usage");
    assert_eq!(
        (usage.input_tokens, usage.output_tokens, usage.total_tokens),
        (11, 7, 18)
    );
    assert_eq!(
        stub.only_request().header("accept"),
        Some("application/json")
    );
}
