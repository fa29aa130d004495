//! The nodes' states as a list, for phones: drawn at phone width the graph's labels would be
//! about 6 px, so the graph keeps its colours, shapes and ids and this list says, legibly, what
//! the labels beside the nodes say on a wide screen. A tap on a row opens that node's inspector.

use super::Dispatch;
use crate::state::{Action, Scene};
use yew::prelude::*;

/// A plain function, not a component: each component type costs the bundle its own copy of
/// Yew's component machinery.
pub fn states(s: &Scene, dispatch: &Dispatch) -> Html {
    if s.nodes.len() > 16 {
        return html! {};
    }
    html! {
        <ul class="states" aria-label="Node states">
            { for s.clients.iter().map(|c| html! {
                <li class="client-row"><span class="key client-key"></span>
                    <b>{ &c.name }</b>{ " " }{ c.lines().join(" · ") }</li>
            }) }
            { for s.nodes.iter().map(|v| {
                let id = v.id;
                let onclick = dispatch.reform(move |_| Action::SelectNode(Some(id)));
                html! {
                    <li>
                        <button class="linkish" {onclick} aria-label={format!("Inspect node {id}")}>
                            <span class={format!("key st-{}{}", v.state, if v.byzantine { " byz" } else { "" })}></span>
                            <b>{ format!("node {id}") }</b>
                        </button>
                        { " " }{ if v.byzantine { String::new() } else { format!("{} · ", v.state) } }
                        { v.lines().join(" · ") }
                    </li>
                }
            }) }
        </ul>
    }
}
