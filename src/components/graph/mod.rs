//! The cluster as an SVG graph: replicas on a circle, the client outside it, every message a
//! dot travelling from sender to receiver, coloured and shaped by phase (colours live in the
//! stylesheet, keyed by `data-phase`; the dots themselves are drawn by [`super::dots`], as SVG
//! elements for small runs and on a canvas under the SVG for large ones), and each pending
//! timer as a countdown arc around its node (RaftScope's timeout arcs are the model): it
//! appears when the timer starts, shrinks clockwise as it runs, and vanishes when it is stopped
//! or fires.
//!
//! Stable hooks for tests: `.node[data-node][data-state][data-byzantine]`, `.client[data-node]`,
//! `.timer[data-node][data-timer]`; for messages, `class="msg" data-phase="<phase>"` while they
//! are SVG elements and the canvas's `data-dots` / `data-phases` always (see [`super::dots`]).
//! Byzantine nodes differ by shape (a diamond) as well as colour, so colour-blind readers and
//! grey-scale prints still tell them apart.

mod node;

pub use node::{counters_place, digest_class};

use super::dots::use_dots;
use super::Dispatch;
use crate::state::{Frame, Scene};
use crate::view::nodes::arc_path;
use crate::view::{n1, node_radius, ClientView, Shared, GRAPH_SIZE, RING_RADIUS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scene: Shared<Scene>,
    pub frame: Shared<Frame>,
    pub dispatch: Dispatch,
}

/// The nodes layer, re-rendered only when the scene changes (not every frame).
#[derive(Properties, PartialEq)]
struct NodesProps {
    scene: Shared<Scene>,
    dispatch: Dispatch,
}

/// Half the side of a client's square.
const CLIENT_HALF: f64 = 13.0;

fn client(c: &ClientView, focus: bool) -> Html {
    let lines = c.lines();
    let label = format!("{}: {}", c.name, lines.join(", "));
    let (x, y) = (c.x, c.y);
    html! {
        <g class="client" data-node={c.id.to_string()} data-focus={focus.then_some("1")}
            role="img" aria-label={label.clone()}>
            <title>{ label }</title>

            <rect class="client-shape" x={n1(x - CLIENT_HALF)} y={n1(y - CLIENT_HALF)}
                width={n1(2.0 * CLIENT_HALF)} height={n1(2.0 * CLIENT_HALF)} rx="4" />
            <text class="node-id" x={n1(x)} y={n1(y + 4.5)} font-size="13">{ "C" }</text>
            <text class="counters client-lines" x={n1(x + CLIENT_HALF + 8.0)} y={n1(y - 4.0)}>
                <tspan class="client-name" x={n1(x + CLIENT_HALF + 8.0)}>{ &c.name }</tspan>
                { for lines.iter().map(|l| html! {
                    <tspan x={n1(x + CLIENT_HALF + 8.0)} dy="13">{ l }</tspan>
                }) }
            </text>
        </g>
    }
}

#[function_component(Nodes)]
fn nodes(p: &NodesProps) -> Html {
    let n = p.scene.nodes.len() as u32;
    let r = node_radius(n);
    let show_counters = n <= 16;
    html! {
        <g class={if n > 40 { "nodes many crowded" } else if n > 16 { "nodes many" } else { "nodes" }}>
            { for p.scene.clients.iter().map(|c| client(c, p.scene.focus.contains(&c.id))) }
            { for p.scene.nodes.iter().map(|v| node::node(v, r, p.scene.focus.contains(&v.id), &p.dispatch)) }
            // What the counters say is in each node's accessible name.
            if show_counters {
                <g class="labels" aria-hidden="true">
                    { for p.scene.nodes.iter().map(|v| node::counters(v, r)) }
                </g>
            }
        </g>
    }
}

/// The timer arcs, redrawn every frame (they count down).
fn timers(frame: &Frame, radius: f64) -> Html {
    html! {
        <g class="timers" aria-hidden="true">
            { for frame.timers.iter().map(|t| {
                // A replica's retransmission (STATUS) timer runs beside its view-change timer: it
                // goes on a thinner outer track so the two never hide each other.
                let r = match (t.node as usize >= frame.replicas, t.name) {
                    (true, _) => CLIENT_HALF + 6.0,
                    (false, "view-change") => radius + 9.0,
                    (false, _) => radius + 12.5,
                };
                html! {
                    <path class="timer" data-node={t.node.to_string()} data-timer={t.name}
                        d={arc_path(t.x, t.y, r, t.remaining)} />
                }
            }) }
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
            // A tour's step emphasises the phases it talks about (the stylesheet dims the rest).
            <div class="graph-box" data-phases={(!p.scene.phases.is_empty()).then(|| p.scene.phases.join(" "))}>
                // Under the SVG: nodes, labels and every click target stay on top.
                <canvas class="msg-layer" ref={canvas} aria-hidden="true" />
                <svg class="graph" viewBox={format!("0 0 {GRAPH_SIZE} {GRAPH_SIZE}")}
                    role="group" aria-label="The cluster: nodes on a circle, the client outside it, messages as moving dots">
                    <circle class="ring" cx={c.to_string()} cy={c.to_string()}
                        r={n1(RING_RADIUS)} />
                    { timers(&p.frame, node_radius(n)) }
                    // Yew owns the empty group; its children are the dots layer's.
                    <g class="msgs" ref={dots} />
                    <Nodes scene={p.scene.clone()} dispatch={p.dispatch.clone()} />
                </svg>
            </div>
            if hidden > 0 {
                <p class="note">{ format!("{hidden} more messages in flight are not drawn") }</p>
            }
            <p class="hint">{ "Click or tap a node to inspect it and to make it Byzantine (shift-click toggles it at once)." }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_sits_outside_the_ring() {
        let (x, y) = crate::view::client_position(0);
        let c = GRAPH_SIZE / 2.0;
        let d = ((x - c).powi(2) + (y - c).powi(2)).sqrt();
        assert!(d > RING_RADIUS + 40.0, "{d}");
        assert!(x - CLIENT_HALF >= 0.0 && y - CLIENT_HALF >= 0.0);
    }
}
