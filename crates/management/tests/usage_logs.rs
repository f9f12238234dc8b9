//! Usage statistics and logs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Harness;
use cpa_usage::UsageEvent;
use serde_json::json;

const LOGGING_YAML: &str =
    "remote-management:\n  secret-key: \"{HASH}\"\nauth-dir: \"{AUTH}\"\nlogging-to-file: true\n";

#[tokio::test]
async fn usage_export_import_reproduces_totals() {
    let h = Harness::builder().usage().start().await;
    let service = h.usage.as_ref().expect("usage");
    for (i, failed) in [(1u64, false), (2, true), (3, false)] {
        let mut event = UsageEvent::new("claude", "claude-sonnet-4");
        event.api_key = "client-1".into();
        event.tokens.input = 100 * i;
        event.tokens.output = 10 * i;
        event.failed = failed;
        service.sink().record(event);
    }
    service.handle().flush().await.expect("flush");
    let (status, usage) = h.get("/usage").await;
    assert_eq!(status, 200);
    assert_eq!(usage["usage"]["total_requests"], 3);
    assert_eq!(usage["failed_requests"], 1);
    let (status, export) = h.get("/usage/export").await;
    assert_eq!((status, export["version"].clone()), (200, json!(1)));

    let fresh = Harness::builder().usage().start().await;
    let body = serde_json::to_string(&export).expect("json");
    let (status, result) = fresh.call("POST", "/usage/import", Some(&body)).await;
    assert_eq!(status, 200);
    assert_eq!(result["added"], 3);
    assert_eq!(result["total_requests"], 3);
    let (_, imported) = fresh.get("/usage").await;
    for key in [
        "total_requests",
        "success_count",
        "failure_count",
        "total_tokens",
    ] {
        assert_eq!(imported["usage"][key], usage["usage"][key], "{key}");
    }
    let (_, again) = fresh.call("POST", "/usage/import", Some(&body)).await;
    assert_eq!(
        (again["added"].clone(), again["skipped"].clone()),
        (json!(0), json!(3))
    );
    assert_eq!(
        fresh.call("POST", "/usage/import", Some("nope")).await,
        (400, json!({"error": "invalid json"}))
    );
    assert_eq!(
        fresh
            .call("POST", "/usage/import", Some(r#"{"version":2}"#))
            .await,
        (400, json!({"error": "unsupported version"}))
    );
}

#[tokio::test]
async fn usage_without_aggregator() {
    let h = Harness::start().await;
    let (status, body) = h.get("/usage").await;
    assert_eq!(
        (status, body["usage"]["total_requests"].clone()),
        (200, json!(0))
    );
    assert_eq!(
        h.call("POST", "/usage/import", Some(r#"{"version":1,"usage":{}}"#))
            .await,
        (400, json!({"error": "usage statistics unavailable"}))
    );
    assert_eq!(
        h.get("/api-key-usage").await,
        (503, json!({"error": "core auth manager unavailable"}))
    );
}

#[tokio::test]
async fn api_key_usage_lists_config_keys() {
    let yaml = "remote-management:\n  secret-key: \"{HASH}\"\nauth-dir: \"{AUTH}\"\n\
                claude-api-key:\n  - api-key: sk-c\n    base-url: https://c.example.com\n";
    let h = Harness::builder().yaml(yaml).usage().start().await;
    let (status, body) = h.get("/api-key-usage").await;
    assert_eq!(status, 200, "{body}");
    let entry = &body["claude"]["https://c.example.com|sk-c"];
    assert_eq!(entry["success"], 0);
    assert_eq!(entry["recent_requests"].as_array().map(Vec::len), Some(20));
}

#[tokio::test]
async fn logs_read_filter_limit_and_clear() {
    let h = Harness::builder().yaml(LOGGING_YAML).start().await;
    assert_eq!(
        h.get("/logs").await,
        (
            200,
            json!({"lines": [], "line-count": 0, "latest-timestamp": 0})
        )
    );
    std::fs::create_dir_all(&h.logs_dir).expect("logs dir");
    std::fs::write(
        h.logs_dir.join("main.log.1"),
        "[2026-01-14 09:00:00] [--------] [info ] old\n",
    )
    .expect("write");
    std::fs::write(
        h.logs_dir.join("main.log"),
        "[2026-01-14 09:00:10] [--------] [info ] a\n  detail\n[2026-01-14 09:00:20] [--------] [info ] b\n",
    )
    .expect("write");
    let (status, all) = h.get("/logs").await;
    assert_eq!(status, 200);
    assert_eq!(all["line-count"], 4);
    assert_eq!(all["lines"].as_array().map(Vec::len), Some(4));
    let latest = all["latest-timestamp"].as_i64().expect("ts");
    let (_, newer) = h.get(&format!("/logs?after={}", latest - 15)).await;
    assert_eq!(newer["lines"].as_array().map(Vec::len), Some(3));
    let (_, last) = h.get("/logs?limit=1").await;
    assert_eq!(
        last["lines"],
        json!(["[2026-01-14 09:00:20] [--------] [info ] b"])
    );
    assert_eq!(
        h.get("/logs?limit=x").await,
        (
            400,
            json!({"error": "invalid limit: must be a positive integer"})
        )
    );
    assert_eq!(
        h.get("/logs?limit=0").await,
        (
            400,
            json!({"error": "invalid limit: must be greater than zero"})
        )
    );
    let (status, cleared) = h.call("DELETE", "/logs", None).await;
    assert_eq!((status, cleared["removed"].clone()), (200, json!(1)));
    assert_eq!(
        std::fs::read_to_string(h.logs_dir.join("main.log")).expect("read"),
        ""
    );
}

#[tokio::test]
async fn logs_need_logging_to_file() {
    let h = Harness::start().await;
    let disabled = json!({"error": "logging to file disabled"});
    assert_eq!(h.get("/logs").await, (400, disabled.clone()));
    assert_eq!(h.call("DELETE", "/logs", None).await, (400, disabled));
}

#[tokio::test]
async fn request_error_logs_list_download_and_traversal() {
    let h = Harness::start().await;
    assert_eq!(
        h.get("/request-error-logs").await,
        (200, json!({"files": []}))
    );
    std::fs::create_dir_all(&h.logs_dir).expect("logs dir");
    let name = "error-v1-chat-completions-2026-01-14T091203-a1b2c3d4.log";
    std::fs::write(h.logs_dir.join(name), "request log body").expect("write");
    std::fs::write(h.dir.path().join("secret.log"), "outside").expect("write");
    let (_, list) = h.get("/request-error-logs").await;
    assert_eq!(list["files"][0]["name"], name);
    let resp = h
        .req(reqwest::Method::GET, &format!("/request-error-logs/{name}"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .expect("hdr")
            .contains(name)
    );
    assert_eq!(resp.text().await.expect("text"), "request log body");
    assert_eq!(
        h.get("/request-error-logs/..%2Fsecret.log").await,
        (400, json!({"error": "invalid log file name"}))
    );
    assert_eq!(
        h.get("/request-error-logs/main.log").await,
        (404, json!({"error": "log file not found"}))
    );
    let resp = h
        .req(reqwest::Method::GET, "/request-log-by-id/a1b2c3d4")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        h.get("/request-log-by-id/ffffffff").await,
        (
            404,
            json!({"error": "log file not found for the given request ID"})
        )
    );
    assert_eq!(
        h.get("/request-log-by-id/a%5Cb").await,
        (400, json!({"error": "invalid request ID"}))
    );
}

#[tokio::test]
async fn api_key_usage_reports_an_empty_base_url_for_provider_defaults() {
    let yaml = "remote-management:\n  secret-key: \"{HASH}\"\nauth-dir: \"{AUTH}\"\n\
                gemini-api-key:\n  - api-key: AIza-demo\n";
    let h = Harness::builder().yaml(yaml).usage().start().await;
    let (status, body) = h.get("/api-key-usage").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["gemini"].get("|AIza-demo").is_some(), "{body}");
}
