//! Byzantine strategies: each wraps an honest node and rewrites what it outputs.
//!
//! The honest handlers still run (so a Byzantine node keeps an honest node's bookkeeping and the
//! inspector can show it); a strategy then replaces, drops or adds outputs. Strategies belong to
//! the engine, not the node, so they may draw from the engine's seeded adversary stream.
//! Authenticated channels bound what they can do: the engine stamps each message with its real
//! sender, so no strategy can speak for another node.
//!
//! Strategies and their parameters (all defaults documented in `Config`):
//!
//! | strategy | what a Byzantine node does | parameters |
//! |---|---|---|
//! | `silent` | sends nothing, from the start (a crash) | none |
//! | `tutorial` | the tutorial's Byzantine node, under either protocol (below) | none |
//! | `equivocate` | PBFT: conflicting PRE-PREPAREs to two halves; votes for every digest; two different VIEW-CHANGEs ([`pbft`]) | none |
//! | `collude` | PBFT: a coordinated split brain through a view change ([`collude`]) | none |
//! | `forge` | PBFT: VIEW-CHANGEs without certificates, NEW-VIEWs with a forged O; stalls as primary ([`forge`]) | none |
//! | `slow` | honest, but each message it sends takes `slow-ms` longer (the engine adds it) | `slow-ms`, default 100 |

pub mod collude;
pub mod forge;
pub mod pbft;

use crate::config::Strategy;
use crate::message::{Digest, Message, NodeId};
use crate::node::{Dest, Input, Output};
use crate::sim::signed::{Signed, Signer};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What a strategy may know and use while rewriting one handler's outputs.
pub struct AdversaryCtx<'a> {
    pub node: NodeId,
    /// Replicas in the run.
    pub nodes: u32,
    pub rng: &'a mut ChaCha8Rng,
    /// The message being handled, as signed by its author (`None` for timers and proposals): a
    /// strategy may keep it and relay it, as any replica may.
    pub delivered: Option<&'a Signed>,
}

/// A Byzantine behaviour.
pub trait Adversary {
    /// Rewrites `out`, the honest outputs of `input` at `ctx.node`.
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>);
}

/// The adversary a Byzantine node runs under `strategy` in a run whose Byzantine nodes are
/// `byzantine` (in increasing order): colluders know each other. `signer` signs in the node's
/// own name (and no other), for strategies that build certificates.
pub fn adversary_in_run(
    strategy: Strategy,
    byzantine: &[NodeId],
    signer: Signer,
) -> Box<dyn Adversary> {
    match strategy {
        Strategy::Tutorial => Box::new(TutorialAdversary),
        Strategy::Silent => Box::new(Silent),
        Strategy::Equivocate => Box::new(pbft::Equivocate::default()),
        Strategy::Collude => Box::new(collude::Collude::new(byzantine, signer)),
        Strategy::Forge => Box::new(forge::Forge::new(signer)),
        Strategy::Slow => Box::new(Slow),
    }
}

/// Crashed from the start: every output is swallowed.
pub struct Silent;

impl Adversary for Silent {
    fn corrupt(&mut self, _: &mut AdversaryCtx<'_>, _: &Input<'_>, out: &mut Vec<Output>) {
        out.clear();
    }
}

/// Honest handlers, slowed down: the engine adds `slow-ms` to every message the node sends.
pub struct Slow;

impl Adversary for Slow {
    fn corrupt(&mut self, _: &mut AdversaryCtx<'_>, _: &Input<'_>, _: &mut Vec<Output>) {}
}

/// The tutorial's Byzantine node (`Node.propose`, `handle_preprepare` and the early returns of
/// `handle_prepare` / `handle_commit` when `self.byzantine`).
///
/// - As primary it sends each node, one after the other, a PRE-PREPARE whose digest is the SHA-256
///   of `"{payload}::to={dst}::salt={random 0..=10^9}"`: every node sees a different digest.
/// - On a PRE-PREPARE it does nothing with probability 1/2; otherwise it broadcasts PREPARE with
///   the real digest or, with probability 1/2, SHA-256 of `"{hex digest}::fake"`.
/// - It never sends COMMIT and never commits.
///
/// Under PBFT the primary proposes when a REQUEST arrives rather than when the driver asks: the
/// honest PRE-PREPARE it would send is replaced the same way, with the digest's hex standing for
/// the payload. It also sends no CHECKPOINT, VIEW-CHANGE, NEW-VIEW or REPLY. (The tutorial's own
/// draws are untouched: its nodes never send a PRE-PREPARE on a delivery.)
pub struct TutorialAdversary;

/// The tutorial's salt: `random.randint(0, 10**9)`.
const SALT_MAX: u32 = 1_000_000_000;

/// One PRE-PREPARE per node, in node order, each for the digest of `text(dst, salt)` with a salt
/// drawn per node: the tutorial's `for dst in nodes: salt = random.randint(0, 10**9)`.
fn salted_pre_prepares(
    ctx: &mut AdversaryCtx<'_>,
    view: u64,
    seq: u64,
    text: impl Fn(NodeId, u32) -> String,
) -> Output {
    let sends = (0..ctx.nodes)
        .map(|dst| {
            let salt = ctx.rng.gen_range(0..=SALT_MAX);
            let digest = Digest::of(text(dst, salt).as_bytes());
            let request = None;
            (
                dst,
                Message::PrePrepare {
                    view,
                    seq,
                    digest,
                    request,
                },
            )
        })
        .collect();
    Output::SendInTurn(sends)
}

/// A Byzantine replica's answer to a PRE-PREPARE: nothing (half the time), or a PREPARE for the
/// real digest or a fake one (half and half).
fn fake_prepare(ctx: &mut AdversaryCtx<'_>, view: u64, seq: u64, digest: Digest) -> Option<Output> {
    if crate::rng::coin(ctx.rng, 0.5) {
        return None;
    }
    let digest = if crate::rng::coin(ctx.rng, 0.5) {
        digest
    } else {
        Digest::of_parts(&[&digest.hex_bytes(), b"::fake"])
    };
    Some(Output::Send {
        to: Dest::All,
        msg: Message::Prepare { view, seq, digest },
    })
}

impl Adversary for TutorialAdversary {
    fn corrupt(&mut self, ctx: &mut AdversaryCtx<'_>, input: &Input<'_>, out: &mut Vec<Output>) {
        // PBFT: the PRE-PREPAREs an honest primary sends on a client's REQUEST.
        let proposals: Vec<(u64, u64, Digest)> = match input {
            Input::Deliver { .. } => out
                .iter()
                .filter_map(|o| match o {
                    Output::Send {
                        msg:
                            Message::PrePrepare {
                                view, seq, digest, ..
                            },
                        ..
                    } => Some((*view, *seq, *digest)),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        out.clear();
        for (view, seq, real) in proposals {
            let real = real.to_hex();
            let sends = salted_pre_prepares(ctx, view, seq, |dst, salt| {
                format!("{real}::to={dst}::salt={salt}")
            });
            out.push(sends);
        }
        match *input {
            Input::Propose { seq, payload } => {
                let payload = String::from_utf8_lossy(payload);
                let sends = salted_pre_prepares(ctx, 0, seq, |dst, salt| {
                    format!("{payload}::to={dst}::salt={salt}")
                });
                out.push(sends);
            }
            Input::Deliver {
                msg:
                    &Message::PrePrepare {
                        view, seq, digest, ..
                    },
                ..
            } => out.extend(fake_prepare(ctx, view, seq, digest)),
            Input::Deliver { .. } | Input::Timer { .. } => {}
        }
    }
}
