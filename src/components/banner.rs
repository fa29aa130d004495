//! Messages nobody should miss: problems found in the URL (the default was used instead), a
//! warning when more nodes are Byzantine than the protocol tolerates, and the safety alarm when
//! two honest nodes commit different requests at one sequence number.

use super::Dispatch;
use crate::state::Action;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Props {
    pub notices: Vec<String>,
    pub alarm: Option<String>,
    /// More Byzantine nodes than f.
    pub warning: Option<String>,
    pub dispatch: Dispatch,
}

/// A plain function, not a component: each component type costs the bundle its own copy of
/// Yew's component machinery.
pub fn banner(p: &Props) -> Html {
    let dismiss = p.dispatch.reform(|_| Action::DismissNotices);
    html! {
        <>
            if let Some(alarm) = &p.alarm {
                <div class="alarm" role="alert" data-testid="alarm">
                    <span class="alarm-icon" aria-hidden="true">{ "⚠" }</span>
                    <div><b>{ "SAFETY VIOLATION" }</b><p>{ alarm }</p></div>
                </div>
            }
            if let Some(w) = &p.warning {
                <div class="notice warn" data-testid="over-f">
                    <span class="alarm-icon" aria-hidden="true">{ "⚠" }</span>
                    <div><b>{ "More Byzantine nodes than the protocol tolerates. " }</b>{ w }</div>
                </div>
            }
            if !p.notices.is_empty() {
                <div class="notice" role="alert" data-testid="url-notice">
                    <div>
                        <b>{ "Some of the link's settings could not be used:" }</b>
                        <ul>{ for p.notices.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                    </div>
                    <button class="small" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
        </>
    }
}
