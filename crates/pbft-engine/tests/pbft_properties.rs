//! PBFT's guarantees as properties over many seeded runs (OSDI 1999 §4.5).
//!
//! - **Safety** (m ≤ f, every strategy, every network: drops, reorders, duplicates, partitions
//!   that heal): no two honest replicas execute different digests at one sequence number, and no
//!   replica's view ever goes backwards. Checked on each run's trace, independently of the
//!   engine's own ledger.
//! - **Liveness** (m ≤ f, no drops, partitions that heal): every run succeeds, a Byzantine
//!   primary being replaced by view change.
//! - **Tightness** (m = f + 1): `collude` splits the honest replicas in some seed; `silent` stops
//!   every honest replica from executing anything.
//!
//! `PBFT_SEEDS` sets the trials per combination (default 12: about 2,800 runs in all, a few
//! seconds in debug; try `PBFT_SEEDS=500 cargo test --release --test pbft_properties`). A failure
//! prints the trial and the config that reproduce it.

use pbft_engine::{Config, Partition, Protocol, RunOutcome, Simulation, Strategy, TraceKind};
use std::collections::BTreeMap;

const STRATEGIES: [Strategy; 5] = [
    Strategy::Silent,
    Strategy::Tutorial,
    Strategy::Equivocate,
    Strategy::Collude,
    Strategy::Slow,
];

fn seeds() -> u32 {
    std::env::var("PBFT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12)
}

#[derive(Clone, Copy, Debug)]
enum Net {
    Clean,
    Lossy,
    ReorderDuplicate,
    HealingPartition,
}

/// The scenario of trial `trial`: n, m, strategy and network, with a few requests and a short
/// checkpoint interval so that checkpoints, garbage collection and watermarks take part.
fn scenario(nodes: u32, m: u32, strategy: Strategy, net: Net, trial: u32) -> Config {
    let mut cfg = Config {
        nodes,
        byzantine: m,
        strategy,
        requests: 1 + trial % 4,
        checkpoint_interval: 2,
        slow_ms: 60.0,
        seed: 0x5eed_0000 + u64::from(nodes) * 1000 + u64::from(m),
        // Long enough for several view changes with doubling timers.
        timeout_ms: 60_000.0,
        ..Config::for_protocol(Protocol::Pbft)
    };
    match net {
        Net::Clean => {}
        Net::Lossy => cfg.drop = 0.1,
        Net::ReorderDuplicate => {
            cfg.reorder = 0.3;
            cfg.duplicate = 0.2;
        }
        Net::HealingPartition => {
            let a = trial % nodes;
            let b = (trial * 7 + 3) % nodes;
            let mut cut = vec![a];
            if b != a && trial.is_multiple_of(2) {
                cut.push(b);
            }
            cfg.partitions = vec![Partition {
                nodes: cut,
                from_ms: f64::from(trial % 3) * 20.0,
                until_ms: 150.0 + f64::from(trial % 5) * 100.0,
            }];
        }
    }
    cfg
}

/// Runs `cfg` traced; checks safety and monotone views on the trace; returns the outcome and
/// whether any honest replica executed anything.
fn run_checked(cfg: &Config, trial: u32) -> (RunOutcome, bool) {
    let ctx = || format!("trial {trial}, seed {}\nconfig: {cfg:?}", cfg.seed);
    let mut sim = Simulation::new(cfg, trial)
        .unwrap_or_else(|e| panic!("rejected: {e}\n{}", ctx()))
        .with_trace(true);
    let byzantine = sim.byzantine_nodes().to_vec();
    let honest = |n: u32| n < cfg.nodes && !byzantine.contains(&n);
    let mut decided = BTreeMap::new();
    let mut views: BTreeMap<u32, u64> = BTreeMap::new();
    let mut honest_executed = false;
    while let Some(events) = sim.step() {
        for e in events {
            match e.kind {
                TraceKind::Commit { node, seq, digest } if honest(node) => {
                    honest_executed = true;
                    if let Some(&(other, d)) = decided.get(&seq) {
                        assert_eq!(
                            d,
                            digest,
                            "safety: honest {other} and {node} executed different digests at seq {seq}\n{}",
                            ctx()
                        );
                    }
                    decided.insert(seq, (node, digest));
                }
                TraceKind::ViewChange { node, view } | TraceKind::NewView { node, view } => {
                    let last = views.entry(node).or_insert(0);
                    assert!(
                        view >= *last,
                        "node {node}'s view went from {last} back to {view}\n{}",
                        ctx()
                    );
                    *last = view;
                }
                _ => {}
            }
        }
    }
    let out = sim.outcome().cloned().expect("ended");
    (out, honest_executed)
}

fn clusters() -> Vec<(u32, u32)> {
    // (n, m) with m ≤ f.
    vec![(4, 0), (4, 1), (7, 1), (7, 2), (10, 3)]
}

#[test]
fn safety_with_m_at_most_f_for_every_strategy_and_network() {
    let mut runs = 0;
    for strategy in STRATEGIES {
        for net in [
            Net::Clean,
            Net::Lossy,
            Net::ReorderDuplicate,
            Net::HealingPartition,
        ] {
            for (nodes, m) in clusters() {
                for trial in 0..seeds() {
                    let cfg = scenario(nodes, m, strategy, net, trial);
                    let (out, _) = run_checked(&cfg, trial);
                    assert!(
                        !out.safety_violation,
                        "ledger saw a safety violation: trial {trial}\nconfig: {cfg:?}"
                    );
                    runs += 1;
                }
            }
        }
    }
    assert!(runs >= 100 * seeds());
}

#[test]
fn liveness_with_m_at_most_f_no_drops_and_healing_partitions() {
    for strategy in STRATEGIES {
        for net in [Net::Clean, Net::ReorderDuplicate, Net::HealingPartition] {
            for (nodes, m) in clusters() {
                for trial in 0..seeds() {
                    let cfg = scenario(nodes, m, strategy, net, trial);
                    let (out, _) = run_checked(&cfg, trial);
                    let f = (nodes - 1) / 3;
                    // PBFT's liveness (§4.5.2): the client gets its replies, backed by at least
                    // f + 1 replicas. A replica cut off while the others committed (by a
                    // partition, or by colluders feeding it another digest) catches up only by
                    // retransmission or state transfer, which are not modelled.
                    let left_behind =
                        matches!(net, Net::HealingPartition) || strategy == Strategy::Collude;
                    let live = if left_behind {
                        out.honest_committed > f
                    } else {
                        out.success
                    };
                    assert!(
                        live && out.requests_accepted == u64::from(cfg.requests),
                        "not live: trial {trial}, outcome {out:?}\nconfig: {cfg:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn collude_with_f_plus_1_splits_the_honest_replicas_in_some_seed() {
    for (nodes, m) in [(4, 2), (7, 3), (10, 4)] {
        let trials = seeds().max(40);
        let violations = (0..trials)
            .filter(|&t| {
                let cfg = scenario(nodes, m, Strategy::Collude, Net::Clean, t);
                run_checked_unsafe(&cfg, t).safety_violation
            })
            .count();
        assert!(
            violations > 0,
            "collude never broke safety at n = {nodes}, m = {m} over {trials} trials"
        );
    }
}

/// As `run_checked`, without the safety assertions (the point is to break it).
fn run_checked_unsafe(cfg: &Config, trial: u32) -> RunOutcome {
    pbft_engine::run_once(cfg, trial).unwrap_or_else(|e| panic!("{e}\nconfig: {cfg:?}"))
}

#[test]
fn silent_with_f_plus_1_never_executes_anything() {
    for (nodes, m) in [(4, 2), (7, 3), (10, 4)] {
        for net in [Net::Clean, Net::ReorderDuplicate, Net::HealingPartition] {
            for trial in 0..seeds() {
                let cfg = scenario(nodes, m, Strategy::Silent, net, trial);
                let (out, executed) = run_checked(&cfg, trial);
                assert!(
                    !out.success && !executed && out.requests_accepted == 0,
                    "committed with f + 1 silent: trial {trial}, {out:?}\nconfig: {cfg:?}"
                );
            }
        }
    }
}
