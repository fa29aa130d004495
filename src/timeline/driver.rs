//! The engine run driven in virtual time: a cursor over one deterministic run.
//!
//! Positions: a moment of the run is the number of engine steps processed and the time on
//! screen ([`Position`]); replaying that many steps from the seed rebuilds exactly the same
//! state, which is how Step back, a click on a log row and a `t=` link reach a moment.

use super::Timeline;
use crate::view::Names;
use pbft_engine::{
    Config, ConfigError, EndReason, NodeId, NodeSnapshot, PendingTimer, RunOutcome, Simulation,
};

/// A moment of the run: `steps` engine steps processed, `cursor_us` on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub steps: u64,
    pub cursor_us: u64,
}

/// The engine run plus its timeline and the display cursor.
pub struct Driver {
    sim: Simulation,
    pub config: Config,
    pub timeline: Timeline,
    /// The virtual time on screen; never ahead of an unprocessed event.
    pub cursor_us: u64,
    /// When the run ends (learned up front from an untraced run of the same config and seed).
    pub end_us: u64,
    /// When its last activity before an idle wait for the timeout happens (`end_us` when there is
    /// no such wait): the time slider and the diagram span this.
    pub span_us: u64,
    /// Engine steps processed.
    pub steps: u64,
    /// Bumped whenever an event is processed: the view-model is rebuilt only then.
    pub version: u64,
}

impl Driver {
    /// A fresh run of `config` (trial 0) at time 0. Validation errors come back untouched.
    pub fn new(config: &Config) -> Result<Driver, ConfigError> {
        let (end_us, span_us) = Driver::extent(config)?;
        Driver::with_extent(config, end_us, span_us)
    }

    /// When the run ends, and when its activity does: an untraced run to its end.
    fn extent(config: &Config) -> Result<(u64, u64), ConfigError> {
        let mut sim = Simulation::new(config, 0)?;
        let mut before_last = 0;
        loop {
            let before = sim.now_us();
            if sim.step().is_none() {
                break;
            }
            if sim.outcome().is_some() {
                before_last = before;
            }
        }
        let outcome = sim.outcome().expect("a finished run has an outcome");
        let end = outcome.end_us;
        // An idle stretch before the timeout shows as a jump, not as most of the slider.
        let span = if outcome.end_reason == EndReason::Timeout && before_last * 10 < end * 9 {
            before_last.max(1)
        } else {
            end
        };
        Ok((end, span))
    }

    /// The same run again from time 0, for going back. The extent is kept rather than learned
    /// again: the run is deterministic, and learning it means running the whole simulation.
    pub fn replay(&self) -> Driver {
        Driver::with_extent(&self.config, self.end_us, self.span_us)
            .expect("a config that ran builds again")
    }

    fn with_extent(config: &Config, end_us: u64, span_us: u64) -> Result<Driver, ConfigError> {
        let sim = Simulation::new(config, 0)?.with_trace(true);
        let clients = sim.clients().len() as u32;
        let timeline = Timeline::new(config.nodes, clients, sim.byzantine_nodes(), span_us);
        Ok(Driver {
            sim,
            config: config.clone(),
            timeline,
            cursor_us: 0,
            end_us,
            span_us,
            steps: 0,
            version: 0,
        })
    }

    fn step_once(&mut self) -> bool {
        match self.sim.step() {
            Some(events) => {
                for e in events {
                    self.timeline.push(e, self.steps);
                }
                self.steps += 1;
                self.version += 1;
                true
            }
            None => false,
        }
    }

    /// Due time of the next event, or `None` once the run has ended.
    fn next_due(&self) -> Option<u64> {
        if self.sim.outcome().is_some() {
            return None;
        }
        // An empty queue before the end still has one step to take (it ends the run).
        Some(self.sim.next_event_us().unwrap_or(self.sim.now_us()))
    }

    /// Processes events due up to `target_us`, at most `max_events` of them. Returns whether the
    /// cursor reached the target; if the budget ran out the cursor stops at the last event
    /// processed, so the screen never shows a time whose events have not happened.
    pub fn advance(&mut self, target_us: u64, max_events: usize) -> bool {
        let mut done = 0;
        while let Some(t) = self.next_due() {
            if t > target_us {
                break;
            }
            if done >= max_events {
                self.cursor_us = self.cursor_us.max(self.sim.now_us());
                return false;
            }
            self.step_once();
            done += 1;
        }
        self.cursor_us = self.cursor_us.max(target_us.min(self.end_us));
        true
    }

    /// Processes steps until `target.steps` have been, at most `max_events` now, then shows
    /// `target.cursor_us`. Returns whether the position was reached.
    pub fn advance_to(&mut self, target: Position, max_events: usize) -> bool {
        let mut done = 0;
        while self.steps < target.steps && self.next_due().is_some() {
            if done >= max_events {
                self.cursor_us = self.cursor_us.max(self.sim.now_us());
                return false;
            }
            self.step_once();
            done += 1;
        }
        self.cursor_us = target.cursor_us.max(self.sim.now_us()).min(self.end_us);
        true
    }

    /// Where the screen is now.
    pub fn position(&self) -> Position {
        Position {
            steps: self.steps,
            cursor_us: self.cursor_us,
        }
    }

    /// The moment just after event `index`: every event of its step happened.
    pub fn position_after(&self, index: usize) -> Option<Position> {
        let step = self.timeline.events.step_of(index)?;
        let time = self.timeline.events.get(index)?.time_us;
        Some(Position {
            steps: step + 1,
            cursor_us: time,
        })
    }

    /// The moment before the newest visible step: its events undone, the cursor on the event
    /// before them (time 0 if none).
    pub fn position_before_last_event(&self) -> Position {
        let events = &self.timeline.events;
        let Some(last) = events.len().checked_sub(1) else {
            return Position {
                steps: 0,
                cursor_us: 0,
            };
        };
        let step = events.step_of(last).unwrap_or(0);
        let mut i = last;
        while i > 0 && events.step_of(i - 1) == Some(step) {
            i -= 1;
        }
        let cursor_us = i
            .checked_sub(1)
            .and_then(|j| events.get(j))
            .map_or(0, |e| e.time_us);
        Position {
            steps: step,
            cursor_us,
        }
    }

    /// Processes the next event that shows something (skipping silent internal steps) and puts
    /// the cursor on it. Returns false once the run is over.
    pub fn step_event(&mut self) -> bool {
        let before = self.timeline.events.len();
        while self.next_due().is_some() {
            self.step_once();
            self.cursor_us = self.cursor_us.max(self.sim.now_us());
            if self.timeline.events.len() > before {
                return true;
            }
        }
        false
    }

    /// Steps until the run moves into its next phase (a send of another phase, or a
    /// milestone: see [`super::is_milestone`]), at most `max_events` steps.
    pub fn step_phase(&mut self, max_events: usize) -> bool {
        let mark = self.timeline.phase_marks;
        let mut done = 0;
        while self.timeline.phase_marks == mark && done < max_events {
            if !self.step_event() {
                return false;
            }
            done += 1;
        }
        true
    }

    /// The run has ended and the cursor is at its end.
    pub fn finished(&self) -> bool {
        self.sim.outcome().is_some() && self.cursor_us >= self.end_us
    }

    /// The outcome, once the run has reached its end on screen.
    pub fn outcome(&self) -> Option<&RunOutcome> {
        self.sim.outcome().filter(|_| self.cursor_us >= self.end_us)
    }

    pub fn byzantine(&self) -> &[NodeId] {
        self.sim.byzantine_nodes()
    }

    pub fn snapshot(&self, id: NodeId) -> Option<NodeSnapshot> {
        self.sim.snapshot(id)
    }

    /// Pending timers of endpoint `id`.
    pub fn timers(&self, id: NodeId) -> Vec<PendingTimer> {
        self.sim.timers(id)
    }

    /// Client endpoints' ids.
    pub fn clients(&self) -> std::ops::Range<NodeId> {
        self.sim.clients()
    }

    /// How the log names this run's endpoints.
    pub fn names(&self) -> Names {
        Names {
            replicas: self.sim.replicas(),
            clients: self.sim.clients().len() as u32,
            f: self.config.f(),
        }
    }
}
