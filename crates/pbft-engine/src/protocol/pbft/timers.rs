//! A replica's two timers, derived from its state after every input so that it is never left
//! without a running timer while it has something to wait for.
//!
//! - **View-change timer** (OSDI 1999 §4.4; TOCS 2002 §4.5.2). In the normal case a backup runs
//!   it while it waits for a request it knows (T); executing a request stops it and restarts it
//!   if another is waiting. During a view change to v + 1 it runs once the replica holds 2f + 1
//!   VIEW-CHANGEs for v + 1, and keeps running after NEW-VIEW until a new request executes. The
//!   k-th view change since the last execution waits T·2^(k−1): T, T, 2T, 4T… (capped at 2^20 T).
//! - **Retransmission timer** (Castro's thesis §5.2). It runs only while the replica has
//!   outstanding work: a view change, a slot of the current view it has not executed, a
//!   checkpoint beyond its last execution, requests waiting for the window to move. Progress is
//!   an execution, a new stable checkpoint, a view change step, another VIEW-CHANGE collected, and so does a new vote for the next slot; the timer ticks every P/2 and a period
//!   P = 5T/16 without progress (two silent ticks) makes it re-send its VIEW-CHANGE (while it
//!   holds fewer than 2f + 1),
//!   multicasts STATUS and, if behind a provable checkpoint, fetches its state; each further
//!   silent period doubles, up to 2^6 P. In a fault-free run a replica's new votes are never
//!   more than 2d apart (d the longest one-way delay; the automatic T is 8d, so P = 2.5d), and it
//!   sends none of these.

use super::PbftReplica;
use crate::node::{Output, TimerId};

/// The view-change timer.
pub const VIEW_TIMER: TimerId = 1;
/// The retransmission (STATUS) timer.
pub const STATUS_TIMER: TimerId = 2;
/// The retransmission period doubles at most this many times.
pub const MAX_STATUS_BACKOFF: u32 = 6;

/// Where a replica stands; the retransmission timer compares it with what it was when set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    last_exec: u64,
    low: u64,
    view: u64,
    changing: bool,
    /// VIEW-CHANGEs held for the view it moves to, and votes held for the next slot to
    /// execute: collecting them is progress too (a retransmission round that brought some is
    /// followed by another after a base period, not a doubled one).
    vc_votes: u32,
    slot_votes: u32,
}

/// Which timers run, and the retransmission timer's backoff.
#[derive(Clone, Debug, Default)]
pub(crate) struct TimerState {
    view_running: bool,
    /// A request executed (or a view change started): the view timer restarts.
    pub restart_view: bool,
    status_running: bool,
    status_backoff: u32,
    /// Where the replica stood at the last tick, and how many ticks since then saw no progress.
    status_mark: Progress,
    silent_ticks: u8,
    /// FETCHes sent, to ask a different replica each time.
    pub fetch_round: u32,
}

impl PbftReplica {
    pub(crate) fn on_timer(&mut self, id: TimerId, out: &mut Vec<Output>) {
        match id {
            VIEW_TIMER => {
                self.timers.view_running = false;
                self.on_view_timer(out);
            }
            STATUS_TIMER => {
                self.timers.status_running = false;
                self.on_status_timer(out);
            }
            _ => {}
        }
    }

    /// A request executed for the first time: in the normal case the view-change timer starts
    /// over, with T again (§4.4).
    pub(crate) fn made_progress(&mut self) {
        if !self.changing {
            self.attempts = 0;
            self.timers.restart_view = true;
        }
    }

    /// T·2^(k−1) for the k-th view change since the last execution (T for k ≤ 1).
    pub(crate) fn timeout_us(&self) -> u64 {
        let doublings = self.attempts.saturating_sub(1).min(20);
        self.params.view_timeout_us.saturating_mul(1 << doublings)
    }

    /// The retransmission period: 5T/16, doubled per silent period. In a fault-free run the
    /// gaps between a replica's new votes are at most 2d (d the longest delay), and the automatic
    /// T is 8d, so a period of 2.5d never passes silent there.
    pub(crate) fn status_period_us(&self) -> u64 {
        (self.params.view_timeout_us * 5 / 16).max(1) << self.timers.status_backoff
    }

    /// Whether the view-change timer should run now.
    fn wants_view_timer(&self) -> bool {
        if self.changing {
            self.view_change_votes(self.view) >= self.quorum()
        } else {
            !self.is_primary() && !self.book.pending().is_empty()
        }
    }

    fn progress(&self) -> Progress {
        Progress {
            last_exec: self.last_exec,
            low: self.low,
            view: self.view,
            changing: self.changing,
            vc_votes: if self.changing {
                self.view_change_votes(self.view)
            } else {
                0
            },
            slot_votes: self.next_slot_votes(),
        }
    }

    /// The PRE-PREPARE, PREPAREs and COMMITs held for the next sequence number to execute.
    fn next_slot_votes(&self) -> u32 {
        let Some(s) = self.log.get(&(self.last_exec + 1)) else {
            return 0;
        };
        let most = |t: &super::log::Tallies| t.in_view(s.view).map(|(_, t)| t.len()).max();
        u32::from(s.pre_prepare.is_some())
            + most(&s.prepares).unwrap_or(0)
            + most(&s.commits).unwrap_or(0)
    }

    /// Work that retransmission or state transfer can move forward.
    pub(crate) fn outstanding(&self) -> bool {
        let f = self.f;
        let view = self.view;
        let unexecuted_slot = self.log.range(self.last_exec + 1..).any(|(_, s)| {
            s.committed.is_some()
                || s.pre_prepared_in(view).is_some()
                || s.prepares.any_with(view, f + 1)
                || s.commits.any_with(view, f + 1)
        });
        let window_full = self.is_primary()
            && !self.changing
            && self
                .book
                .pending()
                .iter()
                .any(|(id, _)| !self.assigned.contains(id));
        self.changing
            || unexecuted_slot
            || window_full
            || self.behind_checkpoint()
            || !self.future.is_empty()
    }

    /// Starts, stops or restarts both timers to match the replica's state.
    pub(crate) fn update_timers(&mut self, out: &mut Vec<Output>) {
        if std::mem::take(&mut self.timers.restart_view) && self.timers.view_running {
            out.push(Output::CancelTimer { id: VIEW_TIMER });
            self.timers.view_running = false;
        }
        match (self.wants_view_timer(), self.timers.view_running) {
            (true, false) => {
                out.push(Output::SetTimer {
                    id: VIEW_TIMER,
                    after_us: self.timeout_us(),
                });
                self.timers.view_running = true;
            }
            (false, true) => {
                out.push(Output::CancelTimer { id: VIEW_TIMER });
                self.timers.view_running = false;
            }
            _ => {}
        }
        // A running retransmission timer stops at its next tick once nothing is outstanding:
        // checking after every message would cost more than the one idle tick.
        if !self.timers.status_running && self.outstanding() {
            self.arm_status_timer(out);
            self.timers.status_mark = self.progress();
            self.timers.silent_ticks = 0;
        }
    }

    /// The retransmission timer ticks every half period: cheaper than pushing a deadline back
    /// on every vote, and as exact (silence is two ticks without progress).
    fn arm_status_timer(&mut self, out: &mut Vec<Output>) {
        out.push(Output::SetTimer {
            id: STATUS_TIMER,
            after_us: (self.status_period_us() / 2).max(1),
        });
        self.timers.status_running = true;
    }

    /// A tick: progress since the last one starts the silence over at the base period; a full
    /// silent period asks for what is missing and backs off.
    fn on_status_timer(&mut self, out: &mut Vec<Output>) {
        if !self.outstanding() {
            self.timers.status_backoff = 0;
            return;
        }
        let mark = self.progress();
        if mark != self.timers.status_mark {
            self.timers.status_mark = mark;
            self.timers.silent_ticks = 0;
            self.timers.status_backoff = 0;
        } else {
            self.timers.silent_ticks += 1;
        }
        if self.timers.silent_ticks >= 2 {
            self.timers.silent_ticks = 0;
            self.retransmit(out);
            self.timers.status_backoff = (self.timers.status_backoff + 1).min(MAX_STATUS_BACKOFF);
        }
        self.arm_status_timer(out);
    }

    /// Whether the view-change timer is running (for the inspector and tests).
    pub fn view_timer_running(&self) -> bool {
        self.timers.view_running
    }
}
