//! Issue 10's acceptance sweeps: PBFT is live under message loss with f silent replicas.
//!
//! `pbft-sim sweep --protocol pbft --nodes 16 --byzantine 5 --strategy silent --drop 0.05
//! --timeout-ms 600000 --trials 60` and the same at drop 0.2 for n = 4, 10 and 16 must report
//! success 1.0. `PBFT_SWEEP_TRIALS` sets the trials (default 60, the figure: a few
//! seconds in debug). BENCHMARKS.md has the full table of success and latency against loss.

use pbft_engine::{Config, Protocol, Strategy, Sweep};

fn trials() -> u32 {
    std::env::var("PBFT_SWEEP_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60)
}

fn success_rate(nodes: u32, drop: f64) -> f64 {
    let cfg = Config {
        nodes,
        strategy: Strategy::Silent,
        drop,
        timeout_ms: 600_000.0,
        trials: trials(),
        ..Config::for_protocol(Protocol::Pbft)
    };
    let f = cfg.f();
    let points = Sweep::new(&cfg, &[f])
        .unwrap_or_else(|e| panic!("{e}: {cfg:?}"))
        .run_all();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].safety_violations, 0, "{cfg:?}");
    points[0].success_rate
}

#[test]
fn f_silent_replicas_and_5_percent_loss_at_n_16() {
    assert_eq!(success_rate(16, 0.05), 1.0);
}

#[test]
fn f_silent_replicas_and_20_percent_loss_at_n_4_10_16() {
    for nodes in [4, 10, 16] {
        assert_eq!(success_rate(nodes, 0.2), 1.0, "n = {nodes}");
    }
}
