//! The event queue: events ordered by (virtual time, insertion counter).
//!
//! The counter breaks ties in insertion order, so two events due at the same microsecond always
//! run in the same order, whatever the platform: the heart of "same seed, same run". Use is
//! monotone: nothing is ever scheduled before the event being processed.
//!
//! Two implementations give exactly the same order, and a run picks by how many events it will
//! have in flight (about n², one broadcast round): a binary heap over a slab for small clusters,
//! where it is fastest (the tutorial sweep), and a calendar queue for large ones, where the heap's
//! sifts miss the cache (PBFT at n ≥ 64 runs about 1.4× faster). BENCHMARKS.md has the figures.

mod calendar;
mod heap;

use calendar::CalendarQueue;
use heap::HeapQueue;

/// From this many events expected in flight on, the calendar queue is faster.
const CALENDAR_FROM_IN_FLIGHT: u64 = 1024;

/// A min-queue of events by (time, insertion order).
pub enum EventQueue<E> {
    Heap(HeapQueue<E>),
    Calendar(CalendarQueue<E>),
}

impl<E> EventQueue<E> {
    /// A queue for about `in_flight` pending events whose delays spread over `spread_us`.
    pub fn for_load(in_flight: u64, spread_us: u64) -> Self {
        let capacity = in_flight.min(4096) as usize + 16;
        if in_flight < CALENDAR_FROM_IN_FLIGHT {
            EventQueue::Heap(HeapQueue::with_capacity(capacity))
        } else {
            EventQueue::Calendar(CalendarQueue::new(
                width_shift(in_flight, spread_us),
                capacity,
            ))
        }
    }

    /// Schedules `event` at `time_us`, which must not precede the last popped event's time.
    pub fn push(&mut self, time_us: u64, event: E) {
        match self {
            EventQueue::Heap(q) => q.push(time_us, event),
            EventQueue::Calendar(q) => q.push(time_us, event),
        }
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        match self {
            EventQueue::Heap(q) => q.pop(),
            EventQueue::Calendar(q) => q.pop(),
        }
    }

    /// The time of the earliest event.
    pub fn peek_time(&self) -> Option<u64> {
        match self {
            EventQueue::Heap(q) => q.peek_time(),
            EventQueue::Calendar(q) => q.peek_time(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            EventQueue::Heap(q) => q.len(),
            EventQueue::Calendar(q) => q.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Calendar bucket width as a power of two µs: about 32 events per bucket while `in_flight`
/// events spread over `spread_us`, and wide enough that the ring covers the spread, so messages
/// rarely wait in the far heap.
fn width_shift(in_flight: u64, spread_us: u64) -> u32 {
    let width_us = (32 * spread_us / in_flight.max(1))
        .max(spread_us / 32)
        .max(1);
    63 - width_us.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn both() -> Vec<(&'static str, EventQueue<u64>)> {
        let mut out = vec![("heap", EventQueue::for_load(10, 50_000))];
        for shift in [0, 4, 10, 16] {
            out.push((
                "calendar",
                EventQueue::Calendar(CalendarQueue::new(shift, 0)),
            ));
        }
        out
    }

    #[test]
    fn pops_by_time_then_insertion() {
        for (name, mut q) in both() {
            for (t, v) in [(5, 2), (1, 0), (5, 3), (1, 1), (10_000, 5), (9, 4)] {
                q.push(t, v);
            }
            assert_eq!(q.peek_time(), Some(1), "{name}");
            let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
            let want = vec![(1, 0), (1, 1), (5, 2), (5, 3), (9, 4), (10_000, 5)];
            assert_eq!(order, want, "{name}");
            assert!(q.is_empty() && q.peek_time().is_none(), "{name}");
        }
    }

    /// Interleaved monotone pushes and pops give exactly the order of a sort by (time, counter),
    /// for the heap and calendars from 1 µs to 64 ms buckets, with delays past the ring.
    #[test]
    fn matches_a_sorted_reference_under_monotone_use() {
        for (i, (name, mut q)) in both().into_iter().enumerate() {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3 + i as u64);
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
                    assert_eq!(q.peek_time(), Some(want.0), "{name} #{i}");
                    let (t, c) = q.pop().unwrap();
                    assert_eq!((t, c), want, "{name} #{i}");
                    now = t;
                }
                assert_eq!(q.len(), reference.len(), "{name} #{i}");
            }
        }
    }

    #[test]
    fn small_loads_use_the_heap_and_large_the_calendar() {
        assert!(matches!(
            EventQueue::<u8>::for_load(100, 50_000),
            EventQueue::Heap(_)
        ));
        assert!(matches!(
            EventQueue::<u8>::for_load(16_384, 50_000),
            EventQueue::Calendar(_)
        ));
    }
}
