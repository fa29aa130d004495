//! Picks the page's layout from the URL and the frame it is in: the Experiments view
//! (`?view=experiments`), the embed layout (`?embed=1`, or the live view framed in a frame too
//! small for it: under 760×560 the full page would show its title, its form and part of the
//! ring), or the live view.

use crate::embed;
use crate::experiments::Experiments;
use crate::url;
use yew::prelude::*;

/// Below this frame size the live view, when framed, takes the embed layout.
const SMALL_FRAME: (f64, f64) = (760.0, 560.0);

/// Whether the window is smaller than [`SMALL_FRAME`] either way.
fn small_window() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let size =
        |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(f64::MAX);
    size(w.inner_width()) < SMALL_FRAME.0 || size(w.inner_height()) < SMALL_FRAME.1
}

#[function_component(Root)]
pub fn root() -> Html {
    // The page's query; the embed layout's page-API `load` replaces it.
    let query = use_state(url::read_location);
    let pairs = url::query_pairs(&query);
    let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
    if has("view", "experiments") {
        html! { <Experiments /> }
    } else if has("embed", "1") || (embed::framed() && small_window()) {
        embed::embed(&query)
    } else {
        html! { <crate::App /> }
    }
}
