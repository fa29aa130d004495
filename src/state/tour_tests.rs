//! Native tests of the reducer's tour actions, over the tours the app ships (www/tours).

use super::super::{Action, AppState};
use super::*;
use crate::tour::shipped;
use std::rc::Rc;
use yew::Reducible;

fn reduce(s: AppState, a: Action) -> AppState {
    Rc::try_unwrap(Rc::new(s).reduce(a)).ok().unwrap()
}

/// Ticks until the screen holds still: a tour's Next plays to the next step, and a seek may be
/// pending (a tour's runs are small: usually none is).
fn settle(mut s: AppState) -> AppState {
    let mut wall = 0.0;
    while s.animating() {
        wall += 16.0;
        s = reduce(s, Action::Tick(wall));
    }
    s
}

fn open(s: AppState, name: &str, text: &str, step: usize) -> AppState {
    let s = reduce(
        s,
        Action::OpenTour {
            name: name.into(),
            step,
        },
    );
    assert_eq!(s.tour_to_fetch().as_deref(), Some(name));
    settle(reduce(
        s,
        Action::TourLoaded {
            name: name.into(),
            text: text.into(),
        },
    ))
}

/// What a step shows: the time, every node's and client's state, the events on screen, the
/// highlights, the caption.
#[derive(Debug, PartialEq)]
struct Shown {
    step: usize,
    now_us: u64,
    events: usize,
    nodes: Vec<crate::view::NodeView>,
    clients: Vec<crate::view::ClientView>,
    focus: Vec<NodeId>,
    phases: Vec<String>,
    caption: String,
    query: String,
}

fn shown(s: &AppState) -> Shown {
    Shown {
        step: s.tour.as_ref().unwrap().step,
        now_us: s.frame.now_us,
        events: s.frame.events,
        nodes: s.scene.nodes.clone(),
        clients: s.scene.clients.clone(),
        focus: s.scene.focus.clone(),
        phases: s.scene.phases.clone(),
        caption: s.scene.caption.clone(),
        query: s.query(),
    }
}

/// Forward through every shipped tour, then back: each step shows the same time and node states
/// both ways, and the same as its link opened fresh.
#[test]
fn every_tour_steps_forward_and_back_to_identical_states() {
    for (name, text) in shipped() {
        let mut s = open(AppState::from_query(""), &name, &text, 0);
        let count = s.tour.as_ref().unwrap().loaded().unwrap().at.len();
        let mut forward = vec![shown(&s)];
        for _ in 1..count {
            s = settle(reduce(s, Action::TourNext));
            forward.push(shown(&s));
        }
        assert_eq!(forward.last().unwrap().step, count - 1, "{name}");
        // Next at the last step does nothing.
        s = settle(reduce(s, Action::TourNext));
        assert_eq!(shown(&s), forward[count - 1], "{name}: Next at the end");
        for k in (0..count - 1).rev() {
            s = settle(reduce(s, Action::TourBack));
            assert_eq!(
                shown(&s),
                forward[k],
                "{name} step {}: back ≠ forward",
                k + 1
            );
        }
        s = settle(reduce(s, Action::TourBack));
        assert_eq!(shown(&s), forward[0], "{name}: Back at the start");
        for (k, want) in forward.iter().enumerate() {
            let query = format!("?tour={name}&step={}", k + 1);
            assert_eq!(want.query, query);
            let s = AppState::from_query(&query);
            let s = open(s, &name, &text, k);
            assert_eq!(&shown(&s), want, "{query} opened fresh");
        }
        // Time moves forward from step to step, and something is highlighted on the way.
        assert!(forward.windows(2).all(|w| w[0].now_us <= w[1].now_us));
        assert!(forward
            .iter()
            .any(|f| !f.focus.is_empty() || !f.phases.is_empty()));
    }
}

#[test]
fn a_link_opens_its_step_and_the_url_follows_the_tour() {
    let s = AppState::from_query("?tour=normal-case&step=3");
    assert!(s.notices.is_empty(), "{:?}", s.notices);
    let t = s.tour.as_ref().unwrap();
    assert_eq!((t.name.as_str(), t.step), ("normal-case", 2));
    // Until its scenario is on screen the address bar keeps the run's (a tour that cannot
    // open changes nothing).
    assert!(!s.query().contains("tour"), "{}", s.query());
    let (_, text) = shipped()
        .into_iter()
        .find(|(n, _)| n == "normal-case")
        .unwrap();
    let s = open(s, "normal-case", &text, 2);
    assert_eq!(s.tour.as_ref().unwrap().step, 2);
    assert_eq!(s.config.nodes, 4);
    assert_eq!(
        s.settled_query().as_deref(),
        Some("?tour=normal-case&step=3")
    );
    // The step's focus: replica 0, the primary proposing.
    assert_eq!(s.scene.focus, vec![0]);
    assert_eq!(s.scene.phases, vec!["pre-prepare"]);
    // Next plays to the next step (the reader sees the messages travel) and stops exactly there;
    // Pause on the way ends it where it is (the panel already tells step 4).
    let moving = reduce(s, Action::TourNext);
    assert!(moving.playing && moving.settled_query().is_none());
    let paused = reduce(reduce(moving, Action::Tick(0.0)), Action::Pause);
    assert!(!paused.animating());
    assert_eq!(paused.tour.as_ref().unwrap().step, 3);
    let s = settle(reduce(paused, Action::TourNext));
    assert_eq!(s.tour.as_ref().unwrap().step, 4);
    assert_eq!(
        s.settled_query().as_deref(),
        Some("?tour=normal-case&step=5")
    );
    let s = reduce(s, Action::CloseTour);
    assert!(s.tour.is_none() && s.scene.focus.is_empty());
    assert!(s.query().starts_with("?protocol=pbft&"), "{}", s.query());
    // A step past the end shows the last, with a notice; a bad step the first.
    let s = open(AppState::from_query(""), "normal-case", &text, 99);
    assert_eq!(s.tour.as_ref().unwrap().step, 7);
    assert!(s.notices[0].contains("has 8 steps"), "{:?}", s.notices);
    let s = AppState::from_query("?tour=normal-case&step=0");
    assert!(s.notices[0].contains("from 1"), "{:?}", s.notices);
    assert_eq!(s.tour.unwrap().step, 0);
}

#[test]
fn a_tour_that_cannot_open_says_why_and_changes_nothing() {
    let s = AppState::from_query("?nodes=7&seed=3");
    let before = (s.config.clone(), s.frame.now_us);
    let s = reduce(
        s,
        Action::OpenTour {
            name: "../secret".into(),
            step: 0,
        },
    );
    assert_eq!(s.tour_to_fetch(), None, "never fetched");
    let linked = AppState::from_query("?tour=../../etc/passwd");
    assert_eq!(linked.tour_to_fetch(), None, "nor from a link");
    assert!(matches!(linked.tour.unwrap().status, TourStatus::Failed(_)));
    assert_eq!(
        s.tour.as_ref().unwrap().status,
        TourStatus::Failed("no tour named '../secret'".into())
    );
    let s = reduce(
        s,
        Action::OpenTour {
            name: "missing".into(),
            step: 0,
        },
    );
    let s = reduce(
        s,
        Action::TourFailed {
            name: "missing".into(),
            message: "no tour named 'missing'".into(),
        },
    );
    assert!(matches!(
        s.tour.as_ref().unwrap().status,
        TourStatus::Failed(_)
    ));
    let bad = "title: t\nparams: nodes=4&protocol=pbft\n## One\nat: commit seq=99\nText.\n";
    let s = open(s, "bad", bad, 0);
    match &s.tour.as_ref().unwrap().status {
        TourStatus::Failed(m) => assert!(m.contains("no event `commit seq=99`"), "{m}"),
        other => panic!("{other:?}"),
    }
    let s = open(
        s,
        "bad",
        "title: t\nparams: nodes=many\n## One\nat: start\nText.\n",
        0,
    );
    assert!(matches!(
        s.tour.as_ref().unwrap().status,
        TourStatus::Failed(_)
    ));
    assert_eq!((s.config.clone(), s.frame.now_us), before);
    // A late answer for a tour no longer asked for changes nothing.
    let s = reduce(s, Action::CloseTour);
    let s = reduce(
        s,
        Action::TourLoaded {
            name: "bad".into(),
            text: "title: t\nparams: nodes=4\n## One\nat: start\nText.\n".into(),
        },
    );
    assert!(s.tour.is_none());
    assert_eq!(s.config, before.0);
}

#[test]
fn changing_the_scenario_closes_the_tour() {
    let (name, text) = shipped().remove(0);
    let s = open(AppState::from_query(""), &name, &text, 1);
    let s = reduce(s, Action::Step);
    assert!(s.tour.is_some(), "moving through the run keeps the tour");
    let s = reduce(s, Action::SetParam("seed".into(), "2".into()));
    assert!(s.tour.is_none());
}
