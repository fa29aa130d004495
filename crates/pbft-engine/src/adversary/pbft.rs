//! Byzantine strategies that rewrite PBFT's messages: `equivocate` and `collude`.
//!
//! Both work only with what a Byzantine node really has: its own signature (the engine signs
//! what it sends in its name) and the messages it received. They cannot make an honest replica
//! appear to vote; they can only send different things to different replicas.
//!
//! Why `collude` needs m ≥ f + 1 (OSDI 1999 §4.5.1, quorum intersection): to make group G1
//! commit digest A and group G2 commit B at one sequence number, each group must see a prepare
//! quorum (2f PREPAREs from backups) and a commit quorum (2f + 1 COMMITs) for its digest. The m
//! colluders vote in both groups; honest replicas vote only for what they were pre-prepared. So
//! each group needs |G| + m ≥ 2f + 1, and since |G1| + |G2| = n − m = 3f + 1 − m, both groups can
//! make it only if 3f + 1 − m ≥ 2(2f + 1 − m), that is m ≥ f + 1. With m ≤ f at most one group
//! commits: PBFT stays safe.

use super::{Adversary, AdversaryCtx};
use crate::message::{Digest, Message, NodeId};
use crate::node::{Dest, Input, Output};
use std::collections::BTreeSet;

/// The second digest an equivocating primary pre-prepares beside `digest`.
pub fn equivocation_twin(digest: Digest) -> Digest {
    Digest::of_parts(&[b"equivocate:", &digest.0])
}

/// The digest colluders drive group G2 to commit while G1 commits `digest`.
pub fn collusion_twin(digest: Digest) -> Digest {
    Digest::of_parts(&[b"collude:", &digest.0])
}

/// `equivocate`. As primary, the PRE-PREPARE for digest d goes to the first half of the backups
/// (by id, the larger half if odd) and a PRE-PREPARE for a second digest d′ to the rest. As a
/// backup, it sends PREPARE and COMMIT for every (view, seq, digest) it sees pre-prepared or
/// prepared, once each, to every replica: both of a pair of conflicting digests get its votes.
/// Other messages (checkpoints, view change, replies) stay honest. No parameters.
#[derive(Default)]
pub struct Equivocate {
    voted: BTreeSet<(u64, u64, Digest)>,
}

impl Adversary for Equivocate {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>) {
        let honest = std::mem::take(out);
        for o in honest {
            match o {
                Output::Send {
                    msg: Message::PrePrepare { view, seq, digest },
                    ..
                } => {
                    let backups: Vec<NodeId> = (0..ctx.nodes).filter(|&b| b != ctx.node).collect();
                    let half = backups.len().div_ceil(2);
                    for (i, &b) in backups.iter().enumerate() {
                        let digest = if i < half {
                            digest
                        } else {
                            equivocation_twin(digest)
                        };
                        out.push(Output::Send {
                            to: Dest::Node(b),
                            msg: Message::PrePrepare { view, seq, digest },
                        });
                    }
                }
                // Its votes are its own (below).
                Output::Send {
                    msg: Message::Prepare { .. } | Message::Commit { .. },
                    ..
                } => {}
                o => out.push(o),
            }
        }
        if let Input::Deliver {
            msg:
                &(Message::PrePrepare { view, seq, digest } | Message::Prepare { view, seq, digest }),
            ..
        } = *input
        {
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
}

/// `collude`. The honest replicas, by id, form G1 (the larger half if odd) and G2. When a
/// colluder is primary it pre-prepares the real digest A to G1 and its fellow colluders and a
/// second digest B to G2, and sends COMMIT for A to G1 and for B to G2. A colluding backup that
/// receives a colluder primary's PRE-PREPARE for A sends PREPARE and COMMIT for A to G1 and for B
/// to G2. Colluders never cast an honest PREPARE or COMMIT; everything else stays honest. It
/// succeeds (two groups of honest replicas commit A and B at one sequence number) when the primary
/// is a colluder, m ≥ f + 1 and the network delivers in time. No parameters.
pub struct Collude {
    byzantine: Vec<NodeId>,
}

impl Collude {
    /// A colluder among `byzantine` (every colluder, in any order).
    pub fn new(byzantine: &[NodeId]) -> Collude {
        let mut byzantine = byzantine.to_vec();
        byzantine.sort_unstable();
        Collude { byzantine }
    }
}

fn send_each(out: &mut Vec<Output>, to: &[NodeId], msg: Message) {
    for &dst in to {
        out.push(Output::Send {
            to: Dest::Node(dst),
            msg: msg.clone(),
        });
    }
}

impl Adversary for Collude {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>) {
        let honest: Vec<NodeId> = (0..ctx.nodes)
            .filter(|id| self.byzantine.binary_search(id).is_err())
            .collect();
        let (g1, g2) = honest.split_at(honest.len().div_ceil(2));
        let fellows: Vec<NodeId> = self
            .byzantine
            .iter()
            .copied()
            .filter(|&b| b != ctx.node)
            .collect();
        let outputs = std::mem::take(out);
        for o in outputs {
            match o {
                Output::Send {
                    msg: Message::PrePrepare { view, seq, digest },
                    ..
                } => {
                    let twin = collusion_twin(digest);
                    let pp = |digest| Message::PrePrepare { view, seq, digest };
                    let commit = |digest| Message::Commit { view, seq, digest };
                    send_each(out, g1, pp(digest));
                    send_each(out, &fellows, pp(digest));
                    send_each(out, g2, pp(twin));
                    send_each(out, g1, commit(digest));
                    send_each(out, g2, commit(twin));
                }
                Output::Send {
                    msg: Message::Prepare { .. } | Message::Commit { .. },
                    ..
                } => {}
                o => out.push(o),
            }
        }
        if let Input::Deliver {
            from,
            msg: &Message::PrePrepare { view, seq, digest },
        } = *input
        {
            if from != ctx.node && self.byzantine.binary_search(&from).is_ok() {
                let twin = collusion_twin(digest);
                send_each(out, g1, Message::Prepare { view, seq, digest });
                send_each(out, g1, Message::Commit { view, seq, digest });
                send_each(
                    out,
                    g2,
                    Message::Prepare {
                        view,
                        seq,
                        digest: twin,
                    },
                );
                send_each(
                    out,
                    g2,
                    Message::Commit {
                        view,
                        seq,
                        digest: twin,
                    },
                );
            }
        }
    }
}
