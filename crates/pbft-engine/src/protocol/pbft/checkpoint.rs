//! Checkpoints, garbage collection and watermarks (OSDI 1999 §4.3).
//!
//! After executing a sequence number that is a multiple of K (`checkpoint-interval`) a replica
//! multicasts ⟨CHECKPOINT, n, d, i⟩ with d the digest of its state. 2f + 1 matching CHECKPOINTs
//! from distinct replicas prove the checkpoint; it becomes *stable*, its proof is kept (a
//! VIEW-CHANGE carries it), and every log entry and CHECKPOINT at or below n is discarded. The
//! low watermark h is the last stable checkpoint and the high watermark H = h + 2K: the primary
//! assigns, and backups accept, only sequence numbers in (h, H], so a faulty primary cannot
//! exhaust the sequence space and the log stays bounded.

use super::{PbftReplica, Tally};
use crate::message::{Digest, Message};
use crate::node::Output;
use crate::sim::signed::Signed;

impl PbftReplica {
    pub(crate) fn send_checkpoint(&mut self, seq: u64, out: &mut Vec<Output>) {
        let own = self.multicast(
            Message::Checkpoint {
                seq,
                state: self.state,
            },
            out,
        );
        self.on_checkpoint(&own, out);
    }

    pub(crate) fn on_checkpoint(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        let Message::Checkpoint { seq, state } = *msg.body() else {
            return;
        };
        if seq <= self.low || msg.signer() >= self.params.nodes {
            return;
        }
        let quorum = self.quorum();
        let tally = self.checkpoints.entry((seq, state)).or_default();
        if tally.add(msg, quorum) && tally.len() >= quorum {
            let proof = tally.msgs.clone();
            self.make_stable(seq, proof, out);
        }
    }

    /// Checkpoint `seq` is stable, proven by `proof`.
    pub(crate) fn make_stable(&mut self, seq: u64, proof: Vec<Signed>, out: &mut Vec<Output>) {
        if seq <= self.low {
            return;
        }
        self.low = seq;
        self.stable_proof = proof;
        // A replica behind the checkpoint keeps the slots it has not executed: the COMMITs
        // still on their way complete them (state transfer is not modelled).
        let keep_above = seq.min(self.last_exec);
        self.log.retain(|&n, _| n > keep_above);
        self.checkpoints.retain(|&(n, _), _| n > seq);
        // The window moved: the primary assigns what waited for it.
        if self.is_primary() && !self.changing {
            for digest in std::mem::take(&mut self.backlog) {
                self.assign(digest, out);
            }
        }
        self.execute(out);
    }
}

/// Whether `proof` holds 2f + 1 CHECKPOINTs for (`seq`, one state) from distinct replicas;
/// returns that state. Sequence number 0, the initial state, needs no proof.
pub(crate) fn checkpoint_proven(
    proof: &[Signed],
    seq: u64,
    nodes: u32,
    quorum: u32,
) -> Option<Option<Digest>> {
    if seq == 0 {
        return Some(None);
    }
    let mut tally = Tally::default();
    let mut state = None;
    for m in proof {
        match *m.body() {
            Message::Checkpoint { seq: s, state: d }
                if s == seq && m.signer() < nodes && state.is_none_or(|x| x == d) =>
            {
                state = Some(d);
                tally.add(m, 0);
            }
            _ => return None,
        }
    }
    (tally.len() >= quorum).then_some(state)
}
