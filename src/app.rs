//! The root component: holds the reducer, runs the animation loop and the page-wide listeners
//! (keyboard, tab visibility, and `prefers-reduced-motion`, followed through its
//! `MediaQueryList` change event so a change applies without a reload), and lays out the
//! components.
//!
//! The loop is a chain of `requestAnimationFrame` callbacks owned by an effect: it exists only
//! while the run plays or a seek is under way (`AppState::animating`), and the tab is visible;
//! the effect's cleanup cancels it, so a hidden tab or a paused run costs no CPU.

use crate::components::{
    banner::Banner, controls::Controls, graph::Graph, inspector::Inspector, legend::Legend,
    log::Log, spacetime::SpaceTime, trace::TraceFiles, transport::Transport,
};
use crate::state::{Action, AppState};
use crate::url;
use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A running `requestAnimationFrame` chain; dropping it cancels the pending frame and ends the
/// chain. Each frame's callback asks for the next one; it holds the slot weakly, so the chain
/// cannot keep itself alive once the loop is dropped.
pub(crate) struct FrameLoop {
    /// Held only to be dropped: dropping the pending frame cancels it.
    _pending: Rc<RefCell<Option<AnimationFrame>>>,
}

impl FrameLoop {
    pub(crate) fn start(on_frame: Callback<f64>) -> FrameLoop {
        let slot = Rc::new(RefCell::new(None));
        Self::request(&slot, on_frame);
        FrameLoop { _pending: slot }
    }

    fn request(slot: &Rc<RefCell<Option<AnimationFrame>>>, on_frame: Callback<f64>) {
        let weak = Rc::downgrade(slot);
        let frame = request_animation_frame(move |t| {
            on_frame.emit(t);
            if let Some(slot) = weak.upgrade() {
                Self::request(&slot, on_frame);
            }
        });
        *slot.borrow_mut() = Some(frame);
    }
}

/// The action a key press asks for, if any. Keys typed into a field belong to the field.
pub fn key_action(key: &str, target_tag: &str) -> Option<Action> {
    let in_field = matches!(target_tag, "INPUT" | "SELECT" | "TEXTAREA");
    match key {
        _ if in_field => None,
        // A focused button already activates on space.
        " " if target_tag == "BUTTON" => None,
        " " => Some(Action::TogglePlay),
        "ArrowRight" => Some(Action::Step),
        "r" | "R" => Some(Action::Reset),
        _ => None,
    }
}

pub(crate) fn page_listeners(dispatch: Callback<Action>) -> Vec<EventListener> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let Some(document) = window.document() else {
        return Vec::new();
    };
    // Reduced motion: read now, and followed when the user changes the setting.
    let motion = window
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten();
    dispatch.emit(Action::ReducedMotion(
        motion.as_ref().is_some_and(|m| m.matches()),
    ));
    dispatch.emit(Action::Hidden(document.hidden()));
    let motion_change = motion.map(|m| {
        let (on_change, query) = (dispatch.clone(), m.clone());
        EventListener::new(&m, "change", move |_| {
            on_change.emit(Action::ReducedMotion(query.matches()));
        })
    });
    let on_key = dispatch.clone();
    // gloo's listeners are passive by default, and a passive listener cannot prevent the
    // default (space would scroll the page).
    let active = EventListenerOptions::enable_prevent_default();
    let keys = EventListener::new_with_options(&window, "keydown", active, move |e| {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if k.ctrl_key() || k.meta_key() || k.alt_key() {
            return;
        }
        let tag = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|el| el.tag_name())
            .unwrap_or_default();
        if let Some(action) = key_action(&k.key(), &tag) {
            e.prevent_default();
            on_key.emit(action);
        }
    });
    let doc = document.clone();
    let visibility = EventListener::new(&document, "visibilitychange", move |_| {
        dispatch.emit(Action::Hidden(doc.hidden()));
    });
    let mut listeners = vec![keys, visibility];
    listeners.extend(motion_change);
    listeners
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::from_query(&url::read_location()));
    // One callback for the app's lifetime: a new one each render would make every child's props
    // differ, and every component would re-render on every animation frame.
    let dispatch: Callback<Action> = {
        let d = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a| d.dispatch(a)))).clone()
    };
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listeners = page_listeners(dispatch);
            move || drop(listeners)
        });
    }
    {
        let on_frame = dispatch.reform(Action::Tick);
        use_effect_with(state.animating(), move |&on| {
            let frames = on.then(|| FrameLoop::start(on_frame));
            move || drop(frames)
        });
    }
    let s = &*state;
    let scene = s.scene.clone();
    let frame = s.frame.clone();
    html! {
        <div class="app">
            <header class="top">
                <div class="title">
                    <h1>{ "PBFT, message by message" }</h1>
                    <p class="subtitle">
                        { "Practical Byzantine Fault Tolerance (Castro & Liskov, 1999): " }
                        { format!("{} nodes tolerate f = {} Byzantine; every vote needs a quorum of 2f + 1 = {}.",
                            s.config.nodes, scene.f, scene.quorum) }
                    </p>
                </div>
                <a class="view-link" href={crate::experiments::link_for(&s.config)}>{ "Experiments →" }</a>
                <crate::embed::share::Share config={s.config.clone()} now_us={frame.now_us} />
                <p class={classes!("status", frame.finished.then_some("done"))} role="status"
                   aria-live="polite" data-testid="status">{ &scene.status }</p>
            </header>
            <Banner notices={s.notices.clone()} alarm={scene.alarm.clone()}
                    dispatch={dispatch.clone()} />
            <main class="layout">
                <aside class="panel controls-panel">
                    <Controls texts={s.texts.clone()} errors={s.errors.clone()}
                        byzantine_nodes={s.config.byzantine_nodes.clone()}
                        dispatch={dispatch.clone()} />
                </aside>
                <section class="stage">
                    <Transport playing={s.playing} runnable={s.runnable()} speed={s.speed}
                        now_us={frame.now_us} seek_us={frame.seek_us} end_us={frame.end_us}
                        finished={frame.finished}
                        dispatch={dispatch.clone()} />
                    <Graph scene={scene.clone()} frame={frame.clone()}
                        dispatch={dispatch.clone()} />
                    <p class="counts">
                        { format!("{} messages sent · {} delivered · {} lost",
                            scene.sent, scene.delivered, scene.dropped) }
                    </p>
                </section>
                <aside class="panel side-panel">
                    <Inspector scene={scene.clone()} dispatch={dispatch.clone()} />
                    <Legend />
                    <TraceFiles config={s.config.clone()} />
                </aside>
            </main>
            <section class="panel wide">
                <SpaceTime detail={scene.detail.clone()} now_us={frame.now_us}
                    dispatch={dispatch.clone()} />
            </section>
            <section class="panel wide">
                <Log detail={scene.detail.clone()} nodes={s.config.nodes} node={s.log_node}
                    kind={s.log_kind.clone()} dispatch={dispatch} />
            </section>
            <footer class="foot">
                { "Keyboard: space play/pause · → step · r reset. The URL holds the whole scenario: copy it to share this exact run." }
            </footer>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions_outside_fields() {
        assert_eq!(key_action(" ", "BODY"), Some(Action::TogglePlay));
        assert_eq!(key_action("ArrowRight", "DIV"), Some(Action::Step));
        assert_eq!(key_action("r", "svg"), Some(Action::Reset));
        assert_eq!(key_action("r", "INPUT"), None);
        assert_eq!(key_action(" ", "BUTTON"), None);
        assert_eq!(key_action("x", "BODY"), None);
    }
}
