//! Signed messages, modelled in types (Castro & Liskov, OSDI 1999 §2 and §4.4).
//!
//! PBFT's view change moves messages *inside* other messages: a VIEW-CHANGE carries the
//! checkpoint proof and the prepared certificates its sender collected, and a NEW-VIEW carries
//! the VIEW-CHANGEs its primary collected. A receiver must be able to tell that node 2 really
//! sent the PREPARE that node 3 relays, so these messages are signed (the paper's ⟨m⟩σi).
//!
//! The engine models a perfect signature scheme without any cryptography: a [`Signed`] value can
//! only be *made* by the engine. It signs every message it delivers with the true sender's id
//! (channels are authenticated), and it hands each replica a [`Signer`] bound to that replica's
//! own id, so a replica can sign what it sends or keeps for itself. A Byzantine node can store
//! and relay any `Signed` it received, but it cannot create one in another node's name or alter
//! one (the fields are private and there is no mutable access). A certificate is therefore
//! checked by looking at its signers, never by trusting the contents of the message carrying it.
//!
//! This module is a child of `sim`, and the constructors are `pub(in crate::sim)`: the compiler
//! refuses a protocol or an adversary that tries to sign for someone else.

use crate::message::{Message, NodeId};

/// A message and the node that signed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed<T = Message> {
    signer: NodeId,
    body: T,
}

impl<T> Signed<T> {
    /// Made by the engine only: `signer` is the true author of `body`.
    pub(in crate::sim) fn seal(signer: NodeId, body: T) -> Signed<T> {
        Signed { signer, body }
    }

    /// Who signed it.
    pub fn signer(&self) -> NodeId {
        self.signer
    }

    /// What was signed.
    pub fn body(&self) -> &T {
        &self.body
    }
}

/// The capability to sign as one node; the engine gives each replica its own.
#[derive(Debug)]
pub struct Signer {
    id: NodeId,
}

impl Signer {
    /// Made by the engine only, once per replica.
    pub(in crate::sim) fn new(id: NodeId) -> Signer {
        Signer { id }
    }

    /// A signer for handler tests, which play the engine.
    #[cfg(test)]
    pub(crate) fn for_test(id: NodeId) -> Signer {
        Signer { id }
    }

    /// The node this signer signs for.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// `body`, signed by this signer's node.
    pub fn sign<T>(&self, body: T) -> Signed<T> {
        Signed {
            signer: self.id,
            body,
        }
    }
}
