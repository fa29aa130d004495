//! Messages exchanged by nodes, their digests and the phase each belongs to.
//!
//! Channels are authenticated (OSDI 1999 §2: "all replicas know the others' public keys"): the
//! engine stamps every delivery with its true sender, so a message body never carries a sender
//! field a Byzantine node could forge.

use crate::sim::signed::Signed;
use crate::voters::VoterSet;
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::sync::Arc;

/// Index of a node (replica) in `0..nodes`.
pub type NodeId = u32;

/// A SHA-256 digest of a request payload, as the tutorial computes with `hashlib.sha256`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// SHA-256 of `payload`.
    pub fn of(payload: &[u8]) -> Digest {
        Digest(Sha256::digest(payload).into())
    }

    /// SHA-256 of the concatenation of `parts`, without building the concatenation.
    pub fn of_parts(parts: &[&[u8]]) -> Digest {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        Digest(h.finalize().into())
    }

    /// Lower-case hex as bytes, as Python's `hexdigest()` spells it. By table, not `format!` per
    /// byte: the tutorial's adversary hashes hex digests in a hot loop.
    pub fn hex_bytes(&self) -> [u8; 64] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (i, b) in self.0.iter().enumerate() {
            out[2 * i] = HEX[usize::from(b >> 4)];
            out[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        out
    }

    /// Lower-case hex, as Python's `hexdigest()` prints it.
    pub fn to_hex(&self) -> String {
        self.hex_bytes().iter().map(|&b| b as char).collect()
    }

    /// The first 8 hex digits: enough to tell digests apart on screen. The null request's
    /// digest ([`NULL_DIGEST`]) reads `null`.
    pub fn short(&self) -> String {
        if *self == NULL_DIGEST {
            return "null".to_string();
        }
        self.to_hex()[..8].to_string()
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.short())
    }
}

/// The phase a message belongs to; the browser colours messages by it and metrics count by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Request,
    PrePrepare,
    Prepare,
    Commit,
    Reply,
    Checkpoint,
    ViewChange,
    NewView,
    /// PBFT retransmission: a replica that is stuck says what it has (Castro's thesis §5.2).
    Status,
    /// PBFT state transfer: a request for a checkpoint's state (TOCS 2002 §5.3).
    Fetch,
    /// PBFT state transfer: a checkpoint's state, sent in answer to a FETCH.
    State,
}

impl Phase {
    /// Every phase, in protocol order.
    pub const ALL: [Phase; 11] = [
        Phase::Request,
        Phase::PrePrepare,
        Phase::Prepare,
        Phase::Commit,
        Phase::Reply,
        Phase::Checkpoint,
        Phase::ViewChange,
        Phase::NewView,
        Phase::Status,
        Phase::Fetch,
        Phase::State,
    ];

    /// Stable lower-case name used in traces, JSON and the browser's `data-phase`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Request => "request",
            Phase::PrePrepare => "pre-prepare",
            Phase::Prepare => "prepare",
            Phase::Commit => "commit",
            Phase::Reply => "reply",
            Phase::Checkpoint => "checkpoint",
            Phase::ViewChange => "view-change",
            Phase::NewView => "new-view",
            Phase::Status => "status",
            Phase::Fetch => "fetch",
            Phase::State => "state",
        }
    }

    /// Position in [`Phase::ALL`], for per-phase counters.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The digest PBFT's view change assigns to a sequence number no prepared request claims: the
/// null request, which executes as a no-op (OSDI 1999 §4.4). No SHA-256 output is all zeros, and
/// traces print it as `null`.
pub const NULL_DIGEST: Digest = Digest([0; 32]);

/// A protocol message. The sender is not a field: the engine delivers it alongside, and signs it
/// in the sender's name ([`crate::Signed`]).
///
/// The tutorial uses the first three variants; PBFT uses all of them. Heavy payloads (the
/// certificates of a view change, a status report, a state) sit behind an `Arc`, so cloning a
/// broadcast stays cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// The primary assigns `digest` to sequence number `seq` in `view`. PBFT piggybacks the
    /// client's signed REQUEST whose digest it is (OSDI 1999 §4.2), so a backup can check that a
    /// client really asked for it; the null request of a NEW-VIEW and the tutorial carry none.
    PrePrepare {
        view: u64,
        seq: u64,
        digest: Digest,
        request: Option<Arc<Signed>>,
    },
    /// A node's vote that it accepted the pre-prepare for (`view`, `seq`, `digest`).
    Prepare { view: u64, seq: u64, digest: Digest },
    /// A node's vote that it saw a prepare quorum for (`view`, `seq`, `digest`).
    Commit { view: u64, seq: u64, digest: Digest },
    /// A client's request number `timestamp`, whose operation hashes to `digest` (PBFT §4.1).
    Request {
        client: NodeId,
        timestamp: u64,
        digest: Digest,
    },
    /// A replica's reply to `client`'s request `timestamp`: `result` of executing it, in `view`.
    Reply {
        view: u64,
        client: NodeId,
        timestamp: u64,
        result: Digest,
    },
    /// The sender's state after executing sequence number `seq` hashes to `state` (§4.3).
    Checkpoint { seq: u64, state: Digest },
    /// The sender moves to `view` and proves what it knows (§4.4).
    ViewChange {
        view: u64,
        proof: Arc<ViewChangeProof>,
    },
    /// The primary of `view` starts it, with the VIEW-CHANGEs that justify it (§4.4).
    NewView { view: u64, proof: Arc<NewViewProof> },
    /// What a stuck replica has, so that others re-send what it lacks (thesis §5.2).
    Status(Arc<StatusReport>),
    /// Asks for the state of checkpoint `seq` (TOCS 2002 §5.3).
    Fetch { seq: u64 },
    /// The state after executing sequence number `seq`, in answer to a FETCH.
    State { seq: u64, snapshot: Arc<Snapshot> },
}

/// A prepared certificate: a PRE-PREPARE signed by the primary of its view and 2f PREPAREs for
/// the same (view, seq, digest) signed by distinct backups (the set P of OSDI 1999 §4.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedCert {
    pub pre_prepare: Signed,
    pub prepares: Vec<Signed>,
}

/// The body of a VIEW-CHANGE: the last stable checkpoint `stable_seq` with its proof (2f + 1
/// signed CHECKPOINTs, empty for the initial state 0) and a prepared certificate for every
/// sequence number above it that prepared at the sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewChangeProof {
    pub stable_seq: u64,
    pub checkpoint: Vec<Signed>,
    pub prepared: Vec<PreparedCert>,
}

/// The body of a NEW-VIEW: 2f + 1 signed VIEW-CHANGEs for the view (the set V) and the
/// PRE-PREPAREs the new primary signed from them (the set O), one per sequence number between
/// the latest stable checkpoint and the highest prepared sequence number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewViewProof {
    pub view_changes: Vec<Signed>,
    pub pre_prepares: Vec<Signed>,
}

/// The body of a STATUS (Castro's thesis §5.2): where the sender stands, so that a receiver can
/// re-send exactly what it lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReport {
    /// The sender's view (while `changing`, the view it asks for).
    pub view: u64,
    pub changing: bool,
    /// h, its last stable checkpoint.
    pub low: u64,
    pub last_executed: u64,
    /// Sequence numbers above `last_executed` it has prepared in `view`.
    pub prepared: Vec<u64>,
    /// Sequence numbers above `last_executed` it has committed (waiting to execute in order).
    pub committed: Vec<u64>,
    /// While changing: the replicas whose VIEW-CHANGE for `view` it holds.
    pub view_changes: VoterSet,
}

/// Names a client request: the client and its timestamp (exactly-once execution is by this pair,
/// OSDI 1999 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId {
    pub client: NodeId,
    pub timestamp: u64,
}

/// One client's entry in the replicated state: its last executed request and that request's
/// result, kept so a retransmitted request gets the same reply and never executes twice (OSDI
/// 1999 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientRecord {
    pub client: NodeId,
    pub timestamp: u64,
    pub result: Digest,
}

/// A replica's state after executing sequence number `seq`: what a checkpoint's digest covers
/// and what state transfer hands over (TOCS 2002 §5.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub seq: u64,
    /// Hash chain over every executed (sequence number, digest): the service state.
    pub chain: Digest,
    /// Per client, in increasing client order: the exactly-once table.
    pub clients: Vec<ClientRecord>,
}

impl Snapshot {
    /// The digest a CHECKPOINT for this state carries.
    pub fn digest(&self) -> Digest {
        let mut h = Sha256::new();
        h.update(b"state");
        h.update(self.seq.to_le_bytes());
        h.update(self.chain.0);
        for c in &self.clients {
            h.update(c.client.to_le_bytes());
            h.update(c.timestamp.to_le_bytes());
            h.update(c.result.0);
        }
        Digest(h.finalize().into())
    }
}

impl Message {
    pub fn phase(&self) -> Phase {
        match self {
            Message::PrePrepare { .. } => Phase::PrePrepare,
            Message::Prepare { .. } => Phase::Prepare,
            Message::Commit { .. } => Phase::Commit,
            Message::Request { .. } => Phase::Request,
            Message::Reply { .. } => Phase::Reply,
            Message::Checkpoint { .. } => Phase::Checkpoint,
            Message::ViewChange { .. } => Phase::ViewChange,
            Message::NewView { .. } => Phase::NewView,
            Message::Status(_) => Phase::Status,
            Message::Fetch { .. } => Phase::Fetch,
            Message::State { .. } => Phase::State,
        }
    }

    /// The sequence number the message is about: a slot of the log (PRE-PREPARE, PREPARE,
    /// COMMIT) or a checkpoint (CHECKPOINT, FETCH, STATE). `None` for the others.
    pub fn seq(&self) -> Option<u64> {
        match self {
            Message::PrePrepare { seq, .. }
            | Message::Prepare { seq, .. }
            | Message::Commit { seq, .. }
            | Message::Checkpoint { seq, .. }
            | Message::Fetch { seq }
            | Message::State { seq, .. } => Some(*seq),
            Message::Request { .. }
            | Message::Reply { .. }
            | Message::ViewChange { .. }
            | Message::NewView { .. }
            | Message::Status(_) => None,
        }
    }

    /// A client request's timestamp (REQUEST, REPLY); `None` for the others.
    pub fn timestamp(&self) -> Option<u64> {
        match self {
            Message::Request { timestamp, .. } | Message::Reply { timestamp, .. } => {
                Some(*timestamp)
            }
            _ => None,
        }
    }

    /// The view the message was sent in (or, for VIEW-CHANGE and NEW-VIEW, moves to).
    pub fn view(&self) -> Option<u64> {
        match self {
            Message::PrePrepare { view, .. }
            | Message::Prepare { view, .. }
            | Message::Commit { view, .. }
            | Message::Reply { view, .. }
            | Message::ViewChange { view, .. }
            | Message::NewView { view, .. } => Some(*view),
            Message::Status(s) => Some(s.view),
            Message::Request { .. }
            | Message::Checkpoint { .. }
            | Message::Fetch { .. }
            | Message::State { .. } => None,
        }
    }

    /// The digest the message is about: a request's digest (REQUEST and the three phases), a
    /// reply's result, a checkpoint's state. `None` for the others.
    pub fn digest(&self) -> Option<Digest> {
        match self {
            Message::PrePrepare { digest, .. }
            | Message::Prepare { digest, .. }
            | Message::Commit { digest, .. }
            | Message::Request { digest, .. } => Some(*digest),
            Message::Reply { result, .. } => Some(*result),
            Message::Checkpoint { state, .. } => Some(*state),
            Message::ViewChange { .. }
            | Message::NewView { .. }
            | Message::Status(_)
            | Message::Fetch { .. }
            | Message::State { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_matches_python_hashlib() {
        // python3 -c 'import hashlib;print(hashlib.sha256(b"tx: pay Alice->Bob 5").hexdigest())'
        assert_eq!(
            Digest::of(b"tx: pay Alice->Bob 5").to_hex(),
            "8ede1d34e18da3b47283e592d14bdc3430f3d22617106caf04093b197685d3f3"
        );
        assert_eq!(Digest::of(b"").short(), "e3b0c442");
    }

    #[test]
    fn phase_names_are_unique() {
        let mut names: Vec<_> = Phase::ALL.iter().map(|p| p.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Phase::ALL.len());
    }
}
