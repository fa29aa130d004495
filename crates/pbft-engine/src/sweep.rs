//! Sweeps: `trials` runs at each Byzantine count, aggregated into one point per count.
//!
//! Trial t at count m is the run keyed (seed, m, t), so a point's numbers do not depend on how
//! the work is sliced: the browser runs a sweep a few hundred runs per frame, the CLI spreads it
//! over threads, and both merge [`PointStats`] in any order to the same result. Memory stays flat
//! in the number of trials: latencies go into a fixed-precision histogram, not a list.

use crate::config::{Config, Protocol};
use crate::error::ConfigError;
use crate::histogram::Histogram;
use crate::message::Phase;
use crate::metrics::{PhaseCounts, RunOutcome};
use crate::sim::run_once;

/// Running totals for one Byzantine count; merge is commutative and associative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointStats {
    pub runs: u64,
    pub successes: u64,
    pub agreements: u64,
    pub safety_violations: u64,
    latency_us_sum: u128,
    latencies: Histogram,
    messages: u64,
    delivered: u64,
    dropped: u64,
    messages_by_phase: PhaseCounts,
    view_changes: u64,
    /// PBFT: runs in which some honest replica executed every request, and their commit latency.
    commit_runs: u64,
    commit_latency_us_sum: u128,
    /// PBFT: runs in which every request was accepted, and their throughput.
    accepted_runs: u64,
    throughput_rps_sum: f64,
    honest_caught_up: u64,
}

impl PointStats {
    /// Adds one run.
    pub fn add(&mut self, run: &RunOutcome) {
        self.runs += 1;
        self.successes += u64::from(run.success);
        self.agreements += u64::from(run.agreement);
        self.safety_violations += u64::from(run.safety_violation);
        if let Some(us) = run.latency_us {
            self.latency_us_sum += u128::from(us);
            self.latencies.record(us);
        }
        self.messages += run.messages;
        self.delivered += run.delivered;
        self.dropped += run.dropped;
        for (total, n) in self.messages_by_phase.iter_mut().zip(run.messages_by_phase) {
            *total += n;
        }
        self.view_changes += run.view_changes;
        if let Some(us) = run.commit_latency_us {
            self.commit_runs += 1;
            self.commit_latency_us_sum += u128::from(us);
        }
        if let Some(rps) = run.throughput_rps {
            self.accepted_runs += 1;
            self.throughput_rps_sum += rps;
        }
        self.honest_caught_up += u64::from(run.honest_caught_up);
    }

    /// Adds another slice of the same point.
    pub fn merge(&mut self, other: &PointStats) {
        self.runs += other.runs;
        self.successes += other.successes;
        self.agreements += other.agreements;
        self.safety_violations += other.safety_violations;
        self.latency_us_sum += other.latency_us_sum;
        self.latencies.merge(&other.latencies);
        self.messages += other.messages;
        self.delivered += other.delivered;
        self.dropped += other.dropped;
        for (total, n) in self
            .messages_by_phase
            .iter_mut()
            .zip(other.messages_by_phase)
        {
            *total += n;
        }
        self.view_changes += other.view_changes;
        self.commit_runs += other.commit_runs;
        self.commit_latency_us_sum += other.commit_latency_us_sum;
        self.accepted_runs += other.accepted_runs;
        self.throughput_rps_sum += other.throughput_rps_sum;
        self.honest_caught_up += other.honest_caught_up;
    }

    /// The aggregated point for Byzantine count `byzantine` of `config`.
    pub fn finish(&self, config: &Config, byzantine: u32) -> SweepPoint {
        let runs = self.runs.max(1) as f64;
        let ms = |us: u64| us as f64 / 1000.0;
        let latency_ms_mean = (self.successes > 0)
            .then(|| self.latency_us_sum as f64 / self.successes as f64 / 1000.0);
        let mut messages_by_phase_mean = [0.0; Phase::ALL.len()];
        for (mean, total) in messages_by_phase_mean
            .iter_mut()
            .zip(self.messages_by_phase)
        {
            *mean = total as f64 / runs;
        }
        SweepPoint {
            protocol: config.protocol,
            nodes: config.nodes,
            f: config.f(),
            byzantine,
            trials: self.runs,
            successes: self.successes,
            success_rate: self.successes as f64 / runs,
            agreements: self.agreements,
            safety_violations: self.safety_violations,
            latency_ms_mean,
            latency_ms_p5: self.latencies.quantile(0.05).map(ms),
            latency_ms_p50: self.latencies.quantile(0.50).map(ms),
            latency_ms_p95: self.latencies.quantile(0.95).map(ms),
            latency_ms_max: self.latencies.max().map(ms),
            messages_mean: self.messages as f64 / runs,
            delivered_mean: self.delivered as f64 / runs,
            dropped_mean: self.dropped as f64 / runs,
            messages_by_phase_mean,
            view_changes_mean: self.view_changes as f64 / runs,
            commit_latency_ms_mean: (self.commit_runs > 0)
                .then(|| self.commit_latency_us_sum as f64 / self.commit_runs as f64 / 1000.0),
            throughput_rps_mean: (self.accepted_runs > 0)
                .then(|| self.throughput_rps_sum / self.accepted_runs as f64),
            honest_caught_up_mean: self.honest_caught_up as f64 / runs,
        }
    }
}

/// The aggregate of `trials` runs at one Byzantine count. Latency figures are over successful
/// runs only and `None` when no run succeeded; percentiles are within 0.05 % (histogram). For
/// `pbft` the latency is the client's (a run's [`RunOutcome::latency_us`]).
#[derive(Clone, Debug, PartialEq)]
pub struct SweepPoint {
    pub protocol: Protocol,
    pub nodes: u32,
    pub f: u32,
    pub byzantine: u32,
    pub trials: u64,
    pub successes: u64,
    pub success_rate: f64,
    pub agreements: u64,
    pub safety_violations: u64,
    pub latency_ms_mean: Option<f64>,
    pub latency_ms_p5: Option<f64>,
    pub latency_ms_p50: Option<f64>,
    pub latency_ms_p95: Option<f64>,
    pub latency_ms_max: Option<f64>,
    pub messages_mean: f64,
    pub delivered_mean: f64,
    pub dropped_mean: f64,
    pub messages_by_phase_mean: [f64; Phase::ALL.len()],
    /// PBFT: mean view changes per run (0 for the tutorial).
    pub view_changes_mean: f64,
    /// PBFT: mean commit latency (first send to the last honest execution) over the runs in
    /// which some honest replica executed every request.
    pub commit_latency_ms_mean: Option<f64>,
    /// PBFT: mean throughput (requests per virtual second) over the runs whose clients accepted
    /// every request.
    pub throughput_rps_mean: Option<f64>,
    /// Mean honest replicas that executed every request by the end of a run (tutorial: that
    /// committed every request).
    pub honest_caught_up_mean: f64,
}

/// Runs trials `trials` (a range of trial indices) at Byzantine count `byzantine`.
pub fn run_trials(
    config: &Config,
    byzantine: u32,
    trials: std::ops::Range<u32>,
) -> Result<PointStats, ConfigError> {
    let config = Config {
        byzantine,
        ..config.clone()
    };
    config.validate()?;
    let mut stats = PointStats::default();
    for trial in trials {
        stats.add(&run_once(&config, trial)?);
    }
    Ok(stats)
}

/// Where a sliced sweep stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub runs_done: u64,
    pub runs_total: u64,
    pub points_done: usize,
    pub points_total: usize,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        self.runs_done as f64 / self.runs_total.max(1) as f64
    }

    pub fn finished(&self) -> bool {
        self.runs_done >= self.runs_total
    }
}

/// A sweep that runs in slices and reports each point as it finishes.
pub struct Sweep {
    config: Config,
    counts: Vec<u32>,
    point: usize,
    trial: u32,
    stats: PointStats,
    runs_done: u64,
}

impl Sweep {
    /// A sweep of `config` over Byzantine counts `counts`; every count is checked up front.
    pub fn new(config: &Config, counts: &[u32]) -> Result<Sweep, ConfigError> {
        config.validate()?;
        for &m in counts {
            Config {
                byzantine: m,
                byzantine_nodes: None,
                ..config.clone()
            }
            .validate()?;
        }
        Ok(Sweep {
            config: Config {
                byzantine_nodes: None,
                ..config.clone()
            },
            counts: counts.to_vec(),
            point: 0,
            trial: 0,
            stats: PointStats::default(),
            runs_done: 0,
        })
    }

    pub fn progress(&self) -> Progress {
        Progress {
            runs_done: self.runs_done,
            runs_total: self.counts.len() as u64 * u64::from(self.config.trials),
            points_done: self.point,
            points_total: self.counts.len(),
        }
    }

    /// Runs at most `max_runs` runs; returns the points that finished during this slice.
    pub fn advance(&mut self, max_runs: u64) -> Vec<SweepPoint> {
        let mut finished = Vec::new();
        let mut budget = max_runs;
        while budget > 0 && self.point < self.counts.len() {
            let m = self.counts[self.point];
            let config = Config {
                byzantine: m,
                ..self.config.clone()
            };
            let end = self.config.trials.min(
                self.trial
                    .saturating_add(budget.min(u64::from(u32::MAX)) as u32),
            );
            for trial in self.trial..end {
                // The sweep's configs were all validated in `new`.
                if let Ok(run) = run_once(&config, trial) {
                    self.stats.add(&run);
                }
            }
            let ran = u64::from(end - self.trial);
            budget -= ran;
            self.runs_done += ran;
            self.trial = end;
            if self.trial == self.config.trials {
                finished.push(std::mem::take(&mut self.stats).finish(&self.config, m));
                self.point += 1;
                self.trial = 0;
            }
        }
        finished
    }

    /// Runs everything left.
    pub fn run_all(mut self) -> Vec<SweepPoint> {
        self.advance(u64::MAX)
    }
}
