//! The space-time diagram: one horizontal lane per node and one per client (below the
//! replicas, labelled C), time along x, every delivered message an arrow from its send time on
//! the sender's lane to its delivery on the receiver's, coloured by phase; a message carrying a
//! conflicting digest is dashed; drops are short red ticks on the sender's lane. A cursor
//! follows the animation. A click on an arrow goes to that message's delivery; elsewhere it
//! seeks to that time (back in time replays the run from its seed).
//!
//! Each phase is one SVG path holding all its arrows, so thousands of messages cost a handful of
//! DOM nodes. The cursor is an HTML element over the SVG, moved by a CSS transform on its own
//! compositor layer: it moves every frame, and inside the SVG it made the browser repaint all
//! the arrows each time (about 5 ms a frame at n = 64).

use super::Dispatch;
use crate::state::{Action, Detail};
use crate::view::{fmt_ms, lane_x, Shared, LANES_WIDTH};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The lanes and arrows: re-rendered only when the scene changes.
#[derive(Properties, PartialEq)]
struct ArrowsProps {
    detail: Shared<Detail>,
}

#[function_component(Arrows)]
fn arrows(p: &ArrowsProps) -> Html {
    let lanes = &p.detail.lanes;
    let grid: String = (1..lanes.nodes)
        .map(|i| format!("M0 {i}H{LANES_WIDTH}"))
        .collect();
    html! {
        <g>
            <path class="lane-lines" d={grid} vector-effect="non-scaling-stroke" />
            { for lanes.arrows.iter().map(|(phase, alt, d)| html! {
                <path class={if *alt { "arrow alt" } else { "arrow" }} data-phase={phase.name()}
                    style={format!("stroke:var(--{})", phase.name())}
                    d={AttrValue::from(d.clone())} vector-effect="non-scaling-stroke" />
            }) }
            <path class="drop-mark" d={AttrValue::from(lanes.drops.clone())}
                vector-effect="non-scaling-stroke" />
        </g>
    }
}

/// The diagram around its arrows: a plain function (it is redrawn with the cursor every frame
/// anyway, and each component type costs the bundle its own copy of Yew's machinery).
pub fn spacetime(detail: &Shared<Detail>, now_us: u64, dispatch: &Dispatch) -> Html {
    let lanes = &detail.lanes;
    let n = lanes.nodes.max(1);
    let end = lanes.end_us;
    let height_px = (n * 14).clamp(120, 420);
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let rect = el.get_bounding_client_rect();
            if rect.width() > 0.0 && rect.height() > 0.0 {
                let fx = (f64::from(e.client_x()) - rect.left()) / rect.width();
                let fy = (f64::from(e.client_y()) - rect.top()) / rect.height();
                dispatch.emit(Action::PickArrow {
                    x: fx.clamp(0.0, 1.0) * LANES_WIDTH,
                    lane: fy.clamp(0.0, 1.0) * f64::from(n),
                });
            }
        })
    };
    // The cursor spans the plot and moves by a percentage of its own (= the plot's) width.
    let cursor = format!(
        "transform:translateX({:.3}%)",
        lane_x(now_us, end).min(LANES_WIDTH) / LANES_WIDTH * 100.0
    );
    // Label every lane when they fit, else every 8th.
    let every = if n <= 24 { 1 } else { 8 };
    html! {
        <div class="spacetime">
            <h2>{ "Space-time diagram" }</h2>
            <p class="hint">{ "One lane per node, and one for the client (C); each line is a message from its send (left) to its delivery (right), dashed when it carries a conflicting digest. Red ticks: lost messages. Click an arrow to go to its delivery, or anywhere to jump to that time." }</p>
            <div class="st-body" style={format!("height:{height_px}px")}>
                <div class="st-labels" style={format!("grid-template-rows:repeat({n},1fr)")}>
                    { for (0..n).map(|i| html! {
                        <span>{ if i >= lanes.replicas { "C".to_string() } else if i % every == 0 { i.to_string() } else { String::new() } }</span>
                    }) }
                </div>
                <div class="st-plot">
                    <svg class="st" viewBox={format!("0 0 {LANES_WIDTH} {n}")} preserveAspectRatio="none"
                        role="button" aria-label="Space-time diagram; click to seek" {onclick}>
                        <Arrows detail={detail.clone()} />
                    </svg>
                    <div class="cursor" style={cursor} aria-hidden="true"></div>
                </div>
            </div>
            <div class="st-axis"><span>{ "0 ms" }</span><span>{ fmt_ms(end) }</span></div>
            if lanes.omitted > 0 {
                <p class="note">{ format!("{} later messages are not drawn", lanes.omitted) }</p>
            }
        </div>
    }
}
