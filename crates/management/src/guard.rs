//! Guard middleware of every management route (spec §2–§4).
//!
//! Order, as in the original:
//! 1. availability: no config secret and no `MANAGEMENT_PASSWORD` ⇒ `404` with an
//!    empty body (no build headers);
//! 2. build headers `X-CPA-VERSION`, `X-CPA-COMMIT`, `X-CPA-BUILD-DATE` on every
//!    response from here on;
//! 3. client address = the TCP peer (forwarding headers only from trusted proxies);
//!    loopback clients are "local";
//! 4. non-local: banned ⇒ `403`; remote access off ⇒ `403 remote management disabled`;
//! 5. key from `Authorization` (`Bearer <key>` or the whole value) or
//!    `X-Management-Key`; none ⇒ `401 missing management key`;
//! 6. `MANAGEMENT_PASSWORD` (constant time) or the bcrypt hash ⇒ accept, else
//!    `401 invalid management key`. Failures of non-local clients count towards a
//!    ban ([`bans`]).
//!
//! Must not: trust `X-Forwarded-For`/`X-Real-IP` from arbitrary peers (spec §3.3).

mod bans;
mod key_cache;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::context::BuildInfo;
use crate::error::ApiError;
use crate::state::Shared;

pub use bans::Bans;
pub use key_cache::KeyCache;

/// The guard's mutable bookkeeping.
#[derive(Debug, Default)]
pub struct GuardState {
    /// Failure counters and bans per client address.
    pub bans: Bans,
    /// Recently verified keys (bcrypt is slow; the panel sends bursts).
    pub keys: KeyCache,
}

/// The middleware function; see the module docs for the order of checks.
pub async fn guard(State(shared): State<Shared>, req: Request, next: Next) -> Response {
    let config = shared.config();
    let env_password = shared.env_password(&config);
    let secret_hash = config
        .remote_management
        .secret_hash
        .as_ref()
        .map(|h| h.expose().clone());
    if secret_hash.is_none() && env_password.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let build = shared.ctx().build.clone();
    // Without a peer address (server not started with connect info) the client is
    // treated as remote, never as local.
    let ip =
        client_ip(&req, &shared.ctx().trusted_proxies).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let remote = (!is_loopback(ip)).then_some(ip);
    let headers = req.headers().clone();
    let verdict = check(&shared, &headers, remote, secret_hash, env_password).await;
    let mut response = match verdict {
        Ok(()) => next.run(req).await,
        Err(err) => err.into_response(),
    };
    add_build_headers(response.headers_mut(), &build);
    response
}

/// Steps 4–6 for one request; `remote` is the client address when it is not local.
async fn check(
    shared: &Shared,
    headers: &HeaderMap,
    remote: Option<IpAddr>,
    secret_hash: Option<String>,
    env_password: Option<String>,
) -> Result<(), ApiError> {
    let bans = &shared.guard().bans;
    let config = shared.config();
    if let Some(ip) = remote {
        if let Some(left) = bans.banned_for(ip) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "IP banned due to too many failed attempts. Try again in {}",
                    go_duration(u64::try_from((left.as_millis() + 500) / 1000).unwrap_or(u64::MAX))
                ),
            ));
        }
        if !config.remote_management.allow_remote && env_password.is_none() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "remote management disabled",
            ));
        }
    }
    let key = presented_key(headers);
    let Some(key) = key.filter(|k| !k.is_empty()) else {
        if let Some(ip) = remote {
            bans.record_failure(ip);
        }
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing management key",
        ));
    };
    let is_valid = match env_password {
        Some(pw) if ct_eq(&pw, &key) => true,
        _ => match secret_hash {
            Some(hash) => shared.guard().keys.verify(&hash, &key).await,
            None => false,
        },
    };
    match (is_valid, remote) {
        (true, Some(ip)) => bans.record_success(ip),
        (false, Some(ip)) => bans.record_failure(ip),
        _ => {}
    }
    if is_valid {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid management key",
        ))
    }
}

/// The presented key (spec §3.1 step 5): `Authorization: Bearer <key>` (scheme
/// case-insensitive, key verbatim) or the whole `Authorization` value; if that is
/// empty, `X-Management-Key`.
fn presented_key(headers: &HeaderMap) -> Option<String> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let from_auth = header("authorization").map(|value| match value.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => key.to_owned(),
        _ => value,
    });
    match from_auth {
        Some(key) if !key.is_empty() => Some(key),
        _ => header("x-management-key"),
    }
}

/// The client address: the TCP peer, or — when the peer is a trusted proxy — the
/// left-most valid `X-Forwarded-For` address, else `X-Real-IP`.
fn client_ip(req: &Request, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_canonical())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let headers = req.headers();
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|part| part.trim().parse::<IpAddr>().ok())
        });
    let real = || {
        headers
            .get("x-real-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    };
    Some(forwarded.or_else(real).unwrap_or(peer).to_canonical())
}

/// Loopback, including `::ffff:127.0.0.1`.
fn is_loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Go's `time.Duration` text for whole seconds (`30m0s`, `45s`, `1h0m0s`).
pub fn go_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// Constant-time string equality (the length is not hidden).
fn ct_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn add_build_headers(headers: &mut HeaderMap, build: &BuildInfo) {
    for (name, value) in [
        ("x-cpa-version", &build.version),
        ("x-cpa-commit", &build.commit),
        ("x-cpa-build-date", &build.date),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_matches_go() {
        assert_eq!(go_duration(1800), "30m0s");
        assert_eq!(go_duration(1799), "29m59s");
        assert_eq!(go_duration(45), "45s");
        assert_eq!(go_duration(3600), "1h0m0s");
    }

    #[test]
    fn bearer_and_raw_authorization_values() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("BEARER k1"));
        assert_eq!(presented_key(&headers).as_deref(), Some("k1"));
        headers.insert("authorization", HeaderValue::from_static("k2"));
        assert_eq!(presented_key(&headers).as_deref(), Some("k2"));
        headers.remove("authorization");
        headers.insert("x-management-key", HeaderValue::from_static("k3"));
        assert_eq!(presented_key(&headers).as_deref(), Some("k3"));
    }
}
