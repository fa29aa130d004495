//! The run as the browser sees it: the engine's `Simulation` driven in virtual time
//! ([`Driver`]), and the record of everything it emitted so far ([`Timeline`]): messages with
//! their send and delivery times, every event (for the log and for navigation), the view each
//! replica entered, and a live safety check.
//!
//! Pure Rust, no DOM: the reducer calls it and native tests cover it. Going back rebuilds the
//! driver from the same config and seed and replays: runs are deterministic, so the replay is
//! the run the user saw.
//!
//! Safety (Castro & Liskov, OSDI 1999 §4.5.1): no two honest replicas commit different requests
//! at one sequence number. The engine's ledger only reports this at the end of a run; the
//! timeline checks each honest COMMIT as it happens so the alarm rings at the moment it breaks.
//!
//! Conflicting digests: at each sequence number the first digest a PRE-PREPARE, PREPARE or
//! COMMIT carries is the usual one; a message carrying any other (an equivocating primary's
//! second digest, a fake PREPARE) is marked `alt` and drawn apart on the graph and the diagram.

mod driver;
pub mod store;

pub use driver::{Driver, Position};
pub use store::{EventStore, Events};

use pbft_engine::{Digest, NodeId, Phase, TraceEvent, TraceKind, NULL_DIGEST};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One message transmission as the graph and the diagram draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub phase: Phase,
    pub seq: u64,
    /// Carries a digest other than the first one seen at its sequence number.
    pub alt: bool,
    pub sent_us: u64,
    /// `None` when the network dropped it (drops happen at send time in the engine).
    pub deliver_us: Option<u64>,
    /// The index of its delivery event, once delivered.
    pub delivered_event: Option<usize>,
}

/// Everything the run has emitted up to the cursor.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub events: EventStore,
    pub msgs: Vec<Msg>,
    /// Message id → index in `msgs` (ids are dense, but not in `msgs` order: a duplicate is
    /// recorded first); `u32::MAX` for none. Vectors rather than maps here and below: each B-tree
    /// instantiation costs the wasm bundle several KB.
    by_id: Vec<u32>,
    /// Indices into `msgs` that may still be drawn (in flight, or a drop still fading).
    active: Vec<usize>,
    honest: Vec<bool>,
    first_honest_commit: BTreeMap<u64, (NodeId, Digest)>,
    /// Set at the first honest commit that contradicts an earlier one.
    pub safety_alarm: Option<String>,
    pub delivered: u64,
    pub dropped: u64,
    /// The space-time diagram, built as deliveries happen (see [`crate::view::lanes`]): per
    /// phase and digest (index `2 · phase + alt`) an SVG path of arrows, and a path of drop ticks.
    pub arrow_paths: Vec<String>,
    pub drop_path: String,
    pub arrows_drawn: usize,
    pub arrows_omitted: usize,
    /// Lanes: replicas then clients.
    lanes: u32,
    /// The diagram's time axis ends here.
    span_us: u64,
    /// Per sequence number (the index), the digests seen in agreement messages, first first.
    digests: Vec<Vec<Digest>>,
    /// Per replica: the last view it entered, and the view it asks for while changing view.
    pub entered: Vec<u64>,
    pub asking: Vec<Option<u64>>,
    /// Counts steps into a new phase: a send of another phase than the previous send, or an
    /// event that changes what a node or the client knows (see [`is_milestone`]).
    pub phase_marks: u64,
    last_phase: Option<Phase>,
    /// The newest milestone event, for the caption.
    pub last_milestone: Option<usize>,
}

/// Sequence numbers beyond this are not checked for conflicting digests (a bound on memory).
const MAX_TRACKED_SEQ: usize = 1 << 20;

/// Events that change what a node or the client has decided: the caption tells them, and
/// "next phase" stops at them.
pub fn is_milestone(kind: &TraceKind) -> bool {
    match kind {
        TraceKind::Propose { .. }
        | TraceKind::Timer { .. }
        | TraceKind::Commit { .. }
        | TraceKind::End { .. }
        | TraceKind::ViewChange { .. }
        | TraceKind::NewView { .. }
        | TraceKind::Accept { .. }
        | TraceKind::StateTransfer { .. } => true,
        TraceKind::Send { .. }
        | TraceKind::Drop { .. }
        | TraceKind::Deliver { .. }
        | TraceKind::TimerSet { .. }
        | TraceKind::TimerCancel { .. } => false,
    }
}

impl Timeline {
    /// A timeline for `replicas` replicas and `clients` clients whose diagram spans `span_us`.
    pub fn new(replicas: u32, clients: u32, byzantine: &[NodeId], span_us: u64) -> Timeline {
        let mut honest = vec![true; replicas as usize];
        for &b in byzantine {
            if let Some(h) = honest.get_mut(b as usize) {
                *h = false;
            }
        }
        Timeline {
            honest,
            arrow_paths: vec![String::new(); 2 * Phase::ALL.len()],
            lanes: replicas + clients,
            span_us,
            entered: vec![0; replicas as usize],
            asking: vec![None; replicas as usize],
            ..Timeline::default()
        }
    }

    /// Whether `digest` at `seq` differs from the first digest seen there (recording it).
    fn is_alt(&mut self, phase: Phase, seq: u64, digest: Digest) -> bool {
        let agreement = matches!(phase, Phase::PrePrepare | Phase::Prepare | Phase::Commit);
        if !agreement || digest == NULL_DIGEST {
            return false;
        }
        let Ok(i) = usize::try_from(seq) else {
            return false;
        };
        if i >= MAX_TRACKED_SEQ {
            return false;
        }
        if self.digests.len() <= i {
            self.digests.resize(i + 1, Vec::new());
        }
        let seen = &mut self.digests[i];
        match seen.iter().position(|&d| d == digest) {
            Some(i) => i > 0,
            None => {
                seen.push(digest);
                seen.len() > 1
            }
        }
    }

    /// Whether `digest` differs from the first digest seen at `seq` (the null request never
    /// counts as a conflict).
    pub fn is_alt_digest(&self, seq: u64, digest: Digest) -> bool {
        digest != NULL_DIGEST
            && usize::try_from(seq)
                .ok()
                .and_then(|i| self.digests.get(i))
                .and_then(|seen| seen.first())
                .is_some_and(|&first| first != digest)
    }

    /// Records one trace event, produced by engine step `step`.
    pub fn push(&mut self, event: &TraceEvent, step: u64) {
        let index = self.events.len();
        match &event.kind {
            TraceKind::Send {
                id,
                from,
                to,
                phase,
                seq,
                digest,
                deliver_us,
                ..
            } => {
                let alt = match (seq, digest) {
                    (Some(seq), Some(digest)) => self.is_alt(*phase, *seq, *digest),
                    _ => false,
                };
                if self.last_phase != Some(*phase) {
                    self.last_phase = Some(*phase);
                    self.phase_marks += 1;
                }
                self.record(Msg {
                    id: *id,
                    from: *from,
                    to: *to,
                    phase: *phase,
                    seq: seq.unwrap_or(0),
                    alt,
                    sent_us: event.time_us,
                    deliver_us: Some(*deliver_us),
                    delivered_event: None,
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
                if *from < self.lanes {
                    // A mark from 0.15 to 0.85 of the sender's lane.
                    let x = crate::view::LaneX::at(event.time_us, self.span_us);
                    let _ = write!(self.drop_path, "M{x} {from}.15v0.7");
                }
                self.record(Msg {
                    id: *id,
                    from: *from,
                    to: *to,
                    phase: *phase,
                    seq: seq.unwrap_or(0),
                    alt: false,
                    sent_us: event.time_us,
                    deliver_us: None,
                    delivered_event: None,
                });
            }
            TraceKind::Deliver {
                id,
                from,
                to,
                phase,
                sent_us,
            } => {
                self.delivered += 1;
                let known = usize::try_from(*id).ok().and_then(|i| self.by_id.get(i));
                let alt = match known.copied().filter(|&i| i != u32::MAX) {
                    Some(i) => {
                        let m = &mut self.msgs[i as usize];
                        m.delivered_event = Some(index);
                        m.alt
                    }
                    None => false,
                };
                self.draw_arrow(*from, *to, *phase, alt, *sent_us, event.time_us);
            }
            TraceKind::Commit { node, seq, digest } => self.check_commit(*node, *seq, *digest),
            TraceKind::ViewChange { node, view } => {
                if let Some(a) = self.asking.get_mut(*node as usize) {
                    *a = Some(*view);
                }
            }
            TraceKind::NewView { node, view } => {
                if let Some(e) = self.entered.get_mut(*node as usize) {
                    *e = *view;
                    self.asking[*node as usize] = None;
                }
            }
            TraceKind::Propose { .. }
            | TraceKind::Timer { .. }
            | TraceKind::TimerSet { .. }
            | TraceKind::TimerCancel { .. }
            | TraceKind::End { .. }
            | TraceKind::Accept { .. }
            | TraceKind::StateTransfer { .. } => {}
        }
        if is_milestone(&event.kind) {
            self.phase_marks += 1;
            self.last_phase = None;
            self.last_milestone = Some(index);
        }
        self.events.push(event.clone(), step);
    }

    fn record(&mut self, m: Msg) {
        if let Ok(id) = usize::try_from(m.id) {
            if self.by_id.len() <= id {
                self.by_id.resize(id + 1, u32::MAX);
            }
            self.by_id[id] = self.msgs.len() as u32;
        }
        self.active.push(self.msgs.len());
        self.msgs.push(m);
    }

    fn draw_arrow(
        &mut self,
        from: NodeId,
        to: NodeId,
        phase: Phase,
        alt: bool,
        sent_us: u64,
        at_us: u64,
    ) {
        if from >= self.lanes || to >= self.lanes {
            return;
        }
        if self.arrows_drawn >= crate::view::MAX_ARROWS {
            self.arrows_omitted += 1;
            return;
        }
        self.arrows_drawn += 1;
        let (x0, x1) = (
            crate::view::LaneX::at(sent_us, self.span_us),
            crate::view::LaneX::at(at_us, self.span_us),
        );
        // From the middle of the sender's lane (y = id + 0.5) to the middle of the receiver's.
        if let Some(path) = self
            .arrow_paths
            .get_mut(2 * phase.index() + usize::from(alt))
        {
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
    /// the ones that can never be drawn again (the cursor only moves forward; going back
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

    /// The primary whose view has started: the primary of the highest view an honest replica
    /// entered (a NEW-VIEW sent or accepted), not of a view only asked for.
    pub fn started_view(&self) -> u64 {
        let honest = self
            .entered
            .iter()
            .zip(&self.honest)
            .filter(|(_, &h)| h)
            .map(|(&v, _)| v)
            .max();
        honest.unwrap_or_else(|| self.entered.iter().copied().max().unwrap_or(0))
    }

    /// The delivered message whose arrow passes nearest to (`x`, `lane`) in the diagram's
    /// coordinates (x in `0..LANES_WIDTH`, lane in lanes), if one passes within `tolerance`
    /// lanes; returns its delivery event.
    pub fn arrow_near(&self, x: f64, lane: f64, tolerance: f64) -> Option<usize> {
        let span = self.span_us.max(1) as f64;
        let w = crate::view::LANES_WIDTH;
        let mut best: Option<(f64, usize)> = None;
        for m in &self.msgs {
            let (Some(t1), Some(event)) = (m.deliver_us, m.delivered_event) else {
                continue;
            };
            let (x0, x1) = (w * m.sent_us as f64 / span, w * t1 as f64 / span);
            if x < x0.min(x1) - 2.0 || x > x0.max(x1) + 2.0 {
                continue;
            }
            let (y0, y1) = (f64::from(m.from) + 0.5, f64::from(m.to) + 0.5);
            let f = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.5 };
            let y = y0 + (y1 - y0) * f.clamp(0.0, 1.0);
            let d = (y - lane).abs();
            if d <= tolerance && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, event));
            }
        }
        best.map(|(_, e)| e)
    }
}

#[cfg(test)]
mod tests;
