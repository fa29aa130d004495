//! Tour files fetched on demand, by relative address (`tours/NAME.tour` beside the page), so the
//! site works under any sub-path, and the one-file copy answers the same `fetch` from its inline
//! copies (xtask/src/dist.rs).

use crate::state::{Action, Fetch, IndexEntry};
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

/// The tours of `tours/index.txt`, in its order, each with its title and summary; a tour whose
/// file does not read is listed by name with the reason, so a teacher adding one sees what is
/// wrong.
async fn entries() -> Result<Vec<IndexEntry>, String> {
    let index = text("tours/index.txt").await?;
    let mut out = Vec::new();
    for name in super::parse_index(&index) {
        let read = text(&format!("tours/{name}.tour")).await;
        let (title, summary) = match read
            .and_then(|t| super::parse(&name, &t).map_err(|e| format!("{name}.tour {e}")))
        {
            Ok(t) => (t.title, t.summary),
            Err(e) => (name.clone(), e),
        };
        out.push(IndexEntry {
            name,
            title,
            summary,
        });
    }
    Ok(out)
}

/// Fetches what the reducer asks for (`AppState::to_fetch`) and answers with its action:
/// `TourLoaded` or `TourFailed` (a missing file is "no tour named …") for a tour to open,
/// `ToursListed` for the index.
#[hook]
pub fn use_tour_fetch(fetch: Option<Fetch>, dispatch: Callback<Action>) {
    use_effect_with(fetch, move |fetch| {
        if let Some(fetch) = fetch.clone() {
            yew::platform::spawn_local(async move {
                dispatch.emit(match fetch {
                    Fetch::Tour(name) => match text(&format!("tours/{name}.tour")).await {
                        Ok(text) => Action::TourLoaded { name, text },
                        Err(e) => Action::TourFailed {
                            message: match e.ends_with("not exist") {
                                true => format!("no tour named '{name}'"),
                                false => e,
                            },
                            name,
                        },
                    },
                    Fetch::Index => Action::ToursListed(entries().await),
                });
            });
        }
    });
}
