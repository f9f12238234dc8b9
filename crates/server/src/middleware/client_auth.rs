//! Client authentication (lifecycle step 1).
//!
//! Every proxy route (`/v1/*`, `/v1beta/*`) requires one of the configured `api-keys`. The key
//! is looked for in every place the original accepts, in its order: `Authorization` (a
//! `Bearer` token, or the whole value when there is no scheme), `X-Goog-Api-Key`,
//! `X-Api-Key`, `?key=` and `?auth_token=`. The first candidate that matches wins, so a stale
//! `Authorization` next to a valid `x-api-key` is accepted.
//!
//! Failures are answered in the client's own error shape (OpenAI, Anthropic or Gemini, by
//! route), unlike the original, which sends `{"error":"Missing API key"}` to everyone.
//!
//! Must not: read the request body, or consult anything but the config snapshot.

use std::collections::HashSet;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::respond::{ApiError, ClientFormat, ErrorKind, FormattedError};
use crate::state::AppState;

/// The client key a request authenticated with; stored in the request extensions for usage
/// accounting. Empty when authentication is disabled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPrincipal(pub String);

/// The set of accepted client keys, built once per config snapshot.
#[derive(Debug, Clone, Default)]
pub struct ClientKeys {
    keys: HashSet<String>,
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// None of the key sources carried a value.
    Missing,
    /// Some source carried a value but none matched.
    Invalid,
}

// === impl ClientKeys ===

impl ClientKeys {
    /// Builds the set; empty strings are ignored (they could never be sent as a key).
    pub fn new<I, S>(keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let keys = keys
            .into_iter()
            .map(Into::into)
            .filter(|k: &String| !k.is_empty())
            .collect();
        Self { keys }
    }

    /// True when no key is configured: authentication is disabled.
    pub fn is_open(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks a request's headers and query string.
    pub fn authenticate(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> Result<ClientPrincipal, AuthFailure> {
        if self.is_open() {
            return Ok(ClientPrincipal::default());
        }
        let mut saw_any = false;
        for candidate in candidates(headers, query) {
            saw_any = true;
            if self.keys.contains(candidate.as_str()) {
                return Ok(ClientPrincipal(candidate));
            }
        }
        Err(if saw_any {
            AuthFailure::Invalid
        } else {
            AuthFailure::Missing
        })
    }
}

/// Axum middleware refusing requests without a valid client key.
pub async fn require_client_key(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let runtime = state.runtime();
    match runtime
        .client_keys
        .authenticate(request.headers(), request.uri().query())
    {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(failure) => {
            let format = ClientFormat::for_request(
                request.method(),
                request.uri().path(),
                request.headers(),
            );
            let message = match failure {
                AuthFailure::Missing => "missing API key",
                AuthFailure::Invalid => "invalid API key",
            };
            tracing::info!(path = request.uri().path(), ?failure, "client key refused");
            FormattedError(format, ApiError::new(ErrorKind::Authentication, message))
                .into_response()
        }
    }
}

/// Every non-empty key candidate of a request, in the original's order.
fn candidates(headers: &HeaderMap, query: Option<&str>) -> Vec<String> {
    let mut out = Vec::with_capacity(2);
    if let Some(value) = header_str(headers, header::AUTHORIZATION.as_str()) {
        out.push(bearer_or_whole(value).to_owned());
    }
    for name in ["x-goog-api-key", "x-api-key"] {
        if let Some(value) = header_str(headers, name) {
            out.push(value.to_owned());
        }
    }
    if let Some(query) = query {
        for wanted in ["key", "auth_token"] {
            let found = url::form_urlencoded::parse(query.as_bytes())
                .find(|(name, value)| name == wanted && !value.is_empty());
            if let Some((_, value)) = found {
                out.push(value.into_owned());
            }
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
}

/// `Bearer <token>` (scheme in any case) gives the trimmed token; anything else is used whole.
fn bearer_or_whole(value: &str) -> &str {
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    fn keys() -> ClientKeys {
        ClientKeys::new(["sk-good", "other"])
    }

    #[test]
    fn each_source_is_accepted() {
        let k = keys();
        let ok = |h: HeaderMap, q: Option<&str>| k.authenticate(&h, q).map(|p| p.0);
        assert_eq!(
            ok(headers(&[("authorization", "Bearer sk-good")]), None).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(headers(&[("authorization", "bearer  sk-good ")]), None).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(headers(&[("authorization", "sk-good")]), None).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(headers(&[("x-goog-api-key", "sk-good")]), None).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(headers(&[("x-api-key", "sk-good")]), None).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(HeaderMap::new(), Some("key=sk-good")).as_deref(),
            Ok("sk-good")
        );
        assert_eq!(
            ok(HeaderMap::new(), Some("alt=sse&auth_token=sk-good")).as_deref(),
            Ok("sk-good")
        );
    }

    #[test]
    fn first_matching_candidate_wins() {
        let h = headers(&[("authorization", "Bearer stale"), ("x-api-key", "other")]);
        assert_eq!(
            keys().authenticate(&h, None),
            Ok(ClientPrincipal("other".into()))
        );
    }

    #[test]
    fn missing_and_invalid_are_told_apart() {
        assert_eq!(
            keys().authenticate(&HeaderMap::new(), None),
            Err(AuthFailure::Missing)
        );
        assert_eq!(
            keys().authenticate(&HeaderMap::new(), Some("key=")),
            Err(AuthFailure::Missing)
        );
        let h = headers(&[("x-api-key", "wrong")]);
        assert_eq!(keys().authenticate(&h, None), Err(AuthFailure::Invalid));
    }

    #[test]
    fn keys_are_case_sensitive() {
        let h = headers(&[("x-api-key", "SK-GOOD")]);
        assert_eq!(keys().authenticate(&h, None), Err(AuthFailure::Invalid));
    }

    #[test]
    fn no_keys_means_open() {
        let open = ClientKeys::new(Vec::<String>::new());
        assert!(open.is_open());
        assert_eq!(
            open.authenticate(&HeaderMap::new(), None),
            Ok(ClientPrincipal::default())
        );
    }
}
