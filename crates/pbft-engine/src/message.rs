//! Messages exchanged by nodes, their digests and the phase each belongs to.
//!
//! Channels are authenticated (OSDI 1999 §2: "all replicas know the others' public keys"): the
//! engine stamps every delivery with its true sender, so a message body never carries a sender
//! field a Byzantine node could forge.

use crate::sim::signed::Signed;
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

    /// The first 8 hex digits: enough to tell digests apart on screen.
    pub fn short(&self) -> String {
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
}

impl Phase {
    /// Every phase, in protocol order.
    pub const ALL: [Phase; 8] = [
        Phase::Request,
        Phase::PrePrepare,
        Phase::Prepare,
        Phase::Commit,
        Phase::Reply,
        Phase::Checkpoint,
        Phase::ViewChange,
        Phase::NewView,
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
        }
    }

    /// Position in [`Phase::ALL`], for per-phase counters.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The digest PBFT's view change assigns to a sequence number no prepared request claims: the
/// null request, which executes as a no-op (OSDI 1999 §4.4). No SHA-256 output is all zeros.
pub const NULL_DIGEST: Digest = Digest([0; 32]);

/// A protocol message. The sender is not a field: the engine delivers it alongside, and signs it
/// in the sender's name ([`crate::Signed`]).
///
/// The tutorial uses the first three variants; PBFT uses all of them. Heavy payloads (the
/// certificates of a view change) sit behind an `Arc`, so cloning a broadcast stays cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// The primary assigns `digest` to sequence number `seq` in `view`.
    PrePrepare { view: u64, seq: u64, digest: Digest },
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
        }
    }

    /// The sequence number the message is about: a request's or reply's timestamp, a
    /// checkpoint's sequence number, a VIEW-CHANGE's stable checkpoint, 0 for a NEW-VIEW.
    pub fn seq(&self) -> u64 {
        match self {
            Message::PrePrepare { seq, .. }
            | Message::Prepare { seq, .. }
            | Message::Commit { seq, .. }
            | Message::Checkpoint { seq, .. } => *seq,
            Message::Request { timestamp, .. } | Message::Reply { timestamp, .. } => *timestamp,
            Message::ViewChange { proof, .. } => proof.stable_seq,
            Message::NewView { .. } => 0,
        }
    }

    /// The view the message was sent in (or moves to); 0 for messages without a view.
    pub fn view(&self) -> u64 {
        match self {
            Message::PrePrepare { view, .. }
            | Message::Prepare { view, .. }
            | Message::Commit { view, .. }
            | Message::Reply { view, .. }
            | Message::ViewChange { view, .. }
            | Message::NewView { view, .. } => *view,
            Message::Request { .. } | Message::Checkpoint { .. } => 0,
        }
    }

    /// The digest the message votes for (a request's digest, a reply's result, a checkpoint's
    /// state); [`NULL_DIGEST`] for view-change messages.
    pub fn digest(&self) -> Digest {
        match self {
            Message::PrePrepare { digest, .. }
            | Message::Prepare { digest, .. }
            | Message::Commit { digest, .. }
            | Message::Request { digest, .. } => *digest,
            Message::Reply { result, .. } => *result,
            Message::Checkpoint { state, .. } => *state,
            Message::ViewChange { .. } | Message::NewView { .. } => NULL_DIGEST,
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
