//! Vertex service-account mode: RS256 JWT assertion → token exchange against a local
//! token endpoint, Bearer auth on the project/location URL, and token caching.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use cpa_providers::{
    Credential, CredentialSecret, HttpClients, ProviderKind, Registry, ServiceAccount,
    UpstreamError, UpstreamRequest,
};
use ring::signature::{RSA_PKCS1_2048_8192_SHA256, RsaKeyPair, UnparsedPublicKey};
use serde_json::{Value, json};
use support::{Recorded, Reply, Stub};

const PKCS8_PEM: &str = include_str!("support/test_sa_key.pem");
const PKCS1_PEM: &str = include_str!("support/test_sa_key_pkcs1.pem");

fn public_key() -> Vec<u8> {
    let b64: String = PKCS8_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(b64).expect("base64");
    let pair = RsaKeyPair::from_pkcs8(&der).expect("key");
    ring::signature::KeyPair::public_key(&pair)
        .as_ref()
        .to_vec()
}

fn auth_file(pem: &str, token_uri: &str) -> Value {
    json!({
        "type": "vertex",
        "project_id": "my-project",
        "location": "europe-west4",
        "service_account": {
            "type": "service_account",
            "client_email": "bot@my-project.iam.gserviceaccount.com",
            "private_key_id": "kid-1",
            // Keys pasted through JSON tooling often carry literal "\n" sequences.
            "private_key": pem.replace('\n', "\\n"),
            "token_uri": token_uri,
        }
    })
}

fn answer(req: &Recorded) -> Reply {
    if req.path_and_query == "/token" {
        return Reply::ok_json(
            r#"{"access_token":"ya29.test-token","expires_in":3600,"token_type":"Bearer"}"#,
        );
    }
    Reply::ok_json(
        r#"{"candidates":[],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1}}"#,
    )
}

#[tokio::test]
async fn service_account_exchanges_jwt_and_caches_the_token() {
    let stub = Stub::start(answer).await;
    let sa = ServiceAccount::from_auth_file(&auth_file(PKCS8_PEM, "https://unused.example/token"))
        .expect("service account")
        .with_token_uri(format!("{}/token", stub.base));
    assert_eq!(sa.location(), "europe-west4");
    let cred = Credential::with_secret(
        ProviderKind::Vertex,
        "vertex-my-project.json",
        CredentialSecret::ServiceAccount(Arc::new(sa)),
    )
    .base_url(&stub.base);
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    let exec = registry.get(ProviderKind::Vertex).expect("exec");
    let req = UpstreamRequest {
        model: "gemini-2.5-pro".into(),
        body: Bytes::from_static(b"{}"),
        ..UpstreamRequest::default()
    };
    exec.execute(req.clone(), &cred).await.expect("first call");
    exec.execute(req, &cred).await.expect("second call");

    let seen = stub.requests();
    let paths: Vec<_> = seen.iter().map(|r| r.path_and_query.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "/token",
            "/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent",
            "/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent",
        ],
        "the token is exchanged once and reused"
    );
    assert_eq!(
        seen[1].header("authorization"),
        Some("Bearer ya29.test-token")
    );
    assert_eq!(seen[1].header("x-goog-api-key"), None);

    let token_req = &seen[0];
    assert_eq!(
        token_req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&token_req.body)
        .into_owned()
        .collect();
    assert_eq!(
        form[0],
        (
            "grant_type".into(),
            "urn:ietf:params:oauth:grant-type:jwt-bearer".into()
        )
    );
    let jwt = &form[1].1;
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
    assert_eq!(header, json!({"alg":"RS256","typ":"JWT","kid":"kid-1"}));
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
    assert_eq!(claims["iss"], "bot@my-project.iam.gserviceaccount.com");
    assert_eq!(
        claims["scope"],
        "https://www.googleapis.com/auth/cloud-platform"
    );
    assert_eq!(claims["aud"], format!("{}/token", stub.base));
    assert_eq!(
        claims["exp"].as_u64().expect("exp") - claims["iat"].as_u64().expect("iat"),
        3600
    );
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).expect("b64");
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key())
        .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
        .expect("signature verifies with the service account's public key");
}

#[tokio::test]
async fn pkcs1_keys_are_accepted_and_token_rejection_is_unauthorized() {
    let stub =
        Stub::start(|_| Reply::Json(400, vec![], r#"{"error":"invalid_grant"}"#.into())).await;
    let sa = ServiceAccount::from_auth_file(&auth_file(PKCS1_PEM, &format!("{}/token", stub.base)))
        .expect("pkcs1 key parses");
    let cred = Credential::with_secret(
        ProviderKind::Vertex,
        "v",
        CredentialSecret::ServiceAccount(Arc::new(sa)),
    )
    .base_url(&stub.base);
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    let err = registry
        .get(ProviderKind::Vertex)
        .expect("exec")
        .execute(UpstreamRequest::default(), &cred)
        .await
        .expect_err("token exchange rejected");
    assert!(matches!(err, UpstreamError::Unauthorized { .. }), "{err:?}");
    assert_eq!(stub.requests().len(), 1, "no generate call without a token");
}

#[test]
fn broken_keys_are_credential_errors_without_key_material() {
    let bad = json!({"project_id":"p","service_account":{"client_email":"e","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}});
    let err = ServiceAccount::from_auth_file(&bad).expect_err("unusable key");
    assert_eq!(
        err.to_string(),
        "credential unusable: vertex service account: private_key is not a usable RSA key"
    );
    let missing = json!({"service_account":{}});
    assert!(ServiceAccount::from_auth_file(&missing).is_err());
}

#[tokio::test]
async fn concurrent_cold_requests_share_one_token_exchange() {
    let stub = Stub::start(answer).await;
    let sa = ServiceAccount::from_auth_file(&auth_file(PKCS8_PEM, &format!("{}/token", stub.base)))
        .expect("service account");
    let cred = Credential::with_secret(
        ProviderKind::Vertex,
        "v",
        CredentialSecret::ServiceAccount(Arc::new(sa)),
    )
    .base_url(&stub.base);
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    let exec = registry.get(ProviderKind::Vertex).expect("exec").clone();
    let calls = (0..5).map(|_| {
        let exec = exec.clone();
        let cred = cred.clone();
        tokio::spawn(async move {
            exec.execute(UpstreamRequest::default(), &cred)
                .await
                .map(|_| ())
        })
    });
    for call in futures_util::future::join_all(calls).await {
        call.expect("task").expect("call");
    }
    let token_calls = stub
        .requests()
        .iter()
        .filter(|r| r.path_and_query == "/token")
        .count();
    assert_eq!(token_calls, 1);
}
