//! The view-model: plain data the components draw, derived from the driver by pure functions.
//!
//! Nothing here touches the DOM, so native tests check the geometry and the text. Node and
//! client views live in [`nodes`], the log's words in [`words`], the log's rows in [`log`].

use crate::timeline::{Driver, Msg};
use pbft_engine::{NodeId, Phase};
use std::rc::Rc;

pub mod log;
pub mod math;
pub mod nodes;
pub mod words;
pub use log::{LogFilter, LogView};
pub use nodes::{ClientView, NodeView, TimerArc};
pub use words::{describe, event_nodes, Names};

/// Width and height of the graph's SVG coordinate space.
pub const GRAPH_SIZE: f64 = 600.0;

/// Radius of the ring the nodes sit on. 0.32 of the graph leaves room outside the ring for the
/// counters of the nodes at the far left and right (lines of up to 10 characters, 66 units).
pub const RING_RADIUS: f64 = GRAPH_SIZE * 0.32;
/// Most message dots drawn at once; beyond it the graph says how many are hidden.
pub const MAX_DOTS: usize = 2_500;
/// Most arrows drawn in the space-time diagram.
pub const MAX_ARROWS: usize = 6_000;
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
            (c + r * math::cos(a), c + r * math::sin(a))
        })
        .collect()
}

/// Where client `k` sits: a column in the graph's top-left corner, outside the ring.
pub fn client_position(k: u32) -> (f64, f64) {
    (40.0, 40.0 + 56.0 * f64::from(k % 8))
}

/// Where an endpoint sits: a replica on the ring, a client (ids after the replicas) outside it.
pub fn endpoint(positions: &[(f64, f64)], id: NodeId) -> (f64, f64) {
    match positions.get(id as usize) {
        Some(&p) => p,
        None => client_position(id - positions.len() as u32),
    }
}

/// Radius of a node circle: as big as the ring allows, within 6..24.
pub fn node_radius(n: u32) -> f64 {
    let circumference = std::f64::consts::TAU * RING_RADIUS;
    (circumference / f64::from(n.max(1)) * 0.36).clamp(6.0, 24.0)
}

/// A message dot on the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub id: u64,
    pub x: f64,
    pub y: f64,
    pub phase: Phase,
    pub dropped: bool,
    /// It carries a conflicting digest (see [`crate::timeline`]).
    pub alt: bool,
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
        alt: m.alt,
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

/// One space-time diagram path per phase and digest (arrows from send to delivery), plus drop
/// marks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lanes {
    /// Lanes: the replicas, then the clients.
    pub nodes: u32,
    pub replicas: u32,
    /// The time axis: the run's activity ([`Driver::span_us`]).
    pub end_us: u64,
    /// (phase, carries a conflicting digest, SVG path data) for those with traffic.
    pub arrows: Vec<(Phase, bool, Rc<str>)>,
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
        nodes: driver.config.nodes + driver.clients().len() as u32,
        replicas: driver.config.nodes,
        end_us: driver.span_us,
        arrows: t
            .arrow_paths
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.is_empty())
            .map(|(i, d)| (Phase::ALL[i / 2], i % 2 == 1, Rc::from(d.as_str())))
            .collect(),
        drops: Rc::from(t.drop_path.as_str()),
        omitted: t.arrows_omitted,
    }
}

/// `x` rounded to a tenth, `123.4` (SVG coordinates): by integer formatting, one function for
/// every call site, where each `format!("{:.1}")` would expand float formatting in place.
pub fn n1(x: f64) -> String {
    let t = (x * 10.0).round() as i64;
    let sign = if t < 0 { "-" } else { "" };
    format!("{sign}{}.{}", t.unsigned_abs() / 10, t.unsigned_abs() % 10)
}

/// Virtual time as text (the engine's, shared with the log's sentences).
pub use pbft_engine::words::fmt_ms;

#[cfg(test)]
mod tests;
