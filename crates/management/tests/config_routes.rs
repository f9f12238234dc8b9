//! Scalar settings, `/config`, `/config.yaml` and the write path (persistence,
//! comments, failures).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::Harness;
use serde_json::json;

#[tokio::test]
async fn scalar_put_and_patch_persist_with_comments_intact() {
    let h = Harness::start().await;
    assert_eq!(
        h.call("PUT", "/debug", Some(r#"{"value":true}"#)).await,
        (200, json!({"status":"ok"}))
    );
    assert_eq!(h.get("/debug").await.1, json!({"debug": true}));
    assert_eq!(
        h.call("PATCH", "/request-retry", Some(r#"{"value":7}"#))
            .await
            .0,
        200
    );
    assert_eq!(h.get("/request-retry").await.1, json!({"request-retry": 7}));
    assert_eq!(
        h.call(
            "PUT",
            "/quota-exceeded/switch-project",
            Some(r#"{"value":true}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/quota-exceeded/switch-project").await.1,
        json!({"switch-project": true})
    );
    let yaml = h.yaml();
    assert!(yaml.contains("debug: true"), "{yaml}");
    assert!(yaml.contains("request-retry: 7"), "{yaml}");
    assert!(yaml.contains("# cli-proxy-api test config"), "{yaml}");
    assert!(yaml.contains("# remote access stays off"), "{yaml}");
    assert!(yaml.contains("- k1 # first"), "{yaml}");
    assert!(
        yaml.contains("unknown-top-level: keep-me # unknown keys survive"),
        "{yaml}"
    );
    assert!(h.applied.load(Ordering::SeqCst) >= 3);
}

#[tokio::test]
async fn scalar_bad_bodies_are_400_invalid_body() {
    let h = Harness::start().await;
    let before = h.yaml();
    for body in [
        "",
        "{}",
        r#"{"value":null}"#,
        r#"{"value":"yes"}"#,
        "not json",
    ] {
        assert_eq!(
            h.call("PUT", "/debug", Some(body)).await,
            (400, json!({"error": "invalid body"})),
            "{body}"
        );
    }
    assert_eq!(
        h.call("PUT", "/request-retry", Some(r#"{"value":1.5}"#))
            .await
            .0,
        400
    );
    assert_eq!(
        h.call("PUT", "/proxy-url", Some(r#"{"value":1}"#)).await.0,
        400
    );
    assert_eq!(h.yaml(), before, "nothing written");
}

#[tokio::test]
async fn proxy_url_strategy_and_error_log_retention() {
    let h = Harness::start().await;
    assert_eq!(
        h.call(
            "PUT",
            "/proxy-url",
            Some(r#"{"value":"socks5://127.0.0.1:1080"}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/proxy-url").await.1,
        json!({"proxy-url": "socks5://127.0.0.1:1080"})
    );
    assert_eq!(h.call("DELETE", "/proxy-url", None).await.0, 200);
    assert_eq!(h.get("/proxy-url").await.1, json!({"proxy-url": ""}));

    assert_eq!(
        h.get("/routing/strategy").await.1,
        json!({"strategy": "round-robin"})
    );
    assert_eq!(
        h.call("PUT", "/routing/strategy", Some(r#"{"value":"FF"}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/routing/strategy").await.1,
        json!({"strategy": "fill-first"})
    );
    assert_eq!(
        h.call("PUT", "/routing/strategy", Some(r#"{"value":"random"}"#))
            .await,
        (400, json!({"error": "invalid strategy"}))
    );

    assert_eq!(
        h.get("/error-logs-max-files").await.1,
        json!({"error-logs-max-files": 10})
    );
    assert_eq!(
        h.call("PUT", "/error-logs-max-files", Some(r#"{"value":-3}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/error-logs-max-files").await.1,
        json!({"error-logs-max-files": 10})
    );
    assert_eq!(
        h.call("PATCH", "/error-logs-max-files", Some(r#"{"value":0}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/error-logs-max-files").await.1,
        json!({"error-logs-max-files": 0})
    );
    assert!(
        h.yaml().contains("error-logs-max-files: 0"),
        "written even when 0"
    );
    assert_eq!(
        h.call("PUT", "/logs-max-total-size-mb", Some(r#"{"value":-1}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/logs-max-total-size-mb").await.1,
        json!({"logs-max-total-size-mb": 0})
    );
}

#[tokio::test]
async fn allow_localhost_alias_reads_false_and_refuses_true() {
    let h = Harness::start().await;
    assert_eq!(
        h.get("/allow-localhost-unauthenticated").await.1,
        json!({"allow-localhost-unauthenticated": false})
    );
    assert_eq!(
        h.call(
            "PUT",
            "/allow-localhost-unauthenticated",
            Some(r#"{"value":true}"#)
        )
        .await
        .0,
        400
    );
    assert_eq!(
        h.call(
            "PUT",
            "/allow-localhost-unauthenticated",
            Some(r#"{"value":false}"#)
        )
        .await
        .0,
        200
    );
}

#[tokio::test]
async fn get_config_hides_yaml_only_keys() {
    let h = Harness::start().await;
    let (status, body) = h.get("/config").await;
    assert_eq!(status, 200);
    for hidden in ["remote-management", "host", "port", "auth-dir"] {
        assert!(body.get(hidden).is_none(), "{hidden} hidden");
    }
    assert_eq!(body["api-keys"], json!(["k1", "k2"]));
    assert_eq!(body["request-retry"], json!(3));
    assert_eq!(body["unknown-top-level"], json!("keep-me"));
}

#[tokio::test]
async fn config_yaml_round_trip_and_errors() {
    let h = Harness::start().await;
    let resp = h
        .req(reqwest::Method::GET, "/config.yaml")
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.headers()["content-type"],
        "application/yaml; charset=utf-8"
    );
    assert_eq!(resp.text().await.expect("text"), h.yaml());

    let hash = common::key_hash();
    let new = format!(
        "# replaced\nremote-management:\n  secret-key: \"{hash}\"\nauth-dir: \"{}\"\ndebug: true # on\n",
        h.auth_dir.display()
    );
    assert_eq!(
        h.call("PUT", "/config.yaml", Some(&new)).await,
        (200, json!({"ok": true, "changed": ["config"]}))
    );
    assert_eq!(h.yaml(), new, "stored verbatim");
    assert_eq!(
        h.get("/debug").await.1,
        json!({"debug": true}),
        "applied at once"
    );

    let (status, body) = h
        .call("PUT", "/config.yaml", Some("debug: [unclosed\n"))
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (400, json!("invalid_yaml"))
    );
    let (status, body) = h.call("PUT", "/config.yaml", Some("port: 99999\n")).await;
    assert_eq!(
        (status, body["error"].clone()),
        (422, json!("invalid_config")),
        "{body}"
    );
    let (status, body) = h.call("PUT", "/config.yaml", Some("  \n")).await;
    assert_eq!(
        (status, body["error"].clone()),
        (400, json!("invalid_yaml"))
    );
    assert_eq!(h.yaml(), new, "rejected bodies are not written");
}

#[tokio::test]
async fn config_yaml_hashes_a_plaintext_secret() {
    let h = Harness::start().await;
    let new = format!(
        "remote-management:\n  secret-key: \"{}\"\nauth-dir: \"{}\"\n",
        common::KEY,
        h.auth_dir.display()
    );
    assert_eq!(h.call("PUT", "/config.yaml", Some(&new)).await.0, 200);
    let yaml = h.yaml();
    assert!(!yaml.contains(common::KEY) && yaml.contains("$2"), "{yaml}");
    assert_eq!(h.get("/debug").await.0, 200, "the key still works");
}

#[tokio::test]
async fn failed_save_leaves_memory_and_disk_unchanged() {
    let hook: cpa_config::save::SaveHook = Arc::new(|_| Err(std::io::Error::other("disk on fire")));
    let h = Harness::builder().save_hook(hook).start().await;
    let before = h.yaml();
    let (status, body) = h.call("PUT", "/debug", Some(r#"{"value":true}"#)).await;
    assert_eq!(status, 500);
    let message = body["error"].as_str().expect("error");
    assert!(message.starts_with("failed to save config: "), "{message}");
    assert_eq!(
        h.get("/debug").await.1,
        json!({"debug": false}),
        "memory unchanged"
    );
    assert_eq!(h.yaml(), before, "disk unchanged");
    assert_eq!(h.applied.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn invalid_edit_is_refused_with_422() {
    let h = Harness::start().await;
    let body = r#"[{"api-key":"sk-a","base-url":"not a url"}]"#;
    let (status, json_body) = h.call("PUT", "/claude-api-key", Some(body)).await;
    assert_eq!(status, 422, "{json_body}");
    assert!(!h.yaml().contains("sk-a"));
}

#[tokio::test]
async fn usage_statistics_toggle_is_applied_live() {
    let h = Harness::builder().usage().start().await;
    let usage = h.usage.as_ref().expect("usage").handle().clone();
    assert!(usage.is_statistics_enabled());
    assert_eq!(
        h.call(
            "PUT",
            "/usage-statistics-enabled",
            Some(r#"{"value":false}"#)
        )
        .await
        .0,
        200
    );
    assert!(!usage.is_statistics_enabled());
    assert_eq!(
        h.call(
            "PATCH",
            "/usage-statistics-enabled",
            Some(r#"{"value":true}"#)
        )
        .await
        .0,
        200
    );
    assert!(usage.is_statistics_enabled());
    assert_eq!(
        h.get("/usage-statistics-enabled").await.1,
        json!({"usage-statistics-enabled": true})
    );
}

#[tokio::test]
async fn context_over_a_config_handle_applies_through_store() {
    use std::net::SocketAddr;
    let h = Harness::start().await;
    let (handle, _) =
        cpa_config::ConfigHandle::load(&h.config_path, cpa_config::LoadOptions::default())
            .expect("handle");
    let mut events = handle.events();
    let ctx = cpa_management::ManagementContext::from_handle(handle.clone());
    let app = axum::Router::new().nest("/v0/management", cpa_management::router(ctx));
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
    let resp = h
        .client
        .put(format!("http://{addr}/v0/management/debug"))
        .bearer_auth(common::KEY)
        .body(r#"{"value":true}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(handle.current().debug, "the handle holds the saved config");
    assert!(matches!(
        events.try_recv(),
        Ok(cpa_config::ConfigEvent::Reloaded(_))
    ));
}
