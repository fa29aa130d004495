//! Property tests and invariants over many seeded runs.
//!
//! - No input panics: arbitrary configs (nodes 0..600, Byzantine counts and ids past the cluster,
//!   probabilities outside [0, 1], NaN and infinite numbers, min > max, zero timeouts, random
//!   partitions) either validate or give one typed error with a sentence and a real field name.
//! - `Config::set` is all-or-nothing, and `to_params` → `set` rebuilds the config.
//! - Any valid (small) config runs to an outcome; in the tutorial's model no two honest nodes
//!   ever commit different digests while m ≤ f (OSDI 1999 §4.5.1 safety), whatever the network.
//! - A run is a pure function of (config, trial); sweeps give the same points however they are
//!   sliced, and `PointStats` merge like one pass.
//!
//! proptest does not build for wasm32, so this file is native-only.
#![cfg(not(target_arch = "wasm32"))]

use pbft_engine::config::params::names;
use pbft_engine::{
    parse_byzantine_counts, run_once, run_trials, Config, EndReason, Partition, PointStats,
    Processing, Simulation, Strategy as Behaviour, Sweep,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// Fixed case generation, so a failure reproduces on every machine (the failing case, printed by
/// proptest after shrinking, carries the run's `seed` and whole config); no regression files.
fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        rng_seed: RngSeed::Fixed(0x7075_7466_7431),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- strategies ------------------------------------------------------------------------------

/// Any f64 a form or a URL might smuggle in, valid or not.
fn wild_f64(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => lo..hi,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        1 => Just(0.0),
        1 => Just(f64::MAX),
    ]
}

fn any_strategy_name() -> impl Strategy<Value = Behaviour> {
    (0..Behaviour::NAMES.len()).prop_map(|i| Behaviour::parse(Behaviour::NAMES[i]).unwrap())
}

fn wild_partition() -> impl Strategy<Value = Partition> {
    (
        prop::collection::vec(0u32..700, 0..5),
        wild_f64(-100.0, 3000.0),
        wild_f64(-100.0, 3000.0),
    )
        .prop_map(|(nodes, from_ms, until_ms)| Partition {
            nodes,
            from_ms,
            until_ms,
        })
}

/// Arbitrary configs, mostly invalid. Built from the defaults, so fields added later keep theirs.
fn wild_config() -> impl Strategy<Value = Config> {
    (
        (
            0u32..600,
            0u32..700,
            prop::option::of(prop::collection::vec(0u32..700, 0..6)),
            any_strategy_name(),
            0u32..4,
        ),
        (
            wild_f64(-10.0, 4e6),
            wild_f64(-10.0, 4e6),
            wild_f64(-0.5, 1.5),
            wild_f64(-0.5, 1.5),
            wild_f64(-0.5, 1.5),
        ),
        (
            wild_f64(-10.0, 1e8),
            any::<bool>(),
            0u32..4,
            prop::collection::vec(wild_partition(), 0..3),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                (nodes, byzantine, byzantine_nodes, strategy, trials),
                (min_delay_ms, max_delay_ms, drop, reorder, duplicate),
                (timeout_ms, sequential, requests, partitions, seed),
            )| Config {
                nodes,
                byzantine,
                byzantine_nodes,
                strategy,
                trials,
                min_delay_ms,
                max_delay_ms,
                drop,
                reorder,
                duplicate,
                timeout_ms,
                processing: processing(sequential),
                requests,
                partitions,
                seed,
                ..Config::default()
            },
        )
}

fn processing(sequential: bool) -> Processing {
    if sequential {
        Processing::Sequential
    } else {
        Processing::Concurrent
    }
}

/// Valid tutorial configs small enough to run quickly: nodes ≤ 16, timeout ≤ 500 ms.
fn small_config() -> impl Strategy<Value = Config> {
    (
        (
            1u32..=16,
            0u32..=16,
            any::<bool>(),
            any::<bool>(),
            any::<u64>(),
        ),
        (
            0.0f64..40.0,
            0.0f64..40.0,
            0.0f64..=1.0,
            0.0f64..=1.0,
            0.0f64..=1.0,
        ),
        (1.0f64..=500.0, any::<bool>(), 1u32..=3, any::<bool>()),
        (0u32..16, 0.0f64..300.0, 1.0f64..300.0),
    )
        .prop_map(
            |(
                (nodes, byzantine, silent, explicit, seed),
                (d1, d2, drop, reorder, duplicate),
                (timeout_ms, sequential, requests, cut),
                (cut_size, cut_from_ms, cut_len_ms),
            )| {
                let byzantine = byzantine % (nodes + 1);
                // Explicit ids: the last `byzantine` nodes (random placement is the other case).
                let byzantine_nodes = (explicit && byzantine > 0)
                    .then(|| (nodes - byzantine..nodes).collect::<Vec<_>>());
                // Never an empty node list: `validate` accepts one but `set` cannot read it back
                // (see `config_edge_cases_round_trip`).
                let partitions = if cut {
                    vec![Partition {
                        nodes: (0..(cut_size % nodes).max(1)).collect(),
                        from_ms: cut_from_ms,
                        until_ms: cut_from_ms + cut_len_ms,
                    }]
                } else {
                    Vec::new()
                };
                Config {
                    nodes,
                    byzantine,
                    byzantine_nodes,
                    strategy: if silent {
                        Behaviour::Silent
                    } else {
                        Behaviour::Tutorial
                    },
                    min_delay_ms: d1.min(d2),
                    max_delay_ms: d1.max(d2),
                    drop,
                    reorder,
                    duplicate,
                    timeout_ms,
                    processing: processing(sequential),
                    requests,
                    partitions,
                    seed,
                    ..Config::default()
                }
            },
        )
}

/// Text a person might type as a parameter value.
fn wild_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-0-9.,;@ eEa-z]{0,14}",
        "[0-9]{1,4}(,[0-9]{1,3}){0,3}@[0-9]{1,4}-[0-9]{1,4}",
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("99999999999999999999999".to_string()),
        Just(String::new()),
    ]
}

fn parameter_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(names().collect::<Vec<_>>()).prop_map(str::to_string),
        1 => "[a-z-]{0,12}",
    ]
}

// ---- configuration ---------------------------------------------------------------------------

fn check_error_text(err: &pbft_engine::ConfigError, ctx: &str) {
    let text = err.to_string();
    assert!(
        text.len() > 12 && text.contains(' '),
        "{ctx}: '{text}' is not a sentence"
    );
    assert!(
        !text.contains("{") && !text.contains('\n'),
        "{ctx}: '{text}'"
    );
}

proptest! {
    #![proptest_config(cases(512))]

    #[test]
    fn validate_never_panics_and_errors_name_a_real_parameter(cfg in wild_config()) {
        if let Err(err) = cfg.validate() {
            let ctx = format!("{cfg:?}");
            check_error_text(&err, &ctx);
            prop_assert!(names().any(|n| n == err.field()), "{ctx}: field {}", err.field());
        }
    }

    #[test]
    fn simulations_and_sweeps_refuse_invalid_configs_with_the_validation_error(
        cfg in wild_config(),
    ) {
        let want = cfg.validate().map_err(|e| e.to_string());
        // Valid configs may be huge (512 nodes): build only; running is for the bounded tests.
        let got = Simulation::new(&cfg, 0).map(|_| ()).map_err(|e| e.to_string());
        prop_assert_eq!(&got, &want, "config {:?}", cfg);
        if want.is_err() {
            prop_assert!(Sweep::new(&cfg, &[0]).is_err(), "config {:?}", cfg);
            prop_assert!(run_trials(&cfg, cfg.byzantine, 0..1).is_err(), "config {:?}", cfg);
        }
    }

    #[test]
    fn set_is_all_or_nothing(
        start in small_config(),
        name in parameter_name(),
        value in wild_value(),
    ) {
        let mut cfg = start.clone();
        match cfg.set(&name, &value) {
            Ok(()) => {
                // Whatever was accepted validates or is refused with a typed error, never panics.
                if let Err(err) = cfg.validate() {
                    check_error_text(&err, &format!("{name}={value:?}"));
                }
            }
            Err(err) => {
                let ctx = format!("set({name:?}, {value:?}) on {start:?}");
                prop_assert_eq!(&cfg, &start, "{}: a failed set changed the config", ctx);
                check_error_text(&err, &ctx);
                let known = names().any(|n| n == name);
                prop_assert!(
                    if known { err.field() == name } else { err.field() == "parameter" },
                    "{}: field {}", ctx, err.field()
                );
            }
        }
    }

    #[test]
    fn byzantine_sweeps_parse_or_give_a_typed_error(
        text in prop_oneof![
            "[0-9]{0,4}(\\.\\.=?[0-9]{0,4})?",
            "[0-9, .=a-]{0,12}",
        ],
    ) {
        match parse_byzantine_counts(&text) {
            Ok(counts) => {
                prop_assert!(!counts.is_empty(), "{:?}", text);
                prop_assert!(counts.len() <= 10_000, "{:?}", text);
            }
            Err(err) => {
                prop_assert_eq!(err.field(), "byzantine", "{:?}", text);
                check_error_text(&err, &text);
            }
        }
    }

    #[test]
    fn to_params_then_set_rebuilds_the_config(cfg in small_config(), wide in 17u32..=512) {
        for cfg in [cfg.clone(), Config { nodes: wide, ..cfg }] {
            let mut back = Config::for_protocol(cfg.protocol);
            for (name, value) in cfg.to_params() {
                back.set(name, &value)
                    .unwrap_or_else(|e| panic!("{name}={value}: {e}; config {cfg:?}"));
            }
            prop_assert_eq!(&back, &cfg);
        }
    }
}

// ---- runs ------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(cases(if cfg!(debug_assertions) { 96 } else { 512 }))]

    #[test]
    fn any_valid_small_config_runs_to_an_outcome(cfg in small_config(), trial in 0u32..1000) {
        prop_assume!(cfg.validate().is_ok());
        let ctx = format!("trial {trial}, seed {}, config {cfg:?}", cfg.seed);
        let out = run_once(&cfg, trial).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let timeout_us = (cfg.timeout_ms * 1000.0).round() as u64;
        prop_assert!(out.end_us <= timeout_us, "{}: ended at {}", ctx, out.end_us);
        prop_assert_eq!(out.byzantine_nodes.len() as u32, cfg.byzantine_count(), "{}", ctx);
        prop_assert_eq!(out.honest_total, cfg.nodes - cfg.byzantine_count(), "{}", ctx);
        prop_assert!(out.honest_committed <= out.honest_total, "{}", ctx);
        prop_assert_eq!(out.success, out.end_reason == EndReason::Committed, "{}", ctx);
        prop_assert_eq!(out.success, out.latency_us.is_some(), "{}", ctx);
        if let Some(ids) = &cfg.byzantine_nodes {
            prop_assert_eq!(&out.byzantine_nodes, ids, "{}", ctx);
        }
        // In the tutorial's model: safety for m ≤ f, and agreement whenever the run succeeds.
        if cfg.byzantine_count() <= cfg.f() {
            prop_assert!(!out.safety_violation, "{}: {:?}", ctx, out);
            prop_assert_eq!(out.agreement, out.success, "{}", ctx);
        }
        // Same config and trial, same run.
        prop_assert_eq!(&run_once(&cfg, trial).unwrap(), &out, "{}", ctx);
    }

}

proptest! {
    #![proptest_config(cases(if cfg!(debug_assertions) { 40 } else { 256 }))]

    #[test]
    fn sweeps_give_the_same_points_however_they_are_sliced(
        cfg in small_config(),
        trials in 1u32..6,
        slice in 1u64..9,
    ) {
        let cfg = Config { trials, byzantine_nodes: None, ..cfg };
        prop_assume!(cfg.validate().is_ok());
        let counts: Vec<u32> = (0..=cfg.nodes.min(3)).collect();
        let whole = Sweep::new(&cfg, &counts).unwrap().run_all();
        prop_assert_eq!(whole.len(), counts.len());
        let mut sweep = Sweep::new(&cfg, &counts).unwrap();
        let mut sliced = Vec::new();
        let total = u64::from(trials) * counts.len() as u64;
        loop {
            let before = sweep.progress().runs_done;
            let points = sweep.advance(slice);
            let after = sweep.progress();
            prop_assert_eq!(after.runs_done, (before + slice).min(total));
            prop_assert_eq!(after.points_done, sliced.len() + points.len());
            sliced.extend(points);
            if after.finished() {
                break;
            }
        }
        prop_assert!(sweep.advance(slice).is_empty());
        prop_assert_eq!(&sliced, &whole, "slice {}, config {:?}", slice, cfg);
        for (point, &m) in whole.iter().zip(&counts) {
            prop_assert_eq!(point.byzantine, m);
            prop_assert_eq!(point.trials, u64::from(trials));
        }
    }

    #[test]
    fn point_stats_merged_from_split_ranges_equal_one_pass(
        cfg in small_config(),
        trials in 1u32..12,
        cut in (0u32..12, 0u32..12),
    ) {
        let cfg = Config { byzantine_nodes: None, ..cfg };
        prop_assume!(cfg.validate().is_ok());
        let m = cfg.byzantine;
        let (a, b) = (cut.0.min(cut.1).min(trials), cut.0.max(cut.1).min(trials));
        let one = run_trials(&cfg, m, 0..trials).unwrap();
        let parts = [
            run_trials(&cfg, m, 0..a).unwrap(),
            run_trials(&cfg, m, a..b).unwrap(),
            run_trials(&cfg, m, b..trials).unwrap(),
        ];
        let mut forward = PointStats::default();
        parts.iter().for_each(|p| forward.merge(p));
        let mut backward = PointStats::default();
        parts.iter().rev().for_each(|p| backward.merge(p));
        prop_assert_eq!(&forward, &one, "split {}/{}, config {:?}", a, b, cfg);
        prop_assert_eq!(&backward, &one, "split {}/{}, config {:?}", a, b, cfg);
        prop_assert_eq!(forward.finish(&cfg, m), one.finish(&cfg, m));
        // Adding runs one by one is the same as the sweep's pass.
        let mut by_hand = PointStats::default();
        let at_m = Config { byzantine: m, ..cfg.clone() };
        for t in 0..trials {
            by_hand.add(&run_once(&at_m, t).unwrap());
        }
        prop_assert_eq!(&by_hand, &one);
    }
}

/// Over a thousand seeded runs of the tutorial's model across networks, sizes and strategies: no
/// honest pair ever commits different digests while m ≤ f, and success always means agreement.
#[test]
fn tutorial_is_safe_for_m_up_to_f_over_a_thousand_seeded_runs() {
    let mut runs = 0;
    for (i, nodes) in [1u32, 4, 5, 7, 10].into_iter().enumerate() {
        let f = (nodes - 1) / 3;
        for byzantine in 0..=f {
            for (j, (drop, duplicate, reorder)) in [
                (0.0, 0.0, 0.05),
                (0.1, 0.2, 0.5),
                (0.3, 0.0, 1.0),
                (0.0, 0.5, 0.0),
            ]
            .into_iter()
            .enumerate()
            {
                for strategy in [Behaviour::Tutorial, Behaviour::Silent] {
                    for sequential in [true, false] {
                        let cfg = Config {
                            nodes,
                            byzantine,
                            strategy,
                            drop,
                            duplicate,
                            reorder,
                            processing: processing(sequential),
                            timeout_ms: 400.0,
                            seed: 0x5afe + (i * 16 + j) as u64,
                            ..Config::default()
                        };
                        for trial in 0..8 {
                            let out = run_once(&cfg, trial).unwrap();
                            let ctx = format!("trial {trial}, seed {}, config {cfg:?}", cfg.seed);
                            assert!(!out.safety_violation, "{ctx}: {out:?}");
                            assert_eq!(out.agreement, out.success, "{ctx}");
                            runs += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(runs >= 1000, "{runs} runs");
}

/// Edge cases of the text format: an explicit empty Byzantine list (`Some(vec![])`, zero
/// Byzantine nodes) is written `byzantine-nodes=none` and read back as such, a count beside it
/// that disagrees is refused (`ByzantineCountMismatch`), and a partition that cuts off nobody is rejected by `validate` (it would not round-trip,
/// and it means nothing).
#[test]
fn config_edge_cases_round_trip() {
    let disagreeing = Config {
        byzantine: 3,
        byzantine_nodes: Some(vec![]),
        ..Config::default()
    };
    assert_eq!(
        disagreeing.validate().map_err(|e| e.field()),
        Err("byzantine-nodes")
    );
    let edge_cases = [
        Config {
            byzantine_nodes: Some(vec![]),
            ..Config::default()
        },
        Config {
            partitions: vec![Partition {
                nodes: vec![],
                from_ms: 0.0,
                until_ms: 10.0,
            }],
            ..Config::default()
        },
    ];
    let [explicit_empty, empty_partition] = edge_cases;
    assert_eq!(
        empty_partition.validate().map_err(|e| e.field()),
        Err("partition"),
        "{empty_partition:?}"
    );
    for cfg in [explicit_empty] {
        assert!(cfg.validate().is_ok(), "{cfg:?}");
        let mut back = Config::for_protocol(cfg.protocol);
        for (name, value) in cfg.to_params() {
            back.set(name, &value)
                .unwrap_or_else(|e| panic!("{name}={value}: {e}; config {cfg:?}"));
        }
        assert_eq!(back, cfg);
    }
}

/// A Byzantine sweep is a handful of counts, none above `MAX_NODES` (no count above the cluster
/// size validates): ranges past `MAX_NODES` (`0..=4294967295`, a mistyped `--byzantine`) are
/// refused with a typed error before anything is allocated.
#[test]
fn byzantine_ranges_are_bounded() {
    for text in ["0..=100000000", "0..100000000", "0..=4294967295", "3,600"] {
        assert_eq!(
            parse_byzantine_counts(text).map_err(|e| e.field()),
            Err("byzantine"),
            "{text}"
        );
    }
    let max = pbft_engine::MAX_NODES;
    assert_eq!(
        parse_byzantine_counts(&format!("0..={max}")).map(|c| c.len()),
        Ok(max as usize + 1)
    );
}

/// `param` is the inverse of `set` for every listed parameter, on each protocol's defaults and on
/// a config with every optional value set; unknown names have no text.
#[test]
fn param_text_reads_back_through_set() {
    let mut busy = Config::default();
    for (name, value) in [
        ("byzantine-nodes", "1,3"),
        ("partition", "0,1@100-500;3@0-50"),
        ("drop", "0.125"),
        ("seed", "99"),
    ] {
        busy.set(name, value).unwrap();
    }
    let mut explicit_none = Config::default();
    explicit_none.set("byzantine-nodes", "none").unwrap();
    let configs = [
        Config::for_protocol(pbft_engine::Protocol::Tutorial),
        Config::for_protocol(pbft_engine::Protocol::Pbft),
        busy,
        explicit_none,
    ];
    for cfg in configs {
        for name in pbft_engine::PARAMS.iter().map(|p| p.name) {
            let text = cfg
                .param(name)
                .unwrap_or_else(|| panic!("{name} has no text"));
            let mut back = cfg.clone();
            back.set(name, &text)
                .unwrap_or_else(|e| panic!("{name}={text}: {e}; config {cfg:?}"));
            assert_eq!(back, cfg, "{name}={text}");
        }
        assert_eq!(cfg.param("no-such-parameter"), None);
    }
}
