//! The view-model: plain data the components draw, derived from the driver by pure functions.
//!
//! Nothing here touches the DOM, so native tests check the geometry and the text. A node's
//! state comes from `Simulation::snapshot`: the status of its first unfinished sequence number
//! and its PREPARE / COMMIT vote counts against the 2f + 1 quorum (OSDI 1999 §4.2: prepared
//! needs 2f matching PREPAREs plus the PRE-PREPARE, committed-local 2f + 1 COMMITs; the
//! snapshot's `quorum` says how the protocol counts).

use crate::timeline::{Driver, Msg};
use pbft_engine::{NodeId, NodeSnapshot, Phase, SlotSnapshot, TraceEvent, Votes};
use std::rc::Rc;

pub mod words;
pub use words::{describe, event_nodes, Names};

/// Width and height of the graph's SVG coordinate space.
pub const GRAPH_SIZE: f64 = 600.0;

/// Radius of the ring the nodes sit on. 0.36 of the graph leaves room outside the ring for the
/// vote counters of the nodes at the far left and right (two lines of about 46 units each).
pub const RING_RADIUS: f64 = GRAPH_SIZE * 0.36;
/// Most message dots drawn at once; beyond it the graph says how many are hidden.
pub const MAX_DOTS: usize = 2_500;
/// Most arrows drawn in the space-time diagram.
pub const MAX_ARROWS: usize = 6_000;
/// Most log rows rendered.
pub const MAX_LOG_ROWS: usize = 200;
/// Width of the space-time diagram's coordinate space.
pub const LANES_WIDTH: f64 = 1000.0;

/// An `Rc` compared by pointer: props built once per change compare in O(1).
#[derive(Debug, Default)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
}

/// Node positions on a circle, node 0 at the top, clockwise.
pub fn ring_layout(n: u32) -> Vec<(f64, f64)> {
    let c = GRAPH_SIZE / 2.0;
    let r = RING_RADIUS;
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * f64::from(i) / f64::from(n.max(1))
                - std::f64::consts::FRAC_PI_2;
            (c + r * a.cos(), c + r * a.sin())
        })
        .collect()
}

/// Where an endpoint sits: a node on the ring, or (ids beyond the ring: clients of protocols
/// that model them) a column at the top left.
pub fn endpoint(positions: &[(f64, f64)], id: NodeId) -> (f64, f64) {
    match positions.get(id as usize) {
        Some(&p) => p,
        None => {
            let k = f64::from(id - positions.len() as u32);
            (24.0, 24.0 + 22.0 * (k % 20.0))
        }
    }
}

/// Radius of a node circle: as big as the ring allows, within 6..24.
pub fn node_radius(n: u32) -> f64 {
    let circumference = std::f64::consts::TAU * RING_RADIUS;
    (circumference / f64::from(n.max(1)) * 0.36).clamp(6.0, 24.0)
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    pub x: f64,
    pub y: f64,
    pub byzantine: bool,
    pub primary: bool,
    pub status: &'static str,
    pub view: u64,
    pub seq: u64,
    pub prepares: u32,
    pub commits: u32,
    pub quorum: u32,
    pub committed: bool,
    pub selected: bool,
}

impl NodeView {
    /// `P 5/7  C 3/7`: votes seen against the quorum.
    pub fn counters(&self) -> String {
        let (prepares, commits) = self.counter_lines();
        format!("{prepares}  {commits}")
    }

    /// The two halves of [`NodeView::counters`]: `P 5/7` and `C 3/7`.
    pub fn counter_lines(&self) -> (String, String) {
        (
            format!("P {}/{}", self.prepares, self.quorum),
            format!("C {}/{}", self.commits, self.quorum),
        )
    }
}

/// The slot a node is working on: its first sequence number not yet committed, else its last.
pub fn current_slot(s: &NodeSnapshot) -> Option<&SlotSnapshot> {
    s.slots
        .iter()
        .find(|x| x.committed.is_none())
        .or_else(|| s.slots.last())
}

/// Votes for the slot's pre-prepared digest (or the best-supported digest before one arrives).
fn votes_for(slot: &SlotSnapshot, votes: &[Votes]) -> u32 {
    let matching = slot
        .pre_prepare
        .and_then(|d| votes.iter().find(|v| v.digest == d));
    match matching {
        Some(v) => v.voters.len() as u32,
        None => votes
            .iter()
            .map(|v| v.voters.len() as u32)
            .max()
            .unwrap_or(0),
    }
}

/// The node views, from the snapshots.
pub fn node_views(driver: &Driver, selected: Option<NodeId>) -> Vec<NodeView> {
    let n = driver.config.nodes;
    let positions = ring_layout(n);
    let snaps: Vec<Option<NodeSnapshot>> = (0..n).map(|i| driver.snapshot(i)).collect();
    let byz = driver.byzantine();
    let primary = primary_of(&snaps);
    let quorum_default = driver.config.quorum();
    (0..n)
        .map(|id| {
            let snap = snaps[id as usize].as_ref();
            let slot = snap.and_then(current_slot);
            let (x, y) = positions[id as usize];
            NodeView {
                id,
                x,
                y,
                byzantine: byz.contains(&id),
                primary: primary == Some(id),
                status: slot.map_or("idle", |s| s.status.name()),
                view: snap.map_or(0, |s| s.view),
                seq: slot.map_or(0, |s| s.seq),
                prepares: slot.map_or(0, |s| votes_for(s, &s.prepares)),
                commits: slot.map_or(0, |s| votes_for(s, &s.commits)),
                quorum: snap.map_or(quorum_default, |s| s.quorum),
                committed: snap.is_some_and(|s| {
                    !s.slots.is_empty() && s.slots.iter().all(|x| x.committed.is_some())
                }),
                selected: selected == Some(id),
            }
        })
        .collect()
}

/// The primary most nodes believe in (views can differ during a view change).
fn primary_of(snaps: &[Option<NodeSnapshot>]) -> Option<NodeId> {
    let mut counts = std::collections::BTreeMap::new();
    for s in snaps.iter().flatten() {
        *counts.entry(s.primary).or_insert(0u32) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(id, c)| (c, std::cmp::Reverse(id)))
        .map(|(id, _)| id)
}

/// A message dot on the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub id: u64,
    pub x: f64,
    pub y: f64,
    pub phase: Phase,
    pub dropped: bool,
    pub opacity: f64,
}

/// Where a message is drawn at `now_us`. In flight: interpolated from sender to receiver (at
/// the midpoint when motion is reduced). Dropped: it travels a little way and fades out there.
pub fn dot_for(m: &Msg, now_us: u64, fade_us: u64, positions: &[(f64, f64)], still: bool) -> Dot {
    let (x0, y0) = endpoint(positions, m.from);
    let (x1, y1) = endpoint(positions, m.to);
    let elapsed = now_us.saturating_sub(m.sent_us) as f64;
    let (progress, opacity) = match m.deliver_us {
        Some(d) => {
            let span = d.saturating_sub(m.sent_us).max(1) as f64;
            let p = if still {
                0.5
            } else {
                (elapsed / span).clamp(0.0, 1.0)
            };
            (p, 1.0)
        }
        None => {
            let age = (elapsed / fade_us.max(1) as f64).clamp(0.0, 1.0);
            let p = if still { 0.35 } else { 0.35 * age.sqrt() };
            (p, 1.0 - age)
        }
    };
    Dot {
        id: m.id,
        x: x0 + (x1 - x0) * progress,
        y: y0 + (y1 - y0) * progress,
        phase: m.phase,
        dropped: m.deliver_us.is_none(),
        opacity,
    }
}

/// How long a dropped message stays visible while fading: half the mean delay, at least 2 ms.
pub fn fade_us(driver: &Driver) -> u64 {
    let mean_ms = (driver.config.min_delay_ms + driver.config.max_delay_ms) / 2.0;
    ((mean_ms * 500.0) as u64).max(2_000)
}

/// The dots at the driver's cursor, and how many more were left out (over [`MAX_DOTS`]).
pub fn dots(driver: &mut Driver, still: bool) -> (Vec<Dot>, usize) {
    let now = driver.cursor_us;
    let fade = fade_us(driver);
    let positions = ring_layout(driver.config.nodes);
    // Once the run is over nothing moves: the remaining copies are never delivered.
    if driver.finished() {
        return (Vec::new(), 0);
    }
    let visible = driver.timeline.visible(now, fade);
    let hidden = visible.len().saturating_sub(MAX_DOTS);
    let dots = visible
        .into_iter()
        .take(MAX_DOTS)
        .map(|m| dot_for(m, now, fade, &positions, still))
        .collect();
    (dots, hidden)
}

/// One space-time diagram path per phase (arrows from send to delivery), plus drop marks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lanes {
    pub nodes: u32,
    pub end_us: u64,
    /// (phase, SVG path data) for phases with traffic.
    pub arrows: Vec<(Phase, Rc<str>)>,
    pub drops: Rc<str>,
    /// Arrows left out over [`MAX_ARROWS`].
    pub omitted: usize,
}

/// x coordinate of `t_us` in the diagram.
pub fn lane_x(t_us: u64, end_us: u64) -> f64 {
    LANES_WIDTH * t_us as f64 / end_us.max(1) as f64
}

/// [`lane_x`] rounded to a tenth, for path data: it prints as `123.4` through integer
/// formatting. std's `{:.1}` of a float takes its exact (arbitrary-precision) path, the largest
/// single cost of recording a run's arrows (two x coordinates a message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneX(u64);

impl LaneX {
    pub fn at(t_us: u64, end_us: u64) -> LaneX {
        let end = u128::from(end_us.max(1));
        let tenths = (u128::from(t_us) * (LANES_WIDTH as u128 * 10) + end / 2) / end;
        LaneX(tenths as u64)
    }
}

impl std::fmt::Display for LaneX {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// The inverse of [`lane_x`] for a click at `fraction` of the width.
pub fn seek_time(fraction: f64, end_us: u64) -> u64 {
    (fraction.clamp(0.0, 1.0) * end_us as f64).round() as u64
}

/// The diagram so far: the timeline draws each arrow when its delivery happens, so this only
/// copies the paths (lane `i` is the band `[i, i + 1)` of the y axis).
pub fn lanes(driver: &Driver) -> Lanes {
    let t = &driver.timeline;
    Lanes {
        nodes: driver.config.nodes,
        end_us: driver.end_us,
        arrows: Phase::ALL
            .iter()
            .zip(&t.arrow_paths)
            .filter(|(_, d)| !d.is_empty())
            .map(|(&p, d)| (p, Rc::from(d.as_str())))
            .collect(),
        drops: Rc::from(t.drop_path.as_str()),
        omitted: t.arrows_omitted,
    }
}

/// One row of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRow {
    pub time_us: u64,
    pub kind: &'static str,
    pub text: String,
}

/// The newest [`MAX_LOG_ROWS`] events matching the filters, newest first, and how many match.
pub fn log_rows(
    events: &[TraceEvent],
    names: &Names,
    node: Option<NodeId>,
    kind: Option<&str>,
) -> (Vec<LogRow>, usize) {
    let matches = |e: &&TraceEvent| {
        kind.is_none_or(|k| e.kind.name() == k)
            && node.is_none_or(|n| event_nodes(e).is_some_and(|(a, b)| a == n || b == Some(n)))
    };
    let total = events.iter().filter(matches).count();
    let rows = events
        .iter()
        .rev()
        .filter(matches)
        .take(MAX_LOG_ROWS)
        .map(|e| LogRow {
            time_us: e.time_us,
            kind: e.kind.name(),
            text: describe(e, names),
        })
        .collect();
    (rows, total)
}

/// `12.345 ms`.
pub fn fmt_ms(t_us: u64) -> String {
    // Integer digits: the same text as `{:.3}` of the float, without float formatting.
    format!("{}.{:03} ms", t_us / 1000, t_us % 1000)
}

#[cfg(test)]
mod tests;
