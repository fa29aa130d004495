//! The asyncio tutorial's simplified PBFT, modelled faithfully (`../shared/seeds/`).
//!
//! This is the normal-case three-phase agreement of Castro & Liskov (OSDI 1999 §4.2) as the
//! tutorial's `Node` class codes it, quirks included, so that its statistics can be reproduced:
//!
//! - The primary is node 0 in view 0 forever: there is no view change, so a Byzantine primary
//!   stops the protocol even when m ≤ f.
//! - `broadcast` sends to every node *including the sender*, each copy through the network; a
//!   node's own PREPARE and COMMIT count only once they come back to it.
//! - On a PRE-PREPARE for a sequence number it has not seen, a node records the digest and
//!   broadcasts PREPARE (the primary too, as it receives its own PRE-PREPARE). The sender of a
//!   PRE-PREPARE is not checked.
//! - PREPARE and COMMIT votes are counted per (seq, digest) by distinct sender, even before the
//!   PRE-PREPARE arrives; a vote only acts once the node's own PRE-PREPARE digest matches.
//! - Quorum is 2f + 1 for both phases, f = floor((n − 1)/3).
//! - Quirk kept on purpose: *every* matching PREPARE counted at or above quorum broadcasts COMMIT
//!   again (the tutorial has no "already sent" flag), so an honest node sends up to n − 2f COMMIT
//!   broadcasts.
//! - A node commits once, on the first matching COMMIT that reaches quorum.
//!
//! Byzantine behaviour is not here: the `adversary` module wraps these handlers.

use crate::message::{Digest, Message, NodeId};
use crate::node::{Dest, Input, NodeSnapshot, Output, Replica, SlotSnapshot, SlotStatus, Votes};
use crate::voters::VoterSet;
use std::collections::BTreeMap;

/// The tutorial's only view.
pub const VIEW: u64 = 0;
/// The tutorial's fixed primary.
pub const PRIMARY: NodeId = 0;

/// One node of the tutorial's protocol.
#[derive(Clone, Debug)]
pub struct TutorialNode {
    id: NodeId,
    f: u32,
    preprepare_seen: BTreeMap<u64, Digest>,
    prepare_votes: BTreeMap<(u64, Digest), VoterSet>,
    commit_votes: BTreeMap<(u64, Digest), VoterSet>,
    committed: BTreeMap<u64, Digest>,
}

impl TutorialNode {
    /// Node `id` of a cluster of `nodes`.
    pub fn new(id: NodeId, nodes: u32) -> TutorialNode {
        TutorialNode {
            id,
            f: nodes.saturating_sub(1) / 3,
            preprepare_seen: BTreeMap::new(),
            prepare_votes: BTreeMap::new(),
            commit_votes: BTreeMap::new(),
            committed: BTreeMap::new(),
        }
    }

    fn quorum(&self) -> u32 {
        2 * self.f + 1
    }

    /// The digest this node committed at `seq`, if any.
    pub fn committed(&self, seq: u64) -> Option<Digest> {
        self.committed.get(&seq).copied()
    }

    fn propose(&mut self, seq: u64, payload: &[u8], out: &mut Vec<Output>) {
        // The tutorial raises ValueError when a non-primary proposes; the engine never asks.
        debug_assert_eq!(self.id, PRIMARY, "only the primary proposes");
        let digest = Digest::of(payload);
        out.push(Output::Send {
            to: Dest::All,
            msg: Message::PrePrepare {
                view: VIEW,
                seq,
                digest,
            },
        });
    }

    fn on_preprepare(&mut self, view: u64, seq: u64, digest: Digest, out: &mut Vec<Output>) {
        if self.preprepare_seen.contains_key(&seq) {
            return;
        }
        self.preprepare_seen.insert(seq, digest);
        out.push(Output::Send {
            to: Dest::All,
            msg: Message::Prepare { view, seq, digest },
        });
    }

    fn on_prepare(
        &mut self,
        from: NodeId,
        view: u64,
        seq: u64,
        digest: Digest,
        out: &mut Vec<Output>,
    ) {
        let voters = self.prepare_votes.entry((seq, digest)).or_default();
        voters.insert(from);
        let count = voters.len();
        if self.preprepare_seen.get(&seq) != Some(&digest) {
            return;
        }
        if count >= self.quorum() {
            out.push(Output::Send {
                to: Dest::All,
                msg: Message::Commit { view, seq, digest },
            });
        }
    }

    fn on_commit(&mut self, from: NodeId, seq: u64, digest: Digest, out: &mut Vec<Output>) {
        let voters = self.commit_votes.entry((seq, digest)).or_default();
        voters.insert(from);
        let count = voters.len();
        if self.preprepare_seen.get(&seq) != Some(&digest) || self.committed.contains_key(&seq) {
            return;
        }
        if count >= self.quorum() {
            self.committed.insert(seq, digest);
            out.push(Output::Commit { seq, digest });
        }
    }

    fn slot(&self, seq: u64) -> SlotSnapshot {
        let votes = |map: &BTreeMap<(u64, Digest), VoterSet>| {
            map.range((seq, Digest([0; 32]))..=(seq, Digest([0xff; 32])))
                .map(|(&(_, digest), v)| Votes {
                    digest,
                    voters: v.to_vec(),
                })
                .collect::<Vec<_>>()
        };
        let pre_prepare = self.preprepare_seen.get(&seq).copied();
        let prepares = votes(&self.prepare_votes);
        let commits = votes(&self.commit_votes);
        let committed = self.committed(seq);
        let matching = |vs: &[Votes]| {
            vs.iter()
                .find(|v| Some(v.digest) == pre_prepare)
                .map_or(0, |v| v.voters.len() as u32)
        };
        let status = if committed.is_some() {
            SlotStatus::Committed
        } else if pre_prepare.is_some() && matching(&prepares) >= self.quorum() {
            SlotStatus::Prepared
        } else if pre_prepare.is_some() {
            SlotStatus::PrePrepared
        } else {
            SlotStatus::Idle
        };
        SlotSnapshot {
            seq,
            status,
            pre_prepare,
            prepares,
            commits,
            committed,
        }
    }
}

impl Replica for TutorialNode {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            Input::Propose { seq, payload } => self.propose(seq, payload, out),
            Input::Deliver { from, msg } => match *msg {
                Message::PrePrepare { view, seq, digest } => {
                    self.on_preprepare(view, seq, digest, out)
                }
                Message::Prepare { view, seq, digest } => {
                    self.on_prepare(from, view, seq, digest, out)
                }
                Message::Commit { seq, digest, .. } => self.on_commit(from, seq, digest, out),
            },
            // The tutorial sets no timers; the run's timeout belongs to the driver.
            Input::Timer { .. } => {}
        }
    }

    fn snapshot(&self) -> NodeSnapshot {
        let mut seqs: Vec<u64> = self.preprepare_seen.keys().copied().collect();
        seqs.extend(self.prepare_votes.keys().map(|k| k.0));
        seqs.extend(self.commit_votes.keys().map(|k| k.0));
        seqs.sort_unstable();
        seqs.dedup();
        NodeSnapshot {
            view: VIEW,
            primary: PRIMARY,
            quorum: self.quorum(),
            slots: seqs.into_iter().map(|s| self.slot(s)).collect(),
        }
    }
}
