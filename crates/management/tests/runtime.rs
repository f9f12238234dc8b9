//! Runtime resources: usage, logs, auth files, model definitions, and the routes
//! this build declares but does not implement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Harness, KEY};
use cpa_usage::UsageEvent;
use serde_json::{Value, json};

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
async fn auth_files_upload_list_download_delete() {
    let h = Harness::start().await;
    let file = r#"{"type":"codex","email":"u@example.com","priority":"5","note":" main "}"#;
    assert_eq!(
        h.call("POST", "/auth-files?name=codex-u.json", Some(file))
            .await,
        (200, json!({"status": "ok"}))
    );
    assert_eq!(
        h.call("POST", "/auth-files?name=../x.json", Some(file))
            .await,
        (400, json!({"error": "invalid name"}))
    );
    assert_eq!(
        h.call("POST", "/auth-files?name=x.txt", Some(file)).await,
        (400, json!({"error": "name must end with .json"}))
    );
    let (status, bad) = h
        .call("POST", "/auth-files?name=bad.json", Some("{nope"))
        .await;
    assert_eq!(status, 500);
    assert!(
        bad["error"]
            .as_str()
            .expect("err")
            .starts_with("invalid auth file: ")
    );
    assert!(!h.auth_dir.join("bad.json").exists(), "nothing written");
    let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(70 * 1024));
    assert_eq!(
        h.call("POST", "/auth-files?name=big.json", Some(&big))
            .await
            .0,
        413
    );

    let boundary = "XBOUNDARY";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"claude-a.json\"\r\n\
         Content-Type: application/json\r\n\r\n{{\"type\":\"claude\"}}\r\n--{boundary}--\r\n"
    );
    let resp = h
        .req(reqwest::Method::POST, "/auth-files")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);

    let (_, list) = h.get("/auth-files").await;
    let files = list["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "claude-a.json");
    let codex = &files[1];
    assert_eq!(codex["provider"], "codex");
    assert_eq!(codex["email"], "u@example.com");
    assert_eq!(codex["account_type"], "oauth");
    assert_eq!(codex["priority"], 5);
    assert_eq!(codex["note"], "main");
    assert_eq!(codex["auth_index"].as_str().map(str::len), Some(16));

    let resp = h
        .req(
            reqwest::Method::GET,
            "/auth-files/download?name=codex-u.json",
        )
        .send()
        .await
        .expect("send");
    assert_eq!(resp.text().await.expect("text"), file);
    assert_eq!(
        h.get("/auth-files/download?name=missing.json").await,
        (404, json!({"error": "file not found"}))
    );
    assert_eq!(
        h.call("DELETE", "/auth-files?name=missing.json", None)
            .await,
        (404, json!({"error": "auth file not found"}))
    );
    assert_eq!(
        h.call(
            "DELETE",
            "/auth-files",
            Some(r#"{"names":["codex-u.json"]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call("DELETE", "/auth-files?all=true", None).await,
        (200, json!({"status": "ok", "deleted": 1}))
    );
    assert_eq!(h.get("/auth-files").await.1, json!({"files": []}));
    assert_eq!(
        h.call("DELETE", "/auth-files", None).await,
        (400, json!({"error": "invalid name"}))
    );
}

#[tokio::test]
async fn auth_file_status_and_fields() {
    let h = Harness::start().await;
    let file = r#"{"type":"claude","headers":{"X-Old":"1"}}"#;
    assert_eq!(
        h.call("POST", "/auth-files?name=c.json", Some(file))
            .await
            .0,
        200
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/auth-files/status",
            Some(r#"{"filename":"c.json","disabled":true}"#)
        )
        .await,
        (200, json!({"status": "ok", "disabled": true}))
    );
    let (_, list) = h.get("/auth-files").await;
    assert_eq!(
        (
            list["files"][0]["status"].clone(),
            list["files"][0]["disabled"].clone()
        ),
        (json!("disabled"), json!(true))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/auth-files/status",
            Some(r#"{"name":"c.json","disabled":"true"}"#)
        )
        .await,
        (400, json!({"error": "invalid request body"}))
    );
    assert_eq!(
        h.call("PATCH", "/auth-files/status", Some(r#"{"disabled":true}"#))
            .await,
        (400, json!({"error": "name is required"}))
    );
    assert_eq!(
        h.call("PATCH", "/auth-files/status", Some(r#"{"name":"c.json"}"#))
            .await,
        (400, json!({"error": "disabled is required"}))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/auth-files/status",
            Some(r#"{"name":"gemini:apikey:1","disabled":true}"#)
        )
        .await,
        (404, json!({"error": "auth file not found"}))
    );
    let fields = r#"{"name":"c.json","prefix":" teamA ","headers":{"X-New":"2","X-Old":""},"priority":10,"note":"n"}"#;
    assert_eq!(
        h.call("PATCH", "/auth-files/fields", Some(fields)).await,
        (200, json!({"status": "ok"}))
    );
    let saved: Value =
        serde_json::from_slice(&std::fs::read(h.auth_dir.join("c.json")).expect("read"))
            .expect("json");
    assert_eq!(
        saved,
        json!({"type":"claude","disabled":true,"prefix":"teamA","headers":{"X-New":"2"},"priority":10,"note":"n"})
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/auth-files/fields",
            Some(r#"{"name":"c.json","headers":{}}"#)
        )
        .await,
        (400, json!({"error": "no fields to update"}))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/auth-files/fields",
            Some(r#"{"name":"c.json","priority":"x"}"#)
        )
        .await,
        (400, json!({"error": "invalid request body"}))
    );
}

#[tokio::test]
async fn model_definitions_and_unavailable_routes() {
    let h = Harness::start().await;
    let (status, body) = h.get("/model-definitions/CLAUDE").await;
    assert_eq!((status, body["channel"].clone()), (200, json!("claude")));
    assert!(body["models"][0]["id"].is_string());
    assert_eq!(
        h.get("/model-definitions/nope").await,
        (400, json!({"error": "unknown channel", "channel": "nope"}))
    );
    assert_eq!(
        h.get("/model-definitions").await,
        (400, json!({"error": "channel is required"}))
    );
    assert_eq!(
        h.get("/anthropic-auth-url").await,
        (
            501,
            json!({"error": "oauth login is not available in this build"})
        )
    );
    assert_eq!(h.call("POST", "/api-call", Some("{}")).await.0, 501);
    assert_eq!(h.call("POST", "/vertex/import", None).await.0, 501);
    let (status, body) = h.get("/get-auth-status?state=x").await;
    assert_eq!((status, body["status"].clone()), (501, json!("error")));
    let resp = h
        .client
        .get(h.url("/codex-auth-url"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 401, "guarded like every route");
    let _ = KEY;
}
