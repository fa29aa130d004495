//! The native side of the Experiments view's benchmark: the default experiment
//! (tutorial, n = 10, m = 0..=9, 100 trials per point) swept by `Sweep::run_all` on one core.
//! The browser side is `tests/bench/browser.mjs`, which measures the same sweep's time in
//! headless Chromium (wall time in the page, and the part of it spent running trials); their
//! ratio is the wasm/native figure in BENCHMARKS.md.
//!
//! `cargo run --release -p pbft-bench --bin bench-experiments [repeats]`

use pbft_bench::time_it;
use pbft_engine::{Config, Sweep};

fn main() {
    let repeats = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let config = Config {
        trials: 100,
        ..Config::default()
    };
    let counts: Vec<u32> = (0..=9).collect();
    let (min_s, median_s, runs) = time_it(repeats, || {
        let points = Sweep::new(&config, &counts).expect("valid").run_all();
        points.iter().map(|p| p.trials).sum::<u64>()
    });
    println!("experiments default sweep n=10 m=0..=9 trials=100: runs={runs}");
    println!(
        "  native Sweep::run_all: min {:.1} ms, median {:.1} ms over {repeats} repeats",
        min_s * 1e3,
        median_s * 1e3
    );
}
