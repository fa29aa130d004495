//! The event log's content: every event of the run so far (none dropped), which of them match
//! the filters, and the words of a row, made only for the rows on screen.
//!
//! Filters: a node (events it sent, received or did) and a kind: a trace kind (`commit`,
//! `view-change`, ...) or a message phase (`phase:checkpoint`: its sends, deliveries and losses).
//! Every kind and every phase is offered from the start ([`kind_options`]), whether or not the
//! run has produced one yet.

use super::words::{describe, event_nodes, event_phase, KINDS};
use super::Names;
use crate::timeline::Events;
use pbft_engine::{NodeId, Phase, TraceEvent};
use std::rc::Rc;

/// The log's filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub node: Option<NodeId>,
    /// A trace kind's name, or `phase:<phase name>`.
    pub kind: Option<String>,
}

impl LogFilter {
    pub fn is_empty(&self) -> bool {
        self.node.is_none() && self.kind.is_none()
    }

    pub fn matches(&self, e: &TraceEvent) -> bool {
        let kind_ok = match self.kind.as_deref() {
            None => true,
            Some(k) => match k.strip_prefix("phase:") {
                Some(p) => event_phase(e).is_some_and(|ph| ph.name() == p),
                None => e.kind.name() == k,
            },
        };
        kind_ok
            && self
                .node
                .is_none_or(|n| event_nodes(e).is_some_and(|(a, b)| a == n || b == Some(n)))
    }
}

/// Every choice of the kind filter: (value, label).
pub fn kind_options() -> Vec<(String, String)> {
    let kinds = KINDS
        .iter()
        .map(|(k, label)| (k.to_string(), label.to_string()));
    let phases = Phase::ALL.iter().map(|p| {
        (
            format!("phase:{}", p.name()),
            format!("{} messages", p.name().to_ascii_uppercase()),
        )
    });
    kinds.chain(phases).collect()
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    /// The event's index in the run (for "go there").
    pub index: usize,
    pub time_us: u64,
    pub kind: &'static str,
    pub text: String,
}

/// What the log shows: the events so far and those matching the filters.
#[derive(Clone, Debug, Default)]
pub struct LogView {
    pub events: Events,
    /// Indices of the matching events, oldest first; `None` when nothing is filtered.
    pub matching: Option<Rc<[u32]>>,
    pub names: Names,
}

impl LogView {
    pub fn new(events: Events, names: Names, filter: &LogFilter) -> LogView {
        let matching = (!filter.is_empty()).then(|| {
            events
                .iter()
                .enumerate()
                .filter(|(_, e)| filter.matches(e))
                .map(|(i, _)| i as u32)
                .collect()
        });
        LogView {
            events,
            matching,
            names,
        }
    }

    /// Rows: matching events.
    pub fn len(&self) -> usize {
        self.matching
            .as_ref()
            .map_or(self.events.len(), |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `row`, counted from the newest (row 0).
    pub fn row(&self, row: usize) -> Option<LogRow> {
        let k = self.len().checked_sub(row + 1)?;
        let index = match &self.matching {
            Some(m) => *m.get(k)? as usize,
            None => k,
        };
        let e = self.events.get(index)?;
        Some(LogRow {
            index,
            time_us: e.time_us,
            kind: e.kind.name(),
            text: describe(e, &self.names),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Driver;
    use pbft_engine::{Config, Protocol};

    #[test]
    fn every_event_is_kept_and_filters_pick_their_rows() {
        let mut c = Config::for_protocol(Protocol::Pbft);
        c.set("requests", "12").unwrap();
        c.set("checkpoint-interval", "5").unwrap();
        let mut d = Driver::new(&c).unwrap();
        d.advance(u64::MAX, usize::MAX);
        let all = LogView::new(d.timeline.events.view(), d.names(), &LogFilter::default());
        assert_eq!(all.len(), d.timeline.events.len());
        assert!(
            all.len() > 200,
            "more than the old 200-row window: {}",
            all.len()
        );
        assert_eq!(all.row(0).unwrap().kind, "end", "newest first");
        assert_eq!(all.row(all.len() - 1).unwrap().index, 0);
        let checkpoints = LogFilter {
            node: None,
            kind: Some("phase:checkpoint".into()),
        };
        let v = LogView::new(d.timeline.events.view(), d.names(), &checkpoints);
        assert!(!v.is_empty());
        assert!((0..v.len()).all(|r| v.row(r).unwrap().text.contains("CHECKPOINT")));
        let node2_commits = LogFilter {
            node: Some(2),
            kind: Some("commit".into()),
        };
        let v = LogView::new(d.timeline.events.view(), d.names(), &node2_commits);
        assert_eq!(v.len(), 12);
        assert!(v.row(0).unwrap().text.starts_with("node 2 commits seq 12"));
    }

    #[test]
    fn every_kind_and_phase_is_offered() {
        let options = kind_options();
        assert!(options.iter().any(|(v, _)| v == "phase:checkpoint"));
        assert!(options.iter().any(|(v, _)| v == "timer-set"));
        assert_eq!(options.len(), KINDS.len() + Phase::ALL.len());
    }
}
