//! The inspector: what one node knows, from `Simulation::snapshot`: its view and primary, and
//! per sequence number its status, the PRE-PREPARE digest it accepted, and the PREPARE and
//! COMMIT votes it holds, by digest and sender (OSDI 1999 §4.2: prepared = PRE-PREPARE + 2f
//! matching PREPAREs; committed-local = 2f + 1 matching COMMITs).

use super::Dispatch;
use crate::state::{Action, Scene};
use crate::view::Shared;
use pbft_engine::{Digest, Votes};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub scene: Shared<Scene>,
    pub dispatch: Dispatch,
}

fn votes(kind: &str, votes: &[Votes], accepted: Option<Digest>, quorum: u32) -> Html {
    if votes.is_empty() {
        return html! { <li class="muted">{ format!("{kind}: none yet") }</li> };
    }
    html! {
        { for votes.iter().map(|v| {
            let ids: Vec<String> = v.voters.iter().map(|i| i.to_string()).collect();
            let matches = accepted == Some(v.digest);
            html! {
                <li class={classes!((!matches && accepted.is_some()).then_some("conflict"))}>
                    <b>{ format!("{kind} {}/{quorum}", v.voters.len()) }</b>
                    { format!(" for {} from {}", v.digest.short(), ids.join(", ")) }
                </li>
            }
        }) }
    }
}

#[function_component(Inspector)]
pub fn inspector(p: &Props) -> Html {
    let Some((id, byzantine, snap)) = &p.scene.inspector else {
        return html! {
            <div class="inspector empty">
                <h2>{ "Inspector" }</h2>
                <p class="hint">{ "Click a node to see its view, its sequence numbers and the votes it holds." }</p>
            </div>
        };
    };
    let id = *id;
    let close = p.dispatch.reform(|_| Action::SelectNode(None));
    let toggle = p.dispatch.reform(move |_| Action::ToggleByzantine(id));
    html! {
        <div class="inspector" data-testid="inspector">
            <div class="insp-head">
                <h2>{ format!("Node {id}") }</h2>
                <button class="small" onclick={close} aria-label="Close the inspector">{ "×" }</button>
            </div>
            <p>
                <span class={classes!("tag", byzantine.then_some("byz"))}>
                    { if *byzantine { "Byzantine" } else { "honest" } }
                </span>
                { format!(" view {} · primary {} · quorum {}", snap.view, snap.primary, snap.quorum) }
            </p>
            <button class="small" onclick={toggle}>
                { if *byzantine { "Make honest (restarts)" } else { "Make Byzantine (restarts)" } }
            </button>
            if snap.slots.is_empty() {
                <p class="muted">{ "No sequence number seen yet." }</p>
            }
            { for snap.slots.iter().map(|s| html! {
                <div class="slot">
                    <h3>{ format!("seq {} · {}", s.seq, s.status.name()) }</h3>
                    <ul>
                        <li>{ format!("pre-prepare: {}", s.pre_prepare.map_or("none".to_string(), |d| d.short())) }</li>
                        { votes("prepare", &s.prepares, s.pre_prepare, snap.quorum) }
                        { votes("commit", &s.commits, s.pre_prepare, snap.quorum) }
                        if let Some(d) = s.committed {
                            <li class="ok">{ format!("committed {}", d.short()) }</li>
                        }
                    </ul>
                </div>
            }) }
        </div>
    }
}
