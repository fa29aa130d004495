//! The open tour as the reader sees it: its title, the step's heading and narration
//! (`.tour-text`), where it stands ("Step 3 of 8" and a progress bar), Back and Next
//! (`.tour-back`, `.tour-next`, disabled at the ends), a link to the step and Close. The live view
//! shows it in place of the scenario form; the embed layout shows it compact (heading, narration,
//! Back and Next) in place of the caption. The graph highlights what the step talks about
//! (`Scene::focus` and `Scene::phases`).
//!
//! Written as HTML text handed to the DOM whole, as the inspector and the legend are: the same
//! tags built by `html!` one by one cost the start bundle several KB, and it has none to spare.
//! Its buttons name their action (`data-act`), read by one click listener ([`delegate`]). Each
//! button is a piece of its own, so one whose text and state stay the same stays the same
//! element and keeps the keyboard focus from step to step.

use crate::state::{Action, TourState, TourStatus};
use std::fmt::Write as _;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// `text` safe inside HTML text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The action a click asks for: the `data-act` (or `data-tour`, an index entry) of the element
/// clicked or its nearest ancestor with one.
fn act(e: MouseEvent) -> Option<Action> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let el = el.closest("[data-act],[data-tour]").ok()??;
    if let Some(name) = el.get_attribute("data-tour") {
        return Some(Action::OpenTour { name, step: 0 });
    }
    Some(match el.get_attribute("data-act")?.as_str() {
        "next" => Action::TourNext,
        "back" => Action::TourBack,
        "close" => Action::CloseTour,
        "index" => Action::ShowTours(true),
        "close-index" => Action::ShowTours(false),
        _ => return None,
    })
}

/// One click listener for a piece of HTML text whose buttons carry `data-act` / `data-tour`.
pub fn delegate(dispatch: &Callback<Action>) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e| {
        if let Some(a) = act(e) {
            dispatch.emit(a);
        }
    })
}

fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

/// The panel for `t`; `compact` for a frame (no title, progress bar or link).
pub fn panel(t: &TourState, compact: bool, dispatch: &Callback<Action>) -> Html {
    let close = r#"<button class="small tour-close" data-act="close">Close tour</button>"#;
    let mut text = String::new();
    let mut nav = None;
    match &t.status {
        TourStatus::Loading => {
            text.push_str(r#"<p class="tour-text" role="status">Loading the tour…</p>"#)
        }
        TourStatus::Failed(why) => {
            let _ = write!(
                text,
                r#"<p class="tour-text tour-error" role="alert">The tour could not open: {}.</p>{close}"#,
                esc(why)
            );
        }
        TourStatus::Ready(l) => {
            let (k, n) = (t.step, l.at.len());
            let Some(step) = l.tour.steps.get(k) else {
                return Html::default();
            };
            if !compact {
                let _ = write!(
                    text,
                    r#"<p class="tour-kicker">Guided tour</p><h2 class="tour-title">{}</h2><progress class="tour-bar" max="{n}" value="{}" aria-label="Step {} of {n}"></progress>"#,
                    esc(&l.tour.title),
                    k + 1,
                    k + 1
                );
            }
            let _ = write!(
                text,
                r#"<h3 id="tour-heading" class="tour-heading">{}</h3><div class="tour-text" aria-live="polite">"#,
                esc(&step.heading)
            );
            for p in &step.paragraphs {
                let _ = write!(text, "<p>{}</p>", esc(p));
            }
            text.push_str("</div>");
            let button = |class: &str, act: &str, label: &str, off: bool| {
                raw(format!(
                    r#"<button class="{class}" data-act="{act}"{}>{label}</button>"#,
                    if off { " disabled" } else { "" }
                ))
            };
            nav = Some(html! {
                <div class="tour-nav">
                    { button("tour-back", "back", "← Back", k == 0) }
                    { raw(format!(r#"<span class="tour-count">Step {} of {n}</span>"#, k + 1)) }
                    { button("tour-next primary-btn", "next", "Next →", k + 1 >= n) }
                </div>
            });
        }
    }
    let foot = (!compact && nav.is_some()).then(|| {
        raw(format!(
            r#"<div class="tour-foot"><a class="tour-link" href="{}">Link to this step</a>{close}</div>"#,
            esc(&t.query())
        ))
    });
    let step = t.loaded().map(|_| (t.step + 1).to_string());
    html! {
        <section class={if compact { "tour-panel compact" } else { "tour-panel" }}
            aria-label="Guided tour" data-testid="tour" data-tour-name={t.name.clone()}
            data-step={step} onclick={delegate(dispatch)}>
            { raw(text) }
            { nav }
            { foot }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc(r#"a < b & "c">"#), "a &lt; b &amp; &quot;c&quot;&gt;");
    }
}
