//! The cluster as an SVG graph: nodes on a circle, every message a dot travelling from sender
//! to receiver, coloured and shaped by phase (colours live in the stylesheet, keyed by
//! `data-phase`; the dots themselves are drawn by [`super::dots`], as SVG elements for small
//! runs and on a canvas under the SVG for large ones).
//!
//! Stable hooks for tests: `class="node" data-node="<id>"`; for messages, `class="msg"
//! data-phase="<phase>"` while they are SVG elements and the canvas's `data-dots` /
//! `data-phases` always (see [`super::dots`]). Byzantine nodes differ by shape (a diamond) as
//! well as colour, so colour-blind readers and grey-scale prints still tell them apart.

use super::dots::use_dots;
use super::Dispatch;
use crate::state::{Action, Frame, Scene};
use crate::view::{node_radius, NodeView, Shared, GRAPH_SIZE, RING_RADIUS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scene: Shared<Scene>,
    pub frame: Shared<Frame>,
    pub dispatch: Dispatch,
}

fn node_shape(v: &NodeView, r: f64) -> Html {
    if v.byzantine {
        let k = r * 1.25;
        let points = format!(
            "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            v.x,
            v.y - k,
            v.x + k,
            v.y,
            v.x,
            v.y + k,
            v.x - k,
            v.y
        );
        html! { <polygon class="shape" points={points} /> }
    } else {
        html! { <circle class="shape" cx={format!("{:.1}", v.x)} cy={format!("{:.1}", v.y)}
        r={format!("{r:.1}")} /> }
    }
}

fn node(v: &NodeView, r: f64, show_counters: bool, dispatch: &Dispatch) -> Html {
    let id = v.id;
    let onclick = dispatch.reform(move |e: MouseEvent| {
        if e.shift_key() {
            Action::ToggleByzantine(id)
        } else {
            Action::SelectNode(Some(id))
        }
    });
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                dispatch.emit(Action::SelectNode(Some(id)));
            }
        })
    };
    let (tx, ty, anchor) = counters_place(v, r);
    let role = if v.byzantine { "Byzantine" } else { "honest" };
    // What the node shows comes first, in the order it is drawn (its id, "primary", the
    // counters), so its accessible name contains its visible text (axe-core's
    // label-content-name-mismatch, serious). The texts end in a space, which SVG does not draw,
    // so they read as separate words ("1 P 0/3", not "1P 0/3").
    let label = format!(
        "node {id}{}, {}, {role}, {}, view {}",
        if v.primary { " primary" } else { "" },
        v.counters(),
        v.status,
        v.view
    );
    let class = classes!(
        "node",
        format!("st-{}", v.status),
        v.byzantine.then_some("byz"),
        v.primary.then_some("primary"),
        v.committed.then_some("committed"),
        v.selected.then_some("selected"),
    );
    html! {
        <g key={id} class={class} data-node={id.to_string()} data-status={v.status}
            tabindex="0" role="button" aria-label={label.clone()} {onclick} {onkeydown}>
            <title>{ label }</title>
            if v.primary {
                <circle class="primary-ring" cx={format!("{:.1}", v.x)} cy={format!("{:.1}", v.y)}
                    r={format!("{:.1}", r + 5.0)} />
            }
            { node_shape(v, r) }
            <text class="node-id" x={format!("{:.1}", v.x)} y={format!("{:.1}", v.y + r.min(14.0) * 0.35)}
                font-size={format!("{:.0}", r.clamp(7.0, 14.0))}>{ format!("{id} ") }</text>
            if v.committed {
                <text class="check" x={format!("{:.1}", v.x + r * 0.8)} y={format!("{:.1}", v.y - r * 0.7)}>{ "✓" }</text>
            }
            if show_counters {
                { counters_text(v, tx, ty, anchor) }
            }
        </g>
    }
}

/// Where a node's counters go: outside the ring, along the radius through the node, anchored on
/// the side facing away from the ring so text never covers its node. Returns (x, y, anchor).
fn counters_place(v: &NodeView, r: f64) -> (f64, f64, &'static str) {
    let c = GRAPH_SIZE / 2.0;
    let (dx, dy) = (v.x - c, v.y - c);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    // Clear of the primary's dashed ring (5 units outside its circle) as well.
    let out = r + if v.primary { 13.0 } else { 8.0 };
    let anchor = if ux > 0.3 {
        "start"
    } else if ux < -0.3 {
        "end"
    } else {
        "middle"
    };
    (v.x + ux * out, v.y + uy * (out + 6.0) + 4.0, anchor)
}

/// A node's vote counters beside it: one line above and below the ring, a short line each
/// (primary, prepares, commits) at the sides, where one long line would run out of the picture.
fn counters_text(v: &NodeView, x: f64, y: f64, anchor: &'static str) -> Html {
    if anchor == "middle" {
        let primary = if v.primary { "primary · " } else { "" };
        return html! {
            <text class="counters" x={format!("{x:.1}")} y={format!("{y:.1}")} text-anchor={anchor}>
                { format!("{primary}{}", v.counters()) }
            </text>
        };
    }
    let (prepares, commits) = v.counter_lines();
    let lines: Vec<String> = v
        .primary
        .then(|| "primary".to_string())
        .into_iter()
        .chain([prepares, commits])
        .collect();
    let x = format!("{x:.1}");
    let top = y - COUNTER_LINE / 2.0 * (lines.len() - 1) as f64;
    html! {
        <text class="counters" x={x.clone()} y={format!("{top:.1}")} text-anchor={anchor}>
            { for lines.into_iter().enumerate().map(|(i, line)| html! {
                <tspan x={x.clone()} dy={if i == 0 { 0.0 } else { COUNTER_LINE }.to_string()}>{ format!("{line} ") }</tspan>
            }) }
        </text>
    }
}

/// Line height of the counters' text in graph units (their font is 11 px).
const COUNTER_LINE: f64 = 13.0;

/// The nodes layer, re-rendered only when the scene changes (not every frame).
#[derive(Properties, PartialEq)]
struct NodesProps {
    scene: Shared<Scene>,
    dispatch: Dispatch,
}

#[function_component(Nodes)]
fn nodes(p: &NodesProps) -> Html {
    let n = p.scene.nodes.len() as u32;
    let r = node_radius(n);
    let show_counters = n <= 16;
    html! {
        <g class="nodes">
            { for p.scene.nodes.iter().map(|v| node(v, r, show_counters, &p.dispatch)) }
        </g>
    }
}

#[function_component(Graph)]
pub fn graph(p: &Props) -> Html {
    let n = p.scene.nodes.len() as u32;
    let c = GRAPH_SIZE / 2.0;
    let hidden = p.frame.hidden_dots;
    let (dots, canvas) = (use_node_ref(), use_node_ref());
    let radius = if n <= 16 { 5.0 } else { 3.5 };
    use_dots(p.frame.clone(), radius, dots.clone(), canvas.clone());
    html! {
        <div class="graph-wrap">
            <div class="graph-box">
                // Under the SVG: nodes, labels and every click target stay on top.
                <canvas class="msg-layer" ref={canvas} aria-hidden="true" />
                <svg class="graph" viewBox={format!("0 0 {GRAPH_SIZE} {GRAPH_SIZE}")}
                    role="group" aria-label="The cluster: nodes on a circle, messages as moving dots">
                    <circle class="ring" cx={c.to_string()} cy={c.to_string()}
                        r={format!("{RING_RADIUS:.1}")} />
                    // Yew owns the empty group; its children are the dots layer's.
                    <g class="msgs" ref={dots} />
                    <Nodes scene={p.scene.clone()} dispatch={p.dispatch.clone()} />
                </svg>
            </div>
            if hidden > 0 {
                <p class="note">{ format!("{hidden} more messages in flight are not drawn") }</p>
            }
            <p class="hint">{ "Click a node to inspect it; shift-click toggles it Byzantine." }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::ring_layout;

    /// Width of a line of the counters' 11 px monospace text, in graph units (about 0.6 em a
    /// character).
    fn width(text: &str) -> f64 {
        text.chars().count() as f64 * 11.0 * 0.6
    }

    #[test]
    fn counters_stay_inside_the_graph_for_every_node_and_primary() {
        for n in 1..=16u32 {
            let r = node_radius(n);
            for (i, &(x, y)) in ring_layout(n).iter().enumerate() {
                for primary in [false, true] {
                    let v = NodeView {
                        id: i as u32,
                        x,
                        y,
                        byzantine: false,
                        primary,
                        status: "idle",
                        view: 0,
                        seq: 0,
                        prepares: 99,
                        commits: 99,
                        quorum: 11,
                        committed: false,
                        selected: false,
                    };
                    let (tx, _, anchor) = counters_place(&v, r);
                    let (p, c) = v.counter_lines();
                    let (left, right) = match anchor {
                        "middle" => {
                            let w = width(&format!("primary · {}", v.counters()));
                            (tx - w / 2.0, tx + w / 2.0)
                        }
                        "start" => (tx, tx + width(&p).max(width(&c))),
                        _ => (tx - width(&p).max(width(&c)), tx),
                    };
                    assert!(
                        left >= 0.0 && right <= GRAPH_SIZE,
                        "n = {n}, node {i}, primary {primary}: {left:.1}..{right:.1}"
                    );
                }
            }
        }
    }
}
