//! Handler tests for the normal case, checkpoints and the client: the exact outputs of a PBFT
//! replica or client for each message kind and rule. View change, timers, retransmission and
//! state transfer are in `tests_recovery`.
//!
//! n = 4 (f = 1, quorum 3), K = 10, T = 100 ms; the client is endpoint 4. The tests play the
//! engine: they sign each delivered message in its sender's name with a test-only [`Signer`].

use super::timers::{STATUS_TIMER, VIEW_TIMER};
use super::*;
use crate::message::NULL_DIGEST;
use crate::node::Dest;

pub(super) const T_US: u64 = 100_000;
/// The retransmission timer's tick: half its period P = 5T/16.
pub(super) const TICK_US: u64 = T_US * 5 / 32;
pub(super) const CLIENT: NodeId = 4;

pub(super) fn params() -> PbftParams {
    PbftParams {
        nodes: 4,
        checkpoint_interval: 10,
        view_timeout_us: T_US,
    }
}

pub(super) fn replica(id: NodeId) -> PbftReplica {
    PbftReplica::new(params(), Signer::for_test(id))
}

pub(super) fn signed(by: NodeId, msg: Message) -> Signed {
    Signer::for_test(by).sign(msg)
}

pub(super) fn deliver(r: &mut PbftReplica, by: NodeId, msg: Message) -> Vec<Output> {
    let mut out = Vec::new();
    r.deliver(&signed(by, msg), &mut out);
    out
}

#[allow(dead_code)]
pub(super) fn fire(r: &mut PbftReplica, id: u64) -> Vec<Output> {
    let mut out = Vec::new();
    r.handle(Input::Timer { id }, &mut out);
    out
}

/// The digest of the client's request `t` (`t` = 1 is the tutorial's payload).
pub(super) fn d_of(t: u64) -> Digest {
    Digest::of(crate::sim::payload(0, t).as_bytes())
}

pub(super) fn d() -> Digest {
    d_of(1)
}

pub(super) fn request_of(t: u64) -> Message {
    Message::Request {
        client: CLIENT,
        timestamp: t,
        digest: d_of(t),
    }
}

pub(super) fn request() -> Message {
    request_of(1)
}

/// The client's signed request `t`, as a PRE-PREPARE carries it.
pub(super) fn signed_request(t: u64) -> Arc<Signed> {
    Arc::new(signed(CLIENT, request_of(t)))
}

/// The PRE-PREPARE of request `t` at (`view`, `seq`).
pub(super) fn pp_of(view: u64, seq: u64, t: u64) -> Message {
    Message::PrePrepare {
        view,
        seq,
        digest: d_of(t),
        request: Some(signed_request(t)),
    }
}

pub(super) fn pp(view: u64, seq: u64) -> Message {
    pp_of(view, seq, 1)
}

pub(super) fn prepare(view: u64, seq: u64, digest: Digest) -> Message {
    Message::Prepare { view, seq, digest }
}

pub(super) fn commit(view: u64, seq: u64, digest: Digest) -> Message {
    Message::Commit { view, seq, digest }
}

pub(super) fn others(msg: Message) -> Output {
    Output::Send {
        to: Dest::Others,
        msg,
    }
}

pub(super) fn set(id: u64, after_us: u64) -> Output {
    Output::SetTimer { id, after_us }
}

pub(super) fn result(seq: u64, digest: Digest) -> Digest {
    Digest::of_parts(&[b"result", &seq.to_le_bytes(), &digest.0])
}

pub(super) fn reply(view: u64, t: u64, seq: u64) -> Output {
    Output::Send {
        to: Dest::Node(CLIENT),
        msg: Message::Reply {
            view,
            client: CLIENT,
            timestamp: t,
            result: result(seq, d_of(t)),
        },
    }
}

pub(super) fn execute(seq: u64, t: u64) -> Output {
    Output::Execute {
        seq,
        digest: d_of(t),
        request: Some(RequestId {
            client: CLIENT,
            timestamp: t,
        }),
    }
}

/// Drives replica `r` (a backup of view 0) to execute request `t` at `seq`.
pub(super) fn execute_at(r: &mut PbftReplica, seq: u64, t: u64) -> Vec<Output> {
    let (digest, me) = (d_of(t), r.id());
    deliver(r, 0, pp_of(0, seq, t));
    for by in [1, 2, 3].into_iter().filter(|&b| b != me) {
        deliver(r, by, prepare(0, seq, digest));
    }
    let mut out = Vec::new();
    for by in [0, 1, 2, 3].into_iter().filter(|&b| b != me) {
        out.extend(deliver(r, by, commit(0, seq, digest)));
    }
    out
}

#[test]
fn request_at_the_primary_pre_prepares_it_with_the_signed_request() {
    assert_eq!(
        deliver(&mut replica(0), CLIENT, request()),
        vec![others(pp(0, 1)), set(STATUS_TIMER, TICK_US)]
    );
}

#[test]
fn request_at_a_backup_is_relayed_to_the_primary_and_starts_the_timer() {
    assert_eq!(
        deliver(&mut replica(1), CLIENT, request()),
        vec![
            Output::Relay {
                to: Dest::Node(0),
                msg: signed(CLIENT, request())
            },
            set(VIEW_TIMER, T_US)
        ]
    );
    // A replica cannot issue a request in the client's name.
    assert_eq!(deliver(&mut replica(0), 2, request()), vec![]);
}

#[test]
fn pre_prepare_needs_the_primary_the_window_and_a_request_the_client_signed() {
    let mut r = replica(1);
    assert_eq!(deliver(&mut r, 2, pp(0, 1)), vec![], "not the primary");
    let timers = vec![set(VIEW_TIMER, T_US)];
    // The request it carries is real: the backup now waits for it.
    assert_eq!(deliver(&mut r, 0, pp(0, 21)), timers, "above H = 0 + 2K");
    let unsigned = |digest, request| Message::PrePrepare {
        view: 0,
        seq: 1,
        digest,
        request,
    };
    let twin = Digest::of(b"made up");
    assert_eq!(
        deliver(&mut r, 0, unsigned(twin, Some(signed_request(1)))),
        vec![]
    );
    assert_eq!(
        deliver(&mut r, 0, unsigned(d(), None)),
        vec![],
        "no request"
    );
    let by_replica = Some(Arc::new(signed(3, request())));
    assert_eq!(deliver(&mut r, 0, unsigned(d(), by_replica)), vec![]);
    assert_eq!(
        deliver(&mut r, 0, unsigned(NULL_DIGEST, None)),
        vec![],
        "null outside O"
    );
    assert_eq!(
        deliver(&mut r, 0, pp(0, 1)),
        vec![others(prepare(0, 1, d())), set(STATUS_TIMER, TICK_US)]
    );
    // One digest per (view, seq): another request at the same sequence number is ignored.
    assert_eq!(deliver(&mut r, 0, pp_of(0, 1, 2)), vec![]);
}

#[test]
fn prepared_with_2f_backup_prepares_then_committed_local_with_2f_plus_1_commits() {
    let mut r = replica(1);
    deliver(&mut r, 0, pp(0, 1));
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
            execute(1, 1),
            reply(0, 1, 1),
            Output::CancelTimer { id: VIEW_TIMER },
        ]
    );
    assert_eq!(r.last_executed(), 1);
    // A retransmitted request gets the cached reply.
    assert_eq!(deliver(&mut r, CLIENT, request()), vec![reply(0, 1, 1)]);
}

#[test]
fn a_commit_certificate_decides_a_slot_once_the_request_is_known() {
    // Backup 3 rejected the primary's PRE-PREPARE (a digest no client signed), then sees 2f + 1
    // COMMITs for d: d is decided, but executing needs the request itself.
    let mut r = replica(3);
    let twin = Message::PrePrepare {
        view: 0,
        seq: 1,
        digest: Digest::of(b"twin"),
        request: Some(signed_request(1)),
    };
    deliver(&mut r, 0, twin);
    deliver(&mut r, 0, commit(0, 1, d()));
    deliver(&mut r, 1, commit(0, 1, d()));
    assert_eq!(
        deliver(&mut r, 2, commit(0, 1, d())),
        vec![],
        "committed, waiting for the request's body (the retransmission timer runs)"
    );
    assert_eq!(r.committed(1), Some(d()));
    // A relayed PRE-PREPARE (say, of a later view) carries it.
    let out = deliver(&mut r, 1, pp(1, 1));
    assert_eq!(&out[..2], &[execute(1, 1), reply(0, 1, 1)]);
}

#[test]
fn a_request_executes_once_even_if_assigned_twice() {
    let mut r = replica(1);
    execute_at(&mut r, 1, 1);
    let out = execute_at(&mut r, 2, 1);
    assert_eq!(
        out.first(),
        Some(&Output::Execute {
            seq: 2,
            digest: d(),
            request: None
        }),
        "a no-op the second time: no reply, no new result"
    );
    assert!(!out.iter().any(|o| matches!(
        o,
        Output::Send {
            msg: Message::Reply { .. },
            ..
        }
    )));
    // An older timestamp than the last executed is not even pending.
    assert_eq!(deliver(&mut r, CLIENT, request_of(1)), vec![reply(0, 1, 1)]);
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
    let out = execute_at(&mut r, 1, 1);
    let state = r.current_snapshot().digest();
    assert!(out.contains(&others(Message::Checkpoint { seq: 1, state })));
    assert_eq!((r.low_watermark(), r.log_len()), (0, 1));
    deliver(&mut r, 2, Message::Checkpoint { seq: 1, state });
    assert_eq!(r.low_watermark(), 0, "2 of 2f + 1");
    deliver(&mut r, 3, Message::Checkpoint { seq: 1, state });
    assert_eq!(
        (r.low_watermark(), r.high_watermark(), r.log_len()),
        (1, 3, 0)
    );
}

#[test]
fn the_checkpoint_digest_covers_the_exactly_once_table() {
    let mut a = replica(1);
    execute_at(&mut a, 1, 1);
    let snapshot = a.current_snapshot();
    assert_eq!(snapshot.clients.len(), 1);
    let mut other = snapshot.clone();
    other.clients[0].timestamp = 0;
    assert_ne!(snapshot.digest(), other.digest());
}

#[test]
fn the_primary_waits_for_the_window_to_move() {
    let mut r = PbftReplica::new(
        PbftParams {
            checkpoint_interval: 1,
            ..params()
        },
        Signer::for_test(0),
    );
    let mut other = Message::Request {
        client: CLIENT + 1,
        timestamp: 1,
        digest: Digest::of(b"x"),
    };
    deliver(&mut r, CLIENT, request());
    deliver(&mut r, CLIENT, request_of(2));
    // H = 2: a third request waits.
    if let Message::Request { ref mut client, .. } = other {
        *client = CLIENT + 1;
    }
    let out = deliver(&mut r, CLIENT + 1, other);
    assert!(!out.iter().any(|o| matches!(
        o,
        Output::Send {
            msg: Message::PrePrepare { .. },
            ..
        }
    )));
    assert_eq!(r.high_watermark(), 2);
}

#[test]
fn client_sends_to_the_primary_then_multicasts_with_doubling_timeouts() {
    let mut c = PbftClient::new(0, 4, 2, T_US);
    let mut out = Vec::new();
    c.handle(
        Input::Propose {
            seq: 1,
            payload: crate::sim::payload(0, 1).as_bytes(),
        },
        &mut out,
    );
    let to = |to| Output::Send { to, msg: request() };
    let timer = |after_us| set(client::RETRANSMIT_TIMER, after_us);
    assert_eq!(out, vec![to(Dest::Node(0)), timer(T_US)]);
    for k in 1..=client::MAX_CLIENT_BACKOFF + 2 {
        out.clear();
        c.handle(Input::Timer { id: 1 }, &mut out);
        let backoff = k.min(client::MAX_CLIENT_BACKOFF);
        assert_eq!(
            out,
            vec![to(Dest::All), timer(T_US << backoff)],
            "retry {k}"
        );
    }
}

#[test]
fn client_accepts_f_plus_1_matching_replies_and_follows_the_view_they_vouch_for() {
    let mut c = PbftClient::new(0, 4, 2, T_US);
    let mut out = Vec::new();
    let payload = crate::sim::payload(0, 1);
    c.handle(
        Input::Propose {
            seq: 1,
            payload: payload.as_bytes(),
        },
        &mut out,
    );
    let msg = |view, result| Message::Reply {
        view,
        client: CLIENT,
        timestamp: 1,
        result,
    };
    let (good, bad) = (result(1, d()), Digest::of(b"lie"));
    out.clear();
    let from = |c: &mut PbftClient, by, m: Message| {
        let mut o = Vec::new();
        c.handle(Input::Deliver { from: by, msg: &m }, &mut o);
        o
    };
    assert_eq!(from(&mut c, 0, msg(9, good)), vec![]);
    assert_eq!(from(&mut c, 0, msg(9, good)), vec![], "one replier twice");
    assert_eq!(from(&mut c, 1, msg(2, bad)), vec![], "a mismatch");
    let out = from(&mut c, 2, msg(2, good));
    assert_eq!(
        out[..2],
        [
            Output::CancelTimer {
                id: client::RETRANSMIT_TIMER
            },
            Output::Accept {
                timestamp: 1,
                result: good
            },
        ]
    );
    // Views reported: 9, 2, 2. Only one replica claims 9; f + 1 = 2 vouch for view 2, whose
    // primary is replica 2: the next request goes there.
    assert_eq!(c.view(), 2);
    assert_eq!(
        out[2],
        Output::Send {
            to: Dest::Node(2),
            msg: request_of(2)
        }
    );
    assert_eq!(c.accepted(), 1);
}
