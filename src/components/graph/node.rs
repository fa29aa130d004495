//! One replica on the graph: its shape (a circle, a diamond when Byzantine), its state colour,
//! the primary's dashed ring, a chip with the colour of the digest it holds (a conflicting one
//! stands out), and its counters beside it, placed outside the ring so text never covers a node.

use super::super::Dispatch;
use crate::state::Action;
use crate::view::{n1, NodeView, GRAPH_SIZE};
use yew::prelude::*;

fn node_shape(v: &NodeView, r: f64) -> Html {
    if v.byzantine {
        let k = r * 1.25;
        let (x, y) = (n1(v.x), n1(v.y));
        let points = format!(
            "{x},{} {},{y} {x},{} {},{y}",
            n1(v.y - k),
            n1(v.x + k),
            n1(v.y + k),
            n1(v.x - k)
        );
        html! { <polygon class="shape" points={points} /> }
    } else {
        html! { <circle class="shape" cx={n1(v.x)} cy={n1(v.y)}
        r={n1(r)} /> }
    }
}

/// The digest chip's class: `a` for the first digest seen at the sequence number, `b` for a
/// conflicting one, `null` for the null request.
pub fn digest_class(v: &NodeView) -> Option<&'static str> {
    let d = v.digest.as_deref()?;
    Some(if d == "null" {
        "null"
    } else if v.alt_digest {
        "b"
    } else {
        "a"
    })
}

/// A node's counters, drawn outside its (button) group so the button's visible text is only its
/// id, which its accessible name contains.
pub fn counters(v: &NodeView, r: f64) -> Html {
    let (tx, ty, anchor) = counters_place(v, r);
    counters_text(&v.lines(), tx, ty, anchor, v.primary)
}

/// Replica `v` drawn with radius `r`; `focus`: a tour's step talks about it (the stylesheet
/// rings it).
pub fn node(v: &NodeView, r: f64, focus: bool, dispatch: &Dispatch) -> Html {
    let id = v.id;
    let onclick = dispatch.reform(move |e: MouseEvent| {
        if e.shift_key() {
            Action::ToggleByzantine(id)
        } else {
            keep_above_sheet(&e);
            Action::SelectNode(Some(id))
        }
    });
    // The keyboard's path to the same two actions as a click and a shift-click.
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => dispatch.emit(Action::SelectNode(Some(id))),
            "b" | "B" => dispatch.emit(Action::ToggleByzantine(id)),
            _ => {}
        })
    };
    let label = v.label();
    let class = format!(
        "node st-{}{}{}{}{}",
        v.state,
        if v.id % 2 == 1 { " odd" } else { "" },
        if v.byzantine { " byz" } else { "" },
        if v.primary { " primary" } else { "" },
        if v.selected { " selected" } else { "" }
    );
    let chip = digest_class(v).filter(|_| !v.byzantine && r >= 8.0);
    html! {
        <g key={id} class={class} data-node={id.to_string()} data-state={v.state}
            data-byzantine={v.byzantine.to_string()} data-focus={focus.then_some("1")}
            tabindex="0" role="button" aria-label={label.clone()} {onclick} {onkeydown}>
            <title>{ label }</title>

            if v.primary {
                <circle class="primary-ring" cx={n1(v.x)} cy={n1(v.y)}
                    r={n1(r + 5.0)} />
            }
            { node_shape(v, r) }
            <text class="node-id" x={n1(v.x)} y={n1(v.y + r.min(14.0) * 0.35)}
                font-size={(r.clamp(7.0, 14.0).round() as u32).to_string()}>{ id }</text>
            if let Some(class) = chip {
                <circle class="digest" data-digest={class}
                    cx={n1(v.x + r * 0.72)} cy={n1(v.y + r * 0.72)}
                    r={n1((r * 0.28).max(3.0))} />
            }
        </g>
    }
}

/// On a phone or a tablet the inspector is a sheet over the lower part of the screen
/// (www/style.css): a node tapped there is scrolled up into the part the sheet leaves free, so
/// the student sees the node and what the inspector says about it together.
fn keep_above_sheet(e: &MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let size = |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64());
    let (Some(width), Some(height)) = (size(window.inner_width()), size(window.inner_height()))
    else {
        return;
    };
    // Yew delegates events from its root, so the node is found from the target.
    let node = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest(".node").ok().flatten());
    // Where the stylesheet makes the inspector a sheet (max-width: 1100px), over up to 46 % of
    // the height: the whole graph if it fits above it, else as much of it as keeps the node just
    // above the sheet.
    if let (true, Some(node)) = (width <= 1100.0, node) {
        let free = height * 0.52;
        let r = node.get_bounding_client_rect();
        if r.bottom() > free - 8.0 || r.top() < 0.0 {
            let graph = node.closest(".graph").ok().flatten();
            let dy = match graph.map(|g| g.get_bounding_client_rect()) {
                Some(g) if g.height() <= free => g.top() - 4.0,
                _ if r.top() < 0.0 => r.top() - 12.0,
                _ => r.bottom() - (free - 12.0),
            };
            window.scroll_by_with_x_and_y(0.0, dy);
        }
    }
}

/// Where a node's counters go: outside the ring, along the radius through the node, anchored on
/// the side facing away from the ring so text never covers its node. Returns (x, y, anchor).
pub fn counters_place(v: &NodeView, r: f64) -> (f64, f64, &'static str) {
    let c = GRAPH_SIZE / 2.0;
    let (dx, dy) = (v.x - c, v.y - c);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    // Clear of the primary's dashed ring and of a timer's arc.
    let out = r + 14.0;
    if ux.abs() <= 0.3 {
        // At the top or the bottom of the ring: beside the node, on its right.
        return (v.x + out, v.y + 4.0, "start");
    }
    let anchor = if ux > 0.0 { "start" } else { "end" };
    (v.x + ux * out, v.y + uy * (out + 6.0) + 4.0, anchor)
}

/// Line height of the counters' text in graph units (their font is 11 units).
pub const COUNTER_LINE: f64 = 13.0;

/// The counters, one short line each, stacked and centred on their anchor point.
fn counters_text(lines: &[String], x: f64, y: f64, anchor: &'static str, primary: bool) -> Html {
    let n = lines.len().max(1) as f64;
    let top = y - COUNTER_LINE / 2.0 * (n - 1.0);
    let x = n1(x);
    html! {
        <text class={if primary { "counters primary" } else { "counters" }} x={x.clone()} y={n1(top)} text-anchor={anchor}>
            { for lines.iter().enumerate().map(|(i, line)| html! {
                <tspan x={x.clone()} dy={if i == 0 { 0.0 } else { COUNTER_LINE }.to_string()}>{ line }</tspan>
            }) }
        </text>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::{node_radius, ring_layout};

    /// Width of a line of the counters' 11-unit monospace text (about 0.6 em a character).
    fn width(text: &str) -> f64 {
        text.chars().count() as f64 * 11.0 * 0.6
    }

    #[test]
    fn counters_stay_inside_the_graph_for_every_node_and_primary() {
        for n in 1..=16u32 {
            let r = node_radius(n);
            for (i, &(x, y)) in ring_layout(n).iter().enumerate() {
                for (primary, byzantine, missing) in [
                    (false, false, false),
                    (true, false, false),
                    (true, true, false),
                    (false, false, true),
                    (true, false, true),
                ] {
                    let v = NodeView {
                        id: i as u32,
                        x,
                        y,
                        primary,
                        byzantine,
                        view: 12,
                        state: "prepared",
                        strategy: "equivocate",
                        prepares: 10,
                        prepares_needed: 10,
                        commits: 11,
                        commits_needed: 11,
                        by_certificate: true,
                        // A re-issued PRE-PREPARE is one held, so never with "no PP".
                        reissued: !missing,
                        no_pre_prepare: missing,
                        window: Some((120, 140)),
                        ..NodeView::default()
                    };
                    let (tx, ty, anchor) = counters_place(&v, r);
                    let lines = v.lines();
                    let w = lines.iter().map(|l| width(l)).fold(0.0, f64::max);
                    let (left, right) = match anchor {
                        "middle" => (tx - w / 2.0, tx + w / 2.0),
                        "start" => (tx, tx + w),
                        _ => (tx - w, tx),
                    };
                    let h = COUNTER_LINE * lines.len() as f64;
                    assert!(
                        left >= 0.0
                            && right <= GRAPH_SIZE
                            && ty - h >= 0.0
                            && ty + h <= GRAPH_SIZE + 8.0,
                        "n = {n}, node {i}, primary {primary}: {left:.1}..{right:.1}, y {ty:.1}"
                    );
                }
            }
        }
    }
}
