//! Failed-attempt counting and bans per client address (spec §3.2).
//!
//! A failure increments the counter; the 5th failure bans the address for 30
//! minutes (that request itself still gets its 401) and resets the counter. A
//! success clears counter and ban. Entries that are not banned and whose last
//! failure is older than 2 hours are purged, at most once an hour, on access.
//! Time is `tokio::time::Instant`, so tests can pause the clock.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

/// Failures that trigger a ban.
pub const MAX_FAILURES: u32 = 5;
/// How long a ban lasts.
pub const BAN_DURATION: Duration = Duration::from_secs(30 * 60);
/// Idle time after which an unbanned entry is purged.
const STALE_AFTER: Duration = Duration::from_secs(2 * 3600);
/// Minimum time between purges.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Counters and bans of all remote client addresses.
#[derive(Debug, Default)]
pub struct Bans {
    inner: Mutex<Book>,
}

#[derive(Debug, Default)]
struct Book {
    entries: HashMap<IpAddr, Entry>,
    last_sweep: Option<Instant>,
}

#[derive(Debug)]
struct Entry {
    failures: u32,
    banned_until: Option<Instant>,
    last_failure: Instant,
}

impl Bans {
    /// Remaining ban time of `ip`, or `None`; an expired ban is cleared (and the
    /// counter reset) here.
    pub fn banned_for(&self, ip: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut book = self.inner.lock();
        book.sweep(now);
        let entry = book.entries.get_mut(&ip)?;
        match entry.banned_until {
            Some(until) if until > now => Some(until - now),
            Some(_) => {
                entry.banned_until = None;
                entry.failures = 0;
                None
            }
            None => None,
        }
    }

    /// Counts one failure; bans on the [`MAX_FAILURES`]th.
    pub fn record_failure(&self, ip: IpAddr) {
        let now = Instant::now();
        let mut book = self.inner.lock();
        let entry = book.entries.entry(ip).or_insert(Entry {
            failures: 0,
            banned_until: None,
            last_failure: now,
        });
        entry.failures += 1;
        entry.last_failure = now;
        if entry.failures >= MAX_FAILURES {
            entry.failures = 0;
            entry.banned_until = Some(now + BAN_DURATION);
        }
    }

    /// A successful authentication clears counter and ban (the entry is kept).
    pub fn record_success(&self, ip: IpAddr) {
        if let Some(entry) = self.inner.lock().entries.get_mut(&ip) {
            entry.failures = 0;
            entry.banned_until = None;
        }
    }

    /// Number of tracked addresses (for tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// Whether no address is tracked.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Book {
    fn sweep(&mut self, now: Instant) {
        if self.last_sweep.is_some_and(|t| now - t < SWEEP_EVERY) {
            return;
        }
        self.last_sweep = Some(now);
        self.entries.retain(|_, e| {
            let is_banned = e.banned_until.is_some_and(|until| until > now);
            is_banned || now - e.last_failure < STALE_AFTER
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fifth_failure_bans_and_ban_expires() {
        let bans = Bans::default();
        let ip: IpAddr = [203, 0, 113, 9].into();
        for _ in 0..4 {
            bans.record_failure(ip);
        }
        assert!(bans.banned_for(ip).is_none());
        bans.record_failure(ip);
        assert_eq!(bans.banned_for(ip), Some(BAN_DURATION));
        tokio::time::advance(BAN_DURATION + Duration::from_secs(1)).await;
        assert!(bans.banned_for(ip).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn stale_entries_are_purged() {
        let bans = Bans::default();
        let ip: IpAddr = [203, 0, 113, 10].into();
        bans.record_failure(ip);
        assert!(bans.banned_for(ip).is_none());
        assert_eq!(bans.len(), 1);
        tokio::time::advance(STALE_AFTER + SWEEP_EVERY).await;
        assert!(bans.banned_for(ip).is_none());
        assert!(bans.is_empty());
    }
}
