//! Which requests the capture middleware records, and whether a response streams (§8.2).
//!
//! Pure predicates for the server's capture middleware, kept here so the rules live next
//! to the file format they feed. No I/O, no HTTP framework types.

/// Whether a request is captured for the request log: everything except `GET`, paths under
/// `/v0/management` or `/management`, and paths under `/api` other than `/api/provider/…`.
/// CORS preflight `OPTIONS` requests are captured too.
pub fn should_capture(method: &str, path: &str) -> bool {
    if method.eq_ignore_ascii_case("GET") {
        return false;
    }
    if under(path, "/v0/management") || under(path, "/management") {
        return false;
    }
    if under(path, "/api") && !under(path, "/api/provider") {
        return false;
    }
    true
}

/// Whether a response is logged as a stream: its content type contains
/// `text/event-stream`, or no content type is set and the request body contains
/// `"stream": true` or `"stream":true`.
pub fn is_streaming_response(content_type: Option<&str>, request_body: &[u8]) -> bool {
    match content_type {
        Some(content_type) if !content_type.is_empty() => content_type
            .to_ascii_lowercase()
            .contains("text/event-stream"),
        _ => {
            contains(request_body, b"\"stream\": true")
                || contains(request_body, b"\"stream\":true")
        }
    }
}

/// `path` is `prefix` itself or below it.
fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Byte-substring search; bodies are capped, so the naive scan is fine.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_scope_follows_spec() {
        assert!(should_capture("POST", "/v1/chat/completions"));
        assert!(should_capture("OPTIONS", "/v1/messages"));
        assert!(should_capture(
            "POST",
            "/api/provider/openai/v1/chat/completions"
        ));
        assert!(!should_capture("GET", "/v1/models"));
        assert!(!should_capture("PUT", "/v0/management/config.yaml"));
        assert!(!should_capture("POST", "/management/x"));
        assert!(!should_capture("POST", "/api/user"));
        assert!(should_capture("POST", "/apis"));
    }

    #[test]
    fn streaming_detection() {
        assert!(is_streaming_response(
            Some("text/event-stream; charset=utf-8"),
            b""
        ));
        assert!(!is_streaming_response(
            Some("application/json"),
            br#"{"stream":true}"#
        ));
        assert!(is_streaming_response(
            None,
            br#"{"model":"m","stream": true}"#
        ));
        assert!(!is_streaming_response(None, br#"{"stream":false}"#));
    }
}
