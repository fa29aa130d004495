//! Retransmission (Castro's thesis §5.2; TOCS 2002 §5.2): PBFT is live whenever messages are
//! eventually delivered because a replica that stopped making progress says where it stands and
//! the others re-send what it lacks.
//!
//! Each silent period of the retransmission timer ([`super::timers`]) a replica with outstanding
//! work re-sends its VIEW-CHANGE (while changing view), multicasts ⟨STATUS, v, changing, h, le,
//! prepared, committed, view-changes held⟩ and, behind a provable checkpoint, fetches its state
//! ([`super::checkpoint`]). A replica that receives a STATUS answers only what the sender lacks:
//!
//! - views: the NEW-VIEW of its own, later view (relayed: the primary signed it), or its own
//!   VIEW-CHANGE if the sender is changing to (or below) the view it asks for and lacks it;
//! - checkpoints: its CHECKPOINTs above the sender's h and, if the sender executed less, a
//!   CHECKPOINT of its current state (f + 1 of them let the sender fetch that state);
//! - the log of the sender's view (when the sender is not changing view): the primary's
//!   PRE-PREPARE (relayed, request included) and its own PREPARE for each slot the sender has not
//!   prepared, and its COMMIT (of any view) for each slot the sender has not committed.

use super::PbftReplica;
use crate::message::{Message, NodeId, StatusReport};
use crate::node::{Dest, Output};
use crate::voters::VoterSet;
use std::sync::Arc;

impl PbftReplica {
    /// One silent period passed with work outstanding. The VIEW-CHANGE is re-sent until 2f + 1
    /// are held (then the view-change timer runs, §4.5.2).
    pub(crate) fn retransmit(&mut self, out: &mut Vec<Output>) {
        if self.changing && self.view_change_votes(self.view) < self.quorum() {
            if let Some(own) = self.own_view_change() {
                out.push(Output::Relay {
                    to: Dest::Others,
                    msg: own,
                });
            }
        }
        self.multicast(Message::Status(Arc::new(self.status_report())), out);
        self.fetch_state(out);
    }

    fn own_view_change(&self) -> Option<crate::Signed> {
        self.own_view_change_for(self.view).cloned()
    }

    /// Where this replica stands.
    pub(crate) fn status_report(&self) -> StatusReport {
        let (view, q) = (self.view, self.quorum());
        let above = || self.log.range(self.last_exec + 1..);
        let mut view_changes = VoterSet::new();
        if self.changing {
            for &signer in self
                .view_changes
                .get(&view)
                .into_iter()
                .flat_map(|v| v.keys())
            {
                view_changes.insert(signer);
            }
        }
        StatusReport {
            view,
            changing: self.changing,
            low: self.low,
            last_executed: self.last_exec,
            prepared: above()
                .filter(|(_, s)| s.prepared(view, q).is_some())
                .map(|(&n, _)| n)
                .collect(),
            committed: above()
                .filter(|(_, s)| s.committed.is_some())
                .map(|(&n, _)| n)
                .collect(),
            view_changes,
        }
    }

    pub(crate) fn on_status(&mut self, from: NodeId, report: &StatusReport, out: &mut Vec<Output>) {
        if from >= self.params.nodes || from == self.id {
            return;
        }
        self.resend_view(from, report, out);
        self.resend_checkpoints(from, report, out);
        self.resend_log(from, report, out);
    }

    fn resend_view(&self, from: NodeId, report: &StatusReport, out: &mut Vec<Output>) {
        let relay = |msg: &crate::Signed, out: &mut Vec<Output>| {
            out.push(Output::Relay {
                to: Dest::Node(from),
                msg: msg.clone(),
            })
        };
        let behind = report.view < self.view || (report.view == self.view && report.changing);
        if !self.changing && behind {
            if let Some(nv) = &self.new_view {
                relay(nv, out);
            }
            return;
        }
        if !self.changing {
            return;
        }
        // Its VIEW-CHANGE for the view the sender asks for, even after moving on to a later
        // one: the sender may need it for 2f + 1.
        if report.changing && !report.view_changes.contains(self.id) {
            if let Some(vc) = self.own_view_change_for(report.view) {
                relay(vc, out);
            }
        }
        // Its VIEW-CHANGE for a later view: f + 1 of them make the sender join.
        if report.view < self.view {
            if let Some(vc) = self.own_view_change() {
                relay(&vc, out);
            }
        }
    }

    fn resend_checkpoints(&self, from: NodeId, report: &StatusReport, out: &mut Vec<Output>) {
        for snapshot in self.snapshots.iter().filter(|s| s.seq > report.low) {
            let (seq, state) = (snapshot.seq, snapshot.digest());
            self.send_to(from, Message::Checkpoint { seq, state }, out);
        }
        if report.last_executed < self.last_exec && self.snapshot_at(self.last_exec).is_none() {
            let (seq, state) = (self.last_exec, self.current_snapshot().digest());
            self.send_to(from, Message::Checkpoint { seq, state }, out);
        }
    }

    /// What this replica sent or holds that the sender lacks: its COMMITs of any view (a commit
    /// certificate counts whatever its view, even at a replica changing view) and, when the
    /// sender is in the normal case, the primary's PRE-PREPARE and its own PREPARE of the sender's
    /// view. Re-sending a message sent before is harmless after moving on to a later view.
    fn resend_log(&self, from: NodeId, report: &StatusReport, out: &mut Vec<Output>) {
        let view = report.view;
        let top = self.high_watermark().min(
            report
                .low
                .saturating_add(2 * self.params.checkpoint_interval),
        );
        let normal = !report.changing;
        let from_primary = from == self.primary_of(view);
        let backup = self.primary_of(view) != self.id;
        let first = report.last_executed.saturating_add(1);
        if first > top {
            return;
        }
        for (&seq, slot) in self.log.range(first..=top) {
            let prepared = report.prepared.binary_search(&seq).is_ok();
            let committed = report.committed.binary_search(&seq).is_ok();
            let in_view = slot.pre_prepared_in(view).filter(|_| normal && !prepared);
            if let Some(pp) = &slot.pre_prepare {
                let useful = in_view.is_some() || slot.committed.is_some();
                if normal && !prepared && !from_primary && useful {
                    out.push(Output::Relay {
                        to: Dest::Node(from),
                        msg: pp.clone(),
                    });
                }
            }
            if let Some(digest) = in_view.filter(|_| !committed && backup) {
                self.send_to(from, Message::Prepare { view, seq, digest }, out);
            }
            for &(v, digest) in slot.commits_sent.iter().filter(|_| !committed) {
                self.send_to(
                    from,
                    Message::Commit {
                        view: v,
                        seq,
                        digest,
                    },
                    out,
                );
            }
        }
    }
}
