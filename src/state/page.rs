//! What the embed's page API reports, read from the run the reducer owns: the trace events a
//! host page hears of (commits, view changes); the outcome it reads from the scene. Read-only:
//! the API changes the run only through [`super::Action`]s, like every component.

use super::AppState;
use pbft_engine::{NodeId, TraceKind};

/// A trace event the page API forwards to the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum PageEvent {
    /// `node` committed (executed, under PBFT) sequence number `seq`.
    Commit {
        time_us: u64,
        node: NodeId,
        seq: u64,
    },
    /// `node` asked for view `view` (sent VIEW-CHANGE: `entered` false) or entered it (`true`).
    ViewChange {
        time_us: u64,
        node: NodeId,
        view: u64,
        entered: bool,
    },
}

impl AppState {
    /// How many trace events the run on screen has emitted.
    pub fn trace_len(&self) -> usize {
        self.driver.borrow().timeline.events.len()
    }

    /// The page events among the trace events from index `from` on.
    pub fn page_events(&self, from: usize) -> Vec<PageEvent> {
        let d = self.driver.borrow();
        let events = &d.timeline.events;
        events
            .iter()
            .skip(from)
            .filter_map(|e| match e.kind {
                TraceKind::Commit { node, seq, .. } => Some(PageEvent::Commit {
                    time_us: e.time_us,
                    node,
                    seq,
                }),
                TraceKind::ViewChange { node, view } => Some(PageEvent::ViewChange {
                    time_us: e.time_us,
                    node,
                    view,
                    entered: false,
                }),
                TraceKind::NewView { node, view } => Some(PageEvent::ViewChange {
                    time_us: e.time_us,
                    node,
                    view,
                    entered: true,
                }),
                _ => None,
            })
            .collect()
    }
}
