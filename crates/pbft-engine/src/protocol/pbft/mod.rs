//! PBFT as Castro & Liskov wrote it (OSDI 1999 §4; TOCS 2002 §2–4): a replica and a client,
//! both sans-IO state machines.
//!
//! n = 3f + 1 replicas (f = ⌊(n − 1)/3⌋); the primary of view v is replica v mod n. One file per
//! concern:
//!
//! - [`normal`]: REQUEST, PRE-PREPARE, PREPARE, COMMIT, in-order execution and REPLY (§4.2);
//! - [`checkpoint`]: CHECKPOINT every K executions, stable at 2f + 1, garbage collection and the
//!   low/high watermarks h and H = h + 2K (§4.3);
//! - [`view_change`]: timers, VIEW-CHANGE, NEW-VIEW with re-issued and null pre-prepares, the
//!   f + 1 join rule and doubling timeouts (§4.4);
//! - [`client`]: the client, which accepts f + 1 matching replies and retransmits on a timeout.
//!
//! Modelling choices, each a documented variant of the paper:
//!
//! - **Requests are multicast** by the client to every replica (TOCS 2002 §2 allows it; the BFT
//!   library does so for large requests). A PRE-PREPARE carries only the request's digest, which
//!   stands for the request itself (the paper piggybacks the request on the PRE-PREPARE). A backup
//!   that knows a request it has not executed is "waiting" and runs its view-change timer.
//! - **Signatures everywhere**: every message arrives as a [`Signed`] made by the engine, and the
//!   replica signs its own votes with its [`Signer`], so certificates can be relayed in VIEW-CHANGE
//!   and NEW-VIEW and checked by their signers (`crate::sim::signed`).
//! - A replica's own PREPARE and COMMIT count locally; it sends them to the others only.
//! - **Commit certificates**: 2f + 1 matching COMMITs for (v, n, d) prove that d committed at n
//!   (at least f + 1 honest replicas prepared it, so no other digest can commit there, §4.5.1).
//!   A replica holding one executes d at n even if its own PRE-PREPARE differed: this is how a
//!   backup cut out by an equivocating primary catches up without a view change (the BFT library
//!   fetches such requests during state transfer, TOCS §5.3.2).
//! - **No state transfer and no retransmission** (TOCS §5.2–5.3): a replica that a checkpoint
//!   became stable without keeps the slots it has not executed and completes them as late
//!   COMMITs arrive; one that missed every message of a request (cut off by a partition) stays
//!   behind. PBFT never waits for it: a run succeeds once n − f honest replicas executed every
//!   request and the client accepted every reply (`metrics::Ledger::by_request`).
//! - Messages for a future view are kept and replayed when the replica enters that view, so a
//!   backup that sees the NEW-VIEW late does not lose the new primary's PRE-PREPAREs.

pub mod checkpoint;
pub mod client;
pub mod normal;
#[cfg(test)]
mod tests;
pub mod view_change;

pub use client::PbftClient;

use crate::message::{Digest, Message, NodeId, PreparedCert};
use crate::node::{
    Input, NodeSnapshot, Output, Replica, SlotSnapshot, SlotStatus, TimerId, ViewChangeSnapshot,
    Votes, Watermarks,
};
use crate::sim::signed::{Signed, Signer};
use crate::voters::VoterSet;
use std::collections::{BTreeMap, BTreeSet};

/// The replica's only timer: the view-change timer (§4.4).
pub const VIEW_TIMER: u64 = 1;

/// Parameters shared by every replica of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PbftParams {
    /// Replicas (client endpoints have ids `nodes..`).
    pub nodes: u32,
    /// K: a checkpoint every K executed sequence numbers.
    pub checkpoint_interval: u64,
    /// T: the first view-change timeout in virtual µs.
    pub view_timeout_us: u64,
}

/// Signed votes for one (view, digest) at one sequence number, one per signer.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tally {
    voters: VoterSet,
    msgs: Vec<Signed>,
}

impl Tally {
    /// Counts `msg`'s signer; keeps the message itself while fewer than `keep` are kept (a
    /// certificate needs that many). Returns whether the signer is new.
    fn add(&mut self, msg: &Signed, keep: u32) -> bool {
        let new = self.voters.insert(msg.signer());
        if new && (self.msgs.len() as u32) < keep {
            self.msgs.push(msg.clone());
        }
        new
    }
}

/// Votes at one sequence number by (view, digest). Almost always one entry, so a short list
/// beats a map keyed by 40 bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tallies(Vec<(u64, Digest, Tally)>);

impl Tallies {
    fn add(&mut self, view: u64, digest: Digest, msg: &Signed, keep: u32) -> bool {
        let i = match self
            .0
            .iter()
            .position(|(v, d, _)| *v == view && *d == digest)
        {
            Some(i) => i,
            None => {
                self.0.push((view, digest, Tally::default()));
                self.0.len() - 1
            }
        };
        self.0[i].2.add(msg, keep)
    }

    fn get(&self, view: u64, digest: Digest) -> Option<&Tally> {
        self.0
            .iter()
            .find(|(v, d, _)| *v == view && *d == digest)
            .map(|(_, _, t)| t)
    }

    fn count(&self, view: u64, digest: Digest) -> u32 {
        self.get(view, digest).map_or(0, |t| t.voters.len())
    }
}

/// What a replica knows about one sequence number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slot {
    /// The view of `pre_prepare`.
    view: u64,
    /// The PRE-PREPARE accepted in `view`, signed by its primary.
    pre_prepare: Option<Signed>,
    /// PREPAREs by (view, digest), from backups.
    prepares: Tallies,
    /// COMMITs by (view, digest).
    commits: Tallies,
    /// COMMIT already sent in `view`.
    commit_sent: bool,
    /// The prepared certificate of the highest view this replica prepared in.
    prepared: Option<PreparedCert>,
    /// Committed-local: the digest that will execute here.
    committed: Option<Digest>,
}

impl Slot {
    fn digest(&self) -> Option<Digest> {
        self.pre_prepare.as_ref().map(|pp| pp.body().digest())
    }
}

/// A request the replica has seen from its client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RequestBody {
    client: NodeId,
    timestamp: u64,
}

/// One PBFT replica.
#[derive(Debug)]
pub struct PbftReplica {
    id: NodeId,
    params: PbftParams,
    f: u32,
    signer: Signer,
    /// The current view; while `changing`, the view this replica asked to move to.
    view: u64,
    /// Between sending a VIEW-CHANGE and entering the view it asked for.
    changing: bool,
    /// Primary only: the next sequence number to assign.
    next_seq: u64,
    /// Primary only: digests assigned in the current view.
    assigned: BTreeSet<Digest>,
    /// Primary only: requests waiting for the high watermark to move.
    backlog: Vec<Digest>,
    log: BTreeMap<u64, Slot>,
    /// Request bodies by digest.
    requests: BTreeMap<Digest, RequestBody>,
    /// Known requests not executed yet: the replica is "waiting" (§4.4).
    pending: BTreeSet<Digest>,
    /// Executed requests: digest -> (seq, result), to re-send replies.
    executed: BTreeMap<Digest, (u64, Digest)>,
    last_exec: u64,
    /// Hash chain of everything executed: the checkpointed state.
    state: Digest,
    /// h, the low watermark: the last stable checkpoint.
    low: u64,
    stable_proof: Vec<Signed>,
    /// CHECKPOINTs by (seq, state digest).
    checkpoints: BTreeMap<(u64, Digest), Tally>,
    /// VIEW-CHANGEs by the view they ask for, one per signer.
    view_changes: BTreeMap<u64, BTreeMap<NodeId, Signed>>,
    /// Messages of views this replica has not entered yet.
    future: Vec<Signed>,
    timer_running: bool,
    /// View changes since the last execution: the timeout is T·2^k (§4.4).
    attempts: u32,
}

impl PbftReplica {
    /// Replica `signer.id()` of a cluster described by `params`.
    pub fn new(params: PbftParams, signer: Signer) -> PbftReplica {
        PbftReplica {
            id: signer.id(),
            f: params.nodes.saturating_sub(1) / 3,
            params,
            signer,
            view: 0,
            changing: false,
            next_seq: 1,
            assigned: BTreeSet::new(),
            backlog: Vec::new(),
            log: BTreeMap::new(),
            requests: BTreeMap::new(),
            pending: BTreeSet::new(),
            executed: BTreeMap::new(),
            last_exec: 0,
            state: Digest([0; 32]),
            low: 0,
            stable_proof: Vec::new(),
            checkpoints: BTreeMap::new(),
            view_changes: BTreeMap::new(),
            future: Vec::new(),
            timer_running: false,
            attempts: 0,
        }
    }

    pub fn id(&self) -> NodeId {
        self.id
    }

    pub fn view(&self) -> u64 {
        self.view
    }

    /// Whether the replica is between VIEW-CHANGE and NEW-VIEW.
    pub fn changing_view(&self) -> bool {
        self.changing
    }

    /// The last sequence number executed.
    pub fn last_executed(&self) -> u64 {
        self.last_exec
    }

    /// h, the last stable checkpoint.
    pub fn low_watermark(&self) -> u64 {
        self.low
    }

    /// H = h + 2K: the highest sequence number the replica accepts.
    pub fn high_watermark(&self) -> u64 {
        self.low + 2 * self.params.checkpoint_interval
    }

    /// The digest committed at `seq`, if the log still holds it.
    pub fn committed(&self, seq: u64) -> Option<Digest> {
        self.log.get(&seq).and_then(|s| s.committed)
    }

    /// Sequence numbers the log holds (garbage collection removes those ≤ h).
    pub fn log_len(&self) -> usize {
        self.log.len()
    }

    pub(crate) fn primary_of(&self, view: u64) -> NodeId {
        (view % u64::from(self.params.nodes)) as NodeId
    }

    fn is_primary(&self) -> bool {
        self.primary_of(self.view) == self.id
    }

    /// 2f + 1.
    fn quorum(&self) -> u32 {
        2 * self.f + 1
    }

    fn in_window(&self, seq: u64) -> bool {
        seq > self.low && seq <= self.high_watermark()
    }

    /// Signs `msg` as this replica and sends it to every other replica.
    fn multicast(&self, msg: Message, out: &mut Vec<Output>) -> Signed {
        out.push(Output::Send {
            to: crate::node::Dest::Others,
            msg: msg.clone(),
        });
        self.signer.sign(msg)
    }
}

impl Replica for PbftReplica {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            // The engine delivers through `deliver`, signed. An unsigned message cannot be kept
            // as proof, so PBFT does not trust it.
            Input::Deliver { .. } => {}
            Input::Timer { id: VIEW_TIMER } => self.on_view_timer(out),
            // PBFT proposals come from clients' REQUESTs, not from the driver.
            Input::Propose { .. } | Input::Timer { .. } => {}
        }
    }

    fn deliver(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        match msg.body() {
            Message::Request { .. } => self.on_request(msg, out),
            Message::PrePrepare { .. } => self.on_pre_prepare(msg, out),
            Message::Prepare { .. } => self.on_prepare(msg, out),
            Message::Commit { .. } => self.on_commit(msg, out),
            Message::Checkpoint { .. } => self.on_checkpoint(msg, out),
            Message::ViewChange { .. } => self.on_view_change(msg, out),
            Message::NewView { .. } => self.on_new_view(msg, out),
            // Replies go to clients.
            Message::Reply { .. } => {}
        }
    }

    fn snapshot(&self) -> NodeSnapshot {
        let votes = |t: &Tallies, view: u64| {
            let mut v: Vec<Votes> =
                t.0.iter()
                    .filter(|(v, _, _)| *v == view)
                    .map(|&(_, digest, ref tally)| Votes {
                        digest,
                        voters: tally.voters.to_vec(),
                    })
                    .collect();
            Votes::sort_by_digest(&mut v);
            v
        };
        let slots = self
            .log
            .iter()
            .map(|(&seq, slot)| {
                let prepared_here = |d: Digest| {
                    slot.prepared.as_ref().is_some_and(|c| {
                        c.pre_prepare.body().view() == slot.view
                            && c.pre_prepare.body().digest() == d
                    })
                };
                let status = if slot.committed.is_some() {
                    SlotStatus::Committed
                } else if slot.digest().is_some_and(prepared_here) {
                    SlotStatus::Prepared
                } else if slot.pre_prepare.is_some() {
                    SlotStatus::PrePrepared
                } else {
                    SlotStatus::Idle
                };
                SlotSnapshot {
                    seq,
                    status,
                    view: slot.view,
                    pre_prepare: slot.digest(),
                    prepares: votes(&slot.prepares, slot.view),
                    commits: votes(&slot.commits, slot.view),
                    committed: slot.committed,
                    by_certificate: slot.committed.is_some_and(|d| !prepared_here(d)),
                    // The engine marks re-issued PRE-PREPAREs: it sees the NEW-VIEWs sent.
                    reissued: false,
                }
            })
            .collect();
        let view_change = self.changing.then(|| ViewChangeSnapshot {
            view: self.view,
            voters: self
                .view_changes
                .get(&self.view)
                .map_or_else(Vec::new, |vcs| vcs.keys().copied().collect()),
            quorum: self.quorum(),
        });
        NodeSnapshot {
            view: self.view,
            primary: self.primary_of(self.view),
            quorum: self.quorum(),
            prepare_quorum: 2 * self.f,
            slots,
            view_change,
            watermarks: Some(Watermarks {
                stable: self.low,
                high: self.high_watermark(),
                interval: self.params.checkpoint_interval,
            }),
            last_executed: self.last_exec,
            client: None,
        }
    }

    fn timer_name(&self, id: TimerId) -> &'static str {
        match id {
            VIEW_TIMER => "view-change",
            _ => "timer",
        }
    }
}
