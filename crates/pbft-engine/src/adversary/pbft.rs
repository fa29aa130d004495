//! `equivocate`: a Byzantine replica that tells different replicas different things.
//!
//! Strategies work only with what a Byzantine node really has: its own signature (the engine
//! signs what it sends in its name) and the messages it received. They cannot make an honest
//! replica appear to vote, nor make a client appear to ask for something.
//!
//! - As primary, the PRE-PREPARE for request A goes to the first half of the backups (by id, the
//!   larger half if odd) and a PRE-PREPARE at the same sequence number to the rest: for another
//!   request a client signed, if it has seen one (a real second request, which honest backups
//!   accept), or else for a made-up digest with A's request attached (which they reject: the
//!   digest is not the request's).
//! - As a backup, it sends PREPARE and COMMIT for every (view, seq, digest) it sees pre-prepared or
//!   prepared, once each, to every replica: both of a pair of conflicting digests get its votes.
//! - In a view change, its VIEW-CHANGE with its prepared certificates goes to half the replicas
//!   and one without them to the others (both are valid: a replica may have prepared nothing).
//!
//! With m ≤ f none of this breaks safety: a digest needs 2f + 1 votes, at most f of them
//! Byzantine, and two sets of 2f + 1 share an honest replica (OSDI 1999 §4.5.1).

use super::{Adversary, AdversaryCtx};
use crate::message::{Digest, Message, NodeId, ViewChangeProof};
use crate::node::{Dest, Input, Output};
use crate::sim::signed::Signed;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The made-up digest an equivocating primary pre-prepares beside `digest` when it knows no
/// second request.
pub fn equivocation_twin(digest: Digest) -> Digest {
    Digest::of_parts(&[b"equivocate:", &digest.0])
}

/// `equivocate`; see the module documentation. No parameters.
#[derive(Default)]
pub struct Equivocate {
    voted: BTreeSet<(u64, u64, Digest)>,
    /// Client-signed requests it has seen, newest last.
    requests: Vec<Arc<Signed>>,
}

/// Replicas other than `me`, split in two halves by id (the first the larger if odd).
pub(crate) fn halves(nodes: u32, me: NodeId) -> (Vec<NodeId>, Vec<NodeId>) {
    let others: Vec<NodeId> = (0..nodes).filter(|&b| b != me).collect();
    let half = others.len().div_ceil(2);
    (others[..half].to_vec(), others[half..].to_vec())
}

pub(crate) fn send_each(out: &mut Vec<Output>, to: &[NodeId], msg: &Message) {
    for &dst in to {
        out.push(Output::Send {
            to: Dest::Node(dst),
            msg: msg.clone(),
        });
    }
}

/// A client's signed request in `delivered` (a REQUEST, or carried by a PRE-PREPARE).
pub(crate) fn request_in(delivered: Option<&Signed>) -> Option<Arc<Signed>> {
    let d = delivered?;
    match d.body() {
        Message::Request { client, .. } if *client == d.signer() => Some(Arc::new(d.clone())),
        Message::PrePrepare {
            request: Some(r), ..
        } => Some(r.clone()),
        _ => None,
    }
}

impl Equivocate {
    fn remember(&mut self, request: Arc<Signed>) {
        let digest = request.body().digest();
        if !self.requests.iter().any(|r| r.body().digest() == digest) {
            self.requests.push(request);
        }
    }

    /// The second PRE-PREPARE beside one for `digest`.
    fn twin(&self, view: u64, seq: u64, digest: Digest, request: Option<Arc<Signed>>) -> Message {
        let other = self
            .requests
            .iter()
            .rev()
            .find(|r| r.body().digest().is_some_and(|d| d != digest));
        match other {
            Some(r) => Message::PrePrepare {
                view,
                seq,
                digest: r.body().digest().unwrap_or(digest),
                request: Some(r.clone()),
            },
            None => Message::PrePrepare {
                view,
                seq,
                digest: equivocation_twin(digest),
                request,
            },
        }
    }
}

impl Equivocate {
    /// PREPARE and COMMIT, once each, for every (view, seq, digest) it sees pre-prepared or
    /// prepared.
    fn vote_for_everything(&mut self, input: &Input<'_>, out: &mut Vec<Output>) {
        let Input::Deliver {
            msg:
                &(Message::PrePrepare {
                    view, seq, digest, ..
                }
                | Message::Prepare { view, seq, digest }),
            ..
        } = *input
        else {
            return;
        };
        if self.voted.insert((view, seq, digest)) {
            for msg in [
                Message::Prepare { view, seq, digest },
                Message::Commit { view, seq, digest },
            ] {
                out.push(Output::Send {
                    to: Dest::Others,
                    msg,
                });
            }
        }
    }
}

impl Adversary for Equivocate {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>) {
        if let Some(r) = request_in(ctx.delivered) {
            self.remember(r);
        }
        let (first, second) = halves(ctx.nodes, ctx.node);
        for o in std::mem::take(out) {
            match o {
                Output::Send {
                    msg:
                        Message::PrePrepare {
                            view,
                            seq,
                            digest,
                            request,
                        },
                    ..
                } => {
                    let twin = self.twin(view, seq, digest, request.clone());
                    let msg = Message::PrePrepare {
                        view,
                        seq,
                        digest,
                        request,
                    };
                    send_each(out, &first, &msg);
                    send_each(out, &second, &twin);
                }
                Output::Send {
                    msg: Message::ViewChange { view, proof },
                    ..
                } => {
                    let bare = Message::ViewChange {
                        view,
                        proof: Arc::new(ViewChangeProof {
                            prepared: Vec::new(),
                            ..(*proof).clone()
                        }),
                    };
                    send_each(out, &first, &Message::ViewChange { view, proof });
                    send_each(out, &second, &bare);
                }
                // Its votes are its own (below).
                Output::Send {
                    msg: Message::Prepare { .. } | Message::Commit { .. },
                    ..
                } => {}
                o => out.push(o),
            }
        }
        self.vote_for_everything(input, out);
    }
}
