//! Key lists: `/api-keys`, the `/generative-language-api-key` alias and the provider
//! key lists.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Harness;
use serde_json::json;

#[tokio::test]
async fn api_keys_put_patch_delete_forms() {
    let h = Harness::start().await;
    assert_eq!(
        h.get("/api-keys").await.1,
        json!({"api-keys": ["k1", "k2"]})
    );
    assert_eq!(
        h.call("PUT", "/api-keys", Some(r#"{"items":["a","b","c"]}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.call("PATCH", "/api-keys", Some(r#"{"index":0,"value":"a2"}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.call("PATCH", "/api-keys", Some(r#"{"old":"b","new":"b2"}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.call("PATCH", "/api-keys", Some(r#"{"old":"zz","new":"d"}"#))
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/api-keys").await.1,
        json!({"api-keys": ["a2", "b2", "c", "d"]})
    );
    assert_eq!(h.call("DELETE", "/api-keys?index=1abc", None).await.0, 200);
    assert_eq!(
        h.call("DELETE", "/api-keys?value=%20c%20", None).await.0,
        200
    );
    assert_eq!(h.get("/api-keys").await.1, json!({"api-keys": ["a2", "d"]}));
    let yaml = h.yaml();
    assert!(yaml.contains("- a2") && !yaml.contains("- k1"), "{yaml}");
    assert!(yaml.contains("# client keys"), "{yaml}");
    assert_eq!(h.call("PUT", "/api-keys", Some("[]")).await.0, 200);
    assert_eq!(h.get("/api-keys").await.1, json!({"api-keys": []}));
}

#[tokio::test]
async fn api_keys_errors() {
    let h = Harness::start().await;
    let invalid = json!({"error": "invalid body"});
    assert_eq!(
        h.call("PUT", "/api-keys", Some(r#"{"items":[]}"#)).await,
        (400, invalid.clone())
    );
    assert_eq!(
        h.call("PUT", "/api-keys", Some(r#"{"x":1}"#)).await,
        (400, invalid.clone())
    );
    assert_eq!(
        h.call("PATCH", "/api-keys", Some("nope")).await,
        (400, invalid)
    );
    assert_eq!(
        h.call("PATCH", "/api-keys", Some(r#"{"index":9}"#)).await,
        (400, json!({"error": "missing fields"}))
    );
    assert_eq!(
        h.call("DELETE", "/api-keys", None).await,
        (400, json!({"error": "missing index or value"}))
    );
}

#[tokio::test]
async fn generative_language_alias_edits_gemini_keys() {
    let yaml = "remote-management:\n  secret-key: \"{HASH}\"\nauth-dir: \"{AUTH}\"\n\
                gemini-api-key:\n  - api-key: g1\n    prefix: team # keep\n";
    let h = Harness::builder().yaml(yaml).start().await;
    assert_eq!(
        h.get("/generative-language-api-key").await.1,
        json!({"generative-language-api-key": ["g1"]})
    );
    assert_eq!(
        h.call(
            "PUT",
            "/generative-language-api-key",
            Some(r#"["g1","g2"]"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/generative-language-api-key",
            Some(r#"{"old":"g2","new":"g3"}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.call("DELETE", "/generative-language-api-key?value=g3", None)
            .await
            .0,
        200
    );
    let (_, body) = h.get("/gemini-api-key").await;
    assert_eq!(
        common::strip_auth_index(body),
        json!({"gemini-api-key": [{"api-key": "g1", "prefix": "team"}]})
    );
}

#[tokio::test]
async fn provider_keys_put_patch_delete() {
    let h = Harness::start().await;
    let put = r#"[{"api-key":" sk-a ","base-url":"https://a.example.com","headers":{"X-A":"1"," ":"x"}},
                  {"api-key":"sk-b","models":[{"name":"","alias":""},{"name":"m","alias":"al"}]}]"#;
    assert_eq!(h.call("PUT", "/claude-api-key", Some(put)).await.0, 200);
    let (_, body) = h.get("/claude-api-key").await;
    assert_eq!(body["claude-api-key"][0]["api-key"], "sk-a");
    assert_eq!(body["claude-api-key"][0]["headers"], json!({"X-A": "1"}));
    assert_eq!(
        body["claude-api-key"][1]["models"],
        json!([{"name": "m", "alias": "al"}])
    );

    let patch =
        r#"{"match":"sk-b","value":{"base-url":" https://b.example.com ","proxy-url":null}}"#;
    assert_eq!(h.call("PATCH", "/claude-api-key", Some(patch)).await.0, 200);
    let (_, body) = h.get("/claude-api-key").await;
    assert_eq!(
        body["claude-api-key"][1]["base-url"],
        "https://b.example.com"
    );
    assert_eq!(
        body["claude-api-key"][1]["api-key"], "sk-b",
        "partial update"
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/claude-api-key",
            Some(r#"{"match":"nope","value":{}}"#)
        )
        .await,
        (404, json!({"error": "item not found"}))
    );
    assert_eq!(
        h.call("PATCH", "/claude-api-key", Some(r#"{"index":0}"#))
            .await,
        (400, json!({"error": "invalid body"}))
    );
    assert_eq!(
        h.call("DELETE", "/claude-api-key?api-key=sk-a", None)
            .await
            .0,
        200
    );
    assert_eq!(
        h.call("DELETE", "/claude-api-key", None).await,
        (400, json!({"error": "missing api-key or index"}))
    );
    let (_, body) = h.get("/claude-api-key").await;
    assert_eq!(body["claude-api-key"].as_array().map(Vec::len), Some(1));
    assert!(!h.yaml().contains("sk-a"), "deletion persisted");
}

#[tokio::test]
async fn gemini_and_vertex_rules() {
    let h = Harness::start().await;
    assert_eq!(
        h.call(
            "PUT",
            "/gemini-api-key",
            Some(r#"[{"api-key":"g"},{"api-key":"g"},{"api-key":" "}]"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        common::strip_auth_index(h.get("/gemini-api-key").await.1),
        json!({"gemini-api-key": [{"api-key": "g"}]})
    );
    assert_eq!(
        h.call("DELETE", "/gemini-api-key?api-key=missing", None)
            .await,
        (404, json!({"error": "item not found"}))
    );
    assert_eq!(
        h.call(
            "PATCH",
            "/gemini-api-key",
            Some(r#"{"match":"g","value":{"api-key":" "}}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        common::strip_auth_index(h.get("/gemini-api-key").await.1),
        json!({"gemini-api-key": []}),
        "blank key deletes"
    );
    assert_eq!(
        h.call("PUT", "/vertex-api-key", Some(r#"[{"api-key":""}]"#))
            .await,
        (
            400,
            json!({"error": "vertex-api-key[0].api-key is required"})
        )
    );
    let two = r#"[{"api-key":"v","base-url":"https://a.example.com"},{"api-key":"v","base-url":"https://b.example.com"}]"#;
    assert_eq!(h.call("PUT", "/vertex-api-key", Some(two)).await.0, 200);
    assert_eq!(
        h.call("DELETE", "/vertex-api-key?api-key=v", None).await,
        (
            400,
            json!({"error": "multiple items match api-key; base-url is required"})
        )
    );
    assert_eq!(
        h.call(
            "DELETE",
            "/vertex-api-key?api-key=v&base-url=https://a.example.com",
            None
        )
        .await
        .0,
        200
    );
    let (_, body) = h.get("/vertex-api-key").await;
    assert_eq!(
        body["vertex-api-key"][0]["base-url"],
        "https://b.example.com"
    );
}

#[tokio::test]
async fn openai_compatibility_by_name() {
    let h = Harness::start().await;
    let put = r#"{"items":[{"name":"or","base-url":"https://or.example.com/v1","api-key-entries":[{"api-key":" k "}],"api-keys":["x"]},{"name":"nourl"}]}"#;
    assert_eq!(
        h.call("PUT", "/openai-compatibility", Some(put)).await.0,
        200
    );
    let (_, body) = h.get("/openai-compatibility").await;
    let list = body["openai-compatibility"].as_array().expect("list");
    assert_eq!(list.len(), 1, "entry without base-url dropped");
    assert_eq!(
        common::strip_auth_index(list[0]["api-key-entries"].clone()),
        json!([{"api-key": "k"}])
    );
    assert_eq!(list[0]["disabled"], false);
    assert!(list[0].get("api-keys").is_none());
    assert_eq!(
        h.call(
            "PATCH",
            "/openai-compatibility",
            Some(r#"{"name":"or","value":{"disabled":true}}"#)
        )
        .await
        .0,
        200
    );
    assert_eq!(
        h.get("/openai-compatibility").await.1["openai-compatibility"][0]["disabled"],
        true
    );
    assert_eq!(
        h.call("DELETE", "/openai-compatibility", None).await,
        (400, json!({"error": "missing name or index"}))
    );
    assert_eq!(
        h.call("DELETE", "/openai-compatibility?name=or", None)
            .await
            .0,
        200
    );
    assert_eq!(
        h.get("/openai-compatibility").await.1,
        json!({"openai-compatibility": []})
    );
}

#[tokio::test]
async fn provider_key_gets_carry_auth_index_that_is_never_stored() {
    let h = Harness::start().await;
    let put = r#"[{"api-key":"sk-a","base-url":"https://a.example.com"}]"#;
    assert_eq!(h.call("PUT", "/codex-api-key", Some(put)).await.0, 200);
    let (_, body) = h.get("/codex-api-key").await;
    let index = body["codex-api-key"][0]["auth-index"]
        .as_str()
        .expect("auth-index");
    assert_eq!(index.len(), 16);
    let echoed = serde_json::to_string(&body["codex-api-key"]).expect("json");
    assert_eq!(h.call("PUT", "/codex-api-key", Some(&echoed)).await.0, 200);
    assert!(!h.yaml().contains("auth-index"), "{}", h.yaml());
    let (_, again) = h.get("/codex-api-key").await;
    assert_eq!(again["codex-api-key"][0]["auth-index"], index, "stable");
}
