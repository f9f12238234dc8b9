//! Request ids (proxy-pipeline §8.1), assigned when a client request starts.
//!
//! An id is 8 lowercase hex characters from 4 random bytes. It names request-log files and
//! tags application log lines; it is not returned to the client. Requests on other paths
//! get a process-wide counter in their log file name instead. No I/O happens here.

use std::sync::atomic::{AtomicU64, Ordering};

/// Path prefixes whose requests get a random request id.
pub const REQUEST_ID_PATH_PREFIXES: [&str; 6] = [
    "/v1/chat/completions",
    "/v1/completions",
    "/v1/messages",
    "/v1/responses",
    "/v1beta/models/",
    "/api/provider/",
];

/// Placeholder shown in application log lines for requests without an id.
pub const NO_REQUEST_ID: &str = "--------";

static LOG_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh request id: 8 lowercase hex characters.
pub fn new_request_id() -> String {
    hex::encode(rand::random::<[u8; 4]>())
}

/// Whether requests on `path` get a random request id.
pub fn has_request_id(path: &str) -> bool {
    REQUEST_ID_PATH_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// The next value of the process-wide counter used in log file names of requests that
/// have no request id (`1`, `2`, …).
pub fn next_log_counter() -> String {
    (LOG_COUNTER.fetch_add(1, Ordering::Relaxed) + 1).to_string()
}

/// Whether `id` looks like a request id we generated.
pub fn is_request_id(id: &str) -> bool {
    id.len() == 8
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_id_is_eight_lowercase_hex() {
        for _ in 0..100 {
            let id = new_request_id();
            assert!(is_request_id(&id), "{id}");
        }
        assert_ne!(new_request_id(), new_request_id());
    }

    #[test]
    fn only_proxy_paths_get_request_ids() {
        assert!(has_request_id("/v1/chat/completions"));
        assert!(has_request_id(
            "/v1beta/models/gemini-2.5-pro:generateContent"
        ));
        assert!(!has_request_id("/v1/models"));
        assert!(!has_request_id("/v0/management/usage"));
    }

    #[test]
    fn counter_increases() {
        let first: u64 = next_log_counter().parse().expect("numeric");
        let second: u64 = next_log_counter().parse().expect("numeric");
        assert!(second > first);
    }
}
