//! Running a sweep on `--jobs` threads with output identical to one thread.
//!
//! Trial t at Byzantine count m is always the run keyed (seed, m, t), whichever thread runs it,
//! and [`PointStats::merge`] only adds integer counters and histogram buckets, so it is
//! commutative and associative. The sweep is cut into chunks of consecutive trials of one point;
//! worker threads take chunks in order from a shared counter and send their partial stats back to
//! the calling thread, which merges them and hands each point on as soon as it and every point
//! before it are complete. The points therefore come out in order, and their numbers depend only
//! on the scenario, never on `--jobs` or on scheduling.
//!
//! Why std's scoped threads and not rayon: what this needs is streaming in order (a point is
//! printed the moment it and every point before it are done, so `| head` sees the first lines
//! early) and stopping early when stdout closes. With rayon that still takes the channel and the
//! in-order merge below, plus a pool whose size is global rather than `--jobs`; the work-sharing
//! itself is one atomic counter. So the pool is these ~40 lines, with no dependency.

use pbft_engine::{run_trials, Config, ConfigError, PointStats, SweepPoint};
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Most trials in one chunk: small enough for a smooth progress bar and good load balance,
/// large enough that a chunk's bookkeeping is negligible next to its runs.
const MAX_CHUNK: u32 = 64;

/// The chunks of a sweep: (point index, trial range), in point order.
fn chunks(points: usize, trials: u32, jobs: usize) -> Vec<(usize, Range<u32>)> {
    let jobs = u32::try_from(jobs).unwrap_or(u32::MAX).max(1);
    let size = trials.div_ceil(jobs).clamp(1, MAX_CHUNK);
    let mut out = Vec::new();
    for point in 0..points {
        let mut start = 0;
        while start < trials {
            let end = start.saturating_add(size).min(trials);
            out.push((point, start..end));
            start = end;
        }
    }
    out
}

/// Runs `config.trials` trials at each count of `counts` on `jobs` threads.
///
/// `on_runs(done, total)` is called on the calling thread after every chunk; `on_point` receives
/// each finished point in the order of `counts`. An error from `on_point` (say, a closed stdout)
/// stops the workers and is returned.
pub fn sweep<E: From<ConfigError>>(
    config: &Config,
    counts: &[u32],
    jobs: usize,
    mut on_runs: impl FnMut(u64, u64),
    mut on_point: impl FnMut(SweepPoint) -> Result<(), E>,
) -> Result<(), E> {
    let tasks = chunks(counts.len(), config.trials, jobs);
    let total = counts.len() as u64 * u64::from(config.trials);
    let next = AtomicUsize::new(0);
    let mut pending = vec![0usize; counts.len()];
    for (point, _) in &tasks {
        pending[*point] += 1;
    }
    let mut stats = vec![PointStats::default(); counts.len()];
    let mut emitted = 0;
    let mut done = 0u64;
    let mut result = Ok(());

    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<(usize, Result<PointStats, ConfigError>)>();
        for _ in 0..jobs.clamp(1, tasks.len().max(1)) {
            let tx = tx.clone();
            let (tasks, next) = (&tasks, &next);
            scope.spawn(move || loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some((point, trials)) = tasks.get(k) else {
                    break;
                };
                let stats = run_trials(config, counts[*point], trials.clone());
                if tx.send((*point, stats)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (point, chunk) in rx {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    result = Err(E::from(e));
                    break;
                }
            };
            done += chunk.runs;
            stats[point].merge(&chunk);
            pending[point] -= 1;
            on_runs(done, total);
            while emitted < counts.len() && pending[emitted] == 0 {
                let finished = std::mem::take(&mut stats[emitted]).finish(config, counts[emitted]);
                emitted += 1;
                if let Err(e) = on_point(finished) {
                    result = Err(e);
                    break;
                }
            }
            if result.is_err() {
                break;
            }
        }
        // On an early exit, let the workers run dry; their sends then fail and they stop.
        next.store(tasks.len(), Ordering::Relaxed);
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_trial_once() {
        for (points, trials, jobs) in [(3, 6, 1), (2, 1000, 2), (1, 1, 8), (4, 7, 3)] {
            let c = chunks(points, trials, jobs);
            for p in 0..points {
                let mut covered: Vec<u32> = c
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .flat_map(|(_, r)| r.clone())
                    .collect();
                covered.sort_unstable();
                assert_eq!(covered, (0..trials).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn any_number_of_jobs_gives_the_same_points() {
        let config = Config {
            trials: 9,
            drop: 0.05,
            ..Config::default()
        };
        let counts = [0, 2, 4];
        let collect = |jobs| {
            let mut points = Vec::new();
            sweep::<ConfigError>(
                &config,
                &counts,
                jobs,
                |_, _| {},
                |p| {
                    points.push(p);
                    Ok(())
                },
            )
            .unwrap();
            points
        };
        let one = collect(1);
        assert_eq!(one.len(), 3);
        assert_eq!(one.iter().map(|p| p.byzantine).collect::<Vec<_>>(), counts);
        for jobs in [2, 3, 16] {
            assert_eq!(collect(jobs), one, "jobs={jobs}");
        }
    }
}
