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
