//! The event queue: events ordered by (virtual time, insertion counter).
//!
//! The counter breaks ties in insertion order, so two events due at the same microsecond always
//! run in the same order, whatever the platform: the heart of "same seed, same run".

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
        EventQueue { heap: BinaryHeap::new(), slab: Vec::new(), free: Vec::new(), inserted: 0 }
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
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
        self.heap.push(Scheduled { time_us, order, slot });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(u64, E)> {
        let s = self.heap.pop()?;
        self.free.push(s.slot);
        let event = self.slab[s.slot as usize].take().expect("a scheduled slot holds its event");
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
}
