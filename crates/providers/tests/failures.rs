//! Error classification, proxy selection, mid-stream failures and client cancellation,
//! run through real executors against local stubs.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use cpa_providers::{
    Credential, Disposition, HttpClients, HttpSettings, ProviderKind, Registry, UpstreamError,
    UpstreamRequest,
};
use futures_util::StreamExt;
use support::{ProxyStub, Reply, Stub, collect};

fn registry() -> Registry {
    Registry::new(Arc::new(HttpClients::direct_default()))
}

fn request(streaming: bool) -> UpstreamRequest {
    UpstreamRequest {
        model: "m".into(),
        body: Bytes::from_static(b"{}"),
        is_streaming: streaming,
        ..UpstreamRequest::default()
    }
}

async fn fail_with(kind: ProviderKind, reply: fn() -> Reply, streaming: bool) -> UpstreamError {
    let stub = Stub::always(reply).await;
    let cred = Credential::api_key(kind, "c:1", "k").base_url(&stub.base);
    let registry = registry();
    let exec = registry.get(kind).expect("exec");
    if streaming {
        exec.execute_stream(request(true), &cred)
            .await
            .expect_err("stream fails before first byte")
    } else {
        exec.execute(request(false), &cred)
            .await
            .expect_err("fails")
    }
}

#[tokio::test]
async fn status_401_is_unauthorized_with_body() {
    let err = fail_with(
        ProviderKind::Claude,
        || {
            Reply::Json(
                401,
                vec![],
                r#"{"type":"error","error":{"type":"authentication_error"}}"#.into(),
            )
        },
        false,
    )
    .await;
    assert!(matches!(err, UpstreamError::Unauthorized { status, .. } if status == 401));
    assert!(
        err.body()
            .is_some_and(|b| b.starts_with(b"{\"type\":\"error\""))
    );
}

#[tokio::test]
async fn status_429_with_retry_after_is_rate_limited_on_streams_too() {
    let err = fail_with(
        ProviderKind::OpenAiCompat,
        || {
            Reply::Json(
                429,
                vec![("retry-after", "17".into())],
                r#"{"error":{"message":"slow down"}}"#.into(),
            )
        },
        true,
    )
    .await;
    assert!(matches!(
        err,
        UpstreamError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(17)
    ));
    assert_eq!(
        err.disposition(),
        Disposition::CoolDown {
            retry_after: Some(Duration::from_secs(17))
        }
    );
}

#[tokio::test]
async fn gemini_resource_exhausted_with_retry_delay() {
    let err = fail_with(
        ProviderKind::Gemini,
        || {
            Reply::Json(
                429,
                vec![],
                r#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED",
                   "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2.5s"}]}}"#
                    .into(),
            )
        },
        false,
    )
    .await;
    assert!(matches!(
        err,
        UpstreamError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_millis(2500)
    ));
}

#[tokio::test]
async fn status_500_is_status_and_transient() {
    let err = fail_with(
        ProviderKind::Codex,
        || Reply::Json(500, vec![], "upstream broke".into()),
        true,
    )
    .await;
    assert!(
        matches!(&err, UpstreamError::Status { status, body } if *status == 500 && body == "upstream broke")
    );
    assert!(matches!(
        err.disposition(),
        Disposition::TryNext { cool_down: Some(_) }
    ));
}

#[tokio::test]
async fn unreachable_upstream_is_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let cred =
        Credential::api_key(ProviderKind::Gemini, "c:1", "k").base_url(format!("http://{addr}"));
    let err = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute(request(false), &cred)
        .await
        .expect_err("refused");
    assert_eq!(err.label(), "upstream.transport");
}

#[tokio::test]
async fn mid_stream_abort_ends_with_error_item() {
    let stub = Stub::always(|| {
        Reply::Abort(vec![
            "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n".into(),
        ])
    })
    .await;
    let cred = Credential::api_key(ProviderKind::OpenAiCompat, "c:1", "k").base_url(&stub.base);
    let stream = registry()
        .get(ProviderKind::OpenAiCompat)
        .expect("exec")
        .execute_stream(request(true), &cred)
        .await
        .expect("2xx");
    let (items, _) = collect(stream).await;
    assert!(items.first().is_some_and(Result::is_ok));
    assert!(items.last().is_some_and(Result::is_err), "{items:?}");
}

#[tokio::test]
async fn dropping_the_stream_closes_the_upstream_connection() {
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = dropped.clone();
    let stub = Stub::always(move || Reply::Endless(flag.clone())).await;
    let cred = Credential::api_key(ProviderKind::OpenAiCompat, "c:1", "k").base_url(&stub.base);
    let mut stream = registry()
        .get(ProviderKind::OpenAiCompat)
        .expect("exec")
        .execute_stream(request(true), &cred)
        .await
        .expect("2xx");
    for _ in 0..3 {
        stream.next().await.expect("event").expect("ok");
    }
    assert!(!dropped.load(Ordering::SeqCst));
    drop(stream);
    for _ in 0..200 {
        if dropped.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("upstream body was not dropped after the client stream was dropped");
}

#[tokio::test]
async fn credential_http_proxy_is_used() {
    let proxy = ProxyStub::start(r#"{"choices":[]}"#).await;
    let cred = Credential::api_key(ProviderKind::OpenAiCompat, "c:1", "k")
        .base_url("http://upstream.invalid:9/v1")
        .proxy_url(&proxy.url);
    registry()
        .get(ProviderKind::OpenAiCompat)
        .expect("exec")
        .execute(request(false), &cred)
        .await
        .expect("via proxy");
    assert_eq!(
        proxy.request_lines(),
        vec!["POST http://upstream.invalid:9/v1/chat/completions HTTP/1.1".to_owned()]
    );
}

#[tokio::test]
async fn global_proxy_applies_unless_credential_says_direct() {
    let proxy = ProxyStub::start(r#"{"choices":[]}"#).await;
    let stub = Stub::always(|| Reply::ok_json(r#"{"choices":[]}"#)).await;
    let clients = Arc::new(HttpClients::new(HttpSettings::default(), &proxy.url).expect("clients"));
    let registry = Registry::new(clients.clone());
    let exec = registry.get(ProviderKind::OpenAiCompat).expect("exec");

    let global = Credential::api_key(ProviderKind::OpenAiCompat, "c:1", "k").base_url(&stub.base);
    exec.execute(request(false), &global)
        .await
        .expect("via global proxy");
    assert_eq!(proxy.request_lines().len(), 1);
    assert!(stub.requests().is_empty());

    let direct = global.clone().proxy_url("direct");
    exec.execute(request(false), &direct).await.expect("direct");
    assert_eq!(proxy.request_lines().len(), 1);
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(clients.cached_clients(), 2);
}

#[tokio::test]
async fn invalid_credential_proxy_is_a_named_error() {
    let cred = Credential::api_key(ProviderKind::Gemini, "c:1", "k")
        .base_url("http://127.0.0.1:9")
        .proxy_url("socks4://user:secret@127.0.0.1:1080");
    let err = registry()
        .get(ProviderKind::Gemini)
        .expect("exec")
        .execute(request(false), &cred)
        .await
        .expect_err("bad proxy");
    let message = err.to_string();
    assert!(
        message.contains("invalid proxy-url socks4://user:***@127.0.0.1:1080"),
        "{message}"
    );
    assert!(!message.contains("secret"));
}

#[tokio::test]
async fn stalled_stream_hits_the_read_timeout() {
    let stub = Stub::always(|| Reply::Stall).await;
    let settings = HttpSettings {
        read_timeout: Some(Duration::from_millis(300)),
        ..HttpSettings::default()
    };
    let registry = Registry::new(Arc::new(
        HttpClients::new(settings, "direct").expect("clients"),
    ));
    let cred = Credential::api_key(ProviderKind::OpenAiCompat, "c:1", "k").base_url(&stub.base);
    let stream = registry
        .get(ProviderKind::OpenAiCompat)
        .expect("exec")
        .execute_stream(request(true), &cred)
        .await
        .expect("2xx");
    let (items, _) = collect(stream).await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert_eq!(items[1], Err("upstream.timeout"));
}
