//! The usage event sink: how the request path hands records to the aggregator (step 10).
//!
//! [`UsageSink::record`] is called on the request path, so it never awaits, never blocks and
//! never fails: it `try_send`s into a bounded channel and, when the channel is full or the
//! aggregator is gone, drops the event and bumps a counter that operators can read. The
//! sink must not do any aggregation or I/O itself. [`UsageSink::memory`] gives other crates'
//! tests a sink that simply keeps every event.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;

use crate::event::UsageEvent;

/// Default capacity of the event channel between the request path and the aggregator.
pub const DEFAULT_CHANNEL_CAPACITY: usize = 4096;

/// Cheap-to-clone handle the request path uses to record usage events.
#[derive(Clone, Debug)]
pub struct UsageSink {
    inner: SinkInner,
    dropped: Arc<AtomicU64>,
}

/// Test-side view of a sink created with [`UsageSink::memory`].
#[derive(Clone, Debug, Default)]
pub struct MemorySink {
    events: Arc<Mutex<Vec<UsageEvent>>>,
}

#[derive(Clone, Debug)]
enum SinkInner {
    Channel(mpsc::Sender<UsageEvent>),
    Memory(MemorySink),
    Discard,
}

// === impl UsageSink ===

impl UsageSink {
    /// A sink feeding a bounded channel of `capacity` events, and the receiving end for
    /// the aggregator. `capacity` is raised to 1 when 0.
    pub fn channel(capacity: usize) -> (Self, mpsc::Receiver<UsageEvent>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (Self::with_inner(SinkInner::Channel(tx)), rx)
    }

    /// A sink that keeps every event in memory, for tests of other crates.
    pub fn memory() -> (Self, MemorySink) {
        let memory = MemorySink::default();
        (Self::with_inner(SinkInner::Memory(memory.clone())), memory)
    }

    /// A sink that discards everything (usage accounting not wired up).
    pub fn discard() -> Self {
        Self::with_inner(SinkInner::Discard)
    }

    /// Hands one event to the aggregator without waiting. When the channel is full or
    /// closed the event is dropped and counted in [`UsageSink::dropped_count`].
    pub fn record(&self, event: UsageEvent) {
        match &self.inner {
            SinkInner::Channel(tx) => {
                if tx.try_send(event).is_err() {
                    let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                    // Log the first drop and then every 1000th, so a stuck aggregator
                    // cannot flood the application log.
                    if dropped == 1 || dropped % 1000 == 0 {
                        tracing::warn!(dropped, "usage event channel full; dropping events");
                    }
                }
            }
            SinkInner::Memory(memory) => memory.lock().push(event),
            SinkInner::Discard => {}
        }
    }

    /// How many events were dropped because the channel was full or closed.
    pub fn dropped_count(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn with_inner(inner: SinkInner) -> Self {
        Self {
            inner,
            dropped: Arc::new(AtomicU64::new(0)),
        }
    }
}

// === impl MemorySink ===

impl MemorySink {
    /// A copy of every event recorded so far, in order.
    pub fn events(&self) -> Vec<UsageEvent> {
        self.lock().clone()
    }

    /// Removes and returns every event recorded so far.
    pub fn take(&self) -> Vec<UsageEvent> {
        std::mem::take(&mut *self.lock())
    }

    /// Number of events recorded so far.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no event was recorded.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<UsageEvent>> {
        // A panic while pushing cannot leave the Vec inconsistent, so poisoning is ignored.
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_channel_drops_and_counts() {
        let (sink, mut rx) = UsageSink::channel(2);
        for _ in 0..5 {
            sink.record(UsageEvent::new("claude", "m"));
        }
        assert_eq!(sink.dropped_count(), 3);
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_err());
        // Clones share the counter.
        let clone = sink.clone();
        drop(rx);
        clone.record(UsageEvent::new("claude", "m"));
        assert_eq!(sink.dropped_count(), 4);
    }

    #[test]
    fn memory_sink_keeps_events() {
        let (sink, memory) = UsageSink::memory();
        sink.record(UsageEvent::new("claude", "a"));
        sink.record(UsageEvent::new("codex", "b"));
        assert_eq!(memory.len(), 2);
        let events = memory.take();
        assert_eq!(events[1].provider, "codex");
        assert!(memory.is_empty());
        assert_eq!(sink.dropped_count(), 0);
    }
}
