//! Unit tests of the in-memory statistics.

use chrono::{DateTime, FixedOffset, Utc};

use super::*;
use crate::event::TokenCounts;

fn ts(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test timestamp")
}

fn detail(at: &str, total: u64, failed: bool) -> RequestDetail {
    RequestDetail {
        timestamp: ts(at),
        source: "alice@example.com".into(),
        auth_index: "3f9a0c21d4e5b687".into(),
        tokens: TokenCounts {
            input: total,
            total,
            ..TokenCounts::default()
        },
        failed,
        latency_ms: Some(10),
        ttft_ms: None,
    }
}

fn now() -> DateTime<Utc> {
    ts("2026-01-20T00:00:00Z").to_utc()
}

#[test]
fn add_counts_success_failure_and_buckets() {
    let mut stats = Statistics::new(Retention::UNLIMITED);
    stats.add("sk-1", "m", detail("2026-01-14T10:15:30+08:00", 100, false));
    stats.add("sk-1", "m", detail("2026-01-14T10:59:59+08:00", 0, true));
    stats.add("sk-2", "n", detail("2026-01-15T23:00:00+08:00", 50, false));
    let snap = stats.snapshot();
    assert_eq!(snap.total_requests, 3);
    assert_eq!(snap.success_count, 2);
    assert_eq!(snap.failure_count, 1);
    assert_eq!(snap.total_tokens, 150);
    assert_eq!(snap.apis["sk-1"].total_requests, 2);
    assert_eq!(snap.apis["sk-1"].models["m"].details.len(), 2);
    assert_eq!(snap.requests_by_day["2026-01-14"], 2);
    assert_eq!(snap.requests_by_day["2026-01-15"], 1);
    assert_eq!(snap.requests_by_hour["10"], 2);
    assert_eq!(snap.requests_by_hour["23"], 1);
    assert_eq!(snap.tokens_by_day["2026-01-14"], 100);
    assert_eq!(snap.tokens_by_hour["23"], 50);
}

#[test]
fn merge_skips_identical_details() {
    let mut stats = Statistics::new(Retention::UNLIMITED);
    assert!(stats.merge(
        "k",
        "m",
        detail("2026-01-14T10:15:30.5+08:00", 5, false),
        now()
    ));
    // Same instant written in another offset is the same detail.
    assert!(!stats.merge("k", "m", detail("2026-01-14T02:15:30.5Z", 5, false), now()));
    assert!(stats.merge(
        "k",
        "m",
        detail("2026-01-14T10:15:30.5+08:00", 5, true),
        now()
    ));
    assert!(stats.merge(
        "other",
        "m",
        detail("2026-01-14T10:15:30.5+08:00", 5, false),
        now()
    ));
    assert_eq!(stats.snapshot().total_requests, 3);
}

#[test]
fn age_retention_removes_details_and_their_counts() {
    let retention = Retention {
        max_age_days: 3,
        max_details: 0,
    };
    let mut stats = Statistics::new(retention);
    stats.add("k", "old", detail("2026-01-10T10:00:00Z", 7, false));
    stats.add("k", "new", detail("2026-01-19T10:00:00Z", 3, true));
    stats.prune_by_age(now());
    let snap = stats.snapshot();
    assert_eq!(snap.total_requests, 1);
    assert_eq!(snap.success_count, 0);
    assert_eq!(snap.total_tokens, 3);
    assert!(!snap.apis["k"].models.contains_key("old"));
    assert!(!snap.requests_by_day.contains_key("2026-01-10"));
    assert!(!snap.tokens_by_day.contains_key("2026-01-10"));
    // Importing something older than the window is skipped.
    assert!(!stats.merge("k", "m", detail("2026-01-01T00:00:00Z", 1, false), now()));
}

#[test]
fn count_retention_keeps_newest() {
    let retention = Retention {
        max_age_days: 0,
        max_details: 10,
    };
    let mut stats = Statistics::new(retention);
    for minute in 0..12 {
        stats.add(
            "k",
            "m",
            detail(&format!("2026-01-19T10:{minute:02}:00Z"), 1, false),
        );
    }
    let snap = stats.snapshot();
    assert_eq!(snap.total_requests, 10);
    assert_eq!(snap.total_tokens, 10);
    let details = &snap.apis["k"].models["m"].details;
    assert_eq!(details.len(), 10);
    assert_eq!(details[0].timestamp, ts("2026-01-19T10:02:00Z"));
}

#[test]
fn removing_everything_leaves_empty_maps() {
    let mut stats = Statistics::new(Retention {
        max_age_days: 1,
        max_details: 0,
    });
    stats.add("k", "m", detail("2026-01-01T00:00:00Z", 4, false));
    stats.prune_by_age(now());
    assert_eq!(stats.snapshot(), StatisticsSnapshot::default());
}

#[test]
fn snapshot_debug_masks_client_keys_and_sources() {
    let mut stats = Statistics::new(Retention::UNLIMITED);
    stats.add(
        "sk-local-secret-1",
        "m",
        detail("2026-01-14T10:15:30Z", 1, false),
    );
    let debug = format!("{:?}", stats.snapshot());
    assert!(!debug.contains("sk-local-secret-1"));
    assert!(!debug.contains("alice@example.com"));
}
