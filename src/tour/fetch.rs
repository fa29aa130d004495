//! Tour files fetched on demand, by relative address (`tours/NAME.tour` beside the page), so the
//! site works under any sub-path, and the one-file copy answers the same `fetch` from its inline
//! copies (xtask/src/dist.rs).

use crate::state::{Action, Fetch};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// The text at `path` (relative to the page), or the sentence saying why there is none.
pub async fn text(path: &str) -> Result<String, String> {
    let status = async {
        let response: web_sys::Response = JsFuture::from(web_sys::window()?.fetch_with_str(path))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return Some(Err(response.status()));
        }
        JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()
            .map(Ok)
    };
    match status.await {
        Some(Ok(text)) => Ok(text),
        Some(Err(404)) => Err(format!("{path} does not exist")),
        Some(Err(code)) => Err(format!("{path} could not be loaded (HTTP {code})")),
        None => Err(format!("{path} could not be loaded")),
    }
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
                        message: match e.ends_with("not exist") {
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
