//! Masking of secrets in headers, query strings and debug output (lifecycle step 10).
//!
//! Follows the original's rules so request-log files look the same: keep the first and last
//! few characters of a value and replace the middle with `...` (`Bearer sk-l...al-1`). This
//! module is pure string work; it must never log or store the unmasked value.

use std::fmt;

/// Masks one secret value: values longer than 8 characters keep their first and last 4
/// characters, 5–8 keep 2, 3–4 keep 1, and shorter values are left as they are.
pub fn mask_value(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = match chars.len() {
        n if n > 8 => 4,
        5..=8 => 2,
        3..=4 => 1,
        _ => return value.to_owned(),
    };
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{head}...{tail}")
}

/// Masks a request header value when its name marks it as sensitive.
///
/// Names containing `authorization` keep the scheme (`Bearer`) and mask the credential;
/// names containing `api-key`, `apikey`, `token` or `secret` are masked entirely.
pub fn mask_header(name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.contains("authorization") {
        return match value.split_once(' ') {
            Some((scheme, credential)) => format!("{scheme} {}", mask_value(credential.trim())),
            None => mask_value(value),
        };
    }
    if ["api-key", "apikey", "token", "secret"]
        .iter()
        .any(|needle| lower.contains(needle))
    {
        return mask_value(value);
    }
    value.to_owned()
}

/// Masks sensitive parameters of a raw query string (without the leading `?`).
///
/// Parameters named `key`, or whose name contains `api-key`, `apikey`, `api_key`, `token`
/// or `secret` (optionally followed by `[]`), have their value masked.
pub fn mask_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if is_sensitive_param(name) => {
                format!("{name}={}", mask_value(value))
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Masks the query part of `path?query`; a URL without a query is returned unchanged.
pub fn mask_url(path_and_query: &str) -> String {
    match path_and_query.split_once('?') {
        Some((path, query)) => format!("{path}?{}", mask_query(query)),
        None => path_and_query.to_owned(),
    }
}

/// `Debug` adapter printing headers with sensitive values masked.
pub struct MaskedHeaders<'a>(pub &'a [(String, String)]);

/// `Debug` adapter printing a map whose keys may be secrets (client keys) masked.
pub(crate) struct MaskedKeys<'a, V>(pub(crate) &'a std::collections::BTreeMap<String, V>);

impl fmt::Debug for MaskedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.0
                    .iter()
                    .map(|(name, value)| format!("{name}: {}", mask_header(name, value))),
            )
            .finish()
    }
}

impl<V: fmt::Debug> fmt::Debug for MaskedKeys<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(key, value)| (mask_value(key), value)))
            .finish()
    }
}

fn is_sensitive_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix("[]").unwrap_or(&lower);
    base == "key"
        || ["api-key", "apikey", "api_key", "token", "secret"]
            .iter()
            .any(|needle| base.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_mask_keeps_edges_by_length() {
        assert_eq!(mask_value("sk-local-1"), "sk-l...al-1");
        assert_eq!(mask_value("abcdefgh"), "ab...gh");
        assert_eq!(mask_value("abcd"), "a...d");
        assert_eq!(mask_value("ab"), "ab");
    }

    #[test]
    fn authorization_header_keeps_scheme() {
        assert_eq!(
            mask_header("Authorization", "Bearer sk-local-1"),
            "Bearer sk-l...al-1"
        );
        assert_eq!(mask_header("X-Goog-Api-Key", "AIzaSyABCDEF"), "AIza...CDEF");
        assert_eq!(
            mask_header("Content-Type", "application/json"),
            "application/json"
        );
    }

    #[test]
    fn query_masks_key_and_token_params() {
        assert_eq!(
            mask_url("/v1beta/models/x?key=AIzaSyABCDEF&alt=sse&access_token[]=abcdefghij"),
            "/v1beta/models/x?key=AIza...CDEF&alt=sse&access_token[]=abcd...ghij"
        );
        assert_eq!(mask_url("/v1/chat/completions"), "/v1/chat/completions");
    }
}
