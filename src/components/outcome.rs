//! The outcome line and the caption, above the graph.
//!
//! The outcome line says how the run stands: running, or how it ended in colour and words
//! (`data-outcome="success|timeout|safety-violation"`), with the reason a failure happened
//! (the engine's [`pbft_engine::explain`]) and, for PBFT, the latency the client saw. The caption
//! tells the newest thing that happened in one sentence; the view line which view has started
//! and who its primary is.

use crate::state::Scene;
use yew::prelude::*;

/// A plain function, not a component: its parent renders every frame anyway, and each component
/// type costs the bundle its own copy of Yew's component machinery.
pub fn outcome(s: &Scene) -> Html {
    html! {
        <div class="outcome-box">
            { match &s.outcome {
                Some(o) => html! {
                    <div class="outcome" data-outcome={o.verdict}>
                        <p class="status" role="status">
                            <span class="outcome-icon" aria-hidden="true">{
                                match o.verdict { "success" => "✓", "safety-violation" => "⚠", _ => "✗" }
                            }</span>
                            <span data-testid="status">{ &o.headline }</span>
                        </p>
                        <p class="reason">{ &o.reason }</p>
                    </div>
                },
                None => html! {
                    <div class="outcome running">
                        <p class="status" role="status"><span data-testid="status">{ &s.status }</span></p>
                    </div>
                },
            } }
            <p class="caption" data-testid="caption">
                if let Some(v) = &s.view_line {
                    <span class="view-line">{ v }</span>
                }
                { &s.caption }
            </p>
        </div>
    }
}
