//! Moving through the run: playing, stepping (one event, or to the next phase), Step back,
//! seeking to a time, to a log row's event or to a diagram arrow, all as positions of the
//! deterministic run ([`Position`]): going back replays from the seed to the position.
//!
//! Step back returns to exactly the previous state: each Step, jump or seek remembers where it
//! started; with nothing remembered (after playing) it undoes the newest event's step.

use super::{Action, AppState, Target, EVENTS_PER_FRAME, HISTORY, MAX_FRAME_MS};
use crate::timeline::{Driver, Position};

impl AppState {
    /// Rebuilds the run from `self.config` at time 0, cancelling any seek under way.
    pub(super) fn restart(&mut self) {
        let same = self.driver.borrow().config == self.config;
        let driver = if same {
            Ok(self.driver.borrow().replay())
        } else {
            Driver::new(&self.config)
        };
        if let Ok(driver) = driver {
            self.driver = std::rc::Rc::new(std::cell::RefCell::new(driver));
        }
        self.seek = None;
        self.last_wall_ms = None;
        if self.selected.is_some_and(|id| id >= self.config.nodes) {
            self.selected = None;
        }
        if self.filter.node.is_some_and(|id| id >= self.config.nodes) {
            self.filter.node = None;
        }
        self.scene_version = u64::MAX;
        self.detail_version = u64::MAX;
    }

    /// Remembers the position on screen for Step back.
    pub(super) fn remember(&mut self) {
        let here = self.driver.borrow().position();
        if self.history.last() != Some(&here) {
            if self.history.len() == HISTORY {
                self.history.remove(0);
            }
            self.history.push(here);
        }
    }

    /// Starts a seek to `target`, replaying from time 0 if it lies behind the cursor.
    pub(super) fn go_to(&mut self, target: Target) {
        let behind = {
            let d = self.driver.borrow();
            match target {
                Target::Time(t) => t < d.cursor_us,
                Target::At(p) => p.steps < d.steps || p.cursor_us < d.cursor_us,
            }
        };
        if behind {
            self.restart();
        }
        self.seek = Some(target);
        self.continue_seek();
    }

    /// Processes one frame's budget of events toward the pending seek target; returns whether
    /// it was reached (the seek is then over).
    pub(super) fn continue_seek(&mut self) -> bool {
        let Some(target) = self.seek else {
            return false;
        };
        let mut d = self.driver.borrow_mut();
        let reached = match target {
            Target::Time(t) => d.advance(t, EVENTS_PER_FRAME),
            Target::At(p) => d.advance_to(p, EVENTS_PER_FRAME),
        };
        drop(d);
        if reached {
            self.seek = None;
        }
        reached
    }

    /// The position Step back returns to.
    fn previous(&mut self) -> Position {
        let d = self.driver.borrow();
        let here = d.position();
        while let Some(p) = self.history.pop() {
            if p != here {
                return p;
            }
        }
        d.position_before_last_event()
    }

    /// Transport actions; returns whether the action was one (never false for them).
    pub(super) fn navigate(&mut self, action: Action) -> bool {
        match action {
            Action::Play => {
                self.playing = self.runnable() && !self.driver.borrow().finished();
                self.history.clear();
            }
            Action::Pause => self.playing = false,
            Action::TogglePlay => self.toggle_play(),
            Action::Step | Action::StepPhase => {
                self.playing = false;
                self.seek = None;
                if self.runnable() {
                    self.remember();
                    let mut d = self.driver.borrow_mut();
                    if action == Action::Step {
                        d.step_event();
                    } else {
                        d.step_phase(EVENTS_PER_FRAME);
                    }
                }
            }
            Action::Back => {
                self.playing = false;
                self.seek = None;
                let target = self.previous();
                self.go_to(Target::At(target));
            }
            Action::Reset => {
                self.playing = false;
                self.history.clear();
                self.restart();
            }
            Action::Seek(t_us) => {
                self.remember();
                self.go_to(Target::Time(t_us));
            }
            Action::GoToEvent(index) => self.go_to_event(index),
            Action::PickArrow { x, lane } => {
                let found = self.driver.borrow().timeline.arrow_near(x, lane, 0.45);
                match found {
                    Some(index) => self.go_to_event(index),
                    None => {
                        let span = self.driver.borrow().span_us;
                        self.remember();
                        self.go_to(Target::Time(crate::view::seek_time(
                            x / crate::view::LANES_WIDTH,
                            span,
                        )));
                    }
                }
            }
            _ => return false,
        }
        true
    }

    fn go_to_event(&mut self, index: usize) {
        let at = self.driver.borrow().position_after(index);
        if let Some(at) = at {
            self.playing = false;
            self.remember();
            self.go_to(Target::At(at));
        }
    }

    fn toggle_play(&mut self) {
        let finished = self.driver.borrow().finished();
        if finished && self.runnable() {
            // Play after the end starts over.
            self.restart();
            self.playing = true;
        } else {
            self.playing = !self.playing && self.runnable();
        }
        self.history.clear();
        self.last_wall_ms = None;
    }

    /// An animation frame: the seek goes on, or the run plays. Returns the wall time for the
    /// views' refresh, `None` when they must be redrawn at once (a seek just ended).
    pub(super) fn tick(&mut self, wall_ms: f64) -> Option<f64> {
        if self.hidden {
            // No frames come while hidden; a stray one does nothing.
            return Some(wall_ms);
        }
        if self.seek.is_some() {
            return if self.continue_seek() {
                None
            } else {
                Some(wall_ms)
            };
        }
        if self.playing {
            let dt_ms = self
                .last_wall_ms
                .map_or(0.0, |last| (wall_ms - last).clamp(0.0, MAX_FRAME_MS));
            self.last_wall_ms = Some(wall_ms);
            let speed = self.play_to.map_or(self.speed, |(_, s)| s);
            let mut d = self.driver.borrow_mut();
            let mut target = d.cursor_us + (dt_ms * 1000.0 * speed).round() as u64;
            // The idle wait before the timeout passes in one frame.
            if d.cursor_us >= d.span_us {
                target = target.max(d.end_us);
            }
            if let Some((at, _)) = self.play_to {
                // A tour's Next: by time up to just before the step's moment (every event due
                // then belongs to an engine step before the anchor's), then exactly to it, as a
                // seek lands: the same state as going there from the seed.
                let cap = at.cursor_us.saturating_sub(1);
                d.advance(target.min(cap), EVENTS_PER_FRAME);
                if d.cursor_us < cap {
                    return Some(wall_ms);
                }
                drop(d);
                self.playing = false;
                self.play_to = None;
                self.seek = Some(Target::At(at));
                self.continue_seek();
                return None;
            }
            d.advance(target, EVENTS_PER_FRAME);
            if d.finished() {
                self.playing = false;
            }
        }
        Some(wall_ms)
    }
}
