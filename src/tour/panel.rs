//! The open tour as the reader sees it: its title, the step's heading and narration
//! (`.tour-text`), where it stands ("Step 3 of 8" and a progress bar), Back and Next
//! (`.tour-back`, `.tour-next`, disabled at the ends), a link to the step and Close. The live view
//! shows it in place of the scenario form; the embed layout shows it compact (heading, narration,
//! Back and Next) in place of the caption. The graph highlights what the step talks about
//! (`Scene::focus` and `Scene::phases`).

use crate::state::{Action, TourState, TourStatus};
use yew::prelude::*;

/// The panel for `t`; `compact` for a frame (no title, link or Close).
pub fn panel(t: &TourState, compact: bool, dispatch: &Callback<Action>) -> Html {
    let close = html! {
        <button class="small tour-close" onclick={dispatch.reform(|_| Action::CloseTour)}>
            { "Close tour" }
        </button>
    };
    let (tour, at) = match &t.status {
        TourStatus::Ready(l) => (&l.tour, &l.at),
        TourStatus::Loading => {
            return html! {
                <section class="tour-panel" aria-busy="true" data-testid="tour">
                    <p class="tour-text" role="status">{ "Loading the tour…" }</p>
                </section>
            }
        }
        TourStatus::Failed(why) => {
            return html! {
                <section class="tour-panel" data-testid="tour">
                    <p class="tour-text tour-error" role="alert">
                        { format!("The tour could not open: {why}.") }
                    </p>
                    { close }
                </section>
            }
        }
    };
    let (k, n) = (t.step, at.len());
    let Some(step) = tour.steps.get(k) else {
        return Html::default();
    };
    let count = format!("Step {} of {n}", k + 1);
    let nav = html! {
        <div class="tour-nav">
            <button class="tour-back" disabled={k == 0} aria-label="Previous step"
                onclick={dispatch.reform(|_| Action::TourBack)}>{ "← Back" }</button>
            <span class="tour-count">{ &count }</span>
            <button class="tour-next primary-btn" disabled={k + 1 >= n} aria-label="Next step"
                onclick={dispatch.reform(|_| Action::TourNext)}>{ "Next →" }</button>
        </div>
    };
    html! {
        <section class={classes!("tour-panel", compact.then_some("compact"))}
            aria-labelledby="tour-heading" data-testid="tour" data-tour-name={t.name.clone()}
            data-step={(k + 1).to_string()}>
            if !compact {
                <p class="tour-kicker">{ "Guided tour" }</p>
                <h2 class="tour-title">{ &tour.title }</h2>
                <progress class="tour-bar" max={n.to_string()} value={(k + 1).to_string()}
                    aria-label={count.clone()} />
            }
            <h3 id="tour-heading" class="tour-heading">{ &step.heading }</h3>
            <div class="tour-text" aria-live="polite">
                { for step.paragraphs.iter().map(|p| html! { <p>{ p }</p> }) }
            </div>
            { nav }
            if !compact {
                <div class="tour-foot">
                    <a class="tour-link" href={t.query()}>{ "Link to this step" }</a>
                    { close }
                </div>
            }
        </section>
    }
}
