//! The app state as a Yew `Reducible`: every user action and every animation frame is an
//! [`Action`]; the reducer owns the engine run ([`Driver`]) and derives the view-model the
//! components draw. Components never reach into the engine.
//!
//! - this file: the state, the actions and the reducer's dispatch;
//! - [`navigate`]: time, steps, Step back, seeking (cooperative, below);
//! - [`scene`]: the view-model derived from the run (node states, outcome, caption, log);
//! - [`tour`]: a guided tour's steps as positions of the run (Next, Back, its link).
//!
//! **Why the driver is shared, not copied.** A reducer is pure when the state it returns shares
//! nothing mutable with the state it was given. Ours shares one `Rc<RefCell<Driver>>`: the
//! engine's `Simulation` holds boxed replica state machines and cannot be cloned, and copying a
//! run per action would copy a whole simulation sixty times a second. What keeps this sound:
//! (1) only `reduce` mutates the driver, through [`AppState::copy`]'s new state, and Yew drops
//! the old state once the new one is rendered; (2) nothing the components receive points into
//! the driver: they get [`Frame`] and [`Scene`], immutable view-models built from it after each
//! action; (3) anything that must be reproducible is a *position* of the deterministic run
//! ([`Position`]), never a copy of it: Step back and "go to this event" replay from the seed.
//!
//! Time: a frame advances virtual time by wall time elapsed × speed, processing the events that
//! fall due within a per-frame budget ([`EVENTS_PER_FRAME`]) so no frame blocks the page.
//!
//! Seeking is cooperative: a seek (to a time, or to a position) sets a pending target and
//! processes at most one frame's budget of events toward it (a seek that fits ends there), then
//! each animation frame takes the next budget until the target is reached. The animation loop
//! runs while a seek is pending, even when paused (never while the tab is hidden). Meanwhile the
//! scrubber shows the target ([`Frame::seek_us`]), the time and the dots follow the driver, and
//! the scene and detail views hold until the target is reached, then are redrawn once: redrawing
//! them every frame took longer than a frame at n = 64. Another seek replaces the pending one
//! (behind the cursor it replays from time 0 first); Step and Reset cancel it; Play and Pause
//! only choose what happens once the target is reached.

mod navigate;
mod page;
mod scene;
mod tour;

pub use page::PageEvent;
pub use scene::{protocol_title, Detail, Inspect, OutcomeLine, Scene};
pub use tour::{no_such_tour, Fetch, IndexEntry, Loaded, TourState, TourStatus, ToursIndex};

use crate::timeline::{Driver, Position};
use crate::url::{self, ViewParams};
use crate::view::{math, Dot, LogFilter, Shared, TimerArc};
use pbft_engine::{Config, NodeId};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Most events processed per animation frame (a few milliseconds of wasm at worst).
pub const EVENTS_PER_FRAME: usize = 4_000;
/// A frame after a long pause (a hidden tab, a debugger) counts as at most this much wall time.
pub const MAX_FRAME_MS: f64 = 100.0;
/// Speed range, × real time: the slider is logarithmic between them.
pub const MIN_SPEED: f64 = 0.01;
pub const MAX_SPEED: f64 = 10.0;
/// A tutorial run takes about 0.2 s of virtual time: 0.05× shows it over a few seconds.
pub const DEFAULT_SPEED: f64 = 0.05;
/// How often the space-time diagram and the log refresh while playing.
pub const DETAIL_EVERY_MS: f64 = 200.0;
/// How often node states and counters refresh while playing: a scene takes a snapshot of every
/// node, too costly for every frame at n = 64, while dots still move every frame.
pub const SCENE_EVERY_MS: f64 = 50.0;
/// Positions Step back can return to.
const HISTORY: usize = 1_000;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A form field changed (parameter name, text typed).
    SetParam(String, String),
    Play,
    Pause,
    TogglePlay,
    /// One event forward.
    Step,
    /// Forward to the next phase: the first message of another phase, or an event that changes
    /// what a node decided (a commit, a view change...).
    StepPhase,
    /// Back to exactly the previous state: before the last Step, jump or seek, else before the
    /// newest event.
    Back,
    Reset,
    Seek(u64),
    /// The moment just after the run's event number `index` (a log row's).
    GoToEvent(usize),
    /// A click on the space-time diagram at `x` (0..LANES_WIDTH) and `lane` (in lanes): the
    /// arrow there, or else that time.
    PickArrow {
        x: f64,
        lane: f64,
    },
    SetSpeed(f64),
    /// A fresh random seed (the caller draws it: the reducer stays deterministic).
    NewSeed(u64),
    /// Clears explicit Byzantine placement (random placement of `byzantine` nodes).
    RandomPlacement,
    ToggleByzantine(NodeId),
    SelectNode(Option<NodeId>),
    /// An animation frame at this wall-clock time (ms, `performance.now()`).
    Tick(f64),
    /// The tab was hidden (true) or shown again.
    Hidden(bool),
    ReducedMotion(bool),
    FilterNode(Option<NodeId>),
    FilterKind(Option<String>),
    DismissNotices,
    /// Opens the tour `name` at step `step` (from 0; links count from 1): fetched first (the
    /// page fetches it and answers with `TourLoaded` or `TourFailed`), unless already open.
    OpenTour {
        name: String,
        step: usize,
    },
    /// The text of the tour file `name`.
    TourLoaded {
        name: String,
        text: String,
    },
    /// The tour file `name` could not be fetched: the sentence says why.
    TourFailed {
        name: String,
        message: String,
    },
    /// Opens (true) or closes the tours index.
    ShowTours(bool),
    /// The tours of `tours/index.txt` with their titles and summaries, or why the list could
    /// not be read.
    ToursListed(Result<Vec<IndexEntry>, String>),
    TourNext,
    TourBack,
    CloseTour,
}

/// What changes every frame.
#[derive(Debug, Default, PartialEq)]
pub struct Frame {
    pub now_us: u64,
    pub end_us: u64,
    /// The run's activity ends here; the slider spans it (then jumps to `end_us`).
    pub span_us: u64,
    pub dots: Vec<Dot>,
    pub hidden_dots: usize,
    /// Pending timers as countdown arcs.
    pub timers: Vec<TimerArc>,
    pub finished: bool,
    /// The target of a seek still under way.
    pub seek_us: Option<u64>,
    /// Events so far (Step back is possible when there are some).
    pub events: usize,
    /// Replicas: endpoints from this id on are clients.
    pub replicas: usize,
}

/// Where a pending seek goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Time(u64),
    At(Position),
}

pub struct AppState {
    /// The config of the run on screen (always valid).
    pub config: Config,
    /// What each field shows (the user's text, even when it does not parse).
    pub texts: BTreeMap<String, String>,
    /// Field name → the engine's sentence.
    pub errors: BTreeMap<String, String>,
    /// Problems found in the URL.
    pub notices: Vec<String>,
    pub playing: bool,
    pub hidden: bool,
    pub speed: f64,
    pub reduced_motion: bool,
    pub selected: Option<NodeId>,
    pub filter: LogFilter,
    /// The guided tour open, if any.
    pub tour: Option<TourState>,
    /// The tours index (shared: it changes only when it opens or a file arrives).
    pub index: Rc<ToursIndex>,
    /// The target of a seek still under way (see the module docs).
    seek: Option<Target>,
    /// A tour's Next under way: playing (at this speed) toward the next step's position, where
    /// it stops exactly (see `navigate::tick`).
    play_to: Option<(Position, f64)>,
    /// Positions to go back to, newest last.
    history: Vec<Position>,
    last_wall_ms: Option<f64>,
    driver: Rc<RefCell<Driver>>,
    pub frame: Shared<Frame>,
    pub scene: Shared<Scene>,
    scene_version: u64,
    detail_version: u64,
    detail_wall_ms: f64,
    scene_wall_ms: f64,
}

impl AppState {
    /// The app at start-up, from the page's query string (scenario, then `t`, `speed`, `node`).
    pub fn from_query(query: &str) -> AppState {
        let pairs = url::query_pairs(query);
        let (config, mut notices) = url::config_from_pairs(&pairs);
        let (view, problems) = url::view_params(&pairs, config.nodes);
        notices.extend(problems);
        let (tour, problems) = tour::from_pairs(&pairs);
        notices.extend(problems);
        // `config_from_pairs` only returns configs that validate.
        let driver = Driver::new(&config).expect("a validated config builds");
        let mut s = AppState {
            texts: texts_for(&config),
            config,
            errors: BTreeMap::new(),
            notices,
            playing: false,
            hidden: false,
            speed: view
                .speed
                .unwrap_or(DEFAULT_SPEED)
                .clamp(MIN_SPEED, MAX_SPEED),
            reduced_motion: false,
            selected: view.node,
            filter: LogFilter::default(),
            tour,
            index: Rc::default(),
            seek: None,
            play_to: None,
            history: Vec::new(),
            last_wall_ms: None,
            driver: Rc::new(RefCell::new(driver)),
            frame: Shared::default(),
            scene: Shared::default(),
            scene_version: u64::MAX,
            detail_version: u64::MAX,
            detail_wall_ms: 0.0,
            scene_wall_ms: 0.0,
        };
        if let Some(t) = view.t_us {
            s.seek = Some(Target::Time(t));
            s.continue_seek();
        }
        s.derive(true, None);
        s
    }

    /// The form can start a run: no field is in error.
    pub fn runnable(&self) -> bool {
        self.errors.is_empty()
    }

    /// The animation loop should run: the run plays or a seek is under way, in a visible tab.
    pub fn animating(&self) -> bool {
        (self.playing || self.seek.is_some()) && !self.hidden
    }

    /// What the address bar should say: the scenario, and the moment when paused; the tour and
    /// its step while a tour's scenario is on screen.
    pub fn query(&self) -> String {
        if let Some(t) = self.tour.as_ref().filter(|t| t.loaded().is_some()) {
            return t.query();
        }
        let d = self.driver.borrow();
        let view = ViewParams {
            t_us: (d.cursor_us > 0).then_some(d.cursor_us),
            speed: (self.speed != DEFAULT_SPEED).then_some(self.speed),
            node: self.selected,
        };
        url::query_with_view(&self.config, &view)
    }

    fn copy(&self) -> AppState {
        AppState {
            config: self.config.clone(),
            texts: self.texts.clone(),
            errors: self.errors.clone(),
            notices: self.notices.clone(),
            playing: self.playing,
            hidden: self.hidden,
            speed: self.speed,
            reduced_motion: self.reduced_motion,
            selected: self.selected,
            filter: self.filter.clone(),
            tour: self.tour.clone(),
            index: self.index.clone(),
            seek: self.seek,
            play_to: self.play_to,
            history: self.history.clone(),
            last_wall_ms: self.last_wall_ms,
            driver: self.driver.clone(),
            frame: self.frame.clone(),
            scene: self.scene.clone(),
            scene_version: self.scene_version,
            detail_version: self.detail_version,
            detail_wall_ms: self.detail_wall_ms,
            scene_wall_ms: self.scene_wall_ms,
        }
    }

    /// Applies a changed config: runs it if valid, otherwise shows the error by its field.
    fn apply_config(&mut self, candidate: Config) {
        self.errors.clear();
        match url::validate(&candidate) {
            Ok(()) => {
                self.config = candidate;
                self.texts = texts_for(&self.config);
                self.restart();
                self.history.clear();
            }
            Err((field, message)) => {
                self.errors.insert(field.to_string(), message);
                self.playing = false;
            }
        }
    }

    /// A form field changed.
    fn set_param(&mut self, name: String, value: String) {
        let unchanged = self.texts.get(&name) == Some(&value)
            && self.errors.is_empty()
            && url::param_text(&self.config, &name) == value;
        if unchanged {
            return;
        }
        let mut candidate = self.config.clone();
        self.texts.insert(name.clone(), value.clone());
        match candidate.set(&name, &value) {
            Ok(()) => {
                match name.as_str() {
                    // A count means random placement again.
                    "byzantine" => candidate.byzantine_nodes = None,
                    // A list fixes the count (the engine refuses a count that disagrees).
                    "byzantine-nodes" => candidate.byzantine = candidate.byzantine_count(),
                    _ => {}
                }
                let texts = self.texts.clone();
                self.apply_config(candidate);
                if !self.errors.is_empty() {
                    self.texts = texts;
                }
            }
            Err(e) => {
                self.errors.clear();
                self.errors.insert(name, e.to_string());
                self.playing = false;
            }
        }
    }

    /// Node `id` turns Byzantine, or honest again (explicit placement).
    fn toggle_byzantine(&mut self, id: NodeId) {
        let mut ids: Vec<NodeId> = self.driver.borrow().byzantine().to_vec();
        match ids.iter().position(|&b| b == id) {
            Some(i) => {
                ids.remove(i);
            }
            None => ids.push(id),
        }
        pbft_engine::wasm_size::sort_by_key(&mut ids, |&id| id);
        let mut c = self.config.clone();
        c.byzantine = ids.len() as u32;
        c.byzantine_nodes = Some(ids);
        self.apply_config(c);
    }

    /// Changes to the scenario; returns whether the views must be redrawn at once.
    fn reduce_scenario(&mut self, action: Action) -> bool {
        match action {
            Action::SetParam(name, value) => self.set_param(name, value),
            Action::NewSeed(seed) => {
                let mut c = self.config.clone();
                c.seed = seed;
                self.apply_config(c);
            }
            Action::RandomPlacement => {
                let mut c = self.config.clone();
                c.byzantine_nodes = None;
                self.apply_config(c);
            }
            Action::ToggleByzantine(id) => self.toggle_byzantine(id),
            Action::SelectNode(id) => self.selected = if self.selected == id { None } else { id },
            Action::FilterNode(n) => self.filter.node = n,
            Action::FilterKind(k) => self.filter.kind = k,
            _ => return false,
        }
        true
    }

    fn reduce_mut(&mut self, action: Action) {
        let mut wall = None;
        let force = match action {
            Action::Tick(wall_ms) => {
                wall = self.tick(wall_ms);
                false
            }
            Action::Hidden(h) => {
                self.hidden = h;
                self.last_wall_ms = None;
                false
            }
            Action::ReducedMotion(r) => {
                self.reduced_motion = r;
                false
            }
            Action::SetSpeed(s) => {
                self.speed = s.clamp(MIN_SPEED, MAX_SPEED);
                false
            }
            Action::DismissNotices => {
                self.notices.clear();
                false
            }
            // Navigation redraws what changed through the driver's version, and holds the scene
            // while a seek is under way (see the module docs).
            other => match self.reduce_tour(other) {
                None => self.seek.is_none(),
                Some(other) => {
                    // Anything else the reader does ends a tour's Next under way.
                    self.play_to = None;
                    let changed = self.reduce_scenario(other.clone());
                    self.close_tour_if_changed();
                    changed || !self.navigate(other)
                }
            },
        };
        if !self.playing || self.seek.is_some() {
            self.last_wall_ms = None;
        }
        self.derive(force, wall);
    }

    /// What the address bar should say once the screen holds still (paused, no seek under way,
    /// a valid scenario): the app writes it, so a link copied then opens this moment. `None`
    /// while the moment is moving.
    pub fn settled_query(&self) -> Option<String> {
        (!self.playing && self.seek.is_none() && self.runnable()).then(|| self.query())
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = self.copy();
        next.reduce_mut(action);
        Rc::new(next)
    }
}

/// The form's text for every parameter of `config`.
pub fn texts_for(config: &Config) -> BTreeMap<String, String> {
    // `insert`, not `collect()`: collecting into a B-tree map sorts with std's stable sort, a
    // copy of which costs the bundle several KB (pbft_engine::wasm_size).
    let mut texts = BTreeMap::new();
    for p in pbft_engine::PARAMS {
        texts.insert(p.name.to_string(), url::param_text(config, p.name));
    }
    texts
}

/// Slider position (0..=1000) for a speed, on a log scale.
pub fn speed_to_slider(speed: f64) -> u32 {
    let span = math::log10(MAX_SPEED / MIN_SPEED);
    (math::log10(speed / MIN_SPEED) / span * 1000.0)
        .round()
        .clamp(0.0, 1000.0) as u32
}

/// The speed at a slider position.
pub fn slider_to_speed(pos: u32) -> f64 {
    let span = math::log10(MAX_SPEED / MIN_SPEED);
    MIN_SPEED * math::pow(10.0, span * f64::from(pos.min(1000)) / 1000.0)
}

#[cfg(test)]
mod tests;
