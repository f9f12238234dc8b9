//! Tests of request-log naming, rendering, writing, retention and lookups.

use std::fs::{self, File};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, FixedOffset};
use pretty_assertions::assert_eq;

use super::name::{error_log_file_name, log_file_name, sanitize_path};
use super::render::{Layout, render};
use super::*;

fn ts(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("valid test timestamp")
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn sample_record(status: u16) -> RequestLogRecord {
    let mut record = RequestLogRecord::new("POST", "/v1/chat/completions", 1024);
    record.timestamp = ts("2026-01-14T10:15:30.123456789+08:00");
    record.request_id = Some("a1b2c3d4".into());
    record.request_headers = headers(&[
        ("Authorization", "Bearer sk-local-1"),
        ("Content-Type", "application/json"),
    ]);
    record.request_body.push(br#"{"model":"gemini-2.5-pro"}"#);
    record.attempts.push(UpstreamAttempt {
        timestamp: ts("2026-01-14T10:15:30.13+08:00"),
        url: "https://cloudcode-pa.googleapis.com/v1internal:generateContent".into(),
        method: "POST".into(),
        auth: Some(AttemptAuth {
            provider: "gemini-cli".into(),
            auth_id: "alice.json".into(),
            label: "alice@example.com".into(),
            kind: AuthKind::OAuth,
        }),
        headers: headers(&[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer ya29.abcdXy9Z"),
        ]),
        body: CappedBody::from_bytes(br#"{"project":"p-1"}"#, 1024),
        response: Some(UpstreamResponse {
            timestamp: ts("2026-01-14T10:15:31.9+08:00"),
            status: Some(429),
            headers: headers(&[("Content-Type", "application/json")]),
            body: CappedBody::from_bytes(br#"{"error":{"code":429}}"#, 1024),
            error: None,
        }),
    });
    record.status = status;
    record.response_headers = headers(&[("Content-Type", "application/json")]);
    record.response_body.push(br#"{"id":"chatcmpl-1"}"#);
    record
}

#[test]
fn file_names_follow_original_format() {
    let at = ts("2026-01-14T10:15:30+08:00");
    assert_eq!(
        log_file_name(
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            &at,
            "a1b2c3d4"
        ),
        "v1beta-models-gemini-2.5-pro-streamGenerateContent-2026-01-14T101530-a1b2c3d4.log"
    );
    assert_eq!(
        error_log_file_name("/v1/chat/completions", &at, "7"),
        "error-v1-chat-completions-2026-01-14T101530-7.log"
    );
    assert_eq!(sanitize_path("/"), "root");
    assert_eq!(sanitize_path("/a//b <c>|*\"d"), "a-b-c-d");
    assert_eq!(sanitize_path("/../../etc/passwd"), "etc-passwd");
}

#[test]
fn full_layout_matches_spec_example() {
    let text =
        String::from_utf8(render(&sample_record(200), Layout::Full, "6.6.104")).expect("utf-8");
    let expected = "\
=== REQUEST INFO ===
Version: 6.6.104
URL: /v1/chat/completions
Method: POST
Timestamp: 2026-01-14T10:15:30.123456789+08:00

=== HEADERS ===
Authorization: Bearer sk-l...al-1
Content-Type: application/json

=== REQUEST BODY ===
{\"model\":\"gemini-2.5-pro\"}

=== API REQUEST 1 ===
Timestamp: 2026-01-14T10:15:30.130+08:00
Upstream URL: https://cloudcode-pa.googleapis.com/v1internal:generateContent
HTTP Method: POST
Auth: provider=gemini-cli, auth_id=alice.json, label=alice@example.com, type=oauth

Headers:
Authorization: Bearer ya29...Xy9Z
Content-Type: application/json

Body:
{\"project\":\"p-1\"}

=== API RESPONSE 1 ===
Timestamp: 2026-01-14T10:15:31.900+08:00

Status: 429
Headers:
Content-Type: application/json

Body:
{\"error\":{\"code\":429}}

=== RESPONSE ===
Status: 200
Content-Type: application/json

{\"id\":\"chatcmpl-1\"}
";
    assert_eq!(text, expected);
}

#[test]
fn error_only_layout_has_no_upstream_sections() {
    let mut record = sample_record(502);
    record.error_bodies = vec!["upstream failed".into(), "upstream failed".into()];
    let text = String::from_utf8(render(&record, Layout::ErrorOnly, "dev")).expect("utf-8");
    assert!(!text.contains("=== API REQUEST"));
    assert_eq!(text.matches("upstream failed").count(), 1);
    assert!(
        text.contains("=== API RESPONSE ===\nupstream failed\n\n=== RESPONSE ===\nStatus: 502\n")
    );
}

#[test]
fn api_key_auth_is_masked() {
    let mut record = sample_record(200);
    if let Some(auth) = record.attempts[0].auth.as_mut() {
        auth.kind = AuthKind::ApiKey("sk-ant-api03-secret".into());
    }
    let text = String::from_utf8(render(&record, Layout::Full, "dev")).expect("utf-8");
    assert!(text.contains("type=api_key value=sk-a...cret"));
    assert!(!text.contains("sk-ant-api03-secret"));
}

#[test]
fn capped_body_truncates_with_marker() {
    let mut body = CappedBody::new(8);
    body.push(b"0123");
    body.push_block(b"456789");
    assert_eq!(body.as_bytes(), b"0123\n\n45");
    assert_eq!(body.omitted(), 4);
    let mut record = sample_record(200);
    record.request_body = CappedBody::from_bytes(&[b'x'; 5000], 1000);
    let text = String::from_utf8(render(&record, Layout::Full, "dev")).expect("utf-8");
    assert!(text.contains(&format!(
        "{}\n[TRUNCATED: 4000 more bytes not logged]\n",
        "x".repeat(1000)
    )));
}

fn logger(dir: &std::path::Path, is_enabled: bool) -> RequestLogger {
    let mut settings = RequestLogSettings::new(dir);
    settings.is_enabled = is_enabled;
    RequestLogger::start(settings)
}

#[tokio::test]
async fn enabled_logger_writes_named_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logger = logger(dir.path(), true);
    let name = logger.log(sample_record(200)).expect("queued");
    assert_eq!(name, "v1-chat-completions-2026-01-14T101530-a1b2c3d4.log");
    logger.flush().await;
    let text = fs::read_to_string(dir.path().join(&name)).expect("written");
    assert!(text.starts_with("=== REQUEST INFO ===\nVersion: dev\n"));
    assert!(text.contains("=== API REQUEST 1 ==="));
}

#[tokio::test]
async fn disabled_logger_writes_only_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logger = logger(dir.path(), false);
    assert_eq!(logger.log(sample_record(200)), None);
    let name = logger.log(sample_record(401)).expect("queued");
    assert_eq!(
        name,
        "error-v1-chat-completions-2026-01-14T101530-a1b2c3d4.log"
    );
    logger.flush().await;
    let text = fs::read_to_string(dir.path().join(&name)).expect("written");
    assert!(!text.contains("=== API REQUEST"));
    let listed = list_error_logs(dir.path()).expect("lists");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, name);
    assert_eq!(
        find_by_request_id(dir.path(), " a1b2c3d4 ").expect("found"),
        fs::canonicalize(dir.path().join(&name)).expect("exists")
    );
}

fn touch(dir: &std::path::Path, name: &str, age_secs: u64) {
    let file = File::create(dir.join(name)).expect("create");
    let mtime = SystemTime::now() - Duration::from_secs(age_secs);
    file.set_modified(mtime).expect("set mtime");
}

#[tokio::test]
async fn error_log_retention_keeps_newest() {
    let dir = tempfile::tempdir().expect("tempdir");
    for age in 1..=12 {
        touch(dir.path(), &format!("error-old-{age:02}.log"), 1000 + age);
    }
    touch(dir.path(), "v1-other-2026-01-14T101530-aaaaaaaa.log", 5000);
    let logger = logger(dir.path(), false);
    logger.log(sample_record(500)).expect("queued");
    logger.flush().await;
    let names: Vec<String> = list_error_logs(dir.path())
        .expect("lists")
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names.len(), 10);
    assert!(names[0].starts_with("error-v1-chat-completions"));
    assert!(names.contains(&"error-old-09.log".to_owned()));
    assert!(!names.contains(&"error-old-10.log".to_owned()));
    assert!(
        dir.path()
            .join("v1-other-2026-01-14T101530-aaaaaaaa.log")
            .exists()
    );

    logger.set_error_logs_max_files(0);
    let mut record = sample_record(500);
    record.request_id = Some("bbbbbbbb".into());
    logger.log(record).expect("queued");
    logger.flush().await;
    assert_eq!(list_error_logs(dir.path()).expect("lists").len(), 11);
    logger.set_error_logs_max_files(-5);
    assert_eq!(logger.error_logs_max_files(), DEFAULT_ERROR_LOGS_MAX_FILES);
}

#[test]
fn lookups_refuse_traversal_and_non_error_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    fs::create_dir(&logs).expect("mkdir");
    touch(&logs, "error-ok-1.log", 0);
    fs::create_dir(logs.join("error-dir.log")).expect("mkdir");
    touch(dir.path(), "error-outside.log", 0);

    assert!(resolve_error_log(&logs, "error-ok-1.log").is_ok());
    assert!(matches!(
        resolve_error_log(&logs, ""),
        Err(LookupError::InvalidName)
    ));
    assert!(matches!(
        resolve_error_log(&logs, "../error-outside.log"),
        Err(LookupError::InvalidName)
    ));
    assert!(matches!(
        resolve_error_log(&logs, "..\\error-outside.log"),
        Err(LookupError::InvalidName)
    ));
    assert!(matches!(
        resolve_error_log(&logs, "main.log"),
        Err(LookupError::NotFound)
    ));
    assert!(matches!(
        resolve_error_log(&logs, "error-missing.log"),
        Err(LookupError::NotFound)
    ));
    assert!(matches!(
        resolve_error_log(&logs, "error-dir.log"),
        Err(LookupError::NotAFile)
    ));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("error-outside.log"),
            logs.join("error-link.log"),
        )
        .expect("symlink");
        assert!(matches!(
            resolve_error_log(&logs, "error-link.log"),
            Err(LookupError::PathEscape)
        ));
    }

    assert!(matches!(
        find_by_request_id(&logs, "  "),
        Err(LookupError::MissingRequestId)
    ));
    assert!(matches!(
        find_by_request_id(&logs, "../x"),
        Err(LookupError::InvalidRequestId)
    ));
    assert!(find_by_request_id(&logs, "1").is_ok());
    assert!(matches!(
        find_by_request_id(&logs, "deadbeef"),
        Err(LookupError::NotFoundForRequestId)
    ));
    assert!(matches!(
        find_by_request_id(&dir.path().join("nope"), "deadbeef"),
        Err(LookupError::DirectoryMissing)
    ));
    assert!(
        list_error_logs(&dir.path().join("nope"))
            .expect("missing dir is empty")
            .is_empty()
    );
    assert_eq!(LookupError::PathEscape.to_string(), "invalid log file path");
}

#[test]
fn record_debug_masks_headers_and_keys() {
    let mut record = sample_record(200);
    record.url = "/v1beta/models/x?key=AIzaSySECRETKEY".into();
    if let Some(auth) = record.attempts[0].auth.as_mut() {
        auth.kind = AuthKind::ApiKey("sk-ant-api03-secret".into());
    }
    let debug = format!("{record:?}");
    assert!(!debug.contains("sk-local-1"));
    assert!(!debug.contains("ya29.abcdXy9Z"));
    assert!(!debug.contains("sk-ant-api03-secret"));
    assert!(!debug.contains("AIzaSySECRETKEY"));
    assert!(debug.contains("Bearer sk-l...al-1"));
}

#[tokio::test]
async fn full_queue_drops_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = RequestLogSettings::new(dir.path());
    settings.queue_capacity = 1;
    let logger = RequestLogger::start(settings);
    // The writer task cannot run between these synchronous calls on this runtime.
    assert!(logger.log(sample_record(500)).is_some());
    assert_eq!(logger.log(sample_record(500)), None);
    assert_eq!(logger.log(sample_record(500)), None);
    assert_eq!(logger.dropped_count(), 2);
    logger.flush().await;
    assert_eq!(list_error_logs(dir.path()).expect("lists").len(), 1);
}
