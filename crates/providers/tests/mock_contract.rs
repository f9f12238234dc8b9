//! Provider contract suite against the team's offline mock (`cpa-mock`): every executor,
//! with a minimal body in its native format, must get a 2xx answer with usage, stream
//! events with a final usage, and classify the mock's injected faults the same way.
//!
//! The mock validates paths, auth and required headers per format, so this suite also
//! checks that our transport matches what the real services insist on.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail loudly on broken fixtures"
)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cpa_mock::MockUpstream;
use cpa_providers::{
    Action, Credential, HttpClients, ProviderKind, Registry, UpstreamError, UpstreamRequest,
};
use serde_json::{Value, json};

struct Case {
    kind: ProviderKind,
    model: &'static str,
    /// Base URL suffix appended to the mock's base.
    base_suffix: &'static str,
    body: fn(&str) -> Value,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            kind: ProviderKind::Gemini,
            model: "gemini-2.5-flash",
            base_suffix: "",
            body: |text| json!({"contents":[{"role":"user","parts":[{"text":text}]}]}),
        },
        Case {
            kind: ProviderKind::Vertex,
            model: "gemini-2.5-pro",
            base_suffix: "",
            body: |text| json!({"contents":[{"role":"user","parts":[{"text":text}]}]}),
        },
        Case {
            kind: ProviderKind::Claude,
            model: "claude-sonnet-4-5",
            base_suffix: "",
            body: |text| json!({"max_tokens":64,"messages":[{"role":"user","content":text}]}),
        },
        Case {
            kind: ProviderKind::Codex,
            model: "gpt-5-codex",
            base_suffix: "/v1",
            body: |text| json!({"instructions":"be brief","input":[{"role":"user","content":[{"type":"input_text","text":text}]}]}),
        },
        Case {
            kind: ProviderKind::OpenAiCompat,
            model: "gpt-4o-mini",
            base_suffix: "/v1",
            body: |text| json!({"messages":[{"role":"user","content":text}]}),
        },
    ]
}

fn request(case: &Case, model: &str, is_streaming: bool) -> UpstreamRequest {
    let mut body = (case.body)("hello there mock");
    if is_streaming && matches!(case.kind, ProviderKind::Claude | ProviderKind::OpenAiCompat) {
        body["stream"] = Value::Bool(true);
    }
    if is_streaming && case.kind == ProviderKind::OpenAiCompat {
        body["stream_options"] = json!({"include_usage": true});
    }
    UpstreamRequest {
        model: model.to_owned(),
        body: Bytes::from(body.to_string()),
        is_streaming,
        ..UpstreamRequest::default()
    }
}

fn credential(case: &Case, base: &str, key: &str) -> Credential {
    Credential::api_key(case.kind, format!("{}:test", case.kind), key)
        .base_url(format!("{base}{}", case.base_suffix))
}

#[tokio::test]
async fn every_executor_round_trips_against_the_mock() {
    let mock = MockUpstream::start().await.expect("mock starts");
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    for case in cases() {
        let exec = registry.get(case.kind).expect("registered");
        let cred = credential(&case, mock.base_url(), "sk-test");

        let response = exec
            .execute(request(&case, case.model, false), &cred)
            .await
            .unwrap_or_else(|e| panic!("{}: non-stream failed: {e} {:?}", case.kind, e.body()));
        assert!(response.status.is_success(), "{}", case.kind);
        let usage = response
            .usage
            .unwrap_or_else(|| panic!("{}: no usage", case.kind));
        assert!(
            usage.input_tokens > 0 && usage.output_tokens > 0,
            "{}: {usage:?}",
            case.kind
        );

        let stream = exec
            .execute_stream(request(&case, case.model, true), &cred)
            .await
            .unwrap_or_else(|e| panic!("{}: stream failed: {e} {:?}", case.kind, e.body()));
        let (items, usage) = support::collect(stream).await;
        assert!(items.len() > 1, "{}: {items:?}", case.kind);
        assert!(items.iter().all(Result::is_ok), "{}: {items:?}", case.kind);
        let usage = usage.unwrap_or_else(|| panic!("{}: no stream usage", case.kind));
        assert!(usage.output_tokens > 0, "{}: {usage:?}", case.kind);
    }
}

#[tokio::test]
async fn gemini_family_count_tokens_against_the_mock() {
    let mock = MockUpstream::start().await.expect("mock starts");
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    for case in cases().into_iter().filter(|c| {
        matches!(
            c.kind,
            ProviderKind::Gemini | ProviderKind::Vertex | ProviderKind::Claude
        )
    }) {
        let cred = credential(&case, mock.base_url(), "sk-test");
        let mut req = request(&case, case.model, false);
        req.action = Action::CountTokens;
        let response = registry
            .get(case.kind)
            .expect("registered")
            .execute(req, &cred)
            .await
            .unwrap_or_else(|e| panic!("{}: count failed: {e} {:?}", case.kind, e.body()));
        let body: Value = serde_json::from_slice(&response.body).expect("json");
        let count = body
            .get("totalTokens")
            .or_else(|| body.get("input_tokens"))
            .and_then(Value::as_u64);
        assert!(count.is_some_and(|n| n > 0), "{}: {body}", case.kind);
    }
}

#[tokio::test]
async fn mock_faults_are_classified_for_every_executor() {
    let mock = MockUpstream::start().await.expect("mock starts");
    let registry = Registry::new(Arc::new(HttpClients::direct_default()));
    for case in cases() {
        let exec = registry.get(case.kind).expect("registered");

        let limited = credential(&case, mock.base_url(), "sk-fail-429-3");
        let err = exec
            .execute(request(&case, case.model, false), &limited)
            .await
            .expect_err("429");
        match &err {
            UpstreamError::RateLimited { retry_after, .. } => {
                assert_eq!(*retry_after, Some(Duration::from_secs(3)), "{}", case.kind);
            }
            other => panic!("{}: expected RateLimited, got {other:?}", case.kind),
        }

        let rejected = credential(&case, mock.base_url(), "sk-fail-401");
        let err = exec
            .execute_stream(request(&case, case.model, true), &rejected)
            .await
            .expect_err("401");
        assert!(
            matches!(err, UpstreamError::Unauthorized { .. }),
            "{}: {err:?}",
            case.kind
        );

        let broken = credential(&case, mock.base_url(), "sk-fail-500");
        let err = exec
            .execute(request(&case, case.model, false), &broken)
            .await
            .expect_err("500");
        assert!(
            matches!(&err, UpstreamError::Status { status, .. } if *status == 500),
            "{}: {err:?}",
            case.kind
        );
        assert!(
            err.body()
                .is_some_and(|b| serde_json::from_slice::<Value>(b).is_ok()),
            "{}: json error body kept",
            case.kind
        );

        let dropped = credential(&case, mock.base_url(), "sk-drop-mid-stream");
        let stream = exec
            .execute_stream(request(&case, case.model, true), &dropped)
            .await
            .expect("2xx first");
        let (items, _) = support::collect(stream).await;
        assert!(
            items.last().is_some_and(Result::is_err),
            "{}: stream must end with an error: {items:?}",
            case.kind
        );
    }
}
