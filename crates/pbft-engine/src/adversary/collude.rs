//! `collude`: Byzantine replicas that act together to make two groups of honest replicas execute
//! different requests at one sequence number, using only messages PBFT accepts (every request
//! signed by its client, every certificate by its signers).
//!
//! The honest replicas, by id, form G1 (the larger half if odd) and G2. When a colluder is the
//! primary of view v and pre-prepares request A at sequence number n:
//!
//! 1. It pre-prepares A at n to G1 and the colluders, and the same request A at n + 1 to G2 and
//!    the colluders (both valid: a client signed A). The colluders vote for (v, n) to G1 only
//!    and for (v, n + 1) to G2 only: G1 commits and executes A at n; G2 prepares A at n + 1 and
//!    cannot execute it, having nothing at n.
//! 2. Each colluder, once a replica of G2 has sent it a PREPARE for A at n + 1, sends G2 and its
//!    fellows a VIEW-CHANGE for w, the next view whose
//!    primary is a colluder, without its prepared certificates (valid: a replica may have
//!    prepared nothing). With m ≥ f + 1 of them, G2 joins w by the f + 1 rule.
//! 3. The primary of w builds a NEW-VIEW from the colluders' VIEW-CHANGEs and G2's, 2f + 1 of
//!    them: V holds a certificate for A at n + 1 and none at n, so O gives n to the null
//!    request. It sends the NEW-VIEW, with its COMMITs for O, to G2 and the colluders: G2
//!    executes the null request at n where G1 executed A.
//!
//! Why it needs m ≥ f + 1 (OSDI 1999 §4.5.1, quorum intersection): G1 must commit with |G1| + m
//! votes and the view change needs |G2| + m VIEW-CHANGEs, each at least a quorum q, while
//! |G1| + |G2| = n − m; both hold only if m ≥ f + 1. With m ≤ f no VIEW-CHANGE quorum forms
//! without a replica of G1, whose VIEW-CHANGE carries A's certificate at n, and PBFT stays safe.
//! No parameters.

use super::pbft::send_each;
use super::{Adversary, AdversaryCtx};
use crate::message::{Digest, Message, NewViewProof, NodeId, ViewChangeProof};
use crate::node::{Input, Output};
use crate::protocol::pbft::view_change::plan_new_view;
use crate::sim::signed::{Signed, Signer};
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
    target_vcs: Vec<Signed>,
    votes_sent: bool,
    view_change_sent: bool,
    new_view_sent: bool,
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
        crate::wasm_size::sort_by_key(&mut byzantine, |&id| id);
        Collude {
            byzantine,
            signer,
            attack: None,
            target_vcs: Vec::new(),
            votes_sent: false,
            view_change_sent: false,
            new_view_sent: false,
        }
    }

    /// Keeps a VIEW-CHANGE for the target view, one per signer.
    fn keep_view_change(&mut self, vc: Signed) {
        if !self.target_vcs.iter().any(|v| v.signer() == vc.signer()) {
            self.target_vcs.push(vc);
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
    fn send_view_change(&mut self, att: Attack, gr: &Groups, out: &mut Vec<Output>) {
        let vc = Message::ViewChange {
            view: att.target,
            proof: Arc::new(ViewChangeProof {
                stable_seq: 0,
                checkpoint: Vec::new(),
                prepared: Vec::new(),
            }),
        };
        self.keep_view_change(self.signer.sign(vc.clone()));
        send_each(out, &gr.g2, &vc);
        send_each(out, &gr.fellows, &vc);
        self.view_change_sent = true;
    }

    /// The primary of the target view: a NEW-VIEW from the VIEW-CHANGEs of G2 and the colluders.
    fn send_new_view(&mut self, att: Attack, gr: &Groups, quorum: usize, out: &mut Vec<Output>) {
        if self.new_view_sent || self.target_vcs.len() < quorum {
            return;
        }
        let set: Vec<Signed> = self.target_vcs.iter().take(quorum).cloned().collect();
        let plan = plan_new_view(&set);
        let view = att.target;
        let pre_prepares = plan.pre_prepares(view, &self.signer);
        let nv = Message::NewView {
            view: att.target,
            proof: Arc::new(NewViewProof {
                view_changes: set,
                pre_prepares,
            }),
        };
        send_each(out, &gr.g2, &nv);
        send_each(out, &gr.fellows, &nv);
        // Its honest side entered the view with its own O: the COMMITs for this O are its own.
        for (seq, digest, _) in plan.reissue {
            let commit = Message::Commit { view, seq, digest };
            send_each(out, &gr.g2, &commit);
            send_each(out, &gr.fellows, &commit);
        }
        self.new_view_sent = true;
    }

    /// Its votes in the attack: for (v, n) to G1, for (v, n + 1) to G2, the fellows both.
    fn send_votes(&mut self, att: Attack, gr: &Groups, out: &mut Vec<Output>) {
        let (view, digest) = (att.view, att.digest);
        for (seq, group) in [(att.seq, &gr.g1), (att.seq + 1, &gr.g2)] {
            for msg in [
                Message::Prepare { view, seq, digest },
                Message::Commit { view, seq, digest },
            ] {
                send_each(out, group, &msg);
                send_each(out, &gr.fellows, &msg);
            }
        }
        self.votes_sent = true;
    }

    /// Rewrites one honest output while the attack is under way: the two attacked slots get the
    /// attack's messages only, the old view stalls, and its own VIEW-CHANGE and NEW-VIEW for the
    /// target view are the attack's.
    fn rewrite(&self, att: Attack, gr: &Groups, o: Output, out: &mut Vec<Output>) {
        let attacked = |v: u64, n: u64| v == att.view && (n == att.seq || n == att.seq + 1);
        match o {
            Output::Send {
                msg: ref msg @ Message::PrePrepare { view, seq, .. },
                ..
            } if view == att.view && seq == att.seq => {
                let mut twin = msg.clone();
                if let Message::PrePrepare { seq, .. } = &mut twin {
                    *seq += 1;
                }
                send_each(out, &gr.g1, msg);
                send_each(out, &gr.fellows, msg);
                send_each(out, &gr.g2, &twin);
                send_each(out, &gr.fellows, &twin);
            }
            Output::Send { ref msg, .. } if about(msg).is_some_and(|(v, n)| attacked(v, n)) => {}
            Output::Relay { ref msg, .. }
                if about(msg.body()).is_some_and(|(v, n)| attacked(v, n)) => {}
            // Colluding primaries stall the old view.
            Output::Send {
                msg: Message::PrePrepare { view, .. },
                ..
            } if view < att.target => {}
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
                    self.keep_view_change(d.clone());
                }
            }
        }
        for o in std::mem::take(out) {
            self.rewrite(att, &gr, o, out);
        }
        if !self.votes_sent {
            self.send_votes(att, &gr, out);
        }
        // G2 takes part at n + 1 (so it prepares A there) before it is asked to change view.
        let g2_prepared = matches!(*input, Input::Deliver { from, msg: &Message::Prepare { view, seq, .. } }
            if gr.g2.contains(&from) && view == att.view && seq == att.seq + 1);
        if g2_prepared && !self.view_change_sent {
            self.send_view_change(att, &gr, out);
        }
        if (att.target % u64::from(ctx.nodes)) as NodeId == ctx.node {
            self.send_new_view(att, &gr, quorum, out);
        }
    }
}
