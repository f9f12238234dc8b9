//! Request logging through the real middleware: a full log file per captured request when
//! `request-log` is on, an `error-*.log` only for failures when it is off, and nothing for
//! successful requests then.

#![allow(clippy::expect_used, reason = "integration test helpers")]

use std::net::SocketAddr;
use std::sync::Arc;

use cpa_server::shutdown::Shutdown;
use cpa_server::state::{AppState, Runtime};
use cpa_usage::{RequestLogSettings, RequestLogger, UsageSink};

async fn serve(request_log: bool) -> (String, RequestLogger, tempfile::TempDir) {
    serve_with(request_log, "").await
}

async fn serve_with(request_log: bool, extra: &str) -> (String, RequestLogger, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.yaml");
    std::fs::write(
        &path,
        format!("host: 127.0.0.1\nport: 0\nrequest-log: {request_log}\n{extra}"),
    )
    .expect("write");
    let config = Arc::new(cpa_config::load(&path).expect("load").config);
    let logger = RequestLogger::start(RequestLogSettings {
        is_enabled: request_log,
        ..RequestLogSettings::new(dir.path().join("logs"))
    });
    let state = AppState::with_usage(
        Runtime::build(config),
        Shutdown::new(),
        None,
        UsageSink::discard(),
        None,
        Some(logger.clone()),
    );
    let app = cpa_server::app::build(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    (format!("http://{addr}"), logger, dir)
}

fn log_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("logs"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn request_log_on_writes_request_and_response() {
    let (base, logger, dir) = serve(true).await;
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth("sk-secret-value")
        .body(r#"{"model":"unknown-model","messages":[]}"#)
        .send()
        .await
        .expect("send");
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("id")
        .to_owned();
    response.text().await.expect("body");
    logger.flush().await;
    let files = log_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("v1-chat-completions-") && files[0].ends_with(&format!("-{id}.log")),
        "{files:?}"
    );
    let text = std::fs::read_to_string(dir.path().join("logs").join(&files[0])).expect("read");
    assert!(
        text.contains("=== REQUEST BODY ===\n{\"model\":\"unknown-model\""),
        "{text}"
    );
    assert!(text.contains("Status: 400"), "{text}");
    assert!(
        text.contains("unknown provider for model unknown-model"),
        "{text}"
    );
    assert!(
        !text.contains("sk-secret-value"),
        "the client key leaked into the log"
    );
}

#[tokio::test]
async fn request_log_off_keeps_only_errors() {
    let (base, logger, dir) = serve(false).await;
    let client = reqwest::Client::new();
    client
        .post(format!("{base}/v1/messages/count_tokens"))
        .body("{}")
        .send()
        .await
        .expect("send");
    logger.flush().await;
    let files = log_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("error-"), "{files:?}");

    // GET requests are never captured.
    client
        .get(format!("{base}/v1/models"))
        .send()
        .await
        .expect("send");
    logger.flush().await;
    assert_eq!(log_files(dir.path()).len(), 1);
}

#[tokio::test]
async fn request_log_records_the_upstream_request_and_response() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let (base, logger, dir) = serve_with(
        true,
        &format!(
            "claude-api-key:\n  - api-key: sk-ant-upstream-secret\n    base-url: \"{}\"\n",
            mock.base_url()
        ),
    )
    .await;
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/chat/completions"))
        .body(r#"{"model":"claude-sonnet-4-5-20250929","messages":[{"role":"user","content":"log me"}]}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    response.text().await.expect("body");
    logger.flush().await;
    let files = log_files(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let text = std::fs::read_to_string(dir.path().join("logs").join(&files[0])).expect("read");
    assert!(text.contains("=== API REQUEST 1 ==="), "{text}");
    assert!(
        text.contains(&format!("Upstream URL: {}/v1/messages", mock.base_url())),
        "{text}"
    );
    assert!(text.contains("provider=claude"), "{text}");
    assert!(text.contains("=== API RESPONSE 1 ==="), "{text}");
    assert!(text.contains("Mock reply to: log me"), "{text}");
    assert!(
        !text.contains("sk-ant-upstream-secret"),
        "the upstream key leaked into the log"
    );
}
