//! The root component: holds the reducer, runs the animation loop and the page-wide listeners
//! (keyboard, tab visibility, and `prefers-reduced-motion`, followed through its
//! `MediaQueryList` change event so a change applies without a reload), keeps the address bar
//! on the scenario and the moment on screen (an effect: the reducer itself writes nothing), and
//! lays out the components.
//!
//! The loop is a chain of `requestAnimationFrame` callbacks owned by an effect: it exists only
//! while the run plays or a seek is under way (`AppState::animating`), and the tab is visible;
//! the effect's cleanup cancels it, so a hidden tab or a paused run costs no CPU.

use crate::components::{
    banner, controls::Controls, graph::Graph, inspector::inspector, legend::legend, log::Log,
    outcome::outcome, spacetime::spacetime, states::states, trace::TraceFiles, transport, Dispatch,
};
use crate::state::{protocol_title, Action, AppState};
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
pub fn key_action(key: &str, target_tag: &str, shift: bool) -> Option<Action> {
    let in_field = matches!(target_tag, "INPUT" | "SELECT" | "TEXTAREA");
    match key {
        _ if in_field => None,
        // A focused button already activates on space.
        " " if target_tag == "BUTTON" => None,
        " " => Some(Action::TogglePlay),
        "ArrowRight" if shift => Some(Action::StepPhase),
        "ArrowRight" => Some(Action::Step),
        "ArrowLeft" => Some(Action::Back),
        "r" | "R" => Some(Action::Reset),
        // Closes the inspector (on phones a sheet over the page).
        "Escape" => Some(Action::SelectNode(None)),
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
        if let Some(action) = key_action(&k.key(), &tag, k.shift_key()) {
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
        // The address bar follows the moment on screen once it holds still; not the first
        // render's, so a link opens as it was written.
        let first = use_mut_ref(|| true);
        use_effect_with(state.settled_query(), move |query| {
            let first = std::mem::replace(&mut *first.borrow_mut(), false);
            if let (false, Some(q)) = (first, query) {
                url::write_location(q);
            }
        });
    }
    {
        let on_frame = dispatch.reform(Action::Tick);
        use_effect_with(state.animating(), move |&on| {
            let frames = on.then(|| FrameLoop::start(on_frame));
            move || drop(frames)
        });
    }
    crate::tour::fetch::use_tour_fetch(state.to_fetch(), dispatch.clone());
    // The tours index takes the focus when it opens (Escape and Tab then work inside it).
    use_effect_with(state.index.open, |&open| {
        let dialog = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("tours-dialog"))
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = dialog.filter(|_| open) {
            let _ = el.focus();
        }
    });
    page(&state, dispatch)
}

/// The title: the protocol's own name, and what its numbers mean here.
fn header(s: &AppState, dispatch: &Dispatch) -> Html {
    let (n, f, q) = (s.config.nodes, s.config.f(), s.config.quorum());
    html! {
        <header class="top">
            <div class="title">
                <h1>{ "PBFT, message by message" }</h1>
                <p class="subtitle">
                    <b class="protocol">{ protocol_title(&s.config) }</b>{ ": " }
                    { format!("{n} nodes tolerate f = {f} Byzantine; a quorum is 2f + 1 = {q}.") }
                </p>
            </div>
            { crate::tour::index::index(&s.index, dispatch) }
            <a class="view-link" href={crate::experiments::link_for(&s.config)}>{ "Experiments →" }</a>
            <crate::embed::share::Share config={s.config.clone()} now_us={s.frame.now_us} />
        </header>
    }
}

/// The middle column: transport, outcome, graph.
fn stage(s: &AppState, dispatch: &Dispatch) -> Html {
    let (scene, frame) = (s.scene.clone(), s.frame.clone());
    html! {
        <section class="stage">
            { transport::transport(&transport::Props::of(s, dispatch)) }
            { outcome(&scene) }
            <Graph scene={scene.clone()} frame={frame.clone()} dispatch={dispatch.clone()} />
            <p class="counts">
                { format!("{} messages sent · {} delivered · {} lost",
                    scene.sent, scene.delivered, scene.dropped) }
            </p>
        </section>
    }
}

fn page(s: &AppState, dispatch: Dispatch) -> Html {
    let scene = s.scene.clone();
    html! {
        <div class={if scene.inspector.is_some() { "app sheet-open" } else { "app" }}>
            { header(s, &dispatch) }
            { banner::banner(&banner::Props {
                notices: s.notices.clone(),
                alarm: scene.alarm.clone(),
                warning: pbft_engine::explain::over_threshold(&s.config),
                dispatch: dispatch.clone(),
            }) }
            <main class={classes!("layout", s.tour.is_some().then_some("touring"))}>
                // A tour takes the form's place: its scenario is fixed (Close brings the form back).
                if let Some(t) = &s.tour {
                    <aside class="panel tour-aside">{ crate::tour::panel::panel(t, false, &dispatch) }</aside>
                } else {
                    <aside class="panel controls-panel">
                        <Controls texts={s.texts.clone()} errors={s.errors.clone()}
                            byzantine_nodes={s.config.byzantine_nodes.clone()}
                            dispatch={dispatch.clone()} />
                    </aside>
                }
                { stage(s, &dispatch) }
                // On phones this panel follows the graph: the inspector opens right under it.
                <aside class="panel side-panel">
                    { inspector(&scene, &dispatch) }
                    { states(&scene, &dispatch) }
                    { legend() }
                    <TraceFiles config={s.config.clone()} />
                </aside>
            </main>
            <section class="panel wide">
                { spacetime(&scene.detail, s.frame.now_us, &dispatch) }
            </section>
            <section class="panel wide">
                <Log detail={scene.detail.clone()} endpoints={scene.detail.lanes.nodes}
                    node={s.filter.node} kind={s.filter.kind.clone()} dispatch={dispatch} />
            </section>
            <footer class="foot">
                { "Keyboard: space play/pause · ← back · → step · shift + → next phase · r reset · on a focused node Enter inspects it, b makes it Byzantine (or honest) · Esc closes the inspector. The URL holds the scenario and the moment on screen: copy it to share this exact state." }
            </footer>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions_outside_fields() {
        assert_eq!(key_action(" ", "BODY", false), Some(Action::TogglePlay));
        assert_eq!(key_action("ArrowRight", "DIV", false), Some(Action::Step));
        assert_eq!(
            key_action("ArrowRight", "DIV", true),
            Some(Action::StepPhase)
        );
        assert_eq!(key_action("ArrowLeft", "DIV", false), Some(Action::Back));
        assert_eq!(key_action("r", "svg", false), Some(Action::Reset));
        assert_eq!(key_action("r", "INPUT", false), None);
        assert_eq!(key_action("ArrowLeft", "INPUT", false), None);
        assert_eq!(key_action(" ", "BUTTON", false), None);
        assert_eq!(key_action("x", "BODY", false), None);
        assert_eq!(
            key_action("Escape", "g", false),
            Some(Action::SelectNode(None))
        );
    }
}
