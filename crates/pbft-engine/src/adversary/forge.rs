//! `forge`: a Byzantine replica that lies in view changes (OSDI 1999 §4.4; TOCS 2002 §4.5).
//!
//! - As the primary of the normal case it stalls: it pre-prepares nothing, so the backups time
//!   out and change view.
//! - Its VIEW-CHANGEs omit every prepared certificate and claim the initial checkpoint: the
//!   stalest claim whose proof checks out (a forged certificate would not).
//! - As a new primary it sends NEW-VIEWs whose O is not what V implies: to half the backups O
//!   without the last request it should re-issue (a null request in its place), to the others
//!   that request moved to a later sequence number; with nothing to re-issue, an extra null
//!   request. Every PRE-PREPARE in them is signed by itself, as a primary's must be.
//!
//! Honest backups recompute O from V, ignore such a NEW-VIEW and let their timer move them to the
//! next view; the certificates that honest replicas put in their own VIEW-CHANGEs keep every
//! committed request in the next O (2f + 1 VIEW-CHANGEs include f + 1 honest ones, and one of
//! them prepared it).

use super::pbft::{halves, send_each};
use super::{Adversary, AdversaryCtx};
use crate::message::{Digest, Message, NewViewProof, ViewChangeProof, NULL_DIGEST};
use crate::node::{Input, Output};
use crate::protocol::pbft::log::pre_prepare_fields;
use crate::sim::signed::{Signed, Signer};
use std::sync::Arc;

/// `forge`; see the module documentation. No parameters.
pub struct Forge {
    signer: Signer,
}

impl Forge {
    pub fn new(signer: Signer) -> Forge {
        Forge { signer }
    }

    /// `pre_prepares` re-signed for `view` with one change: the last request dropped (`move_it`
    /// false) or moved past the end; an extra null request when there is none.
    fn forge_o(&self, view: u64, pre_prepares: &[Signed], move_it: bool) -> Vec<Signed> {
        let mut entries: Vec<(u64, Digest, Option<Arc<Signed>>)> = pre_prepares
            .iter()
            .filter_map(|pp| match pp.body() {
                Message::PrePrepare {
                    seq,
                    digest,
                    request,
                    ..
                } => Some((*seq, *digest, request.clone())),
                _ => None,
            })
            .collect();
        let next = pre_prepares
            .last()
            .and_then(|pp| pre_prepare_fields(pp.body()))
            .map_or(1, |(_, n, _)| n + 1);
        match entries.iter().rposition(|e| e.1 != NULL_DIGEST) {
            Some(i) => {
                let seq = entries[i].0;
                let (_, digest, request) =
                    std::mem::replace(&mut entries[i], (seq, NULL_DIGEST, None));
                if move_it {
                    entries.push((next, digest, request));
                }
            }
            None => entries.push((next, NULL_DIGEST, None)),
        }
        entries
            .into_iter()
            .map(|(seq, digest, request)| {
                self.signer.sign(Message::PrePrepare {
                    view,
                    seq,
                    digest,
                    request,
                })
            })
            .collect()
    }
}

impl Adversary for Forge {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, _: &Input<'_>, out: &mut Vec<Output>) {
        let (first, second) = halves(ctx.nodes, ctx.node);
        for o in std::mem::take(out) {
            match o {
                // Stalls as primary.
                Output::Send {
                    msg: Message::PrePrepare { .. },
                    ..
                } => {}
                Output::Send {
                    to,
                    msg: Message::ViewChange { view, .. },
                } => out.push(Output::Send {
                    to,
                    msg: Message::ViewChange {
                        view,
                        proof: Arc::new(ViewChangeProof {
                            stable_seq: 0,
                            checkpoint: Vec::new(),
                            prepared: Vec::new(),
                        }),
                    },
                }),
                Output::Send {
                    msg: Message::NewView { view, proof },
                    ..
                } => {
                    for (to, move_it) in [(&first, false), (&second, true)] {
                        let forged = Message::NewView {
                            view,
                            proof: Arc::new(NewViewProof {
                                view_changes: proof.view_changes.clone(),
                                pre_prepares: self.forge_o(view, &proof.pre_prepares, move_it),
                            }),
                        };
                        send_each(out, to, &forged);
                    }
                }
                o => out.push(o),
            }
        }
    }
}
