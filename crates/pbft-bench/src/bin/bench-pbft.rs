//! Benchmark: one PBFT consensus (one client request, no fault, delays 5–35 ms, concurrent
//! processing) at n = 4 … 256 replicas: wall time per run, messages, and peak heap memory.
//!
//! `cargo run --release -p pbft-bench --bin bench-pbft` prints the Markdown table that
//! BENCHMARKS.md quotes. Peak memory comes from a counting global allocator (this binary only);
//! wall time is the median of repeated runs (different trials, same n).

use pbft_engine::{run_once, Config, Protocol};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn main() {
    let sizes: Vec<u32> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![4, 16, 32, 64, 128, 256]
    } else {
        sizes
    };
    println!("| n | f | messages | wall time (median) | wall time (min) | ns / message (median) | peak heap |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut first: Option<(f64, f64)> = None;
    for n in sizes {
        let cfg = Config {
            nodes: n,
            ..Config::for_protocol(Protocol::Pbft)
        };
        // Peak heap of one run, measured alone.
        let base = CURRENT.load(Relaxed);
        PEAK.store(base, Relaxed);
        let out = run_once(&cfg, 0).expect("valid config");
        assert!(out.success, "n = {n}: {out:?}");
        let peak = PEAK.load(Relaxed) - base;
        // Repeat for at least 1 s (and 5 runs) and take the median.
        let mut times = Vec::new();
        let started = Instant::now();
        let mut trial = 1;
        while times.len() < 5 || started.elapsed().as_secs_f64() < 1.0 {
            let t = Instant::now();
            let out = run_once(&cfg, trial).expect("valid config");
            times.push(t.elapsed().as_secs_f64());
            assert!(out.success);
            trial += 1;
        }
        times.sort_by(|a, b| a.total_cmp(b));
        let median = times[times.len() / 2];
        let msgs = out.messages as f64;
        println!(
            "| {n} | {} | {} | {:.3} ms | {:.3} ms | {:.0} | {:.2} MiB |",
            cfg.f(),
            out.messages,
            median * 1e3,
            times[0] * 1e3,
            median * 1e9 / msgs,
            peak as f64 / (1024.0 * 1024.0)
        );
        first.get_or_insert((median, msgs));
    }
    if let Some((t, m)) = first {
        eprintln!("(baseline n = first row: {:.3} ms, {m} messages)", t * 1e3);
    }
}
