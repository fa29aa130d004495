//! `collude`: Byzantine replicas that act together to make two groups of honest replicas execute
//! different requests at one sequence number, using only messages PBFT accepts.
//!
//! The honest replicas, by id, form G1 (the larger half if odd) and G2. When a colluder is the
//! primary of view v and pre-prepares request A at sequence number n:
//!
//! 1. The PRE-PREPARE, and every colluder's PREPARE and COMMIT for (v, n), go to G1 and the
//!    colluders only: G1 prepares and commits A at n with the colluders' votes.
//! 2. Each colluder, once it has sent its COMMIT for A, sends G2 and its fellows a VIEW-CHANGE
//!    for w, the next view whose primary is a colluder, without its prepared certificates (valid:
//!    a replica may have prepared nothing). With m ≥ f + 1 of them, G2 joins w by the f + 1 rule,
//!    and G2 never saw A.
//! 3. The primary of w builds a NEW-VIEW from the colluders' VIEW-CHANGEs and G2's (2f + 1 of
//!    them when m ≥ f + 1): no certificate for n in V, so n is free in O. It sends it to G2 and
//!    the colluders, then pre-prepares at n the next request a client signs (the colluders relay
//!    every request to one another), with its COMMIT: G2 executes B at n where G1 executed A.
//!
//! Why it needs m ≥ f + 1 (OSDI 1999 §4.5.1, quorum intersection): G1 must commit with |G1| + m ≥
//! 2f + 1 votes and the view change needs |G2| + m ≥ 2f + 1 VIEW-CHANGEs, and |G1| + |G2| = n − m;
//! both hold only if m ≥ f + 1. With m ≤ f the VIEW-CHANGE quorum never forms without a replica
//! of G1, whose VIEW-CHANGE carries A's certificate, and PBFT stays safe. No parameters.

use super::pbft::{request_in, send_each};
use super::{Adversary, AdversaryCtx};
use crate::message::{Digest, Message, NewViewProof, NodeId, ViewChangeProof};
use crate::node::{Dest, Input, Output};
use crate::protocol::pbft::view_change::plan_new_view;
use crate::sim::signed::{Signed, Signer};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The attack under way: request `digest` at (`view`, `seq`), and the view `target` that G2 is
/// taken to.
#[derive(Clone, Copy, Debug)]
struct Attack {
    view: u64,
    seq: u64,
    digest: Digest,
    target: u64,
}

/// `collude`; see the module documentation.
pub struct Collude {
    byzantine: Vec<NodeId>,
    signer: Signer,
    attack: Option<Attack>,
    /// VIEW-CHANGEs for the target view from G2 and the colluders, its own included.
    target_vcs: BTreeMap<NodeId, Signed>,
    view_change_sent: bool,
    new_view_sent: bool,
    second_sent: bool,
    /// Client requests already passed on to the fellows (once each).
    relayed: BTreeSet<Digest>,
}

/// The honest replicas split in two, and the other colluders.
struct Groups {
    g1: Vec<NodeId>,
    g2: Vec<NodeId>,
    fellows: Vec<NodeId>,
}

impl Collude {
    /// A colluder among `byzantine` (every colluder, in any order), signing as itself.
    pub fn new(byzantine: &[NodeId], signer: Signer) -> Collude {
        let mut byzantine = byzantine.to_vec();
        byzantine.sort_unstable();
        Collude {
            byzantine,
            signer,
            attack: None,
            target_vcs: BTreeMap::new(),
            view_change_sent: false,
            new_view_sent: false,
            second_sent: false,
            relayed: BTreeSet::new(),
        }
    }

    fn colluder(&self, id: NodeId) -> bool {
        self.byzantine.binary_search(&id).is_ok()
    }

    fn groups(&self, nodes: u32, me: NodeId) -> Groups {
        let honest: Vec<NodeId> = (0..nodes).filter(|&id| !self.colluder(id)).collect();
        let (g1, g2) = honest.split_at(honest.len().div_ceil(2));
        Groups {
            g1: g1.to_vec(),
            g2: g2.to_vec(),
            fellows: self
                .byzantine
                .iter()
                .copied()
                .filter(|&b| b != me)
                .collect(),
        }
    }

    /// The attack starts at the first PRE-PREPARE of a colluding primary (sent or received).
    fn start(&mut self, nodes: u32, pre_prepare: &Message, signer: NodeId) {
        let Message::PrePrepare {
            view,
            seq,
            digest,
            request: Some(_),
        } = *pre_prepare
        else {
            return;
        };
        let primary = |v: u64| (v % u64::from(nodes)) as NodeId;
        if self.attack.is_some() || signer != primary(view) || !self.colluder(signer) {
            return;
        }
        let target = (view + 1..).find(|&w| self.colluder(primary(w)));
        self.attack = target.map(|target| Attack {
            view,
            seq,
            digest,
            target,
        });
    }

    /// Sends the certificate-free VIEW-CHANGE for the target view to G2 and the colluders.
    fn send_view_change(&mut self, att: Attack, gr: &Groups, me: NodeId, out: &mut Vec<Output>) {
        let vc = Message::ViewChange {
            view: att.target,
            proof: Arc::new(ViewChangeProof {
                stable_seq: 0,
                checkpoint: Vec::new(),
                prepared: Vec::new(),
            }),
        };
        self.target_vcs.insert(me, self.signer.sign(vc.clone()));
        send_each(out, &gr.g2, &vc);
        send_each(out, &gr.fellows, &vc);
        self.view_change_sent = true;
    }

    /// The primary of the target view: a NEW-VIEW from the VIEW-CHANGEs of G2 and the colluders.
    fn send_new_view(&mut self, att: Attack, gr: &Groups, quorum: usize, out: &mut Vec<Output>) {
        if self.new_view_sent || self.target_vcs.len() < quorum {
            return;
        }
        let set: Vec<Signed> = self.target_vcs.values().take(quorum).cloned().collect();
        let pre_prepares = plan_new_view(&set)
            .reissue
            .into_iter()
            .map(|(seq, digest, request)| {
                self.signer.sign(Message::PrePrepare {
                    view: att.target,
                    seq,
                    digest,
                    request,
                })
            })
            .collect();
        let nv = Message::NewView {
            view: att.target,
            proof: Arc::new(NewViewProof {
                view_changes: set,
                pre_prepares,
            }),
        };
        send_each(out, &gr.g2, &nv);
        send_each(out, &gr.fellows, &nv);
        self.new_view_sent = true;
    }

    /// Rewrites one honest output while the attack is under way.
    fn rewrite(&mut self, att: Attack, gr: &Groups, o: Output, out: &mut Vec<Output>) {
        let slot = |v: u64, n: u64| v == att.view && n == att.seq;
        match o {
            Output::Send { msg, .. } if about(&msg).is_some_and(|(v, n)| slot(v, n)) => {
                send_each(out, &gr.g1, &msg);
                send_each(out, &gr.fellows, &msg);
            }
            Output::Relay { msg, .. } if about(msg.body()).is_some_and(|(v, n)| slot(v, n)) => {}
            // Colluding primaries stall the old view; the target view's primary pre-prepares
            // one second request at n.
            Output::Send {
                msg: Message::PrePrepare { view, digest, .. },
                ..
            } if view < att.target || digest == att.digest || self.second_sent => {}
            Output::Send {
                msg:
                    Message::PrePrepare {
                        view,
                        digest,
                        request,
                        ..
                    },
                ..
            } => {
                let seq = att.seq;
                let pp = Message::PrePrepare {
                    view,
                    seq,
                    digest,
                    request,
                };
                let commit = Message::Commit { view, seq, digest };
                for msg in [pp, commit] {
                    send_each(out, &gr.g2, &msg);
                    send_each(out, &gr.fellows, &msg);
                }
                self.second_sent = true;
            }
            // Its own VIEW-CHANGE and NEW-VIEW for the target view are the attack's.
            Output::Send {
                msg: Message::ViewChange { view, .. } | Message::NewView { view, .. },
                ..
            } if view == att.target => {}
            o => out.push(o),
        }
    }
}

/// The (view, seq) of a normal-case message.
fn about(msg: &Message) -> Option<(u64, u64)> {
    match *msg {
        Message::PrePrepare { view, seq, .. }
        | Message::Prepare { view, seq, .. }
        | Message::Commit { view, seq, .. } => Some((view, seq)),
        _ => None,
    }
}

impl Adversary for Collude {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>) {
        let gr = self.groups(ctx.nodes, ctx.node);
        let f = (ctx.nodes - 1) / 3;
        let quorum = ((ctx.nodes + f + 2) / 2) as usize;
        if let Input::Deliver { from, msg } = *input {
            self.start(ctx.nodes, msg, from);
        }
        for o in out.iter() {
            if let Output::Send { msg, .. } = o {
                self.start(ctx.nodes, msg, ctx.node);
            }
        }
        let Some(att) = self.attack else {
            return;
        };
        if let Some(d) = ctx.delivered {
            if matches!(*d.body(), Message::ViewChange { view, .. } if view == att.target) {
                let from = d.signer();
                if gr.g2.contains(&from) || gr.fellows.contains(&from) {
                    self.target_vcs.insert(from, d.clone());
                }
            }
        }
        // Every client request reaches every colluder, so the target's primary learns of B.
        let is_request = matches!(
            ctx.delivered.map(Signed::body),
            Some(Message::Request { .. })
        );
        if let Some(request) = request_in(ctx.delivered)
            .filter(|r| is_request && r.body().digest().is_some_and(|d| self.relayed.insert(d)))
        {
            for &f in &gr.fellows {
                out.push(Output::Relay {
                    to: Dest::Node(f),
                    msg: (*request).clone(),
                });
            }
        }
        let committed_a = out.iter().any(|o| {
            matches!(o, Output::Send { msg: Message::Commit { view, seq, digest }, .. }
                if *view == att.view && *seq == att.seq && *digest == att.digest)
        });
        for o in std::mem::take(out) {
            self.rewrite(att, &gr, o, out);
        }
        if committed_a && !self.view_change_sent {
            self.send_view_change(att, &gr, ctx.node, out);
        }
        if (att.target % u64::from(ctx.nodes)) as NodeId == ctx.node {
            self.send_new_view(att, &gr, quorum, out);
        }
    }
}
