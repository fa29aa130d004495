//! PBFT end to end under a constant delay δ: exact latencies, message counts and view changes.
//!
//! With no fault and concurrent processing the critical path is REQUEST (δ) → PRE-PREPARE (δ) →
//! PREPARE (δ) → COMMIT (δ) → REPLY (δ): commit latency, measured from the primary's proposal,
//! is exactly 3δ and client latency exactly 5δ. Every failure prints the config and trial.

use pbft_engine::{Config, Phase, Processing, Protocol, RunOutcome, Simulation, TraceKind};

fn pbft(nodes: u32, delta_ms: f64) -> Config {
    Config {
        nodes,
        min_delay_ms: delta_ms,
        max_delay_ms: delta_ms,
        ..Config::for_protocol(Protocol::Pbft)
    }
}

fn run(cfg: &Config, trial: u32) -> RunOutcome {
    let outcome = pbft_engine::run_once(cfg, trial)
        .unwrap_or_else(|e| panic!("config rejected: {e}\nconfig: {cfg:?}"));
    assert!(
        outcome.success,
        "run failed (seed {}, trial {trial}): {outcome:?}\nconfig: {cfg:?}",
        cfg.seed
    );
    outcome
}

#[test]
fn commit_latency_is_3_delta_and_client_latency_5_delta() {
    for nodes in [4, 5, 7, 10, 16, 31] {
        for delta_ms in [1.0, 10.0, 25.0] {
            let cfg = pbft(nodes, delta_ms);
            let out = run(&cfg, 0);
            let delta_us = (delta_ms * 1000.0) as u64;
            let ctx = format!("n = {nodes}, δ = {delta_ms} ms, config {cfg:?}");
            assert_eq!(out.latency_us, Some(3 * delta_us), "{ctx}");
            assert_eq!(out.client_latency_us, Some(5 * delta_us), "{ctx}");
            assert_eq!(out.view_changes, 0, "{ctx}");
            // One REQUEST per replica, n − 1 PRE-PREPAREs, (n − 1)² PREPAREs (backups to the
            // others), n(n − 1) COMMITs, n REPLYs.
            let n = u64::from(nodes);
            let by = |p: Phase| out.messages_by_phase[p.index()];
            assert_eq!(
                [
                    Phase::Request,
                    Phase::PrePrepare,
                    Phase::Prepare,
                    Phase::Commit,
                    Phase::Reply
                ]
                .map(by),
                [n, n - 1, (n - 1) * (n - 1), n * (n - 1), n],
                "{ctx}"
            );
        }
    }
}

#[test]
fn each_of_r_requests_takes_5_delta_so_throughput_is_one_per_5_delta() {
    let cfg = Config {
        requests: 25,
        ..pbft(4, 10.0)
    };
    let out = run(&cfg, 0);
    assert_eq!(out.client_latency_us, Some(50_000), "{cfg:?}");
    assert_eq!(out.requests_accepted, 25);
    let rps = out.throughput_rps.expect("all accepted");
    assert!((rps - 20.0).abs() < 1e-9, "{rps} {cfg:?}");
    // Two checkpoints (at 10 and 20) of n(n − 1) messages each.
    assert_eq!(out.messages_by_phase[Phase::Checkpoint.index()], 2 * 12);
}

#[test]
fn a_silent_primary_is_replaced_by_one_view_change() {
    for nodes in [4, 7, 10] {
        let mut cfg = pbft(nodes, 10.0);
        cfg.byzantine_nodes = Some(vec![0]);
        let out = run(&cfg, 0);
        assert_eq!(out.view_changes, 1, "{cfg:?}");
        // REQUEST (δ) starts the backups' timers; T = 8δ later they send VIEW-CHANGE (δ), then
        // NEW-VIEW (δ), PREPARE (δ), COMMIT (δ), REPLY (δ): 14δ from the request.
        assert_eq!(out.client_latency_us, Some(140_000), "{cfg:?}");
    }
}

#[test]
fn successive_faulty_primaries_double_the_timeout() {
    // Primaries of views 0 and 1 are silent: view 1's NEW-VIEW never comes, the replicas wait
    // 2T more and move to view 2, whose primary is honest.
    let mut cfg = pbft(7, 10.0);
    cfg.byzantine_nodes = Some(vec![0, 1]);
    let out = run(&cfg, 0);
    assert_eq!(out.view_changes, 2, "{cfg:?}");
    // REQUEST (δ) + T (8δ) + 2T (16δ) + VIEW-CHANGE, NEW-VIEW, PREPARE, COMMIT, REPLY (5δ).
    assert_eq!(out.client_latency_us, Some(300_000), "{cfg:?}");
}

#[test]
fn a_slow_primary_delays_everything_by_its_extra_delay() {
    // The slow primary's PRE-PREPARE takes δ + S; the 2f + 1 backups' COMMITs and REPLYs suffice
    // without its slow ones: commit at 4δ + S, client acceptance at 5δ + S.
    let cfg = Config {
        byzantine_nodes: Some(vec![0]),
        strategy: pbft_engine::Strategy::Slow,
        slow_ms: 100.0,
        ..pbft(4, 10.0)
    };
    let out = run(&cfg, 0);
    assert_eq!(out.client_latency_us, Some(150_000), "{cfg:?}");
    assert_eq!(out.view_changes, 0, "T = 8(δ + S) leaves room: {cfg:?}");
}

#[test]
fn same_config_and_trial_give_the_same_trace() {
    let cfg = Config {
        nodes: 7,
        byzantine: 2,
        strategy: pbft_engine::Strategy::Equivocate,
        requests: 3,
        drop: 0.05,
        duplicate: 0.1,
        reorder: 0.2,
        ..Config::for_protocol(Protocol::Pbft)
    };
    let hash = |trial| {
        let mut sim = Simulation::new(&cfg, trial).unwrap().with_trace(true);
        assert_eq!((sim.replicas(), sim.clients()), (7, 7..8));
        let mut events = Vec::new();
        while let Some(step) = sim.step() {
            events.extend_from_slice(step);
        }
        pbft_engine::trace_hash(&events)
    };
    for trial in 0..5 {
        assert_eq!(hash(trial), hash(trial), "trial {trial}, {cfg:?}");
    }
    assert_ne!(hash(0), hash(1));
}

#[test]
fn sequential_processing_also_commits() {
    for trial in 0..20 {
        let cfg = Config {
            processing: Processing::Sequential,
            min_delay_ms: 5.0,
            max_delay_ms: 35.0,
            nodes: 7,
            byzantine: 2,
            requests: 3,
            ..Config::for_protocol(Protocol::Pbft)
        };
        run(&cfg, trial);
    }
}

#[test]
fn trace_shows_the_client_and_view_change_events() {
    let mut cfg = pbft(4, 10.0);
    cfg.byzantine_nodes = Some(vec![0]);
    let mut sim = Simulation::new(&cfg, 0).unwrap().with_trace(true);
    let mut events = Vec::new();
    while let Some(step) = sim.step() {
        events.extend_from_slice(step);
    }
    let client = cfg.nodes;
    let has = |f: &dyn Fn(&TraceKind) -> bool| events.iter().any(|e| f(&e.kind));
    assert!(has(
        &|k| matches!(k, TraceKind::Propose { node, .. } if *node == client)
    ));
    assert!(has(
        &|k| matches!(k, TraceKind::Send { from, phase: Phase::Request, .. } if *from == client)
    ));
    assert!(has(
        &|k| matches!(k, TraceKind::Deliver { to, phase: Phase::Reply, .. } if *to == client)
    ));
    assert!(has(&|k| matches!(k, TraceKind::ViewChange { view: 1, .. })));
    assert!(has(&|k| matches!(
        k,
        TraceKind::NewView { node: 1, view: 1 }
    )));
    assert!(has(&|k| matches!(k, TraceKind::Accept { seq: 1, .. })));
    assert!(events
        .iter()
        .all(|e| !e.to_json().is_empty() && e.to_json().starts_with('{')));
}

#[test]
fn pbft_only_strategies_are_rejected_under_the_tutorial_with_a_sentence() {
    for s in ["equivocate", "collude"] {
        let mut cfg = Config::default();
        cfg.set("strategy", s).unwrap();
        let err = cfg.validate().unwrap_err();
        assert_eq!(err.field(), "strategy");
        assert!(err.to_string().contains("needs protocol pbft"), "{err}");
    }
    // `slow` works under both.
    let mut cfg = Config {
        byzantine: 3,
        ..Config::default()
    };
    cfg.set("strategy", "slow").unwrap();
    assert!(pbft_engine::run_once(&cfg, 0).is_ok());
    let mut bad = Config::for_protocol(Protocol::Pbft);
    assert!(bad.set("checkpoint-interval", "0").is_ok());
    assert_eq!(bad.validate().unwrap_err().field(), "checkpoint-interval");
}

#[test]
fn new_parameters_round_trip_through_set_and_to_params() {
    let mut cfg = Config::for_protocol(Protocol::Pbft);
    for (k, v) in [
        ("checkpoint-interval", "4"),
        ("view-timeout-ms", "250"),
        ("slow-ms", "40"),
    ] {
        cfg.set(k, v).unwrap();
    }
    let mut back = Config::for_protocol(Protocol::Pbft);
    for (k, v) in cfg.to_params() {
        back.set(k, &v).unwrap();
    }
    assert_eq!(back, cfg);
    assert_eq!(back.view_timeout_us(), 250_000);
    back.set("view-timeout-ms", "auto").unwrap();
    assert_eq!(back.view_timeout_us(), 8 * 35_000);
}
