//! Handler tests: the exact outputs of a PBFT replica and client for each message kind.
//!
//! n = 4 (f = 1), K = 10, T = 100 ms; the client is endpoint 4. The tests play the engine: they
//! sign each delivered message in its sender's name with a test-only [`Signer`].

use super::*;
use crate::message::{NewViewProof, ViewChangeProof, NULL_DIGEST};
use crate::node::Dest;
use std::sync::Arc;

const T_US: u64 = 100_000;
const CLIENT: NodeId = 4;

fn params() -> PbftParams {
    PbftParams {
        nodes: 4,
        checkpoint_interval: 10,
        view_timeout_us: T_US,
    }
}

fn replica(id: NodeId) -> PbftReplica {
    PbftReplica::new(params(), Signer::for_test(id))
}

fn signed(by: NodeId, msg: Message) -> Signed {
    Signer::for_test(by).sign(msg)
}

fn deliver(r: &mut PbftReplica, by: NodeId, msg: Message) -> Vec<Output> {
    let mut out = Vec::new();
    r.deliver(&signed(by, msg), &mut out);
    out
}

fn timer(r: &mut PbftReplica) -> Vec<Output> {
    let mut out = Vec::new();
    r.handle(Input::Timer { id: VIEW_TIMER }, &mut out);
    out
}

fn d() -> Digest {
    Digest::of(b"tx: pay Alice->Bob 5")
}

fn request() -> Message {
    Message::Request {
        client: CLIENT,
        timestamp: 1,
        digest: d(),
    }
}

fn pp(view: u64, seq: u64, digest: Digest) -> Message {
    Message::PrePrepare { view, seq, digest }
}

fn prepare(view: u64, seq: u64, digest: Digest) -> Message {
    Message::Prepare { view, seq, digest }
}

fn commit(view: u64, seq: u64, digest: Digest) -> Message {
    Message::Commit { view, seq, digest }
}

fn others(msg: Message) -> Output {
    Output::Send {
        to: Dest::Others,
        msg,
    }
}

fn result(seq: u64, digest: Digest) -> Digest {
    Digest::of_parts(&[b"result", &seq.to_le_bytes(), &digest.0])
}

#[test]
fn request_at_primary_pre_prepares_and_at_backup_starts_the_timer() {
    assert_eq!(
        deliver(&mut replica(0), CLIENT, request()),
        vec![others(pp(0, 1, d()))]
    );
    assert_eq!(
        deliver(&mut replica(1), CLIENT, request()),
        vec![Output::SetTimer {
            id: VIEW_TIMER,
            after_us: T_US
        }]
    );
    // A replica cannot issue a request in the client's name.
    assert_eq!(deliver(&mut replica(0), 2, request()), vec![]);
}

#[test]
fn pre_prepare_is_accepted_only_from_the_primary_within_the_watermarks() {
    let mut r = replica(1);
    assert_eq!(deliver(&mut r, 2, pp(0, 1, d())), vec![]);
    assert_eq!(
        deliver(&mut r, 0, pp(0, 21, d())),
        vec![],
        "above H = 0 + 2K"
    );
    assert_eq!(
        deliver(&mut r, 0, pp(0, 1, d())),
        vec![others(prepare(0, 1, d()))]
    );
    // A second digest for the same (view, seq) is ignored.
    assert_eq!(deliver(&mut r, 0, pp(0, 1, Digest::of(b"other"))), vec![]);
}

#[test]
fn prepared_with_2f_backup_prepares_then_committed_with_2f_plus_1_commits() {
    let mut r = replica(1);
    deliver(&mut r, CLIENT, request());
    deliver(&mut r, 0, pp(0, 1, d()));
    // The primary's PREPARE does not count.
    assert_eq!(deliver(&mut r, 0, prepare(0, 1, d())), vec![]);
    // Own PREPARE + node 2's = 2f: prepared, COMMIT once.
    assert_eq!(
        deliver(&mut r, 2, prepare(0, 1, d())),
        vec![others(commit(0, 1, d()))]
    );
    assert_eq!(deliver(&mut r, 3, prepare(0, 1, d())), vec![]);
    assert_eq!(deliver(&mut r, 2, commit(0, 1, d())), vec![]);
    assert_eq!(
        deliver(&mut r, 3, commit(0, 1, d())),
        vec![
            Output::Commit {
                seq: 1,
                digest: d()
            },
            Output::Send {
                to: Dest::Node(CLIENT),
                msg: Message::Reply {
                    view: 0,
                    client: CLIENT,
                    timestamp: 1,
                    result: result(1, d()),
                },
            },
            Output::CancelTimer { id: VIEW_TIMER },
        ]
    );
    assert_eq!(r.last_executed(), 1);
    // A retransmitted request gets the cached reply.
    assert_eq!(
        deliver(&mut r, CLIENT, request()),
        vec![Output::Send {
            to: Dest::Node(CLIENT),
            msg: Message::Reply {
                view: 0,
                client: CLIENT,
                timestamp: 1,
                result: result(1, d()),
            },
        }]
    );
}

#[test]
fn a_commit_certificate_decides_a_slot_whose_pre_prepare_differed() {
    let mut r = replica(3);
    deliver(&mut r, 0, pp(0, 1, Digest::of(b"twin")));
    deliver(&mut r, 0, commit(0, 1, d()));
    deliver(&mut r, 1, commit(0, 1, d()));
    assert_eq!(
        deliver(&mut r, 2, commit(0, 1, d())),
        vec![Output::Commit {
            seq: 1,
            digest: d()
        }]
    );
}

#[test]
fn checkpoint_every_k_becomes_stable_at_2f_plus_1_and_collects_the_log() {
    let mut r = PbftReplica::new(
        PbftParams {
            checkpoint_interval: 1,
            ..params()
        },
        Signer::for_test(1),
    );
    deliver(&mut r, 0, pp(0, 1, d()));
    deliver(&mut r, 2, prepare(0, 1, d()));
    deliver(&mut r, 2, commit(0, 1, d()));
    let out = deliver(&mut r, 3, commit(0, 1, d()));
    let state = Digest::of_parts(&[&[0; 32], &1u64.to_le_bytes(), &d().0]);
    assert_eq!(
        out.last(),
        Some(&others(Message::Checkpoint { seq: 1, state }))
    );
    assert_eq!((r.low_watermark(), r.log_len()), (0, 1));
    assert_eq!(
        deliver(&mut r, 2, Message::Checkpoint { seq: 1, state }),
        vec![]
    );
    assert_eq!(r.low_watermark(), 0, "2 of 2f + 1");
    assert_eq!(
        deliver(&mut r, 3, Message::Checkpoint { seq: 1, state }),
        vec![]
    );
    assert_eq!(
        (r.low_watermark(), r.high_watermark(), r.log_len()),
        (1, 3, 0)
    );
}

#[test]
fn timer_expiry_sends_view_change_and_doubles_the_next_timeout() {
    let mut r = replica(2);
    deliver(&mut r, CLIENT, request());
    let vc = Message::ViewChange {
        view: 1,
        proof: Arc::new(ViewChangeProof {
            stable_seq: 0,
            checkpoint: vec![],
            prepared: vec![],
        }),
    };
    assert_eq!(
        timer(&mut r),
        vec![
            Output::StartViewChange { view: 1 },
            others(vc),
            Output::SetTimer {
                id: VIEW_TIMER,
                after_us: 2 * T_US
            },
        ]
    );
    assert!(r.changing_view());
    // Normal-case messages of the old view are no longer accepted.
    assert_eq!(deliver(&mut r, 0, pp(0, 1, d())), vec![]);
    // No NEW-VIEW in time: on to view 2, waiting 4T.
    assert_eq!(
        timer(&mut r).last(),
        Some(&Output::SetTimer {
            id: VIEW_TIMER,
            after_us: 4 * T_US
        })
    );
}

/// A VIEW-CHANGE for view 1 from `by`, with a prepared certificate for seq 2 (digest d, view
/// 0) when `cert`: seq 1 prepared nowhere, so the NEW-VIEW must fill it with a null request.
fn view_change(by: NodeId, cert: bool) -> Signed {
    let prepared = if cert {
        vec![PreparedCert {
            pre_prepare: signed(0, pp(0, 2, d())),
            prepares: vec![signed(2, prepare(0, 2, d())), signed(3, prepare(0, 2, d()))],
        }]
    } else {
        vec![]
    };
    signed(
        by,
        Message::ViewChange {
            view: 1,
            proof: Arc::new(ViewChangeProof {
                stable_seq: 0,
                checkpoint: vec![],
                prepared,
            }),
        },
    )
}

#[test]
fn new_primary_sends_new_view_with_a_null_request_for_the_gap() {
    let mut r = replica(1);
    deliver(&mut r, CLIENT, request());
    timer(&mut r);
    let mut out = Vec::new();
    r.deliver(&view_change(2, true), &mut out);
    assert_eq!(out, vec![], "2 of 2f + 1 VIEW-CHANGEs");
    r.deliver(&view_change(3, false), &mut out);
    let expected_nv = Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![
                view_change(1, false),
                view_change(2, true),
                view_change(3, false),
            ],
            pre_prepares: vec![signed(1, pp(1, 1, NULL_DIGEST)), signed(1, pp(1, 2, d()))],
        }),
    };
    assert_eq!(
        out,
        vec![
            others(expected_nv),
            Output::EnterView { view: 1 },
            Output::CancelTimer { id: VIEW_TIMER },
        ]
    );
    assert_eq!((r.view(), r.changing_view()), (1, false));
}

fn new_view(pre_prepares: Vec<Signed>) -> Message {
    Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![
                view_change(1, false),
                view_change(2, true),
                view_change(3, false),
            ],
            pre_prepares,
        }),
    }
}

#[test]
fn backup_checks_new_view_by_signatures_and_prepares_its_pre_prepares() {
    let good = vec![signed(1, pp(1, 1, NULL_DIGEST)), signed(1, pp(1, 2, d()))];
    let mut r = replica(2);
    assert_eq!(
        deliver(&mut r, 1, new_view(good.clone())),
        vec![
            Output::EnterView { view: 1 },
            others(prepare(1, 1, NULL_DIGEST)),
            others(prepare(1, 2, d())),
        ]
    );
    // From the wrong primary, with O not what V implies, or with a forged certificate: ignored.
    assert_eq!(deliver(&mut replica(2), 3, new_view(good.clone())), vec![]);
    let altered = vec![signed(1, pp(1, 1, d())), signed(1, pp(1, 2, d()))];
    assert_eq!(deliver(&mut replica(2), 1, new_view(altered)), vec![]);
    let forged = Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![
                view_change(1, false),
                view_change(2, false),
                // A prepared certificate "signed" by the primary as a backup: not 2f backups.
                signed(
                    3,
                    Message::ViewChange {
                        view: 1,
                        proof: Arc::new(ViewChangeProof {
                            stable_seq: 0,
                            checkpoint: vec![],
                            prepared: vec![PreparedCert {
                                pre_prepare: signed(0, pp(0, 2, d())),
                                prepares: vec![
                                    signed(0, prepare(0, 2, d())),
                                    signed(3, prepare(0, 2, d())),
                                ],
                            }],
                        }),
                    },
                ),
            ],
            pre_prepares: good,
        }),
    };
    assert_eq!(deliver(&mut replica(2), 1, forged), vec![]);
}

#[test]
fn f_plus_1_view_changes_for_a_higher_view_make_a_replica_join() {
    let mut r = replica(0);
    let mut out = Vec::new();
    r.deliver(&view_change(2, false), &mut out);
    assert_eq!(out, vec![]);
    r.deliver(&view_change(3, false), &mut out);
    assert_eq!(out.first(), Some(&Output::StartViewChange { view: 1 }));
    assert_eq!(r.view(), 1);
}

#[test]
fn client_accepts_f_plus_1_matching_replies_and_retransmits_on_timeout() {
    let mut c = PbftClient::new(CLIENT, 4, 1, T_US);
    let mut out = Vec::new();
    c.handle(
        Input::Propose {
            seq: 1,
            payload: b"tx: pay Alice->Bob 5",
        },
        &mut out,
    );
    let send = Output::Send {
        to: Dest::All,
        msg: request(),
    };
    let set = Output::SetTimer {
        id: client::RETRANSMIT_TIMER,
        after_us: T_US,
    };
    assert_eq!(out, vec![send.clone(), set.clone()]);
    out.clear();
    c.handle(Input::Timer { id: 1 }, &mut out);
    assert_eq!(out, vec![send, set], "retransmission");
    let reply = |result| Message::Reply {
        view: 0,
        client: CLIENT,
        timestamp: 1,
        result,
    };
    out.clear();
    let (good, bad) = (reply(result(1, d())), reply(Digest::of(b"lie")));
    c.handle(
        Input::Deliver {
            from: 0,
            msg: &good,
        },
        &mut out,
    );
    c.handle(
        Input::Deliver {
            from: 0,
            msg: &good,
        },
        &mut out,
    );
    c.handle(Input::Deliver { from: 1, msg: &bad }, &mut out);
    assert_eq!(
        out,
        vec![],
        "one replier twice and one mismatch are not f + 1"
    );
    c.handle(
        Input::Deliver {
            from: 2,
            msg: &good,
        },
        &mut out,
    );
    assert_eq!(
        out,
        vec![
            Output::CancelTimer {
                id: client::RETRANSMIT_TIMER
            },
            Output::Accept {
                timestamp: 1,
                result: result(1, d())
            },
        ]
    );
    assert_eq!(c.accepted(), 1);
}
