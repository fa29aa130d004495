//! A guided tour in the reducer: which tour is open, at which step, and where each step's moment
//! lies in the run ([`crate::tour`] parses the file; the page fetches it, then hands the text in
//! with [`Action::TourLoaded`]).
//!
//! Opening a tour loads its `params` as a link's would be (checked by the engine's rules; any
//! problem refuses the tour and changes nothing), then runs the scenario once to its end to find
//! every step's anchor event, and keeps each as a [`Position`] of the deterministic run: the moment
//! just after the anchored event, exactly what a log row's "go to this event" reaches. Next and
//! Back seek to those positions (Back replays from the seed), so a step looks the same whichever
//! way it is reached.
//!
//! Steps are counted from 0 here; links, the page API and the reader count from 1
//! (`?tour=normal-case&step=1` is the first step: www/tours/index.txt, docs/embedding.md).

use super::{Action, AppState, Target};
use crate::timeline::Position;
use crate::tour::{self, Anchor, Focus, Tour};
use crate::url;
use crate::view::Shared;
use pbft_engine::{Config, NodeId, Simulation};
use std::rc::Rc;

/// The longest a tour's Next plays before it reaches the next step, in wall time.
const MAX_PLAY_MS: f64 = 2_500.0;

/// An open tour.
#[derive(Clone, Debug, PartialEq)]
pub struct TourState {
    /// The tour's file name without `.tour` (the `tour=` link parameter).
    pub name: String,
    /// The step on screen (or asked for, while loading), from 0.
    pub step: usize,
    pub status: TourStatus,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TourStatus {
    /// Its file is being fetched.
    Loading,
    /// It could not open: the sentence says why (the scenario on screen is unchanged).
    Failed(String),
    Ready(Shared<Loaded>),
}

/// A tour whose scenario is on screen.
#[derive(Debug)]
pub struct Loaded {
    pub tour: Tour,
    /// The scenario the tour's `params` describe.
    pub config: Config,
    /// Each step's moment.
    pub at: Vec<Position>,
}

impl TourState {
    pub fn loaded(&self) -> Option<&Loaded> {
        match &self.status {
            TourStatus::Ready(l) => Some(l),
            _ => None,
        }
    }

    /// The link's query for the step on screen (`?tour=NAME&step=K`, K from 1).
    pub fn query(&self) -> String {
        url::query_string(&[
            ("tour", self.name.clone()),
            ("step", (self.step + 1).to_string()),
        ])
    }
}

/// The tours index: whether it is open, and what was read of `tours/index.txt` (in its order)
/// and of each tour file (title and summary), or why the list could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToursIndex {
    pub open: bool,
    pub list: Option<Result<Vec<IndexEntry>, String>>,
}

/// A tour in the index: its name, title and summary (or, for a file that does not read, its
/// name twice and the reason).
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    pub name: String,
    pub title: String,
    pub summary: String,
}

/// What the page should fetch for the reducer (see `AppState::to_fetch`).
#[derive(Clone, Debug, PartialEq)]
pub enum Fetch {
    /// The tour to open.
    Tour(String),
    /// `tours/index.txt` and every tour it lists, for the index.
    Index,
}

/// A tour name is a file name of the tours folder: letters, digits, `-` and `_` (never a path).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The sentence for a tour that is not there (a name that cannot be a file, or a missing file).
pub fn no_such_tour(name: &str) -> String {
    format!("no tour named '{name}'")
}

impl TourStatus {
    /// A tour asked for by `name`: to be fetched, or refused at once when the name cannot be a
    /// file of the tours folder (nothing outside it is ever fetched).
    fn asked(name: &str) -> TourStatus {
        if valid_name(name) {
            TourStatus::Loading
        } else {
            TourStatus::Failed(no_such_tour(name))
        }
    }
}

/// The tour a query asks for (`tour=NAME`, `step=K` from 1), and one sentence per problem.
pub fn from_pairs(pairs: &[(String, String)]) -> (Option<TourState>, Vec<String>) {
    let get = |k: &str| pairs.iter().find(|(a, _)| a == k).map(|(_, v)| v.trim());
    let mut problems = Vec::new();
    let step = match get("step").map(|s| (s, s.parse::<usize>())) {
        None => 0,
        Some((_, Ok(k))) if k >= 1 => k - 1,
        Some((s, _)) => {
            problems.push(format!(
                "step must be a tour's step number, from 1; '{s}' is not one (step 1 shown)"
            ));
            0
        }
    };
    let tour = get("tour").map(|name| TourState {
        name: name.to_string(),
        step,
        status: TourStatus::asked(name),
    });
    if tour.is_none() && get("step").is_some() {
        problems.push("step needs a tour (tour=NAME&step=K); ignored".into());
    }
    (tour, problems)
}

/// Where each step of `tour` lies in the run of `config`: the moment just after its anchor event
/// (the start: time 0; `end`: the run's end), or the sentence naming the step whose event the
/// run lacks.
pub fn positions(config: &Config, tour: &Tour) -> Result<Vec<Position>, String> {
    let mut sim = Simulation::new(config, 0)
        .map_err(|e| e.to_string())?
        .with_trace(true);
    let start = Position {
        steps: 0,
        cursor_us: 0,
    };
    let mut found: Vec<Option<Position>> = tour
        .steps
        .iter()
        .map(|s| (s.at == Anchor::Start).then_some(start))
        .collect();
    // Matches of each step's anchor so far (an anchor names its `nth` match).
    let mut seen = vec![0; found.len()];
    // Engine steps processed once an event's step is: what a replay counts to reach it.
    let mut steps = 0u64;
    while let Some(batch) = sim.step() {
        steps += 1;
        for e in batch {
            let json = e.to_json();
            for (k, s) in tour.steps.iter().enumerate() {
                if let Anchor::Event { nth, .. } = s.at {
                    if found[k].is_none() && s.at.matches_json(&json) {
                        seen[k] += 1;
                        if seen[k] == nth {
                            found[k] = Some(Position {
                                steps,
                                cursor_us: e.time_us,
                            });
                        }
                    }
                }
            }
        }
    }
    let end = Position {
        steps,
        cursor_us: sim.outcome().map_or(sim.now_us(), |o| o.end_us),
    };
    found
        .into_iter()
        .zip(&tour.steps)
        .enumerate()
        .map(|(k, (at, s))| match s.at {
            Anchor::End => Ok(end),
            _ => at.ok_or_else(|| {
                format!(
                    "step {} ({}): the run has no event `{}`",
                    k + 1,
                    s.heading,
                    s.at
                )
            }),
        })
        .collect()
}

impl AppState {
    /// Tour actions; any other action is handed back.
    pub(super) fn reduce_tour(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::OpenTour { name, step } => {
                Rc::make_mut(&mut self.index).open = false;
                self.open_tour(name, step)
            }
            Action::TourLoaded { name, text } => {
                if self.tour_loading(&name) {
                    let step = self.tour.as_ref().map_or(0, |t| t.step);
                    if let Err(e) = self.start_tour(&name, &text, step) {
                        self.fail_tour(e);
                    }
                }
            }
            Action::TourFailed { name, message } => {
                if self.tour_loading(&name) {
                    self.fail_tour(message);
                }
            }
            Action::ShowTours(open) => Rc::make_mut(&mut self.index).open = open,
            Action::ToursListed(list) => Rc::make_mut(&mut self.index).list = Some(list),
            Action::TourNext => self.tour_step(1),
            Action::TourBack => self.tour_step(-1),
            Action::CloseTour => self.tour = None,
            other => return Some(other),
        }
        None
    }

    fn tour_loading(&self, name: &str) -> bool {
        self.tour
            .as_ref()
            .is_some_and(|t| t.name == name && matches!(t.status, TourStatus::Loading))
    }

    fn fail_tour(&mut self, message: String) {
        if let Some(t) = self.tour.as_mut() {
            t.status = TourStatus::Failed(message);
        }
    }

    fn open_tour(&mut self, name: String, step: usize) {
        if let Some(t) = self.tour.as_mut().filter(|t| t.name == name) {
            match &t.status {
                TourStatus::Ready(l) => {
                    let k = step.min(l.at.len() - 1);
                    self.go_to_step(k, false);
                    return;
                }
                TourStatus::Loading => {
                    t.step = step;
                    return;
                }
                TourStatus::Failed(_) => {}
            }
        }
        let status = TourStatus::asked(&name);
        self.tour = Some(TourState { name, step, status });
    }

    /// The tour's text arrived: its scenario goes on screen at step `step` (the last one if the
    /// tour is shorter, with a notice).
    fn start_tour(&mut self, name: &str, text: &str, step: usize) -> Result<(), String> {
        let tour = tour::parse(name, text).map_err(|e| format!("{name}.tour {e}"))?;
        let (config, problems) = url::config_from_pairs(&tour::param_pairs(&tour.params));
        if !problems.is_empty() {
            return Err(format!("the tour's scenario: {}", problems.join("; ")));
        }
        url::validate(&config).map_err(|(_, m)| m)?;
        let at = positions(&config, &tour)?;
        let last = at.len() - 1;
        if step > last {
            self.notices.push(format!(
                "the tour '{name}' has {} steps; step {} shown",
                at.len(),
                last + 1
            ));
        }
        if self.config != config || !self.errors.is_empty() {
            self.apply_config(config.clone());
        }
        self.tour = Some(TourState {
            name: name.to_string(),
            step: 0,
            status: TourStatus::Ready(Shared::new(Loaded { tour, config, at })),
        });
        self.go_to_step(step.min(last), false);
        Ok(())
    }

    fn tour_step(&mut self, delta: isize) {
        let Some((step, count)) = self
            .tour
            .as_ref()
            .and_then(|t| Some((t.step, t.loaded()?.at.len())))
        else {
            return;
        };
        if let Some(k) = step.checked_add_signed(delta).filter(|&k| k < count) {
            self.go_to_step(k, delta > 0);
        }
    }

    /// Shows step `k` of the open tour: its moment, paused. With `play` (Next) the run plays
    /// there, so the reader sees the messages the step talks about travel, at the reader's speed
    /// or faster, taking at most [`MAX_PLAY_MS`], and stops exactly at the step's position;
    /// otherwise (a link, Back, reduced motion) it goes there at once (Back replays from the seed).
    fn go_to_step(&mut self, k: usize, play: bool) {
        let Some(t) = self.tour.as_mut() else { return };
        let Some(&at) = t.loaded().and_then(|l| l.at.get(k)) else {
            return;
        };
        t.step = k;
        self.playing = false;
        self.play_to = None;
        self.remember();
        let (steps, now) = {
            let d = self.driver.borrow();
            (d.steps, d.cursor_us)
        };
        let gap_us = at.cursor_us.saturating_sub(now);
        if !play || self.reduced_motion || steps > at.steps || gap_us < 2 {
            self.go_to(Target::At(at));
            return;
        }
        let wall_ms = gap_us as f64 / 1000.0 / self.speed;
        let speed = self.speed * (wall_ms / MAX_PLAY_MS).max(1.0);
        self.seek = None;
        self.playing = true;
        self.last_wall_ms = None;
        self.play_to = Some((at, speed));
    }

    /// A scenario change takes the run away from the tour's: the tour closes.
    pub(super) fn close_tour_if_changed(&mut self) {
        let changed = self
            .tour
            .as_ref()
            .and_then(|t| t.loaded())
            .is_some_and(|l| l.config != self.config);
        if changed {
            self.tour = None;
        }
    }

    /// The tour file the page should fetch now (a tour is loading), by name.
    pub fn tour_to_fetch(&self) -> Option<String> {
        self.tour
            .as_ref()
            .filter(|t| matches!(t.status, TourStatus::Loading))
            .map(|t| t.name.clone())
    }

    /// What the page should fetch now, if anything: the tour being opened, else the list of
    /// tours the open index lacks. The page answers with `TourLoaded`/`TourFailed` or
    /// `ToursListed`.
    pub fn to_fetch(&self) -> Option<Fetch> {
        match self.tour_to_fetch() {
            Some(name) => Some(Fetch::Tour(name)),
            None => (self.index.open && self.index.list.is_none()).then_some(Fetch::Index),
        }
    }

    /// The endpoints the open tour's step talks about, for the graph to highlight: replica ids,
    /// the first client, the primary of the view on screen.
    pub(super) fn tour_focus(&self, primary: NodeId) -> (Vec<NodeId>, Vec<String>) {
        let Some(step) = self
            .tour
            .as_ref()
            .and_then(|t| t.loaded()?.tour.steps.get(t.step))
        else {
            return (Vec::new(), Vec::new());
        };
        let focus = step
            .focus
            .iter()
            .map(|f| match *f {
                Focus::Replica(id) => id,
                Focus::Client => self.config.nodes,
                Focus::Primary => primary,
            })
            .collect();
        (focus, step.phases.clone())
    }
}

#[cfg(test)]
#[path = "tour_tests.rs"]
mod tests;
