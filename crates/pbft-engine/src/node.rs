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
    /// A person's name for timer `id` (`"view-change"`, `"retransmit"`), for the trace and
    /// [`crate::Simulation::timers`].
    fn timer_name(&self, _id: TimerId) -> &'static str {
        "timer"
    }
}

/// How far a node got with one sequence number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum SlotStatus {
    #[default]
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SlotSnapshot {
    pub seq: u64,
    pub status: SlotStatus,
    /// The view of the PRE-PREPARE held (0 for protocols without views).
    pub view: u64,
    pub pre_prepare: Option<Digest>,
    pub prepares: Vec<Votes>,
    pub commits: Vec<Votes>,
    /// PBFT: the view of the COMMITs in `commits`: the slot's view, except for a slot committed
    /// by 2f + 1 COMMITs of another view (an earlier one, before a view change re-issued the
    /// sequence number), whose COMMITs are those of that view, so the counts shown beside a
    /// committed slot are the ones that committed it.
    pub commits_view: u64,
    pub committed: Option<Digest>,
    /// PBFT: committed through a commit certificate (2f + 1 matching COMMITs) without having
    /// prepared that digest itself in the slot's view (OSDI 1999 §4.5.1).
    pub by_certificate: bool,
    /// PBFT: the PRE-PREPARE held was re-issued by the new primary inside a NEW-VIEW (the set O
    /// of §4.4), rather than assigned afresh. Filled in by the engine, which sees the NEW-VIEWs
    /// sent ([`crate::Simulation::snapshot`]).
    pub reissued: bool,
}

impl SlotSnapshot {
    /// PBFT: the PRE-PREPARE held is for the null request (a NEW-VIEW's filler, §4.4).
    pub fn is_null(&self) -> bool {
        self.pre_prepare == Some(crate::message::NULL_DIGEST)
    }
}

/// PBFT: a replica between sending VIEW-CHANGE and entering the view it asked for (§4.4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewChangeSnapshot {
    /// The view asked for.
    pub view: u64,
    /// Replicas whose valid VIEW-CHANGE for `view` it holds, its own included, in id order.
    pub voters: Vec<NodeId>,
    /// 2f + 1: the new primary starts `view` once it holds this many.
    pub quorum: u32,
}

/// PBFT: the checkpoint window (§4.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Watermarks {
    /// h: the last stable checkpoint (2f + 1 matching CHECKPOINTs); the log holds nothing at or
    /// below it that the replica has executed.
    pub stable: u64,
    /// H = h + 2K: the highest sequence number accepted.
    pub high: u64,
    /// K: a checkpoint every K executed sequence numbers.
    pub interval: u64,
}

/// PBFT: what a client knows (§4.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientSnapshot {
    /// Requests accepted (f + 1 matching replies) so far, of `requests`.
    pub accepted: u64,
    pub requests: u64,
    /// The timestamp of the request it waits for, if any.
    pub outstanding: Option<u64>,
    /// Times it sent a request again because its timer fired.
    pub retransmissions: u64,
    /// Replies for the outstanding request, by result.
    pub replies: Vec<Votes>,
    /// f + 1: matching replies it needs to accept.
    pub needed: u32,
}

/// What the inspector shows for one node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSnapshot {
    /// The view the node is in; while it changes view, the view it asked for.
    pub view: u64,
    /// The primary of `view`.
    pub primary: NodeId,
    /// COMMITs needed to commit, counting the node's own (2f + 1).
    pub quorum: u32,
    /// PREPAREs needed to prepare: PBFT 2f from distinct backups besides the PRE-PREPARE;
    /// the tutorial 2f + 1, its own echo included (it counts its own broadcast coming back).
    pub prepare_quorum: u32,
    pub slots: Vec<SlotSnapshot>,
    /// PBFT: set while the replica changes view.
    pub view_change: Option<ViewChangeSnapshot>,
    /// PBFT: h, H and K; `None` for protocols without checkpoints.
    pub watermarks: Option<Watermarks>,
    /// The last sequence number executed (committed in order).
    pub last_executed: u64,
    /// Set for client endpoints.
    pub client: Option<ClientSnapshot>,
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
