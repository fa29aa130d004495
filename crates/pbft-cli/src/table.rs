//! Human-readable output: the tutorial's printout, and a one-run summary.
//!
//! The sweep table copies the tutorial's `main()` and `latency_sweep` line for line: the header
//! `n=10 => PBFT theoretical max f = floor((n-1)/3) = 3`, the "Theory" line and a blank line, then
//! per Byzantine count `malicious= 0 | success=6/6 | avg_latency=0.2209 | digest_agreement=6/6`
//! (mean latency of the successful runs in seconds, `NA` with none; agreements over successes,
//! over 1 with none, as the Python prints it). The tutorial prints the raw float; we print four
//! decimals, as the project's README quotes it. After the last point comes a short block of
//! figures the tutorial does not have (percentiles, messages, view changes, safety violations).

use pbft_engine::{Config, Phase, RunOutcome, SweepPoint};

/// The tutorial's two header lines, then the blank line its `print("...hold.\n")` makes.
pub fn header(config: &Config) -> String {
    format!(
        "n={} => PBFT theoretical max f = floor((n-1)/3) = {}\n\
         Theory: safety/liveness typically assumed when malicious <= f and timing assumptions hold.\n\n",
        config.nodes,
        config.f()
    )
}

/// Seconds with four decimals, or `NA`.
fn seconds(ms: Option<f64>) -> String {
    ms.map_or_else(|| "NA".to_string(), |ms| format!("{:.4}", ms / 1000.0))
}

fn millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "NA".to_string(), |ms| format!("{ms:.1}"))
}

/// The tutorial's line for one point.
pub fn point_line(p: &SweepPoint) -> String {
    format!(
        "malicious={:2} | success={}/{} | avg_latency={} | digest_agreement={}/{}",
        p.byzantine,
        p.successes,
        p.trials,
        seconds(p.latency_ms_mean),
        p.agreements,
        p.successes.max(1)
    )
}

/// The extra figures, one row per point, after the tutorial's lines.
pub fn extra_block(points: &[SweepPoint]) -> String {
    let mut out = format!(
        "\n{:>9} | {:>12} | {:>14} | {:>7} | {:>7} | {:>8} | {:>7} | {:>12} | safety_violations\n",
        "malicious",
        "success_rate",
        "latency_ms p50",
        "p95",
        "max",
        "messages",
        "dropped",
        "view_changes"
    );
    for p in points {
        out.push_str(&format!(
            "{:9} | {:12.3} | {:>14} | {:>7} | {:>7} | {:8.1} | {:7.1} | {:12.2} | {}\n",
            p.byzantine,
            p.success_rate,
            millis(p.latency_ms_p50),
            millis(p.latency_ms_p95),
            millis(p.latency_ms_max),
            p.messages_mean,
            p.dropped_mean,
            p.view_changes_mean,
            p.safety_violations
        ));
    }
    out
}

/// What one run did, in a few lines.
pub fn run_summary(run: &RunOutcome, config: &Config, trial: u32) -> String {
    let byzantine = if run.byzantine_nodes.is_empty() {
        "none".to_string()
    } else {
        let ids: Vec<String> = run.byzantine_nodes.iter().map(|i| i.to_string()).collect();
        ids.join(",")
    };
    let by_phase: Vec<String> = Phase::ALL
        .iter()
        .zip(run.messages_by_phase)
        .filter(|(_, n)| *n > 0)
        .map(|(phase, n)| format!("{}={n}", phase.name()))
        .collect();
    format!(
        "{}\
         run: protocol={} seed={} trial={} malicious={} (nodes {byzantine}) strategy={}\n\
         success={} | latency={} | digest_agreement={} | safety_violation={}\n\
         end={} at {:.3} ms | honest_committed={}/{}\n\
         messages={} ({}) | delivered={} | dropped={}\n{}",
        header(config),
        config.protocol.name(),
        config.seed,
        trial,
        run.byzantine_nodes.len(),
        config.strategy.name(),
        run.success,
        seconds(run.latency_ms()),
        run.agreement,
        run.safety_violation,
        run.end_reason.name(),
        run.end_us as f64 / 1000.0,
        run.honest_committed,
        run.honest_total,
        run.messages,
        by_phase.join(" "),
        run.delivered,
        run.dropped,
        client_line(run)
    )
}

/// PBFT's further figures, when the protocol has clients (the tutorial's has none): its latency
/// above is the clients'; here the time to the last honest execution.
fn client_line(run: &RunOutcome) -> String {
    if run.commit_latency_ms().is_none() && run.view_changes == 0 && run.requests_accepted == 0 {
        return String::new();
    }
    format!(
        "commit_latency={} | honest_caught_up={}/{} | requests_accepted={} | view_changes={} | throughput_rps={}\n",
        seconds(run.commit_latency_ms()),
        run.honest_caught_up,
        run.honest_total,
        run.requests_accepted,
        run.view_changes,
        run.throughput_rps
            .map_or_else(|| "NA".to_string(), |r| format!("{r:.1}"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use pbft_engine::PointStats;

    #[test]
    fn header_matches_the_tutorial() {
        let h = header(&Config::default());
        assert!(h.starts_with("n=10 => PBFT theoretical max f = floor((n-1)/3) = 3\nTheory: "));
        assert!(h.ends_with("hold.\n\n"));
    }

    #[test]
    fn a_point_with_no_success_prints_na_over_one() {
        let p = PointStats::default().finish(&Config::default(), 7);
        assert_eq!(
            point_line(&p),
            "malicious= 7 | success=0/0 | avg_latency=NA | digest_agreement=0/1"
        );
    }
}
