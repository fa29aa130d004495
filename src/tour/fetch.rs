//! Tour files fetched on demand, by relative address (`tours/NAME.tour` beside the page), so the
//! site works under any sub-path, and the one-file copy answers the same `fetch` from its inline
//! copies (xtask/src/dist.rs).

use crate::state::Action;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The text at `path` (relative to the page), or the sentence saying why there is none.
pub async fn text(path: &str) -> Result<String, String> {
    let failed = |why: &str| format!("{path} could not be loaded ({why})");
    let window = web_sys::window().ok_or_else(|| failed("no window"))?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| failed("no connection"))?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| failed("no response"))?;
    if !response.ok() {
        return Err(failed(&format!("HTTP {}", response.status())));
    }
    let body = response.text().map_err(|_| failed("unreadable"))?;
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| failed("unreadable"))
}

/// The address of tour `name`'s file.
pub fn path(name: &str) -> String {
    format!("tours/{name}.tour")
}

/// Fetches the tour the reducer asks for (`AppState::tour_to_fetch`) and answers with
/// `TourLoaded` or `TourFailed`; a missing file is "no tour named …".
#[hook]
pub fn use_tour_fetch(name: Option<String>, dispatch: Callback<Action>) {
    use_effect_with(name, move |name| {
        if let Some(name) = name.clone() {
            yew::platform::spawn_local(async move {
                dispatch.emit(match text(&path(&name)).await {
                    Ok(text) => Action::TourLoaded { name, text },
                    Err(e) if e.contains("HTTP 404") => Action::TourFailed {
                        message: format!("no tour named '{name}'"),
                        name,
                    },
                    Err(message) => Action::TourFailed { name, message },
                });
            });
        }
    });
}
