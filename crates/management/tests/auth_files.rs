//! Auth files, model definitions, and the routes this build declares but does not
//! implement.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Harness, KEY};
use serde_json::{Value, json};

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

#[tokio::test]
async fn multipart_batch_upload_reports_partial_failures() {
    let h = Harness::start().await;
    let boundary = "B0UNDARY";
    let part = |field: &str, file: &str, body: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\n\r\n{body}\r\n"
        )
    };
    let send = |body: String| {
        h.req(reqwest::Method::POST, "/auth-files")
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };
    let body = format!(
        "{}{}{}--{boundary}--\r\n",
        part("file", "a.json", "{}"),
        part("other", "dir/b.json", r#"{"type":"codex"}"#),
        part("file", "c.txt", "{}"),
    );
    let resp = send(body).await.expect("send");
    assert_eq!(resp.status().as_u16(), 207);
    let json: Value = resp.json().await.expect("json");
    assert_eq!(json["uploaded"], 2);
    assert_eq!(json["files"], json!(["a.json", "b.json"]));
    assert_eq!(
        json["failed"],
        json!([{"name": "c.txt", "error": "file must be .json"}])
    );
    assert!(
        h.auth_dir.join("b.json").exists(),
        "directory part stripped"
    );

    let resp = send(format!("--{boundary}--\r\n")).await.expect("send");
    assert_eq!(resp.status().as_u16(), 400);
    let json: Value = resp.json().await.expect("json");
    assert_eq!(json, json!({"error": "no files uploaded"}));

    let (status, _) = h.get("/auth-files/download?filename=a.json").await;
    assert_eq!(status, 200, "filename accepted as well as name");
    assert_eq!(
        h.get("/auth-files/download?name=a.txt").await,
        (400, json!({"error": "name must end with .json"}))
    );
    assert_eq!(
        h.get("/auth-files/download?name=..%2Fconfig.yaml").await,
        (400, json!({"error": "invalid name"}))
    );
    assert_eq!(
        h.get("/auth-files/models").await,
        (400, json!({"error": "name is required"}))
    );
    assert_eq!(
        h.get("/auth-files/models?name=a.json").await,
        (200, json!({"models": []}))
    );
    assert_eq!(
        h.call("DELETE", "/auth-files", Some(r#"["a.json","b.json"]"#))
            .await,
        (
            200,
            json!({"status": "ok", "deleted": 2, "files": ["a.json", "b.json"]})
        )
    );
}
