//! Messages exchanged by nodes, their digests and the phase each belongs to.
//!
//! Channels are authenticated (OSDI 1999 §2: "all replicas know the others' public keys"): the
//! engine stamps every delivery with its true sender, so a message body never carries a sender
//! field a Byzantine node could forge.

use sha2::{Digest as _, Sha256};
use std::fmt;

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

/// A protocol message. The sender is not a field: the engine delivers it alongside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// The primary assigns `digest` to sequence number `seq` in `view`.
    PrePrepare { view: u64, seq: u64, digest: Digest },
    /// A node's vote that it accepted the pre-prepare for (`view`, `seq`, `digest`).
    Prepare { view: u64, seq: u64, digest: Digest },
    /// A node's vote that it saw a prepare quorum for (`view`, `seq`, `digest`).
    Commit { view: u64, seq: u64, digest: Digest },
}

impl Message {
    pub fn phase(&self) -> Phase {
        match self {
            Message::PrePrepare { .. } => Phase::PrePrepare,
            Message::Prepare { .. } => Phase::Prepare,
            Message::Commit { .. } => Phase::Commit,
        }
    }

    /// The sequence number the message is about.
    pub fn seq(&self) -> u64 {
        match self {
            Message::PrePrepare { seq, .. }
            | Message::Prepare { seq, .. }
            | Message::Commit { seq, .. } => *seq,
        }
    }

    /// The view the message was sent in.
    pub fn view(&self) -> u64 {
        match self {
            Message::PrePrepare { view, .. }
            | Message::Prepare { view, .. }
            | Message::Commit { view, .. } => *view,
        }
    }

    /// The digest the message votes for.
    pub fn digest(&self) -> Digest {
        match self {
            Message::PrePrepare { digest, .. }
            | Message::Prepare { digest, .. }
            | Message::Commit { digest, .. } => *digest,
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
