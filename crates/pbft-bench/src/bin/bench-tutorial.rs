//! Benchmarks of the tutorial model: the tutorial sweep n = 10, m = 0..=10, 1,000
//! trials each on one core; messages simulated per second; memory against the number of trials.
//!
//! `cargo run --release -p pbft-bench --bin bench-tutorial [repeats]`
//! `cargo run --release -p pbft-bench --bin bench-tutorial -- memory <trials>` prints peak RSS of
//! one sweep with that many trials per point (run it as separate processes to compare).

use pbft_bench::{peak_rss_kib, time_it};
use pbft_engine::{Config, Sweep};

fn tutorial_sweep(trials: u32) -> (u64, u64) {
    let config = Config {
        trials,
        ..Config::default()
    };
    let counts: Vec<u32> = (0..=10).collect();
    let points = Sweep::new(&config, &counts)
        .expect("valid config")
        .run_all();
    let runs = points.iter().map(|p| p.trials).sum();
    let messages = points
        .iter()
        .map(|p| (p.messages_mean * p.trials as f64).round() as u64)
        .sum();
    (runs, messages)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("memory") {
        let trials = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
        let (runs, _) = tutorial_sweep(trials);
        println!(
            "trials={trials} runs={runs} peak_rss_kib={}",
            peak_rss_kib().unwrap_or(0)
        );
        return;
    }
    let repeats = args.first().and_then(|s| s.parse().ok()).unwrap_or(7);
    let (min_s, median_s, (runs, messages)) = time_it(repeats, || tutorial_sweep(1000));
    println!("tutorial sweep n=10 m=0..=10 trials=1000: runs={runs} messages={messages}");
    println!(
        "  wall time: min {:.3} s, median {:.3} s over {repeats} repeats",
        min_s, median_s
    );
    println!(
        "  messages simulated per second: {:.2} M (best), {:.2} M (median)",
        messages as f64 / min_s / 1e6,
        messages as f64 / median_s / 1e6
    );
    println!("  runs per second: {:.0} (best)", runs as f64 / min_s);
}
