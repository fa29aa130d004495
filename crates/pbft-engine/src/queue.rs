//! The event queue: events ordered by (virtual time, insertion counter).
//!
//! The counter breaks ties in insertion order, so two events due at the same microsecond always
//! run in the same order, whatever the platform: the heart of "same seed, same run".
//!
//! A binary heap of 24-byte entries over a slab of events. A radix heap over the 128-bit key
//! (time, counter) was tried and measured slower on the tutorial sweep (BENCHMARKS.md): its
//! entries move more often than a heap of a few hundred entries sifts.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A heap entry: small (24 bytes) so sifting is cheap; the event itself waits in a slab.
#[derive(PartialEq, Eq)]
struct Scheduled {
    time_us: u64,
    order: u64,
    slot: u32,
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed, so the max-heap pops the earliest (time, order) first. `order` is unique, so
    /// `slot` never decides.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time_us, other.order).cmp(&(self.time_us, self.order))
    }
}

/// A min-queue of events by (time, insertion order).
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled>,
    slab: Vec<Option<E>>,
    free: Vec<u32>,
    inserted: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slab: Vec::new(),
            free: Vec::new(),
            inserted: 0,
        }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A queue with room for `capacity` pending events before it reallocates.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            slab: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
            inserted: 0,
        }
    }

    /// Schedules `event` at `time_us`.
    pub fn push(&mut self, time_us: u64, event: E) {
        let order = self.inserted;
        self.inserted += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slab[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slab.push(Some(event));
                (self.slab.len() - 1) as u32
            }
        };
        self.heap.push(Scheduled {
            time_us,
            order,
            slot,
        });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        let s = self.heap.pop()?;
        self.free.push(s.slot);
        let event = self.slab[s.slot as usize]
            .take()
            .expect("a scheduled slot holds its event");
        Some((s.time_us, event))
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|s| s.time_us)
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn pops_by_time_then_insertion() {
        let mut q = EventQueue::new();
        q.push(5, "c");
        q.push(1, "a");
        q.push(5, "d");
        q.push(1, "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(1, "a"), (1, "b"), (5, "c"), (5, "d")]);
    }

    /// Interleaved monotone pushes and pops give exactly the order of a sort by (time, counter).
    #[test]
    fn matches_a_sorted_reference_under_monotone_use() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut q = EventQueue::new();
        let mut reference: Vec<(u64, u64)> = Vec::new();
        let (mut now, mut counter) = (0u64, 0u64);
        for _ in 0..20_000 {
            if rng.gen_bool(0.55) || reference.is_empty() {
                let t = now + rng.gen_range(0..50_000u64);
                q.push(t, counter);
                reference.push((t, counter));
                counter += 1;
            } else {
                reference.sort_unstable();
                let want = reference.remove(0);
                assert_eq!(q.peek_time(), Some(want.0));
                let (t, c) = q.pop().unwrap();
                assert_eq!((t, c), want);
                now = t;
            }
            assert_eq!(q.len(), reference.len());
        }
    }
}
