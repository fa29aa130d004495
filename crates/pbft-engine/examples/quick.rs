use pbft_engine::*;
fn main() {
    let trials: u32 = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(1000);
    let cfg = Config { trials, ..Config::default() };
    let t = std::time::Instant::now();
    let mut sw = Sweep::new(&cfg, &(0..=10).collect::<Vec<_>>()).unwrap();
    let mut last = std::time::Instant::now();
    loop {
        let pts = sw.advance(trials as u64);
        if pts.is_empty() { break; }
        for p in pts {
            println!("m={:2} succ={}/{} lat_mean={:.2?} p50={:?} p95={:?} msgs={:.1} agree={} sv={}  {:?}", p.byzantine, p.successes, p.trials, p.latency_ms_mean, p.latency_ms_p50, p.latency_ms_p95, p.messages_mean, p.agreements, p.safety_violations, last.elapsed());
        }
        last = std::time::Instant::now();
    }
    eprintln!("elapsed {:?}", t.elapsed());
}
