//! One vocabulary, one set of rules: the parameter table, `Config::from_params` and the
//! `Experiment` that the CLI's flags and the browser's query string both go through.

use pbft_engine::experiment::{counts_text, default_counts};
use pbft_engine::{
    run_trials, Config, ConfigError, Experiment, Kind, Processing, Protocol, Strategy, PARAMS,
};

fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn experiment(query: &str) -> Result<Experiment, ConfigError> {
    Experiment::from_params(&pairs(query))
}

#[test]
fn every_parameter_is_described_once() {
    let mut names: Vec<&str> = PARAMS.iter().map(|p| p.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), PARAMS.len(), "a name appears twice");
    for p in PARAMS {
        assert!(
            p.label.starts_with(|c: char| c.is_uppercase()),
            "{}: label {:?}",
            p.name,
            p.label
        );
        assert!(p.help.len() > 10, "{}: help {:?}", p.name, p.help);
        assert!(!p.value_name().is_empty(), "{}", p.name);
        for protocol in [Protocol::Tutorial, Protocol::Pbft] {
            let text = p.default_text(protocol);
            assert!(!text.is_empty(), "{} has no default text", p.name);
        }
        if let Kind::Choice(names) = p.kind {
            for name in names {
                let mut c = Config::for_protocol(Protocol::Pbft);
                c.set(p.name, name).unwrap();
                assert_eq!(c.param(p.name).as_deref(), Some(*name));
            }
        }
    }
    assert_eq!(
        pbft_engine::config::params::spec("processing")
            .unwrap()
            .choices(),
        Some(Processing::NAMES)
    );
}

#[test]
fn bounds_come_from_the_table_with_the_same_words() {
    let cases = [
        ("nodes=0", "nodes must be between 1 and 512; 0 was given"),
        (
            "trials=0",
            "trials must be between 1 and 1000000; 0 was given",
        ),
        (
            "drop=1.5",
            "drop is a probability and must be between 0 and 1; 1.5 was given",
        ),
        (
            "timeout-ms=0",
            "timeout-ms must be between 0.001 and 86400000 ms; 0 was given",
        ),
        (
            "nodes=99999999999",
            "nodes must be between 1 and 512; 99999999999 was given",
        ),
        (
            "protocol=paxos",
            "unknown protocol 'paxos'; choose one of: tutorial, pbft",
        ),
        (
            "processing=lazy",
            "unknown processing 'lazy'; choose one of: concurrent, sequential",
        ),
    ];
    for (query, sentence) in cases {
        let e = Config::from_params(&pairs(query)).unwrap_err();
        assert_eq!(e.to_string(), sentence, "{query}");
        assert_eq!(e.field(), query.split('=').next().unwrap());
    }
}

#[test]
fn a_count_beside_explicit_ids_must_agree_in_either_order() {
    for query in [
        "byzantine=3&byzantine-nodes=1",
        "byzantine-nodes=1&byzantine=3",
    ] {
        let e = Config::from_params(&pairs(query)).unwrap_err();
        assert_eq!(
            e,
            ConfigError::ByzantineCountMismatch {
                count: 3,
                listed: 1
            },
            "{query}"
        );
        assert_eq!(experiment(query).unwrap_err(), e, "{query}");
    }
    // `byzantine=0` beside a list is a disagreement too when both are given.
    assert!(Config::from_params(&pairs("byzantine=0&byzantine-nodes=1")).is_err());
    let c = Config::from_params(&pairs("byzantine=2&byzantine-nodes=4,1")).unwrap();
    assert_eq!((c.byzantine, c.byzantine_count()), (2, 2));
    let c = Config::from_params(&pairs("byzantine-nodes=4,1")).unwrap();
    assert_eq!(c.byzantine_count(), 2);
    let x = experiment("byzantine-nodes=0,3").unwrap();
    assert_eq!(x.counts, [2]);
}

#[test]
fn the_protocol_is_applied_first_whatever_its_place() {
    let a = Config::from_params(&pairs("nodes=7&protocol=pbft")).unwrap();
    let b = Config::from_params(&pairs("protocol=pbft&nodes=7")).unwrap();
    assert_eq!(a, b);
    assert_eq!((a.nodes, a.processing), (7, Processing::Concurrent));
    // A config's own parameters read back to it.
    assert_eq!(Config::from_params(&a.to_params()).unwrap(), a);
}

#[test]
fn experiments_read_counts_and_default_to_the_tutorial_sweep() {
    let x = experiment("").unwrap();
    assert_eq!(x.counts, (0..=9).collect::<Vec<_>>());
    assert_eq!(x.config, Config::default());
    assert!(!x.counts_given);
    assert_eq!(
        default_counts(&Config::for_protocol(Protocol::Pbft)),
        [0, 1, 2, 3, 4]
    );
    let x = experiment("nodes=7&byzantine=0..=4&trials=20").unwrap();
    assert_eq!((x.counts.len(), x.config.trials), (5, 20));
    assert_eq!(counts_text(&x.counts), "0..=4");
    assert_eq!(counts_text(&[0, 2, 4]), "0,2,4");
    assert_eq!(Experiment::from_params(&x.to_params()).unwrap(), x);
    let e = experiment("nodes=4&byzantine=0..=5").unwrap_err();
    assert_eq!(e.field(), "byzantine");
    assert_eq!(experiment("byzantine=3").unwrap().config.byzantine, 3);
}

#[test]
fn a_compared_protocol_takes_its_own_defaults_for_what_was_not_set() {
    let x = experiment(
        "seed=5&drop=0.01&compare=protocol%3Dpbft"
            .replace("%3D", "=")
            .as_str(),
    )
    .unwrap();
    let c = x.compare.as_ref().unwrap();
    let pbft = Config::for_protocol(Protocol::Pbft);
    assert_eq!(c.config.protocol, Protocol::Pbft);
    // pbft's own defaults where the user set nothing...
    assert_eq!(c.config.timeout_ms, pbft.timeout_ms);
    assert_eq!(c.config.processing, pbft.processing);
    assert_eq!(c.config.reorder, pbft.reorder);
    assert_eq!(c.config.strategy, Strategy::Silent);
    // ...what the user set, and the experiment's axes.
    assert_eq!((c.config.seed, c.config.drop), (5, 0.01));
    assert_eq!((c.config.nodes, c.config.trials), (10, 6));
    let labels: Vec<String> = x.series().into_iter().map(|(l, _)| l).collect();
    assert_eq!(labels, ["protocol=tutorial", "protocol=pbft"]);
    assert_eq!(Experiment::from_params(&x.to_params()).unwrap(), x);

    // Comparing a strategy keeps the protocol and everything else.
    let x = experiment("protocol=pbft&nodes=7&compare=strategy=equivocate").unwrap();
    let c = x.compare.unwrap();
    assert_eq!(
        c.config,
        Config {
            strategy: Strategy::Equivocate,
            ..x.config.clone()
        }
    );
}

#[test]
fn compare_errors_are_the_engines() {
    let field = |q: &str| {
        experiment(q)
            .map(|_| ())
            .map_err(|e| (e.field(), e.to_string()))
    };
    let (f, text) = field("compare=strategy").unwrap_err();
    assert_eq!(f, "compare");
    assert!(text.contains("NAME=VALUE"), "{text}");
    let (_, text) = field("compare=byzantine=3").unwrap_err();
    assert!(text.contains("x axis"), "{text}");
    let (_, text) = field("compare=colour=red").unwrap_err();
    assert_eq!(text, "compare colour=red: unknown parameter 'colour'");
    let (_, text) = field("compare=strategy=collude").unwrap_err();
    assert!(
        text.starts_with("compare strategy=collude: strategy 'collude'"),
        "{text}"
    );
    // Every count must suit the compared scenario too.
    let (_, text) = field("compare=nodes=4").unwrap_err();
    assert!(text.contains("cannot exceed"), "{text}");
}

/// Issue: the compared pbft series must be PBFT as its users run it, so it succeeds whenever
/// m ≤ f, beside a tutorial series that does not.
#[test]
fn the_compared_pbft_series_succeeds_up_to_f() {
    let x = experiment("trials=10&byzantine=0..=3&compare=protocol=pbft").unwrap();
    let pbft = &x.compare.as_ref().unwrap().config;
    for &m in &x.counts {
        assert!(m <= pbft.f());
        let stats = run_trials(pbft, m, 0..pbft.trials).unwrap();
        let point = stats.finish(pbft, m);
        assert_eq!(point.successes, point.trials, "pbft at m = {m}: {point:?}");
    }
}

/// Issue 12's check: PBFT compared over the tutorial's base (its own defaults for what the user
/// did not set) succeeds in every trial while m ≤ f, as the protocol promises.
#[test]
fn the_compared_pbft_series_always_succeeds_within_f() {
    let x = experiment("trials=20&compare=protocol=pbft").unwrap();
    let (label, pbft) = x.series().pop().unwrap();
    assert_eq!(label, "protocol=pbft");
    let f = pbft.f();
    assert_eq!(f, 3);
    for m in 0..=f {
        let p = pbft_engine::run_trials(&pbft, m, 0..pbft.trials).unwrap();
        assert_eq!(
            (p.successes, p.safety_violations),
            (u64::from(pbft.trials), 0),
            "m = {m}"
        );
    }
}
