//! Checkpoints, garbage collection and watermarks (OSDI 1999 §4.3), and state transfer (TOCS
//! 2002 §5.3).
//!
//! - After executing a sequence number that is a multiple of K (`checkpoint-interval`) a replica
//!   multicasts ⟨CHECKPOINT, n, d, i⟩, d the digest of its state ([`Snapshot::digest`]: the hash
//!   chain of everything executed and the per-client table that makes execution exactly-once).
//! - 2f + 1 matching CHECKPOINTs prove the checkpoint: it becomes *stable*, its proof is kept (a
//!   VIEW-CHANGE carries it) and every log entry and CHECKPOINT at or below n is discarded. The
//!   low watermark h is the last stable checkpoint and H = h + 2K: the primary assigns, and
//!   backups accept, only sequence numbers in (h, H].
//! - **State transfer**: a replica that learns of a checkpoint beyond what it executed (a stable
//!   one, or f + 1 matching CHECKPOINTs: at least one honest replica reached that state) sends
//!   ⟨FETCH, n⟩ to a replica that vouched for it, checks the ⟨STATE, n, s⟩ it gets against the
//!   proven digest and adopts it, then executes the requests after n as usual. It fetches from
//!   its retransmission timer ([`super::timers`]), so a replica only briefly behind catches up by
//!   executing and a fault-free run sends no FETCH.

use super::log::Tally;
use super::PbftReplica;
use crate::message::{Digest, Message, NodeId, Snapshot};
use crate::node::Output;
use crate::sim::signed::Signed;
use std::sync::Arc;

impl PbftReplica {
    /// After executing a multiple of K: keeps the state and multicasts CHECKPOINT.
    pub(crate) fn take_checkpoint(&mut self, out: &mut Vec<Output>) {
        let snapshot = Arc::new(self.current_snapshot());
        let (seq, state) = (snapshot.seq, snapshot.digest());
        self.snapshots.retain(|s| s.seq != seq);
        self.snapshots.push(snapshot);
        if seq > self.low {
            let own = self.multicast(Message::Checkpoint { seq, state }, out);
            self.count_checkpoint(&own, seq, state, out);
        }
    }

    pub(crate) fn on_checkpoint(
        &mut self,
        msg: &Signed,
        seq: u64,
        state: Digest,
        out: &mut Vec<Output>,
    ) {
        if msg.signer() < self.params.nodes {
            self.count_checkpoint(msg, seq, state, out);
        }
    }

    fn count_checkpoint(&mut self, msg: &Signed, seq: u64, state: Digest, out: &mut Vec<Output>) {
        if seq <= self.low {
            return;
        }
        let quorum = self.quorum();
        let tally = self.checkpoints.entry((seq, state)).or_default();
        // Only the periodic checkpoints become stable; a CHECKPOINT of another sequence number
        // (sent to a replica that is behind, see `status`) only vouches for a state to fetch.
        let periodic = seq.is_multiple_of(self.params.checkpoint_interval);
        if tally.add(msg, quorum) && tally.len() >= quorum && periodic {
            let proof = tally.msgs().to_vec();
            self.make_stable(seq, proof, out);
        }
    }

    /// Checkpoint `seq` is stable, proven by `proof`: h moves and the log is collected. A
    /// replica that has not executed that far keeps the slots it has not executed, which may
    /// still complete; if they do not, it fetches the state.
    pub(crate) fn make_stable(&mut self, seq: u64, proof: Vec<Signed>, out: &mut Vec<Output>) {
        if seq <= self.low {
            return;
        }
        self.low = seq;
        self.stable_proof = proof;
        let keep_above = seq.min(self.last_exec);
        self.log.retain(|&n, _| n > keep_above);
        self.checkpoints.retain(|&(n, _), _| n > seq);
        self.snapshots.retain(|s| s.seq >= seq);
        self.book.collect_garbage();
        // The window moved: the primary assigns what waited for it.
        self.assign_pending(out);
    }

    /// The digest of the last stable checkpoint (none for the initial state).
    pub(crate) fn stable_digest(&self) -> Option<Digest> {
        self.stable_proof.first().and_then(|m| m.body().digest())
    }

    /// Whether a checkpoint beyond the last execution is known (see [`Self::fetch_target`]).
    pub(crate) fn behind_checkpoint(&self) -> bool {
        self.low > self.last_exec
            || self
                .checkpoints
                .iter()
                .any(|(&(seq, _), t)| seq > self.last_exec && t.len() > self.f)
    }

    /// The highest checkpoint above the last execution that this replica can prove (stable, or
    /// f + 1 matching CHECKPOINTs), and who vouched for it.
    pub(crate) fn fetch_target(&self) -> Option<(u64, Vec<NodeId>)> {
        let mut best = (self.low > self.last_exec).then(|| {
            let signers = self.stable_proof.iter().map(Signed::signer).collect();
            (self.low, signers)
        });
        for (&(seq, _), tally) in &self.checkpoints {
            let higher = best.as_ref().is_none_or(|&(b, _)| seq > b);
            if seq > self.last_exec && higher && tally.len() > self.f {
                best = Some((seq, tally.voters().to_vec()));
            }
        }
        best
    }

    /// Sends FETCH for the best provable checkpoint to one of its signers, a different one on
    /// each retry.
    pub(crate) fn fetch_state(&mut self, out: &mut Vec<Output>) {
        let Some((seq, signers)) = self.fetch_target() else {
            return;
        };
        let others: Vec<NodeId> = signers.into_iter().filter(|&s| s != self.id).collect();
        if others.is_empty() {
            return;
        }
        let to = others[self.timers.fetch_round as usize % others.len()];
        self.timers.fetch_round = self.timers.fetch_round.wrapping_add(1);
        self.send_to(to, Message::Fetch { seq }, out);
    }

    /// A FETCH: the state at `seq`, if this replica has it (its current state or one of its
    /// checkpoints).
    pub(crate) fn on_fetch(&mut self, from: NodeId, seq: u64, out: &mut Vec<Output>) {
        if from >= self.params.nodes || from == self.id {
            return;
        }
        let snapshot = match self.snapshot_at(seq) {
            Some(s) => s.clone(),
            None if seq == self.last_exec && seq > 0 => Arc::new(self.current_snapshot()),
            None => return,
        };
        self.send_to(from, Message::State { seq, snapshot }, out);
    }

    /// A STATE: adopted if it is ahead and its digest is the proven one.
    pub(crate) fn on_state(&mut self, seq: u64, snapshot: &Arc<Snapshot>, out: &mut Vec<Output>) {
        if seq <= self.last_exec || snapshot.seq != seq {
            return;
        }
        let digest = snapshot.digest();
        let stable = seq == self.low && self.stable_digest() == Some(digest);
        let vouched = self
            .checkpoints
            .get(&(seq, digest))
            .is_some_and(|t: &Tally| t.len() > self.f);
        if stable || vouched {
            self.adopt_state(snapshot.clone(), out);
        }
    }

    /// Takes `snapshot` as this replica's state: everything up to its sequence number executed.
    fn adopt_state(&mut self, snapshot: Arc<Snapshot>, out: &mut Vec<Output>) {
        let seq = snapshot.seq;
        self.last_exec = seq;
        self.chain = snapshot.chain;
        self.book.restore(&snapshot.clients);
        self.log.retain(|&n, _| n > seq);
        out.push(Output::AdoptState {
            snapshot: snapshot.clone(),
        });
        self.made_progress();
        if seq.is_multiple_of(self.params.checkpoint_interval) {
            self.take_checkpoint(out);
        }
        self.execute(out);
    }
}
