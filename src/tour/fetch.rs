//! Tour files fetched on demand, by relative address (`tours/NAME.tour` beside the page), so the
//! site works under any sub-path, and the one-file copy answers the same `fetch` from its inline
//! copies (xtask/src/dist.rs).

use crate::state::{Action, Fetch};
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

/// Fetches the file the reducer asks for (`AppState::to_fetch`: one at a time) and answers with
/// its action: `TourLoaded` or `TourFailed` (a missing file is "no tour named …") for a tour to
/// open, `ToursListed` and `TourRead` for the index.
#[hook]
pub fn use_tour_fetch(fetch: Option<Fetch>, dispatch: Callback<Action>) {
    use_effect_with(fetch, move |fetch| {
        if let Some(fetch) = fetch.clone() {
            yew::platform::spawn_local(async move {
                let result = text(&fetch.path()).await;
                dispatch.emit(match (fetch, result) {
                    (Fetch::Tour(name), Ok(text)) => Action::TourLoaded { name, text },
                    (Fetch::Tour(name), Err(e)) => Action::TourFailed {
                        message: match e.contains("HTTP 404") {
                            true => format!("no tour named '{name}'"),
                            false => e,
                        },
                        name,
                    },
                    (Fetch::Index, text) => Action::ToursListed(text),
                    (Fetch::Entry(name), text) => Action::TourRead { name, text },
                });
            });
        }
    });
}
