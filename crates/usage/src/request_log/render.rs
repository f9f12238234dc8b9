//! Renders a [`RequestLogRecord`] in the original's request-log layout (proxy-pipeline §8.3).
//!
//! Sections in order: REQUEST INFO, HEADERS, REQUEST BODY, one API REQUEST n / API
//! RESPONSE n pair per upstream attempt, RESPONSE. Error-only files (§8.4) omit the upstream
//! pairs and carry the handler's error bodies under a single `=== API RESPONSE ===`.
//! Request and upstream headers are masked; upstream headers are sorted by name. A capped
//! body ends with a truncation marker. Pure: produces bytes, writes nothing.

use std::io::Write;

use crate::mask::{mask_header, mask_url, mask_value};
use crate::request_log::record::{
    AttemptAuth, AuthKind, CappedBody, RequestLogRecord, UpstreamAttempt, UpstreamResponse,
};
use crate::timestamp::{format_rfc3339_millis, format_rfc3339_nano};

/// Which layout to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `request-log: true`: everything, including upstream attempts.
    Full,
    /// `request-log: false` and status ≥ 400: no upstream attempts.
    ErrorOnly,
}

/// Renders the whole file.
pub fn render(record: &RequestLogRecord, layout: Layout, version: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096 + record.request_body.as_bytes().len());
    line(&mut out, "=== REQUEST INFO ===");
    line(&mut out, &format!("Version: {version}"));
    line(&mut out, &format!("URL: {}", mask_url(&record.url)));
    line(&mut out, &format!("Method: {}", record.method));
    line(
        &mut out,
        &format!("Timestamp: {}", format_rfc3339_nano(&record.timestamp)),
    );
    out.push(b'\n');

    line(&mut out, "=== HEADERS ===");
    for (name, value) in &record.request_headers {
        line(&mut out, &format!("{name}: {}", mask_header(name, value)));
    }
    out.push(b'\n');

    line(&mut out, "=== REQUEST BODY ===");
    body(&mut out, &record.request_body);
    out.push(b'\n');

    let errors = unique_errors(&record.error_bodies);
    match layout {
        Layout::Full => {
            let last = record.attempts.len();
            for (index, attempt) in record.attempts.iter().enumerate() {
                let number = index + 1;
                let extra: &[&str] = if number == last { &errors } else { &[] };
                render_attempt(&mut out, number, attempt, extra);
            }
            if record.attempts.is_empty() {
                render_errors(&mut out, &errors);
            }
        }
        Layout::ErrorOnly => render_errors(&mut out, &errors),
    }

    line(&mut out, "=== RESPONSE ===");
    line(&mut out, &format!("Status: {}", record.status));
    for (name, value) in &record.response_headers {
        line(&mut out, &format!("{name}: {value}"));
    }
    out.push(b'\n');
    body(&mut out, &record.response_body);
    out
}

fn render_attempt(out: &mut Vec<u8>, number: usize, attempt: &UpstreamAttempt, errors: &[&str]) {
    line(out, &format!("=== API REQUEST {number} ==="));
    line(
        out,
        &format!("Timestamp: {}", format_rfc3339_millis(&attempt.timestamp)),
    );
    line(out, &format!("Upstream URL: {}", mask_url(&attempt.url)));
    line(out, &format!("HTTP Method: {}", attempt.method));
    if let Some(auth) = &attempt.auth {
        line(out, &format!("Auth: {}", auth_line(auth)));
    }
    out.push(b'\n');
    line(out, "Headers:");
    for (name, value) in sorted(&attempt.headers) {
        line(out, &format!("{name}: {}", mask_header(name, value)));
    }
    out.push(b'\n');
    line(out, "Body:");
    body(out, &attempt.body);
    out.push(b'\n');

    line(out, &format!("=== API RESPONSE {number} ==="));
    match &attempt.response {
        Some(response) => render_response(out, response, errors),
        None => {
            for error in errors {
                line(out, error);
            }
        }
    }
    out.push(b'\n');
}

fn render_response(out: &mut Vec<u8>, response: &UpstreamResponse, errors: &[&str]) {
    line(
        out,
        &format!("Timestamp: {}", format_rfc3339_millis(&response.timestamp)),
    );
    out.push(b'\n');
    if let Some(status) = response.status {
        line(out, &format!("Status: {status}"));
        line(out, "Headers:");
        for (name, value) in sorted(&response.headers) {
            line(out, &format!("{name}: {value}"));
        }
        out.push(b'\n');
    }
    if let Some(error) = &response.error {
        line(out, &format!("Error: {error}"));
    }
    line(out, "Body:");
    body(out, &response.body);
    for error in errors {
        out.push(b'\n');
        line(out, error);
    }
}

fn render_errors(out: &mut Vec<u8>, errors: &[&str]) {
    if errors.is_empty() {
        return;
    }
    line(out, "=== API RESPONSE ===");
    for error in errors {
        line(out, error);
    }
    out.push(b'\n');
}

fn auth_line(auth: &AttemptAuth) -> String {
    let kind = match &auth.kind {
        AuthKind::ApiKey(key) => format!("type=api_key value={}", mask_value(key)),
        AuthKind::OAuth => "type=oauth".to_owned(),
    };
    format!(
        "provider={}, auth_id={}, label={}, {kind}",
        auth.provider, auth.auth_id, auth.label
    )
}

fn sorted(headers: &[(String, String)]) -> Vec<(&String, &String)> {
    let mut sorted: Vec<_> = headers.iter().map(|(name, value)| (name, value)).collect();
    sorted.sort_by_key(|(name, _)| name.to_ascii_lowercase());
    sorted
}

/// Error bodies with duplicates removed, in first-seen order.
fn unique_errors(errors: &[String]) -> Vec<&str> {
    let mut unique: Vec<&str> = Vec::new();
    for error in errors {
        let error = error.trim();
        if !error.is_empty() && !unique.contains(&error) {
            unique.push(error);
        }
    }
    unique
}

fn body(out: &mut Vec<u8>, body: &CappedBody) {
    out.extend_from_slice(body.as_bytes());
    if body.is_truncated() {
        let _ = write!(
            out,
            "\n[TRUNCATED: {} more bytes not logged]",
            body.omitted()
        );
    }
    out.push(b'\n');
}

fn line(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
    out.push(b'\n');
}
