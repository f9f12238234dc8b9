//! Claude, Codex and OpenAI-compatible executors against a recording stub: exact URLs,
//! auth and required headers, body edits, streaming and usage.

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
