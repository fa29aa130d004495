//! The large-cluster event queue: a calendar queue (Brown 1988). Time is cut into buckets of
//! `2^width_shift` µs; a ring of [`RING`] buckets holds the near future unsorted, a binary heap
//! holds what lies beyond (timeouts, long timers), and only the bucket being drained is sorted.
//! With thousands of messages in flight (a PBFT broadcast round at n = 128 puts n² in the queue)
//! this replaces a heap's cache-missing sifts by one sort of 24-byte keys per bucket, after which
//! events are read from one small contiguous bucket (an event slab indexed at random missed the
//! cache on nearly every pop).

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
pub struct CalendarQueue<E> {
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
    /// Drained bucket vectors, kept for the next bucket to fill: each ring slot is used about
    /// once per run, so without this every bucket would allocate and grow afresh.
    spare: Vec<Vec<Item<E>>>,
    /// Events of buckets at or past cur + RING.
    far: BinaryHeap<Reverse<Item<E>>>,
    len: usize,
    inserted: u64,
}

impl<E> CalendarQueue<E> {
    /// A queue with buckets of `2^width_shift` µs, expecting about `capacity` events at once.
    pub fn new(width_shift: u32, capacity: usize) -> Self {
        CalendarQueue {
            width_shift: width_shift.min(40),
            cur: 0,
            current: Vec::with_capacity(capacity.min(1024)),
            current_keys: Vec::with_capacity(capacity.min(1024)),
            ring: (0..RING).map(|_| Vec::new()).collect(),
            in_ring: 0,
            spare: Vec::new(),
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
            let bucket = &mut self.ring[(b % RING) as usize];
            if bucket.capacity() == 0 {
                if let Some(spare) = self.spare.pop() {
                    *bucket = spare;
                }
            }
            bucket.push(item);
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
        if bucket.capacity() > 0 {
            self.spare.push(bucket);
        }
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
