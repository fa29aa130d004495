//! The inspector: what one node knows, from the engine's snapshot: its view (and the view
//! change it takes part in, with the VIEW-CHANGEs it holds toward 2f + 1, OSDI 1999 §4.4), its
//! pending timers, its checkpoint window (the stable checkpoint h and the high watermark H,
//! §4.3: the log holds nothing at or below h once executed), and per sequence number its status,
//! the PRE-PREPARE it accepted (re-issued by a NEW-VIEW, or the null request, said so) and the
//! PREPARE and COMMIT votes it holds by digest and sender, against the rule (§4.2: prepared =
//! PRE-PREPARE + 2f matching PREPAREs; committed-local = prepared + 2f + 1 matching COMMITs, or
//! a commit certificate of 2f + 1 matching COMMITs alone).
//!
//! On a phone the panel holding it follows the graph, so it opens as a sheet right under the
//! graph, beside the node tapped, with the "make Byzantine" button in reach.

use super::Dispatch;
use crate::state::{Action, Inspect, Scene};
use crate::view::fmt_ms;
use crate::view::words::{digest_text, timer_words};
use pbft_engine::{Digest, SlotSnapshot, Votes};
use std::fmt::Write as _;
use yew::prelude::*;

// The body is written as HTML text and handed to the DOM whole: the same tags built by `html!`
// one by one cost the bundle several KB. Every value written is a number, a hex digest or one
// of this file's own words, so nothing needs escaping.

/// One `<li>` per digest voted for: held against needed, the voters, and whether it is the
/// digest the node accepted.
fn votes(out: &mut String, kind: &str, votes: &[Votes], accepted: Option<Digest>, needed: u32) {
    if votes.is_empty() {
        let _ = write!(
            out,
            r#"<li class="muted">{kind}: none yet (needs {needed})</li>"#
        );
    }
    for v in votes {
        let ids: Vec<String> = v.voters.iter().map(|i| i.to_string()).collect();
        let conflict = accepted.is_some_and(|a| a != v.digest);
        let held = v.voters.len() as u32;
        let _ = write!(
            out,
            "<li{}><b>{kind} {}/{needed}</b> for {} from {}",
            if conflict { r#" class="conflict""# } else { "" },
            held.min(needed),
            digest_text(v.digest),
            ids.join(", ")
        );
        if held > needed {
            let _ = write!(out, " ({held} held)");
        }
        if conflict {
            out.push_str(" — not the digest it accepted");
        }
        out.push_str("</li>");
    }
}

fn slot(out: &mut String, s: &SlotSnapshot, prepare_needed: u32, commit_needed: u32) {
    let _ = write!(
        out,
        r#"<div class="slot"><h3>seq {} · {} · view {}{}{}</h3><ul><li>pre-prepare: {}</li>"#,
        s.seq,
        s.status.name(),
        s.view,
        if s.reissued {
            " · re-issued by NEW-VIEW"
        } else {
            ""
        },
        if s.is_null() { " · null request" } else { "" },
        s.pre_prepare.map_or("none".to_string(), digest_text)
    );
    votes(out, "prepare", &s.prepares, s.pre_prepare, prepare_needed);
    let kind = if s.commits_view == s.view {
        "commit".to_string()
    } else {
        format!("commit in view {}", s.commits_view)
    };
    votes(
        out,
        &kind,
        &s.commits,
        s.committed.or(s.pre_prepare),
        commit_needed,
    );
    if let Some(d) = s.committed {
        let how = if s.by_certificate {
            " through a commit certificate (2f + 1 matching COMMITs, without preparing it here)"
        } else {
            ""
        };
        let _ = write!(
            out,
            r#"<li class="ok">committed {}{how}</li>"#,
            digest_text(d)
        );
    }
    out.push_str("</ul></div>");
}

/// The view (or the view change under way), the timers, the checkpoint window and the slots.
fn body(i: &Inspect) -> String {
    let snap = &i.snapshot;
    let mut out = String::new();
    match &snap.view_change {
        Some(vc) => {
            let ids: Vec<String> = vc.voters.iter().map(|v| v.to_string()).collect();
            let _ = write!(
                out,
                r#"<p class="vc"><b>Changing view: in view {}, asking for view {}</b><br>VIEW-CHANGE {}/{} (2f + 1) from {}</p>"#,
                i.entered_view,
                vc.view,
                (vc.voters.len() as u32).min(vc.quorum),
                vc.quorum,
                ids.join(", ")
            );
        }
        None => {
            let _ = write!(
                out,
                "<p>view {} · primary {} · quorum 2f + 1 = {}</p>",
                snap.view, snap.primary, snap.quorum
            );
        }
    }
    out.push_str(r#"<ul class="facts">"#);
    for t in &i.timers {
        let _ = write!(
            out,
            "<li>{}: fires at {} (in {})</li>",
            timer_words(t.name),
            fmt_ms(t.fires_us),
            fmt_ms(t.fires_us.saturating_sub(i.now_us))
        );
    }
    if let Some(w) = snap.watermarks {
        let _ = write!(
            out,
            "<li>stable checkpoint h = {0} · accepts seq in (h, H] = ({0}, {1}] · executed up to {2}</li>",
            w.stable, w.high, snap.last_executed
        );
        if w.stable > 0 {
            let _ = write!(
                out,
                r#"<li class="muted">log garbage-collected at and below seq {} (checkpoint every K = {})</li>"#,
                w.stable.min(snap.last_executed),
                w.interval
            );
        }
    }
    out.push_str("</ul>");
    if snap.slots.is_empty() {
        out.push_str(r#"<p class="muted">No sequence number in its log.</p>"#);
    }
    for s in &snap.slots {
        slot(&mut out, s, snap.prepare_quorum, snap.quorum);
    }
    out
}

/// A plain function, not a component: each component type costs the bundle its own copy of
/// Yew's component machinery, and its parent renders it from the scene it already holds.
pub fn inspector(scene: &Scene, dispatch: &Dispatch) -> Html {
    let Some(i) = &scene.inspector else {
        return html! {
            <div class="inspector empty">
                <h2>{ "Inspector" }</h2>
                <p class="hint">{ "Click a node to see its view, its timers, its checkpoint window and the votes it holds." }</p>
            </div>
        };
    };
    let id = i.id;
    let close = dispatch.reform(|_| Action::SelectNode(None));
    let toggle = dispatch.reform(move |_| Action::ToggleByzantine(id));
    html! {
        <div class="inspector" data-testid="inspector" role="region" aria-label={format!("Node {id}")}>
            <div class="insp-head">
                <h2>{ format!("Node {id}") }</h2>
                <span class={if i.byzantine { "tag byz" } else { "tag" }}>
                    { if i.byzantine { format!("Byzantine: {}", i.strategy) } else { "honest".to_string() } }
                </span>
                <button class="small" onclick={close} aria-label="Close the inspector">{ "×" }</button>
            </div>
            <button class="small make-byz" onclick={toggle}>
                { if i.byzantine {
                    "Make honest (restarts the run)".to_string()
                } else {
                    format!("Make Byzantine: {} (restarts the run)", i.strategy)
                } }
            </button>
            if i.byzantine {
                <p class="muted">{ "What follows is its honest bookkeeping; its strategy decides what it actually sends." }</p>
            }
            <div class="insp-body">{ Html::from_html_unchecked(AttrValue::from(body(i))) }</div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, AppState};
    use std::rc::Rc;
    use yew::Reducible;

    #[test]
    fn the_body_tells_the_view_change_the_window_and_the_votes() {
        let q = "?protocol=pbft&nodes=4&byzantine-nodes=0&byzantine=1&node=2";
        let mut s = Rc::new(AppState::from_query(q));
        // Step by phases until node 2 changes view (when depends on the protocol's timers).
        while !s.frame.finished && s.scene.nodes[2].state != "view-changing" {
            s = s.reduce(Action::StepPhase);
        }
        let mut wall = 0.0;
        let html = body(s.scene.inspector.as_ref().unwrap());
        assert!(html.contains("asking for view 1"), "{html}");
        assert!(html.contains(" timer: fires at"), "{html}");
        // Timers go by their one name (pbft_engine::words::timer_words), never "retransmit".
        assert!(!html.contains("retransmit "), "{html}");
        assert!(html.contains("stable checkpoint h = 0"), "{html}");
        assert_eq!(html.matches("<li").count(), html.matches("</li>").count());
        let end = s.frame.end_us;
        let mut s = s.reduce(Action::Seek(end));
        while s.frame.seek_us.is_some() {
            wall += 16.0;
            s = s.reduce(Action::Tick(wall));
        }
        let html = body(s.scene.inspector.as_ref().unwrap());
        assert!(html.contains("<b>prepare 2/2</b>"), "{html}");
        assert!(html.contains("committed "), "{html}");
    }
}
