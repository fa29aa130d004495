//! One run in the embed layout: the live view's reducer ([`AppState`], which also opens the
//! moment of the URL: `t`, `speed`, `node`), its animation loop and page listeners, and its
//! components (the graph, the transport, the banner) laid out to fill the frame, with the
//! caption line (the newest thing that happened, then the outcome) and the link to the full
//! simulator at the moment on screen. `autoplay` is the live view's Play at start; the page API's
//! commands become the same actions. A guided tour (`tour=NAME&step=K`, or the page API's `tour`)
//! shows its narration, compact, beside the graph in place of the caption.

use super::api::{self, Command};
use super::options::{with_pairs, EmbedOptions};
use super::{bridge, report};
use crate::app::{page_listeners, FrameLoop};
use crate::components::{banner, graph::Graph, transport};
use crate::state::{Action, AppState};
use crate::url;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// How long a looping run rests on its end before starting again.
const LOOP_PAUSE_MS: u32 = 2_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The scenario's query (with `?`), without the embed options.
    pub scenario: AttrValue,
    pub options: EmbedOptions,
    /// Problems found in the embed options (the scenario's own are found by the reducer).
    pub notices: Vec<String>,
    /// Asks the embed root to open another query (the page API's `load`).
    pub on_load: Callback<String>,
}

/// The full simulator's link for the run on screen, at the moment on screen.
fn full_link(s: &AppState) -> String {
    s.query()
}

/// The action a page-API command asks for, or the sentence saying why there is none.
fn action_for(command: Command, on_load: &Callback<String>) -> Result<Option<Action>, String> {
    Ok(Some(match command {
        Command::Play => Action::Play,
        Command::Pause => Action::Pause,
        Command::Step => Action::Step,
        Command::Seek(t_us) => Action::Seek(t_us),
        Command::Back => Action::Back,
        Command::Tour { name, step } => Action::OpenTour { name, step },
        Command::Load(query) => {
            on_load.emit(query);
            return Ok(None);
        }
    }))
}

/// Listens for the framing page's commands (only from it) while mounted.
fn command_listener(
    id: String,
    dispatch: Callback<Action>,
    on_load: Callback<String>,
) -> Option<EventListener> {
    let window = web_sys::window()?;
    let parent = bridge::parent()?;
    Some(EventListener::new(&window, "message", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let from_parent = e.source().is_some_and(|s| js_sys::Object::is(&s, &parent));
        let Some(message) = from_parent.then(|| bridge::read(&e.data())).flatten() else {
            return;
        };
        match api::parse(&message).and_then(|c| action_for(c, &on_load)) {
            Ok(Some(action)) => dispatch.emit(action),
            Ok(None) => {}
            Err(sentence) => report::error(&id, &message.kind, &sentence),
        }
    }))
}

/// What the player keeps between renders beside the reducer: the animation loop while it runs,
/// the pending restart of a looping run, the last URL written, and the page API's reporter.
/// One per-render effect tends all four (fewer hook instances: the bundle has a budget).
#[derive(Default)]
struct Keeper {
    frames: Option<FrameLoop>,
    again: Option<Timeout>,
    written: String,
    reporter: report::Reporter,
}

impl Keeper {
    fn after_render(&mut self, s: &AppState, dispatch: &Callback<Action>, options: &EmbedOptions) {
        // The animation loop runs while the run plays or a seek is under way.
        if !s.animating() {
            self.frames = None;
        } else if self.frames.is_none() {
            self.frames = Some(FrameLoop::start(dispatch.reform(Action::Tick)));
        }
        // `loop=1`: rest on the end, then start again.
        if !(options.looping && s.frame.finished) {
            self.again = None;
        } else if self.again.is_none() {
            let d = dispatch.clone();
            self.again = Some(Timeout::new(LOOP_PAUSE_MS, move || {
                d.emit(Action::Reset);
                d.emit(Action::Play);
            }));
        }
        // The URL keeps the embed options whatever the reducer writes (a toggled Byzantine node).
        let scenario = match s.tour.as_ref().filter(|t| t.loaded().is_some()) {
            Some(t) => t.query(),
            None => url::query_for(&s.config),
        };
        if scenario != self.written {
            let query = with_pairs(&scenario, &options.pairs());
            if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
            }
        }
        self.reporter.report(
            &options.id,
            s,
            &scenario,
            crate::experiments::state::now_ms(),
        );
        self.written = scenario;
    }
}

#[function_component(Player)]
pub fn player(p: &Props) -> Html {
    let state = use_reducer(|| {
        let mut s = AppState::from_query(&p.scenario);
        s.notices.extend(p.notices.iter().cloned());
        s
    });
    let dispatch: Callback<Action> = {
        let d = state.dispatcher();
        (*use_memo((), move |_| Callback::from(move |a| d.dispatch(a)))).clone()
    };
    {
        let (dispatch, options, on_load) = (dispatch.clone(), p.options.clone(), p.on_load.clone());
        use_effect_with((), move |_| {
            let listeners = page_listeners(dispatch.clone());
            if options.autoplay {
                dispatch.emit(Action::Play);
            }
            let commands = command_listener(options.id.clone(), dispatch, on_load);
            move || drop((listeners, commands))
        });
    }
    crate::tour::fetch::use_tour_fetch(state.to_fetch(), dispatch.clone());
    let keeper = use_mut_ref(Keeper::default);
    {
        let (state, dispatch, options) = (state.clone(), dispatch.clone(), p.options.clone());
        use_effect(move || {
            keeper
                .borrow_mut()
                .after_render(&state, &dispatch, &options)
        });
    }
    layout(&state, &dispatch, p.options.controls)
}

/// The frame's layout: banner, graph, caption line with the link out, transport.
fn layout(s: &AppState, dispatch: &Callback<Action>, controls: bool) -> Html {
    let (scene, frame) = (s.scene.clone(), s.frame.clone());
    // While the run goes: the newest thing that happened; at its end: how it ended, and why.
    let (caption, title, outcome) = match &scene.outcome {
        Some(o) => (o.headline.clone(), o.reason.clone(), Some(o.verdict)),
        None if scene.caption.is_empty() => (scene.status.clone(), scene.status.clone(), None),
        None => (scene.caption.clone(), scene.caption.clone(), None),
    };
    html! {
        <div class={classes!("embed", (!controls).then_some("no-controls"), s.tour.is_some().then_some("touring"))}
            data-embed="1">
            { banner::banner(&banner::Props {
                notices: s.notices.clone(),
                alarm: scene.alarm.clone(),
                // A framed run with m > f must not read as an ordinary green success.
                warning: pbft_engine::explain::over_threshold(&s.config),
                dispatch: dispatch.clone(),
            }) }
            <div class="embed-main">
                <div class="embed-graph">
                    <Graph scene={scene.clone()} frame={frame.clone()} dispatch={dispatch.clone()} />
                </div>
                if let Some(t) = &s.tour {
                    { crate::tour::panel::panel(t, true, dispatch) }
                }
            </div>
            <div class="embed-bar">
                // The caption, unless a tour narrates.
                if s.tour.is_none() {
                    <p class="embed-caption" role="status" aria-live="polite" data-outcome={outcome}
                        data-testid="status" {title}>{ caption }</p>
                }
                <a class="open-full" href={full_link(s)} target="_blank" rel="noopener">
                    { "Open in the full simulator ↗" }
                </a>
            </div>
            if controls {
                { transport::transport(&transport::Props::of(s, dispatch)) }
            }
        </div>
    }
}
