//! Tour files fetched on demand, by relative address (`tours/NAME.tour` beside the page), so the
//! site works under any sub-path, and the one-file copy answers the same `fetch` from its inline
//! copies (xtask/src/dist.rs).

use crate::state::{no_such_tour, Action, Fetch, IndexEntry};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

/// Why a file could not be read.
enum Unread {
    /// The server has no such file (HTTP 404).
    Missing,
    /// Another HTTP status.
    Status(u16),
    /// No response, or no text in it.
    Failed,
}

impl Unread {
    /// The sentence for `path`.
    fn sentence(&self, path: &str) -> String {
        match self {
            Unread::Missing => format!("{path} does not exist"),
            Unread::Status(code) => format!("{path} could not be loaded (HTTP {code})"),
            Unread::Failed => format!("{path} could not be loaded"),
        }
    }
}

/// The text at `path` (relative to the page), or why there is none.
async fn read(path: &str) -> Result<String, Unread> {
    let response: web_sys::Response = JsFuture::from(
        web_sys::window()
            .ok_or(Unread::Failed)?
            .fetch_with_str(path),
    )
    .await
    .ok()
    .and_then(|r| r.dyn_into().ok())
    .ok_or(Unread::Failed)?;
    match response.status() {
        _ if response.ok() => {}
        404 => return Err(Unread::Missing),
        code => return Err(Unread::Status(code)),
    }
    JsFuture::from(response.text().map_err(|_| Unread::Failed)?)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or(Unread::Failed)
}

/// The text at `path` (relative to the page), or the sentence saying why there is none.
pub async fn text(path: &str) -> Result<String, String> {
    read(path).await.map_err(|e| e.sentence(path))
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
                    Fetch::Tour(name) => {
                        let path = format!("tours/{name}.tour");
                        match read(&path).await {
                            Ok(text) => Action::TourLoaded { name, text },
                            Err(e) => Action::TourFailed {
                                message: match e {
                                    Unread::Missing => no_such_tour(&name),
                                    e => e.sentence(&path),
                                },
                                name,
                            },
                        }
                    }
                    Fetch::Index => Action::ToursListed(entries().await),
                });
            });
        }
    });
}
