//! The facts the browser draws come from the engine: snapshots (view-change votes, watermarks,
//! commit certificates, re-issued PRE-PREPAREs, the client), pending timers and their trace
//! events, checked on real runs. Assertions are about what must hold under any faithful PBFT
//! (the protocol's details may change), not exact times.

use pbft_engine::{Config, Protocol, Simulation, TraceEvent, TraceKind};

fn pbft(pairs: &[(&str, &str)]) -> Config {
    let mut c = Config::for_protocol(Protocol::Pbft);
    for (k, v) in pairs {
        c.set(k, v).unwrap();
    }
    c
}

/// Steps `c` to its end, calling `each` after every step with the step's events.
fn walk(c: &Config, mut each: impl FnMut(&Simulation, &[TraceEvent])) -> Vec<TraceEvent> {
    let mut sim = Simulation::new(c, 0).unwrap().with_trace(true);
    let mut all = Vec::new();
    while let Some(events) = sim.step() {
        let events = events.to_vec();
        each(&sim, &events);
        all.extend(events);
    }
    all
}

#[test]
fn a_silent_primary_shows_view_change_votes_and_timers() {
    let c = pbft(&[("byzantine-nodes", "0")]);
    let (mut saw_votes, mut saw_vc_timer, mut saw_client_timer) = (false, false, false);
    walk(&c, |sim, _| {
        let now = sim.now_us();
        for id in 1..4 {
            let s = sim.snapshot(id).unwrap();
            if let Some(vc) = &s.view_change {
                assert_eq!(vc.view, s.view, "a changing replica asks for its view");
                assert_eq!(vc.quorum, 3);
                assert!(
                    vc.voters.contains(&id),
                    "node {id} holds its own VIEW-CHANGE"
                );
                assert!(vc.voters.windows(2).all(|w| w[0] < w[1]));
                saw_votes = true;
            }
            for t in sim.timers(id) {
                assert!(
                    t.name == "view-change" || t.name == "retransmission",
                    "{t:?}"
                );
                assert!(t.set_us <= now && now <= t.fires_us, "{t:?} at {now}");
                saw_vc_timer = true;
            }
        }
        for t in sim.timers(4) {
            assert_eq!(t.name, "retransmit");
            saw_client_timer = true;
        }
        let client = sim
            .snapshot(4)
            .unwrap()
            .client
            .expect("endpoint 4 is the client");
        assert_eq!((client.requests, client.needed), (1, 2));
    });
    assert!(saw_votes && saw_vc_timer && saw_client_timer);
}

#[test]
fn timer_events_pair_with_pending_timers() {
    let c = pbft(&[("byzantine-nodes", "0")]);
    let mut fired = 0;
    let events = walk(&c, |sim, events| {
        for e in events {
            match e.kind {
                TraceKind::TimerSet {
                    node,
                    timer,
                    fires_us,
                    ..
                } => {
                    let t = sim.timers(node);
                    let t = t.iter().find(|t| t.id == timer);
                    // Set then possibly cancelled within the same step.
                    if let Some(t) = t {
                        assert_eq!((t.set_us, t.fires_us), (e.time_us, fires_us));
                    }
                }
                TraceKind::Timer { name, .. } => {
                    assert!(
                        ["view-change", "retransmission", "retransmit"].contains(&name),
                        "{name}"
                    );
                    fired += 1;
                }
                _ => {}
            }
        }
    });
    assert!(fired > 0, "a silent primary makes a view-change timer fire");
    assert!(events.iter().any(|e| e.kind.name() == "timer-cancel"));
}

#[test]
fn the_tutorial_sets_no_timers() {
    let c = Config::default();
    let events = walk(&c, |sim, _| assert!(sim.timers(0).is_empty()));
    assert!(!events.iter().any(|e| e.kind.name().starts_with("timer")));
}

#[test]
fn checkpoints_move_the_watermarks_and_trim_the_log() {
    let c = pbft(&[("requests", "12"), ("checkpoint-interval", "5")]);
    let mut highest = 0;
    walk(&c, |sim, _| {
        for id in 0..4 {
            let s = sim.snapshot(id).unwrap();
            let w = s.watermarks.expect("PBFT has watermarks");
            assert_eq!((w.interval, w.high), (5, w.stable + 10));
            assert_eq!(w.stable % 5, 0);
            assert!(s.last_executed >= w.stable || s.slots.iter().all(|x| x.seq > s.last_executed));
            assert!(
                s.slots
                    .iter()
                    .all(|x| x.seq > w.stable.min(s.last_executed)),
                "garbage collected at or below h"
            );
            highest = highest.max(w.stable);
        }
    });
    assert_eq!(highest, 10);
}

#[test]
fn a_new_view_marks_its_reissued_pre_prepares() {
    // The primary is cut off after the first request prepared: the client's second request
    // reaches it no more, the view changes, and the new primary re-issues the first request
    // (prepared above the last stable checkpoint) inside its NEW-VIEW.
    let c = pbft(&[("partition", "0@60-2000"), ("requests", "3")]);
    let mut reissued = false;
    walk(&c, |sim, _| {
        for id in 1..4 {
            let s = sim.snapshot(id).unwrap();
            for slot in s.slots.iter().filter(|x| x.reissued) {
                assert!(slot.view > 0, "re-issued in a later view: {slot:?}");
                reissued = true;
            }
        }
    });
    assert!(reissued);
}

#[test]
fn prepare_thresholds_follow_each_protocol_rule() {
    let c = pbft(&[]);
    let mut sim = Simulation::new(&c, 0).unwrap().with_trace(true);
    while sim.step().is_some() {}
    let s = sim.snapshot(1).unwrap();
    assert_eq!(
        (s.prepare_quorum, s.quorum),
        (2, 3),
        "PBFT: 2f PREPAREs, 2f + 1 COMMITs"
    );
    assert!(s
        .slots
        .iter()
        .all(|x| !x.by_certificate || x.committed.is_some()));
    let mut t = Simulation::new(&Config::default(), 0).unwrap();
    while t.step().is_some() {}
    let s = t.snapshot(1).unwrap();
    assert_eq!(
        (s.prepare_quorum, s.quorum),
        (7, 7),
        "tutorial: 2f + 1 both"
    );
    assert!(s.watermarks.is_none() && s.view_change.is_none());
    assert_eq!(s.last_executed, 1);
}

/// A committed slot's COMMIT counts are the ones that committed it: 2f + 1 matching COMMITs of
/// one view, even when a view change has since re-issued the sequence number in a view whose
/// COMMITs are fewer (the colluders' run at m = f + 1 commits seq 2 by view 0's COMMITs).
#[test]
fn a_committed_slot_shows_the_commits_that_committed_it() {
    let scenarios = [
        pbft(&[
            ("seed", "0"),
            ("byzantine-nodes", "0,1"),
            ("strategy", "collude"),
        ]),
        pbft(&[("byzantine-nodes", "0"), ("strategy", "silent")]),
        pbft(&[("requests", "12"), ("checkpoint-interval", "5")]),
    ];
    let mut other_view = false;
    for c in &scenarios {
        let byzantine = c.byzantine_nodes.clone().unwrap_or_default();
        walk(c, |sim, _| {
            for id in (0..4).filter(|id| !byzantine.contains(id)) {
                let s = sim.snapshot(id).unwrap();
                for slot in &s.slots {
                    let Some(d) = slot.committed else { continue };
                    let held = slot
                        .commits
                        .iter()
                        .find(|v| v.digest == d)
                        .map_or(0, |v| v.voters.len() as u32);
                    assert!(
                        held >= s.quorum,
                        "node {id} seq {} committed with {held} COMMITs shown (view {})",
                        slot.seq,
                        slot.commits_view
                    );
                    other_view |= slot.commits_view != slot.view;
                }
            }
        });
    }
    assert!(
        other_view,
        "some slot committed by an earlier view's COMMITs"
    );
}
