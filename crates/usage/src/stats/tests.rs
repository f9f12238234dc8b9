//! Tests of the aggregator service: shapes, counting, export/import, persistence.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::DateTime;
use pretty_assertions::assert_eq;
use serde_json::Value;

use super::*;
use crate::event::{TokenCounts, UsageEvent};

mod persistence;

fn event(
    api_key: &str,
    model: &str,
    at: &str,
    input: u64,
    output: u64,
    failed: bool,
) -> UsageEvent {
    let mut event = UsageEvent::new("gemini-cli", model);
    event.api_key = api_key.into();
    event.auth_id = "alice.json".into();
    event.auth_index = crate::auth_index("file:alice.json");
    event.source = "alice@example.com".into();
    event.requested_at = DateTime::parse_from_rfc3339(at).expect("valid test timestamp");
    event.tokens = TokenCounts {
        input,
        output,
        ..TokenCounts::default()
    };
    event.failed = failed;
    event.latency_ms = 1200;
    event.ttft_ms = Some(300);
    event
}

pub(super) fn enabled(dir: Option<&Path>) -> UsageConfig {
    UsageConfig {
        statistics_enabled: true,
        persist_dir: dir.map(Path::to_owned),
        retention: Retention::UNLIMITED,
        ..UsageConfig::default()
    }
}

pub(super) async fn record_sample(service: &UsageService) {
    let sink = service.sink();
    sink.record(event(
        "sk-local-1",
        "gemini-2.5-pro",
        "2026-01-14T10:15:30.1+08:00",
        1000,
        500,
        false,
    ));
    sink.record(event(
        "sk-local-1",
        "gemini-2.5-pro",
        "2026-01-14T10:16:02.7+08:00",
        0,
        0,
        true,
    ));
    sink.record(event(
        "",
        "claude-sonnet",
        "2026-01-15T09:00:00+08:00",
        10,
        20,
        false,
    ));
    service.handle().flush().await.expect("aggregator running");
}

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect()
}

#[tokio::test]
async fn snapshot_json_matches_spec_shape() {
    let service = UsageService::start(enabled(None)).await.expect("starts");
    record_sample(&service).await;
    let usage = service.handle().usage().await.expect("running");
    let json = serde_json::to_value(&usage).expect("serialises");

    assert_eq!(
        keys(&json),
        ["failed_requests", "usage"].map(String::from).into()
    );
    assert_eq!(json["failed_requests"], 1);
    let snap = &json["usage"];
    let top = [
        "apis",
        "failure_count",
        "requests_by_day",
        "requests_by_hour",
        "success_count",
        "tokens_by_day",
        "tokens_by_hour",
        "total_requests",
        "total_tokens",
    ];
    assert_eq!(keys(snap), top.map(String::from).into());
    let api = &snap["apis"]["sk-local-1"];
    assert_eq!(
        keys(api),
        ["models", "total_requests", "total_tokens"]
            .map(String::from)
            .into()
    );
    let model = &api["models"]["gemini-2.5-pro"];
    assert_eq!(model["total_requests"], 2);
    assert_eq!(model["total_tokens"], 1500);
    let first = &model["details"][0];
    assert_eq!(first["timestamp"], "2026-01-14T10:15:30.1+08:00");
    assert_eq!(first["source"], "alice@example.com");
    assert_eq!(first["auth_index"].as_str().map(str::len), Some(16));
    assert_eq!(first["failed"], false);
    assert_eq!(first["latency_ms"], 1200);
    assert_eq!(first["ttft_ms"], 300);
    let tokens = [
        "cached_tokens",
        "input_tokens",
        "output_tokens",
        "reasoning_tokens",
        "total_tokens",
    ];
    assert_eq!(keys(&first["tokens"]), tokens.map(String::from).into());
    assert_eq!(first["tokens"]["total_tokens"], 1500);
    assert_eq!(model["details"][1]["failed"], true);
    // No client key: grouped by provider when the route is unknown.
    assert_eq!(snap["apis"]["gemini-cli"]["total_tokens"], 30);
    assert_eq!(snap["total_requests"], 3);
    assert_eq!(snap["success_count"], 2);
    assert_eq!(snap["failure_count"], 1);
    assert_eq!(snap["total_tokens"], 1530);
    assert_eq!(snap["requests_by_day"]["2026-01-14"], 2);
    assert_eq!(snap["requests_by_hour"]["10"], 2);
    assert_eq!(snap["tokens_by_day"]["2026-01-15"], 30);
    assert_eq!(snap["tokens_by_hour"]["09"], 30);
    service.shutdown().await;
}

#[tokio::test]
async fn empty_snapshot_has_empty_objects() {
    let service = UsageService::start(UsageConfig::default())
        .await
        .expect("starts");
    let json =
        serde_json::to_value(service.handle().usage().await.expect("running")).expect("json");
    for key in [
        "apis",
        "requests_by_day",
        "requests_by_hour",
        "tokens_by_day",
        "tokens_by_hour",
    ] {
        assert_eq!(json["usage"][key], serde_json::json!({}), "{key}");
    }
}

#[tokio::test]
async fn disabled_statistics_ignore_events_until_enabled() {
    let service = UsageService::start(UsageConfig::default())
        .await
        .expect("starts");
    let handle = service.handle();
    assert!(!handle.is_statistics_enabled());
    service
        .sink()
        .record(event("k", "m", "2026-01-14T10:00:00Z", 1, 1, false));
    handle.flush().await.expect("running");
    assert_eq!(handle.snapshot().await.expect("running").total_requests, 0);
    handle.set_statistics_enabled(true);
    service
        .sink()
        .record(event("k", "m", "2026-01-14T10:00:01Z", 1, 1, false));
    handle.flush().await.expect("running");
    assert_eq!(handle.snapshot().await.expect("running").total_requests, 1);
    // Per-credential counters are kept either way.
    let usage = handle
        .credential_usage("alice.json")
        .await
        .expect("running");
    assert_eq!(usage.success, 2);
}

#[tokio::test]
async fn export_then_import_into_fresh_service_reproduces_totals() {
    let source = UsageService::start(enabled(None)).await.expect("starts");
    record_sample(&source).await;
    let exported = source.handle().export().await.expect("running");
    let body = serde_json::to_vec(&exported).expect("serialises");
    let exported_json: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(exported_json["version"], 1);
    assert!(
        exported_json["exported_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );

    let fresh = UsageConfig {
        retention: Retention::UNLIMITED,
        ..UsageConfig::default()
    };
    let target = UsageService::start(fresh).await.expect("starts");
    let payload = ImportPayload::from_json(&body).expect("valid import body");
    let result = target
        .handle()
        .import(payload.clone())
        .await
        .expect("imports");
    assert_eq!(
        result,
        ImportResult {
            added: 3,
            skipped: 0,
            total_requests: 3,
            failed_requests: 1
        }
    );
    assert_eq!(
        target.handle().snapshot().await.expect("running"),
        exported.usage
    );

    let again = target.handle().import(payload).await.expect("imports");
    assert_eq!(
        again,
        ImportResult {
            added: 0,
            skipped: 3,
            total_requests: 3,
            failed_requests: 1
        }
    );
}

#[test]
fn import_body_errors_use_spec_messages() {
    assert_eq!(
        ImportPayload::from_json(b"{").map(|_| ()),
        Err(ImportError::InvalidJson)
    );
    let err = ImportPayload::from_json(br#"{"version":2,"usage":{}}"#).map(|_| ());
    assert_eq!(err, Err(ImportError::UnsupportedVersion));
    assert_eq!(
        ImportError::UnsupportedVersion.to_string(),
        "unsupported version"
    );
    assert!(ImportPayload::from_json(br#"{"usage":{"apis":{}}}"#).is_ok());
}

#[tokio::test]
async fn import_normalises_names_tokens_and_missing_timestamps() {
    let service = UsageService::start(UsageConfig::default())
        .await
        .expect("starts");
    let body = br#"{"version":0,"usage":{"total_requests":999,"apis":{
        " key ":{"models":{" ":{"details":[{"tokens":{"input_tokens":2,"output_tokens":3}}]}}},
        "  ":{"models":{"m":{"details":[{"failed":true}]}}}}}}"#;
    let payload = ImportPayload::from_json(body).expect("valid");
    let result = service.handle().import(payload).await.expect("imports");
    assert_eq!((result.added, result.total_requests), (1, 1));
    let snap = service.handle().snapshot().await.expect("running");
    let detail = &snap.apis["key"].models["unknown"].details[0];
    assert_eq!(detail.tokens.total, 5);
}

#[tokio::test]
async fn full_channel_drops_are_visible_on_the_handle() {
    let config = UsageConfig {
        channel_capacity: 1,
        ..enabled(None)
    };
    let service = UsageService::start(config).await.expect("starts");
    // The aggregator cannot run between these synchronous calls on this test runtime.
    for _ in 0..3 {
        service
            .sink()
            .record(event("k", "m", "2026-01-14T10:00:00Z", 1, 1, false));
    }
    assert_eq!(service.handle().dropped_events(), 2);
    service.handle().flush().await.expect("running");
    assert_eq!(
        service
            .handle()
            .snapshot()
            .await
            .expect("running")
            .total_requests,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_recording_loses_nothing_silently() {
    let service = UsageService::start(enabled(None)).await.expect("starts");
    let mut tasks = Vec::new();
    for task in 0..8u32 {
        let sink = service.sink().clone();
        tasks.push(tokio::spawn(async move {
            for n in 0..500u32 {
                let at = format!("2026-01-14T10:{:02}:{:02}.{task}Z", n / 60 % 60, n % 60);
                sink.record(event("k", "m", &at, 1, 0, false));
                if n % 100 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("recorder finished");
    }
    let snap = service.handle().snapshot().await.expect("running");
    assert_eq!(
        snap.total_requests + service.handle().dropped_events(),
        4000
    );
    assert_eq!(snap.total_tokens, snap.total_requests);
}
