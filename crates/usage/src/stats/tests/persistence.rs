//! Persistence tests: restart, torn journal, replay after compaction, corrupt snapshot.

use pretty_assertions::assert_eq;

use super::*;

#[tokio::test]
async fn statistics_survive_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    record_sample(&service).await;
    let before = service.handle().snapshot().await.expect("running");
    // Simulate a crash: the task is aborted, only the journal was written.
    service.task.abort();
    assert!(dir.path().join(JOURNAL_FILE).exists());

    let reloaded = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    assert_eq!(reloaded.handle().snapshot().await.expect("running"), before);
    reloaded.shutdown().await;
    // A clean shutdown compacts: snapshot written, journal empty.
    let journal = std::fs::read(dir.path().join(JOURNAL_FILE)).expect("journal");
    assert!(journal.is_empty());
    let again = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    assert_eq!(again.handle().snapshot().await.expect("running"), before);
}

#[tokio::test]
async fn torn_journal_line_is_tolerated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    record_sample(&service).await;
    service.task.abort();
    let journal_path = dir.path().join(JOURNAL_FILE);
    let mut raw = std::fs::read(&journal_path).expect("journal");
    raw.extend_from_slice(br#"{"api":"sk-local-1","model":"gemini-2.5-pro","detail":{"timest"#);
    std::fs::write(&journal_path, raw).expect("write torn line");

    let reloaded = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    let snap = reloaded.handle().snapshot().await.expect("running");
    assert_eq!(snap.total_requests, 3);
    reloaded
        .sink()
        .record(event("k", "m", "2026-01-16T00:00:00Z", 1, 1, false));
    reloaded.shutdown().await;
    let again = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    assert_eq!(
        again
            .handle()
            .snapshot()
            .await
            .expect("running")
            .total_requests,
        4
    );
}

#[tokio::test]
async fn journal_replay_after_compaction_does_not_double_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    record_sample(&service).await;
    let journal = std::fs::read(dir.path().join(JOURNAL_FILE)).expect("journal");
    service.shutdown().await;
    // Crash between the snapshot rename and the journal truncation: both hold the details.
    std::fs::write(dir.path().join(JOURNAL_FILE), journal).expect("restore journal");
    let reloaded = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    assert_eq!(
        reloaded
            .handle()
            .snapshot()
            .await
            .expect("running")
            .total_requests,
        3
    );
}

#[tokio::test]
async fn corrupt_snapshot_is_moved_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(SNAPSHOT_FILE), b"not json").expect("write");
    let service = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    assert_eq!(
        service
            .handle()
            .snapshot()
            .await
            .expect("running")
            .total_requests,
        0
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    assert!(
        names
            .iter()
            .any(|name| name.starts_with("usage-statistics.json.corrupt-"))
    );
}

#[tokio::test(start_paused = true)]
async fn timer_compacts_the_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = UsageService::start(enabled(Some(dir.path())))
        .await
        .expect("starts");
    record_sample(&service).await;
    assert!(!dir.path().join(SNAPSHOT_FILE).exists());
    tokio::time::sleep(UsageConfig::default().compaction_interval * 2).await;
    service.handle().flush().await.expect("running");
    assert!(dir.path().join(SNAPSHOT_FILE).exists());
    let journal = std::fs::read(dir.path().join(JOURNAL_FILE)).expect("journal");
    assert!(journal.is_empty());
}

#[tokio::test]
async fn long_journal_is_compacted_early_and_reloads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = UsageConfig {
        compaction_journal_lines: 100,
        ..enabled(Some(dir.path()))
    };
    let service = UsageService::start(config.clone()).await.expect("starts");
    for second in 0..250u32 {
        let at = format!("2026-01-14T10:{:02}:{:02}Z", second / 60, second % 60);
        service.sink().record(event("k", "m", &at, 1, 1, false));
        if second % 50 == 49 {
            // Let the aggregator keep up with the 4096-slot channel.
            service.handle().flush().await.expect("running");
        }
    }
    service.handle().flush().await.expect("running");
    assert!(dir.path().join(SNAPSHOT_FILE).exists());
    let journal = std::fs::read_to_string(dir.path().join(JOURNAL_FILE)).expect("journal");
    assert!(journal.lines().count() < 100, "journal was not compacted");
    service.task.abort();

    let reloaded = UsageService::start(config).await.expect("starts");
    let snap = reloaded.handle().snapshot().await.expect("running");
    assert_eq!(snap.total_requests, 250);
    assert_eq!(snap.total_tokens, 500);
}

#[tokio::test]
async fn count_retention_bounds_the_service() {
    let retention = Retention {
        max_age_days: 0,
        max_details: 10,
    };
    let service = UsageService::start(UsageConfig {
        retention,
        ..enabled(None)
    })
    .await
    .expect("starts");
    for second in 0..30u32 {
        let at = format!("2026-01-14T10:00:{second:02}Z");
        service.sink().record(event("k", "m", &at, 1, 0, false));
    }
    let snap = service.handle().snapshot().await.expect("running");
    assert!(
        (10..=11).contains(&snap.total_requests),
        "{}",
        snap.total_requests
    );
    let details = &snap.apis["k"].models["m"].details;
    assert_eq!(details.len() as u64, snap.total_requests);
    assert_eq!(
        details.last().map(|d| d.timestamp.to_rfc3339()),
        Some("2026-01-14T10:00:29+00:00".to_owned())
    );
}
