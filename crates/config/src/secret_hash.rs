//! Management secret hashing (spec §4).
//!
//! A plaintext `remote-management.secret-key` is replaced by a bcrypt hash (cost 10)
//! at load; the loader writes the hash back to the file.

use crate::ConfigError;

/// bcrypt cost used for the management secret (as upstream).
pub const BCRYPT_COST: u32 = 10;

/// "Looks like bcrypt": longer than 4 characters and starts with `$2a$`, `$2b$` or
/// `$2y$`. Such values are used as they are.
pub fn is_bcrypt_hash(value: &str) -> bool {
    value.len() > 4
        && ["$2a$", "$2b$", "$2y$"]
            .iter()
            .any(|p| value.starts_with(p))
}

/// Hashes a plaintext management key. Emits the `$2a$` prefix like Go's bcrypt, so
/// files stay interchangeable with the original server.
pub fn hash_secret(plaintext: &str) -> Result<String, ConfigError> {
    bcrypt::hash_with_result(plaintext, BCRYPT_COST)
        .map(|parts| parts.format_for_version(bcrypt::Version::TwoA))
        .map_err(|err| {
            ConfigError::invalid(
                "remote-management.secret-key",
                format!("failed to hash remote management key: {err}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_detection() {
        assert!(is_bcrypt_hash("$2a$10$abcdef"));
        assert!(is_bcrypt_hash("$2y$10$x"));
        assert!(!is_bcrypt_hash("$2a$"));
        assert!(!is_bcrypt_hash("plain"));
    }

    #[test]
    fn hash_verifies() {
        let h = hash_secret("pw").expect("hash");
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(is_bcrypt_hash(&h));
        assert!(bcrypt::verify("pw", &h).expect("verify"));
    }
}
