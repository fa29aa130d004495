//! The tours index: a "Guided tours" button in the live view's header opening a dialog that
//! lists every tour of `tours/index.txt` with its title and summary (`[data-tour=NAME]`
//! entries). The reducer holds it ([`crate::state::ToursIndex`]) and asks the page for the files
//! it lacks the first time it opens; a tour whose file does not read is listed with the reason,
//! so a teacher adding one sees what is wrong. Choosing one opens it at its first step; Escape
//! or Close closes it. HTML text, as [`super::panel`] is.

use super::panel::{delegate, esc};
use crate::state::{Action, ToursIndex};
use std::fmt::Write as _;
use yew::prelude::*;

/// The header's button, and the dialog when open.
pub fn index(t: &ToursIndex, dispatch: &Callback<Action>) -> Html {
    let button = r#"<button class="tours-open" data-act="index" aria-haspopup="dialog" data-testid="tours">Guided tours</button>"#;
    let dialog = t.open.then(|| {
        let mut s = String::from(
            r#"<h2 id="tours-title">Guided tours</h2><p class="share-note">Each tour plays one fixed scenario and stops at the moments it narrates; Next and Back move between them.</p>"#,
        );
        match &t.list {
            Some(Ok(entries)) => {
                s.push_str(r#"<ol class="tour-list">"#);
                for e in entries {
                    let _ = write!(
                        s,
                        r#"<li><button class="tour-entry" data-tour="{}"><b>{}</b><span>{}</span></button></li>"#,
                        esc(&e.name),
                        esc(&e.title),
                        esc(&e.summary)
                    );
                }
                s.push_str("</ol>");
            }
            Some(Err(e)) => {
                let _ = write!(s, r#"<p role="alert">The tours could not be listed: {}.</p>"#, esc(e));
            }
            _ => s.push_str(r#"<p role="status">Loading the tours…</p>"#),
        }
        s.push_str(r#"<div class="share-foot"><span></span><button class="small" data-act="close-index">Close</button></div>"#);
        // The dialog element stays while its text changes (the list arriving), so the focus
        // it took stays in it.
        html! {
            <div class="share-backdrop">
                <div class="share-dialog" id="tours-dialog" role="dialog" aria-modal="true"
                    aria-labelledby="tours-title" data-testid="tours-dialog" tabindex="-1">
                    { Html::from_html_unchecked(AttrValue::from(s)) }
                </div>
            </div>
        }
    });
    // The dialog takes the focus when it opens (crate::app), so Escape pressed in it lands here.
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                dispatch.emit(Action::ShowTours(false));
            }
        })
    };
    html! {
        <div class="tours" onclick={delegate(dispatch)} {onkeydown}>
            { Html::from_html_unchecked(AttrValue::from(button)) }
            { dialog }
        </div>
    }
}
