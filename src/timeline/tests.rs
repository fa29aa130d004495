//! Native tests of the driver and the timeline.

use super::*;
use pbft_engine::{Config, Protocol, TraceEvent};

fn all(d: &Driver) -> Vec<TraceEvent> {
    d.timeline.events.iter().cloned().collect()
}

fn pbft(pairs: &[(&str, &str)]) -> Config {
    let mut c = Config::for_protocol(Protocol::Pbft);
    for (k, v) in pairs {
        c.set(k, v).unwrap();
    }
    c
}

fn config(pairs: &[(&str, &str)]) -> Config {
    let mut c = Config::default();
    for (k, v) in pairs {
        c.set(k, v).unwrap();
    }
    c
}

#[test]
fn advancing_in_slices_equals_one_go() {
    let c = config(&[("nodes", "7"), ("drop", "0.1"), ("seed", "5")]);
    let mut a = Driver::new(&c).unwrap();
    a.advance(u64::MAX, usize::MAX);
    let mut b = Driver::new(&c).unwrap();
    let mut t = 0;
    while !b.finished() {
        t += 1_000;
        b.advance(t, 7);
    }
    assert_eq!(all(&a), all(&b), "config {c:?}");
    assert_eq!(a.cursor_us, a.end_us);
    assert!(a.outcome().is_some());
}

#[test]
fn replay_is_the_same_run() {
    let c = config(&[("nodes", "7"), ("drop", "0.1"), ("seed", "9")]);
    let mut a = Driver::new(&c).unwrap();
    a.advance(30_000, usize::MAX);
    let mut b = a.replay();
    assert_eq!((b.cursor_us, b.end_us), (0, a.end_us));
    b.advance(u64::MAX, usize::MAX);
    a.advance(u64::MAX, usize::MAX);
    assert_eq!(all(&a), all(&b));
    assert_eq!(b.cursor_us, b.end_us);
}

#[test]
fn budget_keeps_cursor_at_last_processed_event() {
    let c = config(&[("nodes", "16")]);
    let mut d = Driver::new(&c).unwrap();
    assert!(!d.advance(d.end_us, 10));
    let last = d.timeline.events.last().unwrap().time_us;
    assert!(d.cursor_us <= last.max(d.cursor_us));
    assert!(d.cursor_us < d.end_us);
}

#[test]
fn step_event_always_shows_something() {
    let mut d = Driver::new(&Config::default()).unwrap();
    let mut n = 0;
    while d.step_event() {
        n += 1;
    }
    assert!(n > 10);
    assert!(d.finished());
    assert_eq!(d.timeline.events.last().unwrap().kind.name(), "end");
}

#[test]
fn in_flight_messages_are_between_send_and_delivery() {
    let mut d = Driver::new(&config(&[("nodes", "4"), ("drop", "0.2")])).unwrap();
    d.advance(12_000, usize::MAX);
    let now = d.cursor_us;
    for m in d.timeline.visible(now, 5_000) {
        assert!(m.sent_us <= now);
        match m.deliver_us {
            Some(t) => assert!(t > now),
            None => assert!(m.sent_us + 5_000 > now),
        }
    }
}

#[test]
fn honest_run_raises_no_alarm() {
    for seed in 0..20 {
        let c = config(&[("seed", &seed.to_string()), ("byzantine", "3")]);
        let mut d = Driver::new(&c).unwrap();
        d.advance(u64::MAX, usize::MAX);
        let violated = d.outcome().unwrap().safety_violation;
        assert_eq!(d.timeline.safety_alarm.is_some(), violated, "seed {seed}");
    }
}

#[test]
fn a_position_replays_to_the_same_state() {
    let c = pbft(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
    let mut a = Driver::new(&c).unwrap();
    for _ in 0..40 {
        a.step_event();
    }
    let here = a.position();
    let mut b = a.replay();
    assert!(b.advance_to(here, usize::MAX));
    assert_eq!(all(&a), all(&b));
    assert_eq!(b.position(), here);
    for id in 0..5 {
        assert_eq!(a.snapshot(id), b.snapshot(id), "node {id}");
    }
}

#[test]
fn before_the_last_event_undoes_exactly_one_visible_step() {
    let mut d = Driver::new(&pbft(&[])).unwrap();
    for _ in 0..10 {
        d.step_event();
    }
    let before = (d.position(), all(&d).len());
    d.step_event();
    let back = d.position_before_last_event();
    let mut r = d.replay();
    r.advance_to(back, usize::MAX);
    assert_eq!((r.position(), all(&r).len()), before);
}

#[test]
fn after_an_event_every_event_of_its_step_happened() {
    let mut d = Driver::new(&pbft(&[])).unwrap();
    d.advance(u64::MAX, usize::MAX);
    let i = all(&d)
        .iter()
        .position(|e| e.kind.name() == "commit")
        .unwrap();
    let at = d.position_after(i).unwrap();
    let mut r = d.replay();
    r.advance_to(at, usize::MAX);
    assert!(r.timeline.events.len() > i);
    assert_eq!(r.cursor_us, all(&d)[i].time_us);
    assert_eq!(
        r.timeline.events.step_of(r.timeline.events.len() - 1),
        d.timeline.events.step_of(i)
    );
}

#[test]
fn next_phase_stops_at_a_new_phase_or_a_milestone() {
    let mut d = Driver::new(&Config::default()).unwrap();
    let mut phases = Vec::new();
    while d.step_phase(100_000) {
        let e = d.timeline.events.last().unwrap().clone();
        phases.push(e.kind.name());
        if phases.len() > 50 {
            break;
        }
    }
    assert!(phases.len() >= 4, "{phases:?}");
    assert!(
        phases.len() < 40,
        "a phase step covers many events: {phases:?}"
    );
}

#[test]
fn the_primary_moves_only_when_a_new_view_starts() {
    let c = pbft(&[("byzantine-nodes", "0"), ("byzantine", "1")]);
    let mut d = Driver::new(&c).unwrap();
    let mut asked_before_started = false;
    while d.step_event() {
        let asked = d.timeline.asking.iter().flatten().max().copied();
        if asked.is_some() && d.timeline.started_view() == 0 {
            asked_before_started = true;
        }
        if let Some(e) = d.timeline.events.last() {
            if e.kind.name() == "new-view" {
                assert!(d.timeline.started_view() >= 1);
            }
        }
    }
    assert!(
        asked_before_started,
        "replicas ask for view 1 before it starts"
    );
    assert_eq!(d.timeline.started_view(), 1);
}

#[test]
fn the_client_has_a_lane_and_conflicting_digests_are_marked() {
    let c = pbft(&[
        ("nodes", "7"),
        ("byzantine-nodes", "0"),
        ("byzantine", "1"),
        ("strategy", "equivocate"),
    ]);
    let mut d = Driver::new(&c).unwrap();
    d.advance(u64::MAX, usize::MAX);
    let t = &d.timeline;
    assert!(t
        .msgs
        .iter()
        .any(|m| m.from == 7 && m.delivered_event.is_some()));
    assert!(
        t.arrow_paths.iter().any(|p| p.contains(" 7.5")),
        "an arrow from the client lane"
    );
    let alt: Vec<_> = t.msgs.iter().filter(|m| m.alt).collect();
    assert!(!alt.is_empty(), "the second digest is marked");
    assert!(alt.iter().all(|m| m.phase != pbft_engine::Phase::Request));
    assert!(t
        .msgs
        .iter()
        .any(|m| m.phase == pbft_engine::Phase::PrePrepare && !m.alt));
}

#[test]
fn an_arrow_is_found_near_its_line() {
    let mut d = Driver::new(&Config::default()).unwrap();
    d.advance(u64::MAX, usize::MAX);
    let m = d
        .timeline
        .msgs
        .iter()
        .find(|m| m.from != m.to && m.delivered_event.is_some())
        .unwrap()
        .clone();
    let span = d.span_us as f64;
    let w = crate::view::LANES_WIDTH;
    let x = w * (m.sent_us as f64 + m.deliver_us.unwrap() as f64) / 2.0 / span;
    let lane = (f64::from(m.from) + f64::from(m.to)) / 2.0 + 1.0;
    let found = d.timeline.arrow_near(x, lane, 0.3).unwrap();
    let e = d.timeline.events.get(found).unwrap();
    assert_eq!(e.kind.name(), "deliver");
}
