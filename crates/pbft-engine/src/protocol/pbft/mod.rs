//! PBFT as Castro & Liskov wrote it (OSDI 1999 §4; TOCS 2002 §2–5; Castro's thesis ch. 2 and 5):
//! replicas and clients, all sans-IO state machines.
//!
//! n replicas tolerate f = ⌊(n − 1)/3⌋ Byzantine ones; the primary of view v is replica v mod n.
//! One file per concern, each citing the rule it implements:
//!
//! - [`log`]: the message log of one sequence number and the paper's predicates *prepared* and
//!   *committed-local* (§4.2);
//! - [`normal`]: REQUEST, PRE-PREPARE (with the client's signed request), PREPARE, COMMIT,
//!   in-order exactly-once execution and REPLY (§4.1–4.2);
//! - [`checkpoint`]: CHECKPOINTs, stable checkpoints, garbage collection, watermarks (§4.3) and
//!   state transfer, FETCH → STATE (TOCS §5.3);
//! - [`view_change`]: VIEW-CHANGE, NEW-VIEW, the set O with null requests, the f + 1 join rule
//!   (§4.4; TOCS §4.5.2);
//! - [`timers`]: the view-change timer (started for a new view on 2f + 1 VIEW-CHANGEs; T, T, 2T,
//!   4T…) and the retransmission timer that drives STATUS;
//! - [`status`]: retransmission (thesis §5.2): a stuck replica says what it has, the others
//!   re-send what it lacks;
//! - [`client`]: the client: one outstanding request, f + 1 matching replies, retransmission
//!   with exponential backoff.
//!
//! Modelling choices (docs/pbft-model.md has the whole list and the reasons):
//!
//! - **Signatures everywhere**: every message arrives as a [`Signed`] made by the engine, and a
//!   replica signs its own votes with its [`Signer`]. Certificates travel inside VIEW-CHANGE and
//!   NEW-VIEW and are checked by their signers, and any replica can forward a message signed by
//!   another ([`Output::Relay`]): a backup relays a client's REQUEST to the primary, and a
//!   replica answering a STATUS relays the primary's PRE-PREPARE or NEW-VIEW.
//! - **Commit certificates**: 2f + 1 matching COMMITs for (v, n, d) prove that d committed at n
//!   (§4.5.1). A replica holding one executes d at n even if it never prepared it; this is how a
//!   backup cut out by an equivocating primary, or one that lost messages, catches up.
//! - A replica's own PREPARE and COMMIT count locally; it sends them to the others only.
//! - Messages for a view not yet entered are kept and replayed on entering it.
//! - No batching, no tentative execution, no read-only optimisation (TOCS §5.1).

mod book;
pub mod checkpoint;
pub mod client;
pub mod log;
pub mod normal;
pub mod status;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_recovery;
pub mod timers;
pub mod view_change;

pub use client::PbftClient;

use crate::message::{Digest, Message, NodeId, RequestId, Snapshot};
use crate::node::{
    Dest, Input, NodeSnapshot, Output, Replica, SlotSnapshot, TimerId, ViewChangeSnapshot, Votes,
    Watermarks,
};
use crate::sim::signed::{Signed, Signer};
use book::RequestBook;
use log::{Slot, Tallies, Tally};
use std::collections::BTreeMap;
use std::sync::Arc;
use timers::TimerState;

/// Parameters shared by every replica of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PbftParams {
    /// Replicas (client endpoints have ids `nodes..`).
    pub nodes: u32,
    /// K: a checkpoint every K executed sequence numbers.
    pub checkpoint_interval: u64,
    /// T: the view-change timeout in virtual µs (doubling from the second new view on).
    pub view_timeout_us: u64,
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
    /// Primary only: requests given a sequence number in the current view (not executed yet).
    assigned: Vec<RequestId>,
    log: BTreeMap<u64, Slot>,
    /// Client-signed requests (from clients, relays and PRE-PREPAREs), those waited for, and
    /// the exactly-once table.
    book: RequestBook,
    last_exec: u64,
    /// Hash chain over every executed (seq, digest).
    chain: Digest,
    /// h, the low watermark: the last stable checkpoint, and its proof.
    low: u64,
    stable_proof: Vec<Signed>,
    /// The states of this replica's own checkpoints from h on, for FETCH.
    snapshots: Vec<Arc<Snapshot>>,
    /// CHECKPOINTs by (seq, state digest).
    checkpoints: BTreeMap<(u64, Digest), Tally>,
    /// VIEW-CHANGEs by the view they ask for, one per signer.
    view_changes: BTreeMap<u64, BTreeMap<NodeId, Signed>>,
    /// Its own VIEW-CHANGEs for views not entered yet, kept after moving on to a later one: a
    /// replica still collecting 2f + 1 for an earlier view may need it (see `status`).
    own_view_changes: Vec<Signed>,
    /// The NEW-VIEW that started the current view (none in view 0), to relay.
    new_view: Option<Signed>,
    /// Messages of views this replica has not entered yet.
    future: Vec<Signed>,
    /// View changes started since the last request executed: the timeout is T·2^(k−1).
    attempts: u32,
    timers: TimerState,
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
            assigned: Vec::new(),
            log: BTreeMap::new(),
            book: RequestBook::default(),
            last_exec: 0,
            chain: Digest([0; 32]),
            low: 0,
            stable_proof: Vec::new(),
            snapshots: Vec::new(),
            checkpoints: BTreeMap::new(),
            view_changes: BTreeMap::new(),
            own_view_changes: Vec::new(),
            new_view: None,
            future: Vec::new(),
            attempts: 0,
            timers: TimerState::default(),
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

    /// VIEW-CHANGEs held for `view` (its own included), toward 2f + 1.
    pub fn view_change_votes(&self, view: u64) -> u32 {
        self.view_changes.get(&view).map_or(0, |v| v.len() as u32)
    }

    pub(crate) fn primary_of(&self, view: u64) -> NodeId {
        (view % u64::from(self.params.nodes)) as NodeId
    }

    fn is_primary(&self) -> bool {
        self.primary_of(self.view) == self.id
    }

    /// q = ⌈(n + f + 1)/2⌉, the size of a quorum: 2f + 1 when n = 3f + 1, and in any cluster
    /// two quorums share at least f + 1 replicas, one of them honest ([`log`]).
    pub fn quorum(&self) -> u32 {
        (self.params.nodes + self.f + 2) / 2
    }

    fn in_window(&self, seq: u64) -> bool {
        seq > self.low && seq <= self.high_watermark()
    }

    /// Signs `msg` as this replica and sends it to every other replica.
    fn multicast(&self, msg: Message, out: &mut Vec<Output>) -> Signed {
        out.push(Output::Send {
            to: Dest::Others,
            msg: msg.clone(),
        });
        self.signer.sign(msg)
    }

    /// Sends `msg`, signed as this replica, to `to` alone.
    fn send_to(&self, to: NodeId, msg: Message, out: &mut Vec<Output>) {
        out.push(Output::Send {
            to: Dest::Node(to),
            msg,
        });
    }

    /// Whether `request` is a REQUEST its client signed, for `digest`: the validity condition
    /// of a PRE-PREPARE (a Byzantine primary cannot make one up).
    fn client_signed(&self, request: &Signed, digest: Digest) -> bool {
        match *request.body() {
            Message::Request {
                client, digest: d, ..
            } => client >= self.params.nodes && request.signer() == client && d == digest,
            _ => false,
        }
    }

    /// The snapshot this replica holds for checkpoint `seq`, if any.
    fn snapshot_at(&self, seq: u64) -> Option<&Arc<Snapshot>> {
        self.snapshots.iter().find(|s| s.seq == seq)
    }

    /// Its own VIEW-CHANGE for `view`, if it sent one and has not entered a later view.
    fn own_view_change_for(&self, view: u64) -> Option<&Signed> {
        self.own_view_changes
            .iter()
            .find(|vc| vc.body().view() == Some(view))
    }

    /// The state after the last execution.
    fn current_snapshot(&self) -> Snapshot {
        Snapshot {
            seq: self.last_exec,
            chain: self.chain,
            clients: self.book.table().to_vec(),
        }
    }
}

impl Replica for PbftReplica {
    fn handle(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        match input {
            // The engine delivers through `deliver`, signed. An unsigned message cannot be kept
            // as proof, so PBFT does not trust it.
            Input::Deliver { .. } => {}
            Input::Timer { id } => self.on_timer(id, out),
            // PBFT proposals come from clients' REQUESTs, not from the driver.
            Input::Propose { .. } => {}
        }
        self.update_timers(out);
    }

    fn deliver(&mut self, msg: &Signed, out: &mut Vec<Output>) {
        match msg.body() {
            &Message::Request {
                client,
                timestamp,
                digest,
            } => self.on_request(msg, RequestId { client, timestamp }, digest, out),
            Message::PrePrepare {
                view,
                seq,
                digest,
                request,
            } => self.on_pre_prepare(msg, *view, *seq, *digest, request.as_ref(), out),
            &Message::Prepare { view, seq, digest } => self.on_prepare(msg, view, seq, digest, out),
            &Message::Commit { view, seq, digest } => self.on_commit(msg, view, seq, digest, out),
            &Message::Checkpoint { seq, state } => self.on_checkpoint(msg, seq, state, out),
            Message::ViewChange { view, .. } => self.on_view_change(msg, *view, out),
            Message::NewView { view, proof } => self.on_new_view(msg, *view, proof, out),
            Message::Status(report) => self.on_status(msg.signer(), report, out),
            &Message::Fetch { seq } => self.on_fetch(msg.signer(), seq, out),
            Message::State { seq, snapshot } => self.on_state(*seq, snapshot, out),
            // Replies go to clients.
            Message::Reply { .. } => {}
        }
        self.update_timers(out);
    }

    fn snapshot(&self) -> NodeSnapshot {
        let votes = |t: &Tallies, view: u64| {
            let mut v: Vec<Votes> = t
                .in_view(view)
                .map(|(digest, tally)| Votes {
                    digest,
                    voters: tally.voters().to_vec(),
                })
                .collect();
            Votes::sort_by_digest(&mut v);
            v
        };
        let slots = self
            .log
            .iter()
            .map(|(&seq, slot)| {
                let q = self.quorum();
                let commits_view = match slot.commits.reaching(q) {
                    Some((v, d))
                        if slot.committed == Some(d) && slot.commits.count(slot.view, d) < q =>
                    {
                        v
                    }
                    _ => slot.view,
                };
                (seq, slot, commits_view)
            })
            .map(|(seq, slot, commits_view)| SlotSnapshot {
                seq,
                status: slot.status(self.quorum()),
                view: slot.view,
                pre_prepare: slot.digest(),
                prepares: votes(&slot.prepares, slot.view),
                commits: votes(&slot.commits, commits_view),
                commits_view,
                committed: slot.committed,
                by_certificate: slot.by_certificate,
                // The engine marks re-issued PRE-PREPAREs: it sees the NEW-VIEWs sent.
                reissued: false,
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
            prepare_quorum: self.quorum() - 1,
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
            timers::VIEW_TIMER => "view-change",
            timers::STATUS_TIMER => "retransmission",
            _ => "timer",
        }
    }
}
