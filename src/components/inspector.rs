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
use crate::view::words::digest_text;
use pbft_engine::{Digest, SlotSnapshot, Votes};
use yew::prelude::*;

fn votes(kind: &str, votes: &[Votes], accepted: Option<Digest>, needed: u32) -> Html {
    if votes.is_empty() {
        return html! { <li class="muted">{ format!("{kind}: none yet (needs {needed})") }</li> };
    }
    html! {
        { for votes.iter().map(|v| {
            let ids: Vec<String> = v.voters.iter().map(|i| i.to_string()).collect();
            let conflict = accepted.is_some_and(|a| a != v.digest);
            let held = v.voters.len() as u32;
            let mut text = format!(" for {} from {}", digest_text(v.digest), ids.join(", "));
            if held > needed {
                text.push_str(&format!(" ({held} held)"));
            }
            if conflict {
                text.push_str(" — not the digest it accepted");
            }
            html! {
                <li class={classes!(conflict.then_some("conflict"))}>
                    <b>{ format!("{kind} {}/{needed}", held.min(needed)) }</b>{ text }
                </li>
            }
        }) }
    }
}

fn slot(s: &SlotSnapshot, prepare_needed: u32, commit_needed: u32) -> Html {
    let mut title = format!("seq {} · {} · view {}", s.seq, s.status.name(), s.view);
    if s.reissued {
        title.push_str(" · re-issued by NEW-VIEW");
    }
    if s.is_null() {
        title.push_str(" · null request");
    }
    let digest = s.committed.or(s.pre_prepare);
    html! {
        <div class="slot">
            <h3>{ title }</h3>
            <ul>
                <li>{ format!("pre-prepare: {}", s.pre_prepare.map_or("none".to_string(), digest_text)) }</li>
                { votes("prepare", &s.prepares, s.pre_prepare, prepare_needed) }
                { votes("commit", &s.commits, digest, commit_needed) }
                if let Some(d) = s.committed {
                    <li class="ok">{
                        if s.by_certificate {
                            format!("committed {} through a commit certificate (2f + 1 matching COMMITs, without preparing it here)", digest_text(d))
                        } else {
                            format!("committed {}", digest_text(d))
                        }
                    }</li>
                }
            </ul>
        </div>
    }
}

fn view_line(i: &Inspect) -> Html {
    let snap = &i.snapshot;
    match &snap.view_change {
        Some(vc) => {
            let ids: Vec<String> = vc.voters.iter().map(|v| v.to_string()).collect();
            html! {
                <p class="vc">
                    <b>{ format!("Changing view: in view {}, asking for view {}", i.entered_view, vc.view) }</b><br />
                    { format!("VIEW-CHANGE {}/{} (2f + 1) from {}", (vc.voters.len() as u32).min(vc.quorum), vc.quorum, ids.join(", ")) }
                </p>
            }
        }
        None => html! {
            <p>{ format!("view {} · primary {} · quorum 2f + 1 = {}", snap.view, snap.primary, snap.quorum) }</p>
        },
    }
}

fn extras(i: &Inspect) -> Html {
    let snap = &i.snapshot;
    html! {
        <ul class="facts">
            { for i.timers.iter().map(|t| html! {
                <li>{ format!("{} timer: fires at {} (in {})", t.name, fmt_ms(t.fires_us),
                    fmt_ms(t.fires_us.saturating_sub(i.now_us))) }</li>
            }) }
            if let Some(w) = snap.watermarks {
                <li>{ format!("stable checkpoint h = {} · accepts seq in (h, H] = ({}, {}] · executed up to {}",
                    w.stable, w.stable, w.high, snap.last_executed) }</li>
                if w.stable > 0 {
                    <li class="muted">{ format!("log garbage-collected at and below seq {} (checkpoint every K = {})", w.stable.min(snap.last_executed), w.interval) }</li>
                }
            }
        </ul>
    }
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
    let snap = &i.snapshot;
    html! {
        <div class="inspector" data-testid="inspector" role="region" aria-label={format!("Node {id}")}>
            <div class="insp-head">
                <h2>{ format!("Node {id}") }</h2>
                <span class={classes!("tag", i.byzantine.then_some("byz"))}>
                    { if i.byzantine { format!("Byzantine: {}", i.strategy) } else { "honest".to_string() } }
                </span>
                <button class="small" onclick={close} aria-label="Close the inspector">{ "×" }</button>
            </div>
            <button class="small make-byz" onclick={toggle}>
                { if i.byzantine { "Make honest (restarts the run)" } else { "Make Byzantine (restarts the run)" } }
            </button>
            if i.byzantine {
                <p class="muted">{ "What follows is its honest bookkeeping; its strategy decides what it actually sends." }</p>
            }
            { view_line(i) }
            { extras(i) }
            if snap.slots.is_empty() {
                <p class="muted">{ "No sequence number in its log." }</p>
            }
            { for snap.slots.iter().map(|s| slot(s, snap.prepare_quorum, snap.quorum)) }
        </div>
    }
}
