//! Failure injection: which fault a request asks for.
//!
//! Faults are chosen by words found in the API key or the model name (see the table in
//! the crate docs), or by a script registered through `POST /__mock/script`. This module
//! only *decides*; the handlers apply delays and errors, and `sse` applies stream faults.
//! It must never make a request fail that did not ask for it.

use std::collections::VecDeque;
use std::time::Duration;

use axum::http::StatusCode;
use parking_lot::Mutex;

use crate::errors::MockError;

/// Default `Retry-After` for a bare `fail-429`, in seconds.
const DEFAULT_RETRY_AFTER_SECS: u64 = 1;
/// Default pause between frames for a bare `slow-stream`.
const DEFAULT_SLOW_STREAM: Duration = Duration::from_millis(50);

/// The faults one request asked for. `Default` means "behave normally".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Faults {
    /// Answer with this status instead of a reply.
    pub(crate) fail_status: Option<u16>,
    /// `Retry-After` seconds sent with a 429.
    pub(crate) retry_after: Option<u64>,
    /// Sleep this long before answering.
    pub(crate) delay: Option<Duration>,
    /// Sleep this long between stream frames.
    pub(crate) slow_stream: Option<Duration>,
    /// Abort the connection halfway through the body.
    pub(crate) is_drop_mid_stream: bool,
    /// Replace the second half of a stream by an in-stream error event.
    pub(crate) is_error_mid_stream: bool,
}

/// Scripted faults registered with `POST /__mock/script`.
#[derive(Debug, Default)]
pub(crate) struct Scripts {
    entries: Mutex<Vec<Script>>,
}

#[derive(Debug)]
struct Script {
    pattern: String,
    steps: VecDeque<String>,
}

impl Faults {
    /// Parses every fault word in `text` (an API key or a model name).
    pub(crate) fn parse(text: &str) -> Self {
        let text = text.to_ascii_lowercase();
        let mut faults = Self::default();
        for (at, _) in text.match_indices("fail-") {
            let rest = &text[at + "fail-".len()..];
            let (status, rest) = leading_number(rest);
            if let Some(status) = status.filter(|s| (400..=599).contains(s)) {
                faults.fail_status = Some(status as u16);
                if status == 429 {
                    let secs = rest.strip_prefix('-').and_then(|r| leading_number(r).0);
                    faults.retry_after = Some(secs.unwrap_or(DEFAULT_RETRY_AFTER_SECS));
                }
            }
        }
        if let Some(at) = text.find("delay-") {
            let ms = leading_number(&text[at + "delay-".len()..]).0;
            faults.delay = ms.map(Duration::from_millis);
        }
        if let Some(at) = text.find("slow-stream") {
            let rest = &text[at + "slow-stream".len()..];
            let ms = rest.strip_prefix('-').and_then(|r| leading_number(r).0);
            faults.slow_stream = Some(ms.map_or(DEFAULT_SLOW_STREAM, Duration::from_millis));
        }
        faults.is_drop_mid_stream = text.contains("drop-mid-stream");
        faults.is_error_mid_stream = text.contains("error-mid-stream");
        faults
    }

    /// Faults for a request with this credential and model, scripts first.
    pub(crate) fn for_request(scripts: &Scripts, key: &str, model: &str) -> Self {
        if let Some(step) = scripts.next_step(&[key, model]) {
            return Self::parse(&step);
        }
        let mut faults = Self::parse(key);
        faults.merge(Self::parse(model));
        faults
    }

    /// The error to answer with instead of a reply, if any.
    pub(crate) fn error(&self) -> Option<MockError> {
        let status = self.fail_status?;
        if status == 429 {
            return Some(MockError::rate_limited(
                self.retry_after.unwrap_or(DEFAULT_RETRY_AFTER_SECS),
            ));
        }
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = format!("mock injected failure {status}");
        Some(match status {
            401 => MockError::unauthorized(message),
            _ => MockError::status(code, message),
        })
    }

    fn merge(&mut self, other: Self) {
        self.fail_status = self.fail_status.or(other.fail_status);
        self.retry_after = self.retry_after.or(other.retry_after);
        self.delay = self.delay.or(other.delay);
        self.slow_stream = self.slow_stream.or(other.slow_stream);
        self.is_drop_mid_stream |= other.is_drop_mid_stream;
        self.is_error_mid_stream |= other.is_error_mid_stream;
    }
}

impl Scripts {
    /// Registers `steps` for requests whose key or model contains `pattern`,
    /// replacing an earlier script with the same pattern.
    pub(crate) fn set(&self, pattern: String, steps: Vec<String>) {
        let mut entries = self.entries.lock();
        entries.retain(|s| s.pattern != pattern);
        entries.push(Script {
            pattern,
            steps: steps.into(),
        });
    }

    /// Forgets every script.
    pub(crate) fn clear(&self) {
        self.entries.lock().clear();
    }

    /// Pops the next step of the first script matching one of `sources`.
    fn next_step(&self, sources: &[&str]) -> Option<String> {
        let mut entries = self.entries.lock();
        let at = entries.iter().position(|s| {
            !s.pattern.is_empty() && sources.iter().any(|src| src.contains(&s.pattern))
        })?;
        let step = entries[at].steps.pop_front();
        if entries[at].steps.is_empty() {
            entries.remove(at);
        }
        step
    }
}

/// Splits a leading run of ASCII digits off `text`.
fn leading_number(text: &str) -> (Option<u64>, &str) {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    (text[..end].parse().ok(), &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_status_and_retry_after() {
        let faults = Faults::parse("sk-FAIL-429-7");
        assert_eq!(faults.fail_status, Some(429));
        assert_eq!(faults.retry_after, Some(7));
        assert_eq!(Faults::parse("gpt-fail-500").fail_status, Some(500));
        assert_eq!(Faults::parse("fail-429").retry_after, Some(1));
    }

    #[test]
    fn parse_reads_timing_words() {
        let faults = Faults::parse("m-delay-250-slow-stream-5-drop-mid-stream");
        assert_eq!(faults.delay, Some(Duration::from_millis(250)));
        assert_eq!(faults.slow_stream, Some(Duration::from_millis(5)));
        assert!(faults.is_drop_mid_stream);
        assert_eq!(Faults::parse("gemini-2.5-flash"), Faults::default());
    }

    #[test]
    fn scripts_apply_in_order_then_fall_back() {
        let scripts = Scripts::default();
        scripts.set("key-a".into(), vec!["fail-503".into(), "ok".into()]);
        let first = Faults::for_request(&scripts, "key-a", "m");
        assert_eq!(first.fail_status, Some(503));
        assert_eq!(
            Faults::for_request(&scripts, "key-a", "m"),
            Faults::default()
        );
        let after = Faults::for_request(&scripts, "key-a", "m-fail-400");
        assert_eq!(after.fail_status, Some(400));
    }
}
