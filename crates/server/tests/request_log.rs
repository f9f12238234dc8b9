//! Request logging through the real middleware: a full log file per captured request when
//! `request-log` is on, an `error-*.log` only for failures when it is off, and nothing for
//! successful requests then.

#![allow(clippy::expect_used, reason = "integration test helpers")]

mod support;

use cpa_usage::{RequestLogSettings, RequestLogger};
use support::Harness;

async fn serve(request_log: bool) -> (String, RequestLogger, Harness) {
    serve_with(request_log, "").await
}

/// Serves `extra` config with request logging into `<harness dir>/logs`.
async fn serve_with(request_log: bool, extra: &str) -> (String, RequestLogger, Harness) {
    let mut logger = None;
    let server = Harness::start_with_logger(
        &format!("host: 127.0.0.1\nport: 0\nrequest-log: {request_log}\n{extra}"),
        |dir| {
            let started = RequestLogger::start(RequestLogSettings {
                is_enabled: request_log,
                ..RequestLogSettings::new(dir.join("logs"))
            });
            logger = Some(started.clone());
            Some(started)
        },
    )
    .await;
    (server.base.clone(), logger.expect("logger started"), server)
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
    let (base, logger, server) = serve(true).await;
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
    let files = log_files(server.dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("v1-chat-completions-") && files[0].ends_with(&format!("-{id}.log")),
        "{files:?}"
    );
    let text =
        std::fs::read_to_string(server.dir.path().join("logs").join(&files[0])).expect("read");
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
    let (base, logger, server) = serve(false).await;
    let client = reqwest::Client::new();
    client
        .post(format!("{base}/v1/messages/count_tokens"))
        .body("{}")
        .send()
        .await
        .expect("send");
    logger.flush().await;
    let files = log_files(server.dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("error-"), "{files:?}");

    // GET requests are never captured.
    client
        .get(format!("{base}/v1/models"))
        .send()
        .await
        .expect("send");
    logger.flush().await;
    assert_eq!(log_files(server.dir.path()).len(), 1);
}

#[tokio::test]
async fn request_log_records_the_upstream_request_and_response() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let (base, logger, server) = serve_with(
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
    let files = log_files(server.dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let text =
        std::fs::read_to_string(server.dir.path().join("logs").join(&files[0])).expect("read");
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
