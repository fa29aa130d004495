//! The normal case (OSDI 1999 §4.1–4.2): REQUEST → PRE-PREPARE → PREPARE → COMMIT → execute →
//! REPLY.
//!
//! - A client sends ⟨REQUEST, o, t, c⟩ to the primary it believes in; on retransmission to all.
//!   A backup that gets a request relays it to the primary and starts its timer (§4.4).
//! - The primary of view v assigns the next sequence number n to a request, if h < n ≤ H, and
//!   multicasts ⟨PRE-PREPARE, v, n, d⟩ with the client's signed request piggybacked.
//! - A backup accepts it if it is in view v (not changing view), the signer is the primary of v,
//!   n is within the watermarks, it accepted no other digest for (v, n), and the request is one
//!   a client signed with digest d (validity: the null request only comes in a NEW-VIEW). It
//!   then multicasts ⟨PREPARE, v, n, d, i⟩.
//! - Once *prepared* it multicasts ⟨COMMIT, v, n, d, i⟩; once *committed-local* (or holding a
//!   commit certificate) the request executes, in sequence-number order ([`super::log`]).
//! - Execution is exactly-once by (client, timestamp): a request at or below the client's last
//!   executed timestamp is a no-op, and a retransmitted request gets the cached reply.

use super::log::Slot;
use super::PbftReplica;
use crate::message::{ClientRecord, Digest, Message, RequestId, NULL_DIGEST};
use crate::node::{Dest, Output};
use crate::sim::signed::Signed;
use std::sync::Arc;

/// Signed COMMITs are never relayed as proof, so only their signers are kept.
const KEEP_COMMITS: u32 = 0;

impl PbftReplica {
    pub(crate) fn on_request(
        &mut self,
        msg: &Signed,
        id: RequestId,
        digest: Digest,
        out: &mut Vec<Output>,
    ) {
        // Only a client speaks for itself: a replica cannot inject requests in its name.
        if !self.client_signed(msg, digest) {
            return;
        }
        if let Some(record) = self.book.record(id.client) {
            if record.timestamp == id.timestamp {
                self.reply(record, out);
            }
            if record.timestamp >= id.timestamp {
                return;
            }
        }
        self.learn_request(msg);
        self.execute(out);
        if self.changing {
            return;
        }
        if self.is_primary() {
            self.assign(id, digest, out);
        } else if !self
            .log
            .values()
            .any(|s| s.pre_prepared_in(self.view) == Some(digest))
        {
            // Not pre-prepared here yet: the primary may never have seen it.
            out.push(Output::Relay {
                to: Dest::Node(self.primary_of(self.view)),
                msg: msg.clone(),
            });
        }
    }

    /// Remembers a client-signed request (checked by the caller) and, unless it executed
    /// already, waits for it.
    pub(crate) fn learn_request(&mut self, request: &Signed) {
        self.book.learn(request);
    }

    /// Primary: gives the request the next sequence number, unless it has one in this view,
    /// executed already, or H is reached (it is assigned when the window moves).
    pub(crate) fn assign(&mut self, id: RequestId, digest: Digest, out: &mut Vec<Output>) {
        let Some(request) = self.book.get(digest).cloned() else {
            return;
        };
        if self.assigned.contains(&id) || !self.book.is_pending(id) {
            return;
        }
        self.next_seq = self.next_seq.max(self.low + 1);
        if self.next_seq > self.high_watermark() {
            return;
        }
        let (view, seq) = (self.view, self.next_seq);
        self.next_seq += 1;
        self.assigned.push(id);
        let msg = Message::PrePrepare {
            view,
            seq,
            digest,
            request: Some(request),
        };
        let pp = self.multicast(msg, out);
        self.record_pre_prepare(seq, view, pp);
        self.check(seq, out);
    }

    /// Primary: assigns every waiting request it can (after a new view or when H moves).
    pub(crate) fn assign_pending(&mut self, out: &mut Vec<Output>) {
        if !self.is_primary() || self.changing {
            return;
        }
        let waiting = self.book.pending().to_vec();
        for (id, digest) in waiting {
            self.assign(id, digest, out);
        }
    }

    pub(crate) fn on_pre_prepare(
        &mut self,
        msg: &Signed,
        view: u64,
        seq: u64,
        digest: Digest,
        request: Option<&Arc<Signed>>,
        out: &mut Vec<Output>,
    ) {
        if msg.signer() != self.primary_of(view) {
            return;
        }
        let request = request.filter(|r| self.client_signed(r, digest));
        // Valid PRE-PREPAREs of any view teach the request (a replica that executes through a
        // commit certificate needs its body).
        if let Some(r) = request {
            self.learn_request(r);
            self.execute(out);
        }
        if view > self.view || (view == self.view && self.changing) {
            self.future.push(msg.clone());
            return;
        }
        let taken = self
            .log
            .get(&seq)
            .is_some_and(|s| s.pre_prepared_in(view).is_some());
        if view < self.view || !self.in_window(seq) || request.is_none() || taken {
            return;
        }
        self.accept_pre_prepare(msg.clone(), out);
    }

    /// Records a PRE-PREPARE of the current view (checked by the caller, or from a NEW-VIEW's
    /// O), prepares it and counts its own PREPARE.
    pub(crate) fn accept_pre_prepare(&mut self, pp: Signed, out: &mut Vec<Output>) {
        let Some((view, seq, digest)) = super::log::pre_prepare_fields(pp.body()) else {
            return;
        };
        if let Message::PrePrepare {
            request: Some(r), ..
        } = pp.body()
        {
            self.learn_request(r);
        }
        self.record_pre_prepare(seq, view, pp);
        if self.primary_of(view) != self.id {
            let own = self.multicast(Message::Prepare { view, seq, digest }, out);
            let keep = self.quorum() - 1;
            let slot = self.log.entry(seq).or_default();
            slot.prepares.add(view, digest, &own, keep);
        }
        self.check(seq, out);
    }

    fn record_pre_prepare(&mut self, seq: u64, view: u64, pp: Signed) {
        let slot = self.log.entry(seq).or_default();
        slot.view = view;
        slot.pre_prepare = Some(pp);
    }

    pub(crate) fn on_prepare(
        &mut self,
        msg: &Signed,
        view: u64,
        seq: u64,
        digest: Digest,
        out: &mut Vec<Output>,
    ) {
        if view < self.view || msg.signer() == self.primary_of(view) || !self.in_window(seq) {
            return;
        }
        let keep = self.quorum() - 1;
        let slot = self.log.entry(seq).or_default();
        if slot.prepares.add(view, digest, msg, keep) {
            self.check(seq, out);
        }
    }

    pub(crate) fn on_commit(
        &mut self,
        msg: &Signed,
        view: u64,
        seq: u64,
        digest: Digest,
        out: &mut Vec<Output>,
    ) {
        // Below h only for a replica that has not executed that far (see `make_stable`).
        if seq <= self.last_exec || seq > self.high_watermark() {
            return;
        }
        let slot = self.log.entry(seq).or_default();
        if slot.commits.add(view, digest, msg, KEEP_COMMITS) {
            self.check(seq, out);
        }
    }

    /// Moves `seq` as far as its votes allow: prepared → COMMIT; committed-local or a commit
    /// certificate → execute. A replica that executed `seq` already still prepares and commits
    /// it in a new view, so that the others can gather their quorums there.
    pub(crate) fn check(&mut self, seq: u64, out: &mut Vec<Output>) {
        let (q, view) = (self.quorum(), self.view);
        let Some(slot) = self.log.get_mut(&seq) else {
            return;
        };
        let mut decided = false;
        if slot.committed.is_none() {
            if let Some(d) = slot.commit_certificate(q) {
                slot.committed = Some(d);
                slot.by_certificate = slot.prepared(view, q) != Some(d);
                decided = true;
            }
        }
        if !self.changing && slot.view == view {
            if let Some(digest) = slot.prepared(view, q) {
                if !slot.commit_sent_in(view) {
                    self.send_commit(seq, view, digest, out);
                }
            }
        }
        let slot = self.log.get_mut(&seq).expect("present above");
        if slot.committed.is_none() && !self.changing {
            if let Some(d) = slot.committed_local(view, q) {
                slot.committed = Some(d);
                decided = true;
            }
        }
        if decided {
            self.execute(out);
        }
    }

    fn send_commit(&mut self, seq: u64, view: u64, digest: Digest, out: &mut Vec<Output>) {
        let cert = self
            .log
            .get(&seq)
            .and_then(|s| s.certificate(view, self.quorum()));
        let own = self.multicast(Message::Commit { view, seq, digest }, out);
        let slot = self.log.get_mut(&seq).expect("checked by the caller");
        slot.prepared = cert;
        slot.commits_sent.push((view, digest));
        slot.commits.add(view, digest, &own, KEEP_COMMITS);
    }

    /// Executes committed sequence numbers in order, replies, and checkpoints every K. A
    /// committed request whose body this replica has not seen waits for it (a STATUS brings the
    /// PRE-PREPARE that carries it).
    pub(crate) fn execute(&mut self, out: &mut Vec<Output>) {
        while let Some(digest) = self.next_committed() {
            let seq = self.last_exec + 1;
            let request = match digest {
                NULL_DIGEST => None,
                d => match self.book.get(d) {
                    Some(r) => Some(r.clone()),
                    None => break,
                },
            };
            self.last_exec = seq;
            self.chain = Digest::of_parts(&[&self.chain.0, &seq.to_le_bytes(), &digest.0]);
            let executed = request.and_then(|r| self.apply(seq, digest, &r));
            out.push(Output::Execute {
                seq,
                digest,
                request: executed,
            });
            if let Some(record) = executed.and_then(|id| self.book.record(id.client)) {
                self.reply(record, out);
                self.made_progress();
            }
            if seq.is_multiple_of(self.params.checkpoint_interval) {
                self.take_checkpoint(out);
            }
        }
    }

    fn next_committed(&self) -> Option<Digest> {
        self.log
            .get(&(self.last_exec + 1))
            .and_then(|s: &Slot| s.committed)
    }

    /// Runs `request` at `seq` unless its client's table says it ran already; returns its id
    /// when it ran.
    fn apply(&mut self, seq: u64, digest: Digest, request: &Signed) -> Option<RequestId> {
        let Message::Request {
            client, timestamp, ..
        } = *request.body()
        else {
            return None;
        };
        let id = RequestId { client, timestamp };
        if self.book.executed(id) {
            return None;
        }
        let result = Digest::of_parts(&[b"result", &seq.to_le_bytes(), &digest.0]);
        self.book.executed_now(ClientRecord {
            client,
            timestamp,
            result,
        });
        let book = &self.book;
        self.assigned.retain(|&a| !book.executed(a));
        Some(id)
    }

    pub(crate) fn reply(&self, record: ClientRecord, out: &mut Vec<Output>) {
        out.push(Output::Send {
            to: Dest::Node(record.client),
            msg: Message::Reply {
                view: self.view,
                client: record.client,
                timestamp: record.timestamp,
                result: record.result,
            },
        });
    }
}
