//! A short-lived cache of successful bcrypt verifications.
//!
//! bcrypt at cost 10 takes tens of milliseconds per check and the web panel fires
//! a dozen requests at once, so a verified key is remembered for [`TTL`]. Entries
//! are keyed by SHA-256 of (stored hash, presented key): the key itself is never
//! stored, and changing the secret invalidates every entry. Only successes are
//! cached, so a wrong key always costs a full bcrypt check.

use std::collections::HashMap;
use std::time::Duration;

use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// How long a successful verification is trusted.
pub const TTL: Duration = Duration::from_secs(60);
/// Entries kept at most (the cache is cleared when full).
const MAX_ENTRIES: usize = 64;

/// Recently verified (hash, key) pairs.
#[derive(Debug, Default)]
pub struct KeyCache {
    verified: Mutex<HashMap<[u8; 32], Instant>>,
}

impl KeyCache {
    /// Whether `key` matches the bcrypt `hash`, from the cache when possible.
    pub async fn verify(&self, hash: &str, key: &str) -> bool {
        let fingerprint = fingerprint(hash, key);
        let now = Instant::now();
        if self
            .verified
            .lock()
            .get(&fingerprint)
            .is_some_and(|at| now - *at < TTL)
        {
            return true;
        }
        let (hash_owned, key_owned) = (hash.to_owned(), key.to_owned());
        let is_valid = tokio::task::spawn_blocking(move || {
            bcrypt::verify(key_owned, &hash_owned).unwrap_or(false)
        })
        .await
        .unwrap_or(false);
        if is_valid {
            let mut verified = self.verified.lock();
            if verified.len() >= MAX_ENTRIES {
                verified.clear();
            }
            verified.insert(fingerprint, now);
        }
        is_valid
    }
}

fn fingerprint(hash: &str, key: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(hash.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    hasher.finalize().into()
}
