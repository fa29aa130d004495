//! Exact outputs of the tutorial's handlers (`protocol::tutorial::TutorialNode`) and of its
//! Byzantine strategy (`adversary::TutorialAdversary`), one input at a time.
//!
//! Each test mirrors a branch of the tutorial's Python code ("A Coding Implementation to Simulate
//! Practical Byzantine Fault Tolerance with Asyncio, ..."): `Node.propose`,
//! `handle_preprepare`, `handle_prepare` and `handle_commit` (the normal case of Castro & Liskov,
//! OSDI 1999 §4.2, as the tutorial simplifies it: quorum 2f + 1 for both phases, votes counted per
//! (seq, digest) by distinct sender, a node's own vote counting only once it comes back).

use pbft_engine::adversary::{Adversary, AdversaryCtx, Silent, TutorialAdversary};
use pbft_engine::protocol::tutorial::TutorialNode;
use pbft_engine::rng::{RunKey, Stream};
use pbft_engine::{Dest, Digest, Input, Message, NodeId, Output, Replica, SlotStatus};
use rand_chacha::ChaCha8Rng;

const PAYLOAD: &[u8] = b"tx: pay Alice->Bob 5";
/// `hashlib.sha256(b"tx: pay Alice->Bob 5").hexdigest()`, computed by Python.
const PAYLOAD_SHA256: &str = "8ede1d34e18da3b47283e592d14bdc3430f3d22617106caf04093b197685d3f3";

fn d() -> Digest {
    Digest::of(PAYLOAD)
}

fn other() -> Digest {
    Digest::of(b"some other request")
}

fn pre_prepare(seq: u64, digest: Digest) -> Message {
    Message::PrePrepare {
        view: 0,
        seq,
        digest,
        request: None,
    }
}

fn prepare(seq: u64, digest: Digest) -> Message {
    Message::Prepare {
        view: 0,
        seq,
        digest,
    }
}

fn commit(seq: u64, digest: Digest) -> Message {
    Message::Commit {
        view: 0,
        seq,
        digest,
    }
}

fn broadcast(msg: Message) -> Vec<Output> {
    vec![Output::Send { to: Dest::All, msg }]
}

/// Delivers `msg` from `from` and returns what the node did.
fn deliver(node: &mut impl Replica, from: NodeId, msg: &Message) -> Vec<Output> {
    let mut out = Vec::new();
    node.handle(Input::Deliver { from, msg }, &mut out);
    out
}

/// Node `id` of 4 (f = 1, quorum 3) that has accepted the pre-prepare for `digest` at seq 1.
fn pre_prepared(id: NodeId, digest: Digest) -> TutorialNode {
    let mut node = TutorialNode::new(id, 4);
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(1, digest)),
        broadcast(prepare(1, digest))
    );
    node
}

#[test]
fn propose_broadcasts_one_preprepare_with_the_payloads_sha256() {
    let mut primary = TutorialNode::new(0, 4);
    let mut out = Vec::new();
    primary.handle(
        Input::Propose {
            seq: 1,
            payload: PAYLOAD,
        },
        &mut out,
    );
    assert_eq!(out, broadcast(pre_prepare(1, d())));
    assert_eq!(d().to_hex(), PAYLOAD_SHA256);
    // Proposing records nothing: the primary accepts its own pre-prepare when it comes back.
    assert!(primary.snapshot().slots.is_empty());
}

#[test]
fn first_preprepare_broadcasts_prepare_and_a_second_one_for_the_seq_does_nothing() {
    let mut node = TutorialNode::new(2, 4);
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(1, d())),
        broadcast(prepare(1, d()))
    );
    // Same seq again, same or different digest: `if seq not in self.preprepare_seen` fails.
    assert_eq!(deliver(&mut node, 0, &pre_prepare(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 0, &pre_prepare(1, other())), vec![]);
    // Another sequence number is a fresh slot.
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(2, other())),
        broadcast(prepare(2, other()))
    );
    let snap = node.snapshot();
    assert_eq!(snap.quorum, 3);
    assert_eq!(snap.slots[0].pre_prepare, Some(d()));
    assert_eq!(snap.slots[0].status, SlotStatus::PrePrepared);
}

#[test]
fn preprepare_sender_is_not_checked_as_in_the_tutorial() {
    // `handle_preprepare` never looks at msg.sender: a pre-prepare from a backup is accepted.
    let mut node = TutorialNode::new(1, 4);
    assert_eq!(
        deliver(&mut node, 3, &pre_prepare(1, other())),
        broadcast(prepare(1, other()))
    );
}

#[test]
fn prepare_quorum_broadcasts_commit_and_every_further_matching_prepare_broadcasts_again() {
    let mut node = pre_prepared(1, d());
    // Below quorum (3 of 4): nothing.
    assert_eq!(deliver(&mut node, 0, &prepare(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 1, &prepare(1, d())), vec![]);
    // The third distinct voter reaches quorum: COMMIT to all.
    assert_eq!(
        deliver(&mut node, 2, &prepare(1, d())),
        broadcast(commit(1, d()))
    );
    assert_eq!(node.snapshot().slots[0].status, SlotStatus::Prepared);
    // The tutorial's quirk: no "already sent" flag, so each further matching PREPARE at or above
    // quorum (a repeat from a known voter too) broadcasts COMMIT again.
    assert_eq!(
        deliver(&mut node, 3, &prepare(1, d())),
        broadcast(commit(1, d()))
    );
    assert_eq!(
        deliver(&mut node, 0, &prepare(1, d())),
        broadcast(commit(1, d()))
    );
}

#[test]
fn duplicate_prepare_votes_from_one_sender_count_once() {
    let mut node = pre_prepared(1, d());
    for _ in 0..5 {
        assert_eq!(deliver(&mut node, 0, &prepare(1, d())), vec![]);
    }
    assert_eq!(deliver(&mut node, 1, &prepare(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 1, &prepare(1, d())), vec![]);
    let slot = &node.snapshot().slots[0];
    assert_eq!(slot.prepares.len(), 1);
    assert_eq!(slot.prepares[0].voters, vec![0, 1]);
    assert_eq!(
        deliver(&mut node, 3, &prepare(1, d())),
        broadcast(commit(1, d()))
    );
}

#[test]
fn prepares_for_another_digest_never_trigger_commit() {
    let mut node = pre_prepared(1, d());
    for from in 0..4 {
        assert_eq!(deliver(&mut node, from, &prepare(1, other())), vec![]);
    }
    // They are still counted, per digest, as `prepare_votes[(seq, dig)]` is.
    let slot = &node.snapshot().slots[0];
    assert_eq!(slot.prepares.len(), 1);
    assert_eq!(slot.prepares[0].digest, other());
    assert_eq!(slot.prepares[0].voters, vec![0, 1, 2, 3]);
    assert_eq!(slot.status, SlotStatus::PrePrepared);
}

#[test]
fn prepares_before_the_preprepare_count_once_it_arrives() {
    let mut node = TutorialNode::new(3, 4);
    assert_eq!(deliver(&mut node, 1, &prepare(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 2, &prepare(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 0, &prepare(1, d())), vec![]);
    assert_eq!(node.snapshot().slots[0].status, SlotStatus::Idle);
    // `handle_preprepare` does not look at earlier votes: only PREPARE goes out ...
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(1, d())),
        broadcast(prepare(1, d()))
    );
    // ... and the next PREPARE finds the three earlier votes plus its own.
    assert_eq!(
        deliver(&mut node, 3, &prepare(1, d())),
        broadcast(commit(1, d()))
    );
}

#[test]
fn commit_quorum_commits_once_and_never_again() {
    let mut node = pre_prepared(2, d());
    assert_eq!(deliver(&mut node, 0, &commit(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 0, &commit(1, d())), vec![]); // a repeat counts once
    assert_eq!(deliver(&mut node, 1, &commit(1, d())), vec![]);
    assert_eq!(node.committed(1), None);
    assert_eq!(
        deliver(&mut node, 3, &commit(1, d())),
        vec![Output::Execute {
            seq: 1,
            digest: d(),
            request: None,
        }]
    );
    assert_eq!(node.committed(1), Some(d()));
    assert_eq!(node.snapshot().slots[0].status, SlotStatus::Committed);
    for from in 0..4 {
        assert_eq!(deliver(&mut node, from, &commit(1, d())), vec![]);
    }
    // Later prepares still re-broadcast COMMIT (the quirk), but the node never commits again.
    for from in 0..4 {
        deliver(&mut node, from, &prepare(1, d()));
    }
    assert_eq!(deliver(&mut node, 2, &commit(1, d())), vec![]);
    assert_eq!(node.committed(1), Some(d()));
}

#[test]
fn commits_for_another_digest_or_before_the_preprepare_do_not_commit() {
    let mut node = TutorialNode::new(1, 4);
    // Before the pre-prepare: counted, not acted on.
    assert_eq!(deliver(&mut node, 0, &commit(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 2, &commit(1, d())), vec![]);
    assert_eq!(deliver(&mut node, 3, &commit(1, d())), vec![]);
    for from in 0..4 {
        assert_eq!(deliver(&mut node, from, &commit(1, other())), vec![]);
    }
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(1, d())),
        broadcast(prepare(1, d()))
    );
    assert_eq!(node.committed(1), None);
    // The first matching COMMIT after the pre-prepare finds quorum (three earlier + this one).
    assert_eq!(
        deliver(&mut node, 1, &commit(1, d())),
        vec![Output::Execute {
            seq: 1,
            digest: d(),
            request: None,
        }]
    );
}

#[test]
fn a_single_node_cluster_commits_alone() {
    // n = 1: f = 0, quorum 1; each vote comes back from the node itself.
    let mut node = TutorialNode::new(0, 1);
    let mut out = Vec::new();
    node.handle(
        Input::Propose {
            seq: 7,
            payload: PAYLOAD,
        },
        &mut out,
    );
    assert_eq!(out, broadcast(pre_prepare(7, d())));
    assert_eq!(
        deliver(&mut node, 0, &pre_prepare(7, d())),
        broadcast(prepare(7, d()))
    );
    assert_eq!(
        deliver(&mut node, 0, &prepare(7, d())),
        broadcast(commit(7, d()))
    );
    assert_eq!(
        deliver(&mut node, 0, &commit(7, d())),
        vec![Output::Execute {
            seq: 7,
            digest: d(),
            request: None,
        }]
    );
}

#[test]
fn quorum_is_two_f_plus_one() {
    for (n, q) in [
        (1, 1),
        (3, 1),
        (4, 3),
        (6, 3),
        (7, 5),
        (10, 7),
        (13, 9),
        (100, 67),
    ] {
        assert_eq!(TutorialNode::new(0, n).snapshot().quorum, q, "n = {n}");
    }
}

// ---- adversaries -------------------------------------------------------------------------

fn adversary_rng(seed: u64) -> ChaCha8Rng {
    RunKey::new(seed, 1, 0).stream(Stream::Adversary)
}

/// Runs `node`'s honest handler, then `adversary` over its outputs, as the engine does.
fn corrupted(
    adversary: &mut dyn Adversary,
    node: &mut TutorialNode,
    id: NodeId,
    nodes: u32,
    rng: &mut ChaCha8Rng,
    input: Input<'_>,
) -> Vec<Output> {
    let mut out = Vec::new();
    node.handle(input.clone(), &mut out);
    let mut ctx = AdversaryCtx {
        delivered: None,
        node: id,
        nodes,
        rng,
    };
    adversary.corrupt(&mut ctx, &input, &mut out);
    out
}

#[test]
fn byzantine_primary_sends_each_node_its_own_digest_one_after_the_other() {
    for (seed, n) in [(1u64, 4u32), (2, 10), (3, 1), (4, 31)] {
        let mut rng = adversary_rng(seed);
        let mut node = TutorialNode::new(0, n);
        let out = corrupted(
            &mut TutorialAdversary,
            &mut node,
            0,
            n,
            &mut rng,
            Input::Propose {
                seq: 1,
                payload: PAYLOAD,
            },
        );
        let ctx = format!("seed {seed}, nodes {n}: {out:?}");
        assert_eq!(out.len(), 1, "{ctx}");
        let Output::SendInTurn(sends) = &out[0] else {
            panic!("expected one SendInTurn: {ctx}");
        };
        assert_eq!(sends.len(), n as usize, "{ctx}");
        let mut digests = Vec::new();
        for (i, (dst, msg)) in sends.iter().enumerate() {
            // `for dst in self.net.nodes.keys()`: in node order.
            assert_eq!(*dst, i as NodeId, "{ctx}");
            let Message::PrePrepare {
                view, seq, digest, ..
            } = *msg
            else {
                panic!("expected PRE-PREPAREs: {ctx}");
            };
            assert_eq!((view, seq), (0, 1), "{ctx}");
            assert_ne!(
                digest,
                d(),
                "the salted digest is never the real one: {ctx}"
            );
            digests.push(digest);
        }
        digests.sort();
        digests.dedup();
        assert_eq!(digests.len(), n as usize, "digests must be distinct: {ctx}");
    }
}

/// A binomial count is within 4.5 standard deviations of its mean (a false alarm about once in
/// 150,000 runs; the stream is seeded, so a given seed passes or fails for ever).
fn assert_binomial(what: &str, count: u64, trials: u64, p: f64, seed: u64) {
    let mean = trials as f64 * p;
    let sd = (trials as f64 * p * (1.0 - p)).sqrt();
    assert!(
        (count as f64 - mean).abs() <= 4.5 * sd,
        "{what}: {count} of {trials}, expected {mean:.0} ± {:.0} (4.5σ); seed {seed}",
        4.5 * sd
    );
}

#[test]
fn byzantine_replica_ignores_half_the_preprepares_and_fakes_half_of_the_rest() {
    const DRAWS: u64 = 20_000;
    let seed = 2026;
    let mut rng = adversary_rng(seed);
    let fake = Digest::of(format!("{}::fake", d().to_hex()).as_bytes());
    let (mut silent, mut real, mut faked) = (0u64, 0u64, 0u64);
    for i in 0..DRAWS {
        // A fresh node each time: an honest node would say nothing on a repeated pre-prepare, and
        // the tutorial's Byzantine branch does not look at preprepare_seen anyway.
        let mut node = TutorialNode::new(3, 4);
        let msg = pre_prepare(1, d());
        let out = corrupted(
            &mut TutorialAdversary,
            &mut node,
            3,
            4,
            &mut rng,
            Input::Deliver { from: 0, msg: &msg },
        );
        if out.is_empty() {
            silent += 1;
        } else if out == broadcast(prepare(1, d())) {
            real += 1;
        } else if out == broadcast(prepare(1, fake)) {
            faked += 1;
        } else {
            panic!("draw {i}, seed {seed}: unexpected outputs {out:?}");
        }
    }
    assert_binomial("no PREPARE", silent, DRAWS, 0.5, seed);
    assert_binomial("PREPARE with the real digest", real, DRAWS, 0.25, seed);
    assert_binomial(
        "PREPARE with sha256(hex + \"::fake\")",
        faked,
        DRAWS,
        0.25,
        seed,
    );
}

#[test]
fn byzantine_replica_never_sends_commit_or_commits() {
    let mut rng = adversary_rng(9);
    let mut node = TutorialNode::new(2, 4);
    let mut all = Vec::new();
    let msg = pre_prepare(1, d());
    all.extend(corrupted(
        &mut TutorialAdversary,
        &mut node,
        2,
        4,
        &mut rng,
        Input::Deliver { from: 0, msg: &msg },
    ));
    // A full quorum of matching prepares and commits: the honest handlers would broadcast COMMIT
    // and commit; the tutorial's `if self.byzantine: return` swallows both.
    for round in 0..3 {
        for from in 0..4 {
            for msg in [prepare(1, d()), commit(1, d())] {
                let out = corrupted(
                    &mut TutorialAdversary,
                    &mut node,
                    2,
                    4,
                    &mut rng,
                    Input::Deliver { from, msg: &msg },
                );
                assert_eq!(out, vec![], "round {round}, from {from}, {msg:?}");
            }
        }
    }
    assert!(all.iter().all(|o| !matches!(
        o,
        Output::Execute { .. }
            | Output::Send {
                msg: Message::Commit { .. },
                ..
            }
    )));
    assert_eq!(
        corrupted(
            &mut TutorialAdversary,
            &mut node,
            2,
            4,
            &mut rng,
            Input::Timer { id: 0 }
        ),
        vec![]
    );
}

#[test]
fn silent_adversary_emits_nothing() {
    let mut rng = adversary_rng(5);
    let mut primary = TutorialNode::new(0, 4);
    let propose = Input::Propose {
        seq: 1,
        payload: PAYLOAD,
    };
    assert_eq!(
        corrupted(&mut Silent, &mut primary, 0, 4, &mut rng, propose),
        vec![]
    );
    let mut node = TutorialNode::new(1, 4);
    let msgs = [pre_prepare(1, d()), prepare(1, d()), commit(1, d())];
    for _ in 0..4 {
        for from in 0..4 {
            for msg in &msgs {
                let input = Input::Deliver { from, msg };
                assert_eq!(
                    corrupted(&mut Silent, &mut node, 1, 4, &mut rng, input),
                    vec![]
                );
            }
        }
    }
}
