//! The event queue: events ordered by (virtual time, insertion counter).
//!
//! The counter breaks ties in insertion order, so two events due at the same microsecond always
//! run in the same order, whatever the platform: the heart of "same seed, same run".
//!
//! A calendar queue (Brown 1988) for monotone use — nothing is ever scheduled before the event
//! being processed. Time is cut into buckets of `2^width_shift` µs; a ring of [`RING`] buckets
//! holds the near future unsorted, a binary heap holds what lies beyond (timeouts, long timers),
//! and only the bucket being drained is sorted. With thousands of messages in flight (a PBFT
//! broadcast round at n = 128 puts n² in the queue) this replaces a heap's cache-missing sifts by
//! one sort of 24-byte keys per bucket, after which events are read from one small contiguous
//! bucket (an event slab indexed at random missed the cache on nearly every pop). The simulation
//! picks the width so a bucket holds tens of events (`queue_width_shift` in `sim/lifecycle.rs`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Buckets in the ring: the near future the ring covers is `RING << width_shift` µs.
pub const RING: u64 = 64;

/// An event and its key, as it waits in a ring bucket or the far heap.
struct Item<E> {
    time_us: u64,
    order: u64,
    event: E,
}

impl<E> Item<E> {
    fn key(&self) -> (u64, u64) {
        (self.time_us, self.order)
    }
}

impl<E> PartialEq for Item<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl<E> Eq for Item<E> {}
impl<E> PartialOrd for Item<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Item<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// A min-queue of events by (time, insertion order) for monotone use: every pushed time must be
/// at or after the time of the last popped event.
pub struct EventQueue<E> {
    width_shift: u32,
    /// Absolute number of the bucket being drained.
    cur: u64,
    /// The current bucket's events, in arrival order; taken as they pop.
    current: Vec<Option<E>>,
    /// Keys of the current bucket's waiting events with their index in `current`, sorted
    /// descending so the earliest pops off the end. Sorting 24-byte keys and then reading events
    /// from one small contiguous bucket keeps the hot loop in cache.
    current_keys: Vec<(u64, u64, u32)>,
    /// `ring[b % RING]` holds, unsorted, the events of bucket b for cur < b < cur + RING.
    ring: Vec<Vec<Item<E>>>,
    in_ring: usize,
    /// Events of buckets at or past cur + RING.
    far: BinaryHeap<Reverse<Item<E>>>,
    len: usize,
    inserted: u64,
}

impl<E> EventQueue<E> {
    /// A queue with buckets of `2^width_shift` µs, expecting about `capacity` events at once.
    pub fn new(width_shift: u32, capacity: usize) -> Self {
        EventQueue {
            width_shift: width_shift.min(40),
            cur: 0,
            current: Vec::with_capacity(capacity.min(1024)),
            current_keys: Vec::with_capacity(capacity.min(1024)),
            ring: (0..RING).map(|_| Vec::new()).collect(),
            in_ring: 0,
            far: BinaryHeap::new(),
            len: 0,
            inserted: 0,
        }
    }

    fn bucket(&self, time_us: u64) -> u64 {
        time_us >> self.width_shift
    }

    /// Schedules `event` at `time_us`, which must not precede the last popped event's time.
    pub fn push(&mut self, time_us: u64, event: E) {
        let item = Item {
            time_us,
            order: self.inserted,
            event,
        };
        self.inserted += 1;
        self.len += 1;
        self.place(item);
    }

    fn place(&mut self, item: Item<E>) {
        let b = self.bucket(item.time_us);
        assert!(
            b >= self.cur,
            "event scheduled in the past ({} µs)",
            item.time_us
        );
        if b == self.cur {
            // Later than every waiting event of its time (the counter grows), so a binary search
            // finds its place in the descending order.
            let key = (item.time_us, item.order, self.current.len() as u32);
            let at = self.current_keys.partition_point(|k| *k > key);
            self.current_keys.insert(at, key);
            self.current.push(Some(item.event));
        } else if b < self.cur + RING {
            self.ring[(b % RING) as usize].push(item);
            self.in_ring += 1;
        } else {
            self.far.push(Reverse(item));
        }
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        if self.len == 0 {
            return None;
        }
        while self.current_keys.is_empty() {
            self.advance();
        }
        let (time_us, _, index) = self.current_keys.pop().expect("advance fills the bucket");
        self.len -= 1;
        let event = self.current[index as usize]
            .take()
            .expect("each index pops once");
        Some((time_us, event))
    }

    /// Moves to the next bucket (jumping empty stretches when the ring is empty) and makes it
    /// current: its ring events and any far events that now fall inside the ring.
    fn advance(&mut self) {
        self.current.clear();
        self.cur = match self.far.peek() {
            Some(Reverse(top)) if self.in_ring == 0 => self.bucket(top.time_us).max(self.cur + 1),
            _ => self.cur + 1,
        };
        while let Some(Reverse(top)) = self.far.peek() {
            if self.bucket(top.time_us) >= self.cur + RING {
                break;
            }
            let Reverse(item) = self.far.pop().expect("peeked");
            self.place(item);
        }
        let i = (self.cur % RING) as usize;
        let mut bucket = std::mem::take(&mut self.ring[i]);
        self.in_ring -= bucket.len();
        for item in bucket.drain(..) {
            self.current_keys
                .push((item.time_us, item.order, self.current.len() as u32));
            self.current.push(Some(item.event));
        }
        self.ring[i] = bucket;
        self.current_keys.sort_unstable_by(|a, b| b.cmp(a));
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<u64> {
        if let Some(k) = self.current_keys.last() {
            return Some(k.0);
        }
        if self.in_ring > 0 {
            let next = (1..RING)
                .map(|d| &self.ring[((self.cur + d) % RING) as usize])
                .find(|b| !b.is_empty())
                .expect("in_ring counts ring events");
            return next.iter().map(|e| e.time_us).min();
        }
        self.far.peek().map(|Reverse(e)| e.time_us)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn pops_by_time_then_insertion() {
        let mut q = EventQueue::new(2, 0);
        q.push(5, "c");
        q.push(1, "a");
        q.push(5, "d");
        q.push(1, "b");
        q.push(10_000, "f");
        q.push(9, "e");
        assert_eq!(q.peek_time(), Some(1));
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        let want = vec![
            (1, "a"),
            (1, "b"),
            (5, "c"),
            (5, "d"),
            (9, "e"),
            (10_000, "f"),
        ];
        assert_eq!(order, want);
        assert!(q.is_empty() && q.peek_time().is_none());
    }

    /// Interleaved monotone pushes and pops give exactly the order of a sort by (time, counter),
    /// for bucket widths from 1 µs to 64 ms and delays that reach past the ring.
    #[test]
    fn matches_a_sorted_reference_under_monotone_use() {
        for width_shift in [0, 4, 10, 16] {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3 + u64::from(width_shift));
            let mut q = EventQueue::new(width_shift, 0);
            let mut reference: Vec<(u64, u64)> = Vec::new();
            let (mut now, mut counter) = (0u64, 0u64);
            for _ in 0..20_000 {
                if rng.gen_bool(0.55) || reference.is_empty() {
                    let delay = match rng.gen_range(0..10u32) {
                        0 => 0,
                        1 => rng.gen_range(0..5_000_000u64),
                        _ => rng.gen_range(0..50_000u64),
                    };
                    q.push(now + delay, counter);
                    reference.push((now + delay, counter));
                    counter += 1;
                } else {
                    reference.sort_unstable();
                    let want = reference.remove(0);
                    assert_eq!(q.peek_time(), Some(want.0), "width 2^{width_shift}");
                    let (t, c) = q.pop().unwrap();
                    assert_eq!((t, c), want, "width 2^{width_shift}");
                    now = t;
                }
                assert_eq!(q.len(), reference.len());
            }
        }
    }
}
