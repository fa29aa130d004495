//! The engine core: exact timing of the tutorial's protocol under a constant delay, and the
//! consistency of every trace (time order, sends and deliveries, drops, partitions, duplicates,
//! determinism, stepping) over many seeded runs.

use pbft_engine::{
    run_once, trace_hash, Config, Digest, DropReason, EndReason, NodeId, Partition, Phase,
    Processing, RunOutcome, Simulation, Strategy, TraceEvent, TraceKind,
};
use std::collections::BTreeMap;

const DELTA_MS: f64 = 10.0;
const DELTA_US: u64 = 10_000;

/// Trial `trial` of `cfg`, stepped one event at a time with tracing on.
fn traced(cfg: &Config, trial: u32) -> (Vec<TraceEvent>, RunOutcome) {
    let mut sim = Simulation::new(cfg, trial)
        .unwrap_or_else(|e| panic!("config rejected: {e}\n{cfg:?}"))
        .with_trace(true);
    let mut events = Vec::new();
    while let Some(step) = sim.step() {
        events.extend_from_slice(step);
    }
    let outcome = sim.outcome().cloned().expect("finished run has an outcome");
    (events, outcome)
}

fn constant_delay(nodes: u32, processing: Processing) -> Config {
    Config {
        nodes,
        byzantine: 0,
        min_delay_ms: DELTA_MS,
        max_delay_ms: DELTA_MS,
        reorder: 0.0,
        processing,
        ..Config::default()
    }
}

/// Exact latency and message counts with every delay equal to δ, no loss, no Byzantine node.
///
/// Concurrent processing: the pre-prepare lands at δ and every node broadcasts PREPARE; the
/// prepares land at 2δ and every node broadcasts COMMIT; the commits land at 3δ and every node
/// commits. Latency 3δ.
///
/// Sequential processing (the tutorial's `Node.run` loop; quorum q = 2f + 1):
/// - 0: the driver's propose broadcasts PRE-PREPARE to all n nodes, the primary included; it is
///   not called from the primary's loop, so the primary stays free.
/// - δ: every node handles the pre-prepare and broadcasts PREPARE; `await broadcast` keeps it busy
///   until its last copy lands, exactly δ later.
/// - 2δ: the n prepares reach each node; events at one time run in insertion order, so each node
///   has (or gets) them in sender order 0, 1, .... The q-th broadcasts COMMIT and makes the node
///   busy until 3δ; the remaining n − q prepares wait in its inbox.
/// - 3δ, 4δ, ..., (2 + n − q)δ: the quirk. Each waiting prepare is a matching vote at or above
///   quorum, so it broadcasts COMMIT again and holds the node another δ. The commits that landed
///   from 3δ on wait behind those prepares.
/// - (3 + n − q)δ: the node is free, and its inbox holds the first-round commits of all n nodes:
///   it commits. Every node follows the same schedule, so all commit at that instant.
///
/// So latency = (3 + n − q)δ: n = 1 → 3δ, n = 4 → 4δ, n = 7 → 5δ, n = 10 → 6δ. Both models send
/// n PRE-PREPAREs, n² PREPAREs and n · (n − q + 1) COMMIT broadcasts of n messages each, all
/// before the last commit.
#[test]
fn constant_delay_latency_and_message_counts_are_exact() {
    for n in [1u32, 4, 7, 10] {
        let q = 2 * ((n - 1) / 3) + 1;
        for processing in [Processing::Sequential, Processing::Concurrent] {
            let cfg = constant_delay(n, processing);
            let want_latency_us = match processing {
                Processing::Concurrent => 3 * DELTA_US,
                Processing::Sequential => u64::from(3 + n - q) * DELTA_US,
            };
            let n64 = u64::from(n);
            let want = (n64, n64 * n64, n64 * n64 * u64::from(n - q + 1));
            for trial in 0..3 {
                let (events, out) = traced(&cfg, trial);
                let ctx = format!("n = {n}, {processing:?}, trial {trial}, config {cfg:?}");
                assert!(out.success, "{ctx}: {out:?}");
                assert_eq!(out.end_reason, EndReason::Committed, "{ctx}");
                assert_eq!(out.latency_us, Some(want_latency_us), "{ctx}");
                assert_eq!(out.end_us, want_latency_us, "{ctx}");
                let by_phase = |p: Phase| out.messages_by_phase[p.index()];
                assert_eq!(
                    (
                        by_phase(Phase::PrePrepare),
                        by_phase(Phase::Prepare),
                        by_phase(Phase::Commit)
                    ),
                    want,
                    "{ctx}"
                );
                assert_eq!(out.messages, want.0 + want.1 + want.2, "{ctx}");
                assert_eq!(out.dropped, 0, "{ctx}");
                assert_eq!((out.honest_committed, out.honest_total), (n, n), "{ctx}");
                assert!(out.agreement && !out.safety_violation, "{ctx}");
                // Every node commits the payload's digest at exactly the derived instant.
                let commits: Vec<_> = events
                    .iter()
                    .filter_map(|e| match e.kind {
                        TraceKind::Commit { node, digest, .. } => Some((node, digest, e.time_us)),
                        _ => None,
                    })
                    .collect();
                assert_eq!(commits.len(), n as usize, "{ctx}");
                let payload = Digest::of(b"tx: pay Alice->Bob 5");
                for (node, digest, time_us) in commits {
                    assert_eq!(
                        (digest, time_us),
                        (payload, want_latency_us),
                        "{ctx}: node {node}"
                    );
                }
                check_trace(&cfg, trial, &events, &out);
            }
        }
    }
}

/// The same schedule with Byzantine nodes that never send (strategy `silent`, placed away from
/// the primary): only the n − m honest prepares arrive, so each honest node re-broadcasts COMMIT
/// for n − m − q prepares beyond its quorum, and the latency is (3 + n − m − q)δ under sequential
/// processing (3δ concurrent) as long as n − m ≥ q. With n − m < q nobody can commit.
#[test]
fn silent_byzantine_nodes_shorten_the_sequential_schedule_exactly() {
    for (n, silent) in [
        (4u32, vec![3u32]),
        (7, vec![5, 6]),
        (10, vec![9]),
        (10, vec![7, 8, 9]),
    ] {
        let m = silent.len() as u32;
        let q = 2 * ((n - 1) / 3) + 1;
        let honest = u64::from(n - m);
        for processing in [Processing::Sequential, Processing::Concurrent] {
            let cfg = Config {
                byzantine_nodes: Some(silent.clone()),
                strategy: Strategy::Silent,
                ..constant_delay(n, processing)
            };
            let ctx = format!("config {cfg:?}");
            let (events, out) = traced(&cfg, 0);
            let extra = n - m - q;
            let want_us = match processing {
                Processing::Concurrent => 3 * DELTA_US,
                Processing::Sequential => u64::from(3 + extra) * DELTA_US,
            };
            assert!(out.success, "{ctx}: {out:?}");
            assert_eq!(out.latency_us, Some(want_us), "{ctx}");
            let n64 = u64::from(n);
            let by_phase = |p: Phase| out.messages_by_phase[p.index()];
            assert_eq!(
                (
                    by_phase(Phase::PrePrepare),
                    by_phase(Phase::Prepare),
                    by_phase(Phase::Commit)
                ),
                (n64, honest * n64, honest * u64::from(extra + 1) * n64),
                "{ctx}"
            );
            check_trace(&cfg, 0, &events, &out);
        }
    }
    // One silent node too many: n − m < q, nobody commits, and the run drains.
    let cfg = Config {
        byzantine_nodes: Some(vec![2, 3]),
        strategy: Strategy::Silent,
        ..constant_delay(4, Processing::Sequential)
    };
    let (events, out) = traced(&cfg, 0);
    assert!(!out.success, "config {cfg:?}");
    assert_drained(&events, &out, &format!("config {cfg:?}"));
}

fn partitioned(cfg: &Config, a: NodeId, b: NodeId, time_us: u64) -> bool {
    cfg.partitions.iter().any(|p| {
        let from_us = (p.from_ms * 1000.0).round() as u64;
        let until_us = (p.until_ms * 1000.0).round() as u64;
        (from_us..until_us).contains(&time_us) && p.nodes.contains(&a) != p.nodes.contains(&b)
    })
}

/// The run had nothing left to do: every message sent was delivered (or dropped) before it ended,
/// and it ended `Quiescent` ("nothing was left to happen before the timeout"), not at the timeout.
fn assert_drained(events: &[TraceEvent], out: &RunOutcome, ctx: &str) {
    assert!(out.end_reason == EndReason::Quiescent, "{ctx}: {out:?}");
    let sent = events
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Send { .. }))
        .count() as u64;
    assert_eq!(
        out.delivered, sent,
        "{ctx}: messages still in flight at the end"
    );
}

struct SendRec {
    time_us: u64,
    from: NodeId,
    to: NodeId,
    phase: Phase,
    deliver_us: u64,
}

/// Everything a trace must satisfy whatever the config.
fn check_trace(cfg: &Config, trial: u32, events: &[TraceEvent], out: &RunOutcome) {
    let ctx = format!("seed {}, trial {trial}, config {cfg:?}", cfg.seed);
    let min_us = (cfg.min_delay_ms * 1000.0).round() as u64;
    let max_us =
        (cfg.max_delay_ms * 1000.0).round() as u64 + if cfg.reorder > 0.0 { 20_000 } else { 0 };
    let mut sends: BTreeMap<u64, SendRec> = BTreeMap::new();
    let mut delivered: BTreeMap<u64, u64> = BTreeMap::new();
    let mut drops = 0u64;
    let mut originals_by_phase = [0u64; Phase::ALL.len()];
    let mut commits: BTreeMap<(NodeId, u64), Digest> = BTreeMap::new();
    let mut last_honest_commit_us = None;
    let mut last_us = 0;
    let (end, end_us) = match events.last() {
        Some(TraceEvent {
            time_us,
            kind: TraceKind::End { reason, success },
        }) => ((*reason, *success), *time_us),
        other => panic!("{ctx}: the trace must end with End, not {other:?}"),
    };
    assert_eq!(end, (out.end_reason, out.success), "{ctx}");
    assert_eq!(end_us, out.end_us, "{ctx}");
    for (i, e) in events.iter().enumerate() {
        assert!(e.time_us >= last_us, "{ctx}: time went back at event {i}");
        last_us = e.time_us;
        match e.kind {
            TraceKind::Send {
                id,
                from,
                to,
                phase,
                deliver_us,
                duplicate,
                ..
            } => {
                assert!(from < cfg.nodes && to < cfg.nodes, "{ctx}: event {i}");
                let delay = deliver_us - e.time_us;
                assert!((min_us..=max_us).contains(&delay), "{ctx}: delay {delay}");
                assert!(!duplicate || cfg.duplicate > 0.0, "{ctx}: event {i}");
                assert!(
                    !partitioned(cfg, from, to, e.time_us),
                    "{ctx}: event {i} crossed a partition"
                );
                if !duplicate {
                    originals_by_phase[phase.index()] += 1;
                }
                let rec = SendRec {
                    time_us: e.time_us,
                    from,
                    to,
                    phase,
                    deliver_us,
                };
                assert!(sends.insert(id, rec).is_none(), "{ctx}: id {id} reused");
            }
            TraceKind::Deliver {
                id,
                from,
                to,
                phase,
                sent_us,
            } => {
                let s = sends
                    .get(&id)
                    .unwrap_or_else(|| panic!("{ctx}: delivery {id} was never sent"));
                assert_eq!(
                    (s.from, s.to, s.phase, s.time_us, s.deliver_us),
                    (from, to, phase, sent_us, e.time_us),
                    "{ctx}: delivery of {id}"
                );
                assert!(
                    delivered.insert(id, e.time_us).is_none(),
                    "{ctx}: {id} twice"
                );
            }
            TraceKind::Drop {
                id,
                from,
                to,
                phase,
                reason,
                ..
            } => {
                drops += 1;
                originals_by_phase[phase.index()] += 1;
                assert!(!sends.contains_key(&id), "{ctx}: dropped id {id} was sent");
                match reason {
                    DropReason::Partition => assert!(
                        partitioned(cfg, from, to, e.time_us),
                        "{ctx}: partition drop of {id} outside a cut"
                    ),
                    DropReason::Loss => {
                        assert!(cfg.drop > 0.0, "{ctx}: loss with drop = 0");
                        assert!(!partitioned(cfg, from, to, e.time_us), "{ctx}: {id}");
                    }
                }
            }
            TraceKind::Commit { node, seq, digest } => {
                assert!(
                    commits.insert((node, seq), digest).is_none(),
                    "{ctx}: node {node} committed seq {seq} twice"
                );
                if !out.byzantine_nodes.contains(&node) {
                    last_honest_commit_us = Some(e.time_us);
                } else {
                    assert!(
                        cfg.strategy != Strategy::Tutorial && cfg.strategy != Strategy::Silent,
                        "{ctx}: Byzantine node {node} committed"
                    );
                }
            }
            TraceKind::End { .. } => assert_eq!(i, events.len() - 1, "{ctx}: End not last"),
            TraceKind::Propose { .. }
            | TraceKind::Timer { .. }
            | TraceKind::TimerSet { .. }
            | TraceKind::TimerCancel { .. } => {}
            TraceKind::ViewChange { .. }
            | TraceKind::NewView { .. }
            | TraceKind::Accept { .. }
            | TraceKind::StateTransfer { .. } => {}
        }
    }
    // Every send is delivered, unless the run ended first.
    for (id, s) in &sends {
        assert!(
            delivered.contains_key(id) || s.deliver_us >= end_us,
            "{ctx}: message {id} due at {} never arrived (end {end_us})",
            s.deliver_us
        );
    }
    assert_eq!(out.delivered, delivered.len() as u64, "{ctx}");
    assert_eq!(out.dropped, drops, "{ctx}");
    assert_eq!(out.messages_by_phase, originals_by_phase, "{ctx}");
    assert_eq!(
        out.messages,
        originals_by_phase.iter().sum::<u64>(),
        "{ctx}"
    );
    assert_eq!(out.success, out.end_reason == EndReason::Committed, "{ctx}");
    if out.success {
        assert_eq!(out.latency_us, last_honest_commit_us, "{ctx}");
        assert_eq!(out.latency_us, Some(end_us), "{ctx}");
        assert_eq!(out.honest_committed, out.honest_total, "{ctx}");
    } else {
        assert_eq!(out.latency_us, None, "{ctx}");
        assert!(!out.agreement, "{ctx}");
    }
    if out.end_reason == EndReason::Timeout {
        assert_eq!(end_us, (cfg.timeout_ms * 1000.0).round() as u64, "{ctx}");
    }
    // The untraced run (what sweeps do) is the same run.
    assert_eq!(
        &run_once(cfg, trial).unwrap(),
        out,
        "{ctx}: tracing changed the run"
    );
}

/// A spread of scenarios: every network feature, both processing models, both strategies.
fn scenarios() -> Vec<Config> {
    let mut out = Vec::new();
    let partition = |nodes: Vec<NodeId>, from_ms, until_ms| Partition {
        nodes,
        from_ms,
        until_ms,
    };
    for (i, nodes) in [1u32, 4, 7, 10].into_iter().enumerate() {
        let base = Config {
            nodes,
            seed: 1000 + i as u64,
            timeout_ms: 500.0,
            ..Config::default()
        };
        for byzantine in [0, nodes / 3, nodes] {
            out.push(Config {
                byzantine,
                ..base.clone()
            });
        }
        out.push(Config {
            byzantine: nodes / 3,
            strategy: Strategy::Silent,
            processing: Processing::Concurrent,
            ..base.clone()
        });
        out.push(Config {
            drop: 0.15,
            duplicate: 0.25,
            reorder: 0.5,
            ..base.clone()
        });
        out.push(Config {
            duplicate: 1.0,
            processing: Processing::Concurrent,
            ..base.clone()
        });
        out.push(Config {
            min_delay_ms: 0.0,
            max_delay_ms: 0.0,
            reorder: 0.0,
            ..base.clone()
        });
        out.push(Config {
            byzantine: 1.min(nodes),
            partitions: vec![
                partition(vec![0], 20.0, 60.0),
                // At least one node: a partition that cuts off nobody is rejected.
                partition((0..(nodes / 2).max(1)).collect(), 50.0, 120.5),
            ],
            ..base.clone()
        });
    }
    out
}

#[test]
fn traces_are_consistent_over_many_seeded_runs() {
    let trials = if cfg!(debug_assertions) { 12 } else { 60 };
    for cfg in scenarios() {
        for trial in 0..trials {
            let (events, out) = traced(&cfg, trial);
            check_trace(&cfg, trial, &events, &out);
        }
    }
}

#[test]
fn same_seed_and_config_give_the_same_trace() {
    for cfg in scenarios() {
        for trial in [0, 7] {
            let (a, out_a) = traced(&cfg, trial);
            let (b, out_b) = traced(&cfg, trial);
            let ctx = format!("trial {trial}, config {cfg:?}");
            assert_eq!(trace_hash(&a), trace_hash(&b), "{ctx}");
            assert_eq!(a, b, "{ctx}");
            assert_eq!(out_a, out_b, "{ctx}");
        }
    }
}

#[test]
fn run_until_in_slices_sees_the_same_events_as_stepping() {
    for cfg in scenarios().into_iter().step_by(3) {
        let (want, out) = traced(&cfg, 3);
        let mut sim = Simulation::new(&cfg, 3).unwrap().with_trace(true);
        let mut got = Vec::new();
        let mut t = 0;
        while sim.outcome().is_none() {
            t += 1_500;
            sim.run_until(t, &mut got);
            assert!(sim.now_us() <= t.max(out.end_us), "config {cfg:?}");
        }
        assert_eq!(got, want, "config {cfg:?}");
        assert_eq!(sim.outcome(), Some(&out));
        assert_eq!(sim.step(), None);
    }
}

#[test]
fn partition_drops_exactly_what_crosses_the_cut_while_it_holds() {
    // Node 0 (the primary) cut off for the whole run: its PRE-PREPARE reaches only itself, its
    // PREPARE too, and one vote is below quorum 3; nothing else is ever sent.
    for processing in [Processing::Sequential, Processing::Concurrent] {
        let cfg = Config {
            nodes: 4,
            partitions: vec![Partition {
                nodes: vec![0],
                from_ms: 0.0,
                until_ms: 5000.0,
            }],
            processing,
            ..Config::default()
        };
        let (events, out) = traced(&cfg, 0);
        let ctx = format!("config {cfg:?}");
        assert!(!out.success, "{ctx}");
        assert_drained(&events, &out, &ctx);
        assert_eq!(
            (out.messages, out.dropped, out.delivered),
            (8, 6, 2),
            "{ctx}"
        );
        for e in &events {
            if let TraceKind::Drop {
                from, to, reason, ..
            } = e.kind
            {
                assert_eq!(reason, DropReason::Partition, "{ctx}");
                assert!(from == 0 && to != 0, "{ctx}");
            }
        }
        check_trace(&cfg, 0, &events, &out);
    }
    // A cut that ends before the prepares go out: only the PRE-PREPAREs to 1..3 are lost.
    let cfg = Config {
        nodes: 4,
        min_delay_ms: DELTA_MS,
        max_delay_ms: DELTA_MS,
        reorder: 0.0,
        partitions: vec![Partition {
            nodes: vec![1, 2, 3],
            from_ms: 0.0,
            until_ms: 5.0,
        }],
        ..Config::default()
    };
    let (events, out) = traced(&cfg, 0);
    assert_eq!(out.dropped, 3, "config {cfg:?}");
    check_trace(&cfg, 0, &events, &out);
}

#[test]
fn duplicate_one_delivers_every_message_twice() {
    // m = 2 > f = 1 of 4: nobody can commit, so the run drains every message and ends quiescent.
    for processing in [Processing::Sequential, Processing::Concurrent] {
        for trial in 0..20 {
            let cfg = Config {
                nodes: 4,
                byzantine: 2,
                duplicate: 1.0,
                processing,
                ..Config::default()
            };
            let (events, out) = traced(&cfg, trial);
            let ctx = format!("trial {trial}, config {cfg:?}");
            assert_drained(&events, &out, &ctx);
            assert_eq!(out.delivered, 2 * out.messages, "{ctx}: {out:?}");
            check_trace(&cfg, trial, &events, &out);
        }
    }
    // In a run that commits, each original send has its twin, sent at the same instant.
    let cfg = Config {
        duplicate: 1.0,
        ..Config::default()
    };
    let (events, out) = traced(&cfg, 0);
    let mut twins: BTreeMap<(u64, NodeId, NodeId, u64), (u32, u32)> = BTreeMap::new();
    for e in &events {
        if let TraceKind::Send {
            from,
            to,
            seq,
            duplicate,
            phase,
            ..
        } = e.kind
        {
            let key = (
                e.time_us,
                from,
                to,
                seq.unwrap_or(0) * 16 + phase.index() as u64,
            );
            let entry = twins.entry(key).or_default();
            if duplicate {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
        }
    }
    assert!(
        twins.values().all(|(a, b)| a == b),
        "config {cfg:?}: unpaired duplicates"
    );
    check_trace(&cfg, 0, &events, &out);
}

#[test]
fn drop_one_means_no_success_and_a_quiescent_end() {
    for nodes in [1u32, 4, 10] {
        for byzantine in [0, 1] {
            for processing in [Processing::Sequential, Processing::Concurrent] {
                let cfg = Config {
                    nodes,
                    byzantine,
                    drop: 1.0,
                    processing,
                    ..Config::default()
                };
                for trial in 0..5 {
                    let (events, out) = traced(&cfg, trial);
                    let ctx = format!("trial {trial}, config {cfg:?}");
                    assert!(!out.success, "{ctx}");
                    assert_drained(&events, &out, &ctx);
                    // Only the primary's n PRE-PREPAREs (honest broadcast or Byzantine sends in
                    // turn) are ever sent, and all are lost.
                    assert_eq!(
                        (out.messages, out.dropped, out.delivered),
                        (u64::from(nodes), u64::from(nodes), 0),
                        "{ctx}"
                    );
                    check_trace(&cfg, trial, &events, &out);
                }
            }
        }
    }
}

/// What `EndReason::Quiescent` promises: a run with nothing left to happen ends then, not at the
/// timeout.
#[test]
fn drained_runs_end_quiescent() {
    let cfg = Config {
        drop: 1.0,
        ..Config::default()
    };
    let out = run_once(&cfg, 0).unwrap();
    assert_eq!(
        out.end_reason,
        EndReason::Quiescent,
        "config {cfg:?}: {out:?}"
    );
    assert_eq!(
        out.end_us, 0,
        "config {cfg:?}: every message was lost at time 0"
    );
}

#[test]
fn bad_configs_are_rejected_not_run() {
    let bad = [
        Config {
            nodes: 0,
            ..Config::default()
        },
        Config {
            byzantine: 11,
            ..Config::default()
        },
        Config {
            drop: f64::NAN,
            ..Config::default()
        },
        Config {
            min_delay_ms: 9.0,
            max_delay_ms: 1.0,
            ..Config::default()
        },
        Config {
            timeout_ms: 0.0,
            ..Config::default()
        },
        Config {
            byzantine_nodes: Some(vec![10]),
            ..Config::default()
        },
    ];
    for cfg in bad {
        // Compared as text: a NaN inside an error is never equal to itself.
        let err = cfg.validate().expect_err("invalid").to_string();
        let sim_err = Simulation::new(&cfg, 0).err().map(|e| e.to_string());
        assert_eq!(sim_err, Some(err.clone()), "{cfg:?}");
        assert_eq!(
            run_once(&cfg, 0).err().map(|e| e.to_string()),
            Some(err),
            "{cfg:?}"
        );
    }
}

#[test]
fn committed_nodes_show_the_payload_in_their_snapshot() {
    let cfg = Config::default();
    let mut sim = Simulation::new(&cfg, 0).unwrap();
    while sim.step().is_some() {}
    let payload = Digest::of(b"tx: pay Alice->Bob 5");
    assert!(sim.outcome().unwrap().success);
    for id in 0..cfg.nodes {
        let snap = sim.snapshot(id).unwrap();
        assert_eq!(snap.slots[0].committed, Some(payload), "node {id}");
    }
    assert!(sim.snapshot(cfg.nodes).is_none());
}
