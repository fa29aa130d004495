//! The legend: what each colour and dot shape means, with one line on what that PBFT phase does
//! (OSDI 1999 §4.2–4.4), and samples of everything else the graph draws: node states (with the
//! rule each stands for), Byzantine nodes, the primary's ring, the client, timer arcs, digest
//! chips. The swatches are the graph's own shapes ([`super::dots::shape_path`]) and the
//! stylesheet's own colours, so the legend never disagrees with the graph.

use super::dots::shape_path;
use pbft_engine::Phase;
use yew::prelude::*;

/// One line per phase. Exhaustive: a phase the engine adds does not compile until it is
/// described here (and given a shape in [`super::dots::outline`]).
pub fn explain(phase: Phase) -> &'static str {
    match phase {
        Phase::Request => "the client asks the replicas to order an operation",
        Phase::PrePrepare => "the primary assigns the request a sequence number",
        Phase::Prepare => "backups echo the assignment; PRE-PREPARE + 2f matching = prepared",
        Phase::Commit => "replicas confirm; 2f + 1 matching COMMITs = committed",
        Phase::Reply => "replicas answer the client, which waits for f + 1 matching",
        Phase::Checkpoint => "replicas agree on a stable state to trim their logs",
        Phase::ViewChange => "replicas suspect the primary and vote to replace it",
        Phase::NewView => "the next primary takes over with 2f + 1 VIEW-CHANGEs",
    }
}

/// Node states, in the order a request goes through them, and what each means.
pub const STATES: &[(&str, &str)] = &[
    ("idle", "idle: no sequence number in progress"),
    (
        "pre-prepared",
        "pre-prepared: holds the primary's PRE-PREPARE",
    ),
    (
        "prepared",
        "prepared: + 2f matching PREPAREs (tutorial: 2f + 1)",
    ),
    (
        "committed",
        "committed: 2f + 1 matching COMMITs (\"cert\": a commit certificate alone)",
    ),
    (
        "view-changing",
        "view-changing: sent VIEW-CHANGE, waits for NEW-VIEW",
    ),
];

#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend">
            <h2>{ "Legend" }</h2>
            <ul class="phases">
                { for Phase::ALL.iter().map(|p| html! {
                    <li>
                        <svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
                            <path class="swatch-dot" data-phase={p.name()}
                                style={format!("fill:var(--{})", p.name())} d={shape_path(*p, 5.0, 5.0, 3.6)} />
                        </svg>
                        <b>{ p.name().to_uppercase() }</b>{ " — " }{ explain(*p) }
                    </li>
                }) }
            </ul>
            <ul class="shapes">
                { for STATES.iter().map(|(state, text)| html! {
                    <li><span class={classes!("key", format!("st-{state}"))} data-state={*state}></span>{ *text }</li>
                }) }
                <li><span class="key byz"></span>{ "Byzantine node (diamond): its strategy, not its state" }</li>
                <li><span class="key primary"></span>{ "dashed ring: the primary of the view that has started" }</li>
                <li><span class="key timer"></span>{ "arc: a timer counting down (view change, client retransmission)" }</li>
                <li><span class="key client-key"></span>{ "the client (C): sends requests, accepts f + 1 matching replies" }</li>
                <li><span class="key digest-a"></span><span class="key2 digest-b"></span>{ "digest held: the usual one, a conflicting one (dashed arrows, outlined dots)" }</li>
                <li><span class="key lost"></span>{ "a lost message fades where it was dropped" }</li>
                <li class="muted">{ "P a/b, C a/b: matching votes held / needed · VC: VIEW-CHANGEs held / 2f + 1 · ↻ re-issued by NEW-VIEW · ckpt h: stable checkpoint" }</li>
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_and_state_has_a_colour_in_the_stylesheet() {
        let css = include_str!("../../www/style.css");
        for p in Phase::ALL {
            assert!(
                css.contains(&format!("--{}:", p.name())),
                "--{} missing",
                p.name()
            );
            assert!(!explain(p).is_empty());
        }
        for (state, _) in STATES {
            assert!(
                *state == "idle" || css.contains(&format!(".key.st-{state}")),
                "legend sample for {state}"
            );
            assert!(
                css.contains(&format!("--st-{state}:")),
                "--st-{state} missing"
            );
        }
    }
}
