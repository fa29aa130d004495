//! PBFT's guarantees as properties over many seeded runs (OSDI 1999 §4.5; TOCS 2002 §4.5).
//!
//! With m ≤ f, for every strategy (`forge` included), random placements and Byzantine primaries
//! in a row, clean and lossy networks (drop 0.05 and 0.2), reordering with duplication, and
//! partitions that heal:
//!
//! - **Safety**: no two honest replicas execute different digests at one sequence number;
//! - **Validity**: an honest replica executes only digests a client sent, or the null request;
//! - **Views** never go backwards at a replica;
//! - **Liveness**: every client request is accepted within a generous virtual timeout.
//!
//! These are checked on each run's trace, independently of the engine's own ledger. With
//! m = f + 1, `collude` splits the honest replicas in some seed, and `silent` stops every honest
//! replica from executing anything.
//!
//! The runs must also exercise what they claim to: view changes, null requests, state
//! transfers and retransmissions each happen in some of them (checked at the end). And without
//! faults (random delays, several clients, reordering, sequential handlers) none of that
//! machinery shows: no STATUS, VIEW-CHANGE, NEW-VIEW, FETCH or STATE is ever sent.
//!
//! `PBFT_SEEDS` sets the trials per combination (default 6: about 2,000 runs, ten seconds in
//! debug; `PBFT_SEEDS=100 cargo test --release --test pbft_properties` runs about 30,000 in half a
//! minute). A failure prints the trial and the config that reproduce it.

use pbft_engine::{
    payload, Config, Digest, Partition, Phase, Protocol, RunOutcome, Simulation, Strategy,
    TraceKind, NULL_DIGEST,
};
use std::collections::{BTreeMap, BTreeSet};

const STRATEGIES: [Strategy; 6] = [
    Strategy::Silent,
    Strategy::Tutorial,
    Strategy::Equivocate,
    Strategy::Collude,
    Strategy::Forge,
    Strategy::Slow,
];

const NETS: [Net; 5] = [
    Net::Clean,
    Net::Lossy(0.05),
    Net::Lossy(0.2),
    Net::ReorderDuplicate,
    Net::HealingPartition,
];

fn seeds() -> u32 {
    std::env::var("PBFT_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6)
}

#[derive(Clone, Copy, Debug)]
enum Net {
    Clean,
    Lossy(f64),
    ReorderDuplicate,
    HealingPartition,
}

/// Where the Byzantine replicas sit.
#[derive(Clone, Copy, Debug)]
enum Placement {
    /// Uniformly at random (the trial's own draw).
    Random,
    /// Replicas 0..m: the primaries of views 0, 1, … in a row.
    PrimariesInARow,
}

/// The scenario of trial `trial`: a few requests from one or two clients and a short checkpoint
/// interval, so that checkpoints, garbage collection and watermarks take part.
fn scenario(
    nodes: u32,
    m: u32,
    strategy: Strategy,
    net: Net,
    place: Placement,
    trial: u32,
) -> Config {
    let mut cfg = Config {
        nodes,
        byzantine: m,
        strategy,
        requests: 1 + trial % 4,
        clients: 1 + trial % 2,
        checkpoint_interval: 2,
        slow_ms: 60.0,
        seed: 0x5eed_0000 + u64::from(nodes) * 1000 + u64::from(m),
        // Generous: several view changes with doubling timers and backed-off retransmissions.
        timeout_ms: 600_000.0,
        ..Config::for_protocol(Protocol::Pbft)
    };
    if let Placement::PrimariesInARow = place {
        cfg.byzantine_nodes = Some((0..m).collect());
    }
    match net {
        Net::Clean => {}
        Net::Lossy(p) => cfg.drop = p,
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

/// What a checked run did, beyond its outcome.
#[derive(Default)]
struct Seen {
    honest_executed: bool,
    null_executed: bool,
    state_transfer: bool,
    retransmission: bool,
}

/// Runs `cfg` traced; checks safety, validity and monotone views on the trace (safety only
/// when `check_safety`).
fn run_checked(cfg: &Config, trial: u32, check_safety: bool) -> (RunOutcome, Seen) {
    let ctx = || format!("trial {trial}, seed {}\nconfig: {cfg:?}", cfg.seed);
    let mut sim = Simulation::new(cfg, trial)
        .unwrap_or_else(|e| panic!("rejected: {e}\n{}", ctx()))
        .with_trace(true);
    let byzantine = sim.byzantine_nodes().to_vec();
    let honest = |n: u32| n < cfg.nodes && !byzantine.contains(&n);
    let sent: BTreeSet<Digest> = (0..cfg.clients)
        .flat_map(|c| {
            (1..=u64::from(cfg.requests)).map(move |t| Digest::of(payload(c, t).as_bytes()))
        })
        .collect();
    let mut decided = BTreeMap::new();
    let mut views: BTreeMap<u32, u64> = BTreeMap::new();
    let mut seen = Seen::default();
    while let Some(events) = sim.step() {
        for e in events {
            match e.kind {
                TraceKind::Commit { node, seq, digest } if honest(node) => {
                    seen.honest_executed = true;
                    seen.null_executed |= digest == NULL_DIGEST;
                    assert!(
                        digest == NULL_DIGEST || sent.contains(&digest),
                        "validity: honest {node} executed {} at seq {seq}, which no client sent\n{}",
                        digest.short(),
                        ctx()
                    );
                    if let Some(&(other, d)) = decided.get(&seq) {
                        assert!(
                            !check_safety || d == digest,
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
                TraceKind::StateTransfer { node, .. } if honest(node) => seen.state_transfer = true,
                TraceKind::Send {
                    phase: Phase::Status,
                    ..
                } => seen.retransmission = true,
                _ => {}
            }
        }
    }
    let out = sim.outcome().cloned().expect("ended");
    (out, seen)
}

fn clusters() -> Vec<(u32, u32)> {
    // (n, m) with m ≤ f.
    vec![(4, 0), (4, 1), (5, 1), (7, 2), (10, 3)]
}

#[test]
fn safe_valid_and_live_with_m_at_most_f_for_every_strategy_placement_and_network() {
    let (mut runs, mut view_changes, mut nulls, mut transfers, mut retransmissions) =
        (0usize, 0usize, 0, 0, 0usize);
    for strategy in STRATEGIES {
        for net in NETS {
            for place in [Placement::Random, Placement::PrimariesInARow] {
                for (nodes, m) in clusters() {
                    for trial in 0..seeds() {
                        let cfg = scenario(nodes, m, strategy, net, place, trial);
                        let (out, seen) = run_checked(&cfg, trial, true);
                        let total = u64::from(cfg.clients * cfg.requests);
                        assert!(
                            out.success && !out.safety_violation && out.requests_accepted == total,
                            "not live: trial {trial}, outcome {out:?}\nconfig: {cfg:?}"
                        );
                        runs += 1;
                        view_changes += usize::from(out.view_changes > 0);
                        nulls += u32::from(seen.null_executed);
                        transfers += u32::from(seen.state_transfer);
                        retransmissions += usize::from(seen.retransmission);
                    }
                }
            }
        }
    }
    // The runs exercised the recovery machinery, not only the normal case.
    let expected = STRATEGIES.len() * NETS.len() * 2 * clusters().len() * seeds() as usize;
    assert_eq!(runs, expected);
    assert!(
        view_changes * 4 >= runs,
        "{view_changes} of {runs} runs changed view"
    );
    assert!(
        retransmissions * 4 >= runs,
        "{retransmissions} of {runs} runs retransmitted"
    );
    assert!(
        nulls > 0 && transfers > 0,
        "null requests in {nulls} runs, state transfers in {transfers}"
    );
}

#[test]
fn collude_with_f_plus_1_splits_the_honest_replicas_in_some_seed() {
    for (nodes, m) in [(4, 2), (7, 3), (10, 4)] {
        let trials = seeds().max(40);
        let violations = (0..trials)
            .filter(|&t| {
                let cfg = scenario(
                    nodes,
                    m,
                    Strategy::Collude,
                    Net::Clean,
                    Placement::Random,
                    t,
                );
                let (out, _) = run_checked(&cfg, t, false);
                out.safety_violation
            })
            .count();
        assert!(
            violations > 0,
            "collude never broke safety at n = {nodes}, m = {m} over {trials} trials"
        );
    }
}

#[test]
fn silent_with_f_plus_1_never_executes_anything() {
    for (nodes, m) in [(4, 2), (7, 3), (10, 4)] {
        for net in [Net::Clean, Net::ReorderDuplicate, Net::HealingPartition] {
            for trial in 0..seeds() {
                let mut cfg = scenario(nodes, m, Strategy::Silent, net, Placement::Random, trial);
                cfg.timeout_ms = 60_000.0;
                let (out, seen) = run_checked(&cfg, trial, true);
                assert!(
                    !out.success && !seen.honest_executed && out.requests_accepted == 0,
                    "committed with f + 1 silent: trial {trial}, {out:?}\nconfig: {cfg:?}"
                );
            }
        }
    }
}

#[test]
fn fault_free_runs_send_no_retransmission_view_change_or_state_transfer() {
    // Random delays, several clients, reordering, sequential handlers: no fault, so nothing of
    // the recovery machinery may show (and the latencies stay those of the normal case).
    for (nodes, trial) in [(4, 0), (7, 1), (10, 2), (16, 3)]
        .into_iter()
        .flat_map(|(n, t)| (0..seeds()).map(move |s| (n, t * 100 + s)))
    {
        let cfg = Config {
            nodes,
            requests: 1 + trial % 5,
            clients: 1 + trial % 3,
            checkpoint_interval: 2 + trial % 3,
            reorder: if trial % 2 == 0 { 0.3 } else { 0.0 },
            processing: if trial % 3 == 0 {
                pbft_engine::Processing::Sequential
            } else {
                pbft_engine::Processing::Concurrent
            },
            seed: 0xfa17 + u64::from(trial),
            ..Config::for_protocol(Protocol::Pbft)
        };
        let out = pbft_engine::run_once(&cfg, trial).unwrap();
        let recovery: u64 = [
            Phase::Status,
            Phase::ViewChange,
            Phase::NewView,
            Phase::Fetch,
            Phase::State,
        ]
        .iter()
        .map(|p| out.messages_by_phase[p.index()])
        .sum();
        assert!(
            out.success && recovery == 0 && out.honest_caught_up == nodes,
            "trial {trial}: {out:?}\nconfig: {cfg:?}"
        );
    }
}
