//! The tours index: a "Tours" button in the live view's header opening a dialog that lists every
//! tour of `tours/index.txt` with its title and summary (`[data-tour=NAME]` entries), fetched the
//! first time it opens. Choosing one opens it at its first step.

use super::fetch;
use crate::state::Action;
use yew::prelude::*;

/// One entry: name, title, summary.
type Entry = (String, String, String);

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Callback<Action>,
}

/// Every tour of the index, in its order; a tour whose file does not read is listed by name with
/// the reason, so a teacher adding one sees what is wrong.
async fn entries() -> Result<Vec<Entry>, String> {
    let index = fetch::text("tours/index.txt").await?;
    let mut out = Vec::new();
    for name in super::parse_index(&index) {
        let entry = match fetch::text(&fetch::path(&name)).await {
            Ok(text) => match super::parse(&name, &text) {
                Ok(t) => (name, t.title, t.summary),
                Err(e) => (name.clone(), format!("{name}.tour"), e.to_string()),
            },
            Err(e) => (name.clone(), name, e),
        };
        out.push(entry);
    }
    Ok(out)
}

#[function_component(ToursIndex)]
pub fn tours_index(p: &Props) -> Html {
    let open = use_state(|| false);
    let list = use_state(|| None::<Result<Vec<Entry>, String>>);
    let dialog = use_node_ref();
    {
        let (list, dialog) = (list.clone(), dialog.clone());
        use_effect_with(*open, move |&open| {
            if let Some(el) = open
                .then(|| dialog.cast::<web_sys::HtmlElement>())
                .flatten()
            {
                let _ = el.focus();
            }
            if open && list.is_none() {
                yew::platform::spawn_local(async move { list.set(Some(entries().await)) });
            }
        });
    }
    let set = |to: bool| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(to))
    };
    let button = html! {
        <button class="tours-open" onclick={set(true)} aria-haspopup="dialog"
            data-testid="tours">{ "Guided tours" }</button>
    };
    if !*open {
        return button;
    }
    let onkeydown = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let body = match &*list {
        None => html! { <p role="status">{ "Loading the tours…" }</p> },
        Some(Err(e)) => {
            html! { <p role="alert">{ format!("The tours could not be listed: {e}.") }</p> }
        }
        Some(Ok(entries)) => html! {
            <ol class="tour-list">
                { for entries.iter().map(|(name, title, summary)| {
                    let (dispatch, open, tour) = (p.dispatch.clone(), open.clone(), name.clone());
                    let onclick = Callback::from(move |_: MouseEvent| {
                        open.set(false);
                        dispatch.emit(Action::OpenTour { name: tour.clone(), step: 0 });
                    });
                    html! {
                        <li>
                            <button class="tour-entry" data-tour={name.clone()} {onclick}>
                                <b>{ title }</b><span>{ summary }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
        },
    };
    html! {
        <>
        { button }
        <div class="share-backdrop">
            <div class="share-dialog tours-dialog" role="dialog" aria-modal="true"
                aria-labelledby="tours-title" data-testid="tours-dialog" ref={dialog}
                tabindex="-1" {onkeydown}>
                <h2 id="tours-title">{ "Guided tours" }</h2>
                <p class="share-note">{ "Each tour plays one fixed scenario and stops at the moments it narrates; Next and Back move between them." }</p>
                { body }
                <div class="share-foot">
                    <span />
                    <button class="small" onclick={set(false)}>{ "Close" }</button>
                </div>
            </div>
        </div>
        </>
    }
}
