//! The sweep's progress report on stderr: runs done / total, elapsed time, rate and ETA.
//!
//! On a terminal it is an indicatif bar, shown once a sweep has taken a moment (a quick sweep
//! shows nothing) and redrawn at most ten times a second. When stderr is a file or a pipe there
//! is no bar; a long sweep (over [`LINE_AFTER`]) writes a plain line every [`LINE_EVERY`]
//! instead, so a log shows it is alive. `--quiet` turns all of it off. Nothing goes to stdout,
//! and a result printed while the bar shows goes through [`Progress::suspend`], so the two never
//! mix on a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A terminal bar appears after this long.
const BAR_AFTER: Duration = Duration::from_millis(300);
/// Without a terminal, nothing is written before this long...
const LINE_AFTER: Duration = Duration::from_secs(5);
/// ...and then a line at most this often.
const LINE_EVERY: Duration = Duration::from_secs(5);
const TEMPLATE: &str =
    "[{bar:30}] {percent:>3}% {pos}/{len} runs | {elapsed_precise} | {per_sec} | ETA {eta}";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Off,
    Bar,
    Lines,
}

/// Progress of one sweep.
pub struct Progress {
    mode: Mode,
    bar: ProgressBar,
    start: Instant,
    shown: bool,
    last_line: Option<Instant>,
}

impl Progress {
    /// A report for `total` runs; silent with `quiet`.
    pub fn new(total: u64, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        };
        // Hidden until the sweep has run for BAR_AFTER (then drawn on stderr).
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(TEMPLATE).expect("the template is valid");
        bar.set_style(style.progress_chars("##-"));
        Progress {
            mode,
            bar,
            start: Instant::now(),
            shown: false,
            last_line: None,
        }
    }

    /// `done` of the runs have finished.
    pub fn update(&mut self, done: u64) {
        self.bar.set_position(done);
        let elapsed = self.start.elapsed();
        match self.mode {
            Mode::Bar if !self.shown && elapsed >= BAR_AFTER => {
                self.shown = true;
                self.bar
                    .set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            }
            Mode::Lines
                if elapsed >= LINE_AFTER
                    && self.last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY) =>
            {
                self.last_line = Some(Instant::now());
                // Progress is best effort: a closed stderr must not stop the sweep.
                let _ = writeln!(std::io::stderr(), "pbft-sim: {}", self.line());
            }
            _ => {}
        }
    }

    /// Runs `f` (which prints a result on stdout) with the bar erased, then redraws it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Erases the bar.
    pub fn clear(&mut self) {
        self.bar.finish_and_clear();
    }

    /// The plain line of a log: `40% 400/1000 runs | 2.0s | 200 runs/s | ETA 3.0s`.
    fn line(&self) -> String {
        let (done, total) = (self.bar.position(), self.bar.length().unwrap_or(0));
        format!(
            "{:3.0}% {done}/{total} runs | {:.1}s | {:.0} runs/s | ETA {:.1}s",
            100.0 * done as f64 / total.max(1) as f64,
            self.start.elapsed().as_secs_f64(),
            self.bar.per_sec(),
            self.bar.eta().as_secs_f64()
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quiet_report_counts_without_drawing() {
        let mut p = Progress::new(200, true);
        p.update(50);
        assert_eq!(p.mode, Mode::Off);
        let line = p.line();
        assert!(line.starts_with(" 25% 50/200 runs | "), "{line}");
        assert!(p.bar.is_hidden());
    }
}
