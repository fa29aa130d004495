//! The app state as a Yew `Reducible`: every user action and every animation frame is an
//! [`Action`]; the reducer owns the engine run ([`Driver`]) and derives the view-model the
//! components draw. Components never reach into the engine.
//!
//! Time: a frame advances virtual time by wall time elapsed × speed, processing the events that
//! fall due within a per-frame budget ([`EVENTS_PER_FRAME`]) so no frame blocks the page.
//! Scrubbing back rebuilds the run from its seed and replays to the chosen time.
//!
//! Seeking is cooperative: [`Action::Seek`] sets a pending target and processes at most one
//! frame's budget of events toward it (a seek that fits ends there), then each animation frame
//! takes the next budget until the target is reached. The animation loop runs while a seek is
//! pending, even when paused (never while the tab is hidden). Meanwhile the scrubber shows the
//! target ([`Frame::seek_us`]), the time and the dots follow the driver (whose events have all
//! happened), and the scene and detail views hold until the target is reached, then are redrawn
//! once: redrawing them every frame took longer than a frame at n = 64 (measured while the log
//! still rendered all its 200 rows), so a seek would block the page again in a different place.
//! Another seek replaces the pending one (behind the cursor it replays from time 0 first, as
//! runs are deterministic); Step and Reset cancel it; Play and Pause only choose what happens
//! once the target is reached, as the playing state before the seek does.

use crate::timeline::Driver;
use crate::url;
use crate::view::{self, Dot, Lanes, LogRow, NodeView, Shared};
use pbft_engine::{Config, NodeId, NodeSnapshot};
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

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A form field changed (parameter name, text typed).
    SetParam(String, String),
    Play,
    Pause,
    TogglePlay,
    Step,
    Reset,
    Seek(u64),
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
}

/// What changes every frame.
#[derive(Debug, Default, PartialEq)]
pub struct Frame {
    pub now_us: u64,
    pub end_us: u64,
    pub dots: Vec<Dot>,
    pub hidden_dots: usize,
    pub finished: bool,
    /// The target of a seek still under way.
    pub seek_us: Option<u64>,
}

/// The costly views (they grow with the run): rebuilt at most every [`DETAIL_EVERY_MS`] of
/// wall time while playing, at once otherwise.
#[derive(Debug, Default)]
pub struct Detail {
    pub lanes: Lanes,
    pub log: Vec<LogRow>,
    pub log_total: usize,
    pub kinds: Vec<&'static str>,
}

/// How often the space-time diagram and the log refresh while playing.
pub const DETAIL_EVERY_MS: f64 = 200.0;

/// How often node states and counters refresh while playing: a scene takes a snapshot of every
/// node, too costly for every frame at n = 64, while dots still move every frame.
pub const SCENE_EVERY_MS: f64 = 50.0;

/// What changes when events happen or the user picks something.
#[derive(Debug, Default)]
pub struct Scene {
    pub nodes: Vec<NodeView>,
    pub quorum: u32,
    pub f: u32,
    pub detail: Shared<Detail>,
    pub inspector: Option<(NodeId, bool, NodeSnapshot)>,
    pub alarm: Option<String>,
    /// A one-line summary of the run so far.
    pub status: String,
    pub sent: usize,
    pub delivered: u64,
    pub dropped: u64,
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
    pub log_node: Option<NodeId>,
    pub log_kind: Option<String>,
    /// The target of a seek still under way (see the module docs).
    seek_us: Option<u64>,
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
    /// The app at start-up, from the page's query string.
    pub fn from_query(query: &str) -> AppState {
        let (config, notices) = url::config_from_pairs(&url::query_pairs(query));
        // `config_from_pairs` only returns configs that validate.
        let driver = Driver::new(&config).expect("a validated config builds");
        let mut s = AppState {
            texts: texts_for(&config),
            config,
            errors: BTreeMap::new(),
            notices,
            playing: false,
            hidden: false,
            speed: DEFAULT_SPEED,
            reduced_motion: false,
            selected: None,
            log_node: None,
            log_kind: None,
            seek_us: None,
            last_wall_ms: None,
            driver: Rc::new(RefCell::new(driver)),
            frame: Shared::default(),
            scene: Shared::default(),
            scene_version: u64::MAX,
            detail_version: u64::MAX,
            detail_wall_ms: 0.0,
            scene_wall_ms: 0.0,
        };
        s.derive(true, None);
        s
    }

    /// The form can start a run: no field is in error.
    pub fn runnable(&self) -> bool {
        self.errors.is_empty()
    }

    /// The animation loop should run: the run plays or a seek is under way, in a visible tab.
    pub fn animating(&self) -> bool {
        (self.playing || self.seek_us.is_some()) && !self.hidden
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
            log_node: self.log_node,
            log_kind: self.log_kind.clone(),
            seek_us: self.seek_us,
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

    /// Rebuilds the run from `self.config` at time 0, cancelling any seek under way.
    fn restart(&mut self) {
        let same = self.driver.borrow().config == self.config;
        let driver = if same {
            Ok(self.driver.borrow().replay())
        } else {
            Driver::new(&self.config)
        };
        if let Ok(driver) = driver {
            self.driver = Rc::new(RefCell::new(driver));
        }
        self.seek_us = None;
        self.last_wall_ms = None;
        if self.selected.is_some_and(|id| id >= self.config.nodes) {
            self.selected = None;
        }
        if self.log_node.is_some_and(|id| id >= self.config.nodes) {
            self.log_node = None;
        }
        self.scene_version = u64::MAX;
        self.detail_version = u64::MAX;
    }

    /// Applies a changed config: runs it if valid, otherwise shows the error by its field.
    fn apply_config(&mut self, candidate: Config) {
        self.errors.clear();
        match url::validate(&candidate) {
            Ok(()) => {
                self.config = candidate;
                self.texts = texts_for(&self.config);
                url::write_location(&self.config);
                self.restart();
            }
            Err((field, message)) => {
                self.errors.insert(field.to_string(), message);
                self.playing = false;
            }
        }
    }

    /// Rebuilds the frame, and the scene when events happened or `force` (not while a seek is
    /// under way). `wall_ms` is set for animation frames, which refresh the costly detail views
    /// only now and then.
    fn derive(&mut self, force: bool, wall_ms: Option<f64>) {
        let mut d = self.driver.borrow_mut();
        let (dots, hidden_dots) = view::dots(&mut d, self.reduced_motion);
        self.frame = Shared::new(Frame {
            now_us: d.cursor_us,
            end_us: d.end_us,
            dots,
            hidden_dots,
            finished: d.finished(),
            seek_us: self.seek_us,
        });
        if self.seek_us.is_some() && !force {
            return; // see the module docs: the scene follows once the seek is over
        }
        let scene_due = match wall_ms {
            None => true,
            Some(w) => d.finished() || w - self.scene_wall_ms >= SCENE_EVERY_MS,
        };
        if force || (scene_due && d.version != self.scene_version) {
            self.scene_wall_ms = wall_ms.unwrap_or(self.scene_wall_ms);
            let due = match wall_ms {
                None => true,
                Some(w) => d.finished() || w - self.detail_wall_ms >= DETAIL_EVERY_MS,
            };
            let detail = if force || (due && d.version != self.detail_version) {
                self.detail_version = d.version;
                self.detail_wall_ms = wall_ms.unwrap_or(self.detail_wall_ms);
                Shared::new(self.build_detail(&d))
            } else {
                self.scene.detail.clone()
            };
            self.scene_version = d.version;
            self.scene = Shared::new(self.build_scene(&d, detail));
        }
    }

    fn build_detail(&self, d: &Driver) -> Detail {
        let (log, log_total) = view::log_rows(
            &d.timeline.events,
            &d.names(),
            self.log_node,
            self.log_kind.as_deref(),
        );
        Detail {
            lanes: view::lanes(d),
            log,
            log_total,
            kinds: d.timeline.kinds.iter().copied().collect(),
        }
    }

    fn build_scene(&self, d: &Driver, detail: Shared<Detail>) -> Scene {
        let status = match d.outcome() {
            Some(o) if o.success => format!(
                "Committed: all {} honest nodes agree, latency {}",
                o.honest_total,
                o.latency_us.map(view::fmt_ms).unwrap_or_default()
            ),
            Some(o) => format!(
                "Ended ({}): {} of {} honest nodes committed",
                o.end_reason.name(),
                o.honest_committed,
                o.honest_total
            ),
            None if d.cursor_us == 0 && d.timeline.events.is_empty() => {
                "Ready: press Play (space) or Step (→)".to_string()
            }
            None => "Running".to_string(),
        };
        Scene {
            nodes: view::node_views(d, self.selected),
            quorum: self.config.quorum(),
            f: self.config.f(),
            detail,
            inspector: self
                .selected
                .and_then(|id| d.snapshot(id).map(|s| (id, d.byzantine().contains(&id), s))),
            alarm: d.timeline.safety_alarm.clone(),
            status,
            sent: d.timeline.msgs.len(),
            delivered: d.timeline.delivered,
            dropped: d.timeline.dropped,
        }
    }

    fn reduce_mut(&mut self, action: Action) {
        let mut force = false;
        let mut wall = None;
        match action {
            Action::SetParam(name, value)
                if self.texts.get(&name) == Some(&value)
                    && self.errors.is_empty()
                    && url::param_text(&self.config, &name) == value => {}
            Action::SetParam(name, value) => {
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
                force = true;
            }
            Action::Play => self.playing = self.runnable() && !self.driver.borrow().finished(),
            Action::Pause => self.playing = false,
            Action::TogglePlay => {
                let finished = self.driver.borrow().finished();
                if finished && self.runnable() {
                    // Play after the end starts over.
                    self.restart();
                    self.playing = true;
                } else {
                    self.playing = !self.playing && self.runnable();
                }
                self.last_wall_ms = None;
            }
            Action::Step => {
                self.playing = false;
                self.seek_us = None;
                if self.runnable() {
                    self.driver.borrow_mut().step_event();
                }
            }
            Action::Reset => {
                self.playing = false;
                self.restart();
            }
            Action::Seek(t_us) => {
                if t_us < self.driver.borrow().cursor_us {
                    self.restart();
                }
                self.seek_us = Some(t_us);
                self.continue_seek();
            }
            Action::SetSpeed(s) => self.speed = s.clamp(MIN_SPEED, MAX_SPEED),
            Action::NewSeed(seed) => {
                let mut c = self.config.clone();
                c.seed = seed;
                self.apply_config(c);
                force = true;
            }
            Action::RandomPlacement => {
                let mut c = self.config.clone();
                c.byzantine_nodes = None;
                self.apply_config(c);
                force = true;
            }
            Action::ToggleByzantine(id) => {
                let mut ids: Vec<NodeId> = self.driver.borrow().byzantine().to_vec();
                match ids.iter().position(|&b| b == id) {
                    Some(i) => {
                        ids.remove(i);
                    }
                    None => ids.push(id),
                }
                ids.sort_unstable();
                let mut c = self.config.clone();
                c.byzantine = ids.len() as u32;
                c.byzantine_nodes = Some(ids);
                self.apply_config(c);
                force = true;
            }
            Action::SelectNode(id) => {
                self.selected = if self.selected == id { None } else { id };
                force = true;
            }
            Action::Tick(wall_ms) => {
                wall = Some(wall_ms);
                if self.hidden {
                    // No frames come while hidden; a stray one does nothing.
                } else if self.seek_us.is_some() {
                    if self.continue_seek() {
                        // Reached: the scene and the detail views show the target at once.
                        wall = None;
                    }
                } else if self.playing {
                    let dt_ms = self
                        .last_wall_ms
                        .map_or(0.0, |last| (wall_ms - last).clamp(0.0, MAX_FRAME_MS));
                    self.last_wall_ms = Some(wall_ms);
                    let mut d = self.driver.borrow_mut();
                    let target = d.cursor_us + (dt_ms * 1000.0 * self.speed).round() as u64;
                    d.advance(target, EVENTS_PER_FRAME);
                    if d.finished() {
                        self.playing = false;
                    }
                }
            }
            Action::Hidden(h) => {
                self.hidden = h;
                self.last_wall_ms = None;
            }
            Action::ReducedMotion(r) => self.reduced_motion = r,
            Action::FilterNode(n) => {
                self.log_node = n;
                force = true;
            }
            Action::FilterKind(k) => {
                self.log_kind = k;
                force = true;
            }
            Action::DismissNotices => self.notices.clear(),
        }
        if !self.playing || self.seek_us.is_some() {
            self.last_wall_ms = None;
        }
        self.derive(force, wall);
    }

    /// Processes one frame's budget of events toward the pending seek target; returns whether
    /// it was reached (the seek is then over).
    fn continue_seek(&mut self) -> bool {
        let Some(target) = self.seek_us else {
            return false;
        };
        let reached = self.driver.borrow_mut().advance(target, EVENTS_PER_FRAME);
        if reached {
            self.seek_us = None;
        }
        reached
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
    pbft_engine::PARAMS
        .iter()
        .map(|p| (p.name.to_string(), url::param_text(config, p.name)))
        .collect()
}

/// Slider position (0..=1000) for a speed, on a log scale.
pub fn speed_to_slider(speed: f64) -> u32 {
    let span = (MAX_SPEED / MIN_SPEED).log10();
    ((speed / MIN_SPEED).log10() / span * 1000.0)
        .round()
        .clamp(0.0, 1000.0) as u32
}

/// The speed at a slider position.
pub fn slider_to_speed(pos: u32) -> f64 {
    let span = (MAX_SPEED / MIN_SPEED).log10();
    MIN_SPEED * 10f64.powf(span * f64::from(pos.min(1000)) / 1000.0)
}

mod page;
pub use page::PageEvent;

#[cfg(test)]
mod tests;
