//! A Vertex service-account auth file in `auth-dir` becomes a working credential: the key
//! signs a JWT, the token endpoint answers, and the model is served by Vertex with Bearer
//! auth on the project/location URL.

#![allow(clippy::expect_used, reason = "integration test helpers")]

mod support;

use axum::routing::post;
use serde_json::{Value, json};
use support::Harness;

const TEST_KEY: &str = include_str!("../../providers/tests/support/test_sa_key.pem");

async fn token_endpoint() -> String {
    let app = axum::Router::new().route(
        "/token",
        post(|| async {
            axum::Json(
                json!({"access_token": "ya29.e2e", "expires_in": 3600, "token_type": "Bearer"}),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    format!("http://{addr}/token")
}

#[tokio::test]
async fn vertex_service_account_file_serves_gemini_models() {
    let mock = cpa_mock::MockUpstream::start().await.expect("mock");
    let token_uri = token_endpoint().await;
    let auth_dir = tempfile::tempdir().expect("auth dir");
    let file = json!({
        "type": "vertex",
        "project_id": "e2e-project",
        "location": "europe-west4",
        "base_url": mock.base_url(),
        "service_account": {
            "type": "service_account",
            "client_email": "bot@e2e-project.iam.gserviceaccount.com",
            "private_key": TEST_KEY,
            "token_uri": token_uri,
        }
    });
    std::fs::write(
        auth_dir.path().join("vertex-e2e-project.json"),
        file.to_string(),
    )
    .expect("write");
    let server = Harness::start(&format!(
        "host: 127.0.0.1\nport: 0\nauth-dir: \"{}\"\n",
        auth_dir.path().display()
    ))
    .await;

    let response = reqwest::Client::new()
        .post(server.url("/v1/chat/completions"))
        .json(&json!({"model": "gemini-2.5-pro", "messages": [{"role": "user", "content": "hello vertex"}]}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Mock reply to: hello vertex"
    );

    let seen = mock.requests_for("publishers/google/models/gemini-2.5-pro");
    assert_eq!(seen.len(), 1, "vertex path not used");
    assert!(
        seen[0]
            .path
            .contains("/projects/e2e-project/locations/europe-west4/"),
        "{}",
        seen[0].path
    );
    assert_eq!(seen[0].header("authorization"), Some("Bearer ya29.e2e"));
}
