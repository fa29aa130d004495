//! The normal case (OSDI 1999 §4.2): REQUEST → PRE-PREPARE → PREPARE → COMMIT → execute → REPLY.
//!
//! - The primary of view v assigns the next sequence number n to a request, if h < n ≤ H, and
//!   multicasts ⟨PRE-PREPARE, v, n, d⟩.
//! - A backup accepts it if it is in view v (not changing view), the sender is the primary of v,
//!   n is within the watermarks, and it accepted no other digest for (v, n); it then multicasts
//!   ⟨PREPARE, v, n, d, i⟩ and counts its own.
//! - *prepared*(m, v, n, i): the PRE-PREPARE and 2f matching PREPAREs from distinct backups (the
//!   primary never prepares). The replica then multicasts ⟨COMMIT, v, n, d, i⟩ once per view.
//! - *committed-local*: prepared and 2f + 1 matching COMMITs (its own included). Alternatively,
//!   2f + 1 matching COMMITs alone are a commit certificate (see the module doc of `pbft`).
//! - Requests execute in sequence-number order; each reply goes to the client. A request that
//!   executed before (a retransmission, or one assigned twice) gets its cached reply again.

use super::{PbftReplica, RequestBody, Tally, VIEW_TIMER};

/// Signed COMMITs are never relayed, so only their signers are kept.
const KEEP_COMMITS: u32 = 0;
use crate::message::{Digest, Message, PreparedCert, NULL_DIGEST};
use crate::node::{Dest, Output};
use crate::sim::signed::Signed;

impl PbftReplica {
    pub(crate) fn on_request(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::Request {
            client,
            timestamp,
            digest,
        } = *msg.body()
        else {
            return;
        };
        // Only a client speaks for itself: a replica cannot inject requests in its name.
        if msg.signer() != client || client < self.params.nodes {
            return;
        }
        if let Some(&(_, result)) = self.executed.get(&digest) {
            self.reply(client, timestamp, result, out);
            return;
        }
        self.requests
            .entry(digest)
            .or_insert(RequestBody { client, timestamp });
        self.pending.insert(digest);
        if self.changing {
            return;
        }
        if self.is_primary() {
            self.assign(digest, out);
        } else {
            self.start_timer(out);
        }
    }

    /// Primary: give `digest` the next sequence number, or keep it until H moves.
    pub(crate) fn assign(&mut self, digest: Digest, out: &mut Vec<Output>) {
        if self.assigned.contains(&digest) || self.executed.contains_key(&digest) {
            return;
        }
        self.next_seq = self.next_seq.max(self.low + 1);
        if self.next_seq > self.high_watermark() {
            if !self.backlog.contains(&digest) {
                self.backlog.push(digest);
            }
            return;
        }
        let (view, seq) = (self.view, self.next_seq);
        self.next_seq += 1;
        self.assigned.insert(digest);
        let pp = self.multicast(Message::PrePrepare { view, seq, digest }, out);
        let slot = self.log.entry(seq).or_default();
        slot.view = view;
        slot.pre_prepare = Some(pp);
        slot.commit_sent = false;
        self.check(seq, out);
    }

    pub(crate) fn on_pre_prepare(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::PrePrepare { view, seq, .. } = *msg.body() else {
            return;
        };
        if view > self.view || (view == self.view && self.changing) {
            self.future.push(msg.clone());
            return;
        }
        if view < self.view || msg.signer() != self.primary_of(view) || !self.in_window(seq) {
            return;
        }
        if let Some(slot) = self.log.get(&seq) {
            if slot.view == view && slot.pre_prepare.is_some() {
                return; // one digest per (v, n); a conflicting one is ignored
            }
        }
        self.accept_pre_prepare(msg.clone(), out);
    }

    /// Records a PRE-PREPARE for the current view, prepares it and counts its own PREPARE.
    pub(crate) fn accept_pre_prepare(&mut self, pp: Signed, out: &mut Vec<Output>) {
        let (view, seq, digest) = (pp.body().view(), pp.body().seq(), pp.body().digest());
        let slot = self.log.entry(seq).or_default();
        slot.view = view;
        slot.pre_prepare = Some(pp);
        slot.commit_sent = false;
        if self.primary_of(view) != self.id {
            let own = self.multicast(Message::Prepare { view, seq, digest }, out);
            let keep = 2 * self.f;
            let slot = self.log.entry(seq).or_default();
            slot.prepares.add(view, digest, &own, keep);
        }
        self.check(seq, out);
    }

    pub(crate) fn on_prepare(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::Prepare { view, seq, digest } = *msg.body() else {
            return;
        };
        if view < self.view || msg.signer() == self.primary_of(view) || !self.in_window(seq) {
            return;
        }
        let keep = 2 * self.f;
        let slot = self.log.entry(seq).or_default();
        if slot.prepares.add(view, digest, msg, keep) {
            self.check(seq, out);
        }
    }

    pub(crate) fn on_commit(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::Commit { view, seq, digest } = *msg.body() else {
            return;
        };
        // Below h only for a replica that has not executed that far (see `make_stable`).
        if seq <= self.last_exec.min(self.low) || seq > self.high_watermark() {
            return;
        }
        let slot = self.log.entry(seq).or_default();
        if slot.commits.add(view, digest, msg, KEEP_COMMITS) {
            self.check(seq, out);
        }
    }

    /// Moves `seq` as far as its votes allow: prepared → COMMIT; committed-local → execute. A
    /// replica that already executed `seq` still prepares and commits it in a new view, so that
    /// replicas which had not can gather their quorums there.
    pub(crate) fn check(&mut self, seq: u64, out: &mut Vec<Output>) {
        let (quorum, prepare_quorum) = (self.quorum(), 2 * self.f);
        let Some(slot) = self.log.get_mut(&seq) else {
            return;
        };
        // A commit certificate of any view decides the slot.
        if slot.committed.is_none() {
            if let Some(&(_, d, _)) = slot
                .commits
                .0
                .iter()
                .find(|(_, _, t)| t.voters.len() >= quorum)
            {
                slot.committed = Some(d);
                self.execute(out);
            }
        }
        let Some(slot) = self.log.get(&seq) else {
            return;
        };
        let view = slot.view;
        if self.changing || view != self.view {
            return;
        }
        let Some(digest) = slot.digest() else {
            return;
        };
        if slot.prepares.count(view, digest) < prepare_quorum {
            return;
        }
        if !slot.commit_sent {
            let cert = PreparedCert {
                pre_prepare: slot.pre_prepare.clone().expect("checked above"),
                prepares: slot
                    .prepares
                    .get(view, digest)
                    .map_or_else(Vec::new, |t| t.msgs[..prepare_quorum as usize].to_vec()),
            };
            let own = self.multicast(Message::Commit { view, seq, digest }, out);
            let slot = self.log.get_mut(&seq).expect("checked above");
            slot.prepared = Some(cert);
            slot.commit_sent = true;
            slot.commits.add(view, digest, &own, KEEP_COMMITS);
        }
        let slot = self.log.get_mut(&seq).expect("checked above");
        if slot.committed.is_none() && slot.commits.count(view, digest) >= quorum {
            slot.committed = Some(digest);
            self.execute(out);
        }
    }

    /// Executes committed sequence numbers in order, replies, and checkpoints every K.
    pub(crate) fn execute(&mut self, out: &mut Vec<Output>) {
        let mut progressed = false;
        while let Some(digest) = self
            .log
            .get(&(self.last_exec + 1))
            .and_then(|s| s.committed)
        {
            let seq = self.last_exec + 1;
            self.last_exec = seq;
            self.state = Digest::of_parts(&[&self.state.0, &seq.to_le_bytes(), &digest.0]);
            out.push(Output::Commit { seq, digest });
            if digest != NULL_DIGEST && !self.executed.contains_key(&digest) {
                let result = Digest::of_parts(&[b"result", &seq.to_le_bytes(), &digest.0]);
                self.executed.insert(digest, (seq, result));
                self.pending.remove(&digest);
                if let Some(&RequestBody { client, timestamp }) = self.requests.get(&digest) {
                    self.reply(client, timestamp, result, out);
                }
                progressed = true;
            }
            if seq.is_multiple_of(self.params.checkpoint_interval) {
                self.send_checkpoint(seq, out);
            }
        }
        if progressed {
            // §4.4: stop the timer, and restart it if still waiting for another request.
            self.attempts = 0;
            if self.timer_running {
                out.push(Output::CancelTimer { id: VIEW_TIMER });
                self.timer_running = false;
            }
            if !self.changing {
                self.start_timer(out);
            }
        }
    }

    fn reply(&self, client: u32, timestamp: u64, result: Digest, out: &mut Vec<Output>) {
        out.push(Output::Send {
            to: Dest::Node(client),
            msg: Message::Reply {
                view: self.view,
                client,
                timestamp,
                result,
            },
        });
    }

    /// A backup waiting for a request runs its view-change timer, T·2^k after k failed changes.
    pub(crate) fn start_timer(&mut self, out: &mut Vec<Output>) {
        if self.timer_running || self.pending.is_empty() || self.is_primary() {
            return;
        }
        self.timer_running = true;
        out.push(Output::SetTimer {
            id: VIEW_TIMER,
            after_us: self.timeout_us(),
        });
    }

    pub(crate) fn timeout_us(&self) -> u64 {
        self.params
            .view_timeout_us
            .saturating_mul(1 << self.attempts.min(20))
    }
}

impl Tally {
    pub(crate) fn len(&self) -> u32 {
        self.voters.len()
    }
}
