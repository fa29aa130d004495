//! The travelling message dots: SVG elements while few messages are in flight, one `<canvas>`
//! drawn in a single pass once there are many.
//!
//! Why two ways: profiling a frame at n = 64 (about 2,500 dots) in headless Chromium showed that
//! pooled SVG circles cost more than the whole simulation — 5,000 `setAttribute` calls a frame
//! (strings crossing from wasm to JS), then style recalculation, paint and software raster of
//! 2,500 elements: about 40 ms of script and 60 ms of rendering per frame. A canvas takes the
//! same dots as one bitmap composed in wasm ([`canvas`]), with no style or layout work. Small
//! runs keep real SVG elements, which tests and DOM inspection read one by one.
//!
//! The switch is by dots on screen, [`SVG_DOTS_MAX`]: up to it every dot is an SVG
//! `<path class="msg" data-phase="<phase>">` (a stable test hook), above it the
//! canvas draws them all and no `.msg` element exists. Either way the canvas element
//! (`canvas.msg-layer`, under the SVG so nodes and everything clickable stay on top) carries the
//! truth for tests: `data-mode` (`svg` or `canvas`), `data-dots` (dots drawn now) and
//! `data-phases` (`pre-prepare=1 prepare=12`: dots per phase, phases in protocol order). Both
//! ways draw the same picture: colour by phase from the stylesheet's `--<phase>` variables, and
//! a shape per phase ([`outline`]) so phases differ without colour vision; a dropped message
//! fades with a dashed red outline where it was lost.

mod canvas;

use crate::state::Frame;
use crate::view::{Dot, Shared};
use canvas::Painter;
use pbft_engine::Phase;
use std::fmt::Write as _;
use web_sys::{Element, HtmlCanvasElement};
use yew::prelude::*;

/// Most dots drawn as SVG elements; more go to the canvas. A round of the default scenario
/// (10 nodes, at most n² = 100 messages in flight) stays within it, so small scenarios keep
/// one element per message; at n = 16 SVG dots already cost frames (37-40 fps against 60 on
/// the canvas, same machine and load).
pub const SVG_DOTS_MAX: usize = 100;

const SQUARE: &[(f64, f64)] = &[(-0.85, -0.85), (0.85, -0.85), (0.85, 0.85), (-0.85, 0.85)];
const DIAMOND: &[(f64, f64)] = &[(0.0, -1.25), (1.25, 0.0), (0.0, 1.25), (-1.25, 0.0)];
const TRIANGLE_UP: &[(f64, f64)] = &[(0.0, -1.3), (1.15, 0.7), (-1.15, 0.7)];
const TRIANGLE_DOWN: &[(f64, f64)] = &[(0.0, 1.3), (1.15, -0.7), (-1.15, -0.7)];
const HEXAGON: &[(f64, f64)] = &[
    (1.05, 0.0),
    (0.525, 0.91),
    (-0.525, 0.91),
    (-1.05, 0.0),
    (-0.525, -0.91),
    (0.525, -0.91),
];
const PLUS: &[(f64, f64)] = &[
    (-0.4, -1.15),
    (0.4, -1.15),
    (0.4, -0.4),
    (1.15, -0.4),
    (1.15, 0.4),
    (0.4, 0.4),
    (0.4, 1.15),
    (-0.4, 1.15),
    (-0.4, 0.4),
    (-1.15, 0.4),
    (-1.15, -0.4),
    (-0.4, -0.4),
];
const STAR: &[(f64, f64)] = &[
    (0.0, -1.3),
    (0.323, -0.445),
    (1.236, -0.402),
    (0.523, 0.17),
    (0.764, 1.052),
    (0.0, 0.55),
    (-0.764, 1.052),
    (-0.523, 0.17),
    (-1.236, -0.402),
    (-0.323, -0.445),
];

/// PBFT's retransmission and state transfer (STATUS, FETCH, STATE): a pentagon, an X, a bow tie.
const PENTAGON: &[(f64, f64)] = &[
    (0.0, -1.15),
    (1.09, -0.36),
    (0.68, 0.93),
    (-0.68, 0.93),
    (-1.09, -0.36),
];
const CROSS: &[(f64, f64)] = &[
    (-0.85, -1.15),
    (0.0, -0.3),
    (0.85, -1.15),
    (1.15, -0.85),
    (0.3, 0.0),
    (1.15, 0.85),
    (0.85, 1.15),
    (0.0, 0.3),
    (-0.85, 1.15),
    (-1.15, 0.85),
    (-0.3, 0.0),
    (-1.15, -0.85),
];
const BOWTIE: &[(f64, f64)] = &[
    (-1.2, -1.0),
    (0.0, -0.3),
    (1.2, -1.0),
    (1.2, 1.0),
    (0.0, 0.3),
    (-1.2, 1.0),
];

/// A phase's dot shape around (0, 0) for radius 1: polygon vertices, or empty for a circle.
/// The three phases of the normal case differ most: square, circle, triangle.
pub fn outline(phase: Phase) -> &'static [(f64, f64)] {
    match phase {
        Phase::Request => DIAMOND,
        Phase::PrePrepare => SQUARE,
        Phase::Prepare => &[],
        Phase::Commit => TRIANGLE_UP,
        Phase::Reply => TRIANGLE_DOWN,
        Phase::Checkpoint => HEXAGON,
        Phase::ViewChange => PLUS,
        Phase::NewView => STAR,
        Phase::Status => PENTAGON,
        Phase::Fetch => CROSS,
        Phase::State => BOWTIE,
    }
}

/// SVG path data of a phase's shape centred at (`x`, `y`) with radius `r`.
pub fn shape_path(phase: Phase, x: f64, y: f64, r: f64) -> String {
    let points = outline(phase);
    if points.is_empty() {
        return format!(
            "M{:.2} {y:.2}a{r:.2} {r:.2} 0 1 0 {:.2} 0a{r:.2} {r:.2} 0 1 0 {:.2} 0z",
            x - r,
            2.0 * r,
            -2.0 * r
        );
    }
    let mut d = String::new();
    for (i, (px, py)) in points.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.2} {:.2}",
            if i == 0 { 'M' } else { 'L' },
            x + px * r,
            y + py * r
        );
    }
    d.push('z');
    d
}

/// Dots per phase, `pre-prepare=1 prepare=12` (the canvas's `data-phases`).
pub fn phase_counts(dots: &[Dot]) -> String {
    let mut counts = [0usize; Phase::ALL.len()];
    for d in dots {
        counts[d.phase.index()] += 1;
    }
    let mut out = String::new();
    for (p, c) in Phase::ALL.iter().zip(counts) {
        if c > 0 {
            let sep = if out.is_empty() { "" } else { " " };
            let _ = write!(out, "{sep}{}={c}", p.name());
        }
    }
    out
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// One pooled SVG `<path>` and what it shows now (to touch the DOM only for changes).
struct PooledDot {
    el: Element,
    phase: Option<Phase>,
    dropped: bool,
    radius: f64,
}

/// Makes the `<g>`'s paths match `dots`: elements are reused frame to frame (their shape is
/// drawn at the origin and moved by `transform`), so a frame costs one attribute write per
/// moving dot instead of a virtual-DOM diff.
fn sync_svg(layer: &Element, pool: &mut Vec<PooledDot>, dots: &[Dot], radius: f64) {
    let Some(doc) = layer.owner_document() else {
        return;
    };
    for (i, d) in dots.iter().enumerate() {
        if i == pool.len() {
            let Ok(el) = doc.create_element_ns(Some(SVG_NS), "path") else {
                return;
            };
            let _ = layer.append_child(&el);
            pool.push(PooledDot {
                el,
                phase: None,
                dropped: false,
                radius: 0.0,
            });
        }
        let slot = &mut pool[i];
        let el = &slot.el;
        if slot.phase != Some(d.phase) || slot.dropped != d.dropped {
            let _ = el.set_attribute("class", if d.dropped { "msg dropped" } else { "msg" });
            let _ = el.set_attribute("data-phase", d.phase.name());
            if slot.dropped && !d.dropped {
                let _ = el.remove_attribute("opacity");
            }
        }
        if slot.phase != Some(d.phase) || slot.radius != radius {
            let _ = el.set_attribute("d", &shape_path(d.phase, 0.0, 0.0, radius));
            slot.radius = radius;
        }
        slot.phase = Some(d.phase);
        slot.dropped = d.dropped;
        let _ = el.set_attribute("transform", &format!("translate({:.1} {:.1})", d.x, d.y));
        if d.dropped {
            let _ = el.set_attribute("opacity", &format!("{:.2}", d.opacity));
        }
    }
    for extra in pool.drain(dots.len().min(pool.len())..) {
        extra.el.remove();
    }
}

/// Everything the dots layer keeps between frames.
#[derive(Default)]
struct Layer {
    pool: Vec<PooledDot>,
    painter: Option<Painter>,
    /// The hooks last written on the canvas: mode, dot count, counts by phase.
    hooks: (bool, usize, String),
}

impl Layer {
    fn show(&mut self, g: &Element, canvas: HtmlCanvasElement, frame: &Frame, r: f64) {
        let on_canvas = frame.dots.len() > SVG_DOTS_MAX;
        if self.painter.is_none() {
            self.painter = Painter::new(canvas.clone());
        }
        if on_canvas {
            sync_svg(g, &mut self.pool, &[], r);
            if let Some(p) = self.painter.as_mut() {
                p.paint(&frame.dots, r);
            }
        } else {
            if let Some(p) = self.painter.as_mut().filter(|p| p.dirty) {
                p.clear();
            }
            sync_svg(g, &mut self.pool, &frame.dots, r);
        }
        let counts = phase_counts(&frame.dots);
        if self.hooks.0 != on_canvas || self.hooks.1 != frame.dots.len() || self.hooks.2 != counts {
            let _ = canvas.set_attribute("data-mode", if on_canvas { "canvas" } else { "svg" });
            let _ = canvas.set_attribute("data-dots", &frame.dots.len().to_string());
            let _ = canvas.set_attribute("data-phases", &counts);
            self.hooks = (on_canvas, frame.dots.len(), counts);
        }
    }
}

/// Draws `frame`'s dots after each render: into the SVG group `g` or onto `canvas`.
#[hook]
pub fn use_dots(frame: Shared<Frame>, radius: f64, g: NodeRef, canvas: NodeRef) {
    let layer = use_mut_ref(Layer::default);
    use_effect_with((frame, radius), move |(frame, radius)| {
        if let (Some(g), Some(c)) = (g.cast::<Element>(), canvas.cast::<HtmlCanvasElement>()) {
            layer.borrow_mut().show(&g, c, frame, *radius);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(phase: Phase) -> Dot {
        Dot {
            id: 0,
            x: 1.0,
            y: 2.0,
            phase,
            dropped: false,
            opacity: 1.0,
        }
    }

    #[test]
    fn every_phase_has_its_own_shape() {
        for (i, a) in Phase::ALL.iter().enumerate() {
            for b in &Phase::ALL[i + 1..] {
                assert_ne!(outline(*a), outline(*b), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn shapes_are_closed_paths_around_the_centre() {
        assert_eq!(
            shape_path(Phase::Prepare, 10.0, 20.0, 5.0),
            "M5.00 20.00a5.00 5.00 0 1 0 10.00 0a5.00 5.00 0 1 0 -10.00 0z"
        );
        assert_eq!(
            shape_path(Phase::PrePrepare, 0.0, 0.0, 1.0),
            "M-0.85 -0.85L0.85 -0.85L0.85 0.85L-0.85 0.85z"
        );
    }

    #[test]
    fn phase_counts_follow_protocol_order() {
        let dots = [dot(Phase::Commit), dot(Phase::Prepare), dot(Phase::Prepare)];
        assert_eq!(phase_counts(&dots), "prepare=2 commit=1");
        assert_eq!(phase_counts(&[]), "");
    }
}
