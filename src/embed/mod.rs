//! Embed mode (`?embed=1`): the run alone, made to be framed in course material. The graph, a
//! compact transport and a caption line fill any frame from 320×240 up without scrolling, with
//! "Open in the full simulator ↗" (`a.open-full`: the same run at the same moment). Its own URL
//! parameters ([`options`]) start it playing, at a moment, at a speed, without controls or in a
//! loop, and a page API over `postMessage` ([`api`], docs/embedding.md) lets the framing page
//! drive it and hear what happens.
//!
//! It is a root layout of its own over the live view's reducer and components ([`player`]): the
//! same [`crate::state::AppState`], the same actions, the same graph and transport, so what the
//! frame shows is what the full simulator shows. A page-API `load` re-mounts the player with
//! the new query (a fresh reducer, as on a new page, without reloading the frame).

pub mod api;
mod bridge;
pub mod options;
mod player;
mod report;
pub mod share;

use options::EmbedOptions;
use player::Player;
use yew::prelude::*;

/// The embed layout for `query` (the page's); `query` is the root's state, so a page-API `load`
/// (`on_load` with the new query) re-mounts the player on it: a fresh reducer, as on a new page,
/// without reloading the frame. A plain function, not a component of its own: each component
/// costs the start bundle about a kilobyte.
pub fn embed(query: &UseStateHandle<String>) -> Html {
    let (options, scenario, notices) = EmbedOptions::split(query);
    let on_load = {
        let query = query.clone();
        Callback::from(move |q: String| {
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&q));
            }
            query.set(q);
        })
    };
    html! {
        <Player key={(**query).clone()} scenario={scenario} {options} {notices} {on_load} />
    }
}

/// Whether this page is framed by another (an iframe).
pub fn framed() -> bool {
    bridge::parent().is_some()
}
