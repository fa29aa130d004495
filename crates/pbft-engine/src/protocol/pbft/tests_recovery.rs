//! Handler tests for recovery: view change (with its timer rules), retransmission (STATUS) and
//! state transfer (FETCH → STATE). Same cluster as `tests`: n = 4, K = 10, T = 100 ms.

use super::tests::*;
use super::timers::{STATUS_TIMER, VIEW_TIMER};
use super::*;
use crate::message::{NewViewProof, PreparedCert, StatusReport, ViewChangeProof, NULL_DIGEST};
use crate::node::Dest;
use crate::voters::VoterSet;

fn view_change_msg(view: u64, prepared: Vec<PreparedCert>) -> Message {
    Message::ViewChange {
        view,
        proof: Arc::new(ViewChangeProof {
            stable_seq: 0,
            checkpoint: vec![],
            prepared,
        }),
    }
}

/// A prepared certificate for request 1 at seq 2 in view 0 (PREPAREs from backups 2 and 3).
fn cert() -> PreparedCert {
    PreparedCert {
        pre_prepare: signed(0, pp(0, 2)),
        prepares: vec![signed(2, prepare(0, 2, d())), signed(3, prepare(0, 2, d()))],
    }
}

/// `by`'s VIEW-CHANGE for view 1, with the certificate when `with_cert`: seq 1 prepared nowhere,
/// so a NEW-VIEW must fill it with a null request.
fn vc(by: NodeId, with_cert: bool) -> Signed {
    let prepared = if with_cert { vec![cert()] } else { vec![] };
    signed(by, view_change_msg(1, prepared))
}

/// Replica `id` that waited for request 1 and timed out: changing to view 1.
fn timed_out(id: NodeId) -> PbftReplica {
    let mut r = replica(id);
    deliver(&mut r, CLIENT, request());
    fire(&mut r, VIEW_TIMER);
    r
}

fn deliver_signed(r: &mut PbftReplica, msg: &Signed) -> Vec<Output> {
    let mut out = Vec::new();
    r.deliver(msg, &mut out);
    out
}

fn views(out: &[Output]) -> Vec<&Output> {
    out.iter()
        .filter(|o| {
            matches!(
                o,
                Output::SetTimer { id: VIEW_TIMER, .. } | Output::CancelTimer { id: VIEW_TIMER }
            )
        })
        .collect()
}

#[test]
fn timer_expiry_sends_view_change_and_the_next_timer_waits_for_2f_plus_1() {
    let mut r = replica(3);
    deliver(&mut r, CLIENT, request());
    assert_eq!(
        fire(&mut r, VIEW_TIMER),
        vec![
            Output::StartViewChange { view: 1 },
            others(view_change_msg(1, vec![])),
            set(STATUS_TIMER, TICK_US),
        ],
        "no view-change timer yet: 1 of 2f + 1 VIEW-CHANGEs"
    );
    assert!(r.changing_view() && !r.view_timer_running());
    // Normal-case messages of the old view are no longer accepted.
    assert!(views(&deliver(&mut r, 0, pp(0, 1))).is_empty());
    assert!(views(&deliver_signed(&mut r, &vc(2, false))).is_empty());
    // The third VIEW-CHANGE: the timer for view 1 starts, with T (the first new view).
    assert_eq!(
        views(&deliver_signed(&mut r, &vc(0, false))),
        vec![&set(VIEW_TIMER, T_US)]
    );
    // No NEW-VIEW in time: on to view 2, whose timer waits 2T once 2f + 1 ask for it.
    let out = fire(&mut r, VIEW_TIMER);
    assert_eq!(
        out[..2],
        [
            Output::StartViewChange { view: 2 },
            others(view_change_msg(2, vec![]))
        ]
    );
    assert!(views(&out).is_empty());
    assert!(views(&deliver(&mut r, 0, view_change_msg(2, vec![]))).is_empty());
    let out = deliver(&mut r, 1, view_change_msg(2, vec![]));
    assert_eq!(views(&out), vec![&set(VIEW_TIMER, 2 * T_US)]);
}

#[test]
fn the_kth_view_change_since_the_last_execution_waits_t_times_2_to_the_k_minus_1() {
    let mut r = replica(3);
    let waits: Vec<u64> = (0..5)
        .map(|k| {
            r.attempts = k;
            r.timeout_us() / T_US
        })
        .collect();
    assert_eq!(
        waits,
        [1, 1, 2, 4, 8],
        "normal case, then views v + 1, v + 2, …"
    );
}

#[test]
fn new_primary_sends_new_view_with_a_null_request_and_numbers_from_max_s_plus_1() {
    let mut r = timed_out(1);
    assert_eq!(deliver_signed(&mut r, &vc(2, true))[..0], []);
    let out = deliver_signed(&mut r, &vc(3, false));
    let expected_nv = Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![vc(1, false), vc(2, true), vc(3, false)],
            pre_prepares: vec![
                signed(
                    1,
                    Message::PrePrepare {
                        view: 1,
                        seq: 1,
                        digest: NULL_DIGEST,
                        request: None,
                    },
                ),
                signed(1, pp(1, 2)),
            ],
        }),
    };
    assert_eq!(
        out[..2],
        [others(expected_nv), Output::EnterView { view: 1 }]
    );
    assert_eq!((r.view(), r.changing_view()), (1, false));
    // Request 1 is in O; the client's next request gets max-s + 1 = 3.
    let out = deliver(&mut r, CLIENT, request_of(2));
    assert_eq!(out[0], others(pp_of(1, 3, 2)));
}

fn new_view(pre_prepares: Vec<Signed>) -> Message {
    Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![vc(1, false), vc(2, true), vc(3, false)],
            pre_prepares,
        }),
    }
}

fn null_pp(seq: u64) -> Signed {
    signed(
        1,
        Message::PrePrepare {
            view: 1,
            seq,
            digest: NULL_DIGEST,
            request: None,
        },
    )
}

#[test]
fn backup_accepts_a_new_view_it_recomputes_and_prepares_its_pre_prepares() {
    let good = vec![null_pp(1), signed(1, pp(1, 2))];
    let mut r = replica(2);
    assert_eq!(
        deliver(&mut r, 1, new_view(good))[..3],
        [
            Output::EnterView { view: 1 },
            others(prepare(1, 1, NULL_DIGEST)),
            others(prepare(1, 2, d())),
        ]
    );
}

#[test]
fn backup_rejects_a_new_view_from_the_wrong_primary_a_forged_o_or_a_forged_certificate() {
    let good = vec![null_pp(1), signed(1, pp(1, 2))];
    assert_eq!(deliver(&mut replica(2), 3, new_view(good.clone())), vec![]);
    // O without the prepared request (dropped), or with it moved to another sequence number.
    let dropped = vec![null_pp(1), null_pp(2)];
    assert_eq!(deliver(&mut replica(2), 1, new_view(dropped)), vec![]);
    let moved = vec![null_pp(1), null_pp(2), signed(1, pp(1, 3))];
    assert_eq!(deliver(&mut replica(2), 1, new_view(moved)), vec![]);
    // A prepared certificate "signed" by the primary as a backup: not 2f backups.
    let forged_cert = PreparedCert {
        pre_prepare: signed(0, pp(0, 2)),
        prepares: vec![signed(0, prepare(0, 2, d())), signed(3, prepare(0, 2, d()))],
    };
    let forged = Message::NewView {
        view: 1,
        proof: Arc::new(NewViewProof {
            view_changes: vec![
                vc(1, false),
                vc(2, false),
                signed(3, view_change_msg(1, vec![forged_cert])),
            ],
            pre_prepares: good,
        }),
    };
    assert_eq!(deliver(&mut replica(2), 1, forged), vec![]);
}

#[test]
fn f_plus_1_view_changes_for_a_higher_view_make_a_replica_join() {
    let mut r = replica(0);
    assert_eq!(deliver_signed(&mut r, &vc(2, false)), vec![]);
    let out = deliver_signed(&mut r, &vc(3, false));
    assert_eq!(out.first(), Some(&Output::StartViewChange { view: 1 }));
    assert_eq!(r.view(), 1);
}

#[test]
fn executing_through_a_commit_certificate_mid_view_change_keeps_the_timer() {
    // Issue 10, bug 2: a replica waiting for NEW-VIEW that executes through a commit
    // certificate must not lose its view-change timer.
    let mut r = timed_out(2);
    deliver_signed(&mut r, &vc(0, false));
    deliver_signed(&mut r, &vc(3, false));
    assert!(r.view_timer_running());
    deliver(&mut r, 0, commit(0, 1, d()));
    deliver(&mut r, 1, commit(0, 1, d()));
    let out = deliver(&mut r, 3, commit(0, 1, d()));
    assert_eq!(out[0], execute(1, 1));
    assert!(views(&out).is_empty(), "{out:?}");
    assert!(r.view_timer_running() && r.changing_view());
}

#[test]
fn a_silent_period_retransmits_and_the_next_one_is_twice_as_long() {
    let mut r = timed_out(2);
    // The timer ticks every P/2; two silent ticks make a silent period.
    assert_eq!(fire(&mut r, STATUS_TIMER), vec![set(STATUS_TIMER, TICK_US)]);
    let out = fire(&mut r, STATUS_TIMER);
    let own_vc = signed(2, view_change_msg(1, vec![]));
    assert_eq!(
        out[0],
        Output::Relay {
            to: Dest::Others,
            msg: own_vc
        }
    );
    assert!(
        matches!(&out[1], Output::Send { to: Dest::Others, msg: Message::Status(s) }
        if s.view == 1 && s.changing && s.view_changes.to_vec() == vec![2])
    );
    assert_eq!(out[2], set(STATUS_TIMER, 2 * TICK_US), "backed off");
    // Progress (a VIEW-CHANGE collected) before the next tick starts over at the base period.
    deliver_signed(&mut r, &vc(3, false));
    assert_eq!(fire(&mut r, STATUS_TIMER), vec![set(STATUS_TIMER, TICK_US)]);
}

fn status(view: u64, changing: bool, low: u64, last: u64, holds: &[NodeId]) -> Message {
    let mut view_changes = VoterSet::new();
    for &h in holds {
        view_changes.insert(h);
    }
    Message::Status(Arc::new(StatusReport {
        view,
        changing,
        low,
        last_executed: last,
        prepared: vec![],
        committed: vec![],
        view_changes,
    }))
}

#[test]
fn status_from_a_replica_behind_gets_the_new_view_or_the_view_change_it_lacks() {
    let mut primary = timed_out(1);
    deliver_signed(&mut primary, &vc(2, true));
    deliver_signed(&mut primary, &vc(3, false));
    let nv = primary.new_view.clone().expect("entered view 1");
    // Replica 0 is still in view 0: it gets the NEW-VIEW, relayed.
    let out = deliver(&mut primary, 0, status(0, false, 0, 0, &[]));
    assert_eq!(
        out[0],
        Output::Relay {
            to: Dest::Node(0),
            msg: nv
        }
    );
    // A replica changing to view 1 without 3's VIEW-CHANGE gets it from 3.
    let mut r3 = timed_out(3);
    let out = deliver(&mut r3, 0, status(1, true, 0, 0, &[0, 1]));
    assert_eq!(
        out,
        vec![Output::Relay {
            to: Dest::Node(0),
            msg: signed(3, view_change_msg(1, vec![]))
        }]
    );
    assert_eq!(deliver(&mut r3, 0, status(1, true, 0, 0, &[0, 3])), vec![]);
}

#[test]
fn status_of_a_replica_that_missed_a_slot_gets_the_pre_prepare_and_the_votes() {
    let mut r = replica(1);
    execute_at(&mut r, 1, 1);
    let out = deliver(&mut r, 2, status(0, false, 0, 0, &[]));
    assert_eq!(
        out,
        vec![
            Output::Send {
                to: Dest::Node(2),
                msg: Message::Checkpoint {
                    seq: 1,
                    state: r.current_snapshot().digest()
                }
            },
            Output::Relay {
                to: Dest::Node(2),
                msg: signed(0, pp(0, 1))
            },
            Output::Send {
                to: Dest::Node(2),
                msg: prepare(0, 1, d())
            },
            Output::Send {
                to: Dest::Node(2),
                msg: commit(0, 1, d())
            },
        ]
    );
}

#[test]
fn state_transfer_fetches_a_vouched_checkpoint_and_adopts_only_the_proven_state() {
    let mut ahead = replica(1);
    execute_at(&mut ahead, 1, 1);
    let snapshot = Arc::new(ahead.current_snapshot());
    let state = snapshot.digest();
    // Replica 2 missed everything; f + 1 replicas vouch for the state after seq 1.
    let mut behind = replica(2);
    deliver(&mut behind, 1, Message::Checkpoint { seq: 1, state });
    deliver(&mut behind, 3, Message::Checkpoint { seq: 1, state });
    fire(&mut behind, STATUS_TIMER);
    let out = fire(&mut behind, STATUS_TIMER);
    assert!(out.contains(&Output::Send {
        to: Dest::Node(1),
        msg: Message::Fetch { seq: 1 }
    }));
    let answer = deliver(&mut ahead, 2, Message::Fetch { seq: 1 });
    assert_eq!(
        answer,
        vec![Output::Send {
            to: Dest::Node(2),
            msg: Message::State {
                seq: 1,
                snapshot: snapshot.clone()
            }
        }]
    );
    // A state that does not hash to the vouched digest is ignored.
    let mut wrong = (*snapshot).clone();
    wrong.clients.clear();
    let bad = Message::State {
        seq: 1,
        snapshot: Arc::new(wrong),
    };
    assert_eq!(deliver(&mut behind, 1, bad), vec![]);
    let out = deliver(
        &mut behind,
        1,
        Message::State {
            seq: 1,
            snapshot: snapshot.clone(),
        },
    );
    assert_eq!(out[0], Output::AdoptState { snapshot });
    assert_eq!(behind.last_executed(), 1);
    // Exactly once carries over: the client's retransmission gets the same reply.
    assert_eq!(
        deliver(&mut behind, CLIENT, request()),
        vec![reply(0, 1, 1)]
    );
}

#[test]
fn a_re_elected_primary_numbers_from_max_s_plus_1_not_its_old_counter() {
    // Replica 0 assigned seq 1, 2, 3 in view 0; only seq 1 prepared anywhere. Re-elected as the
    // primary of view 4, it must number from max-s + 1 = 2, or seq 2 stays a hole.
    let mut r = replica(0);
    for t in 1..=3 {
        deliver(&mut r, CLIENT, request_of(t));
    }
    let cert = PreparedCert {
        pre_prepare: signed(0, pp(0, 1)),
        prepares: vec![signed(2, prepare(0, 1, d())), signed(3, prepare(0, 1, d()))],
    };
    let vc4 = |by| signed(by, view_change_msg(4, vec![cert.clone()]));
    deliver_signed(&mut r, &vc4(1));
    let out = deliver_signed(&mut r, &vc4(2));
    let pre_prepares: Vec<(u64, u64)> = out
        .iter()
        .filter_map(|o| match o {
            Output::Send {
                msg:
                    Message::PrePrepare {
                        view: 4,
                        seq,
                        request: Some(req),
                        ..
                    },
                ..
            } => super::book::request_id(req).map(|(id, _)| (*seq, id.timestamp)),
            _ => None,
        })
        .collect();
    assert!(out.contains(&Output::EnterView { view: 4 }), "{out:?}");
    // Request 1 is re-issued at 1 inside the NEW-VIEW; 2 and 3 follow at 2 and 3.
    assert_eq!(pre_prepares, vec![(2, 2), (3, 3)]);
}
