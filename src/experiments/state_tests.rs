//! The Experiments state natively: URL round trip, bad values, a sliced sweep equal to the
//! engine's `Sweep::run_all`, cancel.

use super::*;

fn reduce(s: ExpState, a: ExpAction) -> ExpState {
    Rc::try_unwrap(Rc::new(s).reduce(a)).unwrap_or_else(|rc| (*rc).clone())
}

#[test]
fn defaults_and_url_round_trip() {
    let s = ExpState::from_query("?view=experiments");
    assert_eq!(s.counts, (0..=9).collect::<Vec<_>>());
    // The engine's default, as `pbft-sim sweep`: the tutorial's 6 trials.
    assert_eq!(s.config.trials, Config::default().trials);
    assert_eq!(s.query(), "?view=experiments&protocol=tutorial");
    let q = "?view=experiments&nodes=7&byzantine=0..=4&trials=20&compare=strategy%3Dsilent";
    let s = ExpState::from_query(q);
    assert!(s.notices.is_empty(), "{:?}", s.notices);
    assert_eq!((s.config.nodes, s.config.trials), (7, 20));
    assert_eq!(s.counts, [0, 1, 2, 3, 4]);
    assert_eq!(s.compare.as_ref().unwrap().2.strategy.name(), "silent");
    let back = ExpState::from_query(&s.query());
    assert_eq!(
        (back.counts, back.config, back.texts),
        (s.counts.clone(), s.config.clone(), s.texts.clone())
    );
}

#[test]
fn bad_values_are_explained() {
    let s = ExpState::from_query("?view=experiments&byzantine=0..=11&compare=colour%3Dred");
    assert_eq!(s.notices.len(), 2, "{:?}", s.notices);
    assert_eq!(s.counts, (0..=9).collect::<Vec<_>>());
    let s = reduce(s, ExpAction::SetParam("trials".into(), "0".into()));
    assert!(s.errors.contains_key("trials"));
    assert!(!s.runnable());
    let s = reduce(s, ExpAction::SetParam("trials".into(), "5".into()));
    assert!(s.runnable());
    let s = reduce(s, ExpAction::SetParam("nodes".into(), "4".into()));
    assert_eq!(s.counts, [0, 1, 2, 3, 4], "the automatic range follows n");
}

#[test]
fn a_sliced_sweep_gives_the_engine_points() {
    let s = ExpState::from_query(
        "?view=experiments&trials=7&byzantine=0..=4&compare=strategy%3Dsilent",
    );
    let mut s = reduce(s, ExpAction::Start(0.0));
    assert!(s.running);
    let mut slices = 0;
    while s.running {
        s = reduce(s, ExpAction::Slice(0.0));
        slices += 1;
        assert!(slices < 10_000);
    }
    assert_eq!(s.runs_done, 2 * 5 * 7);
    let config = Config {
        trials: 7,
        ..Config::default()
    };
    let want = Sweep::new(&config, &[0, 1, 2, 3, 4]).unwrap().run_all();
    assert_eq!(s.results.series[0].points, want);
    assert_eq!(s.results.series[1].points.len(), 5);
    assert_eq!(s.results.series[1].label, "strategy=silent");
    assert!(s.live_query(0, 3).contains("byzantine=3"));
}

#[test]
fn cancel_stops_and_keeps_finished_points() {
    let s = ExpState::from_query("?view=experiments&trials=3");
    let s = reduce(s, ExpAction::Start(0.0));
    let s = reduce(s, ExpAction::Cancel);
    assert!(!s.running && s.cancelled);
    let s = reduce(s, ExpAction::Slice(0.0));
    assert!(!s.running);
}

/// One set of rules: the page reads a query as `pbft-sim sweep` reads the same flags, the
/// compared series included, and refuses what the CLI refuses with the CLI's sentence.
#[test]
fn the_query_reads_as_the_clis_flags() {
    let flags = |q: &str| -> Vec<(String, String)> {
        url::query_pairs(q)
            .into_iter()
            .filter(|(k, _)| k != "view")
            .collect()
    };
    for q in [
        "?view=experiments&nodes=7&byzantine=0..=4&trials=20&compare=protocol%3Dpbft",
        "?view=experiments&protocol=pbft&byzantine-nodes=0,3&drop=0.01",
        "?view=experiments&seed=9&byzantine=0,2,4&compare=strategy%3Dsilent",
    ] {
        let engine = Experiment::from_params(&flags(q)).unwrap();
        let s = ExpState::from_query(q);
        assert!(s.notices.is_empty(), "{q}: {:?}", s.notices);
        assert_eq!(s.experiment(), engine, "{q}");
    }
    let q = "?view=experiments&byzantine=0..=3&byzantine-nodes=1";
    let e = Experiment::from_params(&flags(q)).unwrap_err();
    let s = ExpState::from_query(q);
    assert!(s.notices[0].starts_with(&e.to_string()), "{:?}", s.notices);
    // Editing the form goes through the same reader.
    let s = reduce(
        s,
        ExpAction::SetParam("compare".into(), "protocol=pbft".into()),
    );
    let pbft = &s.compare.as_ref().unwrap().2;
    assert_eq!(
        pbft.processing,
        Config::for_protocol(pbft_engine::Protocol::Pbft).processing
    );
    let s = reduce(s, ExpAction::SetParam("trials".into(), "0".into()));
    assert_eq!(
        s.errors["trials"],
        "trials must be between 1 and 1000000; 0 was given"
    );
}
