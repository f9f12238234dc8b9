//! The "open to the network" guard.
//!
//! An empty `api-keys` list disables client authentication. That is convenient on a laptop
//! and dangerous on a server: the original silently serves anyone who can reach the port. We
//! refuse to start (and refuse a reload into that state) when the listen address is not
//! loopback and no key is configured, unless the operator passed
//! `--allow-unauthenticated-network` on purpose.

use std::net::IpAddr;

/// Why the configuration may not be served as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to serve {listen} without api-keys: anyone who can reach this address could use your upstream accounts. \
     Add client keys under `api-keys`, listen on 127.0.0.1, or pass --allow-unauthenticated-network if this is intended"
)]
pub struct OpenToNetwork {
    listen: String,
}

/// True when `host` only accepts connections from this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let trimmed = host.trim().trim_start_matches('[').trim_end_matches(']');
    if trimmed.eq_ignore_ascii_case("localhost") {
        return true;
    }
    trimmed.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks that serving `host` with (or without) client keys is acceptable.
pub fn check(host: &str, has_client_keys: bool, allow_open: bool) -> Result<(), OpenToNetwork> {
    if has_client_keys || allow_open || is_loopback_host(host) {
        return Ok(());
    }
    let listen = if host.trim().is_empty() {
        "all interfaces".to_owned()
    } else {
        host.to_owned()
    };
    Err(OpenToNetwork { listen })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["", "0.0.0.0", "::", "192.168.1.2", "example.com"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn open_network_without_keys_is_refused_unless_allowed() {
        assert!(check("", false, false).is_err());
        assert!(check("0.0.0.0", false, false).is_err());
        assert!(check("0.0.0.0", true, false).is_ok());
        assert!(check("0.0.0.0", false, true).is_ok());
        assert!(check("127.0.0.1", false, false).is_ok());
        let message = check("", false, false).unwrap_err().to_string();
        assert!(message.contains("all interfaces"), "{message}");
        assert!(
            message.contains("--allow-unauthenticated-network"),
            "{message}"
        );
    }
}
