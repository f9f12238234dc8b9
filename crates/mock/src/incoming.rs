//! The shared front half of every handler: credential, JSON body, faults.
//!
//! Order matters and mirrors the real services: a missing credential is answered
//! before the body is looked at; then the body must be JSON; then injected faults
//! (delay, error status) apply; format validation comes after, in each handler.
//! This module must not know any format's request fields.

use axum::http::HeaderMap;
use serde_json::Value;

use crate::errors::MockError;
use crate::faults::Faults;
use crate::server::AppState;

/// Parses a request body as JSON, answering 400 when it is not.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, MockError> {
    serde_json::from_slice(bytes).map_err(|e| {
        MockError::invalid(format!(
            "we could not parse the JSON body of your request: {e}"
        ))
    })
}

/// The value of header `name`, if present and valid UTF-8 and not empty.
pub(crate) fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The token of an `Authorization: Bearer <token>` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = header(headers, "authorization")?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The raw value of query parameter `name` (no percent-decoding).
pub(crate) fn query_param<'q>(query: Option<&'q str>, name: &str) -> Option<&'q str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `model` string of a JSON body, or `""`.
pub(crate) fn model_of(body: &Value) -> &str {
    body.get("model").and_then(Value::as_str).unwrap_or("")
}

/// Applies the faults this request asked for: sleeps for `delay-<ms>`, then returns
/// the injected error, or the remaining (stream) faults for the handler.
pub(crate) async fn admit(state: &AppState, key: &str, model: &str) -> Result<Faults, MockError> {
    let faults = Faults::for_request(&state.scripts, key, model);
    if let Some(delay) = faults.delay {
        tokio::time::sleep(delay).await;
    }
    match faults.error() {
        Some(error) => Err(error),
        None => Ok(faults),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_query_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer sk-1".parse().expect("valid"));
        assert_eq!(bearer(&headers), Some("sk-1"));
        assert_eq!(query_param(Some("alt=sse&key=k1"), "key"), Some("k1"));
        assert_eq!(query_param(Some("alt=sse"), "key"), None);
    }
}
