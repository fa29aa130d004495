//! The cluster as an SVG graph: nodes on a circle, every message a dot travelling from sender
//! to receiver, coloured by phase (colours live in the stylesheet, keyed by `data-phase`).
//!
//! Stable hooks for tests: `class="node" data-node="<id>"`, `class="msg" data-phase="<phase>"`.
//! Byzantine nodes differ by shape (a diamond) as well as colour, so colour-blind readers and
//! grey-scale prints still tell them apart.

use super::Dispatch;
use crate::state::{Action, Frame, Scene};
use crate::view::{node_radius, NodeView, Shared, GRAPH_SIZE};
use pbft_engine::Phase;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scene: Shared<Scene>,
    pub frame: Shared<Frame>,
    pub dispatch: Dispatch,
}

/// The dots layer, updated every frame.
#[derive(Properties, PartialEq)]
struct DotsProps {
    frame: Shared<Frame>,
    radius: f64,
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";

/// One pooled `<circle>` and what it shows now (to touch the DOM only for changes).
struct PooledDot {
    el: web_sys::Element,
    phase: Option<Phase>,
    dropped: bool,
    radius: f64,
}

/// Makes the `<g>`'s circles match `frame.dots`: a pool of elements reused frame to frame, so a
/// frame costs two attribute writes per dot instead of a virtual-DOM diff of thousands of nodes.
fn sync_dots(layer: &web_sys::Element, pool: &mut Vec<PooledDot>, frame: &Frame, radius: f64) {
    let Some(doc) = layer.owner_document() else {
        return;
    };
    for (i, d) in frame.dots.iter().enumerate() {
        if i == pool.len() {
            let Ok(el) = doc.create_element_ns(Some(SVG_NS), "circle") else {
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
            slot.phase = Some(d.phase);
            slot.dropped = d.dropped;
        }
        if slot.radius != radius {
            let _ = el.set_attribute("r", &format!("{radius:.1}"));
            slot.radius = radius;
        }
        let _ = el.set_attribute("cx", &format!("{:.1}", d.x));
        let _ = el.set_attribute("cy", &format!("{:.1}", d.y));
        if d.dropped {
            let _ = el.set_attribute("opacity", &format!("{:.2}", d.opacity));
        }
    }
    for extra in pool.drain(frame.dots.len().min(pool.len())..) {
        extra.el.remove();
    }
}

#[function_component(Dots)]
fn dots(p: &DotsProps) -> Html {
    let layer = use_node_ref();
    let pool = use_mut_ref(Vec::<PooledDot>::new);
    {
        let layer = layer.clone();
        use_effect_with((p.frame.clone(), p.radius), move |(frame, radius)| {
            if let Some(g) = layer.cast::<web_sys::Element>() {
                sync_dots(&g, &mut pool.borrow_mut(), frame, *radius);
            }
        });
    }
    // Yew owns the empty `<g>`; its children are the pool's, managed above.
    html! { <g class="msgs" ref={layer} /> }
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
    // Text sits outside the ring, along the radius through the node.
    let c = GRAPH_SIZE / 2.0;
    let (dx, dy) = (v.x - c, v.y - c);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let out = r + 8.0;
    let (tx, ty) = (v.x + ux * out, v.y + uy * (out + 6.0) + 4.0);
    // Anchored on the side facing away from the ring, so text never covers its node.
    let anchor = if ux > 0.3 {
        "start"
    } else if ux < -0.3 {
        "end"
    } else {
        "middle"
    };
    let role = if v.byzantine { "Byzantine" } else { "honest" };
    let label = format!(
        "node {id}, {role}{}, {}, view {}, {}",
        if v.primary { ", primary" } else { "" },
        v.status,
        v.view,
        v.counters()
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
                font-size={format!("{:.0}", r.clamp(7.0, 14.0))}>{ id }</text>
            if v.committed {
                <text class="check" x={format!("{:.1}", v.x + r * 0.8)} y={format!("{:.1}", v.y - r * 0.7)}>{ "✓" }</text>
            }
            if show_counters {
                <text class="counters" x={format!("{tx:.1}")} y={format!("{ty:.1}")} text-anchor={anchor}>
                    { if v.primary { format!("primary · {}", v.counters()) } else { v.counters() } }
                </text>
            }
        </g>
    }
}

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
    html! {
        <div class="graph-wrap">
            <svg class="graph" viewBox={format!("0 0 {GRAPH_SIZE} {GRAPH_SIZE}")}
                role="group" aria-label="The cluster: nodes on a circle, messages as moving dots">
                <circle class="ring" cx={c.to_string()} cy={c.to_string()}
                    r={format!("{:.1}", GRAPH_SIZE * 0.38)} />
                <Dots frame={p.frame.clone()} radius={if n <= 16 { 5.0 } else { 3.5 }} />
                <Nodes scene={p.scene.clone()} dispatch={p.dispatch.clone()} />
            </svg>
            if hidden > 0 {
                <p class="note">{ format!("{hidden} more messages in flight are not drawn") }</p>
            }
            <p class="hint">{ "Click a node to inspect it; shift-click toggles it Byzantine." }</p>
        </div>
    }
}
