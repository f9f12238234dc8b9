//! Map and ampcode resources (`/oauth-excluded-models`, `/oauth-model-alias`,
//! `/oauth-model-mappings`, `/ampcode/*`) and concurrent PATCHes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Harness;
use serde_json::json;

#[tokio::test]
async fn oauth_excluded_models_map() {
    let h = Harness::start().await;
    assert_eq!(
        h.get("/oauth-excluded-models").await.1,
        json!({"oauth-excluded-models": null})
    );
    assert_eq!(
        h.call(
            "PUT",
            "/oauth-excluded-models",
            Some(r#"{"items":{" Gemini-CLI ":["A","a"," "]}}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/oauth-excluded-models").await.1,
        json!({"oauth-excluded-models": {"gemini-cli": ["a"]}})
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/oauth-excluded-models",
            Some(r#"{"provider":"codex","models":["gpt-x"]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/oauth-excluded-models",
            Some(r#"{"provider":" ","models":[]}"#)
        )
        .await,
        (400, json!({"error": "invalid provider"}))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/oauth-excluded-models",
            Some(r#"{"provider":"nope","models":[]}"#)
        )
        .await,
        (404, json!({"error": "provider not found"}))
    );
    assert_eq!(
        h.call("DELETE", "/oauth-excluded-models?provider=gemini-cli", None)
            .await
            .0,
        200
    );
    assert_eq!(
        h.call("DELETE", "/oauth-excluded-models", None).await,
        (400, json!({"error": "missing provider"}))
    );
    assert_eq!(
        h.get("/oauth-excluded-models").await.1,
        json!({"oauth-excluded-models": {"codex": ["gpt-x"]}})
    );
    assert!(!h.yaml().contains("gemini-cli"), "deletion persisted");
}

#[tokio::test]
async fn oauth_model_alias_and_legacy_mappings_share_data() {
    let h = Harness::start().await;
    let put = r#"{"gemini-cli":[{"name":"gemini-2.5-pro","alias":"g25","fork":true},{"name":"x","alias":"X"},{"name":"y","alias":"G25"}]}"#;
    assert_eq!(h.call("PUT", "/oauth-model-alias", Some(put)).await.0, 200);
    let expected =
        json!({"gemini-cli": [{"name": "gemini-2.5-pro", "alias": "g25", "fork": true}]});
    assert_eq!(
        h.get("/oauth-model-alias").await.1,
        json!({"oauth-model-alias": expected})
    );
    assert_eq!(
        h.get("/oauth-model-mappings").await.1,
        json!({"oauth-model-mappings": expected})
    );
    assert_eq!(
        h.call("PUT", "/oauth-model-alias", Some(r#"{"codex":"x"}"#))
            .await,
        (400, json!({"error": "invalid body"}))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/oauth-model-mappings",
            Some(r#"{"provider":"codex","mappings":[{"name":"gpt-5","alias":"g5"}]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/oauth-model-alias",
            Some(r#"{"channel":"gemini-cli","aliases":[]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call("DELETE", "/oauth-model-alias?channel=nope", None)
            .await,
        (404, json!({"error": "channel not found"}))
    );
    assert_eq!(
        h.call("DELETE", "/oauth-model-alias?channel=codex", None)
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/oauth-model-alias").await.1,
        json!({"oauth-model-alias": null})
    );
    let yaml = h.yaml();
    assert!(
        !yaml.contains("gemini-2.5-pro") && !yaml.contains("gpt-5"),
        "{yaml}"
    );
    let reloaded = cpa_config::load_str(&yaml, &h.config_path, &cpa_config::Env::default())
        .expect("file still loads");
    assert!(
        reloaded.config.oauth_model_alias.is_empty(),
        "deletions stick after a reload"
    );
}

#[tokio::test]
async fn ampcode_lists_and_scalars() {
    let h = Harness::start().await;
    assert_eq!(
        h.call(
            "PUT",
            "/ampcode/upstream-url",
            Some(r#"{"value":" https://ampcode.com "}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/ampcode/upstream-url").await.1,
        json!({"upstream-url": "https://ampcode.com"})
    );
    let maps = r#"{"value":[{"from":"a","to":"b"},{"from":"c","to":"d"}]}"#;
    assert_eq!(
        h.call("PUT", "/ampcode/model-mappings", Some(maps)).await.0,
        200
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/ampcode/model-mappings",
            Some(r#"{"value":[{"from":"a","to":"z"}]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call(
            "DELETE",
            "/ampcode/model-mappings",
            Some(r#"{"value":["c"]}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/ampcode/model-mappings").await.1,
        json!({"model-mappings": [{"from": "a", "to": "z"}]})
    );
    assert_eq!(
        h.call("DELETE", "/ampcode/model-mappings", None).await.0,
        200,
        "no body clears"
    );
    assert_eq!(
        h.get("/ampcode/model-mappings").await.1,
        json!({"model-mappings": null})
    );

    let keys =
        r#"{"value":[{"upstream-api-key":" up1 ","api-keys":["c1"," "]},{"upstream-api-key":""}]}"#;
    assert_eq!(
        h.call("PUT", "/ampcode/upstream-api-keys", Some(keys))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/ampcode/upstream-api-keys").await.1,
        json!({"upstream-api-keys": [{"upstream-api-key": "up1", "api-keys": ["c1"]}]})
    );
    assert_eq!(
        h.call("DELETE", "/ampcode/upstream-api-keys", Some("{}"))
            .await,
        (400, json!({"error": "missing value"}))
    );
    assert_eq!(
        h.call(
            "DELETE",
            "/ampcode/upstream-api-keys",
            Some(r#"{"value":[" "]}"#)
        )
        .await,
        (400, json!({"error": "empty value"}))
    );
    assert_eq!(
        h.call(
            "DELETE",
            "/ampcode/upstream-api-keys",
            Some(r#"{"value":[]}"#)
        )
        .await
        .0,
        200
    );
    assert!(!h.yaml().contains("up1"), "clearing persisted");
    let (_, body) = h.get("/ampcode").await;
    assert_eq!(body["ampcode"]["upstream-url"], "https://ampcode.com");
    assert!(body["ampcode"].get("upstream-api-keys").is_none());
}

#[tokio::test]
async fn fifty_concurrent_patches_all_land() {
    let h = Harness::start().await;
    let keys: Vec<String> = (0..50).map(|i| format!("key-{i:02}")).collect();
    let body = serde_json::to_string(&keys).expect("json");
    assert_eq!(h.call("PUT", "/api-keys", Some(&body)).await.0, 200);
    let h = std::sync::Arc::new(h);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let h = h.clone();
        tasks.push(tokio::spawn(async move {
            let body = format!(r#"{{"index":{i},"value":"new-{i:02}"}}"#);
            h.call("PATCH", "/api-keys", Some(&body)).await.0
        }));
    }
    for task in tasks {
        assert_eq!(task.await.expect("task"), 200);
    }
    let expected: Vec<String> = (0..50).map(|i| format!("new-{i:02}")).collect();
    assert_eq!(h.get("/api-keys").await.1, json!({"api-keys": expected}));
    let yaml = h.yaml();
    assert!(expected.iter().all(|k| yaml.contains(k.as_str())), "{yaml}");
}
