//! The tours index: a "Guided tours" button in the live view's header opening a dialog that
//! lists every tour of `tours/index.txt` with its title and summary (`[data-tour=NAME]`
//! entries). The reducer holds it ([`crate::state::ToursIndex`]) and asks the page for the files
//! it lacks the first time it opens; a tour whose file does not read is listed with the reason,
//! so a teacher adding one sees what is wrong. Choosing one opens it at its first step.

use crate::state::{Action, ToursIndex};
use yew::prelude::*;

/// The header's button, and the dialog when open (Escape closes it: `crate::app::key_action`).
pub fn index(t: &ToursIndex, dispatch: &Callback<Action>) -> Html {
    let button = html! {
        <button class="tours-open" onclick={dispatch.reform(|_| Action::ShowTours(true))}
            aria-haspopup="dialog" data-testid="tours">{ "Guided tours" }</button>
    };
    if !t.open {
        return button;
    }
    let body = match &t.list {
        None => html! { <p role="status">{ "Loading the tours…" }</p> },
        Some(Err(e)) => html! { <p role="alert">{ format!("The tours could not be listed: {e}.") }</p> },
        Some(Ok(entries)) => html! {
            <ol class="tour-list">
                { for entries.iter().map(|e| {
                    let name = e.name.clone();
                    let onclick = dispatch.reform(move |_| Action::OpenTour { name: name.clone(), step: 0 });
                    html! {
                        <li>
                            <button class="tour-entry" data-tour={e.name.clone()} {onclick}>
                                <b>{ &e.title }</b><span>{ &e.summary }</span>
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
            <div class="share-dialog" id="tours-dialog" role="dialog" aria-modal="true"
                aria-labelledby="tours-title" data-testid="tours-dialog" tabindex="-1">
                <h2 id="tours-title">{ "Guided tours" }</h2>
                <p class="share-note">{ "Each tour plays one fixed scenario and stops at the moments it narrates; Next and Back move between them." }</p>
                { body }
                <div class="share-foot">
                    <span />
                    <button class="small" onclick={dispatch.reform(|_| Action::ShowTours(false))}>{ "Close" }</button>
                </div>
            </div>
        </div>
        </>
    }
}
