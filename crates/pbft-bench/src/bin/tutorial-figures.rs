//! The engine's side of `docs/tutorial-comparison.md`: the tutorial's `main()` config
//! (`Config::default()`, seed 11), 20,000 trials at m ≤ 3 and 2,000 above, printed as Markdown
//! rows (success rate with its Wilson 95 % interval, latency mean ± standard error, sd, p50, p95,
//! messages). With `PBFT_ENGINE_LATENCIES=FILE` it also writes every successful run's latency as
//! `m latency_ms` lines, which `scripts/compare_tutorial.py --engine-latencies FILE` compares with
//! the Python's (two-sample Kolmogorov–Smirnov).
//!
//! `cargo run --release -p pbft-bench --bin tutorial-figures`
//!
//! A report, not a test: `crates/pbft-engine/tests/tutorial_stats.rs` holds the assertions.

use pbft_engine::{run_once, Config, RunOutcome};

/// Wilson score interval for a binomial proportion at z = 1.96 (95 %).
fn wilson_95(successes: u64, trials: u64) -> (f64, f64) {
    let (k, n, z) = (successes as f64, trials as f64, 1.96f64);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    (centre - half, centre + half)
}

/// `mean ± se | sd | p50 | p95` of the latencies (ms) of successful runs.
fn latency_cells(runs: &[RunOutcome]) -> String {
    let mut xs: Vec<f64> = runs.iter().filter_map(|r| r.latency_ms()).collect();
    if xs.len() < 2 {
        return "– | – | – | –".to_string();
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
    xs.sort_by(f64::total_cmp);
    let pct = |q: f64| xs[((q * n).ceil() as usize).max(1) - 1];
    format!(
        "{mean:.2} ± {:.2} | {sd:.2} | {:.2} | {:.2}",
        sd / n.sqrt(),
        pct(0.5),
        pct(0.95)
    )
}

fn main() {
    println!("| m | trials | successes | rate [95% CI] | latency mean ± se (ms) | sd | p50 | p95 | messages |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut dump = String::new();
    for m in 0..=10u32 {
        let trials = if m <= 3 { 20_000 } else { 2_000 };
        let config = Config {
            byzantine: m,
            ..Config::default()
        };
        let runs: Vec<RunOutcome> = (0..trials)
            .map(|t| run_once(&config, t).expect("the tutorial's config is valid"))
            .collect();
        for us in runs.iter().filter_map(|r| r.latency_us) {
            dump.push_str(&format!("{m} {}.{:03}\n", us / 1000, us % 1000));
        }
        let successes = runs.iter().filter(|r| r.success).count() as u64;
        let (lo, hi) = wilson_95(successes, u64::from(trials));
        let messages = runs.iter().map(|r| r.messages).sum::<u64>() as f64 / f64::from(trials);
        println!(
            "| {m} | {trials} | {successes} | {:.4} [{lo:.4}, {hi:.4}] | {} | {messages:.1} |",
            successes as f64 / f64::from(trials),
            latency_cells(&runs)
        );
    }
    if let Ok(path) = std::env::var("PBFT_ENGINE_LATENCIES") {
        if let Err(e) = std::fs::write(&path, dump) {
            eprintln!("tutorial-figures: cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}
