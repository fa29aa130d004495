//! PBFT end to end under a constant delay δ: exact latencies, message counts and view changes.
//!
//! With no fault and concurrent processing the critical path is REQUEST (δ, client to primary) →
//! PRE-PREPARE (δ) → PREPARE (δ) → COMMIT (δ) → REPLY (δ): every honest replica executes at 4δ
//! (commit latency) and the client accepts at 5δ (its latency). The view-change timeout T is
//! 8δ here (the automatic value) and the client's first retransmission timeout is T too. Every
//! failure prints the config and trial.

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

/// Messages of the phases a fault-free run must not send.
fn recovery_messages(out: &RunOutcome) -> u64 {
    [
        Phase::ViewChange,
        Phase::NewView,
        Phase::Status,
        Phase::Fetch,
        Phase::State,
    ]
    .iter()
    .map(|p| out.messages_by_phase[p.index()])
    .sum()
}

#[test]
fn client_latency_is_5_delta_and_commit_latency_4_delta() {
    for nodes in [4, 5, 7, 10, 16, 31] {
        for delta_ms in [1.0, 10.0, 25.0] {
            let cfg = pbft(nodes, delta_ms);
            let out = run(&cfg, 0);
            let delta_us = (delta_ms * 1000.0) as u64;
            let ctx = format!("n = {nodes}, δ = {delta_ms} ms, config {cfg:?}");
            assert_eq!(out.latency_us, Some(5 * delta_us), "{ctx}");
            assert_eq!(out.commit_latency_us, Some(4 * delta_us), "{ctx}");
            assert_eq!(out.view_changes, 0, "{ctx}");
            assert_eq!(out.honest_caught_up, nodes, "{ctx}");
            // One REQUEST to the primary, n − 1 PRE-PREPAREs, (n − 1)² PREPAREs (backups to
            // the others), n(n − 1) COMMITs, n REPLYs, and no retransmission of any kind.
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
                [1, n - 1, (n - 1) * (n - 1), n * (n - 1), n],
                "{ctx}"
            );
            assert_eq!(recovery_messages(&out), 0, "{ctx}");
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
    assert_eq!(out.latency_us, Some(50_000), "{cfg:?}");
    assert_eq!(out.commit_latency_us, Some(40_000), "{cfg:?}");
    assert_eq!(out.requests_accepted, 25);
    let rps = out.throughput_rps.expect("all accepted");
    assert!((rps - 20.0).abs() < 1e-9, "{rps} {cfg:?}");
    // Two checkpoints (at 10 and 20) of n(n − 1) messages each.
    assert_eq!(out.messages_by_phase[Phase::Checkpoint.index()], 2 * 12);
    assert_eq!(recovery_messages(&out), 0, "{cfg:?}");
}

#[test]
fn independent_clients_each_see_5_delta() {
    for clients in [2, 3, 8] {
        let cfg = Config {
            clients,
            requests: 4,
            // The window 2K holds every client's request: none waits for the watermark.
            checkpoint_interval: 4,
            ..pbft(7, 10.0)
        };
        let out = run(&cfg, 0);
        let ctx = format!("{clients} clients, {cfg:?}");
        assert_eq!(out.requests_accepted, u64::from(4 * clients), "{ctx}");
        assert_eq!(out.latency_us, Some(50_000), "{ctx}");
        assert_eq!(out.commit_latency_us, Some(40_000), "{ctx}");
        // Every client finishes its 4 requests at 200 ms.
        let rps = out.throughput_rps.expect("all accepted");
        assert!(
            (rps - f64::from(clients) * 20.0).abs() < 1e-6,
            "{rps} {ctx}"
        );
        assert_eq!(recovery_messages(&out), 0, "{ctx}");
        assert_eq!(out.end_us, 200_000, "{ctx}");
    }
}

#[test]
fn a_silent_primary_costs_the_client_two_timeouts_and_a_view_change() {
    for nodes in [4, 7, 10] {
        let mut cfg = pbft(nodes, 10.0);
        cfg.byzantine_nodes = Some(vec![0]);
        let out = run(&cfg, 0);
        assert_eq!(out.view_changes, 1, "{cfg:?}");
        // The client waits T for the silent primary and multicasts (δ); the backups relay the
        // request and wait T; VIEW-CHANGE (δ); NEW-VIEW with the PRE-PREPARE (δ), PREPARE (δ),
        // COMMIT (δ), REPLY (δ): 2T + 6δ = 22δ, the last honest execution δ earlier.
        assert_eq!(out.latency_us, Some(220_000), "{cfg:?}");
        assert_eq!(out.commit_latency_us, Some(210_000), "{cfg:?}");
    }
}

#[test]
fn successive_faulty_primaries_wait_t_t_then_2t() {
    // Primaries of views 0, 1 and 2 are silent. The backups time out after T (view 0); the
    // timer for view 1 starts when 2f + 1 VIEW-CHANGEs are in (δ later) and waits T; the one
    // for view 2 waits 2T; view 3's primary is honest.
    let mut cfg = pbft(10, 10.0);
    cfg.byzantine_nodes = Some(vec![0, 1, 2]);
    let out = run(&cfg, 0);
    assert_eq!(out.view_changes, 3, "{cfg:?}");
    // Client T + δ, then T + δ, T + δ, 2T + δ, and NEW-VIEW, PREPARE, COMMIT, REPLY: 5T + 8δ.
    assert_eq!(out.latency_us, Some(480_000), "{cfg:?}");
    // Two in a row (n = 7): T + δ, T + δ, T + δ and four delays: 3T + 7δ.
    let mut cfg = pbft(7, 10.0);
    cfg.byzantine_nodes = Some(vec![0, 1]);
    let out = run(&cfg, 0);
    assert_eq!(
        (out.view_changes, out.latency_us),
        (2, Some(310_000)),
        "{cfg:?}"
    );
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
    assert_eq!(out.latency_us, Some(150_000), "{cfg:?}");
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
    for s in ["equivocate", "collude", "forge"] {
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
        ("clients", "3"),
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

#[test]
fn a_view_timeout_below_the_longest_delay_is_refused_with_a_sentence() {
    let mut cfg = Config::for_protocol(Protocol::Pbft);
    cfg.set("view-timeout-ms", "0.001").unwrap();
    let err = cfg.validate().unwrap_err();
    assert_eq!(err.field(), "view-timeout-ms");
    assert!(
        err.to_string().contains("longest one-way delay (35 ms)"),
        "{err}"
    );
    // The advice names its unit, as the flag's name does.
    assert!(err.to_string().ends_with("give at least 35 ms"), "{err}");
    // Reordering holds messages back 20 ms more, a slow Byzantine node slow-ms more.
    cfg.set("view-timeout-ms", "40").unwrap();
    assert!(cfg.validate().is_ok());
    cfg.set("reorder", "0.1").unwrap();
    assert!(cfg.validate().unwrap_err().to_string().contains("(55 ms)"));
    cfg.set("view-timeout-ms", "55").unwrap();
    assert!(cfg.validate().is_ok());
    // The tutorial has no view change: the parameter does not matter there.
    let mut tutorial = Config::default();
    tutorial.set("view-timeout-ms", "1").unwrap();
    assert!(tutorial.validate().is_ok());
}

#[test]
fn clients_are_checked_with_a_sentence() {
    let mut cfg = Config::for_protocol(Protocol::Pbft);
    for bad in ["0", "65", "x"] {
        let err = cfg
            .set("clients", bad)
            .and_then(|_| cfg.validate())
            .unwrap_err();
        assert_eq!(err.field(), "clients", "{bad}: {err}");
    }
    let mut cfg = Config::for_protocol(Protocol::Pbft);
    cfg.set("clients", "64").unwrap();
    cfg.set("requests", "2000").unwrap();
    let err = cfg.validate().unwrap_err();
    assert!(
        err.to_string().contains("64 clients × 2000 requests"),
        "{err}"
    );
    let mut tutorial = Config::default();
    tutorial.set("clients", "2").unwrap();
    assert!(tutorial
        .validate()
        .unwrap_err()
        .to_string()
        .contains("needs protocol pbft"));
}

#[test]
fn a_hung_cluster_sends_a_bounded_number_of_messages() {
    // m = f + 1 silent: nothing can ever commit. The replicas re-send their VIEW-CHANGEs and the
    // client its request with doubling intervals, capped (at 64 retransmission periods, 0.7 s
    // here), so an hour of virtual time with the shortest allowed timeout costs tens of
    // thousands of messages, not the tens of millions a fixed period sent.
    let mut cfg = Config {
        byzantine: 2,
        timeout_ms: 3_600_000.0,
        ..Config::for_protocol(Protocol::Pbft)
    };
    cfg.set("view-timeout-ms", "35").unwrap();
    let out = pbft_engine::run_once(&cfg, 0).unwrap();
    assert!(!out.success && out.requests_accepted == 0, "{out:?}");
    assert!(
        out.messages < 100_000,
        "{} messages in an hour: {cfg:?}",
        out.messages
    );
}
