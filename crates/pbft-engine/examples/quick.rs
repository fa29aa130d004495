use pbft_engine::*;
fn main() {
    let trials: u32 = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(1000);
    let cfg = Config { trials, ..Config::default() };
    let t = std::time::Instant::now();
    let pts = Sweep::new(&cfg, &(0..=10).collect::<Vec<_>>()).unwrap().run_all();
    let el = t.elapsed();
    for p in pts {
        println!("m={:2} succ={}/{} rate={:.3} lat_mean={:?} p50={:?} p95={:?} msgs={:.1} agree={} sv={}", p.byzantine, p.successes, p.trials, p.success_rate, p.latency_ms_mean, p.latency_ms_p50, p.latency_ms_p95, p.messages_mean, p.agreements, p.safety_violations);
    }
    eprintln!("elapsed {:?}", el);
}
