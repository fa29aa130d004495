//! The sans-IO interface between a node's protocol logic and the engine.
//!
//! A node is a state machine: the engine hands it one [`Input`] at a time and it appends
//! [`Output`]s. It owns no clock, no RNG and no sockets, so the same handlers run in the
//! simulator, in tests that assert their exact outputs, and in the browser.

use crate::message::{Digest, Message, NodeId, RequestId, Snapshot};
use crate::sim::signed::Signed;
use std::sync::Arc;

/// Identifies a timer within one node; setting a timer with the same id replaces it.
pub type TimerId = u64;

/// What happens to a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Input<'a> {
    /// The driver asks the primary to propose `payload` for sequence number `seq` (the tutorial's
    /// `await nodes[primary].propose(...)`, called outside the node's message loop).
    Propose { seq: u64, payload: &'a [u8] },
    /// A message arrived; `from` is its authenticated sender.
    Deliver { from: NodeId, msg: &'a Message },
    /// A timer set earlier fired.
    Timer { id: TimerId },
}

/// Where a send goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dest {
    /// One node (possibly the sender itself, through the network).
    Node(NodeId),
    /// Every node including the sender, each copy through the network (the tutorial's broadcast).
    All,
    /// Every node except the sender.
    Others,
}

/// What a node asks the engine to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Send `msg` to `to`; every copy is an independent network transmission.
    Send { to: Dest, msg: Message },
    /// Forward `msg` unchanged, signed by whoever signed it: with signatures any replica can pass
    /// on what it holds (PBFT: a client's REQUEST to the primary, the primary's PRE-PREPARE or
    /// NEW-VIEW to a replica that missed it). The trace shows the forwarder as the sender.
    Relay { to: Dest, msg: Signed },
    /// Send these one after the other, each leaving when the previous one has been delivered or
    /// dropped (a loop of `await send(...)`).
    SendInTurn(Vec<(NodeId, Message)>),
    /// Fire `Input::Timer { id }` after `after_us` of virtual time, replacing a pending timer `id`.
    SetTimer { id: TimerId, after_us: u64 },
    /// Forget timer `id` if it is pending.
    CancelTimer { id: TimerId },
    /// The node executed `digest` at sequence number `seq`. PBFT: in sequence-number order,
    /// once committed-local (or proven by a commit certificate); `request` names the client
    /// request it executed for the first time (`None` for the null request and for a request
    /// executed before). Tutorial: the node's commit, the last step of its protocol (`request`
    /// is `None`). Traces call it `commit` for both.
    Execute {
        seq: u64,
        digest: Digest,
        request: Option<RequestId>,
    },
    /// PBFT: the replica adopted a checkpoint's state fetched from another replica (state
    /// transfer, TOCS 2002 §5.3): it has now executed everything up to `snapshot.seq`.
    AdoptState { snapshot: Arc<Snapshot> },
    /// PBFT: the replica stopped accepting messages of its view and asks for `view` (§4.4).
    StartViewChange { view: u64 },
    /// PBFT: the replica entered `view` (a valid NEW-VIEW, or its own as the new primary).
    EnterView { view: u64 },
    /// PBFT client: f + 1 replicas replied `result` to request `timestamp`; it is accepted.
    Accept { timestamp: u64, result: Digest },
}

/// A node's protocol logic.
pub trait Replica {
    /// Handles one input, appending what the node does to `out`.
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>);
    /// Handles a delivered message, signed by the engine in its true sender's name. Protocols
    /// that keep messages as proof (PBFT's certificates) override this; the default forgets the
    /// signature and calls [`Replica::handle`].
    fn deliver(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        self.handle(
            Input::Deliver {
                from: msg.signer(),
                msg: msg.body(),
            },
            out,
        );
    }
    /// What the node knows, for the browser's inspector.
    fn snapshot(&self) -> NodeSnapshot;
}

/// How far a node got with one sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SlotStatus {
    Idle,
    PrePrepared,
    Prepared,
    Committed,
}

impl SlotStatus {
    pub fn name(self) -> &'static str {
        match self {
            SlotStatus::Idle => "idle",
            SlotStatus::PrePrepared => "pre-prepared",
            SlotStatus::Prepared => "prepared",
            SlotStatus::Committed => "committed",
        }
    }
}

/// Votes received for one digest: who voted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Votes {
    pub digest: Digest,
    pub voters: Vec<NodeId>,
}

impl Votes {
    /// Sorts a snapshot's vote lists by digest, stably.
    pub fn sort_by_digest(list: &mut [Votes]) {
        crate::wasm_size::sort_by_key(list, |v| v.digest);
    }
}

/// A node's view of one sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotSnapshot {
    pub seq: u64,
    pub status: SlotStatus,
    pub pre_prepare: Option<Digest>,
    pub prepares: Vec<Votes>,
    pub commits: Vec<Votes>,
    pub committed: Option<Digest>,
}

/// What the inspector shows for one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSnapshot {
    pub view: u64,
    pub primary: NodeId,
    /// Votes needed for a prepare and a commit quorum, counting the node's own.
    pub quorum: u32,
    pub slots: Vec<SlotSnapshot>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(first_byte: u8, voter: NodeId) -> Votes {
        let mut digest = [0; 32];
        digest[0] = first_byte;
        Votes {
            digest: Digest(digest),
            voters: vec![voter],
        }
    }

    #[test]
    fn sort_by_digest_orders_by_digest_and_keeps_ties_in_place() {
        let mut list = vec![
            votes(3, 0),
            votes(1, 1),
            votes(3, 2),
            votes(0, 3),
            votes(1, 4),
        ];
        Votes::sort_by_digest(&mut list);
        let order: Vec<(u8, NodeId)> = list.iter().map(|v| (v.digest.0[0], v.voters[0])).collect();
        assert_eq!(order, [(0, 3), (1, 1), (1, 4), (3, 0), (3, 2)]);
        let mut empty: Vec<Votes> = Vec::new();
        Votes::sort_by_digest(&mut empty);
        assert!(empty.is_empty());
    }
}
