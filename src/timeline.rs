//! The run as the browser sees it: the engine's `Simulation` driven in virtual time, and the
//! record of everything it emitted so far (messages with their send and delivery times, the
//! event log, a live safety check).
//!
//! Pure Rust, no DOM: the reducer calls it and native tests cover it. Scrubbing back rebuilds the
//! driver from the same config and seed and replays: runs are deterministic, so the replay is the
//! run the user saw.
//!
//! Safety (Castro & Liskov, OSDI 1999 §4.5.1): no two honest replicas commit different requests
//! at one sequence number. The engine's ledger only reports this at the end of a run; the
//! timeline checks each honest COMMIT as it happens so the alarm rings at the moment it breaks.

use pbft_engine::Config;
use pbft_engine::{
    ConfigError, Digest, NodeId, NodeSnapshot, Phase, RunOutcome, Simulation, TraceEvent, TraceKind,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One message transmission as the diagram draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub phase: Phase,
    pub seq: u64,
    pub sent_us: u64,
    /// `None` when the network dropped it (drops happen at send time in the engine).
    pub deliver_us: Option<u64>,
}

/// Everything the run has emitted up to the cursor.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub events: Vec<TraceEvent>,
    pub msgs: Vec<Msg>,
    /// Indices into `msgs` that may still be drawn (in flight, or a drop still fading).
    active: Vec<usize>,
    /// Trace kind names seen so far (the log's kind filter offers these).
    pub kinds: BTreeSet<&'static str>,
    honest: Vec<bool>,
    first_honest_commit: BTreeMap<u64, (NodeId, Digest)>,
    /// Set at the first honest commit that contradicts an earlier one.
    pub safety_alarm: Option<String>,
    pub delivered: u64,
    pub dropped: u64,
    /// The space-time diagram, built as deliveries happen (see [`crate::view::lanes`]): per
    /// phase (indexed by `Phase::index`) an SVG path of arrows, and a path of drop ticks.
    pub arrow_paths: Vec<String>,
    pub drop_path: String,
    pub arrows_drawn: usize,
    pub arrows_omitted: usize,
    nodes: u32,
    end_us: u64,
}

impl Timeline {
    /// A timeline for `nodes` nodes whose run ends at `end_us` (the diagram's time axis).
    pub fn new(nodes: u32, byzantine: &[NodeId], end_us: u64) -> Timeline {
        let mut honest = vec![true; nodes as usize];
        for &b in byzantine {
            if let Some(h) = honest.get_mut(b as usize) {
                *h = false;
            }
        }
        Timeline {
            honest,
            arrow_paths: vec![String::new(); Phase::ALL.len()],
            nodes,
            end_us,
            ..Timeline::default()
        }
    }

    /// Records one trace event.
    pub fn push(&mut self, event: &TraceEvent) {
        self.kinds.insert(event.kind.name());
        match &event.kind {
            TraceKind::Send {
                id,
                from,
                to,
                phase,
                seq,
                deliver_us,
                ..
            } => {
                self.active.push(self.msgs.len());
                self.msgs.push(Msg {
                    id: *id,
                    from: *from,
                    to: *to,
                    phase: *phase,
                    seq: seq.unwrap_or(0),
                    sent_us: event.time_us,
                    deliver_us: Some(*deliver_us),
                });
            }
            TraceKind::Drop {
                id,
                from,
                to,
                phase,
                seq,
                ..
            } => {
                self.dropped += 1;
                if *from < self.nodes {
                    // A mark from 0.15 to 0.85 of the sender's lane.
                    let x = crate::view::LaneX::at(event.time_us, self.end_us);
                    let _ = write!(self.drop_path, "M{x} {from}.15v0.7");
                }
                self.active.push(self.msgs.len());
                self.msgs.push(Msg {
                    id: *id,
                    from: *from,
                    to: *to,
                    phase: *phase,
                    seq: seq.unwrap_or(0),
                    sent_us: event.time_us,
                    deliver_us: None,
                });
            }
            TraceKind::Deliver {
                from,
                to,
                phase,
                sent_us,
                ..
            } => {
                self.delivered += 1;
                self.draw_arrow(*from, *to, *phase, *sent_us, event.time_us);
            }
            TraceKind::Commit { node, seq, digest } => self.check_commit(*node, *seq, *digest),
            TraceKind::Propose { .. }
            | TraceKind::Timer { .. }
            | TraceKind::TimerSet { .. }
            | TraceKind::TimerCancel { .. }
            | TraceKind::End { .. }
            | TraceKind::ViewChange { .. }
            | TraceKind::NewView { .. }
            | TraceKind::Accept { .. }
            | TraceKind::StateTransfer { .. } => {}
        }
        self.events.push(event.clone());
    }

    fn draw_arrow(&mut self, from: NodeId, to: NodeId, phase: Phase, sent_us: u64, at_us: u64) {
        if from >= self.nodes || to >= self.nodes {
            return; // clients have no lane
        }
        if self.arrows_drawn >= crate::view::MAX_ARROWS {
            self.arrows_omitted += 1;
            return;
        }
        self.arrows_drawn += 1;
        let (x0, x1) = (
            crate::view::LaneX::at(sent_us, self.end_us),
            crate::view::LaneX::at(at_us, self.end_us),
        );
        // From the middle of the sender's lane (y = id + 0.5) to the middle of the receiver's.
        if let Some(path) = self.arrow_paths.get_mut(phase.index()) {
            let _ = write!(path, "M{x0} {from}.5L{x1} {to}.5");
        }
    }

    fn check_commit(&mut self, node: NodeId, seq: u64, digest: Digest) {
        if !self.honest.get(node as usize).copied().unwrap_or(false) {
            return;
        }
        match self.first_honest_commit.get(&seq) {
            None => {
                self.first_honest_commit.insert(seq, (node, digest));
            }
            Some(&(other, d)) if d != digest && self.safety_alarm.is_none() => {
                self.safety_alarm = Some(format!(
                    "Safety violated: honest node {other} committed {} but honest node {node} \
                     committed {} at sequence number {seq}",
                    d.short(),
                    digest.short()
                ));
            }
            Some(_) => {}
        }
    }

    /// Messages to draw at `now_us`: those in flight, and drops younger than `fade_us`. Forgets
    /// the ones that can never be drawn again (the cursor only moves forward; a seek back
    /// rebuilds the timeline).
    pub fn visible(&mut self, now_us: u64, fade_us: u64) -> Vec<&Msg> {
        let msgs = &self.msgs;
        self.active.retain(|&i| {
            let m = &msgs[i];
            match m.deliver_us {
                Some(d) => d > now_us,
                None => m.sent_us + fade_us > now_us,
            }
        });
        self.active
            .iter()
            .map(|&i| &msgs[i])
            .filter(|m| m.sent_us <= now_us)
            .collect()
    }
}

/// The engine run plus its timeline and the display cursor.
pub struct Driver {
    sim: Simulation,
    pub config: Config,
    pub timeline: Timeline,
    /// The virtual time on screen; never ahead of an unprocessed event.
    pub cursor_us: u64,
    /// When the run ends (learned up front from an untraced run of the same config and seed).
    pub end_us: u64,
    /// Bumped whenever an event is processed: the view-model is rebuilt only then.
    pub version: u64,
}

impl Driver {
    /// A fresh run of `config` (trial 0) at time 0. Validation errors come back untouched.
    pub fn new(config: &Config) -> Result<Driver, ConfigError> {
        let end_us = Simulation::new(config, 0)?.run().end_us;
        Driver::with_end(config, end_us)
    }

    /// The same run again from time 0, for a seek back. The end time is kept rather than learned
    /// again: the run is deterministic, and learning it means running the whole simulation (at
    /// n = 64 as long as the replay itself).
    pub fn replay(&self) -> Driver {
        Driver::with_end(&self.config, self.end_us).expect("a config that ran builds again")
    }

    fn with_end(config: &Config, end_us: u64) -> Result<Driver, ConfigError> {
        let sim = Simulation::new(config, 0)?.with_trace(true);
        let timeline = Timeline::new(config.nodes, sim.byzantine_nodes(), end_us);
        Ok(Driver {
            sim,
            config: config.clone(),
            timeline,
            cursor_us: 0,
            end_us,
            version: 0,
        })
    }

    fn step_once(&mut self) -> bool {
        match self.sim.step() {
            Some(events) => {
                for e in events {
                    self.timeline.push(e);
                }
                self.version += 1;
                true
            }
            None => false,
        }
    }

    /// Due time of the next event, or `None` once the run has ended.
    fn next_due(&self) -> Option<u64> {
        if self.sim.outcome().is_some() {
            return None;
        }
        // An empty queue before the end still has one step to take (it ends the run).
        Some(self.sim.next_event_us().unwrap_or(self.sim.now_us()))
    }

    /// Processes events due up to `target_us`, at most `max_events` of them. Returns whether the
    /// cursor reached the target; if the budget ran out the cursor stops at the last event
    /// processed, so the screen never shows a time whose events have not happened.
    pub fn advance(&mut self, target_us: u64, max_events: usize) -> bool {
        let mut done = 0;
        while let Some(t) = self.next_due() {
            if t > target_us {
                break;
            }
            if done >= max_events {
                self.cursor_us = self.cursor_us.max(self.sim.now_us());
                return false;
            }
            self.step_once();
            done += 1;
        }
        self.cursor_us = self.cursor_us.max(target_us.min(self.end_us));
        true
    }

    /// Processes the next event that shows something (skipping silent internal steps) and puts
    /// the cursor on it. Returns false once the run is over.
    pub fn step_event(&mut self) -> bool {
        let before = self.timeline.events.len();
        while self.next_due().is_some() {
            self.step_once();
            self.cursor_us = self.cursor_us.max(self.sim.now_us());
            if self.timeline.events.len() > before {
                return true;
            }
        }
        false
    }

    /// The run has ended and the cursor is at its end.
    pub fn finished(&self) -> bool {
        self.sim.outcome().is_some() && self.cursor_us >= self.end_us
    }

    /// The outcome, once the run has reached its end on screen.
    pub fn outcome(&self) -> Option<&RunOutcome> {
        self.sim.outcome().filter(|_| self.cursor_us >= self.end_us)
    }

    pub fn byzantine(&self) -> &[NodeId] {
        self.sim.byzantine_nodes()
    }

    pub fn snapshot(&self, id: NodeId) -> Option<NodeSnapshot> {
        self.sim.snapshot(id)
    }

    /// How the log names this run's endpoints.
    pub fn names(&self) -> crate::view::Names {
        crate::view::Names {
            replicas: self.sim.replicas(),
            clients: self.sim.clients().len() as u32,
            f: self.config.f(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Config {
        let mut c = Config::default();
        for (k, v) in pairs {
            c.set(k, v).unwrap();
        }
        c
    }

    #[test]
    fn advancing_in_slices_equals_one_go() {
        let c = config(&[("nodes", "7"), ("drop", "0.1"), ("seed", "5")]);
        let mut a = Driver::new(&c).unwrap();
        a.advance(u64::MAX, usize::MAX);
        let mut b = Driver::new(&c).unwrap();
        let mut t = 0;
        while !b.finished() {
            t += 1_000;
            b.advance(t, 7);
        }
        assert_eq!(a.timeline.events, b.timeline.events, "config {c:?}");
        assert_eq!(a.cursor_us, a.end_us);
        assert!(a.outcome().is_some());
    }

    #[test]
    fn replay_is_the_same_run() {
        let c = config(&[("nodes", "7"), ("drop", "0.1"), ("seed", "9")]);
        let mut a = Driver::new(&c).unwrap();
        a.advance(30_000, usize::MAX);
        let mut b = a.replay();
        assert_eq!((b.cursor_us, b.end_us), (0, a.end_us));
        b.advance(u64::MAX, usize::MAX);
        a.advance(u64::MAX, usize::MAX);
        assert_eq!(a.timeline.events, b.timeline.events);
        assert_eq!(b.cursor_us, b.end_us);
    }

    #[test]
    fn budget_keeps_cursor_at_last_processed_event() {
        let c = config(&[("nodes", "16")]);
        let mut d = Driver::new(&c).unwrap();
        assert!(!d.advance(d.end_us, 10));
        let last = d.timeline.events.last().unwrap().time_us;
        assert!(d.cursor_us <= last.max(d.cursor_us));
        assert!(d.cursor_us < d.end_us);
    }

    #[test]
    fn step_event_always_shows_something() {
        let mut d = Driver::new(&Config::default()).unwrap();
        let mut n = 0;
        while d.step_event() {
            n += 1;
        }
        assert!(n > 10);
        assert!(d.finished());
        assert_eq!(d.timeline.events.last().unwrap().kind.name(), "end");
    }

    #[test]
    fn in_flight_messages_are_between_send_and_delivery() {
        let mut d = Driver::new(&config(&[("nodes", "4"), ("drop", "0.2")])).unwrap();
        d.advance(12_000, usize::MAX);
        let now = d.cursor_us;
        for m in d.timeline.visible(now, 5_000) {
            assert!(m.sent_us <= now);
            match m.deliver_us {
                Some(t) => assert!(t > now),
                None => assert!(m.sent_us + 5_000 > now),
            }
        }
    }

    #[test]
    fn honest_run_raises_no_alarm() {
        for seed in 0..20 {
            let c = config(&[("seed", &seed.to_string()), ("byzantine", "3")]);
            let mut d = Driver::new(&c).unwrap();
            d.advance(u64::MAX, usize::MAX);
            let violated = d.outcome().unwrap().safety_violation;
            assert_eq!(d.timeline.safety_alarm.is_some(), violated, "seed {seed}");
        }
    }
}
