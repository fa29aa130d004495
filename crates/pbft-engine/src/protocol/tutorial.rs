//! The simplified PBFT of the tutorial "A Coding Implementation to Simulate Practical Byzantine
//! Fault Tolerance with Asyncio, Malicious Nodes, and Latency Analysis", modelled faithfully.
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

/// Votes for one digest at one sequence number.
#[derive(Clone, Debug)]
struct Tally {
    digest: Digest,
    voters: VoterSet,
}

/// Everything a node knows about one sequence number. Kept per slot, with the few digests seen
/// in a small list, because a run allocates and frees these thousands of times per second.
#[derive(Clone, Debug, Default)]
struct Slot {
    preprepare_seen: Option<Digest>,
    prepare_votes: Vec<Tally>,
    commit_votes: Vec<Tally>,
    committed: Option<Digest>,
}

/// Adds `from` to the voters of `digest` and returns how many distinct nodes voted for it.
fn vote(tallies: &mut Vec<Tally>, digest: Digest, from: NodeId) -> u32 {
    let i = match tallies.iter().position(|t| t.digest == digest) {
        Some(i) => i,
        None => {
            tallies.push(Tally {
                digest,
                voters: VoterSet::new(),
            });
            tallies.len() - 1
        }
    };
    tallies[i].voters.insert(from);
    tallies[i].voters.len()
}

/// One node of the tutorial's protocol.
#[derive(Clone, Debug)]
pub struct TutorialNode {
    id: NodeId,
    f: u32,
    slots: BTreeMap<u64, Slot>,
}

impl TutorialNode {
    /// Node `id` of a cluster of `nodes`.
    pub fn new(id: NodeId, nodes: u32) -> TutorialNode {
        TutorialNode {
            id,
            f: nodes.saturating_sub(1) / 3,
            slots: BTreeMap::new(),
        }
    }

    fn quorum(&self) -> u32 {
        2 * self.f + 1
    }

    /// The digest this node committed at `seq`, if any.
    pub fn committed(&self, seq: u64) -> Option<Digest> {
        self.slots.get(&seq).and_then(|s| s.committed)
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
                request: None,
            },
        });
    }

    fn on_preprepare(&mut self, view: u64, seq: u64, digest: Digest, out: &mut Vec<Output>) {
        let slot = self.slots.entry(seq).or_default();
        if slot.preprepare_seen.is_some() {
            return;
        }
        slot.preprepare_seen = Some(digest);
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
        let quorum = self.quorum();
        let slot = self.slots.entry(seq).or_default();
        let count = vote(&mut slot.prepare_votes, digest, from);
        if slot.preprepare_seen != Some(digest) {
            return;
        }
        if count >= quorum {
            out.push(Output::Send {
                to: Dest::All,
                msg: Message::Commit { view, seq, digest },
            });
        }
    }

    fn on_commit(&mut self, from: NodeId, seq: u64, digest: Digest, out: &mut Vec<Output>) {
        let quorum = self.quorum();
        let slot = self.slots.entry(seq).or_default();
        let count = vote(&mut slot.commit_votes, digest, from);
        if slot.preprepare_seen != Some(digest) || slot.committed.is_some() {
            return;
        }
        if count >= quorum {
            slot.committed = Some(digest);
            out.push(Output::Execute {
                seq,
                digest,
                request: None,
            });
        }
    }

    fn slot_snapshot(&self, seq: u64, slot: &Slot) -> SlotSnapshot {
        let votes = |tallies: &[Tally]| {
            let mut v: Vec<Votes> = tallies
                .iter()
                .map(|t| Votes {
                    digest: t.digest,
                    voters: t.voters.to_vec(),
                })
                .collect();
            Votes::sort_by_digest(&mut v);
            v
        };
        let pre_prepare = slot.preprepare_seen;
        let prepared = slot
            .prepare_votes
            .iter()
            .any(|t| Some(t.digest) == pre_prepare && t.voters.len() >= self.quorum());
        let status = if slot.committed.is_some() {
            SlotStatus::Committed
        } else if prepared {
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
            prepares: votes(&slot.prepare_votes),
            commits: votes(&slot.commit_votes),
            committed: slot.committed,
            ..SlotSnapshot::default()
        }
    }
}

impl Replica for TutorialNode {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            Input::Propose { seq, payload } => self.propose(seq, payload, out),
            Input::Deliver { from, msg } => match *msg {
                Message::PrePrepare {
                    view, seq, digest, ..
                } => self.on_preprepare(view, seq, digest, out),
                Message::Prepare { view, seq, digest } => {
                    self.on_prepare(from, view, seq, digest, out)
                }
                Message::Commit { seq, digest, .. } => self.on_commit(from, seq, digest, out),
                // PBFT's other messages never reach a tutorial node.
                _ => {}
            },
            // The tutorial sets no timers; the run's timeout belongs to the driver.
            Input::Timer { .. } => {}
        }
    }

    fn snapshot(&self) -> NodeSnapshot {
        // Sequence numbers commit independently here; "executed" means every one up to it.
        let last_executed = (1..)
            .take_while(|seq| self.committed(*seq).is_some())
            .last()
            .unwrap_or(0);
        NodeSnapshot {
            view: VIEW,
            primary: PRIMARY,
            quorum: self.quorum(),
            // The tutorial prepares on 2f + 1 matching PREPAREs, its own echo included.
            prepare_quorum: self.quorum(),
            slots: self
                .slots
                .iter()
                .map(|(&seq, slot)| self.slot_snapshot(seq, slot))
                .collect(),
            last_executed,
            ..NodeSnapshot::default()
        }
    }
}
