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
        Phase::Status => "a replica says what it has; peers re-send what it lacks",
        Phase::Fetch => "a replica left behind asks for a stable checkpoint's state",
        Phase::State => "a replica sends that state, proven by 2f + 1 CHECKPOINTs",
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
        "committed: 2f + 1 matching COMMITs (\"by cert\": a commit certificate alone)",
    ),
    (
        "view-changing",
        "view-changing: sent VIEW-CHANGE, waits for NEW-VIEW",
    ),
];

/// The samples of everything but the phases, as static HTML (the node-state samples follow
/// [`STATES`]; a test checks they agree).
const SHAPES: &str = concat!(
    r#"<ul class="shapes">"#,
    r#"<li><span class="key" data-state="idle"></span>idle: no sequence number in progress</li>"#,
    r#"<li><span class="key st-pre-prepared" data-state="pre-prepared"></span>pre-prepared: holds the primary's PRE-PREPARE</li>"#,
    r#"<li><span class="key st-prepared" data-state="prepared"></span>prepared: + 2f matching PREPAREs (tutorial: 2f + 1)</li>"#,
    r#"<li><span class="key st-committed" data-state="committed"></span>committed: 2f + 1 matching COMMITs ("by cert": a commit certificate alone)</li>"#,
    r#"<li><span class="key st-view-changing" data-state="view-changing"></span>view-changing: sent VIEW-CHANGE, waits for NEW-VIEW</li>"#,
    r#"<li><span class="key byz"></span>Byzantine node (diamond): its strategy, not its state</li>"#,
    r#"<li><span class="key primary"></span>dashed ring: the primary of the view that has started</li>"#,
    r#"<li><span class="key timer"></span>solid arc: a replica's view-change timer counting down (it suspects the primary when it runs out)</li>"#,
    r#"<li><span class="key timer resend"></span>thin dashed arc: a retransmission timer (a replica's STATUS, the client's resend)</li>"#,
    r#"<li><span class="key client-key"></span>the client (C): sends requests, accepts f + 1 matching replies</li>"#,
    r#"<li><span class="key digest-a"></span><span class="key2 digest-b"></span>digest held: the usual one, a conflicting one (dashed arrows, outlined dots)</li>"#,
    r#"<li><span class="key lost"></span>a lost message fades where it was dropped</li>"#,
    r#"<li class="muted">P a/b, C a/b: matching votes held / needed ("no PP": its PRE-PREPARE has not arrived, so not prepared however many PREPAREs) · VC: VIEW-CHANGEs held / 2f + 1 · ↻ re-issued by NEW-VIEW · ckpt h: stable checkpoint</li>"#,
    "</ul>"
);

/// The legend's whole HTML, built once: the phases from [`Phase::ALL`] (so a phase the engine
/// adds appears with its swatch and its line), then [`SHAPES`]. One string costs the bundle far
/// less than the same tags built by `html!` one by one, and it never changes.
fn legend_html() -> AttrValue {
    thread_local! {
        static HTML: AttrValue = {
            let mut s = String::from(r#"<div class="legend"><h2>Legend</h2><ul class="phases">"#);
            for p in Phase::ALL {
                s.push_str(&format!(
                    r#"<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><path class="swatch-dot" data-phase="{0}" style="fill:var(--{0})" d="{1}"></path></svg><b>{2}</b> — {3}</li>"#,
                    p.name(),
                    shape_path(p, 5.0, 5.0, 3.6),
                    p.name().to_ascii_uppercase(),
                    explain(p)
                ));
            }
            s.push_str("</ul>");
            s.push_str(SHAPES);
            s.push_str("</div>");
            AttrValue::from(s)
        };
    }
    HTML.with(|h| h.clone())
}

/// The legend (a plain function: it is static HTML).
pub fn legend() -> Html {
    Html::from_html_unchecked(legend_html())
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
        let html = legend_html();
        assert!(html.contains(r#"data-phase="view-change""#));
        for (state, text) in STATES {
            assert!(
                *state == "idle" || css.contains(&format!(".key.st-{state}")),
                "legend sample for {state}"
            );
            assert!(
                css.contains(&format!("--st-{state}:")),
                "--st-{state} missing"
            );
            assert!(
                SHAPES.contains(&format!(r#"data-state="{state}"></span>{text}<"#)),
                "the static legend says what STATES says for {state}"
            );
        }
    }
}
