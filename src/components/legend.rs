//! The legend: what each colour and dot shape means, with one line on what that PBFT phase does
//! (OSDI 1999 §4.2–4.4), and the node shapes. The swatches are the dots' own shapes
//! ([`super::dots::shape_path`]), so the legend never disagrees with the graph.

use super::dots::shape_path;
use pbft_engine::Phase;
use yew::prelude::*;

/// One line per phase; a phase this version does not describe still gets its swatch.
pub fn explain(phase: Phase) -> &'static str {
    match phase.name() {
        "request" => "a client asks the primary to order an operation",
        "pre-prepare" => "the primary assigns the request a sequence number",
        "prepare" => "replicas echo the assignment; 2f + 1 matching = prepared",
        "commit" => "replicas confirm; 2f + 1 matching commits = committed",
        "reply" => "replicas answer the client, which waits for f + 1",
        "checkpoint" => "replicas agree on a stable state to trim their logs",
        "view-change" => "replicas suspect the primary and vote to replace it",
        "new-view" => "the next primary takes over with the votes it gathered",
        _ => "",
    }
}

#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend">
            <h2>{ "Legend" }</h2>
            <ul class="phases">
                { for Phase::ALL.iter().map(|p| html! {
                    <li>
                        <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
                            <path class="swatch-dot" data-phase={p.name()} d={shape_path(*p, 5.0, 5.0, 3.6)} />
                        </svg>
                        <b>{ p.name() }</b>{ " — " }{ explain(*p) }
                    </li>
                }) }
            </ul>
            <ul class="shapes">
                <li><span class="key honest"></span>{ "honest node (colour = its state: idle, pre-prepared, prepared, committed ✓)" }</li>
                <li><span class="key byz"></span>{ "Byzantine node (diamond)" }</li>
                <li><span class="key primary"></span>{ "ring: the primary" }</li>
                <li><span class="key lost"></span>{ "a lost message fades where it was dropped" }</li>
            </ul>
        </div>
    }
}
