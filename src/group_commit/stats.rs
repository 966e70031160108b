//! What the writer has done since it started: batches, writes, and the time spent running the
//! writes of a batch and committing it. These are the first figures to read when writes are slow
//! (`cargo bench --bench writes` prints them per scenario): a small batch with a long commit
//! points at the disk, a long time running the writes at the statements or the CPU.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// The writer's running totals, updated after every batch.
#[derive(Default)]
pub(super) struct WriterStats {
    batches: AtomicU64,
    writes: AtomicU64,
    running_nanos: AtomicU64,
    committing_nanos: AtomicU64,
}

impl WriterStats {
    /// One batch of `writes` that took `running` from `BEGIN` to its last write and
    /// `committing` for its `COMMIT` (successful or not).
    pub(super) fn record(&self, writes: usize, running: Duration, committing: Duration) {
        // u64 nanoseconds last 584 years.
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.writes.fetch_add(writes as u64, Ordering::Relaxed);
        self.running_nanos
            .fetch_add(nanos(running), Ordering::Relaxed);
        self.committing_nanos
            .fetch_add(nanos(committing), Ordering::Relaxed);
    }

    pub(super) fn figures(&self) -> WriterFigures {
        WriterFigures {
            batches: self.batches.load(Ordering::Relaxed),
            writes: self.writes.load(Ordering::Relaxed),
            running: Duration::from_nanos(self.running_nanos.load(Ordering::Relaxed)),
            committing: Duration::from_nanos(self.committing_nanos.load(Ordering::Relaxed)),
        }
    }
}

/// The writer's totals at one moment; the difference of two tells what happened in between.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterFigures {
    pub batches: u64,
    pub writes: u64,
    /// Time from `BEGIN` to the end of a batch's last write, summed over the batches.
    pub running: Duration,
    /// Time in `COMMIT`, summed over the batches.
    pub committing: Duration,
}

impl WriterFigures {
    /// What happened between `earlier` and these figures.
    pub fn since(self, earlier: Self) -> Self {
        Self {
            batches: self.batches.saturating_sub(earlier.batches),
            writes: self.writes.saturating_sub(earlier.writes),
            running: self.running.saturating_sub(earlier.running),
            committing: self.committing.saturating_sub(earlier.committing),
        }
    }

    /// Writes per batch, on average.
    pub fn mean_batch(&self) -> f64 {
        self.writes as f64 / self.batches.max(1) as f64
    }

    /// Time running the writes and time committing, per batch on average.
    pub fn per_batch(&self) -> (Duration, Duration) {
        let n = u32::try_from(self.batches.max(1)).unwrap_or(u32::MAX);
        (self.running / n, self.committing / n)
    }
}
