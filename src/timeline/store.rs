//! Every trace event of the run so far, kept for the log and for navigation, in chunks that
//! the views can share without copying.
//!
//! The log renders only the rows in its view but must reach any event (it keeps them all). A
//! `Vec<TraceEvent>` would have to be copied into each view-model to be shared; here full chunks
//! of [`CHUNK`] events are frozen into `Rc<[TraceEvent]>`, so a view ([`Events`]) is a list of
//! pointers plus the short unfrozen tail, however long the run.

use pbft_engine::TraceEvent;
use std::rc::Rc;

/// Events per frozen chunk.
pub const CHUNK: usize = 1024;

/// The growing record.
#[derive(Clone, Debug, Default)]
pub struct EventStore {
    frozen: Vec<Rc<[TraceEvent]>>,
    tail: Vec<TraceEvent>,
    /// Per event, the engine step (counted from 0) that produced it.
    steps: Vec<u32>,
}

impl EventStore {
    pub fn push(&mut self, event: TraceEvent, step: u64) {
        self.tail.push(event);
        self.steps.push(step.min(u64::from(u32::MAX)) as u32);
        if self.tail.len() == CHUNK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.frozen.push(Rc::from(full));
        }
    }

    pub fn len(&self) -> usize {
        self.frozen.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<&TraceEvent> {
        match self.frozen.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK),
            None if i / CHUNK == self.frozen.len() => self.tail.get(i % CHUNK),
            None => None,
        }
    }

    pub fn last(&self) -> Option<&TraceEvent> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The engine step that produced event `i`.
    pub fn step_of(&self, i: usize) -> Option<u64> {
        self.steps.get(i).map(|&s| u64::from(s))
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> {
        self.frozen
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }

    /// A view of every event so far: the frozen chunks shared, the tail copied.
    pub fn view(&self) -> Events {
        Events {
            frozen: self.frozen.clone(),
            tail: Rc::from(self.tail.as_slice()),
        }
    }
}

/// A shared, immutable view of the events up to some moment.
#[derive(Clone, Debug, Default)]
pub struct Events {
    frozen: Vec<Rc<[TraceEvent]>>,
    tail: Rc<[TraceEvent]>,
}

impl Events {
    pub fn len(&self) -> usize {
        self.frozen.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<&TraceEvent> {
        match self.frozen.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK),
            None if i / CHUNK == self.frozen.len() => self.tail.get(i % CHUNK),
            None => None,
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> {
        self.frozen
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pbft_engine::{EndReason, TraceKind};

    fn event(t: u64) -> TraceEvent {
        TraceEvent {
            time_us: t,
            kind: TraceKind::End {
                reason: EndReason::Timeout,
                success: false,
            },
        }
    }

    #[test]
    fn chunks_keep_every_event_in_order() {
        let mut s = EventStore::default();
        for t in 0..(2 * CHUNK as u64 + 5) {
            s.push(event(t), t / 3);
        }
        let v = s.view();
        assert_eq!((s.len(), v.len()), (2 * CHUNK + 5, 2 * CHUNK + 5));
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK + 4] {
            assert_eq!(v.get(i).unwrap().time_us, i as u64);
            assert_eq!(s.get(i).unwrap().time_us, i as u64);
            assert_eq!(s.step_of(i), Some(i as u64 / 3));
        }
        assert!(v.get(2 * CHUNK + 5).is_none());
        assert!(v.iter().map(|e| e.time_us).eq(0..2 * CHUNK as u64 + 5));
        assert_eq!(s.last().unwrap().time_us, 2 * CHUNK as u64 + 4);
    }
}
