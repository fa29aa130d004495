//! Shared helpers for the benchmark programs: timing and peak memory.
//!
//! The engine never reads a clock; benchmarks do, so they live in this crate.

use std::time::Instant;

/// Runs `f` `repeats` times and returns (min, median) wall seconds and the last result.
pub fn time_it<T>(repeats: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut times = Vec::with_capacity(repeats);
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (
        times[0],
        times[times.len() / 2],
        last.expect("ran at least once"),
    )
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
